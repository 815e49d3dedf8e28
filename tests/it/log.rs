//! The log a host receives (`mesh_library_set_log_callback`,
//! `MESH_CAPI_LOG_FILE`): what it says of connects, sign-in, keep-alive
//! riding out a server that stopped answering, calls and shutdown; on which
//! thread; that a slow callback loses messages but says so; and that no
//! token or point value ever appears in it, in any encoding. The log
//! callback is global, so each test runs in a process of its own.

use std::ffi::{c_char, c_void, CStr};
use std::process::Command;
use std::ptr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::common::points::{day, read_ok, ts_emulator, write_ok, KEY, T0};
use crate::common::*;
use mesh_status::*;

/// What the callback received: level, target, message, thread name.
pub(crate) static SEEN: Mutex<Vec<(i32, String, String, String)>> = Mutex::new(Vec::new());
/// A pause in the callback, in ms (to fill the queue).
static SLOW_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub(crate) unsafe extern "C" fn collect(
    level: i32,
    target: *const c_char,
    message: *const c_char,
    _user_data: *mut c_void,
) {
    let target = unsafe { CStr::from_ptr(target) }
        .to_string_lossy()
        .into_owned();
    let message = unsafe { CStr::from_ptr(message) }
        .to_string_lossy()
        .into_owned();
    let thread = std::thread::current().name().unwrap_or("").to_string();
    SEEN.lock().unwrap().push((level, target, message, thread));
    let slow = SLOW_MS.load(std::sync::atomic::Ordering::SeqCst);
    if slow > 0 {
        std::thread::sleep(Duration::from_millis(slow));
    }
}

pub(crate) fn seen_text() -> String {
    SEEN.lock()
        .unwrap()
        .iter()
        .map(|(level, target, message, _)| format!("{level} {target}: {message}\n"))
        .collect()
}

/// Sends the log, debug level and up, to `collect`, which then takes
/// `slow_ms` over each message.
fn log_to_collect(slow_ms: u64) {
    SLOW_MS.store(slow_ms, std::sync::atomic::Ordering::SeqCst);
    check(
        mesh_library_set_log_callback(Some(collect), MESH_LOG_LEVEL_DEBUG, ptr::null_mut()),
        MESH_OK,
    );
}

/// Stops the log callback.
fn log_off() {
    SLOW_MS.store(0, std::sync::atomic::Ordering::SeqCst);
    check(
        mesh_library_set_log_callback(None, 0, ptr::null_mut()),
        MESH_OK,
    );
}

fn wait_for(text: &str) -> bool {
    wait_until(Duration::from_secs(20), || seen_text().contains(text))
}

#[test]
fn the_log_tells_connects_calls_keep_alive_and_shutdown_on_the_callback_thread() {
    crate::common::process::own_process!(
        the_log_tells_connects_calls_keep_alive_and_shutdown_on_the_callback_thread
    );
    assert_eq!(
        mesh_library_set_log_callback(Some(collect), 9, ptr::null_mut()),
        MESH_ERROR_INVALID_ARGUMENT
    );
    log_to_collect(0);
    // A short server timeout: keep-alive every second or so.
    let emu = ts_emulator(Duration::from_secs(6));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    write_ok(session, KEY, T0, T0 + 86_400_000, &day(1.0));
    assert!(wait_for("connected to"), "{}", seen_text());
    assert!(
        wait_for("the server ends a session after 6000 ms"),
        "{}",
        seen_text()
    );
    assert!(wait_for("WriteTimeseries: answered in"), "{}", seen_text());

    // The server stops answering for a while, then comes back: keep-alive
    // fails, retries, and recovers; the session lives on.
    emu.pause();
    assert!(wait_for("keep-alive failed"), "{}", seen_text());
    emu.resume().unwrap();
    assert!(wait_for("keep-alive recovered"), "{}", seen_text());
    assert!(!is_expired(session));
    check(mesh_session_commit(session), MESH_OK);

    // A call that times out says so, with its name and time.
    emu.delay_calls("Commit", Duration::from_secs(5));
    let slow = connect_with(&emu.addr().to_string(), |options| {
        check(mesh_options_set_call_timeout_ms(options, 300), MESH_OK);
    });
    let other = open(slow);
    assert_eq!(mesh_session_commit(other), MESH_ERROR_TIMEOUT);
    emu.delay_calls("Commit", Duration::ZERO);
    assert!(wait_for("Commit: no answer within"), "{}", seen_text());

    check(mesh_library_shutdown(), MESH_OK);
    let log = seen_text();
    assert!(log.contains("shutdown: stopping"), "{log}");
    let threads: Vec<String> = SEEN.lock().unwrap().iter().map(|s| s.3.clone()).collect();
    assert!(
        threads.iter().all(|t| t == "mesh-callbacks"),
        "messages came on {threads:?}"
    );
    assert!(SEEN
        .lock()
        .unwrap()
        .iter()
        .all(|(level, target, _, _)| (1..=4).contains(level) && target.starts_with("mesh_capi")));
    // Nothing after shutdown returned.
    let count = SEEN.lock().unwrap().len();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(SEEN.lock().unwrap().len(), count);
    crate::common::tools::note(&format!("log: a run at debug level:\n{log}"));

    // Cleared: nothing more arrives.
    log_off();
    let conn = connect(&emu.addr().to_string());
    check(mesh_connection_close(conn), MESH_OK);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(SEEN.lock().unwrap().len(), count);
}

#[test]
fn a_callback_set_after_calls_hears_those_calls_when_made_again() {
    crate::common::process::own_process!(
        a_callback_set_after_calls_hears_those_calls_when_made_again
    );
    // The same connect and calls twice: first with no log at all (tracing
    // then cached their callsites as of no interest), then with a callback,
    // which hears them (as a host that sets its log late, after a first
    // connect, would expect).
    let emu = emulator(Duration::from_secs(60));
    let address = emu.addr().to_string();
    for with_log in [false, true] {
        if with_log {
            log_to_collect(0);
        }
        let conn = connect(&address);
        let session = open(conn);
        check(mesh_session_commit(session), MESH_OK);
        check(mesh_session_close(session), MESH_OK);
        check(mesh_connection_close(conn), MESH_OK);
    }
    assert!(wait_for("connected to"), "{}", seen_text());
    assert!(wait_for("StartSession: answered in"), "{}", seen_text());
    assert!(wait_for("Commit: answered in"), "{}", seen_text());
    log_off();
}

#[test]
fn a_slow_callback_delays_no_call_and_the_log_says_what_it_dropped() {
    crate::common::process::own_process!(
        a_slow_callback_delays_no_call_and_the_log_says_what_it_dropped
    );
    // 50 ms a message: at most 20 a second leave the queue.
    log_to_collect(50);
    let emu = emulator(Duration::from_secs(60));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    // Far more messages than the queue holds, faster than the callback
    // takes them: the calls do not wait for it.
    let began = Instant::now();
    let mut calls = 0;
    while calls < 6000 {
        check(mesh_session_commit(session), MESH_OK);
        calls += 1;
    }
    let took = began.elapsed();
    // Had the calls waited for the callback, they would have taken 300 s.
    assert!(
        took < Duration::from_millis(50) * 3000,
        "{calls} calls took {took:?}: they waited for the log callback"
    );
    SLOW_MS.store(0, std::sync::atomic::Ordering::SeqCst);
    check(mesh_session_commit(session), MESH_OK);
    assert!(wait_for("log messages were dropped"), "{}", seen_text());
    let log = seen_text();
    let line = log.lines().find(|l| l.contains("were dropped")).unwrap();
    crate::common::tools::note(&format!(
        "log: {calls} calls in {} ms with a callback taking 50 ms a message: {line}",
        took.as_millis()
    ));
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
    log_off();
}

/// The sizes in the debug line of the call named `what`: bytes sent and
/// received.
fn sizes_of(what: &str) -> (u64, u64) {
    let log = seen_text();
    let line = log
        .lines()
        .find(|l| l.contains(&format!("{what}: answered in")))
        .unwrap_or_else(|| panic!("no debug line of {what}:\n{log}"));
    let number_before = |word: &str| -> u64 {
        let head = &line[..line.find(word).unwrap_or_else(|| panic!("{line}"))];
        head.trim_end()
            .rsplit([' ', ','])
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no number before {word:?} in {line}"))
    };
    (number_before(" bytes sent"), number_before(" received"))
}

#[test]
fn the_debug_line_of_each_call_gives_its_message_sizes() {
    crate::common::process::own_process!(the_debug_line_of_each_call_gives_its_message_sizes);
    log_to_collect(0);
    let emu = ts_emulator(Duration::from_secs(60));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    // Opening learns the server's timeout with an ExtendSession of its own.
    assert!(wait_for("ExtendSession: answered in"), "{}", seen_text());
    let bytes = || {
        let (mut sent, mut received) = (0, 0);
        check(
            unsafe { mesh_connection_statistic(conn, MESH_STATISTIC_BYTES_SENT, &mut sent) },
            MESH_OK,
        );
        check(
            unsafe {
                mesh_connection_statistic(conn, MESH_STATISTIC_BYTES_RECEIVED, &mut received)
            },
            MESH_OK,
        );
        (sent, received)
    };
    let before = bytes();
    write_ok(session, KEY, T0, T0 + 86_400_000, &day(1.0));
    let written = bytes();
    let points = read_ok(session, KEY, T0, T0 + 86_400_000);
    assert_eq!(points.len(), 24);
    let read = bytes();
    assert!(wait_for("ReadTimeseries: answered in"), "{}", seen_text());
    // Each line gives what the connection's counters moved by in its call.
    let write = sizes_of("WriteTimeseries");
    assert_eq!(write, (written.0 - before.0, written.1 - before.1));
    let read_sizes = sizes_of("ReadTimeseries");
    assert_eq!(read_sizes, (read.0 - written.0, read.1 - written.1));
    // 24 points are 24 timestamps, flags and values: 20 bytes each at least.
    assert!(
        write.0 >= 24 * 20 && read_sizes.1 >= 24 * 20,
        "{write:?} {read_sizes:?}"
    );
    let log = seen_text();
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("Timeseries: answered in"))
        .collect();
    crate::common::tools::note(&format!(
        "log: debug lines of a write and a read of 24 points: {lines:?}"
    ));
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
    log_off();
}

#[test]
fn shutdown_delivers_what_the_log_queued_before_it_returns() {
    crate::common::process::own_process!(shutdown_delivers_what_the_log_queued_before_it_returns);
    // 2 ms a message: the callback thread is still delivering the calls'
    // messages when shutdown logs its own and tells it to stop.
    log_to_collect(2);
    let emu = emulator(Duration::from_secs(60));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    for _ in 0..100 {
        check(mesh_session_commit(session), MESH_OK);
    }
    let before = SEEN.lock().unwrap().len();
    check(mesh_library_shutdown(), MESH_OK);
    let log = seen_text();
    let commits = log.matches("Commit: answered in").count();
    assert_eq!(commits, 100, "{log}");
    assert!(
        log.lines()
            .last()
            .is_some_and(|l| l.contains("shutdown: stopping")),
        "shutdown's last message is the log's last line:\n{log}"
    );
    crate::common::tools::note(&format!(
        "log: a callback taking 2 ms a message had {before} of {} messages when shutdown began; shutdown delivered the rest",
        SEEN.lock().unwrap().len()
    ));
    log_off();
}

/// Every form a secret could take in a log line: as it is, hex (both
/// cases), base64, decimal lists, `\x` escapes, Rust's debug escape and
/// `\u{..}` escapes.
pub(crate) fn encodings(secret: &[u8]) -> Vec<String> {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let base64: String = secret
        .chunks(3)
        .flat_map(|c| {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            let k = c.len() + 1;
            (0..4).map(move |i| {
                if i < k {
                    B64[(n >> (18 - 6 * i) & 63) as usize] as char
                } else {
                    '='
                }
            })
        })
        .collect();
    let text = String::from_utf8_lossy(secret).into_owned();
    vec![
        text.clone(),
        secret.iter().map(|b| format!("{b:02x}")).collect(),
        secret.iter().map(|b| format!("{b:02X}")).collect(),
        base64.trim_end_matches('=').to_string(),
        secret
            .iter()
            .map(|b| b.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        secret
            .iter()
            .map(|b| b.to_string())
            .collect::<Vec<_>>()
            .join(","),
        secret.iter().map(|b| format!("\\x{b:02x}")).collect(),
        format!("{text:?}").trim_matches('"').to_string(),
        text.chars()
            .map(|c| format!("\\u{{{:x}}}", c as u32))
            .collect(),
    ]
}

#[test]
fn a_trace_log_holds_no_token_and_no_point_value() {
    crate::common::process::own_process!(a_trace_log_holds_no_token_and_no_point_value);
    check(
        mesh_library_set_log_callback(Some(collect), MESH_LOG_LEVEL_TRACE, ptr::null_mut()),
        MESH_OK,
    );
    const TOKEN: &str = "tok-secret-Qx7p";
    const FIRST: f64 = 86_421.257_31;
    let (emu, root) = crate::common::bindings::tls_emulator(&[TOKEN], "Log User", "log_root.pem");
    let conn = connect_with(&format!("https://{}", emu.addr()), |options| unsafe {
        check(
            mesh_options_set_tls_root_certificate_file(options, c(root.to_str().unwrap()).as_ptr()),
            MESH_OK,
        );
        check(
            mesh_options_set_tls_server_name(options, c("mesh.example").as_ptr()),
            MESH_OK,
        );
        check(
            mesh_options_set_access_token(options, c(TOKEN).as_ptr()),
            MESH_OK,
        );
    });
    let session = open(conn);
    let values: Vec<f64> = (0..24).map(|h| FIRST + f64::from(h) * 1.5).collect();
    let points = crate::common::points::Cols::new(
        (0..24).map(|h| T0 + h * 3_600_000).collect(),
        vec![0; 24],
        values.clone(),
    );
    // A series of the default catalog: the TLS emulator has no test series.
    assert_eq!(
        crate::common::points::write(session, 1, T0, T0 + 86_400_000, &points),
        MESH_OK,
        "{}",
        last_error()
    );
    let read = crate::common::points::read_ok(session, 1, T0, T0 + 86_400_000);
    assert_eq!(read.values(), values);
    // A refused token, and a revoked one: failures that carry the token.
    check(
        unsafe { mesh_connection_revoke_access_token(conn, c(TOKEN).as_ptr()) },
        MESH_OK,
    );
    assert_ne!(mesh_session_commit(session), MESH_OK);
    let _ = mesh_session_close(session);
    check(mesh_connection_close(conn), MESH_OK);
    check(mesh_library_shutdown(), MESH_OK);

    let log = seen_text();
    assert!(log.contains("connected to"), "{log}");
    assert!(log.contains("signed in with an access token"), "{log}");
    assert!(log.lines().count() > 5, "{log}");
    let mut secrets: Vec<Vec<u8>> = vec![TOKEN.as_bytes().to_vec()];
    for v in &values {
        secrets.push(format!("{v}").into_bytes());
        secrets.push(v.to_bits().to_le_bytes().to_vec());
        secrets.push(v.to_bits().to_be_bytes().to_vec());
        secrets.push(format!("{:x}", v.to_bits()).into_bytes());
    }
    for secret in &secrets {
        for form in encodings(secret) {
            if form.len() < 6 {
                continue;
            }
            assert!(
                !log.contains(&form),
                "the log holds a secret as {form:?}:\n{log}"
            );
        }
    }
    crate::common::tools::note(&format!(
        "log: a trace-level log of a token sign-in, a write and a read of 24 points, a revoked token: {} lines, {} forms of {} secrets checked, none found",
        log.lines().count(),
        secrets.len() * 9,
        secrets.len()
    ));
}

#[test]
fn the_log_file_of_the_environment_needs_no_code() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("logfile");
    std::fs::create_dir_all(&dir).unwrap();
    let emu = emulator(Duration::from_secs(60));
    let exe = build("examples-c/quickstart.c");
    let run_with = |level: &str, file: &std::path::Path| {
        let _ = std::fs::remove_file(file);
        let out = Command::new(&exe)
            .arg(emu.addr().to_string())
            .env("MESH_CAPI_LOG", level)
            .env("MESH_CAPI_LOG_FILE", file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stdout(&out));
        assert!(
            out.stderr.is_empty(),
            "the library wrote to stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(file).unwrap_or_default()
    };
    let debug = run_with("debug", &dir.join("debug.log"));
    assert!(
        debug.contains(" INFO  mesh_capi::client::connection: connected to"),
        "{debug}"
    );
    assert!(
        debug.contains(" DEBUG mesh_capi::client::connection: StartSession: answered in"),
        "{debug}"
    );
    assert!(debug.contains("shutdown: stopping"), "{debug}");
    // Each line starts with its UTC time.
    assert!(
        debug.lines().all(|l| l.len() > 24 && &l[23..24] == "Z"),
        "{debug}"
    );
    let info = run_with("info", &dir.join("info.log"));
    assert!(
        info.contains("connected to") && !info.contains("DEBUG"),
        "{info}"
    );
    let bad = run_with("loud", &dir.join("bad.log"));
    assert!(
        bad.contains("MESH_CAPI_LOG=\"loud\" is not a level"),
        "a bad level is said in the log: {bad}"
    );
    assert!(
        bad.contains("connected to") && !bad.contains("DEBUG"),
        "{bad}"
    );
    crate::common::tools::note(&format!(
        "log: MESH_CAPI_LOG=debug MESH_CAPI_LOG_FILE=... quickstart:\n{debug}"
    ));
}

use std::path::PathBuf;
