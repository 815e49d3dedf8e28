//! What every call carries besides its message: the access token, sent as
//! `authorization: Bearer <token>` on every call (keep-alive included),
//! replaceable on a live connection, and refreshed from its source (a
//! caller-supplied provider, or a Kerberos sign-in) when the server answers
//! UNAUTHENTICATED and, for a token whose lifetime the server gave, before
//! it expires (a token never appears in a message or a `Debug` output);
//! and the client version metadata (see [`CLIENT_VERSION_KEY`]).

use crate::sync::{read, write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::interceptor::InterceptedService;
use tonic::service::Interceptor;

use super::error::{Error, ErrorKind, Result};
use super::kerberos::{MeshToken, SignIn};
use super::stats::CountedChannel;

/// Supplies access tokens on demand (from Kerberos, OAuth, a file...). Called
/// on a library-owned thread of its own that may block: when a connection is
/// made without a token, and when the server has rejected the current one.
/// A call that waits longer than its timeout gives up; the provider keeps
/// its thread until it returns, stopping nothing else.
pub trait TokenProvider: Send + Sync {
    /// A fresh token, without the `Bearer ` prefix.
    fn token(&self) -> Result<String>;
}

/// The channel every client uses: the HTTP/2 channel plus the token (and
/// the counting of message bytes, see `stats`).
pub(crate) type MeshChannel = InterceptedService<CountedChannel, AuthInterceptor>;

/// How many of the latest tokens are kept to scrub from messages: a server
/// may still echo a token just replaced.
const SECRETS_KEPT: usize = 8;

/// Where new tokens come from.
pub(crate) enum Source {
    /// The caller's provider; its tokens' lifetimes are unknown.
    Provider(Arc<dyn TokenProvider>),
    /// Signing in with Kerberos; the server gives each token's lifetime.
    Kerberos(Arc<SignIn>),
}

impl Source {
    /// What is waited for, as timeout messages name it.
    fn what(&self) -> &'static str {
        match self {
            Source::Provider(_) => "the token provider",
            Source::Kerberos(_) => "the Kerberos sign-in",
        }
    }

    async fn fetch(&self) -> Result<MeshToken> {
        let what = self.what();
        match self {
            Source::Provider(provider) => {
                let provider = provider.clone();
                let token = super::provider::ask(what, move || provider.token()).await?;
                Ok(MeshToken {
                    token,
                    valid_for: None,
                })
            }
            Source::Kerberos(sign_in) => {
                let sign_in = sign_in.clone();
                super::provider::ask(what, move || sign_in.sign_in()).await
            }
        }
    }
}

/// When a token with a known lifetime is renewed.
#[derive(Clone, Copy, Debug)]
struct Lifetime {
    /// From here on a call starts a renewal in the background and goes on
    /// with the current token: half the lifetime.
    renew_at: Instant,
    /// From here on a call waits for a new token: the lifetime less a
    /// margin for clocks and transport (a minute, or a quarter of a short
    /// lifetime).
    expires_at: Instant,
}

impl Lifetime {
    fn new(obtained: Instant, valid_for: Duration) -> Lifetime {
        let margin = (valid_for / 4).min(Duration::from_secs(60));
        Lifetime {
            renew_at: obtained + valid_for / 2,
            expires_at: obtained + (valid_for - margin),
        }
    }
}

/// Whether the current token needs renewing before a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Due {
    /// No: send the current token (or none).
    No,
    /// Soon: start a renewal in the background, send the current token.
    Soon,
    /// Now: no token, or it has expired: wait for a new one.
    Now,
}

pub(crate) struct Auth {
    header: RwLock<Option<MetadataValue<Ascii>>>,
    /// The latest tokens sent, newest last, to scrub from error messages.
    secrets: RwLock<Vec<String>>,
    /// Bumped on every token change, so that concurrent calls rejected with
    /// the same old token ask the source once, not once each.
    generation: AtomicU64,
    source: Option<Source>,
    /// The current token's lifetime, when its source gave one.
    lifetime: RwLock<Option<Lifetime>>,
    /// A renewal is running in the background.
    renewing: AtomicBool,
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
    pub(crate) fn new(token: Option<&str>, source: Option<Source>) -> Result<Auth> {
        Ok(Auth {
            header: RwLock::new(token.map(bearer).transpose()?),
            secrets: RwLock::new(token.map(str::to_string).into_iter().collect()),
            generation: AtomicU64::new(0),
            source,
            lifetime: RwLock::new(None),
            renewing: AtomicBool::new(false),
            refresh: tokio::sync::Mutex::new(()),
        })
    }

    /// Sets the token to send (`None`: none), with an unknown lifetime.
    pub(crate) fn set_token(&self, token: Option<&str>) -> Result<()> {
        let header = token.map(bearer).transpose()?;
        *write(&self.lifetime) = None;
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

    /// The token being sent, if any (to revoke it).
    pub(crate) fn current_token(&self) -> Option<String> {
        let header = read(&self.header).clone()?;
        let text = header.to_str().ok()?;
        text.strip_prefix("Bearer ").map(str::to_string)
    }

    /// Stops sending `token` if it is still the current one: the next call
    /// gets a new one from the source, if there is one.
    pub(crate) fn forget(&self, token: &str) -> Result<()> {
        if self.current_token().as_deref() == Some(token) {
            self.set_token(None)?;
        }
        Ok(())
    }

    /// Whether new tokens can be had (a provider or Kerberos).
    pub(crate) fn has_source(&self) -> bool {
        self.source.is_some()
    }

    /// How the connection signs in, for the log: `None` when it sends no
    /// token.
    pub(crate) fn source_kind(&self) -> Option<&'static str> {
        match &self.source {
            Some(Source::Provider(_)) => Some("a token provider"),
            Some(Source::Kerberos(_)) => Some("Kerberos"),
            None if self.has_token() => Some("an access token"),
            None => None,
        }
    }

    /// What a renewal is, for timeout messages.
    pub(crate) fn source_what(&self) -> &'static str {
        self.source.as_ref().map_or("the token", Source::what)
    }

    /// A renewal's error as the caller sees it: a Kerberos sign-in that
    /// timed out is refused sign-in (the KDC or the server did not answer),
    /// named with its principals, not a server that did not answer.
    pub(crate) fn renewal_failed(&self, e: Error) -> Error {
        match &self.source {
            Some(Source::Kerberos(sign_in)) if e.kind() == ErrorKind::Timeout => Error::new(
                ErrorKind::Unauthenticated,
                format!(
                    "{} (Kerberos sign-in with {}: the KDC or the server did not answer in time)",
                    e.message(),
                    sign_in.describe()
                ),
            ),
            _ => e,
        }
    }

    /// Whether a call must wait for a new token, or should start one.
    pub(crate) fn due(&self) -> Due {
        if self.source.is_none() {
            return Due::No;
        }
        if read(&self.header).is_none() {
            return Due::Now;
        }
        let Some(lifetime) = *read(&self.lifetime) else {
            return Due::No;
        };
        let now = Instant::now();
        if now >= lifetime.expires_at {
            Due::Now
        } else if now >= lifetime.renew_at {
            Due::Soon
        } else {
            Due::No
        }
    }

    /// Renews the token in the background unless a renewal is already
    /// running. When it fails, the current token stays until it expires and
    /// the next try is a while later, so calls never wait on it.
    pub(crate) fn renew_in_background(self: &Arc<Self>) {
        if self.renewing.swap(true, Ordering::AcqRel) {
            return;
        }
        let auth = self.clone();
        let seen = self.generation();
        tokio::spawn(async move {
            if auth.refresh(seen).await.is_err() {
                auth.postpone_renewal();
            }
            auth.renewing.store(false, Ordering::Release);
        });
    }

    /// After a failed background renewal: the next try an eighth of the
    /// time left later (at least a second), and never after expiry.
    fn postpone_renewal(&self) {
        let mut lifetime = write(&self.lifetime);
        if let Some(l) = lifetime.as_mut() {
            let now = Instant::now();
            let wait =
                (l.expires_at.saturating_duration_since(now) / 8).max(Duration::from_secs(1));
            l.renew_at = (now + wait).min(l.expires_at);
        }
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Gets a new token from the source, unless another call already did
    /// since `seen` (the generation that call used).
    pub(crate) async fn refresh(&self, seen: u64) -> Result<()> {
        let Some(source) = &self.source else {
            return Ok(());
        };
        let _one_at_a_time = self.refresh.lock().await;
        if self.generation() != seen {
            return Ok(());
        }
        let asked = Instant::now();
        let fresh = match source.fetch().await {
            Ok(fresh) => fresh,
            Err(e) => {
                tracing::warn!("{} failed: {}", source.what(), e.message());
                return Err(e);
            }
        };
        self.set_token(Some(&fresh.token))?;
        match fresh.valid_for {
            Some(valid) => tracing::info!(
                "{} gave a new access token in {} ms, valid for {} s",
                source.what(),
                asked.elapsed().as_millis(),
                valid.as_secs()
            ),
            None => tracing::info!(
                "{} gave a new access token in {} ms",
                source.what(),
                asked.elapsed().as_millis()
            ),
        }
        *write(&self.lifetime) = fresh.valid_for.map(|d| Lifetime::new(asked, d));
        Ok(())
    }
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("token", &if self.has_token() { "<set>" } else { "<none>" })
            .field("source", &self.source.as_ref().map(Source::what))
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

/// Adds the client version metadata (see [`CLIENT_VERSION_KEY`]).
pub(crate) fn add_client_version(metadata: &mut tonic::metadata::MetadataMap) {
    metadata.insert(
        CLIENT_VERSION_KEY,
        MetadataValue::from_static(PROTOCOL_SDK_VERSION),
    );
    metadata.insert(CAPI_VERSION_KEY, MetadataValue::from_static(CAPI_VERSION));
}

/// Adds the current token and the client version metadata to each request.
#[derive(Clone)]
pub(crate) struct AuthInterceptor(pub(crate) Arc<Auth>);

impl Interceptor for AuthInterceptor {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        let metadata = request.metadata_mut();
        add_client_version(metadata);
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
