//! `mesh_operation`: a call started by a `mesh_X_start` function that has
//! not been taken yet by its `mesh_X_finish`.
//!
//! An operation is a task on the library's runtime (no thread of its own,
//! and none of the caller's memory: its request owns copies of what it
//! needs). It completes exactly once: with its answer, or with
//! `MESH_ERROR_CANCELLED` when cancelled, freed, interrupted, when its
//! session or connection is closed, or when `mesh_library_shutdown` runs,
//! whichever comes first under the operation's lock. Completion wakes the
//! threads waiting in `mesh_operation_wait` and `mesh_X_finish`, and queues
//! the operation's callback, if one is set, on the callback thread.

use std::any::Any;
use std::ffi::c_void;
use std::future::Future;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use crate::client::{Error, ErrorKind};
use crate::ffi::args::{out_ptr, write_out};
use crate::ffi::handles::{HandleKind, Registry};
use crate::ffi::mesh_status::{self, MESH_ERROR_CANCELLED};
use crate::ffi::request::Deliver;
use crate::ffi::{guard, Failure, FfiResult};
use crate::runtime::{CallbackSender, Runtime};
use crate::sync::lock;

/// A call started by a `mesh_X_start` function (`mesh_X_finish` takes its
/// result and frees it; `mesh_operation_free` drops it unfinished).
pub struct mesh_operation {
    _private: [u8; 0],
}

/// Called once when an operation completes, whatever its outcome, with the
/// operation, its status (what `mesh_X_finish` will return) and the
/// `user_data` given with it.
///
/// It runs on the library's callback thread, under the rules of
/// `mesh_expired_callback`: it may call any `mesh_*` function, the
/// operation's `mesh_X_finish` or `mesh_operation_free` included (the usual
/// thing to do); it must return normally and soon.
///
/// @param operation The operation that completed; valid until finished or
///   freed.
/// @param status Its status: `MESH_OK`, `MESH_ERROR_CANCELLED`, or the
///   failure the blocking call would have returned.
/// @param user_data The `user_data` given to `mesh_operation_set_callback`.
pub type mesh_operation_callback = Option<
    unsafe extern "C" fn(
        operation: *mut mesh_operation,
        status: mesh_status,
        user_data: *mut c_void,
    ),
>;

/// The answer of a completed operation: a `Deliver<O>` of its request, or
/// why it failed.
type Answer = Result<Box<dyn Any + Send>, Failure>;

enum Outcome {
    Pending,
    Done(Answer),
    /// Taken by `mesh_X_finish`.
    Taken,
}

#[derive(Clone, Copy)]
struct Callback {
    function: unsafe extern "C" fn(*mut mesh_operation, mesh_status, *mut c_void),
    /// The C pointer, kept as an address: it is only handed back to C.
    user_data: usize,
}

struct State {
    outcome: Outcome,
    callback: Option<Callback>,
    /// The thread running the callback now, if it is running.
    running_on: Option<ThreadId>,
}

pub(crate) struct Operation {
    /// The blocking function the operation is a call of.
    name: &'static str,
    /// Its `mesh_X_finish` accepts a NULL out-parameter.
    optional_out: bool,
    /// The operation's own handle, given to its callback.
    handle: std::sync::OnceLock<usize>,
    rt: Arc<Runtime>,
    callbacks: CallbackSender,
    state: Mutex<State>,
    /// Notified on completion and when a callback ends.
    changed: Condvar,
}

static OPERATIONS: Registry<Operation> = Registry::new(HandleKind::Operation, "operation");

fn status_of(answer: &Answer) -> mesh_status {
    match answer {
        Ok(_) => mesh_status::MESH_OK,
        Err(failure) => failure.status,
    }
}

fn cancelled(why: &str) -> Failure {
    Failure::new(MESH_ERROR_CANCELLED, why)
}

impl Operation {
    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// Completes the operation with `answer` unless it is complete already;
    /// true if this did.
    fn complete(self: &Arc<Self>, answer: Answer) -> bool {
        let mut state = self.lock();
        if !matches!(state.outcome, Outcome::Pending) {
            return false;
        }
        let status = status_of(&answer);
        state.outcome = Outcome::Done(answer);
        let has_callback = state.callback.is_some();
        drop(state);
        self.changed.notify_all();
        if has_callback {
            self.post_callback(status);
        }
        true
    }

    /// Queues the callback on the callback thread. It runs there only if it
    /// is still set then (freeing the operation clears it).
    fn post_callback(self: &Arc<Self>, status: mesh_status) {
        let op = self.clone();
        self.callbacks.post(Box::new(move || {
            let callback = {
                let mut state = op.lock();
                let Some(callback) = state.callback.take() else {
                    return;
                };
                state.running_on = Some(std::thread::current().id());
                callback
            };
            let handle = op.handle.get().copied().unwrap_or(0);
            // SAFETY: the host's function, called as its contract says.
            unsafe {
                (callback.function)(
                    std::ptr::without_provenance_mut(handle),
                    status,
                    std::ptr::with_exposed_provenance_mut(callback.user_data),
                )
            };
            op.lock().running_on = None;
            op.changed.notify_all();
        }));
    }

    /// Waits until complete or `until`; true if complete.
    fn wait_until(&self, until: Option<Instant>) -> bool {
        let mut state = self.lock();
        loop {
            if !matches!(state.outcome, Outcome::Pending) {
                return true;
            }
            state = match until {
                None => self
                    .changed
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
                Some(until) => {
                    let left = until.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return false;
                    }
                    self.changed
                        .wait_timeout(state, left)
                        .map(|(state, _)| state)
                        .unwrap_or_else(|poisoned| poisoned.into_inner().0)
                }
            };
        }
    }

    /// Clears the callback and waits until it is not running (unless this
    /// thread is running it).
    fn clear_callback(&self) {
        let mut state = self.lock();
        state.callback = None;
        drop(crate::sync::wait_until_not_running_elsewhere(
            state,
            &self.changed,
            |s| s.running_on,
        ));
    }
}

/// Starts `work` (a request's bounded future) as an operation of the
/// blocking function `name` and returns its handle.
pub(crate) fn start<O: 'static>(
    rt: &Arc<Runtime>,
    name: &'static str,
    optional_out: bool,
    work: impl Future<Output = Result<Deliver<O>, Error>> + Send + 'static,
) -> FfiResult<*mut mesh_operation> {
    let op = Arc::new(Operation {
        name,
        optional_out,
        handle: std::sync::OnceLock::new(),
        rt: rt.clone(),
        callbacks: rt.callbacks(),
        state: Mutex::new(State {
            outcome: Outcome::Pending,
            callback: None,
            running_on: None,
        }),
        changed: Condvar::new(),
    });
    let handle: *mut mesh_operation = rt.admit(|| OPERATIONS.insert_shared(op.clone()))??;
    let _ = op.handle.set(handle.addr());
    let task = {
        let op = op.clone();
        async move {
            let answer = match work.await {
                Ok(deliver) => Ok(Box::new(deliver) as Box<dyn Any + Send>),
                Err(e) if e.kind() == ErrorKind::ShutDown => Err(shut_down()),
                Err(e) => Err(Failure::from(e)),
            };
            op.complete(answer);
        }
    };
    // A cancelled or freed operation completes at once, but its request
    // is not reset on the wire: the task runs on to the answer or the
    // call's timeout, and drops what comes. Cancelling hundreds at once
    // would otherwise be hundreds of stream resets in a burst, which
    // servers take for an attack (HTTP/2 rapid reset) and answer by
    // closing the connection under every other call on it.
    if rt.spawn(task).is_err() {
        op.complete(Err(shut_down()));
    }
    Ok(handle)
}

fn shut_down() -> Failure {
    cancelled("mesh_library_shutdown ran while the operation was pending: it was cancelled")
}

/// Completes every pending operation of runtime `rt` with
/// `MESH_ERROR_CANCELLED` (for `mesh_library_shutdown`; their callbacks are
/// queued before the callback thread stops). The handles stay valid, to be
/// finished or freed.
pub(crate) fn cancel_all(rt: &Arc<Runtime>) {
    for op in OPERATIONS.all_where(|op| Arc::ptr_eq(&op.rt, rt)) {
        op.complete(Err(shut_down()));
    }
}

/// Takes the result of `operation`, a call of `name`, into `out`
/// (`what` names it), waiting for it if needed, and frees the operation as
/// `mesh_operation_free` does (its callback, if it has not run, never will);
/// for the generated `mesh_X_finish` functions.
pub(crate) fn finish<O: 'static>(
    operation: *mut mesh_operation,
    name: &'static str,
    out: *mut O,
    what: &str,
) -> FfiResult {
    let op = OPERATIONS.get(operation)?;
    if op.name != name {
        return Err(Failure::invalid_argument(format!(
            "the operation is a call of {}: take its result with {}_finish, not {name}_finish",
            op.name, op.name
        )));
    }
    let out = if op.optional_out && out.is_null() {
        None
    } else {
        Some(out_ptr(out, what)?)
    };
    op.wait_until(None);
    let answer = {
        let mut state = op.lock();
        match std::mem::replace(&mut state.outcome, Outcome::Taken) {
            Outcome::Done(answer) => answer,
            // Another thread finished it meanwhile.
            _ => return Err(Failure::invalid_handle("operation")),
        }
    };
    let _ = OPERATIONS.remove(operation);
    op.clear_callback();
    let deliver = answer?
        .downcast::<Deliver<O>>()
        .map_err(|_| Failure::invalid_argument("the operation's result is of another type"))?;
    // With no place for it, the value is not made (no handle registered).
    if let Some(out) = out {
        write_out(out, deliver()?);
    }
    Ok(())
}

/// As [`finish`], for a call with no out-parameter.
pub(crate) fn finish_done(operation: *mut mesh_operation, name: &'static str) -> FfiResult {
    finish(
        operation,
        name,
        std::ptr::NonNull::<()>::dangling().as_ptr(),
        "out",
    )
}

/// Waits up to `timeout_ms` milliseconds for the operation to complete
/// (0: only looks; `UINT32_MAX`: no limit) and writes 1 to `*out_done` if it
/// has, else 0. Any thread may wait, also several at once; the operation is
/// not taken by waiting.
///
/// @param operation A pending or completed operation.
/// @param timeout_ms How long to wait at most, in ms; 0 to only look,
///   `UINT32_MAX` for as long as it takes (the call's own timeout bounds it).
/// @param out_done Receives 1 when the operation is complete, 0 when not yet
///   (on success); untouched on failure.
/// @return `MESH_OK` (whether or not it completed: see `*out_done`);
///   `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument;
///   `MESH_ERROR_INVALID_HANDLE` for a finished, freed or made-up operation.
#[no_mangle]
pub unsafe extern "C" fn mesh_operation_wait(
    operation: *mut mesh_operation,
    timeout_ms: u32,
    out_done: *mut i32,
) -> mesh_status {
    guard("mesh_operation_wait", || {
        let op = OPERATIONS.get(operation)?;
        let out_done = out_ptr(out_done, "out_done")?;
        let until = (timeout_ms != u32::MAX)
            .then(|| Instant::now() + Duration::from_millis(u64::from(timeout_ms)));
        let done = op.wait_until(until);
        write_out(out_done, i32::from(done));
        Ok(())
    })
}

/// Writes 1 to `*out_done` if the operation has completed, else 0, without
/// waiting: what a host with no threads polls (VBA, from a timer).
///
/// @param operation A pending or completed operation.
/// @param out_done Receives 1 when complete, 0 when not yet (on success);
///   untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument;
///   `MESH_ERROR_INVALID_HANDLE` for a finished, freed or made-up operation.
#[no_mangle]
pub unsafe extern "C" fn mesh_operation_is_done(
    operation: *const mesh_operation,
    out_done: *mut i32,
) -> mesh_status {
    guard("mesh_operation_is_done", || {
        let op = OPERATIONS.get(operation)?;
        let out_done = out_ptr(out_done, "out_done")?;
        let done = !matches!(op.lock().outcome, Outcome::Pending);
        write_out(out_done, i32::from(done));
        Ok(())
    })
}

/// Cancels a pending operation: it completes at once with
/// `MESH_ERROR_CANCELLED` (its callback, if set, is queued). Its request is
/// left to end by itself in the background (at its answer, which is dropped,
/// or its timeout), not reset: so cancelling many at once never looks like
/// an attack to the server. What a cancelled write or commit did on the
/// server is as for `mesh_session_interrupt`: it may have been applied. An
/// operation already complete keeps its outcome. Safe from any thread.
/// Finish or free the operation afterwards, as always.
///
/// @param operation The operation to cancel.
/// @return `MESH_OK` (also when it had completed already);
///   `MESH_ERROR_INVALID_ARGUMENT` for NULL; `MESH_ERROR_INVALID_HANDLE` for
///   a finished, freed or made-up operation.
#[no_mangle]
pub extern "C" fn mesh_operation_cancel(operation: *mut mesh_operation) -> mesh_status {
    guard("mesh_operation_cancel", || {
        let op = OPERATIONS.get(operation)?;
        op.complete(Err(cancelled("cancelled by mesh_operation_cancel")));
        Ok(())
    })
}

/// Sets the function called once when the operation completes, on the
/// library's callback thread (see `mesh_operation_callback`). If the
/// operation has completed already, the call is queued at once. An
/// operation has at most one callback: setting another fails.
///
/// @param operation The operation to watch.
/// @param callback The function to call; not NULL.
/// @param user_data Passed to `callback` as it is; may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `operation`
///   or `callback`, or an operation that has a callback already;
///   `MESH_ERROR_INVALID_HANDLE` for a finished, freed or made-up operation.
#[no_mangle]
pub extern "C" fn mesh_operation_set_callback(
    operation: *mut mesh_operation,
    callback: mesh_operation_callback,
    user_data: *mut c_void,
) -> mesh_status {
    guard("mesh_operation_set_callback", || {
        let op = OPERATIONS.get(operation)?;
        let function = callback.ok_or_else(|| Failure::invalid_argument("callback is NULL"))?;
        let mut state = op.lock();
        if state.callback.is_some() || state.running_on.is_some() {
            return Err(Failure::invalid_argument(
                "the operation has a callback already",
            ));
        }
        state.callback = Some(Callback {
            function,
            user_data: user_data.expose_provenance(),
        });
        let done = match &state.outcome {
            Outcome::Pending => None,
            Outcome::Done(answer) => Some(status_of(answer)),
            Outcome::Taken => return Err(Failure::invalid_handle("operation")),
        };
        drop(state);
        if let Some(status) = done {
            op.post_callback(status);
        }
        Ok(())
    })
}

/// Frees an operation without taking its result: a pending one is cancelled
/// first (as by `mesh_operation_cancel`), and its
/// result, if any, is dropped (a handle it would have given is never made; a
/// session it opened is left to expire on the server). When this returns,
/// the operation's callback is neither running nor will it run (unless this
/// is called from inside it), so its `user_data` may be freed. NULL is a
/// no-op that returns `MESH_OK`.
///
/// @param operation The operation to free; NULL is a no-op.
/// @return `MESH_OK`, or `MESH_ERROR_INVALID_HANDLE` for an operation
///   already finished or freed, or made up.
#[no_mangle]
pub extern "C" fn mesh_operation_free(operation: *mut mesh_operation) -> mesh_status {
    if operation.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_operation_free", || {
        let op = OPERATIONS.remove(operation)?;
        op.clear_callback();
        op.complete(Err(cancelled("freed by mesh_operation_free")));
        let answer = std::mem::replace(&mut op.lock().outcome, Outcome::Taken);
        drop(answer);
        Ok(())
    })
}
