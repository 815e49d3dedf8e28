//! Commits Mesh refuses, through the C API against the emulator: two
//! sessions create the same object and the second commit meets the first
//! one's change; a child is created under an owner another session has
//! deleted meanwhile. Each gives its exact status and Mesh's words, none
//! publishes anything, and a rollback makes the session usable again.

use std::ptr;

use crate::common::model::*;
use crate::common::*;
use mesh_status::*;

/// The ownership relation that holds the component's plants.
fn plants() -> String {
    format!("{COMPONENT}.ThermalPowerToPlantRef")
}

/// Creates `name` under ownership attribute `owner`; returns its id.
#[track_caller]
fn create(session: *mut mesh_session, owner: &str, name: &str) -> String {
    let mut created = ptr::null_mut();
    check(
        unsafe {
            mesh_object_create(
                session,
                c(owner).as_ptr(),
                c(name).as_ptr(),
                ptr::null(),
                &mut created,
            )
        },
        MESH_OK,
    );
    let id = object_id(created);
    free_object(created);
    id
}

/// The names of the plants a session sees.
fn plant_names(session: *mut mesh_session) -> Vec<String> {
    let list = search(
        session,
        COMPONENT,
        "*[.Type=PlantElementType]",
        MESH_MODEL_VIEW_NO_ATTRIBUTES,
    );
    let mut names: Vec<String> = list_items(list).into_iter().map(object_name).collect();
    free_list(list);
    names.sort();
    names
}

#[test]
fn a_conflicting_commit_is_refused_until_the_session_is_rolled_back() {
    let f = TwoSessions::new();
    create(f.a, &plants(), "TestPlant");
    create(f.b, &plants(), "TestPlant");
    // Another change of b's, to see that none of them is published.
    check(
        unsafe { mesh_attribute_update_double(f.b, c(&plant_attr("DblAtt")).as_ptr(), 5.0) },
        MESH_OK,
    );
    check(mesh_session_commit(f.a), MESH_OK);

    // The id in Mesh's text is lower-case and unbraced, as mesh_session_id
    // writes it.
    let corrupt = format!(
        "session {} is corrupt due to changes done by some other session, rollback your changes to fix your session",
        id_of(f.b)
    );
    for attempt in 0..2 {
        check(mesh_session_commit(f.b), MESH_ERROR_SERVER);
        assert!(
            last_error().contains(&format!("Commit failed: {corrupt} (gRPC status ")),
            "attempt {attempt}: {}",
            last_error()
        );
    }
    assert_eq!(read_double(f.a, &plant_attr("DblAtt")), 1000.0);
    assert_eq!(plant_names(f.a), ["SomePowerPlant1", "TestPlant"]);

    // Rollback discards b's changes, shows it a's, and it commits again.
    check(mesh_session_rollback(f.b), MESH_OK);
    assert_eq!(read_double(f.b, &plant_attr("DblAtt")), 1000.0);
    assert_eq!(plant_names(f.b), ["SomePowerPlant1", "TestPlant"]);
    check(mesh_session_commit(f.b), MESH_OK);
    check(
        unsafe { mesh_attribute_update_double(f.b, c(&plant_attr("DblAtt")).as_ptr(), 7.0) },
        MESH_OK,
    );
    check(mesh_session_commit(f.b), MESH_OK);
    assert_eq!(read_double(f.a, &plant_attr("DblAtt")), 7.0);
    // The name a committed is now refused at once, not at commit.
    let status = unsafe {
        mesh_object_create(
            f.b,
            c(&plants()).as_ptr(),
            c("TestPlant").as_ptr(),
            ptr::null(),
            ptr::null_mut(),
        )
    };
    assert_eq!(status, MESH_ERROR_INVALID_ARGUMENT, "{}", last_error());
    assert!(
        last_error_quotes(
            "An element named TestPlant already exists in the ThermalPowerToPlantRef element array"
        ),
        "{}",
        last_error()
    );
}

#[test]
fn a_child_of_an_owner_deleted_meanwhile_fails_to_commit_with_missing_owner() {
    let f = TwoSessions::new();
    let parent = create(f.a, &plants(), "Parent");
    check(mesh_session_commit(f.a), MESH_OK);
    let owner = format!("{}/Parent.SimpleOwnershipAtt", plants());
    create(f.a, &owner, "Child");
    check(
        unsafe { mesh_object_delete(f.b, c(&parent).as_ptr(), 0) },
        MESH_OK,
    );
    check(mesh_session_commit(f.b), MESH_OK);

    check(mesh_session_commit(f.a), MESH_ERROR_SERVER);
    assert!(
        last_error().contains("Commit failed: Missing owner (gRPC status "),
        "{}",
        last_error()
    );
    assert_eq!(plant_names(f.b), ["SomePowerPlant1"]);

    // After rollback the delete is seen: the owner is not found at once.
    check(mesh_session_rollback(f.a), MESH_OK);
    assert_eq!(
        get_object(f.a, &parent, MESH_MODEL_VIEW_NO_ATTRIBUTES, None),
        Err(MESH_ERROR_NOT_FOUND)
    );
    let status = unsafe {
        mesh_object_create(
            f.a,
            c(&owner).as_ptr(),
            c("Child").as_ptr(),
            ptr::null(),
            ptr::null_mut(),
        )
    };
    assert_eq!(status, MESH_ERROR_NOT_FOUND, "{}", last_error());
    assert!(
        last_error_quotes(&format!("Owner of the object not found: path '{owner}'")),
        "{}",
        last_error()
    );
    // And the session commits again.
    create(f.a, &plants(), "Again");
    check(mesh_session_commit(f.a), MESH_OK);
    assert_eq!(plant_names(f.b), ["Again", "SomePowerPlant1"]);
}
