//! ModelService attributes over TCP: values and definitions of every
//! kind, field masks, lookups that fail, simple value updates, time series
//! attribute updates (which follow the field mask), attribute definition
//! updates, and attribute searches.

use mesh_emulator::proto::model::{
    attribute_value::ValueOneof, AttributeValue, GetAttributeRequest, UpdateSimpleAttributeRequest,
    UpdateTimeseriesAttributeRequest,
};
use mesh_emulator::proto::model_definition::{
    attribute_definition::DefinitionTypeOneof, UpdateTimeseriesAttributeDefinitionRequest,
};
use mesh_emulator::proto::types::{Guid, MeshId};
use prost_types::FieldMask;
use tonic::Code;

use crate::common::model::*;
use crate::common::*;

fn mask(paths: &[&str]) -> Option<FieldMask> {
    Some(FieldMask {
        paths: paths.iter().map(|p| p.to_string()).collect(),
    })
}

fn definition_kind(a: &mesh_emulator::proto::model::Attribute) -> DefinitionTypeOneof {
    a.definition
        .as_ref()
        .and_then(|d| d.definition_type_oneof.clone())
        .expect("a definition of some kind")
}

#[test]
fn simple_attributes_read_with_their_values_and_definitions() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let dbl = mesh.plant_attribute(&s, "DblAtt").await;
        assert_eq!(dbl.path, plant_attribute("DblAtt"));
        assert_eq!((dbl.value_type, dbl.value_type_collection), (DOUBLE, false));
        assert_eq!(doubles(&dbl), [1000.0]);
        let owner = dbl.owner_id.clone().unwrap();
        assert_eq!(
            (uuid(&owner.id), owner.path.as_deref()),
            (PLANT_ID, Some(PLANT))
        );
        let d = dbl.definition.clone().unwrap();
        assert_eq!(
            d.path,
            "Repository/SimpleThermalTestRepository/PlantElementType/DblAtt"
        );
        assert_eq!(
            (d.type_name.as_str(), d.name_space.as_str()),
            ("DoubleAttributeDefinition", "SimpleThermalTestRepository")
        );
        assert_eq!((d.minimum_cardinality, d.maximum_cardinality), (1, 1));
        let mut tags: Vec<_> = d.tags.iter().map(|t| t.name.as_str()).collect();
        tags.sort();
        assert_eq!(tags, ["Tag1", "Tag3"]);
        let DefinitionTypeOneof::DoubleDefinition(numbers) = definition_kind(&dbl) else {
            panic!("a double definition");
        };
        assert_eq!(
            (
                numbers.default_value,
                numbers.minimum_value,
                numbers.maximum_value
            ),
            (1000.0, -f64::MAX, f64::MAX)
        );
        assert!(numbers.unit_of_measurement.is_none());

        let limited = mesh.plant_attribute(&s, "DblAttWithLimits").await;
        let DefinitionTypeOneof::DoubleDefinition(numbers) = definition_kind(&limited) else {
            panic!("a double definition");
        };
        assert_eq!(
            numbers.unit_of_measurement.map(|u| u.name).as_deref(),
            Some("m")
        );

        let time = mesh.plant_attribute(&s, "UtcDateTimeAtt").await;
        assert_eq!(
            values(&time),
            [ValueOneof::UtcTimeValue(timestamp(
                date(2022, 5, 10) + ((7 * 60 + 24) * 60 + 15) * 1000
            ))]
        );
        let DefinitionTypeOneof::UtcTimeDefinition(times) = definition_kind(&time) else {
            panic!("a UTC time definition");
        };
        assert_eq!(times.default_value, "UTC20220510072415");
        assert!(times.minimum_value.is_empty() && times.maximum_value.is_empty());

        let bools = mesh.plant_attribute(&s, "BoolArrayAtt").await;
        assert!(bools.value_type_collection);
        let expected: Vec<_> = [false, true, false, true, false]
            .map(ValueOneof::BooleanValue)
            .into();
        assert_eq!(values(&bools), expected);
        let d = bools.definition.unwrap();
        assert_eq!(
            (d.type_name.as_str(), d.description.as_str()),
            ("BooleanArrayAttributeDefinition", "Array of bools")
        );
        assert_eq!((d.minimum_cardinality, d.maximum_cardinality), (0, 10));

        let text = mesh.plant_attribute(&s, "StringAtt").await;
        assert_eq!(
            values(&text),
            [ValueOneof::StringValue("Default string value".into())]
        );
        let int = mesh.plant_attribute(&s, "Int64Att").await;
        assert_eq!(values(&int), [ValueOneof::IntValue(64)]);
    });
}

#[test]
fn time_series_relation_and_curve_attributes_read_as_mesh_sends_them() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let raw = mesh.plant_attribute(&s, "TsRawAtt").await;
        assert_eq!(raw.value_type, TIMESERIES);
        let v = series_value(&raw);
        let resource = v.time_series_resource.expect("a connected resource");
        assert_eq!(
            resource.timeseries_key, 0,
            "the plant's raw series has no key"
        );
        assert_eq!(
            resource.unit_of_measurement.map(|u| u.name).as_deref(),
            Some("cm")
        );
        assert_eq!((v.expression.as_str(), v.is_local_expression), ("", false));

        let calc = mesh.plant_attribute(&s, "TsCalcAtt2").await;
        let v = series_value(&calc);
        assert!(v.time_series_resource.is_none());
        assert_eq!(
            v.expression,
            "##= @SUM(@T('ReferenceSeriesCollectionAtt.TsRawAtt'))\n\n"
        );
        assert!(!v.is_local_expression);
        let DefinitionTypeOneof::TimeseriesDefinition(t) = definition_kind(&calc) else {
            panic!("a time series definition");
        };
        assert_eq!(t.template_expression, v.expression);
        let local = mesh.plant_attribute(&s, "TsCalcAtt").await;
        let v = series_value(&local);
        assert!(v.is_local_expression);

        let owned = mesh.plant_attribute(&s, "PlantToChimneyRef").await;
        assert_eq!(
            (owned.value_type, owned.value_type_collection),
            (OWNERSHIP, true)
        );
        assert_eq!(targets(&owned), [CHIMNEY_1, CHIMNEY_2]);
        let DefinitionTypeOneof::OwnershipRelationDefinition(o) = definition_kind(&owned) else {
            panic!("an ownership definition");
        };
        assert_eq!(o.target_object_type_name, "ChimneyElementType");
        assert_eq!(
            owned.definition.unwrap().type_name,
            "ElementCollectionAttributeDefinition"
        );
        let single = mesh.plant_attribute(&s, "SimpleOwnershipAtt").await;
        assert!(targets(&single).is_empty());
        assert_eq!(
            single.definition.unwrap().type_name,
            "ElementAttributeDefinition"
        );

        let link = mesh.plant_attribute(&s, "SimpleReference").await;
        assert_eq!((link.value_type, targets(&link)), (LINK, vec![CHIMNEY_2]));
        let series = mesh.plant_attribute(&s, "ReferenceSeriesAtt").await;
        assert_eq!(
            versions(&series),
            [vec![
                (Some(CHIMNEY_2), date(2005, 3, 2)),
                (Some(CHIMNEY_1), date(2015, 6, 3)),
                (Some(CHIMNEY_2), date(2017, 2, 1)),
            ]]
        );
        let DefinitionTypeOneof::LinkRelationDefinition(l) = definition_kind(&series) else {
            panic!("a link definition");
        };
        assert!(l.versioned);
        assert_eq!(
            series.definition.unwrap().type_name,
            "ReferenceSeriesAttributeDefinition"
        );

        for (name, type_name) in [
            ("XYSetAtt", "XYSetAttributeDefinition"),
            ("RatingCurveAtt", "RatingCurveAttributeDefinition"),
        ] {
            let a = mesh.plant_attribute(&s, name).await;
            assert!(a.values.is_empty(), "{name} has its own calls");
            assert_eq!(a.definition.unwrap().type_name, type_name);
        }
    });
}

#[test]
fn attribute_masks_and_lookups_that_fail() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let client = mesh.model.clone();
        let get = |id: MeshId, field_mask: Option<FieldMask>| {
            let request = GetAttributeRequest {
                session_id: Some(s.clone()),
                attribute_id: Some(id),
                field_mask,
            };
            let mut client = client.clone();
            async move { client.get_attribute(request).await.map(|r| r.into_inner()) }
        };
        let view = [
            "id",
            "path",
            "name",
            "values",
            "value_type",
            "value_type_collection",
            "owner_id",
        ];
        let a = get(by_path(&plant_attribute("DblAtt")), mask(&view))
            .await
            .unwrap();
        assert!(a.definition.is_none());
        assert_eq!(doubles(&a), [1000.0]);
        let a = get(by_path(&plant_attribute("DblAtt")), mask(&["name"]))
            .await
            .unwrap();
        assert!(a.values.is_empty() && a.id.is_none() && a.name == "DblAtt");
        let id = uuid(&mesh.plant_attribute(&s, "DblAtt").await.id);
        // Both forms of the path, the id, and id with path.
        for target in [
            by_id(id),
            by_path(&format!("{PLANT_SHORT}.DblAtt")),
            by_both(id, &plant_attribute("DblAtt")),
        ] {
            assert_eq!(uuid(&get(target, None).await.unwrap().id), id);
        }
        let cases: Vec<(MeshId, Option<FieldMask>, Code, &str)> = vec![
            (by_path(PLANT), None, Code::InvalidArgument, "Invalid type"),
            (by_id(PLANT_ID), None, Code::InvalidArgument, "Invalid type"),
            (
                by_path("non_existing_path"),
                None,
                Code::NotFound,
                "attribute not found",
            ),
            (
                by_id(uuid::Uuid::new_v4()),
                None,
                Code::NotFound,
                "attribute not found",
            ),
            (by_path(""), None, Code::NotFound, "attribute not found"),
            (
                by_both(id, &plant_attribute("Int64Att")),
                None,
                Code::InvalidArgument,
                "do not name the same attribute",
            ),
            (
                by_path(&plant_attribute("DblAtt")),
                mask(&["colour"]),
                Code::InvalidArgument,
                "field_mask: unknown field 'colour'",
            ),
        ];
        for (target, field_mask, code, text) in cases {
            assert_refused(get(target, field_mask).await, code, text);
        }
    });
}

/// An update of a plant attribute: name, singular value, collection
/// values, and the values read back after.
type Update<'a> = (
    &'a str,
    Option<ValueOneof>,
    Vec<ValueOneof>,
    Vec<ValueOneof>,
);
/// A refused update: name, singular value, collection values, and what
/// Mesh says.
type Refusal<'a> = (&'a str, Option<ValueOneof>, Vec<ValueOneof>, Code, &'a str);

fn value(v: ValueOneof) -> AttributeValue {
    AttributeValue {
        value_oneof: Some(v),
    }
}

async fn set(
    mesh: &mut Mesh,
    s: &Guid,
    name: &str,
    singular: Option<ValueOneof>,
    collection: Vec<ValueOneof>,
) -> Result<(), tonic::Status> {
    mesh.model
        .update_simple_attribute(UpdateSimpleAttributeRequest {
            session_id: Some(s.clone()),
            attribute_id: Some(by_path(&plant_attribute(name))),
            new_singular_value: singular.map(value),
            new_collection_values: collection.into_iter().map(value).collect(),
        })
        .await
        .map(drop)
}

#[test]
fn simple_values_are_updated_and_wrong_ones_refused() {
    use ValueOneof::*;
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let when = timestamp(date(2022, 5, 14) + 1000);
        let updates: Vec<Update> = vec![
            (
                "DblAtt",
                Some(DoubleValue(5.0)),
                vec![],
                vec![DoubleValue(5.0)],
            ),
            (
                "DblAtt",
                Some(IntValue(13)),
                vec![],
                vec![DoubleValue(13.0)],
            ),
            ("Int64Att", Some(IntValue(70)), vec![], vec![IntValue(70)]),
            (
                "BoolAtt",
                Some(BooleanValue(false)),
                vec![],
                vec![BooleanValue(false)],
            ),
            (
                "StringAtt",
                Some(StringValue("new".into())),
                vec![],
                vec![StringValue("new".into())],
            ),
            (
                "UtcDateTimeAtt",
                Some(UtcTimeValue(when)),
                vec![],
                vec![UtcTimeValue(when)],
            ),
            (
                "BoolArrayAtt",
                None,
                vec![BooleanValue(true)],
                vec![BooleanValue(true)],
            ),
            (
                "DblArrayAtt",
                None,
                vec![IntValue(1), DoubleValue(2.5)],
                vec![DoubleValue(1.0), DoubleValue(2.5)],
            ),
            ("BoolArrayAtt", None, vec![], vec![]),
        ];
        for (name, singular, collection, expected) in updates {
            set(&mut mesh, &s, name, singular, collection)
                .await
                .unwrap();
            assert_eq!(
                values(&mesh.plant_attribute(&s, name).await),
                expected,
                "{name}"
            );
        }

        let phrase = "Check if you correctly applied the singular value/collection values";
        let refusals: Vec<Refusal> = vec![
            (
                "BoolArrayAtt",
                Some(IntValue(7)),
                vec![],
                Code::InvalidArgument,
                phrase,
            ),
            (
                "BoolArrayAtt",
                Some(BooleanValue(true)),
                vec![],
                Code::InvalidArgument,
                phrase,
            ),
            (
                "DblAtt",
                None,
                vec![DoubleValue(1.0)],
                Code::InvalidArgument,
                phrase,
            ),
            ("DblAtt", None, vec![], Code::InvalidArgument, phrase),
            (
                "DblAtt",
                Some(DoubleValue(1.0)),
                vec![DoubleValue(1.0)],
                Code::InvalidArgument,
                phrase,
            ),
            (
                "DblAtt",
                Some(StringValue("x".into())),
                vec![],
                Code::InvalidArgument,
                "Invalid type",
            ),
            (
                "Int64Att",
                Some(DoubleValue(1.5)),
                vec![],
                Code::InvalidArgument,
                "Invalid type",
            ),
            (
                "BoolArrayAtt",
                None,
                vec![BooleanValue(true), IntValue(1)],
                Code::InvalidArgument,
                "Invalid type",
            ),
            (
                "BoolArrayAtt",
                None,
                vec![BooleanValue(true); 11],
                Code::InvalidArgument,
                "at most 10 values",
            ),
            (
                "TsRawAtt",
                Some(DoubleValue(1.0)),
                vec![],
                Code::InvalidArgument,
                "not a simple attribute",
            ),
            (
                "SimpleReference",
                Some(DoubleValue(1.0)),
                vec![],
                Code::InvalidArgument,
                "not a simple attribute",
            ),
        ];
        let before = mesh.plant_attribute(&s, "BoolArrayAtt").await;
        for (name, singular, collection, code, text) in refusals {
            assert_refused(
                set(&mut mesh, &s, name, singular, collection).await,
                code,
                text,
            );
        }
        assert_eq!(
            mesh.plant_attribute(&s, "BoolArrayAtt").await.values,
            before.values
        );
    });
}

async fn update_series(
    mesh: &mut Mesh,
    s: &Guid,
    target: MeshId,
    paths: &[&str],
    key: i64,
    expression: &str,
) -> Result<(), tonic::Status> {
    mesh.model
        .update_timeseries_attribute(UpdateTimeseriesAttributeRequest {
            session_id: Some(s.clone()),
            attribute_id: Some(target),
            field_mask: mask(paths),
            new_timeseries_resource_key: key,
            new_local_expression: expression.to_string(),
        })
        .await
        .map(drop)
}

/// (connected key, expression, whether it is local) of a time series
/// attribute.
async fn series_state(mesh: &mut Mesh, s: &Guid, name: &str) -> (Option<i64>, String, bool) {
    let a = mesh.plant_attribute(s, name).await;
    let v = series_value(&a);
    (
        v.time_series_resource.map(|r| r.timeseries_key),
        v.expression,
        v.is_local_expression,
    )
}

#[test]
fn time_series_attribute_updates_follow_the_field_mask() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let raw = by_path(&plant_attribute("TsRawAtt"));
        let key = ["new_timeseries_resource_key"];
        let expression = ["new_local_expression"];
        update_series(&mut mesh, &s, raw.clone(), &key, 2, "")
            .await
            .unwrap();
        assert_eq!(
            series_state(&mut mesh, &s, "TsRawAtt").await,
            (Some(2), String::new(), false)
        );
        // Key 0 is absent on the wire; the mask says it is meant.
        update_series(&mut mesh, &s, raw.clone(), &key, 0, "ignored")
            .await
            .unwrap();
        assert_eq!(
            series_state(&mut mesh, &s, "TsRawAtt").await,
            (None, String::new(), false)
        );

        let calc = by_path(&plant_attribute("TsCalcAtt2"));
        let template = series_state(&mut mesh, &s, "TsCalcAtt2").await.1;
        update_series(&mut mesh, &s, calc.clone(), &expression, 99, "##= 1\n")
            .await
            .unwrap();
        assert_eq!(
            series_state(&mut mesh, &s, "TsCalcAtt2").await,
            (None, "##= 1\n".into(), true)
        );
        // The empty expression goes back to the template.
        update_series(&mut mesh, &s, calc.clone(), &expression, 0, "")
            .await
            .unwrap();
        assert_eq!(
            series_state(&mut mesh, &s, "TsCalcAtt2").await,
            (None, template, false)
        );
        update_series(&mut mesh, &s, calc, &[key[0], expression[0]], 3, "##= 2\n")
            .await
            .unwrap();
        assert_eq!(
            series_state(&mut mesh, &s, "TsCalcAtt2").await,
            (Some(3), "##= 2\n".into(), true)
        );

        let refusals: Vec<(MeshId, Vec<&str>, i64, Code, &str)> = vec![
            (
                raw.clone(),
                vec![],
                2,
                Code::InvalidArgument,
                "nothing is set to be updated",
            ),
            (
                raw.clone(),
                key.to_vec(),
                123456,
                Code::NotFound,
                "time series key: 123456 not found",
            ),
            (
                raw.clone(),
                vec!["new_colour"],
                2,
                Code::InvalidArgument,
                "unknown field 'new_colour'",
            ),
            (
                by_path(&plant_attribute("DblAtt")),
                key.to_vec(),
                2,
                Code::InvalidArgument,
                "Invalid type",
            ),
            (
                by_path(PLANT),
                key.to_vec(),
                2,
                Code::InvalidArgument,
                "Invalid type",
            ),
            (
                by_path("non_existing_path"),
                key.to_vec(),
                2,
                Code::NotFound,
                "not found",
            ),
        ];
        for (target, paths, k, code, text) in refusals {
            assert_refused(
                update_series(&mut mesh, &s, target, &paths, k, "").await,
                code,
                text,
            );
        }
    });
}

async fn update_definition(
    mesh: &mut Mesh,
    s: &Guid,
    target: MeshId,
    paths: &[&str],
    description: &str,
    template: &str,
) -> Result<(), tonic::Status> {
    mesh.units
        .update_timeseries_attribute_definition(UpdateTimeseriesAttributeDefinitionRequest {
            session_id: Some(s.clone()),
            attribute_definition_id: Some(target),
            field_mask: mask(paths),
            new_description: description.to_string(),
            new_cardinality: 0,
            new_template_expression: template.to_string(),
        })
        .await
        .map(drop)
}

#[test]
fn time_series_definitions_change_for_the_session_and_a_local_expression_wins() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let (a, b) = (mesh.open().await, mesh.open().await);
        let attribute = mesh.plant_attribute(&a, "TsCalcAtt2").await;
        let definition = attribute.definition.clone().unwrap();
        let (by_definition_id, by_definition_path) =
            (by_id(uuid(&definition.id)), by_path(&definition.path));
        let both = ["new_description", "new_template_expression"];
        update_definition(
            &mut mesh,
            &a,
            by_definition_id.clone(),
            &both,
            "described",
            "##= 7\n",
        )
        .await
        .unwrap();
        let changed = mesh
            .plant_attribute(&a, "TsCalcAtt2")
            .await
            .definition
            .unwrap();
        assert_eq!(changed.description, "described");
        assert_eq!(
            series_state(&mut mesh, &a, "TsCalcAtt2").await,
            (None, "##= 7\n".into(), false)
        );
        assert_eq!(
            mesh.plant_attribute(&b, "TsCalcAtt2").await.definition,
            Some(definition.clone())
        );
        // Every attribute of the definition follows it; a local expression wins.
        update_series_expression(&mut mesh, &a, "TsCalcAtt2", "##= 8\n").await;
        assert_eq!(
            series_state(&mut mesh, &a, "TsCalcAtt2").await,
            (None, "##= 8\n".into(), true)
        );
        update_definition(
            &mut mesh,
            &a,
            by_definition_path.clone(),
            &["new_template_expression"],
            "",
            "##= 9\n",
        )
        .await
        .unwrap();
        assert_eq!(series_state(&mut mesh, &a, "TsCalcAtt2").await.1, "##= 8\n");
        mesh.rollback(&a).await;
        assert_eq!(
            mesh.plant_attribute(&a, "TsCalcAtt2").await.definition,
            Some(definition.clone())
        );

        let refusals: Vec<(MeshId, Vec<&str>, Code, &str)> = vec![
            (
                by_definition_id.clone(),
                vec![],
                Code::InvalidArgument,
                "nothing is set to be updated",
            ),
            (
                by_definition_id.clone(),
                vec!["new_cardinality"],
                Code::Unimplemented,
                "cardinality",
            ),
            (
                by_definition_id,
                vec!["new_colour"],
                Code::InvalidArgument,
                "unknown field 'new_colour'",
            ),
            (
                by_path("Repository/SimpleThermalTestRepository/PlantElementType/DblAtt"),
                both.to_vec(),
                Code::InvalidArgument,
                "not a time series attribute definition",
            ),
            (
                by_path(&plant_attribute("TsCalcAtt2")),
                both.to_vec(),
                Code::InvalidArgument,
                "Invalid type",
            ),
            (
                by_path("Repository/SimpleThermalTestRepository/PlantElementType/Nope"),
                both.to_vec(),
                Code::NotFound,
                "attribute definition not found",
            ),
        ];
        for (target, paths, code, text) in refusals {
            assert_refused(
                update_definition(&mut mesh, &a, target, &paths, "d", "t").await,
                code,
                text,
            );
        }
        // After commit, other sessions see the change.
        update_definition(
            &mut mesh,
            &a,
            by_definition_path,
            &["new_description"],
            "committed",
            "",
        )
        .await
        .unwrap();
        mesh.commit(&a).await.unwrap();
        assert_eq!(
            mesh.plant_attribute(&b, "TsCalcAtt2")
                .await
                .definition
                .unwrap()
                .description,
            "committed"
        );
    });
}

async fn update_series_expression(mesh: &mut Mesh, s: &Guid, name: &str, expression: &str) {
    update_series(
        mesh,
        s,
        by_path(&plant_attribute(name)),
        &["new_local_expression"],
        0,
        expression,
    )
    .await
    .unwrap();
}

#[test]
fn attributes_are_searched_from_a_start_object() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        for start in [by_path(COMPONENT), by_id(COMPONENT_ID)] {
            let found = mesh
                .search_attributes(&s, start, "{*}.TsRawAtt")
                .await
                .unwrap();
            assert_eq!(found.len(), 3);
            assert!(found
                .iter()
                .all(|a| a.value_type == TIMESERIES && a.definition.is_some()));
            assert!(found.iter().any(|a| a.path == plant_attribute("TsRawAtt")));
        }
        let found = mesh
            .search_attributes(
                &s,
                by_path(MODEL),
                "*[.Name=SomePowerPlant1].DblAtt,ABSENT_ATTRIBUTE",
            )
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(doubles(&found[0]), [1000.0]);
        assert!(mesh
            .search_attributes(&s, by_path(MODEL), "{*}.NoSuchAtt")
            .await
            .unwrap()
            .is_empty());
        let cases: Vec<(MeshId, &str, Code, &str)> = vec![
            (
                by_path(COMPONENT),
                "{*}",
                Code::InvalidArgument,
                "finds objects, not attributes",
            ),
            (
                by_path(COMPONENT),
                "{*}.",
                Code::InvalidArgument,
                "invalid search query",
            ),
            (
                by_path(PLANTS),
                "{*}.TsCalcAtt",
                Code::InvalidArgument,
                "invalid type",
            ),
            (
                by_path("non_existing_path"),
                "{*}.TsCalcAtt",
                Code::NotFound,
                "not found",
            ),
            (
                by_id(uuid::Uuid::new_v4()),
                "{*}.TsCalcAtt",
                Code::NotFound,
                "not found",
            ),
        ];
        for (start, query, code, text) in cases {
            assert_refused(mesh.search_attributes(&s, start, query).await, code, text);
        }
    });
}
