//! How near a one-call read is to the machine (section 11): the bytes of a
//! read of all the time series section's points, moved between the same two
//! processes (this one, which holds the emulator, and the C client) by a
//! plain socket copy, and copied in memory, beside the C API's one-call read
//! of the same points at the default receive limit.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;

use crate::clients::result;
use crate::harness::Harness;
use crate::{host, Result};

/// What the sender writes at a time (the issue asks for 1 MiB at least).
const WRITE_BYTES: usize = 4 << 20;

impl Harness {
    /// Section 11, the one-call read against each of `servers` (a name for
    /// the report, and its address).
    pub(super) fn limits(&mut self, servers: &[(&str, &str)]) -> Result<String> {
        let n = self.counts.ts_points;
        let rounds = self.counts.rtt_repeats.max(1) * 4;
        // The wire form of the points: an Arrow IPC stream in one gRPC
        // message.
        let (t, f, v) = crate::timeseries::section_points(n);
        let points = mesh_capi::client::Points::new(t, f, v).map_err(|e| e.to_string())?;
        let payload = points.to_arrow_stream().map_err(|e| e.to_string())?;
        let bytes = payload.len() + 5;

        // The C API's one-call read at the default (4 MiB) receive limit:
        // points/s and client CPU s per million points, the median run.
        let args = [
            "ts".to_string(),
            n.to_string(),
            n.to_string(),
            "4".to_string(),
        ];
        let mut one_call = Vec::new();
        for &(server, address) in servers {
            let mut reads = Vec::new();
            for _ in 0..self.counts.rtt_repeats {
                let (r, _) = self.c_api.measure(address, &args)?;
                reads.push((
                    result(&r, "read_points_per_s")?,
                    result(&r, "read_cpu_s")? * 1e6 / n as f64,
                ));
            }
            reads.sort_by(|a, b| a.0.total_cmp(&b.0));
            one_call.push((server, reads[reads.len() / 2]));
        }

        // Memory: the peak resident growth of a one-call read from the data
        // server (the server that holds the points without a write first),
        // the median of the runs.
        let mut growth = Vec::new();
        if let Some(&(_, address)) = servers.iter().find(|(name, _)| *name == "data server") {
            for _ in 0..self.counts.rtt_repeats {
                let (r, _) = self
                    .c_api
                    .measure(address, &["readmem".to_string(), n.to_string()])?;
                growth.push(result(&r, "peak_growth_bytes")?);
            }
            growth.sort_by(f64::total_cmp);
        }

        // The plain socket: this process sends, the C program reads.
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let socket_address = listener
            .local_addr()
            .map_err(|e| e.to_string())?
            .to_string();
        let sender = std::thread::spawn(move || -> std::io::Result<()> {
            if host::pinning() {
                host::pin_to(0, 0);
            }
            let (mut stream, _) = listener.accept()?;
            stream.set_nodelay(true)?;
            let mut request = [0u8; 1];
            while stream.read_exact(&mut request).is_ok() {
                for chunk in payload.chunks(WRITE_BYTES) {
                    stream.write_all(chunk)?;
                }
                stream.write_all(&[0; 5])?;
            }
            Ok(())
        });
        let args = ["socket".to_string(), bytes.to_string(), rounds.to_string()];
        let (r, _) = self.c_api.measure(&socket_address, &args)?;
        sender
            .join()
            .map_err(|_| "the socket sender panicked".to_string())?
            .map_err(|e| format!("the socket sender: {e}"))?;
        let socket_bps = result(&r, "bytes_per_s")?;
        let socket_cpu = result(&r, "cpu_s_per_round")? * 1e6 / n as f64;

        let args = [
            "memcpy".to_string(),
            bytes.to_string(),
            (rounds * 5).to_string(),
        ];
        let (r, _) = self.c_api.measure("-", &args)?;
        let memcpy_bps = result(&r, "bytes_per_s")?;

        let per_point = bytes as f64 / n as f64;
        let mib = |bps: f64| bps / (1 << 20) as f64;
        let mut s = format!(
            "## 11. The machine's limits\n\nThe bytes of a read of {n} points ({bytes} bytes: the points as an Arrow IPC stream, the form Mesh sends them in, with the 5-byte gRPC prefix) moved three ways: by the C API's one-call read at the default 4 MiB receive limit (the library splits it), from the emulator and from the emulator in data-serving mode (see section 4; the median of {} runs, each on a new session); by a plain TCP socket over loopback between the same two processes, this harness writing {} MiB at a time and the C program reading 1 MiB at a time ({rounds} rounds after the connect); and by `memcpy` in the C program ({} copies). Client CPU: the C program's CPU time per million points' worth of bytes.\n\n| path | MiB/s | points/s | client CPU s per million points | share of the socket rate |\n|---|---:|---:|---:|---:|\n",
            self.counts.rtt_repeats,
            WRITE_BYTES >> 20,
            rounds * 5
        );
        let mut rows: Vec<(String, f64, Option<f64>)> = one_call
            .iter()
            .map(|(server, (pps, cpu))| {
                (
                    format!("mesh-capi C API, one-call read from the {server}"),
                    pps * per_point,
                    Some(*cpu),
                )
            })
            .collect();
        rows.push(("plain socket (limit)".into(), socket_bps, Some(socket_cpu)));
        rows.push(("memcpy (limit)".into(), memcpy_bps, None));
        for (path, bps, cpu) in &rows {
            s.push_str(&format!(
                "| {path} | {:.0} | {:.0} | {} | {:.2} |\n",
                mib(*bps),
                bps / per_point,
                cpu.map_or(String::new(), |c| format!("{c:.4}")),
                bps / socket_bps
            ));
        }
        let shares: Vec<String> = one_call
            .iter()
            .map(|(server, (pps, _))| {
                format!("{:.2} from the {server}", pps * per_point / socket_bps)
            })
            .collect();
        s.push_str(&format!(
            "\nTarget (issue 22): the C API's one-call read at least half the plain socket rate for the same bytes: {}.\n\n",
            shares.join(", ")
        ));
        if let (Some(low), Some(high)) = (growth.first(), growth.last()) {
            let own = 20.0 * n as f64;
            let median = growth[growth.len() / 2];
            s.push_str(&format!(
                "Memory: while the C API reads the {n} points in one call from the data server, the client's peak resident memory (`VmHWM`, reset before the call) grows by {:.1} MiB, the median of {} runs ({:.1} to {:.1}): {:.2}× the points' own 20 bytes each ({:.1} MiB). Target (issue 22): at most 2×.\n\n",
                median / (1 << 20) as f64,
                growth.len(),
                low / (1 << 20) as f64,
                high / (1 << 20) as f64,
                median / own,
                own / (1 << 20) as f64
            ));
        }
        eprintln!(
            "limits: one-call reads {one_call:?} points/s, socket {:.0} MiB/s, memcpy {:.0} MiB/s",
            mib(socket_bps),
            mib(memcpy_bps)
        );
        Ok(s)
    }
}
