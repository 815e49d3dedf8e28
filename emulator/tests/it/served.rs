//! Data-serving mode (`Config::served`): reads of the served series come
//! from the points it was given, by interval, the same when asked again;
//! writes to it are accepted and change nothing; other series are served
//! from the store as always; a read still needs a session.

use std::sync::Arc;

use mesh_emulator::{Config, Emulator, Served};

use crate::common::*;

#[test]
fn the_served_series_answers_from_its_points_and_drops_writes() {
    let times: Vec<i64> = (0..1000).map(|i| DAY_2016 + i * 1000).collect();
    let values: Vec<f64> = (0..1000).map(|i| i as f64 * 0.5).collect();
    let served = Served::new(77, &times, &vec![0; 1000], &values).unwrap();
    let emu = Emulator::start_local(Config {
        served: Some(Arc::new(served)),
        ..Config::default()
    })
    .unwrap();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        // [100 s, 200 s): points 100 to 199, twice (the second from the cache).
        for _ in 0..2 {
            let reply = mesh
                .read(&s, by_key(77), DAY_2016 + 100_000, DAY_2016 + 200_000)
                .await
                .unwrap();
            let (points, _) = decode(&reply.data);
            let expected: Vec<P> = (100..200)
                .map(|i| P::new(DAY_2016 + i * 1000, 0, i as f64 * 0.5))
                .collect();
            assert_eq!(points, expected);
            assert!(reply.interval.is_some());
        }
        // Nothing in the interval: no points, no interval.
        let reply = mesh.read(&s, by_key(77), 0, 1000).await.unwrap();
        assert!(decode(&reply.data).0.is_empty() && reply.interval.is_none());
        // A write is accepted and dropped.
        let one = encode(&[P::new(DAY_2016 + 100_000, 0, 42.0)], true);
        mesh.write(&s, by_key(77), Some((DAY_2016, DAY_2016 + 1_000_000)), one)
            .await
            .unwrap();
        let reply = mesh
            .read(&s, by_key(77), DAY_2016, DAY_2016 + 1_000_000)
            .await
            .unwrap();
        assert_eq!(decode(&reply.data).0.len(), 1000);
        // Another series is the store's: the demo series 3 as always.
        let reply = mesh
            .read(&s, by_key(3), DAY_2016 + HOUR, DAY_2016 + 9 * HOUR)
            .await
            .unwrap();
        assert_eq!(decode(&reply.data).0, test_day(100.0));
        // No session, no answer.
        let bogus = mesh_emulator::proto::types::Guid {
            bytes_le: vec![7; 16],
        };
        assert!(mesh.read(&bogus, by_key(77), 0, 1000).await.is_err());
    });
    assert!(Served::new(1, &[2, 1], &[0, 0], &[0.0, 0.0]).is_err());
    assert!(Served::new(1, &[1, 2], &[0], &[0.0, 0.0]).is_err());
}
