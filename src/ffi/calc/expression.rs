//! Expression text for C callers who write their own calculations: a string
//! literal with its quotes escaped, a time literal, and the expressions of
//! the `mesh_calc_*` helpers, to run with `mesh_calc_run_by_key` or
//! to combine. All go into the caller's buffer.

use std::ffi::c_char;

use crate::client::calc::expression;
use crate::ffi::args::{c_str, optional_str, write_text};
use crate::ffi::calc::functions::{
    max_versions_of, method, optional_time, resolution, window, zone,
};
use crate::ffi::{guard, mesh_status, FfiResult};

/// Writes the built expression (or the builder's refusal) to the buffer.
///
/// # Safety
/// As for [`write_text`].
unsafe fn write(
    text: crate::client::Result<String>,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> FfiResult {
    let text = text?;
    // SAFETY: passed on from the caller.
    unsafe { write_text(&text, buf, cap, len_out) }
}

/// An optional search from C.
fn search<'a>(p: *const c_char) -> FfiResult<Option<&'a str>> {
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    unsafe { optional_str(p, "search") }
}

/// `text` as a string literal of Mesh's calculation language: in single
/// quotes, each ``'`` in it doubled (``O'Neil`` gives ``'O''Neil'``), so that any
/// text, such as a search a user typed, can go into an expression as one
/// argument and nothing more. A line break is refused with
/// `MESH_ERROR_INVALID_ARGUMENT` (it would end the statement). See the
/// buffer convention.
///
/// @param text The text to quote (UTF-8, NUL-terminated, no line break); not
///   NULL.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `text`, bad
///   UTF-8 or a line break (or a NULL `buf` with `cap` above 0); or
///   `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_expression_quote(
    text: *const c_char,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_calc_expression_quote", || {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let text = unsafe { c_str(text, "text") }?;
        // SAFETY: the caller's buffer.
        unsafe { write(expression::quote(text), buf, cap, len_out) }
    })
}

/// The time literal of Mesh's calculation language for `ms` (since the
/// Unix epoch): `UTC` and `yyyyMMddHHmmssfff` in UTC, 20 characters, e.g.
/// `UTC20160105174811123`. Times outside the years 0000 to 9999 give
/// `MESH_ERROR_INVALID_ARGUMENT`. See the buffer convention.
///
/// @param ms The time, ms since the Unix epoch, UTC (years 0000 to 9999).
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a time outside the
///   years 0000 to 9999 (or a NULL `buf` with `cap` above 0); or
///   `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_expression_time_literal(
    ms: i64,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_calc_expression_time_literal", || {
        // SAFETY: the caller's buffer.
        unsafe { write(expression::time_literal(ms), buf, cap, len_out) }
    })
}

/// The expression `mesh_calc_run_transform` runs, with the same arguments and
/// checks (`search` NULL or empty for the series the calculation is
/// relative to), ending in a line break. See the buffer convention.
///
/// @param search The search that finds the series (UTF-8, NUL-terminated, no
///   line break; quoted by the library), or NULL or empty for the series the
///   calculation is relative to.
/// @param resolution The resolution to transform to: a fixed
///   `MESH_RESOLUTION_*` (MIN to YEAR).
/// @param method The method: `MESH_TRANSFORM_METHOD_SUM` to
///   `MESH_TRANSFORM_METHOD_MAX`.
/// @param zone A `MESH_TRANSFORM_ZONE_*` number.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a search with a line
///   break or bad UTF-8, numbers out of range, `MESH_TRANSFORM_METHOD_IMPLICIT`
///   or a resolution that is not fixed (or a NULL `buf` with `cap` above 0); or
///   `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_expression_transform(
    search: *const c_char,
    resolution: i32,
    method: i32,
    zone: i32,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_calc_expression_transform", || {
        let text = expression::transform(
            self::search(search)?,
            self::resolution(resolution)?,
            self::method(method)?,
            self::zone(zone)?,
        );
        // SAFETY: the caller's buffer.
        unsafe { write(text, buf, cap, len_out) }
    })
}

/// The expression `mesh_calc_run_sum` runs (a number). See the buffer
/// convention.
///
/// @param search The search that finds the series (UTF-8, NUL-terminated, no
///   line break; quoted by the library), or NULL or empty for the series the
///   calculation is relative to.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a search with a line
///   break or bad UTF-8 (or a NULL `buf` with `cap` above 0); or
///   `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_expression_sum(
    search: *const c_char,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_calc_expression_sum", || {
        let text = expression::sum(self::search(search)?);
        // SAFETY: the caller's buffer.
        unsafe { write(text, buf, cap, len_out) }
    })
}

/// The expression `mesh_calc_run_sum_list` runs (one series). See the buffer
/// convention.
///
/// @param search The search that finds the series to add up (UTF-8,
///   NUL-terminated, no line break; quoted by the library), or NULL or empty
///   for the series the calculation is relative to.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a search with a line
///   break or bad UTF-8 (or a NULL `buf` with `cap` above 0); or
///   `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_expression_sum_list(
    search: *const c_char,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_calc_expression_sum_list", || {
        let text = expression::sum_list(self::search(search)?);
        // SAFETY: the caller's buffer.
        unsafe { write(text, buf, cap, len_out) }
    })
}

/// The expression `mesh_calc_run_all_forecasts` runs (a list of series). See
/// the buffer convention.
///
/// @param search The search that finds the series (UTF-8, NUL-terminated, no
///   line break; quoted by the library), or NULL or empty for the series the
///   calculation is relative to.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a search with a line
///   break or bad UTF-8 (or a NULL `buf` with `cap` above 0); or
///   `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_expression_all_forecasts(
    search: *const c_char,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_calc_expression_all_forecasts", || {
        let text = expression::all_forecasts(self::search(search)?);
        // SAFETY: the caller's buffer.
        unsafe { write(text, buf, cap, len_out) }
    })
}

/// The expression `mesh_calc_run_forecast` runs (one series), with the same
/// `MESH_TIME_NONE` conventions. See the buffer convention.
///
/// @param search The search that finds the series (UTF-8, NUL-terminated, no
///   line break; quoted by the library), or NULL or empty for the series the
///   calculation is relative to.
/// @param t0_min_ms Start (exclusive) of the window the forecast's t0 lies in,
///   ms since the Unix epoch, UTC; `MESH_TIME_NONE` (with `t0_max_ms`) for no
///   window.
/// @param t0_max_ms End (inclusive) of the window the forecast's t0 lies in, ms
///   since the Unix epoch, UTC; `MESH_TIME_NONE` (with `t0_min_ms`) for no
///   window.
/// @param available_at_ms Only forecasts written by then count, ms since the
///   Unix epoch, UTC; `MESH_TIME_NONE` for all.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a search with a line
///   break or bad UTF-8, a window with one end only or its end before its
///   start, or a time outside the years 0000 to 9999 (or a NULL `buf` with
///   `cap` above 0); or `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_expression_forecast(
    search: *const c_char,
    t0_min_ms: i64,
    t0_max_ms: i64,
    available_at_ms: i64,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_calc_expression_forecast", || {
        let text = expression::forecast(
            self::search(search)?,
            window(t0_min_ms, t0_max_ms)?,
            optional_time(available_at_ms),
        );
        // SAFETY: the caller's buffer.
        unsafe { write(text, buf, cap, len_out) }
    })
}

/// The expression `mesh_calc_run_historical_versions` runs (a list of series).
/// See the buffer convention.
///
/// @param search The search that finds the series (UTF-8, NUL-terminated, no
///   line break; quoted by the library), or NULL or empty for the series the
///   calculation is relative to.
/// @param max_versions The most versions to give; at least 1.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a search with a line
///   break or bad UTF-8, `max_versions` below 1 (or a NULL `buf` with `cap`
///   above 0); or `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_expression_historical_versions(
    search: *const c_char,
    max_versions: i32,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_calc_expression_historical_versions", || {
        let text =
            expression::historical_versions(self::search(search)?, max_versions_of(max_versions)?);
        // SAFETY: the caller's buffer.
        unsafe { write(text, buf, cap, len_out) }
    })
}

/// The expression `mesh_calc_run_as_of_time` runs (one series). See the buffer
/// convention.
///
/// @param search The search that finds the series (UTF-8, NUL-terminated, no
///   line break; quoted by the library), or NULL or empty for the series the
///   calculation is relative to.
/// @param available_at_ms The time to see the series as of, ms since the Unix
///   epoch, UTC (years 0000 to 9999; not `MESH_TIME_NONE`).
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a search with a line
///   break or bad UTF-8, an `available_at_ms` outside the years 0000 to 9999
///   (or a NULL `buf` with `cap` above 0); or `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_expression_as_of_time(
    search: *const c_char,
    available_at_ms: i64,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_calc_expression_as_of_time", || {
        let text = expression::as_of_time(self::search(search)?, available_at_ms);
        // SAFETY: the caller's buffer.
        unsafe { write(text, buf, cap, len_out) }
    })
}
