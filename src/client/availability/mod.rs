//! Mesh availability through a session: revisions (when an object is out
//! of service) and restrictions (limits on it), each a recurrence pattern
//! of periods; create, read, search, update and delete them, add and
//! delete a revision's recurrences, and expand an event into the
//! instances (periods) that touch an interval. Every call goes through the
//! session (`Session::call`), so it counts as activity for keep-alive, and
//! every change is private to the session until commit.
//!
//! Events belong to a model object, named by a [`Target`], and are named
//! by an event id unique for that object. Answers are decoded into the
//! owned types of [`types`](self); server streams are read to their end
//! within the call timeout. What can be refused without the server is
//! refused before any request.

mod types;
mod wire;

pub use types::*;

use super::auth::MeshChannel;
use super::error::{Error, Result};
use super::model::Target;
use super::session::Session;
use crate::proto::availability as pa;
use pa::availability_service_client::AvailabilityServiceClient;

use super::model::classify;

/// Reads a server stream to its end, decoding each message as it arrives.
/// A message that does not decode ends the stream early; its error comes
/// back in the inner result, since it is not a gRPC status.
async fn collect<T, U>(
    response: std::result::Result<tonic::Response<tonic::Streaming<T>>, tonic::Status>,
    decode: impl Fn(T) -> Result<U>,
) -> std::result::Result<tonic::Response<Result<Vec<U>>>, tonic::Status> {
    let mut stream = response?.into_inner();
    let mut items = Vec::new();
    while let Some(item) = stream.message().await? {
        match decode(item) {
            Ok(decoded) => items.push(decoded),
            Err(e) => return Ok(tonic::Response::new(Err(e))),
        }
    }
    Ok(tonic::Response::new(Ok(items)))
}

fn field_mask(paths: Vec<&str>) -> prost_types::FieldMask {
    prost_types::FieldMask {
        paths: paths.into_iter().map(str::to_string).collect(),
    }
}

/// The SDK refuses an update that changes nothing, before any request.
fn nothing_to_update(fields: &str) -> Error {
    Error::invalid_argument(format!("nothing to update: set at least one of {fields}"))
}

impl Session {
    fn availability_client(&self, channel: MeshChannel) -> AvailabilityServiceClient<MeshChannel> {
        AvailabilityServiceClient::new(channel)
            .max_decoding_message_size(self.shared().options().max_receive_message_bytes)
            .max_encoding_message_size(usize::MAX)
    }

    /// Creates a revision of the object `target`, without recurrences
    /// (add them with [`add_revision_recurrence`](Self::add_revision_recurrence)).
    pub async fn create_revision(&self, target: &Target, new: &NewRevision) -> Result<Revision> {
        let request = pa::CreateRevisionRequest {
            session_id: None,
            owner_id: Some(target.to_proto()),
            event_id: new.event_id.clone(),
            local_id: new.local_id.clone(),
            reason: new.reason.clone(),
            created_author: new.created_author.clone(),
            created_timestamp: new.created_timestamp_ms.map(super::timeseries::timestamp),
            last_changed_author: new.last_changed_author.clone(),
        };
        let revision = self
            .shared()
            .call("CreateRevision", |channel, guid| {
                let request = pa::CreateRevisionRequest {
                    session_id: Some(guid),
                    ..request.clone()
                };
                async move {
                    self.availability_client(channel)
                        .create_revision(request)
                        .await
                }
            })
            .await
            .map_err(classify)?;
        wire::revision(revision)
    }

    /// Creates a restriction of the object `target`, with its recurrence.
    pub async fn create_restriction(
        &self,
        target: &Target,
        new: &NewRestriction,
    ) -> Result<Restriction> {
        new.recurrence.check()?;
        let request = pa::CreateRestrictionRequest {
            session_id: None,
            owner_id: Some(target.to_proto()),
            event_id: new.event_id.clone(),
            category: new.category.clone(),
            local_id: new.local_id.clone(),
            reason: new.reason.clone(),
            restriction_recurrence: Some(wire::restriction_recurrence(&new.recurrence)),
            created_author: new.created_author.clone(),
            created_timestamp: new.created_timestamp_ms.map(super::timeseries::timestamp),
            last_changed_author: new.last_changed_author.clone(),
        };
        let restriction = self
            .shared()
            .call("CreateRestriction", |channel, guid| {
                let request = pa::CreateRestrictionRequest {
                    session_id: Some(guid),
                    ..request.clone()
                };
                async move {
                    self.availability_client(channel)
                        .create_restriction(request)
                        .await
                }
            })
            .await
            .map_err(classify)?;
        wire::restriction(restriction)
    }

    /// Adds a recurrence to the revision `event_id` of `target`, its first
    /// period `period`; returns the id the server gave it. `author` is
    /// recorded as the revision's last change (`None`: the server's choice).
    pub async fn add_revision_recurrence(
        &self,
        target: &Target,
        event_id: &str,
        recurrence: &Recurrence,
        period: Period,
        author: Option<&str>,
    ) -> Result<u32> {
        period.check("period")?;
        let request = pa::AddRevisionRecurrenceRequest {
            session_id: None,
            owner_id: Some(target.to_proto()),
            event_id: event_id.to_string(),
            revision_recurrence: Some(wire::revision_recurrence(recurrence, period)),
            author: author.map(str::to_string),
        };
        let response = self
            .shared()
            .call("AddRevisionRecurrence", |channel, guid| {
                let request = pa::AddRevisionRecurrenceRequest {
                    session_id: Some(guid),
                    ..request.clone()
                };
                async move {
                    self.availability_client(channel)
                        .add_revision_recurrence(request)
                        .await
                }
            })
            .await
            .map_err(classify)?;
        Ok(response.recurrence_id)
    }

    /// Deletes recurrence `recurrence_id` of the revision `event_id` of
    /// `target`; `author` as for [`add_revision_recurrence`](Self::add_revision_recurrence).
    pub async fn delete_revision_recurrence(
        &self,
        target: &Target,
        event_id: &str,
        recurrence_id: u32,
        author: Option<&str>,
    ) -> Result<()> {
        let request = pa::DeleteRevisionRecurrenceRequest {
            session_id: None,
            owner_id: Some(target.to_proto()),
            event_id: event_id.to_string(),
            recurrence_id,
            author: author.map(str::to_string),
        };
        self.shared()
            .call("DeleteRevisionRecurrence", |channel, guid| {
                let request = pa::DeleteRevisionRecurrenceRequest {
                    session_id: Some(guid),
                    ..request.clone()
                };
                async move {
                    self.availability_client(channel)
                        .delete_revision_recurrence(request)
                        .await
                }
            })
            .await
            .map_err(classify)
            .map(drop)
    }

    /// The event `event_id` of the object `target`.
    pub async fn get_availability_event(
        &self,
        target: &Target,
        event_id: &str,
    ) -> Result<AvailabilityEvent> {
        let owner = target.to_proto();
        let event = self
            .shared()
            .call("GetAvailabilityEvent", |channel, guid| {
                let request = pa::GetAvailabilityEventRequest {
                    session_id: Some(guid),
                    owner_id: Some(owner.clone()),
                    event_id: event_id.to_string(),
                };
                async move {
                    self.availability_client(channel)
                        .get_availability_event(request)
                        .await
                }
            })
            .await
            .map_err(classify)?;
        wire::event(event)
    }

    /// The events of type `event_type` of the objects `targets` (at least
    /// one), object by object; finding none is an empty list.
    pub async fn search_availability_events(
        &self,
        event_type: EventType,
        targets: &[Target],
    ) -> Result<Vec<AvailabilityEvent>> {
        if targets.is_empty() {
            return Err(Error::invalid_argument(
                "no targets: name at least one object to search",
            ));
        }
        let owners: Vec<_> = targets.iter().map(Target::to_proto).collect();
        let events = self
            .shared()
            .call("SearchAvailabilityEvents", |channel, guid| {
                let request = pa::SearchAvailabilityEventsRequest {
                    session_id: Some(guid),
                    event_type: event_type as i32,
                    owner_ids: owners.clone(),
                };
                async move {
                    collect(
                        self.availability_client(channel)
                            .search_availability_events(request)
                            .await,
                        wire::event,
                    )
                    .await
                }
            })
            .await
            .map_err(classify)?;
        events
    }

    /// The instances (periods) of the event `event_id` of `target` that
    /// start or end inside `interval`, earliest first.
    pub async fn search_instances(
        &self,
        target: &Target,
        event_id: &str,
        interval: Period,
    ) -> Result<Vec<Instance>> {
        if interval.end_ms < interval.start_ms {
            return Err(Error::invalid_argument(format!(
                "bad interval: end {} is before start {}",
                interval.end_ms, interval.start_ms
            )));
        }
        let owner = target.to_proto();
        let wire_interval = super::timeseries::interval(interval.start_ms, interval.end_ms);
        let instances = self
            .shared()
            .call("SearchInstances", |channel, guid| {
                let request = pa::SearchInstancesRequest {
                    session_id: Some(guid),
                    owner_id: Some(owner.clone()),
                    event_id: event_id.to_string(),
                    interval: Some(wire_interval),
                };
                async move {
                    collect(
                        self.availability_client(channel)
                            .search_instances(request)
                            .await,
                        wire::instance,
                    )
                    .await
                }
            })
            .await
            .map_err(classify)?;
        instances
    }

    /// Changes the revision `event_id` of `target` as `update` says; an
    /// update that changes nothing is `InvalidArgument`, without a request.
    pub async fn update_revision(
        &self,
        target: &Target,
        event_id: &str,
        update: &RevisionUpdate,
    ) -> Result<()> {
        let mut paths = Vec::new();
        if update.new_local_id.is_some() {
            paths.push("new_local_id");
        }
        if update.new_reason.is_some() {
            paths.push("new_reason");
        }
        if paths.is_empty() {
            return Err(nothing_to_update("new_local_id, new_reason"));
        }
        let request = pa::UpdateRevisionRequest {
            session_id: None,
            owner_id: Some(target.to_proto()),
            event_id: event_id.to_string(),
            field_mask: Some(field_mask(paths)),
            new_local_id: update.new_local_id.clone().unwrap_or_default(),
            new_reason: update.new_reason.clone().unwrap_or_default(),
            author: update.author.clone(),
        };
        self.shared()
            .call("UpdateRevision", |channel, guid| {
                let request = pa::UpdateRevisionRequest {
                    session_id: Some(guid),
                    ..request.clone()
                };
                async move {
                    self.availability_client(channel)
                        .update_revision(request)
                        .await
                }
            })
            .await
            .map_err(classify)
            .map(drop)
    }

    /// Changes the restriction `event_id` of `target` as `update` says; an
    /// update that changes nothing is `InvalidArgument`, without a request.
    pub async fn update_restriction(
        &self,
        target: &Target,
        event_id: &str,
        update: &RestrictionUpdate,
    ) -> Result<()> {
        let mut paths = Vec::new();
        if update.new_local_id.is_some() {
            paths.push("new_local_id");
        }
        if update.new_reason.is_some() {
            paths.push("new_reason");
        }
        if update.new_category.is_some() {
            paths.push("new_category");
        }
        if let Some(recurrence) = &update.new_recurrence {
            recurrence.check()?;
            paths.push("new_restriction_recurrence");
        }
        if paths.is_empty() {
            return Err(nothing_to_update(
                "new_local_id, new_reason, new_category, new_recurrence",
            ));
        }
        let request = pa::UpdateRestrictionRequest {
            session_id: None,
            owner_id: Some(target.to_proto()),
            event_id: event_id.to_string(),
            field_mask: Some(field_mask(paths)),
            new_local_id: update.new_local_id.clone().unwrap_or_default(),
            new_reason: update.new_reason.clone().unwrap_or_default(),
            new_category: update.new_category.clone().unwrap_or_default(),
            new_restriction_recurrence: update
                .new_recurrence
                .as_ref()
                .map(wire::restriction_recurrence),
            author: update.author.clone(),
        };
        self.shared()
            .call("UpdateRestriction", |channel, guid| {
                let request = pa::UpdateRestrictionRequest {
                    session_id: Some(guid),
                    ..request.clone()
                };
                async move {
                    self.availability_client(channel)
                        .update_restriction(request)
                        .await
                }
            })
            .await
            .map_err(classify)
            .map(drop)
    }

    /// Deletes the events `event_ids` (at least one) of `target`; if one
    /// of them is not found, none is deleted.
    pub async fn delete_availability_events_by_id<S: AsRef<str>>(
        &self,
        target: &Target,
        event_ids: &[S],
    ) -> Result<()> {
        if event_ids.is_empty() {
            return Err(Error::invalid_argument(
                "no event ids: name at least one event to delete",
            ));
        }
        let owner = target.to_proto();
        let ids: Vec<String> = event_ids.iter().map(|s| s.as_ref().to_string()).collect();
        self.shared()
            .call("DeleteAvailabilityEventsById", |channel, guid| {
                let request = pa::DeleteAvailabilityEventsByIdRequest {
                    session_id: Some(guid),
                    owner_id: Some(owner.clone()),
                    event_ids: ids.clone(),
                };
                async move {
                    self.availability_client(channel)
                        .delete_availability_events_by_id(request)
                        .await
                }
            })
            .await
            .map_err(classify)
            .map(drop)
    }

    /// Deletes every event of type `event_type` of `target`.
    pub async fn delete_availability_events(
        &self,
        target: &Target,
        event_type: EventType,
    ) -> Result<()> {
        let owner = target.to_proto();
        self.shared()
            .call("DeleteAvailabilityEvents", |channel, guid| {
                let request = pa::DeleteAvailabilityEventsRequest {
                    session_id: Some(guid),
                    owner_id: Some(owner.clone()),
                    event_type: event_type as i32,
                };
                async move {
                    self.availability_client(channel)
                        .delete_availability_events(request)
                        .await
                }
            })
            .await
            .map_err(classify)
            .map(drop)
    }
}
