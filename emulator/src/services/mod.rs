//! The gRPC services of the emulator, one module per Mesh service, each a
//! thin layer over the store. Every call is counted, its metadata noted
//! (what client versions call), and checked for a token; calls that carry a
//! session id count as its activity.

mod auth;
mod availability;
mod calc;
mod config;
mod model;
mod model_definition;
mod session;
mod timeseries;
mod transformed;

use std::sync::Arc;

use tonic::{Request, Status};

use crate::proto::auth::authentication_service_server::AuthenticationServiceServer;
use crate::proto::availability::availability_service_server::AvailabilityServiceServer;
use crate::proto::calc::calculation_service_server::CalculationServiceServer;
use crate::proto::config::configuration_service_server::ConfigurationServiceServer;
use crate::proto::model::model_service_server::ModelServiceServer;
use crate::proto::model_definition::model_definition_service_server::ModelDefinitionServiceServer;
use crate::proto::session::session_service_server::SessionServiceServer;
use crate::proto::time_series::timeseries_service_server::TimeseriesServiceServer;
use crate::proto::types::Guid;
use crate::state::State;
use crate::store::{ActivityGuard, ModelError, View};
use crate::Identity;

/// Mesh's inbound message limit (4 MB, not configurable on a real server).
pub(crate) const MAX_INBOUND_MESSAGE_BYTES: usize = 4 * 1024 * 1024;
/// What tonic itself accepts; the 4 MB limit is checked in the handlers, so
/// a request over it is answered `RESOURCE_EXHAUSTED` as Mesh (gRPC core)
/// does, not tonic's `OUT_OF_RANGE`.
const TRANSPORT_DECODE_LIMIT: usize = 64 * 1024 * 1024;

/// The server's router, with the layer that counts calls in flight.
pub(crate) type Router = tonic::transport::server::Router<
    tower_layer::Stack<crate::in_flight::InFlightLayer, tower_layer::Identity>,
>;

pub(crate) fn router(state: Arc<State>) -> Result<Router, tonic::transport::Error> {
    let mut builder = tonic::transport::Server::builder()
        .max_concurrent_streams(Some(state.config.max_concurrent_streams));
    if let Some(tls) = &state.config.tls {
        let identity = tonic::transport::Identity::from_pem(&tls.cert_pem, &tls.key_pem);
        builder =
            builder.tls_config(tonic::transport::ServerTlsConfig::new().identity(identity))?;
    }
    let mut builder = builder.layer(crate::in_flight::InFlightLayer(state.in_flight.clone()));
    let svc = Svc(state);
    Ok(builder
        .add_service(SessionServiceServer::new(svc.clone()))
        .add_service(ConfigurationServiceServer::new(svc.clone()))
        .add_service(AuthenticationServiceServer::new(svc.clone()))
        .add_service(ModelDefinitionServiceServer::new(svc.clone()))
        .add_service(
            AvailabilityServiceServer::new(svc.clone())
                .max_decoding_message_size(TRANSPORT_DECODE_LIMIT)
                .max_encoding_message_size(usize::MAX),
        )
        .add_service(
            CalculationServiceServer::new(svc.clone())
                .max_decoding_message_size(TRANSPORT_DECODE_LIMIT)
                .max_encoding_message_size(usize::MAX),
        )
        .add_service(
            ModelServiceServer::new(svc.clone())
                .max_decoding_message_size(TRANSPORT_DECODE_LIMIT)
                .max_encoding_message_size(usize::MAX),
        )
        .add_service(
            TimeseriesServiceServer::new(svc)
                .max_decoding_message_size(TRANSPORT_DECODE_LIMIT)
                // How much a client can take is the client's limit.
                .max_encoding_message_size(usize::MAX),
        ))
}

/// The services' shared handle on the server state.
#[derive(Clone)]
pub(crate) struct Svc(Arc<State>);

impl Svc {
    /// Counts the call, notes its metadata, fails it if a failure is
    /// injected, and checks the caller's token.
    fn begin<T>(
        &self,
        method: &'static str,
        request: &Request<T>,
    ) -> Result<Option<Identity>, Status> {
        self.0.count(method);
        self.0.note_metadata(request.metadata());
        self.0.injected_failure(method)?;
        self.0.authorize(request.metadata())
    }

    /// Marks the request's session in use until the returned guard drops.
    fn enter(&self, session_id: Option<&Guid>) -> Result<ActivityGuard, Status> {
        let id = crate::wire::session_id(session_id)?;
        self.0.enter(id)
    }

    /// What a calculation in the guard's session needs.
    fn scope(&self, guard: &ActivityGuard, view: View) -> crate::evaluate::Scope {
        crate::evaluate::Scope {
            store: self.0.store.clone(),
            session: guard.session(),
            view,
            zone: self.0.config.time_zone,
        }
    }

    /// The model and catalog as the guard's session sees them.
    fn view(&self, guard: &ActivityGuard) -> Result<View, Status> {
        let id = guard.session();
        self.0.store.view(id).ok_or_else(|| self.0.not_found(id))
    }
}

/// Refuses a request over Mesh's inbound limit with gRPC core's words.
fn check_size<T: prost::Message>(request: &Request<T>) -> Result<(), Status> {
    let len = request.get_ref().encoded_len();
    if len > MAX_INBOUND_MESSAGE_BYTES {
        return Err(Status::resource_exhausted(format!(
            "Received message larger than max ({len} vs. {MAX_INBOUND_MESSAGE_BYTES})"
        )));
    }
    Ok(())
}

/// A refused model or catalog change as a gRPC status.
fn model_status(e: ModelError) -> Status {
    match e {
        ModelError::NotFound(m) => Status::not_found(m),
        ModelError::OwnerNotFound => Status::not_found(e.message()),
        ModelError::Invalid(m) => Status::invalid_argument(m),
    }
}
