//! Many small reads from one host thread (section 9): a day of hourly
//! points (24) from each of many different series (1,000 in the full run),
//! read one after another with blocking calls, and with all reads in flight
//! at once, at loopback and through the proxy that adds a LAN's latency.
//! The C API's asynchronous calls (`mesh_timeseries_read_by_key_start` and
//! `_finish`, or a completion callback) against its own blocking loop, the
//! bare tonic baseline (awaits one after another, and all in flight on one
//! channel) and grpcio (its synchronous stub in a loop, and `asyncio.gather`
//! on its asyncio stub).

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::clients::{result, Client};
use crate::harness::Harness;
use crate::proxy::DelayProxy;
use crate::sessions::LAN_DELAY;
use crate::Result;

/// 2030-01-01T00:00Z: a day clear of the demo data and of the other
/// sections' points.
const DAY_START: i64 = 1_893_456_000_000;
const HOUR_MS: i64 = 3_600_000;
const HOURS: usize = 24;
/// The catalog folder the series are created in.
const FOLDER: &str = "/Bench/ManyReads/";

/// The value of hour `h` of series `i`: exact in binary, so that every
/// client's sum agrees to the last bit.
fn value(i: usize, h: usize) -> f64 {
    i as f64 + h as f64 * 0.125
}

/// Creates `n` hourly series in `FOLDER`, writes a day of points to each
/// and commits, through the Rust client as any client could. Returns their
/// keys in creation order and the sum of all their points.
fn create_series(address: &str, n: usize) -> Result<(Vec<i64>, f64)> {
    use mesh_capi::client::{
        ConnectOptions, Connection, CurveType, ErrorKind, NewPhysicalTimeseries, Points,
        Resolution, TimeseriesId,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let name = |i: usize| format!("S{i:05}");
    let keys = rt
        .block_on(async {
            let conn = Connection::connect(address, ConnectOptions::default()).await?;
            let session = conn.open_session().await?;
            let unit = session
                .units_of_measurement()
                .await?
                .into_iter()
                .next()
                .map(|u| u.id)
                .ok_or_else(|| {
                    mesh_capi::client::Error::new(ErrorKind::NotFound, "no unit of measurement")
                })?;
            for i in 0..n {
                session
                    .create_physical_timeseries(&NewPhysicalTimeseries {
                        path: FOLDER.into(),
                        name: name(i),
                        curve_type: CurveType::Staircase,
                        resolution: Resolution::Hour,
                        unit_id: unit,
                        time_zone: None,
                    })
                    .await?;
            }
            // Keys come at commit; points can be read only after it.
            session.commit().await?;
            let times: Vec<i64> = (0..HOURS as i64).map(|h| DAY_START + h * HOUR_MS).collect();
            for i in 0..n {
                let points = Points::new(
                    times.clone(),
                    vec![0; HOURS],
                    (0..HOURS).map(|h| value(i, h)).collect(),
                )?;
                let path = format!("Resource{FOLDER}{}", name(i));
                session
                    .write_timeseries(
                        &TimeseriesId::Path(path),
                        DAY_START,
                        DAY_START + HOURS as i64 * HOUR_MS,
                        &points,
                    )
                    .await?;
            }
            session.commit().await?;
            // The catalog has no lookup of a key by path: the keys are
            // found by asking for keys in turn (Mesh hands them out in
            // order, so they follow the demo catalog's).
            let index: HashMap<String, usize> = (0..n)
                .map(|i| (format!("Resource{FOLDER}{}", name(i)), i))
                .collect();
            let mut keys = vec![0i64; n];
            let (mut found, mut key) = (0, 1i64);
            while found < n {
                if key > 10 * n as i64 + 100_000 {
                    return Err(mesh_capi::client::Error::new(
                        ErrorKind::NotFound,
                        format!("found the keys of only {found} of the {n} series created"),
                    ));
                }
                match session.timeseries_resource(key).await {
                    Ok(resource) => {
                        if let Some(&i) = index.get(&resource.path) {
                            keys[i] = key;
                            found += 1;
                        }
                    }
                    Err(e) if e.kind() == ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
                key += 1;
            }
            session.close().await?;
            Ok(keys)
        })
        .map_err(|e| format!("creating {n} series of a day of hourly points: {e}"))?;
    let total = (0..n)
        .flat_map(|i| (0..HOURS).map(move |h| value(i, h)))
        .sum();
    Ok((keys, total))
}

/// How a client reads the series: the word its program takes, and what the
/// report calls it.
#[derive(Clone)]
struct Style {
    arg: &'static str,
    label: &'static str,
    /// Whether all reads are in flight at once (else one after another).
    concurrent: bool,
}

/// The rows of each setting (loopback, then the LAN's delay), under the
/// setting's name: client, way of reading, measurement.
type Table = Vec<(String, Vec<(&'static str, Style, Row)>)>;

/// One row: wall seconds and client CPU seconds for all the reads (medians
/// over the passes), the emulator's CPU share.
#[derive(Clone, Copy, Debug)]
struct Row {
    seconds: f64,
    cpu: f64,
    emu: f64,
}

impl Harness {
    pub(super) fn many_reads(&mut self, address: &str) -> Result<String> {
        let n = self.counts.many_series;
        let repeats = self.counts.rtt_repeats;
        let (keys, total) = create_series(address, n)?;
        let key_file = self
            .work
            .join(format!("manyreads-keys-{}.txt", std::process::id()));
        let text: String = keys.iter().map(|k| format!("{k}\n")).collect();
        std::fs::write(&key_file, text).map_err(|e| e.to_string())?;
        let outcome = self.many_read_rows(address, &key_file, n, repeats, total);
        let _ = std::fs::remove_file(&key_file);
        let rows = outcome?;

        let delay_ms = LAN_DELAY.as_secs_f64() * 1e3;
        let mut s = format!(
            "## 9. Many reads from one thread\n\n{n} different series, each with a day of hourly points (24 points, written and committed first), read by key (`ReadTimeseries`) from one host thread over one connection, each answer decoded and its values summed by the client. Two ways: one read after another, each waiting for its answer (the C API's `mesh_timeseries_read_by_key`; tonic awaiting each call; grpcio's synchronous stub); and all {n} reads in flight at once (the C API's `mesh_timeseries_read_by_key_start` for every series, then `_finish` for each in turn, or a completion callback set with `mesh_operation_set_callback` that finishes each on the library's callback thread; tonic with a task per read on one channel; grpcio's asyncio stub under `asyncio.gather`). All share one HTTP/2 connection, on which the emulator, like Mesh, allows 100 concurrent streams; further calls queue. At loopback, and through the proxy of section 8 that delays every byte by {delay_ms} ms each way. Each client process reads every series once to warm up, then once more timed; {repeats} round(s) over all clients, each row the client's round with the median time. Client CPU: the client process's CPU time (all its threads) over the timed pass; emulator CPU: as in the other sections, over the client's whole run, warm-up included. Over own loop: reads per second relative to the same client's one-after-another row at the same delay. Vs baseline: reads per second relative to the bare tonic client reading the same way (one after another, or all in flight) at the same delay (higher is better for both).\n\n| client | reads | delay | ms per {n} reads | reads/s | over own loop | vs baseline | client CPU ms per {n} reads | emulator CPU |\n|---|---|---|---:|---:|---:|---:|---:|---:|\n"
        );
        for (delay, rows) in &rows {
            let own_loop = |client: &str| {
                rows.iter()
                    .find(|(c, st, _)| *c == client && !st.concurrent)
                    .map(|(.., r)| r.seconds)
            };
            let baseline = |concurrent: bool| {
                rows.iter()
                    .find(|(c, st, _)| *c == self.tonic.name && st.concurrent == concurrent)
                    .map(|(.., r)| r.seconds)
            };
            for (client, style, row) in rows {
                let ratio = |theirs: Option<f64>| {
                    theirs
                        .map(|t| format!("{:.2}×", t / row.seconds))
                        .unwrap_or_else(|| "n/a".into())
                };
                let _ = writeln!(
                    s,
                    "| {client} | {} | {delay} | {:.1} | {:.0} | {} | {} | {:.1} | {:.0}% |",
                    style.label,
                    row.seconds * 1e3,
                    n as f64 / row.seconds,
                    ratio(own_loop(client)),
                    ratio(baseline(style.concurrent)),
                    row.cpu * 1e3,
                    row.emu * 100.0
                );
            }
        }
        s.push('\n');
        s.push_str(&self.many_reads_summary(&rows));
        s.push('\n');
        Ok(s)
    }

    /// Every client's rows at loopback and at the LAN's delay, labelled by
    /// the delay.
    fn many_read_rows(
        &self,
        address: &str,
        key_file: &std::path::Path,
        n: usize,
        repeats: usize,
        total: f64,
    ) -> Result<Table> {
        let target = address
            .parse()
            .map_err(|e| format!("address {address}: {e}"))?;
        let proxy = DelayProxy::start(target, LAN_DELAY).map_err(|e| e.to_string())?;
        let lan = proxy.addr().to_string();
        let delay_ms = LAN_DELAY.as_secs_f64() * 1e3;
        let clients = self.many_read_clients();
        let mut all = Vec::new();
        for (label, address) in [
            ("loopback".to_string(), address.to_string()),
            (format!("{delay_ms} ms each way"), lan),
        ] {
            // Rounds over all clients, so that drift in the machine's load
            // hits every client alike.
            let mut runs: Vec<Vec<Row>> = vec![Vec::new(); clients.len()];
            for _ in 0..repeats {
                for ((client, style), runs) in clients.iter().zip(runs.iter_mut()) {
                    runs.push(self.many_read_run(client, style, &address, key_file, n, total)?);
                }
            }
            let mut rows = Vec::new();
            for ((client, style), mut runs) in clients.iter().zip(runs) {
                runs.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
                let row = runs[runs.len() / 2];
                eprintln!("manyreads {label} {} {}: {row:?}", client.name, style.arg);
                rows.push((client.name, style.clone(), row));
            }
            all.push((label, rows));
        }
        drop(proxy);
        Ok(all)
    }

    /// One run of `client` reading every series once the `style` way
    /// (after a pass to warm up), its answers checked.
    fn many_read_run(
        &self,
        client: &Client,
        style: &Style,
        address: &str,
        key_file: &std::path::Path,
        n: usize,
        total: f64,
    ) -> Result<Row> {
        let args = [
            "manyreads".to_string(),
            "1".to_string(),
            key_file.display().to_string(),
            DAY_START.to_string(),
            (DAY_START + HOURS as i64 * HOUR_MS).to_string(),
            style.arg.to_string(),
        ];
        let (r, emu) = client.measure(address, &args)?;
        let points = result(&r, "points")?;
        let sum = result(&r, "total")?;
        if points != (n * HOURS) as f64 || (sum - total).abs() > 1e-9 * total.abs() {
            return Err(format!(
                "{} ({}): read {points} points summing to {sum}, expected {} summing to {total}",
                client.name,
                style.label,
                n * HOURS
            ));
        }
        Ok(Row {
            seconds: result(&r, "seconds")?,
            cpu: result(&r, "cpu_seconds")?,
            emu,
        })
    }

    /// The clients of this section and the ways each reads, in row order.
    fn many_read_clients(&self) -> Vec<(Client, Style)> {
        let style = |arg, label, concurrent| Style {
            arg,
            label,
            concurrent,
        };
        let mut list = vec![
            (
                self.c_api.clone(),
                style("blocking", "blocking calls, one after another", false),
            ),
            (
                self.c_api.clone(),
                style("async", "all started, then `_finish` each", true),
            ),
            (
                self.c_api.clone(),
                style("callback", "all started, callbacks finish them", true),
            ),
            (
                self.tonic.clone(),
                style("blocking", "awaited one after another", false),
            ),
            (
                self.tonic.clone(),
                style("async", "all in flight (a task each)", true),
            ),
        ];
        if let Some(python) = &self.python {
            list.push((
                python.clone(),
                style("blocking", "synchronous stub, one after another", false),
            ));
            list.push((
                python.clone(),
                style("async", "asyncio stub, `asyncio.gather` of all", true),
            ));
        }
        list
    }

    /// What the rows say about the targets: at the LAN's delay, the C
    /// API's reads with all in flight against its blocking loop and against
    /// grpcio's `asyncio.gather`; its blocking loop against grpcio's and
    /// tonic's.
    fn many_reads_summary(&self, rows: &Table) -> String {
        let mut s = String::new();
        for (delay, rows) in rows {
            let time = |client: &str, arg: &str| {
                rows.iter()
                    .find(|(c, st, _)| *c == client && st.arg == arg)
                    .map(|(.., r)| r.seconds)
            };
            let speed = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => format!("{:.2}×", b / a),
                _ => "n/a".into(),
            };
            let c = self.c_api.name;
            let python = self.python.as_ref().map(|p| p.name).unwrap_or("");
            let blocking = time(c, "blocking");
            let _ = writeln!(
                s,
                "At {delay}, the C API's reads per second (higher is better): all in flight with `_finish` {} and with callbacks {} of its blocking loop's; with `_finish` {} and with callbacks {} of grpcio's `asyncio.gather`; its blocking loop {} of grpcio's synchronous loop and {} of tonic's.\n",
                speed(time(c, "async"), blocking),
                speed(time(c, "callback"), blocking),
                speed(time(c, "async"), time(python, "async")),
                speed(time(c, "callback"), time(python, "async")),
                speed(blocking, time(python, "blocking")),
                speed(blocking, time(self.tonic.name, "blocking")),
            );
        }
        s
    }
}
