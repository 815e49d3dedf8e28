//! Availability events of model objects: revisions (the object is out of
//! service) and restrictions (it runs with a limit), each a pattern of
//! periods that may repeat, and advanced restrictions, which name a
//! calculation instead. They live in the model, so that a session's events
//! are its own until it commits, like its other changes, and an object's
//! events go when the object goes. Every edit checks before it mutates.
//! `instances` expands the patterns into periods.

mod instances;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::change::Stage;
use super::model::{Kind, Model, ModelError};

pub(crate) use instances::{Instance, TooMany, MAX_INSTANCES};

/// A point in time, to the nanosecond (clients' timestamps come back as
/// they were sent).
pub(crate) type Time = DateTime<Utc>;

/// Who changed an event, and when.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Record {
    pub(crate) author: String,
    pub(crate) at: Time,
}

/// The unit a pattern repeats in (`RecurrenceType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repeat {
    Once,
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// How a pattern repeats: every `every` units, for repetitions starting
/// before `until` (forever without it). `every` and `until` are kept as
/// the client sent them, also where they mean nothing (`Once`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Recurrence {
    pub(crate) status: String,
    pub(crate) description: String,
    pub(crate) repeat: Repeat,
    pub(crate) every: Option<u32>,
    pub(crate) until: Option<Time>,
}

/// `[start, end)`, with `start < end`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Period {
    pub(crate) start: Time,
    pub(crate) end: Time,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RevisionRecurrence {
    /// Numbered from 0 within the revision, never reused.
    pub(crate) id: u32,
    pub(crate) recurrence: Recurrence,
    pub(crate) period: Period,
}

/// A restriction's one recurrence.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Pattern {
    /// One value for the whole period.
    Basic {
        recurrence: Recurrence,
        period: Period,
        value: f64,
    },
    /// A step curve: each value holds from its time to the next point's;
    /// the last point ends the curve. At least two points, times
    /// increasing.
    Complex {
        recurrence: Recurrence,
        points: Vec<(Time, f64)>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum EventKind {
    Revision {
        recurrences: Vec<RevisionRecurrence>,
        next_recurrence: u32,
    },
    Restriction {
        category: String,
        pattern: Pattern,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Event {
    /// Unique among the object's events.
    pub(crate) id: String,
    pub(crate) local_id: String,
    pub(crate) reason: String,
    pub(crate) created: Record,
    pub(crate) last_changed: Record,
    pub(crate) kind: EventKind,
}

impl Event {
    pub(crate) fn is_revision(&self) -> bool {
        matches!(self.kind, EventKind::Revision { .. })
    }
}

/// Which events a search or a delete means (`EventType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventType {
    All,
    Restriction,
    Revision,
}

impl EventType {
    pub(crate) fn matches(self, event: &Event) -> bool {
        match self {
            EventType::All => true,
            EventType::Revision => event.is_revision(),
            EventType::Restriction => !event.is_revision(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct AdvancedRestriction {
    /// Unique among the object's advanced restrictions.
    pub(crate) category: String,
    /// A time series attribute of the same object.
    pub(crate) calculation: Uuid,
    pub(crate) created: Record,
}

/// What an update changes; `None` leaves a field as it is. Category and
/// pattern are for restrictions only.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Update {
    pub(crate) local_id: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) category: Option<String>,
    pub(crate) pattern: Option<Pattern>,
}

/// One change to one object's events, as a session records it and its
/// commit replays it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum EventEdit {
    Create(Event),
    /// Adds recurrence `recurrence.id` (the session chose the next free id
    /// in its view; a commit finding it taken fails).
    AddRecurrence {
        event: String,
        recurrence: RevisionRecurrence,
        changed: Record,
    },
    DeleteRecurrence {
        event: String,
        id: u32,
        changed: Record,
    },
    /// `revision` says which kind of event the update is for.
    Update {
        event: String,
        revision: bool,
        update: Update,
        changed: Record,
    },
    Delete {
        events: Vec<String>,
    },
    DeleteAll {
        kind: EventType,
    },
    CreateAdvanced(AdvancedRestriction),
    DeleteAdvanced {
        categories: Vec<String>,
    },
}

/// Every object's events and advanced restrictions, each in the order
/// they were created.
#[derive(Clone, Debug, Default)]
pub(crate) struct Availability {
    events: HashMap<Uuid, Vec<Event>>,
    advanced: HashMap<Uuid, Vec<AdvancedRestriction>>,
}

impl Availability {
    /// Object `owner`'s events.
    pub(crate) fn events(&self, owner: Uuid) -> &[Event] {
        self.events.get(&owner).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn event(&self, owner: Uuid, id: &str) -> Option<&Event> {
        self.events(owner).iter().find(|e| e.id == id)
    }

    /// Object `owner`'s advanced restrictions.
    pub(crate) fn advanced(&self, owner: Uuid) -> &[AdvancedRestriction] {
        self.advanced.get(&owner).map_or(&[], Vec::as_slice)
    }

    /// Drops the events of deleted objects.
    pub(crate) fn forget(&mut self, objects: &[Uuid]) {
        for object in objects {
            self.events.remove(object);
            self.advanced.remove(object);
        }
    }
}

impl Model {
    /// Makes `edit` to object `owner`'s events.
    pub(crate) fn edit_availability(
        &mut self,
        owner: Uuid,
        edit: &EventEdit,
        stage: Stage,
    ) -> Result<(), ModelError> {
        let path = self.object_path(owner).ok_or_else(|| {
            ModelError::NotFound(format!("object not found: {}", crate::wire::braced(owner)))
        })?;
        let not_found = |id: &str| missing_event(id, &path);
        match edit {
            EventEdit::Create(event) => {
                if self.availability.event(owner, &event.id).is_some() {
                    return Err(ModelError::Invalid(format!(
                        "event with event id '{}' already exists for object {path}",
                        event.id
                    )));
                }
                self.availability
                    .events
                    .entry(owner)
                    .or_default()
                    .push(event.clone());
            }
            EventEdit::AddRecurrence {
                event,
                recurrence,
                changed,
            } => {
                let found = self
                    .event_mut(owner, event)
                    .ok_or_else(|| not_found(event))?;
                let EventKind::Revision {
                    recurrences,
                    next_recurrence,
                } = &mut found.kind
                else {
                    return Err(not_revision(event, &path));
                };
                if recurrences.iter().any(|r| r.id == recurrence.id) {
                    return Err(ModelError::Invalid(format!(
                        "revision '{event}' already has a recurrence {}",
                        recurrence.id
                    )));
                }
                recurrences.push(recurrence.clone());
                *next_recurrence = (*next_recurrence).max(recurrence.id.saturating_add(1));
                found.last_changed = changed.clone();
            }
            EventEdit::DeleteRecurrence { event, id, changed } => {
                let found = self
                    .event_mut(owner, event)
                    .ok_or_else(|| not_found(event))?;
                let EventKind::Revision { recurrences, .. } = &mut found.kind else {
                    return Err(not_revision(event, &path));
                };
                let Some(at) = recurrences.iter().position(|r| r.id == *id) else {
                    return Err(ModelError::NotFound(format!(
                        "recurrence {id} not found in revision '{event}' of object {path}"
                    )));
                };
                recurrences.remove(at);
                found.last_changed = changed.clone();
            }
            EventEdit::Update {
                event,
                revision,
                update,
                changed,
            } => {
                let found = self
                    .event_mut(owner, event)
                    .ok_or_else(|| not_found(event))?;
                if found.is_revision() != *revision {
                    return Err(if *revision {
                        not_revision(event, &path)
                    } else {
                        ModelError::Invalid(format!(
                            "invalid type: event '{event}' of object {path} is a revision, not a restriction"
                        ))
                    });
                }
                if let EventKind::Restriction { category, pattern } = &mut found.kind {
                    if let Some(new) = &update.category {
                        category.clone_from(new);
                    }
                    if let Some(new) = &update.pattern {
                        *pattern = new.clone();
                    }
                }
                if let Some(new) = &update.local_id {
                    found.local_id.clone_from(new);
                }
                if let Some(new) = &update.reason {
                    found.reason.clone_from(new);
                }
                found.last_changed = changed.clone();
            }
            EventEdit::Delete { events } => {
                // Deleting what another session already deleted is no
                // conflict: the outcome is the same.
                if stage == Stage::Session {
                    if let Some(missing) = events
                        .iter()
                        .find(|id| self.availability.event(owner, id).is_none())
                    {
                        return Err(not_found(missing));
                    }
                }
                if let Some(all) = self.availability.events.get_mut(&owner) {
                    all.retain(|e| !events.contains(&e.id));
                }
            }
            EventEdit::DeleteAll { kind } => {
                if let Some(all) = self.availability.events.get_mut(&owner) {
                    all.retain(|e| !kind.matches(e));
                }
            }
            EventEdit::CreateAdvanced(advanced) => {
                if self
                    .availability
                    .advanced(owner)
                    .iter()
                    .any(|a| a.category == advanced.category)
                {
                    return Err(ModelError::Invalid(format!(
                        "advanced restriction with category '{}' already exists for object {path}",
                        advanced.category
                    )));
                }
                let fits = self.attribute(advanced.calculation).is_some_and(|a| {
                    a.object == owner
                        && self
                            .definition_of(a.id)
                            .is_some_and(|d| matches!(d.kind, Kind::Timeseries { .. }))
                });
                if !fits {
                    return Err(ModelError::Invalid(format!(
                        "invalid calculation: {} is not a time series attribute of object {path}",
                        crate::wire::braced(advanced.calculation)
                    )));
                }
                self.availability
                    .advanced
                    .entry(owner)
                    .or_default()
                    .push(advanced.clone());
            }
            EventEdit::DeleteAdvanced { categories } => {
                if stage == Stage::Session {
                    let all = self.availability.advanced(owner);
                    if let Some(missing) = categories
                        .iter()
                        .find(|c| !all.iter().any(|a| &a.category == *c))
                    {
                        return Err(ModelError::NotFound(format!(
                            "advanced restriction with category '{missing}' not found for object {path}"
                        )));
                    }
                }
                if let Some(all) = self.availability.advanced.get_mut(&owner) {
                    all.retain(|a| !categories.contains(&a.category));
                }
            }
        }
        Ok(())
    }

    fn event_mut(&mut self, owner: Uuid, id: &str) -> Option<&mut Event> {
        self.availability
            .events
            .get_mut(&owner)?
            .iter_mut()
            .find(|e| e.id == id)
    }
}

/// Object `path` has no event `id`.
pub(crate) fn missing_event(id: &str, path: &str) -> ModelError {
    ModelError::NotFound(format!(
        "event with event id '{id}' not found for object {path}"
    ))
}

fn not_revision(event: &str, path: &str) -> ModelError {
    ModelError::Invalid(format!(
        "invalid type: event '{event}' of object {path} is a restriction, not a revision"
    ))
}

#[cfg(test)]
mod tests;
