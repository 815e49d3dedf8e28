//! A throwaway Kerberos realm with alice signed in, and the emulator as
//! the Kerberos acceptor over TLS, for the tests that sign in
//! (`kerberos.rs`, `windows.rs`). Start it only in a test's own process:
//! it points the environment's Kerberos variables at the realm.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::tls::{ca, server_cert, Ca};
use super::tools::skip;
use super::{Config, Emulator};
use mesh_capi::ffi::mesh_library_has_kerberos;
use mesh_emulator::test_realm::{RealmOptions, TestRealm};
use mesh_emulator::KerberosConfig;

pub const ALICE_PASSWORD: &str = "alice-password";
pub const SERVICES: &[&str] = &["HTTP/localhost", "mesh/localhost", "meshsvc"];

/// A realm with alice signed in (a ticket cache from `kinit`), the
/// emulator accepting tickets for [`SERVICES`] over TLS, and the
/// environment pointing the library's Kerberos at both.
pub struct Setup {
    pub realm: TestRealm,
    pub emu: Emulator,
    pub ca: Ca,
    /// The CA's certificate, to trust.
    pub root: PathBuf,
    /// alice's ticket cache, `KRB5CCNAME`.
    pub ccache: PathBuf,
}

impl Setup {
    /// `None` (after the skip note) where the test cannot run.
    pub fn start(token_lifetime: Duration, realm: RealmOptions) -> Option<Setup> {
        if mesh_library_has_kerberos() == 0 {
            skip("Kerberos tests: this build has no Kerberos (`cargo xtask test` builds with the `kerberos` feature when libkrb5-dev and libclang-dev are installed)");
            return None;
        }
        if let Some(missing) = TestRealm::missing_tools() {
            skip(&format!("Kerberos tests: {missing}"));
            return None;
        }
        let realm = TestRealm::start(realm).expect("start the test realm");
        realm.add_principal("alice", Some(ALICE_PASSWORD)).unwrap();
        for service in SERVICES {
            realm.add_principal(service, None).unwrap();
        }
        let keytab = realm.dir().join("mesh.keytab");
        realm.export_keytab(SERVICES, &keytab).unwrap();
        let ccache = realm.dir().join("alice.ccache");
        realm.kinit("alice", ALICE_PASSWORD, &ccache, None).unwrap();
        set_env(realm.env());
        set_env(vec![("KRB5CCNAME", ccache_name(&ccache))]);
        let ca = ca("mesh-capi Kerberos test CA");
        let root = realm.dir().join("root.pem");
        std::fs::write(&root, &ca.pem).unwrap();
        let emu = Emulator::start_local(Config {
            tls: Some(server_cert(&ca, &["localhost", "127.0.0.1"], false)),
            kerberos: Some(KerberosConfig {
                token_lifetime,
                ..KerberosConfig::new(&keytab)
            }),
            ..Config::default()
        })
        .expect("start the emulator with Kerberos");
        Some(Setup {
            realm,
            emu,
            ca,
            root,
            ccache,
        })
    }

    pub fn address(&self) -> String {
        format!("https://localhost:{}", self.emu.addr().port())
    }
}

pub fn ccache_name(path: &Path) -> OsString {
    let mut name = OsString::from("FILE:");
    name.push(path);
    name
}

/// Only in a test's own process, before the library's threads exist.
pub fn set_env(vars: Vec<(&'static str, OsString)>) {
    for (key, value) in vars {
        std::env::set_var(key, value);
    }
}
