//! Mesh's Arrow IPC stream read straight into the columns of a read: each
//! column's bytes are copied once, from the gRPC message to where the
//! caller's points live (the general Arrow reader copies into memory of its
//! own, which a split read then copied again into its result), with no
//! Arrow reader, schema or arrays made on the way. This path takes the streams Mesh writes:
//! little-endian, the three columns of the points schema and nothing else,
//! no compression, no dictionaries. Any other stream goes to the general
//! reader (`Points::from_arrow_stream_general`), which takes all valid
//! streams and refuses nulls; both refuse malformed input with errors of
//! kind `Server`.

use arrow_ipc::{MessageHeader, MetadataVersion};
use arrow_schema::{DataType, TimeUnit};

use super::error::{Error, ErrorKind, Result};
use super::points::{Points, PointsBuilder};

/// Points of these Arrow streams, each appended in order, keeping of each
/// the points before its limit (all where `None`), in columns of exactly
/// their size.
pub(super) fn read(streams: &[(&[u8], Option<i64>)]) -> Result<Points> {
    let plans = streams
        .iter()
        .map(|&(data, before)| Plan::new(data, before))
        .collect::<Result<Vec<_>>>()?;
    let mut points = PointsBuilder::with_capacity(plans.iter().map(Plan::rows).sum(), true);
    for plan in &plans {
        plan.append_to(&mut points);
    }
    Ok(points.finish())
}

/// Appends the points of these Arrow streams to `points`, as `read`.
pub(super) fn append(points: &mut PointsBuilder, streams: &[(&[u8], Option<i64>)]) -> Result<()> {
    for &(data, before) in streams {
        Plan::new(data, before)?.append_to(points);
    }
    Ok(())
}

/// How one stream goes into the columns: its batches' columns as byte
/// slices of the message, or, for a stream this path does not take, the
/// points the general reader decoded.
enum Plan<'a> {
    Direct(Vec<Batch<'a>>),
    Decoded(Points),
}

/// The value bytes of one record batch's three columns, of `rows` points.
struct Batch<'a> {
    rows: usize,
    times: &'a [u8],
    flags: &'a [u8],
    values: &'a [u8],
}

impl<'a> Plan<'a> {
    fn new(data: &'a [u8], before: Option<i64>) -> Result<Plan<'a>> {
        let batches = match direct(data) {
            Some(batches) => batches.map_err(malformed)?,
            None => {
                let points = Points::from_arrow_stream_general(data)?;
                return Ok(Plan::Decoded(match before {
                    Some(time) => points.before(time),
                    None => points,
                }));
            }
        };
        let Some(limit) = before else {
            return Ok(Plan::Direct(batches));
        };
        // Timestamps increase through the stream: keep the points before
        // the limit, batches after it not at all.
        let mut kept = Vec::with_capacity(batches.len());
        for b in batches {
            let rows = partition_point(b.times, b.rows, limit);
            kept.push(Batch {
                rows,
                times: &b.times[..rows * 8],
                flags: &b.flags[..rows * 4],
                values: &b.values[..rows * 8],
            });
            if rows < b.rows {
                break;
            }
        }
        Ok(Plan::Direct(kept))
    }

    fn rows(&self) -> usize {
        match self {
            Plan::Direct(batches) => batches.iter().map(|b| b.rows).sum(),
            Plan::Decoded(points) => points.len(),
        }
    }

    fn append_to(&self, points: &mut PointsBuilder) {
        match self {
            Plan::Direct(batches) => {
                for b in batches {
                    points.append_le_bytes(b.times, b.flags, b.values);
                }
            }
            Plan::Decoded(decoded) => points.append(decoded),
        }
    }
}

fn malformed(detail: String) -> Error {
    Error::new(
        ErrorKind::Server,
        format!("malformed Arrow stream of points: {detail}"),
    )
}

/// The first of `rows` little-endian timestamps at or after `limit`.
fn partition_point(times: &[u8], rows: usize, limit: i64) -> usize {
    let at = |i: usize| i64::from_le_bytes(times[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
    let (mut low, mut high) = (0, rows);
    while low < high {
        let mid = low + (high - low) / 2;
        if at(mid) < limit {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low
}

/// The batches of a stream this path takes (an error where it is
/// malformed), or `None` for the general reader.
fn direct(data: &[u8]) -> Option<std::result::Result<Vec<Batch<'_>>, String>> {
    if cfg!(target_endian = "big") || data.is_empty() {
        return None;
    }
    let mut messages = Messages { rest: data };
    let columns = match messages.next()? {
        Ok((message, _)) => schema_columns(&message)?,
        Err(e) => return Some(Err(e)),
    };
    let mut batches = Vec::new();
    for message in messages {
        let (message, body) = match message {
            Ok(m) => m,
            Err(e) => return Some(Err(e)),
        };
        if message.header_type() != MessageHeader::RecordBatch {
            return None;
        }
        match batch(&message, body, &columns)? {
            Ok(b) => batches.push(b),
            Err(e) => return Some(Err(e)),
        }
    }
    Some(Ok(batches))
}

/// Where the time, flags and value columns are in a schema of those three
/// columns alone, each of its type (any time zone); `None` for any other.
fn schema_columns(message: &arrow_ipc::Message<'_>) -> Option<[usize; 3]> {
    let schema = message.header_as_schema()?;
    if schema.endianness() != arrow_ipc::Endianness::Little
        || message.version() < MetadataVersion::V4
    {
        return None;
    }
    let fields = schema.fields()?;
    if fields.len() != 3 || fields.iter().any(|f| f.dictionary().is_some()) {
        return None;
    }
    // The general reader's conversion gives names and types; a schema it
    // cannot convert goes to the general reader, which says why.
    let schema = arrow_ipc::convert::try_fb_to_schema(schema).ok()?;
    let find = |name: &str, ok: &dyn Fn(&DataType) -> bool| {
        let (i, field) = schema.column_with_name(name)?;
        ok(field.data_type()).then_some(i)
    };
    Some([
        find("utc_time", &|d| {
            matches!(d, DataType::Timestamp(TimeUnit::Millisecond, _))
        })?,
        find("flags", &|d| *d == DataType::UInt32)?,
        find("value", &|d| *d == DataType::Float64)?,
    ])
}

/// One record batch's columns; `None` for a batch this path does not take
/// (compressed, or not of two buffers a column).
fn batch<'a>(
    message: &arrow_ipc::Message<'_>,
    body: &'a [u8],
    columns: &[usize; 3],
) -> Option<std::result::Result<Batch<'a>, String>> {
    let header = message.header_as_record_batch()?;
    if header.compression().is_some() {
        return None;
    }
    let (nodes, buffers) = (header.nodes()?, header.buffers()?);
    if nodes.len() != 3 || buffers.len() != 6 {
        return None;
    }
    let Ok(rows) = usize::try_from(header.length()) else {
        return Some(Err(format!("a batch of {} rows", header.length())));
    };
    let inside = |b: &arrow_ipc::Buffer| {
        let start = usize::try_from(b.offset()).ok()?;
        let end = start.checked_add(usize::try_from(b.length()).ok()?)?;
        (end <= body.len()).then_some(start..end)
    };
    if buffers.iter().any(|b| inside(b).is_none()) {
        return Some(Err("a buffer is outside its batch".into()));
    }
    let names = ["utc_time", "flags", "value"];
    let mut slices = [&body[..0]; 3];
    for (k, (&i, width)) in columns.iter().zip([8, 4, 8]).enumerate() {
        let node = nodes.get(i);
        // Nulls (Mesh sends none) are for the general reader, which reads
        // the validity bits and refuses the stream if any value is null.
        if node.null_count() != 0 {
            return None;
        }
        if node.length() != header.length() {
            return Some(Err(format!(
                "column {:?} is not of the batch's length",
                names[k]
            )));
        }
        let values = inside(buffers.get(2 * i + 1)).expect("checked above");
        match rows.checked_mul(width) {
            Some(bytes) if bytes <= values.len() => {
                slices[k] = &body[values.start..values.start + bytes];
            }
            _ => {
                return Some(Err(format!(
                    "column {:?} is shorter than its batch",
                    names[k]
                )))
            }
        }
    }
    let [times, flags, values] = slices;
    Some(Ok(Batch {
        rows,
        times,
        flags,
        values,
    }))
}

/// The messages of an Arrow IPC stream, each with its body, up to the end
/// marker or the end of the bytes.
struct Messages<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Messages<'a> {
    type Item = std::result::Result<(arrow_ipc::Message<'a>, &'a [u8]), String>;

    fn next(&mut self) -> Option<Self::Item> {
        let word = |b: &[u8]| {
            b.get(..4)
                .map(|w| u32::from_le_bytes(w.try_into().expect("4")))
        };
        let mut rest = self.rest;
        let mut fail = |e: String| {
            self.rest = &[];
            Some(Err(e))
        };
        // A continuation marker, then the metadata's size (streams before
        // Arrow 0.15 have the size alone). Bytes that end before a whole
        // first word end the stream, as in Arrow's own reader.
        let Some(mut size) = word(rest) else {
            self.rest = &[];
            return None;
        };
        if size == u32::MAX {
            rest = &rest[4..];
            match word(rest) {
                Some(s) => size = s,
                None => return fail("a message's size is cut short".into()),
            }
        }
        if size == 0 {
            self.rest = &[];
            return None;
        }
        let size = size as usize;
        let Some(metadata) = rest.get(4..4 + size) else {
            return fail("a message is cut short".into());
        };
        let message = match arrow_ipc::root_as_message(metadata) {
            Ok(m) => m,
            Err(e) => return fail(format!("a message's metadata: {e}")),
        };
        let body_len = usize::try_from(message.bodyLength()).unwrap_or(usize::MAX);
        let Some(body) = 4usize
            .checked_add(size)
            .and_then(|from| Some((from, from.checked_add(body_len)?)))
            .and_then(|(from, to)| rest.get(from..to))
        else {
            return fail("a message's body is cut short".into());
        };
        self.rest = &rest[4 + size + body_len..];
        Some(Ok((message, body)))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Float64Array, RecordBatch, TimestampMillisecondArray, UInt32Array};
    use arrow_schema::{Field, Schema};

    use super::*;
    use crate::client::points_schema;

    fn points(times: std::ops::Range<i64>) -> Points {
        let n = times.end - times.start;
        Points::new(
            times.collect(),
            (0..n as u32).collect(),
            (0..n).map(|i| i as f64 / 4.0).collect(),
        )
        .unwrap()
    }

    /// One stream of several batches, under `schema` (Mesh's, or with a
    /// column more).
    fn stream(batches: &[Points], extra: bool) -> Vec<u8> {
        let mut fields: Vec<Field> = points_schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        if extra {
            fields.insert(1, Field::new("note", DataType::UInt32, true));
        }
        let schema = Arc::new(Schema::new(fields));
        let mut writer = arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &schema).unwrap();
        for p in batches {
            let mut columns: Vec<arrow_array::ArrayRef> = vec![
                Arc::new(TimestampMillisecondArray::from(p.timestamps().to_vec())),
                Arc::new(UInt32Array::from(p.flags().to_vec())),
                Arc::new(Float64Array::from(p.values().to_vec())),
            ];
            if extra {
                columns.insert(1, Arc::new(UInt32Array::from(vec![7; p.len()])));
            }
            writer
                .write(&RecordBatch::try_new(schema.clone(), columns).unwrap())
                .unwrap();
        }
        writer.into_inner().unwrap()
    }

    #[test]
    fn mesh_streams_are_read_directly_and_others_by_the_general_reader_alike() {
        let parts = [points(0..5), points(5..9), points(9..20)];
        let mesh = stream(&parts, false);
        let wider = stream(&parts, true);
        assert!(matches!(direct(&mesh), Some(Ok(b)) if b.len() == 3));
        assert!(
            direct(&wider).is_none(),
            "a column more goes to the general reader"
        );
        let whole = Points::concat(parts.to_vec());
        for data in [&mesh, &wider] {
            assert_eq!(read(&[(data, None)]).unwrap(), whole);
            assert_eq!(Points::from_arrow_stream_general(data).unwrap(), whole);
        }
    }

    #[test]
    fn limits_keep_the_points_before_them_across_batches_and_streams() {
        let first = stream(&[points(0..5), points(5..9)], false);
        let second = stream(&[points(20..30)], true);
        let third = stream(&[points(40..45)], false);
        let read = read(&[(&first, Some(7)), (&second, Some(25)), (&third, None)]).unwrap();
        let expected: Vec<i64> = (0..7).chain(20..25).chain(40..45).collect();
        assert_eq!(read.timestamps(), &expected[..]);
        assert_eq!(read.flags()[..7], [0, 1, 2, 3, 4, 0, 1]);

        let mut builder = PointsBuilder::with_capacity(0, false);
        append(&mut builder, &[(&first, Some(0)), (&third, Some(100))]).unwrap();
        assert_eq!(builder.finish().timestamps(), &[40, 41, 42, 43, 44]);
    }

    #[test]
    fn what_the_general_reader_decodes_the_direct_path_decodes_the_same() {
        let good = stream(&[points(0..3), points(3..6)], false);
        // Every cut, and every byte flipped two ways: both readers give
        // the same points, or both an error (of kind Server).
        let mut inputs: Vec<Vec<u8>> = (0..good.len()).map(|cut| good[..cut].to_vec()).collect();
        for i in 0..good.len() {
            for mask in [0x01, 0x80] {
                let mut flipped = good.clone();
                flipped[i] ^= mask;
                inputs.push(flipped);
            }
        }
        let (mut agreed, mut both_failed, mut direct_only) = (0, 0, 0);
        for input in &inputs {
            let general = Points::from_arrow_stream_general(input);
            let direct = read(&[(input, None)]);
            match (&general, &direct) {
                (Ok(g), Ok(d)) => {
                    let bits =
                        |p: &Points| p.values().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                    assert_eq!((g.timestamps(), g.flags()), (d.timestamps(), d.flags()));
                    assert_eq!(bits(g), bits(d));
                    agreed += 1;
                }
                (Err(_), Err(e)) => {
                    assert_eq!(e.kind(), ErrorKind::Server);
                    both_failed += 1;
                }
                (Ok(_), Err(e)) => {
                    panic!("the direct path refused what the general reader took: {e}")
                }
                (Err(_), Ok(_)) => direct_only += 1,
            }
        }
        assert_eq!(direct_only, 0, "inputs only the direct path took");
        // The mutations reached both outcomes (values flipped, and
        // metadata broken).
        assert!(
            agreed > good.len() / 2 && both_failed > good.len(),
            "{agreed} {both_failed}"
        );
    }
}
