//! `mesh_library_shutdown` against what other threads and callbacks do: it is
//! bounded even when a callback waits for the thread calling it (as a .NET
//! callback doing `Control.Invoke` to the UI thread does), and calls racing
//! it either finish before it or fail: no `MESH_OK` with a handle whose
//! runtime is gone. Shutdown is global, so this binary holds one test that
//! runs its steps in order.

use std::collections::BTreeMap;
use std::ffi::{c_char, c_void};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;
use mesh_status::*;

fn library_threads() -> usize {
    threads_named("mesh-rt") + threads_named("mesh-callbacks")
}

/// The "UI thread"'s message queue: a callback posts a reply channel and
/// waits until the UI thread has answered.
static UI_QUEUE: Mutex<Option<mpsc::Sender<mpsc::Sender<()>>>> = Mutex::new(None);
static INVOKED: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn invoke_on_ui_thread(_: *const c_char, _: *mut c_void) {
    let (reply, answered) = mpsc::channel();
    let queue = UI_QUEUE.lock().unwrap().clone();
    if let Some(queue) = queue {
        let _ = queue.send(reply);
        let _ = answered.recv();
    }
    INVOKED.fetch_add(1, Ordering::SeqCst);
}

fn shutdown_is_bounded_while_a_callback_waits_for_its_caller(address: &str, emu: &Emulator) {
    let (queue, ui_messages) = mpsc::channel();
    *UI_QUEUE.lock().unwrap() = Some(queue);
    let conn = connect(address);
    let session = open(conn);
    check(
        mesh_session_set_expired_callback(session, Some(invoke_on_ui_thread), ptr::null_mut()),
        MESH_OK,
    );
    emu.restart().unwrap();
    // The callback has asked the UI thread for something and waits...
    let reply: mpsc::Sender<()> = ui_messages
        .recv_timeout(Duration::from_secs(5))
        .expect("the callback ran");
    // ...while the UI thread, before answering, shuts the library down.
    let began = Instant::now();
    let status = mesh_library_shutdown();
    let took = began.elapsed();
    assert_eq!(status, MESH_ERROR_TIMEOUT, "{}", last_error());
    assert!(took < Duration::from_secs(5), "shutdown took {took:?}");
    assert!(last_error().contains("callback"), "{}", last_error());
    eprintln!(
        "shutdown with a callback waiting for its caller returned after {} ms",
        took.as_millis()
    );
    // Back in its message loop, the UI thread answers; the callback returns
    // and its thread, left to finish it, ends.
    reply.send(()).unwrap();
    assert!(wait_until(Duration::from_secs(3), || INVOKED
        .load(Ordering::SeqCst)
        == 1));
    assert!(wait_until(Duration::from_secs(3), || threads_named(
        "mesh-callbacks"
    ) == 0));
    check(mesh_session_commit(session), MESH_ERROR_INVALID_HANDLE);
    // The library starts afresh.
    let conn = connect(address);
    let session = open(conn);
    check(mesh_session_commit(session), MESH_OK);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
    check(mesh_library_shutdown(), MESH_OK);
    assert_eq!(library_threads(), 0);
}

/// What racing calls may give: success, cancelled by the shutdown, or a
/// handle the shutdown freed.
fn allowed(status: mesh_status) -> bool {
    matches!(
        status,
        MESH_OK | MESH_ERROR_SHUTDOWN | MESH_ERROR_INVALID_HANDLE
    )
}

fn calls_racing_shutdown_never_get_a_dead_handle(address: &str) {
    let stop = AtomicBool::new(false);
    let seen = Mutex::new(BTreeMap::<(&str, String), usize>::new());
    let unexpected = Mutex::new(Vec::<String>::new());
    let record = |call: &'static str, status: mesh_status| {
        *seen
            .lock()
            .unwrap()
            .entry((call, status_name(status)))
            .or_default() += 1;
        if !allowed(status) {
            unexpected
                .lock()
                .unwrap()
                .push(format!("{call}: {status:?}: {}", last_error()));
        }
        status == MESH_OK
    };
    let shutdowns = 20;
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                let address = c(address);
                while !stop.load(Ordering::SeqCst) {
                    let mut conn = ptr::null_mut();
                    let status =
                        unsafe { mesh_connection_open(address.as_ptr(), ptr::null(), &mut conn) };
                    if !record("connect", status) {
                        continue;
                    }
                    let mut session = ptr::null_mut();
                    if record("open", unsafe { mesh_session_open(conn, &mut session) }) {
                        // A handle handed out works, or a shutdown since
                        // has freed it: never a handle on a runtime gone.
                        record("commit", mesh_session_commit(session));
                        record("close", mesh_session_close(session));
                    }
                    record("connection_close", mesh_connection_close(conn));
                }
            });
        }
        let mut seed = 0x9e37_79b9_u64;
        for _ in 0..shutdowns {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            std::thread::sleep(Duration::from_millis(20 + (seed >> 33) % 60));
            let began = Instant::now();
            let status = mesh_library_shutdown();
            assert_eq!(status, MESH_OK, "{}", last_error());
            assert!(began.elapsed() < Duration::from_secs(5));
        }
        stop.store(true, Ordering::SeqCst);
    });
    check(mesh_library_shutdown(), MESH_OK);
    let seen = seen.into_inner().unwrap();
    eprintln!("{shutdowns} shutdowns raced by 4 threads: {seen:?}");
    let unexpected = unexpected.into_inner().unwrap();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    for call in ["connect", "open", "commit"] {
        assert!(
            seen.contains_key(&(call, "MESH_OK".to_string())),
            "no {call} ever succeeded: {seen:?}"
        );
    }
    assert_eq!(library_threads(), 0);
}

#[test]
fn shutdown_against_callbacks_and_racing_calls() {
    crate::common::process::own_process!(shutdown_against_callbacks_and_racing_calls);
    let emu = emulator(Duration::from_secs(1));
    let address = emu.addr().to_string();
    shutdown_is_bounded_while_a_callback_waits_for_its_caller(&address, &emu);
    calls_racing_shutdown_never_get_a_dead_handle(&address);
}
