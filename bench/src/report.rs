//! The parts of BENCHMARKS.md that belong to no one measurement: the title
//! and the paragraph on how the numbers were taken and on what machine, and
//! the closing notes on peers that were skipped. Each section writes its own
//! text and table.

use std::fmt::Write as _;

use crate::host;

/// The title and the opening paragraph; `only` the sections asked for with
/// `--only`, if any.
pub(crate) fn header(only: Option<&[String]>, smoke: bool) -> String {
    let mut report = String::new();
    let _ = writeln!(report, "# Benchmarks\n");
    let _ = writeln!(
        report,
        "Written by `bash bench/run.sh` ({}). Machine: {}. Every client is its own process; the emulator (2 runtime threads, built with the harness) runs inside the harness process, on the same machine. {} \"Emulator CPU\" is the emulator's CPU time over the measurement's wall time (100% = one core busy). A real server is on another machine; here the emulator's speed bounds every client alike.\n",
        match (only, smoke) {
            (_, true) => "smoke mode: tiny counts, numbers mean nothing".to_string(),
            (Some(only), false) => format!("sections {} only", only.join(", ")),
            (None, false) => "full run".to_string(),
        },
        host::machine(),
        if host::pinning() {
            "The emulator's threads are pinned to core 0 and each client process to core 1, so that thread placement does not swing the numbers (unpinned, round trips of one client moved between 85 and 122 µs from run to run)."
        } else {
            "One core only: clients and emulator share it."
        }
    );
    report
}

/// The notes collected over the run, as the report's last section; nothing
/// when there are none.
pub(crate) fn notes(notes: &[String]) -> String {
    let mut report = String::new();
    if !notes.is_empty() {
        let _ = writeln!(report, "## Notes\n");
        for n in notes {
            let _ = writeln!(report, "- {n}");
        }
    }
    report
}
