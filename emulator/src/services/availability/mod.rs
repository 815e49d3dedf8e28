//! `AvailabilityService`: revisions and restrictions of model objects
//! (create, add and delete recurrences, get, search, expand into
//! instances, update, delete), advanced restrictions, and the lists of
//! statuses and categories. Events are kept in the model (see
//! `store::availability`), so every change is the session's own until it
//! commits, and reads see the session's view. This file routes the calls;
//! `events` and `advanced` answer them.

mod advanced;
mod events;
mod messages;

use tonic::{Request, Response, Status};

use super::model::{in_session, stream, Call, InSession, Stream};
use super::{check_size, Svc};
use crate::proto::availability::{availability_service_server::AvailabilityService, *};
use crate::proto::types::Guid;
use crate::seed::availability::{CATEGORIES, RESTRICTION_STATUSES, REVISION_STATUSES};
use crate::store::availability::Time;

in_session!(
    CreateRevisionRequest,
    CreateRestrictionRequest,
    CreateAdvancedRestrictionRequest,
    AddRevisionRecurrenceRequest,
    SearchAvailabilityEventsRequest,
    GetAvailabilityEventRequest,
    SearchInstancesRequest,
    SearchAdvancedRestrictionsRequest,
    GetAdvancedRestrictionRequest,
    ListRevisionStatusesRequest,
    ListRestrictionStatusesRequest,
    ListAvailabilityCategoriesRequest,
    UpdateRevisionRequest,
    UpdateRestrictionRequest,
    DeleteRevisionRecurrenceRequest,
    DeleteAvailabilityEventsByIdRequest,
    DeleteAvailabilityEventsRequest,
    DeleteAdvancedRestrictionsRequest,
);

/// Who makes a call, and when: what an event records when the request
/// leaves its author or time out. The author is the caller's display name
/// when the call is authenticated, else empty.
pub(super) struct Caller {
    name: String,
    now: Time,
}

impl Svc {
    /// Counts and checks the call, then takes its session's view.
    fn availability_call<T: InSession + prost::Message>(
        &self,
        method: &'static str,
        request: Request<T>,
    ) -> Result<(Call, T, Caller), Status> {
        let identity = self.begin(method, &request)?;
        check_size(&request)?;
        let request = request.into_inner();
        let guard = self.enter(request.session())?;
        let view = self.view(&guard)?;
        let caller = Caller {
            name: identity.map(|i| i.display_name).unwrap_or_default(),
            now: Time::from(std::time::SystemTime::now()),
        };
        Ok((Call { guard, view }, request, caller))
    }
}

fn list(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[tonic::async_trait]
impl AvailabilityService for Svc {
    type SearchAvailabilityEventsStream = Stream<AvailabilityEvent>;
    type SearchInstancesStream = Stream<Instance>;
    type SearchAdvancedRestrictionsStream = Stream<AdvancedRestriction>;

    async fn create_revision(
        &self,
        request: Request<CreateRevisionRequest>,
    ) -> Result<Response<Revision>, Status> {
        let (call, request, caller) = self.availability_call("CreateRevision", request)?;
        events::create_revision(self, call, request, caller).map(Response::new)
    }

    async fn create_restriction(
        &self,
        request: Request<CreateRestrictionRequest>,
    ) -> Result<Response<Restriction>, Status> {
        let (call, request, caller) = self.availability_call("CreateRestriction", request)?;
        events::create_restriction(self, call, request, caller).map(Response::new)
    }

    async fn create_advanced_restriction(
        &self,
        request: Request<CreateAdvancedRestrictionRequest>,
    ) -> Result<Response<AdvancedRestriction>, Status> {
        let (call, request, caller) =
            self.availability_call("CreateAdvancedRestriction", request)?;
        advanced::create(self, call, request, caller).map(Response::new)
    }

    async fn add_revision_recurrence(
        &self,
        request: Request<AddRevisionRecurrenceRequest>,
    ) -> Result<Response<AddRevisionRecurrenceResponse>, Status> {
        let (call, request, caller) = self.availability_call("AddRevisionRecurrence", request)?;
        let recurrence_id = events::add_recurrence(self, call, request, caller)?;
        Ok(Response::new(AddRevisionRecurrenceResponse {
            recurrence_id,
        }))
    }

    async fn search_availability_events(
        &self,
        request: Request<SearchAvailabilityEventsRequest>,
    ) -> Result<Response<Self::SearchAvailabilityEventsStream>, Status> {
        let (call, request, caller) =
            self.availability_call("SearchAvailabilityEvents", request)?;
        let found = events::search(&call, request, caller)?;
        Ok(Response::new(stream(call.guard, found.into_iter())))
    }

    async fn get_availability_event(
        &self,
        request: Request<GetAvailabilityEventRequest>,
    ) -> Result<Response<AvailabilityEvent>, Status> {
        let (call, request, caller) = self.availability_call("GetAvailabilityEvent", request)?;
        events::get(&call, request, caller).map(Response::new)
    }

    async fn search_instances(
        &self,
        request: Request<SearchInstancesRequest>,
    ) -> Result<Response<Self::SearchInstancesStream>, Status> {
        let (call, request, _) = self.availability_call("SearchInstances", request)?;
        let found = events::instances(&call, request)?;
        let messages = found.into_iter().map(|i| messages::instance(&i));
        Ok(Response::new(stream(call.guard, messages)))
    }

    async fn search_advanced_restrictions(
        &self,
        request: Request<SearchAdvancedRestrictionsRequest>,
    ) -> Result<Response<Self::SearchAdvancedRestrictionsStream>, Status> {
        let (call, request, _) = self.availability_call("SearchAdvancedRestrictions", request)?;
        let found = advanced::search(&call, request)?;
        Ok(Response::new(stream(call.guard, found.into_iter())))
    }

    async fn get_advanced_restriction(
        &self,
        request: Request<GetAdvancedRestrictionRequest>,
    ) -> Result<Response<AdvancedRestriction>, Status> {
        let (call, request, _) = self.availability_call("GetAdvancedRestriction", request)?;
        advanced::get(&call, request).map(Response::new)
    }

    async fn list_revision_statuses(
        &self,
        request: Request<ListRevisionStatusesRequest>,
    ) -> Result<Response<ListRevisionStatusesResponse>, Status> {
        self.availability_call("ListRevisionStatuses", request)?;
        Ok(Response::new(ListRevisionStatusesResponse {
            statuses: list(REVISION_STATUSES),
        }))
    }

    async fn list_restriction_statuses(
        &self,
        request: Request<ListRestrictionStatusesRequest>,
    ) -> Result<Response<ListRestrictionStatusesResponse>, Status> {
        self.availability_call("ListRestrictionStatuses", request)?;
        Ok(Response::new(ListRestrictionStatusesResponse {
            statuses: list(RESTRICTION_STATUSES),
        }))
    }

    async fn list_availability_categories(
        &self,
        request: Request<ListAvailabilityCategoriesRequest>,
    ) -> Result<Response<ListAvailabilityCategoriesResponse>, Status> {
        self.availability_call("ListAvailabilityCategories", request)?;
        Ok(Response::new(ListAvailabilityCategoriesResponse {
            categories: list(CATEGORIES),
        }))
    }

    async fn update_revision(
        &self,
        request: Request<UpdateRevisionRequest>,
    ) -> Result<Response<UpdateRevisionResponse>, Status> {
        let (call, request, caller) = self.availability_call("UpdateRevision", request)?;
        events::update_revision(self, call, request, caller)?;
        Ok(Response::new(UpdateRevisionResponse {}))
    }

    async fn update_restriction(
        &self,
        request: Request<UpdateRestrictionRequest>,
    ) -> Result<Response<UpdateRestrictionResponse>, Status> {
        let (call, request, caller) = self.availability_call("UpdateRestriction", request)?;
        events::update_restriction(self, call, request, caller)?;
        Ok(Response::new(UpdateRestrictionResponse {}))
    }

    async fn delete_revision_recurrence(
        &self,
        request: Request<DeleteRevisionRecurrenceRequest>,
    ) -> Result<Response<DeleteRevisionRecurrenceResponse>, Status> {
        let (call, request, caller) =
            self.availability_call("DeleteRevisionRecurrence", request)?;
        events::delete_recurrence(self, call, request, caller)?;
        Ok(Response::new(DeleteRevisionRecurrenceResponse {}))
    }

    async fn delete_availability_events_by_id(
        &self,
        request: Request<DeleteAvailabilityEventsByIdRequest>,
    ) -> Result<Response<DeleteAvailabilityEventsByIdResponse>, Status> {
        let (call, request, _) = self.availability_call("DeleteAvailabilityEventsById", request)?;
        events::delete_by_id(self, call, request)?;
        Ok(Response::new(DeleteAvailabilityEventsByIdResponse {}))
    }

    async fn delete_availability_events(
        &self,
        request: Request<DeleteAvailabilityEventsRequest>,
    ) -> Result<Response<DeleteAvailabilityEventsResponse>, Status> {
        let (call, request, _) = self.availability_call("DeleteAvailabilityEvents", request)?;
        events::delete_of_type(self, call, request)?;
        Ok(Response::new(DeleteAvailabilityEventsResponse {}))
    }

    async fn delete_advanced_restrictions(
        &self,
        request: Request<DeleteAdvancedRestrictionsRequest>,
    ) -> Result<Response<DeleteAdvancedRestrictionsResponse>, Status> {
        let (call, request, _) = self.availability_call("DeleteAdvancedRestrictions", request)?;
        advanced::delete(self, call, request)?;
        Ok(Response::new(DeleteAdvancedRestrictionsResponse {}))
    }
}
