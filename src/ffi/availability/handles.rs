//! Handles for events, made as the model's results are
//! (`handles::WithItemHandles`): a result (a list of events, or one event)
//! is an immutable shared value with a handle for the list (offset 0) and
//! one for each event, all made when it is registered. Events of a list are
//! borrows: valid until the list is freed, refused like any freed handle
//! after that.

use std::ops::Deref;
use std::sync::Arc;

use crate::client::availability::AvailabilityEvent;
use crate::ffi::handles::{
    free_items, item_of, register_items, HandleKind, ItemHandles, WithItemHandles,
};
use crate::ffi::{Failure, FfiResult};

/// Events, as `mesh_availability_event_search` found them (freed with
/// `mesh_availability_event_list_free`). Results are snapshots: they stay
/// valid after their session is closed and after `mesh_library_shutdown`,
/// and later changes are not seen in them.
pub struct mesh_availability_event_list {
    _private: [u8; 0],
}

/// One revision or restriction, as read: owned when a call returned it
/// (`mesh_revision_create`, `mesh_restriction_create`,
/// `mesh_availability_event_read`; freed with `mesh_availability_event_free`),
/// or borrowed from a list (valid until the list is freed). A snapshot, as
/// lists are.
pub struct mesh_availability_event {
    _private: [u8; 0],
}

/// A registered result. Its handles, by offset: the list, then the events.
pub(crate) struct Events {
    /// Owned by its one event, not by a list handle.
    single: bool,
    events: Vec<AvailabilityEvent>,
    handles: ItemHandles,
}

impl WithItemHandles for Events {
    fn kinds(&self) -> Vec<HandleKind> {
        let mut kinds = vec![HandleKind::AvailabilityEventList];
        kinds.extend(std::iter::repeat_n(
            HandleKind::AvailabilityEvent,
            self.events.len(),
        ));
        kinds
    }

    fn handles(&self) -> &ItemHandles {
        &self.handles
    }
}

impl Events {
    /// Number of events.
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// The handle of event `index` (a borrow, unless the result is single).
    pub(crate) fn item(&self, index: usize) -> FfiResult<*mut mesh_availability_event> {
        let count = self.events.len();
        if index >= count {
            return Err(Failure::invalid_argument(format!(
                "event index {index} is out of range: there are {count}"
            )));
        }
        Ok(self.handles.at(1 + index))
    }
}

fn register(events: Vec<AvailabilityEvent>, single: bool) -> FfiResult<Arc<Events>> {
    register_items(Events {
        single,
        events,
        handles: ItemHandles::default(),
    })
}

/// Registers events as a list.
pub(crate) fn register_events(
    events: Vec<AvailabilityEvent>,
) -> FfiResult<*mut mesh_availability_event_list> {
    Ok(register(events, false)?.handles.at(0))
}

/// Registers one event, owned by its handle.
pub(crate) fn register_event(event: AvailabilityEvent) -> FfiResult<*mut mesh_availability_event> {
    register(vec![event], true)?.item(0)
}

/// The list behind a list handle.
pub(crate) fn event_list(handle: *const mesh_availability_event_list) -> FfiResult<Arc<Events>> {
    let (events, offset) =
        item_of::<Events, _>(handle, HandleKind::AvailabilityEventList, "event list")?;
    if offset != 0 || events.single {
        return Err(Failure::invalid_handle("event list"));
    }
    Ok(events)
}

/// An event behind a handle, kept alive by its result.
pub(crate) struct EventRef {
    events: Arc<Events>,
    index: usize,
}

impl Deref for EventRef {
    type Target = AvailabilityEvent;
    fn deref(&self) -> &AvailabilityEvent {
        // `event` checked the index.
        &self.events.events[self.index]
    }
}

pub(crate) fn event(handle: *const mesh_availability_event) -> FfiResult<EventRef> {
    let (events, offset) = item_of::<Events, _>(handle, HandleKind::AvailabilityEvent, "event")?;
    if offset == 0 || offset > events.len() {
        return Err(Failure::invalid_handle("event"));
    }
    Ok(EventRef {
        events,
        index: offset - 1,
    })
}

/// Frees a list and its events; NULL is a no-op.
pub(crate) fn free_event_list(handle: *const mesh_availability_event_list) -> FfiResult {
    if handle.is_null() {
        return Ok(());
    }
    let list = event_list(handle)?;
    free_items(&*list, "event list")
}

/// Frees an owned event; a borrowed one is left to its list. NULL is a no-op.
pub(crate) fn free_event(handle: *const mesh_availability_event) -> FfiResult {
    if handle.is_null() {
        return Ok(());
    }
    let event = event(handle)?;
    if event.events.single {
        free_items(&*event.events, "event")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::availability::Revision;

    fn ok<T>(r: FfiResult<T>) -> T {
        r.unwrap_or_else(|f| panic!("{}", f.message))
    }

    fn revision(id: &str) -> AvailabilityEvent {
        AvailabilityEvent::Revision(Revision {
            event_id: id.into(),
            ..Revision::default()
        })
    }

    #[test]
    fn events_of_a_list_are_borrows_until_it_is_freed() {
        let list_handle = ok(register_events(vec![revision("a"), revision("b")]));
        let list = ok(event_list(list_handle));
        assert_eq!(list.len(), 2);
        let b = ok(list.item(1));
        assert_eq!(ok(event(b)).event_id(), "b");
        assert!(list.item(2).is_err());
        // A borrowed event is not freed by mesh_availability_event_free.
        ok(free_event(b));
        assert_eq!(ok(event(b)).event_id(), "b");
        // Handles of one kind are not taken for another.
        assert!(event(list_handle.cast()).is_err());
        assert!(event_list(b.cast()).is_err());
        drop(list);
        ok(free_event_list(list_handle));
        assert!(event(b).is_err());
        assert!(free_event_list(list_handle).is_err());
        ok(free_event_list(std::ptr::null()));
        ok(free_event(std::ptr::null()));
    }

    #[test]
    fn a_single_event_owns_its_result() {
        let e = ok(register_event(revision("x")));
        assert_eq!(ok(event(e)).event_id(), "x");
        // Its result is no list.
        let (events, _) = ok(item_of::<Events, _>(
            e,
            HandleKind::AvailabilityEvent,
            "event",
        ));
        let hidden: *const mesh_availability_event_list = events.handles.at(0);
        assert!(event_list(hidden).is_err());
        drop(events);
        ok(free_event(e));
        assert!(event(e).is_err());
        assert!(free_event(e).is_err());
        let empty = ok(register_events(Vec::new()));
        assert_eq!(ok(event_list(empty)).len(), 0);
        ok(free_event_list(empty));
    }
}
