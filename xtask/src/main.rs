//! `cargo xtask generate`: writes the C header and every file generated from
//! it. `cargo xtask check`: fails, naming them, when any is stale (the test
//! suite runs the same check).

use std::process::ExitCode;

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
        _ => {
            eprintln!("usage: cargo xtask generate | check");
            ExitCode::FAILURE
        }
    }
}
