//! Outside tools some tests need (Wine, mingw, Mono, a C++ compiler,
//! pkg-config, CMake, pyarrow, valgrind...): where one is missing the test
//! skips with a note on the terminal, unless `MESH_REQUIRE_TOOLS` is set (as
//! `.ci/run` does, having installed them all), where the skip is a failure.
//!
//! Standalone (no `super::`), so other crates' tests can include it by path.

use std::process::{Command, Stdio};

/// Set (to anything) where every tool must be there.
pub const REQUIRE_TOOLS: &str = "MESH_REQUIRE_TOOLS";

pub fn tools_required() -> bool {
    std::env::var_os(REQUIRE_TOOLS).is_some()
}

/// A test that cannot run here for want of a tool: fails under
/// `MESH_REQUIRE_TOOLS`, else says `SKIPPED: why` where it shows.
#[track_caller]
pub fn skip(why: &str) {
    assert!(!tools_required(), "{REQUIRE_TOOLS} is set but {why}");
    note(&format!("SKIPPED: {why}"));
}

/// Writes a line to the process's stderr past the test harness's capture
/// (which takes only what `print!`/`eprint!` write), so skips and measured
/// rates show in a plain `cargo test` run.
pub fn note(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Whether `program --version` runs.
pub fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}
