//! Points in the C API: the `mesh_point_list` handle that reads, transformed
//! reads and calculations hand out, its columns, copies, and the export
//! through the Arrow C Data Interface. Columns are plain arrays (no structs
//! by value), so .NET and VBA read them without marshaling structs.

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::Array;

use crate::client::Points;
use crate::ffi::args::{out_ptr, write_out};
use crate::ffi::handles::{HandleKind, Registry};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

/// Point flag (0): the value is good.
pub const MESH_POINT_FLAG_OK: u32 = 0;
/// Point flag (0x40000000): the value is not to be used.
pub const MESH_POINT_FLAG_NOT_OK: u32 = 0x4000_0000;
/// Point flag (0x04000000): there is no value (the value is NaN).
pub const MESH_POINT_FLAG_MISSING: u32 = 0x0400_0000;
/// Point flag (0x02000000): the value is doubtful.
pub const MESH_POINT_FLAG_SUSPECT: u32 = 0x0200_0000;

/// Points of a time series, as read (`mesh_timeseries_read_by_*`, freed with
/// `mesh_point_list_free`). The arrays it hands out stay valid and unchanged
/// until it is freed; it stays valid after `mesh_library_shutdown`.
pub struct mesh_point_list {
    _private: [u8; 0],
}

static POINTS: Registry<Points> = Registry::new(HandleKind::PointList, "point list");

/// Registers `points` and returns their handle, for any call that hands
/// points out (reads, calculations).
pub(crate) fn register_points(points: Points) -> FfiResult<*mut mesh_point_list> {
    POINTS.insert(points)
}

/// Writes the number of points to `*out_count`.
///
/// @param points The points.
/// @param out_count Receives the number of points on success; untouched on
///   failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_point_list_count(
    points: *const mesh_point_list,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_point_list_count", || {
        let points = POINTS.get(points)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, points.len());
        Ok(())
    })
}

/// Writes the address of one column of `points` to `*out`.
fn column<T>(
    name: &str,
    points: *const mesh_point_list,
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
/// increasing) to `*out`, valid until `mesh_point_list_free`. With no points it
/// is not NULL but must not be read.
///
/// @param points The points.
/// @param out Receives the address of the timestamps column on success;
///   untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_point_list_timestamps(
    points: *const mesh_point_list,
    out: *mut *const i64,
) -> mesh_status {
    column(
        "mesh_point_list_timestamps",
        points,
        out,
        Points::timestamps,
    )
}

/// Writes a pointer to the `count` flags to `*out`, valid until
/// `mesh_point_list_free`. Flags combine the `MESH_POINT_FLAG_*` bits (more bits
/// exist; they are passed on as the server sent them).
///
/// @param points The points.
/// @param out Receives the address of the flags column on success; untouched
///   on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_point_list_flags(
    points: *const mesh_point_list,
    out: *mut *const u32,
) -> mesh_status {
    column("mesh_point_list_flags", points, out, Points::flags)
}

/// Writes a pointer to the `count` values to `*out`, valid until
/// `mesh_point_list_free`. Values are as the server sent them, bit for bit (NaN
/// included).
///
/// @param points The points.
/// @param out Receives the address of the values column on success;
///   untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_point_list_values(
    points: *const mesh_point_list,
    out: *mut *const f64,
) -> mesh_status {
    column("mesh_point_list_values", points, out, Points::values)
}

/// Copies the points into the caller's arrays of `cap` items each, for hosts
/// that cannot read through a pointer (VBA). Any of the three may be NULL
/// to skip that column. When `cap` is less than the number of points,
/// nothing is copied and `MESH_ERROR_BUFFER_TOO_SMALL` is returned (see
/// `mesh_point_list_count`).
///
/// @param points The points.
/// @param timestamps The caller's array of `cap` timestamps (ms since the
///   Unix epoch, UTC), filled on success; NULL to skip it.
/// @param flags The caller's array of `cap` flags, filled on success; NULL to
///   skip it.
/// @param values The caller's array of `cap` values, filled on success; NULL
///   to skip it.
/// @param cap The number of items each array has room for.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `points` or a
///   misaligned array; `MESH_ERROR_INVALID_HANDLE` for a freed or made-up
///   handle; or `MESH_ERROR_BUFFER_TOO_SMALL` when `cap` is less than the
///   number of points.
#[no_mangle]
pub unsafe extern "C" fn mesh_point_list_copy(
    points: *const mesh_point_list,
    timestamps: *mut i64,
    flags: *mut u32,
    values: *mut f64,
    cap: usize,
) -> mesh_status {
    guard("mesh_point_list_copy", || {
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
/// itself, so `mesh_point_list_free` may come before or after the release.
///
/// @param points The points to export.
/// @param out_schema The caller's `ArrowSchema`, filled in on success (the
///   caller then owns it); untouched on failure.
/// @param out_array The caller's `ArrowArray`, filled in on success (the
///   caller then owns it); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument;
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle; or
///   `MESH_ERROR_INTERNAL` when the export fails.
#[no_mangle]
pub unsafe extern "C" fn mesh_point_list_export_arrow(
    points: *const mesh_point_list,
    out_schema: *mut FFI_ArrowSchema,
    out_array: *mut FFI_ArrowArray,
) -> mesh_status {
    guard("mesh_point_list_export_arrow", || {
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
/// stays valid until released). The library keeps the memory of one freed
/// result of 1 to 64 MiB for the next read of about its size (memory
/// already touched is faster to fill), until another takes its place or
/// `mesh_library_shutdown`. Freeing twice gives
/// `MESH_ERROR_INVALID_HANDLE`; NULL is a no-op that returns `MESH_OK` and
/// leaves the last error alone.
///
/// @param points The points to free; NULL is a no-op.
/// @return `MESH_OK`, or `MESH_ERROR_INVALID_HANDLE` for a handle already
///   freed or made up.
#[no_mangle]
pub extern "C" fn mesh_point_list_free(points: *mut mesh_point_list) -> mesh_status {
    if points.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_point_list_free", || POINTS.remove(points).map(drop))
}
