//! The .NET binding (`bindings/dotnet/`), compiled with Mono's C# compiler
//! and run on Mono against two emulators (plain, and TLS with a token):
//! the test program ends with "N passed, M failed". Also checks the
//! generated P/Invoke layer against the header.
//!
//! Needs `mcs` and `mono` (`.ci/run` installs mono-mcs and mono-runtime);
//! without them the tests say SKIPPED and pass, or fail where
//! `MESH_REQUIRE_TOOLS` is set (`tests/it/common/tools.rs`).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::bindings::{self, HOW_TO};
use crate::common::tools::{have, skip};
use crate::common::{lib_dir, root};

/// C functions the .NET binding (`MeshCapi*.cs`) does not call, and why.
const NOT_WRAPPED: &[(&str, &str)] = &[
    (
        "mesh_point_list_timestamps",
        "points are copied into arrays with mesh_point_list_copy",
    ),
    (
        "mesh_point_list_flags",
        "points are copied into arrays with mesh_point_list_copy",
    ),
    (
        "mesh_point_list_values",
        "points are copied into arrays with mesh_point_list_copy",
    ),
    (
        "mesh_point_list_export_arrow",
        "the Arrow C Data Interface has no .NET consumer in the binding",
    ),
    (
        "mesh_operation_wait",
        "the *Async methods' Tasks complete from mesh_operation_set_callback's callback: no thread waits",
    ),
    (
        "mesh_operation_is_done",
        "the *Async methods' Tasks complete from mesh_operation_set_callback's callback: nothing polls",
    ),
];

/// The README's ```csharp blocks, in order.
pub fn readme_snippets() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("docs/hosts.md")).unwrap();
    let snippets: Vec<String> = readme
        .split("```csharp\n")
        .skip(1)
        .map(|block| block[..block.find("```").expect("a closed C# block")].to_string())
        .collect();
    assert!(!snippets.is_empty(), "a C# snippet in the README");
    snippets
}

/// The binding's files: `MeshCapi.cs`, one file per area of the API
/// (`MeshCapi.Catalog.cs`, ...) and the generated `MeshCapi.Native.g.cs`.
fn binding_sources() -> Vec<PathBuf> {
    cs_files("bindings/dotnet")
}

/// The test program: `tests/MeshCapiTests.cs` (its `Main` registers every
/// test) and the files of more tests (`MeshCapiModelTests.cs`, ...).
fn test_sources() -> Vec<PathBuf> {
    cs_files("bindings/dotnet/tests")
}

/// The `.cs` files directly in `dir` (relative to the repository), sorted;
/// at least two.
fn cs_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "cs"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    files
}

#[test]
fn the_dotnet_binding_passes_its_tests_on_mono() {
    if !have("mcs") || !have("mono") {
        return skip("mcs or mono not installed (apt-get install mono-mcs mono-runtime): the .NET binding was not tested");
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dotnet");
    std::fs::create_dir_all(&dir).unwrap();
    // Every snippet is compiled with the test program, which runs each
    // (ReadmeExample, ReadmeModelExample, ...).
    let snippets: Vec<PathBuf> = readme_snippets()
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let file = dir.join(format!("ReadmeExample{i}.cs"));
            std::fs::write(&file, text).unwrap();
            file
        })
        .collect();
    let exe = dir.join("MeshCapiTests.exe");
    let sources = root().join("bindings/dotnet");
    // C# 6: what the binding promises (also .NET Framework projects).
    let out = Command::new("mcs")
        .args(["-nologo", "-langversion:6", "-warnaserror+", "-warn:4"])
        .arg(format!("-out:{}", exe.display()))
        .args(binding_sources())
        .args(test_sources())
        .args(&snippets)
        .output()
        .expect("run mcs");
    assert!(
        out.status.success(),
        "mcs failed:\n{}{}({HOW_TO})",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let emu = bindings::emulator();
    let (tls, root_pem) =
        bindings::tls_emulator(&["dotnet-token"], "Bjørn Ålesund", "dotnet_root.pem");
    // Holds every commit long enough for the program to interrupt it.
    let slow = bindings::emulator();
    slow.delay_calls("Commit", Duration::from_secs(10));

    let mut child = Command::new("mono")
        .arg("--debug")
        .arg(&exe)
        .args([env!("CARGO_PKG_VERSION"), &emu.addr().to_string()])
        .arg(format!("https://{}", tls.addr()))
        .arg(&root_pem)
        .args(["mesh.example", "dotnet-token", "Bjørn Ålesund"])
        .arg(mesh_emulator::DEFAULT_VERSION)
        .arg(slow.addr().to_string())
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
    assert_eq!(summary, format!("{tests} passed, 0 failed"), "({HOW_TO})");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn every_c_function_is_called_or_listed() {
    let header = xtask::c_header::Header::committed();
    // Destructors are called by the SafeHandles of the generated layer.
    let code: String = binding_sources()
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    // Code lines other than the P/Invoke declarations: a function counts as
    // used where its name stands as a whole word there (called, or passed as
    // a delegate), not in a comment.
    let code_lines: Vec<&str> = code
        .lines()
        .filter(|l| !l.contains("static extern") && !l.trim_start().starts_with("//"))
        .collect();
    let mut missing = Vec::new();
    for f in &header.functions {
        let used = code_lines.iter().any(|l| names_word(l, &f.name));
        let listed = NOT_WRAPPED.iter().any(|(name, _)| *name == f.name);
        assert!(!(used && listed), "{} is called and listed as not", f.name);
        if !used && !listed {
            missing.push(f.name.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "the .NET binding does not call {missing:?}: wrap them, or list them in NOT_WRAPPED with a reason ({HOW_TO})"
    );
}

#[test]
fn the_pinvoke_layer_follows_the_header() {
    // The layer is generated (tests/it/header.rs checks it is fresh); here the
    // rules a hand edit could break are checked on the committed file.
    let header = xtask::c_header::Header::committed();
    let cs = std::fs::read_to_string(root().join("bindings/dotnet/MeshCapi.Native.g.cs")).unwrap();
    let mut borrowed = Vec::new();
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
        // and no runtime's default string marshaling is used: no parameter
        // or return type is a `string` or `StringBuilder` (names may say
        // "string", e.g. mesh_attribute_value_string_at).
        let (head, _) = declaration.split_once('(').unwrap();
        let types = params
            .split(',')
            .filter_map(|p| p.split_whitespace().rev().nth(1))
            .chain(head.split_whitespace().rev().nth(1));
        for ty in types {
            assert!(
                !["string", "String", "StringBuilder"].contains(&ty),
                "{declaration}"
            );
        }
        if f.ret.pointers > 0 {
            assert!(
                declaration.contains("static extern IntPtr "),
                "{declaration}"
            );
        }
        // A borrowed handle written out must not land in a SafeHandle,
        // which would free it.
        let borrows = f
            .doc
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains("a borrow");
        for (p, text) in f.params.iter().zip(params.split(',')) {
            if p.ty.base == "size_t" && p.ty.pointers == 0 {
                assert!(text.trim().starts_with("UIntPtr"), "{declaration}");
            }
            if borrows && p.is_out() && p.ty.pointers == 2 {
                assert!(text.trim().starts_with("out IntPtr "), "{declaration}");
                borrowed.push(f.name.as_str());
            }
        }
    }
    // Objects from lists, attributes from objects and lists.
    assert!(borrowed.len() >= 4, "{borrowed:?}");
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

/// Whether `word` stands in `line` as a whole identifier.
fn names_word(line: &str, word: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    line.match_indices(word).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}
