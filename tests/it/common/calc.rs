//! Calculation helpers shared by the calculation tests: the official tests'
//! model and its 2016 data, and the C calls wrapped the way a C program
//! makes them, with results read out of their handles.

use std::ffi::{c_char, CStr};
use std::ptr;

use super::points::{take_points, Cols};
use super::*;

/// 2016-01-01T00:00:00Z in ms: the day the official tests' series hold data.
pub const DAY_2016: i64 = 1_451_606_400_000;
pub const HOUR_MS: i64 = 3_600_000;
/// The interval the official tests read: `[01:00, 09:00)` of that day.
pub const START_2016: i64 = DAY_2016 + HOUR_MS;
pub const END_2016: i64 = DAY_2016 + 9 * HOUR_MS;

pub const PLANT_ID: &str = "0000000a-0001-0000-0000-000000000000";
pub const PLANT: &str = "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1";
pub const PLANT_FULL: &str =
    "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef/SomePowerPlant1";
pub const RAW: &str =
    "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef/SomePowerPlant1.TsRawAtt";
pub const CALC: &str = "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1.TsCalcAtt";
/// Chimney 2's raw series in the catalog (values 100·h on 2016-01-01).
pub const CHIMNEY2_RAW_KEY: i64 = 3;

/// A calculation result, read out of its handle.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    None,
    /// Each series' points and resolution.
    Series(Vec<(Cols, i32)>),
    /// Values as bits, so NaN compares exactly.
    Numbers(Vec<u64>),
    Strings(Vec<String>),
}

impl Answer {
    #[track_caller]
    pub fn one_series(self) -> (Cols, i32) {
        match self {
            Answer::Series(mut s) if s.len() == 1 => s.remove(0),
            other => panic!("expected one series, got {other:?}"),
        }
    }

    #[track_caller]
    pub fn one_number(self) -> f64 {
        match self {
            Answer::Numbers(n) if n.len() == 1 => f64::from_bits(n[0]),
            other => panic!("expected one number, got {other:?}"),
        }
    }
}

/// Reads a string of a result the way a C caller would: ask for the
/// length, then read into a buffer of exactly that size.
pub fn result_string(result: *const mesh_calc_result, index: usize) -> String {
    let mut len = usize::MAX;
    let status = unsafe { mesh_calc_result_string_at(result, index, ptr::null_mut(), 0, &mut len) };
    assert_eq!(status, mesh_status::MESH_ERROR_BUFFER_TOO_SMALL);
    let mut buf = vec![1 as c_char; len + 1];
    let mut got = 0;
    check(
        unsafe { mesh_calc_result_string_at(result, index, buf.as_mut_ptr(), buf.len(), &mut got) },
        mesh_status::MESH_OK,
    );
    assert_eq!(got, len);
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_str()
        .unwrap()
        .to_string()
}

/// Reads everything out of a result handle, then frees it.
pub fn take_result(result: *mut mesh_calc_result) -> Answer {
    use mesh_status::MESH_OK;
    let (mut kind, mut n) = (-1, usize::MAX);
    check(unsafe { mesh_calc_result_kind(result, &mut kind) }, MESH_OK);
    check(unsafe { mesh_calc_result_count(result, &mut n) }, MESH_OK);
    let answer = match kind {
        MESH_CALC_RESULT_KIND_NONE => {
            assert_eq!(n, 0);
            Answer::None
        }
        MESH_CALC_RESULT_KIND_SERIES => Answer::Series(
            (0..n)
                .map(|i| {
                    let mut points = ptr::null_mut();
                    let mut resolution = -1;
                    check(
                        unsafe { mesh_calc_result_series_at(result, i, &mut points) },
                        MESH_OK,
                    );
                    check(
                        unsafe { mesh_calc_result_resolution_at(result, i, &mut resolution) },
                        MESH_OK,
                    );
                    (take_points(points), resolution)
                })
                .collect(),
        ),
        MESH_CALC_RESULT_KIND_NUMBERS => Answer::Numbers(
            (0..n)
                .map(|i| {
                    let mut x = 0.0;
                    check(
                        unsafe { mesh_calc_result_number_at(result, i, &mut x) },
                        MESH_OK,
                    );
                    x.to_bits()
                })
                .collect(),
        ),
        MESH_CALC_RESULT_KIND_STRINGS => {
            Answer::Strings((0..n).map(|i| result_string(result, i)).collect())
        }
        other => panic!("unknown result kind {other}"),
    };
    check(mesh_calc_result_free(result), MESH_OK);
    answer
}

/// Runs `expression` relative to `target` (an id or path).
pub fn calculate(
    session: *mut mesh_session,
    target: &str,
    expression: &str,
    start: i64,
    end: i64,
) -> Result<Answer, mesh_status> {
    let (target, expression) = (c(target), c(expression));
    let mut result = ptr::null_mut();
    match unsafe {
        mesh_calc_run(
            session,
            target.as_ptr(),
            expression.as_ptr(),
            start,
            end,
            &mut result,
        )
    } {
        mesh_status::MESH_OK => Ok(take_result(result)),
        status => {
            assert!(result.is_null(), "out written on failure");
            Err(status)
        }
    }
}

#[track_caller]
pub fn calculate_ok(
    session: *mut mesh_session,
    target: &str,
    expression: &str,
    start: i64,
    end: i64,
) -> Answer {
    calculate(session, target, expression, start, end).unwrap_or_else(|s| {
        panic!(
            "{expression:?} relative to {target}: {s:?}: {}",
            last_error()
        )
    })
}

/// Runs `expression` relative to the time series with key `key`.
#[track_caller]
pub fn calculate_by_key_ok(
    session: *mut mesh_session,
    key: i64,
    expression: &str,
    start: i64,
    end: i64,
) -> Answer {
    let expr = c(expression);
    let mut result = ptr::null_mut();
    check(
        unsafe { mesh_calc_run_by_key(session, key, expr.as_ptr(), start, end, &mut result) },
        mesh_status::MESH_OK,
    );
    take_result(result)
}

/// Text a builder writes into a caller buffer, asking for the length first.
pub fn built(write: impl Fn(*mut c_char, usize, *mut usize) -> mesh_status) -> String {
    let mut len = usize::MAX;
    assert_eq!(
        write(ptr::null_mut(), 0, &mut len),
        mesh_status::MESH_ERROR_BUFFER_TOO_SMALL,
        "{}",
        last_error()
    );
    let mut buf = vec![1 as c_char; len + 1];
    let mut got = 0;
    check(
        write(buf.as_mut_ptr(), buf.len(), &mut got),
        mesh_status::MESH_OK,
    );
    assert_eq!(got, len);
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_str()
        .unwrap()
        .to_string()
}

/// `text` quoted by `mesh_calc_expression_quote`.
pub fn quoted(text: &str) -> String {
    let text = c(text);
    built(|buf, cap, len| unsafe { mesh_calc_expression_quote(text.as_ptr(), buf, cap, len) })
}

/// An optional C string's pointer.
pub fn opt(s: &Option<std::ffi::CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |s| s.as_ptr())
}

/// `mesh_calc_run_transform` of `target` (and `search`), as columns.
#[allow(clippy::too_many_arguments)]
pub fn transform(
    session: *mut mesh_session,
    target: &str,
    search: Option<&str>,
    start: i64,
    end: i64,
    resolution: i32,
    method: i32,
    zone: i32,
) -> Result<Cols, mesh_status> {
    let target = c(target);
    let search = search.map(c);
    let mut points = ptr::null_mut();
    match unsafe {
        mesh_calc_run_transform(
            session,
            target.as_ptr(),
            opt(&search),
            start,
            end,
            resolution,
            method,
            zone,
            &mut points,
        )
    } {
        mesh_status::MESH_OK => Ok(take_points(points)),
        status => {
            assert!(points.is_null(), "out written on failure");
            Err(status)
        }
    }
}

/// `mesh_timeseries_read_transformed_by_key`, as columns.
pub fn read_transformed(
    session: *mut mesh_session,
    key: i64,
    start: i64,
    end: i64,
    resolution: i32,
    method: i32,
    zone: i32,
) -> Result<Cols, mesh_status> {
    let mut points = ptr::null_mut();
    match unsafe {
        mesh_timeseries_read_transformed_by_key(
            session,
            key,
            start,
            end,
            resolution,
            method,
            zone,
            &mut points,
        )
    } {
        mesh_status::MESH_OK => Ok(take_points(points)),
        status => {
            assert!(points.is_null(), "out written on failure");
            Err(status)
        }
    }
}
