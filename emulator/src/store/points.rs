//! Points, the writes that replace intervals of them, and what a read
//! answers. A read of a fixed-resolution series has a point at every
//! position of its grid in the interval: a position with nothing stored
//! comes back as NaN flagged MISSING (inferred from the official tests:
//! after deleting an interval, a read gives NaN with exactly that flag).
//! A PIECEWISELINEAR read also gives the one point after the interval end,
//! which a linear curve needs to be drawn to the end.

use super::catalog::{curve, Resource};
use super::grid::Grid;

/// One point: time (ms since the epoch, UTC), flags, value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Point {
    pub(crate) time: i64,
    pub(crate) flags: u32,
    pub(crate) value: f64,
}

/// Point flags (`Timeseries.PointFlags`).
pub(crate) mod flags {
    pub(crate) const NOT_OK: u32 = 0x4000_0000;
    pub(crate) const MISSING: u32 = 0x0400_0000;
}

/// A position with no stored value, as a read gives it.
pub(crate) fn missing(time: i64) -> Point {
    Point {
        time,
        flags: flags::MISSING,
        value: f64::NAN,
    }
}

/// A replace of `[start, end)` of resource `resource` by `points` (strictly
/// increasing times, all inside the interval; none deletes the interval).
#[derive(Debug)]
pub(crate) struct Write {
    pub(crate) resource: uuid::Uuid,
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

/// Most grid positions one read may fill, so that a read of a century of
/// minutes is refused rather than allocated.
pub(crate) const MAX_FILLED_POSITIONS: usize = 20_000_000;

/// What a read of `[start, end)` of `resource` answers. `stored(a, b)`
/// gives the stored points in `[a, b)`; `next_stored(t)` the first stored
/// point at or after `t`.
pub(crate) fn shape(
    resource: &Resource,
    start: i64,
    end: i64,
    mut stored: impl FnMut(i64, i64) -> Vec<Point>,
    next_stored: impl FnOnce(i64) -> Option<Point>,
) -> Result<Vec<Point>, String> {
    if start >= end {
        return Ok(Vec::new());
    }
    let linear = resource.curve == curve::PIECEWISELINEAR;
    let Some(grid) = Grid::of(resource.resolution, resource.time_zone.as_deref()) else {
        let mut points = stored(start, end);
        if linear {
            points.extend(next_stored(end));
        }
        return Ok(points);
    };
    let mut positions = Vec::new();
    let mut next = grid.at_or_after(start);
    while let Some(p) = next.filter(|p| *p < end) {
        if positions.len() == MAX_FILLED_POSITIONS {
            return Err(format!(
                "the interval [{start}, {end}) has more than {MAX_FILLED_POSITIONS} positions at this resolution"
            ));
        }
        positions.push(p);
        next = grid.after(p);
    }
    // `next` is now the first position at or after the end.
    let after = if linear { next } else { None };
    let hi = after.map_or(end, |a| a.saturating_add(1));
    let points = stored(start, hi);
    let inside = points.partition_point(|p| p.time < end);
    let mut out = merge(&positions, &points[..inside]);
    if linear {
        // The first of: a stored point after the end, the next position.
        let first_stored = points.get(inside).copied();
        let first = match (first_stored, after) {
            (Some(s), Some(a)) if a < s.time => Some(missing(a)),
            (Some(s), _) => Some(s),
            (None, Some(a)) => Some(missing(a)),
            (None, None) => None,
        };
        out.extend(first);
    }
    Ok(out)
}

/// The stored points and a missing point at every position without one,
/// in time order.
fn merge(positions: &[i64], stored: &[Point]) -> Vec<Point> {
    let mut out = Vec::with_capacity(positions.len().max(stored.len()));
    let (mut i, mut j) = (0, 0);
    while i < positions.len() || j < stored.len() {
        match (positions.get(i), stored.get(j)) {
            (Some(&p), Some(s)) if p < s.time => {
                out.push(missing(p));
                i += 1;
            }
            (Some(&p), Some(s)) if p == s.time => {
                out.push(*s);
                i += 1;
                j += 1;
            }
            (_, Some(s)) => {
                out.push(*s);
                j += 1;
            }
            (Some(&p), None) => {
                out.push(missing(p));
                i += 1;
            }
            (None, None) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::catalog::resolution;
    use super::*;

    const H: i64 = 3_600_000;

    fn p(time: i64, value: f64) -> Point {
        Point {
            time,
            flags: 0,
            value,
        }
    }

    fn series(curve: i32, resolution: i32) -> Resource {
        Resource {
            id: uuid::Uuid::nil(),
            key: 1,
            path: "Resource/T/s".into(),
            name: "s".into(),
            curve,
            resolution,
            unit: None,
            time_zone: None,
            expression: None,
        }
    }

    fn read(resource: &Resource, stored: &[Point], start: i64, end: i64) -> Vec<Point> {
        shape(
            resource,
            start,
            end,
            |a, b| {
                stored
                    .iter()
                    .filter(|p| p.time >= a && p.time < b)
                    .copied()
                    .collect()
            },
            |t| stored.iter().find(|p| p.time >= t).copied(),
        )
        .unwrap()
    }

    fn is_missing(point: &Point) -> bool {
        point.value.is_nan() && point.flags == flags::MISSING
    }

    #[test]
    fn a_write_replaces_its_interval_only() {
        let mut points = vec![p(1, 1.0), p(2, 2.0), p(3, 3.0), p(4, 4.0)];
        let write = Write {
            resource: uuid::Uuid::nil(),
            start: 2,
            end: 4,
            points: vec![p(3, 30.0)],
        };
        apply(&mut points, &write, i64::MIN, i64::MAX);
        assert_eq!(points, vec![p(1, 1.0), p(3, 30.0), p(4, 4.0)]);
        let mut window = vec![p(1, 1.0)];
        apply(&mut window, &write, 0, 2);
        assert_eq!(window, vec![p(1, 1.0)]);
    }

    #[test]
    fn linear_hourly_reads_fill_gaps_and_add_the_point_after_the_end() {
        let hourly = series(curve::PIECEWISELINEAR, resolution::HOUR);
        let stored: Vec<Point> = (1..=9)
            .filter(|h| *h != 5)
            .map(|h| p(h * H, h as f64))
            .collect();
        let got = read(&hourly, &stored, H, 9 * H);
        assert_eq!(got.len(), 9);
        assert_eq!(
            got.iter().map(|p| p.time).collect::<Vec<_>>(),
            (1..=9).map(|h| h * H).collect::<Vec<_>>()
        );
        assert!(is_missing(&got[4]));
        assert_eq!(got[8], p(9 * H, 9.0));
        // Nothing stored at all: every position missing, the one after too.
        let empty = read(&hourly, &[], H, 3 * H);
        assert_eq!(empty.len(), 3);
        assert!(empty.iter().all(is_missing));
    }

    #[test]
    fn staircase_reads_stop_at_the_end_and_breakpoint_reads_do_not_fill() {
        let stored = vec![p(H, 1.0), p(3 * H, 3.0)];
        let stairs = read(
            &series(curve::STAIRCASE, resolution::HOUR),
            &stored,
            H,
            3 * H,
        );
        assert_eq!(stairs.len(), 2);
        assert!(is_missing(&stairs[1]));
        let breakpoints = read(
            &series(curve::STAIRCASE, resolution::BREAKPOINT),
            &stored,
            0,
            3 * H,
        );
        assert_eq!(breakpoints, vec![p(H, 1.0)]);
        let linear_breakpoints = read(
            &series(curve::PIECEWISELINEAR, resolution::BREAKPOINT),
            &stored,
            0,
            2 * H,
        );
        assert_eq!(linear_breakpoints, vec![p(H, 1.0), p(3 * H, 3.0)]);
        assert!(read(&series(curve::STAIRCASE, resolution::HOUR), &stored, H, H).is_empty());
    }

    #[test]
    fn off_grid_points_are_kept_and_huge_fills_refused() {
        let stored = vec![p(H + 10, 1.5)];
        let got = read(
            &series(curve::STAIRCASE, resolution::HOUR),
            &stored,
            H,
            2 * H,
        );
        assert_eq!(got.len(), 2);
        assert!(is_missing(&got[0]));
        assert_eq!(got[1], stored[0]);
        let minutes = series(curve::STAIRCASE, resolution::MIN);
        let century = 100 * 366 * 24 * H;
        assert!(shape(&minutes, 0, century, |_, _| Vec::new(), |_| None).is_err());
    }
}
