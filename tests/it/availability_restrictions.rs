//! Availability restrictions through the C API against the emulator:
//! created with a basic recurrence (a period and a value) or a complex one
//! (a step curve), with and without the optional fields, refused for an
//! unknown object, found by search and read, updated fully, in part, from
//! complex to basic and not at all, and a restriction's whole life. Each
//! test does what one of the official SDK's `test_availability.py` tests
//! does, with the same answers, reading every field it asserts through C.

use crate::common::availability::*;
use crate::common::*;
use mesh_status::*;

const MIN: &str = "DischargeMin[m3/s]";
const MAX: &str = "DischargeMax[m3/s]";

fn jan_1_to_10() -> (i64, i64) {
    (utc(2023, 1, 1, 0), utc(2023, 1, 10, 0))
}

/// The basic recurrence most of the SDK's restriction tests use.
fn self_imposed_once(
    description: &str,
    period: (i64, i64),
    value: f64,
) -> *mut mesh_restriction_recurrence {
    basic(Pattern::once("SelfImposed", description), period, value)
}

fn free(r: *mut mesh_restriction_recurrence) {
    check(mesh_restriction_recurrence_free(r), MESH_OK);
}

/// The recurrence of a basic restriction that happens once.
fn once(description: &str, period: (i64, i64)) -> Recurrence {
    Recurrence {
        id: None,
        status: "SelfImposed".into(),
        description: description.into(),
        kind: MESH_RECURRENCE_TYPE_NONE,
        every: 0,
        until: MESH_TIME_NONE,
        period: Some(period),
        // Periods in 2023 are neither in force now nor to come.
        active: None,
    }
}

#[test]
fn basic_restriction_created_with_every_field_given() {
    let f = Fixture::new();
    let rec = self_imposed_once("Basic test restriction", jan_1_to_10(), 0.5);
    let created = create_restriction(
        f.s,
        &NewRestriction {
            created_author: Some("created_author"),
            created_at: utc(2023, 1, 1, 0),
            last_changed_author: Some("last_changed_author"),
            ..NewRestriction::plain(
                "basic_restriction_event",
                MIN,
                "basic_restriction_local_id",
                "Basic restriction reason",
                rec,
            )
        },
    );
    free(rec);
    let fields = |e: &Event| {
        assert_eq!(e.kind, MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION);
        assert_eq!(e.event_id, "basic_restriction_event");
        assert_eq!(e.local_id, "basic_restriction_local_id");
        assert_eq!(e.reason, "Basic restriction reason");
        assert_eq!(e.category.as_deref(), Some(MIN));
        assert_eq!(e.created_author, "created_author");
        assert_eq!(e.created_at, utc(2023, 1, 1, 0));
        assert_eq!(e.last_changed_author, "last_changed_author");
        assert_ne!(e.last_changed_at, MESH_TIME_NONE);
        assert_eq!(e.owner_id, TARGET_ID);
        assert_eq!(e.complex, Some(false));
        assert_eq!(
            e.recurrence(),
            &once("Basic test restriction", jan_1_to_10())
        );
        assert_eq!(e.value, Some(0.5));
        assert_eq!(e.points, []);
    };
    fields(&take(created));
    fields(&get(f.s, "basic_restriction_event"));
}

#[test]
fn complex_restriction_keeps_its_curve() {
    let f = Fixture::new();
    let points = [
        (utc(2023, 1, 1, 8), 80.0),
        (utc(2023, 1, 1, 12), 60.0),
        (utc(2023, 1, 1, 16), 70.0),
        (utc(2023, 1, 1, 20), 90.0),
    ];
    let rec = complex(
        Pattern::repeating(
            "SelfImposed",
            "Complex test restriction",
            MESH_RECURRENCE_TYPE_DAILY,
            1,
            utc(2023, 1, 15, 0),
        ),
        &points,
    );
    let created = create_restriction(
        f.s,
        &NewRestriction {
            created_author: Some("created_author"),
            created_at: utc(2023, 1, 1, 0),
            last_changed_author: Some("last_changed_author"),
            ..NewRestriction::plain(
                "complex_restriction_event",
                MIN,
                "complex_restriction_local_id",
                "Complex restriction reason",
                rec,
            )
        },
    );
    free(rec);
    let fields = |e: &Event| {
        assert_eq!(e.kind, MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION);
        assert_eq!(e.event_id, "complex_restriction_event");
        assert_eq!(e.local_id, "complex_restriction_local_id");
        assert_eq!(e.reason, "Complex restriction reason");
        assert_eq!(e.category.as_deref(), Some(MIN));
        assert_eq!(e.created_author, "created_author");
        assert_eq!(e.created_at, utc(2023, 1, 1, 0));
        assert_eq!(e.last_changed_author, "last_changed_author");
        assert_eq!(e.owner_id, TARGET_ID);
        assert_eq!(e.complex, Some(true));
        assert_eq!(
            e.recurrence(),
            &Recurrence {
                id: None,
                status: "SelfImposed".into(),
                description: "Complex test restriction".into(),
                kind: MESH_RECURRENCE_TYPE_DAILY,
                every: 1,
                until: utc(2023, 1, 15, 0),
                period: None,
                active: None,
            }
        );
        assert_eq!(e.value, None);
        // The points, in order, times and values as given.
        assert_eq!(e.points, points);
    };
    fields(&take(created));
    fields(&get(f.s, "complex_restriction_event"));
}

#[test]
fn restriction_created_without_optional_fields_takes_the_server_defaults() {
    let f = Fixture::new();
    let rec = self_imposed_once("Basic test restriction", jan_1_to_10(), 0.5);
    let before = now_ms();
    let e = take(create_restriction(
        f.s,
        &NewRestriction::plain(
            "basic_restriction_event",
            MIN,
            "basic_restriction_local_id",
            "Basic restriction reason",
            rec,
        ),
    ));
    let after = now_ms();
    free(rec);
    assert_eq!(e.kind, MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION);
    assert_eq!(e.event_id, "basic_restriction_event");
    assert_eq!(e.local_id, "basic_restriction_local_id");
    assert_eq!(e.reason, "Basic restriction reason");
    assert_eq!(e.category.as_deref(), Some(MIN));
    assert_eq!(e.created_author, "");
    assert_eq!(e.last_changed_author, e.created_author);
    assert_server_time(e.created_at, before, after);
    assert_eq!(e.owner_id, TARGET_ID);
    assert_eq!(e.complex, Some(false));
    assert_eq!(
        e.recurrence(),
        &once("Basic test restriction", jan_1_to_10())
    );
    assert_eq!(e.value, Some(0.5));
}

#[test]
fn restriction_on_an_unknown_object_is_not_found_by_the_server() {
    let f = Fixture::new();
    let rec = basic(
        Pattern::once("Active", "Test restriction"),
        jan_1_to_10(),
        75.5,
    );
    let status = try_create_restriction(
        f.s,
        "Invalid/Path",
        &NewRestriction::plain(
            "invalid_restriction_event",
            "Capacity",
            "local_id",
            "reason",
            rec,
        ),
    )
    .unwrap_err();
    free(rec);
    assert_eq!(status, MESH_ERROR_NOT_FOUND, "{}", last_error());
    assert!(
        last_error().contains("object not found"),
        "{}",
        last_error()
    );
    assert_eq!(f.emu.calls("CreateRestriction"), 1);
}

#[test]
fn restriction_found_by_search_and_read() {
    let f = Fixture::new();
    let rec = self_imposed_once("Searchable test restriction", jan_1_to_10(), 75.5);
    take(create_restriction(
        f.s,
        &NewRestriction::plain(
            "searchable_restriction_event",
            MIN,
            "searchable_restriction_local_id",
            "Searchable restriction reason",
            rec,
        ),
    ));
    free(rec);
    // A revision on the same object, which a search for restrictions
    // leaves out.
    take(create_revision(
        f.s,
        &NewRevision::plain("a_revision", "", ""),
    ));

    let found = search(f.s, MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION);
    assert_eq!(found.len(), 1, "{found:?}");
    for e in &found {
        assert_eq!(e.kind, MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION, "{e:?}");
    }
    let e = &found[0];
    assert_eq!(e.event_id, "searchable_restriction_event");
    assert_eq!(e.local_id, "searchable_restriction_local_id");
    assert_eq!(e.reason, "Searchable restriction reason");
    assert_eq!(e.category.as_deref(), Some(MIN));

    let got = get(f.s, "searchable_restriction_event");
    assert_eq!(got.kind, MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION);
    assert_eq!(got.event_id, "searchable_restriction_event");
    assert_eq!(got.local_id, "searchable_restriction_local_id");
    assert_eq!(got.reason, "Searchable restriction reason");
    assert_eq!(got.category.as_deref(), Some(MIN));
    assert_eq!(got.complex, Some(false));
    assert_eq!(
        got.recurrence(),
        &once("Searchable test restriction", jan_1_to_10())
    );
    assert_eq!(got.value, Some(75.5));
    assert_eq!(&got, e);
}

#[test]
fn restriction_updated() {
    let f = Fixture::new();
    let rec = self_imposed_once("Original restriction", jan_1_to_10(), 0.5);
    let original = take(create_restriction(
        f.s,
        &NewRestriction {
            created_author: Some("created_author"),
            last_changed_author: Some("last_changed_author"),
            ..NewRestriction::plain(
                "update_restriction_event",
                MIN,
                "original_local_id",
                "Original reason",
                rec,
            )
        },
    ));
    free(rec);
    let feb = (utc(2023, 2, 1, 0), utc(2023, 2, 10, 0));
    let new = self_imposed_once("Updated restriction", feb, 1.0);
    check(
        update_restriction(
            f.s,
            "update_restriction_event",
            Some("updated_local_id"),
            Some("Updated reason"),
            Some(MAX),
            new,
            Some("update_restriction_author"),
        ),
        MESH_OK,
    );
    free(new);
    let e = get(f.s, "update_restriction_event");
    assert_eq!(e.event_id, "update_restriction_event");
    assert_eq!(e.local_id, "updated_local_id");
    assert_eq!(e.reason, "Updated reason");
    assert_eq!(e.category.as_deref(), Some(MAX));
    assert_eq!(e.created_author, original.created_author);
    assert_eq!(e.created_author, "created_author");
    assert_eq!(e.last_changed_author, "update_restriction_author");
    assert_eq!(e.complex, Some(false));
    assert_eq!(e.recurrence(), &once("Updated restriction", feb));
    assert_eq!(e.value, Some(1.0));
    assert_eq!(e.created_at, original.created_at);
    assert!(e.last_changed_at >= original.last_changed_at);
}

#[test]
fn restriction_updated_in_part() {
    let f = Fixture::new();
    let rec = self_imposed_once("Original restriction", jan_1_to_10(), 0.5);
    let original = take(create_restriction(
        f.s,
        &NewRestriction::plain(
            "update_restriction_partial_event",
            MIN,
            "original_local_id",
            "Original reason",
            rec,
        ),
    ));
    free(rec);
    // Category and reason; no local id, recurrence or author.
    check(
        update_restriction(
            f.s,
            "update_restriction_partial_event",
            None,
            Some("Updated reason"),
            Some(MAX),
            std::ptr::null(),
            None,
        ),
        MESH_OK,
    );
    let e = get(f.s, "update_restriction_partial_event");
    assert_eq!(e.category.as_deref(), Some(MAX));
    assert_eq!(e.reason, "Updated reason");
    assert_eq!(e.local_id, "original_local_id");
    assert_eq!(e.complex, Some(false));
    assert_eq!(e.recurrence(), &once("Original restriction", jan_1_to_10()));
    assert_eq!(e.value, Some(0.5));
    assert_eq!(e.created_author, original.created_author);
    // No author given and no authentication: the server records "".
    assert_eq!(e.last_changed_author, "");
    assert_eq!(e.created_at, original.created_at);
}

#[test]
fn complex_restriction_updated_to_basic() {
    let f = Fixture::new();
    let rec = complex(
        Pattern::repeating(
            "SelfImposed",
            "Complex restriction",
            MESH_RECURRENCE_TYPE_DAILY,
            1,
            utc(2023, 1, 15, 0),
        ),
        &[(utc(2023, 1, 1, 8), 80.0), (utc(2023, 1, 1, 12), 60.0)],
    );
    take(create_restriction(
        f.s,
        &NewRestriction::plain(
            "update_restriction_complex_to_basic",
            MIN,
            "complex_local_id",
            "Complex reason",
            rec,
        ),
    ));
    free(rec);
    assert_eq!(
        get(f.s, "update_restriction_complex_to_basic").complex,
        Some(true)
    );

    let feb = (utc(2023, 2, 1, 0), utc(2023, 2, 10, 0));
    let new = self_imposed_once("Basic restriction", feb, 1.0);
    check(
        update_restriction(
            f.s,
            "update_restriction_complex_to_basic",
            None,
            None,
            None,
            new,
            None,
        ),
        MESH_OK,
    );
    free(new);
    let e = get(f.s, "update_restriction_complex_to_basic");
    assert_eq!(e.complex, Some(false));
    assert_eq!(e.recurrence(), &once("Basic restriction", feb));
    assert_eq!(e.value, Some(1.0));
    assert_eq!(e.points, []);
    // The rest is as it was.
    assert_eq!(
        (
            e.local_id.as_str(),
            e.reason.as_str(),
            e.category.as_deref()
        ),
        ("complex_local_id", "Complex reason", Some(MIN))
    );
}

#[test]
fn restriction_update_that_changes_nothing_is_refused_without_a_request() {
    let f = Fixture::new();
    let rec = self_imposed_once("Original restriction", jan_1_to_10(), 0.5);
    take(create_restriction(
        f.s,
        &NewRestriction::plain("update_restriction_test", MIN, "local_id", "reason", rec),
    ));
    free(rec);
    let status = update_restriction(
        f.s,
        "update_restriction_test",
        None,
        None,
        None,
        std::ptr::null(),
        Some("author"),
    );
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT, "{}", last_error());
    assert_eq!(f.emu.calls("UpdateRestriction"), 0);

    // Any one of them, or several, is an update.
    let feb = (utc(2023, 2, 1, 0), utc(2023, 2, 10, 0));
    let new = self_imposed_once("New restriction", feb, 1.0);
    let none = std::ptr::null();
    let updates: [(Option<&str>, Option<&str>, Option<&str>, *const _); 5] = [
        (Some("new_id"), None, None, none),
        (None, Some("new reason"), None, none),
        (None, None, Some(MAX), none),
        (None, None, None, new),
        (Some("new_id"), Some("new reason"), Some(MAX), none),
    ];
    for (local_id, reason, category, recurrence) in updates {
        check(
            update_restriction(
                f.s,
                "update_restriction_test",
                local_id,
                reason,
                category,
                recurrence,
                None,
            ),
            MESH_OK,
        );
    }
    free(new);
    assert_eq!(f.emu.calls("UpdateRestriction"), 5);
    let e = get(f.s, "update_restriction_test");
    assert_eq!(
        (
            e.local_id.as_str(),
            e.reason.as_str(),
            e.category.as_deref()
        ),
        ("new_id", "new reason", Some(MAX))
    );
    assert_eq!(e.recurrence(), &once("New restriction", feb));
    assert_eq!(e.value, Some(1.0));
}

/// The SDK's asynchronous restriction test: the C API has one (blocking)
/// form, so this is the same life of a restriction, step by step.
#[test]
fn restriction_from_creation_to_deletion() {
    let f = Fixture::new();
    // 1. Create, basic.
    let rec = self_imposed_once("Async basic restriction", jan_1_to_10(), 0.75);
    let restriction = take(create_restriction(
        f.s,
        &NewRestriction {
            created_author: Some("created_author"),
            created_at: utc(2023, 1, 1, 0),
            last_changed_author: Some("last_changed_author"),
            ..NewRestriction::plain(
                "async_restriction_event",
                MIN,
                "async_restriction_local_id",
                "Async restriction reason",
                rec,
            )
        },
    ));
    free(rec);
    let created = |e: &Event| {
        assert_eq!(e.event_id, "async_restriction_event");
        assert_eq!(e.local_id, "async_restriction_local_id");
        assert_eq!(e.reason, "Async restriction reason");
        assert_eq!(e.category.as_deref(), Some(MIN));
        assert_eq!(e.created_author, "created_author");
        assert_eq!(e.created_at, utc(2023, 1, 1, 0));
        assert_eq!(e.last_changed_author, "last_changed_author");
    };
    created(&restriction);
    assert_eq!(restriction.owner_id, TARGET_ID);
    assert_eq!(restriction.complex, Some(false));
    assert_eq!(
        restriction.recurrence(),
        &once("Async basic restriction", jan_1_to_10())
    );
    assert_eq!(restriction.value, Some(0.75));

    // 2. Search.
    let found = search(f.s, MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION);
    let e = found
        .iter()
        .find(|e| e.event_id == "async_restriction_event")
        .expect("the restriction is found");
    assert_eq!(e.local_id, "async_restriction_local_id");
    assert_eq!(e.category.as_deref(), Some(MIN));

    // 3. Read.
    created(&get(f.s, "async_restriction_event"));

    // 4. Its instances from its start to 15 January: the one period.
    assert_eq!(
        instances(
            f.s,
            "async_restriction_event",
            utc(2023, 1, 1, 0),
            utc(2023, 1, 15, 0)
        ),
        valued(&[(utc(2023, 1, 1, 0), utc(2023, 1, 10, 0), 0.75)])
    );

    // 5. Update the texts.
    check(
        update_restriction(
            f.s,
            "async_restriction_event",
            Some("updated_async_local_id"),
            Some("Updated async reason"),
            Some(MAX),
            std::ptr::null(),
            Some("update_restriction_author"),
        ),
        MESH_OK,
    );
    let e = get(f.s, "async_restriction_event");
    assert_eq!(e.local_id, "updated_async_local_id");
    assert_eq!(e.reason, "Updated async reason");
    assert_eq!(e.category.as_deref(), Some(MAX));
    assert_eq!(e.created_author, restriction.created_author);
    assert_eq!(e.created_at, restriction.created_at);
    assert!(e.last_changed_at >= restriction.last_changed_at);
    assert_eq!(e.last_changed_author, "update_restriction_author");

    // 6. Update the recurrence: weekly now.
    let new = basic(
        Pattern::repeating(
            "SelfImposed",
            "Updated async recurrence",
            MESH_RECURRENCE_TYPE_WEEKLY,
            1,
            utc(2023, 3, 1, 0),
        ),
        (utc(2023, 2, 1, 0), utc(2023, 2, 3, 0)),
        1.25,
    );
    check(
        update_restriction(
            f.s,
            "async_restriction_event",
            None,
            None,
            None,
            new,
            Some("update_restriction_recurrence_author"),
        ),
        MESH_OK,
    );
    free(new);
    let e = get(f.s, "async_restriction_event");
    assert_eq!(e.complex, Some(false));
    assert_eq!(
        e.recurrence(),
        &Recurrence {
            id: None,
            status: "SelfImposed".into(),
            description: "Updated async recurrence".into(),
            kind: MESH_RECURRENCE_TYPE_WEEKLY,
            every: 1,
            until: utc(2023, 3, 1, 0),
            period: Some((utc(2023, 2, 1, 0), utc(2023, 2, 3, 0))),
            active: None,
        }
    );
    assert_eq!(e.value, Some(1.25));
    assert_eq!(e.created_author, restriction.created_author);
    assert_eq!(e.created_at, restriction.created_at);
    assert_eq!(
        e.last_changed_author,
        "update_restriction_recurrence_author"
    );

    // 7. A complex one beside it.
    let points = [
        (utc(2023, 2, 1, 8), 50.0),
        (utc(2023, 2, 1, 12), 75.0),
        (utc(2023, 2, 1, 16), 60.0),
    ];
    let rec = complex(
        Pattern::repeating(
            "SelfImposed",
            "Async complex pattern",
            MESH_RECURRENCE_TYPE_DAILY,
            1,
            utc(2023, 2, 15, 0),
        ),
        &points,
    );
    let c = take(create_restriction(
        f.s,
        &NewRestriction {
            created_author: Some("created_author"),
            created_at: utc(2023, 1, 1, 0),
            last_changed_author: Some("last_changed_author"),
            ..NewRestriction::plain(
                "async_complex_restriction",
                MIN,
                "async_complex_local_id",
                "Async complex restriction",
                rec,
            )
        },
    ));
    free(rec);
    assert_eq!(c.event_id, "async_complex_restriction");
    assert_eq!(c.created_author, "created_author");
    assert_eq!(c.created_at, utc(2023, 1, 1, 0));
    assert_eq!(c.last_changed_author, "last_changed_author");
    assert_eq!(c.complex, Some(true));
    assert_eq!(c.points, points);

    // 8. Delete every event of the object.
    delete_by_type(f.s, MESH_AVAILABILITY_EVENT_TYPE_ALL);
    assert_eq!(search(f.s, MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION), []);
    assert_eq!(search(f.s, MESH_AVAILABILITY_EVENT_TYPE_ALL), []);
}
