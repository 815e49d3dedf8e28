//! What the server sees of concurrency: how many calls are in flight at
//! once (the most since the last start), and a delay a test can put on a
//! method so that calls overlap. A tower layer around every service; the
//! HTTP/2 limit on concurrent streams (`Config::max_concurrent_streams`)
//! is the server's, set on the transport.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use crate::sync::lock;

/// Calls in flight now and the most seen at once, and per-method delays.
#[derive(Default)]
pub(crate) struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
    /// Whether `delays` has any: calls skip its lock when not.
    delaying: AtomicBool,
    delays: Mutex<HashMap<String, Duration>>,
}

impl InFlight {
    pub(crate) fn most(&self) -> usize {
        self.most.load(Ordering::Acquire)
    }

    pub(crate) fn set_delay(&self, method: &str, delay: Duration) {
        let mut delays = lock(&self.delays);
        if delay.is_zero() {
            delays.remove(method);
        } else {
            delays.insert(method.to_string(), delay);
        }
        self.delaying.store(!delays.is_empty(), Ordering::Release);
    }

    fn delay_of(&self, path: &str) -> Option<Duration> {
        if !self.delaying.load(Ordering::Acquire) {
            return None;
        }
        let method = path.rsplit('/').next().unwrap_or(path);
        lock(&self.delays).get(method).copied()
    }

    fn enter(self: &Arc<Self>) -> Entered {
        let now = self.now.fetch_add(1, Ordering::AcqRel) + 1;
        self.most.fetch_max(now, Ordering::AcqRel);
        Entered(self.clone())
    }
}

/// One call in flight, until dropped.
struct Entered(Arc<InFlight>);

impl Drop for Entered {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The layer that counts calls (and delays them where asked).
#[derive(Clone)]
pub(crate) struct InFlightLayer(pub(crate) Arc<InFlight>);

impl<S> tower_layer::Layer<S> for InFlightLayer {
    type Service = Counted<S>;

    fn layer(&self, inner: S) -> Counted<S> {
        Counted {
            inner,
            in_flight: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct Counted<S> {
    inner: S,
    in_flight: Arc<InFlight>,
}

impl<S, B> tower_service::Service<http::Request<B>> for Counted<S>
where
    S: tower_service::Service<http::Request<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let entered = self.in_flight.enter();
        let delay = self.in_flight.delay_of(request.uri().path());
        // The ready service answers this call; a clone waits for the next.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            if let Some(delay) = delay {
                tokio::time::sleep(delay).await;
            }
            let response = inner.call(request).await;
            drop(entered);
            response
        })
    }
}
