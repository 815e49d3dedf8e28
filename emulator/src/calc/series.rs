//! The engine's own small time series types: points, curve types,
//! resolutions, intervals and point flags. They mirror the wire's numbers
//! (`from_proto`/`to_proto`) without depending on the generated messages or
//! on the emulator's store.

use chrono_tz::Tz;

/// Point flags the engine reads and sets (Mesh's 32-bit point status).
pub mod flags {
    /// Nothing to report.
    pub const OK: u32 = 0;
    /// The value is known to be wrong.
    pub const NOT_OK: u32 = 0x4000_0000;
    /// No value (the value is NaN).
    pub const MISSING: u32 = 0x0400_0000;
    /// The value was computed while some of its inputs were missing.
    pub const SUSPECT: u32 = 0x0200_0000;
}

/// A half-open interval `[start, end)` of UTC milliseconds since the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Interval {
    pub start: i64,
    pub end: i64,
}

impl Interval {
    /// `[start, end)`.
    pub fn new(start: i64, end: i64) -> Interval {
        Interval { start, end }
    }

    /// The smallest interval holding both.
    pub fn hull(self, other: Interval) -> Interval {
        Interval::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// One point: UTC milliseconds, flags, value (NaN when there is none).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub utc_ms: i64,
    pub flags: u32,
    pub value: f64,
}

impl Point {
    pub fn new(utc_ms: i64, flags: u32, value: f64) -> Point {
        Point {
            utc_ms,
            flags,
            value,
        }
    }

    /// A NaN point at `utc_ms` flagged `flags | MISSING`.
    pub fn missing(utc_ms: i64, flags: u32) -> Point {
        Point::new(utc_ms, flags | flags::MISSING, f64::NAN)
    }

    /// Whether the point carries a value.
    pub fn is_valid(&self) -> bool {
        !self.value.is_nan()
    }
}

/// How a series' value runs between its points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    /// A value holds from its point until the next point (or, in a series of
    /// fixed resolution, until the end of its period).
    StaircaseStartOfStep,
    /// Mesh's `STAIRCASE`; the engine reads it as `StaircaseStartOfStep`.
    Staircase,
    /// Values are interpolated linearly between consecutive points.
    PiecewiseLinear,
}

impl Curve {
    /// From `Curve.CurveType` (`UNKNOWN` reads as a staircase).
    pub fn from_proto(n: i32) -> Curve {
        match n {
            2 => Curve::PiecewiseLinear,
            3 => Curve::Staircase,
            _ => Curve::StaircaseStartOfStep,
        }
    }

    /// To `Curve.CurveType`.
    pub fn to_proto(self) -> i32 {
        match self {
            Curve::StaircaseStartOfStep => 1,
            Curve::PiecewiseLinear => 2,
            Curve::Staircase => 3,
        }
    }

    /// Whether values are interpolated between points.
    pub fn is_linear(self) -> bool {
        self == Curve::PiecewiseLinear
    }
}

/// A series' resolution: breakpoint (free point times) or a fixed period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resolution {
    Breakpoint,
    Min,
    Min5,
    Min10,
    Min15,
    Min30,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl Resolution {
    /// The fixed resolutions, finest first.
    pub const FIXED: [Resolution; 10] = [
        Resolution::Min,
        Resolution::Min5,
        Resolution::Min10,
        Resolution::Min15,
        Resolution::Min30,
        Resolution::Hour,
        Resolution::Day,
        Resolution::Week,
        Resolution::Month,
        Resolution::Year,
    ];

    /// From `Resolution.ResolutionType`; `None` for UNSPECIFIED, UNDEFINED
    /// and unknown numbers.
    pub fn from_proto(n: i32) -> Option<Resolution> {
        Some(match n {
            1 => Resolution::Breakpoint,
            2 => Resolution::Min15,
            3 => Resolution::Hour,
            4 => Resolution::Day,
            5 => Resolution::Week,
            6 => Resolution::Month,
            7 => Resolution::Year,
            8 => Resolution::Min30,
            10 => Resolution::Min,
            11 => Resolution::Min5,
            12 => Resolution::Min10,
            _ => return None,
        })
    }

    /// To `Resolution.ResolutionType`.
    pub fn to_proto(self) -> i32 {
        match self {
            Resolution::Breakpoint => 1,
            Resolution::Min15 => 2,
            Resolution::Hour => 3,
            Resolution::Day => 4,
            Resolution::Week => 5,
            Resolution::Month => 6,
            Resolution::Year => 7,
            Resolution::Min30 => 8,
            Resolution::Min => 10,
            Resolution::Min5 => 11,
            Resolution::Min10 => 12,
        }
    }

    /// The symbol expressions use (`'HOUR'`); `VARINT` for breakpoint.
    pub fn name(self) -> &'static str {
        match self {
            Resolution::Breakpoint => "VARINT",
            Resolution::Min => "MIN",
            Resolution::Min5 => "MIN5",
            Resolution::Min10 => "MIN10",
            Resolution::Min15 => "MIN15",
            Resolution::Min30 => "MIN30",
            Resolution::Hour => "HOUR",
            Resolution::Day => "DAY",
            Resolution::Week => "WEEK",
            Resolution::Month => "MONTH",
            Resolution::Year => "YEAR",
        }
    }

    /// From an expression symbol, case-insensitive (`VARINT` and
    /// `BREAKPOINT` both name breakpoint).
    pub fn from_name(name: &str) -> Option<Resolution> {
        let upper = name.trim().to_ascii_uppercase();
        if upper == "BREAKPOINT" {
            return Some(Resolution::Breakpoint);
        }
        std::iter::once(Resolution::Breakpoint)
            .chain(Resolution::FIXED)
            .find(|r| r.name() == upper)
    }

    /// The period length when it does not depend on the calendar (up to an
    /// hour).
    pub fn fixed_ms(self) -> Option<i64> {
        Some(match self {
            Resolution::Min => 60_000,
            Resolution::Min5 => 300_000,
            Resolution::Min10 => 600_000,
            Resolution::Min15 => 900_000,
            Resolution::Min30 => 1_800_000,
            Resolution::Hour => 3_600_000,
            _ => return None,
        })
    }
}

/// A series as the engine sees it: points sorted by time (unique times),
/// curve, resolution and, for a time-zone-aware series, its zone.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub points: Vec<Point>,
    pub curve: Curve,
    pub resolution: Resolution,
    pub time_zone: Option<Tz>,
}

impl Series {
    /// A series without a time zone.
    pub fn new(points: Vec<Point>, curve: Curve, resolution: Resolution) -> Series {
        Series {
            points,
            curve,
            resolution,
            time_zone: None,
        }
    }

    /// Mesh's "empty series": a breakpoint series with one NaN point at the
    /// start of the requested interval. A lookup that finds nothing gives it.
    pub fn empty_at(start: i64) -> Series {
        Series::new(
            vec![Point::missing(start, 0)],
            Curve::StaircaseStartOfStep,
            Resolution::Breakpoint,
        )
    }

    /// Whether no point carries a value.
    pub fn has_no_values(&self) -> bool {
        self.points.iter().all(|p| !p.is_valid())
    }
}
