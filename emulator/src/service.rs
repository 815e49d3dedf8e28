//! The gRPC services of the emulator, each a thin layer over `State`.
//! Time series calls carry a session id and count as its activity, like
//! every other session call.

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
use crate::proto::model_definition::{
    model_definition_service_server::{ModelDefinitionService, ModelDefinitionServiceServer},
    ListUnitsOfMeasurementRequest, ListUnitsOfMeasurementResponse, UnitOfMeasurement,
};
use crate::proto::session::{
    session_service_server::{SessionService, SessionServiceServer},
    CommitResponse, EndSessionResponse, ExtendSessionResponse, RollbackResponse,
    StartSessionResponse,
};
use crate::{Identity, State};

use crate::proto::time_series::{
    timeseries_service_server::{TimeseriesService, TimeseriesServiceServer},
    CreatePhysicalTimeseriesRequest, GetTimeseriesResourceRequest, ReadTimeseriesRequest,
    ReadTimeseriesResponse, ReadTransformedTimeseriesRequest, Timeseries, TimeseriesResource,
    UpdateTimeseriesResourceRequest, UpdateTimeseriesResourceResponse, WriteTimeseriesRequest,
    WriteTimeseriesResponse,
};
use crate::proto::types::{Curve, Guid, MeshId, Resolution, UtcInterval};
use crate::store::{self, Address, Meta, Write};

/// Mesh's inbound message limit (4 MB, not configurable on a real server).
pub const MAX_INBOUND_MESSAGE_BYTES: usize = 4 * 1024 * 1024;
/// What tonic itself accepts; the 4 MB limit is checked in the handlers, so
/// a request over it is answered `RESOURCE_EXHAUSTED` as Mesh (gRPC core)
/// does, not tonic's `OUT_OF_RANGE`.
const TRANSPORT_DECODE_LIMIT: usize = 64 * 1024 * 1024;

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
        .add_service(AuthenticationServiceServer::new(svc.clone()))
        .add_service(ModelDefinitionServiceServer::new(svc.clone()))
        .add_service(
            TimeseriesServiceServer::new(svc)
                .max_decoding_message_size(TRANSPORT_DECODE_LIMIT)
                // How much a client can take is the client's limit.
                .max_encoding_message_size(usize::MAX),
        ))
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

fn ms_of(t: &prost_types::Timestamp) -> i64 {
    t.seconds
        .saturating_mul(1000)
        .saturating_add(i64::from(t.nanos.div_euclid(1_000_000)))
}

/// `[start, end)` of an interval in ms, checked.
fn interval_ms(interval: Option<&UtcInterval>) -> Result<Option<(i64, i64)>, Status> {
    let Some(interval) = interval else {
        return Ok(None);
    };
    let (Some(start), Some(end)) = (&interval.start_time, &interval.end_time) else {
        return Err(Status::invalid_argument(
            "Interval must have both start_time and end_time.",
        ));
    };
    let (start, end) = (ms_of(start), ms_of(end));
    if end < start {
        return Err(Status::invalid_argument(format!(
            "Invalid interval: end time {end} is before start time {start}."
        )));
    }
    Ok(Some((start, end)))
}

fn address(id: Option<&MeshId>) -> Result<Address, Status> {
    let id = id.ok_or_else(|| Status::invalid_argument("Time series id is missing."))?;
    match (&id.id, &id.path, id.timeseries_key) {
        (Some(guid), None, None) => Ok(Address::Id(guid_to_uuid(guid)?)),
        (None, Some(path), None) => Ok(Address::Path(path.clone())),
        (None, None, Some(key)) => Ok(Address::Key(key)),
        _ => Err(Status::invalid_argument(
            "Exactly one of id, path and timeseries_key must be set.",
        )),
    }
}

fn mesh_id(meta: &Meta) -> MeshId {
    MeshId {
        id: Some(uuid_to_guid(meta.id)),
        path: Some(meta.path.clone()),
        timeseries_key: Some(meta.key),
    }
}

fn resource(meta: &Meta) -> TimeseriesResource {
    TimeseriesResource {
        timeseries_key: meta.key,
        path: meta.path.clone(),
        name: meta.name.clone(),
        temporary: false,
        curve_type: Some(Curve { r#type: meta.curve }),
        resolution: Some(Resolution {
            r#type: meta.resolution,
        }),
        unit_of_measurement: meta.unit.as_ref().map(|(id, name)| UnitOfMeasurement {
            id: Some(uuid_to_guid(*id)),
            name: name.clone(),
        }),
        virtual_timeseries_expression: String::new(),
        time_zone: None,
    }
}

fn session_of(guid: Option<&Guid>) -> Result<&Guid, Status> {
    guid.ok_or_else(|| Status::invalid_argument("Session id is missing."))
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
        self.0.injected_failure(method)?;
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
        self.enter(request.get_ref())
    }

    /// Marks the session `guid` in use until the returned guard drops.
    fn enter(&self, guid: &Guid) -> Result<crate::ActivityGuard, Status> {
        self.0.enter(guid_to_uuid(guid)?)
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
        self.0.commit(guid_to_uuid(request.get_ref())?);
        Ok(Response::new(CommitResponse {}))
    }

    async fn rollback(&self, request: Request<Guid>) -> Result<Response<RollbackResponse>, Status> {
        let _activity = self.session_call("Rollback", &request)?;
        self.0.rollback(guid_to_uuid(request.get_ref())?);
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

#[tonic::async_trait]
impl ModelDefinitionService for Svc {
    async fn list_units_of_measurement(
        &self,
        request: Request<ListUnitsOfMeasurementRequest>,
    ) -> Result<Response<ListUnitsOfMeasurementResponse>, Status> {
        self.begin("ListUnitsOfMeasurement", &request)?;
        let guid = session_of(request.get_ref().session_id.as_ref())?;
        let _activity = self.enter(guid)?;
        let units = self
            .0
            .store
            .units()
            .iter()
            .map(|(id, name)| UnitOfMeasurement {
                id: Some(uuid_to_guid(*id)),
                name: name.clone(),
            })
            .collect();
        Ok(Response::new(ListUnitsOfMeasurementResponse {
            units_of_measurement: units,
        }))
    }
}

type ReadTimeseriesStream =
    Pin<Box<dyn tokio_stream::Stream<Item = Result<ReadTimeseriesResponse, Status>> + Send>>;

#[tonic::async_trait]
impl TimeseriesService for Svc {
    type ReadTransformedTimeseriesStream = ReadTimeseriesStream;

    async fn read_transformed_timeseries(
        &self,
        request: Request<ReadTransformedTimeseriesRequest>,
    ) -> Result<Response<Self::ReadTransformedTimeseriesStream>, Status> {
        self.begin("ReadTransformedTimeseries", &request)?;
        Err(Status::unimplemented(
            "the emulator does not transform time series yet",
        ))
    }

    async fn update_timeseries_resource(
        &self,
        request: Request<UpdateTimeseriesResourceRequest>,
    ) -> Result<Response<UpdateTimeseriesResourceResponse>, Status> {
        self.begin("UpdateTimeseriesResource", &request)?;
        Err(Status::unimplemented(
            "the emulator does not update time series resources yet",
        ))
    }

    async fn read_timeseries(
        &self,
        request: Request<ReadTimeseriesRequest>,
    ) -> Result<Response<ReadTimeseriesResponse>, Status> {
        self.begin("ReadTimeseries", &request)?;
        check_size(&request)?;
        let request = request.into_inner();
        let guid = session_of(request.session_id.as_ref())?;
        let _activity = self.enter(guid)?;
        let session = guid_to_uuid(guid)?;
        let meta = self
            .0
            .store
            .find(&address(request.timeseries_id.as_ref())?)?;
        let (start, end) = interval_ms(request.interval.as_ref())?
            .ok_or_else(|| Status::invalid_argument("Interval is missing."))?;
        let pending = self.0.pending(session);
        let points = self.0.store.read(meta.key, start, end, &pending);
        let data = store::encode(&points).map_err(Status::internal)?;
        Ok(Response::new(ReadTimeseriesResponse {
            timeseries: vec![Timeseries {
                id: Some(mesh_id(&meta)),
                resolution: Some(Resolution {
                    r#type: meta.resolution,
                }),
                interval: request.interval,
                data: data.into(),
            }],
        }))
    }

    async fn write_timeseries(
        &self,
        request: Request<WriteTimeseriesRequest>,
    ) -> Result<Response<WriteTimeseriesResponse>, Status> {
        self.begin("WriteTimeseries", &request)?;
        check_size(&request)?;
        let request = request.into_inner();
        let guid = session_of(request.session_id.as_ref())?;
        let _activity = self.enter(guid)?;
        let session = guid_to_uuid(guid)?;
        let series = request
            .timeseries
            .ok_or_else(|| Status::invalid_argument("Time series is missing."))?;
        let meta = self.0.store.find(&address(series.id.as_ref())?)?;
        let mut points = store::decode(&series.data)
            .map_err(|e| Status::invalid_argument(format!("Invalid Arrow data: {e}")))?;
        // Later points win over earlier ones at the same time.
        points.reverse();
        points.sort_by_key(|p| p.time);
        points.dedup_by_key(|p| p.time);
        let (start, end) = match interval_ms(series.interval.as_ref())? {
            Some(interval) => interval,
            // Without an interval a write touches only its own points' span.
            None => match (points.first(), points.last()) {
                (Some(first), Some(last)) => (first.time, last.time.saturating_add(1)),
                _ => return Ok(Response::new(WriteTimeseriesResponse {})),
            },
        };
        if let Some(outside) = points.iter().find(|p| p.time < start || p.time >= end) {
            return Err(Status::invalid_argument(format!(
                "Point at {} is outside the interval [{start}, {end}).",
                outside.time
            )));
        }
        self.0.add_pending(
            session,
            Write {
                key: meta.key,
                start,
                end,
                points,
            },
        );
        Ok(Response::new(WriteTimeseriesResponse {}))
    }

    async fn get_timeseries_resource(
        &self,
        request: Request<GetTimeseriesResourceRequest>,
    ) -> Result<Response<TimeseriesResource>, Status> {
        self.begin("GetTimeseriesResource", &request)?;
        let request = request.into_inner();
        let guid = session_of(request.session_id.as_ref())?;
        let _activity = self.enter(guid)?;
        let meta = self
            .0
            .store
            .find(&Address::Key(request.timeseries_resource_key))?;
        Ok(Response::new(resource(&meta)))
    }

    /// The new series is in the catalog for every session at once, not
    /// only after commit as on a real server (where reading points of an
    /// uncommitted new series is not supported anyway).
    async fn create_physical_timeseries(
        &self,
        request: Request<CreatePhysicalTimeseriesRequest>,
    ) -> Result<Response<TimeseriesResource>, Status> {
        self.begin("CreatePhysicalTimeseries", &request)?;
        let request = request.into_inner();
        let guid = session_of(request.session_id.as_ref())?;
        let _activity = self.enter(guid)?;
        let path = &request.path;
        if !path.starts_with('/') || !path.ends_with('/') || path.contains("//") {
            return Err(Status::invalid_argument(format!(
                "Invalid path '{path}': it must begin and end with '/'."
            )));
        }
        let name = &request.name;
        if name.is_empty() || name.contains('/') {
            return Err(Status::invalid_argument(format!(
                "Invalid time series name '{name}'."
            )));
        }
        let unit = match &request.unit_of_measurement_id {
            None => None,
            Some(guid) => {
                let id = guid_to_uuid(guid)?;
                let unit = self.0.store.units().iter().find(|(u, _)| *u == id);
                Some(unit.cloned().ok_or_else(|| {
                    Status::not_found(format!(
                        "Unit of measurement with id {{{}}} not found.",
                        id.hyphenated().to_string().to_uppercase()
                    ))
                })?)
            }
        };
        let meta = self.0.store.create(
            format!("Resource{path}{name}"),
            name.clone(),
            request.curve_type.map_or(0, |c| c.r#type),
            request.resolution.map_or(0, |r| r.r#type),
            unit,
        )?;
        Ok(Response::new(resource(&meta)))
    }
}
