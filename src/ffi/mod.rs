//! The C surface: arguments in, handles and status codes out. Holds no
//! protocol logic: each function checks its arguments, resolves handles,
//! runs one `client` operation on the global runtime, and maps the result.
//!
//! Every exported function runs inside [`guard`], which catches panics
//! (`MESH_ERROR_INTERNAL`) and records the thread's last error message.
//! Handles are keys into registries, never dereferenced pointers, so a
//! closed, freed or made-up handle is detected (`MESH_ERROR_INVALID_HANDLE`).

#![allow(non_camel_case_types)]
// The safety contract of each function is the C one, stated once in the
// header: every pointer is NULL or valid for what its name says.
#![allow(clippy::missing_safety_doc)]

mod args;
mod availability;
mod calc;
mod callback;
mod catalog;
mod connection;
mod guard;
mod handles;
mod interrupt;
mod last_error;
mod library;
mod log;
mod model;
mod operation;
mod options;
mod points;
mod process;
mod request;
mod session;
mod statistics;
mod status;
// The stdcall twins of every function, for 32-bit Windows hosts (VBA);
// generated from the header by xtask.
/// cbindgen:ignore
#[cfg(any(all(windows, target_arch = "x86"), test))]
#[rustfmt::skip]
mod stdcall;
mod timeseries;
// The asynchronous twins (`_start`, `_finish`) of every function that talks
// to the server; generated from the header by xtask.
#[rustfmt::skip]
mod twins;

pub use availability::*;
pub use calc::*;
pub use callback::mesh_expired_callback;
pub use catalog::*;
pub use connection::*;
pub use last_error::*;
pub use library::*;
pub use log::*;
pub use model::*;
pub use operation::*;
pub use options::*;
pub use points::*;
pub use session::*;
pub use statistics::*;
pub use status::*;
pub use timeseries::*;
pub use twins::*;

pub(crate) use guard::guard;
pub(crate) use status::{status_from_int, Failure, FfiResult};
