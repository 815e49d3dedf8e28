//! The C++ header (`bindings/cpp/mesh_capi.hpp`): its test program, with the
//! README's C++ snippets, compiled as C++14, C++17 and C++20 with
//! `-Wall -Wextra -Werror -pedantic` and run against two emulators (plain,
//! and TLS with tokens); and every C function is wrapped or listed here as
//! deliberately not.

use std::path::PathBuf;
use std::process::Command;

use crate::common::bindings::{self, HOW_TO};
use crate::common::tools::{have, skip};
use crate::common::{link_args, root};

/// C functions the C++ header does not wrap, and why.
const NOT_WRAPPED: &[(&str, &str)] = &[(
    "mesh_point_list_copy",
    "C++ reads the columns in place (points::timestamps() and so on)",
)];

fn cxx() -> String {
    std::env::var("CXX").unwrap_or_else(|_| "c++".into())
}

/// The README's ```cpp blocks, one after another.
fn readme_snippet() -> String {
    let readme = std::fs::read_to_string(root().join("docs/hosts.md")).unwrap();
    let blocks: Vec<&str> = readme
        .split("```cpp\n")
        .skip(1)
        .map(|rest| &rest[..rest.find("```").expect("a closed C++ block")])
        .collect();
    assert!(
        blocks.len() >= 2,
        "the README's C++ snippets (connection, model)"
    );
    blocks.concat()
}

#[test]
fn the_cpp_header_passes_its_tests_as_cpp14_17_and_20() {
    if !have(&cxx()) {
        return skip(&format!(
            "no C++ compiler ({}): mesh_capi.hpp was not tested",
            cxx()
        ));
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cpp");
    std::fs::create_dir_all(&dir).unwrap();
    let snippet = dir.join("readme_example.cpp");
    std::fs::write(
        &snippet,
        format!("#include \"mesh_capi.hpp\"\n{}", readme_snippet()),
    )
    .unwrap();
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
            .args(link_args())
            .output()
            .expect("run the C++ compiler");
        assert!(
            out.status.success(),
            "{std}: {}\n({HOW_TO})",
            String::from_utf8_lossy(&out.stderr)
        );
        // Fresh servers for each run: the program commits points and revokes a token.
        let emu = bindings::emulator();
        let (tls, root_pem) = bindings::tls_emulator(
            &["cpp-token-1", "cpp-token-2"],
            "Bjørn Ålesund",
            "cpp_root.pem",
        );
        // Holds every commit long enough for the program to interrupt it.
        let slow = bindings::emulator();
        slow.delay_calls("Commit", std::time::Duration::from_secs(10));
        let out = crate::common::run(
            &exe,
            &[
                &emu.addr().to_string(),
                &format!("https://{}", tls.addr()),
                root_pem.to_str().unwrap(),
                "mesh.example",
                "cpp-token-1",
                "cpp-token-2",
                "Bjørn Ålesund",
                mesh_emulator::DEFAULT_VERSION,
                &slow.addr().to_string(),
            ],
        );
        let stdout = crate::common::stdout(&out);
        assert_eq!(
            stdout.lines().last(),
            Some(format!("{tests} passed, 0 failed").as_str()),
            "{std}:\n{stdout}({HOW_TO})"
        );
        assert_eq!(out.status.code(), Some(0), "{std}");
    }
}

#[test]
fn every_c_function_is_wrapped_or_listed() {
    let header = xtask::c_header::Header::committed();
    let hpp = without_comments(
        &std::fs::read_to_string(root().join("bindings/cpp/mesh_capi.hpp")).unwrap(),
    );
    let mut missing = Vec::new();
    for f in &header.functions {
        let used = names(&hpp, &f.name);
        let listed = NOT_WRAPPED.iter().any(|(name, _)| *name == f.name);
        assert!(!(used && listed), "{} is wrapped and listed as not", f.name);
        if !used && !listed {
            missing.push(f.name.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "mesh_capi.hpp does not wrap {missing:?}: wrap them, or list them in NOT_WRAPPED with a reason ({HOW_TO})"
    );
}

/// `code` without its `/* */` and `//` comments (a function named only in a
/// comment is not wrapped).
fn without_comments(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    loop {
        let block = rest.find("/*");
        let line = rest.find("//");
        let (start, end_marker) = match (block, line) {
            (Some(b), Some(l)) if b < l => (b, "*/"),
            (Some(b), None) => (b, "*/"),
            (_, Some(l)) => (l, "\n"),
            (None, None) => break,
        };
        out.push_str(&rest[..start]);
        rest = &rest[start + 2..];
        match rest.find(end_marker) {
            Some(end) => rest = &rest[end + end_marker.len()..],
            None => return out,
        }
        out.push(if end_marker == "*/" { ' ' } else { '\n' });
    }
    out.push_str(rest);
    out
}

/// Whether `code` names `function` as a whole identifier: called, or
/// passed to a helper that calls it (`text(mesh_object_id)`).
fn names(code: &str, function: &str) -> bool {
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    code.match_indices(function).any(|(i, _)| {
        !ident(code[..i].chars().next_back()) && !ident(code[i + function.len()..].chars().next())
    })
}
