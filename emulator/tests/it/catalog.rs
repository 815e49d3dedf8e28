//! The resource catalog over TCP with the generated client: describing
//! the tests' series, creating series (key 0 until commit, time zones) and
//! updating curve type, unit and time zone inside a session.

use mesh_emulator::proto::time_series::{
    CreatePhysicalTimeseriesRequest, GetTimeseriesResourceRequest, TimeseriesResource,
    UpdateTimeseriesResourceRequest,
};
use mesh_emulator::proto::types::{Curve, Guid, Resolution};

use crate::common::*;

const LINEAR: i32 = 2;
const STAIRCASE: i32 = 3;
const HOURLY: i32 = 3;
const DAILY: i32 = 4;

async fn get(mesh: &mut Mesh, s: &Guid, key: i64) -> Result<TimeseriesResource, tonic::Status> {
    mesh.ts
        .get_timeseries_resource(GetTimeseriesResourceRequest {
            session_id: Some(s.clone()),
            timeseries_resource_key: key,
        })
        .await
        .map(|r| r.into_inner())
}

fn create(
    s: &Guid,
    name: &str,
    resolution: i32,
    unit: &Guid,
    zone: Option<&str>,
) -> CreatePhysicalTimeseriesRequest {
    CreatePhysicalTimeseriesRequest {
        session_id: Some(s.clone()),
        path: "/Path/To/Test/Timeseries/".into(),
        name: name.into(),
        curve_type: Some(Curve { r#type: LINEAR }),
        resolution: Some(Resolution { r#type: resolution }),
        unit_of_measurement_id: Some(unit.clone()),
        time_zone: zone.map(str::to_string),
    }
}

fn update(s: &Guid, key: i64, paths: &[&str]) -> UpdateTimeseriesResourceRequest {
    UpdateTimeseriesResourceRequest {
        session_id: Some(s.clone()),
        timeseries_resource_key: key,
        field_mask: Some(prost_types::FieldMask {
            paths: paths.iter().map(|p| p.to_string()).collect(),
        }),
        new_curve_type: None,
        new_unit_of_measurement_id: None,
        new_time_zone: String::new(),
    }
}

#[test]
fn the_tests_series_are_described_as_mesh_describes_them() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let raw = get(&mut mesh, &s, 3).await.unwrap();
        assert_eq!(
            raw.path,
            "Resource/SimpleThermalTestResourceCatalog/chimney2TimeSeriesRaw"
        );
        assert_eq!(raw.name, "chimney2TimeSeriesRaw");
        assert_eq!(
            (
                raw.curve_type.map(|c| c.r#type),
                raw.resolution.map(|r| r.r#type)
            ),
            (Some(LINEAR), Some(HOURLY))
        );
        assert_eq!(
            raw.unit_of_measurement.map(|u| u.name).as_deref(),
            Some("cm")
        );
        assert_eq!(
            (
                raw.temporary,
                raw.virtual_timeseries_expression.as_str(),
                raw.time_zone
            ),
            (false, "", None)
        );
        let vts = get(&mut mesh, &s, 4).await.unwrap();
        assert_eq!(vts.name, "simpleVtsTimeseries");
        assert_eq!(vts.unit_of_measurement, None);
        assert_eq!(
            vts.virtual_timeseries_expression,
            "##= %'/SimpleThermalTestResourceCatalog/plantTimeSeriesRaw' + 3\n"
        );
        let zoned = get(&mut mesh, &s, 50).await.unwrap();
        assert_eq!(zoned.resolution.map(|r| r.r#type), Some(DAILY));
        assert!(zoned.time_zone.is_some());
        for key in [2, 9, 1, 101, 102, 103] {
            assert_eq!(get(&mut mesh, &s, key).await.unwrap().timeseries_key, key);
        }
        let e = get(&mut mesh, &s, 0).await.unwrap_err();
        assert_eq!(e.code(), tonic::Code::NotFound, "key 0 is no key");
    });
}

#[test]
fn a_created_series_has_key_0_until_commit_and_keeps_its_time_zone() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let (s, other) = (mesh.open().await, mesh.open().await);
        let cm = mesh.unit(&s, "cm").await;
        let created = mesh
            .ts
            .create_physical_timeseries(create(&s, "Zoned", DAILY, &cm, Some("Europe/Oslo")))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(created.timeseries_key, 0);
        assert_eq!(created.path, "Resource/Path/To/Test/Timeseries/Zoned");
        assert_eq!(created.time_zone.as_deref(), Some("Europe/Oslo"));
        assert_eq!(
            created.unit_of_measurement.map(|u| u.name).as_deref(),
            Some("cm")
        );
        let path = by_path(&created.path);
        // Its points cannot be read before commit; others do not see it.
        let e = mesh
            .read(&s, path.clone(), DAY_2016, DAY_2016 + HOUR)
            .await
            .unwrap_err();
        assert_eq!(e.code(), tonic::Code::FailedPrecondition, "{e:?}");
        let e = mesh
            .read(&other, path.clone(), DAY_2016, DAY_2016 + HOUR)
            .await
            .unwrap_err();
        assert_eq!(e.code(), tonic::Code::NotFound);
        // A write before commit lands with it.
        let day = 24 * HOUR;
        let point = P::new(DAY_2016 + 23 * HOUR, 0, 5.0);
        mesh.write(
            &s,
            path.clone(),
            Some((DAY_2016, DAY_2016 + day)),
            encode(&[point], true),
        )
        .await
        .unwrap();
        mesh.session.commit(s.clone()).await.unwrap();
        // After commit it has the first key above all others (the demo
        // catalog's highest is 103), and daily positions at Oslo midnight.
        let committed = get(&mut mesh, &other, 104).await.unwrap();
        assert_eq!(committed.path, created.path);
        assert_eq!(committed.time_zone.as_deref(), Some("Europe/Oslo"));
        let reply = mesh
            .read(&other, path, DAY_2016 - HOUR, DAY_2016 + day)
            .await
            .unwrap();
        let (points, _) = decode(&reply.data);
        assert_eq!(points[0].t, DAY_2016 - HOUR);
        assert!(points[0].is_missing_nan(MISSING));
        assert_eq!(points[1], point);
        // The same path again is refused.
        let e = mesh
            .ts
            .create_physical_timeseries(create(&other, "Zoned", DAILY, &cm, None))
            .await
            .unwrap_err();
        assert_eq!(e.code(), tonic::Code::AlreadyExists);
    });
}

#[test]
fn time_zones_are_iana_names_for_daily_or_coarser_series() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let m = mesh.unit(&s, "m").await;
        let invalid = "invalid time zone specified: 'Invalid/TimeZone'";
        let too_fine =
            "time zone can only be set for a time series with a daily resolution or coarser";
        let cases = [
            ("unknown zone", HOURLY, "Invalid/TimeZone", invalid),
            ("unknown zone, daily", DAILY, "Invalid/TimeZone", invalid),
            ("hourly series", HOURLY, "Europe/Warsaw", too_fine),
        ];
        for (what, resolution, zone, message) in cases {
            let e = mesh
                .ts
                .create_physical_timeseries(create(&s, what, resolution, &m, Some(zone)))
                .await
                .unwrap_err();
            assert_eq!(
                (e.code(), e.message()),
                (tonic::Code::InvalidArgument, message),
                "{what}"
            );
        }
        let naive = mesh
            .ts
            .create_physical_timeseries(create(&s, "naive", HOURLY, &m, Some("")))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(naive.time_zone, None);
        // Updates check the same way.
        let mut request = update(&s, 3, &["new_time_zone"]);
        request.new_time_zone = "Europe/Warsaw".into();
        let e = mesh
            .ts
            .update_timeseries_resource(request)
            .await
            .unwrap_err();
        assert_eq!(e.message(), too_fine);
        let mut request = update(&s, 50, &["new_time_zone"]);
        request.new_time_zone = "Mars/Olympus".into();
        let e = mesh
            .ts
            .update_timeseries_resource(request)
            .await
            .unwrap_err();
        assert_eq!(e.message(), "invalid time zone specified: 'Mars/Olympus'");
        for (zone, expected) in [("Europe/London", Some("Europe/London")), ("", None)] {
            let mut request = update(&s, 50, &["new_time_zone"]);
            request.new_time_zone = zone.into();
            mesh.ts.update_timeseries_resource(request).await.unwrap();
            assert_eq!(
                get(&mut mesh, &s, 50).await.unwrap().time_zone.as_deref(),
                expected
            );
        }
    });
}

#[test]
fn resource_updates_are_private_until_commit_and_undone_by_rollback() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let (s, other) = (mesh.open().await, mesh.open().await);
        let m = mesh.unit(&s, "m").await;
        let mut request = update(&s, 3, &["new_curve_type", "new_unit_of_measurement_id"]);
        request.new_curve_type = Some(Curve { r#type: STAIRCASE });
        request.new_unit_of_measurement_id = Some(m.clone());
        mesh.ts.update_timeseries_resource(request).await.unwrap();
        let describe = |r: TimeseriesResource| {
            (
                r.curve_type.map(|c| c.r#type),
                r.unit_of_measurement.map(|u| u.name),
            )
        };
        let mine = describe(get(&mut mesh, &s, 3).await.unwrap());
        assert_eq!(mine, (Some(STAIRCASE), Some("m".to_string())));
        let theirs = describe(get(&mut mesh, &other, 3).await.unwrap());
        assert_eq!(theirs, (Some(LINEAR), Some("cm".to_string())));
        mesh.session.rollback(s.clone()).await.unwrap();
        assert_eq!(describe(get(&mut mesh, &s, 3).await.unwrap()), theirs);
        // Updated and committed, the others see it.
        let mut request = update(&s, 4, &["new_unit_of_measurement_id"]);
        request.new_unit_of_measurement_id = Some(m);
        mesh.ts.update_timeseries_resource(request).await.unwrap();
        mesh.session.commit(s.clone()).await.unwrap();
        let vts = get(&mut mesh, &other, 4).await.unwrap();
        assert_eq!(
            vts.unit_of_measurement.map(|u| u.name).as_deref(),
            Some("m")
        );
    });
}

#[test]
fn bad_resource_updates_are_refused() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let mut unknown_unit = update(&s, 3, &["new_unit_of_measurement_id"]);
        unknown_unit.new_unit_of_measurement_id = Some(guid(uuid::Uuid::new_v4()));
        let cases = [
            (
                "empty mask",
                update(&s, 3, &[]),
                tonic::Code::InvalidArgument,
            ),
            (
                "unknown field",
                update(&s, 3, &["new_name"]),
                tonic::Code::InvalidArgument,
            ),
            (
                "unknown key",
                update(&s, 4242, &["new_curve_type"]),
                tonic::Code::NotFound,
            ),
            ("unknown unit", unknown_unit, tonic::Code::NotFound),
        ];
        for (what, request, code) in cases {
            let e = mesh
                .ts
                .update_timeseries_resource(request)
                .await
                .unwrap_err();
            assert_eq!(e.code(), code, "{what}: {e:?}");
        }
        let e = mesh
            .ts
            .update_timeseries_resource(update(&s, 3, &[]))
            .await
            .unwrap_err();
        assert_eq!(e.message(), "nothing is set to be updated");
    });
}
