//! Kerberos sign-in through the C API against a real MIT KDC on 127.0.0.1
//! (a throwaway realm, `mesh_emulator::test_realm`) and the emulator as the
//! Kerberos acceptor over TLS. Each test runs in a process of its own: the
//! platform's Kerberos reads `KRB5_CONFIG` and `KRB5CCNAME` from the
//! environment, which a test can only set where nothing else runs.
//! Where the KDC's programs are missing, or the library was built without
//! the `kerberos` feature, the tests skip with a note.

use std::path::Path;
use std::ptr;
use std::time::{Duration, Instant};

use crate::common::kerberos::{ccache_name, Setup, ALICE_PASSWORD};
use crate::common::process::own_process;
use crate::common::tls::server_cert;
use crate::common::*;
use mesh_emulator::test_realm::{RealmOptions, REALM};
use mesh_status::*;

/// Connects to `address` trusting `root`, signing in with Kerberos.
fn connect_kerberos(
    address: &str,
    root: &Path,
    service: &str,
    user: Option<&str>,
    flags: u32,
    connect_timeout_ms: u32,
) -> Result<*mut mesh_connection, mesh_status> {
    let mut options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut options) }, MESH_OK);
    let root = c(root.to_str().unwrap());
    check(
        unsafe { mesh_options_set_tls_root_certificate_file(options, root.as_ptr()) },
        MESH_OK,
    );
    check(
        mesh_options_set_connect_timeout_ms(options, connect_timeout_ms),
        MESH_OK,
    );
    let user = user.map(c);
    check(
        unsafe {
            mesh_options_set_kerberos(
                options,
                c(service).as_ptr(),
                user.as_ref().map_or(ptr::null(), |u| u.as_ptr()),
                flags,
            )
        },
        MESH_OK,
    );
    let mut connection = ptr::null_mut();
    let status = unsafe { mesh_connection_open(c(address).as_ptr(), options, &mut connection) };
    check(mesh_options_free(options), MESH_OK);
    match status {
        MESH_OK => Ok(connection),
        status => {
            assert!(connection.is_null());
            Err(status)
        }
    }
}

fn display_name(connection: *mut mesh_connection) -> Result<String, mesh_status> {
    let mut identity = ptr::null_mut();
    match unsafe { mesh_identity_read(connection, &mut identity) } {
        MESH_OK => {}
        status => return Err(status),
    }
    let mut buf = [0 as std::ffi::c_char; 256];
    check(
        unsafe {
            mesh_identity_display_name(identity, buf.as_mut_ptr(), buf.len(), ptr::null_mut())
        },
        MESH_OK,
    );
    check(mesh_identity_free(identity), MESH_OK);
    Ok(unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned())
}

/// A failed connect: its status and message, and that it came within the
/// connect timeout.
fn refused(
    setup_address: &str,
    root: &Path,
    service: &str,
    user: Option<&str>,
    timeout_ms: u32,
) -> (mesh_status, String) {
    let started = Instant::now();
    let status = connect_kerberos(setup_address, root, service, user, 0, timeout_ms)
        .expect_err("the sign-in was to fail");
    let message = last_error();
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(u64::from(timeout_ms) + 1500),
        "took {took:?} with a connect timeout of {timeout_ms} ms: {message}"
    );
    assert!(!message.contains("Bearer"), "{message}");
    eprintln!(
        "{service}: {} after {took:.1?}: {message}",
        status_name(status)
    );
    (status, message)
}

/// Signs in as alice (the default credentials) for `HTTP/localhost`.
fn sign_in(setup: &Setup) -> *mut mesh_connection {
    connect_kerberos(
        &setup.address(),
        &setup.root,
        "HTTP/localhost",
        None,
        0,
        10_000,
    )
    .unwrap_or_else(|s| panic!("{}: {}", status_name(s), last_error()))
}

fn alice() -> String {
    format!("alice@{REALM}")
}

#[test]
fn signs_in_keeps_the_token_fresh_and_revokes_it() {
    own_process!(signs_in_keeps_the_token_fresh_and_revokes_it);
    let lifetime = Duration::from_secs(3);
    let Some(setup) = Setup::start(lifetime, RealmOptions::default()) else {
        return;
    };
    let conn = sign_in(&setup);
    assert_eq!(display_name(conn).unwrap(), alice());
    assert_eq!(setup.emu.calls("AuthenticateKerberos"), 1);
    let session = open(conn);

    // Calls across three lifetimes all succeed: the token is renewed in the
    // background after half its lifetime, before it expires.
    let until = Instant::now() + lifetime * 3;
    let mut calls = 0;
    while Instant::now() < until {
        check(mesh_session_commit(session), MESH_OK);
        calls += 1;
        std::thread::sleep(Duration::from_millis(200));
    }
    let sign_ins = setup.emu.calls("AuthenticateKerberos");
    assert!(
        (3..=8).contains(&sign_ins),
        "{sign_ins} sign-ins for {calls} calls over 9 s of 3 s tokens"
    );
    assert!(!is_expired(session));

    // Revoking the own token: the next call signs in again by itself.
    check(
        unsafe { mesh_connection_revoke_access_token(conn, ptr::null()) },
        MESH_OK,
    );
    let before = setup.emu.calls("AuthenticateKerberos");
    assert_eq!(display_name(conn).unwrap(), alice());
    assert_eq!(setup.emu.calls("AuthenticateKerberos"), before + 1);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn an_expired_token_is_renewed_before_the_call_and_a_refused_one_once() {
    own_process!(an_expired_token_is_renewed_before_the_call_and_a_refused_one_once);
    let lifetime = Duration::from_secs(2);
    let Some(setup) = Setup::start(lifetime, RealmOptions::default()) else {
        return;
    };
    let conn = sign_in(&setup);
    // Idle past the token's lifetime (no call to start a background
    // renewal): the next call waits for a new token and succeeds.
    std::thread::sleep(lifetime + Duration::from_millis(300));
    assert_eq!(display_name(conn).unwrap(), alice());
    assert_eq!(setup.emu.calls("AuthenticateKerberos"), 2);
    // A token the server refuses is renewed once and the call retried.
    setup
        .emu
        .inject_failures("GetUserIdentity", tonic::Code::Unauthenticated, 1);
    assert_eq!(display_name(conn).unwrap(), alice());
    assert_eq!(setup.emu.calls("AuthenticateKerberos"), 3);
    assert_eq!(setup.emu.calls("GetUserIdentity"), 3);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn mutual_authentication_takes_a_second_leg() {
    own_process!(mutual_authentication_takes_a_second_leg);
    let Some(setup) = Setup::start(Duration::from_secs(3600), RealmOptions::default()) else {
        return;
    };
    for flags in [0, MESH_KERBEROS_MUTUAL] {
        let conn = connect_kerberos(
            &setup.address(),
            &setup.root,
            "HTTP/localhost",
            None,
            flags,
            10_000,
        )
        .unwrap_or_else(|s| panic!("flags {flags}: {}: {}", status_name(s), last_error()));
        assert_eq!(display_name(conn).unwrap(), alice());
        check(mesh_connection_close(conn), MESH_OK);
    }
    assert_eq!(setup.emu.calls("AuthenticateKerberos"), 2);
}

#[test]
fn every_principal_form_of_the_official_client_signs_in() {
    own_process!(every_principal_form_of_the_official_client_signs_in);
    let Some(setup) = Setup::start(Duration::from_secs(3600), RealmOptions::default()) else {
        return;
    };
    let services = [
        "HTTP/localhost",
        "HTTP/localhost@MESH.TEST",
        "HTTP@localhost",
        "mesh@localhost",
        "MESH.TEST\\meshsvc",
        "mesh.test\\meshsvc",
        "MESH\\meshsvc",
        "meshsvc",
    ];
    for service in services {
        let conn = connect_kerberos(&setup.address(), &setup.root, service, None, 0, 10_000)
            .unwrap_or_else(|s| panic!("{service}: {}: {}", status_name(s), last_error()));
        assert_eq!(display_name(conn).unwrap(), alice(), "{service}");
        check(mesh_connection_close(conn), MESH_OK);
    }
    let users = [
        "alice@MESH.TEST",
        "alice@mesh.test",
        "MESH.TEST\\alice",
        "MESH\\alice",
        "alice",
    ];
    for user in users {
        let conn = connect_kerberos(
            &setup.address(),
            &setup.root,
            "HTTP/localhost",
            Some(user),
            0,
            10_000,
        )
        .unwrap_or_else(|s| panic!("user {user}: {}: {}", status_name(s), last_error()));
        assert_eq!(display_name(conn).unwrap(), alice(), "{user}");
        check(mesh_connection_close(conn), MESH_OK);
    }
}

#[test]
fn failures_name_their_cause_within_the_connect_timeout() {
    own_process!(failures_name_their_cause_within_the_connect_timeout);
    let Some(mut setup) = Setup::start(Duration::from_secs(3600), RealmOptions::default()) else {
        return;
    };
    let address = setup.address();
    let root = setup.root.as_path();

    let (status, message) = refused(&address, root, "HTTP/nowhere.mesh.test", None, 5_000);
    assert_eq!(status, MESH_ERROR_UNAUTHENTICATED);
    assert!(message.contains("HTTP/nowhere.mesh.test"), "{message}");
    assert!(
        message.contains("not found in Kerberos database"),
        "{message}"
    );

    let (status, message) = refused(
        &address,
        root,
        "HTTP/localhost",
        Some("bob@MESH.TEST"),
        5_000,
    );
    assert_eq!(status, MESH_ERROR_UNAUTHENTICATED);
    assert!(message.contains("bob@MESH.TEST"), "{message}");

    // A server without Kerberos.
    let plain = Emulator::start_local(Config {
        tls: Some(server_cert(&setup.ca, &["localhost"], false)),
        ..Config::default()
    })
    .unwrap();
    let other = format!("https://localhost:{}", plain.addr().port());
    let (status, message) = refused(&other, root, "HTTP/localhost", None, 5_000);
    assert_eq!(status, MESH_ERROR_UNAUTHENTICATED);
    assert!(message.contains("does not take Kerberos"), "{message}");
    assert!(message.contains("HTTP/localhost"), "{message}");

    // No server at all.
    let port = plain.addr().port();
    drop(plain);
    let gone = format!("https://localhost:{port}");
    let (status, _) = refused(&gone, root, "HTTP/localhost", None, 3_000);
    assert_eq!(status, MESH_ERROR_UNAVAILABLE);

    // Over plain HTTP/2 the token would travel in the clear.
    let mut options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut options) }, MESH_OK);
    check(
        unsafe { mesh_options_set_kerberos(options, c("HTTP/localhost").as_ptr(), ptr::null(), 0) },
        MESH_OK,
    );
    let mut conn = ptr::null_mut();
    let plain_address = format!("http://127.0.0.1:{}", setup.emu.addr().port());
    check(
        unsafe { mesh_connection_open(c(&plain_address).as_ptr(), options, &mut conn) },
        MESH_ERROR_INVALID_ARGUMENT,
    );
    check(mesh_options_free(options), MESH_OK);

    // No ticket: an empty credential cache.
    std::env::set_var(
        "KRB5CCNAME",
        ccache_name(&setup.realm.dir().join("empty.ccache")),
    );
    let (status, message) = refused(&address, root, "HTTP/localhost", None, 5_000);
    assert_eq!(status, MESH_ERROR_UNAUTHENTICATED);
    assert!(message.contains("HTTP/localhost"), "{message}");
    assert!(message.contains("credentials"), "{message}");
    assert!(message.contains("empty.ccache"), "{message}");
    // The KDC unreachable: a cache with a ticket but no KDC to ask for the
    // service's ticket.
    std::env::set_var("KRB5CCNAME", ccache_name(&setup.ccache));
    setup.realm.stop_kdc();
    let (status, message) = refused(&address, root, "mesh/localhost", None, 5_000);
    assert_eq!(status, MESH_ERROR_UNAUTHENTICATED);
    assert!(message.contains("KDC"), "{message}");
    assert!(message.contains(REALM), "{message}");
}

#[test]
fn an_expired_ticket_is_refused() {
    own_process!(an_expired_ticket_is_refused);
    let skew = RealmOptions {
        clock_skew_secs: Some(1),
    };
    let Some(setup) = Setup::start(Duration::from_secs(3600), skew) else {
        return;
    };
    let short = setup.realm.dir().join("short.ccache");
    setup
        .realm
        .kinit("alice", ALICE_PASSWORD, &short, Some("3s"))
        .unwrap();
    std::env::set_var("KRB5CCNAME", ccache_name(&short));
    let conn = sign_in(&setup);
    check(mesh_connection_close(conn), MESH_OK);
    std::thread::sleep(Duration::from_secs(5));
    let (status, message) = refused(&setup.address(), &setup.root, "HTTP/localhost", None, 5_000);
    assert_eq!(status, MESH_ERROR_UNAUTHENTICATED);
    assert!(message.contains("expired"), "{message}");
}

#[test]
fn with_the_kdc_stopped_a_cached_ticket_keeps_working() {
    own_process!(with_the_kdc_stopped_a_cached_ticket_keeps_working);
    let lifetime = Duration::from_secs(2);
    let Some(mut setup) = Setup::start(lifetime, RealmOptions::default()) else {
        return;
    };
    let conn = sign_in(&setup);
    setup.realm.stop_kdc();
    // Renewals across two lifetimes use the service ticket in the cache.
    let until = Instant::now() + lifetime * 2;
    while Instant::now() < until {
        assert_eq!(display_name(conn).unwrap(), alice());
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(setup.emu.calls("AuthenticateKerberos") >= 3);
    // A service the cache has no ticket for needs the KDC.
    let (status, message) = refused(&setup.address(), &setup.root, "mesh/localhost", None, 5_000);
    assert_eq!(status, MESH_ERROR_UNAUTHENTICATED);
    assert!(message.contains("KDC"), "{message}");
    assert!(message.contains("mesh/localhost"), "{message}");
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn the_c_example_signs_in_and_again_after_revoking() {
    own_process!(the_c_example_signs_in_and_again_after_revoking);
    let Some(setup) = Setup::start(Duration::from_secs(3600), RealmOptions::default()) else {
        return;
    };
    let exe = crate::common::build("examples-c/kerberos.c");
    let root = setup.root.to_str().unwrap().to_string();
    let out = std::process::Command::new(&exe)
        .args([setup.address().as_str(), &root, "HTTP/localhost"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("signed in with Kerberos as {}\n", alice())),
        "{stdout}"
    );
    assert!(stdout.contains("revoked the Mesh token\n"), "{stdout}");
    assert!(
        stdout.contains(&format!("signed in again as {}\n", alice())),
        "{stdout}"
    );
    // Without a ticket it says why, with the status as its exit code.
    let out = std::process::Command::new(&exe)
        .args([setup.address().as_str(), &root, "HTTP/localhost"])
        .env(
            "KRB5CCNAME",
            ccache_name(&setup.realm.dir().join("none.ccache")),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(MESH_ERROR_UNAUTHENTICATED as i32));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("MESH_ERROR_UNAUTHENTICATED"), "{stderr}");
    assert!(stderr.contains("HTTP/localhost"), "{stderr}");
}

#[test]
fn kerberos_options_are_checked() {
    let mut options = ptr::null_mut();
    check(unsafe { mesh_options_new(&mut options) }, MESH_OK);
    check(
        unsafe { mesh_options_set_kerberos(ptr::null_mut(), c("HTTP/h").as_ptr(), ptr::null(), 0) },
        MESH_ERROR_INVALID_ARGUMENT,
    );
    check(
        unsafe { mesh_options_set_kerberos(options, c("HTTP/h").as_ptr(), ptr::null(), 2) },
        MESH_ERROR_INVALID_ARGUMENT,
    );
    assert!(last_error().contains("flags"), "{}", last_error());
    for bad in ["", " HTTP/h", "a\\b\\c", "s@"] {
        check(
            unsafe { mesh_options_set_kerberos(options, c(bad).as_ptr(), ptr::null(), 0) },
            MESH_ERROR_INVALID_ARGUMENT,
        );
    }
    check(
        unsafe { mesh_options_set_kerberos(options, c("HTTP/h").as_ptr(), c("").as_ptr(), 0) },
        MESH_ERROR_INVALID_ARGUMENT,
    );
    let set = unsafe { mesh_options_set_kerberos(options, c("HTTP/h").as_ptr(), ptr::null(), 0) };
    if mesh_library_has_kerberos() == 0 {
        check(set, MESH_ERROR_INVALID_ARGUMENT);
        assert!(last_error().contains("no Kerberos"), "{}", last_error());
    } else {
        check(set, MESH_OK);
        // Kerberos and an access token are two ways to sign in: one only.
        check(
            unsafe { mesh_options_set_access_token(options, c("t").as_ptr()) },
            MESH_OK,
        );
        let mut conn = ptr::null_mut();
        check(
            unsafe { mesh_connection_open(c("https://127.0.0.1:1").as_ptr(), options, &mut conn) },
            MESH_ERROR_INVALID_ARGUMENT,
        );
        assert!(last_error().contains("one"), "{}", last_error());
        // NULL clears it.
        check(
            unsafe { mesh_options_set_kerberos(options, ptr::null(), ptr::null(), 0) },
            MESH_OK,
        );
    }
    check(mesh_options_free(options), MESH_OK);
}

#[test]
fn a_kdc_that_does_not_answer_fails_the_sign_in_within_the_connect_timeout() {
    own_process!(a_kdc_that_does_not_answer_fails_the_sign_in_within_the_connect_timeout);
    let Some(mut setup) = Setup::start(Duration::from_secs(3600), RealmOptions::default()) else {
        return;
    };
    // The KDC's port taken by a listener that accepts and never answers
    // (a KDC host that hangs, or a firewall that swallows).
    setup.realm.stop_kdc();
    let port = setup.realm.kdc_port();
    let silent = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let _udp = std::net::UdpSocket::bind(("127.0.0.1", port)).unwrap();
    let held = std::thread::spawn(move || {
        let mut kept = Vec::new();
        for stream in silent.incoming().take(4).flatten() {
            kept.push(stream);
        }
        std::thread::sleep(Duration::from_secs(5));
    });
    // mesh/localhost has no ticket in the cache: the KDC is asked.
    let (status, message) = refused(&setup.address(), &setup.root, "mesh/localhost", None, 1_500);
    assert_eq!(status, MESH_ERROR_UNAUTHENTICATED, "{message}");
    assert!(message.contains("mesh/localhost"), "{message}");
    assert!(message.contains("did not answer"), "{message}");
    drop(held);
}

#[test]
fn a_trace_log_of_a_kerberos_sign_in_holds_no_token_and_no_ticket() {
    own_process!(a_trace_log_of_a_kerberos_sign_in_holds_no_token_and_no_ticket);
    check(
        mesh_library_set_log_callback(
            Some(crate::log::collect),
            MESH_LOG_LEVEL_TRACE,
            ptr::null_mut(),
        ),
        MESH_OK,
    );
    let Some(setup) = Setup::start(Duration::from_secs(3600), RealmOptions::default()) else {
        return;
    };
    let conn = sign_in(&setup);
    assert_eq!(display_name(conn).unwrap(), alice());
    let session = open(conn);
    check(mesh_session_commit(session), MESH_OK);
    check(mesh_session_close(session), MESH_OK);
    // Revoking the own token: the next call signs in again, with a new
    // ticket exchange and a new token.
    check(
        unsafe { mesh_connection_revoke_access_token(conn, ptr::null()) },
        MESH_OK,
    );
    assert_eq!(display_name(conn).unwrap(), alice());
    check(mesh_connection_close(conn), MESH_OK);
    check(mesh_library_shutdown(), MESH_OK);

    let log = crate::log::seen_text();
    let tokens = setup.emu.kerberos_tokens_issued();
    let tickets = setup.emu.kerberos_tickets_received();
    assert_eq!(setup.emu.calls("AuthenticateKerberos"), 2);
    assert_eq!(tokens.len(), 2, "{tokens:?}");
    assert!(tickets.len() >= 2, "{} GSSAPI tokens", tickets.len());
    assert!(tickets.iter().all(|t| t.len() > 100), "an AP-REQ is long");
    assert!(log.contains("Kerberos"), "{log}");
    assert!(
        log.contains("the Kerberos sign-in gave a new access token"),
        "{log}"
    );
    assert!(log.lines().count() > 10, "{log}");

    // Every form of every secret, whole.
    let mut secrets: Vec<Vec<u8>> = vec![ALICE_PASSWORD.as_bytes().to_vec()];
    secrets.extend(tokens.iter().map(|t| t.as_bytes().to_vec()));
    secrets.extend(tokens.iter().map(|t| t.replace('-', "").into_bytes()));
    secrets.extend(tickets.iter().cloned());
    let mut forms = 0;
    for secret in &secrets {
        for form in crate::log::encodings(secret) {
            if form.len() < 8 {
                continue;
            }
            forms += 1;
            assert!(
                !log.contains(&form),
                "the log holds a secret as {form:?}:\n{log}"
            );
        }
    }
    // And any part of a ticket: every 16-byte window, in hex (both cases)
    // and base64 (its 20 characters that stand for whole bytes, 15 of
    // them, whatever follows the window).
    let mut windows = 0;
    for ticket in &tickets {
        for window in ticket.windows(16) {
            let encoded = crate::log::encodings(window);
            let (lower, upper, base64) = (&encoded[1], &encoded[2], &encoded[3][..20]);
            for form in [lower.as_str(), upper.as_str(), base64] {
                forms += 1;
                assert!(
                    !log.contains(form),
                    "the log holds 16 bytes of a ticket as {form:?}:\n{log}"
                );
            }
            windows += 1;
        }
    }
    crate::common::tools::note(&format!(
        "kerberos: a trace-level log of a Kerberos sign-in, an identity read, a session opened, committed and closed, the token revoked and a sign-in again: {} lines, {} secrets ({} bearer tokens, {} GSSAPI tokens from the client of {} bytes, alice's password), {forms} forms checked ({windows} 16-byte ticket windows in hex and base64), none found:\n{log}",
        log.lines().count(),
        secrets.len(),
        tokens.len(),
        tickets.len(),
        tickets.iter().map(Vec::len).map(|n| n.to_string()).collect::<Vec<_>>().join(", "),
    ));
}
