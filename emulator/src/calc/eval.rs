//! The evaluator: computes the parsed expression of `##` over an interval,
//! asking its host for searches and series points. Values are computed
//! lazily per interval (a transformation asks its argument for the whole
//! periods it needs) and each variable once per interval.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use chrono_tz::Tz;

use super::arith::{binary, negate, pointwise, Operand};
use super::ast::Expr;
use super::error::CalcError;
use super::history::Changes;
use super::parser::parse;
use super::series::{flags, Interval, Series};
use super::time::{parse_time_point, Zone, Zones};
use super::value::Value;

/// What the engine needs from the server around it. The emulator implements
/// it over its model store and sessions; tests over a few series in memory.
///
/// Searches run relative to a context (the object, attribute or series a
/// calculation is relative to); a search that finds nothing answers an empty
/// list, not an error. A series found through a time-dependent
/// (versioned) relation is best given as a reference that knows its
/// validity, with `read` answering NaN (flagged `MISSING`) outside it.
pub trait Host {
    /// Where searches start: what `relative_to` names.
    type Context;
    /// A series found by a search, enough for `read` to read it.
    type SeriesRef;

    /// `@t()`: the series the context itself names (an error when the
    /// context is not a time series or a time series attribute).
    fn context_series(&self, context: &Self::Context) -> Result<Self::SeriesRef, CalcError>;

    /// `%'<path>'`: the series of the resource catalog at `path` (written
    /// `/Catalog/.../name`), `None` when there is none. Hosts without a
    /// catalog refuse it.
    fn catalog_series(&self, path: &str) -> Result<Option<Self::SeriesRef>, CalcError> {
        Err(CalcError::Unsupported(format!(
            "references to series by catalog path (%'...'), here %'{path}'"
        )))
    }

    /// `@t('<query>')`, `@T('<query>')`: the series a search finds.
    fn search_series(
        &self,
        context: &Self::Context,
        query: &str,
    ) -> Result<Vec<Self::SeriesRef>, CalcError>;

    /// `@d('<query>')`, `@D('<query>')`: the numbers a search finds (every
    /// value of every numeric attribute found, in order).
    fn search_numbers(&self, context: &Self::Context, query: &str) -> Result<Vec<f64>, CalcError>;

    /// `@s('<query>')`, `@S('<query>')`: the strings a search finds.
    fn search_strings(
        &self,
        context: &Self::Context,
        query: &str,
    ) -> Result<Vec<String>, CalcError>;

    /// The points of `series` over `interval` as the calculating session
    /// sees them (its own uncommitted writes included), shaped like a
    /// `ReadTimeseries` answer: a linear series includes the first point at
    /// or after the end; a breakpoint series starts with the point in force
    /// at the start; positions of a fixed resolution without a stored value
    /// may come as NaN points or be left out (both read as missing). A
    /// calculated series is evaluated here, by calling `evaluate` again
    /// relative to its own attribute; `evaluate` counts the nesting and
    /// refuses a cycle.
    fn read(&self, series: &Self::SeriesRef, interval: Interval) -> Result<Series, CalcError>;

    /// Runs `f` and tells, with its result, when the points of the stored
    /// series `read` read meanwhile (through calculated series too) last
    /// changed: what `@GetTsAsOfTime` and `@GetTsHistoricalVersions` need
    /// to know whether the current points answer them. A host that keeps
    /// no record of changes reports none.
    fn watch_changes<T>(&self, f: impl FnOnce() -> T) -> (T, Changes) {
        (f(), Changes::default())
    }

    /// The server's local zone (LOCAL is it with daylight saving, STANDARD
    /// without).
    fn local_zone(&self) -> Tz;

    /// Where periods lie when an expression names no zone and a series has
    /// none of its own: UTC+1 without daylight saving, as the official tests'
    /// server is configured.
    fn default_zone(&self) -> Zone {
        Zone::Fixed(3600)
    }
}

/// A calculation's answer, one of the three kinds the wire carries.
#[derive(Clone, Debug, PartialEq)]
pub enum CalcResult {
    Series(Vec<Series>),
    Numbers(Vec<f64>),
    Strings(Vec<String>),
}

/// How deep calculations may nest through calculated series.
pub const MAX_DEPTH: usize = 32;

/// How deep evaluation may recurse in all, through nested calculations
/// too: within what a 2 MB thread stack holds.
pub const MAX_EVAL_DEPTH: usize = 400;

thread_local! {
    static CALC_DEPTH: Cell<usize> = const { Cell::new(0) };
    static EVAL_DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Counts one level of nesting on this thread for as long as it lives.
struct Nesting(&'static std::thread::LocalKey<Cell<usize>>);

impl Nesting {
    fn enter(
        counter: &'static std::thread::LocalKey<Cell<usize>>,
        limit: usize,
        error: impl FnOnce() -> CalcError,
    ) -> Result<Nesting, CalcError> {
        let depth = counter.with(Cell::get);
        if depth >= limit {
            return Err(error());
        }
        counter.with(|d| d.set(depth + 1));
        Ok(Nesting(counter))
    }
}

impl Drop for Nesting {
    fn drop(&mut self) {
        self.0.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

pub(crate) fn zones_of<H: Host>(host: &H) -> Zones {
    Zones {
        local: host.local_zone(),
        default: host.default_zone(),
    }
}

fn check_interval(interval: Interval) -> Result<(), CalcError> {
    if interval.start > interval.end {
        return Err(CalcError::InvalidArgument(format!(
            "the interval ends ({}) before it starts ({})",
            interval.end, interval.start
        )));
    }
    Ok(())
}

/// Evaluates `expression` over `interval`, relative to `context`.
pub fn evaluate<H: Host>(
    expression: &str,
    interval: Interval,
    context: &H::Context,
    host: &H,
) -> Result<CalcResult, CalcError> {
    check_interval(interval)?;
    let _depth = Nesting::enter(&CALC_DEPTH, MAX_DEPTH, || CalcError::TooDeep(MAX_DEPTH))?;
    let Some(result) = parse(expression)? else {
        return Err(CalcError::InvalidArgument(
            "the expression does not set its result (## = ...)".to_string(),
        ));
    };
    let evaluator = Evaluator {
        host,
        context,
        zones: zones_of(host),
        memo: RefCell::new(HashMap::new()),
    };
    match evaluator.eval(&result, interval)? {
        Value::Series(s) => Ok(CalcResult::Series(vec![s])),
        Value::SeriesList(list) => Ok(CalcResult::Series(list)),
        Value::Number(n) => Ok(CalcResult::Numbers(vec![n])),
        Value::Numbers(list) => Ok(CalcResult::Numbers(list)),
        Value::Text(s) => Ok(CalcResult::Strings(vec![s])),
        Value::Texts(list) => Ok(CalcResult::Strings(list)),
        other => Err(CalcError::Type(format!(
            "the result (##) is {}, not series, numbers or strings",
            other.kind()
        ))),
    }
}

pub(crate) struct Evaluator<'a, H: Host> {
    pub(crate) host: &'a H,
    pub(crate) context: &'a H::Context,
    pub(crate) zones: Zones,
    /// Variable values by (expression address, interval).
    memo: RefCell<HashMap<(usize, Interval), Value>>,
}

impl<H: Host> Evaluator<'_, H> {
    /// Evaluates `expr` and tells when the stored points it read last
    /// changed. It starts without remembered variables, so that every
    /// series it depends on is read, and seen, again.
    pub(crate) fn eval_watched(
        &self,
        expr: &Rc<Expr>,
        iv: Interval,
    ) -> Result<(Value, Changes), CalcError> {
        let fresh = Evaluator {
            host: self.host,
            context: self.context,
            zones: self.zones,
            memo: RefCell::new(HashMap::new()),
        };
        let (value, changes) = self.host.watch_changes(|| fresh.eval(expr, iv));
        Ok((value?, changes))
    }

    pub(crate) fn eval(&self, expr: &Rc<Expr>, iv: Interval) -> Result<Value, CalcError> {
        let _depth = Nesting::enter(&EVAL_DEPTH, MAX_EVAL_DEPTH, || {
            CalcError::TooLarge(format!(
                "evaluation nested more than {MAX_EVAL_DEPTH} deep (calculated series within calculated series)"
            ))
        })?;
        match expr.as_ref() {
            Expr::Num(n) => Ok(Value::Number(*n)),
            Expr::Str(s) => Ok(Value::Text(s.clone())),
            Expr::Time(s) => Ok(Value::Time(parse_time_point(s, &self.zones)?)),
            Expr::Catalog(path) => match self.host.catalog_series(path)? {
                Some(series) => Ok(Value::Series(self.host.read(&series, iv)?)),
                None => Err(CalcError::Host(format!(
                    "time series not found: no series at %'{path}' in the resource catalog"
                ))),
            },
            Expr::List(items) => self.list(items, iv),
            Expr::Var(inner) => {
                let key = (Rc::as_ptr(inner) as usize, iv);
                if let Some(v) = self.memo.borrow().get(&key) {
                    return Ok(v.clone());
                }
                let value = self.eval(inner, iv)?;
                self.memo.borrow_mut().insert(key, value.clone());
                Ok(value)
            }
            Expr::Neg(inner) => negate(self.eval(inner, iv)?),
            Expr::Bin(op, a, b) => {
                let a = self.eval(a, iv)?;
                let b = self.eval(b, iv)?;
                binary(*op, a, b, &self.zones)
            }
            Expr::Call(func, name, args) => self.call(*func, name, args, iv),
            Expr::Select {
                name,
                cond,
                then,
                otherwise,
            } => self.select(name, cond, then.as_ref(), otherwise.as_ref(), iv),
        }
    }

    fn list(&self, items: &[Rc<Expr>], iv: Interval) -> Result<Value, CalcError> {
        let values = items
            .iter()
            .map(|e| self.eval(e, iv))
            .collect::<Result<Vec<_>, _>>()?;
        if values.iter().all(|v| matches!(v, Value::Number(_))) {
            return Ok(Value::Numbers(
                values
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::Number(n) => Some(n),
                        _ => None,
                    })
                    .collect(),
            ));
        }
        if values.iter().all(|v| matches!(v, Value::Text(_))) {
            return Ok(Value::Texts(
                values
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::Text(s) => Some(s),
                        _ => None,
                    })
                    .collect(),
            ));
        }
        if values.iter().all(|v| matches!(v, Value::Series(_))) {
            return Ok(Value::SeriesList(
                values
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::Series(s) => Some(s),
                        _ => None,
                    })
                    .collect(),
            ));
        }
        Err(CalcError::Type(
            "a list {...} must hold only numbers, only strings or only series".to_string(),
        ))
    }

    /// A variable after an IF: where the condition holds (a number not 0, or
    /// per point of a series) the value set inside, else the other one.
    fn select(
        &self,
        name: &str,
        cond: &Rc<Expr>,
        then: Option<&Rc<Expr>>,
        otherwise: Option<&Rc<Expr>>,
        iv: Interval,
    ) -> Result<Value, CalcError> {
        match self.eval(cond, iv)? {
            Value::Number(c) => {
                let holds = !c.is_nan() && c != 0.0;
                let branch = if holds { then } else { otherwise };
                match branch {
                    Some(e) => self.eval(e, iv),
                    None => Err(CalcError::Type(format!(
                        "'{name}' has no value when the IF condition is {}",
                        if holds { "true" } else { "false" }
                    ))),
                }
            }
            Value::Series(c) => {
                let branch = |e: Option<&Rc<Expr>>| -> Result<Option<Value>, CalcError> {
                    e.map(|e| self.eval(e, iv)).transpose()
                };
                let then_v = branch(then)?;
                let else_v = branch(otherwise)?;
                fn as_operand<'v>(
                    v: &'v Option<Value>,
                    name: &str,
                ) -> Result<Operand<'v>, CalcError> {
                    match v {
                        None => Ok(Operand::Missing),
                        Some(Value::Number(n)) => Ok(Operand::Const(*n)),
                        Some(Value::Series(s)) => Ok(Operand::Series(s)),
                        Some(other) => Err(CalcError::Type(format!(
                            "'{name}' is {} and cannot be chosen point by point by an IF on a series",
                            other.kind()
                        ))),
                    }
                }
                let operands = [
                    Operand::Series(&c),
                    as_operand(&then_v, name)?,
                    as_operand(&else_v, name)?,
                ];
                let series = pointwise(&operands, &self.zones, |v| {
                    let (c, cf) = v[0];
                    if c.is_nan() {
                        (f64::NAN, cf | flags::MISSING)
                    } else if c != 0.0 {
                        v[1]
                    } else {
                        v[2]
                    }
                })?;
                Ok(Value::Series(series))
            }
            other => Err(CalcError::Type(format!(
                "an IF condition must be a number or a series, not {}",
                other.kind()
            ))),
        }
    }
}

/// Reads `series` through `host` and transforms it (`ReadTransformedTimeseries`).
pub fn read_transformed<H: Host>(
    host: &H,
    series: &H::SeriesRef,
    interval: Interval,
    spec: &super::transform::TransformSpec,
) -> Result<Series, CalcError> {
    check_interval(interval)?;
    let zones = zones_of(host);
    let mut read = |iv: Interval| host.read(series, iv);
    super::transform::transform_with(&mut read, interval, spec, &zones)
}
