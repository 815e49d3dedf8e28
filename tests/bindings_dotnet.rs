//! The .NET binding (`bindings/dotnet/`), compiled with Mono's C# compiler
//! and run on Mono against two emulators (plain, and TLS with a token):
//! the test program ends with "N passed, M failed". Also checks the
//! generated P/Invoke layer against the header.
//!
//! Needs `mcs` and `mono` (`.ci/run` installs mono-mcs and mono-runtime);
//! without them the tests say SKIPPED and pass.

#[path = "common/c_header.rs"]
mod c_header;
mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{lib_dir, root};

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// The first ```csharp block of the README.
pub fn readme_snippet() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("```csharp\n")
        .expect("a C# snippet in the README")
        + 10;
    let end = start + readme[start..].find("```").unwrap();
    readme[start..end].to_string()
}

fn tls_emulator(token: &str, name: &str) -> (common::Emulator, PathBuf) {
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
        tokens: Some(HashMap::from([(
            token.to_string(),
            mesh_emulator::Identity::named(name),
        )])),
        ..Default::default()
    })
    .unwrap();
    let root_pem = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dotnet_root.pem");
    std::fs::write(&root_pem, ca_pem).unwrap();
    (emu, root_pem)
}

#[test]
fn the_dotnet_binding_passes_its_tests_on_mono() {
    if !have("mcs") || !have("mono") {
        eprintln!("SKIPPED: the .NET binding was not tested: mcs or mono not installed (apt-get install mono-mcs mono-runtime)");
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dotnet");
    std::fs::create_dir_all(&dir).unwrap();
    let snippet = dir.join("ReadmeExample.cs");
    std::fs::write(&snippet, readme_snippet()).unwrap();
    let exe = dir.join("MeshCapiTests.exe");
    let sources = root().join("bindings/dotnet");
    // C# 6: what the binding promises (also .NET Framework projects).
    let out = Command::new("mcs")
        .args(["-nologo", "-langversion:6", "-warnaserror+", "-warn:4"])
        .arg(format!("-out:{}", exe.display()))
        .arg(sources.join("MeshCapi.cs"))
        .arg(sources.join("MeshCapi.Native.g.cs"))
        .arg(sources.join("tests/MeshCapiTests.cs"))
        .arg(&snippet)
        .output()
        .expect("run mcs");
    assert!(
        out.status.success(),
        "mcs failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let emu = common::Emulator::start_local(common::Config {
        catalog: mesh_emulator::parse_catalog(
            "4242 Resource/Tilløp/Serie STAIRCASE HOUR m3/s\n\
             1 Resource/Demo/Inflow STAIRCASE HOUR m3/s demo",
        )
        .expect("catalog"),
        ..Default::default()
    })
    .unwrap();
    let (tls, root_pem) = tls_emulator("dotnet-token", "Bjørn Ålesund");

    let mut child = Command::new("mono")
        .arg("--debug")
        .arg(&exe)
        .args([env!("CARGO_PKG_VERSION"), &emu.addr().to_string()])
        .arg(format!("https://{}", tls.addr()))
        .arg(&root_pem)
        .args(["mesh.example", "dotnet-token", "Bjørn Ålesund"])
        .env("LD_LIBRARY_PATH", lib_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mono");
    // A hang at exit (Mono waiting for the library's threads) fails here.
    let deadline = Instant::now() + Duration::from_secs(180);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the .NET test program did not exit within 180 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let summary = stdout.lines().last().unwrap_or("");
    let source = std::fs::read_to_string(sources.join("tests/MeshCapiTests.cs")).unwrap();
    let tests = source.matches("        Test(\"").count();
    assert_eq!(summary, format!("{tests} passed, 0 failed"));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_pinvoke_layer_follows_the_header() {
    // The layer is generated (tests/header.rs checks it is fresh); here the
    // rules a hand edit could break are checked on the committed file.
    let header = c_header::Header::committed();
    let cs = std::fs::read_to_string(root().join("bindings/dotnet/MeshCapi.Native.g.cs")).unwrap();
    for f in &header.functions {
        let declaration = cs
            .lines()
            .find(|l| l.contains(&format!(" {}(", f.name)) && l.contains("static extern"))
            .unwrap_or_else(|| panic!("no DllImport of {}", f.name));
        let params = declaration
            .split_once('(')
            .map(|(_, p)| p.trim_end_matches(");"))
            .unwrap();
        let count = if params.is_empty() {
            0
        } else {
            params.split(',').count()
        };
        assert_eq!(count, f.params.len(), "{}: {declaration}", f.name);
        // Library-owned text is never `string` (the marshaler would free it),
        // and no runtime's default string marshaling is used.
        assert!(!declaration.contains("string"), "{declaration}");
        if f.ret.pointers > 0 {
            assert!(
                declaration.contains("static extern IntPtr "),
                "{declaration}"
            );
        }
        for (p, text) in f.params.iter().zip(params.split(',')) {
            if p.ty.base == "size_t" && p.ty.pointers == 0 {
                assert!(text.trim().starts_with("UIntPtr"), "{declaration}");
            }
        }
    }
    let imports = cs.matches("[DllImport(").count();
    assert_eq!(imports, header.functions.len());
    assert_eq!(
        imports,
        cs.matches("CallingConvention = CallingConvention.Cdecl, ExactSpelling = true")
            .count()
    );
    for callback in &header.callbacks {
        assert!(cs.contains(&format!(
            "[UnmanagedFunctionPointer(CallingConvention.Cdecl)]\n    public delegate {} {}(",
            if callback.ret.is_void() {
                "void"
            } else {
                "MeshStatus"
            },
            generate_name(&callback.name)
        )));
    }
}

fn generate_name(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
