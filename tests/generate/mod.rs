//! Generators of the host bindings' declarations from the parsed header:
//! the stdcall twins for 32-bit Windows (`src/ffi/stdcall.rs`), the .NET
//! P/Invoke layer (`bindings/dotnet/MeshCapi.Native.g.cs`) and the VBA
//! `Declare` block of `bindings/vba/MeshCapi.bas`. `tests/header.rs` writes
//! them with `MESH_UPDATE_HEADER=1` and otherwise fails when one is stale.

pub mod dotnet;
pub mod stdcall;
pub mod vba;

/// `mesh_session_id` -> `SessionId`; `MESH_ERROR_TLS` (after the prefix) -> `ErrorTls`.
pub fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Replaces the text between the lines `begin` and `end` (markers kept).
pub fn replace_between(text: &str, begin: &str, end: &str, body: &str) -> Option<String> {
    let start = text.find(begin)? + begin.len();
    let start = start + text[start..].find('\n')? + 1;
    let stop = start + text[start..].find(end)?;
    let stop = text[..stop].rfind('\n').map_or(stop, |i| i + 1);
    Some(format!("{}{}{}", &text[..start], body, &text[stop..]))
}
