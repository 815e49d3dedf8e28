//! `SessionService`: start, end, commit, roll back and extend sessions.
//! A commit whose changes no longer apply (another session committed
//! something in the way) fails with Mesh's words and keeps the session's
//! changes, which a rollback then discards.

use tonic::{Request, Response, Status};

use super::Svc;
use crate::proto::session::{
    session_service_server::SessionService, CommitResponse, EndSessionResponse,
    ExtendSessionResponse, RollbackResponse, StartSessionResponse,
};
use crate::proto::types::Guid;
use crate::wire::{guid_to_uuid, uuid_to_guid};

#[tonic::async_trait]
impl SessionService for Svc {
    async fn start_session(
        &self,
        request: Request<()>,
    ) -> Result<Response<StartSessionResponse>, Status> {
        self.begin("StartSession", &request)?;
        let id = self.0.store.start_session();
        Ok(Response::new(StartSessionResponse {
            session_id: Some(uuid_to_guid(id)),
        }))
    }

    async fn end_session(
        &self,
        request: Request<Guid>,
    ) -> Result<Response<EndSessionResponse>, Status> {
        self.begin("EndSession", &request)?;
        let id = guid_to_uuid(request.get_ref())?;
        if !self.0.store.end_session(id) {
            return Err(self.0.not_found(id));
        }
        Ok(Response::new(EndSessionResponse {}))
    }

    async fn commit(&self, request: Request<Guid>) -> Result<Response<CommitResponse>, Status> {
        self.begin("Commit", &request)?;
        let guard = self.enter(Some(request.get_ref()))?;
        self.0
            .store
            .commit(guard.session())
            .map_err(Status::failed_precondition)?;
        Ok(Response::new(CommitResponse {}))
    }

    async fn rollback(&self, request: Request<Guid>) -> Result<Response<RollbackResponse>, Status> {
        self.begin("Rollback", &request)?;
        let guard = self.enter(Some(request.get_ref()))?;
        self.0.store.rollback(guard.session());
        Ok(Response::new(RollbackResponse {}))
    }

    async fn extend_session(
        &self,
        request: Request<Guid>,
    ) -> Result<Response<ExtendSessionResponse>, Status> {
        self.begin("ExtendSession", &request)?;
        let _guard = self.enter(Some(request.get_ref()))?;
        let timeout = self.0.config.session_timeout;
        Ok(Response::new(ExtendSessionResponse {
            expires_in: Some(prost_types::Duration {
                seconds: timeout.as_secs() as i64,
                nanos: timeout.subsec_nanos() as i32,
            }),
        }))
    }
}
