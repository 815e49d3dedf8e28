//! Reading time series the way Mesh answers, over TCP with the generated
//! client: nullable Arrow fields, the point after a linear interval, gaps
//! filled, empty reads, addressing by key, path (both forms) and id, and
//! which reply carries the key.

use mesh_emulator::proto::types::MeshId;

use crate::common::*;

#[test]
fn replies_declare_the_arrow_fields_nullable() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        for (id, start, end) in [
            (by_key(3), DAY_2016, DAY_2016 + 9 * HOUR),
            (by_key(9), DAY_2016, DAY_2016 + HOUR),
        ] {
            let reply = mesh.read(&s, id, start, end).await.unwrap();
            assert_eq!(decode(&reply.data).1, [true; 3]);
        }
    });
}

#[test]
fn a_linear_read_includes_the_point_after_the_interval_end() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        // [01:00, 09:00) of an hourly linear series: nine points, 09:00 last.
        let reply = mesh
            .read(&s, by_key(3), DAY_2016 + HOUR, DAY_2016 + 9 * HOUR)
            .await
            .unwrap();
        let (points, _) = decode(&reply.data);
        assert_eq!(points, test_day(100.0));
        assert_eq!(reply.resolution.map(|r| r.r#type), Some(3));
        // An interval ending between positions still gets one more point.
        let reply = mesh
            .read(&s, by_key(3), DAY_2016 + HOUR, DAY_2016 + 2 * HOUR + 1)
            .await
            .unwrap();
        let times: Vec<i64> = decode(&reply.data).0.iter().map(|p| p.t).collect();
        assert_eq!(times, [1, 2, 3].map(|h| DAY_2016 + h * HOUR));
    });
}

#[test]
fn positions_without_a_stored_value_come_back_as_nan_flagged_missing() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        // Stored: 01:00..09:00 (04:00 stored as NaN NOT_OK|MISSING).
        let reply = mesh
            .read(&s, by_key(3), DAY_2016, DAY_2016 + 11 * HOUR)
            .await
            .unwrap();
        let (points, _) = decode(&reply.data);
        let times: Vec<i64> = points.iter().map(|p| p.t).collect();
        assert_eq!(
            times,
            (0..=11).map(|h| DAY_2016 + h * HOUR).collect::<Vec<_>>()
        );
        for (h, p) in points.iter().enumerate() {
            match h {
                0 | 10 | 11 => assert!(p.is_missing_nan(MISSING), "{h}: {p:?}"),
                4 => assert!(p.is_missing_nan(NOT_OK | MISSING), "{h}: {p:?}"),
                _ => assert_eq!(*p, P::new(p.t, 0, 100.0 * h as f64)),
            }
        }
        // A breakpoint series has no positions to fill.
        let reply = mesh
            .read(&s, by_key(1), DAY_2016, DAY_2016 + 11 * HOUR)
            .await
            .unwrap();
        assert!(decode(&reply.data).0.is_empty());
    });
}

#[test]
fn an_empty_read_has_no_interval_and_resolution_breakpoint() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let start = DAY_2016;
        let end = start + 9 * 366 * 24 * HOUR;
        for id in [by_key(9), by_key(1)] {
            let reply = mesh.read(&s, id.clone(), start, end).await.unwrap();
            assert_eq!(reply.interval, None, "{id:?}");
            assert_eq!(reply.resolution.map(|r| r.r#type), Some(1), "{id:?}");
            let (points, nullable) = decode(&reply.data);
            assert!(points.is_empty());
            assert_eq!(nullable, [true; 3], "the schema comes even with no rows");
            assert_eq!(reply.id.and_then(|i| i.timeseries_key), id.timeseries_key);
        }
        // A read with points echoes its interval.
        let reply = mesh
            .read(&s, by_key(103), 1_735_689_600_000, 1_735_693_200_000)
            .await
            .unwrap();
        assert_eq!(
            reply.interval,
            Some(interval(1_735_689_600_000, 1_735_693_200_000))
        );
    });
}

#[test]
fn attribute_paths_in_both_forms_and_ids_read_the_connected_resource() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let (start, end) = (DAY_2016 + HOUR, DAY_2016 + 9 * HOUR);
        for id in [
            by_path(CHIMNEY_2_TS_RAW_FULL),
            by_path(CHIMNEY_2_TS_RAW_SHORT),
            by_id(CHIMNEY_2_TS_RAW_ID),
        ] {
            let reply = mesh.read(&s, id.clone(), start, end).await.unwrap();
            assert_eq!(decode(&reply.data).0, test_day(100.0), "{id:?}");
        }
        // The plant's raw series (it has no key) by its attribute.
        let plant = "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1.TsRawAtt";
        let reply = mesh.read(&s, by_path(plant), start, end).await.unwrap();
        assert_eq!(decode(&reply.data).0, test_day(1.0));
        // Paths that name no time series.
        for (path, code) in [
            ("Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1", tonic::Code::InvalidArgument),
            ("Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1.DblAtt", tonic::Code::InvalidArgument),
            ("Model/SimpleThermalTestModel/ThermalComponent/NoSuchPlant.TsRawAtt", tonic::Code::NotFound),
            ("Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1.TsAttWithoutResource", tonic::Code::NotFound),
            ("Resource/SimpleThermalTestResourceCatalog/noSuchSeries", tonic::Code::NotFound),
        ] {
            let e = mesh.read(&s, by_path(path), start, end).await.unwrap_err();
            assert_eq!(e.code(), code, "{path}: {e:?}");
        }
    });
}

#[test]
fn the_reply_carries_the_key_only_when_read_by_key() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let (start, end) = (DAY_2016 + HOUR, DAY_2016 + 2 * HOUR);
        let key_of = |id: Option<MeshId>| id.and_then(|i| i.timeseries_key).unwrap_or(0);
        let reply = mesh.read(&s, by_key(3), start, end).await.unwrap();
        assert_eq!(key_of(reply.id.clone()), 3);
        assert_eq!(
            reply.id.and_then(|i| i.path).as_deref(),
            Some("Resource/SimpleThermalTestResourceCatalog/chimney2TimeSeriesRaw")
        );
        let reply = mesh
            .read(&s, by_path(CHIMNEY_2_TS_RAW_SHORT), start, end)
            .await
            .unwrap();
        let id = reply.id.clone();
        assert_eq!(key_of(id.clone()), 0);
        assert_eq!(
            id.clone().and_then(|i| i.id),
            Some(guid(CHIMNEY_2_TS_RAW_ID))
        );
        assert_eq!(
            id.and_then(|i| i.path).as_deref(),
            Some(CHIMNEY_2_TS_RAW_FULL)
        );
        let reply = mesh
            .read(
                &s,
                by_path("Resource/SimpleThermalTestResourceCatalog/chimney2TimeSeriesRaw"),
                start,
                end,
            )
            .await
            .unwrap();
        assert_eq!(key_of(reply.id), 0);
    });
}

#[test]
fn a_mesh_id_with_id_and_path_is_taken_when_both_name_the_same_series() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let (start, end) = (DAY_2016 + HOUR, DAY_2016 + 9 * HOUR);
        let both = |id, path: &str| MeshId {
            id: Some(guid(id)),
            path: Some(path.to_string()),
            timeseries_key: None,
        };
        for agreeing in [
            both(CHIMNEY_2_TS_RAW_ID, CHIMNEY_2_TS_RAW_FULL),
            both(CHIMNEY_2_TS_RAW_ID, CHIMNEY_2_TS_RAW_SHORT),
            MeshId {
                timeseries_key: Some(3),
                ..both(
                    uuid::Uuid::from_u128(0x7a3e_0000_0000_4000_8000_0000_0000_0003),
                    "Resource/SimpleThermalTestResourceCatalog/chimney2TimeSeriesRaw",
                )
            },
        ] {
            let reply = mesh.read(&s, agreeing.clone(), start, end).await.unwrap();
            assert_eq!(decode(&reply.data).0, test_day(100.0), "{agreeing:?}");
        }
        for disagreeing in [
            both(
                CHIMNEY_2_TS_RAW_ID,
                "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1.TsRawAtt",
            ),
            both(
                CHIMNEY_2_TS_RAW_ID,
                "Resource/SimpleThermalTestResourceCatalog/chimney2TimeSeriesRaw",
            ),
            MeshId {
                timeseries_key: Some(2),
                ..by_path(CHIMNEY_2_TS_RAW_FULL)
            },
        ] {
            let e = mesh
                .read(&s, disagreeing.clone(), start, end)
                .await
                .unwrap_err();
            assert_eq!(
                e.code(),
                tonic::Code::InvalidArgument,
                "{disagreeing:?}: {e:?}"
            );
            assert!(e.message().contains("do not name the same"), "{e:?}");
        }
        // Either half unknown is a not-found, whatever the other says.
        let e = mesh
            .read(
                &s,
                both(uuid::Uuid::new_v4(), CHIMNEY_2_TS_RAW_FULL),
                start,
                end,
            )
            .await
            .unwrap_err();
        assert_eq!(e.code(), tonic::Code::NotFound);
    });
}
