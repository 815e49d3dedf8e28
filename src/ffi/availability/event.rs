//! Reading a `mesh_availability_event`, all locally: what any event has
//! (type, owner, ids, reason, who and when), its recurrences by index (a
//! revision's, or a restriction's one at index 0), and what only a
//! restriction has (category, value or step curve). Asking a revision for
//! what only a restriction has, or the reverse, is
//! `MESH_ERROR_INVALID_ARGUMENT`. Text is copied into the caller's buffer.

use std::borrow::Cow;
use std::ffi::c_char;

use crate::client::availability::{
    AvailabilityEvent, Period, Recurrence, Restriction, RestrictionRecurrence, RevisionRecurrence,
    TimePoint,
};
use crate::ffi::args::{out_ptr, write_out, write_text, MESH_TIME_NONE};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

use super::event_type_number;
use super::handles::{event, free_event, mesh_availability_event};

fn text(
    event: *const mesh_availability_event,
    field: impl FnOnce(&AvailabilityEvent) -> FfiResult<Cow<'_, str>>,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> FfiResult {
    let event = self::event(event)?;
    let text = field(&event)?;
    // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
    unsafe { write_text(&text, buf, cap, len_out) }
}

/// Writes one number read from an event through a checked out-pointer.
fn number<T>(
    event: *const mesh_availability_event,
    out: *mut T,
    what: &str,
    field: impl FnOnce(&AvailabilityEvent) -> FfiResult<T>,
) -> FfiResult {
    let event = self::event(event)?;
    let out = out_ptr(out, what)?;
    write_out(out, field(&event)?);
    Ok(())
}

/// Writes a period through two checked out-pointers.
fn period_out(
    event: *const mesh_availability_event,
    out_start_ms: *mut i64,
    out_end_ms: *mut i64,
    field: impl FnOnce(&AvailabilityEvent) -> FfiResult<Period>,
) -> FfiResult {
    let event = self::event(event)?;
    let start = out_ptr(out_start_ms, "out_start_ms")?;
    let end = out_ptr(out_end_ms, "out_end_ms")?;
    let period = field(&event)?;
    write_out(start, period.start_ms);
    write_out(end, period.end_ms);
    Ok(())
}

fn restriction(e: &AvailabilityEvent) -> FfiResult<&Restriction> {
    match e {
        AvailabilityEvent::Restriction(r) => Ok(r),
        AvailabilityEvent::Revision(r) => Err(Failure::invalid_argument(format!(
            "event {:?} is a revision, not a restriction",
            r.event_id
        ))),
    }
}

/// Recurrence `index` of an event.
enum RecurrenceAt<'a> {
    Revision(&'a RevisionRecurrence),
    Restriction(&'a Restriction),
}

impl<'a> RecurrenceAt<'a> {
    fn recurrence(&self) -> &'a Recurrence {
        match self {
            RecurrenceAt::Revision(r) => &r.recurrence,
            RecurrenceAt::Restriction(r) => r.recurrence.recurrence(),
        }
    }
}

fn recurrence_count(e: &AvailabilityEvent) -> usize {
    match e {
        AvailabilityEvent::Revision(r) => r.recurrences.len(),
        AvailabilityEvent::Restriction(_) => 1,
    }
}

fn recurrence_at(e: &AvailabilityEvent, index: usize) -> FfiResult<RecurrenceAt<'_>> {
    let found = match e {
        AvailabilityEvent::Revision(r) => r.recurrences.get(index).map(RecurrenceAt::Revision),
        AvailabilityEvent::Restriction(r) => (index == 0).then_some(RecurrenceAt::Restriction(r)),
    };
    found.ok_or_else(|| {
        Failure::invalid_argument(format!(
            "recurrence index {index} is out of range: there are {}",
            recurrence_count(e)
        ))
    })
}

/// A period C reads back: `MESH_TIME_NONE` at both ends for none.
fn or_none(period: Option<Period>) -> Period {
    period.unwrap_or(Period::new(MESH_TIME_NONE, MESH_TIME_NONE))
}

/// Writes the event's type to `*out`: `MESH_AVAILABILITY_EVENT_TYPE_REVISION`
/// or `MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION`.
///
/// @param event The event: owned, or borrowed from a list.
/// @param out Receives the type on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up event.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_type(
    event: *const mesh_availability_event,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_availability_event_type", || {
        number(event, out, "out", |e| Ok(event_type_number(e.event_type())))
    })
}

/// Writes the id of the object the event belongs to, in canonical
/// lower-case form; "" when the server sent none. See the buffer
/// convention.
///
/// @param event The event: owned, or borrowed from a list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL event, or buf NULL
///   with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up event;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_owner_id(
    event: *const mesh_availability_event,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_availability_event_owner_id", || {
        text(
            event,
            |e| {
                Ok(e.owner()
                    .id
                    .map_or(Cow::Borrowed(""), |id| Cow::Owned(id.to_string())))
            },
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the event's id, unique among its object's events. See the
/// buffer convention.
///
/// @param event The event: owned, or borrowed from a list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL event, or buf NULL
///   with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up event;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_event_id(
    event: *const mesh_availability_event,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_availability_event_event_id", || {
        text(
            event,
            |e| Ok(Cow::Borrowed(e.event_id())),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the event's local id (free text, e.g. an id in another system).
/// See the buffer convention.
///
/// @param event The event: owned, or borrowed from a list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL event, or buf NULL
///   with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up event;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_local_id(
    event: *const mesh_availability_event,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_availability_event_local_id", || {
        text(
            event,
            |e| Ok(Cow::Borrowed(e.local_id())),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the event's reason. See the buffer convention.
///
/// @param event The event: owned, or borrowed from a list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL event, or buf NULL
///   with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up event;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_reason(
    event: *const mesh_availability_event,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_availability_event_reason", || {
        text(event, |e| Ok(Cow::Borrowed(e.reason())), buf, cap, len_out)
    })
}

/// Writes a restriction's category. A revision has none
/// (`MESH_ERROR_INVALID_ARGUMENT`). See the buffer convention.
///
/// @param event A restriction: owned, or borrowed from a list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL event, a revision,
///   or buf NULL with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or
///   made-up event; MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the
///   text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_category(
    event: *const mesh_availability_event,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_availability_event_category", || {
        text(
            event,
            |e| Ok(Cow::Borrowed(&restriction(e)?.category)),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes who created the event. See the buffer convention.
///
/// @param event The event: owned, or borrowed from a list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL event, or buf NULL
///   with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up event;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_created_author(
    event: *const mesh_availability_event,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_availability_event_created_author", || {
        text(
            event,
            |e| Ok(Cow::Borrowed(&e.created().author)),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes when the event was created, ms since the Unix epoch, UTC;
/// MESH_TIME_NONE when the server sent no time.
///
/// @param event The event: owned, or borrowed from a list.
/// @param out_ms Receives the time on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up event.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_created_timestamp(
    event: *const mesh_availability_event,
    out_ms: *mut i64,
) -> mesh_status {
    guard("mesh_availability_event_created_timestamp", || {
        number(event, out_ms, "out_ms", |e| {
            Ok(e.created().timestamp_ms.unwrap_or(MESH_TIME_NONE))
        })
    })
}

/// Writes who changed the event last. See the buffer convention.
///
/// @param event The event: owned, or borrowed from a list.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL event, or buf NULL
///   with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed or made-up event;
///   MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than the text's length
///   (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_last_changed_author(
    event: *const mesh_availability_event,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_availability_event_last_changed_author", || {
        text(
            event,
            |e| Ok(Cow::Borrowed(&e.last_changed().author)),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes when the event was changed last, ms since the Unix epoch, UTC;
/// MESH_TIME_NONE when the server sent no time.
///
/// @param event The event: owned, or borrowed from a list.
/// @param out_ms Receives the time on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up event.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_last_changed_timestamp(
    event: *const mesh_availability_event,
    out_ms: *mut i64,
) -> mesh_status {
    guard("mesh_availability_event_last_changed_timestamp", || {
        number(event, out_ms, "out_ms", |e| {
            Ok(e.last_changed().timestamp_ms.unwrap_or(MESH_TIME_NONE))
        })
    })
}

/// Writes the number of the event's recurrences: a revision's (none until
/// `mesh_revision_recurrence_create` adds one), or 1 for a restriction.
/// The `mesh_availability_event_recurrence_*_at` functions take an index
/// below it.
///
/// @param event The event: owned, or borrowed from a list.
/// @param out_count Receives the number of recurrences on success;
///   untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up event.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_recurrence_count(
    event: *const mesh_availability_event,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_availability_event_recurrence_count", || {
        number(event, out_count, "out_count", |e| Ok(recurrence_count(e)))
    })
}

/// Writes the id of a revision's recurrence `index` (the server's number,
/// for `mesh_revision_recurrence_delete`). A restriction's recurrence has
/// no id (`MESH_ERROR_INVALID_ARGUMENT`).
///
/// @param event A revision: owned, or borrowed from a list.
/// @param index The recurrence's index, from 0, below the recurrence count.
/// @param out Receives the recurrence id on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, an index
///   past the end, or a restriction; MESH_ERROR_INVALID_HANDLE for a freed or
///   made-up event.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_recurrence_id_at(
    event: *const mesh_availability_event,
    index: usize,
    out: *mut u32,
) -> mesh_status {
    guard("mesh_availability_event_recurrence_id_at", || {
        number(event, out, "out", |e| match recurrence_at(e, index)? {
            RecurrenceAt::Revision(r) => Ok(r.id),
            RecurrenceAt::Restriction(r) => Err(Failure::invalid_argument(format!(
                "event {:?} is a restriction, whose recurrence has no id",
                r.event_id
            ))),
        })
    })
}

/// Writes the status of recurrence `index`. See the buffer convention.
///
/// @param event The event: owned, or borrowed from a list.
/// @param index The recurrence's index, from 0, below the recurrence count.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL event, an index past
///   the end, or buf NULL with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed
///   or made-up event; MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than
///   the text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_recurrence_status_at(
    event: *const mesh_availability_event,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_availability_event_recurrence_status_at", || {
        text(
            event,
            |e| Ok(Cow::Borrowed(&recurrence_at(e, index)?.recurrence().status)),
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes the description of recurrence `index`. See the buffer
/// convention.
///
/// @param event The event: owned, or borrowed from a list.
/// @param index The recurrence's index, from 0, below the recurrence count.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may be
///   NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   MESH_ERROR_BUFFER_TOO_SMALL, then the length needed); may be NULL.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL event, an index past
///   the end, or buf NULL with cap not 0; MESH_ERROR_INVALID_HANDLE for a freed
///   or made-up event; MESH_ERROR_BUFFER_TOO_SMALL when cap is not more than
///   the text's length (nothing is written to buf).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_recurrence_description_at(
    event: *const mesh_availability_event,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_availability_event_recurrence_description_at", || {
        text(
            event,
            |e| {
                Ok(Cow::Borrowed(
                    &recurrence_at(e, index)?.recurrence().description,
                ))
            },
            buf,
            cap,
            len_out,
        )
    })
}

/// Writes how recurrence `index` repeats: one of `MESH_RECURRENCE_TYPE_*`.
///
/// @param event The event: owned, or borrowed from a list.
/// @param index The recurrence's index, from 0, below the recurrence count.
/// @param out Receives the recurrence type on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an
///   index past the end; MESH_ERROR_INVALID_HANDLE for a freed or made-up
///   event.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_recurrence_type_at(
    event: *const mesh_availability_event,
    index: usize,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_availability_event_recurrence_type_at", || {
        number(event, out, "out", |e| {
            // The constants are Mesh's numbers, as the enum's are.
            Ok(recurrence_at(e, index)?.recurrence().recurrence_type as i32)
        })
    })
}

/// Writes every how many days, weeks, months or years recurrence `index`
/// repeats; 0 when not set.
///
/// @param event The event: owned, or borrowed from a list.
/// @param index The recurrence's index, from 0, below the recurrence count.
/// @param out Receives the number on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an
///   index past the end; MESH_ERROR_INVALID_HANDLE for a freed or made-up
///   event.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_recurrence_every_at(
    event: *const mesh_availability_event,
    index: usize,
    out: *mut u32,
) -> mesh_status {
    guard("mesh_availability_event_recurrence_every_at", || {
        number(event, out, "out", |e| {
            Ok(recurrence_at(e, index)?
                .recurrence()
                .recur_every
                .unwrap_or(0))
        })
    })
}

/// Writes until when recurrence `index` repeats, ms since the Unix epoch,
/// UTC; MESH_TIME_NONE when not set.
///
/// @param event The event: owned, or borrowed from a list.
/// @param index The recurrence's index, from 0, below the recurrence count.
/// @param out_ms Receives the time on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an
///   index past the end; MESH_ERROR_INVALID_HANDLE for a freed or made-up
///   event.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_recurrence_until_at(
    event: *const mesh_availability_event,
    index: usize,
    out_ms: *mut i64,
) -> mesh_status {
    guard("mesh_availability_event_recurrence_until_at", || {
        number(event, out_ms, "out_ms", |e| {
            Ok(recurrence_at(e, index)?
                .recurrence()
                .recur_until_ms
                .unwrap_or(MESH_TIME_NONE))
        })
    })
}

/// Writes the first period of recurrence `index`,
/// `[*out_start_ms, *out_end_ms)` in ms since the Unix epoch, UTC: a
/// revision recurrence's, or a basic restriction's. A complex restriction
/// has none (its curve's points give its times):
/// `MESH_ERROR_INVALID_ARGUMENT`.
///
/// @param event The event: owned, or borrowed from a list.
/// @param index The recurrence's index, from 0, below the recurrence count.
/// @param out_start_ms Receives the start (inclusive) on success; untouched
///   on failure.
/// @param out_end_ms Receives the end (exclusive) on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, an index
///   past the end, or a complex restriction; MESH_ERROR_INVALID_HANDLE for a
///   freed or made-up event.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_recurrence_period_at(
    event: *const mesh_availability_event,
    index: usize,
    out_start_ms: *mut i64,
    out_end_ms: *mut i64,
) -> mesh_status {
    guard("mesh_availability_event_recurrence_period_at", || {
        period_out(event, out_start_ms, out_end_ms, |e| {
            match recurrence_at(e, index)? {
                RecurrenceAt::Revision(r) => Ok(r.period),
                RecurrenceAt::Restriction(r) => match &r.recurrence {
                    RestrictionRecurrence::Basic { period, .. } => Ok(*period),
                    RestrictionRecurrence::Complex { .. } => {
                        Err(Failure::invalid_argument(format!(
                            "event {:?} is a complex restriction, which has points, not a period",
                            r.event_id
                        )))
                    }
                },
            }
        })
    })
}

/// Writes the active instance of recurrence `index` as the server gave it
/// when the event was read: the period in force then, else the next one,
/// `[*out_start_ms, *out_end_ms)` in ms since the Unix epoch, UTC; both
/// MESH_TIME_NONE when there is neither. A revision has one per
/// recurrence; a restriction one, at index 0.
///
/// @param event The event: owned, or borrowed from a list.
/// @param index The recurrence's index, from 0, below the recurrence count.
/// @param out_start_ms Receives the start (inclusive) or MESH_TIME_NONE on
///   success; untouched on failure.
/// @param out_end_ms Receives the end (exclusive) or MESH_TIME_NONE on
///   success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or an
///   index past the end; MESH_ERROR_INVALID_HANDLE for a freed or made-up
///   event.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_active_period_at(
    event: *const mesh_availability_event,
    index: usize,
    out_start_ms: *mut i64,
    out_end_ms: *mut i64,
) -> mesh_status {
    guard("mesh_availability_event_active_period_at", || {
        period_out(event, out_start_ms, out_end_ms, |e| {
            match recurrence_at(e, index)? {
                RecurrenceAt::Revision(r) => Ok(or_none(r.active_instance)),
                RecurrenceAt::Restriction(r) => Ok(or_none(r.active_instance.map(|i| i.period))),
            }
        })
    })
}

/// Writes 1 to `*out` when a restriction is complex (a step curve; read it
/// with `mesh_availability_event_restriction_points`), 0 when it is basic
/// (one value over a period; `mesh_availability_event_restriction_value`).
/// A revision is neither (`MESH_ERROR_INVALID_ARGUMENT`).
///
/// @param event A restriction: owned, or borrowed from a list.
/// @param out Receives 1 or 0 on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or a
///   revision; MESH_ERROR_INVALID_HANDLE for a freed or made-up event.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_restriction_is_complex(
    event: *const mesh_availability_event,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_availability_event_restriction_is_complex", || {
        number(event, out, "out", |e| {
            Ok(i32::from(restriction(e)?.recurrence.is_complex()))
        })
    })
}

/// The curve of a complex restriction.
fn complex_points(e: &AvailabilityEvent) -> FfiResult<&[TimePoint]> {
    let r = restriction(e)?;
    match &r.recurrence {
        RestrictionRecurrence::Complex { points, .. } => Ok(points),
        RestrictionRecurrence::Basic { .. } => Err(Failure::invalid_argument(format!(
            "event {:?} is a basic restriction, which has a value, not points",
            r.event_id
        ))),
    }
}

/// Writes the value (the limit) of a basic restriction. A complex
/// restriction has points instead, and a revision no value:
/// `MESH_ERROR_INVALID_ARGUMENT`.
///
/// @param event A basic restriction: owned, or borrowed from a list.
/// @param out Receives the value on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a
///   revision or a complex restriction; MESH_ERROR_INVALID_HANDLE for a freed
///   or made-up event.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_restriction_value(
    event: *const mesh_availability_event,
    out: *mut f64,
) -> mesh_status {
    guard("mesh_availability_event_restriction_value", || {
        number(event, out, "out", |e| {
            let r = restriction(e)?;
            match &r.recurrence {
                RestrictionRecurrence::Basic { value, .. } => Ok(*value),
                RestrictionRecurrence::Complex { .. } => Err(Failure::invalid_argument(format!(
                    "event {:?} is a complex restriction, which has points, not one value",
                    r.event_id
                ))),
            }
        })
    })
}

/// Writes the number of points of a complex restriction's curve (the
/// size of the arrays `mesh_availability_event_restriction_points` fills).
/// A basic restriction or a revision has none: `MESH_ERROR_INVALID_ARGUMENT`.
///
/// @param event A complex restriction: owned, or borrowed from a list.
/// @param out_count Receives the number of points on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a
///   revision or a basic restriction; MESH_ERROR_INVALID_HANDLE for a freed or
///   made-up event.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_restriction_point_count(
    event: *const mesh_availability_event,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_availability_event_restriction_point_count", || {
        number(event, out_count, "out_count", |e| {
            Ok(complex_points(e)?.len())
        })
    })
}

/// Copies the points of a complex restriction's curve into the caller's
/// arrays of `cap` items each: each value holds from its time to the next
/// point's, and the last point ends the curve. Either array may be NULL to
/// skip it. When `cap` is less than the number of points, nothing is
/// copied and `MESH_ERROR_BUFFER_TOO_SMALL` is returned (see
/// `mesh_availability_event_restriction_point_count`).
///
/// @param event A complex restriction: owned, or borrowed from a list.
/// @param timestamps The caller's array of `cap` times (ms since the Unix
///   epoch, UTC), filled on success; NULL to skip it.
/// @param values The caller's array of `cap` values, filled on success; NULL
///   to skip it.
/// @param cap The number of items each array has room for.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL event, a misaligned
///   array, a revision or a basic restriction; MESH_ERROR_INVALID_HANDLE for a
///   freed or made-up event; MESH_ERROR_BUFFER_TOO_SMALL when cap is less than
///   the number of points.
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_restriction_points(
    event: *const mesh_availability_event,
    timestamps: *mut i64,
    values: *mut f64,
    cap: usize,
) -> mesh_status {
    guard("mesh_availability_event_restriction_points", || {
        let event = self::event(event)?;
        let points = complex_points(&event)?;
        let n = points.len();
        if cap < n {
            return Err(Failure::new(
                mesh_status::MESH_ERROR_BUFFER_TOO_SMALL,
                format!("arrays of {cap} items are too small: {n} points"),
            ));
        }
        if !(timestamps.is_aligned() && values.is_aligned()) {
            return Err(Failure::invalid_argument("an array is misaligned"));
        }
        for (i, p) in points.iter().enumerate() {
            // SAFETY: each non-NULL array has room for `cap >= n` items by
            // the caller's promise.
            unsafe {
                if !timestamps.is_null() {
                    timestamps.add(i).write(p.timestamp_ms);
                }
                if !values.is_null() {
                    values.add(i).write(p.value);
                }
            }
        }
        Ok(())
    })
}

/// Frees an event that a call returned. One borrowed from a list is left
/// to its list (this does nothing). NULL is a no-op.
///
/// @param event The event to free; may be NULL.
/// @return MESH_OK, also for NULL and for a borrowed event;
///   MESH_ERROR_INVALID_HANDLE for a handle already freed or made up.
#[no_mangle]
pub extern "C" fn mesh_availability_event_free(event: *mut mesh_availability_event) -> mesh_status {
    guard("mesh_availability_event_free", || free_event(event))
}
