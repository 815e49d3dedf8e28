//! A connection to a Mesh server: one HTTP/2 channel, checked with
//! `GetVersion` before it is handed out, shared by any number of sessions and
//! threads. Sessions hold the channel too, so it lives until the last of them
//! and the connection object itself are gone.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use tonic::service::interceptor::InterceptedService;
use tonic::transport::Endpoint;
use uuid::Uuid;

use super::auth::{Auth, AuthInterceptor, Due, MeshChannel, Source, TokenProvider};
use super::deadline;
use super::error::{error_chain, tls_problem, Error, ErrorKind, Result};
use super::kerberos::{KerberosOptions, SignIn};
use super::session::Session;
use super::stats::{self, counted, Statistics, Stats};
use super::tls::Tls;
use super::transport::Connector;
use crate::proto::auth::authentication_service_client::AuthenticationServiceClient;
use crate::proto::config::configuration_service_client::ConfigurationServiceClient;

/// The oldest Mesh server version this library works with (as the official client).
pub const MIN_SERVER_VERSION: (u64, u64, u64) = (2, 21, 0);

/// A root certificate to trust for TLS, instead of the system's roots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootCertificate {
    /// PEM text (one or more certificates).
    Pem(String),
    /// A PEM file, read when connecting.
    File(PathBuf),
}

/// How a connection behaves. Grows by fields with defaults; the C API sets
/// them one by one.
#[derive(Clone)]
pub struct ConnectOptions {
    /// How long to wait for the server to accept the connection and answer
    /// `GetVersion`.
    pub connect_timeout: Duration,
    /// The deadline of each call.
    pub call_timeout: Duration,
    /// Extend an idle session after this long; `None` means half the server's
    /// inactivity timeout, learned from the server. Never more than 90% of
    /// the server's timeout, so an idle session cannot expire between two
    /// extensions.
    pub keepalive_interval: Option<Duration>,
    /// Trust this root instead of the operating system's roots (TLS only).
    pub tls_root_certificate: Option<RootCertificate>,
    /// Check the server's certificate for this name instead of the host in
    /// the address (TLS only).
    pub tls_server_name: Option<String>,
    /// Sent as `authorization: Bearer <token>` on every call; TLS only.
    pub access_token: Option<String>,
    /// Asked for a token when none is set and when the server rejects one;
    /// the rejected call is then retried once. TLS only.
    pub token_provider: Option<Arc<dyn TokenProvider>>,
    /// Sign in with Kerberos: trade a ticket for a Mesh token at connect,
    /// renew it before it expires (and once when the server refuses it).
    /// TLS only; not with `access_token` or `token_provider`.
    pub kerberos: Option<KerberosOptions>,
    /// The largest message the client takes from the server, in bytes.
    /// Reads whose answer would be larger are split by time and merged.
    pub max_receive_message_bytes: usize,
    /// How long a connection may stay silent while calls wait on it before
    /// it is given up for dead (a NAT or firewall that silently dropped it,
    /// a server host gone): after half of it the client sends an HTTP/2
    /// ping, and when that is not answered within the other half the
    /// connection is closed, the calls waiting on it fail with
    /// `ErrorKind::Unavailable`, and the next call connects afresh. Pings go
    /// only while calls are waiting, as gRPC servers expect. `None` sends
    /// none: a dead connection then lasts as long as the operating system
    /// keeps retrying (many minutes).
    pub dead_connection_timeout: Option<Duration>,
}

/// The largest HTTP/2 frame the server may send (SETTINGS_MAX_FRAME_SIZE).
const MAX_FRAME_BYTES: u32 = 1 << 20;
/// HTTP/2 flow-control windows: what the server may send on one stream,
/// and on the connection, before the library has taken it.
const STREAM_WINDOW_BYTES: u32 = 8 << 20;
const CONNECTION_WINDOW_BYTES: u32 = 32 << 20;

/// The default of [`ConnectOptions::dead_connection_timeout`].
pub const DEFAULT_DEAD_CONNECTION_TIMEOUT: Duration = Duration::from_secs(20);

/// gRPC's default receive limit, which Mesh's clients keep.
pub const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            connect_timeout: Duration::from_secs(10),
            call_timeout: Duration::from_secs(30),
            keepalive_interval: None,
            tls_root_certificate: None,
            tls_server_name: None,
            access_token: None,
            token_provider: None,
            kerberos: None,
            max_receive_message_bytes: DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
            dead_connection_timeout: Some(DEFAULT_DEAD_CONNECTION_TIMEOUT),
        }
    }
}

impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("connect_timeout", &self.connect_timeout)
            .field("call_timeout", &self.call_timeout)
            .field("keepalive_interval", &self.keepalive_interval)
            .field("tls_root_certificate", &self.tls_root_certificate.is_some())
            .field("tls_server_name", &self.tls_server_name)
            .field("access_token", &self.access_token.as_ref().map(|_| "<set>"))
            .field("token_provider", &self.token_provider.is_some())
            .field("kerberos", &self.kerberos)
            .field("max_receive_message_bytes", &self.max_receive_message_bytes)
            .field("dead_connection_timeout", &self.dead_connection_timeout)
            .finish()
    }
}

/// Who the server says the caller is (`GetUserIdentity`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserIdentity {
    /// A name to show.
    pub display_name: String,
    /// Where the identity comes from (e.g. the identity provider).
    pub source: String,
    /// The identity's unique identifier at its source.
    pub identifier: String,
}

pub(crate) struct ConnectionInner {
    pub(crate) channel: MeshChannel,
    pub(crate) options: ConnectOptions,
    auth: Arc<Auth>,
    tls: bool,
    server_version: String,
    server_name: String,
    /// The server's session inactivity timeout in ms as last reported by any
    /// session's `ExtendSession`, 0 until then. It is the server's, not a
    /// session's, so new sessions start from it instead of asking again.
    pub(crate) server_timeout_ms: AtomicU64,
    /// The connection's statistics (see `stats`), shared with its channel
    /// and connector.
    pub(crate) stats: Arc<Stats>,
}

impl ConnectionInner {
    /// Runs one RPC with deadline `limit` (or less: see [`deadline`]). A
    /// token past half its lifetime is renewed in the background; one that
    /// has expired (or none, with a source) is renewed first, within the
    /// same limit. When the server answers UNAUTHENTICATED and a token
    /// source is set (a provider, Kerberos), gets a fresh token and retries
    /// once. No token appears in the error, even when the server echoed
    /// one. Counted in the connection's statistics: the call, its failure,
    /// its second tries (see `stats`).
    pub(crate) async fn rpc<T, F, Fut>(&self, what: &str, limit: Duration, rpc: F) -> Result<T>
    where
        F: Fn(MeshChannel) -> Fut,
        Fut: Future<Output = std::result::Result<tonic::Response<T>, tonic::Status>>,
    {
        // A tonic call's future is large, and every async layer above it
        // (the deadline, the retries, the session's bookkeeping, the C
        // call's shutdown watch) would hold it twice over, as an argument
        // and as the future it awaits: the C API's calls then moved tens of
        // kilobytes per call. On the heap, each layer holds a pointer.
        let rpc = |channel| Box::pin(rpc(channel));
        let mut call = self.stats.call();
        match self.auth.due() {
            Due::No => {}
            Due::Soon => self.auth.renew_in_background(),
            Due::Now => {
                let generation = self.auth.generation();
                let what = self.auth.source_what();
                deadline::bounded(what, limit, self.auth.refresh(generation))
                    .await
                    .map_err(|e| call.failed(self.auth.renewal_failed(e)))?;
            }
        }
        let generation = self.auth.generation();
        let began = std::time::Instant::now();
        let measure = tracing::enabled!(tracing::Level::DEBUG);
        let attempts = self.attempts(what, limit, &rpc, generation);
        let (result, sizes) = stats::measured(measure, attempts).await;
        let result = result.map_err(|e| e.scrub(self.auth.secrets().iter().map(String::as_str)));
        call.ended(&result);
        let sizes = sizes.map_or_else(String::new, |(sent, received)| {
            format!(", {sent} bytes sent, {received} received")
        });
        match &result {
            Ok(_) => tracing::debug!(
                "{what}: answered in {} ms{sizes}",
                began.elapsed().as_millis()
            ),
            Err(e) => tracing::debug!(
                "{what}: failed after {} ms{sizes}: {}",
                began.elapsed().as_millis(),
                e.message()
            ),
        }
        result
    }

    /// The tries of one call of [`rpc`](Self::rpc): the first, and a second
    /// when the first was never sent or the server refused the token.
    async fn attempts<T, R, Fut>(
        &self,
        what: &str,
        limit: Duration,
        rpc: &R,
        generation: u64,
    ) -> Result<T>
    where
        R: Fn(MeshChannel) -> Pin<Box<Fut>>,
        Fut: Future<Output = std::result::Result<tonic::Response<T>, tonic::Status>>,
    {
        let mut first = rpc_once(what, limit, rpc(self.channel.clone())).await;
        let unsent = match &first {
            Err(e) if e.unsent() => Some(e.message().to_string()),
            _ => None,
        };
        if let Some(why) = unsent {
            // Queued on a connection that closed before sending it (say one
            // just given up for dead): the channel connects afresh for this
            // second try.
            tracing::info!("{what}: retrying on a new connection: the one it was queued on closed before sending it ({why})");
            self.stats.retry();
            first = rpc_once(what, limit, rpc(self.channel.clone())).await;
        }
        match first {
            Err(e) if e.kind() == ErrorKind::Unauthenticated && self.auth.has_source() => {
                let source = self.auth.source_what();
                tracing::info!("{what}: the server refused the access token; renewing it ({source}) and retrying once");
                match deadline::bounded(source, limit, self.auth.refresh(generation)).await {
                    Ok(()) => {
                        self.stats.retry();
                        rpc_once(what, limit, rpc(self.channel.clone())).await
                    }
                    Err(e) => Err(self.auth.renewal_failed(e)),
                }
            }
            other => other,
        }
    }
}

async fn rpc_once<T>(
    what: &str,
    limit: Duration,
    fut: impl Future<Output = std::result::Result<tonic::Response<T>, tonic::Status>>,
) -> Result<T> {
    deadline::bounded(what, limit, async {
        match fut.await {
            Err(status) => Err(Error::from_status(what, &status)),
            Ok(response) => Ok(response.into_inner()),
        }
    })
    .await
}

/// A checked connection to one Mesh server. Cloning is cheap and shares the
/// channel.
#[derive(Clone)]
pub struct Connection {
    inner: Arc<ConnectionInner>,
}

/// `host:port`, `http://host:port` or `https://host:port` as a URL tonic
/// takes. A bare `host:port` uses TLS when `tls_options` says so.
fn normalize_address(address: &str, tls_options: bool) -> Result<String> {
    let address = address.trim();
    let url = if address.starts_with("http://") || address.starts_with("https://") {
        address.to_string()
    } else if address.contains("://") {
        return Err(Error::invalid_argument(format!(
            "{address:?}: unknown scheme; use host:port, http://host:port or https://host:port"
        )));
    } else if tls_options {
        format!("https://{address}")
    } else {
        format!("http://{address}")
    };
    let uri: tonic::transport::Uri = url
        .parse()
        .map_err(|e| Error::invalid_argument(format!("{address:?} is not an address: {e}")))?;
    let host_ok = uri.host().is_some_and(|h| !h.is_empty());
    let path_ok = matches!(uri.path(), "" | "/");
    if !host_ok || uri.port_u16().is_none() || !path_ok || uri.query().is_some() {
        return Err(Error::invalid_argument(format!(
            "{address:?} is not an address: expected host:port, http://host:port or https://host:port"
        )));
    }
    Ok(url)
}

/// Parses `MAJOR.MINOR.PATCH` with an optional `+DIGITS` suffix, as the
/// official client does; `None` for anything else.
pub(crate) fn parse_version(version: &str) -> Option<(u64, u64, u64)> {
    let core = match version.split_once('+') {
        Some((core, build)) if !build.is_empty() && build.bytes().all(|b| b.is_ascii_digit()) => {
            core
        }
        Some(_) => return None,
        None => version,
    };
    let mut parts = core.split('.').map(|p| {
        if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
            p.parse::<u64>().ok()
        } else {
            None
        }
    });
    let v = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(v)
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("server_version", &self.inner.server_version)
            .field("server_name", &self.inner.server_name)
            .field("tls", &self.inner.tls)
            .field("options", &self.inner.options)
            .finish()
    }
}

impl Connection {
    /// Connects to `address` (`host:port`, `http://host:port` or
    /// `https://host:port`) and checks the server's version, all within the
    /// connect timeout (a token provider asked for the first token
    /// included): a server that cannot be reached, or is reached but does
    /// not answer in time, gives `ErrorKind::Unavailable`. Must run inside a
    /// tokio runtime; the channel's background work runs there.
    pub async fn connect(address: &str, options: ConnectOptions) -> Result<Connection> {
        let configured = options.connect_timeout;
        let limit = deadline::limit(configured);
        let no_answer = || {
            Error::new(
                ErrorKind::Unavailable,
                format!(
                    "cannot connect to {}: no answer within the connect timeout of {} ms",
                    address.trim(),
                    configured.as_millis()
                ),
            )
        };
        let result = match tokio::time::timeout(limit, Self::connect_within(address, options)).await
        {
            Ok(Err(e)) if e.kind() == ErrorKind::Timeout => Err(no_answer()),
            Ok(result) => result,
            Err(_) => Err(no_answer()),
        };
        match &result {
            Ok(conn) => tracing::info!(
                "connected to {} over {}{}: {} {}",
                address.trim(),
                if conn.inner.tls {
                    "TLS"
                } else {
                    "plain HTTP/2"
                },
                match conn.inner.auth.source_kind() {
                    Some(how) => format!(", signed in with {how}"),
                    None => String::new(),
                },
                conn.inner.server_name,
                conn.inner.server_version
            ),
            Err(e) => tracing::warn!("connecting to {} failed: {}", address.trim(), e.message()),
        }
        result
    }

    async fn connect_within(address: &str, options: ConnectOptions) -> Result<Connection> {
        let tls_options =
            options.tls_root_certificate.is_some() || options.tls_server_name.is_some();
        let url = normalize_address(address, tls_options)?;
        let tls = url.starts_with("https://");
        let ways = [
            options.access_token.is_some(),
            options.token_provider.is_some(),
            options.kerberos.is_some(),
        ];
        if ways.iter().filter(|&&set| set).count() > 1 {
            return Err(Error::invalid_argument(
                "an access token, a token provider and Kerberos are three ways to sign in: set one",
            ));
        }
        let kerberos = options
            .kerberos
            .as_ref()
            .map(KerberosOptions::resolve)
            .transpose()?;
        if ways.contains(&true) && !tls {
            let what = if kerberos.is_some() {
                "sign in with Kerberos"
            } else {
                "send an access token"
            };
            return Err(Error::invalid_argument(format!(
                "refusing to {what} over plain HTTP/2 to {url}: use https://"
            )));
        }
        if tls_options && !tls {
            return Err(Error::invalid_argument(format!(
                "TLS options are set but {url} is plain HTTP/2: use https://"
            )));
        }
        // TLS is the connector's (see `tls`): the channel itself speaks
        // plain HTTP/2 to it, with the `https` scheme in its requests.
        let uri: tonic::transport::Uri = url
            .parse()
            .map_err(|e| Error::invalid_argument(format!("{address:?}: {e}")))?;
        let host = uri.host().unwrap_or_default();
        let plain = url.replacen("https://", "http://", 1);
        let mut endpoint = Endpoint::from_shared(plain)
            .map_err(|e| Error::invalid_argument(format!("{address:?}: {e}")))?
            .origin(uri.clone())
            // Bounds each connect, a reconnect's included, TLS handshake and
            // all; `Connector` sets the TCP options.
            .connect_timeout(options.connect_timeout)
            // Bulk data: frames of up to 1 MiB from the server instead of
            // HTTP/2's 16 KiB (a read of a million points is 20 MB: 1,200 frames
            // fewer to take apart), and windows that let a few parts of a split
            // read be on the wire at once (see `timeseries`).
            .max_frame_size(MAX_FRAME_BYTES)
            .initial_stream_window_size(STREAM_WINDOW_BYTES)
            .initial_connection_window_size(CONNECTION_WINDOW_BYTES);
        if let Some(dead) = options.dead_connection_timeout {
            // hyper pings once nothing has been read for the interval while
            // calls wait, and closes the connection when the ping is not
            // answered within the timeout; tonic's channel then reconnects
            // on the next call.
            let half = (dead / 2).max(Duration::from_millis(1));
            endpoint = endpoint
                .http2_keep_alive_interval(half)
                .keep_alive_timeout(half)
                .keep_alive_while_idle(false);
        }
        let tls_layer = if tls {
            Some(Tls::new(&options, host)?)
        } else {
            None
        };
        let limit = options.connect_timeout;
        let stats = Arc::new(Stats::default());
        let connector = Connector::new(options.connect_timeout, tls_layer, stats.clone());
        let channel = match endpoint.connect_with_connector(connector).await {
            Err(e) => {
                return Err(match tls_problem(&e) {
                    Some(problem) => Error::new(
                        ErrorKind::Tls,
                        format!("TLS handshake with {url} failed: {problem}"),
                    ),
                    None => Error::new(
                        ErrorKind::Unavailable,
                        format!("cannot connect to {url}: {}", error_chain(&e)),
                    ),
                })
            }
            Ok(channel) => channel,
        };
        // The token is fetched by the first call, `GetVersion`, within the
        // connect timeout.
        let source = match (&options.token_provider, kerberos) {
            (Some(provider), _) => Some(Source::Provider(provider.clone())),
            (None, Some(names)) => Some(Source::Kerberos(Arc::new(SignIn::new(
                channel.clone(),
                names,
                &url,
                options.connect_timeout.max(options.call_timeout),
            )))),
            (None, None) => None,
        };
        let auth = Arc::new(Auth::new(options.access_token.as_deref(), source)?);
        let channel =
            InterceptedService::new(counted(channel, &stats), AuthInterceptor(auth.clone()));
        let mut inner = ConnectionInner {
            channel,
            options,
            auth,
            tls,
            server_version: String::new(),
            server_name: String::new(),
            server_timeout_ms: AtomicU64::new(0),
            stats,
        };
        let info = inner
            .rpc("GetVersion", limit, |channel| async move {
                ConfigurationServiceClient::new(channel)
                    .get_version(())
                    .await
            })
            .await?;
        if let Some(v) = parse_version(&info.version) {
            if v < MIN_SERVER_VERSION {
                let (a, b, c) = MIN_SERVER_VERSION;
                return Err(Error::new(
                    ErrorKind::IncompatibleServer,
                    format!(
                        "server at {url} runs Mesh {}, older than the {a}.{b}.{c} this library needs",
                        info.version
                    ),
                ));
            }
        }
        inner.server_version = info.version;
        inner.server_name = info.name;
        Ok(Connection {
            inner: Arc::new(inner),
        })
    }

    /// Replaces the access token on this live connection: every later call,
    /// keep-alive included, sends the new one. `None` stops sending one.
    /// Refused on a plain HTTP/2 connection.
    pub fn set_access_token(&self, token: Option<&str>) -> Result<()> {
        if token.is_some() && !self.inner.tls {
            return Err(Error::invalid_argument(
                "refusing to send an access token over plain HTTP/2: connect with https://",
            ));
        }
        self.inner.auth.set_token(token)
    }

    /// Who the server says the caller is.
    pub async fn user_identity(&self) -> Result<UserIdentity> {
        let limit = self.inner.options.call_timeout;
        let identity = self
            .inner
            .rpc("GetUserIdentity", limit, |channel| async move {
                AuthenticationServiceClient::new(channel)
                    .get_user_identity(())
                    .await
            })
            .await?;
        Ok(UserIdentity {
            display_name: identity.display_name,
            source: identity.source,
            identifier: identity.identifier,
        })
    }

    /// Asks the server to make the token this connection sends unusable,
    /// and stops sending it. With a token source (Kerberos, a provider) the
    /// next call gets a new token; without one, calls go without a token
    /// until one is set. `ErrorKind::InvalidArgument` when no token is
    /// being sent.
    pub async fn revoke_own_access_token(&self) -> Result<()> {
        let token = self.inner.auth.current_token().ok_or_else(|| {
            Error::invalid_argument("this connection sends no access token to revoke")
        })?;
        self.revoke_access_token(&token).await?;
        self.inner.auth.forget(&token)
    }

    /// Asks the server to make `token` unusable from now on.
    pub async fn revoke_access_token(&self, token: &str) -> Result<()> {
        let limit = self.inner.options.call_timeout;
        self.inner
            .rpc("RevokeAccessToken", limit, |channel| {
                let token = token.to_string();
                async move {
                    AuthenticationServiceClient::new(channel)
                        .revoke_access_token(token)
                        .await
                }
            })
            .await
            .map(drop)
    }

    /// The version string the server reported when connecting.
    pub fn server_version(&self) -> &str {
        &self.inner.server_version
    }

    /// The name the server gave itself when connecting (`GetVersion`'s
    /// `name`, e.g. `"Volue Mesh Server"`); empty when it sent none.
    pub fn server_name(&self) -> &str {
        &self.inner.server_name
    }

    /// The connection's statistics now: calls, failures by kind, retries,
    /// reconnects, `ExtendSession` calls, message bytes and open sessions
    /// (see [`Statistics`]). Reads counters; makes no request. All zero in
    /// a build with the `no-statistics` feature.
    pub fn statistics(&self) -> Statistics {
        self.inner.stats.snapshot()
    }

    /// The options this connection was made with.
    pub fn options(&self) -> &ConnectOptions {
        &self.inner.options
    }

    /// Starts a new session on the server and keeps it alive until it is
    /// closed, detached or dropped.
    pub async fn open_session(&self) -> Result<Session> {
        Session::open(self.inner.clone()).await
    }

    /// Attaches to an open session by id, checking with the server that it
    /// exists (`ErrorKind::SessionNotFound` when it does not), and keeps it
    /// alive from then on.
    pub async fn attach_session(&self, id: Uuid) -> Result<Session> {
        Session::attach(self.inner.clone(), id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        let n = |a| normalize_address(a, false);
        assert_eq!(n("127.0.0.1:5").unwrap(), "http://127.0.0.1:5");
        assert_eq!(
            n("http://localhost:50051").unwrap(),
            "http://localhost:50051"
        );
        assert_eq!(
            n("http://localhost:50051/").unwrap(),
            "http://localhost:50051/"
        );
        assert_eq!(
            n("https://mesh.example:443").unwrap(),
            "https://mesh.example:443"
        );
        assert_eq!(n("[::1]:7").unwrap(), "http://[::1]:7");
        assert_eq!(normalize_address("h:7", true).unwrap(), "https://h:7");
        assert_eq!(normalize_address("http://h:7", true).unwrap(), "http://h:7");
        for bad in [
            "",
            "localhost",
            "http://",
            "https://host",
            "ftp://host:1",
            "host:port",
            "host:1/path",
            "host:99999",
            "a b:1",
        ] {
            let e = n(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad:?}");
        }
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("2.21.0"), Some((2, 21, 0)));
        assert_eq!(parse_version("2.21.0+123"), Some((2, 21, 0)));
        assert_eq!(parse_version("10.0.1"), Some((10, 0, 1)));
        assert_eq!(parse_version("2.21"), None);
        assert_eq!(parse_version("2.21.0.1"), None);
        assert_eq!(parse_version("2.21.0+abc"), None);
        assert_eq!(parse_version("2.21.0-beta"), None);
        assert_eq!(parse_version("dev"), None);
        assert!(parse_version("2.20.9").unwrap() < MIN_SERVER_VERSION);
        assert!(parse_version("2.21.0").unwrap() >= MIN_SERVER_VERSION);
    }
}
