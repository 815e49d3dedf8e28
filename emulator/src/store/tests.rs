//! The store on the seeded data: paths in both forms, and the session
//! rules ModelService will rely on (private until commit, rollback,
//! conflicting commits refused in Mesh's words).

use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use super::catalog::{curve, resolution};
use super::model::{Node, Value};
use super::*;
use crate::seed::{self, thermal};

fn store() -> Arc<Store> {
    let seed = seed::build(&seed::default_catalog()).unwrap();
    Arc::new(Store::new(seed, Duration::from_secs(300)))
}

const PLANTS: &str = "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef";

fn attribute(view: &View, path: &str) -> Uuid {
    match view.model.node_by_path(path) {
        Some(Node::Attribute(id)) => id,
        other => panic!("{path}: {other:?}"),
    }
}

/// A new plant named `name` in session `s`; returns its id.
fn create_plant(store: &Store, s: Uuid, name: &str) -> Result<Uuid, ModelError> {
    create_under(store, s, PLANTS, name)
}

fn create_under(store: &Store, s: Uuid, owner: &str, name: &str) -> Result<Uuid, ModelError> {
    let view = store.view(s).unwrap();
    let owner = attribute(&view, owner);
    let Some(model::Kind::Ownership(type_id)) = view.model.definition_of(owner).map(|d| &d.kind)
    else {
        panic!("not an ownership relation");
    };
    let count = view.model.types[type_id].definitions.len();
    let id = Uuid::new_v4();
    store.change(
        s,
        Change::CreateObject {
            id,
            name: name.to_string(),
            owner,
            attributes: (0..count).map(|_| Uuid::new_v4()).collect(),
        },
    )?;
    Ok(id)
}

fn sees(store: &Store, s: Uuid, path: &str) -> bool {
    store.view(s).unwrap().model.node_by_path(path).is_some()
}

#[test]
fn seeded_paths_resolve_in_the_full_and_the_short_form() {
    let store = store();
    let s = store.start_session();
    let view = store.view(s).unwrap();
    let model = &view.model;
    let full = "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef/SomePowerPlant1.PlantToChimneyRef/SomePowerPlantChimney2.TsRawAtt";
    let short = "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1/SomePowerPlantChimney2.TsRawAtt";
    let expected = Some(Node::Attribute(thermal::CHIMNEY_2_TS_RAW));
    assert_eq!(model.node_by_path(full), expected);
    assert_eq!(model.node_by_path(short), expected);
    assert_eq!(
        model.attribute_path(thermal::CHIMNEY_2_TS_RAW).as_deref(),
        Some(full)
    );
    assert_eq!(
        model.object_path(thermal::THERMAL_COMPONENT).as_deref(),
        Some("Model/SimpleThermalTestModel/ThermalComponent")
    );
    assert_eq!(
        model.node_by_path(PLANTS).and_then(|n| match n {
            Node::Attribute(a) => model.attribute_name(a),
            _ => None,
        }),
        Some("ThermalPowerToPlantRef")
    );
    assert_eq!(
        model.node_by_path("Repository/SimpleThermalTestRepository/PlantElementType/TsCalcAtt2"),
        model
            .definition_of(attribute(
                &view,
                "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1.TsCalcAtt2"
            ))
            .map(|d| Node::Definition(d.id))
    );
    for missing in [
        "Model/SimpleThermalTestModel/ThermalComponent/NoSuchPlant",
        "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1.NoSuchAtt",
        "Model/NoSuchModel",
        "non_existing_path",
    ] {
        assert_eq!(model.node_by_path(missing), None, "{missing}");
    }
    assert_eq!(model.roots.len(), 2);
    assert!(model.objects[&thermal::PLANT].attributes.len() >= 32);
    assert_eq!(model.objects[&thermal::CHIMNEY_1].attributes.len(), 7);
    // Every time series attribute that names a resource names one that exists.
    for a in model.attributes.values() {
        if let Value::Timeseries {
            resource: Some(r), ..
        } = a.value
        {
            assert!(view.catalog.get(r).is_some());
        }
    }
}

#[test]
fn model_changes_are_private_until_commit() {
    let store = store();
    let (a, b) = (store.start_session(), store.start_session());
    create_plant(&store, a, "TestPlant").unwrap();
    let path = format!("{PLANTS}/TestPlant");
    assert!(sees(&store, a, &path), "its own change, at once");
    assert!(!sees(&store, b, &path), "another session's, before commit");
    // The new object has the type's attributes, at their initial values.
    let dbl = attribute(&store.view(a).unwrap(), &format!("{path}.DblAtt"));
    assert_eq!(
        store
            .view(a)
            .unwrap()
            .model
            .attribute(dbl)
            .map(|a| &a.value),
        Some(&Value::Double(vec![1000.0]))
    );
    store.commit(a).unwrap();
    assert!(sees(&store, b, &path), "after commit");
    assert!(store
        .view(a)
        .is_some_and(|v| v.model.node_by_path(&path).is_some()));
}

#[test]
fn rollback_discards_changes_and_keeps_what_was_committed() {
    let store = store();
    let s = store.start_session();
    create_plant(&store, s, "Kept").unwrap();
    store.commit(s).unwrap();
    create_plant(&store, s, "Dropped").unwrap();
    let dbl = attribute(&store.view(s).unwrap(), &format!("{PLANTS}/Kept.DblAtt"));
    store
        .change(
            s,
            Change::SetValue {
                attribute: dbl,
                value: Value::Double(vec![5.0]),
            },
        )
        .unwrap();
    store.rollback(s);
    assert!(sees(&store, s, &format!("{PLANTS}/Kept")));
    assert!(!sees(&store, s, &format!("{PLANTS}/Dropped")));
    assert_eq!(
        store
            .view(s)
            .unwrap()
            .model
            .attribute(dbl)
            .map(|a| &a.value),
        Some(&Value::Double(vec![1000.0]))
    );
}

#[test]
fn a_conflicting_commit_fails_in_meshs_words_until_rolled_back() {
    let store = store();
    let (a, b) = (store.start_session(), store.start_session());
    create_plant(&store, a, "TestPlant").unwrap();
    create_plant(&store, b, "TestPlant").unwrap();
    store.commit(a).unwrap();
    let refused = store.commit(b).unwrap_err();
    assert_eq!(
        refused,
        format!(
            "session {} is corrupt due to changes done by some other session, rollback your changes to fix your session",
            b.hyphenated()
        )
    );
    // Nothing of the failed commit is published, and it stays refused.
    assert_eq!(
        store
            .view(a)
            .unwrap()
            .model
            .children(thermal::THERMAL_COMPONENT)
            .len(),
        2
    );
    assert!(store.commit(b).is_err());
    store.rollback(b);
    store.commit(b).unwrap();
    // After another session's commit, the same name is refused at once.
    let c = store.start_session();
    assert_eq!(
        create_plant(&store, c, "TestPlant").unwrap_err().message(),
        "An element named TestPlant already exists in the ThermalPowerToPlantRef element array"
    );
}

#[test]
fn a_child_whose_owner_was_deleted_meanwhile_fails_with_missing_owner() {
    let store = store();
    let (a, b) = (store.start_session(), store.start_session());
    let parent = create_plant(&store, a, "Parent").unwrap();
    store.commit(a).unwrap();
    let owner_path = format!("{PLANTS}/Parent.SimpleOwnershipAtt");
    let owner = attribute(&store.view(a).unwrap(), &owner_path);
    create_under(&store, a, &owner_path, "Child").unwrap();
    store
        .change(
            b,
            Change::DeleteObject {
                id: parent,
                recursive: false,
            },
        )
        .unwrap();
    store.commit(b).unwrap();
    assert_eq!(store.commit(a).unwrap_err(), "Missing owner");
    // Once the delete is seen, the owner is not found at once.
    store.rollback(a);
    let refused = store.change(
        a,
        Change::CreateObject {
            id: Uuid::new_v4(),
            name: "Child".into(),
            owner,
            attributes: Vec::new(),
        },
    );
    assert_eq!(
        refused.map_err(|e| e.message()),
        Err("Owner of the object not found".into())
    );
}

#[test]
fn deleting_what_another_session_deleted_is_not_a_conflict() {
    let store = store();
    let (a, b) = (store.start_session(), store.start_session());
    let plant = create_plant(&store, a, "Doomed").unwrap();
    store.commit(a).unwrap();
    for s in [a, b] {
        store
            .change(
                s,
                Change::DeleteObject {
                    id: plant,
                    recursive: false,
                },
            )
            .unwrap();
    }
    store.commit(a).unwrap();
    store.commit(b).unwrap();
    assert!(!sees(&store, b, &format!("{PLANTS}/Doomed")));
}

#[test]
fn a_refused_change_is_not_recorded() {
    let store = store();
    let s = store.start_session();
    let refused = store.change(
        s,
        Change::DeleteObject {
            id: thermal::PLANT,
            recursive: false,
        },
    );
    assert!(
        matches!(&refused, Err(ModelError::Invalid(m)) if m.contains("has child objects")),
        "{refused:?}"
    );
    store.commit(s).unwrap();
    assert!(sees(&store, s, &format!("{PLANTS}/SomePowerPlant1")));
    // Deleting recursively takes the chimneys and links to them along.
    store
        .change(
            s,
            Change::DeleteObject {
                id: thermal::PLANT,
                recursive: true,
            },
        )
        .unwrap();
    let view = store.view(s).unwrap();
    assert!(view.model.object(thermal::CHIMNEY_2).is_none());
    assert!(view.model.attribute(thermal::CHIMNEY_2_TS_RAW).is_none());
}

#[test]
fn a_new_series_has_key_zero_until_its_session_commits() {
    let store = store();
    let (a, b) = (store.start_session(), store.start_session());
    let id = Uuid::new_v4();
    let resource = Resource {
        id,
        key: 0,
        path: "Resource/Path/To/New".into(),
        name: "New".into(),
        curve: curve::PIECEWISELINEAR,
        resolution: resolution::HOUR,
        unit: None,
        time_zone: None,
        expression: None,
    };
    store
        .change(a, Change::CreateResource(resource.clone()))
        .unwrap();
    let mine = store.view(a).unwrap();
    assert_eq!(mine.catalog.by_path(&resource.path).map(|r| r.key), Some(0));
    assert!(!mine.is_committed(id));
    assert!(store
        .view(b)
        .unwrap()
        .catalog
        .by_path(&resource.path)
        .is_none());
    // Points written before the commit land with it.
    let point = Point {
        time: 7,
        flags: 0,
        value: 1.5,
    };
    store.write_points(
        a,
        Write {
            resource: id,
            start: 0,
            end: 10,
            points: vec![point],
        },
    );
    store.commit(a).unwrap();
    let theirs = store.view(b).unwrap();
    let key = theirs.catalog.by_path(&resource.path).map(|r| r.key);
    assert!(key.is_some_and(|k| k > 103), "{key:?}");
    assert!(theirs.is_committed(id));
    assert_eq!(store.stored_points(b, id, 0, 10), vec![point]);
}

#[test]
fn catalog_updates_are_private_until_commit() {
    let store = store();
    let (a, b) = (store.start_session(), store.start_session());
    let id = thermal::id_for_key(3);
    store
        .change(
            a,
            Change::UpdateResource {
                id,
                curve: Some(curve::STAIRCASE),
                unit: Some(None),
                time_zone: None,
            },
        )
        .unwrap();
    let get = |s| store.view(s).unwrap().catalog.get(id).cloned().unwrap();
    assert_eq!((get(a).curve, get(a).unit), (curve::STAIRCASE, None));
    assert_eq!(get(b).curve, curve::PIECEWISELINEAR);
    assert!(get(b).unit.is_some());
    store.rollback(a);
    assert_eq!(get(a), get(b));
}

#[test]
fn the_point_in_force_is_the_last_before_a_time_as_the_session_sees_it() {
    const H: i64 = 3_600_000;
    const DAY_2016: i64 = 1_451_606_400_000;
    let store = store();
    let (s, other) = (store.start_session(), store.start_session());
    // Chimney 2's series: a point every hour 01:00..09:00 of 2016-01-01.
    let resource = thermal::id_for_key(3);
    let before = |session, t| {
        store
            .previous_stored_point(session, resource, t)
            .map(|p| p.time)
    };
    assert_eq!(before(s, DAY_2016 + 12 * H), Some(DAY_2016 + 9 * H));
    // Strictly before: not the point at the time itself.
    assert_eq!(before(s, DAY_2016 + 5 * H), Some(DAY_2016 + 4 * H));
    assert_eq!(before(s, DAY_2016 + H), None);
    // Far away, through ever wider windows.
    assert_eq!(before(s, DAY_2016 + 4000 * 24 * H), Some(DAY_2016 + 9 * H));
    // The session's own writes: a delete of [05:00, 10:00), and a point a
    // year earlier than anything committed.
    let year_ago = DAY_2016 - 365 * 24 * H;
    assert!(store.write_points(
        s,
        Write {
            resource,
            start: DAY_2016 + 5 * H,
            end: DAY_2016 + 10 * H,
            points: vec![],
        },
    ));
    assert!(store.write_points(
        s,
        Write {
            resource,
            start: year_ago,
            end: year_ago + 1,
            points: vec![Point {
                time: year_ago,
                flags: 0,
                value: 1.0,
            }],
        },
    ));
    assert_eq!(before(s, DAY_2016 + 12 * H), Some(DAY_2016 + 4 * H));
    assert_eq!(before(s, DAY_2016 + H), Some(year_ago));
    // Another session sees only what is committed.
    assert_eq!(before(other, DAY_2016 + 12 * H), Some(DAY_2016 + 9 * H));
    assert_eq!(before(other, DAY_2016 + H), None);
}
