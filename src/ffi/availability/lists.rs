//! Lists from availability searches: events (whose items are borrowed
//! handles, valid until the list is freed) and instances, the periods an
//! event gives over an interval (read by index; nothing to free but the
//! list).

use crate::client::availability::Instance;
use crate::ffi::args::{out_ptr, write_out};
use crate::ffi::handles::{HandleKind, Registry};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

use super::handles::{
    event_list, free_event_list, mesh_availability_event, mesh_availability_event_list,
};

/// Writes the number of events in `list` to `*out_count`.
///
/// @param list The list.
/// @param out_count Receives the number of events on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up list.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_list_count(
    list: *const mesh_availability_event_list,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_availability_event_list_count", || {
        let list = event_list(list)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, list.len());
        Ok(())
    })
}

/// Writes event `index` (from 0) of `list` to `*out_event`: a borrow,
/// valid until the list is freed, with nothing to free
/// (`mesh_availability_event_free` on it does nothing).
///
/// @param list The list.
/// @param index The event's index, from 0, below the list's count.
/// @param out_event Receives the borrowed event on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an
///   index past the end; MESH_ERROR_INVALID_HANDLE for a freed or made-up
///   list.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_list_at(
    list: *const mesh_availability_event_list,
    index: usize,
    out_event: *mut *mut mesh_availability_event,
) -> mesh_status {
    guard("mesh_availability_event_list_at", || {
        let list = event_list(list)?;
        let out = out_ptr(out_event, "out_event")?;
        write_out(out, list.item(index)?);
        Ok(())
    })
}

/// Frees a list and every event borrowed from it. NULL is a no-op.
/// Freeing twice gives `MESH_ERROR_INVALID_HANDLE`.
///
/// @param list The list to free; may be NULL.
/// @return MESH_OK, also for NULL; MESH_ERROR_INVALID_HANDLE for a handle
///   already freed or made up.
#[no_mangle]
pub extern "C" fn mesh_availability_event_list_free(
    list: *mut mesh_availability_event_list,
) -> mesh_status {
    guard("mesh_availability_event_list_free", || {
        free_event_list(list)
    })
}

/// Instances (periods) of one event, as `mesh_availability_instance_search`
/// found them, earliest first (freed with
/// `mesh_availability_instance_list_free`). A snapshot, valid after its
/// session is closed too.
pub struct mesh_availability_instance_list {
    _private: [u8; 0],
}

static INSTANCES: Registry<Vec<Instance>> =
    Registry::new(HandleKind::AvailabilityInstanceList, "instance list");

pub(crate) fn register_instances(
    instances: Vec<Instance>,
) -> FfiResult<*mut mesh_availability_instance_list> {
    INSTANCES.insert(instances)
}

fn with_instance<T>(
    list: *const mesh_availability_instance_list,
    index: usize,
    f: impl FnOnce(&Instance) -> FfiResult<T>,
) -> FfiResult<T> {
    let list = INSTANCES.get(list)?;
    let instance = list.get(index).ok_or_else(|| {
        Failure::invalid_argument(format!(
            "instance index {index} is out of range: there are {}",
            list.len()
        ))
    })?;
    f(instance)
}

/// Writes the number of instances in `list` to `*out_count`.
///
/// @param list The list.
/// @param out_count Receives the number of instances on success; untouched
///   on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up list.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_instance_list_count(
    list: *const mesh_availability_instance_list,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_availability_instance_list_count", || {
        let list = INSTANCES.get(list)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, list.len());
        Ok(())
    })
}

/// Writes the period of instance `index` (from 0) of `list`:
/// `[*out_start_ms, *out_end_ms)`, ms since the Unix epoch, UTC.
///
/// @param list The list.
/// @param index The instance's index, from 0, below the list's count.
/// @param out_start_ms Receives the start (inclusive) on success; untouched
///   on failure.
/// @param out_end_ms Receives the end (exclusive) on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an
///   index past the end; MESH_ERROR_INVALID_HANDLE for a freed or made-up
///   list.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_instance_list_period_at(
    list: *const mesh_availability_instance_list,
    index: usize,
    out_start_ms: *mut i64,
    out_end_ms: *mut i64,
) -> mesh_status {
    guard("mesh_availability_instance_list_period_at", || {
        let start = out_ptr(out_start_ms, "out_start_ms")?;
        let end = out_ptr(out_end_ms, "out_end_ms")?;
        with_instance(list, index, |instance| {
            write_out(start, instance.period.start_ms);
            write_out(end, instance.period.end_ms);
            Ok(())
        })
    })
}

/// Writes the value of instance `index` (from 0) of `list`: the limit a
/// restriction sets during it. An instance of a revision has no value
/// (`MESH_ERROR_INVALID_ARGUMENT`).
///
/// @param list The list.
/// @param index The instance's index, from 0, below the list's count.
/// @param out Receives the value on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, an
///   index past the end, or an instance of a revision;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up list.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_instance_list_value_at(
    list: *const mesh_availability_instance_list,
    index: usize,
    out: *mut f64,
) -> mesh_status {
    guard("mesh_availability_instance_list_value_at", || {
        let out = out_ptr(out, "out")?;
        with_instance(list, index, |instance| {
            let value = instance.value.ok_or_else(|| {
                Failure::invalid_argument(format!(
                    "instance {index} is a revision's, which has no value"
                ))
            })?;
            write_out(out, value);
            Ok(())
        })
    })
}

/// Frees an instance list. NULL is a no-op.
///
/// @param list The list to free; may be NULL.
/// @return MESH_OK, also for NULL; MESH_ERROR_INVALID_HANDLE for a handle
///   already freed or made up.
#[no_mangle]
pub extern "C" fn mesh_availability_instance_list_free(
    list: *mut mesh_availability_instance_list,
) -> mesh_status {
    guard("mesh_availability_instance_list_free", || {
        if list.is_null() {
            return Ok(());
        }
        INSTANCES.remove(list).map(drop)
    })
}
