//! `mesh_session_interrupt` and `mesh_connection_interrupt`: what makes the
//! calls in flight through a handle give up at once, as SQLite's
//! `sqlite3_interrupt` does.
//!
//! Each session and connection handle has an [`Interrupt`]: a counter that
//! firing bumps. A call notes the counter as it starts and gives up with
//! `ErrorKind::Cancelled` when it changes (a session's calls also when its
//! connection's does); a call started after the interrupt is not affected.
//! Firing is a lock-free store and a wake-up, safe from any thread, also
//! from inside a callback.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::watch;

use crate::client::{Error, ErrorKind};

/// Interrupts the calls in flight through one handle.
pub(crate) struct Interrupt {
    /// How many times it fired, and why the last time (the error message).
    fired: watch::Sender<(u64, &'static str)>,
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
            fired: watch::Sender::new((0, reason)),
        })
    }

    /// Makes every call in flight through this handle give up, with the
    /// reason the handle's interrupt function gives.
    pub(crate) fn fire(&self) {
        self.fired
            .send_modify(|(count, _)| *count = count.wrapping_add(1));
    }

    /// As [`Interrupt::fire`], with another reason (the handle was closed).
    pub(crate) fn fire_because(&self, reason: &'static str) {
        self.fired.send_modify(|(count, why)| {
            *count = count.wrapping_add(1);
            *why = reason;
        });
    }

    /// Resolves when this interrupt fires after now: what a call awaits
    /// beside its work.
    pub(crate) fn next(&self) -> impl Future<Output = Error> + Send + 'static {
        let mut seen = self.fired.subscribe();
        async move {
            // The sender lives as long as its handle's Arc, which the
            // call holds: `changed` fails only if that is gone, and then
            // nothing can interrupt.
            if seen.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
            let reason = seen.borrow().1;
            Error::new(ErrorKind::Cancelled, reason)
        }
    }
}

/// Resolves with the cancellation error when either interrupt fires after
/// now (a session's own, or its connection's).
pub(crate) fn interrupted_by_either(
    one: &Interrupt,
    other: &Interrupt,
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
