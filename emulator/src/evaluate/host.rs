//! The calculation engine's [`Host`] over the store: searches run with the
//! search language on the session's view of the model, series are read as
//! that session sees them (its uncommitted writes included), and
//! calculated series are evaluated where they are read.
//!
//! The host also tells the engine when the series it read last changed
//! (the store's record of commits that wrote them, and the session's own
//! pending writes), for the history functions to refuse what only kept
//! history could answer.
//!
//! Reads are shaped as the engine expects: a fixed-resolution series with
//! every position of its grid (NaN where nothing is stored), a linear one
//! with the first point at or after the end, a series without a grid with
//! the point in force at the start first. A series reached through a
//! versioned link reads NaN flagged MISSING where that link does not hold;
//! when a search finds only such series, for times that do not overlap (a
//! one-to-one versioned link's targets), they are one series: at each time
//! the one whose version is in force.

use std::cell::RefCell;
use std::sync::Arc;

use chrono_tz::Tz;
use tonic::Status;
use uuid::Uuid;

use super::source::{self, NoSource, RelativeTo, Source};
use crate::calc::{
    self, flags, CalcError, CalcResult, Changes, Curve, Interval, Resolution, Series,
};
use crate::search::{self, Validity};
use crate::store::grid::{self, Grid};
use crate::store::lookup::Found;
use crate::store::model::{Node, Value};
use crate::store::{now_ms, points, Point, Resource, Store, View};

/// A series a search or `relative_to` found.
#[derive(Clone, Debug)]
pub(crate) enum SeriesRef {
    /// A time series attribute, for the time it is reached.
    Attribute { id: Uuid, validity: Validity },
    /// A resource of the catalog.
    Resource(Uuid),
    /// Time series attributes reached for times that do not overlap, read
    /// as one series.
    Versions(Vec<(Uuid, Validity)>),
}

impl SeriesRef {
    /// The series a request's id names, if it names one: a resource, or an
    /// attribute (always reached).
    pub(crate) fn of(found: Found) -> Option<SeriesRef> {
        match found {
            Found::Resource(id) => Some(SeriesRef::Resource(id)),
            Found::Model(Node::Attribute(id)) => Some(SeriesRef::Attribute {
                id,
                validity: Validity::always(),
            }),
            Found::Model(_) => None,
        }
    }
}

pub(crate) struct StoreHost {
    pub(crate) store: Arc<Store>,
    pub(crate) session: Uuid,
    pub(crate) view: View,
    pub(crate) zone: Tz,
    /// The first failure this host reported, with the gRPC code it
    /// deserves (the engine keeps only its text).
    failure: RefCell<Option<Status>>,
    /// One entry per `watch_changes` under way, innermost last: the
    /// changes of what each has read so far.
    watching: RefCell<Vec<Changes>>,
}

impl StoreHost {
    pub(crate) fn new(store: Arc<Store>, session: Uuid, view: View, zone: Tz) -> StoreHost {
        StoreHost {
            store,
            session,
            view,
            zone,
            failure: RefCell::new(None),
            watching: RefCell::new(Vec::new()),
        }
    }

    /// Records `status` and gives the engine its text.
    fn fail(&self, status: Status) -> CalcError {
        let message = status.message().to_string();
        self.failure.borrow_mut().get_or_insert(status);
        CalcError::Host(message)
    }

    /// The status for `error`: the one recorded when the error is this
    /// host's own failure, else one by the kind of error.
    pub(crate) fn status(&self, error: CalcError) -> Status {
        if let CalcError::Host(message) = &error {
            if let Some(status) = self.failure.borrow().as_ref() {
                if status.message() == message {
                    return status.clone();
                }
            }
        }
        let message = error.to_string();
        match error {
            CalcError::Unsupported(_) => Status::unimplemented(message),
            CalcError::TooLarge(_) => Status::resource_exhausted(message),
            CalcError::Syntax { .. }
            | CalcError::Type(_)
            | CalcError::InvalidArgument(_)
            | CalcError::TimeOutOfRange(_)
            | CalcError::TooDeep(_)
            | CalcError::Host(_) => Status::invalid_argument(message),
        }
    }

    fn path(&self, attribute: Uuid) -> String {
        self.view
            .model
            .attribute_path(attribute)
            .unwrap_or_default()
    }

    /// Where searches of a calculation relative to `context` start.
    fn search_start(&self, context: &RelativeTo, query: &str) -> Result<Uuid, CalcError> {
        match *context {
            RelativeTo::Object(id) => Ok(id),
            RelativeTo::Attribute(id) => match self.view.model.attribute(id) {
                Some(a) => Ok(a.object),
                None => Err(self.fail(NoSource::NotFound(id).status())),
            },
            RelativeTo::Resource(_) | RelativeTo::Nothing => {
                Err(self.fail(Status::invalid_argument(format!(
                    "the search '{query}' needs an object to start from: the calculation must be relative to an object or an attribute"
                ))))
            }
        }
    }

    /// The attributes `query` finds from the calculation's object, with
    /// when each is reached. A search that finds nothing is no error.
    fn attributes(
        &self,
        context: &RelativeTo,
        query: &str,
        wanted: &str,
    ) -> Result<Vec<(Uuid, Validity)>, CalcError> {
        let start = self.search_start(context, query)?;
        match search::run(&self.view.model, start, query) {
            Ok(search::Found::Attributes(found)) => Ok(found),
            Ok(search::Found::Objects(found)) if found.is_empty() => Ok(Vec::new()),
            Ok(search::Found::Objects(_)) => Err(self.fail(Status::invalid_argument(format!(
                "the search '{query}' finds objects, not {wanted}: end it with '.<attribute name>'"
            )))),
            Err(e) => Err(self.fail(Status::invalid_argument(e.to_string()))),
        }
    }

    /// The points of physical series `resource` over `iv`, shaped for the
    /// engine.
    fn read_stored(&self, resource: &Resource, iv: Interval) -> Result<Series, CalcError> {
        if !self.view.is_committed(resource.id) {
            return Err(self.fail(Status::failed_precondition(format!(
                "reading points of {} is not supported before the session that created it commits",
                resource.path
            ))));
        }
        let (store, session) = (&self.store, self.session);
        self.note_read(resource.id);
        let mut stored = points::shape(
            resource,
            iv.start,
            iv.end,
            |a, b| store.stored_points(session, resource.id, a, b),
            |t| store.next_stored_point(session, resource.id, t),
        )
        .map_err(|e| self.fail(Status::invalid_argument(e)))?;
        let gridless = Grid::of(resource.resolution, resource.time_zone.as_deref()).is_none();
        if gridless && iv.start < iv.end && stored.first().is_none_or(|p| p.time > iv.start) {
            if let Some(before) = store.previous_stored_point(session, resource.id, iv.start) {
                stored.insert(0, before);
            }
        }
        Ok(Series {
            points: stored
                .into_iter()
                .map(|p| calc::Point::new(p.time, p.flags, p.value))
                .collect(),
            curve: Curve::from_proto(resource.curve),
            resolution: Resolution::from_proto(resource.resolution)
                .unwrap_or(Resolution::Breakpoint),
            time_zone: resource.time_zone.as_deref().and_then(grid::time_zone),
        })
    }

    /// Tells every watch under way when the points of `resource`, as this
    /// session sees them, last changed.
    fn note_read(&self, resource: Uuid) {
        let mut watching = self.watching.borrow_mut();
        if watching.is_empty() {
            return;
        }
        let changes = Changes {
            committed: self.store.last_written(resource),
            uncommitted: self
                .store
                .has_pending_writes(self.session, resource)
                .then(now_ms),
        };
        for w in watching.iter_mut() {
            *w = w.merge(changes);
        }
    }

    /// Evaluates a calculated series (a virtual resource, a calculated
    /// attribute) over `iv`; it must give one series.
    fn calculate(
        &self,
        expression: &str,
        relative_to: RelativeTo,
        what: &str,
        iv: Interval,
    ) -> Result<Series, CalcError> {
        match calc::evaluate(expression, iv, &relative_to, self)? {
            CalcResult::Series(mut list) if list.len() == 1 => Ok(list.remove(0)),
            other => Err(self.fail(Status::invalid_argument(format!(
                "{what} is calculated by an expression that gives {}, not one time series",
                describe(&other)
            )))),
        }
    }

    /// What `source` holds over `iv`.
    pub(crate) fn read_source(&self, source: Source, iv: Interval) -> Result<Series, CalcError> {
        match source {
            Source::Stored(resource) => self.read_stored(&resource, iv),
            Source::Calculated {
                expression,
                relative_to,
                what,
            } => self.calculate(&expression, relative_to, &what, iv),
        }
    }
}

/// A calculation result's kind, for messages.
pub(crate) fn describe(result: &CalcResult) -> String {
    match result {
        CalcResult::Series(list) => format!("{} time series", list.len()),
        CalcResult::Numbers(list) => format!("{} numbers", list.len()),
        CalcResult::Strings(list) => format!("{} strings", list.len()),
    }
}

/// Whether no two of `found` are reached at the same time (and none
/// always): the targets of a one-to-one versioned link.
fn one_at_a_time(found: &[(Uuid, Validity)]) -> bool {
    found.iter().enumerate().all(|(i, (_, a))| {
        !a.is_always()
            && found[i + 1..]
                .iter()
                .all(|(_, b)| a.intersect(b).is_never())
    })
}

/// One series from `reads` (one per part, each already NaN outside its
/// part's validity): at each time, the point of the part in force then.
fn stitch(parts: &[(Uuid, Validity)], reads: Vec<Series>) -> Series {
    let mut times: Vec<i64> = reads
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.utc_ms))
        .collect();
    times.sort_unstable();
    times.dedup();
    let points = times
        .into_iter()
        .map(|t| {
            parts
                .iter()
                .position(|(_, v)| v.contains(t))
                .and_then(|i| {
                    let points = &reads[i].points;
                    points
                        .binary_search_by_key(&t, |p| p.utc_ms)
                        .ok()
                        .map(|j| points[j])
                })
                .unwrap_or_else(|| calc::Point::missing(t, 0))
        })
        .collect();
    match reads.into_iter().next() {
        Some(first) => Series { points, ..first },
        None => Series::new(points, Curve::StaircaseStartOfStep, Resolution::Breakpoint),
    }
}

/// `series` with every point outside `validity` NaN flagged MISSING.
fn restrict(mut series: Series, validity: &Validity) -> Series {
    if validity.is_always() {
        return series;
    }
    for p in &mut series.points {
        if !validity.contains(p.utc_ms) {
            p.value = f64::NAN;
            p.flags = flags::MISSING;
        }
    }
    series
}

impl calc::Host for StoreHost {
    type Context = RelativeTo;
    type SeriesRef = SeriesRef;

    fn context_series(&self, context: &RelativeTo) -> Result<SeriesRef, CalcError> {
        match *context {
            RelativeTo::Attribute(id) if source::is_timeseries_attribute(&self.view, id) => {
                Ok(SeriesRef::Attribute {
                    id,
                    validity: Validity::always(),
                })
            }
            RelativeTo::Attribute(id) => {
                Err(self.fail(NoSource::NotTimeseries(self.path(id)).status()))
            }
            RelativeTo::Resource(id) => Ok(SeriesRef::Resource(id)),
            RelativeTo::Object(id) => Err(self.fail(Status::invalid_argument(format!(
                "@t() reads the time series the calculation is relative to, and {} is an object",
                self.view.model.object_path(id).unwrap_or_default()
            )))),
            RelativeTo::Nothing => Err(self.fail(Status::invalid_argument(
                "@t() reads the time series the calculation is relative to, and it is relative to nothing",
            ))),
        }
    }

    fn catalog_series(&self, path: &str) -> Result<Option<SeriesRef>, CalcError> {
        let full = if path.starts_with("Resource/") {
            path.to_string()
        } else {
            format!("Resource/{}", path.trim_start_matches('/'))
        };
        match self.view.catalog.by_path(&full) {
            Some(resource) => Ok(Some(SeriesRef::Resource(resource.id))),
            None => Err(self.fail(Status::not_found(format!(
                "time series not found: no series at %'{path}' ({full})"
            )))),
        }
    }

    fn search_series(
        &self,
        context: &RelativeTo,
        query: &str,
    ) -> Result<Vec<SeriesRef>, CalcError> {
        let found = self.attributes(context, query, "time series attributes")?;
        if let Some((id, _)) = found
            .iter()
            .find(|(id, _)| !source::is_timeseries_attribute(&self.view, *id))
        {
            return Err(self.fail(NoSource::NotTimeseries(self.path(*id)).status()));
        }
        if found.len() > 1 && one_at_a_time(&found) {
            return Ok(vec![SeriesRef::Versions(found)]);
        }
        Ok(found
            .into_iter()
            .map(|(id, validity)| SeriesRef::Attribute { id, validity })
            .collect())
    }

    fn search_numbers(&self, context: &RelativeTo, query: &str) -> Result<Vec<f64>, CalcError> {
        let mut numbers = Vec::new();
        for (id, _) in self.attributes(context, query, "number attributes")? {
            match self.view.model.attribute(id).map(|a| &a.value) {
                Some(Value::Double(xs)) => numbers.extend(xs),
                Some(Value::Int(xs)) => numbers.extend(xs.iter().map(|x| *x as f64)),
                _ => {
                    return Err(self.fail(Status::invalid_argument(format!(
                        "Invalid type: {} is not a number attribute",
                        self.path(id)
                    ))))
                }
            }
        }
        Ok(numbers)
    }

    fn search_strings(&self, context: &RelativeTo, query: &str) -> Result<Vec<String>, CalcError> {
        let mut strings = Vec::new();
        for (id, _) in self.attributes(context, query, "string attributes")? {
            match self.view.model.attribute(id).map(|a| &a.value) {
                Some(Value::Str(xs)) => strings.extend(xs.iter().cloned()),
                _ => {
                    return Err(self.fail(Status::invalid_argument(format!(
                        "Invalid type: {} is not a string attribute",
                        self.path(id)
                    ))))
                }
            }
        }
        Ok(strings)
    }

    fn read(&self, series: &SeriesRef, iv: Interval) -> Result<Series, CalcError> {
        match series {
            SeriesRef::Resource(id) => match self.view.catalog.get(*id) {
                Some(resource) => self.read_source(source::of_resource(resource), iv),
                None => Err(self.fail(Status::not_found(format!(
                    "Timeseries with id {} not found.",
                    crate::wire::braced(*id)
                )))),
            },
            SeriesRef::Attribute { id, validity } => {
                let series = match source::of_attribute(&self.view, *id) {
                    Ok(source) => self.read_source(source, iv)?,
                    // Nothing to read is Mesh's empty series, not a failure.
                    Err(NoSource::Unconnected(_)) => Series::empty_at(iv.start),
                    Err(e) => return Err(self.fail(e.status())),
                };
                Ok(restrict(series, validity))
            }
            SeriesRef::Versions(parts) => {
                let reads = parts
                    .iter()
                    .map(|(id, validity)| {
                        self.read(
                            &SeriesRef::Attribute {
                                id: *id,
                                validity: validity.clone(),
                            },
                            iv,
                        )
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(stitch(parts, reads))
            }
        }
    }

    fn watch_changes<T>(&self, f: impl FnOnce() -> T) -> (T, Changes) {
        self.watching.borrow_mut().push(Changes::default());
        let out = f();
        let changes = self.watching.borrow_mut().pop().unwrap_or_default();
        (out, changes)
    }

    fn local_zone(&self) -> Tz {
        self.zone
    }
}

/// Store points from engine points.
pub(crate) fn store_points(series: &Series) -> Vec<Point> {
    series
        .points
        .iter()
        .map(|p| Point {
            time: p.utc_ms,
            flags: p.flags,
            value: p.value,
        })
        .collect()
}
