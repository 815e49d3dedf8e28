//! Bad input to the availability functions never crashes and never
//! reaches the server: each row is a call a careless or hostile caller
//! could make (NULLs, bad UTF-8, unknown event and recurrence types, no
//! targets, periods that end before they start, closed sessions, freed,
//! made-up and mistyped handles, indexes past the end, accessors that do
//! not apply), with the exact status it must give. Out-pointers are left
//! alone on failure, every failure leaves a message of its own, and the
//! server sees no availability call while the table runs.

use std::ffi::c_char;
use std::ptr;

use crate::common::availability::*;
use crate::common::bad_input::*;
use crate::common::*;
use mesh_status::*;

#[test]
fn bad_availability_input_table() {
    let f = Fixture::new();
    let s = f.s;
    let closed = open(f.conn);
    check(mesh_session_close(closed), MESH_OK);

    // Real results to misuse: a revision with one recurrence, a basic and
    // a complex restriction, lists of events and of instances.
    take(create_revision(s, &NewRevision::plain("rev", "", "")));
    add_recurrence(
        s,
        "rev",
        Pattern::once("Planned", ""),
        (utc(2023, 1, 1, 0), utc(2023, 1, 2, 0)),
        None,
    );
    let jan = (utc(2023, 1, 1, 0), utc(2023, 1, 10, 0));
    let rec = basic(Pattern::once("SelfImposed", ""), jan, 1.0);
    let points = [(utc(2023, 1, 1, 8), 1.0), (utc(2023, 1, 1, 12), 2.0)];
    let complex_rec = complex(Pattern::once("SelfImposed", ""), &points);
    take(create_restriction(
        s,
        &NewRestriction::plain("res", "DischargeMin[m3/s]", "", "", rec),
    ));
    let cres = create_restriction(
        s,
        &NewRestriction::plain("cres", "DischargeMin[m3/s]", "", "", complex_rec),
    );
    let rev = try_read_event(s, "rev").unwrap();
    let res = try_read_event(s, "res").unwrap();
    let list = search_list(s, MESH_AVAILABILITY_EVENT_TYPE_ALL);
    let n_events = list_count(list);
    assert_eq!(n_events, 3);
    let item = list_items(list)[0];
    let freed_list = search_list(s, MESH_AVAILABILITY_EVENT_TYPE_ALL);
    let freed_item = list_items(freed_list)[0];
    check(mesh_availability_event_list_free(freed_list), MESH_OK);
    let freed_event = try_read_event(s, "rev").unwrap();
    check(mesh_availability_event_free(freed_event), MESH_OK);
    let mut instances = ptr::null_mut();
    check(
        unsafe {
            mesh_availability_instance_search(
                s,
                c(TARGET).as_ptr(),
                c("rev").as_ptr(),
                jan.0,
                jan.1,
                &mut instances,
            )
        },
        MESH_OK,
    );
    assert_eq!(read_instances(instances).len(), 1);
    let mut freed_instances = ptr::null_mut();
    check(
        unsafe {
            mesh_availability_instance_search(
                s,
                c(TARGET).as_ptr(),
                c("res").as_ptr(),
                jan.0,
                jan.1,
                &mut freed_instances,
            )
        },
        MESH_OK,
    );
    check(
        mesh_availability_instance_list_free(freed_instances),
        MESH_OK,
    );
    let freed_rec = basic(Pattern::once("SelfImposed", ""), jan, 1.0);
    check(mesh_restriction_recurrence_free(freed_rec), MESH_OK);

    let made_up: *mut mesh_availability_event = sentinel();
    let made_up_list: *mut mesh_availability_event_list = sentinel();
    let stack = 0u64;
    let stack_event = ptr::from_ref(&stack) as *mut mesh_availability_event;

    let target = c(TARGET);
    let t = target.as_ptr();
    let id = c("rev");
    let res_id = c("res");
    let new_event = c("new_event");
    let text = c("text");
    let planned = c("Planned");
    let category = c("DischargeMin[m3/s]");
    let bad_utf8: &[u8] = b"Model/\xff\xfe\0";
    let bad_utf8 = bad_utf8.as_ptr().cast::<c_char>();
    let not_a_target = c("SomePowerPlant1");
    let empty = c("");
    let targets = [t];
    let null_targets = [ptr::null::<c_char>()];
    let bad_targets = [t, not_a_target.as_ptr()];
    let ids = [id.as_ptr()];
    let null_ids = [ptr::null::<c_char>()];
    let times = [utc(2023, 1, 1, 8), utc(2023, 1, 1, 12), utc(2023, 1, 1, 16)];
    let same_times = [utc(2023, 1, 1, 8), utc(2023, 1, 1, 8)];
    let back_times = [utc(2023, 1, 1, 12), utc(2023, 1, 1, 8)];
    let values = [1.0, 2.0, 3.0];
    let (a, b) = jan;
    const NONE: i64 = MESH_TIME_NONE;

    let mut buf = [0 as c_char; 64];
    let bufp = buf.as_mut_ptr();
    let mut len_cell = 0usize;
    let len = &raw mut len_cell;
    let mut small_times = [0i64; 1];
    let mut small_values = [0f64; 1];
    let (stp, svp) = (small_times.as_mut_ptr(), small_values.as_mut_ptr());
    // Out-pointers every failing row writes through, checked afterwards.
    let mut out_event: *mut mesh_availability_event = sentinel();
    let mut out_list: *mut mesh_availability_event_list = sentinel();
    let mut out_instances: *mut mesh_availability_instance_list = sentinel();
    let mut out_rec: *mut mesh_restriction_recurrence = sentinel();
    let mut out_u32 = 7u32;
    let mut out_i32 = 7i32;
    let mut out_i64 = 7i64;
    let mut out_i64b = 7i64;
    let mut out_f64 = 7.5f64;
    let mut out_usize = 7usize;
    let oe = &raw mut out_event;
    let ol = &raw mut out_list;
    let oi = &raw mut out_instances;
    let or = &raw mut out_rec;
    let ou32 = &raw mut out_u32;
    let o32 = &raw mut out_i32;
    let o64 = &raw mut out_i64;
    let o64b = &raw mut out_i64b;
    let of = &raw mut out_f64;
    let ou = &raw mut out_usize;

    let calls_before = availability_calls(&f.emu);

    use MESH_ERROR_BUFFER_TOO_SMALL as SMALL;
    use MESH_ERROR_INVALID_ARGUMENT as ARG;
    use MESH_ERROR_INVALID_HANDLE as HANDLE;
    use MESH_RECURRENCE_TYPE_DAILY as DAILY;
    use MESH_RECURRENCE_TYPE_NONE as ONCE;
    let rows: Vec<Row> = vec![
        // Creating revisions: sessions, targets, ids, texts, out-pointers.
        (
            "revision_create NULL session",
            Box::new(|| unsafe {
                mesh_revision_create(
                    ptr::null_mut(),
                    t,
                    id.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            ARG,
        ),
        (
            "revision_create closed session",
            Box::new(|| unsafe {
                mesh_revision_create(
                    closed,
                    t,
                    new_event.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            HANDLE,
        ),
        (
            "revision_create event as session",
            Box::new(|| unsafe {
                mesh_revision_create(
                    rev.cast(),
                    t,
                    new_event.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            HANDLE,
        ),
        (
            "revision_create NULL target",
            Box::new(|| unsafe {
                mesh_revision_create(
                    s,
                    ptr::null(),
                    new_event.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            ARG,
        ),
        (
            "revision_create neither id nor path",
            Box::new(|| unsafe {
                mesh_revision_create(
                    s,
                    not_a_target.as_ptr(),
                    new_event.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            ARG,
        ),
        (
            "revision_create empty target",
            Box::new(|| unsafe {
                mesh_revision_create(
                    s,
                    empty.as_ptr(),
                    new_event.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            ARG,
        ),
        (
            "revision_create bad UTF-8 target",
            Box::new(|| unsafe {
                mesh_revision_create(
                    s,
                    bad_utf8,
                    new_event.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            ARG,
        ),
        (
            "revision_create NULL event_id",
            Box::new(|| unsafe {
                mesh_revision_create(
                    s,
                    t,
                    ptr::null(),
                    text.as_ptr(),
                    text.as_ptr(),
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            ARG,
        ),
        (
            "revision_create bad UTF-8 reason",
            Box::new(|| unsafe {
                mesh_revision_create(
                    s,
                    t,
                    new_event.as_ptr(),
                    ptr::null(),
                    bad_utf8,
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            ARG,
        ),
        (
            "revision_create bad UTF-8 author",
            Box::new(|| unsafe {
                mesh_revision_create(
                    s,
                    t,
                    new_event.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    bad_utf8,
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            ARG,
        ),
        (
            "revision_create NULL out",
            Box::new(|| unsafe {
                mesh_revision_create(
                    s,
                    t,
                    new_event.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    ptr::null_mut(),
                )
            }),
            ARG,
        ),
        // Creating restrictions.
        (
            "restriction_create NULL event_id",
            Box::new(|| unsafe {
                mesh_restriction_create(
                    s,
                    t,
                    ptr::null(),
                    category.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    rec,
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            ARG,
        ),
        (
            "restriction_create NULL category",
            Box::new(|| unsafe {
                mesh_restriction_create(
                    s,
                    t,
                    new_event.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    rec,
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            ARG,
        ),
        (
            "restriction_create NULL recurrence",
            Box::new(|| unsafe {
                mesh_restriction_create(
                    s,
                    t,
                    new_event.as_ptr(),
                    category.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            ARG,
        ),
        (
            "restriction_create freed recurrence",
            Box::new(|| unsafe {
                mesh_restriction_create(
                    s,
                    t,
                    new_event.as_ptr(),
                    category.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    freed_rec,
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            HANDLE,
        ),
        (
            "restriction_create event as recurrence",
            Box::new(|| unsafe {
                mesh_restriction_create(
                    s,
                    t,
                    new_event.as_ptr(),
                    category.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    rev.cast(),
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            HANDLE,
        ),
        (
            "restriction_create closed session",
            Box::new(|| unsafe {
                mesh_restriction_create(
                    closed,
                    t,
                    new_event.as_ptr(),
                    category.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    rec,
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    oe,
                )
            }),
            HANDLE,
        ),
        (
            "restriction_create NULL out",
            Box::new(|| unsafe {
                mesh_restriction_create(
                    s,
                    t,
                    new_event.as_ptr(),
                    category.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    rec,
                    ptr::null(),
                    NONE,
                    ptr::null(),
                    ptr::null_mut(),
                )
            }),
            ARG,
        ),
        // Adding and deleting recurrences.
        (
            "recurrence_create type 5",
            Box::new(|| unsafe {
                mesh_revision_recurrence_create(
                    s,
                    t,
                    id.as_ptr(),
                    planned.as_ptr(),
                    empty.as_ptr(),
                    5,
                    1,
                    NONE,
                    a,
                    b,
                    ptr::null(),
                    ou32,
                )
            }),
            ARG,
        ),
        (
            "recurrence_create type -1",
            Box::new(|| unsafe {
                mesh_revision_recurrence_create(
                    s,
                    t,
                    id.as_ptr(),
                    planned.as_ptr(),
                    empty.as_ptr(),
                    -1,
                    1,
                    NONE,
                    a,
                    b,
                    ptr::null(),
                    ou32,
                )
            }),
            ARG,
        ),
        (
            "recurrence_create end before start",
            Box::new(|| unsafe {
                mesh_revision_recurrence_create(
                    s,
                    t,
                    id.as_ptr(),
                    planned.as_ptr(),
                    empty.as_ptr(),
                    ONCE,
                    0,
                    NONE,
                    b,
                    a,
                    ptr::null(),
                    ou32,
                )
            }),
            ARG,
        ),
        (
            "recurrence_create start MESH_TIME_NONE",
            Box::new(|| unsafe {
                mesh_revision_recurrence_create(
                    s,
                    t,
                    id.as_ptr(),
                    planned.as_ptr(),
                    empty.as_ptr(),
                    ONCE,
                    0,
                    NONE,
                    NONE,
                    b,
                    ptr::null(),
                    ou32,
                )
            }),
            ARG,
        ),
        (
            "recurrence_create NULL event_id",
            Box::new(|| unsafe {
                mesh_revision_recurrence_create(
                    s,
                    t,
                    ptr::null(),
                    planned.as_ptr(),
                    empty.as_ptr(),
                    ONCE,
                    0,
                    NONE,
                    a,
                    b,
                    ptr::null(),
                    ou32,
                )
            }),
            ARG,
        ),
        (
            "recurrence_create closed session",
            Box::new(|| unsafe {
                mesh_revision_recurrence_create(
                    closed,
                    t,
                    id.as_ptr(),
                    planned.as_ptr(),
                    empty.as_ptr(),
                    ONCE,
                    0,
                    NONE,
                    a,
                    b,
                    ptr::null(),
                    ou32,
                )
            }),
            HANDLE,
        ),
        (
            "recurrence_create NULL out",
            Box::new(|| unsafe {
                mesh_revision_recurrence_create(
                    s,
                    t,
                    id.as_ptr(),
                    planned.as_ptr(),
                    empty.as_ptr(),
                    ONCE,
                    0,
                    NONE,
                    a,
                    b,
                    ptr::null(),
                    ptr::null_mut(),
                )
            }),
            ARG,
        ),
        (
            "recurrence_delete NULL event_id",
            Box::new(|| unsafe {
                mesh_revision_recurrence_delete(s, t, ptr::null(), 0, ptr::null())
            }),
            ARG,
        ),
        (
            "recurrence_delete NULL target",
            Box::new(|| unsafe {
                mesh_revision_recurrence_delete(s, ptr::null(), id.as_ptr(), 0, ptr::null())
            }),
            ARG,
        ),
        (
            "recurrence_delete closed session",
            Box::new(|| unsafe {
                mesh_revision_recurrence_delete(closed, t, id.as_ptr(), 0, ptr::null())
            }),
            HANDLE,
        ),
        // Reading and searching.
        (
            "event_read NULL event_id",
            Box::new(|| unsafe { mesh_availability_event_read(s, t, ptr::null(), oe) }),
            ARG,
        ),
        (
            "event_read NULL out",
            Box::new(|| unsafe {
                mesh_availability_event_read(s, t, id.as_ptr(), ptr::null_mut())
            }),
            ARG,
        ),
        (
            "event_read closed session",
            Box::new(|| unsafe { mesh_availability_event_read(closed, t, id.as_ptr(), oe) }),
            HANDLE,
        ),
        (
            "event_read NULL session",
            Box::new(|| unsafe {
                mesh_availability_event_read(ptr::null_mut(), t, id.as_ptr(), oe)
            }),
            ARG,
        ),
        (
            "event_search type 3",
            Box::new(|| unsafe { mesh_availability_event_search(s, 3, targets.as_ptr(), 1, ol) }),
            ARG,
        ),
        (
            "event_search type -1",
            Box::new(|| unsafe { mesh_availability_event_search(s, -1, targets.as_ptr(), 1, ol) }),
            ARG,
        ),
        (
            "event_search count 0",
            Box::new(|| unsafe { mesh_availability_event_search(s, 0, targets.as_ptr(), 0, ol) }),
            ARG,
        ),
        (
            "event_search NULL targets count 0",
            Box::new(|| unsafe { mesh_availability_event_search(s, 0, ptr::null(), 0, ol) }),
            ARG,
        ),
        (
            "event_search NULL targets count 1",
            Box::new(|| unsafe { mesh_availability_event_search(s, 0, ptr::null(), 1, ol) }),
            ARG,
        ),
        (
            "event_search NULL entry",
            Box::new(|| unsafe {
                mesh_availability_event_search(s, 0, null_targets.as_ptr(), 1, ol)
            }),
            ARG,
        ),
        (
            "event_search second target neither id nor path",
            Box::new(|| unsafe {
                mesh_availability_event_search(s, 0, bad_targets.as_ptr(), 2, ol)
            }),
            ARG,
        ),
        (
            "event_search NULL out",
            Box::new(|| unsafe {
                mesh_availability_event_search(s, 0, targets.as_ptr(), 1, ptr::null_mut())
            }),
            ARG,
        ),
        (
            "event_search closed session",
            Box::new(|| unsafe {
                mesh_availability_event_search(closed, 0, targets.as_ptr(), 1, ol)
            }),
            HANDLE,
        ),
        (
            "instance_search end before start",
            Box::new(|| unsafe { mesh_availability_instance_search(s, t, id.as_ptr(), b, a, oi) }),
            ARG,
        ),
        (
            "instance_search start MESH_TIME_NONE",
            Box::new(|| unsafe {
                mesh_availability_instance_search(s, t, id.as_ptr(), NONE, b, oi)
            }),
            ARG,
        ),
        (
            "instance_search NULL event_id",
            Box::new(|| unsafe { mesh_availability_instance_search(s, t, ptr::null(), a, b, oi) }),
            ARG,
        ),
        (
            "instance_search NULL out",
            Box::new(|| unsafe {
                mesh_availability_instance_search(s, t, id.as_ptr(), a, b, ptr::null_mut())
            }),
            ARG,
        ),
        (
            "instance_search closed session",
            Box::new(|| unsafe {
                mesh_availability_instance_search(closed, t, id.as_ptr(), a, b, oi)
            }),
            HANDLE,
        ),
        // Deleting.
        (
            "delete_by_id NULL ids count 1",
            Box::new(|| unsafe { mesh_availability_event_delete_by_id(s, t, ptr::null(), 1) }),
            ARG,
        ),
        (
            "delete_by_id NULL entry",
            Box::new(|| unsafe {
                mesh_availability_event_delete_by_id(s, t, null_ids.as_ptr(), 1)
            }),
            ARG,
        ),
        (
            "delete_by_id NULL target",
            Box::new(|| unsafe {
                mesh_availability_event_delete_by_id(s, ptr::null(), ids.as_ptr(), 1)
            }),
            ARG,
        ),
        (
            "delete_by_id closed session",
            Box::new(|| unsafe {
                mesh_availability_event_delete_by_id(closed, t, ids.as_ptr(), 1)
            }),
            HANDLE,
        ),
        (
            "delete_by_type type 7",
            Box::new(|| unsafe { mesh_availability_event_delete_by_type(s, t, 7) }),
            ARG,
        ),
        (
            "delete_by_type type -1",
            Box::new(|| unsafe { mesh_availability_event_delete_by_type(s, t, -1) }),
            ARG,
        ),
        (
            "delete_by_type closed session",
            Box::new(|| unsafe { mesh_availability_event_delete_by_type(closed, t, 0) }),
            HANDLE,
        ),
        // Updating.
        (
            "revision_update nothing to change",
            Box::new(|| unsafe {
                mesh_revision_update(s, t, id.as_ptr(), ptr::null(), ptr::null(), text.as_ptr())
            }),
            ARG,
        ),
        (
            "revision_update NULL event_id",
            Box::new(|| unsafe {
                mesh_revision_update(s, t, ptr::null(), text.as_ptr(), ptr::null(), ptr::null())
            }),
            ARG,
        ),
        (
            "revision_update closed session",
            Box::new(|| unsafe {
                mesh_revision_update(
                    closed,
                    t,
                    id.as_ptr(),
                    text.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                )
            }),
            HANDLE,
        ),
        (
            "restriction_update nothing to change",
            Box::new(|| unsafe {
                mesh_restriction_update(
                    s,
                    t,
                    res_id.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    text.as_ptr(),
                )
            }),
            ARG,
        ),
        (
            "restriction_update freed recurrence",
            Box::new(|| unsafe {
                mesh_restriction_update(
                    s,
                    t,
                    res_id.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    freed_rec,
                    ptr::null(),
                )
            }),
            HANDLE,
        ),
        (
            "restriction_update closed session",
            Box::new(|| unsafe {
                mesh_restriction_update(
                    closed,
                    t,
                    res_id.as_ptr(),
                    text.as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                    ptr::null(),
                )
            }),
            HANDLE,
        ),
        // Building recurrences.
        (
            "new_basic type 5",
            Box::new(|| unsafe {
                mesh_restriction_recurrence_new_basic(
                    planned.as_ptr(),
                    ptr::null(),
                    5,
                    1,
                    NONE,
                    a,
                    b,
                    1.0,
                    or,
                )
            }),
            ARG,
        ),
        (
            "new_basic type -1",
            Box::new(|| unsafe {
                mesh_restriction_recurrence_new_basic(
                    planned.as_ptr(),
                    ptr::null(),
                    -1,
                    1,
                    NONE,
                    a,
                    b,
                    1.0,
                    or,
                )
            }),
            ARG,
        ),
        (
            "new_basic end before start",
            Box::new(|| unsafe {
                mesh_restriction_recurrence_new_basic(
                    planned.as_ptr(),
                    ptr::null(),
                    ONCE,
                    0,
                    NONE,
                    b,
                    a,
                    1.0,
                    or,
                )
            }),
            ARG,
        ),
        (
            "new_basic bad UTF-8 status",
            Box::new(|| unsafe {
                mesh_restriction_recurrence_new_basic(
                    bad_utf8,
                    ptr::null(),
                    ONCE,
                    0,
                    NONE,
                    a,
                    b,
                    1.0,
                    or,
                )
            }),
            ARG,
        ),
        (
            "new_basic NULL out",
            Box::new(|| unsafe {
                mesh_restriction_recurrence_new_basic(
                    planned.as_ptr(),
                    ptr::null(),
                    ONCE,
                    0,
                    NONE,
                    a,
                    b,
                    1.0,
                    ptr::null_mut(),
                )
            }),
            ARG,
        ),
        (
            "new_complex type 5",
            Box::new(|| unsafe {
                mesh_restriction_recurrence_new_complex(
                    planned.as_ptr(),
                    ptr::null(),
                    5,
                    1,
                    NONE,
                    times.as_ptr(),
                    values.as_ptr(),
                    3,
                    or,
                )
            }),
            ARG,
        ),
        (
            "new_complex count 0",
            Box::new(|| unsafe {
                mesh_restriction_recurrence_new_complex(
                    planned.as_ptr(),
                    ptr::null(),
                    DAILY,
                    1,
                    NONE,
                    times.as_ptr(),
                    values.as_ptr(),
                    0,
                    or,
                )
            }),
            ARG,
        ),
        (
            "new_complex count 1",
            Box::new(|| unsafe {
                mesh_restriction_recurrence_new_complex(
                    planned.as_ptr(),
                    ptr::null(),
                    DAILY,
                    1,
                    NONE,
                    times.as_ptr(),
                    values.as_ptr(),
                    1,
                    or,
                )
            }),
            ARG,
        ),
        (
            "new_complex equal times",
            Box::new(|| unsafe {
                mesh_restriction_recurrence_new_complex(
                    planned.as_ptr(),
                    ptr::null(),
                    DAILY,
                    1,
                    NONE,
                    same_times.as_ptr(),
                    values.as_ptr(),
                    2,
                    or,
                )
            }),
            ARG,
        ),
        (
            "new_complex times going back",
            Box::new(|| unsafe {
                mesh_restriction_recurrence_new_complex(
                    planned.as_ptr(),
                    ptr::null(),
                    DAILY,
                    1,
                    NONE,
                    back_times.as_ptr(),
                    values.as_ptr(),
                    2,
                    or,
                )
            }),
            ARG,
        ),
        (
            "new_complex NULL timestamps",
            Box::new(|| unsafe {
                mesh_restriction_recurrence_new_complex(
                    planned.as_ptr(),
                    ptr::null(),
                    DAILY,
                    1,
                    NONE,
                    ptr::null(),
                    values.as_ptr(),
                    2,
                    or,
                )
            }),
            ARG,
        ),
        (
            "new_complex NULL values",
            Box::new(|| unsafe {
                mesh_restriction_recurrence_new_complex(
                    planned.as_ptr(),
                    ptr::null(),
                    DAILY,
                    1,
                    NONE,
                    times.as_ptr(),
                    ptr::null(),
                    2,
                    or,
                )
            }),
            ARG,
        ),
        (
            "new_complex NULL out",
            Box::new(|| unsafe {
                mesh_restriction_recurrence_new_complex(
                    planned.as_ptr(),
                    ptr::null(),
                    DAILY,
                    1,
                    NONE,
                    times.as_ptr(),
                    values.as_ptr(),
                    3,
                    ptr::null_mut(),
                )
            }),
            ARG,
        ),
        // Event accessors: NULL, made-up, freed and mistyped handles.
        (
            "event_type NULL",
            Box::new(|| unsafe { mesh_availability_event_type(ptr::null(), o32) }),
            ARG,
        ),
        (
            "event_type NULL out",
            Box::new(|| unsafe { mesh_availability_event_type(rev, ptr::null_mut()) }),
            ARG,
        ),
        (
            "event_type made-up",
            Box::new(|| unsafe { mesh_availability_event_type(made_up, o32) }),
            HANDLE,
        ),
        (
            "event_type stack address",
            Box::new(|| unsafe { mesh_availability_event_type(stack_event, o32) }),
            HANDLE,
        ),
        (
            "event_type freed",
            Box::new(|| unsafe { mesh_availability_event_type(freed_event, o32) }),
            HANDLE,
        ),
        (
            "event_type item of a freed list",
            Box::new(|| unsafe { mesh_availability_event_type(freed_item, o32) }),
            HANDLE,
        ),
        (
            "event_type list handle",
            Box::new(|| unsafe { mesh_availability_event_type(list.cast(), o32) }),
            HANDLE,
        ),
        (
            "event_type recurrence handle",
            Box::new(|| unsafe { mesh_availability_event_type(rec.cast(), o32) }),
            HANDLE,
        ),
        (
            "event_type session handle",
            Box::new(|| unsafe { mesh_availability_event_type(s.cast(), o32) }),
            HANDLE,
        ),
        (
            "event_id cap 3",
            Box::new(|| unsafe { mesh_availability_event_event_id(rev, bufp, 3, len) }),
            SMALL,
        ),
        (
            "event_id NULL buf cap 64",
            Box::new(|| unsafe { mesh_availability_event_event_id(rev, ptr::null_mut(), 64, len) }),
            ARG,
        ),
        (
            "owner_id cap 36, NULL len_out",
            Box::new(|| unsafe {
                mesh_availability_event_owner_id(rev, bufp, 36, ptr::null_mut())
            }),
            SMALL,
        ),
        (
            "created_timestamp NULL out",
            Box::new(|| unsafe { mesh_availability_event_created_timestamp(rev, ptr::null_mut()) }),
            ARG,
        ),
        (
            "category of a revision",
            Box::new(|| unsafe { mesh_availability_event_category(rev, bufp, 64, len) }),
            ARG,
        ),
        (
            "recurrence_id of a restriction",
            Box::new(|| unsafe { mesh_availability_event_recurrence_id_at(res, 0, ou32) }),
            ARG,
        ),
        (
            "recurrence_status past the end",
            Box::new(|| unsafe {
                mesh_availability_event_recurrence_status_at(rev, 1, bufp, 64, len)
            }),
            ARG,
        ),
        (
            "recurrence_type of a restriction, index 1",
            Box::new(|| unsafe { mesh_availability_event_recurrence_type_at(res, 1, o32) }),
            ARG,
        ),
        (
            "recurrence_every usize::MAX",
            Box::new(|| unsafe {
                mesh_availability_event_recurrence_every_at(rev, usize::MAX, ou32)
            }),
            ARG,
        ),
        (
            "recurrence_until past the end",
            Box::new(|| unsafe { mesh_availability_event_recurrence_until_at(rev, 1, o64) }),
            ARG,
        ),
        (
            "recurrence_period of a complex restriction",
            Box::new(|| unsafe {
                mesh_availability_event_recurrence_period_at(cres, 0, o64, o64b)
            }),
            ARG,
        ),
        (
            "recurrence_period NULL end",
            Box::new(|| unsafe {
                mesh_availability_event_recurrence_period_at(rev, 0, o64, ptr::null_mut())
            }),
            ARG,
        ),
        (
            "active_period past the end",
            Box::new(|| unsafe { mesh_availability_event_active_period_at(rev, 1, o64, o64b) }),
            ARG,
        ),
        (
            "is_complex of a revision",
            Box::new(|| unsafe { mesh_availability_event_restriction_is_complex(rev, o32) }),
            ARG,
        ),
        (
            "restriction_value of a revision",
            Box::new(|| unsafe { mesh_availability_event_restriction_value(rev, of) }),
            ARG,
        ),
        (
            "restriction_value of a complex restriction",
            Box::new(|| unsafe { mesh_availability_event_restriction_value(cres, of) }),
            ARG,
        ),
        (
            "point_count of a revision",
            Box::new(|| unsafe { mesh_availability_event_restriction_point_count(rev, ou) }),
            ARG,
        ),
        (
            "restriction_points cap 1 of 2",
            Box::new(|| unsafe { mesh_availability_event_restriction_points(cres, stp, svp, 1) }),
            SMALL,
        ),
        // Lists.
        (
            "event_list_count NULL",
            Box::new(|| unsafe { mesh_availability_event_list_count(ptr::null(), ou) }),
            ARG,
        ),
        (
            "event_list_count NULL out",
            Box::new(|| unsafe { mesh_availability_event_list_count(list, ptr::null_mut()) }),
            ARG,
        ),
        (
            "event_list_count freed",
            Box::new(|| unsafe { mesh_availability_event_list_count(freed_list, ou) }),
            HANDLE,
        ),
        (
            "event_list_count made-up",
            Box::new(|| unsafe { mesh_availability_event_list_count(made_up_list, ou) }),
            HANDLE,
        ),
        (
            "event_list_count event handle",
            Box::new(|| unsafe { mesh_availability_event_list_count(rev.cast(), ou) }),
            HANDLE,
        ),
        (
            "event_list_count instance list",
            Box::new(|| unsafe { mesh_availability_event_list_count(instances.cast(), ou) }),
            HANDLE,
        ),
        (
            "event_list_at past the end",
            Box::new(|| unsafe { mesh_availability_event_list_at(list, n_events, oe) }),
            ARG,
        ),
        (
            "event_list_at usize::MAX",
            Box::new(|| unsafe { mesh_availability_event_list_at(list, usize::MAX, oe) }),
            ARG,
        ),
        (
            "event_list_at NULL out",
            Box::new(|| unsafe { mesh_availability_event_list_at(list, 0, ptr::null_mut()) }),
            ARG,
        ),
        (
            "event_list_at freed list",
            Box::new(|| unsafe { mesh_availability_event_list_at(freed_list, 0, oe) }),
            HANDLE,
        ),
        (
            "instance_list_count freed",
            Box::new(|| unsafe { mesh_availability_instance_list_count(freed_instances, ou) }),
            HANDLE,
        ),
        (
            "instance_list_count event list",
            Box::new(|| unsafe { mesh_availability_instance_list_count(list.cast(), ou) }),
            HANDLE,
        ),
        (
            "instance_list_count NULL",
            Box::new(|| unsafe { mesh_availability_instance_list_count(ptr::null(), ou) }),
            ARG,
        ),
        (
            "instance_list_period past the end",
            Box::new(|| unsafe {
                mesh_availability_instance_list_period_at(instances, 1, o64, o64b)
            }),
            ARG,
        ),
        (
            "instance_list_value of a revision instance",
            Box::new(|| unsafe { mesh_availability_instance_list_value_at(instances, 0, of) }),
            ARG,
        ),
        // Destructors take NULL; a freed or mistyped handle is invalid; a
        // borrowed event is left to its list.
        (
            "event_free NULL",
            Box::new(|| mesh_availability_event_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "event_list_free NULL",
            Box::new(|| mesh_availability_event_list_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "instance_list_free NULL",
            Box::new(|| mesh_availability_instance_list_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "recurrence_free NULL",
            Box::new(|| mesh_restriction_recurrence_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "event_free borrowed item",
            Box::new(|| mesh_availability_event_free(item)),
            MESH_OK,
        ),
        (
            "event_free freed",
            Box::new(|| mesh_availability_event_free(freed_event)),
            HANDLE,
        ),
        (
            "event_free made-up",
            Box::new(|| mesh_availability_event_free(made_up)),
            HANDLE,
        ),
        (
            "event_free list handle",
            Box::new(|| mesh_availability_event_free(list.cast())),
            HANDLE,
        ),
        (
            "event_list_free freed",
            Box::new(|| mesh_availability_event_list_free(freed_list)),
            HANDLE,
        ),
        (
            "event_list_free event handle",
            Box::new(|| mesh_availability_event_list_free(rev.cast())),
            HANDLE,
        ),
        (
            "instance_list_free freed",
            Box::new(|| mesh_availability_instance_list_free(freed_instances)),
            HANDLE,
        ),
        (
            "instance_list_free event list",
            Box::new(|| mesh_availability_instance_list_free(list.cast())),
            HANDLE,
        ),
        (
            "recurrence_free freed",
            Box::new(|| mesh_restriction_recurrence_free(freed_rec)),
            HANDLE,
        ),
        (
            "recurrence_free event handle",
            Box::new(|| mesh_restriction_recurrence_free(rev.cast())),
            HANDLE,
        ),
    ];

    check_rows(f.conn, &rows);
    drop(rows);
    // None of it reached the server.
    assert_eq!(availability_calls(&f.emu), calls_before);
    assert_eq!(out_event.addr(), UNTOUCHED);
    assert_eq!(out_list.addr(), UNTOUCHED);
    assert_eq!(out_instances.addr(), UNTOUCHED);
    assert_eq!(out_rec.addr(), UNTOUCHED);
    assert_eq!(
        (out_u32, out_i32, out_i64, out_i64b, out_f64, out_usize),
        (7, 7, 7, 7, 7.5, 7)
    );
    assert_eq!((small_times, small_values), ([0], [0.0]));
    // Too small a buffer still says how much is needed.
    len_cell = 0;
    check(
        unsafe { mesh_availability_event_event_id(rev, buf.as_mut_ptr(), 3, &mut len_cell) },
        SMALL,
    );
    assert_eq!(len_cell, "rev".len());

    // The valid handles still work after all that, the borrowed item too.
    assert_eq!(read(rev).event_id, "rev");
    assert_eq!(read(item).event_id, "rev");
    assert_eq!(read(cres).points, points);
    assert_eq!(list_count(list), 3);
    assert_eq!(
        read_instances(instances),
        periods(&[(utc(2023, 1, 1, 0), utc(2023, 1, 2, 0))])
    );
    check(mesh_availability_event_free(rev), MESH_OK);
    check(mesh_availability_event_free(res), MESH_OK);
    check(mesh_availability_event_free(cres), MESH_OK);
    check(mesh_availability_event_list_free(list), MESH_OK);
    check(mesh_availability_instance_list_free(instances), MESH_OK);
    check(mesh_restriction_recurrence_free(rec), MESH_OK);
    check(mesh_restriction_recurrence_free(complex_rec), MESH_OK);
}
