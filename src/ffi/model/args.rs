//! Arguments of the model functions as C passes them: targets (an id or a
//! path in one string), views, attribute filters (names, tags, namespaces)
//! and optional intervals.

use std::ffi::c_char;

use crate::client::model::{AttributeFilter, Target, View};
use crate::ffi::args::{c_str, MESH_TIME_NONE};
use crate::ffi::model::read::{
    MESH_MODEL_VIEW_FULL, MESH_MODEL_VIEW_NO_ATTRIBUTES, MESH_MODEL_VIEW_NO_DEFINITIONS,
};
use crate::ffi::{Failure, FfiResult};

/// A target from C: an id (canonical or braced) or a path.
pub(crate) fn target(p: *const c_char, what: &str) -> FfiResult<Target> {
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let text = unsafe { c_str(p, what) }?;
    Target::parse(text).map_err(|e| Failure::invalid_argument(format!("{what}: {}", e.message())))
}

pub(crate) fn view(value: i32) -> FfiResult<View> {
    match value {
        MESH_MODEL_VIEW_FULL => Ok(View::Full),
        MESH_MODEL_VIEW_NO_DEFINITIONS => Ok(View::NoDefinitions),
        MESH_MODEL_VIEW_NO_ATTRIBUTES => Ok(View::NoAttributes),
        other => Err(Failure::invalid_argument(format!(
            "view {other} is none of MESH_MODEL_VIEW_FULL (0), MESH_MODEL_VIEW_NO_DEFINITIONS (1), MESH_MODEL_VIEW_NO_ATTRIBUTES (2)"
        ))),
    }
}

/// A list of names from C: NULL or "" for none, else names separated by
/// commas (spaces around them are ignored). `what` names the parameter in
/// messages.
fn name_list(p: *const c_char, what: &str) -> FfiResult<Vec<String>> {
    if p.is_null() {
        return Ok(Vec::new());
    }
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let text = unsafe { c_str(p, what) }?;
    let names: Vec<&str> = text.split(',').map(str::trim).collect();
    if names == [""] {
        return Ok(Vec::new());
    }
    if names.iter().any(|n| n.is_empty()) {
        return Err(Failure::invalid_argument(format!(
            "{what} {text:?} has an empty name: separate names by single commas"
        )));
    }
    Ok(names.into_iter().map(str::to_string).collect())
}

/// The attribute filter of an object read or search from C: attribute
/// names, tag names and namespace names, each NULL or "" for no mask, else
/// names separated by commas. Refused without a request, as Mesh would
/// refuse it: names together with tags or namespaces, and a namespace with
/// a dot (each entry is one namespace, matched against each part of an
/// attribute's dotted namespace).
pub(crate) fn attribute_filter(
    attribute_names: *const c_char,
    tag_names: *const c_char,
    namespace_names: *const c_char,
) -> FfiResult<AttributeFilter> {
    let filter = AttributeFilter {
        names: name_list(attribute_names, "attribute_names")?,
        tags: name_list(tag_names, "tag_names")?,
        namespaces: name_list(namespace_names, "namespace_names")?,
        types: Vec::new(),
    };
    if !filter.names.is_empty() && (!filter.tags.is_empty() || !filter.namespaces.is_empty()) {
        return Err(Failure::invalid_argument(
            "attribute_names cannot be combined with tag_names or namespace_names: give names, or tags and namespaces",
        ));
    }
    if let Some(dotted) = filter.namespaces.iter().find(|n| n.contains('.')) {
        return Err(Failure::invalid_argument(format!(
            "namespace_names: {dotted:?} has a dot: give single namespaces (\"Hydro\" matches an attribute in namespace EnergySystem.Hydro)"
        )));
    }
    Ok(filter)
}

pub(crate) fn attribute_view(value: i32) -> FfiResult<View> {
    match view(value)? {
        View::NoAttributes => Err(Failure::invalid_argument(
            "MESH_MODEL_VIEW_NO_ATTRIBUTES is for objects; attributes take MESH_MODEL_VIEW_FULL or MESH_MODEL_VIEW_NO_DEFINITIONS",
        )),
        v => Ok(v),
    }
}

/// `[start_ms, end_ms)`, or no interval when both are `MESH_TIME_NONE`.
pub(crate) fn optional_interval(start_ms: i64, end_ms: i64) -> FfiResult<Option<(i64, i64)>> {
    match (start_ms == MESH_TIME_NONE, end_ms == MESH_TIME_NONE) {
        (true, true) => Ok(None),
        (false, false) => Ok(Some((start_ms, end_ms))),
        _ => Err(Failure::invalid_argument(
            "start_ms and end_ms must both be MESH_TIME_NONE or both be times",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::ffi::CString;

    fn ok<T>(r: FfiResult<T>) -> T {
        r.unwrap_or_else(|f| panic!("{}", f.message))
    }

    #[test]
    fn name_lists_split_on_commas() {
        let f = |s: &str| name_list(CString::new(s).unwrap().as_ptr(), "x");
        assert!(ok(f("")).is_empty());
        assert!(ok(name_list(std::ptr::null(), "x")).is_empty());
        assert_eq!(ok(f("A")), ["A"]);
        assert_eq!(ok(f(" A , B,C ")), ["A", "B", "C"]);
        for bad in ["A,,B", ",A", "A,", " , "] {
            let e = f(bad).err().unwrap_or_else(|| panic!("{bad}"));
            assert!(e.message.starts_with("x "), "{}", e.message);
        }
    }

    #[test]
    fn attribute_filters_follow_meshs_rules() {
        let c = |s: &str| CString::new(s).unwrap();
        let null = std::ptr::null();
        let filter = |names: &CString, tags: &CString, spaces: &CString| {
            attribute_filter(names.as_ptr(), tags.as_ptr(), spaces.as_ptr())
        };
        let none = c("");
        assert_eq!(
            ok(attribute_filter(null, null, null)),
            AttributeFilter::default()
        );
        assert_eq!(ok(filter(&none, &none, &none)), AttributeFilter::default());
        assert_eq!(ok(filter(&c("A,B"), &none, &none)).names, ["A", "B"]);
        let both = ok(filter(&none, &c("T1, T2"), &c("Hydro")));
        assert_eq!(
            (both.tags, both.namespaces),
            (vec!["T1".into(), "T2".into()], vec!["Hydro".into()])
        );
        assert!(filter(&c("A"), &c("T"), &none).is_err());
        assert!(filter(&c("A"), &none, &c("N")).is_err());
        assert!(filter(&none, &none, &c("A.B")).is_err());
        assert!(filter(&none, &c("A,"), &none).is_err());
    }

    #[test]
    fn views_are_checked() {
        assert_eq!(view(0).ok(), Some(View::Full));
        assert_eq!(view(2).ok(), Some(View::NoAttributes));
        assert!(view(3).is_err());
        assert!(view(-1).is_err());
        assert!(attribute_view(2).is_err());
        assert_eq!(attribute_view(1).ok(), Some(View::NoDefinitions));
    }

    #[test]
    fn no_time_means_no_interval() {
        assert_eq!(
            optional_interval(MESH_TIME_NONE, MESH_TIME_NONE).ok(),
            Some(None)
        );
        assert_eq!(optional_interval(1, 2).ok(), Some(Some((1, 2))));
        assert!(optional_interval(MESH_TIME_NONE, 2).is_err());
        assert!(optional_interval(1, MESH_TIME_NONE).is_err());
    }
}
