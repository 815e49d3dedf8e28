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
//!
//! `main` reads the arguments and runs the sections in order; the rest is
//! in modules: the shared state (`harness`), the clients and their launch
//! (`clients`, with the in-Rust ones in `peer`), the machine (`host`), the
//! report's own text (`report`), and one module per measurement.

mod calc;
mod clients;
mod harness;
mod host;
mod idle;
mod instructions;
mod limits;
mod manyreads;
mod model;
mod pathread;
mod peer;
#[path = "../../proto/rust/mod.rs"]
mod proto;
mod proxy;
mod report;
mod sessions;
mod statistics;
mod timeseries;

use std::path::PathBuf;
use std::process::ExitCode;

use mesh_emulator::{Config, Emulator};

use harness::Harness;

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("serve") {
        return match timeseries::serve(&args[2..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mesh-bench serve: {e}");
                ExitCode::FAILURE
            }
        };
    }
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
        "mesh-bench: {problem}\nusage: mesh-bench [--smoke] [--only {}] [--out BENCHMARKS.md]\n       mesh-bench serve data|emulator POINTS (serves on 127.0.0.1:0 until killed, for experiments)",
        SECTIONS.join(",")
    );
    ExitCode::from(2)
}

/// The measurements, by the names `--only` takes, in report order.
const SECTIONS: [&str; 12] = [
    "rtt",
    "openclose",
    "idle",
    "timeseries",
    "model",
    "calculations",
    "pathread",
    "latency",
    "manyreads",
    "statistics",
    "limits",
    "instructions",
];

impl Harness {
    /// Starts the emulator and runs the sections asked for, in report order.
    fn run(&mut self) -> Result<String> {
        let emu = Emulator::start_local(Config::default()).map_err(|e| e.to_string())?;
        host::pin_emulator();
        let address = emu.addr().to_string();
        let mut report = crate::report::header(self.only.as_deref(), self.smoke);
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
        let (rtt, openclose, idle, timeseries, model, calculations, pathread, latency, manyreads) = (
            wanted("rtt"),
            wanted("openclose"),
            wanted("idle"),
            wanted("timeseries"),
            wanted("model"),
            wanted("calculations"),
            wanted("pathread"),
            wanted("latency"),
            wanted("manyreads"),
        );
        let statistics = wanted("statistics");
        let limits = wanted("limits");
        let instructions = wanted("instructions");
        let data_server = if timeseries || limits {
            Some(self.data_server()?)
        } else {
            None
        };
        let mut addresses = vec![("emulator", address.clone())];
        addresses.extend(
            data_server
                .as_ref()
                .map(|d| ("data server", d.addr().to_string())),
        );
        let servers: Vec<(&str, &str)> = addresses.iter().map(|(n, a)| (*n, a.as_str())).collect();
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
            report.push_str(&self.timeseries(&servers)?);
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
        if manyreads {
            report.push_str(&self.many_reads(&address)?);
        }
        if statistics {
            report.push_str(&self.statistics(&emu)?);
        }
        if limits {
            report.push_str(&self.limits(&servers)?);
        }
        if instructions {
            report.push_str(&self.instructions(&address)?);
        }
        report.push_str(&crate::report::notes(&self.notes));
        Ok(report)
    }
}
