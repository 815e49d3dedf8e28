//! The expired callback's promise: once `mesh_session_close`,
//! `mesh_session_detach` or `mesh_session_set_expired_callback(NULL)` has
//! returned, that session's callback is neither running nor will it run, so
//! a host may free its user data (a .NET host frees its GCHandle). One
//! queued behind another session's callback is dropped; one running is
//! waited for; a callback may do all three to its own session without
//! deadlock.

use std::ffi::{c_char, c_void};
use std::ptr;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::*;
use mesh_status::*;

/// What a test callback saw; leaked, so a late callback still finds it.
#[derive(Default)]
struct Probe {
    started: AtomicUsize,
    finished: AtomicUsize,
}

fn probe() -> &'static Probe {
    Box::leak(Box::default())
}

/// Takes a while, as a callback that marshals to a UI thread does.
unsafe extern "C" fn slow(_: *const c_char, user_data: *mut c_void) {
    let probe = unsafe { &*(user_data as *const Probe) };
    probe.started.fetch_add(1, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(500));
    probe.finished.fetch_add(1, Ordering::SeqCst);
}

#[derive(Clone, Copy, Debug)]
enum Stop {
    Close,
    Detach,
    ClearCallback,
}

fn stop(how: Stop, session: *mut mesh_session) {
    let status = match how {
        Stop::Close => mesh_session_close(session),
        Stop::Detach => mesh_session_detach(session),
        Stop::ClearCallback => mesh_session_set_expired_callback(session, None, ptr::null_mut()),
    };
    assert!(
        matches!(status, MESH_OK | MESH_ERROR_SESSION_EXPIRED),
        "{how:?}: {status:?} {}",
        last_error()
    );
}

fn after_close_detach_and_clear(how: Stop) {
    let emu = emulator(Duration::from_secs(1));
    let conn = connect(&emu.addr().to_string());
    let sessions = [open(conn), open(conn)];
    let probes = [probe(), probe()];
    for (s, p) in sessions.iter().zip(probes) {
        check(
            mesh_session_set_expired_callback(*s, Some(slow), ptr::from_ref(p) as *mut c_void),
            MESH_OK,
        );
    }
    // The server forgets both; each is found expired by the next call, so
    // the first callback runs (for half a second) while the second waits in
    // the queue behind it.
    emu.restart().unwrap();
    for s in sessions {
        // The first call may meet the connection the restart closed.
        assert!(wait_until(Duration::from_secs(3), || mesh_session_commit(
            s
        )
            == MESH_ERROR_SESSION_EXPIRED));
    }
    assert!(wait_until(Duration::from_secs(3), || probes
        .iter()
        .any(|p| p.started.load(Ordering::SeqCst) == 1)));
    let running = usize::from(probes[1].started.load(Ordering::SeqCst) == 1);
    let queued = 1 - running;

    // The queued one: stopped, it never runs.
    stop(how, sessions[queued]);
    // The running one: stopping it waits until it has finished.
    let began = Instant::now();
    stop(how, sessions[running]);
    assert_eq!(
        probes[running].finished.load(Ordering::SeqCst),
        1,
        "{how:?} returned while the callback was running"
    );
    assert!(began.elapsed() < Duration::from_secs(2));
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        probes[queued].started.load(Ordering::SeqCst),
        0,
        "{how:?}: the callback ran after it returned"
    );
    if matches!(how, Stop::ClearCallback) {
        for s in sessions {
            check(mesh_session_close(s), MESH_ERROR_SESSION_EXPIRED);
        }
    }
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn after_close_the_callback_neither_runs_nor_is_running() {
    after_close_detach_and_clear(Stop::Close);
}

#[test]
fn after_detach_the_callback_neither_runs_nor_is_running() {
    after_close_detach_and_clear(Stop::Detach);
}

#[test]
fn after_clearing_the_callback_it_neither_runs_nor_is_running() {
    after_close_detach_and_clear(Stop::ClearCallback);
}

/// A session whose callback ends it from inside, and what each step gave.
struct OwnEnd {
    session: *mut mesh_session,
    how: Stop,
    cleared: AtomicI32,
    ended: AtomicI32,
    done: AtomicUsize,
}

unsafe extern "C" fn end_own_session(_: *const c_char, user_data: *mut c_void) {
    let own = unsafe { &*(user_data as *const OwnEnd) };
    let cleared = mesh_session_set_expired_callback(own.session, None, ptr::null_mut());
    own.cleared.store(cleared as i32, Ordering::SeqCst);
    let ended = match own.how {
        Stop::Detach => mesh_session_detach(own.session),
        _ => mesh_session_close(own.session),
    };
    own.ended.store(ended as i32, Ordering::SeqCst);
    own.done.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn a_callback_may_clear_close_or_detach_its_own_session() {
    let emu = emulator(Duration::from_secs(1));
    let conn = connect(&emu.addr().to_string());
    let owns: Vec<&'static OwnEnd> = [Stop::Close, Stop::Detach]
        .into_iter()
        .map(|how| {
            let own: &'static OwnEnd = Box::leak(Box::new(OwnEnd {
                session: open(conn),
                how,
                cleared: AtomicI32::new(-1),
                ended: AtomicI32::new(-1),
                done: AtomicUsize::new(0),
            }));
            check(
                mesh_session_set_expired_callback(
                    own.session,
                    Some(end_own_session),
                    ptr::from_ref(own) as *mut c_void,
                ),
                MESH_OK,
            );
            own
        })
        .collect();
    emu.restart().unwrap();
    for own in &owns {
        assert!(
            wait_until(Duration::from_secs(5), || own.done.load(Ordering::SeqCst)
                == 1),
            "{:?} from inside the callback did not return",
            own.how
        );
        assert_eq!(own.cleared.load(Ordering::SeqCst), MESH_OK as i32);
        let expected = match own.how {
            Stop::Detach => MESH_OK,
            _ => MESH_ERROR_SESSION_EXPIRED,
        };
        assert_eq!(
            own.ended.load(Ordering::SeqCst),
            expected as i32,
            "{:?}",
            own.how
        );
        // The handle is gone.
        check(mesh_session_commit(own.session), MESH_ERROR_INVALID_HANDLE);
    }
    check(mesh_connection_close(conn), MESH_OK);
}
