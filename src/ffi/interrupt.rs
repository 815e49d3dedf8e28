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
    fired: watch::Sender<u64>,
    /// What the interrupt is of, for the error message (`session`...).
    what: &'static str,
}

impl Interrupt {
    pub(crate) fn new(what: &'static str) -> Arc<Interrupt> {
        Arc::new(Interrupt {
            fired: watch::Sender::new(0),
            what,
        })
    }

    /// Makes every call in flight through this handle give up.
    pub(crate) fn fire(&self) {
        self.fired
            .send_modify(|count| *count = count.wrapping_add(1));
    }

    /// Resolves when this interrupt fires after now: what a call awaits
    /// beside its work.
    pub(crate) fn next(&self) -> impl Future<Output = Error> + Send + 'static {
        let mut seen = self.fired.subscribe();
        let what = self.what;
        async move {
            // The sender lives as long as its handle's Arc, which the
            // call holds: `changed` fails only if that is gone, and then
            // nothing can interrupt.
            if seen.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
            Error::new(
                ErrorKind::Cancelled,
                format!("interrupted by mesh_{what}_interrupt before the answer came"),
            )
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
