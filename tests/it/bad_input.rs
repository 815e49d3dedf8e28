//! Bad input never crashes: each row is a call a careless or hostile caller
//! could make, with the exact status it must give. Out-pointers must be left
//! alone on failure, every failure must leave a message, and destructors
//! given NULL succeed and leave the last error alone.

use std::ffi::c_char;
use std::ptr;
use std::time::Duration;

use crate::common::bad_input::*;
use crate::common::*;
use mesh_status::*;

#[test]
fn bad_input_table() {
    let emu = emulator(Duration::from_secs(300));
    let address = c(&emu.addr().to_string());
    let conn = connect(&emu.addr().to_string());
    let open_session = open(conn);

    // Handles that were valid once.
    let closed_session = open(conn);
    check(mesh_session_close(closed_session), MESH_OK);
    let detached_session = open(conn);
    check(mesh_session_detach(detached_session), MESH_OK);
    let closed_conn = connect(&emu.addr().to_string());
    check(mesh_connection_close(closed_conn), MESH_OK);
    let mut freed_options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut freed_options) }, MESH_OK);
    check(mesh_options_free(freed_options), MESH_OK);
    let mut options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut options) }, MESH_OK);

    // Made-up handles, including ones that look like real pointers.
    let made_up_session: *mut mesh_session = sentinel();
    let stack_value = 0u64;
    let stack_session = ptr::from_ref(&stack_value) as *mut mesh_session;
    let made_up_conn: *mut mesh_connection = sentinel();
    let made_up_options: *mut mesh_options = sentinel();
    // A handle of another type.
    let conn_as_session = conn.cast::<mesh_session>();
    let session_as_conn = open_session.cast::<mesh_connection>();

    let bad_utf8: &[u8] = b"127.0.0.1:\xff\xfe\0";
    let valid_id = c("123e4567-e89b-12d3-a456-556642440000");

    let mut buf = [0 as c_char; 64];
    let bufp = buf.as_mut_ptr();
    let mut len_cell = 0usize;
    let mut flag_cell = 0i32;
    let len = &raw mut len_cell;
    let flag = &raw mut flag_cell;

    let rows: Vec<Row> = vec![
        // NULLs
        (
            "connect NULL address",
            Box::new(|| unsafe { mesh_connection_open(ptr::null(), ptr::null(), &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "connect NULL out",
            Box::new(|| unsafe {
                mesh_connection_open(address.as_ptr(), ptr::null(), ptr::null_mut())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "options_new NULL out",
            Box::new(|| unsafe { mesh_options_new(ptr::null_mut()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "options_free NULL",
            Box::new(|| mesh_options_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "set_connect_timeout NULL",
            Box::new(|| mesh_options_set_connect_timeout_ms(ptr::null_mut(), 5)),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "set_call_timeout NULL",
            Box::new(|| mesh_options_set_call_timeout_ms(ptr::null_mut(), 5)),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "set_keepalive NULL",
            Box::new(|| mesh_options_set_keepalive_interval_ms(ptr::null_mut(), 5)),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "server_version NULL conn",
            Box::new(|| unsafe { mesh_connection_server_version(ptr::null_mut(), bufp, 64, len) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "server_version NULL buf, cap 64",
            Box::new(|| unsafe { mesh_connection_server_version(conn, ptr::null_mut(), 64, len) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "connection_close NULL",
            Box::new(|| mesh_connection_close(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "session_open NULL conn",
            Box::new(|| unsafe { mesh_session_open(ptr::null_mut(), &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "session_open NULL out",
            Box::new(|| unsafe { mesh_session_open(conn, ptr::null_mut()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "attach NULL conn",
            Box::new(|| unsafe {
                mesh_session_attach(ptr::null_mut(), valid_id.as_ptr(), &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "attach NULL id",
            Box::new(|| unsafe { mesh_session_attach(conn, ptr::null(), &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "attach NULL out",
            Box::new(|| unsafe { mesh_session_attach(conn, valid_id.as_ptr(), ptr::null_mut()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "session_id NULL session",
            Box::new(|| unsafe { mesh_session_id(ptr::null(), bufp, 64, len) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "session_id NULL buf, cap 64",
            Box::new(|| unsafe { mesh_session_id(open_session, ptr::null_mut(), 64, len) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "commit NULL",
            Box::new(|| mesh_session_commit(ptr::null_mut())),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "rollback NULL",
            Box::new(|| mesh_session_rollback(ptr::null_mut())),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "extend NULL",
            Box::new(|| unsafe { mesh_session_extend(ptr::null_mut(), ptr::null_mut()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "is_expired NULL session",
            Box::new(|| unsafe { mesh_session_is_expired(ptr::null(), flag) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "is_expired NULL out",
            Box::new(|| unsafe { mesh_session_is_expired(open_session, ptr::null_mut()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "set_expired_callback NULL",
            Box::new(|| mesh_session_set_expired_callback(ptr::null_mut(), None, ptr::null_mut())),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "detach NULL",
            Box::new(|| mesh_session_detach(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "close NULL",
            Box::new(|| mesh_session_close(ptr::null_mut())),
            MESH_OK,
        ),
        // Bad values
        (
            "connect bad UTF-8",
            Box::new(|| unsafe {
                mesh_connection_open(bad_utf8.as_ptr().cast(), ptr::null(), &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "connect empty address",
            Box::new(|| unsafe {
                mesh_connection_open(c("").as_ptr(), ptr::null(), &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "connect no port",
            Box::new(|| unsafe {
                mesh_connection_open(c("localhost").as_ptr(), ptr::null(), &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "connect unknown scheme",
            Box::new(|| unsafe {
                mesh_connection_open(
                    c("ftp://127.0.0.1:1").as_ptr(),
                    ptr::null(),
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "connect with freed options",
            Box::new(|| unsafe {
                mesh_connection_open(address.as_ptr(), freed_options, &mut sentinel())
            }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "connect timeout 0",
            Box::new(|| mesh_options_set_connect_timeout_ms(options, 0)),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "call timeout 0",
            Box::new(|| mesh_options_set_call_timeout_ms(options, 0)),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "attach empty id",
            Box::new(|| unsafe { mesh_session_attach(conn, c("").as_ptr(), &mut sentinel()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "attach id too short",
            Box::new(|| unsafe {
                mesh_session_attach(
                    conn,
                    c("123e4567-e89b-12d3-a456-55664244000").as_ptr(),
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "attach id not hex",
            Box::new(|| unsafe {
                mesh_session_attach(
                    conn,
                    c("123e4567-e89b-12d3-a456-55664244000x").as_ptr(),
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "attach id half braced",
            Box::new(|| unsafe {
                mesh_session_attach(
                    conn,
                    c("{123e4567-e89b-12d3-a456-556642440000").as_ptr(),
                    &mut sentinel(),
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "attach id bad UTF-8",
            Box::new(|| unsafe {
                mesh_session_attach(conn, bad_utf8.as_ptr().cast(), &mut sentinel())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "attach unknown id",
            Box::new(|| unsafe { mesh_session_attach(conn, valid_id.as_ptr(), &mut sentinel()) }),
            MESH_ERROR_SESSION_NOT_FOUND,
        ),
        // Closed, detached, freed, made-up and wrong-type handles
        (
            "close twice",
            Box::new(|| mesh_session_close(closed_session)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "commit after close",
            Box::new(|| mesh_session_commit(closed_session)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "id after close",
            Box::new(|| unsafe { mesh_session_id(closed_session, bufp, 64, len) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "detach after close",
            Box::new(|| mesh_session_detach(closed_session)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "commit after detach",
            Box::new(|| mesh_session_commit(detached_session)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "close after detach",
            Box::new(|| mesh_session_close(detached_session)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "detach twice",
            Box::new(|| mesh_session_detach(detached_session)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "is_expired after detach",
            Box::new(|| unsafe { mesh_session_is_expired(detached_session, flag) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "callback after detach",
            Box::new(|| mesh_session_set_expired_callback(detached_session, None, ptr::null_mut())),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "made-up session",
            Box::new(|| mesh_session_commit(made_up_session)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "stack address as session",
            Box::new(|| mesh_session_close(stack_session)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "connection as session",
            Box::new(|| mesh_session_commit(conn_as_session)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "session as connection",
            Box::new(|| unsafe { mesh_session_open(session_as_conn, &mut sentinel()) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "open on closed connection",
            Box::new(|| unsafe { mesh_session_open(closed_conn, &mut sentinel()) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "attach on closed connection",
            Box::new(|| unsafe {
                mesh_session_attach(closed_conn, valid_id.as_ptr(), &mut sentinel())
            }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "close connection twice",
            Box::new(|| mesh_connection_close(closed_conn)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "made-up connection",
            Box::new(|| mesh_connection_close(made_up_conn)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "version of closed connection",
            Box::new(|| unsafe { mesh_connection_server_version(closed_conn, bufp, 64, len) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "free options twice",
            Box::new(|| mesh_options_free(freed_options)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "set on freed options",
            Box::new(|| mesh_options_set_call_timeout_ms(freed_options, 5)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "made-up options",
            Box::new(|| mesh_options_set_keepalive_interval_ms(made_up_options, 5)),
            MESH_ERROR_INVALID_HANDLE,
        ),
        // TLS, tokens and identity
        (
            "set_tls_root_pem NULL options",
            Box::new(|| unsafe {
                mesh_options_set_tls_root_certificate_pem(ptr::null_mut(), ptr::null())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "set_tls_root_pem empty",
            Box::new(|| unsafe {
                mesh_options_set_tls_root_certificate_pem(options, c("").as_ptr())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "set_tls_root_file bad UTF-8",
            Box::new(|| unsafe {
                mesh_options_set_tls_root_certificate_file(options, bad_utf8.as_ptr().cast())
            }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "set_tls_server_name freed options",
            Box::new(|| unsafe { mesh_options_set_tls_server_name(freed_options, ptr::null()) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "set_access_token NULL options",
            Box::new(|| unsafe { mesh_options_set_access_token(ptr::null_mut(), ptr::null()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "set_token_provider made-up options",
            Box::new(|| mesh_options_set_token_provider(made_up_options, None, ptr::null_mut())),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "connection_set_access_token NULL",
            Box::new(|| unsafe { mesh_connection_set_access_token(ptr::null_mut(), ptr::null()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "connection_set_access_token on plain HTTP/2",
            Box::new(|| unsafe { mesh_connection_set_access_token(conn, c("t").as_ptr()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "revoke NULL token",
            Box::new(|| unsafe { mesh_connection_revoke_access_token(conn, ptr::null()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "revoke on closed connection",
            Box::new(|| unsafe {
                mesh_connection_revoke_access_token(closed_conn, valid_id.as_ptr())
            }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "user_identity NULL out",
            Box::new(|| unsafe { mesh_identity_read(conn, ptr::null_mut()) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "user_identity closed connection",
            Box::new(|| unsafe { mesh_identity_read(closed_conn, &mut sentinel()) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "identity_display_name NULL",
            Box::new(|| unsafe { mesh_identity_display_name(ptr::null(), bufp, 64, len) }),
            MESH_ERROR_INVALID_ARGUMENT,
        ),
        (
            "identity_source made-up",
            Box::new(|| unsafe {
                mesh_identity_source(sentinel::<mesh_identity>(), bufp, 64, len)
            }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "identity_identifier session handle",
            Box::new(|| unsafe { mesh_identity_identifier(open_session.cast(), bufp, 64, len) }),
            MESH_ERROR_INVALID_HANDLE,
        ),
        (
            "identity_free NULL",
            Box::new(|| mesh_identity_free(ptr::null_mut())),
            MESH_OK,
        ),
        // Buffers
        (
            "session_id cap 0",
            Box::new(|| unsafe { mesh_session_id(open_session, bufp, 0, len) }),
            MESH_ERROR_BUFFER_TOO_SMALL,
        ),
        (
            "session_id cap 36",
            Box::new(|| unsafe { mesh_session_id(open_session, bufp, 36, ptr::null_mut()) }),
            MESH_ERROR_BUFFER_TOO_SMALL,
        ),
        (
            "server_version cap 1",
            Box::new(|| unsafe { mesh_connection_server_version(conn, bufp, 1, len) }),
            MESH_ERROR_BUFFER_TOO_SMALL,
        ),
    ];

    check_rows(conn, &rows);
    drop(rows);

    // Out-pointers passed above still hold nothing (they were temporaries);
    // check one kept here explicitly.
    let mut out: *mut mesh_session = sentinel();
    assert_eq!(
        unsafe { mesh_session_attach(conn, valid_id.as_ptr(), &mut out) },
        MESH_ERROR_SESSION_NOT_FOUND
    );
    assert_eq!(out.addr(), UNTOUCHED);
    let mut out_conn: *mut mesh_connection = sentinel();
    assert_eq!(
        unsafe { mesh_connection_open(c("nope").as_ptr(), ptr::null(), &mut out_conn) },
        MESH_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(out_conn.addr(), UNTOUCHED);
    let mut expired: i32 = 7;
    assert_eq!(
        unsafe { mesh_session_is_expired(closed_session, &mut expired) },
        MESH_ERROR_INVALID_HANDLE
    );
    assert_eq!(expired, 7);
    let mut expires_in: i64 = 7;
    assert_eq!(
        unsafe { mesh_session_extend(closed_session, &mut expires_in) },
        MESH_ERROR_INVALID_HANDLE
    );
    assert_eq!(expires_in, 7);

    // The valid handles still work after all that.
    check(mesh_session_commit(open_session), MESH_OK);
    check(mesh_session_close(open_session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
    check(mesh_options_free(options), MESH_OK);
}

/// Every destructor the header declares, given NULL: `MESH_OK`, last error
/// left alone. The list is checked against the header, so a destructor added
/// later cannot be left out.
#[test]
fn every_destructor_takes_null_as_a_no_op() {
    let emu = emulator(Duration::from_secs(300));
    let conn = connect(&emu.addr().to_string());
    let rows: Vec<Row> = vec![
        (
            "mesh_attribute_free",
            Box::new(|| mesh_attribute_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_attribute_list_free",
            Box::new(|| mesh_attribute_list_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_availability_event_free",
            Box::new(|| mesh_availability_event_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_availability_event_list_free",
            Box::new(|| mesh_availability_event_list_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_availability_instance_list_free",
            Box::new(|| mesh_availability_instance_list_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_calc_result_free",
            Box::new(|| mesh_calc_result_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_connection_close",
            Box::new(|| mesh_connection_close(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_id_list_free",
            Box::new(|| mesh_id_list_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_identity_free",
            Box::new(|| mesh_identity_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_object_free",
            Box::new(|| mesh_object_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_object_list_free",
            Box::new(|| mesh_object_list_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_operation_free",
            Box::new(|| mesh_operation_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_options_free",
            Box::new(|| mesh_options_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_point_list_free",
            Box::new(|| mesh_point_list_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_rating_curve_free",
            Box::new(|| mesh_rating_curve_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_restriction_recurrence_free",
            Box::new(|| mesh_restriction_recurrence_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_session_close",
            Box::new(|| mesh_session_close(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_session_detach",
            Box::new(|| mesh_session_detach(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_timeseries_resource_free",
            Box::new(|| mesh_timeseries_resource_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_unit_list_free",
            Box::new(|| mesh_unit_list_free(ptr::null_mut())),
            MESH_OK,
        ),
        (
            "mesh_xy_set_list_free",
            Box::new(|| mesh_xy_set_list_free(ptr::null_mut())),
            MESH_OK,
        ),
    ];
    let header = std::fs::read_to_string(root().join("include/mesh_capi.h")).unwrap();
    let mut declared: Vec<&str> = header
        .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
        .filter(|word| {
            word.starts_with("mesh_")
                && (word.ends_with("_free")
                    || word.ends_with("_close")
                    || word.ends_with("_detach"))
        })
        .collect();
    declared.sort_unstable();
    declared.dedup();
    let tested: Vec<&str> = rows.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(
        tested, declared,
        "destructors in the header and in this test"
    );
    check_rows(conn, &rows);
    check(mesh_connection_close(conn), MESH_OK);
}
