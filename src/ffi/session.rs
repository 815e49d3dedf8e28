//! `mesh_session`: an open Mesh session, kept alive in the background, with
//! an optional callback when it is found expired.

use std::ffi::{c_char, c_void};
use std::future::Future;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use super::args::{c_str, out_ptr, write_out, write_text};
use super::callback::{mesh_expired_callback, CallbackSlot};
use super::handles::Registry;
use super::{connection, guard, mesh_connection, mesh_status, FfiResult};
use crate::client::{parse_session_id, Session};
use crate::runtime::Runtime;

/// An open Mesh session (`mesh_session_open` or `mesh_session_attach`, then
/// `mesh_session_close` or `mesh_session_detach`).
pub struct mesh_session {
    _private: [u8; 0],
}

pub(crate) struct SessionHandle {
    pub(crate) session: Session,
    callback: Arc<CallbackSlot>,
    /// The runtime the session's connection and keep-alive live on.
    rt: Arc<Runtime>,
}

impl SessionHandle {
    /// Runs one C call's `operation` through this session: bounded as a
    /// whole by the call timeout, cancelled by `mesh_shutdown`.
    pub(crate) fn run<T: Send>(
        &self,
        operation: impl Future<Output = crate::client::Result<T>> + Send,
    ) -> crate::client::Result<T> {
        let limit = self.session.shared().options().call_timeout;
        self.rt.call(limit, operation)
    }
}

static SESSIONS: LazyLock<Registry<SessionHandle>> = LazyLock::new(|| Registry::new(3, "session"));

/// How long `mesh_shutdown` waits for open sessions to end.
const SHUTDOWN_CLOSE_WAIT: Duration = Duration::from_secs(2);

pub(crate) fn resolve(session: *const mesh_session) -> FfiResult<Arc<SessionHandle>> {
    SESSIONS.get(session)
}

/// Registers a new session (unless shutdown has begun, in which case the
/// session is dropped: keep-alive stops and the server ends it after its
/// inactivity timeout), wiring its expiry to the C callback thread.
fn register(rt: &Arc<Runtime>, session: Session) -> FfiResult<*mut mesh_session> {
    let callback = Arc::new(CallbackSlot::default());
    let for_hook = Arc::downgrade(&callback);
    let callbacks = rt.callbacks();
    session.set_expired_hook(Some(Box::new(move |id| {
        callbacks.post(Box::new(move || {
            if let Some(slot) = for_hook.upgrade() {
                slot.fire(&id.hyphenated().to_string());
            }
        }));
    })));
    let handle = SessionHandle {
        session,
        callback,
        rt: rt.clone(),
    };
    Ok(rt.admit(|| SESSIONS.insert(handle))?)
}

/// Ends every session opened on runtime `rt` (for `mesh_shutdown`), within
/// a bounded time. Their callbacks are cleared first.
pub(crate) fn close_all(rt: &Arc<Runtime>) {
    let handles = SESSIONS.drain_where(|h| Arc::ptr_eq(&h.rt, rt));
    for handle in &handles {
        handle.callback.clear_now();
    }
    if handles.is_empty() {
        return;
    }
    rt.block_on(async move {
        let mut closing = tokio::task::JoinSet::new();
        for handle in handles {
            closing.spawn(async move { handle.session.close().await });
        }
        let _ = tokio::time::timeout(SHUTDOWN_CLOSE_WAIT, async {
            while closing.join_next().await.is_some() {}
        })
        .await;
    });
}

/// Starts a new session on the server. It is kept alive in the background
/// until closed or detached.
#[no_mangle]
pub unsafe extern "C" fn mesh_session_open(
    connection: *mut mesh_connection,
    out: *mut *mut mesh_session,
) -> mesh_status {
    guard("mesh_session_open", || {
        let connection = connection::resolve(connection)?;
        let out = out_ptr(out, "out")?;
        let session = connection.run(connection.conn.open_session())?;
        write_out(out, register(&connection.rt, session)?);
        Ok(())
    })
}

/// Attaches to an open session by id, e.g. one opened and detached by
/// another process. `session_id` is the canonical form in any case, or
/// braced (`{...}`). A malformed id gives `MESH_ERROR_INVALID_ARGUMENT`
/// without a request; an id the server does not know (never existed, ended,
/// timed out) gives `MESH_ERROR_SESSION_NOT_FOUND`.
#[no_mangle]
pub unsafe extern "C" fn mesh_session_attach(
    connection: *mut mesh_connection,
    session_id: *const c_char,
    out: *mut *mut mesh_session,
) -> mesh_status {
    guard("mesh_session_attach", || {
        let connection = connection::resolve(connection)?;
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let text = unsafe { c_str(session_id, "session_id") }?;
        let out = out_ptr(out, "out")?;
        let id = parse_session_id(text)?;
        let session = connection.run(connection.conn.attach_session(id))?;
        write_out(out, register(&connection.rt, session)?);
        Ok(())
    })
}

/// Writes the session id in canonical lower-case form (36 characters, so a
/// buffer of 37 bytes always fits). See the buffer convention.
#[no_mangle]
pub unsafe extern "C" fn mesh_session_id(
    session: *const mesh_session,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_session_id", || {
        let handle = resolve(session)?;
        let id = handle.session.id().hyphenated().to_string();
        // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
        unsafe { write_text(&id, buf, cap, len_out) }
    })
}

/// Publishes the session's changes to other sessions, all of them or none.
///
/// A commit that meets a change another session committed first (both
/// created an object of the same name, say) publishes nothing and fails with
/// the status of the server's gRPC code (`MESH_ERROR_SERVER` from the
/// emulator, which answers `FAILED_PRECONDITION`); the last error quotes
/// Mesh's `session <id> is corrupt due to changes done by some other
/// session, rollback your changes to fix your session`. So does, with
/// `Missing owner`, a commit of an object created under an owner another
/// session has deleted meanwhile. The session then fails every commit until
/// `mesh_session_rollback`, which discards its uncommitted changes and shows
/// it what the others committed: roll back, make the changes again, commit.
#[no_mangle]
pub extern "C" fn mesh_session_commit(session: *mut mesh_session) -> mesh_status {
    guard("mesh_session_commit", || {
        let handle = resolve(session)?;
        handle.run(handle.session.commit())?;
        Ok(())
    })
}

/// Discards the session's uncommitted changes; committed ones stay.
#[no_mangle]
pub extern "C" fn mesh_session_rollback(session: *mut mesh_session) -> mesh_status {
    guard("mesh_session_rollback", || {
        let handle = resolve(session)?;
        handle.run(handle.session.rollback())?;
        Ok(())
    })
}

/// Extends the session now. Keep-alive does this by itself; call it to learn
/// the server's inactivity timeout, written in milliseconds to
/// `*expires_in_ms_out` (which may be NULL).
#[no_mangle]
pub unsafe extern "C" fn mesh_session_extend(
    session: *mut mesh_session,
    expires_in_ms_out: *mut i64,
) -> mesh_status {
    guard("mesh_session_extend", || {
        let handle = resolve(session)?;
        let timeout = handle.run(handle.session.extend())?;
        if !expires_in_ms_out.is_null() {
            write_out(
                expires_in_ms_out,
                i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX),
            );
        }
        Ok(())
    })
}

/// Writes 1 to `*out` if the session has expired (the server said it is
/// gone, or could not be reached before its timeout ran out), else 0. Asks
/// the server nothing.
#[no_mangle]
pub unsafe extern "C" fn mesh_session_is_expired(
    session: *const mesh_session,
    out: *mut i32,
) -> mesh_status {
    guard("mesh_session_is_expired", || {
        let handle = resolve(session)?;
        let out = out_ptr(out, "out")?;
        write_out(out, i32::from(handle.session.is_expired()));
        Ok(())
    })
}

/// Sets the callback run once when this session is found expired, with
/// `user_data` passed back to it; NULL clears it. See
/// `mesh_expired_callback` for the thread it runs on and what it may do.
///
/// When this returns, the callback set before (if any) is neither running
/// nor will it run, so its `user_data` may be freed: a call of it already
/// queued is dropped, and one running is waited for, except when this is
/// called from inside that callback.
#[no_mangle]
pub extern "C" fn mesh_session_set_expired_callback(
    session: *mut mesh_session,
    callback: mesh_expired_callback,
    user_data: *mut c_void,
) -> mesh_status {
    guard("mesh_session_set_expired_callback", || {
        let handle = resolve(session)?;
        handle.callback.set(callback, user_data);
        Ok(())
    })
}

/// Stops keep-alive and frees the handle, leaving the session open on the
/// server for another client (or process) to attach to. It expires there
/// after the server's inactivity timeout unless someone attaches.
///
/// When this returns, the session's expired callback is neither running nor
/// will it run (as after `mesh_session_set_expired_callback` with NULL).
/// NULL is a no-op that returns `MESH_OK` and leaves the last error alone.
#[no_mangle]
pub extern "C" fn mesh_session_detach(session: *mut mesh_session) -> mesh_status {
    if session.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_session_detach", || {
        let handle = SESSIONS.remove(session)?;
        handle.callback.set(None, std::ptr::null_mut());
        handle.session.detach();
        Ok(())
    })
}

/// Ends the session on the server (uncommitted changes are lost) and frees
/// the handle. The handle is freed whatever the outcome: on
/// `MESH_ERROR_SESSION_EXPIRED` the session was already gone, on
/// `MESH_ERROR_UNAVAILABLE` or `MESH_ERROR_TIMEOUT` the server will drop it
/// after its inactivity timeout. Closing twice gives `MESH_ERROR_INVALID_HANDLE`.
///
/// When this returns, the session's expired callback is neither running nor
/// will it run (as after `mesh_session_set_expired_callback` with NULL).
/// NULL is a no-op that returns `MESH_OK` and leaves the last error alone.
#[no_mangle]
pub extern "C" fn mesh_session_close(session: *mut mesh_session) -> mesh_status {
    if session.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_session_close", || {
        let handle = SESSIONS.remove(session)?;
        handle.callback.set(None, std::ptr::null_mut());
        handle.run(handle.session.close())?;
        Ok(())
    })
}
