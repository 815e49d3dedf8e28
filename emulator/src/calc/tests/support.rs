//! What the engine's tests share: an in-memory host (stored series read the
//! way `ReadTimeseries` answers, calculated series evaluated on read,
//! searches as a table of query texts) and small time helpers written with
//! chrono directly, not with the calendar under test.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

use crate::calc::{
    evaluate, flags, CalcError, CalcResult, Curve, Host, Interval, Point, Resolution, Series,
};

pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;
pub const OSLO: Tz = chrono_tz::Europe::Oslo;

/// UTC milliseconds of a UTC wall-clock time.
pub fn utc(y: i32, m: u32, d: u32, h: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|date| date.and_hms_opt(h, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
        .expect("a valid test date")
}

/// UTC milliseconds of a wall-clock time in `tz` (the earlier one when
/// ambiguous).
pub fn in_zone(tz: Tz, y: i32, m: u32, d: u32, h: u32) -> i64 {
    let naive = NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|date| date.and_hms_opt(h, 0, 0))
        .expect("a valid test date");
    tz.from_local_datetime(&naive)
        .earliest()
        .expect("an existing local time")
        .timestamp_millis()
}

/// An hourly series with `value(i)` at hour `i` from `start`, `n` hours.
pub fn hourly(start: i64, n: usize, curve: Curve, value: impl Fn(usize) -> f64) -> Series {
    let points = (0..n)
        .map(|i| Point::new(start + i as i64 * HOUR, flags::OK, value(i)))
        .collect();
    Series::new(points, curve, Resolution::Hour)
}

/// A point flagged as Mesh stores a missing value.
pub fn nan_point(t: i64) -> Point {
    Point::new(t, flags::NOT_OK | flags::MISSING, f64::NAN)
}

/// The official tests' plant series as MODEL.md describes it: hourly,
/// linear, h at h:00 on 2016-01-01 for h = 1..9, 04:00 missing.
pub fn plant_raw() -> Series {
    let points = (1..=9)
        .map(|h| {
            let t = utc(2016, 1, 1, h);
            if h == 4 {
                nan_point(t)
            } else {
                Point::new(t, flags::OK, f64::from(h))
            }
        })
        .collect();
    Series::new(points, Curve::PiecewiseLinear, Resolution::Hour)
}

/// A series held in memory.
pub enum Stored {
    Points(Series),
    /// A calculated series: its expression.
    Calculated(String),
}

#[derive(Default)]
pub struct MemHost {
    pub series: HashMap<String, Stored>,
    /// Query text -> names of series found.
    pub series_queries: HashMap<String, Vec<String>>,
    pub number_queries: HashMap<String, Vec<f64>>,
    pub string_queries: HashMap<String, Vec<String>>,
    /// Catalog path (`%'...'`) -> name of the series there.
    pub catalog: HashMap<String, String>,
    /// Reads done, in order: (name, interval).
    pub reads: RefCell<Vec<(String, Interval)>>,
}

impl MemHost {
    pub fn new() -> MemHost {
        MemHost::default()
    }

    pub fn with_series(mut self, name: &str, series: Series) -> MemHost {
        self.series.insert(name.to_string(), Stored::Points(series));
        self
    }

    pub fn with_calculated(mut self, name: &str, expression: &str) -> MemHost {
        self.series
            .insert(name.to_string(), Stored::Calculated(expression.to_string()));
        self
    }

    pub fn with_query(mut self, query: &str, names: &[&str]) -> MemHost {
        self.series_queries.insert(
            query.to_string(),
            names.iter().map(|n| n.to_string()).collect(),
        );
        self
    }

    pub fn with_catalog_path(mut self, path: &str, name: &str) -> MemHost {
        self.catalog.insert(path.to_string(), name.to_string());
        self
    }

    pub fn with_numbers(mut self, query: &str, values: &[f64]) -> MemHost {
        self.number_queries
            .insert(query.to_string(), values.to_vec());
        self
    }

    pub fn with_strings(mut self, query: &str, values: &[&str]) -> MemHost {
        self.string_queries.insert(
            query.to_string(),
            values.iter().map(|s| s.to_string()).collect(),
        );
        self
    }

    /// Evaluates `expression` relative to the series `context`.
    pub fn run(
        &self,
        expression: &str,
        interval: Interval,
        context: &str,
    ) -> Result<CalcResult, CalcError> {
        evaluate(expression, interval, &context.to_string(), self)
    }

    /// Evaluates `expression` expecting exactly one series.
    pub fn run_series(&self, expression: &str, interval: Interval, context: &str) -> Series {
        match self.run(expression, interval, context) {
            Ok(CalcResult::Series(mut list)) if list.len() == 1 => list.remove(0),
            other => panic!("expected one series from {expression:?}, got {other:?}"),
        }
    }
}

/// A stored series read as Mesh answers `ReadTimeseries` (MODEL.md): the
/// points in the interval, every hour position without a point as NaN
/// flagged NOT_OK|MISSING (hourly series only, which is all these tests
/// store with fixed resolution), a linear series with the first point at or
/// after the end, a breakpoint series with the point in force at the start.
fn read_stored(series: &Series, iv: Interval) -> Series {
    let mut points: Vec<Point> = series
        .points
        .iter()
        .copied()
        .filter(|p| p.utc_ms >= iv.start && p.utc_ms < iv.end)
        .collect();
    if series.resolution == Resolution::Hour {
        let first = iv.start.div_euclid(HOUR) * HOUR + if iv.start % HOUR == 0 { 0 } else { HOUR };
        let last = if series.curve.is_linear() {
            (iv.end + HOUR - 1).div_euclid(HOUR) * HOUR
        } else {
            iv.end - 1
        };
        let mut filled = Vec::new();
        let mut t = first;
        while t <= last {
            match series.points.iter().find(|p| p.utc_ms == t) {
                Some(p) => filled.push(*p),
                None => filled.push(nan_point(t)),
            }
            t += HOUR;
        }
        points = filled;
    } else if series.resolution == Resolution::Breakpoint {
        if let Some(before) = series.points.iter().rev().find(|p| p.utc_ms < iv.start) {
            points.insert(0, *before);
        }
        if series.curve.is_linear() {
            if let Some(after) = series.points.iter().find(|p| p.utc_ms >= iv.end) {
                points.push(*after);
            }
        }
    } else if series.curve.is_linear() {
        if let Some(after) = series.points.iter().find(|p| p.utc_ms >= iv.end) {
            points.push(*after);
        }
    }
    Series {
        points,
        ..series.clone()
    }
}

impl Host for MemHost {
    /// The name of the series calculations are relative to.
    type Context = String;
    type SeriesRef = String;

    fn context_series(&self, context: &String) -> Result<String, CalcError> {
        if self.series.contains_key(context) {
            Ok(context.clone())
        } else {
            Err(CalcError::Host(format!("{context} is not a time series")))
        }
    }

    fn search_series(&self, _context: &String, query: &str) -> Result<Vec<String>, CalcError> {
        Ok(self.series_queries.get(query).cloned().unwrap_or_default())
    }

    fn catalog_series(&self, path: &str) -> Result<Option<String>, CalcError> {
        Ok(self.catalog.get(path).cloned())
    }

    fn search_numbers(&self, _context: &String, query: &str) -> Result<Vec<f64>, CalcError> {
        Ok(self.number_queries.get(query).cloned().unwrap_or_default())
    }

    fn search_strings(&self, _context: &String, query: &str) -> Result<Vec<String>, CalcError> {
        Ok(self.string_queries.get(query).cloned().unwrap_or_default())
    }

    fn read(&self, name: &String, interval: Interval) -> Result<Series, CalcError> {
        self.reads.borrow_mut().push((name.clone(), interval));
        match self.series.get(name) {
            Some(Stored::Points(s)) => Ok(read_stored(s, interval)),
            Some(Stored::Calculated(expr)) => match evaluate(expr, interval, name, self)? {
                CalcResult::Series(mut list) if list.len() == 1 => Ok(list.remove(0)),
                other => Err(CalcError::Host(format!(
                    "{name} calculates {other:?}, not one series"
                ))),
            },
            None => Err(CalcError::Host(format!("series {name} not found"))),
        }
    }

    fn local_zone(&self) -> Tz {
        OSLO
    }
}

/// Asserts two values are equal, NaN equal to NaN, within a relative 1e-12.
pub fn assert_close(actual: f64, expected: f64, what: &str) {
    if expected.is_nan() {
        assert!(actual.is_nan(), "{what}: expected NaN, got {actual}");
        return;
    }
    let tolerance = 1e-12 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: expected {expected}, got {actual}"
    );
}

/// Whether two series are the same, NaN values equal to each other.
pub fn same_series(a: &Series, b: &Series) -> bool {
    let same_point = |p: &Point, q: &Point| {
        p.utc_ms == q.utc_ms
            && p.flags == q.flags
            && (p.value == q.value || (p.value.is_nan() && q.value.is_nan()))
    };
    a.curve == b.curve
        && a.resolution == b.resolution
        && a.time_zone == b.time_zone
        && a.points.len() == b.points.len()
        && a.points
            .iter()
            .zip(&b.points)
            .all(|(p, q)| same_point(p, q))
}

/// Asserts a calculation gave exactly these series (NaN equal to NaN).
pub fn assert_series_result(
    actual: Result<CalcResult, CalcError>,
    expected: &[Series],
    what: &str,
) {
    match actual {
        Ok(CalcResult::Series(list)) => {
            assert_eq!(list.len(), expected.len(), "{what}: series count");
            for (a, e) in list.iter().zip(expected) {
                assert!(same_series(a, e), "{what}: {a:?} is not {e:?}");
            }
        }
        other => panic!("{what}: expected series, got {other:?}"),
    }
}
