//! Reading the definition of a `mesh_attribute` (present when it was read
//! with `MESH_MODEL_VIEW_FULL`): description, tags, namespace, type, cardinality,
//! default and limits, unit, template expression. A definition field of
//! another kind (say, the double default of a string attribute), or any of
//! these on an attribute read without its definition, gives
//! `MESH_ERROR_INVALID_ARGUMENT`.

use std::borrow::Cow;
use std::ffi::c_char;

use crate::client::model::{AttributeDefinition, DefinitionKind};
use crate::ffi::args::{out_ptr, write_out, write_text};
use crate::ffi::model::handles::{attribute, mesh_attribute};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

fn kind_name(kind: &DefinitionKind) -> &'static str {
    match kind {
        DefinitionKind::Int { .. } => "an int definition",
        DefinitionKind::Double { .. } => "a double definition",
        DefinitionKind::Bool { .. } => "a bool definition",
        DefinitionKind::String { .. } => "a string definition",
        DefinitionKind::UtcTime { .. } => "a UTC time definition",
        DefinitionKind::Timeseries { .. } => "a time series definition",
        DefinitionKind::XySet { .. } => "an XY set definition",
        DefinitionKind::Ownership { .. } => "an ownership relation definition",
        DefinitionKind::Link { .. } => "a link relation definition",
        DefinitionKind::RatingCurve => "a rating curve definition",
        DefinitionKind::None => "a definition without type-specific fields",
    }
}

/// Runs `pick` on the definition of the attribute behind `handle`; `pick`
/// gives `None` when the definition has no such field, and `wanted` says
/// what it looked for.
fn with_definition<T>(
    handle: *const mesh_attribute,
    wanted: &str,
    pick: impl FnOnce(&AttributeDefinition) -> Option<T>,
) -> FfiResult<T> {
    let attribute = attribute(handle)?;
    let definition = attribute.definition.as_deref().ok_or_else(|| {
        Failure::invalid_argument(format!(
            "attribute {} was read without its definition (read it with MESH_MODEL_VIEW_FULL)",
            attribute.path
        ))
    })?;
    pick(definition).ok_or_else(|| {
        Failure::invalid_argument(format!(
            "attribute {} has {}, which has no {wanted}",
            attribute.path,
            kind_name(&definition.kind)
        ))
    })
}

fn text(
    handle: *const mesh_attribute,
    wanted: &str,
    pick: impl FnOnce(&AttributeDefinition) -> Option<Cow<'_, str>>,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> FfiResult {
    let text = with_definition(handle, wanted, |d| pick(d).map(Cow::into_owned))?;
    // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
    unsafe { write_text(&text, buf, cap, len_out) }
}

fn scalar<T>(out: *mut T, value: FfiResult<T>) -> FfiResult {
    let out = out_ptr(out, "out")?;
    write_out(out, value?);
    Ok(())
}

/// Writes 1 to `*out` if the attribute carries its definition (it was read
/// with `MESH_MODEL_VIEW_FULL`), else 0.
///
/// @param attribute The attribute: owned, or borrowed from an object or list.
/// @param out Receives 1 or 0 on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_has_definition(
    attribute: *const mesh_attribute,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_attribute_has_definition", || {
        let attribute = self::attribute(attribute)?;
        scalar(out, Ok(i32::from(attribute.definition.is_some())))
    })
}

/// Writes the definition's id, canonical lower-case ("" when the server
/// sent none). See the buffer convention.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, or an attribute read without its definition;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_id(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_definition_id", || {
        text(
            attribute,
            "id",
            |d| Some(d.id.map_or(Cow::Borrowed(""), |id| Cow::Owned(id.to_string()))),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the definition's path (`Repository/...`). See the buffer convention.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, or an attribute read without its definition;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_path(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_definition_path", || {
        text(
            attribute,
            "path",
            |d| Some(Cow::Borrowed(&d.path)),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the definition's description. See the buffer convention.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, or an attribute read without its definition;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_description(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_definition_description", || {
        text(
            attribute,
            "description",
            |d| Some(Cow::Borrowed(&d.description)),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the definition's namespace. See the buffer convention.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, or an attribute read without its definition;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_namespace(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_definition_namespace", || {
        text(
            attribute,
            "namespace",
            |d| Some(Cow::Borrowed(&d.namespace)),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the definition's type name, e.g. `DoubleAttributeDefinition`,
/// `ReferenceCollectionAttributeDefinition`. See the buffer convention.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, or an attribute read without its definition;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_type_name(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_definition_type_name", || {
        text(
            attribute,
            "type name",
            |d| Some(Cow::Borrowed(&d.type_name)),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the unit of an int, double or time series definition ("" when
/// it has none). See the buffer convention.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, an attribute read without its definition, or a definition
///   that is not an int, double or time series definition;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_unit(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_definition_unit", || {
        text(
            attribute,
            "unit",
            |d| match &d.kind {
                DefinitionKind::Int { unit, .. }
                | DefinitionKind::Double { unit, .. }
                | DefinitionKind::Timeseries { unit, .. } => {
                    Some(Cow::Borrowed(unit.as_deref().unwrap_or_default()))
                }
                _ => None,
            },
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the template expression of a time series definition. See the
/// buffer convention.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, an attribute read without its definition, or a definition
///   that is not a time series definition; MESH_ERROR_INVALID_HANDLE for a
///   freed or made-up attribute; MESH_ERROR_BUFFER_TOO_SMALL when cap is not
///   more than the text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_template_expression(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_definition_template_expression", || {
        text(
            attribute,
            "template expression",
            |d| match &d.kind {
                DefinitionKind::Timeseries {
                    template_expression,
                    ..
                } => Some(Cow::Borrowed(template_expression.as_str())),
                _ => None,
            },
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the default of a string definition, or of a UTC time
/// definition (as the text Mesh sends). See the buffer convention.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, an attribute read without its definition, or a definition
///   that is not a string or UTC time definition; MESH_ERROR_INVALID_HANDLE for
///   a freed or made-up attribute; MESH_ERROR_BUFFER_TOO_SMALL when cap is not
///   more than the text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_default_string(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_definition_default_string", || {
        text(
            attribute,
            "string default",
            |d| match &d.kind {
                DefinitionKind::String { default, .. }
                | DefinitionKind::UtcTime { default, .. } => Some(Cow::Borrowed(default.as_str())),
                _ => None,
            },
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the minimum of a UTC time definition, as the text Mesh sends.
/// See the buffer convention.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, an attribute read without its definition, or a definition
///   that is not a UTC time definition; MESH_ERROR_INVALID_HANDLE for a freed
///   or made-up attribute; MESH_ERROR_BUFFER_TOO_SMALL when cap is not more
///   than the text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_minimum_string(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_definition_minimum_string", || {
        text(
            attribute,
            "text minimum",
            |d| match &d.kind {
                DefinitionKind::UtcTime { minimum, .. } => Some(Cow::Borrowed(minimum.as_str())),
                _ => None,
            },
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the maximum of a UTC time definition, as the text Mesh sends.
/// See the buffer convention.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, an attribute read without its definition, or a definition
///   that is not a UTC time definition; MESH_ERROR_INVALID_HANDLE for a freed
///   or made-up attribute; MESH_ERROR_BUFFER_TOO_SMALL when cap is not more
///   than the text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_maximum_string(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_definition_maximum_string", || {
        text(
            attribute,
            "text maximum",
            |d| match &d.kind {
                DefinitionKind::UtcTime { maximum, .. } => Some(Cow::Borrowed(maximum.as_str())),
                _ => None,
            },
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the object type a relation definition points at. See the
/// buffer convention.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, an attribute read without its definition, or a definition
///   that is not an ownership or link relation definition;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_target_type_name(
    attribute: *const mesh_attribute,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_definition_target_type_name", || {
        text(
            attribute,
            "target type",
            |d| match &d.kind {
                DefinitionKind::Ownership { target_type_name }
                | DefinitionKind::Link {
                    target_type_name, ..
                } => Some(Cow::Borrowed(target_type_name.as_str())),
                _ => None,
            },
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the number of the definition's tags to `*out_count`.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param out_count Receives the number of tags on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an
///   attribute read without its definition; MESH_ERROR_INVALID_HANDLE for a
///   freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_tag_count(
    attribute: *const mesh_attribute,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_definition_tag_count", || {
        scalar(
            out_count,
            with_definition(attribute, "tags", |d| Some(d.tags.len())),
        )
    })
}

/// Writes the name of the definition's tag `index`. See the buffer convention.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param index The tag's index, from 0, below the tag count.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL attribute, buf NULL
///   with cap not 0, an attribute read without its definition, or an index past
///   the end; MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_tag_at(
    attribute: *const mesh_attribute,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_definition_tag_at", || {
        let wanted = format!("tag {index}");
        text(
            attribute,
            &wanted,
            |d| d.tags.get(index).map(|t| Cow::Borrowed(t.as_str())),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the definition's least number of values to `*out`.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param out Receives the least number of values on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an
///   attribute read without its definition; MESH_ERROR_INVALID_HANDLE for a
///   freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_minimum_cardinality(
    attribute: *const mesh_attribute,
    out: *mut i64,
) -> mesh_status {
    guard("mesh_attribute_definition_minimum_cardinality", || {
        scalar(
            out,
            with_definition(attribute, "cardinality", |d| Some(d.minimum_cardinality)),
        )
    })
}

/// Writes the definition's greatest number of values to `*out`.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param out Receives the greatest number of values on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an
///   attribute read without its definition; MESH_ERROR_INVALID_HANDLE for a
///   freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_maximum_cardinality(
    attribute: *const mesh_attribute,
    out: *mut i64,
) -> mesh_status {
    guard("mesh_attribute_definition_maximum_cardinality", || {
        scalar(
            out,
            with_definition(attribute, "cardinality", |d| Some(d.maximum_cardinality)),
        )
    })
}

/// Which of default, minimum, maximum.
#[derive(Clone, Copy)]
enum Bound {
    Default,
    Minimum,
    Maximum,
}

fn int_field(d: &AttributeDefinition, bound: Bound) -> Option<i64> {
    match (&d.kind, bound) {
        (DefinitionKind::Int { default, .. }, Bound::Default) => Some(*default),
        (DefinitionKind::Int { minimum, .. }, Bound::Minimum) => Some(*minimum),
        (DefinitionKind::Int { maximum, .. }, Bound::Maximum) => Some(*maximum),
        _ => None,
    }
}

fn double_field(d: &AttributeDefinition, bound: Bound) -> Option<f64> {
    match (&d.kind, bound) {
        (DefinitionKind::Double { default, .. }, Bound::Default) => Some(*default),
        (DefinitionKind::Double { minimum, .. }, Bound::Minimum) => Some(*minimum),
        (DefinitionKind::Double { maximum, .. }, Bound::Maximum) => Some(*maximum),
        _ => None,
    }
}

/// Writes the default of an int definition to `*out`.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param out Receives the default on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, an
///   attribute read without its definition, or a definition that is not an int
///   definition; MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_default_int(
    attribute: *const mesh_attribute,
    out: *mut i64,
) -> mesh_status {
    guard("mesh_attribute_definition_default_int", || {
        scalar(
            out,
            with_definition(attribute, "int default", |d| int_field(d, Bound::Default)),
        )
    })
}

/// Writes the minimum of an int definition to `*out`.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param out Receives the minimum on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, an
///   attribute read without its definition, or a definition that is not an int
///   definition; MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_minimum_int(
    attribute: *const mesh_attribute,
    out: *mut i64,
) -> mesh_status {
    guard("mesh_attribute_definition_minimum_int", || {
        scalar(
            out,
            with_definition(attribute, "int minimum", |d| int_field(d, Bound::Minimum)),
        )
    })
}

/// Writes the maximum of an int definition to `*out`.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param out Receives the maximum on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, an
///   attribute read without its definition, or a definition that is not an int
///   definition; MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_maximum_int(
    attribute: *const mesh_attribute,
    out: *mut i64,
) -> mesh_status {
    guard("mesh_attribute_definition_maximum_int", || {
        scalar(
            out,
            with_definition(attribute, "int maximum", |d| int_field(d, Bound::Maximum)),
        )
    })
}

/// Writes the default of a double definition to `*out`.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param out Receives the default on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, an
///   attribute read without its definition, or a definition that is not a
///   double definition; MESH_ERROR_INVALID_HANDLE for a freed or made-up
///   attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_default_double(
    attribute: *const mesh_attribute,
    out: *mut f64,
) -> mesh_status {
    guard("mesh_attribute_definition_default_double", || {
        scalar(
            out,
            with_definition(attribute, "double default", |d| {
                double_field(d, Bound::Default)
            }),
        )
    })
}

/// Writes the minimum of a double definition to `*out`.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param out Receives the minimum on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, an
///   attribute read without its definition, or a definition that is not a
///   double definition; MESH_ERROR_INVALID_HANDLE for a freed or made-up
///   attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_minimum_double(
    attribute: *const mesh_attribute,
    out: *mut f64,
) -> mesh_status {
    guard("mesh_attribute_definition_minimum_double", || {
        scalar(
            out,
            with_definition(attribute, "double minimum", |d| {
                double_field(d, Bound::Minimum)
            }),
        )
    })
}

/// Writes the maximum of a double definition to `*out`.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param out Receives the maximum on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, an
///   attribute read without its definition, or a definition that is not a
///   double definition; MESH_ERROR_INVALID_HANDLE for a freed or made-up
///   attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_maximum_double(
    attribute: *const mesh_attribute,
    out: *mut f64,
) -> mesh_status {
    guard("mesh_attribute_definition_maximum_double", || {
        scalar(
            out,
            with_definition(attribute, "double maximum", |d| {
                double_field(d, Bound::Maximum)
            }),
        )
    })
}

/// Writes the default of a bool definition to `*out` as 1 or 0.
///
/// @param attribute The attribute, read with `MESH_MODEL_VIEW_FULL` (owned, or
///   borrowed from an object or list).
/// @param out Receives the default, 1 or 0, on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, an
///   attribute read without its definition, or a definition that is not a bool
///   definition; MESH_ERROR_INVALID_HANDLE for a freed or made-up attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_definition_default_bool(
    attribute: *const mesh_attribute,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_attribute_definition_default_bool", || {
        scalar(
            out,
            with_definition(attribute, "bool default", |d| match d.kind {
                DefinitionKind::Bool { default } => Some(i32::from(default)),
                _ => None,
            }),
        )
    })
}
