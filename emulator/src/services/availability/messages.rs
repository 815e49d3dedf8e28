//! Availability messages to and from the store's types: what a request's
//! recurrences, periods and authors mean (and the errors for those that
//! mean nothing), and the events and instances answers carry.

use prost_types::Timestamp;
use tonic::Status;
use uuid::Uuid;

use crate::proto::availability as pb;
use crate::proto::types::{MeshId, UtcInterval};
use crate::seed::availability::{CATEGORIES, RESTRICTION_STATUSES, REVISION_STATUSES};
use crate::store::availability::{
    AdvancedRestriction, Event, EventKind, EventType, Instance, Pattern, Period, Record,
    Recurrence, Repeat, RevisionRecurrence, Time,
};
use crate::store::model::Model;
use crate::wire::{iso, uuid_to_guid};

/// The time a timestamp names; `what` names the field in the error.
pub(super) fn time(t: &Timestamp, what: &str) -> Result<Time, Status> {
    // Protobuf's range of nanos; chrono would take more, as a leap second.
    u32::try_from(t.nanos)
        .ok()
        .filter(|n| *n < 1_000_000_000)
        .and_then(|nanos| Time::from_timestamp(t.seconds, nanos))
        .ok_or_else(|| Status::invalid_argument(format!("{what} is not a valid time: {}", iso(t))))
}

pub(super) fn timestamp(t: Time) -> Timestamp {
    Timestamp {
        seconds: t.timestamp(),
        nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// `[start, end)` of an interval; `allow_empty` lets the start be the end.
pub(super) fn interval(
    interval: Option<&UtcInterval>,
    what: &str,
    allow_empty: bool,
) -> Result<Period, Status> {
    let (Some(start), Some(end)) = interval
        .map(|i| (i.start_time.as_ref(), i.end_time.as_ref()))
        .unwrap_or_default()
    else {
        return Err(Status::invalid_argument(format!(
            "{what} must have both start_time and end_time"
        )));
    };
    let (start, end) = (time(start, what)?, time(end, what)?);
    if end < start || (end == start && !allow_empty) {
        return Err(Status::invalid_argument(format!(
            "{what} [{}, {}) is invalid: it must start before it ends",
            start.to_rfc3339(),
            end.to_rfc3339()
        )));
    }
    Ok(Period { start, end })
}

/// An author and a time for a record: as the request gives them, else the
/// caller's name (empty without authentication) and `now`.
pub(super) fn record(
    author: Option<&String>,
    at: Option<&Timestamp>,
    caller: &str,
    now: Time,
) -> Result<Record, Status> {
    Ok(Record {
        author: author.map_or(caller, String::as_str).to_string(),
        at: at
            .map(|t| time(t, "created_timestamp"))
            .transpose()?
            .unwrap_or(now),
    })
}

fn check_listed(value: &str, list: &[&str], what: &str, rpc: &str) -> Result<(), Status> {
    if list.contains(&value) {
        return Ok(());
    }
    Err(Status::invalid_argument(format!(
        "invalid {what} '{value}'; {rpc} lists the valid ones: {}",
        list.join(", ")
    )))
}

pub(super) fn check_category(category: &str) -> Result<(), Status> {
    check_listed(
        category,
        CATEGORIES,
        "category",
        "ListAvailabilityCategories",
    )
}

/// A recurrence as a request gives it; `first` is where the pattern
/// starts, which a repeating one's `recur_until` must not be before.
fn recurrence(
    r: Option<&pb::Recurrence>,
    revision: bool,
    first: Time,
) -> Result<Recurrence, Status> {
    let r = r.ok_or_else(|| Status::invalid_argument("recurrence is missing"))?;
    if revision {
        check_listed(
            &r.status,
            REVISION_STATUSES,
            "revision status",
            "ListRevisionStatuses",
        )?;
    } else {
        check_listed(
            &r.status,
            RESTRICTION_STATUSES,
            "restriction status",
            "ListRestrictionStatuses",
        )?;
    }
    let repeat = match pb::RecurrenceType::try_from(r.recurrence_type) {
        Ok(pb::RecurrenceType::None) => Repeat::Once,
        Ok(pb::RecurrenceType::Daily) => Repeat::Daily,
        Ok(pb::RecurrenceType::Weekly) => Repeat::Weekly,
        Ok(pb::RecurrenceType::Monthly) => Repeat::Monthly,
        Ok(pb::RecurrenceType::Yearly) => Repeat::Yearly,
        Err(_) => {
            return Err(Status::invalid_argument(format!(
                "invalid recurrence_type {}",
                r.recurrence_type
            )))
        }
    };
    let until = r
        .recur_until
        .as_ref()
        .map(|t| time(t, "recur_until"))
        .transpose()?;
    if repeat != Repeat::Once {
        if r.recur_every.unwrap_or(0) == 0 {
            return Err(Status::invalid_argument(
                "recur_every must be greater than 0 for a recurrence that repeats",
            ));
        }
        if let Some(until) = until.filter(|u| *u < first) {
            return Err(Status::invalid_argument(format!(
                "recur_until {} is before the first period starts ({})",
                until.to_rfc3339(),
                first.to_rfc3339()
            )));
        }
    }
    Ok(Recurrence {
        status: r.status.clone(),
        description: r.description.clone(),
        repeat,
        every: r.recur_every,
        until,
    })
}

/// A revision's recurrence as a request gives it, numbered `id`.
pub(super) fn revision_recurrence(
    r: Option<&pb::RevisionRecurrence>,
    id: u32,
) -> Result<RevisionRecurrence, Status> {
    let r = r.ok_or_else(|| Status::invalid_argument("revision_recurrence is missing"))?;
    let period = interval(r.period.as_ref(), "period", false)?;
    Ok(RevisionRecurrence {
        id,
        recurrence: recurrence(r.recurrence.as_ref(), true, period.start)?,
        period,
    })
}

fn finite(value: f64) -> Result<f64, Status> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Status::invalid_argument(format!(
            "a restriction value must be a finite number, not {value}"
        )))
    }
}

/// A restriction's recurrence as a request gives it.
pub(super) fn pattern(r: Option<&pb::RestrictionRecurrence>) -> Result<Pattern, Status> {
    use pb::restriction_recurrence::RecurrenceOneof;
    match r.and_then(|r| r.recurrence_oneof.as_ref()) {
        None => Err(Status::invalid_argument(
            "restriction_recurrence must be a basic or a complex recurrence",
        )),
        Some(RecurrenceOneof::BasicRecurrence(b)) => {
            let period = interval(b.period.as_ref(), "period", false)?;
            Ok(Pattern::Basic {
                recurrence: recurrence(b.recurrence.as_ref(), false, period.start)?,
                period,
                value: finite(b.value)?,
            })
        }
        Some(RecurrenceOneof::ComplexRecurrence(c)) => {
            let mut points = Vec::with_capacity(c.values.len());
            for p in &c.values {
                let at = p
                    .timestamp
                    .as_ref()
                    .ok_or_else(|| Status::invalid_argument("a time point has no timestamp"))?;
                points.push((time(at, "time point")?, finite(p.value)?));
            }
            if points.len() < 2 {
                return Err(Status::invalid_argument(
                    "a complex recurrence needs at least two time points (the last one ends it)",
                ));
            }
            if points.windows(2).any(|w| w[1].0 <= w[0].0) {
                return Err(Status::invalid_argument(
                    "the time points of a complex recurrence must be in increasing time order",
                ));
            }
            Ok(Pattern::Complex {
                recurrence: recurrence(c.recurrence.as_ref(), false, points[0].0)?,
                points,
            })
        }
    }
}

/// The event type of a request.
pub(super) fn event_type(t: i32) -> Result<EventType, Status> {
    match pb::EventType::try_from(t) {
        Ok(pb::EventType::All) => Ok(EventType::All),
        Ok(pb::EventType::Restriction) => Ok(EventType::Restriction),
        Ok(pb::EventType::Revision) => Ok(EventType::Revision),
        Err(_) => Err(Status::invalid_argument(format!("invalid event_type {t}"))),
    }
}

/// An object as answers name it: by id and path.
pub(super) fn owner_id(model: &Model, owner: Uuid) -> MeshId {
    MeshId {
        id: Some(uuid_to_guid(owner)),
        path: model.object_path(owner),
        timeseries_key: None,
    }
}

fn record_info(r: &Record) -> pb::RecordInfo {
    pb::RecordInfo {
        author: r.author.clone(),
        timestamp: Some(timestamp(r.at)),
    }
}

fn recurrence_message(r: &Recurrence) -> pb::Recurrence {
    let recurrence_type = match r.repeat {
        Repeat::Once => pb::RecurrenceType::None,
        Repeat::Daily => pb::RecurrenceType::Daily,
        Repeat::Weekly => pb::RecurrenceType::Weekly,
        Repeat::Monthly => pb::RecurrenceType::Monthly,
        Repeat::Yearly => pb::RecurrenceType::Yearly,
    };
    pb::Recurrence {
        status: r.status.clone(),
        description: r.description.clone(),
        recurrence_type: recurrence_type as i32,
        recur_every: r.every,
        recur_until: r.until.map(timestamp),
    }
}

fn utc_interval(start: Time, end: Time) -> UtcInterval {
    UtcInterval {
        start_time: Some(timestamp(start)),
        end_time: Some(timestamp(end)),
    }
}

pub(super) fn instance(i: &Instance) -> pb::Instance {
    use pb::instance::InstanceOneof;
    let period = Some(utc_interval(i.start, i.end));
    pb::Instance {
        instance_oneof: Some(match i.value {
            None => InstanceOneof::RevisionInstance(pb::RevisionInstance { period }),
            Some(value) => {
                InstanceOneof::RestrictionInstance(pb::RestrictionInstance { period, value })
            }
        }),
    }
}

fn restriction_instance(i: Instance) -> pb::RestrictionInstance {
    pb::RestrictionInstance {
        period: Some(utc_interval(i.start, i.end)),
        value: i.value.unwrap_or(f64::NAN),
    }
}

/// Event `e` of object `owner`, with its instances active at `now`.
pub(super) fn event(model: &Model, owner: Uuid, e: &Event, now: Time) -> pb::AvailabilityEvent {
    use pb::availability_event::EventOneof;
    use pb::restriction_recurrence::RecurrenceOneof;
    let owner_id = Some(owner_id(model, owner));
    let (created, last_changed) = (
        Some(record_info(&e.created)),
        Some(record_info(&e.last_changed)),
    );
    let event = match &e.kind {
        EventKind::Revision { recurrences, .. } => EventOneof::Revision(pb::Revision {
            owner_id,
            event_id: e.id.clone(),
            local_id: e.local_id.clone(),
            reason: e.reason.clone(),
            created,
            last_changed,
            recurrences: recurrences
                .iter()
                .map(|r| pb::RevisionRecurrence {
                    recurrence_id: r.id,
                    recurrence: Some(recurrence_message(&r.recurrence)),
                    period: Some(utc_interval(r.period.start, r.period.end)),
                    active_instance: r.active(now).map(|i| pb::RevisionInstance {
                        period: Some(utc_interval(i.start, i.end)),
                    }),
                })
                .collect(),
        }),
        EventKind::Restriction { category, pattern } => {
            let recurrence = match pattern {
                Pattern::Basic {
                    recurrence,
                    period,
                    value,
                } => RecurrenceOneof::BasicRecurrence(pb::RestrictionBasicRecurrence {
                    recurrence: Some(recurrence_message(recurrence)),
                    period: Some(utc_interval(period.start, period.end)),
                    value: *value,
                }),
                Pattern::Complex { recurrence, points } => {
                    RecurrenceOneof::ComplexRecurrence(pb::RestrictionComplexRecurrence {
                        recurrence: Some(recurrence_message(recurrence)),
                        values: points
                            .iter()
                            .map(|(at, value)| pb::TimePoint {
                                value: *value,
                                timestamp: Some(timestamp(*at)),
                            })
                            .collect(),
                    })
                }
            };
            EventOneof::Restriction(pb::Restriction {
                owner_id,
                event_id: e.id.clone(),
                category: category.clone(),
                local_id: e.local_id.clone(),
                reason: e.reason.clone(),
                created,
                last_changed,
                restriction_recurrence: Some(pb::RestrictionRecurrence {
                    recurrence_oneof: Some(recurrence),
                }),
                active_instance: pattern.active(now).map(restriction_instance),
            })
        }
    };
    pb::AvailabilityEvent {
        event_oneof: Some(event),
    }
}

pub(super) fn advanced(
    model: &Model,
    owner: Uuid,
    a: &AdvancedRestriction,
) -> pb::AdvancedRestriction {
    pb::AdvancedRestriction {
        owner_id: Some(owner_id(model, owner)),
        category: a.category.clone(),
        calculation_id: Some(MeshId {
            id: Some(uuid_to_guid(a.calculation)),
            path: model.attribute_path(a.calculation),
            timeseries_key: None,
        }),
        created: Some(record_info(&a.created)),
    }
}
