//! Calculated series read like stored ones, over TCP with the generated
//! clients: the official model's calculated attributes on `ReadTimeseries`
//! (local expression, else the template), seeing the session's own writes
//! and others' only after commit; the virtual series; and
//! `ReadTransformedTimeseries`. Expected values are worked out here from
//! the official tests' data and the points the tests write.

use mesh_emulator::proto::time_series::{
    ReadTransformedTimeseriesRequest, ReadTransformedTimeseriesSingleRequest,
};
use mesh_emulator::proto::types::{MeshId, Resolution};
use tokio_stream::StreamExt;
use tonic::Code;

use crate::calc_common::*;
use crate::common::*;

const SDK_INTERVAL: (i64, i64) = (DAY_2016 + HOUR, DAY_2016 + 9 * HOUR);

fn attribute(name: &str) -> MeshId {
    by_path(&format!("{PLANT}.{name}"))
}

/// The plant's raw series, hour by hour over the official interval (with
/// the point after the end): `Some(h)` or `None` at 04:00.
fn raw_hours() -> Vec<(i64, Option<f64>)> {
    (1..=9)
        .map(|h| (DAY_2016 + h * HOUR, (h != 4).then_some(h as f64)))
        .collect()
}

#[test]
fn calculated_attributes_are_evaluated_when_read() {
    let emu = calc_emulator();
    run(async {
        let mut c = Calc::connect(&emu).await;
        let s = c.mesh.open().await;
        // Each attribute's expression applied by hand to the raw hours.
        // `+` leaves a missing operand out (SUSPECT); `*` and comparisons
        // give NaN with the missing operand's flags (04:00 is stored
        // NOT_OK|MISSING).
        type Rule = fn(Option<f64>) -> (f64, u32);
        let cases: [(&str, Rule); 5] = [
            // .DblAtt + .TsRawAtt + @SUM(@D('PlantToPlantRef.DblAtt')): the
            // last is a sum of nothing, so every hour is SUSPECT.
            ("TsCalcAtt", |v| (v.unwrap_or(0.0) + 1000.0, SUSPECT)),
            ("TsCalcAtt3", |v| match v {
                Some(v) => (v * 2.0, 0),
                None => (f64::NAN, NOT_OK | MISSING),
            }),
            // IF |raw| > 2 THEN raw + 1000 ELSE raw - 1000.
            ("TsCalcAtt4", |v| match v {
                Some(v) if v.abs() > 2.0 => (v + 1000.0, 0),
                Some(v) => (v - 1000.0, 0),
                None => (f64::NAN, NOT_OK | MISSING),
            }),
            // .TsRawAtt + .Int64Att (64).
            ("TsCalcAtt6", |v| match v {
                Some(v) => (v + 64.0, 0),
                None => (64.0, SUSPECT),
            }),
            // The virtual series (key 4) it is connected to: plant raw + 3.
            ("VtsAtt", |v| match v {
                Some(v) => (v + 3.0, 0),
                None => (3.0, SUSPECT),
            }),
        ];
        for (name, rule) in cases {
            let reply = c
                .mesh
                .read(&s, attribute(name), SDK_INTERVAL.0, SDK_INTERVAL.1)
                .await
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let expected: Vec<(i64, f64, u32)> = raw_hours()
                .into_iter()
                .map(|(t, v)| {
                    let (value, flags) = rule(v);
                    (t, value, flags)
                })
                .collect();
            assert_points(&decode(&reply.data).0, &expected, name);
            assert_eq!(reply.resolution.map(|r| r.r#type), Some(3), "{name}");
            // Read through an attribute: no key in the reply.
            assert_eq!(reply.id.and_then(|i| i.timeseries_key), None, "{name}");
        }
        // The virtual series by its own key, which the reply carries.
        let reply = c
            .mesh
            .read(&s, by_key(4), SDK_INTERVAL.0, SDK_INTERVAL.1)
            .await
            .unwrap();
        assert_eq!(reply.id.and_then(|i| i.timeseries_key), Some(4));
        assert_eq!(decode(&reply.data).0.len(), 9);
        // A chimney's series through a link: 100 h.
        let reply = c
            .mesh
            .read(&s, attribute("TsCalcAtt5"), SDK_INTERVAL.0, SDK_INTERVAL.1)
            .await
            .unwrap();
        let hundred: Vec<(i64, f64, u32)> = test_day(100.0)
            .iter()
            .map(|p| (p.t, p.value(), p.flags))
            .collect();
        assert_points(&decode(&reply.data).0, &hundred, "TsCalcAtt5");
        // Outside the subset: refused, naming the function.
        let e = c
            .mesh
            .read(&s, attribute("TsCalcAtt7"), SDK_INTERVAL.0, SDK_INTERVAL.1)
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::Unimplemented, "{e:?}");
        assert!(e.message().contains("@Restriction"), "{e:?}");
        // Calculated points cannot be written.
        let e = c
            .mesh
            .write(
                &s,
                attribute("TsCalcAtt"),
                None,
                encode(&[P::new(DAY_2016, 0, 1.0)], true),
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::NotFound, "{e:?}");
    });
}

#[test]
fn a_calculated_read_sees_its_sessions_writes_and_others_after_commit() {
    let emu = calc_emulator();
    run(async {
        let mut c = Calc::connect(&emu).await;
        let (writer, reader) = (c.mesh.open().await, c.mesh.open().await);
        let at_three = |points: &[P]| {
            points
                .iter()
                .find(|p| p.t == DAY_2016 + 3 * HOUR)
                .map(P::value)
        };
        let iv = (DAY_2016 + HOUR, DAY_2016 + 4 * HOUR);
        // Linear: [01:00, 04:00) has four points.
        let before = c
            .mesh
            .read(&reader, attribute("TsCalcAtt"), iv.0, iv.1)
            .await
            .unwrap();
        assert_eq!(decode(&before.data).0.len(), 4);
        assert_eq!(at_three(&decode(&before.data).0), Some(1003.0));
        c.mesh
            .write(
                &writer,
                attribute("TsRawAtt"),
                None,
                encode(&[P::new(DAY_2016 + 3 * HOUR, 0, 50.0)], true),
            )
            .await
            .unwrap();
        for (session, expected) in [(&writer, 1050.0), (&reader, 1003.0)] {
            let reply = c
                .mesh
                .read(session, attribute("TsCalcAtt"), iv.0, iv.1)
                .await
                .unwrap();
            assert_eq!(at_three(&decode(&reply.data).0), Some(expected));
        }
        c.mesh.session.commit(writer.clone()).await.expect("commit");
        let after = c
            .mesh
            .read(&reader, attribute("TsCalcAtt"), iv.0, iv.1)
            .await
            .unwrap();
        assert_eq!(at_three(&decode(&after.data).0), Some(1050.0));
    });
}

#[test]
fn a_local_expression_replaces_the_template_and_cycles_are_refused() {
    let emu = calc_emulator();
    run(async {
        let mut c = Calc::connect(&emu).await;
        let s = c.mesh.open().await;
        let path = format!("{PLANT}.TsCalcAtt3");
        c.set_local_expression(&s, &path, "## = @t('.TsRawAtt') + 5\n")
            .await;
        let reply = c
            .mesh
            .read(&s, by_path(&path), SDK_INTERVAL.0, SDK_INTERVAL.1)
            .await
            .unwrap();
        let expected: Vec<(i64, f64, u32)> = raw_hours()
            .into_iter()
            .map(|(t, v)| match v {
                Some(v) => (t, v + 5.0, 0),
                None => (t, 5.0, SUSPECT),
            })
            .collect();
        assert_points(&decode(&reply.data).0, &expected, "local expression");
        // Back to the template (raw * 2) when the local expression is cleared.
        c.set_local_expression(&s, &path, "").await;
        let reply = c
            .mesh
            .read(&s, by_path(&path), SDK_INTERVAL.0, SDK_INTERVAL.1)
            .await
            .unwrap();
        assert_eq!(decode(&reply.data).0[0].value(), 2.0);
        // A series calculated from itself.
        c.set_local_expression(&s, &path, "## = @t('.TsCalcAtt3') + 1")
            .await;
        let e = c
            .mesh
            .read(&s, by_path(&path), SDK_INTERVAL.0, SDK_INTERVAL.1)
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
        assert!(e.message().contains("nested"), "{e:?}");
    });
}

fn single(
    id: MeshId,
    (start, end): (i64, i64),
    resolution: i32,
    method: i32,
    zone: i32,
) -> ReadTransformedTimeseriesSingleRequest {
    ReadTransformedTimeseriesSingleRequest {
        timeseries_id: Some(id),
        interval: Some(interval(start, end)),
        resolution: Some(Resolution { r#type: resolution }),
        transformation_method: method,
        transformation_timezone: zone,
    }
}

const DAY: i32 = 4;
const HOURLY: i32 = 3;
const SUM: i32 = 2;
const AVG: i32 = 4;
const MAX: i32 = 9;
const LOCAL: i32 = 2;

#[test]
fn transformed_reads_answer_each_request_in_order() {
    let emu = calc_emulator();
    run(async {
        let mut c = Calc::connect(&emu).await;
        let s = c.mesh.open().await;
        // Two days of hourly steps, value i at hour i.
        let from = utc(2016, 1, 10, 0);
        let written: Vec<P> = (0..48)
            .map(|i| P::new(from + i * HOUR, 0, i as f64))
            .collect();
        c.mesh
            .write(&s, by_key(HOURLY_STEPS), None, encode(&written, true))
            .await
            .unwrap();
        let two_days = (from, from + 48 * HOUR);
        let sum = |a: i64, b: i64| (a..b).map(|i| i as f64).sum::<f64>();
        let oslo_day = midnight(chrono_tz::Europe::Oslo, 2016, 1, 10);
        let requests = vec![
            single(by_key(HOURLY_STEPS), two_days, DAY, SUM, 0),
            // Method 0 is IMPLICIT, which sums an hourly staircase; zone 0
            // is UTC.
            single(by_key(HOURLY_STEPS), two_days, DAY, 0, 0),
            single(by_key(HOURLY_STEPS), two_days, DAY, AVG, LOCAL),
            // The official model's raw series by attribute path, hour by
            // hour: the value at each hour's start.
            single(attribute("TsRawAtt"), SDK_INTERVAL, HOURLY, AVG, 0),
            // A calculated attribute: raw * 2, its largest value of the day.
            single(
                attribute("TsCalcAtt3"),
                (DAY_2016, DAY_2016 + 24 * HOUR),
                DAY,
                MAX,
                0,
            ),
        ];
        let mut stream = c
            .mesh
            .ts
            .read_transformed_timeseries(ReadTransformedTimeseriesRequest {
                session_id: Some(s.clone()),
                requests,
            })
            .await
            .expect("transformed read")
            .into_inner();
        let mut answers = Vec::new();
        while let Some(answer) = stream.next().await {
            let reply = answer.expect("an answer");
            assert_eq!(reply.timeseries.len(), 1);
            answers.push(reply.timeseries.into_iter().next().expect("one series"));
        }
        assert_eq!(answers.len(), 5);
        let points = |i: usize| decode(&answers[i].data).0;
        let utc_sums = [(from, sum(0, 24), 0), (from + 24 * HOUR, sum(24, 48), 0)];
        assert_points(&points(0), &utc_sums, "DAY SUM");
        assert_points(&points(1), &utc_sums, "DAY IMPLICIT");
        assert_eq!(answers[0].resolution.map(|r| r.r#type), Some(DAY));
        // Oslo days (UTC+1 in January): 23 hours, 24, and 1 of the third.
        assert_points(
            &points(2),
            &[
                (oslo_day, sum(0, 23) / 23.0, SUSPECT),
                (oslo_day + 24 * HOUR, sum(23, 47) / 24.0, 0),
                (oslo_day + 48 * HOUR, 47.0, SUSPECT),
            ],
            "DAY AVG LOCAL",
        );
        // One value an hour, none at 04:00.
        let hours = points(3);
        assert_eq!(hours.len(), 8);
        for (p, h) in hours.iter().zip(1..) {
            assert_eq!(p.t, DAY_2016 + h * HOUR);
            if h == 4 {
                assert!(p.value().is_nan() && p.flags & MISSING != 0, "{p:?}");
            } else {
                assert_eq!(p.value(), h as f64, "{p:?}");
            }
        }
        let max = points(4);
        assert_eq!(max.len(), 1);
        assert_eq!((max[0].t, max[0].value()), (DAY_2016, 18.0));
        // The reply names what was read.
        assert_eq!(
            answers[3].id.as_ref().and_then(|i| i.path.clone()),
            Some(
                "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef/SomePowerPlant1.TsRawAtt"
                    .to_string()
            )
        );
    });
}

#[test]
fn transformed_reads_refuse_a_bad_request_naming_it() {
    let emu = calc_emulator();
    run(async {
        let mut c = Calc::connect(&emu).await;
        let s = c.mesh.open().await;
        let good = single(by_key(3), SDK_INTERVAL, DAY, SUM, 0);
        let cases: Vec<(ReadTransformedTimeseriesSingleRequest, Code, &str)> = vec![
            (
                single(by_key(3), SDK_INTERVAL, 1, SUM, 0),
                Code::InvalidArgument,
                "'BREAKPOINT' resolution is unsupported",
            ),
            (
                single(by_key(3), SDK_INTERVAL, 0, SUM, 0),
                Code::InvalidArgument,
                "resolution is unsupported",
            ),
            (
                single(by_key(3), SDK_INTERVAL, DAY, 42, 0),
                Code::InvalidArgument,
                "method 42",
            ),
            (
                single(by_key(3), SDK_INTERVAL, DAY, SUM, 9),
                Code::InvalidArgument,
                "time zone 9",
            ),
            (
                single(by_key(77), SDK_INTERVAL, DAY, SUM, 0),
                Code::NotFound,
                "key 77",
            ),
            (
                single(attribute("DblAtt"), SDK_INTERVAL, DAY, SUM, 0),
                Code::InvalidArgument,
                "not a time series attribute",
            ),
            (
                single(attribute("TsCalcAtt7"), SDK_INTERVAL, DAY, SUM, 0),
                Code::Unimplemented,
                "@Restriction",
            ),
            (
                ReadTransformedTimeseriesSingleRequest {
                    interval: None,
                    ..good.clone()
                },
                Code::InvalidArgument,
                "Interval is missing",
            ),
        ];
        for (bad, code, words) in cases {
            let e = c
                .mesh
                .ts
                .read_transformed_timeseries(ReadTransformedTimeseriesRequest {
                    session_id: Some(s.clone()),
                    requests: vec![good.clone(), bad.clone()],
                })
                .await
                .map(drop)
                .expect_err(words);
            assert_eq!(e.code(), code, "{words}: {e:?}");
            assert!(e.message().starts_with("transformed read 2: "), "{e:?}");
            assert!(e.message().contains(words), "{e:?}");
        }
    });
}
