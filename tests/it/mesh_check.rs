//! `tools/mesh-check`, the self-check users run against their own Mesh: a C
//! program on the C API, built here as users build it, run against the
//! emulator (plain, and TLS with a token) and against an address where
//! nothing listens. Its report names the server, the user, the models and
//! a series read, times every step, never shows the token, and it makes no
//! call that writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

use crate::common::bindings::tls_emulator;
use crate::common::{build, emulator, root, run, stdout, Emulator};

const SOURCE: &str = "tools/mesh-check/mesh-check.c";

/// The steps of a full run, in the order of the report.
const STEPS: &[&str] = &[
    "library version",
    "options",
    "connect",
    "server version and name",
    "identity",
    "open session",
    "list models",
    "read series",
    "close session",
];

/// Verbs of the Mesh methods that change something on the server.
const WRITE_VERBS: &[&str] = &[
    "Add", "Clone", "Commit", "Create", "Delete", "Revoke", "Rollback", "Update", "Write",
];

/// The program, compiled once for all these tests.
fn exe() -> PathBuf {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| build(SOURCE)).clone()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// Every method of Mesh's gRPC services, from the committed .proto files.
fn mesh_methods() -> Vec<String> {
    fn walk(dir: &Path, methods: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, methods);
            } else if path.extension().is_some_and(|e| e == "proto") {
                let text = std::fs::read_to_string(&path).unwrap();
                for line in text.lines() {
                    if let Some(rest) = line.trim().strip_prefix("rpc ") {
                        let name = rest.split('(').next().unwrap().trim();
                        methods.push(name.to_string());
                    }
                }
            }
        }
    }
    let mut methods = Vec::new();
    walk(&root().join("proto"), &mut methods);
    methods.sort();
    methods.dedup();
    assert!(methods.len() > 40, "{methods:?}");
    methods
}

/// Asserts the emulator saw reads only: no call of a method that writes
/// (named explicitly, and any method whose verb writes), and every call it
/// counted was of a known Mesh method.
#[track_caller]
fn assert_no_writes(emu: &Emulator) {
    for method in [
        "WriteTimeseries",
        "Commit",
        "Rollback",
        "UpdateObject",
        "CreateObject",
        "DeleteObject",
        "UpdateSimpleAttribute",
        "UpdateTimeseriesResource",
        "CreatePhysicalTimeseries",
    ] {
        assert_eq!(emu.calls(method), 0, "{method} called");
    }
    let methods = mesh_methods();
    let mut counted = 0;
    for method in &methods {
        let calls = emu.calls(method);
        counted += calls;
        if WRITE_VERBS.iter().any(|verb| method.starts_with(verb)) {
            assert_eq!(calls, 0, "{method}, which writes, was called");
        }
    }
    assert_eq!(counted, emu.total_calls(), "calls of methods not in proto/");
}

/// The numbered step lines of a report: (name, the rest of the line).
fn step_lines(report: &str) -> Vec<(String, String)> {
    report
        .lines()
        .filter_map(|line| {
            let (number, rest) = line.trim_start().split_once(". ")?;
            number.parse::<u32>().ok()?;
            let name = STEPS
                .iter()
                .chain(["kerberos"].iter())
                .find(|s| rest.starts_with(**s))?;
            Some((name.to_string(), rest[name.len()..].trim().to_string()))
        })
        .collect()
}

/// The time a step line shows, in ms, when it shows one.
fn step_ms(rest: &str) -> Option<f64> {
    let rest = rest.strip_suffix(" ms")?;
    rest.split_whitespace().last()?.parse().ok()
}

#[test]
fn checks_the_plain_emulator_reading_only() {
    let emu = emulator(Duration::from_secs(300));
    let address = emu.addr().to_string();
    let out = run(
        &exe(),
        &[
            &address,
            "--read",
            "Resource/Demo/Inflow",
            "--from",
            "2025-01-01",
            "--to=2025-01-08T00:00Z",
        ],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.starts_with("mesh-check report\n"), "{text}");
    let library = unsafe { std::ffi::CStr::from_ptr(crate::common::mesh_library_version()) }
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        text.contains(&format!("library:  mesh-capi {library} ")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "command:  mesh-check {address} --read Resource/Demo/Inflow --from 2025-01-01 --to=2025-01-08T00:00Z\n"
        )),
        "{text}"
    );
    // The server, the user, the models, the series.
    assert!(
        text.contains(&format!(
            "Mesh {}, \"Volue Mesh Server\"",
            mesh_emulator::DEFAULT_VERSION
        )),
        "{text}"
    );
    assert!(text.contains("display name: "), "{text}");
    assert!(text.contains("source:       mesh-emulator"), "{text}");
    assert!(
        text.contains(
            "2 models:\n          Model/SimpleThermalTestModel\n          Model/Utility\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("Resource/Demo/Inflow from 2025-01-01T00:00:00Z to 2025-01-08T00:00:00Z\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "168 points (0 missing or NaN), first at 2025-01-01T00:00:00Z, last at 2025-01-07T23:00:00Z"
        ),
        "{text}"
    );
    assert!(text.contains("closed without committing"), "{text}");
    // Every step, in order, OK with its time.
    let steps = step_lines(&text);
    let names: Vec<&str> = steps.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, STEPS, "{text}");
    for (name, rest) in &steps {
        assert!(rest.starts_with("OK "), "{name}: {rest}");
        let ms = step_ms(rest).unwrap_or_else(|| panic!("{name} shows no time: {rest}"));
        assert!((0.0..30_000.0).contains(&ms), "{name}: {rest}");
    }
    assert!(
        text.lines()
            .last()
            .unwrap()
            .starts_with(&format!("RESULT: OK, all {} steps passed in ", STEPS.len())),
        "{text}"
    );
    // Reads only, and the session is gone.
    assert_eq!(emu.calls("StartSession"), 1);
    assert_eq!(emu.calls("EndSession"), 1);
    assert_eq!(emu.calls("ListModels"), 1);
    assert_eq!(emu.calls("GetUserIdentity"), 1);
    assert!(emu.calls("ReadTimeseries") >= 1);
    assert_no_writes(&emu);
    assert_eq!(emu.open_sessions(), 0);

    // Without --from and --to, the last 7 days: the demo points are older,
    // so an hourly series has a week of missing hours there.
    let out = run(&exe(), &[&address, "--read", "Resource/Demo/Inflow"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(" points ("), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains(" points ("))
        .unwrap()
        .trim()
        .to_owned();
    let (count, rest) = line.split_once(" points (").unwrap();
    let missing = rest.split(' ').next().unwrap();
    assert_eq!(count, missing, "{text}");
    assert!(
        (167..=169).contains(&count.parse::<u32>().unwrap()),
        "{text}"
    );
    // Without --read, no read step.
    let out = run(&exe(), &[&address]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(!text.contains("read series"), "{text}");
    assert_eq!(step_lines(&text).len(), STEPS.len() - 1, "{text}");
    assert_no_writes(&emu);
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn a_series_not_found_fails_its_step_and_the_session_is_still_closed() {
    let emu = emulator(Duration::from_secs(300));
    let out = run(
        &exe(),
        &[&emu.addr().to_string(), "--read", "Resource/Demo/Missing"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(6), "MESH_ERROR_NOT_FOUND: {text}");
    let steps = step_lines(&text);
    let read = steps
        .iter()
        .find(|(name, _)| name == "read series")
        .unwrap();
    assert!(read.1.starts_with("FAILED "), "{text}");
    assert!(step_ms(&read.1).is_some(), "{text}");
    assert!(
        text.contains("MESH_ERROR_NOT_FOUND: mesh_timeseries_read_by_path"),
        "{text}"
    );
    assert!(text.contains("Resource/Demo/Missing"), "{text}");
    let close = steps
        .iter()
        .find(|(name, _)| name == "close session")
        .unwrap();
    assert!(close.1.starts_with("OK "), "{text}");
    assert!(
        text.contains(
            "RESULT: FAILED at read series: MESH_ERROR_NOT_FOUND; 8 passed, 1 failed, 0 skipped"
        ),
        "{text}"
    );
    assert_no_writes(&emu);
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn tls_with_a_token_shows_the_user_and_never_the_token() {
    const TOKEN: &str = "mesh-check-Secret-7f3a9c1e";
    const USER: &str = "Ola Nordmann";
    let (emu, root_pem) = tls_emulator(&[TOKEN], USER, "mesh_check_root.pem");
    let root_pem = root_pem.to_str().unwrap().to_owned();
    let address = format!("https://{}", emu.addr());
    let report = scratch("mesh_check_tls_report.txt");
    let _ = std::fs::remove_file(&report);
    let tls = [
        "--tls-root",
        root_pem.as_str(),
        "--server-name",
        "mesh.example",
    ];
    let never_the_token = |out: &Output, file: Option<&Path>| {
        let mut everything = stdout(out) + &stderr(out);
        if let Some(file) = file {
            everything += &std::fs::read_to_string(file).unwrap();
        }
        assert!(
            !everything.contains(TOKEN),
            "the token shows:\n{everything}"
        );
        // Nor a good part of it.
        assert!(!everything.contains(&TOKEN[5..20]), "{everything}");
    };

    // The token on the command line.
    let mut args = vec![address.as_str()];
    args.extend(tls);
    args.extend(["--token", TOKEN, "--report", report.to_str().unwrap()]);
    let out = run(&exe(), &args);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(&format!("display name: {USER}\n")), "{text}");
    assert!(
        text.contains(&format!("identifier:   {}\n", USER.to_lowercase())),
        "{text}"
    );
    assert!(text.contains(" --token <token> "), "{text}");
    assert!(text.contains("TLS\n"), "{text}");
    assert!(
        text.contains(&format!("trusting the root certificate in {root_pem}")),
        "{text}"
    );
    assert!(
        text.contains("certificate checked for mesh.example"),
        "{text}"
    );
    assert_eq!(std::fs::read_to_string(&report).unwrap(), text);
    never_the_token(&out, Some(&report));

    // --token=TOKEN
    let mut args = vec![address.as_str()];
    args.extend(tls);
    let inline = format!("--token={TOKEN}");
    args.push(&inline);
    let out = run(&exe(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(" --token=<token>"),
        "{}",
        stdout(&out)
    );
    never_the_token(&out, None);

    // The token in a file, with a line end after it.
    let token_file = scratch("mesh_check_token.txt");
    std::fs::write(&token_file, format!("{TOKEN}\r\n")).unwrap();
    let mut args = vec![address.as_str()];
    args.extend(tls);
    args.extend(["--token-file", token_file.to_str().unwrap()]);
    let out = run(&exe(), &args);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains(&format!("display name: {USER}\n")), "{text}");
    assert!(
        text.contains(&format!(
            "sign-in: the access token in {}",
            token_file.display()
        )),
        "{text}"
    );
    never_the_token(&out, None);

    // A token file that is not there: the options step fails, nothing is tried.
    let calls = emu.total_calls();
    let missing = scratch("mesh_check_no_such_token.txt");
    let _ = std::fs::remove_file(&missing);
    let mut args = vec![address.as_str()];
    args.extend(tls);
    args.extend(["--token-file", missing.to_str().unwrap()]);
    let out = run(&exe(), &args);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let steps = step_lines(&text);
    assert!(steps[1].1.starts_with("FAILED "), "{text}");
    assert!(
        text.contains(&format!(
            "MESH_ERROR_INVALID_ARGUMENT: cannot read the token from {}",
            missing.display()
        )),
        "{text}"
    );
    assert!(steps[2].1.starts_with("SKIPPED"), "{text}");
    assert_eq!(emu.total_calls(), calls);

    // A token the server refuses: 9, MESH_ERROR_UNAUTHENTICATED.
    let wrong = format!("{TOKEN}-expired");
    let mut args = vec![address.as_str()];
    args.extend(tls);
    args.extend(["--token", wrong.as_str()]);
    let out = run(&exe(), &args);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(9), "{text}");
    assert!(text.contains("MESH_ERROR_UNAUTHENTICATED"), "{text}");
    assert!(!text.contains(&wrong[5..20]), "{text}");

    // Without the server name the certificate does not match: 12, MESH_ERROR_TLS.
    let out = run(
        &exe(),
        &[&address, "--tls-root", &root_pem, "--token", TOKEN],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(12), "{text}");
    assert!(text.contains("hint: the TLS handshake failed"), "{text}");
    never_the_token(&out, None);

    assert_no_writes(&emu);
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn nothing_listening_fails_the_connect_step_and_the_report_file_says_the_same() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let report = scratch("mesh_check_unavailable_report.txt");
    let _ = std::fs::remove_file(&report);
    let out = run(
        &exe(),
        &[
            &address,
            "--connect-timeout-ms",
            "3000",
            "--read",
            "Resource/Demo/Inflow",
            "--report",
            report.to_str().unwrap(),
        ],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(7), "MESH_ERROR_UNAVAILABLE: {text}");
    let steps = step_lines(&text);
    let names: Vec<&str> = steps.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, STEPS, "{text}");
    let connect = &steps[2].1;
    assert!(connect.starts_with("FAILED "), "{text}");
    assert!(step_ms(connect).is_some(), "{text}");
    // The status and the library's own message, which names the address.
    assert!(
        text.contains("MESH_ERROR_UNAVAILABLE: mesh_connection_open: "),
        "{text}"
    );
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(
        text.contains("hint: nothing answered at this address"),
        "{text}"
    );
    assert!(text.contains("connect timeout 3000 ms"), "{text}");
    for (name, rest) in &steps[3..] {
        assert!(rest.starts_with("SKIPPED"), "{name}: {rest}");
    }
    assert!(
        text.contains(
            "RESULT: FAILED at connect: MESH_ERROR_UNAVAILABLE; 2 passed, 1 failed, 6 skipped, "
        ),
        "{text}"
    );
    assert!(text.trim_end().ends_with("exit code 7"), "{text}");
    assert_eq!(std::fs::read_to_string(&report).unwrap(), text);
}

#[test]
fn help_and_a_bad_command_line() {
    let out = run(&exe(), &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("usage: mesh-check ADDRESS [options]"),
        "{text}"
    );
    for option in [
        "--tls-root FILE",
        "--server-name NAME",
        "--token TOKEN",
        "--token-file FILE",
        "--kerberos SERVICE_PRINCIPAL",
        "--kerberos-user USER",
        "--read PATH",
        "--from DATE",
        "--connect-timeout-ms N",
        "--call-timeout-ms N",
        "--report FILE",
        "--help",
    ] {
        assert!(text.contains(option), "{option} missing from:\n{text}");
    }
    // Bad command lines: 1 (MESH_ERROR_INVALID_ARGUMENT), said on stderr,
    // nothing tried.
    for args in [
        &[][..],
        &["127.0.0.1:1", "--frobnicate"][..],
        &["127.0.0.1:1", "--read"][..],
        &["127.0.0.1:1", "--call-timeout-ms", "0"][..],
        &["127.0.0.1:1", "--read", "A/B", "--from", "2025-02-30"][..],
        &[
            "127.0.0.1:1",
            "--read",
            "A/B",
            "--from",
            "2025-02-01",
            "--to",
            "2025-01-01",
        ][..],
        &["127.0.0.1:1", "--token", "x", "--token-file", "y"][..],
        &["127.0.0.1:1", "127.0.0.2:1"][..],
    ] {
        let out = run(&exe(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stdout(&out).is_empty(), "{args:?}");
        assert!(stderr(&out).starts_with("mesh-check: "), "{args:?}");
    }
}

#[test]
fn kerberos_is_a_step_that_fails_clearly_where_it_cannot_work() {
    let emu = emulator(Duration::from_secs(300));
    // A plain address: Kerberos cannot work there even where it is built
    // in; without it, the library says so. No ticket is asked for either way.
    let out = Command::new(exe())
        .args([
            &emu.addr().to_string(),
            "--kerberos",
            "HTTP/mesh.example",
            "--kerberos-user",
            "nobody@EXAMPLE.COM",
        ])
        .env("KRB5CCNAME", scratch("mesh_check_no_ccache").as_os_str())
        .output()
        .unwrap();
    let text = stdout(&out);
    let code = out.status.code().expect("exited, not crashed");
    assert!((1..=19).contains(&code), "{code}: {text}");
    assert!(text.contains("sign-in: Kerberos for HTTP/mesh.example as nobody@EXAMPLE.COM"));
    let steps = step_lines(&text);
    if crate::common::mesh_library_has_kerberos() == 0 {
        let kerberos = steps.iter().find(|(name, _)| name == "kerberos").unwrap();
        assert!(kerberos.1.starts_with("FAILED "), "{text}");
        assert!(
            text.contains("MESH_ERROR_INVALID_ARGUMENT: mesh_options_set_kerberos"),
            "{text}"
        );
        assert!(text.contains("mesh_library_has_kerberos() is 0"), "{text}");
        assert!(text.contains("Kerberos not built in"), "{text}");
        assert_eq!(code, 1, "{text}");
        let connect = steps.iter().find(|(name, _)| name == "connect").unwrap();
        assert!(connect.1.starts_with("SKIPPED"), "{text}");
    } else {
        // Built in: the step passes, and connecting refuses a plain address.
        assert!(text.contains("Kerberos built in"), "{text}");
        let kerberos = steps.iter().find(|(name, _)| name == "kerberos").unwrap();
        assert!(kerberos.1.starts_with("OK "), "{text}");
        let connect = steps.iter().find(|(name, _)| name == "connect").unwrap();
        assert!(connect.1.starts_with("FAILED "), "{text}");
        assert!(
            text.contains("MESH_ERROR_INVALID_ARGUMENT: mesh_connection_open"),
            "{text}"
        );
        assert_eq!(code, 1, "{text}");
    }
    assert!(text.contains("RESULT: FAILED at "), "{text}");
    assert_eq!(emu.calls("StartSession"), 0);
    assert_no_writes(&emu);
}
