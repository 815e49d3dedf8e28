//! `mesh_library_set_log_callback`: the library's log, delivered to the
//! host (see `crate::log`).

use std::ffi::{c_char, c_void};

use crate::ffi::{guard, mesh_status, Failure};

/// The most severe level: a call or the library failed in a way the host
/// should hear of (`mesh_library_set_log_callback`).
pub const MESH_LOG_LEVEL_ERROR: i32 = 1;
/// Something went wrong and was ridden out or will be retried: a keep-alive
/// that failed, a connection given up for dead, a session found expired, a
/// call that timed out.
pub const MESH_LOG_LEVEL_WARNING: i32 = 2;
/// What the library did on its own or learned: connects and their
/// addresses, sign-ins and token renewals, the server's session timeout,
/// recoveries, retries, shutdown.
pub const MESH_LOG_LEVEL_INFO: i32 = 3;
/// Adds every call to the server with its duration and the gRPC message
/// bytes it sent and received.
pub const MESH_LOG_LEVEL_DEBUG: i32 = 4;
/// Everything the library logs.
pub const MESH_LOG_LEVEL_TRACE: i32 = 5;

/// Receives one message of the library's log: its level
/// (`MESH_LOG_LEVEL_*`), where in the library it comes from (`target`, such
/// as `mesh_capi::client::session`), the text, and the `user_data` given
/// with it. Both strings are valid only during the call.
///
/// It runs on the library's callback thread under the rules of
/// `mesh_expired_callback`: never on a thread inside a `mesh_*` call, never
/// after `mesh_library_shutdown` has returned; it may call any `mesh_*`
/// function; it must return normally. Messages wait for it in a bounded
/// queue, so a slow callback delays no call: when the queue is full, new
/// messages are dropped, and a warning says how many once there is room.
/// No token, ticket, password or point value is ever in a message.
///
/// @param level The message's level, `MESH_LOG_LEVEL_ERROR` (1) to
///   `MESH_LOG_LEVEL_TRACE` (5).
/// @param target Where it comes from in the library (UTF-8,
///   NUL-terminated); valid only during the call.
/// @param message The text (UTF-8, NUL-terminated, one line); valid only
///   during the call.
/// @param user_data The `user_data` given to `mesh_library_set_log_callback`.
pub type mesh_log_callback = Option<
    unsafe extern "C" fn(
        level: i32,
        target: *const c_char,
        message: *const c_char,
        user_data: *mut c_void,
    ),
>;

/// Sends the library's log to `callback`: every message at `min_level` or
/// more severe (`MESH_LOG_LEVEL_ERROR` for errors only, up to
/// `MESH_LOG_LEVEL_TRACE` for everything). NULL stops it. When this
/// returns, the callback set before is not running (unless this is called
/// from inside it) and will not run, so its `user_data` may be freed. The
/// callback stays set across `mesh_library_shutdown`, which delivers the
/// messages queued before it returns (shutdown's own included; up to half a
/// second of a slow callback's time, the rest waits). Messages logged while
/// the library is shut down wait for it to start again.
///
/// A host that cannot take a callback (an Excel workbook) sets the
/// environment instead: `MESH_CAPI_LOG_FILE` names a file the log is
/// appended to, one line a message, at the level `MESH_CAPI_LOG` names
/// (`error`, `warning`, `info`, `debug`, `trace`; `info` when unset). Both
/// are read once, at the first call of any `mesh_*` function; a bad value
/// is said in the log and otherwise ignored.
///
/// @param callback The function to call with each message, or NULL to stop.
/// @param min_level The least severe level delivered, `MESH_LOG_LEVEL_ERROR`
///   to `MESH_LOG_LEVEL_TRACE`; ignored when `callback` is NULL.
/// @param user_data Passed to `callback` as it is; may be NULL.
/// @return `MESH_OK`, or `MESH_ERROR_INVALID_ARGUMENT` for a level out of
///   range (nothing changes then).
#[no_mangle]
pub extern "C" fn mesh_library_set_log_callback(
    callback: mesh_log_callback,
    min_level: i32,
    user_data: *mut c_void,
) -> mesh_status {
    guard("mesh_library_set_log_callback", || {
        let level = match (callback, u8::try_from(min_level)) {
            (None, _) => 0,
            (Some(_), Ok(level @ 1..=5)) => level,
            _ => {
                return Err(Failure::invalid_argument(format!(
                    "min_level {min_level} is not a level: MESH_LOG_LEVEL_ERROR (1) to MESH_LOG_LEVEL_TRACE (5)"
                )))
            }
        };
        crate::log::set_callback(callback, level, user_data);
        Ok(())
    })
}
