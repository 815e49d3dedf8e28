//! The C examples and test programs, compiled with the system C compiler
//! against the committed header and the freshly built shared library, run as
//! separate processes against an emulator over TCP.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Duration;

use common::emulator;

/// Where cargo put the cdylib built for these tests (next to the test binary).
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().to_path_buf();
    assert!(
        dir.join("libmesh_capi.so").exists(),
        "libmesh_capi.so not found in {}",
        dir.display()
    );
    dir
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Compiles `source` (relative to the repository root) once; returns the binary.
fn build(source: &str) -> PathBuf {
    static LOCK: OnceLock<std::sync::Mutex<()>> = OnceLock::new();
    let _serial = LOCK.get_or_init(Default::default).lock();
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c");
    std::fs::create_dir_all(&out_dir).unwrap();
    let name = Path::new(source).file_stem().unwrap();
    let exe = out_dir.join(name);
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let lib = lib_dir();
    let output = Command::new(&cc)
        .args([
            "-std=c99",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
            "-O1",
        ])
        .arg("-I")
        .arg(root().join("include"))
        .arg(root().join(source))
        .arg("-o")
        .arg(&exe)
        .arg("-L")
        .arg(&lib)
        .arg("-lmesh_capi")
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler {cc:?}: {e}"));
    assert!(
        output.status.success(),
        "{source} did not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    exe
}

fn run(exe: &Path, args: &[&str]) -> Output {
    let output = Command::new(exe).args(args).output().unwrap();
    eprintln!(
        "$ {} {}\n{}{}",
        exe.display(),
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn header_compiles_as_c_and_cpp() {
    for (compiler, lang) in [("cc", "c"), ("c++", "c++")] {
        let Ok(out) = Command::new(compiler)
            .args(["-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-x", lang])
            .arg(root().join("include/mesh_capi.h"))
            .output()
        else {
            eprintln!("SKIPPED: {compiler} not found");
            continue;
        };
        assert!(
            out.status.success(),
            "{lang}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn quickstart_runs() {
    let emu = emulator(Duration::from_secs(300));
    let out = run(
        &build("examples-c/quickstart.c"),
        &[&emu.addr().to_string()],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("Mesh 2.21.0"), "{text}");
    assert!(text.contains("opened session "), "{text}");
    assert!(
        text.contains("committed") && text.contains("closed"),
        "{text}"
    );
    assert_eq!(emu.calls("Commit"), 1);
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn quickstart_exit_code_is_the_status() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = run(
        &build("examples-c/quickstart.c"),
        &[&format!("127.0.0.1:{port}")],
    );
    assert_eq!(out.status.code(), Some(7), "MESH_ERROR_UNAVAILABLE");
    assert!(String::from_utf8_lossy(&out.stderr).contains("MESH_ERROR_UNAVAILABLE"));
}

#[test]
fn sessions_shows_the_three_ways() {
    let emu = emulator(Duration::from_secs(300));
    let out = run(&build("examples-c/sessions.c"), &[&emu.url()]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("1. open and close"), "{text}");
    assert!(text.contains("2. a block of work"), "{text}");
    assert!(
        text.contains("not open any more: MESH_ERROR_SESSION_NOT_FOUND: "),
        "{text}"
    );
    assert!(text.contains("} not found."), "{text}");
    assert_eq!(emu.open_sessions(), 0);
}

#[test]
fn a_session_crosses_processes() {
    let emu = emulator(Duration::from_secs(300));
    let address = emu.addr().to_string();
    // Process A opens and detaches.
    let a = run(&build("examples-c/detach.c"), &[&address]);
    assert_eq!(a.status.code(), Some(0));
    let id = stdout(&a).trim().to_owned();
    assert_eq!(id.len(), 36);
    assert_eq!(emu.open_sessions(), 1);
    // Process B attaches (braced, upper case, as .NET writes it) and closes.
    let attach = build("examples-c/attach.c");
    let braced = format!("{{{}}}", id.to_uppercase());
    let b = run(&attach, &[&address, &braced, "close"]);
    assert_eq!(b.status.code(), Some(0));
    assert!(stdout(&b).contains(&format!("closed {id}")));
    assert_eq!(emu.open_sessions(), 0);
    // Now the id is gone.
    let c = run(&attach, &[&address, &id]);
    assert_eq!(c.status.code(), Some(4), "MESH_ERROR_SESSION_NOT_FOUND");
    assert!(stdout(&c).contains("MESH_ERROR_SESSION_NOT_FOUND"));
}

#[test]
fn tls_token_connects_with_a_root_certificate_and_a_token() {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca_pem = ca_params.self_signed(&ca_key).unwrap().pem();
    let ca = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["mesh.example".to_string()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let emu = common::Emulator::start_local(common::Config {
        tls: Some(mesh_emulator::TlsIdentity {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }),
        tokens: Some(std::collections::HashMap::from([(
            "demo-token".to_string(),
            mesh_emulator::Identity::named("Demo User"),
        )])),
        ..Default::default()
    })
    .unwrap();
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tls_token_root.pem");
    std::fs::write(&root, ca_pem).unwrap();
    let exe = build("examples-c/tls_token.c");
    let address = format!("https://{}", emu.addr());
    let root = root.to_str().unwrap();
    let out = run(&exe, &[&address, root, "demo-token", "mesh.example"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("connected over TLS as Demo User"));
    assert!(stdout(&out).contains("closed"));
    let out = run(&exe, &[&address, root, "wrong-token", "mesh.example"]);
    assert_eq!(out.status.code(), Some(9), "MESH_ERROR_UNAUTHENTICATED");
    let out = run(&exe, &[&address, root, "demo-token"]);
    assert_eq!(out.status.code(), Some(12), "MESH_ERROR_TLS: name mismatch");
}
