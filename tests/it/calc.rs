//! Calculations through the C API against the emulator over TCP:
//! transformations checked against values this test computes from the
//! points it wrote, calculated attributes, expressions relative to an id, a
//! path and a key giving series, numbers and strings, quoting that the
//! server reads back whole, forecasts and history, and the server's
//! refusals.

use std::ptr;
use std::time::Duration;

use crate::common::calc::*;
use crate::common::points::*;
use crate::common::*;
use mesh_status::*;

fn setup() -> (Emulator, *mut mesh_connection, *mut mesh_session) {
    let emu = ts_emulator(Duration::from_secs(300));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    (emu, conn, session)
}

fn teardown(conn: *mut mesh_connection, session: *mut mesh_session) {
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

const HOURLY_PATH: &str = "Resource/Test/Hourly";

/// Two days of hourly values, all different, exact in binary so sums do
/// not depend on the order of addition.
fn two_days() -> Cols {
    Cols::new(
        (0..48).map(|i| T0 + i * HOUR).collect(),
        vec![0; 48],
        (0..48)
            .map(|i| 10.0 + (i % 24) as f64 * 0.5 - (i / 24) as f64 * 3.25 + ((i * 7) % 5) as f64)
            .collect(),
    )
}

/// Per UTC day of `cols`, what each method makes of its 24 values.
fn per_day(cols: &Cols, method: i32) -> Vec<f64> {
    cols.values()
        .chunks(24)
        .map(|day| match method {
            MESH_TRANSFORM_METHOD_SUM => day.iter().sum(),
            MESH_TRANSFORM_METHOD_AVG => day.iter().sum::<f64>() / day.len() as f64,
            MESH_TRANSFORM_METHOD_MIN => day.iter().copied().fold(f64::INFINITY, f64::min),
            MESH_TRANSFORM_METHOD_MAX => day.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            MESH_TRANSFORM_METHOD_FIRST => day[0],
            MESH_TRANSFORM_METHOD_LAST => day[day.len() - 1],
            other => panic!("no expectation for method {other}"),
        })
        .collect()
}

#[track_caller]
fn assert_days(got: &Cols, expected: &[f64], what: &str) {
    assert_eq!(got.t, vec![T0, T0 + 24 * HOUR], "{what}: timestamps");
    for (g, e) in got.values().iter().zip(expected) {
        assert!(
            (g - e).abs() <= 1e-9 * e.abs().max(1.0),
            "{what}: {g} != {e}"
        );
    }
    assert_eq!(got.f, vec![0, 0], "{what}: flags");
}

#[test]
fn daily_values_of_an_hourly_series_match_what_its_hours_give() {
    let (_emu, conn, session) = setup();
    let hours = two_days();
    // Written in this session only: calculations see the session's own
    // uncommitted points.
    write_ok(session, HOURLY_KEY, T0, T0 + 48 * HOUR, &hours);
    let end = T0 + 48 * HOUR;
    for method in [
        MESH_TRANSFORM_METHOD_SUM,
        MESH_TRANSFORM_METHOD_AVG,
        MESH_TRANSFORM_METHOD_MIN,
        MESH_TRANSFORM_METHOD_MAX,
        MESH_TRANSFORM_METHOD_FIRST,
        MESH_TRANSFORM_METHOD_LAST,
    ] {
        let expected = per_day(&hours, method);
        let by_path = transform(
            session,
            HOURLY_PATH,
            None,
            T0,
            end,
            MESH_RESOLUTION_DAY,
            method,
            MESH_TRANSFORM_ZONE_UTC,
        )
        .unwrap_or_else(|s| panic!("transform {method}: {s:?}: {}", last_error()));
        assert_days(&by_path, &expected, &format!("@TRANSFORM method {method}"));
        let by_key = read_transformed(
            session,
            HOURLY_KEY,
            T0,
            end,
            MESH_RESOLUTION_DAY,
            method,
            MESH_TRANSFORM_ZONE_UTC,
        )
        .unwrap_or_else(|s| panic!("transformed read {method}: {s:?}: {}", last_error()));
        assert_days(
            &by_key,
            &expected,
            &format!("transformed read method {method}"),
        );
    }

    // The same through an expression the library builds, run by key.
    let expression = built(|buf, cap, len| unsafe {
        mesh_calc_expression_transform(
            ptr::null(),
            MESH_RESOLUTION_DAY,
            MESH_TRANSFORM_METHOD_SUM,
            MESH_TRANSFORM_ZONE_UTC,
            buf,
            cap,
            len,
        )
    });
    let (points, resolution) =
        calculate_by_key_ok(session, HOURLY_KEY, &expression, T0, end).one_series();
    assert_eq!(resolution, MESH_RESOLUTION_DAY);
    assert_days(
        &points,
        &per_day(&hours, MESH_TRANSFORM_METHOD_SUM),
        "by key",
    );

    // Another session does not see the points: no value takes part.
    let other = open(conn);
    let unseen = transform(
        other,
        HOURLY_PATH,
        None,
        T0,
        end,
        MESH_RESOLUTION_DAY,
        MESH_TRANSFORM_METHOD_SUM,
        MESH_TRANSFORM_ZONE_UTC,
    )
    .unwrap();
    assert_eq!(unseen.t, vec![T0, T0 + 24 * HOUR]);
    assert!(unseen.values().iter().all(|v| v.is_nan()), "{unseen:?}");
    check(mesh_session_close(other), MESH_OK);
    teardown(conn, session);
}

#[test]
fn the_time_zone_argument_reaches_the_server() {
    let (_emu, conn, session) = setup();
    write_ok(session, HOURLY_KEY, T0, T0 + 48 * HOUR, &two_days());
    let day = |zone| {
        transform(
            session,
            HOURLY_PATH,
            None,
            T0,
            T0 + 48 * HOUR,
            MESH_RESOLUTION_DAY,
            MESH_TRANSFORM_METHOD_SUM,
            zone,
        )
        .unwrap_or_else(|s| panic!("zone {zone}: {s:?}: {}", last_error()))
    };
    // UTC days start at midnight UTC; with the zone left out the server's
    // default calculation zone (UTC+1, no daylight saving) counts days from
    // 23:00 UTC, so the first day overlapping the interval starts before it.
    assert_eq!(day(MESH_TRANSFORM_ZONE_UTC).t, vec![T0, T0 + 24 * HOUR]);
    let default = day(MESH_TRANSFORM_ZONE_DEFAULT);
    assert_eq!(default.t.first(), Some(&(T0 - HOUR)), "{default:?}");
    // The last day of the default zone that starts in the interval sums the
    // hours from its start to the end of what was written.
    let hours = two_days();
    let tail: f64 = hours.values()[47..].iter().sum();
    assert_eq!(default.t.last(), Some(&(T0 + 47 * HOUR)));
    let last = *default.values().last().unwrap();
    assert!((last - tail).abs() < 1e-9, "{last} != {tail}");
    teardown(conn, session);
}

#[test]
fn local_and_standard_days_part_in_summer() {
    // 2025-07-01 00:00 UTC: the server's zone (Europe/Oslo) is UTC+2 with
    // daylight saving (LOCAL) and UTC+1 without it (STANDARD), so their
    // days start at 22:00 and 23:00 UTC.
    const SUMMER: i64 = 1_751_328_000_000;
    let (_emu, conn, session) = setup();
    let hours = two_days();
    let shifted = Cols::new(
        hours.t.iter().map(|t| t - T0 + SUMMER).collect(),
        hours.f.clone(),
        hours.values().to_vec(),
    );
    let end = SUMMER + 48 * HOUR;
    write_ok(session, HOURLY_KEY, SUMMER, end, &shifted);
    let sum = |from: usize, to: usize| -> f64 { hours.values()[from..to].iter().sum() };
    for (zone, offset) in [
        (MESH_TRANSFORM_ZONE_LOCAL, 2),
        (MESH_TRANSFORM_ZONE_STANDARD, 1),
    ] {
        let calculated = transform(
            session,
            HOURLY_PATH,
            None,
            SUMMER,
            end,
            MESH_RESOLUTION_DAY,
            MESH_TRANSFORM_METHOD_SUM,
            zone,
        )
        .unwrap_or_else(|s| panic!("zone {zone}: {s:?}: {}", last_error()));
        let read = read_transformed(
            session,
            HOURLY_KEY,
            SUMMER,
            end,
            MESH_RESOLUTION_DAY,
            MESH_TRANSFORM_METHOD_SUM,
            zone,
        )
        .unwrap_or_else(|s| panic!("zone {zone}: {s:?}: {}", last_error()));
        for got in [&calculated, &read] {
            let starts: Vec<i64> = (0..3).map(|d| SUMMER + (24 * d - offset) * HOUR).collect();
            assert_eq!(got.t, starts, "zone {zone}: {got:?}");
            // The whole day in the middle, and the hours of the last day
            // that were written.
            let middle = (24 - offset) as usize;
            let last = (48 - offset) as usize;
            let values = got.values();
            assert!(
                (values[1] - sum(middle, last)).abs() < 1e-9,
                "zone {zone}: {got:?}"
            );
            assert!(
                (values[2] - sum(last, 48)).abs() < 1e-9,
                "zone {zone}: {got:?}"
            );
        }
    }
    teardown(conn, session);
}

#[test]
fn a_calculated_attribute_reads_as_its_expression_computes() {
    let (_emu, conn, session) = setup();
    let raw = read_path_ok(session, RAW, START_2016, END_2016);
    let calc = read_path_ok(session, CALC, START_2016, END_2016);
    assert_eq!(calc.t, raw.t);
    assert!(raw.values().iter().filter(|v| !v.is_nan()).count() >= 8);
    // TsCalcAtt adds DblAtt (1000) and the sum of PlantToPlantRef's DblAtt
    // (no plants linked: nothing) to TsRawAtt. Where TsRawAtt has no value
    // Mesh's sum leaves it out, as the official tests expect: 1000.
    for ((r, c), t) in raw.values().iter().zip(calc.values()).zip(&raw.t) {
        let expected = if r.is_nan() { 1000.0 } else { r + 1000.0 };
        assert_eq!(c, expected, "at {t}");
    }
    // The expression run directly gives the same.
    let (points, _) = calculate_ok(
        session,
        PLANT,
        "## = @t('.TsCalcAtt')\n",
        START_2016,
        END_2016,
    )
    .one_series();
    assert_eq!(points.t, calc.t);
    assert_eq!(points.v, calc.v);
    teardown(conn, session);
}

#[test]
fn expressions_relative_to_an_id_a_path_and_a_key_give_each_kind() {
    let (_emu, conn, session) = setup();
    let raw = read_path_ok(session, RAW, START_2016, END_2016);
    let raw_sum: f64 = raw.values().iter().filter(|v| !v.is_nan()).sum();

    // Numbers: the sum of the raw series' values, relative to the plant by
    // id and by path (with a search), and to the attribute itself.
    for (target, search) in [
        (PLANT_ID, Some(".TsRawAtt")),
        (PLANT, Some(".TsRawAtt")),
        (PLANT_FULL, Some(".TsRawAtt")),
        (RAW, None),
    ] {
        let (target_c, search_c) = (c(target), search.map(c));
        let mut sum = f64::NAN;
        check(
            unsafe {
                mesh_calc_run_sum(
                    session,
                    target_c.as_ptr(),
                    opt(&search_c),
                    START_2016,
                    END_2016,
                    &mut sum,
                )
            },
            MESH_OK,
        );
        assert_eq!(sum, raw_sum, "relative to {target}, search {search:?}");
    }
    // By key: the catalog series itself, @t() with no search.
    let by_key = read_ok(session, CHIMNEY2_RAW_KEY, START_2016, END_2016);
    let key_sum: f64 = by_key.values().iter().filter(|v| !v.is_nan()).sum();
    let sum_expression =
        built(|buf, cap, len| unsafe { mesh_calc_expression_sum(ptr::null(), buf, cap, len) });
    assert_eq!(
        calculate_by_key_ok(
            session,
            CHIMNEY2_RAW_KEY,
            &sum_expression,
            START_2016,
            END_2016
        )
        .one_number(),
        key_sum
    );

    // Series: arithmetic on the raw series, point by point.
    let (points, _) = calculate_ok(
        session,
        PLANT_ID,
        "## = @t('.TsRawAtt') * 2 + 1\n",
        START_2016,
        END_2016,
    )
    .one_series();
    assert_eq!(points.t, raw.t);
    let mut compared = 0;
    for (p, r) in points.values().iter().zip(raw.values()) {
        // (Where TsRawAtt has no value, Mesh's rules for missing values
        // decide; those are the emulator's to follow, not this test's.)
        if !r.is_nan() {
            assert_eq!(*p, r * 2.0 + 1.0, "for {r}");
            compared += 1;
        }
    }
    assert!(compared >= 8, "{points:?}");

    // Strings: an attribute's text, and a literal the library quoted that
    // the server reads back whole.
    assert_eq!(
        calculate_ok(
            session,
            PLANT,
            "## = @s('.StringAtt')\n",
            START_2016,
            END_2016
        ),
        Answer::Strings(vec!["Default string value".into()])
    );
    for text in ["it's", "'", "a ''b'' c", "'); ## = 1 + ('", "Ærø ; ##"] {
        let expression = format!("## = {}\n", quoted(text));
        assert_eq!(
            calculate_ok(session, PLANT, &expression, START_2016, END_2016),
            Answer::Strings(vec![text.to_string()]),
            "{expression:?}"
        );
    }
    teardown(conn, session);
}

#[test]
fn a_search_with_quotes_goes_to_the_server_as_one_string() {
    let (_emu, conn, session) = setup();
    let chimney = read_ok(session, CHIMNEY2_RAW_KEY, START_2016, END_2016);
    let expected: f64 = chimney.values().iter().filter(|v| !v.is_nan()).sum();
    // A search with quotes of its own, quoted by the library: the server
    // gets it whole and finds chimney 2's raw series.
    let search = "*[.Name='SomePowerPlantChimney2'].TsRawAtt";
    let (target, search_c) = (c(PLANT), c(search));
    let mut sum = 0.0;
    check(
        unsafe {
            mesh_calc_run_sum(
                session,
                target.as_ptr(),
                search_c.as_ptr(),
                START_2016,
                END_2016,
                &mut sum,
            )
        },
        MESH_OK,
    );
    assert_eq!(sum, expected);
    // Pasted into quotes by hand instead, its first quote ends the string.
    let pasted = format!("## = @SUM(@t('{search}'))\n");
    assert_eq!(
        calculate(session, PLANT, &pasted, START_2016, END_2016),
        Err(MESH_ERROR_INVALID_ARGUMENT)
    );
    // Quoted, a search that finds nothing is no error: no values to add.
    let nothing = c("*[.Name='No such chimney'].TsRawAtt");
    check(
        unsafe {
            mesh_calc_run_sum(
                session,
                target.as_ptr(),
                nothing.as_ptr(),
                START_2016,
                END_2016,
                &mut sum,
            )
        },
        MESH_OK,
    );
    assert!(sum.is_nan(), "{sum}");
    teardown(conn, session);
}

#[test]
fn sum_of_a_list_of_series_is_their_pointwise_sum() {
    let (_emu, conn, session) = setup();
    let chimneys = [
        "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1/SomePowerPlantChimney1.TsRawAtt",
        "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1/SomePowerPlantChimney2.TsRawAtt",
    ];
    let reads: Vec<Cols> = chimneys
        .iter()
        .map(|p| read_path_ok(session, p, START_2016, END_2016))
        .collect();
    let target = c(PLANT);
    let search = c("PlantToChimneyRef/*.TsRawAtt");
    let mut points = ptr::null_mut();
    check(
        unsafe {
            mesh_calc_run_sum_list(
                session,
                target.as_ptr(),
                search.as_ptr(),
                START_2016,
                END_2016,
                &mut points,
            )
        },
        MESH_OK,
    );
    let sum = take_points(points);
    // At each time, the sum of the chimneys' values there. Mesh's sum
    // leaves out a series without a value (as in the official tests'
    // calculated attribute): chimney 1's series is not connected, so it
    // has none anywhere.
    let mut compared = 0;
    for (i, t) in sum.t.iter().enumerate() {
        let values: Vec<f64> = reads
            .iter()
            .filter_map(|r| r.t.iter().position(|x| x == t).map(|j| r.values()[j]))
            .filter(|v| !v.is_nan())
            .collect();
        if !values.is_empty() {
            assert_eq!(sum.values()[i], values.iter().sum::<f64>(), "at {t}");
            compared += 1;
        }
    }
    assert!(compared >= 8, "{sum:?} {reads:?}");
    teardown(conn, session);
}

#[test]
fn forecasts_and_history_of_a_model_without_them() {
    let (_emu, conn, session) = setup();
    let target = c(RAW);
    let none = ptr::null();
    // No forecasts, and no versions of a series no commit wrote while the
    // emulator ran: empty lists, not errors.
    let mut result = ptr::null_mut();
    check(
        unsafe {
            mesh_calc_run_all_forecasts(
                session,
                target.as_ptr(),
                none,
                START_2016,
                END_2016,
                &mut result,
            )
        },
        MESH_OK,
    );
    assert_eq!(take_result(result), Answer::Series(vec![]));
    let mut result = ptr::null_mut();
    check(
        unsafe {
            mesh_calc_run_historical_versions(
                session,
                target.as_ptr(),
                none,
                START_2016,
                END_2016,
                2,
                &mut result,
            )
        },
        MESH_OK,
    );
    assert_eq!(take_result(result), Answer::Series(vec![]));

    // With no forecast in the window, one series each, whatever the
    // optional arguments: NaN flagged MISSING on the grid of the argument,
    // an hourly linear series, over [01:00, 09:00): 01:00 to 08:00 and the
    // point at the end that a linear read carries.
    let hours: Vec<i64> = (1..=9).map(|h| DAY_2016 + h * HOUR_MS).collect();
    let raw = read_path_ok(session, RAW, START_2016, END_2016);
    assert_eq!(raw.t, hours, "the argument's own grid");
    let window_start = DAY_2016 + 24 * HOUR_MS;
    for (t0_min, t0_max, available_at) in [
        (MESH_TIME_NONE, MESH_TIME_NONE, MESH_TIME_NONE),
        (
            window_start,
            window_start + 6 * 24 * HOUR_MS,
            MESH_TIME_NONE,
        ),
        (MESH_TIME_NONE, MESH_TIME_NONE, DAY_2016 + 4 * 24 * HOUR_MS),
        (window_start, window_start + HOUR_MS, DAY_2016 + 5 * HOUR_MS),
    ] {
        let mut points = ptr::null_mut();
        check(
            unsafe {
                mesh_calc_run_forecast(
                    session,
                    target.as_ptr(),
                    none,
                    START_2016,
                    END_2016,
                    t0_min,
                    t0_max,
                    available_at,
                    &mut points,
                )
            },
            MESH_OK,
        );
        let got = take_points(points);
        let what = format!("forecast of {t0_min}, {t0_max}, {available_at}");
        assert_eq!(got.t, hours, "{what}: timestamps");
        assert_eq!(got.f, vec![MISSING; 9], "{what}: flags");
        assert!(got.values().iter().all(|v| v.is_nan()), "{what}: {got:?}");
    }
    // Never written while the emulator ran, the series as of any time is
    // the series as it is.
    let mut points = ptr::null_mut();
    check(
        unsafe {
            mesh_calc_run_as_of_time(
                session,
                target.as_ptr(),
                none,
                START_2016,
                END_2016,
                DAY_2016 + 5 * HOUR_MS,
                &mut points,
            )
        },
        MESH_OK,
    );
    let as_of = take_points(points);
    assert_eq!(as_of.t, raw.t);
    assert_eq!(as_of.v, raw.v);
    teardown(conn, session);
}

#[test]
fn the_servers_refusals_come_with_its_message() {
    let (emu, conn, session) = setup();
    // The emulator's statuses: an unknown function is UNIMPLEMENTED
    // (MESH_ERROR_SERVER), a syntax error INVALID_ARGUMENT, an unknown
    // target NOT_FOUND; the message names what was wrong.
    let rows = [
        (
            PLANT,
            "## = @NoSuchFunction(1)\n",
            MESH_ERROR_SERVER,
            "@NoSuchFunction",
        ),
        (PLANT, "## = (1 +\n", MESH_ERROR_INVALID_ARGUMENT, "line 1"),
        (
            PLANT,
            "## = 1\n## = @t('.TsRawAtt') *\n",
            MESH_ERROR_INVALID_ARGUMENT,
            "line 2",
        ),
        (
            "Model/SimpleThermalTestModel/NoSuchObject",
            "## = 1\n",
            MESH_ERROR_NOT_FOUND,
            "NoSuchObject",
        ),
    ];
    for (target, expression, expected, named) in rows {
        let before = emu.calls("RunCalculation");
        let status = calculate(session, target, expression, START_2016, END_2016).unwrap_err();
        assert_eq!(emu.calls("RunCalculation"), before + 1, "sent once");
        let message = last_error();
        assert_eq!(status, expected, "{expression:?}: {message}");
        assert!(message.starts_with("mesh_calc_run: "), "{message}");
        assert!(message.contains(named), "{message}");
        assert!(message.contains("gRPC status"), "{message}");
    }
    // The session is still fine.
    assert_eq!(
        calculate_ok(session, PLANT, "## = 1 + 2\n", START_2016, END_2016),
        Answer::Numbers(vec![3f64.to_bits()])
    );
    teardown(conn, session);
}
