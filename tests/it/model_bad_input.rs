//! Bad input to the model functions never crashes: each row is a call a
//! careless or hostile caller could make, with the exact status it must
//! give. Out-pointers are left alone on failure, and every failure leaves
//! a message of its own.

use std::ffi::c_char;
use std::ptr;
use std::time::Duration;

use crate::common::bad_input::*;
use crate::common::model::*;
use crate::common::*;
use mesh_status::*;

#[test]
fn bad_model_input_table() {
    let emu = emulator(Duration::from_secs(300));
    let conn = connect(&emu.addr().to_string());
    let s = open(conn);
    let closed = open(conn);
    check(mesh_session_close(closed), MESH_OK);

    // Real results to misuse.
    let plant = object(s, PLANT, MESH_MODEL_VIEW_NO_DEFINITIONS);
    let dbl = attribute_named(plant, "DblAtt");
    let tsraw = attribute_named(plant, "TsRawAtt");
    let full_dbl = attribute(s, &plant_attr("DblAtt"), MESH_MODEL_VIEW_FULL);
    let list = search(
        s,
        COMPONENT,
        "*[.Type=ChimneyElementType]",
        MESH_MODEL_VIEW_NO_ATTRIBUTES,
    );
    let n_chimneys = list_count(list);
    let n_attrs = attribute_count(plant);
    let freed = object(s, PLANT, MESH_MODEL_VIEW_NO_ATTRIBUTES);
    free_object(freed);
    let freed_list = search(
        s,
        COMPONENT,
        "*[.Type=ChimneyElementType]",
        MESH_MODEL_VIEW_NO_ATTRIBUTES,
    );
    let freed_item = list_item(freed_list, 0);
    free_list(freed_list);
    let mut sets = ptr::null_mut();
    check(unsafe { mesh_xy_set_list_new(&mut sets) }, MESH_OK);
    let mut freed_sets = ptr::null_mut();
    check(unsafe { mesh_xy_set_list_new(&mut freed_sets) }, MESH_OK);
    check(mesh_xy_set_list_free(freed_sets), MESH_OK);
    let mut curve = ptr::null_mut();
    check(unsafe { mesh_rating_curve_new(&mut curve) }, MESH_OK);

    let made_up_object: *mut mesh_object = sentinel();
    let made_up_attr: *mut mesh_attribute = sentinel();
    let stack = 0u64;
    let stack_object = ptr::from_ref(&stack) as *mut mesh_object;

    let target = c(PLANT);
    let dbl_path = c(&plant_attr("DblAtt"));
    let query = c("*[.Type=ChimneyElementType]");
    let bad_utf8: &[u8] = b"Model/\xff\xfe\0";
    let bad_utf8 = bad_utf8.as_ptr().cast::<c_char>();
    let not_a_target = c("SomePowerPlant1");
    let empty = c("");
    let bad_names = c("DblAtt,,Int64Att");
    let no_such = c("NoSuchAttribute");
    let chimney = c(CHIMNEY1_ID);
    let bad_id = c("not-an-id");
    let bad_ids = [bad_id.as_ptr()];
    let null_ids = [ptr::null::<c_char>()];
    let good_ids = [chimney.as_ptr()];
    let times = [0i64];

    let mut buf = [0 as c_char; 64];
    let bufp = buf.as_mut_ptr();
    let mut len_cell = 0usize;
    let len = &raw mut len_cell;
    // Out-pointers every failing row writes through, checked afterwards.
    let mut out_object: *mut mesh_object = sentinel();
    let mut out_list: *mut mesh_object_list = sentinel();
    let mut out_attr: *mut mesh_attribute = sentinel();
    let mut out_attr_list: *mut mesh_attribute_list = sentinel();
    let mut out_ids: *mut mesh_id_list = sentinel();
    let mut out_sets: *mut mesh_xy_set_list = sentinel();
    let mut out_curve: *mut mesh_rating_curve = sentinel();
    let mut out_resource: *mut mesh_timeseries_resource = sentinel();
    let mut out_f64 = 7.5f64;
    let mut out_i64 = 7i64;
    let mut out_i32 = 7i32;
    let mut out_usize = 7usize;
    let oo = &raw mut out_object;
    let ol = &raw mut out_list;
    let oa = &raw mut out_attr;
    let oal = &raw mut out_attr_list;
    let oi = &raw mut out_ids;
    let os = &raw mut out_sets;
    let oc = &raw mut out_curve;
    let or = &raw mut out_resource;
    let of = &raw mut out_f64;
    let o64 = &raw mut out_i64;
    let o32 = &raw mut out_i32;
    let ou = &raw mut out_usize;

    use MESH_ERROR_BUFFER_TOO_SMALL as SMALL;
    use MESH_ERROR_INVALID_ARGUMENT as ARG;
    use MESH_ERROR_INVALID_HANDLE as HANDLE;
    let rows: Vec<Row> = vec![
        // Session calls: sessions, targets, views, filters, out-pointers.
        (
            "model_list NULL session",
            Box::new(|| unsafe { mesh_model_list_read(ptr::null_mut(), ol) }),
            ARG,
        ),
        (
            "model_list closed session",
            Box::new(|| unsafe { mesh_model_list_read(closed, ol) }),
            HANDLE,
        ),
        (
            "model_list NULL out",
            Box::new(|| unsafe { mesh_model_list_read(s, ptr::null_mut()) }),
            ARG,
        ),
        (
            "object_get NULL target",
            Box::new(|| unsafe {
                mesh_object_read(s, ptr::null(), 0, ptr::null(), ptr::null(), ptr::null(), oo)
            }),
            ARG,
        ),
        (
            "object_get bad UTF-8",
            Box::new(|| unsafe {
                mesh_object_read(s, bad_utf8, 0, ptr::null(), ptr::null(), ptr::null(), oo)
            }),
            ARG,
        ),
        (
            "object_get neither id nor path",
            Box::new(|| unsafe {
                mesh_object_read(
                    s,
                    not_a_target.as_ptr(),
                    0,
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    oo,
                )
            }),
            ARG,
        ),
        (
            "object_get empty target",
            Box::new(|| unsafe {
                mesh_object_read(
                    s,
                    empty.as_ptr(),
                    0,
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    oo,
                )
            }),
            ARG,
        ),
        (
            "object_get view 3",
            Box::new(|| unsafe {
                mesh_object_read(
                    s,
                    target.as_ptr(),
                    3,
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    oo,
                )
            }),
            ARG,
        ),
        (
            "object_get view -1",
            Box::new(|| unsafe {
                mesh_object_read(
                    s,
                    target.as_ptr(),
                    -1,
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    oo,
                )
            }),
            ARG,
        ),
        (
            "object_get empty name in filter",
            Box::new(|| unsafe {
                mesh_object_read(
                    s,
                    target.as_ptr(),
                    0,
                    bad_names.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    oo,
                )
            }),
            ARG,
        ),
        (
            "object_get NULL out",
            Box::new(|| unsafe {
                mesh_object_read(
                    s,
                    target.as_ptr(),
                    0,
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null_mut(),
                )
            }),
            ARG,
        ),
        (
            "object_get closed session",
            Box::new(|| unsafe {
                mesh_object_read(
                    closed,
                    target.as_ptr(),
                    0,
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    oo,
                )
            }),
            HANDLE,
        ),
        (
            "object_get object as session",
            Box::new(|| unsafe {
                mesh_object_read(
                    plant.cast(),
                    target.as_ptr(),
                    0,
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    oo,
                )
            }),
            HANDLE,
        ),
        (
            "object_search NULL query",
            Box::new(|| unsafe {
                mesh_object_search(
                    s,
                    target.as_ptr(),
                    ptr::null(),
                    0,
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    ol,
                )
            }),
            ARG,
        ),
        (
            "object_search NULL start",
            Box::new(|| unsafe {
                mesh_object_search(
                    s,
                    ptr::null(),
                    query.as_ptr(),
                    0,
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    ol,
                )
            }),
            ARG,
        ),
        (
            "object_search NULL out",
            Box::new(|| unsafe {
                mesh_object_search(
                    s,
                    target.as_ptr(),
                    query.as_ptr(),
                    0,
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null_mut(),
                )
            }),
            ARG,
        ),
        (
            "search_by_definition view 9",
            Box::new(|| unsafe {
                mesh_object_search_by_definition(
                    s,
                    target.as_ptr(),
                    9,
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    ol,
                )
            }),
            ARG,
        ),
        (
            "attribute_get view NO_ATTRIBUTES",
            Box::new(|| unsafe {
                mesh_attribute_read(s, dbl_path.as_ptr(), MESH_MODEL_VIEW_NO_ATTRIBUTES, oa)
            }),
            ARG,
        ),
        (
            "attribute_get NULL out",
            Box::new(|| unsafe { mesh_attribute_read(s, dbl_path.as_ptr(), 0, ptr::null_mut()) }),
            ARG,
        ),
        (
            "attribute_search NULL query",
            Box::new(|| unsafe { mesh_attribute_search(s, target.as_ptr(), ptr::null(), 0, oal) }),
            ARG,
        ),
        (
            "attribute_search NO_ATTRIBUTES",
            Box::new(|| unsafe {
                mesh_attribute_search(s, target.as_ptr(), query.as_ptr(), 2, oal)
            }),
            ARG,
        ),
        (
            "linked_from bad target",
            Box::new(|| unsafe { mesh_object_read_linked_from(s, not_a_target.as_ptr(), oi) }),
            ARG,
        ),
        (
            "linked_from NULL out",
            Box::new(|| unsafe {
                mesh_object_read_linked_from(s, target.as_ptr(), ptr::null_mut())
            }),
            ARG,
        ),
        // Results: NULL, made-up, freed and mistyped handles.
        (
            "object_name NULL",
            Box::new(|| unsafe { mesh_object_name(ptr::null(), bufp, 64, len) }),
            ARG,
        ),
        (
            "object_name made-up",
            Box::new(|| unsafe { mesh_object_name(made_up_object, bufp, 64, len) }),
            HANDLE,
        ),
        (
            "object_name stack address",
            Box::new(|| unsafe { mesh_object_name(stack_object, bufp, 64, len) }),
            HANDLE,
        ),
        (
            "object_name freed",
            Box::new(|| unsafe { mesh_object_name(freed, bufp, 64, len) }),
            HANDLE,
        ),
        (
            "object_name item of a freed list",
            Box::new(|| unsafe { mesh_object_name(freed_item, bufp, 64, len) }),
            HANDLE,
        ),
        (
            "object_name attribute handle",
            Box::new(|| unsafe { mesh_object_name(dbl.cast(), bufp, 64, len) }),
            HANDLE,
        ),
        (
            "object_name list handle",
            Box::new(|| unsafe { mesh_object_name(list.cast(), bufp, 64, len) }),
            HANDLE,
        ),
        (
            "object_name session handle",
            Box::new(|| unsafe { mesh_object_name(s.cast(), bufp, 64, len) }),
            HANDLE,
        ),
        (
            "attribute_name object handle",
            Box::new(|| unsafe { mesh_attribute_name(plant.cast(), bufp, 64, len) }),
            HANDLE,
        ),
        (
            "attribute_name made-up",
            Box::new(|| unsafe { mesh_attribute_name(made_up_attr, bufp, 64, len) }),
            HANDLE,
        ),
        (
            "list_count object handle",
            Box::new(|| unsafe { mesh_object_list_count(plant.cast(), ou) }),
            HANDLE,
        ),
        (
            "list_count NULL out",
            Box::new(|| unsafe { mesh_object_list_count(list, ptr::null_mut()) }),
            ARG,
        ),
        (
            "attribute_list_count object list",
            Box::new(|| unsafe { mesh_attribute_list_count(list.cast(), ou) }),
            HANDLE,
        ),
        (
            "id_list_count object list",
            Box::new(|| unsafe { mesh_id_list_count(list.cast(), ou) }),
            HANDLE,
        ),
        (
            "xy_sets_count freed",
            Box::new(|| unsafe { mesh_xy_set_list_count(freed_sets, ou) }),
            HANDLE,
        ),
        (
            "rating_curve_version_count xy sets",
            Box::new(|| unsafe { mesh_rating_curve_version_count(sets.cast(), ou) }),
            HANDLE,
        ),
        // Indexes out of range.
        (
            "list_get past the end",
            Box::new(|| unsafe { mesh_object_list_at(list, n_chimneys, oo) }),
            ARG,
        ),
        (
            "list_get usize::MAX",
            Box::new(|| unsafe { mesh_object_list_at(list, usize::MAX, oo) }),
            ARG,
        ),
        (
            "object_attribute past the end",
            Box::new(|| unsafe { mesh_object_attribute_at(plant, n_attrs, oa) }),
            ARG,
        ),
        (
            "value_double index 1 of a single",
            Box::new(|| unsafe { mesh_attribute_value_double_at(dbl, 1, of) }),
            ARG,
        ),
        (
            "version_count on a double",
            Box::new(|| unsafe { mesh_attribute_version_count_at(dbl, 0, ou) }),
            ARG,
        ),
        (
            "xy curve of a set that is not there",
            Box::new(|| unsafe { mesh_xy_set_list_curve_count_at(sets, 0, ou) }),
            ARG,
        ),
        (
            "rating curve version not there",
            Box::new(|| unsafe { mesh_rating_curve_valid_from_at(curve, 0, o64) }),
            ARG,
        ),
        // Wrong kinds.
        (
            "value_int of a double",
            Box::new(|| unsafe { mesh_attribute_value_int_at(dbl, 0, o64) }),
            ARG,
        ),
        (
            "value_bool of a double",
            Box::new(|| unsafe { mesh_attribute_value_bool_at(dbl, 0, o32) }),
            ARG,
        ),
        (
            "value_string of a double",
            Box::new(|| unsafe { mesh_attribute_value_string_at(dbl, 0, bufp, 64, len) }),
            ARG,
        ),
        (
            "value_target_id of a double",
            Box::new(|| unsafe { mesh_attribute_value_target_id_at(dbl, 0, bufp, 64, len) }),
            ARG,
        ),
        (
            "value_double of a time series",
            Box::new(|| unsafe { mesh_attribute_value_double_at(tsraw, 0, of) }),
            ARG,
        ),
        (
            "timeseries_key of a double",
            Box::new(|| unsafe { mesh_attribute_timeseries_key(dbl, o64) }),
            ARG,
        ),
        (
            "timeseries_resource of a double",
            Box::new(|| unsafe { mesh_attribute_timeseries_resource(dbl, or) }),
            ARG,
        ),
        (
            "definition without one",
            Box::new(|| unsafe { mesh_attribute_definition_description(dbl, bufp, 64, len) }),
            ARG,
        ),
        (
            "definition default_int of a double",
            Box::new(|| unsafe { mesh_attribute_definition_default_int(full_dbl, o64) }),
            ARG,
        ),
        (
            "definition template of a double",
            Box::new(|| unsafe {
                mesh_attribute_definition_template_expression(full_dbl, bufp, 64, len)
            }),
            ARG,
        ),
        (
            "definition tag past the end",
            Box::new(|| unsafe { mesh_attribute_definition_tag_at(full_dbl, 99, bufp, 64, len) }),
            ARG,
        ),
        (
            "attribute_by_name unknown",
            Box::new(|| unsafe { mesh_object_attribute_by_name(plant, no_such.as_ptr(), oa) }),
            MESH_ERROR_NOT_FOUND,
        ),
        (
            "attribute_by_name NULL",
            Box::new(|| unsafe { mesh_object_attribute_by_name(plant, ptr::null(), oa) }),
            ARG,
        ),
        // Buffers.
        (
            "object_name cap 5",
            Box::new(|| unsafe { mesh_object_name(plant, bufp, 5, len) }),
            SMALL,
        ),
        (
            "object_id cap 36",
            Box::new(|| unsafe { mesh_object_id(plant, bufp, 36, ptr::null_mut()) }),
            SMALL,
        ),
        (
            "object_path NULL buf, cap 64",
            Box::new(|| unsafe { mesh_object_path(plant, ptr::null_mut(), 64, len) }),
            ARG,
        ),
        (
            "attribute_path cap 0",
            Box::new(|| unsafe { mesh_attribute_path(dbl, bufp, 0, len) }),
            SMALL,
        ),
        (
            "xy points of a set not there",
            Box::new(|| unsafe {
                mesh_xy_set_list_curve_points_at(sets, 0, 0, ptr::null_mut(), ptr::null_mut(), 0)
            }),
            ARG,
        ),
        // Updates: arrays, ids, intervals.
        (
            "set_double NULL target",
            Box::new(|| unsafe { mesh_attribute_update_double(s, ptr::null(), 1.0) }),
            ARG,
        ),
        (
            "set_double closed session",
            Box::new(|| unsafe { mesh_attribute_update_double(closed, dbl_path.as_ptr(), 1.0) }),
            HANDLE,
        ),
        (
            "set_string NULL value",
            Box::new(|| unsafe { mesh_attribute_update_string(s, dbl_path.as_ptr(), ptr::null()) }),
            ARG,
        ),
        (
            "set_ints NULL with count 2",
            Box::new(|| unsafe {
                mesh_attribute_update_ints(s, dbl_path.as_ptr(), ptr::null(), 2)
            }),
            ARG,
        ),
        (
            "set_strings NULL entry",
            Box::new(|| unsafe {
                mesh_attribute_update_strings(s, dbl_path.as_ptr(), null_ids.as_ptr(), 1)
            }),
            ARG,
        ),
        (
            "set_expression NULL",
            Box::new(|| unsafe {
                mesh_attribute_update_expression(s, dbl_path.as_ptr(), ptr::null())
            }),
            ARG,
        ),
        (
            "set_links bad id",
            Box::new(|| unsafe {
                mesh_attribute_update_links(s, dbl_path.as_ptr(), bad_ids.as_ptr(), 1, 0)
            }),
            ARG,
        ),
        (
            "set_links NULL entry",
            Box::new(|| unsafe {
                mesh_attribute_update_links(s, dbl_path.as_ptr(), null_ids.as_ptr(), 1, 0)
            }),
            ARG,
        ),
        (
            "set_links NULL array count 1",
            Box::new(|| unsafe {
                mesh_attribute_update_links(s, dbl_path.as_ptr(), ptr::null(), 1, 0)
            }),
            ARG,
        ),
        (
            "set_link_versions one MESH_TIME_NONE",
            Box::new(|| unsafe {
                mesh_attribute_update_link_versions(
                    s,
                    dbl_path.as_ptr(),
                    MESH_TIME_NONE,
                    5,
                    times.as_ptr(),
                    good_ids.as_ptr(),
                    1,
                )
            }),
            ARG,
        ),
        (
            "set_link_versions end before start",
            Box::new(|| unsafe {
                mesh_attribute_update_link_versions(
                    s,
                    dbl_path.as_ptr(),
                    10,
                    5,
                    times.as_ptr(),
                    good_ids.as_ptr(),
                    1,
                )
            }),
            ARG,
        ),
        (
            "set_link_version_entries sizes do not add up",
            Box::new(|| unsafe {
                mesh_attribute_update_link_version_entries(
                    s,
                    dbl_path.as_ptr(),
                    [2usize].as_ptr(),
                    1,
                    times.as_ptr(),
                    good_ids.as_ptr(),
                    1,
                )
            }),
            ARG,
        ),
        (
            "object_create NULL name",
            Box::new(|| unsafe {
                mesh_object_create(s, dbl_path.as_ptr(), ptr::null(), ptr::null(), oo)
            }),
            ARG,
        ),
        (
            "object_create bad definition",
            Box::new(|| unsafe {
                mesh_object_create(
                    s,
                    dbl_path.as_ptr(),
                    empty.as_ptr(),
                    not_a_target.as_ptr(),
                    oo,
                )
            }),
            ARG,
        ),
        (
            "object_rename NULL name",
            Box::new(|| unsafe { mesh_object_rename(s, target.as_ptr(), ptr::null()) }),
            ARG,
        ),
        (
            "object_move bad owner",
            Box::new(|| unsafe { mesh_object_move(s, target.as_ptr(), bad_id.as_ptr()) }),
            ARG,
        ),
        (
            "object_delete closed session",
            Box::new(|| unsafe { mesh_object_delete(closed, target.as_ptr(), 0) }),
            HANDLE,
        ),
        (
            "model_create NULL definition",
            Box::new(|| unsafe { mesh_model_create(s, empty.as_ptr(), ptr::null(), oo) }),
            ARG,
        ),
        (
            "xy_sets_get one MESH_TIME_NONE",
            Box::new(|| unsafe {
                mesh_xy_set_list_read(s, dbl_path.as_ptr(), 0, MESH_TIME_NONE, 0, os)
            }),
            ARG,
        ),
        (
            "xy_sets_new NULL out",
            Box::new(|| unsafe { mesh_xy_set_list_new(ptr::null_mut()) }),
            ARG,
        ),
        (
            "xy_sets_add_curve before a set",
            Box::new(|| unsafe {
                mesh_xy_set_list_add_curve(sets, 1.0, ptr::null(), ptr::null(), 0)
            }),
            ARG,
        ),
        (
            "xy_sets_add_curve NULL x count 1",
            Box::new(|| unsafe {
                mesh_xy_set_list_add_curve(sets, 1.0, ptr::null(), ptr::null(), 1)
            }),
            ARG,
        ),
        (
            "xy_sets_update freed sets",
            Box::new(|| unsafe {
                mesh_xy_set_list_update(
                    s,
                    dbl_path.as_ptr(),
                    MESH_TIME_NONE,
                    MESH_TIME_NONE,
                    freed_sets,
                )
            }),
            HANDLE,
        ),
        (
            "rating_curve_get end before start",
            Box::new(|| unsafe { mesh_rating_curve_read(s, dbl_path.as_ptr(), 10, 5, 0, oc) }),
            ARG,
        ),
        (
            "rating_curve_add_version NULL arrays",
            Box::new(|| unsafe {
                mesh_rating_curve_add_version(
                    curve,
                    0,
                    0.0,
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    2,
                )
            }),
            ARG,
        ),
        (
            "rating_curve_update NULL curve",
            Box::new(|| unsafe {
                mesh_rating_curve_update(s, dbl_path.as_ptr(), 0, 5, ptr::null())
            }),
            ARG,
        ),
        // Destructors take NULL; a freed handle is invalid.
        (
            "object_free NULL",
            Box::new(|| mesh_object_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "object_list_free NULL",
            Box::new(|| mesh_object_list_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "attribute_free NULL",
            Box::new(|| mesh_attribute_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "attribute_list_free NULL",
            Box::new(|| mesh_attribute_list_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "id_list_free NULL",
            Box::new(|| mesh_id_list_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "xy_sets_free NULL",
            Box::new(|| mesh_xy_set_list_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "rating_curve_free NULL",
            Box::new(|| mesh_rating_curve_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "object_free freed",
            Box::new(|| mesh_object_free(freed)),
            HANDLE,
        ),
        (
            "object_free made-up",
            Box::new(|| mesh_object_free(made_up_object)),
            HANDLE,
        ),
        (
            "object_list_free object",
            Box::new(|| mesh_object_list_free(plant.cast())),
            HANDLE,
        ),
        (
            "object_free list",
            Box::new(|| mesh_object_free(list.cast())),
            HANDLE,
        ),
        (
            "xy_sets_free twice",
            Box::new(|| mesh_xy_set_list_free(freed_sets)),
            HANDLE,
        ),
    ];

    check_rows(conn, &rows);
    drop(rows);
    assert_eq!(out_object.addr(), UNTOUCHED);
    assert_eq!(out_list.addr(), UNTOUCHED);
    assert_eq!(out_attr.addr(), UNTOUCHED);
    assert_eq!(out_attr_list.addr(), UNTOUCHED);
    assert_eq!(out_ids.addr(), UNTOUCHED);
    assert_eq!(out_sets.addr(), UNTOUCHED);
    assert_eq!(out_curve.addr(), UNTOUCHED);
    assert_eq!(out_resource.addr(), UNTOUCHED);
    assert_eq!((out_f64, out_i64, out_i32, out_usize), (7.5, 7, 7, 7));
    // Too small a buffer still says how much is needed.
    len_cell = 0;
    check(
        unsafe { mesh_object_name(plant, buf.as_mut_ptr(), 5, &mut len_cell) },
        SMALL,
    );
    assert_eq!(len_cell, "SomePowerPlant1".len());

    // The valid handles still work after all that.
    assert_eq!(object_name(plant), "SomePowerPlant1");
    assert_eq!(double_at(dbl, 0), 1000.0);
    free_object(plant);
    free_attribute(full_dbl);
    free_list(list);
    check(mesh_xy_set_list_free(sets), MESH_OK);
    check(mesh_rating_curve_free(curve), MESH_OK);
    check(mesh_session_close(s), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}
