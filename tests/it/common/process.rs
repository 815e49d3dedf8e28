//! Tests that need a process of their own: those that shut the library
//! down, count its threads, or fork. In the shared test process they would
//! cut other tests' connections or count their threads, so each re-runs
//! this test binary for itself alone, and the parent asserts the child
//! passed.

use std::process::Command;

/// Set in a child to the test it is to run.
const CHILD: &str = "MESH_IT_OWN_PROCESS";

/// True in the child process made for test `path` (`module::name`, as
/// libtest names it): run the test's body. In the parent, runs that child
/// and asserts it passed, then returns false: return at once.
pub fn own(path: &str) -> bool {
    let name = path.strip_prefix("it::").unwrap_or(path);
    if std::env::var(CHILD).as_deref() == Ok(name) {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = Command::new(exe)
        .args([name, "--exact", "--test-threads=1", "--nocapture"])
        .env(CHILD, name)
        .output()
        .expect("run the test binary for one test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    print!("{stdout}");
    eprint!("{stderr}");
    // The child's skip notes went to this process through a pipe, which the
    // test harness captures here: write them past it, as the child meant.
    for line in stderr.lines().filter(|l| l.starts_with("SKIPPED: ")) {
        super::tools::note(line);
    }
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} in its own process failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    false
}

/// The start of a test that runs in a process of its own.
macro_rules! own_process {
    ($name:ident) => {
        if !$crate::common::process::own(concat!(module_path!(), "::", stringify!($name))) {
            return;
        }
    };
}
pub(crate) use own_process;
