//! Tests that need a process of their own: GSSAPI reads `KRB5_CONFIG`
//! (and `KRB5CCNAME`, `KRB5RCACHEDIR`) from the process's environment,
//! which a test cannot set while other tests run beside it. Such a test
//! re-runs this test binary for itself alone, with the environment set on
//! the child, and the parent asserts the child passed.

use std::ffi::{OsStr, OsString};
use std::process::Command;

/// Set in a child to the test it is to run.
const CHILD: &str = "MESH_EMULATOR_IT_OWN_PROCESS";

/// Whether this is the child process made for test `path` (`module::name`,
/// as libtest names it).
pub fn is_child(path: &str) -> bool {
    std::env::var(CHILD).as_deref() == Ok(test_name(path))
}

fn test_name(path: &str) -> &str {
    path.strip_prefix("it::").unwrap_or(path)
}

/// Runs test `path` alone in a child process with `env` added to its
/// environment, and asserts it passed.
pub fn run_child(path: &str, env: &[(impl AsRef<OsStr>, OsString)]) {
    let name = test_name(path);
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = Command::new(exe)
        .args([name, "--exact", "--test-threads=1", "--nocapture"])
        .env(CHILD, name)
        .envs(env.iter().map(|(k, v)| (k.as_ref(), v)))
        .output()
        .expect("run the test binary for one test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    print!("{stdout}");
    eprint!("{stderr}");
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} in its own process failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
}
