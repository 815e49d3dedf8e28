//! Time series in the C API: reading into a `mesh_points` handle, writing
//! from caller arrays, and exporting points through the Arrow C Data
//! Interface. Functions take plain integers, strings and arrays (no structs
//! by value, no bool), so .NET and VBA call them without marshaling structs;
//! the Arrow export is for hosts that speak Arrow.

use std::ffi::c_char;
use std::sync::LazyLock;

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::Array;

use super::args::{c_str, out_ptr, write_out};
use super::handles::Registry;
use super::session::{self, mesh_session};
use super::{guard, mesh_status, Failure, FfiResult};
use crate::client::{Points, TimeseriesId};

/// Point flag (0): the value is good.
pub const MESH_FLAG_OK: u32 = 0;
/// Point flag (0x40000000): the value is not to be used.
pub const MESH_FLAG_NOT_OK: u32 = 0x4000_0000;
/// Point flag (0x04000000): there is no value (the value is NaN).
pub const MESH_FLAG_MISSING: u32 = 0x0400_0000;
/// Point flag (0x02000000): the value is doubtful.
pub const MESH_FLAG_SUSPECT: u32 = 0x0200_0000;

/// Points of a time series, as read (`mesh_read_timeseries_by_*`, freed with
/// `mesh_points_free`). The arrays it hands out stay valid and unchanged
/// until it is freed; it stays valid after `mesh_shutdown`.
pub struct mesh_points {
    _private: [u8; 0],
}

static POINTS: LazyLock<Registry<Points>> = LazyLock::new(|| Registry::new(4, "points"));

/// Registers `points` and returns their handle, for any call that hands
/// points out (reads, calculations).
pub(crate) fn register_points(points: Points) -> *mut mesh_points {
    POINTS.insert(points)
}

fn read(
    session: *mut mesh_session,
    id: FfiResult<TimeseriesId>,
    start_ms: i64,
    end_ms: i64,
    out: *mut *mut mesh_points,
) -> FfiResult {
    let handle = session::resolve(session)?;
    let id = id?;
    let out = out_ptr(out, "out")?;
    let points = handle.run(handle.session.read_timeseries(&id, start_ms, end_ms))?;
    write_out(out, POINTS.insert(points));
    Ok(())
}

/// A caller's array of `count` items, or an empty one for `count` 0.
///
/// # Safety
/// `p` is NULL or points to `count` readable items.
pub(crate) unsafe fn array<'a, T>(p: *const T, count: usize, what: &str) -> FfiResult<&'a [T]> {
    if count == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Failure::invalid_argument(format!(
            "{what} is NULL but count is {count}"
        )));
    }
    if !p.is_aligned() {
        return Err(Failure::invalid_argument(format!("{what} is misaligned")));
    }
    if count > isize::MAX as usize / std::mem::size_of::<T>() {
        return Err(Failure::invalid_argument(format!(
            "count {count} is too large"
        )));
    }
    // SAFETY: non-NULL, aligned, and by the caller's promise `count` items.
    Ok(unsafe { std::slice::from_raw_parts(p, count) })
}

/// Points from the caller's arrays; NULL flags mean all 0 (OK).
///
/// # Safety
/// As for [`array`], for each of the three.
unsafe fn points_from(
    timestamps: *const i64,
    flags: *const u32,
    values: *const f64,
    count: usize,
) -> FfiResult<Points> {
    // SAFETY: passed on from the caller.
    let (t, v) = unsafe {
        (
            array(timestamps, count, "timestamps")?,
            array(values, count, "values")?,
        )
    };
    let f = if flags.is_null() {
        vec![0; count]
    } else {
        // SAFETY: passed on from the caller.
        unsafe { array(flags, count, "flags") }?.to_vec()
    };
    Ok(Points::new(t.to_vec(), f, v.to_vec())?)
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
) -> FfiResult {
    let handle = session::resolve(session)?;
    let id = id?;
    // SAFETY: the caller's arrays, each NULL or of `count` items.
    let points = unsafe { points_from(timestamps, flags, values, count) }?;
    handle.run(
        handle
            .session
            .write_timeseries(&id, start_ms, end_ms, &points),
    )?;
    Ok(())
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
/// with `mesh_points_free`. An answer over the receive limit
/// (`mesh_options_set_max_receive_message_bytes`) is read in parts and
/// merged, so any number of points can be read in one call.
///
/// The points are Mesh's answer as it is:
/// - **a read of a PIECEWISELINEAR series may return one more point, at or
///   after `end_ms`** (the end of the last line segment), so do not assume
///   every timestamp is below `end_ms`;
/// - a series of fixed resolution (HOUR, DAY, ...) can return points at
///   steps where nothing is stored (after a delete, for example): their
///   value is NaN and their flags have `MESH_FLAG_MISSING` set;
/// - values and flags come back bit for bit (NaN payloads included).
///
/// Fails with `MESH_ERROR_INVALID_ARGUMENT` when `end_ms < start_ms`,
/// `MESH_ERROR_NOT_FOUND` for an unknown key, `MESH_ERROR_RESOURCE_EXHAUSTED`
/// when even one millisecond's answer is over the receive limit.
#[no_mangle]
pub unsafe extern "C" fn mesh_read_timeseries_by_key(
    session: *mut mesh_session,
    key: i64,
    start_ms: i64,
    end_ms: i64,
    out: *mut *mut mesh_points,
) -> mesh_status {
    guard("mesh_read_timeseries_by_key", || {
        read(session, Ok(TimeseriesId::Key(key)), start_ms, end_ms, out)
    })
}

/// As `mesh_read_timeseries_by_key`, for the time series at `path`
/// (e.g. `"Resource/Demo/Inflow"`).
#[no_mangle]
pub unsafe extern "C" fn mesh_read_timeseries_by_path(
    session: *mut mesh_session,
    path: *const c_char,
    start_ms: i64,
    end_ms: i64,
    out: *mut *mut mesh_points,
) -> mesh_status {
    guard("mesh_read_timeseries_by_path", || {
        read(session, by_path(path), start_ms, end_ms, out)
    })
}

/// As `mesh_read_timeseries_by_key`, for the time series with id `id`
/// (canonical form in any case, or braced). A malformed id gives
/// `MESH_ERROR_INVALID_ARGUMENT` without a request.
#[no_mangle]
pub unsafe extern "C" fn mesh_read_timeseries_by_id(
    session: *mut mesh_session,
    id: *const c_char,
    start_ms: i64,
    end_ms: i64,
    out: *mut *mut mesh_points,
) -> mesh_status {
    guard("mesh_read_timeseries_by_id", || {
        read(session, by_id(id), start_ms, end_ms, out)
    })
}

/// Replaces the points of the time series with key `key` in
/// `[start_ms, end_ms)` with the `count` points in the caller's arrays, in
/// this session: other sessions see them after `mesh_session_commit`. Old
/// points in the interval not in the arrays are removed, so `count` 0
/// deletes the interval. `timestamps` (ms since the Unix epoch, UTC) must be
/// strictly increasing and inside the interval; `flags` may be NULL for all
/// 0 (OK); the arrays may be NULL when `count` is 0. The arrays are copied
/// before the call returns. `count` 0 is sent as Mesh's delete (see
/// `mesh_delete_timeseries_by_key`).
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
#[no_mangle]
pub unsafe extern "C" fn mesh_write_timeseries_by_key(
    session: *mut mesh_session,
    key: i64,
    start_ms: i64,
    end_ms: i64,
    timestamps: *const i64,
    flags: *const u32,
    values: *const f64,
    count: usize,
) -> mesh_status {
    guard("mesh_write_timeseries_by_key", || {
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
    })
}

/// As `mesh_write_timeseries_by_key`, for the time series at `path`.
#[no_mangle]
pub unsafe extern "C" fn mesh_write_timeseries_by_path(
    session: *mut mesh_session,
    path: *const c_char,
    start_ms: i64,
    end_ms: i64,
    timestamps: *const i64,
    flags: *const u32,
    values: *const f64,
    count: usize,
) -> mesh_status {
    guard("mesh_write_timeseries_by_path", || {
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
    })
}

/// As `mesh_write_timeseries_by_key`, for the time series with id `id`
/// (canonical form in any case, or braced).
#[no_mangle]
pub unsafe extern "C" fn mesh_write_timeseries_by_id(
    session: *mut mesh_session,
    id: *const c_char,
    start_ms: i64,
    end_ms: i64,
    timestamps: *const i64,
    flags: *const u32,
    values: *const f64,
    count: usize,
) -> mesh_status {
    guard("mesh_write_timeseries_by_id", || {
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
    })
}

fn delete(
    session: *mut mesh_session,
    id: FfiResult<TimeseriesId>,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult {
    let handle = session::resolve(session)?;
    let id = id?;
    handle.run(handle.session.delete_timeseries(&id, start_ms, end_ms))?;
    Ok(())
}

/// Deletes the points of the time series with key `key` in
/// `[start_ms, end_ms)`, in this session (other sessions see it after
/// `mesh_session_commit`). Sent as Mesh expects a delete: a write of zero
/// bytes of points with the interval. A series of fixed resolution then
/// reads as NaN flagged `MESH_FLAG_MISSING` over the interval; other series
/// have no points there. Fails with `MESH_ERROR_INVALID_ARGUMENT` when
/// `end_ms < start_ms`, `MESH_ERROR_NOT_FOUND` for an unknown key.
#[no_mangle]
pub unsafe extern "C" fn mesh_delete_timeseries_by_key(
    session: *mut mesh_session,
    key: i64,
    start_ms: i64,
    end_ms: i64,
) -> mesh_status {
    guard("mesh_delete_timeseries_by_key", || {
        delete(session, Ok(TimeseriesId::Key(key)), start_ms, end_ms)
    })
}

/// As `mesh_delete_timeseries_by_key`, for the time series at `path`.
#[no_mangle]
pub unsafe extern "C" fn mesh_delete_timeseries_by_path(
    session: *mut mesh_session,
    path: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> mesh_status {
    guard("mesh_delete_timeseries_by_path", || {
        delete(session, by_path(path), start_ms, end_ms)
    })
}

/// As `mesh_delete_timeseries_by_key`, for the time series with id `id`
/// (canonical form in any case, or braced).
#[no_mangle]
pub unsafe extern "C" fn mesh_delete_timeseries_by_id(
    session: *mut mesh_session,
    id: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> mesh_status {
    guard("mesh_delete_timeseries_by_id", || {
        delete(session, by_id(id), start_ms, end_ms)
    })
}

/// Writes the number of points to `*out_count`.
#[no_mangle]
pub unsafe extern "C" fn mesh_points_count(
    points: *const mesh_points,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_points_count", || {
        let points = POINTS.get(points)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, points.len());
        Ok(())
    })
}

/// Writes the address of one column of `points` to `*out`.
fn column<T>(
    name: &str,
    points: *const mesh_points,
    out: *mut *const T,
    pick: impl FnOnce(&Points) -> &[T],
) -> mesh_status {
    guard(name, || {
        let points = POINTS.get(points)?;
        let out = out_ptr(out, "out")?;
        write_out(out, pick(&points).as_ptr());
        Ok(())
    })
}

/// Writes a pointer to the `count` timestamps (ms since the Unix epoch, UTC,
/// increasing) to `*out`, valid until `mesh_points_free`. With no points it
/// is not NULL but must not be read.
#[no_mangle]
pub unsafe extern "C" fn mesh_points_timestamps(
    points: *const mesh_points,
    out: *mut *const i64,
) -> mesh_status {
    column("mesh_points_timestamps", points, out, Points::timestamps)
}

/// Writes a pointer to the `count` flags to `*out`, valid until
/// `mesh_points_free`. Flags combine the `MESH_FLAG_*` bits (more bits
/// exist; they are passed on as the server sent them).
#[no_mangle]
pub unsafe extern "C" fn mesh_points_flags(
    points: *const mesh_points,
    out: *mut *const u32,
) -> mesh_status {
    column("mesh_points_flags", points, out, Points::flags)
}

/// Writes a pointer to the `count` values to `*out`, valid until
/// `mesh_points_free`. Values are as the server sent them, bit for bit (NaN
/// included).
#[no_mangle]
pub unsafe extern "C" fn mesh_points_values(
    points: *const mesh_points,
    out: *mut *const f64,
) -> mesh_status {
    column("mesh_points_values", points, out, Points::values)
}

/// Copies the points into the caller's arrays of `cap` items each, for hosts
/// that cannot read through a pointer (VBA). Any of the three may be NULL
/// to skip that column. When `cap` is less than the number of points,
/// nothing is copied and `MESH_ERROR_BUFFER_TOO_SMALL` is returned (see
/// `mesh_points_count`).
#[no_mangle]
pub unsafe extern "C" fn mesh_points_copy(
    points: *const mesh_points,
    timestamps: *mut i64,
    flags: *mut u32,
    values: *mut f64,
    cap: usize,
) -> mesh_status {
    guard("mesh_points_copy", || {
        let points = POINTS.get(points)?;
        let n = points.len();
        if cap < n {
            return Err(Failure::new(
                mesh_status::MESH_ERROR_BUFFER_TOO_SMALL,
                format!("arrays of {cap} items are too small: {n} points"),
            ));
        }
        if !(timestamps.is_aligned() && flags.is_aligned() && values.is_aligned()) {
            return Err(Failure::invalid_argument("an array is misaligned"));
        }
        // SAFETY: each non-NULL destination has room for `cap >= n` items
        // by the caller's promise, and does not overlap our buffers.
        unsafe {
            if !timestamps.is_null() {
                std::ptr::copy_nonoverlapping(points.timestamps().as_ptr(), timestamps, n);
            }
            if !flags.is_null() {
                std::ptr::copy_nonoverlapping(points.flags().as_ptr(), flags, n);
            }
            if !values.is_null() {
                std::ptr::copy_nonoverlapping(points.values().as_ptr(), values, n);
            }
        }
        Ok(())
    })
}

/// Exports the points through the Arrow C Data Interface as a struct array
/// with three children `utc_time` (`timestamp[ms]`, no time zone, format
/// `"tsm:"`), `flags` (uint32) and `value` (float64), marked nullable as in
/// Mesh's schema though they hold no nulls, without copying them.
/// `out_schema` and `out_array` are structs the caller allocated; on
/// success they are filled in and the caller owns them: call their
/// `release` callbacks when done (Arrow importers such as pyarrow's
/// `_import_from_c`, Arrow C++'s `ImportRecordBatch` or .NET's
/// `CArrowArrayImporter` do that). The export keeps the points alive by
/// itself, so `mesh_points_free` may come before or after the release.
#[no_mangle]
pub unsafe extern "C" fn mesh_points_export_arrow(
    points: *const mesh_points,
    out_schema: *mut FFI_ArrowSchema,
    out_array: *mut FFI_ArrowArray,
) -> mesh_status {
    guard("mesh_points_export_arrow", || {
        let points = POINTS.get(points)?;
        let out_schema = out_ptr(out_schema, "out_schema")?;
        let out_array = out_ptr(out_array, "out_array")?;
        let data = points.to_struct_array()?.to_data();
        let (array, schema) = arrow_array::ffi::to_ffi(&data).map_err(|e| {
            Failure::new(
                mesh_status::MESH_ERROR_INTERNAL,
                format!("Arrow export failed: {e}"),
            )
        })?;
        // The caller's structs are uninitialised or released; ours move in
        // without dropping whatever bytes were there.
        write_out(out_schema, schema);
        write_out(out_array, array);
        Ok(())
    })
}

/// Frees points. The arrays it handed out become invalid (an Arrow export
/// stays valid until released). Freeing twice gives
/// `MESH_ERROR_INVALID_HANDLE`; NULL is a no-op that returns `MESH_OK` and
/// leaves the last error alone.
#[no_mangle]
pub extern "C" fn mesh_points_free(points: *mut mesh_points) -> mesh_status {
    if points.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_points_free", || POINTS.remove(points).map(drop))
}
