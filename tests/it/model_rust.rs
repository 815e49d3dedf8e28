//! The model through the Rust client API, in the caller's own tokio
//! runtime, against the emulator's copy of the official test model: typed
//! values, views and attribute filters by name, tag and namespace, updates
//! with isolation, and error kinds.

use std::time::Duration;

use crate::common::emulator;
use crate::common::model::{utc_ms, CHIMNEY2_ID, COMPONENT, PLANT, PLANT_ID};
use mesh_capi::client::model::{
    AttributeFilter, DefinitionKind, LinkVersion, SimpleValue, Target, Value, ValueType, View,
};
use mesh_capi::client::{ConnectOptions, Connection, ErrorKind, Session, Uuid};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn path(p: &str) -> Target {
    Target::Path(p.to_string())
}

#[test]
fn objects_come_back_typed_in_the_view_asked_for() {
    let emu = emulator(Duration::from_secs(300));
    runtime().block_on(async {
        let conn = Connection::connect(&emu.url(), ConnectOptions::default())
            .await
            .unwrap();
        let s = conn.open_session().await.unwrap();
        let plant_id = Target::Id(Uuid::parse_str(PLANT_ID).unwrap());
        let plant = s
            .get_object(&plant_id, View::Full, &AttributeFilter::default())
            .await
            .unwrap();
        assert_eq!(plant.path, PLANT);
        assert_eq!(plant.type_name, "PlantElementType");
        let dbl = plant.attribute("DblAtt").unwrap();
        assert_eq!(dbl.value_type, ValueType::Double);
        assert_eq!(dbl.values, [Value::Double(1000.0)]);
        let def = dbl.definition.as_deref().unwrap();
        assert!(matches!(def.kind, DefinitionKind::Double { default, .. } if default == 1000.0));
        let t = plant.attribute("UtcDateTimeAtt").unwrap();
        assert_eq!(t.values, [Value::UtcTime(utc_ms(2022, 5, 10, 7, 24, 15))]);
        let link = plant.attribute("SimpleReference").unwrap();
        assert_eq!(
            link.values,
            [Value::Link(Some(Uuid::parse_str(CHIMNEY2_ID).unwrap()))]
        );

        let lean = s
            .get_object(
                &path(PLANT),
                View::NoDefinitions,
                &AttributeFilter::default(),
            )
            .await
            .unwrap();
        assert_eq!(lean.attributes.len(), plant.attributes.len());
        assert!(lean.attributes.iter().all(|a| a.definition.is_none()));
        let bare = s
            .get_object(
                &path(PLANT),
                View::NoAttributes,
                &AttributeFilter::default(),
            )
            .await
            .unwrap();
        assert!(bare.attributes.is_empty());

        // Filters: by tag (DblAtt carries Tag1), by a namespace that
        // matches nothing, by names.
        let tagged = s
            .get_object(
                &path(PLANT),
                View::Full,
                &AttributeFilter {
                    tags: vec!["Tag1".into()],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(tagged.attribute("DblAtt").is_some());
        assert!(tagged.attributes.iter().all(|a| a
            .definition
            .as_ref()
            .unwrap()
            .tags
            .contains(&"Tag1".to_string())));
        let none = s
            .get_object(
                &path(PLANT),
                View::Full,
                &AttributeFilter {
                    namespaces: vec!["NON_EXISTING".into()],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(none.attributes.is_empty());
        let named = s
            .get_object(
                &path(PLANT),
                View::NoDefinitions,
                &AttributeFilter::names(["Int64Att"]),
            )
            .await
            .unwrap();
        assert_eq!(named.attributes.len(), 1);
        assert_eq!(named.attributes[0].values, [Value::Int(64)]);

        let chimneys = s
            .search_objects(
                &path(COMPONENT),
                "*[.Type=ChimneyElementType]",
                View::NoDefinitions,
                &AttributeFilter::default(),
            )
            .await
            .unwrap();
        assert_eq!(chimneys.len(), 2);
        s.close().await.unwrap();
    });
}

async fn read(s: &Session, target: &Target) -> Vec<Value> {
    s.get_attribute(target, View::NoDefinitions)
        .await
        .unwrap()
        .values
}

#[test]
fn updates_stay_in_their_session_until_commit() {
    let emu = emulator(Duration::from_secs(300));
    runtime().block_on(async {
        let conn = Connection::connect(&emu.url(), ConnectOptions::default())
            .await
            .unwrap();
        let a = conn.open_session().await.unwrap();
        let b = conn.open_session().await.unwrap();
        let int_att = path(&format!("{PLANT}.Int64Att"));
        a.set_attribute_value(&int_att, &SimpleValue::Int(70))
            .await
            .unwrap();
        assert_eq!(read(&a, &int_att).await, [Value::Int(70)]);
        assert_eq!(read(&b, &int_att).await, [Value::Int(64)]);
        a.commit().await.unwrap();
        assert_eq!(read(&b, &int_att).await, [Value::Int(70)]);

        let bools = path(&format!("{PLANT}.BoolArrayAtt"));
        a.set_attribute_values(&bools, &[SimpleValue::Bool(true)])
            .await
            .unwrap();
        let got = a.get_attribute(&bools, View::Full).await.unwrap();
        assert_eq!(got.values, [Value::Bool(true)]);
        assert!(got.is_collection);

        let series = path(&format!("{PLANT}.ReferenceSeriesAtt"));
        let chimney2 = Uuid::parse_str(CHIMNEY2_ID).unwrap();
        a.update_versioned_link_relation(
            &series,
            Some((utc_ms(1900, 1, 1, 0, 0, 0), utc_ms(2100, 1, 1, 0, 0, 0))),
            &[vec![LinkVersion {
                target_id: Some(chimney2),
                valid_from_ms: utc_ms(1990, 1, 1, 0, 0, 0),
            }]],
        )
        .await
        .unwrap();
        let got = a.get_attribute(&series, View::NoDefinitions).await.unwrap();
        assert_eq!(
            got.values,
            [Value::VersionedLink(vec![LinkVersion {
                target_id: Some(chimney2),
                valid_from_ms: utc_ms(1990, 1, 1, 0, 0, 0),
            }])]
        );
        a.rollback().await.unwrap();
        a.close().await.unwrap();
        b.close().await.unwrap();
    });
}

#[test]
fn errors_have_the_kinds_callers_act_on() {
    let emu = emulator(Duration::from_secs(300));
    runtime().block_on(async {
        let conn = Connection::connect(&emu.url(), ConnectOptions::default())
            .await
            .unwrap();
        let s = conn.open_session().await.unwrap();
        let missing = s
            .get_object(
                &Target::Id(Uuid::from_u128(0xff)),
                View::Full,
                &AttributeFilter::default(),
            )
            .await
            .unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::NotFound, "{missing}");
        let e = Target::parse("SomePowerPlant1").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        let e = s
            .get_attribute(&path(PLANT), View::NoAttributes)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        let e = s.delete_object(&path(PLANT), false).await.unwrap_err();
        assert!(e.message().contains("has child objects"), "{e}");
        s.close().await.unwrap();
    });
}
