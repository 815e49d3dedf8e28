//! Sessions' lives: start, activity, end, expiry. A session expires after
//! the inactivity timeout counted from the end of the last request that
//! used it, as Mesh counts it; its uncommitted work goes with it.

use std::sync::Arc;
use std::time::Instant;

use uuid::Uuid;

use super::{Cached, Change, Store, Write};
use crate::sync::lock;

/// The server-side record of one open session.
pub(super) struct Session {
    in_flight: u32,
    last_end: Instant,
    /// Uncommitted writes, oldest first.
    pub(super) writes: Vec<Arc<Write>>,
    /// Uncommitted model and catalog changes, oldest first.
    pub(super) changes: Vec<Change>,
    pub(super) view: Option<Cached>,
}

impl Store {
    fn expired(&self, s: &Session, now: Instant) -> bool {
        s.in_flight == 0 && now.duration_since(s.last_end) >= self.session_timeout
    }

    pub(crate) fn start_session(&self) -> Uuid {
        let id = Uuid::new_v4();
        let session = Session {
            in_flight: 0,
            last_end: Instant::now(),
            writes: Vec::new(),
            changes: Vec::new(),
            view: None,
        };
        lock(&self.sessions).insert(id, session);
        id
    }

    /// Marks the start of a request that uses session `id`; the returned
    /// guard marks its end. `None` when the session is unknown or expired.
    pub(crate) fn enter(self: &Arc<Self>, id: Uuid) -> Option<ActivityGuard> {
        let now = Instant::now();
        let mut sessions = lock(&self.sessions);
        match sessions.get_mut(&id) {
            Some(s) if !self.expired(s, now) => {
                s.in_flight += 1;
                Some(ActivityGuard {
                    store: self.clone(),
                    id,
                })
            }
            Some(_) => {
                sessions.remove(&id);
                None
            }
            None => None,
        }
    }

    /// Ends session `id`; false when it was unknown or expired.
    pub(crate) fn end_session(&self, id: Uuid) -> bool {
        let now = Instant::now();
        matches!(lock(&self.sessions).remove(&id), Some(s) if !self.expired(&s, now))
    }

    /// Forgets expired sessions.
    pub(crate) fn reap(&self) {
        let now = Instant::now();
        lock(&self.sessions).retain(|_, s| !self.expired(s, now));
    }

    /// Sessions open now (expired ones not counted).
    pub(crate) fn open_sessions(&self) -> usize {
        self.reap();
        lock(&self.sessions).len()
    }

    /// Ends every session, as a server restart does.
    pub(crate) fn end_all_sessions(&self) {
        lock(&self.sessions).clear();
    }
}

/// Held while a request uses a session; its drop is the request's end.
pub(crate) struct ActivityGuard {
    store: Arc<Store>,
    id: Uuid,
}

impl ActivityGuard {
    pub(crate) fn session(&self) -> Uuid {
        self.id
    }
}

impl Drop for ActivityGuard {
    fn drop(&mut self) {
        if let Some(s) = lock(&self.store.sessions).get_mut(&self.id) {
            s.in_flight = s.in_flight.saturating_sub(1);
            s.last_end = Instant::now();
        }
    }
}
