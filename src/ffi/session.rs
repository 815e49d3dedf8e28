//! `mesh_session`: an open Mesh session, kept alive in the background, with
//! an optional callback when it is found expired.

use crate::sync::lock;
use std::ffi::{c_char, c_void, CString};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use super::args::{c_str, out_ptr, write_out, write_text};
use super::handles::Registry;
use super::{connection, guard, mesh_connection, mesh_status, FfiResult};
use crate::client::{parse_session_id, Session};
use crate::runtime::{self, Runtime};

/// An open Mesh session (`mesh_session_open` or `mesh_session_attach`, then
/// `mesh_session_close` or `mesh_session_detach`).
pub struct mesh_session {
    _private: [u8; 0],
}

/// Called once when a session is found expired, with the session id
/// (canonical form, valid during the call) and the `user_data` given with it.
/// Runs on a thread the library owns that is not a runtime worker, so it may
/// call any `mesh_*` function, `mesh_session_close` on this session included.
pub type mesh_expired_callback =
    Option<unsafe extern "C" fn(session_id: *const c_char, user_data: *mut c_void)>;

#[derive(Clone, Copy)]
struct Callback {
    function: mesh_expired_callback,
    /// The C pointer, kept as an address: it is only handed back to C.
    user_data: usize,
}

pub(crate) struct SessionHandle {
    pub(crate) session: Session,
    callback: Arc<Mutex<Callback>>,
}

static SESSIONS: LazyLock<Registry<SessionHandle>> = LazyLock::new(|| Registry::new(3, "session"));

/// How long `mesh_shutdown` waits for open sessions to end.
const SHUTDOWN_CLOSE_WAIT: Duration = Duration::from_secs(2);

pub(crate) fn resolve(session: *const mesh_session) -> FfiResult<Arc<SessionHandle>> {
    SESSIONS.get(session)
}

/// Registers a new session, wiring its expiry to the C callback thread.
fn register(rt: &Runtime, session: Session) -> *mut mesh_session {
    let callback = Arc::new(Mutex::new(Callback {
        function: None,
        user_data: 0,
    }));
    let for_hook = callback.clone();
    let callbacks = rt.callbacks();
    session.set_expired_hook(Some(Box::new(move |id| {
        callbacks.post(Box::new(move || {
            let cb = *lock(&for_hook);
            if let (Some(function), Ok(text)) = (cb.function, CString::new(id.to_string())) {
                // SAFETY: the function and user data are the caller's, given
                // through mesh_session_set_expired_callback for this purpose.
                unsafe {
                    function(
                        text.as_ptr(),
                        std::ptr::with_exposed_provenance_mut(cb.user_data),
                    )
                };
            }
        }));
    })));
    SESSIONS.insert(SessionHandle { session, callback })
}

/// Ends every session still open (for `mesh_shutdown`).
pub(crate) fn close_all() {
    let handles = SESSIONS.drain();
    let Some(rt) = runtime::current() else {
        return;
    };
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
        let rt = runtime::get()?;
        let session = rt.block_on(connection.open_session())?;
        write_out(out, register(&rt, session));
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
        let rt = runtime::get()?;
        let session = rt.block_on(connection.attach_session(id))?;
        write_out(out, register(&rt, session));
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

/// Publishes the session's changes to other sessions.
#[no_mangle]
pub extern "C" fn mesh_session_commit(session: *mut mesh_session) -> mesh_status {
    guard("mesh_session_commit", || {
        let handle = resolve(session)?;
        runtime::get()?.block_on(handle.session.commit())?;
        Ok(())
    })
}

/// Discards the session's uncommitted changes; committed ones stay.
#[no_mangle]
pub extern "C" fn mesh_session_rollback(session: *mut mesh_session) -> mesh_status {
    guard("mesh_session_rollback", || {
        let handle = resolve(session)?;
        runtime::get()?.block_on(handle.session.rollback())?;
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
        let timeout = runtime::get()?.block_on(handle.session.extend())?;
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
/// `mesh_expired_callback` for the thread it runs on.
#[no_mangle]
pub extern "C" fn mesh_session_set_expired_callback(
    session: *mut mesh_session,
    callback: mesh_expired_callback,
    user_data: *mut c_void,
) -> mesh_status {
    guard("mesh_session_set_expired_callback", || {
        let handle = resolve(session)?;
        *lock(&handle.callback) = Callback {
            function: callback,
            user_data: user_data.expose_provenance(),
        };
        Ok(())
    })
}

/// Stops keep-alive and frees the handle, leaving the session open on the
/// server for another client (or process) to attach to. It expires there
/// after the server's inactivity timeout unless someone attaches.
#[no_mangle]
pub extern "C" fn mesh_session_detach(session: *mut mesh_session) -> mesh_status {
    guard("mesh_session_detach", || {
        SESSIONS.remove(session)?.session.detach();
        Ok(())
    })
}

/// Ends the session on the server (uncommitted changes are lost) and frees
/// the handle. The handle is freed whatever the outcome: on
/// `MESH_ERROR_SESSION_EXPIRED` the session was already gone, on
/// `MESH_ERROR_UNAVAILABLE` or `MESH_ERROR_TIMEOUT` the server will drop it
/// after its inactivity timeout. Closing twice gives `MESH_ERROR_INVALID_HANDLE`.
#[no_mangle]
pub extern "C" fn mesh_session_close(session: *mut mesh_session) -> mesh_status {
    guard("mesh_session_close", || {
        let handle = SESSIONS.remove(session)?;
        runtime::get()?.block_on(handle.session.close())?;
        Ok(())
    })
}
