//! `cargo xtask generate`: writes the C header and every file generated from
//! it. `cargo xtask check`: fails, naming them, when any is stale (the test
//! suite runs the same check). `cargo xtask test [ARGS]`: every test, with
//! Kerberos where it can be built (`cargo test --workspace [--features
//! mesh-capi/kerberos] ARGS`). `cargo xtask features`: the features the
//! library is built with here (for packaging/install.sh).

use std::process::{Command, ExitCode};

/// Whether to build with Kerberos, saying so on stderr; `None` when the
/// override asks for what cannot be.
fn kerberos() -> Option<bool> {
    match xtask::kerberos::decide() {
        Ok((true, why)) => {
            eprintln!("xtask: with Kerberos ({why})");
            Some(true)
        }
        Ok((false, why)) => {
            // The tests that need it say SKIPPED themselves.
            eprintln!("xtask: without Kerberos ({why})");
            Some(false)
        }
        Err(e) => {
            eprintln!("xtask: {e}");
            None
        }
    }
}

fn main() -> ExitCode {
    let root = xtask::root();
    match std::env::args().nth(1).as_deref() {
        Some("generate") => match xtask::write_all(&root) {
            Ok(written) => {
                for path in written {
                    println!("wrote {path}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("xtask generate: {e}");
                ExitCode::FAILURE
            }
        },
        Some("check") => {
            let stale = xtask::stale(&root);
            for path in &stale {
                eprintln!("stale: {path} (run `cargo xtask generate`)");
            }
            if stale.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Some("test") => {
            let Some(kerberos) = kerberos() else {
                return ExitCode::FAILURE;
            };
            let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()));
            cargo.current_dir(&root).args(["test", "--workspace"]);
            if kerberos {
                cargo.args(["--features", "mesh-capi/kerberos"]);
            }
            cargo.args(std::env::args_os().skip(2));
            match cargo.status() {
                Ok(status) if status.success() => ExitCode::SUCCESS,
                Ok(_) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("xtask test: cannot run cargo: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("features") => match kerberos() {
            Some(kerberos) => {
                println!("{}", if kerberos { "kerberos" } else { "" });
                ExitCode::SUCCESS
            }
            None => ExitCode::FAILURE,
        },
        _ => {
            eprintln!("usage: cargo xtask generate | check | test [CARGO TEST ARGS] | features");
            ExitCode::FAILURE
        }
    }
}
