//! What an expression computes to, between the evaluator, the functions
//! and point-wise arithmetic. Its own module so that arithmetic can work on
//! values without depending on the evaluator that produces them.

use super::error::CalcError;
use super::series::Series;

/// A value inside an expression.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Number(f64),
    Numbers(Vec<f64>),
    Text(String),
    Texts(Vec<String>),
    /// A time point, UTC ms.
    Time(i64),
    Series(Series),
    SeriesList(Vec<Series>),
    /// What a call made for its side effect gives.
    Nothing,
}

impl Value {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Number(_) => "a number",
            Value::Numbers(_) => "a list of numbers",
            Value::Text(_) => "a string",
            Value::Texts(_) => "a list of strings",
            Value::Time(_) => "a time point",
            Value::Series(_) => "a time series",
            Value::SeriesList(_) => "a list of time series",
            Value::Nothing => "no value",
        }
    }

    pub(crate) fn into_series(self, what: &str) -> Result<Series, CalcError> {
        match self {
            Value::Series(s) => Ok(s),
            other => Err(CalcError::Type(format!(
                "{what} must be a time series, not {}",
                other.kind()
            ))),
        }
    }

    pub(crate) fn into_text(self, what: &str) -> Result<String, CalcError> {
        match self {
            Value::Text(s) => Ok(s),
            other => Err(CalcError::Type(format!(
                "{what} must be a string, not {}",
                other.kind()
            ))),
        }
    }
}
