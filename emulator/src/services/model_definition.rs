//! `ModelDefinitionService.ListUnitsOfMeasurement`: the units a session can
//! name by id (in requests) and sees by name (in answers).

use tonic::{Request, Response, Status};

use super::Svc;
use crate::proto::model_definition::{
    model_definition_service_server::ModelDefinitionService, ListUnitsOfMeasurementRequest,
    ListUnitsOfMeasurementResponse, UnitOfMeasurement,
};
use crate::wire::uuid_to_guid;

#[tonic::async_trait]
impl ModelDefinitionService for Svc {
    async fn list_units_of_measurement(
        &self,
        request: Request<ListUnitsOfMeasurementRequest>,
    ) -> Result<Response<ListUnitsOfMeasurementResponse>, Status> {
        self.begin("ListUnitsOfMeasurement", &request)?;
        let guard = self.enter(request.get_ref().session_id.as_ref())?;
        let view = self.view(&guard)?;
        let units = view
            .units
            .iter()
            .map(|u| UnitOfMeasurement {
                id: Some(uuid_to_guid(u.id)),
                name: u.name.clone(),
            })
            .collect();
        Ok(Response::new(ListUnitsOfMeasurementResponse {
            units_of_measurement: units,
        }))
    }
}
