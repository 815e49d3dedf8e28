//! The naming rule of the C API (written at the top of the header and in
//! docs/naming.md), checked on every name the header declares: nouns, verbs
//! and qualifiers from closed lists (`xtask/src/names.rs`), `_at` exactly on
//! the functions that index a list the caller holds, constants in a known
//! family, and each verb's kind against what the function's source really
//! does: a request verb (`read`, `write`, ...) makes a request to the server,
//! a local verb never does.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use xtask::c_header::Header;
use xtask::names::{family_of, parse, VerbKind};

use crate::common::root;

/// Parameters that number an item of a list the caller holds (`size_t`).
const INDEX_PARAMS: &[&str] = &["index", "set", "curve", "version"];

#[test]
fn every_function_name_follows_the_rule() {
    let header = Header::committed();
    let mut broken = Vec::new();
    for f in &header.functions {
        match parse(&f.name) {
            Ok(parsed) => {
                let takes_index = f.params.iter().any(|p| {
                    INDEX_PARAMS.contains(&p.name.as_str())
                        && p.ty.base == "size_t"
                        && p.ty.pointers == 0
                });
                if parsed.indexed != takes_index {
                    broken.push(format!(
                        "{}: `_at` goes exactly on functions taking an index (this one {})",
                        f.name,
                        if takes_index { "does" } else { "does not" }
                    ));
                }
            }
            Err(why) => broken.push(why),
        }
    }
    for name in header
        .opaque_structs
        .iter()
        .chain(header.callbacks.iter().map(|c| &c.name))
    {
        if xtask::names::noun_of(name).is_none() {
            broken.push(format!("type {name}: not a noun of the list"));
        }
    }
    assert!(
        broken.is_empty(),
        "names off the rule:\n{}",
        broken.join("\n")
    );
}

#[test]
fn every_constant_is_in_a_known_family() {
    let header = Header::committed();
    let outside: Vec<&str> = header
        .macros
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| name.starts_with("MESH_") && *name != "MESH_CAPI_H")
        .chain(
            header
                .enums
                .iter()
                .flat_map(|e| e.constants.iter().map(|(n, _)| n.as_str())),
        )
        .filter(|name| family_of(name).is_none())
        .collect();
    assert!(outside.is_empty(), "constants in no family: {outside:?}");
}

/// The functions of one source file: name and body.
fn functions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("fn ") {
        let after = &rest[at + 3..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let before_ok =
            at == 0 || !rest[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        let (Some(open), true) = (after.find('{'), before_ok && !name.is_empty()) else {
            rest = after;
            continue;
        };
        // A declaration without a body (`fn x();` in a trait) ends first.
        if after.find(';').is_some_and(|semi| semi < open) {
            rest = after;
            continue;
        }
        let mut depth = 0;
        let mut end = open;
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push((name, after[open..=end].to_string()));
        rest = &after[open..];
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && path
                .file_name()
                .is_some_and(|n| n != "stdcall.rs" && n != "twins.rs")
        {
            out.push(path);
        }
    }
}

/// The exported functions that make a request to the server: those whose
/// body, or that of a function of the same file or of the module they call
/// by path, runs an operation on the runtime (`.run(`, `.call(`,
/// `block_on(`) or makes a request to run (`.request(`, `Request::new(`).
/// The generated twins (`_start`, `_finish`) are not read: they are checked
/// against this set instead.
fn requesting_functions() -> HashSet<String> {
    let mut files = Vec::new();
    rust_files(&root().join("src/ffi"), &mut files);
    // Per file: function name -> body.
    let parsed: Vec<(String, HashMap<String, String>)> = files
        .iter()
        .map(|path| {
            let module = path
                .strip_prefix(root().join("src/ffi"))
                .unwrap()
                .with_extension("")
                .to_string_lossy()
                .replace('/', "::")
                .trim_end_matches("::mod")
                .to_string();
            let text = std::fs::read_to_string(path).unwrap();
            let mut map: HashMap<String, String> = HashMap::new();
            for (name, body) in functions(&text) {
                map.entry(name).or_default().push_str(&body);
            }
            (module, map)
        })
        .collect();
    let markers = [".run(", ".call(", "block_on(", ".request(", "Request::new("];
    let mut requesting: HashSet<(usize, String)> = HashSet::new();
    for (i, (_, map)) in parsed.iter().enumerate() {
        for (name, body) in map {
            if markers.iter().any(|m| body.contains(m)) {
                requesting.insert((i, name.clone()));
            }
        }
    }
    // Calls of a requesting function of the same file (`name(`, `self.name(`)
    // or of another file by path (`module::name(`), to a fixed point.
    loop {
        let mut grew = false;
        for (i, (_, map)) in parsed.iter().enumerate() {
            for (name, body) in map {
                if requesting.contains(&(i, name.clone())) {
                    continue;
                }
                let calls = requesting.iter().any(|(j, callee)| {
                    let (module, _) = &parsed[*j];
                    let leaf = module.rsplit("::").next().unwrap_or(module);
                    let local = *j == i
                        && (body.contains(&format!(" {callee}("))
                            || body.contains(&format!("({callee}("))
                            || body.contains(&format!(".{callee}(")));
                    let by_path = body.contains(&format!("{leaf}::{callee}("));
                    local || by_path
                });
                if calls {
                    requesting.insert((i, name.clone()));
                    grew = true;
                }
            }
        }
        if !grew {
            break;
        }
    }
    requesting
        .into_iter()
        .map(|(_, name)| name)
        .filter(|name| name.starts_with("mesh_"))
        .collect()
}

#[test]
fn request_verbs_are_on_exactly_the_functions_that_make_requests() {
    let header = Header::committed();
    let requesting = requesting_functions();
    let mut wrong = Vec::new();
    for f in &header.functions {
        if twin_of(&f.name).is_some() {
            continue;
        }
        let Ok(parsed) = parse(&f.name) else { continue };
        let requests = requesting.contains(&f.name);
        match parsed.kind {
            VerbKind::Request if !requests => wrong.push(format!(
                "{}: `{}` says it asks the server, but it makes no request",
                f.name, parsed.verb
            )),
            VerbKind::Local if requests => wrong.push(format!(
                "{}: `{}` is a local verb, but it makes a request",
                f.name, parsed.verb
            )),
            _ => {}
        }
    }
    assert!(
        wrong.is_empty(),
        "verbs that mislead:\n{}",
        wrong.join("\n")
    );
    // The check sees requests at all (it would pass vacuously otherwise).
    for known in [
        "mesh_timeseries_read_by_key",
        "mesh_calc_run",
        "mesh_object_read",
        "mesh_attribute_update_int",
    ] {
        assert!(
            requesting.contains(known),
            "{known} not seen to make a request"
        );
    }
    for known in [
        "mesh_point_list_count",
        "mesh_object_list_at",
        "mesh_calc_expression_sum",
    ] {
        assert!(
            !requesting.contains(known),
            "{known} seen to make a request"
        );
    }
}

/// The function a generated asynchronous twin is of.
fn twin_of(name: &str) -> Option<&str> {
    name.strip_suffix("_start")
        .or_else(|| name.strip_suffix("_finish"))
}

#[test]
fn every_function_that_talks_to_the_server_has_its_asynchronous_twins() {
    let header = Header::committed();
    let declared: HashSet<&str> = header.functions.iter().map(|f| f.name.as_str()).collect();
    let requesting = requesting_functions();
    let mut wrong = Vec::new();
    for f in &header.functions {
        if let Some(base) = twin_of(&f.name) {
            if !requesting.contains(base) {
                wrong.push(format!(
                    "{}: a twin of {base}, which makes no request",
                    f.name
                ));
            }
            continue;
        }
        // Shutdown ends the library and every operation with it.
        if requesting.contains(&f.name) && f.name != "mesh_library_shutdown" {
            for twin in [format!("{}_start", f.name), format!("{}_finish", f.name)] {
                if !declared.contains(twin.as_str()) {
                    wrong.push(format!("{}: talks to the server but has no {twin}", f.name));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "twins amiss:\n{}", wrong.join("\n"));
    // Sees them at all: every request verb's function, and the life ones.
    assert!(
        requesting.len() >= 70,
        "{} requesting functions",
        requesting.len()
    );
    for known in [
        "mesh_connection_open",
        "mesh_session_close",
        "mesh_calc_run_sum",
    ] {
        assert!(
            declared.contains(format!("{known}_start").as_str()),
            "{known}"
        );
    }
}

#[test]
fn the_rule_parser_refuses_what_breaks_it() {
    for bad in [
        "mesh_read_timeseries_by_key",
        "mesh_units_list",
        "mesh_xy_sets_get",
        "mesh_object_frobnicate",
        "mesh_session",
        "mesh_object_read_by_colour",
    ] {
        assert!(parse(bad).is_err(), "{bad} passed");
    }
    let p = parse("mesh_attribute_value_int_at").unwrap();
    assert_eq!((p.noun, p.verb, p.indexed), ("attribute", "value", true));
    assert_eq!(parse("mesh_calc_run_sum").unwrap().kind, VerbKind::Request);
    assert_eq!(
        parse("mesh_calc_expression_sum").unwrap().kind,
        VerbKind::Local
    );
}

#[test]
fn the_closed_lists_hold_each_word_once() {
    use xtask::names::{FAMILIES, NOUNS, QUALIFIERS, VERBS};
    let mut seen = HashSet::new();
    for noun in NOUNS.iter().map(|(n, _)| *n) {
        assert!(seen.insert(("noun", noun)), "noun {noun} twice");
    }
    for verb in VERBS.iter().map(|(v, _)| *v) {
        assert!(seen.insert(("verb", verb)), "verb {verb} twice");
    }
    for qualifier in QUALIFIERS {
        assert!(
            seen.insert(("qualifier", qualifier)),
            "qualifier {qualifier} twice"
        );
    }
    for family in FAMILIES.iter().map(|(f, _)| *f) {
        assert!(seen.insert(("family", family)), "family {family} twice");
    }
}
