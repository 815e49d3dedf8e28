// Compiles the project's .proto files into Rust gRPC stubs with tonic/prost.
// `protox` parses them in pure Rust, so no `protoc` binary is needed. Shared
// by the build scripts of the library (clients only: it ships no server
// code), the emulator (servers) and the benchmarks (clients), through
// `include!`; each says which side it wants.

/// The .proto files, relative to `proto/`.
const MESH_PROTOS: &[&str] = &[
    "volue/mesh/grpc/type/resources.proto",
    "volue/mesh/grpc/session/v1alpha/session.proto",
    "volue/mesh/grpc/config/v1alpha/config.proto",
    "volue/mesh/grpc/auth/v1alpha/auth.proto",
    "volue/mesh/grpc/model_definition/v1alpha/model_definition.proto",
    "volue/mesh/grpc/time_series/v1alpha/time_series.proto",
    "volue/mesh/grpc/model/v1alpha/model.proto",
    "volue/mesh/grpc/calc/v1alpha/calc.proto",
    "volue/mesh/grpc/availability/v1alpha/availability.proto",
];

/// Generates the stubs into OUT_DIR, for `proto/rust/mod.rs` to include.
fn compile_mesh_protos(
    proto_root: &std::path::Path,
    clients: bool,
    servers: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed={}", proto_root.display());
    let files: Vec<_> = MESH_PROTOS.iter().map(|p| proto_root.join(p)).collect();
    let fds = protox::compile(&files, [proto_root])?;
    tonic_prost_build::configure()
        .build_client(clients)
        .build_server(servers)
        .build_transport(false)
        // Arrow payloads as `Bytes`: decoded without a copy, and a request can
        // be retried (after a token refresh) without copying its points.
        .bytes(".volue.mesh.grpc.time_series.v1alpha.Timeseries.data")
        .compile_fds(fds)?;
    Ok(())
}
