//! Transformations of a series to another resolution (`@TRANSFORM`,
//! `ReadTransformedTimeseries`). The rules, partly Mesh's documented ones
//! and partly inferred from the official SDK's expectations, are in the
//! module docs of `calc`.

use chrono_tz::Tz;

use super::curve::{missing_flags, own_calendar, CurveView};
use super::error::CalcError;
use super::series::{flags, Curve, Interval, Point, Resolution, Series};
use super::time::{Calendar, Zone, Zones};

/// How the values of a period are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// Chosen from the series (see the module docs of `calc`).
    Implicit,
    Sum,
    SumI,
    Avg,
    AvgI,
    First,
    Last,
    Min,
    Max,
}

impl Method {
    /// The methods a client names, in the wire's order.
    pub const EXPLICIT: [Method; 8] = [
        Method::Sum,
        Method::SumI,
        Method::Avg,
        Method::AvgI,
        Method::First,
        Method::Last,
        Method::Min,
        Method::Max,
    ];

    /// From `TransformationMethod` (0 and 1 are IMPLICIT).
    pub fn from_proto(n: i32) -> Option<Method> {
        Some(match n {
            0 | 1 => Method::Implicit,
            2 => Method::Sum,
            3 => Method::SumI,
            4 => Method::Avg,
            5 => Method::AvgI,
            6 => Method::First,
            7 => Method::Last,
            8 => Method::Min,
            9 => Method::Max,
            _ => return None,
        })
    }

    /// From an expression symbol, case-insensitive, with Mesh's synonyms
    /// (`SUMV`; `AVGV`, `MEAN`, `AVERAGE`; `DEFAULT` for implicit).
    pub fn from_name(name: &str) -> Option<Method> {
        Some(match name.trim().to_ascii_uppercase().as_str() {
            "SUM" | "SUMV" => Method::Sum,
            "SUMI" => Method::SumI,
            "AVG" | "AVGV" | "MEAN" | "AVERAGE" => Method::Avg,
            "AVGI" => Method::AvgI,
            "FIRST" => Method::First,
            "LAST" => Method::Last,
            "MIN" => Method::Min,
            "MAX" => Method::Max,
            "DEFAULT" | "IMPLICIT" => Method::Implicit,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Method::Implicit => "IMPLICIT",
            Method::Sum => "SUM",
            Method::SumI => "SUMI",
            Method::Avg => "AVG",
            Method::AvgI => "AVGI",
            Method::First => "FIRST",
            Method::Last => "LAST",
            Method::Min => "MIN",
            Method::Max => "MAX",
        }
    }
}

/// The zone a transformation lays its periods in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransformZone {
    /// None named: a time-zone-aware series' own zone, else the default zone.
    Default,
    Utc,
    /// The server's zone with daylight saving.
    Local,
    /// The server's zone without daylight saving.
    Standard,
    /// An IANA zone named in the expression.
    Named(Tz),
}

impl TransformZone {
    /// From `Timezone` of `ReadTransformedTimeseries` (0 is UTC there).
    pub fn from_proto(n: i32) -> Option<TransformZone> {
        Some(match n {
            0 | 1 => TransformZone::Utc,
            2 => TransformZone::Local,
            3 => TransformZone::Standard,
            _ => return None,
        })
    }

    /// From an expression's zone symbol, as Mesh documents it: `LOCAL`,
    /// `LOKAL`, `LT`; `STANDARD`, `NORMAL`, `NT`; `UTC`; else an IANA zone
    /// name; an unknown name means the standard zone.
    pub fn from_name(name: &str) -> TransformZone {
        match name.trim().to_ascii_uppercase().as_str() {
            "LOCAL" | "LOKAL" | "LT" => TransformZone::Local,
            "STANDARD" | "NORMAL" | "NT" => TransformZone::Standard,
            "UTC" => TransformZone::Utc,
            _ => name
                .trim()
                .parse::<Tz>()
                .map(TransformZone::Named)
                .unwrap_or(TransformZone::Standard),
        }
    }

    fn zone(self, series_zone: Option<Tz>, zones: &Zones) -> Zone {
        match self {
            TransformZone::Default => series_zone.map(Zone::Iana).unwrap_or(zones.default),
            TransformZone::Utc => Zone::UTC,
            TransformZone::Local => zones.local(),
            TransformZone::Standard => zones.standard(),
            TransformZone::Named(tz) => Zone::Iana(tz),
        }
    }
}

/// What is asked of one transformation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransformSpec {
    pub resolution: Resolution,
    pub method: Method,
    pub zone: TransformZone,
}

/// Whether `spec` refines `source` (to a finer fixed resolution) rather than
/// aggregating it.
fn refines(source: &Series, spec: &TransformSpec) -> bool {
    source.resolution != Resolution::Breakpoint && spec.resolution < source.resolution
}

fn target_calendar(
    source: &Series,
    spec: &TransformSpec,
    zones: &Zones,
) -> Result<Calendar, CalcError> {
    if spec.resolution == Resolution::Breakpoint {
        return Err(CalcError::Unsupported(
            "transformation to a breakpoint (VARINT) resolution".to_string(),
        ));
    }
    Calendar::new(spec.resolution, spec.zone.zone(source.time_zone, zones))
}

/// The points of a calendar's grid over `interval`, each with the start of
/// the next period: for a linear curve the points in `[start, end)` and the
/// first at or after `end` (as a read of a linear series gives); for a step
/// curve the starts of the periods overlapping the interval.
pub(crate) fn period_grid(
    target: &Calendar,
    linear: bool,
    interval: Interval,
) -> Result<Vec<(i64, i64)>, CalcError> {
    if interval.start >= interval.end {
        return Ok(Vec::new());
    }
    if !linear {
        return target.periods(interval);
    }
    let first = target.ceil(interval.start)?;
    let trailing = target.ceil(interval.end)?;
    let mut grid = target.periods(Interval::new(first, interval.end))?;
    grid.retain(|(g, _)| *g >= first);
    grid.push((trailing, target.next(trailing)?));
    Ok(grid)
}

/// The interval `source` must cover for `transform(source, interval, spec)`
/// to see every point it uses. `source` gives the series' resolution, curve
/// and zone; its points do not matter.
pub fn source_interval(
    source: &Series,
    interval: Interval,
    spec: &TransformSpec,
    zones: &Zones,
) -> Result<Interval, CalcError> {
    if interval.start >= interval.end {
        return Ok(interval);
    }
    let target = target_calendar(source, spec, zones)?;
    let own = own_calendar(source, zones)?;
    let span = if refines(source, spec) {
        let grid = period_grid(&target, source.curve.is_linear(), interval)?;
        match (grid.first(), grid.last()) {
            (Some(first), Some(last)) => Interval::new(first.0, last.1),
            _ => interval,
        }
    } else {
        let periods = target.periods(interval)?;
        match (periods.first(), periods.last()) {
            (Some(first), Some(last)) => Interval::new(first.0, last.1),
            _ => interval,
        }
    };
    let span = match own {
        Some(c) => Interval::new(c.floor(span.start)?, c.ceil(span.end)?),
        None => span,
    };
    Ok(span.hull(interval))
}

/// Transforms `source` (read over at least `source_interval(...)`) to the
/// periods of `spec` that `interval` covers.
pub fn transform(
    source: &Series,
    interval: Interval,
    spec: &TransformSpec,
    zones: &Zones,
) -> Result<Series, CalcError> {
    let target = target_calendar(source, spec, zones)?;
    let view = CurveView::new(source, zones)?;
    if interval.start >= interval.end {
        return Ok(Series {
            points: Vec::new(),
            curve: Curve::StaircaseStartOfStep,
            resolution: spec.resolution,
            time_zone: source.time_zone,
        });
    }
    if refines(source, spec) {
        refine(&view, &target, interval, spec)
    } else {
        aggregate(&view, &target, interval, spec.method)
    }
}

/// A method with IMPLICIT resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Agg {
    Sum,
    SumI,
    Avg,
    AvgI,
    First,
    Last,
    Min,
    Max,
}

impl Agg {
    /// IMPLICIT follows Mesh's default transformation table (units are not
    /// modelled): accumulating a linear curve takes FIRST, a breakpoint
    /// staircase AVGI, a fixed-resolution staircase SUM; refining takes SUM.
    fn of(method: Method, source: &Series, refining: bool) -> Agg {
        match method {
            Method::Implicit if refining => Agg::Sum,
            Method::Implicit if source.curve.is_linear() => Agg::First,
            Method::Implicit if source.resolution == Resolution::Breakpoint => Agg::AvgI,
            Method::Implicit | Method::Sum => Agg::Sum,
            Method::SumI => Agg::SumI,
            Method::Avg => Agg::Avg,
            Method::AvgI => Agg::AvgI,
            Method::First => Agg::First,
            Method::Last => Agg::Last,
            Method::Min => Agg::Min,
            Method::Max => Agg::Max,
        }
    }
}

fn refine(
    view: &CurveView,
    target: &Calendar,
    interval: Interval,
    spec: &TransformSpec,
) -> Result<Series, CalcError> {
    let source = view.series;
    let method = Agg::of(spec.method, source, true);
    // Mesh refines by SUM or AVG only; a zone-aware series must name one of
    // them, any other series gets SUM for a method containing "SUM" and AVG
    // otherwise (Mesh's documented, deprecated leniency).
    if source.time_zone.is_some() && !matches!(method, Agg::Sum | Agg::Avg) {
        return Err(CalcError::InvalidArgument(format!(
            "a time-zone-aware series is refined with SUM or AVG only, not {}",
            spec.method.name()
        )));
    }
    let split = matches!(method, Agg::Sum | Agg::SumI);
    let Some(own) = view.calendar else {
        return Err(CalcError::Unsupported(
            "refining a breakpoint series".to_string(),
        ));
    };
    let grid = period_grid(target, source.curve.is_linear(), interval)?;
    let mut points = Vec::with_capacity(grid.len());
    for (g, g_next) in grid {
        let (mut value, flags) = view.value_at(g);
        if split && !value.is_nan() {
            let own_start = own.floor(g)?;
            let own_len = own.next(own_start)? - own_start;
            value *= (g_next - g) as f64 / own_len as f64;
        }
        points.push(Point::new(g, flags, value));
    }
    Ok(Series {
        points,
        curve: source.curve,
        resolution: target.resolution,
        time_zone: source.time_zone,
    })
}

/// One period's outcome: a value with the flags of what made it, or none.
fn outcome(value: Option<f64>, used_flags: u32, missing: bool, invalid_flags: u32) -> (f64, u32) {
    match value {
        Some(v) if !v.is_nan() => {
            let f = if missing {
                used_flags | flags::SUSPECT
            } else {
                used_flags
            };
            (v, f)
        }
        _ => (f64::NAN, missing_flags(invalid_flags)),
    }
}

fn aggregate(
    view: &CurveView,
    target: &Calendar,
    interval: Interval,
    method: Method,
) -> Result<Series, CalcError> {
    let source = view.series;
    let method = Agg::of(method, source, false);
    let fixed = view.calendar;
    let periods = target.periods(interval)?;
    let mut points = Vec::with_capacity(periods.len());
    for (p0, p1) in periods {
        let pts = view.points_in(p0, p1);
        let valid: Vec<&Point> = pts.iter().filter(|p| p.is_valid()).collect();
        let mut invalid_flags = pts
            .iter()
            .filter(|p| !p.is_valid())
            .fold(0, |f, p| f | p.flags);
        let mut missing = valid.len() < pts.len();
        if let Some(own) = &fixed {
            let positions = count_periods(own, p0, p1)?;
            if positions > pts.len() {
                missing = true;
                invalid_flags |= flags::MISSING;
            }
        }
        let valid_flags = valid.iter().fold(0, |f, p| f | p.flags);
        let values = valid.iter().map(|p| p.value);
        let (value, flags) = match method {
            Agg::Sum => {
                let v = (!valid.is_empty()).then(|| values.sum());
                outcome(v, valid_flags, missing, invalid_flags)
            }
            Agg::Avg => {
                let n = valid.len() as f64;
                let v = (!valid.is_empty()).then(|| values.sum::<f64>() / n);
                outcome(v, valid_flags, missing, invalid_flags)
            }
            Agg::SumI | Agg::AvgI => {
                let integral = view.integrate(p0, p1);
                let v = (integral.valid_ms > 0).then(|| {
                    if method == Agg::SumI {
                        integral.area
                    } else {
                        integral.area / (integral.valid_ms as f64 / 1000.0)
                    }
                });
                outcome(
                    v,
                    integral.valid_flags,
                    integral.missing,
                    integral.invalid_flags,
                )
            }
            Agg::First | Agg::Last if fixed.is_some() => {
                let chosen = if method == Agg::First {
                    valid.first()
                } else {
                    valid.last()
                };
                let v = chosen.map(|p| p.value);
                let f = chosen.map(|p| p.flags).unwrap_or(0);
                outcome(v, f, missing, invalid_flags)
            }
            Agg::First | Agg::Last => {
                // A breakpoint series' functional value at the start of the
                // period (an explicit point there included), or approaching
                // its end.
                let (v, f) = if method == Agg::First {
                    view.value_at(p0)
                } else {
                    view.left_limit(p1)
                };
                outcome(Some(v), f, missing, invalid_flags | f)
            }
            Agg::Min | Agg::Max => {
                let mut candidates: Vec<(f64, u32)> =
                    valid.iter().map(|p| (p.value, p.flags)).collect();
                if fixed.is_none() {
                    candidates.push(view.value_at(p0));
                    if source.curve.is_linear() {
                        candidates.push(view.left_limit(p1));
                    }
                    candidates.retain(|(v, _)| !v.is_nan());
                }
                let pick = candidates.iter().copied().reduce(|a, b| {
                    let better = if method == Agg::Min {
                        b.0 < a.0
                    } else {
                        b.0 > a.0
                    };
                    if better {
                        b
                    } else {
                        a
                    }
                });
                let used = candidates.iter().fold(0, |f, c| f | c.1);
                outcome(pick.map(|c| c.0), used, missing, invalid_flags)
            }
        };
        points.push(Point::new(p0, flags, value));
    }
    Ok(Series {
        points,
        curve: Curve::StaircaseStartOfStep,
        resolution: target.resolution,
        time_zone: source.time_zone,
    })
}

/// How many periods of `own` start in `[a, b)`.
fn count_periods(own: &Calendar, a: i64, b: i64) -> Result<usize, CalcError> {
    if let Some(step) = own.resolution.fixed_ms() {
        let first = own.ceil(a)?;
        return Ok(if first >= b {
            0
        } else {
            ((b - first + step - 1) / step) as usize
        });
    }
    let mut n = 0;
    let mut p = own.ceil(a)?;
    while p < b {
        n += 1;
        p = own.next(p)?;
    }
    Ok(n)
}

/// Reads a series through `read` over what a transformation needs and
/// transforms it: one read over `interval` to learn the series' shape, and a
/// second over the wider interval the periods need when it differs.
pub fn transform_with(
    read: &mut dyn FnMut(Interval) -> Result<Series, CalcError>,
    interval: Interval,
    spec: &TransformSpec,
    zones: &Zones,
) -> Result<Series, CalcError> {
    let first = read(interval)?;
    let needed = source_interval(&first, interval, spec, zones)?;
    let source = if needed == interval {
        first
    } else {
        read(needed)?
    };
    transform(&source, interval, spec, zones)
}
