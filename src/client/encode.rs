//! Points written as Mesh's Arrow IPC stream straight from their columns
//! (the caller's arrays, or a `Points`): one copy into the message, where
//! going through Arrow's writer needed the columns as Arrow arrays first
//! (for the C API, a copy of the caller's arrays). The stream has the
//! layout Arrow's own writer gives it: the points schema (written once, by
//! Arrow's writer), one record batch of the three columns without validity
//! buffers, metadata version 5, 64-byte alignment, the end marker.

use std::sync::OnceLock;

use arrow_buffer::{ArrowNativeType, ToByteSlice};
use arrow_ipc::{FieldNode, MessageBuilder, MessageHeader, MetadataVersion, RecordBatchBuilder};

use super::error::{Error, ErrorKind, Result};
use super::pages::ByteColumn;
use super::points::points_schema;

/// Padding of metadata and of each body buffer, as Arrow's writer does.
const ALIGN: usize = 64;

/// The continuation marker before each message's metadata size.
const CONTINUATION: [u8; 4] = [0xff; 4];

/// Where a stream is written: a `Vec`, or a column of bytes in memory of
/// its own (see `pages`).
pub(super) trait Sink {
    fn len(&self) -> usize;
    fn put(&mut self, bytes: &[u8]);
    fn zeros(&mut self, count: usize);
}

impl Sink for Vec<u8> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn zeros(&mut self, count: usize) {
        self.resize(self.len() + count, 0);
    }
}

impl Sink for ByteColumn {
    fn len(&self) -> usize {
        ByteColumn::len(self)
    }
    fn put(&mut self, bytes: &[u8]) {
        ByteColumn::put(self, bytes);
    }
    fn zeros(&mut self, count: usize) {
        ByteColumn::zeros(self, count);
    }
}

/// The stream of these points: `times`, `flags` (all 0 where `None`) and
/// `values`, of equal length (the caller checks).
pub(super) fn arrow_stream(
    times: &[i64],
    flags: Option<&[u32]>,
    values: &[f64],
) -> Result<Vec<u8>> {
    let batch = BatchMetadata::new(times.len())?;
    let mut out = Vec::with_capacity(batch.stream_len()?);
    write_stream(&mut out, &batch, times, flags, values)?;
    Ok(out)
}

/// Writes the stream of these points (as `arrow_stream`) to `out`, with
/// `batch` made for their number.
pub(super) fn write_stream(
    out: &mut impl Sink,
    batch: &BatchMetadata,
    times: &[i64],
    flags: Option<&[u32]>,
    values: &[f64],
) -> Result<()> {
    let n = times.len();
    debug_assert_eq!(n, batch.rows);
    out.put(schema_message()?);
    out.put(&CONTINUATION);
    out.put(&(batch.padded as i32).to_le_bytes());
    out.put(&batch.metadata);
    out.zeros(batch.padded - batch.metadata.len());
    // The body: each column padded to the alignment from the body's start.
    let start = out.len();
    put_le(out, times);
    pad(out, start);
    match flags {
        Some(flags) => put_le(out, flags),
        None => out.zeros(4 * n),
    }
    pad(out, start);
    put_le(out, values);
    pad(out, start);
    debug_assert_eq!(out.len() - start, batch.body);
    out.put(&CONTINUATION);
    out.put(&0i32.to_le_bytes());
    Ok(())
}

/// Zeros up to the next multiple of the alignment from `start`.
fn pad(out: &mut impl Sink, start: usize) {
    let used = out.len() - start;
    out.zeros(used.next_multiple_of(ALIGN) - used);
}

/// The metadata of a batch of `n` points: a node per column and two
/// buffers each (no validity bits, then the values) at their offsets in
/// the body, in the order Arrow's writer puts them.
pub(super) struct BatchMetadata {
    rows: usize,
    metadata: Vec<u8>,
    /// The metadata's length padded so that the body starts aligned.
    padded: usize,
    body: usize,
}

impl BatchMetadata {
    pub(super) fn new(n: usize) -> Result<BatchMetadata> {
        let rows = i64::try_from(n).map_err(|_| too_many(n))?;
        let widths = [8, 4, 8];
        let padded_columns = widths.map(|w| (n * w).next_multiple_of(ALIGN));
        let body: usize = padded_columns.iter().sum();
        let mut fbb = flatbuffers::FlatBufferBuilder::new();
        let mut buffers = Vec::with_capacity(6);
        let mut offset = 0;
        for (w, p) in widths.iter().zip(padded_columns) {
            buffers.push(arrow_ipc::Buffer::new(offset as i64, 0));
            buffers.push(arrow_ipc::Buffer::new(offset as i64, (n * w) as i64));
            offset += p;
        }
        let buffers = fbb.create_vector(&buffers);
        let nodes = fbb.create_vector(&[FieldNode::new(rows, 0); 3]);
        let mut batch = RecordBatchBuilder::new(&mut fbb);
        batch.add_length(rows);
        batch.add_nodes(nodes);
        batch.add_buffers(buffers);
        let batch = batch.finish();
        let mut message = MessageBuilder::new(&mut fbb);
        message.add_version(MetadataVersion::V5);
        message.add_header_type(MessageHeader::RecordBatch);
        message.add_bodyLength(body as i64);
        message.add_header(batch.as_union_value());
        let message = message.finish();
        fbb.finish(message, None);
        let metadata = fbb.finished_data().to_vec();
        let padded = (metadata.len() + 8).next_multiple_of(ALIGN) - 8;
        i32::try_from(padded).map_err(|_| too_many(n))?;
        Ok(BatchMetadata {
            rows: n,
            metadata,
            padded,
            body,
        })
    }
}

impl BatchMetadata {
    /// How long the whole stream of its points is.
    pub(super) fn stream_len(&self) -> Result<usize> {
        Ok(schema_message()?.len() + 8 + self.padded + self.body + 8)
    }
}

fn too_many(n: usize) -> Error {
    Error::invalid_argument(format!("{n} points are too many for one message"))
}

/// Appends `values` as their little-endian bytes.
fn put_le<T: ArrowNativeType>(out: &mut impl Sink, values: &[T]) {
    if cfg!(target_endian = "little") {
        out.put(values.to_byte_slice());
    } else {
        for value in values {
            let mut le = value.to_byte_slice().to_vec();
            le.reverse();
            out.put(&le);
        }
    }
}

/// The schema message of the points schema, as Arrow's writer writes it
/// (without the end marker), made once.
fn schema_message() -> Result<&'static [u8]> {
    static SCHEMA: OnceLock<std::result::Result<Vec<u8>, String>> = OnceLock::new();
    let made = SCHEMA.get_or_init(|| {
        let writer = arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &points_schema())
            .map_err(|e| e.to_string())?;
        let mut bytes = writer.into_inner().map_err(|e| e.to_string())?;
        // into_inner finished the stream: drop its end marker.
        bytes.truncate(bytes.len().saturating_sub(8));
        Ok(bytes)
    });
    made.as_deref().map_err(|e| {
        Error::new(
            ErrorKind::Internal,
            format!("writing the Arrow schema: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Points;

    /// What Arrow's own writer makes of `points`.
    fn arrow_writer(points: &Points) -> Vec<u8> {
        let batch = points.to_record_batch().unwrap();
        let mut writer =
            arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &points_schema()).unwrap();
        writer.write(&batch).unwrap();
        writer.into_inner().unwrap()
    }

    #[test]
    fn streams_are_those_arrows_writer_makes_byte_for_byte() {
        for n in [0usize, 1, 7, 8, 17, 1000] {
            let points = Points::new(
                (0..n as i64)
                    .map(|i| 1_700_000_000_000 + i * 60_000)
                    .collect(),
                (0..n as u32).map(|i| i * 3).collect(),
                (0..n).map(|i| i as f64 - 0.5).collect(),
            )
            .unwrap();
            let ours = arrow_stream(points.timestamps(), Some(points.flags()), points.values());
            assert_eq!(ours.unwrap(), arrow_writer(&points), "{n} points");
        }
        // No flags are zeros.
        let zeros = Points::new(vec![5, 6], vec![0, 0], vec![1.0, 2.0]).unwrap();
        assert_eq!(
            arrow_stream(&[5, 6], None, &[1.0, 2.0]).unwrap(),
            arrow_writer(&zeros)
        );
    }
}
