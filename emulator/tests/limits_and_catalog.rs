//! Protocol checks of the emulator with the generated client stubs, over
//! TCP: Mesh's 4 MB limit on a request (which the library never reaches,
//! since it chunks), and the catalog's answers (resources, units, created
//! series' paths, refused paths).

use std::io::Cursor;
use std::sync::Arc;

use arrow_array::{Array, Float64Array, RecordBatch, TimestampMillisecondArray, UInt32Array};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use mesh_emulator::proto::model_definition::model_definition_service_client::ModelDefinitionServiceClient;
use mesh_emulator::proto::model_definition::ListUnitsOfMeasurementRequest;
use mesh_emulator::proto::session::session_service_client::SessionServiceClient;
use mesh_emulator::proto::time_series::timeseries_service_client::TimeseriesServiceClient;
use mesh_emulator::proto::time_series::{
    CreatePhysicalTimeseriesRequest, GetTimeseriesResourceRequest, ReadTimeseriesRequest,
    Timeseries, WriteTimeseriesRequest,
};
use mesh_emulator::proto::types::{Curve, Guid, MeshId, Resolution, UtcInterval};
use mesh_emulator::{default_catalog, Config, Emulator, SeriesSpec};
use tonic::transport::Channel;

/// 2025-01-01T00:00:00Z in ms.
const T0: i64 = 1_735_689_600_000;
/// A breakpoint series of the tests' own, clear of the emulator's data.
const KEY: i64 = 900;
const PATH: &str = "Resource/Test/Series";

fn emulator() -> Emulator {
    let mut catalog = default_catalog();
    catalog.push(SeriesSpec {
        key: KEY,
        path: PATH.to_string(),
        curve: 3,
        resolution: 1,
        unit: "MW".to_string(),
        demo_points: false,
    });
    Emulator::start_local(Config {
        catalog,
        ..Config::default()
    })
    .expect("start emulator")
}

/// Runs `f` on a runtime of its own (the emulator has its own, and must be
/// dropped outside any).
fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

struct Clients {
    ts: TimeseriesServiceClient<Channel>,
    units: ModelDefinitionServiceClient<Channel>,
    session: Guid,
}

/// The stubs on one channel, with a session open and no size limits of
/// their own, so that the server's are what a request meets.
async fn clients(emu: &Emulator) -> Clients {
    let channel = Channel::from_shared(emu.url())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let session = SessionServiceClient::new(channel.clone())
        .start_session(())
        .await
        .unwrap()
        .into_inner()
        .session_id
        .unwrap();
    Clients {
        ts: TimeseriesServiceClient::new(channel.clone())
            .max_encoding_message_size(usize::MAX)
            .max_decoding_message_size(usize::MAX),
        units: ModelDefinitionServiceClient::new(channel),
        session,
    }
}

fn timestamp(ms: i64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    }
}

fn interval(start: i64, end: i64) -> Option<UtcInterval> {
    Some(UtcInterval {
        start_time: Some(timestamp(start)),
        end_time: Some(timestamp(end)),
    })
}

/// `n` points from T0, 1 ms apart, as an Arrow IPC stream (20 bytes a point).
fn arrow_points(n: usize) -> Vec<u8> {
    let schema = Arc::new(Schema::new(vec![
        Field::new(
            "utc_time",
            DataType::Timestamp(TimeUnit::Millisecond, None),
            true,
        ),
        Field::new("flags", DataType::UInt32, true),
        Field::new("value", DataType::Float64, true),
    ]));
    let columns: Vec<Arc<dyn Array>> = vec![
        Arc::new(TimestampMillisecondArray::from_iter_values(
            (0..n as i64).map(|i| T0 + i),
        )),
        Arc::new(UInt32Array::from_iter_values((0..n).map(|_| 0))),
        Arc::new(Float64Array::from_iter_values((0..n).map(|i| i as f64))),
    ];
    let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
    let mut writer = arrow_ipc::writer::StreamWriter::try_new(Vec::new(), &schema).unwrap();
    writer.write(&batch).unwrap();
    writer.into_inner().unwrap()
}

fn rows(data: &[u8]) -> usize {
    arrow_ipc::reader::StreamReader::try_new(Cursor::new(data), None)
        .unwrap()
        .map(|batch| batch.unwrap().num_rows())
        .sum()
}

#[test]
fn a_request_over_4_mb_is_refused_with_resource_exhausted() {
    let emu = emulator();
    run(async {
        let mut c = clients(&emu).await;
        let write = |n: usize| WriteTimeseriesRequest {
            session_id: Some(c.session.clone()),
            timeseries: Some(Timeseries {
                id: Some(MeshId {
                    timeseries_key: Some(KEY),
                    ..MeshId::default()
                }),
                resolution: None,
                interval: interval(T0, T0 + n as i64),
                data: arrow_points(n).into(),
            }),
        };
        // 250,000 points: 5 MB.
        let status = c.ts.write_timeseries(write(250_000)).await.unwrap_err();
        assert_eq!(status.code(), tonic::Code::ResourceExhausted, "{status:?}");
        assert!(status.message().contains("larger than max"), "{status:?}");
        // 150,000 points (3 MB, the library's chunk) are taken.
        c.ts.write_timeseries(write(150_000)).await.unwrap();
        let read =
            c.ts.read_timeseries(ReadTimeseriesRequest {
                session_id: Some(c.session.clone()),
                timeseries_id: Some(MeshId {
                    timeseries_key: Some(KEY),
                    ..MeshId::default()
                }),
                interval: interval(T0, T0 + 150_000),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(rows(&read.timeseries[0].data), 150_000);
    });
}

#[test]
fn the_catalog_describes_series_lists_units_and_builds_paths() {
    let emu = emulator();
    run(async {
        let mut c = clients(&emu).await;
        let units = c
            .units
            .list_units_of_measurement(ListUnitsOfMeasurementRequest {
                session_id: Some(c.session.clone()),
            })
            .await
            .unwrap()
            .into_inner()
            .units_of_measurement;
        let mw = units.iter().find(|u| u.name == "MW").expect("MW");
        assert!(units
            .iter()
            .all(|u| u.id.as_ref().map(|g| g.bytes_le.len()) == Some(16)));

        let get = |key| GetTimeseriesResourceRequest {
            session_id: Some(c.session.clone()),
            timeseries_resource_key: key,
        };
        let resource =
            c.ts.get_timeseries_resource(get(KEY))
                .await
                .unwrap()
                .into_inner();
        assert_eq!(
            (
                resource.timeseries_key,
                resource.path.as_str(),
                resource.name.as_str()
            ),
            (KEY, PATH, "Series")
        );
        assert_eq!(resource.curve_type.map(|c| c.r#type), Some(3));
        assert_eq!(resource.resolution.map(|r| r.r#type), Some(1));
        assert_eq!(
            resource.unit_of_measurement.map(|u| u.name).as_deref(),
            Some("MW")
        );
        let missing = c.ts.get_timeseries_resource(get(4242)).await.unwrap_err();
        assert_eq!(missing.code(), tonic::Code::NotFound);
        assert_eq!(missing.message(), "Timeseries with key 4242 not found.");

        let create = |path: &str| CreatePhysicalTimeseriesRequest {
            session_id: Some(c.session.clone()),
            path: path.to_string(),
            name: "Test_Timeseries".to_string(),
            curve_type: Some(Curve { r#type: 1 }),
            resolution: Some(Resolution { r#type: 2 }),
            unit_of_measurement_id: mw.id.clone(),
            time_zone: None,
        };
        let created =
            c.ts.create_physical_timeseries(create("/Path/To/Timeseries/"))
                .await
                .unwrap()
                .into_inner();
        assert_eq!(created.path, "Resource/Path/To/Timeseries/Test_Timeseries");
        assert_eq!(created.name, "Test_Timeseries");
        assert_eq!(created.curve_type.map(|c| c.r#type), Some(1));
        assert_eq!(created.resolution.map(|r| r.r#type), Some(2));
        assert_eq!(
            created.unit_of_measurement.map(|u| u.name).as_deref(),
            Some("MW")
        );
        for bad in ["Path/To/", "/Path/To", ""] {
            let e =
                c.ts.create_physical_timeseries(create(bad))
                    .await
                    .unwrap_err();
            assert_eq!(e.code(), tonic::Code::InvalidArgument, "{bad:?}");
        }
    });
}
