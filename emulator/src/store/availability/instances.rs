//! Patterns expanded into instances: a pattern is a shape (one period, or
//! the steps of a curve) laid at its first start and again every
//! `every` days, weeks, months or years, for repetitions that start before
//! `until`. Repetitions are counted in UTC; a monthly one keeps its day of
//! the month, or the month's last day when the month is shorter, and every
//! step of a repetition moves by the same amount as its first.

use chrono::{Datelike, Months, TimeDelta};

use super::{Event, EventKind, Pattern, Recurrence, Repeat, RevisionRecurrence, Time};

/// One period of an event; restrictions carry their value in it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Instance {
    pub(crate) start: Time,
    pub(crate) end: Time,
    pub(crate) value: Option<f64>,
}

/// The most instances one search answers with.
pub(crate) const MAX_INSTANCES: usize = 1_000_000;

/// A search would find more than [`MAX_INSTANCES`].
#[derive(Debug, PartialEq)]
pub(crate) struct TooMany;

/// A pattern ready to be laid out: its first start, and its pieces as
/// offsets from it (the first piece starts at offset zero).
struct Shape<'a> {
    recurrence: &'a Recurrence,
    first: Time,
    pieces: Vec<(TimeDelta, TimeDelta, Option<f64>)>,
}

impl RevisionRecurrence {
    fn shape(&self) -> Shape<'_> {
        Shape {
            recurrence: &self.recurrence,
            first: self.period.start,
            pieces: vec![(TimeDelta::zero(), self.period.end - self.period.start, None)],
        }
    }

    /// The instance in force at `now`, else the next one.
    pub(crate) fn active(&self, now: Time) -> Option<Instance> {
        self.shape().active(now)
    }
}

impl Pattern {
    fn shape(&self) -> Shape<'_> {
        match self {
            Pattern::Basic {
                recurrence,
                period,
                value,
            } => Shape {
                recurrence,
                first: period.start,
                pieces: vec![(TimeDelta::zero(), period.end - period.start, Some(*value))],
            },
            Pattern::Complex { recurrence, points } => {
                let first = points.first().map_or(Time::UNIX_EPOCH, |p| p.0);
                Shape {
                    recurrence,
                    first,
                    pieces: points
                        .windows(2)
                        .map(|w| (w[0].0 - first, w[1].0 - first, Some(w[0].1)))
                        .collect(),
                }
            }
        }
    }

    /// The instance in force at `now`, else the next one.
    pub(crate) fn active(&self, now: Time) -> Option<Instance> {
        self.shape().active(now)
    }
}

impl Event {
    /// The event's instances that overlap `[from, to)`, earliest first.
    pub(crate) fn instances(&self, from: Time, to: Time) -> Result<Vec<Instance>, TooMany> {
        let mut out = Vec::new();
        match &self.kind {
            EventKind::Revision { recurrences, .. } => {
                for r in recurrences {
                    r.shape().overlapping(from, to, &mut out)?;
                }
            }
            EventKind::Restriction { pattern, .. } => {
                pattern.shape().overlapping(from, to, &mut out)?
            }
        }
        out.sort_by_key(|i| (i.start, i.end));
        Ok(out)
    }
}

impl Shape<'_> {
    fn every(&self) -> u64 {
        u64::from(self.recurrence.every.unwrap_or(1).max(1))
    }

    /// Where repetition `k` starts, if it exists (`None` past the end of
    /// the pattern or of time).
    fn start(&self, k: u64) -> Option<Time> {
        let r = self.recurrence;
        let start = match r.repeat {
            Repeat::Once if k > 0 => return None,
            Repeat::Once => self.first,
            Repeat::Daily | Repeat::Weekly => {
                let days = if r.repeat == Repeat::Daily { 1 } else { 7 };
                let days = i64::try_from(k.checked_mul(self.every())?.checked_mul(days)?).ok()?;
                self.first.checked_add_signed(TimeDelta::try_days(days)?)?
            }
            Repeat::Monthly | Repeat::Yearly => {
                let months = if r.repeat == Repeat::Monthly { 1 } else { 12 };
                let months =
                    u32::try_from(k.checked_mul(self.every())?.checked_mul(months)?).ok()?;
                self.first.checked_add_months(Months::new(months))?
            }
        };
        match r.until {
            Some(until) if k > 0 && start >= until => None,
            _ => Some(start),
        }
    }

    /// A repetition before which none ends after `t` (so none of them
    /// matters from `t` on); cheap, and never too late.
    fn first_mattering(&self, t: Time) -> u64 {
        let span = self.pieces.iter().map(|p| p.1).max().unwrap_or_default();
        let Some(end) = self.first.checked_add_signed(span) else {
            return 0;
        };
        if t <= end {
            return 0;
        }
        let every = self.every();
        match self.recurrence.repeat {
            Repeat::Once => 0,
            Repeat::Daily | Repeat::Weekly => {
                let days = if self.recurrence.repeat == Repeat::Daily {
                    1
                } else {
                    7
                };
                let step = every.saturating_mul(days).saturating_mul(86_400);
                u64::try_from((t - end).num_seconds()).unwrap_or(0) / step
            }
            Repeat::Monthly | Repeat::Yearly => {
                let months = if self.recurrence.repeat == Repeat::Monthly {
                    1
                } else {
                    12
                };
                // Calendar months between, less one: a month's margin covers
                // shorter months and days moved to a month's end.
                let between = (i64::from(t.year()) - i64::from(end.year())) * 12
                    + i64::from(t.month0())
                    - i64::from(end.month0())
                    - 1;
                u64::try_from(between).unwrap_or(0) / every.saturating_mul(months)
            }
        }
    }

    /// Repetition `k`'s pieces.
    fn laid(&self, start: Time) -> impl Iterator<Item = Instance> + '_ {
        self.pieces.iter().filter_map(move |(from, to, value)| {
            Some(Instance {
                start: start.checked_add_signed(*from)?,
                end: start.checked_add_signed(*to)?,
                value: *value,
            })
        })
    }

    /// Adds the instances that overlap `[from, to)` to `out`.
    fn overlapping(&self, from: Time, to: Time, out: &mut Vec<Instance>) -> Result<(), TooMany> {
        if self.pieces.is_empty() {
            return Ok(());
        }
        let mut k = self.first_mattering(from);
        while let Some(start) = self.start(k) {
            if start >= to {
                break;
            }
            for instance in self.laid(start) {
                if instance.start < to && instance.end > from {
                    if out.len() == MAX_INSTANCES {
                        return Err(TooMany);
                    }
                    out.push(instance);
                }
            }
            k += 1;
        }
        Ok(())
    }

    /// The instance in force at `now` (the earliest to start, when more
    /// are), else the next to start.
    fn active(&self, now: Time) -> Option<Instance> {
        if self.pieces.is_empty() {
            return None;
        }
        let mut best: Option<Instance> = None;
        let mut k = self.first_mattering(now);
        while let Some(start) = self.start(k) {
            // Later repetitions start later still.
            if best.is_some_and(|b| start > b.start) {
                break;
            }
            for instance in self.laid(start) {
                if instance.end > now && best.is_none_or(|b| instance.start < b.start) {
                    best = Some(instance);
                }
            }
            k += 1;
        }
        best
    }
}
