//! `AuthenticationService`: who a token belongs to, revoking tokens, and
//! Kerberos, which the emulator does not have. `AuthenticateKerberos` is
//! how a client gets a token, so it is reachable without one.

use std::pin::Pin;

use tonic::{Request, Response, Status};

use super::Svc;
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
        _request: Request<tonic::Streaming<Vec<u8>>>,
    ) -> Result<Response<Self::AuthenticateKerberosStream>, Status> {
        // Counted and open to injected failures like every call, but no
        // token is asked for: this is where a client would get one.
        self.0.count("AuthenticateKerberos");
        self.0.injected_failure("AuthenticateKerberos")?;
        Err(Status::unimplemented("the emulator has no Kerberos"))
    }
}
