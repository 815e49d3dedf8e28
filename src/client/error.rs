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
    /// The library's runtime was shut down (`mesh_library_shutdown`) while the call
    /// was in progress; whatever the call would have made was undone.
    ShutDown,
    /// The call was interrupted (`mesh_session_interrupt`,
    /// `mesh_connection_interrupt`) before its answer came.
    Cancelled,
}

/// An error of the Mesh client: a kind, a message, and the gRPC code when the
/// server (or the gRPC layer) answered with one.
#[derive(Clone, Debug, thiserror::Error)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    code: Option<tonic::Code>,
    /// The failure came from the connection (reset, broken pipe, GOAWAY,
    /// dead connection), not from an answer of the server.
    transport: bool,
    /// The request was never sent: the connection it was queued on closed
    /// first. Sending it again is safe.
    unsent: bool,
    /// For a failed write: the points confirmed written before it failed.
    points_written: Option<usize>,
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
            transport: false,
            unsent: false,
            points_written: None,
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

    /// True when the server answered the request (with an error): it then
    /// saw the session in use. False for failures of the connection, for
    /// timeouts and for errors found before any request was sent.
    pub fn server_answered(&self) -> bool {
        self.code.is_some()
            && !self.transport
            && !matches!(self.kind, ErrorKind::Unavailable | ErrorKind::Timeout)
    }

    /// For a failed write of time series points: how many points, from the
    /// first, the server had confirmed written in the session before the
    /// failure. A write of more than one request (see
    /// [`WRITE_CHUNK_POINTS`](super::WRITE_CHUNK_POINTS)) that fails part
    /// way leaves those written; a request in flight at the failure may or
    /// may not have been applied.
    pub fn points_written(&self) -> Option<usize> {
        self.points_written
    }

    /// True when the request was never sent (the connection it was queued
    /// on had closed), so it is safe to send again.
    pub(crate) fn unsent(&self) -> bool {
        self.unsent
    }

    pub(crate) fn with_points_written(mut self, written: usize, total: usize) -> Self {
        self.points_written = Some(written);
        self.message.push_str(&format!(
            " ({written} of {total} points were written in the session before the failure; \
             roll back to discard them, or write from point {written} on again)"
        ));
        self
    }

    /// Replaces every occurrence of each secret (an access token a hostile
    /// or careless server echoed back) in the message.
    pub(crate) fn scrub<'a>(mut self, secrets: impl IntoIterator<Item = &'a str>) -> Self {
        for secret in secrets {
            if !secret.is_empty() && self.message.contains(secret) {
                self.message = self.message.replace(secret, "<token>");
            }
        }
        self
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
        // A status the server sent has no source. One with a source was made
        // by the client from a failure of the connection (connection reset,
        // broken pipe, GOAWAY, an HTTP/2 protocol error, a keep-alive ping
        // not answered), whatever code tonic gave it (often Unknown or
        // Internal): the server may be fine, and a new connection may work.
        let source = std::error::Error::source(status);
        if let Some(source) = source {
            match tls_problem(source) {
                Some(problem) => {
                    kind = ErrorKind::Tls;
                    message.push_str(&format!(": TLS: {problem}"));
                }
                None => {
                    kind = ErrorKind::Unavailable;
                    message.push_str(&format!(": {}", error_chain(source)));
                }
            }
        }
        Error {
            kind,
            message,
            code: Some(status.code()),
            transport: source.is_some(),
            unsent: source.is_some_and(never_sent),
            points_written: None,
        }
    }

    pub(crate) fn timeout(what: &str, after: std::time::Duration) -> Self {
        Self::new(
            ErrorKind::Timeout,
            format!("{what} failed: no answer within {} ms", after.as_millis()),
        )
    }
}

/// Whether `e` says the request never left the client: hyper cancels a
/// request it had queued, unsent, when the connection closes under it (as
/// right after a dead connection is given up).
fn never_sent(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_canceled)
        {
            return true;
        }
        cur = err.source();
    }
    false
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

    #[test]
    fn transport_failures_are_unavailable_whatever_the_code() {
        // tonic makes these from a failure of the connection: the cause is
        // the status's source, and the code often Unknown or Internal.
        for kind in [
            std::io::ErrorKind::ConnectionReset,
            std::io::ErrorKind::BrokenPipe,
            std::io::ErrorKind::UnexpectedEof,
        ] {
            let status = Status::from_error(Box::new(std::io::Error::from(kind)));
            let e = Error::from_status("Commit", &status);
            assert_eq!(e.kind(), ErrorKind::Unavailable, "{kind:?}: {e}");
            assert!(!e.server_answered(), "{kind:?}");
        }
        let mut status = Status::internal("h2 protocol error: connection reset");
        status.set_source(std::sync::Arc::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset,
        )));
        let e = Error::from_status("Commit", &status);
        assert_eq!(e.kind(), ErrorKind::Unavailable);
        assert_eq!(e.grpc_code(), Some(Code::Internal));
        // The same codes sent by the server are the server's errors, and
        // show the server saw the request.
        for code in [Code::Internal, Code::Unknown] {
            let e = Error::from_status("Commit", &Status::new(code, "boom"));
            assert_eq!(e.kind(), ErrorKind::Server);
            assert!(e.server_answered());
        }
        let e = Error::from_status("Commit", &Status::unavailable("busy"));
        assert!(!e.server_answered());
        assert!(!Error::timeout("Commit", std::time::Duration::ZERO).server_answered());
    }

    #[test]
    fn secrets_are_scrubbed() {
        let status = Status::unauthenticated("token s3cret-token (Bearer s3cret-token) rejected");
        let e = Error::from_status("Commit", &status).scrub(["s3cret-token", ""]);
        assert_eq!(
            e.to_string(),
            "Commit failed: token <token> (Bearer <token>) rejected (gRPC status Unauthenticated, code 16)"
        );
    }

    #[test]
    fn a_failed_write_says_how_many_points_were_written() {
        let e = Error::new(ErrorKind::Timeout, "WriteTimeseries failed: no answer")
            .with_points_written(300_000, 1_000_000);
        assert_eq!(e.points_written(), Some(300_000));
        assert!(e
            .message()
            .contains("300000 of 1000000 points were written"));
        assert_eq!(e.kind(), ErrorKind::Timeout);
    }
}
