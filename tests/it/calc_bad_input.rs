//! Bad input to the calculation calls never crashes and never reaches the
//! server: each row is a call a careless or hostile caller could make, with
//! the exact status it must give, its own message, out-pointers left alone,
//! and no `RunCalculation` or `ReadTransformedTimeseries` sent.

use std::ffi::c_char;
use std::ptr;
use std::time::Duration;

use crate::common::bad_input::*;
use crate::common::calc::*;
use crate::common::*;
use mesh_status::*;

/// A result handle of each kind, made by the server.
fn result_of(session: *mut mesh_session, expression: &str) -> *mut mesh_calc_result {
    let (target, expression) = (c(PLANT), c(expression));
    let mut result = ptr::null_mut();
    check(
        unsafe {
            mesh_calc_run(
                session,
                target.as_ptr(),
                expression.as_ptr(),
                START_2016,
                END_2016,
                &mut result,
            )
        },
        MESH_OK,
    );
    result
}

#[test]
fn bad_calculation_input_table() {
    crate::common::process::own_process!(bad_calculation_input_table);
    let emu = emulator(Duration::from_secs(300));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let closed_session = open(conn);
    check(mesh_session_close(closed_session), MESH_OK);
    let conn_as_session = conn.cast::<mesh_session>();

    let series = result_of(session, "## = @t('.TsRawAtt')\n");
    let numbers = result_of(session, "## = @SUM(@t('.TsRawAtt'))\n");
    let strings = result_of(session, "## = 'abc'\n");
    let freed = result_of(session, "## = 1\n");
    check(mesh_calc_result_free(freed), MESH_OK);
    let series_as_result = {
        let mut p = ptr::null_mut();
        check(
            unsafe { mesh_calc_result_series_at(series, 0, &mut p) },
            MESH_OK,
        );
        p
    }
    .cast::<mesh_calc_result>();

    let target = c(PLANT);
    let t = target.as_ptr();
    let expr = c("## = 1\n");
    let e = expr.as_ptr();
    let not_a_target = c("SomePowerPlant1");
    let bad_utf8: &[u8] = b"Model/\xff\xfe\0";
    let bad = bad_utf8.as_ptr().cast::<c_char>();
    let line_break = c(".TsRawAtt')\n## = 1 + ('");
    let lb = line_break.as_ptr();
    let path = c("Resource/Test/Hourly");
    let bad_id = c("not-an-id");
    let n = ptr::null::<c_char>();
    let (s0, s1) = (START_2016, END_2016);

    let mut buf = [0 as c_char; 64];
    let bufp = buf.as_mut_ptr();
    let mut len_cell = 0usize;
    let len = &raw mut len_cell;
    let day = MESH_RESOLUTION_DAY;
    let sum = MESH_TRANSFORM_METHOD_SUM;
    let utc = MESH_TRANSFORM_ZONE_UTC;
    let none = MESH_TIME_NONE;

    let rows: Vec<Row> = vec![
        // mesh_calc_run
        (
            "run NULL session",
            Box::new(|| unsafe { mesh_calc_run(ptr::null_mut(), t, e, s0, s1, &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "run closed session",
            Box::new(|| unsafe { mesh_calc_run(closed_session, t, e, s0, s1, &mut sentinel()) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "run connection as session",
            Box::new(|| unsafe { mesh_calc_run(conn_as_session, t, e, s0, s1, &mut sentinel()) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "run NULL target",
            Box::new(|| unsafe { mesh_calc_run(session, n, e, s0, s1, &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "run target neither id nor path",
            Box::new(|| unsafe {
                mesh_calc_run(session, not_a_target.as_ptr(), e, s0, s1, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "run target bad UTF-8",
            Box::new(|| unsafe { mesh_calc_run(session, bad, e, s0, s1, &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "run NULL expression",
            Box::new(|| unsafe { mesh_calc_run(session, t, n, s0, s1, &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "run expression bad UTF-8",
            Box::new(|| unsafe { mesh_calc_run(session, t, bad, s0, s1, &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "run end before start",
            Box::new(|| unsafe { mesh_calc_run(session, t, e, s1, s0, &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "run NULL out",
            Box::new(|| unsafe { mesh_calc_run(session, t, e, s0, s1, ptr::null_mut()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "run_by_key NULL expression",
            Box::new(|| unsafe { mesh_calc_run_by_key(session, 3, n, s0, s1, &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "run_by_key closed session",
            Box::new(|| unsafe {
                mesh_calc_run_by_key(closed_session, 3, e, s0, s1, &mut sentinel())
            }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        // mesh_calc_run_transform: every number checked
        (
            "transform BREAKPOINT",
            Box::new(|| unsafe {
                mesh_calc_run_transform(
                    session,
                    t,
                    n,
                    s0,
                    s1,
                    MESH_RESOLUTION_BREAKPOINT,
                    sum,
                    utc,
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform UNSPECIFIED",
            Box::new(|| unsafe {
                mesh_calc_run_transform(
                    session,
                    t,
                    n,
                    s0,
                    s1,
                    MESH_RESOLUTION_UNSPECIFIED,
                    sum,
                    utc,
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform UNDEFINED",
            Box::new(|| unsafe {
                mesh_calc_run_transform(
                    session,
                    t,
                    n,
                    s0,
                    s1,
                    MESH_RESOLUTION_UNDEFINED,
                    sum,
                    utc,
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform resolution 13",
            Box::new(|| unsafe {
                mesh_calc_run_transform(session, t, n, s0, s1, 13, sum, utc, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform resolution -1",
            Box::new(|| unsafe {
                mesh_calc_run_transform(session, t, n, s0, s1, -1, sum, utc, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform method 0",
            Box::new(|| unsafe {
                mesh_calc_run_transform(session, t, n, s0, s1, day, 0, utc, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform method IMPLICIT",
            Box::new(|| unsafe {
                mesh_calc_run_transform(
                    session,
                    t,
                    n,
                    s0,
                    s1,
                    day,
                    MESH_TRANSFORM_METHOD_IMPLICIT,
                    utc,
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform method 10",
            Box::new(|| unsafe {
                mesh_calc_run_transform(session, t, n, s0, s1, day, 10, utc, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform zone 4",
            Box::new(|| unsafe {
                mesh_calc_run_transform(session, t, n, s0, s1, day, sum, 4, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform zone -1",
            Box::new(|| unsafe {
                mesh_calc_run_transform(session, t, n, s0, s1, day, sum, -1, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform search with a line break",
            Box::new(|| unsafe {
                mesh_calc_run_transform(session, t, lb, s0, s1, day, sum, utc, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform search bad UTF-8",
            Box::new(|| unsafe {
                mesh_calc_run_transform(session, t, bad, s0, s1, day, sum, utc, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform end before start",
            Box::new(|| unsafe {
                mesh_calc_run_transform(session, t, n, s1, s0, day, sum, utc, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform NULL out",
            Box::new(|| unsafe {
                mesh_calc_run_transform(session, t, n, s0, s1, day, sum, utc, ptr::null_mut())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform NULL target",
            Box::new(|| unsafe {
                mesh_calc_run_transform(session, n, n, s0, s1, day, sum, utc, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "transform closed session",
            Box::new(|| unsafe {
                mesh_calc_run_transform(
                    closed_session,
                    t,
                    n,
                    s0,
                    s1,
                    day,
                    sum,
                    utc,
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        // the other helpers
        (
            "sum NULL out",
            Box::new(|| unsafe { mesh_calc_run_sum(session, t, n, s0, s1, ptr::null_mut()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "sum search with a line break",
            Box::new(|| unsafe { mesh_calc_run_sum(session, t, lb, s0, s1, &mut 0.0) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "sum_list NULL session",
            Box::new(|| unsafe {
                mesh_calc_run_sum_list(ptr::null_mut(), t, n, s0, s1, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "sum_list end before start",
            Box::new(|| unsafe { mesh_calc_run_sum_list(session, t, n, s1, s0, &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "all_forecasts NULL out",
            Box::new(|| unsafe {
                mesh_calc_run_all_forecasts(session, t, n, s0, s1, ptr::null_mut())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "forecast window with no end",
            Box::new(|| unsafe {
                mesh_calc_run_forecast(session, t, n, s0, s1, s0, none, none, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "forecast window with no start",
            Box::new(|| unsafe {
                mesh_calc_run_forecast(session, t, n, s0, s1, none, s1, none, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "forecast window backwards",
            Box::new(|| unsafe {
                mesh_calc_run_forecast(session, t, n, s0, s1, s1, s0, none, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "forecast available at year 10000",
            Box::new(|| unsafe {
                mesh_calc_run_forecast(
                    session,
                    t,
                    n,
                    s0,
                    s1,
                    none,
                    none,
                    253_402_300_800_000,
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "historical_versions 0",
            Box::new(|| unsafe {
                mesh_calc_run_historical_versions(session, t, n, s0, s1, 0, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "historical_versions -1",
            Box::new(|| unsafe {
                mesh_calc_run_historical_versions(session, t, n, s0, s1, -1, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "as_of_time MESH_TIME_NONE",
            Box::new(|| unsafe {
                mesh_calc_run_as_of_time(session, t, n, s0, s1, none, &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        // transformed reads
        (
            "read_transformed BREAKPOINT",
            Box::new(|| unsafe {
                mesh_timeseries_read_transformed_by_key(
                    session,
                    3,
                    s0,
                    s1,
                    MESH_RESOLUTION_BREAKPOINT,
                    sum,
                    utc,
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "read_transformed method 0",
            Box::new(|| unsafe {
                mesh_timeseries_read_transformed_by_key(
                    session,
                    3,
                    s0,
                    s1,
                    day,
                    0,
                    utc,
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "read_transformed zone 9",
            Box::new(|| unsafe {
                mesh_timeseries_read_transformed_by_key(
                    session,
                    3,
                    s0,
                    s1,
                    day,
                    sum,
                    9,
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "read_transformed end before start",
            Box::new(|| unsafe {
                mesh_timeseries_read_transformed_by_key(
                    session,
                    3,
                    s1,
                    s0,
                    day,
                    sum,
                    utc,
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "read_transformed NULL out",
            Box::new(|| unsafe {
                mesh_timeseries_read_transformed_by_key(
                    session,
                    3,
                    s0,
                    s1,
                    day,
                    sum,
                    utc,
                    ptr::null_mut(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "read_transformed_by_path NULL path",
            Box::new(|| unsafe {
                mesh_timeseries_read_transformed_by_path(
                    session,
                    n,
                    s0,
                    s1,
                    day,
                    sum,
                    utc,
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "read_transformed_by_id malformed id",
            Box::new(|| unsafe {
                mesh_timeseries_read_transformed_by_id(
                    session,
                    bad_id.as_ptr(),
                    s0,
                    s1,
                    day,
                    sum,
                    utc,
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "read_transformed_by_path closed session",
            Box::new(|| unsafe {
                mesh_timeseries_read_transformed_by_path(
                    closed_session,
                    path.as_ptr(),
                    s0,
                    s1,
                    day,
                    sum,
                    utc,
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        // result accessors
        (
            "kind NULL result",
            Box::new(|| unsafe { mesh_calc_result_kind(ptr::null(), &mut 0) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "kind freed result",
            Box::new(|| unsafe { mesh_calc_result_kind(freed, &mut 0) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "kind made-up result",
            Box::new(|| unsafe { mesh_calc_result_kind(sentinel(), &mut 0) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "kind points handle as result",
            Box::new(|| unsafe { mesh_calc_result_kind(series_as_result, &mut 0) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "kind NULL out",
            Box::new(|| unsafe { mesh_calc_result_kind(series, ptr::null_mut()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "count NULL out",
            Box::new(|| unsafe { mesh_calc_result_count(series, ptr::null_mut()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "series of a numbers result",
            Box::new(|| unsafe { mesh_calc_result_series_at(numbers, 0, &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "series index out of range",
            Box::new(|| unsafe { mesh_calc_result_series_at(series, 1, &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "series index SIZE_MAX",
            Box::new(|| unsafe { mesh_calc_result_series_at(series, usize::MAX, &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "series NULL out",
            Box::new(|| unsafe { mesh_calc_result_series_at(series, 0, ptr::null_mut()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "resolution of a strings result",
            Box::new(|| unsafe { mesh_calc_result_resolution_at(strings, 0, &mut 0) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "number of a series result",
            Box::new(|| unsafe { mesh_calc_result_number_at(series, 0, &mut 0.0) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "number index out of range",
            Box::new(|| unsafe { mesh_calc_result_number_at(numbers, 1, &mut 0.0) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "number NULL out",
            Box::new(|| unsafe { mesh_calc_result_number_at(numbers, 0, ptr::null_mut()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "string of a numbers result",
            Box::new(|| unsafe { mesh_calc_result_string_at(numbers, 0, bufp, 64, len) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "string cap 3",
            Box::new(|| unsafe { mesh_calc_result_string_at(strings, 0, bufp, 3, len) }),
            MESH_ERROR_BUFFER_TOO_SMALL,
        ),
        (
            "string NULL buf, cap 64",
            Box::new(|| unsafe {
                mesh_calc_result_string_at(strings, 0, ptr::null_mut(), 64, len)
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "result_free NULL",
            Box::new(|| mesh_calc_result_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "result_free twice",
            Box::new(|| mesh_calc_result_free(freed)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        // builders
        (
            "quote NULL text",
            Box::new(|| unsafe { mesh_calc_expression_quote(n, bufp, 64, len) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "quote a line break",
            Box::new(|| unsafe { mesh_calc_expression_quote(lb, bufp, 64, len) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "quote cap 2",
            Box::new(|| unsafe { mesh_calc_expression_quote(t, bufp, 2, len) }),
            MESH_ERROR_BUFFER_TOO_SMALL,
        ),
        (
            "time_literal year -1",
            Box::new(|| unsafe {
                mesh_calc_expression_time_literal(-62_167_219_200_001, bufp, 64, len)
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "time_literal cap 20",
            Box::new(|| unsafe { mesh_calc_expression_time_literal(0, bufp, 20, len) }),
            MESH_ERROR_BUFFER_TOO_SMALL,
        ),
        (
            "expression_transform YEAR, IMPLICIT",
            Box::new(|| unsafe {
                mesh_calc_expression_transform(
                    n,
                    MESH_RESOLUTION_YEAR,
                    MESH_TRANSFORM_METHOD_IMPLICIT,
                    0,
                    bufp,
                    64,
                    len,
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "expression_forecast half a window",
            Box::new(|| unsafe { mesh_calc_expression_forecast(n, s0, none, none, bufp, 64, len) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "expression_historical_versions 0",
            Box::new(|| unsafe { mesh_calc_expression_historical_versions(n, 0, bufp, 64, len) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "expression_sum NULL buf, cap 64",
            Box::new(|| unsafe { mesh_calc_expression_sum(n, ptr::null_mut(), 64, len) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
    ];

    let before = (
        emu.calls("RunCalculation"),
        emu.calls("ReadTransformedTimeseries"),
    );
    check_rows(conn, &rows);
    drop(rows);
    assert_eq!(
        (
            emu.calls("RunCalculation"),
            emu.calls("ReadTransformedTimeseries")
        ),
        before,
        "bad input reached the server"
    );

    // Out-pointers kept here explicitly were not written.
    let mut out: *mut mesh_calc_result = sentinel();
    assert_eq!(
        unsafe { mesh_calc_run(session, t, e, s1, s0, &mut out) },
        MESH_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(out.addr(), UNTOUCHED);
    let mut x = 7.5;
    assert_eq!(
        unsafe { mesh_calc_result_number_at(series, 0, &mut x) },
        MESH_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(x, 7.5);
    let mut kind = 7;
    assert_eq!(
        unsafe { mesh_calc_result_kind(freed, &mut kind) },
        MESH_ERROR_INVALID_HANDLE
    );
    assert_eq!(kind, 7);
    // Too small a buffer says the length needed and leaves the buffer be.
    let mut small = [b'#' as c_char; 3];
    let mut needed = 0usize;
    assert_eq!(
        unsafe { mesh_calc_result_string_at(strings, 0, small.as_mut_ptr(), 3, &mut needed) },
        MESH_ERROR_BUFFER_TOO_SMALL
    );
    assert_eq!(needed, 3);
    assert_eq!(small, [b'#' as c_char; 3]);

    // The valid handles still work after all that.
    assert_eq!(result_string(strings, 0), "abc");
    check(mesh_point_list_free(series_as_result.cast()), MESH_OK);
    for r in [numbers, strings] {
        check(mesh_calc_result_free(r), MESH_OK);
    }

    // A result and the points handed out from it outlive their session and
    // mesh_library_shutdown (in a process of its own, so nothing else is cut
    // short), and share their data: either may be freed first.
    let mut points = ptr::null_mut();
    check(
        unsafe { mesh_calc_result_series_at(series, 0, &mut points) },
        MESH_OK,
    );
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
    check(mesh_library_shutdown(), MESH_OK);
    let mut count = 0;
    check(
        unsafe { mesh_calc_result_count(series, &mut count) },
        MESH_OK,
    );
    assert_eq!(count, 1);
    check(mesh_calc_result_free(series), MESH_OK);
    let mut n = 0;
    check(unsafe { mesh_point_list_count(points, &mut n) }, MESH_OK);
    assert!(n >= 8, "{n}");
    check(mesh_point_list_free(points), MESH_OK);
}
