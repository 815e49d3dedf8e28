//! The Rust client API used directly, inside the caller's own tokio runtime.

use std::time::Duration;

use crate::common::{emulator, wait_until};
use crate::support::proxy::{Fault, FaultProxy};
use mesh_capi::client::{parse_session_id, ConnectOptions, Connection, ErrorKind};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn open_attach_commit_close() {
    let emu = emulator(Duration::from_secs(300));
    let rt = runtime();
    rt.block_on(async {
        let conn = Connection::connect(&emu.url(), ConnectOptions::default())
            .await
            .unwrap();
        assert_eq!(conn.server_version(), "2.21.0+1");
        assert_eq!(conn.server_name(), "Volue Mesh Server");
        let session = conn.open_session().await.unwrap();
        assert_eq!(session.server_timeout(), Duration::from_secs(300));
        assert_eq!(session.keepalive_interval(), Duration::from_secs(150));
        session.commit().await.unwrap();
        session.rollback().await.unwrap();

        let other = conn.attach_session(session.id()).await.unwrap();
        assert_eq!(other.id(), session.id());
        other.detach();
        assert_eq!(other.commit().await.unwrap_err().kind(), ErrorKind::Closed);

        session.close().await.unwrap();
        assert_eq!(
            session.commit().await.unwrap_err().kind(),
            ErrorKind::Closed
        );
        let gone = conn.attach_session(session.id()).await.unwrap_err();
        assert_eq!(gone.kind(), ErrorKind::SessionNotFound);
        assert!(gone.to_string().contains("not found"), "{gone}");
    });
}

#[test]
fn keepalive_runs_in_the_callers_runtime() {
    let emu = emulator(Duration::from_millis(800));
    let rt = runtime();
    let session = rt.block_on(async {
        let conn = Connection::connect(&emu.url(), ConnectOptions::default())
            .await
            .unwrap();
        conn.open_session().await.unwrap()
    });
    // Learned from the server right after opening, in the background.
    assert!(wait_until(Duration::from_secs(5), || session
        .keepalive_interval()
        == Duration::from_millis(400)));
    std::thread::sleep(Duration::from_millis(2500));
    assert!(!session.is_expired());
    rt.block_on(session.commit()).unwrap();
    // Dropping stops keep-alive (like detach): the server then times it out.
    drop(session);
    assert!(wait_until(Duration::from_secs(5), || emu.open_sessions() == 0));
}

#[test]
fn expiry_hook_runs_once() {
    let emu = emulator(Duration::from_millis(800));
    let rt = runtime();
    let (tx, rx) = std::sync::mpsc::channel();
    let session = rt.block_on(async {
        let conn = Connection::connect(&emu.url(), ConnectOptions::default())
            .await
            .unwrap();
        conn.open_session().await.unwrap()
    });
    session.set_expired_hook(Some(Box::new(move |id| tx.send(id).unwrap())));
    emu.restart().unwrap();
    let id = rx.recv_timeout(Duration::from_secs(5)).expect("hook ran");
    assert_eq!(id, session.id());
    assert!(session.is_expired());
    let e = rt.block_on(session.commit()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SessionExpired);
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "hook ran twice"
    );
}

#[test]
fn errors_carry_kind_message_and_code() {
    assert_eq!(
        parse_session_id("x").unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
    let rt = runtime();
    let e = rt
        .block_on(Connection::connect(
            "http://127.0.0.1:1",
            ConnectOptions {
                access_token: Some("never-over-plain-http2".into()),
                ..ConnectOptions::default()
            },
        ))
        .err()
        .unwrap();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(!e.to_string().contains("never-over-plain-http2"));
    let emu = emulator(Duration::from_secs(300));
    let id = parse_session_id("{00112233-4455-6677-8899-AABBCCDDEEFF}").unwrap();
    let e = rt
        .block_on(async {
            let conn = Connection::connect(&emu.url(), ConnectOptions::default()).await?;
            conn.attach_session(id).await
        })
        .err()
        .unwrap();
    assert_eq!(e.kind(), ErrorKind::SessionNotFound);
    assert_eq!(e.grpc_code(), Some(tonic::Code::Internal));
    // The emulator received the id in Mesh's byte order and echoes it back.
    assert!(
        e.message()
            .contains("{00112233-4455-6677-8899-AABBCCDDEEFF}"),
        "{e}"
    );
}

#[test]
fn closing_a_session_lets_its_keepalive_call_in_flight_finish() {
    // A connection's first session asks for the server's timeout in the
    // background right after opening. Closed while that call is on a slow
    // path, the session must let it finish rather than cancel it (a
    // cancelled request resets its HTTP/2 stream, which servers count
    // against the connection): the connection then knows the timeout, and
    // the next session starts from it instead of the 5-minute default.
    let timeout = Duration::from_secs(7);
    let emu = emulator(timeout);
    let proxy = FaultProxy::start(emu.addr());
    let rt = runtime();
    rt.block_on(async {
        let conn = Connection::connect(
            &format!("http://{}", proxy.addr()),
            ConnectOptions::default(),
        )
        .await
        .unwrap();
        proxy.set(Fault::Slow(Duration::from_millis(150)));
        let first = conn.open_session().await.unwrap();
        // The server has the question; its answer is on its way back.
        assert!(wait_until(Duration::from_secs(5), || emu
            .calls("ExtendSession")
            == 1));
        first.close().await.unwrap();
        // Whatever else is on the way arrives.
        tokio::time::sleep(Duration::from_millis(600)).await;
        proxy.set(Fault::Pass);
        let later = conn.open_session().await.unwrap();
        assert_eq!(later.server_timeout(), timeout);
        later.close().await.unwrap();
    });
    assert_eq!(emu.calls("ExtendSession"), 1);
}

/// Servers limit how many calls one connection may have in flight
/// (HTTP/2's `SETTINGS_MAX_CONCURRENT_STREAMS`, 100 on the emulator as on
/// typical gRPC servers): calls over it wait their turn instead of
/// failing, and those under it reach the server together.
#[test]
fn calls_over_the_servers_stream_limit_wait_their_turn() {
    let emu = emulator(Duration::from_secs(300));
    assert_eq!(
        mesh_emulator::DEFAULT_MAX_CONCURRENT_STREAMS,
        100,
        "the limit this test is about"
    );
    emu.delay_calls("GetUserIdentity", Duration::from_millis(300));
    let rt = runtime();
    let answered = rt.block_on(async {
        let address = format!("http://{}", emu.addr());
        let conn = Connection::connect(&address, ConnectOptions::default())
            .await
            .unwrap();
        let calls: Vec<_> = (0..300)
            .map(|_| {
                let conn = conn.clone();
                tokio::spawn(async move { conn.user_identity().await })
            })
            .collect();
        let mut answered = 0;
        for call in calls {
            call.await.unwrap().unwrap();
            answered += 1;
        }
        answered
    });
    assert_eq!(answered, 300);
    let most = emu.most_calls_in_flight();
    assert!(
        (90..=100).contains(&most),
        "{most} calls were in flight at once at the server"
    );
}
