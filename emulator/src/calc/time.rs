//! Calendars and time points: where the periods of a resolution start in a
//! time zone (UTC, a fixed offset, an IANA zone with or without daylight
//! saving), and the time point texts expressions carry
//! (`UTC20160105174811123`, `'20121201000000000'`, or .NET ticks).

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone};
use chrono_tz::{OffsetComponents, Tz};

use super::error::CalcError;
use super::series::{Interval, Resolution};

/// The most periods one transformation or constant series may produce; a
/// request beyond it is refused rather than exhausting memory.
pub const MAX_PERIODS: usize = 5_000_000;

/// .NET ticks (100 ns since 0001-01-01 UTC) at the Unix epoch.
const TICKS_AT_UNIX_EPOCH: i64 = 621_355_968_000_000_000;

/// A time zone in which calendar periods are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    /// A fixed offset east of UTC, in seconds (UTC is `Fixed(0)`).
    Fixed(i32),
    /// An IANA zone with its daylight saving time (LOCAL, zone-aware series).
    Iana(Tz),
    /// An IANA zone at its standard offset all year (STANDARD).
    Standard(Tz),
}

impl Zone {
    pub const UTC: Zone = Zone::Fixed(0);

    /// The offset east of UTC, in seconds, at the instant `t` (UTC ms).
    pub fn offset_at(self, t: i64) -> Result<i32, CalcError> {
        Ok(match self {
            Zone::Fixed(secs) => secs,
            Zone::Iana(tz) => tz
                .offset_from_utc_datetime(&utc(t)?.naive_utc())
                .fix()
                .local_minus_utc(),
            Zone::Standard(tz) => {
                let offset = tz.offset_from_utc_datetime(&utc(t)?.naive_utc());
                offset.base_utc_offset().num_seconds() as i32
            }
        })
    }

    /// The wall-clock time at the instant `t`.
    pub fn to_local(self, t: i64) -> Result<NaiveDateTime, CalcError> {
        let offset = TimeDelta::seconds(i64::from(self.offset_at(t)?));
        Ok(utc(t)?.naive_utc() + offset)
    }

    /// The instant of a wall-clock time: the earlier one when the clock runs
    /// through it twice, and the first existing time after it when the clock
    /// skips it.
    pub fn from_local(self, local: NaiveDateTime) -> Result<i64, CalcError> {
        let fixed = |secs: i32| (local - TimeDelta::seconds(i64::from(secs))).and_utc();
        let instant = match self {
            Zone::Fixed(secs) => fixed(secs),
            Zone::Standard(tz) => {
                // The standard offset may differ over history: take the one in
                // force around that wall-clock time.
                let guess = fixed(0).timestamp_millis();
                let secs = Zone::Standard(tz).offset_at(guess)?;
                fixed(secs)
            }
            Zone::Iana(tz) => {
                let mut probe = local;
                // A skipped wall-clock hour (or half hour) is never longer
                // than a few hours; probe forward in quarter hours.
                let mut found = None;
                for _ in 0..=16 {
                    if let Some(dt) = tz.from_local_datetime(&probe).earliest() {
                        found = Some(dt.with_timezone(&chrono::Utc));
                        break;
                    }
                    probe += TimeDelta::minutes(15);
                }
                found.ok_or_else(|| CalcError::TimeOutOfRange(local.to_string()))?
            }
        };
        Ok(instant.timestamp_millis())
    }
}

fn utc(t: i64) -> Result<DateTime<chrono::Utc>, CalcError> {
    DateTime::from_timestamp_millis(t).ok_or_else(|| CalcError::TimeOutOfRange(t.to_string()))
}

/// The server's zones as calculations see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zones {
    /// The server's local zone: LOCAL is it with daylight saving, STANDARD
    /// without.
    pub local: Tz,
    /// Where periods lie when an expression names no zone and the series has
    /// none of its own.
    pub default: Zone,
}

impl Zones {
    /// LOCAL: the server's zone with daylight saving.
    pub fn local(&self) -> Zone {
        Zone::Iana(self.local)
    }

    /// STANDARD: the server's zone without daylight saving.
    pub fn standard(&self) -> Zone {
        Zone::Standard(self.local)
    }
}

/// The periods of a fixed resolution in a zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Calendar {
    pub resolution: Resolution,
    pub zone: Zone,
}

impl Calendar {
    /// A calendar; breakpoint has no periods.
    pub fn new(resolution: Resolution, zone: Zone) -> Result<Calendar, CalcError> {
        if resolution == Resolution::Breakpoint {
            return Err(CalcError::Unsupported(
                "a breakpoint resolution has no calendar periods".to_string(),
            ));
        }
        Ok(Calendar { resolution, zone })
    }

    /// The start of the period holding `t`.
    pub fn floor(&self, t: i64) -> Result<i64, CalcError> {
        if let Some(step) = self.resolution.fixed_ms() {
            // Periods up to an hour are whole steps of wall-clock time, which
            // also lines them up across a daylight saving change (a shift of
            // a whole number of these steps for the zones Mesh serves).
            let offset = i64::from(self.zone.offset_at(t)?) * 1000;
            let local = t
                .checked_add(offset)
                .ok_or_else(|| CalcError::TimeOutOfRange(t.to_string()))?;
            return Ok(t - local.rem_euclid(step));
        }
        let local = self.zone.to_local(t)?;
        let date = local.date();
        let first = match self.resolution {
            Resolution::Day => date,
            Resolution::Week => {
                date - TimeDelta::days(i64::from(date.weekday().num_days_from_monday()))
            }
            Resolution::Month => first_of_month(date.year(), date.month())?,
            _ => first_of_month(date.year(), 1)?,
        };
        // A day whose midnight the clock skips starts at the first time
        // after midnight that exists.
        self.zone.from_local(first.and_time(chrono::NaiveTime::MIN))
    }

    /// The start of the period after the one starting at `start` (which must
    /// be a period start).
    pub fn next(&self, start: i64) -> Result<i64, CalcError> {
        if let Some(step) = self.resolution.fixed_ms() {
            return start
                .checked_add(step)
                .ok_or_else(|| CalcError::TimeOutOfRange(start.to_string()));
        }
        let local = self.zone.to_local(start)?.date();
        let next = match self.resolution {
            Resolution::Day => local.checked_add_signed(TimeDelta::days(1)),
            Resolution::Week => local.checked_add_signed(TimeDelta::days(7)),
            Resolution::Month => local.checked_add_months(Months::new(1)),
            _ => local.checked_add_months(Months::new(12)),
        }
        .ok_or_else(|| CalcError::TimeOutOfRange(start.to_string()))?;
        let next_start = self
            .zone
            .from_local(next.and_time(chrono::NaiveTime::MIN))?;
        if next_start <= start {
            return Err(CalcError::TimeOutOfRange(start.to_string()));
        }
        Ok(next_start)
    }

    /// The first period start after `t`.
    pub fn after(&self, t: i64) -> Result<i64, CalcError> {
        let floor = self.floor(t)?;
        let mut next = self.next(floor)?;
        while next <= t {
            next = self.next(next)?;
        }
        Ok(next)
    }

    /// The first period start at or after `t`.
    pub fn ceil(&self, t: i64) -> Result<i64, CalcError> {
        let floor = self.floor(t)?;
        if floor == t {
            Ok(t)
        } else {
            self.after(t)
        }
    }

    /// The periods `[p0, p1)` that overlap `interval`, in order.
    pub fn periods(&self, interval: Interval) -> Result<Vec<(i64, i64)>, CalcError> {
        let mut periods = Vec::new();
        if interval.start >= interval.end {
            return Ok(periods);
        }
        let mut p = self.floor(interval.start)?;
        while p < interval.end {
            if periods.len() >= MAX_PERIODS {
                return Err(CalcError::TooLarge(format!(
                    "more than {MAX_PERIODS} {} periods",
                    self.resolution.name()
                )));
            }
            let next = self.next(p)?;
            periods.push((p, next));
            p = next;
        }
        Ok(periods)
    }
}

fn first_of_month(year: i32, month: u32) -> Result<NaiveDate, CalcError> {
    NaiveDate::from_ymd_opt(year, month, 1)
        .ok_or_else(|| CalcError::TimeOutOfRange(format!("{year}-{month}")))
}

/// Parses a time point: an optional zone prefix (`UTC`, `LOCAL`,
/// `STANDARD`; none means STANDARD) and `yyyyMMdd`, `yyyyMMddHH`,
/// `yyyyMMddHHmm`, `yyyyMMddHHmmss` or `yyyyMMddHHmmssfff`.
pub fn parse_time_point(text: &str, zones: &Zones) -> Result<i64, CalcError> {
    let trimmed = text.trim();
    let upper = trimmed.to_ascii_uppercase();
    let (zone, digits) = if let Some(rest) = upper.strip_prefix("UTC") {
        (Zone::UTC, rest)
    } else if let Some(rest) = upper.strip_prefix("LOCAL") {
        (zones.local(), rest)
    } else if let Some(rest) = upper.strip_prefix("STANDARD") {
        (zones.standard(), rest)
    } else {
        (zones.standard(), upper.as_str())
    };
    let bad = || {
        CalcError::InvalidArgument(format!(
            "'{trimmed}' is not a time point (expected e.g. UTC20160101000000000)"
        ))
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        // `DAY+2h` and the like: relative to the current time.
        let anchors = ["YEAR", "MONTH", "WEEK", "DAY", "HOUR", "MIN30", "MIN15"];
        if anchors.iter().any(|a| digits.starts_with(a)) {
            return Err(CalcError::Unsupported(format!(
                "time point macros such as '{trimmed}'"
            )));
        }
        return Err(bad());
    }
    if ![8, 10, 12, 14, 17].contains(&digits.len()) {
        return Err(bad());
    }
    let field = |from: usize, len: usize| -> u32 {
        digits
            .get(from..from + len)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    };
    let year = digits
        .get(0..4)
        .and_then(|s| s.parse::<i32>().ok())
        .ok_or_else(bad)?;
    let date = NaiveDate::from_ymd_opt(year, field(4, 2), field(6, 2)).ok_or_else(bad)?;
    let time = date
        .and_hms_milli_opt(field(8, 2), field(10, 2), field(12, 2), field(14, 3))
        .ok_or_else(bad)?;
    zone.from_local(time)
}

/// Converts .NET ticks (Mesh's numeric time points) to UTC milliseconds.
pub fn ticks_to_ms(ticks: f64) -> Result<i64, CalcError> {
    let bad = || CalcError::InvalidArgument(format!("{ticks} is not a time point in ticks"));
    if !ticks.is_finite() || !(0.0..=9.0e18).contains(&ticks) {
        return Err(bad());
    }
    (ticks as i64)
        .checked_sub(TICKS_AT_UNIX_EPOCH)
        .map(|t| t.div_euclid(10_000))
        .ok_or_else(bad)
}
