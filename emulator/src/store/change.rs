//! A session's changes to the model and the catalog, kept as a log of
//! operations. The session sees the log laid over the committed state at
//! once; a commit replays the log on the committed state as it is then,
//! which is how changes another session committed in the meantime are
//! noticed: an operation that no longer applies fails the commit.

use std::sync::Arc;

use uuid::Uuid;

use super::availability::EventEdit;
use super::catalog::{Catalog, Resource};
use super::model::{Model, ModelError, Value};
use super::values::Edit;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Change {
    /// A new physical series; its key comes at commit.
    CreateResource(Resource),
    UpdateResource {
        id: Uuid,
        curve: Option<i32>,
        unit: Option<Option<Uuid>>,
        time_zone: Option<Option<String>>,
    },
    CreateObject {
        id: Uuid,
        name: String,
        /// The ownership attribute that will own it.
        owner: Uuid,
        /// One per definition of the new object's type, in order.
        attributes: Vec<Uuid>,
    },
    DeleteObject {
        id: Uuid,
        recursive: bool,
    },
    UpdateObject {
        id: Uuid,
        name: Option<String>,
        owner: Option<Uuid>,
    },
    SetValue {
        attribute: Uuid,
        value: Value,
    },
    /// A change relative to the attribute's value when it is applied.
    EditValue {
        attribute: Uuid,
        edit: Edit,
    },
    /// A new model (root object) of a model definition's root type.
    CreateModel {
        id: Uuid,
        name: String,
        type_id: Uuid,
        /// One per definition of the root type, in order.
        attributes: Vec<Uuid>,
    },
    /// A time series attribute definition's description or template.
    UpdateDefinition {
        id: Uuid,
        description: Option<String>,
        template: Option<String>,
    },
    /// A change to object `owner`'s availability events.
    Availability {
        owner: Uuid,
        edit: EventEdit,
    },
}

/// Where a change is being applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    /// To the session's own view, when the request comes.
    Session,
    /// To the committed state, at commit.
    Commit,
}

impl Change {
    /// Applies the change, all or nothing: each operation checks before it
    /// mutates, and the model or catalog is copied only if shared.
    pub(crate) fn apply(
        &self,
        model: &mut Arc<Model>,
        catalog: &mut Arc<Catalog>,
        stage: Stage,
    ) -> Result<(), ModelError> {
        match self {
            Change::CreateResource(resource) => {
                if catalog.by_path(&resource.path).is_some() {
                    return Err(ModelError::Invalid(format!(
                        "Timeseries with path '{}' already exists.",
                        resource.path
                    )));
                }
                let catalog = Arc::make_mut(catalog);
                let mut resource = resource.clone();
                resource.key = match stage {
                    Stage::Session => 0,
                    Stage::Commit => catalog.new_key(),
                };
                catalog.insert(resource).map_err(ModelError::Invalid)
            }
            Change::UpdateResource {
                id,
                curve,
                unit,
                time_zone,
            } => {
                if catalog.get(*id).is_none() {
                    return Err(ModelError::NotFound(format!(
                        "time series {} not found",
                        crate::wire::braced(*id)
                    )));
                }
                Arc::make_mut(catalog).update(*id, |r| {
                    if let Some(curve) = curve {
                        r.curve = *curve;
                    }
                    if let Some(unit) = unit {
                        r.unit = *unit;
                    }
                    if let Some(zone) = time_zone {
                        r.time_zone = zone.clone();
                    }
                });
                Ok(())
            }
            Change::CreateObject {
                id,
                name,
                owner,
                attributes,
            } => Arc::make_mut(model).create_object(*id, name, *owner, attributes),
            Change::DeleteObject { id, recursive } => {
                // Deleting what another session already deleted is not a
                // conflict: the outcome is the same.
                if stage == Stage::Commit && model.object(*id).is_none() {
                    return Ok(());
                }
                Arc::make_mut(model).delete_object(*id, *recursive)
            }
            Change::UpdateObject { id, name, owner } => {
                Arc::make_mut(model).update_object(*id, name.as_deref(), *owner)
            }
            Change::SetValue { attribute, value } => {
                if let Value::Timeseries {
                    resource: Some(resource),
                    ..
                } = value
                {
                    if catalog.get(*resource).is_none() {
                        return Err(ModelError::NotFound(format!(
                            "time series {} not found",
                            crate::wire::braced(*resource)
                        )));
                    }
                }
                Arc::make_mut(model).set_value(*attribute, value.clone())
            }
            Change::EditValue { attribute, edit } => {
                Arc::make_mut(model).edit_value(*attribute, edit, catalog)
            }
            Change::CreateModel {
                id,
                name,
                type_id,
                attributes,
            } => Arc::make_mut(model).create_model(*id, name, *type_id, attributes),
            Change::UpdateDefinition {
                id,
                description,
                template,
            } => Arc::make_mut(model).update_definition(
                *id,
                description.as_deref(),
                template.as_deref(),
            ),
            Change::Availability { owner, edit } => {
                Arc::make_mut(model).edit_availability(*owner, edit, stage)
            }
        }
    }
}
