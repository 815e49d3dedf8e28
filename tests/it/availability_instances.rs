//! Availability instances through the C API against the emulator: the
//! periods a search finds for a revision's recurrences and a restriction's
//! (with their values), the two searches of the official SDK's
//! `test_availability.py`, and what it leaves out: recurrences across
//! daylight-saving changes, searches spanning years, complex curves laid
//! out day by day, and the active instance each recurrence carries.
//!
//! Which clock recurrences follow: Mesh's public material does not say;
//! the emulator (emulator/src/store/availability/instances.rs, and
//! docs/PROTOCOL.md "Availability") counts repetitions in UTC: a daily
//! period starts at the same UTC time every day, whatever the server's
//! own zone (Europe/Oslo by default) does. The tests below assert that,
//! with UTC-step instances written out.

use crate::common::availability::*;
use crate::common::*;
use mesh_status::*;

/// A revision on the SDK's target with one recurrence.
fn revision_with(f: &Fixture, event_id: &str, p: Pattern, period: (i64, i64)) {
    take(create_revision(f.s, &NewRevision::plain(event_id, "", "")));
    add_recurrence(f.s, event_id, p, period, None);
}

/// A restriction on the SDK's target with `recurrence`, which is freed.
fn restriction_with(f: &Fixture, event_id: &str, recurrence: *mut mesh_restriction_recurrence) {
    take(create_restriction(
        f.s,
        &NewRestriction::plain(event_id, "ProductionMax[MW]", "", "", recurrence),
    ));
    check(mesh_restriction_recurrence_free(recurrence), MESH_OK);
}

#[test]
fn daily_revision_instances_in_a_window() {
    let f = Fixture::new();
    revision_with(
        &f,
        "search_instances_event",
        Pattern::repeating(
            "Planned",
            "Daily Recurrence for Search Test",
            MESH_RECURRENCE_TYPE_DAILY,
            1,
            utc_hm(2023, 1, 5, 23, 59),
        ),
        (utc(2023, 1, 1, 8), utc(2023, 1, 1, 16)),
    );
    let found = instances(
        f.s,
        "search_instances_event",
        utc(2023, 1, 2, 0),
        utc_hm(2023, 1, 4, 23, 59),
    );
    // Days 2, 3 and 4, from 8 to 16 each; no values (revisions).
    assert_eq!(
        found,
        periods(&[
            (utc(2023, 1, 2, 8), utc(2023, 1, 2, 16)),
            (utc(2023, 1, 3, 8), utc(2023, 1, 3, 16)),
            (utc(2023, 1, 4, 8), utc(2023, 1, 4, 16)),
        ])
    );
}

#[test]
fn weekly_restriction_instances_carry_the_value() {
    let f = Fixture::new();
    restriction_with(
        &f,
        "search_restriction_instances",
        basic(
            Pattern::repeating(
                "SelfImposed",
                "Weekly Recurrence for Restriction Test",
                MESH_RECURRENCE_TYPE_WEEKLY,
                1,
                utc(2023, 2, 15, 0),
            ),
            (utc(2023, 1, 5, 0), utc(2023, 1, 6, 0)),
            42.5,
        ),
    );
    let found = instances(
        f.s,
        "search_restriction_instances",
        utc(2023, 1, 1, 0),
        utc(2023, 1, 31, 0),
    );
    let day = |d| (utc(2023, 1, d, 0), utc(2023, 1, d + 1, 0), 42.5);
    assert_eq!(found, valued(&[day(5), day(12), day(19), day(26)]));
    for i in &found {
        assert_eq!(i.value, Some(42.5));
        assert_eq!(i.end - i.start, DAY);
        // Thursdays (1 January 1970, day 0, was a Thursday).
        assert_eq!(i.start.div_euclid(DAY) % 7, 0, "{i:?}");
    }
}

#[test]
fn recurrences_step_in_utc_across_daylight_saving_changes() {
    let f = Fixture::new();
    // Daily 06:00-14:00 UTC over the night Europe moves its clocks forward
    // (26 March 2023, 01:00 UTC). Counted in UTC, every instance is at
    // 06:00 UTC; a server repeating on Oslo's wall clock (07:00 local
    // before, 08:00 after) would give 05:00-13:00 UTC from the 27th.
    revision_with(
        &f,
        "spring",
        Pattern::repeating(
            "Planned",
            "",
            MESH_RECURRENCE_TYPE_DAILY,
            1,
            utc(2023, 3, 29, 0),
        ),
        (utc(2023, 3, 24, 6), utc(2023, 3, 24, 14)),
    );
    let day = |d| (utc(2023, 3, d, 6), utc(2023, 3, d, 14));
    assert_eq!(
        instances(f.s, "spring", utc(2023, 3, 24, 0), utc(2023, 3, 30, 0)),
        periods(&[day(24), day(25), day(26), day(27), day(28)])
    );
    for i in instances(f.s, "spring", utc(2023, 3, 24, 0), utc(2023, 3, 30, 0)) {
        assert_eq!(i.end - i.start, 8 * HOUR, "{i:?}");
    }

    // Weekly, Fridays 10:00-12:00 UTC, over the night the clocks go back
    // (29 October 2023, 01:00 UTC): still 10:00 UTC after it.
    restriction_with(
        &f,
        "autumn",
        basic(
            Pattern::repeating(
                "SelfImposed",
                "",
                MESH_RECURRENCE_TYPE_WEEKLY,
                1,
                utc(2023, 11, 9, 0),
            ),
            (utc(2023, 10, 20, 10), utc(2023, 10, 20, 12)),
            5.0,
        ),
    );
    assert_eq!(
        instances(f.s, "autumn", utc(2023, 10, 1, 0), utc(2023, 12, 1, 0)),
        valued(&[
            (utc(2023, 10, 20, 10), utc(2023, 10, 20, 12), 5.0),
            (utc(2023, 10, 27, 10), utc(2023, 10, 27, 12), 5.0),
            (utc(2023, 11, 3, 10), utc(2023, 11, 3, 12), 5.0),
        ])
    );

    // A complex curve, daily over the spring change: each step of every
    // day at the same UTC times as the first day's, each value from its
    // point to the next, the last point ending the curve.
    restriction_with(
        &f,
        "curve",
        complex(
            Pattern::repeating(
                "SelfImposed",
                "",
                MESH_RECURRENCE_TYPE_DAILY,
                1,
                utc(2023, 3, 28, 0),
            ),
            &[
                (utc(2023, 3, 25, 8), 50.0),
                (utc(2023, 3, 25, 12), 75.0),
                (utc(2023, 3, 25, 16), 60.0),
            ],
        ),
    );
    let steps = |d| {
        [
            (utc(2023, 3, d, 8), utc(2023, 3, d, 12), 50.0),
            (utc(2023, 3, d, 12), utc(2023, 3, d, 16), 75.0),
        ]
    };
    let expected: Vec<_> = [25, 26, 27].into_iter().flat_map(steps).collect();
    assert_eq!(
        instances(f.s, "curve", utc(2023, 3, 25, 0), utc(2023, 3, 29, 0)),
        valued(&expected)
    );
}

#[test]
fn instance_search_spans_years() {
    let f = Fixture::new();
    // Every day of five years, 2020 and 2024 leap years: 1827 instances,
    // searched from before the first to after the last.
    revision_with(
        &f,
        "daily",
        Pattern::repeating(
            "Planned",
            "",
            MESH_RECURRENCE_TYPE_DAILY,
            1,
            utc(2024, 12, 31, 12),
        ),
        (utc(2020, 1, 1, 0), utc(2020, 1, 1, 6)),
    );
    let found = instances(f.s, "daily", utc(2019, 6, 1, 0), utc(2026, 1, 1, 0));
    assert_eq!(found.len(), 366 + 365 + 365 + 365 + 366);
    let first = utc(2020, 1, 1, 0);
    let expected: Vec<(i64, i64)> = (0..1827)
        .map(|k| (first + k * DAY, first + k * DAY + 6 * HOUR))
        .collect();
    assert_eq!(found, periods(&expected));
    assert_eq!(found[59].start, utc(2020, 2, 29, 0));
    assert_eq!(
        found[1826],
        periods(&[(utc(2024, 12, 31, 0), utc(2024, 12, 31, 6))])[0]
    );

    // Every other year, with no end: those of 2020 to 2030.
    restriction_with(
        &f,
        "biennial",
        basic(
            Pattern::repeating(
                "SelfImposed",
                "",
                MESH_RECURRENCE_TYPE_YEARLY,
                2,
                MESH_TIME_NONE,
            ),
            (utc(2020, 6, 15, 8), utc(2020, 6, 16, 8)),
            3.5,
        ),
    );
    let year = |y| (utc(y, 6, 15, 8), utc(y, 6, 16, 8), 3.5);
    assert_eq!(
        instances(f.s, "biennial", utc(2020, 1, 1, 0), utc(2031, 1, 1, 0)),
        valued(&[
            year(2020),
            year(2022),
            year(2024),
            year(2026),
            year(2028),
            year(2030)
        ])
    );
    let e = get(f.s, "biennial");
    assert_eq!(e.recurrence().until, MESH_TIME_NONE);
    assert_eq!(e.recurrence().every, 2);
    assert_eq!(e.recurrence().kind, MESH_RECURRENCE_TYPE_YEARLY);

    // Every third month, across the turn of the year.
    revision_with(
        &f,
        "quarterly",
        Pattern::repeating(
            "Planned",
            "",
            MESH_RECURRENCE_TYPE_MONTHLY,
            3,
            utc(2025, 1, 1, 0),
        ),
        (utc(2023, 11, 10, 0), utc(2023, 11, 11, 0)),
    );
    let month = |y, m| (utc(y, m, 10, 0), utc(y, m, 11, 0));
    assert_eq!(
        instances(f.s, "quarterly", utc(2023, 1, 1, 0), utc(2025, 6, 1, 0)),
        periods(&[
            month(2023, 11),
            month(2024, 2),
            month(2024, 5),
            month(2024, 8),
            month(2024, 11),
        ])
    );

    // A few days, 24 years after a daily pattern began.
    revision_with(
        &f,
        "since_2000",
        Pattern::repeating("Planned", "", MESH_RECURRENCE_TYPE_DAILY, 1, MESH_TIME_NONE),
        (utc(2000, 1, 1, 6), utc(2000, 1, 1, 7)),
    );
    assert_eq!(
        instances(f.s, "since_2000", utc(2024, 2, 28, 0), utc(2024, 3, 2, 0)),
        periods(&[
            (utc(2024, 2, 28, 6), utc(2024, 2, 28, 7)),
            (utc(2024, 2, 29, 6), utc(2024, 2, 29, 7)),
            (utc(2024, 3, 1, 6), utc(2024, 3, 1, 7)),
        ])
    );
}

#[test]
fn instances_of_an_event_without_periods_or_of_none_at_all() {
    let f = Fixture::new();
    take(create_revision(f.s, &NewRevision::plain("bare", "", "")));
    assert_eq!(
        instances(f.s, "bare", utc(2000, 1, 1, 0), utc(2100, 1, 1, 0)),
        []
    );
    // Outside the window: none.
    revision_with(
        &f,
        "once",
        Pattern::once("Planned", ""),
        (utc(2023, 1, 1, 0), utc(2023, 1, 2, 0)),
    );
    assert_eq!(
        instances(f.s, "once", utc(2023, 1, 3, 0), utc(2023, 2, 1, 0)),
        []
    );
    assert_eq!(
        try_instances(f.s, "no_such_event", utc(2023, 1, 1, 0), utc(2023, 2, 1, 0)).unwrap_err(),
        MESH_ERROR_NOT_FOUND
    );
    assert!(
        last_error().contains("event with event id 'no_such_event' not found"),
        "{}",
        last_error()
    );
}

#[test]
fn each_recurrence_carries_the_instance_in_force_now_else_the_next() {
    let f = Fixture::new();
    take(create_revision(f.s, &NewRevision::plain("active", "", "")));
    let add = |p, period| add_recurrence(f.s, "active", p, period, None);
    // Over: none.
    add(
        Pattern::once("Planned", "past"),
        (utc(2023, 1, 1, 0), utc(2023, 1, 2, 0)),
    );
    // To come: that one.
    add(
        Pattern::once("Planned", "future"),
        (utc(2100, 1, 1, 0), utc(2100, 1, 2, 0)),
    );
    // Weeks from Monday to Monday since 2000: the week of now, always.
    let monday = utc(2000, 1, 3, 0);
    add(
        Pattern::repeating(
            "Planned",
            "weeks",
            MESH_RECURRENCE_TYPE_WEEKLY,
            1,
            MESH_TIME_NONE,
        ),
        (monday, monday + WEEK),
    );
    // Repeated daily through 2000 only: none.
    add(
        Pattern::repeating(
            "Planned",
            "2000",
            MESH_RECURRENCE_TYPE_DAILY,
            1,
            utc(2001, 1, 1, 0),
        ),
        (utc(2000, 1, 1, 0), utc(2000, 1, 1, 1)),
    );
    // Daily from 2099 on: the first.
    add(
        Pattern::repeating(
            "Planned",
            "2099",
            MESH_RECURRENCE_TYPE_DAILY,
            1,
            MESH_TIME_NONE,
        ),
        (utc(2099, 12, 30, 10), utc(2099, 12, 30, 12)),
    );
    let week_of = |t: i64| {
        let start = monday + (t - monday).div_euclid(WEEK) * WEEK;
        (start, start + WEEK)
    };
    let before = now_ms();
    let e = get(f.s, "active");
    let after = now_ms();
    let active: Vec<Option<(i64, i64)>> = e.recurrences.iter().map(|r| r.active).collect();
    let this_week = active[2].expect("a week is always in force");
    assert!(
        this_week == week_of(before) || this_week == week_of(after),
        "{this_week:?}"
    );
    assert_eq!(
        active,
        [
            None,
            Some((utc(2100, 1, 1, 0), utc(2100, 1, 2, 0))),
            Some(this_week),
            None,
            Some((utc(2099, 12, 30, 10), utc(2099, 12, 30, 12))),
        ]
    );

    // Restrictions: basic and complex, to come and over.
    restriction_with(
        &f,
        "basic_future",
        basic(
            Pattern::once("SelfImposed", ""),
            (utc(2100, 1, 1, 0), utc(2100, 1, 5, 0)),
            1.0,
        ),
    );
    restriction_with(
        &f,
        "basic_past",
        basic(
            Pattern::once("SelfImposed", ""),
            (utc(2023, 1, 1, 0), utc(2023, 1, 5, 0)),
            1.0,
        ),
    );
    restriction_with(
        &f,
        "complex_future",
        complex(
            Pattern::repeating(
                "SelfImposed",
                "",
                MESH_RECURRENCE_TYPE_DAILY,
                1,
                MESH_TIME_NONE,
            ),
            &[
                (utc(2100, 1, 1, 8), 50.0),
                (utc(2100, 1, 1, 12), 75.0),
                (utc(2100, 1, 1, 16), 60.0),
            ],
        ),
    );
    assert_eq!(
        get(f.s, "basic_future").recurrence().active,
        Some((utc(2100, 1, 1, 0), utc(2100, 1, 5, 0)))
    );
    assert_eq!(get(f.s, "basic_past").recurrence().active, None);
    // The curve's first step is the next instance.
    assert_eq!(
        get(f.s, "complex_future").recurrence().active,
        Some((utc(2100, 1, 1, 8), utc(2100, 1, 1, 12)))
    );
}
