//! mesh-emulator: a Volue Mesh server stand-in for tests, demos and users
//! without a Mesh installation. It speaks Mesh's wire protocol over real
//! gRPC/TCP: sessions with Mesh's inactivity timeout (counted from the end
//! of the last request that used the session), `GetVersion`, tokens, time
//! series and their catalog, the model (objects, attributes, relations,
//! XY sets, rating curves) and availability events, all isolated per
//! session until commit. It starts with the model and series the official
//! SDK's tests expect, plus a demo catalog. Tests start it in-process on
//! an ephemeral port, stop and restart it (sessions and their uncommitted
//! work lost, committed data kept, as when a real server restarts) and
//! read per-RPC call counts, the metadata calls carried (what client
//! version called) and the sizes of write payloads.
//!
//! Layout: `services/` has one module per Mesh service, each a thin layer
//! over `store/` (model, catalog, points and sessions, with their private
//! changes); `seed/` is what the store starts with; `search` is Mesh's
//! search language over the model; `evaluate` is where calculations plug
//! in.

mod arrow;
/// Mesh calculations (expressions and transformations) as pure functions
/// over series the server hands in.
pub mod calc;
mod evaluate;
mod in_flight;
/// Kerberos for `AuthenticateKerberos` through MIT's GSSAPI, and a test
/// initiator.
pub mod kerberos;
/// The generated Mesh messages, servers and clients. Public so that protocol
/// tests can speak to the emulator with the generated client stubs.
pub mod proto;
mod search;
mod seed;
mod served;
mod services;
mod state;
mod store;
mod sync;
/// A throwaway Kerberos realm (MIT's KDC in a temporary folder) for tests.
pub mod test_realm;
mod wire;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// An IANA time zone (`"Europe/Oslo".parse::<Tz>()`), for `Config::time_zone`.
pub use chrono_tz::Tz;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Who a token belongs to, as `GetUserIdentity` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub display_name: String,
    pub source: String,
    pub identifier: String,
}

impl Identity {
    /// An identity with `name` as display name and identifier.
    pub fn named(name: &str) -> Identity {
        Identity {
            display_name: name.to_string(),
            source: "mesh-emulator".to_string(),
            identifier: name.to_lowercase(),
        }
    }
}

/// A TLS certificate chain and its private key, both PEM.
#[derive(Clone, Debug)]
pub struct TlsIdentity {
    pub cert_pem: String,
    pub key_pem: String,
}

pub use kerberos::{KerberosConfig, DEFAULT_TOKEN_LIFETIME};
pub use seed::{default_catalog, parse_catalog, SeriesSpec};
pub use served::Served;
use state::State;
use store::Store;
use sync::lock;

/// How the emulated server behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// Inactivity timeout of a session; Mesh uses 5 minutes.
    pub session_timeout: Duration,
    /// What `GetVersion` reports; Mesh versions carry a build suffix.
    pub version: String,
    /// The gRPC code that carries "Session with id {..} not found.". Mesh's
    /// public material does not say which code it uses, so tests vary it.
    pub session_not_found_code: tonic::Code,
    /// Serve TLS with this certificate; plain HTTP/2 when `None`.
    pub tls: Option<TlsIdentity>,
    /// When set, every call needs `authorization: Bearer <token>` with one of
    /// these tokens (answered UNAUTHENTICATED otherwise); `None` checks nothing
    /// (unless `kerberos` is set). `AuthenticateKerberos`, where a client
    /// gets a token, is open.
    pub tokens: Option<HashMap<String, Identity>>,
    /// Accept Kerberos through `AuthenticateKerberos` (MIT's GSSAPI with this
    /// keytab), which then hands out bearer tokens; every other call then
    /// needs one of those (or of `tokens`). `None`: `AuthenticateKerberos`
    /// answers UNIMPLEMENTED, the emulator having no Kerberos.
    pub kerberos: Option<KerberosConfig>,
    /// The demo catalog: series the server starts with besides the official
    /// tests' model and its `SimpleThermalTestResourceCatalog`, whose keys
    /// (2, 3, 4, 9, 50) and paths these must not reuse.
    pub catalog: Vec<SeriesSpec>,
    /// How many calls one connection may have in flight at once (HTTP/2's
    /// `SETTINGS_MAX_CONCURRENT_STREAMS`); clients wait for the rest.
    /// Typical gRPC servers allow 100, the default here.
    pub max_concurrent_streams: u32,
    /// The server's own time zone: what calculations and transformed reads
    /// call LOCAL (with daylight saving) and STANDARD (its standard offset
    /// all year). A Mesh server takes its host's zone; the emulator defaults
    /// to [`DEFAULT_TIME_ZONE`] so that answers do not depend on the machine.
    pub time_zone: Tz,
    /// Data-serving mode for one series (see [`Served`]): its reads are
    /// answered from points held in memory, encoded once per interval, and
    /// its writes accepted and dropped. For benchmarks; `None` serves every
    /// series from the store.
    pub served: Option<std::sync::Arc<Served>>,
}

/// `Config::max_concurrent_streams` by default.
pub const DEFAULT_MAX_CONCURRENT_STREAMS: u32 = 100;

/// What `GetVersion` reports by default.
pub const DEFAULT_VERSION: &str = "2.21.0+1";

/// The server's time zone by default (`Config::time_zone`): Mesh's home
/// zone, Norway's.
pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::Europe::Oslo;

impl Default for Config {
    fn default() -> Self {
        Config {
            session_timeout: Duration::from_secs(300),
            version: DEFAULT_VERSION.to_string(),
            session_not_found_code: tonic::Code::Internal,
            tls: None,
            tokens: None,
            kerberos: None,
            catalog: default_catalog(),
            max_concurrent_streams: DEFAULT_MAX_CONCURRENT_STREAMS,
            time_zone: DEFAULT_TIME_ZONE,
            served: None,
        }
    }
}

struct Running {
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<()>,
    reaper: JoinHandle<()>,
}

/// An emulated Mesh server with its own tokio runtime, so that synchronous
/// tests and programs can run one in-process.
pub struct Emulator {
    runtime: tokio::runtime::Runtime,
    addr: SocketAddr,
    state: Mutex<Arc<State>>,
    running: Mutex<Option<Running>>,
}

impl Emulator {
    /// Starts serving on `listen` (port 0 picks a free port).
    /// Fails with `InvalidInput` when `config.catalog` clashes with the
    /// seeded series, the TLS identity is unusable, or Kerberos cannot work
    /// (no MIT Kerberos library, or no credential from the keytab).
    pub fn start(listen: SocketAddr, config: Config) -> std::io::Result<Emulator> {
        let seed = seed::build(&config.catalog)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let kerberos = match &config.kerberos {
            Some(k) => Some(Arc::new(kerberos::Kerberos::new(k).map_err(|e| {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("Kerberos: {e}"))
            })?)),
            None => None,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("mesh-emulator")
            .enable_all()
            .build()?;
        let listener = runtime.block_on(TcpListener::bind(listen))?;
        let addr = listener.local_addr()?;
        let store = Arc::new(Store::new(seed, config.session_timeout));
        let state = Arc::new(State::new(config, store, kerberos));
        let running = runtime.block_on(async { serve(listener, state.clone()) })?;
        Ok(Emulator {
            runtime,
            addr,
            state: Mutex::new(state),
            running: Mutex::new(Some(running)),
        })
    }

    /// Starts on an ephemeral port of 127.0.0.1.
    pub fn start_local(config: Config) -> std::io::Result<Emulator> {
        Self::start(SocketAddr::from(([127, 0, 0, 1], 0)), config)
    }

    /// The bound address, `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address as a URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops serving and closes every connection, keeping the sessions, as a
    /// network outage looks to a client. `resume` serves again.
    pub fn pause(&self) {
        let running = lock(&self.running).take();
        if let Some(r) = running {
            let _ = r.shutdown.send(());
            r.reaper.abort();
            let server = r.server;
            self.runtime.block_on(async move {
                let abort = server.abort_handle();
                if tokio::time::timeout(Duration::from_millis(500), server)
                    .await
                    .is_err()
                {
                    abort.abort();
                }
            });
        }
    }

    /// Serves again on the same address after `pause` or `stop`.
    pub fn resume(&self) -> std::io::Result<()> {
        let mut running = lock(&self.running);
        if running.is_none() {
            let listener = self.runtime.block_on(TcpListener::bind(self.addr))?;
            let state = lock(&self.state).clone();
            *running = Some(self.runtime.block_on(async { serve(listener, state) })?);
        }
        Ok(())
    }

    /// Stops serving and closes every connection. Sessions and their
    /// uncommitted writes are lost, committed time series and the tokens
    /// `AuthenticateKerberos` handed out kept, and call counts start again
    /// from zero.
    pub fn stop(&self) {
        self.pause();
        let (config, store, kerberos) = {
            let state = lock(&self.state);
            (
                state.config.clone(),
                state.store.clone(),
                state.kerberos.clone(),
            )
        };
        store.end_all_sessions();
        *lock(&self.state) = Arc::new(State::new(config, store, kerberos));
    }

    /// Stops, then serves again on the same address with no sessions, as a
    /// real server does after a restart.
    pub fn restart(&self) -> std::io::Result<()> {
        self.stop();
        self.resume()
    }

    /// Makes the next `count` calls of `method` (e.g. `"ExtendSession"`) fail
    /// with `code` before they touch any session, as a flaky network or an
    /// overloaded server would; 0 stops it. Counted calls include them.
    pub fn inject_failures(&self, method: &str, code: tonic::Code, count: u64) {
        let state = lock(&self.state).clone();
        state.inject(method, code, count);
    }

    /// The most calls the server had in flight at once since the last
    /// (re)start, over all connections.
    pub fn most_calls_in_flight(&self) -> usize {
        let state = lock(&self.state).clone();
        state.in_flight.most()
    }

    /// Holds every call of `method` (e.g. `"GetUserIdentity"`) this long
    /// before answering it, so that calls overlap; zero stops it.
    pub fn delay_calls(&self, method: &str, delay: Duration) {
        let state = lock(&self.state).clone();
        state.in_flight.set_delay(method, delay);
    }

    /// How many times `method` (e.g. `"ExtendSession"`) was called since the
    /// last (re)start.
    pub fn calls(&self, method: &str) -> u64 {
        let state = lock(&self.state).clone();
        state.calls(method)
    }

    /// How many calls, of any method, since the last (re)start.
    pub fn total_calls(&self) -> u64 {
        let state = lock(&self.state).clone();
        state.total_calls()
    }

    /// The values calls carried under the metadata key `key` (any case,
    /// e.g. `"x-volue-mesh-client-version"`, under which the official
    /// client sends its version) since the last (re)start: each distinct
    /// value with the number of calls that carried it, in the order first
    /// seen. Empty when no call carried it. The counts add up to
    /// [`total_calls`](Self::total_calls) exactly when every call carried
    /// the key once. `authorization` (a secret) and gRPC's own `grpc-*`
    /// entries are not kept.
    pub fn metadata_seen(&self, key: &str) -> Vec<(String, u64)> {
        let state = lock(&self.state).clone();
        state.metadata_seen(key)
    }

    /// The payload size in bytes (the Arrow data) of every
    /// `WriteTimeseries` request that carried a series since the last
    /// (re)start, in the order received: how a test tells a delete sent as
    /// Mesh expects it (no bytes at all) from one sent as an empty Arrow
    /// stream, which the emulator accepts too.
    pub fn write_payload_sizes(&self) -> Vec<usize> {
        let state = lock(&self.state).clone();
        state.write_payloads()
    }

    /// Every bearer token `AuthenticateKerberos` handed out, oldest first
    /// (the most recent 1000), revoked and expired ones included, across
    /// restarts: for tests that make sure a client never shows one (in its
    /// log, say). Empty without `Config::kerberos`.
    pub fn kerberos_tokens_issued(&self) -> Vec<String> {
        let state = lock(&self.state).clone();
        state
            .kerberos
            .as_ref()
            .map(|k| k.tokens_issued())
            .unwrap_or_default()
    }

    /// Every GSSAPI token clients sent to `AuthenticateKerberos`, oldest
    /// first (the most recent 1000), refused ones included, across
    /// restarts: the first of an exchange is the AP-REQ holding the service
    /// ticket. For tests that make sure a client never shows one. Empty
    /// without `Config::kerberos`.
    pub fn kerberos_tickets_received(&self) -> Vec<Vec<u8>> {
        let state = lock(&self.state).clone();
        state
            .kerberos
            .as_ref()
            .map(|k| k.tickets_received())
            .unwrap_or_default()
    }

    /// Sessions open now (expired ones not counted).
    pub fn open_sessions(&self) -> usize {
        let state = lock(&self.state).clone();
        state.store.open_sessions()
    }

    /// Blocks the calling thread until the process is killed.
    pub fn wait(&self) {
        self.runtime.block_on(std::future::pending::<()>());
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(listener: TcpListener, state: Arc<State>) -> std::io::Result<Running> {
    let (shutdown, rx) = oneshot::channel::<()>();
    let router = services::router(state.clone()).map_err(|e| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("TLS setup: {e}"))
    })?;
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    let server = tokio::spawn(async move {
        let _ = router
            .serve_with_incoming_shutdown(incoming, async {
                let _ = rx.await;
            })
            .await;
    });
    let period = (state.config.session_timeout / 4)
        .clamp(Duration::from_millis(50), Duration::from_secs(10));
    let reaper = tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            state.store.reap();
        }
    });
    Ok(Running {
        shutdown,
        server,
        reaper,
    })
}

/// Parses durations such as `300ms`, `2s`, `5m`, `1h`, or plain seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (num, unit) = text.split_at(split);
    let n: f64 = num.parse().ok()?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return None,
    };
    Duration::try_from_secs_f64(secs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("2s"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("5m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_duration("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2x"), None);
        assert_eq!(parse_duration(""), None);
    }

    #[test]
    fn not_found_message_is_meshs() {
        let config = Config::default();
        let seed = seed::build(&config.catalog).unwrap();
        let store = Arc::new(Store::new(seed, config.session_timeout));
        let state = State::new(config, store, None);
        let id = uuid::Uuid::parse_str("123e4567-e89b-12d3-a456-556642440000").unwrap();
        assert_eq!(
            state.not_found(id).message(),
            "Session with id {123E4567-E89B-12D3-A456-556642440000} not found."
        );
    }
}
