//! Isolation of availability events between sessions, through the C API
//! against the emulator: two sessions on one connection; events one
//! creates, changes or deletes are invisible to the other until it
//! commits, and a rollback discards them (what the official SDK's tests
//! leave out).

use crate::common::availability::*;
use crate::common::*;
use mesh_status::*;

#[test]
fn events_of_another_session_are_invisible_until_it_commits() {
    let f = Fixture::new();
    let (a, b) = (f.s, f.other);
    take(create_revision(
        a,
        &NewRevision {
            created_author: Some("author"),
            created_at: utc(2023, 1, 1, 0),
            ..NewRevision::plain("shared", "local", "reason")
        },
    ));
    add_recurrence(
        a,
        "shared",
        Pattern::repeating(
            "Planned",
            "daily",
            MESH_RECURRENCE_TYPE_DAILY,
            1,
            utc(2023, 1, 4, 0),
        ),
        (utc(2023, 1, 1, 8), utc(2023, 1, 1, 16)),
        Some("author"),
    );
    let rec = basic(
        Pattern::once("SelfImposed", "limit"),
        (utc(2023, 1, 1, 0), utc(2023, 1, 10, 0)),
        2.5,
    );
    take(create_restriction(
        a,
        &NewRestriction::plain("limit", "DischargeMax[m3/s]", "", "", rec),
    ));
    check(mesh_restriction_recurrence_free(rec), MESH_OK);

    // `a` sees its own events at once; `b` sees none of them.
    assert_eq!(
        search_ids(a, MESH_AVAILABILITY_EVENT_TYPE_ALL),
        ["shared", "limit"]
    );
    assert_eq!(search(b, MESH_AVAILABILITY_EVENT_TYPE_ALL), []);
    for id in ["shared", "limit"] {
        assert_eq!(try_read_event(b, id).unwrap_err(), MESH_ERROR_NOT_FOUND);
        assert!(
            last_error().contains(&format!("event with event id '{id}' not found")),
            "{}",
            last_error()
        );
        assert_eq!(
            try_instances(b, id, utc(2023, 1, 1, 0), utc(2023, 2, 1, 0)).unwrap_err(),
            MESH_ERROR_NOT_FOUND
        );
    }

    check(mesh_session_commit(a), MESH_OK);
    // Now `b` sees them as `a` made them.
    assert_eq!(
        search_ids(b, MESH_AVAILABILITY_EVENT_TYPE_ALL),
        ["shared", "limit"]
    );
    let e = get(b, "shared");
    assert_eq!(
        (
            e.local_id.as_str(),
            e.reason.as_str(),
            e.created_author.as_str()
        ),
        ("local", "reason", "author")
    );
    assert_eq!(e.created_at, utc(2023, 1, 1, 0));
    assert_eq!(e.recurrences.len(), 1);
    assert_eq!(
        instances(b, "shared", utc(2023, 1, 1, 0), utc(2023, 2, 1, 0)),
        periods(&[
            (utc(2023, 1, 1, 8), utc(2023, 1, 1, 16)),
            (utc(2023, 1, 2, 8), utc(2023, 1, 2, 16)),
            (utc(2023, 1, 3, 8), utc(2023, 1, 3, 16)),
        ])
    );
    assert_eq!(get(b, "limit").value, Some(2.5));
    assert_eq!(get(b, "limit"), get(a, "limit"));

    // A delete is private until commit too; a rollback discards one.
    delete_by_id(b, &["limit"]);
    assert_eq!(search_ids(b, MESH_AVAILABILITY_EVENT_TYPE_ALL), ["shared"]);
    assert_eq!(
        search_ids(a, MESH_AVAILABILITY_EVENT_TYPE_ALL),
        ["shared", "limit"]
    );
    check(mesh_session_rollback(b), MESH_OK);
    assert_eq!(
        search_ids(b, MESH_AVAILABILITY_EVENT_TYPE_ALL),
        ["shared", "limit"]
    );
    delete_by_id(b, &["limit"]);
    check(mesh_session_commit(b), MESH_OK);
    assert_eq!(search_ids(a, MESH_AVAILABILITY_EVENT_TYPE_ALL), ["shared"]);
}
