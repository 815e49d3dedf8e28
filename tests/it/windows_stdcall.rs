//! The 32-bit DLL's stdcall twins, called as 32-bit VBA calls them, under
//! 32-bit Wine: `tests/windows/stdcall_host.c`, cross-built with
//! i686-w64-mingw32-gcc, loads mesh_capi.dll by name, finds each twin by its
//! export name (as VBA's `Declare ... Alias "mesh_..._stdcall"` does) and
//! calls it through a pointer declared `__stdcall` by hand, checking ESP and
//! a canary on the stack around every call; against an emulator on
//! 127.0.0.1 with the demo catalog it writes, reads back and commits points,
//! goes through the (buf, cap, len_out) texts and an error; then, through
//! the asynchronous twins as VBA uses them (start, poll, finish), opens a
//! second connection and session, reads the committed points in the
//! background polling `mesh_operation_is_done_stdcall`, fails at finish,
//! cancels a commit, frees a read unfinished and closes the session; and
//! closes down.
//! What it committed is then read natively, so the 64-bit keys and times
//! it passed among 32-bit arguments are known to have arrived intact.
//! (`windows.rs` checks the twins' exports and `ret N` statically.)
//!
//! Needs the rustup target `i686-pc-windows-gnu`, mingw-w64 and 32-bit Wine
//! (`wine32:i386` on Debian; `.ci/run` installs them); without them the test
//! says SKIPPED and passes, or fails where `MESH_REQUIRE_TOOLS` is set.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::points::{read_ok, Cols, SUSPECT};
use crate::common::tools::note;
use crate::common::*;
use crate::windows::{
    dll, mingw, mingw_build, missing_toolchain, skip, text, wait_for, wine_command, X86,
};
use mesh_status::*;

/// The interval the program writes (2030-01-01T00:00Z, five hours) in the
/// demo catalog's breakpoint series, key 1.
const START_MS: i64 = 1_893_456_000_000;
const HOUR_MS: i64 = 3_600_000;
const END_MS: i64 = START_MS + 5 * HOUR_MS;
const KEY: i64 = 1;

/// Wine's 32-bit loader, if installed: an ELF32 executable (Debian's
/// `wine32:i386` puts it at /usr/lib/wine/wine; `/usr/bin/wine` there is a
/// script that runs it when present, else the 64-bit loader, which cannot
/// run a 32-bit program by itself).
fn wine32() -> Option<PathBuf> {
    [
        "/usr/lib/wine/wine",
        "/usr/bin/wine32",
        "/usr/lib/wine/wine32",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| is_elf32(p))
}

fn is_elf32(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 5];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| head == [0x7f, b'E', b'L', b'F', 1])
}

/// A 32-bit Wine prefix of its own (the 64-bit tests' prefix may predate
/// 32-bit Wine); `wineboot --init` makes it or brings it up to date.
fn wine32_prefix() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wineprefix32")
}

fn wine32_env(command: &mut Command) -> &mut Command {
    command
        .env("WINEPREFIX", wine32_prefix())
        .env("WINEARCH", "win32")
        .env("WINEDEBUG", "-all")
        .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
}

/// The 32-bit ProcessPrng shim (see `windows.rs`). A 32-bit `WINAPI`
/// export is named `ProcessPrng@8` unless `--kill-at` drops the decoration,
/// and the DLL imports `ProcessPrng`.
fn shim32(out: &Path) {
    let gcc = format!("{}-gcc", mingw(X86));
    let output = Command::new(&gcc)
        .args(["-O2", "-shared", "-Wall", "-Werror", "-Wl,--kill-at", "-o"])
        .arg(out)
        .arg(root().join("tests/windows/processprng_shim.c"))
        .arg("-ladvapi32")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {gcc}: {e}"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The points the program leaves committed: its second write.
fn committed() -> Cols {
    Cols::new(
        (0..4).map(|i| START_MS + i * HOUR_MS).collect(),
        vec![SUSPECT, 0, 0, 0],
        (0..4).map(|i| -1000.125 + i as f64 * 0.5).collect(),
    )
}

#[test]
fn stdcall_twins_run_under_32_bit_wine_as_vba_calls_them() {
    if let Some(why) = missing_toolchain(X86) {
        return skip("Windows i686 under 32-bit Wine", &why);
    }
    let Some(wine) = wine32() else {
        return skip(
            "Windows i686 under 32-bit Wine",
            "32-bit Wine not installed (dpkg --add-architecture i386 && apt-get update \
             && apt-get install wine32:i386)",
        );
    };

    let started = Instant::now();
    let built = dll(X86);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wine32-run");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(built.join("mesh_capi.dll"), dir.join("mesh_capi.dll")).unwrap();
    shim32(&dir.join("bcryptprimitives.dll"));
    // No import library: the program finds every function by name.
    let exe = dir.join("stdcall_host.exe");
    mingw_build(
        X86,
        &[&root().join("tests/windows/stdcall_host.c")],
        &[],
        &exe,
    );
    let mut boot = Command::new(&wine);
    wine32_env(boot.args(["wineboot", "--init"]));
    let out = wait_for(boot, Duration::from_secs(180));
    assert!(
        out.status.success(),
        "wineboot failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    note(&format!(
        "32-bit DLL, program and Wine prefix ready in {:.1?}",
        started.elapsed()
    ));

    let emu = emulator(Duration::from_secs(300));
    let address = emu.addr().to_string();
    let ran = Instant::now();
    let mut command = wine_command(&wine, &exe);
    wine32_env(command.arg(&address));
    let out = wait_for(command, Duration::from_secs(180));
    let stdout = text(&out);
    eprintln!(
        "$ wine stdcall_host.exe {address}  ({:.1?})\n{stdout}{}",
        ran.elapsed(),
        String::from_utf8_lossy(&out.stderr)
    );
    note(&format!(
        "stdcall_host.exe ran under 32-bit Wine in {:.1?}",
        ran.elapsed()
    ));
    assert_eq!(out.status.code(), Some(0), "{stdout}");

    // What a native connection reports, to compare with what the program
    // printed.
    let connection = connect(&address);
    let mut version = [0 as std::ffi::c_char; 64];
    let mut len = 0usize;
    check(
        unsafe {
            mesh_connection_server_version(
                connection,
                version.as_mut_ptr(),
                version.len(),
                &mut len,
            )
        },
        MESH_OK,
    );
    let version = unsafe { std::ffi::CStr::from_ptr(version.as_ptr()) }
        .to_string_lossy()
        .into_owned();

    let lines: Vec<&str> = stdout.lines().collect();
    let mut expected = vec![
        "loaded: mesh_capi.dll, 40 stdcall twins found by their export names".to_string(),
        "convention: mesh_status_name_stdcall pops its 4 argument bytes (ESP +0); \
         cdecl mesh_status_name leaves them (ESP -4, VBA's error 49)"
            .to_string(),
        format!(
            "version: {} (mesh_library_check_version_stdcall: MESH_OK)",
            env!("CARGO_PKG_VERSION")
        ),
        "options: new, connect timeout 10000 ms, call timeout 60000 ms".to_string(),
        format!("connection: open to {address}"),
        "options: freed; used again: MESH_ERROR_INVALID_HANDLE".to_string(),
        format!(
            "server version: {version} (len {len}; cap 0 and cap {len}: \
             MESH_ERROR_BUFFER_TOO_SMALL, buffer untouched)"
        ),
    ];
    let session = lines
        .iter()
        .find_map(|l| l.strip_prefix("session: open, id "))
        .unwrap_or_else(|| panic!("no session id in:\n{stdout}"));
    assert_eq!(session.len(), 36, "{session}");
    expected.push(format!("session: open, id {session}"));
    expected.extend(
        [
            "write by key 1: 5 points",
            "read by path Resource/Demo/Readings: 5 points match \
             (values 10.5 10.75 11 11.25 11.5; flags 0x0 0x0 0x2000000 0x0 0x0)",
            "write by path Resource/Demo/Readings: 4 points",
            "read by key 1: 4 points match \
             (values -1000.12 -999.625 -999.125 -998.625; flags 0x2000000 0x0 0x0 0x0)",
            "points: freed; freed again: MESH_ERROR_INVALID_HANDLE",
            "commit: MESH_OK",
        ]
        .map(String::from),
    );
    // The unknown key 2^32 + 7: both halves of the 64-bit argument arrived.
    let error = lines
        .iter()
        .find_map(|l| l.strip_prefix("error: MESH_ERROR_NOT_FOUND: "))
        .unwrap_or_else(|| panic!("no error line in:\n{stdout}"));
    assert!(error.contains("key 4294967303 not found"), "{error}");
    expected.push(format!("error: MESH_ERROR_NOT_FOUND: {error}"));
    expected.push(format!(
        "error message: {} bytes; cap 0 gives the length, cap 8 the first 7 and a NUL",
        error.len()
    ));
    // The asynchronous twins: the read polled until done, in another
    // session, gives the committed points; the error arrives at finish; the
    // commit cancelled right after its start either got through first or not.
    expected.extend(
        [
            "async connection: start, finish: MESH_OK",
            "async session: start, wait: done, finish: MESH_OK; \
             the finished operation: MESH_ERROR_INVALID_HANDLE",
        ]
        .map(String::from),
    );
    let polled = lines
        .iter()
        .find(|l| l.starts_with("async read by key 1: start, done after "))
        .unwrap_or_else(|| panic!("no polled read in:\n{stdout}"));
    let polls: usize = polled
        .strip_prefix("async read by key 1: start, done after ")
        .and_then(|s| s.strip_suffix(" polls of mesh_operation_is_done_stdcall, finish: MESH_OK"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{polled}"));
    assert!(polls >= 1, "{polled}");
    expected.push(polled.to_string());
    expected.extend(
        [
            "async read by key 1: 4 points match \
             (values -1000.12 -999.625 -999.125 -998.625; flags 0x2000000 0x0 0x0 0x0)",
            "async read: finished again: MESH_ERROR_INVALID_HANDLE",
        ]
        .map(String::from),
    );
    let async_error = lines
        .iter()
        .find_map(|l| l.strip_prefix("async error: MESH_ERROR_NOT_FOUND: "))
        .unwrap_or_else(|| panic!("no async error line in:\n{stdout}"));
    assert!(
        async_error.contains("key 4294967303 not found"),
        "{async_error}"
    );
    expected.push(format!("async error: MESH_ERROR_NOT_FOUND: {async_error}"));
    expected.push("async start refused: MESH_ERROR_INVALID_ARGUMENT, no operation".to_string());
    let cancelled_commit = lines
        .iter()
        .find_map(|l| l.strip_prefix("async commit: start, cancel: done at once, finish: "))
        .unwrap_or_else(|| panic!("no async commit line in:\n{stdout}"));
    assert!(
        ["MESH_OK", "MESH_ERROR_CANCELLED"].contains(&cancelled_commit),
        "{cancelled_commit}"
    );
    expected.push(format!(
        "async commit: start, cancel: done at once, finish: {cancelled_commit}"
    ));
    expected.extend(
        [
            "async free: a started read freed: MESH_OK; freed again: \
             MESH_ERROR_INVALID_HANDLE; NULL: MESH_OK",
            "async session: closed by start, finish: MESH_OK; its connection closed",
            "session: closed; closed again: MESH_ERROR_INVALID_HANDLE",
            "connection: closed",
            "shutdown: MESH_OK",
        ]
        .map(String::from),
    );
    let stack = lines
        .iter()
        .find(|l| l.starts_with("stack: "))
        .unwrap_or_else(|| panic!("no stack line in:\n{stdout}"));
    let calls: usize = stack
        .strip_prefix("stack: ")
        .and_then(|s| s.strip_suffix(" stdcall calls, ESP and canary intact across each"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stack}"));
    assert!(calls >= 40, "{stack}");
    expected.push(stack.to_string());
    expected.push("stdcall host: ok".to_string());
    assert_eq!(lines, expected, "stdout:\n{stdout}");

    // The server saw the calls, and what was committed is what was sent.
    assert_eq!(emu.calls("WriteTimeseries"), 2);
    // The cancelled commit reached the server if it finished MESH_OK, and
    // may have if it finished MESH_ERROR_CANCELLED.
    let commits = emu.calls("Commit");
    if cancelled_commit == "MESH_OK" {
        assert_eq!(commits, 2);
    } else {
        assert!((1..=2).contains(&commits), "{commits} commits");
    }
    assert_eq!(emu.open_sessions(), 0);
    let session = open(connection);
    assert_eq!(read_ok(session, KEY, START_MS, END_MS), committed());
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(connection), MESH_OK);
}
