//! Reading a `mesh_object`: its id, path, name, type, owner, and its
//! attributes (borrowed handles). Text is copied into the caller's buffer.

use std::borrow::Cow;
use std::ffi::c_char;

use crate::client::model::{MeshRef, Object};
use crate::ffi::args::{c_str, out_ptr, write_out, write_text};
use crate::ffi::model::handles::{free_object, mesh_attribute, mesh_object, object, ObjectRef};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

fn text(
    object: *const mesh_object,
    field: impl FnOnce(&Object) -> Cow<'_, str>,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> FfiResult {
    let object = self::object(object)?;
    // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
    unsafe { write_text(&field(&object), buf, cap, len_out) }
}

fn ref_id(r: Option<&MeshRef>) -> Cow<'_, str> {
    r.and_then(|r| r.id)
        .map_or(Cow::Borrowed(""), |id| Cow::Owned(id.to_string()))
}

fn ref_path(r: Option<&MeshRef>) -> Cow<'_, str> {
    Cow::Borrowed(r.and_then(|r| r.path.as_deref()).unwrap_or_default())
}

/// Writes the object's id in canonical lower-case form (36 characters).
/// See the buffer convention.
///
/// @param object The object: owned, or borrowed from a list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL object, or buf NULL
///   with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up object;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_id(
    object: *const mesh_object,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_object_id", || {
        text(object, |o| Cow::Owned(o.id.to_string()), buf, cap, len_out)
    })
}

/// Writes the object's full path. See the buffer convention.
///
/// @param object The object: owned, or borrowed from a list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL object, or buf NULL
///   with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up object;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_path(
    object: *const mesh_object,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_object_path", || {
        text(object, |o| Cow::Borrowed(&o.path), buf, cap, len_out)
    })
}

/// Writes the object's name. See the buffer convention.
///
/// @param object The object: owned, or borrowed from a list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL object, or buf NULL
///   with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up object;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_name(
    object: *const mesh_object,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_object_name", || {
        text(object, |o| Cow::Borrowed(&o.name), buf, cap, len_out)
    })
}

/// Writes the object's type: its object definition's name (for a model,
/// its model definition's). See the buffer convention.
///
/// @param object The object: owned, or borrowed from a list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL object, or buf NULL
///   with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up object;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_type_name(
    object: *const mesh_object,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_object_type_name", || {
        text(object, |o| Cow::Borrowed(&o.type_name), buf, cap, len_out)
    })
}

/// Writes the id of the object's owner (the ownership attribute that owns
/// it), canonical lower-case; "" for a model, which has no owner. See the
/// buffer convention.
///
/// @param object The object: owned, or borrowed from a list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL object, or buf NULL
///   with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up object;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_owner_id(
    object: *const mesh_object,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_object_owner_id", || {
        text(object, |o| ref_id(o.owner.as_ref()), buf, cap, len_out)
    })
}

/// Writes the path of the object's owner; "" for a model. See the buffer
/// convention.
///
/// @param object The object: owned, or borrowed from a list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL object, or buf NULL
///   with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up object;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_owner_path(
    object: *const mesh_object,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_object_owner_path", || {
        text(object, |o| ref_path(o.owner.as_ref()), buf, cap, len_out)
    })
}

/// Writes the number of attributes the object was read with (see the view
/// and name filter of the call that read it) to `*out_count`.
///
/// @param object The object: owned, or borrowed from a list.
/// @param out_count Receives the number of attributes on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up object.
#[no_mangle]
pub unsafe extern "C" fn mesh_object_attribute_count(
    object: *const mesh_object,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_object_attribute_count", || {
        let object = self::object(object)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, object.attributes.len());
        Ok(())
    })
}

fn attribute_of(object: &ObjectRef, index: usize) -> FfiResult<*mut mesh_attribute> {
    object.attribute_handle(index)
}

/// Writes attribute `index` (from 0, in the server's order) of the object
/// to `*out_attribute`: a borrow, valid until the object (or the list it
/// came from) is freed, with nothing to free. An index past the end gives
/// `MESH_ERROR_INVALID_ARGUMENT`.
///
/// @param object The object: owned, or borrowed from a list.
/// @param index The attribute's index, from 0, below the object's attribute
///   count.
/// @param out_attribute Receives the borrowed attribute on success; untouched
///   on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an index
///   past the end; MESH_ERROR_INVALID_HANDLE for a freed or made-up object.
#[no_mangle]
pub unsafe extern "C" fn mesh_object_attribute_at(
    object: *const mesh_object,
    index: usize,
    out_attribute: *mut *mut mesh_attribute,
) -> mesh_status {
    guard("mesh_object_attribute_at", || {
        let object = self::object(object)?;
        let out = out_ptr(out_attribute, "out_attribute")?;
        write_out(out, attribute_of(&object, index)?);
        Ok(())
    })
}

/// Writes the object's attribute named `name` to `*out_attribute` (a
/// borrow, as from `mesh_object_attribute_at`). No attribute of that name
/// among those read gives `MESH_ERROR_NOT_FOUND`.
///
/// @param object The object: owned, or borrowed from a list.
/// @param name The attribute's name (exact, case-sensitive).
/// @param out_attribute Receives the borrowed attribute on success; untouched
///   on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up object;
///   MESH_ERROR_NOT_FOUND when no attribute read with the object has that name.
#[no_mangle]
pub unsafe extern "C" fn mesh_object_attribute_by_name(
    object: *const mesh_object,
    name: *const c_char,
    out_attribute: *mut *mut mesh_attribute,
) -> mesh_status {
    guard("mesh_object_attribute_by_name", || {
        let object = self::object(object)?;
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let name = unsafe { c_str(name, "name") }?;
        let out = out_ptr(out_attribute, "out_attribute")?;
        let index = object
            .attributes
            .iter()
            .position(|a| a.name == name)
            .ok_or_else(|| {
                Failure::new(
                    mesh_status::MESH_ERROR_NOT_FOUND,
                    format!(
                        "object {} has no attribute named {name:?} (among the {} read)",
                        object.path,
                        object.attributes.len()
                    ),
                )
            })?;
        write_out(out, attribute_of(&object, index)?);
        Ok(())
    })
}

/// Frees an object that a session call returned (`mesh_object_read`,
/// `mesh_object_create`, `mesh_model_create`), and the attributes borrowed
/// from it. An object borrowed from a list is left to its list (nothing
/// happens). NULL is a no-op. Freeing twice gives
/// `MESH_ERROR_INVALID_HANDLE`.
///
/// @param object The object to free; may be NULL.
/// @return MESH_OK, also for NULL and for an object borrowed from a list;
///   MESH_ERROR_INVALID_HANDLE for a handle already freed or made up.
#[no_mangle]
pub extern "C" fn mesh_object_free(object: *mut mesh_object) -> mesh_status {
    guard("mesh_object_free", || free_object(object))
}
