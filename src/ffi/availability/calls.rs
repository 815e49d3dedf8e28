//! The availability requests from C: create revisions and restrictions,
//! add and delete a revision's recurrences, read and search events, search
//! an event's instances, update and delete events. Each checks every
//! argument first, then makes one session call; changes are the session's
//! own until `mesh_session_commit`. Events come back as handles (see
//! `handles`), instances as a list (see `lists`).

use std::ffi::c_char;

use crate::client::availability::{
    AvailabilityEvent, NewRestriction, NewRevision, Period, RestrictionUpdate, RevisionUpdate,
};
use crate::client::model::Target;
use crate::ffi::args::{array, c_str};
use crate::ffi::request::{nothing, Request};
use crate::ffi::session::{self, mesh_session};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

use super::handles::{
    mesh_availability_event, mesh_availability_event_list, register_event, register_events,
};
use super::lists::{mesh_availability_instance_list, register_instances};
use super::recurrence::{self, mesh_restriction_recurrence};
use super::{
    event_type, make_recurrence, optional_text, optional_time, period, text_or_empty, time,
};
use crate::ffi::model::args::target;

/// A caller's array of `count` strings, none NULL, at least one.
///
/// # Safety
/// `p` is NULL or points to `count` pointers, each NULL or a NUL-terminated
/// string.
unsafe fn strings<'a>(
    p: *const *const c_char,
    count: usize,
    what: &str,
) -> FfiResult<Vec<&'a str>> {
    if count == 0 {
        return Err(Failure::invalid_argument(format!(
            "count is 0: {what} needs at least one entry"
        )));
    }
    // SAFETY: passed on from the caller.
    let items = unsafe { array(p, count, what) }?;
    items
        .iter()
        .enumerate()
        // SAFETY: each entry is NULL (refused) or NUL-terminated, by the caller's promise.
        .map(|(i, s)| unsafe { c_str(*s, &format!("{what}[{i}]")) })
        .collect()
}

/// Creates a revision (a time when an object is out of service) of the
/// object `target`, without periods: add them with
/// `mesh_revision_recurrence_create`. Writes the new revision, as the
/// server made it, to `*out_event` (free with
/// `mesh_availability_event_free`).
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param event_id The revision's id, unique among the object's events.
/// @param local_id Free text, e.g. an id in another system (need not be
///   unique); NULL for empty.
/// @param reason Why; NULL for empty.
/// @param created_author Who created it, taken as given (also ""); NULL to let
///   the server choose (the authenticated user's name, else empty).
/// @param created_timestamp_ms When it was created, ms since the Unix epoch,
///   UTC; MESH_TIME_NONE for the server's time.
/// @param last_changed_author Who changed it last, taken as given; NULL for
///   the created author.
/// @param out_event Receives the new revision on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL session, target,
///   event_id or out_event, text that is not UTF-8, a target that is neither
///   id nor path, or an event id the server refuses (empty, or taken);
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no object has that id or path; or a status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_revision_create(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    local_id: *const c_char,
    reason: *const c_char,
    created_author: *const c_char,
    created_timestamp_ms: i64,
    last_changed_author: *const c_char,
    out_event: *mut *mut mesh_availability_event,
) -> mesh_status {
    guard("mesh_revision_create", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_revision_create_request(
                session,
                target,
                event_id,
                local_id,
                reason,
                created_author,
                created_timestamp_ms,
                last_changed_author,
            )
        }?
        .wait(out_event, "out_event")
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_revision_create_request(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    local_id: *const c_char,
    reason: *const c_char,
    created_author: *const c_char,
    created_timestamp_ms: i64,
    last_changed_author: *const c_char,
) -> FfiResult<Request<*mut mesh_availability_event>> {
    let handle = session::resolve(session)?;
    // SAFETY (the unsafe blocks below): the caller passes NULL or
    // NUL-terminated strings.
    let target = self::target(target, "target")?;
    let new = unsafe {
        NewRevision {
            event_id: c_str(event_id, "event_id")?.to_string(),
            local_id: text_or_empty(local_id, "local_id")?,
            reason: text_or_empty(reason, "reason")?,
            created_author: optional_text(created_author, "created_author")?,
            created_timestamp_ms: optional_time(created_timestamp_ms),
            last_changed_author: optional_text(last_changed_author, "last_changed_author")?,
        }
    };
    Ok(handle.request(
        move |h| async move { h.session.create_revision(&target, &new).await },
        |revision| register_event(AvailabilityEvent::Revision(revision)),
    ))
}

/// Creates a restriction (a limit on an object) of the object `target`,
/// doing what `recurrence` says (see `mesh_restriction_recurrence_new_basic`
/// and `mesh_restriction_recurrence_new_complex`; it may be freed after the
/// call). Writes the new restriction, as the server made it, to
/// `*out_event` (free with `mesh_availability_event_free`).
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param event_id The restriction's id, unique among the object's events.
/// @param category One of the server's availability categories.
/// @param local_id Free text, e.g. an id in another system (need not be
///   unique); NULL for empty.
/// @param reason Why; NULL for empty.
/// @param recurrence What the restriction does and how it repeats.
/// @param created_author Who created it, taken as given (also ""); NULL to let
///   the server choose (the authenticated user's name, else empty).
/// @param created_timestamp_ms When it was created, ms since the Unix epoch,
///   UTC; MESH_TIME_NONE for the server's time.
/// @param last_changed_author Who changed it last, taken as given; NULL for
///   the created author.
/// @param out_event Receives the new restriction on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL session, target,
///   event_id, category, recurrence or out_event, text that is not UTF-8, a
///   target that is neither id nor path, or what the server refuses (an empty
///   or taken event id, an unknown category or status);
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session or a freed or
///   made-up recurrence; MESH_ERROR_NOT_FOUND when no object has that id or
///   path; or a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_restriction_create(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    category: *const c_char,
    local_id: *const c_char,
    reason: *const c_char,
    recurrence: *const mesh_restriction_recurrence,
    created_author: *const c_char,
    created_timestamp_ms: i64,
    last_changed_author: *const c_char,
    out_event: *mut *mut mesh_availability_event,
) -> mesh_status {
    guard("mesh_restriction_create", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_restriction_create_request(
                session,
                target,
                event_id,
                category,
                local_id,
                reason,
                recurrence,
                created_author,
                created_timestamp_ms,
                last_changed_author,
            )
        }?
        .wait(out_event, "out_event")
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_restriction_create_request(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    category: *const c_char,
    local_id: *const c_char,
    reason: *const c_char,
    recurrence: *const mesh_restriction_recurrence,
    created_author: *const c_char,
    created_timestamp_ms: i64,
    last_changed_author: *const c_char,
) -> FfiResult<Request<*mut mesh_availability_event>> {
    let handle = session::resolve(session)?;
    // SAFETY (the unsafe blocks below): the caller passes NULL or
    // NUL-terminated strings.
    let target = self::target(target, "target")?;
    let recurrence = recurrence::resolve(recurrence)?;
    let new = unsafe {
        NewRestriction {
            event_id: c_str(event_id, "event_id")?.to_string(),
            category: c_str(category, "category")?.to_string(),
            local_id: text_or_empty(local_id, "local_id")?,
            reason: text_or_empty(reason, "reason")?,
            recurrence: (*recurrence).clone(),
            created_author: optional_text(created_author, "created_author")?,
            created_timestamp_ms: optional_time(created_timestamp_ms),
            last_changed_author: optional_text(last_changed_author, "last_changed_author")?,
        }
    };
    Ok(handle.request(
        move |h| async move { h.session.create_restriction(&target, &new).await },
        |restriction| register_event(AvailabilityEvent::Restriction(restriction)),
    ))
}

/// Adds a recurrence to the revision `event_id` of the object `target`:
/// the period `[start_ms, end_ms)`, repeated as `recurrence_type`,
/// `recur_every` and `recur_until_ms` say. Writes the id the server gave it
/// (for `mesh_revision_recurrence_delete`) to `*out_recurrence_id`. Events
/// read before do not see it: read the revision again.
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param event_id The revision's id.
/// @param status One of the server's revision statuses (UTF-8); NULL for
///   empty.
/// @param description Free text; NULL for empty.
/// @param recurrence_type How the period repeats: one of
///   `MESH_RECURRENCE_TYPE_*` (`MESH_RECURRENCE_TYPE_NONE` for once).
/// @param recur_every Repeat every this many days, weeks, months or years
///   (by recurrence_type); 0 for not set.
/// @param recur_until_ms Repeat until this time, ms since the Unix epoch,
///   UTC; MESH_TIME_NONE for not set (no end).
/// @param start_ms Start (inclusive) of the first period, ms since the Unix
///   epoch, UTC.
/// @param end_ms End (exclusive) of the first period, after start_ms.
/// @param author Who makes the change, recorded as the revision's last
///   change; NULL to let the server choose.
/// @param out_recurrence_id Receives the new recurrence's id on success;
///   untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL session, target,
///   event_id or out_recurrence_id, text that is not UTF-8, a target that is
///   neither id nor path, an unknown recurrence_type, start_ms or end_ms
///   MESH_TIME_NONE, end_ms not after start_ms, an event that is a
///   restriction, or what the server refuses (an unknown status, a repeating
///   type without recur_every); MESH_ERROR_INVALID_HANDLE for a closed or
///   made-up session; MESH_ERROR_NOT_FOUND when the object or the event is not
///   found; or a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_revision_recurrence_create(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    status: *const c_char,
    description: *const c_char,
    recurrence_type: i32,
    recur_every: u32,
    recur_until_ms: i64,
    start_ms: i64,
    end_ms: i64,
    author: *const c_char,
    out_recurrence_id: *mut u32,
) -> mesh_status {
    guard("mesh_revision_recurrence_create", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_revision_recurrence_create_request(
                session,
                target,
                event_id,
                status,
                description,
                recurrence_type,
                recur_every,
                recur_until_ms,
                start_ms,
                end_ms,
                author,
            )
        }?
        .wait(out_recurrence_id, "out_recurrence_id")
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_revision_recurrence_create_request(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    status: *const c_char,
    description: *const c_char,
    recurrence_type: i32,
    recur_every: u32,
    recur_until_ms: i64,
    start_ms: i64,
    end_ms: i64,
    author: *const c_char,
) -> FfiResult<Request<u32>> {
    let handle = session::resolve(session)?;
    // SAFETY (the unsafe blocks below): the caller passes NULL or
    // NUL-terminated strings.
    let target = self::target(target, "target")?;
    let event_id = unsafe { c_str(event_id, "event_id") }?.to_string();
    let recurrence = unsafe {
        make_recurrence(
            status,
            description,
            recurrence_type,
            recur_every,
            recur_until_ms,
        )
    }?;
    let first = period(start_ms, end_ms)?;
    first.check("the first period")?;
    let author = unsafe { optional_text(author, "author") }?;
    Ok(handle.request(
        move |h| async move {
            h.session
                .add_revision_recurrence(&target, &event_id, &recurrence, first, author.as_deref())
                .await
        },
        Ok,
    ))
}

/// Deletes recurrence `recurrence_id` (see
/// `mesh_availability_event_recurrence_id_at`) of the revision `event_id`
/// of the object `target`.
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param event_id The revision's id.
/// @param recurrence_id The recurrence's id, as the server gave it.
/// @param author Who makes the change, recorded as the revision's last
///   change; NULL to let the server choose.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL session, target or
///   event_id, text that is not UTF-8, a target that is neither id nor path,
///   or an event that is a restriction; MESH_ERROR_INVALID_HANDLE for a closed
///   or made-up session; MESH_ERROR_NOT_FOUND when the object, the event or
///   the recurrence is not found; or a status of the call to the server (see
///   `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_revision_recurrence_delete(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    recurrence_id: u32,
    author: *const c_char,
) -> mesh_status {
    guard("mesh_revision_recurrence_delete", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_revision_recurrence_delete_request(
                session,
                target,
                event_id,
                recurrence_id,
                author,
            )
        }?
        .wait_done()
    })
}

pub(crate) unsafe fn mesh_revision_recurrence_delete_request(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    recurrence_id: u32,
    author: *const c_char,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    // SAFETY (the unsafe blocks below): the caller passes NULL or
    // NUL-terminated strings.
    let target = self::target(target, "target")?;
    let event_id = unsafe { c_str(event_id, "event_id") }?.to_string();
    let author = unsafe { optional_text(author, "author") }?;
    Ok(handle.request(
        move |h| async move {
            h.session
                .delete_revision_recurrence(&target, &event_id, recurrence_id, author.as_deref())
                .await
        },
        nothing,
    ))
}

/// Reads the event (revision or restriction) `event_id` of the object
/// `target` into a new `*out_event` (free with
/// `mesh_availability_event_free`).
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param event_id The event's id.
/// @param out_event Receives the event on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, text that
///   is not UTF-8 or a target that is neither id nor path;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when the object or the event is not found; or a
///   status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_read(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    out_event: *mut *mut mesh_availability_event,
) -> mesh_status {
    guard("mesh_availability_event_read", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_availability_event_read_request(session, target, event_id) }?
            .wait(out_event, "out_event")
    })
}

pub(crate) unsafe fn mesh_availability_event_read_request(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
) -> FfiResult<Request<*mut mesh_availability_event>> {
    let handle = session::resolve(session)?;
    // SAFETY (the unsafe blocks below): the caller passes NULL or
    // NUL-terminated strings.
    let target = self::target(target, "target")?;
    let event_id = unsafe { c_str(event_id, "event_id") }?.to_string();
    Ok(handle.request(
        move |h| async move { h.session.get_availability_event(&target, &event_id).await },
        register_event,
    ))
}

/// Searches the events of type `event_type` of the `count` objects
/// `targets` (ids or paths) and puts them into a new `*out_list` (free with
/// `mesh_availability_event_list_free`), object by object in the order
/// given, each object's events in the order they were made. Finding none is
/// an empty list.
///
/// @param session The session to work in.
/// @param event_type Which events: one of `MESH_AVAILABILITY_EVENT_TYPE_*`
///   (`MESH_AVAILABILITY_EVENT_TYPE_ALL` for both kinds).
/// @param targets The objects: count ids (canonical or braced) or paths.
/// @param count The number of targets: at least 1.
/// @param out_list Receives the new list of events on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, an
///   unknown event_type, count 0, a NULL entry, text that is not UTF-8 or a
///   target that is neither id nor path; MESH_ERROR_INVALID_HANDLE for a
///   closed or made-up session; MESH_ERROR_NOT_FOUND when an object is not
///   found; or a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_search(
    session: *mut mesh_session,
    event_type: i32,
    targets: *const *const c_char,
    count: usize,
    out_list: *mut *mut mesh_availability_event_list,
) -> mesh_status {
    guard("mesh_availability_event_search", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_availability_event_search_request(session, event_type, targets, count) }?
            .wait(out_list, "out_list")
    })
}

pub(crate) unsafe fn mesh_availability_event_search_request(
    session: *mut mesh_session,
    event_type: i32,
    targets: *const *const c_char,
    count: usize,
) -> FfiResult<Request<*mut mesh_availability_event_list>> {
    let handle = session::resolve(session)?;
    let event_type = self::event_type(event_type)?;
    // SAFETY: the caller's array of `count` strings.
    let texts = unsafe { strings(targets, count, "targets") }?;
    let targets = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            Target::parse(text)
                .map_err(|e| Failure::invalid_argument(format!("targets[{i}]: {}", e.message())))
        })
        .collect::<FfiResult<Vec<_>>>()?;
    Ok(handle.request(
        move |h| async move {
            h.session
                .search_availability_events(event_type, &targets)
                .await
        },
        register_events,
    ))
}

/// Deletes the `count` events `event_ids` of the object `target`. If one of
/// them is not found, none is deleted.
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param event_ids The events' ids: count strings.
/// @param count The number of event ids: at least 1.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, count 0,
///   a NULL entry, text that is not UTF-8 or a target that is neither id nor
///   path; MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when the object or an event is not found; or a
///   status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_delete_by_id(
    session: *mut mesh_session,
    target: *const c_char,
    event_ids: *const *const c_char,
    count: usize,
) -> mesh_status {
    guard("mesh_availability_event_delete_by_id", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_availability_event_delete_by_id_request(session, target, event_ids, count) }?
            .wait_done()
    })
}

pub(crate) unsafe fn mesh_availability_event_delete_by_id_request(
    session: *mut mesh_session,
    target: *const c_char,
    event_ids: *const *const c_char,
    count: usize,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    // SAFETY (the unsafe blocks below): the caller passes NULL or a
    // NUL-terminated string, and an array of `count` strings.
    let target = self::target(target, "target")?;
    let event_ids: Vec<String> = unsafe { strings(event_ids, count, "event_ids") }?
        .into_iter()
        .map(str::to_string)
        .collect();
    Ok(handle.request(
        move |h| async move {
            h.session
                .delete_availability_events_by_id(&target, &event_ids)
                .await
        },
        nothing,
    ))
}

/// Deletes every event of type `event_type` of the object `target`.
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param event_type Which events: one of `MESH_AVAILABILITY_EVENT_TYPE_*`
///   (`MESH_AVAILABILITY_EVENT_TYPE_ALL` for every event of the object).
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, text that
///   is not UTF-8, a target that is neither id nor path, or an unknown
///   event_type; MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when the object is not found; or a status of the
///   call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_event_delete_by_type(
    session: *mut mesh_session,
    target: *const c_char,
    event_type: i32,
) -> mesh_status {
    guard("mesh_availability_event_delete_by_type", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_availability_event_delete_by_type_request(session, target, event_type) }?
            .wait_done()
    })
}

pub(crate) unsafe fn mesh_availability_event_delete_by_type_request(
    session: *mut mesh_session,
    target: *const c_char,
    event_type: i32,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let target = self::target(target, "target")?;
    let event_type = self::event_type(event_type)?;
    Ok(handle.request(
        move |h| async move {
            h.session
                .delete_availability_events(&target, event_type)
                .await
        },
        nothing,
    ))
}

/// Searches the instances (periods) of the event `event_id` of the object
/// `target` that start or end inside `[start_ms, end_ms)`: its recurrences
/// expanded, earliest first. Puts them into a new `*out_list` (free with
/// `mesh_availability_instance_list_free`); finding none is an empty list.
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param event_id The event's id.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix
///   epoch, UTC.
/// @param end_ms End (exclusive) of the interval, not before start_ms.
/// @param out_list Receives the new list of instances on success; untouched
///   on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, text that
///   is not UTF-8, a target that is neither id nor path, start_ms or end_ms
///   MESH_TIME_NONE, or end_ms before start_ms; MESH_ERROR_INVALID_HANDLE for
///   a closed or made-up session; MESH_ERROR_NOT_FOUND when the object or the
///   event is not found; MESH_ERROR_RESOURCE_EXHAUSTED when the interval holds
///   more instances than the server gives at once (search shorter
///   intervals); or a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_availability_instance_search(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    start_ms: i64,
    end_ms: i64,
    out_list: *mut *mut mesh_availability_instance_list,
) -> mesh_status {
    guard("mesh_availability_instance_search", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_availability_instance_search_request(session, target, event_id, start_ms, end_ms)
        }?
        .wait(out_list, "out_list")
    })
}

pub(crate) unsafe fn mesh_availability_instance_search_request(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    start_ms: i64,
    end_ms: i64,
) -> FfiResult<Request<*mut mesh_availability_instance_list>> {
    let handle = session::resolve(session)?;
    // SAFETY (the unsafe blocks below): the caller passes NULL or
    // NUL-terminated strings.
    let target = self::target(target, "target")?;
    let event_id = unsafe { c_str(event_id, "event_id") }?.to_string();
    let interval = Period::new(time(start_ms, "start_ms")?, time(end_ms, "end_ms")?);
    if end_ms < start_ms {
        return Err(Failure::invalid_argument(format!(
            "bad interval: end {end_ms} is before start {start_ms}"
        )));
    }
    Ok(handle.request(
        move |h| async move {
            h.session
                .search_instances(&target, &event_id, interval)
                .await
        },
        register_instances,
    ))
}

/// Changes the revision `event_id` of the object `target`: its local id,
/// its reason, or both. NULL leaves that part as it is; both NULL changes
/// nothing and is refused (`MESH_ERROR_INVALID_ARGUMENT`, without a
/// request).
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param event_id The revision's id.
/// @param new_local_id The new local id; NULL to leave it.
/// @param new_reason The new reason; NULL to leave it.
/// @param author Who makes the change, recorded as the last change; NULL to
///   let the server choose.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL session, target or
///   event_id, new_local_id and new_reason both NULL, text that is not UTF-8,
///   a target that is neither id nor path, or an event that is a restriction;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when the object or the event is not found; or a
///   status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_revision_update(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    new_local_id: *const c_char,
    new_reason: *const c_char,
    author: *const c_char,
) -> mesh_status {
    guard("mesh_revision_update", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_revision_update_request(
                session,
                target,
                event_id,
                new_local_id,
                new_reason,
                author,
            )
        }?
        .wait_done()
    })
}

pub(crate) unsafe fn mesh_revision_update_request(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    new_local_id: *const c_char,
    new_reason: *const c_char,
    author: *const c_char,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    // SAFETY (the unsafe blocks below): the caller passes NULL or
    // NUL-terminated strings.
    let target = self::target(target, "target")?;
    let event_id = unsafe { c_str(event_id, "event_id") }?.to_string();
    let update = unsafe {
        RevisionUpdate {
            new_local_id: optional_text(new_local_id, "new_local_id")?,
            new_reason: optional_text(new_reason, "new_reason")?,
            author: optional_text(author, "author")?,
        }
    };
    if update.new_local_id.is_none() && update.new_reason.is_none() {
        return Err(Failure::invalid_argument(
            "new_local_id and new_reason are both NULL: nothing to update",
        ));
    }
    Ok(handle.request(
        move |h| async move { h.session.update_revision(&target, &event_id, &update).await },
        nothing,
    ))
}

/// Changes the restriction `event_id` of the object `target`: any of its
/// local id, reason, category and recurrence (copied; it may be freed after
/// the call). NULL leaves that part as it is; all four NULL changes nothing
/// and is refused (`MESH_ERROR_INVALID_ARGUMENT`, without a request).
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param event_id The restriction's id.
/// @param new_local_id The new local id; NULL to leave it.
/// @param new_reason The new reason; NULL to leave it.
/// @param new_category The new category, one of the server's availability
///   categories; NULL to leave it.
/// @param new_recurrence What the restriction does from now on; NULL to leave
///   it.
/// @param author Who makes the change, recorded as the last change; NULL to
///   let the server choose.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL session, target or
///   event_id, all four new_* NULL, text that is not UTF-8, a target that is
///   neither id nor path, an event that is a revision, or an unknown category;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session or a freed or
///   made-up recurrence; MESH_ERROR_NOT_FOUND when the object or the event is
///   not found; or a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_restriction_update(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    new_local_id: *const c_char,
    new_reason: *const c_char,
    new_category: *const c_char,
    new_recurrence: *const mesh_restriction_recurrence,
    author: *const c_char,
) -> mesh_status {
    guard("mesh_restriction_update", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_restriction_update_request(
                session,
                target,
                event_id,
                new_local_id,
                new_reason,
                new_category,
                new_recurrence,
                author,
            )
        }?
        .wait_done()
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn mesh_restriction_update_request(
    session: *mut mesh_session,
    target: *const c_char,
    event_id: *const c_char,
    new_local_id: *const c_char,
    new_reason: *const c_char,
    new_category: *const c_char,
    new_recurrence: *const mesh_restriction_recurrence,
    author: *const c_char,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    // SAFETY (the unsafe blocks below): the caller passes NULL or
    // NUL-terminated strings.
    let target = self::target(target, "target")?;
    let event_id = unsafe { c_str(event_id, "event_id") }?.to_string();
    let new_recurrence = if new_recurrence.is_null() {
        None
    } else {
        Some((*recurrence::resolve(new_recurrence)?).clone())
    };
    let update = unsafe {
        RestrictionUpdate {
            new_local_id: optional_text(new_local_id, "new_local_id")?,
            new_reason: optional_text(new_reason, "new_reason")?,
            new_category: optional_text(new_category, "new_category")?,
            new_recurrence,
            author: optional_text(author, "author")?,
        }
    };
    if update.new_local_id.is_none()
        && update.new_reason.is_none()
        && update.new_category.is_none()
        && update.new_recurrence.is_none()
    {
        return Err(Failure::invalid_argument(
            "new_local_id, new_reason, new_category and new_recurrence are all NULL: nothing to update",
        ));
    }
    Ok(handle.request(
        move |h| async move {
            h.session
                .update_restriction(&target, &event_id, &update)
                .await
        },
        nothing,
    ))
}
