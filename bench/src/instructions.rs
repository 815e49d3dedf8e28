//! Instructions per call (section 12): each client's process run under
//! `valgrind --tool=callgrind`, which counts the instructions every thread
//! executes. Counts do not move with the machine's noise, so one run per
//! client settles a CPU ratio that timed rows cannot. Each measurement runs
//! twice, with a small and a large count, and the difference is divided by
//! the calls between them: start-up, connecting and the like cancel out.

use std::fmt::Write as _;
use std::process::Command;

use crate::clients::Client;
use crate::harness::Harness;
use crate::Result;

/// One measurement: its name in the report, the client's arguments for `n`
/// operations, and how many operations those arguments make.
struct Measure {
    name: &'static str,
    args: fn(usize) -> Vec<String>,
    operations: fn(usize) -> usize,
}

const MEASURES: [Measure; 3] = [
    Measure {
        name: "round trip (`ExtendSession`)",
        args: |n| vec!["rtt".into(), n.to_string()],
        // Each client warms up with n / 10 + 10 calls first.
        operations: |n| n + n / 10 + 10,
    },
    Measure {
        name: "open and close, 1 thread",
        args: |n| vec!["openclose".into(), n.to_string(), "1".into()],
        operations: |n| n,
    },
    Measure {
        name: "open and close, 8 threads",
        args: |n| vec!["openclose".into(), n.to_string(), "8".into()],
        operations: |n| n,
    },
];

impl Harness {
    /// Section 12, against the emulator at `address`.
    pub(super) fn instructions(&mut self, address: &str) -> Result<String> {
        let (small, large) = if self.smoke { (20, 60) } else { (500, 2500) };
        let mut s = format!(
            "## 12. Instructions per call\n\nEach client process run under `valgrind --tool=callgrind` against the emulator (not under valgrind), which counts the instructions all of the client's threads execute: the measure of CPU per call that does not move with the machine's noise (valgrind runs a process's threads one at a time, so waiting and contention are not in it). Each measurement runs with {small} and with {large} operations; the row is the difference in instructions over the difference in operations (round trips count their warm-up calls), so start-up and connecting cancel out. Ratio: relative to grpc++ (lower is better). grpcio is left out: its instructions are the Python interpreter's.\n\n| client | measurement | instructions per call | ratio to grpc++ |\n|---|---|---:|---:|\n"
        );
        if Command::new("valgrind").arg("--version").output().is_err() {
            self.notes
                .push("instructions per call skipped: valgrind is not installed".into());
            s.push_str("(valgrind is not installed: see the notes.)\n\n");
            return Ok(s);
        }
        let mut clients = vec![self.c_api.clone(), self.rust.clone(), self.tonic.clone()];
        clients.extend(self.cpp.clone());
        let cpp_name = self.cpp.as_ref().map(|c| c.name);
        let mut rows = Vec::new();
        for measure in &MEASURES {
            for client in &clients {
                let count = |n: usize| self.callgrind(client, address, &(measure.args)(n));
                let (a, b) = (count(small)?, count(large)?);
                let calls = (measure.operations)(large) - (measure.operations)(small);
                let per_call = b.saturating_sub(a) as f64 / calls as f64;
                eprintln!(
                    "instructions {} {}: {per_call:.0} per call",
                    client.name, measure.name
                );
                rows.push((client.name, measure.name, per_call));
            }
        }
        for &(name, measure, per_call) in &rows {
            let base = rows
                .iter()
                .find(|(n, m, _)| Some(*n) == cpp_name && *m == measure)
                .map(|r| r.2);
            let ratio = base.map_or("n/a".to_string(), |b| format!("{:.2}×", per_call / b));
            let _ = writeln!(s, "| {name} | {measure} | {per_call:.0} | {ratio} |");
        }
        s.push('\n');
        Ok(s)
    }

    /// The instructions `client` executes with `args` against `address`,
    /// all its threads, under callgrind.
    fn callgrind(&self, client: &Client, address: &str, args: &[String]) -> Result<u64> {
        let out = self.work.join("callgrind.out");
        let plain = client.command(address, args);
        let mut cmd = Command::new("valgrind");
        cmd.arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(plain.get_program())
            .args(plain.get_args());
        let run = cmd.output().map_err(|e| format!("valgrind: {e}"))?;
        if !run.status.success() {
            return Err(format!(
                "{} under callgrind failed: {}",
                client.name,
                String::from_utf8_lossy(&run.stderr)
            ));
        }
        let text = std::fs::read_to_string(&out).map_err(|e| e.to_string())?;
        text.lines()
            .find_map(|l| {
                l.strip_prefix("summary: ")
                    .or_else(|| l.strip_prefix("totals: "))
            })
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| format!("no instruction total in {}", out.display()))
    }
}
