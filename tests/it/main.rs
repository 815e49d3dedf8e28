//! The integration tests of mesh-capi, one binary: what a user sees,
//! through the C API (from Rust calling the exported functions, and from C,
//! C++, .NET and VBA programs it builds and runs) and the Rust API, against
//! the emulator over real TCP on 127.0.0.1. One module per concern; shared
//! helpers in `common` and `support`. Tests that need a process of their
//! own (shutdown, thread counts) re-run this binary for themselves
//! (`common::process`).

mod common;
mod support;

mod arrow_interop;
mod availability;
mod availability_bad_input;
mod availability_instances;
mod availability_restrictions;
mod availability_sessions;
mod bad_input;
mod bindings_cpp;
mod bindings_dotnet;
mod bindings_vba;
mod c_hosts;
mod c_programs;
mod calc;
mod calc_bad_input;
mod calc_rust;
mod callbacks;
mod catalog;
mod chaos;
mod faults;
mod fork;
mod header;
mod interrupt;
mod keepalive;
mod kerberos;
mod log;
mod mesh_check;
mod model_bad_input;
mod model_change_refusals;
mod model_changes;
mod model_commits;
mod model_read;
mod model_rust;
mod naming;
mod operations;
mod packaging;
mod reference;
mod rust_api;
mod scale;
mod sdk_parity;
mod sessions;
mod shutdown;
mod shutdown_races;
mod statistics;
mod timeseries;
mod timeseries_large;
mod timeseries_mesh;
mod tls_auth;
mod token_provider_hangs;
mod version;
mod windows;
mod windows_kerberos;
mod windows_stdcall;
