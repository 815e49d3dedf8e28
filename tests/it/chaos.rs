//! A bounded chaos run: threads work in their sessions through a fault
//! proxy while it drops, resets, stalls, slows, freezes and half-opens
//! connections, first briefly at random (a fixed seed), then in outages
//! close to but below the server's timeout, which every session must
//! survive. Every call returns within the call timeout plus stated slack
//! with a status from the documented set, and everything recovers without
//! user action. Whenever the client first reports a session expired (a
//! call's `MESH_ERROR_SESSION_EXPIRED` or the expired callback), the server
//! is asked at once, past the proxy, whether it still has that session. A
//! second run makes an outage longer than the server's timeout, so that
//! every session is reported expired and checked.
//! The figures are printed.

use std::collections::{BTreeMap, HashSet};
use std::ffi::{c_char, c_void, CStr};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::common::tools::note;
use crate::common::*;
use crate::support::proxy::{Fault, FaultProxy};
use mesh_status::*;

const THREADS: usize = 8;
/// How long the short random faults go on.
const SHORT_CHAOS: Duration = Duration::from_secs(3);
const CALL_TIMEOUT_MS: u32 = 800;
const DEAD_CONNECTION_MS: u32 = 400;
const SERVER_TIMEOUT: Duration = Duration::from_secs(3);
/// Outages a session must survive: below the server's timeout by more than
/// one call timeout, the longest a call can take to end once the path is
/// back (plus room for a loaded machine).
const NEAR_OUTAGE: Duration = Duration::from_millis(1900);
/// An outage no session can survive, with time to spare for the client to
/// find out while it lasts.
const LONG_OUTAGE: Duration = Duration::from_millis(3800);
/// Fault-free time before the first outage, so that every session has just
/// been used, and after each, for every session to be used again.
const QUIET: Duration = Duration::from_millis(800);
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
    /// For each session the client reported expired: ms from the end of
    /// the last call the server answered to the end of the first that
    /// failed after it (when the server may have seen that one last).
    lags: BTreeMap<String, u128>,
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
    }
}

/// Asks the server, past the proxy, about each session the client reports
/// expired, the first time it is reported.
struct Audit {
    /// A connection straight to the emulator.
    direct: *mut mesh_connection,
    checked: Mutex<HashSet<String>>,
    /// Reported expired by the client while the server still had them.
    held_by_server: Mutex<Vec<String>>,
    /// Questions that got no answer (collected, not panicked on: a panic
    /// must not leave the expired callback).
    unanswered: Mutex<Vec<String>>,
    by_callback: AtomicUsize,
}

// SAFETY: the connection handle is only passed to the C API, which takes
// handles from any thread.
unsafe impl Sync for Audit {}

impl Audit {
    /// Checks session `id` on the server, unless it was checked before.
    fn reported(&self, id: String) {
        if !self.checked.lock().unwrap().insert(id.clone()) {
            return;
        }
        // Attaching is the one way to ask the server about an id: it fails
        // with SESSION_NOT_FOUND for an id it no longer has.
        match attach(self.direct, &id) {
            Ok(again) => {
                if mesh_session_detach(again) != MESH_OK {
                    self.unanswered
                        .lock()
                        .unwrap()
                        .push(format!("detaching {id}: {}", last_error()));
                }
                self.held_by_server.lock().unwrap().push(id);
            }
            Err(MESH_ERROR_SESSION_NOT_FOUND) => {}
            Err(status) => self
                .unanswered
                .lock()
                .unwrap()
                .push(format!("asking about {id}: {status:?}: {}", last_error())),
        }
    }

    fn checked(&self) -> usize {
        self.checked.lock().unwrap().len()
    }
}

/// The expired callback: the earliest moment the client reports expiry.
unsafe extern "C" fn on_expired(id: *const c_char, audit: *mut c_void) {
    // SAFETY: `audit` is the `Audit` given with the callback, which outlives
    // every session (they are closed before it goes); `id` is a valid C
    // string during the call.
    let (audit, id) = unsafe { (&*(audit as *const Audit), CStr::from_ptr(id)) };
    audit.by_callback.fetch_add(1, Ordering::SeqCst);
    audit.reported(id.to_string_lossy().into_owned());
}

fn open_audited(
    conn: *mut mesh_connection,
    audit: &Audit,
) -> Result<*mut mesh_session, mesh_status> {
    let mut session = ptr::null_mut();
    match unsafe { mesh_session_open(conn, &mut session) } {
        MESH_OK => {
            check(
                mesh_session_set_expired_callback(
                    session,
                    Some(on_expired),
                    audit as *const Audit as *mut c_void,
                ),
                MESH_OK,
            );
            Ok(session)
        }
        status => Err(status),
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
        let status = unsafe { mesh_connection_open(c(address).as_ptr(), options, &mut conn) };
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
                mesh_timeseries_read_by_key(session, 1, start, start + 24 * HOUR, &mut points)
            };
            if status == MESH_OK {
                check(mesh_point_list_free(points), MESH_OK);
            }
            ("read", status)
        }
        _ => {
            let start = T0 + slot * HOUR;
            let times: Vec<i64> = (0..60).map(|i| start + i * 60_000).collect();
            let values: Vec<f64> = (0..60).map(|i| i as f64).collect();
            let status = unsafe {
                mesh_timeseries_write_by_key(
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

/// Sessions the threads are working in now (handles as addresses).
fn current(slots: &[AtomicUsize]) -> Vec<*mut mesh_session> {
    slots
        .iter()
        .map(|s| ptr::with_exposed_provenance_mut(s.load(Ordering::SeqCst)))
        .collect()
}

/// The short faults: one, then a pass, again and again; every kind of fault
/// once a round, in an order of the generator's choosing.
fn short_faults(proxy: &FaultProxy, applied: &mut BTreeMap<String, usize>) {
    let mut rng = Lcg(0x5eed);
    let until = Instant::now() + SHORT_CHAOS;
    let mut kinds = [
        Fault::Drop,
        Fault::Reset,
        Fault::Stall,
        Fault::Slow(Duration::from_millis(40)),
        Fault::Freeze,
        Fault::HalfOpen,
    ];
    loop {
        for i in (1..kinds.len()).rev() {
            kinds.swap(i, rng.next(i as u64 + 1) as usize);
        }
        for fault in kinds {
            if Instant::now() >= until {
                return;
            }
            *applied.entry(format!("{fault:?}")).or_default() += 1;
            proxy.set(fault);
            std::thread::sleep(Duration::from_millis(100 + rng.next(250)));
            proxy.set(Fault::Pass);
            std::thread::sleep(Duration::from_millis(150 + rng.next(200)));
        }
    }
}

/// A total outage of `length` made by `fault`, then quiet.
fn outage(
    proxy: &FaultProxy,
    fault: Fault,
    length: Duration,
    applied: &mut BTreeMap<String, usize>,
) {
    *applied
        .entry(format!("{fault:?} for {} ms", length.as_millis()))
        .or_default() += 1;
    proxy.set(fault);
    std::thread::sleep(length);
    proxy.set(Fault::Pass);
    std::thread::sleep(QUIET);
}

/// What the main thread does to the proxy while the threads work: the
/// sessions in use before and after each outage it makes, as (fault, still
/// open after, open before).
type Acts =
    fn(&FaultProxy, &[AtomicUsize], &mut BTreeMap<String, usize>) -> Vec<(Fault, usize, usize)>;

/// What a run saw.
struct Outcome {
    figures: Figures,
    applied: BTreeMap<String, usize>,
    survived: Vec<(Fault, usize, usize)>,
    opened: usize,
    /// Sessions the client reported expired, and of them those the server
    /// still had when asked.
    reported: usize,
    held: Vec<String>,
    callbacks: usize,
    kept: usize,
    recovery: Duration,
}

impl Outcome {
    fn print(&self, what: &str) {
        let f = &self.figures;
        note(&format!(
            "chaos ({what}): {} calls from {THREADS} threads, faults {:?}; longest call {} ms ({}; call timeout {CALL_TIMEOUT_MS} ms); statuses {:?}; outages (server timeout {} ms) survived by {:?} (fault, alive after, open before); sessions: {} opened, {} reported expired by the client ({} expired callbacks), {} of them still on the server when reported; {} kept and recovered in {} ms",
            f.calls,
            self.applied,
            f.longest.as_millis(),
            f.longest_call,
            f.statuses,
            SERVER_TIMEOUT.as_millis(),
            self.survived,
            self.opened,
            self.reported,
            self.callbacks,
            self.held.len(),
            self.kept,
            self.recovery.as_millis(),
        ));
        if !f.lags.is_empty() {
            let lag = |in_held: bool| -> Vec<u128> {
                f.lags
                    .iter()
                    .filter(|(id, _)| in_held == self.held.contains(id))
                    .map(|(_, ms)| *ms)
                    .collect()
            };
            note(&format!(
                "chaos ({what}): ms from a reported session's last answered call to its first failed one: {:?} for those the server still had, {:?} for the others",
                lag(true),
                lag(false)
            ));
        }
    }

    /// What holds in every run: calls bounded, documented statuses, and
    /// every session the client kept working again.
    fn check_calls(&self) {
        let f = &self.figures;
        assert!(f.unexpected.is_empty(), "{:#?}", f.unexpected);
        assert!(
            f.longest <= Duration::from_millis(CALL_TIMEOUT_MS.into()) + SLACK,
            "a {} took {:?}; the bound is the call timeout ({CALL_TIMEOUT_MS} ms) plus {SLACK:?}",
            f.longest_call,
            f.longest
        );
        assert!(f.calls > 100, "too few calls: {}", f.calls);
        assert!(f.statuses.contains_key("MESH_OK"));
        assert!(
            f.statuses.contains_key("MESH_ERROR_UNAVAILABLE"),
            "the faults made no call fail: {:?}",
            f.statuses
        );
    }
}

/// Threads work in their sessions through a fault proxy while `acts` runs;
/// then every session the client kept must work again.
fn run(acts: Acts) -> Outcome {
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
    let audit = Audit {
        direct: connect(&emu.addr().to_string()),
        checked: Mutex::new(HashSet::new()),
        held_by_server: Mutex::new(Vec::new()),
        unanswered: Mutex::new(Vec::new()),
        by_callback: AtomicUsize::new(0),
    };
    let figures = Mutex::new(Figures::default());
    // Every session the threads had (handles as addresses, to close them).
    let sessions = Mutex::new(Vec::<usize>::new());
    let slots: Vec<AtomicUsize> = (0..THREADS).map(|_| AtomicUsize::new(0)).collect();
    let running = AtomicBool::new(true);
    let mut applied = BTreeMap::<String, usize>::new();
    let conn_addr = conn.expose_provenance();
    let address = proxy.addr().to_string();

    let survived = std::thread::scope(|s| {
        for slot in 0..THREADS {
            let (figures, sessions, slots, running, address, audit) = (
                &figures,
                &sessions,
                &slots,
                &running,
                address.as_str(),
                &audit,
            );
            s.spawn(move || {
                let conn: *mut mesh_connection = ptr::with_exposed_provenance_mut(conn_addr);
                let mut rng = Lcg(slot as u64 + 1);
                let mut session = open_audited(conn, audit).expect("open before the faults");
                sessions.lock().unwrap().push(session.expose_provenance());
                slots[slot].store(session.expose_provenance(), Ordering::SeqCst);
                let mut answered = Instant::now();
                let mut failed = None;
                while running.load(Ordering::SeqCst) {
                    let began = Instant::now();
                    let (call, status) = random_call(session, address, slot as i64, &mut rng);
                    figures
                        .lock()
                        .unwrap()
                        .record(call, status, began.elapsed());
                    if call != "connect" {
                        if status == MESH_OK {
                            answered = Instant::now();
                            failed = None;
                        } else {
                            failed.get_or_insert_with(Instant::now);
                        }
                    }
                    match status {
                        MESH_ERROR_SESSION_EXPIRED => {}
                        // Down: a real client would pause before trying again.
                        MESH_ERROR_UNAVAILABLE => {
                            std::thread::sleep(Duration::from_millis(5));
                            continue;
                        }
                        _ => continue,
                    }
                    let id = id_of(session);
                    if let Some(failed) = failed {
                        figures
                            .lock()
                            .unwrap()
                            .lags
                            .insert(id.clone(), (failed - answered).as_millis());
                    }
                    audit.reported(id);
                    answered = Instant::now();
                    failed = None;
                    // Carry on in a new session.
                    let began = Instant::now();
                    let opened = open_audited(conn, audit);
                    figures.lock().unwrap().record(
                        "open",
                        opened.err().unwrap_or(MESH_OK),
                        began.elapsed(),
                    );
                    match opened {
                        Ok(fresh) => {
                            session = fresh;
                            sessions.lock().unwrap().push(session.expose_provenance());
                            slots[slot].store(session.expose_provenance(), Ordering::SeqCst);
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
        }

        let survived = acts(&proxy, &slots, &mut applied);
        running.store(false, Ordering::SeqCst);
        survived
    });

    // Recovery: every session the client still calls open works again.
    proxy.set(Fault::Pass);
    let sessions: Vec<*mut mesh_session> = sessions
        .into_inner()
        .unwrap()
        .into_iter()
        .map(ptr::with_exposed_provenance_mut)
        .collect();
    let recovery_began = Instant::now();
    let mut kept = 0;
    for &session in &sessions {
        if is_expired(session) {
            continue;
        }
        kept += 1;
        assert!(
            wait_until(Duration::from_secs(5), || mesh_session_commit(session)
                == MESH_OK),
            "session {} did not recover: {}",
            id_of(session),
            last_error()
        );
    }
    let recovery = recovery_began.elapsed();
    // Once closed, no session's callback runs or is running.
    for &session in &sessions {
        let status = mesh_session_close(session);
        assert!(matches!(status, MESH_OK | MESH_ERROR_SESSION_EXPIRED));
    }
    let unanswered = audit.unanswered.lock().unwrap().clone();
    assert!(unanswered.is_empty(), "{unanswered:#?}");
    let outcome = Outcome {
        figures: figures.into_inner().unwrap(),
        applied,
        survived,
        opened: sessions.len(),
        reported: audit.checked(),
        held: audit.held_by_server.lock().unwrap().clone(),
        callbacks: audit.by_callback.load(Ordering::SeqCst),
        kept,
        recovery,
    };
    check(mesh_connection_close(conn), MESH_OK);
    check(mesh_connection_close(audit.direct), MESH_OK);
    outcome
}

/// Short faults, then outages close to the server's timeout: the sessions
/// in use when each begins are all still open after it.
fn short_faults_and_near_outages(
    proxy: &FaultProxy,
    slots: &[AtomicUsize],
    applied: &mut BTreeMap<String, usize>,
) -> Vec<(Fault, usize, usize)> {
    short_faults(proxy, applied);
    proxy.set(Fault::Pass);
    std::thread::sleep(QUIET);
    let mut survived = Vec::new();
    for fault in [Fault::Freeze, Fault::Reset] {
        let before: Vec<_> = current(slots)
            .into_iter()
            .filter(|&s| !is_expired(s))
            .collect();
        outage(proxy, fault, NEAR_OUTAGE, applied);
        let alive = before.iter().filter(|&&s| !is_expired(s)).count();
        survived.push((fault, alive, before.len()));
    }
    survived
}

/// An outage longer than the server's timeout, after quiet.
fn long_outage(
    proxy: &FaultProxy,
    _: &[AtomicUsize],
    applied: &mut BTreeMap<String, usize>,
) -> Vec<(Fault, usize, usize)> {
    std::thread::sleep(QUIET);
    outage(proxy, Fault::Drop, LONG_OUTAGE, applied);
    Vec::new()
}

#[test]
fn chaos_every_call_bounded_full_recovery_no_session_lost() {
    let outcome = run(short_faults_and_near_outages);
    outcome.print("short faults, outages below the server timeout");
    outcome.check_calls();
    for (fault, alive, before) in &outcome.survived {
        assert!(*before > 0);
        assert_eq!(
            alive, before,
            "sessions lost in a {fault:?} outage of {NEAR_OUTAGE:?} (server timeout {SERVER_TIMEOUT:?})"
        );
    }
    // No fault lasted as long as the server's timeout: the client reports
    // no session expired at all (had it, each would have been checked on
    // the server as it was reported).
    assert_eq!(
        outcome.reported, 0,
        "sessions reported expired though no outage reached the server's timeout ({} still on the server when reported)",
        outcome.held.len()
    );
    assert!(outcome.kept >= THREADS);
}

/// The client finds out about the sessions the outage outlasted, and
/// reports none of them expired while the server still has it.
#[test]
fn an_outage_past_the_server_timeout_no_session_reported_expired_while_the_server_has_it() {
    let outcome = run(long_outage);
    outcome.print("an outage past the server timeout");
    outcome.check_calls();
    assert!(
        outcome
            .figures
            .statuses
            .contains_key("MESH_ERROR_SESSION_EXPIRED"),
        "{:?}",
        outcome.figures.statuses
    );
    // Every session in use was reported expired, so each was checked.
    assert!(
        outcome.reported >= THREADS,
        "{} sessions reported expired",
        outcome.reported
    );
    assert!(
        outcome.held.is_empty(),
        "reported expired while the server still had them: {:?}",
        outcome.held
    );
}
