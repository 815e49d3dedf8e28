//! The gRPC services of the emulator, each a thin layer over `State`.

use std::pin::Pin;
use std::sync::Arc;

use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::proto::auth::{
    authentication_service_server::{AuthenticationService, AuthenticationServiceServer},
    AuthenticateKerberosResponse, RevokeAccessTokenResponse, UserIdentity,
};
use crate::proto::config::{
    configuration_service_server::{ConfigurationService, ConfigurationServiceServer},
    VersionInfo,
};
use crate::proto::session::{
    session_service_server::{SessionService, SessionServiceServer},
    CommitResponse, EndSessionResponse, ExtendSessionResponse, RollbackResponse,
    StartSessionResponse,
};
use crate::proto::types::Guid;
use crate::{Identity, State};

pub(crate) fn router(
    state: Arc<State>,
) -> Result<tonic::transport::server::Router, tonic::transport::Error> {
    let mut builder = tonic::transport::Server::builder();
    if let Some(tls) = &state.config.tls {
        let identity = tonic::transport::Identity::from_pem(&tls.cert_pem, &tls.key_pem);
        builder =
            builder.tls_config(tonic::transport::ServerTlsConfig::new().identity(identity))?;
    }
    let svc = Svc(state);
    Ok(builder
        .add_service(SessionServiceServer::new(svc.clone()))
        .add_service(ConfigurationServiceServer::new(svc.clone()))
        .add_service(AuthenticationServiceServer::new(svc)))
}

#[derive(Clone)]
struct Svc(Arc<State>);

fn guid_to_uuid(guid: &Guid) -> Result<Uuid, Status> {
    let bytes: [u8; 16] = guid.bytes_le.as_slice().try_into().map_err(|_| {
        Status::invalid_argument(format!(
            "Guid must be 16 bytes, got {}",
            guid.bytes_le.len()
        ))
    })?;
    Ok(Uuid::from_bytes_le(bytes))
}

pub(crate) fn uuid_to_guid(id: Uuid) -> Guid {
    Guid {
        bytes_le: id.to_bytes_le().to_vec(),
    }
}

impl Svc {
    /// Counts the call and checks the caller's token.
    fn begin<T>(
        &self,
        method: &'static str,
        request: &Request<T>,
    ) -> Result<Option<Identity>, Status> {
        self.0.count(method);
        self.0.authorize(request.metadata())
    }

    /// Also resolves the request's session, marking it in use until the
    /// returned guard drops.
    fn session_call(
        &self,
        method: &'static str,
        request: &Request<Guid>,
    ) -> Result<crate::ActivityGuard, Status> {
        self.begin(method, request)?;
        let id = guid_to_uuid(request.get_ref())?;
        self.0.enter(id)
    }
}

#[tonic::async_trait]
impl SessionService for Svc {
    async fn start_session(
        &self,
        request: Request<()>,
    ) -> Result<Response<StartSessionResponse>, Status> {
        self.begin("StartSession", &request)?;
        let id = self.0.start_session();
        Ok(Response::new(StartSessionResponse {
            session_id: Some(uuid_to_guid(id)),
        }))
    }

    async fn end_session(
        &self,
        request: Request<Guid>,
    ) -> Result<Response<EndSessionResponse>, Status> {
        self.begin("EndSession", &request)?;
        let id = guid_to_uuid(request.get_ref())?;
        self.0.end_session(id)?;
        Ok(Response::new(EndSessionResponse {}))
    }

    async fn commit(&self, request: Request<Guid>) -> Result<Response<CommitResponse>, Status> {
        let _activity = self.session_call("Commit", &request)?;
        Ok(Response::new(CommitResponse {}))
    }

    async fn rollback(&self, request: Request<Guid>) -> Result<Response<RollbackResponse>, Status> {
        let _activity = self.session_call("Rollback", &request)?;
        Ok(Response::new(RollbackResponse {}))
    }

    async fn extend_session(
        &self,
        request: Request<Guid>,
    ) -> Result<Response<ExtendSessionResponse>, Status> {
        let _activity = self.session_call("ExtendSession", &request)?;
        let timeout = self.0.config.session_timeout;
        Ok(Response::new(ExtendSessionResponse {
            expires_in: Some(prost_types::Duration {
                seconds: timeout.as_secs() as i64,
                nanos: timeout.subsec_nanos() as i32,
            }),
        }))
    }
}

#[tonic::async_trait]
impl ConfigurationService for Svc {
    async fn get_version(&self, request: Request<()>) -> Result<Response<VersionInfo>, Status> {
        self.begin("GetVersion", &request)?;
        Ok(Response::new(VersionInfo {
            version: self.0.config.version.clone(),
            name: "Volue Mesh Server (mesh-emulator)".to_string(),
        }))
    }
}

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
        request: Request<tonic::Streaming<Vec<u8>>>,
    ) -> Result<Response<Self::AuthenticateKerberosStream>, Status> {
        self.begin("AuthenticateKerberos", &request)?;
        Err(Status::unimplemented("the emulator has no Kerberos"))
    }
}
