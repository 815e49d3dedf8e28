//! mesh-bench: measures mesh-capi against what users would pick instead, in
//! one run against one emulator on 127.0.0.1, and writes BENCHMARKS.md.
//!
//! Every client runs as its own process: the C API from a C program, the
//! Rust client API and a bare tonic client (the baseline) as `mesh-bench
//! peer ...`, a grpc++ synchronous client, and Python grpcio. The emulator
//! runs inside the harness, so its CPU time is read from its own threads.
//! Peers that are not installed are skipped with a note
//! (`bench/install-peers.sh` installs them). `--smoke` runs tiny counts, for
//! the test suite.

mod calc;
mod pathread;
mod peer;
#[path = "../../proto/rust/mod.rs"]
mod proto;
mod proxy;
mod sessions;

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use mesh_emulator::{Config, Emulator};

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("peer") {
        return match peer::run(&args[2..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mesh-bench peer: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let mut smoke = false;
    let mut only = None;
    let mut out = PathBuf::from("BENCHMARKS.md");
    let mut it = args.iter().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--smoke" => smoke = true,
            "--out" => match it.next() {
                Some(path) => out = path.into(),
                None => return usage("--out needs a path"),
            },
            "--only" => match it.next() {
                Some(names) => only = Some(names.split(',').map(str::to_string).collect()),
                None => return usage("--only needs section names"),
            },
            other => return usage(&format!("unknown argument {other}")),
        }
    }
    match Harness::new(smoke).and_then(|mut h| {
        h.only = only;
        h.run()
    }) {
        Ok(report) => {
            if let Err(e) = std::fs::write(&out, report) {
                eprintln!("mesh-bench: cannot write {}: {e}", out.display());
                return ExitCode::FAILURE;
            }
            println!("wrote {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("mesh-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!(
        "mesh-bench: {problem}\nusage: mesh-bench [--smoke] [--only {}] [--out BENCHMARKS.md]",
        SECTIONS.join(",")
    );
    ExitCode::from(2)
}

/// How much work each measurement does.
struct Counts {
    rtt_calls: usize,
    rtt_repeats: usize,
    open_close: usize,
    idle_sessions: Vec<usize>,
    idle_timeout: Duration,
    python_threads: Vec<usize>,
    ts_points: usize,
    ts_chunk: usize,
    model_objects: usize,
    model_repeats: usize,
    model_rounds: usize,
    calc_repeats: usize,
}

impl Counts {
    fn new(smoke: bool) -> Counts {
        if smoke {
            Counts {
                rtt_calls: 50,
                rtt_repeats: 1,
                open_close: 16,
                idle_sessions: vec![100],
                idle_timeout: Duration::from_secs(1),
                python_threads: vec![20],
                ts_points: 2_000,
                ts_chunk: 500,
                model_objects: 50,
                model_repeats: 1,
                model_rounds: 1,
                calc_repeats: 1,
            }
        } else {
            Counts {
                rtt_calls: 10_000,
                rtt_repeats: 5,
                open_close: 4_000,
                idle_sessions: vec![10_000, 100_000],
                idle_timeout: Duration::from_secs(20),
                python_threads: vec![1_000, 10_000],
                ts_points: 1_000_000,
                ts_chunk: 200_000,
                model_objects: 10_000,
                model_repeats: 3,
                model_rounds: 5,
                calc_repeats: 21,
            }
        }
    }
}

/// A client program: how to start it with `ADDRESS MODE ARGS...` appended.
#[derive(Clone)]
struct Client {
    name: &'static str,
    program: PathBuf,
    prefix: Vec<String>,
}

impl Client {
    /// Runs this client with `args` against `address`: its `RESULT`
    /// lines, and the emulator's CPU share over the run (CPU time over
    /// wall time).
    fn measure(&self, address: &str, args: &[String]) -> Result<(Vec<(String, String)>, f64)> {
        let cpu0 = emulator_cpu();
        let t0 = Instant::now();
        let out = run_ok(&mut self.command(address, args), self.name)?;
        let share = (emulator_cpu() - cpu0) / t0.elapsed().as_secs_f64();
        Ok((results(&out), share))
    }

    fn command(&self, address: &str, args: &[String]) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.prefix).arg(address).args(args);
        if pinning() {
            use std::os::unix::process::CommandExt;
            // SAFETY: only an async-signal-safe system call between fork and exec.
            unsafe {
                cmd.pre_exec(|| {
                    pin_to(0, CLIENT_CPU);
                    Ok(())
                });
            }
        }
        cmd
    }
}

/// On a machine of two or more cores the emulator runs on core 0 and every
/// client on core 1: otherwise where the scheduler happens to put four busy
/// threads on two cores swings round trips by 40% from run to run.
const EMULATOR_CPU: usize = 0;
const CLIENT_CPU: usize = 1;

fn pinning() -> bool {
    std::thread::available_parallelism()
        .map(|n| n.get() >= 2)
        .unwrap_or(false)
}

/// Restricts thread `tid` (0: the calling thread) to one CPU; best effort.
fn pin_to(tid: libc::pid_t, cpu: usize) {
    // SAFETY: a zeroed cpu_set_t is valid; CPU_SET and sched_setaffinity
    // only read and write it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

/// Pins the emulator's threads (named `mesh-emulator`) to `EMULATOR_CPU`.
fn pin_emulator() {
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

/// The measurements, by the names `--only` takes, in report order.
const SECTIONS: [&str; 8] = [
    "rtt",
    "openclose",
    "idle",
    "timeseries",
    "model",
    "calculations",
    "pathread",
    "latency",
];

struct Harness {
    smoke: bool,
    /// Run only these sections (`--only`); all when `None`.
    only: Option<Vec<String>>,
    counts: Counts,
    root: PathBuf,
    work: PathBuf,
    notes: Vec<String>,
    c_api: Client,
    rust: Client,
    tonic: Client,
    cpp: Option<Client>,
    python: Option<Client>,
}

fn run_ok(cmd: &mut Command, what: &str) -> Result<String> {
    let out = cmd.output().map_err(|e| format!("{what}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `RESULT key value` lines.
fn results(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("RESULT "))
        .filter_map(|l| l.split_once(' '))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
}

fn result(results: &[(String, String)], key: &str) -> Result<f64> {
    results
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.parse().ok())
        .ok_or_else(|| format!("no RESULT {key}"))
}

/// The directory holding libmesh_capi.so for this build profile: the newer
/// of the profile directory and its `deps/` (`cargo test` refreshes only
/// `deps/`, so the other copy may be left from an older `cargo build`).
fn lib_dir() -> Result<PathBuf> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let dir = exe.parent().ok_or("no exe dir")?;
    [dir.to_path_buf(), dir.join("deps")]
        .into_iter()
        .filter_map(|d| {
            let modified = d.join("libmesh_capi.so").metadata().ok()?.modified().ok()?;
            Some((modified, d))
        })
        .max_by_key(|(modified, _)| *modified)
        .map(|(_, d)| d)
        .ok_or_else(|| {
            format!(
                "libmesh_capi.so not found next to {}: build it first (cargo build -p mesh-capi, with the same profile)",
                exe.display()
            )
        })
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

impl Harness {
    fn new(smoke: bool) -> Result<Harness> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let root = root.canonicalize().map_err(|e| e.to_string())?;
        let work = root.join("target/bench");
        std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
        let lib = lib_dir()?;
        let self_exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let c_exe = work.join("bench_c");
        run_ok(
            Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
                .args(["-O2", "-std=c99", "-Wall", "-Wextra", "-Werror"])
                .arg("-I")
                .arg(root.join("include"))
                .arg(root.join("bench/c/bench.c"))
                .arg("-o")
                .arg(&c_exe)
                .arg("-L")
                .arg(&lib)
                .args(["-lmesh_capi", "-lpthread"])
                .arg(format!("-Wl,-rpath,{}", lib.display()))
                // DT_RPATH, searched before LD_LIBRARY_PATH, where cargo puts
                // the profile directory and so possibly a stale library.
                .arg("-Wl,--disable-new-dtags"),
            "compiling bench/c/bench.c",
        )?;
        let peer = |kind: &str| vec!["peer".to_string(), kind.to_string()];
        let mut h = Harness {
            smoke,
            only: None,
            counts: Counts::new(smoke),
            root,
            work,
            notes: Vec::new(),
            c_api: Client {
                name: "mesh-capi C API (C program)",
                program: c_exe,
                prefix: vec![],
            },
            rust: Client {
                name: "mesh-capi Rust client API",
                program: self_exe.clone(),
                prefix: peer("rust"),
            },
            tonic: Client {
                name: "bare tonic client (baseline)",
                program: self_exe,
                prefix: peer("tonic"),
            },
            cpp: None,
            python: None,
        };
        h.cpp = h.build_cpp();
        h.python = h.build_python();
        Ok(h)
    }

    fn protos(&self) -> [String; 2] {
        [
            "volue/mesh/grpc/type/resources.proto".into(),
            "volue/mesh/grpc/session/v1alpha/session.proto".into(),
        ]
    }

    fn build_cpp(&mut self) -> Option<Client> {
        let missing: Vec<_> = ["protoc", "grpc_cpp_plugin", "pkg-config", "c++"]
            .into_iter()
            .filter(|p| !have(p))
            .collect();
        let pkg = Command::new("pkg-config")
            .args(["--exists", "grpc++", "protobuf"])
            .status();
        if !missing.is_empty() || !pkg.map(|s| s.success()).unwrap_or(false) {
            self.notes.push(format!(
                "grpc++ skipped: not installed (missing: {}); run bench/install-peers.sh",
                if missing.is_empty() {
                    "the grpc++ pkg-config package".to_string()
                } else {
                    missing.join(", ")
                }
            ));
            return None;
        }
        let out = self.work.join("cpp");
        let build = || -> Result<PathBuf> {
            std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
            let plugin = run_ok(
                Command::new("sh").args(["-c", "command -v grpc_cpp_plugin"]),
                "which",
            )?;
            run_ok(
                Command::new("protoc")
                    .arg("-I")
                    .arg(self.root.join("proto"))
                    .arg(format!("--cpp_out={}", out.display()))
                    .arg(format!("--grpc_out={}", out.display()))
                    .arg(format!("--plugin=protoc-gen-grpc={}", plugin.trim()))
                    .args(self.protos()),
                "protoc for grpc++",
            )?;
            let flags = run_ok(
                Command::new("pkg-config").args(["--cflags", "--libs", "grpc++", "protobuf"]),
                "pkg-config",
            )?;
            let sources = self.protos().map(|p| {
                let base = p.trim_end_matches(".proto");
                [
                    out.join(format!("{base}.pb.cc")),
                    out.join(format!("{base}.grpc.pb.cc")),
                ]
            });
            let exe = out.join("bench_cpp");
            run_ok(
                Command::new("c++")
                    .args(["-O2", "-std=c++17"])
                    .arg("-I")
                    .arg(&out)
                    .arg(self.root.join("bench/cpp/bench.cc"))
                    .args(sources.iter().flatten())
                    .arg("-o")
                    .arg(&exe)
                    .args(flags.split_whitespace()),
                "compiling bench/cpp/bench.cc",
            )?;
            Ok(exe)
        };
        match build() {
            Ok(exe) => Some(Client {
                name: "grpc++ synchronous client (C++)",
                program: exe,
                prefix: vec![],
            }),
            Err(e) => {
                self.notes
                    .push(format!("grpc++ skipped: build failed: {e}"));
                None
            }
        }
    }

    fn build_python(&mut self) -> Option<Client> {
        let out = self.work.join("py");
        let _ = std::fs::create_dir_all(&out);
        let generated = Command::new("python3")
            .args(["-m", "grpc_tools.protoc", "-I"])
            .arg(self.root.join("proto"))
            .arg(format!("--python_out={}", out.display()))
            .arg(format!("--grpc_python_out={}", out.display()))
            .args(self.protos())
            .args([
                "volue/mesh/grpc/model_definition/v1alpha/model_definition.proto",
                "volue/mesh/grpc/time_series/v1alpha/time_series.proto",
                "volue/mesh/grpc/model/v1alpha/model.proto",
                "volue/mesh/grpc/calc/v1alpha/calc.proto",
            ])
            .output();
        match generated {
            Ok(o) if o.status.success() => Some(Client {
                name: "grpcio (Python)",
                program: "python3".into(),
                prefix: vec![
                    self.root
                        .join("bench/python/bench.py")
                        .display()
                        .to_string(),
                    out.display().to_string(),
                ],
            }),
            _ => {
                self.notes.push(
                    "grpcio skipped: python3 with grpcio and grpcio-tools not installed; run bench/install-peers.sh"
                        .into(),
                );
                None
            }
        }
    }

    fn clients(&self) -> Vec<Client> {
        let mut all = vec![self.c_api.clone(), self.rust.clone(), self.tonic.clone()];
        all.extend(self.cpp.clone());
        all.extend(self.python.clone());
        all
    }

    fn run(&mut self) -> Result<String> {
        let emu = Emulator::start_local(Config::default()).map_err(|e| e.to_string())?;
        pin_emulator();
        let address = emu.addr().to_string();
        let mut report = String::new();
        let _ = writeln!(report, "# Benchmarks\n");
        let _ = writeln!(
            report,
            "Written by `bash bench/run.sh` ({}). Machine: {}. Every client is its own process; the emulator (2 runtime threads, built with the harness) runs inside the harness process, on the same machine. {} \"Emulator CPU\" is the emulator's CPU time over the measurement's wall time (100% = one core busy). A real server is on another machine; here the emulator's speed bounds every client alike.\n",
            match (&self.only, self.smoke) {
                (_, true) => "smoke mode: tiny counts, numbers mean nothing".to_string(),
                (Some(only), false) => format!("sections {} only", only.join(", ")),
                (None, false) => "full run".to_string(),
            },
            machine(),
            if pinning() {
                "The emulator's threads are pinned to core 0 and each client process to core 1, so that thread placement does not swing the numbers (unpinned, round trips of one client moved between 85 and 122 µs from run to run)."
            } else {
                "One core only: clients and emulator share it."
            }
        );
        if let Some(unknown) = self
            .only
            .iter()
            .flatten()
            .find(|name| !SECTIONS.contains(&name.as_str()))
        {
            return Err(format!("no section {unknown:?}: sections are {SECTIONS:?}"));
        }
        let wanted = |name: &str| {
            self.only
                .as_ref()
                .is_none_or(|o| o.iter().any(|n| n == name))
        };
        let (rtt, openclose, idle, timeseries, model, calculations, pathread, latency) = (
            wanted("rtt"),
            wanted("openclose"),
            wanted("idle"),
            wanted("timeseries"),
            wanted("model"),
            wanted("calculations"),
            wanted("pathread"),
            wanted("latency"),
        );
        if rtt {
            report.push_str(&self.round_trip(&address)?);
        }
        if openclose {
            report.push_str(&self.open_close(&emu)?);
        }
        if idle {
            report.push_str(&self.idle(&emu)?);
        }
        if timeseries {
            report.push_str(&self.timeseries(&address)?);
        }
        if model {
            report.push_str(&self.model_search(&address)?);
        }
        if calculations {
            report.push_str(&self.calculations(&address)?);
        }
        if pathread {
            report.push_str(&self.path_read(&address)?);
        }
        if latency {
            report.push_str(&self.latency(&emu)?);
        }
        if !self.notes.is_empty() {
            let _ = writeln!(report, "## Notes\n");
            for n in &self.notes {
                let _ = writeln!(report, "- {n}");
            }
        }
        Ok(report)
    }

    fn idle(&mut self, main_emu: &Emulator) -> Result<String> {
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

/// One time series run: points per second written and read, client CPU
/// seconds per million points written and read, emulator CPU share.
#[derive(Debug)]
struct TsRun {
    write: f64,
    read: f64,
    write_cpu: f64,
    read_cpu: f64,
    emu: f64,
}

impl Harness {
    fn timeseries(&mut self, address: &str) -> Result<String> {
        let (n, chunk) = (self.counts.ts_points, self.counts.ts_chunk);
        let mut s = format!(
            "## 4. Time series\n\n{n} points written to one series in a session, then read back, then rolled back; points per second, the median of {} run(s). Shapes: requests of {chunk} points (Mesh takes at most 4 MB, about 200,000 points, per request); and all {n} points in one call, where the library chunks writes itself and splits reads that are over its receive limit, while with grpcio the caller must chunk writes (done here in {chunk}-point requests) and raise the receive limit to read in one request. Ratio: C API relative to grpcio with pyarrow in the same shape (higher is better). Client CPU: the client process's CPU time (all its threads) per million points written or read.\n\n| client | shape | receive limit | write points/s | read points/s | write ratio | read ratio | client CPU s per million written | per million read | emulator CPU |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
            self.counts.rtt_repeats
        );
        let shapes: [(&str, usize, u32); 3] = [
            ("requests of {chunk}", chunk, 4),
            ("{n} in one call", n, 4),
            ("{n} in one call", n, 64),
        ];
        let mut rows = Vec::new();
        for (label, per_call, recv_mb) in shapes {
            let label = label
                .replace("{chunk}", &chunk.to_string())
                .replace("{n}", &n.to_string());
            let mut clients = vec![self.c_api.clone()];
            // grpcio cannot read more than its receive limit in one request.
            if per_call <= chunk || recv_mb > 4 {
                clients.extend(self.python.clone());
            }
            for client in clients {
                let mut runs = Vec::new();
                for _ in 0..self.counts.rtt_repeats {
                    let args = [
                        "ts".to_string(),
                        n.to_string(),
                        per_call.to_string(),
                        recv_mb.to_string(),
                    ];
                    let (r, emu_share) = client.measure(address, &args)?;
                    let per_million = 1e6 / n as f64;
                    runs.push(TsRun {
                        write: result(&r, "write_points_per_s")?,
                        read: result(&r, "read_points_per_s")?,
                        write_cpu: result(&r, "write_cpu_s")? * per_million,
                        read_cpu: result(&r, "read_cpu_s")? * per_million,
                        emu: emu_share,
                    });
                }
                let mid = |f: fn(&TsRun) -> f64| {
                    let mut v: Vec<f64> = runs.iter().map(f).collect();
                    v.sort_by(f64::total_cmp);
                    v[v.len() / 2]
                };
                let row = TsRun {
                    write: mid(|r| r.write),
                    read: mid(|r| r.read),
                    write_cpu: mid(|r| r.write_cpu),
                    read_cpu: mid(|r| r.read_cpu),
                    emu: mid(|r| r.emu),
                };
                eprintln!("timeseries {} {label} {recv_mb} MiB: {row:?}", client.name);
                rows.push((client.name, label.clone(), recv_mb, row));
            }
        }
        let python_name = self.python.as_ref().map(|p| p.name);
        for (name, label, recv_mb, row) in &rows {
            let base = rows
                .iter()
                .find(|(n2, l2, m2, _)| Some(*n2) == python_name && l2 == label && m2 == recv_mb)
                .map(|(.., b)| (b.write, b.read));
            let ratio = |x: f64, b: Option<f64>| {
                b.map(|b| format!("{:.2}×", x / b))
                    .unwrap_or_else(|| "n/a".into())
            };
            let _ = writeln!(
                s,
                "| {name} | {label} | {recv_mb} MiB | {:.0} | {:.0} | {} | {} | {:.3} | {:.3} | {:.0}% |",
                row.write,
                row.read,
                ratio(row.write, base.map(|b| b.0)),
                ratio(row.read, base.map(|b| b.1)),
                row.write_cpu,
                row.read_cpu,
                row.emu * 100.0
            );
        }
        s.push('\n');
        Ok(s)
    }
}

/// One run of the model search: objects, attributes, wall s, client CPU s,
/// resident bytes per object, emulator CPU share.
type ModelRun = (f64, f64, f64, f64, f64, f64);

/// Where the model benchmark puts its plants, and how it finds them.
const PLANT_OWNER: &str = "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef";
const PLANT_SEARCH_START: &str = "Model/SimpleThermalTestModel/ThermalComponent";
const PLANT_QUERY: &str = "*[.Type=PlantElementType]";

/// Adds `n` plants (objects of about 30 attributes each, with their
/// definitions' defaults) to the emulator's test model through the Rust
/// client, as any client could do to a Mesh server, and commits them.
fn add_plants(address: &str, n: usize) -> Result<()> {
    use mesh_capi::client::model::Target;
    use mesh_capi::client::{ConnectOptions, Connection};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let conn = Connection::connect(address, ConnectOptions::default()).await?;
        let session = conn.open_session().await?;
        let owner = Target::Path(PLANT_OWNER.to_string());
        for i in 0..n {
            session
                .create_object(&owner, &format!("BenchPlant{i:06}"), None)
                .await?;
        }
        session.commit().await?;
        session.close().await
    })
    .map_err(|e| format!("adding {n} plants: {e}"))
}

impl Harness {
    fn model_search(&mut self, address: &str) -> Result<String> {
        let n = self.counts.model_objects;
        add_plants(address, n)?;
        let repeats = self.counts.model_repeats;
        let rounds = self.counts.model_rounds;
        let mut s = format!(
            "## 5. Searching the model\n\n{n} plants added to the test model (objects of about 30 attributes each), then `SearchObjects` with `{PLANT_QUERY}` from `{PLANT_SEARCH_START}`, which streams them all back (and the model's own plant); the client reads every object's name and every attribute's name, value type and first value (through the C API: a call per item read, one borrowed handle per object and attribute). Each client runs {repeats} search(es) and reports their medians, in {rounds} round(s) alternating the clients; a row is the client's median round. Times run from the request to the last attribute read: wall time, which the emulator's speed bounds for every client alike, and the client process's CPU time (all its threads), which is what decoding and reading cost the client. Memory is what the client's resident size grew by over the first search, while holding its results, per object found: for the C API the decoded result, for grpcio the list of protobuf messages. Views: attributes without definitions (the official client's default) and with them. Ratios: objects per wall second and per client CPU second relative to grpcio in the same view (higher is better).\n\n| client | view | objects | attributes | wall s | client CPU s | wall ratio | CPU ratio | memory per object | emulator CPU |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        );
        // Rounds that alternate the clients, so that the machine's load
        // changing over the run hits them alike; each row is the median
        // round of its client and view.
        let mut rows = Vec::new();
        for view in ["nodefs", "full"] {
            let mut clients = vec![self.c_api.clone()];
            clients.extend(self.python.clone());
            let mut runs: Vec<Vec<ModelRun>> = vec![Vec::new(); clients.len()];
            for _ in 0..rounds {
                for (client, runs) in clients.iter().zip(runs.iter_mut()) {
                    let args = [
                        "model".to_string(),
                        repeats.to_string(),
                        PLANT_SEARCH_START.to_string(),
                        PLANT_QUERY.to_string(),
                        view.to_string(),
                    ];
                    let (r, emu_share) = client.measure(address, &args)?;
                    let run = (
                        result(&r, "objects")?,
                        result(&r, "attributes")?,
                        result(&r, "seconds")?,
                        result(&r, "cpu_seconds")?,
                        result(&r, "rss_per_object")?,
                        emu_share,
                    );
                    eprintln!("model {} {view}: {run:?}", client.name);
                    if run.0 < n as f64 {
                        return Err(format!(
                            "{} found {} objects, expected at least {n}",
                            client.name, run.0
                        ));
                    }
                    runs.push(run);
                }
            }
            for (client, mut runs) in clients.iter().zip(runs) {
                runs.sort_by(|a, b| a.2.total_cmp(&b.2));
                rows.push((client.name, view, runs[runs.len() / 2]));
            }
        }
        let python_name = self.python.as_ref().map(|p| p.name);
        for (name, view, (objects, attributes, seconds, cpu, rss, emu)) in &rows {
            let base = rows
                .iter()
                .find(|(n2, v2, _)| Some(*n2) == python_name && v2 == view)
                .map(|(_, _, b)| (b.2, b.3));
            // Same objects, so rates compare as inverse times.
            let ratio = |ours: f64, theirs: Option<f64>| {
                theirs
                    .map(|t| format!("{:.2}×", t / ours))
                    .unwrap_or_else(|| "n/a".into())
            };
            let view = if *view == "full" {
                "with definitions"
            } else {
                "without definitions"
            };
            let _ = writeln!(
                s,
                "| {name} | {view} | {objects:.0} | {attributes:.0} | {seconds:.3} | {cpu:.3} | {} | {} | {:.1} KiB | {:.0}% |",
                ratio(*seconds, base.map(|b| b.0)),
                ratio(*cpu, base.map(|b| b.1)),
                rss / 1024.0,
                emu * 100.0
            );
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

fn result_value(text: &str, key: &str) -> Option<u64> {
    results(text)
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.parse().ok())
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

fn proc_cpu(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
    stat_cpu(&stat).ok_or_else(|| "unreadable /proc stat".into())
}

/// A number from /proc/PID/status, e.g. "VmRSS:" (kB) or "Threads:".
fn proc_status(pid: u32, key: &str) -> Result<f64> {
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
fn emulator_cpu() -> f64 {
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

fn machine() -> String {
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
