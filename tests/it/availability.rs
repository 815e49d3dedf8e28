//! Availability revisions through the C API against the emulator: create
//! (every field given, none, an empty reason, refusals from the server),
//! add and delete recurrences, read, search, update (fully, partly, not at
//! all), delete by id and by type, and a revision's whole life. Each test
//! does what one of the official SDK's `test_availability.py` tests does,
//! with the same answers, reading every field it asserts through C.
//! Restrictions are in `availability_restrictions`, instance searches in
//! `availability_instances`, isolation between sessions in
//! `availability_sessions`, bad input in `availability_bad_input`.

use crate::common::availability::*;
use crate::common::*;
use mesh_status::*;

fn period_2023_01_01() -> (i64, i64) {
    (utc(2023, 1, 1, 0), utc(2023, 1, 2, 0))
}

#[test]
fn revision_created_with_every_field_given() {
    let f = Fixture::new();
    let created = create_revision(
        f.s,
        &NewRevision {
            event_id: Some("event_id"),
            local_id: Some("local_id"),
            reason: Some("reason"),
            created_author: Some("created_author"),
            created_at: utc(2023, 1, 1, 0),
            last_changed_author: Some("last_changed_author"),
        },
    );
    let fields = |e: &Event| {
        assert_eq!(e.kind, MESH_AVAILABILITY_EVENT_TYPE_REVISION);
        assert_eq!(e.owner_id, TARGET_ID);
        assert_eq!(e.event_id, "event_id");
        assert_eq!(e.local_id, "local_id");
        assert_eq!(e.reason, "reason");
        assert_eq!(e.created_author, "created_author");
        assert_eq!(e.created_at, utc(2023, 1, 1, 0));
        assert_eq!(e.last_changed_author, "last_changed_author");
        assert_ne!(e.last_changed_at, MESH_TIME_NONE);
        assert_eq!(e.recurrences, []);
    };
    fields(&take(created));
    // Read back, it is the same.
    fields(&get(f.s, "event_id"));
}

#[test]
fn revision_created_without_optional_fields_takes_the_server_defaults() {
    let f = Fixture::new();
    let before = now_ms();
    let e = take(create_revision(
        f.s,
        &NewRevision::plain("event_id", "local_id", "reason"),
    ));
    let after = now_ms();
    assert_eq!(e.kind, MESH_AVAILABILITY_EVENT_TYPE_REVISION);
    assert_eq!(e.owner_id, TARGET_ID);
    assert_eq!(
        (e.event_id.as_str(), e.local_id.as_str(), e.reason.as_str()),
        ("event_id", "local_id", "reason")
    );
    // No author given and no authentication: the server records "".
    assert_eq!(e.created_author, "");
    assert_eq!(e.last_changed_author, e.created_author);
    assert_server_time(e.created_at, before, after);
    assert_server_time(e.last_changed_at, before, after);
    assert_eq!(e.recurrences, []);

    // NULL local id and reason are empty texts.
    let e = take(create_revision(
        f.s,
        &NewRevision {
            local_id: None,
            reason: None,
            ..NewRevision::plain("nulls", "", "")
        },
    ));
    assert_eq!((e.local_id.as_str(), e.reason.as_str()), ("", ""));
    assert_eq!(get(f.s, "nulls"), e);
}

#[test]
fn revision_created_with_an_empty_reason() {
    let f = Fixture::new();
    let before = now_ms();
    let e = take(create_revision(
        f.s,
        &NewRevision::plain("event_id_empty_reason", "local_id", ""),
    ));
    let after = now_ms();
    assert_eq!(e.reason, "");
    assert_eq!(e.event_id, "event_id_empty_reason");
    assert_eq!(e.local_id, "local_id");
    assert_eq!(e.created_author, "");
    assert_server_time(e.created_at, before, after);
    assert_eq!(e.last_changed_author, "");
    assert_server_time(e.last_changed_at, before, after);
}

#[test]
fn revision_on_an_unknown_object_is_not_found_by_the_server() {
    let f = Fixture::new();
    let status = try_create_revision(
        f.s,
        "Invalid/Path",
        &NewRevision::plain("event_id", "local_id", "reason"),
    )
    .unwrap_err();
    assert_eq!(status, MESH_ERROR_NOT_FOUND, "{}", last_error());
    assert!(
        last_error().contains("object not found"),
        "{}",
        last_error()
    );
    assert_eq!(f.emu.calls("CreateRevision"), 1);
}

#[test]
fn revision_with_an_empty_event_id_is_refused_by_the_server() {
    // The SDK sends a missing event id as protobuf's empty string; the
    // server refuses it.
    let f = Fixture::new();
    let status = try_create_revision(f.s, TARGET, &NewRevision::plain("", "local_id", "reason"))
        .unwrap_err();
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT, "{}", last_error());
    assert!(
        last_error().contains("no event id provided"),
        "{}",
        last_error()
    );
    assert_eq!(search(f.s, MESH_AVAILABILITY_EVENT_TYPE_ALL), []);
}

#[test]
fn revision_with_a_duplicate_event_id_is_refused_by_the_server() {
    let f = Fixture::new();
    take(create_revision(
        f.s,
        &NewRevision::plain("duplicate_id", "local_id_1", "reason_1"),
    ));
    let status = try_create_revision(
        f.s,
        TARGET,
        &NewRevision::plain("duplicate_id", "local_id_2", "reason_2"),
    )
    .unwrap_err();
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT, "{}", last_error());
    assert!(
        last_error().contains("event with event id 'duplicate_id' already exists"),
        "{}",
        last_error()
    );
    // The first one is as it was.
    let e = get(f.s, "duplicate_id");
    assert_eq!(
        (e.local_id.as_str(), e.reason.as_str()),
        ("local_id_1", "reason_1")
    );
    assert_eq!(
        search_ids(f.s, MESH_AVAILABILITY_EVENT_TYPE_ALL),
        ["duplicate_id"]
    );
}

#[test]
fn recurrence_added_to_a_revision_and_read_back() {
    let f = Fixture::new();
    let created = take(create_revision(
        f.s,
        &NewRevision {
            created_author: Some("created_author"),
            ..NewRevision::plain("event_id", "local_id", "reason")
        },
    ));
    assert_eq!(created.event_id, "event_id");
    assert_eq!(created.local_id, "local_id");
    assert_eq!(created.reason, "reason");
    assert_eq!(created.created_author, "created_author");

    let before = now_ms();
    let id = add_recurrence(
        f.s,
        "event_id",
        Pattern::once("Planned", "Test Recurrence"),
        period_2023_01_01(),
        Some("add_revision_recurrence_author"),
    );
    let after = now_ms();
    assert_eq!(id, 0);

    let e = get(f.s, "event_id");
    assert_eq!(e.created_author, "created_author");
    assert_eq!(e.created_at, created.created_at);
    assert_eq!(e.last_changed_author, "add_revision_recurrence_author");
    assert_server_time(e.last_changed_at, before, after);
    assert_eq!(
        e.recurrences,
        [Recurrence {
            id: Some(0),
            status: "Planned".into(),
            description: "Test Recurrence".into(),
            kind: MESH_RECURRENCE_TYPE_NONE,
            every: 0,
            until: MESH_TIME_NONE,
            period: Some(period_2023_01_01()),
            // A period in 2023 is neither in force now nor to come.
            active: None,
        }]
    );
}

#[test]
fn search_finds_revisions_with_their_fields() {
    let f = Fixture::new();
    take(create_revision(
        f.s,
        &NewRevision::plain("search_event_id", "search_local_id", "search_reason"),
    ));
    // A restriction on the same object, which a search for revisions
    // leaves out.
    let rec = basic(
        Pattern::once("SelfImposed", "in the way"),
        (utc(2023, 1, 1, 0), utc(2023, 1, 10, 0)),
        1.0,
    );
    take(create_restriction(
        f.s,
        &NewRestriction::plain("a_restriction", "DischargeMin[m3/s]", "", "", rec),
    ));
    check(mesh_restriction_recurrence_free(rec), MESH_OK);

    let found = search(f.s, MESH_AVAILABILITY_EVENT_TYPE_REVISION);
    assert_eq!(found.len(), 1, "{found:?}");
    for e in &found {
        assert!(e.is_revision(), "{e:?}");
    }
    let e = found
        .iter()
        .find(|e| e.event_id == "search_event_id")
        .expect("the created revision is found");
    assert_eq!(e.local_id, "search_local_id");
    assert_eq!(e.reason, "search_reason");
    assert_eq!(e.owner_id, TARGET_ID);
    assert_eq!(e, &get(f.s, "search_event_id"));

    // Each object's events in the order they were created.
    assert_eq!(
        search_ids(f.s, MESH_AVAILABILITY_EVENT_TYPE_ALL),
        ["search_event_id", "a_restriction"]
    );
    assert_eq!(
        search_ids(f.s, MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION),
        ["a_restriction"]
    );
    // Several objects, one without events, by path and by id.
    let list = try_search(
        f.s,
        MESH_AVAILABILITY_EVENT_TYPE_REVISION,
        &[crate::common::model::PLANT_ID, TARGET_ID],
    )
    .unwrap();
    let items = list_items(list);
    assert_eq!(items.len(), 1);
    assert_eq!(&read(items[0]), e);
    check(mesh_availability_event_list_free(list), MESH_OK);
}

#[test]
fn recurrence_deleted_from_a_revision() {
    let f = Fixture::new();
    take(create_revision(
        f.s,
        &NewRevision {
            created_author: Some("created_author"),
            ..NewRevision::plain("delete_recurrence_event", "local_id", "reason")
        },
    ));
    let id = add_recurrence(
        f.s,
        "delete_recurrence_event",
        Pattern::once("Planned", "Test Recurrence"),
        period_2023_01_01(),
        Some("add_revision_recurrence_author"),
    );
    let e = get(f.s, "delete_recurrence_event");
    assert!(e.is_revision());
    assert_eq!(e.recurrences.len(), 1);
    assert_eq!(e.created_author, "created_author");
    assert_eq!(e.last_changed_author, "add_revision_recurrence_author");

    delete_recurrence(
        f.s,
        "delete_recurrence_event",
        id,
        Some("delete_revision_recurrence_author"),
    );
    let e = get(f.s, "delete_recurrence_event");
    assert_eq!(e.recurrences, []);
    assert_eq!(e.created_author, "created_author");
    assert_eq!(e.last_changed_author, "delete_revision_recurrence_author");

    // A recurrence that is not there (any more) is not found.
    let status = unsafe {
        mesh_revision_recurrence_delete(
            f.s,
            c(TARGET).as_ptr(),
            c("delete_recurrence_event").as_ptr(),
            id,
            std::ptr::null(),
        )
    };
    assert_eq!(status, MESH_ERROR_NOT_FOUND, "{}", last_error());
}

#[test]
fn events_deleted_by_id() {
    let f = Fixture::new();
    take(create_revision(
        f.s,
        &NewRevision::plain("delete_event_1", "local_id_1", "reason_1"),
    ));
    take(create_revision(
        f.s,
        &NewRevision::plain("delete_event_2", "local_id_2", "reason_2"),
    ));
    delete_by_id(f.s, &["delete_event_1"]);
    assert_eq!(
        search_ids(f.s, MESH_AVAILABILITY_EVENT_TYPE_REVISION),
        ["delete_event_2"]
    );
    assert_eq!(
        try_read_event(f.s, "delete_event_1").unwrap_err(),
        MESH_ERROR_NOT_FOUND
    );
    assert!(
        last_error().contains("event with event id 'delete_event_1' not found"),
        "{}",
        last_error()
    );
}

#[test]
fn events_deleted_by_type() {
    let f = Fixture::new();
    for i in 0..3 {
        take(create_revision(
            f.s,
            &NewRevision::plain(
                &format!("delete_all_test_{i}"),
                &format!("local_id_{i}"),
                &format!("reason_{i}"),
            ),
        ));
    }
    let rec = basic(
        Pattern::once("SelfImposed", "stays"),
        (utc(2023, 1, 1, 0), utc(2023, 1, 10, 0)),
        1.0,
    );
    take(create_restriction(
        f.s,
        &NewRestriction::plain("a_restriction", "DischargeMin[m3/s]", "", "", rec),
    ));
    check(mesh_restriction_recurrence_free(rec), MESH_OK);
    assert_eq!(
        search_ids(f.s, MESH_AVAILABILITY_EVENT_TYPE_REVISION),
        [
            "delete_all_test_0",
            "delete_all_test_1",
            "delete_all_test_2"
        ]
    );

    delete_by_type(f.s, MESH_AVAILABILITY_EVENT_TYPE_REVISION);
    assert_eq!(search(f.s, MESH_AVAILABILITY_EVENT_TYPE_REVISION), []);
    // Only revisions went.
    assert_eq!(
        search_ids(f.s, MESH_AVAILABILITY_EVENT_TYPE_ALL),
        ["a_restriction"]
    );
}

#[test]
fn several_recurrences_keep_their_own_patterns() {
    let f = Fixture::new();
    take(create_revision(
        f.s,
        &NewRevision {
            created_author: Some("created_author"),
            ..NewRevision::plain("multi_recurrence_event", "local_id", "reason")
        },
    ));
    let daily = add_recurrence(
        f.s,
        "multi_recurrence_event",
        Pattern::repeating(
            "Planned",
            "Daily Recurrence",
            MESH_RECURRENCE_TYPE_DAILY,
            1,
            utc(2023, 1, 15, 0),
        ),
        period_2023_01_01(),
        Some("add_revision_recurrence_author_1"),
    );
    let weekly = add_recurrence(
        f.s,
        "multi_recurrence_event",
        Pattern::repeating(
            "Planned",
            "Weekly Recurrence",
            MESH_RECURRENCE_TYPE_WEEKLY,
            2,
            utc(2023, 2, 15, 0),
        ),
        (utc(2023, 2, 1, 0), utc(2023, 2, 2, 0)),
        Some("add_revision_recurrence_author_2"),
    );
    assert_eq!((daily, weekly), (0, 1));

    let e = get(f.s, "multi_recurrence_event");
    assert_eq!(e.recurrences.len(), 2);
    assert_eq!(e.created_author, "created_author");
    assert_eq!(e.last_changed_author, "add_revision_recurrence_author_2");
    assert_eq!(
        e.recurrence_by_id(daily),
        &Recurrence {
            id: Some(0),
            status: "Planned".into(),
            description: "Daily Recurrence".into(),
            kind: MESH_RECURRENCE_TYPE_DAILY,
            every: 1,
            until: utc(2023, 1, 15, 0),
            period: Some(period_2023_01_01()),
            active: None,
        }
    );
    assert_eq!(
        e.recurrence_by_id(weekly),
        &Recurrence {
            id: Some(1),
            status: "Planned".into(),
            description: "Weekly Recurrence".into(),
            kind: MESH_RECURRENCE_TYPE_WEEKLY,
            every: 2,
            until: utc(2023, 2, 15, 0),
            period: Some((utc(2023, 2, 1, 0), utc(2023, 2, 2, 0))),
            active: None,
        }
    );
}

#[test]
fn revision_updated() {
    let f = Fixture::new();
    let original = take(create_revision(
        f.s,
        &NewRevision {
            created_author: Some("created_author"),
            last_changed_author: Some("last_changed_author"),
            ..NewRevision::plain(
                "update_revision_event",
                "original_local_id",
                "Original reason",
            )
        },
    ));
    check(
        update_revision(
            f.s,
            "update_revision_event",
            Some("updated_local_id"),
            Some("Updated reason"),
            Some("update_revision_author"),
        ),
        MESH_OK,
    );
    let e = get(f.s, "update_revision_event");
    assert_eq!(e.local_id, "updated_local_id");
    assert_eq!(e.reason, "Updated reason");
    assert_eq!(e.created_author, "created_author");
    assert_eq!(e.created_author, original.created_author);
    assert_eq!(e.last_changed_author, "update_revision_author");
    assert_eq!(e.created_at, original.created_at);
    assert!(e.last_changed_at >= original.last_changed_at);
}

#[test]
fn revision_updated_in_part() {
    let f = Fixture::new();
    let original = take(create_revision(
        f.s,
        &NewRevision::plain(
            "update_revision_partial_event",
            "original_local_id",
            "Original reason",
        ),
    ));
    // Only the local id; no author.
    check(
        update_revision(
            f.s,
            "update_revision_partial_event",
            Some("updated_local_id"),
            None,
            None,
        ),
        MESH_OK,
    );
    let e = get(f.s, "update_revision_partial_event");
    assert_eq!(e.local_id, "updated_local_id");
    assert_eq!(e.reason, "Original reason");
    assert_eq!(e.created_author, original.created_author);
    // No author given and no authentication: the server records "".
    assert_eq!(e.last_changed_author, "");
    assert_eq!(e.created_at, original.created_at);

    // Only the reason, to "" (which is a change, not "unchanged").
    check(
        update_revision(
            f.s,
            "update_revision_partial_event",
            None,
            Some(""),
            Some("x"),
        ),
        MESH_OK,
    );
    let e = get(f.s, "update_revision_partial_event");
    assert_eq!(
        (e.local_id.as_str(), e.reason.as_str()),
        ("updated_local_id", "")
    );
    assert_eq!(e.last_changed_author, "x");
}

#[test]
fn revision_update_that_changes_nothing_is_refused_without_a_request() {
    let f = Fixture::new();
    take(create_revision(
        f.s,
        &NewRevision::plain("update_revision_test", "local_id", "reason"),
    ));
    let status = update_revision(f.s, "update_revision_test", None, None, Some("author"));
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT, "{}", last_error());
    assert_eq!(f.emu.calls("UpdateRevision"), 0);
    // Any one of them, or both, is an update.
    for (local_id, reason) in [
        (Some("new_id"), None),
        (None, Some("new reason")),
        (Some("new_id"), Some("new reason")),
    ] {
        check(
            update_revision(f.s, "update_revision_test", local_id, reason, None),
            MESH_OK,
        );
    }
    assert_eq!(f.emu.calls("UpdateRevision"), 3);
    let e = get(f.s, "update_revision_test");
    assert_eq!(
        (e.local_id.as_str(), e.reason.as_str()),
        ("new_id", "new reason")
    );
}

/// The SDK's asynchronous revision test: the C API has one (blocking)
/// form, so this is the same life of a revision, step by step.
#[test]
fn revision_from_creation_to_deletion() {
    let f = Fixture::new();
    // 1. Create.
    let revision = take(create_revision(
        f.s,
        &NewRevision {
            event_id: Some("async_event_id"),
            local_id: Some("async_local_id"),
            reason: Some("Async revision reason"),
            created_author: Some("created_author"),
            created_at: utc(2023, 1, 1, 0),
            last_changed_author: Some("last_changed_author"),
        },
    ));
    assert_eq!(revision.event_id, "async_event_id");
    assert_eq!(revision.local_id, "async_local_id");
    assert_eq!(revision.reason, "Async revision reason");
    assert_eq!(revision.created_author, "created_author");
    assert_eq!(revision.created_at, utc(2023, 1, 1, 0));
    assert_eq!(revision.last_changed_author, "last_changed_author");
    assert_ne!(revision.last_changed_at, MESH_TIME_NONE);
    assert_eq!(revision.owner_id, TARGET_ID);
    assert_eq!(revision.recurrences, []);

    // 2. A recurrence, once.
    let first = add_recurrence(
        f.s,
        "async_event_id",
        Pattern::once("Planned", "Async test recurrence"),
        period_2023_01_01(),
        Some("add_revision_recurrence_author"),
    );
    assert_eq!(first, 0);

    // 3. Read it back.
    let e = get(f.s, "async_event_id");
    assert_eq!(e.last_changed_author, "add_revision_recurrence_author");
    assert_eq!(e.recurrences.len(), 1);
    let r = &e.recurrences[0];
    assert_eq!(r.status, "Planned");
    assert_eq!(r.description, "Async test recurrence");
    assert_eq!(r.kind, MESH_RECURRENCE_TYPE_NONE);

    // 4. Another, every other day (no author).
    let second = add_recurrence(
        f.s,
        "async_event_id",
        Pattern::repeating(
            "Planned",
            "Second Async Recurrence",
            MESH_RECURRENCE_TYPE_DAILY,
            2,
            utc(2023, 2, 15, 0),
        ),
        (utc(2023, 2, 1, 0), utc(2023, 2, 2, 0)),
        None,
    );
    assert_eq!(second, 1);

    // 5. Search.
    let found = search(f.s, MESH_AVAILABILITY_EVENT_TYPE_REVISION);
    let e = found
        .iter()
        .find(|e| e.event_id == "async_event_id")
        .expect("the revision is found");
    assert_eq!(e.local_id, "async_local_id");

    // 6. Its instances in the first half of February: the second
    // recurrence on the 1st, 3rd, ... 13th; the first one is in January.
    // The repetition of the 15th starts where the search ends (and at
    // `recur_until`): not in the half-open interval.
    let day = |d| (utc(2023, 2, d, 0), utc(2023, 2, d + 1, 0));
    assert_eq!(
        instances(
            f.s,
            "async_event_id",
            utc(2023, 2, 1, 0),
            utc(2023, 2, 15, 0)
        ),
        periods(&[day(1), day(3), day(5), day(7), day(9), day(11), day(13)])
    );

    // 7. Update.
    check(
        update_revision(
            f.s,
            "async_event_id",
            Some("updated_async_local_id"),
            Some("Updated async reason"),
            Some("update_revision_author"),
        ),
        MESH_OK,
    );
    let e = get(f.s, "async_event_id");
    assert_eq!(e.local_id, "updated_async_local_id");
    assert_eq!(e.reason, "Updated async reason");
    assert_eq!(e.created_author, revision.created_author);
    assert_eq!(e.created_at, revision.created_at);
    assert!(e.last_changed_at >= revision.last_changed_at);
    assert_eq!(e.last_changed_author, "update_revision_author");

    // 8. Delete the second recurrence.
    delete_recurrence(
        f.s,
        "async_event_id",
        second,
        Some("delete_revision_recurrence_author"),
    );
    let e = get(f.s, "async_event_id");
    assert_eq!(e.created_author, revision.created_author);
    assert_eq!(e.last_changed_author, "delete_revision_recurrence_author");
    assert_eq!(e.recurrences.len(), 1);
    assert_eq!(e.recurrences[0].id, Some(first));

    // 9. Delete the revision.
    delete_by_id(f.s, &["async_event_id"]);
    assert!(!search_ids(f.s, MESH_AVAILABILITY_EVENT_TYPE_REVISION)
        .contains(&"async_event_id".to_string()));
}
