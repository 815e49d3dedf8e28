//! The generated Mesh gRPC stubs, servers and clients (the module tree is shared with the
//! library and the benchmarks; see `proto/rust/`).

#[path = "../../proto/rust/mod.rs"]
mod generated;

pub use generated::*;
