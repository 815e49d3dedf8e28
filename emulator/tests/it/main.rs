//! The emulator's protocol tests, as one test binary: each test file of its
//! own would link the emulator, tonic and arrow again, so the modules share
//! one build and one link. Every test starts its own emulator on a free
//! port of 127.0.0.1 and touches no process-wide state, so they run side by
//! side on the default test threads (the Kerberos tests, which need
//! GSSAPI's environment, re-run the binary for themselves); the helpers are
//! the modules not named after a service (`common`, `availability_common`,
//! `calc_common`, `kerberos_common`).
//! `cargo test -p mesh-emulator --test it <module>::` runs one module.

mod availability_common;
mod calc_common;
mod common;
#[cfg(unix)]
mod kerberos_common;

mod availability;
mod availability_instances;
mod availability_refusals;
mod binary;
mod calc_history;
mod calc_reads;
mod calc_run;
mod catalog;
#[cfg(unix)]
mod kerberos;
mod limits_and_catalog;
mod model_attributes;
mod model_curves;
mod model_objects;
mod model_relations;
mod model_sessions;
mod reads;
mod served;
mod server;
mod writes;
