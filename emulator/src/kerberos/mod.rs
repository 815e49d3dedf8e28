//! Kerberos for `AuthenticateKerberos`: the emulator accepts a client's
//! GSSAPI tokens through the system's MIT Kerberos (loaded at run time, see
//! `gssapi`) with a service key from a keytab, and hands out bearer tokens
//! for the principal that authenticated, each valid for a while.
//!
//! `test_initiator` is the client side, for the emulator's own tests.

#[cfg(unix)]
mod acceptor;
#[cfg(unix)]
mod gssapi;
#[cfg(unix)]
pub mod test_initiator;
mod tokens;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::sync::lock;
use crate::Identity;
pub(crate) use tokens::TokenCheck;

/// How long a token from `AuthenticateKerberos` is valid by default: Mesh's
/// one hour.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// Kerberos for `AuthenticateKerberos` (`Config::kerberos`).
#[derive(Clone, Debug)]
pub struct KerberosConfig {
    /// The keytab with the service's keys (read through MIT's credential
    /// store, not `KRB5_KTNAME`).
    pub keytab: PathBuf,
    /// The service principal clients must ask a ticket for, e.g.
    /// `HTTP/localhost@MESH.TEST` (the default realm when it names none);
    /// `None` accepts a ticket for any principal of the keytab.
    pub service_principal: Option<String>,
    /// How long the bearer tokens it hands out are valid.
    pub token_lifetime: Duration,
}

impl KerberosConfig {
    /// Accepts tickets for any principal of `keytab`, with tokens valid for
    /// [`DEFAULT_TOKEN_LIFETIME`].
    pub fn new(keytab: impl Into<PathBuf>) -> KerberosConfig {
        KerberosConfig {
            keytab: keytab.into(),
            service_principal: None,
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
        }
    }
}

/// Why Kerberos failed. The messages never carry token bytes.
#[derive(Debug, thiserror::Error)]
pub enum KerberosError {
    /// MIT's GSSAPI library could not be loaded.
    #[error(
        "cannot load MIT Kerberos's libgssapi_krb5.so.2 (Debian package libgssapi-krb5-2): {0}"
    )]
    Library(String),
    /// A GSSAPI call failed; `message` is the library's text for the major
    /// and minor status, e.g. "...: Request is a replay".
    #[error("{operation}: {message}")]
    Gss {
        operation: &'static str,
        major: u32,
        minor: u32,
        message: String,
    },
    /// The configuration cannot work (a missing keytab, a bad lifetime).
    #[error("{0}")]
    Config(String),
    /// Not a Unix build: there is no MIT Kerberos to load.
    #[error("Kerberos needs MIT Kerberos; this build has none")]
    Unsupported,
}

/// Whether MIT Kerberos's GSSAPI library can be loaded here (a test's
/// reason to skip when it cannot).
#[cfg(unix)]
pub fn available() -> Result<(), KerberosError> {
    gssapi::available()
}

/// Whether MIT Kerberos's GSSAPI library can be loaded here: never, in a
/// build that is not for Unix.
#[cfg(not(unix))]
pub fn available() -> Result<(), KerberosError> {
    Err(KerberosError::Unsupported)
}

/// The step of an exchange: another leg, or done.
// Only a Unix build makes one.
#[cfg_attr(not(unix), allow(dead_code))]
pub(crate) enum Accepted {
    /// Send `token` to the client and wait for its next one.
    Continue(Vec<u8>),
    /// The client is authenticated as `principal`; `reply` is the token
    /// that proves the server to it (the AP-REP of mutual authentication),
    /// empty when it did not ask for one.
    Complete { reply: Vec<u8>, principal: String },
}

#[cfg(unix)]
pub(crate) use acceptor::{Acceptor, Exchange};

#[cfg(not(unix))]
mod unsupported {
    use super::{Accepted, KerberosConfig, KerberosError};

    /// Never made: there is no Kerberos in this build.
    pub(crate) enum Acceptor {}
    /// Never made, as `Acceptor`.
    pub(crate) enum Exchange {}

    impl Acceptor {
        pub(crate) fn new(_config: &KerberosConfig) -> Result<Acceptor, KerberosError> {
            Err(KerberosError::Unsupported)
        }

        pub(crate) fn exchange(
            &self,
            _seen: std::sync::Arc<super::Seen>,
        ) -> Result<Exchange, KerberosError> {
            match *self {}
        }
    }

    impl Exchange {
        pub(crate) fn step(&mut self, _token: &[u8]) -> Result<Accepted, KerberosError> {
            match *self {}
        }
    }
}
#[cfg(not(unix))]
pub(crate) use unsupported::{Acceptor, Exchange};

/// How many of each kind of secret [`Seen`] keeps: the most recent ones.
const SEEN_KEPT: usize = 1000;

/// The secrets of `AuthenticateKerberos` as the emulator saw them, for
/// tests that look for them where they must not be (a client's log): the
/// GSSAPI tokens clients sent (the AP-REQ with the service ticket, and any
/// later leg) and the bearer tokens handed out, the most recent
/// [`SEEN_KEPT`] of each. Only read through the emulator's test accessors;
/// nothing answered to a client depends on them.
#[derive(Default)]
pub(crate) struct Seen {
    tickets: Mutex<VecDeque<Vec<u8>>>,
    tokens: Mutex<VecDeque<String>>,
}

impl Seen {
    // Only the Unix acceptor has tickets to note.
    #[cfg_attr(not(unix), allow(dead_code))]
    pub(crate) fn ticket(&self, token: &[u8]) {
        keep(&mut lock(&self.tickets), token.to_vec());
    }

    fn token(&self, token: &str) {
        keep(&mut lock(&self.tokens), token.to_string());
    }
}

fn keep<T>(kept: &mut VecDeque<T>, item: T) {
    if kept.len() >= SEEN_KEPT {
        kept.pop_front();
    }
    kept.push_back(item);
}

/// What one emulator keeps for Kerberos: the acceptor's credential and the
/// tokens handed out. It outlives restarts of the server, as a real
/// server's tokens stay valid across one.
pub(crate) struct Kerberos {
    acceptor: Acceptor,
    tokens: tokens::IssuedTokens,
    lifetime: Duration,
    seen: Arc<Seen>,
}

impl Kerberos {
    /// Loads the library and acquires the keytab's credential, so that a
    /// configuration that cannot work fails at start, not at the first call.
    pub(crate) fn new(config: &KerberosConfig) -> Result<Kerberos, KerberosError> {
        if config.token_lifetime.is_zero() {
            return Err(KerberosError::Config(
                "the token lifetime must be longer than zero".into(),
            ));
        }
        Ok(Kerberos {
            acceptor: Acceptor::new(config)?,
            tokens: tokens::IssuedTokens::default(),
            lifetime: config.token_lifetime,
            seen: Arc::default(),
        })
    }

    /// A new security context for one `AuthenticateKerberos` stream.
    pub(crate) fn exchange(&self) -> Result<Exchange, KerberosError> {
        self.acceptor.exchange(self.seen.clone())
    }

    /// A new bearer token for `principal`, and how long it is valid.
    pub(crate) fn issue(&self, principal: &str) -> (String, Duration) {
        let identity = Identity {
            display_name: principal.to_string(),
            source: "kerberos".to_string(),
            identifier: principal.to_lowercase(),
        };
        let token = self.tokens.issue(identity, self.lifetime);
        self.seen.token(&token);
        (token, self.lifetime)
    }

    /// Every bearer token handed out, oldest first (the most recent
    /// [`SEEN_KEPT`]), revoked and expired ones included.
    pub(crate) fn tokens_issued(&self) -> Vec<String> {
        lock(&self.seen.tokens).iter().cloned().collect()
    }

    /// Every GSSAPI token clients sent, oldest first (the most recent
    /// [`SEEN_KEPT`]), refused ones included.
    pub(crate) fn tickets_received(&self) -> Vec<Vec<u8>> {
        lock(&self.seen.tickets).iter().cloned().collect()
    }

    /// Who `token` was handed out to, if it was.
    pub(crate) fn check(&self, token: &str) -> TokenCheck {
        self.tokens.check(token)
    }

    /// Forgets `token`.
    pub(crate) fn revoke(&self, token: &str) {
        self.tokens.revoke(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_library_is_named_with_its_package() {
        let e = KerberosError::Library("cannot open shared object file".into()).to_string();
        assert!(e.contains("libgssapi_krb5.so.2"), "{e}");
        assert!(e.contains("libgssapi-krb5-2"), "{e}");
    }

    #[test]
    fn a_token_lifetime_of_zero_is_refused() {
        let config = KerberosConfig {
            token_lifetime: Duration::ZERO,
            ..KerberosConfig::new("/nonexistent.keytab")
        };
        let e = Kerberos::new(&config).err().expect("refused");
        assert!(e.to_string().contains("lifetime"), "{e}");
    }

    #[test]
    fn seen_keeps_the_most_recent_secrets() {
        let seen = Seen::default();
        for i in 0..SEEN_KEPT + 2 {
            seen.ticket(&[i as u8, 1, 2]);
            seen.token(&format!("t{i}"));
        }
        let tokens = lock(&seen.tokens);
        assert_eq!(tokens.len(), SEEN_KEPT);
        assert_eq!(tokens.front().map(String::as_str), Some("t2"));
        assert_eq!(tokens.back(), Some(&format!("t{}", SEEN_KEPT + 1)));
        assert_eq!(lock(&seen.tickets).len(), SEEN_KEPT);
    }

    #[test]
    fn issued_tokens_expire_and_can_be_revoked() {
        let tokens = tokens::IssuedTokens::default();
        let alice = crate::Identity::named("alice@MESH.TEST");
        let short = tokens.issue(alice.clone(), Duration::from_millis(1));
        let long = tokens.issue(alice.clone(), Duration::from_secs(60));
        assert_ne!(short, long);
        std::thread::sleep(Duration::from_millis(5));
        assert!(matches!(tokens.check(&short), TokenCheck::Expired));
        assert!(matches!(tokens.check(&long), TokenCheck::Valid(i) if i == alice));
        tokens.revoke(&long);
        assert!(matches!(tokens.check(&long), TokenCheck::Unknown));
        assert!(matches!(tokens.check("made-up"), TokenCheck::Unknown));
    }
}
