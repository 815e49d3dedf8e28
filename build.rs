//! Compiles `proto/` into Rust gRPC client stubs (clients only: the shipped
//! library contains no server code; see `proto/rust/compile.rs`), and sets
//! how the shared library is linked (`packaging/build_link.rs`).

include!("proto/rust/compile.rs");

#[path = "packaging/build_link.rs"]
mod link;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("proto");
    compile_mesh_protos(&root, true, false)?;
    link::configure()
}
