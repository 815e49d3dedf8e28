//! Where token providers and Kerberos sign-ins run: each call on a thread
//! of its own.
//!
//! A provider is the caller's code and may block for as long as it likes
//! (an OAuth round trip, a user typing a password); a Kerberos sign-in may
//! wait on a KDC that does not answer. The
//! call waiting for it gives up at its own timeout, but the provider keeps
//! its thread until it returns. On a shared pool of blocking threads (where
//! name lookups run too) two hung providers would stop every later connect
//! by host name and every later provider; on threads of their own they stop
//! nothing else. The threads still running are counted, so that shutdown
//! can wait a little for them and say so when they outlive it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use super::error::{Error, ErrorKind, Result};
use crate::sync::lock;

/// Provider calls whose threads have not ended yet.
static RUNNING: Mutex<usize> = Mutex::new(0);
static ENDED: Condvar = Condvar::new();

/// Counts one running provider thread until dropped (also when the
/// provider panics).
struct Running;

impl Running {
    fn start() -> Running {
        *lock(&RUNNING) += 1;
        Running
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut running = lock(&RUNNING);
        *running = running.saturating_sub(1);
        ENDED.notify_all();
    }
}

/// Runs `work` (a token provider, a Kerberos sign-in) on a thread of its
/// own and waits for its answer; dropping the future leaves the thread to
/// finish by itself. `what` names it when it panics.
pub(crate) async fn ask<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let running = Running::start();
    // The asker's log (a Rust host's subscriber, or a C host's collector).
    let log = tracing::dispatcher::get_default(Clone::clone);
    std::thread::Builder::new()
        .name("mesh-token".into())
        .spawn(move || {
            let _running = running;
            let _log = tracing::dispatcher::set_default(&log);
            crate::quiet::library_thread();
            crate::sigpipe::block_in_this_thread();
            let answer = catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|_| {
                Err(Error::new(
                    ErrorKind::Unauthenticated,
                    format!("{what} panicked"),
                ))
            });
            let _ = tx.send(answer);
        })
        .map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("cannot start a thread for {what}: {e}"),
            )
        })?;
    rx.await.unwrap_or_else(|_| {
        Err(Error::new(
            ErrorKind::Unauthenticated,
            format!("{what} failed: its thread ended without an answer"),
        ))
    })
}

/// Waits up to `limit` for every provider thread to end; false if some are
/// still running then.
pub(crate) fn wait_until_none_running(limit: Duration) -> bool {
    let until = Instant::now() + limit;
    let mut running = lock(&RUNNING);
    while *running > 0 {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        running = ENDED
            .wait_timeout(running, left)
            .map(|(r, _)| r)
            .unwrap_or_else(|p| p.into_inner().0);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::auth::TokenProvider;
    use std::sync::Arc;

    struct Panics;

    impl TokenProvider for Panics {
        fn token(&self) -> Result<String> {
            panic!("a provider panicked")
        }
    }

    #[test]
    fn a_panicking_provider_gives_an_error_and_its_thread_ends() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let provider = Arc::new(Panics);
        let error = rt
            .block_on(ask("the token provider", move || provider.token()))
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unauthenticated);
        assert!(error.message().contains("panicked"), "{error}");
        assert!(wait_until_none_running(Duration::from_secs(5)));
    }
}
