//! The C++ header (`bindings/cpp/mesh_capi.hpp`): its test program, with the
//! README's C++ snippet, compiled as C++14, C++17 and C++20 with
//! `-Wall -Wextra -Werror -pedantic` and run against two emulators (plain,
//! and TLS with tokens); and every C function is wrapped or listed here as
//! deliberately not.

#[path = "common/c_header.rs"]
mod c_header;
mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use common::{lib_dir, root};

/// C functions the C++ header does not wrap, and why.
const NOT_WRAPPED: &[(&str, &str)] = &[(
    "mesh_points_copy",
    "C++ reads the columns in place (points::timestamps() and so on)",
)];

fn cxx() -> String {
    std::env::var("CXX").unwrap_or_else(|_| "c++".into())
}

/// The first ```cpp block of the README.
fn readme_snippet() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("```cpp\n")
        .expect("a C++ snippet in the README")
        + 7;
    let end = start + readme[start..].find("```").unwrap();
    readme[start..end].to_string()
}

fn tls_emulator(tokens: &[&str], name: &str) -> (common::Emulator, PathBuf) {
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
        tokens: Some(
            tokens
                .iter()
                .map(|t| (t.to_string(), mesh_emulator::Identity::named(name)))
                .collect::<HashMap<_, _>>(),
        ),
        ..Default::default()
    })
    .unwrap();
    let root_pem = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cpp_root.pem");
    std::fs::write(&root_pem, ca_pem).unwrap();
    (emu, root_pem)
}

#[test]
fn the_cpp_header_passes_its_tests_as_cpp14_17_and_20() {
    if Command::new(cxx()).arg("--version").output().is_err() {
        eprintln!(
            "SKIPPED: no C++ compiler ({}): mesh_capi.hpp was not tested",
            cxx()
        );
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cpp");
    std::fs::create_dir_all(&dir).unwrap();
    let snippet = dir.join("readme_example.cpp");
    std::fs::write(
        &snippet,
        format!("#include \"mesh_capi.hpp\"\n{}", readme_snippet()),
    )
    .unwrap();
    let lib = lib_dir();
    let source = root().join("bindings/cpp/tests/hpp_test.cpp");
    let tests = std::fs::read_to_string(&source)
        .unwrap()
        .matches("    test(\"")
        .count();
    for std in ["c++14", "c++17", "c++20"] {
        let exe = dir.join(format!("hpp_test_{std}"));
        let out = Command::new(cxx())
            .arg(format!("-std={std}"))
            .args([
                "-Wall",
                "-Wextra",
                "-Werror",
                "-pedantic",
                "-O1",
                "-pthread",
            ])
            .arg("-I")
            .arg(root().join("include"))
            .arg("-I")
            .arg(root().join("bindings/cpp"))
            .arg(&source)
            .arg(&snippet)
            .arg("-o")
            .arg(&exe)
            .arg("-L")
            .arg(&lib)
            .arg("-lmesh_capi")
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .output()
            .expect("run the C++ compiler");
        assert!(
            out.status.success(),
            "{std}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Fresh servers for each run: the program commits points and revokes a token.
        let emu = common::Emulator::start_local(common::Config {
            catalog: mesh_emulator::parse_catalog(
                "4242 Resource/Tilløp/Serie STAIRCASE HOUR m3/s\n\
                 1 Resource/Demo/Inflow STAIRCASE HOUR m3/s demo",
            )
            .expect("catalog"),
            ..Default::default()
        })
        .unwrap();
        let (tls, root_pem) = tls_emulator(&["cpp-token-1", "cpp-token-2"], "Bjørn Ålesund");
        let out = common::run(
            &exe,
            &[
                &emu.addr().to_string(),
                &format!("https://{}", tls.addr()),
                root_pem.to_str().unwrap(),
                "mesh.example",
                "cpp-token-1",
                "cpp-token-2",
                "Bjørn Ålesund",
            ],
        );
        let stdout = common::stdout(&out);
        assert_eq!(
            stdout.lines().last(),
            Some(format!("{tests} passed, 0 failed").as_str()),
            "{std}"
        );
        assert_eq!(out.status.code(), Some(0), "{std}");
    }
}

#[test]
fn every_c_function_is_wrapped_or_listed() {
    let header = c_header::Header::committed();
    let hpp = std::fs::read_to_string(root().join("bindings/cpp/mesh_capi.hpp")).unwrap();
    let mut missing = Vec::new();
    for f in &header.functions {
        let used = hpp.contains(&format!("{}(", f.name));
        let listed = NOT_WRAPPED.iter().any(|(name, _)| *name == f.name);
        assert!(!(used && listed), "{} is wrapped and listed as not", f.name);
        if !used && !listed {
            missing.push(f.name.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "mesh_capi.hpp does not wrap {missing:?}: wrap them, or list them in NOT_WRAPPED with a reason"
    );
}
