//! The `mesh-emulator` binary prints the address it bound and serves there;
//! `--catalog FILE` replaces the demo series and keeps the tests' model;
//! `--time-zone ZONE` is the zone calculations call LOCAL.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::common::*;

/// Starts the binary with `args` on a free port; returns it and its address.
fn spawn(args: &[&str]) -> (Child, std::net::SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mesh-emulator"))
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
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
    (child, address.parse().unwrap())
}

fn catalog_file(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_catalog_file_replaces_the_demo_series_and_keeps_the_tests_model() {
    let file = catalog_file(
        "catalog-ok.txt",
        "7 Resource/Plant/Level STAIRCASE HOUR m demo\n",
    );
    let (mut child, address) = spawn(&["--catalog", file.to_str().unwrap()]);
    let outcome = std::panic::catch_unwind(|| {
        run(async {
            let mut mesh = Mesh::connect_url(&format!("http://{address}")).await;
            let s = mesh.open().await;
            // 2025-01-01, where demo points start.
            let week = 1_735_689_600_000;
            let reply = mesh
                .read(&s, by_key(7), week, week + 24 * HOUR)
                .await
                .unwrap();
            assert_eq!(decode(&reply.data).0.len(), 24);
            let e = mesh
                .read(&s, by_key(101), week, week + HOUR)
                .await
                .unwrap_err();
            assert_eq!(
                e.code(),
                tonic::Code::NotFound,
                "the default demo series are gone"
            );
            let reply = mesh
                .read(
                    &s,
                    by_path(CHIMNEY_2_TS_RAW_SHORT),
                    DAY_2016 + HOUR,
                    DAY_2016 + 9 * HOUR,
                )
                .await
                .unwrap();
            assert_eq!(decode(&reply.data).0, test_day(100.0));
        })
    });
    child.kill().unwrap();
    child.wait().unwrap();
    outcome.unwrap();
}

#[test]
fn a_catalog_that_reuses_a_key_of_the_tests_model_is_refused() {
    let file = catalog_file(
        "catalog-clash.txt",
        "3 Resource/Mine/Series STAIRCASE HOUR m\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_mesh-emulator"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--catalog",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("key 3"), "{stderr}");
}

#[test]
fn prints_its_address_and_serves() {
    let (mut child, address) = spawn(&["--session-timeout", "2s"]);
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
        &["--time-zone", "Mars/Olympus_Mons"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_mesh-emulator"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage:"));
    }
}

#[test]
fn the_time_zone_option_is_what_calculations_call_local() {
    use mesh_emulator::proto::calc::calculation_response::CalculationResultOneof;
    use mesh_emulator::proto::calc::calculation_service_client::CalculationServiceClient;
    use mesh_emulator::proto::calc::CalculationRequest;

    let (mut child, address) = spawn(&["--time-zone", "Asia/Tokyo"]);
    let url = format!("http://{address}");
    let answer = run(async {
        let mut mesh = Mesh::connect_url(&url).await;
        let s = mesh.open().await;
        let channel = tonic::transport::Channel::from_shared(url.clone())
            .unwrap()
            .connect()
            .await
            .unwrap();
        let mut calc = CalculationServiceClient::new(channel);
        calc.run_calculation(CalculationRequest {
            session_id: Some(s),
            expression: "## = @TRANSFORM(@t(), 'DAY', 'SUM', 'LOCAL')".into(),
            interval: Some(interval(DAY_2016, DAY_2016 + 24 * HOUR)),
            relative_to: Some(by_key(3)),
        })
        .await
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let Some(CalculationResultOneof::TimeseriesResults(r)) = answer
        .expect("the calculation")
        .into_inner()
        .calculation_result_oneof
    else {
        panic!("a series");
    };
    let (points, _) = decode(&r.timeseries[0].data);
    // Tokyo's day (UTC+9) that holds 2016-01-01 01:00Z..09:00Z starts at
    // 2015-12-31 15:00Z and sums all of key 3's points: 100 h, 04:00 missing.
    let sum: f64 = test_day(100.0)
        .iter()
        .map(P::value)
        .filter(|v| !v.is_nan())
        .sum();
    assert_eq!(points[0].t, DAY_2016 - 9 * HOUR);
    assert_eq!(points[0].value(), sum);
}
