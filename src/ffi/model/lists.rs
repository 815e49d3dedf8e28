//! Lists from model calls: objects, attributes, and the ids and paths that
//! `mesh_object_read_linked_from` finds. Items of object and attribute lists are
//! borrowed handles, valid until the list is freed, and need no freeing.

use std::ffi::c_char;

use crate::client::model::MeshRef;
use crate::ffi::args::{out_ptr, write_out, write_text};
use crate::ffi::handles::{HandleKind, Registry};
use crate::ffi::model::handles::{
    attribute_list, attribute_list_item, free_attribute_list, free_object_list, mesh_attribute,
    mesh_attribute_list, mesh_object, mesh_object_list, object_list, object_list_item,
};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

/// Writes the number of objects in `list` to `*out_count`.
///
/// @param list The list.
/// @param out_count Receives the number of objects on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up list.
#[no_mangle]
pub unsafe extern "C" fn mesh_object_list_count(
    list: *const mesh_object_list,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_object_list_count", || {
        let list = object_list(list)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, list.len());
        Ok(())
    })
}

/// Writes object `index` (from 0) of `list` to `*out_object`: a borrow,
/// valid until the list is freed, with nothing to free (`mesh_object_free`
/// on it does nothing). An index past the end gives
/// `MESH_ERROR_INVALID_ARGUMENT`.
///
/// @param list The list.
/// @param index The object's index, from 0, below the list's object count.
/// @param out_object Receives the borrowed object on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an index
///   past the end; MESH_ERROR_INVALID_HANDLE for a freed or made-up list.
#[no_mangle]
pub unsafe extern "C" fn mesh_object_list_at(
    list: *const mesh_object_list,
    index: usize,
    out_object: *mut *mut mesh_object,
) -> mesh_status {
    guard("mesh_object_list_at", || {
        let list = object_list(list)?;
        let out = out_ptr(out_object, "out_object")?;
        write_out(out, object_list_item(&list, index)?);
        Ok(())
    })
}

/// Frees a list and everything borrowed from it (its objects and their
/// attributes). NULL is a no-op. Freeing twice gives
/// `MESH_ERROR_INVALID_HANDLE`.
///
/// @param list The list to free; may be NULL.
/// @return MESH_OK, also for NULL; MESH_ERROR_INVALID_HANDLE for a handle
///   already freed or made up.
#[no_mangle]
pub extern "C" fn mesh_object_list_free(list: *mut mesh_object_list) -> mesh_status {
    guard("mesh_object_list_free", || free_object_list(list))
}

/// Writes the number of attributes in `list` to `*out_count`.
///
/// @param list The list.
/// @param out_count Receives the number of attributes on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up list.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_list_count(
    list: *const mesh_attribute_list,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_attribute_list_count", || {
        let list = attribute_list(list)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, list.len());
        Ok(())
    })
}

/// Writes attribute `index` (from 0) of `list` to `*out_attribute`: a
/// borrow, valid until the list is freed.
///
/// @param list The list.
/// @param index The attribute's index, from 0, below the list's attribute
///   count.
/// @param out_attribute Receives the borrowed attribute on success; untouched
///   on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an index
///   past the end; MESH_ERROR_INVALID_HANDLE for a freed or made-up list.
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_list_at(
    list: *const mesh_attribute_list,
    index: usize,
    out_attribute: *mut *mut mesh_attribute,
) -> mesh_status {
    guard("mesh_attribute_list_at", || {
        let list = attribute_list(list)?;
        let out = out_ptr(out_attribute, "out_attribute")?;
        write_out(out, attribute_list_item(&list, index)?);
        Ok(())
    })
}

/// Frees a list of attributes and every attribute borrowed from it. NULL
/// is a no-op.
///
/// @param list The list to free; may be NULL.
/// @return MESH_OK, also for NULL; MESH_ERROR_INVALID_HANDLE for a handle
///   already freed or made up.
#[no_mangle]
pub extern "C" fn mesh_attribute_list_free(list: *mut mesh_attribute_list) -> mesh_status {
    guard("mesh_attribute_list_free", || free_attribute_list(list))
}

/// Ids and paths of model things (`mesh_object_read_linked_from`), freed with
/// `mesh_id_list_free`.
pub struct mesh_id_list {
    _private: [u8; 0],
}

static ID_LISTS: Registry<Vec<MeshRef>> = Registry::new(HandleKind::IdList, "id list");

pub(crate) fn register_ids(ids: Vec<MeshRef>) -> FfiResult<*mut mesh_id_list> {
    ID_LISTS.insert(ids)
}

/// Writes the number of entries to `*out_count`.
///
/// @param list The list.
/// @param out_count Receives the number of entries on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up list.
#[no_mangle]
pub unsafe extern "C" fn mesh_id_list_count(
    list: *const mesh_id_list,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_id_list_count", || {
        let list = ID_LISTS.get(list)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, list.len());
        Ok(())
    })
}

fn entry_text(
    list: *const mesh_id_list,
    index: usize,
    field: impl FnOnce(&MeshRef) -> String,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> FfiResult {
    let list = ID_LISTS.get(list)?;
    let entry = list.get(index).ok_or_else(|| {
        Failure::invalid_argument(format!(
            "index {index} is out of range: there are {}",
            list.len()
        ))
    })?;
    // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
    unsafe { write_text(&field(entry), buf, cap, len_out) }
}

/// Writes the id of entry `index` (canonical lower-case form; "" when the
/// server sent none). See the buffer convention.
///
/// @param list The list.
/// @param index The entry's index, from 0, below the list's entry count.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL list, an index past
///   the end, or buf NULL with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed
///   or made-up list; MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the
///   text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_id_list_id_at(
    list: *const mesh_id_list,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_id_list_id_at", || {
        entry_text(
            list,
            index,
            |e| e.id.map(|id| id.to_string()).unwrap_or_default(),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the path of entry `index` ("" when the server sent none). See
/// the buffer convention.
///
/// @param list The list.
/// @param index The entry's index, from 0, below the list's entry count.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL list, an index past
///   the end, or buf NULL with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed
///   or made-up list; MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the
///   text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_id_list_path_at(
    list: *const mesh_id_list,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_id_list_path_at", || {
        entry_text(
            list,
            index,
            |e| e.path.clone().unwrap_or_default(),
            buf,
            cap,
            len_out,
        )
    })
}

/// Frees an id list. NULL is a no-op.
///
/// @param list The list to free; may be NULL.
/// @return MESH_OK, also for NULL; MESH_ERROR_INVALID_HANDLE for a handle
///   already freed or made up.
#[no_mangle]
pub extern "C" fn mesh_id_list_free(list: *mut mesh_id_list) -> mesh_status {
    guard("mesh_id_list_free", || {
        if list.is_null() {
            return Ok(());
        }
        ID_LISTS.remove(list).map(drop)
    })
}
