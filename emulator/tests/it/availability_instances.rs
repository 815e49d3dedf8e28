//! Availability events expanded into instances over TCP: every kind of
//! recurrence against lists worked out here (day by day, or month by month
//! with a calendar of the test's own), restriction values and step curves,
//! and the instance in force now, else the next.

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use mesh_emulator::proto::availability::{restriction_recurrence::RecurrenceOneof, *};

use crate::availability_common::*;
use crate::common::model::*;
use crate::common::*;

fn plus_months(first: i64, n: u32) -> i64 {
    let t = Utc.timestamp_millis_opt(first).single().expect("a time");
    let months = t.year() * 12 + t.month0() as i32 + n as i32;
    let (year, month) = (months.div_euclid(12), months.rem_euclid(12) as u32 + 1);
    let mut day = t.day();
    while NaiveDate::from_ymd_opt(year, month, day).is_none() {
        day -= 1;
    }
    date(year, month, day) + first.rem_euclid(DAY)
}

/// The starts of a recurrence's instances that overlap `[from, to)`,
/// stepping one repetition at a time from the first.
fn expected_starts(
    kind: RecurrenceType,
    every: u32,
    until: i64,
    first: i64,
    length: i64,
    (from, to): (i64, i64),
) -> Vec<i64> {
    let mut out = Vec::new();
    for k in 0u32.. {
        let start = match kind {
            RecurrenceType::None if k > 0 => break,
            RecurrenceType::None => first,
            RecurrenceType::Daily => first + i64::from(k * every) * DAY,
            RecurrenceType::Weekly => first + i64::from(k * every) * 7 * DAY,
            RecurrenceType::Monthly => plus_months(first, k * every),
            RecurrenceType::Yearly => plus_months(first, 12 * k * every),
        };
        if (k > 0 && start >= until) || start >= to {
            break;
        }
        if start + length > from {
            out.push(start);
        }
    }
    out
}

#[test]
fn recurrences_expand_into_the_instances_that_overlap_a_search() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let s = av.open().await;
        // (kind, every, until, first start, length, searched interval)
        let table = [
            (
                RecurrenceType::None,
                0,
                0,
                at(2023, 1, 1, 8),
                8 * HOUR,
                (at(2023, 1, 1, 0), at(2023, 1, 2, 0)),
            ),
            (
                RecurrenceType::None,
                0,
                0,
                at(2023, 1, 1, 8),
                8 * HOUR,
                (at(2023, 1, 1, 16), at(2023, 1, 2, 0)),
            ),
            (
                RecurrenceType::Daily,
                1,
                at(2023, 1, 5, 23),
                at(2023, 1, 1, 8),
                8 * HOUR,
                (at(2023, 1, 2, 0), at(2023, 1, 4, 23)),
            ),
            (
                RecurrenceType::Daily,
                3,
                at(2023, 6, 1, 0),
                at(2023, 1, 1, 22),
                4 * HOUR,
                (at(2023, 2, 1, 0), at(2023, 3, 1, 0)),
            ),
            (
                RecurrenceType::Weekly,
                1,
                at(2023, 2, 15, 0),
                at(2023, 1, 5, 0),
                DAY,
                (at(2023, 1, 1, 0), at(2023, 1, 31, 0)),
            ),
            (
                RecurrenceType::Weekly,
                2,
                at(2024, 1, 1, 0),
                at(2023, 1, 2, 0),
                10 * DAY,
                (at(2023, 3, 1, 0), at(2023, 5, 1, 0)),
            ),
            (
                RecurrenceType::Monthly,
                1,
                at(2025, 1, 1, 0),
                at(2024, 1, 31, 6),
                HOUR,
                (at(2024, 1, 1, 0), at(2024, 12, 31, 0)),
            ),
            (
                RecurrenceType::Monthly,
                5,
                at(2040, 1, 1, 0),
                at(2020, 3, 31, 0),
                2 * DAY,
                (at(2031, 1, 1, 0), at(2033, 1, 1, 0)),
            ),
            (
                RecurrenceType::Yearly,
                1,
                at(2033, 1, 1, 0),
                at(2020, 2, 29, 12),
                DAY,
                (at(2019, 1, 1, 0), at(2030, 1, 1, 0)),
            ),
            // A search past `until` finds nothing.
            (
                RecurrenceType::Daily,
                1,
                at(2023, 1, 10, 0),
                at(2023, 1, 1, 0),
                HOUR,
                (at(2023, 1, 10, 0), at(2023, 2, 1, 0)),
            ),
        ];
        for (i, (kind, every, until, first, length, searched)) in table.into_iter().enumerate() {
            let id = format!("r{i}");
            av.create_revision(revision_request(&s, by_path(COMPONENT), &id))
                .await
                .unwrap();
            let repeats = kind != RecurrenceType::None;
            let r = recurrence(
                "Planned",
                kind,
                repeats.then_some(every),
                repeats.then_some(until),
            );
            av.add(add_request(
                &s,
                by_path(COMPONENT),
                &id,
                r,
                first,
                first + length,
            ))
            .await
            .unwrap();
            let expected: Vec<(i64, i64, Option<f64>)> =
                expected_starts(kind, every, until, first, length, searched)
                    .into_iter()
                    .map(|start| (start, start + length, None))
                    .collect();
            let found = av
                .instances(&s, by_path(COMPONENT), &id, searched.0, searched.1)
                .await
                .unwrap();
            assert_eq!(found, expected, "row {i}: {kind:?} every {every}");
        }
        // The table means something: most rows find several instances.
        let counts: Vec<usize> = {
            let mut counts = Vec::new();
            for (i, (.., searched)) in table.into_iter().enumerate() {
                let found = av
                    .instances(
                        &s,
                        by_path(COMPONENT),
                        &format!("r{i}"),
                        searched.0,
                        searched.1,
                    )
                    .await
                    .unwrap();
                counts.push(found.len());
            }
            counts
        };
        assert_eq!(counts, [1, 0, 3, 10, 4, 5, 11, 5, 10, 0]);
    });
}

#[test]
fn restriction_instances_carry_their_values() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let s = av.open().await;
        let weekly = recurrence(
            "SelfImposed",
            RecurrenceType::Weekly,
            Some(1),
            Some(at(2023, 1, 31, 0)),
        );
        av.create_restriction(restriction_request(
            &s,
            by_path(COMPONENT),
            "basic",
            basic(weekly, at(2023, 1, 2, 0), at(2023, 1, 3, 0), 75.5),
        ))
        .await
        .unwrap();
        let found = av
            .instances(
                &s,
                by_path(COMPONENT),
                "basic",
                at(2023, 1, 1, 0),
                at(2023, 2, 1, 0),
            )
            .await
            .unwrap();
        let expected: Vec<_> = [2, 9, 16, 23, 30]
            .iter()
            .map(|d| (at(2023, 1, *d, 0), at(2023, 1, d + 1, 0), Some(75.5)))
            .collect();
        assert_eq!(found, expected);

        // A step curve repeated daily: each value from its point to the next.
        let daily = recurrence(
            "SelfImposed",
            RecurrenceType::Daily,
            Some(1),
            Some(at(2023, 1, 3, 0)),
        );
        let points = [
            (at(2023, 1, 1, 8), 80.0),
            (at(2023, 1, 1, 12), 60.0),
            (at(2023, 1, 1, 16), 70.0),
            (at(2023, 1, 1, 20), 90.0),
        ];
        let created = av
            .create_restriction(restriction_request(
                &s,
                by_path(COMPONENT),
                "curve",
                complex(daily, &points),
            ))
            .await
            .unwrap();
        match created
            .restriction_recurrence
            .and_then(|r| r.recurrence_oneof)
        {
            Some(RecurrenceOneof::ComplexRecurrence(c)) => {
                let back: Vec<(i64, f64)> = c
                    .values
                    .iter()
                    .map(|p| (ms(p.timestamp.as_ref()), p.value))
                    .collect();
                assert_eq!(back, points);
            }
            other => panic!("not a complex recurrence: {other:?}"),
        }
        let found = av
            .instances(
                &s,
                by_path(COMPONENT),
                "curve",
                at(2023, 1, 1, 10),
                at(2023, 1, 2, 14),
            )
            .await
            .unwrap();
        assert_eq!(
            found,
            [
                (at(2023, 1, 1, 8), at(2023, 1, 1, 12), Some(80.0)),
                (at(2023, 1, 1, 12), at(2023, 1, 1, 16), Some(60.0)),
                (at(2023, 1, 1, 16), at(2023, 1, 1, 20), Some(70.0)),
                (at(2023, 1, 2, 8), at(2023, 1, 2, 12), Some(80.0)),
                (at(2023, 1, 2, 12), at(2023, 1, 2, 16), Some(60.0)),
            ]
        );

        // Changing the recurrence changes the instances.
        av.update_restriction(UpdateRestrictionRequest {
            session_id: Some(s.clone()),
            owner_id: Some(by_path(COMPONENT)),
            event_id: "curve".into(),
            field_mask: mask(&["new_restriction_recurrence", "new_category"]),
            new_category: "DischargeMax[m3/s]".into(),
            new_restriction_recurrence: Some(basic(
                once("Planned"),
                at(2023, 2, 1, 0),
                at(2023, 2, 10, 0),
                50.0,
            )),
            ..UpdateRestrictionRequest::default()
        })
        .await
        .unwrap();
        let got = av.restriction(&s, by_path(COMPONENT), "curve").await;
        assert_eq!(got.category, "DischargeMax[m3/s]");
        let found = av
            .instances(
                &s,
                by_path(COMPONENT),
                "curve",
                at(2023, 1, 1, 0),
                at(2024, 1, 1, 0),
            )
            .await
            .unwrap();
        assert_eq!(found, [(at(2023, 2, 1, 0), at(2023, 2, 10, 0), Some(50.0))]);
    });
}

#[test]
fn the_active_instance_is_the_one_in_force_else_the_next() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let s = av.open().await;
        // Whole seconds, so the times round-trip exactly.
        let now = now_ms() / 1000 * 1000;
        av.create_revision(revision_request(&s, by_path(COMPONENT), "r"))
            .await
            .unwrap();
        let daily = recurrence("Planned", RecurrenceType::Daily, Some(1), None);
        let first = now - 10 * DAY + 2 * HOUR;
        let cases = [
            (
                once("Planned"),
                now - HOUR,
                now + HOUR,
                Some((now - HOUR, now + HOUR)),
            ),
            (once("Planned"), now - 2 * DAY, now - DAY, None),
            (
                once("Planned"),
                now + DAY,
                now + 2 * DAY,
                Some((now + DAY, now + 2 * DAY)),
            ),
            // Yesterday's ended; today's starts in two hours.
            (
                daily,
                first,
                first + HOUR,
                Some((now + 2 * HOUR, now + 3 * HOUR)),
            ),
        ];
        for (r, from, to, _) in cases.clone() {
            av.add(add_request(&s, by_path(COMPONENT), "r", r, from, to))
                .await
                .unwrap();
        }
        let got = av.revision(&s, by_path(COMPONENT), "r").await;
        let active: Vec<Option<(i64, i64)>> = got
            .recurrences
            .iter()
            .map(|r| r.active_instance.as_ref().map(|i| span(i.period.as_ref())))
            .collect();
        let expected: Vec<_> = cases.iter().map(|c| c.3).collect();
        assert_eq!(active, expected);

        let weekly = recurrence("SelfImposed", RecurrenceType::Weekly, Some(1), None);
        let start = now - 7 * DAY - HOUR;
        let restriction = av
            .create_restriction(restriction_request(
                &s,
                by_path(COMPONENT),
                "x",
                basic(weekly, start, start + 2 * HOUR, 4.5),
            ))
            .await
            .unwrap();
        let active = restriction.active_instance.expect("in force now");
        assert_eq!(span(active.period.as_ref()), (now - HOUR, now + HOUR));
        assert_eq!(active.value, 4.5);
    });
}
