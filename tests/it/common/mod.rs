//! Helpers shared by the integration tests: an emulator on 127.0.0.1, and
//! thin wrappers that call the C API as a C program would.

use std::ffi::{c_char, CStr, CString};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::ptr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub mod availability;
pub mod bad_input;
pub mod bindings;
pub mod calc;
pub mod examples;
pub mod kerberos;
pub mod model;
pub mod points;
pub mod process;
pub mod tls;
pub mod tools;

pub use mesh_capi::ffi::*;
pub use mesh_emulator::{Config, Emulator};
use mesh_status::*;

/// An emulator on an ephemeral port with the given inactivity timeout.
pub fn emulator(session_timeout: Duration) -> Emulator {
    Emulator::start_local(Config {
        session_timeout,
        ..Config::default()
    })
    .expect("start emulator")
}

pub fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// This thread's last error message.
pub fn last_error() -> String {
    let mut buf = vec![0 as c_char; 2048];
    unsafe { mesh_last_error_message(buf.as_mut_ptr(), buf.len()) };
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

pub fn status_name(status: mesh_status) -> String {
    unsafe { CStr::from_ptr(mesh_status_name(status as i32)) }
        .to_string_lossy()
        .into_owned()
}

/// Asserts `status` is `expected`, showing the last error otherwise.
#[track_caller]
pub fn check(status: mesh_status, expected: mesh_status) {
    assert_eq!(status, expected, "last error: {}", last_error());
}

/// Connects with options set by `configure`, asserting success.
pub fn connect_with(
    address: &str,
    configure: impl FnOnce(*mut mesh_options),
) -> *mut mesh_connection {
    let mut options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut options) }, MESH_OK);
    configure(options);
    let mut connection = ptr::null_mut();
    check(
        unsafe { mesh_connection_open(c(address).as_ptr(), options, &mut connection) },
        MESH_OK,
    );
    check(mesh_options_free(options), MESH_OK);
    connection
}

pub fn connect(address: &str) -> *mut mesh_connection {
    connect_with(address, |_| {})
}

pub fn open(connection: *mut mesh_connection) -> *mut mesh_session {
    let mut session = ptr::null_mut();
    check(
        unsafe { mesh_session_open(connection, &mut session) },
        MESH_OK,
    );
    session
}

pub fn attach(
    connection: *mut mesh_connection,
    id: &str,
) -> Result<*mut mesh_session, mesh_status> {
    let mut session = ptr::null_mut();
    match unsafe { mesh_session_attach(connection, c(id).as_ptr(), &mut session) } {
        MESH_OK => Ok(session),
        status => Err(status),
    }
}

pub fn id_of(session: *const mesh_session) -> String {
    let mut buf = [0 as c_char; 37];
    let mut len = 0usize;
    check(
        unsafe { mesh_session_id(session, buf.as_mut_ptr(), buf.len(), &mut len) },
        MESH_OK,
    );
    assert_eq!(len, 36);
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_str()
        .unwrap()
        .to_owned()
}

pub fn is_expired(session: *const mesh_session) -> bool {
    let mut out = -1;
    check(
        unsafe { mesh_session_is_expired(session, &mut out) },
        MESH_OK,
    );
    assert!(out == 0 || out == 1);
    out == 1
}

/// Polls `condition` every 20 ms until it holds or `limit` passes.
pub fn wait_until(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits for the one `ExtendSession` with which a connection's first session
/// learns the server's timeout, in the background right after opening, so
/// that counts of `ExtendSession` can start after it.
pub fn wait_for_learned_timeout(emu: &Emulator) {
    assert!(wait_until(Duration::from_secs(5), || emu
        .calls("ExtendSession")
        == 1));
}

/// Threads of this process whose name starts with `prefix`.
pub fn threads_named(prefix: &str) -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|tasks| {
            tasks
                .filter_map(|t| t.ok())
                .filter_map(|t| std::fs::read_to_string(t.path().join("comm")).ok())
                .filter(|name| name.starts_with(prefix))
                .count()
        })
        .unwrap_or(0)
}

/// All threads of this process.
pub fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|t| t.count())
        .unwrap_or(0)
}

// C programs: compiled with the system C compiler against the committed
// header and the shared library cargo built for these tests.

/// Where cargo put the cdylib built for these tests (next to the test binary).
pub fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().to_path_buf();
    assert!(
        dir.join("libmesh_capi.so").exists(),
        "libmesh_capi.so not found in {}",
        dir.display()
    );
    dir
}

/// The linker arguments for a program using the library under test. The
/// search path is a DT_RPATH, searched before LD_LIBRARY_PATH: cargo puts
/// the profile directory there, where a stale library from an earlier
/// `cargo build` may be (`cargo test` refreshes only `deps/`).
pub fn link_args() -> Vec<String> {
    let lib = lib_dir();
    vec![
        format!("-L{}", lib.display()),
        "-lmesh_capi".into(),
        format!("-Wl,-rpath,{}", lib.display()),
        "-Wl,--disable-new-dtags".into(),
    ]
}

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Compiles `source` (relative to the repository root) once; returns the binary.
pub fn build(source: &str) -> PathBuf {
    static LOCK: OnceLock<std::sync::Mutex<()>> = OnceLock::new();
    let _serial = LOCK.get_or_init(Default::default).lock();
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c");
    std::fs::create_dir_all(&out_dir).unwrap();
    let name = Path::new(source).file_stem().unwrap();
    let exe = out_dir.join(name);
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let output = Command::new(&cc)
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
        .arg(root().join(source))
        .arg("-o")
        .arg(&exe)
        .args(link_args())
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler {cc:?}: {e}"));
    assert!(
        output.status.success(),
        "{source} did not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    exe
}

pub fn run(exe: &Path, args: &[&str]) -> Output {
    let output = Command::new(exe).args(args).output().unwrap();
    eprintln!(
        "$ {} {}\n{}{}",
        exe.display(),
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
