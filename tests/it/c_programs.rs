//! The C examples and test programs, compiled with the system C compiler
//! against the committed header and the freshly built shared library, run as
//! separate processes against an emulator over TCP.

use std::process::Command;
use std::time::Duration;

use crate::common::examples::{
    assert_prints, check_tls_token, AVAILABILITY_PRINTS, CALCULATIONS_PRINTS, MODEL_PRINTS,
    TLS_TOKEN, TLS_USER,
};
use crate::common::tools::{have, skip};
use crate::common::{build, emulator, root, run, stdout};

#[test]
fn header_compiles_as_c_and_cpp() {
    for (compiler, lang) in [("cc", "c"), ("c++", "c++")] {
        let Ok(out) = Command::new(compiler)
            .args(["-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-x", lang])
            .arg(root().join("include/mesh_capi.h"))
            .output()
        else {
            skip(&format!(
                "{compiler} not found: the header was not compiled as {lang}"
            ));
            continue;
        };
        assert!(
            out.status.success(),
            "{lang}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn quickstart_runs() {
    let emu = emulator(Duration::from_secs(300));
    let out = run(
        &build("examples-c/quickstart.c"),
        &[&emu.addr().to_string()],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("Mesh 2.21.0"), "{text}");
    assert!(text.contains("opened session "), "{text}");
    assert!(
        text.contains("committed") && text.contains("closed"),
        "{text}"
    );
    assert_eq!(emu.calls("Commit"), 1);
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn quickstart_exit_code_is_the_status() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = run(
        &build("examples-c/quickstart.c"),
        &[&format!("127.0.0.1:{port}")],
    );
    assert_eq!(out.status.code(), Some(7), "MESH_ERROR_UNAVAILABLE");
    assert!(String::from_utf8_lossy(&out.stderr).contains("MESH_ERROR_UNAVAILABLE"));
}

#[test]
fn sessions_shows_the_three_ways() {
    let emu = emulator(Duration::from_secs(300));
    let out = run(&build("examples-c/sessions.c"), &[&emu.url()]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("1. open and close"), "{text}");
    assert!(text.contains("2. a block of work"), "{text}");
    assert!(
        text.contains("not open any more: MESH_ERROR_SESSION_NOT_FOUND: "),
        "{text}"
    );
    assert!(text.contains("} not found."), "{text}");
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn a_session_crosses_processes() {
    let emu = emulator(Duration::from_secs(300));
    let address = emu.addr().to_string();
    // Process A opens and detaches.
    let a = run(&build("examples-c/detach.c"), &[&address]);
    assert_eq!(a.status.code(), Some(0));
    let id = stdout(&a).trim().to_owned();
    assert_eq!(id.len(), 36);
    assert_eq!(emu.open_sessions(), 1);
    // Process B attaches (braced, upper case, as .NET writes it) and closes.
    let attach = build("examples-c/attach.c");
    let braced = format!("{{{}}}", id.to_uppercase());
    let b = run(&attach, &[&address, &braced, "close"]);
    assert_eq!(b.status.code(), Some(0));
    assert!(stdout(&b).contains(&format!("closed {id}")));
    assert_eq!(emu.open_sessions(), 0);
    // Now the id is gone.
    let c = run(&attach, &[&address, &id]);
    assert_eq!(c.status.code(), Some(4), "MESH_ERROR_SESSION_NOT_FOUND");
    assert!(stdout(&c).contains("MESH_ERROR_SESSION_NOT_FOUND"));
}

#[test]
fn tls_token_connects_with_a_root_certificate_and_a_token() {
    let (emu, root) =
        crate::common::bindings::tls_emulator(&[TLS_TOKEN], TLS_USER, "tls_token_root.pem");
    let exe = build("examples-c/tls_token.c");
    let address = format!("https://{}", emu.addr());
    check_tls_token(|args| run(&exe, args), &address, root.to_str().unwrap());
}

#[test]
fn model_walks_searches_and_shows_isolation() {
    let emu = emulator(Duration::from_secs(300));
    let out = run(&build("examples-c/model.c"), &[&emu.addr().to_string()]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_prints(&text, MODEL_PRINTS);
    assert!(!text.contains("key 0"), "{text}");
    // The change and the restore.
    assert_eq!(emu.calls("Commit"), 2);
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn availability_plans_lists_reads_and_removes_an_outage() {
    let emu = emulator(Duration::from_secs(300));
    let out = run(
        &build("examples-c/availability.c"),
        &[&emu.addr().to_string()],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_prints(&stdout(&out), AVAILABILITY_PRINTS);
    // The plan and the removal.
    assert_eq!(emu.calls("Commit"), 2);
    assert_eq!(emu.calls("CreateRevision"), 1);
    assert_eq!(emu.calls("AddRevisionRecurrence"), 1);
    assert_eq!(emu.calls("SearchInstances"), 1);
    assert_eq!(emu.calls("GetAvailabilityEvent"), 1);
    assert_eq!(emu.calls("DeleteAvailabilityEventsById"), 1);
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn availability_exit_code_is_the_status() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = run(
        &build("examples-c/availability.c"),
        &[&format!("127.0.0.1:{port}")],
    );
    assert_eq!(out.status.code(), Some(7), "MESH_ERROR_UNAVAILABLE");
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("mesh_connection_open failed: MESH_ERROR_UNAVAILABLE"));
}

#[test]
fn async_reads_in_flight_polls_and_cancels() {
    let emu = emulator(Duration::from_secs(60));
    let out = run(&build("examples-c/async.c"), &[&emu.addr().to_string()]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    for day in 0..7 {
        assert!(text.contains(&format!("day {day}: MESH_OK")), "{text}");
    }
    let week: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("a week in 7 reads at once: "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        text.contains(&format!("the week in one read: {week} points")),
        "seven reads of a day and one of the week disagree:\n{text}"
    );
    assert!(
        text.contains("commit cancelled: MESH_ERROR_CANCELLED")
            || text.contains("commit cancelled: MESH_OK"),
        "{text}"
    );
}

#[test]
fn calculations_sum_days_and_read_a_calculated_attribute() {
    let emu = emulator(Duration::from_secs(300));
    let out = run(
        &build("examples-c/calculations.c"),
        &[&emu.addr().to_string()],
    );
    // 100: a daily sum differed from the sum of its hours.
    assert_eq!(out.status.code(), Some(0));
    assert_prints(&stdout(&out), CALCULATIONS_PRINTS);
    assert_eq!(emu.calls("ReadTransformedTimeseries"), 1);
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn c_examples_are_clean_under_valgrind() {
    if !have("valgrind") {
        return skip("valgrind not installed: the C examples were not checked for memory errors");
    }
    let emu = emulator(Duration::from_secs(300));
    let address = emu.addr().to_string();
    // Runs an example under valgrind (with `extra` options), asserting a
    // clean exit; its stdout.
    let valgrind_with = |extra: &[&str], example: &str, args: &[&str]| {
        let exe = build(example);
        let out = Command::new("valgrind")
            .args([
                "--error-exitcode=99",
                "--leak-check=full",
                "--errors-for-leak-kinds=definite",
                "--quiet",
            ])
            .args(extra)
            .arg(&exe)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{example} {args:?} under valgrind:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout(&out)
    };
    let valgrind = |example: &str, args: &[&str]| valgrind_with(&[], example, args);
    for example in [
        "examples-c/quickstart.c",
        "examples-c/timeseries.c",
        "examples-c/model.c",
        "examples-c/calculations.c",
        "examples-c/availability.c",
        "examples-c/async.c",
    ] {
        valgrind(example, &[&address]);
    }
    valgrind("examples-c/sessions.c", &[&emu.url()]);
    // A session detached by one process and closed by another.
    let id = valgrind("examples-c/detach.c", &[&address])
        .trim()
        .to_owned();
    assert_eq!(id.len(), 36, "{id}");
    valgrind("examples-c/attach.c", &[&address, &id, "close"]);
    assert_eq!(emu.open_sessions(), 0);
    let (tls, ca_file) = crate::common::bindings::tls_emulator(
        &["demo-token"],
        "Demo User",
        "tls_token_valgrind_root.pem",
    );
    // What memcheck cannot follow in the TLS library's AES-GCM (the file
    // says what and why).
    let suppressions = format!(
        "--suppressions={}",
        root().join("tests/valgrind/ring-aes-gcm.supp").display()
    );
    let out = valgrind_with(
        &[&suppressions],
        "examples-c/tls_token.c",
        &[
            &format!("https://{}", tls.addr()),
            ca_file.to_str().unwrap(),
            "demo-token",
            "mesh.example",
        ],
    );
    assert!(out.contains("connected over TLS as Demo User"), "{out}");
}
