//! The search language over the official tests' model and over small
//! hand-built models whose expected answers follow from Mesh's documented
//! examples (a self-similar model, link cycles, a very deep chain).

use uuid::Uuid;

use super::*;
use crate::seed::builder::{def, stable_id, Builder};
use crate::seed::{self, thermal};
use crate::store::model::{Kind, LinkVersion, Value};

const COMPONENT: Uuid = thermal::THERMAL_COMPONENT;
const PLANT: Uuid = thermal::PLANT;
const CHIMNEY_1: Uuid = thermal::CHIMNEY_1;
const CHIMNEY_2: Uuid = thermal::CHIMNEY_2;

fn thermal_model() -> Model {
    seed::build(&[]).expect("the seed builds").model
}

fn name(model: &Model, id: Uuid) -> String {
    match model.object(id) {
        Some(o) => o.name.clone(),
        None => model
            .attribute_path(id)
            .unwrap_or_else(|| format!("unknown {id}")),
    }
}

/// Names of the objects `query` finds from `start`, in order.
fn found(model: &Model, start: Uuid, query: &str) -> Vec<String> {
    match objects(model, start, query) {
        Ok(ids) => ids.into_iter().map(|id| name(model, id)).collect(),
        Err(e) => panic!("{query}: {e}"),
    }
}

/// The same, sorted, where the order is not the point.
fn found_set(model: &Model, start: Uuid, query: &str) -> Vec<String> {
    let mut names = found(model, start, query);
    names.sort();
    names
}

/// Paths of the attributes `query` finds from `start`, in order.
fn found_attributes(model: &Model, start: Uuid, query: &str) -> Vec<String> {
    match attributes(model, start, query) {
        Ok(ids) => ids.into_iter().map(|id| name(model, id)).collect(),
        Err(e) => panic!("{query}: {e}"),
    }
}

fn model_root(model: &Model, name: &str) -> Uuid {
    *model
        .roots
        .iter()
        .find(|r| model.object(**r).is_some_and(|o| o.name == name))
        .expect("the model exists")
}

// ---------------------------------------------------------------------------
// The official tests' model.

#[test]
fn search_the_official_tests_queries() {
    let m = thermal_model();
    let root = model_root(&m, "SimpleThermalTestModel");
    assert_eq!(
        found(&m, COMPONENT, "*[.Type=ChimneyElementType]"),
        ["SomePowerPlantChimney1", "SomePowerPlantChimney2"]
    );
    let plant =
        "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef/SomePowerPlant1";
    let chimneys = format!("{plant}.PlantToChimneyRef");
    assert_eq!(
        found_attributes(&m, COMPONENT, "{*}.TsRawAtt"),
        [
            format!("{plant}.TsRawAtt"),
            format!("{chimneys}/SomePowerPlantChimney1.TsRawAtt"),
            format!("{chimneys}/SomePowerPlantChimney2.TsRawAtt"),
        ]
    );
    assert_eq!(found_attributes(&m, COMPONENT, "{*}.TsCalcAtt").len(), 3);
    assert_eq!(found_attributes(&m, COMPONENT, "{*}.DblAtt").len(), 3);
    assert_eq!(
        found_attributes(
            &m,
            root,
            "*[.Name=SomePowerPlant1].TsCalcAtt,TsCalcAtt2,TsCalcAtt4,TsCalcAtt7"
        ),
        ["TsCalcAtt", "TsCalcAtt2", "TsCalcAtt4", "TsCalcAtt7"].map(|a| format!("{plant}.{a}"))
    );
    // Names an object lacks are skipped.
    assert_eq!(
        found_attributes(
            &m,
            root,
            "*[.Name=SomePowerPlant1].DblAtt,ABSENT_ATTRIBUTE_NAME"
        ),
        [format!("{plant}.DblAtt")]
    );
    assert_eq!(
        attributes(&m, COMPONENT, "*[.Name=SomePowerPlantChimney2].TsRawAtt"),
        Ok(vec![thermal::CHIMNEY_2_TS_RAW])
    );
}

#[test]
fn search_calculation_lookups_start_at_the_object() {
    let m = thermal_model();
    assert_eq!(
        found_attributes(&m, PLANT, ".TsRawAtt"),
        [
            m.attribute_path(m.attribute_named(PLANT, "TsRawAtt").unwrap().id)
                .unwrap()
        ]
    );
    assert_eq!(
        attributes(&m, PLANT, "SimpleReference.TsRawAtt"),
        Ok(vec![thermal::CHIMNEY_2_TS_RAW])
    );
    // An empty relation and a relation that does not exist find nothing.
    assert_eq!(attributes(&m, PLANT, "PlantToPlantRef.DblAtt"), Ok(vec![]));
    assert_eq!(objects(&m, PLANT, "some_query"), Ok(vec![]));
    assert_eq!(attributes(&m, PLANT, "NoSuchRelation.DblAtt"), Ok(vec![]));
    // Through ownership and link collections, in their order.
    assert_eq!(
        found(&m, PLANT, "PlantToChimneyRef"),
        ["SomePowerPlantChimney1", "SomePowerPlantChimney2"]
    );
    assert_eq!(
        found(
            &m,
            PLANT,
            "PlantToChimneyRefCollection/@[.Name=SomePowerPlantChimney2]"
        ),
        ["SomePowerPlantChimney2"]
    );
    // Versioned links: every target ever linked.
    assert_eq!(
        found(&m, PLANT, "ReferenceSeriesAtt"),
        ["SomePowerPlantChimney2", "SomePowerPlantChimney1"]
    );
    assert_eq!(
        found(&m, PLANT, "ReferenceSeriesCollectionAtt"),
        ["SomePowerPlantChimney1", "SomePowerPlantChimney2"]
    );
}

#[test]
fn search_versioned_links_reach_targets_while_their_version_is_in_force() {
    let m = thermal_model();
    let day = |y, mo, d| {
        chrono::NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp_millis())
            .unwrap()
    };
    let Ok(Found::Attributes(found)) = run(&m, PLANT, "ReferenceSeriesAtt.TsRawAtt") else {
        panic!("an attribute search");
    };
    let chimney_1_raw = m.attribute_named(CHIMNEY_1, "TsRawAtt").unwrap().id;
    assert_eq!(found.len(), 2);
    let (c2, v2) = &found[0];
    let (c1, v1) = &found[1];
    assert_eq!(*c2, thermal::CHIMNEY_2_TS_RAW);
    assert_eq!(*c1, chimney_1_raw);
    assert_eq!(
        v2.intervals(),
        [
            (day(2005, 3, 2), day(2015, 6, 3)),
            (day(2017, 2, 1), i64::MAX)
        ]
    );
    assert_eq!(v1.intervals(), [(day(2015, 6, 3), day(2017, 2, 1))]);
    assert!(!v2.contains(day(2016, 1, 1)) && v1.contains(day(2016, 1, 1)));
    // Ownership reaches always.
    let Ok(Found::Objects(owned)) = run(&m, PLANT, "PlantToChimneyRef") else {
        panic!("an object search");
    };
    assert!(owned.iter().all(|(_, v)| v.is_always()));
}

#[test]
fn search_parents_links_and_set_operators() {
    let m = thermal_model();
    let root = model_root(&m, "SimpleThermalTestModel");
    assert_eq!(found(&m, CHIMNEY_1, ".."), ["SomePowerPlant1"]);
    assert_eq!(found(&m, COMPONENT, ".."), ["SimpleThermalTestModel"]);
    assert!(found(&m, root, "..").is_empty());
    assert_eq!(found(&m, CHIMNEY_1, "../.."), ["ThermalComponent"]);
    assert_eq!(
        found(&m, CHIMNEY_1, "..*[.Type=ThermalComponentType]"),
        ["ThermalComponent"]
    );
    assert_eq!(
        found(&m, CHIMNEY_1, "..*[.Type=ChimneyElementType]"),
        ["SomePowerPlantChimney1"]
    );
    assert_eq!(
        found(&m, CHIMNEY_1, "..+[.Type=ChimneyElementType]"),
        Vec::<String>::new()
    );
    assert_eq!(
        found(&m, CHIMNEY_1, "..{*}[.Type=ThermalComponentType]"),
        [
            "SomePowerPlantChimney1",
            "SomePowerPlant1",
            "ThermalComponent"
        ]
    );
    // `..` repeated: the most distant ancestor; memoized: all of them.
    assert_eq!(found(&m, CHIMNEY_1, "..+"), ["SimpleThermalTestModel"]);
    assert_eq!(
        found(&m, CHIMNEY_1, "..{+}"),
        [
            "SomePowerPlant1",
            "ThermalComponent",
            "SimpleThermalTestModel"
        ]
    );
    // The plant links to both chimneys (once each, whatever the relation).
    assert_eq!(
        found(&m, PLANT, "~"),
        ["SomePowerPlantChimney2", "SomePowerPlantChimney1"]
    );
    assert_eq!(
        found(&m, PLANT, "~[.Name~Chimney1]"),
        ["SomePowerPlantChimney1"]
    );
    assert_eq!(found(&m, CHIMNEY_2, "~~"), ["SomePowerPlant1"]);
    assert_eq!(
        found(&m, CHIMNEY_2, "~~[.Type=ChimneyElementType]"),
        Vec::<String>::new()
    );
    // `&` and `|`; `/` binds tighter than both.
    assert_eq!(
        found(&m, PLANT, "PlantToChimneyRef&SimpleReference"),
        ["SomePowerPlantChimney2"]
    );
    assert_eq!(
        found(&m, PLANT, "SimpleReference|PlantToChimneyRef"),
        ["SomePowerPlantChimney2", "SomePowerPlantChimney1"]
    );
    assert_eq!(
        found(&m, CHIMNEY_1, "..|../.."),
        ["SomePowerPlant1", "ThermalComponent"]
    );
    assert_eq!(
        found(&m, PLANT, "(SimpleReference|PlantToChimneyRef)&[.Name~1]"),
        ["SomePowerPlantChimney1"]
    );
    assert_eq!(found(&m, PLANT, "@"), ["SomePowerPlant1"]);
    assert_eq!(
        found(&m, PLANT, "@|PlantToChimneyRef"),
        [
            "SomePowerPlant1",
            "SomePowerPlantChimney1",
            "SomePowerPlantChimney2"
        ]
    );
}

#[test]
fn search_criteria_compare_values_as_their_kind() {
    let m = thermal_model();
    let cases: &[(&str, &[&str])] = &[
        (
            "[.DblAtt=1000]",
            &["SomePowerPlantChimney1", "SomePowerPlantChimney2"],
        ),
        (
            "[.DblAtt>=1000&&.DblAtt<=1000]",
            &["SomePowerPlantChimney1", "SomePowerPlantChimney2"],
        ),
        ("[.DblAtt>1000]", &[]),
        (
            "[.Int64Att<65]",
            &["SomePowerPlantChimney1", "SomePowerPlantChimney2"],
        ),
        (
            "[.Int64Att=64.0]",
            &["SomePowerPlantChimney1", "SomePowerPlantChimney2"],
        ),
        ("[.Int64Att<64]", &[]),
        (
            "[.Name=SomePowerPlantChimney2]",
            &["SomePowerPlantChimney2"],
        ),
        (
            "[.Name='SomePowerPlantChimney2']",
            &["SomePowerPlantChimney2"],
        ),
        (
            "[.Name=\"SomePowerPlantChimney2\"]",
            &["SomePowerPlantChimney2"],
        ),
        ("[.Name=somepowerplantchimney2]", &[]),
        (
            "[.Name=somepowerplantchimney2]{i}",
            &["SomePowerPlantChimney2"],
        ),
        ("[.Name~Chimney1]", &["SomePowerPlantChimney1"]),
        ("[.Name~chimney]", &[]),
        (
            "[.Name~chimney]{i}",
            &["SomePowerPlantChimney1", "SomePowerPlantChimney2"],
        ),
        ("[.Name#.*2]", &["SomePowerPlantChimney2"]),
        // A regular expression matches the whole name, not a part.
        ("[.Name#Chimney]", &[]),
        (
            "[.Name#[A-Z]omePowerPlantChimney[0-9]]",
            &["SomePowerPlantChimney1", "SomePowerPlantChimney2"],
        ),
        (
            "[.Name#somepowerplantchimney1]{i}",
            &["SomePowerPlantChimney1"],
        ),
        (
            "[.Name=SomePowerPlantChimney1||.Name=SomePowerPlantChimney2]",
            &["SomePowerPlantChimney1", "SomePowerPlantChimney2"],
        ),
        (
            "[!.Name=SomePowerPlantChimney1]",
            &["SomePowerPlantChimney2"],
        ),
        (
            "[.Type=ChimneyElementType&&!(.Name~1||.Name~3)]",
            &["SomePowerPlantChimney2"],
        ),
        (
            "[ .Type = ChimneyElementType && .Name ~ 2 ]",
            &["SomePowerPlantChimney2"],
        ),
        (
            "[.StringAtt=Default string value]",
            &["SomePowerPlantChimney1", "SomePowerPlantChimney2"],
        ),
        (
            "[.BoolAtt=true]",
            &["SomePowerPlantChimney1", "SomePowerPlantChimney2"],
        ),
        ("[.BoolAtt=FALSE]", &[]),
        // Text does not order, numbers do not contain.
        ("[.StringAtt<Z]", &[]),
        ("[.DblAtt~100]", &[]),
        // The parent's name, through an operand with a step.
        (
            "[...Name=SomePowerPlant1]",
            &["SomePowerPlantChimney1", "SomePowerPlantChimney2"],
        ),
        (
            "[../...Name=ThermalComponent]",
            &["SomePowerPlantChimney1", "SomePowerPlantChimney2"],
        ),
    ];
    // Below the plant: the two chimneys.
    for (criteria, expected) in cases {
        let query = format!("{{+}}/@{criteria}");
        let got = found_set(&m, PLANT, &query);
        assert_eq!(got, *expected, "{query}");
    }
    // The plant and its chimneys: existence of an attribute, of a
    // relation's targets; times; collections.
    let plant_cases: &[(&str, &[&str])] = &[
        ("[.PlantToChimneyRef]", &["SomePowerPlant1"]),
        (
            "[!.PlantToChimneyRef]",
            &["SomePowerPlantChimney1", "SomePowerPlantChimney2"],
        ),
        (
            "[.ChimneyToChimneyRef&&!.UtcDateTimeAtt]",
            &["SomePowerPlantChimney1", "SomePowerPlantChimney2"],
        ),
        (
            "[SimpleReference.Name=SomePowerPlantChimney2]",
            &["SomePowerPlant1"],
        ),
        ("[PlantToPlantRef.Name]", &[]),
        ("[.UtcDateTimeAtt=UTC20220510072415]", &["SomePowerPlant1"]),
        (
            "[.UtcDateTimeAtt>2022-05-10T07:24:14Z&&.UtcDateTimeAtt<2022-05-10T07:24:16Z]",
            &["SomePowerPlant1"],
        ),
        ("[.UtcDateTimeAtt<UTC20220510072415]", &[]),
        // Any value of a collection.
        ("[.BoolArrayAtt=true]", &["SomePowerPlant1"]),
    ];
    for (criteria, expected) in plant_cases {
        let query = format!("{{*}}/@{criteria}");
        let got = found_set(&m, PLANT, &query);
        assert_eq!(got, *expected, "{query}");
    }
}

#[test]
fn search_refuses_malformed_queries_saying_where() {
    let m = thermal_model();
    // (query, position of the error, words the message has)
    let cases: &[(&str, usize, &str)] = &[
        ("", 0, "empty"),
        ("   ", 3, "empty"),
        ("*[.Name=X", 9, "expected ']'"),
        ("[.Name=X]]", 9, "unexpected ']'"),
        ("*[Name=X]", 2, "a criterion starts with a property"),
        ("*[.=X]", 3, "property name"),
        ("*[.Name#(]", 8, "invalid regular expression"),
        ("..*", 2, "needs criteria"),
        ("*[.Name=X].", 11, "attribute name after '.'"),
        ("*.A,", 4, "attribute name after ','"),
        ("A B", 2, "unexpected 'B'"),
        ("A/", 2, "the query ends where a search step was expected"),
        ("A/?", 2, "expected a search step, not '?'"),
        ("[.Name='X]", 7, "never closed"),
        ("(A", 2, "expected ')'"),
        ("[(.Name=X]", 9, "expected ')'"),
    ];
    for (query, position, words) in cases {
        match run(&m, PLANT, query) {
            Err(SearchError::Syntax {
                position: p,
                message,
                ..
            }) => {
                assert_eq!(p, *position, "{query:?}: {message}");
                assert!(message.contains(words), "{query:?}: {message}");
            }
            other => panic!("{query:?}: {other:?}"),
        }
    }
    let nested = format!("{}A{}", "(".repeat(100), ")".repeat(100));
    assert!(matches!(
        run(&m, PLANT, &nested),
        Err(SearchError::Syntax { message, .. }) if message.contains("nested")
    ));
    let repeated = format!("A{}", "+".repeat(1000));
    assert!(run(&m, PLANT, &repeated).is_err());
    let text = run(&m, PLANT, "*[.Name=X").unwrap_err().to_string();
    assert_eq!(
        text,
        "invalid search query '*[.Name=X': expected ']' or an operator ('&&', '||') (at character 10)"
    );
}

#[test]
fn search_kinds_of_result_and_start_are_checked() {
    let m = thermal_model();
    assert_eq!(
        objects(&m, PLANT, "{*}.TsCalcAtt"),
        Err(SearchError::FindsAttributes("{*}.TsCalcAtt".into()))
    );
    assert_eq!(
        attributes(&m, PLANT, "{*}"),
        Err(SearchError::FindsObjects("{*}".into()))
    );
    let attribute = thermal::CHIMNEY_2_TS_RAW;
    let missing = Uuid::from_u128(42);
    for start in [attribute, missing] {
        let e = objects(&m, start, "{*}").unwrap_err();
        assert_eq!(e, SearchError::StartNotFound(start));
        assert!(e.to_string().starts_with("object not found: {"), "{e}");
    }
}

// ---------------------------------------------------------------------------
// Hand-built models.

/// Mesh's documented self-similar example: objects of type A that own A,
/// and B between A3 and A5.
///
/// ```text
/// Model
/// |-- A1 -- A4
/// |-- A2
/// |-- A3
///     |-- B3 -- A5
/// ```
struct Small {
    model: Model,
    root: Uuid,
    a: [Uuid; 6],
}

fn small() -> Small {
    let mut b = Builder::default();
    let root_type = b.object_type("Small", "SmallRoot");
    let a_type = b.object_type("Small", "A");
    let b_type = b.object_type("Small", "B");
    b.define(
        root_type,
        vec![def("Items", Kind::Ownership(a_type)).cardinality(0, 100)],
    )
    .unwrap();
    b.define(
        a_type,
        vec![
            def("Kids", Kind::Ownership(a_type)).cardinality(0, 100),
            def("Bs", Kind::Ownership(b_type)).cardinality(0, 100),
            def("Friend", Kind::Link(a_type)).cardinality(0, 1),
            def("Partner", Kind::VersionedLink(a_type)).cardinality(0, 1),
        ],
    )
    .unwrap();
    b.define(
        b_type,
        vec![def("Kids", Kind::Ownership(a_type)).cardinality(0, 100)],
    )
    .unwrap();
    let root = b.model("Small", root_type).unwrap();
    let id = |n: &str| stable_id(&format!("small/{n}"));
    let a1 = b.object(id("A1"), "A1", root, "Items").unwrap();
    let a2 = b.object(id("A2"), "A2", root, "Items").unwrap();
    let a3 = b.object(id("A3"), "A3", root, "Items").unwrap();
    let a4 = b.object(id("A4"), "A4", a1, "Kids").unwrap();
    let b3 = b.object(id("B3"), "B3", a3, "Bs").unwrap();
    let a5 = b.object(id("A5"), "A5", b3, "Kids").unwrap();
    // A link cycle A1 -> A2 -> A1; A3 links to A5.
    b.set(a1, "Friend", Value::Link(vec![a2])).unwrap();
    b.set(a2, "Friend", Value::Link(vec![a1])).unwrap();
    b.set(a3, "Friend", Value::Link(vec![a5])).unwrap();
    b.set(
        a4,
        "Partner",
        Value::VersionedLink(vec![vec![
            LinkVersion {
                target: Some(a2),
                valid_from: 100,
            },
            LinkVersion {
                target: None,
                valid_from: 200,
            },
            LinkVersion {
                target: Some(a3),
                valid_from: 300,
            },
        ]]),
    )
    .unwrap();
    Small {
        model: b.finish().model,
        root,
        a: [b3, a1, a2, a3, a4, a5],
    }
}

#[test]
fn search_walks_as_mesh_documents_them() {
    let s = small();
    let (m, root) = (&s.model, s.root);
    let [_, a1, _, a3, ..] = s.a;
    let cases: &[(Uuid, &str, &[&str])] = &[
        (root, "*[.Type=A]", &["A1", "A2", "A3"]),
        (a1, "*[.Type=A]", &["A1"]),
        (a1, "+[.Type=A]", &["A4"]),
        (root, "[.Type=A]+", &["A2", "A3", "A4"]),
        (root, "[.Type=A]{+}", &["A1", "A2", "A3", "A4"]),
        (root, "+[.Type=A]+", &["A2", "A4", "A5"]),
        (root, "+[.Type=A]{+}", &["A1", "A2", "A3", "A4", "A5"]),
        // Leaves; the start is one only if it is a leaf, and not for `+`.
        (root, "*", &["A2", "A4", "A5"]),
        (a3, "+", &["A5"]),
        (s.a[2], "*", &["A2"]),
        (s.a[2], "+", &[]),
        // Everything, with and without the start.
        (root, "{*}", &["A1", "A2", "A3", "A4", "A5", "B3", "Small"]),
        (a3, "{+}", &["A5", "B3"]),
        // On the way to the nearest B: the start and A3.
        (root, "{*}[.Type=B]", &["A3", "B3", "Small"]),
        (root, "{+}[.Type=B]", &["A3", "B3"]),
        (root, "[.Type=B]", &[]),
        (a3, "[.Type=B]", &["B3"]),
        (root, "Items/Kids", &["A4"]),
        (root, "Items/Bs/Kids", &["A5"]),
    ];
    for (start, query, expected) in cases {
        assert_eq!(found_set(m, *start, query), *expected, "{query}");
    }
    // Order: as found, depth first, parents before children.
    assert_eq!(
        found(m, root, "{*}"),
        ["Small", "A1", "A4", "A2", "A3", "B3", "A5"]
    );
}

#[test]
fn search_links_cycles_and_versions_in_a_small_model() {
    let s = small();
    let m = &s.model;
    let [_, a1, a2, a3, a4, _] = s.a;
    assert_eq!(found(m, a1, "Friend"), ["A2"]);
    // The cycle ends: memoized gives both, most nested none.
    assert_eq!(found_set(m, a1, "Friend{+}"), ["A1", "A2"]);
    assert!(found(m, a1, "Friend+").is_empty());
    assert_eq!(found_set(m, a1, "~{+}"), ["A1", "A2"]);
    // A3 -> A5, whose Friend is empty: A5 is the most nested.
    assert_eq!(found(m, a3, "Friend+"), ["A5"]);
    assert_eq!(found_set(m, a1, "~~"), ["A2"]);
    assert_eq!(found_set(m, a2, "~~"), ["A1", "A4"]);
    // A version without a target links nothing for its time.
    let Ok(Found::Objects(partners)) = run(m, a4, "Partner") else {
        panic!("objects");
    };
    assert_eq!(partners.len(), 2);
    assert_eq!(partners[0].0, a2);
    assert_eq!(partners[0].1.intervals(), [(100, 200)]);
    assert_eq!(partners[1].0, a3);
    assert_eq!(partners[1].1.intervals(), [(300, i64::MAX)]);
    // Composition narrows: A2's Friend (A1) only while A2 is the partner.
    let Ok(Found::Objects(through)) = run(m, a4, "Partner/Friend") else {
        panic!("objects");
    };
    assert_eq!(through.len(), 2);
    assert_eq!(
        (through[0].0, through[0].1.intervals()),
        (a1, &[(100, 200)][..])
    );
    // `~~` reports the time the link holds.
    let Ok(Found::Objects(from)) = run(m, a3, "~~") else {
        panic!("objects");
    };
    assert_eq!(from.len(), 1);
    assert_eq!(
        (from[0].0, from[0].1.intervals()),
        (a4, &[(300, i64::MAX)][..])
    );
    // Intersection keeps what both reach, for the time both do.
    let Ok(Found::Objects(both)) = run(m, a4, "Partner&Partner/Friend/Friend") else {
        panic!("objects");
    };
    assert_eq!(both.len(), 1);
    assert_eq!((both[0].0, both[0].1.intervals()), (a2, &[(100, 200)][..]));
}

#[test]
fn search_a_very_deep_model_without_recursion() {
    let mut b = Builder::default();
    let root_type = b.object_type("Deep", "DeepRoot");
    let node = b.object_type("Deep", "Node");
    b.define(
        root_type,
        vec![def("Top", Kind::Ownership(node)).cardinality(0, 1)],
    )
    .unwrap();
    b.define(
        node,
        vec![def("Next", Kind::Ownership(node)).cardinality(0, 1)],
    )
    .unwrap();
    let root = b.model("Deep", root_type).unwrap();
    const DEPTH: usize = 20_000;
    let mut parent = (root, "Top");
    let mut last = root;
    for i in 0..DEPTH {
        let name = format!("n{i}");
        last = b
            .object(stable_id(&format!("deep/{i}")), &name, parent.0, parent.1)
            .unwrap();
        parent = (last, "Next");
    }
    let m = b.finish().model;
    let run_deep = move || {
        let bottom = format!("n{}", DEPTH - 1);
        assert_eq!(
            found(&m, root, &format!("*[.Name={bottom}]")),
            [bottom.as_str()]
        );
        assert_eq!(found(&m, root, "*"), [bottom.as_str()]);
        assert_eq!(objects(&m, root, "{*}").map(|v| v.len()), Ok(DEPTH + 1));
        assert_eq!(found(&m, last, "..*[.Name=n0]"), ["n0"]);
        assert_eq!(found(&m, last, "..+"), ["Deep"]);
        assert_eq!(found(&m, root, "Top/Next+"), [bottom]);
    };
    // A small stack, as a server's worker thread may have.
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(run_deep)
        .unwrap()
        .join()
        .unwrap();
}
