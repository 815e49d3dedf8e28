//! A session's expired callback, and the promise about it: once
//! `mesh_session_close`, `mesh_session_detach` or
//! `mesh_session_set_expired_callback` has returned, the callback that was
//! set is neither running nor will it run, so the host may free its
//! `user_data` (a .NET `GCHandle`, say). A queued call of it is dropped, and
//! one running is waited for, unless the caller is that very callback
//! (which must not wait for itself).

use std::ffi::{c_char, c_void, CString};
use std::sync::{Condvar, Mutex};
use std::thread::ThreadId;

use crate::sync::lock;

/// Called once when a session is found expired, with the session id
/// (canonical form, valid during the call) and the `user_data` given with it.
///
/// It runs on a thread the library owns that is not a runtime worker (one
/// thread for all sessions, so callbacks run one at a time). It may call any
/// `mesh_*` function, `mesh_session_close` on its own session and
/// `mesh_library_shutdown` included. It must return normally: not throw a C++ or
/// .NET exception through the library, nor `longjmp` out of it. It should
/// return soon, since other sessions' callbacks wait for it, and it must not
/// wait for a thread that may be closing or detaching its session or
/// changing its callback, since those wait for it: in .NET, post to the UI
/// thread with `BeginInvoke`, not `Invoke`.
///
/// @param session_id The expired session's id, canonical form (UTF-8,
///   NUL-terminated); valid only during the call.
/// @param user_data The `user_data` given to
///   `mesh_session_set_expired_callback` with this callback.
pub type mesh_expired_callback =
    Option<unsafe extern "C" fn(session_id: *const c_char, user_data: *mut c_void)>;

#[derive(Clone, Copy)]
struct Callback {
    function: unsafe extern "C" fn(*const c_char, *mut c_void),
    /// The C pointer, kept as an address: it is only handed back to C.
    user_data: usize,
}

#[derive(Default)]
struct State {
    callback: Option<Callback>,
    /// The thread running the callback now, if it is running.
    running_on: Option<ThreadId>,
}

/// The callback of one session.
#[derive(Default)]
pub(crate) struct CallbackSlot {
    state: Mutex<State>,
    idle: Condvar,
}

impl CallbackSlot {
    /// Sets or clears the callback. When this returns, the one set before is
    /// not running (unless this is called from inside it) and will not run.
    pub(crate) fn set(&self, function: mesh_expired_callback, user_data: *mut c_void) {
        let callback = function.map(|function| Callback {
            function,
            user_data: user_data.expose_provenance(),
        });
        let mut state = lock(&self.state);
        state.callback = callback;
        drop(crate::sync::wait_until_not_running_elsewhere(
            state,
            &self.idle,
            |s| s.running_on,
        ));
    }

    /// Clears the callback without waiting for a running one (shutdown,
    /// which is bounded in time, waits for the callback thread instead).
    pub(crate) fn clear_now(&self) {
        lock(&self.state).callback = None;
    }

    /// Runs the callback, if one is set, for session `id`. Runs on the
    /// callback thread.
    pub(crate) fn fire(&self, id: &str) {
        let Ok(text) = CString::new(id) else {
            return;
        };
        let callback = {
            let mut state = lock(&self.state);
            let Some(callback) = state.callback else {
                return;
            };
            state.running_on = Some(std::thread::current().id());
            callback
        };
        // Marks the callback done even if it unwinds.
        struct Done<'a>(&'a CallbackSlot);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                lock(&self.0.state).running_on = None;
                self.0.idle.notify_all();
            }
        }
        let _done = Done(self);
        // SAFETY: the function and user data are the caller's, given through
        // mesh_session_set_expired_callback for this purpose, and not
        // cleared (the slot's lock was held when it was taken out, and
        // clearing waits for `running_on` to go).
        crate::quiet::outside(|| unsafe {
            (callback.function)(
                text.as_ptr(),
                std::ptr::with_exposed_provenance_mut(callback.user_data),
            )
        });
    }
}
