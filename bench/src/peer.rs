//! The in-Rust clients of the benchmarks, run as child processes of the
//! harness like every other client: the Rust client API of mesh-capi, and a
//! bare tonic client on stubs generated from the same protos (the baseline).
//!
//!   mesh-bench peer rust|tonic ADDRESS rtt N
//!   mesh-bench peer rust|tonic ADDRESS openclose N TASKS

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
                for _ in 0..n {
                    let t = Instant::now();
                    session.extend().await?;
                    ns.push(t.elapsed().as_nanos() as u64);
                }
                print_latency(ns);
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
                for _ in 0..n {
                    let t = Instant::now();
                    client.extend_session(id.clone()).await?;
                    ns.push(t.elapsed().as_nanos() as u64);
                }
                print_latency(ns);
                client.end_session(id).await?;
            }
            ("rust", "openclose") => {
                let conn = Connection::connect(&url, ConnectOptions::default()).await?;
                let per = n / tasks;
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
                println!(
                    "RESULT sessions_per_s {:.1}",
                    (per * tasks) as f64 / t.elapsed().as_secs_f64()
                );
            }
            ("tonic", "openclose") => {
                let channel = Endpoint::from_shared(url)?
                    .tcp_nodelay(true)
                    .connect()
                    .await?;
                let per = n / tasks;
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
                println!(
                    "RESULT sessions_per_s {:.1}",
                    (per * tasks) as f64 / t.elapsed().as_secs_f64()
                );
            }
            _ => return Err(format!("unknown peer {kind} {mode}").into()),
        }
        Ok(())
    })
}

fn print_latency(mut ns: Vec<u64>) {
    ns.sort_unstable();
    let n = ns.len();
    println!(
        "RESULT median_ns {}\nRESULT p99_ns {}",
        ns[n / 2],
        ns[n * 99 / 100]
    );
}
