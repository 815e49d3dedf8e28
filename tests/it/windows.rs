//! mesh_capi.dll, cross-built with mingw: the 64-bit DLL runs the C examples
//! and a multi-threaded C host under Wine against the emulator over
//! loopback; the 32-bit DLL is checked statically here (its exports, and
//! that every stdcall twin pops its arguments, `ret N`, as 32-bit VBA
//! expects, while the originals stay cdecl) and run under 32-bit Wine in
//! `windows_stdcall.rs`. Both carry a version
//! resource, and the committed `.def` makes a working import library.
//!
//! Needs the rustup targets `x86_64-pc-windows-gnu` / `i686-pc-windows-gnu`,
//! mingw-w64 and Wine (`.ci/run` installs them); without them the tests say
//! SKIPPED and pass, or fail where `MESH_REQUIRE_TOOLS` is set
//! (`tests/it/common/tools.rs`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::common::examples::{
    assert_prints, check_tls_token, AVAILABILITY_PRINTS, CALCULATIONS_PRINTS, MODEL_PRINTS,
    TLS_TOKEN, TLS_USER,
};
use crate::common::{root, tools};
use xtask::c_header::{i686_arg_bytes, stdcall_name, Header};

pub(crate) const X64: &str = "x86_64-pc-windows-gnu";
pub(crate) const X86: &str = "i686-pc-windows-gnu";

/// The key of the series the programs write (the emulator gets its own
/// catalog, so the tests do not depend on the default data).
const KEY: i64 = 4242;

pub(crate) fn mingw(target: &str) -> &'static str {
    if target == X86 {
        "i686-w64-mingw32"
    } else {
        "x86_64-w64-mingw32"
    }
}

fn works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Why `target` cannot be built here, if it cannot.
pub(crate) fn missing_toolchain(target: &str) -> Option<String> {
    let gcc = format!("{}-gcc", mingw(target));
    if !works(&gcc, &["--version"]) {
        return Some(format!(
            "{gcc} not installed (apt-get install gcc-mingw-w64)"
        ));
    }
    let libdir = Command::new("rustc")
        .args(["--print", "target-libdir", "--target", target])
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let has_std = libdir.is_some_and(|d| {
        std::fs::read_dir(d).is_ok_and(|mut entries| {
            entries.any(|e| e.is_ok_and(|e| e.file_name().to_string_lossy().starts_with("libstd")))
        })
    });
    if !has_std {
        return Some(format!(
            "the Rust standard library for {target} is not installed (rustup target add {target})"
        ));
    }
    None
}

pub(crate) fn skip(what: &str, why: &str) {
    tools::skip(&format!("{what}: {why}"));
}

fn cross_target_dir() -> PathBuf {
    root().join("target/cross")
}

/// Builds mesh_capi.dll for `target` once per test run; returns the
/// directory holding it and its import library.
pub(crate) fn dll(target: &'static str) -> PathBuf {
    static BUILT: OnceLock<Mutex<Vec<&'static str>>> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let mut built = built.lock().unwrap_or_else(|p| p.into_inner());
    let dir = cross_target_dir().join(target).join("debug");
    if !built.contains(&target) {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let started = Instant::now();
        let out = Command::new(cargo)
            .current_dir(root())
            .args(["build", "--lib", "--target", target, "--target-dir"])
            .arg(cross_target_dir())
            // No debug info: a quicker build, and a DLL of a tenth the size.
            .env("CARGO_PROFILE_DEV_DEBUG", "0")
            .output()
            .expect("run cargo");
        assert!(
            out.status.success(),
            "cargo build --target {target} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!(
            "built mesh_capi.dll for {target} in {:.0?}",
            started.elapsed()
        );
        built.push(target);
    }
    dir
}

/// Compiles C sources with mingw for `target` against the header; the
/// program links with `link` (an import library or the DLL).
pub(crate) fn mingw_build(target: &str, sources: &[&Path], link: &[&str], out: &Path) {
    let gcc = format!("{}-gcc", mingw(target));
    let output = Command::new(&gcc)
        .args([
            "-std=c99",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
            "-O1",
        ])
        .arg("-I")
        .arg(root().join("include"))
        .args(sources)
        .arg("-o")
        .arg(out)
        .args(link)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {gcc}: {e}"));
    assert!(
        output.status.success(),
        "{gcc} failed for {sources:?}:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The names a PE file exports, as objdump lists them.
fn exports(target: &str, dll: &Path) -> BTreeSet<String> {
    let objdump = format!("{}-objdump", mingw(target));
    let out = Command::new(&objdump)
        .arg("-p")
        .arg(dll)
        .output()
        .expect("objdump");
    let text = String::from_utf8_lossy(&out.stdout);
    let table = text
        .split("[Ordinal/Name Pointer] Table")
        .nth(1)
        .expect("an export table");
    table
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split(']').nth(1).map(|n| n.trim().to_string()))
        .collect()
}

fn header_functions(header: &Header) -> BTreeSet<String> {
    header.functions.iter().map(|f| f.name.clone()).collect()
}

// ---------------------------------------------------------------- Wine

pub(crate) fn wine() -> Option<PathBuf> {
    ["/usr/lib/wine/wine64", "/usr/bin/wine64", "/usr/bin/wine"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn wine_prefix() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wineprefix")
}

pub(crate) fn wine_command(wine: &Path, exe: &Path) -> Command {
    let mut command = Command::new(wine);
    command
        .arg(exe)
        .env("WINEPREFIX", wine_prefix())
        .env("WINEDEBUG", "-all")
        // No Mono or Gecko installers when the prefix is made.
        .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
        .current_dir(exe.parent().unwrap());
    command
}

/// Makes the Wine prefix once, before programs run in parallel in it.
pub(crate) fn wine_ready(wine: &Path) {
    static READY: OnceLock<()> = OnceLock::new();
    READY.get_or_init(|| {
        let mut boot = Command::new(wine);
        boot.args(["wineboot", "--init"])
            .env("WINEPREFIX", wine_prefix())
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=");
        let out = wait_for(boot, Duration::from_secs(180));
        assert!(out.status.success(), "wineboot failed");
    });
}

/// Runs a command with a deadline: a program that hangs under Wine fails
/// the test instead of hanging it.
pub(crate) fn wait_for(mut command: Command, limit: Duration) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().expect("wait");
            panic!(
                "{command:?} did not finish within {limit:?}:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("wait")
}

fn run_wine(wine: &Path, exe: &Path, args: &[&str]) -> Output {
    let mut command = wine_command(wine, exe);
    command.args(args);
    let out = wait_for(command, Duration::from_secs(180));
    eprintln!(
        "$ wine {} {}\n{}{}",
        exe.file_name().unwrap().to_string_lossy(),
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A directory with mesh_capi.dll, the ProcessPrng shim Wine 8 needs, and
/// the C programs built for it.
struct WineRun {
    wine: PathBuf,
    dir: PathBuf,
}

/// The Wine run directory, or `None` after noting why there is none (every
/// test that asks notes it, so each skip shows).
fn wine_run() -> Option<WineRun> {
    static RUN: OnceLock<Result<(PathBuf, PathBuf), String>> = OnceLock::new();
    match RUN.get_or_init(prepare_wine_run) {
        Ok((wine, dir)) => Some(WineRun {
            wine: wine.clone(),
            dir: dir.clone(),
        }),
        Err(why) => {
            skip("Windows x86_64 under Wine", why);
            None
        }
    }
}

/// A folder under the test target dir (`name`, relative) holding the
/// 64-bit DLL and the ProcessPrng shim, for programs to run there under
/// Wine; and the folder the DLL was built in (with its import library).
pub(crate) fn wine_folder(name: &Path) -> (PathBuf, PathBuf) {
    let built = dll(X64);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(built.join("mesh_capi.dll"), dir.join("mesh_capi.dll")).unwrap();
    // Rust's standard library imports ProcessPrng, which Wine 8 lacks;
    // Windows 10 and later, and Wine 9, have it. Next to the program,
    // the shim is found first.
    mingw_shared(
        X64,
        &root().join("tests/windows/processprng_shim.c"),
        &dir.join("bcryptprimitives.dll"),
    );
    (dir, built)
}

fn prepare_wine_run() -> Result<(PathBuf, PathBuf), String> {
    if let Some(why) = missing_toolchain(X64) {
        return Err(why);
    }
    let wine = wine().ok_or("wine not installed (apt-get install wine64)")?;
    let (dir, built) = wine_folder(Path::new("wine-run"));
    let import_lib = built.join("libmesh_capi.dll.a");
    for source in [
        "examples-c/quickstart.c",
        "examples-c/sessions.c",
        "examples-c/timeseries.c",
        "examples-c/detach.c",
        "examples-c/attach.c",
        "examples-c/model.c",
        "examples-c/calculations.c",
        "examples-c/availability.c",
        "examples-c/tls_token.c",
        "tests/windows/threads.c",
    ] {
        let source = root().join(source);
        let exe = dir.join(source.file_stem().unwrap()).with_extension("exe");
        mingw_build(X64, &[&source], &[import_lib.to_str().unwrap()], &exe);
    }
    mingw_build(
        X64,
        &[&root().join("tests/windows/version_info.c")],
        &["-lversion"],
        &dir.join("version_info.exe"),
    );
    wine_ready(&wine);
    Ok((wine, dir))
}

pub(crate) fn mingw_shared(target: &str, source: &Path, out: &Path) {
    let gcc = format!("{}-gcc", mingw(target));
    let output = Command::new(&gcc)
        .args(["-O2", "-shared", "-Wall", "-Werror", "-o"])
        .arg(out)
        .arg(source)
        .arg("-ladvapi32")
        .output()
        .expect("run mingw gcc");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

impl WineRun {
    fn run(&self, program: &str, args: &[&str]) -> Output {
        run_wine(&self.wine, &self.dir.join(program), args)
    }
}

fn emulator() -> crate::common::Emulator {
    crate::common::Emulator::start_local(crate::common::Config {
        catalog: mesh_emulator::parse_catalog(&format!(
            "{KEY} Resource/Windows/Series STAIRCASE HOUR MW"
        ))
        .expect("catalog"),
        ..Default::default()
    })
    .expect("start emulator")
}

/// A program's stdout, with Windows' `\r\n` line ends (the C runtime's
/// text mode) as `\n`.
pub(crate) fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

// ---------------------------------------------------------------- x86_64

#[test]
fn x86_64_dll_exports_exactly_the_header_functions() {
    if let Some(why) = missing_toolchain(X64) {
        return skip("Windows x86_64 DLL", &why);
    }
    let names = exports(X64, &dll(X64).join("mesh_capi.dll"));
    assert_eq!(names, header_functions(&Header::committed()));
}

#[test]
fn c_examples_run_under_wine() {
    let Some(run) = wine_run() else { return };
    let emu = emulator();
    let address = emu.addr().to_string();

    let out = run.run("quickstart.exe", &[&address]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).contains("Mesh 2.21.0"), "{}", text(&out));
    assert!(text(&out).contains("committed") && text(&out).contains("closed"));

    let out = run.run("sessions.exe", &[&emu.url()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).contains("not open any more: MESH_ERROR_SESSION_NOT_FOUND"));

    let out = run.run("timeseries.exe", &[&address, &KEY.to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    // A session handed from one Windows process to another.
    let out = run.run("detach.exe", &[&address]);
    assert_eq!(out.status.code(), Some(0));
    let id = text(&out).trim().to_string();
    assert_eq!(id.len(), 36, "{id}");
    let out = run.run("attach.exe", &[&address, &id, "close"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(emu.open_sessions(), 0);

    // Unreachable: the status is the exit code, as on Linux.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = run.run("quickstart.exe", &[&format!("127.0.0.1:{port}")]);
    assert_eq!(out.status.code(), Some(7), "MESH_ERROR_UNAVAILABLE");
}

#[test]
fn a_multi_threaded_host_runs_under_wine() {
    let Some(run) = wine_run() else { return };
    let emu = emulator();
    let out = run.run("threads.exe", &[&emu.addr().to_string(), &KEY.to_string()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text(&out).contains("threads: 8 threads x 4 rounds: ok"));
    assert_eq!(emu.open_sessions(), 0);
    assert_eq!(emu.calls("Commit"), 16);
}

#[test]
fn model_calculations_and_availability_examples_run_under_wine() {
    let Some(run) = wine_run() else { return };
    // The default model and data, which these examples read.
    let emu = crate::common::emulator(Duration::from_secs(300));
    let address = emu.addr().to_string();

    let out = run.run("model.exe", &[&address]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_prints(&text(&out), MODEL_PRINTS);
    assert_eq!(emu.calls("Commit"), 2, "the change and the restore");

    let out = run.run("calculations.exe", &[&address]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_prints(&text(&out), CALCULATIONS_PRINTS);
    assert_eq!(emu.calls("ReadTransformedTimeseries"), 1);

    // Times printed through the Windows C runtime's gmtime and strftime.
    let out = run.run("availability.exe", &[&address]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_prints(&text(&out), AVAILABILITY_PRINTS);
    assert_eq!(emu.calls("Commit"), 4, "and the plan and the removal");
    assert_eq!(emu.open_sessions(), 0);
}

/// rustls on Windows: a root certificate read from a Windows path, a token,
/// and the certificate checks; and the system's roots (read from the
/// Windows certificate store) which do not hold the emulator's root.
#[test]
fn tls_token_example_runs_under_wine() {
    let Some(run) = wine_run() else { return };
    let (emu, root) =
        crate::common::bindings::tls_emulator(&[TLS_TOKEN], TLS_USER, "tls_token_root_wine.pem");
    // Wine's drive Z: is the Unix root.
    let windows_root = format!("Z:{}", root.display()).replace('/', "\\");
    let address = format!("https://{}", emu.addr());
    check_tls_token(
        |args| run.run("tls_token.exe", args),
        &address,
        &windows_root,
    );

    let out = run.run("tls_token.exe", &[&address, "-", TLS_TOKEN, "mesh.example"]);
    assert_eq!(
        out.status.code(),
        Some(12),
        "MESH_ERROR_TLS: an unknown root"
    );
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn the_multi_threaded_host_runs_natively_too() {
    let exe = crate::common::build("tests/windows/threads.c");
    let emu = emulator();
    let out = crate::common::run(&exe, &[&emu.addr().to_string(), &KEY.to_string()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).contains("threads: 8 threads x 4 rounds: ok"));
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn x86_64_dll_carries_its_version_as_windows_reads_it() {
    let Some(run) = wine_run() else { return };
    let out = run.run("version_info.exe", &["mesh_capi.dll"]);
    assert_eq!(out.status.code(), Some(0));
    let info = text(&out);
    let v = env!("CARGO_PKG_VERSION");
    assert!(info.contains(&format!("fixed {v}.0")), "{info}");
    assert!(info.contains(&format!("FileVersion={v}")), "{info}");
    assert!(info.contains("ProductName=mesh-capi"), "{info}");
    assert!(info.contains("OriginalFilename=mesh_capi.dll"), "{info}");
}

#[test]
fn the_def_file_makes_an_import_library_that_links_and_loads() {
    let Some(run) = wine_run() else { return };
    let def = root().join("packaging/mesh_capi.def");
    let def_names: BTreeSet<String> = std::fs::read_to_string(&def)
        .unwrap()
        .lines()
        .skip_while(|l| l.trim() != "EXPORTS")
        .skip(1)
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(def_names, exports(X64, &run.dir.join("mesh_capi.dll")));
    // An import library made from the .def alone, as a user without the
    // rustc-made one would, links a program that then loads and runs.
    let lib = run.dir.join("from_def.lib");
    let out = Command::new("x86_64-w64-mingw32-dlltool")
        .arg("-d")
        .arg(&def)
        .arg("-l")
        .arg(&lib)
        .args(["-D", "mesh_capi.dll"])
        .output()
        .expect("dlltool");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exe = run.dir.join("quickstart_def.exe");
    mingw_build(
        X64,
        &[&root().join("examples-c/quickstart.c")],
        &[lib.to_str().unwrap()],
        &exe,
    );
    let emu = emulator();
    let out = run.run("quickstart_def.exe", &[&emu.addr().to_string()]);
    assert_eq!(out.status.code(), Some(0));
}

// ---------------------------------------------------------------- i686

/// The instructions of the function at `address` up to its first `ret`.
fn first_return(disassembly: &str) -> Option<String> {
    disassembly
        .lines()
        .map(|l| l.split('\t').next_back().unwrap_or("").trim())
        .find(|ins| ins.starts_with("ret"))
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Export name -> address, from objdump's export tables: the address
/// table lists `[ i] +base[ o] RVA Export RVA`, the name table `[ i] name`
/// with the same unbiased index `i`.
fn export_addresses(dll: &Path) -> std::collections::HashMap<String, u64> {
    let out = Command::new("i686-w64-mingw32-objdump")
        .arg("-p")
        .arg(dll)
        .output()
        .expect("objdump");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let image_base = text
        .lines()
        .find_map(|l| l.strip_prefix("ImageBase"))
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
        .expect("ImageBase");
    let index = |line: &str| -> Option<(usize, String)> {
        let (i, rest) = line.trim().strip_prefix('[')?.split_once(']')?;
        Some((i.trim().parse().ok()?, rest.trim().to_string()))
    };
    let mut rva = std::collections::HashMap::new();
    for line in text.lines().filter(|l| l.ends_with("Export RVA")) {
        if let Some((i, rest)) = index(line) {
            let value = rest.split_whitespace().nth(2).expect("an RVA");
            rva.insert(i, u64::from_str_radix(value, 16).expect("hex RVA"));
        }
    }
    let table = text
        .split("[Ordinal/Name Pointer] Table")
        .nth(1)
        .expect("an export table");
    table
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(index)
        .map(|(i, name)| (name, image_base + rva[&i]))
        .collect()
}

#[test]
fn i686_dll_exports_cdecl_originals_and_stdcall_twins_for_vba() {
    if let Some(why) = missing_toolchain(X86) {
        return skip("Windows i686 DLL", &why);
    }
    let header = Header::committed();
    let dll = dll(X86).join("mesh_capi.dll");

    let mut expected = header_functions(&header);
    expected.extend(header.functions.iter().map(|f| stdcall_name(&f.name)));
    assert_eq!(exports(X86, &dll), expected);

    // The calling convention, read from the code: a stdcall function pops
    // its arguments (`ret $0xN`, N the bytes 32-bit VBA pushed), a cdecl one
    // leaves them to the caller (`ret`). Read for every function here;
    // `windows_stdcall.rs` calls a set of them for real under 32-bit Wine.
    let addresses = export_addresses(&dll);
    let mut checked = 0;
    for f in &header.functions {
        let bytes = i686_arg_bytes(&header, f);
        for (name, expected) in [
            (f.name.clone(), "ret".to_string()),
            (
                stdcall_name(&f.name),
                if bytes == 0 {
                    "ret".to_string()
                } else {
                    format!("ret $0x{bytes:x}")
                },
            ),
        ] {
            let address = *addresses
                .get(&name)
                .unwrap_or_else(|| panic!("no address for {name}"));
            let out = Command::new("i686-w64-mingw32-objdump")
                .args(["-d", "--no-show-raw-insn"])
                .arg(format!("--start-address=0x{address:x}"))
                .arg(format!("--stop-address=0x{:x}", address + 4096))
                .arg(&dll)
                .output()
                .expect("objdump -d");
            let disassembly = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                first_return(&disassembly).as_deref(),
                Some(expected.as_str()),
                "{name} ({} argument bytes) at 0x{address:x}",
                bytes
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * header.functions.len());

    // The compiler's own stdcall decoration (`_name@N`, kept in the symbol
    // table) says the same byte counts.
    let out = Command::new("i686-w64-mingw32-objdump")
        .arg("-t")
        .arg(&dll)
        .output()
        .expect("objdump -t");
    let symbols = String::from_utf8_lossy(&out.stdout);
    let decorated: std::collections::HashMap<&str, usize> = symbols
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .filter_map(|s| s.strip_prefix('_')?.split_once('@'))
        .filter_map(|(name, n)| Some((name, n.parse().ok()?)))
        .collect();
    if decorated.is_empty() {
        tools::skip("no symbol table in the i686 DLL: stdcall decorations not compared");
    }
    for f in header.functions.iter().filter(|_| !decorated.is_empty()) {
        assert_eq!(
            decorated.get(stdcall_name(&f.name).as_str()),
            Some(&i686_arg_bytes(&header, f)),
            "{}",
            f.name
        );
    }
}

#[test]
fn i686_programs_link_against_the_dll_and_the_def_file() {
    if let Some(why) = missing_toolchain(X86) {
        return skip("Windows i686 DLL", &why);
    }
    let built = dll(X86);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("i686");
    std::fs::create_dir_all(&dir).unwrap();
    let import_lib = built.join("libmesh_capi.dll.a");
    for example in ["examples-c/quickstart.c", "tests/windows/threads.c"] {
        let source = root().join(example);
        let exe = dir.join(source.file_stem().unwrap()).with_extension("exe");
        mingw_build(X86, &[&source], &[import_lib.to_str().unwrap()], &exe);
    }
    let lib = dir.join("from_def.lib");
    let out = Command::new("i686-w64-mingw32-dlltool")
        .arg("-d")
        .arg(root().join("packaging/mesh_capi.def"))
        .arg("-l")
        .arg(&lib)
        .args(["-D", "mesh_capi.dll"])
        .output()
        .expect("dlltool");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    mingw_build(
        X86,
        &[&root().join("examples-c/quickstart.c")],
        &[lib.to_str().unwrap()],
        &dir.join("quickstart_def.exe"),
    );
}

/// The VS_FIXEDFILEINFO of a PE file, found by its signature: file version
/// (major, minor, patch, build).
fn fixed_file_version(bytes: &[u8]) -> Option<(u16, u16, u16, u16)> {
    let signature = 0xFEEF_04BDu32.to_le_bytes();
    let at = bytes.windows(4).position(|w| w == signature)?;
    let word = |i: usize| {
        let b = &bytes[at + i..at + i + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    };
    let (ms, ls) = (word(8), word(12));
    Some(((ms >> 16) as u16, ms as u16, (ls >> 16) as u16, ls as u16))
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

#[test]
fn both_dlls_carry_a_version_resource() {
    let expected = (
        env!("CARGO_PKG_VERSION_MAJOR").parse().unwrap(),
        env!("CARGO_PKG_VERSION_MINOR").parse().unwrap(),
        env!("CARGO_PKG_VERSION_PATCH").parse().unwrap(),
        0,
    );
    for target in [X64, X86] {
        if let Some(why) = missing_toolchain(target) {
            skip(&format!("version resource of the {target} DLL"), &why);
            continue;
        }
        let bytes = std::fs::read(dll(target).join("mesh_capi.dll")).unwrap();
        assert_eq!(fixed_file_version(&bytes), Some(expected), "{target}");
        for text in [
            "ProductName",
            "mesh-capi",
            env!("CARGO_PKG_VERSION"),
            "mesh_capi.dll",
        ] {
            let needle = utf16(text);
            assert!(
                bytes.windows(needle.len()).any(|w| w == needle),
                "{target}: no {text:?} in the version resource"
            );
        }
    }
}

/// The README's Windows section: its first ```sh block as commands (words,
/// comments dropped), and the paragraph saying what the prefix holds.
fn readme_windows_install() -> (Vec<Vec<String>>, String) {
    let readme = std::fs::read_to_string(root().join("docs/hosts.md")).unwrap();
    let section = readme
        .split("\n## Windows\n")
        .nth(1)
        .expect("a ## Windows section in the README");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a ```sh block in the README's Windows section");
    let commands = block
        .lines()
        .map(|line| line.split('#').next().unwrap_or(""))
        .map(|line| line.split_whitespace().map(str::to_string).collect())
        .filter(|words: &Vec<String>| !words.is_empty())
        .collect();
    let holds = section
        .split("\n\n")
        .find(|p| p.starts_with("The prefix holds"))
        .expect("the README's paragraph on what the Windows prefix holds")
        .to_string();
    (commands, holds)
}

#[test]
fn install_lays_out_a_windows_prefix_as_the_readme_says() {
    let Some(run) = wine_run() else { return };
    let (commands, holds) = readme_windows_install();
    let command = |program: &str| {
        commands
            .iter()
            .find(|words| words[0] == program)
            .unwrap_or_else(|| panic!("no {program} line in the README's Windows snippet"))
            .clone()
    };
    assert_eq!(command("rustup")[1..], ["target", "add", X64]);

    // The README's install line, into a prefix of the test's own, from the
    // DLL built here (the README's builds a release first).
    let readme_prefix = "dist/win64";
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("win64");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let prefix = work.join(readme_prefix);
    let install = command("bash");
    assert_eq!(install[1], "packaging/install.sh");
    assert!(install.contains(&X64.to_string()), "{install:?}");
    assert!(install.contains(&readme_prefix.to_string()), "{install:?}");
    let out = Command::new("bash")
        .current_dir(root())
        .args(install[1..].iter().map(|word| {
            if word == readme_prefix {
                prefix.as_os_str()
            } else {
                std::ffi::OsStr::new(word)
            }
        }))
        .arg("--from")
        .arg(dll(X64))
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // What the README says the prefix holds, and what the other sections
    // rely on.
    let stated: Vec<&str> = holds
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|p| p.starts_with("bin/") || p.starts_with("lib/"))
        .collect();
    assert!(stated.len() >= 5, "{stated:?}");
    for path in stated {
        assert!(prefix.join(path).exists(), "{path} not installed");
    }
    for file in [
        "bin/.debug/mesh_capi.dll.debug",
        "include/mesh_capi.h",
        "include/mesh_capi.hpp",
        "lib/cmake/mesh_capi/mesh_capiConfig.cmake",
        "lib/pkgconfig/mesh_capi.pc",
    ] {
        assert!(prefix.join(file).is_file(), "{file} not installed");
    }

    // The README's build line, run from the directory holding the prefix
    // with quickstart.c as app.c, then the program with the installed
    // (stripped) DLL under Wine.
    let build = command(&format!("{}-gcc", mingw(X64)));
    std::fs::copy(root().join("examples-c/quickstart.c"), work.join("app.c")).unwrap();
    let out = Command::new(&build[0])
        .current_dir(&work)
        .args(&build[1..])
        .output()
        .expect("mingw gcc");
    assert!(
        out.status.success(),
        "{build:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bin = prefix.join("bin");
    std::fs::rename(work.join("app.exe"), bin.join("app.exe")).unwrap();
    std::fs::copy(
        run.dir.join("bcryptprimitives.dll"),
        bin.join("bcryptprimitives.dll"),
    )
    .unwrap();
    let emu = emulator();
    let out = run_wine(&run.wine, &bin.join("app.exe"), &[&emu.addr().to_string()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).contains("Mesh 2.21.0"));
}
