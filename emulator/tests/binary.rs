//! The `mesh-emulator` binary prints the address it bound and serves there.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn prints_its_address_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mesh-emulator"))
        .args(["--listen", "127.0.0.1:0", "--session-timeout", "2s"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .trim()
        .strip_prefix("mesh-emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    let address: std::net::SocketAddr = address.parse().unwrap();
    assert_ne!(address.port(), 0);
    let connected = std::net::TcpStream::connect(address);
    child.kill().unwrap();
    child.wait().unwrap();
    connected.expect("the emulator accepts connections at the printed address");
}

#[test]
fn bad_arguments_exit_with_usage() {
    for args in [
        &["--session-timeout", "soon"][..],
        &["--listen"],
        &["--frobnicate"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_mesh-emulator"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage:"));
    }
}
