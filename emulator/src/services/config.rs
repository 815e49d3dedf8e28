//! `ConfigurationService.GetVersion`: the server's name, as Mesh gives it,
//! and its version with a build suffix (`2.21.0+1` unless configured).

use tonic::{Request, Response, Status};

use super::Svc;
use crate::proto::config::{configuration_service_server::ConfigurationService, VersionInfo};

/// What Mesh calls itself; clients check it.
pub(crate) const SERVER_NAME: &str = "Volue Mesh Server";

#[tonic::async_trait]
impl ConfigurationService for Svc {
    async fn get_version(&self, request: Request<()>) -> Result<Response<VersionInfo>, Status> {
        self.begin("GetVersion", &request)?;
        Ok(Response::new(VersionInfo {
            version: self.0.config.version.clone(),
            name: SERVER_NAME.to_string(),
        }))
    }
}
