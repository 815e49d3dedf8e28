//! The cost of the per-connection statistics: the C API's client against
//! the library as built (statistics on, as always) and against the same
//! library built again with them compiled out (`--features no-statistics`),
//! in the same run against the same emulator, in rounds that alternate
//! which goes first, so that drift in the machine's load hits both alike.
//! Round trips on one thread, and open-and-close from 8 threads (where the
//! counters are shared between threads).

use std::fmt::Write as _;
use std::path::Path;

use mesh_emulator::Emulator;

use crate::clients::{self, result, Client};
use crate::harness::Harness;
use crate::Result;

/// The median and the spread (lowest, highest) of `values` (not empty).
fn summary(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    (median, values[0], values[n - 1])
}

/// One measured quantity of the two builds: its runs with statistics and
/// without.
struct Compared {
    with: Vec<f64>,
    without: Vec<f64>,
}

impl Compared {
    fn new() -> Compared {
        Compared {
            with: Vec::new(),
            without: Vec::new(),
        }
    }

    fn push(&mut self, with_statistics: bool, value: f64) {
        if with_statistics {
            self.with.push(value);
        } else {
            self.without.push(value);
        }
    }

    /// "median (lowest–highest)" of one build, `value` scaling each.
    fn cell(&self, with_statistics: bool, scale: f64, digits: usize) -> String {
        let runs = if with_statistics {
            &self.with
        } else {
            &self.without
        };
        let (m, lo, hi) = summary(runs.clone());
        format!(
            "{:.*} ({:.*}–{:.*})",
            digits,
            m * scale,
            digits,
            lo * scale,
            digits,
            hi * scale
        )
    }

    /// The two builds compared round by round (the runs of one round ran
    /// back to back): the median of the rounds' differences, with
    /// statistics over without, in percent; the middle half of those
    /// differences; and in how many rounds the build with statistics gave
    /// the higher number.
    fn paired(&self) -> String {
        let mut differences: Vec<f64> = self
            .with
            .iter()
            .zip(&self.without)
            .map(|(with, without)| (with / without - 1.0) * 100.0)
            .collect();
        let (median, _, _) = summary(differences.clone());
        differences.sort_by(f64::total_cmp);
        let n = differences.len();
        let (q1, q3) = (differences[n / 4], differences[(3 * n) / 4]);
        let higher = differences.iter().filter(|d| **d > 0.0).count();
        format!(
            "{median:+.1}% (middle half of the rounds {q1:+.1}% to {q3:+.1}%, {}; higher with statistics in {higher} of {n} rounds)",
            if q1 <= 0.0 && 0.0 <= q3 {
                "which includes no difference"
            } else {
                "which excludes no difference"
            }
        )
    }
}

impl Harness {
    pub(super) fn statistics(&mut self, emu: &Emulator) -> Result<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let root = root.canonicalize().map_err(|e| e.to_string())?;
        let without = clients::c_api_without_statistics(&root, &self.work)?;
        let both: [(bool, &Client); 2] = [(true, &self.c_api), (false, &without)];
        let address = emu.addr().to_string();
        let rounds = self.counts.statistics_rounds;
        let n = self.counts.rtt_calls;
        let sessions = self.counts.open_close;
        let threads = 8;

        let (mut median, mut p99, mut cpu) = (Compared::new(), Compared::new(), Compared::new());
        let mut counted = Compared::new();
        let (mut rate, mut session_cpu) = (Compared::new(), Compared::new());
        for round in 0..rounds {
            let mut order = both;
            if round % 2 == 1 {
                order.reverse();
            }
            for (with_statistics, client) in order {
                let (r, _) = client.measure(&address, &["rtt".into(), n.to_string()])?;
                median.push(with_statistics, result(&r, "median_ns")?);
                p99.push(with_statistics, result(&r, "p99_ns")?);
                cpu.push(with_statistics, result(&r, "cpu_ns_per_call")?);
                counted.push(with_statistics, result(&r, "calls_counted")?);
            }
            for (with_statistics, client) in order {
                let args = [
                    "openclose".into(),
                    sessions.to_string(),
                    threads.to_string(),
                ];
                let (r, _) = client.measure(&address, &args)?;
                rate.push(with_statistics, result(&r, "sessions_per_s")?);
                session_cpu.push(with_statistics, result(&r, "cpu_ns_per_session")?);
            }
        }
        if counted.without.iter().any(|&c| c != 0.0) || counted.with.iter().any(|&c| c < n as f64) {
            return Err(format!(
                "the statistics section compares the wrong builds: calls counted {:?} with statistics, {:?} without",
                counted.with, counted.without
            ));
        }
        eprintln!(
            "statistics: rtt median {} / {}, cpu {} / {}, open-close {} / {}",
            median.cell(true, 1e-3, 1),
            median.cell(false, 1e-3, 1),
            cpu.cell(true, 1e-3, 1),
            cpu.cell(false, 1e-3, 1),
            rate.cell(true, 1.0, 0),
            rate.cell(false, 1.0, 0),
        );

        let mut s = format!(
            "## 10. The cost of the statistics\n\nThe C API's client (bench/c/bench.c) against the library as built, which keeps its per-connection statistics (`mesh_connection_statistic`) always, and against the same library built again with them compiled out (`--features no-statistics`), in the same run against the same emulator: {rounds} rounds, each running both builds, which one first alternating from round to round. Round trips: {n} `ExtendSession` calls on one session per run (after {} warm-up calls); open-and-close: {sessions} sessions per run from {threads} threads, which share the counters. Each cell is the median over the rounds, with the lowest and highest run in brackets. Client CPU: the client process's CPU time (all its threads) per call or session. Calls counted: what `MESH_STATISTIC_CALLS` read after the round trips (warm-up, opening and connecting included), 0 where the statistics are compiled out.\n\n| library | median µs | p99 µs | client CPU µs per call | calls counted |\n|---|---:|---:|---:|---:|\n",
            n / 10 + 10
        );
        for (with_statistics, client) in both {
            let (c, _, _) = summary(if with_statistics {
                counted.with.clone()
            } else {
                counted.without.clone()
            });
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {c:.0} |",
                client.name,
                median.cell(with_statistics, 1e-3, 1),
                p99.cell(with_statistics, 1e-3, 1),
                cpu.cell(with_statistics, 1e-3, 2),
            );
        }
        s.push_str(
            "\n| library | threads | sessions/s | client CPU µs per session |\n|---|---:|---:|---:|\n",
        );
        for (with_statistics, client) in both {
            let _ = writeln!(
                s,
                "| {} | {threads} | {} | {} |",
                client.name,
                rate.cell(with_statistics, 1.0, 0),
                session_cpu.cell(with_statistics, 1e-3, 2),
            );
        }
        let _ = writeln!(
            s,
            "\nWith statistics against without, round by round (each round's two runs ran back to back, so they share the machine's state): round trip {}; client CPU per call {}; sessions per second {}; client CPU per session {}.\n",
            median.paired(),
            cpu.paired(),
            rate.paired(),
            session_cpu.paired(),
        );
        Ok(s)
    }
}
