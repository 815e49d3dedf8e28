//! Reading a `mesh_attribute`: id, path, name, owner, value type, and its
//! values by index with one typed getter per kind (copies of scalars; text
//! into the caller's buffer), the time series part, and versioned link
//! versions. Asking for a value as the wrong kind, or past the last index,
//! gives `MESH_ERROR_INVALID_ARGUMENT` with a message saying what is there.

use std::borrow::Cow;
use std::ffi::c_char;

use crate::client::model::{Attribute, LinkVersion, TimeseriesValue, Value};
use crate::ffi::args::{out_ptr, write_out, write_text};
use crate::ffi::catalog::resource::{self, mesh_timeseries_resource};
use crate::ffi::model::handles::{attribute, free_attribute, mesh_attribute, AttributeRef};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

/// Value type: not said, or a kind newer than this library. The
/// `MESH_ATTRIBUTE_VALUE_TYPE_*` constants are the value types that
/// `mesh_attribute_value_type` writes, with Mesh's numbers.
pub const MESH_ATTRIBUTE_VALUE_TYPE_UNSPECIFIED: i32 = 0;
/// Value type: int (`mesh_attribute_value_int_at`).
pub const MESH_ATTRIBUTE_VALUE_TYPE_INT: i32 = 1;
/// Value type: double (`mesh_attribute_value_double_at`).
pub const MESH_ATTRIBUTE_VALUE_TYPE_DOUBLE: i32 = 2;
/// Value type: bool (`mesh_attribute_value_bool_at`).
pub const MESH_ATTRIBUTE_VALUE_TYPE_BOOL: i32 = 3;
/// Value type: string (`mesh_attribute_value_string_at`).
pub const MESH_ATTRIBUTE_VALUE_TYPE_STRING: i32 = 4;
/// Value type: UTC time (`mesh_attribute_value_utc_time_at`).
pub const MESH_ATTRIBUTE_VALUE_TYPE_UTC_TIME: i32 = 5;
/// Value type: time series (`mesh_attribute_timeseries_key` and the other
/// `mesh_attribute_timeseries_*` calls).
pub const MESH_ATTRIBUTE_VALUE_TYPE_TIMESERIES: i32 = 6;
/// Value type: ownership relation, the objects it owns
/// (`mesh_attribute_value_target_id_at`).
pub const MESH_ATTRIBUTE_VALUE_TYPE_OWNERSHIP_RELATION: i32 = 7;
/// Value type: link relation, the objects it links to
/// (`mesh_attribute_value_target_id_at`).
pub const MESH_ATTRIBUTE_VALUE_TYPE_LINK_RELATION: i32 = 8;
/// Value type: versioned link relation, link targets over time
/// (`mesh_attribute_version_count_at` and the other
/// `mesh_attribute_version_*` calls).
pub const MESH_ATTRIBUTE_VALUE_TYPE_VERSIONED_LINK_RELATION: i32 = 9;
/// Value type: rating curve (`mesh_rating_curve_read`).
pub const MESH_ATTRIBUTE_VALUE_TYPE_RATING_CURVE: i32 = 10;
/// Value type: XY set (`mesh_xy_set_list_read`).
pub const MESH_ATTRIBUTE_VALUE_TYPE_XY_SET: i32 = 11;

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Int(_) => "an int",
        Value::Double(_) => "a double",
        Value::Bool(_) => "a bool",
        Value::String(_) => "a string",
        Value::UtcTime(_) => "a UTC time",
        Value::Timeseries(_) => "a time series",
        Value::Ownership(_) => "an ownership relation",
        Value::Link(_) => "a link relation",
        Value::VersionedLink(_) => "a versioned link relation",
        Value::Empty => "empty",
    }
}

fn value_at(attribute: &Attribute, index: usize) -> FfiResult<&Value> {
    attribute.values.get(index).ok_or_else(|| {
        Failure::invalid_argument(format!(
            "attribute {} has {} values: index {index} is out of range",
            attribute.path,
            attribute.values.len()
        ))
    })
}

fn wrong_kind(attribute: &Attribute, index: usize, value: &Value, wanted: &str) -> Failure {
    Failure::invalid_argument(format!(
        "value {index} of attribute {} is {}, not {wanted}",
        attribute.path,
        kind(value)
    ))
}

/// Value `index` of the attribute behind `handle`, through `pick`, which
/// gives `None` for the wrong kind of value.
fn typed<T>(
    handle: *const mesh_attribute,
    index: usize,
    wanted: &str,
    pick: impl FnOnce(&Value) -> Option<T>,
) -> FfiResult<T> {
    let attribute = attribute(handle)?;
    let value = value_at(&attribute, index)?;
    pick(value).ok_or_else(|| wrong_kind(&attribute, index, value, wanted))
}

fn text(
    handle: *const mesh_attribute,
    field: impl FnOnce(&Attribute) -> Cow<'_, str>,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> FfiResult {
    let attribute = attribute(handle)?;
    // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
    unsafe { write_text(&field(&attribute), buf, cap, len_out) }
}

/// Writes the attribute's id in canonical lower-case form. See the buffer
/// convention.
///
/// @param attribute The attribute: owned, or borrowed from an object or list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, or buf
///   NULL with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up
///   attribute; MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the
///   text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_id(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_id", || {
        text(
            attribute,
            |a| Cow::Owned(a.id.to_string()),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the attribute's full path. See the buffer convention.
///
/// @param attribute The attribute: owned, or borrowed from an object or list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, or buf
///   NULL with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up
///   attribute; MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the
///   text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_path(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_path", || {
        text(attribute, |a| Cow::Borrowed(&a.path), buf, cap, len_out)
    })
}

/// Writes the attribute's name. See the buffer convention.
///
/// @param attribute The attribute: owned, or borrowed from an object or list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, or buf
///   NULL with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up
///   attribute; MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the
///   text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_name(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_name", || {
        text(attribute, |a| Cow::Borrowed(&a.name), buf, cap, len_out)
    })
}

/// Writes the id of the object the attribute belongs to ("" when the server
/// did not say). See the buffer convention.
///
/// @param attribute The attribute: owned, or borrowed from an object or list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, or buf
///   NULL with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up
///   attribute; MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the
///   text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_owner_id(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_owner_id", || {
        text(
            attribute,
            |a| {
                a.owner
                    .as_ref()
                    .and_then(|o| o.id)
                    .map_or(Cow::Borrowed(""), |id| Cow::Owned(id.to_string()))
            },
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the attribute's value type, one of `MESH_ATTRIBUTE_VALUE_TYPE_*`, to
/// `*out_type`.
///
/// @param attribute The attribute: owned, or borrowed from an object or list.
/// @param out_type Receives the value type on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_value_type(
    attribute: *const mesh_attribute,
    out_type: *mut i32,
) -> mesh_status {
    guard("mesh_attribute_value_type", || {
        let attribute = self::attribute(attribute)?;
        let out = out_ptr(out_type, "out_type")?;
        write_out(out, attribute.value_type as i32);
        Ok(())
    })
}

/// Writes 1 to `*out` if the attribute is a collection (an array of simple
/// values, a one-to-many relation), else 0.
///
/// @param attribute The attribute: owned, or borrowed from an object or list.
/// @param out Receives 1 or 0 on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_is_collection(
    attribute: *const mesh_attribute,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_attribute_is_collection", || {
        let attribute = self::attribute(attribute)?;
        let out = out_ptr(out, "out")?;
        write_out(out, i32::from(attribute.is_collection));
        Ok(())
    })
}

/// Writes the number of values to `*out_count`: one for a single simple
/// value and for a time series attribute; one per element of a collection
/// and per target of a relation (0 when empty); 0 for XY sets and rating
/// curves, which have calls of their own.
///
/// @param attribute The attribute: owned, or borrowed from an object or list.
/// @param out_count Receives the number of values on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_value_count(
    attribute: *const mesh_attribute,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_value_count", || {
        let attribute = self::attribute(attribute)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, attribute.values.len());
        Ok(())
    })
}

/// Writes int value `index` to `*out`.
///
/// @param attribute An attribute of an int value type.
/// @param index The value's index, from 0, below the value count.
/// @param out Receives the value on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or when
///   value index is past the end or of another kind; MESH_ERROR_INVALID_HANDLE
///   for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_value_int_at(
    attribute: *const mesh_attribute,
    index: usize,
    out: *mut i64,
) -> mesh_status {
    guard("mesh_attribute_value_int_at", || {
        let out = out_ptr(out, "out")?;
        let v = typed(attribute, index, "an int", |v| match v {
            Value::Int(i) => Some(*i),
            _ => None,
        })?;
        write_out(out, v);
        Ok(())
    })
}

/// Writes double value `index` to `*out`.
///
/// @param attribute An attribute of a double value type.
/// @param index The value's index, from 0, below the value count.
/// @param out Receives the value on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or when
///   value index is past the end or of another kind; MESH_ERROR_INVALID_HANDLE
///   for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_value_double_at(
    attribute: *const mesh_attribute,
    index: usize,
    out: *mut f64,
) -> mesh_status {
    guard("mesh_attribute_value_double_at", || {
        let out = out_ptr(out, "out")?;
        let v = typed(attribute, index, "a double", |v| match v {
            Value::Double(d) => Some(*d),
            _ => None,
        })?;
        write_out(out, v);
        Ok(())
    })
}

/// Writes bool value `index` to `*out` as 1 or 0.
///
/// @param attribute An attribute of a bool value type.
/// @param index The value's index, from 0, below the value count.
/// @param out Receives 1 or 0 on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or when
///   value index is past the end or of another kind; MESH_ERROR_INVALID_HANDLE
///   for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_value_bool_at(
    attribute: *const mesh_attribute,
    index: usize,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_attribute_value_bool_at", || {
        let out = out_ptr(out, "out")?;
        let v = typed(attribute, index, "a bool", |v| match v {
            Value::Bool(b) => Some(i32::from(*b)),
            _ => None,
        })?;
        write_out(out, v);
        Ok(())
    })
}

/// Writes UTC time value `index` to `*out` (ms since the Unix epoch).
///
/// @param attribute An attribute of a UTC time value type.
/// @param index The value's index, from 0, below the value count.
/// @param out Receives the time, ms since the Unix epoch, UTC, on success;
///   untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or when
///   value index is past the end or of another kind; MESH_ERROR_INVALID_HANDLE
///   for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_value_utc_time_at(
    attribute: *const mesh_attribute,
    index: usize,
    out: *mut i64,
) -> mesh_status {
    guard("mesh_attribute_value_utc_time_at", || {
        let out = out_ptr(out, "out")?;
        let v = typed(attribute, index, "a UTC time", |v| match v {
            Value::UtcTime(ms) => Some(*ms),
            _ => None,
        })?;
        write_out(out, v);
        Ok(())
    })
}

/// Writes string value `index`. See the buffer convention.
///
/// @param attribute An attribute of the string value type.
/// @param index The value's index, from 0, below the value count.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, or when value index is past the end or of another kind;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_value_string_at(
    attribute: *const mesh_attribute,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_value_string_at", || {
        let attribute = self::attribute(attribute)?;
        let value = value_at(&attribute, index)?;
        let Value::String(s) = value else {
            return Err(wrong_kind(&attribute, index, value, "a string"));
        };
        // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
        unsafe { write_text(s, buf, cap, len_out) }
    })
}

/// Writes the id of the object that ownership or link relation value
/// `index` points at, canonical lower-case ("" when it points at nothing).
/// See the buffer convention.
///
/// @param attribute An ownership or link relation attribute.
/// @param index The value's index, from 0, below the value count.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, or when value index is past the end or not an ownership or
///   link relation; MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_value_target_id_at(
    attribute: *const mesh_attribute,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_value_target_id_at", || {
        let target = typed(
            attribute,
            index,
            "an ownership or link relation",
            |v| match v {
                Value::Ownership(t) | Value::Link(t) => Some(*t),
                _ => None,
            },
        )?;
        let text = target.map(|id| id.to_string()).unwrap_or_default();
        // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
        unsafe { write_text(&text, buf, cap, len_out) }
    })
}

/// The time series part of a time series attribute: its one value.
fn timeseries_value(attribute: &AttributeRef) -> FfiResult<&TimeseriesValue> {
    let value = value_at(attribute, 0)?;
    match value {
        Value::Timeseries(t) => Ok(&**t),
        other => Err(wrong_kind(attribute, 0, other, "a time series")),
    }
}

/// Writes the key of the time series resource connected to a time series
/// attribute to `*out_key`, or 0 when none is connected (e.g. a calculated
/// attribute; Mesh may report key 0 for a connected series too, which
/// `mesh_attribute_timeseries_resource` tells apart). The attribute's own
/// points, calculated or not, are read with `mesh_timeseries_read_by_id`
/// and the attribute's id, or by its path.
///
/// @param attribute A time series attribute: owned, or borrowed from an object
///   or list.
/// @param out_key Receives the resource's key, or 0, on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an
///   attribute that is not a time series attribute; MESH_ERROR_INVALID_HANDLE
///   for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_timeseries_key(
    attribute: *const mesh_attribute,
    out_key: *mut i64,
) -> mesh_status {
    guard("mesh_attribute_timeseries_key", || {
        let attribute = self::attribute(attribute)?;
        let out = out_ptr(out_key, "out_key")?;
        let ts = timeseries_value(&attribute)?;
        write_out(out, ts.resource.as_ref().map_or(0, |r| r.key));
        Ok(())
    })
}

/// Writes the time series resource connected to a time series attribute
/// (key, path, curve type, resolution, unit...) to a new `*out_resource`, a
/// copy to free with `mesh_timeseries_resource_free`; or NULL, still with
/// `MESH_OK`, when none is connected.
///
/// @param attribute A time series attribute: owned, or borrowed from an object
///   or list.
/// @param out_resource Receives the new resource, or NULL when none is
///   connected, on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an
///   attribute that is not a time series attribute; MESH_ERROR_INVALID_HANDLE
///   for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_timeseries_resource(
    attribute: *const mesh_attribute,
    out_resource: *mut *mut mesh_timeseries_resource,
) -> mesh_status {
    guard("mesh_attribute_timeseries_resource", || {
        let attribute = self::attribute(attribute)?;
        let out = out_ptr(out_resource, "out_resource")?;
        let ts = timeseries_value(&attribute)?;
        let handle = match &ts.resource {
            Some(resource) => resource::register(resource.clone())?,
            None => std::ptr::null_mut(),
        };
        write_out(out, handle);
        Ok(())
    })
}

/// Writes a time series attribute's expression: its local expression, or
/// the definition's template when it has none. See the buffer convention.
///
/// @param attribute A time series attribute: owned, or borrowed from an object
///   or list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, or an attribute that is not a time series attribute;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_timeseries_expression(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_timeseries_expression", || {
        let attribute = self::attribute(attribute)?;
        let ts = timeseries_value(&attribute)?;
        // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
        unsafe { write_text(&ts.expression, buf, cap, len_out) }
    })
}

/// Writes 1 to `*out` if a time series attribute's expression is its own
/// local expression, 0 if it is the definition's template.
///
/// @param attribute A time series attribute: owned, or borrowed from an object
///   or list.
/// @param out Receives 1 or 0 on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an
///   attribute that is not a time series attribute; MESH_ERROR_INVALID_HANDLE
///   for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_timeseries_is_local_expression(
    attribute: *const mesh_attribute,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_attribute_timeseries_is_local_expression", || {
        let attribute = self::attribute(attribute)?;
        let out = out_ptr(out, "out")?;
        let ts = timeseries_value(&attribute)?;
        write_out(out, i32::from(ts.is_local_expression));
        Ok(())
    })
}

fn versions(handle: *const mesh_attribute, index: usize) -> FfiResult<Vec<LinkVersion>> {
    typed(handle, index, "a versioned link relation", |v| match v {
        Value::VersionedLink(versions) => Some(versions.clone()),
        _ => None,
    })
}

fn version(handle: *const mesh_attribute, index: usize, version: usize) -> FfiResult<LinkVersion> {
    let versions = versions(handle, index)?;
    versions.get(version).copied().ok_or_else(|| {
        Failure::invalid_argument(format!(
            "value {index} has {} versions: version {version} is out of range",
            versions.len()
        ))
    })
}

/// Writes the number of versions of versioned link value `index` (one
/// value for a one-to-one relation, one per target series for one-to-many)
/// to `*out_count`.
///
/// @param attribute A versioned link relation attribute.
/// @param index The value's index, from 0, below the value count (0 for a
///   one-to-one relation).
/// @param out_count Receives the number of versions on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or when
///   value index is past the end or not a versioned link relation;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_version_count_at(
    attribute: *const mesh_attribute,
    index: usize,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_version_count_at", || {
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, versions(attribute, index)?.len());
        Ok(())
    })
}

/// Writes when version `version` of versioned link value `index` starts to
/// `*out_ms` (ms since the Unix epoch, UTC); versions are in time order.
///
/// @param attribute A versioned link relation attribute.
/// @param index The value's index, from 0, below the value count (0 for a
///   one-to-one relation).
/// @param version The version's index, from 0, below the value's version count.
/// @param out_ms Receives the time the version starts, ms since the Unix epoch,
///   UTC, on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, when value
///   index is past the end or not a versioned link relation, or for a version
///   past the end; MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_version_valid_from_at(
    attribute: *const mesh_attribute,
    index: usize,
    version: usize,
    out_ms: *mut i64,
) -> mesh_status {
    guard("mesh_attribute_version_valid_from_at", || {
        let out = out_ptr(out_ms, "out_ms")?;
        write_out(out, self::version(attribute, index, version)?.valid_from_ms);
        Ok(())
    })
}

/// Writes the id of the object version `version` of versioned link value
/// `index` points at, canonical lower-case; "" when nothing is linked from
/// that time on. See the buffer convention.
///
/// @param attribute A versioned link relation attribute.
/// @param index The value's index, from 0, below the value count (0 for a
///   one-to-one relation).
/// @param version The version's index, from 0, below the value's version count.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, when value index is past the end or not a versioned link
///   relation, or for a version past the end; MESH_ERROR_INVALID_HANDLE for a
///   freed or made-up attribute; MESH_ERROR_BUFFER_TOO_SMALL when cap is not
///   more than the text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_version_target_id_at(
    attribute: *const mesh_attribute,
    index: usize,
    version: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_version_target_id_at", || {
        let v = self::version(attribute, index, version)?;
        let text = v.target_id.map(|id| id.to_string()).unwrap_or_default();
        // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
        unsafe { write_text(&text, buf, cap, len_out) }
    })
}

/// Frees an attribute that `mesh_attribute_read` returned. An attribute
/// borrowed from an object or list is left to its owner (nothing happens).
/// NULL is a no-op. Freeing twice gives `MESH_ERROR_INVALID_HANDLE`.
///
/// @param attribute The attribute to free; may be NULL.
/// @return MESH_OK, also for NULL and for an attribute borrowed from an object
///   or list; MESH_ERROR_INVALID_HANDLE for a handle already freed or made up.
#[no_mangle]
pub extern "C" fn mesh_attribute_free(attribute: *mut mesh_attribute) -> mesh_status {
    guard("mesh_attribute_free", || free_attribute(attribute))
}
