//! The generated Mesh gRPC stubs, in a module tree that mirrors the protobuf
//! packages (the generated code refers to its siblings by relative path),
//! with short names for each package. Shared, through `#[path]`, by the
//! library, the emulator and the benchmarks; each compiles the side it needs
//! (see `compile.rs`).
#![allow(clippy::all, missing_docs, dead_code, unused_imports)]

pub mod volue {
    pub mod mesh {
        pub mod grpc {
            pub mod r#type {
                tonic::include_proto!("volue.mesh.grpc.r#type");
            }
            pub mod session {
                pub mod v1alpha {
                    tonic::include_proto!("volue.mesh.grpc.session.v1alpha");
                }
            }
            pub mod config {
                pub mod v1alpha {
                    tonic::include_proto!("volue.mesh.grpc.config.v1alpha");
                }
            }
            pub mod auth {
                pub mod v1alpha {
                    tonic::include_proto!("volue.mesh.grpc.auth.v1alpha");
                }
            }
            pub mod model_definition {
                pub mod v1alpha {
                    tonic::include_proto!("volue.mesh.grpc.model_definition.v1alpha");
                }
            }
            pub mod time_series {
                pub mod v1alpha {
                    tonic::include_proto!("volue.mesh.grpc.time_series.v1alpha");
                }
            }
            pub mod model {
                pub mod v1alpha {
                    tonic::include_proto!("volue.mesh.grpc.model.v1alpha");
                }
            }
            pub mod calc {
                pub mod v1alpha {
                    tonic::include_proto!("volue.mesh.grpc.calc.v1alpha");
                }
            }
            pub mod availability {
                pub mod v1alpha {
                    tonic::include_proto!("volue.mesh.grpc.availability.v1alpha");
                }
            }
        }
    }
}

pub use volue::mesh::grpc::auth::v1alpha as auth;
pub use volue::mesh::grpc::availability::v1alpha as availability;
pub use volue::mesh::grpc::calc::v1alpha as calc;
pub use volue::mesh::grpc::config::v1alpha as config;
pub use volue::mesh::grpc::model::v1alpha as model;
pub use volue::mesh::grpc::model_definition::v1alpha as model_definition;
pub use volue::mesh::grpc::r#type as types;
pub use volue::mesh::grpc::session::v1alpha as session;
pub use volue::mesh::grpc::time_series::v1alpha as time_series;
