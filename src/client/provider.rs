//! Where token providers run: each call on a thread of its own.
//!
//! A provider is the caller's code and may block for as long as it likes
//! (a Kerberos ticket, an OAuth round trip, a user typing a password). The
//! call waiting for it gives up at its own timeout, but the provider keeps
//! its thread until it returns. On a shared pool of blocking threads (where
//! name lookups run too) two hung providers would stop every later connect
//! by host name and every later provider; on threads of their own they stop
//! nothing else. The threads still running are counted, so that shutdown
//! can wait a little for them and say so when they outlive it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use super::auth::TokenProvider;
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

/// Asks `provider` for a token on a thread of its own and waits for the
/// answer; dropping the future leaves the thread to finish by itself.
pub(crate) async fn ask(provider: Arc<dyn TokenProvider>) -> Result<String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let running = Running::start();
    std::thread::Builder::new()
        .name("mesh-token".into())
        .spawn(move || {
            let _running = running;
            crate::quiet::library_thread();
            crate::sigpipe::block_in_this_thread();
            let token = catch_unwind(AssertUnwindSafe(|| provider.token())).unwrap_or_else(|_| {
                Err(Error::new(
                    ErrorKind::Unauthenticated,
                    "the token provider panicked",
                ))
            });
            let _ = tx.send(token);
        })
        .map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("cannot start a thread for the token provider: {e}"),
            )
        })?;
    rx.await.unwrap_or_else(|_| {
        Err(Error::new(
            ErrorKind::Unauthenticated,
            "the token provider failed: its thread ended without an answer",
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
        let error = rt.block_on(ask(Arc::new(Panics))).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unauthenticated);
        assert!(error.message().contains("panicked"), "{error}");
        assert!(wait_until_none_running(Duration::from_secs(5)));
    }
}
