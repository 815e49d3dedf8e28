//! What Mesh sends and expects that a client must get right, through the C
//! API against the emulator over TCP: the trailing point of linear reads,
//! NaN flagged MISSING where a fixed-resolution series has no value, empty
//! reads, and deletes sent as Mesh's official client sends them.

use std::ptr;

use crate::common::points::*;
use crate::common::*;
use mesh_status::*;

/// The id the emulator gives the series with `key`.
fn id_of_key(key: i64) -> String {
    format!("7a3e0000-0000-4000-8000-{key:012x}")
}

#[test]
fn linear_reads_carry_one_point_at_or_after_the_end() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let points = Cols::series(T0, HOUR, 10, 1.0);
    write_ok(session, LINEAR_KEY, T0, T0 + 10 * HOUR, &points);

    // Hourly points, [1h, 5h): 1h..4h and 5h, the end of the last line.
    let got = read_ok(session, LINEAR_KEY, T0 + HOUR, T0 + 5 * HOUR);
    assert_eq!(got, points.pick(&[1, 2, 3, 4, 5]));
    assert!(got.t[4] >= T0 + 5 * HOUR);
    // The same by path, and committed for another session.
    assert_eq!(
        read_path_ok(session, "Resource/Test/Linear", T0 + HOUR, T0 + 5 * HOUR),
        got
    );
    check(mesh_session_commit(session), MESH_OK);
    let other = open(conn);
    assert_eq!(
        read_ok(other, LINEAR_KEY, T0 + HOUR, T0 + 5 * HOUR),
        got,
        "committed"
    );
    // Past the last point there is nothing to add.
    assert_eq!(
        read_ok(other, LINEAR_KEY, T0 + 8 * HOUR, T0 + 20 * HOUR),
        points.pick(&[8, 9])
    );
    // A staircase series gets no such point.
    write_ok(session, KEY, T0, T0 + 10 * HOUR, &points);
    assert_eq!(
        read_ok(session, KEY, T0 + HOUR, T0 + 5 * HOUR),
        points.pick(&[1, 2, 3, 4])
    );
    for s in [session, other] {
        check(mesh_session_close(s), MESH_OK);
    }
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn fixed_resolution_gaps_read_as_nan_flagged_missing() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    // 0h, 1h and 4h of an hourly series; 2h and 3h have no value.
    let stored = Cols::new(
        vec![T0, T0 + HOUR, T0 + 4 * HOUR],
        vec![0, SUSPECT, 0],
        vec![1.5, 2.5, 4.5],
    );
    write_ok(session, HOURLY_KEY, T0, T0 + 5 * HOUR, &stored);
    let got = read_ok(session, HOURLY_KEY, T0, T0 + 5 * HOUR);
    assert_eq!(got.t, (0..5).map(|h| T0 + h * HOUR).collect::<Vec<_>>());
    for i in [0, 1, 4] {
        let j = stored.t.iter().position(|&t| t == got.t[i]).unwrap();
        assert_eq!((got.f[i], got.v[i]), (stored.f[j], stored.v[j]), "{i}");
    }
    for i in [2, 3] {
        assert!(got.values()[i].is_nan(), "point {i}: {:?}", got.values()[i]);
        assert_ne!(got.f[i] & MISSING, 0, "point {i}: flags {:#x}", got.f[i]);
    }
    // The library hands NaN and flags on as they came, bit for bit: a
    // second read gives the same bits.
    assert_eq!(read_ok(session, HOURLY_KEY, T0, T0 + 5 * HOUR), got);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn an_empty_series_reads_as_no_points() {
    // Mesh answers a read that finds nothing without an interval, with the
    // schema and no rows; the three ways of addressing give no points.
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    assert_eq!(
        read_ok(session, KEY, T0, T0 + 365 * 24 * HOUR),
        Cols::default()
    );
    assert_eq!(
        read_path_ok(session, PATH, i64::MIN / 2, i64::MAX / 2),
        Cols::default()
    );
    let id = c(&id_of_key(KEY));
    let mut points = ptr::null_mut();
    check(
        unsafe { mesh_timeseries_read_by_id(session, id.as_ptr(), T0, DAY_END, &mut points) },
        MESH_OK,
    );
    assert_eq!(take_points(points), Cols::default());
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn deletes_by_key_path_and_id() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let other = open(conn);
    let all = day(3.0);
    write_ok(session, KEY, T0, DAY_END, &all);
    check(mesh_session_commit(session), MESH_OK);
    // Every delete is one write whose payload has no bytes at all, as Mesh
    // expects it; an empty Arrow stream, which the emulator also takes as
    // a delete, would not do for Mesh.
    let written = emu.write_payload_sizes();
    assert!(
        matches!(written.as_slice(), [n] if *n > 0),
        "the points written: {written:?}"
    );
    let mut seen = written.len();
    let mut assert_sent_zero_bytes = |what: &str| {
        let sizes = emu.write_payload_sizes();
        assert_eq!(sizes[seen..], [0], "{what}: payload sizes sent");
        seen = sizes.len();
    };

    // By key: [2h, 4h) goes, in this session only until commit.
    check(
        unsafe { mesh_timeseries_delete_by_key(session, KEY, T0 + 2 * HOUR, T0 + 4 * HOUR) },
        MESH_OK,
    );
    assert_sent_zero_bytes("delete by key");
    let mut kept: Vec<usize> = (0..24).filter(|i| !(2..4).contains(i)).collect();
    assert_eq!(read_ok(session, KEY, T0, DAY_END), all.pick(&kept));
    assert_eq!(read_ok(other, KEY, T0, DAY_END), all);
    // By path: [10h, 12h].
    let path = c(PATH);
    check(
        unsafe {
            mesh_timeseries_delete_by_path(
                session,
                path.as_ptr(),
                T0 + 10 * HOUR,
                T0 + 12 * HOUR + 1,
            )
        },
        MESH_OK,
    );
    assert_sent_zero_bytes("delete by path");
    kept.retain(|i| !(10..=12).contains(i));
    // By id, braced: the last hour.
    let id = c(&format!("{{{}}}", id_of_key(KEY).to_uppercase()));
    check(
        unsafe { mesh_timeseries_delete_by_id(session, id.as_ptr(), T0 + 23 * HOUR, DAY_END) },
        MESH_OK,
    );
    assert_sent_zero_bytes("delete by id");
    kept.retain(|&i| i != 23);
    assert_eq!(read_ok(session, KEY, T0, DAY_END), all.pick(&kept));
    check(mesh_session_commit(session), MESH_OK);
    assert_eq!(read_ok(other, KEY, T0, DAY_END), all.pick(&kept));

    // A delete is a write of no points: rolled back like one.
    check(
        unsafe { mesh_timeseries_delete_by_key(session, KEY, T0, DAY_END) },
        MESH_OK,
    );
    assert_eq!(read_ok(session, KEY, T0, DAY_END), Cols::default());
    check(mesh_session_rollback(session), MESH_OK);
    assert_eq!(read_ok(session, KEY, T0, DAY_END), all.pick(&kept));

    // On a series of fixed resolution the deleted hours read as NaN
    // flagged MISSING.
    let hours = Cols::series(T0, HOUR, 4, 10.0);
    write_ok(session, HOURLY_KEY, T0, T0 + 4 * HOUR, &hours);
    check(
        unsafe { mesh_timeseries_delete_by_key(session, HOURLY_KEY, T0 + HOUR, T0 + 3 * HOUR) },
        MESH_OK,
    );
    let got = read_ok(session, HOURLY_KEY, T0, T0 + 4 * HOUR);
    assert_eq!(got.t, hours.t);
    assert_eq!(got.pick(&[0, 3]), hours.pick(&[0, 3]));
    for i in [1, 2] {
        assert!(
            got.values()[i].is_nan() && got.f[i] & MISSING != 0,
            "{got:?}"
        );
    }

    for s in [session, other] {
        check(mesh_session_close(s), MESH_OK);
    }
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn deletes_check_their_arguments_before_any_request() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let path = c(PATH);
    let bad_id = c("7a3e0000-0000-4000-8000");
    let cases: Vec<(&str, mesh_status, mesh_status)> = vec![
        (
            "end before start",
            unsafe { mesh_timeseries_delete_by_key(session, KEY, T0, T0 - 1) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "NULL session",
            unsafe { mesh_timeseries_delete_by_key(ptr::null_mut(), KEY, T0, T0 + 1) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "connection as session",
            unsafe { mesh_timeseries_delete_by_key(conn.cast(), KEY, T0, T0 + 1) },
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "NULL path",
            unsafe { mesh_timeseries_delete_by_path(session, ptr::null(), T0, T0 + 1) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "end before start by path",
            unsafe { mesh_timeseries_delete_by_path(session, path.as_ptr(), T0, T0 - 1) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "NULL id",
            unsafe { mesh_timeseries_delete_by_id(session, ptr::null(), T0, T0 + 1) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "malformed id",
            unsafe { mesh_timeseries_delete_by_id(session, bad_id.as_ptr(), T0, T0 + 1) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
    ];
    for (what, got, expected) in cases {
        assert_eq!(got, expected, "{what}: {}", last_error());
    }
    assert_eq!(emu.calls("WriteTimeseries"), 0);
    assert!(
        last_error().starts_with("mesh_timeseries_delete_by_id: malformed time series id"),
        "{}",
        last_error()
    );
    // An unknown series is the server's to say.
    check(
        unsafe { mesh_timeseries_delete_by_key(session, 4242, T0, T0 + 1) },
        MESH_ERROR_NOT_FOUND,
    );
    check(mesh_session_close(session), MESH_OK);
    check(
        unsafe { mesh_timeseries_delete_by_key(session, KEY, T0, T0 + 1) },
        MESH_ERROR_INVALID_HANDLE,
    );
    check(mesh_connection_close(conn), MESH_OK);
}
