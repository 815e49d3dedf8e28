//! Kerberos: `AuthenticateKerberos` against a real MIT KDC on 127.0.0.1
//! (`mesh_emulator::test_realm`), with the emulator as the acceptor. A
//! client without mutual authentication gets its bearer token in one leg,
//! one with it in two; replayed, forged, misdirected and expired tickets are
//! refused; tokens work on other calls until they expire or are revoked.
//! Each test runs in a process of its own (see `kerberos_common`), and
//! skips with a note where MIT Kerberos is missing.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mesh_emulator::kerberos::test_initiator::{Initiator, InitiatorOptions};
use mesh_emulator::test_realm::{RealmOptions, TestRealm, REALM};
use mesh_emulator::Identity;

use crate::common::process;
use crate::common::tools::skip;
use crate::common::*;
use crate::kerberos_common::*;

fn alice() -> String {
    format!("{ALICE}@{REALM}")
}

#[test]
fn one_leg_gives_a_bearer_token_that_works_on_other_calls() {
    let realm = kerberos_test!(one_leg_gives_a_bearer_token_that_works_on_other_calls);
    let emu = Emulator::start_local(Config {
        kerberos: Some(mesh_emulator::KerberosConfig::new(realm.keytab())),
        tokens: Some(HashMap::from([(
            "static".to_string(),
            Identity::named("Static User"),
        )])),
        ..Config::default()
    })
    .unwrap();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let e = mesh.config.get_version(()).await.unwrap_err();
        assert_eq!(e.code(), tonic::Code::Unauthenticated, "{e:?}");
        let ap_req = realm.ap_req(SERVICES[0]);
        let (replies, end) = send_all(&mut mesh, vec![ap_req]).await;
        assert!(end.is_none(), "{end:?}");
        assert_eq!(replies.len(), 1, "one leg: {replies:?}");
        let reply = &replies[0];
        assert!(reply.kerberos_token.is_empty(), "no AP-REP unasked");
        assert!(!reply.bearer_token.is_empty());
        assert_eq!(duration(reply), Duration::from_secs(3600), "Mesh's hour");
        let token = reply.bearer_token.clone();

        let who = mesh
            .auth
            .get_user_identity(with_token((), &token))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(who.display_name, alice());
        assert_eq!(who.identifier, alice().to_lowercase());
        assert_eq!(who.source, "kerberos");
        mesh.config
            .get_version(with_token((), &token))
            .await
            .unwrap();
        mesh.session
            .start_session(with_token((), &token))
            .await
            .unwrap();

        // Static tokens still work beside it; made-up ones do not.
        let who = mesh
            .auth
            .get_user_identity(with_token((), "static"))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(who.display_name, "Static User");
        let e = mesh
            .config
            .get_version(with_token((), "made-up"))
            .await
            .unwrap_err();
        assert_eq!(e.code(), tonic::Code::Unauthenticated);
        assert!(e.message().contains("not valid"), "{e:?}");

        // Counted and open to injected failures, as every call.
        emu.inject_failures("AuthenticateKerberos", tonic::Code::Unavailable, 1);
        let (_, end) = send_all(&mut mesh, vec![realm.ap_req(SERVICES[1])]).await;
        assert_eq!(end.unwrap().code(), tonic::Code::Unavailable);
        let second = bearer(&mut mesh, &realm, SERVICES[1]).await;
        assert_ne!(second, token, "every sign-in its own token");
    });
    assert_eq!(emu.calls("AuthenticateKerberos"), 3);
}

#[test]
fn mutual_authentication_takes_two_legs() {
    let realm = kerberos_test!(mutual_authentication_takes_two_legs);
    let emu = realm.emulator(|_| {});
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let mut client = realm.initiator(SERVICES[0], true);
        let mut exchange = Exchange::open(&mut mesh).await.unwrap();
        exchange.send(client.step(None).unwrap()).await;
        assert!(!client.is_complete(), "waits for the AP-REP");
        let ap_rep = exchange.reply().await.unwrap().expect("the AP-REP");
        assert!(!ap_rep.kerberos_token.is_empty());
        assert!(
            ap_rep.bearer_token.is_empty(),
            "no token before the client confirms"
        );
        assert!(ap_rep.token_duration.is_none());
        let last = client.step(Some(&ap_rep.kerberos_token)).unwrap();
        assert!(client.is_complete(), "the server proved itself");
        assert!(last.is_empty());
        exchange.send(last).await;
        let reply = exchange.reply().await.unwrap().expect("the bearer token");
        assert!(reply.kerberos_token.is_empty());
        assert_eq!(duration(&reply), Duration::from_secs(3600));
        assert!(exchange.reply().await.unwrap().is_none(), "the stream ends");
        let who = mesh
            .auth
            .get_user_identity(with_token((), &reply.bearer_token))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(who.display_name, alice());

        // The whole loop, as a client runs it.
        let mut client = realm.initiator(SERVICES[1], true);
        let reply = sign_in(&mut mesh, &mut client).await.unwrap();
        assert!(client.is_complete());
        assert!(!reply.bearer_token.is_empty());

        // A client that goes away after the AP-REP, or answers it with a
        // token, gets no bearer token.
        let mut client = realm.initiator(SERVICES[0], true);
        let mut exchange = Exchange::open(&mut mesh).await.unwrap();
        exchange.send(client.step(None).unwrap()).await;
        let ap_rep = exchange.reply().await.unwrap().unwrap();
        assert!(!ap_rep.kerberos_token.is_empty());
        exchange.finish();
        let e = exchange.reply().await.unwrap_err();
        assert_refused(&e, &["without confirming"], &ap_rep.kerberos_token);

        let mut client = realm.initiator(SERVICES[0], true);
        let mut exchange = Exchange::open(&mut mesh).await.unwrap();
        let ap_req = client.step(None).unwrap();
        exchange.send(ap_req.clone()).await;
        exchange.reply().await.unwrap().unwrap();
        exchange.send(ap_req.clone()).await;
        let e = exchange.reply().await.unwrap_err();
        assert_refused(&e, &["empty message"], &ap_req);
    });
}

#[test]
fn a_replayed_ap_req_is_refused() {
    let realm = kerberos_test!(a_replayed_ap_req_is_refused);
    let emu = realm.emulator(|_| {});
    let ap_req = realm.ap_req(SERVICES[0]);
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let (replies, end) = send_all(&mut mesh, vec![ap_req.clone()]).await;
        assert!(end.is_none(), "{end:?}");
        assert!(!replies[0].bearer_token.is_empty());
        let (replies, end) = send_all(&mut mesh, vec![ap_req.clone()]).await;
        assert!(replies.is_empty(), "{replies:?}");
        assert_refused(&end.expect("refused"), &["replay"], &ap_req);
    });
    // The replay cache is a file: a restarted server, or another one with
    // the same key, refuses it too.
    emu.restart().unwrap();
    let other = realm.emulator(|_| {});
    for emu in [&emu, &other] {
        run(async {
            let mut mesh = Mesh::connect(emu).await;
            let (_, end) = send_all(&mut mesh, vec![ap_req.clone()]).await;
            assert_refused(&end.expect("refused"), &["replay"], &ap_req);
        });
    }
}

#[test]
fn forged_and_missing_tokens_are_refused() {
    let realm = kerberos_test!(forged_and_missing_tokens_are_refused);
    let emu = realm.emulator(|_| {});
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let garbage = b"GET / HTTP/1.1 -- not a Kerberos token at all".to_vec();
        let (_, end) = send_all(&mut mesh, vec![garbage.clone()]).await;
        let e = end.expect("refused");
        assert_refused(
            &e,
            &["invalid token", "defective", "unsupported mechanism"],
            &garbage,
        );

        // A real AP-REQ with its encrypted end altered.
        let mut forged = realm.ap_req(SERVICES[0]);
        let n = forged.len();
        for byte in &mut forged[n - 40..n - 20] {
            *byte ^= 0x5a;
        }
        let (_, end) = send_all(&mut mesh, vec![forged.clone()]).await;
        let e = end.expect("refused");
        assert_refused(&e, &["integrity", "invalid", "defective"], &forged);

        // An empty token: SPNEGO (which MIT accepts beside plain Kerberos)
        // answers with the mechanisms it takes, then waits for a token.
        let (replies, end) = send_all(&mut mesh, vec![Vec::new()]).await;
        assert!(replies.iter().all(|r| r.bearer_token.is_empty()));
        assert_refused(&end.expect("refused"), &["before it completed"], &[]);

        let (replies, end) = send_all(&mut mesh, Vec::new()).await;
        assert!(replies.is_empty());
        assert_refused(&end.expect("refused"), &["before it completed"], &[]);

        // None of that broke anything.
        let token = bearer(&mut mesh, &realm, SERVICES[0]).await;
        mesh.config
            .get_version(with_token((), &token))
            .await
            .unwrap();
    });
}

#[test]
fn a_ticket_for_another_service_is_refused() {
    let realm = kerberos_test!(a_ticket_for_another_service_is_refused);
    let any = realm.emulator(|_| {});
    let only_mesh = realm.emulator(|k| k.service_principal = Some("mesh/localhost".into()));
    run(async {
        // The KDC knows the service, but the keytab has no key for it.
        let mut mesh = Mesh::connect(&any).await;
        let ap_req = realm.ap_req(OUTSIDER);
        let (_, end) = send_all(&mut mesh, vec![ap_req.clone()]).await;
        let e = end.expect("refused");
        assert_refused(&e, &["key table", "keytab", "principal"], &ap_req);

        // An emulator for one service refuses tickets for the keytab's
        // others.
        let mut mesh = Mesh::connect(&only_mesh).await;
        let ap_req = realm.ap_req("HTTP/localhost");
        let (_, end) = send_all(&mut mesh, vec![ap_req.clone()]).await;
        let e = end.expect("refused");
        assert_refused(&e, &["wrong principal", "cannot decrypt ticket"], &ap_req);
        let token = bearer(&mut mesh, &realm, "mesh/localhost").await;
        mesh.config
            .get_version(with_token((), &token))
            .await
            .unwrap();
    });
}

#[test]
fn an_ap_req_whose_ticket_has_expired_is_refused() {
    let realm = kerberos_test!(
        an_ap_req_whose_ticket_has_expired_is_refused,
        Setup {
            realm: RealmOptions {
                clock_skew_secs: Some(1),
            },
            ticket_lifetime: Some("3s"),
        }
    );
    let emu = realm.emulator(|_| {});
    let ap_req = realm.ap_req(SERVICES[0]);
    // Past the ticket's end and the skew allowed: a moment known in
    // advance, so waited for, not polled.
    std::thread::sleep(Duration::from_secs(5));
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let (_, end) = send_all(&mut mesh, vec![ap_req.clone()]).await;
        let e = end.expect("refused");
        assert_refused(&e, &["ticket expired"], &ap_req);
    });
    // Nor will the client make another from it.
    let mut client = realm.initiator(SERVICES[0], false);
    let e = client.step(None).unwrap_err();
    assert!(e.to_string().contains("Ticket expired"), "{e}");
}

#[test]
fn issued_tokens_expire() {
    let realm = kerberos_test!(issued_tokens_expire);
    let lifetime = Duration::from_millis(1500);
    let emu = realm.emulator(|k| k.token_lifetime = lifetime);
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let mut client = realm.initiator(SERVICES[0], false);
        let signed_in = Instant::now();
        let reply = sign_in(&mut mesh, &mut client).await.unwrap();
        assert_eq!(duration(&reply), lifetime);
        let token = reply.bearer_token;
        mesh.config
            .get_version(with_token((), &token))
            .await
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let e = loop {
            match mesh.config.get_version(with_token((), &token)).await {
                Ok(_) => {
                    assert!(Instant::now() < deadline, "the token never expired");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => break e,
            }
        };
        assert!(signed_in.elapsed() >= lifetime, "expired early");
        assert_eq!(e.code(), tonic::Code::Unauthenticated);
        assert!(e.message().contains("expired"), "{e:?}");
        // Signing in again gives a token that works.
        let token = bearer(&mut mesh, &realm, SERVICES[0]).await;
        mesh.config
            .get_version(with_token((), &token))
            .await
            .unwrap();
    });
}

#[test]
fn revoked_tokens_are_refused_and_tokens_outlive_a_restart() {
    let realm = kerberos_test!(revoked_tokens_are_refused_and_tokens_outlive_a_restart);
    let emu = realm.emulator(|_| {});
    let (kept, revoked) = run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let kept = bearer(&mut mesh, &realm, SERVICES[0]).await;
        let revoked = bearer(&mut mesh, &realm, SERVICES[0]).await;
        mesh.auth
            .revoke_access_token(with_token(revoked.clone(), &kept))
            .await
            .unwrap();
        let e = mesh
            .config
            .get_version(with_token((), &revoked))
            .await
            .unwrap_err();
        assert_eq!(e.code(), tonic::Code::Unauthenticated);
        assert!(e.message().contains("revoked"), "{e:?}");
        mesh.config
            .get_version(with_token((), &kept))
            .await
            .unwrap();
        (kept, revoked)
    });
    emu.restart().unwrap();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        mesh.config
            .get_version(with_token((), &kept))
            .await
            .unwrap();
        let e = mesh
            .config
            .get_version(with_token((), &revoked))
            .await
            .unwrap_err();
        assert_eq!(e.code(), tonic::Code::Unauthenticated, "still refused");
    });
}

#[test]
fn the_initiator_can_name_its_user_and_cache() {
    let realm = kerberos_test!(the_initiator_can_name_its_user_and_cache);
    let emu = realm.emulator(|_| {});
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        // KRB5CCNAME (alice's cache) as the default credential.
        let mut client = Initiator::new(SERVICES[0], &InitiatorOptions::default()).unwrap();
        let reply = sign_in(&mut mesh, &mut client).await.unwrap();
        assert!(!reply.bearer_token.is_empty());
        let mut client = Initiator::new(
            SERVICES[0],
            &InitiatorOptions {
                user: Some(alice()),
                ..InitiatorOptions::default()
            },
        )
        .unwrap();
        let reply = sign_in(&mut mesh, &mut client).await.unwrap();
        assert!(!reply.bearer_token.is_empty());
    });
    // A cache without tickets gives no client context.
    let empty = InitiatorOptions {
        ccache: Some(realm.dir.join("nobody.ccache")),
        ..InitiatorOptions::default()
    };
    let outcome = Initiator::new(SERVICES[0], &empty).and_then(|mut c| c.step(None));
    assert!(outcome.is_err());
}

/// The binary refuses Kerberos options it cannot use, before it listens.
#[test]
fn the_binary_refuses_a_keytab_it_cannot_use() {
    let missing = std::env::temp_dir().join("mesh-emulator-no-such.keytab");
    let cases: [(&[&str], &str); 4] = [
        (
            &["--kerberos-keytab", missing.to_str().unwrap()],
            "mesh-emulator-no-such.keytab",
        ),
        (
            &["--kerberos-principal", "HTTP/localhost"],
            "need --kerberos-keytab",
        ),
        (
            &["--kerberos-keytab", "x", "--kerberos-token-lifetime", "0"],
            "--kerberos-token-lifetime 0",
        ),
        (
            &[
                "--kerberos-keytab",
                "x",
                "--kerberos-token-lifetime",
                "soon",
            ],
            "--kerberos-token-lifetime soon",
        ),
    ];
    for (args, words) in cases {
        let out = Command::new(env!("CARGO_BIN_EXE_mesh-emulator"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "never listened: {args:?}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_mesh-emulator"))
        .args(["--kerberos-keytab", missing.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("No such file"), "{stderr}");
}

/// An emulator without Kerberos configured says so; a keytab that exists
/// but holds no key for the named service fails the start.
#[test]
fn a_service_the_keytab_lacks_fails_the_start() {
    if !kerberos_available() {
        return;
    }
    let realm = TestRealm::start(RealmOptions::default()).unwrap();
    realm.add_principal("HTTP/localhost", None).unwrap();
    let keytab = realm.dir().join("mesh.keytab");
    realm.export_keytab(&["HTTP/localhost"], &keytab).unwrap();
    let e = Emulator::start_local(Config {
        kerberos: Some(mesh_emulator::KerberosConfig {
            service_principal: Some(format!("mesh/localhost@{REALM}")),
            ..mesh_emulator::KerberosConfig::new(&keytab)
        }),
        ..Config::default()
    })
    .err()
    .expect("refused");
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("mesh/localhost"), "{e}");
    // An empty keytab is no better.
    let empty = realm.dir().join("empty.keytab");
    std::fs::write(&empty, b"").unwrap();
    let e = Emulator::start_local(Config {
        kerberos: Some(mesh_emulator::KerberosConfig::new(&empty)),
        ..Config::default()
    })
    .err()
    .expect("refused");
    assert!(e.to_string().contains("empty.keytab"), "{e}");
}

#[test]
fn the_test_realm_restarts_its_kdc_and_cleans_up() {
    if let Some(missing) = TestRealm::missing_tools() {
        skip(&format!("Kerberos tests: {missing}"));
        return;
    }
    let mut realm = TestRealm::start(RealmOptions::default()).unwrap();
    let dir = realm.dir().to_path_buf();
    realm.add_principal("alice", Some("pw")).unwrap();
    let e = realm.add_principal("alice", Some("pw")).unwrap_err();
    assert!(e.to_string().contains("already exists"), "{e}");
    let ccache = dir.join("alice.ccache");
    let e = realm.kinit("alice", "wrong", &ccache, None).unwrap_err();
    assert!(e.to_string().contains("Password incorrect"), "{e}");
    realm.kinit("alice", "pw", &ccache, None).unwrap();
    let port = realm.kdc_port();
    realm.stop_kdc();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    let e = realm.kinit("alice", "pw", &ccache, None).unwrap_err();
    assert!(e.to_string().contains("kinit alice failed"), "{e}");
    realm.start_kdc().unwrap();
    assert_eq!(realm.kdc_port(), port);
    realm.kinit("alice", "pw", &ccache, None).unwrap();
    realm.kdestroy(&ccache).unwrap();
    assert!(!ccache.exists());
    let config = std::fs::read_to_string(realm.krb5_config()).unwrap();
    assert!(
        config.contains(&format!("kdc = 127.0.0.1:{port}")),
        "{config}"
    );
    drop(realm);
    assert!(!dir.exists(), "the folder is removed");
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

/// `mesh-test-realm DIR` and `mesh-emulator --kerberos-keytab`, as a person
/// uses them: the printed exports and arguments are enough to sign in.
#[test]
fn the_realm_binary_and_the_emulator_binary_work_together() {
    const TEST: &str = concat!(
        module_path!(),
        "::the_realm_binary_and_the_emulator_binary_work_together"
    );
    const DIR: &str = "MESH_EMULATOR_IT_REALM";
    if process::is_child(TEST) {
        let dir = std::path::PathBuf::from(std::env::var_os(DIR).unwrap());
        let mut child = Command::new(env!("CARGO_BIN_EXE_mesh-emulator"))
            .args(["--listen", "127.0.0.1:0", "--kerberos-keytab"])
            .arg(dir.join("mesh.keytab"))
            .args([
                "--kerberos-principal",
                "HTTP/localhost",
                "--kerberos-token-lifetime",
                "2.5",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let outcome = std::panic::catch_unwind(|| {
            let address = line
                .trim()
                .strip_prefix("mesh-emulator listening on ")
                .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
            run(async {
                let mut mesh = Mesh::connect_url(&format!("http://{address}")).await;
                // The default cache: KRB5CCNAME from the printed exports.
                let mut client =
                    Initiator::new("HTTP/localhost", &InitiatorOptions::default()).unwrap();
                let reply = sign_in(&mut mesh, &mut client).await.unwrap();
                assert_eq!(duration(&reply), Duration::from_millis(2500));
                let who = mesh
                    .auth
                    .get_user_identity(with_token((), &reply.bearer_token))
                    .await
                    .unwrap()
                    .into_inner();
                assert_eq!(who.display_name, alice());
                // Only HTTP/localhost, though the keytab has the others.
                let mut client = Initiator::new("meshsvc", &InitiatorOptions::default()).unwrap();
                let e = sign_in(&mut mesh, &mut client).await.unwrap_err();
                assert_eq!(e.code(), tonic::Code::Unauthenticated);
            })
        });
        child.kill().unwrap();
        child.wait().unwrap();
        outcome.unwrap();
        return;
    }
    if !kerberos_available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("mesh-test-realm-bin-{}", std::process::id()));
    let mut realm = Command::new(env!("CARGO_BIN_EXE_mesh-test-realm"))
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut env = vec![(DIR.to_string(), dir.clone().into_os_string())];
    let mut port = None;
    let mut printed = String::new();
    for line in BufReader::new(realm.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        printed.push_str(&line);
        printed.push('\n');
        if line == "ready" {
            break;
        }
        if let Some((key, value)) = line.strip_prefix("export ").and_then(|l| l.split_once('=')) {
            env.push((key.to_string(), value.into()));
        }
        if let Some(rest) = line.split_once("127.0.0.1:") {
            port = rest.1.split_whitespace().next().map(str::to_string);
        }
    }
    let outcome = std::panic::catch_unwind(|| {
        assert!(printed.ends_with("ready\n"), "{printed}");
        for key in ["KRB5_CONFIG", "KRB5CCNAME", "KRB5RCACHEDIR"] {
            assert!(env.iter().any(|(k, _)| *k == key), "{key}: {printed}");
        }
        assert!(printed.contains("--kerberos-keytab"), "{printed}");
        assert!(dir.join("mesh.keytab").is_file());
        process::run_child(TEST, &env);
    });
    realm.kill().unwrap();
    realm.wait().unwrap();
    // Its KDC goes with it.
    let port: u16 = port.expect("the KDC's port").parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(
            Instant::now() < deadline,
            "the KDC outlived mesh-test-realm"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = std::fs::remove_dir_all(&dir);
    outcome.unwrap();
}
