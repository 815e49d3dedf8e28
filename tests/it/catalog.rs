//! The time series catalog through the C API (and the Rust API) against the
//! emulator over TCP: resource info, creating physical series (key 0 until
//! commit), updates that change only what is set, units of measurement,
//! and bad input with exact statuses and no request sent.

use std::ffi::{c_char, CStr};
use std::ptr;

use crate::common::points::*;
use crate::common::*;
use mesh_capi::client::{
    Connection, CurveType, ErrorKind, NewPhysicalTimeseries, Resolution, ResourceUpdate,
    TimeseriesId,
};
use mesh_status::*;

/// A resource handle's fields, read through the accessors.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Info {
    key: i64,
    path: String,
    name: String,
    curve: i32,
    resolution: i32,
    unit: String,
    time_zone: String,
    expression: String,
    temporary: i32,
}

type TextFn = unsafe extern "C" fn(
    *const mesh_timeseries_resource,
    *mut c_char,
    usize,
    *mut usize,
) -> mesh_status;

/// Reads one text field the way a C caller would: ask for the length,
/// then read into a buffer of exactly that size.
fn text(resource: *const mesh_timeseries_resource, f: TextFn) -> String {
    let mut len = usize::MAX;
    let status = unsafe { f(resource, ptr::null_mut(), 0, &mut len) };
    assert!(
        status == MESH_ERROR_BUFFER_TOO_SMALL,
        "asking for the length: {status:?}"
    );
    let mut buf = vec![1 as c_char; len + 1];
    let mut got = 0;
    check(
        unsafe { f(resource, buf.as_mut_ptr(), buf.len(), &mut got) },
        MESH_OK,
    );
    assert_eq!(got, len);
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_str()
        .unwrap()
        .to_string()
}

/// The fields of a resource handle, which is then freed.
fn take_info(resource: *mut mesh_timeseries_resource) -> Info {
    let (mut key, mut curve, mut resolution, mut temporary) = (-7, -7, -7, -7);
    unsafe {
        check(mesh_timeseries_resource_key(resource, &mut key), MESH_OK);
        check(
            mesh_timeseries_resource_curve_type(resource, &mut curve),
            MESH_OK,
        );
        check(
            mesh_timeseries_resource_resolution(resource, &mut resolution),
            MESH_OK,
        );
        check(
            mesh_timeseries_resource_is_temporary(resource, &mut temporary),
            MESH_OK,
        );
    }
    let info = Info {
        key,
        path: text(resource, mesh_timeseries_resource_path),
        name: text(resource, mesh_timeseries_resource_name),
        curve,
        resolution,
        unit: text(resource, mesh_timeseries_resource_unit),
        time_zone: text(resource, mesh_timeseries_resource_time_zone),
        expression: text(resource, mesh_timeseries_resource_virtual_expression),
        temporary,
    };
    check(mesh_timeseries_resource_free(resource), MESH_OK);
    info
}

fn get(session: *mut mesh_session, key: i64) -> Result<Info, mesh_status> {
    let mut resource = ptr::null_mut();
    match unsafe { mesh_timeseries_resource_read(session, key, &mut resource) } {
        MESH_OK => Ok(take_info(resource)),
        status => {
            assert!(resource.is_null(), "out written on failure");
            Err(status)
        }
    }
}

#[track_caller]
fn get_ok(session: *mut mesh_session, key: i64) -> Info {
    get(session, key).unwrap_or_else(|s| panic!("get {key}: {s:?}: {}", last_error()))
}

/// The units the server knows, as (id, name), read through `mesh_unit_list_*`.
fn units(session: *mut mesh_session) -> Vec<(String, String)> {
    let mut units = ptr::null_mut();
    check(unsafe { mesh_unit_list_read(session, &mut units) }, MESH_OK);
    let mut n = usize::MAX;
    check(unsafe { mesh_unit_list_count(units, &mut n) }, MESH_OK);
    let mut out = Vec::new();
    for i in 0..n {
        let mut id = [0 as c_char; 37];
        let mut len = 0;
        check(
            unsafe { mesh_unit_list_id_at(units, i, id.as_mut_ptr(), id.len(), &mut len) },
            MESH_OK,
        );
        assert_eq!(len, 36);
        let mut name = [0 as c_char; 128];
        check(
            unsafe {
                mesh_unit_list_name_at(units, i, name.as_mut_ptr(), name.len(), ptr::null_mut())
            },
            MESH_OK,
        );
        let s = |b: &[c_char]| {
            unsafe { CStr::from_ptr(b.as_ptr()) }
                .to_str()
                .unwrap()
                .to_string()
        };
        out.push((s(&id), s(&name)));
    }
    check(mesh_unit_list_free(units), MESH_OK);
    out
}

fn unit_id(session: *mut mesh_session, name: &str) -> String {
    units(session)
        .into_iter()
        .find(|(_, n)| n == name)
        .unwrap_or_else(|| panic!("no unit {name}"))
        .0
}

/// Creates a physical series through the C API.
fn create(
    session: *mut mesh_session,
    path: &str,
    name: &str,
    curve: i32,
    resolution: i32,
    unit_id: &str,
    time_zone: Option<&str>,
) -> Result<Info, mesh_status> {
    let (path, name, unit_id) = (c(path), c(name), c(unit_id));
    let time_zone = time_zone.map(c);
    let mut resource = ptr::null_mut();
    let status = unsafe {
        mesh_timeseries_resource_create_physical(
            session,
            path.as_ptr(),
            name.as_ptr(),
            curve,
            resolution,
            unit_id.as_ptr(),
            time_zone.as_ref().map_or(ptr::null(), |z| z.as_ptr()),
            &mut resource,
        )
    };
    match status {
        MESH_OK => Ok(take_info(resource)),
        status => {
            assert!(resource.is_null(), "out written on failure");
            Err(status)
        }
    }
}

/// Updates through the C API; `None` leaves a field.
fn update(
    session: *mut mesh_session,
    key: i64,
    curve: Option<i32>,
    unit_id: Option<&str>,
    time_zone: Option<&str>,
) -> mesh_status {
    let unit_id = unit_id.map(c);
    let time_zone = time_zone.map(c);
    unsafe {
        mesh_timeseries_resource_update(
            session,
            key,
            curve.unwrap_or(MESH_TIMESERIES_RESOURCE_CURVE_TYPE_UNCHANGED),
            unit_id.as_ref().map_or(ptr::null(), |u| u.as_ptr()),
            time_zone.as_ref().map_or(ptr::null(), |z| z.as_ptr()),
        )
    }
}

#[test]
fn resource_info_of_physical_series() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let expected = |key, path: &str, curve, resolution| Info {
        key,
        path: path.to_string(),
        name: path.rsplit('/').next().unwrap().to_string(),
        curve,
        resolution,
        unit: UNIT.to_string(),
        time_zone: String::new(),
        expression: String::new(),
        temporary: 0,
    };
    assert_eq!(
        get_ok(session, KEY),
        expected(
            KEY,
            PATH,
            MESH_CURVE_TYPE_STAIRCASE,
            MESH_RESOLUTION_BREAKPOINT
        )
    );
    assert_eq!(
        get_ok(session, LINEAR_KEY),
        expected(
            LINEAR_KEY,
            "Resource/Test/Linear",
            MESH_CURVE_TYPE_PIECEWISE_LINEAR,
            MESH_RESOLUTION_BREAKPOINT
        )
    );
    assert_eq!(
        get_ok(session, DAILY_KEY),
        expected(
            DAILY_KEY,
            "Resource/Test/Daily",
            MESH_CURVE_TYPE_STAIRCASE,
            MESH_RESOLUTION_DAY
        )
    );
    let demo_key = default_key("Resource/Demo/Inflow");
    let demo = get_ok(session, demo_key);
    assert_eq!(
        (demo.path.as_str(), demo.name.as_str(), demo.resolution),
        ("Resource/Demo/Inflow", "Inflow", MESH_RESOLUTION_HOUR)
    );
    assert_eq!(demo.unit, "m3/s");

    // Unknown keys: NOT_FOUND with the server's words; the session lives on.
    assert_eq!(get(session, 4242), Err(MESH_ERROR_NOT_FOUND));
    assert!(
        last_error().contains("Timeseries with key 4242 not found."),
        "{}",
        last_error()
    );
    assert!(!is_expired(session));

    // A resource handle outlives its session.
    let mut resource = ptr::null_mut();
    check(
        unsafe { mesh_timeseries_resource_read(session, KEY, &mut resource) },
        MESH_OK,
    );
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
    assert_eq!(take_info(resource).path, PATH);
}

#[test]
fn the_official_tests_catalog_has_physical_and_virtual_series() {
    // The catalog the official Mesh tests run against (MODEL.md): key 3 a
    // physical hourly PIECEWISELINEAR series in `cm`, key 4 a virtual one
    // computed from another series, without a unit.
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let physical = get_ok(session, 3);
    assert_eq!(
        physical.path,
        "Resource/SimpleThermalTestResourceCatalog/chimney2TimeSeriesRaw"
    );
    assert_eq!(physical.name, "chimney2TimeSeriesRaw");
    assert_eq!(
        (physical.curve, physical.resolution),
        (MESH_CURVE_TYPE_PIECEWISE_LINEAR, MESH_RESOLUTION_HOUR)
    );
    assert_eq!(physical.unit, "cm");
    assert_eq!(physical.expression, "");
    let virtual_series = get_ok(session, 4);
    assert_eq!(virtual_series.name, "simpleVtsTimeseries");
    assert_eq!(virtual_series.unit, "", "a virtual series has no unit");
    assert!(
        virtual_series.expression.contains("plantTimeSeriesRaw"),
        "{virtual_series:?}"
    );
    assert_eq!(virtual_series.temporary, 0);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn created_series_have_key_0_until_commit_and_take_points_by_path() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let other = open(conn);
    let mw = unit_id(session, UNIT);
    let created = create(
        session,
        "/Test/Created/",
        "New_Series",
        MESH_CURVE_TYPE_PIECEWISE_LINEAR,
        MESH_RESOLUTION_HOUR,
        &mw,
        None,
    )
    .unwrap_or_else(|s| panic!("{s:?}: {}", last_error()));
    assert_eq!(
        created,
        Info {
            key: 0,
            path: "Resource/Test/Created/New_Series".to_string(),
            name: "New_Series".to_string(),
            curve: MESH_CURVE_TYPE_PIECEWISE_LINEAR,
            resolution: MESH_RESOLUTION_HOUR,
            unit: UNIT.to_string(),
            time_zone: String::new(),
            expression: String::new(),
            temporary: 0,
        }
    );
    // Points go in by path; after commit every session reads them.
    let path = c(&created.path);
    let points = Cols::series(T0, HOUR, 3, 1.0);
    let values = points.values();
    check(
        unsafe {
            mesh_timeseries_write_by_path(
                session,
                path.as_ptr(),
                T0,
                T0 + 3 * HOUR,
                points.t.as_ptr(),
                points.f.as_ptr(),
                values.as_ptr(),
                3,
            )
        },
        MESH_OK,
    );
    check(mesh_session_commit(session), MESH_OK);
    assert_eq!(
        read_path_ok(other, &created.path, T0, T0 + 2 * HOUR),
        points,
        "with the trailing point of a linear series"
    );

    // A time zone is kept; an unknown one is refused with the server's words.
    let zoned = create(
        session,
        "/Test/Created/",
        "Zoned",
        MESH_CURVE_TYPE_STAIRCASE,
        MESH_RESOLUTION_DAY,
        &mw,
        Some("Europe/Oslo"),
    )
    .unwrap_or_else(|s| panic!("{s:?}: {}", last_error()));
    assert_eq!(zoned.time_zone, "Europe/Oslo");
    assert_eq!((zoned.key, zoned.resolution), (0, MESH_RESOLUTION_DAY));
    let refused = create(
        session,
        "/Test/Created/",
        "Badly_Zoned",
        MESH_CURVE_TYPE_STAIRCASE,
        MESH_RESOLUTION_DAY,
        &mw,
        Some("Invalid/TimeZone"),
    );
    assert!(refused.is_err());
    assert!(
        last_error().contains("invalid time zone specified: 'Invalid/TimeZone'"),
        "{}",
        last_error()
    );
    // A path that does not begin and end with '/' is the server's to refuse.
    let refused = create(
        session,
        "Test/Created",
        "Wrong",
        MESH_CURVE_TYPE_STAIRCASE,
        MESH_RESOLUTION_HOUR,
        &mw,
        None,
    );
    assert!(refused.is_err());
    // A unit id the server does not know.
    let refused = create(
        session,
        "/Test/Created/",
        "No_Unit",
        MESH_CURVE_TYPE_STAIRCASE,
        MESH_RESOLUTION_HOUR,
        "123e4567-e89b-12d3-a456-556642440000",
        None,
    );
    assert!(refused.is_err());
    assert!(!is_expired(session));
    for s in [session, other] {
        check(mesh_session_close(s), MESH_OK);
    }
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn updates_change_only_what_is_set() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let other = open(conn);
    let all = units(session);
    let (m3s, mw) = (
        all.iter().find(|u| u.1 == "m3/s").unwrap().0.clone(),
        all.iter().find(|u| u.1 == UNIT).unwrap().0.clone(),
    );
    let before = get_ok(session, KEY);

    // The curve type alone.
    check(
        update(
            session,
            KEY,
            Some(MESH_CURVE_TYPE_PIECEWISE_LINEAR),
            None,
            None,
        ),
        MESH_OK,
    );
    let after = get_ok(session, KEY);
    assert_eq!(
        after,
        Info {
            curve: MESH_CURVE_TYPE_PIECEWISE_LINEAR,
            ..before.clone()
        }
    );
    // The unit alone, by id in braces.
    check(
        update(
            session,
            KEY,
            None,
            Some(&format!("{{{}}}", m3s.to_uppercase())),
            None,
        ),
        MESH_OK,
    );
    let after = get_ok(session, KEY);
    assert_eq!(
        after,
        Info {
            curve: MESH_CURVE_TYPE_PIECEWISE_LINEAR,
            unit: "m3/s".to_string(),
            ..before.clone()
        }
    );
    // Both at once.
    check(
        update(
            session,
            KEY,
            Some(MESH_CURVE_TYPE_STAIRCASE),
            Some(&mw),
            None,
        ),
        MESH_OK,
    );
    assert_eq!(get_ok(session, KEY), before);

    // Time zones: only for DAY or coarser; "" removes one.
    check(
        update(session, DAILY_KEY, None, None, Some("Europe/London")),
        MESH_OK,
    );
    let daily = get_ok(session, DAILY_KEY);
    assert_eq!(daily.time_zone, "Europe/London");
    assert_eq!(daily.curve, MESH_CURVE_TYPE_STAIRCASE, "left as it was");
    check(mesh_session_commit(session), MESH_OK);
    assert_eq!(get_ok(other, DAILY_KEY).time_zone, "Europe/London");
    check(update(session, DAILY_KEY, None, None, Some("")), MESH_OK);
    assert_eq!(get_ok(session, DAILY_KEY).time_zone, "");
    assert_ne!(
        update(session, KEY, None, None, Some("Europe/Warsaw")),
        MESH_OK,
        "a time zone on a breakpoint series"
    );
    assert_ne!(
        update(session, DAILY_KEY, None, None, Some("Invalid/TimeZone")),
        MESH_OK
    );
    assert!(
        last_error().contains("invalid time zone specified: 'Invalid/TimeZone'"),
        "{}",
        last_error()
    );
    // Unknown key and unknown unit: the server's refusals.
    assert_eq!(
        update(session, 4242, Some(MESH_CURVE_TYPE_STAIRCASE), None, None),
        MESH_ERROR_NOT_FOUND
    );
    assert_ne!(
        update(
            session,
            KEY,
            None,
            Some("123e4567-e89b-12d3-a456-556642440000"),
            None
        ),
        MESH_OK
    );
    assert_eq!(
        get_ok(session, KEY).unit,
        UNIT,
        "a refused update changes nothing"
    );
    for s in [session, other] {
        check(mesh_session_close(s), MESH_OK);
    }
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn units_of_measurement_by_index_and_name() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let all = units(session);
    assert!(all.iter().any(|u| u.1 == UNIT), "{all:?}");
    assert!(all.iter().any(|u| u.1 == "m3/s"), "{all:?}");
    for (id, _) in &all {
        assert_eq!(
            mesh_capi::client::parse_id(id, "unit id")
                .unwrap()
                .to_string(),
            *id,
            "canonical lower-case form"
        );
    }
    let mut handle = ptr::null_mut();
    check(
        unsafe { mesh_unit_list_read(session, &mut handle) },
        MESH_OK,
    );
    let mut index = usize::MAX;
    check(
        unsafe { mesh_unit_list_find(handle, c(UNIT).as_ptr(), &mut index) },
        MESH_OK,
    );
    assert_eq!(all[index].1, UNIT);
    let mut kept = 77;
    check(
        unsafe { mesh_unit_list_find(handle, c("mw").as_ptr(), &mut kept) },
        MESH_ERROR_NOT_FOUND,
    );
    assert_eq!(kept, 77, "out written on failure");
    assert_eq!(last_error(), "mesh_unit_list_find: no unit named \"mw\"");
    let n = all.len();
    let mut buf = [0 as c_char; 64];
    check(
        unsafe { mesh_unit_list_name_at(handle, n, buf.as_mut_ptr(), buf.len(), ptr::null_mut()) },
        MESH_ERROR_INVALID_ARGUMENT,
    );
    assert_eq!(
        last_error(),
        format!("mesh_unit_list_name_at: index {n} is out of range: there are {n} units")
    );
    let mut len = 0;
    check(
        unsafe { mesh_unit_list_id_at(handle, 0, buf.as_mut_ptr(), 36, &mut len) },
        MESH_ERROR_BUFFER_TOO_SMALL,
    );
    assert_eq!(len, 36);
    check(mesh_unit_list_free(handle), MESH_OK);
    check(mesh_unit_list_free(handle), MESH_ERROR_INVALID_HANDLE);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn bad_input_gives_exact_statuses_without_a_request() {
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let mw = unit_id(session, UNIT);
    let mut resource = ptr::null_mut();
    check(
        unsafe { mesh_timeseries_resource_read(session, KEY, &mut resource) },
        MESH_OK,
    );
    let mut units_handle = ptr::null_mut();
    check(
        unsafe { mesh_unit_list_read(session, &mut units_handle) },
        MESH_OK,
    );
    let catalog_calls = |emu: &Emulator| {
        [
            "GetTimeseriesResource",
            "CreatePhysicalTimeseries",
            "UpdateTimeseriesResource",
            "ListUnitsOfMeasurement",
        ]
        .map(|m| emu.calls(m))
    };
    let before = catalog_calls(&emu);

    let (path, name, unit) = (c("/Test/Bad/"), c("Bad"), c(&mw));
    let bad_unit = c("not-a-unit");
    let null_session: *mut mesh_session = ptr::null_mut();
    let mut out = ptr::null_mut();
    let mut units_out = ptr::null_mut();
    let create = |session: *mut mesh_session,
                  path: *const c_char,
                  name: *const c_char,
                  curve: i32,
                  resolution: i32,
                  unit: *const c_char,
                  out: *mut *mut mesh_timeseries_resource| unsafe {
        mesh_timeseries_resource_create_physical(
            session,
            path,
            name,
            curve,
            resolution,
            unit,
            ptr::null(),
            out,
        )
    };
    let (p, n, u) = (path.as_ptr(), name.as_ptr(), unit.as_ptr());
    let (stair, hour) = (MESH_CURVE_TYPE_STAIRCASE, MESH_RESOLUTION_HOUR);
    let (mut key, mut int) = (0i64, 0i32);
    let mut buf = [0 as c_char; 8];
    let cases: Vec<(&str, mesh_status, mesh_status)> = vec![
        (
            "get: NULL session",
            unsafe { mesh_timeseries_resource_read(null_session, KEY, &mut out) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "get: connection as session",
            unsafe { mesh_timeseries_resource_read(conn.cast(), KEY, &mut out) },
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "get: NULL out",
            unsafe { mesh_timeseries_resource_read(session, KEY, ptr::null_mut()) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "create: NULL path",
            create(session, ptr::null(), n, stair, hour, u, &mut out),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "create: NULL name",
            create(session, p, ptr::null(), stair, hour, u, &mut out),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "create: NULL unit",
            create(session, p, n, stair, hour, ptr::null(), &mut out),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "create: malformed unit id",
            create(session, p, n, stair, hour, bad_unit.as_ptr(), &mut out),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "create: curve 4",
            create(session, p, n, 4, hour, u, &mut out),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "create: curve -1 (only for updates)",
            create(
                session,
                p,
                n,
                MESH_TIMESERIES_RESOURCE_CURVE_TYPE_UNCHANGED,
                hour,
                u,
                &mut out,
            ),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "create: resolution 13",
            create(session, p, n, stair, 13, u, &mut out),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "create: resolution -1",
            create(session, p, n, stair, -1, u, &mut out),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "create: NULL out",
            create(session, p, n, stair, hour, u, ptr::null_mut()),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "create: resource as session",
            create(resource.cast(), p, n, stair, hour, u, &mut out),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "update: nothing set",
            update(session, KEY, None, None, None),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "update: curve 9",
            update(session, KEY, Some(9), None, None),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "update: curve -2",
            update(session, KEY, Some(-2), None, None),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "update: malformed unit id",
            update(session, KEY, None, Some("{123}"), None),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "update: NULL session",
            unsafe {
                mesh_timeseries_resource_update(
                    null_session,
                    KEY,
                    MESH_CURVE_TYPE_STAIRCASE,
                    ptr::null(),
                    ptr::null(),
                )
            },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "units: NULL out",
            unsafe { mesh_unit_list_read(session, ptr::null_mut()) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "units: NULL session",
            unsafe { mesh_unit_list_read(null_session, &mut units_out) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "resource accessor: NULL resource",
            unsafe { mesh_timeseries_resource_key(ptr::null(), &mut key) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "resource accessor: session as resource",
            unsafe { mesh_timeseries_resource_key(session.cast(), &mut key) },
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "resource accessor: units as resource",
            unsafe { mesh_timeseries_resource_curve_type(units_handle.cast(), &mut int) },
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "resource accessor: NULL out",
            unsafe { mesh_timeseries_resource_resolution(resource, ptr::null_mut()) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "resource text: NULL buf with cap",
            unsafe { mesh_timeseries_resource_path(resource, ptr::null_mut(), 8, ptr::null_mut()) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "resource text: too small",
            unsafe {
                mesh_timeseries_resource_path(resource, buf.as_mut_ptr(), 8, ptr::null_mut())
            },
            MESH_ERROR_BUFFER_TOO_SMALL,
        ),
        (
            "units accessor: resource as units",
            unsafe { mesh_unit_list_count(resource.cast(), &mut 0) },
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "units find: NULL name",
            unsafe { mesh_unit_list_find(units_handle, ptr::null(), &mut 0) },
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "free: session as resource",
            mesh_timeseries_resource_free(session.cast()),
            MESH_ERROR_INVALID_HANDLE,
        ),
    ];
    for (what, got, expected) in cases {
        assert_eq!(got, expected, "{what}: {}", last_error());
    }
    assert!(
        out.is_null() && units_out.is_null(),
        "out written on failure"
    );
    assert_eq!(catalog_calls(&emu), before, "a request was sent");
    // The messages say what was wrong.
    assert_eq!(
        update(session, KEY, Some(9), None, None),
        MESH_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        last_error(),
        "mesh_timeseries_resource_update: curve type 9 is not one of the MESH_CURVE_TYPE_* numbers"
    );
    assert_eq!(
        update(session, KEY, None, None, None),
        MESH_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        last_error(),
        "mesh_timeseries_resource_update: nothing to update: set a curve type, a unit or a time zone"
    );
    assert_eq!(
        create(session, p, n, stair, hour, bad_unit.as_ptr(), &mut out),
        MESH_ERROR_INVALID_ARGUMENT
    );
    assert!(
        last_error().starts_with(
            "mesh_timeseries_resource_create_physical: malformed unit id \"not-a-unit\""
        ),
        "{}",
        last_error()
    );

    // Freed handles are invalid, and so is freeing them again.
    check(mesh_timeseries_resource_free(resource), MESH_OK);
    check(
        unsafe { mesh_timeseries_resource_key(resource, &mut key) },
        MESH_ERROR_INVALID_HANDLE,
    );
    check(
        mesh_timeseries_resource_free(resource),
        MESH_ERROR_INVALID_HANDLE,
    );
    check(mesh_unit_list_free(units_handle), MESH_OK);
    // A closed session.
    check(mesh_session_close(session), MESH_OK);
    assert_eq!(get(session, KEY), Err(MESH_ERROR_INVALID_HANDLE));
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn the_rust_api_reads_creates_and_updates() {
    let emu = ts_emulator(MINUTES_5);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let conn = Connection::connect(&emu.addr().to_string(), Default::default())
            .await
            .unwrap();
        let session = conn.open_session().await.unwrap();
        let resource = session.timeseries_resource(LINEAR_KEY).await.unwrap();
        assert_eq!(resource.path, "Resource/Test/Linear");
        assert_eq!(resource.curve_type, CurveType::PiecewiseLinear);
        assert_eq!(resource.resolution, Resolution::Breakpoint);
        assert_eq!(resource.unit_of_measurement.as_deref(), Some(UNIT));
        assert_eq!(
            (resource.time_zone, resource.virtual_expression),
            (None, None)
        );

        let e = session.timeseries_resource(4242).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);

        let units = session.units_of_measurement().await.unwrap();
        let mw = units.iter().find(|u| u.name == UNIT).unwrap().id;
        let created = session
            .create_physical_timeseries(&NewPhysicalTimeseries {
                path: "/Test/Rust/".into(),
                name: "Daily".into(),
                curve_type: CurveType::Staircase,
                resolution: Resolution::Day,
                unit_id: mw,
                time_zone: Some("Europe/Oslo".into()),
            })
            .await
            .unwrap();
        assert_eq!(created.key, 0, "Mesh assigns keys at commit");
        assert_eq!(created.path, "Resource/Test/Rust/Daily");
        assert_eq!(created.time_zone.as_deref(), Some("Europe/Oslo"));

        let update = ResourceUpdate {
            curve_type: Some(CurveType::StaircaseStartOfStep),
            ..Default::default()
        };
        session
            .update_timeseries_resource(DAILY_KEY, &update)
            .await
            .unwrap();
        let after = session.timeseries_resource(DAILY_KEY).await.unwrap();
        assert_eq!(after.curve_type, CurveType::StaircaseStartOfStep);
        assert_eq!(after.unit_of_measurement.as_deref(), Some(UNIT));
        let e = session
            .update_timeseries_resource(DAILY_KEY, &ResourceUpdate::default())
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);

        // Without an interval a write covers first point to last + 1 s, as
        // the official client's does; a delete takes an interval.
        let id = TimeseriesId::Key(KEY);
        let points = |t: Vec<i64>| {
            let n = t.len();
            mesh_capi::client::Points::new(t, vec![0; n], vec![1.0; n]).unwrap()
        };
        session
            .write_points(&id, &points(vec![T0, T0 + 10_000, T0 + 20_000]))
            .await
            .unwrap();
        session
            .write_points(&id, &points(vec![T0 + 19_500]))
            .await
            .unwrap();
        let back = session.read_timeseries(&id, T0, T0 + HOUR).await.unwrap();
        assert_eq!(back.timestamps(), [T0, T0 + 10_000, T0 + 19_500]);
        session
            .delete_timeseries(&id, T0 + 1, T0 + 19_500)
            .await
            .unwrap();
        let back = session.read_timeseries(&id, T0, T0 + HOUR).await.unwrap();
        assert_eq!(back.timestamps(), [T0, T0 + 19_500]);
        let e = session
            .read_timeseries(&TimeseriesId::Path("Resource/Nope".into()), T0, T0 + 1)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        session.close().await.unwrap();
    });
}
