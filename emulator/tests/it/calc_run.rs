//! `RunCalculation` over TCP with the generated client: what a calculation
//! is relative to (attribute, object, resource; id, path, key, or a pair),
//! the three kinds of result, searches through relations and versioned
//! links, the session's own uncommitted work, transformations with the
//! server's time zone, and the refusals. Every expected value is worked out
//! in the test from the official tests' data or the points the test wrote.

use mesh_emulator::proto::model::UpdateSimpleAttributeRequest;
use mesh_emulator::proto::model::{attribute_value::ValueOneof, AttributeValue};
use mesh_emulator::proto::types::MeshId;
use tonic::Code;

use crate::calc_common::*;
use crate::common::*;

/// The official tests' interval: 2016-01-01 `[01:00, 09:00)`.
const SDK_INTERVAL: (i64, i64) = (DAY_2016 + HOUR, DAY_2016 + 9 * HOUR);

/// `test_day(scale)` as expected points.
fn day(scale: f64) -> Vec<(i64, f64, u32)> {
    test_day(scale)
        .iter()
        .map(|p| (p.t, p.value(), p.flags))
        .collect()
}

#[test]
fn calculations_are_relative_to_an_attribute_by_id_path_or_both() {
    let emu = calc_emulator();
    run(async {
        let mut c = Calc::connect(&emu).await;
        let s = c.mesh.open().await;
        let targets = [
            by_id(CHIMNEY_2_TS_RAW_ID),
            by_path(CHIMNEY_2_TS_RAW_FULL),
            by_path(CHIMNEY_2_TS_RAW_SHORT),
            MeshId {
                id: Some(guid(CHIMNEY_2_TS_RAW_ID)),
                path: Some(CHIMNEY_2_TS_RAW_FULL.to_string()),
                timeseries_key: None,
            },
            // The resource connected to it, by key.
            by_key(3),
        ];
        for target in targets {
            let what = format!("@t() relative to {target:?}");
            let got = c
                .series(&s, "## = @t()\n", SDK_INTERVAL, Some(target))
                .await;
            // Calculated series carry no id, which is how clients tell them
            // from stored ones.
            assert!(!got.has_id, "{what}");
            assert_eq!(got.resolution, 3, "{what}: HOUR");
            assert_points(&got.points, &day(100.0), &what);
        }
        // An id and a path that name different things.
        let clash = MeshId {
            id: Some(guid(CHIMNEY_2_TS_RAW_ID)),
            path: Some(format!("{PLANT}.TsRawAtt")),
            timeseries_key: None,
        };
        let e = c
            .run(&s, "## = @t()", SDK_INTERVAL, Some(clash))
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    });
}

#[test]
fn calculations_give_series_numbers_or_strings() {
    let emu = calc_emulator();
    run(async {
        let mut c = Calc::connect(&emu).await;
        let s = c.mesh.open().await;
        let plant = Some(by_id(PLANT_ID));
        // The sum of the values read (04:00 has none; the point after the
        // end, 09:00, is part of a linear read).
        let sum: f64 = test_day(1.0)
            .iter()
            .map(P::value)
            .filter(|v| !v.is_nan())
            .sum();
        let numbers: &[(&str, Vec<f64>)] = &[
            ("## = @SUM(@t('.TsRawAtt'))\n", vec![sum]),
            ("## = @d('.Int64Att') * 2", vec![128.0]),
            // The plant and both chimneys.
            ("## = @D('{*}.DblAtt')", vec![1000.0; 3]),
            ("## = @D('PlantToPlantRef.DblAtt')", vec![]),
            ("## = {1, 2.5}", vec![1.0, 2.5]),
        ];
        for (text, expected) in numbers {
            match c.run(&s, text, SDK_INTERVAL, plant.clone()).await {
                Ok(Answer::Numbers(got)) => assert_eq!(&got, expected, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        // Without relative_to, plain arithmetic still runs.
        match c.run(&s, "## = 1 + 2 * 3", SDK_INTERVAL, None).await {
            Ok(Answer::Numbers(got)) => assert_eq!(got, [7.0]),
            other => panic!("{other:?}"),
        }
        match c
            .run(&s, "## = @S('.StringAtt')", SDK_INTERVAL, plant.clone())
            .await
        {
            Ok(Answer::Strings(got)) => assert_eq!(got, ["Default string value"]),
            other => panic!("{other:?}"),
        }
        // A change made in the session, not committed, is what the
        // session's calculations see; another session does not.
        c.model
            .update_simple_attribute(UpdateSimpleAttributeRequest {
                session_id: Some(s.clone()),
                attribute_id: Some(by_path(&format!(
                    "{PLANT}/SomePowerPlantChimney2.StringAtt"
                ))),
                new_singular_value: Some(AttributeValue {
                    value_oneof: Some(ValueOneof::StringValue("changed".into())),
                }),
                new_collection_values: vec![],
            })
            .await
            .expect("update");
        let other = c.mesh.open().await;
        for (session, expected) in [(&s, "changed"), (&other, "Default string value")] {
            match c
                .run(
                    session,
                    "## = @s('SimpleReference.StringAtt')",
                    SDK_INTERVAL,
                    plant.clone(),
                )
                .await
            {
                Ok(Answer::Strings(got)) => assert_eq!(got, [expected]),
                other => panic!("{other:?}"),
            }
        }
        // A search that finds nothing is no error: the empty series.
        let empty = c
            .series(
                &s,
                "## = @t('NoSuchRelation.TsRawAtt')",
                SDK_INTERVAL,
                plant.clone(),
            )
            .await;
        assert_eq!(empty.resolution, 1, "breakpoint");
        assert_points(
            &empty.points,
            &[(SDK_INTERVAL.0, f64::NAN, MISSING)],
            "empty",
        );
        // Lists of series: one result each, in order.
        match c
            .run(
                &s,
                "## = @T('PlantToChimneyRef.TsRawAtt')",
                SDK_INTERVAL,
                plant.clone(),
            )
            .await
        {
            Ok(Answer::Series(list)) => {
                assert_eq!(list.len(), 2);
                // Chimney 1's series (key 2) holds nothing: every hour missing.
                let nothing: Vec<(i64, f64, u32)> = (1..=9)
                    .map(|h| (DAY_2016 + h * HOUR, f64::NAN, MISSING))
                    .collect();
                assert_points(&list[0].points, &nothing, "chimney 1");
                assert_points(&list[1].points, &day(100.0), "chimney 2");
            }
            other => panic!("{other:?}"),
        }
    });
}

#[test]
fn calculations_follow_relations_and_versioned_links() {
    let emu = calc_emulator();
    run(async {
        let mut c = Calc::connect(&emu).await;
        let s = c.mesh.open().await;
        let plant = Some(by_path(PLANT));
        let via_link = c
            .series(
                &s,
                "## = @t('SimpleReference.TsRawAtt')",
                SDK_INTERVAL,
                plant.clone(),
            )
            .await;
        assert_points(&via_link.points, &day(100.0), "through SimpleReference");

        // ReferenceSeriesCollectionAtt: chimney 1 from 2020-07-08, chimney 2
        // from 2000-01-05. In 2016 only chimney 2's series takes part; `+`
        // leaves the missing one out and flags the sum SUSPECT.
        let sum = c
            .series(
                &s,
                "## = @SUM(@T('ReferenceSeriesCollectionAtt.TsRawAtt'))",
                SDK_INTERVAL,
                plant.clone(),
            )
            .await;
        assert_eq!(sum.points.len(), 9);
        for (p, h) in sum.points.iter().zip(1..) {
            assert_eq!(p.t, DAY_2016 + h * HOUR);
            if h == 4 {
                assert!(p.value().is_nan() && p.flags & MISSING != 0, "{p:?}");
            } else {
                assert_eq!((p.value(), p.flags), (100.0 * h as f64, SUSPECT), "{p:?}");
            }
        }

        // ReferenceSeriesAtt (one-to-one): chimney 2 from 2005-03-02,
        // chimney 1 from 2015-06-03, chimney 2 again from 2017-02-01. Around
        // the change of 2015-06-03 the series is chimney 2's before
        // midnight and chimney 1's after.
        let change = utc(2015, 6, 3, 0);
        let hours: Vec<i64> = (-2..=3).map(|h| change + h * HOUR).collect();
        let points = |v: f64| -> Vec<u8> {
            encode(
                &hours.iter().map(|t| P::new(*t, 0, v)).collect::<Vec<_>>(),
                true,
            )
        };
        c.mesh
            .write(&s, by_key(2), None, points(1.0))
            .await
            .unwrap();
        c.mesh
            .write(&s, by_key(3), None, points(2.0))
            .await
            .unwrap();
        let iv = (change - 2 * HOUR, change + 2 * HOUR);
        let stitched = c
            .series(
                &s,
                "## = @t('ReferenceSeriesAtt.TsRawAtt')",
                iv,
                plant.clone(),
            )
            .await;
        // Linear: the point after the end (02:00) too.
        let expected: Vec<(i64, f64, u32)> = hours[..5]
            .iter()
            .map(|t| (*t, if *t < change { 2.0 } else { 1.0 }, 0))
            .collect();
        assert_points(&stitched.points, &expected, "one-to-one versioned link");
        // Another session sees neither write.
        let other = c.mesh.open().await;
        let unwritten = c
            .series(
                &other,
                "## = @t('ReferenceSeriesAtt.TsRawAtt')",
                iv,
                plant.clone(),
            )
            .await;
        assert!(
            unwritten.points.iter().all(|p| p.value().is_nan()),
            "{unwritten:?}"
        );
    });
}

#[test]
fn calculations_transform_to_days_of_the_servers_zone() {
    let oslo = chrono_tz::Europe::Oslo;
    let emu = emulator_in(oslo);
    run(async {
        let mut c = Calc::connect(&emu).await;
        let s = c.mesh.open().await;
        // 72 hours from 2016-03-25 00:00Z, across Oslo's change to summer
        // time (2016-03-27 01:00Z).
        let from = utc(2016, 3, 25, 0);
        let value = |i: i64| (i % 7) as f64 + 0.5 * i as f64;
        let written: Vec<P> = (0..72)
            .map(|i| P::new(from + i * HOUR, 0, value(i)))
            .collect();
        c.mesh
            .write(&s, by_key(HOURLY_STEPS), None, encode(&written, true))
            .await
            .unwrap();
        let iv = (from, from + 72 * HOUR);
        let series = Some(by_key(HOURLY_STEPS));
        // The sum over [a, b) of the hours written, and whether a position
        // in it had nothing (SUSPECT).
        let period = |a: i64, b: i64| {
            let (mut sum, mut n, mut missing) = (0.0, 0, false);
            let mut t = a;
            while t < b {
                if t >= iv.0 && t < iv.1 {
                    sum += value((t - from) / HOUR);
                    n += 1;
                } else {
                    missing = true;
                }
                t += HOUR;
            }
            (sum, n, if missing { SUSPECT } else { 0 })
        };
        let expect = |starts: &[i64], avg: bool| -> Vec<(i64, f64, u32)> {
            starts
                .windows(2)
                .map(|w| {
                    let (sum, n, flags) = period(w[0], w[1]);
                    (w[0], if avg { sum / n as f64 } else { sum }, flags)
                })
                .collect()
        };
        let utc_days = [25, 26, 27, 28].map(|d| utc(2016, 3, d, 0));
        // Oslo's local days overlapping the interval: the 27th is 23 hours.
        let local_days = [25, 26, 27, 28, 29].map(|d| midnight(oslo, 2016, 3, d));
        assert_eq!(local_days[0], from - HOUR);
        // Its standard time, UTC+1 all year.
        let standard_days = [25, 26, 27, 28, 29].map(|d| utc(2016, 3, d, 0) - HOUR);
        let cases: [(&str, &[i64], bool); 5] = [
            ("'DAY', 'SUM', 'UTC'", &utc_days, false),
            ("'DAY', 'AVG', 'UTC'", &utc_days, true),
            ("'DAY', 'SUM', 'LOCAL'", &local_days, false),
            ("'DAY', 'AVG', 'LOCAL'", &local_days, true),
            ("'DAY', 'SUM', 'STANDARD'", &standard_days, false),
        ];
        for (args, starts, avg) in cases {
            let text = format!("## = @TRANSFORM(@t(), {args})\n");
            let got = c.series(&s, &text, iv, series.clone()).await;
            assert_eq!(got.resolution, 4, "{text}: DAY");
            assert_points(&got.points, &expect(starts, avg), &text);
        }
    });
    // Another server zone moves LOCAL days with it.
    let tokyo = chrono_tz::Asia::Tokyo;
    let emu = emulator_in(tokyo);
    run(async {
        let mut c = Calc::connect(&emu).await;
        let s = c.mesh.open().await;
        let from = utc(2016, 3, 25, 0);
        let written: Vec<P> = (0..48).map(|i| P::new(from + i * HOUR, 0, 1.0)).collect();
        c.mesh
            .write(&s, by_key(HOURLY_STEPS), None, encode(&written, true))
            .await
            .unwrap();
        let got = c
            .series(
                &s,
                "## = @TRANSFORM(@t(), 'DAY', 'SUM', 'LOCAL')",
                (from, from + 48 * HOUR),
                Some(by_key(HOURLY_STEPS)),
            )
            .await;
        // Tokyo days start at 15:00Z: 15 hours of the 25th, 24, then 9.
        let starts = [25, 26, 27].map(|d| midnight(tokyo, 2016, 3, d));
        assert_eq!(starts[0], utc(2016, 3, 24, 15));
        assert_points(
            &got.points,
            &[
                (starts[0], 15.0, SUSPECT),
                (starts[1], 24.0, 0),
                (starts[2], 9.0, SUSPECT),
            ],
            "Tokyo days",
        );
    });
}

#[test]
fn a_breakpoint_series_is_read_from_the_value_in_force() {
    let emu = calc_emulator();
    run(async {
        let mut c = Calc::connect(&emu).await;
        let s = c.mesh.open().await;
        // 5 from 2016-01-01 00:00, 7 from 2016-01-02 12:00.
        let written = [
            P::new(utc(2016, 1, 1, 0), 0, 5.0),
            P::new(utc(2016, 1, 2, 12), 0, 7.0),
        ];
        c.mesh
            .write(&s, by_key(BREAKPOINTS), None, encode(&written, true))
            .await
            .unwrap();
        // Over the 2nd: 5 for twelve hours, then 7 for twelve.
        let iv = (utc(2016, 1, 2, 0), utc(2016, 1, 3, 0));
        let half_day_s = 12.0 * 3600.0;
        let cases = [
            (
                "AVGI",
                (5.0 * half_day_s + 7.0 * half_day_s) / (2.0 * half_day_s),
            ),
            ("SUMI", 5.0 * half_day_s + 7.0 * half_day_s),
        ];
        for (method, expected) in cases {
            let text = format!("## = @TRANSFORM(@t(), 'DAY', '{method}', 'UTC')");
            let got = c.series(&s, &text, iv, Some(by_key(BREAKPOINTS))).await;
            assert_points(&got.points, &[(iv.0, expected, 0)], &text);
        }
    });
}

#[test]
fn calculations_refuse_what_they_cannot_do_with_the_right_status() {
    let emu = calc_emulator();
    run(async {
        let mut c = Calc::connect(&emu).await;
        let s = c.mesh.open().await;
        let plant = Some(by_path(PLANT));
        let raw = Some(by_path(&format!("{PLANT}.TsRawAtt")));
        // (expression, relative_to, code, words in the message)
        let cases: Vec<(&str, Option<MeshId>, Code, &str)> = vec![
            ("## = @MEDIAN(@t())", raw.clone(), Code::Unimplemented, "@MEDIAN"),
            (
                "##=@Restriction('ProductionMin[MW]', 'Proposed|Recommended', @t('.TsRawAtt'), 'Minimum')\n",
                plant.clone(),
                Code::Unimplemented,
                "@Restriction",
            ),
            ("## = 1 +", raw.clone(), Code::InvalidArgument, "line 1"),
            ("## = @t('*[.Name=X')", plant.clone(), Code::InvalidArgument, "at character 10"),
            ("## = @t('{*}')", plant.clone(), Code::InvalidArgument, "finds objects"),
            ("## = @t('.DblAtt')", plant.clone(), Code::InvalidArgument, "not a time series attribute"),
            ("## = @d('.StringAtt')", plant.clone(), Code::InvalidArgument, "not a number attribute"),
            ("## = @t('PlantToChimneyRef.TsRawAtt')", plant.clone(), Code::InvalidArgument, "found 2 time series"),
            ("## = @t()", plant.clone(), Code::InvalidArgument, "is an object"),
            ("## = @t('.TsRawAtt')", Some(by_key(3)), Code::InvalidArgument, "needs an object to start from"),
            ("## = %'/SimpleThermalTestResourceCatalog/none' + 1", raw.clone(), Code::NotFound, "not found"),
            ("## = @t()", Some(by_path("Model/SimpleThermalTestModel/Nothing")), Code::NotFound, "relative_to not found"),
            ("## = @t()", Some(by_key(123456)), Code::NotFound, "relative_to not found"),
        ];
        for (text, relative_to, code, words) in cases {
            let e = c
                .run(&s, text, SDK_INTERVAL, relative_to)
                .await
                .expect_err(text);
            assert_eq!(e.code(), code, "{text}: {e:?}");
            assert!(e.message().contains(words), "{text}: {e:?}");
        }
        // The request itself.
        let mut request = mesh_emulator::proto::calc::CalculationRequest {
            session_id: Some(s.clone()),
            expression: "## = 1".into(),
            interval: None,
            relative_to: None,
        };
        let e = c.calc.run_calculation(request.clone()).await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
        request.interval = Some(interval(SDK_INTERVAL.0, SDK_INTERVAL.1));
        request.session_id = Some(guid(uuid::Uuid::from_u128(7)));
        let e = c.calc.run_calculation(request).await.unwrap_err();
        assert!(e.message().contains("not found"), "{e:?}");
    });
}
