//! Typed errors of the Rust client. `ffi/` maps each kind once to a
//! `mesh_status`; the message says what failed and carries the server's own
//! message and gRPC code where there was one.

use std::fmt;

/// What went wrong, in the terms a caller acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// An argument was malformed (bad id, bad address, bad option).
    InvalidArgument,
    /// The server does not know this session id (never existed, ended, timed out).
    SessionNotFound,
    /// This handle's session was lost: it timed out or was ended elsewhere.
    SessionExpired,
    /// Some other thing the server does not know.
    NotFound,
    /// The server cannot be reached.
    Unavailable,
    /// The operation did not finish within its deadline.
    Timeout,
    /// The server wants (valid) credentials.
    Unauthenticated,
    /// The caller may not do this.
    PermissionDenied,
    /// A size or rate limit was hit (e.g. a message over the size limit).
    ResourceExhausted,
    /// TLS setup or handshake failed.
    Tls,
    /// The server is older than this library supports.
    IncompatibleServer,
    /// Any other error the server reported.
    Server,
    /// The session was closed or detached by this client.
    Closed,
    /// A bug in this library.
    Internal,
}

/// An error of the Mesh client: a kind, a message, and the gRPC code when the
/// server (or the gRPC layer) answered with one.
#[derive(Clone, Debug, thiserror::Error)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    code: Option<tonic::Code>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(code) = self.code {
            write!(f, " (gRPC status {:?}, code {})", code, code as i32)?;
        }
        Ok(())
    }
}

/// The message Mesh answers for an unknown session id, whatever gRPC code
/// carries it: `Session with id {123E4567-...} not found.`
pub(crate) fn is_session_not_found(message: &str) -> bool {
    let Some(rest) = message
        .find("Session with id {")
        .map(|i| &message[i + 17..])
    else {
        return false;
    };
    rest.len() >= 36 + "} not found".len()
        && rest.as_bytes()[..36]
            .iter()
            .all(|b| b.is_ascii_hexdigit() || *b == b'-')
        && rest[36..].starts_with("} not found")
}

/// A message over a gRPC size limit, in tonic's words ("decoded message
/// length too large") or gRPC core's ("Received message larger than max").
pub(crate) fn is_size_limit(message: &str) -> bool {
    message.contains("message length too large") || message.contains("larger than max")
}

impl Error {
    /// An error of `kind` with a message and no gRPC code.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            code: None,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The gRPC status code, where the failure came with one.
    pub fn grpc_code(&self) -> Option<tonic::Code> {
        self.code
    }

    /// The message without the gRPC code suffix.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, message)
    }

    pub(crate) fn with_code(mut self, code: Option<tonic::Code>) -> Self {
        self.code = code;
        self
    }

    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// Turns a gRPC status from `what` (e.g. "ExtendSession") into an error.
    pub(crate) fn from_status(what: &str, status: &tonic::Status) -> Self {
        use tonic::Code;
        let server_message = status.message();
        let kind = if is_session_not_found(server_message) {
            ErrorKind::SessionNotFound
        } else {
            match status.code() {
                Code::NotFound => ErrorKind::NotFound,
                Code::Unavailable => ErrorKind::Unavailable,
                Code::DeadlineExceeded => ErrorKind::Timeout,
                Code::Unauthenticated => ErrorKind::Unauthenticated,
                Code::PermissionDenied => ErrorKind::PermissionDenied,
                Code::ResourceExhausted => ErrorKind::ResourceExhausted,
                // tonic's own message size limits answer OUT_OF_RANGE where
                // gRPC core (and so Mesh) answers RESOURCE_EXHAUSTED.
                Code::OutOfRange if is_size_limit(server_message) => ErrorKind::ResourceExhausted,
                Code::InvalidArgument | Code::OutOfRange => ErrorKind::InvalidArgument,
                _ => ErrorKind::Server,
            }
        };
        let mut kind = kind;
        let mut message = format!("{what} failed: {server_message}");
        if let Some(source) = std::error::Error::source(status) {
            // Transport failures carry the cause ("connection refused") here.
            match tls_problem(source) {
                Some(problem) => {
                    kind = ErrorKind::Tls;
                    message.push_str(&format!(": TLS: {problem}"));
                }
                None => message.push_str(&format!(": {}", error_chain(source))),
            }
        }
        Error {
            kind,
            message,
            code: Some(status.code()),
        }
    }

    pub(crate) fn timeout(what: &str, after: std::time::Duration) -> Self {
        Self::new(
            ErrorKind::Timeout,
            format!("{what} failed: no answer within {} ms", after.as_millis()),
        )
    }
}

/// "outer: inner: innermost", skipping repeats of the same text.
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cur = s.source();
    }
    out
}

/// What was wrong with TLS, if a TLS failure is somewhere in the chain, in
/// words a user can act on.
pub(crate) fn tls_problem(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    use rustls::CertificateError as C;
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        // tokio-rustls wraps rustls errors in io::Error.
        let rustls_error = err.downcast_ref::<rustls::Error>().or_else(|| {
            err.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(r) = rustls_error {
            let text = match r {
                rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
                    "the server's certificate has an unknown issuer: give its root certificate (PEM) in the options, or install it in the system's trust store".to_string()
                }
                rustls::Error::InvalidCertificate(C::NotValidForName)
                | rustls::Error::InvalidCertificate(C::NotValidForNameContext { .. }) => {
                    format!("the server's certificate does not match the name connected to ({r}); set the expected server name in the options if it differs from the address")
                }
                rustls::Error::InvalidCertificate(C::Expired)
                | rustls::Error::InvalidCertificate(C::ExpiredContext { .. }) => {
                    format!("the server's certificate has expired ({r})")
                }
                other => other.to_string(),
            };
            return Some(text);
        }
        cur = err.source();
    }
    None
}

/// Result of the Mesh client.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::{Code, Status};

    #[test]
    fn session_not_found_is_recognised_whatever_the_code() {
        let msg = "Session with id {123E4567-E89B-12D3-A456-556642440000} not found.";
        for code in [
            Code::Unknown,
            Code::NotFound,
            Code::Internal,
            Code::FailedPrecondition,
            Code::InvalidArgument,
        ] {
            let e = Error::from_status("Commit", &Status::new(code, msg));
            assert_eq!(e.kind(), ErrorKind::SessionNotFound, "{code:?}");
            assert!(e.to_string().contains(msg));
            assert_eq!(e.grpc_code(), Some(code));
        }
    }

    #[test]
    fn other_not_found_is_not_a_session() {
        for msg in [
            "Session with id {nope} not found.",
            "Timeseries with key 5 not found.",
            "Session with id {123E4567-E89B-12D3-A456-5566424400} not found.",
        ] {
            let e = Error::from_status("Read", &Status::new(Code::NotFound, msg));
            assert_eq!(e.kind(), ErrorKind::NotFound, "{msg}");
        }
    }

    #[test]
    fn codes_map_to_kinds() {
        let table = [
            (Code::Unavailable, ErrorKind::Unavailable),
            (Code::DeadlineExceeded, ErrorKind::Timeout),
            (Code::Unauthenticated, ErrorKind::Unauthenticated),
            (Code::PermissionDenied, ErrorKind::PermissionDenied),
            (Code::ResourceExhausted, ErrorKind::ResourceExhausted),
            (Code::Internal, ErrorKind::Server),
            (Code::Unknown, ErrorKind::Server),
        ];
        for (code, kind) in table {
            let e = Error::from_status("X", &Status::new(code, "boom"));
            assert_eq!(e.kind(), kind, "{code:?}");
            assert!(e.to_string().starts_with("X failed: boom (gRPC status"));
        }
    }
}
