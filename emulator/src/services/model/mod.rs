//! `ModelService`: the Mesh model inside a session. Objects (list, get,
//! search, create, rename, move, delete), attributes (get, search, update
//! by kind), relations, XY sets and rating curves, in one file per
//! concern; this one routes the calls. Every change is the session's own
//! until it commits (see `store`); reads see the session's view.

mod attributes;
mod curves;
mod masks;
mod messages;
mod objects;
mod relations;
pub(super) mod resolve;

use std::pin::Pin;

use tonic::{Request, Response, Status};

use super::{check_size, model_status, Svc};
use crate::proto::model::{model_service_server::ModelService, *};
use crate::proto::types::Guid;
use crate::store::{ActivityGuard, Change, View};

/// A search that cannot run, as a status: a malformed query or one that
/// finds the other kind of thing is the client's mistake.
fn search_status(e: crate::search::SearchError) -> Status {
    match e {
        crate::search::SearchError::StartNotFound(_) => Status::not_found(e.to_string()),
        _ => Status::invalid_argument(e.to_string()),
    }
}

/// A server stream of model messages.
pub(in crate::services) type Stream<T> =
    Pin<Box<dyn tokio_stream::Stream<Item = Result<T, Status>> + Send>>;

/// Streams `items`, keeping the session in use until the last is sent.
pub(in crate::services) fn stream<T: Send + 'static>(
    guard: ActivityGuard,
    items: impl Iterator<Item = T> + Send + 'static,
) -> Stream<T> {
    Box::pin(tokio_stream::iter(items.map(move |item| {
        let _in_use = &guard;
        Ok(item)
    })))
}

/// One call's hold on its session: the guard keeps the session in use, and
/// the view is the model and catalog as the session sees them.
pub(in crate::services) struct Call {
    pub(in crate::services) guard: ActivityGuard,
    pub(in crate::services) view: View,
}

impl Call {
    /// Makes `change` in the call's session. The view goes first, so that
    /// the session's model is not shared when the change is applied.
    pub(in crate::services) fn change(
        self,
        svc: &Svc,
        change: Change,
    ) -> Result<ActivityGuard, Status> {
        let Call { guard, view } = self;
        drop(view);
        svc.0
            .store
            .change(guard.session(), change)
            .map_err(model_status)?;
        Ok(guard)
    }
}

/// Model requests carry their session in field 1.
pub(in crate::services) trait InSession {
    fn session(&self) -> Option<&Guid>;
}

macro_rules! in_session {
    ($($t:ty),* $(,)?) => {
        $(impl InSession for $t {
            fn session(&self) -> Option<&Guid> {
                self.session_id.as_ref()
            }
        })*
    };
}

in_session!(
    ListModelsRequest,
    GetObjectRequest,
    SearchObjectsRequest,
    SearchObjectsByDefinitionRequest,
    CreateObjectRequest,
    CreateModelRequest,
    UpdateObjectRequest,
    DeleteObjectRequest,
    GetAttributeRequest,
    SearchAttributesRequest,
    UpdateSimpleAttributeRequest,
    UpdateTimeseriesAttributeRequest,
    UpdateLinkRelationAttributeRequest,
    UpdateVersionedLinkRelationAttributeRequest,
    GetXySetsRequest,
    UpdateXySetsRequest,
    GetRatingCurveVersionsRequest,
    UpdateRatingCurveVersionsRequest,
    SearchLinkedFromRequest,
    CloneObjectRequest,
);

pub(in crate::services) use in_session;

impl Svc {
    /// Counts and checks the call, then takes its session's view.
    fn call<T: InSession + prost::Message>(
        &self,
        method: &'static str,
        request: Request<T>,
    ) -> Result<(Call, T), Status> {
        self.begin(method, &request)?;
        check_size(&request)?;
        let request = request.into_inner();
        let guard = self.enter(request.session())?;
        let view = self.view(&guard)?;
        Ok((Call { guard, view }, request))
    }
}

#[tonic::async_trait]
impl ModelService for Svc {
    type SearchObjectsStream = Stream<Object>;
    type SearchObjectsByDefinitionStream = Stream<Object>;
    type SearchAttributesStream = Stream<Attribute>;
    type SearchLinkedFromStream = Stream<SearchLinkedFromResponse>;

    async fn list_models(
        &self,
        request: Request<ListModelsRequest>,
    ) -> Result<Response<ListModelsResponse>, Status> {
        let (call, request) = self.call("ListModels", request)?;
        objects::list_models(call, request).map(Response::new)
    }

    async fn get_object(
        &self,
        request: Request<GetObjectRequest>,
    ) -> Result<Response<Object>, Status> {
        let (call, request) = self.call("GetObject", request)?;
        objects::get_object(call, request).map(Response::new)
    }

    async fn search_objects(
        &self,
        request: Request<SearchObjectsRequest>,
    ) -> Result<Response<Self::SearchObjectsStream>, Status> {
        let (call, request) = self.call("SearchObjects", request)?;
        objects::search_objects(call, request).map(Response::new)
    }

    async fn search_objects_by_definition(
        &self,
        request: Request<SearchObjectsByDefinitionRequest>,
    ) -> Result<Response<Self::SearchObjectsByDefinitionStream>, Status> {
        let (call, request) = self.call("SearchObjectsByDefinition", request)?;
        objects::search_objects_by_definition(call, request).map(Response::new)
    }

    async fn create_object(
        &self,
        request: Request<CreateObjectRequest>,
    ) -> Result<Response<Object>, Status> {
        let (call, request) = self.call("CreateObject", request)?;
        objects::create_object(self, call, request).map(Response::new)
    }

    async fn create_model(
        &self,
        request: Request<CreateModelRequest>,
    ) -> Result<Response<Object>, Status> {
        let (call, request) = self.call("CreateModel", request)?;
        objects::create_model(self, call, request).map(Response::new)
    }

    async fn update_object(
        &self,
        request: Request<UpdateObjectRequest>,
    ) -> Result<Response<UpdateObjectResponse>, Status> {
        let (call, request) = self.call("UpdateObject", request)?;
        objects::update_object(self, call, request)?;
        Ok(Response::new(UpdateObjectResponse {}))
    }

    async fn delete_object(
        &self,
        request: Request<DeleteObjectRequest>,
    ) -> Result<Response<DeleteObjectResponse>, Status> {
        let (call, request) = self.call("DeleteObject", request)?;
        objects::delete_object(self, call, request)?;
        Ok(Response::new(DeleteObjectResponse {}))
    }

    async fn get_attribute(
        &self,
        request: Request<GetAttributeRequest>,
    ) -> Result<Response<Attribute>, Status> {
        let (call, request) = self.call("GetAttribute", request)?;
        attributes::get_attribute(call, request).map(Response::new)
    }

    async fn search_attributes(
        &self,
        request: Request<SearchAttributesRequest>,
    ) -> Result<Response<Self::SearchAttributesStream>, Status> {
        let (call, request) = self.call("SearchAttributes", request)?;
        attributes::search_attributes(call, request).map(Response::new)
    }

    async fn update_simple_attribute(
        &self,
        request: Request<UpdateSimpleAttributeRequest>,
    ) -> Result<Response<UpdateSimpleAttributeResponse>, Status> {
        let (call, request) = self.call("UpdateSimpleAttribute", request)?;
        attributes::update_simple_attribute(self, call, request)?;
        Ok(Response::new(UpdateSimpleAttributeResponse {}))
    }

    async fn update_timeseries_attribute(
        &self,
        request: Request<UpdateTimeseriesAttributeRequest>,
    ) -> Result<Response<UpdateTimeseriesAttributeResponse>, Status> {
        let (call, request) = self.call("UpdateTimeseriesAttribute", request)?;
        attributes::update_timeseries_attribute(self, call, request)?;
        Ok(Response::new(UpdateTimeseriesAttributeResponse {}))
    }

    async fn update_link_relation_attribute(
        &self,
        request: Request<UpdateLinkRelationAttributeRequest>,
    ) -> Result<Response<UpdateLinkRelationAttributeResponse>, Status> {
        let (call, request) = self.call("UpdateLinkRelationAttribute", request)?;
        relations::update_links(self, call, request)?;
        Ok(Response::new(UpdateLinkRelationAttributeResponse {}))
    }

    async fn update_versioned_link_relation_attribute(
        &self,
        request: Request<UpdateVersionedLinkRelationAttributeRequest>,
    ) -> Result<Response<UpdateVersionedLinkRelationAttributeResponse>, Status> {
        let (call, request) = self.call("UpdateVersionedLinkRelationAttribute", request)?;
        relations::update_versioned_links(self, call, request)?;
        Ok(Response::new(
            UpdateVersionedLinkRelationAttributeResponse {},
        ))
    }

    async fn get_xy_sets(
        &self,
        request: Request<GetXySetsRequest>,
    ) -> Result<Response<GetXySetsResponse>, Status> {
        let (call, request) = self.call("GetXySets", request)?;
        curves::get_xy_sets(call, request).map(Response::new)
    }

    async fn update_xy_sets(
        &self,
        request: Request<UpdateXySetsRequest>,
    ) -> Result<Response<UpdateXySetsResponse>, Status> {
        let (call, request) = self.call("UpdateXySets", request)?;
        curves::update_xy_sets(self, call, request)?;
        Ok(Response::new(UpdateXySetsResponse {}))
    }

    async fn get_rating_curve_versions(
        &self,
        request: Request<GetRatingCurveVersionsRequest>,
    ) -> Result<Response<GetRatingCurveVersionsResponse>, Status> {
        let (call, request) = self.call("GetRatingCurveVersions", request)?;
        curves::get_rating_curve(call, request).map(Response::new)
    }

    async fn update_rating_curve_versions(
        &self,
        request: Request<UpdateRatingCurveVersionsRequest>,
    ) -> Result<Response<UpdateRatingCurveVersionsResponse>, Status> {
        let (call, request) = self.call("UpdateRatingCurveVersions", request)?;
        curves::update_rating_curve(self, call, request)?;
        Ok(Response::new(UpdateRatingCurveVersionsResponse {}))
    }

    async fn search_linked_from(
        &self,
        request: Request<SearchLinkedFromRequest>,
    ) -> Result<Response<Self::SearchLinkedFromStream>, Status> {
        let (call, request) = self.call("SearchLinkedFrom", request)?;
        relations::search_linked_from(call, request).map(Response::new)
    }

    async fn clone_object(
        &self,
        request: Request<CloneObjectRequest>,
    ) -> Result<Response<CloneObjectResponse>, Status> {
        let (_call, _request) = self.call("CloneObject", request)?;
        Err(Status::unimplemented(
            "CloneObject is not implemented by mesh-emulator",
        ))
    }
}
