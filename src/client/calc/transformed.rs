//! Transformed reads (`TimeseriesService.ReadTransformedTimeseries`):
//! stored series read at another resolution, several in one request, the
//! answers streamed back in the order asked.

use super::super::catalog::Resolution;
use super::super::error::{Error, ErrorKind, Result};
use super::super::session::Session;
use super::super::timeseries::{interval, TimeseriesId};
use super::expression::{target_resolution_name, TransformMethod, TransformZone};
use super::{check_interval, CalcSeries};
use crate::proto::time_series::{
    ReadTimeseriesResponse, ReadTransformedTimeseriesRequest,
    ReadTransformedTimeseriesSingleRequest,
};
use crate::proto::types::Resolution as WireResolution;

/// One series to read transformed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransformedRead {
    /// The series, by key, path or id (a time series attribute's path or
    /// id too).
    pub id: TimeseriesId,
    /// Start of the interval, ms since the Unix epoch, UTC.
    pub start_ms: i64,
    /// End of the interval (exclusive).
    pub end_ms: i64,
    /// The resolution to read at: a fixed one, MIN to YEAR.
    pub resolution: Resolution,
    /// How values are combined or spread.
    pub method: TransformMethod,
    /// The zone whose days, weeks, months and years count; `None` for the
    /// server's default (UTC).
    pub zone: Option<TransformZone>,
}

impl TransformedRead {
    fn to_wire(&self) -> Result<ReadTransformedTimeseriesSingleRequest> {
        check_interval(self.start_ms, self.end_ms)?;
        target_resolution_name(self.resolution)?;
        Ok(ReadTransformedTimeseriesSingleRequest {
            timeseries_id: Some(self.id.to_mesh_id()),
            interval: Some(interval(self.start_ms, self.end_ms)),
            resolution: Some(WireResolution {
                r#type: self.resolution.number(),
            }),
            transformation_method: self.method.number(),
            transformation_timezone: self.zone.map_or(0, TransformZone::number),
        })
    }
}

/// Reads a server stream to its end.
async fn collect<T>(
    response: std::result::Result<tonic::Response<tonic::Streaming<T>>, tonic::Status>,
) -> std::result::Result<tonic::Response<Vec<T>>, tonic::Status> {
    let mut stream = response?.into_inner();
    let mut items = Vec::new();
    while let Some(item) = stream.message().await? {
        items.push(item);
    }
    Ok(tonic::Response::new(items))
}

impl Session {
    /// Reads each of `reads` transformed to its resolution, in this session
    /// (its uncommitted writes included), in one request; the series come
    /// back in the order of `reads`. Every read is checked before anything
    /// is sent: a bad interval or a resolution that is not fixed gives
    /// `InvalidArgument`. No reads send nothing. An answer over the receive
    /// limit fails with `ResourceExhausted`.
    pub async fn read_transformed_timeseries(
        &self,
        reads: &[TransformedRead],
    ) -> Result<Vec<CalcSeries>> {
        if reads.is_empty() {
            return Ok(Vec::new());
        }
        let requests = reads
            .iter()
            .enumerate()
            .map(|(i, r)| {
                r.to_wire().map_err(|e| {
                    Error::new(e.kind(), format!("read {i} ({:?}): {}", r.id, e.message()))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let answers: Vec<ReadTimeseriesResponse> = self
            .shared()
            .call("ReadTransformedTimeseries", |channel, guid| {
                let request = ReadTransformedTimeseriesRequest {
                    session_id: Some(guid),
                    requests: requests.clone(),
                };
                async move {
                    collect(
                        self.timeseries_client(channel)
                            .read_transformed_timeseries(request)
                            .await,
                    )
                    .await
                }
            })
            .await?;
        let series = answers
            .iter()
            .flat_map(|a| a.timeseries.iter())
            .map(CalcSeries::from_wire)
            .collect::<Result<Vec<_>>>()?;
        if series.len() != reads.len() {
            return Err(Error::new(
                ErrorKind::Server,
                format!(
                    "asked for {} transformed series, the server sent {}",
                    reads.len(),
                    series.len()
                ),
            ));
        }
        Ok(series)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(resolution: Resolution, zone: Option<TransformZone>) -> TransformedRead {
        TransformedRead {
            id: TimeseriesId::Key(3),
            start_ms: 0,
            end_ms: 86_400_000,
            resolution,
            method: TransformMethod::AvgI,
            zone,
        }
    }

    #[test]
    fn a_read_goes_out_with_meshs_numbers() {
        let wire = read(Resolution::Day, None).to_wire().unwrap();
        assert_eq!(wire.timeseries_id.unwrap().timeseries_key, Some(3));
        assert_eq!(wire.resolution.unwrap().r#type, 4);
        assert_eq!(wire.transformation_method, 5);
        assert_eq!(wire.transformation_timezone, 0);
        let wire = read(Resolution::Min15, Some(TransformZone::Standard))
            .to_wire()
            .unwrap();
        assert_eq!(wire.resolution.unwrap().r#type, 2);
        assert_eq!(wire.transformation_timezone, 3);
    }

    #[test]
    fn reads_mesh_cannot_do_are_refused() {
        for resolution in [
            Resolution::Breakpoint,
            Resolution::Unspecified,
            Resolution::Undefined,
        ] {
            let e = read(resolution, None).to_wire().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        }
        let mut backwards = read(Resolution::Day, None);
        backwards.end_ms = -1;
        assert_eq!(
            backwards.to_wire().unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
    }
}
