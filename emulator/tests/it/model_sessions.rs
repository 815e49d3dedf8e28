//! ModelService changes and sessions over TCP: every kind of change is
//! visible in its own session at once and to others after commit; a
//! rollback discards it; conflicting commits fail in Mesh's words; edits
//! relative to a value (appended links, a time series attribute's resource
//! or expression alone) replay on what another session committed.

use mesh_emulator::proto::model::{
    attribute_value::ValueOneof, UpdateLinkRelationAttributeRequest,
    UpdateTimeseriesAttributeRequest, UpdateXySetsRequest, XyCurve, XySet,
};
use mesh_emulator::proto::types::Guid;
use prost_types::FieldMask;
use tonic::Code;
use uuid::Uuid;

use crate::common::model::*;
use crate::common::*;

/// What a session sees of the things the changes below touch.
#[derive(Debug, PartialEq)]
struct Seen {
    new_plant: bool,
    dbl: Vec<f64>,
    links: Vec<Uuid>,
    xy_curves: usize,
    chimney_2_name: String,
}

async fn seen(mesh: &mut Mesh, s: &Guid) -> Seen {
    let xy = mesh
        .model
        .get_xy_sets(mesh_emulator::proto::model::GetXySetsRequest {
            session_id: Some(s.clone()),
            interval: None,
            versions_only: false,
            attribute: Some(by_path(&plant_attribute("XYSetAtt"))),
        })
        .await
        .unwrap()
        .into_inner();
    Seen {
        new_plant: mesh
            .object(s, by_path(&format!("{PLANTS}/NewPlant")))
            .await
            .is_ok(),
        dbl: doubles(&mesh.plant_attribute(s, "DblAtt").await),
        links: targets(&mesh.plant_attribute(s, "PlantToChimneyRefCollection").await),
        xy_curves: xy.xy_sets[0].xy_curves.len(),
        chimney_2_name: mesh.object(s, by_id(CHIMNEY_2)).await.unwrap().name,
    }
}

async fn change_everything(mesh: &mut Mesh, s: &Guid) {
    mesh.create_object(s, by_path(PLANTS), "NewPlant")
        .await
        .unwrap();
    mesh.set_plant_value(s, "DblAtt", ValueOneof::DoubleValue(1.5))
        .await
        .unwrap();
    mesh.model
        .update_link_relation_attribute(UpdateLinkRelationAttributeRequest {
            session_id: Some(s.clone()),
            attribute: Some(by_path(&plant_attribute("PlantToChimneyRefCollection"))),
            append: false,
            target_object_ids: vec![guid(CHIMNEY_2)],
        })
        .await
        .unwrap();
    mesh.model
        .update_xy_sets(UpdateXySetsRequest {
            session_id: Some(s.clone()),
            interval: None,
            attribute: Some(by_path(&plant_attribute("XYSetAtt"))),
            xy_sets: vec![XySet {
                valid_from_time: None,
                xy_curves: vec![XyCurve {
                    reference_value: 1.0,
                    x_values: vec![0.0],
                    y_values: vec![1.0],
                }],
            }],
        })
        .await
        .unwrap();
    mesh.model
        .update_object(mesh_emulator::proto::model::UpdateObjectRequest {
            session_id: Some(s.clone()),
            object_id: Some(by_id(CHIMNEY_2)),
            field_mask: Some(FieldMask {
                paths: vec!["new_name".into()],
            }),
            new_name: "Renamed".into(),
            new_owner_id: None,
        })
        .await
        .unwrap();
}

fn untouched() -> Seen {
    Seen {
        new_plant: false,
        dbl: vec![1000.0],
        links: vec![CHIMNEY_1, CHIMNEY_2],
        xy_curves: 0,
        chimney_2_name: "SomePowerPlantChimney2".into(),
    }
}

fn changed() -> Seen {
    Seen {
        new_plant: true,
        dbl: vec![1.5],
        links: vec![CHIMNEY_2],
        xy_curves: 1,
        chimney_2_name: "Renamed".into(),
    }
}

#[test]
fn changes_are_the_sessions_own_until_commit() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let (a, b) = (mesh.open().await, mesh.open().await);
        change_everything(&mut mesh, &a).await;
        assert_eq!(
            seen(&mut mesh, &a).await,
            changed(),
            "its own changes, at once"
        );
        assert_eq!(
            seen(&mut mesh, &b).await,
            untouched(),
            "another's, before commit"
        );
        mesh.commit(&a).await.unwrap();
        assert_eq!(seen(&mut mesh, &b).await, changed(), "after commit");
        // A session started after the commit sees it too.
        let c = mesh.open().await;
        assert_eq!(seen(&mut mesh, &c).await, changed());
    });
}

#[test]
fn a_rollback_discards_the_changes_and_keeps_what_was_committed() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        mesh.set_plant_value(&s, "Int64Att", ValueOneof::IntValue(7))
            .await
            .unwrap();
        mesh.commit(&s).await.unwrap();
        change_everything(&mut mesh, &s).await;
        mesh.rollback(&s).await;
        assert_eq!(seen(&mut mesh, &s).await, untouched());
        let int = mesh.plant_attribute(&s, "Int64Att").await;
        assert_eq!(values(&int), [ValueOneof::IntValue(7)]);
    });
}

#[test]
fn conflicting_commits_fail_in_meshs_words_until_rolled_back() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let (a, b) = (mesh.open().await, mesh.open().await);
        mesh.create_object(&a, by_path(PLANTS), "TestPlant")
            .await
            .unwrap();
        mesh.create_object(&b, by_path(PLANTS), "TestPlant")
            .await
            .unwrap();
        mesh.commit(&a).await.unwrap();
        let b_id = uuid(&Some(b.clone()));
        let corrupt = format!(
            "session {} is corrupt due to changes done by some other session, rollback your changes to fix your session",
            b_id.hyphenated()
        );
        assert_refused(mesh.commit(&b).await, Code::FailedPrecondition, &corrupt);
        assert_refused(mesh.commit(&b).await, Code::FailedPrecondition, &corrupt);
        mesh.rollback(&b).await;
        mesh.commit(&b).await.unwrap();
        // Now the name is taken at once.
        assert_refused(
            mesh.create_object(&b, by_path(PLANTS), "TestPlant").await,
            Code::InvalidArgument,
            "An element named TestPlant already exists in the ThermalPowerToPlantRef element array",
        );
    });
}

#[test]
fn a_child_whose_parent_another_session_deleted_fails_with_missing_owner() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let (a, b) = (mesh.open().await, mesh.open().await);
        let parent = mesh
            .create_object(&a, by_path(PLANTS), "Parent")
            .await
            .unwrap();
        mesh.commit(&a).await.unwrap();
        let owner = by_path(&format!("{PLANTS}/Parent.SimpleOwnershipAtt"));
        mesh.create_object(&a, owner.clone(), "Child")
            .await
            .unwrap();
        mesh.delete_object(&b, by_id(uuid(&parent.id)), false)
            .await
            .unwrap();
        mesh.commit(&b).await.unwrap();
        assert_refused(
            mesh.commit(&a).await,
            Code::FailedPrecondition,
            "Missing owner",
        );
        mesh.rollback(&a).await;
        assert_refused(
            mesh.create_object(&a, owner, "Child").await,
            Code::NotFound,
            "Owner of the object not found",
        );
        // Deleting what another session deleted meanwhile is no conflict.
        let doomed = mesh
            .create_object(&a, by_path(PLANTS), "Doomed")
            .await
            .unwrap();
        mesh.commit(&a).await.unwrap();
        for s in [&a, &b] {
            mesh.delete_object(s, by_id(uuid(&doomed.id)), false)
                .await
                .unwrap();
        }
        mesh.commit(&a).await.unwrap();
        mesh.commit(&b).await.unwrap();
        assert_refused(
            mesh.delete_object(&b, by_id(uuid(&doomed.id)), false).await,
            Code::NotFound,
            "object not found",
        );
    });
}

#[test]
fn edits_relative_to_a_value_replay_on_what_others_committed() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let (a, b) = (mesh.open().await, mesh.open().await);
        let many = by_path(&plant_attribute("PlantToChimneyRefCollection"));
        let links = |s: &Guid, append: bool, to: Vec<Uuid>| UpdateLinkRelationAttributeRequest {
            session_id: Some(s.clone()),
            attribute: Some(many.clone()),
            append,
            target_object_ids: to.into_iter().map(guid).collect(),
        };
        mesh.model
            .update_link_relation_attribute(links(&a, false, vec![]))
            .await
            .unwrap();
        mesh.commit(&a).await.unwrap();
        mesh.model
            .update_link_relation_attribute(links(&a, true, vec![CHIMNEY_1]))
            .await
            .unwrap();
        mesh.model
            .update_link_relation_attribute(links(&b, true, vec![CHIMNEY_2]))
            .await
            .unwrap();
        mesh.commit(&a).await.unwrap();
        mesh.commit(&b).await.unwrap();
        assert_eq!(
            targets(
                &mesh
                    .plant_attribute(&a, "PlantToChimneyRefCollection")
                    .await
            ),
            [CHIMNEY_1, CHIMNEY_2]
        );

        // One session connects a resource, the other sets an expression.
        let series =
            |s: &Guid, path: &str, key: i64, expression: &str| UpdateTimeseriesAttributeRequest {
                session_id: Some(s.clone()),
                attribute_id: Some(by_path(&plant_attribute("TsCalcAtt3"))),
                field_mask: Some(FieldMask {
                    paths: vec![path.to_string()],
                }),
                new_timeseries_resource_key: key,
                new_local_expression: expression.to_string(),
            };
        mesh.model
            .update_timeseries_attribute(series(&a, "new_timeseries_resource_key", 2, ""))
            .await
            .unwrap();
        mesh.model
            .update_timeseries_attribute(series(&b, "new_local_expression", 0, "##= 5\n"))
            .await
            .unwrap();
        mesh.commit(&b).await.unwrap();
        mesh.commit(&a).await.unwrap();
        let v = series_value(&mesh.plant_attribute(&b, "TsCalcAtt3").await);
        assert_eq!(v.time_series_resource.map(|r| r.timeseries_key), Some(2));
        assert_eq!(
            (v.expression.as_str(), v.is_local_expression),
            ("##= 5\n", true)
        );

        // A link to an object another session deleted meanwhile fails.
        let new = mesh
            .create_object(&a, by_path(CHIMNEYS), "Short")
            .await
            .unwrap();
        mesh.commit(&a).await.unwrap();
        mesh.model
            .update_link_relation_attribute(links(&a, true, vec![uuid(&new.id)]))
            .await
            .unwrap();
        mesh.delete_object(&b, by_id(uuid(&new.id)), false)
            .await
            .unwrap();
        mesh.commit(&b).await.unwrap();
        assert_refused(
            mesh.commit(&a).await,
            Code::FailedPrecondition,
            "is corrupt due to changes done by some other session",
        );
    });
}
