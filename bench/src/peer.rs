//! The in-Rust clients of the benchmarks, run as child processes of the
//! harness like every other client: the Rust client API of mesh-capi, and a
//! bare tonic client on stubs generated from the same protos (the baseline).
//!
//!   mesh-bench peer rust|tonic ADDRESS rtt N
//!   mesh-bench peer rust|tonic ADDRESS openclose N TASKS
//!
//! CPU times are the process's (all its threads, the runtime's included).

use std::time::Instant;

use mesh_capi::client::{ConnectOptions, Connection};
use tonic::transport::Endpoint;

use crate::proto::session::session_service_client::SessionServiceClient;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub fn run(args: &[String]) -> Result<()> {
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
