//! Principal names as the official client takes them, translated to what
//! the platform's Kerberos reads.
//!
//! The official Python client hands its names to GSSAPI (Linux) or SSPI
//! (Windows) as they are, and those read them differently. This library
//! reaches both through `cross-krb5`, which reads a name on Unix as a
//! Kerberos principal (`primary/instance@REALM`, where `\` escapes the next
//! character) and hands it to SSPI unchanged on Windows. The forms:
//!
//! | given | meaning | GSSAPI reads | SSPI reads |
//! |---|---|---|---|
//! | `HOST/host.domain[@REALM]` | a service principal name | as given | as given |
//! | `service@host` (no `/`) | a host-based service (RFC 2743) | `service/host` | `service/host` |
//! | `DOMAIN\user` | a (service or user) account | `user@DOMAIN` when DOMAIN has a dot (a DNS name, which is the realm in upper case), else `user` in the default realm (a NetBIOS name, which Kerberos on Linux does not know) | as given |
//! | `user@domain` (user principal) | an account and its realm | `user@DOMAIN` (realms are upper case; Windows ignores case) | as given |
//! | `name` | an account in the default realm | as given | as given |

use crate::client::error::{Error, Result};

/// Which platform Kerberos a name is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Platform {
    /// GSSAPI (MIT or Heimdal), names read as Kerberos principals.
    Gssapi,
    /// Windows SSPI.
    Sspi,
}

/// The platform this build signs in with.
pub(crate) const PLATFORM: Platform = if cfg!(windows) {
    Platform::Sspi
} else {
    Platform::Gssapi
};

/// Checks what every form shares: not empty, no control characters or
/// spaces at the ends, at most one `\`.
fn check(name: &str, what: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::invalid_argument(format!("the {what} is empty")));
    }
    if name.trim() != name || name.chars().any(char::is_control) {
        return Err(Error::invalid_argument(format!(
            "the {what} {name:?} has spaces at an end or control characters"
        )));
    }
    if name.matches('\\').count() > 1 || name.ends_with('\\') || name.starts_with('\\') {
        return Err(Error::invalid_argument(format!(
            "the {what} {name:?} is not DOMAIN\\account"
        )));
    }
    Ok(())
}

/// `DOMAIN\account` as a Kerberos principal (see the module's table).
fn domain_account(domain: &str, account: &str) -> String {
    if domain.contains('.') {
        format!("{account}@{}", domain.to_uppercase())
    } else {
        account.to_string()
    }
}

/// The service principal name `given` (any form the official client takes)
/// as `platform` reads it.
pub(crate) fn service(given: &str, platform: Platform) -> Result<String> {
    check(given, "service principal")?;
    if let Some((domain, account)) = given.split_once('\\') {
        return Ok(match platform {
            Platform::Gssapi => domain_account(domain, account),
            Platform::Sspi => given.to_string(),
        });
    }
    if !given.contains('/') {
        if let Some((service, host)) = given.split_once('@') {
            if service.is_empty() || host.is_empty() || host.contains('@') {
                return Err(Error::invalid_argument(format!(
                    "the service principal {given:?} is not service@host"
                )));
            }
            return Ok(format!("{service}/{host}"));
        }
    }
    Ok(given.to_string())
}

/// The user principal `given` as `platform` reads it.
pub(crate) fn user(given: &str, platform: Platform) -> Result<String> {
    check(given, "user principal")?;
    if platform == Platform::Sspi {
        return Ok(given.to_string());
    }
    if let Some((domain, account)) = given.split_once('\\') {
        return Ok(domain_account(domain, account));
    }
    Ok(match given.rsplit_once('@') {
        Some((account, realm)) if !account.is_empty() && !realm.is_empty() => {
            format!("{account}@{}", realm.to_uppercase())
        }
        _ => given.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Platform::*;

    #[test]
    fn service_forms() {
        for (given, gss, sspi) in [
            (
                "HOST/host.mesh.test",
                "HOST/host.mesh.test",
                "HOST/host.mesh.test",
            ),
            ("HTTP/h@MESH.TEST", "HTTP/h@MESH.TEST", "HTTP/h@MESH.TEST"),
            ("HTTP@localhost", "HTTP/localhost", "HTTP/localhost"),
            (
                "mesh.test\\meshsvc",
                "meshsvc@MESH.TEST",
                "mesh.test\\meshsvc",
            ),
            ("MESH\\meshsvc", "meshsvc", "MESH\\meshsvc"),
            ("meshsvc", "meshsvc", "meshsvc"),
        ] {
            assert_eq!(service(given, Gssapi).unwrap(), gss, "{given}");
            assert_eq!(service(given, Sspi).unwrap(), sspi, "{given}");
        }
    }

    #[test]
    fn user_forms() {
        for (given, gss, sspi) in [
            ("alice@mesh.test", "alice@MESH.TEST", "alice@mesh.test"),
            ("alice@MESH.TEST", "alice@MESH.TEST", "alice@MESH.TEST"),
            ("mesh.test\\alice", "alice@MESH.TEST", "mesh.test\\alice"),
            ("AD\\alice", "alice", "AD\\alice"),
            ("alice", "alice", "alice"),
        ] {
            assert_eq!(user(given, Gssapi).unwrap(), gss, "{given}");
            assert_eq!(user(given, Sspi).unwrap(), sspi, "{given}");
        }
    }

    #[test]
    fn malformed_names_are_refused() {
        for bad in [
            "", "  ", " HOST/h", "a\\b\\c", "\\a", "a\\", "x\ny", "@h", "s@",
        ] {
            assert!(service(bad, Gssapi).is_err(), "{bad:?}");
        }
        for bad in ["", "a\\b\\c", "\talice"] {
            assert!(user(bad, Gssapi).is_err(), "{bad:?}");
        }
    }
}
