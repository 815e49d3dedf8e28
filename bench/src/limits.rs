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
    pub(super) fn limits(&mut self, address: &str) -> Result<String> {
        let n = self.counts.ts_points;
        let rounds = self.counts.rtt_repeats.max(1) * 4;
        // The wire form of the points: an Arrow IPC stream in one gRPC
        // message.
        let points = mesh_capi::client::Points::new(
            (0..n as i64)
                .map(|i| 1_924_992_000_000 + i * 1000)
                .collect(),
            vec![0; n],
            (0..n).map(|i| i as f64 * 0.5).collect(),
        )
        .map_err(|e| e.to_string())?;
        let payload = points.to_arrow_stream().map_err(|e| e.to_string())?;
        let bytes = payload.len() + 5;

        // The C API's one-call read at the default (4 MiB) receive limit.
        let args = [
            "ts".to_string(),
            n.to_string(),
            n.to_string(),
            "4".to_string(),
        ];
        let mut reads = Vec::new();
        for _ in 0..self.counts.rtt_repeats {
            let (r, _) = self.c_api.measure(address, &args)?;
            reads.push((
                result(&r, "read_points_per_s")?,
                // Seconds per million points.
                result(&r, "read_cpu_s")? * 1e6 / n as f64,
            ));
        }
        reads.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (read_pps, read_cpu) = reads[reads.len() / 2];

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
        let read_bps = read_pps * per_point;
        let mib = |bps: f64| bps / (1 << 20) as f64;
        let mut s = format!(
            "## 11. The machine's limits\n\nThe bytes of a read of {n} points ({bytes} bytes: the points as an Arrow IPC stream, the form Mesh sends them in, with the 5-byte gRPC prefix) moved three ways: by the C API's one-call read at the default 4 MiB receive limit (the library splits it; the median of {} runs, each on a new session, as in section 4); by a plain TCP socket over loopback between the same two processes, this harness writing {} MiB at a time and the C program reading 1 MiB at a time ({rounds} rounds after the connect); and by `memcpy` in the C program ({} copies). Client CPU: the C program's CPU time per million points' worth of bytes.\n\n| path | MiB/s | points/s | client CPU s per million points | share of the socket rate |\n|---|---:|---:|---:|---:|\n",
            self.counts.rtt_repeats,
            WRITE_BYTES >> 20,
            rounds * 5
        );
        for (path, bps, cpu) in [
            ("mesh-capi C API, one-call read", read_bps, Some(read_cpu)),
            ("plain socket (limit)", socket_bps, Some(socket_cpu)),
            ("memcpy (limit)", memcpy_bps, None),
        ] {
            s.push_str(&format!(
                "| {path} | {:.0} | {:.0} | {} | {:.2} |\n",
                mib(bps),
                bps / per_point,
                cpu.map_or(String::new(), |c| format!("{c:.4}")),
                bps / socket_bps
            ));
        }
        s.push_str(&format!(
            "\nTarget (issue 22): the C API's one-call read at least half the plain socket rate for the same bytes: {:.2} here. The emulator encodes every answer itself, so this row is bounded by it too.\n\n",
            read_bps / socket_bps
        ));
        eprintln!(
            "limits: read {:.0} MiB/s, socket {:.0} MiB/s, memcpy {:.0} MiB/s",
            mib(read_bps),
            mib(socket_bps),
            mib(memcpy_bps)
        );
        Ok(s)
    }
}
