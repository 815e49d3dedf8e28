//! Who drives the runtime: the thread of a C call when it is the only call
//! in progress, else the library's runtime thread.
//!
//! The runtime is tokio's single-threaded scheduler, whose I/O, timers and
//! tasks (the connections' HTTP/2 traffic, keep-alive) run on whichever
//! thread holds it. A C call made while no other is in progress takes it and
//! drives it on the calling thread: its request is written and its answer
//! read by the thread that waits for them, with no hand-off to another
//! thread and back (each costs a wake-up and a context switch; the calls of
//! the Rust API, made inside the caller's runtime, have none either). A call
//! that finds others in progress leaves the runtime to the runtime thread
//! (`mesh-rt`), which does the I/O for all of them, so that many threads do
//! not pass the runtime to one another on every call (their requests then
//! also leave in fewer writes). While no call is in progress the runtime
//! thread drives it too, for keep-alive and the connections' own traffic,
//! but only after a short pause, so that calls one thread makes one after
//! another keep the runtime between them.
//!
//! Driving the runtime on a host's thread writes to sockets there; those
//! writes never raise SIGPIPE (see `client::transport`).

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Condvar, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::sync::{lock, read};

/// How long the runtime thread leaves the runtime to the threads making
/// calls after the last call ended, during which keep-alive and a
/// connection's own traffic (pings, a server going away) wait; calls a
/// thread makes one after another within it need no hand-off.
const LINGER: Duration = Duration::from_millis(2);
/// How often the runtime thread looks whether the call that drives the
/// runtime by itself has ended (its end wakes no one, so that calls one
/// thread makes one after another cost no wake-up each). Keep-alive and a
/// connection's own traffic wait at most this and `LINGER` after a call.
const RECHECK: Duration = Duration::from_millis(10);

/// Nanoseconds on a monotonic clock shared by all threads.
fn now_ns() -> u64 {
    static BASE: OnceLock<Instant> = OnceLock::new();
    BASE.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// What wakes the runtime thread while it is outside the runtime.
#[derive(Default)]
struct Wake {
    /// A call needs the runtime driven by it now.
    take: bool,
    stop: bool,
}

pub(crate) struct Driver {
    /// Read-locked while a thread is inside the runtime; taken out by
    /// [`Driver::take_runtime`].
    tokio: RwLock<Option<tokio::runtime::Runtime>>,
    handle: tokio::runtime::Handle,
    /// Calls inside [`Driver::block_on`] now.
    calls: AtomicUsize,
    /// Of those, the ones that leave driving to others (they came while
    /// another call was in progress).
    riders: AtomicUsize,
    /// The runtime thread is inside the runtime or on its way in.
    holding: AtomicBool,
    /// When the last call left, on `now_ns`'s clock.
    last_left: AtomicU64,
    /// Asks the runtime thread to hand the runtime to a call that is alone.
    hand_over: Notify,
    stopping: AtomicBool,
    wake: Mutex<Wake>,
    woken: Condvar,
}

/// Counts a call in [`Driver::block_on`] until dropped.
struct Inside<'a> {
    driver: &'a Driver,
    rider: bool,
}

impl Drop for Inside<'_> {
    fn drop(&mut self) {
        let driver = self.driver;
        if self.rider {
            driver.riders.fetch_sub(1, SeqCst);
        }
        driver.last_left.store(now_ns(), SeqCst);
        driver.calls.fetch_sub(1, SeqCst);
    }
}

impl Driver {
    pub(crate) fn new(tokio: tokio::runtime::Runtime) -> Driver {
        Driver {
            handle: tokio.handle().clone(),
            tokio: RwLock::new(Some(tokio)),
            calls: AtomicUsize::new(0),
            riders: AtomicUsize::new(0),
            holding: AtomicBool::new(false),
            last_left: AtomicU64::new(now_ns()),
            hand_over: Notify::new(),
            stopping: AtomicBool::new(false),
            wake: Mutex::new(Wake::default()),
            woken: Condvar::new(),
        }
    }

    /// Runs `fut` to completion on the calling thread, which must not be
    /// inside a runtime: driving the runtime when no other call is in
    /// progress, else leaving that to whoever drives it.
    pub(crate) fn block_on<F: Future>(&self, fut: F) -> F::Output {
        let alone = self.calls.fetch_add(1, SeqCst) == 0;
        let _inside = Inside {
            driver: self,
            rider: !alone,
        };
        if !alone {
            self.riders.fetch_add(1, SeqCst);
        }
        let tokio = read(&self.tokio);
        match tokio.as_ref() {
            Some(rt) if alone => {
                if self.holding.load(SeqCst) {
                    self.hand_over.notify_one();
                }
                // Takes the runtime when it is free; until then (the
                // runtime thread has not handed it over yet, or another
                // call has it) the future is polled here while the holder
                // does the I/O.
                rt.block_on(fut)
            }
            _ => {
                if !self.holding.load(SeqCst) {
                    self.wake_thread();
                }
                self.handle.block_on(fut)
            }
        }
    }

    /// Spawns `task` on the runtime, to be driven by whoever drives it: the
    /// runtime thread when no call does (it is woken if it waits).
    pub(crate) fn spawn(
        &self,
        task: impl Future<Output = ()> + Send + 'static,
    ) -> tokio::task::AbortHandle {
        let spawned = self.handle.spawn(task).abort_handle();
        if !self.holding.load(SeqCst) && self.calls.load(SeqCst) == 0 {
            self.wake_thread();
        }
        spawned
    }

    fn wake_thread(&self) {
        let mut wake = lock(&self.wake);
        if !wake.take {
            wake.take = true;
            self.woken.notify_one();
        }
    }

    /// The runtime thread's work: drive the runtime whenever no call does,
    /// until [`Driver::stop`].
    pub(crate) fn run(&self) {
        loop {
            if !self.wait_for_turn() {
                return;
            }
            self.holding.store(true, SeqCst);
            if let Some(rt) = read(&self.tokio).as_ref() {
                rt.block_on(self.until_handed_over());
            }
            self.holding.store(false, SeqCst);
        }
    }

    /// Waits outside the runtime until a call needs it driven, or the last
    /// call has been gone for `LINGER`. False when stopping.
    fn wait_for_turn(&self) -> bool {
        let mut wake = lock(&self.wake);
        loop {
            if wake.stop {
                return false;
            }
            if std::mem::take(&mut wake.take) || self.riders.load(SeqCst) > 0 {
                return true;
            }
            let calls = self.calls.load(SeqCst);
            let idle = Duration::from_nanos(now_ns().saturating_sub(self.last_left.load(SeqCst)));
            if calls == 0 && idle >= LINGER {
                return true;
            }
            // A call that is alone drives the runtime itself; look again
            // after a while, since its end wakes no one.
            let wait = if calls == 0 { LINGER - idle } else { RECHECK };
            wake = self
                .woken
                .wait_timeout(wake, wait)
                .map(|(w, _)| w)
                .unwrap_or_else(|p| p.into_inner().0);
        }
    }

    /// While the runtime thread drives: ends when a call that is alone asks
    /// for the runtime, or when stopping.
    async fn until_handed_over(&self) {
        loop {
            self.hand_over.notified().await;
            let alone = self.calls.load(SeqCst) == 1 && self.riders.load(SeqCst) == 0;
            if alone || self.stopping.load(SeqCst) {
                return;
            }
        }
    }

    /// Makes [`Driver::run`] return soon.
    pub(crate) fn stop(&self) {
        self.stopping.store(true, SeqCst);
        lock(&self.wake).stop = true;
        self.woken.notify_all();
        self.hand_over.notify_one();
    }

    /// Takes the runtime out, waiting up to `wait` for the threads inside
    /// it to leave; `None` if they did not (the runtime then stays).
    pub(crate) fn take_runtime(&self, wait: Duration) -> Option<tokio::runtime::Runtime> {
        let until = Instant::now() + wait;
        loop {
            match self.tokio.try_write() {
                Ok(mut tokio) => return tokio.take(),
                Err(std::sync::TryLockError::Poisoned(p)) => return p.into_inner().take(),
                Err(std::sync::TryLockError::WouldBlock) if Instant::now() < until => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(std::sync::TryLockError::WouldBlock) => return None,
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Normally taken out and shut down by `mesh_library_shutdown`. If it is
        // still here, it may be dropped in async context, where only this
        // way of ending a runtime does not panic.
        let tokio = match self.tokio.get_mut() {
            Ok(tokio) => tokio.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(tokio) = tokio {
            tokio.shutdown_background();
        }
    }
}
