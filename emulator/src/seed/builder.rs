//! A small builder for seed data: object types with their attribute
//! definitions, models and objects with attribute values, resources with
//! points. Every id it makes is derived from a name, so the same seed has
//! the same ids on every run.

use std::collections::HashMap;

use uuid::Uuid;

use crate::store::model::{Attribute, Definition, Kind, Object, ObjectType, Value};
use crate::store::{Catalog, Model, Point, Resource, Seed, Unit};

/// A stable id from a name (FNV-1a, twice, into a version 8 UUID).
pub(crate) fn stable_id(name: &str) -> Uuid {
    let fnv = |basis: u64| {
        name.bytes().fold(basis, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&fnv(0xcbf2_9ce4_8422_2325).to_be_bytes());
    bytes[8..].copy_from_slice(&fnv(0x6c62_272e_07bb_0142).to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Uuid::from_bytes(bytes)
}

/// An attribute definition to add to a type.
pub(crate) struct Def {
    name: String,
    kind: Kind,
    min: i64,
    max: i64,
    description: String,
    tags: Vec<String>,
}

/// A definition of one required value (cardinality 1..1).
pub(crate) fn def(name: &str, kind: Kind) -> Def {
    Def {
        name: name.to_string(),
        kind,
        min: 1,
        max: 1,
        description: String::new(),
        tags: Vec::new(),
    }
}

impl Def {
    pub(crate) fn cardinality(mut self, min: i64, max: i64) -> Def {
        self.min = min;
        self.max = max;
        self
    }

    pub(crate) fn description(mut self, text: &str) -> Def {
        self.description = text.to_string();
        self
    }

    pub(crate) fn tags(mut self, tags: &[&str]) -> Def {
        self.tags = tags.iter().map(|t| t.to_string()).collect();
        self
    }
}

#[derive(Default)]
pub(crate) struct Builder {
    model: Model,
    catalog: Catalog,
    units: Vec<Unit>,
    points: HashMap<Uuid, Vec<Point>>,
}

impl Builder {
    pub(crate) fn finish(self) -> Seed {
        Seed {
            model: self.model,
            catalog: self.catalog,
            units: self.units,
            points: self.points,
        }
    }

    /// The unit named `name`, added if new.
    pub(crate) fn unit(&mut self, name: &str) -> Uuid {
        if let Some(unit) = self.units.iter().find(|u| u.name == name) {
            return unit.id;
        }
        let id = stable_id(&format!("unit/{name}"));
        self.add_unit(id, name);
        id
    }

    pub(crate) fn add_unit(&mut self, id: Uuid, name: &str) {
        self.units.push(Unit {
            id,
            name: name.to_string(),
        });
    }

    /// An object type (or a model's root type) named `name`.
    pub(crate) fn object_type(&mut self, namespace: &str, name: &str) -> Uuid {
        let id = stable_id(&format!("type/{namespace}/{name}"));
        self.model.types.insert(
            id,
            ObjectType {
                id,
                name: name.to_string(),
                namespace: namespace.to_string(),
                definitions: Vec::new(),
            },
        );
        id
    }

    /// Adds attribute definitions to type `type_id`, in order.
    pub(crate) fn define(&mut self, type_id: Uuid, defs: Vec<Def>) -> Result<(), String> {
        let object_type = self
            .model
            .types
            .get(&type_id)
            .ok_or("define: unknown type")?;
        let (namespace, type_name) = (object_type.namespace.clone(), object_type.name.clone());
        for d in defs {
            let id = stable_id(&format!("definition/{namespace}/{type_name}/{}", d.name));
            self.model.definitions.insert(
                id,
                Definition {
                    id,
                    name: d.name,
                    owner_type: type_id,
                    description: d.description,
                    tags: d.tags,
                    namespace: namespace.clone(),
                    min_cardinality: d.min,
                    max_cardinality: d.max,
                    kind: d.kind,
                },
            );
            if let Some(t) = self.model.types.get_mut(&type_id) {
                t.definitions.push(id);
            }
        }
        Ok(())
    }

    /// A model (root object) of type `type_id`.
    pub(crate) fn model(&mut self, name: &str, type_id: Uuid) -> Result<Uuid, String> {
        let id = stable_id(&format!("model/{name}"));
        self.add_object(id, name, type_id, None)?;
        self.model.roots.push(id);
        Ok(id)
    }

    /// Object `id` named `name` under `owner`'s ownership attribute
    /// `relation`, of the type that relation owns.
    pub(crate) fn object(
        &mut self,
        id: Uuid,
        name: &str,
        owner: Uuid,
        relation: &str,
    ) -> Result<Uuid, String> {
        let attribute = self.attribute_id(owner, relation)?;
        let definition = self
            .model
            .definition_of(attribute)
            .ok_or("object: no definition")?;
        let Kind::Ownership(type_id) = definition.kind else {
            return Err(format!("{relation} is not an ownership relation"));
        };
        self.add_object(id, name, type_id, Some(attribute))?;
        if let Some(Attribute {
            value: Value::Ownership(children),
            ..
        }) = self.model.attributes.get_mut(&attribute)
        {
            children.push(id);
        }
        Ok(id)
    }

    fn add_object(
        &mut self,
        id: Uuid,
        name: &str,
        type_id: Uuid,
        owner: Option<Uuid>,
    ) -> Result<(), String> {
        let definitions = self
            .model
            .types
            .get(&type_id)
            .ok_or_else(|| format!("object {name}: unknown type"))?
            .definitions
            .clone();
        let mut attributes = Vec::new();
        for definition in definitions {
            let d = self
                .model
                .definitions
                .get(&definition)
                .ok_or("unknown definition")?;
            let attribute = stable_id(&format!("attribute/{id}/{}", d.name));
            self.model.attributes.insert(
                attribute,
                Attribute {
                    id: attribute,
                    object: id,
                    definition,
                    value: d.initial_value(),
                },
            );
            attributes.push(attribute);
        }
        if self.model.objects.contains_key(&id) {
            return Err(format!("object id {id} given twice"));
        }
        self.model.objects.insert(
            id,
            Object {
                id,
                name: name.to_string(),
                type_id,
                owner,
                attributes,
            },
        );
        Ok(())
    }

    /// The id of `object`'s attribute `name`.
    pub(crate) fn attribute_id(&self, object: Uuid, name: &str) -> Result<Uuid, String> {
        self.model
            .attribute_named(object, name)
            .map(|a| a.id)
            .ok_or_else(|| format!("no attribute {name} on object {object}"))
    }

    /// Sets `object`'s attribute `name`.
    pub(crate) fn set(&mut self, object: Uuid, name: &str, value: Value) -> Result<(), String> {
        let id = self.attribute_id(object, name)?;
        self.model
            .set_value(id, value)
            .map_err(|e| format!("{name}: {}", e.message()))
    }

    /// Gives `object`'s attribute `name` the id `id`, where clients know it.
    pub(crate) fn attribute_id_is(
        &mut self,
        object: Uuid,
        name: &str,
        id: Uuid,
    ) -> Result<(), String> {
        let old = self.attribute_id(object, name)?;
        let mut attribute = self
            .model
            .attributes
            .remove(&old)
            .ok_or("attribute vanished")?;
        attribute.id = id;
        self.model.attributes.insert(id, attribute);
        if let Some(o) = self.model.objects.get_mut(&object) {
            for a in o.attributes.iter_mut().filter(|a| **a == old) {
                *a = id;
            }
        }
        Ok(())
    }

    /// Adds a resource with its points (sorted by time).
    pub(crate) fn resource(
        &mut self,
        resource: Resource,
        points: Vec<Point>,
    ) -> Result<Uuid, String> {
        let id = resource.id;
        self.catalog.insert(resource)?;
        if !points.is_empty() {
            self.points.insert(id, points);
        }
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_ids_are_stable_distinct_and_version_8() {
        let a = stable_id("model/SimpleThermalTestModel");
        assert_eq!(a, stable_id("model/SimpleThermalTestModel"));
        assert_ne!(a, stable_id("model/Utility"));
        assert_eq!(a.get_version_num(), 8);
    }
}
