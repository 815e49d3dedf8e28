//! Time series through the C API (and the Rust API where it is the
//! subject), against the emulator over TCP: session isolation, Arrow
//! streams and the C Data Interface (read back by pyarrow where installed),
//! chunked million-point round trips, interval edges, errors.

mod common;

use std::mem::MaybeUninit;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::ptr;
use std::time::{Duration, Instant};

use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{Array, Float64Array, StructArray, TimestampMillisecondArray, UInt32Array};
use common::*;
use mesh_capi::client::{ErrorKind, Points};
use mesh_emulator::{default_catalog, SeriesSpec};
use mesh_status::*;

const MINUTES_5: Duration = Duration::from_secs(300);
/// 2025-01-01T00:00:00Z in ms.
const T0: i64 = 1_735_689_600_000;
const HOUR: i64 = 3_600_000;
/// Series the tests write to; they start empty.
const KEY: i64 = 100;
const PATH: &str = "Resource/Test/Series";
const OTHER_KEY: i64 = 101;
const MISSING: u32 = 0x0400_0000;
const SUSPECT: u32 = 0x0200_0000;
const NOT_OK: u32 = 0x4000_0000;

/// Writes a line to the process's stderr past the test harness's capture,
/// so skips and measured rates show in a plain `cargo test` run.
fn note(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn catalog() -> Vec<SeriesSpec> {
    let mut specs = default_catalog();
    for (key, path) in [(KEY, PATH), (OTHER_KEY, "Resource/Test/Other")] {
        specs.push(SeriesSpec {
            key,
            path: path.to_string(),
            curve: 3,
            resolution: 1,
            unit: "MW".to_string(),
            demo_points: false,
        });
    }
    specs
}

fn ts_emulator(session_timeout: Duration) -> Emulator {
    Emulator::start_local(Config {
        session_timeout,
        catalog: catalog(),
        ..Config::default()
    })
    .expect("start emulator")
}

/// Points as plain columns, values as bits so NaN compares exactly.
#[derive(Clone, Debug, Default, PartialEq)]
struct Cols {
    t: Vec<i64>,
    f: Vec<u32>,
    v: Vec<u64>,
}

impl Cols {
    fn new(t: Vec<i64>, f: Vec<u32>, v: Vec<f64>) -> Cols {
        Cols {
            t,
            f,
            v: v.iter().map(|x| x.to_bits()).collect(),
        }
    }

    fn values(&self) -> Vec<f64> {
        self.v.iter().map(|b| f64::from_bits(*b)).collect()
    }

    /// `n` points from `start`, `step` ms apart, with distinct values.
    fn series(start: i64, step: i64, n: usize, base: f64) -> Cols {
        Cols::new(
            (0..n as i64).map(|i| start + i * step).collect(),
            (0..n)
                .map(|i| if i % 7 == 3 { SUSPECT } else { 0 })
                .collect(),
            (0..n).map(|i| base + i as f64 * 0.25).collect(),
        )
    }

    fn len(&self) -> usize {
        self.t.len()
    }
}

/// Reads the points of a `mesh_points` handle and frees it.
fn take_points(points: *mut mesh_points) -> Cols {
    let mut n = usize::MAX;
    check(unsafe { mesh_points_count(points, &mut n) }, MESH_OK);
    let (mut t, mut f, mut v) = (ptr::null(), ptr::null(), ptr::null());
    check(unsafe { mesh_points_timestamps(points, &mut t) }, MESH_OK);
    check(unsafe { mesh_points_flags(points, &mut f) }, MESH_OK);
    check(unsafe { mesh_points_values(points, &mut v) }, MESH_OK);
    assert!(!t.is_null() && !f.is_null() && !v.is_null());
    let cols = if n == 0 {
        Cols::default()
    } else {
        unsafe {
            Cols::new(
                std::slice::from_raw_parts(t, n).to_vec(),
                std::slice::from_raw_parts(f, n).to_vec(),
                std::slice::from_raw_parts(v, n).to_vec(),
            )
        }
    };
    check(mesh_points_free(points), MESH_OK);
    cols
}

fn read(session: *mut mesh_session, key: i64, start: i64, end: i64) -> Result<Cols, mesh_status> {
    let mut points = ptr::null_mut();
    match unsafe { mesh_read_timeseries_by_key(session, key, start, end, &mut points) } {
        MESH_OK => Ok(take_points(points)),
        status => {
            assert!(points.is_null(), "out written on failure");
            Err(status)
        }
    }
}

#[track_caller]
fn read_ok(session: *mut mesh_session, key: i64, start: i64, end: i64) -> Cols {
    read(session, key, start, end).unwrap_or_else(|s| panic!("read: {s:?}: {}", last_error()))
}

fn write(session: *mut mesh_session, key: i64, start: i64, end: i64, cols: &Cols) -> mesh_status {
    let values = cols.values();
    unsafe {
        mesh_write_timeseries_by_key(
            session,
            key,
            start,
            end,
            cols.t.as_ptr(),
            cols.f.as_ptr(),
            values.as_ptr(),
            cols.len(),
        )
    }
}

#[track_caller]
fn write_ok(session: *mut mesh_session, key: i64, start: i64, end: i64, cols: &Cols) {
    check(write(session, key, start, end, cols), MESH_OK);
}

const DAY_END: i64 = T0 + 24 * HOUR;

fn day(base: f64) -> Cols {
    Cols::series(T0, HOUR, 24, base)
}

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
            mesh_read_timeseries_by_path(
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
    assert_eq!(demo, read_ok(session, 1, T0, T0 + 7 * 24 * HOUR));

    write_ok(session, KEY, T0, DAY_END, &day(5.0));
    let path = c(PATH);
    let mut points = ptr::null_mut();
    check(
        unsafe { mesh_read_timeseries_by_path(session, path.as_ptr(), T0, DAY_END, &mut points) },
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
            unsafe { mesh_read_timeseries_by_id(session, text.as_ptr(), T0, DAY_END, &mut points) },
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
                mesh_write_timeseries_by_id(
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
            mesh_write_timeseries_by_path(
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
    let pick = |idx: &[usize]| Cols {
        t: idx.iter().map(|&i| three.t[i]).collect(),
        f: idx.iter().map(|&i| three.f[i]).collect(),
        v: idx.iter().map(|&i| three.v[i]).collect(),
    };
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
        unsafe { mesh_read_timeseries_by_path(session, path.as_ptr(), T0, DAY_END, &mut points) },
        MESH_ERROR_NOT_FOUND
    );
    let id = c("123e4567-e89b-12d3-a456-556642440000");
    assert_eq!(
        unsafe { mesh_read_timeseries_by_id(session, id.as_ptr(), T0, DAY_END, &mut points) },
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

    // Points out of order or repeated.
    let unordered = Cols::new(vec![T0 + 1, T0], vec![0, 0], vec![1.0, 2.0]);
    assert_eq!(
        write(session, KEY, T0, DAY_END, &unordered),
        MESH_ERROR_INVALID_ARGUMENT
    );
    let repeated = Cols::new(vec![T0, T0], vec![0, 0], vec![1.0, 2.0]);
    assert_eq!(
        write(session, KEY, T0, DAY_END, &repeated),
        MESH_ERROR_INVALID_ARGUMENT
    );

    // Table of bad arguments.
    let bad_id = c("not-a-guid");
    let values = [1.0];
    let null_session: *mut mesh_session = ptr::null_mut();
    let cases: Vec<(&str, mesh_status, mesh_status)> = vec![
        (
            "NULL out",
            unsafe { mesh_read_timeseries_by_key(session, KEY, T0, DAY_END, ptr::null_mut()) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "NULL session",
            unsafe { mesh_read_timeseries_by_key(null_session, KEY, T0, DAY_END, &mut points) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "connection as session",
            unsafe { mesh_read_timeseries_by_key(conn.cast(), KEY, T0, DAY_END, &mut points) },
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "NULL path",
            unsafe { mesh_read_timeseries_by_path(session, ptr::null(), T0, DAY_END, &mut points) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "malformed id",
            unsafe {
                mesh_read_timeseries_by_id(session, bad_id.as_ptr(), T0, DAY_END, &mut points)
            },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "NULL timestamps with count 1",
            unsafe {
                mesh_write_timeseries_by_key(
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
                mesh_write_timeseries_by_key(
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
                mesh_write_timeseries_by_id(
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
            unsafe { mesh_points_count(ptr::null(), &mut 0) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "session as points",
            unsafe { mesh_points_count(session.cast(), &mut 0) },
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "free NULL points (a no-op)",
            mesh_points_free(ptr::null_mut()),
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
        unsafe { mesh_read_timeseries_by_key(session, KEY, T0, DAY_END, &mut points) },
        MESH_OK,
    );
    let mut n = 0;
    check(unsafe { mesh_points_count(points, &mut n) }, MESH_OK);
    assert_eq!(n, 1);
    check(
        unsafe { mesh_points_count(points, ptr::null_mut()) },
        MESH_ERROR_INVALID_ARGUMENT,
    );
    let mut small = [0i64; 0];
    check(
        unsafe {
            mesh_points_copy(
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
        unsafe { mesh_points_copy(points, t.as_mut_ptr(), f.as_mut_ptr(), v.as_mut_ptr(), 2) },
        MESH_OK,
    );
    assert_eq!((t[0], f[0], v[0]), (T0, 0, 1.0));
    check(mesh_points_free(points), MESH_OK);
    check(mesh_points_free(points), MESH_ERROR_INVALID_HANDLE);
    check(
        unsafe { mesh_points_count(points, &mut n) },
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
fn the_server_refuses_requests_over_4_mb_with_resource_exhausted() {
    // The library never sends one (it chunks), so speak to the emulator
    // with a raw gRPC call carrying 5 MB of data.
    let emu = ts_emulator(MINUTES_5);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let conn = rt
        .block_on(mesh_capi::client::Connection::connect(
            &emu.addr().to_string(),
            Default::default(),
        ))
        .unwrap();
    let session = rt.block_on(conn.open_session()).unwrap();
    // 250,000 points is 5 MB: written through the library it goes out in
    // two requests, both under the limit.
    let n = 250_000;
    let points = Points::new(
        (0..n as i64).map(|i| T0 + i).collect(),
        vec![0; n],
        vec![1.0; n],
    )
    .unwrap();
    let id = mesh_capi::client::TimeseriesId::Key(KEY);
    rt.block_on(session.write_timeseries(&id, T0, T0 + n as i64, &points))
        .unwrap();
    assert_eq!(emu.calls("WriteTimeseries"), 2);
    // In one request it is refused.
    let status = rt
        .block_on(raw_write(
            &emu,
            session.id(),
            points.to_arrow_stream().unwrap(),
        ))
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::ResourceExhausted, "{status:?}");
    assert!(status.message().contains("larger than max"), "{status:?}");
    rt.block_on(session.close()).unwrap();
}

/// One WriteTimeseries sent as raw protobuf over HTTP/2, bypassing the
/// library's chunking.
async fn raw_write(
    emu: &Emulator,
    session: uuid::Uuid,
    data: Vec<u8>,
) -> Result<(), tonic::Status> {
    let request = raw::WriteRequest {
        session_id: Some(raw::guid(session)),
        timeseries: Some(raw::Timeseries {
            id: Some(raw::MeshId { key: Some(KEY) }),
            data,
        }),
    };
    raw::unary::<_, raw::Empty>(&emu.url(), "TimeseriesService/WriteTimeseries", request)
        .await
        .map(drop)
}

/// Mesh messages written out by hand from the protocol's field numbers, for
/// calls the library does not make.
mod raw {
    use prost::Message;

    #[derive(Clone, PartialEq, Message)]
    pub struct Guid {
        #[prost(bytes = "vec", tag = "1")]
        pub bytes_le: Vec<u8>,
    }
    pub fn guid(id: uuid::Uuid) -> Guid {
        Guid {
            bytes_le: id.to_bytes_le().to_vec(),
        }
    }
    #[derive(Clone, PartialEq, Message)]
    pub struct MeshId {
        #[prost(int64, optional, tag = "3")]
        pub key: Option<i64>,
    }
    #[derive(Clone, PartialEq, Message)]
    pub struct Timeseries {
        #[prost(message, optional, tag = "1")]
        pub id: Option<MeshId>,
        #[prost(bytes = "vec", tag = "4")]
        pub data: Vec<u8>,
    }
    #[derive(Clone, PartialEq, Message)]
    pub struct WriteRequest {
        #[prost(message, optional, tag = "1")]
        pub session_id: Option<Guid>,
        #[prost(message, optional, tag = "2")]
        pub timeseries: Option<Timeseries>,
    }
    #[derive(Clone, PartialEq, Message)]
    pub struct Empty {}
    /// `Curve` and `Resolution` alike: `{ enum type = 1 }`.
    #[derive(Clone, PartialEq, Message)]
    pub struct Enum {
        #[prost(int32, tag = "1")]
        pub value: i32,
    }
    #[derive(Clone, PartialEq, Message)]
    pub struct CreateRequest {
        #[prost(message, optional, tag = "1")]
        pub session_id: Option<Guid>,
        #[prost(string, tag = "2")]
        pub path: String,
        #[prost(string, tag = "3")]
        pub name: String,
        #[prost(message, optional, tag = "4")]
        pub curve_type: Option<Enum>,
        #[prost(message, optional, tag = "5")]
        pub resolution: Option<Enum>,
        #[prost(message, optional, tag = "6")]
        pub unit_of_measurement_id: Option<Guid>,
    }
    #[derive(Clone, PartialEq, Message)]
    pub struct GetResourceRequest {
        #[prost(message, optional, tag = "1")]
        pub session_id: Option<Guid>,
        #[prost(int64, tag = "2")]
        pub key: i64,
    }
    #[derive(Clone, PartialEq, Message)]
    pub struct Unit {
        #[prost(message, optional, tag = "1")]
        pub id: Option<Guid>,
        #[prost(string, tag = "2")]
        pub name: String,
    }
    #[derive(Clone, PartialEq, Message)]
    pub struct Resource {
        #[prost(int64, tag = "1")]
        pub key: i64,
        #[prost(string, tag = "2")]
        pub path: String,
        #[prost(string, tag = "3")]
        pub name: String,
        #[prost(bool, tag = "4")]
        pub temporary: bool,
        #[prost(message, optional, tag = "5")]
        pub curve_type: Option<Enum>,
        #[prost(message, optional, tag = "6")]
        pub resolution: Option<Enum>,
        #[prost(message, optional, tag = "7")]
        pub unit: Option<Unit>,
    }
    #[derive(Clone, PartialEq, Message)]
    pub struct SessionRequest {
        #[prost(message, optional, tag = "1")]
        pub session_id: Option<Guid>,
    }
    #[derive(Clone, PartialEq, Message)]
    pub struct Units {
        #[prost(message, repeated, tag = "1")]
        pub units: Vec<Unit>,
    }

    /// One unary call of `method` (`Service/Method`) under Mesh's packages.
    pub async fn unary<Req, Resp>(
        url: &str,
        method: &str,
        request: Req,
    ) -> Result<Resp, tonic::Status>
    where
        Req: Message + Send + Sync + 'static,
        Resp: Message + Default + Send + Sync + 'static,
    {
        let package = if method.starts_with("ModelDefinitionService/") {
            "volue.mesh.grpc.model_definition.v1alpha"
        } else {
            "volue.mesh.grpc.time_series.v1alpha"
        };
        let unavailable = |e: &dyn std::fmt::Display| tonic::Status::unavailable(e.to_string());
        let channel = tonic::transport::Endpoint::from_shared(url.to_string())
            .map_err(|e| unavailable(&e))?
            .connect()
            .await
            .map_err(|e| unavailable(&e))?;
        let mut grpc = tonic::client::Grpc::new(channel);
        grpc.ready().await.map_err(|e| unavailable(&e))?;
        let path: tonic::codegen::http::uri::PathAndQuery = format!("/{package}.{method}")
            .parse()
            .map_err(|e| unavailable(&e))?;
        let codec = tonic_prost::ProstCodec::<Req, Resp>::default();
        grpc.unary(tonic::Request::new(request), path, codec)
            .await
            .map(|r| r.into_inner())
    }
}

#[test]
fn the_emulator_creates_and_describes_time_series() {
    let emu = ts_emulator(MINUTES_5);
    let url = emu.url();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let conn = rt
        .block_on(mesh_capi::client::Connection::connect(
            &url,
            Default::default(),
        ))
        .unwrap();
    let session = rt.block_on(conn.open_session()).unwrap();
    let sid = || Some(raw::guid(session.id()));

    let units: raw::Units = rt
        .block_on(raw::unary(
            &url,
            "ModelDefinitionService/ListUnitsOfMeasurement",
            raw::SessionRequest { session_id: sid() },
        ))
        .unwrap();
    let mw = units.units.iter().find(|u| u.name == "MW").expect("MW");

    let resource: raw::Resource = rt
        .block_on(raw::unary(
            &url,
            "TimeseriesService/GetTimeseriesResource",
            raw::GetResourceRequest {
                session_id: sid(),
                key: 1,
            },
        ))
        .unwrap();
    assert_eq!(
        (resource.key, resource.path.as_str(), resource.name.as_str()),
        (1, "Resource/Demo/Inflow", "Inflow")
    );
    assert_eq!(resource.resolution.map(|r| r.value), Some(3));
    assert_eq!(resource.unit.map(|u| u.name), Some("m3/s".to_string()));
    let missing = rt
        .block_on(raw::unary::<_, raw::Resource>(
            &url,
            "TimeseriesService/GetTimeseriesResource",
            raw::GetResourceRequest {
                session_id: sid(),
                key: 4242,
            },
        ))
        .unwrap_err();
    assert_eq!(missing.code(), tonic::Code::NotFound);
    assert_eq!(missing.message(), "Timeseries with key 4242 not found.");

    let create = |path: &str| raw::CreateRequest {
        session_id: sid(),
        path: path.to_string(),
        name: "Test_Timeseries".to_string(),
        curve_type: Some(raw::Enum { value: 1 }),
        resolution: Some(raw::Enum { value: 2 }),
        unit_of_measurement_id: mw.id.clone(),
    };
    let created: raw::Resource = rt
        .block_on(raw::unary(
            &url,
            "TimeseriesService/CreatePhysicalTimeseries",
            create("/Path/To/Timeseries/"),
        ))
        .unwrap();
    assert_eq!(created.path, "Resource/Path/To/Timeseries/Test_Timeseries");
    assert_eq!(created.name, "Test_Timeseries");
    assert_eq!(created.curve_type.map(|c| c.value), Some(1));
    assert_eq!(created.unit.map(|u| u.name), Some("MW".to_string()));
    for bad in ["Path/To/", "/Path/To", ""] {
        let e = rt
            .block_on(raw::unary::<_, raw::Resource>(
                &url,
                "TimeseriesService/CreatePhysicalTimeseries",
                create(bad),
            ))
            .unwrap_err();
        assert_eq!(e.code(), tonic::Code::InvalidArgument, "{bad:?}");
    }

    // The new series takes points by key and by path.
    let id = mesh_capi::client::TimeseriesId::Path(created.path.clone());
    let points = Points::new(vec![T0], vec![0], vec![42.0]).unwrap();
    rt.block_on(session.write_timeseries(&id, T0, T0 + HOUR, &points))
        .unwrap();
    let by_key = mesh_capi::client::TimeseriesId::Key(created.key);
    let back = rt
        .block_on(session.read_timeseries(&by_key, T0, T0 + HOUR))
        .unwrap();
    assert_eq!(back, points);
    // Without an interval a write covers first point to last + 1 s.
    let two = Points::new(vec![T0 + 10_000, T0 + 20_000], vec![0, 0], vec![1.0, 2.0]).unwrap();
    rt.block_on(session.write_points(&by_key, &two)).unwrap();
    let back = rt
        .block_on(session.read_timeseries(&by_key, T0, T0 + HOUR))
        .unwrap();
    assert_eq!(back.timestamps(), [T0, T0 + 10_000, T0 + 20_000]);
    let three = Points::new(vec![T0 + 19_500], vec![0], vec![3.0]).unwrap();
    rt.block_on(session.write_points(&by_key, &three)).unwrap();
    let back = rt
        .block_on(session.read_timeseries(&by_key, T0, T0 + HOUR))
        .unwrap();
    assert_eq!(back.timestamps(), [T0, T0 + 10_000, T0 + 19_500]);
    // Unknown ids from the Rust API are NotFound too.
    let e = rt
        .block_on(session.read_timeseries(
            &mesh_capi::client::TimeseriesId::Path("Resource/Nope".into()),
            T0,
            T0 + 1,
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    rt.block_on(session.close()).unwrap();
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

    check(mesh_session_commit(session), MESH_OK);
    let committed = read_ok(other, KEY, start, end);
    assert_eq!(committed, cols);
    note(&format!(
        "million points: write {:.0} points/s ({write_s:.2} s, 7 requests), read {:.0} points/s ({read_s:.2} s, {reads} requests incl. refused ones), debug={}",
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

/// The golden streams written by pyarrow (copied from the project's
/// shared/vectors, with their README).
fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

#[test]
fn golden_vectors_decode_exactly() {
    let dir = vectors_dir();
    let decode = |name: &str| {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let p = Points::from_arrow_stream(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        Cols::new(
            p.timestamps().to_vec(),
            p.flags().to_vec(),
            p.values().to_vec(),
        )
    };
    let three = decode("points_3.arrows");
    assert_eq!(
        three.t,
        [1_735_689_600_000, 1_735_693_200_000, 1_735_696_800_000]
    );
    assert_eq!(three.f, [0, MISSING, SUSPECT]);
    let v = three.values();
    assert_eq!(v[0].to_bits(), 1.5f64.to_bits());
    assert!(v[1].is_nan());
    assert_eq!(v[2].to_bits(), (-2.25f64).to_bits());

    let four = decode("points_2_batches.arrows");
    assert_eq!(four.t[..3], three.t[..]);
    assert_eq!(four.f[..3], three.f[..]);
    assert_eq!(four.v[..3], three.v[..]);
    assert_eq!(four.t[3], 1_735_700_400_000);
    assert_eq!(four.f[3], NOT_OK);
    assert_eq!(four.v[3], 1e300f64.to_bits());
    assert_eq!(four.len(), 4);

    assert_eq!(decode("points_empty.arrows"), Cols::default());
    assert_eq!(decode("points_empty_batch.arrows"), Cols::default());

    // Each vector cut short is an error, never a panic.
    for name in ["points_3.arrows", "points_2_batches.arrows"] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        for cut in (1..bytes.len()).step_by(13) {
            if let Err(e) = Points::from_arrow_stream(&bytes[..cut]) {
                assert_eq!(e.kind(), ErrorKind::Server);
            }
        }
    }
}

/// `python3` with pyarrow, or why not.
fn pyarrow() -> Result<(), String> {
    match Command::new("python3")
        .args(["-c", "import pyarrow"])
        .output()
    {
        Err(e) => Err(format!("python3 not runnable: {e}")),
        Ok(out) if !out.status.success() => Err("pyarrow not installed".to_string()),
        Ok(_) => Ok(()),
    }
}

fn run_python(script: &str, args: &[&str]) -> String {
    let dir = std::env::temp_dir().join(format!("mesh-capi-ts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("script-{}.py", args.len()));
    std::fs::write(&path, script).unwrap();
    let out = Command::new("python3")
        .arg(&path)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn sample() -> Cols {
    Cols::new(
        vec![T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR],
        vec![0, MISSING, SUSPECT, NOT_OK],
        vec![1.5, f64::from_bits(0x7ff8_0000_0000_0bad), -2.25, 1e300],
    )
}

/// What the Python scripts print for a table: types, then columns with the
/// values as 16 hex digits of their bits.
fn expected_python_lines(cols: &Cols) -> String {
    let t: Vec<String> = cols.t.iter().map(|x| x.to_string()).collect();
    let f: Vec<String> = cols.f.iter().map(|x| x.to_string()).collect();
    let v: Vec<String> = cols.v.iter().map(|x| format!("{x:016x}")).collect();
    format!(
        "utc_time timestamp[ms] flags uint32 value double\n{}\n{}\n{}\n",
        t.join(" "),
        f.join(" "),
        v.join(" ")
    )
}

const PY_PRINT: &str = r#"
import struct
def show(utc_time, flags, value):
    print("utc_time", utc_time.type, "flags", flags.type, "value", value.type)
    print(" ".join(str(x) for x in utc_time.cast("int64").to_pylist()))
    print(" ".join(str(x) for x in flags.to_pylist()))
    raw = value.buffers()[1].to_pybytes()[value.offset * 8:(value.offset + len(value)) * 8]
    print(" ".join("%016x" % struct.unpack("<Q", raw[i:i + 8])[0] for i in range(0, len(raw), 8)))
"#;

#[test]
fn pyarrow_reads_the_library_arrow_stream() {
    if let Err(why) = pyarrow() {
        note(&format!(
            "SKIPPED: {why}: the library's Arrow stream was not checked with pyarrow"
        ));
        return;
    }
    let cols = sample();
    let points = Points::new(cols.t.clone(), cols.f.clone(), cols.values()).unwrap();
    let dir = std::env::temp_dir().join(format!("mesh-capi-ts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("points.arrows");
    std::fs::write(&file, points.to_arrow_stream().unwrap()).unwrap();
    let script = format!(
        "{PY_PRINT}
import sys
import pyarrow as pa
table = pa.ipc.open_stream(open(sys.argv[1], 'rb').read()).read_all().combine_chunks()
assert table.schema.names == ['utc_time', 'flags', 'value'], table.schema
assert table.schema.field('utc_time').type == pa.timestamp('ms'), table.schema
show(*[table.column(i).chunk(0) for i in range(3)])
"
    );
    let out = run_python(&script, &[file.to_str().unwrap()]);
    assert_eq!(out, expected_python_lines(&cols));
}

#[test]
fn pyarrow_imports_the_c_data_interface_export() {
    if let Err(why) = pyarrow() {
        note(&format!(
            "SKIPPED: {why}: the Arrow C Data Interface export was not checked with pyarrow"
        ));
        return;
    }
    let lib = lib_dir().join("libmesh_capi.so");
    let emu = ts_emulator(MINUTES_5);
    // Python loads the library, writes and reads through the C API, exports
    // through the C Data Interface into structs it allocated, frees the
    // points, and imports the export with pyarrow.
    let script = format!(
        "{PY_PRINT}
import ctypes, sys
import pyarrow as pa
lib = ctypes.CDLL(sys.argv[1])
P = ctypes.c_void_p
lib.mesh_connect.argtypes = [ctypes.c_char_p, P, ctypes.POINTER(P)]
lib.mesh_session_open.argtypes = [P, ctypes.POINTER(P)]
lib.mesh_write_timeseries_by_key.argtypes = [P, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64, P, P, P, ctypes.c_size_t]
lib.mesh_read_timeseries_by_key.argtypes = [P, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64, ctypes.POINTER(P)]
lib.mesh_points_export_arrow.argtypes = [P, P, P]
lib.mesh_points_free.argtypes = [P]
lib.mesh_session_close.argtypes = [P]
lib.mesh_connection_close.argtypes = [P]
lib.mesh_last_error_message.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
def ok(status, what):
    if status != 0:
        buf = ctypes.create_string_buffer(1024)
        lib.mesh_last_error_message(buf, 1024)
        sys.exit('%s: status %d: %s' % (what, status, buf.value.decode()))
conn, session, points = P(), P(), P()
ok(lib.mesh_connect(sys.argv[2].encode(), None, ctypes.byref(conn)), 'connect')
ok(lib.mesh_session_open(conn, ctypes.byref(session)), 'open')
key, start, end = {KEY}, {T0}, {T0} + 4 * {HOUR}
t = (ctypes.c_int64 * 4)(*[int(x) for x in sys.argv[3].split(',')])
f = (ctypes.c_uint32 * 4)(*[int(x) for x in sys.argv[4].split(',')])
v = (ctypes.c_uint64 * 4)(*[int(x, 16) for x in sys.argv[5].split(',')])
ok(lib.mesh_write_timeseries_by_key(session, key, start, end, ctypes.addressof(t), ctypes.addressof(f), ctypes.addressof(v), 4), 'write')
ok(lib.mesh_read_timeseries_by_key(session, key, start, end, ctypes.byref(points)), 'read')
schema = (ctypes.c_int64 * 16)()
array = (ctypes.c_int64 * 16)()
ok(lib.mesh_points_export_arrow(points, ctypes.addressof(schema), ctypes.addressof(array)), 'export')
# The export keeps the points alive by itself.
ok(lib.mesh_points_free(points), 'free')
imported = pa.Array._import_from_c(ctypes.addressof(array), ctypes.addressof(schema))
assert imported.type == pa.struct([pa.field('utc_time', pa.timestamp('ms'), nullable=False), pa.field('flags', pa.uint32(), nullable=False), pa.field('value', pa.float64(), nullable=False)]), imported.type
show(imported.field('utc_time'), imported.field('flags'), imported.field('value'))
del imported
ok(lib.mesh_session_close(session), 'close')
ok(lib.mesh_connection_close(conn), 'connection close')
ok(lib.mesh_shutdown(), 'shutdown')
"
    );
    let cols = sample();
    let join = |items: Vec<String>| items.join(",");
    let out = run_python(
        &script,
        &[
            lib.to_str().unwrap(),
            &emu.addr().to_string(),
            &join(cols.t.iter().map(|x| x.to_string()).collect()),
            &join(cols.f.iter().map(|x| x.to_string()).collect()),
            &join(cols.v.iter().map(|x| format!("{x:x}")).collect()),
        ],
    );
    assert_eq!(out, expected_python_lines(&cols));
}

#[test]
fn the_c_data_interface_export_imports_in_arrow_rs() {
    // The same export checked without Python, by arrow-rs's importer.
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let cols = sample();
    write_ok(session, KEY, T0, T0 + 4 * HOUR, &cols);
    let mut points = ptr::null_mut();
    check(
        unsafe { mesh_read_timeseries_by_key(session, KEY, T0, T0 + 4 * HOUR, &mut points) },
        MESH_OK,
    );
    let mut schema = MaybeUninit::<FFI_ArrowSchema>::uninit();
    let mut array = MaybeUninit::<FFI_ArrowArray>::uninit();
    check(
        unsafe { mesh_points_export_arrow(points, ptr::null_mut(), array.as_mut_ptr()) },
        MESH_ERROR_INVALID_ARGUMENT,
    );
    check(
        unsafe { mesh_points_export_arrow(points, schema.as_mut_ptr(), array.as_mut_ptr()) },
        MESH_OK,
    );
    check(mesh_points_free(points), MESH_OK);
    let (schema, array) = unsafe { (schema.assume_init(), array.assume_init()) };
    let data = unsafe { arrow_array::ffi::from_ffi(array, &schema) }.unwrap();
    let imported = StructArray::from(data);
    assert_eq!(imported.len(), 4);
    let column = |name: &str| imported.column_by_name(name).unwrap().clone();
    let t = column("utc_time");
    let t = t
        .as_any()
        .downcast_ref::<TimestampMillisecondArray>()
        .unwrap();
    let f = column("flags");
    let f = f.as_any().downcast_ref::<UInt32Array>().unwrap();
    let v = column("value");
    let v = v.as_any().downcast_ref::<Float64Array>().unwrap();
    let got = Cols::new(
        t.values().to_vec(),
        f.values().to_vec(),
        v.values().to_vec(),
    );
    assert_eq!(got, cols);
    check(mesh_session_close(session), MESH_OK);
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
    assert!(
        stdout.contains("second session before commit: 0 points"),
        "{stdout}"
    );
    assert!(
        stdout.contains("second session after commit: 24 points"),
        "{stdout}"
    );
    let _ = std::fs::remove_file(&exe);
}
