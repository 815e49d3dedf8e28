//! Per-connection statistics: counters a host reads at any time, cheap
//! enough to be always on: a relaxed atomic add per event and no lock; per
//! call, the byte counting adds three reference-count increments and one
//! small allocation (the request body wrapped once more).
//!
//! Where each is counted:
//! - calls, failures by kind: `ConnectionInner::rpc`, the one way every
//!   request of a connection and its sessions goes (keep-alive's
//!   `ExtendSession` included); a call is counted when it starts and its
//!   failure when it ends, and a call given up before it ends (its future
//!   dropped: interrupted, the operation's time run out or cancelled, the
//!   library shut down) counts as failed with [`ErrorKind::Cancelled`];
//! - retries: the second tries inside `rpc` (a request that was never sent
//!   and is sent again, and a request sent again after a token refresh);
//! - reconnects: `transport::Connector`, every TCP connection the channel
//!   made after its first;
//! - `ExtendSession` calls: `session::Shared::extend_once`, which keep-alive,
//!   `Session::extend` and attaching use;
//! - message bytes: [`CountedChannel`], under the token interceptor, which
//!   counts the data of every request and response body, that is the gRPC
//!   messages with their 5-byte length prefixes, as the library hands them
//!   to HTTP/2 and takes them from it (over TLS too: the count is before
//!   encryption; HTTP/2 headers and framing are not included); the same
//!   count, per call, gives the sizes in each call's debug log line when
//!   that line is wanted (`measured`; a build without statistics has none);
//! - HTTP/2 pings sent: `transport::Io`, which follows the frames in the
//!   bytes the connection writes, in the clear under TLS (see `frames`);
//!   the server's pings the connection acknowledges are not counted;
//! - open sessions: `session.rs`, sessions opened or attached through the
//!   connection and not yet closed, detached, dropped or found expired.
//!
//! Kerberos sign-in (`AuthenticateKerberos`, which gets the token the
//! calls carry) goes through the bare channel, not `rpc`: it is neither a
//! call nor counted in the message bytes.
//!
//! The `no-statistics` feature compiles the counting out (every method is
//! empty, every count reads 0): it exists for the benchmark that shows the
//! counting costs nothing measurable.

#[cfg(not(feature = "no-statistics"))]
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

use super::error::{ErrorKind, Result};

/// Whether this build counts (false in a build with the `no-statistics`
/// feature, whose counts all read 0).
pub const STATISTICS_ENABLED: bool = cfg!(not(feature = "no-statistics"));

/// Every error kind, at its index in the failure counters.
const KINDS: [ErrorKind; 16] = [
    ErrorKind::InvalidArgument,
    ErrorKind::SessionNotFound,
    ErrorKind::SessionExpired,
    ErrorKind::NotFound,
    ErrorKind::Unavailable,
    ErrorKind::Timeout,
    ErrorKind::Unauthenticated,
    ErrorKind::PermissionDenied,
    ErrorKind::ResourceExhausted,
    ErrorKind::Tls,
    ErrorKind::IncompatibleServer,
    ErrorKind::Server,
    ErrorKind::Closed,
    ErrorKind::Internal,
    ErrorKind::ShutDown,
    ErrorKind::Cancelled,
];

/// The index of `kind` in [`KINDS`]; a new kind must be added to both.
fn index(kind: ErrorKind) -> usize {
    match kind {
        ErrorKind::InvalidArgument => 0,
        ErrorKind::SessionNotFound => 1,
        ErrorKind::SessionExpired => 2,
        ErrorKind::NotFound => 3,
        ErrorKind::Unavailable => 4,
        ErrorKind::Timeout => 5,
        ErrorKind::Unauthenticated => 6,
        ErrorKind::PermissionDenied => 7,
        ErrorKind::ResourceExhausted => 8,
        ErrorKind::Tls => 9,
        ErrorKind::IncompatibleServer => 10,
        ErrorKind::Server => 11,
        ErrorKind::Closed => 12,
        ErrorKind::Internal => 13,
        ErrorKind::ShutDown => 14,
        ErrorKind::Cancelled => 15,
    }
}

/// The counts of one connection at one moment (see
/// [`Connection::statistics`](super::Connection::statistics)). Each is read
/// on its own, so a call in progress may show in one and not yet in
/// another; each only grows, but for `open_sessions`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Statistics {
    /// Calls to the server started, every request of the connection and
    /// its sessions (keep-alive's `ExtendSession` included); a retry is
    /// part of its call. Each ends counted in `failures` or not at all
    /// (a success), so calls minus failures is the calls that succeeded,
    /// plus those still in flight.
    pub calls: u64,
    /// Requests sent a second time within one call: one that was never
    /// sent (its connection closed first), or one the server refused as
    /// unauthenticated, after a token refresh.
    pub retries: u64,
    /// TCP connections the channel made after its first: each time a lost
    /// connection was replaced.
    pub reconnects: u64,
    /// `ExtendSession` calls (keep-alive, `Session::extend`, attaching);
    /// counted in `calls` too.
    pub extend_session_calls: u64,
    /// gRPC message bytes sent: the request messages with their 5-byte
    /// length prefixes, before TLS; HTTP/2 headers and framing excluded.
    pub bytes_sent: u64,
    /// gRPC message bytes received, as `bytes_sent`.
    pub bytes_received: u64,
    /// Sessions opened or attached through the connection and not yet
    /// closed, detached, dropped or found expired.
    pub open_sessions: u64,
    /// HTTP/2 PING frames sent to find out whether the connection is dead
    /// (see `ConnectOptions::dead_connection_timeout`): hyper sends one when
    /// calls wait and nothing has been read for a while. The server's pings
    /// the connection acknowledges are not counted.
    pub pings_sent: u64,
    failures: [u64; 16],
}

impl Statistics {
    /// Calls that failed, of every kind.
    pub fn failures(&self) -> u64 {
        self.failures.iter().sum()
    }

    /// Calls that failed with `kind` (a call given up before it ended is
    /// [`ErrorKind::Cancelled`]).
    pub fn failures_of(&self, kind: ErrorKind) -> u64 {
        self.failures[index(kind)]
    }

    /// The failed calls of every kind, zeros included.
    pub fn failures_by_kind(&self) -> impl Iterator<Item = (ErrorKind, u64)> + '_ {
        KINDS.iter().copied().zip(self.failures.iter().copied())
    }
}

/// The counters of one connection, shared by its channel, its connector,
/// its calls and its sessions.
#[derive(Default)]
pub(crate) struct Stats {
    #[cfg(not(feature = "no-statistics"))]
    counters: Counters,
}

#[cfg(not(feature = "no-statistics"))]
#[derive(Default)]
struct Counters {
    calls: AtomicU64,
    failures: [AtomicU64; 16],
    retries: AtomicU64,
    connects: AtomicU64,
    extend_session_calls: AtomicU64,
    bytes_sent: AtomicU64,
    bytes_received: AtomicU64,
    open_sessions: AtomicU64,
    pings_sent: AtomicU64,
}

impl Stats {
    /// The counts now.
    #[cfg(not(feature = "no-statistics"))]
    pub(crate) fn snapshot(&self) -> Statistics {
        let c = &self.counters;
        Statistics {
            calls: c.calls.load(Relaxed),
            retries: c.retries.load(Relaxed),
            reconnects: c.connects.load(Relaxed).saturating_sub(1),
            extend_session_calls: c.extend_session_calls.load(Relaxed),
            bytes_sent: c.bytes_sent.load(Relaxed),
            bytes_received: c.bytes_received.load(Relaxed),
            open_sessions: c.open_sessions.load(Relaxed),
            pings_sent: c.pings_sent.load(Relaxed),
            failures: std::array::from_fn(|i| c.failures[i].load(Relaxed)),
        }
    }

    /// The counts now: none, in a build without statistics.
    #[cfg(feature = "no-statistics")]
    pub(crate) fn snapshot(&self) -> Statistics {
        Statistics::default()
    }

    /// A call starts; end it with [`CallCount::ended`].
    pub(crate) fn call(&self) -> CallCount<'_> {
        #[cfg(not(feature = "no-statistics"))]
        self.counters.calls.fetch_add(1, Relaxed);
        CallCount {
            stats: self,
            ended: false,
        }
    }

    fn failure(&self, _kind: ErrorKind) {
        #[cfg(not(feature = "no-statistics"))]
        self.counters.failures[index(_kind)].fetch_add(1, Relaxed);
    }

    /// A request of a call is sent a second time.
    pub(crate) fn retry(&self) {
        #[cfg(not(feature = "no-statistics"))]
        self.counters.retries.fetch_add(1, Relaxed);
    }

    /// The channel made a TCP connection (the first is no reconnect).
    pub(crate) fn connected(&self) {
        #[cfg(not(feature = "no-statistics"))]
        self.counters.connects.fetch_add(1, Relaxed);
    }

    /// An `ExtendSession` call starts.
    pub(crate) fn extend_session(&self) {
        #[cfg(not(feature = "no-statistics"))]
        self.counters.extend_session_calls.fetch_add(1, Relaxed);
    }

    /// The session of `open` is open (counted once, however often told).
    pub(crate) fn session_opened(&self, _open: &OpenSession) {
        #[cfg(not(feature = "no-statistics"))]
        if !_open.0.swap(true, Relaxed) {
            self.counters.open_sessions.fetch_add(1, Relaxed);
        }
    }

    /// The session of `open` is no longer open (closed, detached, dropped
    /// or expired): uncounted once, if it was counted.
    pub(crate) fn session_ended(&self, _open: &OpenSession) {
        #[cfg(not(feature = "no-statistics"))]
        if _open.0.swap(false, Relaxed) {
            self.counters.open_sessions.fetch_sub(1, Relaxed);
        }
    }

    /// The connection wrote `n` PING frames.
    #[cfg(not(feature = "no-statistics"))]
    pub(crate) fn pings(&self, n: u64) {
        if n > 0 {
            self.counters.pings_sent.fetch_add(n, Relaxed);
        }
    }

    #[cfg_attr(feature = "no-statistics", allow(dead_code))]
    fn bytes(&self, _received: bool, _n: usize) {
        #[cfg(not(feature = "no-statistics"))]
        if _received {
            self.counters.bytes_received.fetch_add(_n as u64, Relaxed);
        } else {
            self.counters.bytes_sent.fetch_add(_n as u64, Relaxed);
        }
    }
}

/// One call through `ConnectionInner::rpc`, counted as it starts: its
/// outcome is counted by [`CallCount::ended`], or, when it is dropped
/// before that (the call given up), as [`ErrorKind::Cancelled`].
pub(crate) struct CallCount<'a> {
    stats: &'a Stats,
    ended: bool,
}

impl CallCount<'_> {
    /// The call ends with `error` (passed through).
    pub(crate) fn failed(&mut self, error: super::Error) -> super::Error {
        if !self.ended {
            self.stats.failure(error.kind());
            self.ended = true;
        }
        error
    }

    /// The call ended with `result`.
    pub(crate) fn ended<T>(mut self, result: &Result<T>) {
        if let (Err(e), false) = (result, self.ended) {
            self.stats.failure(e.kind());
        }
        self.ended = true;
    }
}

#[cfg(not(feature = "no-statistics"))]
impl Drop for CallCount<'_> {
    fn drop(&mut self) {
        if !self.ended {
            self.stats.failure(ErrorKind::Cancelled);
        }
    }
}

/// Whether a session is counted among the open ones (one per session).
#[derive(Default)]
pub(crate) struct OpenSession(#[cfg(not(feature = "no-statistics"))] AtomicBool);

#[cfg(not(feature = "no-statistics"))]
pub(crate) use counting::{counted, measured, CountedChannel};
#[cfg(feature = "no-statistics")]
pub(crate) use uncounted::{counted, measured, CountedChannel};

/// A build without statistics: the channel itself.
#[cfg(feature = "no-statistics")]
mod uncounted {
    use std::sync::Arc;

    use tonic::transport::Channel;

    pub(crate) type CountedChannel = Channel;

    pub(crate) fn counted(channel: Channel, _: &Arc<super::Stats>) -> CountedChannel {
        channel
    }

    /// `call`'s result; its message sizes are not counted in this build.
    pub(crate) async fn measured<T>(
        _: bool,
        call: impl std::future::Future<Output = T>,
    ) -> (T, Option<(u64, u64)>) {
        (call.await, None)
    }
}

/// The channel under the token interceptor, counting the data of every
/// request and response body.
#[cfg(not(feature = "no-statistics"))]
mod counting {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::task::{Context, Poll};

    use hyper::body::{Body as HttpBody, Bytes, Frame, SizeHint};
    use tonic::body::Body;
    use tonic::codegen::http;
    use tonic::transport::Channel;
    use tower_service::Service;

    use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

    use super::Stats;

    /// The message bytes of one call, for its debug log line.
    #[derive(Default)]
    struct CallBytes {
        sent: AtomicU64,
        received: AtomicU64,
    }

    impl CallBytes {
        fn add(&self, received: bool, n: usize) {
            let counter = if received { &self.received } else { &self.sent };
            counter.fetch_add(n as u64, Relaxed);
        }
    }

    tokio::task_local! {
        /// The call being measured (see [`measured`]): its requests are
        /// made inside it, so the channel finds it when they start.
        static CALL_BYTES: Arc<CallBytes>;
    }

    /// `call`'s result and, when `measure` is true, the message bytes it
    /// sent and received (retries included), counted as the statistics
    /// count them. Costs nothing more when `measure` is false.
    pub(crate) async fn measured<T>(
        measure: bool,
        call: impl Future<Output = T>,
    ) -> (T, Option<(u64, u64)>) {
        if !measure {
            return (call.await, None);
        }
        let bytes = Arc::new(CallBytes::default());
        let result = CALL_BYTES.scope(bytes.clone(), call).await;
        let sent = bytes.sent.load(Relaxed);
        (result, Some((sent, bytes.received.load(Relaxed))))
    }

    /// The channel, counting message bytes into the connection's counters.
    #[derive(Clone)]
    pub(crate) struct CountedChannel {
        channel: Channel,
        stats: Arc<Stats>,
    }

    /// `channel`, counting its message bytes into `stats`.
    pub(crate) fn counted(channel: Channel, stats: &Arc<Stats>) -> CountedChannel {
        CountedChannel {
            channel,
            stats: stats.clone(),
        }
    }

    impl Service<http::Request<Body>> for CountedChannel {
        type Response = http::Response<CountedBody>;
        type Error = tonic::transport::Error;
        type Future = CountedResponse;

        fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Service::poll_ready(&mut self.channel, cx)
        }

        fn call(&mut self, request: http::Request<Body>) -> CountedResponse {
            let stats = &self.stats;
            let call = CALL_BYTES.try_with(Arc::clone).ok();
            let request = request.map(|body| {
                Body::new(CountedBody {
                    body,
                    stats: Some(stats.clone()),
                    call: call.clone(),
                    received: false,
                })
            });
            CountedResponse {
                response: self.channel.call(request),
                stats: Some(self.stats.clone()),
                call,
            }
        }
    }

    /// The answer of a [`CountedChannel`], whose body is counted.
    pub(crate) struct CountedResponse {
        response: <Channel as Service<http::Request<Body>>>::Future,
        /// Handed to the body when the answer comes.
        stats: Option<Arc<Stats>>,
        call: Option<Arc<CallBytes>>,
    }

    impl Future for CountedResponse {
        type Output = Result<http::Response<CountedBody>, tonic::transport::Error>;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            let this = &mut *self;
            let response = std::task::ready!(Pin::new(&mut this.response).poll(cx))?;
            let stats = this.stats.take();
            let call = this.call.take();
            Poll::Ready(Ok(response.map(|body| CountedBody {
                body,
                stats,
                call,
                received: true,
            })))
        }
    }

    /// A request or response body whose data is counted as it passes.
    pub(crate) struct CountedBody {
        body: Body,
        stats: Option<Arc<Stats>>,
        /// The call's own count, when it is measured.
        call: Option<Arc<CallBytes>>,
        received: bool,
    }

    impl HttpBody for CountedBody {
        type Data = Bytes;
        type Error = tonic::Status;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, tonic::Status>>> {
            let this = &mut *self;
            let polled = Pin::new(&mut this.body).poll_frame(cx);
            if let (Poll::Ready(Some(Ok(frame))), Some(stats)) = (&polled, &this.stats) {
                if let Some(data) = frame.data_ref() {
                    stats.bytes(this.received, data.len());
                    if let Some(call) = &this.call {
                        call.add(this.received, data.len());
                    }
                }
            }
            polled
        }

        fn is_end_stream(&self) -> bool {
            self.body.is_end_stream()
        }

        fn size_hint(&self) -> SizeHint {
            self.body.size_hint()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_counter() {
        for (i, kind) in KINDS.iter().enumerate() {
            assert_eq!(index(*kind), i, "{kind:?}");
        }
    }

    #[cfg(not(feature = "no-statistics"))]
    #[test]
    fn counts_add_up() {
        let stats = Stats::default();
        stats.call().ended(&Ok(()));
        stats.call().ended::<()>(&Err(super::super::Error::new(
            ErrorKind::NotFound,
            "no such thing",
        )));
        drop(stats.call());
        stats.retry();
        stats.connected();
        stats.connected();
        let session = OpenSession::default();
        stats.session_opened(&session);
        stats.session_opened(&session);
        let s = stats.snapshot();
        assert_eq!(
            (s.calls, s.failures(), s.retries, s.reconnects),
            (3, 2, 1, 1)
        );
        assert_eq!(s.failures_of(ErrorKind::NotFound), 1);
        assert_eq!(s.failures_of(ErrorKind::Cancelled), 1);
        assert_eq!(s.open_sessions, 1);
        stats.session_ended(&session);
        stats.session_ended(&session);
        assert_eq!(stats.snapshot().open_sessions, 0);
    }
}
