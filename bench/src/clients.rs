//! The client programs the harness measures, and how they are built and
//! launched: the C program linked against the library, the in-Rust peers
//! (`mesh-bench peer ...`), grpc++ and Python grpcio when installed. A
//! client runs as a child process and reports on stdout in `RESULT key
//! value` lines, which are parsed here too.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::host;
use crate::Result;

/// A client program: how to start it with `ADDRESS MODE ARGS...` appended.
#[derive(Clone)]
pub(crate) struct Client {
    pub(crate) name: &'static str,
    program: PathBuf,
    prefix: Vec<String>,
}

impl Client {
    /// Runs this client with `args` against `address`: its `RESULT`
    /// lines, and the emulator's CPU share over the run (CPU time over
    /// wall time).
    pub(crate) fn measure(
        &self,
        address: &str,
        args: &[String],
    ) -> Result<(Vec<(String, String)>, f64)> {
        let cpu0 = host::emulator_cpu();
        let t0 = Instant::now();
        let out = run_ok(&mut self.command(address, args), self.name)?;
        let share = (host::emulator_cpu() - cpu0) / t0.elapsed().as_secs_f64();
        Ok((results(&out), share))
    }

    pub(crate) fn command(&self, address: &str, args: &[String]) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.prefix).arg(address).args(args);
        if host::pinning() {
            use std::os::unix::process::CommandExt;
            // SAFETY: only an async-signal-safe system call between fork and exec.
            unsafe {
                cmd.pre_exec(|| {
                    host::pin_to(0, host::CLIENT_CPU);
                    Ok(())
                });
            }
        }
        cmd
    }
}

/// The C API's client: `bench/c/bench.c`, compiled into `work` against the
/// library of this build profile.
pub(crate) fn c_api(root: &Path, work: &Path) -> Result<Client> {
    c_program(
        root,
        &lib_dir()?,
        &work.join("bench_c"),
        "mesh-capi C API (C program)",
    )
}

/// The C API's client against the library built once more with its
/// statistics compiled out (the `no-statistics` feature), in this build
/// profile, into `work/no-statistics` (a target directory of its own, so
/// that it replaces nothing of the normal build). The first build compiles
/// every dependency again: minutes.
pub(crate) fn c_api_without_statistics(root: &Path, work: &Path) -> Result<Client> {
    let target = work.join("no-statistics");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_string());
    let mut build = Command::new(cargo);
    build
        .current_dir(root)
        .args(["build", "-p", "mesh-capi", "--lib", "--features"])
        .arg("no-statistics")
        .arg("--target-dir")
        .arg(&target);
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        build.arg("--release");
        "release"
    };
    run_ok(
        &mut build,
        "building mesh-capi with --features no-statistics",
    )?;
    c_program(
        root,
        &target.join(profile),
        &work.join("bench_c_no_statistics"),
        "mesh-capi C API, statistics compiled out",
    )
}

/// `bench/c/bench.c` compiled into `exe` against the library in `lib`.
fn c_program(root: &Path, lib: &Path, exe: &Path, name: &'static str) -> Result<Client> {
    run_ok(
        Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
            .args(["-O2", "-std=c99", "-Wall", "-Wextra", "-Werror"])
            .arg("-I")
            .arg(root.join("include"))
            .arg(root.join("bench/c/bench.c"))
            .arg("-o")
            .arg(exe)
            .arg("-L")
            .arg(lib)
            .args(["-lmesh_capi", "-lpthread"])
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            // DT_RPATH, searched before LD_LIBRARY_PATH, where cargo puts
            // the profile directory and so possibly a stale library.
            .arg("-Wl,--disable-new-dtags"),
        "compiling bench/c/bench.c",
    )?;
    Ok(Client {
        name,
        program: exe.to_path_buf(),
        prefix: vec![],
    })
}

/// The in-Rust peers, this executable run as `mesh-bench peer KIND`: the
/// Rust client API and the bare tonic baseline, in that order.
pub(crate) fn rust_peers() -> Result<[Client; 2]> {
    let self_exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let peer = |kind: &str| vec!["peer".to_string(), kind.to_string()];
    Ok([
        Client {
            name: "mesh-capi Rust client API",
            program: self_exe.clone(),
            prefix: peer("rust"),
        },
        Client {
            name: "bare tonic client (baseline)",
            program: self_exe,
            prefix: peer("tonic"),
        },
    ])
}

fn protos() -> [String; 2] {
    [
        "volue/mesh/grpc/type/resources.proto".into(),
        "volue/mesh/grpc/session/v1alpha/session.proto".into(),
    ]
}

/// The grpc++ client, generated and compiled into `work/cpp`. The error is
/// why it is skipped, for the report's notes: a peer that is missing must
/// not stop the run.
pub(crate) fn cpp(root: &Path, work: &Path) -> Result<Client> {
    let missing: Vec<_> = ["protoc", "grpc_cpp_plugin", "pkg-config", "c++"]
        .into_iter()
        .filter(|p| !have(p))
        .collect();
    let pkg = Command::new("pkg-config")
        .args(["--exists", "grpc++", "protobuf"])
        .status();
    if !missing.is_empty() || !pkg.map(|s| s.success()).unwrap_or(false) {
        return Err(format!(
            "grpc++ skipped: not installed (missing: {}); run bench/install-peers.sh",
            if missing.is_empty() {
                "the grpc++ pkg-config package".to_string()
            } else {
                missing.join(", ")
            }
        ));
    }
    let out = work.join("cpp");
    let build = || -> Result<PathBuf> {
        std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
        let plugin = run_ok(
            Command::new("sh").args(["-c", "command -v grpc_cpp_plugin"]),
            "which",
        )?;
        run_ok(
            Command::new("protoc")
                .arg("-I")
                .arg(root.join("proto"))
                .arg(format!("--cpp_out={}", out.display()))
                .arg(format!("--grpc_out={}", out.display()))
                .arg(format!("--plugin=protoc-gen-grpc={}", plugin.trim()))
                .args(protos()),
            "protoc for grpc++",
        )?;
        let flags = run_ok(
            Command::new("pkg-config").args(["--cflags", "--libs", "grpc++", "protobuf"]),
            "pkg-config",
        )?;
        let sources = protos().map(|p| {
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
                .arg(root.join("bench/cpp/bench.cc"))
                .args(sources.iter().flatten())
                .arg("-o")
                .arg(&exe)
                .args(flags.split_whitespace()),
            "compiling bench/cpp/bench.cc",
        )?;
        Ok(exe)
    };
    match build() {
        Ok(exe) => Ok(Client {
            name: "grpc++ synchronous client (C++)",
            program: exe,
            prefix: vec![],
        }),
        Err(e) => Err(format!("grpc++ skipped: build failed: {e}")),
    }
}

/// The grpcio client, `bench/python/bench.py` on stubs generated into
/// `work/py`. The error is why it is skipped, for the report's notes.
pub(crate) fn python(root: &Path, work: &Path) -> Result<Client> {
    let out = work.join("py");
    let _ = std::fs::create_dir_all(&out);
    let generated = Command::new("python3")
        .args(["-m", "grpc_tools.protoc", "-I"])
        .arg(root.join("proto"))
        .arg(format!("--python_out={}", out.display()))
        .arg(format!("--grpc_python_out={}", out.display()))
        .args(protos())
        .args([
            "volue/mesh/grpc/model_definition/v1alpha/model_definition.proto",
            "volue/mesh/grpc/time_series/v1alpha/time_series.proto",
            "volue/mesh/grpc/model/v1alpha/model.proto",
            "volue/mesh/grpc/calc/v1alpha/calc.proto",
        ])
        .output();
    match generated {
        Ok(o) if o.status.success() => Ok(Client {
            name: "grpcio (Python)",
            program: "python3".into(),
            prefix: vec![
                root.join("bench/python/bench.py").display().to_string(),
                out.display().to_string(),
            ],
        }),
        _ => Err(
            "grpcio skipped: python3 with grpcio and grpcio-tools not installed; run bench/install-peers.sh"
                .into(),
        ),
    }
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

pub(crate) fn result(results: &[(String, String)], key: &str) -> Result<f64> {
    results
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.parse().ok())
        .ok_or_else(|| format!("no RESULT {key}"))
}

/// A whole-number `RESULT` in a client's output, if it printed one.
pub(crate) fn result_value(text: &str, key: &str) -> Option<u64> {
    results(text)
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.parse().ok())
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
