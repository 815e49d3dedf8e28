//! The machine the run is on: pinning the emulator and the clients to their
//! own cores, the CPU time and memory of processes and threads as /proc
//! reports them, and what the machine is, for the report. Linux only, as
//! the harness is.

use crate::Result;

/// On a machine of two or more cores the emulator runs on core 0 and every
/// client on core 1: otherwise where the scheduler happens to put four busy
/// threads on two cores swings round trips by 40% from run to run.
const EMULATOR_CPU: usize = 0;
pub(crate) const CLIENT_CPU: usize = 1;

pub(crate) fn pinning() -> bool {
    std::thread::available_parallelism()
        .map(|n| n.get() >= 2)
        .unwrap_or(false)
}

/// Restricts thread `tid` (0: the calling thread) to one CPU; best effort.
pub(crate) fn pin_to(tid: libc::pid_t, cpu: usize) {
    // SAFETY: a zeroed cpu_set_t is valid; CPU_SET and sched_setaffinity
    // only read and write it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

/// Pins the emulator's threads (named `mesh-emulator`) to `EMULATOR_CPU`.
pub(crate) fn pin_emulator() {
    if !pinning() {
        return;
    }
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return;
    };
    for task in tasks.filter_map(|t| t.ok()) {
        let named = std::fs::read_to_string(task.path().join("comm"))
            .map(|c| c.starts_with("mesh-emulator"))
            .unwrap_or(false);
        let tid = task
            .file_name()
            .to_str()
            .and_then(|t| t.parse::<libc::pid_t>().ok());
        if let (true, Some(tid)) = (named, tid) {
            pin_to(tid, EMULATOR_CPU);
        }
    }
}

fn clock_ticks() -> f64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 {
        t as f64
    } else {
        100.0
    }
}

/// utime + stime of a /proc stat file, in seconds.
fn stat_cpu(stat: &str) -> Option<f64> {
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / clock_ticks())
}

pub(crate) fn proc_cpu(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
    stat_cpu(&stat).ok_or_else(|| "unreadable /proc stat".into())
}

/// A number from /proc/PID/status, e.g. "VmRSS:" (kB) or "Threads:".
pub(crate) fn proc_status(pid: u32, key: &str) -> Result<f64> {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| e.to_string())?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("no {key} in /proc/{pid}/status"))
}

/// CPU seconds used so far by the emulator's threads in this process.
pub(crate) fn emulator_cpu() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    tasks
        .filter_map(|t| t.ok())
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm"))
                .map(|c| c.starts_with("mesh-emulator"))
                .unwrap_or(false)
        })
        .filter_map(|t| std::fs::read_to_string(t.path().join("stat")).ok())
        .filter_map(|s| stat_cpu(&s))
        .sum()
}

/// Cores, CPU model and memory, for the report's opening paragraph.
pub(crate) fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse::<f64>().ok())
        .map(|kb| kb / 1024.0 / 1024.0)
        .unwrap_or(0.0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cores} cores ({cpu}), {mem_gib:.1} GiB memory")
}
