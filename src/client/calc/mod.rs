//! Calculations through a session: an expression of Mesh's calculator run
//! over an interval relative to an object, attribute or time series
//! (`CalculationService.RunCalculation`), whose answer is a list of
//! series, of numbers or of strings; and transformed reads of stored series
//! (`TimeseriesService.ReadTransformedTimeseries`). [`expression`] builds
//! the common expressions with their strings quoted safely. Every request
//! goes through the session's `call`, so it counts as activity for
//! keep-alive and sees the session's uncommitted changes.

pub mod expression;
mod transformed;

pub use expression::{TransformMethod, TransformZone};
pub use transformed::TransformedRead;

use uuid::Uuid;

use super::auth::MeshChannel;
use super::catalog::Resolution;
use super::error::{Error, ErrorKind, Result};
use super::id::{parse_id, to_guid};
use super::points::Points;
use super::session::Session;
use super::timeseries::interval;
use crate::proto::calc::calculation_response::CalculationResultOneof;
use crate::proto::calc::calculation_service_client::CalculationServiceClient;
use crate::proto::calc::CalculationRequest;
use crate::proto::time_series::Timeseries;
use crate::proto::types::MeshId;

/// What a calculation is relative to: the object, attribute or time series
/// where its searches (`@t('.Attr')`) start and which `@t()` names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RelativeTo {
    /// An object, attribute or time series by id.
    Id(Uuid),
    /// By path: `Model/...` for objects and attributes (full, or short
    /// without relation names), `Resource/...` for catalog series.
    Path(String),
    /// A time series by its key.
    Key(i64),
}

impl RelativeTo {
    /// A target from text: an id (canonical form in any case, or braced),
    /// or a path (anything with a `/`), as the model calls take targets.
    /// Anything else is `InvalidArgument`.
    pub fn parse(text: &str) -> Result<RelativeTo> {
        if text.contains('/') {
            return Ok(RelativeTo::Path(text.to_string()));
        }
        parse_id(text, "target").map(RelativeTo::Id).map_err(|_| {
            let shown: String = text.chars().take(64).collect();
            Error::invalid_argument(format!(
                "{shown:?} is neither an id (8-4-4-4-12 hex digits, optionally in braces) nor a path (such as Model/<model>/<object> or Resource/<series>)"
            ))
        })
    }

    pub(crate) fn to_proto(&self) -> MeshId {
        match self {
            RelativeTo::Id(id) => MeshId {
                id: Some(to_guid(*id)),
                ..MeshId::default()
            },
            RelativeTo::Path(path) => MeshId {
                path: Some(path.clone()),
                ..MeshId::default()
            },
            RelativeTo::Key(key) => MeshId {
                timeseries_key: Some(*key),
                ..MeshId::default()
            },
        }
    }
}

impl std::fmt::Display for RelativeTo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RelativeTo::Id(id) => write!(f, "{id}"),
            RelativeTo::Path(path) => f.write_str(path),
            RelativeTo::Key(key) => write!(f, "time series key {key}"),
        }
    }
}

/// One series a calculation or a transformed read gave: its points and
/// resolution. Calculated series have no id in Mesh's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct CalcSeries {
    /// The points; for a PIECEWISELINEAR result possibly one after the
    /// interval end, as in any read.
    pub points: Points,
    /// The spacing of the points, as the server says.
    pub resolution: Resolution,
}

impl CalcSeries {
    fn from_wire(series: &Timeseries) -> Result<CalcSeries> {
        Ok(CalcSeries {
            points: Points::from_arrow_stream(&series.data)?,
            resolution: Resolution::from_number(series.resolution.map_or(0, |r| r.r#type)),
        })
    }
}

/// What a calculation gave: Mesh answers one of three kinds.
#[derive(Clone, Debug, PartialEq)]
pub enum CalcResult {
    /// An answer of no kind (none of the three was set).
    Empty,
    /// A list of series (`@TRANSFORM`, `@SUM(@T(...))`, forecasts ...).
    Series(Vec<CalcSeries>),
    /// A list of numbers (`@SUM(@t(...))`, `@d(...)` ...).
    Numbers(Vec<f64>),
    /// A list of strings.
    Strings(Vec<String>),
}

impl CalcResult {
    /// How many items the list holds.
    pub fn len(&self) -> usize {
        match self {
            CalcResult::Empty => 0,
            CalcResult::Series(s) => s.len(),
            CalcResult::Numbers(n) => n.len(),
            CalcResult::Strings(s) => s.len(),
        }
    }

    /// True when the list holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What the list holds, in words, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            CalcResult::Empty => "nothing",
            CalcResult::Series(_) => "series",
            CalcResult::Numbers(_) => "numbers",
            CalcResult::Strings(_) => "strings",
        }
    }

    /// What the answer held, for messages: "2 numbers", "an answer of no kind".
    fn described(&self) -> String {
        match self {
            CalcResult::Empty => "an answer of no kind".to_string(),
            other => format!("{} {}", other.len(), other.kind_name()),
        }
    }

    fn unexpected(&self, wanted: &str) -> Error {
        Error::new(
            ErrorKind::Server,
            format!(
                "expected {wanted} from the calculation, got {}",
                self.described()
            ),
        )
    }

    /// The one series of an expression that gives one (`@TRANSFORM`,
    /// `@GetForecast` ...); anything else is an error of kind `Server`.
    pub fn into_series(self) -> Result<CalcSeries> {
        match self {
            CalcResult::Series(mut s) if s.len() == 1 => Ok(s.swap_remove(0)),
            other => Err(other.unexpected("one series")),
        }
    }

    /// The one number of an expression that gives one (`@SUM(@t(...))`);
    /// anything else is an error of kind `Server`.
    pub fn into_number(self) -> Result<f64> {
        match self {
            CalcResult::Numbers(n) if n.len() == 1 => Ok(n[0]),
            other => Err(other.unexpected("one number")),
        }
    }

    /// The list of series of an expression that gives one (`@GetAllForecasts`,
    /// `@GetTsHistoricalVersions`); an answer of no kind is an empty list,
    /// numbers or strings are an error of kind `Server`.
    pub fn into_series_list(self) -> Result<Vec<CalcSeries>> {
        match self {
            CalcResult::Series(s) => Ok(s),
            CalcResult::Empty => Ok(Vec::new()),
            other => Err(other.unexpected("a list of series")),
        }
    }

    fn from_wire(result: Option<CalculationResultOneof>) -> Result<CalcResult> {
        Ok(match result {
            None => CalcResult::Empty,
            Some(CalculationResultOneof::TimeseriesResults(r)) => CalcResult::Series(
                r.timeseries
                    .iter()
                    .map(CalcSeries::from_wire)
                    .collect::<Result<_>>()?,
            ),
            Some(CalculationResultOneof::NumericResults(r)) => CalcResult::Numbers(r.value),
            Some(CalculationResultOneof::StringResults(r)) => CalcResult::Strings(r.value),
        })
    }
}

/// An interval a calculation can be run over.
fn check_interval(start_ms: i64, end_ms: i64) -> Result<()> {
    if end_ms < start_ms {
        return Err(Error::invalid_argument(format!(
            "bad interval: end {end_ms} is before start {start_ms}"
        )));
    }
    Ok(())
}

impl Session {
    fn calc_client(&self, channel: MeshChannel) -> CalculationServiceClient<MeshChannel> {
        CalculationServiceClient::new(channel)
            .max_decoding_message_size(self.shared().options().max_receive_message_bytes)
            .max_encoding_message_size(usize::MAX)
    }

    /// Runs `expression` (Mesh's calculation language; see [`expression`]
    /// for the common ones) over `[start_ms, end_ms)` (ms since the Unix
    /// epoch, UTC) relative to `relative_to`, in this session: its
    /// uncommitted changes take part. The answer is whichever kind the
    /// expression gives. An answer over the receive limit fails with
    /// `ResourceExhausted` (a calculation cannot be split by time without
    /// changing what it computes).
    pub async fn run_calculation(
        &self,
        relative_to: &RelativeTo,
        expression: &str,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<CalcResult> {
        check_interval(start_ms, end_ms)?;
        let request = CalculationRequest {
            session_id: None,
            expression: expression.to_string(),
            interval: Some(interval(start_ms, end_ms)),
            relative_to: Some(relative_to.to_proto()),
        };
        let response = self
            .shared()
            .call("RunCalculation", |channel, guid| {
                let request = CalculationRequest {
                    session_id: Some(guid),
                    ..request.clone()
                };
                async move { self.calc_client(channel).run_calculation(request).await }
            })
            .await?;
        CalcResult::from_wire(response.calculation_result_oneof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::calc::{NumericResults, StringResults};
    use crate::proto::time_series::ReadTimeseriesResponse;

    #[test]
    fn targets_parse_as_ids_or_paths() {
        let id = "0000000a-0001-0000-0000-000000000000";
        let uuid = Uuid::parse_str(id).unwrap();
        assert_eq!(RelativeTo::parse(id).unwrap(), RelativeTo::Id(uuid));
        assert_eq!(
            RelativeTo::parse("{0000000A-0001-0000-0000-000000000000}").unwrap(),
            RelativeTo::Id(uuid)
        );
        for path in [
            "Model/M/A.B/C",
            "Resource/Demo/Inflow",
            "Model/M/C/P.TsRawAtt",
        ] {
            assert_eq!(
                RelativeTo::parse(path).unwrap(),
                RelativeTo::Path(path.into())
            );
        }
        for bad in [
            "",
            "SomePowerPlant1",
            "42",
            "0000000a-0001-0000-0000-00000000000",
        ] {
            let e = RelativeTo::parse(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad}");
            assert!(e.message().contains("neither an id"), "{e}");
        }
    }

    #[test]
    fn targets_travel_as_one_field_of_mesh_id() {
        let id = Uuid::parse_str("00112233-4455-6677-8899-aabbccddeeff").unwrap();
        let wire = RelativeTo::Id(id).to_proto();
        assert_eq!(
            wire.id.unwrap().bytes_le,
            [
                0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
                0xee, 0xff
            ]
        );
        assert!(wire.path.is_none() && wire.timeseries_key.is_none());
        let wire = RelativeTo::Key(3).to_proto();
        assert_eq!(wire.timeseries_key, Some(3));
        assert!(wire.id.is_none() && wire.path.is_none());
        let wire = RelativeTo::Path("Resource/A".into()).to_proto();
        assert_eq!(wire.path.as_deref(), Some("Resource/A"));
        assert!(wire.id.is_none() && wire.timeseries_key.is_none());
    }

    #[test]
    fn answers_of_each_kind_decode() {
        let points = Points::new(
            vec![0, 3_600_000],
            vec![0, 0x0400_0000],
            vec![1.5, f64::NAN],
        )
        .unwrap();
        let series = Timeseries {
            id: None,
            resolution: Some(crate::proto::types::Resolution { r#type: 3 }),
            interval: None,
            data: points.to_arrow_stream().unwrap().into(),
        };
        let wire = CalculationResultOneof::TimeseriesResults(ReadTimeseriesResponse {
            timeseries: vec![series],
        });
        let result = CalcResult::from_wire(Some(wire)).unwrap();
        assert_eq!(result.len(), 1);
        let one = result.into_series().unwrap();
        assert_eq!(one.resolution, Resolution::Hour);
        assert_eq!(one.points.timestamps(), points.timestamps());
        assert_eq!(one.points.flags(), points.flags());

        let numbers = CalcResult::from_wire(Some(CalculationResultOneof::NumericResults(
            NumericResults { value: vec![41.0] },
        )))
        .unwrap();
        assert_eq!(numbers.clone().into_number().unwrap(), 41.0);
        let e = numbers.into_series().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Server);
        assert!(e.message().contains("got 1 numbers"), "{e}");

        let strings =
            CalcResult::from_wire(Some(CalculationResultOneof::StringResults(StringResults {
                value: vec!["a".into(), "b".into()],
            })))
            .unwrap();
        assert_eq!(strings, CalcResult::Strings(vec!["a".into(), "b".into()]));
        assert_eq!(
            strings.into_series_list().unwrap_err().kind(),
            ErrorKind::Server
        );

        let empty = CalcResult::from_wire(None).unwrap();
        assert_eq!(empty, CalcResult::Empty);
        assert!(empty.is_empty());
        assert_eq!(empty.clone().into_series_list().unwrap(), vec![]);
        assert!(empty
            .into_number()
            .unwrap_err()
            .message()
            .contains("got an answer of no kind"));

        let two = CalcResult::Numbers(vec![1.0, 2.0]);
        assert_eq!(two.into_number().unwrap_err().kind(), ErrorKind::Server);
    }

    #[test]
    fn malformed_series_in_an_answer_is_a_server_error() {
        let wire = CalculationResultOneof::TimeseriesResults(ReadTimeseriesResponse {
            timeseries: vec![Timeseries {
                id: None,
                resolution: None,
                interval: None,
                data: prost::bytes::Bytes::from_static(b"not arrow"),
            }],
        });
        let e = CalcResult::from_wire(Some(wire)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Server);
    }
}
