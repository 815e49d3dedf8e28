//! mesh-capi: a C ABI library for Volue Mesh sessions over gRPC.
//!
//! - [`client`]: the async Rust core (connection, session, keep-alive), usable
//!   from Rust directly.
//! - `ffi`: the C surface (`mesh_*` functions), declared in `include/mesh_capi.h`.
//! - `runtime`: the one global tokio runtime behind the C API, and shutdown.
//! - `driver`: which thread drives that runtime (a C call's own, when alone).
//! - `quiet`: keeps the library's (caught) panics off the host's stderr.
//! - `sigpipe`: blocks SIGPIPE in the library's own threads.
//! - `log`: the library's `tracing` events, delivered to a C host's log
//!   callback and log file.
//!
//! A C call enters `ffi`, which checks its arguments, resolves the handle,
//! runs one `client` operation on the global runtime with a deadline, and
//! turns the result into a status code and, on failure, a thread-local
//! message.

pub mod client;
mod driver;
pub mod ffi;
mod log;
mod proto;
mod quiet;
mod runtime;
mod sigpipe;
mod sync;
