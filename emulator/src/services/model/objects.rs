//! Objects: list the models, get an object, search objects (by query or
//! by definition), create objects and models, rename and move objects,
//! delete them.

use tonic::Status;
use uuid::Uuid;

use super::masks::{Filter, Mask, ATTRIBUTE_FIELDS, OBJECT_FIELDS};
use super::messages::{self, Definitions};
use super::resolve::{self, Owner};
use super::{stream, Call, Stream};
use crate::proto::model::{
    CreateModelRequest, CreateObjectRequest, DeleteObjectRequest, GetObjectRequest,
    ListModelsRequest, ListModelsResponse, Object, SearchObjectsByDefinitionRequest,
    SearchObjectsRequest, UpdateObjectRequest,
};
use crate::proto::types::MeshId;
use crate::services::Svc;
use crate::store::model::{Kind, Model};
use crate::store::{Change, View};
use crate::wire::mask_paths;

/// What an object answer carries: which fields, which attributes, and
/// which fields of those.
#[derive(Clone)]
struct Shape {
    object: Mask,
    filter: Filter,
    attribute: Mask,
}

impl Shape {
    fn parse(
        object: Option<&prost_types::FieldMask>,
        filter: Option<&crate::proto::model::AttributesMasks>,
        attribute: Option<&prost_types::FieldMask>,
    ) -> Result<Shape, Status> {
        Ok(Shape {
            object: Mask::parse(object, OBJECT_FIELDS, "object_field_mask")?,
            filter: Filter::parse(filter)?,
            attribute: Mask::parse(attribute, ATTRIBUTE_FIELDS, "attribute_field_mask")?,
        })
    }

    fn full() -> Shape {
        Shape {
            object: Mask::all(),
            filter: Filter::All,
            attribute: Mask::all(),
        }
    }

    fn message(&self, view: &View, id: Uuid, definitions: &mut Definitions) -> Option<Object> {
        messages::object(
            view,
            id,
            &self.object,
            &self.filter,
            &self.attribute,
            definitions,
        )
    }
}

/// Streams objects `ids` in `shape`, made one at a time as the client
/// takes them.
fn objects(call: Call, ids: Vec<Uuid>, shape: Shape) -> Stream<Object> {
    let Call { guard, view } = call;
    let mut definitions = Definitions::default();
    stream(
        guard,
        ids.into_iter()
            .filter_map(move |id| shape.message(&view, id, &mut definitions)),
    )
}

pub(super) fn list_models(call: Call, r: ListModelsRequest) -> Result<ListModelsResponse, Status> {
    let view = &call.view;
    let shape = Shape::parse(r.object_field_mask.as_ref(), None, None)?;
    let definition = match &r.model_definition_id {
        Some(id) => Some(resolve::object_type(
            view,
            Some(id),
            "Model definition id",
            true,
        )?),
        None => None,
    };
    let models = view
        .model
        .roots
        .iter()
        .filter(|m| {
            definition.is_none_or(|d| view.model.object(**m).is_some_and(|o| o.type_id == d))
        })
        .filter_map(|m| shape.message(view, *m, &mut Definitions::default()))
        .collect();
    Ok(ListModelsResponse { models })
}

pub(super) fn get_object(call: Call, r: GetObjectRequest) -> Result<Object, Status> {
    let shape = Shape::parse(
        r.object_field_mask.as_ref(),
        r.attributes_masks.as_ref(),
        r.attribute_field_mask.as_ref(),
    )?;
    let id = resolve::object(&call.view, r.object_id.as_ref(), "Object id")?;
    shape
        .message(&call.view, id, &mut Definitions::default())
        .ok_or_else(|| Status::not_found("object not found"))
}

pub(super) fn search_objects(
    call: Call,
    r: SearchObjectsRequest,
) -> Result<Stream<Object>, Status> {
    let shape = Shape::parse(
        r.object_field_mask.as_ref(),
        r.attributes_masks.as_ref(),
        r.attribute_field_mask.as_ref(),
    )?;
    let start = resolve::object(&call.view, r.start_object_id.as_ref(), "Start object id")?;
    let found =
        crate::search::objects(&call.view.model, start, &r.query).map_err(super::search_status)?;
    Ok(objects(call, found, shape))
}

pub(super) fn search_objects_by_definition(
    call: Call,
    r: SearchObjectsByDefinitionRequest,
) -> Result<Stream<Object>, Status> {
    let shape = Shape::parse(
        r.object_field_mask.as_ref(),
        r.attributes_masks.as_ref(),
        r.attribute_field_mask.as_ref(),
    )?;
    let model = &call.view.model;
    let type_id = resolve::object_type(
        &call.view,
        r.object_definition_id.as_ref(),
        "Object definition id",
        false,
    )?;
    let mut found: Vec<(String, Uuid)> = model
        .objects
        .values()
        .filter(|o| o.type_id == type_id)
        .map(|o| (model.object_path(o.id).unwrap_or_default(), o.id))
        .collect();
    // In path order, so that answers do not change from call to call.
    found.sort();
    let ids = found.into_iter().map(|(_, id)| id).collect();
    Ok(objects(call, ids, shape))
}

/// Mesh refuses names that would break paths.
fn check_name(name: &str) -> Result<(), Status> {
    if name.is_empty() {
        return Err(Status::invalid_argument("the object name is empty"));
    }
    if name.contains(['/', '.']) {
        return Err(Status::invalid_argument(format!(
            "invalid object name '{name}': names cannot contain '/' or '.'"
        )));
    }
    Ok(())
}

/// The ownership attribute of model `model` that owns objects of type
/// `type_id`; `wrong` words the refusal.
fn model_relation(model: &Model, id: Uuid, type_id: Uuid, wrong: &str) -> Result<Uuid, Status> {
    let object = model
        .object(id)
        .ok_or_else(|| Status::not_found("object not found"))?;
    object
        .attributes
        .iter()
        .copied()
        .find(|a| {
            model
                .definition_of(*a)
                .is_some_and(|d| d.kind == Kind::Ownership(type_id))
        })
        .ok_or_else(|| {
            let type_name = model.types.get(&type_id).map_or("?", |t| t.name.as_str());
            Status::invalid_argument(format!(
                "{wrong}: model {} cannot own {type_name} objects",
                object.name
            ))
        })
}

/// Fresh ids for the attributes of a new object of type `type_id`.
fn attribute_ids(model: &Model, type_id: Option<Uuid>) -> Vec<Uuid> {
    let count = type_id
        .and_then(|t| model.types.get(&t))
        .map_or(0, |t| t.definitions.len());
    (0..count).map(|_| Uuid::new_v4()).collect()
}

pub(super) fn create_object(
    svc: &Svc,
    call: Call,
    r: CreateObjectRequest,
) -> Result<Object, Status> {
    let view = &call.view;
    let model = &view.model;
    let owner = resolve::owner(view, r.owner_id.as_ref(), false)?;
    check_name(&r.name)?;
    let wanted = match &r.object_definition_id {
        Some(id) => Some(resolve::object_type(
            view,
            Some(id),
            "Object definition id",
            false,
        )?),
        None => None,
    };
    let relation = match owner {
        Owner::Attribute(a) => a,
        Owner::Model(m) => {
            let type_id = wanted.ok_or_else(|| {
                Status::invalid_argument(
                    "object_definition_id is required when the owner is a model",
                )
            })?;
            model_relation(model, m, type_id, "Invalid type of the owner")?
        }
    };
    let type_id = match model.definition_of(relation).map(|d| &d.kind) {
        Some(Kind::Ownership(t)) => Some(*t),
        _ => None,
    };
    if let (Some(wanted), Some(owned)) = (wanted, type_id) {
        if wanted != owned {
            return Err(Status::invalid_argument(
                "Invalid type of the owner: it owns objects of another object definition",
            ));
        }
    }
    let id = Uuid::new_v4();
    let change = Change::CreateObject {
        id,
        name: r.name.clone(),
        owner: relation,
        attributes: attribute_ids(model, type_id),
    };
    let guard = call.change(svc, change)?;
    let view = svc.view(&guard)?;
    Shape::full()
        .message(&view, id, &mut Definitions::default())
        .ok_or_else(|| Status::internal("the new object is not in the session's view"))
}

pub(super) fn create_model(svc: &Svc, call: Call, r: CreateModelRequest) -> Result<Object, Status> {
    let view = &call.view;
    check_name(&r.name)?;
    let type_id = resolve::object_type(
        view,
        r.model_definition_id.as_ref(),
        "Model definition id",
        true,
    )?;
    let id = Uuid::new_v4();
    let change = Change::CreateModel {
        id,
        name: r.name.clone(),
        type_id,
        attributes: attribute_ids(&view.model, Some(type_id)),
    };
    let guard = call.change(svc, change)?;
    let view = svc.view(&guard)?;
    Shape::full()
        .message(&view, id, &mut Definitions::default())
        .ok_or_else(|| Status::internal("the new model is not in the session's view"))
}

pub(super) fn update_object(svc: &Svc, call: Call, r: UpdateObjectRequest) -> Result<(), Status> {
    let view = &call.view;
    let id = resolve::object(view, r.object_id.as_ref(), "Object id")?;
    let paths = mask_paths(r.field_mask.as_ref());
    if paths.is_empty() {
        return Err(Status::invalid_argument("nothing is set to be updated"));
    }
    let (mut name, mut owner) = (None, None);
    for path in paths {
        match path {
            "new_name" => {
                check_name(&r.new_name)?;
                name = Some(r.new_name.clone());
            }
            "new_owner_id" => owner = Some(new_owner(view, id, r.new_owner_id.as_ref())?),
            other => {
                return Err(Status::invalid_argument(format!(
                    "field_mask: unknown field '{other}' (known: new_name, new_owner_id)"
                )))
            }
        }
    }
    call.change(svc, Change::UpdateObject { id, name, owner })?;
    Ok(())
}

/// The ownership attribute object `id` moves to.
fn new_owner(view: &View, id: Uuid, owner: Option<&MeshId>) -> Result<Uuid, Status> {
    match resolve::owner(view, owner, true)? {
        Owner::Attribute(a) => Ok(a),
        Owner::Model(m) => {
            let type_id = view
                .model
                .object(id)
                .map(|o| o.type_id)
                .ok_or_else(|| Status::not_found("object not found"))?;
            model_relation(&view.model, m, type_id, "Invalid type of the new owner")
        }
    }
}

pub(super) fn delete_object(svc: &Svc, call: Call, r: DeleteObjectRequest) -> Result<(), Status> {
    let id = resolve::object(&call.view, r.object_id.as_ref(), "Object id")?;
    call.change(
        svc,
        Change::DeleteObject {
            id,
            recursive: r.recursive_delete,
        },
    )?;
    Ok(())
}
