//! The one place where calculations plug in: `RunCalculation`, reads of
//! calculated time series attributes (a local expression, else the
//! definition's template) and virtual series, and transformed reads all go
//! through here to the engine in `calc`, with the store as its host.
//!
//! Evaluation is CPU work that may read a lot, so it runs on tokio's
//! blocking threads, never on the workers that serve the other calls. A
//! failure becomes a gRPC status: the host's own (a series not found, not
//! committed) keep their code, an unsupported function is UNIMPLEMENTED,
//! anything else about the expression INVALID_ARGUMENT.

mod host;
pub(crate) mod source;

use std::sync::Arc;

use chrono_tz::Tz;
use tonic::Status;
use uuid::Uuid;

use crate::calc::{self, CalcResult, Interval, Series, TransformSpec};
use crate::store::{Point, Store, View};
pub(crate) use host::SeriesRef;
use host::StoreHost;
pub(crate) use source::RelativeTo;
pub(crate) use source::Source;

/// Everything an evaluation needs, owned, so that it can move to a
/// blocking thread: the session, its view, the server's time zone.
#[derive(Clone)]
pub(crate) struct Scope {
    pub(crate) store: Arc<Store>,
    pub(crate) session: Uuid,
    pub(crate) view: View,
    pub(crate) zone: Tz,
}

/// A calculated series as a read answers it.
pub(crate) struct Evaluated {
    pub(crate) points: Vec<Point>,
    /// `Resolution.ResolutionType`.
    pub(crate) resolution: i32,
}

impl Evaluated {
    fn of(series: &Series) -> Evaluated {
        Evaluated {
            points: host::store_points(series),
            resolution: series.resolution.to_proto(),
        }
    }
}

/// Runs `work` with a host for `scope` on a blocking thread.
async fn blocking<T: Send + 'static>(
    scope: Scope,
    work: impl FnOnce(&StoreHost) -> Result<T, calc::CalcError> + Send + 'static,
) -> Result<T, Status> {
    tokio::task::spawn_blocking(move || {
        let host = StoreHost::new(scope.store, scope.session, scope.view, scope.zone);
        work(&host).map_err(|e| host.status(e))
    })
    .await
    .map_err(|e| Status::internal(format!("the calculation failed: {e}")))?
}

/// The points of a calculated source over `[start, end)` (`ReadTimeseries`
/// of a calculated attribute or a virtual series).
pub(crate) async fn read_calculated(
    scope: Scope,
    source: Source,
    start: i64,
    end: i64,
) -> Result<Evaluated, Status> {
    blocking(scope, move |host| {
        host.read_source(source, Interval::new(start, end))
            .map(|s| Evaluated::of(&s))
    })
    .await
}

/// A calculation's answer, one of the three kinds the wire carries.
pub(crate) enum Answer {
    Series(Vec<Evaluated>),
    Numbers(Vec<f64>),
    Strings(Vec<String>),
}

/// `RunCalculation`: `expression` over `[start, end)` relative to
/// `relative_to`.
pub(crate) async fn run(
    scope: Scope,
    expression: String,
    relative_to: RelativeTo,
    start: i64,
    end: i64,
) -> Result<Answer, Status> {
    blocking(scope, move |host| {
        Ok(
            match calc::evaluate(&expression, Interval::new(start, end), &relative_to, host)? {
                CalcResult::Series(list) => {
                    Answer::Series(list.iter().map(Evaluated::of).collect())
                }
                CalcResult::Numbers(list) => Answer::Numbers(list),
                CalcResult::Strings(list) => Answer::Strings(list),
            },
        )
    })
    .await
}

/// `ReadTransformedTimeseries` of one series.
pub(crate) async fn read_transformed(
    scope: Scope,
    series: SeriesRef,
    start: i64,
    end: i64,
    spec: TransformSpec,
) -> Result<Evaluated, Status> {
    blocking(scope, move |host| {
        calc::read_transformed(host, &series, Interval::new(start, end), &spec)
            .map(|s| Evaluated::of(&s))
    })
    .await
}
