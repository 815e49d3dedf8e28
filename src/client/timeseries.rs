//! Time series through a session: reading and writing points, addressed by
//! key, path or id, with Mesh's Arrow IPC stream as the wire form (its codec
//! is in `points`).
//!
//! Mesh takes at most 4 MB per request and clients receive 4 MB by default,
//! while users read and write millions of points in one call. So writes go
//! out in chunks whose intervals together replace exactly the interval asked
//! for, and a read whose answer is over the receive limit is split by time
//! into as many parts as its reported size needs (again where a part still
//! does not fit: points are seldom spread evenly), a few in flight at once,
//! and appended in order as they come. Every
//! request goes through the session's `call`, so it counts as activity for
//! keep-alive.
//!
//! What Mesh sends that a reader must expect (see `docs/PROTOCOL.md`): a
//! point at or after the interval end for PIECEWISELINEAR series, NaN values
//! flagged MISSING where a fixed-resolution series has no value, and no
//! interval in the answer to a read that found nothing.

use std::ops::Range;

use futures_util::stream::{FuturesOrdered, StreamExt as _};

use uuid::Uuid;

use super::auth::MeshChannel;
use super::error::{is_size_limit, Error, ErrorKind, Result};
use super::id::parse_id;
use super::session::Session;
use crate::proto::time_series::timeseries_service_client::TimeseriesServiceClient;
use crate::proto::time_series::{ReadTimeseriesRequest, Timeseries, WriteTimeseriesRequest};
use crate::proto::types::{Guid, MeshId, UtcInterval};

use super::pages::ByteColumn;
use super::points::{Points, PointsBuilder};
use super::{encode, stream};

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

/// Parts of a split read in flight at once: one on the wire (or being
/// encoded by the server) while the client decodes the other, so the wire
/// does not wait on the decoder. More measured no faster on loopback and
/// hold more memory.
const READ_PARTS_IN_FLIGHT: usize = 2;

/// The size of the answer a size-limit failure reports (tonic's "found N
/// bytes"), if it says.
fn found_bytes(message: &str) -> Option<u64> {
    message
        .split("found ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<u64>().ok())
}

/// How many parts an answer over the receive limit needs, from its size
/// (aiming at 3/4 of the limit), or 2 when it is not known.
fn parts_needed(message: &str, limit: usize) -> i64 {
    match found_bytes(message) {
        Some(size) => {
            let target = (limit as u64 / 4 * 3).max(1);
            i64::try_from(size.div_ceil(target)).unwrap_or(i64::MAX)
        }
        None => 2,
    }
}

/// `[start, end)` in `parts` equal parts of time, in order.
fn split(start: i64, end: i64, parts: i64) -> impl Iterator<Item = (i64, i64)> {
    let parts = parts.clamp(2, (end - start).max(2));
    let width = end - start;
    let bound = move |i: i64| start + ((width as i128 * i as i128) / parts as i128) as i64;
    (0..parts).map(move |i| (bound(i), bound(i + 1)))
}

/// The Arrow streams of one `ReadTimeseries` answer, still in the gRPC
/// message's memory: decoded once, into the points' own columns.
struct Answer {
    streams: Vec<prost::bytes::Bytes>,
    /// Only points before this time are kept.
    before: Option<i64>,
}

impl Answer {
    fn before(self, time: i64) -> Answer {
        Answer {
            before: Some(time),
            ..self
        }
    }

    fn parts(&self) -> Vec<(&[u8], Option<i64>)> {
        self.streams.iter().map(|s| (&s[..], self.before)).collect()
    }

    fn points(&self) -> Result<Points> {
        stream::read(&self.parts())
    }

    fn append_to(&self, points: &mut PointsBuilder) -> Result<()> {
        stream::append(points, &self.parts())
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
    /// the receive limit is read in parts split by time (a few in flight at
    /// once) and merged; a part of one millisecond still over it gives
    /// `ResourceExhausted`.
    pub async fn read_timeseries(
        &self,
        id: &TimeseriesId,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Points> {
        check_interval(start_ms, end_ms)?;
        let refused = match self.read_once(id, start_ms, end_ms).await {
            Err(e) if over_size_limit(&e) && end_ms - start_ms > 1 => e,
            Err(e) if over_size_limit(&e) => return Err(self.unsplittable(e)),
            Ok(answer) => return answer.points(),
            Err(e) => return Err(e),
        };
        let limit = self.shared().options().max_receive_message_bytes;
        // The whole answer's size bounds its points: 20 bytes each at least.
        let estimate = found_bytes(refused.message()).map_or(0, |bytes| bytes / 20);
        let mut all = PointsBuilder::with_capacity(usize::try_from(estimate).unwrap_or(0), true);
        let mut parts = split(start_ms, end_ms, parts_needed(refused.message(), limit));
        let mut in_flight = FuturesOrdered::new();
        for (start, end) in parts.by_ref().take(READ_PARTS_IN_FLIGHT) {
            in_flight.push_back(self.read_part(id, start, end, end_ms));
        }
        // In order, each part decoded into the columns and dropped as it
        // comes.
        while let Some(part) = in_flight.next().await {
            for answer in part? {
                answer.append_to(&mut all)?;
            }
            if let Some((start, end)) = parts.next() {
                in_flight.push_back(self.read_part(id, start, end, end_ms));
            }
        }
        Ok(all.finish())
    }

    /// The answers for `[start, end)`, a part of a read ending at `end_ms`,
    /// split again (each piece in turn) where it is still over the receive
    /// limit: points are seldom spread evenly.
    async fn read_part(
        &self,
        id: &TimeseriesId,
        start: i64,
        end: i64,
        end_ms: i64,
    ) -> Result<Vec<Answer>> {
        // Intervals still to read, the earliest last.
        let mut todo = vec![(start, end)];
        let mut pieces = Vec::new();
        while let Some((start, end)) = todo.pop() {
            match self.read_once(id, start, end).await {
                // A piece's points at or after its end (the trailing point
                // of a linear series) belong to the next piece, which reads
                // them itself; only the read's last keeps its trailing point.
                Ok(answer) if end < end_ms => pieces.push(answer.before(end)),
                Ok(answer) => pieces.push(answer),
                Err(e) if over_size_limit(&e) && end - start > 1 => {
                    let limit = self.shared().options().max_receive_message_bytes;
                    let mut again: Vec<_> =
                        split(start, end, parts_needed(e.message(), limit)).collect();
                    again.reverse();
                    todo.extend(again);
                }
                Err(e) if over_size_limit(&e) => return Err(self.unsplittable(e)),
                Err(e) => return Err(e),
            }
        }
        Ok(pieces)
    }

    /// A one-millisecond read still over the receive limit.
    fn unsplittable(&self, e: Error) -> Error {
        Error::new(
            ErrorKind::ResourceExhausted,
            format!(
                "{} (cannot split further: one millisecond's answer is over the receive limit of {} bytes)",
                e.message(),
                self.shared().options().max_receive_message_bytes
            ),
        )
        .with_code(e.grpc_code())
    }

    async fn read_once(&self, id: &TimeseriesId, start: i64, end: i64) -> Result<Answer> {
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
        Ok(Answer {
            streams: response.timeseries.into_iter().map(|ts| ts.data).collect(),
            before: None,
        })
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
        let write = PreparedWrite::new(
            start_ms,
            end_ms,
            points.timestamps(),
            Some(points.flags()),
            points.values(),
        )?;
        self.write_prepared(id, write).await
    }

    /// Sends a write checked and encoded by [`PreparedWrite::new`], as
    /// [`write_timeseries`](Self::write_timeseries) does.
    pub async fn write_prepared(&self, id: &TimeseriesId, write: PreparedWrite) -> Result<()> {
        let total = write.points;
        // Chunks still to send, the earliest last.
        let mut todo = write.chunks;
        todo.reverse();
        let chunked = todo.len() > 1;
        while let Some(chunk) = todo.pop() {
            match self
                .write_once(id, chunk.start, chunk.end, chunk.data.clone())
                .await
            {
                Ok(()) => {}
                Err(e) if over_size_limit(&e) && chunk.count > 1 => {
                    let (first, second) = chunk.halves()?;
                    todo.push(second);
                    todo.push(first);
                }
                Err(e) => {
                    // Chunks go out in order, so the points written are
                    // those before this one.
                    let several = chunked || chunk.first > 0 || !todo.is_empty();
                    return Err(if several {
                        e.with_points_written(chunk.first, total)
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
        data: prost::bytes::Bytes,
    ) -> Result<()> {
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

/// A write checked and in its wire form, ready to send: its points in
/// chunks of at most [`WRITE_CHUNK_POINTS`], each an Arrow stream with the
/// interval it replaces. Made before anything is sent, so the arrays it was
/// made from are no longer needed.
#[derive(Debug)]
pub struct PreparedWrite {
    chunks: Vec<Chunk>,
    points: usize,
}

/// Points `first..first + count` of a write, the interval they replace,
/// and their Arrow stream (no bytes for no points: the form of a delete
/// the official client sends, so the one known to work with Mesh).
#[derive(Debug)]
struct Chunk {
    first: usize,
    count: usize,
    start: i64,
    end: i64,
    data: prost::bytes::Bytes,
}

impl PreparedWrite {
    /// Checks a write of the points in `times`, `flags` (all 0 where
    /// `None`) and `values` over `[start_ms, end_ms)` and encodes it: the
    /// columns of equal length, the timestamps strictly increasing and
    /// inside the interval.
    pub fn new(
        start_ms: i64,
        end_ms: i64,
        times: &[i64],
        flags: Option<&[u32]>,
        values: &[f64],
    ) -> Result<PreparedWrite> {
        check_interval(start_ms, end_ms)?;
        let n = times.len();
        if values.len() != n || flags.is_some_and(|f| f.len() != n) {
            return Err(Error::invalid_argument(format!(
                "columns of different lengths: {n} timestamps, {} flags, {} values",
                flags.map_or(n, <[u32]>::len),
                values.len()
            )));
        }
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
        // Each chunk covers from its first point (the interval start for the
        // first chunk) to the next chunk's first point (the interval end for
        // the last).
        let ranges: Vec<Range<usize>> = (0..n.max(1))
            .step_by(WRITE_CHUNK_POINTS)
            .map(|a| a..(a + WRITE_CHUNK_POINTS).min(n))
            .collect();
        let bounds = |range: &Range<usize>| {
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
            (start, end)
        };
        if n == 0 {
            let (start, end) = bounds(&(0..0));
            let chunks = vec![Chunk::encode(0..0, start, end, times, flags, values)?];
            return Ok(PreparedWrite { chunks, points: 0 });
        }
        // All chunks' streams in one piece of memory (in huge pages where
        // large: a write of a million points is 20 MB that would otherwise
        // be touched a 4 KiB page at a time), each chunk a slice of it.
        let batches = ranges
            .iter()
            .map(|range| encode::BatchMetadata::new(range.len()))
            .collect::<Result<Vec<_>>>()?;
        let lengths = batches
            .iter()
            .map(encode::BatchMetadata::stream_len)
            .collect::<Result<Vec<_>>>()?;
        let mut memory = ByteColumn::with_capacity(lengths.iter().sum());
        for (range, batch) in ranges.iter().zip(&batches) {
            let flags = flags.map(|f| &f[range.clone()]);
            encode::write_stream(
                &mut memory,
                batch,
                &times[range.clone()],
                flags,
                &values[range.clone()],
            )?;
        }
        let memory = prost::bytes::Bytes::from_owner(memory.into_buffer());
        let mut at = 0;
        let chunks = ranges
            .iter()
            .zip(lengths)
            .map(|(range, len)| {
                let (start, end) = bounds(range);
                at += len;
                Chunk {
                    first: range.start,
                    count: range.len(),
                    start,
                    end,
                    data: memory.slice(at - len..at),
                }
            })
            .collect();
        Ok(PreparedWrite { chunks, points: n })
    }
}

impl Chunk {
    fn encode(
        range: Range<usize>,
        start: i64,
        end: i64,
        times: &[i64],
        flags: Option<&[u32]>,
        values: &[f64],
    ) -> Result<Chunk> {
        let data = if range.is_empty() {
            prost::bytes::Bytes::new()
        } else {
            let flags = flags.map(|f| &f[range.clone()]);
            encode::arrow_stream(&times[range.clone()], flags, &values[range.clone()])?.into()
        };
        Ok(Chunk {
            first: range.start,
            count: range.len(),
            start,
            end,
            data,
        })
    }

    /// The chunk as two, for a server that refused it as too large.
    fn halves(&self) -> Result<(Chunk, Chunk)> {
        let points = Points::from_arrow_stream(&self.data)?;
        let (t, f, v) = (points.timestamps(), points.flags(), points.values());
        let mid = t.len() / 2;
        let half = |range: Range<usize>, start: i64, end: i64| {
            let mut chunk = Chunk::encode(range.clone(), start, end, t, Some(f), v)?;
            chunk.first += self.first;
            Ok::<_, Error>(chunk)
        };
        Ok((
            half(0..mid, self.start, t[mid])?,
            half(mid..t.len(), t[mid], self.end)?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_follow_the_size_tonic_reports() {
        let m = "Error, decoded message length too large: found 20000000 bytes, the limit is: 4194304 bytes";
        assert_eq!(parts_needed(m, 4_194_304), 7);
        assert_eq!(parts_needed("too large", 4_194_304), 2);
        assert_eq!(parts_needed(m, 0), 20_000_000);
    }

    #[test]
    fn prepared_writes_chunk_the_interval_and_halve_a_refused_chunk() {
        let n = WRITE_CHUNK_POINTS * 2 + 10;
        let times: Vec<i64> = (0..n as i64).map(|i| 1000 + i * 10).collect();
        let flags: Vec<u32> = (0..n as u32).collect();
        let values: Vec<f64> = (0..n).map(|i| i as f64 / 8.0).collect();
        let end = 1000 + n as i64 * 10 + 5;
        let write = PreparedWrite::new(0, end, &times, Some(&flags), &values).unwrap();
        assert_eq!(write.points, n);
        let c = &write.chunks;
        let firsts: Vec<usize> = c.iter().map(|c| c.first).collect();
        assert_eq!(firsts, [0, WRITE_CHUNK_POINTS, 2 * WRITE_CHUNK_POINTS]);
        // The intervals tile [0, end): each ends where the next starts.
        assert_eq!((c[0].start, c[2].end), (0, end));
        assert_eq!(c[0].end, times[WRITE_CHUNK_POINTS]);
        assert_eq!((c[1].start, c[1].end), (c[0].end, c[2].start));
        for chunk in c {
            let points = Points::from_arrow_stream(&chunk.data).unwrap();
            let range = chunk.first..chunk.first + chunk.count;
            assert_eq!(points.timestamps(), &times[range.clone()]);
            assert_eq!(points.flags(), &flags[range.clone()]);
            assert_eq!(points.values(), &values[range]);
        }
        let (a, b) = c[1].halves().unwrap();
        assert_eq!(
            (a.first, a.count),
            (WRITE_CHUNK_POINTS, WRITE_CHUNK_POINTS / 2)
        );
        assert_eq!(
            (b.first, b.count),
            (WRITE_CHUNK_POINTS * 3 / 2, WRITE_CHUNK_POINTS / 2)
        );
        assert_eq!(
            (a.start, a.end, b.start, b.end),
            (c[1].start, times[b.first], times[b.first], c[1].end)
        );
        let second = Points::from_arrow_stream(&b.data).unwrap();
        assert_eq!(second.timestamps(), &times[b.first..b.first + b.count]);

        // No flags are zeros; no points are one empty request over the interval.
        let zeros = PreparedWrite::new(0, 10, &[1, 2], None, &[0.5, 1.5]).unwrap();
        let points = Points::from_arrow_stream(&zeros.chunks[0].data).unwrap();
        assert_eq!(points.flags(), &[0, 0]);
        let delete = PreparedWrite::new(5, 9, &[], None, &[]).unwrap();
        assert_eq!(delete.chunks.len(), 1);
        let only = &delete.chunks[0];
        assert_eq!(
            (only.start, only.end, only.count, only.data.len()),
            (5, 9, 0, 0)
        );
    }

    #[test]
    fn prepared_writes_refuse_what_mesh_would() {
        let e = PreparedWrite::new(0, 10, &[1, 2], Some(&[0]), &[1.0, 2.0]).unwrap_err();
        assert!(e.message().contains("different lengths"), "{e}");
        let e = PreparedWrite::new(0, 10, &[2, 2], None, &[1.0, 2.0]).unwrap_err();
        assert!(
            e.message()
                .contains("timestamps[1] = 2 is not after timestamps[0] = 2"),
            "{e}"
        );
        let e = PreparedWrite::new(0, 10, &[2, 10], None, &[1.0, 2.0]).unwrap_err();
        assert!(e.message().contains("not all inside"), "{e}");
        assert!(PreparedWrite::new(10, 0, &[], None, &[]).is_err());
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
