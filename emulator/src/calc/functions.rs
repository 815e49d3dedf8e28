//! What each function an expression may call computes. Their names and
//! argument counts are in `ast`, checked while parsing, so that an
//! unsupported function is refused before anything is read.
//!
//! The model keeps no forecasts: `@GetAllForecasts` gives an empty list
//! and `@GetForecast` a series of NaN shaped like its argument (Mesh's
//! answer when no forecast starts in the window). Nor does the host keep
//! history, only when a series' points last changed (see `history`):
//! `@GetTsAsOfTime` gives the series as it is when it has not changed
//! since the as-of time, and `@GetTsHistoricalVersions` an empty list when
//! it never changed while the server ran; otherwise both are refused as
//! unsupported, never answered with the current points.

use std::rc::Rc;

use super::arith::{map_values, sum_series};
use super::ast::{Expr, Func};
use super::curve::own_calendar;
use super::error::CalcError;
use super::eval::{Evaluator, Host};
use super::history::{check_as_of, check_versions};
use super::series::{flags, Curve, Interval, Point, Resolution, Series};
use super::time::{parse_time_point, ticks_to_ms, Calendar};
use super::transform::{period_grid, transform_with, Method, TransformSpec, TransformZone};
use super::value::Value;

/// NaN points shaped like `shape` over `iv`: its own grid for a fixed
/// resolution, one point at the start for breakpoint.
fn nan_like(shape: &Series, iv: Interval, zones: &super::time::Zones) -> Result<Series, CalcError> {
    let points = match own_calendar(shape, zones)? {
        None => vec![Point::missing(iv.start, 0)],
        Some(c) => period_grid(&c, shape.curve.is_linear(), iv)?
            .into_iter()
            .map(|(t, _)| Point::missing(t, 0))
            .collect(),
    };
    Ok(Series {
        points,
        ..shape.clone()
    })
}

impl<H: Host> Evaluator<'_, H> {
    fn text_arg(&self, arg: &Rc<Expr>, iv: Interval, what: &str) -> Result<String, CalcError> {
        self.eval(arg, iv)?.into_text(what)
    }

    /// A time point given as a time literal, a time point string or ticks.
    fn time_value(&self, v: Value, what: &str) -> Result<i64, CalcError> {
        match v {
            Value::Time(t) => Ok(t),
            Value::Text(s) => parse_time_point(&s, &self.zones),
            Value::Number(n) => ticks_to_ms(n),
            other => Err(CalcError::Type(format!(
                "{what} must be a time point, not {}",
                other.kind()
            ))),
        }
    }

    fn series_refs(
        &self,
        args: &[Rc<Expr>],
        iv: Interval,
        name: &str,
    ) -> Result<Vec<H::SeriesRef>, CalcError> {
        match args.first() {
            None => Ok(vec![self.host.context_series(self.context)?]),
            Some(q) => {
                let query = self.text_arg(q, iv, &format!("@{name}'s search"))?;
                self.host.search_series(self.context, &query)
            }
        }
    }

    pub(crate) fn call(
        &self,
        func: Func,
        name: &str,
        args: &[Rc<Expr>],
        iv: Interval,
    ) -> Result<Value, CalcError> {
        let default = |i: usize| args.get(i).map(|e| self.eval(e, iv)).transpose();
        match func {
            Func::SeriesOne => {
                let mut refs = self.series_refs(args, iv, name)?;
                match refs.len() {
                    0 => Ok(default(1)?.unwrap_or(Value::Series(Series::empty_at(iv.start)))),
                    1 => {
                        let r = refs.remove(0);
                        Ok(Value::Series(self.host.read(&r, iv)?))
                    }
                    n => Err(CalcError::InvalidArgument(format!(
                        "@t found {n} time series where one was expected (@T gives a list)"
                    ))),
                }
            }
            Func::SeriesMany => {
                let refs = self.series_refs(args, iv, name)?;
                if refs.is_empty() {
                    if let Some(v) = default(1)? {
                        return Ok(v);
                    }
                }
                let list = refs
                    .iter()
                    .map(|r| self.host.read(r, iv))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Value::SeriesList(list))
            }
            Func::NumberOne | Func::NumberMany => {
                let query = self.text_arg(&args[0], iv, &format!("@{name}'s search"))?;
                let found = self.host.search_numbers(self.context, &query)?;
                if found.is_empty() {
                    if let Some(v) = default(1)? {
                        return Ok(v);
                    }
                }
                if func == Func::NumberMany {
                    return Ok(Value::Numbers(found));
                }
                match found.as_slice() {
                    [] => Ok(Value::Number(f64::NAN)),
                    [one] => Ok(Value::Number(*one)),
                    more => Err(CalcError::InvalidArgument(format!(
                        "@d('{query}') found {} numbers where one was expected (@D gives a list)",
                        more.len()
                    ))),
                }
            }
            Func::StringOne | Func::StringMany => {
                let query = self.text_arg(&args[0], iv, &format!("@{name}'s search"))?;
                let mut found = self.host.search_strings(self.context, &query)?;
                if found.is_empty() {
                    if let Some(v) = default(1)? {
                        return Ok(v);
                    }
                }
                if func == Func::StringMany {
                    return Ok(Value::Texts(found));
                }
                match found.len() {
                    0 => Ok(Value::Text(String::new())),
                    1 => Ok(Value::Text(found.remove(0))),
                    n => Err(CalcError::InvalidArgument(format!(
                        "@s('{query}') found {n} strings where one was expected (@S gives a list)"
                    ))),
                }
            }
            Func::Sum => match self.eval(&args[0], iv)? {
                Value::Series(s) => Ok(Value::Number(sum_of_values(
                    s.points.iter().map(|p| p.value),
                ))),
                Value::Numbers(xs) => Ok(Value::Number(sum_of_values(xs.into_iter()))),
                Value::SeriesList(list) => {
                    Ok(Value::Series(sum_series(&list, iv.start, &self.zones)?))
                }
                other => Err(CalcError::Type(format!(
                    "@SUM takes a series, a list of series or a list of numbers, not {}",
                    other.kind()
                ))),
            },
            Func::Transform => self.transform(args, iv),
            Func::Ts => self.constant_series(args, iv),
            Func::Abs => match self.eval(&args[0], iv)? {
                Value::Number(x) => Ok(Value::Number(x.abs())),
                Value::Numbers(xs) => Ok(Value::Numbers(xs.into_iter().map(f64::abs).collect())),
                Value::Series(s) => Ok(Value::Series(map_values(s, f64::abs))),
                Value::SeriesList(list) => Ok(Value::SeriesList(
                    list.into_iter().map(|s| map_values(s, f64::abs)).collect(),
                )),
                other => Err(CalcError::Type(format!(
                    "@ABS takes numbers or series, not {}",
                    other.kind()
                ))),
            },
            Func::GetAllForecasts => {
                self.eval(&args[0], iv)?
                    .into_series("@GetAllForecasts' argument")?;
                Ok(Value::SeriesList(Vec::new()))
            }
            Func::GetForecast => {
                let series = self
                    .eval(&args[0], iv)?
                    .into_series("@GetForecast's first argument")?;
                for (i, arg) in args.iter().enumerate().skip(1) {
                    let v = self.eval(arg, iv)?;
                    self.time_value(v, &format!("@GetForecast's argument {}", i + 1))?;
                }
                Ok(Value::Series(nan_like(&series, iv, &self.zones)?))
            }
            Func::GetTsHistoricalVersions => {
                let (series, changes) = self.eval_watched(&args[0], iv)?;
                series.into_series("@GetTsHistoricalVersions' first argument")?;
                match self.eval(&args[1], iv)? {
                    Value::Number(n) if n >= 0.0 && n.fract() == 0.0 => {}
                    other => {
                        return Err(CalcError::InvalidArgument(format!(
                            "@GetTsHistoricalVersions' count must be a whole number, not {}",
                            match other {
                                Value::Number(n) => n.to_string(),
                                v => v.kind().to_string(),
                            }
                        )))
                    }
                }
                check_versions(changes)?;
                Ok(Value::SeriesList(Vec::new()))
            }
            Func::GetTsAsOfTime => {
                if args.len() == 3 {
                    return Err(CalcError::Unsupported(
                        "@GetTsAsOfTime with a third argument (Delta, DeltaNaNIsNaN, ExactTime)"
                            .to_string(),
                    ));
                }
                let (series, changes) = self.eval_watched(&args[0], iv)?;
                let series = series.into_series("@GetTsAsOfTime's first argument")?;
                let what = "@GetTsAsOfTime's second argument";
                let (times, list) = match self.eval(&args[1], iv)? {
                    Value::Numbers(xs) => (
                        xs.iter()
                            .map(|x| ticks_to_ms(*x))
                            .collect::<Result<Vec<_>, _>>()?,
                        true,
                    ),
                    Value::Texts(texts) => (
                        texts
                            .iter()
                            .map(|t| parse_time_point(t, &self.zones))
                            .collect::<Result<Vec<_>, _>>()?,
                        true,
                    ),
                    v => (vec![self.time_value(v, what)?], false),
                };
                for t in &times {
                    check_as_of(changes, *t)?;
                }
                Ok(if list {
                    Value::SeriesList(vec![series; times.len()])
                } else {
                    Value::Series(series)
                })
            }
            Func::PdLog => Ok(Value::Nothing),
        }
    }

    /// `@TRANSFORM(t, 'RES', 'METHOD'[, 'ZONE'])`.
    fn transform(&self, args: &[Rc<Expr>], iv: Interval) -> Result<Value, CalcError> {
        let resolution = match self.eval(&args[1], iv)? {
            Value::Text(s) => Resolution::from_name(&s)
                .ok_or_else(|| CalcError::InvalidArgument(format!("'{s}' is not a resolution")))?,
            Value::Number(_) => {
                return Err(CalcError::Unsupported(
                    "@TRANSFORM to periods given in seconds".to_string(),
                ))
            }
            Value::Series(_) => {
                return Err(CalcError::Unsupported(
                    "@TRANSFORM to the periods of a series".to_string(),
                ))
            }
            other => {
                return Err(CalcError::Type(format!(
                    "@TRANSFORM's resolution must be a string, not {}",
                    other.kind()
                )))
            }
        };
        if resolution == Resolution::Breakpoint {
            return Err(CalcError::Unsupported(
                "@TRANSFORM to 'VARINT' (breakpoint)".to_string(),
            ));
        }
        let method_name = self.text_arg(&args[2], iv, "@TRANSFORM's method")?;
        let method = Method::from_name(&method_name).ok_or_else(|| {
            CalcError::InvalidArgument(format!(
                "'{method_name}' is not a transformation method (SUM, SUMI, AVG, AVGI, FIRST, LAST, MIN, MAX)"
            ))
        })?;
        let zone = match args.get(3) {
            Some(z) => TransformZone::from_name(&self.text_arg(z, iv, "@TRANSFORM's time zone")?),
            None => TransformZone::Default,
        };
        let spec = TransformSpec {
            resolution,
            method,
            zone,
        };
        let mut read = |i: Interval| {
            self.eval(&args[0], i)?
                .into_series("@TRANSFORM's first argument")
        };
        Ok(Value::Series(transform_with(
            &mut read,
            iv,
            &spec,
            &self.zones,
        )?))
    }

    /// `@TS('RES'[, 'CURVE'][, value])`: a constant series over the interval
    /// (NaN when no value is given); one point at the start for `VARINT`.
    fn constant_series(&self, args: &[Rc<Expr>], iv: Interval) -> Result<Value, CalcError> {
        let res_name = self.text_arg(&args[0], iv, "@TS's resolution")?;
        let resolution = Resolution::from_name(&res_name).ok_or_else(|| {
            CalcError::InvalidArgument(format!("'{res_name}' is not a resolution"))
        })?;
        let mut curve = Curve::StaircaseStartOfStep;
        let mut value = f64::NAN;
        for (i, arg) in args.iter().enumerate().skip(1) {
            match self.eval(arg, iv)? {
                Value::Text(c) if i == 1 => {
                    // Case-sensitive, as Mesh documents it.
                    curve = match c.as_str() {
                        "NONE" | "STEP" => Curve::StaircaseStartOfStep,
                        "LINEAR" => Curve::PiecewiseLinear,
                        _ => {
                            return Err(CalcError::InvalidArgument(format!(
                                "'{c}' is not a curve type (NONE, STEP, LINEAR)"
                            )))
                        }
                    }
                }
                Value::Number(n) if i == args.len() - 1 => value = n,
                other => {
                    return Err(CalcError::Type(format!(
                        "@TS's argument {} cannot be {}",
                        i + 1,
                        other.kind()
                    )))
                }
            }
        }
        let point = |t: i64| {
            if value.is_nan() {
                Point::missing(t, 0)
            } else {
                Point::new(t, flags::OK, value)
            }
        };
        let points = if resolution == Resolution::Breakpoint {
            vec![point(iv.start)]
        } else {
            let calendar = Calendar::new(resolution, self.zones.default)?;
            period_grid(&calendar, curve.is_linear(), iv)?
                .into_iter()
                .map(|(t, _)| point(t))
                .collect()
        };
        Ok(Value::Series(Series::new(points, curve, resolution)))
    }
}

/// The sum of the values that are not NaN; NaN when there are none.
fn sum_of_values(values: impl Iterator<Item = f64>) -> f64 {
    values
        .filter(|v| !v.is_nan())
        .fold(None, |acc: Option<f64>, v| Some(acc.unwrap_or(0.0) + v))
        .unwrap_or(f64::NAN)
}
