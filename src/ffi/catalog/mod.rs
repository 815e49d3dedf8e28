//! Catalog calls in the C API: a time series resource by key, creating a
//! physical series, updating a resource (only what the caller sets), and
//! the server's units of measurement (`mesh_unit_list`).

pub(crate) mod resource;

pub use resource::*;

use std::ffi::c_char;

use crate::client::{
    parse_id, CurveType, NewPhysicalTimeseries, Resolution, ResourceUpdate, UnitOfMeasurement,
};
use crate::ffi::args::{c_str, optional_str, out_ptr, write_out, write_text};
use crate::ffi::handles::{HandleKind, Registry};
use crate::ffi::request::{nothing, Request};
use crate::ffi::session::{self, mesh_session};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

/// A curve type from C: one of the `MESH_CURVE_TYPE_*` numbers 0 to 3.
fn curve_type(n: i32) -> FfiResult<CurveType> {
    match CurveType::from_number(n) {
        CurveType::Other(_) => Err(Failure::invalid_argument(format!(
            "curve type {n} is not one of the MESH_CURVE_TYPE_* numbers"
        ))),
        known => Ok(known),
    }
}

/// A resolution from C: one of the `MESH_RESOLUTION_*` numbers 0 to 12.
fn resolution(n: i32) -> FfiResult<Resolution> {
    match Resolution::from_number(n) {
        Resolution::Other(_) => Err(Failure::invalid_argument(format!(
            "resolution {n} is not one of the MESH_RESOLUTION_* numbers"
        ))),
        known => Ok(known),
    }
}

/// Reads the catalog entry of the time series with key `key` into a new
/// `*out` (free with `mesh_timeseries_resource_free`). Physical and virtual
/// series alike. Fails with `MESH_ERROR_NOT_FOUND` for an unknown key.
///
/// @param session The session to work in.
/// @param key The time series' key.
/// @param out Receives the new resource handle on success (free with
///   `mesh_timeseries_resource_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument;
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up session;
///   `MESH_ERROR_NOT_FOUND` for an unknown key; or another status of the call
///   to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_read(
    session: *mut mesh_session,
    key: i64,
    out: *mut *mut mesh_timeseries_resource,
) -> mesh_status {
    guard("mesh_timeseries_resource_read", || {
        mesh_timeseries_resource_read_request(session, key)?.wait(out, "out")
    })
}

pub(crate) fn mesh_timeseries_resource_read_request(
    session: *mut mesh_session,
    key: i64,
) -> FfiResult<Request<*mut mesh_timeseries_resource>> {
    let handle = session::resolve(session)?;
    Ok(handle.request(
        move |h| async move { h.session.timeseries_resource(key).await },
        resource::register,
    ))
}

/// Creates a physical time series in this session (other sessions see it
/// after `mesh_session_commit`) and writes what the server made of it to a
/// new `*out`.
///
/// `path` is the catalog folder, beginning and ending with `/` (e.g.
/// `"/Plant/Levels/"`; missing folders are created); the full path of the
/// new series is `"Resource" + path + name`. **Mesh assigns the key at
/// commit, so the key in `*out` is 0**: address the new series by its path
/// (`mesh_timeseries_resource_path`). Mesh does not support reading the
/// points of a new series before the session that created it commits.
/// `curve_type` is a `MESH_CURVE_TYPE_*` number, `resolution` a
/// `MESH_RESOLUTION_*` number, `unit_id` the id of a unit from
/// `mesh_unit_list_read` (canonical or braced form), `time_zone` an IANA name
/// (only for DAY or coarser resolution) or NULL for none.
///
/// Fails with `MESH_ERROR_INVALID_ARGUMENT` for NULL strings, numbers out of
/// range or a malformed unit id (without a request); the server's refusals
/// (a path that exists, an unknown unit or time zone) come with its message.
///
/// @param session The session to work in.
/// @param path The catalog folder, beginning and ending with `/` (UTF-8,
///   NUL-terminated); not NULL.
/// @param name The new series' name (UTF-8, NUL-terminated); not NULL.
/// @param curve_type A `MESH_CURVE_TYPE_*` number.
/// @param resolution A `MESH_RESOLUTION_*` number.
/// @param unit_id The id of a unit from `mesh_unit_list_read`, canonical or
///   braced form (UTF-8, NUL-terminated); not NULL.
/// @param time_zone An IANA time zone name (UTF-8, NUL-terminated), or NULL for
///   none.
/// @param out Receives the new resource handle on success (free with
///   `mesh_timeseries_resource_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument
///   other than `time_zone`, a number out of range or a malformed unit id;
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up session; or
///   a status of the call to the server (see `mesh_status`), with the server's
///   message for a refusal.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_create_physical(
    session: *mut mesh_session,
    path: *const c_char,
    name: *const c_char,
    curve_type: i32,
    resolution: i32,
    unit_id: *const c_char,
    time_zone: *const c_char,
    out: *mut *mut mesh_timeseries_resource,
) -> mesh_status {
    guard("mesh_timeseries_resource_create_physical", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_timeseries_resource_create_physical_request(
                session, path, name, curve_type, resolution, unit_id, time_zone,
            )
        }?
        .wait(out, "out")
    })
}

pub(crate) unsafe fn mesh_timeseries_resource_create_physical_request(
    session: *mut mesh_session,
    path: *const c_char,
    name: *const c_char,
    curve_type: i32,
    resolution: i32,
    unit_id: *const c_char,
    time_zone: *const c_char,
) -> FfiResult<Request<*mut mesh_timeseries_resource>> {
    let handle = session::resolve(session)?;
    // SAFETY (each string below): the caller passes NULL or a
    // NUL-terminated string.
    let path = unsafe { c_str(path, "path") }?;
    let name = unsafe { c_str(name, "name") }?;
    let unit_id = unsafe { c_str(unit_id, "unit_id") }?;
    let time_zone = unsafe { optional_str(time_zone, "time_zone") }?;
    let new = NewPhysicalTimeseries {
        path: path.to_string(),
        name: name.to_string(),
        curve_type: self::curve_type(curve_type)?,
        resolution: self::resolution(resolution)?,
        unit_id: parse_id(unit_id, "unit id")?,
        time_zone: time_zone.map(str::to_string),
    };
    Ok(handle.request(
        move |h| async move { h.session.create_physical_timeseries(&new).await },
        resource::register,
    ))
}

/// Updates the resource with key `key` in this session (others see it after
/// commit). Only what is set is sent and changed:
/// - `curve_type`: a `MESH_CURVE_TYPE_*` number, or `MESH_TIMESERIES_RESOURCE_CURVE_TYPE_UNCHANGED` (-1);
/// - `unit_id`: a unit id from `mesh_unit_list_read`, or NULL to leave it;
/// - `time_zone`: an IANA name (only for DAY or coarser resolution), `""`
///   to remove the time zone, or NULL to leave it.
///
/// Fails with `MESH_ERROR_INVALID_ARGUMENT` when nothing is set, a number
/// is out of range or the unit id is malformed (without a request);
/// `MESH_ERROR_NOT_FOUND` for an unknown key; the server's refusals (an
/// unknown unit or time zone, a time zone on a finer resolution) come with
/// its message.
///
/// @param session The session to work in.
/// @param key The time series' key.
/// @param curve_type A `MESH_CURVE_TYPE_*` number, or
///   `MESH_TIMESERIES_RESOURCE_CURVE_TYPE_UNCHANGED` to leave it.
/// @param unit_id The id of a unit from `mesh_unit_list_read` (UTF-8,
///   NUL-terminated), or NULL to leave it.
/// @param time_zone An IANA time zone name (UTF-8, NUL-terminated), `""` to
///   remove the time zone, or NULL to leave it.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session`,
///   nothing set, a number out of range or a malformed unit id;
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up session;
///   `MESH_ERROR_NOT_FOUND` for an unknown key; or another status of the call
///   to the server (see `mesh_status`), with the server's message for a refusal.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_update(
    session: *mut mesh_session,
    key: i64,
    curve_type: i32,
    unit_id: *const c_char,
    time_zone: *const c_char,
) -> mesh_status {
    guard("mesh_timeseries_resource_update", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_timeseries_resource_update_request(session, key, curve_type, unit_id, time_zone)
        }?
        .wait_done()
    })
}

pub(crate) unsafe fn mesh_timeseries_resource_update_request(
    session: *mut mesh_session,
    key: i64,
    curve_type: i32,
    unit_id: *const c_char,
    time_zone: *const c_char,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    // SAFETY (both strings): the caller passes NULL or a NUL-terminated string.
    let unit_id = unsafe { optional_str(unit_id, "unit_id") }?;
    let time_zone = unsafe { optional_str(time_zone, "time_zone") }?;
    let update = ResourceUpdate {
        curve_type: if curve_type == MESH_TIMESERIES_RESOURCE_CURVE_TYPE_UNCHANGED {
            None
        } else {
            Some(self::curve_type(curve_type)?)
        },
        unit_id: unit_id.map(|id| parse_id(id, "unit id")).transpose()?,
        time_zone: time_zone.map(str::to_string),
    };
    Ok(handle.request(
        move |h| async move { h.session.update_timeseries_resource(key, &update).await },
        nothing,
    ))
}

/// The units of measurement a server knows (`mesh_unit_list_read`): count, id
/// and name by index, lookup by name. Free with `mesh_unit_list_free`.
pub struct mesh_unit_list {
    _private: [u8; 0],
}

static UNITS: Registry<Vec<UnitOfMeasurement>> = Registry::new(HandleKind::UnitList, "unit list");

/// Reads the units of measurement the server knows into a new `*out`.
///
/// @param session The session to work in.
/// @param out Receives the new unit list on success (free with
///   `mesh_unit_list_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument;
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up session; or
///   a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_unit_list_read(
    session: *mut mesh_session,
    out: *mut *mut mesh_unit_list,
) -> mesh_status {
    guard("mesh_unit_list_read", || {
        mesh_unit_list_read_request(session)?.wait(out, "out")
    })
}

pub(crate) fn mesh_unit_list_read_request(
    session: *mut mesh_session,
) -> FfiResult<Request<*mut mesh_unit_list>> {
    let handle = session::resolve(session)?;
    Ok(handle.request(
        |h| async move { h.session.units_of_measurement().await },
        |units| UNITS.insert(units),
    ))
}

/// Writes the number of units to `*out_count`.
///
/// @param units The unit list.
/// @param out_count Receives the number of units on success; untouched on
///   failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_unit_list_count(
    units: *const mesh_unit_list,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_unit_list_count", || {
        let units = UNITS.get(units)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, units.len());
        Ok(())
    })
}

fn unit_text(
    units: *const mesh_unit_list,
    index: usize,
    field: impl FnOnce(&UnitOfMeasurement) -> String,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> FfiResult {
    let units = UNITS.get(units)?;
    let unit = units.get(index).ok_or_else(|| {
        Failure::invalid_argument(format!(
            "index {index} is out of range: there are {} units",
            units.len()
        ))
    })?;
    // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
    unsafe { write_text(&field(unit), buf, cap, len_out) }
}

/// The id of unit `index` (0 to count - 1), canonical lower-case form (36
/// characters), for `mesh_timeseries_resource_create_physical` and
/// `_update`. See the buffer convention. An index out of range gives
/// `MESH_ERROR_INVALID_ARGUMENT`.
///
/// @param units The unit list.
/// @param index The unit's index, 0 to count - 1.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `units`, an
///   index out of range (or a NULL `buf` with `cap` above 0);
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle; or
///   `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_unit_list_id_at(
    units: *const mesh_unit_list,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_unit_list_id_at", || {
        unit_text(units, index, |u| u.id.to_string(), buf, cap, len_out)
    })
}

/// The name of unit `index` (0 to count - 1), e.g. `MW`. See the buffer
/// convention. An index out of range gives `MESH_ERROR_INVALID_ARGUMENT`.
///
/// @param units The unit list.
/// @param index The unit's index, 0 to count - 1.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `units`, an
///   index out of range (or a NULL `buf` with `cap` above 0);
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle; or
///   `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_unit_list_name_at(
    units: *const mesh_unit_list,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_unit_list_name_at", || {
        unit_text(units, index, |u| u.name.clone(), buf, cap, len_out)
    })
}

/// Writes the index of the unit named exactly `name` (case matters) to
/// `*out_index`; `MESH_ERROR_NOT_FOUND` when there is none.
///
/// @param units The unit list.
/// @param name The unit's exact name (UTF-8, NUL-terminated); not NULL.
/// @param out_index Receives the unit's index on success; untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument;
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle; or
///   `MESH_ERROR_NOT_FOUND` when no unit has that name.
#[no_mangle]
pub unsafe extern "C" fn mesh_unit_list_find(
    units: *const mesh_unit_list,
    name: *const c_char,
    out_index: *mut usize,
) -> mesh_status {
    guard("mesh_unit_list_find", || {
        let units = UNITS.get(units)?;
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let name = unsafe { c_str(name, "name") }?;
        let out = out_ptr(out_index, "out_index")?;
        let index = units.iter().position(|u| u.name == name).ok_or_else(|| {
            Failure::new(
                mesh_status::MESH_ERROR_NOT_FOUND,
                format!("no unit named {name:?}"),
            )
        })?;
        write_out(out, index);
        Ok(())
    })
}

/// Frees units. Freeing twice gives `MESH_ERROR_INVALID_HANDLE`; NULL is a
/// no-op that returns `MESH_OK` and leaves the last error alone.
///
/// @param units The unit list to free; NULL is a no-op.
/// @return `MESH_OK`, or `MESH_ERROR_INVALID_HANDLE` for a handle already freed
///   or made up.
#[no_mangle]
pub extern "C" fn mesh_unit_list_free(units: *mut mesh_unit_list) -> mesh_status {
    if units.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_unit_list_free", || UNITS.remove(units).map(drop))
}
