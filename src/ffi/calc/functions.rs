//! The common calculations as C calls, so that no C caller writes an
//! expression for them: transform to a resolution, sums, forecasts and
//! historical versions, each relative to a target (id or path) with an
//! optional search from it. The expression is built (and its search string
//! quoted) by `client::calc::expression`; the numbers for methods and time
//! zones are checked here.

use std::ffi::c_char;
use std::sync::Arc;

use crate::client::calc::{expression, CalcResult, RelativeTo, TransformMethod, TransformZone};
use crate::client::Resolution;
use crate::ffi::args::optional_str;
use crate::ffi::calc::{mesh_calc_result, register_result, target};
use crate::ffi::points::{mesh_point_list, register_points};
use crate::ffi::request::Request;
use crate::ffi::session::{self, mesh_session, SessionHandle};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

/// Transformation method: Mesh's default for the series and the direction
/// (transformed reads only).
pub const MESH_TRANSFORM_METHOD_IMPLICIT: i32 = 1;
/// Transformation method: the sum of the values in each period.
pub const MESH_TRANSFORM_METHOD_SUM: i32 = 2;
/// Transformation method: the integral over each period (value × seconds).
pub const MESH_TRANSFORM_METHOD_SUMI: i32 = 3;
/// Transformation method: the mean of the values in each period.
pub const MESH_TRANSFORM_METHOD_AVG: i32 = 4;
/// Transformation method: the time-weighted mean over each period.
pub const MESH_TRANSFORM_METHOD_AVGI: i32 = 5;
/// Transformation method: the first value in each period.
pub const MESH_TRANSFORM_METHOD_FIRST: i32 = 6;
/// Transformation method: the last value in each period.
pub const MESH_TRANSFORM_METHOD_LAST: i32 = 7;
/// Transformation method: the smallest value in each period.
pub const MESH_TRANSFORM_METHOD_MIN: i32 = 8;
/// Transformation method: the largest value in each period.
pub const MESH_TRANSFORM_METHOD_MAX: i32 = 9;

/// Time zone of a transformation's days, weeks, months and years: the
/// default (a time-zone-aware series' own zone; otherwise the server's
/// default calculation zone in a calculation, UTC in a transformed read).
pub const MESH_TRANSFORM_ZONE_DEFAULT: i32 = 0;
/// Time zone of a transformation: UTC.
pub const MESH_TRANSFORM_ZONE_UTC: i32 = 1;
/// Time zone of a transformation: the Mesh server's local zone, with
/// daylight saving time.
pub const MESH_TRANSFORM_ZONE_LOCAL: i32 = 2;
/// Time zone of a transformation: the Mesh server's local zone without
/// daylight saving time.
pub const MESH_TRANSFORM_ZONE_STANDARD: i32 = 3;

pub use crate::ffi::args::MESH_TIME_NONE;

/// A resolution from C: one of the `MESH_RESOLUTION_*` numbers (the
/// client refuses those a series cannot be transformed to).
pub(crate) fn resolution(n: i32) -> FfiResult<Resolution> {
    match Resolution::from_number(n) {
        Resolution::Other(_) => Err(Failure::invalid_argument(format!(
            "resolution {n} is not one of the MESH_RESOLUTION_* numbers"
        ))),
        known => Ok(known),
    }
}

/// A transformation method from C: one of the `MESH_TRANSFORM_METHOD_*` numbers.
pub(crate) fn method(n: i32) -> FfiResult<TransformMethod> {
    TransformMethod::from_number(n).ok_or_else(|| {
        Failure::invalid_argument(format!(
            "method {n} is not one of the MESH_TRANSFORM_METHOD_* numbers"
        ))
    })
}

/// A time zone from C: one of the `MESH_TRANSFORM_ZONE_*` numbers, the default as
/// `None`.
pub(crate) fn zone(n: i32) -> FfiResult<Option<TransformZone>> {
    if n == MESH_TRANSFORM_ZONE_DEFAULT {
        return Ok(None);
    }
    TransformZone::from_number(n).map(Some).ok_or_else(|| {
        Failure::invalid_argument(format!(
            "zone {n} is not one of the MESH_TRANSFORM_ZONE_* numbers"
        ))
    })
}

/// An optional time from C: `MESH_TIME_NONE` is none.
pub(crate) fn optional_time(ms: i64) -> Option<i64> {
    (ms != MESH_TIME_NONE).then_some(ms)
}

/// A forecast window from C: both ends `MESH_TIME_NONE` for none.
pub(crate) fn window(t0_min_ms: i64, t0_max_ms: i64) -> FfiResult<Option<(i64, i64)>> {
    match (optional_time(t0_min_ms), optional_time(t0_max_ms)) {
        (None, None) => Ok(None),
        (Some(min), Some(max)) => Ok(Some((min, max))),
        _ => Err(Failure::invalid_argument(
            "t0_min_ms and t0_max_ms must both be MESH_TIME_NONE or both be times",
        )),
    }
}

/// What every helper starts from: the session, the target and the search.
struct Prepared<'a> {
    handle: Arc<SessionHandle>,
    relative_to: RelativeTo,
    search: Option<&'a str>,
}

/// Checks the arguments every helper has, in the order they come.
///
/// # Safety
/// `target` and `search` are NULL or NUL-terminated strings that outlive `'a`.
unsafe fn prepare<'a>(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
) -> FfiResult<Prepared<'a>> {
    let handle = session::resolve(session)?;
    let relative_to = self::target(target)?;
    // SAFETY: passed on from the caller.
    let search = unsafe { optional_str(search, "search") }?;
    Ok(Prepared {
        handle,
        relative_to,
        search,
    })
}

impl Prepared<'_> {
    /// The calculation of `expression` over `[start_ms, end_ms)`, its
    /// answer made the out-parameter's value by `deliver`.
    fn run<O: 'static>(
        self,
        expression: String,
        start_ms: i64,
        end_ms: i64,
        deliver: impl FnOnce(CalcResult) -> FfiResult<O> + Send + 'static,
    ) -> FfiResult<Request<O>> {
        let relative_to = self.relative_to;
        Ok(self.handle.request(
            move |h| async move {
                h.session
                    .run_calculation(&relative_to, &expression, start_ms, end_ms)
                    .await
            },
            deliver,
        ))
    }
}

/// The one series of a calculation's answer, registered as points.
fn one_series(result: CalcResult) -> FfiResult<*mut mesh_point_list> {
    register_points(result.into_series()?.points)
}

/// The series of a calculation's answer, registered as a result.
fn series_list(result: CalcResult) -> FfiResult<*mut mesh_calc_result> {
    register_result(CalcResult::Series(result.into_series_list()?))
}

/// The one number of a calculation's answer.
fn one_number(result: CalcResult) -> FfiResult<f64> {
    Ok(result.into_number()?)
}

/// Transforms a series to another resolution over `[start_ms, end_ms)` and
/// writes its points to a new `*out` (free with `mesh_point_list_free`): the
/// series `search` finds from `target`, or `target` itself (a time series
/// attribute, by id or path, or a series by `Resource/...` path) when
/// `search` is NULL or empty. For example daily sums of an hourly series:
/// `MESH_RESOLUTION_DAY`, `MESH_TRANSFORM_METHOD_SUM`.
///
/// `resolution` is a fixed `MESH_RESOLUTION_*` (MIN to YEAR); `method` one
/// of `MESH_TRANSFORM_METHOD_SUM` to `MESH_TRANSFORM_METHOD_MAX`; `zone` a `MESH_TRANSFORM_ZONE_*`, whose
/// calendar days, weeks, months and years follow (`MESH_TRANSFORM_ZONE_DEFAULT`: a
/// time-zone-aware series' own zone, else the server's default calculation
/// zone). Mesh's `@TRANSFORM`; `search` is quoted by the library, so any
/// text without a line break is safe there. A time series key is read
/// transformed with `mesh_timeseries_read_transformed_by_key`.
///
/// Fails with `MESH_ERROR_INVALID_ARGUMENT` (without a request) for NULLs,
/// a bad target, numbers out of range, `MESH_TRANSFORM_METHOD_IMPLICIT`, a
/// resolution that is not fixed, a search with a line break or
/// `end_ms < start_ms`; with `MESH_ERROR_SERVER` when the answer is not
/// one series.
///
/// @param session The session to work in.
/// @param target The id (canonical form in any case, or braced) or path the
///   calculation is relative to (UTF-8, NUL-terminated); not NULL.
/// @param search The search from `target` that finds the series (UTF-8,
///   NUL-terminated, no line break; quoted by the library), or NULL or empty
///   for `target` itself.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param resolution The resolution to transform to: a fixed
///   `MESH_RESOLUTION_*` (MIN to YEAR).
/// @param method The method: `MESH_TRANSFORM_METHOD_SUM` to
///   `MESH_TRANSFORM_METHOD_MAX`.
/// @param zone A `MESH_TRANSFORM_ZONE_*` number.
/// @param out Receives the new point list on success (free with
///   `mesh_point_list_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument other
///   than `search`, a bad target, a search with a line break, numbers out of
///   range, `MESH_TRANSFORM_METHOD_IMPLICIT`, a resolution that is not fixed or
///   `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a closed, detached or
///   made-up session; `MESH_ERROR_SERVER` when the answer is not one series; or
///   another status of the call to the server (see `mesh_status`).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn mesh_calc_run_transform(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
    resolution: i32,
    method: i32,
    zone: i32,
    out: *mut *mut mesh_point_list,
) -> mesh_status {
    guard("mesh_calc_run_transform", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_calc_run_transform_request(
                session, target, search, start_ms, end_ms, resolution, method, zone,
            )
        }?
        .wait(out, "out")
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_calc_run_transform_request(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
    resolution: i32,
    method: i32,
    zone: i32,
) -> FfiResult<Request<*mut mesh_point_list>> {
    // SAFETY: the caller passes NULL or NUL-terminated strings.
    let call = unsafe { prepare(session, target, search) }?;
    let expression = expression::transform(
        call.search,
        self::resolution(resolution)?,
        self::method(method)?,
        self::zone(zone)?,
    )?;
    call.run(expression, start_ms, end_ms, one_series)
}

/// The sum of the values of one series over `[start_ms, end_ms)`, written
/// to `*out` (NaN when it has none): the series `search` finds from
/// `target`, or `target` itself when `search` is NULL or empty. Mesh's
/// `@SUM(@t(...))`. Fails as `mesh_calc_run_transform` does, with
/// `MESH_ERROR_SERVER` when the answer is not one number.
///
/// @param session The session to work in.
/// @param target The id (canonical form in any case, or braced) or path the
///   calculation is relative to (UTF-8, NUL-terminated); not NULL.
/// @param search The search from `target` that finds the series (UTF-8,
///   NUL-terminated, no line break; quoted by the library), or NULL or empty
///   for `target` itself.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param out Receives the sum on success (NaN when the series has no values);
///   untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument other
///   than `search`, a bad target, a search with a line break or
///   `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a closed, detached or
///   made-up session; `MESH_ERROR_SERVER` when the answer is not one number; or
///   another status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_run_sum(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
    out: *mut f64,
) -> mesh_status {
    guard("mesh_calc_run_sum", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_calc_run_sum_request(session, target, search, start_ms, end_ms) }?
            .wait(out, "out")
    })
}

pub(crate) unsafe fn mesh_calc_run_sum_request(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<f64>> {
    // SAFETY: the caller passes NULL or NUL-terminated strings.
    let call = unsafe { prepare(session, target, search) }?;
    let expression = expression::sum(call.search)?;
    call.run(expression, start_ms, end_ms, one_number)
}

/// The point-wise sum of every series `search` finds from `target` (e.g.
/// `"*[.Type=ChimneyElementType].TsRawAtt"`) over `[start_ms, end_ms)`, as
/// one series written to a new `*out` (free with `mesh_point_list_free`).
/// Mesh's `@SUM(@T(...))`. Fails as `mesh_calc_run_transform` does, with
/// `MESH_ERROR_SERVER` when the answer is not one series.
///
/// @param session The session to work in.
/// @param target The id (canonical form in any case, or braced) or path the
///   calculation is relative to (UTF-8, NUL-terminated); not NULL.
/// @param search The search from `target` that finds the series to add up
///   (UTF-8, NUL-terminated, no line break; quoted by the library); NULL or
///   empty means `target` itself.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param out Receives the new point list on success (free with
///   `mesh_point_list_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument other
///   than `search`, a bad target, a search with a line break or
///   `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a closed, detached or
///   made-up session; `MESH_ERROR_SERVER` when the answer is not one series; or
///   another status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_run_sum_list(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
    out: *mut *mut mesh_point_list,
) -> mesh_status {
    guard("mesh_calc_run_sum_list", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_calc_run_sum_list_request(session, target, search, start_ms, end_ms) }?
            .wait(out, "out")
    })
}

pub(crate) unsafe fn mesh_calc_run_sum_list_request(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<*mut mesh_point_list>> {
    // SAFETY: the caller passes NULL or NUL-terminated strings.
    let call = unsafe { prepare(session, target, search) }?;
    let expression = expression::sum_list(call.search)?;
    call.run(expression, start_ms, end_ms, one_series)
}

/// Every forecast of a series over `[start_ms, end_ms)`, as a result of
/// kind `MESH_CALC_RESULT_KIND_SERIES` written to a new `*out` (free with
/// `mesh_calc_result_free`; it holds no series when there are no
/// forecasts). The series is the one `search` finds from `target`, or
/// `target` itself when `search` is NULL or empty. Mesh's
/// `@GetAllForecasts`. Fails as `mesh_calc_run_transform` does, with
/// `MESH_ERROR_SERVER` when the answer is not series.
///
/// @param session The session to work in.
/// @param target The id (canonical form in any case, or braced) or path the
///   calculation is relative to (UTF-8, NUL-terminated); not NULL.
/// @param search The search from `target` that finds the series (UTF-8,
///   NUL-terminated, no line break; quoted by the library), or NULL or empty
///   for `target` itself.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param out Receives the new result on success (free with
///   `mesh_calc_result_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument other
///   than `search`, a bad target, a search with a line break or
///   `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a closed, detached or
///   made-up session; `MESH_ERROR_SERVER` when the answer is not a list of
///   series; or another status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_run_all_forecasts(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
    out: *mut *mut mesh_calc_result,
) -> mesh_status {
    guard("mesh_calc_run_all_forecasts", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_calc_run_all_forecasts_request(session, target, search, start_ms, end_ms) }?
            .wait(out, "out")
    })
}

pub(crate) unsafe fn mesh_calc_run_all_forecasts_request(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<*mut mesh_calc_result>> {
    // SAFETY: the caller passes NULL or NUL-terminated strings.
    let call = unsafe { prepare(session, target, search) }?;
    let expression = expression::all_forecasts(call.search)?;
    call.run(expression, start_ms, end_ms, series_list)
}

/// One forecast of a series over `[start_ms, end_ms)`, written to a new
/// `*out` (free with `mesh_point_list_free`). Without a window
/// (`t0_min_ms` and `t0_max_ms` both `MESH_TIME_NONE`) the forecast for the
/// interval's start; with one, the forecast whose start t0 lies in
/// `(t0_min_ms, t0_max_ms]`. With `available_at_ms` (not `MESH_TIME_NONE`),
/// only forecasts written by then count. The series is the one `search`
/// finds from `target`, or `target` itself when `search` is NULL or empty.
/// Mesh's `@GetForecast`. Fails as `mesh_calc_run_transform` does, also for a
/// window with one end only or its end before its start.
///
/// @param session The session to work in.
/// @param target The id (canonical form in any case, or braced) or path the
///   calculation is relative to (UTF-8, NUL-terminated); not NULL.
/// @param search The search from `target` that finds the series (UTF-8,
///   NUL-terminated, no line break; quoted by the library), or NULL or empty
///   for `target` itself.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param t0_min_ms Start (exclusive) of the window the forecast's t0 lies in,
///   ms since the Unix epoch, UTC; `MESH_TIME_NONE` (with `t0_max_ms`) for no
///   window.
/// @param t0_max_ms End (inclusive) of the window the forecast's t0 lies in, ms
///   since the Unix epoch, UTC; `MESH_TIME_NONE` (with `t0_min_ms`) for no
///   window.
/// @param available_at_ms Only forecasts written by then count, ms since the
///   Unix epoch, UTC; `MESH_TIME_NONE` for all.
/// @param out Receives the new point list on success (free with
///   `mesh_point_list_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument other
///   than `search`, a bad target, a search with a line break, a window with one
///   end only or its end before its start, a time outside the years 0000 to
///   9999 or `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a closed,
///   detached or made-up session; `MESH_ERROR_SERVER` when the answer is not
///   one series; or another status of the call to the server (see
///   `mesh_status`).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn mesh_calc_run_forecast(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
    t0_min_ms: i64,
    t0_max_ms: i64,
    available_at_ms: i64,
    out: *mut *mut mesh_point_list,
) -> mesh_status {
    guard("mesh_calc_run_forecast", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_calc_run_forecast_request(
                session,
                target,
                search,
                start_ms,
                end_ms,
                t0_min_ms,
                t0_max_ms,
                available_at_ms,
            )
        }?
        .wait(out, "out")
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_calc_run_forecast_request(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
    t0_min_ms: i64,
    t0_max_ms: i64,
    available_at_ms: i64,
) -> FfiResult<Request<*mut mesh_point_list>> {
    // SAFETY: the caller passes NULL or NUL-terminated strings.
    let call = unsafe { prepare(session, target, search) }?;
    let expression = expression::forecast(
        call.search,
        window(t0_min_ms, t0_max_ms)?,
        optional_time(available_at_ms),
    )?;
    call.run(expression, start_ms, end_ms, one_series)
}

/// Up to `max_versions` (at least 1) earlier versions of a series over
/// `[start_ms, end_ms)`, as a result of kind `MESH_CALC_RESULT_KIND_SERIES` written to
/// a new `*out` (free with `mesh_calc_result_free`; it holds no series when
/// the series has no history). The series is the one `search` finds from
/// `target`, or `target` itself when `search` is NULL or empty. Mesh's
/// `@GetTsHistoricalVersions`. Fails as `mesh_calc_run_transform` does.
///
/// @param session The session to work in.
/// @param target The id (canonical form in any case, or braced) or path the
///   calculation is relative to (UTF-8, NUL-terminated); not NULL.
/// @param search The search from `target` that finds the series (UTF-8,
///   NUL-terminated, no line break; quoted by the library), or NULL or empty
///   for `target` itself.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param max_versions The most versions to give; at least 1.
/// @param out Receives the new result on success (free with
///   `mesh_calc_result_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument other
///   than `search`, a bad target, a search with a line break, `max_versions`
///   below 1 or `end_ms < start_ms`; `MESH_ERROR_INVALID_HANDLE` for a closed,
///   detached or made-up session; `MESH_ERROR_SERVER` when the answer is not a
///   list of series; or another status of the call to the server (see
///   `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_calc_run_historical_versions(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
    max_versions: i32,
    out: *mut *mut mesh_calc_result,
) -> mesh_status {
    guard("mesh_calc_run_historical_versions", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_calc_run_historical_versions_request(
                session,
                target,
                search,
                start_ms,
                end_ms,
                max_versions,
            )
        }?
        .wait(out, "out")
    })
}

pub(crate) unsafe fn mesh_calc_run_historical_versions_request(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
    max_versions: i32,
) -> FfiResult<Request<*mut mesh_calc_result>> {
    // SAFETY: the caller passes NULL or NUL-terminated strings.
    let call = unsafe { prepare(session, target, search) }?;
    let max = max_versions_of(max_versions)?;
    let expression = expression::historical_versions(call.search, max)?;
    call.run(expression, start_ms, end_ms, series_list)
}

/// A count of versions from C: at least 1.
pub(crate) fn max_versions_of(n: i32) -> FfiResult<u32> {
    u32::try_from(n)
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| Failure::invalid_argument(format!("max_versions {n} is not at least 1")))
}

/// A series over `[start_ms, end_ms)` as it was at `available_at_ms`,
/// written to a new `*out` (free with `mesh_point_list_free`). The series is
/// the one `search` finds from `target`, or `target` itself when `search`
/// is NULL or empty. Mesh's `@GetTsAsOfTime`. Fails as
/// `mesh_calc_run_transform` does.
///
/// @param session The session to work in.
/// @param target The id (canonical form in any case, or braced) or path the
///   calculation is relative to (UTF-8, NUL-terminated); not NULL.
/// @param search The search from `target` that finds the series (UTF-8,
///   NUL-terminated, no line break; quoted by the library), or NULL or empty
///   for `target` itself.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   not before `start_ms`.
/// @param available_at_ms The time to see the series as of, ms since the Unix
///   epoch, UTC (years 0000 to 9999; not `MESH_TIME_NONE`).
/// @param out Receives the new point list on success (free with
///   `mesh_point_list_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument other
///   than `search`, a bad target, a search with a line break, an
///   `available_at_ms` outside the years 0000 to 9999 or `end_ms < start_ms`;
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up session;
///   `MESH_ERROR_SERVER` when the answer is not one series; or another status
///   of the call to the server (see `mesh_status`).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn mesh_calc_run_as_of_time(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
    available_at_ms: i64,
    out: *mut *mut mesh_point_list,
) -> mesh_status {
    guard("mesh_calc_run_as_of_time", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_calc_run_as_of_time_request(
                session,
                target,
                search,
                start_ms,
                end_ms,
                available_at_ms,
            )
        }?
        .wait(out, "out")
    })
}

pub(crate) unsafe fn mesh_calc_run_as_of_time_request(
    session: *mut mesh_session,
    target: *const c_char,
    search: *const c_char,
    start_ms: i64,
    end_ms: i64,
    available_at_ms: i64,
) -> FfiResult<Request<*mut mesh_point_list>> {
    // SAFETY: the caller passes NULL or NUL-terminated strings.
    let call = unsafe { prepare(session, target, search) }?;
    let expression = expression::as_of_time(call.search, available_at_ms)?;
    call.run(expression, start_ms, end_ms, one_series)
}
