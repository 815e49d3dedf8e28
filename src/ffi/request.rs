//! One C call that talks to the server, made once and used two ways: the
//! blocking function waits for it on the calling thread
//! ([`Request::wait`]); its asynchronous twin hands it to the runtime as an
//! operation and returns at once ([`Request::start`], see `operation`).
//!
//! Every such function `mesh_X` has a `mesh_X_request` beside it that checks
//! the arguments (all but the out-parameter), resolves the handles, copies
//! what it needs out of the caller's memory, and returns a [`Request`]: the
//! work, a future that owns all it uses (so a pending call holds no caller
//! memory), and how its answer becomes the out-parameter's value (a handle
//! registered, a number). `mesh_X` is `mesh_X_request(...)?.wait(out)`;
//! `mesh_X_start` and `mesh_X_finish` are generated from the header
//! (`src/ffi/twins.rs`), so the two never drift.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::client::{Error, Result};
use crate::ffi::args::{out_ptr, write_out};
use crate::ffi::operation::{self, mesh_operation};
use crate::ffi::FfiResult;
use crate::runtime::Runtime;

/// Turns a call's answer into the value of its out-parameter; run by the
/// thread that takes the result (the caller of `mesh_X` or `mesh_X_finish`).
pub(crate) type Deliver<O> = Box<dyn FnOnce() -> FfiResult<O> + Send>;

pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A call to the server, ready to be made.
pub(crate) struct Request<O> {
    rt: Arc<Runtime>,
    /// The call timeout: the whole call, from its start, ends within it.
    limit: Duration,
    /// Resolves when the handle the call goes through is interrupted or
    /// closed after the request was made.
    interrupted: BoxFuture<Error>,
    work: BoxFuture<Result<Deliver<O>>>,
    /// The out-parameter may be NULL (the value is then dropped).
    optional_out: bool,
}

/// What a request with no out-parameter delivers.
pub(crate) fn nothing<T>(_: T) -> FfiResult<()> {
    Ok(())
}

impl<O: 'static> Request<O> {
    /// A call of `work` on `rt`, bounded by `limit` and given up when
    /// `interrupted` resolves; `deliver` turns its answer into `O`.
    pub(crate) fn new<T: Send + 'static>(
        rt: Arc<Runtime>,
        limit: Duration,
        interrupted: impl Future<Output = Error> + Send + 'static,
        work: impl Future<Output = Result<T>> + Send + 'static,
        deliver: impl FnOnce(T) -> FfiResult<O> + Send + 'static,
    ) -> Request<O> {
        Request {
            rt,
            limit,
            interrupted: Box::pin(interrupted),
            work: Box::pin(async move {
                let answer = work.await?;
                Ok(Box::new(move || deliver(answer)) as Deliver<O>)
            }),
            optional_out: false,
        }
    }

    /// The out-parameter may be NULL.
    pub(crate) fn optional_out(mut self) -> Request<O> {
        self.optional_out = true;
        self
    }

    /// Makes the call on this thread and writes its value to `out` (named
    /// `what` in the error for NULL, which is checked before the call).
    pub(crate) fn wait(self, out: *mut O, what: &str) -> FfiResult {
        let out = if self.optional_out && out.is_null() {
            None
        } else {
            Some(out_ptr(out, what)?)
        };
        let deliver = self
            .rt
            .call_interruptible(self.limit, self.interrupted, self.work)?;
        // With no place for it, the value is not made (no handle registered).
        if let Some(out) = out {
            write_out(out, deliver()?);
        }
        Ok(())
    }

    /// Starts the call on the runtime and writes the pending operation to
    /// `out_operation`: `name` is the blocking function's, whose
    /// `_finish` twin takes the result.
    pub(crate) fn start(
        self,
        name: &'static str,
        out_operation: *mut *mut mesh_operation,
    ) -> FfiResult {
        let out_operation = out_ptr(out_operation, "out_operation")?;
        let work = self.rt.bounded(self.limit, self.interrupted, self.work);
        let pending = operation::start(&self.rt, name, self.optional_out, work)?;
        write_out(out_operation, pending);
        Ok(())
    }
}

impl Request<()> {
    /// Makes a call with no out-parameter on this thread.
    pub(crate) fn wait_done(self) -> FfiResult {
        self.wait(std::ptr::NonNull::<()>::dangling().as_ptr(), "out")
    }
}
