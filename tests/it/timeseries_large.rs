//! Sizes through the C API against the emulator over TCP: writes chunked
//! under Mesh's 4 MB request limit replace exactly their interval, reads
//! over the receive limit are split by time and merged (the trailing point
//! of a linear series kept once), a million points round trip.

use std::ptr;
use std::time::Instant;

use crate::common::points::*;
use crate::common::tools::note;
use crate::common::*;
use mesh_capi::client::{Connection, Points, TimeseriesId};
use mesh_status::*;

#[test]
fn an_answer_over_the_receive_limit_that_cannot_be_split_is_resource_exhausted() {
    let emu = ts_emulator(MINUTES_5);
    let address = emu.addr().to_string();
    let mut options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut options) }, MESH_OK);
    check(
        mesh_options_set_max_receive_message_bytes(options, 0),
        MESH_ERROR_INVALID_ARGUMENT,
    );
    check(mesh_options_free(options), MESH_OK);
    // Even an empty answer (the Arrow schema) is over 100 bytes.
    let conn = connect_with(&address, |o| {
        check(mesh_options_set_max_receive_message_bytes(o, 100), MESH_OK)
    });
    let session = open(conn);
    assert_eq!(
        read(session, KEY, T0, T0 + 1000),
        Err(MESH_ERROR_RESOURCE_EXHAUSTED)
    );
    let message = last_error();
    assert!(message.contains("cannot split further"), "{message}");
    // Split down to a single millisecond before giving up, one failed
    // request a level, not one request a millisecond.
    let calls = emu.calls("ReadTimeseries");
    assert!((2..=12).contains(&calls), "{calls} requests");
    assert!(!is_expired(session));
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn a_million_points_round_trip_through_chunking() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let other = open(conn);
    let n = 1_000_000;
    let start = T0;
    let end = T0 + n as i64 * 1000 + 1;
    let mut cols = Cols::series(start, 1000, n, 0.5);
    cols.v[12_345] = f64::NAN.to_bits();

    let began = Instant::now();
    write_ok(session, KEY, start, end, &cols);
    let write_s = began.elapsed().as_secs_f64();
    // 150,000 points a request: 7 requests.
    assert_eq!(emu.calls("WriteTimeseries"), 7);

    let began = Instant::now();
    let back = read_ok(session, KEY, start, end);
    let read_s = began.elapsed().as_secs_f64();
    let reads = emu.calls("ReadTimeseries");
    assert!(reads > 1, "20 MB over a 4 MB limit must be read in parts");
    assert_eq!(back, cols);
    // Two parts at a time: the writes and the refused first read went one
    // at a time.
    let most = emu.most_calls_in_flight();
    assert_eq!(most, 2, "calls in flight at once");

    check(mesh_session_commit(session), MESH_OK);
    let committed = read_ok(other, KEY, start, end);
    assert_eq!(committed, cols);
    note(&format!(
        "million points: write {:.0} points/s ({write_s:.2} s, 7 requests), read {:.0} points/s ({read_s:.2} s, {reads} requests incl. refused ones, {most} at once), debug={}",
        n as f64 / write_s,
        n as f64 / read_s,
        cfg!(debug_assertions)
    ));

    // With the receive limit raised, one request does.
    let big = connect_with(&emu.addr().to_string(), |o| {
        check(
            mesh_options_set_max_receive_message_bytes(o, 64 << 20),
            MESH_OK,
        )
    });
    let third = open(big);
    let before = emu.calls("ReadTimeseries");
    let began = Instant::now();
    assert_eq!(read_ok(third, KEY, start, end), cols);
    note(&format!(
        "million points, 64 MiB receive limit: read {:.0} points/s in one request",
        n as f64 / began.elapsed().as_secs_f64()
    ));
    assert_eq!(emu.calls("ReadTimeseries"), before + 1);

    for s in [session, other, third] {
        check(mesh_session_close(s), MESH_OK);
    }
    check(mesh_connection_close(big), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn chunked_writes_replace_exactly_the_requested_interval() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let n = 400_000usize;
    let start = T0;
    let end = T0 + 10 * n as i64 + 5;
    // Old points just outside, at the edges, and between the new ones.
    let old_times = vec![
        start - 1,
        start,
        start + 5,
        start + 10 * 150_000 - 1,
        start + 10 * 150_000 + 3,
        end - 1,
        end,
    ];
    let old = Cols::new(old_times.clone(), vec![NOT_OK; 7], vec![-1.0; 7]);
    write_ok(session, KEY, start - 1, end + 1, &old);
    check(mesh_session_commit(session), MESH_OK);

    let new = Cols::series(start, 10, n, 3.0);
    write_ok(session, KEY, start, end, &new);
    assert_eq!(emu.calls("WriteTimeseries"), 1 + 3);
    check(mesh_session_commit(session), MESH_OK);

    let mut expected = Cols::new(vec![start - 1], vec![NOT_OK], vec![-1.0]);
    expected.t.extend(&new.t);
    expected.f.extend(&new.f);
    expected.v.extend(&new.v);
    expected.t.push(end);
    expected.f.push(NOT_OK);
    expected.v.push((-1.0f64).to_bits());
    assert_eq!(read_ok(session, KEY, start - 10, end + 10), expected);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn a_write_over_4_mb_goes_out_in_requests_under_it() {
    // 250,000 points is 5 MB on the wire, over what Mesh takes in one
    // request (the emulator refuses such a request, as
    // emulator/tests/it/limits_and_catalog.rs shows); the library sends two.
    let emu = ts_emulator(MINUTES_5);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let conn = rt
        .block_on(Connection::connect(
            &emu.addr().to_string(),
            Default::default(),
        ))
        .unwrap();
    let session = rt.block_on(conn.open_session()).unwrap();
    let n = 250_000;
    let points = Points::new(
        (0..n as i64).map(|i| T0 + i).collect(),
        vec![0; n],
        (0..n).map(|i| i as f64).collect(),
    )
    .unwrap();
    assert!(points.to_arrow_stream().unwrap().len() > 5_000_000);
    let id = TimeseriesId::Key(KEY);
    rt.block_on(session.write_timeseries(&id, T0, T0 + n as i64, &points))
        .unwrap();
    assert_eq!(emu.calls("WriteTimeseries"), 2);
    let back = rt
        .block_on(session.read_timeseries(&id, T0, T0 + n as i64))
        .unwrap();
    assert_eq!(back, points);
    rt.block_on(session.close()).unwrap();
}

#[test]
fn split_reads_of_a_linear_series_keep_the_trailing_point_once() {
    // Mesh answers a PIECEWISELINEAR read with one more point, at or after
    // the interval end. When a read is split by time, each part but the
    // last has such a point too, which is also the next part's first: the
    // merge must hold it once, and the whole read's own trailing point
    // must stay.
    let emu = ts_emulator(MINUTES_5);
    let address = emu.addr().to_string();
    let big = connect(&address);
    let writer = open(big);
    let n = 20_000;
    let all = Cols::series(T0, 1000, n, 7.0);
    write_ok(writer, LINEAR_KEY, T0, T0 + n as i64 * 1000, &all);
    check(mesh_session_commit(writer), MESH_OK);

    // Up to the 15,000th point, exclusive: that point comes as the trailing one.
    let end = T0 + 15_000 * 1000;
    let whole = read_ok(writer, LINEAR_KEY, T0, end);
    let expected = all.pick(&(0..=15_000).collect::<Vec<_>>());
    assert_eq!(whole, expected, "one read");

    // 16 KiB a message: about 800 points a part, so 19 parts or more.
    let small = connect_with(&address, |o| {
        check(
            mesh_options_set_max_receive_message_bytes(o, 16 << 10),
            MESH_OK,
        )
    });
    let reader = open(small);
    let before = emu.calls("ReadTimeseries");
    let split = read_ok(reader, LINEAR_KEY, T0, end);
    let requests = emu.calls("ReadTimeseries") - before;
    assert!(requests > 19, "{requests} requests");
    assert!(
        split.t.windows(2).all(|w| w[0] < w[1]),
        "a point repeated at a merge"
    );
    assert_eq!(split, expected, "read in {requests} requests");

    // Interval ends between points: the trailing point is the next one.
    let end = T0 + 12_345_500;
    let expected = all.pick(&(0..=12_346).collect::<Vec<_>>());
    assert_eq!(read_ok(writer, LINEAR_KEY, T0, end), expected);
    assert_eq!(read_ok(reader, LINEAR_KEY, T0, end), expected);

    for s in [writer, reader] {
        check(mesh_session_close(s), MESH_OK);
    }
    for c in [big, small] {
        check(mesh_connection_close(c), MESH_OK);
    }
}
