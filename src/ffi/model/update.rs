//! Changing the model from C, inside a session (others see the changes
//! after `mesh_session_commit`): simple attribute values, single and
//! collections from caller arrays (copied before the call returns), time
//! series attributes and their definitions, link relations plain and
//! versioned, and objects and models (create, rename, move, delete).

use std::ffi::c_char;

use crate::client::model::{LinkVersion, SimpleValue, Target};
use crate::client::Uuid;
use crate::ffi::args::array;
use crate::ffi::args::{c_str, optional_str};
use crate::ffi::model::args::{optional_interval, target};
use crate::ffi::model::handles::{mesh_object, register_object};
use crate::ffi::request::{nothing, Request};
use crate::ffi::session::{self, mesh_session};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

fn set_value(
    session: *mut mesh_session,
    target: *const c_char,
    value: FfiResult<SimpleValue>,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    let value = value?;
    Ok(handle.request(
        move |h| async move { h.session.set_attribute_value(&target, &value).await },
        nothing,
    ))
}

fn set_values(
    session: *mut mesh_session,
    target: *const c_char,
    values: FfiResult<Vec<SimpleValue>>,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    let values = values?;
    Ok(handle.request(
        move |h| async move { h.session.set_attribute_values(&target, &values).await },
        nothing,
    ))
}

/// A caller's array of `count` items converted one by one.
///
/// # Safety
/// `p` is NULL or points to `count` readable items.
unsafe fn values_from<T: Copy>(
    p: *const T,
    count: usize,
    convert: impl Fn(T) -> SimpleValue,
) -> FfiResult<Vec<SimpleValue>> {
    // SAFETY: passed on from the caller.
    let items = unsafe { array(p, count, "values") }?;
    Ok(items.iter().map(|v| convert(*v)).collect())
}

/// A caller's array of `count` strings.
///
/// # Safety
/// `p` is NULL or points to `count` pointers, each NULL or a NUL-terminated string.
unsafe fn strings<'a>(
    p: *const *const c_char,
    count: usize,
    what: &str,
) -> FfiResult<Vec<Option<&'a str>>> {
    // SAFETY: passed on from the caller.
    let items = unsafe { array(p, count, what) }?;
    items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if s.is_null() {
                Ok(None)
            } else {
                // SAFETY: the caller's promise for each non-NULL entry.
                unsafe { c_str(*s, &format!("{what}[{i}]")) }.map(Some)
            }
        })
        .collect()
}

/// Parses ids (canonical or braced); a NULL or "" entry is `None` when
/// `allow_none`, else an error.
fn ids(texts: Vec<Option<&str>>, what: &str, allow_none: bool) -> FfiResult<Vec<Option<Uuid>>> {
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| match text {
            None | Some("") if allow_none => Ok(None),
            None => Err(Failure::invalid_argument(format!("{what}[{i}] is NULL"))),
            Some(text) => match Target::parse(text) {
                Ok(Target::Id(id)) => Ok(Some(id)),
                _ => Err(Failure::invalid_argument(format!(
                    "{what}[{i}] {text:?} is not an id (8-4-4-4-12 hex digits, optionally in braces)"
                ))),
            },
        })
        .collect()
}

/// Sets a single int attribute (`target`: id or path) to `value`. Double
/// attributes take ints too.
///
/// @param session The session to work in.
/// @param target The attribute: its id (canonical or braced) or path.
/// @param value The new value.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, or an attribute of another value type;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no attribute has that id or path; or a status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_int(
    session: *mut mesh_session,
    target: *const c_char,
    value: i64,
) -> mesh_status {
    guard("mesh_attribute_update_int", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_update_int_request(session, target, value) }?.wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_int_request(
    session: *mut mesh_session,
    target: *const c_char,
    value: i64,
) -> FfiResult<Request<()>> {
    set_value(session, target, Ok(SimpleValue::Int(value)))
}

/// Sets a single double attribute to `value`.
///
/// @param session The session to work in.
/// @param target The attribute: its id (canonical or braced) or path.
/// @param value The new value.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, or an attribute of another value type;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no attribute has that id or path; or a status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_double(
    session: *mut mesh_session,
    target: *const c_char,
    value: f64,
) -> mesh_status {
    guard("mesh_attribute_update_double", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_update_double_request(session, target, value) }?.wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_double_request(
    session: *mut mesh_session,
    target: *const c_char,
    value: f64,
) -> FfiResult<Request<()>> {
    set_value(session, target, Ok(SimpleValue::Double(value)))
}

/// Sets a single bool attribute to `value` (0 false, anything else true).
///
/// @param session The session to work in.
/// @param target The attribute: its id (canonical or braced) or path.
/// @param value The new value: 0 for false, anything else for true.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, or an attribute of another value type;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no attribute has that id or path; or a status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_bool(
    session: *mut mesh_session,
    target: *const c_char,
    value: i32,
) -> mesh_status {
    guard("mesh_attribute_update_bool", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_update_bool_request(session, target, value) }?.wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_bool_request(
    session: *mut mesh_session,
    target: *const c_char,
    value: i32,
) -> FfiResult<Request<()>> {
    set_value(session, target, Ok(SimpleValue::Bool(value != 0)))
}

/// Sets a single string attribute to `value`.
///
/// @param session The session to work in.
/// @param target The attribute: its id (canonical or braced) or path.
/// @param value The new value (UTF-8, NUL-terminated).
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, or an attribute of another value type;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no attribute has that id or path; or a status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_string(
    session: *mut mesh_session,
    target: *const c_char,
    value: *const c_char,
) -> mesh_status {
    guard("mesh_attribute_update_string", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_update_string_request(session, target, value) }?.wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_string_request(
    session: *mut mesh_session,
    target: *const c_char,
    value: *const c_char,
) -> FfiResult<Request<()>> {
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let value = unsafe { c_str(value, "value") }.map(|s| SimpleValue::String(s.to_string()));
    set_value(session, target, value)
}

/// Sets a single UTC time attribute to `value_ms` (ms since the Unix epoch).
///
/// @param session The session to work in.
/// @param target The attribute: its id (canonical or braced) or path.
/// @param value_ms The new value, ms since the Unix epoch, UTC.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, or an attribute of another value type;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no attribute has that id or path; or a status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_utc_time(
    session: *mut mesh_session,
    target: *const c_char,
    value_ms: i64,
) -> mesh_status {
    guard("mesh_attribute_update_utc_time", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_update_utc_time_request(session, target, value_ms) }?.wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_utc_time_request(
    session: *mut mesh_session,
    target: *const c_char,
    value_ms: i64,
) -> FfiResult<Request<()>> {
    set_value(session, target, Ok(SimpleValue::UtcTime(value_ms)))
}

/// Sets the elements of an int collection attribute to the `count` values
/// of `values` (NULL allowed when `count` is 0, which empties it).
///
/// @param session The session to work in.
/// @param target The attribute: its id (canonical or braced) or path.
/// @param values The new elements: count items; may be NULL when count is 0.
/// @param count The number of elements; 0 empties the collection.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, a NULL or misaligned array when count is
///   not 0, or an attribute of another value type; MESH_ERROR_INVALID_HANDLE
///   for a closed or made-up session; MESH_ERROR_NOT_FOUND when no attribute
///   has that id or path; or a status of the call to the server (see
///   `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_ints(
    session: *mut mesh_session,
    target: *const c_char,
    values: *const i64,
    count: usize,
) -> mesh_status {
    guard("mesh_attribute_update_ints", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_update_ints_request(session, target, values, count) }?.wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_ints_request(
    session: *mut mesh_session,
    target: *const c_char,
    values: *const i64,
    count: usize,
) -> FfiResult<Request<()>> {
    // SAFETY: the caller's array of `count` items.
    let values = unsafe { values_from(values, count, SimpleValue::Int) };
    set_values(session, target, values)
}

/// As `mesh_attribute_update_ints`, for a double collection.
///
/// @param session The session to work in.
/// @param target The attribute: its id (canonical or braced) or path.
/// @param values The new elements: count items; may be NULL when count is 0.
/// @param count The number of elements; 0 empties the collection.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, a NULL or misaligned array when count is
///   not 0, or an attribute of another value type; MESH_ERROR_INVALID_HANDLE
///   for a closed or made-up session; MESH_ERROR_NOT_FOUND when no attribute
///   has that id or path; or a status of the call to the server (see
///   `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_doubles(
    session: *mut mesh_session,
    target: *const c_char,
    values: *const f64,
    count: usize,
) -> mesh_status {
    guard("mesh_attribute_update_doubles", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_update_doubles_request(session, target, values, count) }?
            .wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_doubles_request(
    session: *mut mesh_session,
    target: *const c_char,
    values: *const f64,
    count: usize,
) -> FfiResult<Request<()>> {
    // SAFETY: the caller's array of `count` items.
    let values = unsafe { values_from(values, count, SimpleValue::Double) };
    set_values(session, target, values)
}

/// As `mesh_attribute_update_ints`, for a bool collection (0 false, anything
/// else true).
///
/// @param session The session to work in.
/// @param target The attribute: its id (canonical or braced) or path.
/// @param values The new elements, 0 for false, anything else for true: count
///   items; may be NULL when count is 0.
/// @param count The number of elements; 0 empties the collection.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, a NULL or misaligned array when count is
///   not 0, or an attribute of another value type; MESH_ERROR_INVALID_HANDLE
///   for a closed or made-up session; MESH_ERROR_NOT_FOUND when no attribute
///   has that id or path; or a status of the call to the server (see
///   `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_bools(
    session: *mut mesh_session,
    target: *const c_char,
    values: *const i32,
    count: usize,
) -> mesh_status {
    guard("mesh_attribute_update_bools", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_update_bools_request(session, target, values, count) }?.wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_bools_request(
    session: *mut mesh_session,
    target: *const c_char,
    values: *const i32,
    count: usize,
) -> FfiResult<Request<()>> {
    // SAFETY: the caller's array of `count` items.
    let values = unsafe { values_from(values, count, |b| SimpleValue::Bool(b != 0)) };
    set_values(session, target, values)
}

/// As `mesh_attribute_update_ints`, for a UTC time collection (ms since the
/// Unix epoch).
///
/// @param session The session to work in.
/// @param target The attribute: its id (canonical or braced) or path.
/// @param values_ms The new elements, ms since the Unix epoch, UTC: count
///   items; may be NULL when count is 0.
/// @param count The number of elements; 0 empties the collection.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, a NULL or misaligned array when count is
///   not 0, or an attribute of another value type; MESH_ERROR_INVALID_HANDLE
///   for a closed or made-up session; MESH_ERROR_NOT_FOUND when no attribute
///   has that id or path; or a status of the call to the server (see
///   `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_utc_times(
    session: *mut mesh_session,
    target: *const c_char,
    values_ms: *const i64,
    count: usize,
) -> mesh_status {
    guard("mesh_attribute_update_utc_times", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_update_utc_times_request(session, target, values_ms, count) }?
            .wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_utc_times_request(
    session: *mut mesh_session,
    target: *const c_char,
    values_ms: *const i64,
    count: usize,
) -> FfiResult<Request<()>> {
    // SAFETY: the caller's array of `count` items.
    let values = unsafe { values_from(values_ms, count, SimpleValue::UtcTime) };
    set_values(session, target, values)
}

/// As `mesh_attribute_update_ints`, for a string collection: `values` is an
/// array of `count` NUL-terminated strings (none NULL).
///
/// @param session The session to work in.
/// @param target The attribute: its id (canonical or braced) or path.
/// @param values The new elements: count NUL-terminated UTF-8 strings, none
///   NULL; values may be NULL when count is 0.
/// @param count The number of elements; 0 empties the collection.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, a NULL or misaligned array when count is
///   not 0, a NULL entry, or an attribute of another value type;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no attribute has that id or path; or a status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_strings(
    session: *mut mesh_session,
    target: *const c_char,
    values: *const *const c_char,
    count: usize,
) -> mesh_status {
    guard("mesh_attribute_update_strings", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_update_strings_request(session, target, values, count) }?
            .wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_strings_request(
    session: *mut mesh_session,
    target: *const c_char,
    values: *const *const c_char,
    count: usize,
) -> FfiResult<Request<()>> {
    // SAFETY: the caller's array of `count` strings.
    let values = unsafe { strings(values, count, "values") }.and_then(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, s)| {
                s.map(|s| SimpleValue::String(s.to_string()))
                    .ok_or_else(|| Failure::invalid_argument(format!("values[{i}] is NULL")))
            })
            .collect()
    });
    set_values(session, target, values)
}

/// Connects the time series resource with key `key` to a time series
/// attribute; key 0 disconnects it. An unknown key gives
/// `MESH_ERROR_NOT_FOUND`.
///
/// @param session The session to work in.
/// @param target The time series attribute: its id (canonical or braced) or
///   path.
/// @param key The key of the time series resource to connect, or 0 to
///   disconnect.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, or an attribute of another value type;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no attribute has that id or path, or no resource
///   has the key; or a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_timeseries_key(
    session: *mut mesh_session,
    target: *const c_char,
    key: i64,
) -> mesh_status {
    guard("mesh_attribute_update_timeseries_key", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_update_timeseries_key_request(session, target, key) }?.wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_timeseries_key_request(
    session: *mut mesh_session,
    target: *const c_char,
    key: i64,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    Ok(handle.request(
        move |h| async move {
            h.session
                .update_timeseries_attribute(&target, Some(key), None)
                .await
        },
        nothing,
    ))
}

/// Sets the local expression of a time series attribute; "" removes it, so
/// the definition's template applies again.
///
/// @param session The session to work in.
/// @param target The time series attribute: its id (canonical or braced) or
///   path.
/// @param expression The new local expression, or "" to remove it.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, or an attribute of another value type;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no attribute has that id or path; or a status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_expression(
    session: *mut mesh_session,
    target: *const c_char,
    expression: *const c_char,
) -> mesh_status {
    guard("mesh_attribute_update_expression", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_update_expression_request(session, target, expression) }?
            .wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_expression_request(
    session: *mut mesh_session,
    target: *const c_char,
    expression: *const c_char,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let expression = unsafe { c_str(expression, "expression") }?.to_string();
    Ok(handle.request(
        move |h| async move {
            h.session
                .update_timeseries_attribute(&target, None, Some(&expression))
                .await
        },
        nothing,
    ))
}

/// Changes a time series attribute definition, for every attribute of it,
/// in this session (others see the change after `mesh_session_commit`;
/// `mesh_session_rollback` undoes it). `new_template_expression` becomes
/// the expression of the attributes that have no local expression of their
/// own; Mesh does not check it, so a bad one fails only when their points
/// are read. `new_description` becomes the definition's description. NULL
/// leaves that part as it is; "" sets it empty. The definition is named by
/// its id, or its path as `mesh_attribute_definition_path` gives it (e.g.
/// `"Repository/SimpleThermalTestRepository/PlantElementType/TsCalcAtt2"`);
/// read the new values back with `mesh_attribute_definition_template_expression`
/// and `mesh_attribute_definition_description` on an attribute read with
/// `MESH_MODEL_VIEW_FULL`.
///
/// @param session The session to work in.
/// @param target The time series attribute definition: its id (canonical or
///   braced) or path.
/// @param new_template_expression The new template expression (UTF-8,
///   NUL-terminated), or NULL to leave it.
/// @param new_description The new description (UTF-8, NUL-terminated), or
///   NULL to leave it.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL session or target,
///   a target that is neither id nor path, both new_template_expression and
///   new_description NULL (all without a request), or a definition of another
///   value type than time series; MESH_ERROR_INVALID_HANDLE for a closed or
///   made-up session; MESH_ERROR_NOT_FOUND when no attribute definition has
///   that id or path; or a status of the call to the server (see
///   `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_update(
    session: *mut mesh_session,
    target: *const c_char,
    new_template_expression: *const c_char,
    new_description: *const c_char,
) -> mesh_status {
    guard("mesh_attribute_definition_update", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_attribute_definition_update_request(
                session,
                target,
                new_template_expression,
                new_description,
            )
        }?
        .wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_definition_update_request(
    session: *mut mesh_session,
    target: *const c_char,
    new_template_expression: *const c_char,
    new_description: *const c_char,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    // SAFETY (both strings): the caller passes NULL or a NUL-terminated string.
    let template = unsafe { optional_str(new_template_expression, "new_template_expression") }?
        .map(str::to_string);
    let description =
        unsafe { optional_str(new_description, "new_description") }?.map(str::to_string);
    if template.is_none() && description.is_none() {
        return Err(Failure::invalid_argument(
            "new_template_expression and new_description are both NULL: nothing to change",
        ));
    }
    Ok(handle.request(
        move |h| async move {
            h.session
                .update_timeseries_attribute_definition(
                    &target,
                    template.as_deref(),
                    description.as_deref(),
                )
                .await
        },
        nothing,
    ))
}

/// Sets the targets of a link relation attribute to the `count` object ids
/// in `target_ids` (canonical or braced), replacing them, or with `append`
/// 1 adding to them (one-to-many relations only). `count` 0 with `append` 0
/// clears the relation.
///
/// @param session The session to work in.
/// @param target The link relation attribute: its id (canonical or braced) or
///   path.
/// @param target_ids The ids of the objects to link to: count NUL-terminated
///   strings, none NULL; may be NULL when count is 0.
/// @param count The number of ids.
/// @param append 1 to add the targets to those there are, 0 to replace them.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, a NULL or misaligned target_ids when count is
///   not 0, an entry of target_ids that is NULL or no id, or an attribute of
///   another value type; MESH_ERROR_INVALID_HANDLE for a closed or made-up
///   session; MESH_ERROR_NOT_FOUND when target names no attribute, or an id
///   names no object; or a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_links(
    session: *mut mesh_session,
    target: *const c_char,
    target_ids: *const *const c_char,
    count: usize,
    append: i32,
) -> mesh_status {
    guard("mesh_attribute_update_links", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_update_links_request(session, target, target_ids, count, append) }?
            .wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_links_request(
    session: *mut mesh_session,
    target: *const c_char,
    target_ids: *const *const c_char,
    count: usize,
    append: i32,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    // SAFETY: the caller's array of `count` strings.
    let texts = unsafe { strings(target_ids, count, "target_ids") }?;
    let targets: Vec<Uuid> = ids(texts, "target_ids", false)?
        .into_iter()
        .flatten()
        .collect();
    let append = append != 0;
    Ok(handle.request(
        move |h| async move {
            h.session
                .update_link_relation(&target, &targets, append)
                .await
        },
        nothing,
    ))
}

/// Versions from the caller's arrays, split into entries of the given sizes.
///
/// # Safety
/// Arrays as for [`array`] and [`strings`].
unsafe fn version_entries(
    sizes: &[usize],
    valid_from_ms: *const i64,
    target_ids: *const *const c_char,
    count: usize,
) -> FfiResult<Vec<Vec<LinkVersion>>> {
    let total: usize = sizes
        .iter()
        .try_fold(0usize, |a, b| a.checked_add(*b))
        .unwrap_or(usize::MAX);
    if total != count {
        return Err(Failure::invalid_argument(format!(
            "the entry sizes add up to {total} versions, but count is {count}"
        )));
    }
    // SAFETY: the caller's arrays of `count` items.
    let times = unsafe { array(valid_from_ms, count, "valid_from_ms") }?;
    // SAFETY: the caller's array of `count` strings, each NULL for none.
    let texts = unsafe { strings(target_ids, count, "target_ids") }?;
    let targets = ids(texts, "target_ids", true)?;
    let mut versions = times.iter().zip(targets).map(|(t, id)| LinkVersion {
        target_id: id,
        valid_from_ms: *t,
    });
    Ok(sizes
        .iter()
        .map(|n| versions.by_ref().take(*n).collect())
        .collect())
}

/// Replaces the versions of a one-to-one versioned link relation attribute
/// in `[start_ms, end_ms)` (both `MESH_TIME_NONE` for all time) with the
/// `count` versions given by `valid_from_ms` (ms since the Unix epoch, in
/// order, inside the interval) and `target_ids` (an object id each; a NULL
/// or "" entry links nothing from that time on). `count` 0 removes the
/// versions in the interval.
///
/// @param session The session to work in.
/// @param target The versioned link relation attribute: its id (canonical or
///   braced) or path.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC; MESH_TIME_NONE, with end_ms too, for all time.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   MESH_TIME_NONE, with start_ms too, for all time.
/// @param valid_from_ms When each version starts, ms since the Unix epoch, UTC:
///   count items in time order; may be NULL when count is 0.
/// @param target_ids The object each version links to: count ids (canonical or
///   braced), each NULL or "" to link nothing from then on; may be NULL when
///   count is 0.
/// @param count The number of versions.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, only one of the times MESH_TIME_NONE, end_ms
///   before start_ms, a NULL or misaligned array when count is not 0, an entry
///   of target_ids that is no id, or an attribute of another value type;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when target names no attribute, or an id names no
///   object; or a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_link_versions(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    valid_from_ms: *const i64,
    target_ids: *const *const c_char,
    count: usize,
) -> mesh_status {
    guard("mesh_attribute_update_link_versions", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_attribute_update_link_versions_request(
                session,
                target,
                start_ms,
                end_ms,
                valid_from_ms,
                target_ids,
                count,
            )
        }?
        .wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_link_versions_request(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    valid_from_ms: *const i64,
    target_ids: *const *const c_char,
    count: usize,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    let interval = optional_interval(start_ms, end_ms)?;
    // SAFETY: the caller's arrays of `count` items.
    let entries = unsafe { version_entries(&[count], valid_from_ms, target_ids, count) }?;
    Ok(handle.request(
        move |h| async move {
            h.session
                .update_versioned_link_relation(&target, interval, &entries)
                .await
        },
        nothing,
    ))
}

/// Replaces every entry of a one-to-many versioned link relation attribute
/// (each entry a series of versions, for one target over time) with
/// `entry_count` new entries of `entry_sizes[i]` versions each, taken in
/// turn from the `count` versions in `valid_from_ms` and `target_ids` (as
/// for `mesh_attribute_update_link_versions`; the sizes must add up to
/// `count`). `entry_count` 0 removes every entry. Mesh takes no interval
/// for one-to-many relations: the entries replace all there were.
///
/// @param session The session to work in.
/// @param target The versioned link relation attribute: its id (canonical or
///   braced) or path.
/// @param entry_sizes The number of versions of each entry: entry_count items;
///   may be NULL when entry_count is 0.
/// @param entry_count The number of entries.
/// @param valid_from_ms When each version starts, ms since the Unix epoch, UTC:
///   count items, entry by entry, each entry in time order; may be NULL when
///   count is 0.
/// @param target_ids The object each version links to: count ids (canonical or
///   braced), each NULL or "" to link nothing from then on; may be NULL when
///   count is 0.
/// @param count The number of versions of all entries together.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, a NULL or misaligned array when its count is
///   not 0, sizes that do not add up to count, an entry of target_ids that is
///   no id, or an attribute of another value type; MESH_ERROR_INVALID_HANDLE
///   for a closed or made-up session; MESH_ERROR_NOT_FOUND when target names no
///   attribute, or an id names no object; or a status of the call to the server
///   (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_update_link_version_entries(
    session: *mut mesh_session,
    target: *const c_char,
    entry_sizes: *const usize,
    entry_count: usize,
    valid_from_ms: *const i64,
    target_ids: *const *const c_char,
    count: usize,
) -> mesh_status {
    guard("mesh_attribute_update_link_version_entries", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_attribute_update_link_version_entries_request(
                session,
                target,
                entry_sizes,
                entry_count,
                valid_from_ms,
                target_ids,
                count,
            )
        }?
        .wait_done()
    })
}

pub(crate) unsafe fn mesh_attribute_update_link_version_entries_request(
    session: *mut mesh_session,
    target: *const c_char,
    entry_sizes: *const usize,
    entry_count: usize,
    valid_from_ms: *const i64,
    target_ids: *const *const c_char,
    count: usize,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    // SAFETY: the caller's array of `entry_count` sizes.
    let sizes = unsafe { array(entry_sizes, entry_count, "entry_sizes") }?;
    // SAFETY: the caller's arrays of `count` items.
    let entries = unsafe { version_entries(sizes, valid_from_ms, target_ids, count) }?;
    Ok(handle.request(
        move |h| async move {
            h.session
                .update_versioned_link_relation(&target, None, &entries)
                .await
        },
        nothing,
    ))
}

/// Creates an object named `name` owned by `owner` (an ownership attribute,
/// by id or path, e.g. `"Model/M/Component.Ref/Plant.PlantToChimneyRef"`),
/// and writes it, with all its attributes, to a new `*out_object` (free
/// with `mesh_object_free`; `out_object` may be NULL when not wanted). To
/// create a first-level object under a model, `owner` names the model and
/// `definition` the object definition (id or `Repository/...` path);
/// otherwise `definition` is NULL.
///
/// @param session The session to work in.
/// @param owner The ownership attribute that will own the object, or the model
///   for a first-level object: its id (canonical or braced) or path.
/// @param name The new object's name.
/// @param definition The object definition (id or `Repository/...` path) when
///   owner is a model; else NULL.
/// @param out_object Receives the new object on success (untouched on failure);
///   may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL session, owner or
///   name, an owner or definition that is neither id nor path, or the wrong
///   kind of owner; MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when owner or definition names nothing; or a status
///   of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_create(
    session: *mut mesh_session,
    owner: *const c_char,
    name: *const c_char,
    definition: *const c_char,
    out_object: *mut *mut mesh_object,
) -> mesh_status {
    guard("mesh_object_create", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_object_create_request(session, owner, name, definition) }?
            .wait(out_object, "out_object")
    })
}

pub(crate) unsafe fn mesh_object_create_request(
    session: *mut mesh_session,
    owner: *const c_char,
    name: *const c_char,
    definition: *const c_char,
) -> FfiResult<Request<*mut mesh_object>> {
    let handle = session::resolve(session)?;
    let owner = target(owner, "owner")?;
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let name = unsafe { c_str(name, "name") }?.to_string();
    let definition = if definition.is_null() {
        None
    } else {
        Some(target(definition, "definition")?)
    };
    Ok(handle
        .request(
            move |h| async move {
                h.session
                    .create_object(&owner, &name, definition.as_ref())
                    .await
            },
            register_object,
        )
        .optional_out())
}

/// Creates a model named `name` of the model definition `definition` (id
/// or `Repository/...` path) and writes it to a new `*out_object` (may be
/// NULL when not wanted).
///
/// @param session The session to work in.
/// @param name The new model's name.
/// @param definition The model definition: its id (canonical or braced) or
///   `Repository/...` path.
/// @param out_object Receives the new model on success (untouched on failure);
///   may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL session, name or
///   definition, or a definition that is neither id nor path;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no model definition has that id or path; or a
///   status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_model_create(
    session: *mut mesh_session,
    name: *const c_char,
    definition: *const c_char,
    out_object: *mut *mut mesh_object,
) -> mesh_status {
    guard("mesh_model_create", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_model_create_request(session, name, definition) }?
            .wait(out_object, "out_object")
    })
}

pub(crate) unsafe fn mesh_model_create_request(
    session: *mut mesh_session,
    name: *const c_char,
    definition: *const c_char,
) -> FfiResult<Request<*mut mesh_object>> {
    let handle = session::resolve(session)?;
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let name = unsafe { c_str(name, "name") }?.to_string();
    let definition = target(definition, "definition")?;
    Ok(handle
        .request(
            move |h| async move { h.session.create_model(&name, &definition).await },
            register_object,
        )
        .optional_out())
}

/// Renames the object `target` (id or path).
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param new_name The object's new name.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or a target
///   that is neither id nor path; MESH_ERROR_INVALID_HANDLE for a closed or
///   made-up session; MESH_ERROR_NOT_FOUND when no object has that id or path;
///   or a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_rename(
    session: *mut mesh_session,
    target: *const c_char,
    new_name: *const c_char,
) -> mesh_status {
    guard("mesh_object_rename", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_object_rename_request(session, target, new_name) }?.wait_done()
    })
}

pub(crate) unsafe fn mesh_object_rename_request(
    session: *mut mesh_session,
    target: *const c_char,
    new_name: *const c_char,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let new_name = unsafe { c_str(new_name, "new_name") }?.to_string();
    Ok(handle.request(
        move |h| async move { h.session.rename_object(&target, &new_name).await },
        nothing,
    ))
}

/// Moves the object `target` to the ownership attribute `new_owner` (id or
/// path).
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param new_owner The ownership attribute to move it to: its id (canonical or
///   braced) or path.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   or new owner that is neither id nor path, or the wrong kind of owner;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when target or new_owner names nothing; or a status
///   of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_move(
    session: *mut mesh_session,
    target: *const c_char,
    new_owner: *const c_char,
) -> mesh_status {
    guard("mesh_object_move", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_object_move_request(session, target, new_owner) }?.wait_done()
    })
}

pub(crate) unsafe fn mesh_object_move_request(
    session: *mut mesh_session,
    target: *const c_char,
    new_owner: *const c_char,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    let new_owner = self::target(new_owner, "new_owner")?;
    Ok(handle.request(
        move |h| async move { h.session.move_object(&target, &new_owner).await },
        nothing,
    ))
}

/// Deletes the object `target` (id or path). An object that owns others
/// is deleted, with them, only when `recursive` is 1; else Mesh refuses
/// ("has child objects").
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param recursive 1 to delete the objects it owns too; 0 to refuse when it
///   owns any.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or a target
///   that is neither id nor path; MESH_ERROR_INVALID_HANDLE for a closed or
///   made-up session; MESH_ERROR_NOT_FOUND when no object has that id or path;
///   Mesh's refusal (MESH_ERROR_INVALID_ARGUMENT or MESH_ERROR_SERVER, by its
///   gRPC code) when it owns objects and recursive is 0; or a status of the
///   call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_delete(
    session: *mut mesh_session,
    target: *const c_char,
    recursive: i32,
) -> mesh_status {
    guard("mesh_object_delete", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_object_delete_request(session, target, recursive) }?.wait_done()
    })
}

pub(crate) unsafe fn mesh_object_delete_request(
    session: *mut mesh_session,
    target: *const c_char,
    recursive: i32,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    let recursive = recursive != 0;
    Ok(handle.request(
        move |h| async move { h.session.delete_object(&target, recursive).await },
        nothing,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok<T>(r: FfiResult<T>) -> T {
        r.unwrap_or_else(|f| panic!("{}", f.message))
    }

    #[test]
    fn versions_split_into_entries() {
        let times = [1i64, 2, 3];
        let a = std::ffi::CString::new("00000000-0000-0000-0000-00000000000a").unwrap();
        let ids = [a.as_ptr(), std::ptr::null(), c"".as_ptr()];
        let entries = ok(unsafe { version_entries(&[2, 0, 1], times.as_ptr(), ids.as_ptr(), 3) });
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].len(), 2);
        assert_eq!(entries[0][0].target_id, Some(Uuid::from_u128(0xa)));
        assert_eq!(entries[0][1].target_id, None);
        assert!(entries[1].is_empty());
        assert_eq!(entries[2][0].valid_from_ms, 3);
        assert!(unsafe { version_entries(&[2], times.as_ptr(), ids.as_ptr(), 3) }.is_err());
        assert!(
            unsafe { version_entries(&[usize::MAX, 4], times.as_ptr(), ids.as_ptr(), 3) }.is_err()
        );
        let bad = [c"nope".as_ptr()];
        assert!(unsafe { version_entries(&[1], times.as_ptr(), bad.as_ptr(), 1) }.is_err());
    }
}
