//! The acceptor: the service's credential from the keytab, and one
//! security context per `AuthenticateKerberos` stream. MIT's default replay
//! cache stays on (it honours `KRB5RCACHEDIR`), so a replayed AP-REQ is
//! refused as a real server refuses it.

use std::ffi::OsString;
use std::sync::Arc;

use super::gssapi::{Context, Cred, Name, Usage};
use super::{Accepted, KerberosConfig, KerberosError, Seen};

pub(crate) struct Acceptor {
    cred: Arc<Cred>,
}

impl Acceptor {
    /// Acquires the credential for `config.service_principal` (or for any
    /// principal) from `config.keytab`.
    pub(crate) fn new(config: &KerberosConfig) -> Result<Acceptor, KerberosError> {
        let keytab = &config.keytab;
        // GSSAPI's own word for a missing file is less plain than this.
        std::fs::metadata(keytab)
            .map_err(|e| KerberosError::Config(format!("keytab {}: {e}", keytab.display())))?;
        let name = config
            .service_principal
            .as_deref()
            .map(Name::principal)
            .transpose()?;
        // "FILE:" keeps a path with a colon from reading as another type.
        let mut store = OsString::from("FILE:");
        store.push(keytab.as_os_str());
        let cred = Cred::acquire(name.as_ref(), Usage::Accept, &[("keytab", &store)]).map_err(
            |e| match e {
                KerberosError::Gss { message, .. } => KerberosError::Config(format!(
                    "cannot accept Kerberos tickets with keytab {}{}: {message}",
                    keytab.display(),
                    config
                        .service_principal
                        .as_deref()
                        .map(|p| format!(" for {p}"))
                        .unwrap_or_default()
                )),
                other => other,
            },
        )?;
        Ok(Acceptor {
            cred: Arc::new(cred),
        })
    }

    /// A fresh security context, noting the client's tokens in `seen`.
    pub(crate) fn exchange(&self, seen: Arc<Seen>) -> Result<Exchange, KerberosError> {
        Ok(Exchange {
            cred: self.cred.clone(),
            context: Context::new()?,
            seen,
        })
    }
}

/// One stream's security context, fed the client's tokens in turn.
pub(crate) struct Exchange {
    cred: Arc<Cred>,
    context: Context,
    /// Where the client's tokens are noted, for tests.
    seen: Arc<Seen>,
}

impl Exchange {
    /// `gss_accept_sec_context` on the client's next token. It may block
    /// (the replay cache is a file), so it runs off the async executor.
    pub(crate) fn step(&mut self, token: &[u8]) -> Result<Accepted, KerberosError> {
        self.seen.ticket(token);
        let step = self.context.accept(&self.cred, token)?;
        if step.continue_needed {
            return Ok(Accepted::Continue(step.output));
        }
        let principal = match &step.peer {
            Some(name) => name.display()?,
            None => {
                return Err(KerberosError::Config(
                    "GSSAPI completed without naming the client".into(),
                ))
            }
        };
        Ok(Accepted::Complete {
            reply: step.output,
            principal,
        })
    }
}
