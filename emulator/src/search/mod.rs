//! Mesh's search language over the emulator's model: what `SearchObjects`,
//! `SearchAttributes` and a calculation's `@t('...')`, `@D('...')` find.
//!
//! A query walks from a start object and ends either in objects or, after
//! `.Attr` or `.A,B,C`, in those attributes of the objects found (names an
//! object lacks are skipped). Steps: `[c]` children that meet criteria;
//! `*[c]` the nearest descendants that do (the start itself if it does);
//! `+[c]` likewise below the start; `*` and `+` the leaves; `{*}` and
//! `{+}` (with or without criteria) also the objects on the way, so `{*}`
//! alone is the start and everything under it; `@` the current object and
//! `@[c]` a filter; `..` the parent (a first-level object's is its model),
//! `..*[c]`, `..+[c]` the nearest ancestor that meets criteria; `~` and
//! `~~` the objects linked to and from; a relation attribute's name its
//! targets; `X+` and `X{+}` repeat a step. `/` composes, `&` intersects,
//! `|` unites (in that order of binding), parentheses group. Criteria:
//! `.Name`, `.Type`, `.<Attr>` (or `Rel.Attr`, `...Attr` through other
//! steps) compared with `= < > <= >= ~ #`, or alone as an existence check;
//! `&&`, `||`, `!`, parentheses; `{i}` after `]` ignores case. See
//! `parser` for the grammar and `criteria` for how values compare.
//!
//! Results come in the order found, each once. A versioned link reaches
//! each of its targets for the time its version is in force: [`objects`]
//! and [`attributes`] give every target ever linked, [`run`] also when
//! each is reached (what a calculation needs to read a series through a
//! versioned link only where it applies).
//!
//! Relation names that do not exist and criteria that nothing meets find
//! nothing; only malformed queries are errors, each with its position.

mod criteria;
mod eval;
mod hits;
mod parser;

#[cfg(test)]
mod tests;

use uuid::Uuid;

use crate::store::Model;
use eval::Evaluator;
use hits::Hits;
pub(crate) use hits::Validity;

/// Why a search cannot be run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub(crate) enum SearchError {
    /// The query does not parse; `position` counts characters from 0.
    #[error("invalid search query '{query}': {message} (at character {})", .position + 1)]
    Syntax {
        query: String,
        position: usize,
        message: String,
    },
    /// The start is not an object of the model.
    #[error("object not found: {} is not an object to search from", crate::wire::braced(*.0))]
    StartNotFound(Uuid),
    /// An object search was given a query that finds attributes.
    #[error(
        "the search query '{0}' ends in an attribute access, so it finds attributes, not objects"
    )]
    FindsAttributes(String),
    /// An attribute search was given a query that finds objects.
    #[error(
        "the search query '{0}' finds objects, not attributes: end it with '.<attribute name>'"
    )]
    FindsObjects(String),
}

/// What a query found, each with when it is reached.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Found {
    Objects(Vec<(Uuid, Validity)>),
    Attributes(Vec<(Uuid, Validity)>),
}

/// Runs `query` from object `start`.
pub(crate) fn run(model: &Model, start: Uuid, query: &str) -> Result<Found, SearchError> {
    let parsed = parser::parse(query)?;
    if model.object(start).is_none() {
        return Err(SearchError::StartNotFound(start));
    }
    let evaluator = Evaluator { model };
    let objects = evaluator.traverse(&parsed.traversal, &Hits::one(start, Validity::always()));
    let Some(names) = parsed.attributes else {
        return Ok(Found::Objects(objects.into_vec()));
    };
    let mut attributes = Hits::new();
    for (object, validity) in objects.iter() {
        for name in &names {
            if let Some(attribute) = model.attribute_named(*object, name) {
                attributes.push(attribute.id, validity.clone());
            }
        }
    }
    Ok(Found::Attributes(attributes.into_vec()))
}

/// The objects `query` finds from object `start` (`SearchObjects`).
pub(crate) fn objects(model: &Model, start: Uuid, query: &str) -> Result<Vec<Uuid>, SearchError> {
    match run(model, start, query)? {
        Found::Objects(found) => Ok(found.into_iter().map(|(id, _)| id).collect()),
        Found::Attributes(_) => Err(SearchError::FindsAttributes(query.to_string())),
    }
}

/// The attributes `query` finds from object `start` (`SearchAttributes`).
pub(crate) fn attributes(
    model: &Model,
    start: Uuid,
    query: &str,
) -> Result<Vec<Uuid>, SearchError> {
    match run(model, start, query)? {
        Found::Attributes(found) => Ok(found.into_iter().map(|(id, _)| id).collect()),
        Found::Objects(_) => Err(SearchError::FindsObjects(query.to_string())),
    }
}
