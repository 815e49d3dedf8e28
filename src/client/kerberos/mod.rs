//! Signing in with Kerberos, as the official client's
//! `Connection.with_kerberos` does: the platform's Kerberos (GSSAPI on
//! Unix, SSPI on Windows, both through the `cross-krb5` crate) makes a
//! ticket for the Mesh service, `AuthenticateKerberos` trades it for a Mesh
//! access token with a lifetime (one hour on Mesh), and the connection
//! sends that token and renews it (see `auth`). On Unix this needs the
//! `kerberos` feature; Windows builds always have it.

mod names;
#[cfg(any(windows, feature = "kerberos"))]
mod sign_in;

use std::time::Duration;

use super::error::Result;

/// Whether this build of the library can sign in with Kerberos.
pub const KERBEROS_AVAILABLE: bool = cfg!(any(windows, feature = "kerberos"));

/// How to sign in with Kerberos (`ConnectOptions::kerberos`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KerberosOptions {
    /// The Mesh server's service principal, in any form the official client
    /// takes: `HOST/host.domain`, `service@host`, or `DOMAIN\account` for a
    /// server running as a user account without a service principal name.
    pub service_principal: String,
    /// Whose credentials to use (`user@REALM` or `DOMAIN\user`); `None` for
    /// the default: the logged-in user on Windows, the default credential
    /// cache (`KRB5CCNAME`, `kinit`) on Unix.
    pub user_principal: Option<String>,
    /// Require the server to prove its identity too (mutual
    /// authentication, one more exchange). The official client does not
    /// ask for it; TLS already authenticates the server.
    pub mutual: bool,
}

impl KerberosOptions {
    /// Checks the names and translates them for this platform.
    pub(crate) fn resolve(&self) -> Result<Resolved> {
        let target = names::service(&self.service_principal, names::PLATFORM)?;
        let user = self
            .user_principal
            .as_deref()
            .map(|u| names::user(u, names::PLATFORM))
            .transpose()?;
        #[cfg(not(any(windows, feature = "kerberos")))]
        {
            let _ = (target, user);
            Err(super::error::Error::invalid_argument(
                "this build of mesh-capi has no Kerberos: build it with the `kerberos` \
                 feature (needs the GSSAPI headers and libclang, Debian: libkrb5-dev \
                 libclang-dev)",
            ))
        }
        #[cfg(any(windows, feature = "kerberos"))]
        Ok(Resolved {
            target,
            user,
            options: self.clone(),
        })
    }
}

/// Kerberos options with the names as the platform reads them.
/// (None can be made in a build without Kerberos.)
#[derive(Clone, Debug)]
#[cfg_attr(not(any(windows, feature = "kerberos")), allow(dead_code))]
pub(crate) struct Resolved {
    pub(crate) target: String,
    pub(crate) user: Option<String>,
    pub(crate) options: KerberosOptions,
    #[cfg(not(any(windows, feature = "kerberos")))]
    never: std::convert::Infallible,
}

#[cfg_attr(not(any(windows, feature = "kerberos")), allow(dead_code))]
impl Resolved {
    /// Who signs in to what, for messages: the names as given, and as the
    /// platform read them when that differs.
    pub(crate) fn describe(&self) -> String {
        let o = &self.options;
        let mut service = format!("service principal {:?}", o.service_principal);
        if self.target != o.service_principal {
            service.push_str(&format!(" (read as {:?})", self.target));
        }
        let user = match (&o.user_principal, &self.user) {
            (None, _) => "the default credentials".to_string(),
            (Some(given), Some(read)) if given != read => {
                format!("user principal {given:?} (read as {read:?})")
            }
            (Some(given), _) => format!("user principal {given:?}"),
        };
        format!("{service} as {user}")
    }
}

/// A Mesh token and how long the server said it is valid.
pub(crate) struct MeshToken {
    pub(crate) token: String,
    pub(crate) valid_for: Option<Duration>,
}

#[cfg(any(windows, feature = "kerberos"))]
pub(crate) use sign_in::SignIn;

/// Stands in for [`sign_in::SignIn`] in a build without Kerberos, where
/// `KerberosOptions::resolve` refuses every option before one is made.
#[cfg(not(any(windows, feature = "kerberos")))]
pub(crate) struct SignIn(std::convert::Infallible);

#[cfg(not(any(windows, feature = "kerberos")))]
impl SignIn {
    pub(crate) fn new(
        _: tonic::transport::Channel,
        names: Resolved,
        _: &str,
        _: Duration,
    ) -> SignIn {
        match names.never {}
    }

    pub(crate) fn sign_in(&self) -> Result<MeshToken> {
        match self.0 {}
    }

    pub(crate) fn describe(&self) -> String {
        match self.0 {}
    }
}
