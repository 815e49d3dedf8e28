//! The one place where calculations plug in. Calculated time series
//! attributes (a local expression, else the definition's template) and
//! virtual series are read through `evaluate`; so will `RunCalculation`
//! and transformed reads be. The emulator has no calculation engine yet,
//! so every evaluation is answered UNIMPLEMENTED, saying what could not be
//! calculated.

use tonic::Status;
use uuid::Uuid;

use crate::store::{Point, Store, View};

/// What an expression is evaluated for: its `@t('.X')` searches start there.
#[allow(dead_code)] // Read by the calculation engine when it lands.
#[derive(Clone, Copy, Debug)]
pub(crate) enum RelativeTo {
    /// A time series attribute (searches start at its object).
    Attribute(Uuid),
    /// A virtual series of the catalog.
    Resource(Uuid),
}

/// One evaluation of a series expression over `[start, end)`.
#[allow(dead_code)] // Read by the calculation engine when it lands.
pub(crate) struct Calculation<'a> {
    pub(crate) expression: &'a str,
    pub(crate) relative_to: RelativeTo,
    /// What is being calculated, for messages (a path).
    pub(crate) what: &'a str,
    pub(crate) start: i64,
    pub(crate) end: i64,
}

/// A calculated series.
pub(crate) struct Evaluated {
    pub(crate) points: Vec<Point>,
    pub(crate) resolution: i32,
}

/// Evaluates `calculation` in session `session`, whose view is `view`;
/// the store gives the points of the series the expression reads.
pub(crate) fn evaluate(
    _store: &Store,
    _session: Uuid,
    _view: &View,
    calculation: &Calculation<'_>,
) -> Result<Evaluated, Status> {
    Err(unavailable(&format!(
        "{} is calculated from an expression",
        calculation.what
    )))
}

/// The answer to anything that needs a calculation.
pub(crate) fn unavailable(what: &str) -> Status {
    Status::unimplemented(format!(
        "{what}, and the emulator has no calculation engine yet"
    ))
}
