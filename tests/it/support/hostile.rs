//! A hostile Mesh server over TLS, for what the emulator (an honest server)
//! never does: it echoes the caller's access token in its error messages
//! (`Commit` is refused with the token in the message) and answers
//! `ReadTimeseries` with whatever bytes the test gives as the Arrow data.
//! Sessions always exist; `GetVersion` says 2.21.0.

use std::net::SocketAddr;
use std::sync::Arc;

use mesh_emulator::proto::config::configuration_service_server::{
    ConfigurationService, ConfigurationServiceServer,
};
use mesh_emulator::proto::config::VersionInfo;
use mesh_emulator::proto::session::session_service_server::{SessionService, SessionServiceServer};
use mesh_emulator::proto::session::{
    CommitResponse, EndSessionResponse, ExtendSessionResponse, RollbackResponse,
    StartSessionResponse,
};
use mesh_emulator::proto::time_series::{
    ReadTimeseriesRequest, ReadTimeseriesResponse, Timeseries,
};
use mesh_emulator::proto::types::Guid;
use mesh_emulator::TlsIdentity;
use rcgen::{CertificateParams, KeyPair};
use tonic::codegen::{http, BoxFuture, Context, Poll, Service};
use tonic::server::NamedService;
use tonic::transport::{Identity, Server, ServerTlsConfig};
use tonic::{Request, Response, Status};

/// A certificate for `name` and the PEM to trust it (it is its own root).
pub fn self_signed(name: &str) -> (TlsIdentity, String) {
    let key = KeyPair::generate().expect("key");
    let cert = CertificateParams::new(vec![name.to_string()])
        .expect("params")
        .self_signed(&key)
        .expect("certificate");
    let pem = cert.pem();
    (
        TlsIdentity {
            cert_pem: pem.clone(),
            key_pem: key.serialize_pem(),
        },
        pem,
    )
}

/// The hostile server, serving on 127.0.0.1 until dropped.
pub struct Hostile {
    runtime: Option<tokio::runtime::Runtime>,
    addr: SocketAddr,
}

impl Hostile {
    /// Serves TLS with `identity`; `ReadTimeseries` answers `arrow_data`.
    pub fn start(identity: &TlsIdentity, arrow_data: Vec<u8>) -> Hostile {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("hostile-server")
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("listen");
        let addr = listener.local_addr().expect("address");
        let tls = ServerTlsConfig::new().identity(Identity::from_pem(
            identity.cert_pem.clone(),
            identity.key_pem.clone(),
        ));
        let router = Server::builder()
            .tls_config(tls)
            .expect("TLS config")
            .add_service(ConfigurationServiceServer::new(Version))
            .add_service(SessionServiceServer::new(Sessions))
            .add_service(Timeseries_ {
                data: Arc::new(arrow_data),
            });
        let incoming = tonic::transport::server::TcpIncoming::from(listener);
        runtime.spawn(router.serve_with_incoming(incoming));
        Hostile {
            runtime: Some(runtime),
            addr,
        }
    }

    /// `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

struct Version;

#[tonic::async_trait]
impl ConfigurationService for Version {
    async fn get_version(&self, _: Request<()>) -> Result<Response<VersionInfo>, Status> {
        Ok(Response::new(VersionInfo {
            version: "2.21.0".into(),
            name: "hostile".into(),
        }))
    }
}

fn token<T>(request: &Request<T>) -> String {
    request
        .metadata()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .to_string()
}

struct Sessions;

#[tonic::async_trait]
impl SessionService for Sessions {
    async fn start_session(
        &self,
        _: Request<()>,
    ) -> Result<Response<StartSessionResponse>, Status> {
        Ok(Response::new(StartSessionResponse {
            session_id: Some(Guid {
                bytes_le: vec![7; 16],
            }),
        }))
    }

    async fn end_session(&self, _: Request<Guid>) -> Result<Response<EndSessionResponse>, Status> {
        Ok(Response::new(EndSessionResponse {}))
    }

    async fn commit(&self, request: Request<Guid>) -> Result<Response<CommitResponse>, Status> {
        let token = token(&request);
        Err(Status::permission_denied(format!(
            "the holder of token {token} may not commit (authorization: Bearer {token})"
        )))
    }

    async fn rollback(&self, _: Request<Guid>) -> Result<Response<RollbackResponse>, Status> {
        Ok(Response::new(RollbackResponse {}))
    }

    async fn extend_session(
        &self,
        _: Request<Guid>,
    ) -> Result<Response<ExtendSessionResponse>, Status> {
        Ok(Response::new(ExtendSessionResponse {
            expires_in: Some(prost_types::Duration {
                seconds: 300,
                nanos: 0,
            }),
        }))
    }
}

/// The time series service, by hand: only `ReadTimeseries` is served (so
/// this keeps compiling whatever else the service grows).
#[derive(Clone)]
#[allow(non_camel_case_types)]
struct Timeseries_ {
    data: Arc<Vec<u8>>,
}

impl NamedService for Timeseries_ {
    const NAME: &'static str = "volue.mesh.grpc.time_series.v1alpha.TimeseriesService";
}

struct Read(Arc<Vec<u8>>);

impl tonic::server::UnaryService<ReadTimeseriesRequest> for Read {
    type Response = ReadTimeseriesResponse;
    type Future = BoxFuture<Response<ReadTimeseriesResponse>, Status>;

    fn call(&mut self, request: Request<ReadTimeseriesRequest>) -> Self::Future {
        let data = self.0.clone();
        Box::pin(async move {
            let request = request.into_inner();
            Ok(Response::new(ReadTimeseriesResponse {
                timeseries: vec![Timeseries {
                    id: request.timeseries_id,
                    resolution: None,
                    interval: request.interval,
                    data: data.as_ref().clone().into(),
                }],
            }))
        })
    }
}

impl<B> Service<http::Request<B>> for Timeseries_
where
    B: tonic::codegen::Body + Send + 'static,
    B::Error: Into<tonic::codegen::StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = std::convert::Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let data = self.data.clone();
        Box::pin(async move {
            if request.uri().path().ends_with("/ReadTimeseries") {
                let mut grpc = tonic::server::Grpc::new(tonic_prost::ProstCodec::default());
                Ok(grpc.unary(Read(data), request).await)
            } else {
                Ok(Status::unimplemented("not served by the hostile server").into_http())
            }
        })
    }
}
