//! Where the points of a fixed-resolution series sit: every whole minute,
//! 5, 10, 15 or 30 minutes or hour of UTC; midnight of every day, Monday
//! of every week, first of every month or year, in the series' time zone
//! (UTC when it has none). BREAKPOINT and UNDEFINED series have no grid.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::catalog::resolution;

/// The IANA time zone `name`, if there is one by that name.
pub(crate) fn time_zone(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Grid {
    /// Multiples of this many ms since the epoch.
    Step(i64),
    Calendar(Period, Tz),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Period {
    Day,
    Week,
    Month,
    Year,
}

impl Grid {
    /// The grid of a resolution, `None` for breakpoint-like resolutions.
    pub(crate) fn of(resolution: i32, time_zone: Option<&str>) -> Option<Grid> {
        let step = |minutes: i64| Some(Grid::Step(minutes * 60_000));
        let tz = time_zone.and_then(self::time_zone).unwrap_or(Tz::UTC);
        match resolution {
            resolution::MIN => step(1),
            resolution::MIN5 => step(5),
            resolution::MIN10 => step(10),
            resolution::MIN15 => step(15),
            resolution::MIN30 => step(30),
            resolution::HOUR => step(60),
            resolution::DAY => Some(Grid::Calendar(Period::Day, tz)),
            resolution::WEEK => Some(Grid::Calendar(Period::Week, tz)),
            resolution::MONTH => Some(Grid::Calendar(Period::Month, tz)),
            resolution::YEAR => Some(Grid::Calendar(Period::Year, tz)),
            _ => None,
        }
    }

    /// The first position at or after `t` (`None` past the calendar's range).
    pub(crate) fn at_or_after(&self, t: i64) -> Option<i64> {
        match *self {
            Grid::Step(step) => {
                let floor = t.div_euclid(step).checked_mul(step)?;
                if floor == t {
                    Some(t)
                } else {
                    floor.checked_add(step)
                }
            }
            Grid::Calendar(period, tz) => {
                let start = period_start(period, local(tz, t)?);
                let at = utc(tz, start)?;
                if at >= t {
                    Some(at)
                } else {
                    utc(tz, advance(period, start)?)
                }
            }
        }
    }

    /// The position after position `p`.
    pub(crate) fn after(&self, p: i64) -> Option<i64> {
        match *self {
            Grid::Step(step) => p.checked_add(step),
            Grid::Calendar(period, tz) => {
                let start = period_start(period, local(tz, p)?);
                utc(tz, advance(period, start)?)
            }
        }
    }
}

fn local(tz: Tz, t: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp_millis(t).map(|utc| utc.with_timezone(&tz).naive_local())
}

/// The instant of a local time; a local time skipped by a clock change is
/// taken at the first valid instant after it.
fn utc(tz: Tz, local: NaiveDateTime) -> Option<i64> {
    let mut probe = local;
    for _ in 0..4 {
        if let Some(t) = tz.from_local_datetime(&probe).earliest() {
            return Some(t.timestamp_millis());
        }
        probe = probe.checked_add_signed(Duration::minutes(30))?;
    }
    None
}

fn period_start(period: Period, t: NaiveDateTime) -> NaiveDateTime {
    let date = t.date();
    let day: NaiveDate = match period {
        Period::Day => date,
        Period::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
        Period::Month => date.with_day(1).unwrap_or(date),
        Period::Year => date.with_ordinal(1).unwrap_or(date),
    };
    day.and_hms_opt(0, 0, 0).unwrap_or(t)
}

fn advance(period: Period, start: NaiveDateTime) -> Option<NaiveDateTime> {
    match period {
        Period::Day => start.checked_add_signed(Duration::days(1)),
        Period::Week => start.checked_add_signed(Duration::days(7)),
        Period::Month => start.checked_add_months(Months::new(1)),
        Period::Year => start.checked_add_months(Months::new(12)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2016-01-01T00:00:00Z.
    const Y2016: i64 = 1_451_606_400_000;
    const HOUR: i64 = 3_600_000;

    fn positions(grid: Grid, start: i64, end: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut p = grid.at_or_after(start);
        while let Some(t) = p.filter(|t| *t < end) {
            out.push(t);
            p = grid.after(t);
        }
        out
    }

    #[test]
    fn hours_are_whole_utc_hours() {
        let grid = Grid::of(resolution::HOUR, None).unwrap();
        assert_eq!(
            positions(grid, Y2016 + HOUR / 2, Y2016 + 3 * HOUR),
            vec![Y2016 + HOUR, Y2016 + 2 * HOUR]
        );
        assert_eq!(grid.at_or_after(-1), Some(0));
        assert!(Grid::of(resolution::BREAKPOINT, None).is_none());
    }

    #[test]
    fn days_follow_the_time_zone_through_clock_changes() {
        let grid = Grid::of(resolution::DAY, Some("Europe/Oslo")).unwrap();
        // 2016-03-26/27/28 local midnights: UTC+1, then UTC+2 after the change.
        let start = Y2016 + (31 + 29 + 25) * 24 * HOUR;
        let days = positions(grid, start, start + 3 * 24 * HOUR);
        assert_eq!(
            days,
            vec![start + 23 * HOUR, start + 46 * HOUR, start + 70 * HOUR]
        );
        let utc_days = positions(Grid::of(resolution::DAY, None).unwrap(), start, start + 1);
        assert_eq!(utc_days, vec![start]);
    }

    #[test]
    fn weeks_months_and_years_start_where_the_calendar_says() {
        let week = Grid::of(resolution::WEEK, None).unwrap();
        // 2016-01-01 was a Friday; the next Monday is the 4th.
        assert_eq!(week.at_or_after(Y2016), Some(Y2016 + 3 * 24 * HOUR));
        let month = Grid::of(resolution::MONTH, None).unwrap();
        assert_eq!(month.after(Y2016), Some(Y2016 + 31 * 24 * HOUR));
        let year = Grid::of(resolution::YEAR, None).unwrap();
        assert_eq!(year.after(Y2016), Some(Y2016 + 366 * 24 * HOUR));
    }

    #[test]
    fn zones_are_iana_names() {
        assert!(time_zone("Europe/London").is_some());
        assert!(time_zone("Invalid/TimeZone").is_none());
        assert!(time_zone("").is_none());
    }
}
