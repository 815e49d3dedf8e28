//! The async Rust core: connections, sessions and their keep-alive, time
//! series and their catalog, calculations, the model and its availability
//! (revisions and restrictions). Usable from Rust directly inside any tokio
//! runtime; knows nothing of C.

mod auth;
pub mod availability;
pub mod calc;
mod catalog;
mod connection;
mod deadline;
mod encode;
mod error;
#[cfg(not(feature = "no-statistics"))]
mod frames;
mod id;
mod kerberos;
pub mod model;
pub(crate) mod pages;
mod points;
pub(crate) mod provider;
mod session;
mod stats;
mod stream;
mod timeseries;
mod tls;
mod transport;

pub use auth::TokenProvider;
pub use catalog::{
    CurveType, NewPhysicalTimeseries, Resolution, ResourceUpdate, TimeseriesResource,
    UnitOfMeasurement,
};
pub use connection::{
    ConnectOptions, Connection, RootCertificate, UserIdentity, DEFAULT_DEAD_CONNECTION_TIMEOUT,
    DEFAULT_MAX_RECEIVE_MESSAGE_BYTES, MIN_SERVER_VERSION,
};
pub use deadline::with_deadline;
pub use error::{Error, ErrorKind, Result};
pub use id::{parse_id, parse_session_id};
pub use kerberos::{KerberosOptions, KERBEROS_AVAILABLE};
pub use points::{points_schema, Points};
pub use session::{ExpiredHook, Session};
pub use stats::{Statistics, STATISTICS_ENABLED};
pub use timeseries::{PreparedWrite, TimeseriesId, WRITE_CHUNK_POINTS};
pub use uuid::Uuid;
