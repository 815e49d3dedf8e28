//! mesh_library_shutdown ends open sessions, joins the library's threads and lets
//! the library start afresh. Shutdown is global, so this binary holds one
//! test that runs its steps in order.

use std::ffi::{c_char, c_void};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::*;
use mesh_status::*;

fn library_threads() -> usize {
    threads_named("mesh-rt") + threads_named("mesh-callbacks")
}

static SHUTDOWN_FROM_CALLBACK: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn shut_down_in_callback(_: *const c_char, _: *mut c_void) {
    let status = mesh_library_shutdown();
    assert_eq!(status, MESH_OK);
    SHUTDOWN_FROM_CALLBACK.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn shutdown_ends_sessions_joins_threads_and_restarts() {
    crate::common::process::own_process!(shutdown_ends_sessions_joins_threads_and_restarts);
    let emu = emulator(Duration::from_secs(1));
    let address = emu.addr().to_string();

    // 1. Sessions open, then shutdown ends them on the server.
    let conn = connect(&address);
    let sessions: Vec<_> = (0..3).map(|_| open(conn)).collect();
    let mut options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut options) }, MESH_OK);
    assert_eq!(emu.open_sessions(), 3);
    assert!(library_threads() >= 2);
    check(mesh_library_shutdown(), MESH_OK);
    assert_eq!(emu.open_sessions(), 0);
    assert_eq!(emu.calls("EndSession"), 3);
    assert_eq!(library_threads(), 0, "runtime threads joined");
    // Old handles are invalid; options survive.
    for s in &sessions {
        check(mesh_session_commit(*s), MESH_ERROR_INVALID_HANDLE);
    }
    check(mesh_connection_close(conn), MESH_ERROR_INVALID_HANDLE);
    check(mesh_options_set_call_timeout_ms(options, 1000), MESH_OK);
    // Idempotent.
    check(mesh_library_shutdown(), MESH_OK);

    // 2. A call after it starts afresh; keep-alive works again.
    let mut conn = ptr::null_mut();
    check(
        unsafe { mesh_connection_open(c(&address).as_ptr(), options, &mut conn) },
        MESH_OK,
    );
    let session = open(conn);
    std::thread::sleep(Duration::from_millis(2500));
    check(mesh_session_commit(session), MESH_OK);
    assert!(library_threads() >= 2);

    // 3. Shutdown from inside an expired callback, on the library's own
    //    callback thread: no deadlock, and the threads still go.
    check(
        mesh_session_set_expired_callback(session, Some(shut_down_in_callback), ptr::null_mut()),
        MESH_OK,
    );
    emu.restart().unwrap();
    assert!(wait_until(
        Duration::from_secs(5),
        || SHUTDOWN_FROM_CALLBACK.load(Ordering::SeqCst) == 1
    ));
    assert!(wait_until(Duration::from_secs(5), || library_threads() == 0));
    check(mesh_session_commit(session), MESH_ERROR_INVALID_HANDLE);

    // 4. Blocking calls from inside the caller's own async runtime work too.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let address_for_task = address.clone();
    let status = rt.block_on(async move {
        let conn = connect(&address_for_task);
        let s = open(conn);
        let status = mesh_session_commit(s);
        check(mesh_session_close(s), MESH_OK);
        check(mesh_connection_close(conn), MESH_OK);
        let status2 = mesh_library_shutdown();
        (status, status2)
    });
    assert_eq!(status, (MESH_OK, MESH_OK));
    assert_eq!(library_threads(), 0);
    check(mesh_options_free(options), MESH_OK);
}
