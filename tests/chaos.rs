//! A bounded chaos run: threads work in their sessions through a fault
//! proxy that drops, resets, stalls, slows, freezes and half-opens
//! connections at random (a fixed seed) for a few seconds. Every call must
//! return within the call timeout (plus scheduling slack) with a status from
//! the documented set; afterwards everything recovers without user action,
//! and no session is reported expired while the server still has it. The
//! figures (calls, longest call, statuses, sessions lost) are printed.

mod common;
mod support;

use std::collections::BTreeMap;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::tools::note;
use common::*;
use mesh_status::*;
use support::proxy::{Fault, FaultProxy};

const THREADS: usize = 8;
const CHAOS: Duration = Duration::from_secs(6);
const CALL_TIMEOUT_MS: u32 = 800;
const DEAD_CONNECTION_MS: u32 = 400;
/// Longer than any run of faults below, so the server keeps every session
/// that the client keeps alive.
const SERVER_TIMEOUT: Duration = Duration::from_secs(4);
/// Scheduling on a loaded machine, on top of the call timeout.
const SLACK: Duration = Duration::from_millis(1000);
/// 2030-01-01T00:00:00Z in ms.
const T0: i64 = 1_893_456_000_000;
const HOUR: i64 = 3_600_000;

/// A fixed-seed generator, so every run injects the same faults.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

#[derive(Default)]
struct Figures {
    calls: usize,
    longest: Duration,
    longest_call: &'static str,
    statuses: BTreeMap<String, usize>,
    unexpected: Vec<String>,
}

impl Figures {
    fn record(&mut self, call: &'static str, status: mesh_status, took: Duration) {
        self.calls += 1;
        if took > self.longest {
            self.longest = took;
            self.longest_call = call;
        }
        *self.statuses.entry(status_name(status)).or_default() += 1;
        let documented = matches!(
            status,
            MESH_OK | MESH_ERROR_UNAVAILABLE | MESH_ERROR_TIMEOUT | MESH_ERROR_SESSION_EXPIRED
        );
        if !documented {
            self.unexpected
                .push(format!("{call}: {status:?}: {}", last_error()));
        }
        if took > Duration::from_millis(CALL_TIMEOUT_MS.into()) + SLACK {
            self.unexpected.push(format!(
                "{call} took {took:?}: {status:?}: {}",
                last_error()
            ));
        }
    }
}

/// One call of a random kind in `session`, or now and then a new
/// connection to `address`; `slot` picks the thread's own interval for
/// writes.
fn random_call(
    session: *mut mesh_session,
    address: &str,
    slot: i64,
    rng: &mut Lcg,
) -> (&'static str, mesh_status) {
    if rng.next(20) == 0 {
        let mut options = ptr::null_mut();
        check(unsafe { mesh_options_new(&mut options) }, MESH_OK);
        check(
            mesh_options_set_connect_timeout_ms(options, CALL_TIMEOUT_MS),
            MESH_OK,
        );
        let mut conn = ptr::null_mut();
        let status = unsafe { mesh_connect(c(address).as_ptr(), options, &mut conn) };
        check(mesh_options_free(options), MESH_OK);
        check(mesh_connection_close(conn), MESH_OK);
        return ("connect", status);
    }
    match rng.next(5) {
        0 => ("commit", mesh_session_commit(session)),
        1 => ("rollback", mesh_session_rollback(session)),
        2 => ("extend", unsafe {
            mesh_session_extend(session, ptr::null_mut())
        }),
        3 => {
            let mut points = ptr::null_mut();
            let start = 1_735_689_600_000;
            let status = unsafe {
                mesh_read_timeseries_by_key(session, 1, start, start + 24 * HOUR, &mut points)
            };
            if status == MESH_OK {
                check(mesh_points_free(points), MESH_OK);
            }
            ("read", status)
        }
        _ => {
            let start = T0 + slot * HOUR;
            let times: Vec<i64> = (0..60).map(|i| start + i * 60_000).collect();
            let values: Vec<f64> = (0..60).map(|i| i as f64).collect();
            let status = unsafe {
                mesh_write_timeseries_by_key(
                    session,
                    2,
                    start,
                    start + HOUR,
                    times.as_ptr(),
                    ptr::null(),
                    values.as_ptr(),
                    times.len(),
                )
            };
            ("write", status)
        }
    }
}

#[test]
fn chaos_every_call_bounded_full_recovery_no_session_lost() {
    let emu = emulator(SERVER_TIMEOUT);
    let proxy = FaultProxy::start(emu.addr());
    let conn = connect_with(&proxy.addr().to_string(), |o| {
        check(
            mesh_options_set_call_timeout_ms(o, CALL_TIMEOUT_MS),
            MESH_OK,
        );
        check(
            mesh_options_set_dead_connection_timeout_ms(o, DEAD_CONNECTION_MS),
            MESH_OK,
        );
    });
    let figures = Mutex::new(Figures::default());
    // Every session the threads had (handles as addresses, to share them).
    let sessions = Mutex::new(Vec::<usize>::new());
    let running = AtomicBool::new(true);
    let faults_applied = Mutex::new(BTreeMap::<String, usize>::new());
    let conn_addr = conn.addr();
    let address = proxy.addr().to_string();

    std::thread::scope(|s| {
        for slot in 0..THREADS {
            let (figures, sessions, running, address) =
                (&figures, &sessions, &running, address.as_str());
            s.spawn(move || {
                let conn: *mut mesh_connection = ptr::with_exposed_provenance_mut(conn_addr);
                let mut rng = Lcg(slot as u64 + 1);
                let mut session = open(conn);
                let mut given_up = false;
                while running.load(Ordering::SeqCst) {
                    let began = Instant::now();
                    let (call, status) = random_call(session, address, slot as i64, &mut rng);
                    figures
                        .lock()
                        .unwrap()
                        .record(call, status, began.elapsed());
                    if status != MESH_ERROR_SESSION_EXPIRED {
                        continue;
                    }
                    // Lost; whether the server lost it too is checked at
                    // the end. Carry on in a new one.
                    if !given_up {
                        sessions.lock().unwrap().push(session.expose_provenance());
                        given_up = true;
                    }
                    let mut fresh = ptr::null_mut();
                    let began = Instant::now();
                    let status = unsafe { mesh_session_open(conn, &mut fresh) };
                    figures
                        .lock()
                        .unwrap()
                        .record("open", status, began.elapsed());
                    if status == MESH_OK {
                        session = fresh;
                        given_up = false;
                    }
                }
                if !given_up {
                    sessions.lock().unwrap().push(session.expose_provenance());
                }
            });
        }
        // The chaos: a fault, then a pass, again and again; every kind of
        // fault once a round, in an order of the generator's choosing.
        let mut rng = Lcg(0x5eed);
        let until = Instant::now() + CHAOS;
        let mut kinds = [
            Fault::Drop,
            Fault::Reset,
            Fault::Stall,
            Fault::Slow(Duration::from_millis(40)),
            Fault::Freeze,
            Fault::HalfOpen,
        ];
        'chaos: loop {
            for i in (1..kinds.len()).rev() {
                kinds.swap(i, rng.next(i as u64 + 1) as usize);
            }
            for fault in kinds {
                if Instant::now() >= until {
                    break 'chaos;
                }
                *faults_applied
                    .lock()
                    .unwrap()
                    .entry(format!("{fault:?}"))
                    .or_default() += 1;
                proxy.set(fault);
                std::thread::sleep(Duration::from_millis(100 + rng.next(250)));
                proxy.set(Fault::Pass);
                std::thread::sleep(Duration::from_millis(150 + rng.next(200)));
            }
        }
        running.store(false, Ordering::SeqCst);
    });

    // Recovery: every session the client kept works again, by itself.
    proxy.set(Fault::Pass);
    let sessions: Vec<*mut mesh_session> = sessions
        .into_inner()
        .unwrap()
        .into_iter()
        .map(ptr::with_exposed_provenance_mut)
        .collect();
    let recovery_began = Instant::now();
    let mut kept = 0;
    let mut expired_by_client = Vec::new();
    for &session in &sessions {
        let id = id_of(session);
        if is_expired(session) {
            expired_by_client.push(id);
            continue;
        }
        kept += 1;
        assert!(
            wait_until(Duration::from_secs(5), || mesh_session_commit(session)
                == MESH_OK),
            "session {id} did not recover: {}",
            last_error()
        );
    }
    let recovery = recovery_began.elapsed();
    // No session the client gave up is still open on the server.
    let direct = connect(&emu.addr().to_string());
    let mut lost_while_kept = 0;
    for id in &expired_by_client {
        if let Ok(again) = attach(direct, id) {
            lost_while_kept += 1;
            check(mesh_session_detach(again), MESH_OK);
        }
    }
    let figures = figures.into_inner().unwrap();
    note(&format!(
        "chaos: {} calls from {THREADS} threads in {} s of faults {:?}; longest call {} ms ({}; call timeout {CALL_TIMEOUT_MS} ms); statuses {:?}; sessions: {} kept and recovered in {} ms, {} expired by the client, {} of them still on the server",
        figures.calls,
        CHAOS.as_secs(),
        faults_applied.into_inner().unwrap(),
        figures.longest.as_millis(),
        figures.longest_call,
        figures.statuses,
        kept,
        recovery.as_millis(),
        expired_by_client.len(),
        lost_while_kept,
    ));
    assert!(figures.unexpected.is_empty(), "{:#?}", figures.unexpected);
    assert_eq!(
        lost_while_kept, 0,
        "sessions lost while the server kept them"
    );
    assert!(figures.calls > 100, "too few calls: {}", figures.calls);
    assert!(figures.statuses.contains_key("MESH_OK"));
    assert!(
        figures.statuses.len() > 1,
        "the faults made no call fail: {:?}",
        figures.statuses
    );
    for &session in &sessions {
        let status = mesh_session_close(session);
        assert!(matches!(status, MESH_OK | MESH_ERROR_SESSION_EXPIRED));
    }
    check(mesh_connection_close(conn), MESH_OK);
    check(mesh_connection_close(direct), MESH_OK);
}
