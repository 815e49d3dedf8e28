//! Idle sessions at scale (section 3): one client process holds many open
//! sessions, idle, while the harness watches its threads, resident memory
//! and CPU time from /proc and counts the emulator's `ExtendSession` calls.
//! The emulator here is a second one, with a short inactivity timeout, so
//! that keep-alive shows within seconds.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use mesh_emulator::{Config, Emulator};

use crate::clients::result_value;
use crate::harness::Harness;
use crate::host::{emulator_cpu, pin_emulator, proc_cpu, proc_status};
use crate::Result;

impl Harness {
    pub(super) fn idle(&mut self, main_emu: &Emulator) -> Result<String> {
        let timeout = self.counts.idle_timeout;
        let emu = Emulator::start_local(Config {
            session_timeout: timeout,
            ..Config::default()
        })
        .map_err(|e| e.to_string())?;
        pin_emulator();
        let address = emu.addr().to_string();
        let window = timeout * 2;
        let mut s = format!(
            "## 3. Idle sessions at scale\n\nOne client process holds N open sessions with keep-alive running; the server's inactivity timeout is {} s here (Mesh: 300 s), so the library extends each idle session every {} s. Measured over an idle window of {} s: threads of the process, resident memory added per session (RSS after opening minus RSS after connecting, over N), CPU seconds per session-hour while idle, and `ExtendSession` calls per session per server timeout counted at the emulator. The Python row is the official client's model, a thread per open session (its timer fires every 150 s, so it sends nothing in the window).\n\n| client | sessions | threads | RSS per session | CPU s per session-hour | `ExtendSession` per session per timeout | per keep-alive interval | emulator CPU |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
            timeout.as_secs_f64(),
            timeout.as_secs_f64() / 2.0,
            window.as_secs_f64()
        );
        for &n in &self.counts.idle_sessions.clone() {
            let cmd = self
                .c_api
                .command(&address, &["idle".into(), n.to_string()]);
            let row = idle_run(cmd, n, window, || emu.calls("ExtendSession"))?;
            let per_timeout =
                row.extends / n as f64 / (window.as_secs_f64() / timeout.as_secs_f64());
            let _ = writeln!(
                s,
                "| {} | {n} | {} | {:.0} B | {:.4} | {per_timeout:.2} | {:.3} | {:.0}% |",
                self.c_api.name,
                row.threads,
                row.rss_per_session,
                row.cpu_per_session_hour,
                per_timeout / 2.0,
                row.emu_share * 100.0
            );
            eprintln!(
                "idle C API {n}: {:?}",
                (row.threads, row.rss_per_session, per_timeout)
            );
        }
        if let Some(python) = self.python.clone() {
            for &n in &self.counts.python_threads.clone() {
                let cmd = python.command(
                    &main_emu.addr().to_string(),
                    &["threads".into(), n.to_string()],
                );
                match idle_run(cmd, n, window, || 0) {
                    Ok(row) => {
                        let reached = row
                            .failed_at
                            .map(|f| format!(" (failed at {f} sessions)"))
                            .unwrap_or_default();
                        let _ = writeln!(
                            s,
                            "| {} | {n}{reached} | {} | {:.0} B | {:.4} | (150 s timer) | | {:.0}% |",
                            python.name,
                            row.threads,
                            row.rss_per_session,
                            row.cpu_per_session_hour,
                            row.emu_share * 100.0
                        );
                    }
                    Err(e) => {
                        let _ = writeln!(
                            s,
                            "| {} | {n} | failed: {} | | | | |",
                            python.name,
                            e.lines().next().unwrap_or("")
                        );
                    }
                }
            }
        }
        s.push('\n');
        Ok(s)
    }
}

#[derive(Debug)]
struct IdleRow {
    threads: u64,
    rss_per_session: f64,
    cpu_per_session_hour: f64,
    extends: f64,
    emu_share: f64,
    failed_at: Option<u64>,
}

/// Drives a client in idle mode: it prints `baseline` after connecting,
/// opens N sessions on a line from us, prints `ready`, and holds them until
/// its stdin closes.
fn idle_run(
    mut cmd: Command,
    n: usize,
    window: Duration,
    extends: impl Fn() -> u64,
) -> Result<IdleRow> {
    let mut child: Child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let pid = child.id();
    let mut stdin: ChildStdin = child.stdin.take().ok_or("no stdin")?;
    let mut lines = BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
    let mut seen = Vec::new();
    let mut wait_for =
        |lines: &mut std::io::Lines<BufReader<ChildStdout>>, word: &str| -> Result<()> {
            for line in lines.by_ref() {
                let line = line.map_err(|e| e.to_string())?;
                if line == word {
                    return Ok(());
                }
                seen.push(line);
            }
            Err(format!("the client ended before printing {word}"))
        };
    let result = (|| -> Result<IdleRow> {
        wait_for(&mut lines, "baseline")?;
        let rss0 = proc_status(pid, "VmRSS:")? * 1024.0;
        writeln!(stdin).map_err(|e| e.to_string())?;
        wait_for(&mut lines, "ready")?;
        let rss1 = proc_status(pid, "VmRSS:")? * 1024.0;
        let (cpu1, e1, emu1) = (proc_cpu(pid)?, extends(), emulator_cpu());
        std::thread::sleep(window);
        let (cpu2, e2, emu2) = (proc_cpu(pid)?, extends(), emulator_cpu());
        let threads = proc_status(pid, "Threads:")? as u64;
        let secs = window.as_secs_f64();
        Ok(IdleRow {
            threads,
            rss_per_session: (rss1 - rss0) / n as f64,
            cpu_per_session_hour: (cpu2 - cpu1) / n as f64 * 3600.0 / secs,
            extends: (e2 - e1) as f64,
            emu_share: (emu2 - emu1) / secs,
            failed_at: None,
        })
    })();
    drop(stdin);
    let _ = child.wait();
    let mut row = result?;
    let text = seen.join("\n");
    row.failed_at = result_value(&text, "failed_at");
    Ok(row)
}
