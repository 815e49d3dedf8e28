//! The async Rust core: connections, sessions and their keep-alive. Usable
//! from Rust directly inside any tokio runtime; knows nothing of C.

mod auth;
mod connection;
mod error;
mod id;
mod session;

pub use auth::TokenProvider;
pub use connection::{
    ConnectOptions, Connection, RootCertificate, UserIdentity, MIN_SERVER_VERSION,
};
pub use error::{Error, ErrorKind, Result};
pub use id::parse_session_id;
pub use session::{ExpiredHook, Session};
pub use uuid::Uuid;
