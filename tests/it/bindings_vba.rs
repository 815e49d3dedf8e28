//! The VBA modules (`bindings/vba/*.bas`) checked against the header, as no
//! VBA runs here: every `Declare` of mesh_capi.dll names a header function
//! with the same number of arguments, each of a VBA type that carries the C
//! type, in both the 64-bit and the 32-bit branch; the 32-bit branch calls
//! the stdcall twin and pushes exactly the bytes it pops; every function
//! VBA can call is declared; and the code is well formed enough for the VBA
//! editor (balanced blocks, `LongLong` only where 64-bit, CRLF lines).

#[allow(dead_code)]
use std::collections::{BTreeMap, BTreeSet};

use crate::common::root;
use xtask::c_header::{i686_arg_bytes, stdcall_name, CType, Header};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Branch {
    Win64,
    Win32,
    Both,
}

#[derive(Debug)]
struct Declare {
    branch: Branch,
    name: String,
    lib: String,
    alias: Option<String>,
    params: Vec<(bool, String, String)>, // (by_ref, name, type)
    ret: Option<String>,
    line: String,
}

fn modules() -> Vec<(String, String)> {
    let dir = root().join("bindings/vba");
    let mut found: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "bas"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    found.sort();
    assert!(found.iter().any(|(n, _)| n == "MeshCapi.bas"));
    found
}

/// The code of a line, without a trailing comment (none of ours has an
/// apostrophe inside a string).
fn code(line: &str) -> &str {
    let mut in_string = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '\'' if !in_string => return line[..i].trim_end(),
            _ => {}
        }
    }
    line.trim_end()
}

fn without_strings(code: &str) -> String {
    code.split('"').step_by(2).collect::<Vec<_>>().join("\"\"")
}

/// Lines with the `#If Win64` branch each is in.
fn branches(text: &str) -> Vec<(Branch, &str)> {
    let mut stack: Vec<Branch> = Vec::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let c = code(line).trim();
        let lower = c.to_ascii_lowercase();
        if lower.starts_with("#if ") {
            stack.push(if lower.contains("win64") {
                Branch::Win64
            } else {
                Branch::Both
            });
            continue;
        }
        if lower.starts_with("#else") {
            let top = stack.pop().expect("#Else without #If");
            stack.push(if top == Branch::Win64 {
                Branch::Win32
            } else {
                Branch::Both
            });
            continue;
        }
        if lower.starts_with("#end if") {
            stack.pop().expect("#End If without #If");
            continue;
        }
        let branch = stack
            .iter()
            .rev()
            .find(|b| **b != Branch::Both)
            .copied()
            .unwrap_or(Branch::Both);
        out.push((branch, line));
    }
    assert!(stack.is_empty(), "unbalanced #If");
    out
}

fn parse_declare(branch: Branch, line: &str) -> Option<Declare> {
    let c = code(line).trim();
    let rest = c
        .strip_prefix("Public ")
        .or_else(|| c.strip_prefix("Private "))
        .unwrap_or(c);
    let rest = rest.strip_prefix("Declare PtrSafe ")?;
    let (kind, rest) = rest.split_once(' ')?;
    let (name, rest) = rest.split_once(" Lib \"")?;
    let (lib, rest) = rest.split_once('"')?;
    let rest = rest.trim_start();
    let (alias, rest) = match rest.strip_prefix("Alias \"") {
        Some(r) => {
            let (a, r) = r.split_once('"')?;
            (Some(a.to_string()), r.trim_start())
        }
        None => (None, rest),
    };
    let open = rest.find('(')?;
    let close = rest.rfind(')')?;
    let params = rest[open + 1..close]
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let words: Vec<&str> = p.split_whitespace().collect();
            assert!(
                words.len() == 4 && words[2] == "As",
                "parameter {p:?} is not `ByVal|ByRef name As Type`: {line}"
            );
            assert!(
                words[0] == "ByVal" || words[0] == "ByRef",
                "say ByVal or ByRef: {line}"
            );
            (
                words[0] == "ByRef",
                words[1].to_string(),
                words[3].to_string(),
            )
        })
        .collect();
    let ret = match kind {
        "Function" => Some(
            rest[close + 1..]
                .trim()
                .strip_prefix("As ")
                .expect("a return type")
                .trim()
                .to_string(),
        ),
        "Sub" => None,
        _ => panic!("neither Function nor Sub: {line}"),
    };
    Some(Declare {
        branch,
        name: name.to_string(),
        lib: lib.to_string(),
        alias,
        params,
        ret,
        line: line.to_string(),
    })
}

fn declares() -> Vec<Declare> {
    let mut out = Vec::new();
    for (_, text) in modules() {
        for (branch, line) in branches(&text) {
            if let Some(d) = parse_declare(branch, line) {
                if d.lib == "mesh_capi.dll" {
                    out.push(d);
                }
            }
        }
    }
    out
}

/// The VBA type that carries a C value of type `ty` in `branch`, and its
/// size on the 32-bit stack: written independently of the generator.
fn by_value(header: &Header, ty: &CType, branch: Branch) -> (&'static str, usize) {
    if ty.pointers > 0 {
        return ("LongPtr", 4);
    }
    if header.is_enum(ty) {
        return ("Long", 4);
    }
    match (ty.base.as_str(), branch) {
        ("int64_t" | "uint64_t", Branch::Win64) => ("LongLong", 8),
        ("int64_t" | "uint64_t", _) => ("Currency", 8),
        ("int32_t" | "uint32_t", _) => ("Long", 4),
        ("size_t", _) => ("LongPtr", 4),
        ("double", _) => ("Double", 8),
        (other, _) => panic!("no VBA type for {other}"),
    }
}

fn check_declare(header: &Header, d: &Declare) -> Result<(), String> {
    let f = header
        .function(&d.name)
        .ok_or_else(|| format!("{} is not in the header", d.name))?;
    match d.branch {
        Branch::Win64 => {
            if d.alias.as_ref().is_some_and(|a| *a != f.name) {
                return Err(format!("64-bit {} aliases {:?}", f.name, d.alias));
            }
        }
        Branch::Win32 => {
            if d.alias.as_deref() != Some(stdcall_name(&f.name).as_str()) {
                return Err(format!(
                    "32-bit {} must call {} (stdcall), not {:?}",
                    f.name,
                    stdcall_name(&f.name),
                    d.alias
                ));
            }
        }
        Branch::Both => {
            return Err(format!(
                "{} is declared outside an #If Win64 branch",
                f.name
            ))
        }
    }
    if d.params.len() != f.params.len() {
        return Err(format!(
            "{}: {} arguments, the header has {}",
            f.name,
            d.params.len(),
            f.params.len()
        ));
    }
    let mut pushed = 0;
    for ((by_ref, name, vba), p) in d.params.iter().zip(&f.params) {
        if *by_ref {
            // A pointer the library writes one value through.
            if p.ty.pointers == 0 || !p.is_out() {
                return Err(format!(
                    "{}: {name} is ByRef but not an out-pointer",
                    f.name
                ));
            }
            let pointee = CType {
                pointers: p.ty.pointers - 1,
                ..p.ty.clone()
            };
            let (expected, _) = by_value(header, &pointee, d.branch);
            if vba != expected {
                return Err(format!(
                    "{}: ByRef {name} As {vba}, the header's *{} needs {expected}",
                    f.name,
                    pointee.spelled()
                ));
            }
            pushed += 4;
        } else {
            let (expected, size) = by_value(header, &p.ty, d.branch);
            if vba != expected {
                return Err(format!(
                    "{}: ByVal {name} As {vba}, the header's {} needs {expected}",
                    f.name,
                    p.ty.spelled()
                ));
            }
            pushed += size;
        }
    }
    if d.branch == Branch::Win32 && pushed != i686_arg_bytes(header, f) {
        return Err(format!(
            "{}: 32-bit VBA pushes {pushed} bytes, {} pops {}",
            f.name,
            stdcall_name(&f.name),
            i686_arg_bytes(header, f)
        ));
    }
    let expected_ret = if f.ret.is_void() {
        None
    } else {
        Some(by_value(header, &f.ret, d.branch).0.to_string())
    };
    if d.ret != expected_ret {
        return Err(format!(
            "{} returns {:?}, the header's {} needs {expected_ret:?}",
            f.name,
            d.ret,
            f.ret.spelled()
        ));
    }
    Ok(())
}

#[test]
fn every_declaration_matches_the_header() {
    let header = Header::committed();
    let declares = declares();
    let errors: Vec<String> = declares
        .iter()
        .filter_map(|d| {
            check_declare(&header, d)
                .err()
                .map(|e| format!("{e}\n    {}", d.line))
        })
        .collect();
    assert!(
        errors.is_empty(),
        "{}\n(the declarations are generated: see bindings/README.md)",
        errors.join("\n")
    );

    // Every function VBA can call is declared once per branch; functions
    // taking a C callback are left out (VBA cannot run on the library's
    // threads) and no others.
    let mut seen: BTreeMap<(Branch, String), usize> = BTreeMap::new();
    for d in &declares {
        *seen.entry((d.branch, d.name.clone())).or_default() += 1;
    }
    for f in &header.functions {
        let takes_callback = f.params.iter().any(|p| header.is_callback(&p.ty));
        for branch in [Branch::Win64, Branch::Win32] {
            let count = seen.get(&(branch, f.name.clone())).copied().unwrap_or(0);
            let expected = usize::from(!takes_callback);
            assert_eq!(
                count, expected,
                "{} declared {count} times in the {branch:?} branch",
                f.name
            );
        }
    }
}

#[test]
fn the_modules_call_only_what_they_declare() {
    let declared: BTreeSet<String> = declares().into_iter().map(|d| d.name).collect();
    let header = Header::committed();
    let constants: BTreeSet<String> = header
        .enums
        .iter()
        .flat_map(|e| e.constants.iter().map(|(n, _)| n.clone()))
        .chain(header.constants.iter().map(|c| c.name.clone()))
        .collect();
    for (module, text) in modules() {
        for line in text.lines() {
            let c = without_strings(code(line));
            if c.contains("Declare PtrSafe") {
                continue;
            }
            let mut rest = c.as_str();
            while let Some(at) = rest.to_ascii_lowercase().find("mesh_") {
                let word: String = rest[at..]
                    .chars()
                    .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_')
                    .collect();
                let is_word_start = at == 0
                    || !rest[..at]
                        .chars()
                        .last()
                        .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_');
                if is_word_start {
                    assert!(
                        declared.contains(&word)
                            || constants.contains(&word)
                            || word == "MESH_ERROR_BASE",
                        "{module}: {word} is neither declared nor a constant of the header: {line}"
                    );
                }
                rest = &rest[at + word.len().max(1)..];
            }
        }
    }
}

#[test]
fn the_modules_are_well_formed_for_the_vba_editor() {
    for (module, text) in modules() {
        assert!(
            text.starts_with(&format!(
                "Attribute VB_Name = \"{}\"\r\n",
                module.trim_end_matches(".bas")
            )),
            "{module}: the first line names the module"
        );
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "{module}: VBA modules use CRLF line ends"
        );
        assert!(
            text.contains("\r\nOption Explicit\r\n"),
            "{module}: Option Explicit"
        );
        let mut open: Vec<&str> = Vec::new();
        for (branch, line) in branches(&text) {
            assert!(line.len() < 1024, "{module}: line too long for VBA: {line}");
            let c = code(line).trim();
            // 32-bit VBA rejects LongLong even in code that never runs.
            if c.contains("LongLong") || c.contains("CLngLng") {
                assert_eq!(
                    branch,
                    Branch::Win64,
                    "{module}: LongLong outside #If Win64: {line}"
                );
            }
            let words: Vec<&str> = c.split_whitespace().collect();
            let start = match words.as_slice() {
                ["Public" | "Private", "Declare", ..] => None,
                ["Public" | "Private", "Sub" | "Function", ..] => Some(words[1]),
                ["Sub" | "Function", ..] => Some(words[0]),
                _ => None,
            };
            if let Some(kind) = start {
                assert!(open.is_empty(), "{module}: {kind} inside {open:?}: {line}");
                open.push(kind);
            }
            for name in declared_names(c) {
                assert!(
                    !xtask::generate::vba::RESERVED.contains(&name.to_ascii_lowercase().as_str()),
                    "{module}: {name} is a VBA keyword: {line}"
                );
            }
            if let ["End", kind @ ("Sub" | "Function")] = words.as_slice() {
                assert_eq!(open.pop(), Some(*kind), "{module}: unmatched End {kind}");
            }
        }
        assert!(open.is_empty(), "{module}: {open:?} not ended");
    }
}

/// The names a line of code declares: the parameters of a `Sub` or
/// `Function` (a `Declare` included) and the variables of a `Dim`.
fn declared_names(code: &str) -> Vec<String> {
    let words: Vec<&str> = code.split_whitespace().collect();
    let parts: Vec<&str> = match words.first() {
        Some(&"Dim") => code["Dim".len()..].split(',').collect(),
        _ if code.contains("Sub ") || code.contains("Function ") => {
            match (code.find('('), code.rfind(')')) {
                (Some(open), Some(close)) if open < close => {
                    code[open + 1..close].split(',').collect()
                }
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    parts
        .iter()
        .filter_map(|part| {
            part.split_whitespace()
                .find(|w| !["Optional", "ByVal", "ByRef", "ParamArray"].contains(w))
                .map(|w| w.split('(').next().unwrap_or(w).to_string())
        })
        .filter(|name| !name.is_empty())
        .collect()
}

#[test]
fn the_readme_snippets_are_the_example_macros() {
    let readme = std::fs::read_to_string(root().join("docs/hosts.md")).unwrap();
    let example = std::fs::read_to_string(root().join("bindings/vba/MeshExample.bas")).unwrap();
    let snippets: Vec<&str> = readme
        .split("```vba\n")
        .skip(1)
        .map(|block| &block[..block.find("```").expect("a closed VBA block")])
        .collect();
    assert!(!snippets.is_empty(), "a VBA snippet in the README");
    for snippet in snippets {
        assert!(
            example.contains(&snippet.replace('\n', "\r\n")),
            "this VBA snippet of the README is not in bindings/vba/MeshExample.bas:\n{snippet}"
        );
    }
}
