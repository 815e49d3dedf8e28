//! The bearer tokens `AuthenticateKerberos` hands out: random, each with
//! the identity it was issued to and when it expires.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::sync::lock;
use crate::Identity;

/// How long an expired token is still told apart from one never issued
/// ("has expired" rather than "is not valid") before it is forgotten.
const REMEMBER_EXPIRED: Duration = Duration::from_secs(3600);

/// What a token is.
pub(crate) enum TokenCheck {
    /// Issued to this identity, and still valid.
    Valid(Identity),
    /// Issued, but past its lifetime.
    Expired,
    /// Never issued (or revoked, or long expired).
    Unknown,
}

#[derive(Default)]
pub(crate) struct IssuedTokens {
    tokens: Mutex<HashMap<String, (Identity, Instant)>>,
}

impl IssuedTokens {
    /// A new random token for `identity`, valid for `lifetime`.
    pub(crate) fn issue(&self, identity: Identity, lifetime: Duration) -> String {
        let token = uuid::Uuid::new_v4().to_string();
        let now = Instant::now();
        let mut tokens = lock(&self.tokens);
        tokens.retain(|_, (_, expiry)| now.saturating_duration_since(*expiry) < REMEMBER_EXPIRED);
        tokens.insert(token.clone(), (identity, now + lifetime));
        token
    }

    pub(crate) fn check(&self, token: &str) -> TokenCheck {
        match lock(&self.tokens).get(token) {
            Some((identity, expiry)) if Instant::now() < *expiry => {
                TokenCheck::Valid(identity.clone())
            }
            Some(_) => TokenCheck::Expired,
            None => TokenCheck::Unknown,
        }
    }

    pub(crate) fn revoke(&self, token: &str) {
        lock(&self.tokens).remove(token);
    }
}
