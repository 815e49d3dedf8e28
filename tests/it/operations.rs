//! Calls that do not block: the `_start` and `_finish` twins and
//! `mesh_operation_*`, through the C API against the emulator. An operation
//! gives what its blocking call gives; it is waited for, polled, called back
//! or cancelled; it completes exactly once, also when its session is closed
//! or interrupted; pending calls hold no thread and reach the server
//! together, up to its stream limit; and finished or freed operations are
//! invalid handles.

use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::common::points::{day, read_ok, take_points, ts_emulator, write_ok, Cols, KEY, T0};
use crate::common::*;
use mesh_status::*;

const DAY: i64 = 86_400_000;

fn started(status: mesh_status, op: *mut mesh_operation) -> *mut mesh_operation {
    check(status, MESH_OK);
    assert!(!op.is_null());
    op
}

fn start_read(session: *mut mesh_session, key: i64) -> *mut mesh_operation {
    let mut op = ptr::null_mut();
    started(
        unsafe { mesh_timeseries_read_by_key_start(session, key, T0, T0 + DAY, &mut op) },
        op,
    )
}

fn start_commit(session: *mut mesh_session) -> *mut mesh_operation {
    let mut op = ptr::null_mut();
    started(unsafe { mesh_session_commit_start(session, &mut op) }, op)
}

fn is_done(op: *mut mesh_operation) -> bool {
    let mut done = -1;
    check(unsafe { mesh_operation_is_done(op, &mut done) }, MESH_OK);
    done == 1
}

fn wait(op: *mut mesh_operation, ms: u32) -> bool {
    let mut done = -1;
    check(unsafe { mesh_operation_wait(op, ms, &mut done) }, MESH_OK);
    done == 1
}

fn finish_read(op: *mut mesh_operation) -> Result<Cols, mesh_status> {
    let mut points = ptr::null_mut();
    match unsafe { mesh_timeseries_read_by_key_finish(op, &mut points) } {
        MESH_OK => Ok(take_points(points)),
        status => {
            assert!(points.is_null(), "out written on failure");
            Err(status)
        }
    }
}

#[test]
fn an_operation_gives_what_its_blocking_call_gives() {
    let emu = ts_emulator(Duration::from_secs(60));
    let address = c(&emu.addr().to_string());
    let mut op = ptr::null_mut();
    check(
        unsafe { mesh_connection_open_start(address.as_ptr(), ptr::null(), &mut op) },
        MESH_OK,
    );
    // The caller's memory may go as soon as start returns.
    drop(address);
    let mut conn = ptr::null_mut();
    check(
        unsafe { mesh_connection_open_finish(op, &mut conn) },
        MESH_OK,
    );
    let mut op = ptr::null_mut();
    check(unsafe { mesh_session_open_start(conn, &mut op) }, MESH_OK);
    let mut session = ptr::null_mut();
    check(
        unsafe { mesh_session_open_finish(op, &mut session) },
        MESH_OK,
    );

    let points = day(3.0);
    write_ok(session, KEY, T0, T0 + DAY, &points);
    let blocking = read_ok(session, KEY, T0, T0 + DAY);
    let asynchronous = finish_read(start_read(session, KEY)).unwrap();
    assert_eq!(asynchronous, points);
    assert_eq!(blocking, asynchronous);

    // An optional out-parameter stays optional; a status is the blocking one's.
    let mut op = ptr::null_mut();
    check(
        unsafe { mesh_session_extend_start(session, &mut op) },
        MESH_OK,
    );
    check(
        unsafe { mesh_session_extend_finish(op, ptr::null_mut()) },
        MESH_OK,
    );
    let missing = finish_read(start_read(session, 987_654));
    assert_eq!(missing, Err(MESH_ERROR_NOT_FOUND));
    assert!(
        last_error().starts_with("mesh_timeseries_read_by_key_finish: "),
        "{}",
        last_error()
    );

    // Argument errors come from start, as from the blocking call, and start
    // nothing; what the call itself finds comes with the result.
    let mut op = ptr::null_mut();
    let status =
        unsafe { mesh_timeseries_read_by_key_start(ptr::null_mut(), KEY, T0, T0 + DAY, &mut op) };
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT);
    assert!(last_error().contains("session is NULL"), "{}", last_error());
    assert!(op.is_null());
    let mut op = ptr::null_mut();
    check(
        unsafe { mesh_timeseries_read_by_key_start(session, KEY, T0 + DAY, T0, &mut op) },
        MESH_OK,
    );
    assert_eq!(finish_read(op), Err(MESH_ERROR_INVALID_ARGUMENT));
    let status =
        unsafe { mesh_timeseries_read_by_key_start(session, KEY, T0, T0 + DAY, ptr::null_mut()) };
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT);
    assert!(
        last_error().contains("out_operation is NULL"),
        "{}",
        last_error()
    );

    // A finish of another function, or with a NULL out-parameter, takes
    // nothing: the operation stays to be finished rightly.
    let op = start_read(session, KEY);
    assert_eq!(
        unsafe { mesh_session_commit_finish(op) },
        MESH_ERROR_INVALID_ARGUMENT
    );
    assert!(
        last_error().contains("mesh_timeseries_read_by_key_finish"),
        "{}",
        last_error()
    );
    assert_eq!(
        unsafe { mesh_timeseries_read_by_key_finish(op, ptr::null_mut()) },
        MESH_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(finish_read(op).unwrap().len(), 24);
    // Finished: an invalid handle from now on, for every function.
    assert_eq!(finish_read(op), Err(MESH_ERROR_INVALID_HANDLE));
    let mut done = 0;
    assert_eq!(
        unsafe { mesh_operation_is_done(op, &mut done) },
        MESH_ERROR_INVALID_HANDLE
    );
    assert_eq!(mesh_operation_cancel(op), MESH_ERROR_INVALID_HANDLE);
    assert_eq!(mesh_operation_free(op), MESH_ERROR_INVALID_HANDLE);
    check(mesh_operation_free(ptr::null_mut()), MESH_OK);

    let mut op = ptr::null_mut();
    check(
        unsafe { mesh_session_close_start(session, &mut op) },
        MESH_OK,
    );
    check(unsafe { mesh_session_close_finish(op) }, MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn waiting_polling_and_timing_out_run_from_the_start() {
    let emu = ts_emulator(Duration::from_secs(60));
    let conn = connect_with(&emu.addr().to_string(), |options| {
        check(mesh_options_set_call_timeout_ms(options, 600), MESH_OK);
    });
    let session = open(conn);
    emu.delay_calls("Commit", Duration::from_secs(5));
    let began = Instant::now();
    let op = start_commit(session);
    assert!(began.elapsed() < Duration::from_millis(300), "start waited");
    assert!(!is_done(op));
    assert!(!wait(op, 100));
    // The call's timeout counts from start: done by itself by then.
    assert!(wait(op, 3_000));
    let took = began.elapsed();
    assert!(is_done(op));
    assert_eq!(
        unsafe { mesh_session_commit_finish(op) },
        MESH_ERROR_TIMEOUT
    );
    assert!(
        took >= Duration::from_millis(550) && took < Duration::from_millis(2_500),
        "{took:?}"
    );
    emu.delay_calls("Commit", Duration::ZERO);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

struct Seen {
    calls: AtomicUsize,
    status: Mutex<Vec<mesh_status>>,
    finished: Mutex<Vec<usize>>,
}

unsafe extern "C" fn on_done(op: *mut mesh_operation, status: mesh_status, user_data: *mut c_void) {
    let seen = unsafe { &*(user_data as *const Seen) };
    seen.calls.fetch_add(1, Ordering::SeqCst);
    seen.status.lock().unwrap().push(status);
    // Finishing inside the callback is the usual thing to do.
    let read = finish_read(op);
    seen.finished
        .lock()
        .unwrap()
        .push(read.map(|p| p.len()).unwrap_or(usize::MAX));
}

#[test]
fn a_callback_runs_once_on_the_callback_thread_and_may_finish() {
    let emu = ts_emulator(Duration::from_secs(60));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    write_ok(session, KEY, T0, T0 + DAY, &day(1.0).pick(&[0, 1]));
    let seen = Box::new(Seen {
        calls: AtomicUsize::new(0),
        status: Mutex::new(Vec::new()),
        finished: Mutex::new(Vec::new()),
    });
    let user_data = &*seen as *const Seen as *mut c_void;
    let ops: Vec<_> = (0..50).map(|_| start_read(session, KEY)).collect();
    for op in &ops {
        check(
            mesh_operation_set_callback(*op, Some(on_done), user_data),
            MESH_OK,
        );
    }
    assert_eq!(
        mesh_operation_set_callback(ops[0], Some(on_done), user_data),
        MESH_ERROR_INVALID_ARGUMENT,
        "a second callback"
    );
    assert!(wait_until(Duration::from_secs(20), || seen
        .finished
        .lock()
        .unwrap()
        .len()
        == 50));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(seen.calls.load(Ordering::SeqCst), 50);
    assert!(seen.status.lock().unwrap().iter().all(|s| *s == MESH_OK));
    assert!(seen.finished.lock().unwrap().iter().all(|n| *n == 2));
    // A callback set on an operation already complete is queued at once.
    let op = start_read(session, KEY);
    assert!(wait(op, u32::MAX));
    check(
        mesh_operation_set_callback(op, Some(on_done), user_data),
        MESH_OK,
    );
    assert!(wait_until(Duration::from_secs(5), || seen
        .calls
        .load(Ordering::SeqCst)
        == 51));
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn cancelling_freeing_closing_and_interrupting_end_pending_operations() {
    let emu = ts_emulator(Duration::from_secs(60));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    emu.delay_calls("Commit", Duration::from_secs(10));

    // Cancel: complete at once, cancelled; the session goes on.
    let op = start_commit(session);
    let began = Instant::now();
    check(mesh_operation_cancel(op), MESH_OK);
    assert!(is_done(op));
    assert_eq!(
        unsafe { mesh_session_commit_finish(op) },
        MESH_ERROR_CANCELLED
    );
    assert!(
        last_error().contains("mesh_operation_cancel"),
        "{}",
        last_error()
    );
    assert!(began.elapsed() < Duration::from_secs(1));
    read_ok(session, KEY, T0, T0 + DAY);

    // Cancelling a completed operation keeps its result.
    let op = start_read(session, KEY);
    assert!(wait(op, u32::MAX));
    check(mesh_operation_cancel(op), MESH_OK);
    assert!(finish_read(op).is_ok());

    // Free: pending, then invalid.
    let op = start_commit(session);
    check(mesh_operation_free(op), MESH_OK);
    assert_eq!(
        unsafe { mesh_session_commit_finish(op) },
        MESH_ERROR_INVALID_HANDLE
    );

    // Interrupt: the session's pending operations, not later ones.
    let pending: Vec<_> = (0..3).map(|_| start_commit(session)).collect();
    check(mesh_session_interrupt(session), MESH_OK);
    for op in pending {
        assert!(wait(op, 2_000), "interrupted promptly");
        assert_eq!(
            unsafe { mesh_session_commit_finish(op) },
            MESH_ERROR_CANCELLED
        );
        assert!(
            last_error().contains("mesh_session_interrupt"),
            "{}",
            last_error()
        );
    }
    assert!(finish_read(start_read(session, KEY)).is_ok());

    // Close: its pending operations end, cancelled, with the reason.
    let pending: Vec<_> = (0..3).map(|_| start_commit(session)).collect();
    let closing = {
        let session = session as usize;
        std::thread::spawn(move || mesh_session_close(session as *mut mesh_session))
    };
    for op in pending {
        assert!(wait(op, 2_000), "cancelled promptly by the close");
        assert_eq!(
            unsafe { mesh_session_commit_finish(op) },
            MESH_ERROR_CANCELLED
        );
        assert!(
            last_error().contains("mesh_session_close"),
            "{}",
            last_error()
        );
    }
    emu.delay_calls("Commit", Duration::ZERO);
    check(closing.join().unwrap(), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn ten_thousand_pending_reads_hold_no_thread_and_reach_the_server_together() {
    crate::common::process::own_process!(
        ten_thousand_pending_reads_hold_no_thread_and_reach_the_server_together
    );
    const CALLS: usize = 10_000;
    let emu = ts_emulator(Duration::from_secs(120));
    let conn = connect_with(&emu.addr().to_string(), |options| {
        check(mesh_options_set_call_timeout_ms(options, 120_000), MESH_OK);
    });
    let session = open(conn);
    write_ok(session, KEY, T0, T0 + DAY, &day(1.0).pick(&[0]));
    check(mesh_session_commit(session), MESH_OK);
    // Warm: the runtime's threads exist before counting.
    assert!(finish_read(start_read(session, KEY)).is_ok());
    let threads = thread_count();
    emu.delay_calls("ReadTimeseries", Duration::from_millis(100));
    let began = Instant::now();
    let ops: Vec<_> = (0..CALLS).map(|_| start_read(session, KEY)).collect();
    let starting = began.elapsed();
    let pending_threads = thread_count();
    assert!(wait_until(Duration::from_secs(10), || emu
        .most_calls_in_flight()
        >= 100));
    for op in &ops {
        assert_eq!(finish_read(*op).map(|p| p.len()), Ok(1));
    }
    let took = began.elapsed();
    let most = emu.most_calls_in_flight();
    crate::common::tools::note(&format!(
        "operations: {CALLS} reads started in {} ms, done in {} ms against a server holding each 100 ms; process threads {threads} before, {pending_threads} while pending; at most {most} in flight at the server (its stream limit {})",
        starting.as_millis(),
        took.as_millis(),
        mesh_emulator::DEFAULT_MAX_CONCURRENT_STREAMS
    ));
    assert_eq!(pending_threads, threads, "pending calls took threads");
    assert_eq!(thread_count(), threads);
    // Together, up to the server's limit on concurrent streams, and no more.
    assert_eq!(most, mesh_emulator::DEFAULT_MAX_CONCURRENT_STREAMS as usize);
    // Far from a pool running blocking calls: 100 at a time.
    assert!(took < Duration::from_secs(60), "{took:?}");
    emu.delay_calls("ReadTimeseries", Duration::ZERO);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

static SHUTDOWN_SEEN: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn count_shutdown(_: *mut mesh_operation, status: mesh_status, _: *mut c_void) {
    assert_eq!(status, MESH_ERROR_CANCELLED);
    SHUTDOWN_SEEN.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn shutdown_cancels_pending_operations_and_runs_their_callbacks_before_it_returns() {
    crate::common::process::own_process!(
        shutdown_cancels_pending_operations_and_runs_their_callbacks_before_it_returns
    );
    let emu = ts_emulator(Duration::from_secs(60));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    emu.delay_calls("Commit", Duration::from_secs(10));
    let ops: Vec<_> = (0..20).map(|_| start_commit(session)).collect();
    for op in &ops {
        check(
            mesh_operation_set_callback(*op, Some(count_shutdown), ptr::null_mut()),
            MESH_OK,
        );
    }
    let began = Instant::now();
    check(mesh_library_shutdown(), MESH_OK);
    assert!(began.elapsed() < Duration::from_secs(5));
    assert_eq!(SHUTDOWN_SEEN.load(Ordering::SeqCst), 20);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        SHUTDOWN_SEEN.load(Ordering::SeqCst),
        20,
        "a callback after shutdown"
    );
    for op in ops {
        assert_eq!(
            unsafe { mesh_session_commit_finish(op) },
            MESH_ERROR_CANCELLED
        );
        assert!(
            last_error().contains("mesh_library_shutdown"),
            "{}",
            last_error()
        );
    }
    // Starting after shutdown starts a new library, as every call does.
    let other = connect(&emu.addr().to_string());
    check(mesh_connection_close(other), MESH_OK);
}
