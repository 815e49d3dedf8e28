//! `CalculationService.RunCalculation`: an expression evaluated in a
//! session over an interval, relative to an object, an attribute or a
//! resource (by id, path or key, which must agree). Series come back
//! without an id (how clients tell them from stored series), numbers and
//! strings as lists.

use tonic::{Request, Response, Status};

use super::timeseries::answer;
use super::{check_size, Svc};
use crate::evaluate::{self, Answer, RelativeTo};
use crate::proto::calc::calculation_response::CalculationResultOneof;
use crate::proto::calc::calculation_service_server::CalculationService;
use crate::proto::calc::{CalculationRequest, CalculationResponse, NumericResults, StringResults};
use crate::proto::time_series::ReadTimeseriesResponse;
use crate::store::lookup::{Found, LookupError};
use crate::store::model::Node;
use crate::store::View;
use crate::wire::{interval_ms, Target};

/// What `relative_to` names.
fn relative_to(view: &View, target: &Target) -> Result<RelativeTo, Status> {
    let found = view.find(target).map_err(|e| match e {
        LookupError::Different => Status::invalid_argument(format!(
            "relative_to: {} do not name the same thing",
            target.describe()
        )),
        _ => Status::not_found(format!(
            "relative_to not found: {} names no object, attribute or time series",
            target.describe()
        )),
    })?;
    match found {
        Found::Resource(id) => Ok(RelativeTo::Resource(id)),
        Found::Model(Node::Object(id)) => Ok(RelativeTo::Object(id)),
        Found::Model(Node::Attribute(id)) => Ok(RelativeTo::Attribute(id)),
        Found::Model(Node::Definition(_)) => Err(Status::invalid_argument(format!(
            "Invalid type: relative_to ({}) is an attribute definition; a calculation is relative to an object, an attribute or a time series",
            target.describe()
        ))),
    }
}

#[tonic::async_trait]
impl CalculationService for Svc {
    async fn run_calculation(
        &self,
        request: Request<CalculationRequest>,
    ) -> Result<Response<CalculationResponse>, Status> {
        self.begin("RunCalculation", &request)?;
        check_size(&request)?;
        let request = request.into_inner();
        let guard = self.enter(request.session_id.as_ref())?;
        let view = self.view(&guard)?;
        let (start, end) = interval_ms(request.interval.as_ref())?
            .ok_or_else(|| Status::invalid_argument("Interval is missing."))?;
        let relative_to = match &request.relative_to {
            Some(id) => relative_to(&view, &Target::from_mesh_id(Some(id), "relative_to")?)?,
            None => RelativeTo::Nothing,
        };
        let result = evaluate::run(
            self.scope(&guard, view),
            request.expression,
            relative_to,
            start,
            end,
        )
        .await?;
        let result = match result {
            Answer::Series(list) => {
                let mut timeseries = Vec::with_capacity(list.len());
                for series in list {
                    timeseries.extend(
                        answer(None, request.interval, &series.points, series.resolution)?
                            .timeseries,
                    );
                }
                CalculationResultOneof::TimeseriesResults(ReadTimeseriesResponse { timeseries })
            }
            Answer::Numbers(value) => {
                CalculationResultOneof::NumericResults(NumericResults { value })
            }
            Answer::Strings(value) => {
                CalculationResultOneof::StringResults(StringResults { value })
            }
        };
        Ok(Response::new(CalculationResponse {
            calculation_result_oneof: Some(result),
        }))
    }
}
