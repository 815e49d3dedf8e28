//! Expression text for C callers who write their own calculations: a string
//! literal with its quotes escaped, a time literal, and the expressions of
//! the `mesh_calc_*` helpers, to run with `mesh_calculation_run_by_key` or
//! to combine. All go into the caller's buffer.

use std::ffi::c_char;

use super::args::{c_str, optional_str, write_text};
use super::calc_functions::{max_versions_of, method, optional_time, resolution, window, zone};
use super::{guard, mesh_status, FfiResult};
use crate::client::calc::expression;

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
/// quotes, each `'` in it doubled (`O'Neil` gives `'O''Neil'`), so that any
/// text, such as a search a user typed, can go into an expression as one
/// argument and nothing more. A line break is refused with
/// `MESH_ERROR_INVALID_ARGUMENT` (it would end the statement). See the
/// buffer convention.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_quote(
    text: *const c_char,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_calc_quote", || {
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
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_time_literal(
    ms: i64,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_calc_time_literal", || {
        // SAFETY: the caller's buffer.
        unsafe { write(expression::time_literal(ms), buf, cap, len_out) }
    })
}

/// The expression `mesh_calc_transform` runs, with the same arguments and
/// checks (`search` NULL or empty for the series the calculation is
/// relative to), ending in a line break. See the buffer convention.
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

/// The expression `mesh_calc_sum` runs (a number). See the buffer
/// convention.
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

/// The expression `mesh_calc_sum_list` runs (one series). See the buffer
/// convention.
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

/// The expression `mesh_calc_all_forecasts` runs (a list of series). See
/// the buffer convention.
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

/// The expression `mesh_calc_forecast` runs (one series), with the same
/// `MESH_NO_TIME` conventions. See the buffer convention.
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

/// The expression `mesh_calc_historical_versions` runs (a list of series).
/// See the buffer convention.
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

/// The expression `mesh_calc_as_of_time` runs (one series). See the buffer
/// convention.
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
