//! Point-wise arithmetic and comparisons between numbers, series and lists.
//!
//! Missing values (inferred from the official tests' calculated attribute,
//! whose sum of a number, a series with a NaN point and an empty number
//! search reads as the number where the series has NaN, flagged SUSPECT
//! everywhere): `+` and `-` leave out a missing operand (as if 0) and flag
//! the result `SUSPECT`; only when every operand is missing is the result
//! NaN (`MISSING`). `*`, `/` and comparisons give NaN (`MISSING`) when an
//! operand is missing, and so does a division by zero. Comparisons give 1
//! or 0. A number in a series operation holds at every point.
//!
//! Series meet at the union of their point times, each read as a function
//! of time there (see `curve`). Series of the same resolution and curve
//! combine into that shape; staircase series of different resolutions into a
//! staircase of the finer one (breakpoint if either is). Any other mix (a
//! linear with a staircase series, or linear series of different
//! resolutions) is refused rather than guessed. An empty lookup result (a
//! breakpoint series without values) takes the other operand's shape.

use super::ast::BinOp;
use super::curve::{missing_flags, CurveView};
use super::error::CalcError;
use super::series::{flags, Curve, Point, Resolution, Series};
use super::time::Zones;
use super::value::Value;

/// One operand of a point-wise operation.
#[derive(Clone, Copy, Debug)]
pub enum Operand<'a> {
    Series(&'a Series),
    Const(f64),
    /// Missing everywhere.
    Missing,
}

fn number_point(n: f64) -> (f64, u32) {
    if n.is_nan() {
        (f64::NAN, flags::MISSING)
    } else {
        (n, flags::OK)
    }
}

/// Combines two values with their flags.
pub fn combine(op: BinOp, (a, fa): (f64, u32), (b, fb): (f64, u32)) -> (f64, u32) {
    let (va, vb) = (!a.is_nan(), !b.is_nan());
    match op {
        BinOp::Add | BinOp::Sub => {
            let apply = |x: f64, y: f64| if op == BinOp::Add { x + y } else { x - y };
            match (va, vb) {
                (true, true) => (apply(a, b), fa | fb),
                (true, false) => (apply(a, 0.0), fa | flags::SUSPECT),
                (false, true) => (apply(0.0, b), fb | flags::SUSPECT),
                (false, false) => (f64::NAN, missing_flags(fa | fb)),
            }
        }
        _ if !(va && vb) => {
            let invalid = if va { 0 } else { fa } | if vb { 0 } else { fb };
            (f64::NAN, missing_flags(invalid))
        }
        BinOp::Mul => (a * b, fa | fb),
        BinOp::Div if b == 0.0 => (f64::NAN, flags::MISSING),
        BinOp::Div => (a / b, fa | fb),
        _ => {
            let holds = match op {
                BinOp::Eq => a == b,
                BinOp::Ne => a != b,
                BinOp::Lt => a < b,
                BinOp::Le => a <= b,
                BinOp::Gt => a > b,
                _ => a >= b,
            };
            (if holds { 1.0 } else { 0.0 }, fa | fb)
        }
    }
}

/// Whether a series is an empty lookup result (no shape of its own).
fn is_blank(s: &Series) -> bool {
    s.resolution == Resolution::Breakpoint && s.has_no_values()
}

fn shape_name(s: &Series) -> String {
    let curve = if s.curve.is_linear() {
        "linear"
    } else {
        "staircase"
    };
    format!("{} {curve}", s.resolution.name())
}

/// The resolution and curve series combine into.
fn common_shape(series: &[&Series]) -> Result<(Resolution, Curve), CalcError> {
    let Some(first) = series.first() else {
        return Ok((Resolution::Breakpoint, Curve::StaircaseStartOfStep));
    };
    let uniform = series.iter().all(|s| {
        s.resolution == first.resolution && s.curve.is_linear() == first.curve.is_linear()
    });
    if uniform {
        return Ok((first.resolution, first.curve));
    }
    if series.iter().all(|s| !s.curve.is_linear()) {
        let resolution = if series
            .iter()
            .any(|s| s.resolution == Resolution::Breakpoint)
        {
            Resolution::Breakpoint
        } else {
            series
                .iter()
                .map(|s| s.resolution)
                .min()
                .unwrap_or(first.resolution)
        };
        return Ok((resolution, Curve::StaircaseStartOfStep));
    }
    let names: Vec<String> = series.iter().map(|s| shape_name(s)).collect();
    Err(CalcError::Unsupported(format!(
        "point-wise operations between series of different shapes ({})",
        names.join(", ")
    )))
}

/// Applies `f` at every point time of the series operands.
pub fn pointwise(
    operands: &[Operand],
    zones: &Zones,
    f: impl Fn(&[(f64, u32)]) -> (f64, u32),
) -> Result<Series, CalcError> {
    let all_series: Vec<&Series> = operands
        .iter()
        .filter_map(|o| match o {
            Operand::Series(s) => Some(*s),
            _ => None,
        })
        .collect();
    let mut shaped: Vec<&Series> = all_series
        .iter()
        .copied()
        .filter(|s| !is_blank(s))
        .collect();
    if shaped.is_empty() {
        shaped = all_series.clone();
    }
    let (resolution, curve) = common_shape(&shaped)?;
    let views = shaped
        .iter()
        .map(|s| CurveView::new(s, zones))
        .collect::<Result<Vec<_>, _>>()?;
    let mut times: Vec<i64> = shaped
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.utc_ms))
        .collect();
    times.sort_unstable();
    times.dedup();
    let mut args = vec![(f64::NAN, flags::MISSING); operands.len()];
    let mut points = Vec::with_capacity(times.len());
    for t in times {
        for (slot, operand) in args.iter_mut().zip(operands) {
            *slot = match operand {
                Operand::Const(n) => number_point(*n),
                Operand::Missing => (f64::NAN, flags::MISSING),
                Operand::Series(s) => match shaped.iter().position(|x| std::ptr::eq(*x, *s)) {
                    Some(i) => views[i].value_at(t),
                    None => (f64::NAN, flags::MISSING),
                },
            };
        }
        let (value, f) = f(&args);
        points.push(Point::new(t, f, value));
    }
    Ok(Series {
        points,
        curve,
        resolution,
        time_zone: shaped.first().and_then(|s| s.time_zone),
    })
}

fn series_op(op: BinOp, a: Operand, b: Operand, zones: &Zones) -> Result<Series, CalcError> {
    pointwise(&[a, b], zones, |v| combine(op, v[0], v[1]))
}

fn type_error(op: BinOp, a: &Value, b: &Value) -> CalcError {
    CalcError::Type(format!(
        "{op:?} of {} and {} is not defined",
        a.kind(),
        b.kind()
    ))
}

/// `a op b` for any two values.
pub fn binary(op: BinOp, a: Value, b: Value, zones: &Zones) -> Result<Value, CalcError> {
    use Value::*;
    Ok(match (&a, &b) {
        (Number(x), Number(y)) => Number(combine(op, number_point(*x), number_point(*y)).0),
        (Series(s), Number(y)) => Series(series_op(
            op,
            Operand::Series(s),
            Operand::Const(*y),
            zones,
        )?),
        (Number(x), Series(s)) => Series(series_op(
            op,
            Operand::Const(*x),
            Operand::Series(s),
            zones,
        )?),
        (Series(s), Series(t)) => Series(series_op(
            op,
            Operand::Series(s),
            Operand::Series(t),
            zones,
        )?),
        (Numbers(xs), Number(y)) => Numbers(
            xs.iter()
                .map(|x| combine(op, number_point(*x), number_point(*y)).0)
                .collect(),
        ),
        (Number(x), Numbers(ys)) => Numbers(
            ys.iter()
                .map(|y| combine(op, number_point(*x), number_point(*y)).0)
                .collect(),
        ),
        (Numbers(xs), Numbers(ys)) if xs.len() == ys.len() => Numbers(
            xs.iter()
                .zip(ys)
                .map(|(x, y)| combine(op, number_point(*x), number_point(*y)).0)
                .collect(),
        ),
        (SeriesList(list), Number(_) | Series(_)) => SeriesList(
            list.iter()
                .map(|s| match &b {
                    Number(y) => series_op(op, Operand::Series(s), Operand::Const(*y), zones),
                    Series(t) => series_op(op, Operand::Series(s), Operand::Series(t), zones),
                    _ => Err(type_error(op, &a, &b)),
                })
                .collect::<Result<_, _>>()?,
        ),
        (Number(_) | Series(_), SeriesList(list)) => SeriesList(
            list.iter()
                .map(|t| match &a {
                    Number(x) => series_op(op, Operand::Const(*x), Operand::Series(t), zones),
                    Series(s) => series_op(op, Operand::Series(s), Operand::Series(t), zones),
                    _ => Err(type_error(op, &a, &b)),
                })
                .collect::<Result<_, _>>()?,
        ),
        (SeriesList(xs), SeriesList(ys)) if xs.len() == ys.len() => SeriesList(
            xs.iter()
                .zip(ys)
                .map(|(s, t)| series_op(op, Operand::Series(s), Operand::Series(t), zones))
                .collect::<Result<_, _>>()?,
        ),
        _ => return Err(type_error(op, &a, &b)),
    })
}

/// `-x`.
pub fn negate(v: Value) -> Result<Value, CalcError> {
    Ok(match v {
        Value::Number(x) => Value::Number(-x),
        Value::Numbers(xs) => Value::Numbers(xs.into_iter().map(|x| -x).collect()),
        Value::Series(s) => Value::Series(map_values(s, |x| -x)),
        Value::SeriesList(list) => {
            Value::SeriesList(list.into_iter().map(|s| map_values(s, |x| -x)).collect())
        }
        other => {
            return Err(CalcError::Type(format!(
                "negation of {} is not defined",
                other.kind()
            )))
        }
    })
}

/// `f` applied to every value (NaN stays NaN).
pub fn map_values(mut s: Series, f: impl Fn(f64) -> f64) -> Series {
    for p in &mut s.points {
        if p.is_valid() {
            p.value = f(p.value);
        }
    }
    s
}

/// The point-wise sum of several series, by the rules of `+`; an empty list
/// gives the empty series at `start`.
pub fn sum_series(list: &[Series], start: i64, zones: &Zones) -> Result<Series, CalcError> {
    if list.is_empty() {
        return Ok(Series::empty_at(start));
    }
    let operands: Vec<Operand> = list.iter().map(Operand::Series).collect();
    pointwise(&operands, zones, |values| {
        values
            .iter()
            .copied()
            .reduce(|acc, v| combine(BinOp::Add, acc, v))
            .unwrap_or((f64::NAN, flags::MISSING))
    })
}
