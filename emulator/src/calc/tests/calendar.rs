//! Calendars and time points against instants worked out with chrono.

use super::support::*;
use crate::calc::{parse_time_point, CalcError, Calendar, Interval, Resolution, Zone, Zones};

fn zones() -> Zones {
    Zones {
        local: OSLO,
        default: Zone::Fixed(3600),
    }
}

fn day_hours(zone: Zone, start: i64) -> i64 {
    let day = Calendar::new(Resolution::Day, zone).expect("calendar");
    let floor = day.floor(start + 5 * HOUR).expect("floor");
    assert_eq!(floor, start);
    (day.next(floor).expect("next") - floor) / HOUR
}

#[test]
fn calc_calendar_days_in_local_standard_and_utc() {
    let z = zones();
    let table = [
        ((2016, 3, 27), 23, 24),
        ((2016, 10, 30), 25, 24),
        ((2016, 7, 1), 24, 24),
        ((2016, 1, 1), 24, 24),
    ];
    for ((y, m, d), local, standard) in table {
        assert_eq!(
            day_hours(z.local(), in_zone(OSLO, y, m, d, 0)),
            local,
            "{y}-{m}-{d}"
        );
        // Standard time is UTC+1 all year.
        assert_eq!(day_hours(z.standard(), utc(y, m, d, 0) - HOUR), standard);
        assert_eq!(day_hours(Zone::UTC, utc(y, m, d, 0)), 24);
    }
}

#[test]
fn calc_calendar_weeks_months_years() {
    let cases = [
        // 2016-01-01 is a Friday; its week starts on Monday 2015-12-28.
        (
            Resolution::Week,
            utc(2016, 1, 1, 10),
            utc(2015, 12, 28, 0),
            utc(2016, 1, 4, 0),
        ),
        (
            Resolution::Month,
            utc(2016, 2, 29, 23),
            utc(2016, 2, 1, 0),
            utc(2016, 3, 1, 0),
        ),
        (
            Resolution::Month,
            utc(2015, 12, 31, 0),
            utc(2015, 12, 1, 0),
            utc(2016, 1, 1, 0),
        ),
        (
            Resolution::Year,
            utc(2016, 7, 1, 0),
            utc(2016, 1, 1, 0),
            utc(2017, 1, 1, 0),
        ),
    ];
    for (resolution, t, floor, next) in cases {
        let c = Calendar::new(resolution, Zone::UTC).expect("calendar");
        assert_eq!(c.floor(t), Ok(floor), "{resolution:?}");
        assert_eq!(c.next(floor), Ok(next), "{resolution:?}");
        assert_eq!(c.after(t), Ok(next), "{resolution:?}");
        assert_eq!(c.ceil(floor), Ok(floor), "{resolution:?}");
    }
    // A local month and year start at local midnight.
    let month = Calendar::new(Resolution::Month, zones().local()).expect("calendar");
    assert_eq!(
        month.floor(utc(2016, 7, 1, 0)),
        Ok(in_zone(OSLO, 2016, 7, 1, 0))
    );
    assert_eq!(
        month.floor(utc(2016, 6, 30, 21)),
        Ok(in_zone(OSLO, 2016, 6, 1, 0))
    );
    let year = Calendar::new(Resolution::Year, zones().local()).expect("calendar");
    assert_eq!(
        year.floor(utc(2015, 12, 31, 23)),
        Ok(in_zone(OSLO, 2016, 1, 1, 0))
    );
    let periods = year
        .periods(Interval::new(utc(2015, 12, 31, 0), utc(2016, 1, 2, 0)))
        .expect("periods");
    assert_eq!(periods.len(), 2);
    assert_eq!(periods[1].1 - periods[1].0, 366 * DAY);
}

#[test]
fn calc_calendar_short_periods() {
    let t = utc(2016, 1, 1, 1) + 7 * 60_000 + 30_000;
    for (resolution, floor_min) in [
        (Resolution::Min, 7),
        (Resolution::Min5, 5),
        (Resolution::Min10, 0),
        (Resolution::Min15, 0),
        (Resolution::Min30, 0),
        (Resolution::Hour, 0),
    ] {
        let c = Calendar::new(resolution, Zone::UTC).expect("calendar");
        assert_eq!(
            c.floor(t),
            Ok(utc(2016, 1, 1, 1) + floor_min * 60_000),
            "{resolution:?}"
        );
    }
    // Hours of a zone half an hour off UTC start at half past in UTC.
    let kolkata =
        Calendar::new(Resolution::Hour, Zone::Iana(chrono_tz::Asia::Kolkata)).expect("calendar");
    assert_eq!(
        kolkata.floor(utc(2016, 1, 1, 1)),
        Ok(utc(2016, 1, 1, 0) + 30 * 60_000)
    );
    assert!(matches!(
        Calendar::new(Resolution::Breakpoint, Zone::UTC),
        Err(CalcError::Unsupported(_))
    ));
}

#[test]
fn calc_time_points() {
    let z = zones();
    let ok = [
        (
            "UTC20160105174811123",
            utc(2016, 1, 5, 17) + (48 * 60 + 11) * 1000 + 123,
        ),
        ("utc2016010517", utc(2016, 1, 5, 17)),
        ("UTC201601051748", utc(2016, 1, 5, 17) + 48 * 60_000),
        (
            "UTC20160105174811",
            utc(2016, 1, 5, 17) + (48 * 60 + 11) * 1000,
        ),
        // No zone: standard time, UTC+1 in Oslo all year.
        ("20121201000000000", utc(2012, 11, 30, 23)),
        ("STANDARD20160701", utc(2016, 6, 30, 23)),
        ("LOCAL20160701", utc(2016, 6, 30, 22)),
        ("LOCAL20160101", utc(2015, 12, 31, 23)),
    ];
    for (text, want) in ok {
        assert_eq!(parse_time_point(text, &z), Ok(want), "{text}");
    }
    for bad in [
        "UTC2016",
        "UTC201601051",
        "UTC20161301",
        "UTC2016010525",
        "",
        "UTCx",
    ] {
        assert!(
            matches!(
                parse_time_point(bad, &z),
                Err(CalcError::InvalidArgument(_))
            ),
            "{bad}: {:?}",
            parse_time_point(bad, &z)
        );
    }
    for macro_text in ["DAY+2h", "LOCALDAY+3d-2h+51x", "UTCDAY+2h"] {
        assert!(
            matches!(
                parse_time_point(macro_text, &z),
                Err(CalcError::Unsupported(_))
            ),
            "{macro_text}"
        );
    }
}

#[test]
fn calc_ticks() {
    use crate::calc::time::ticks_to_ms;
    // .NET ticks of 2016-01-01T00:00Z and of the Unix epoch.
    assert_eq!(
        ticks_to_ms(635_872_032_000_000_000.0),
        Ok(utc(2016, 1, 1, 0))
    );
    assert_eq!(ticks_to_ms(621_355_968_000_000_000.0), Ok(0));
    for bad in [-1.0, f64::NAN, f64::INFINITY, 1e19] {
        assert!(
            matches!(ticks_to_ms(bad), Err(CalcError::InvalidArgument(_))),
            "{bad}"
        );
    }
}
