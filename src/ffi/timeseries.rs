//! Time series in the C API: reading into a `mesh_point_list` handle (see
//! `points`), writing from caller arrays, and deleting intervals. Functions take plain integers, strings and arrays (no structs
//! by value, no bool), so .NET and VBA call them without marshaling structs;
//! the Arrow export is for hosts that speak Arrow.

use std::ffi::c_char;

use crate::client::{PreparedWrite, TimeseriesId};
use crate::ffi::args::{array, c_str};
use crate::ffi::points::mesh_point_list;
use crate::ffi::request::{nothing, Request};
use crate::ffi::session::{self, mesh_session};
use crate::ffi::{guard, mesh_status, FfiResult};

fn read(
    session: *mut mesh_session,
    id: FfiResult<TimeseriesId>,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<*mut mesh_point_list>> {
    let handle = session::resolve(session)?;
    let id = id?;
    Ok(handle.request(
        move |h| async move { h.session.read_timeseries(&id, start_ms, end_ms).await },
        crate::ffi::points::register_points,
    ))
}

/// A write of the points in the caller's arrays (NULL flags mean all 0,
/// OK), checked and encoded into its wire form: nothing of the arrays is
/// kept.
///
/// # Safety
/// As for [`array`], for each of the three.
unsafe fn prepare_write(
    start_ms: i64,
    end_ms: i64,
    timestamps: *const i64,
    flags: *const u32,
    values: *const f64,
    count: usize,
) -> FfiResult<PreparedWrite> {
    // SAFETY: passed on from the caller.
    let (t, v) = unsafe {
        (
            array(timestamps, count, "timestamps")?,
            array(values, count, "values")?,
        )
    };
    let f = if flags.is_null() {
        None
    } else {
        // SAFETY: passed on from the caller.
        Some(unsafe { array(flags, count, "flags") }?)
    };
    Ok(PreparedWrite::new(start_ms, end_ms, t, f, v)?)
}

#[allow(clippy::too_many_arguments)]
unsafe fn write(
    session: *mut mesh_session,
    id: FfiResult<TimeseriesId>,
    start_ms: i64,
    end_ms: i64,
    timestamps: *const i64,
    flags: *const u32,
    values: *const f64,
    count: usize,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let id = id?;
    // SAFETY: the caller's arrays, each NULL or of `count` items.
    let write = unsafe { prepare_write(start_ms, end_ms, timestamps, flags, values, count) }?;
    Ok(handle.request(
        move |h| async move { h.session.write_prepared(&id, write).await },
        nothing,
    ))
}

pub(crate) fn by_path(path: *const c_char) -> FfiResult<TimeseriesId> {
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let path = unsafe { c_str(path, "path") }?;
    Ok(TimeseriesId::Path(path.to_string()))
}

pub(crate) fn by_id(id: *const c_char) -> FfiResult<TimeseriesId> {
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let id = unsafe { c_str(id, "id") }?;
    Ok(TimeseriesId::parse_id(id)?)
}

/// Reads the points of the time series with key `key` in
/// `[start_ms, end_ms)` (ms since the Unix epoch, UTC) as this session sees
/// them (its own uncommitted writes included) into a new `*out`, to be freed
/// with `mesh_point_list_free`. An answer over the receive limit
/// (`mesh_options_set_max_receive_message_bytes`) is read in parts and
/// merged, so any number of points can be read in one call.
///
/// The points are Mesh's answer as it is:
/// - **a read of a PIECEWISELINEAR series may return one more point, at or
///   after `end_ms`** (the end of the last line segment), so do not assume
///   every timestamp is below `end_ms`;
/// - a series of fixed resolution (HOUR, DAY, ...) can return points at
///   steps where nothing is stored (after a delete, for example): their
///   value is NaN and their flags have `MESH_POINT_FLAG_MISSING` set;
/// - values and flags come back bit for bit (NaN payloads included).
///
/// Fails with `MESH_ERROR_INVALID_ARGUMENT` when `end_ms < start_ms`,
/// `MESH_ERROR_NOT_FOUND` for an unknown key, `MESH_ERROR_RESOURCE_EXHAUSTED`
/// when even one millisecond's answer is over the receive limit.
///
/// @param session The session to work in.
/// @param key The time series' key.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param out Receives the new point list on success (free with
///   `mesh_point_list_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session` or
///   `out` or `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a closed,
///   detached or made-up session; `MESH_ERROR_NOT_FOUND` for an unknown key;
///   `MESH_ERROR_RESOURCE_EXHAUSTED` when even one millisecond's answer is over
///   the receive limit; or another status of the call to the server (see
///   `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_read_by_key(
    session: *mut mesh_session,
    key: i64,
    start_ms: i64,
    end_ms: i64,
    out: *mut *mut mesh_point_list,
) -> mesh_status {
    guard("mesh_timeseries_read_by_key", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_timeseries_read_by_key_request(session, key, start_ms, end_ms) }?
            .wait(out, "out")
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_timeseries_read_by_key_request(
    session: *mut mesh_session,
    key: i64,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<*mut mesh_point_list>> {
    read(session, Ok(TimeseriesId::Key(key)), start_ms, end_ms)
}

/// As `mesh_timeseries_read_by_key`, for the time series at `path`
/// (e.g. `"Resource/Demo/Inflow"`).
///
/// @param session The session to work in.
/// @param path The time series' path, e.g. `"Resource/Demo/Inflow"` (UTF-8,
///   NUL-terminated); not NULL.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param out Receives the new point list on success (free with
///   `mesh_point_list_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session`,
///   `path` or `out` or `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a
///   closed, detached or made-up session; `MESH_ERROR_NOT_FOUND` for an unknown
///   path; `MESH_ERROR_RESOURCE_EXHAUSTED` when even one millisecond's answer
///   is over the receive limit; or another status of the call to the server
///   (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_read_by_path(
    session: *mut mesh_session,
    path: *const c_char,
    start_ms: i64,
    end_ms: i64,
    out: *mut *mut mesh_point_list,
) -> mesh_status {
    guard("mesh_timeseries_read_by_path", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_timeseries_read_by_path_request(session, path, start_ms, end_ms) }?
            .wait(out, "out")
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_timeseries_read_by_path_request(
    session: *mut mesh_session,
    path: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<*mut mesh_point_list>> {
    read(session, by_path(path), start_ms, end_ms)
}

/// As `mesh_timeseries_read_by_key`, for the time series with id `id`
/// (canonical form in any case, or braced). A malformed id gives
/// `MESH_ERROR_INVALID_ARGUMENT` without a request.
///
/// @param session The session to work in.
/// @param id The time series' id, canonical form in any case or braced (UTF-8,
///   NUL-terminated); not NULL.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param out Receives the new point list on success (free with
///   `mesh_point_list_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session`, `id`
///   or `out`, a malformed id or `end_ms < start_ms`;
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up session;
///   `MESH_ERROR_NOT_FOUND` for an unknown id; `MESH_ERROR_RESOURCE_EXHAUSTED`
///   when even one millisecond's answer is over the receive limit; or another
///   status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_read_by_id(
    session: *mut mesh_session,
    id: *const c_char,
    start_ms: i64,
    end_ms: i64,
    out: *mut *mut mesh_point_list,
) -> mesh_status {
    guard("mesh_timeseries_read_by_id", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_timeseries_read_by_id_request(session, id, start_ms, end_ms) }?
            .wait(out, "out")
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_timeseries_read_by_id_request(
    session: *mut mesh_session,
    id: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<*mut mesh_point_list>> {
    read(session, by_id(id), start_ms, end_ms)
}

/// Replaces the points of the time series with key `key` in
/// `[start_ms, end_ms)` with the `count` points in the caller's arrays, in
/// this session: other sessions see them after `mesh_session_commit`. Old
/// points in the interval not in the arrays are removed, so `count` 0
/// deletes the interval. `timestamps` (ms since the Unix epoch, UTC) must be
/// strictly increasing and inside the interval; `flags` may be NULL for all
/// 0 (OK); the arrays may be NULL when `count` is 0. The points are checked
/// and written into their wire form (Arrow, copied once from the arrays)
/// before any request, so nothing of the arrays is kept. `count` 0 is sent
/// as Mesh's delete (see `mesh_timeseries_delete_by_key`).
///
/// Writes over the server's 4 MB message limit are sent as several requests
/// that together replace exactly the interval, all within the call timeout.
/// Should one of them fail (or the time run out), the ones before it stay
/// written in the session, and the message says how many points that is
/// ("N of M points were written"); `mesh_session_rollback` discards them.
///
/// Fails with `MESH_ERROR_INVALID_ARGUMENT`, before any request, when
/// `end_ms < start_ms`, a point is outside the interval, or the timestamps
/// do not strictly increase (the message names the first offending index:
/// `timestamps[i] = ... is not after timestamps[i-1] = ...`);
/// `MESH_ERROR_NOT_FOUND` for an unknown key.
///
/// @param session The session to work in.
/// @param key The time series' key.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param timestamps The caller's array of `count` timestamps, ms since the
///   Unix epoch, UTC, strictly increasing, inside the interval; may be NULL
///   when `count` is 0.
/// @param flags The caller's array of `count` flags (`MESH_POINT_FLAG_*` bits),
///   or NULL for all 0 (OK).
/// @param values The caller's array of `count` values; may be NULL when `count`
///   is 0.
/// @param count The number of points in each array; 0 deletes the interval.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session`, a
///   NULL or misaligned array with `count` above 0, `end_ms < start_ms`, or
///   timestamps outside the interval or not strictly increasing;
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up session;
///   `MESH_ERROR_NOT_FOUND` for an unknown key; or another status of the call
///   to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_write_by_key(
    session: *mut mesh_session,
    key: i64,
    start_ms: i64,
    end_ms: i64,
    timestamps: *const i64,
    flags: *const u32,
    values: *const f64,
    count: usize,
) -> mesh_status {
    guard("mesh_timeseries_write_by_key", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_timeseries_write_by_key_request(
                session, key, start_ms, end_ms, timestamps, flags, values, count,
            )
        }?
        .wait_done()
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_timeseries_write_by_key_request(
    session: *mut mesh_session,
    key: i64,
    start_ms: i64,
    end_ms: i64,
    timestamps: *const i64,
    flags: *const u32,
    values: *const f64,
    count: usize,
) -> FfiResult<Request<()>> {
    // SAFETY: the caller's arrays, each NULL or of `count` items.
    unsafe {
        write(
            session,
            Ok(TimeseriesId::Key(key)),
            start_ms,
            end_ms,
            timestamps,
            flags,
            values,
            count,
        )
    }
}

/// As `mesh_timeseries_write_by_key`, for the time series at `path`.
///
/// @param session The session to work in.
/// @param path The time series' path, e.g. `"Resource/Demo/Inflow"` (UTF-8,
///   NUL-terminated); not NULL.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param timestamps The caller's array of `count` timestamps, ms since the
///   Unix epoch, UTC, strictly increasing, inside the interval; may be NULL
///   when `count` is 0.
/// @param flags The caller's array of `count` flags (`MESH_POINT_FLAG_*` bits),
///   or NULL for all 0 (OK).
/// @param values The caller's array of `count` values; may be NULL when `count`
///   is 0.
/// @param count The number of points in each array; 0 deletes the interval.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session` or
///   `path`, a NULL or misaligned array with `count` above 0,
///   `end_ms < start_ms`, or timestamps outside the interval or not strictly
///   increasing; `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up
///   session; `MESH_ERROR_NOT_FOUND` for an unknown path; or another status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_write_by_path(
    session: *mut mesh_session,
    path: *const c_char,
    start_ms: i64,
    end_ms: i64,
    timestamps: *const i64,
    flags: *const u32,
    values: *const f64,
    count: usize,
) -> mesh_status {
    guard("mesh_timeseries_write_by_path", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_timeseries_write_by_path_request(
                session, path, start_ms, end_ms, timestamps, flags, values, count,
            )
        }?
        .wait_done()
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_timeseries_write_by_path_request(
    session: *mut mesh_session,
    path: *const c_char,
    start_ms: i64,
    end_ms: i64,
    timestamps: *const i64,
    flags: *const u32,
    values: *const f64,
    count: usize,
) -> FfiResult<Request<()>> {
    // SAFETY: the caller's arrays, each NULL or of `count` items.
    unsafe {
        write(
            session,
            by_path(path),
            start_ms,
            end_ms,
            timestamps,
            flags,
            values,
            count,
        )
    }
}

/// As `mesh_timeseries_write_by_key`, for the time series with id `id`
/// (canonical form in any case, or braced).
///
/// @param session The session to work in.
/// @param id The time series' id, canonical form in any case or braced (UTF-8,
///   NUL-terminated); not NULL.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param timestamps The caller's array of `count` timestamps, ms since the
///   Unix epoch, UTC, strictly increasing, inside the interval; may be NULL
///   when `count` is 0.
/// @param flags The caller's array of `count` flags (`MESH_POINT_FLAG_*` bits),
///   or NULL for all 0 (OK).
/// @param values The caller's array of `count` values; may be NULL when `count`
///   is 0.
/// @param count The number of points in each array; 0 deletes the interval.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session` or
///   `id`, a malformed id, a NULL or misaligned array with `count` above 0,
///   `end_ms < start_ms`, or timestamps outside the interval or not strictly
///   increasing; `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up
///   session; `MESH_ERROR_NOT_FOUND` for an unknown id; or another status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_write_by_id(
    session: *mut mesh_session,
    id: *const c_char,
    start_ms: i64,
    end_ms: i64,
    timestamps: *const i64,
    flags: *const u32,
    values: *const f64,
    count: usize,
) -> mesh_status {
    guard("mesh_timeseries_write_by_id", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_timeseries_write_by_id_request(
                session, id, start_ms, end_ms, timestamps, flags, values, count,
            )
        }?
        .wait_done()
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_timeseries_write_by_id_request(
    session: *mut mesh_session,
    id: *const c_char,
    start_ms: i64,
    end_ms: i64,
    timestamps: *const i64,
    flags: *const u32,
    values: *const f64,
    count: usize,
) -> FfiResult<Request<()>> {
    // SAFETY: the caller's arrays, each NULL or of `count` items.
    unsafe {
        write(
            session,
            by_id(id),
            start_ms,
            end_ms,
            timestamps,
            flags,
            values,
            count,
        )
    }
}

fn delete(
    session: *mut mesh_session,
    id: FfiResult<TimeseriesId>,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let id = id?;
    Ok(handle.request(
        move |h| async move { h.session.delete_timeseries(&id, start_ms, end_ms).await },
        nothing,
    ))
}

/// Deletes the points of the time series with key `key` in
/// `[start_ms, end_ms)`, in this session (other sessions see it after
/// `mesh_session_commit`). Sent as Mesh expects a delete: a write of zero
/// bytes of points with the interval. A series of fixed resolution then
/// reads as NaN flagged `MESH_POINT_FLAG_MISSING` over the interval; other series
/// have no points there. Fails with `MESH_ERROR_INVALID_ARGUMENT` when
/// `end_ms < start_ms`, `MESH_ERROR_NOT_FOUND` for an unknown key.
///
/// @param session The session to work in.
/// @param key The time series' key.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session` or
///   `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a closed, detached or
///   made-up session; `MESH_ERROR_NOT_FOUND` for an unknown key; or another
///   status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_delete_by_key(
    session: *mut mesh_session,
    key: i64,
    start_ms: i64,
    end_ms: i64,
) -> mesh_status {
    guard("mesh_timeseries_delete_by_key", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_timeseries_delete_by_key_request(session, key, start_ms, end_ms) }?
            .wait_done()
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_timeseries_delete_by_key_request(
    session: *mut mesh_session,
    key: i64,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<()>> {
    delete(session, Ok(TimeseriesId::Key(key)), start_ms, end_ms)
}

/// As `mesh_timeseries_delete_by_key`, for the time series at `path`.
///
/// @param session The session to work in.
/// @param path The time series' path, e.g. `"Resource/Demo/Inflow"` (UTF-8,
///   NUL-terminated); not NULL.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session` or
///   `path` or `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a closed,
///   detached or made-up session; `MESH_ERROR_NOT_FOUND` for an unknown path;
///   or another status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_delete_by_path(
    session: *mut mesh_session,
    path: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> mesh_status {
    guard("mesh_timeseries_delete_by_path", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_timeseries_delete_by_path_request(session, path, start_ms, end_ms) }?
            .wait_done()
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_timeseries_delete_by_path_request(
    session: *mut mesh_session,
    path: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<()>> {
    delete(session, by_path(path), start_ms, end_ms)
}

/// As `mesh_timeseries_delete_by_key`, for the time series with id `id`
/// (canonical form in any case, or braced).
///
/// @param session The session to work in.
/// @param id The time series' id, canonical form in any case or braced (UTF-8,
///   NUL-terminated); not NULL.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session` or
///   `id`, a malformed id or `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE`
///   for a closed, detached or made-up session; `MESH_ERROR_NOT_FOUND` for an
///   unknown id; or another status of the call to the server (see
///   `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_delete_by_id(
    session: *mut mesh_session,
    id: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> mesh_status {
    guard("mesh_timeseries_delete_by_id", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_timeseries_delete_by_id_request(session, id, start_ms, end_ms) }?.wait_done()
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_timeseries_delete_by_id_request(
    session: *mut mesh_session,
    id: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<()>> {
    delete(session, by_id(id), start_ms, end_ms)
}
