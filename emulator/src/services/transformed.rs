//! `TimeseriesService.ReadTransformedTimeseries`: series read and
//! transformed to another resolution (method 0 = IMPLICIT, zone 0 = UTC),
//! one answer per request, in order. Every answer is computed before the
//! first is sent, so a request that fails fails the whole call, saying
//! which one it was.

use tonic::{Request, Response, Status};

use super::check_size;
use super::timeseries::{answer, lookup_status, source, ReadTimeseriesStream};
use super::Svc;
use crate::calc::{self, TransformSpec};
use crate::evaluate::{self, SeriesRef};
use crate::proto::time_series::{
    ReadTimeseriesResponse, ReadTransformedTimeseriesRequest,
    ReadTransformedTimeseriesSingleRequest,
};
use crate::store::catalog::RESOLUTION_NAMES;
use crate::store::{ActivityGuard, View};
use crate::wire::{interval_ms, Target};

/// What a transformed read asks for, checked.
fn transform_spec(
    single: &ReadTransformedTimeseriesSingleRequest,
) -> Result<TransformSpec, Status> {
    let number = single.resolution.map_or(0, |r| r.r#type);
    let resolution = calc::Resolution::from_proto(number)
        .filter(|r| *r != calc::Resolution::Breakpoint)
        .ok_or_else(|| {
            let name = RESOLUTION_NAMES
                .iter()
                .find(|(_, n)| *n == number)
                .map_or_else(|| number.to_string(), |(name, _)| name.to_string());
            Status::invalid_argument(format!(
                "'{name}' resolution is unsupported for time series transformation"
            ))
        })?;
    let method = calc::Method::from_proto(single.transformation_method).ok_or_else(|| {
        Status::invalid_argument(format!(
            "unknown transformation method {}",
            single.transformation_method
        ))
    })?;
    let zone =
        calc::TransformZone::from_proto(single.transformation_timezone).ok_or_else(|| {
            Status::invalid_argument(format!(
                "unknown transformation time zone {}",
                single.transformation_timezone
            ))
        })?;
    Ok(TransformSpec {
        resolution,
        method,
        zone,
    })
}

impl Svc {
    pub(super) async fn read_transformed(
        &self,
        request: Request<ReadTransformedTimeseriesRequest>,
    ) -> Result<Response<ReadTimeseriesStream>, Status> {
        self.begin("ReadTransformedTimeseries", &request)?;
        check_size(&request)?;
        let request = request.into_inner();
        let guard = self.enter(request.session_id.as_ref())?;
        let view = self.view(&guard)?;
        let mut answers = Vec::with_capacity(request.requests.len());
        for (i, single) in request.requests.into_iter().enumerate() {
            let answer = self
                .read_one_transformed(&guard, &view, single)
                .await
                .map_err(|e| {
                    Status::new(
                        e.code(),
                        format!("transformed read {}: {}", i + 1, e.message()),
                    )
                })?;
            answers.push(Ok(answer));
        }
        Ok(Response::new(Box::pin(tokio_stream::iter(answers))))
    }

    /// One answer of `ReadTransformedTimeseries`.
    async fn read_one_transformed(
        &self,
        guard: &ActivityGuard,
        view: &View,
        single: ReadTransformedTimeseriesSingleRequest,
    ) -> Result<ReadTimeseriesResponse, Status> {
        let target = Target::from_mesh_id(single.timeseries_id.as_ref(), "Time series id")?;
        let (start, end) = interval_ms(single.interval.as_ref())?
            .ok_or_else(|| Status::invalid_argument("Interval is missing."))?;
        let spec = transform_spec(&single)?;
        let found = view.find(&target).map_err(|e| lookup_status(e, &target))?;
        // Checks that it is a series with points to read.
        let (_, mesh_id) = source(view, found, target.key.is_some())?;
        let series = SeriesRef::of(found)
            .ok_or_else(|| Status::invalid_argument("Invalid type: not a time series"))?;
        let evaluated =
            evaluate::read_transformed(self.scope(guard, view.clone()), series, start, end, spec)
                .await?;
        answer(
            Some(mesh_id),
            single.interval,
            &evaluated.points,
            evaluated.resolution,
        )
    }
}
