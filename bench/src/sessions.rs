//! The session-call measurements: the round trip of one call, opening and
//! closing sessions from one and from many threads, and both again through
//! a proxy that adds a LAN's latency. Every client reports its own process
//! CPU time over the measured calls, so that a client's cost is not hidden
//! by the emulator's speed.

use std::fmt::Write as _;
use std::time::Duration;

use mesh_emulator::Emulator;

use crate::clients::result;
use crate::harness::Harness;
use crate::proxy::DelayProxy;
use crate::Result;

/// What the latency proxy adds each way (a LAN's round trip of 1 ms).
pub(crate) const LAN_DELAY: Duration = Duration::from_micros(500);

/// One client's round trips: median and p99 ns, client CPU ns per call,
/// emulator CPU share.
#[derive(Clone, Copy, Debug)]
struct Rtt {
    median: f64,
    p99: f64,
    cpu: f64,
    emu: f64,
}

/// One client's open-and-close run: sessions per second, calls the emulator
/// answered per session, client CPU ns per session, emulator CPU share.
#[derive(Clone, Copy, Debug)]
struct OpenClose {
    rate: f64,
    calls: f64,
    cpu: f64,
    emu: f64,
}

/// Session calls the emulator has answered so far.
fn session_calls(emu: &Emulator) -> u64 {
    [
        "StartSession",
        "EndSession",
        "ExtendSession",
        "Commit",
        "Rollback",
    ]
    .iter()
    .map(|m| emu.calls(m))
    .sum()
}

impl Harness {
    /// `calls` round trips per run from every client, in `rounds` rounds
    /// over all clients (so that drift in the machine's load hits every
    /// client alike); each client's row is its run with the median median.
    fn rtt_rows(
        &self,
        address: &str,
        calls: usize,
        rounds: usize,
    ) -> Result<Vec<(&'static str, Rtt)>> {
        let clients = self.clients();
        let mut runs: Vec<Vec<Rtt>> = vec![Vec::new(); clients.len()];
        for _ in 0..rounds {
            for (client, runs) in clients.iter().zip(runs.iter_mut()) {
                let (r, emu) = client.measure(address, &["rtt".into(), calls.to_string()])?;
                runs.push(Rtt {
                    median: result(&r, "median_ns")?,
                    p99: result(&r, "p99_ns")?,
                    cpu: result(&r, "cpu_ns_per_call")?,
                    emu,
                });
            }
        }
        let mut rows = Vec::new();
        for (client, mut runs) in clients.iter().zip(runs) {
            runs.sort_by(|a, b| a.median.total_cmp(&b.median));
            let row = runs[runs.len() / 2];
            eprintln!("rtt {address} {}: {row:?}", client.name);
            rows.push((client.name, row));
        }
        Ok(rows)
    }

    /// `count` sessions opened and closed from `threads` threads by every
    /// client, each counted at `emu` (which `address` leads to), in
    /// `rounds` rounds over all clients; each client's row is its run with
    /// the median rate.
    fn open_close_rows(
        &self,
        emu: &Emulator,
        address: &str,
        threads: usize,
        count: usize,
        rounds: usize,
    ) -> Result<Vec<(&'static str, OpenClose)>> {
        let clients = self.clients();
        let mut runs: Vec<Vec<OpenClose>> = vec![Vec::new(); clients.len()];
        for _ in 0..rounds {
            for (client, runs) in clients.iter().zip(runs.iter_mut()) {
                let calls0 = session_calls(emu);
                let args = ["openclose".into(), count.to_string(), threads.to_string()];
                let (r, emu_share) = client.measure(address, &args)?;
                runs.push(OpenClose {
                    rate: result(&r, "sessions_per_s")?,
                    calls: (session_calls(emu) - calls0) as f64 / count as f64,
                    cpu: result(&r, "cpu_ns_per_session")?,
                    emu: emu_share,
                });
            }
        }
        let mut rows = Vec::new();
        for (client, mut runs) in clients.iter().zip(runs) {
            runs.sort_by(|a, b| a.rate.total_cmp(&b.rate));
            let row = runs[runs.len() / 2];
            eprintln!("openclose {address} {} x{threads}: {row:?}", client.name);
            rows.push((client.name, row));
        }
        Ok(rows)
    }

    fn baseline<T: Copy>(&self, rows: &[(&'static str, T)]) -> Result<T> {
        rows.iter()
            .find(|(name, _)| *name == self.tonic.name)
            .map(|(_, row)| *row)
            .ok_or_else(|| "no baseline".to_string())
    }

    pub(super) fn round_trip(&mut self, address: &str) -> Result<String> {
        let n = self.counts.rtt_calls;
        let rows = self.rtt_rows(address, n, self.counts.rtt_repeats)?;
        let base = self.baseline(&rows)?;
        let mut s = format!(
            "## 1. Round trip of one session call (`ExtendSession`)\n\n{n} calls on one session after {} warm-up calls, in {} rounds over all clients; each row is the client's round with the median median. Ratio: time relative to the bare tonic baseline (lower is better). Client CPU: the client process's CPU time (all its threads) over the {n} calls, per call.\n\n| client | median µs | p99 µs | median ratio | p99 ratio | client CPU µs per call | CPU ratio | emulator CPU |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
            n / 10 + 10,
            self.counts.rtt_repeats
        );
        for (name, r) in &rows {
            let _ = writeln!(
                s,
                "| {name} | {:.1} | {:.1} | {:.2}× | {:.2}× | {:.1} | {:.2}× | {:.0}% |",
                r.median / 1e3,
                r.p99 / 1e3,
                r.median / base.median,
                r.p99 / base.p99,
                r.cpu / 1e3,
                r.cpu / base.cpu,
                r.emu * 100.0
            );
        }
        let c = self.c_api.name;
        let _ = writeln!(
            s,
            "\nThe C API against the Rust client API (time, lower is better): median {}, client CPU per call {}.",
            ratio(&rows, c, self.rust.name, |r| r.median),
            ratio(&rows, c, self.rust.name, |r| r.cpu),
        );
        s.push('\n');
        Ok(s)
    }

    pub(super) fn open_close(&mut self, emu: &Emulator) -> Result<String> {
        let address = emu.addr().to_string();
        let n = self.counts.open_close;
        let mut s = format!(
            "## 2. Open-and-close throughput\n\n`StartSession` then `EndSession`, {n} sessions per run from 8 threads (8 tasks for the async Rust clients) and {} from 1, in {} rounds over all clients; each row is the client's run with the median rate. Calls per session are counted at the emulator: the library learns the server's timeout with one background `ExtendSession` from a connection's first session that stays open long enough, so later sessions make 2 calls, as the peers do. Ratio: throughput relative to the bare tonic baseline (higher is better). Client CPU: the client process's CPU time (all its threads) over the run, per session.\n\n| client | threads | sessions/s | ratio | calls per session | client CPU µs per session | CPU ratio | emulator CPU |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
            n / 2,
            self.counts.rtt_repeats
        );
        let rounds = self.counts.rtt_repeats;
        let per_thread_count = |threads| if threads == 1 { n / 2 } else { n };
        self.open_close_tables(&mut s, emu, &address, per_thread_count, rounds)?;
        Ok(s)
    }

    /// The open-and-close rows from 1 and from 8 threads (`count(threads)`
    /// sessions a run, `rounds` runs a client), appended to `s` with the
    /// summary line that compares the C API with its peers.
    fn open_close_tables(
        &mut self,
        s: &mut String,
        emu: &Emulator,
        address: &str,
        count: impl Fn(usize) -> usize,
        rounds: usize,
    ) -> Result<()> {
        let mut summary = Vec::new();
        for threads in [1usize, 8] {
            let rows = self.open_close_rows(emu, address, threads, count(threads), rounds)?;
            write_open_close(s, threads, &rows, self.baseline(&rows)?);
            summary.push(self.open_close_summary(threads, &rows));
        }
        let _ = writeln!(
            s,
            "\nThe C API's sessions per second (higher is better) {}.",
            summary.join("; ")
        );
        s.push('\n');
        Ok(())
    }

    /// The C API's open-and-close rate against the Rust client API and
    /// grpc++ at `threads` threads.
    fn open_close_summary(&self, threads: usize, rows: &[(&'static str, OpenClose)]) -> String {
        let c = self.c_api.name;
        let from = if threads == 1 {
            "from 1 thread".to_string()
        } else {
            format!("from {threads} threads")
        };
        let mut text = format!(
            "{from}: {} of the Rust client API's",
            ratio(rows, c, self.rust.name, |r| r.rate)
        );
        if let Some(cpp) = &self.cpp {
            let _ = write!(
                text,
                ", {} of grpc++'s",
                ratio(rows, c, cpp.name, |r| r.rate)
            );
        }
        text
    }

    /// Sections 1 and 2 again through a proxy that delays every byte by
    /// `LAN_DELAY` each way.
    pub(super) fn latency(&mut self, emu: &Emulator) -> Result<String> {
        let proxy = DelayProxy::start(emu.addr(), LAN_DELAY).map_err(|e| e.to_string())?;
        let address = proxy.addr().to_string();
        let calls = (self.counts.rtt_calls / 5).max(10);
        let sessions = (self.counts.open_close / 2).max(16);
        let delay_ms = LAN_DELAY.as_secs_f64() * 1e3;
        let rounds = self.counts.rtt_repeats.min(3);
        let mut s = format!(
            "## 8. At a LAN's latency\n\nThe round trip and open-and-close measurements again, through a TCP proxy in the harness that delays every byte by {delay_ms} ms each way (a round trip of {} ms on the wire, as on a LAN; the emulator answers in microseconds). Here the wire dominates: what counts is calls per operation and how well calls from many threads share the connection. Round trips: {calls} calls per run, {} rounds, the median round. Open-and-close: {sessions} sessions per run from 1 and from 8 threads, the median of {} rounds. Ratios against the bare tonic baseline in the same setting; client CPU as in sections 1 and 2.\n\n| client | median µs | p99 µs | median ratio | client CPU µs per call |\n|---|---:|---:|---:|---:|\n",
            delay_ms * 2.0,
            rounds,
            rounds
        );
        let rows = self.rtt_rows(&address, calls, rounds)?;
        let base = self.baseline(&rows)?;
        for (name, r) in rows {
            let _ = writeln!(
                s,
                "| {name} | {:.1} | {:.1} | {:.2}× | {:.1} |",
                r.median / 1e3,
                r.p99 / 1e3,
                r.median / base.median,
                r.cpu / 1e3
            );
        }
        s.push_str(
            "\n| client | threads | sessions/s | ratio | calls per session | client CPU µs per session | CPU ratio | emulator CPU |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        self.open_close_tables(&mut s, emu, &address, |_| sessions, rounds)?;
        drop(proxy);
        Ok(s)
    }
}

/// Row `a`'s `f` over row `b`'s, as a ratio; "n/a" when either is missing.
fn ratio<T: Copy>(rows: &[(&'static str, T)], a: &str, b: &str, f: impl Fn(T) -> f64) -> String {
    let find = |name: &str| rows.iter().find(|(n, _)| *n == name).map(|(_, r)| f(*r));
    match (find(a), find(b)) {
        (Some(a), Some(b)) => format!("{:.2}×", a / b),
        _ => "n/a".into(),
    }
}

fn write_open_close(
    s: &mut String,
    threads: usize,
    rows: &[(&'static str, OpenClose)],
    base: OpenClose,
) {
    for (name, r) in rows {
        let _ = writeln!(
            s,
            "| {name} | {threads} | {:.0} | {:.2}× | {:.2} | {:.1} | {:.2}× | {:.0}% |",
            r.rate,
            r.rate / base.rate,
            r.calls,
            r.cpu / 1e3,
            r.cpu / base.cpu,
            r.emu * 100.0
        );
    }
}
