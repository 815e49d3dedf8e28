//! Changing the model through the C API against the emulator: simple
//! values, collections, time series attributes, link relations plain and
//! versioned, objects and models, XY sets and rating curves; and
//! isolation: a change is visible in its own session at once, in another
//! only after commit, and rollback discards it.

use std::ffi::CString;
use std::ptr;

use crate::common::model::*;
use crate::common::*;
use mesh_status::*;

fn ptrs(strings: &[CString]) -> Vec<*const std::ffi::c_char> {
    strings.iter().map(|s| s.as_ptr()).collect()
}

#[test]
fn a_change_is_seen_elsewhere_only_after_commit_and_rollback_discards() {
    let f = TwoSessions::new();
    let dbl = plant_attr("DblAtt");
    check(
        unsafe { mesh_attribute_update_double(f.a, c(&dbl).as_ptr(), 1234.5) },
        MESH_OK,
    );
    assert_eq!(read_double(f.a, &dbl), 1234.5);
    assert_eq!(read_double(f.b, &dbl), 1000.0);
    check(mesh_session_commit(f.a), MESH_OK);
    assert_eq!(read_double(f.b, &dbl), 1234.5);

    // By id this time; rollback discards it.
    let a = attribute(f.a, &dbl, MESH_MODEL_VIEW_NO_DEFINITIONS);
    let id = attr_id(a);
    free_attribute(a);
    check(
        unsafe { mesh_attribute_update_int(f.a, c(&id).as_ptr(), 7) },
        MESH_OK,
    );
    assert_eq!(read_double(f.a, &dbl), 7.0, "ints are taken for doubles");
    check(mesh_session_rollback(f.a), MESH_OK);
    assert_eq!(read_double(f.a, &dbl), 1234.5);
}

#[test]
fn simple_values_and_collections_are_set() {
    let f = TwoSessions::new();
    let s = f.a;
    let path = |n: &str| c(&plant_attr(n));
    check(
        unsafe { mesh_attribute_update_int(s, path("Int64Att").as_ptr(), 70) },
        MESH_OK,
    );
    check(
        unsafe { mesh_attribute_update_bool(s, path("BoolAtt").as_ptr(), 0) },
        MESH_OK,
    );
    check(
        unsafe {
            mesh_attribute_update_string(s, path("StringAtt").as_ptr(), c("my test value").as_ptr())
        },
        MESH_OK,
    );
    let when = utc_ms(2022, 5, 14, 13, 44, 45);
    check(
        unsafe { mesh_attribute_update_utc_time(s, path("UtcDateTimeAtt").as_ptr(), when) },
        MESH_OK,
    );
    let bools = [0, 0, 1, 0, 0];
    check(
        unsafe { mesh_attribute_update_bools(s, path("BoolArrayAtt").as_ptr(), bools.as_ptr(), 5) },
        MESH_OK,
    );
    let plant = object(s, PLANT, MESH_MODEL_VIEW_NO_DEFINITIONS);
    assert_eq!(int_at(attribute_named(plant, "Int64Att"), 0), 70);
    assert!(!bool_at(attribute_named(plant, "BoolAtt"), 0));
    assert_eq!(
        string_at(attribute_named(plant, "StringAtt"), 0),
        "my test value"
    );
    assert_eq!(time_at(attribute_named(plant, "UtcDateTimeAtt"), 0), when);
    let array = attribute_named(plant, "BoolArrayAtt");
    let got: Vec<bool> = (0..value_count(array)).map(|i| bool_at(array, i)).collect();
    assert_eq!(got, [false, false, true, false, false]);
    free_object(plant);

    // An empty collection clears it; a single value for a collection is refused.
    check(
        unsafe { mesh_attribute_update_bools(s, path("BoolArrayAtt").as_ptr(), ptr::null(), 0) },
        MESH_OK,
    );
    let array = attribute(
        s,
        &plant_attr("BoolArrayAtt"),
        MESH_MODEL_VIEW_NO_DEFINITIONS,
    );
    assert_eq!(value_count(array), 0);
    free_attribute(array);
    let status = unsafe { mesh_attribute_update_bool(s, path("BoolArrayAtt").as_ptr(), 1) };
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT, "{}", last_error());
    assert!(
        last_error()
            .contains("Check if you correctly applied the singular value/collection values"),
        "{}",
        last_error()
    );
    // The other session saw none of it.
    let plant = object(f.b, PLANT, MESH_MODEL_VIEW_NO_DEFINITIONS);
    assert_eq!(int_at(attribute_named(plant, "Int64Att"), 0), 64);
    assert_eq!(value_count(attribute_named(plant, "BoolArrayAtt")), 5);
    free_object(plant);
}

#[test]
fn collections_of_every_kind_are_set_and_seen_elsewhere_only_after_commit() {
    let f = TwoSessions::new();
    let path = |n: &str| c(&plant_attr(n));
    let ints = [1i64, -2, i64::MAX, i64::MIN];
    check(
        unsafe {
            mesh_attribute_update_ints(f.a, path("Int64ArrayAtt").as_ptr(), ints.as_ptr(), 4)
        },
        MESH_OK,
    );
    let doubles = [0.5, -1e300, f64::MIN_POSITIVE];
    check(
        unsafe {
            mesh_attribute_update_doubles(f.a, path("DblArrayAtt").as_ptr(), doubles.as_ptr(), 3)
        },
        MESH_OK,
    );
    let strings = [c("first"), c(""), c("tre \u{00e5}r")];
    check(
        unsafe {
            mesh_attribute_update_strings(
                f.a,
                path("StringArrayAtt").as_ptr(),
                ptrs(&strings).as_ptr(),
                3,
            )
        },
        MESH_OK,
    );
    let times = [
        utc_ms(2024, 2, 29, 23, 59, 59),
        utc_ms(1969, 7, 20, 20, 17, 40),
    ];
    check(
        unsafe {
            mesh_attribute_update_utc_times(
                f.a,
                path("UtcDateTimeArrayAtt").as_ptr(),
                times.as_ptr(),
                2,
            )
        },
        MESH_OK,
    );

    // Read back in the same session, in the order given.
    let seen = |s| {
        let plant = object(s, PLANT, MESH_MODEL_VIEW_NO_DEFINITIONS);
        let at = |name| attribute_named(plant, name);
        for (name, kind) in [
            ("Int64ArrayAtt", MESH_ATTRIBUTE_VALUE_TYPE_INT),
            ("DblArrayAtt", MESH_ATTRIBUTE_VALUE_TYPE_DOUBLE),
            ("StringArrayAtt", MESH_ATTRIBUTE_VALUE_TYPE_STRING),
            ("UtcDateTimeArrayAtt", MESH_ATTRIBUTE_VALUE_TYPE_UTC_TIME),
        ] {
            assert_eq!(value_type(at(name)), kind, "{name}");
            assert!(is_collection(at(name)), "{name}");
        }
        let a = at("Int64ArrayAtt");
        let ints: Vec<i64> = (0..value_count(a)).map(|i| int_at(a, i)).collect();
        let a = at("DblArrayAtt");
        let doubles: Vec<f64> = (0..value_count(a)).map(|i| double_at(a, i)).collect();
        let a = at("StringArrayAtt");
        let strings: Vec<String> = (0..value_count(a)).map(|i| string_at(a, i)).collect();
        let a = at("UtcDateTimeArrayAtt");
        let times: Vec<i64> = (0..value_count(a)).map(|i| time_at(a, i)).collect();
        free_object(plant);
        (ints, doubles, strings, times)
    };
    let expected = (
        ints.to_vec(),
        doubles.to_vec(),
        vec![
            "first".to_string(),
            String::new(),
            "tre \u{00e5}r".to_string(),
        ],
        times.to_vec(),
    );
    assert_eq!(seen(f.a), expected);
    // The seeded model leaves these collections empty.
    let empty = (vec![], vec![], vec![], vec![]);
    assert_eq!(seen(f.b), empty);
    check(mesh_session_commit(f.a), MESH_OK);
    assert_eq!(seen(f.b), expected);
}

#[test]
fn time_series_attributes_take_an_expression_or_a_resource() {
    let f = TwoSessions::new();
    let target = c(&plant_attr("TsCalcAtt2"));
    let expression = "## = @t('.TsRawAtt') * 2\n";
    check(
        unsafe { mesh_attribute_update_expression(f.a, target.as_ptr(), c(expression).as_ptr()) },
        MESH_OK,
    );
    let a = attribute(f.a, &plant_attr("TsCalcAtt2"), MESH_MODEL_VIEW_FULL);
    assert_eq!(
        text(|b, n, l| unsafe { mesh_attribute_timeseries_expression(a, b, n, l) }),
        expression
    );
    let mut local = -1;
    check(
        unsafe { mesh_attribute_timeseries_is_local_expression(a, &mut local) },
        MESH_OK,
    );
    assert_eq!(local, 1);
    free_attribute(a);
    // "" goes back to the template.
    check(
        unsafe { mesh_attribute_update_expression(f.a, target.as_ptr(), c("").as_ptr()) },
        MESH_OK,
    );
    let a = attribute(f.a, &plant_attr("TsCalcAtt2"), MESH_MODEL_VIEW_FULL);
    check(
        unsafe { mesh_attribute_timeseries_is_local_expression(a, &mut local) },
        MESH_OK,
    );
    assert_eq!(local, 0);
    free_attribute(a);

    // Connect resource key 3, then disconnect with key 0.
    let raw = c(&plant_attr("TsRawAtt"));
    check(
        unsafe { mesh_attribute_update_timeseries_key(f.a, raw.as_ptr(), 3) },
        MESH_OK,
    );
    let a = attribute(f.a, &plant_attr("TsRawAtt"), MESH_MODEL_VIEW_NO_DEFINITIONS);
    let mut key = -1;
    check(
        unsafe { mesh_attribute_timeseries_key(a, &mut key) },
        MESH_OK,
    );
    assert_eq!(key, 3);
    free_attribute(a);
    check(
        unsafe { mesh_attribute_update_timeseries_key(f.a, raw.as_ptr(), 0) },
        MESH_OK,
    );
    let a = attribute(f.a, &plant_attr("TsRawAtt"), MESH_MODEL_VIEW_NO_DEFINITIONS);
    let mut resource = ptr::without_provenance_mut(1);
    check(
        unsafe { mesh_attribute_timeseries_resource(a, &mut resource) },
        MESH_OK,
    );
    assert!(resource.is_null());
    free_attribute(a);
    // An unknown key is refused with Mesh's text.
    let status = unsafe { mesh_attribute_update_timeseries_key(f.a, raw.as_ptr(), 123456) };
    assert_eq!(status, MESH_ERROR_NOT_FOUND, "{}", last_error());
    assert!(last_error().contains("time series key: 123456 not found"));
}

#[test]
fn link_relations_are_replaced_appended_and_checked() {
    let f = TwoSessions::new();
    let one = c(&plant_attr("SimpleReference"));
    let chimney1 = [c(CHIMNEY1_ID)];
    check(
        unsafe { mesh_attribute_update_links(f.a, one.as_ptr(), ptrs(&chimney1).as_ptr(), 1, 0) },
        MESH_OK,
    );
    let a = attribute(
        f.a,
        &plant_attr("SimpleReference"),
        MESH_MODEL_VIEW_NO_DEFINITIONS,
    );
    assert_eq!(targets(a), [CHIMNEY1_ID]);
    free_attribute(a);
    // Mesh's rules for one-to-one relations.
    let status = unsafe { mesh_attribute_update_links(f.a, one.as_ptr(), ptr::null(), 0, 1) };
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT, "{}", last_error());
    assert!(
        last_error_quotes("'append' must be false for one-to-one link relation SimpleReference"),
        "{}",
        last_error()
    );
    let both = [
        c(CHIMNEY1_ID),
        c(&format!("{{{}}}", CHIMNEY2_ID.to_uppercase())),
    ];
    let status =
        unsafe { mesh_attribute_update_links(f.a, one.as_ptr(), ptrs(&both).as_ptr(), 2, 0) };
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT, "{}", last_error());
    assert!(
        last_error_quotes(
            "multiple target object IDs set (2) for one-to-one link relation SimpleReference"
        ),
        "{}",
        last_error()
    );
    // Neither refusal changed the target.
    let a = attribute(
        f.a,
        &plant_attr("SimpleReference"),
        MESH_MODEL_VIEW_NO_DEFINITIONS,
    );
    assert_eq!(targets(a), [CHIMNEY1_ID]);
    free_attribute(a);

    let many = c(&plant_attr("PlantToChimneyRefCollection"));
    check(
        unsafe { mesh_attribute_update_links(f.a, many.as_ptr(), ptr::null(), 0, 0) },
        MESH_OK,
    );
    let chimney2 = [c(CHIMNEY2_ID)];
    check(
        unsafe { mesh_attribute_update_links(f.a, many.as_ptr(), ptrs(&chimney2).as_ptr(), 1, 1) },
        MESH_OK,
    );
    check(
        unsafe { mesh_attribute_update_links(f.a, many.as_ptr(), ptrs(&chimney1).as_ptr(), 1, 1) },
        MESH_OK,
    );
    let a = attribute(
        f.a,
        &plant_attr("PlantToChimneyRefCollection"),
        MESH_MODEL_VIEW_NO_DEFINITIONS,
    );
    let mut got = targets(a);
    got.sort();
    assert_eq!(got, [CHIMNEY1_ID, CHIMNEY2_ID]);
    free_attribute(a);
    let status = unsafe { mesh_attribute_update_links(f.a, many.as_ptr(), ptr::null(), 0, 1) };
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT, "{}", last_error());
    assert!(
        last_error_quotes(
            "'append' is set to true, but no target objects are set for PlantToChimneyRefCollection"
        ),
        "{}",
        last_error()
    );
}

#[test]
fn versioned_links_are_replaced_over_an_interval() {
    let f = TwoSessions::new();
    let target = c(&plant_attr("ReferenceSeriesAtt"));
    // Removing 2004..2014 takes out the version of 2005-03-02.
    check(
        unsafe {
            mesh_attribute_update_link_versions(
                f.a,
                target.as_ptr(),
                utc_ms(2004, 1, 1, 0, 0, 0),
                utc_ms(2014, 1, 1, 0, 0, 0),
                ptr::null(),
                ptr::null(),
                0,
            )
        },
        MESH_OK,
    );
    let a = attribute(
        f.a,
        &plant_attr("ReferenceSeriesAtt"),
        MESH_MODEL_VIEW_NO_DEFINITIONS,
    );
    assert_eq!(
        versions(a, 0),
        [
            (utc_ms(2015, 6, 3, 0, 0, 0), CHIMNEY1_ID.to_string()),
            (utc_ms(2017, 2, 1, 0, 0, 0), CHIMNEY2_ID.to_string()),
        ]
    );
    free_attribute(a);
    // A new version, and one that links nothing.
    let times = [utc_ms(2004, 6, 1, 0, 0, 0), utc_ms(2010, 1, 1, 0, 0, 0)];
    let id = c(CHIMNEY1_ID);
    let ids = [id.as_ptr(), ptr::null()];
    check(
        unsafe {
            mesh_attribute_update_link_versions(
                f.a,
                target.as_ptr(),
                utc_ms(2004, 1, 1, 0, 0, 0),
                utc_ms(2014, 1, 1, 0, 0, 0),
                times.as_ptr(),
                ids.as_ptr(),
                2,
            )
        },
        MESH_OK,
    );
    let a = attribute(
        f.a,
        &plant_attr("ReferenceSeriesAtt"),
        MESH_MODEL_VIEW_NO_DEFINITIONS,
    );
    let got = versions(a, 0);
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(got[0], (times[0], CHIMNEY1_ID.to_string()));
    assert_eq!(got[1], (times[1], String::new()));
    free_attribute(a);

    // One-to-many: two entries replace those there were, then none.
    let many = c(&plant_attr("ReferenceSeriesCollectionAtt"));
    let sizes = [2usize, 1];
    let times = [
        utc_ms(2022, 1, 1, 0, 0, 0),
        utc_ms(2025, 1, 1, 0, 0, 0),
        utc_ms(2000, 1, 1, 0, 0, 0),
    ];
    let (c1, c2) = (c(CHIMNEY1_ID), c(CHIMNEY2_ID));
    let ids = [c2.as_ptr(), ptr::null(), c1.as_ptr()];
    check(
        unsafe {
            mesh_attribute_update_link_version_entries(
                f.a,
                many.as_ptr(),
                sizes.as_ptr(),
                2,
                times.as_ptr(),
                ids.as_ptr(),
                3,
            )
        },
        MESH_OK,
    );
    let a = attribute(
        f.a,
        &plant_attr("ReferenceSeriesCollectionAtt"),
        MESH_MODEL_VIEW_NO_DEFINITIONS,
    );
    assert_eq!(
        versions(a, 0),
        [
            (times[0], CHIMNEY2_ID.to_string()),
            (times[1], String::new())
        ]
    );
    assert_eq!(versions(a, 1), [(times[2], CHIMNEY1_ID.to_string())]);
    free_attribute(a);
    check(
        unsafe {
            mesh_attribute_update_link_version_entries(
                f.a,
                many.as_ptr(),
                ptr::null(),
                0,
                ptr::null(),
                ptr::null(),
                0,
            )
        },
        MESH_OK,
    );
    let a = attribute(
        f.a,
        &plant_attr("ReferenceSeriesCollectionAtt"),
        MESH_MODEL_VIEW_NO_DEFINITIONS,
    );
    assert_eq!(value_count(a), 0);
    free_attribute(a);
}

#[test]
fn objects_are_created_renamed_moved_and_deleted() {
    let f = TwoSessions::new();
    let owner = plant_attr("PlantToChimneyRef");
    let mut created = ptr::null_mut();
    check(
        unsafe {
            mesh_object_create(
                f.a,
                c(&owner).as_ptr(),
                c("NewChimney").as_ptr(),
                ptr::null(),
                &mut created,
            )
        },
        MESH_OK,
    );
    assert_eq!(object_name(created), "NewChimney");
    assert_eq!(object_path(created), format!("{owner}/NewChimney"));
    assert_eq!(object_type_name(created), "ChimneyElementType");
    let id = object_id(created);
    free_object(created);
    // Seen in its session, not in the other.
    let again = object(f.a, &id, MESH_MODEL_VIEW_NO_ATTRIBUTES);
    free_object(again);
    assert_eq!(
        get_object(f.b, &id, MESH_MODEL_VIEW_NO_ATTRIBUTES, None),
        Err(MESH_ERROR_NOT_FOUND)
    );

    check(
        unsafe { mesh_object_rename(f.a, c(&id).as_ptr(), c("Renamed").as_ptr()) },
        MESH_OK,
    );
    let new_owner = format!("{PLANT}.PlantToChimneyRef/SomePowerPlantChimney1.ChimneyToChimneyRef");
    check(
        unsafe { mesh_object_move(f.a, c(&id).as_ptr(), c(&new_owner).as_ptr()) },
        MESH_OK,
    );
    let moved = object(
        f.a,
        &format!("{new_owner}/Renamed"),
        MESH_MODEL_VIEW_NO_ATTRIBUTES,
    );
    assert_eq!(object_id(moved), id);
    assert_eq!(object_owner_path(moved), new_owner);
    free_object(moved);

    check(
        unsafe { mesh_object_delete(f.a, c(&id).as_ptr(), 0) },
        MESH_OK,
    );
    assert_eq!(
        get_object(f.a, &id, MESH_MODEL_VIEW_NO_ATTRIBUTES, None),
        Err(MESH_ERROR_NOT_FOUND)
    );
    assert!(
        last_error().contains("object not found"),
        "{}",
        last_error()
    );

    // An object with children goes only recursively.
    let status = unsafe { mesh_object_delete(f.a, c(PLANT).as_ptr(), 0) };
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT, "{}", last_error());
    assert!(last_error().contains("has child objects"));
    check(
        unsafe { mesh_object_delete(f.a, c(PLANT).as_ptr(), 1) },
        MESH_OK,
    );
    assert_eq!(
        get_object(f.a, CHIMNEY1_ID, MESH_MODEL_VIEW_NO_ATTRIBUTES, None),
        Err(MESH_ERROR_NOT_FOUND)
    );
    check(mesh_session_rollback(f.a), MESH_OK);
    let plant = object(f.a, PLANT, MESH_MODEL_VIEW_NO_ATTRIBUTES);
    free_object(plant);
}

#[test]
fn a_model_is_created_and_objects_under_it() {
    let f = TwoSessions::new();
    let mut model = ptr::null_mut();
    check(
        unsafe {
            mesh_model_create(
                f.a,
                c("NewModel").as_ptr(),
                c("Repository/UtilityRepository").as_ptr(),
                &mut model,
            )
        },
        MESH_OK,
    );
    assert_eq!(object_name(model), "NewModel");
    assert_eq!(object_path(model), "Model/NewModel");
    assert_eq!(object_type_name(model), "UtilityRepository");
    assert_eq!(object_owner_path(model), "");
    let relations: Vec<String> = attributes(model).into_iter().map(attr_name).collect();
    assert_eq!(relations, ["UtilityComponentRef"]);
    let model_id = object_id(model);
    free_object(model);
    assert_eq!(
        get_object(f.b, "Model/NewModel", MESH_MODEL_VIEW_NO_ATTRIBUTES, None),
        Err(MESH_ERROR_NOT_FOUND)
    );

    // Under a model, the object definition says which relation owns it.
    let mut component = ptr::null_mut();
    check(
        unsafe {
            mesh_object_create(
                f.a,
                c(&model_id).as_ptr(),
                c("Component").as_ptr(),
                c("Repository/SimpleThermalTestRepository/ThermalComponentType").as_ptr(),
                &mut component,
            )
        },
        MESH_OK,
    );
    assert_eq!(object_name(component), "Component");
    assert_eq!(object_path(component), "Model/NewModel/Component");
    assert_eq!(object_type_name(component), "ThermalComponentType");
    assert_eq!(object_owner_path(component), "Model/NewModel");
    assert_eq!(
        object_owner_id(component),
        model_id,
        "a first-level object is owned by its model"
    );
    free_object(component);
    let status = unsafe {
        mesh_object_create(
            f.a,
            c("Model/NewModel").as_ptr(),
            c("NoDefinition").as_ptr(),
            ptr::null(),
            ptr::null_mut(),
        )
    };
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT, "{}", last_error());
    assert!(
        last_error_quotes("object_definition_id is required when the owner is a model"),
        "{}",
        last_error()
    );

    // Deeper down, through an ownership attribute; a new plant starts with
    // its definitions' defaults.
    let mut plant = ptr::null_mut();
    check(
        unsafe {
            mesh_object_create(
                f.a,
                c("Model/NewModel/Component.ThermalPowerToPlantRef").as_ptr(),
                c("Plant").as_ptr(),
                ptr::null(),
                &mut plant,
            )
        },
        MESH_OK,
    );
    assert_eq!(
        object_path(plant),
        "Model/NewModel/Component.ThermalPowerToPlantRef/Plant"
    );
    assert_eq!(int_at(attribute_named(plant, "Int64Att"), 0), 64);
    assert_eq!(double_at(attribute_named(plant, "DblAtt"), 0), 1000.0);
    free_object(plant);

    let model_names = |s| {
        let mut models = ptr::null_mut();
        check(unsafe { mesh_model_list_read(s, &mut models) }, MESH_OK);
        let mut names: Vec<String> = list_items(models).into_iter().map(object_name).collect();
        free_list(models);
        names.sort();
        names
    };
    assert_eq!(
        model_names(f.a),
        ["NewModel", "SimpleThermalTestModel", "Utility"]
    );
    assert_eq!(model_names(f.b), ["SimpleThermalTestModel", "Utility"]);
    check(mesh_session_commit(f.a), MESH_OK);
    assert_eq!(
        model_names(f.b),
        ["NewModel", "SimpleThermalTestModel", "Utility"]
    );
    let plant = object(
        f.b,
        "Model/NewModel/Component/Plant",
        MESH_MODEL_VIEW_NO_ATTRIBUTES,
    );
    free_object(plant);
}

#[test]
fn xy_sets_are_replaced() {
    let f = TwoSessions::new();
    let unversioned = c(&plant_attr("XYSetAtt"));
    let mut sets = ptr::null_mut();
    check(unsafe { mesh_xy_set_list_new(&mut sets) }, MESH_OK);
    check(mesh_xy_set_list_add_set(sets, MESH_TIME_NONE), MESH_OK);
    let (x, y) = ([0.0, 1.0, 2.0], [0.0, -1.0, -2.0]);
    check(
        unsafe { mesh_xy_set_list_add_curve(sets, 1.5, x.as_ptr(), y.as_ptr(), 3) },
        MESH_OK,
    );
    check(
        unsafe { mesh_xy_set_list_add_curve(sets, -4.0, ptr::null(), ptr::null(), 0) },
        MESH_OK,
    );
    check(
        unsafe {
            mesh_xy_set_list_update(
                f.a,
                unversioned.as_ptr(),
                MESH_TIME_NONE,
                MESH_TIME_NONE,
                sets,
            )
        },
        MESH_OK,
    );
    check(mesh_xy_set_list_free(sets), MESH_OK);
    let mut got = ptr::null_mut();
    check(
        unsafe {
            mesh_xy_set_list_read(
                f.a,
                unversioned.as_ptr(),
                MESH_TIME_NONE,
                MESH_TIME_NONE,
                0,
                &mut got,
            )
        },
        MESH_OK,
    );
    let mut n = 0;
    check(
        unsafe { mesh_xy_set_list_curve_count_at(got, 0, &mut n) },
        MESH_OK,
    );
    assert_eq!(n, 2);
    // The server sorts curves by reference value.
    let mut z = [0.0; 2];
    for (j, zj) in z.iter_mut().enumerate() {
        check(
            unsafe { mesh_xy_set_list_curve_reference_value_at(got, 0, j, zj) },
            MESH_OK,
        );
    }
    assert_eq!(z, [-4.0, 1.5]);
    check(
        unsafe { mesh_xy_set_list_curve_point_count_at(got, 0, 1, &mut n) },
        MESH_OK,
    );
    assert_eq!(n, 3);
    let (mut gx, mut gy) = ([0.0; 3], [0.0; 3]);
    check(
        unsafe { mesh_xy_set_list_curve_points_at(got, 0, 1, gx.as_mut_ptr(), gy.as_mut_ptr(), 3) },
        MESH_OK,
    );
    assert_eq!((gx, gy), (x, y));
    check(mesh_xy_set_list_free(got), MESH_OK);

    // Versioned: one set valid from the start of the interval.
    let versioned = c(&plant_attr("XYZSeriesAtt"));
    let (start, end) = (utc_ms(1965, 10, 10, 0, 0, 0), utc_ms(1975, 10, 10, 0, 0, 0));
    let mut sets = ptr::null_mut();
    check(unsafe { mesh_xy_set_list_new(&mut sets) }, MESH_OK);
    check(mesh_xy_set_list_add_set(sets, start), MESH_OK);
    check(
        unsafe { mesh_xy_set_list_add_curve(sets, 0.0, x.as_ptr(), y.as_ptr(), 3) },
        MESH_OK,
    );
    check(
        unsafe { mesh_xy_set_list_update(f.a, versioned.as_ptr(), start, end, sets) },
        MESH_OK,
    );
    check(mesh_xy_set_list_free(sets), MESH_OK);
    let mut got = ptr::null_mut();
    check(
        unsafe { mesh_xy_set_list_read(f.a, versioned.as_ptr(), start, end, 0, &mut got) },
        MESH_OK,
    );
    check(unsafe { mesh_xy_set_list_count(got, &mut n) }, MESH_OK);
    assert_eq!(n, 1);
    let mut from = 0;
    check(
        unsafe { mesh_xy_set_list_valid_from_at(got, 0, &mut from) },
        MESH_OK,
    );
    assert_eq!(from, start);
    check(mesh_xy_set_list_free(got), MESH_OK);
    // The server's rules come back as its messages.
    let mut empty = ptr::null_mut();
    check(unsafe { mesh_xy_set_list_new(&mut empty) }, MESH_OK);
    let status = unsafe { mesh_xy_set_list_update(f.a, unversioned.as_ptr(), start, end, empty) };
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT, "{}", last_error());
    assert!(
        last_error_quotes(
            "interval must be empty when updating XYSetAttribute (it is unversioned)"
        ),
        "{}",
        last_error()
    );
    check(mesh_xy_set_list_free(empty), MESH_OK);
}

#[test]
fn rating_curves_are_replaced() {
    let f = TwoSessions::new();
    let target = c(&plant_attr("RatingCurveAtt"));
    let (start, end) = (utc_ms(1990, 1, 1, 0, 0, 0), utc_ms(2030, 1, 1, 0, 0, 0));
    let mut curve = ptr::null_mut();
    check(unsafe { mesh_rating_curve_new(&mut curve) }, MESH_OK);
    let until = [5.0, 50.0];
    let (a, b, cc) = ([1.0, 2.0], [0.5, 0.25], [1.5, 1.25]);
    check(
        unsafe {
            mesh_rating_curve_add_version(
                curve,
                utc_ms(2001, 1, 1, 0, 0, 0),
                1.0,
                until.as_ptr(),
                a.as_ptr(),
                b.as_ptr(),
                cc.as_ptr(),
                2,
            )
        },
        MESH_OK,
    );
    check(
        unsafe { mesh_rating_curve_update(f.a, target.as_ptr(), start, end, curve) },
        MESH_OK,
    );
    check(mesh_rating_curve_free(curve), MESH_OK);
    let mut got = ptr::null_mut();
    check(
        unsafe { mesh_rating_curve_read(f.a, target.as_ptr(), start, end, 0, &mut got) },
        MESH_OK,
    );
    let mut n = 0;
    check(
        unsafe { mesh_rating_curve_version_count(got, &mut n) },
        MESH_OK,
    );
    assert_eq!(n, 1);
    let (mut gu, mut ga, mut gb, mut gc) = ([0.0; 2], [0.0; 2], [0.0; 2], [0.0; 2]);
    check(
        unsafe {
            mesh_rating_curve_segments_at(
                got,
                0,
                gu.as_mut_ptr(),
                ga.as_mut_ptr(),
                gb.as_mut_ptr(),
                gc.as_mut_ptr(),
                2,
            )
        },
        MESH_OK,
    );
    assert_eq!((gu, ga, gb, gc), (until, a, b, cc));
    check(mesh_rating_curve_free(got), MESH_OK);
    // The other session still has the two versions it started with.
    let mut other = ptr::null_mut();
    check(
        unsafe { mesh_rating_curve_read(f.b, target.as_ptr(), start, end, 1, &mut other) },
        MESH_OK,
    );
    check(
        unsafe { mesh_rating_curve_version_count(other, &mut n) },
        MESH_OK,
    );
    assert_eq!(n, 2);
    check(
        unsafe { mesh_rating_curve_segment_count_at(other, 0, &mut n) },
        MESH_OK,
    );
    assert_eq!(n, 0, "versions only");
    check(mesh_rating_curve_free(other), MESH_OK);
}
