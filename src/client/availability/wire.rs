//! From the library's availability types to Mesh's messages and back.
//! Strings and vectors are moved out of answers, not copied. What Mesh
//! always sends (an event's kind, a recurrence's period, a point's time)
//! missing from an answer is an error of kind `Server`, not a default that
//! would pass for data; what it may leave out (a record's time, an active
//! instance) is `None`.

use super::types::*;
use crate::client::error::{Error, ErrorKind, Result};
use crate::client::id::from_guid;
use crate::client::model::MeshRef;
use crate::client::timeseries::{interval, timestamp};
use crate::proto::availability as pa;
use crate::proto::types::{MeshId, UtcInterval};

pub(super) fn recurrence(r: &Recurrence) -> pa::Recurrence {
    pa::Recurrence {
        status: r.status.clone(),
        description: r.description.clone(),
        recurrence_type: r.recurrence_type as i32,
        recur_every: r.recur_every,
        recur_until: r.recur_until_ms.map(timestamp),
    }
}

fn period(p: Period) -> UtcInterval {
    interval(p.start_ms, p.end_ms)
}

pub(super) fn revision_recurrence(r: &Recurrence, first: Period) -> pa::RevisionRecurrence {
    pa::RevisionRecurrence {
        // The server numbers recurrences.
        recurrence_id: 0,
        recurrence: Some(recurrence(r)),
        period: Some(period(first)),
        active_instance: None,
    }
}

pub(super) fn restriction_recurrence(r: &RestrictionRecurrence) -> pa::RestrictionRecurrence {
    use pa::restriction_recurrence::RecurrenceOneof;
    let oneof = match r {
        RestrictionRecurrence::Basic {
            recurrence: rec,
            period: p,
            value,
        } => RecurrenceOneof::BasicRecurrence(pa::RestrictionBasicRecurrence {
            recurrence: Some(recurrence(rec)),
            period: Some(period(*p)),
            value: *value,
        }),
        RestrictionRecurrence::Complex {
            recurrence: rec,
            points,
        } => RecurrenceOneof::ComplexRecurrence(pa::RestrictionComplexRecurrence {
            recurrence: Some(recurrence(rec)),
            values: points
                .iter()
                .map(|p| pa::TimePoint {
                    value: p.value,
                    timestamp: Some(timestamp(p.timestamp_ms)),
                })
                .collect(),
        }),
    };
    pa::RestrictionRecurrence {
        recurrence_oneof: Some(oneof),
    }
}

fn incomplete(what: &str) -> Error {
    Error::new(
        ErrorKind::Server,
        format!("the server sent {what}, which Mesh always sends"),
    )
}

/// Milliseconds since the Unix epoch of a protobuf timestamp, saturating.
fn timestamp_ms(t: &prost_types::Timestamp) -> i64 {
    t.seconds
        .saturating_mul(1000)
        .saturating_add(i64::from(t.nanos.div_euclid(1_000_000)))
}

fn decode_period(i: Option<UtcInterval>, what: &str) -> Result<Period> {
    let (Some(start), Some(end)) = i.map(|i| (i.start_time, i.end_time)).unwrap_or_default() else {
        return Err(incomplete(&format!("{what} without its start and end")));
    };
    Ok(Period::new(timestamp_ms(&start), timestamp_ms(&end)))
}

fn owner(id: Option<MeshId>) -> Result<MeshRef> {
    let Some(id) = id else {
        return Ok(MeshRef::default());
    };
    Ok(MeshRef {
        id: id.id.as_ref().map(from_guid).transpose()?,
        path: id.path,
    })
}

fn record(r: Option<pa::RecordInfo>) -> Record {
    r.map(|r| Record {
        author: r.author,
        timestamp_ms: r.timestamp.as_ref().map(timestamp_ms),
    })
    .unwrap_or_default()
}

fn decode_recurrence(r: Option<pa::Recurrence>) -> Result<Recurrence> {
    // Absent is proto3's all-default message: once, no status.
    let r = r.unwrap_or_default();
    let recurrence_type = RecurrenceType::from_i32(r.recurrence_type).ok_or_else(|| {
        Error::new(
            ErrorKind::Server,
            format!(
                "the server sent recurrence type {}, unknown to this library",
                r.recurrence_type
            ),
        )
    })?;
    Ok(Recurrence {
        status: r.status,
        description: r.description,
        recurrence_type,
        recur_every: r.recur_every,
        recur_until_ms: r.recur_until.as_ref().map(timestamp_ms),
    })
}

fn decode_restriction_recurrence(
    r: Option<pa::RestrictionRecurrence>,
) -> Result<RestrictionRecurrence> {
    use pa::restriction_recurrence::RecurrenceOneof;
    match r.and_then(|r| r.recurrence_oneof) {
        None => Err(incomplete("a restriction without its recurrence")),
        Some(RecurrenceOneof::BasicRecurrence(b)) => Ok(RestrictionRecurrence::Basic {
            recurrence: decode_recurrence(b.recurrence)?,
            period: decode_period(b.period, "a restriction period")?,
            value: b.value,
        }),
        Some(RecurrenceOneof::ComplexRecurrence(c)) => {
            let mut points = Vec::with_capacity(c.values.len());
            for p in c.values {
                let at = p
                    .timestamp
                    .as_ref()
                    .ok_or_else(|| incomplete("a restriction point without its time"))?;
                points.push(TimePoint {
                    timestamp_ms: timestamp_ms(at),
                    value: p.value,
                });
            }
            Ok(RestrictionRecurrence::Complex {
                recurrence: decode_recurrence(c.recurrence)?,
                points,
            })
        }
    }
}

pub(super) fn revision(r: pa::Revision) -> Result<Revision> {
    let mut recurrences = Vec::with_capacity(r.recurrences.len());
    for rr in r.recurrences {
        recurrences.push(RevisionRecurrence {
            id: rr.recurrence_id,
            recurrence: decode_recurrence(rr.recurrence)?,
            period: decode_period(rr.period, "a revision recurrence period")?,
            active_instance: rr
                .active_instance
                .map(|i| decode_period(i.period, "an active instance"))
                .transpose()?,
        });
    }
    Ok(Revision {
        owner: owner(r.owner_id)?,
        event_id: r.event_id,
        local_id: r.local_id,
        reason: r.reason,
        created: record(r.created),
        last_changed: record(r.last_changed),
        recurrences,
    })
}

pub(super) fn restriction(r: pa::Restriction) -> Result<Restriction> {
    Ok(Restriction {
        owner: owner(r.owner_id)?,
        event_id: r.event_id,
        category: r.category,
        local_id: r.local_id,
        reason: r.reason,
        created: record(r.created),
        last_changed: record(r.last_changed),
        recurrence: decode_restriction_recurrence(r.restriction_recurrence)?,
        active_instance: r
            .active_instance
            .map(|i| {
                Ok::<_, Error>(Instance {
                    period: decode_period(i.period, "an active instance")?,
                    value: Some(i.value),
                })
            })
            .transpose()?,
    })
}

pub(super) fn event(e: pa::AvailabilityEvent) -> Result<AvailabilityEvent> {
    use pa::availability_event::EventOneof;
    match e.event_oneof {
        Some(EventOneof::Revision(r)) => revision(r).map(AvailabilityEvent::Revision),
        Some(EventOneof::Restriction(r)) => restriction(r).map(AvailabilityEvent::Restriction),
        None => Err(incomplete(
            "an event that is neither revision nor restriction",
        )),
    }
}

pub(super) fn instance(i: pa::Instance) -> Result<Instance> {
    use pa::instance::InstanceOneof;
    match i.instance_oneof {
        Some(InstanceOneof::RevisionInstance(r)) => Ok(Instance {
            period: decode_period(r.period, "an instance")?,
            value: None,
        }),
        Some(InstanceOneof::RestrictionInstance(r)) => Ok(Instance {
            period: decode_period(r.period, "an instance")?,
            value: Some(r.value),
        }),
        None => Err(incomplete(
            "an instance of neither a revision nor a restriction",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restriction_recurrences_round_trip() {
        let rec = Recurrence {
            status: "SelfImposed".into(),
            description: "d".into(),
            recurrence_type: RecurrenceType::Weekly,
            recur_every: Some(2),
            recur_until_ms: Some(-1),
        };
        for r in [
            RestrictionRecurrence::Basic {
                recurrence: rec.clone(),
                period: Period::new(1_500, 3_000),
                value: 7.5,
            },
            RestrictionRecurrence::Complex {
                recurrence: Recurrence::default(),
                points: vec![
                    TimePoint {
                        timestamp_ms: -1_001,
                        value: 1.0,
                    },
                    TimePoint {
                        timestamp_ms: 0,
                        value: 0.0,
                    },
                ],
            },
        ] {
            let back = decode_restriction_recurrence(Some(restriction_recurrence(&r))).unwrap();
            assert_eq!(back, r);
        }
    }

    #[test]
    fn what_mesh_always_sends_is_required() {
        let e = event(pa::AvailabilityEvent::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Server);
        let no_period = pa::Revision {
            recurrences: vec![pa::RevisionRecurrence::default()],
            ..Default::default()
        };
        assert_eq!(revision(no_period).unwrap_err().kind(), ErrorKind::Server);
        let unknown_type = pa::Recurrence {
            recurrence_type: 9,
            ..Default::default()
        };
        assert!(decode_recurrence(Some(unknown_type)).is_err());
        // What Mesh may leave out is None or empty.
        let bare = revision(pa::Revision::default()).unwrap();
        assert_eq!(bare.created, Record::default());
        assert_eq!(bare.owner, MeshRef::default());
        assert!(instance(pa::Instance::default()).is_err());
    }
}
