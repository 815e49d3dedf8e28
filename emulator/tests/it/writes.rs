//! Writing time series the way Mesh takes them, over TCP with the generated
//! client: zero-byte deletes, timestamps that must increase, writes through
//! attributes, calculated series refused, isolation until commit.

use crate::common::*;

#[test]
fn a_zero_byte_payload_with_an_interval_deletes_that_intervals_points() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let (start, end) = (DAY_2016 + HOUR, DAY_2016 + 10 * HOUR);
        mesh.write(
            &s,
            by_path(CHIMNEY_2_TS_RAW_FULL),
            Some((start, end)),
            Vec::new(),
        )
        .await
        .unwrap();
        let reply = mesh
            .read(&s, by_key(3), start, DAY_2016 + 9 * HOUR)
            .await
            .unwrap();
        let (points, _) = decode(&reply.data);
        assert_eq!(points.len(), 9);
        assert!(
            points.iter().all(|p| p.is_missing_nan(MISSING)),
            "{points:?}"
        );
        // Only in this session, until commit; and without an interval a
        // zero-byte write has nothing to delete.
        let other = mesh.open().await;
        let reply = mesh
            .read(&other, by_key(3), start, DAY_2016 + 9 * HOUR)
            .await
            .unwrap();
        assert_eq!(decode(&reply.data).0, test_day(100.0));
        let e = mesh
            .write(&s, by_key(3), None, Vec::new())
            .await
            .unwrap_err();
        assert_eq!(e.code(), tonic::Code::InvalidArgument);
        // An Arrow stream of no rows deletes alike.
        mesh.write(&other, by_key(3), Some((start, end)), encode(&[], true))
            .await
            .unwrap();
        let reply = mesh
            .read(&other, by_key(3), start, start + 1)
            .await
            .unwrap();
        assert!(decode(&reply.data).0[0].is_missing_nan(MISSING));
    });
}

#[test]
fn timestamps_that_do_not_increase_are_refused_in_meshs_words() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let t = |h: i64| DAY_2016 + h * HOUR;
        let cases: [(&str, Vec<i64>); 3] = [
            ("unsorted", vec![t(1), t(3), t(2), t(4)]),
            ("repeated", vec![t(1), t(2), t(2)]),
            ("backwards", vec![t(2), t(1)]),
        ];
        for (what, times) in cases {
            let points: Vec<P> = times.iter().map(|t| P::new(*t, 0, 1.0)).collect();
            let e = mesh
                .write(&s, by_key(3), Some((t(0), t(5))), encode(&points, true))
                .await
                .unwrap_err();
            assert_eq!(e.code(), tonic::Code::InvalidArgument, "{what}");
            assert!(
                e.message()
                    .contains("timestamps in the segment are not increasing"),
                "{what}: {e:?}"
            );
        }
        // Nothing was written.
        let reply = mesh.read(&s, by_key(3), t(1), t(9)).await.unwrap();
        assert_eq!(decode(&reply.data).0, test_day(100.0));
    });
}

#[test]
fn writes_through_an_attribute_reach_its_resource_with_either_nullability() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let t = |h: i64| DAY_2016 + h * HOUR;
        let points: Vec<P> = (1..=9)
            .map(|h| P::new(t(h), 0, 10.0 + 2.0 * h as f64))
            .collect();
        // As the SDK writes: first point to last + 1 s.
        for (id, nullable) in [
            (by_path(CHIMNEY_2_TS_RAW_SHORT), true),
            (by_id(CHIMNEY_2_TS_RAW_ID), false),
            (by_key(3), true),
        ] {
            mesh.write(
                &s,
                id.clone(),
                Some((t(1), t(9) + 1000)),
                encode(&points, nullable),
            )
            .await
            .unwrap();
            let reply = mesh
                .read(&s, by_path(CHIMNEY_2_TS_RAW_FULL), t(1), t(9))
                .await
                .unwrap();
            assert_eq!(decode(&reply.data).0, points, "{id:?}");
            mesh.session.rollback(s.clone()).await.unwrap();
        }
        // One point into the stored NaN leaves its neighbours alone.
        mesh.write(
            &s,
            by_key(3),
            Some((t(4), t(4) + 1000)),
            encode(&[P::new(t(4), 0, 400.0)], true),
        )
        .await
        .unwrap();
        let reply = mesh.read(&s, by_key(3), t(1), t(9)).await.unwrap();
        let expected: Vec<P> = (1..=9).map(|h| P::new(t(h), 0, 100.0 * h as f64)).collect();
        assert_eq!(decode(&reply.data).0, expected);
    });
}

#[test]
fn writing_to_a_calculated_series_fails() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let point = encode(&[P::new(DAY_2016, 0, 1.0)], true);
        for id in [by_path(PLANT_TS_CALC), by_key(4)] {
            let e = mesh
                .write(
                    &s,
                    id.clone(),
                    Some((DAY_2016, DAY_2016 + 1)),
                    point.clone(),
                )
                .await
                .unwrap_err();
            assert_eq!(e.code(), tonic::Code::NotFound, "{id:?}");
            assert!(e.message().contains("not found"), "{e:?}");
        }
    });
}

#[test]
fn points_outside_the_interval_and_bad_payloads_are_refused() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let one = encode(&[P::new(DAY_2016 + 5, 0, 1.0)], true);
        type Case = (&'static str, Option<(i64, i64)>, Vec<u8>);
        let cases: [Case; 3] = [
            (
                "point before the interval",
                Some((DAY_2016 + 6, DAY_2016 + 9)),
                one.clone(),
            ),
            ("point at the end", Some((DAY_2016, DAY_2016 + 5)), one),
            ("not Arrow", Some((DAY_2016, DAY_2016 + 5)), vec![1, 2, 3]),
        ];
        for (what, interval, data) in cases {
            let e = mesh.write(&s, by_key(1), interval, data).await.unwrap_err();
            assert_eq!(e.code(), tonic::Code::InvalidArgument, "{what}: {e:?}");
        }
    });
}
