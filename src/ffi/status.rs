//! The status every `mesh_*` function returns, its names, and the failure
//! a function body returns on its way to C (a status and a message).

use std::ffi::c_char;

use crate::client::{Error, ErrorKind};

/// The result of every `mesh_*` function that can fail. The numbers are
/// stable: host bindings depend on them.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum mesh_status {
    /// Success.
    MESH_OK = 0,
    /// NULL pointer, bad UTF-8, malformed id, bad address or option value.
    MESH_ERROR_INVALID_ARGUMENT = 1,
    /// A closed, detached, freed or made-up handle.
    MESH_ERROR_INVALID_HANDLE = 2,
    /// The caller's buffer is too small; `*len_out` holds the length needed.
    MESH_ERROR_BUFFER_TOO_SMALL = 3,
    /// The server does not know this session id (never existed, ended, timed out).
    MESH_ERROR_SESSION_NOT_FOUND = 4,
    /// This handle's session was lost (timed out, ended elsewhere, server restarted).
    MESH_ERROR_SESSION_EXPIRED = 5,
    /// Some other thing the server does not know.
    MESH_ERROR_NOT_FOUND = 6,
    /// The server cannot be reached.
    MESH_ERROR_UNAVAILABLE = 7,
    /// No answer within the deadline.
    MESH_ERROR_TIMEOUT = 8,
    /// The server wants (valid) credentials.
    MESH_ERROR_UNAUTHENTICATED = 9,
    /// The caller may not do this.
    MESH_ERROR_PERMISSION_DENIED = 10,
    /// A limit was hit, e.g. a message over the size limit.
    MESH_ERROR_RESOURCE_EXHAUSTED = 11,
    /// TLS setup or handshake failed.
    MESH_ERROR_TLS = 12,
    /// The server is older than 2.21.0.
    MESH_ERROR_INCOMPATIBLE_SERVER = 13,
    /// Any other error the server reports.
    MESH_ERROR_SERVER = 14,
    /// A bug in this library, or a caught panic.
    MESH_ERROR_INTERNAL = 15,
    /// `mesh_library_shutdown` ran while the call was in progress: the call was
    /// cancelled and handed out nothing.
    MESH_ERROR_SHUTDOWN = 16,
    /// Called in a `fork()` child of the process that was using the
    /// library, where it cannot work (see `mesh_library_shutdown`).
    MESH_ERROR_FORKED = 17,
    /// `mesh_library_check_version`: the library loaded cannot serve a
    /// program compiled with this header (see docs/compatibility.md).
    MESH_ERROR_VERSION_MISMATCH = 18,
    /// `mesh_session_interrupt` or `mesh_connection_interrupt` interrupted
    /// the call before its answer came: what a request already sent did on
    /// the server is unknown (see `mesh_session_interrupt`).
    MESH_ERROR_CANCELLED = 19,
}

use mesh_status::*;

/// Every status, in number order (for `mesh_status_name` and tests).
const ALL_STATUSES: [mesh_status; 20] = [
    MESH_OK,
    MESH_ERROR_INVALID_ARGUMENT,
    MESH_ERROR_INVALID_HANDLE,
    MESH_ERROR_BUFFER_TOO_SMALL,
    MESH_ERROR_SESSION_NOT_FOUND,
    MESH_ERROR_SESSION_EXPIRED,
    MESH_ERROR_NOT_FOUND,
    MESH_ERROR_UNAVAILABLE,
    MESH_ERROR_TIMEOUT,
    MESH_ERROR_UNAUTHENTICATED,
    MESH_ERROR_PERMISSION_DENIED,
    MESH_ERROR_RESOURCE_EXHAUSTED,
    MESH_ERROR_TLS,
    MESH_ERROR_INCOMPATIBLE_SERVER,
    MESH_ERROR_SERVER,
    MESH_ERROR_INTERNAL,
    MESH_ERROR_SHUTDOWN,
    MESH_ERROR_FORKED,
    MESH_ERROR_VERSION_MISMATCH,
    MESH_ERROR_CANCELLED,
];

/// The status an integer coming from C stands for, if any.
pub(crate) fn status_from_int(value: i32) -> Option<mesh_status> {
    usize::try_from(value)
        .ok()
        .and_then(|i| ALL_STATUSES.get(i).copied())
}

/// A failure on its way to C: a status and what to say about it.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: mesh_status,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(status: mesh_status, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(MESH_ERROR_INVALID_ARGUMENT, message)
    }

    pub(crate) fn invalid_handle(what: &str) -> Self {
        Self::new(
            MESH_ERROR_INVALID_HANDLE,
            format!(
                "invalid {what} handle: closed, detached, freed, or never made by this library"
            ),
        )
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::new(status_of(e.kind()), e.to_string())
    }
}

/// The status an error of `kind` gives.
pub(crate) fn status_of(kind: ErrorKind) -> mesh_status {
    match kind {
        ErrorKind::InvalidArgument => MESH_ERROR_INVALID_ARGUMENT,
        ErrorKind::SessionNotFound => MESH_ERROR_SESSION_NOT_FOUND,
        ErrorKind::SessionExpired => MESH_ERROR_SESSION_EXPIRED,
        ErrorKind::NotFound => MESH_ERROR_NOT_FOUND,
        ErrorKind::Unavailable => MESH_ERROR_UNAVAILABLE,
        ErrorKind::Timeout => MESH_ERROR_TIMEOUT,
        ErrorKind::Unauthenticated => MESH_ERROR_UNAUTHENTICATED,
        ErrorKind::PermissionDenied => MESH_ERROR_PERMISSION_DENIED,
        ErrorKind::ResourceExhausted => MESH_ERROR_RESOURCE_EXHAUSTED,
        ErrorKind::Tls => MESH_ERROR_TLS,
        ErrorKind::IncompatibleServer => MESH_ERROR_INCOMPATIBLE_SERVER,
        ErrorKind::Server => MESH_ERROR_SERVER,
        ErrorKind::Closed => MESH_ERROR_INVALID_HANDLE,
        ErrorKind::Internal => MESH_ERROR_INTERNAL,
        ErrorKind::ShutDown => MESH_ERROR_SHUTDOWN,
        ErrorKind::Cancelled => MESH_ERROR_CANCELLED,
    }
}

pub(crate) type FfiResult<T = ()> = Result<T, Failure>;

/// The name of a status, e.g. `"MESH_ERROR_SESSION_NOT_FOUND"`, or
/// `"MESH_STATUS_UNKNOWN"` for a number that is no status. A static string;
/// never NULL.
///
/// @param status The status, as an integer (any value).
/// @return The status's name as a static NUL-terminated string, or
///   `"MESH_STATUS_UNKNOWN"`; never NULL.
#[no_mangle]
pub extern "C" fn mesh_status_name(status: mesh_status_code) -> *const c_char {
    let name: &'static str = match status_from_int(status) {
        Some(MESH_OK) => "MESH_OK\0",
        Some(MESH_ERROR_INVALID_ARGUMENT) => "MESH_ERROR_INVALID_ARGUMENT\0",
        Some(MESH_ERROR_INVALID_HANDLE) => "MESH_ERROR_INVALID_HANDLE\0",
        Some(MESH_ERROR_BUFFER_TOO_SMALL) => "MESH_ERROR_BUFFER_TOO_SMALL\0",
        Some(MESH_ERROR_SESSION_NOT_FOUND) => "MESH_ERROR_SESSION_NOT_FOUND\0",
        Some(MESH_ERROR_SESSION_EXPIRED) => "MESH_ERROR_SESSION_EXPIRED\0",
        Some(MESH_ERROR_NOT_FOUND) => "MESH_ERROR_NOT_FOUND\0",
        Some(MESH_ERROR_UNAVAILABLE) => "MESH_ERROR_UNAVAILABLE\0",
        Some(MESH_ERROR_TIMEOUT) => "MESH_ERROR_TIMEOUT\0",
        Some(MESH_ERROR_UNAUTHENTICATED) => "MESH_ERROR_UNAUTHENTICATED\0",
        Some(MESH_ERROR_PERMISSION_DENIED) => "MESH_ERROR_PERMISSION_DENIED\0",
        Some(MESH_ERROR_RESOURCE_EXHAUSTED) => "MESH_ERROR_RESOURCE_EXHAUSTED\0",
        Some(MESH_ERROR_TLS) => "MESH_ERROR_TLS\0",
        Some(MESH_ERROR_INCOMPATIBLE_SERVER) => "MESH_ERROR_INCOMPATIBLE_SERVER\0",
        Some(MESH_ERROR_SERVER) => "MESH_ERROR_SERVER\0",
        Some(MESH_ERROR_INTERNAL) => "MESH_ERROR_INTERNAL\0",
        Some(MESH_ERROR_SHUTDOWN) => "MESH_ERROR_SHUTDOWN\0",
        Some(MESH_ERROR_FORKED) => "MESH_ERROR_FORKED\0",
        Some(MESH_ERROR_VERSION_MISMATCH) => "MESH_ERROR_VERSION_MISMATCH\0",
        Some(MESH_ERROR_CANCELLED) => "MESH_ERROR_CANCELLED\0",
        None => "MESH_STATUS_UNKNOWN\0",
    };
    name.as_ptr().cast()
}

/// A `mesh_status` as it arrives from C: an integer until checked, so an
/// out-of-range value is no undefined behaviour.
pub type mesh_status_code = i32;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_have_stable_numbers_and_names() {
        for (i, status) in ALL_STATUSES.iter().enumerate() {
            assert_eq!(*status as i32, i as i32);
            assert_eq!(status_from_int(i as i32), Some(*status));
            let name = unsafe { std::ffi::CStr::from_ptr(mesh_status_name(i as i32)) };
            assert_eq!(name.to_str().unwrap(), format!("{status:?}"));
        }
        for bad in [-1, ALL_STATUSES.len() as i32, i32::MAX, i32::MIN] {
            let name = unsafe { std::ffi::CStr::from_ptr(mesh_status_name(bad)) };
            assert_eq!(name.to_str().unwrap(), "MESH_STATUS_UNKNOWN");
        }
    }
}
