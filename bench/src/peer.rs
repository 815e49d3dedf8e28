//! The in-Rust clients of the benchmarks, run as child processes of the
//! harness like every other client: the Rust client API of mesh-capi, and a
//! bare tonic client on stubs generated from the same protos (the baseline).
//!
//!   mesh-bench peer rust|tonic ADDRESS rtt N
//!   mesh-bench peer rust|tonic ADDRESS openclose N TASKS
//!   mesh-bench peer tonic ADDRESS manyreads R KEYFILE START END blocking|async
//!       read [START, END) ms of every series whose key is in KEYFILE (one a
//!       line), R times after a pass to warm up: awaiting each read in
//!       turn, or all in flight at once (a task each, on one channel);
//!       values decoded and summed
//!
//!   mesh-bench peer tonic ADDRESS ts N CHUNK RECV_MB
//!       write N points to series 1 in requests of at most CHUNK (and at
//!       most 200,000) points, read them back in requests of CHUNK with a
//!       receive limit of RECV_MB MiB, roll back: the stack's floor for
//!       bulk data, with tonic's defaults as a user would have them
//!
//! CPU times are the process's (all its threads, the runtime's included).

use std::time::Instant;

use mesh_capi::client::{ConnectOptions, Connection, Points};
use tonic::transport::{Channel, Endpoint};

use crate::proto::session::session_service_client::SessionServiceClient;
use crate::proto::time_series::timeseries_service_client::TimeseriesServiceClient;
use crate::proto::time_series::{ReadTimeseriesRequest, Timeseries, WriteTimeseriesRequest};
use crate::proto::types::{Guid, MeshId, UtcInterval};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub fn run(args: &[String]) -> Result<()> {
    if let [kind, address, mode, rest @ ..] = args {
        if kind == "tonic" && mode == "manyreads" {
            return many_reads(address, rest);
        }
        if kind == "tonic" && mode == "ts" {
            return timeseries(address, rest);
        }
    }
    let [kind, address, mode, n, rest @ ..] = args else {
        return Err("usage: mesh-bench peer rust|tonic ADDRESS rtt N | openclose N TASKS".into());
    };
    let n: usize = n.parse()?;
    let tasks: usize = rest
        .first()
        .map(|t| t.parse())
        .transpose()?
        .unwrap_or(1)
        .max(1);
    // The runtime a user of tonic or of the Rust API would have: tokio's
    // default, a worker per core.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let url = format!("http://{address}");
    rt.block_on(async move {
        match (kind.as_str(), mode.as_str()) {
            ("rust", "rtt") => {
                let conn = Connection::connect(&url, ConnectOptions::default()).await?;
                let session = conn.open_session().await?;
                for _ in 0..n / 10 + 10 {
                    session.extend().await?;
                }
                let mut ns = Vec::with_capacity(n);
                let cpu0 = cpu_seconds();
                for _ in 0..n {
                    let t = Instant::now();
                    session.extend().await?;
                    ns.push(t.elapsed().as_nanos() as u64);
                }
                print_latency(ns, cpu_seconds() - cpu0);
                session.close().await?;
            }
            ("tonic", "rtt") => {
                let channel = Endpoint::from_shared(url)?
                    .tcp_nodelay(true)
                    .connect()
                    .await?;
                let mut client = SessionServiceClient::new(channel);
                let id = client
                    .start_session(())
                    .await?
                    .into_inner()
                    .session_id
                    .ok_or("no id")?;
                for _ in 0..n / 10 + 10 {
                    client.extend_session(id.clone()).await?;
                }
                let mut ns = Vec::with_capacity(n);
                let cpu0 = cpu_seconds();
                for _ in 0..n {
                    let t = Instant::now();
                    client.extend_session(id.clone()).await?;
                    ns.push(t.elapsed().as_nanos() as u64);
                }
                print_latency(ns, cpu_seconds() - cpu0);
                client.end_session(id).await?;
            }
            ("rust", "openclose") => {
                let conn = Connection::connect(&url, ConnectOptions::default()).await?;
                let per = n / tasks;
                let cpu0 = cpu_seconds();
                let t = Instant::now();
                let mut set = tokio::task::JoinSet::new();
                for _ in 0..tasks {
                    let conn = conn.clone();
                    set.spawn(async move {
                        for _ in 0..per {
                            conn.open_session().await?.close().await?;
                        }
                        Ok::<_, mesh_capi::client::Error>(())
                    });
                }
                while let Some(r) = set.join_next().await {
                    r??;
                }
                print_rate(per * tasks, t, cpu0);
            }
            ("tonic", "openclose") => {
                let channel = Endpoint::from_shared(url)?
                    .tcp_nodelay(true)
                    .connect()
                    .await?;
                let per = n / tasks;
                let cpu0 = cpu_seconds();
                let t = Instant::now();
                let mut set = tokio::task::JoinSet::new();
                for _ in 0..tasks {
                    let mut client = SessionServiceClient::new(channel.clone());
                    set.spawn(async move {
                        for _ in 0..per {
                            let id = client
                                .start_session(())
                                .await?
                                .into_inner()
                                .session_id
                                .unwrap_or_default();
                            client.end_session(id).await?;
                        }
                        Ok::<_, tonic::Status>(())
                    });
                }
                while let Some(r) = set.join_next().await {
                    r??;
                }
                print_rate(per * tasks, t, cpu0);
            }
            _ => return Err(format!("unknown peer {kind} {mode}").into()),
        }
        Ok(())
    })
}

/// tokio's default runtime, a worker per core, as a user of tonic would
/// have it.
fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// A channel to `address` (tonic's defaults, Nagle's algorithm off) and a
/// session opened on it.
async fn tonic_session(address: &str) -> Result<(Channel, SessionServiceClient<Channel>, Guid)> {
    let channel = Endpoint::from_shared(format!("http://{address}"))?
        .tcp_nodelay(true)
        .connect()
        .await?;
    let mut sessions = SessionServiceClient::new(channel.clone());
    let session = sessions
        .start_session(())
        .await?
        .into_inner()
        .session_id
        .ok_or("no id")?;
    Ok((channel, sessions, session))
}

/// `mesh-bench peer tonic ADDRESS manyreads R KEYFILE START END STYLE`.
fn many_reads(address: &str, args: &[String]) -> Result<()> {
    let [repeats, key_file, start, end, style] = args else {
        return Err(
            "usage: mesh-bench peer tonic ADDRESS manyreads R KEYFILE START END blocking|async"
                .into(),
        );
    };
    let repeats: usize = repeats.parse::<usize>()?.max(1);
    let keys: Vec<i64> = std::fs::read_to_string(key_file)?
        .split_whitespace()
        .map(str::parse)
        .collect::<std::result::Result<_, _>>()?;
    let (start, end): (i64, i64) = (start.parse()?, end.parse()?);
    let concurrent = match style.as_str() {
        "blocking" => false,
        "async" => true,
        other => return Err(format!("unknown style {other}").into()),
    };
    runtime()?.block_on(async move {
        let (channel, mut sessions, session) = tonic_session(address).await?;
        let reader = Reader {
            client: TimeseriesServiceClient::new(channel),
            session: session.clone(),
            start,
            end,
        };
        reader.pass(&keys, concurrent).await?; // warm-up: one pass
        let (mut seconds, mut cpu) = (Vec::new(), Vec::new());
        let (mut points, mut total) = (0, 0.0);
        for _ in 0..repeats {
            let cpu0 = cpu_seconds();
            let t = Instant::now();
            (points, total) = reader.pass(&keys, concurrent).await?;
            seconds.push(t.elapsed().as_secs_f64());
            cpu.push(cpu_seconds() - cpu0);
        }
        seconds.sort_by(f64::total_cmp);
        cpu.sort_by(f64::total_cmp);
        println!(
            "RESULT seconds {:.6}\nRESULT cpu_seconds {:.6}\nRESULT points {points}\nRESULT total {total:.3}",
            seconds[repeats / 2],
            cpu[repeats / 2]
        );
        sessions.end_session(session).await?;
        Ok(())
    })
}

/// Points per write request at most: 4 MB, Mesh's limit, at 20 bytes a
/// point.
const SERVER_MAX_POINTS: usize = 200_000;

/// `mesh-bench peer tonic ADDRESS ts N CHUNK RECV_MB`.
fn timeseries(address: &str, args: &[String]) -> Result<()> {
    let [n, chunk, recv_mb] = args else {
        return Err("usage: mesh-bench peer tonic ADDRESS ts N CHUNK RECV_MB".into());
    };
    let (n, chunk): (usize, usize) = (n.parse()?, chunk.parse::<usize>()?.max(1));
    let receive_limit = recv_mb.parse::<usize>()? << 20;
    let (t, f, v) = crate::timeseries::section_points(n);
    let step = chunk.min(SERVER_MAX_POINTS);
    // The requests' points, made before the clock starts: only encoding
    // and sending are timed.
    let writes = (0..n)
        .step_by(step)
        .map(|i| {
            let j = n.min(i + step);
            let points = Points::new(t[i..j].to_vec(), f[i..j].to_vec(), v[i..j].to_vec())?;
            Ok((interval(t[i], t[j - 1] + 1000), points))
        })
        .collect::<Result<Vec<_>>>()?;
    runtime()?.block_on(async move {
        let (channel, mut sessions, session) = tonic_session(address).await?;
        let mut client = TimeseriesServiceClient::new(channel)
            .max_decoding_message_size(receive_limit)
            .max_encoding_message_size(usize::MAX);
        let key = MeshId {
            id: None,
            path: None,
            timeseries_key: Some(1),
        };
        let cpu0 = cpu_seconds();
        let began = Instant::now();
        for (interval, points) in &writes {
            client
                .write_timeseries(WriteTimeseriesRequest {
                    session_id: Some(session.clone()),
                    timeseries: Some(Timeseries {
                        id: Some(key.clone()),
                        resolution: None,
                        interval: Some(*interval),
                        data: points.to_arrow_stream()?.into(),
                    }),
                })
                .await?;
        }
        let (write_s, write_cpu) = (began.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
        let cpu0 = cpu_seconds();
        let began = Instant::now();
        let (mut got, mut checksum) = (0, 0i64);
        for i in (0..n).step_by(chunk) {
            let j = n.min(i + chunk);
            let response = client
                .read_timeseries(ReadTimeseriesRequest {
                    session_id: Some(session.clone()),
                    timeseries_id: Some(key.clone()),
                    interval: Some(interval(t[i], t[j - 1] + 1000)),
                })
                .await?
                .into_inner();
            for series in &response.timeseries {
                let read = Points::from_arrow_stream(&series.data)?;
                got += read.len();
                if let Some(last) = read.values().last() {
                    checksum += *last as i64;
                }
            }
        }
        let (read_s, read_cpu) = (began.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
        if got != n {
            return Err(format!("read {got} points, wrote {n}").into());
        }
        println!(
            "RESULT write_points_per_s {:.0}\nRESULT read_points_per_s {:.0}\nRESULT checksum {checksum}\nRESULT write_cpu_s {write_cpu:.6}\nRESULT read_cpu_s {read_cpu:.6}",
            n as f64 / write_s,
            n as f64 / read_s
        );
        sessions.rollback(session.clone()).await?;
        sessions.end_session(session).await?;
        Ok(())
    })
}

/// `[start_ms, end_ms)` as Mesh takes it.
fn interval(start_ms: i64, end_ms: i64) -> UtcInterval {
    let timestamp = |ms: i64| prost_types::Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    };
    UtcInterval {
        start_time: Some(timestamp(start_ms)),
        end_time: Some(timestamp(end_ms)),
    }
}

/// Reads `[start, end)` of series by key in a session, with tonic's stub.
#[derive(Clone)]
struct Reader {
    client: TimeseriesServiceClient<Channel>,
    session: Guid,
    start: i64,
    end: i64,
}

impl Reader {
    /// One read: its points and their sum.
    async fn read(mut self, key: i64) -> Result<(usize, f64)> {
        let request = ReadTimeseriesRequest {
            session_id: Some(self.session),
            timeseries_id: Some(MeshId {
                id: None,
                path: None,
                timeseries_key: Some(key),
            }),
            interval: Some(interval(self.start, self.end)),
        };
        let response = self.client.read_timeseries(request).await?.into_inner();
        let (mut count, mut sum) = (0, 0.0);
        for series in &response.timeseries {
            let points = Points::from_arrow_stream(&series.data)?;
            count += points.len();
            sum += points.values().iter().sum::<f64>();
        }
        Ok((count, sum))
    }

    /// Reads every key: each awaited in turn, or all in flight at once (a
    /// task each). Their points and the sum of their values.
    async fn pass(&self, keys: &[i64], concurrent: bool) -> Result<(usize, f64)> {
        let (mut points, mut total) = (0, 0.0);
        if concurrent {
            let tasks: Vec<_> = keys
                .iter()
                .map(|&key| tokio::spawn(self.clone().read(key)))
                .collect();
            for task in tasks {
                let (count, sum) = task.await??;
                points += count;
                total += sum;
            }
        } else {
            for &key in keys {
                let (count, sum) = self.clone().read(key).await?;
                points += count;
                total += sum;
            }
        }
        Ok((points, total))
    }
}

fn print_latency(mut ns: Vec<u64>, cpu: f64) {
    ns.sort_unstable();
    let n = ns.len();
    println!(
        "RESULT median_ns {}\nRESULT p99_ns {}\nRESULT cpu_ns_per_call {:.0}",
        ns[n / 2],
        ns[n * 99 / 100],
        cpu * 1e9 / n as f64
    );
}

fn print_rate(sessions: usize, started: Instant, cpu0: f64) {
    let sessions = sessions as f64;
    println!(
        "RESULT sessions_per_s {:.1}\nRESULT cpu_ns_per_session {:.0}",
        sessions / started.elapsed().as_secs_f64(),
        (cpu_seconds() - cpu0) * 1e9 / sessions
    );
}

/// CPU time of this process so far, all threads.
pub(crate) fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the local timespec.
    unsafe {
        libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts);
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}
