//! The benchmark harness in smoke mode (tiny counts), so it never rots. The
//! numbers mean nothing here; the full run is `bash bench/run.sh`.

// Shared with the library's tests, of which this uses only `skip`.
#[allow(dead_code)]
#[path = "../../tests/it/common/tools.rs"]
mod tools;

use std::process::Command;

#[test]
fn the_harness_runs_every_measurement_and_writes_the_report() {
    let out = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("BENCHMARKS.smoke.md");
    let run = Command::new(env!("CARGO_BIN_EXE_mesh-bench"))
        .args(["--smoke", "--out"])
        .arg(&out)
        .output()
        .expect("run mesh-bench");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "mesh-bench --smoke failed:\n{stderr}");
    let report = std::fs::read_to_string(&out).unwrap();
    for section in [
        "## 1. Round trip of one session call",
        "## 2. Open-and-close throughput",
        "## 3. Idle sessions at scale",
        "## 4. Time series",
        "## 5. Searching the model",
        "## 6. Calculations",
        "## 7. Reading a series by attribute path",
        "## 8. At a LAN's latency",
        "## 9. Many reads from one thread",
        "## 10. The cost of the statistics",
        "## 11. The machine's limits",
        "## 12. Instructions per call",
        "| plain socket (limit) |",
        "| mesh-capi C API (C program) | data server |",
        "| bare tonic client (baseline) | data server |",
        "| mesh-capi C API, one-call read from the data server |",
    ] {
        assert!(report.contains(section), "missing {section:?}:\n{report}");
    }
    for client in [
        "| mesh-capi C API (C program) |",
        "| mesh-capi Rust client API |",
        "| bare tonic client (baseline) | 1",
    ] {
        assert!(report.contains(client), "missing {client:?}:\n{report}");
    }
    // A peer is measured or its absence is noted, never silently dropped.
    for (row, note) in [
        ("| grpc++ synchronous client (C++) |", "grpc++ skipped"),
        ("| grpcio (Python) |", "grpcio skipped"),
    ] {
        assert!(
            report.contains(row) || report.contains(note),
            "neither {row:?} nor {note:?}:\n{report}"
        );
        if report.contains(note) {
            tools::skip(&format!(
                "in the smoke run, {note} (run bench/install-peers.sh)"
            ));
        }
    }
}
