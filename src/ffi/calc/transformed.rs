//! Transformed reads in the C API (`ReadTransformedTimeseries`): a stored
//! series, or a time series attribute, read at another resolution into a
//! `mesh_point_list` handle, addressed by key, path or id as plain reads are.

use std::ffi::c_char;

use crate::client::calc::TransformedRead;
use crate::client::TimeseriesId;
use crate::ffi::calc::functions::{method, resolution, zone};
use crate::ffi::points::{mesh_point_list, register_points};
use crate::ffi::request::Request;
use crate::ffi::session::{self, mesh_session};
use crate::ffi::timeseries::{by_id, by_path};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

#[allow(clippy::too_many_arguments)]
fn read(
    session: *mut mesh_session,
    id: FfiResult<TimeseriesId>,
    start_ms: i64,
    end_ms: i64,
    resolution: i32,
    method: i32,
    zone: i32,
) -> FfiResult<Request<*mut mesh_point_list>> {
    let handle = session::resolve(session)?;
    let read = TransformedRead {
        id: id?,
        start_ms,
        end_ms,
        resolution: self::resolution(resolution)?,
        method: self::method(method)?,
        zone: self::zone(zone)?,
    };
    Ok(handle.request(
        move |h| async move { h.session.read_transformed_timeseries(&[read]).await },
        |mut series| {
            // One read asked, one answer: the client checks the count.
            let one = series.pop().ok_or_else(|| {
                Failure::new(
                    mesh_status::MESH_ERROR_INTERNAL,
                    "a transformed read gave no series",
                )
            })?;
            register_points(one.points)
        },
    ))
}

/// Reads the time series with key `key` over `[start_ms, end_ms)` (ms since
/// the Unix epoch, UTC) transformed to `resolution` by the server, as this
/// session sees it, into a new `*out` (free with `mesh_point_list_free`). For
/// example daily sums of an hourly series: `MESH_RESOLUTION_DAY`,
/// `MESH_TRANSFORM_METHOD_SUM`.
///
/// `resolution` is a fixed `MESH_RESOLUTION_*` (MIN to YEAR); `method` any
/// `MESH_TRANSFORM_METHOD_*` (`MESH_TRANSFORM_METHOD_IMPLICIT`: Mesh's default for the series);
/// `zone` a `MESH_TRANSFORM_ZONE_*` whose calendar days, weeks, months and years
/// follow (`MESH_TRANSFORM_ZONE_DEFAULT` means UTC here). Mesh's
/// `ReadTransformedTimeseries`.
///
/// Fails with `MESH_ERROR_INVALID_ARGUMENT` (without a request) for
/// numbers out of range, a resolution that is not fixed or
/// `end_ms < start_ms`; `MESH_ERROR_NOT_FOUND` for an unknown key.
///
/// @param session The session to work in.
/// @param key The time series' key.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param resolution The resolution to transform to: a fixed
///   `MESH_RESOLUTION_*` (MIN to YEAR).
/// @param method A `MESH_TRANSFORM_METHOD_*` number.
/// @param zone A `MESH_TRANSFORM_ZONE_*` number.
/// @param out Receives the new point list on success (free with
///   `mesh_point_list_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument,
///   numbers out of range, a resolution that is not fixed or
///   `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a closed, detached or
///   made-up session; `MESH_ERROR_NOT_FOUND` for an unknown key; or another
///   status of the call to the server (see `mesh_status`).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn mesh_timeseries_read_transformed_by_key(
    session: *mut mesh_session,
    key: i64,
    start_ms: i64,
    end_ms: i64,
    resolution: i32,
    method: i32,
    zone: i32,
    out: *mut *mut mesh_point_list,
) -> mesh_status {
    guard("mesh_timeseries_read_transformed_by_key", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_timeseries_read_transformed_by_key_request(
                session, key, start_ms, end_ms, resolution, method, zone,
            )
        }?
        .wait(out, "out")
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_timeseries_read_transformed_by_key_request(
    session: *mut mesh_session,
    key: i64,
    start_ms: i64,
    end_ms: i64,
    resolution: i32,
    method: i32,
    zone: i32,
) -> FfiResult<Request<*mut mesh_point_list>> {
    read(
        session,
        Ok(TimeseriesId::Key(key)),
        start_ms,
        end_ms,
        resolution,
        method,
        zone,
    )
}

/// As `mesh_timeseries_read_transformed_by_key`, for the time series (or
/// time series attribute) at `path`.
///
/// @param session The session to work in.
/// @param path The path of the time series or time series attribute (UTF-8,
///   NUL-terminated); not NULL.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param resolution The resolution to transform to: a fixed
///   `MESH_RESOLUTION_*` (MIN to YEAR).
/// @param method A `MESH_TRANSFORM_METHOD_*` number.
/// @param zone A `MESH_TRANSFORM_ZONE_*` number.
/// @param out Receives the new point list on success (free with
///   `mesh_point_list_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument,
///   numbers out of range, a resolution that is not fixed or
///   `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a closed, detached or
///   made-up session; `MESH_ERROR_NOT_FOUND` for an unknown path; or another
///   status of the call to the server (see `mesh_status`).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn mesh_timeseries_read_transformed_by_path(
    session: *mut mesh_session,
    path: *const c_char,
    start_ms: i64,
    end_ms: i64,
    resolution: i32,
    method: i32,
    zone: i32,
    out: *mut *mut mesh_point_list,
) -> mesh_status {
    guard("mesh_timeseries_read_transformed_by_path", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_timeseries_read_transformed_by_path_request(
                session, path, start_ms, end_ms, resolution, method, zone,
            )
        }?
        .wait(out, "out")
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_timeseries_read_transformed_by_path_request(
    session: *mut mesh_session,
    path: *const c_char,
    start_ms: i64,
    end_ms: i64,
    resolution: i32,
    method: i32,
    zone: i32,
) -> FfiResult<Request<*mut mesh_point_list>> {
    read(
        session,
        by_path(path),
        start_ms,
        end_ms,
        resolution,
        method,
        zone,
    )
}

/// As `mesh_timeseries_read_transformed_by_key`, for the time series (or
/// time series attribute) with id `id` (canonical form in any case, or
/// braced).
///
/// @param session The session to work in.
/// @param id The id of the time series or time series attribute, canonical form
///   in any case or braced (UTF-8, NUL-terminated); not NULL.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param resolution The resolution to transform to: a fixed
///   `MESH_RESOLUTION_*` (MIN to YEAR).
/// @param method A `MESH_TRANSFORM_METHOD_*` number.
/// @param zone A `MESH_TRANSFORM_ZONE_*` number.
/// @param out Receives the new point list on success (free with
///   `mesh_point_list_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument, a
///   malformed id, numbers out of range, a resolution that is not fixed or
///   `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a closed, detached or
///   made-up session; `MESH_ERROR_NOT_FOUND` for an unknown id; or another
///   status of the call to the server (see `mesh_status`).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn mesh_timeseries_read_transformed_by_id(
    session: *mut mesh_session,
    id: *const c_char,
    start_ms: i64,
    end_ms: i64,
    resolution: i32,
    method: i32,
    zone: i32,
    out: *mut *mut mesh_point_list,
) -> mesh_status {
    guard("mesh_timeseries_read_transformed_by_id", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_timeseries_read_transformed_by_id_request(
                session, id, start_ms, end_ms, resolution, method, zone,
            )
        }?
        .wait(out, "out")
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_timeseries_read_transformed_by_id_request(
    session: *mut mesh_session,
    id: *const c_char,
    start_ms: i64,
    end_ms: i64,
    resolution: i32,
    method: i32,
    zone: i32,
) -> FfiResult<Request<*mut mesh_point_list>> {
    read(
        session,
        by_id(id),
        start_ms,
        end_ms,
        resolution,
        method,
        zone,
    )
}
