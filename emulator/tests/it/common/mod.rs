//! Helpers for the emulator's protocol tests: an emulator on 127.0.0.1,
//! the generated Mesh clients on one channel to it, and the Arrow payloads
//! of time series decoded independently of the emulator's own codec.

pub mod model;
// For the Kerberos tests, which need MIT Kerberos (Unix).
#[cfg(unix)]
pub mod process;
// The skip note the library's tests use, shared by path.
#[cfg(unix)]
#[allow(dead_code)]
#[path = "../../../../tests/it/common/tools.rs"]
pub mod tools;

use std::future::Future;
use std::io::Cursor;

use arrow_array::{Array, Float64Array, TimestampMillisecondArray, UInt32Array};
use mesh_emulator::proto::auth::authentication_service_client::AuthenticationServiceClient;
use mesh_emulator::proto::config::configuration_service_client::ConfigurationServiceClient;
use mesh_emulator::proto::model::model_service_client::ModelServiceClient;
use mesh_emulator::proto::model_definition::model_definition_service_client::ModelDefinitionServiceClient;
use mesh_emulator::proto::model_definition::ListUnitsOfMeasurementRequest;
use mesh_emulator::proto::session::session_service_client::SessionServiceClient;
use mesh_emulator::proto::time_series::timeseries_service_client::TimeseriesServiceClient;
use mesh_emulator::proto::time_series::{
    ReadTimeseriesRequest, Timeseries, WriteTimeseriesRequest,
};
use mesh_emulator::proto::types::{Guid, MeshId, UtcInterval};
pub use mesh_emulator::{Config, Emulator};
use tonic::transport::Channel;

/// 2016-01-01T00:00:00Z in ms: the day of the official tests' data.
pub const DAY_2016: i64 = 1_451_606_400_000;
pub const HOUR: i64 = 3_600_000;
pub const NOT_OK: u32 = 0x4000_0000;
pub const MISSING: u32 = 0x0400_0000;

pub const CHIMNEY_2_TS_RAW_FULL: &str = "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef/SomePowerPlant1.PlantToChimneyRef/SomePowerPlantChimney2.TsRawAtt";
pub const CHIMNEY_2_TS_RAW_SHORT: &str =
    "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1/SomePowerPlantChimney2.TsRawAtt";
/// The id the SDK's examples use for that attribute.
pub const CHIMNEY_2_TS_RAW_ID: uuid::Uuid =
    uuid::Uuid::from_u128(0xe5df77a9_8b60_4b0a_aa1b_3c3957c538a0);
pub const PLANT_TS_CALC: &str =
    "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1.TsCalcAtt";

/// Runs `f` to completion on a runtime of its own (the emulator has its
/// own, and must be dropped outside any).
pub fn run<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

pub fn emulator() -> Emulator {
    Emulator::start_local(Config::default()).expect("start emulator")
}

/// The generated clients, on one channel.
#[derive(Clone)]
pub struct Mesh {
    pub session: SessionServiceClient<Channel>,
    pub ts: TimeseriesServiceClient<Channel>,
    pub config: ConfigurationServiceClient<Channel>,
    pub auth: AuthenticationServiceClient<Channel>,
    /// Units of measurement and attribute definitions.
    pub units: ModelDefinitionServiceClient<Channel>,
    pub model: ModelServiceClient<Channel>,
}

impl Mesh {
    pub async fn connect(emu: &Emulator) -> Mesh {
        Mesh::connect_url(&emu.url()).await
    }

    /// Connects to `http://host:port`.
    pub async fn connect_url(url: &str) -> Mesh {
        let channel = Channel::from_shared(url.to_string())
            .expect("url")
            .connect()
            .await
            .expect("connect");
        Mesh {
            session: SessionServiceClient::new(channel.clone()),
            ts: TimeseriesServiceClient::new(channel.clone()),
            config: ConfigurationServiceClient::new(channel.clone()),
            auth: AuthenticationServiceClient::new(channel.clone()),
            units: ModelDefinitionServiceClient::new(channel.clone()),
            model: ModelServiceClient::new(channel),
        }
    }

    pub async fn open(&mut self) -> Guid {
        self.session
            .start_session(())
            .await
            .expect("start session")
            .into_inner()
            .session_id
            .expect("session id")
    }

    pub async fn read(
        &mut self,
        session: &Guid,
        id: MeshId,
        start: i64,
        end: i64,
    ) -> Result<Timeseries, tonic::Status> {
        let reply = self
            .ts
            .read_timeseries(ReadTimeseriesRequest {
                session_id: Some(session.clone()),
                timeseries_id: Some(id),
                interval: Some(interval(start, end)),
            })
            .await?
            .into_inner();
        assert_eq!(reply.timeseries.len(), 1, "one series per read");
        Ok(reply.timeseries.into_iter().next().expect("one series"))
    }

    pub async fn write(
        &mut self,
        session: &Guid,
        id: MeshId,
        interval: Option<(i64, i64)>,
        data: Vec<u8>,
    ) -> Result<(), tonic::Status> {
        self.ts
            .write_timeseries(WriteTimeseriesRequest {
                session_id: Some(session.clone()),
                timeseries: Some(Timeseries {
                    id: Some(id),
                    resolution: None,
                    interval: interval.map(|(s, e)| self::interval(s, e)),
                    data: data.into(),
                }),
            })
            .await
            .map(drop)
    }

    /// The id of the unit named `name`.
    pub async fn unit(&mut self, session: &Guid, name: &str) -> Guid {
        self.units
            .list_units_of_measurement(ListUnitsOfMeasurementRequest {
                session_id: Some(session.clone()),
            })
            .await
            .expect("list units")
            .into_inner()
            .units_of_measurement
            .into_iter()
            .find(|u| u.name == name)
            .and_then(|u| u.id)
            .unwrap_or_else(|| panic!("no unit {name}"))
    }
}

pub fn interval(start: i64, end: i64) -> UtcInterval {
    let ts = |ms: i64| prost_types::Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    };
    UtcInterval {
        start_time: Some(ts(start)),
        end_time: Some(ts(end)),
    }
}

pub fn guid(id: uuid::Uuid) -> Guid {
    Guid {
        bytes_le: id.to_bytes_le().to_vec(),
    }
}

pub fn by_key(key: i64) -> MeshId {
    MeshId {
        timeseries_key: Some(key),
        ..MeshId::default()
    }
}

pub fn by_path(path: &str) -> MeshId {
    MeshId {
        path: Some(path.to_string()),
        ..MeshId::default()
    }
}

pub fn by_id(id: uuid::Uuid) -> MeshId {
    MeshId {
        id: Some(guid(id)),
        ..MeshId::default()
    }
}

/// One point as the wire has it; the value as bits so NaN compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct P {
    pub t: i64,
    pub flags: u32,
    pub bits: u64,
}

impl P {
    pub fn new(t: i64, flags: u32, value: f64) -> P {
        P {
            t,
            flags,
            bits: value.to_bits(),
        }
    }

    pub fn value(&self) -> f64 {
        f64::from_bits(self.bits)
    }

    pub fn is_missing_nan(&self, flags: u32) -> bool {
        self.value().is_nan() && self.flags == flags
    }
}

/// The points of an Arrow stream, and whether its three fields are
/// nullable.
pub fn decode(data: &[u8]) -> (Vec<P>, [bool; 3]) {
    let reader =
        arrow_ipc::reader::StreamReader::try_new(Cursor::new(data), None).expect("an Arrow stream");
    let schema = reader.schema();
    let nullable = [0, 1, 2].map(|i| schema.field(i).is_nullable());
    let mut points = Vec::new();
    for batch in reader {
        let batch = batch.expect("a batch");
        let t = batch
            .column_by_name("utc_time")
            .and_then(|c| {
                c.as_any()
                    .downcast_ref::<TimestampMillisecondArray>()
                    .cloned()
            })
            .expect("utc_time");
        let f = batch
            .column_by_name("flags")
            .and_then(|c| c.as_any().downcast_ref::<UInt32Array>().cloned())
            .expect("flags");
        let v = batch
            .column_by_name("value")
            .and_then(|c| c.as_any().downcast_ref::<Float64Array>().cloned())
            .expect("value");
        assert_eq!(t.null_count() + f.null_count() + v.null_count(), 0);
        for i in 0..batch.num_rows() {
            points.push(P::new(t.value(i), f.value(i), v.value(i)));
        }
    }
    (points, nullable)
}

/// Points as an Arrow stream, written with `nullable` fields (pyarrow's
/// default) or not, in the order given.
pub fn encode(points: &[P], nullable: bool) -> Vec<u8> {
    use arrow_schema::{DataType, Field, Schema, TimeUnit};
    use std::sync::Arc;
    let schema = Arc::new(Schema::new(vec![
        Field::new(
            "utc_time",
            DataType::Timestamp(TimeUnit::Millisecond, None),
            nullable,
        ),
        Field::new("flags", DataType::UInt32, nullable),
        Field::new("value", DataType::Float64, nullable),
    ]));
    let batch = arrow_array::RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(TimestampMillisecondArray::from_iter_values(
                points.iter().map(|p| p.t),
            )),
            Arc::new(UInt32Array::from_iter_values(
                points.iter().map(|p| p.flags),
            )),
            Arc::new(Float64Array::from_iter_values(
                points.iter().map(|p| p.value()),
            )),
        ],
    )
    .expect("batch");
    let mut writer = arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &schema).expect("writer");
    writer.write(&batch).expect("write");
    writer.into_inner().expect("stream")
}

/// The official tests' data on 2016-01-01: `scale * h` at h:00 for h = 1..9,
/// 04:00 stored as NaN flagged NOT_OK|MISSING.
pub fn test_day(scale: f64) -> Vec<P> {
    (1..=9)
        .map(|h| {
            let t = DAY_2016 + h * HOUR;
            if h == 4 {
                P::new(t, NOT_OK | MISSING, f64::NAN)
            } else {
                P::new(t, 0, scale * h as f64)
            }
        })
        .collect()
}
