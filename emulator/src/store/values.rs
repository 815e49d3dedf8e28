//! Edits of attribute values that are relative to the value they meet: a
//! time series attribute's resource or expression alone, links appended,
//! and versions replaced inside an interval (versioned links, XY sets,
//! rating curves). A session records the edit, not the value it produced,
//! so its commit replays the edit on whatever another session committed
//! in the meantime. Checks that need only the request are the service's;
//! the ones here need the model.

use uuid::Uuid;

use super::catalog::Catalog;
use super::model::{Kind, LinkVersion, Model, ModelError, RatingCurveVersion, Value, XySet};

/// `[start, end)` in nanoseconds since the epoch. Mesh's intervals reach
/// from year 1 to year 9999, beyond an `i64` of nanoseconds, and clients
/// send intervals one microsecond wide, below a millisecond.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: i128,
    pub(crate) end: i128,
}

impl Span {
    /// Whether the millisecond instant `ms` falls inside.
    pub(crate) fn contains_ms(&self, ms: i64) -> bool {
        let ns = i128::from(ms) * 1_000_000;
        self.start <= ns && ns < self.end
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Edit {
    /// `Some` fields change: the connected resource (`None` disconnects)
    /// and the local expression (`None` falls back to the template).
    Timeseries {
        resource: Option<Option<Uuid>>,
        expression: Option<Option<String>>,
    },
    /// Replaces the targets of a link relation, or appends to them.
    Links { append: bool, targets: Vec<Uuid> },
    /// With a span (one-to-one only): the versions valid from inside it
    /// give way to `entries` (none or one). Without: `entries` replace all.
    LinkVersions {
        span: Option<Span>,
        entries: Vec<Vec<LinkVersion>>,
    },
    /// With a span (versioned attributes): the sets valid from inside it
    /// give way to `sets`. Without (unversioned): the one set becomes
    /// `sets`' only element, or empty.
    XySets {
        span: Option<Span>,
        sets: Vec<XySet>,
    },
    /// The versions valid from inside the span give way to `versions`.
    RatingCurve {
        span: Span,
        versions: Vec<RatingCurveVersion>,
    },
}

/// Replaces the elements whose time falls in `span` by `new`, keeping the
/// result in time order.
fn splice<T>(old: &[T], new: &[T], span: Span, time: impl Fn(&T) -> i64) -> Vec<T>
where
    T: Clone,
{
    let mut out: Vec<T> = old
        .iter()
        .filter(|v| !span.contains_ms(time(v)))
        .cloned()
        .collect();
    out.extend(new.iter().cloned());
    out.sort_by_key(|v| time(v));
    out
}

impl Model {
    /// Applies `edit` to attribute `id`'s current value; `catalog` names
    /// the resources a time series attribute may connect to.
    pub(crate) fn edit_value(
        &mut self,
        id: Uuid,
        edit: &Edit,
        catalog: &Catalog,
    ) -> Result<(), ModelError> {
        let attribute = self.attributes.get(&id).ok_or_else(|| {
            ModelError::NotFound(format!("attribute not found: {}", crate::wire::braced(id)))
        })?;
        let definition = self
            .definitions
            .get(&attribute.definition)
            .ok_or_else(|| ModelError::NotFound("attribute definition not found".into()))?;
        let name = definition.name.clone();
        let wrong = || {
            ModelError::Invalid(format!(
                "Invalid type: {name} is a {}, which this update does not change",
                definition.type_name()
            ))
        };
        let value = match (edit, &attribute.value) {
            (
                Edit::Timeseries {
                    resource,
                    expression,
                },
                Value::Timeseries {
                    resource: old_resource,
                    local_expression,
                },
            ) => {
                let resource = resource.unwrap_or(*old_resource);
                if let Some(r) = resource {
                    if catalog.get(r).is_none() {
                        return Err(ModelError::NotFound(format!(
                            "time series {} not found",
                            crate::wire::braced(r)
                        )));
                    }
                }
                Value::Timeseries {
                    resource,
                    local_expression: expression.clone().unwrap_or(local_expression.clone()),
                }
            }
            (Edit::Links { append, targets }, Value::Link(old)) => {
                let Kind::Link(target_type) = definition.kind else {
                    return Err(wrong());
                };
                if !definition.collection() {
                    if *append {
                        return Err(ModelError::Invalid(format!(
                            "'append' must be false for one-to-one link relation {name}"
                        )));
                    }
                    if targets.len() > 1 {
                        return Err(ModelError::Invalid(format!(
                            "multiple target object IDs set ({}) for one-to-one link relation {name}",
                            targets.len()
                        )));
                    }
                }
                if *append && targets.is_empty() {
                    return Err(ModelError::Invalid(format!(
                        "'append' is set to true, but no target objects are set for {name}"
                    )));
                }
                self.check_targets(targets.iter().copied(), target_type, &name)?;
                let mut all = if *append { old.clone() } else { Vec::new() };
                for t in targets {
                    if all.contains(t) {
                        return Err(ModelError::Invalid(format!(
                            "object {} is linked twice by {name}",
                            crate::wire::braced(*t)
                        )));
                    }
                    all.push(*t);
                }
                if all.len() as i64 > definition.max_cardinality {
                    return Err(ModelError::Invalid(format!(
                        "{name} links at most {} objects, not {}",
                        definition.max_cardinality,
                        all.len()
                    )));
                }
                Value::Link(all)
            }
            (Edit::LinkVersions { span, entries }, Value::VersionedLink(old)) => {
                let Kind::VersionedLink(target_type) = definition.kind else {
                    return Err(wrong());
                };
                if !definition.collection() && entries.len() > 1 {
                    return Err(ModelError::Invalid(format!(
                        "{name} is a one-to-one versioned link relation: it takes one entry, not {}",
                        entries.len()
                    )));
                }
                if entries.len() as i64 > definition.max_cardinality {
                    return Err(ModelError::Invalid(format!(
                        "{name} takes at most {} entries, not {}",
                        definition.max_cardinality,
                        entries.len()
                    )));
                }
                let targets = entries.iter().flatten().filter_map(|v| v.target);
                self.check_targets(targets, target_type, &name)?;
                let sorted = |versions: &[LinkVersion]| {
                    let mut versions = versions.to_vec();
                    versions.sort_by_key(|v| v.valid_from);
                    versions
                };
                match span {
                    None => Value::VersionedLink(entries.iter().map(|e| sorted(e)).collect()),
                    Some(span) => {
                        if definition.collection() {
                            return Err(ModelError::Invalid(format!(
                                "an interval can only be given for a one-to-one versioned link relation, and {name} is one-to-many"
                            )));
                        }
                        let old: &[LinkVersion] = old.first().map_or(&[], Vec::as_slice);
                        let new: &[LinkVersion] = entries.first().map_or(&[], Vec::as_slice);
                        let versions = splice(old, new, *span, |v| v.valid_from);
                        Value::VersionedLink(if versions.is_empty() {
                            Vec::new()
                        } else {
                            vec![versions]
                        })
                    }
                }
            }
            (Edit::XySets { span, sets }, Value::XySets(old)) => {
                let Kind::XySet { versioned } = definition.kind else {
                    return Err(wrong());
                };
                match (versioned, span) {
                    (false, None) => Value::XySets(vec![XySet {
                        valid_from: None,
                        curves: sets.first().map(|s| s.curves.clone()).unwrap_or_default(),
                    }]),
                    (true, Some(span)) => Value::XySets(splice(old, sets, *span, |s| {
                        s.valid_from.unwrap_or(i64::MIN)
                    })),
                    (false, Some(_)) => {
                        return Err(ModelError::Invalid(format!(
                            "interval must be empty when updating XYSetAttribute {name} (it is unversioned)"
                        )))
                    }
                    (true, None) => {
                        return Err(ModelError::Invalid(format!(
                            "interval must have a value when updating XYZSeriesAttribute {name} (it is versioned)"
                        )))
                    }
                }
            }
            (Edit::RatingCurve { span, versions }, Value::RatingCurve(old)) => {
                Value::RatingCurve(splice(old, versions, *span, |v| v.valid_from))
            }
            _ => return Err(wrong()),
        };
        if let Some(attribute) = self.attributes.get_mut(&id) {
            attribute.value = value;
        }
        Ok(())
    }

    /// Every target must exist and be of the type the relation links.
    fn check_targets(
        &self,
        targets: impl Iterator<Item = Uuid>,
        target_type: Uuid,
        relation: &str,
    ) -> Result<(), ModelError> {
        for target in targets {
            let object = self.objects.get(&target).ok_or_else(|| {
                ModelError::NotFound(format!(
                    "object not found: {} (a target of {relation})",
                    crate::wire::braced(target)
                ))
            })?;
            if object.type_id != target_type {
                let name = |t: &Uuid| self.types.get(t).map_or("?", |t| t.name.as_str());
                return Err(ModelError::Invalid(format!(
                    "Invalid type: {relation} links {} objects, and {} is a {}",
                    name(&target_type),
                    object.name,
                    name(&object.type_id)
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: i128 = 1_000_000;

    #[test]
    fn spans_are_half_open_and_finer_than_a_millisecond() {
        let span = Span {
            start: 10 * MS,
            end: 10 * MS + 1_000,
        };
        assert!(span.contains_ms(10));
        assert!(!span.contains_ms(9) && !span.contains_ms(11));
        let empty = Span {
            start: 10 * MS,
            end: 10 * MS,
        };
        assert!(!empty.contains_ms(10));
    }

    #[test]
    fn splicing_replaces_what_begins_inside_and_keeps_time_order() {
        let span = Span {
            start: 20 * MS,
            end: 40 * MS,
        };
        let old = [10, 20, 30, 40];
        let spliced = splice(&old, &[35, 25], span, |t| *t);
        assert_eq!(spliced, [10, 25, 35, 40]);
        assert_eq!(splice(&old, &[], span, |t| *t), [10, 40]);
    }
}
