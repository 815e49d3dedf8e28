//! The Arrow IPC stream codec of time series points. Mesh's schema, which
//! the official client checks on every read, has three nullable fields:
//! `utc_time` timestamp[ms] without a time zone, `flags` uint32, `value`
//! float64. Writes are taken with either nullability (nulls refused).

use std::io::Cursor;
use std::sync::Arc;

use arrow_array::{Array, Float64Array, RecordBatch, TimestampMillisecondArray, UInt32Array};
use arrow_schema::{DataType, Field, Schema, TimeUnit};

use crate::store::Point;

/// The schema of every stream the emulator sends.
pub(crate) fn schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new(
            "utc_time",
            DataType::Timestamp(TimeUnit::Millisecond, None),
            true,
        ),
        Field::new("flags", DataType::UInt32, true),
        Field::new("value", DataType::Float64, true),
    ]))
}

/// Points as an Arrow IPC stream: the schema and one batch (of no rows when
/// there are no points).
pub(crate) fn encode(points: &[Point]) -> Result<Vec<u8>, String> {
    let schema = schema();
    let columns: Vec<Arc<dyn Array>> = vec![
        Arc::new(TimestampMillisecondArray::from_iter_values(
            points.iter().map(|p| p.time),
        )),
        Arc::new(UInt32Array::from_iter_values(
            points.iter().map(|p| p.flags),
        )),
        Arc::new(Float64Array::from_iter_values(
            points.iter().map(|p| p.value),
        )),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())?;
    let mut writer =
        arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &schema).map_err(|e| e.to_string())?;
    writer.write(&batch).map_err(|e| e.to_string())?;
    writer.into_inner().map_err(|e| e.to_string())
}

/// Points from an Arrow IPC stream with the Mesh columns, in stream order.
pub(crate) fn decode(data: &[u8]) -> Result<Vec<Point>, String> {
    let reader = arrow_ipc::reader::StreamReader::try_new(Cursor::new(data), None)
        .map_err(|e| format!("not an Arrow IPC stream: {e}"))?;
    let mut points = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| format!("bad Arrow record batch: {e}"))?;
        let column = |name: &str| {
            batch
                .column_by_name(name)
                .ok_or_else(|| format!("Arrow stream has no column {name:?}"))
        };
        let times = column("utc_time")?
            .as_any()
            .downcast_ref::<TimestampMillisecondArray>()
            .ok_or("column utc_time is not timestamp[ms]")?;
        let flags = column("flags")?
            .as_any()
            .downcast_ref::<UInt32Array>()
            .ok_or("column flags is not uint32")?;
        let values = column("value")?
            .as_any()
            .downcast_ref::<Float64Array>()
            .ok_or("column value is not float64")?;
        if times.null_count() + flags.null_count() + values.null_count() > 0 {
            return Err("null in the Arrow stream".into());
        }
        points.extend(
            times
                .values()
                .iter()
                .zip(flags.values().iter())
                .zip(values.values().iter())
                .map(|((t, f), v)| Point {
                    time: *t,
                    flags: *f,
                    value: *v,
                }),
        );
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(time: i64, value: f64) -> Point {
        Point {
            time,
            flags: 0,
            value,
        }
    }

    #[test]
    fn codec_round_trips_nan_bits() {
        let nan = f64::from_bits(0x7ff8_0000_dead_beef);
        let points = vec![p(1, nan), p(2, -0.0)];
        let back = decode(&encode(&points).unwrap()).unwrap();
        assert_eq!(back[0].value.to_bits(), nan.to_bits());
        assert_eq!(back[1].value.to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn the_schema_is_nullable_and_taken_either_way() {
        let reader =
            arrow_ipc::reader::StreamReader::try_new(Cursor::new(encode(&[]).unwrap()), None)
                .unwrap();
        assert!(reader.schema().fields().iter().all(|f| f.is_nullable()));
        // A stream written with non-null fields decodes too.
        let strict = Arc::new(Schema::new(vec![
            Field::new(
                "utc_time",
                DataType::Timestamp(TimeUnit::Millisecond, None),
                false,
            ),
            Field::new("flags", DataType::UInt32, false),
            Field::new("value", DataType::Float64, false),
        ]));
        let batch = RecordBatch::try_new(
            strict.clone(),
            vec![
                Arc::new(TimestampMillisecondArray::from(vec![5])),
                Arc::new(UInt32Array::from(vec![0])),
                Arc::new(Float64Array::from(vec![1.5])),
            ],
        )
        .unwrap();
        let mut writer = arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &strict).unwrap();
        writer.write(&batch).unwrap();
        let bytes = writer.into_inner().unwrap();
        assert_eq!(decode(&bytes).unwrap(), vec![p(5, 1.5)]);
    }
}
