//! Access tokens: sent as `authorization: Bearer <token>` on every call
//! (keep-alive included), replaceable on a live connection, and refreshed
//! from a caller-supplied provider when the server answers UNAUTHENTICATED.
//! A token never appears in a message or a `Debug` output.

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

/// Adds the current token to each request.
#[derive(Clone)]
pub(crate) struct AuthInterceptor(pub(crate) Arc<Auth>);

impl Interceptor for AuthInterceptor {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        let header = read(&self.0.header).clone();
        if let Some(value) = header {
            request.metadata_mut().insert("authorization", value);
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ErrorKind;

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
