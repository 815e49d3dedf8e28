//! Helpers for the Kerberos tests: a throwaway realm (`MESH.TEST`, MIT's
//! KDC on 127.0.0.1) made by the parent test process, which then runs the
//! test alone in a child process with the realm's environment; the child
//! starts the emulator with the realm's keytab and signs in with the test
//! initiator over the generated client.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use mesh_emulator::kerberos::test_initiator::{Initiator, InitiatorOptions};
use mesh_emulator::proto::auth::AuthenticateKerberosResponse;
use mesh_emulator::test_realm::{RealmOptions, TestRealm};
use mesh_emulator::KerberosConfig;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use crate::common::process;
use crate::common::tools::skip;
use crate::common::*;

pub const ALICE: &str = "alice";
pub const ALICE_PASSWORD: &str = "alice-password";
/// The services of the keytab.
pub const SERVICES: [&str; 2] = ["HTTP/localhost", "mesh/localhost"];
/// A service the KDC knows but the keytab does not hold.
pub const OUTSIDER: &str = "other/localhost";

/// Tells the child process where the realm is.
const REALM_DIR: &str = "MESH_EMULATOR_IT_REALM";

/// How a test's realm is made.
#[derive(Default)]
pub struct Setup {
    pub realm: RealmOptions,
    /// kinit's `-l` for alice's ticket (default: the realm's ten hours).
    pub ticket_lifetime: Option<&'static str>,
}

/// The realm as the child sees it.
pub struct Realm {
    pub dir: PathBuf,
}

impl Realm {
    pub fn keytab(&self) -> PathBuf {
        self.dir.join("mesh.keytab")
    }

    pub fn ccache(&self) -> PathBuf {
        self.dir.join("alice.ccache")
    }

    /// An emulator accepting tickets for any service of the keytab, with
    /// `change` made to its Kerberos configuration.
    pub fn emulator(&self, change: impl FnOnce(&mut KerberosConfig)) -> Emulator {
        let mut kerberos = KerberosConfig::new(self.keytab());
        change(&mut kerberos);
        Emulator::start_local(Config {
            kerberos: Some(kerberos),
            ..Config::default()
        })
        .expect("start the emulator with Kerberos")
    }

    /// Alice's client context towards `service`.
    pub fn initiator(&self, service: &str, mutual: bool) -> Initiator {
        Initiator::new(
            service,
            &InitiatorOptions {
                ccache: Some(self.ccache()),
                user: None,
                mutual,
            },
        )
        .expect("a client context")
    }

    /// Alice's first token (the AP-REQ) for `service`, without mutual
    /// authentication.
    pub fn ap_req(&self, service: &str) -> Vec<u8> {
        let mut client = self.initiator(service, false);
        let token = client.step(None).expect("the AP-REQ");
        assert!(
            client.is_complete(),
            "one leg without mutual authentication"
        );
        token
    }
}

/// In the child process made for `test`: the realm. In the parent: skips
/// (where MIT Kerberos is missing) or makes the realm, runs `test` alone in
/// a child with its environment, and returns `None`: return at once.
pub fn realm(test: &str, setup: Setup) -> Option<Realm> {
    if process::is_child(test) {
        let dir = std::env::var_os(REALM_DIR).expect("the realm's folder");
        return Some(Realm { dir: dir.into() });
    }
    if !kerberos_available() {
        return None;
    }
    let realm = TestRealm::start(setup.realm).expect("start the test realm");
    realm
        .add_principal(ALICE, Some(ALICE_PASSWORD))
        .expect("add alice");
    for service in SERVICES.iter().chain([&OUTSIDER]) {
        realm.add_principal(service, None).expect("add a service");
    }
    let keytab = realm.dir().join("mesh.keytab");
    realm.export_keytab(&SERVICES, &keytab).expect("the keytab");
    let ccache = realm.dir().join("alice.ccache");
    realm
        .kinit(ALICE, ALICE_PASSWORD, &ccache, setup.ticket_lifetime)
        .expect("alice's ticket");
    let mut env = realm.env();
    env.push(("KRB5CCNAME", ccache_name(&ccache)));
    env.push((REALM_DIR, realm.dir().as_os_str().to_owned()));
    process::run_child(test, &env);
    None
}

/// Whether the realm's tools and the GSSAPI library are here (a skip note
/// where not).
pub fn kerberos_available() -> bool {
    if let Some(missing) = TestRealm::missing_tools() {
        skip(&format!("Kerberos tests: {missing}"));
        return false;
    }
    if let Err(e) = mesh_emulator::kerberos::available() {
        skip(&format!("Kerberos tests: {e}"));
        return false;
    }
    true
}

pub fn ccache_name(path: &std::path::Path) -> OsString {
    let mut name = OsString::from("FILE:");
    name.push(path);
    name
}

/// The start of a Kerberos test: `let realm = kerberos_test!(name);` in
/// the child, a return in the parent.
macro_rules! kerberos_test {
    ($name:ident) => {
        kerberos_test!($name, $crate::kerberos_common::Setup::default())
    };
    ($name:ident, $setup:expr) => {
        match $crate::kerberos_common::realm(
            concat!(module_path!(), "::", stringify!($name)),
            $setup,
        ) {
            Some(realm) => realm,
            None => return,
        }
    };
}
pub(crate) use kerberos_test;

/// One `AuthenticateKerberos` stream, driven a message at a time.
pub struct Exchange {
    tx: Option<mpsc::Sender<Vec<u8>>>,
    replies: tonic::Streaming<AuthenticateKerberosResponse>,
}

impl Exchange {
    pub async fn open(mesh: &mut Mesh) -> Result<Exchange, tonic::Status> {
        let (tx, rx) = mpsc::channel(4);
        let replies = mesh
            .auth
            .authenticate_kerberos(ReceiverStream::new(rx))
            .await?
            .into_inner();
        Ok(Exchange {
            tx: Some(tx),
            replies,
        })
    }

    pub async fn send(&mut self, token: Vec<u8>) {
        let tx = self.tx.as_ref().expect("the stream is open");
        tx.send(token).await.expect("send a token");
    }

    /// Ends the client's side of the stream.
    pub fn finish(&mut self) {
        self.tx = None;
    }

    /// The server's next message (`None`: it ended the stream).
    pub async fn reply(&mut self) -> Result<Option<AuthenticateKerberosResponse>, tonic::Status> {
        self.replies.message().await
    }
}

/// Sends `tokens` on one stream and ends it; returns what came back, and
/// the status that ended it if it was not OK.
pub async fn send_all(
    mesh: &mut Mesh,
    tokens: Vec<Vec<u8>>,
) -> (Vec<AuthenticateKerberosResponse>, Option<tonic::Status>) {
    let replies = match mesh
        .auth
        .authenticate_kerberos(tokio_stream::iter(tokens))
        .await
    {
        Ok(r) => r,
        Err(status) => return (Vec::new(), Some(status)),
    };
    let mut replies = replies.into_inner();
    let mut got = Vec::new();
    loop {
        match replies.message().await {
            Ok(Some(reply)) => got.push(reply),
            Ok(None) => return (got, None),
            Err(status) => return (got, Some(status)),
        }
    }
}

/// Signs in as a client does: the initiator's tokens out, the server's
/// back, until a bearer token comes. Returns the last reply.
pub async fn sign_in(
    mesh: &mut Mesh,
    client: &mut Initiator,
) -> Result<AuthenticateKerberosResponse, tonic::Status> {
    let mut exchange = Exchange::open(mesh).await?;
    let mut token = client.step(None).expect("the first token");
    loop {
        exchange.send(token).await;
        let reply = exchange
            .reply()
            .await?
            .expect("a reply before the stream ends");
        if !reply.bearer_token.is_empty() {
            return Ok(reply);
        }
        token = client
            .step(Some(&reply.kerberos_token))
            .expect("the client takes the server's token");
    }
}

/// A bearer token from alice's one-leg sign-in for `service`.
pub async fn bearer(mesh: &mut Mesh, realm: &Realm, service: &str) -> String {
    let mut client = realm.initiator(service, false);
    sign_in(mesh, &mut client)
        .await
        .expect("sign in")
        .bearer_token
}

/// `message` with `authorization: Bearer token`.
pub fn with_token<T>(message: T, token: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("a header value"),
    );
    request
}

/// Asserts a refusal is UNAUTHENTICATED, says `words` (any of them, any
/// case), and repeats no token bytes.
#[track_caller]
pub fn assert_refused(status: &tonic::Status, words: &[&str], token: &[u8]) {
    assert_eq!(status.code(), tonic::Code::Unauthenticated, "{status:?}");
    let message = status.message().to_lowercase();
    assert!(
        words.iter().any(|w| message.contains(&w.to_lowercase())),
        "{words:?} not in {message:?}"
    );
    assert!(
        message.chars().all(|c| !c.is_control()),
        "no raw bytes: {message:?}"
    );
    if token.len() >= 8 {
        let hex: String = token[..8].iter().map(|b| format!("{b:02x}")).collect();
        assert!(!message.contains(&hex), "no token in {message:?}");
    }
}

/// A token's lifetime as the reply gives it.
pub fn duration(reply: &AuthenticateKerberosResponse) -> Duration {
    let d = reply.token_duration.expect("a token duration");
    Duration::new(d.seconds as u64, d.nanos as u32)
}
