//! The C examples and test programs, compiled with the system C compiler
//! against the committed header and the freshly built shared library, run as
//! separate processes against an emulator over TCP.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{build, emulator, root, run, stdout};

#[test]
fn header_compiles_as_c_and_cpp() {
    for (compiler, lang) in [("cc", "c"), ("c++", "c++")] {
        let Ok(out) = Command::new(compiler)
            .args(["-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-x", lang])
            .arg(root().join("include/mesh_capi.h"))
            .output()
        else {
            eprintln!("SKIPPED: {compiler} not found");
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
        common::bindings::tls_emulator(&["demo-token"], "Demo User", "tls_token_root.pem");
    let exe = build("examples-c/tls_token.c");
    let address = format!("https://{}", emu.addr());
    let root = root.to_str().unwrap();
    let out = run(&exe, &[&address, root, "demo-token", "mesh.example"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("connected over TLS as Demo User"));
    assert!(stdout(&out).contains("closed"));
    let out = run(&exe, &[&address, root, "wrong-token", "mesh.example"]);
    assert_eq!(out.status.code(), Some(9), "MESH_ERROR_UNAUTHENTICATED");
    let out = run(&exe, &[&address, root, "demo-token"]);
    assert_eq!(out.status.code(), Some(12), "MESH_ERROR_TLS: name mismatch");
}

#[test]
fn model_walks_searches_and_shows_isolation() {
    let emu = emulator(Duration::from_secs(300));
    let out = run(&build("examples-c/model.c"), &[&emu.addr().to_string()]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for expected in [
        "2 models:",
        "  SimpleThermalTestModel (SimpleThermalTestRepository)",
        "      SomePowerPlant1 (PlantElementType)",
        "        SomePowerPlantChimney1 (ChimneyElementType)",
        "        SomePowerPlantChimney2 (ChimneyElementType)",
        "search *[.Type=ChimneyElementType] from Model/SimpleThermalTestModel/ThermalComponent: 2 objects",
        "SomePowerPlant1.PlantToChimneyRef/SomePowerPlantChimney2\n",
        "  DblAtt                           double = 1000\n",
        "  BoolArrayAtt                     bool collection = false, true, false, true, false\n",
        "  UtcDateTimeAtt                   UTC time = 2022-05-10T07:24:15Z\n",
        "first session reads DblAtt = 1234.5\n",
        "second session before commit reads DblAtt = 1000\n",
        "second session after commit reads DblAtt = 1234.5\n",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    // The change and the restore.
    assert_eq!(emu.calls("Commit"), 2);
    assert_eq!(emu.open_sessions(), 0);
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
    let text = stdout(&out);
    for expected in [
        "daily sums of Resource/Demo/Inflow, calculated (@TRANSFORM): 7 days\n",
        "daily sums of Resource/Demo/Inflow, transformed read by key: 2 days\n",
        "  2025-01-01 00:00 ",
        "  2025-01-07 00:00 ",
        "SomePowerPlant1.TsCalcAtt (calculated when read):\n",
        "  2016-01-01 01:00    1001.000\n",
        "  2016-01-01 09:00    1009.000\n",
        "sum of SomePowerPlant1.TsRawAtt = 41\n",
        "running ## = @t('.TsRawAtt') * 2 + @d('.DblAtt')\n",
        "  2016-01-01 03:00    1006.000\n",
        "done\n",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    assert_eq!(emu.calls("ReadTransformedTimeseries"), 1);
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn c_examples_are_clean_under_valgrind() {
    if Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!(
            "SKIPPED: valgrind not installed: the C examples were not checked for memory errors"
        );
        return;
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
    let (tls, ca_file) =
        common::bindings::tls_emulator(&["demo-token"], "Demo User", "tls_token_valgrind_root.pem");
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
