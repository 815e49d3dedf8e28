//! `mesh_session_interrupt` and `mesh_connection_interrupt`: what makes the
//! calls in flight through a handle give up at once, as SQLite's
//! `sqlite3_interrupt` does.
//!
//! Each session and connection handle has an [`Interrupt`]: a counter that
//! firing bumps. A call notes the counter as it starts and gives up with
//! `ErrorKind::Cancelled` when it changes (a session's calls also when its
//! connection's does); a call started after the interrupt is not affected.
//! Firing is an atomic increment and a wake-up (with a lock only to change
//! the reason), safe from any thread, also from inside a callback.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use crate::client::{Error, ErrorKind};
use crate::sync::lock;

/// Interrupts the calls in flight through one handle.
pub(crate) struct Interrupt {
    /// How many times it fired.
    fired: AtomicU64,
    /// Why it fired the last time (the error message).
    reason: Mutex<&'static str>,
    /// Wakes the calls waiting on it.
    wake: Notify,
}

impl Interrupt {
    /// The interrupt of a `what` handle (`session`, `connection`): its
    /// `mesh_<what>_interrupt` fires it.
    pub(crate) fn new(what: &'static str) -> Arc<Interrupt> {
        let reason = match what {
            "session" => "interrupted by mesh_session_interrupt before the answer came",
            "connection" => "interrupted by mesh_connection_interrupt before the answer came",
            _ => "interrupted before the answer came",
        };
        Arc::new(Interrupt {
            fired: AtomicU64::new(0),
            reason: Mutex::new(reason),
            wake: Notify::new(),
        })
    }

    /// Makes every call in flight through this handle give up, with the
    /// reason the handle's interrupt function gives.
    pub(crate) fn fire(&self) {
        self.fired.fetch_add(1, Ordering::SeqCst);
        self.wake.notify_waiters();
    }

    /// As [`Interrupt::fire`], with another reason (the handle was closed).
    pub(crate) fn fire_because(&self, reason: &'static str) {
        *lock(&self.reason) = reason;
        self.fire();
    }

    /// Resolves when this interrupt fires after now: what a call awaits
    /// beside its work.
    pub(crate) fn next(self: &Arc<Self>) -> impl Future<Output = Error> + Send + 'static {
        let this = Arc::clone(self);
        let seen = this.fired.load(Ordering::SeqCst);
        async move {
            loop {
                // Registered before the count is checked, so that a fire
                // between the two still wakes it.
                let woken = this.wake.notified();
                tokio::pin!(woken);
                woken.as_mut().enable();
                if this.fired.load(Ordering::SeqCst) != seen {
                    return Error::new(ErrorKind::Cancelled, *lock(&this.reason));
                }
                woken.await;
            }
        }
    }
}

/// Resolves with the cancellation error when either interrupt fires after
/// now (a session's own, or its connection's).
pub(crate) fn interrupted_by_either(
    one: &Arc<Interrupt>,
    other: &Arc<Interrupt>,
) -> impl Future<Output = Error> + Send + 'static {
    let (one, other) = (one.next(), other.next());
    async move {
        tokio::select! {
            error = one => error,
            error = other => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_interrupt_after_the_start_counts() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let session = Interrupt::new("session");
        let connection = Interrupt::new("connection");
        session.fire();
        let wait = interrupted_by_either(&session, &connection);
        let quiet = rt.block_on(async {
            tokio::time::timeout(std::time::Duration::from_millis(20), wait)
                .await
                .is_err()
        });
        assert!(quiet, "an interrupt before the call must not end it");
        let wait = interrupted_by_either(&session, &connection);
        connection.fire();
        let error = rt.block_on(wait);
        assert_eq!(error.kind(), ErrorKind::Cancelled);
        assert!(error.message().contains("mesh_connection_interrupt"));
    }
}
