//! mesh-emulator: a Volue Mesh server stand-in for tests, demos and users
//! without a Mesh installation. It serves the wire protocol of
//! `shared/PROTOCOL.md` over real gRPC/TCP: sessions with Mesh's inactivity
//! timeout (counted from the end of the last request that used the session),
//! `GetVersion` and `GetUserIdentity`, and physical time series (a catalog,
//! reads and writes isolated per session until commit, Mesh's 4 MB inbound
//! message limit). Tests start it in-process on an ephemeral port, stop and
//! restart it (sessions and their uncommitted writes lost, committed data
//! kept, as when a real server restarts) and read per-RPC call counts.

/// Mesh calculations (expressions and transformations) as pure functions
/// over series the server hands in.
pub mod calc;
/// The generated Mesh messages, servers and clients. Public so that protocol
/// tests can speak to the emulator with the generated client stubs.
pub mod proto;
mod service;
mod store;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use uuid::Uuid;

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
pub use store::{default_catalog, parse_catalog, SeriesSpec};
use store::{Store, Write};

/// How the emulated server behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// Inactivity timeout of a session; Mesh uses 5 minutes.
    pub session_timeout: Duration,
    /// What `GetVersion` reports.
    pub version: String,
    /// The gRPC code that carries "Session with id {..} not found.". Mesh's
    /// public material does not say which code it uses, so tests vary it.
    pub session_not_found_code: tonic::Code,
    /// Serve TLS with this certificate; plain HTTP/2 when `None`.
    pub tls: Option<TlsIdentity>,
    /// When set, every call needs `authorization: Bearer <token>` with one of
    /// these tokens (answered UNAUTHENTICATED otherwise); `None` checks nothing.
    pub tokens: Option<HashMap<String, Identity>>,
    /// The time series the server starts with.
    pub catalog: Vec<SeriesSpec>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            session_timeout: Duration::from_secs(300),
            version: "2.21.0".to_string(),
            session_not_found_code: tonic::Code::Internal,
            tls: None,
            tokens: None,
            catalog: default_catalog(),
        }
    }
}

/// The server-side record of one open session.
pub(crate) struct SessionState {
    in_flight: u32,
    last_end: Instant,
    /// Uncommitted writes, oldest first; they go with the session.
    pending: Vec<Arc<Write>>,
}

/// Everything the services share. A restart makes a new one (no sessions,
/// call counts from zero) around the same store.
pub(crate) struct State {
    pub(crate) config: Config,
    pub(crate) store: Arc<Store>,
    sessions: Mutex<HashMap<Uuid, SessionState>>,
    calls: Mutex<HashMap<&'static str, u64>>,
    revoked: Mutex<std::collections::HashSet<String>>,
    /// Injected failures: method -> (code, how many calls still to fail).
    faults: Mutex<HashMap<String, (tonic::Code, u64)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl State {
    fn new(config: Config, store: Arc<Store>) -> Self {
        State {
            config,
            store,
            sessions: Mutex::new(HashMap::new()),
            calls: Mutex::new(HashMap::new()),
            revoked: Mutex::new(Default::default()),
            faults: Mutex::new(HashMap::new()),
        }
    }

    /// Checks the caller's token when tokens are required. Messages never
    /// repeat the token.
    pub(crate) fn authorize(
        &self,
        metadata: &tonic::metadata::MetadataMap,
    ) -> Result<Option<Identity>, tonic::Status> {
        let Some(tokens) = &self.config.tokens else {
            return Ok(None);
        };
        let header = metadata
            .get("authorization")
            .ok_or_else(|| tonic::Status::unauthenticated("missing access token"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or_else(|| tonic::Status::unauthenticated("authorization is not a Bearer token"))?;
        if lock(&self.revoked).contains(token) {
            return Err(tonic::Status::unauthenticated(
                "access token has been revoked",
            ));
        }
        tokens
            .get(token)
            .cloned()
            .map(Some)
            .ok_or_else(|| tonic::Status::unauthenticated("access token is not valid"))
    }

    pub(crate) fn revoke(&self, token: &str) {
        lock(&self.revoked).insert(token.to_string());
    }

    pub(crate) fn count(&self, method: &'static str) {
        *lock(&self.calls).entry(method).or_insert(0) += 1;
    }

    /// An injected failure for this call of `method`, if one is pending.
    pub(crate) fn injected_failure(&self, method: &str) -> Result<(), tonic::Status> {
        let mut faults = lock(&self.faults);
        match faults.get_mut(method) {
            Some((code, left)) if *left > 0 => {
                *left -= 1;
                Err(tonic::Status::new(
                    *code,
                    format!("injected failure of {method}"),
                ))
            }
            _ => Ok(()),
        }
    }

    fn expired(&self, s: &SessionState, now: Instant) -> bool {
        s.in_flight == 0 && now.duration_since(s.last_end) >= self.config.session_timeout
    }

    pub(crate) fn not_found(&self, id: Uuid) -> tonic::Status {
        let upper = id.hyphenated().to_string().to_uppercase();
        tonic::Status::new(
            self.config.session_not_found_code,
            format!("Session with id {{{upper}}} not found."),
        )
    }

    pub(crate) fn start_session(&self) -> Uuid {
        let id = Uuid::new_v4();
        let state = SessionState {
            in_flight: 0,
            last_end: Instant::now(),
            pending: Vec::new(),
        };
        lock(&self.sessions).insert(id, state);
        id
    }

    /// Marks the start of a request that uses session `id`; the returned guard
    /// marks its end, from which the inactivity timeout is counted.
    pub(crate) fn enter(self: &Arc<Self>, id: Uuid) -> Result<ActivityGuard, tonic::Status> {
        let now = Instant::now();
        let mut sessions = lock(&self.sessions);
        match sessions.get_mut(&id) {
            Some(s) if !self.expired(s, now) => {
                s.in_flight += 1;
                Ok(ActivityGuard {
                    state: self.clone(),
                    id,
                })
            }
            Some(_) => {
                sessions.remove(&id);
                Err(self.not_found(id))
            }
            None => Err(self.not_found(id)),
        }
    }

    pub(crate) fn end_session(&self, id: Uuid) -> Result<(), tonic::Status> {
        let now = Instant::now();
        let mut sessions = lock(&self.sessions);
        match sessions.remove(&id) {
            Some(s) if !self.expired(&s, now) => Ok(()),
            _ => Err(self.not_found(id)),
        }
    }

    /// Session `id`'s uncommitted writes, oldest first.
    pub(crate) fn pending(&self, id: Uuid) -> Vec<Arc<Write>> {
        lock(&self.sessions)
            .get(&id)
            .map(|s| s.pending.clone())
            .unwrap_or_default()
    }

    /// Records an uncommitted write of session `id`.
    pub(crate) fn add_pending(&self, id: Uuid, write: Write) {
        if let Some(s) = lock(&self.sessions).get_mut(&id) {
            s.pending.push(Arc::new(write));
        }
    }

    /// Publishes session `id`'s writes, all at once.
    pub(crate) fn commit(&self, id: Uuid) {
        self.store.commit(|| {
            lock(&self.sessions)
                .get_mut(&id)
                .map(|s| std::mem::take(&mut s.pending))
                .unwrap_or_default()
        });
    }

    /// Discards session `id`'s uncommitted writes.
    pub(crate) fn rollback(&self, id: Uuid) {
        if let Some(s) = lock(&self.sessions).get_mut(&id) {
            s.pending.clear();
        }
    }

    fn reap(&self) {
        let now = Instant::now();
        lock(&self.sessions).retain(|_, s| !self.expired(s, now));
    }
}

/// Held while a request uses a session; its drop is the request's end.
pub(crate) struct ActivityGuard {
    state: Arc<State>,
    id: Uuid,
}

impl Drop for ActivityGuard {
    fn drop(&mut self) {
        if let Some(s) = lock(&self.state.sessions).get_mut(&self.id) {
            s.in_flight -= 1;
            s.last_end = Instant::now();
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
    pub fn start(listen: SocketAddr, config: Config) -> std::io::Result<Emulator> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("mesh-emulator")
            .enable_all()
            .build()?;
        let listener = runtime.block_on(TcpListener::bind(listen))?;
        let addr = listener.local_addr()?;
        let store = Arc::new(Store::new(&config.catalog));
        let state = Arc::new(State::new(config, store));
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
    /// uncommitted writes are lost, committed time series kept, and call
    /// counts start again from zero.
    pub fn stop(&self) {
        self.pause();
        let (config, store) = {
            let state = lock(&self.state);
            (state.config.clone(), state.store.clone())
        };
        *lock(&self.state) = Arc::new(State::new(config, store));
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
        lock(&state.faults).insert(method.to_string(), (code, count));
    }

    /// How many times `method` (e.g. `"ExtendSession"`) was called since the
    /// last (re)start.
    pub fn calls(&self, method: &str) -> u64 {
        let state = lock(&self.state).clone();
        let calls = lock(&state.calls);
        calls.get(method).copied().unwrap_or(0)
    }

    /// Sessions open now (expired ones not counted).
    pub fn open_sessions(&self) -> usize {
        let state = lock(&self.state).clone();
        state.reap();
        let n = lock(&state.sessions).len();
        n
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
    let router = service::router(state.clone()).map_err(|e| {
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
            state.reap();
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
        let store = Arc::new(Store::new(&config.catalog));
        let state = State::new(config, store);
        let id = Uuid::parse_str("123e4567-e89b-12d3-a456-556642440000").unwrap();
        assert_eq!(
            state.not_found(id).message(),
            "Session with id {123E4567-E89B-12D3-A456-556642440000} not found."
        );
    }
}
