//! `src/ffi/twins.rs`: the asynchronous twins of every function that talks
//! to the server. A function `mesh_X` that does has a
//! `mesh_X_request(...)` beside it in `src/ffi` (its arguments but the
//! out-parameter, made into a request); from the two signatures this makes
//! `mesh_X_start` (the same arguments and `out_operation`) and
//! `mesh_X_finish` (the operation and the same out-parameter), so the
//! blocking and the asynchronous function cannot drift apart.

use std::path::Path;

/// One parameter as the Rust source spells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RustParam {
    pub name: String,
    pub ty: String,
}

/// A function that talks to the server, with what its twins need.
#[derive(Clone, Debug)]
pub struct Requesting {
    /// `mesh_X`.
    pub name: String,
    /// The parameters of `mesh_X_request` (and of `mesh_X_start`).
    pub request_params: Vec<RustParam>,
    /// The out-parameter of `mesh_X` (and of `mesh_X_finish`), if any.
    pub out: Option<RustParam>,
}

/// The parameters of `fn <name>(` in `text`, if it is there.
fn params_of(text: &str, name: &str) -> Option<Vec<RustParam>> {
    let start = text.find(&format!("fn {name}("))? + "fn ".len() + name.len() + 1;
    let mut depth = 1;
    let mut end = start;
    for (i, c) in text[start..].char_indices() {
        match c {
            '(' | '<' | '[' => depth += 1,
            ')' | '>' | ']' if !(c == '>' && text[..start + i].ends_with('-')) => {
                depth -= 1;
                if depth == 0 {
                    end = start + i;
                    break;
                }
            }
            _ => {}
        }
    }
    Some(
        text[start..end]
            .split(',')
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (name, ty) = p.split_once(':').expect("a `name: type` parameter");
                RustParam {
                    name: name.trim().to_string(),
                    ty: ty.trim().to_string(),
                }
            })
            .collect(),
    )
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read src/ffi")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every function of `src/ffi` that talks to the server, by its
/// `mesh_X_request`, in source order (files by name).
pub fn requesting(root: &Path) -> Vec<Requesting> {
    let mut files = Vec::new();
    rust_files(&root.join("src/ffi"), &mut files);
    let mut found = Vec::new();
    for path in files {
        if path.ends_with("twins.rs") || path.ends_with("stdcall.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read a source file");
        let mut rest = text.as_str();
        while let Some(at) = rest.find("fn mesh_") {
            let name: String = rest[at + 3..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            rest = &rest[at + 3 + name.len()..];
            let Some(base) = name.strip_suffix("_request") else {
                continue;
            };
            let request_params = params_of(&text, &name).expect("the request's parameters");
            let blocking = params_of(&text, base)
                .unwrap_or_else(|| panic!("{}: {name} has no {base} beside it", path.display()));
            let out = match blocking.len().checked_sub(request_params.len()) {
                Some(0) => None,
                Some(1) => blocking.last().cloned(),
                _ => panic!("{base}: its request must take its arguments but one out-parameter"),
            };
            assert_eq!(
                blocking[..request_params.len()],
                request_params[..],
                "{base}: {name} must take the same arguments, in the same order"
            );
            found.push(Requesting {
                name: base.to_string(),
                request_params,
                out,
            });
        }
    }
    found
}

/// `*mut *mut mesh_point_list` -> `*mut mesh_point_list`.
fn pointee(ty: &str) -> String {
    ty.trim()
        .strip_prefix("*mut ")
        .unwrap_or_else(|| panic!("an out-parameter is a *mut pointer, not {ty}"))
        .to_string()
}

fn twin_pair(r: &Requesting) -> String {
    let name = &r.name;
    let mut start_params: Vec<String> = r
        .request_params
        .iter()
        .map(|p| format!("{}: {}", p.name, p.ty))
        .collect();
    start_params.push("out_operation: *mut *mut mesh_operation".to_string());
    let args: Vec<&str> = r.request_params.iter().map(|p| p.name.as_str()).collect();
    let mut start_docs = String::new();
    for p in &r.request_params {
        start_docs.push_str(&format!("/// @param {} As for `{name}`.\n", p.name));
    }
    let (finish_params, finish_body, finish_docs) = match &r.out {
        Some(out) => (
            format!("operation: *mut mesh_operation, {}: {}", out.name, out.ty),
            format!(
                "super::operation::finish::<{}>(operation, \"{name}\", {}, \"{}\")",
                pointee(&out.ty),
                out.name,
                out.name
            ),
            format!(
                "/// @param {} As for `{name}`: receives the result on success; untouched\n\
                 ///   on failure.\n",
                out.name
            ),
        ),
        None => (
            "operation: *mut mesh_operation".to_string(),
            format!("super::operation::finish_done(operation, \"{name}\")"),
            String::new(),
        ),
    };
    format!(
        "/// Starts `{name}` and returns at once. The arguments are checked as\n\
         /// `{name}` checks them before its request (a failure is returned now, and\n\
         /// nothing starts; what only the call finds comes from `{name}_finish`)\n\
         /// and copied, so the caller may free them on return; the call runs on the\n\
         /// library's runtime, its timeout counted from now. Take its result with\n\
         /// `{name}_finish`; wait, poll, cancel or set a callback with the\n\
         /// `mesh_operation_*` functions.\n\
         ///\n\
         {start_docs}\
         /// @param out_operation Receives the pending operation on success (finish\n\
         ///   it with `{name}_finish` or free it with `mesh_operation_free`);\n\
         ///   untouched on failure.\n\
         /// @return `MESH_OK` when started; otherwise what `{name}` returns for\n\
         ///   its arguments (`MESH_ERROR_INVALID_ARGUMENT`, also for a NULL\n\
         ///   `out_operation`; `MESH_ERROR_INVALID_HANDLE`), or\n\
         ///   `MESH_ERROR_SHUTDOWN` while `mesh_library_shutdown` runs.\n\
         #[no_mangle]\n\
         pub unsafe extern \"C\" fn {name}_start({start_params}) -> mesh_status {{\n    \
         guard(\"{name}_start\", || {{\n        \
         // SAFETY: the caller keeps the contract of `{name}`, whose arguments these are.\n        \
         unsafe {{ super::{name}_request({args}) }}?.start(\"{name}\", out_operation)\n    \
         }})\n\
         }}\n\
         \n\
         /// Takes the result of an operation started by `{name}_start`, as\n\
         /// `{name}` returns it, waiting for it if it has not completed (bounded by\n\
         /// the call's timeout), and frees the operation: it is an invalid handle\n\
         /// afterwards, whatever the status, unless the arguments given here are\n\
         /// refused (then nothing is taken). As with `mesh_operation_free`, its\n\
         /// callback is not running when this returns (unless called from it)\n\
         /// and will not run.\n\
         ///\n\
         /// @param operation The operation `{name}_start` gave.\n\
         {finish_docs}\
         /// @return What `{name}` would have returned, `MESH_ERROR_CANCELLED`\n\
         ///   when the operation was cancelled, freed, interrupted, its handle\n\
         ///   closed, or the library shut down before it completed;\n\
         ///   `MESH_ERROR_INVALID_ARGUMENT` for NULL arguments or an operation\n\
         ///   of another function; `MESH_ERROR_INVALID_HANDLE` for a finished,\n\
         ///   freed or made-up operation.\n\
         #[no_mangle]\n\
         pub unsafe extern \"C\" fn {name}_finish({finish_params}) -> mesh_status {{\n    \
         guard(\"{name}_finish\", || {finish_body})\n\
         }}\n",
        start_params = start_params.join(", "),
        args = args.join(", "),
    )
}

pub fn generate(root: &Path) -> String {
    let mut out = String::from(
        "//! The asynchronous twins of every function that talks to the server:\n\
         //! `mesh_X_start` (the arguments of `mesh_X` but its out-parameter, and\n\
         //! `out_operation`) and `mesh_X_finish` (the operation and the\n\
         //! out-parameter of `mesh_X`), both made from the `mesh_X_request` that\n\
         //! `mesh_X` itself uses (see `request` and `operation`).\n\
         //!\n\
         //! Generated by xtask from the signatures of `mesh_X` and `mesh_X_request`\n\
         //! in src/ffi; do not edit. Regenerate: cargo xtask generate\n\
         \n\
         #![allow(unused_unsafe, unused_imports, clippy::too_many_arguments)]\n\
         \n\
         use std::ffi::{c_char, c_void};\n\
         \n\
         use super::*;\n",
    );
    for r in requesting(root) {
        out.push('\n');
        out.push_str(&twin_pair(&r));
    }
    out
}
