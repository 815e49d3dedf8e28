//! A series read as a function of time: which value holds at an instant,
//! the value approached from the left, and the integral over a stretch.
//! Transformations and point-wise arithmetic both ask these questions.
//!
//! The pieces of the curve:
//! - a staircase point holds from its time until the next point; in a series
//!   of fixed resolution at most until the end of its own period (a position
//!   without a point is a gap, i.e. missing);
//! - a linear point runs to the next point when that point is the next
//!   position (fixed resolution) or simply the next point (breakpoint); a
//!   linear segment is valid only when both ends carry values. Its flags are
//!   the start point's when the start has no value, `MISSING` when only the
//!   end has none, and both ends' flags otherwise;
//! - time not covered by any piece is missing.

use super::error::CalcError;
use super::series::{flags, Point, Series};
use super::time::{Calendar, Zones};

/// A stretch `[start, end)` where the curve runs from `v0` to `v1`.
#[derive(Clone, Copy, Debug)]
struct Piece {
    start: i64,
    end: i64,
    v0: f64,
    v1: f64,
    linear: bool,
    flags: u32,
    valid: bool,
}

impl Piece {
    fn at(&self, t: i64) -> f64 {
        if !self.linear || self.v0 == self.v1 {
            return self.v0;
        }
        let span = self.end as f64 - self.start as f64;
        self.v0 + (self.v1 - self.v0) * ((t as f64 - self.start as f64) / span)
    }
}

/// What an integral over a stretch found.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Integral {
    /// Sum of value × seconds over the valid parts.
    pub area: f64,
    /// Milliseconds with a valid value.
    pub valid_ms: i64,
    /// Whether some of the stretch had no value.
    pub missing: bool,
    /// Flags of the valid pieces, together.
    pub valid_flags: u32,
    /// Flags of the pieces without a value, together.
    pub invalid_flags: u32,
}

/// A series with its pieces laid out.
pub struct CurveView<'a> {
    pub series: &'a Series,
    /// The calendar of the series' own resolution; `None` for breakpoint.
    pub calendar: Option<Calendar>,
    pieces: Vec<Piece>,
}

/// `flags` as a missing value carries them.
pub fn missing_flags(f: u32) -> u32 {
    f | flags::MISSING
}

/// The calendar of a series' own periods: its resolution in its own zone,
/// else in the default zone; `None` for a breakpoint series.
pub fn own_calendar(series: &Series, zones: &Zones) -> Result<Option<Calendar>, CalcError> {
    if series.resolution == super::series::Resolution::Breakpoint {
        return Ok(None);
    }
    let zone = series
        .time_zone
        .map(super::time::Zone::Iana)
        .unwrap_or(zones.default);
    Calendar::new(series.resolution, zone).map(Some)
}

impl<'a> CurveView<'a> {
    pub fn new(series: &'a Series, zones: &Zones) -> Result<CurveView<'a>, CalcError> {
        let calendar = own_calendar(series, zones)?;
        let linear = series.curve.is_linear();
        let points = &series.points;
        let mut pieces = Vec::with_capacity(points.len());
        for (i, p) in points.iter().enumerate() {
            let next = points.get(i + 1);
            let next_time = next.map(|n| n.utc_ms).unwrap_or(i64::MAX);
            let end = match &calendar {
                Some(c) => c.after(p.utc_ms)?.min(next_time),
                None => next_time,
            };
            if end <= p.utc_ms {
                continue;
            }
            let piece = if !linear {
                Piece {
                    start: p.utc_ms,
                    end,
                    v0: p.value,
                    v1: p.value,
                    linear: false,
                    flags: if p.is_valid() {
                        p.flags
                    } else {
                        missing_flags(p.flags)
                    },
                    valid: p.is_valid(),
                }
            } else {
                match next.filter(|n| n.utc_ms == end) {
                    Some(n) => linear_piece(p, n),
                    // Nothing to run to: the curve is unknown after this point.
                    None if calendar.is_none() => continue,
                    None => Piece {
                        start: p.utc_ms,
                        end,
                        v0: f64::NAN,
                        v1: f64::NAN,
                        linear: true,
                        flags: if p.is_valid() {
                            flags::MISSING
                        } else {
                            missing_flags(p.flags)
                        },
                        valid: false,
                    },
                }
            };
            pieces.push(piece);
        }
        Ok(CurveView {
            series,
            calendar,
            pieces,
        })
    }

    /// The points with times in `[a, b)`.
    pub fn points_in(&self, a: i64, b: i64) -> &'a [Point] {
        let points: &'a [Point] = &self.series.points;
        let from = points.partition_point(|p| p.utc_ms < a);
        let to = points.partition_point(|p| p.utc_ms < b);
        &points[from..to.max(from)]
    }

    /// The value and flags at `t`: the point at `t` if there is one, else
    /// the curve through `t`; NaN flagged `MISSING` where there is none.
    pub fn value_at(&self, t: i64) -> (f64, u32) {
        let points = &self.series.points;
        if let Ok(i) = points.binary_search_by_key(&t, |p| p.utc_ms) {
            let p = points[i];
            return if p.is_valid() {
                (p.value, p.flags)
            } else {
                (f64::NAN, missing_flags(p.flags))
            };
        }
        let i = self.pieces.partition_point(|pc| pc.start <= t);
        match i.checked_sub(1).map(|i| self.pieces[i]) {
            Some(pc) if t < pc.end => {
                if pc.valid {
                    (pc.at(t), pc.flags)
                } else {
                    (f64::NAN, pc.flags)
                }
            }
            _ => (f64::NAN, flags::MISSING),
        }
    }

    /// The value the curve approaches at `t` from the left.
    pub fn left_limit(&self, t: i64) -> (f64, u32) {
        let i = self.pieces.partition_point(|pc| pc.start < t);
        match i.checked_sub(1).map(|i| self.pieces[i]) {
            Some(pc) if t <= pc.end => {
                if pc.valid {
                    (pc.at(t), pc.flags)
                } else {
                    (f64::NAN, pc.flags)
                }
            }
            _ => (f64::NAN, flags::MISSING),
        }
    }

    /// The integral of the curve over `[a, b)`, in value × seconds.
    pub fn integrate(&self, a: i64, b: i64) -> Integral {
        let mut out = Integral::default();
        if a >= b {
            return out;
        }
        let mut covered: i64 = 0;
        let first = self.pieces.partition_point(|pc| pc.end <= a);
        for pc in self.pieces[first..].iter().take_while(|pc| pc.start < b) {
            let s = pc.start.max(a);
            let e = pc.end.min(b);
            if s >= e {
                continue;
            }
            covered += e - s;
            if pc.valid {
                let seconds = (e - s) as f64 / 1000.0;
                out.area += (pc.at(s) + pc.at(e)) / 2.0 * seconds;
                out.valid_ms += e - s;
                out.valid_flags |= pc.flags;
            } else {
                out.missing = true;
                out.invalid_flags |= pc.flags;
            }
        }
        if covered < b - a {
            out.missing = true;
            out.invalid_flags |= flags::MISSING;
        }
        out
    }
}

fn linear_piece(p: &Point, n: &Point) -> Piece {
    let (flags, valid) = match (p.is_valid(), n.is_valid()) {
        (true, true) => (p.flags | n.flags, true),
        (false, _) => (missing_flags(p.flags), false),
        (true, false) => (flags::MISSING, false),
    };
    Piece {
        start: p.utc_ms,
        end: n.utc_ms,
        v0: p.value,
        v1: n.value,
        linear: true,
        flags,
        valid,
    }
}
