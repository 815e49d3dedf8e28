//! A token provider that hangs (a Kerberos or OAuth round trip that never
//! ends): `mesh_connection_open` still ends at its connect timeout, a call that
//! needs a fresh token at its call timeout, and `mesh_library_shutdown` stays
//! bounded while the provider hangs, saying that a provider still runs.
//! Providers run on threads of their own, so hung ones hold up no other
//! connect or provider. Shutdown is global, so the tests here take turns,
//! each running its steps in order.

use std::ffi::{c_char, c_void};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::common::tools::note;
use crate::common::*;
use mesh_status::*;

/// What the provider hands out: the first, then (once told) the second.
const TOKENS: [&str; 2] = ["tok-provided", "tok-provided-later"];
/// Far longer than any timeout below: until the test releases it.
const HANG: Duration = Duration::from_secs(60);
/// Scheduling on a loaded machine, on top of the bounds checked.
const SLACK: Duration = Duration::from_millis(1000);

/// The tests here take turns: each shuts the library down.
static SERIAL: Mutex<()> = Mutex::new(());
/// Whether the provider answers (true) or hangs until released.
static ANSWERS: AtomicBool = AtomicBool::new(true);
/// Which of `TOKENS` it gives.
static WHICH: AtomicUsize = AtomicUsize::new(0);
/// Calls of the provider begun, and ended.
static ENTERED: AtomicUsize = AtomicUsize::new(0);
static RETURNED: AtomicUsize = AtomicUsize::new(0);
static RELEASED: Mutex<bool> = Mutex::new(false);
static RELEASE: Condvar = Condvar::new();

/// Gives a token of `TOKENS`, or when `ANSWERS` is false hangs until released (or
/// `HANG`), then fails.
unsafe extern "C" fn provider(
    _user_data: *mut c_void,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> i32 {
    ENTERED.fetch_add(1, Ordering::SeqCst);
    let status = if ANSWERS.load(Ordering::SeqCst) {
        let token = TOKENS[WHICH.load(Ordering::SeqCst)];
        // SAFETY: the library passes `len_out` and a `buf` of `cap` bytes.
        unsafe { *len_out = token.len() };
        if cap <= token.len() {
            MESH_ERROR_BUFFER_TOO_SMALL
        } else {
            // SAFETY: as above; `cap` leaves room for the token and a NUL.
            unsafe {
                ptr::copy_nonoverlapping(token.as_ptr(), buf.cast(), token.len());
                *buf.add(token.len()) = 0;
            }
            MESH_OK
        }
    } else {
        let released = RELEASED.lock().unwrap();
        let _ = RELEASE.wait_timeout_while(released, HANG, |released| !*released);
        MESH_ERROR_UNAUTHENTICATED
    };
    RETURNED.fetch_add(1, Ordering::SeqCst);
    status as i32
}

/// Lets every hanging provider return, waits until they have, and makes
/// the next ones answer.
fn release_providers() {
    *RELEASED.lock().unwrap() = true;
    RELEASE.notify_all();
    assert!(wait_until(Duration::from_secs(5), || ENTERED
        .load(Ordering::SeqCst)
        == RETURNED.load(Ordering::SeqCst)));
    *RELEASED.lock().unwrap() = false;
    ANSWERS.store(true, Ordering::SeqCst);
}

fn hanging() -> usize {
    ENTERED.load(Ordering::SeqCst) - RETURNED.load(Ordering::SeqCst)
}

/// An emulator over TLS taking `TOKENS`, its `https://` address and the
/// file of its root certificate.
fn tls_emulator(root_file: &str) -> (Emulator, String, String) {
    let (emu, root) = crate::common::bindings::tls_emulator(&TOKENS, "Provided", root_file);
    let address = format!("https://{}", emu.addr());
    (emu, address, root.to_str().unwrap().to_owned())
}

/// Runs `mesh_library_shutdown` while a connect with the provider (and a connect
/// timeout far beyond shutdown's bound) is in flight, once `in_flight`
/// holds: shutdown's status and time, the connect's status, handle, and
/// when it ended after shutdown began.
fn shutdown_during_connect(
    address: &str,
    root: &str,
    in_flight: impl Fn() -> bool,
) -> (mesh_status, Duration, mesh_status, usize, Duration) {
    std::thread::scope(|s| {
        let connecting = s.spawn(|| {
            let (status, conn) = connect_with_provider(address, root, 30_000);
            (status, conn.expose_provenance(), Instant::now())
        });
        assert!(
            wait_until(Duration::from_secs(5), in_flight),
            "the connect did not get under way"
        );
        let began = Instant::now();
        let (shutdown, took) = timed(|| mesh_library_shutdown());
        let (status, conn, ended) = connecting.join().unwrap();
        (
            shutdown,
            took,
            status,
            conn,
            ended.saturating_duration_since(began),
        )
    })
}

/// Connects to `address` over TLS with the provider and the emulator's
/// root, and `connect_ms` as the connect timeout.
fn connect_with_provider(
    address: &str,
    root: &str,
    connect_ms: u32,
) -> (mesh_status, *mut mesh_connection) {
    let mut options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut options) }, MESH_OK);
    check(
        unsafe { mesh_options_set_tls_root_certificate_file(options, c(root).as_ptr()) },
        MESH_OK,
    );
    check(
        unsafe { mesh_options_set_tls_server_name(options, c("mesh.example").as_ptr()) },
        MESH_OK,
    );
    check(
        mesh_options_set_token_provider(options, Some(provider), ptr::null_mut()),
        MESH_OK,
    );
    check(
        mesh_options_set_connect_timeout_ms(options, connect_ms),
        MESH_OK,
    );
    check(mesh_options_set_call_timeout_ms(options, 1000), MESH_OK);
    let mut conn = ptr::null_mut();
    let status = unsafe { mesh_connection_open(c(address).as_ptr(), options, &mut conn) };
    check(mesh_options_free(options), MESH_OK);
    (status, conn)
}

fn timed<T>(call: impl FnOnce() -> T) -> (T, Duration) {
    let began = Instant::now();
    let out = call();
    (out, began.elapsed())
}

#[test]
fn a_hanging_token_provider_bounds_connect_calls_and_shutdown() {
    crate::common::process::own_process!(
        a_hanging_token_provider_bounds_connect_calls_and_shutdown
    );
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (_emu, address, root) = tls_emulator("provider_hangs_root.pem");

    // 1. Connect while the provider hangs: ends at the connect timeout.
    ANSWERS.store(false, Ordering::SeqCst);
    let entered = ENTERED.load(Ordering::SeqCst);
    let ((status, conn), took) = timed(|| connect_with_provider(&address, &root, 1000));
    let message = last_error();
    note(&format!(
        "token provider: connect with a hanging provider gave {} after {} ms (connect timeout 1000 ms): {message}",
        status_name(status),
        took.as_millis()
    ));
    assert_eq!(status, MESH_ERROR_UNAVAILABLE, "{message}");
    assert!(conn.is_null());
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(1000) + SLACK,
        "{took:?}"
    );
    assert!(message.contains("1000 ms"), "{message}");
    assert_eq!(ENTERED.load(Ordering::SeqCst), entered + 1);

    // 2. Shutdown while the provider of a connect in flight hangs (and the
    // one from step 1 still does): bounded, and the connect gives up at once.
    let entered = ENTERED.load(Ordering::SeqCst);
    let (shutdown, took, status, conn, ended) =
        shutdown_during_connect(&address, &root, || ENTERED.load(Ordering::SeqCst) > entered);
    note(&format!(
        "token provider: mesh_library_shutdown while {} providers hang (one of them a connect's in flight) gave {} after {} ms; that connect gave {} {} ms after shutdown began; provider threads left {}",
        hanging(),
        status_name(shutdown),
        took.as_millis(),
        status_name(status),
        ended.as_millis(),
        threads_named("mesh-token"),
    ));
    assert!(
        took < Duration::from_secs(3) + SLACK,
        "mesh_library_shutdown took {took:?} while a provider hung"
    );
    // The providers still run on their threads: shutdown says so.
    check(shutdown, MESH_ERROR_TIMEOUT);
    assert!(last_error().contains("token provider"), "{}", last_error());
    assert_eq!(status, MESH_ERROR_SHUTDOWN);
    assert_eq!(conn, 0, "no connection handed out");
    assert!(ended < took + SLACK, "{ended:?}");
    release_providers();

    // 3. On the library started afresh: a call that needs a fresh token
    // while the provider hangs ends at the call timeout, and the session
    // is not taken for expired; once the provider answers again, the
    // next call goes through.
    let (status, conn) = connect_with_provider(&address, &root, 5000);
    check(status, MESH_OK);
    let session = open(conn);
    check(mesh_session_commit(session), MESH_OK);
    ANSWERS.store(false, Ordering::SeqCst);
    check(
        unsafe { mesh_connection_revoke_access_token(conn, c(TOKENS[0]).as_ptr()) },
        MESH_OK,
    );
    let entered = ENTERED.load(Ordering::SeqCst);
    let (status, took) = timed(|| mesh_session_commit(session));
    let message = last_error();
    note(&format!(
        "token provider: a call needing a fresh token while the provider hangs gave {} after {} ms (call timeout 1000 ms): {message}",
        status_name(status),
        took.as_millis(),
    ));
    assert_eq!(status, MESH_ERROR_TIMEOUT, "{message}");
    assert!(took < Duration::from_millis(1000) + SLACK, "{took:?}");
    assert!(message.contains("token provider"), "{message}");
    assert_eq!(ENTERED.load(Ordering::SeqCst), entered + 1);
    assert!(!is_expired(session));
    release_providers();
    WHICH.store(1, Ordering::SeqCst);
    check(mesh_session_commit(session), MESH_OK);

    // 4. An asynchronous call waiting for a token renewal while the
    // provider hangs is cancelled at once.
    ANSWERS.store(false, Ordering::SeqCst);
    check(
        unsafe { mesh_connection_revoke_access_token(conn, c(TOKENS[1]).as_ptr()) },
        MESH_OK,
    );
    let entered = ENTERED.load(Ordering::SeqCst);
    let mut op = ptr::null_mut();
    check(
        unsafe { mesh_session_commit_start(session, &mut op) },
        MESH_OK,
    );
    assert!(
        wait_until(Duration::from_secs(5), || ENTERED.load(Ordering::SeqCst)
            > entered),
        "the operation did not ask for a token"
    );
    let (status, took) = timed(|| {
        check(mesh_operation_cancel(op), MESH_OK);
        unsafe { mesh_session_commit_finish(op) }
    });
    note(&format!(
        "token provider: an operation waiting for a token renewal was cancelled in {} ms",
        took.as_millis()
    ));
    assert_eq!(status, MESH_ERROR_CANCELLED, "{}", last_error());
    assert!(took < Duration::from_millis(200) + SLACK, "{took:?}");
    release_providers();
    // Both tokens are revoked now: the session cannot be closed on the
    // server, and its handle goes all the same.
    let _ = mesh_session_close(session);
    check(mesh_connection_close(conn), MESH_OK);
    WHICH.store(0, Ordering::SeqCst);
    check(mesh_library_shutdown(), MESH_OK);
}

/// A provider that hangs keeps its thread after the call that asked it
/// gave up; name lookups (on the library's two threads for blocking work)
/// and later providers go on regardless.
#[test]
fn hung_token_providers_do_not_stop_other_connects() {
    crate::common::process::own_process!(hung_token_providers_do_not_stop_other_connects);
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (_emu, address, root) = tls_emulator("provider_starves_root.pem");
    let plain = emulator(Duration::from_secs(300));
    let by_name = format!("localhost:{}", plain.addr().port());
    ANSWERS.store(false, Ordering::SeqCst);
    for _ in 0..2 {
        let (status, conn) = connect_with_provider(&address, &root, 500);
        check(status, MESH_ERROR_UNAVAILABLE);
        assert!(conn.is_null());
    }
    let mut options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut options) }, MESH_OK);
    check(mesh_options_set_connect_timeout_ms(options, 1500), MESH_OK);
    let mut named = ptr::null_mut();
    let status = unsafe { mesh_connection_open(c(&by_name).as_ptr(), options, &mut named) };
    let message = last_error();
    check(mesh_options_free(options), MESH_OK);
    let entered = ENTERED.load(Ordering::SeqCst);
    let (_, third) = connect_with_provider(&address, &root, 1500);
    let asked = ENTERED.load(Ordering::SeqCst) - entered;
    release_providers();
    for conn in [named, third] {
        if !conn.is_null() {
            check(mesh_connection_close(conn), MESH_OK);
        }
    }
    check(mesh_library_shutdown(), MESH_OK);
    assert_eq!(status, MESH_OK, "connect to {by_name}: {message}");
    assert_eq!(asked, 1, "a third connect's provider was not asked");
}

/// `mesh_library_shutdown` says it joins the library's threads so that the host can
/// unload the library, and that the one exception (a callback still
/// running) gives `MESH_ERROR_TIMEOUT`.
#[test]
fn shutdown_with_a_hung_provider_joins_its_thread_or_says_so() {
    crate::common::process::own_process!(shutdown_with_a_hung_provider_joins_its_thread_or_says_so);
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (_emu, address, root) = tls_emulator("provider_unjoined_root.pem");
    ANSWERS.store(false, Ordering::SeqCst);
    let entered = ENTERED.load(Ordering::SeqCst);
    let (shutdown, _, status, _, _) =
        shutdown_during_connect(&address, &root, || ENTERED.load(Ordering::SeqCst) > entered);
    let message = last_error();
    let left = threads_named("mesh-token");
    release_providers();
    assert_eq!(status, MESH_ERROR_SHUTDOWN);
    assert!(left > 0, "the hung provider's thread is gone");
    assert_eq!(
        shutdown, MESH_ERROR_TIMEOUT,
        "with {left} provider threads running"
    );
    assert!(
        message.contains("token provider was still running"),
        "{message}"
    );
    // Once the provider returns, its thread ends.
    assert!(wait_until(Duration::from_secs(5), || threads_named(
        "mesh-token"
    ) == 0));
}
