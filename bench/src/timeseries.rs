//! Writing and reading time series (section 4): points (a million in the
//! full run) written to one series and read back, through the C API and
//! through grpcio, in requests of Mesh's size and in one call, at the
//! default receive limit and at a raised one.

use std::fmt::Write as _;

use mesh_emulator::{Config, Emulator, Served};

use crate::clients::result;
use crate::harness::Harness;
use crate::Result;

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

/// Where bench.c and bench.py put their points: 1 s apart from
/// 2031-01-01T00:00Z, in series 1.
const TS_START: i64 = 1_924_992_000_000;

/// The points of the time series section, as the clients write them.
pub(crate) fn section_points(n: usize) -> (Vec<i64>, Vec<u32>, Vec<f64>) {
    (
        (0..n as i64).map(|i| TS_START + i * 1000).collect(),
        vec![0; n],
        (0..n).map(|i| i as f64 * 0.5).collect(),
    )
}

/// `mesh-bench serve data|emulator POINTS`: the data server holding the
/// section's first POINTS points, or the plain emulator, pinned as in a run,
/// until killed; prints its address. For experiments by hand, e.g. with
/// `bench/c/bench ADDRESS ts POINTS CHUNK RECEIVE_MB`.
pub(crate) fn serve(args: &[String]) -> Result<()> {
    let points = args.get(1).and_then(|n| n.parse().ok());
    let served = match (args.first().map(String::as_str), points) {
        (Some("data"), Some(n)) => {
            let (t, f, v) = section_points(n);
            Some(std::sync::Arc::new(Served::new(1, &t, &f, &v)?))
        }
        (Some("emulator"), Some(_)) => None,
        _ => return Err("usage: mesh-bench serve data|emulator POINTS".into()),
    };
    let emu = Emulator::start_local(Config {
        served,
        ..Config::default()
    })
    .map_err(|e| e.to_string())?;
    crate::host::pin_emulator();
    println!("{}", emu.addr());
    loop {
        std::thread::park();
    }
}

impl Harness {
    /// The emulator in data-serving mode, holding the section's points as
    /// series 1, its threads pinned as the other emulator's.
    pub(super) fn data_server(&self) -> Result<Emulator> {
        let (t, f, v) = section_points(self.counts.ts_points);
        let served = Served::new(1, &t, &f, &v)?;
        let emu = Emulator::start_local(Config {
            served: Some(std::sync::Arc::new(served)),
            ..Config::default()
        })
        .map_err(|e| e.to_string())?;
        crate::host::pin_emulator();
        Ok(emu)
    }

    /// Section 4, against each of `servers` (a name for the report, and its
    /// address).
    pub(super) fn timeseries(&mut self, servers: &[(&str, &str)]) -> Result<String> {
        let (n, chunk) = (self.counts.ts_points, self.counts.ts_chunk);
        let mut s = format!(
            "## 4. Time series\n\n{n} points written to one series in a session, then read back, then rolled back; points per second, the median of {} run(s). Shapes: requests of {chunk} points (Mesh takes at most 4 MB, about 200,000 points, per request); and all {n} points in one call, where the library chunks writes itself and splits reads that are over its receive limit, while with grpcio and with the bare tonic client (the floor of the library's stack: tonic with its defaults, the same Arrow codec) the caller must chunk writes (done here in {chunk}-point requests) and raise the receive limit to read in one request. Servers: the emulator, which stores the points and encodes every answer; and the emulator in data-serving mode, which holds the same points, answers each distinct interval from an answer it encoded once, and drops writes, so that it is not what bounds a client (the first run of each shape encodes its answers; the median does not). Ratio: relative to grpcio with pyarrow in the same shape and server (higher is better). Client CPU: the client process's CPU time (all its threads) per million points written or read. Server CPU: the emulator's CPU time over the run's wall time.\n\n| client | server | shape | receive limit | write points/s | read points/s | write ratio | read ratio | client CPU s per million written | per million read | server CPU |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
            self.counts.rtt_repeats
        );
        let shapes: [(&str, usize, u32); 3] = [
            ("requests of {chunk}", chunk, 4),
            ("{n} in one call", n, 4),
            ("{n} in one call", n, 64),
        ];
        let mut rows = Vec::new();
        for &(server, address) in servers {
            for (label, per_call, recv_mb) in shapes {
                let label = label
                    .replace("{chunk}", &chunk.to_string())
                    .replace("{n}", &n.to_string());
                let mut clients = vec![self.c_api.clone()];
                // The peers cannot read more than their receive limit in one
                // request.
                if per_call <= chunk || recv_mb > 4 {
                    clients.push(self.tonic.clone());
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
                    eprintln!(
                        "timeseries {} {server} {label} {recv_mb} MiB: {row:?}",
                        client.name
                    );
                    rows.push((client.name, server, label.clone(), recv_mb, row));
                }
            }
        }
        let python_name = self.python.as_ref().map(|p| p.name);
        for (name, server, label, recv_mb, row) in &rows {
            let base = rows
                .iter()
                .find(|(n2, s2, l2, m2, _)| {
                    Some(*n2) == python_name && s2 == server && l2 == label && m2 == recv_mb
                })
                .map(|(.., b)| (b.write, b.read));
            let ratio = |x: f64, b: Option<f64>| {
                b.map(|b| format!("{:.2}×", x / b))
                    .unwrap_or_else(|| "n/a".into())
            };
            let _ = writeln!(
                s,
                "| {name} | {server} | {label} | {recv_mb} MiB | {:.0} | {:.0} | {} | {} | {:.3} | {:.3} | {:.0}% |",
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
