//! Session behaviour through the C API, against the emulator over TCP.

use std::ffi::{c_char, c_void, CStr};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::*;
use mesh_status::*;

const MINUTES_5: Duration = Duration::from_secs(300);

#[test]
fn open_commit_rollback_extend_close() {
    let emu = emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let id = id_of(session);
    assert_eq!(id, id.to_lowercase());
    assert!(mesh_capi::client::parse_session_id(&id).is_ok());
    check(mesh_session_commit(session), MESH_OK);
    check(mesh_session_rollback(session), MESH_OK);
    let mut expires_in = 0i64;
    check(
        unsafe { mesh_session_extend(session, &mut expires_in) },
        MESH_OK,
    );
    assert_eq!(expires_in, 300_000);
    check(
        unsafe { mesh_session_extend(session, ptr::null_mut()) },
        MESH_OK,
    );
    assert!(!is_expired(session));
    assert_eq!(emu.open_sessions(), 1);
    check(mesh_session_close(session), MESH_OK);
    assert_eq!(emu.open_sessions(), 0);
    assert_eq!(emu.calls("EndSession"), 1);
    assert_eq!(emu.calls("Commit"), 1);
    assert_eq!(emu.calls("Rollback"), 1);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn connect_accepts_both_address_forms_and_reports_the_version() {
    let emu = emulator(MINUTES_5);
    for address in [emu.addr().to_string(), emu.url()] {
        let conn = connect(&address);
        let mut buf = [0 as c_char; 16];
        let mut len = 0;
        check(
            unsafe { mesh_connection_server_version(conn, buf.as_mut_ptr(), buf.len(), &mut len) },
            MESH_OK,
        );
        assert_eq!(
            unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap(),
            "2.21.0+1"
        );
        assert_eq!(len, 8);
        check(mesh_connection_close(conn), MESH_OK);
    }
    assert_eq!(emu.calls("GetVersion"), 2);
}

#[test]
fn too_small_buffers_give_the_length_needed_and_write_nothing() {
    let emu = emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let mut buf = [b'x' as c_char; 36];
    let mut len = 0usize;
    let status = unsafe { mesh_session_id(session, buf.as_mut_ptr(), buf.len(), &mut len) };
    assert_eq!(status, MESH_ERROR_BUFFER_TOO_SMALL);
    assert_eq!(len, 36);
    assert!(
        buf.iter().all(|b| *b == b'x' as c_char),
        "buffer written on failure"
    );
    assert!(last_error().contains("37 needed"), "{}", last_error());
    // A length query with a NULL buffer.
    let mut len = 0usize;
    let status = unsafe { mesh_session_id(session, ptr::null_mut(), 0, &mut len) };
    assert_eq!((status, len), (MESH_ERROR_BUFFER_TOO_SMALL, 36));
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn attach_accepts_canonical_in_any_case_and_braced() {
    let emu = emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let first = open(conn);
    let id = id_of(first);
    for form in [
        id.clone(),
        id.to_uppercase(),
        format!("{{{id}}}"),
        format!("{{{}}}", id.to_uppercase()),
    ] {
        let attached =
            attach(conn, &form).unwrap_or_else(|s| panic!("{form}: {s:?} {}", last_error()));
        assert_eq!(id_of(attached), id);
        check(mesh_session_commit(attached), MESH_OK);
        check(mesh_session_detach(attached), MESH_OK);
    }
    check(mesh_session_close(first), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn attach_to_unknown_ids_gives_session_not_found_whatever_the_grpc_code() {
    for code in [
        tonic::Code::Internal,
        tonic::Code::NotFound,
        tonic::Code::Unknown,
        tonic::Code::FailedPrecondition,
    ] {
        let emu = Emulator::start_local(Config {
            session_not_found_code: code,
            ..Config::default()
        })
        .unwrap();
        let conn = connect(&emu.addr().to_string());
        // Never existed.
        let never = "123e4567-e89b-12d3-a456-556642440000";
        assert_eq!(
            attach(conn, never),
            Err(MESH_ERROR_SESSION_NOT_FOUND),
            "{code:?}"
        );
        let message = last_error();
        assert!(
            message.contains("Session with id {123E4567-E89B-12D3-A456-556642440000} not found."),
            "{message}"
        );
        assert!(
            message.contains(&format!("code {}", code as i32)),
            "{message}"
        );
        // Ended.
        let session = open(conn);
        let id = id_of(session);
        check(mesh_session_close(session), MESH_OK);
        assert_eq!(
            attach(conn, &id),
            Err(MESH_ERROR_SESSION_NOT_FOUND),
            "{code:?}"
        );
        check(mesh_connection_close(conn), MESH_OK);
    }
}

#[test]
fn malformed_ids_are_refused_without_a_request() {
    let emu = emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let before = emu.calls("ExtendSession");
    for bad in [
        "",
        "nope",
        "123e4567e89b12d3a456556642440000",
        "{123e4567-e89b-12d3-a456-556642440000",
        "123e4567-e89b-12d3-a456-55664244000z",
    ] {
        assert_eq!(
            attach(conn, bad),
            Err(MESH_ERROR_INVALID_ARGUMENT),
            "{bad:?}"
        );
        assert!(
            last_error().contains("malformed session id"),
            "{}",
            last_error()
        );
    }
    assert_eq!(emu.calls("ExtendSession"), before);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn unreachable_server_gives_unavailable_within_the_connect_timeout() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut options) }, MESH_OK);
    check(mesh_options_set_connect_timeout_ms(options, 1000), MESH_OK);
    let mut conn = ptr::null_mut();
    let started = Instant::now();
    let status = unsafe {
        mesh_connection_open(c(&format!("127.0.0.1:{port}")).as_ptr(), options, &mut conn)
    };
    assert_eq!(status, MESH_ERROR_UNAVAILABLE);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(conn.is_null(), "out written on failure");
    assert!(
        last_error().starts_with("mesh_connection_open: cannot connect to"),
        "{}",
        last_error()
    );
    check(mesh_options_free(options), MESH_OK);
}

#[test]
fn a_silent_server_gives_unavailable_after_the_connect_timeout() {
    // Accepts TCP but never speaks HTTP/2.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let mut options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut options) }, MESH_OK);
    check(mesh_options_set_connect_timeout_ms(options, 300), MESH_OK);
    let mut conn = ptr::null_mut();
    let started = Instant::now();
    let status = unsafe { mesh_connection_open(c(&address).as_ptr(), options, &mut conn) };
    assert!(
        matches!(status, MESH_ERROR_UNAVAILABLE | MESH_ERROR_TIMEOUT),
        "{status:?} {}",
        last_error()
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    check(mesh_options_free(options), MESH_OK);
    drop(listener);
}

#[test]
fn old_servers_are_refused_and_unparsable_versions_accepted() {
    for (version, expected) in [
        ("2.20.9", MESH_ERROR_INCOMPATIBLE_SERVER),
        ("1.99.0+55", MESH_ERROR_INCOMPATIBLE_SERVER),
        ("2.21.0+7", MESH_OK),
        ("3.0.0", MESH_OK),
        ("nightly", MESH_OK),
    ] {
        let emu = Emulator::start_local(Config {
            version: version.into(),
            ..Config::default()
        })
        .unwrap();
        let mut conn = ptr::null_mut();
        let status = unsafe {
            mesh_connection_open(c(&emu.addr().to_string()).as_ptr(), ptr::null(), &mut conn)
        };
        assert_eq!(status, expected, "{version}: {}", last_error());
        if status == MESH_OK {
            check(mesh_connection_close(conn), MESH_OK);
        } else {
            assert!(last_error().contains(version), "{}", last_error());
        }
    }
}

#[test]
fn sessions_outlive_their_closed_connection() {
    let emu = emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let a = open(conn);
    let b = open(conn);
    check(mesh_connection_close(conn), MESH_OK);
    check(mesh_session_close(conn.cast()), MESH_ERROR_INVALID_HANDLE);
    check(mesh_session_commit(a), MESH_OK);
    check(mesh_session_close(a), MESH_OK);
    check(mesh_session_commit(b), MESH_OK);
    check(unsafe { mesh_session_extend(b, ptr::null_mut()) }, MESH_OK);
    check(mesh_session_close(b), MESH_OK);
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn one_connection_serves_many_threads() {
    let emu = emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string()) as usize;
    let workers: Vec<_> = (0..8)
        .map(|_| {
            std::thread::spawn(move || {
                let conn = conn as *mut mesh_connection;
                for _ in 0..10 {
                    let s = open(conn);
                    check(mesh_session_commit(s), MESH_OK);
                    check(mesh_session_close(s), MESH_OK);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(emu.calls("StartSession"), 80);
    assert_eq!(emu.calls("EndSession"), 80);
    check(mesh_connection_close(conn as *mut mesh_connection), MESH_OK);
}

#[test]
fn one_session_serves_many_threads() {
    let emu = emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn) as usize;
    let workers: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                for _ in 0..25 {
                    check(mesh_session_commit(session as *mut mesh_session), MESH_OK);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(emu.calls("Commit"), 100);
    check(mesh_session_close(session as *mut mesh_session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

static CLOSED_FROM_CALLBACK: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn close_in_callback(id: *const c_char, user_data: *mut c_void) {
    let session = user_data as *mut mesh_session;
    let id = unsafe { CStr::from_ptr(id) }.to_str().unwrap().to_owned();
    assert_eq!(id_of(session), id);
    // A callback may call blocking functions, close included.
    assert_eq!(mesh_session_close(session), MESH_ERROR_SESSION_EXPIRED);
    CLOSED_FROM_CALLBACK.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn a_session_ended_elsewhere_expires_and_its_callback_may_close_it() {
    let emu = emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    check(
        mesh_session_set_expired_callback(session, Some(close_in_callback), session.cast()),
        MESH_OK,
    );
    // Another client ends it.
    let other = attach(conn, &id_of(session)).unwrap();
    check(mesh_session_close(other), MESH_OK);
    // The next call finds out.
    check(mesh_session_commit(session), MESH_ERROR_SESSION_EXPIRED);
    assert!(last_error().contains("not found"), "{}", last_error());
    assert!(wait_until(Duration::from_secs(5), || CLOSED_FROM_CALLBACK
        .load(Ordering::SeqCst)
        == 1));
    // The callback closed the handle.
    check(mesh_session_commit(session), MESH_ERROR_INVALID_HANDLE);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn an_expired_handle_says_so_without_asking_the_server() {
    let emu = emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    wait_for_learned_timeout(&emu);
    let other = attach(conn, &id_of(session)).unwrap();
    check(mesh_session_close(other), MESH_OK);
    assert!(!is_expired(session));
    check(mesh_session_rollback(session), MESH_ERROR_SESSION_EXPIRED);
    assert!(is_expired(session));
    let calls = emu.calls("Commit") + emu.calls("Rollback") + emu.calls("ExtendSession");
    check(mesh_session_commit(session), MESH_ERROR_SESSION_EXPIRED);
    check(
        unsafe { mesh_session_extend(session, ptr::null_mut()) },
        MESH_ERROR_SESSION_EXPIRED,
    );
    assert_eq!(
        emu.calls("Commit") + emu.calls("Rollback") + emu.calls("ExtendSession"),
        calls
    );
    // Closing an expired session frees the handle and says it was lost.
    check(mesh_session_close(session), MESH_ERROR_SESSION_EXPIRED);
    check(mesh_session_close(session), MESH_ERROR_INVALID_HANDLE);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn calls_time_out_at_the_call_timeout() {
    let emu = emulator(MINUTES_5);
    let conn = connect_with(&emu.addr().to_string(), |o| {
        check(mesh_options_set_call_timeout_ms(o, 300), MESH_OK);
    });
    let session = open(conn);
    emu.pause();
    let started = Instant::now();
    let status = mesh_session_commit(session);
    assert!(
        matches!(status, MESH_ERROR_UNAVAILABLE | MESH_ERROR_TIMEOUT),
        "{status:?}: {}",
        last_error()
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    emu.resume().unwrap();
    assert!(wait_until(Duration::from_secs(5), || mesh_session_commit(
        session
    ) == MESH_OK));
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn status_names_and_version() {
    assert_eq!(
        status_name(MESH_ERROR_SESSION_NOT_FOUND),
        "MESH_ERROR_SESSION_NOT_FOUND"
    );
    let version = unsafe { CStr::from_ptr(mesh_library_version()) }
        .to_str()
        .unwrap();
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
}
