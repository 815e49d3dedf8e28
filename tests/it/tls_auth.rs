//! TLS and access tokens, with certificates made at test time: the right
//! root, a wrong root, a name mismatch and an expired certificate; tokens
//! missing, wrong, revoked, replaced on a live connection, and fetched from a
//! provider callback.

use std::collections::HashMap;
use std::ffi::{c_char, c_void, CStr};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;
use std::time::Duration;

use crate::common::tls::{ca, server_cert, Ca};
use crate::common::*;
use mesh_emulator::{Identity, TlsIdentity};
use mesh_status::*;

static CA: LazyLock<Ca> = LazyLock::new(|| ca("mesh-capi test CA"));

/// 5,000 characters: more than the provider's first buffer.
static LONG_TOKEN: LazyLock<String> = LazyLock::new(|| "L".repeat(5000));

fn tls_emulator(identity: TlsIdentity, tokens: bool, timeout: Duration) -> Emulator {
    let tokens = tokens.then(|| {
        HashMap::from([
            ("tok-alice".to_string(), Identity::named("Alice")),
            ("tok-bob".to_string(), Identity::named("Bob")),
            (LONG_TOKEN.clone(), Identity::named("Long")),
        ])
    });
    Emulator::start_local(Config {
        session_timeout: timeout,
        tls: Some(identity),
        tokens,
        ..Config::default()
    })
    .unwrap()
}

fn https(emu: &Emulator) -> String {
    format!("https://{}", emu.addr())
}

/// Connects with options set by `configure`; the status and the handle.
fn try_connect(
    address: &str,
    configure: impl FnOnce(*mut mesh_options),
) -> (mesh_status, *mut mesh_connection) {
    let mut options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut options) }, MESH_OK);
    configure(options);
    let mut conn = ptr::null_mut();
    let status = unsafe { mesh_connection_open(c(address).as_ptr(), options, &mut conn) };
    check(mesh_options_free(options), MESH_OK);
    (status, conn)
}

fn with_root(pem: &str) -> impl FnOnce(*mut mesh_options) + '_ {
    move |o| {
        check(
            unsafe { mesh_options_set_tls_root_certificate_pem(o, c(pem).as_ptr()) },
            MESH_OK,
        )
    }
}

fn with_root_and_token<'a>(pem: &'a str, token: &'a str) -> impl FnOnce(*mut mesh_options) + 'a {
    move |o| {
        check(
            unsafe { mesh_options_set_tls_root_certificate_pem(o, c(pem).as_ptr()) },
            MESH_OK,
        );
        check(
            unsafe { mesh_options_set_access_token(o, c(token).as_ptr()) },
            MESH_OK,
        );
    }
}

#[test]
fn tls_with_the_right_root_works_from_text_and_file() {
    let emu = tls_emulator(
        server_cert(&CA, &["localhost", "127.0.0.1"], false),
        false,
        Duration::from_secs(300),
    );
    let (status, conn) = try_connect(&https(&emu), with_root(&CA.pem));
    check(status, MESH_OK);
    let session = open(conn);
    check(mesh_session_commit(session), MESH_OK);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);

    let file = std::env::temp_dir().join(format!("mesh-capi-root-{}.pem", std::process::id()));
    std::fs::write(&file, &CA.pem).unwrap();
    let path = file.to_str().unwrap().to_owned();
    // A bare host:port with a TLS option set means TLS; "localhost" is checked.
    let address = format!("localhost:{}", emu.addr().port());
    let (status, conn) = try_connect(&address, |o| {
        check(
            unsafe { mesh_options_set_tls_root_certificate_file(o, c(&path).as_ptr()) },
            MESH_OK,
        )
    });
    check(status, MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
    std::fs::remove_file(&file).unwrap();

    let (status, _) = try_connect(&https(&emu), |o| {
        check(
            unsafe {
                mesh_options_set_tls_root_certificate_file(o, c("/nonexistent/root.pem").as_ptr())
            },
            MESH_OK,
        )
    });
    check(status, MESH_ERROR_INVALID_ARGUMENT);
    assert!(
        last_error().contains("/nonexistent/root.pem"),
        "{}",
        last_error()
    );
    let (status, _) = try_connect(&https(&emu), with_root("not a certificate"));
    check(status, MESH_ERROR_INVALID_ARGUMENT);
}

#[test]
fn a_wrong_root_gives_a_tls_error_naming_the_issuer_problem() {
    let emu = tls_emulator(
        server_cert(&CA, &["127.0.0.1"], false),
        false,
        Duration::from_secs(300),
    );
    let other = ca("some other CA");
    let (status, conn) = try_connect(&https(&emu), with_root(&other.pem));
    check(status, MESH_ERROR_TLS);
    assert!(conn.is_null());
    assert!(last_error().contains("unknown issuer"), "{}", last_error());
    // The system's roots do not know our test CA either.
    let (status, _) = try_connect(&https(&emu), |_| {});
    check(status, MESH_ERROR_TLS);
    assert!(last_error().contains("unknown issuer"), "{}", last_error());
}

#[test]
fn a_name_mismatch_gives_a_tls_error_unless_the_name_is_overridden() {
    let emu = tls_emulator(
        server_cert(&CA, &["mesh.example"], false),
        false,
        Duration::from_secs(300),
    );
    let (status, _) = try_connect(&https(&emu), with_root(&CA.pem));
    check(status, MESH_ERROR_TLS);
    assert!(
        last_error().contains("does not match the name"),
        "{}",
        last_error()
    );
    let (status, conn) = try_connect(&https(&emu), |o| {
        with_root(&CA.pem)(o);
        check(
            unsafe { mesh_options_set_tls_server_name(o, c("mesh.example").as_ptr()) },
            MESH_OK,
        );
    });
    check(status, MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn an_expired_certificate_gives_a_tls_error() {
    let emu = tls_emulator(
        server_cert(&CA, &["127.0.0.1"], true),
        false,
        Duration::from_secs(300),
    );
    let (status, _) = try_connect(&https(&emu), with_root(&CA.pem));
    check(status, MESH_ERROR_TLS);
    assert!(last_error().contains("expired"), "{}", last_error());
}

#[test]
fn missing_wrong_and_revoked_tokens_are_unauthenticated() {
    let emu = tls_emulator(
        server_cert(&CA, &["127.0.0.1"], false),
        true,
        Duration::from_secs(300),
    );
    let (status, _) = try_connect(&https(&emu), with_root(&CA.pem));
    check(status, MESH_ERROR_UNAUTHENTICATED);
    assert!(
        last_error().contains("missing access token"),
        "{}",
        last_error()
    );

    let (status, _) = try_connect(
        &https(&emu),
        with_root_and_token(&CA.pem, "tok-mallory-secret"),
    );
    check(status, MESH_ERROR_UNAUTHENTICATED);
    assert!(
        !last_error().contains("tok-mallory-secret"),
        "token leaked: {}",
        last_error()
    );

    let (status, conn) = try_connect(&https(&emu), with_root_and_token(&CA.pem, "tok-alice"));
    check(status, MESH_OK);
    let mut identity = ptr::null_mut();
    check(unsafe { mesh_identity_read(conn, &mut identity) }, MESH_OK);
    let mut buf = [0 as c_char; 64];
    check(
        unsafe {
            mesh_identity_display_name(identity, buf.as_mut_ptr(), buf.len(), ptr::null_mut())
        },
        MESH_OK,
    );
    assert_eq!(
        unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap(),
        "Alice"
    );
    check(
        unsafe { mesh_identity_identifier(identity, buf.as_mut_ptr(), buf.len(), ptr::null_mut()) },
        MESH_OK,
    );
    assert_eq!(
        unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap(),
        "alice"
    );
    check(
        unsafe { mesh_identity_source(identity, buf.as_mut_ptr(), buf.len(), ptr::null_mut()) },
        MESH_OK,
    );
    assert_eq!(
        unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap(),
        "mesh-emulator"
    );
    check(mesh_identity_free(identity), MESH_OK);
    check(mesh_identity_free(identity), MESH_ERROR_INVALID_HANDLE);

    let session = open(conn);
    check(
        unsafe { mesh_connection_revoke_access_token(conn, c("tok-alice").as_ptr()) },
        MESH_OK,
    );
    check(mesh_session_commit(session), MESH_ERROR_UNAUTHENTICATED);
    assert!(last_error().contains("revoked"), "{}", last_error());
    assert!(
        !last_error().contains("tok-alice"),
        "token leaked: {}",
        last_error()
    );
    check(mesh_session_close(session), MESH_ERROR_UNAUTHENTICATED);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn tokens_are_refused_over_plain_http2_before_any_request() {
    let emu = emulator(Duration::from_secs(300));
    for address in [emu.addr().to_string(), emu.url()] {
        let (status, conn) = try_connect(&address, |o| {
            check(
                unsafe { mesh_options_set_access_token(o, c("tok-alice").as_ptr()) },
                MESH_OK,
            )
        });
        check(status, MESH_ERROR_INVALID_ARGUMENT);
        assert!(conn.is_null());
        assert!(last_error().contains("plain HTTP/2"), "{}", last_error());
        assert!(!last_error().contains("tok-alice"));
    }
    assert_eq!(emu.calls("GetVersion"), 0, "a request was made");
    let conn = connect(&emu.addr().to_string());
    check(
        unsafe { mesh_connection_set_access_token(conn, c("tok-alice").as_ptr()) },
        MESH_ERROR_INVALID_ARGUMENT,
    );
    check(
        unsafe { mesh_connection_set_access_token(conn, ptr::null()) },
        MESH_OK,
    );
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn keepalive_carries_on_across_a_token_replacement() {
    let emu = tls_emulator(
        server_cert(&CA, &["127.0.0.1"], false),
        true,
        Duration::from_secs(1),
    );
    let (status, conn) = try_connect(&https(&emu), with_root_and_token(&CA.pem, "tok-alice"));
    check(status, MESH_OK);
    let session = open(conn);
    // The new token replaces the old, which is then revoked at the server.
    check(
        unsafe { mesh_connection_set_access_token(conn, c("tok-bob").as_ptr()) },
        MESH_OK,
    );
    check(
        unsafe { mesh_connection_revoke_access_token(conn, c("tok-alice").as_ptr()) },
        MESH_OK,
    );
    let extends = emu.calls("ExtendSession");
    // Idle for three server timeouts: only keep-alive, with the new token,
    // can keep the session.
    std::thread::sleep(Duration::from_millis(3000));
    assert!(emu.calls("ExtendSession") >= extends + 4);
    assert!(!is_expired(session));
    check(mesh_session_commit(session), MESH_OK);
    // The old token is really dead.
    let (status, _) = try_connect(&https(&emu), with_root_and_token(&CA.pem, "tok-alice"));
    check(status, MESH_ERROR_UNAUTHENTICATED);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

static PROVIDED: AtomicUsize = AtomicUsize::new(0);

/// Hands out tok-alice, then the long token, then tok-bob.
unsafe extern "C" fn provider(
    user_data: *mut c_void,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> i32 {
    assert_eq!(user_data as usize, 0x5eed);
    let n = PROVIDED.load(Ordering::SeqCst);
    let token: &str = match n {
        0 => "tok-alice",
        1 => &LONG_TOKEN,
        _ => "tok-bob",
    };
    unsafe { *len_out = token.len() };
    if cap <= token.len() {
        return MESH_ERROR_BUFFER_TOO_SMALL as i32;
    }
    unsafe {
        ptr::copy_nonoverlapping(token.as_ptr(), buf.cast(), token.len());
        *buf.add(token.len()) = 0;
    }
    PROVIDED.fetch_add(1, Ordering::SeqCst);
    MESH_OK as i32
}

#[test]
fn the_token_provider_is_asked_when_needed_and_the_call_retried_once() {
    let emu = tls_emulator(
        server_cert(&CA, &["127.0.0.1"], false),
        true,
        Duration::from_secs(300),
    );
    let (status, conn) = try_connect(&https(&emu), |o| {
        with_root(&CA.pem)(o);
        check(
            mesh_options_set_token_provider(o, Some(provider), 0x5eed as *mut c_void),
            MESH_OK,
        );
    });
    check(status, MESH_OK);
    assert_eq!(PROVIDED.load(Ordering::SeqCst), 1, "asked once, at connect");
    let session = open(conn);
    check(mesh_session_commit(session), MESH_OK);
    assert_eq!(emu.calls("Commit"), 1);

    // The server stops accepting the token: the next call is rejected once,
    // the provider asked (the long token needs a second, larger buffer), and
    // the call retried with the new token.
    check(
        unsafe { mesh_connection_revoke_access_token(conn, c("tok-alice").as_ptr()) },
        MESH_OK,
    );
    check(mesh_session_commit(session), MESH_OK);
    assert_eq!(PROVIDED.load(Ordering::SeqCst), 2);
    assert_eq!(emu.calls("Commit"), 3, "one rejected, one retried");
    let mut identity = ptr::null_mut();
    check(unsafe { mesh_identity_read(conn, &mut identity) }, MESH_OK);
    let mut buf = [0 as c_char; 16];
    check(
        unsafe {
            mesh_identity_display_name(identity, buf.as_mut_ptr(), buf.len(), ptr::null_mut())
        },
        MESH_OK,
    );
    assert_eq!(
        unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap(),
        "Long"
    );
    check(mesh_identity_free(identity), MESH_OK);

    // Retried once only: when the fresh token is rejected too, the call fails.
    let long = c(&LONG_TOKEN);
    check(
        unsafe { mesh_connection_revoke_access_token(conn, long.as_ptr()) },
        MESH_OK,
    );
    let commits = emu.calls("Commit");
    check(mesh_session_commit(session), MESH_OK);
    assert_eq!(PROVIDED.load(Ordering::SeqCst), 3);
    assert_eq!(emu.calls("Commit"), commits + 2);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}
