//! Reading a `mesh_object`: its id, path, name, type, owner, and its
//! attributes (borrowed handles). Text is copied into the caller's buffer.

use std::borrow::Cow;
use std::ffi::c_char;

use super::args::{c_str, out_ptr, write_out, write_text};
use super::model_handles::{free_object, mesh_attribute, mesh_object, object, ObjectRef};
use super::{guard, mesh_status, Failure, FfiResult};
use crate::client::model::{MeshRef, Object};

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
#[no_mangle]
pub unsafe extern "C" fn mesh_object_attribute(
    object: *const mesh_object,
    index: usize,
    out_attribute: *mut *mut mesh_attribute,
) -> mesh_status {
    guard("mesh_object_attribute", || {
        let object = self::object(object)?;
        let out = out_ptr(out_attribute, "out_attribute")?;
        write_out(out, attribute_of(&object, index)?);
        Ok(())
    })
}

/// Writes the object's attribute named `name` to `*out_attribute` (a
/// borrow, as from `mesh_object_attribute`). No attribute of that name
/// among those read gives `MESH_ERROR_NOT_FOUND`.
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

/// Frees an object that a session call returned (`mesh_object_get`,
/// `mesh_object_create`, `mesh_model_create`), and the attributes borrowed
/// from it. An object borrowed from a list is left to its list (nothing
/// happens). NULL is a no-op. Freeing twice gives
/// `MESH_ERROR_INVALID_HANDLE`.
#[no_mangle]
pub extern "C" fn mesh_object_free(object: *mut mesh_object) -> mesh_status {
    guard("mesh_object_free", || free_object(object))
}
