//! Compiles the project's `proto/` into gRPC server stubs for the emulator,
//! and client stubs for its protocol tests (exposed as `mesh_emulator::proto`).
//! The emulator shares the .proto files with the library, never its code.
//! See `proto/rust/compile.rs`.

include!("../proto/rust/compile.rs");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../proto");
    compile_mesh_protos(&root, true, true)
}
