//! Per-connection statistics through the C API (`mesh_connection_statistic`,
//! `mesh_connection_statistic_failures_by_status`) against the emulator:
//! each counter moves as a known sequence of calls says, checked against
//! what the emulator saw; reconnects after a server restart, `ExtendSession`
//! calls of keep-alive, retries after a token refresh (over TLS), calls
//! given up, and bad arguments. Waits poll with deadlines.

use std::collections::HashMap;
use std::ffi::{c_char, c_void};
use std::ptr;
use std::sync::LazyLock;
use std::time::Duration;

use crate::common::points::*;
use crate::common::tls::{ca, server_cert, Ca};
use crate::common::*;
use mesh_emulator::Identity;
use mesh_status::*;

/// One statistic, asserting the call succeeds.
#[track_caller]
fn stat(conn: *const mesh_connection, statistic: i32) -> u64 {
    let mut value = u64::MAX;
    check(
        unsafe { mesh_connection_statistic(conn, statistic, &mut value) },
        MESH_OK,
    );
    value
}

#[track_caller]
fn failures(conn: *const mesh_connection, status: mesh_status) -> u64 {
    failures_of_code(conn, status as i32)
}

#[track_caller]
fn failures_of_code(conn: *const mesh_connection, status: i32) -> u64 {
    let mut count = u64::MAX;
    check(
        unsafe { mesh_connection_statistic_failures_by_status(conn, status, &mut count) },
        MESH_OK,
    );
    count
}

/// Every statistic at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stats {
    calls: u64,
    failures: u64,
    retries: u64,
    reconnects: u64,
    extend: u64,
    sent: u64,
    received: u64,
    open: u64,
}

#[track_caller]
fn stats(conn: *const mesh_connection) -> Stats {
    Stats {
        calls: stat(conn, MESH_STATISTIC_CALLS),
        failures: stat(conn, MESH_STATISTIC_FAILURES),
        retries: stat(conn, MESH_STATISTIC_RETRIES),
        reconnects: stat(conn, MESH_STATISTIC_RECONNECTS),
        extend: stat(conn, MESH_STATISTIC_EXTEND_SESSION_CALLS),
        sent: stat(conn, MESH_STATISTIC_BYTES_SENT),
        received: stat(conn, MESH_STATISTIC_BYTES_RECEIVED),
        open: stat(conn, MESH_STATISTIC_OPEN_SESSIONS),
    }
}

/// Every status's failures but `except`'s are 0.
#[track_caller]
fn no_failures_but(conn: *const mesh_connection, except: &[mesh_status]) {
    for code in 0..=MESH_ERROR_CANCELLED as i32 {
        if !except.iter().any(|e| *e as i32 == code) {
            assert_eq!(failures_of_code(conn, code), 0, "status {code}");
        }
    }
}

/// Bytes of one point in the C API's columns: timestamp, flags, value.
const POINT_BYTES: u64 = 8 + 4 + 8;

#[test]
fn the_counters_follow_a_known_sequence_of_calls() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());

    // Connecting: one call (GetVersion), an empty request (its 5-byte
    // prefix) and an answer.
    let at_connect = stats(conn);
    assert_eq!(at_connect.calls, 1, "{at_connect:?}");
    assert_eq!(at_connect.calls, emu.total_calls());
    assert_eq!(
        (
            at_connect.failures,
            at_connect.retries,
            at_connect.reconnects,
            at_connect.extend,
            at_connect.open
        ),
        (0, 0, 0, 0, 0),
        "{at_connect:?}"
    );
    assert_eq!(at_connect.sent, 5, "{at_connect:?}");
    assert!(at_connect.received > 5, "{at_connect:?}");

    // Opening: StartSession, then the connection's first session learns the
    // server's timeout with one ExtendSession in the background.
    let session = open(conn);
    assert_eq!(stat(conn, MESH_STATISTIC_OPEN_SESSIONS), 1);
    wait_for_learned_timeout(&emu);
    assert!(wait_until(Duration::from_secs(5), || stats(conn).calls
        == emu.total_calls()));
    let opened = stats(conn);
    assert_eq!(opened.calls, 3, "{opened:?}");
    assert_eq!(opened.extend, 1, "{opened:?}");
    assert_eq!(opened.failures, 0, "{opened:?}");

    // A write sends at least the points; a read of them receives at least
    // as much.
    let n = 5_000;
    let points = Cols::series(T0, 60_000, n, 1.0);
    let end = T0 + n as i64 * 60_000;
    write_ok(session, KEY, T0, end, &points);
    let written = stats(conn);
    assert!(
        written.sent - opened.sent >= n as u64 * POINT_BYTES,
        "{} bytes sent for {n} points",
        written.sent - opened.sent
    );
    assert_eq!(read_ok(session, KEY, T0, end), points);
    let read_back = stats(conn);
    assert!(
        read_back.received - written.received >= n as u64 * POINT_BYTES,
        "{} bytes received for {n} points",
        read_back.received - written.received
    );
    assert_eq!(read_back.calls, emu.total_calls());
    assert_eq!(read_back.failures, 0);

    // A failure counts under its status, and nowhere else.
    assert_eq!(read(session, 999, T0, DAY_END), Err(MESH_ERROR_NOT_FOUND));
    let failed = stats(conn);
    assert_eq!(failed.calls, read_back.calls + 1);
    assert_eq!(failed.failures, 1);
    assert_eq!(failures(conn, MESH_ERROR_NOT_FOUND), 1);
    no_failures_but(conn, &[MESH_ERROR_NOT_FOUND]);
    // A call refused before any request is no call.
    assert_eq!(
        read(session, KEY, DAY_END, T0),
        Err(MESH_ERROR_INVALID_ARGUMENT)
    );
    assert_eq!(stats(conn).calls, failed.calls);

    // Closing, attaching, detaching: the open sessions follow.
    let id = id_of(session);
    let other = open(conn);
    assert_eq!(stat(conn, MESH_STATISTIC_OPEN_SESSIONS), 2);
    check(mesh_session_close(session), MESH_OK);
    assert_eq!(stat(conn, MESH_STATISTIC_OPEN_SESSIONS), 1);
    let id_other = id_of(other);
    check(mesh_session_detach(other), MESH_OK);
    assert_eq!(stat(conn, MESH_STATISTIC_OPEN_SESSIONS), 0);
    let extends = stat(conn, MESH_STATISTIC_EXTEND_SESSION_CALLS);
    let attached = attach(conn, &id_other).expect("attach");
    assert_eq!(stat(conn, MESH_STATISTIC_OPEN_SESSIONS), 1);
    assert_eq!(
        stat(conn, MESH_STATISTIC_EXTEND_SESSION_CALLS),
        extends + 1,
        "attaching checks the id with ExtendSession"
    );
    // Attaching to a closed session fails, and opens nothing.
    assert_eq!(attach(conn, &id), Err(MESH_ERROR_SESSION_NOT_FOUND));
    assert_eq!(stat(conn, MESH_STATISTIC_OPEN_SESSIONS), 1);
    assert_eq!(failures(conn, MESH_ERROR_SESSION_NOT_FOUND), 1);
    check(mesh_session_close(attached), MESH_OK);
    assert_eq!(stat(conn, MESH_STATISTIC_OPEN_SESSIONS), 0);

    let last = stats(conn);
    assert_eq!(last.calls, emu.total_calls(), "{last:?}");
    assert_eq!((last.retries, last.reconnects), (0, 0), "{last:?}");
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn sessions_of_other_connections_are_not_counted() {
    let emu = emulator(MINUTES_5);
    let one = connect(&emu.addr().to_string());
    let two = connect(&emu.addr().to_string());
    let session = open(one);
    assert_eq!(stat(one, MESH_STATISTIC_OPEN_SESSIONS), 1);
    assert_eq!(stat(two, MESH_STATISTIC_OPEN_SESSIONS), 0);
    assert_eq!(stat(two, MESH_STATISTIC_CALLS), 1);
    // A session outlives its connection's handle; its counters go with it.
    check(mesh_connection_close(one), MESH_OK);
    check(mesh_session_commit(session), MESH_OK);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(two), MESH_OK);
}

#[test]
fn a_server_restart_counts_a_reconnect_and_an_expired_session() {
    let emu = emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    assert_eq!(stat(conn, MESH_STATISTIC_RECONNECTS), 0);
    emu.restart().unwrap();
    // The next call finds the connection gone and makes a new one (or
    // fails while the server is not back: then the one after does).
    let identity_ok = || {
        let mut identity = ptr::null_mut();
        let ok = unsafe { mesh_identity_read(conn, &mut identity) } == MESH_OK;
        if ok {
            check(mesh_identity_free(identity), MESH_OK);
        }
        ok
    };
    assert!(wait_until(Duration::from_secs(10), identity_ok));
    let reconnects = stat(conn, MESH_STATISTIC_RECONNECTS);
    assert!(
        (1..=2).contains(&reconnects),
        "{reconnects} reconnects for one restart"
    );
    // The restarted server lost the session: it is found expired and no
    // longer counted as open. The failure counts as the server answered
    // (session not found), though the handle reports it expired.
    check(mesh_session_commit(session), MESH_ERROR_SESSION_EXPIRED);
    assert_eq!(stat(conn, MESH_STATISTIC_OPEN_SESSIONS), 0);
    assert!(failures(conn, MESH_ERROR_SESSION_NOT_FOUND) >= 1);
    check(mesh_session_close(session), MESH_ERROR_SESSION_EXPIRED);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn keepalive_extensions_are_counted() {
    let emu = emulator(Duration::from_millis(400));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    // Extended about every 200 ms (half the timeout) while idle.
    assert!(
        wait_until(Duration::from_secs(10), || stat(
            conn,
            MESH_STATISTIC_EXTEND_SESSION_CALLS
        ) >= 4),
        "{} extensions",
        stat(conn, MESH_STATISTIC_EXTEND_SESSION_CALLS)
    );
    check(mesh_session_close(session), MESH_OK);
    // Once keep-alive has stopped, the library's count is the server's.
    assert!(wait_until(Duration::from_secs(5), || stat(
        conn,
        MESH_STATISTIC_EXTEND_SESSION_CALLS
    ) == emu
        .calls("ExtendSession")
        && stat(conn, MESH_STATISTIC_CALLS) == emu.total_calls()));
    assert_eq!(stat(conn, MESH_STATISTIC_FAILURES), 0);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn a_call_given_up_counts_as_cancelled() {
    let emu = emulator(MINUTES_5);
    emu.delay_calls("GetUserIdentity", Duration::from_secs(10));
    let conn = connect(&emu.addr().to_string());
    let address = conn as usize;
    let reading = std::thread::spawn(move || {
        let mut identity = ptr::null_mut();
        unsafe { mesh_identity_read(address as *mut mesh_connection, &mut identity) }
    });
    // Interrupted once it has started (sent or about to be).
    assert!(wait_until(Duration::from_secs(5), || stat(
        conn,
        MESH_STATISTIC_CALLS
    ) == 2));
    check(mesh_connection_interrupt(conn), MESH_OK);
    assert_eq!(reading.join().unwrap(), MESH_ERROR_CANCELLED);
    assert!(wait_until(Duration::from_secs(5), || failures(
        conn,
        MESH_ERROR_CANCELLED
    ) == 1));
    assert_eq!(stat(conn, MESH_STATISTIC_CALLS), 2);
    assert_eq!(stat(conn, MESH_STATISTIC_FAILURES), 1);
    check(mesh_connection_close(conn), MESH_OK);
}

static CA: LazyLock<Ca> = LazyLock::new(|| ca("mesh-capi statistics test CA"));

/// Hands out the one token the emulator accepts.
unsafe extern "C" fn provider(
    _: *mut c_void,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> i32 {
    let token = b"tok-stats";
    unsafe { *len_out = token.len() };
    if cap <= token.len() {
        return MESH_ERROR_BUFFER_TOO_SMALL as i32;
    }
    unsafe {
        ptr::copy_nonoverlapping(token.as_ptr(), buf.cast(), token.len());
        *buf.add(token.len()) = 0;
    }
    MESH_OK as i32
}

#[test]
fn a_refused_token_is_refreshed_and_the_retry_counted() {
    let emu = Emulator::start_local(Config {
        session_timeout: MINUTES_5,
        tls: Some(server_cert(&CA, &["127.0.0.1"], false)),
        tokens: Some(HashMap::from([(
            "tok-stats".to_string(),
            Identity::named("Stats"),
        )])),
        ..Config::default()
    })
    .unwrap();
    let conn = connect_with(&format!("https://{}", emu.addr()), |o| {
        check(
            unsafe { mesh_options_set_tls_root_certificate_pem(o, c(&CA.pem).as_ptr()) },
            MESH_OK,
        );
        check(
            mesh_options_set_token_provider(o, Some(provider), ptr::null_mut()),
            MESH_OK,
        );
    });
    let session = open(conn);
    wait_for_learned_timeout(&emu);
    let before = stats(conn);
    emu.inject_failures("Commit", tonic::Code::Unauthenticated, 1);
    check(mesh_session_commit(session), MESH_OK);
    let after = stats(conn);
    assert_eq!(after.calls, before.calls + 1, "{after:?}");
    assert_eq!(after.retries, before.retries + 1, "{after:?}");
    assert_eq!(after.failures, 0, "the call succeeded: {after:?}");
    assert_eq!(emu.calls("Commit"), 2, "one refused, one retried");
    // Over TLS the bytes are the messages', before encryption.
    assert!(after.sent > before.sent && after.received > before.received);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn bad_arguments_are_refused_and_outputs_left_alone() {
    let emu = emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let mut value = 42u64;
    for statistic in [0, 10, -1, i32::MAX, i32::MIN] {
        check(
            unsafe { mesh_connection_statistic(conn, statistic, &mut value) },
            MESH_ERROR_INVALID_ARGUMENT,
        );
        assert!(
            last_error().contains("unknown statistic"),
            "{}",
            last_error()
        );
    }
    for status in [-1, 20, i32::MAX] {
        check(
            unsafe { mesh_connection_statistic_failures_by_status(conn, status, &mut value) },
            MESH_ERROR_INVALID_ARGUMENT,
        );
    }
    check(
        unsafe { mesh_connection_statistic(ptr::null(), MESH_STATISTIC_CALLS, &mut value) },
        MESH_ERROR_INVALID_ARGUMENT,
    );
    check(
        unsafe { mesh_connection_statistic(conn, MESH_STATISTIC_CALLS, ptr::null_mut()) },
        MESH_ERROR_INVALID_ARGUMENT,
    );
    check(
        unsafe {
            mesh_connection_statistic_failures_by_status(conn, MESH_OK as i32, ptr::null_mut())
        },
        MESH_ERROR_INVALID_ARGUMENT,
    );
    assert_eq!(value, 42, "out written on failure");
    // Statuses no call ends with read 0.
    assert_eq!(failures(conn, MESH_OK), 0);
    assert_eq!(failures(conn, MESH_ERROR_BUFFER_TOO_SMALL), 0);
    check(mesh_connection_close(conn), MESH_OK);
    check(
        unsafe { mesh_connection_statistic(conn, MESH_STATISTIC_CALLS, &mut value) },
        MESH_ERROR_INVALID_HANDLE,
    );
    check(
        unsafe { mesh_connection_statistic_failures_by_status(conn, MESH_OK as i32, &mut value) },
        MESH_ERROR_INVALID_HANDLE,
    );
    assert_eq!(value, 42, "out written on failure");
}

#[test]
fn pings_are_sent_and_counted_while_calls_wait_and_only_then() {
    for tls in [false, true] {
        let emu = Emulator::start_local(Config {
            session_timeout: MINUTES_5,
            tls: tls.then(|| server_cert(&CA, &["127.0.0.1"], false)),
            ..Config::default()
        })
        .unwrap();
        let scheme = if tls { "https" } else { "http" };
        let address = format!("{scheme}://{}", emu.addr());
        let with_dead_timeout = |ms: u32| {
            connect_with(&address, |o| {
                if tls {
                    check(
                        unsafe {
                            mesh_options_set_tls_root_certificate_pem(o, c(&CA.pem).as_ptr())
                        },
                        MESH_OK,
                    );
                }
                check(mesh_options_set_dead_connection_timeout_ms(o, ms), MESH_OK);
            })
        };
        // A ping after 200 ms without a read while a call waits; none for
        // the other connection.
        let pinging = with_dead_timeout(400);
        let silent = with_dead_timeout(0);
        let identity = |conn: *mut mesh_connection| {
            let mut identity = ptr::null_mut();
            check(unsafe { mesh_identity_read(conn, &mut identity) }, MESH_OK);
            check(mesh_identity_free(identity), MESH_OK);
        };
        // Idle: no call waits, so no ping.
        identity(pinging);
        std::thread::sleep(Duration::from_millis(1000));
        assert_eq!(stat(pinging, MESH_STATISTIC_PINGS_SENT), 0, "tls {tls}");
        // Calls the server holds 1.6 s: about one ping every 200 ms.
        emu.delay_calls("GetUserIdentity", Duration::from_millis(1600));
        identity(pinging);
        identity(silent);
        emu.delay_calls("GetUserIdentity", Duration::ZERO);
        let pings = stat(pinging, MESH_STATISTIC_PINGS_SENT);
        assert!((3..=12).contains(&pings), "tls {tls}: {pings} pings");
        assert_eq!(stat(silent, MESH_STATISTIC_PINGS_SENT), 0, "tls {tls}");
        // Idle again: no more.
        std::thread::sleep(Duration::from_millis(1000));
        assert_eq!(stat(pinging, MESH_STATISTIC_PINGS_SENT), pings, "tls {tls}");
        crate::common::tools::note(&format!(
            "statistics: {pings} HTTP/2 pings counted over {} while a call waited 1.6 s with a 400 ms dead connection timeout; none while idle, none without the timeout",
            if tls { "TLS" } else { "plain HTTP/2" }
        ));
        check(mesh_connection_close(pinging), MESH_OK);
        check(mesh_connection_close(silent), MESH_OK);
    }
}
