//! `ModelDefinitionService`: the units of measurement a session can name by
//! id (in requests) and sees by name (in answers), and changes to time
//! series attribute definitions (description, template expression), which
//! like every change are the session's own until it commits.

use tonic::{Request, Response, Status};

use super::{check_size, model_status, Svc};
use crate::proto::model_definition::{
    model_definition_service_server::ModelDefinitionService, ListUnitsOfMeasurementRequest,
    ListUnitsOfMeasurementResponse, UnitOfMeasurement, UpdateAttributeDefinitionResponse,
    UpdateTimeseriesAttributeDefinitionRequest,
};
use crate::store::model::Kind;
use crate::store::Change;
use crate::wire::{mask_paths, uuid_to_guid};

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

    async fn update_timeseries_attribute_definition(
        &self,
        request: Request<UpdateTimeseriesAttributeDefinitionRequest>,
    ) -> Result<Response<UpdateAttributeDefinitionResponse>, Status> {
        self.begin("UpdateTimeseriesAttributeDefinition", &request)?;
        check_size(&request)?;
        let r = request.into_inner();
        let guard = self.enter(r.session_id.as_ref())?;
        let change = {
            let view = self.view(&guard)?;
            let id = super::model::resolve::definition(&view, r.attribute_definition_id.as_ref())?;
            if !matches!(
                view.model.definition(id).map(|d| &d.kind),
                Some(Kind::Timeseries { .. })
            ) {
                return Err(Status::invalid_argument(format!(
                    "Invalid type: {} is not a time series attribute definition",
                    view.model.definition_path(id).unwrap_or_default()
                )));
            }
            let paths = mask_paths(r.field_mask.as_ref());
            if paths.is_empty() {
                return Err(Status::invalid_argument("nothing is set to be updated"));
            }
            let (mut description, mut template) = (None, None);
            for path in paths {
                match path {
                    "new_description" => description = Some(r.new_description.clone()),
                    "new_template_expression" => {
                        template = Some(r.new_template_expression.clone())
                    }
                    "new_cardinality" => {
                        return Err(Status::unimplemented(
                            "changing the cardinality of an attribute definition is not implemented by mesh-emulator",
                        ))
                    }
                    other => {
                        return Err(Status::invalid_argument(format!(
                            "field_mask: unknown field '{other}' (known: new_description, new_cardinality, new_template_expression)"
                        )))
                    }
                }
            }
            Change::UpdateDefinition {
                id,
                description,
                template,
            }
        };
        self.0
            .store
            .change(guard.session(), change)
            .map_err(model_status)?;
        Ok(Response::new(UpdateAttributeDefinitionResponse {}))
    }
}
