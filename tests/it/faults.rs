//! Faults between the library and the server, through a TCP fault proxy:
//! transport failures give `MESH_ERROR_UNAVAILABLE` and do not keep a
//! session the server dropped looking alive; a half-open connection is
//! noticed and replaced, whether calls wait longer than it takes or not; a
//! black-holed connect, a frozen and a slow server;
//! the call timeout bounds a whole chunked call; a killed server restarted
//! on the same port; a hostile server echoing tokens and sending malformed
//! Arrow data; asynchronous operations in flight when the connection is
//! reset or the server freezes, each completing exactly once.

use std::ffi::{c_char, c_void};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::tools::note;
use crate::common::*;
use crate::support::proxy::{Fault, FaultProxy};
use mesh_status::*;

/// Slack for a loaded machine on top of the bounds the tests check.
const SCHEDULING: Duration = Duration::from_millis(1000);

fn timed(call: impl FnOnce() -> mesh_status) -> (mesh_status, Duration) {
    let started = Instant::now();
    let status = call();
    (status, started.elapsed())
}

#[test]
fn transport_failures_are_unavailable_and_no_sign_of_life() {
    let server_timeout = Duration::from_millis(1500);
    let call_timeout = Duration::from_millis(500);
    let emu = emulator(server_timeout);
    let proxy = FaultProxy::start(emu.addr());
    let conn = connect_with(&proxy.addr().to_string(), |o| {
        check(mesh_options_set_call_timeout_ms(o, 500), MESH_OK);
    });
    let session = open(conn);
    wait_for_learned_timeout(&emu);
    check(mesh_session_commit(session), MESH_OK);
    let last_activity = Instant::now();

    // Resets and closed connections are the connection's failures, not the
    // server's answers, whatever gRPC code tonic gives them.
    for fault in [Fault::Reset, Fault::Drop, Fault::Reset] {
        proxy.set(fault);
        let status = mesh_session_commit(session);
        assert_eq!(
            status,
            MESH_ERROR_UNAVAILABLE,
            "{fault:?}: {}",
            last_error()
        );
    }
    // The server hears nothing of the session from now on, while the
    // caller keeps trying: its failures must not count as activity, so the
    // session is reported expired within the server's timeout plus one
    // call timeout of the last activity.
    let mut statuses = Vec::new();
    while !is_expired(session) && last_activity.elapsed() < Duration::from_secs(6) {
        statuses.push(mesh_session_commit(session));
        std::thread::sleep(Duration::from_millis(50));
    }
    let expired_after = last_activity.elapsed();
    assert!(
        is_expired(session),
        "still not expired after {expired_after:?}"
    );
    assert!(
        expired_after <= server_timeout + call_timeout + SCHEDULING,
        "expired only {expired_after:?} after the last activity"
    );
    assert!(
        statuses
            .iter()
            .all(|s| matches!(s, MESH_ERROR_UNAVAILABLE | MESH_ERROR_SESSION_EXPIRED)),
        "{statuses:?}"
    );
    note(&format!(
        "faults: a session the server dropped was reported expired {} ms after its last activity (server timeout {} ms)",
        expired_after.as_millis(),
        server_timeout.as_millis()
    ));
    // The server did drop it: the client lost nothing the server kept.
    proxy.set(Fault::Pass);
    assert!(wait_until(Duration::from_secs(3), || emu.open_sessions() == 0));
    check(mesh_session_commit(session), MESH_ERROR_SESSION_EXPIRED);
    // The connection recovered by itself.
    let fresh = open(conn);
    check(mesh_session_commit(fresh), MESH_OK);
    check(mesh_session_close(fresh), MESH_OK);
    check(mesh_session_close(session), MESH_ERROR_SESSION_EXPIRED);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn a_server_going_away_gives_unavailable_and_coming_back_works() {
    let emu = emulator(Duration::from_secs(300));
    let conn = connect_with(&emu.addr().to_string(), |o| {
        check(mesh_options_set_call_timeout_ms(o, 1000), MESH_OK);
    });
    let session = open(conn);
    // A graceful stop: GOAWAY on the open connection, then nobody listens.
    emu.pause();
    let (status, took) = timed(|| mesh_session_commit(session));
    assert_eq!(status, MESH_ERROR_UNAVAILABLE, "{}", last_error());
    assert!(took < SCHEDULING, "{took:?}");
    emu.resume().unwrap();
    assert!(wait_until(Duration::from_secs(3), || mesh_session_commit(
        session
    ) == MESH_OK));
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

/// Connects through `proxy` with this call timeout and dead connection
/// timeout.
fn connect_with_timeouts(
    proxy: &FaultProxy,
    call_timeout: Duration,
    dead_after: Duration,
) -> *mut mesh_connection {
    connect_with(&proxy.addr().to_string(), |o| {
        check(
            mesh_options_set_call_timeout_ms(o, call_timeout.as_millis() as u32),
            MESH_OK,
        );
        check(
            mesh_options_set_dead_connection_timeout_ms(o, dead_after.as_millis() as u32),
            MESH_OK,
        );
    })
}

#[test]
fn a_half_open_connection_is_noticed_and_replaced() {
    let dead_after = Duration::from_millis(1000);
    let emu = emulator(Duration::from_secs(300));
    let proxy = FaultProxy::start(emu.addr());
    let conn = connect_with_timeouts(&proxy, Duration::from_millis(10_000), dead_after);
    let session = open(conn);
    check(mesh_session_commit(session), MESH_OK);
    let connections = proxy.connections();

    // The path dies silently: nothing comes back, nothing is closed.
    proxy.set(Fault::HalfOpen);
    let (status, detected) = timed(|| mesh_session_commit(session));
    assert_eq!(status, MESH_ERROR_UNAVAILABLE, "{}", last_error());
    assert!(
        detected < dead_after + SCHEDULING,
        "dead connection noticed only after {detected:?}"
    );
    note(&format!(
        "faults: a half-open connection was given up {} ms into the first call on it (dead connection timeout {} ms; call timeout 10000 ms)",
        detected.as_millis(),
        dead_after.as_millis()
    ));
    // The next call succeeds on a new connection, with no user action.
    let (status, took) = timed(|| mesh_session_commit(session));
    assert_eq!(status, MESH_OK, "{}", last_error());
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(proxy.connections() > connections);
    assert!(!is_expired(session));
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

/// The call timeout shorter than the dead-connection timeout: calls on the
/// dead connection end at their own timeout with `MESH_ERROR_TIMEOUT`; the
/// one waiting when the connection is given up gets `UNAVAILABLE`, and the
/// calls after it succeed on a new connection. The ping goes out once half
/// the dead-connection timeout has passed with nothing heard while a call
/// waits (or, if none waits then, when the next call starts), and the
/// connection is given up when the other half passes without an answer,
/// whether a call waits then or not.
#[test]
fn a_half_open_connection_under_a_short_call_timeout() {
    let dead_after = Duration::from_millis(2000);
    let call_timeout = Duration::from_millis(400);
    let emu = emulator(Duration::from_secs(300));
    let proxy = FaultProxy::start(emu.addr());
    let conn = connect_with_timeouts(&proxy, call_timeout, dead_after);
    let session = open(conn);
    check(mesh_session_commit(session), MESH_OK);
    let connections = proxy.connections();

    proxy.set(Fault::HalfOpen);
    let died = Instant::now();
    // A caller that keeps calling. (status, began ms after the path died,
    // took ms), until a call succeeds.
    let mut calls = Vec::new();
    while died.elapsed() < Duration::from_secs(10) {
        let began = died.elapsed();
        let (status, took) = timed(|| mesh_session_commit(session));
        calls.push((status, began.as_millis(), took.as_millis()));
        if status == MESH_OK {
            break;
        }
    }
    let replaced = calls.last().map(|c| c.1);
    note(&format!(
        "faults: half-open with a call timeout ({} ms) shorter than the dead-connection timeout ({} ms): calls (status, began ms after the path died, took ms): {:?}",
        call_timeout.as_millis(),
        dead_after.as_millis(),
        calls
            .iter()
            .map(|(s, b, t)| (status_name(*s), b, t))
            .collect::<Vec<_>>()
    ));
    let (last, failed) = calls.split_last().expect("calls were made");
    assert_eq!(last.0, MESH_OK, "no call succeeded within 10 s: {calls:?}");
    assert!(proxy.connections() > connections, "no new connection");
    // Every call on the dead connection ended at its own timeout.
    for &(status, began, took) in failed {
        assert!(
            matches!(status, MESH_ERROR_TIMEOUT | MESH_ERROR_UNAVAILABLE),
            "{status:?} at {began} ms"
        );
        assert!(
            Duration::from_millis(took as u64) < call_timeout + SCHEDULING,
            "a call took {took} ms"
        );
    }
    let timeouts = failed.iter().filter(|c| c.0 == MESH_ERROR_TIMEOUT).count();
    assert!(timeouts >= 2, "{calls:?}");
    // Replaced about one dead-connection timeout after the path died, not
    // before: the library cannot tell a silent connection from a slow
    // answer sooner.
    let replaced = Duration::from_millis(replaced.unwrap_or(0) as u64);
    assert!(
        replaced >= dead_after - call_timeout && replaced < dead_after + call_timeout + SCHEDULING,
        "replaced {replaced:?} after the path died: {calls:?}"
    );

    // A caller that calls now and then: the path dies while no call waits.
    // The first call after half the dead-connection timeout of silence
    // sends the ping; it times out, and the connection is given up the
    // other half later whether or not a call waits then.
    proxy.set(Fault::Pass);
    check(mesh_session_commit(session), MESH_OK);
    let connections = proxy.connections();
    proxy.set(Fault::HalfOpen);
    std::thread::sleep(dead_after);
    let (status, took) = timed(|| mesh_session_commit(session));
    let pinged = Instant::now();
    std::thread::sleep(dead_after / 2 + Duration::from_millis(200));
    let mut later = Vec::new();
    while pinged.elapsed() < Duration::from_secs(10) {
        let began = pinged.elapsed();
        let (status, took) = timed(|| mesh_session_commit(session));
        later.push((status_name(status), began.as_millis(), took.as_millis()));
        if status == MESH_OK {
            break;
        }
    }
    note(&format!(
        "faults: half-open, calls now and then: a call after {} ms of silence gave {} in {} ms; then (status, began ms after it, took ms): {later:?}",
        dead_after.as_millis(),
        status_name(status),
        took.as_millis()
    ));
    assert_eq!(status, MESH_ERROR_TIMEOUT, "{}", last_error());
    assert!(took < call_timeout + SCHEDULING, "{took:?}");
    assert_eq!(
        later.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
        ["MESH_OK"],
        "the connection was not given up half the dead-connection timeout after the ping"
    );
    assert!(proxy.connections() > connections, "no new connection");
    assert!(!is_expired(session));
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn a_black_holed_connect_gives_unavailable_within_the_connect_timeout() {
    let emu = emulator(Duration::from_secs(300));
    let proxy = FaultProxy::start(emu.addr());
    proxy.set(Fault::Stall);
    let mut options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut options) }, MESH_OK);
    check(mesh_options_set_connect_timeout_ms(options, 500), MESH_OK);
    let address = c(&proxy.addr().to_string());
    let mut conn: *mut mesh_connection = ptr::null_mut();
    let (status, took) =
        timed(|| unsafe { mesh_connection_open(address.as_ptr(), options, &mut conn) });
    assert_eq!(status, MESH_ERROR_UNAVAILABLE, "{}", last_error());
    assert!(conn.is_null());
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_millis(500) + SCHEDULING,
        "{took:?}"
    );
    assert!(last_error().contains("500 ms"), "{}", last_error());
    // Once the server answers, connecting works.
    proxy.set(Fault::Pass);
    check(
        unsafe { mesh_connection_open(address.as_ptr(), options, &mut conn) },
        MESH_OK,
    );
    check(mesh_connection_close(conn), MESH_OK);
    check(mesh_options_free(options), MESH_OK);
}

#[test]
fn a_frozen_server_times_out_and_a_slow_one_works() {
    let emu = emulator(Duration::from_secs(300));
    let proxy = FaultProxy::start(emu.addr());
    let conn = connect_with(&proxy.addr().to_string(), |o| {
        check(mesh_options_set_call_timeout_ms(o, 400), MESH_OK);
    });
    let session = open(conn);
    proxy.set(Fault::Freeze);
    let (status, took) = timed(|| mesh_session_commit(session));
    assert_eq!(status, MESH_ERROR_TIMEOUT, "{}", last_error());
    assert!(
        took >= Duration::from_millis(380) && took < Duration::from_millis(400) + SCHEDULING,
        "{took:?}"
    );
    proxy.set(Fault::Slow(Duration::from_millis(30)));
    let (status, took) = timed(|| mesh_session_commit(session));
    assert_eq!(status, MESH_OK, "{}", last_error());
    assert!(took >= Duration::from_millis(60), "{took:?}");
    proxy.set(Fault::Pass);
    check(mesh_session_commit(session), MESH_OK);
    assert!(!is_expired(session));
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

/// 2030-01-01T00:00:00Z in ms.
const T0: i64 = 1_893_456_000_000;
const POINTS: usize = 1_000_000;

fn million_points() -> (Vec<i64>, Vec<f64>) {
    let times = (0..POINTS as i64).map(|i| T0 + i * 1000).collect();
    let values = (0..POINTS).map(|i| i as f64).collect();
    (times, values)
}

#[test]
fn the_call_timeout_bounds_a_whole_chunked_write_and_read() {
    let emu = emulator(Duration::from_secs(300));
    let proxy = FaultProxy::start(emu.addr());
    let (times, values) = million_points();
    let end = T0 + POINTS as i64 * 1000;

    // The points, written and committed directly, for the read below.
    let direct = connect(&emu.addr().to_string());
    let writer = open(direct);
    check(
        unsafe {
            mesh_timeseries_write_by_key(
                writer,
                1,
                T0,
                end,
                times.as_ptr(),
                ptr::null(),
                values.as_ptr(),
                POINTS,
            )
        },
        MESH_OK,
    );
    check(mesh_session_commit(writer), MESH_OK);
    check(mesh_session_close(writer), MESH_OK);

    // Through a slow path, each request of the chunked write would fit the
    // call timeout but the whole write would not.
    let limit = Duration::from_millis(1000);
    let conn = connect_with(&proxy.addr().to_string(), |o| {
        check(mesh_options_set_call_timeout_ms(o, 1000), MESH_OK);
        check(
            mesh_options_set_max_receive_message_bytes(o, 1024 * 1024),
            MESH_OK,
        );
    });
    let session = open(conn);
    proxy.set(Fault::Slow(Duration::from_millis(5)));
    let (status, took) = timed(|| unsafe {
        mesh_timeseries_write_by_key(
            session,
            1,
            T0,
            end,
            times.as_ptr(),
            ptr::null(),
            values.as_ptr(),
            POINTS,
        )
    });
    let message = last_error();
    assert_eq!(status, MESH_ERROR_TIMEOUT, "{message}");
    assert!(took < limit + SCHEDULING, "{took:?}");
    assert!(
        message.contains("of 1000000 points were written"),
        "{message}"
    );
    note(&format!(
        "faults: a million-point write with a 1000 ms call timeout through a slow path returned after {} ms: {message}",
        took.as_millis()
    ));

    let mut points = ptr::null_mut();
    let (status, took) =
        timed(|| unsafe { mesh_timeseries_read_by_key(session, 1, T0, end, &mut points) });
    assert_eq!(status, MESH_ERROR_TIMEOUT, "{}", last_error());
    assert!(points.is_null());
    assert!(took < limit + SCHEDULING, "{took:?}");

    proxy.set(Fault::Pass);
    check(mesh_session_rollback(session), MESH_OK);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
    check(mesh_connection_close(direct), MESH_OK);
}

static EXPIRED: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn count_expired(_: *const c_char, _: *mut c_void) {
    EXPIRED.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn a_server_killed_and_restarted_on_the_same_port() {
    let emu = emulator(Duration::from_millis(2000));
    let proxy = FaultProxy::start(emu.addr());
    let conn = connect_with(&proxy.addr().to_string(), |o| {
        check(mesh_options_set_call_timeout_ms(o, 1000), MESH_OK);
    });
    let session = open(conn);
    check(
        mesh_session_set_expired_callback(session, Some(count_expired), ptr::null_mut()),
        MESH_OK,
    );
    // Killed: its connections are reset and its port refuses.
    proxy.set(Fault::Reset);
    emu.stop();
    proxy.set(Fault::Pass);
    let (status, took) = timed(|| mesh_session_commit(session));
    assert_eq!(status, MESH_ERROR_UNAVAILABLE, "{}", last_error());
    assert!(took < SCHEDULING, "{took:?}");
    let mut other = ptr::null_mut();
    let (status, took) = timed(|| unsafe { mesh_session_open(conn, &mut other) });
    assert_eq!(status, MESH_ERROR_UNAVAILABLE, "{}", last_error());
    assert!(took < Duration::from_millis(1500), "{took:?}");

    // Back on the same port, without the session: the handle is found
    // expired and the callback runs once; the same connection handle works.
    emu.resume().unwrap();
    assert!(wait_until(Duration::from_secs(4), || is_expired(session)));
    assert!(wait_until(Duration::from_secs(2), || EXPIRED
        .load(Ordering::SeqCst)
        == 1));
    check(mesh_session_commit(session), MESH_ERROR_SESSION_EXPIRED);
    let fresh = open(conn);
    check(mesh_session_commit(fresh), MESH_OK);
    check(mesh_session_close(fresh), MESH_OK);
    check(mesh_session_close(session), MESH_ERROR_SESSION_EXPIRED);
    check(mesh_connection_close(conn), MESH_OK);
    assert_eq!(EXPIRED.load(Ordering::SeqCst), 1);
}

#[test]
fn a_token_echoed_by_the_server_never_reaches_a_message() {
    let (identity, root) = crate::support::hostile::self_signed("hostile.example");
    let hostile = crate::support::hostile::Hostile::start(&identity, Vec::new());
    let secret = "tok-3chos-b4ck-s3cret";
    let conn = connect_with(&hostile.url(), |o| unsafe {
        check(
            mesh_options_set_tls_root_certificate_pem(o, c(&root).as_ptr()),
            MESH_OK,
        );
        check(
            mesh_options_set_tls_server_name(o, c("hostile.example").as_ptr()),
            MESH_OK,
        );
        check(
            mesh_options_set_access_token(o, c(secret).as_ptr()),
            MESH_OK,
        );
    });
    let session = open(conn);
    check(mesh_session_commit(session), MESH_ERROR_PERMISSION_DENIED);
    let message = last_error();
    assert!(!message.contains(secret), "{message}");
    assert!(
        message.contains("token <token> may not commit"),
        "{message}"
    );
    // A token replaced on the live connection is scrubbed too.
    let newer = "tok-n3w3r-s3cret";
    check(
        unsafe { mesh_connection_set_access_token(conn, c(newer).as_ptr()) },
        MESH_OK,
    );
    check(mesh_session_commit(session), MESH_ERROR_PERMISSION_DENIED);
    let message = last_error();
    assert!(
        !message.contains(newer) && !message.contains(secret),
        "{message}"
    );
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

/// Arrow data the decoder panics on (the library says so in its message):
/// the first of a fixed run of one-byte mutations of a valid stream. The
/// stream has a column more than Mesh sends, which takes it to Arrow's
/// general reader (streams of Mesh's three columns alone the library reads
/// itself, and none of these mutations makes that panic).
fn panicking_arrow_stream() -> Vec<u8> {
    use arrow_array::{
        ArrayRef, Float64Array, RecordBatch, TimestampMillisecondArray, UInt32Array,
    };
    use arrow_schema::{DataType, Field, Schema};
    use mesh_capi::client::{points_schema, Points};
    use std::sync::Arc;
    let mut fields: Vec<Field> = points_schema()
        .fields()
        .iter()
        .map(|f| f.as_ref().clone())
        .collect();
    fields.push(Field::new("note", DataType::UInt32, true));
    let schema = Arc::new(Schema::new(fields));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(TimestampMillisecondArray::from(vec![1, 2, 3])),
        Arc::new(UInt32Array::from(vec![0, 0, 0])),
        Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0])),
        Arc::new(UInt32Array::from(vec![7, 7, 7])),
    ];
    let mut writer = arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &schema).unwrap();
    writer
        .write(&RecordBatch::try_new(schema.clone(), columns).unwrap())
        .unwrap();
    let good = writer.into_inner().unwrap();
    assert_eq!(Points::from_arrow_stream(&good).unwrap().len(), 3);
    for i in 0..good.len() {
        for value in [0x80u8, 0x00, 0xff, 0x7f, 0x40] {
            let mut bad = good.clone();
            bad[i] = value;
            if let Err(e) = Points::from_arrow_stream(&bad) {
                if e.message().contains("the decoder panicked") {
                    return bad;
                }
            }
        }
    }
    panic!("no one-byte mutation makes the Arrow decoder panic any more");
}

#[test]
fn the_library_never_writes_to_the_hosts_stderr() {
    let (identity, root) = crate::support::hostile::self_signed("hostile.example");
    let hostile = crate::support::hostile::Hostile::start(&identity, panicking_arrow_stream());
    let root_file = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile_root.pem");
    std::fs::write(&root_file, root).unwrap();
    let exe = build("tests/c/quiet.c");
    let out = run(
        &exe,
        &[
            &hostile.url(),
            root_file.to_str().unwrap(),
            "hostile.example",
        ],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        out.stderr.is_empty(),
        "the library wrote to stderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "provider asking for 1 TiB: MESH_ERROR_UNAUTHENTICATED",
        "provider asking for SIZE_MAX: MESH_ERROR_UNAUTHENTICATED",
        "provider giving a token: MESH_OK",
        "commit refused: MESH_ERROR_PERMISSION_DENIED, token not in the message",
        "read of malformed data: MESH_ERROR_SERVER",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
}

#[test]
fn connections_reset_mid_write_do_not_kill_a_c_host_with_sigpipe() {
    let emu = emulator(Duration::from_secs(300));
    let proxy = FaultProxy::start(emu.addr());
    survives_resets_mid_write(&proxy, &[&proxy.addr().to_string(), "3"]);
}

#[test]
fn tls_connections_reset_mid_write_do_not_kill_a_c_host_with_sigpipe() {
    let (emu, root) = bindings::tls_emulator(&["sigpipe-token"], "Host", "sigpipe_root.pem");
    let proxy = FaultProxy::start(emu.addr());
    let address = format!("https://{}", proxy.addr());
    let root = root.to_str().unwrap();
    survives_resets_mid_write(&proxy, &[&address, "3", root, "sigpipe-token"]);
}

/// Runs tests/c/sigpipe.c with `args` while `proxy` closes and resets its
/// connections in turn; the host must end on its own, with documented
/// statuses only.
fn survives_resets_mid_write(proxy: &FaultProxy, args: &[&str]) {
    let exe = build("tests/c/sigpipe.c");
    let out = std::thread::scope(|s| {
        let host = s.spawn(|| run(&exe, args));
        // Closed (the way that makes a later write fail with EPIPE) and
        // reset, in turn, mid-write.
        let mut faults = [Fault::Drop, Fault::Reset].into_iter().cycle();
        while !host.is_finished() {
            std::thread::sleep(Duration::from_millis(150));
            proxy.set(faults.next().unwrap());
            std::thread::sleep(Duration::from_millis(50));
            proxy.set(Fault::Pass);
        }
        host.join().unwrap()
    });
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        out.status.signal(),
        None,
        "killed by a signal: {:?}",
        out.status
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // Some writes got through between the faults, so the faults hit a
    // connection that was writing.
    let written: u64 = text
        .split("survived: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of writes in {text:?}"));
    assert!(written > 0, "{text}");
}

/// Whether SIGPIPE is blocked in thread `task` of this process, from
/// /proc/self/task/TASK/status.
fn sigpipe_blocked(task: &std::path::Path) -> Option<bool> {
    let status = std::fs::read_to_string(task.join("status")).ok()?;
    let mask = status.lines().find_map(|l| l.strip_prefix("SigBlk:"))?;
    let mask = u64::from_str_radix(mask.trim(), 16).ok()?;
    Some(mask & (1 << (13 - 1)) != 0)
}

#[test]
fn the_librarys_threads_block_sigpipe_and_the_hosts_threads_are_left_alone() {
    let emu = emulator(Duration::from_secs(300));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    check(mesh_session_commit(session), MESH_OK);
    let mut library_threads = 0;
    for task in std::fs::read_dir("/proc/self/task").unwrap() {
        let task = task.unwrap().path();
        let name = std::fs::read_to_string(task.join("comm")).unwrap_or_default();
        if name.starts_with("mesh-rt") || name.starts_with("mesh-callbacks") {
            library_threads += 1;
            assert_eq!(sigpipe_blocked(&task), Some(true), "{}", name.trim());
        }
    }
    assert!(library_threads >= 2);
    let me = std::path::PathBuf::from(format!("/proc/self/task/{}", unsafe { libc::gettid() }));
    assert_eq!(sigpipe_blocked(&me), Some(false), "the caller's thread");
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

/// Per operation: how often its callback ran, and the status it got.
struct Outcomes {
    runs: Vec<AtomicUsize>,
    statuses: Vec<AtomicUsize>,
}

struct Slot {
    outcomes: *const Outcomes,
    index: usize,
}

unsafe extern "C" fn on_completed(
    op: *mut mesh_operation,
    status: mesh_status,
    user_data: *mut c_void,
) {
    let slot = unsafe { &*(user_data as *const Slot) };
    let outcomes = unsafe { &*slot.outcomes };
    outcomes.statuses[slot.index].store(status as usize, Ordering::SeqCst);
    let mut points = ptr::null_mut();
    let finished = unsafe { mesh_timeseries_read_by_key_finish(op, &mut points) };
    assert_eq!(finished, status, "finish gave what the callback was told");
    if finished == MESH_OK {
        mesh_point_list_free(points);
    }
    outcomes.runs[slot.index].fetch_add(1, Ordering::SeqCst);
}

/// Starts `n` reads with callbacks; waits until each has run, and returns
/// how often each ran and the statuses they got.
fn reads_through(
    session: *mut mesh_session,
    n: usize,
    meanwhile: impl FnOnce(),
) -> (Vec<usize>, Vec<mesh_status>) {
    let outcomes = Box::new(Outcomes {
        runs: (0..n).map(|_| AtomicUsize::new(0)).collect(),
        statuses: (0..n).map(|_| AtomicUsize::new(usize::MAX)).collect(),
    });
    let slots: Vec<Slot> = (0..n)
        .map(|index| Slot {
            outcomes: &*outcomes,
            index,
        })
        .collect();
    for slot in &slots {
        let mut op = ptr::null_mut();
        check(
            unsafe { mesh_timeseries_read_by_key_start(session, 1, 0, 86_400_000, &mut op) },
            MESH_OK,
        );
        let user_data = slot as *const Slot as *mut c_void;
        check(
            mesh_operation_set_callback(op, Some(on_completed), user_data),
            MESH_OK,
        );
    }
    meanwhile();
    assert!(
        wait_until(Duration::from_secs(20), || outcomes
            .runs
            .iter()
            .all(|r| r.load(Ordering::SeqCst) > 0)),
        "not every operation completed"
    );
    // Long enough for a second completion to show.
    std::thread::sleep(Duration::from_millis(300));
    let runs = outcomes
        .runs
        .iter()
        .map(|r| r.load(Ordering::SeqCst))
        .collect();
    let statuses = outcomes
        .statuses
        .iter()
        .map(|s| status_from(s.load(Ordering::SeqCst)))
        .collect();
    (runs, statuses)
}

fn status_from(n: usize) -> mesh_status {
    [
        MESH_OK,
        MESH_ERROR_UNAVAILABLE,
        MESH_ERROR_TIMEOUT,
        MESH_ERROR_CANCELLED,
        MESH_ERROR_SESSION_EXPIRED,
    ]
    .into_iter()
    .find(|s| *s as usize == n)
    .unwrap_or(MESH_ERROR_INTERNAL)
}

#[test]
fn operations_in_flight_complete_exactly_once_when_the_connection_dies() {
    let emu = emulator(Duration::from_secs(300));
    let proxy = FaultProxy::start(emu.addr());
    let conn = connect_with(&format!("http://{}", proxy.addr()), |options| {
        check(mesh_options_set_call_timeout_ms(options, 2_000), MESH_OK);
    });
    let session = open(conn);

    // Reset under 200 reads the server holds: each fails once, promptly.
    emu.delay_calls("ReadTimeseries", Duration::from_secs(5));
    let began = Instant::now();
    let (runs, statuses) = reads_through(session, 200, || {
        std::thread::sleep(Duration::from_millis(200));
        proxy.set(Fault::Reset);
    });
    let took = began.elapsed();
    assert!(
        runs.iter().all(|r| *r == 1),
        "completions per operation: {runs:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == MESH_ERROR_UNAVAILABLE),
        "{statuses:?}"
    );
    note(&format!(
        "faults: 200 operations in flight when the connection was reset: each completed once, UNAVAILABLE, all within {} ms",
        took.as_millis()
    ));

    // A frozen server: each ends once, at the call timeout.
    proxy.set(Fault::Pass);
    emu.delay_calls("ReadTimeseries", Duration::ZERO);
    let (runs, statuses) = reads_through(session, 50, || proxy.set(Fault::Freeze));
    assert!(
        runs.iter().all(|r| *r == 1),
        "completions per operation: {runs:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == MESH_ERROR_TIMEOUT || *s == MESH_OK),
        "{statuses:?}"
    );
    assert!(statuses.contains(&MESH_ERROR_TIMEOUT), "{statuses:?}");

    // The frozen connection is given up and replaced (a few calls on it
    // may fail first); then operations work again.
    proxy.set(Fault::Pass);
    assert!(wait_until(Duration::from_secs(20), || {
        let mut points = ptr::null_mut();
        let status = unsafe { mesh_timeseries_read_by_key(session, 1, 0, 86_400_000, &mut points) };
        mesh_point_list_free(points);
        status == MESH_OK
    }));
    let (runs, statuses) = reads_through(session, 20, || {});
    assert!(runs.iter().all(|r| *r == 1));
    assert!(statuses.iter().all(|s| *s == MESH_OK), "{statuses:?}");
    let _ = mesh_session_close(session);
    check(mesh_connection_close(conn), MESH_OK);
}
