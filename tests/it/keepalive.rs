//! Keep-alive without user code, against an emulator with a short (about a
//! second) inactivity timeout. Waits poll with deadlines.

use std::ffi::{c_char, c_void};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::*;
use mesh_status::*;

const TIMEOUT: Duration = Duration::from_millis(1000);

/// Sleeps `d` while asserting nothing else: the point is to be idle.
fn idle(d: Duration) {
    std::thread::sleep(d);
}

#[test]
fn an_idle_session_outlives_the_server_timeout_many_times() {
    let emu = emulator(TIMEOUT);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let mut expires_in = 0;
    check(
        unsafe { mesh_session_extend(session, &mut expires_in) },
        MESH_OK,
    );
    assert_eq!(expires_in, 1000, "the library learns the server's timeout");
    idle(Duration::from_millis(4500));
    assert!(!is_expired(session));
    check(mesh_session_commit(session), MESH_OK);
    // Extended about every 500 ms (half the timeout): 9 in 4.5 s; allow slack
    // for scheduling, but not one request per poll.
    let extends = emu.calls("ExtendSession");
    assert!((7..=13).contains(&extends), "{extends} extensions in 4.5 s");
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn later_sessions_start_from_the_timeout_the_connection_learned() {
    let emu = emulator(TIMEOUT);
    let conn = connect(&emu.addr().to_string());
    let first = open(conn);
    wait_for_learned_timeout(&emu);
    let later: Vec<_> = (0..10).map(|_| open(conn)).collect();
    // No session asks again right after opening...
    idle(Duration::from_millis(200));
    assert_eq!(emu.calls("ExtendSession"), 1);
    // ...yet all are kept alive at the learned 1 s timeout, not the 5-minute
    // default they would otherwise assume.
    idle(Duration::from_millis(2500));
    for s in later.iter().chain([&first]) {
        assert!(!is_expired(*s));
        check(mesh_session_commit(*s), MESH_OK);
        check(mesh_session_close(*s), MESH_OK);
    }
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn a_detached_session_expires_on_the_server() {
    let emu = emulator(TIMEOUT);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let id = id_of(session);
    check(mesh_session_detach(session), MESH_OK);
    check(mesh_session_commit(session), MESH_ERROR_INVALID_HANDLE);
    // Still there right after detaching...
    let again = attach(conn, &id).expect("attach right after detach");
    check(mesh_session_detach(again), MESH_OK);
    // ...and gone once the timeout has passed with nobody extending it.
    assert!(wait_until(Duration::from_secs(5), || emu.open_sessions() == 0));
    assert_eq!(attach(conn, &id), Err(MESH_ERROR_SESSION_NOT_FOUND));
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn a_busy_session_costs_no_extra_requests() {
    let emu = emulator(TIMEOUT);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    wait_for_learned_timeout(&emu);
    let opened_with = emu.calls("ExtendSession");
    let until = Instant::now() + Duration::from_millis(2500);
    let mut commits = 0;
    while Instant::now() < until {
        check(mesh_session_commit(session), MESH_OK);
        commits += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(commits >= 20);
    // Every commit counted as activity, so keep-alive never had to extend.
    assert_eq!(emu.calls("ExtendSession"), opened_with);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn the_keepalive_interval_option_is_honoured() {
    let emu = emulator(Duration::from_secs(300));
    let conn = connect_with(&emu.addr().to_string(), |o| {
        check(mesh_options_set_keepalive_interval_ms(o, 200), MESH_OK);
    });
    let session = open(conn);
    let start = emu.calls("ExtendSession");
    idle(Duration::from_millis(2100));
    let extends = emu.calls("ExtendSession") - start;
    assert!(
        (7..=12).contains(&extends),
        "{extends} extensions in 2.1 s at 200 ms"
    );
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn a_brief_outage_is_ridden_out() {
    let emu = emulator(Duration::from_millis(2000));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    wait_for_learned_timeout(&emu);
    // Unreachable for longer than the keep-alive interval (1 s) but shorter
    // than the server timeout (2 s): sessions are kept across the pause.
    emu.pause();
    idle(Duration::from_millis(1300));
    emu.resume().unwrap();
    idle(Duration::from_millis(2500));
    assert!(!is_expired(session));
    check(mesh_session_commit(session), MESH_OK);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn an_outage_right_after_opening_is_ridden_out() {
    // The server cannot be reached before keep-alive has learned its (short)
    // timeout: the retries must not pace themselves by the 5-minute default
    // assumed until then. Every ExtendSession fails for 1.3 s after opening,
    // so the first, background one surely does.
    let emu = emulator(Duration::from_millis(2000));
    let conn = connect(&emu.addr().to_string());
    emu.inject_failures("ExtendSession", tonic::Code::Unavailable, u64::MAX);
    let session = open(conn);
    idle(Duration::from_millis(1300));
    emu.inject_failures("ExtendSession", tonic::Code::Unavailable, 0);
    assert!(emu.calls("ExtendSession") >= 2, "retried during the outage");
    idle(Duration::from_millis(2500));
    assert!(!is_expired(session));
    check(mesh_session_commit(session), MESH_OK);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn an_outage_longer_than_the_timeout_expires_the_session() {
    let emu = emulator(Duration::from_millis(1000));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    emu.pause();
    assert!(wait_until(Duration::from_secs(5), || is_expired(session)));
    emu.resume().unwrap();
    check(mesh_session_commit(session), MESH_ERROR_SESSION_EXPIRED);
    check(mesh_session_close(session), MESH_ERROR_SESSION_EXPIRED);
    check(mesh_connection_close(conn), MESH_OK);
}

static FIRED: AtomicUsize = AtomicUsize::new(0);
static FIRED_WITH_RIGHT_DATA: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn on_expired(id: *const c_char, user_data: *mut c_void) {
    let expected = unsafe { &*(user_data as *const String) };
    let id = unsafe { std::ffi::CStr::from_ptr(id) }.to_str().unwrap();
    if id == expected {
        FIRED_WITH_RIGHT_DATA.fetch_add(1, Ordering::SeqCst);
    }
    let name = std::thread::current().name().unwrap_or("").to_owned();
    assert_eq!(name, "mesh-callbacks");
    FIRED.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn a_server_restart_expires_open_handles_and_fires_the_callback_once() {
    let emu = emulator(TIMEOUT);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let id = Box::new(id_of(session));
    check(
        mesh_session_set_expired_callback(
            session,
            Some(on_expired),
            ptr::from_ref(&*id) as *mut c_void,
        ),
        MESH_OK,
    );
    emu.restart().unwrap();
    assert!(wait_until(Duration::from_secs(5), || is_expired(session)));
    assert!(wait_until(Duration::from_secs(5), || FIRED
        .load(Ordering::SeqCst)
        >= 1));
    // Further failures do not fire it again.
    check(mesh_session_commit(session), MESH_ERROR_SESSION_EXPIRED);
    idle(Duration::from_millis(1500));
    assert_eq!(FIRED.load(Ordering::SeqCst), 1);
    assert_eq!(FIRED_WITH_RIGHT_DATA.load(Ordering::SeqCst), 1);
    // The connection recovered: new sessions work.
    let fresh = open(conn);
    check(mesh_session_close(fresh), MESH_OK);
    check(mesh_session_close(session), MESH_ERROR_SESSION_EXPIRED);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn a_cleared_callback_does_not_fire() {
    static CLEARED_FIRED: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "C" fn count(_: *const c_char, _: *mut c_void) {
        CLEARED_FIRED.fetch_add(1, Ordering::SeqCst);
    }
    let emu = emulator(TIMEOUT);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    check(
        mesh_session_set_expired_callback(session, Some(count), ptr::null_mut()),
        MESH_OK,
    );
    check(
        mesh_session_set_expired_callback(session, None, ptr::null_mut()),
        MESH_OK,
    );
    emu.restart().unwrap();
    assert!(wait_until(Duration::from_secs(5), || is_expired(session)));
    idle(Duration::from_millis(300));
    assert_eq!(CLEARED_FIRED.load(Ordering::SeqCst), 0);
    check(mesh_session_close(session), MESH_ERROR_SESSION_EXPIRED);
    check(mesh_connection_close(conn), MESH_OK);
}
