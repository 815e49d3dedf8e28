//! `mesh_timeseries_resource`: a catalog entry of a time series, read
//! through accessor functions, and the curve type and resolution numbers.
//! Self-contained so that any call that learns of a resource (the catalog
//! calls, and time series attributes of the model) hands out the same kind
//! of handle through [`register`].

use std::ffi::c_char;

use crate::client::TimeseriesResource;
use crate::ffi::args::{out_ptr, write_out, write_text};
use crate::ffi::handles::{HandleKind, Registry};
use crate::ffi::{guard, mesh_status, FfiResult};

/// Curve type: not set.
pub const MESH_CURVE_TYPE_UNKNOWN: i32 = 0;
/// Curve type: each value holds from its point until the next.
pub const MESH_CURVE_TYPE_STAIRCASE_START_OF_STEP: i32 = 1;
/// Curve type: straight lines between points. Reads may return one more
/// point, at or after the interval end.
pub const MESH_CURVE_TYPE_PIECEWISE_LINEAR: i32 = 2;
/// Curve type: each value holds until its point.
pub const MESH_CURVE_TYPE_STAIRCASE: i32 = 3;
/// For `mesh_timeseries_resource_update`: leave the curve type as it is.
pub const MESH_TIMESERIES_RESOURCE_CURVE_TYPE_UNCHANGED: i32 = -1;

/// Resolution: not set.
pub const MESH_RESOLUTION_UNSPECIFIED: i32 = 0;
/// Resolution: points at any times.
pub const MESH_RESOLUTION_BREAKPOINT: i32 = 1;
/// Resolution: 15 minutes.
pub const MESH_RESOLUTION_MIN15: i32 = 2;
/// Resolution: an hour.
pub const MESH_RESOLUTION_HOUR: i32 = 3;
/// Resolution: a day.
pub const MESH_RESOLUTION_DAY: i32 = 4;
/// Resolution: a week.
pub const MESH_RESOLUTION_WEEK: i32 = 5;
/// Resolution: a month.
pub const MESH_RESOLUTION_MONTH: i32 = 6;
/// Resolution: a year.
pub const MESH_RESOLUTION_YEAR: i32 = 7;
/// Resolution: 30 minutes.
pub const MESH_RESOLUTION_MIN30: i32 = 8;
/// Resolution: undefined.
pub const MESH_RESOLUTION_UNDEFINED: i32 = 9;
/// Resolution: a minute.
pub const MESH_RESOLUTION_MIN: i32 = 10;
/// Resolution: 5 minutes.
pub const MESH_RESOLUTION_MIN5: i32 = 11;
/// Resolution: 10 minutes.
pub const MESH_RESOLUTION_MIN10: i32 = 12;

/// A time series resource of the catalog, physical or virtual: key, path,
/// name, curve type, resolution, unit, time zone, virtual expression. Read
/// with the `mesh_timeseries_resource_*` accessors; free with
/// `mesh_timeseries_resource_free`. A snapshot: later updates are not seen.
/// It stays valid after its session is closed and after `mesh_library_shutdown`.
pub struct mesh_timeseries_resource {
    _private: [u8; 0],
}

static RESOURCES: Registry<TimeseriesResource> =
    Registry::new(HandleKind::TimeseriesResource, "time series resource");

/// Registers `resource` and returns its handle, for any call that hands
/// one out.
pub(crate) fn register(resource: TimeseriesResource) -> FfiResult<*mut mesh_timeseries_resource> {
    RESOURCES.insert(resource)
}

fn text(
    resource: *const mesh_timeseries_resource,
    field: impl FnOnce(&TimeseriesResource) -> &str,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> FfiResult {
    let resource = RESOURCES.get(resource)?;
    // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
    unsafe { write_text(field(&resource), buf, cap, len_out) }
}

fn number<T>(
    resource: *const mesh_timeseries_resource,
    out: *mut T,
    field: impl FnOnce(&TimeseriesResource) -> T,
) -> FfiResult {
    let resource = RESOURCES.get(resource)?;
    let out = out_ptr(out, "out")?;
    write_out(out, field(&resource));
    Ok(())
}

/// Writes the time series key to `*out`. A series created in a session that
/// has not committed yet has key 0: Mesh assigns keys at commit.
///
/// @param resource The time series resource.
/// @param out Receives the key (0 for a series not yet committed) on success;
///   untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_key(
    resource: *const mesh_timeseries_resource,
    out: *mut i64,
) -> mesh_status {
    guard("mesh_timeseries_resource_key", || {
        number(resource, out, |r| r.key)
    })
}

/// The full path, e.g. `Resource/Demo/Inflow`. See the buffer convention.
///
/// @param resource The time series resource.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `resource` (or a
///   NULL `buf` with `cap` above 0); `MESH_ERROR_INVALID_HANDLE` for a freed or
///   made-up handle; or `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_path(
    resource: *const mesh_timeseries_resource,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_timeseries_resource_path", || {
        text(resource, |r| &r.path, buf, cap, len_out)
    })
}

/// The name (the last part of the path). See the buffer convention.
///
/// @param resource The time series resource.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `resource` (or a
///   NULL `buf` with `cap` above 0); `MESH_ERROR_INVALID_HANDLE` for a freed or
///   made-up handle; or `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_name(
    resource: *const mesh_timeseries_resource,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_timeseries_resource_name", || {
        text(resource, |r| &r.name, buf, cap, len_out)
    })
}

/// Writes the curve type to `*out`: one of the `MESH_CURVE_TYPE_*` numbers (a
/// newer server may send a number not listed there, which is passed on).
///
/// @param resource The time series resource.
/// @param out Receives the curve type number on success; untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_curve_type(
    resource: *const mesh_timeseries_resource,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_timeseries_resource_curve_type", || {
        number(resource, out, |r| r.curve_type.number())
    })
}

/// Writes the resolution to `*out`: one of the `MESH_RESOLUTION_*` numbers
/// (a newer server may send a number not listed there, which is passed on).
///
/// @param resource The time series resource.
/// @param out Receives the resolution number on success; untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_resolution(
    resource: *const mesh_timeseries_resource,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_timeseries_resource_resolution", || {
        number(resource, out, |r| r.resolution.number())
    })
}

/// The name of the unit of measurement, e.g. `MW`; empty when the resource
/// has none (virtual series often have none). See the buffer convention.
///
/// @param resource The time series resource.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `resource` (or a
///   NULL `buf` with `cap` above 0); `MESH_ERROR_INVALID_HANDLE` for a freed or
///   made-up handle; or `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_unit(
    resource: *const mesh_timeseries_resource,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_timeseries_resource_unit", || {
        text(
            resource,
            |r| r.unit_of_measurement.as_deref().unwrap_or(""),
            buf,
            cap,
            len_out,
        )
    })
}

/// The IANA time zone (e.g. `Europe/Oslo`) of a series of DAY or coarser
/// resolution; empty when it has none. See the buffer convention.
///
/// @param resource The time series resource.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `resource` (or a
///   NULL `buf` with `cap` above 0); `MESH_ERROR_INVALID_HANDLE` for a freed or
///   made-up handle; or `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_time_zone(
    resource: *const mesh_timeseries_resource,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_timeseries_resource_time_zone", || {
        text(
            resource,
            |r| r.time_zone.as_deref().unwrap_or(""),
            buf,
            cap,
            len_out,
        )
    })
}

/// The expression of a virtual series (Mesh's calculation language); empty
/// for a physical series. See the buffer convention.
///
/// @param resource The time series resource.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `resource` (or a
///   NULL `buf` with `cap` above 0); `MESH_ERROR_INVALID_HANDLE` for a freed or
///   made-up handle; or `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_virtual_expression(
    resource: *const mesh_timeseries_resource,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_timeseries_resource_virtual_expression", || {
        text(
            resource,
            |r| r.virtual_expression.as_deref().unwrap_or(""),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes 1 to `*out` when the series is temporary, else 0.
///
/// @param resource The time series resource.
/// @param out Receives 1 when the series is temporary, else 0, on success;
///   untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_is_temporary(
    resource: *const mesh_timeseries_resource,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_timeseries_resource_is_temporary", || {
        number(resource, out, |r| i32::from(r.temporary))
    })
}

/// Frees a resource handle. Freeing twice gives `MESH_ERROR_INVALID_HANDLE`;
/// NULL is a no-op that returns `MESH_OK` and leaves the last error alone.
///
/// @param resource The resource handle to free; NULL is a no-op.
/// @return `MESH_OK`, or `MESH_ERROR_INVALID_HANDLE` for a handle already freed
///   or made up.
#[no_mangle]
pub extern "C" fn mesh_timeseries_resource_free(
    resource: *mut mesh_timeseries_resource,
) -> mesh_status {
    if resource.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_timeseries_resource_free", || {
        RESOURCES.remove(resource).map(drop)
    })
}
