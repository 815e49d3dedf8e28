//! The one global tokio runtime behind the C API, the thread that runs C
//! callbacks, the calls in progress on them, and shutdown.
//!
//! The runtime is created on first use; sessions are tasks on it, never
//! threads. It is driven by the thread of a C call that is alone, else by
//! one library thread (see `driver`). C callbacks run on one library-owned
//! thread that is not inside the runtime, so a callback may call any
//! blocking `mesh_*` function.
//!
//! Every C call that talks to the server runs through [`Runtime::call`],
//! which bounds the whole call by one deadline and gives up at once when
//! shutdown begins; handles are registered through [`Runtime::admit`], which
//! refuses once shutdown has begun. So a call racing `mesh_library_shutdown` either
//! finishes before it (and its handle is then ended by the shutdown) or
//! fails: it never hands out a handle on a runtime that is gone. Shutdown is
//! bounded in time whatever callbacks do: a callback still running after a
//! while is left to finish on its own thread.

use crate::sync::{lock, read, write};
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread::{JoinHandle, ThreadId};
use std::time::Duration;

use crate::client::{with_deadline, Error, ErrorKind};
use crate::driver::Driver;
use crate::{quiet, sigpipe};

/// Threads for blocking work (name lookups), at most; token providers run
/// on threads of their own (`client::provider`).
const MAX_BLOCKING_THREADS: usize = 2;
/// How long shutdown waits for calls in progress to give up.
const CALLS_WAIT: Duration = Duration::from_millis(500);
/// How long shutdown waits for a callback or a token provider still
/// running.
const CALLBACK_WAIT: Duration = Duration::from_secs(1);
/// How long shutdown waits for the runtime's threads (the runtime thread,
/// and blocking work such as a name lookup).
const RUNTIME_WAIT: Duration = Duration::from_secs(1);
/// How long after its deadline a call is cut off if the operation itself has
/// not given up by then (its own requests end at the deadline; this bounds
/// anything else it waits for).
const BACKSTOP: Duration = Duration::from_millis(100);

type Job = Box<dyn FnOnce() + Send>;

/// Sends work to the callback thread. Jobs posted after shutdown are
/// dropped unrun.
#[derive(Clone)]
pub(crate) struct CallbackSender(mpsc::Sender<Option<Job>>);

impl CallbackSender {
    pub(crate) fn post(&self, job: Job) {
        let _ = self.0.send(Some(job));
    }
}

/// A thread of the library that can be waited for with a time limit.
struct LibraryThread {
    id: ThreadId,
    /// Disconnected when the thread has ended.
    ended: Mutex<mpsc::Receiver<()>>,
    join: Mutex<Option<JoinHandle<()>>>,
}

impl LibraryThread {
    fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> std::io::Result<LibraryThread> {
        let (ended_tx, ended_rx) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let _ended = ended_tx;
                library_thread_start();
                work();
            })?;
        Ok(LibraryThread {
            id: thread.thread().id(),
            ended: Mutex::new(ended_rx),
            join: Mutex::new(Some(thread)),
        })
    }

    /// Waits up to `wait` for the thread to end (told to beforehand). False
    /// if it is still running then; true at once when called from the
    /// thread itself, which ends once its caller returns.
    fn join(&self, wait: Duration) -> bool {
        if std::thread::current().id() == self.id {
            return true;
        }
        match lock(&self.ended).recv_timeout(wait) {
            Err(mpsc::RecvTimeoutError::Timeout) => false,
            _ => {
                if let Some(thread) = lock(&self.join).take() {
                    let _ = thread.join();
                }
                true
            }
        }
    }
}

/// The thread that runs C callbacks, one job at a time. A job that panics
/// is contained: the thread goes on with the next. Once [`CallbackThread::stop`]
/// has returned, no job starts (one already running may go on).
struct CallbackThread {
    sender: CallbackSender,
    /// False once stopped. The thread holds it while it takes a job up, so
    /// that a job either started before `stop` returned or never starts.
    open: Arc<Mutex<bool>>,
    thread: LibraryThread,
}

impl CallbackThread {
    fn start() -> std::io::Result<CallbackThread> {
        let (tx, rx) = mpsc::channel::<Option<Job>>();
        let open = Arc::new(Mutex::new(true));
        let thread = {
            let open = open.clone();
            LibraryThread::spawn("mesh-callbacks", move || {
                while let Ok(job) = rx.recv() {
                    if !*lock(&open) {
                        break;
                    }
                    match job {
                        Some(job) => {
                            let _ = catch_unwind(AssertUnwindSafe(job));
                        }
                        // Told to stop: the log's last messages first.
                        None => {
                            let _ = catch_unwind(crate::log::drain_before_stop);
                            break;
                        }
                    }
                }
            })?
        };
        Ok(CallbackThread {
            sender: CallbackSender(tx),
            open,
            thread,
        })
    }

    /// Stops the thread after the jobs already queued and the log queued
    /// (see `log::drain_before_stop`), and waits up to
    /// `wait` for it. False if it is still running then (it ends by itself
    /// once its job returns, starting no other).
    fn stop(&self, wait: Duration) -> bool {
        let _ = self.sender.0.send(None);
        let ended = self.thread.join(wait);
        *lock(&self.open) = false;
        ended
    }
}

/// What every thread the library owns does first.
fn library_thread_start() {
    quiet::library_thread();
    sigpipe::block_in_this_thread();
    crate::log::library_thread();
}

pub(crate) struct Runtime {
    driver: Arc<Driver>,
    /// Drives the runtime when no call does.
    runtime_thread: LibraryThread,
    /// Calls in progress. Atomics rather than a lock, since every C call
    /// passes here: shutdown sets `closing` and then reads `in_progress`,
    /// a call raises `in_progress` and then reads `closing`, so that one of
    /// them sees the other.
    in_progress: AtomicUsize,
    closing: AtomicBool,
    /// Held while registering a handle, and by shutdown while it sets
    /// `closing`: a handle is registered before shutdown begins or not at
    /// all.
    admitting: Mutex<()>,
    /// Paired with `admitting`; notified when the last call in progress
    /// leaves after shutdown began.
    calls_done: Condvar,
    /// Turns true when shutdown begins, waking the calls in progress.
    closing_watch: tokio::sync::watch::Sender<bool>,
    callbacks: CallbackThread,
}

/// Read on every C call that needs the runtime, written only at start and
/// shutdown.
static GLOBAL: RwLock<Option<Arc<Runtime>>> = RwLock::new(None);

fn internal(what: &str, e: std::io::Error) -> Error {
    Error::new(ErrorKind::Internal, format!("cannot start the {what}: {e}"))
}

fn shut_down() -> Error {
    Error::new(
        ErrorKind::ShutDown,
        "mesh_library_shutdown ran while this call was in progress: it was cancelled and made nothing",
    )
}

/// Counts a call in progress until dropped.
struct InProgress<'a>(&'a Runtime);

impl Drop for InProgress<'_> {
    fn drop(&mut self) {
        let rt = self.0;
        if rt.in_progress.fetch_sub(1, SeqCst) == 1 && rt.closing.load(SeqCst) {
            let _admitting = lock(&rt.admitting);
            rt.calls_done.notify_all();
        }
    }
}

impl Runtime {
    fn start() -> Result<Runtime, Error> {
        let tokio = tokio::runtime::Builder::new_current_thread()
            .max_blocking_threads(MAX_BLOCKING_THREADS)
            .thread_name("mesh-rt")
            .on_thread_start(library_thread_start)
            .enable_all()
            .build()
            .map_err(|e| internal("tokio runtime", e))?;
        let driver = Arc::new(Driver::new(tokio));
        let runtime_thread = {
            let driver = driver.clone();
            LibraryThread::spawn("mesh-rt", move || driver.run())
                .map_err(|e| internal("runtime thread", e))?
        };
        let callbacks = match CallbackThread::start() {
            Ok(callbacks) => callbacks,
            Err(e) => {
                driver.stop();
                runtime_thread.join(RUNTIME_WAIT);
                return Err(internal("callback thread", e));
            }
        };
        Ok(Runtime {
            driver,
            runtime_thread,
            in_progress: AtomicUsize::new(0),
            closing: AtomicBool::new(false),
            admitting: Mutex::new(()),
            calls_done: Condvar::new(),
            closing_watch: tokio::sync::watch::Sender::new(false),
            callbacks,
        })
    }

    /// Runs `fut` on the runtime and waits for it on the calling thread,
    /// with no deadline and no regard for shutdown. For C calls, use
    /// [`Runtime::call`].
    pub(crate) fn block_on<F>(&self, fut: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        if tokio::runtime::Handle::try_current().is_ok() {
            // Inside some runtime (the caller's own, or a task of ours), a
            // nested block_on would panic; wait on a plain thread instead.
            std::thread::scope(|s| {
                s.spawn(|| {
                    library_thread_start();
                    self.driver.block_on(fut)
                })
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
        } else {
            self.driver.block_on(fut)
        }
    }

    /// Runs one C call's `operation` on the runtime and waits for it: every
    /// request it makes ends within `limit` of now (see [`with_deadline`]),
    /// and it gives up with `ErrorKind::ShutDown` as soon as shutdown
    /// begins, or with the error `interrupted` resolves with as soon as it
    /// does (`mesh_session_interrupt`).
    pub(crate) fn call_interruptible<T, F>(
        &self,
        limit: Duration,
        interrupted: impl Future<Output = Error> + Send,
        operation: F,
    ) -> Result<T, Error>
    where
        F: Future<Output = Result<T, Error>> + Send,
        T: Send,
    {
        let _in_progress = self.enter()?;
        self.block_on(self.bounded(limit, interrupted, operation))
    }

    /// One call's `operation` as a future that ends within `limit` of now
    /// (the deadline is taken here, not when first polled), with the error
    /// `interrupted` resolves with as soon as it does, or with
    /// `ErrorKind::ShutDown` as soon as shutdown begins.
    pub(crate) fn bounded<T, F>(
        &self,
        limit: Duration,
        interrupted: impl Future<Output = Error> + Send,
        operation: F,
    ) -> impl Future<Output = Result<T, Error>> + Send
    where
        F: Future<Output = Result<T, Error>> + Send,
        T: Send,
    {
        let mut closing = self.closing_watch.subscribe();
        let deadline = tokio::time::Instant::now() + limit;
        async move {
            tokio::select! {
                biased;
                _ = closing.wait_for(|closing| *closing) => Err(shut_down()),
                error = interrupted => Err(error),
                result = tokio::time::timeout_at(deadline + BACKSTOP, with_deadline(deadline, operation)) => {
                    result.unwrap_or_else(|_| {
                        tracing::warn!("a call got no answer within its call timeout of {} ms", limit.as_millis());
                        Err(Error::new(
                            ErrorKind::Timeout,
                            format!("no answer within {} ms (the call timeout)", limit.as_millis()),
                        ))
                    })
                }
            }
        }
    }

    /// Runs `task` on the runtime without waiting for it (an operation of
    /// the asynchronous C calls); it is driven by whoever drives the
    /// runtime. Fails once shutdown has begun.
    pub(crate) fn spawn(
        &self,
        task: impl Future<Output = ()> + Send + 'static,
    ) -> Result<tokio::task::AbortHandle, Error> {
        if self.closing.load(SeqCst) {
            return Err(shut_down());
        }
        Ok(self.driver.spawn(task))
    }

    fn enter(&self) -> Result<InProgress<'_>, Error> {
        self.in_progress.fetch_add(1, SeqCst);
        let in_progress = InProgress(self);
        if self.closing.load(SeqCst) {
            return Err(shut_down());
        }
        Ok(in_progress)
    }

    /// Runs `register` (which hands out a handle) unless shutdown has
    /// begun. Shutdown ends what was registered before it began.
    pub(crate) fn admit<T>(&self, register: impl FnOnce() -> T) -> Result<T, Error> {
        let admitting = lock(&self.admitting);
        if self.closing.load(SeqCst) {
            return Err(shut_down());
        }
        let registered = register();
        drop(admitting);
        Ok(registered)
    }

    /// Where callbacks to C are posted.
    pub(crate) fn callbacks(&self) -> CallbackSender {
        self.callbacks.sender.clone()
    }

    /// Begins shutdown: refuses new calls and handles, makes the calls in
    /// progress give up, and waits a little for them to leave.
    pub(crate) fn cancel_calls(&self) {
        let admitting = lock(&self.admitting);
        self.closing.store(true, SeqCst);
        self.closing_watch.send_replace(true);
        let _ = self
            .calls_done
            .wait_timeout_while(admitting, CALLS_WAIT, |_| self.in_progress.load(SeqCst) > 0);
    }

    /// Ends shutdown: stops the callback thread and the runtime, joining
    /// their threads. Fails with `ErrorKind::Timeout` when a callback or a
    /// token provider was still running after a while: its thread is then
    /// left to finish it.
    pub(crate) fn stop(self: Arc<Self>) -> Result<(), Error> {
        let waited = std::time::Instant::now();
        let callbacks_ended = self.callbacks.stop(CALLBACK_WAIT);
        crate::log::runtime_stopped(&self);
        // Providers get what is left of the same wait.
        let providers_ended = crate::client::provider::wait_until_none_running(
            CALLBACK_WAIT.saturating_sub(waited.elapsed()),
        );
        self.driver.stop();
        self.runtime_thread.join(RUNTIME_WAIT);
        if let Some(tokio) = self.driver.take_runtime(RUNTIME_WAIT) {
            let stop = move || tokio.shutdown_timeout(RUNTIME_WAIT);
            if tokio::runtime::Handle::try_current().is_ok() {
                // A runtime cannot be dropped from async context (the caller's).
                std::thread::scope(|s| {
                    let _ = s.spawn(stop).join();
                });
            } else {
                stop();
            }
        }
        let (still_running, threads) = match (callbacks_ended, providers_ended) {
            (true, true) => return Ok(()),
            (false, true) => (
                "a callback (expired, operation or log) was",
                "its thread was",
            ),
            (true, false) => ("a token provider was", "its thread was"),
            (false, false) => (
                "a callback (expired, operation or log) and a token provider were",
                "their threads were",
            ),
        };
        Err(Error::new(
            ErrorKind::Timeout,
            format!(
                "{still_running} still running after {} ms; {threads} left to finish: do not free what they use or unload the library until they return",
                CALLBACK_WAIT.as_millis()
            ),
        ))
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
    drop(global);
    crate::log::runtime_started(&rt);
    Ok(rt)
}

/// The global runtime if one is running; never creates one.
pub(crate) fn current() -> Option<Arc<Runtime>> {
    read(&GLOBAL).clone()
}

/// Takes the global runtime away for shutdown; the next [`get`] starts a
/// new one.
pub(crate) fn take() -> Option<Arc<Runtime>> {
    write(&GLOBAL).take()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_panicking_callback_job_does_not_end_the_callback_thread() {
        let thread = CallbackThread::start().unwrap();
        let ran = Arc::new(AtomicUsize::new(0));
        thread
            .sender
            .post(Box::new(|| panic!("a callback job panicked")));
        let counter = ran.clone();
        thread.sender.post(Box::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        }));
        assert!(thread.stop(Duration::from_secs(5)));
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn stopping_is_bounded_while_a_job_blocks() {
        let thread = CallbackThread::start().unwrap();
        let (release, blocked) = mpsc::channel::<()>();
        thread.sender.post(Box::new(move || {
            let _ = blocked.recv();
        }));
        let started = std::time::Instant::now();
        assert!(!thread.stop(Duration::from_millis(200)));
        assert!(started.elapsed() < Duration::from_secs(2));
        release.send(()).unwrap();
        assert!(thread.stop(Duration::from_secs(5)));
    }

    #[test]
    fn shutdown_cancels_calls_in_progress_and_refuses_new_ones() {
        let rt = Arc::new(Runtime::start().unwrap());
        let caller = {
            let rt = rt.clone();
            std::thread::spawn(move || {
                rt.call_interruptible(Duration::from_secs(30), std::future::pending(), async {
                    std::future::pending::<()>().await;
                    Ok(())
                })
            })
        };
        while rt.in_progress.load(SeqCst) == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
        let started = std::time::Instant::now();
        rt.cancel_calls();
        let result = caller.join().unwrap();
        assert_eq!(result.unwrap_err().kind(), ErrorKind::ShutDown);
        assert!(started.elapsed() < CALLS_WAIT);
        assert_eq!(
            rt.call_interruptible(Duration::from_secs(1), std::future::pending(), async {
                Ok(())
            })
            .unwrap_err()
            .kind(),
            ErrorKind::ShutDown
        );
        assert_eq!(rt.admit(|| ()).unwrap_err().kind(), ErrorKind::ShutDown);
        rt.stop().unwrap();
    }

    #[test]
    fn a_call_is_bounded_by_its_limit() {
        let rt = Arc::new(Runtime::start().unwrap());
        let started = std::time::Instant::now();
        let result =
            rt.call_interruptible(Duration::from_millis(100), std::future::pending(), async {
                std::future::pending::<()>().await;
                Ok(())
            });
        assert_eq!(result.unwrap_err().kind(), ErrorKind::Timeout);
        assert!(started.elapsed() < Duration::from_secs(2));
        rt.stop().unwrap();
    }
}
