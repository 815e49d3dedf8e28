//! C hosts under memory checkers: a multi-threaded host (`tests/c/threads.c`)
//! that frees its callbacks' user data right after close, detach or
//! clearing, while the server restarts under it, built with AddressSanitizer
//! and run under valgrind; a host of asynchronous calls
//! (`tests/c/operations.c`) that finishes, cancels and frees them racing
//! their completion and shuts down with some pending, likewise; and the C
//! examples built with AddressSanitizer (valgrind runs them in
//! `c_programs.rs`). A callback run after its user
//! data was freed is a use after free either checker reports.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::tools::{have, skip};
use crate::common::{emulator, link_args, root, stdout};

/// One checked run at a time: each is heavy, and the machine may be small.
static SERIAL: Mutex<()> = Mutex::new(());

/// Compiles `source` with AddressSanitizer and UndefinedBehaviorSanitizer,
/// or `None` when the compiler cannot.
fn build_asan(source: &str) -> Option<PathBuf> {
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c-asan");
    std::fs::create_dir_all(&out_dir).unwrap();
    let exe = out_dir.join(Path::new(source).file_stem().unwrap());
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let output = Command::new(&cc)
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-g"])
        .args(["-fsanitize=address,undefined", "-fno-omit-frame-pointer"])
        .args(["-fno-sanitize-recover=all", "-pthread"])
        .arg("-I")
        .arg(root().join("include"))
        .arg(root().join(source))
        .arg("-o")
        .arg(&exe)
        .args(link_args())
        .output()
        .ok()?;
    if !output.status.success() {
        let text = String::from_utf8_lossy(&output.stderr);
        // A compiler without the sanitizer runtimes is a skip (a failure where
        // MESH_REQUIRE_TOOLS is set), not a compile error.
        assert!(
            text.contains("asan") || text.contains("ubsan") || text.contains("sanitize"),
            "{source} did not compile:\n{text}"
        );
        return None;
    }
    Some(exe)
}

/// Runs `command` while the emulator restarts every `every` (sessions lost,
/// expired callbacks firing), and returns its output.
fn run_through_restarts(
    mut command: Command,
    emu: &crate::common::Emulator,
    every: Duration,
) -> Output {
    let done = Arc::new(AtomicBool::new(false));
    std::thread::scope(|s| {
        let restarts = {
            let done = done.clone();
            s.spawn(move || {
                let mut n = 0;
                while !done.load(Ordering::SeqCst) {
                    std::thread::sleep(every);
                    if !done.load(Ordering::SeqCst) {
                        emu.restart().unwrap();
                        n += 1;
                    }
                }
                n
            })
        };
        let output = command.output().unwrap();
        done.store(true, Ordering::SeqCst);
        let n = restarts.join().unwrap();
        eprintln!(
            "{} restarts\n{}{}",
            n,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    })
}

fn assert_clean(what: &str, output: &Output) {
    use std::os::unix::process::ExitStatusExt;
    let text = stdout(output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{what} (signal {:?}):\n{text}\n{}",
        output.status.signal(),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains(" 0 unexpected statuses"), "{what}: {text}");
    assert!(
        !text.starts_with("0 sessions"),
        "{what} did nothing: {text}"
    );
}

#[test]
fn the_threaded_host_is_clean_under_address_sanitizer() {
    let _serial = SERIAL.lock();
    let Some(exe) = build_asan("tests/c/threads.c") else {
        return skip("the C compiler has no AddressSanitizer");
    };
    let emu = emulator(Duration::from_secs(1));
    let mut command = Command::new(exe);
    command
        .args([&emu.addr().to_string(), "4", "6"])
        .env("ASAN_OPTIONS", "abort_on_error=0:exitcode=99");
    let output = run_through_restarts(command, &emu, Duration::from_millis(600));
    assert_clean("threads under ASan", &output);
}

#[test]
fn the_threaded_host_is_clean_under_valgrind() {
    let _serial = SERIAL.lock();
    if !have("valgrind") {
        return skip("valgrind is not installed: the threaded host was not checked");
    }
    let exe = crate::common::build("tests/c/threads.c");
    let emu = emulator(Duration::from_secs(1));
    let mut command = Command::new("valgrind");
    command
        .args([
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
            "--quiet",
        ])
        .arg(exe)
        .args([&emu.addr().to_string(), "4", "3"]);
    let output = run_through_restarts(command, &emu, Duration::from_millis(1500));
    assert_clean("threads under valgrind", &output);
}

/// Asserts the operations host (`tests/c/operations.c`) ended cleanly.
fn assert_operations_clean(what: &str, output: &Output) {
    let text = stdout(output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{what}:\n{text}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains(" 0 unexpected"), "{what}: {text}");
    assert!(text.contains("shutdown: "), "{what}: {text}");
}

#[test]
fn the_host_of_operations_is_clean_under_address_sanitizer() {
    let _serial = SERIAL.lock();
    let Some(exe) = build_asan("tests/c/operations.c") else {
        return skip("the C compiler has no AddressSanitizer");
    };
    let emu = emulator(Duration::from_secs(60));
    let output = Command::new(exe)
        .args([&emu.addr().to_string(), "4"])
        .env("ASAN_OPTIONS", "abort_on_error=0:exitcode=99")
        .output()
        .unwrap();
    eprintln!("{}", stdout(&output));
    assert_operations_clean("operations under ASan", &output);
}

#[test]
fn the_host_of_operations_is_clean_under_valgrind() {
    let _serial = SERIAL.lock();
    if !have("valgrind") {
        return skip("valgrind is not installed: the host of operations was not checked");
    }
    let exe = crate::common::build("tests/c/operations.c");
    let emu = emulator(Duration::from_secs(60));
    let output = Command::new("valgrind")
        .args([
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
            "--quiet",
        ])
        .arg(exe)
        .args([&emu.addr().to_string(), "2"])
        .output()
        .unwrap();
    eprintln!("{}", stdout(&output));
    assert_operations_clean("operations under valgrind", &output);
}

#[test]
fn the_c_examples_are_clean_under_address_sanitizer() {
    let _serial = SERIAL.lock();
    let emu = emulator(Duration::from_secs(300));
    for example in [
        "examples-c/quickstart.c",
        "examples-c/timeseries.c",
        "examples-c/async.c",
    ] {
        let Some(exe) = build_asan(example) else {
            return skip("the C compiler has no AddressSanitizer");
        };
        let output = Command::new(exe)
            .arg(emu.addr().to_string())
            .env("ASAN_OPTIONS", "exitcode=99")
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{example} under ASan:\n{}{}",
            stdout(&output),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
