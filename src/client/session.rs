//! A Mesh session and its keep-alive.
//!
//! Keep-alive costs no thread: each open session has one small tokio task that
//! sleeps until the session has been idle for the keep-alive interval (half
//! the server's inactivity timeout unless set), then sends `ExtendSession`.
//! Every call made through the session counts as activity and pushes the next
//! extension back, so a busy session costs no extra requests. The server's
//! timeout is learned from `ExtendSession`'s `expires_in`: at attach (which
//! checks the id with it anyway), right after open by a background extension
//! of the connection's first session, and again on every extension. It is
//! the server's, so later sessions of a connection start from the value last
//! learned. When the server cannot be reached the task retries
//! until the session would have expired; when the server says the session is
//! gone the session becomes expired and its hook runs once.

use crate::sync::lock;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tokio::task::AbortHandle;
use uuid::Uuid;

use super::auth::MeshChannel;
use super::connection::ConnectionInner;
use super::error::{Error, ErrorKind, Result};
use super::id::{from_guid, to_guid};
use super::stats::OpenSession;
use crate::proto::session::session_service_client::SessionServiceClient;
use crate::proto::types::Guid;

/// Mesh's inactivity timeout today, used until the server tells its own.
const DEFAULT_SERVER_TIMEOUT: Duration = Duration::from_secs(300);
/// Shortest pause between two keep-alive attempts, whatever the server says.
const MIN_INTERVAL: Duration = Duration::from_millis(10);
/// Longest pause between retries while the server cannot be reached.
const MAX_RETRY_PAUSE: Duration = Duration::from_secs(5);
/// Retry pauses before the server's timeout is known: short, since that
/// timeout may be much shorter than the default assumed until then.
const FIRST_RETRY_PAUSE_UNLEARNED: Duration = Duration::from_millis(50);
const MAX_RETRY_PAUSE_UNLEARNED: Duration = Duration::from_secs(1);

const OPEN: u8 = 0;
const CLOSED: u8 = 1;
const EXPIRED: u8 = 2;

/// Runs when a session is found expired; receives the session id.
pub type ExpiredHook = Box<dyn FnOnce(Uuid) + Send>;

/// Milliseconds on a monotonic clock shared by all sessions.
fn now_ms() -> u64 {
    static BASE: OnceLock<Instant> = OnceLock::new();
    BASE.get_or_init(Instant::now).elapsed().as_millis() as u64
}

pub(crate) struct Shared {
    id: Uuid,
    guid: Guid,
    conn: Arc<ConnectionInner>,
    state: AtomicU8,
    /// When a call through the session last finished at the server (now_ms).
    last_activity: AtomicU64,
    /// When the first request after `last_activity` that failed without an
    /// answer ended (now_ms), if it did after it: the server may have
    /// handled that one (its answer lost), and then counts its timeout from
    /// it. Later unanswered requests of the same outage do not move it, so
    /// that an outage cannot keep a session the server dropped looking alive.
    maybe_seen: AtomicU64,
    /// The server's inactivity timeout, in ms.
    server_timeout: AtomicU64,
    /// Whether the server has answered an `ExtendSession` yet.
    learned: AtomicBool,
    hook: Mutex<Option<ExpiredHook>>,
    keepalive: Mutex<Keepalive>,
    /// Counted among the connection's open sessions (statistics) from
    /// opening or attaching until closed, detached, dropped or expired.
    open: OpenSession,
}

/// The keep-alive task of a session, as far as stopping it goes.
#[derive(Default)]
struct Keepalive {
    task: Option<AbortHandle>,
    /// The task is waiting for an `ExtendSession` answer.
    in_call: bool,
    /// The session no longer wants keep-alive.
    stopped: bool,
}

/// An open Mesh session. Calls take `&self`, so a session can be shared
/// between tasks and threads (for example in an `Arc`). Dropping it stops
/// keep-alive but leaves the session open on the server, like [`detach`].
///
/// [`detach`]: Session::detach
pub struct Session {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.shared.state.load(Ordering::Acquire) {
            OPEN => "open",
            CLOSED => "closed",
            _ => "expired",
        };
        f.debug_struct("Session")
            .field("id", &self.shared.id)
            .field("state", &state)
            .finish()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.shared.stop_keepalive();
        self.shared.no_longer_open();
    }
}

impl Shared {
    /// Counts the session among the connection's open ones (statistics).
    fn now_open(&self) {
        self.conn.stats.session_opened(&self.open);
    }

    /// Stops counting the session among the open ones, if it was.
    fn no_longer_open(&self) {
        self.conn.stats.session_ended(&self.open);
    }

    /// The options of the connection the session was opened through.
    pub(crate) fn options(&self) -> &super::ConnectOptions {
        &self.conn.options
    }

    fn server_timeout(&self) -> Duration {
        Duration::from_millis(self.server_timeout.load(Ordering::Relaxed))
    }

    fn interval(&self) -> Duration {
        let timeout = self.server_timeout();
        let ceiling = timeout.mul_f64(0.9);
        let interval = match self.conn.options.keepalive_interval {
            Some(i) => i.min(ceiling),
            None => timeout / 2,
        };
        interval.max(MIN_INTERVAL)
    }

    fn touch(&self) {
        self.last_activity.fetch_max(now_ms(), Ordering::Relaxed);
    }

    /// After a request that failed without an answer (see `maybe_seen`).
    fn unanswered(&self) {
        if self.maybe_seen.load(Ordering::Relaxed) <= self.last_activity.load(Ordering::Relaxed) {
            self.maybe_seen.fetch_max(now_ms(), Ordering::Relaxed);
        }
    }

    /// The latest time the server may have seen the session in use: it
    /// drops the session a timeout after it.
    fn last_seen(&self) -> u64 {
        self.last_activity
            .load(Ordering::Relaxed)
            .max(self.maybe_seen.load(Ordering::Relaxed))
    }

    /// Stops keep-alive. A task waiting in its sleep is aborted at once;
    /// one waiting for an `ExtendSession` answer ends when the answer comes:
    /// aborting would cancel the request in flight, which resets its HTTP/2
    /// stream, and servers count a connection's resets against it (the
    /// defence against rapid-reset floods) and may close it, failing every
    /// call on it. A session opened and closed at once would reset one.
    fn stop_keepalive(&self) {
        let mut keepalive = lock(&self.keepalive);
        keepalive.stopped = true;
        if !keepalive.in_call {
            if let Some(task) = keepalive.task.take() {
                task.abort();
            }
        }
    }

    /// Marks the keep-alive task as waiting for an answer, unless
    /// keep-alive was stopped.
    fn begin_keepalive_call(&self) -> bool {
        let mut keepalive = lock(&self.keepalive);
        keepalive.in_call = !keepalive.stopped;
        keepalive.in_call
    }

    /// Marks the keep-alive task's call done; false if keep-alive was
    /// stopped meanwhile, when the task must end.
    fn end_keepalive_call(&self) -> bool {
        let mut keepalive = lock(&self.keepalive);
        keepalive.in_call = false;
        !keepalive.stopped
    }

    /// Marks the session expired (once) and runs the hook.
    fn expire(&self) {
        if self
            .state
            .compare_exchange(OPEN, EXPIRED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            self.stop_keepalive();
            self.no_longer_open();
            tracing::warn!(
                "session {}: expired (the server no longer has it); its expired callback runs",
                self.id
            );
            let hook = lock(&self.hook).take();
            if let Some(hook) = hook {
                hook(self.id);
            }
        }
    }

    fn check_open(&self) -> Result<()> {
        match self.state.load(Ordering::Acquire) {
            OPEN => Ok(()),
            CLOSED => Err(Error::new(
                ErrorKind::Closed,
                format!("session {} was closed or detached by this client", self.id),
            )),
            _ => Err(self.expired_error()),
        }
    }

    fn stopped_error(&self) -> Error {
        Error::new(
            ErrorKind::Closed,
            format!("keep-alive of session {} was stopped", self.id),
        )
    }

    fn expired_error(&self) -> Error {
        Error::new(
            ErrorKind::SessionExpired,
            format!(
                "session {} has expired: the server no longer has it (timed out, ended elsewhere, or the server restarted)",
                self.id
            ),
        )
    }

    /// Runs one RPC that carries the session id, with the call deadline, and
    /// keeps the session's bookkeeping (see [`Shared::settle`]).
    pub(crate) async fn call<T, F, Fut>(&self, what: &str, rpc: F) -> Result<T>
    where
        F: Fn(MeshChannel, Guid) -> Fut,
        Fut: Future<Output = std::result::Result<tonic::Response<T>, tonic::Status>>,
    {
        self.check_open()?;
        let limit = self.conn.options.call_timeout;
        let result = self
            .conn
            .rpc(what, limit, |channel| rpc(channel, self.guid.clone()))
            .await;
        self.settle(result)
    }

    /// The session's bookkeeping after a request that carried its id:
    /// activity when the server answered (successfully or not), expiry when
    /// the server no longer knows the session. A failure of the connection
    /// or a timeout is no activity: the server may never have seen the
    /// request, and counting it would keep a session the server dropped
    /// looking alive. But it may have (the answer, not the request, lost),
    /// so the first such failure after the last answer puts off declaring
    /// the session expired until a timeout after it.
    fn settle<T>(&self, result: Result<T>) -> Result<T> {
        match &result {
            Ok(_) => self.touch(),
            Err(e) if e.kind() == ErrorKind::SessionNotFound => {
                self.expire();
                return Err(e.clone().with_kind(ErrorKind::SessionExpired));
            }
            Err(e) if e.server_answered() => self.touch(),
            Err(e) if !e.unsent() => self.unanswered(),
            Err(_) => {}
        }
        result
    }

    /// One `ExtendSession` without the session's bookkeeping: an id the
    /// server does not know gives `ErrorKind::SessionNotFound`. Learns the
    /// server's timeout from the answer.
    async fn extend_once(&self) -> Result<Duration> {
        let limit = self.conn.options.call_timeout;
        self.conn.stats.extend_session();
        let response = self
            .conn
            .rpc("ExtendSession", limit, |channel| {
                let guid = self.guid.clone();
                async move {
                    SessionServiceClient::new(channel)
                        .extend_session(guid)
                        .await
                }
            })
            .await?;
        let expires_in = response
            .expires_in
            .and_then(|d| Duration::try_from(d).ok())
            .filter(|d| !d.is_zero());
        if let Some(timeout) = expires_in {
            let ms = (timeout.as_millis() as u64).max(1);
            self.server_timeout.store(ms, Ordering::Relaxed);
            let before = self.conn.server_timeout_ms.swap(ms, Ordering::Relaxed);
            if before != ms {
                tracing::info!(
                    "the server ends a session after {ms} ms without a call (learned from ExtendSession); keep-alive every {} ms",
                    self.interval().as_millis()
                );
            }
        }
        self.learned.store(true, Ordering::Relaxed);
        Ok(self.server_timeout())
    }

    /// One `ExtendSession` through the session, with its bookkeeping.
    async fn extend(&self) -> Result<Duration> {
        self.check_open()?;
        let result = self.extend_once().await;
        self.settle(result)
    }

    /// Extends an idle session, retrying while the server cannot be reached
    /// until the session would have expired anyway.
    async fn keep_alive_once(self: &Arc<Self>) -> Result<()> {
        let (mut pause, max_pause) = if self.learned.load(Ordering::Relaxed) {
            let first = (self.interval() / 10).clamp(MIN_INTERVAL, MAX_RETRY_PAUSE);
            (first, MAX_RETRY_PAUSE)
        } else {
            (FIRST_RETRY_PAUSE_UNLEARNED, MAX_RETRY_PAUSE_UNLEARNED)
        };
        let mut failures = 0u32;
        loop {
            let expires_at = self.last_seen() + self.server_timeout.load(Ordering::Relaxed);
            if !self.begin_keepalive_call() {
                return Err(self.stopped_error());
            }
            let result = Box::pin(self.extend()).await;
            if !self.end_keepalive_call() {
                return Err(self.stopped_error());
            }
            let err = match result {
                Ok(_) => {
                    if failures > 0 {
                        tracing::info!(
                            "session {}: keep-alive recovered after {failures} failed tries",
                            self.id
                        );
                    }
                    return Ok(());
                }
                Err(e) => e,
            };
            if matches!(err.kind(), ErrorKind::SessionExpired | ErrorKind::Closed) {
                return Err(err);
            }
            failures += 1;
            let now = now_ms();
            if now >= expires_at {
                tracing::warn!(
                    "session {}: keep-alive failed until the session would have expired: {}",
                    self.id,
                    err.message()
                );
                self.expire();
                return Err(self.expired_error());
            }
            let wait = pause.min(Duration::from_millis(expires_at - now));
            tracing::warn!(
                "session {}: keep-alive failed ({}); trying again in {} ms, {} ms before the server would end the session",
                self.id,
                err.message(),
                wait.as_millis(),
                expires_at - now
            );
            tokio::time::sleep(wait).await;
            pause = (pause * 2).min(max_pause);
        }
    }
}

async fn keepalive_task(shared: Arc<Shared>, learn_first: bool) {
    // The first session of a connection learns the server's timeout at once,
    // in the background, so that opening costs one round trip, not two.
    if learn_first && shared.keep_alive_once().await.is_err() {
        return;
    }
    loop {
        let due =
            shared.last_activity.load(Ordering::Relaxed) + shared.interval().as_millis() as u64;
        let now = now_ms();
        if now < due {
            tokio::time::sleep(Duration::from_millis(due - now)).await;
            continue;
        }
        if shared.keep_alive_once().await.is_err() {
            return;
        }
    }
}

impl Session {
    fn new(conn: Arc<ConnectionInner>, id: Uuid) -> Session {
        let known = conn.server_timeout_ms.load(Ordering::Relaxed);
        let timeout = if known > 0 {
            known
        } else {
            DEFAULT_SERVER_TIMEOUT.as_millis() as u64
        };
        Session {
            shared: Arc::new(Shared {
                id,
                guid: to_guid(id),
                conn,
                state: AtomicU8::new(OPEN),
                last_activity: AtomicU64::new(now_ms()),
                maybe_seen: AtomicU64::new(0),
                server_timeout: AtomicU64::new(timeout),
                learned: AtomicBool::new(known > 0),
                hook: Mutex::new(None),
                keepalive: Mutex::new(Keepalive::default()),
                open: OpenSession::default(),
            }),
        }
    }

    fn start_keepalive(&self, learn_first: bool) {
        let task = tokio::spawn(keepalive_task(self.shared.clone(), learn_first));
        let mut keepalive = lock(&self.shared.keepalive);
        if keepalive.stopped && !keepalive.in_call {
            task.abort();
        } else {
            keepalive.task = Some(task.abort_handle());
        }
    }

    pub(crate) async fn open(conn: Arc<ConnectionInner>) -> Result<Session> {
        let limit = conn.options.call_timeout;
        let response = conn
            .rpc("StartSession", limit, |channel| async move {
                SessionServiceClient::new(channel).start_session(()).await
            })
            .await?;
        let guid = response.session_id.ok_or_else(|| {
            Error::new(
                ErrorKind::Server,
                "StartSession answered without a session id",
            )
        })?;
        let session = Session::new(conn, from_guid(&guid)?);
        // The first session of a connection learns the server's timeout.
        let learn_first = !session.shared.learned.load(Ordering::Relaxed);
        session.shared.now_open();
        session.start_keepalive(learn_first);
        Ok(session)
    }

    pub(crate) async fn attach(conn: Arc<ConnectionInner>, id: Uuid) -> Result<Session> {
        let session = Session::new(conn, id);
        match session.shared.extend_once().await {
            Ok(_) => {
                session.shared.touch();
                session.shared.now_open();
                session.start_keepalive(false);
                Ok(session)
            }
            Err(e) if e.kind() == ErrorKind::SessionNotFound => Err(Error::new(
                ErrorKind::SessionNotFound,
                format!("attaching to session {id} failed: {}", e.message()),
            )
            .with_code(e.grpc_code())),
            Err(e) => Err(e),
        }
    }

    /// Where the session's own calls go through (`Shared::call`).
    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// The session id.
    pub fn id(&self) -> Uuid {
        self.shared.id
    }

    /// Publishes the session's changes to other sessions.
    pub async fn commit(&self) -> Result<()> {
        self.shared
            .call("Commit", |channel, guid| async move {
                SessionServiceClient::new(channel).commit(guid).await
            })
            .await
            .map(drop)
    }

    /// Discards the session's uncommitted changes.
    pub async fn rollback(&self) -> Result<()> {
        self.shared
            .call("Rollback", |channel, guid| async move {
                SessionServiceClient::new(channel).rollback(guid).await
            })
            .await
            .map(drop)
    }

    /// Extends the session now; returns the server's inactivity timeout.
    /// Keep-alive does this by itself; this is for callers who want to know.
    pub async fn extend(&self) -> Result<Duration> {
        self.shared.extend().await
    }

    /// The server's inactivity timeout, as last reported.
    pub fn server_timeout(&self) -> Duration {
        self.shared.server_timeout()
    }

    /// The current keep-alive interval.
    pub fn keepalive_interval(&self) -> Duration {
        self.shared.interval()
    }

    /// True once the server has said the session is gone, or it could not be
    /// reached before the session's timeout ran out.
    pub fn is_expired(&self) -> bool {
        self.shared.state.load(Ordering::Acquire) == EXPIRED
    }

    /// Sets (or clears) what runs once when the session is found expired. It
    /// runs on a runtime worker, so it must not block; it does not run for a
    /// session that has already expired, been closed or detached.
    pub fn set_expired_hook(&self, hook: Option<ExpiredHook>) {
        *lock(&self.shared.hook) = hook;
    }

    /// Ends the session on the server, discarding uncommitted changes, and
    /// stops keep-alive. After this every call gives `ErrorKind::Closed`.
    /// An expired session gives `ErrorKind::SessionExpired`.
    pub async fn close(&self) -> Result<()> {
        self.shared.check_open()?;
        self.shared.stop_keepalive();
        // Closing is not losing: the hook is for sessions lost unexpectedly.
        *lock(&self.shared.hook) = None;
        let result = self
            .shared
            .call("EndSession", |channel, guid| async move {
                SessionServiceClient::new(channel).end_session(guid).await
            })
            .await
            .map(drop);
        let _ =
            self.shared
                .state
                .compare_exchange(OPEN, CLOSED, Ordering::AcqRel, Ordering::Acquire);
        self.shared.no_longer_open();
        result
    }

    /// Stops keep-alive and leaves the session open on the server, for
    /// another client to attach to. After this every call gives
    /// `ErrorKind::Closed`.
    pub fn detach(&self) {
        self.shared.stop_keepalive();
        let _ =
            self.shared
                .state
                .compare_exchange(OPEN, CLOSED, Ordering::AcqRel, Ordering::Acquire);
        self.shared.no_longer_open();
        *lock(&self.shared.hook) = None;
    }
}
