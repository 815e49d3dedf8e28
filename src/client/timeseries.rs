//! Time series through a session: reading and writing points, addressed by
//! key, path or id, with Mesh's Arrow IPC stream as the wire form.
//!
//! Mesh takes at most 4 MB per request and clients receive 4 MB by default,
//! while users read and write millions of points in one call. So writes go
//! out in chunks whose intervals together replace exactly the interval asked
//! for, and a read whose answer is over the receive limit is split by time
//! into as many parts as its reported size needs (again where a part still
//! does not fit: points are seldom spread evenly), then merged. Every
//! request goes through the session's `call`, so it counts as activity for
//! keep-alive.
//!
//! What Mesh sends that a reader must expect (see `docs/PROTOCOL.md`):
//! nullable Arrow fields as well as non-null ones, a point at or after the
//! interval end for PIECEWISELINEAR series, NaN values flagged MISSING where
//! a fixed-resolution series has no value, and no interval in the answer to
//! a read that found nothing.

use std::io::Cursor;
use std::ops::Range;
use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, Float64Array, RecordBatch, StructArray, TimestampMillisecondArray, UInt32Array,
};
use arrow_buffer::ScalarBuffer;
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use uuid::Uuid;

use super::auth::MeshChannel;
use super::error::{is_size_limit, Error, ErrorKind, Result};
use super::id::parse_id;
use super::session::Session;
use crate::proto::time_series::timeseries_service_client::TimeseriesServiceClient;
use crate::proto::time_series::{ReadTimeseriesRequest, Timeseries, WriteTimeseriesRequest};
use crate::proto::types::{Guid, MeshId, UtcInterval};

/// Points per write request: 20 bytes a point on the wire, so 3 MB of
/// points, well under Mesh's 4 MB inbound limit with room for the framing.
///
/// cbindgen:ignore
pub const WRITE_CHUNK_POINTS: usize = 150_000;

/// Without an explicit interval a write covers first point to last + 1 s,
/// as the official client does.
const DEFAULT_INTERVAL_TAIL_MS: i64 = 1000;

/// Which time series a call is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeseriesId {
    /// The time series key (of a physical series).
    Key(i64),
    /// The full path, e.g. `Resource/Demo/Inflow`.
    Path(String),
    /// The id of a time series object.
    Id(Uuid),
}

impl TimeseriesId {
    /// An id from its text: canonical form in any case, or braced.
    pub fn parse_id(text: &str) -> Result<TimeseriesId> {
        parse_id(text, "time series id").map(TimeseriesId::Id)
    }

    pub(crate) fn to_mesh_id(&self) -> MeshId {
        match self {
            TimeseriesId::Key(key) => MeshId {
                timeseries_key: Some(*key),
                ..MeshId::default()
            },
            TimeseriesId::Path(path) => MeshId {
                path: Some(path.clone()),
                ..MeshId::default()
            },
            TimeseriesId::Id(id) => MeshId {
                id: Some(super::id::to_guid(*id)),
                ..MeshId::default()
            },
        }
    }
}

/// Points of a time series: three columns of equal length. The columns are
/// Arrow buffers, so they are shared, not copied, when points are sliced or
/// exported.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Points {
    timestamps: ScalarBuffer<i64>,
    flags: ScalarBuffer<u32>,
    values: ScalarBuffer<f64>,
}

/// The Mesh time series schema: `utc_time` `timestamp[ms]` without time zone,
/// `flags` uint32, `value` float64, each field nullable as Mesh and its
/// official client declare them (the columns never hold nulls).
pub fn points_schema() -> SchemaRef {
    Arc::new(Schema::new(points_fields()))
}

fn points_fields() -> Fields {
    Fields::from(vec![
        Field::new(
            "utc_time",
            DataType::Timestamp(TimeUnit::Millisecond, None),
            true,
        ),
        Field::new("flags", DataType::UInt32, true),
        Field::new("value", DataType::Float64, true),
    ])
}

impl Points {
    /// Points from three columns, which must have the same length.
    pub fn new(timestamps: Vec<i64>, flags: Vec<u32>, values: Vec<f64>) -> Result<Points> {
        if timestamps.len() != flags.len() || timestamps.len() != values.len() {
            return Err(Error::invalid_argument(format!(
                "columns differ in length: {} timestamps, {} flags, {} values",
                timestamps.len(),
                flags.len(),
                values.len()
            )));
        }
        Ok(Points {
            timestamps: timestamps.into(),
            flags: flags.into(),
            values: values.into(),
        })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.timestamps.len()
    }

    /// True when there are no points.
    pub fn is_empty(&self) -> bool {
        self.timestamps.is_empty()
    }

    /// Times in ms since the Unix epoch, UTC.
    pub fn timestamps(&self) -> &[i64] {
        &self.timestamps
    }

    /// Flags (`OK` = 0, `MISSING` = 0x04000000, ...).
    pub fn flags(&self) -> &[u32] {
        &self.flags
    }

    /// Values.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The points before `time`, sharing the buffers.
    fn before(&self, time: i64) -> Points {
        self.slice(0..self.timestamps.partition_point(|&t| t < time))
    }

    /// Points `range`, sharing the buffers.
    fn slice(&self, range: Range<usize>) -> Points {
        let (offset, len) = (range.start, range.len());
        Points {
            timestamps: self.timestamps.slice(offset, len),
            flags: self.flags.slice(offset, len),
            values: self.values.slice(offset, len),
        }
    }

    /// Concatenates parts in order; one part is taken as it is.
    fn concat(mut parts: Vec<Points>) -> Points {
        match parts.len() {
            0 => return Points::default(),
            1 => return parts.swap_remove(0),
            _ => {}
        }
        let n = parts.iter().map(Points::len).sum();
        let mut t = Vec::with_capacity(n);
        let mut f = Vec::with_capacity(n);
        let mut v = Vec::with_capacity(n);
        for p in &parts {
            t.extend_from_slice(p.timestamps());
            f.extend_from_slice(p.flags());
            v.extend_from_slice(p.values());
        }
        Points {
            timestamps: t.into(),
            flags: f.into(),
            values: v.into(),
        }
    }

    fn columns(&self) -> Vec<ArrayRef> {
        vec![
            Arc::new(TimestampMillisecondArray::new(
                self.timestamps.clone(),
                None,
            )),
            Arc::new(UInt32Array::new(self.flags.clone(), None)),
            Arc::new(Float64Array::new(self.values.clone(), None)),
        ]
    }

    /// The points as one Arrow record batch with the Mesh schema, sharing
    /// the buffers.
    pub fn to_record_batch(&self) -> Result<RecordBatch> {
        RecordBatch::try_new(points_schema(), self.columns())
            .map_err(|e| Error::new(ErrorKind::Internal, format!("building a batch: {e}")))
    }

    /// The points as an Arrow struct array of the three columns, sharing the
    /// buffers (for the Arrow C Data Interface).
    pub fn to_struct_array(&self) -> Result<StructArray> {
        StructArray::try_new(points_fields(), self.columns(), None)
            .map_err(|e| Error::new(ErrorKind::Internal, format!("building a struct array: {e}")))
    }

    /// The points as an Arrow IPC stream (one batch), as Mesh takes them.
    pub fn to_arrow_stream(&self) -> Result<Vec<u8>> {
        let batch = self.to_record_batch()?;
        let fail = |e: arrow_schema::ArrowError| {
            Error::new(ErrorKind::Internal, format!("writing an Arrow stream: {e}"))
        };
        let schema = points_schema();
        let mut writer =
            arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &schema).map_err(fail)?;
        writer.write(&batch).map_err(fail)?;
        writer.into_inner().map_err(fail)
    }

    /// Points from an Arrow IPC stream with the Mesh schema, its fields
    /// nullable or not; zero bytes are no points, as in Mesh's own deletes.
    /// Anything else (not a stream, other columns or types, nulls) is an
    /// error of kind `Server`, never a panic.
    pub fn from_arrow_stream(data: &[u8]) -> Result<Points> {
        if data.is_empty() {
            return Ok(Points::default());
        }
        // arrow-ipc is meant not to panic on bad input; a server's bytes
        // must not be able to take the host down if it ever does.
        std::panic::catch_unwind(|| decode(data))
            .unwrap_or_else(|_| Err("the decoder panicked".to_string()))
            .map_err(|detail| {
                Error::new(
                    ErrorKind::Server,
                    format!("malformed Arrow stream of points: {detail}"),
                )
            })
    }
}

fn decode(data: &[u8]) -> std::result::Result<Points, String> {
    let reader = arrow_ipc::reader::StreamReader::try_new(Cursor::new(data), None)
        .map_err(|e| e.to_string())?;
    let schema = reader.schema();
    let index = |name: &str, ok: &dyn Fn(&DataType) -> bool| {
        let (i, field) = schema
            .column_with_name(name)
            .ok_or_else(|| format!("no column {name:?}"))?;
        if ok(field.data_type()) {
            Ok(i)
        } else {
            Err(format!("column {name:?} is {}", field.data_type()))
        }
    };
    // Any time zone is still UTC milliseconds.
    let t = index("utc_time", &|d| {
        matches!(d, DataType::Timestamp(TimeUnit::Millisecond, _))
    })?;
    let f = index("flags", &|d| *d == DataType::UInt32)?;
    let v = index("value", &|d| *d == DataType::Float64)?;
    let mut parts = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| e.to_string())?;
        let column = |i: usize| {
            let c = batch.column(i);
            if c.null_count() > 0 {
                return Err(format!("nulls in column {:?}", schema.field(i).name()));
            }
            Ok(c)
        };
        let downcast = |what: &str| format!("column {what} has an unexpected array type");
        let times = column(t)?
            .as_any()
            .downcast_ref::<TimestampMillisecondArray>()
            .ok_or_else(|| downcast("utc_time"))?;
        let flags = column(f)?
            .as_any()
            .downcast_ref::<UInt32Array>()
            .ok_or_else(|| downcast("flags"))?;
        let values = column(v)?
            .as_any()
            .downcast_ref::<Float64Array>()
            .ok_or_else(|| downcast("value"))?;
        parts.push(Points {
            timestamps: times.values().clone(),
            flags: flags.values().clone(),
            values: values.values().clone(),
        });
    }
    Ok(Points::concat(parts))
}

pub(crate) fn timestamp(ms: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    }
}

pub(crate) fn interval(start_ms: i64, end_ms: i64) -> UtcInterval {
    UtcInterval {
        start_time: Some(timestamp(start_ms)),
        end_time: Some(timestamp(end_ms)),
    }
}

fn check_interval(start_ms: i64, end_ms: i64) -> Result<()> {
    if end_ms < start_ms {
        return Err(Error::invalid_argument(format!(
            "bad interval: end {end_ms} is before start {start_ms}"
        )));
    }
    Ok(())
}

/// How many parts an answer over the receive limit needs, from tonic's
/// "found N bytes" (aiming at 3/4 of the limit), or 2 when it does not say.
fn parts_needed(message: &str, limit: usize) -> i64 {
    let found = message
        .split("found ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<u64>().ok());
    match found {
        Some(size) => {
            let target = (limit as u64 / 4 * 3).max(1);
            i64::try_from(size.div_ceil(target)).unwrap_or(i64::MAX)
        }
        None => 2,
    }
}

/// A size-limit failure that splitting the request can cure.
fn over_size_limit(e: &Error) -> bool {
    e.kind() == ErrorKind::ResourceExhausted && is_size_limit(e.message())
}

impl Session {
    pub(super) fn timeseries_client(
        &self,
        channel: MeshChannel,
    ) -> TimeseriesServiceClient<MeshChannel> {
        TimeseriesServiceClient::new(channel)
            .max_decoding_message_size(self.shared().options().max_receive_message_bytes)
            .max_encoding_message_size(usize::MAX)
    }

    /// The points of a time series in `[start_ms, end_ms)` (ms since the
    /// Unix epoch, UTC), as this session sees them: its own uncommitted
    /// writes over committed data. For a PIECEWISELINEAR series Mesh adds
    /// the first point at or after `end_ms`, which is kept. An answer over
    /// the receive limit is read in parts split by time and merged; a part
    /// of one millisecond still over it gives `ResourceExhausted`.
    pub async fn read_timeseries(
        &self,
        id: &TimeseriesId,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Points> {
        check_interval(start_ms, end_ms)?;
        // Intervals still to read, the earliest last.
        let mut todo = vec![(start_ms, end_ms)];
        let mut parts = Vec::new();
        while let Some((start, end)) = todo.pop() {
            match self.read_once(id, start, end).await {
                // A part's points at or after its end (the trailing point
                // of a linear series) belong to the next part, which reads
                // them itself; only the last part keeps its trailing point.
                Ok(points) if end < end_ms => parts.push(points.before(end)),
                Ok(points) => parts.push(points),
                Err(e) if over_size_limit(&e) && end - start > 1 => {
                    let limit = self.shared().options().max_receive_message_bytes;
                    let parts = parts_needed(e.message(), limit).clamp(2, end - start);
                    // Equal parts of time; a part still too large (points
                    // are seldom spread evenly) is split again.
                    let width = end - start;
                    let bound = |i: i64| start + ((width as i128 * i as i128) / parts as i128) as i64;
                    for i in (0..parts).rev() {
                        todo.push((bound(i), bound(i + 1)));
                    }
                }
                Err(e) if over_size_limit(&e) => {
                    return Err(Error::new(
                        ErrorKind::ResourceExhausted,
                        format!(
                            "{} (cannot split further: one millisecond's answer is over the receive limit of {} bytes)",
                            e.message(),
                            self.shared().options().max_receive_message_bytes
                        ),
                    )
                    .with_code(e.grpc_code()))
                }
                Err(e) => return Err(e),
            }
        }
        Ok(Points::concat(parts))
    }

    async fn read_once(&self, id: &TimeseriesId, start: i64, end: i64) -> Result<Points> {
        let mesh_id = id.to_mesh_id();
        let response = self
            .shared()
            .call("ReadTimeseries", |channel, guid| {
                let mesh_id = mesh_id.clone();
                async move {
                    self.timeseries_client(channel)
                        .read_timeseries(ReadTimeseriesRequest {
                            session_id: Some(guid),
                            timeseries_id: Some(mesh_id),
                            interval: Some(interval(start, end)),
                        })
                        .await
                }
            })
            .await?;
        let parts = response
            .timeseries
            .iter()
            .map(|ts| Points::from_arrow_stream(&ts.data))
            .collect::<Result<Vec<_>>>()?;
        Ok(Points::concat(parts))
    }

    /// Replaces the points of a time series in `[start_ms, end_ms)` with
    /// `points`, in this session (other sessions see it after commit). Old
    /// points in the interval that `points` do not cover are removed; no
    /// points deletes the interval (as `delete_timeseries`). Points must be in strictly increasing
    /// time order and inside the interval. Writes over Mesh's 4 MB limit go
    /// out in several requests that together replace exactly the interval;
    /// if one of them fails, the earlier ones are written in the session
    /// (roll back to discard them) and the error says how many points that
    /// is ([`Error::points_written`]).
    pub async fn write_timeseries(
        &self,
        id: &TimeseriesId,
        start_ms: i64,
        end_ms: i64,
        points: &Points,
    ) -> Result<()> {
        check_interval(start_ms, end_ms)?;
        let times = points.timestamps();
        if let Some(i) = times.windows(2).position(|w| w[0] >= w[1]) {
            return Err(Error::invalid_argument(format!(
                "timestamps must be strictly increasing: timestamps[{}] = {} is not after timestamps[{i}] = {}",
                i + 1,
                times[i + 1],
                times[i]
            )));
        }
        if let (Some(&first), Some(&last)) = (times.first(), times.last()) {
            if first < start_ms || last >= end_ms {
                return Err(Error::invalid_argument(format!(
                    "points from {first} to {last} are not all inside the interval [{start_ms}, {end_ms})"
                )));
            }
        }
        let n = points.len();
        // Ranges of points still to send, the earliest last. Each covers
        // from its first point (the interval start for the first range) to
        // the next range's first point (the interval end for the last).
        let mut todo: Vec<Range<usize>> = (0..n.max(1))
            .step_by(WRITE_CHUNK_POINTS)
            .map(|a| a..(a + WRITE_CHUNK_POINTS).min(n))
            .rev()
            .collect();
        let chunked = todo.len() > 1;
        while let Some(range) = todo.pop() {
            let start = if range.start == 0 {
                start_ms
            } else {
                times[range.start]
            };
            let end = if range.end >= n {
                end_ms
            } else {
                times[range.end]
            };
            match self
                .write_once(id, start, end, &points.slice(range.clone()))
                .await
            {
                Ok(()) => {}
                Err(e) if over_size_limit(&e) && range.len() > 1 => {
                    let mid = range.start + range.len() / 2;
                    todo.push(mid..range.end);
                    todo.push(range.start..mid);
                }
                Err(e) => {
                    // Ranges go out in order, so the points written are
                    // those before this one.
                    let several = chunked || range.start > 0 || !todo.is_empty();
                    return Err(if several {
                        e.with_points_written(range.start, n)
                    } else {
                        e
                    });
                }
            }
        }
        Ok(())
    }

    /// Deletes the points of a time series in `[start_ms, end_ms)`, in this
    /// session (other sessions see it after commit). Sent as Mesh's
    /// official client does: a write of zero bytes of points with the
    /// interval. Series of fixed resolution then read as NaN flagged
    /// MISSING over the interval.
    pub async fn delete_timeseries(
        &self,
        id: &TimeseriesId,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<()> {
        self.write_timeseries(id, start_ms, end_ms, &Points::default())
            .await
    }

    /// Writes `points` over first point to last + 1 s, as the official
    /// client does when given no interval. No points write nothing.
    pub async fn write_points(&self, id: &TimeseriesId, points: &Points) -> Result<()> {
        match (points.timestamps().first(), points.timestamps().last()) {
            (Some(&first), Some(&last)) => {
                let end = last.saturating_add(DEFAULT_INTERVAL_TAIL_MS);
                self.write_timeseries(id, first, end, points).await
            }
            _ => Ok(()),
        }
    }

    async fn write_once(
        &self,
        id: &TimeseriesId,
        start: i64,
        end: i64,
        points: &Points,
    ) -> Result<()> {
        // No points travel as no bytes: the form of a delete the official
        // client sends, so the one known to work with Mesh.
        let data = if points.is_empty() {
            prost::bytes::Bytes::new()
        } else {
            prost::bytes::Bytes::from(points.to_arrow_stream()?)
        };
        let mesh_id = id.to_mesh_id();
        self.shared()
            .call("WriteTimeseries", |channel, guid: Guid| {
                let (mesh_id, data) = (mesh_id.clone(), data.clone());
                async move {
                    self.timeseries_client(channel)
                        .write_timeseries(WriteTimeseriesRequest {
                            session_id: Some(guid),
                            timeseries: Some(Timeseries {
                                id: Some(mesh_id),
                                resolution: None,
                                interval: Some(interval(start, end)),
                                data,
                            }),
                        })
                        .await
                }
            })
            .await
            .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_round_trip_bit_for_bit() {
        let nan = f64::from_bits(0x7ff8_0000_0000_0bad);
        let points = Points::new(
            vec![-1, 0, 1_735_689_600_000],
            vec![0, 0x0400_0000, u32::MAX],
            vec![nan, -0.0, f64::INFINITY],
        )
        .unwrap();
        let back = Points::from_arrow_stream(&points.to_arrow_stream().unwrap()).unwrap();
        assert_eq!(back.timestamps(), points.timestamps());
        assert_eq!(back.flags(), points.flags());
        let bits = |p: &Points| p.values().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back), bits(&points));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let good = Points::new(vec![1, 2], vec![0, 0], vec![1.0, 2.0])
            .unwrap()
            .to_arrow_stream()
            .unwrap();
        let mut inputs: Vec<Vec<u8>> = vec![vec![], vec![0xff; 8], b"not arrow at all".to_vec()];
        for cut in [1, 7, 8, 100, good.len() - 9, good.len() - 1] {
            inputs.push(good[..cut.min(good.len())].to_vec());
        }
        for i in (0..good.len()).step_by(7) {
            let mut flipped = good.clone();
            flipped[i] ^= 0x5a;
            inputs.push(flipped);
        }
        // Random bytes set to random values (a fixed-seed LCG), lengths
        // and counts included: an error or a decoded stream, never an
        // abort on a huge allocation.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        for _ in 0..2000 {
            let mut mutated = good.clone();
            for _ in 0..1 + next() % 4 {
                let i = next() % mutated.len();
                mutated[i] = [0x00, 0xff, 0x7f, 0x80][next() % 4] ^ (next() as u8 & 0x0f);
            }
            inputs.push(mutated);
        }
        for input in inputs {
            if let Err(e) = Points::from_arrow_stream(&input) {
                assert_eq!(e.kind(), ErrorKind::Server);
            }
        }
        // Right types under wrong names are refused too.
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int64, false)]));
        let writer = arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &schema).unwrap();
        let other = writer.into_inner().unwrap();
        let e = Points::from_arrow_stream(&other).unwrap_err();
        assert!(e.message().contains("no column \"utc_time\""), "{e}");
    }

    /// A stream of `points` under a schema whose fields are nullable or not.
    fn stream_with_nullability(points: &Points, nullable: bool) -> Vec<u8> {
        let fields: Vec<Field> = points_fields()
            .iter()
            .map(|f| f.as_ref().clone().with_nullable(nullable))
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let batch = RecordBatch::try_new(schema.clone(), points.columns()).unwrap();
        let mut writer = arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &schema).unwrap();
        writer.write(&batch).unwrap();
        writer.into_inner().unwrap()
    }

    #[test]
    fn nullable_and_non_null_schemas_decode_alike() {
        let points = Points::new(vec![1, 2], vec![0, 0x0400_0000], vec![1.0, f64::NAN]).unwrap();
        for nullable in [true, false] {
            let back = Points::from_arrow_stream(&stream_with_nullability(&points, nullable))
                .unwrap_or_else(|e| panic!("nullable={nullable}: {e}"));
            assert_eq!(back.timestamps(), points.timestamps());
            assert_eq!(back.flags(), points.flags());
            assert!(back.values()[1].is_nan());
        }
        // What the library writes declares the fields nullable, as Mesh does.
        let reader = arrow_ipc::reader::StreamReader::try_new(
            Cursor::new(points.to_arrow_stream().unwrap()),
            None,
        )
        .unwrap();
        assert!(reader.schema().fields().iter().all(|f| f.is_nullable()));
        assert_eq!(reader.schema(), points_schema());
    }

    #[test]
    fn zero_bytes_are_no_points() {
        assert_eq!(Points::from_arrow_stream(&[]).unwrap(), Points::default());
    }

    #[test]
    fn nulls_are_refused() {
        let schema = points_schema();
        let columns: Vec<ArrayRef> = vec![
            Arc::new(TimestampMillisecondArray::from(vec![Some(1), None])),
            Arc::new(UInt32Array::from(vec![0, 0])),
            Arc::new(Float64Array::from(vec![1.0, 2.0])),
        ];
        let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
        let mut writer = arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &schema).unwrap();
        writer.write(&batch).unwrap();
        let e = Points::from_arrow_stream(&writer.into_inner().unwrap()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Server);
        assert!(e.message().contains("nulls in column \"utc_time\""), "{e}");
    }

    #[test]
    fn points_before_a_time_share_the_buffers() {
        let points = Points::new(vec![10, 20, 30], vec![0; 3], vec![1.0, 2.0, 3.0]).unwrap();
        assert_eq!(points.before(20).timestamps(), [10]);
        assert_eq!(points.before(21).timestamps(), [10, 20]);
        assert_eq!(points.before(10).len(), 0);
        assert_eq!(points.before(i64::MAX), points);
        assert_eq!(
            points.before(30).values().as_ptr(),
            points.values().as_ptr()
        );
    }

    #[test]
    fn parts_follow_the_size_tonic_reports() {
        let m = "Error, decoded message length too large: found 20000000 bytes, the limit is: 4194304 bytes";
        assert_eq!(parts_needed(m, 4_194_304), 7);
        assert_eq!(parts_needed("too large", 4_194_304), 2);
        assert_eq!(parts_needed(m, 0), 20_000_000);
    }

    #[test]
    fn ids_parse_in_both_forms() {
        let id = "123e4567-e89b-12d3-a456-556642440000";
        let braced = format!("{{{}}}", id.to_uppercase());
        assert_eq!(
            TimeseriesId::parse_id(id).unwrap(),
            TimeseriesId::parse_id(&braced).unwrap()
        );
        let e = TimeseriesId::parse_id("nope").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.message().contains("time series id"));
    }
}
