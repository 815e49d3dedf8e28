//! The emulator's one store: the committed model, catalog and points, and
//! every open session with its private changes. Kept across
//! `Emulator::restart`, as a real server keeps its database; sessions are
//! not.
//!
//! Isolation: a session's time series writes are a log of interval
//! replaces, laid over the committed points when that session reads and
//! replayed into them when it commits (a replace is idempotent, so a read
//! racing its own session's commit stays right). Its model and catalog
//! changes are a log of operations (`Change`), laid over the committed
//! model and catalog as the session's view, and replayed on them at
//! commit, where an operation that no longer applies fails the commit.
//!
//! No history: a commit overwrites points, and the store remembers only
//! when each series' points were last written by one.
//!
//! Locks: `data` before `sessions` whenever both are held.

pub(crate) mod availability;
pub(crate) mod catalog;
pub(crate) mod change;
mod edit;
pub(crate) mod grid;
pub(crate) mod lookup;
pub(crate) mod model;
pub(crate) mod points;
mod sessions;
pub(crate) mod values;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use uuid::Uuid;

use crate::sync::{lock, read, write};
pub(crate) use catalog::{Catalog, Resource, Unit};
pub(crate) use change::{Change, Stage};
pub(crate) use model::{Model, ModelError};
pub(crate) use points::{Point, Write};
pub(crate) use sessions::ActivityGuard;
use sessions::Session;

/// What the store starts with.
#[derive(Clone, Debug, Default)]
pub(crate) struct Seed {
    pub(crate) model: Model,
    pub(crate) catalog: Catalog,
    pub(crate) units: Vec<Unit>,
    /// Committed points by resource id, each sorted by time.
    pub(crate) points: HashMap<Uuid, Vec<Point>>,
}

/// The committed state.
struct Data {
    /// Counts commits that changed the model or the catalog, so that a
    /// session's cached view knows when to be laid anew.
    version: u64,
    model: Arc<Model>,
    catalog: Arc<Catalog>,
    units: Arc<[Unit]>,
    /// One lock for all series: a commit applies all its writes under it,
    /// so others see all of a commit or none of it.
    points: HashMap<Uuid, Vec<Point>>,
    /// When a commit last wrote (or deleted) points of each resource, UTC
    /// ms. Seeded points have no entry: they were always there. The store
    /// keeps no older versions, so this is what lets calculations about
    /// the past refuse what they cannot answer.
    written: HashMap<Uuid, i64>,
}

/// The model and catalog as one session sees them: the committed ones with
/// its own changes laid over.
#[derive(Clone)]
pub(crate) struct View {
    pub(crate) model: Arc<Model>,
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) units: Arc<[Unit]>,
    committed: Arc<Catalog>,
}

impl View {
    /// Whether resource `id` is committed (not only created in this
    /// session).
    pub(crate) fn is_committed(&self, id: Uuid) -> bool {
        self.committed.get(id).is_some()
    }

    pub(crate) fn unit_name(&self, id: Uuid) -> Option<&str> {
        self.units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.as_str())
    }
}

/// A session's view as last laid, and the commit it was laid on.
#[derive(Clone)]
struct Cached {
    version: u64,
    model: Arc<Model>,
    catalog: Arc<Catalog>,
}

pub(crate) struct Store {
    data: RwLock<Data>,
    sessions: Mutex<HashMap<Uuid, Session>>,
    session_timeout: Duration,
}

/// Why a commit failed, in Mesh's words.
fn corrupt(session: Uuid) -> String {
    format!(
        "session {} is corrupt due to changes done by some other session, rollback your changes to fix your session",
        session.hyphenated()
    )
}

impl Store {
    pub(crate) fn new(seed: Seed, session_timeout: Duration) -> Store {
        Store {
            data: RwLock::new(Data {
                version: 0,
                model: Arc::new(seed.model),
                catalog: Arc::new(seed.catalog),
                units: seed.units.into(),
                points: seed.points,
                written: HashMap::new(),
            }),
            sessions: Mutex::new(HashMap::new()),
            session_timeout,
        }
    }

    /// The model and catalog as session `session` sees them; `None` when
    /// the session is unknown.
    pub(crate) fn view(&self, session: Uuid) -> Option<View> {
        let data = read(&self.data);
        let mut sessions = lock(&self.sessions);
        let s = sessions.get_mut(&session)?;
        let (model, catalog) = Self::laid(&data, s);
        Some(View {
            model,
            catalog,
            units: data.units.clone(),
            committed: data.catalog.clone(),
        })
    }

    /// Session `s`'s model and catalog, laid anew over `data` if another
    /// commit came since they were last laid.
    fn laid(data: &Data, s: &mut Session) -> (Arc<Model>, Arc<Catalog>) {
        if s.changes.is_empty() {
            return (data.model.clone(), data.catalog.clone());
        }
        if let Some(c) = s.view.as_ref().filter(|c| c.version == data.version) {
            return (c.model.clone(), c.catalog.clone());
        }
        let (mut model, mut catalog) = (data.model.clone(), data.catalog.clone());
        for change in &s.changes {
            // A change that no longer applies is left out of the view; the
            // commit will fail on it.
            let _ = change.apply(&mut model, &mut catalog, Stage::Session);
        }
        s.view = Some(Cached {
            version: data.version,
            model: model.clone(),
            catalog: catalog.clone(),
        });
        (model, catalog)
    }

    /// Makes `change` in session `session`, visible to it at once and to
    /// others after commit; refused (and not recorded) when it does not
    /// apply to the session's view.
    pub(crate) fn change(&self, session: Uuid, change: Change) -> Result<(), ModelError> {
        let data = read(&self.data);
        let mut sessions = lock(&self.sessions);
        let s = sessions.get_mut(&session).ok_or_else(|| {
            ModelError::NotFound(format!(
                "Session with id {} not found.",
                crate::wire::braced(session)
            ))
        })?;
        let (mut model, mut catalog) = Self::laid(&data, s);
        // Not shared once the cache lets go, so applying mutates in place.
        s.view = None;
        let result = change.apply(&mut model, &mut catalog, Stage::Session);
        if result.is_ok() {
            s.changes.push(change);
        }
        // All or nothing: on failure the view is as it was.
        s.view = Some(Cached {
            version: data.version,
            model,
            catalog,
        });
        result
    }

    /// Records a write of session `session`.
    pub(crate) fn write_points(&self, session: Uuid, write: Write) -> bool {
        match lock(&self.sessions).get_mut(&session) {
            Some(s) => {
                s.writes.push(Arc::new(write));
                true
            }
            None => false,
        }
    }

    /// Session `session`'s uncommitted writes to `resource`, oldest first.
    fn pending(&self, session: Uuid, resource: Uuid) -> Vec<Arc<Write>> {
        lock(&self.sessions)
            .get(&session)
            .map(|s| {
                s.writes
                    .iter()
                    .filter(|w| w.resource == resource)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The points of `resource` in `[start, end)` as session `session`
    /// sees them: committed ones with its own writes laid over.
    pub(crate) fn stored_points(
        &self,
        session: Uuid,
        resource: Uuid,
        start: i64,
        end: i64,
    ) -> Vec<Point> {
        // Pending first, committed after: a commit in between makes the
        // same writes show in both, which replaying makes harmless.
        let pending = self.pending(session, resource);
        let mut points = {
            let data = read(&self.data);
            match data.points.get(&resource) {
                Some(all) => {
                    let first = all.partition_point(|p| p.time < start);
                    let last = all.partition_point(|p| p.time < end);
                    all[first..last.max(first)].to_vec()
                }
                None => Vec::new(),
            }
        };
        for write in &pending {
            points::apply(&mut points, write, start, end);
        }
        points
    }

    /// The first point of `resource` at or after `t` as session `session`
    /// sees it.
    pub(crate) fn next_stored_point(&self, session: Uuid, resource: Uuid, t: i64) -> Option<Point> {
        let pending = self.pending(session, resource);
        let last = {
            let data = read(&self.data);
            data.points
                .get(&resource)
                .and_then(|p| p.last())
                .map_or(i64::MIN, |p| p.time)
        };
        let limit = pending
            .iter()
            .filter_map(|w| w.points.last().map(|p| p.time))
            .fold(last, i64::max);
        // Windows growing fourfold keep a near point cheap and a far one
        // a few reads away.
        let mut from = t;
        let mut width: i64 = 24 * 3_600_000;
        while from <= limit {
            let to = from.saturating_add(width);
            if let Some(p) = self.stored_points(session, resource, from, to).first() {
                return Some(*p);
            }
            from = to;
            width = width.saturating_mul(4);
        }
        None
    }

    /// The last point of `resource` before `t` as session `session` sees
    /// it: the value in force at `t` of a series without a grid.
    pub(crate) fn previous_stored_point(
        &self,
        session: Uuid,
        resource: Uuid,
        t: i64,
    ) -> Option<Point> {
        let pending = self.pending(session, resource);
        let first = {
            let data = read(&self.data);
            data.points
                .get(&resource)
                .and_then(|p| p.first())
                .map_or(i64::MAX, |p| p.time)
        };
        // A write adds no point before its own first one.
        let limit = pending
            .iter()
            .filter_map(|w| w.points.first().map(|p| p.time))
            .fold(first, i64::min);
        let mut to = t;
        let mut width: i64 = 24 * 3_600_000;
        while to > limit {
            let from = to.saturating_sub(width);
            if let Some(p) = self.stored_points(session, resource, from, to).last() {
                return Some(*p);
            }
            to = from;
            width = width.saturating_mul(4);
        }
        None
    }

    /// When a commit last wrote points of `resource` (UTC ms); `None` when
    /// none did since the store started (its points are as seeded).
    pub(crate) fn last_written(&self, resource: Uuid) -> Option<i64> {
        read(&self.data).written.get(&resource).copied()
    }

    /// Whether session `session` has uncommitted writes to `resource`.
    pub(crate) fn has_pending_writes(&self, session: Uuid, resource: Uuid) -> bool {
        lock(&self.sessions)
            .get(&session)
            .is_some_and(|s| s.writes.iter().any(|w| w.resource == resource))
    }

    /// Publishes session `session`'s changes and writes, all at once, or
    /// none when a change no longer applies to the committed state.
    pub(crate) fn commit(&self, session: Uuid) -> Result<(), String> {
        let mut data = write(&self.data);
        let (changes, writes) = match lock(&self.sessions).get(&session) {
            Some(s) => (s.changes.clone(), s.writes.clone()),
            None => return Ok(()),
        };
        if !changes.is_empty() {
            let (mut model, mut catalog) = (data.model.clone(), data.catalog.clone());
            for change in &changes {
                change
                    .apply(&mut model, &mut catalog, Stage::Commit)
                    .map_err(|e| match e {
                        ModelError::OwnerNotFound => "Missing owner".to_string(),
                        _ => corrupt(session),
                    })?;
            }
            data.model = model;
            data.catalog = catalog;
            data.version += 1;
        }
        let now = now_ms();
        for write in &writes {
            if data.catalog.get(write.resource).is_some() {
                points::apply(
                    data.points.entry(write.resource).or_default(),
                    write,
                    i64::MIN,
                    i64::MAX,
                );
                // Any write counts, even one that left the points as they
                // were: saying a series changed when it did not can only
                // make a question about its past refused, never wrong.
                data.written.insert(write.resource, now);
            }
        }
        // Still under the data lock, so the session's reads see its writes
        // either pending or committed, never neither.
        if let Some(s) = lock(&self.sessions).get_mut(&session) {
            s.changes.drain(..changes.len());
            s.writes.drain(..writes.len());
            s.view = None;
        }
        Ok(())
    }

    /// Discards session `session`'s uncommitted changes and writes.
    pub(crate) fn rollback(&self, session: Uuid) {
        if let Some(s) = lock(&self.sessions).get_mut(&session) {
            s.changes.clear();
            s.writes.clear();
            s.view = None;
        }
    }
}

/// The wall clock, UTC ms since the epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests;
