//! The C surface: arguments in, handles and status codes out. Holds no
//! protocol logic: each function checks its arguments, resolves handles,
//! runs one `client` operation on the global runtime, and maps the result.
//!
//! Every exported function runs inside [`guard`], which catches panics
//! (`MESH_ERROR_INTERNAL`) and records the thread's last error message.
//! Handles are keys into registries, never dereferenced pointers, so a
//! closed, freed or made-up handle is detected (`MESH_ERROR_INVALID_HANDLE`).

#![allow(non_camel_case_types)]
// The safety contract of each function is the C one, stated once in the
// header: every pointer is NULL or valid for what its name says.
#![allow(clippy::missing_safety_doc)]

mod args;
mod calc;
mod calc_expression;
mod calc_functions;
mod callback;
mod catalog;
mod connection;
mod handles;
mod model_args;
mod model_attribute;
mod model_curves;
mod model_definition;
mod model_handles;
mod model_lists;
mod model_object;
mod model_read;
mod model_update;
mod options;
mod process;
mod resource;
mod session;
// The stdcall twins of every function, for 32-bit Windows hosts (VBA);
// generated from the header by tests/header.rs.
/// cbindgen:ignore
#[cfg(any(all(windows, target_arch = "x86"), test))]
#[rustfmt::skip]
mod stdcall;
mod timeseries;
mod transformed;

use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::client::{Error, ErrorKind};

pub use calc::*;
pub use calc_expression::*;
pub use calc_functions::*;
pub use callback::mesh_expired_callback;
pub use catalog::*;
pub use connection::*;
pub use model_attribute::*;
pub use model_curves::*;
pub use model_definition::*;
pub use model_handles::{mesh_attribute, mesh_attribute_list, mesh_object, mesh_object_list};
pub use model_lists::*;
pub use model_object::*;
pub use model_read::*;
pub use model_update::*;
pub use options::*;
pub use resource::*;
pub use session::*;
pub use timeseries::*;
pub use transformed::*;

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
    /// `mesh_shutdown` ran while the call was in progress: the call was
    /// cancelled and handed out nothing.
    MESH_ERROR_SHUTDOWN = 16,
    /// Called in a `fork()` child of the process that was using the
    /// library, where it cannot work (see `mesh_shutdown`).
    MESH_ERROR_FORKED = 17,
}

use mesh_status::*;

/// Every status, in number order (for `mesh_status_name` and tests).
const ALL_STATUSES: [mesh_status; 18] = [
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
];

/// The status an integer coming from C stands for, if any.
pub(crate) fn status_from_int(value: i32) -> Option<mesh_status> {
    usize::try_from(value)
        .ok()
        .and_then(|i| ALL_STATUSES.get(i).copied())
}

/// A failure on its way to C: a status and what to say about it.
pub(crate) struct Failure {
    status: mesh_status,
    message: String,
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
        let status = match e.kind() {
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
        };
        Failure::new(status, e.to_string())
    }
}

pub(crate) type FfiResult<T = ()> = Result<T, Failure>;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn set_last_error(message: String) {
    // A message must fit a C string: no interior NUL.
    let message = message.replace('\0', "\\0");
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = message);
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "unknown panic"
    }
}

/// Runs the body of exported function `name`: in a fork child it fails at
/// once (`MESH_ERROR_FORKED`), a panic becomes `MESH_ERROR_INTERNAL`
/// without a word to stderr, a failure sets this thread's last error
/// message.
pub(crate) fn guard(name: &str, body: impl FnOnce() -> FfiResult) -> mesh_status {
    let outcome = process::check().and_then(|()| {
        crate::quiet::install();
        crate::quiet::scope(|| catch_unwind(AssertUnwindSafe(body))).unwrap_or_else(|panic| {
            Err(Failure::new(
                MESH_ERROR_INTERNAL,
                format!(
                    "internal error (a bug in mesh-capi): panic: {}",
                    panic_text(&*panic)
                ),
            ))
        })
    });
    let failure = match outcome {
        Ok(()) => return MESH_OK,
        Err(failure) => failure,
    };
    set_last_error(format!("{name}: {}", failure.message));
    failure.status
}

/// The library's version, e.g. `"0.1.0"`. A static string; never NULL.
#[no_mangle]
pub extern "C" fn mesh_library_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The name of a status, e.g. `"MESH_ERROR_SESSION_NOT_FOUND"`, or
/// `"MESH_STATUS_UNKNOWN"` for a number that is no status. A static string;
/// never NULL.
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
        None => "MESH_STATUS_UNKNOWN\0",
    };
    name.as_ptr().cast()
}

/// A `mesh_status` as it arrives from C: an integer until checked, so an
/// out-of-range value is no undefined behaviour.
pub type mesh_status_code = i32;

/// Copies this thread's last error message into `buf` (at most `cap` bytes,
/// always NUL-terminated when `cap > 0`) and returns its full length without
/// the NUL, like `snprintf`: a return value `>= cap` means it was cut short.
/// `buf` may be NULL when `cap` is 0, to ask for the length. The message
/// stays until the next failure on this thread; successes do not clear it.
/// It says which function failed and why, with the server's message and
/// gRPC code where there was one. Returns 0 when nothing has failed yet.
#[no_mangle]
pub unsafe extern "C" fn mesh_last_error_message(buf: *mut c_char, cap: usize) -> usize {
    catch_unwind(|| {
        LAST_ERROR
            .try_with(|last| {
                let last = last.borrow();
                let bytes = last.as_bytes();
                if !buf.is_null() && cap > 0 {
                    let n = bytes.len().min(cap - 1);
                    // SAFETY: the caller promises `buf` has room for `cap` bytes.
                    unsafe {
                        std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.cast::<u8>(), n);
                        *buf.add(n) = 0;
                    }
                }
                bytes.len()
            })
            .unwrap_or(0)
    })
    .unwrap_or(0)
}

/// Ends every session still open through the C API (best effort, about two
/// seconds at most), stops keep-alive, frees every connection and session
/// handle, and joins the library's threads, so that a host can unload the
/// library. Connection and session handles from before become invalid;
/// the others (options, points, resources, model results) stay valid. Any
/// later call starts the library afresh. Idempotent.
///
/// It is bounded in time whatever other threads and callbacks do: 6.5 s at
/// the very most (0.5 s for calls in progress to give up, 2 s to end open
/// sessions, 1 s for a running callback or token provider, 3 s for the
/// library's threads to stop), milliseconds when nothing is stuck. Calls in
/// progress on other threads are cancelled and give `MESH_ERROR_SHUTDOWN`;
/// a connection or session such a call was making is not handed out (a
/// session it was opening or closing is left to the server's inactivity
/// timeout). Expired callbacks queued are dropped; a callback or token
/// provider running is waited for about a second: if one is still running
/// then (say it waits for the thread calling this), this returns
/// `MESH_ERROR_TIMEOUT` naming which, and its thread is left to finish it,
/// so its `user_data` must stay valid and the library loaded until it
/// returns. It may be called from an expired callback.
///
/// After `fork()`, the child cannot use the library the parent was using:
/// every call there, this one included, fails at once with
/// `MESH_ERROR_FORKED` (the parent goes on unaffected). A child that needs
/// Mesh should `exec` a program that loads the library afresh.
#[no_mangle]
pub extern "C" fn mesh_shutdown() -> mesh_status {
    guard("mesh_shutdown", || {
        let Some(rt) = crate::runtime::take() else {
            return Ok(());
        };
        rt.cancel_calls();
        session::close_all(&rt);
        connection::free_all(&rt);
        rt.stop()?;
        Ok(())
    })
}

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
        for bad in [-1, 18, i32::MAX, i32::MIN] {
            let name = unsafe { std::ffi::CStr::from_ptr(mesh_status_name(bad)) };
            assert_eq!(name.to_str().unwrap(), "MESH_STATUS_UNKNOWN");
        }
    }

    #[test]
    fn a_panic_is_caught_and_reported() {
        let status = guard("mesh_test", || panic!("boom {}", 42));
        assert_eq!(status, MESH_ERROR_INTERNAL);
        let mut buf = [0 as c_char; 128];
        let n = unsafe { mesh_last_error_message(buf.as_mut_ptr(), buf.len()) };
        let text = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
        assert_eq!(n, text.to_bytes().len());
        assert!(text
            .to_str()
            .unwrap()
            .starts_with("mesh_test: internal error"));
        assert!(text.to_str().unwrap().ends_with("panic: boom 42"));
    }

    #[test]
    fn last_error_is_snprintf_like() {
        let _ = guard("mesh_x", || Err(Failure::invalid_argument("0123456789")));
        let full = "mesh_x: 0123456789";
        assert_eq!(
            unsafe { mesh_last_error_message(std::ptr::null_mut(), 0) },
            full.len()
        );
        let mut small = [1 as c_char; 5];
        assert_eq!(
            unsafe { mesh_last_error_message(small.as_mut_ptr(), 5) },
            full.len()
        );
        let text = unsafe { std::ffi::CStr::from_ptr(small.as_ptr()) };
        assert_eq!(text.to_str().unwrap(), "mesh");
        // A success does not clear it.
        assert_eq!(guard("mesh_y", || Ok(())), MESH_OK);
        assert_eq!(
            unsafe { mesh_last_error_message(std::ptr::null_mut(), 0) },
            full.len()
        );
        // Each thread has its own.
        let other =
            std::thread::spawn(|| unsafe { mesh_last_error_message(std::ptr::null_mut(), 0) });
        assert_eq!(other.join().unwrap(), 0);
    }
}
