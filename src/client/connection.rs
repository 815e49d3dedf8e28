//! A connection to a Mesh server: one HTTP/2 channel, checked with
//! `GetVersion` before it is handed out, shared by any number of sessions and
//! threads. Sessions hold the channel too, so it lives until the last of them
//! and the connection object itself are gone.

use std::sync::Arc;
use std::time::Duration;

use tonic::transport::{Channel, Endpoint};
use uuid::Uuid;

use super::error::{error_chain, Error, ErrorKind, Result};
use super::session::Session;
use crate::proto::config::configuration_service_client::ConfigurationServiceClient;

/// The oldest Mesh server version this library works with (as the official client).
pub const MIN_SERVER_VERSION: (u64, u64, u64) = (2, 21, 0);

/// How a connection behaves. Grows by fields with defaults; the C API sets
/// them one by one.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// The largest message the client takes from the server, in bytes.
    /// Reads whose answer would be larger are split by time and merged.
    pub max_receive_message_bytes: usize,
}

/// gRPC's default receive limit, which Mesh's clients keep.
pub const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            connect_timeout: Duration::from_secs(10),
            call_timeout: Duration::from_secs(30),
            keepalive_interval: None,
            max_receive_message_bytes: DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
        }
    }
}

pub(crate) struct ConnectionInner {
    pub(crate) channel: Channel,
    pub(crate) options: ConnectOptions,
    server_version: String,
}

/// A checked connection to one Mesh server. Cloning is cheap and shares the
/// channel.
#[derive(Clone)]
pub struct Connection {
    inner: Arc<ConnectionInner>,
}

/// `host:port` or `http://host:port` as a URL tonic takes.
fn normalize_address(address: &str) -> Result<String> {
    let address = address.trim();
    let url = if let Some(rest) = address.strip_prefix("http://") {
        format!("http://{rest}")
    } else if address.starts_with("https://") {
        return Err(Error::invalid_argument(format!(
            "{address:?}: TLS (https://) is not supported by this version; use host:port or http://host:port"
        )));
    } else if address.contains("://") {
        return Err(Error::invalid_argument(format!(
            "{address:?}: unknown scheme; use host:port or http://host:port"
        )));
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
            "{address:?} is not an address: expected host:port or http://host:port"
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

impl Connection {
    /// Connects to `address` (`host:port` or `http://host:port`) and checks
    /// the server's version. Must run inside a tokio runtime; the channel's
    /// background work runs there.
    pub async fn connect(address: &str, options: ConnectOptions) -> Result<Connection> {
        let url = normalize_address(address)?;
        let endpoint = Endpoint::from_shared(url.clone())
            .map_err(|e| Error::invalid_argument(format!("{address:?}: {e}")))?
            .connect_timeout(options.connect_timeout)
            .tcp_nodelay(true);
        let limit = options.connect_timeout;
        let channel = match tokio::time::timeout(limit, endpoint.connect()).await {
            Err(_) => {
                return Err(Error::new(
                    ErrorKind::Unavailable,
                    format!(
                        "cannot connect to {url}: no answer within {} ms",
                        limit.as_millis()
                    ),
                ))
            }
            Ok(Err(e)) => {
                return Err(Error::new(
                    ErrorKind::Unavailable,
                    format!("cannot connect to {url}: {}", error_chain(&e)),
                ))
            }
            Ok(Ok(channel)) => channel,
        };
        let mut config = ConfigurationServiceClient::new(channel.clone());
        let info = match tokio::time::timeout(limit, config.get_version(())).await {
            Err(_) => return Err(Error::timeout("GetVersion", limit)),
            Ok(Err(status)) => return Err(Error::from_status("GetVersion", &status)),
            Ok(Ok(response)) => response.into_inner(),
        };
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
        Ok(Connection {
            inner: Arc::new(ConnectionInner {
                channel,
                options,
                server_version: info.version,
            }),
        })
    }

    /// The version string the server reported when connecting.
    pub fn server_version(&self) -> &str {
        &self.inner.server_version
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
        assert_eq!(
            normalize_address("127.0.0.1:5").unwrap(),
            "http://127.0.0.1:5"
        );
        assert_eq!(
            normalize_address("http://localhost:50051").unwrap(),
            "http://localhost:50051"
        );
        assert_eq!(
            normalize_address("http://localhost:50051/").unwrap(),
            "http://localhost:50051/"
        );
        assert_eq!(normalize_address("[::1]:7").unwrap(), "http://[::1]:7");
        for bad in [
            "",
            "localhost",
            "http://",
            "https://host:1",
            "ftp://host:1",
            "host:port",
            "host:1/path",
            "host:99999",
            "a b:1",
        ] {
            let e = normalize_address(bad).unwrap_err();
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
