//! Kerberos sign-in through SSPI, for real: examples-c/kerberos.c and
//! mesh_capi.dll cross-built for x86_64 Windows (as `windows.rs` builds
//! them) run under Wine against the throwaway MIT realm and the emulator of
//! `common::kerberos`. Windows builds always sign in through SSPI's
//! Kerberos package; Wine's kerberos.dll implements that package on the
//! host's MIT libraries (libgssapi_krb5.so.2, libkrb5.so.3), which read the
//! Unix environment Wine passes through. So `KRB5_CONFIG` and `KRB5CCNAME`
//! point them at the realm and alice's ticket cache as on Linux, and the
//! library's SSPI calls (AcquireCredentialsHandleW, InitializeSecurityContextW,
//! a second time for mutual authentication) get a ticket from the KDC on
//! 127.0.0.1, which the emulator accepts.
//!
//! Where Wine 8.0 (Debian 12) differs from Windows, as
//! `WINEDEBUG=+kerberos,+secur32` shows, and so what is not asserted here:
//! - Names are read as Kerberos principals (`gss_import_name` with no name
//!   type), `\` being their escape character: `DOMAIN\account`, which
//!   Windows looks up in its domain, does not work. The service
//!   `MESH.TEST\meshsvc` becomes `MESH.TESTmeshsvc@MESH.TEST` (the KDC:
//!   not found); the user `MESH.TEST\alice` has no credentials.
//! - A refusal comes back as SEC_E_INTERNAL_ERROR (0x80090304, for any
//!   GSS_S_FAILURE, e.g. "Server HTTP/nowhere.mesh.test@MESH.TEST not
//!   found in Kerberos database") or SEC_E_NO_CREDENTIALS (0x8009030E),
//!   for which FormatMessageW has no text (ERROR_MR_MID_NOT_FOUND): the
//!   library's message names the principals and the step that failed,
//!   but not the cause Windows would give.
//!
//! Needs what `windows.rs` needs (mingw-w64, the x86_64-pc-windows-gnu
//! target, Wine) and what `kerberos.rs` needs (the MIT KDC tools, a build
//! with Kerberos); without them the tests say SKIPPED and pass, or fail
//! where `MESH_REQUIRE_TOOLS` is set. Each runs in a process of its own,
//! as `common::kerberos::Setup` sets the environment's Kerberos variables.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use crate::common::kerberos::{ccache_name, Setup};
use crate::common::mesh_status::MESH_ERROR_UNAUTHENTICATED;
use crate::common::process::own_process;
use crate::common::root;
use crate::windows::{
    mingw_build, missing_toolchain, skip, text, wait_for, wine, wine_command, wine_folder,
    wine_ready, X64,
};
use mesh_emulator::test_realm::{RealmOptions, REALM};

/// kerberos.exe with mesh_capi.dll and the ProcessPrng shim next to it, in
/// a folder of the test's own (the tests run in parallel processes, each
/// copying the DLL and building the program).
struct WineKerberos {
    wine: PathBuf,
    exe: PathBuf,
}

/// Builds what the test runs under Wine, or `None` after noting why it
/// cannot.
fn wine_kerberos(test: &str) -> Option<WineKerberos> {
    match prepare(test) {
        Ok(run) => Some(run),
        Err(why) => {
            skip("Kerberos through SSPI under Wine", &why);
            None
        }
    }
}

fn prepare(test: &str) -> Result<WineKerberos, String> {
    if let Some(why) = missing_toolchain(X64) {
        return Err(why);
    }
    let wine = wine().ok_or("wine not installed (apt-get install wine64)")?;
    let started = Instant::now();
    let (dir, built) = wine_folder(&Path::new("wine-kerberos").join(test));
    let exe = dir.join("kerberos.exe");
    let import_lib = built.join("libmesh_capi.dll.a");
    mingw_build(
        X64,
        &[&root().join("examples-c/kerberos.c")],
        &[import_lib.to_str().unwrap()],
        &exe,
    );
    wine_ready(&wine);
    eprintln!("kerberos.exe ready for Wine in {:.1?}", started.elapsed());
    Ok(WineKerberos { wine, exe })
}

impl WineKerberos {
    /// Runs `kerberos.exe https://localhost:PORT Z:\...\root.pem args...`
    /// with the realm's configuration and the ticket cache `ccache`.
    fn run(&self, setup: &Setup, ccache: &Path, args: &[&str]) -> Output {
        // Wine's drive Z: is the Unix root.
        let root = format!("Z:{}", setup.root.display()).replace('/', "\\");
        let address = setup.address();
        let mut all = vec![address.as_str(), root.as_str()];
        all.extend_from_slice(args);
        // `Setup` put these in this process's environment too; set here,
        // they say what the Windows program's Kerberos reads. (Without
        // KRB5CCNAME, MIT falls back to the realm's empty default cache and
        // AcquireCredentialsHandleW finds no credentials.)
        let mut command = wine_command(&self.wine, &self.exe);
        command
            .args(&all)
            .envs(setup.realm.env())
            .env("KRB5CCNAME", ccache_name(ccache));
        let started = Instant::now();
        let out = wait_for(command, Duration::from_secs(180));
        eprintln!(
            "$ wine kerberos.exe {} ({:.1?}, {})\n{}{}",
            all.join(" "),
            started.elapsed(),
            out.status,
            text(&out),
            stderr(&out)
        );
        out
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).replace("\r\n", "\n")
}

/// Asserts the KDC logged `what` (it writes as it serves; a moment's grace).
fn assert_kdc_logged(setup: &Setup, what: &str) {
    let log = setup.realm.dir().join("kdc.log");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains(what) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the KDC did not log {what:?}:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sspi_under_wine_names_the_refused_service_principal() {
    own_process!(sspi_under_wine_names_the_refused_service_principal);
    let started = Instant::now();
    let Some(setup) = Setup::start(Duration::from_secs(3600), RealmOptions::default()) else {
        return;
    };
    let Some(wine) = wine_kerberos("refused") else {
        return;
    };

    // A service the realm does not have: SSPI got alice's credentials and
    // asked the KDC for a ticket (InitializeSecurityContextW), which said
    // no; the status is the exit code, the message names the service.
    let out = wine.run(&setup, &setup.ccache, &["HTTP/nowhere.mesh.test"]);
    assert_eq!(out.status.code(), Some(MESH_ERROR_UNAUTHENTICATED as i32));
    let message = stderr(&out);
    assert!(
        message.contains("mesh_connection_open failed: MESH_ERROR_UNAUTHENTICATED: "),
        "{message}"
    );
    assert!(message.contains("HTTP/nowhere.mesh.test"), "{message}");
    assert!(text(&out).is_empty(), "{}", text(&out));
    assert_kdc_logged(
        &setup,
        &format!(
            "alice@{REALM} for HTTP/nowhere.mesh.test@{REALM}, Server not found in Kerberos database"
        ),
    );

    // No ticket: an empty cache (AcquireCredentialsHandleW fails).
    let empty = setup.realm.dir().join("empty.ccache");
    let out = wine.run(&setup, &empty, &["HTTP/localhost"]);
    assert_eq!(out.status.code(), Some(MESH_ERROR_UNAUTHENTICATED as i32));
    let message = stderr(&out);
    assert!(message.contains("MESH_ERROR_UNAUTHENTICATED"), "{message}");
    assert!(message.contains("HTTP/localhost"), "{message}");
    assert!(message.contains("credentials"), "{message}");

    // Neither reached the server.
    assert_eq!(setup.emu.calls("AuthenticateKerberos"), 0);
    eprintln!("refusals under Wine took {:.1?}", started.elapsed());
}

#[test]
fn sspi_under_wine_signs_in_and_again_after_revoking() {
    own_process!(sspi_under_wine_signs_in_and_again_after_revoking);
    let started = Instant::now();
    let Some(setup) = Setup::start(Duration::from_secs(3600), RealmOptions::default()) else {
        return;
    };
    let Some(wine) = wine_kerberos("signs_in") else {
        return;
    };
    let alice = format!("alice@{REALM}");

    // The default credentials (alice's cache), one leg; then alice named,
    // with mutual authentication: the server's answer goes through
    // InitializeSecurityContextW too.
    for (args, sign_ins) in [
        (&["HTTP/localhost"][..], 2),
        (&["HTTP/localhost", "alice@MESH.TEST", "mutual"][..], 4),
    ] {
        let out = wine.run(&setup, &setup.ccache, args);
        let printed = text(&out);
        assert_eq!(out.status.code(), Some(0), "{printed}{}", stderr(&out));
        let lines: Vec<&str> = printed.lines().collect();
        assert_eq!(lines.len(), 5, "{printed}");
        assert_eq!(lines[0], format!("signed in with Kerberos as {alice}"));
        let id = lines[1]
            .strip_prefix("opened session ")
            .unwrap_or_else(|| panic!("{printed}"));
        assert_eq!(id.len(), 36, "a session id: {id}");
        assert_eq!(lines[2], "closed");
        assert_eq!(lines[3], "revoked the Mesh token");
        assert_eq!(lines[4], format!("signed in again as {alice}"));
        // At connect, and again after the revoke.
        assert_eq!(
            setup.emu.calls("AuthenticateKerberos"),
            sign_ins,
            "{args:?}"
        );
        assert_eq!(setup.emu.open_sessions(), 0);
    }
    // The service ticket came from the KDC, asked by Wine's SSPI (kinit
    // left only alice's ticket-granting ticket in the cache).
    assert_kdc_logged(&setup, &format!("alice@{REALM} for HTTP/localhost@{REALM}"));
    eprintln!("sign-ins under Wine took {:.1?}", started.elapsed());
}
