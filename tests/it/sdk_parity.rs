//! What the official Python client does that the C API now does too,
//! through the C API against the emulator: changing a time series
//! attribute definition (`mesh_attribute_definition_update`), the tag and
//! namespace masks of object reads and searches, the server's name beside
//! its version (`mesh_connection_server_name`), and the client version
//! metadata every call carries.

use std::ffi::c_char;
use std::ptr;
use std::time::Duration;

use crate::common::bad_input::{check_rows, sentinel, Row, UNTOUCHED};
use crate::common::model::*;
use crate::common::*;
use mesh_status::*;

/// A time series attribute of the plant without a local expression, and
/// one whose definition is not a time series definition.
const TS_ATTRIBUTE: &str = "TsCalcAtt2";
const DOUBLE_ATTRIBUTE: &str = "DblAtt";

/// An emulator (kept, to count its calls), a connection and two sessions.
struct Fixture {
    emu: Emulator,
    conn: *mut mesh_connection,
    a: *mut mesh_session,
    b: *mut mesh_session,
}

impl Fixture {
    fn new() -> Fixture {
        let emu = emulator(Duration::from_secs(300));
        let conn = connect(&emu.addr().to_string());
        let a = open(conn);
        let b = open(conn);
        Fixture { emu, conn, a, b }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        mesh_session_close(self.a);
        mesh_session_close(self.b);
        mesh_connection_close(self.conn);
    }
}

/// A time series attribute's definition as a session sees it.
#[derive(Debug, Clone, PartialEq)]
struct Definition {
    id: String,
    path: String,
    template: String,
    description: String,
}

fn definition(session: *mut mesh_session, attribute_name: &str) -> Definition {
    let a = attribute(session, &plant_attr(attribute_name), MESH_MODEL_VIEW_FULL);
    let d = Definition {
        id: text(|b, n, l| unsafe { mesh_attribute_definition_id(a, b, n, l) }),
        path: text(|b, n, l| unsafe { mesh_attribute_definition_path(a, b, n, l) }),
        template: text(|b, n, l| unsafe {
            mesh_attribute_definition_template_expression(a, b, n, l)
        }),
        description: text(|b, n, l| unsafe { mesh_attribute_definition_description(a, b, n, l) }),
    };
    free_attribute(a);
    d
}

/// `mesh_attribute_definition_update` with `None` for NULL.
fn update(
    session: *mut mesh_session,
    target: &str,
    template: Option<&str>,
    description: Option<&str>,
) -> mesh_status {
    let (template, description) = (template.map(c), description.map(c));
    let ptr_of = |s: &Option<std::ffi::CString>| s.as_ref().map_or(ptr::null(), |s| s.as_ptr());
    unsafe {
        mesh_attribute_definition_update(
            session,
            c(target).as_ptr(),
            ptr_of(&template),
            ptr_of(&description),
        )
    }
}

#[test]
fn a_definition_changes_by_id_or_path_for_its_session_until_commit() {
    let f = Fixture::new();
    let before = definition(f.a, TS_ATTRIBUTE);
    assert!(before.path.starts_with("Repository/"), "{before:?}");
    assert_eq!(before, definition(f.b, TS_ATTRIBUTE));

    // By id, the template only: the description stays.
    let template = "##= @t('.TsRawAtt') + 100\n\n";
    check(update(f.a, &before.id, Some(template), None), MESH_OK);
    let changed = definition(f.a, TS_ATTRIBUTE);
    assert_eq!(changed.template, template);
    assert_eq!(changed.description, before.description);
    assert_eq!(
        definition(f.b, TS_ATTRIBUTE),
        before,
        "unseen before commit"
    );

    // By path (and by the braced upper-case id), the description only: the
    // new template stays.
    check(
        update(f.a, &before.path, None, Some("Tilløp, ændret")),
        MESH_OK,
    );
    let braced = format!("{{{}}}", before.id.to_uppercase());
    check(update(f.a, &braced, None, Some("Tilløp ÆØÅ")), MESH_OK);
    let changed = definition(f.a, TS_ATTRIBUTE);
    assert_eq!(changed.template, template);
    assert_eq!(changed.description, "Tilløp ÆØÅ");
    assert_eq!(
        definition(f.b, TS_ATTRIBUTE),
        before,
        "unseen before commit"
    );
    assert_eq!(f.emu.calls("UpdateTimeseriesAttributeDefinition"), 3);

    check(mesh_session_commit(f.a), MESH_OK);
    assert_eq!(definition(f.b, TS_ATTRIBUTE), changed, "seen after commit");

    // Both at once; "" empties a part. Rolled back, the committed state is
    // back.
    check(update(f.b, &before.path, Some(""), Some("")), MESH_OK);
    let emptied = definition(f.b, TS_ATTRIBUTE);
    assert_eq!(
        (emptied.template.as_str(), emptied.description.as_str()),
        ("", "")
    );
    check(mesh_session_rollback(f.b), MESH_OK);
    assert_eq!(definition(f.b, TS_ATTRIBUTE), changed, "rolled back");
}

#[test]
fn bad_definition_updates_get_their_status() {
    let f = Fixture::new();
    let ts = definition(f.a, TS_ATTRIBUTE);
    let double = {
        let a = attribute(f.a, &plant_attr(DOUBLE_ATTRIBUTE), MESH_MODEL_VIEW_FULL);
        let path = text(|b, n, l| unsafe { mesh_attribute_definition_path(a, b, n, l) });
        free_attribute(a);
        path
    };
    let closed = open(f.conn);
    check(mesh_session_close(closed), MESH_OK);
    let (s, target, expression) = (f.a, c(&ts.path), c("## = 1\n"));
    let bad_utf8: &[u8] = b"Repository/\xff\0";
    let bad_utf8 = bad_utf8.as_ptr().cast::<c_char>();
    let calls = || f.emu.calls("UpdateTimeseriesAttributeDefinition");

    // Refused before any request.
    let local: Vec<Row> = vec![
        (
            "NULL session",
            Box::new(|| unsafe {
                mesh_attribute_definition_update(
                    ptr::null_mut(),
                    target.as_ptr(),
                    expression.as_ptr(),
                    ptr::null(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "closed session",
            Box::new(|| unsafe {
                mesh_attribute_definition_update(
                    closed,
                    target.as_ptr(),
                    expression.as_ptr(),
                    ptr::null(),
                )
            }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "a connection as session",
            Box::new(|| unsafe {
                mesh_attribute_definition_update(
                    f.conn.cast(),
                    target.as_ptr(),
                    expression.as_ptr(),
                    ptr::null(),
                )
            }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "NULL target",
            Box::new(|| unsafe {
                mesh_attribute_definition_update(s, ptr::null(), expression.as_ptr(), ptr::null())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "neither id nor path",
            Box::new(|| update(s, "TsCalcAtt2", Some("## = 1\n"), None)),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "target not UTF-8",
            Box::new(|| unsafe {
                mesh_attribute_definition_update(s, bad_utf8, expression.as_ptr(), ptr::null())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "template not UTF-8",
            Box::new(|| unsafe {
                mesh_attribute_definition_update(s, target.as_ptr(), bad_utf8, ptr::null())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "description not UTF-8",
            Box::new(|| unsafe {
                mesh_attribute_definition_update(s, target.as_ptr(), ptr::null(), bad_utf8)
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "nothing to change",
            Box::new(|| update(s, &ts.path, None, None)),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
    ];
    check_rows(f.conn, &local);
    assert_eq!(calls(), 0, "no request for input refused locally");
    assert!(last_error().contains("mesh_attribute_definition_update"));

    // Refused by the server.
    let unknown_id = "0000000f-00ff-0000-0000-000000000000";
    let unknown_path = format!("{}NoSuch", ts.path);
    let attribute_path = plant_attr(TS_ATTRIBUTE);
    let served: Vec<Row> = vec![
        (
            "unknown id",
            Box::new(|| update(s, unknown_id, Some("## = 1\n"), None)),
            MESH_ERROR_NOT_FOUND,
        ),
        (
            "unknown path",
            Box::new(|| update(s, &unknown_path, None, Some("x"))),
            MESH_ERROR_NOT_FOUND,
        ),
        (
            "a double attribute's definition",
            Box::new(|| update(s, &double, None, Some("x"))),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "an attribute, not its definition",
            Box::new(|| update(s, &attribute_path, None, Some("x"))),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
    ];
    check_rows(f.conn, &served);
    assert_eq!(calls(), served.len() as u64);
    assert_eq!(definition(f.a, TS_ATTRIBUTE), ts, "nothing changed");
}

/// The names of an object's attributes, sorted.
fn attribute_names(o: *mut mesh_object) -> Vec<String> {
    let mut names: Vec<String> = attributes(o).into_iter().map(attr_name).collect();
    names.sort();
    names
}

/// The plant's attributes under the masks (names, tags, namespaces).
fn masked(session: *mut mesh_session, view: i32, masks: [Option<&str>; 3]) -> Vec<String> {
    let o = get_object_masked(session, PLANT, view, masks)
        .unwrap_or_else(|s| panic!("{masks:?}: {s:?}: {}", last_error()));
    let names = attribute_names(o);
    free_object(o);
    names
}

#[test]
fn masks_choose_the_attributes_of_an_object_read() {
    let f = Fixture::new();
    let s = f.a;
    let all = masked(s, MESH_MODEL_VIEW_FULL, [None, None, None]);
    assert!(all.len() > 30, "{all:?}");
    assert_eq!(
        masked(s, MESH_MODEL_VIEW_FULL, [Some(""), Some(""), Some("")]),
        all
    );

    // Tags: those whose definition has one of them (DblAtt has Tag1 and Tag3).
    for tags in ["Tag1", "Tag3", " Tag1 , Tag3 ", "NoSuchTag,Tag3"] {
        assert_eq!(
            masked(s, MESH_MODEL_VIEW_FULL, [None, Some(tags), None]),
            ["DblAtt"],
            "{tags}"
        );
    }
    assert!(masked(s, MESH_MODEL_VIEW_FULL, [None, Some("NoSuchTag"), None]).is_empty());
    // The definitions need not come back for their tags to filter.
    assert_eq!(
        masked(
            s,
            MESH_MODEL_VIEW_NO_DEFINITIONS,
            [None, Some("Tag1"), None]
        ),
        ["DblAtt"]
    );

    // Namespaces: as the official tests, one that matches nothing gives no
    // attributes; the plant's own gives them all.
    assert!(masked(s, MESH_MODEL_VIEW_FULL, [None, None, Some("NON_EXISTING")]).is_empty());
    let own = "SimpleThermalTestRepository";
    assert_eq!(
        masked(s, MESH_MODEL_VIEW_FULL, [None, None, Some(own)]),
        all
    );
    assert_eq!(
        masked(
            s,
            MESH_MODEL_VIEW_FULL,
            [None, None, Some(&format!("NON_EXISTING,{own}"))]
        ),
        all
    );

    // Tags and namespaces: both must match.
    assert_eq!(
        masked(s, MESH_MODEL_VIEW_FULL, [None, Some("Tag1"), Some(own)]),
        ["DblAtt"]
    );
    assert!(masked(
        s,
        MESH_MODEL_VIEW_FULL,
        [None, Some("Tag1"), Some("NON_EXISTING")]
    )
    .is_empty());

    // Names, as before.
    assert_eq!(
        masked(
            s,
            MESH_MODEL_VIEW_FULL,
            [Some("StringAtt, BoolArrayAtt"), None, Some("")]
        ),
        ["BoolArrayAtt", "StringAtt"]
    );
    // The read is one request each, and the masks change nothing else.
    let plain = object(s, PLANT, MESH_MODEL_VIEW_FULL);
    let tagged =
        get_object_masked(s, PLANT, MESH_MODEL_VIEW_FULL, [None, Some("Tag1"), None]).unwrap();
    assert_eq!(object_id(plain), object_id(tagged));
    assert_eq!(object_path(plain), object_path(tagged));
    let dbl = attribute_named(tagged, "DblAtt");
    assert_eq!(double_at(dbl, 0), 1000.0);
    free_object(plain);
    free_object(tagged);
}

/// `mesh_object_search` or, with `query` None, `mesh_object_search_by_definition`
/// from/of `target`, with the masks; the attribute names of each object found.
fn search_masked(
    session: *mut mesh_session,
    target: &str,
    query: Option<&str>,
    masks: [Option<&str>; 3],
) -> Vec<Vec<String>> {
    let masks = masks.map(|m| m.map(c));
    let [names, tags, spaces] = masks
        .each_ref()
        .map(|m| m.as_ref().map_or(ptr::null(), |m| m.as_ptr()));
    let mut list = ptr::null_mut();
    let status = match query {
        Some(query) => unsafe {
            mesh_object_search(
                session,
                c(target).as_ptr(),
                c(query).as_ptr(),
                MESH_MODEL_VIEW_FULL,
                names,
                tags,
                spaces,
                &mut list,
            )
        },
        None => unsafe {
            mesh_object_search_by_definition(
                session,
                c(target).as_ptr(),
                MESH_MODEL_VIEW_NO_DEFINITIONS,
                names,
                tags,
                spaces,
                &mut list,
            )
        },
    };
    check(status, MESH_OK);
    let found = list_items(list).into_iter().map(attribute_names).collect();
    free_list(list);
    found
}

#[test]
fn masks_choose_the_attributes_of_the_objects_searches_find() {
    let f = Fixture::new();
    let s = f.a;
    let plants = "*[.Type=PlantElementType]";
    let unmasked = search_masked(s, COMPONENT, Some(plants), [None, None, None]);
    assert!(!unmasked.is_empty());
    // The same objects, each with only its tagged attribute.
    let tagged = search_masked(s, COMPONENT, Some(plants), [None, Some("Tag1"), None]);
    assert_eq!(tagged.len(), unmasked.len());
    assert!(
        tagged.iter().all(|names| names == &["DblAtt"]),
        "{tagged:?}"
    );
    // The chimneys' DblAtt has no tags.
    let chimneys = search_masked(
        s,
        PLANT,
        Some("*[.Type=ChimneyElementType]"),
        [None, Some("Tag1,Tag3"), None],
    );
    assert_eq!(chimneys.len(), 2);
    assert!(chimneys.iter().all(Vec::is_empty), "{chimneys:?}");

    let definition = "Repository/SimpleThermalTestRepository/PlantElementType";
    let all = search_masked(s, definition, None, [None, None, None]);
    assert_eq!(all.len(), unmasked.len());
    let none = search_masked(s, definition, None, [None, None, Some("NON_EXISTING")]);
    assert_eq!(none.len(), all.len(), "the objects are still found");
    assert!(none.iter().all(Vec::is_empty), "{none:?}");
    let both = search_masked(
        s,
        definition,
        None,
        [None, Some("Tag3"), Some("SimpleThermalTestRepository")],
    );
    assert!(both.iter().all(|names| names == &["DblAtt"]), "{both:?}");
}

#[test]
fn masks_against_meshs_rules_are_refused_without_a_request() {
    let f = Fixture::new();
    let s = f.a;
    let (plant, query, definition) = (
        c(PLANT),
        c("*[.Type=ChimneyElementType]"),
        c("Repository/SimpleThermalTestRepository/ChimneyElementType"),
    );
    let (names, tags, spaces) = (c("DblAtt"), c("Tag1"), c("Hydro"));
    let (dotted, gap, empty) = (c("EnergySystem.Hydro"), c("Tag1,,Tag3"), c(""));
    let bad_utf8: &[u8] = b"Tag\xff\0";
    let bad_utf8 = bad_utf8.as_ptr().cast::<c_char>();
    let mut out_object: *mut mesh_object = sentinel();
    let mut out_list: *mut mesh_object_list = sentinel();
    let (oo, ol) = (&raw mut out_object, &raw mut out_list);
    let read = |n: *const c_char, t: *const c_char, ns: *const c_char| unsafe {
        mesh_object_read(s, plant.as_ptr(), MESH_MODEL_VIEW_FULL, n, t, ns, oo)
    };
    let search = |n: *const c_char, t: *const c_char, ns: *const c_char| unsafe {
        mesh_object_search(
            s,
            plant.as_ptr(),
            query.as_ptr(),
            MESH_MODEL_VIEW_FULL,
            n,
            t,
            ns,
            ol,
        )
    };
    let by_definition = |n: *const c_char, t: *const c_char, ns: *const c_char| unsafe {
        mesh_object_search_by_definition(s, definition.as_ptr(), MESH_MODEL_VIEW_FULL, n, t, ns, ol)
    };
    let null = ptr::null();
    use MESH_ERROR_INVALID_ARGUMENT as ARG;
    let rows: Vec<Row> = vec![
        (
            "read: names and tags",
            Box::new(|| read(names.as_ptr(), tags.as_ptr(), null)),
            ARG,
        ),
        (
            "read: names and namespaces",
            Box::new(|| read(names.as_ptr(), empty.as_ptr(), spaces.as_ptr())),
            ARG,
        ),
        (
            "read: a namespace with a dot",
            Box::new(|| read(null, null, dotted.as_ptr())),
            ARG,
        ),
        (
            "read: an empty tag",
            Box::new(|| read(null, gap.as_ptr(), null)),
            ARG,
        ),
        (
            "read: an empty namespace",
            Box::new(|| read(null, null, gap.as_ptr())),
            ARG,
        ),
        (
            "read: tags not UTF-8",
            Box::new(|| read(null, bad_utf8, null)),
            ARG,
        ),
        (
            "read: namespaces not UTF-8",
            Box::new(|| read(null, null, bad_utf8)),
            ARG,
        ),
        (
            "search: names and tags",
            Box::new(|| search(names.as_ptr(), tags.as_ptr(), spaces.as_ptr())),
            ARG,
        ),
        (
            "search: a namespace with a dot",
            Box::new(|| search(null, tags.as_ptr(), dotted.as_ptr())),
            ARG,
        ),
        (
            "search: an empty tag",
            Box::new(|| search(null, gap.as_ptr(), null)),
            ARG,
        ),
        (
            "by definition: names and namespaces",
            Box::new(|| by_definition(names.as_ptr(), null, spaces.as_ptr())),
            ARG,
        ),
        (
            "by definition: tags not UTF-8",
            Box::new(|| by_definition(null, bad_utf8, null)),
            ARG,
        ),
    ];
    check_rows(f.conn, &rows);
    assert!(last_error().contains("tag_names"), "{}", last_error());
    assert_eq!(out_object as usize, UNTOUCHED);
    assert_eq!(out_list as usize, UNTOUCHED);
    for method in ["GetObject", "SearchObjects", "SearchObjectsByDefinition"] {
        assert_eq!(f.emu.calls(method), 0, "{method}");
    }
}

/// The server's name through the buffer protocol, or the status.
fn server_name(conn: *mut mesh_connection, cap: usize) -> (mesh_status, String, usize) {
    let mut buf = vec![1 as c_char; cap];
    let mut len = usize::MAX;
    let bufp = if cap == 0 {
        ptr::null_mut()
    } else {
        buf.as_mut_ptr()
    };
    let status = unsafe { mesh_connection_server_name(conn, bufp, cap, &mut len) };
    let text = if status == MESH_OK {
        buf[..len].iter().map(|c| *c as u8 as char).collect()
    } else {
        String::new()
    };
    (status, text, len)
}

#[test]
fn the_server_name_is_the_one_read_when_connecting() {
    let emu = emulator(Duration::from_secs(300));
    let conn = connect(&emu.addr().to_string());
    let name = "Volue Mesh Server";
    assert_eq!(
        text(|b, n, l| unsafe { mesh_connection_server_name(conn, b, n, l) }),
        name
    );
    assert_eq!(
        server_name(conn, 64),
        (MESH_OK, name.to_string(), name.len())
    );
    assert_eq!(
        server_name(conn, name.len() + 1),
        (MESH_OK, name.to_string(), name.len())
    );
    // Too small: the length needed, and nothing but the NUL written.
    assert_eq!(
        server_name(conn, name.len()),
        (MESH_ERROR_BUFFER_TOO_SMALL, String::new(), name.len())
    );
    assert_eq!(emu.calls("GetVersion"), 1, "asked once, when connecting");

    let mut buf_cell = [0 as c_char; 64];
    let mut len_cell = 0usize;
    let (buf, len) = (buf_cell.as_mut_ptr(), &raw mut len_cell);
    let closed = connect(&emu.addr().to_string());
    check(mesh_connection_close(closed), MESH_OK);
    let rows: Vec<Row> = vec![
        (
            "NULL connection",
            Box::new(|| unsafe { mesh_connection_server_name(ptr::null_mut(), buf, 64, len) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "NULL buffer with room",
            Box::new(|| unsafe { mesh_connection_server_name(conn, ptr::null_mut(), 64, len) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "closed connection",
            Box::new(|| unsafe { mesh_connection_server_name(closed, buf, 64, len) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "NULL len_out",
            Box::new(|| unsafe { mesh_connection_server_name(conn, buf, 64, ptr::null_mut()) }),
            MESH_OK,
        ),
    ];
    check_rows(conn, &rows);
    check(mesh_connection_close(conn), MESH_OK);
}

/// What the library sends under the official client's key, and its own.
const CLIENT_VERSION_KEY: &str = "x-volue-mesh-client-version";
const CAPI_VERSION_KEY: &str = "x-volue-mesh-capi-version";
/// The SDK release whose protocol the library speaks (see docs/sessions.md).
const PROTOCOL_SDK_VERSION: &str = "1.16.0";

#[test]
fn every_call_carries_the_protocols_sdk_version_and_the_librarys_own() {
    let emu = emulator(Duration::from_secs(300));
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let o = object(session, PLANT, MESH_MODEL_VIEW_NO_ATTRIBUTES);
    free_object(o);
    check(
        unsafe { mesh_attribute_update_double(session, c(&plant_attr("DblAtt")).as_ptr(), 5.0) },
        MESH_OK,
    );
    check(mesh_session_commit(session), MESH_OK);
    check(
        unsafe { mesh_session_extend(session, ptr::null_mut()) },
        MESH_OK,
    );
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);

    let calls = emu.total_calls();
    for method in [
        "GetVersion",
        "StartSession",
        "GetObject",
        "Commit",
        "EndSession",
    ] {
        assert!(emu.calls(method) >= 1, "{method}");
    }
    assert_eq!(
        emu.metadata_seen(CLIENT_VERSION_KEY),
        [(PROTOCOL_SDK_VERSION.to_string(), calls)],
        "every call, the connect-time GetVersion included"
    );
    assert_eq!(
        emu.metadata_seen(CAPI_VERSION_KEY),
        [(env!("CARGO_PKG_VERSION").to_string(), calls)]
    );
    // Never 0.x where a server looks for a Python SDK's version, and one
    // that SDK would send since the key exists (1.14).
    let parts: Vec<u32> = PROTOCOL_SDK_VERSION
        .split('.')
        .map(|p| p.parse().unwrap())
        .collect();
    assert!(parts.len() == 3 && parts[0] >= 1 && (parts[0], parts[1]) >= (1, 14));
}
