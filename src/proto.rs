//! The generated Mesh gRPC client stubs (the module tree is shared with the
//! emulator and the benchmarks; see `proto/rust/`).

#[path = "../proto/rust/mod.rs"]
mod generated;

pub use generated::*;
