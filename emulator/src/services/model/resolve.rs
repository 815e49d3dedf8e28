//! What the `MeshId`s of model requests name in a session's view, and the
//! errors Mesh gives when they name nothing or the wrong kind of thing
//! (clients match these texts: `object not found:`, `attribute not found`,
//! `invalid type`, `Invalid type`, `Owner of the object not found`,
//! `Invalid type of the owner`, `unexpected kind`). An id and a path given
//! together must name the same node.

use tonic::Status;
use uuid::Uuid;

use crate::proto::types::MeshId;
use crate::store::model::{Model, Node, ObjectType};
use crate::store::View;
use crate::wire::Target;

/// Why a `MeshId` names no node of the wanted kind.
enum Miss {
    NotFound,
    /// Id and path name different nodes.
    Different,
}

/// The node `target` names: by id, by path (full or short form), or by
/// both when they agree. A key names no model node.
fn node(model: &Model, target: &Target) -> Result<Node, Miss> {
    let by_id = target
        .id
        .map(|id| model.node_by_id(id).ok_or(Miss::NotFound));
    let by_path = target
        .path
        .as_ref()
        .map(|p| model.node_by_path(p).ok_or(Miss::NotFound));
    match (by_id, by_path) {
        (Some(a), Some(b)) => {
            let (a, b) = (a?, b?);
            if a == b {
                Ok(a)
            } else {
                Err(Miss::Different)
            }
        }
        (Some(found), None) | (None, Some(found)) => found,
        (None, None) => Err(Miss::NotFound),
    }
}

/// A node's path, for messages.
pub(super) fn node_path(model: &Model, node: Node) -> String {
    match node {
        Node::Object(id) => model.object_path(id),
        Node::Attribute(id) => model.attribute_path(id),
        Node::Definition(id) => model.definition_path(id),
    }
    .unwrap_or_default()
}

fn kind_name(node: Node) -> &'static str {
    match node {
        Node::Object(_) => "an object",
        Node::Attribute(_) => "an attribute",
        Node::Definition(_) => "an attribute definition",
    }
}

fn different(target: &Target, what: &str) -> Status {
    Status::invalid_argument(format!("{} do not name the same {what}", target.describe()))
}

/// The object `id` names.
pub(in crate::services) fn object(
    view: &View,
    id: Option<&MeshId>,
    field: &str,
) -> Result<Uuid, Status> {
    let target = Target::from_mesh_id(id, field)?;
    match node(&view.model, &target) {
        Ok(Node::Object(object)) => Ok(object),
        Ok(other) => Err(Status::invalid_argument(format!(
            "invalid type: {} is {}, not an object",
            node_path(&view.model, other),
            kind_name(other)
        ))),
        Err(Miss::NotFound) => Err(Status::not_found(format!(
            "object not found: {}",
            target.describe()
        ))),
        Err(Miss::Different) => Err(different(&target, "object")),
    }
}

/// The attribute `id` names; `wrong_kind` words the error for a node of
/// another kind.
fn attribute_or(
    view: &View,
    id: Option<&MeshId>,
    field: &str,
    wrong_kind: &str,
) -> Result<Uuid, Status> {
    let target = Target::from_mesh_id(id, field)?;
    match node(&view.model, &target) {
        Ok(Node::Attribute(attribute)) => Ok(attribute),
        Ok(other) => Err(Status::invalid_argument(format!(
            "{wrong_kind}: {} is {}, not an attribute",
            node_path(&view.model, other),
            kind_name(other)
        ))),
        Err(Miss::NotFound) => Err(Status::not_found(format!(
            "attribute not found: {}",
            target.describe()
        ))),
        Err(Miss::Different) => Err(different(&target, "attribute")),
    }
}

/// The attribute `id` names.
pub(in crate::services) fn attribute(
    view: &View,
    id: Option<&MeshId>,
    field: &str,
) -> Result<Uuid, Status> {
    attribute_or(view, id, field, "Invalid type")
}

/// The XY set or rating curve attribute `id` names; `kind` checks that
/// its definition is of the wanted kind.
pub(super) fn curve_attribute(
    view: &View,
    id: Option<&MeshId>,
    wanted: &str,
    kind: impl Fn(&crate::store::model::Kind) -> bool,
) -> Result<Uuid, Status> {
    let attribute = attribute_or(view, id, "Attribute id", "unexpected kind")?;
    match view.model.definition_of(attribute) {
        Some(d) if kind(&d.kind) => Ok(attribute),
        other => Err(Status::invalid_argument(format!(
            "unexpected kind: {} is {}, not {wanted}",
            view.model.attribute_path(attribute).unwrap_or_default(),
            other.map_or("an attribute without a definition", |d| d.type_name())
        ))),
    }
}

/// What a new object can be owned by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Owner {
    /// An ownership relation attribute (the store checks that it is one).
    Attribute(Uuid),
    /// A model: the new object goes into its ownership relation.
    Model(Uuid),
}

/// The owner `id` names for a new (`new` false) or moved (`new` true)
/// object, in Mesh's words for each.
pub(super) fn owner(view: &View, id: Option<&MeshId>, moved: bool) -> Result<Owner, Status> {
    let (not_found, wrong) = if moved {
        (
            "New owner of the object not found",
            "Invalid type of the new owner",
        )
    } else {
        ("Owner of the object not found", "Invalid type of the owner")
    };
    let target = Target::from_mesh_id(id, if moved { "New owner id" } else { "Owner id" })?;
    match node(&view.model, &target) {
        Ok(Node::Attribute(a)) => Ok(Owner::Attribute(a)),
        Ok(Node::Object(o)) if view.model.is_root(o) => Ok(Owner::Model(o)),
        Ok(other) => Err(Status::invalid_argument(format!(
            "{wrong}: {} is {}; an owner is an ownership relation attribute or a model",
            node_path(&view.model, other),
            kind_name(other)
        ))),
        Err(Miss::NotFound) => Err(Status::not_found(format!(
            "{not_found}: {}",
            target.describe()
        ))),
        Err(Miss::Different) => Err(different(&target, "owner")),
    }
}

/// The attribute definition `id` names.
pub(in crate::services) fn definition(view: &View, id: Option<&MeshId>) -> Result<Uuid, Status> {
    let target = Target::from_mesh_id(id, "Attribute definition id")?;
    match node(&view.model, &target) {
        Ok(Node::Definition(d)) => Ok(d),
        Ok(other) => Err(Status::invalid_argument(format!(
            "Invalid type: {} is {}, not an attribute definition",
            node_path(&view.model, other),
            kind_name(other)
        ))),
        Err(Miss::NotFound) => Err(Status::not_found(format!(
            "attribute definition not found: {}",
            target.describe()
        ))),
        Err(Miss::Different) => Err(different(&target, "attribute definition")),
    }
}

/// `Repository/<namespace>/<type>` of an object type; a model
/// definition's root type (whose name is its namespace) is
/// `Repository/<namespace>`.
pub(super) fn type_path(t: &ObjectType) -> String {
    if t.name == t.namespace {
        format!("Repository/{}", t.namespace)
    } else {
        format!("Repository/{}/{}", t.namespace, t.name)
    }
}

/// The object type (object definition) `id` names, by id or by path;
/// `roots` asks for a model definition (a root type) instead.
pub(super) fn object_type(
    view: &View,
    id: Option<&MeshId>,
    field: &str,
    roots: bool,
) -> Result<Uuid, Status> {
    let target = Target::from_mesh_id(id, field)?;
    let what = if roots {
        "model definition"
    } else {
        "object definition"
    };
    let types = &view.model.types;
    let is_root = |t: &ObjectType| (t.name == t.namespace) == roots;
    let by_id = target
        .id
        .map(|id| types.get(&id).filter(|t| is_root(t)).map(|t| t.id));
    let by_path = target.path.as_ref().map(|p| {
        types
            .values()
            .find(|t| is_root(t) && type_path(t) == *p)
            .map(|t| t.id)
    });
    let found = match (by_id, by_path) {
        (Some(a), Some(b)) if a != b && a.is_some() && b.is_some() => {
            return Err(different(&target, what))
        }
        (Some(a), Some(b)) => a.and(b),
        (Some(found), None) | (None, Some(found)) => found,
        (None, None) => None,
    };
    found.ok_or_else(|| Status::not_found(format!("{what} not found: {}", target.describe())))
}
