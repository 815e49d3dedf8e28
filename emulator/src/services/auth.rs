//! `AuthenticationService`: who a token belongs to, revoking tokens, and
//! Kerberos. `AuthenticateKerberos` is how a client gets a token, so it is
//! reachable without one; without `Config::kerberos` it is UNIMPLEMENTED.
//!
//! The exchange, per stream: each client token goes to one security
//! context. While GSSAPI needs more, its token goes back as
//! `kerberos_token`. Once complete, a client that did not ask for mutual
//! authentication (no reply token; the official Python client) gets its
//! bearer token at once; one that did gets the AP-REP first, and its
//! bearer token after it confirms with an empty message. Anything else
//! ends the stream UNAUTHENTICATED, with GSSAPI's words but never a token.
//! (MIT's acceptor takes SPNEGO beside plain Kerberos: its extra legs go
//! through the same loop.)

use std::pin::Pin;

use tokio::sync::mpsc;
use tonic::{Request, Response, Status, Streaming};

use super::Svc;
use crate::kerberos::{Accepted, Exchange, Kerberos};
use crate::proto::auth::{
    authentication_service_server::AuthenticationService, AuthenticateKerberosResponse,
    RevokeAccessTokenResponse, UserIdentity,
};
use crate::Identity;

type KerberosStream =
    Pin<Box<dyn tokio_stream::Stream<Item = Result<AuthenticateKerberosResponse, Status>> + Send>>;

#[tonic::async_trait]
impl AuthenticationService for Svc {
    async fn get_user_identity(
        &self,
        request: Request<()>,
    ) -> Result<Response<UserIdentity>, Status> {
        let identity = self
            .begin("GetUserIdentity", &request)?
            .unwrap_or_else(|| Identity::named("Mesh Emulator User"));
        Ok(Response::new(UserIdentity {
            display_name: identity.display_name,
            source: identity.source,
            identifier: identity.identifier,
        }))
    }

    async fn revoke_access_token(
        &self,
        request: Request<String>,
    ) -> Result<Response<RevokeAccessTokenResponse>, Status> {
        self.begin("RevokeAccessToken", &request)?;
        self.0.revoke(request.get_ref());
        Ok(Response::new(RevokeAccessTokenResponse {}))
    }

    type AuthenticateKerberosStream = KerberosStream;

    async fn authenticate_kerberos(
        &self,
        request: Request<Streaming<Vec<u8>>>,
    ) -> Result<Response<Self::AuthenticateKerberosStream>, Status> {
        // Counted and open to injected failures like every call, but no
        // token is asked for: this is where a client gets one.
        self.0.count("AuthenticateKerberos");
        self.0.note_metadata(request.metadata());
        self.0.injected_failure("AuthenticateKerberos")?;
        let Some(kerberos) = self.0.kerberos.clone() else {
            return Err(Status::unimplemented(
                "the emulator has no Kerberos (start it with --kerberos-keytab)",
            ));
        };
        let exchange = kerberos
            .exchange()
            .map_err(|e| Status::internal(e.to_string()))?;
        let (tx, rx) = mpsc::channel(1);
        tokio::spawn(async move {
            let outcome = authenticate(&kerberos, exchange, request.into_inner(), &tx).await;
            if let Err(status) = outcome {
                let _ = tx.send(Err(status)).await;
            }
        });
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(rx),
        )))
    }
}

type Replies = mpsc::Sender<Result<AuthenticateKerberosResponse, Status>>;

/// Runs one stream's exchange to its bearer token (sent on `replies`), or
/// to the status that ends the stream.
async fn authenticate(
    kerberos: &Kerberos,
    mut exchange: Exchange,
    mut tokens: Streaming<Vec<u8>>,
    replies: &Replies,
) -> Result<(), Status> {
    loop {
        let token = tokens
            .message()
            .await?
            .ok_or_else(|| refused("the client ended the exchange before it completed"))?;
        // GSSAPI may block (the replay cache is a file): off the executor.
        let (back, step) = tokio::task::spawn_blocking(move || {
            let step = exchange.step(&token);
            (exchange, step)
        })
        .await
        .map_err(|e| Status::internal(format!("the Kerberos step failed: {e}")))?;
        exchange = back;
        match step.map_err(|e| refused(&e.to_string()))? {
            Accepted::Continue(output) => send(replies, output, None).await?,
            Accepted::Complete { reply, principal } => {
                if !reply.is_empty() {
                    // Mutual authentication: the AP-REP first, the bearer
                    // token once the client has taken it.
                    send(replies, reply, None).await?;
                    let confirmation = tokens.message().await?.ok_or_else(|| {
                        refused("the client ended the exchange without confirming the AP-REP")
                    })?;
                    if !confirmation.is_empty() {
                        return Err(refused(
                            "the client sent a token where an empty message was to confirm \
                             the AP-REP",
                        ));
                    }
                }
                let (bearer, lifetime) = kerberos.issue(&principal);
                return send(replies, Vec::new(), Some((bearer, lifetime))).await;
            }
        }
    }
}

async fn send(
    replies: &Replies,
    kerberos_token: Vec<u8>,
    bearer: Option<(String, std::time::Duration)>,
) -> Result<(), Status> {
    let (bearer_token, token_duration) = match bearer {
        Some((token, lifetime)) => (
            token,
            Some(prost_types::Duration {
                seconds: lifetime.as_secs() as i64,
                nanos: lifetime.subsec_nanos() as i32,
            }),
        ),
        None => (String::new(), None),
    };
    replies
        .send(Ok(AuthenticateKerberosResponse {
            kerberos_token,
            bearer_token,
            token_duration,
        }))
        .await
        // The client went away; there is no one left to tell.
        .map_err(|_| Status::cancelled("the client went away"))
}

fn refused(why: &str) -> Status {
    Status::unauthenticated(format!("Kerberos authentication failed: {why}"))
}
