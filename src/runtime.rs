//! The one global tokio runtime behind the C API, the thread that runs C
//! callbacks, and shutdown.
//!
//! The runtime is created on first use with a fixed, small number of worker
//! threads; sessions are tasks on it, never threads. C callbacks run on one
//! library-owned thread that is not a runtime worker, so a callback may call
//! any blocking `mesh_*` function. `shutdown` drops the runtime, joining its
//! threads, so a host can unload the library; the next use starts afresh.

use crate::sync::{lock, read, write};
use std::future::Future;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};
use std::thread::{JoinHandle, ThreadId};
use std::time::Duration;

use crate::client::{Error, ErrorKind};

/// Worker threads of the runtime, whatever the number of cores: keep-alive
/// and gRPC work is I/O-bound (a connection's HTTP/2 traffic is one task
/// anyway), decoding runs on the calling thread, and hosts like Excel
/// dislike thread swarms. One worker measured faster than two on round trips
/// (85 µs against 88-106 µs) and open-and-close from 8 threads (17.2k/s
/// against 15.1k/s): fewer threads to wake per call. `MESH_CAPI_WORKER_THREADS`
/// (1-16) overrides it.
pub(crate) const WORKER_THREADS: usize = 1;
/// Threads for blocking work (DNS lookups), at most.
const MAX_BLOCKING_THREADS: usize = 2;
/// How long shutdown waits for tasks on the runtime to finish.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(2);

type Job = Box<dyn FnOnce() + Send>;

/// Sends work to the callback thread (`None` stops it). Jobs posted after
/// shutdown are dropped unrun.
#[derive(Clone)]
pub(crate) struct CallbackSender(mpsc::Sender<Option<Job>>);

impl CallbackSender {
    pub(crate) fn post(&self, job: Job) {
        let _ = self.0.send(Some(job));
    }

    fn stop(&self) {
        let _ = self.0.send(None);
    }
}

pub(crate) struct Runtime {
    rt: tokio::runtime::Runtime,
    callbacks: CallbackSender,
    callback_thread: Mutex<Option<JoinHandle<()>>>,
    callback_thread_id: ThreadId,
}

/// Read on every C call, written only at start and shutdown.
static GLOBAL: RwLock<Option<Arc<Runtime>>> = RwLock::new(None);

fn internal(what: &str, e: std::io::Error) -> Error {
    Error::new(ErrorKind::Internal, format!("cannot start the {what}: {e}"))
}

impl Runtime {
    fn start() -> Result<Runtime, Error> {
        let workers = std::env::var("MESH_CAPI_WORKER_THREADS")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| (1..=16).contains(n))
            .unwrap_or(WORKER_THREADS);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .max_blocking_threads(MAX_BLOCKING_THREADS)
            .thread_name("mesh-rt")
            .enable_all()
            .build()
            .map_err(|e| internal("tokio runtime", e))?;
        let (tx, rx) = mpsc::channel::<Option<Job>>();
        let thread = std::thread::Builder::new()
            .name("mesh-callbacks".into())
            .spawn(move || {
                while let Ok(Some(job)) = rx.recv() {
                    job();
                }
            })
            .map_err(|e| internal("callback thread", e))?;
        Ok(Runtime {
            rt,
            callbacks: CallbackSender(tx),
            callback_thread_id: thread.thread().id(),
            callback_thread: Mutex::new(Some(thread)),
        })
    }

    /// Runs `fut` on the runtime and waits for it on the calling thread.
    pub(crate) fn block_on<F>(&self, fut: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        if tokio::runtime::Handle::try_current().is_ok() {
            // Inside some runtime (the caller's own, or a task of ours), a
            // nested block_on would panic; wait on a plain thread instead.
            std::thread::scope(|s| {
                s.spawn(|| self.rt.block_on(fut))
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
        } else {
            self.rt.block_on(fut)
        }
    }

    /// Where callbacks to C are posted.
    pub(crate) fn callbacks(&self) -> CallbackSender {
        self.callbacks.clone()
    }
}

/// The global runtime, created on first use.
pub(crate) fn get() -> Result<Arc<Runtime>, Error> {
    if let Some(rt) = current() {
        return Ok(rt);
    }
    let mut global = write(&GLOBAL);
    // Another thread may have started it meanwhile.
    if let Some(rt) = global.as_ref() {
        return Ok(rt.clone());
    }
    let rt = Arc::new(Runtime::start()?);
    *global = Some(rt.clone());
    Ok(rt)
}

/// The global runtime if one is running; never creates one.
pub(crate) fn current() -> Option<Arc<Runtime>> {
    read(&GLOBAL).clone()
}

/// Stops the runtime and the callback thread and joins their threads. Tasks
/// still on the runtime (keep-alive of sessions not closed) are dropped.
pub(crate) fn shutdown() {
    let Some(rt) = write(&GLOBAL).take() else {
        return;
    };
    let callback_thread = lock(&rt.callback_thread).take();
    let on_callback_thread = std::thread::current().id() == rt.callback_thread_id;
    // The callback thread stops after the jobs already queued.
    rt.callbacks.stop();
    // Another thread still inside a call holds a reference; the runtime then
    // goes when that call returns.
    if let Ok(rt) = Arc::try_unwrap(rt) {
        let stop = move || rt.rt.shutdown_timeout(SHUTDOWN_WAIT);
        if tokio::runtime::Handle::try_current().is_ok() {
            // A runtime cannot be dropped from async context (the caller's).
            std::thread::scope(|s| {
                let _ = s.spawn(stop).join();
            });
        } else {
            stop();
        }
    }
    if let Some(thread) = callback_thread {
        if !on_callback_thread {
            let _ = thread.join();
        }
    }
}
