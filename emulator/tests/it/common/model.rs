//! Helpers for the ModelService tests: the official tests' model's names
//! and ids, the calls the tests make most (with every field of the
//! answers), and readers of attribute values.

use mesh_emulator::proto::model::{
    attribute_value::ValueOneof, Attribute, AttributesMasks, CreateObjectRequest,
    DeleteObjectRequest, GetAttributeRequest, GetObjectRequest, Object, SearchAttributesRequest,
    SearchObjectsRequest, UpdateSimpleAttributeRequest,
};
use mesh_emulator::proto::types::{Guid, MeshId};
use tonic::{Code, Status};
use uuid::Uuid;

use super::{by_path, Mesh};

pub const MODEL: &str = "Model/SimpleThermalTestModel";
pub const COMPONENT: &str = "Model/SimpleThermalTestModel/ThermalComponent";
pub const PLANTS: &str = "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef";
pub const PLANT: &str =
    "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef/SomePowerPlant1";
pub const PLANT_SHORT: &str = "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1";
pub const CHIMNEYS: &str = "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef/SomePowerPlant1.PlantToChimneyRef";
pub const CHIMNEY_1_PATH: &str = "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef/SomePowerPlant1.PlantToChimneyRef/SomePowerPlantChimney1";
pub const PLANT_ID: Uuid = Uuid::from_u128(0x0000000a_0001_0000_0000_000000000000);
pub const COMPONENT_ID: Uuid = Uuid::from_u128(0x0000000b_0001_0000_0000_000000000000);
pub const CHIMNEY_1: Uuid = Uuid::from_u128(0x0000000a_0004_0000_0000_000000000000);
pub const CHIMNEY_2: Uuid = Uuid::from_u128(0x0000000a_0005_0000_0000_000000000000);

/// `AttributeValueType` numbers.
pub const INT: i32 = 1;
pub const DOUBLE: i32 = 2;
pub const BOOL: i32 = 3;
pub const TIMESERIES: i32 = 6;
pub const OWNERSHIP: i32 = 7;
pub const LINK: i32 = 8;

/// The path of the plant's attribute `name`.
pub fn plant_attribute(name: &str) -> String {
    format!("{PLANT}.{name}")
}

/// A `MeshId` with both id and path, as the official client sends them.
pub fn by_both(id: Uuid, path: &str) -> MeshId {
    MeshId {
        id: Some(super::guid(id)),
        path: Some(path.to_string()),
        timeseries_key: None,
    }
}

pub fn uuid(guid: &Option<Guid>) -> Uuid {
    let bytes: [u8; 16] = guid
        .as_ref()
        .expect("an id")
        .bytes_le
        .as_slice()
        .try_into()
        .expect("16 bytes");
    Uuid::from_bytes_le(bytes)
}

/// Checks a refusal's code and that its message contains `text`.
#[track_caller]
pub fn assert_refused<T: std::fmt::Debug>(result: Result<T, Status>, code: Code, text: &str) {
    match result {
        Ok(v) => panic!("expected {code:?} '{text}', got {v:?}"),
        Err(s) => {
            assert_eq!(s.code(), code, "{}", s.message());
            assert!(
                s.message().contains(text),
                "'{}' does not contain '{text}'",
                s.message()
            );
        }
    }
}

impl Mesh {
    /// Object `id` with every field and attribute.
    pub async fn object(&mut self, session: &Guid, id: MeshId) -> Result<Object, Status> {
        self.model
            .get_object(GetObjectRequest {
                session_id: Some(session.clone()),
                object_id: Some(id),
                object_field_mask: None,
                attributes_masks: Some(AttributesMasks::default()),
                attribute_field_mask: None,
            })
            .await
            .map(tonic::Response::into_inner)
    }

    /// Attribute `id` with every field.
    pub async fn attribute(&mut self, session: &Guid, id: MeshId) -> Result<Attribute, Status> {
        self.model
            .get_attribute(GetAttributeRequest {
                session_id: Some(session.clone()),
                attribute_id: Some(id),
                field_mask: None,
            })
            .await
            .map(tonic::Response::into_inner)
    }

    /// The plant's attribute `name`, with every field.
    pub async fn plant_attribute(&mut self, session: &Guid, name: &str) -> Attribute {
        self.attribute(session, by_path(&plant_attribute(name)))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    pub async fn search_objects(
        &mut self,
        session: &Guid,
        start: MeshId,
        query: &str,
    ) -> Result<Vec<Object>, Status> {
        let mut stream = self
            .model
            .search_objects(SearchObjectsRequest {
                session_id: Some(session.clone()),
                start_object_id: Some(start),
                query: query.to_string(),
                object_field_mask: None,
                attributes_masks: Some(AttributesMasks::default()),
                attribute_field_mask: None,
            })
            .await?
            .into_inner();
        let mut out = Vec::new();
        while let Some(object) = stream.message().await? {
            out.push(object);
        }
        Ok(out)
    }

    pub async fn search_attributes(
        &mut self,
        session: &Guid,
        start: MeshId,
        query: &str,
    ) -> Result<Vec<Attribute>, Status> {
        let mut stream = self
            .model
            .search_attributes(SearchAttributesRequest {
                session_id: Some(session.clone()),
                start_object_id: Some(start),
                query: query.to_string(),
                field_mask: None,
            })
            .await?
            .into_inner();
        let mut out = Vec::new();
        while let Some(attribute) = stream.message().await? {
            out.push(attribute);
        }
        Ok(out)
    }

    pub async fn create_object(
        &mut self,
        session: &Guid,
        owner: MeshId,
        name: &str,
    ) -> Result<Object, Status> {
        self.model
            .create_object(CreateObjectRequest {
                session_id: Some(session.clone()),
                name: name.to_string(),
                owner_id: Some(owner),
                object_definition_id: None,
            })
            .await
            .map(tonic::Response::into_inner)
    }

    pub async fn delete_object(
        &mut self,
        session: &Guid,
        id: MeshId,
        recursive: bool,
    ) -> Result<(), Status> {
        self.model
            .delete_object(DeleteObjectRequest {
                session_id: Some(session.clone()),
                object_id: Some(id),
                recursive_delete: recursive,
            })
            .await
            .map(drop)
    }

    /// Sets the plant's attribute `name` to one value.
    pub async fn set_plant_value(
        &mut self,
        session: &Guid,
        name: &str,
        value: ValueOneof,
    ) -> Result<(), Status> {
        self.model
            .update_simple_attribute(UpdateSimpleAttributeRequest {
                session_id: Some(session.clone()),
                attribute_id: Some(by_path(&plant_attribute(name))),
                new_singular_value: Some(mesh_emulator::proto::model::AttributeValue {
                    value_oneof: Some(value),
                }),
                new_collection_values: Vec::new(),
            })
            .await
            .map(drop)
    }

    pub async fn commit(&mut self, session: &Guid) -> Result<(), Status> {
        self.session.commit(session.clone()).await.map(drop)
    }

    pub async fn rollback(&mut self, session: &Guid) {
        self.session
            .rollback(session.clone())
            .await
            .expect("rollback");
    }
}

/// The values of an attribute, in order.
pub fn values(a: &Attribute) -> Vec<ValueOneof> {
    a.values
        .iter()
        .map(|v| v.value_oneof.clone().expect("a value"))
        .collect()
}

/// The one value of a time series attribute.
pub fn series_value(a: &Attribute) -> mesh_emulator::proto::model::TimeseriesAttributeValue {
    match values(a).as_slice() {
        [ValueOneof::TimeseriesValue(v)] => v.clone(),
        other => panic!("not one time series value: {other:?}"),
    }
}

pub fn doubles(a: &Attribute) -> Vec<f64> {
    values(a)
        .into_iter()
        .map(|v| match v {
            ValueOneof::DoubleValue(x) => x,
            other => panic!("not a double: {other:?}"),
        })
        .collect()
}

/// The targets of a link or ownership relation attribute.
pub fn targets(a: &Attribute) -> Vec<Uuid> {
    values(a)
        .into_iter()
        .map(|v| match v {
            ValueOneof::LinkRelationValue(l) => uuid(&l.target_object_id),
            ValueOneof::OwnershipRelationValue(o) => uuid(&o.target_object_id),
            other => panic!("not a relation: {other:?}"),
        })
        .collect()
}

/// The versions of a versioned link relation attribute: per entry, each
/// (target, valid from in ms).
pub fn versions(a: &Attribute) -> Vec<Vec<(Option<Uuid>, i64)>> {
    values(a)
        .into_iter()
        .map(|v| match v {
            ValueOneof::VersionedLinkRelationValue(e) => e
                .versions
                .iter()
                .map(|v| {
                    let t = v.valid_from_time.as_ref().expect("valid from");
                    (
                        v.target_object_id.as_ref().map(|g| uuid(&Some(g.clone()))),
                        t.seconds * 1000 + i64::from(t.nanos) / 1_000_000,
                    )
                })
                .collect(),
            other => panic!("not a versioned link: {other:?}"),
        })
        .collect()
}

/// ms since the epoch of a UTC date.
pub fn date(y: i32, m: u32, d: u32) -> i64 {
    chrono::NaiveDate::from_ymd_opt(y, m, d)
        .expect("a date")
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp_millis()
}

pub fn timestamp(ms: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    }
}
