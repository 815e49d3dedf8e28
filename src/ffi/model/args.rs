//! Arguments of the model functions as C passes them: targets (an id or a
//! path in one string), views, attribute-name filters and optional
//! intervals.

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

/// An attribute-name filter from C: NULL or "" for none, else names
/// separated by commas (spaces around them are ignored).
pub(crate) fn name_filter(p: *const c_char) -> FfiResult<AttributeFilter> {
    if p.is_null() {
        return Ok(AttributeFilter::default());
    }
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let text = unsafe { c_str(p, "attribute_names") }?;
    let names: Vec<&str> = text.split(',').map(str::trim).collect();
    if names == [""] {
        return Ok(AttributeFilter::default());
    }
    if names.iter().any(|n| n.is_empty()) {
        return Err(Failure::invalid_argument(format!(
            "attribute_names {text:?} has an empty name: separate names by single commas"
        )));
    }
    Ok(AttributeFilter::names(names))
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
    fn name_filters_split_on_commas() {
        let f = |s: &str| name_filter(CString::new(s).unwrap().as_ptr());
        assert_eq!(ok(f("")), AttributeFilter::default());
        assert_eq!(
            ok(name_filter(std::ptr::null())),
            AttributeFilter::default()
        );
        assert_eq!(ok(f("A")).names, ["A"]);
        assert_eq!(ok(f(" A , B,C ")).names, ["A", "B", "C"]);
        for bad in ["A,,B", ",A", "A,", " , "] {
            assert!(f(bad).is_err(), "{bad}");
        }
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
