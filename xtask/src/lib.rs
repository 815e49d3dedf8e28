//! The generators of mesh-capi. The C header is made from the library's
//! source by cbindgen (`header`), laid out by the naming rule (`names`);
//! every host binding's declarations are made from the header (`c_header`
//! reads it, `generate` writes them): the stdcall twins for 32-bit Windows,
//! the .NET P/Invoke layer, the VBA `Declare` block and the Windows `.def`
//! file. `cargo xtask generate` writes them all; the test suite fails when
//! a committed one differs from what they make now.

pub mod c_header;
pub mod generate;
pub mod header;
pub mod kerberos;
pub mod names;

use std::path::{Path, PathBuf};

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ is in the repository")
        .to_path_buf()
}

/// The asynchronous twins, made from the library's source: cbindgen reads
/// them from disk, so they are written before the header is made.
pub const TWINS: &str = "src/ffi/twins.rs";

/// Every generated file: its path from the root and its content now (the
/// twins first; the rest as made from the twins on disk).
pub fn generated(root: &Path) -> Vec<(&'static str, String)> {
    let twins = generate::twins::generate(root);
    let text = header::generate(root);
    let header = c_header::Header::parse(&text);
    let bas = "bindings/vba/MeshCapi.bas";
    let committed_bas = std::fs::read_to_string(root.join(bas)).expect("read the VBA module");
    let updated_bas = generate::replace_between(
        &committed_bas,
        generate::vba::BEGIN,
        generate::vba::END,
        &generate::vba::generate(&header),
    )
    .unwrap_or_else(|| panic!("{bas} lost its generated-declarations markers"));
    let naming = "docs/naming.md";
    let committed_naming = std::fs::read_to_string(root.join(naming)).expect("read docs/naming.md");
    let updated_naming = generate::replace_between(
        &committed_naming,
        names::MARKDOWN_BEGIN,
        names::MARKDOWN_END,
        &names::markdown(),
    )
    .unwrap_or_else(|| panic!("{naming} lost its generated-lists markers"));
    vec![
        (TWINS, twins),
        (naming, updated_naming),
        ("src/ffi/stdcall.rs", generate::stdcall::generate(&header)),
        (
            "bindings/dotnet/MeshCapi.Native.g.cs",
            generate::dotnet::generate(&header),
        ),
        ("packaging/mesh_capi.def", generate::def_file(&header)),
        (bas, updated_bas),
        ("include/mesh_capi.h", text),
    ]
}

/// Writes every generated file; the paths written.
pub fn write_all(root: &Path) -> std::io::Result<Vec<&'static str>> {
    let mut written = Vec::new();
    let twins = generate::twins::generate(root);
    if std::fs::read(root.join(TWINS)).unwrap_or_default() != twins.as_bytes() {
        std::fs::write(root.join(TWINS), twins)?;
    }
    for (path, content) in generated(root) {
        std::fs::write(root.join(path), content)?;
        written.push(path);
    }
    Ok(written)
}

/// The generated files whose committed content is not what they make now.
pub fn stale(root: &Path) -> Vec<&'static str> {
    generated(root)
        .into_iter()
        .filter(|(path, content)| {
            std::fs::read(root.join(path)).unwrap_or_default() != content.as_bytes()
        })
        .map(|(path, _)| path)
        .collect()
}
