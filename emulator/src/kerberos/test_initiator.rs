//! A minimal Kerberos initiator (the client side of `AuthenticateKerberos`)
//! for the emulator's own tests, which cannot use the client library. It
//! uses the process's Kerberos configuration (`KRB5_CONFIG`) to reach the
//! KDC, and the credential cache given, or the default one (`KRB5CCNAME`).
//!
//! ```no_run
//! use mesh_emulator::kerberos::test_initiator::{Initiator, InitiatorOptions};
//! let mut client = Initiator::new("HTTP/localhost", &InitiatorOptions::default())?;
//! let ap_req = client.step(None)?; // send it; feed back any reply
//! assert!(client.is_complete());
//! # Ok::<(), mesh_emulator::kerberos::KerberosError>(())
//! ```

use std::ffi::OsString;
use std::path::PathBuf;

use super::gssapi::{Context, Cred, Name, Usage, GSS_C_MUTUAL_FLAG};
use super::KerberosError;

/// Whose ticket an initiator presents, and how.
#[derive(Clone, Debug, Default)]
pub struct InitiatorOptions {
    /// The credential cache (a file `kinit -c` wrote); `None`: the
    /// process's default (`KRB5CCNAME`).
    pub ccache: Option<PathBuf>,
    /// The client principal, e.g. `alice@MESH.TEST`; `None`: the cache's.
    pub user: Option<String>,
    /// Ask the server to prove itself (`GSS_C_MUTUAL_FLAG`): the exchange
    /// then takes two legs (AP-REQ, AP-REP).
    pub mutual: bool,
}

/// One client security context towards a service.
pub struct Initiator {
    context: Context,
    cred: Option<Cred>,
    target: Name,
    flags: u32,
    complete: bool,
}

impl Initiator {
    /// A context towards `service`, a Kerberos principal name such as
    /// `HTTP/localhost` or `HTTP/localhost@MESH.TEST`.
    pub fn new(service: &str, options: &InitiatorOptions) -> Result<Initiator, KerberosError> {
        let target = Name::principal(service)?;
        let user = options.user.as_deref().map(Name::principal).transpose()?;
        let cred = match (&options.ccache, &user) {
            (None, None) => None,
            (ccache, user) => {
                let store = ccache.as_ref().map(|path| {
                    let mut name = OsString::from("FILE:");
                    name.push(path.as_os_str());
                    name
                });
                let store: Vec<(&str, &std::ffi::OsStr)> = store
                    .iter()
                    .map(|name| ("ccache", name.as_os_str()))
                    .collect();
                Some(Cred::acquire(user.as_ref(), Usage::Initiate, &store)?)
            }
        };
        Ok(Initiator {
            context: Context::new()?,
            cred,
            target,
            flags: if options.mutual { GSS_C_MUTUAL_FLAG } else { 0 },
            complete: false,
        })
    }

    /// The next token to send: the first step takes `None`, later ones the
    /// server's last `kerberos_token`. Empty once there is nothing to send.
    pub fn step(&mut self, server_token: Option<&[u8]>) -> Result<Vec<u8>, KerberosError> {
        let step =
            self.context
                .initiate(self.cred.as_ref(), &self.target, self.flags, server_token)?;
        self.complete = !step.continue_needed;
        Ok(step.output)
    }

    /// Whether the context is established (no more server tokens needed).
    pub fn is_complete(&self) -> bool {
        self.complete
    }
}
