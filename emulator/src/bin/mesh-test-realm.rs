//! `mesh-test-realm DIR`: a throwaway Kerberos realm (`MESH.TEST`, MIT's
//! KDC on 127.0.0.1) in DIR, to try Kerberos against the emulator by hand
//! or from another project's tests. It makes user `alice` (password
//! `alice-password`), services `HTTP/localhost`, `mesh/localhost` and
//! `meshsvc` (a service running as a user account, password
//! `meshsvc-password`), the keytab DIR/mesh.keytab with the three services,
//! and alice's ticket in DIR/alice.ccache; prints the shell `export` lines
//! and the emulator's arguments to use, then `ready`, and serves until
//! killed (the KDC stops with it, however it dies; DIR stays).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mesh_emulator::test_realm::{RealmOptions, TestRealm, REALM};

const USAGE: &str = "usage: mesh-test-realm DIR
  Starts a Kerberos realm MESH.TEST in DIR (created if missing) with user alice
  (password alice-password) and services HTTP/localhost, mesh/localhost and meshsvc,
  writes DIR/mesh.keytab (the services) and DIR/alice.ccache (alice's ticket), prints
  the environment and the mesh-emulator arguments to use, and runs until killed.
  Needs MIT Kerberos: apt-get install krb5-kdc krb5-admin-server krb5-user";

const SERVICES: [&str; 3] = ["HTTP/localhost", "mesh/localhost", "meshsvc"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = match args.as_slice() {
        [flag] if flag == "-h" || flag == "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [dir] if !dir.starts_with('-') => PathBuf::from(dir),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(why) = TestRealm::missing_tools() {
        eprintln!("mesh-test-realm: {why}");
        return ExitCode::FAILURE;
    }
    let realm = match set_up(&dir) {
        Ok(realm) => realm,
        Err(e) => {
            eprintln!("mesh-test-realm: {e}");
            return ExitCode::FAILURE;
        }
    };
    let dir = realm.dir();
    let path = |name: &str| shell_quote(&dir.join(name));
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "# Kerberos realm {REALM}: KDC on 127.0.0.1:{} (UDP and TCP), files in {}\n\
         export KRB5_CONFIG={}\n\
         export KRB5CCNAME=FILE:{}\n\
         export KRB5RCACHEDIR={}\n\
         # user alice@{REALM} (password alice-password), services {} (meshsvc's password:\n\
         # meshsvc-password); with the exports above in both shells, run\n\
         # mesh-emulator --kerberos-keytab {} [--kerberos-principal HTTP/localhost]\n\
         # and sign in as alice for the service HTTP/localhost (or HTTP@localhost).\n\
         ready",
        realm.kdc_port(),
        shell_quote(dir),
        path("krb5.conf"),
        path("alice.ccache"),
        path("rcache"),
        SERVICES.join(", "),
        path("mesh.keytab"),
    );
    let _ = out.flush();
    drop(out);
    // Serves until killed: the KDC's shell stops it when this process's end
    // of its input closes, which dying does.
    loop {
        std::thread::park();
    }
}

fn set_up(dir: &Path) -> std::io::Result<TestRealm> {
    let realm = TestRealm::start_in(dir, RealmOptions::default())?;
    realm.add_principal("alice", Some("alice-password"))?;
    realm.add_principal("HTTP/localhost", None)?;
    realm.add_principal("mesh/localhost", None)?;
    realm.add_principal("meshsvc", Some("meshsvc-password"))?;
    let keytab = realm.dir().join("mesh.keytab");
    // A keytab left by an earlier run holds keys of another database.
    match std::fs::remove_file(&keytab) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    realm.export_keytab(&SERVICES, &keytab)?;
    let ccache = realm.dir().join("alice.ccache");
    realm.kinit("alice", "alice-password", &ccache, None)?;
    Ok(realm)
}

/// `path` as one shell word.
fn shell_quote(path: &Path) -> String {
    let text = path.display().to_string();
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@%".contains(c));
    if plain {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
