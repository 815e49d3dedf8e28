//! The model as Mesh's messages: objects with their attributes, attribute
//! values of every kind, attribute definitions, and the `MeshId`s of
//! owners (id and path both, which clients rely on). Field masks and the
//! attribute filter decide what is filled in; what is left out keeps its
//! protobuf default.

use std::collections::HashMap;

use uuid::Uuid;

use super::masks::{Filter, Mask};
use super::resolve::type_path;
use crate::proto::model::{
    attribute_value::ValueOneof, object::DefinitionOneof, Attribute, AttributeValue,
    LinkRelationAttributeValue, LinkRelationVersion, Object, OwnershipRelationAttributeValue,
    TimeseriesAttributeValue, VersionedLinkRelationAttributeValue,
};
use crate::proto::model_definition::{
    attribute_definition::DefinitionTypeOneof, AttributeDefinition, BooleanAttributeDefinition,
    DoubleAttributeDefinition, Int64AttributeDefinition, LinkRelationAttributeDefinition,
    OwnershipRelationAttributeDefinition, RatingCurveAttributeDefinition,
    StringAttributeDefinition, Tag, TimeseriesAttributeDefinition, UnitOfMeasurement,
    UtcTimeAttributeDefinition, XySetsAttributeDefinition,
};
use crate::proto::types::MeshId;
use crate::seed::stable_id;
use crate::store::model::{Definition, Kind, Value};
use crate::store::View;
use crate::wire::{timestamp_of, uuid_to_guid};

/// The definition messages one answer has made so far: a search answers
/// with many attributes of few definitions, and a clone is cheaper than
/// making one again.
#[derive(Default)]
pub(super) struct Definitions(HashMap<Uuid, AttributeDefinition>);

impl Definitions {
    fn get(&mut self, view: &View, d: &Definition) -> AttributeDefinition {
        self.0
            .entry(d.id)
            .or_insert_with(|| definition(view, d))
            .clone()
    }
}

/// Object `id` as a `MeshId`, id and path.
pub(super) fn object_ref(view: &View, id: Uuid) -> MeshId {
    MeshId {
        id: Some(uuid_to_guid(id)),
        path: view.model.object_path(id),
        timeseries_key: None,
    }
}

/// Attribute `id` as a `MeshId`, id and path.
pub(super) fn attribute_ref(view: &View, id: Uuid) -> MeshId {
    MeshId {
        id: Some(uuid_to_guid(id)),
        path: view.model.attribute_path(id),
        timeseries_key: None,
    }
}

/// Object `id`, with the fields `mask` keeps and, when it keeps
/// `attributes`, those attributes `filter` lets through (each with the
/// fields `attribute_mask` keeps). `None` when there is no such object.
pub(super) fn object(
    view: &View,
    id: Uuid,
    mask: &Mask,
    filter: &Filter,
    attribute_mask: &Mask,
    definitions: &mut Definitions,
) -> Option<Object> {
    let model = &view.model;
    let o = model.object(id)?;
    let object_type = model.types.get(&o.type_id)?;
    let mut out = Object::default();
    if mask.has("id") {
        out.id = Some(uuid_to_guid(id));
    }
    if mask.has("path") {
        out.path = model.object_path(id).unwrap_or_default();
    }
    if mask.has("name") {
        out.name = o.name.clone();
    }
    if mask.has("type_name") {
        out.type_name = object_type.name.clone();
    }
    if mask.has("owner_id") {
        // A first-level object's owner is its model; deeper objects are
        // owned by an ownership relation attribute.
        out.owner_id = o.owner.and_then(|owner| {
            let relation = model.attribute(owner)?;
            Some(if model.is_root(relation.object) {
                object_ref(view, relation.object)
            } else {
                attribute_ref(view, owner)
            })
        });
    }
    let definition_id = MeshId {
        id: Some(uuid_to_guid(object_type.id)),
        path: Some(type_path(object_type)),
        timeseries_key: None,
    };
    out.definition_oneof = if o.owner.is_none() {
        mask.has("name_space_id")
            .then_some(DefinitionOneof::NameSpaceId(definition_id))
    } else {
        mask.has("object_definition_id")
            .then_some(DefinitionOneof::ObjectDefinitionId(definition_id))
    };
    if mask.has("attributes") {
        // The object's path once, not once per attribute: searches answer
        // with many objects of many attributes.
        let path = model.object_path(id).unwrap_or_default();
        out.attributes = o
            .attributes
            .iter()
            .filter(|a| model.definition_of(**a).is_some_and(|d| filter.accepts(d)))
            .filter_map(|a| attribute_of(view, *a, attribute_mask, &path, definitions))
            .collect();
    }
    Some(out)
}

/// Attribute `id` with the fields `mask` keeps; `None` when there is no
/// such attribute.
pub(super) fn attribute(
    view: &View,
    id: Uuid,
    mask: &Mask,
    definitions: &mut Definitions,
) -> Option<Attribute> {
    let object = view.model.attribute(id)?.object;
    attribute_of(
        view,
        id,
        mask,
        &view.model.object_path(object)?,
        definitions,
    )
}

/// Attribute `id` of the object at `object_path`.
fn attribute_of(
    view: &View,
    id: Uuid,
    mask: &Mask,
    object_path: &str,
    definitions: &mut Definitions,
) -> Option<Attribute> {
    let model = &view.model;
    let a = model.attribute(id)?;
    let d = model.definition(a.definition)?;
    let mut out = Attribute::default();
    if mask.has("id") {
        out.id = Some(uuid_to_guid(id));
    }
    if mask.has("path") {
        out.path = format!("{object_path}.{}", d.name);
    }
    if mask.has("name") {
        out.name = d.name.clone();
    }
    if mask.has("definition") {
        out.definition = Some(definitions.get(view, d));
    }
    if mask.has("values") {
        out.values = values(view, &a.value, d);
    }
    if mask.has("value_type") {
        out.value_type = d.value_type();
    }
    if mask.has("value_type_collection") {
        out.value_type_collection = d.collection();
    }
    if mask.has("owner_id") {
        out.owner_id = Some(MeshId {
            id: Some(uuid_to_guid(a.object)),
            path: Some(object_path.to_string()),
            timeseries_key: None,
        });
    }
    Some(out)
}

fn value(v: ValueOneof) -> AttributeValue {
    AttributeValue {
        value_oneof: Some(v),
    }
}

/// An attribute's values: one per element of a simple value, one for a
/// time series attribute (its resource absent when none is connected), one
/// per target of a relation, none for XY sets and rating curves (they have
/// their own calls).
fn values(view: &View, v: &Value, d: &Definition) -> Vec<AttributeValue> {
    match v {
        Value::Int(v) => v.iter().map(|x| value(ValueOneof::IntValue(*x))).collect(),
        Value::Double(v) => v
            .iter()
            .map(|x| value(ValueOneof::DoubleValue(*x)))
            .collect(),
        Value::Bool(v) => v
            .iter()
            .map(|x| value(ValueOneof::BooleanValue(*x)))
            .collect(),
        Value::Str(v) => v
            .iter()
            .map(|x| value(ValueOneof::StringValue(x.clone())))
            .collect(),
        Value::UtcTime(v) => v
            .iter()
            .map(|x| value(ValueOneof::UtcTimeValue(timestamp_of(*x))))
            .collect(),
        Value::Timeseries {
            resource,
            local_expression,
        } => {
            let template = match &d.kind {
                Kind::Timeseries { template, .. } => template.as_str(),
                _ => "",
            };
            let resource = resource
                .and_then(|r| view.catalog.get(r))
                .map(|r| super::super::timeseries::resource_message(view, r));
            vec![value(ValueOneof::TimeseriesValue(
                TimeseriesAttributeValue {
                    time_series_resource: resource,
                    expression: local_expression.as_deref().unwrap_or(template).to_string(),
                    is_local_expression: local_expression.is_some(),
                },
            ))]
        }
        Value::Ownership(targets) => targets
            .iter()
            .map(|t| {
                value(ValueOneof::OwnershipRelationValue(
                    OwnershipRelationAttributeValue {
                        target_object_id: Some(uuid_to_guid(*t)),
                    },
                ))
            })
            .collect(),
        Value::Link(targets) => targets
            .iter()
            .map(|t| {
                value(ValueOneof::LinkRelationValue(LinkRelationAttributeValue {
                    target_object_id: Some(uuid_to_guid(*t)),
                }))
            })
            .collect(),
        Value::VersionedLink(entries) => entries
            .iter()
            .map(|versions| {
                value(ValueOneof::VersionedLinkRelationValue(
                    VersionedLinkRelationAttributeValue {
                        versions: versions
                            .iter()
                            .map(|v| LinkRelationVersion {
                                target_object_id: v.target.map(uuid_to_guid),
                                valid_from_time: Some(timestamp_of(v.valid_from)),
                            })
                            .collect(),
                    },
                ))
            })
            .collect(),
        Value::XySets(_) | Value::RatingCurve(_) => Vec::new(),
    }
}

fn unit(view: &View, id: Option<Uuid>) -> Option<UnitOfMeasurement> {
    let id = id?;
    Some(UnitOfMeasurement {
        id: Some(uuid_to_guid(id)),
        name: view.unit_name(id)?.to_string(),
    })
}

/// The type an ownership or link relation targets, as Mesh names it.
fn target(view: &View, type_id: Uuid) -> (String, Option<MeshId>) {
    match view.model.types.get(&type_id) {
        Some(t) => (
            t.name.clone(),
            Some(MeshId {
                id: Some(uuid_to_guid(t.id)),
                path: Some(type_path(t)),
                timeseries_key: None,
            }),
        ),
        None => (String::new(), None),
    }
}

/// Definition `d` as Mesh describes it.
fn definition(view: &View, d: &Definition) -> AttributeDefinition {
    let kind = match &d.kind {
        Kind::Int {
            default,
            min,
            max,
            unit: u,
        } => DefinitionTypeOneof::IntDefinition(Int64AttributeDefinition {
            default_value: *default,
            minimum_value: *min,
            maximum_value: *max,
            unit_of_measurement: unit(view, *u),
            allowed_values: Vec::new(),
        }),
        Kind::Double {
            default,
            min,
            max,
            unit: u,
        } => DefinitionTypeOneof::DoubleDefinition(DoubleAttributeDefinition {
            default_value: *default,
            minimum_value: *min,
            maximum_value: *max,
            unit_of_measurement: unit(view, *u),
            allowed_values: Vec::new(),
        }),
        Kind::Bool { default } => {
            DefinitionTypeOneof::BooleanDefinition(BooleanAttributeDefinition {
                default_value: *default,
            })
        }
        Kind::Str { default } => DefinitionTypeOneof::StringDefinition(StringAttributeDefinition {
            default_value: default.clone(),
            allowed_values: Vec::new(),
        }),
        Kind::UtcTime { default, min, max } => {
            DefinitionTypeOneof::UtcTimeDefinition(UtcTimeAttributeDefinition {
                default_value: default.clone(),
                minimum_value: min.clone(),
                maximum_value: max.clone(),
            })
        }
        Kind::Timeseries { template, unit: u } => {
            DefinitionTypeOneof::TimeseriesDefinition(TimeseriesAttributeDefinition {
                template_expression: template.clone(),
                unit_of_measurement: unit(view, *u),
            })
        }
        Kind::XySet { versioned } => {
            DefinitionTypeOneof::XyTableDefinition(XySetsAttributeDefinition {
                versioned: *versioned,
                x_axis: None,
                y_axis: None,
                z_axis: None,
            })
        }
        Kind::Ownership(t) => {
            let (name, id) = target(view, *t);
            DefinitionTypeOneof::OwnershipRelationDefinition(OwnershipRelationAttributeDefinition {
                target_object_type_name: name,
                target_object_definition_id: id,
            })
        }
        Kind::Link(t) | Kind::VersionedLink(t) => {
            let (name, id) = target(view, *t);
            DefinitionTypeOneof::LinkRelationDefinition(LinkRelationAttributeDefinition {
                target_object_type_name: name,
                target_object_definition_id: id,
                versioned: matches!(d.kind, Kind::VersionedLink(_)),
            })
        }
        Kind::RatingCurve => {
            DefinitionTypeOneof::RatingCurveDefinition(RatingCurveAttributeDefinition {})
        }
    };
    let owner = view.model.types.get(&d.owner_type).map(|t| MeshId {
        id: Some(uuid_to_guid(t.id)),
        path: Some(type_path(t)),
        timeseries_key: None,
    });
    AttributeDefinition {
        id: Some(uuid_to_guid(d.id)),
        path: view.model.definition_path(d.id).unwrap_or_default(),
        name: d.name.clone(),
        description: d.description.clone(),
        tags: d
            .tags
            .iter()
            .map(|t| Tag {
                id: Some(uuid_to_guid(stable_id(&format!("tag/{}/{t}", d.namespace)))),
                name: t.clone(),
                description: String::new(),
            })
            .collect(),
        name_space: d.namespace.clone(),
        type_name: d.type_name().to_string(),
        minimum_cardinality: d.min_cardinality,
        maximum_cardinality: d.max_cardinality,
        definition_type_oneof: Some(kind),
        attribute_type_id: None,
        owner_id: owner,
    }
}
