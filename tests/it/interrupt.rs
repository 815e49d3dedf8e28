//! `mesh_session_interrupt` and `mesh_connection_interrupt`: calls in
//! flight on other threads give up at once with `MESH_ERROR_CANCELLED`
//! (here against a server that stopped answering, behind a fault proxy),
//! later calls are not affected, and the session stays usable.

use std::ptr;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::*;
use crate::support::proxy::{Fault, FaultProxy};
use mesh_status::*;

/// A raw handle moved to another thread (the C API is thread-safe).
struct Send<T>(T);
unsafe impl<T> std::marker::Send for Send<T> {}

/// Runs `call` on a thread of its own; its status and how long it took.
fn in_background(
    call: impl FnOnce() -> mesh_status + std::marker::Send + 'static,
) -> mpsc::Receiver<(mesh_status, Duration, String)> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let started = Instant::now();
        let status = call();
        let _ = tx.send((status, started.elapsed(), last_error()));
    });
    rx
}

/// Waits until the proxy holds the call (it has had time to be sent).
fn settle() {
    std::thread::sleep(Duration::from_millis(300));
}

fn commit_in_background(
    session: *mut mesh_session,
) -> mpsc::Receiver<(mesh_status, Duration, String)> {
    let session = Send(session);
    in_background(move || {
        let session = session;
        mesh_session_commit(session.0)
    })
}

#[test]
fn interrupting_a_session_cancels_its_calls_in_flight_and_no_later_ones() {
    let emu = emulator(Duration::from_secs(300));
    let proxy = FaultProxy::start(emu.addr());
    let conn = connect(&format!("http://{}", proxy.addr()));
    let session = open(conn);
    let other = open(conn);

    proxy.set(Fault::Freeze);
    let first = commit_in_background(session);
    let second = commit_in_background(session);
    let bystander = commit_in_background(other);
    settle();
    let interrupted_at = Instant::now();
    check(mesh_session_interrupt(session), MESH_OK);
    for done in [first, second] {
        let (status, took, message) = done.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(status, MESH_ERROR_CANCELLED, "{message}");
        assert!(message.contains("mesh_session_interrupt"), "{message}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    }
    assert!(interrupted_at.elapsed() < Duration::from_secs(1));
    // The other session's call waits on, and completes once the server
    // answers again.
    assert!(bystander.recv_timeout(Duration::from_millis(300)).is_err());
    proxy.set(Fault::Pass);
    let (status, _, message) = bystander.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(status, MESH_OK, "{message}");

    // The interrupted session works on; a call after the interrupt is not
    // cancelled by it.
    check(mesh_session_commit(session), MESH_OK);
    assert!(!is_expired(session));
    check(mesh_session_close(session), MESH_OK);
    check(mesh_session_close(other), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn interrupting_a_connection_cancels_its_calls_and_its_sessions_calls() {
    let emu = emulator(Duration::from_secs(300));
    let proxy = FaultProxy::start(emu.addr());
    let conn = connect(&format!("http://{}", proxy.addr()));
    let session = open(conn);

    proxy.set(Fault::Freeze);
    let in_session = commit_in_background(session);
    let conn_ptr = Send(conn);
    let on_connection = in_background(move || {
        let conn = conn_ptr;
        let mut identity = ptr::null_mut();
        let status = unsafe { mesh_identity_read(conn.0, &mut identity) };
        assert!(identity.is_null());
        status
    });
    settle();
    check(mesh_connection_interrupt(conn), MESH_OK);
    for done in [in_session, on_connection] {
        let (status, _, message) = done.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(status, MESH_ERROR_CANCELLED, "{message}");
        assert!(message.contains("mesh_connection_interrupt"), "{message}");
    }
    proxy.set(Fault::Pass);
    check(mesh_session_commit(session), MESH_OK);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn interrupt_checks_its_handle() {
    check(
        mesh_session_interrupt(ptr::null()),
        MESH_ERROR_INVALID_ARGUMENT,
    );
    check(
        mesh_connection_interrupt(ptr::null()),
        MESH_ERROR_INVALID_ARGUMENT,
    );
    let emu = emulator(Duration::from_secs(300));
    let conn = connect(&format!("http://{}", emu.addr()));
    let session = open(conn);
    // Nothing in flight: nothing happens.
    check(mesh_session_interrupt(session), MESH_OK);
    check(mesh_connection_interrupt(conn), MESH_OK);
    check(mesh_session_commit(session), MESH_OK);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_session_interrupt(session), MESH_ERROR_INVALID_HANDLE);
    check(mesh_connection_close(conn), MESH_OK);
    check(mesh_connection_interrupt(conn), MESH_ERROR_INVALID_HANDLE);
    assert_eq!(status_name(MESH_ERROR_CANCELLED), "MESH_ERROR_CANCELLED");
}
