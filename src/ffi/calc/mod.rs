//! Calculations in the C API: `mesh_calc_run` (an expression over an
//! interval, relative to an id, path or key) and the `mesh_calc_result`
//! handle that holds whichever kind of answer came back (series, numbers or
//! strings), read by index. Series are handed out as `mesh_point_list`.

mod expression;
mod functions;
mod transformed;

pub use expression::*;
pub use functions::*;
pub use transformed::*;

use std::ffi::c_char;

use crate::client::calc::{CalcResult, RelativeTo};
use crate::ffi::args::{c_str, out_ptr, write_out, write_text};
use crate::ffi::handles::{HandleKind, Registry};
use crate::ffi::points::{mesh_point_list, register_points};
use crate::ffi::request::Request;
use crate::ffi::session::{self, mesh_session};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

/// Kind of a calculation result: an answer of no kind (nothing).
pub const MESH_CALC_RESULT_KIND_NONE: i32 = 0;
/// Kind of a calculation result: a list of series
/// (`mesh_calc_result_series_at`).
pub const MESH_CALC_RESULT_KIND_SERIES: i32 = 1;
/// Kind of a calculation result: a list of numbers
/// (`mesh_calc_result_number_at`).
pub const MESH_CALC_RESULT_KIND_NUMBERS: i32 = 2;
/// Kind of a calculation result: a list of strings
/// (`mesh_calc_result_string_at`).
pub const MESH_CALC_RESULT_KIND_STRINGS: i32 = 3;

/// What a calculation gave: a list of series, of numbers or of strings
/// (`mesh_calc_result_kind`), read by index. Free with
/// `mesh_calc_result_free`. It holds its data itself: it stays valid after
/// its session is closed and after `mesh_library_shutdown`.
pub struct mesh_calc_result {
    _private: [u8; 0],
}

static RESULTS: Registry<CalcResult> = Registry::new(HandleKind::CalcResult, "calculation result");

/// Registers `result` and returns its handle, for any call that hands one
/// out.
pub(crate) fn register_result(result: CalcResult) -> FfiResult<*mut mesh_calc_result> {
    RESULTS.insert(result)
}

/// What a calculation is relative to, from C: an id or a path.
pub(crate) fn target(text: *const c_char) -> FfiResult<RelativeTo> {
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let text = unsafe { c_str(text, "target") }?;
    Ok(RelativeTo::parse(text)?)
}

fn run(
    session: *mut mesh_session,
    relative_to: FfiResult<RelativeTo>,
    expression: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<*mut mesh_calc_result>> {
    let handle = session::resolve(session)?;
    let relative_to = relative_to?;
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let expression = unsafe { c_str(expression, "expression") }?.to_string();
    Ok(handle.request(
        move |h| async move {
            h.session
                .run_calculation(&relative_to, &expression, start_ms, end_ms)
                .await
        },
        register_result,
    ))
}

/// Runs `expression`, written in Mesh's calculation language, over
/// `[start_ms, end_ms)` (ms since the Unix epoch, UTC) relative to
/// `target`, in this session (its uncommitted changes take part), and
/// writes the answer to a new `*out` (free with `mesh_calc_result_free`).
///
/// `target` is the object, attribute or time series the expression's
/// searches start from (``@t('.TsRawAtt')``) and that `@t()` names: an id
/// (canonical form in any case, or braced) or a path (`Model/...`, full or
/// without relation names, or `Resource/...`). An expression is lines of
/// statements, the result set by `## = ...`. Put user text into an
/// expression only through `mesh_calc_expression_quote`; the `mesh_calc_*` helpers
/// build the common expressions themselves.
///
/// Fails with `MESH_ERROR_INVALID_ARGUMENT` for NULLs, bad UTF-8, a target
/// that is neither id nor path, or `end_ms < start_ms` (without a request);
/// the server's refusals (a syntax error, an unknown function or target)
/// come with its message, and an answer over the receive limit gives
/// `MESH_ERROR_RESOURCE_EXHAUSTED`.
///
/// @param session The session to work in.
/// @param target The id or path the expression is relative to (UTF-8,
///   NUL-terminated); not NULL.
/// @param expression The expression, in Mesh's calculation language (UTF-8,
///   NUL-terminated); not NULL.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param out Receives the new result on success (free with
///   `mesh_calc_result_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument, bad
///   UTF-8, a target that is neither id nor path or `end_ms < start_ms`;
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up session; or
///   a status of the call to the server (see `mesh_status`): its refusals come
///   with its message, and an answer over the receive limit gives
///   `MESH_ERROR_RESOURCE_EXHAUSTED`.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_run(
    session: *mut mesh_session,
    target: *const c_char,
    expression: *const c_char,
    start_ms: i64,
    end_ms: i64,
    out: *mut *mut mesh_calc_result,
) -> mesh_status {
    guard("mesh_calc_run", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_calc_run_request(session, target, expression, start_ms, end_ms) }?
            .wait(out, "out")
    })
}

pub(crate) unsafe fn mesh_calc_run_request(
    session: *mut mesh_session,
    target: *const c_char,
    expression: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<*mut mesh_calc_result>> {
    run(session, self::target(target), expression, start_ms, end_ms)
}

/// As `mesh_calc_run`, relative to the time series with key `key`.
///
/// @param session The session to work in.
/// @param key The key of the time series the expression is relative to.
/// @param expression The expression, in Mesh's calculation language (UTF-8,
///   NUL-terminated); not NULL.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param out Receives the new result on success (free with
///   `mesh_calc_result_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument, bad
///   UTF-8, or `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a closed,
///   detached or made-up session; or a status of the call to the server (see
///   `mesh_status`): its refusals come with its message, and an answer over the
///   receive limit gives `MESH_ERROR_RESOURCE_EXHAUSTED`.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_run_by_key(
    session: *mut mesh_session,
    key: i64,
    expression: *const c_char,
    start_ms: i64,
    end_ms: i64,
    out: *mut *mut mesh_calc_result,
) -> mesh_status {
    guard("mesh_calc_run_by_key", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_calc_run_by_key_request(session, key, expression, start_ms, end_ms) }?
            .wait(out, "out")
    })
}

pub(crate) unsafe fn mesh_calc_run_by_key_request(
    session: *mut mesh_session,
    key: i64,
    expression: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<*mut mesh_calc_result>> {
    run(
        session,
        Ok(RelativeTo::Key(key)),
        expression,
        start_ms,
        end_ms,
    )
}

/// Writes the kind of the result to `*out`: `MESH_CALC_RESULT_KIND_SERIES`,
/// `MESH_CALC_RESULT_KIND_NUMBERS`, `MESH_CALC_RESULT_KIND_STRINGS`, or `MESH_CALC_RESULT_KIND_NONE` for an
/// answer of no kind (it then holds nothing).
///
/// @param result The calculation result.
/// @param out Receives the `MESH_CALC_RESULT_KIND_*` number on success;
///   untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_result_kind(
    result: *const mesh_calc_result,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_calc_result_kind", || {
        let result = RESULTS.get(result)?;
        let out = out_ptr(out, "out")?;
        write_out(
            out,
            match *result {
                CalcResult::Empty => MESH_CALC_RESULT_KIND_NONE,
                CalcResult::Series(_) => MESH_CALC_RESULT_KIND_SERIES,
                CalcResult::Numbers(_) => MESH_CALC_RESULT_KIND_NUMBERS,
                CalcResult::Strings(_) => MESH_CALC_RESULT_KIND_STRINGS,
            },
        );
        Ok(())
    })
}

/// Writes the number of items (series, numbers or strings) to `*out_count`.
///
/// @param result The calculation result.
/// @param out_count Receives the number of items on success (0 for
///   `MESH_CALC_RESULT_KIND_NONE`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_result_count(
    result: *const mesh_calc_result,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_calc_result_count", || {
        let result = RESULTS.get(result)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, result.len());
        Ok(())
    })
}

/// Item `index` of a result, when it is of the kind wanted.
fn item<'a, T>(
    result: &'a CalcResult,
    index: usize,
    wanted: &str,
    pick: fn(&CalcResult) -> Option<&[T]>,
) -> FfiResult<&'a T> {
    let items = pick(result).ok_or_else(|| {
        Failure::invalid_argument(format!(
            "the result holds {}, not {wanted}",
            result.kind_name()
        ))
    })?;
    items.get(index).ok_or_else(|| {
        Failure::invalid_argument(format!(
            "index {index} is out of range: the result holds {} {wanted}",
            items.len()
        ))
    })
}

fn series_of(result: &CalcResult) -> Option<&[crate::client::calc::CalcSeries]> {
    match result {
        CalcResult::Series(s) => Some(s),
        _ => None,
    }
}

/// Writes the points of series `index` of a result of kind
/// `MESH_CALC_RESULT_KIND_SERIES` to a new `*out` (free with `mesh_point_list_free`; it
/// shares the result's data, so each may be freed first). A
/// PIECEWISELINEAR series may hold one point at or after the interval end,
/// as any read. Fails with `MESH_ERROR_INVALID_ARGUMENT` for another kind
/// of result or an index out of range.
///
/// @param result The calculation result.
/// @param index The series' index, 0 to count - 1.
/// @param out Receives the new point list on success (free with
///   `mesh_point_list_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument,
///   another kind of result or an index out of range; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_result_series_at(
    result: *const mesh_calc_result,
    index: usize,
    out: *mut *mut mesh_point_list,
) -> mesh_status {
    guard("mesh_calc_result_series_at", || {
        let result = RESULTS.get(result)?;
        let series = item(&result, index, "series", series_of)?;
        let out = out_ptr(out, "out")?;
        write_out(out, register_points(series.points.clone())?);
        Ok(())
    })
}

/// Writes the resolution of series `index` of a result of kind
/// `MESH_CALC_RESULT_KIND_SERIES` to `*out`: a `MESH_RESOLUTION_*` number (a newer
/// server may send one not listed there, which is passed on).
///
/// @param result The calculation result.
/// @param index The series' index, 0 to count - 1.
/// @param out Receives the `MESH_RESOLUTION_*` number on success; untouched on
///   failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument,
///   another kind of result or an index out of range; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_result_resolution_at(
    result: *const mesh_calc_result,
    index: usize,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_calc_result_resolution_at", || {
        let result = RESULTS.get(result)?;
        let series = item(&result, index, "series", series_of)?;
        let out = out_ptr(out, "out")?;
        write_out(out, series.resolution.number());
        Ok(())
    })
}

/// Writes number `index` of a result of kind `MESH_CALC_RESULT_KIND_NUMBERS` to
/// `*out` (NaN where Mesh found no value).
///
/// @param result The calculation result.
/// @param index The number's index, 0 to count - 1.
/// @param out Receives the number on success; untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument,
///   another kind of result or an index out of range; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_result_number_at(
    result: *const mesh_calc_result,
    index: usize,
    out: *mut f64,
) -> mesh_status {
    guard("mesh_calc_result_number_at", || {
        let result = RESULTS.get(result)?;
        let number = item(&result, index, "numbers", |r| match r {
            CalcResult::Numbers(n) => Some(n),
            _ => None,
        })?;
        let out = out_ptr(out, "out")?;
        write_out(out, *number);
        Ok(())
    })
}

/// String `index` of a result of kind `MESH_CALC_RESULT_KIND_STRINGS`. See the buffer
/// convention.
///
/// @param result The calculation result.
/// @param index The string's index, 0 to count - 1.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `result`,
///   another kind of result or an index out of range (or a NULL `buf` with
///   `cap` above 0); `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle;
///   or `MESH_ERROR_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_result_string_at(
    result: *const mesh_calc_result,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_calc_result_string_at", || {
        let result = RESULTS.get(result)?;
        let text = item(&result, index, "strings", |r| match r {
            CalcResult::Strings(s) => Some(s),
            _ => None,
        })?;
        // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
        unsafe { write_text(text, buf, cap, len_out) }
    })
}

/// Frees a calculation result. Points handed out from it stay valid.
/// Freeing twice gives `MESH_ERROR_INVALID_HANDLE`; NULL is a no-op that
/// returns `MESH_OK` and leaves the last error alone.
///
/// @param result The calculation result to free; NULL is a no-op.
/// @return `MESH_OK`, or `MESH_ERROR_INVALID_HANDLE` for a handle already freed
///   or made up.
#[no_mangle]
pub extern "C" fn mesh_calc_result_free(result: *mut mesh_calc_result) -> mesh_status {
    if result.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_calc_result_free", || RESULTS.remove(result).map(drop))
}
