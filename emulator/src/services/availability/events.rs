//! Revisions and restrictions: create them, add and delete a revision's
//! recurrences, get, search and expand them into instances, update and
//! delete them. Each change is checked against the session's view here
//! and again by the store when it is made (and when it is committed).

use tonic::Status;
use uuid::Uuid;

use super::messages::{self, check_category};
use super::{Call, Caller};
use crate::proto::availability::{
    availability_event::EventOneof, AddRevisionRecurrenceRequest, AvailabilityEvent,
    CreateRestrictionRequest, CreateRevisionRequest, DeleteAvailabilityEventsByIdRequest,
    DeleteAvailabilityEventsRequest, DeleteRevisionRecurrenceRequest, GetAvailabilityEventRequest,
    Restriction, Revision, SearchAvailabilityEventsRequest, SearchInstancesRequest,
    UpdateRestrictionRequest, UpdateRevisionRequest,
};
use crate::proto::types::MeshId;
use crate::services::model::resolve;
use crate::services::{model_status, Svc};
use crate::store::availability::{
    missing_event, Event, EventEdit, EventKind, Instance, Record, TooMany, Update, MAX_INSTANCES,
};
use crate::store::{Change, View};
use crate::wire::mask_paths;

/// The object an event request is about.
fn owner(view: &View, id: Option<&MeshId>) -> Result<Uuid, Status> {
    resolve::object(view, id, "owner_id")
}

fn check_event_id(id: &str) -> Result<(), Status> {
    if id.is_empty() {
        return Err(Status::invalid_argument("no event id provided"));
    }
    Ok(())
}

/// Event `id` of object `owner` in the session's view.
fn find<'a>(view: &'a View, owner: Uuid, id: &str) -> Result<&'a Event, Status> {
    check_event_id(id)?;
    view.model.availability.event(owner, id).ok_or_else(|| {
        model_status(missing_event(
            id,
            &view.model.object_path(owner).unwrap_or_default(),
        ))
    })
}

/// Who changes an event now: the request's author, else the caller.
fn changed(author: Option<&String>, caller: &Caller) -> Record {
    Record {
        author: author.cloned().unwrap_or_else(|| caller.name.clone()),
        at: caller.now,
    }
}

/// Creates `event` for `owner` and answers with it as the session now
/// sees it.
fn create(
    svc: &Svc,
    call: Call,
    owner: Uuid,
    event: Event,
    now: crate::store::availability::Time,
) -> Result<EventOneof, Status> {
    let id = event.id.clone();
    let guard = call.change(
        svc,
        Change::Availability {
            owner,
            edit: EventEdit::Create(event),
        },
    )?;
    let view = svc.view(&guard)?;
    let created = find(&view, owner, &id)?;
    messages::event(&view.model, owner, created, now)
        .event_oneof
        .ok_or_else(|| Status::internal("an event without a kind"))
}

/// The created and last-changed records of a new event.
fn records(
    created_author: Option<&String>,
    created_timestamp: Option<&prost_types::Timestamp>,
    last_changed_author: Option<&String>,
    caller: &Caller,
) -> Result<(Record, Record), Status> {
    let created = messages::record(created_author, created_timestamp, &caller.name, caller.now)?;
    let last_changed = Record {
        author: last_changed_author
            .cloned()
            .unwrap_or_else(|| created.author.clone()),
        at: created.at,
    };
    Ok((created, last_changed))
}

pub(super) fn create_revision(
    svc: &Svc,
    call: Call,
    r: CreateRevisionRequest,
    caller: Caller,
) -> Result<Revision, Status> {
    let owner = owner(&call.view, r.owner_id.as_ref())?;
    check_event_id(&r.event_id)?;
    let (created, last_changed) = records(
        r.created_author.as_ref(),
        r.created_timestamp.as_ref(),
        r.last_changed_author.as_ref(),
        &caller,
    )?;
    let event = Event {
        id: r.event_id,
        local_id: r.local_id,
        reason: r.reason,
        created,
        last_changed,
        kind: EventKind::Revision {
            recurrences: Vec::new(),
            next_recurrence: 0,
        },
    };
    match create(svc, call, owner, event, caller.now)? {
        EventOneof::Revision(revision) => Ok(revision),
        EventOneof::Restriction(_) => Err(Status::internal("a new revision became a restriction")),
    }
}

pub(super) fn create_restriction(
    svc: &Svc,
    call: Call,
    r: CreateRestrictionRequest,
    caller: Caller,
) -> Result<Restriction, Status> {
    let owner = owner(&call.view, r.owner_id.as_ref())?;
    check_event_id(&r.event_id)?;
    check_category(&r.category)?;
    let pattern = messages::pattern(r.restriction_recurrence.as_ref())?;
    let (created, last_changed) = records(
        r.created_author.as_ref(),
        r.created_timestamp.as_ref(),
        r.last_changed_author.as_ref(),
        &caller,
    )?;
    let event = Event {
        id: r.event_id,
        local_id: r.local_id,
        reason: r.reason,
        created,
        last_changed,
        kind: EventKind::Restriction {
            category: r.category,
            pattern,
        },
    };
    match create(svc, call, owner, event, caller.now)? {
        EventOneof::Restriction(restriction) => Ok(restriction),
        EventOneof::Revision(_) => Err(Status::internal("a new restriction became a revision")),
    }
}

/// Adds a recurrence to a revision; answers with its id, the next free one
/// in the session's view.
pub(super) fn add_recurrence(
    svc: &Svc,
    call: Call,
    r: AddRevisionRecurrenceRequest,
    caller: Caller,
) -> Result<u32, Status> {
    let owner = owner(&call.view, r.owner_id.as_ref())?;
    let event = find(&call.view, owner, &r.event_id)?;
    let EventKind::Revision {
        next_recurrence, ..
    } = &event.kind
    else {
        return Err(Status::invalid_argument(format!(
            "invalid type: event '{}' is a restriction, which has one recurrence (change it with UpdateRestriction)",
            r.event_id
        )));
    };
    let id = *next_recurrence;
    let recurrence = messages::revision_recurrence(r.revision_recurrence.as_ref(), id)?;
    let edit = EventEdit::AddRecurrence {
        event: r.event_id,
        recurrence,
        changed: changed(r.author.as_ref(), &caller),
    };
    call.change(svc, Change::Availability { owner, edit })?;
    Ok(id)
}

pub(super) fn get(
    call: &Call,
    r: GetAvailabilityEventRequest,
    caller: Caller,
) -> Result<AvailabilityEvent, Status> {
    let owner = owner(&call.view, r.owner_id.as_ref())?;
    let event = find(&call.view, owner, &r.event_id)?;
    Ok(messages::event(&call.view.model, owner, event, caller.now))
}

/// The objects a search names, each once, in the order given.
fn owners(view: &View, ids: &[MeshId]) -> Result<Vec<Uuid>, Status> {
    if ids.is_empty() {
        return Err(Status::invalid_argument(
            "owner_ids is empty: name at least one object",
        ));
    }
    let mut owners = Vec::with_capacity(ids.len());
    for id in ids {
        let object = owner(view, Some(id))?;
        if !owners.contains(&object) {
            owners.push(object);
        }
    }
    Ok(owners)
}

/// The events of a type of some objects: object by object in the order
/// given, each object's in the order they were created.
pub(super) fn search(
    call: &Call,
    r: SearchAvailabilityEventsRequest,
    caller: Caller,
) -> Result<Vec<AvailabilityEvent>, Status> {
    let kind = messages::event_type(r.event_type)?;
    let model = &call.view.model;
    let mut found = Vec::new();
    for owner in owners(&call.view, &r.owner_ids)? {
        for event in model.availability.events(owner) {
            if kind.matches(event) {
                found.push(messages::event(model, owner, event, caller.now));
            }
        }
    }
    Ok(found)
}

/// An event's instances that overlap the request's interval.
pub(super) fn instances(call: &Call, r: SearchInstancesRequest) -> Result<Vec<Instance>, Status> {
    let owner = owner(&call.view, r.owner_id.as_ref())?;
    let event = find(&call.view, owner, &r.event_id)?;
    let interval = messages::interval(r.interval.as_ref(), "interval", true)?;
    event
        .instances(interval.start, interval.end)
        .map_err(|TooMany| {
            Status::resource_exhausted(format!(
                "event '{}' has more than {MAX_INSTANCES} instances in the interval; search shorter intervals",
                r.event_id
            ))
        })
}

/// The fields a field mask names, out of `known`; at least one.
fn fields<'a>(
    mask: Option<&'a prost_types::FieldMask>,
    known: &[&str],
) -> Result<Vec<&'a str>, Status> {
    let paths = mask_paths(mask);
    if paths.is_empty() {
        return Err(Status::invalid_argument("nothing is set to be updated"));
    }
    if let Some(other) = paths.iter().find(|p| !known.contains(p)) {
        return Err(Status::invalid_argument(format!(
            "field_mask: unknown field '{other}' (known: {})",
            known.join(", ")
        )));
    }
    Ok(paths)
}

pub(super) fn update_revision(
    svc: &Svc,
    call: Call,
    r: UpdateRevisionRequest,
    caller: Caller,
) -> Result<(), Status> {
    let owner = owner(&call.view, r.owner_id.as_ref())?;
    find(&call.view, owner, &r.event_id)?;
    let mut update = Update::default();
    for field in fields(r.field_mask.as_ref(), &["new_local_id", "new_reason"])? {
        match field {
            "new_local_id" => update.local_id = Some(r.new_local_id.clone()),
            _ => update.reason = Some(r.new_reason.clone()),
        }
    }
    let edit = EventEdit::Update {
        event: r.event_id,
        revision: true,
        update,
        changed: changed(r.author.as_ref(), &caller),
    };
    call.change(svc, Change::Availability { owner, edit })?;
    Ok(())
}

pub(super) fn update_restriction(
    svc: &Svc,
    call: Call,
    r: UpdateRestrictionRequest,
    caller: Caller,
) -> Result<(), Status> {
    let owner = owner(&call.view, r.owner_id.as_ref())?;
    find(&call.view, owner, &r.event_id)?;
    let known = [
        "new_local_id",
        "new_reason",
        "new_category",
        "new_restriction_recurrence",
    ];
    let mut update = Update::default();
    for field in fields(r.field_mask.as_ref(), &known)? {
        match field {
            "new_local_id" => update.local_id = Some(r.new_local_id.clone()),
            "new_reason" => update.reason = Some(r.new_reason.clone()),
            "new_category" => {
                check_category(&r.new_category)?;
                update.category = Some(r.new_category.clone());
            }
            _ => update.pattern = Some(messages::pattern(r.new_restriction_recurrence.as_ref())?),
        }
    }
    let edit = EventEdit::Update {
        event: r.event_id,
        revision: false,
        update,
        changed: changed(r.author.as_ref(), &caller),
    };
    call.change(svc, Change::Availability { owner, edit })?;
    Ok(())
}

pub(super) fn delete_recurrence(
    svc: &Svc,
    call: Call,
    r: DeleteRevisionRecurrenceRequest,
    caller: Caller,
) -> Result<(), Status> {
    let owner = owner(&call.view, r.owner_id.as_ref())?;
    find(&call.view, owner, &r.event_id)?;
    let edit = EventEdit::DeleteRecurrence {
        event: r.event_id,
        id: r.recurrence_id,
        changed: changed(r.author.as_ref(), &caller),
    };
    call.change(svc, Change::Availability { owner, edit })?;
    Ok(())
}

pub(super) fn delete_by_id(
    svc: &Svc,
    call: Call,
    r: DeleteAvailabilityEventsByIdRequest,
) -> Result<(), Status> {
    let owner = owner(&call.view, r.owner_id.as_ref())?;
    for id in &r.event_ids {
        find(&call.view, owner, id)?;
    }
    let edit = EventEdit::Delete {
        events: r.event_ids,
    };
    call.change(svc, Change::Availability { owner, edit })?;
    Ok(())
}

pub(super) fn delete_of_type(
    svc: &Svc,
    call: Call,
    r: DeleteAvailabilityEventsRequest,
) -> Result<(), Status> {
    let owner = owner(&call.view, r.owner_id.as_ref())?;
    let kind = messages::event_type(r.event_type)?;
    call.change(
        svc,
        Change::Availability {
            owner,
            edit: EventEdit::DeleteAll { kind },
        },
    )?;
    Ok(())
}
