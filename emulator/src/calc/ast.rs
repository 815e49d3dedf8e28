//! The tree the parser builds and the evaluator walks, and the names and
//! argument counts of the functions a call may name. They live apart from
//! both so that the parser can check calls without knowing how functions
//! compute, and the functions can take their arguments as unevaluated
//! expressions without depending on the parser.

use std::ops::RangeInclusive;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug)]
pub enum Expr {
    Num(f64),
    Str(String),
    /// A bare time literal's text.
    Time(String),
    /// `%'<catalog path>'`: a time series of the resource catalog.
    Catalog(String),
    /// `{a, b, ...}`.
    List(Vec<Rc<Expr>>),
    /// A variable's value; shared by every use, so computed once per
    /// interval.
    Var(Rc<Expr>),
    Neg(Rc<Expr>),
    Bin(BinOp, Rc<Expr>, Rc<Expr>),
    Call(Func, String, Vec<Rc<Expr>>),
    /// `name` after an IF: `then` where `cond` holds, else `otherwise`
    /// (`None`: the name had no value there).
    Select {
        name: String,
        cond: Rc<Expr>,
        then: Option<Rc<Expr>>,
        otherwise: Option<Rc<Expr>>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// `@t`
    SeriesOne,
    /// `@T`
    SeriesMany,
    /// `@d`
    NumberOne,
    /// `@D`
    NumberMany,
    /// `@s`
    StringOne,
    /// `@S`
    StringMany,
    Sum,
    Transform,
    Ts,
    Abs,
    GetAllForecasts,
    GetForecast,
    GetTsHistoricalVersions,
    GetTsAsOfTime,
    PdLog,
}

pub struct FuncSpec {
    pub func: Func,
    pub arity: RangeInclusive<usize>,
}

impl FuncSpec {
    pub fn arity_text(&self) -> String {
        let (lo, hi) = (self.arity.start(), self.arity.end());
        if lo == hi {
            lo.to_string()
        } else {
            format!("{lo} to {hi}")
        }
    }
}

/// The function called `name` (after `@`). The lookups are one letter and
/// case-sensitive (`@t` one series, `@T` a list); the others are not.
pub fn lookup(name: &str) -> Option<FuncSpec> {
    let (func, arity) = match name {
        "t" => (Func::SeriesOne, 0..=2),
        "T" => (Func::SeriesMany, 0..=2),
        "d" => (Func::NumberOne, 1..=2),
        "D" => (Func::NumberMany, 1..=2),
        "s" => (Func::StringOne, 1..=2),
        "S" => (Func::StringMany, 1..=2),
        _ => match name.to_ascii_uppercase().as_str() {
            "SUM" => (Func::Sum, 1..=1),
            "TRANSFORM" => (Func::Transform, 3..=4),
            "TS" => (Func::Ts, 1..=3),
            "ABS" => (Func::Abs, 1..=1),
            "GETALLFORECASTS" => (Func::GetAllForecasts, 1..=1),
            "GETFORECAST" => (Func::GetForecast, 1..=4),
            "GETTSHISTORICALVERSIONS" => (Func::GetTsHistoricalVersions, 2..=2),
            "GETTSASOFTIME" => (Func::GetTsAsOfTime, 2..=3),
            "PDLOG" => (Func::PdLog, 0..=4),
            _ => return None,
        },
    };
    Some(FuncSpec { func, arity })
}
