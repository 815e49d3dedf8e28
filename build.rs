//! Compiles `proto/` into Rust gRPC client stubs (clients only: the shipped
//! library contains no server code). See `proto/rust/compile.rs`.

include!("proto/rust/compile.rs");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("proto");
    compile_mesh_protos(&root, true, false)
}
