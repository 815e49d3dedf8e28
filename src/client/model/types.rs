//! The model as Rust values: objects, attributes, their values and
//! definitions, decoded from Mesh's messages into plain owned types with ids
//! as `Uuid` and times as milliseconds since the Unix epoch, UTC.

use std::sync::Arc;

use uuid::Uuid;

pub use crate::client::TimeseriesResource;

/// Another thing in the model as Mesh names it in answers: by id, by path,
/// or both (owners, object definitions, model namespaces, linking
/// attributes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeshRef {
    /// The id, when the server sent one.
    pub id: Option<Uuid>,
    /// The path, when the server sent one.
    pub path: Option<String>,
}

/// A Mesh object: a model (the root, with no owner), or an object owned
/// through an ownership attribute of another object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object {
    pub id: Uuid,
    /// Full path, e.g. `Model/M/Component.SomeOwnershipAttribute/Name`.
    pub path: String,
    pub name: String,
    /// The object definition's name (for a model: its model definition).
    pub type_name: String,
    /// The owning ownership attribute (for a first-level object: the model
    /// object); `None` for a model.
    pub owner: Option<MeshRef>,
    /// The object definition; for a model, its namespace.
    pub definition: Option<MeshRef>,
    /// The attributes the view and filter asked for, in the server's order.
    pub attributes: Vec<Attribute>,
}

impl Object {
    /// The attribute named `name`, if the object carries it.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// What kind of value an attribute holds. The numbers are Mesh's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum ValueType {
    /// Not said, or a kind newer than this library.
    #[default]
    Unspecified = 0,
    Int = 1,
    Double = 2,
    Bool = 3,
    String = 4,
    UtcTime = 5,
    Timeseries = 6,
    OwnershipRelation = 7,
    LinkRelation = 8,
    VersionedLinkRelation = 9,
    RatingCurve = 10,
    XySet = 11,
}

impl ValueType {
    /// The type for Mesh's number; unknown numbers are `Unspecified`.
    pub fn from_i32(value: i32) -> ValueType {
        use ValueType::*;
        match value {
            1 => Int,
            2 => Double,
            3 => Bool,
            4 => String,
            5 => UtcTime,
            6 => Timeseries,
            7 => OwnershipRelation,
            8 => LinkRelation,
            9 => VersionedLinkRelation,
            10 => RatingCurve,
            11 => XySet,
            _ => Unspecified,
        }
    }
}

/// An attribute of an object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attribute {
    pub id: Uuid,
    /// Full path: `<object path>.<name>`.
    pub path: String,
    pub name: String,
    pub value_type: ValueType,
    /// True for collections (arrays of simple values, one-to-many relations).
    pub is_collection: bool,
    /// Simple types: one value, or one per element of a collection (none
    /// when empty). Time series: exactly one. Relations: one per target.
    /// XY sets and rating curves: none (they have their own calls).
    pub values: Vec<Value>,
    /// Absent when read without definitions. Shared among the attributes
    /// of one answer that have the same definition.
    pub definition: Option<Arc<AttributeDefinition>>,
    /// The object the attribute belongs to. Shared with the other
    /// attributes of the same object in one answer.
    pub owner: Option<Arc<MeshRef>>,
}

/// One value of an attribute.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Double(f64),
    Bool(bool),
    String(String),
    /// Milliseconds since the Unix epoch, UTC.
    UtcTime(i64),
    /// Boxed: it is much larger than the other kinds, which would otherwise
    /// all take its size.
    Timeseries(Box<TimeseriesValue>),
    /// The owned object.
    Ownership(Option<Uuid>),
    /// The linked object.
    Link(Option<Uuid>),
    /// The versions of one versioned link, in time order.
    VersionedLink(Vec<LinkVersion>),
    /// A value the server sent without any content.
    Empty,
}

/// The value of a time series attribute.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimeseriesValue {
    /// The connected physical or virtual time series; `None` when nothing
    /// is connected.
    pub resource: Option<TimeseriesResource>,
    /// The local expression, or else the definition's template.
    pub expression: String,
    /// True when `expression` is the attribute's own local expression.
    pub is_local_expression: bool,
}

/// One version of a versioned link: from `valid_from_ms` on, the link points
/// to `target_id`, or to nothing when that is `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkVersion {
    pub target_id: Option<Uuid>,
    /// Milliseconds since the Unix epoch, UTC.
    pub valid_from_ms: i64,
}

/// The definition an attribute is an instance of.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttributeDefinition {
    pub id: Option<Uuid>,
    /// `Repository/<model definition>/<object definition>/<attribute>`.
    pub path: String,
    pub name: String,
    pub description: String,
    /// Tag names.
    pub tags: Vec<String>,
    pub namespace: String,
    /// E.g. `DoubleAttributeDefinition`, `ReferenceCollectionAttributeDefinition`.
    pub type_name: String,
    pub minimum_cardinality: i64,
    pub maximum_cardinality: i64,
    pub kind: DefinitionKind,
}

/// What a definition says beyond the common part, by value type.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum DefinitionKind {
    Int {
        default: i64,
        minimum: i64,
        maximum: i64,
        unit: Option<String>,
        allowed: Vec<i64>,
    },
    Double {
        default: f64,
        minimum: f64,
        maximum: f64,
        unit: Option<String>,
        allowed: Vec<f64>,
    },
    Bool {
        default: bool,
    },
    String {
        default: String,
        allowed: Vec<String>,
    },
    /// Mesh sends these times as text.
    UtcTime {
        default: String,
        minimum: String,
        maximum: String,
    },
    Timeseries {
        template_expression: String,
        unit: Option<String>,
    },
    XySet {
        versioned: bool,
    },
    Ownership {
        target_type_name: String,
    },
    Link {
        target_type_name: String,
        versioned: bool,
    },
    RatingCurve,
    /// No type-specific part was sent.
    #[default]
    None,
}

/// A set of XY curves. Versioned XY set attributes hold a series of them,
/// each valid from a time; unversioned ones hold exactly one, with no time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct XySet {
    /// Milliseconds since the Unix epoch, UTC; `None` for unversioned sets.
    pub valid_from_ms: Option<i64>,
    pub curves: Vec<XyCurve>,
}

/// One curve of an XY set: points `(x[i], y[i])` for a reference value (z).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct XyCurve {
    pub reference_value: f64,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

/// One version of a rating curve, valid from a time on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RatingCurveVersion {
    /// Milliseconds since the Unix epoch, UTC.
    pub valid_from_ms: i64,
    /// Below this x the curve is undefined.
    pub x_range_from: f64,
    /// Segment `i` covers `[x_range_until[i-1], x_range_until[i])`.
    pub segments: Vec<RatingCurveSegment>,
}

/// One segment of a rating curve version, with its discharge factors.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RatingCurveSegment {
    pub x_range_until: f64,
    pub factor_a: f64,
    pub factor_b: f64,
    pub factor_c: f64,
}
