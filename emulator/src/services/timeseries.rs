//! `TimeseriesService`: reading and writing points of resources and of time
//! series attributes, and the resource catalog (get, create, update).
//! Calculated attributes and virtual series are evaluated when read
//! (`evaluate`); transformed reads live in `transformed`.
//!
//! Reads follow Mesh: positions of a fixed resolution without a stored
//! value come back as NaN flagged MISSING; PIECEWISELINEAR reads include
//! the point after the interval end; a read with no points has no interval
//! and resolution BREAKPOINT; the answer's key is set only when the read
//! was by key. Writes need strictly increasing timestamps; a zero-byte
//! payload with an interval deletes that interval's points. Catalog
//! changes are session-private until commit, and a new series has key 0
//! until then.

use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::{check_size, model_status, Svc};
use crate::evaluate;
use crate::evaluate::source::{self, Source};
use crate::proto::model_definition::UnitOfMeasurement;
use crate::proto::time_series::{
    timeseries_service_server::TimeseriesService, CreatePhysicalTimeseriesRequest,
    GetTimeseriesResourceRequest, ReadTimeseriesRequest, ReadTimeseriesResponse,
    ReadTransformedTimeseriesRequest, Timeseries, TimeseriesResource,
    UpdateTimeseriesResourceRequest, UpdateTimeseriesResourceResponse, WriteTimeseriesRequest,
    WriteTimeseriesResponse,
};
use crate::proto::types::{Curve, MeshId, Resolution, UtcInterval};
use crate::store::catalog::{resolution, takes_time_zone};
use crate::store::lookup::{Found, LookupError};
use crate::store::model::Node;
use crate::store::{points, Change, Point, Resource, View, Write};
use crate::wire::{braced, guid_to_uuid, interval_ms, mask_paths, uuid_to_guid, Target};
use crate::{arrow, store};

pub(super) type ReadTimeseriesStream = std::pin::Pin<
    Box<dyn tokio_stream::Stream<Item = Result<ReadTimeseriesResponse, Status>> + Send>,
>;

pub(super) fn lookup_status(e: LookupError, target: &Target) -> Status {
    match e {
        LookupError::Key(key) => Status::not_found(format!("Timeseries with key {key} not found.")),
        LookupError::Path(path) => {
            Status::not_found(format!("Timeseries with path '{path}' not found."))
        }
        LookupError::Id(id) => {
            Status::not_found(format!("Timeseries with id {} not found.", braced(id)))
        }
        LookupError::Different => Status::invalid_argument(format!(
            "{} do not name the same time series",
            target.describe()
        )),
    }
}

impl Svc {
    /// The data-serving mode's series, when `target` is it by key (see
    /// `served`).
    fn served(&self, target: &Target) -> Option<&crate::Served> {
        let served = self.0.config.served.as_deref()?;
        (target.key == Some(served.key())).then_some(served)
    }
}

/// What `found` is as a time series, and the id a read answers with.
pub(super) fn source(view: &View, found: Found, by_key: bool) -> Result<(Source, MeshId), Status> {
    match found {
        Found::Resource(id) => {
            let resource = view.catalog.get(id).ok_or_else(|| {
                Status::not_found(format!("Timeseries with id {} not found.", braced(id)))
            })?;
            let mesh_id = MeshId {
                id: Some(uuid_to_guid(resource.id)),
                path: Some(resource.path.clone()),
                timeseries_key: by_key.then_some(resource.key),
            };
            Ok((source::of_resource(resource), mesh_id))
        }
        Found::Model(Node::Attribute(id)) => {
            let source = source::of_attribute(view, id).map_err(|e| e.status())?;
            let mesh_id = MeshId {
                id: Some(uuid_to_guid(id)),
                path: view.model.attribute_path(id),
                timeseries_key: None,
            };
            Ok((source, mesh_id))
        }
        Found::Model(Node::Object(id)) => Err(Status::invalid_argument(format!(
            "Invalid type: {} is an object, not a time series",
            view.model.object_path(id).unwrap_or_default()
        ))),
        Found::Model(Node::Definition(id)) => Err(Status::invalid_argument(format!(
            "Invalid type: {} is an attribute definition, not a time series",
            view.model.definition_path(id).unwrap_or_default()
        ))),
    }
}

/// The resource as Mesh describes it.
pub(super) fn resource_message(view: &View, resource: &Resource) -> TimeseriesResource {
    TimeseriesResource {
        timeseries_key: resource.key,
        path: resource.path.clone(),
        name: resource.name.clone(),
        temporary: false,
        curve_type: Some(Curve {
            r#type: resource.curve,
        }),
        resolution: Some(Resolution {
            r#type: resource.resolution,
        }),
        unit_of_measurement: resource.unit.and_then(|id| {
            view.unit_name(id).map(|name| UnitOfMeasurement {
                id: Some(uuid_to_guid(id)),
                name: name.to_string(),
            })
        }),
        virtual_timeseries_expression: resource.expression.clone().unwrap_or_default(),
        time_zone: resource.time_zone.clone(),
    }
}

/// A read's answer: `points` (of `resolution`) over `interval`; a read
/// with no points has no interval and resolution BREAKPOINT, as Mesh's.
pub(super) fn answer(
    id: Option<MeshId>,
    interval: Option<UtcInterval>,
    points: &[Point],
    resolution: i32,
) -> Result<ReadTimeseriesResponse, Status> {
    let data = arrow::encode(points).map_err(Status::internal)?;
    let empty = points.is_empty();
    Ok(ReadTimeseriesResponse {
        timeseries: vec![Timeseries {
            id,
            resolution: Some(Resolution {
                r#type: if empty {
                    resolution::BREAKPOINT
                } else {
                    resolution
                },
            }),
            interval: if empty { None } else { interval },
            data: data.into(),
        }],
    })
}

/// A time zone for a series of `resolution`: `""` clears it; otherwise an
/// IANA name, for DAY or coarser only.
fn time_zone(name: &str, resolution: i32) -> Result<Option<String>, Status> {
    if name.is_empty() {
        return Ok(None);
    }
    if store::grid::time_zone(name).is_none() {
        return Err(Status::invalid_argument(format!(
            "invalid time zone specified: '{name}'"
        )));
    }
    if !takes_time_zone(resolution) {
        return Err(Status::invalid_argument(
            "time zone can only be set for a time series with a daily resolution or coarser",
        ));
    }
    Ok(Some(name.to_string()))
}

/// The unit with this id, which must exist.
fn unit(view: &View, guid: &crate::proto::types::Guid) -> Result<Uuid, Status> {
    let id = guid_to_uuid(guid)?;
    match view.unit_name(id) {
        Some(_) => Ok(id),
        None => Err(Status::not_found(format!(
            "Unit of measurement with id {} not found.",
            braced(id)
        ))),
    }
}

#[tonic::async_trait]
impl TimeseriesService for Svc {
    type ReadTransformedTimeseriesStream = ReadTimeseriesStream;

    async fn read_transformed_timeseries(
        &self,
        request: Request<ReadTransformedTimeseriesRequest>,
    ) -> Result<Response<Self::ReadTransformedTimeseriesStream>, Status> {
        self.read_transformed(request).await
    }

    async fn read_timeseries(
        &self,
        request: Request<ReadTimeseriesRequest>,
    ) -> Result<Response<ReadTimeseriesResponse>, Status> {
        self.begin("ReadTimeseries", &request)?;
        check_size(&request)?;
        let request = request.into_inner();
        let guard = self.enter(request.session_id.as_ref())?;
        let session = guard.session();
        let view = self.view(&guard)?;
        let target = Target::from_mesh_id(request.timeseries_id.as_ref(), "Time series id")?;
        let (start, end) = interval_ms(request.interval.as_ref())?
            .ok_or_else(|| Status::invalid_argument("Interval is missing."))?;
        if let Some(served) = self.served(&target) {
            let (data, empty) = served.answer(start, end).map_err(Status::internal)?;
            return Ok(Response::new(ReadTimeseriesResponse {
                timeseries: vec![Timeseries {
                    id: request.timeseries_id,
                    resolution: Some(Resolution {
                        r#type: resolution::BREAKPOINT,
                    }),
                    interval: if empty { None } else { request.interval },
                    data,
                }],
            }));
        }
        let found = view.find(&target).map_err(|e| lookup_status(e, &target))?;
        let (source, mesh_id) = source(&view, found, target.key.is_some())?;
        let store = &self.0.store;
        let (points, resolution) = match source {
            Source::Stored(resource) => {
                if !view.is_committed(resource.id) {
                    return Err(Status::failed_precondition(format!(
                        "reading points of {} is not supported before the session that created it commits",
                        resource.path
                    )));
                }
                let points = points::shape(
                    &resource,
                    start,
                    end,
                    |a, b| store.stored_points(session, resource.id, a, b),
                    |t| store.next_stored_point(session, resource.id, t),
                )
                .map_err(Status::invalid_argument)?;
                (points, resource.resolution)
            }
            calculated => {
                let evaluated =
                    evaluate::read_calculated(self.scope(&guard, view), calculated, start, end)
                        .await?;
                (evaluated.points, evaluated.resolution)
            }
        };
        Ok(Response::new(answer(
            Some(mesh_id),
            request.interval,
            &points,
            resolution,
        )?))
    }

    async fn write_timeseries(
        &self,
        request: Request<WriteTimeseriesRequest>,
    ) -> Result<Response<WriteTimeseriesResponse>, Status> {
        self.begin("WriteTimeseries", &request)?;
        if let Some(series) = &request.get_ref().timeseries {
            self.0.note_write_payload(series.data.len());
        }
        check_size(&request)?;
        let request = request.into_inner();
        let guard = self.enter(request.session_id.as_ref())?;
        let view = self.view(&guard)?;
        let series = request
            .timeseries
            .ok_or_else(|| Status::invalid_argument("Time series is missing."))?;
        let target = Target::from_mesh_id(series.id.as_ref(), "Time series id")?;
        if self.served(&target).is_some() {
            return Ok(Response::new(WriteTimeseriesResponse {}));
        }
        let found = view.find(&target).map_err(|e| lookup_status(e, &target))?;
        let resource = match source(&view, found, false)?.0 {
            Source::Stored(resource) => resource,
            Source::Calculated { what, .. } => {
                return Err(Status::not_found(format!(
                    "physical time series not found for {what}: its points are calculated, so none can be written"
                )))
            }
        };
        let points = if series.data.is_empty() {
            Vec::new()
        } else {
            arrow::decode(&series.data)
                .map_err(|e| Status::invalid_argument(format!("Invalid Arrow data: {e}")))?
        };
        if let Some(i) = points.windows(2).position(|w| w[1].time <= w[0].time) {
            return Err(Status::invalid_argument(format!(
                "timestamps in the segment are not increasing: point {} ({} ms) does not come after point {i} ({} ms)",
                i + 1,
                points[i + 1].time,
                points[i].time
            )));
        }
        let (start, end) = match interval_ms(series.interval.as_ref())? {
            Some(interval) => interval,
            // Without an interval a write touches only its own points' span.
            None => match (points.first(), points.last()) {
                (Some(first), Some(last)) => (first.time, last.time.saturating_add(1)),
                _ => {
                    return Err(Status::invalid_argument(
                        "A write without points needs an interval: it deletes the points of that interval.",
                    ))
                }
            },
        };
        if let Some(outside) = points.iter().find(|p| p.time < start || p.time >= end) {
            return Err(Status::invalid_argument(format!(
                "Point at {} is outside the interval [{start}, {end}).",
                outside.time
            )));
        }
        let write = Write {
            resource: resource.id,
            start,
            end,
            points,
        };
        if !self.0.store.write_points(guard.session(), write) {
            return Err(self.0.not_found(guard.session()));
        }
        Ok(Response::new(WriteTimeseriesResponse {}))
    }

    async fn get_timeseries_resource(
        &self,
        request: Request<GetTimeseriesResourceRequest>,
    ) -> Result<Response<TimeseriesResource>, Status> {
        self.begin("GetTimeseriesResource", &request)?;
        let request = request.into_inner();
        let guard = self.enter(request.session_id.as_ref())?;
        let view = self.view(&guard)?;
        let key = request.timeseries_resource_key;
        let resource = view
            .catalog
            .by_key(key)
            .ok_or_else(|| Status::not_found(format!("Timeseries with key {key} not found.")))?;
        Ok(Response::new(resource_message(&view, resource)))
    }

    async fn update_timeseries_resource(
        &self,
        request: Request<UpdateTimeseriesResourceRequest>,
    ) -> Result<Response<UpdateTimeseriesResourceResponse>, Status> {
        self.begin("UpdateTimeseriesResource", &request)?;
        let request = request.into_inner();
        let guard = self.enter(request.session_id.as_ref())?;
        let view = self.view(&guard)?;
        let key = request.timeseries_resource_key;
        let resource = view
            .catalog
            .by_key(key)
            .ok_or_else(|| Status::not_found(format!("Timeseries with key {key} not found.")))?;
        let paths = mask_paths(request.field_mask.as_ref());
        if paths.is_empty() {
            return Err(Status::invalid_argument("nothing is set to be updated"));
        }
        let (mut curve, mut new_unit, mut zone) = (None, None, None);
        for path in paths {
            match path {
                "new_curve_type" => curve = Some(request.new_curve_type.map_or(0, |c| c.r#type)),
                "new_unit_of_measurement_id" => {
                    new_unit = Some(
                        request
                            .new_unit_of_measurement_id
                            .as_ref()
                            .map(|g| unit(&view, g))
                            .transpose()?,
                    )
                }
                "new_time_zone" => {
                    zone = Some(time_zone(&request.new_time_zone, resource.resolution)?)
                }
                other => {
                    return Err(Status::invalid_argument(format!(
                        "unknown field mask path '{other}'"
                    )))
                }
            }
        }
        let change = Change::UpdateResource {
            id: resource.id,
            curve,
            unit: new_unit,
            time_zone: zone,
        };
        self.0
            .store
            .change(guard.session(), change)
            .map_err(model_status)?;
        Ok(Response::new(UpdateTimeseriesResourceResponse {}))
    }

    async fn create_physical_timeseries(
        &self,
        request: Request<CreatePhysicalTimeseriesRequest>,
    ) -> Result<Response<TimeseriesResource>, Status> {
        self.begin("CreatePhysicalTimeseries", &request)?;
        let request = request.into_inner();
        let guard = self.enter(request.session_id.as_ref())?;
        let view = self.view(&guard)?;
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
        let resolution = request.resolution.map_or(0, |r| r.r#type);
        let zone = match &request.time_zone {
            Some(zone) => time_zone(zone, resolution)?,
            None => None,
        };
        let unit = request
            .unit_of_measurement_id
            .as_ref()
            .map(|g| unit(&view, g))
            .transpose()?;
        let full_path = format!("Resource{path}{name}");
        if view.catalog.by_path(&full_path).is_some() {
            return Err(Status::already_exists(format!(
                "Timeseries with path '{full_path}' already exists."
            )));
        }
        let resource = Resource {
            id: Uuid::new_v4(),
            key: 0,
            path: full_path,
            name: name.clone(),
            curve: request.curve_type.map_or(0, |c| c.r#type),
            resolution,
            unit,
            time_zone: zone,
            expression: None,
        };
        self.0
            .store
            .change(guard.session(), Change::CreateResource(resource.clone()))
            .map_err(model_status)?;
        Ok(Response::new(resource_message(&view, &resource)))
    }
}
