//! From Mesh's model messages to the library's types. Strings and vectors
//! are moved out of the messages, not copied, so decoding a large search
//! costs little beyond what prost already did. What repeats across the
//! objects of one answer is kept once and shared: each attribute definition
//! (the same for every object of a type) and each object's reference to
//! itself as its attributes' owner. An id the server left out is the nil
//! id; an id of the wrong length is an error of kind `Server`.

use std::collections::HashMap;
use std::sync::Arc;

use uuid::Uuid;

use super::types::*;
use crate::client::error::Result;
use crate::client::id::from_guid;
use crate::proto::model as pm;
use crate::proto::model_definition as pd;
use crate::proto::types::{Guid, MeshId};

/// Milliseconds since the Unix epoch of a protobuf timestamp, saturating.
pub(crate) fn timestamp_ms(t: &prost_types::Timestamp) -> i64 {
    t.seconds
        .saturating_mul(1000)
        .saturating_add(i64::from(t.nanos.div_euclid(1_000_000)))
}

fn id_or_nil(guid: Option<&Guid>) -> Result<Uuid> {
    guid.map_or(Ok(Uuid::nil()), from_guid)
}

fn optional_id(guid: Option<&Guid>) -> Result<Option<Uuid>> {
    guid.map(from_guid).transpose()
}

pub(crate) fn mesh_ref(id: MeshId) -> Result<MeshRef> {
    Ok(MeshRef {
        id: optional_id(id.id.as_ref())?,
        path: id.path,
    })
}

fn optional_ref(id: Option<MeshId>) -> Result<Option<MeshRef>> {
    id.map(mesh_ref).transpose()
}

/// `items` converted one by one into a new vector of exactly their number.
/// (Collecting `into_iter().map(..)` would reuse the messages' allocation,
/// sized for the much larger wire types, and keep it for as long as the
/// result lives.)
fn fresh_vec<T, U>(items: Vec<T>, mut convert: impl FnMut(T) -> Result<U>) -> Result<Vec<U>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(convert(item)?);
    }
    Ok(out)
}

/// Decodes the messages of one answer, sharing what repeats among them.
#[derive(Default)]
pub(crate) struct Decoder {
    definitions: HashMap<Uuid, Arc<AttributeDefinition>>,
}

impl Decoder {
    pub(crate) fn object(&mut self, o: pm::Object) -> Result<Object> {
        use pm::object::DefinitionOneof;
        let definition = match o.definition_oneof {
            Some(DefinitionOneof::ObjectDefinitionId(id))
            | Some(DefinitionOneof::NameSpaceId(id)) => Some(mesh_ref(id)?),
            None => None,
        };
        let id = id_or_nil(o.id.as_ref())?;
        // What the attributes' owners usually are: the object itself.
        let itself = Arc::new(MeshRef {
            id: Some(id),
            path: Some(o.path.clone()),
        });
        let attributes = fresh_vec(o.attributes, |a| self.attribute_of(a, Some(&itself)))?;
        Ok(Object {
            id,
            path: o.path,
            name: o.name,
            type_name: o.type_name,
            owner: optional_ref(o.owner_id)?,
            definition,
            attributes,
        })
    }

    pub(crate) fn attribute(&mut self, a: pm::Attribute) -> Result<Attribute> {
        self.attribute_of(a, None)
    }

    /// An attribute, sharing `object`'s reference to itself as the owner
    /// when the owner is that object.
    fn attribute_of(
        &mut self,
        a: pm::Attribute,
        object: Option<&Arc<MeshRef>>,
    ) -> Result<Attribute> {
        let owner = match a.owner_id {
            None => None,
            Some(owner) => {
                let decoded = mesh_ref(owner)?;
                match object {
                    Some(object)
                        if decoded.id == object.id
                            && decoded
                                .path
                                .as_ref()
                                .is_none_or(|p| Some(p) == object.path.as_ref()) =>
                    {
                        Some(object.clone())
                    }
                    _ => Some(Arc::new(decoded)),
                }
            }
        };
        Ok(Attribute {
            id: id_or_nil(a.id.as_ref())?,
            path: a.path,
            name: a.name,
            value_type: ValueType::from_i32(a.value_type),
            is_collection: a.value_type_collection,
            values: fresh_vec(a.values, value)?,
            definition: a.definition.map(|d| self.definition(d)).transpose()?,
            owner,
        })
    }

    /// A definition, decoded once per id within the answer.
    fn definition(&mut self, d: pd::AttributeDefinition) -> Result<Arc<AttributeDefinition>> {
        let Some(id) = optional_id(d.id.as_ref())? else {
            return Ok(Arc::new(definition(d)?));
        };
        if let Some(known) = self.definitions.get(&id) {
            return Ok(known.clone());
        }
        let decoded = Arc::new(definition(d)?);
        self.definitions.insert(id, decoded.clone());
        Ok(decoded)
    }
}

fn value(v: pm::AttributeValue) -> Result<Value> {
    use pm::attribute_value::ValueOneof as V;
    Ok(match v.value_oneof {
        None => Value::Empty,
        Some(V::IntValue(i)) => Value::Int(i),
        Some(V::DoubleValue(d)) => Value::Double(d),
        Some(V::BooleanValue(b)) => Value::Bool(b),
        Some(V::StringValue(s)) => Value::String(s),
        Some(V::UtcTimeValue(t)) => Value::UtcTime(timestamp_ms(&t)),
        Some(V::TimeseriesValue(t)) => Value::Timeseries(Box::new(TimeseriesValue {
            resource: t.time_series_resource.map(TimeseriesResource::from_wire),
            expression: t.expression,
            is_local_expression: t.is_local_expression,
        })),
        Some(V::OwnershipRelationValue(r)) => {
            Value::Ownership(optional_id(r.target_object_id.as_ref())?)
        }
        Some(V::LinkRelationValue(r)) => Value::Link(optional_id(r.target_object_id.as_ref())?),
        Some(V::VersionedLinkRelationValue(r)) => Value::VersionedLink(
            r.versions
                .iter()
                .map(|v| {
                    Ok(LinkVersion {
                        target_id: optional_id(v.target_object_id.as_ref())?,
                        valid_from_ms: v.valid_from_time.as_ref().map_or(0, timestamp_ms),
                    })
                })
                .collect::<Result<_>>()?,
        ),
    })
}

fn unit(u: Option<pd::UnitOfMeasurement>) -> Option<String> {
    u.map(|u| u.name)
}

fn definition(d: pd::AttributeDefinition) -> Result<AttributeDefinition> {
    use pd::attribute_definition::DefinitionTypeOneof as D;
    let kind = match d.definition_type_oneof {
        None => DefinitionKind::None,
        Some(D::IntDefinition(i)) => DefinitionKind::Int {
            default: i.default_value,
            minimum: i.minimum_value,
            maximum: i.maximum_value,
            unit: unit(i.unit_of_measurement),
            allowed: i.allowed_values,
        },
        Some(D::DoubleDefinition(x)) => DefinitionKind::Double {
            default: x.default_value,
            minimum: x.minimum_value,
            maximum: x.maximum_value,
            unit: unit(x.unit_of_measurement),
            allowed: x.allowed_values,
        },
        Some(D::BooleanDefinition(b)) => DefinitionKind::Bool {
            default: b.default_value,
        },
        Some(D::StringDefinition(s)) => DefinitionKind::String {
            default: s.default_value,
            allowed: s.allowed_values,
        },
        Some(D::UtcTimeDefinition(t)) => DefinitionKind::UtcTime {
            default: t.default_value,
            minimum: t.minimum_value,
            maximum: t.maximum_value,
        },
        Some(D::TimeseriesDefinition(t)) => DefinitionKind::Timeseries {
            template_expression: t.template_expression,
            unit: unit(t.unit_of_measurement),
        },
        Some(D::XyTableDefinition(x)) => DefinitionKind::XySet {
            versioned: x.versioned,
        },
        Some(D::OwnershipRelationDefinition(o)) => DefinitionKind::Ownership {
            target_type_name: o.target_object_type_name,
        },
        Some(D::LinkRelationDefinition(l)) => DefinitionKind::Link {
            target_type_name: l.target_object_type_name,
            versioned: l.versioned,
        },
        Some(D::RatingCurveDefinition(_)) => DefinitionKind::RatingCurve,
    };
    Ok(AttributeDefinition {
        id: optional_id(d.id.as_ref())?,
        path: d.path,
        name: d.name,
        description: d.description,
        tags: fresh_vec(d.tags, |t| Ok(t.name))?,
        namespace: d.name_space,
        type_name: d.type_name,
        minimum_cardinality: d.minimum_cardinality,
        maximum_cardinality: d.maximum_cardinality,
        kind,
    })
}

pub(crate) fn xy_set(s: pm::XySet) -> XySet {
    XySet {
        valid_from_ms: s.valid_from_time.as_ref().map(timestamp_ms),
        curves: s
            .xy_curves
            .into_iter()
            .map(|c| XyCurve {
                reference_value: c.reference_value,
                x: c.x_values,
                y: c.y_values,
            })
            .collect(),
    }
}

pub(crate) fn rating_curve_version(v: pm::RatingCurveVersion) -> RatingCurveVersion {
    RatingCurveVersion {
        valid_from_ms: v.from.as_ref().map_or(0, timestamp_ms),
        x_range_from: v.x_range_from,
        segments: v
            .x_value_segments
            .iter()
            .map(|s| RatingCurveSegment {
                x_range_until: s.x_range_until,
                factor_a: s.factor_a,
                factor_b: s.factor_b,
                factor_c: s.factor_c,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::id::to_guid;
    use pm::attribute_value::ValueOneof as V;

    fn ts(seconds: i64, nanos: i32) -> prost_types::Timestamp {
        prost_types::Timestamp { seconds, nanos }
    }

    #[test]
    fn timestamps_to_ms_round_down_and_saturate() {
        assert_eq!(timestamp_ms(&ts(1, 999_999_999)), 1999);
        assert_eq!(timestamp_ms(&ts(-1, 500_000_000)), -500);
        assert_eq!(timestamp_ms(&ts(i64::MAX, 0)), i64::MAX);
        assert_eq!(timestamp_ms(&ts(i64::MIN, 0)), i64::MIN);
    }

    #[test]
    fn values_of_every_kind_decode() {
        let a = Uuid::from_u128(0xa);
        let b = Uuid::from_u128(0xb);
        let wire = pm::Attribute {
            id: Some(to_guid(a)),
            path: "Model/M/O.X".into(),
            name: "X".into(),
            value_type: 9,
            value_type_collection: true,
            owner_id: Some(MeshId {
                id: Some(to_guid(b)),
                path: Some("Model/M/O".into()),
                timeseries_key: None,
            }),
            definition: None,
            values: [
                Some(V::IntValue(-3)),
                Some(V::DoubleValue(2.5)),
                Some(V::BooleanValue(true)),
                Some(V::StringValue("s".into())),
                Some(V::UtcTimeValue(ts(1_652_167_455, 0))),
                Some(V::LinkRelationValue(pm::LinkRelationAttributeValue {
                    target_object_id: Some(to_guid(b)),
                })),
                Some(V::OwnershipRelationValue(
                    pm::OwnershipRelationAttributeValue {
                        target_object_id: None,
                    },
                )),
                Some(V::VersionedLinkRelationValue(
                    pm::VersionedLinkRelationAttributeValue {
                        versions: vec![pm::LinkRelationVersion {
                            target_object_id: None,
                            valid_from_time: Some(ts(10, 0)),
                        }],
                    },
                )),
                None,
            ]
            .into_iter()
            .map(|value_oneof| pm::AttributeValue { value_oneof })
            .collect(),
        };
        let got = Decoder::default().attribute(wire).unwrap();
        assert_eq!(got.id, a);
        assert_eq!(got.value_type, ValueType::VersionedLinkRelation);
        assert!(got.is_collection);
        assert_eq!(got.owner.as_ref().unwrap().id, Some(b));
        assert_eq!(
            got.values,
            vec![
                Value::Int(-3),
                Value::Double(2.5),
                Value::Bool(true),
                Value::String("s".into()),
                Value::UtcTime(1_652_167_455_000),
                Value::Link(Some(b)),
                Value::Ownership(None),
                Value::VersionedLink(vec![LinkVersion {
                    target_id: None,
                    valid_from_ms: 10_000
                }]),
                Value::Empty,
            ]
        );
    }

    #[test]
    fn definitions_and_owners_repeated_in_an_answer_are_shared() {
        let def_id = Uuid::from_u128(0xd);
        let object_id = Uuid::from_u128(0x1);
        let object_ref = MeshId {
            id: Some(to_guid(object_id)),
            path: Some("Model/M/O".into()),
            timeseries_key: None,
        };
        let attribute = |name: &str| pm::Attribute {
            name: name.into(),
            owner_id: Some(object_ref.clone()),
            definition: Some(pd::AttributeDefinition {
                id: Some(to_guid(def_id)),
                name: "D".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let wire = |id: Uuid| pm::Object {
            id: Some(to_guid(id)),
            path: "Model/M/O".into(),
            attributes: vec![attribute("A"), attribute("B")],
            ..Default::default()
        };
        let mut decoder = Decoder::default();
        let first = decoder.object(wire(object_id)).unwrap();
        let second = decoder.object(wire(Uuid::from_u128(0x2))).unwrap();
        let (a, b) = (&first.attributes[0], &first.attributes[1]);
        assert!(Arc::ptr_eq(
            a.definition.as_ref().unwrap(),
            b.definition.as_ref().unwrap()
        ));
        assert!(Arc::ptr_eq(
            a.definition.as_ref().unwrap(),
            second.attributes[0].definition.as_ref().unwrap()
        ));
        assert!(Arc::ptr_eq(
            a.owner.as_ref().unwrap(),
            b.owner.as_ref().unwrap()
        ));
        assert_eq!(a.owner.as_ref().unwrap().path.as_deref(), Some("Model/M/O"));
        // An owner that is not the object itself is its own.
        let c = &second.attributes[0];
        assert_eq!(c.owner.as_ref().unwrap().id, Some(object_id));
        assert!(!Arc::ptr_eq(
            c.owner.as_ref().unwrap(),
            a.owner.as_ref().unwrap()
        ));
    }

    #[test]
    fn a_short_id_is_an_error_and_a_missing_one_nil() {
        let bad = pm::Object {
            id: Some(Guid {
                bytes_le: vec![1, 2],
            }),
            ..Default::default()
        };
        let e = Decoder::default().object(bad).unwrap_err();
        assert_eq!(e.kind(), crate::client::ErrorKind::Server);
        assert_eq!(
            Decoder::default().object(pm::Object::default()).unwrap().id,
            Uuid::nil()
        );
    }

    #[test]
    fn values_stay_small() {
        // Every value of a search takes the size of the largest kind.
        assert!(
            std::mem::size_of::<Value>() <= 32,
            "{}",
            std::mem::size_of::<Value>()
        );
    }

    #[test]
    fn unknown_value_types_are_unspecified() {
        assert_eq!(ValueType::from_i32(11), ValueType::XySet);
        assert_eq!(ValueType::from_i32(12), ValueType::Unspecified);
        assert_eq!(ValueType::from_i32(-1), ValueType::Unspecified);
    }
}
