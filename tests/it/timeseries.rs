//! Time series through the C API against the emulator over TCP: session
//! isolation and expiry, addressing by key, path and id, interval edges,
//! values and flags bit for bit, errors and bad input, the C example. What
//! Mesh sends that needs care is in `timeseries_mesh.rs`, sizes and
//! chunking in `timeseries_large.rs`, Arrow interoperability in
//! `arrow_interop.rs`.

use std::process::Command;
use std::ptr;
use std::time::{Duration, Instant};

use crate::common::points::*;
use crate::common::*;
use mesh_status::*;

#[test]
fn isolation_matrix() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let writer = open(conn);
    let other = open(conn);
    let empty = Cols::default();

    // Uncommitted: the writer sees its write, the other session does not.
    write_ok(writer, KEY, T0, DAY_END, &day(1.0));
    assert_eq!(read_ok(writer, KEY, T0, DAY_END), day(1.0));
    assert_eq!(read_ok(other, KEY, T0, DAY_END), empty);

    // Commit publishes.
    check(mesh_session_commit(writer), MESH_OK);
    assert_eq!(read_ok(other, KEY, T0, DAY_END), day(1.0));
    assert_eq!(read_ok(writer, KEY, T0, DAY_END), day(1.0));

    // Rollback discards the uncommitted write; committed data stays.
    write_ok(writer, KEY, T0, DAY_END, &day(50.0));
    assert_eq!(read_ok(writer, KEY, T0, DAY_END), day(50.0));
    assert_eq!(read_ok(other, KEY, T0, DAY_END), day(1.0));
    check(mesh_session_rollback(writer), MESH_OK);
    assert_eq!(read_ok(writer, KEY, T0, DAY_END), day(1.0));
    assert_eq!(read_ok(other, KEY, T0, DAY_END), day(1.0));

    // Commit then rollback: the rollback has nothing left to undo.
    write_ok(writer, KEY, T0, DAY_END, &day(2.0));
    check(mesh_session_commit(writer), MESH_OK);
    check(mesh_session_rollback(writer), MESH_OK);
    assert_eq!(read_ok(writer, KEY, T0, DAY_END), day(2.0));
    assert_eq!(read_ok(other, KEY, T0, DAY_END), day(2.0));

    // A session ended without commit loses its writes.
    let ending = open(conn);
    write_ok(ending, KEY, T0, DAY_END, &day(3.0));
    write_ok(ending, OTHER_KEY, T0, DAY_END, &day(3.0));
    assert_eq!(read_ok(ending, KEY, T0, DAY_END), day(3.0));
    check(mesh_session_close(ending), MESH_OK);
    assert_eq!(read_ok(other, KEY, T0, DAY_END), day(2.0));
    assert_eq!(read_ok(other, OTHER_KEY, T0, DAY_END), empty);

    // An empty write with an interval deletes it, in the session first.
    write_ok(writer, KEY, T0 + 2 * HOUR, T0 + 4 * HOUR, &empty);
    let mut expected = day(2.0);
    expected.t.drain(2..4);
    expected.f.drain(2..4);
    expected.v.drain(2..4);
    assert_eq!(read_ok(writer, KEY, T0, DAY_END), expected);
    assert_eq!(read_ok(other, KEY, T0, DAY_END), day(2.0));
    check(mesh_session_commit(writer), MESH_OK);
    assert_eq!(read_ok(other, KEY, T0, DAY_END), expected);

    // Sessions see each other's commits of different series, and their own
    // pending writes over them.
    write_ok(other, OTHER_KEY, T0, DAY_END, &day(7.0));
    write_ok(writer, KEY, T0, DAY_END, &day(8.0));
    check(mesh_session_commit(other), MESH_OK);
    assert_eq!(read_ok(writer, OTHER_KEY, T0, DAY_END), day(7.0));
    assert_eq!(read_ok(writer, KEY, T0, DAY_END), day(8.0));
    assert_eq!(read_ok(other, KEY, T0, DAY_END), expected);

    for s in [writer, other] {
        check(mesh_session_close(s), MESH_OK);
    }
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn a_session_that_expires_without_commit_loses_its_writes() {
    let emu = ts_emulator(Duration::from_secs(1));
    let conn = connect(&emu.addr().to_string());
    let reader = open(conn);
    let lost = open(conn);
    let id = id_of(lost);
    write_ok(lost, KEY, T0, DAY_END, &day(4.0));
    assert_eq!(read_ok(lost, KEY, T0, DAY_END), day(4.0));
    // Detaching stops keep-alive; the server lets the session expire.
    check(mesh_session_detach(lost), MESH_OK);
    assert!(
        wait_until(Duration::from_secs(10), || emu.open_sessions() == 1),
        "the detached session did not expire"
    );
    assert_eq!(attach(conn, &id), Err(MESH_ERROR_SESSION_NOT_FOUND));
    // `reader` is kept alive by the library meanwhile.
    assert_eq!(read_ok(reader, KEY, T0, DAY_END), Cols::default());
    check(mesh_session_close(reader), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn time_series_calls_count_as_activity() {
    // With a 1 s server timeout the library extends a session idle for
    // 0.9 s (the most it allows); a session busy with time series calls
    // needs no extension, and the server, counting those calls as activity
    // too, keeps it open for 1.5 s without one.
    let emu = ts_emulator(Duration::from_secs(1));
    let conn = connect_with(&emu.addr().to_string(), |o| {
        check(mesh_options_set_keepalive_interval_ms(o, 60_000), MESH_OK)
    });
    let session = open(conn);
    wait_for_learned_timeout(&emu);
    let extends_at_open = emu.calls("ExtendSession");
    let until = Instant::now() + Duration::from_millis(1500);
    let mut i = 0;
    while Instant::now() < until {
        if i % 2 == 0 {
            write_ok(session, KEY, T0, DAY_END, &day(i as f64));
        } else {
            read_ok(session, KEY, T0, DAY_END);
        }
        i += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(emu.calls("ExtendSession"), extends_at_open);
    assert!(!is_expired(session));
    check(mesh_session_commit(session), MESH_OK);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn concurrent_commits_lose_no_write() {
    let emu = ts_emulator(MINUTES_5);
    let address = emu.addr().to_string();
    let threads = 8;
    let rounds = 5;
    std::thread::scope(|s| {
        for n in 0..threads {
            let address = address.clone();
            s.spawn(move || {
                let conn = connect(&address);
                let session = open(conn);
                for r in 0..rounds {
                    // Each thread owns an hour of each round's day, and
                    // writes its whole day to the shared series too.
                    let t = T0 + (r * threads + n) as i64 * HOUR;
                    let one = Cols::new(vec![t], vec![0], vec![n as f64]);
                    write_ok(session, KEY, t, t + HOUR, &one);
                    let whole = Cols::series(T0, 1, 1000, (n * 1000 + r) as f64);
                    write_ok(session, OTHER_KEY, T0, T0 + 1000, &whole);
                    check(mesh_session_commit(session), MESH_OK);
                }
                check(mesh_session_close(session), MESH_OK);
                check(mesh_connection_close(conn), MESH_OK);
            });
        }
    });
    let conn = connect(&address);
    let session = open(conn);
    let all = read_ok(session, KEY, T0, T0 + 1000 * HOUR);
    assert_eq!(all.len(), threads * rounds, "a committed write was lost");
    // The shared series holds exactly one thread's whole write, not a mix.
    let shared = read_ok(session, OTHER_KEY, T0, T0 + 1000);
    assert_eq!(shared.len(), 1000);
    let base = shared.values()[0];
    assert_eq!(shared, Cols::series(T0, 1, 1000, base), "a torn series");
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn reads_by_path_and_id_and_the_demo_catalog() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    // The default catalog has a week of hourly points in Resource/Demo/*.
    let mut points = ptr::null_mut();
    let path = c("Resource/Demo/Inflow");
    check(
        unsafe {
            mesh_timeseries_read_by_path(
                session,
                path.as_ptr(),
                T0,
                T0 + 7 * 24 * HOUR,
                &mut points,
            )
        },
        MESH_OK,
    );
    let demo = take_points(points);
    assert_eq!(demo.len(), 168);
    let demo_key = default_key("Resource/Demo/Inflow");
    assert_eq!(demo, read_ok(session, demo_key, T0, T0 + 7 * 24 * HOUR));

    write_ok(session, KEY, T0, DAY_END, &day(5.0));
    let path = c(PATH);
    let mut points = ptr::null_mut();
    check(
        unsafe { mesh_timeseries_read_by_path(session, path.as_ptr(), T0, DAY_END, &mut points) },
        MESH_OK,
    );
    assert_eq!(take_points(points), day(5.0));

    // The emulator gives series ids derived from their keys; both text
    // forms of the id are taken.
    let id = format!("7a3e0000-0000-4000-8000-{:012x}", KEY);
    for form in [id.clone(), format!("{{{}}}", id.to_uppercase())] {
        let text = c(&form);
        let mut points = ptr::null_mut();
        check(
            unsafe { mesh_timeseries_read_by_id(session, text.as_ptr(), T0, DAY_END, &mut points) },
            MESH_OK,
        );
        assert_eq!(
            take_points(points),
            read_ok(session, KEY, T0, DAY_END),
            "{form}"
        );
        // Writing by id and by path reach the same series.
        let values = [9.0];
        check(
            unsafe {
                mesh_timeseries_write_by_id(
                    session,
                    text.as_ptr(),
                    T0,
                    T0 + 1,
                    &T0,
                    ptr::null(),
                    values.as_ptr(),
                    1,
                )
            },
            MESH_OK,
        );
    }
    let values = [10.0];
    check(
        unsafe {
            mesh_timeseries_write_by_path(
                session,
                path.as_ptr(),
                T0 + HOUR,
                T0 + HOUR + 1,
                &(T0 + HOUR),
                &NOT_OK,
                values.as_ptr(),
                1,
            )
        },
        MESH_OK,
    );
    let after = read_ok(session, KEY, T0, T0 + 2 * HOUR);
    assert_eq!(
        after,
        Cols::new(vec![T0, T0 + HOUR], vec![0, NOT_OK], vec![9.0, 10.0])
    );
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn half_open_intervals_at_the_edges() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let three = Cols::series(T0, HOUR, 3, 1.0);
    write_ok(session, KEY, T0, T0 + 3 * HOUR, &three);
    let pick = |idx: &[usize]| three.pick(idx);
    // The start is in, the end is out.
    assert_eq!(read_ok(session, KEY, T0, T0 + 2 * HOUR), pick(&[0, 1]));
    assert_eq!(
        read_ok(session, KEY, T0 + 1, T0 + 2 * HOUR + 1),
        pick(&[1, 2])
    );
    assert_eq!(read_ok(session, KEY, T0 + HOUR, T0 + HOUR + 1), pick(&[1]));
    assert_eq!(read_ok(session, KEY, T0 + HOUR, T0 + HOUR), Cols::default());
    assert_eq!(read_ok(session, KEY, T0 - HOUR, T0), Cols::default());
    // A write's interval end is out: deleting [T0+1h, T0+2h) keeps T0+2h.
    write_ok(session, KEY, T0 + HOUR, T0 + 2 * HOUR, &Cols::default());
    assert_eq!(read_ok(session, KEY, T0, T0 + 3 * HOUR), pick(&[0, 2]));
    // A point at the interval end is outside the interval.
    let at_end = Cols::new(vec![T0 + HOUR], vec![0], vec![1.0]);
    assert_eq!(
        write(session, KEY, T0, T0 + HOUR, &at_end),
        MESH_ERROR_INVALID_ARGUMENT
    );
    assert!(
        last_error().contains("inside the interval"),
        "{}",
        last_error()
    );
    // An empty interval is a valid write that changes nothing.
    write_ok(session, KEY, T0, T0, &Cols::default());
    assert_eq!(read_ok(session, KEY, T0, T0 + 3 * HOUR), pick(&[0, 2]));
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn values_and_flags_survive_bit_for_bit() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let other = open(conn);
    let values = [
        f64::NAN,
        f64::from_bits(0x7ff0_0000_0000_0001), // signalling NaN
        f64::from_bits(0xfff8_dead_beef_0000), // negative NaN with payload
        -0.0,
        0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE / 4.0, // subnormal
        f64::MAX,
        1e300,
    ];
    let flags = [
        0,
        MISSING,
        SUSPECT,
        NOT_OK,
        MISSING | SUSPECT,
        u32::MAX,
        1,
        0x8000_0000,
        7,
        0,
    ];
    let cols = Cols::new(
        (0..values.len() as i64).map(|i| T0 + i).collect(),
        flags.to_vec(),
        values.to_vec(),
    );
    write_ok(session, KEY, T0, T0 + 100, &cols);
    assert_eq!(read_ok(session, KEY, T0, T0 + 100), cols);
    check(mesh_session_commit(session), MESH_OK);
    assert_eq!(read_ok(other, KEY, T0, T0 + 100), cols);
    // Negative and far times too.
    let far = Cols::new(
        vec![-86_400_000, 0, 253_402_300_799_000],
        vec![0; 3],
        vec![1.0, 2.0, 3.0],
    );
    write_ok(session, OTHER_KEY, -86_400_000, 253_402_300_800_000, &far);
    assert_eq!(
        read_ok(session, OTHER_KEY, i64::MIN / 2, 253_402_300_800_000),
        far
    );
    for s in [session, other] {
        check(mesh_session_close(s), MESH_OK);
    }
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn error_cases_give_the_documented_statuses() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let one = Cols::new(vec![T0], vec![0], vec![1.0]);

    // Unknown key, path, id: NOT_FOUND, with the server's words.
    assert_eq!(read(session, 999, T0, DAY_END), Err(MESH_ERROR_NOT_FOUND));
    assert!(
        last_error().contains("Timeseries with key 999 not found."),
        "{}",
        last_error()
    );
    assert_eq!(write(session, 999, T0, DAY_END, &one), MESH_ERROR_NOT_FOUND);
    let mut points = ptr::null_mut();
    let path = c("Resource/No/Such");
    assert_eq!(
        unsafe { mesh_timeseries_read_by_path(session, path.as_ptr(), T0, DAY_END, &mut points) },
        MESH_ERROR_NOT_FOUND
    );
    let id = c("123e4567-e89b-12d3-a456-556642440000");
    assert_eq!(
        unsafe { mesh_timeseries_read_by_id(session, id.as_ptr(), T0, DAY_END, &mut points) },
        MESH_ERROR_NOT_FOUND
    );
    assert!(
        last_error().contains("{123E4567-E89B-12D3-A456-556642440000}"),
        "{}",
        last_error()
    );
    assert!(points.is_null());
    // The session lives on after a not-found.
    assert!(!is_expired(session));

    // Bad interval: INVALID_ARGUMENT without a request.
    let reads = emu.calls("ReadTimeseries");
    let writes = emu.calls("WriteTimeseries");
    assert_eq!(
        read(session, KEY, T0, T0 - 1),
        Err(MESH_ERROR_INVALID_ARGUMENT)
    );
    assert!(last_error().contains("before start"), "{}", last_error());
    assert_eq!(
        write(session, KEY, T0, T0 - 1, &Cols::default()),
        MESH_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(emu.calls("ReadTimeseries"), reads);
    assert_eq!(emu.calls("WriteTimeseries"), writes);

    // Timestamps that do not strictly increase: refused before any
    // request, naming the first offending index.
    let cases = [
        (
            vec![T0, T0 + 2, T0 + 1, T0 + 3],
            format!(
                "timestamps[2] = {} is not after timestamps[1] = {}",
                T0 + 1,
                T0 + 2
            ),
        ),
        (
            vec![T0, T0],
            format!("timestamps[1] = {T0} is not after timestamps[0] = {T0}"),
        ),
        (
            vec![T0 + 5, T0 + 6, T0 + 7, T0 + 7, T0 + 1],
            format!(
                "timestamps[3] = {} is not after timestamps[2] = {}",
                T0 + 7,
                T0 + 7
            ),
        ),
    ];
    for (times, detail) in cases {
        let n = times.len();
        let cols = Cols::new(times, vec![0; n], vec![1.0; n]);
        assert_eq!(
            write(session, KEY, T0, DAY_END, &cols),
            MESH_ERROR_INVALID_ARGUMENT
        );
        assert_eq!(
            last_error(),
            format!(
                "mesh_timeseries_write_by_key: timestamps must be strictly increasing: {detail}"
            )
        );
    }
    assert_eq!(emu.calls("WriteTimeseries"), writes);

    // Table of bad arguments.
    let bad_id = c("not-a-guid");
    let values = [1.0];
    let null_session: *mut mesh_session = ptr::null_mut();
    let cases: Vec<(&str, mesh_status, mesh_status)> = vec![
        (
            "NULL out",
            unsafe { mesh_timeseries_read_by_key(session, KEY, T0, DAY_END, ptr::null_mut()) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "NULL session",
            unsafe { mesh_timeseries_read_by_key(null_session, KEY, T0, DAY_END, &mut points) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "connection as session",
            unsafe { mesh_timeseries_read_by_key(conn.cast(), KEY, T0, DAY_END, &mut points) },
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "NULL path",
            unsafe { mesh_timeseries_read_by_path(session, ptr::null(), T0, DAY_END, &mut points) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "malformed id",
            unsafe {
                mesh_timeseries_read_by_id(session, bad_id.as_ptr(), T0, DAY_END, &mut points)
            },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "NULL timestamps with count 1",
            unsafe {
                mesh_timeseries_write_by_key(
                    session,
                    KEY,
                    T0,
                    DAY_END,
                    ptr::null(),
                    ptr::null(),
                    values.as_ptr(),
                    1,
                )
            },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "NULL values with count 1",
            unsafe {
                mesh_timeseries_write_by_key(
                    session,
                    KEY,
                    T0,
                    DAY_END,
                    &T0,
                    ptr::null(),
                    ptr::null(),
                    1,
                )
            },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "malformed id in a write",
            unsafe {
                mesh_timeseries_write_by_id(
                    session,
                    bad_id.as_ptr(),
                    T0,
                    DAY_END,
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    0,
                )
            },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "NULL points",
            unsafe { mesh_point_list_count(ptr::null(), &mut 0) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "session as points",
            unsafe { mesh_point_list_count(session.cast(), &mut 0) },
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "free NULL points (a no-op)",
            mesh_point_list_free(ptr::null_mut()),
            MESH_OK,
        ),
    ];
    for (what, got, expected) in cases {
        assert_eq!(got, expected, "{what}: {}", last_error());
    }
    assert!(points.is_null(), "out written on failure");

    // A freed points handle is invalid, and so is freeing it again.
    write_ok(session, KEY, T0, DAY_END, &one);
    check(
        unsafe { mesh_timeseries_read_by_key(session, KEY, T0, DAY_END, &mut points) },
        MESH_OK,
    );
    let mut n = 0;
    check(unsafe { mesh_point_list_count(points, &mut n) }, MESH_OK);
    assert_eq!(n, 1);
    check(
        unsafe { mesh_point_list_count(points, ptr::null_mut()) },
        MESH_ERROR_INVALID_ARGUMENT,
    );
    let mut small = [0i64; 0];
    check(
        unsafe {
            mesh_point_list_copy(
                points,
                small.as_mut_ptr(),
                ptr::null_mut(),
                ptr::null_mut(),
                0,
            )
        },
        MESH_ERROR_BUFFER_TOO_SMALL,
    );
    let (mut t, mut f, mut v) = ([0i64; 2], [9u32; 2], [0f64; 2]);
    check(
        unsafe { mesh_point_list_copy(points, t.as_mut_ptr(), f.as_mut_ptr(), v.as_mut_ptr(), 2) },
        MESH_OK,
    );
    assert_eq!((t[0], f[0], v[0]), (T0, 0, 1.0));
    check(mesh_point_list_free(points), MESH_OK);
    check(mesh_point_list_free(points), MESH_ERROR_INVALID_HANDLE);
    check(
        unsafe { mesh_point_list_count(points, &mut n) },
        MESH_ERROR_INVALID_HANDLE,
    );

    // A closed session.
    check(mesh_session_close(session), MESH_OK);
    assert_eq!(
        read(session, KEY, T0, DAY_END),
        Err(MESH_ERROR_INVALID_HANDLE)
    );
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn committed_points_survive_an_emulator_restart() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    write_ok(session, KEY, T0, DAY_END, &day(6.0));
    check(mesh_session_commit(session), MESH_OK);
    write_ok(session, OTHER_KEY, T0, DAY_END, &day(6.0));
    emu.restart().unwrap();
    let conn2 = connect(&emu.addr().to_string());
    let fresh = open(conn2);
    assert_eq!(read_ok(fresh, KEY, T0, DAY_END), day(6.0));
    assert_eq!(read_ok(fresh, OTHER_KEY, T0, DAY_END), Cols::default());
    check(mesh_session_close(fresh), MESH_OK);
    let _ = mesh_session_close(session);
    check(mesh_connection_close(conn2), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn the_timeseries_c_example_runs() {
    let exe = build("examples-c/timeseries.c");
    let emu = ts_emulator(MINUTES_5);
    let out = Command::new(&exe)
        .arg(emu.addr().to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "example failed ({:?}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "second session before commit: 0 points",
        "second session after commit: 24 points",
        "after deleting 12 hours: 12 points with values",
        "created Resource/Examples/Created_Series, key 0 until commit",
    ] {
        assert!(stdout.contains(line), "{line:?} missing in:\n{stdout}");
    }
    let key1 = mesh_emulator::default_catalog()
        .into_iter()
        .find(|s| s.key == 1)
        .expect("key 1 in the default catalog");
    assert!(
        stdout.contains(&format!("time series 1 is {}: ", key1.path)),
        "{stdout}"
    );
    let _ = std::fs::remove_file(&exe);
}
