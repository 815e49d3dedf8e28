//! Advanced restrictions: a category of an object whose limit a
//! calculation gives, named by the object and the category. The
//! calculation is one of the object's own time series attributes.

use tonic::Status;

use super::messages::{self, check_category};
use super::{Call, Caller};
use crate::proto::availability::{
    AdvancedRestriction, CreateAdvancedRestrictionRequest, DeleteAdvancedRestrictionsRequest,
    GetAdvancedRestrictionRequest, SearchAdvancedRestrictionsRequest,
};
use crate::services::model::resolve;
use crate::services::Svc;
use crate::store::availability::{self as store, EventEdit};
use crate::store::Change;

pub(super) fn create(
    svc: &Svc,
    call: Call,
    r: CreateAdvancedRestrictionRequest,
    caller: Caller,
) -> Result<AdvancedRestriction, Status> {
    let owner = resolve::object(&call.view, r.owner_id.as_ref(), "owner_id")?;
    check_category(&r.category)?;
    let calculation = resolve::attribute(&call.view, r.calculation_id.as_ref(), "calculation_id")?;
    let created = messages::record(
        r.created_author.as_ref(),
        r.created_timestamp.as_ref(),
        &caller.name,
        caller.now,
    )?;
    let advanced = store::AdvancedRestriction {
        category: r.category,
        calculation,
        created,
    };
    let guard = call.change(
        svc,
        Change::Availability {
            owner,
            edit: EventEdit::CreateAdvanced(advanced.clone()),
        },
    )?;
    let view = svc.view(&guard)?;
    Ok(messages::advanced(&view.model, owner, &advanced))
}

/// The advanced restrictions of some objects, object by object in the
/// order given.
pub(super) fn search(
    call: &Call,
    r: SearchAdvancedRestrictionsRequest,
) -> Result<Vec<AdvancedRestriction>, Status> {
    if r.owner_ids.is_empty() {
        return Err(Status::invalid_argument(
            "owner_ids is empty: name at least one object",
        ));
    }
    let model = &call.view.model;
    let mut owners = Vec::new();
    for id in &r.owner_ids {
        let owner = resolve::object(&call.view, Some(id), "owner_ids")?;
        if !owners.contains(&owner) {
            owners.push(owner);
        }
    }
    Ok(owners
        .into_iter()
        .flat_map(|owner| {
            model
                .availability
                .advanced(owner)
                .iter()
                .map(move |a| messages::advanced(model, owner, a))
        })
        .collect())
}

pub(super) fn get(
    call: &Call,
    r: GetAdvancedRestrictionRequest,
) -> Result<AdvancedRestriction, Status> {
    let owner = resolve::object(&call.view, r.owner_id.as_ref(), "owner_id")?;
    let model = &call.view.model;
    model
        .availability
        .advanced(owner)
        .iter()
        .find(|a| a.category == r.category)
        .map(|a| messages::advanced(model, owner, a))
        .ok_or_else(|| {
            Status::not_found(format!(
                "advanced restriction with category '{}' not found for object {}",
                r.category,
                model.object_path(owner).unwrap_or_default()
            ))
        })
}

pub(super) fn delete(
    svc: &Svc,
    call: Call,
    r: DeleteAdvancedRestrictionsRequest,
) -> Result<(), Status> {
    let owner = resolve::object(&call.view, r.owner_id.as_ref(), "owner_id")?;
    let edit = EventEdit::DeleteAdvanced {
        categories: r.categories,
    };
    call.change(svc, Change::Availability { owner, edit })?;
    Ok(())
}
