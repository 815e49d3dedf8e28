//! Reading the model through the C API against the emulator's copy of the
//! official test model: models, objects by id and path, views and name
//! filters, searches, values of every kind, definitions, XY sets and rating
//! curves, and what a freed result does to the handles borrowed from it.

use std::ptr;

use crate::common::model::*;
use crate::common::*;
use mesh_status::*;

#[test]
fn the_date_helper_agrees_with_a_known_instant() {
    assert_eq!(utc_ms(2022, 5, 10, 7, 24, 15), 1_652_167_455_000);
    assert_eq!(utc_ms(1970, 1, 1, 0, 0, 0), 0);
}

#[test]
fn models_are_listed_each_with_one_ownership_attribute() {
    let f = OneSession::new();
    let mut models = ptr::null_mut();
    check(
        unsafe { mesh_model_list_read(f.session, &mut models) },
        MESH_OK,
    );
    let mut names: Vec<String> = list_items(models).into_iter().map(object_name).collect();
    names.sort();
    assert_eq!(names, ["SimpleThermalTestModel", "Utility"]);
    for model in list_items(models) {
        let attrs = attributes(model);
        assert_eq!(attrs.len(), 1, "{}", object_name(model));
        assert_eq!(
            value_type(attrs[0]),
            MESH_ATTRIBUTE_VALUE_TYPE_OWNERSHIP_RELATION
        );
        // A model has no owner.
        assert_eq!(object_owner_id(model), "");
        assert_eq!(object_owner_path(model), "");
        assert_eq!(object_id(model).len(), 36);
    }
    free_list(models);
}

#[test]
fn an_object_reads_the_same_by_path_short_path_and_id_in_any_form() {
    let f = OneSession::new();
    let braced_upper = format!("{{{}}}", PLANT_ID.to_uppercase());
    for target in [PLANT, PLANT_SHORT, PLANT_ID, braced_upper.as_str()] {
        let o = object(f.session, target, MESH_MODEL_VIEW_NO_DEFINITIONS);
        assert_eq!(object_name(o), "SomePowerPlant1", "{target}");
        assert_eq!(object_path(o), PLANT);
        // Ids come out canonical and lower case whatever went in.
        assert_eq!(object_id(o), PLANT_ID);
        assert_eq!(object_type_name(o), "PlantElementType");
        assert_eq!(
            object_owner_path(o),
            "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef"
        );
        assert!(attribute_count(o) >= 32);
        for a in attributes(o) {
            assert!(!attr_name(a).is_empty());
            assert_eq!(attr_path(a), plant_attr(&attr_name(a)));
            assert_eq!(attr_id(a).len(), 36);
            assert!(!has_definition(a));
            assert_eq!(
                text(|b, n, l| unsafe { mesh_attribute_owner_id(a, b, n, l) }),
                PLANT_ID
            );
        }
        free_object(o);
    }
    // The model object itself.
    let model = object(f.session, MODEL, MESH_MODEL_VIEW_FULL);
    assert_eq!(object_name(model), "SimpleThermalTestModel");
    assert_eq!(object_type_name(model), "SimpleThermalTestRepository");
    assert_eq!(attribute_count(model), 1);
    free_object(model);
}

#[test]
fn views_and_name_filters_choose_what_comes_back() {
    let f = OneSession::new();
    let full = object(f.session, PLANT, MESH_MODEL_VIEW_FULL);
    let n = attribute_count(full);
    assert!(attributes(full).into_iter().all(has_definition));
    free_object(full);

    let none = object(f.session, PLANT, MESH_MODEL_VIEW_NO_ATTRIBUTES);
    assert_eq!(attribute_count(none), 0);
    assert_eq!(object_name(none), "SomePowerPlant1");
    free_object(none);

    let two = get_object(
        f.session,
        PLANT,
        MESH_MODEL_VIEW_NO_DEFINITIONS,
        Some("StringAtt, BoolArrayAtt"),
    )
    .unwrap();
    let mut names: Vec<String> = attributes(two).into_iter().map(attr_name).collect();
    names.sort();
    assert_eq!(names, ["BoolArrayAtt", "StringAtt"]);
    free_object(two);

    // Names that match nothing give no attributes; "" filters nothing.
    let zero = get_object(
        f.session,
        PLANT,
        MESH_MODEL_VIEW_FULL,
        Some("NoSuchAttribute"),
    )
    .unwrap();
    assert_eq!(attribute_count(zero), 0);
    free_object(zero);
    let all = get_object(f.session, PLANT, MESH_MODEL_VIEW_FULL, Some("")).unwrap();
    assert_eq!(attribute_count(all), n);
    free_object(all);
}

#[test]
fn a_search_finds_the_chimneys_and_finding_nothing_is_an_empty_list() {
    let f = OneSession::new();
    for start in [COMPONENT, COMPONENT_ID] {
        let list = search(
            f.session,
            start,
            "*[.Type=ChimneyElementType]",
            MESH_MODEL_VIEW_FULL,
        );
        let mut names: Vec<String> = list_items(list).into_iter().map(object_name).collect();
        names.sort();
        assert_eq!(names, ["SomePowerPlantChimney1", "SomePowerPlantChimney2"]);
        for chimney in list_items(list) {
            assert_eq!(attribute_count(chimney), 7);
        }
        free_list(list);
    }
    let empty = search(
        f.session,
        COMPONENT,
        "*[.Type=NoSuchType]",
        MESH_MODEL_VIEW_FULL,
    );
    assert_eq!(list_count(empty), 0);
    free_list(empty);
}

#[test]
fn simple_values_read_back_as_their_kind() {
    let f = OneSession::new();
    let plant = object(f.session, PLANT, MESH_MODEL_VIEW_NO_DEFINITIONS);
    let dbl = attribute_named(plant, "DblAtt");
    assert_eq!(value_type(dbl), MESH_ATTRIBUTE_VALUE_TYPE_DOUBLE);
    assert!(!is_collection(dbl));
    assert_eq!(value_count(dbl), 1);
    assert_eq!(double_at(dbl, 0), 1000.0);
    let int = attribute_named(plant, "Int64Att");
    assert_eq!(value_type(int), MESH_ATTRIBUTE_VALUE_TYPE_INT);
    assert_eq!(int_at(int, 0), 64);
    let b = attribute_named(plant, "BoolAtt");
    assert_eq!(value_type(b), MESH_ATTRIBUTE_VALUE_TYPE_BOOL);
    assert!(bool_at(b, 0));
    let s = attribute_named(plant, "StringAtt");
    assert_eq!(value_type(s), MESH_ATTRIBUTE_VALUE_TYPE_STRING);
    assert_eq!(string_at(s, 0), "Default string value");
    let t = attribute_named(plant, "UtcDateTimeAtt");
    assert_eq!(value_type(t), MESH_ATTRIBUTE_VALUE_TYPE_UTC_TIME);
    assert_eq!(time_at(t, 0), utc_ms(2022, 5, 10, 7, 24, 15));
    let bools = attribute_named(plant, "BoolArrayAtt");
    assert_eq!(value_type(bools), MESH_ATTRIBUTE_VALUE_TYPE_BOOL);
    assert!(is_collection(bools));
    let got: Vec<bool> = (0..value_count(bools)).map(|i| bool_at(bools, i)).collect();
    assert_eq!(got, [false, true, false, true, false]);
    free_object(plant);
}

#[test]
fn relations_read_back_with_their_targets() {
    let f = OneSession::new();
    let plant = object(f.session, PLANT_ID, MESH_MODEL_VIEW_NO_DEFINITIONS);
    let owner = attribute_named(plant, "PlantToChimneyRef");
    assert_eq!(
        value_type(owner),
        MESH_ATTRIBUTE_VALUE_TYPE_OWNERSHIP_RELATION
    );
    assert!(is_collection(owner));
    let mut owned = targets(owner);
    owned.sort();
    assert_eq!(owned, [CHIMNEY1_ID, CHIMNEY2_ID]);
    let empty_owner = attribute_named(plant, "SimpleOwnershipAtt");
    assert_eq!(value_count(empty_owner), 0);

    let link = attribute_named(plant, "SimpleReference");
    assert_eq!(value_type(link), MESH_ATTRIBUTE_VALUE_TYPE_LINK_RELATION);
    assert_eq!(targets(link), [CHIMNEY2_ID]);
    let links = attribute_named(plant, "PlantToChimneyRefCollection");
    assert!(is_collection(links));
    assert!(targets(links)
        .iter()
        .all(|t| t == CHIMNEY1_ID || t == CHIMNEY2_ID));

    let series = attribute_named(plant, "ReferenceSeriesAtt");
    assert_eq!(
        value_type(series),
        MESH_ATTRIBUTE_VALUE_TYPE_VERSIONED_LINK_RELATION
    );
    assert_eq!(value_count(series), 1);
    assert_eq!(
        versions(series, 0),
        [
            (utc_ms(2005, 3, 2, 0, 0, 0), CHIMNEY2_ID.to_string()),
            (utc_ms(2015, 6, 3, 0, 0, 0), CHIMNEY1_ID.to_string()),
            (utc_ms(2017, 2, 1, 0, 0, 0), CHIMNEY2_ID.to_string()),
        ]
    );
    let many = attribute_named(plant, "ReferenceSeriesCollectionAtt");
    assert_eq!(value_count(many), 2);
    let mut entries: Vec<Vec<(i64, String)>> = (0..2).map(|i| versions(many, i)).collect();
    entries.sort();
    assert_eq!(
        entries,
        [
            vec![(utc_ms(2000, 1, 5, 0, 0, 0), CHIMNEY2_ID.to_string())],
            vec![(utc_ms(2020, 7, 8, 0, 0, 0), CHIMNEY1_ID.to_string())],
        ]
    );
    free_object(plant);
}

#[test]
fn time_series_attributes_show_their_resource_and_expression() {
    let f = OneSession::new();
    let raw = attribute(f.session, &plant_attr("TsRawAtt"), MESH_MODEL_VIEW_FULL);
    assert_eq!(value_type(raw), MESH_ATTRIBUTE_VALUE_TYPE_TIMESERIES);
    assert_eq!(value_count(raw), 1);
    let mut resource = ptr::null_mut();
    check(
        unsafe { mesh_attribute_timeseries_resource(raw, &mut resource) },
        MESH_OK,
    );
    assert!(!resource.is_null());
    let mut curve = -1;
    let mut resolution = -1;
    check(
        unsafe { mesh_timeseries_resource_curve_type(resource, &mut curve) },
        MESH_OK,
    );
    check(
        unsafe { mesh_timeseries_resource_resolution(resource, &mut resolution) },
        MESH_OK,
    );
    assert_eq!(curve, MESH_CURVE_TYPE_PIECEWISE_LINEAR);
    assert_eq!(resolution, MESH_RESOLUTION_HOUR);
    assert_eq!(
        text(|b, n, l| unsafe { mesh_timeseries_resource_unit(resource, b, n, l) }),
        "cm"
    );
    check(mesh_timeseries_resource_free(resource), MESH_OK);
    let mut local = -1;
    check(
        unsafe { mesh_attribute_timeseries_is_local_expression(raw, &mut local) },
        MESH_OK,
    );
    assert_eq!(local, 0);
    assert_eq!(
        text(|b, n, l| unsafe { mesh_attribute_timeseries_expression(raw, b, n, l) }),
        ""
    );
    free_attribute(raw);

    let calc = attribute(f.session, &plant_attr("TsCalcAtt2"), MESH_MODEL_VIEW_FULL);
    let template = "##= @SUM(@T('ReferenceSeriesCollectionAtt.TsRawAtt'))\n\n";
    assert_eq!(
        text(|b, n, l| unsafe { mesh_attribute_timeseries_expression(calc, b, n, l) }),
        template
    );
    assert_eq!(
        text(|b, n, l| unsafe { mesh_attribute_definition_template_expression(calc, b, n, l) }),
        template
    );
    let mut resource = ptr::without_provenance_mut(0xdead);
    check(
        unsafe { mesh_attribute_timeseries_resource(calc, &mut resource) },
        MESH_OK,
    );
    assert!(
        resource.is_null(),
        "no resource is connected to a calculation"
    );
    let mut key = -1;
    check(
        unsafe { mesh_attribute_timeseries_key(calc, &mut key) },
        MESH_OK,
    );
    assert_eq!(key, 0);
    free_attribute(calc);
}

#[test]
fn definitions_read_back() {
    let f = OneSession::new();
    let plant = object(f.session, PLANT, MESH_MODEL_VIEW_FULL);
    let dbl = attribute_named(plant, "DblAtt");
    assert!(has_definition(dbl));
    let def_text = |a,
                    f: unsafe extern "C" fn(
        *const mesh_attribute,
        *mut std::ffi::c_char,
        usize,
        *mut usize,
    ) -> mesh_status| text(|b, n, l| unsafe { f(a, b, n, l) });
    assert_eq!(
        def_text(dbl, mesh_attribute_definition_path),
        "Repository/SimpleThermalTestRepository/PlantElementType/DblAtt"
    );
    assert_eq!(
        def_text(dbl, mesh_attribute_definition_namespace),
        "SimpleThermalTestRepository"
    );
    assert_eq!(
        def_text(dbl, mesh_attribute_definition_type_name),
        "DoubleAttributeDefinition"
    );
    assert_eq!(def_text(dbl, mesh_attribute_definition_description), "");
    assert_eq!(def_text(dbl, mesh_attribute_definition_unit), "");
    let mut tags_n = 0;
    check(
        unsafe { mesh_attribute_definition_tag_count(dbl, &mut tags_n) },
        MESH_OK,
    );
    let mut tags: Vec<String> = (0..tags_n)
        .map(|i| text(|b, n, l| unsafe { mesh_attribute_definition_tag_at(dbl, i, b, n, l) }))
        .collect();
    tags.sort();
    assert_eq!(tags, ["Tag1", "Tag3"]);
    let (mut default, mut min, mut max) = (0.0, 0.0, 0.0);
    check(
        unsafe { mesh_attribute_definition_default_double(dbl, &mut default) },
        MESH_OK,
    );
    check(
        unsafe { mesh_attribute_definition_minimum_double(dbl, &mut min) },
        MESH_OK,
    );
    check(
        unsafe { mesh_attribute_definition_maximum_double(dbl, &mut max) },
        MESH_OK,
    );
    assert_eq!((default, min, max), (1000.0, -f64::MAX, f64::MAX));
    let (mut lo, mut hi) = (-1, -1);
    check(
        unsafe { mesh_attribute_definition_minimum_cardinality(dbl, &mut lo) },
        MESH_OK,
    );
    check(
        unsafe { mesh_attribute_definition_maximum_cardinality(dbl, &mut hi) },
        MESH_OK,
    );
    assert_eq!((lo, hi), (1, 1));

    let bools = attribute_named(plant, "BoolArrayAtt");
    assert_eq!(
        def_text(bools, mesh_attribute_definition_type_name),
        "BooleanArrayAttributeDefinition"
    );
    assert_eq!(
        def_text(bools, mesh_attribute_definition_description),
        "Array of bools"
    );
    check(
        unsafe { mesh_attribute_definition_maximum_cardinality(bools, &mut hi) },
        MESH_OK,
    );
    assert_eq!(hi, 10);

    let s = attribute_named(plant, "StringAtt");
    assert_eq!(
        def_text(s, mesh_attribute_definition_default_string),
        "Default string value"
    );
    let t = attribute_named(plant, "UtcDateTimeAtt");
    assert_eq!(
        def_text(t, mesh_attribute_definition_default_string),
        "UTC20220510072415"
    );
    let b = attribute_named(plant, "BoolAtt");
    let mut bd = -1;
    check(
        unsafe { mesh_attribute_definition_default_bool(b, &mut bd) },
        MESH_OK,
    );
    assert_eq!(bd, 1);
    let owner = attribute_named(plant, "PlantToChimneyRef");
    assert_eq!(
        def_text(owner, mesh_attribute_definition_type_name),
        "ElementCollectionAttributeDefinition"
    );
    assert_eq!(
        def_text(owner, mesh_attribute_definition_target_type_name),
        "ChimneyElementType"
    );
    free_object(plant);
}

#[test]
fn int_and_time_definitions_read_back() {
    let f = OneSession::new();
    let plant = object(f.session, PLANT, MESH_MODEL_VIEW_FULL);
    let bounds = |name| {
        let a = attribute_named(plant, name);
        let (mut default, mut min, mut max) = (0, 0, 0);
        check(
            unsafe { mesh_attribute_definition_default_int(a, &mut default) },
            MESH_OK,
        );
        check(
            unsafe { mesh_attribute_definition_minimum_int(a, &mut min) },
            MESH_OK,
        );
        check(
            unsafe { mesh_attribute_definition_maximum_int(a, &mut max) },
            MESH_OK,
        );
        (default, min, max)
    };
    assert_eq!(bounds("Int64AttWithUnit"), (10, 0, 1000));
    assert_eq!(bounds("Int64Att"), (64, i64::MIN, i64::MAX));
    let unit = attribute_named(plant, "Int64AttWithUnit");
    assert_eq!(
        text(|b, n, l| unsafe { mesh_attribute_definition_unit(unit, b, n, l) }),
        "cm"
    );

    // The seeded UTC time definitions leave their limits empty, and Mesh
    // sends the texts as they are.
    let time = attribute_named(plant, "UtcDateTimeAtt");
    assert_eq!(
        text(|b, n, l| unsafe { mesh_attribute_definition_minimum_string(time, b, n, l) }),
        ""
    );
    assert_eq!(
        text(|b, n, l| unsafe { mesh_attribute_definition_maximum_string(time, b, n, l) }),
        ""
    );
    // Only UTC time definitions have them: a string definition has none.
    let string = attribute_named(plant, "StringAtt");
    let mut buf = [0 as std::ffi::c_char; 8];
    let mut len = 0;
    for f in [
        mesh_attribute_definition_minimum_string,
        mesh_attribute_definition_maximum_string,
    ] {
        check(
            unsafe { f(string, buf.as_mut_ptr(), buf.len(), &mut len) },
            MESH_ERROR_INVALID_ARGUMENT,
        );
    }
    free_object(plant);
}

#[test]
fn definition_ids_are_canonical_and_shared_by_the_attributes_of_one_definition() {
    let f = OneSession::new();
    let id = |a| text(|b, n, l| unsafe { mesh_attribute_definition_id(a, b, n, l) });
    let plant = object(f.session, PLANT, MESH_MODEL_VIEW_FULL);
    let plant_dbl = id(attribute_named(plant, "DblAtt"));
    assert_eq!(plant_dbl.len(), 36, "{plant_dbl}");
    assert_eq!(plant_dbl, plant_dbl.to_lowercase());
    assert_eq!(
        plant_dbl
            .match_indices('-')
            .map(|(i, _)| i)
            .collect::<Vec<_>>(),
        [8, 13, 18, 23]
    );
    assert_ne!(id(attribute_named(plant, "Int64Att")), plant_dbl);
    // The same attribute read alone has the same definition.
    let alone = attribute(f.session, &plant_attr("DblAtt"), MESH_MODEL_VIEW_FULL);
    assert_eq!(id(alone), plant_dbl);
    free_attribute(alone);

    // Both chimneys' DblAtt share one definition, not the plant's.
    let chimney = |target| {
        let o = object(f.session, target, MESH_MODEL_VIEW_FULL);
        let d = id(attribute_named(o, "DblAtt"));
        free_object(o);
        d
    };
    let (one, two) = (chimney(CHIMNEY1_ID), chimney(CHIMNEY2_ID));
    assert_eq!(one, two);
    assert_ne!(one, plant_dbl);
    free_object(plant);
}

#[test]
fn attributes_are_searched_and_links_found_from_their_target() {
    let f = OneSession::new();
    let mut list = ptr::null_mut();
    check(
        unsafe {
            mesh_attribute_search(
                f.session,
                c(COMPONENT_ID).as_ptr(),
                c("{*}.TsRawAtt").as_ptr(),
                MESH_MODEL_VIEW_NO_DEFINITIONS,
                &mut list,
            )
        },
        MESH_OK,
    );
    let mut n = 0;
    check(unsafe { mesh_attribute_list_count(list, &mut n) }, MESH_OK);
    assert_eq!(n, 3, "the plant's and both chimneys' TsRawAtt");
    let mut paths = Vec::new();
    for i in 0..n {
        let mut a = ptr::null_mut();
        check(unsafe { mesh_attribute_list_at(list, i, &mut a) }, MESH_OK);
        assert_eq!(attr_name(a), "TsRawAtt");
        paths.push(attr_path(a));
    }
    assert!(paths.contains(&plant_attr("TsRawAtt")), "{paths:?}");
    check(mesh_attribute_list_free(list), MESH_OK);

    // Attribute names the objects lack are skipped.
    let mut list = ptr::null_mut();
    check(
        unsafe {
            mesh_attribute_search(
                f.session,
                c(MODEL).as_ptr(),
                c("*[.Name=SomePowerPlant1].DblAtt,NoSuchAttribute").as_ptr(),
                MESH_MODEL_VIEW_FULL,
                &mut list,
            )
        },
        MESH_OK,
    );
    check(unsafe { mesh_attribute_list_count(list, &mut n) }, MESH_OK);
    assert_eq!(n, 1);
    check(mesh_attribute_list_free(list), MESH_OK);

    // SimpleReference links the plant to chimney 2.
    let mut ids = ptr::null_mut();
    check(
        unsafe { mesh_object_read_linked_from(f.session, c(CHIMNEY2_ID).as_ptr(), &mut ids) },
        MESH_OK,
    );
    check(unsafe { mesh_id_list_count(ids, &mut n) }, MESH_OK);
    let found: Vec<(String, String)> = (0..n)
        .map(|i| {
            (
                text(|b, cap, l| unsafe { mesh_id_list_id_at(ids, i, b, cap, l) }),
                text(|b, cap, l| unsafe { mesh_id_list_path_at(ids, i, b, cap, l) }),
            )
        })
        .collect();
    let reference = attribute(
        f.session,
        &plant_attr("SimpleReference"),
        MESH_MODEL_VIEW_FULL,
    );
    let reference_id = attr_id(reference);
    free_attribute(reference);
    assert!(
        found.iter().any(|(id, _)| *id == reference_id),
        "{found:?} lacks SimpleReference {reference_id}"
    );
    check(mesh_id_list_free(ids), MESH_OK);
}

#[test]
fn objects_are_found_by_their_definition() {
    let f = OneSession::new();
    let mut list = ptr::null_mut();
    check(
        unsafe {
            mesh_object_search_by_definition(
                f.session,
                c("Repository/SimpleThermalTestRepository/ChimneyElementType").as_ptr(),
                MESH_MODEL_VIEW_NO_ATTRIBUTES,
                ptr::null(),
                ptr::null(),
                ptr::null(),
                &mut list,
            )
        },
        MESH_OK,
    );
    let mut ids: Vec<String> = list_items(list).into_iter().map(object_id).collect();
    ids.sort();
    assert_eq!(ids, [CHIMNEY1_ID, CHIMNEY2_ID]);
    free_list(list);
}

#[test]
fn xy_sets_and_rating_curves_read_back() {
    let f = OneSession::new();
    // An unversioned XY set attribute has one set, with no time.
    let mut sets = ptr::null_mut();
    check(
        unsafe {
            mesh_xy_set_list_read(
                f.session,
                c(&plant_attr("XYSetAtt")).as_ptr(),
                MESH_TIME_NONE,
                MESH_TIME_NONE,
                0,
                &mut sets,
            )
        },
        MESH_OK,
    );
    let mut n = usize::MAX;
    check(unsafe { mesh_xy_set_list_count(sets, &mut n) }, MESH_OK);
    assert_eq!(n, 1);
    let mut from = 0;
    check(
        unsafe { mesh_xy_set_list_valid_from_at(sets, 0, &mut from) },
        MESH_OK,
    );
    assert_eq!(from, MESH_TIME_NONE);
    check(
        unsafe { mesh_xy_set_list_curve_count_at(sets, 0, &mut n) },
        MESH_OK,
    );
    assert_eq!(n, 0);
    check(mesh_xy_set_list_free(sets), MESH_OK);

    let mut curve = ptr::null_mut();
    check(
        unsafe {
            mesh_rating_curve_read(
                f.session,
                c(&plant_attr("RatingCurveAtt")).as_ptr(),
                utc_ms(1990, 1, 1, 0, 0, 0),
                utc_ms(2030, 1, 1, 0, 0, 0),
                0,
                &mut curve,
            )
        },
        MESH_OK,
    );
    check(
        unsafe { mesh_rating_curve_version_count(curve, &mut n) },
        MESH_OK,
    );
    assert_eq!(n, 2);
    let mut from = [0; 2];
    let mut x_from = [0.0; 2];
    for v in 0..2 {
        check(
            unsafe { mesh_rating_curve_valid_from_at(curve, v, &mut from[v]) },
            MESH_OK,
        );
        check(
            unsafe { mesh_rating_curve_x_range_from_at(curve, v, &mut x_from[v]) },
            MESH_OK,
        );
    }
    assert_eq!(
        from,
        [utc_ms(2000, 1, 1, 0, 0, 0), utc_ms(2010, 1, 1, 0, 0, 0)]
    );
    assert_eq!(x_from, [2.0, 4.0]);
    let mut segments = 0;
    check(
        unsafe { mesh_rating_curve_segment_count_at(curve, 0, &mut segments) },
        MESH_OK,
    );
    assert!(segments > 0);
    let mut until = vec![0.0; segments];
    let mut a = vec![0.0; segments];
    let mut b = vec![0.0; segments];
    let mut cc = vec![0.0; segments];
    check(
        unsafe {
            mesh_rating_curve_segments_at(
                curve,
                0,
                until.as_mut_ptr(),
                a.as_mut_ptr(),
                b.as_mut_ptr(),
                cc.as_mut_ptr(),
                segments,
            )
        },
        MESH_OK,
    );
    for i in 0..segments {
        let i_f = i as f64;
        assert_eq!(until[i], (i_f + 1.0) * 10.0);
        assert_eq!(
            (a[i], b[i], cc[i]),
            (3.0 * i_f + 1.0, 3.0 * i_f + 2.0, 3.0 * i_f + 3.0)
        );
    }
    // Too small arrays: nothing copied.
    if segments > 1 {
        let mut small = vec![-1.0; segments - 1];
        check(
            unsafe {
                mesh_rating_curve_segments_at(
                    curve,
                    0,
                    small.as_mut_ptr(),
                    ptr::null_mut(),
                    ptr::null_mut(),
                    ptr::null_mut(),
                    segments - 1,
                )
            },
            MESH_ERROR_BUFFER_TOO_SMALL,
        );
        assert!(small.iter().all(|v| *v == -1.0));
    }
    check(mesh_rating_curve_free(curve), MESH_OK);
}

#[test]
fn unknown_targets_are_not_found() {
    let f = OneSession::new();
    let unknown_id = "00000000-0000-0000-0000-0000000000ff";
    for target in ["Model/SimpleThermalTestModel/NoSuchObject", unknown_id] {
        assert_eq!(
            get_object(f.session, target, MESH_MODEL_VIEW_FULL, None),
            Err(MESH_ERROR_NOT_FOUND),
            "{target}: {}",
            last_error()
        );
    }
    for target in [&plant_attr("NoSuchAttribute"), unknown_id] {
        assert_eq!(
            get_attribute(f.session, target, MESH_MODEL_VIEW_FULL).err(),
            Some(MESH_ERROR_NOT_FOUND),
            "{target}: {}",
            last_error()
        );
    }
    assert!(last_error().contains("not found"), "{}", last_error());
}

#[test]
fn items_borrowed_from_a_result_die_with_it() {
    let f = OneSession::new();
    let list = search(
        f.session,
        COMPONENT,
        "*[.Type=ChimneyElementType]",
        MESH_MODEL_VIEW_FULL,
    );
    let chimney = list_item(list, 0);
    let attr = attributes(chimney)[0];
    // Freeing a borrowed object or attribute does nothing.
    check(mesh_object_free(chimney), MESH_OK);
    check(mesh_attribute_free(attr), MESH_OK);
    assert!(!attr_name(attr).is_empty());
    free_list(list);
    let mut n = 0;
    check(
        unsafe { mesh_object_attribute_count(chimney, &mut n) },
        MESH_ERROR_INVALID_HANDLE,
    );
    check(
        unsafe { mesh_attribute_value_count(attr, &mut n) },
        MESH_ERROR_INVALID_HANDLE,
    );
    check(mesh_object_list_free(list), MESH_ERROR_INVALID_HANDLE);

    // An object a call returned owns its attributes.
    let plant = object(f.session, PLANT, MESH_MODEL_VIEW_NO_DEFINITIONS);
    let dbl = attribute_named(plant, "DblAtt");
    free_object(plant);
    check(
        unsafe { mesh_attribute_value_count(dbl, &mut n) },
        MESH_ERROR_INVALID_HANDLE,
    );
    check(mesh_object_free(plant), MESH_ERROR_INVALID_HANDLE);
}
