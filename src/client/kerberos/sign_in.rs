//! The `AuthenticateKerberos` exchange: the client sends the ticket's
//! token, the server answers with a token of its own to process (mutual
//! authentication) or with the Mesh access token and its lifetime.

use std::time::Duration;

use cross_krb5::{ClientCtx, InitiateFlags, PendingClientCtx, Step};
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;
use tonic::Code;

use super::{MeshToken, Resolved};
use crate::client::auth::add_client_version;
use crate::client::error::{Error, ErrorKind, Result};
use crate::proto::auth::authentication_service_client::AuthenticationServiceClient;

/// More rounds than Kerberos ever takes (one, or two with mutual
/// authentication): a server that keeps asking is refused.
const MAX_ROUNDS: usize = 8;

/// Signs in to one server with one set of names; asked for a new Mesh
/// token at connect, before the last one expires and when the server
/// refuses it.
pub(crate) struct SignIn {
    /// The connection's channel, without the access token (this is where
    /// one comes from).
    channel: Channel,
    runtime: tokio::runtime::Handle,
    names: Resolved,
    server: String,
    limit: Duration,
}

impl SignIn {
    /// Must be called inside the library's runtime.
    pub(crate) fn new(channel: Channel, names: Resolved, server: &str, limit: Duration) -> SignIn {
        SignIn {
            channel,
            runtime: tokio::runtime::Handle::current(),
            names,
            server: server.to_string(),
            limit,
        }
    }

    /// Who signs in to what, for messages.
    pub(crate) fn describe(&self) -> String {
        self.names.describe()
    }

    /// Gets a Mesh token. Blocks (the platform's Kerberos may ask a KDC
    /// over the network), so it runs on a thread of its own.
    pub(crate) fn sign_in(&self) -> Result<MeshToken> {
        // What the official client asks for (no flags), unless mutual
        // authentication is wanted: confidentiality is for messages wrapped
        // with the context, which Mesh does not use.
        let mut flags = InitiateFlags::DISABLE_CONFIDENTIALITY;
        if !self.names.options.mutual {
            flags |= InitiateFlags::DISABLE_MUTUAL_AUTH;
        }
        let (pending, first) =
            ClientCtx::new(flags, self.names.user.as_deref(), &self.names.target, None)
                .map_err(|e| self.failed(&e))?;
        let first = first.to_vec();
        self.runtime.block_on(async {
            tokio::time::timeout(self.limit, self.exchange(pending, first))
                .await
                .unwrap_or_else(|_| {
                    Err(Error::new(
                        ErrorKind::Timeout,
                        format!(
                            "Kerberos sign-in at {} with {}: no answer within {} ms",
                            self.server,
                            self.names.describe(),
                            self.limit.as_millis()
                        ),
                    ))
                })
        })
    }

    async fn exchange(&self, pending: PendingClientCtx, first: Vec<u8>) -> Result<MeshToken> {
        let mut pending = Some(pending);
        let (to_server, outgoing) = tokio::sync::mpsc::channel::<Vec<u8>>(MAX_ROUNDS);
        let _ = to_server.try_send(first);
        let mut request = tonic::Request::new(ReceiverStream::new(outgoing));
        add_client_version(request.metadata_mut());
        let mut answers = AuthenticationServiceClient::new(self.channel.clone())
            .authenticate_kerberos(request)
            .await
            .map_err(|s| self.refused(&s))?
            .into_inner();
        for _ in 0..MAX_ROUNDS {
            let answer = answers
                .message()
                .await
                .map_err(|s| self.refused(&s))?
                .ok_or_else(|| {
                    self.unauthenticated("the server ended the exchange without a token")
                })?;
            if !answer.bearer_token.is_empty() {
                if let Some(context) = pending.take() {
                    self.check_server_proof(context, &answer.kerberos_token)?;
                }
                return Ok(MeshToken {
                    token: answer.bearer_token,
                    valid_for: self.lifetime(answer.token_duration)?,
                });
            }
            let context = pending.take().ok_or_else(|| {
                self.unauthenticated("the server asked for more after the exchange was complete")
            })?;
            let (next, token) = self.step(context, &answer.kerberos_token)?;
            pending = next;
            // The server waits for this message (empty once the context is
            // complete) before it answers with the Mesh token.
            let _ = to_server.try_send(token);
        }
        Err(self.unauthenticated(&format!(
            "the server asked for more than {MAX_ROUNDS} rounds"
        )))
    }

    /// With mutual authentication asked for, the server's last token must
    /// complete the context: it proves the server holds the service's key.
    fn check_server_proof(&self, context: PendingClientCtx, token: &[u8]) -> Result<()> {
        if !self.names.options.mutual {
            return Ok(());
        }
        if token.is_empty() {
            return Err(self.unauthenticated(
                "the server gave a token without proving its identity, and mutual \
                 authentication was asked for (the server may not support it)",
            ));
        }
        match self.step(context, token)? {
            (None, _) => Ok(()),
            (Some(_), _) => Err(self
                .unauthenticated("the server's proof of identity did not complete the exchange")),
        }
    }

    /// Processes a token from the server: the context still pending (if
    /// any) and the token to send back.
    fn step(
        &self,
        context: PendingClientCtx,
        token: &[u8],
    ) -> Result<(Option<PendingClientCtx>, Vec<u8>)> {
        match context.step(token).map_err(|e| self.failed(&e))? {
            Step::Finished((_, token)) => Ok((None, token.map(|t| t.to_vec()).unwrap_or_default())),
            Step::Continue((context, token)) => Ok((Some(context), token.to_vec())),
        }
    }

    fn lifetime(&self, duration: Option<prost_types::Duration>) -> Result<Option<Duration>> {
        let Some(d) = duration else {
            return Ok(None);
        };
        match (u64::try_from(d.seconds), u32::try_from(d.nanos)) {
            (Ok(s), Ok(n)) if s > 0 || n > 0 => Ok(Some(Duration::new(s, n))),
            _ => Err(self.unauthenticated(&format!(
                "the server gave a token with a lifetime of {}.{:09} s",
                d.seconds, d.nanos
            ))),
        }
    }

    fn unauthenticated(&self, why: &str) -> Error {
        Error::new(
            ErrorKind::Unauthenticated,
            format!(
                "Kerberos sign-in at {} with {} failed: {why}",
                self.server,
                self.names.describe()
            ),
        )
    }

    /// The platform's Kerberos failed (no ticket, no KDC, unknown
    /// principal, expired ticket...): its own words, which name no secret.
    fn failed(&self, e: &impl std::fmt::Display) -> Error {
        Error::new(
            ErrorKind::Unauthenticated,
            format!(
                "Kerberos sign-in with {} failed in the platform's Kerberos: {}",
                self.names.describe(),
                plain(&format!("{e:#}"))
            ),
        )
    }

    fn refused(&self, status: &tonic::Status) -> Error {
        match status.code() {
            Code::Unimplemented => self.unauthenticated(&format!(
                "the server does not take Kerberos sign-in ({})",
                status.message()
            )),
            Code::Unauthenticated | Code::PermissionDenied | Code::InvalidArgument => {
                self.unauthenticated(&format!("the server refused it: {}", status.message()))
            }
            _ => {
                let e = Error::from_status("AuthenticateKerberos", status);
                Error::new(
                    e.kind(),
                    format!(
                        "Kerberos sign-in at {} with {}: {}",
                        self.server,
                        self.names.describe(),
                        e.message()
                    ),
                )
            }
        }
    }
}

/// GSSAPI's words without its boilerplate: MIT Kerberos puts the cause
/// (the "minor" status) in parentheses after a major status that says
/// nothing, "Unspecified GSS failure.  Minor code may provide more
/// information".
fn plain(text: &str) -> std::borrow::Cow<'_, str> {
    const VAGUE: &str = "Unspecified GSS failure.  Minor code may provide more information (";
    let text = text.trim_end();
    let text = text
        .strip_prefix(VAGUE)
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or(text);
    // SSPI's text for a status comes from the system's message table, which
    // Wine lacks for Kerberos' codes: `cross-krb5` then says only "failed".
    if text.ends_with("failed") {
        format!("{text} (the system gave no description of the error)").into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn gssapi_boilerplate_is_left_out() {
        let vague = "Unspecified GSS failure.  Minor code may provide more information \
                     (Cannot contact any KDC for realm 'MESH.TEST')";
        assert_eq!(
            super::plain(vague),
            "Cannot contact any KDC for realm 'MESH.TEST'"
        );
        let clear = "No credentials were supplied (No Kerberos credentials available)";
        assert_eq!(super::plain(clear), clear);
        assert_eq!(
            super::plain("ClientCtx::step failed "),
            "ClientCtx::step failed (the system gave no description of the error)"
        );
    }
}
