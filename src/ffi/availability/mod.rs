//! Availability in the C API: revisions and restrictions of model objects.
//! Requests (`calls`) return events as handles (`handles`) read by local
//! accessors (`event`), searches return lists (`lists`), and what a
//! restriction does is built locally first (`recurrence`). This module
//! holds the constants and the checks of the arguments they share.
//!
//! Constants come in from C as `int32_t` and are checked here, so an
//! unknown number is `MESH_ERROR_INVALID_ARGUMENT`, never a Rust enum out
//! of range.

mod calls;
mod event;
mod handles;
mod lists;
mod recurrence;

pub use calls::*;
pub use event::*;
pub use handles::{mesh_availability_event, mesh_availability_event_list};
pub use lists::*;
pub use recurrence::*;

use std::ffi::c_char;

use crate::client::availability::{EventType, Period, Recurrence, RecurrenceType};
use crate::ffi::args::{optional_str, MESH_TIME_NONE};
use crate::ffi::{Failure, FfiResult};

/// Event type: revisions and restrictions (for searches and deletions).
pub const MESH_AVAILABILITY_EVENT_TYPE_ALL: i32 = 0;
/// Event type: a restriction, a limit on an object.
pub const MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION: i32 = 1;
/// Event type: a revision, a time when an object is out of service.
pub const MESH_AVAILABILITY_EVENT_TYPE_REVISION: i32 = 2;

/// Recurrence type: the period once, not repeated.
pub const MESH_RECURRENCE_TYPE_NONE: i32 = 0;
/// Recurrence type: repeated every `recur_every` days.
pub const MESH_RECURRENCE_TYPE_DAILY: i32 = 1;
/// Recurrence type: repeated every `recur_every` weeks.
pub const MESH_RECURRENCE_TYPE_WEEKLY: i32 = 2;
/// Recurrence type: repeated every `recur_every` months.
pub const MESH_RECURRENCE_TYPE_MONTHLY: i32 = 3;
/// Recurrence type: repeated every `recur_every` years.
pub const MESH_RECURRENCE_TYPE_YEARLY: i32 = 4;

/// An event type from C, checked.
fn event_type(value: i32) -> FfiResult<EventType> {
    match value {
        MESH_AVAILABILITY_EVENT_TYPE_ALL => Ok(EventType::All),
        MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION => Ok(EventType::Restriction),
        MESH_AVAILABILITY_EVENT_TYPE_REVISION => Ok(EventType::Revision),
        other => Err(Failure::invalid_argument(format!(
            "event_type {other} is none of MESH_AVAILABILITY_EVENT_TYPE_ALL (0), \
             MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION (1), MESH_AVAILABILITY_EVENT_TYPE_REVISION (2)"
        ))),
    }
}

/// The number C uses for an event's type.
fn event_type_number(t: EventType) -> i32 {
    match t {
        EventType::All => MESH_AVAILABILITY_EVENT_TYPE_ALL,
        EventType::Restriction => MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION,
        EventType::Revision => MESH_AVAILABILITY_EVENT_TYPE_REVISION,
    }
}

fn recurrence_type(value: i32) -> FfiResult<RecurrenceType> {
    // The constants are Mesh's numbers, which from_i32 knows.
    RecurrenceType::from_i32(value).ok_or_else(|| {
        Failure::invalid_argument(format!(
            "recurrence_type {value} is none of MESH_RECURRENCE_TYPE_NONE (0), _DAILY (1), \
             _WEEKLY (2), _MONTHLY (3), _YEARLY (4)"
        ))
    })
}

/// A time the call cannot do without: `MESH_TIME_NONE` is refused.
fn time(ms: i64, what: &str) -> FfiResult<i64> {
    if ms == MESH_TIME_NONE {
        return Err(Failure::invalid_argument(format!(
            "{what} is MESH_TIME_NONE: this time is required"
        )));
    }
    Ok(ms)
}

/// An optional time: `MESH_TIME_NONE` is none.
fn optional_time(ms: i64) -> Option<i64> {
    (ms != MESH_TIME_NONE).then_some(ms)
}

/// A period both of whose ends are given.
fn period(start_ms: i64, end_ms: i64) -> FfiResult<Period> {
    Ok(Period::new(
        time(start_ms, "start_ms")?,
        time(end_ms, "end_ms")?,
    ))
}

/// Optional text from C, NULL being empty.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string.
unsafe fn text_or_empty(p: *const c_char, what: &str) -> FfiResult<String> {
    // SAFETY: passed on from the caller.
    Ok(unsafe { optional_str(p, what) }?
        .unwrap_or_default()
        .to_string())
}

/// Optional text from C, NULL being `None` (the server's choice, or no
/// change).
///
/// # Safety
/// `p` is NULL or a NUL-terminated string.
unsafe fn optional_text(p: *const c_char, what: &str) -> FfiResult<Option<String>> {
    // SAFETY: passed on from the caller.
    Ok(unsafe { optional_str(p, what) }?.map(str::to_string))
}

/// A recurrence from the arguments C passes for one: status and
/// description NULL for empty, `recur_every` 0 and `recur_until_ms`
/// `MESH_TIME_NONE` for not set.
///
/// # Safety
/// `status` and `description` are NULL or NUL-terminated strings.
unsafe fn make_recurrence(
    status: *const c_char,
    description: *const c_char,
    recurrence_type: i32,
    recur_every: u32,
    recur_until_ms: i64,
) -> FfiResult<Recurrence> {
    Ok(Recurrence {
        // SAFETY: passed on from the caller.
        status: unsafe { text_or_empty(status, "status") }?,
        // SAFETY: passed on from the caller.
        description: unsafe { text_or_empty(description, "description") }?,
        recurrence_type: self::recurrence_type(recurrence_type)?,
        recur_every: (recur_every != 0).then_some(recur_every),
        recur_until_ms: optional_time(recur_until_ms),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_checked() {
        for (n, t) in [
            (0, EventType::All),
            (1, EventType::Restriction),
            (2, EventType::Revision),
        ] {
            assert_eq!(event_type(n).ok(), Some(t));
            assert_eq!(event_type_number(t), n);
        }
        for bad in [-1, 3, i32::MAX, i32::MIN] {
            assert!(event_type(bad).is_err(), "{bad}");
        }
        assert_eq!(recurrence_type(4).ok(), Some(RecurrenceType::Yearly));
        for bad in [-1, 5, i32::MAX, i32::MIN] {
            assert!(recurrence_type(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times_none_is_refused_where_required() {
        assert!(time(MESH_TIME_NONE, "t").is_err());
        assert_eq!(time(0, "t").ok(), Some(0));
        assert_eq!(optional_time(MESH_TIME_NONE), None);
        assert_eq!(optional_time(-5), Some(-5));
        assert!(period(0, MESH_TIME_NONE).is_err());
        assert_eq!(period(1, 2).ok(), Some(Period::new(1, 2)));
    }
}
