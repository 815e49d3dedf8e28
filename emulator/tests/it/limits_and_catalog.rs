//! Protocol checks of the emulator with the generated client stubs, over
//! TCP: Mesh's 4 MB limit on a request (which the library never reaches,
//! since it chunks), and the catalog's answers (a series of a `--catalog`
//! list described, unknown keys, units, created series' paths, refused
//! paths).

use mesh_emulator::proto::model_definition::ListUnitsOfMeasurementRequest;
use mesh_emulator::proto::time_series::{
    CreatePhysicalTimeseriesRequest, GetTimeseriesResourceRequest,
};
use mesh_emulator::proto::types::{Curve, Resolution};
use mesh_emulator::{default_catalog, SeriesSpec};

use crate::common::*;

/// 2025-01-01T00:00:00Z in ms.
const T0: i64 = 1_735_689_600_000;
/// A breakpoint series of the tests' own, clear of the emulator's data.
const KEY: i64 = 900;
const PATH: &str = "Resource/Test/Series";

fn with_test_series() -> Emulator {
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

/// `n` points from T0, 1 ms apart: 20 bytes a point on the wire.
fn points(n: usize) -> Vec<P> {
    (0..n).map(|i| P::new(T0 + i as i64, 0, i as f64)).collect()
}

#[test]
fn a_request_over_4_mb_is_refused_with_resource_exhausted() {
    let emu = with_test_series();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let n = 250_000;
        let data = encode(&points(n), true);
        assert!(data.len() > 5_000_000);
        let status = mesh
            .write(&s, by_key(KEY), Some((T0, T0 + n as i64)), data)
            .await
            .unwrap_err();
        assert_eq!(status.code(), tonic::Code::ResourceExhausted, "{status:?}");
        assert!(status.message().contains("larger than max"), "{status:?}");
        // 150,000 points (3 MB, the library's chunk) are taken.
        let n = 150_000;
        mesh.write(
            &s,
            by_key(KEY),
            Some((T0, T0 + n as i64)),
            encode(&points(n), true),
        )
        .await
        .unwrap();
        let read = mesh.read(&s, by_key(KEY), T0, T0 + n as i64).await.unwrap();
        assert_eq!(decode(&read.data).0, points(n));
    });
}

#[test]
fn the_catalog_describes_series_lists_units_and_builds_paths() {
    let emu = with_test_series();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let units = mesh
            .units
            .list_units_of_measurement(ListUnitsOfMeasurementRequest {
                session_id: Some(s.clone()),
            })
            .await
            .unwrap()
            .into_inner()
            .units_of_measurement;
        assert!(units.iter().any(|u| u.name == "MW"));
        assert!(units
            .iter()
            .all(|u| u.id.as_ref().map(|g| g.bytes_le.len()) == Some(16)));
        let mw = mesh.unit(&s, "MW").await;

        let get = |key| GetTimeseriesResourceRequest {
            session_id: Some(s.clone()),
            timeseries_resource_key: key,
        };
        let resource = mesh
            .ts
            .get_timeseries_resource(get(KEY))
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
        let missing = mesh
            .ts
            .get_timeseries_resource(get(4242))
            .await
            .unwrap_err();
        assert_eq!(missing.code(), tonic::Code::NotFound);
        assert_eq!(missing.message(), "Timeseries with key 4242 not found.");

        let create = |path: &str| CreatePhysicalTimeseriesRequest {
            session_id: Some(s.clone()),
            path: path.to_string(),
            name: "Test_Timeseries".to_string(),
            curve_type: Some(Curve { r#type: 1 }),
            resolution: Some(Resolution { r#type: 2 }),
            unit_of_measurement_id: Some(mw.clone()),
            time_zone: None,
        };
        let created = mesh
            .ts
            .create_physical_timeseries(create("/Path/To/Timeseries/"))
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
            let e = mesh
                .ts
                .create_physical_timeseries(create(bad))
                .await
                .unwrap_err();
            assert_eq!(e.code(), tonic::Code::InvalidArgument, "{bad:?}");
        }
    });
}
