//! What every call carries besides its message: the access token, sent as
//! `authorization: Bearer <token>` on every call (keep-alive included),
//! replaceable on a live connection, and refreshed from a caller-supplied
//! provider when the server answers UNAUTHENTICATED (a token never appears
//! in a message or a `Debug` output); and the client version metadata
//! (see [`CLIENT_VERSION_KEY`]).

use crate::sync::{read, write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::interceptor::InterceptedService;
use tonic::service::Interceptor;
use tonic::transport::Channel;

use super::error::{Error, Result};

/// Supplies access tokens on demand (from Kerberos, OAuth, a file...). Called
/// on a library-owned thread of its own that may block: when a connection is
/// made without a token, and when the server has rejected the current one.
/// A call that waits longer than its timeout gives up; the provider keeps
/// its thread until it returns, stopping nothing else.
pub trait TokenProvider: Send + Sync {
    /// A fresh token, without the `Bearer ` prefix.
    fn token(&self) -> Result<String>;
}

/// The channel every client uses: the HTTP/2 channel plus the token.
pub(crate) type MeshChannel = InterceptedService<Channel, AuthInterceptor>;

/// How many of the latest tokens are kept to scrub from messages: a server
/// may still echo a token just replaced.
const SECRETS_KEPT: usize = 8;

pub(crate) struct Auth {
    header: RwLock<Option<MetadataValue<Ascii>>>,
    /// The latest tokens sent, newest last, to scrub from error messages.
    secrets: RwLock<Vec<String>>,
    /// Bumped on every token change, so that concurrent calls rejected with
    /// the same old token ask the provider once, not once each.
    generation: AtomicU64,
    provider: Option<Arc<dyn TokenProvider>>,
    refresh: tokio::sync::Mutex<()>,
}

/// Checks a token and makes its header value, marked sensitive.
fn bearer(token: &str) -> Result<MetadataValue<Ascii>> {
    let valid = !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic());
    if !valid {
        return Err(Error::invalid_argument(
            "access token must be non-empty printable ASCII without spaces",
        ));
    }
    let mut value: MetadataValue<Ascii> = format!("Bearer {token}")
        .parse()
        .map_err(|_| Error::invalid_argument("access token is not a valid header value"))?;
    value.set_sensitive(true);
    Ok(value)
}

impl Auth {
    pub(crate) fn new(
        token: Option<&str>,
        provider: Option<Arc<dyn TokenProvider>>,
    ) -> Result<Auth> {
        Ok(Auth {
            header: RwLock::new(token.map(bearer).transpose()?),
            secrets: RwLock::new(token.map(str::to_string).into_iter().collect()),
            generation: AtomicU64::new(0),
            provider,
            refresh: tokio::sync::Mutex::new(()),
        })
    }

    pub(crate) fn set_token(&self, token: Option<&str>) -> Result<()> {
        let header = token.map(bearer).transpose()?;
        if let Some(token) = token {
            let mut secrets = write(&self.secrets);
            secrets.retain(|s| s != token);
            secrets.push(token.to_string());
            let excess = secrets.len().saturating_sub(SECRETS_KEPT);
            secrets.drain(..excess);
        }
        *write(&self.header) = header;
        self.generation.fetch_add(1, Ordering::AcqRel);
        Ok(())
    }

    /// The latest tokens this connection sent, to scrub from messages.
    pub(crate) fn secrets(&self) -> Vec<String> {
        read(&self.secrets).clone()
    }

    pub(crate) fn has_token(&self) -> bool {
        read(&self.header).is_some()
    }

    pub(crate) fn has_provider(&self) -> bool {
        self.provider.is_some()
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Gets a new token from the provider, unless another call already did
    /// since `seen` (the generation that call used).
    pub(crate) async fn refresh(&self, seen: u64) -> Result<()> {
        let Some(provider) = self.provider.clone() else {
            return Ok(());
        };
        let _one_at_a_time = self.refresh.lock().await;
        if self.generation() != seen {
            return Ok(());
        }
        let token = super::provider::ask(provider).await?;
        self.set_token(Some(&token))
    }
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("token", &if self.has_token() { "<set>" } else { "<none>" })
            .field("provider", &self.provider.is_some())
            .finish()
    }
}

/// The metadata key under which the official Python client (`volue.mesh`)
/// sends its package version, so that a server can refuse clients it knows
/// to be incompatible with it.
///
/// What this library sends under it, and why: Mesh servers read the value
/// as a version of the Python SDK. The SDK parses versions as
/// `MAJOR.MINOR.PATCH`, and when it cannot tell its own version it sends
/// `99.99.99` so that no server refuses it: the check is "refuse versions
/// older than the oldest client I work with". This library's own version
/// (0.x) sent there would read as a Python client older than 1.0, which
/// every server would be right to refuse. Sending nothing would read as a
/// Python client from before 1.14 (the first to send it), which a server
/// may refuse too once it no longer serves those. What decides whether a
/// server and a client get on is the protocol they speak, and this
/// library's `.proto` files and rules (the oldest server, 2.21.0, included)
/// are those of one SDK release, [`PROTOCOL_SDK_VERSION`]. So the library
/// sends that version under this key: a server then accepts or refuses
/// this library exactly as it would the SDK release that speaks the same
/// protocol, and refuses it up front, with a clear message, when that
/// protocol is one it no longer speaks. It identifies itself, with its own
/// version, under a key of its own, [`CAPI_VERSION_KEY`], which no server
/// compares with Python versions. Both go on every call (the official
/// client sends its version on `GetVersion` only), so a server that checks
/// any other call sees them too.
pub(crate) const CLIENT_VERSION_KEY: &str = "x-volue-mesh-client-version";

/// The release of the official Python SDK whose protocol this library
/// speaks: update it with the `.proto` files.
pub(crate) const PROTOCOL_SDK_VERSION: &str = "1.16.0";

/// The metadata key under which this library sends its own version.
pub(crate) const CAPI_VERSION_KEY: &str = "x-volue-mesh-capi-version";

/// This library's version, as sent under [`CAPI_VERSION_KEY`].
pub(crate) const CAPI_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Adds the current token and the client version metadata to each request.
#[derive(Clone)]
pub(crate) struct AuthInterceptor(pub(crate) Arc<Auth>);

impl Interceptor for AuthInterceptor {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        let metadata = request.metadata_mut();
        metadata.insert(
            CLIENT_VERSION_KEY,
            MetadataValue::from_static(PROTOCOL_SDK_VERSION),
        );
        metadata.insert(CAPI_VERSION_KEY, MetadataValue::from_static(CAPI_VERSION));
        let header = read(&self.0.header).clone();
        if let Some(value) = header {
            metadata.insert("authorization", value);
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ErrorKind;

    #[test]
    fn every_request_carries_the_client_version() {
        // Versions as the official client and Mesh read them.
        let parsed = |v| super::super::connection::parse_version(v);
        assert!(parsed(PROTOCOL_SDK_VERSION).is_some_and(|v| v >= (1, 14, 0)));
        assert!(parsed(CAPI_VERSION).is_some());
        let auth = Arc::new(Auth::new(None, None).unwrap());
        let request = AuthInterceptor(auth).call(tonic::Request::new(())).unwrap();
        let metadata = request.metadata();
        assert_eq!(
            metadata.get(CLIENT_VERSION_KEY).unwrap(),
            PROTOCOL_SDK_VERSION
        );
        assert_eq!(metadata.get(CAPI_VERSION_KEY).unwrap(), CAPI_VERSION);
        assert!(metadata.get("authorization").is_none());
    }

    #[test]
    fn tokens_are_checked_and_never_shown() {
        let auth = Auth::new(Some("s3cret-token"), None).unwrap();
        assert!(!format!("{auth:?}").contains("s3cret"));
        let header = auth.header.read().unwrap().clone().unwrap();
        assert_eq!(header.to_str().unwrap(), "Bearer s3cret-token");
        assert!(!format!("{header:?}").contains("s3cret"));
        for bad in ["", "two words", "line\nbreak", "ünïcode"] {
            let e = Auth::new(Some(bad), None).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
            assert!(bad.is_empty() || !e.to_string().contains(bad));
        }
    }
}
