//! Helpers for the model tests: the official test model's names and ids,
//! and thin wrappers that read model handles through the C API as a C
//! program would (texts through the two-call buffer protocol).

use std::ffi::c_char;
use std::ptr;
use std::time::Duration;

use super::*;
use mesh_status::{MESH_ERROR_BUFFER_TOO_SMALL, MESH_OK};

pub const MODEL: &str = "Model/SimpleThermalTestModel";
pub const COMPONENT: &str = "Model/SimpleThermalTestModel/ThermalComponent";
pub const COMPONENT_ID: &str = "0000000b-0001-0000-0000-000000000000";
pub const PLANT: &str =
    "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef/SomePowerPlant1";
/// The same plant, by the short path that leaves out relation names.
pub const PLANT_SHORT: &str = "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1";
pub const PLANT_ID: &str = "0000000a-0001-0000-0000-000000000000";
pub const CHIMNEY1_ID: &str = "0000000a-0004-0000-0000-000000000000";
pub const CHIMNEY2_ID: &str = "0000000a-0005-0000-0000-000000000000";

/// The path of the plant's attribute `name`.
pub fn plant_attr(name: &str) -> String {
    format!("{PLANT}.{name}")
}

/// Milliseconds since the Unix epoch of a UTC date and time.
pub fn utc_ms(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    // Days from civil (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (mo as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    ((days * 24 + h as i64) * 60 + mi as i64) * 60_000 + s as i64 * 1000
}

/// Reads a text through the buffer protocol: first the length with a NULL
/// buffer (`MESH_ERROR_BUFFER_TOO_SMALL`), then the text.
#[track_caller]
pub fn text(f: impl Fn(*mut c_char, usize, *mut usize) -> mesh_status) -> String {
    let mut len = usize::MAX;
    check(f(ptr::null_mut(), 0, &mut len), MESH_ERROR_BUFFER_TOO_SMALL);
    let mut buf = vec![1 as c_char; len + 1];
    let mut len2 = usize::MAX;
    check(f(buf.as_mut_ptr(), buf.len(), &mut len2), MESH_OK);
    assert_eq!(len, len2);
    assert_eq!(buf[len], 0);
    let bytes: Vec<u8> = buf[..len].iter().map(|c| *c as u8).collect();
    String::from_utf8(bytes).unwrap()
}

pub fn get_object(
    session: *mut mesh_session,
    target: &str,
    view: i32,
    names: Option<&str>,
) -> Result<*mut mesh_object, mesh_status> {
    get_object_masked(session, target, view, [names, None, None])
}

/// `mesh_object_read` with its three masks: attribute names, tag names and
/// namespace names, `None` for NULL.
pub fn get_object_masked(
    session: *mut mesh_session,
    target: &str,
    view: i32,
    masks: [Option<&str>; 3],
) -> Result<*mut mesh_object, mesh_status> {
    let mut out = ptr::null_mut();
    let masks = masks.map(|m| m.map(c));
    let [names, tags, spaces] = masks
        .each_ref()
        .map(|m| m.as_ref().map_or(ptr::null(), |m| m.as_ptr()));
    match unsafe {
        mesh_object_read(
            session,
            c(target).as_ptr(),
            view,
            names,
            tags,
            spaces,
            &mut out,
        )
    } {
        MESH_OK => Ok(out),
        status => Err(status),
    }
}

#[track_caller]
pub fn object(session: *mut mesh_session, target: &str, view: i32) -> *mut mesh_object {
    get_object(session, target, view, None)
        .unwrap_or_else(|s| panic!("mesh_object_read {target}: {s:?}: {}", last_error()))
}

pub fn get_attribute(
    session: *mut mesh_session,
    target: &str,
    view: i32,
) -> Result<*mut mesh_attribute, mesh_status> {
    let mut out = ptr::null_mut();
    match unsafe { mesh_attribute_read(session, c(target).as_ptr(), view, &mut out) } {
        MESH_OK => Ok(out),
        status => Err(status),
    }
}

#[track_caller]
pub fn attribute(session: *mut mesh_session, target: &str, view: i32) -> *mut mesh_attribute {
    get_attribute(session, target, view)
        .unwrap_or_else(|s| panic!("mesh_attribute_read {target}: {s:?}: {}", last_error()))
}

#[track_caller]
pub fn search(
    session: *mut mesh_session,
    start: &str,
    query: &str,
    view: i32,
) -> *mut mesh_object_list {
    let mut out = ptr::null_mut();
    check(
        unsafe {
            mesh_object_search(
                session,
                c(start).as_ptr(),
                c(query).as_ptr(),
                view,
                ptr::null(),
                ptr::null(),
                ptr::null(),
                &mut out,
            )
        },
        MESH_OK,
    );
    out
}

pub fn list_count(list: *mut mesh_object_list) -> usize {
    let mut n = usize::MAX;
    check(unsafe { mesh_object_list_count(list, &mut n) }, MESH_OK);
    n
}

pub fn list_item(list: *mut mesh_object_list, i: usize) -> *mut mesh_object {
    let mut o = ptr::null_mut();
    check(unsafe { mesh_object_list_at(list, i, &mut o) }, MESH_OK);
    o
}

/// The objects of a list, borrowed from it.
pub fn list_items(list: *mut mesh_object_list) -> Vec<*mut mesh_object> {
    (0..list_count(list)).map(|i| list_item(list, i)).collect()
}

pub fn object_name(o: *mut mesh_object) -> String {
    text(|b, n, l| unsafe { mesh_object_name(o, b, n, l) })
}

pub fn object_path(o: *mut mesh_object) -> String {
    text(|b, n, l| unsafe { mesh_object_path(o, b, n, l) })
}

pub fn object_id(o: *mut mesh_object) -> String {
    text(|b, n, l| unsafe { mesh_object_id(o, b, n, l) })
}

pub fn object_type_name(o: *mut mesh_object) -> String {
    text(|b, n, l| unsafe { mesh_object_type_name(o, b, n, l) })
}

pub fn object_owner_path(o: *mut mesh_object) -> String {
    text(|b, n, l| unsafe { mesh_object_owner_path(o, b, n, l) })
}

pub fn object_owner_id(o: *mut mesh_object) -> String {
    text(|b, n, l| unsafe { mesh_object_owner_id(o, b, n, l) })
}

pub fn attribute_count(o: *mut mesh_object) -> usize {
    let mut n = usize::MAX;
    check(unsafe { mesh_object_attribute_count(o, &mut n) }, MESH_OK);
    n
}

/// The object's attributes, borrowed from it.
pub fn attributes(o: *mut mesh_object) -> Vec<*mut mesh_attribute> {
    (0..attribute_count(o))
        .map(|i| {
            let mut a = ptr::null_mut();
            check(unsafe { mesh_object_attribute_at(o, i, &mut a) }, MESH_OK);
            a
        })
        .collect()
}

#[track_caller]
pub fn attribute_named(o: *mut mesh_object, name: &str) -> *mut mesh_attribute {
    let mut a = ptr::null_mut();
    check(
        unsafe { mesh_object_attribute_by_name(o, c(name).as_ptr(), &mut a) },
        MESH_OK,
    );
    a
}

pub fn attr_name(a: *mut mesh_attribute) -> String {
    text(|b, n, l| unsafe { mesh_attribute_name(a, b, n, l) })
}

pub fn attr_path(a: *mut mesh_attribute) -> String {
    text(|b, n, l| unsafe { mesh_attribute_path(a, b, n, l) })
}

pub fn attr_id(a: *mut mesh_attribute) -> String {
    text(|b, n, l| unsafe { mesh_attribute_id(a, b, n, l) })
}

pub fn value_type(a: *mut mesh_attribute) -> i32 {
    let mut t = -1;
    check(unsafe { mesh_attribute_value_type(a, &mut t) }, MESH_OK);
    t
}

pub fn value_count(a: *mut mesh_attribute) -> usize {
    let mut n = usize::MAX;
    check(unsafe { mesh_attribute_value_count(a, &mut n) }, MESH_OK);
    n
}

pub fn is_collection(a: *mut mesh_attribute) -> bool {
    let mut v = -1;
    check(unsafe { mesh_attribute_is_collection(a, &mut v) }, MESH_OK);
    assert!(v == 0 || v == 1);
    v == 1
}

#[track_caller]
pub fn double_at(a: *mut mesh_attribute, i: usize) -> f64 {
    let mut v = f64::NAN;
    check(
        unsafe { mesh_attribute_value_double_at(a, i, &mut v) },
        MESH_OK,
    );
    v
}

#[track_caller]
pub fn int_at(a: *mut mesh_attribute, i: usize) -> i64 {
    let mut v = i64::MIN;
    check(
        unsafe { mesh_attribute_value_int_at(a, i, &mut v) },
        MESH_OK,
    );
    v
}

#[track_caller]
pub fn bool_at(a: *mut mesh_attribute, i: usize) -> bool {
    let mut v = -1;
    check(
        unsafe { mesh_attribute_value_bool_at(a, i, &mut v) },
        MESH_OK,
    );
    assert!(v == 0 || v == 1);
    v == 1
}

#[track_caller]
pub fn time_at(a: *mut mesh_attribute, i: usize) -> i64 {
    let mut v = i64::MIN;
    check(
        unsafe { mesh_attribute_value_utc_time_at(a, i, &mut v) },
        MESH_OK,
    );
    v
}

pub fn string_at(a: *mut mesh_attribute, i: usize) -> String {
    text(|b, n, l| unsafe { mesh_attribute_value_string_at(a, i, b, n, l) })
}

/// The target id of relation value `i` ("" for none; read with a
/// 37-byte buffer, as ids always fit).
pub fn target_at(a: *mut mesh_attribute, i: usize) -> String {
    let mut buf = [0 as c_char; 37];
    let mut len = 0;
    check(
        unsafe { mesh_attribute_value_target_id_at(a, i, buf.as_mut_ptr(), 37, &mut len) },
        MESH_OK,
    );
    buf[..len].iter().map(|c| *c as u8 as char).collect()
}

/// Every target id of a relation attribute.
pub fn targets(a: *mut mesh_attribute) -> Vec<String> {
    (0..value_count(a)).map(|i| target_at(a, i)).collect()
}

/// The versions of versioned link value `i`: (valid from ms, target id).
pub fn versions(a: *mut mesh_attribute, i: usize) -> Vec<(i64, String)> {
    let mut n = usize::MAX;
    check(
        unsafe { mesh_attribute_version_count_at(a, i, &mut n) },
        MESH_OK,
    );
    (0..n)
        .map(|j| {
            let mut from = 0;
            check(
                unsafe { mesh_attribute_version_valid_from_at(a, i, j, &mut from) },
                MESH_OK,
            );
            let target = text(|b, cap, l| unsafe {
                mesh_attribute_version_target_id_at(a, i, j, b, cap, l)
            });
            (from, target)
        })
        .collect()
}

pub fn has_definition(a: *mut mesh_attribute) -> bool {
    let mut v = -1;
    check(unsafe { mesh_attribute_has_definition(a, &mut v) }, MESH_OK);
    v == 1
}

pub fn free_object(o: *mut mesh_object) {
    check(mesh_object_free(o), MESH_OK);
}

pub fn free_list(l: *mut mesh_object_list) {
    check(mesh_object_list_free(l), MESH_OK);
}

pub fn free_attribute(a: *mut mesh_attribute) {
    check(mesh_attribute_free(a), MESH_OK);
}

/// Reads a double attribute in a session (by path or id).
pub fn read_double(session: *mut mesh_session, target: &str) -> f64 {
    let a = attribute(session, target, MESH_MODEL_VIEW_NO_DEFINITIONS);
    let v = double_at(a, 0);
    free_attribute(a);
    v
}

/// Whether this thread's last error quotes `text`, a server's message,
/// whole: the library puts it between "<RPC> failed: " and " (gRPC status".
pub fn last_error_quotes(text: &str) -> bool {
    last_error().contains(&format!("failed: {text} (gRPC status "))
}

/// An emulator with the test model, a connection and one session, closed
/// when dropped.
pub struct OneSession {
    _emu: Emulator,
    pub conn: *mut mesh_connection,
    pub session: *mut mesh_session,
}

impl OneSession {
    pub fn new() -> OneSession {
        let emu = emulator(Duration::from_secs(300));
        let conn = connect(&emu.addr().to_string());
        let session = open(conn);
        OneSession {
            _emu: emu,
            conn,
            session,
        }
    }
}

impl Drop for OneSession {
    fn drop(&mut self) {
        mesh_session_close(self.session);
        mesh_connection_close(self.conn);
    }
}

/// As [`OneSession`], with two sessions on the connection, to see what
/// one of them shows the other.
pub struct TwoSessions {
    _emu: Emulator,
    pub conn: *mut mesh_connection,
    pub a: *mut mesh_session,
    pub b: *mut mesh_session,
}

impl TwoSessions {
    pub fn new() -> TwoSessions {
        let emu = emulator(Duration::from_secs(300));
        let conn = connect(&emu.addr().to_string());
        let a = open(conn);
        let b = open(conn);
        TwoSessions {
            _emu: emu,
            conn,
            a,
            b,
        }
    }
}

impl Drop for TwoSessions {
    fn drop(&mut self) {
        mesh_session_close(self.a);
        mesh_session_close(self.b);
        mesh_connection_close(self.conn);
    }
}
