//! The Mesh model as data: object types with their attribute definitions,
//! objects that own attributes, ownership relations that make the tree and
//! link relations across it. Paths are computed, never stored, so renaming
//! or moving an object moves everything under it.
//!
//! Paths: a model is `Model/<name>`; a first-level object
//! `Model/<model>/<name>` (no relation segment); deeper objects
//! `<owner object path>.<ownership attribute>/<name>`; attributes
//! `<object path>.<name>`. Input may also leave the relation names out
//! (`Model/M/A/B.Attr`). Definitions are
//! `Repository/<namespace>/<object type>/<name>`.

use std::collections::HashMap;

use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Object {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) type_id: Uuid,
    /// The ownership attribute this object is a target of; `None` for a
    /// model (a root). First-level objects are owned by their model's one
    /// ownership attribute.
    pub(crate) owner: Option<Uuid>,
    /// In definition order.
    pub(crate) attributes: Vec<Uuid>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Attribute {
    pub(crate) id: Uuid,
    pub(crate) object: Uuid,
    pub(crate) definition: Uuid,
    pub(crate) value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LinkVersion {
    /// `None`: nothing linked from `valid_from` on.
    pub(crate) target: Option<Uuid>,
    pub(crate) valid_from: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct XyCurve {
    pub(crate) reference: f64,
    pub(crate) x: Vec<f64>,
    pub(crate) y: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct XySet {
    /// `None` for the one set of an unversioned attribute.
    pub(crate) valid_from: Option<i64>,
    pub(crate) curves: Vec<XyCurve>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RatingSegment {
    pub(crate) x_range_until: f64,
    pub(crate) a: f64,
    pub(crate) b: f64,
    pub(crate) c: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RatingCurveVersion {
    pub(crate) valid_from: i64,
    pub(crate) x_range_from: f64,
    pub(crate) segments: Vec<RatingSegment>,
}

/// An attribute's value. Simple values are one element, or any number for
/// a collection attribute.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Int(Vec<i64>),
    Double(Vec<f64>),
    Bool(Vec<bool>),
    Str(Vec<String>),
    /// ms since the epoch, UTC.
    UtcTime(Vec<i64>),
    Timeseries {
        /// The connected resource's id.
        resource: Option<Uuid>,
        /// Overrides the definition's template expression when set.
        local_expression: Option<String>,
    },
    Ownership(Vec<Uuid>),
    Link(Vec<Uuid>),
    /// One entry per link (one for one-to-one), each a list of versions in
    /// time order.
    VersionedLink(Vec<Vec<LinkVersion>>),
    XySets(Vec<XySet>),
    RatingCurve(Vec<RatingCurveVersion>),
}

/// What an attribute definition holds beyond names and cardinality.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Kind {
    Int {
        default: i64,
        min: i64,
        max: i64,
        unit: Option<Uuid>,
    },
    Double {
        default: f64,
        min: f64,
        max: f64,
        unit: Option<Uuid>,
    },
    Bool {
        default: bool,
    },
    Str {
        default: String,
    },
    /// Bounds and default as Mesh writes them (`UTC20220510072415`).
    UtcTime {
        default: String,
        min: String,
        max: String,
    },
    Timeseries {
        template: String,
        unit: Option<Uuid>,
    },
    XySet {
        versioned: bool,
    },
    /// The target object type.
    Ownership(Uuid),
    Link(Uuid),
    VersionedLink(Uuid),
    RatingCurve,
}

/// `AttributeValueType` numbers.
pub(crate) mod value_type {
    pub(crate) const INT: i32 = 1;
    pub(crate) const DOUBLE: i32 = 2;
    pub(crate) const BOOL: i32 = 3;
    pub(crate) const STRING: i32 = 4;
    pub(crate) const UTC_TIME: i32 = 5;
    pub(crate) const TIMESERIES: i32 = 6;
    pub(crate) const OWNERSHIP_RELATION: i32 = 7;
    pub(crate) const LINK_RELATION: i32 = 8;
    pub(crate) const VERSIONED_LINK_RELATION: i32 = 9;
    pub(crate) const RATING_CURVE: i32 = 10;
    pub(crate) const XY_SET: i32 = 11;
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Definition {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    /// The object type this definition belongs to.
    pub(crate) owner_type: Uuid,
    pub(crate) description: String,
    pub(crate) tags: Vec<String>,
    pub(crate) namespace: String,
    pub(crate) min_cardinality: i64,
    pub(crate) max_cardinality: i64,
    pub(crate) kind: Kind,
}

impl Definition {
    /// Whether values are a collection (more than one allowed).
    pub(crate) fn collection(&self) -> bool {
        self.max_cardinality > 1
    }

    /// Mesh's `type_name` of the definition.
    pub(crate) fn type_name(&self) -> &'static str {
        let many = self.collection();
        match (&self.kind, many) {
            (Kind::Int { .. }, false) => "Int64AttributeDefinition",
            (Kind::Int { .. }, true) => "Int64ArrayAttributeDefinition",
            (Kind::Double { .. }, false) => "DoubleAttributeDefinition",
            (Kind::Double { .. }, true) => "DoubleArrayAttributeDefinition",
            (Kind::Bool { .. }, false) => "BooleanAttributeDefinition",
            (Kind::Bool { .. }, true) => "BooleanArrayAttributeDefinition",
            (Kind::Str { .. }, false) => "StringAttributeDefinition",
            (Kind::Str { .. }, true) => "StringArrayAttributeDefinition",
            (Kind::UtcTime { .. }, false) => "UtcDateTimeAttributeDefinition",
            (Kind::UtcTime { .. }, true) => "UtcDateTimeArrayAttributeDefinition",
            (Kind::Timeseries { .. }, _) => "TimeseriesAttributeDefinition",
            (Kind::XySet { .. }, _) => "XYSetAttributeDefinition",
            (Kind::Ownership(_), false) => "ElementAttributeDefinition",
            (Kind::Ownership(_), true) => "ElementCollectionAttributeDefinition",
            (Kind::Link(_), false) => "ReferenceAttributeDefinition",
            (Kind::Link(_), true) => "ReferenceCollectionAttributeDefinition",
            (Kind::VersionedLink(_), false) => "ReferenceSeriesAttributeDefinition",
            (Kind::VersionedLink(_), true) => "ReferenceSeriesCollectionAttributeDefinition",
            (Kind::RatingCurve, _) => "RatingCurveAttributeDefinition",
        }
    }

    /// The `AttributeValueType` of attributes of this definition.
    pub(crate) fn value_type(&self) -> i32 {
        match self.kind {
            Kind::Int { .. } => value_type::INT,
            Kind::Double { .. } => value_type::DOUBLE,
            Kind::Bool { .. } => value_type::BOOL,
            Kind::Str { .. } => value_type::STRING,
            Kind::UtcTime { .. } => value_type::UTC_TIME,
            Kind::Timeseries { .. } => value_type::TIMESERIES,
            Kind::XySet { .. } => value_type::XY_SET,
            Kind::Ownership(_) => value_type::OWNERSHIP_RELATION,
            Kind::Link(_) => value_type::LINK_RELATION,
            Kind::VersionedLink(_) => value_type::VERSIONED_LINK_RELATION,
            Kind::RatingCurve => value_type::RATING_CURVE,
        }
    }

    /// The value a new attribute of this definition starts with: the
    /// default once for a required simple value, nothing for collections,
    /// relations and series.
    pub(crate) fn initial_value(&self) -> Value {
        let once = !self.collection() && self.min_cardinality > 0;
        fn one<T>(once: bool, v: T) -> Vec<T> {
            if once {
                vec![v]
            } else {
                Vec::new()
            }
        }
        match &self.kind {
            Kind::Int { default, .. } => Value::Int(one(once, *default)),
            Kind::Double { default, .. } => Value::Double(one(once, *default)),
            Kind::Bool { default } => Value::Bool(one(once, *default)),
            Kind::Str { default } => Value::Str(one(once, default.clone())),
            Kind::UtcTime { default, .. } => Value::UtcTime(
                one(once, parse_mesh_time(default))
                    .into_iter()
                    .flatten()
                    .collect(),
            ),
            Kind::Timeseries { .. } => Value::Timeseries {
                resource: None,
                local_expression: None,
            },
            Kind::XySet { versioned: false } => Value::XySets(vec![XySet {
                valid_from: None,
                curves: Vec::new(),
            }]),
            Kind::XySet { versioned: true } => Value::XySets(Vec::new()),
            Kind::Ownership(_) => Value::Ownership(Vec::new()),
            Kind::Link(_) => Value::Link(Vec::new()),
            Kind::VersionedLink(_) => Value::VersionedLink(Vec::new()),
            Kind::RatingCurve => Value::RatingCurve(Vec::new()),
        }
    }
}

/// `UTC20220510072415` (optionally with milliseconds) as ms since the epoch.
pub(crate) fn parse_mesh_time(text: &str) -> Option<i64> {
    let digits = text.strip_prefix("UTC")?;
    let format = match digits.len() {
        14 => "%Y%m%d%H%M%S",
        17 => "%Y%m%d%H%M%S%3f",
        _ => return None,
    };
    chrono::NaiveDateTime::parse_from_str(digits, format)
        .ok()
        .map(|t| t.and_utc().timestamp_millis())
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ObjectType {
    pub(crate) id: Uuid,
    /// `type_name` of its objects, e.g. `PlantElementType`; for a model's
    /// root type, the model definition's name.
    pub(crate) name: String,
    pub(crate) namespace: String,
    /// Attribute definitions, in order.
    pub(crate) definitions: Vec<Uuid>,
}

/// What a path or id names in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Node {
    Object(Uuid),
    Attribute(Uuid),
    Definition(Uuid),
}

/// Why a model change cannot be made, in Mesh's words where clients match
/// them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ModelError {
    /// Something the change names does not exist.
    NotFound(String),
    /// The owner a new object needs does not exist.
    OwnerNotFound,
    /// The request is wrong for what it names (a type mismatch, a name
    /// taken, children in the way).
    Invalid(String),
}

impl ModelError {
    pub(crate) fn message(&self) -> String {
        match self {
            ModelError::NotFound(m) | ModelError::Invalid(m) => m.clone(),
            ModelError::OwnerNotFound => "Owner of the object not found".to_string(),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Model {
    pub(crate) objects: HashMap<Uuid, Object>,
    pub(crate) attributes: HashMap<Uuid, Attribute>,
    pub(crate) types: HashMap<Uuid, ObjectType>,
    pub(crate) definitions: HashMap<Uuid, Definition>,
    /// The models (root objects), in order.
    pub(crate) roots: Vec<Uuid>,
    /// Objects' availability events.
    pub(crate) availability: super::availability::Availability,
}

impl Model {
    pub(crate) fn object(&self, id: Uuid) -> Option<&Object> {
        self.objects.get(&id)
    }

    pub(crate) fn attribute(&self, id: Uuid) -> Option<&Attribute> {
        self.attributes.get(&id)
    }

    pub(crate) fn definition(&self, id: Uuid) -> Option<&Definition> {
        self.definitions.get(&id)
    }

    /// The definition of attribute `id`.
    pub(crate) fn definition_of(&self, id: Uuid) -> Option<&Definition> {
        self.attribute(id)
            .and_then(|a| self.definitions.get(&a.definition))
    }

    pub(crate) fn attribute_name(&self, id: Uuid) -> Option<&str> {
        self.definition_of(id).map(|d| d.name.as_str())
    }

    pub(crate) fn is_root(&self, object: Uuid) -> bool {
        self.objects.get(&object).is_some_and(|o| o.owner.is_none())
    }

    /// The object that owns object `id` (a model for first-level objects).
    pub(crate) fn owner_object(&self, id: Uuid) -> Option<Uuid> {
        let owner = self.objects.get(&id)?.owner?;
        self.attributes.get(&owner).map(|a| a.object)
    }

    /// Object `id`'s attribute named `name`.
    pub(crate) fn attribute_named(&self, object: Uuid, name: &str) -> Option<&Attribute> {
        self.objects.get(&object)?.attributes.iter().find_map(|a| {
            let attribute = self.attributes.get(a)?;
            (self.definitions.get(&attribute.definition)?.name == name).then_some(attribute)
        })
    }

    /// The targets of ownership attribute `id` (empty for other attributes).
    pub(crate) fn owned_by(&self, attribute: Uuid) -> &[Uuid] {
        match self.attributes.get(&attribute).map(|a| &a.value) {
            Some(Value::Ownership(children)) => children,
            _ => &[],
        }
    }

    /// Object `id`'s children through all its ownership attributes.
    pub(crate) fn children(&self, id: Uuid) -> Vec<Uuid> {
        let Some(object) = self.objects.get(&id) else {
            return Vec::new();
        };
        object
            .attributes
            .iter()
            .flat_map(|a| self.owned_by(*a).iter().copied())
            .collect()
    }

    /// Full path of object `id`.
    pub(crate) fn object_path(&self, id: Uuid) -> Option<String> {
        let object = self.objects.get(&id)?;
        let Some(owner) = object.owner else {
            return Some(format!("Model/{}", object.name));
        };
        let attribute = self.attributes.get(&owner)?;
        let parent = self.object_path(attribute.object)?;
        if self.is_root(attribute.object) {
            Some(format!("{parent}/{}", object.name))
        } else {
            let relation = self.attribute_name(owner)?;
            Some(format!("{parent}.{relation}/{}", object.name))
        }
    }

    /// Full path of attribute `id`.
    pub(crate) fn attribute_path(&self, id: Uuid) -> Option<String> {
        let attribute = self.attributes.get(&id)?;
        let object = self.object_path(attribute.object)?;
        Some(format!("{object}.{}", self.attribute_name(id)?))
    }

    /// `Repository/<namespace>/<type>/<name>` of definition `id`.
    pub(crate) fn definition_path(&self, id: Uuid) -> Option<String> {
        let definition = self.definitions.get(&id)?;
        let owner = self.types.get(&definition.owner_type)?;
        Some(format!(
            "Repository/{}/{}/{}",
            definition.namespace, owner.name, definition.name
        ))
    }

    /// What `id` is in the model.
    pub(crate) fn node_by_id(&self, id: Uuid) -> Option<Node> {
        if self.objects.contains_key(&id) {
            Some(Node::Object(id))
        } else if self.attributes.contains_key(&id) {
            Some(Node::Attribute(id))
        } else if self.definitions.contains_key(&id) {
            Some(Node::Definition(id))
        } else {
            None
        }
    }

    /// What a model path names, in the full or the short form.
    pub(crate) fn node_by_path(&self, path: &str) -> Option<Node> {
        if let Some(rest) = path.strip_prefix("Repository/") {
            return self.definition_by_path(rest);
        }
        let rest = path.strip_prefix("Model/")?;
        let segments: Vec<&str> = rest.split('/').collect();
        let last = segments.len() - 1;
        let mut current: Option<Uuid> = None;
        // The ownership attribute the previous segment named, if any.
        let mut via: Option<Uuid> = None;
        for (i, segment) in segments.iter().enumerate() {
            let (name, attribute) = match segment.split_once('.') {
                Some((name, attribute)) => (name, Some(attribute)),
                None => (*segment, None),
            };
            let object = match current {
                None => *self
                    .roots
                    .iter()
                    .find(|r| self.objects.get(r).is_some_and(|o| o.name == name))?,
                Some(parent) => {
                    let candidates = match via {
                        Some(relation) => self.owned_by(relation).to_vec(),
                        None => self.children(parent),
                    };
                    candidates
                        .into_iter()
                        .find(|c| self.objects.get(c).is_some_and(|o| o.name == name))?
                }
            };
            current = Some(object);
            via = None;
            if let Some(attribute) = attribute {
                let attribute = self.attribute_named(object, attribute)?.id;
                if i == last {
                    return Some(Node::Attribute(attribute));
                }
                via = Some(attribute);
            }
        }
        current.map(Node::Object)
    }

    fn definition_by_path(&self, rest: &str) -> Option<Node> {
        let mut parts = rest.split('/');
        let (namespace, type_name, name) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        self.definitions
            .values()
            .find(|d| {
                d.namespace == namespace
                    && d.name == name
                    && self
                        .types
                        .get(&d.owner_type)
                        .is_some_and(|t| t.name == type_name)
            })
            .map(|d| Node::Definition(d.id))
    }

    /// Object `id` and everything it owns, parents before children.
    pub(crate) fn subtree(&self, id: Uuid) -> Vec<Uuid> {
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() {
            out.extend(self.children(out[i]));
            i += 1;
        }
        out
    }
}
