//! Where a time series' points come from: a physical resource's stored
//! points, or an expression (a virtual resource's, or a time series
//! attribute's local expression, else its definition's template). The one
//! answer `ReadTimeseries`, `ReadTransformedTimeseries` and calculations
//! share.

use tonic::Status;
use uuid::Uuid;

use crate::store::model::{Kind, Value};
use crate::store::{Resource, View};
use crate::wire::braced;

/// What an expression is evaluated relative to: where its `@t('.X')`
/// searches start, and what `@t()` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RelativeTo {
    /// An object: searches start there; it has no series of its own.
    Object(Uuid),
    /// An attribute: searches start at its object; `@t()` is the attribute.
    Attribute(Uuid),
    /// A resource of the catalog: `@t()` is it; there is nothing to search
    /// from.
    Resource(Uuid),
    /// Nothing (a calculation without `relative_to`).
    Nothing,
}

pub(crate) enum Source {
    /// A physical series: stored points.
    Stored(Resource),
    /// A virtual series or a calculated attribute.
    Calculated {
        expression: String,
        relative_to: RelativeTo,
        /// What is calculated (a path), for messages.
        what: String,
    },
}

/// Why an attribute has no points to read.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum NoSource {
    /// The attribute does not exist (in this session's view).
    NotFound(Uuid),
    /// It is not a time series attribute; its path.
    NotTimeseries(String),
    /// A time series attribute with neither a resource nor an expression;
    /// its path.
    Unconnected(String),
}

impl NoSource {
    pub(crate) fn status(&self) -> Status {
        match self {
            NoSource::NotFound(id) => {
                Status::not_found(format!("attribute {} not found", braced(*id)))
            }
            NoSource::NotTimeseries(path) => Status::invalid_argument(format!(
                "Invalid type: {path} is not a time series attribute"
            )),
            NoSource::Unconnected(path) => Status::not_found(format!(
                "time series not found: {path} has no time series resource connected and no expression"
            )),
        }
    }
}

pub(crate) fn of_resource(resource: &Resource) -> Source {
    match &resource.expression {
        Some(expression) => Source::Calculated {
            expression: expression.clone(),
            relative_to: RelativeTo::Resource(resource.id),
            what: resource.path.clone(),
        },
        None => Source::Stored(resource.clone()),
    }
}

/// The source of time series attribute `id`: a connected resource is
/// read; otherwise the attribute is calculated, from its local expression,
/// else its definition's template, relative to itself.
pub(crate) fn of_attribute(view: &View, id: Uuid) -> Result<Source, NoSource> {
    let (Some(attribute), Some(definition)) =
        (view.model.attribute(id), view.model.definition_of(id))
    else {
        return Err(NoSource::NotFound(id));
    };
    let path = || view.model.attribute_path(id).unwrap_or_default();
    let (
        Value::Timeseries {
            resource,
            local_expression,
        },
        Kind::Timeseries { template, .. },
    ) = (&attribute.value, &definition.kind)
    else {
        return Err(NoSource::NotTimeseries(path()));
    };
    let calculated = |expression: &str| Source::Calculated {
        expression: expression.to_string(),
        relative_to: RelativeTo::Attribute(id),
        what: path(),
    };
    match (resource.and_then(|r| view.catalog.get(r)), local_expression) {
        (Some(resource), _) => Ok(of_resource(resource)),
        (None, Some(local)) => Ok(calculated(local)),
        (None, None) if !template.is_empty() => Ok(calculated(template)),
        (None, None) => Err(NoSource::Unconnected(path())),
    }
}

/// Whether attribute `id` is a time series attribute.
pub(crate) fn is_timeseries_attribute(view: &View, id: Uuid) -> bool {
    view.model
        .definition_of(id)
        .is_some_and(|d| matches!(d.kind, Kind::Timeseries { .. }))
}
