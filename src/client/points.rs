//! The points of a time series and their wire form: three Arrow columns,
//! shared rather than copied when sliced, merged or exported, and the codec
//! to and from the Arrow IPC stream Mesh reads and writes.
//!
//! Decoding takes what Mesh sends (see `docs/PROTOCOL.md`): fields nullable
//! as well as non-null ones, and any time zone on the timestamps (they are
//! UTC milliseconds all the same). The bytes come from a server, so
//! anything else is an error, never a panic.

use std::io::Cursor;
use std::ops::Range;
use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, Float64Array, RecordBatch, StructArray, TimestampMillisecondArray, UInt32Array,
};
use arrow_buffer::{ScalarBuffer, ToByteSlice};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};

use super::error::{Error, ErrorKind, Result};
use super::pages::Block;

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
    pub(super) fn before(&self, time: i64) -> Points {
        self.slice(0..self.timestamps.partition_point(|&t| t < time))
    }

    /// Points `range`, sharing the buffers.
    pub(super) fn slice(&self, range: Range<usize>) -> Points {
        let (offset, len) = (range.start, range.len());
        Points {
            timestamps: self.timestamps.slice(offset, len),
            flags: self.flags.slice(offset, len),
            values: self.values.slice(offset, len),
        }
    }

    /// Concatenates parts in order; one part is taken as it is.
    pub(super) fn concat(mut parts: Vec<Points>) -> Points {
        match parts.len() {
            0 => return Points::default(),
            1 => return parts.swap_remove(0),
            _ => {}
        }
        let mut all = PointsBuilder::with_capacity(parts.iter().map(Points::len).sum(), false);
        for p in &parts {
            all.append(p);
        }
        all.finish()
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
        super::encode::arrow_stream(self.timestamps(), Some(self.flags()), self.values())
    }

    /// Points from an Arrow IPC stream with the Mesh schema, its fields
    /// nullable or not; zero bytes are no points, as in Mesh's own deletes.
    /// Anything else (not a stream, other columns or types, nulls) is an
    /// error of kind `Server`, never a panic. The streams Mesh writes are
    /// read straight into the points' columns (see `stream`).
    pub fn from_arrow_stream(data: &[u8]) -> Result<Points> {
        super::stream::read(&[(data, None)])
    }

    /// As `from_arrow_stream`, through Arrow's general reader, which takes
    /// every valid stream and copies each buffer on its way.
    pub(super) fn from_arrow_stream_general(data: &[u8]) -> Result<Points> {
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

/// Points appended part by part into one block of memory (see `pages`),
/// a region a column, which the finished points then hold without a copy.
pub(super) struct PointsBuilder {
    block: Block,
    /// Points the regions have room for.
    capacity: usize,
    len: usize,
    large: bool,
}

/// Where each column's region starts in a block for `capacity` points,
/// and the block's size: the timestamps, the flags and the values, each
/// region 64-byte aligned.
fn regions(capacity: usize) -> ([usize; 3], usize) {
    let flags = (8 * capacity).next_multiple_of(64);
    let values = flags + (4 * capacity).next_multiple_of(64);
    ([0, flags, values], values + 8 * capacity)
}

impl PointsBuilder {
    /// Room for `n` points (more grow the block). `large` for a result
    /// merged from parts and used once: its block is mapped in huge pages
    /// where large enough (see `pages`).
    pub(super) fn with_capacity(n: usize, large: bool) -> PointsBuilder {
        PointsBuilder {
            block: Block::new(regions(n).1, large),
            capacity: n,
            len: 0,
            large,
        }
    }

    pub(super) fn append(&mut self, points: &Points) {
        self.append_native(
            points.timestamps().to_byte_slice(),
            points.flags().to_byte_slice(),
            points.values().to_byte_slice(),
        );
    }

    /// Appends points given as their columns' little-endian bytes (8, 4
    /// and 8 bytes a point).
    pub(super) fn append_le_bytes(&mut self, times: &[u8], flags: &[u8], values: &[u8]) {
        if cfg!(target_endian = "little") {
            self.append_native(times, flags, values);
        } else {
            let swapped = |bytes: &[u8], width: usize| {
                let mut v = bytes.to_vec();
                v.chunks_exact_mut(width).for_each(<[u8]>::reverse);
                v
            };
            self.append_native(&swapped(times, 8), &swapped(flags, 4), &swapped(values, 8));
        }
    }

    /// Appends points given as their columns' bytes in this machine's order.
    fn append_native(&mut self, times: &[u8], flags: &[u8], values: &[u8]) {
        let n = times.len() / 8;
        assert!(
            times.len() == 8 * n && flags.len() == 4 * n && values.len() == 8 * n,
            "whole points"
        );
        let needed = self.len.checked_add(n).expect("points");
        if needed > self.capacity {
            let mut larger = PointsBuilder::with_capacity(
                needed.max(self.capacity.saturating_mul(2)),
                self.large,
            );
            let (at, _) = regions(self.capacity);
            let len = self.len;
            larger.append_native(
                self.block.bytes(at[0]..at[0] + 8 * len),
                self.block.bytes(at[1]..at[1] + 4 * len),
                self.block.bytes(at[2]..at[2] + 8 * len),
            );
            *self = larger;
        }
        let (at, _) = regions(self.capacity);
        self.block.write(at[0] + 8 * self.len, times);
        self.block.write(at[1] + 4 * self.len, flags);
        self.block.write(at[2] + 8 * self.len, values);
        self.len = needed;
    }

    pub(super) fn finish(self) -> Points {
        if self.len == 0 {
            return Points::default();
        }
        let (at, _) = regions(self.capacity);
        let buffer = self.block.into_buffer(at[2] + 8 * self.len);
        let len = self.len;
        Points {
            timestamps: ScalarBuffer::new(buffer.clone(), at[0] / 8, len),
            flags: ScalarBuffer::new(buffer.clone(), at[1] / 4, len),
            values: ScalarBuffer::new(buffer, at[2] / 8, len),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_grow_and_keep_every_column_in_order() {
        let part = |from: i64, n: i64| {
            Points::new(
                (from..from + n).collect(),
                (from..from + n).map(|i| i as u32 * 2).collect(),
                (from..from + n).map(|i| i as f64 / 2.0).collect(),
            )
            .unwrap()
        };
        for large in [false, true] {
            let mut builder = PointsBuilder::with_capacity(3, large);
            builder.append(&part(0, 2));
            builder.append(&part(2, 5)); // past the capacity: grows
            builder.append(&part(7, 300_000)); // grows again, past 4 MiB
            assert_eq!(builder.finish(), part(0, 300_007));
        }
        assert!(PointsBuilder::with_capacity(10, true).finish().is_empty());
    }

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
}
