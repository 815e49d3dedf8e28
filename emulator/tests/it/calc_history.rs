//! The history functions over TCP with the generated client. The emulator
//! keeps no history of time series, only when a commit last wrote each
//! series' points, so `@GetTsAsOfTime` and `@GetTsHistoricalVersions`
//! answer from the current points only while that is the right answer (no
//! change after the as-of time; no change at all), and are refused as
//! UNIMPLEMENTED once it would not be. Expected points are the official
//! tests' data, or that data with the test's own write.

use mesh_emulator::proto::types::{Guid, MeshId};
use tonic::Code;

use crate::calc_common::*;
use crate::common::*;

/// The official tests' interval: 2016-01-01 `[01:00, 09:00)`.
const IV: (i64, i64) = (DAY_2016 + HOUR, DAY_2016 + 9 * HOUR);

/// The official tests' as-of time, days after their data.
const AS_OF_2016: &str = "UTC20160105174811123";

/// The plant's raw series (values h at h:00), what the test writes to.
fn plant_raw() -> MeshId {
    by_path(&format!("{PLANT}.TsRawAtt"))
}

/// `ms` as a calculation time point, `UTCyyyyMMddHHmmssfff`.
fn utc_literal(ms: i64) -> String {
    let t = chrono::DateTime::from_timestamp_millis(ms).expect("a time in range");
    format!("UTC{}", t.format("%Y%m%d%H%M%S%3f"))
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn as_of(series: &str, at: &str) -> String {
    format!("## = @GetTsAsOfTime({series}, '{at}')\n")
}

fn versions(series: &str, count: u32) -> String {
    format!("## = @GetTsHistoricalVersions({series}, {count})\n")
}

/// The plant's raw day, with `(hour, value)` written over it.
fn plant_day(written: Option<(i64, f64)>) -> Vec<(i64, f64, u32)> {
    test_day(1.0)
        .into_iter()
        .map(|p| match written {
            Some((h, v)) if p.t == DAY_2016 + h * HOUR => (p.t, v, 0),
            _ => (p.t, p.value(), p.flags),
        })
        .collect()
}

/// Asserts `expression` is refused as unsupported, its message holding
/// every one of `words`.
async fn assert_no_history(
    c: &mut Calc,
    s: &Guid,
    expression: &str,
    relative_to: MeshId,
    words: &[&str],
) {
    let e = c
        .run(s, expression, IV, Some(relative_to))
        .await
        .expect_err(expression);
    assert_eq!(e.code(), Code::Unimplemented, "{expression}: {e:?}");
    for w in words {
        assert!(e.message().contains(w), "{expression}: {w:?} in {e:?}");
    }
}

/// Asserts `expression` gives an empty list of series.
async fn assert_no_versions(c: &mut Calc, s: &Guid, expression: &str, relative_to: MeshId) {
    match c.run(s, expression, IV, Some(relative_to)).await {
        Ok(Answer::Series(list)) => assert!(list.is_empty(), "{expression}: {list:?}"),
        other => panic!("{expression}: {other:?}"),
    }
}

#[test]
fn series_no_commit_changed_answer_with_their_current_points() {
    let emu = calc_emulator();
    run(async {
        let mut c = Calc::connect(&emu).await;
        let s = c.mesh.open().await;
        let plant = by_id(PLANT_ID);
        let got = c
            .series(
                &s,
                &as_of("@t('.TsRawAtt')", AS_OF_2016),
                IV,
                Some(plant.clone()),
            )
            .await;
        assert_points(&got.points, &plant_day(None), "as of 2016");
        // A list of times: the series once per time.
        let two = "## = @GetTsAsOfTime(@t('.TsRawAtt'), {'UTC20160101', 'UTC20200101'})\n";
        match c.run(&s, two, IV, Some(plant.clone())).await {
            Ok(Answer::Series(list)) => {
                assert_eq!(list.len(), 2, "{two}");
                for got in &list {
                    assert_points(&got.points, &plant_day(None), two);
                }
            }
            other => panic!("{two}: {other:?}"),
        }
        for count in [1, 2, 5] {
            assert_no_versions(
                &mut c,
                &s,
                &versions("@t('.TsRawAtt')", count),
                plant.clone(),
            )
            .await;
        }
    });
}

#[test]
fn history_is_refused_once_the_series_changed_after_the_as_of_time() {
    let emu = calc_emulator();
    run(async {
        let mut c = Calc::connect(&emu).await;
        let (writer, reader) = (c.mesh.open().await, c.mesh.open().await);
        let plant = by_id(PLANT_ID);
        let raw_as_of_2016 = as_of("@t('.TsRawAtt')", AS_OF_2016);
        let raw_versions = versions("@t('.TsRawAtt')", 2);
        c.mesh
            .write(
                &writer,
                plant_raw(),
                None,
                encode(&[P::new(DAY_2016 + 3 * HOUR, 0, 50.0)], true),
            )
            .await
            .expect("write");

        // Uncommitted: the writer's own series is newer than 2016; nobody
        // else sees a change, and nothing has versions yet.
        assert_no_history(
            &mut c,
            &writer,
            &raw_as_of_2016,
            plant.clone(),
            &["keeps no history", "uncommitted", "after the as-of time"],
        )
        .await;
        assert_no_versions(&mut c, &writer, &raw_versions, plant.clone()).await;
        let got = c
            .series(&reader, &raw_as_of_2016, IV, Some(plant.clone()))
            .await;
        assert_points(
            &got.points,
            &plant_day(None),
            "another session, before commit",
        );

        let before_commit = now_ms();
        c.mesh.session.commit(writer.clone()).await.expect("commit");
        let after_commit = now_ms();

        // Before the commit: refused, in every session, however the series
        // is reached.
        let an_hour_before = utc_literal(before_commit - HOUR);
        let refused = [
            raw_as_of_2016.clone(),
            as_of("@t('.TsRawAtt')", &an_hour_before),
            // A variable already read for something else is seen too.
            format!(
                "x = @t('.TsRawAtt')\ny = @SUM(x)\n## = y + @GetTsAsOfTime(x, '{AS_OF_2016}')\n"
            ),
            // A calculated series that reads it.
            as_of("@t('.TsCalcAtt')", AS_OF_2016),
            // One time of a list before the commit is enough.
            format!(
                "## = @GetTsAsOfTime(@t('.TsRawAtt'), {{'{}', '{AS_OF_2016}'}})\n",
                utc_literal(after_commit + 24 * HOUR)
            ),
        ];
        for session in [&reader, &writer] {
            for expression in &refused {
                assert_no_history(
                    &mut c,
                    session,
                    expression,
                    plant.clone(),
                    &["keeps no history", "after the as-of time"],
                )
                .await;
            }
            for count in [1, 2, 5] {
                assert_no_history(
                    &mut c,
                    session,
                    &versions("@t('.TsRawAtt')", count),
                    plant.clone(),
                    &["@GetTsHistoricalVersions", "keeps no history"],
                )
                .await;
            }
        }

        // After the commit: the current series, with the write.
        let later = as_of("@t('.TsRawAtt')", &utc_literal(after_commit + 24 * HOUR));
        let got = c.series(&reader, &later, IV, Some(plant.clone())).await;
        assert_points(&got.points, &plant_day(Some((3, 50.0))), "as of tomorrow");

        // A series no commit wrote answers as before.
        let chimney = by_id(CHIMNEY_2_TS_RAW_ID);
        let got = c
            .series(
                &reader,
                &as_of("@t()", AS_OF_2016),
                IV,
                Some(chimney.clone()),
            )
            .await;
        let expected: Vec<(i64, f64, u32)> = test_day(100.0)
            .iter()
            .map(|p| (p.t, p.value(), p.flags))
            .collect();
        assert_points(&got.points, &expected, "chimney 2 as of 2016");
        assert_no_versions(&mut c, &reader, &versions("@t()", 2), chimney).await;
    });

    // The record is the store's, kept across a restart like the points.
    emu.restart().expect("restart");
    run(async {
        let mut c = Calc::connect(&emu).await;
        let s = c.mesh.open().await;
        assert_no_history(
            &mut c,
            &s,
            &as_of("@t('.TsRawAtt')", AS_OF_2016),
            by_id(PLANT_ID),
            &["keeps no history"],
        )
        .await;
    });
}
