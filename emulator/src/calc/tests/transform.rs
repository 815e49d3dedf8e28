//! Transformations checked against values worked out here: by grouping the
//! hours of a series by their wall-clock period (chrono, not the engine's
//! calendar), by closed forms for linear ramps, and by hand for a
//! breakpoint series.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeDelta, TimeZone};

use super::support::*;
use crate::calc::{
    flags, read_transformed, source_interval, transform, Curve, Interval, Method, Point,
    Resolution, Series, TransformSpec, TransformZone, Zone, Zones,
};

/// The zones the tests' host uses: Oslo, default UTC+1.
fn zones() -> Zones {
    Zones {
        local: OSLO,
        default: Zone::Fixed(3600),
    }
}

/// A zone as the expected values see it, written with chrono alone.
#[derive(Clone, Copy, Debug)]
enum Wall {
    Utc,
    Oslo,
    PlusOne,
}

impl Wall {
    fn local(self, t: i64) -> NaiveDateTime {
        let utc = DateTime::from_timestamp_millis(t)
            .expect("test time")
            .naive_utc();
        match self {
            Wall::Utc => utc,
            Wall::PlusOne => utc + TimeDelta::hours(1),
            Wall::Oslo => OSLO.from_utc_datetime(&utc).naive_local(),
        }
    }

    fn start_of(self, date: NaiveDate) -> i64 {
        let midnight = date.and_hms_opt(0, 0, 0).expect("midnight");
        match self {
            Wall::Utc => midnight.and_utc().timestamp_millis(),
            Wall::PlusOne => FixedOffset::east_opt(3600)
                .and_then(|o| o.from_local_datetime(&midnight).single())
                .expect("fixed offset")
                .timestamp_millis(),
            Wall::Oslo => in_zone(OSLO, date.year(), date.month(), date.day(), 0),
        }
    }
}

/// The first local date of the period of `resolution` holding `date`.
fn period_key(resolution: Resolution, date: NaiveDate) -> NaiveDate {
    match resolution {
        Resolution::Day => date,
        Resolution::Week => date - TimeDelta::days(date.weekday().num_days_from_monday() as i64),
        Resolution::Month => NaiveDate::from_ymd_opt(date.year(), date.month(), 1).expect("month"),
        Resolution::Year => NaiveDate::from_ymd_opt(date.year(), 1, 1).expect("year"),
        other => panic!("no calendar key for {other:?}"),
    }
}

/// One expected period: its start, how many hours it has, and the values
/// of the series' points in it.
struct Expected {
    start: i64,
    hours: usize,
    values: Vec<f64>,
}

/// The periods of `resolution` in `wall` overlapping `iv`, worked out hour
/// by hour.
fn expected_periods(
    series: &Series,
    iv: Interval,
    resolution: Resolution,
    wall: Wall,
) -> Vec<Expected> {
    let key_of = |t: i64| period_key(resolution, wall.local(t).date());
    let mut keys: Vec<NaiveDate> = Vec::new();
    let mut t = iv.start;
    while t < iv.end {
        let k = key_of(t);
        if keys.last() != Some(&k) {
            keys.push(k);
        }
        t += HOUR;
    }
    keys.into_iter()
        .map(|k| {
            let start = wall.start_of(k);
            let mut hours = 0;
            while key_of(start + hours as i64 * HOUR) == k {
                hours += 1;
            }
            let values = series
                .points
                .iter()
                .filter(|p| key_of(p.utc_ms) == k)
                .map(|p| p.value)
                .collect();
            Expected {
                start,
                hours,
                values,
            }
        })
        .collect()
}

/// What each method gives for the values of a period (hourly steps).
fn expected_value(method: Method, values: &[f64]) -> f64 {
    let valid: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if valid.is_empty() {
        return f64::NAN;
    }
    let sum: f64 = valid.iter().sum();
    let n = valid.len() as f64;
    match method {
        Method::Sum => sum,
        Method::Avg | Method::AvgI => sum / n,
        Method::SumI => sum * 3600.0,
        Method::First => valid[0],
        Method::Last => valid[valid.len() - 1],
        Method::Min => valid.iter().copied().fold(f64::INFINITY, f64::min),
        Method::Max => valid.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Method::Implicit => panic!("not an explicit method"),
    }
}

fn spec(resolution: Resolution, method: Method, zone: TransformZone) -> TransformSpec {
    TransformSpec {
        resolution,
        method,
        zone,
    }
}

/// Transforms `series` with every method and compares every period with
/// the independently grouped hours.
fn check_all_methods(
    series: &Series,
    iv: Interval,
    resolution: Resolution,
    zone: TransformZone,
    wall: Wall,
) {
    let expected = expected_periods(series, iv, resolution, wall);
    for method in Method::EXPLICIT {
        let what = format!("{resolution:?} {method:?} {zone:?}");
        let out = transform(series, iv, &spec(resolution, method, zone), &zones()).expect(&what);
        assert_eq!(out.resolution, resolution, "{what}");
        assert_eq!(out.points.len(), expected.len(), "{what}: period count");
        for (p, e) in out.points.iter().zip(&expected) {
            assert_eq!(p.utc_ms, e.start, "{what}: period start");
            let value = expected_value(method, &e.values);
            assert_close(p.value, value, &format!("{what} at {}", p.utc_ms));
            let complete = e.values.len() == e.hours && e.values.iter().all(|v| !v.is_nan());
            let want_flags = if value.is_nan() {
                flags::NOT_OK | flags::MISSING
            } else if complete {
                flags::OK
            } else {
                flags::SUSPECT
            };
            assert_eq!(p.flags, want_flags, "{what} flags at {}", p.utc_ms);
        }
    }
}

/// Values that differ from hour to hour without a pattern a bug could hide
/// behind.
fn wiggle(i: usize) -> f64 {
    ((i * 37) % 23) as f64 - 5.0 + i as f64 * 0.125
}

#[test]
fn calc_daily_every_method_every_zone_across_both_dst_changes() {
    for (from, days) in [(utc(2016, 3, 23, 0), 10), (utc(2016, 10, 26, 0), 10)] {
        let series = hourly(from, days * 24, Curve::Staircase, wiggle);
        let iv = Interval::new(from + 2 * DAY, from + 7 * DAY);
        for (zone, wall) in [
            (TransformZone::Utc, Wall::Utc),
            (TransformZone::Local, Wall::Oslo),
            (TransformZone::Standard, Wall::PlusOne),
            (TransformZone::Default, Wall::PlusOne),
        ] {
            check_all_methods(&series, iv, Resolution::Day, zone, wall);
        }
    }
}

#[test]
fn calc_local_days_have_23_and_25_hours_on_dst_days() {
    for (date, hours) in [
        ((2016, 3, 27), 23.0),
        ((2016, 10, 30), 25.0),
        ((2016, 6, 1), 24.0),
    ] {
        let (y, m, d) = date;
        let day_start = in_zone(OSLO, y, m, d, 0);
        let series = hourly(day_start - DAY, 72, Curve::Staircase, |_| 1.0);
        let iv = Interval::new(day_start, day_start + HOUR);
        let out = transform(
            &series,
            iv,
            &spec(Resolution::Day, Method::Sum, TransformZone::Local),
            &zones(),
        )
        .expect("daily sum");
        assert_eq!(
            out.points,
            vec![Point::new(day_start, flags::OK, hours)],
            "{date:?}"
        );
        // STANDARD days always have 24 hours.
        let out = transform(
            &series,
            iv,
            &spec(Resolution::Day, Method::Sum, TransformZone::Standard),
            &zones(),
        )
        .expect("daily sum");
        assert_eq!(out.points.len(), 1);
        assert_eq!(out.points[0].value, 24.0, "{date:?} standard");
    }
}

#[test]
fn calc_weeks_months_and_years_across_boundaries() {
    // Hours from 2015-12-01 to 2016-03-01 UTC: whole months in UTC, and in
    // Oslo the first hour of December is missing, so December is suspect.
    let from = utc(2015, 12, 1, 0);
    let series = hourly(from, 91 * 24, Curve::StaircaseStartOfStep, wiggle);
    let cases = [
        (
            Resolution::Week,
            Interval::new(utc(2015, 12, 20, 0), utc(2016, 1, 12, 0)),
        ),
        (
            Resolution::Month,
            Interval::new(utc(2015, 12, 15, 0), utc(2016, 2, 15, 0)),
        ),
        (
            Resolution::Year,
            Interval::new(utc(2015, 12, 20, 0), utc(2016, 1, 10, 0)),
        ),
    ];
    for (resolution, iv) in cases {
        for (zone, wall) in [
            (TransformZone::Utc, Wall::Utc),
            (TransformZone::Local, Wall::Oslo),
            (TransformZone::Standard, Wall::PlusOne),
        ] {
            check_all_methods(&series, iv, resolution, zone, wall);
        }
    }
    // Spot checks of the grouping itself.
    let months = expected_periods(
        &series,
        Interval::new(utc(2015, 12, 15, 0), utc(2016, 2, 15, 0)),
        Resolution::Month,
        Wall::Oslo,
    );
    assert_eq!(
        months
            .iter()
            .map(|m| (m.hours, m.values.len()))
            .collect::<Vec<_>>(),
        vec![(744, 743), (744, 744), (696, 696)]
    );
    let years = expected_periods(
        &series,
        Interval::new(utc(2015, 12, 20, 0), utc(2016, 1, 10, 0)),
        Resolution::Year,
        Wall::Utc,
    );
    assert_eq!(years.len(), 2);
    assert_eq!(years[0].start, utc(2015, 1, 1, 0));
    assert_eq!(years[1].start, utc(2016, 1, 1, 0));
}

#[test]
fn calc_a_missing_point_and_a_missing_day() {
    let from = utc(2016, 5, 1, 0);
    let mut series = hourly(from, 48, Curve::Staircase, |i| (i + 1) as f64);
    series.points[5] = nan_point(from + 5 * HOUR);
    for h in 24..48 {
        series.points[h] = nan_point(from + h as i64 * HOUR);
    }
    let iv = Interval::new(from, from + 2 * DAY);
    // Every method for both days against the grouped hours.
    check_all_methods(&series, iv, Resolution::Day, TransformZone::Utc, Wall::Utc);
    // By hand: day one holds 1..24 without 6.
    let out = transform(
        &series,
        iv,
        &spec(Resolution::Day, Method::Sum, TransformZone::Utc),
        &zones(),
    )
    .expect("sum");
    assert_eq!(out.points[0].value, 300.0 - 6.0);
    assert_eq!(out.points[0].flags, flags::SUSPECT);
    assert!(out.points[1].value.is_nan());
    assert_eq!(out.points[1].flags, flags::NOT_OK | flags::MISSING);
    let out = transform(
        &series,
        iv,
        &spec(Resolution::Day, Method::AvgI, TransformZone::Utc),
        &zones(),
    )
    .expect("avgi");
    assert_eq!(out.points[0].value, 294.0 / 23.0);
}

#[test]
fn calc_an_empty_series_gives_missing_periods() {
    let empty = Series::new(Vec::new(), Curve::Staircase, Resolution::Hour);
    let iv = Interval::new(utc(2016, 1, 1, 0), utc(2016, 1, 3, 0));
    for method in Method::EXPLICIT {
        let out = transform(
            &empty,
            iv,
            &spec(Resolution::Day, method, TransformZone::Utc),
            &zones(),
        )
        .expect("empty");
        assert_eq!(out.points.len(), 2, "{method:?}");
        for (i, p) in out.points.iter().enumerate() {
            assert_eq!(p.utc_ms, iv.start + i as i64 * DAY);
            assert!(p.value.is_nan());
            assert_eq!(p.flags, flags::MISSING);
        }
    }
    let out = transform(
        &empty,
        Interval::new(iv.start, iv.start + HOUR),
        &spec(Resolution::Min15, Method::Avg, TransformZone::Utc),
        &zones(),
    )
    .expect("refined");
    assert_eq!(out.points.len(), 4);
    assert!(out
        .points
        .iter()
        .all(|p| p.value.is_nan() && p.flags == flags::MISSING));
}

#[test]
fn calc_linear_ramp_days_by_closed_forms() {
    // v = 10 + 0.5 i at hour i; three days plus the point that ends them.
    let from = utc(2016, 2, 1, 0);
    let series = hourly(from, 73, Curve::PiecewiseLinear, |i| 10.0 + 0.5 * i as f64);
    let ramp = |hour: f64| 10.0 + 0.5 * hour;
    let iv = Interval::new(from, from + 3 * DAY);
    for method in Method::EXPLICIT {
        let out = transform(
            &series,
            iv,
            &spec(Resolution::Day, method, TransformZone::Utc),
            &zones(),
        )
        .expect("linear");
        assert_eq!(out.points.len(), 3, "{method:?}");
        for (d, p) in out.points.iter().enumerate() {
            let h0 = 24.0 * d as f64;
            let expected = match method {
                // Integrals of a ramp: its value at the middle of the day.
                Method::AvgI => ramp(h0 + 12.0),
                Method::SumI => ramp(h0 + 12.0) * 86_400.0,
                // Plain means of the 24 points: the value at 11:30.
                Method::Avg => ramp(h0 + 11.5),
                Method::Sum => 24.0 * ramp(h0 + 11.5),
                Method::First | Method::Min => ramp(h0),
                Method::Last | Method::Max => ramp(h0 + 23.0),
                Method::Implicit => unreachable!(),
            };
            assert_eq!(p.utc_ms, from + d as i64 * DAY);
            assert_close(p.value, expected, &format!("{method:?} day {d}"));
            assert_eq!(p.flags, flags::OK, "{method:?} day {d}");
        }
    }
}

#[test]
fn calc_refining_steps_and_ramps() {
    let from = utc(2016, 2, 1, 0);
    let steps = hourly(from, 4, Curve::Staircase, |i| 8.0 * (i + 1) as f64);
    let ramp = hourly(from, 4, Curve::PiecewiseLinear, |i| 10.0 + 0.5 * i as f64);
    let iv = Interval::new(from + HOUR, from + 3 * HOUR);
    let table = [
        (Resolution::Min15, 15),
        (Resolution::Min30, 30),
        (Resolution::Min10, 10),
        (Resolution::Min5, 5),
        (Resolution::Min, 1),
    ];
    for (resolution, minutes) in table {
        let step = minutes as i64 * 60_000;
        let per_hour = 60 / minutes;
        for (method, split) in [
            (Method::Avg, false),
            (Method::Sum, true),
            (Method::SumI, true),
            (Method::Max, false),
        ] {
            let what = format!("{resolution:?} {method:?}");
            let s = spec(resolution, method, TransformZone::Utc);
            // A step curve: each new period the value of its hour (AVG) or
            // its share (SUM); nothing after the interval.
            let out = transform(&steps, iv, &s, &zones()).expect(&what);
            assert_eq!(out.points.len(), 2 * per_hour, "{what}");
            assert_eq!(out.curve, Curve::Staircase);
            for (k, p) in out.points.iter().enumerate() {
                let hour_value = 8.0 * (2 + k / per_hour) as f64;
                let want = if split {
                    hour_value / per_hour as f64
                } else {
                    hour_value
                };
                assert_eq!(p.utc_ms, iv.start + k as i64 * step, "{what}");
                assert_close(p.value, want, &what);
                assert_eq!(p.flags, flags::OK);
            }
            // A ramp: sampled at every new point and the one at the end.
            let out = transform(&ramp, iv, &s, &zones()).expect(&what);
            assert_eq!(out.points.len(), 2 * per_hour + 1, "{what}");
            assert_eq!(out.curve, Curve::PiecewiseLinear);
            for (k, p) in out.points.iter().enumerate() {
                let hours = 1.0 + k as f64 / per_hour as f64;
                let at = 10.0 + 0.5 * hours;
                let want = if split { at / per_hour as f64 } else { at };
                assert_eq!(p.utc_ms, iv.start + k as i64 * step, "{what}");
                assert_close(p.value, want, &what);
            }
        }
    }
}

#[test]
fn calc_refining_a_zone_aware_day_series_across_dst() {
    let days: Vec<Point> = [(26, 240.0), (27, 460.0), (28, 480.0)]
        .iter()
        .map(|(d, v)| Point::new(in_zone(OSLO, 2016, 3, *d, 0), flags::OK, *v))
        .collect();
    let series = Series {
        points: days,
        curve: Curve::Staircase,
        resolution: Resolution::Day,
        time_zone: Some(OSLO),
    };
    let iv = Interval::new(in_zone(OSLO, 2016, 3, 26, 0), in_zone(OSLO, 2016, 3, 29, 0));
    let out = transform(
        &series,
        iv,
        &spec(Resolution::Hour, Method::Sum, TransformZone::Default),
        &zones(),
    )
    .expect("split days");
    assert_eq!(out.points.len(), 24 + 23 + 24);
    let short_day = in_zone(OSLO, 2016, 3, 27, 0)..in_zone(OSLO, 2016, 3, 28, 0);
    let in_short_day = out
        .points
        .iter()
        .filter(|p| short_day.contains(&p.utc_ms))
        .count();
    assert_eq!(in_short_day, 23);
    for p in &out.points {
        // 240 over 24 hours, then 460 over 23 and 480 over 24.
        let want = if p.utc_ms < short_day.start {
            10.0
        } else {
            20.0
        };
        assert_eq!(p.value, want, "at {}", p.utc_ms);
    }
    let total: f64 = out.points.iter().map(|p| p.value).sum();
    assert_eq!(total, 240.0 + 460.0 + 480.0);
    let out = transform(
        &series,
        iv,
        &spec(Resolution::Hour, Method::Avg, TransformZone::Default),
        &zones(),
    )
    .expect("average");
    assert!(out
        .points
        .iter()
        .all(|p| [240.0, 460.0, 480.0].contains(&p.value)));
    // A zone-aware series is refined by SUM or AVG only.
    let err = transform(
        &series,
        iv,
        &spec(Resolution::Hour, Method::First, TransformZone::Default),
        &zones(),
    )
    .expect_err("FIRST refining a zone-aware series");
    assert!(err.to_string().contains("SUM or AVG"), "{err}");
}

#[test]
fn calc_breakpoint_series_by_hand() {
    let p = |d, h, v| Point::new(utc(2016, 1, d, h), flags::OK, v);
    let series = Series::new(
        vec![p(1, 0, 2.0), p(1, 6, 4.0), p(1, 18, 1.0), p(2, 12, 3.0)],
        Curve::StaircaseStartOfStep,
        Resolution::Breakpoint,
    );
    let iv = Interval::new(utc(2016, 1, 1, 0), utc(2016, 1, 3, 0));
    let table = [
        (Method::Sum, 7.0, 3.0),
        (Method::Avg, 7.0 / 3.0, 3.0),
        (
            Method::SumI,
            (2.0 * 6.0 + 4.0 * 12.0 + 6.0) * 3600.0,
            (12.0 + 36.0) * 3600.0,
        ),
        (Method::AvgI, 66.0 / 24.0, 2.0),
        (Method::First, 2.0, 1.0),
        (Method::Last, 1.0, 3.0),
        (Method::Min, 1.0, 1.0),
        (Method::Max, 4.0, 3.0),
    ];
    for (method, day1, day2) in table {
        let out = transform(
            &series,
            iv,
            &spec(Resolution::Day, method, TransformZone::Utc),
            &zones(),
        )
        .expect("breakpoint");
        let values: Vec<f64> = out.points.iter().map(|p| p.value).collect();
        assert_eq!(values, vec![day1, day2], "{method:?}");
        assert!(
            out.points.iter().all(|p| p.flags == flags::OK),
            "{method:?}"
        );
    }
}

#[test]
fn calc_implicit_picks_by_curve_and_resolution() {
    let from = utc(2016, 2, 1, 0);
    let ramp = hourly(from, 49, Curve::PiecewiseLinear, |i| i as f64);
    let steps = hourly(from, 48, Curve::Staircase, |i| i as f64);
    let breakpoints = Series::new(
        vec![
            Point::new(from, 0, 1.0),
            Point::new(from + 6 * HOUR, 0, 3.0),
        ],
        Curve::StaircaseStartOfStep,
        Resolution::Breakpoint,
    );
    let iv = Interval::new(from, from + 2 * DAY);
    for (series, same_as) in [
        (&ramp, Method::First),
        (&steps, Method::Sum),
        (&breakpoints, Method::AvgI),
    ] {
        let implicit = transform(
            series,
            iv,
            &spec(Resolution::Day, Method::Implicit, TransformZone::Utc),
            &zones(),
        )
        .expect("implicit");
        let explicit = transform(
            series,
            iv,
            &spec(Resolution::Day, same_as, TransformZone::Utc),
            &zones(),
        )
        .expect("explicit");
        assert_eq!(implicit, explicit, "{same_as:?}");
    }
    // Refining takes SUM.
    let implicit = transform(
        &steps,
        iv,
        &spec(Resolution::Min30, Method::Implicit, TransformZone::Utc),
        &zones(),
    )
    .expect("implicit refine");
    assert_eq!(implicit.points[3].value, 1.0 / 2.0);
}

#[test]
fn calc_wire_numbers_of_methods_zones_and_resolutions() {
    let methods: Vec<Option<Method>> = (0..=10).map(Method::from_proto).collect();
    assert_eq!(
        methods,
        vec![
            Some(Method::Implicit),
            Some(Method::Implicit),
            Some(Method::Sum),
            Some(Method::SumI),
            Some(Method::Avg),
            Some(Method::AvgI),
            Some(Method::First),
            Some(Method::Last),
            Some(Method::Min),
            Some(Method::Max),
            None,
        ]
    );
    let zones_wire: Vec<Option<TransformZone>> = (0..=4).map(TransformZone::from_proto).collect();
    assert_eq!(
        zones_wire,
        vec![
            Some(TransformZone::Utc),
            Some(TransformZone::Utc),
            Some(TransformZone::Local),
            Some(TransformZone::Standard),
            None,
        ]
    );
    for n in 0..14 {
        if let Some(r) = Resolution::from_proto(n) {
            assert_eq!(r.to_proto(), n);
            assert_eq!(Resolution::from_name(r.name()), Some(r));
        } else {
            assert!([0, 9, 13].contains(&n), "{n}");
        }
    }
    for (name, zone) in [
        ("LOCAL", TransformZone::Local),
        ("lt", TransformZone::Local),
        ("STANDARD", TransformZone::Standard),
        ("NT", TransformZone::Standard),
        ("UTC", TransformZone::Utc),
        (
            "Europe/Helsinki",
            TransformZone::Named(chrono_tz::Europe::Helsinki),
        ),
        ("Nowhere/Special", TransformZone::Standard),
    ] {
        assert_eq!(TransformZone::from_name(name), zone, "{name}");
    }
}

#[test]
fn calc_read_transformed_reads_whole_periods() {
    let from = utc(2016, 1, 1, 0);
    let host = MemHost::new().with_series("steps", hourly(from, 72, Curve::Staircase, |_| 2.0));
    // The interval covers part of a UTC day; the reads cover all of it.
    let iv = Interval::new(from + DAY + 5 * HOUR, from + DAY + 7 * HOUR);
    let s = spec(Resolution::Day, Method::Sum, TransformZone::Utc);
    let out = read_transformed(&host, &"steps".to_string(), iv, &s).expect("read");
    assert_eq!(out.points, vec![Point::new(from + DAY, flags::OK, 48.0)]);
    let reads = host.reads.borrow();
    assert_eq!(
        reads.last().map(|r| r.1),
        Some(Interval::new(from + DAY, from + 2 * DAY))
    );
    let needed = source_interval(
        &hourly(from, 0, Curve::Staircase, |_| 0.0),
        iv,
        &s,
        &zones(),
    )
    .expect("interval");
    assert_eq!(needed, Interval::new(from + DAY, from + 2 * DAY));
}
