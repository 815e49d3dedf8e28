//! Compiles `proto/` into Rust gRPC client stubs with tonic/prost.
//! `protox` parses the .proto files in pure Rust, so no `protoc` binary is needed.
//! Only clients are generated: the shipped library contains no server code.

use std::path::PathBuf;

const PROTOS: &[&str] = &[
    "volue/mesh/grpc/type/resources.proto",
    "volue/mesh/grpc/session/v1alpha/session.proto",
    "volue/mesh/grpc/config/v1alpha/config.proto",
    "volue/mesh/grpc/auth/v1alpha/auth.proto",
    "volue/mesh/grpc/model_definition/v1alpha/model_definition.proto",
    "volue/mesh/grpc/time_series/v1alpha/time_series.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("proto");
    println!("cargo:rerun-if-changed={}", root.display());
    let files: Vec<PathBuf> = PROTOS.iter().map(|p| root.join(p)).collect();
    let fds = protox::compile(&files, [&root])?;
    tonic_prost_build::configure()
        .build_server(false)
        .build_client(true)
        // Arrow payloads as `Bytes`: decoded without a copy, and a request can
        // be retried (after a token refresh) without copying its points.
        .bytes(".volue.mesh.grpc.time_series.v1alpha.Timeseries.data")
        .compile_fds(fds)?;
    Ok(())
}
