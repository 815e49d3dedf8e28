//! A deadline for a whole operation, however many requests it takes.
//!
//! A chunked write or a split read is many requests; a per-request timeout
//! would let the operation run for many times the time a caller allowed.
//! [`with_deadline`] puts a deadline on everything a future does: each
//! request gets at most the time left, and a write that runs out of time
//! says how many points it had written. The C API runs every call this way
//! with the connection's call timeout.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use super::error::{Error, ErrorKind, Result};

tokio::task_local! {
    static DEADLINE: Instant;
}

/// Runs `operation` so that every request it makes to the server is over
/// by `deadline`: a request started with less time left gets only that
/// much, and one started after it fails at once with `ErrorKind::Timeout`.
/// Tasks the operation spawns (such as keep-alive) are not bound by it.
pub async fn with_deadline<F: Future>(deadline: Instant, operation: F) -> F::Output {
    DEADLINE.scope(deadline, operation).await
}

/// The time a request may take: `limit`, or less if the deadline of the
/// operation it belongs to comes first.
pub(crate) fn limit(limit: Duration) -> Duration {
    left(limit).0
}

/// As [`limit`], and whether the operation's deadline shortened it.
fn left(limit: Duration) -> (Duration, bool) {
    match DEADLINE.try_with(|d| d.saturating_duration_since(Instant::now())) {
        Ok(left) if left < limit => (left, true),
        _ => (limit, false),
    }
}

/// Awaits `work` (one request, or something else the operation waits for,
/// such as a token provider) within `within` and the deadline of the
/// operation, if any; the timeout error names `what`.
pub(crate) async fn bounded<T>(
    what: &str,
    within: Duration,
    work: impl Future<Output = Result<T>>,
) -> Result<T> {
    let (limit, by_deadline) = left(within);
    let timed_out = || {
        if by_deadline {
            Error::new(
                ErrorKind::Timeout,
                format!("{what} failed: no answer before the call's time ran out"),
            )
        } else {
            Error::timeout(what, limit)
        }
    };
    if limit.is_zero() {
        return Err(timed_out());
    }
    match tokio::time::timeout(limit, work).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!(
                "{what}: no answer within {} ms ({})",
                limit.as_millis(),
                if by_deadline {
                    "what was left of the call's time"
                } else {
                    "its time limit"
                }
            );
            Err(timed_out())
        }
    }
}
