//! `mesh_session`: an open Mesh session, kept alive in the background, with
//! an optional callback when it is found expired.

use std::ffi::{c_char, c_void};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::client::{parse_session_id, Session};
use crate::ffi::args::{c_str, out_ptr, write_out, write_text};
use crate::ffi::callback::{mesh_expired_callback, CallbackSlot};
use crate::ffi::handles::{HandleKind, Registry};
use crate::ffi::interrupt::{interrupted_by_either, Interrupt};
use crate::ffi::request::{nothing, Request};
use crate::ffi::{connection, guard, mesh_connection, mesh_status, FfiResult};
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
    /// `mesh_session_interrupt`.
    interrupt: Arc<Interrupt>,
    /// The interrupt of the connection handle the session came from.
    connection_interrupt: Arc<Interrupt>,
}

impl SessionHandle {
    /// A call through this session of `work`, given the handle: bounded as
    /// a whole by the call timeout (from now), given up when the session or
    /// its connection is interrupted or the session closed, and cancelled
    /// by `mesh_library_shutdown`; `deliver` makes the out-parameter's value
    /// of its answer.
    pub(crate) fn request<T, F, O>(
        self: &Arc<Self>,
        work: impl FnOnce(Arc<SessionHandle>) -> F,
        deliver: impl FnOnce(T) -> FfiResult<O> + Send + 'static,
    ) -> Request<O>
    where
        T: Send + 'static,
        F: Future<Output = crate::client::Result<T>> + Send + 'static,
        O: 'static,
    {
        Request::new(
            self.rt.clone(),
            self.session.shared().options().call_timeout,
            interrupted_by_either(&self.interrupt, &self.connection_interrupt),
            work(self.clone()),
            deliver,
        )
    }
}

static SESSIONS: Registry<SessionHandle> = Registry::new(HandleKind::Session, "session");

/// How long `mesh_library_shutdown` waits for open sessions to end.
const SHUTDOWN_CLOSE_WAIT: Duration = Duration::from_secs(2);

pub(crate) fn resolve(session: *const mesh_session) -> FfiResult<Arc<SessionHandle>> {
    SESSIONS.get(session)
}

/// Registers a new session (unless shutdown has begun, in which case the
/// session is dropped: keep-alive stops and the server ends it after its
/// inactivity timeout), wiring its expiry to the C callback thread.
fn register(
    connection: &connection::ConnectionHandle,
    session: Session,
) -> FfiResult<*mut mesh_session> {
    let rt = &connection.rt;
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
        interrupt: Interrupt::new("session"),
        connection_interrupt: connection.interrupt.clone(),
    };
    rt.admit(|| SESSIONS.insert(handle))?
}

/// Ends every session opened on runtime `rt` (for `mesh_library_shutdown`), within
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
///
/// @param connection The connection to open the session through.
/// @param out Receives the new session handle on success (end it with
///   `mesh_session_close` or `mesh_session_detach`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument;
///   `MESH_ERROR_INVALID_HANDLE` for a closed or made-up connection; or a
///   status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_session_open(
    connection: *mut mesh_connection,
    out: *mut *mut mesh_session,
) -> mesh_status {
    guard("mesh_session_open", || {
        mesh_session_open_request(connection)?.wait(out, "out")
    })
}

pub(crate) fn mesh_session_open_request(
    connection: *mut mesh_connection,
) -> FfiResult<Request<*mut mesh_session>> {
    let connection = connection::resolve(connection)?;
    let registering = connection.clone();
    Ok(connection.request(
        |c| async move { c.conn.open_session().await },
        move |session| register(&registering, session),
    ))
}

/// Attaches to an open session by id, e.g. one opened and detached by
/// another process. `session_id` is the canonical form in any case, or
/// braced (`{...}`). A malformed id gives `MESH_ERROR_INVALID_ARGUMENT`
/// without a request; an id the server does not know (never existed, ended,
/// timed out) gives `MESH_ERROR_SESSION_NOT_FOUND`.
///
/// @param connection The connection to attach through.
/// @param session_id The id of the open session (UTF-8, NUL-terminated); not
///   NULL.
/// @param out Receives the new session handle on success (end it with
///   `mesh_session_close` or `mesh_session_detach`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument or a
///   malformed id; `MESH_ERROR_INVALID_HANDLE` for a closed or made-up
///   connection; `MESH_ERROR_SESSION_NOT_FOUND` when the server does not know
///   the id; or another status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_session_attach(
    connection: *mut mesh_connection,
    session_id: *const c_char,
    out: *mut *mut mesh_session,
) -> mesh_status {
    guard("mesh_session_attach", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_session_attach_request(connection, session_id) }?.wait(out, "out")
    })
}

pub(crate) unsafe fn mesh_session_attach_request(
    connection: *mut mesh_connection,
    session_id: *const c_char,
) -> FfiResult<Request<*mut mesh_session>> {
    let connection = connection::resolve(connection)?;
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let text = unsafe { c_str(session_id, "session_id") }?;
    let id = parse_session_id(text)?;
    let registering = connection.clone();
    Ok(connection.request(
        move |c| async move { c.conn.attach_session(id).await },
        move |session| register(&registering, session),
    ))
}

/// Writes the session id in canonical lower-case form (36 characters, so a
/// buffer of 37 bytes always fits). See the buffer convention.
///
/// @param session The session.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may
///   be NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session` (or
///   a NULL `buf` with `cap` above 0); `MESH_ERROR_INVALID_HANDLE` for a
///   closed, detached or made-up handle; or `MESH_ERROR_BUFFER_TOO_SMALL`.
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
///
/// @param session The session whose changes to publish.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session`;
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up handle; or
///   a status of the call to the server (see `mesh_status`), such as the one
///   for a conflicting change described above.
#[no_mangle]
pub extern "C" fn mesh_session_commit(session: *mut mesh_session) -> mesh_status {
    guard("mesh_session_commit", || {
        mesh_session_commit_request(session)?.wait_done()
    })
}

pub(crate) fn mesh_session_commit_request(session: *mut mesh_session) -> FfiResult<Request<()>> {
    Ok(resolve(session)?.request(|h| async move { h.session.commit().await }, nothing))
}

/// Discards the session's uncommitted changes; committed ones stay.
///
/// @param session The session whose uncommitted changes to discard.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session`;
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up handle; or
///   a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub extern "C" fn mesh_session_rollback(session: *mut mesh_session) -> mesh_status {
    guard("mesh_session_rollback", || {
        mesh_session_rollback_request(session)?.wait_done()
    })
}

pub(crate) fn mesh_session_rollback_request(session: *mut mesh_session) -> FfiResult<Request<()>> {
    Ok(resolve(session)?.request(|h| async move { h.session.rollback().await }, nothing))
}

/// Extends the session now. Keep-alive does this by itself; call it to learn
/// the server's inactivity timeout, written in milliseconds to
/// `*expires_in_ms_out` (which may be NULL).
///
/// @param session The session to extend.
/// @param expires_in_ms_out Receives the server's inactivity timeout in
///   milliseconds on success; may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session`;
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up handle; or
///   a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_session_extend(
    session: *mut mesh_session,
    expires_in_ms_out: *mut i64,
) -> mesh_status {
    guard("mesh_session_extend", || {
        mesh_session_extend_request(session)?.wait(expires_in_ms_out, "expires_in_ms_out")
    })
}

pub(crate) fn mesh_session_extend_request(session: *mut mesh_session) -> FfiResult<Request<i64>> {
    Ok(resolve(session)?
        .request(
            |h| async move { h.session.extend().await },
            |timeout| Ok(i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX)),
        )
        .optional_out())
}

/// Writes 1 to `*out` if the session has expired (the server said it is
/// gone, or could not be reached before its timeout ran out), else 0. Asks
/// the server nothing.
///
/// @param session The session.
/// @param out Receives 1 when the session has expired, else 0, on success;
///   untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument; or
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up handle.
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
///
/// @param session The session to watch.
/// @param callback The function to run once when the session is found
///   expired, or NULL to clear the one set.
/// @param user_data Passed back to `callback` as it is; may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `session`; or
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up handle.
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
///
/// @param session The session handle to free; NULL is a no-op.
/// @return `MESH_OK`, or `MESH_ERROR_INVALID_HANDLE` for a handle already
///   closed or detached, or made up.
#[no_mangle]
pub extern "C" fn mesh_session_detach(session: *mut mesh_session) -> mesh_status {
    if session.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_session_detach", || {
        let handle = SESSIONS.remove(session)?;
        handle.callback.set(None, std::ptr::null_mut());
        handle.interrupt.fire_because(DETACHED);
        handle.session.detach();
        Ok(())
    })
}

/// Makes the calls in flight on this session, from any thread, give up at
/// once with `MESH_ERROR_CANCELLED`, as SQLite's `sqlite3_interrupt` does:
/// for a user's "Cancel" while another thread waits in a long read, search
/// or calculation. Calls that start after it are not affected; one
/// starting at the same moment may or may not be. The session stays open
/// and usable (keep-alive goes on). Safe from any thread, a callback
/// included; makes no request.
///
/// What an interrupted call did on the server: the library stops waiting,
/// and a request already sent may still run there. An interrupted read
/// changed nothing. An interrupted write or model change may or may not
/// have been made in the session: read it back, or roll back. An
/// interrupted `mesh_session_commit` may or may not have committed: the
/// session's changes are either all committed or all still pending, and a
/// read in another session tells which. A write split into several
/// requests (a long series) may have sent some of them: those are in the
/// session, not committed.
///
/// @param session The session whose calls to interrupt.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for NULL; or
///   `MESH_ERROR_INVALID_HANDLE` for a closed, detached or made-up handle.
#[no_mangle]
pub extern "C" fn mesh_session_interrupt(session: *const mesh_session) -> mesh_status {
    guard("mesh_session_interrupt", || {
        resolve(session)?.interrupt.fire();
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
///
/// @param session The session to end; NULL is a no-op.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_HANDLE` for a handle already closed
///   or detached, or made up; or a status of the call to the server (see
///   `mesh_status`), such as `MESH_ERROR_SESSION_EXPIRED`; the handle is freed
///   in every case but the invalid handle.
#[no_mangle]
pub extern "C" fn mesh_session_close(session: *mut mesh_session) -> mesh_status {
    if session.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_session_close", || {
        mesh_session_close_request(session)?.wait_done()
    })
}

/// Ends the handle at once (its pending calls are cancelled); the request
/// closes the session on the server.
pub(crate) fn mesh_session_close_request(session: *mut mesh_session) -> FfiResult<Request<()>> {
    if session.is_null() {
        return Err(crate::ffi::Failure::invalid_argument("session is NULL"));
    }
    let handle = SESSIONS.remove(session)?;
    handle.callback.set(None, std::ptr::null_mut());
    handle.interrupt.fire_because(CLOSED);
    Ok(handle.request(|h| async move { h.session.close().await }, nothing))
}

const CLOSED: &str = "the session was closed (mesh_session_close) before the answer came";
const DETACHED: &str = "the session was detached (mesh_session_detach) before the answer came";
