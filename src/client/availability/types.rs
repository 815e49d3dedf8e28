//! Availability as Rust values: revisions and restrictions with their
//! recurrences, the instances (periods) they expand to, and what creating
//! and updating them takes. Plain owned types, times as milliseconds since
//! the Unix epoch, UTC; the numbers of the enums are Mesh's.
//!
//! What can be checked without the server is checked here
//! ([`Period::check`], [`RestrictionRecurrence::check`]), so a request
//! that cannot succeed is never sent.

use crate::client::error::{Error, Result};
use crate::client::model::MeshRef;

/// Which events a search or a deletion is about. The numbers are Mesh's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum EventType {
    /// Revisions and restrictions.
    #[default]
    All = 0,
    Restriction = 1,
    Revision = 2,
}

/// How a recurrence repeats. The numbers are Mesh's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum RecurrenceType {
    /// The period once.
    #[default]
    None = 0,
    Daily = 1,
    Weekly = 2,
    Monthly = 3,
    Yearly = 4,
}

impl RecurrenceType {
    /// The type for Mesh's number, if it is one.
    pub fn from_i32(value: i32) -> Option<RecurrenceType> {
        use RecurrenceType::*;
        Some(match value {
            0 => None,
            1 => Daily,
            2 => Weekly,
            3 => Monthly,
            4 => Yearly,
            _ => return Option::None,
        })
    }
}

/// `[start_ms, end_ms)`, milliseconds since the Unix epoch, UTC.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Period {
    pub start_ms: i64,
    pub end_ms: i64,
}

impl Period {
    pub fn new(start_ms: i64, end_ms: i64) -> Period {
        Period { start_ms, end_ms }
    }

    /// A period of a recurrence must last: Mesh refuses one that ends
    /// when (or before) it starts. `what` names it in the error.
    pub fn check(&self, what: &str) -> Result<()> {
        if self.end_ms <= self.start_ms {
            return Err(Error::invalid_argument(format!(
                "{what} is empty: its end {} is not after its start {}",
                self.end_ms, self.start_ms
            )));
        }
        Ok(())
    }
}

/// How a period repeats: every `recur_every` days, weeks, months or years
/// (by `recurrence_type`) until `recur_until_ms`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recurrence {
    /// One of the server's revision or restriction statuses.
    pub status: String,
    pub description: String,
    pub recurrence_type: RecurrenceType,
    /// `None` when not set (Mesh wants it set for a type that repeats).
    pub recur_every: Option<u32>,
    /// `None` when not set: it repeats without end.
    pub recur_until_ms: Option<i64>,
}

/// One recurrence of a revision.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RevisionRecurrence {
    /// Given by the server, from 0 within the revision.
    pub id: u32,
    pub recurrence: Recurrence,
    /// The first period.
    pub period: Period,
    /// Given by the server: the period in force now, else the next one;
    /// `None` when there is neither.
    pub active_instance: Option<Period>,
}

/// One point of a complex restriction: its value holds from `timestamp_ms`
/// to the next point's time.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TimePoint {
    pub timestamp_ms: i64,
    pub value: f64,
}

/// What a restriction does: one limit over a period, or a step curve; in
/// either case repeated as its recurrence says.
#[derive(Clone, Debug, PartialEq)]
pub enum RestrictionRecurrence {
    /// `value` during `period` (and its repetitions).
    Basic {
        recurrence: Recurrence,
        period: Period,
        value: f64,
    },
    /// A step curve: each value from its time to the next point's; the last
    /// point ends it, so its value is never in force.
    Complex {
        recurrence: Recurrence,
        points: Vec<TimePoint>,
    },
}

fn check_value(value: f64) -> Result<()> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(Error::invalid_argument(format!(
            "a restriction value must be a finite number, not {value}"
        )))
    }
}

impl RestrictionRecurrence {
    /// How it repeats.
    pub fn recurrence(&self) -> &Recurrence {
        match self {
            RestrictionRecurrence::Basic { recurrence, .. }
            | RestrictionRecurrence::Complex { recurrence, .. } => recurrence,
        }
    }

    /// Whether it is a step curve.
    pub fn is_complex(&self) -> bool {
        matches!(self, RestrictionRecurrence::Complex { .. })
    }

    /// What Mesh would refuse of it: an empty period, a value that is no
    /// finite number, a curve of fewer than two points (the last one only
    /// ends it) or with times not strictly increasing.
    pub fn check(&self) -> Result<()> {
        match self {
            RestrictionRecurrence::Basic { period, value, .. } => {
                period.check("period")?;
                check_value(*value)
            }
            RestrictionRecurrence::Complex { points, .. } => {
                if points.len() < 2 {
                    return Err(Error::invalid_argument(format!(
                        "a complex restriction needs at least 2 points (the last one ends it), not {}",
                        points.len()
                    )));
                }
                if let Some(i) = points
                    .windows(2)
                    .position(|w| w[1].timestamp_ms <= w[0].timestamp_ms)
                {
                    return Err(Error::invalid_argument(format!(
                        "the times of a complex restriction must increase: point {} ({} ms) is not after point {i} ({} ms)",
                        i + 1,
                        points[i + 1].timestamp_ms,
                        points[i].timestamp_ms
                    )));
                }
                points.iter().try_for_each(|p| check_value(p.value))
            }
        }
    }
}

/// Who made or last changed an event, and when.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    pub author: String,
    /// `None` when the server sent no time.
    pub timestamp_ms: Option<i64>,
}

/// A period of an event, as a search of instances finds it, or as an
/// event's active instance: restrictions' carry their value.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Instance {
    pub period: Period,
    /// The limit in force; `None` for a revision's instance.
    pub value: Option<f64>,
}

/// A time when an object is out of service, as recurrences of periods.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Revision {
    /// The object the revision is about.
    pub owner: MeshRef,
    /// Unique among the object's events.
    pub event_id: String,
    pub local_id: String,
    pub reason: String,
    pub created: Record,
    pub last_changed: Record,
    /// In the server's order; none until added.
    pub recurrences: Vec<RevisionRecurrence>,
}

/// A limit on an object, with its one recurrence.
#[derive(Clone, Debug, PartialEq)]
pub struct Restriction {
    /// The object the restriction is about.
    pub owner: MeshRef,
    /// Unique among the object's events.
    pub event_id: String,
    pub category: String,
    pub local_id: String,
    pub reason: String,
    pub created: Record,
    pub last_changed: Record,
    pub recurrence: RestrictionRecurrence,
    /// Given by the server: the period in force now, else the next one,
    /// with its value; `None` when there is neither.
    pub active_instance: Option<Instance>,
}

/// A revision or a restriction, as a read or search finds it.
#[derive(Clone, Debug, PartialEq)]
pub enum AvailabilityEvent {
    Revision(Revision),
    Restriction(Restriction),
}

impl AvailabilityEvent {
    /// `EventType::Revision` or `EventType::Restriction`.
    pub fn event_type(&self) -> EventType {
        match self {
            AvailabilityEvent::Revision(_) => EventType::Revision,
            AvailabilityEvent::Restriction(_) => EventType::Restriction,
        }
    }

    pub fn owner(&self) -> &MeshRef {
        match self {
            AvailabilityEvent::Revision(r) => &r.owner,
            AvailabilityEvent::Restriction(r) => &r.owner,
        }
    }

    pub fn event_id(&self) -> &str {
        match self {
            AvailabilityEvent::Revision(r) => &r.event_id,
            AvailabilityEvent::Restriction(r) => &r.event_id,
        }
    }

    pub fn local_id(&self) -> &str {
        match self {
            AvailabilityEvent::Revision(r) => &r.local_id,
            AvailabilityEvent::Restriction(r) => &r.local_id,
        }
    }

    pub fn reason(&self) -> &str {
        match self {
            AvailabilityEvent::Revision(r) => &r.reason,
            AvailabilityEvent::Restriction(r) => &r.reason,
        }
    }

    pub fn created(&self) -> &Record {
        match self {
            AvailabilityEvent::Revision(r) => &r.created,
            AvailabilityEvent::Restriction(r) => &r.created,
        }
    }

    pub fn last_changed(&self) -> &Record {
        match self {
            AvailabilityEvent::Revision(r) => &r.last_changed,
            AvailabilityEvent::Restriction(r) => &r.last_changed,
        }
    }
}

/// What a new revision is. Authors and the time left `None` are the
/// server's to choose: the caller's name (empty without authentication),
/// the time it handles the request, and the created author as the last
/// changed one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewRevision {
    /// Unique among the object's events.
    pub event_id: String,
    /// Free text, e.g. an id in another system; need not be unique.
    pub local_id: String,
    pub reason: String,
    pub created_author: Option<String>,
    pub created_timestamp_ms: Option<i64>,
    pub last_changed_author: Option<String>,
}

/// What a new restriction is; authors and time as in [`NewRevision`].
#[derive(Clone, Debug, PartialEq)]
pub struct NewRestriction {
    /// Unique among the object's events.
    pub event_id: String,
    /// One of the server's availability categories.
    pub category: String,
    pub local_id: String,
    pub reason: String,
    pub recurrence: RestrictionRecurrence,
    pub created_author: Option<String>,
    pub created_timestamp_ms: Option<i64>,
    pub last_changed_author: Option<String>,
}

/// A change to a revision: `None` leaves that part as it is; at least one
/// part must change. `author` (the server's choice when `None`) is
/// recorded as the last change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RevisionUpdate {
    pub new_local_id: Option<String>,
    pub new_reason: Option<String>,
    pub author: Option<String>,
}

/// A change to a restriction, as [`RevisionUpdate`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RestrictionUpdate {
    pub new_local_id: Option<String>,
    pub new_reason: Option<String>,
    pub new_category: Option<String>,
    pub new_recurrence: Option<RestrictionRecurrence>,
    pub author: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ErrorKind;

    fn complex(points: &[(i64, f64)]) -> RestrictionRecurrence {
        RestrictionRecurrence::Complex {
            recurrence: Recurrence::default(),
            points: points
                .iter()
                .map(|&(timestamp_ms, value)| TimePoint {
                    timestamp_ms,
                    value,
                })
                .collect(),
        }
    }

    fn basic(start_ms: i64, end_ms: i64, value: f64) -> RestrictionRecurrence {
        RestrictionRecurrence::Basic {
            recurrence: Recurrence::default(),
            period: Period::new(start_ms, end_ms),
            value,
        }
    }

    #[test]
    fn restriction_recurrences_are_checked_as_mesh_would() {
        for good in [
            basic(0, 1, 5.0),
            basic(-10, 10, -1.5),
            complex(&[(0, 1.0), (1, 0.0)]),
            complex(&[(0, 1.0), (10, 2.0), (20, 0.0)]),
        ] {
            assert!(good.check().is_ok(), "{good:?}");
        }
        for bad in [
            basic(5, 5, 1.0),
            basic(6, 5, 1.0),
            basic(0, 1, f64::NAN),
            basic(0, 1, f64::INFINITY),
            complex(&[]),
            complex(&[(0, 1.0)]),
            complex(&[(0, 1.0), (0, 2.0)]),
            complex(&[(0, 1.0), (10, 2.0), (5, 0.0)]),
            complex(&[(0, 1.0), (10, f64::NEG_INFINITY)]),
        ] {
            let e = bad.check().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad:?}");
        }
    }

    #[test]
    fn recurrence_types_have_mesh_numbers() {
        for t in [
            RecurrenceType::None,
            RecurrenceType::Daily,
            RecurrenceType::Weekly,
            RecurrenceType::Monthly,
            RecurrenceType::Yearly,
        ] {
            assert_eq!(RecurrenceType::from_i32(t as i32), Some(t));
        }
        assert_eq!(RecurrenceType::from_i32(5), None);
        assert_eq!(RecurrenceType::from_i32(-1), None);
    }
}
