//! The emulator's time series: a catalog of physical series and their
//! committed points, plus the Arrow stream codec the wire uses.
//!
//! Uncommitted writes do not live here: each session keeps a log of its
//! writes (see `SessionState`), laid over the committed points when that
//! session reads and replayed into the store when it commits. A write is a
//! replace of an interval, so replaying it is idempotent, which keeps a read
//! racing its own session's commit correct.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use arrow_array::{Array, Float64Array, RecordBatch, TimestampMillisecondArray, UInt32Array};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use uuid::Uuid;

/// One point: time (ms since the epoch, UTC), flags, value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Point {
    pub(crate) time: i64,
    pub(crate) flags: u32,
    pub(crate) value: f64,
}

/// A replace of `[start, end)` of series `key` by `points` (sorted, unique
/// times, all inside the interval).
#[derive(Debug)]
pub(crate) struct Write {
    pub(crate) key: i64,
    pub(crate) start: i64,
    pub(crate) end: i64,
    pub(crate) points: Vec<Point>,
}

/// Applies `write` to the sorted `points`, limited to `[lo, hi)`.
pub(crate) fn apply(points: &mut Vec<Point>, write: &Write, lo: i64, hi: i64) {
    let start = write.start.max(lo);
    let end = write.end.min(hi);
    if start >= end {
        return;
    }
    let first = points.partition_point(|p| p.time < start);
    let last = points.partition_point(|p| p.time < end);
    let from = write.points.partition_point(|p| p.time < start);
    let to = write.points.partition_point(|p| p.time < end);
    points.splice(first..last, write.points[from..to].iter().copied());
}

/// A series as the catalog describes it (`--catalog` files hold these).
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesSpec {
    /// The time series key.
    pub key: i64,
    /// Full path, e.g. `Resource/Demo/Inflow`; the name is its last part.
    pub path: String,
    /// `Curve.CurveType` number (3 = STAIRCASE).
    pub curve: i32,
    /// `Resolution.ResolutionType` number (3 = HOUR).
    pub resolution: i32,
    /// Name of the unit of measurement, e.g. `m3/s`.
    pub unit: String,
    /// Seed hourly demo points (a week from 2025-01-01T00:00Z) at start.
    pub demo_points: bool,
}

/// The default catalog: three hourly series with a week of committed points,
/// so a demo has data to read.
pub fn default_catalog() -> Vec<SeriesSpec> {
    let spec = |key, path: &str, unit: &str| SeriesSpec {
        key,
        path: path.to_string(),
        curve: CURVE_STAIRCASE,
        resolution: RESOLUTION_HOUR,
        unit: unit.to_string(),
        demo_points: true,
    };
    vec![
        spec(1, "Resource/Demo/Inflow", "m3/s"),
        spec(2, "Resource/Demo/Price", "EUR/MWh"),
        spec(3, "Resource/Demo/Production", "MW"),
    ]
}

const CURVE_NAMES: &[(&str, i32)] = &[
    ("UNKNOWN", 0),
    ("STAIRCASESTARTOFSTEP", 1),
    ("PIECEWISELINEAR", 2),
    ("STAIRCASE", 3),
];
const CURVE_STAIRCASE: i32 = 3;

const RESOLUTION_NAMES: &[(&str, i32)] = &[
    ("BREAKPOINT", 1),
    ("MIN15", 2),
    ("HOUR", 3),
    ("DAY", 4),
    ("WEEK", 5),
    ("MONTH", 6),
    ("YEAR", 7),
    ("MIN30", 8),
    ("UNDEFINED", 9),
    ("MIN", 10),
    ("MIN5", 11),
    ("MIN10", 12),
];
const RESOLUTION_HOUR: i32 = 3;

/// Units every emulator knows, with fixed ids so tests can name them.
const UNITS: &[(u128, &str)] = &[
    (0x6d2a_0001_0000_4000_8000_0000_0000_0001, "m3/s"),
    (0x6d2a_0001_0000_4000_8000_0000_0000_0002, "EUR/MWh"),
    (0x6d2a_0001_0000_4000_8000_0000_0000_0003, "MW"),
    (0x6d2a_0001_0000_4000_8000_0000_0000_0004, "MWh"),
    (0x6d2a_0001_0000_4000_8000_0000_0000_0005, "m"),
    (0x6d2a_0001_0000_4000_8000_0000_0000_0006, "Mm3"),
];

/// Parses a catalog file: one series a line, `KEY PATH CURVE RESOLUTION
/// UNIT [demo]`, separated by blanks; `#` starts a comment. CURVE and
/// RESOLUTION are names as in the protocol (`STAIRCASE`, `HOUR`); a trailing
/// `demo` seeds a week of hourly points.
pub fn parse_catalog(text: &str) -> Result<Vec<SeriesSpec>, String> {
    let mut specs: Vec<SeriesSpec> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let at = |e: String| format!("line {}: {e}", n + 1);
        let words: Vec<&str> = line.split_whitespace().collect();
        if !(5..=6).contains(&words.len()) {
            return Err(at("expected KEY PATH CURVE RESOLUTION UNIT [demo]".into()));
        }
        let key: i64 = words[0]
            .parse()
            .map_err(|_| at(format!("{:?} is not a key", words[0])))?;
        let lookup = |names: &[(&str, i32)], word: &str, what: &str| {
            names
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(word))
                .map(|(_, v)| *v)
                .ok_or_else(|| at(format!("unknown {what} {word:?}")))
        };
        let path = words[1].to_string();
        if !path.starts_with("Resource/") || path.ends_with('/') {
            return Err(at(format!(
                "path {path:?} must look like Resource/Folder/Name"
            )));
        }
        let demo = match words.get(5) {
            None => false,
            Some(w) if *w == "demo" => true,
            Some(w) => return Err(at(format!("unexpected {w:?}"))),
        };
        if specs.iter().any(|s| s.key == key || s.path == path) {
            return Err(at(format!("key {key} or path {path} given twice")));
        }
        specs.push(SeriesSpec {
            key,
            path,
            curve: lookup(CURVE_NAMES, words[2], "curve type")?,
            resolution: lookup(RESOLUTION_NAMES, words[3], "resolution")?,
            unit: words[4].to_string(),
            demo_points: demo,
        });
    }
    Ok(specs)
}

/// A series of the catalog.
#[derive(Clone, Debug)]
pub(crate) struct Meta {
    pub(crate) key: i64,
    pub(crate) id: Uuid,
    pub(crate) path: String,
    pub(crate) name: String,
    pub(crate) curve: i32,
    pub(crate) resolution: i32,
    pub(crate) unit: Option<(Uuid, String)>,
}

/// How a request names a series.
pub(crate) enum Address {
    Key(i64),
    Path(String),
    Id(Uuid),
}

#[derive(Default)]
struct Catalog {
    by_key: HashMap<i64, Arc<Meta>>,
    by_path: HashMap<String, i64>,
    by_id: HashMap<Uuid, i64>,
    next_key: i64,
}

impl Catalog {
    fn add(&mut self, meta: Meta) -> Arc<Meta> {
        let meta = Arc::new(meta);
        self.next_key = self.next_key.max(meta.key.saturating_add(1));
        self.by_path.insert(meta.path.clone(), meta.key);
        self.by_id.insert(meta.id, meta.key);
        self.by_key.insert(meta.key, meta.clone());
        meta
    }
}

/// The catalog and the committed points. Shared by every session and kept
/// across `Emulator::restart`, as a real server keeps its database.
pub(crate) struct Store {
    catalog: RwLock<Catalog>,
    /// Committed points by series key, each sorted by time. One lock for
    /// all: a commit applies all its writes under it, so others see all of
    /// a commit or none of it.
    data: Mutex<HashMap<i64, Vec<Point>>>,
    units: Vec<(Uuid, String)>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The id a series gets from its key, so ids are stable across runs.
fn id_for_key(key: i64) -> Uuid {
    Uuid::from_u128(0x7a3e_0000_0000_4000_8000_0000_0000_0000 | u128::from(key as u64))
}

/// 2025-01-01T00:00:00Z in ms.
const DEMO_START: i64 = 1_735_689_600_000;
const HOUR_MS: i64 = 3_600_000;

fn demo_points(key: i64) -> Vec<Point> {
    (0..24 * 7)
        .map(|h| Point {
            time: DEMO_START + h * HOUR_MS,
            flags: 0,
            value: (key * 100) as f64
                + ((h % 24) as f64 * std::f64::consts::PI / 12.0).sin() * 10.0,
        })
        .collect()
}

impl Store {
    pub(crate) fn new(specs: &[SeriesSpec]) -> Store {
        let mut units: Vec<(Uuid, String)> = UNITS
            .iter()
            .map(|(id, name)| (Uuid::from_u128(*id), name.to_string()))
            .collect();
        let mut catalog = Catalog {
            next_key: 1,
            ..Catalog::default()
        };
        let mut data = HashMap::new();
        for spec in specs {
            let unit = match units.iter().find(|(_, n)| *n == spec.unit) {
                Some(u) => u.clone(),
                None => {
                    let u = (Uuid::new_v4(), spec.unit.clone());
                    units.push(u.clone());
                    u
                }
            };
            let name = spec.path.rsplit('/').next().unwrap_or("").to_string();
            catalog.add(Meta {
                key: spec.key,
                id: id_for_key(spec.key),
                path: spec.path.clone(),
                name,
                curve: spec.curve,
                resolution: spec.resolution,
                unit: Some(unit),
            });
            if spec.demo_points {
                data.insert(spec.key, demo_points(spec.key));
            }
        }
        Store {
            catalog: RwLock::new(catalog),
            data: Mutex::new(data),
            units,
        }
    }

    pub(crate) fn units(&self) -> &[(Uuid, String)] {
        &self.units
    }

    /// The series `address` names, or Mesh's kind of not-found error.
    pub(crate) fn find(&self, address: &Address) -> Result<Arc<Meta>, tonic::Status> {
        let catalog = self.catalog.read().unwrap_or_else(|p| p.into_inner());
        let key = match address {
            Address::Key(key) => Some(*key),
            Address::Path(path) => catalog.by_path.get(path).copied(),
            Address::Id(id) => catalog.by_id.get(id).copied(),
        };
        if let Some(meta) = key.and_then(|k| catalog.by_key.get(&k)) {
            return Ok(meta.clone());
        }
        Err(tonic::Status::not_found(match address {
            Address::Key(key) => format!("Timeseries with key {key} not found."),
            Address::Path(path) => format!("Timeseries with path '{path}' not found."),
            Address::Id(id) => format!(
                "Timeseries with id {{{}}} not found.",
                id.hyphenated().to_string().to_uppercase()
            ),
        }))
    }

    /// Adds a physical series; `path` is the full path.
    pub(crate) fn create(
        &self,
        path: String,
        name: String,
        curve: i32,
        resolution: i32,
        unit: Option<(Uuid, String)>,
    ) -> Result<Arc<Meta>, tonic::Status> {
        let mut catalog = self.catalog.write().unwrap_or_else(|p| p.into_inner());
        if catalog.by_path.contains_key(&path) {
            return Err(tonic::Status::already_exists(format!(
                "Timeseries with path '{path}' already exists."
            )));
        }
        let key = catalog.next_key;
        Ok(catalog.add(Meta {
            key,
            id: Uuid::new_v4(),
            path,
            name,
            curve,
            resolution,
            unit,
        }))
    }

    /// The committed points of `key` in `[start, end)`, with `pending` (a
    /// session's own writes, oldest first) laid over them.
    pub(crate) fn read(
        &self,
        key: i64,
        start: i64,
        end: i64,
        pending: &[Arc<Write>],
    ) -> Vec<Point> {
        let mut points = {
            let data = lock(&self.data);
            match data.get(&key) {
                Some(all) => {
                    let first = all.partition_point(|p| p.time < start);
                    let last = all.partition_point(|p| p.time < end);
                    all[first..last.max(first)].to_vec()
                }
                None => Vec::new(),
            }
        };
        for write in pending.iter().filter(|w| w.key == key) {
            apply(&mut points, write, start, end);
        }
        points
    }

    /// Makes `writes` committed, all under one lock. `take` runs under
    /// that lock and yields the writes, so a concurrent read by the same
    /// session sees them either pending or committed, never neither.
    pub(crate) fn commit(&self, take: impl FnOnce() -> Vec<Arc<Write>>) {
        let mut data = lock(&self.data);
        for write in take() {
            apply(
                data.entry(write.key).or_default(),
                &write,
                i64::MIN,
                i64::MAX,
            );
        }
    }
}

/// The Mesh time series schema: `utc_time` timestamp[ms] (no time zone),
/// `flags` uint32, `value` float64.
pub(crate) fn schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new(
            "utc_time",
            DataType::Timestamp(TimeUnit::Millisecond, None),
            false,
        ),
        Field::new("flags", DataType::UInt32, false),
        Field::new("value", DataType::Float64, false),
    ]))
}

/// Points as an Arrow IPC stream with one batch.
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

/// Points from an Arrow IPC stream with the Mesh schema.
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
    fn a_write_replaces_its_interval_only() {
        let mut points = vec![p(1, 1.0), p(2, 2.0), p(3, 3.0), p(4, 4.0)];
        let write = Write {
            key: 1,
            start: 2,
            end: 4,
            points: vec![p(3, 30.0)],
        };
        apply(&mut points, &write, i64::MIN, i64::MAX);
        assert_eq!(points, vec![p(1, 1.0), p(3, 30.0), p(4, 4.0)]);
        // Limited to a read window, only its part applies.
        let mut window = vec![p(1, 1.0)];
        apply(&mut window, &write, 0, 2);
        assert_eq!(window, vec![p(1, 1.0)]);
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
    fn catalogs_parse() {
        let specs = parse_catalog("# demo\n7 Resource/A/B staircase hour MW demo\n").unwrap();
        assert_eq!(specs.len(), 1);
        assert_eq!((specs[0].key, specs[0].resolution), (7, 3));
        assert!(parse_catalog("7 Resource/A/B staircase fortnight MW").is_err());
        assert!(parse_catalog("x Resource/A/B staircase hour MW").is_err());
    }
}
