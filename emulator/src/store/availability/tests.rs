//! Expanding patterns into instances, against dates written out by hand
//! (month ends, leap days) or stepped through one at a time; and the
//! edits' checks, including a commit replaying an edit that no longer
//! applies.

use chrono::{NaiveDate, TimeDelta, TimeZone, Utc};
use uuid::Uuid;

use super::*;

fn t(y: i32, m: u32, d: u32, h: u32) -> Time {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("a time")
}

fn recurrence(repeat: Repeat, every: Option<u32>, until: Option<Time>) -> Recurrence {
    Recurrence {
        status: "Planned".into(),
        description: String::new(),
        repeat,
        every,
        until,
    }
}

fn record() -> Record {
    Record {
        author: String::new(),
        at: t(2023, 1, 1, 0),
    }
}

fn revision(recurrences: Vec<(Recurrence, Time, Time)>) -> Event {
    Event {
        id: "e".into(),
        local_id: String::new(),
        reason: String::new(),
        created: record(),
        last_changed: record(),
        kind: EventKind::Revision {
            next_recurrence: recurrences.len() as u32,
            recurrences: recurrences
                .into_iter()
                .enumerate()
                .map(|(i, (recurrence, start, end))| RevisionRecurrence {
                    id: i as u32,
                    recurrence,
                    period: Period { start, end },
                })
                .collect(),
        },
    }
}

fn restriction(pattern: Pattern) -> Event {
    Event {
        kind: EventKind::Restriction {
            category: "DischargeMin[m3/s]".into(),
            pattern,
        },
        ..revision(Vec::new())
    }
}

fn starts(event: &Event, from: Time, to: Time) -> Vec<Time> {
    event
        .instances(from, to)
        .expect("not too many")
        .iter()
        .map(|i| i.start)
        .collect()
}

#[test]
fn a_period_once_is_one_instance_where_it_overlaps() {
    let e = revision(vec![(
        recurrence(Repeat::Once, Some(3), Some(t(2030, 1, 1, 0))),
        t(2023, 1, 1, 8),
        t(2023, 1, 1, 16),
    )]);
    let inside = [
        (t(2023, 1, 1, 0), t(2023, 1, 2, 0)),
        (t(2023, 1, 1, 15), t(2023, 1, 1, 17)),
    ];
    for (from, to) in inside {
        assert_eq!(starts(&e, from, to), [t(2023, 1, 1, 8)]);
    }
    // Half-open on both sides: touching is not overlapping.
    let outside = [
        (t(2023, 1, 1, 16), t(2023, 1, 2, 0)),
        (t(2022, 1, 1, 0), t(2023, 1, 1, 8)),
    ];
    for (from, to) in outside {
        assert!(starts(&e, from, to).is_empty());
    }
}

#[test]
fn daily_and_weekly_match_a_day_by_day_walk() {
    let first = t(2023, 1, 3, 6);
    let until = t(2023, 4, 1, 0);
    for (repeat, unit) in [(Repeat::Daily, 1), (Repeat::Weekly, 7)] {
        for every in [1u32, 2, 3] {
            let e = revision(vec![(
                recurrence(repeat, Some(every), Some(until)),
                first,
                first + TimeDelta::hours(5),
            )]);
            let (from, to) = (t(2023, 1, 20, 0), t(2023, 3, 10, 0));
            let mut expected = Vec::new();
            let mut day = first;
            let mut n = 0;
            while day < until {
                let end = day + TimeDelta::hours(5);
                if n % (unit * every) == 0 && day < to && end > from {
                    expected.push(day);
                }
                day += TimeDelta::days(1);
                n += 1;
            }
            assert!(!expected.is_empty());
            assert_eq!(starts(&e, from, to), expected, "{repeat:?} every {every}");
        }
    }
}

#[test]
fn monthly_keeps_the_day_or_takes_the_months_last() {
    let e = revision(vec![(
        recurrence(Repeat::Monthly, Some(1), Some(t(2024, 7, 1, 0))),
        t(2024, 1, 31, 0),
        t(2024, 2, 1, 0),
    )]);
    let expected = [
        t(2024, 1, 31, 0),
        t(2024, 2, 29, 0),
        t(2024, 3, 31, 0),
        t(2024, 4, 30, 0),
        t(2024, 5, 31, 0),
        t(2024, 6, 30, 0),
    ];
    assert_eq!(starts(&e, t(2024, 1, 1, 0), t(2025, 1, 1, 0)), expected);
    // Every other month, searched from mid-year: no repetition is lost to
    // skipping ahead.
    let e = revision(vec![(
        recurrence(Repeat::Monthly, Some(2), None),
        t(2020, 1, 31, 12),
        t(2020, 2, 3, 12),
    )]);
    assert_eq!(
        starts(&e, t(2021, 5, 2, 0), t(2021, 10, 1, 0)),
        [t(2021, 5, 31, 12), t(2021, 7, 31, 12), t(2021, 9, 30, 12)]
    );
}

#[test]
fn yearly_from_a_leap_day() {
    let e = revision(vec![(
        recurrence(Repeat::Yearly, Some(1), None),
        t(2020, 2, 29, 0),
        t(2020, 3, 1, 0),
    )]);
    assert_eq!(
        starts(&e, t(2020, 1, 1, 0), t(2025, 1, 1, 0)),
        [
            t(2020, 2, 29, 0),
            t(2021, 2, 28, 0),
            t(2022, 2, 28, 0),
            t(2023, 2, 28, 0),
            t(2024, 2, 29, 0)
        ]
    );
}

#[test]
fn repetitions_start_before_until() {
    let e = revision(vec![(
        recurrence(Repeat::Daily, Some(1), Some(t(2023, 1, 4, 0))),
        t(2023, 1, 1, 0),
        t(2023, 1, 1, 12),
    )]);
    assert_eq!(
        starts(&e, t(2022, 1, 1, 0), t(2024, 1, 1, 0)),
        [t(2023, 1, 1, 0), t(2023, 1, 2, 0), t(2023, 1, 3, 0)]
    );
}

#[test]
fn skipping_ahead_finds_what_a_search_from_the_start_finds() {
    let patterns = [
        (Repeat::Daily, 3, TimeDelta::hours(80)),
        (Repeat::Weekly, 1, TimeDelta::days(9)),
        (Repeat::Monthly, 1, TimeDelta::days(40)),
        (Repeat::Monthly, 5, TimeDelta::days(3)),
        (Repeat::Yearly, 2, TimeDelta::days(400)),
    ];
    let origin = t(1990, 1, 1, 0);
    for (repeat, every, length) in patterns {
        let first = t(2000, 1, 31, 7);
        let e = revision(vec![(
            recurrence(repeat, Some(every), None),
            first,
            first + length,
        )]);
        for days in [0, 1, 17, 100, 365, 1000, 5000] {
            let from = first + TimeDelta::days(days);
            let to = from + TimeDelta::days(800);
            let all = e.instances(origin, to).expect("not too many");
            let expected: Vec<Instance> = all.into_iter().filter(|i| i.end > from).collect();
            assert_eq!(
                e.instances(from, to).expect("not too many"),
                expected,
                "{repeat:?} every {every}, {days} days on"
            );
        }
    }
}

#[test]
fn a_complex_curve_steps_and_repeats_as_a_whole() {
    let day = |d| NaiveDate::from_ymd_opt(2023, 1, d).expect("a day");
    let at = |d, h| Utc.from_utc_datetime(&day(d).and_hms_opt(h, 0, 0).expect("an hour"));
    let e = restriction(Pattern::Complex {
        recurrence: recurrence(Repeat::Daily, Some(1), Some(at(3, 0))),
        points: vec![(at(1, 8), 80.0), (at(1, 12), 60.0), (at(1, 20), 90.0)],
    });
    let found: Vec<(Time, Time, Option<f64>)> = e
        .instances(at(1, 0), at(5, 0))
        .expect("not too many")
        .iter()
        .map(|i| (i.start, i.end, i.value))
        .collect();
    assert_eq!(
        found,
        [
            (at(1, 8), at(1, 12), Some(80.0)),
            (at(1, 12), at(1, 20), Some(60.0)),
            (at(2, 8), at(2, 12), Some(80.0)),
            (at(2, 12), at(2, 20), Some(60.0)),
        ]
    );
}

#[test]
fn recurrences_of_a_revision_merge_earliest_first() {
    let e = revision(vec![
        (
            recurrence(Repeat::Weekly, Some(1), None),
            t(2023, 1, 2, 0),
            t(2023, 1, 3, 0),
        ),
        (
            recurrence(Repeat::Once, None, None),
            t(2023, 1, 5, 0),
            t(2023, 1, 6, 0),
        ),
    ]);
    assert_eq!(
        starts(&e, t(2023, 1, 1, 0), t(2023, 1, 17, 0)),
        [
            t(2023, 1, 2, 0),
            t(2023, 1, 5, 0),
            t(2023, 1, 9, 0),
            t(2023, 1, 16, 0)
        ]
    );
}

#[test]
fn too_many_instances_are_refused() {
    let e = revision(vec![(
        recurrence(Repeat::Daily, Some(1), None),
        t(2000, 1, 1, 0),
        t(2000, 1, 1, 1),
    )]);
    let far = t(2000, 1, 1, 0) + TimeDelta::days(MAX_INSTANCES as i64 + 1);
    assert_eq!(e.instances(t(2000, 1, 1, 0), far), Err(TooMany));
}

#[test]
fn the_active_instance_is_the_one_in_force_else_the_next() {
    let r = RevisionRecurrence {
        id: 0,
        recurrence: recurrence(Repeat::Weekly, Some(1), Some(t(2023, 2, 1, 0))),
        period: Period {
            start: t(2023, 1, 2, 8),
            end: t(2023, 1, 2, 16),
        },
    };
    let active = |now| r.active(now).map(|i| i.start);
    assert_eq!(active(t(2022, 6, 1, 0)), Some(t(2023, 1, 2, 8)));
    assert_eq!(active(t(2023, 1, 9, 10)), Some(t(2023, 1, 9, 8)));
    assert_eq!(active(t(2023, 1, 9, 16)), Some(t(2023, 1, 16, 8)));
    assert_eq!(active(t(2023, 1, 30, 16)), None);
}

fn model_with_object() -> (Model, Uuid) {
    let mut model = Model::default();
    let id = Uuid::from_u128(7);
    model.objects.insert(
        id,
        super::super::model::Object {
            id,
            name: "M".into(),
            type_id: Uuid::from_u128(8),
            owner: None,
            attributes: Vec::new(),
        },
    );
    model.roots.push(id);
    (model, id)
}

#[test]
fn edits_check_before_they_change() {
    let (mut model, owner) = model_with_object();
    let create = EventEdit::Create(revision(Vec::new()));
    model
        .edit_availability(owner, &create, Stage::Session)
        .expect("created");
    let again = model.edit_availability(owner, &create, Stage::Session);
    assert!(
        matches!(again, Err(ModelError::Invalid(m)) if m.contains("event with event id 'e' already exists"))
    );
    let add = |id| EventEdit::AddRecurrence {
        event: "e".into(),
        recurrence: RevisionRecurrence {
            id,
            recurrence: recurrence(Repeat::Once, None, None),
            period: Period {
                start: t(2023, 1, 1, 0),
                end: t(2023, 1, 2, 0),
            },
        },
        changed: record(),
    };
    model
        .edit_availability(owner, &add(0), Stage::Session)
        .expect("added");
    // A second session that chose the same id finds it taken at commit.
    assert!(model
        .edit_availability(owner, &add(0), Stage::Commit)
        .is_err());
    let delete = EventEdit::Delete {
        events: vec!["e".into(), "gone".into()],
    };
    let before = model.availability.events(owner).to_vec();
    assert!(model
        .edit_availability(owner, &delete, Stage::Session)
        .is_err());
    assert_eq!(model.availability.events(owner), before.as_slice());
    // What another session deleted first is no conflict at commit.
    model
        .edit_availability(owner, &delete, Stage::Commit)
        .expect("deleted");
    assert!(model.availability.events(owner).is_empty());
    let elsewhere = model.edit_availability(Uuid::from_u128(9), &create, Stage::Session);
    assert!(matches!(elsewhere, Err(ModelError::NotFound(m)) if m.contains("object not found")));
}
