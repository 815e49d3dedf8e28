//! The log a C host receives: the library's `tracing` events (its own
//! targets, `mesh_capi::*`; never those of the crates under it), queued and
//! handed to the host's log callback and to the log file on the callback
//! thread.
//!
//! The library's code logs with `tracing`'s macros. A Rust host sees those
//! events through its own subscriber, as from any crate; the library never
//! installs a global one. For C hosts, [`Collector`] is made the thread's
//! default dispatcher while a C call runs (see `ffi::guard`) and on the
//! library's own threads, so it sees what the library does for them.
//!
//! Events are formatted on the thread that logs them and pushed onto a
//! bounded queue, never waiting: when it is full the message is dropped and
//! counted, and the count is reported in the log as soon as there is room.
//! The callback thread drains the queue, so a slow callback or file never
//! delays a call, and a callback never runs after `mesh_library_shutdown`
//! has returned.
//!
//! Without code: `MESH_CAPI_LOG_FILE` names a file to append the log to, at
//! the level `MESH_CAPI_LOG` gives (default `info`); both are read once, at
//! the first C call. A bad value is said once in the log, never an error.

use std::collections::VecDeque;
use std::ffi::{c_char, c_void, CString};
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering::Relaxed};
use std::sync::{Condvar, LazyLock, Mutex, Once};
use std::thread::ThreadId;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

use crate::sync::lock;

/// The levels, as the C API numbers them (`MESH_LOG_LEVEL_*`); 0 is off.
pub(crate) const ERROR: u8 = 1;
pub(crate) const WARNING: u8 = 2;
pub(crate) const INFO: u8 = 3;
pub(crate) const DEBUG: u8 = 4;
pub(crate) const TRACE: u8 = 5;

/// Messages waiting for the callback thread, at most.
pub(crate) const QUEUE_CAPACITY: usize = 4096;
/// Messages the callback thread takes from the queue at a time.
const DRAIN_BATCH: usize = 64;

/// How long the callback thread, told to stop, goes on delivering the log
/// at most (shutdown waits a second for it).
const LAST_DRAIN: std::time::Duration = std::time::Duration::from_millis(500);

/// The library's own events: their targets start with this.
const OWN_TARGET: &str = "mesh_capi";

fn level_number(level: &tracing::Level) -> u8 {
    match *level {
        tracing::Level::ERROR => ERROR,
        tracing::Level::WARN => WARNING,
        tracing::Level::INFO => INFO,
        tracing::Level::DEBUG => DEBUG,
        tracing::Level::TRACE => TRACE,
    }
}

fn level_name(level: u8) -> &'static str {
    match level {
        ERROR => "ERROR",
        WARNING => "WARN",
        INFO => "INFO",
        DEBUG => "DEBUG",
        _ => "TRACE",
    }
}

/// A level from its name (`error`, `warning` or `warn`, `info`, `debug`,
/// `trace`, `off`), in any case, or its number.
pub(crate) fn parse_level(text: &str) -> Option<u8> {
    let text = text.trim();
    Some(match text.to_ascii_lowercase().as_str() {
        "off" | "0" => 0,
        "error" | "1" => ERROR,
        "warning" | "warn" | "2" => WARNING,
        "info" | "3" => INFO,
        "debug" | "4" => DEBUG,
        "trace" | "5" => TRACE,
        _ => return None,
    })
}

/// One message waiting to be delivered.
struct Message {
    level: u8,
    target: &'static str,
    text: String,
    /// Milliseconds since the Unix epoch, for the file.
    at_ms: u64,
}

/// The host's callback.
#[derive(Clone, Copy)]
struct Callback {
    function: unsafe extern "C" fn(i32, *const c_char, *const c_char, *mut c_void),
    user_data: usize,
    level: u8,
}

#[derive(Default)]
struct CallbackState {
    callback: Option<Callback>,
    /// The thread running the callback now.
    running_on: Option<ThreadId>,
}

struct Log {
    /// The most detailed level any output wants; 0 when none does.
    max_level: AtomicU8,
    callback: Mutex<CallbackState>,
    callback_idle: Condvar,
    /// The file of `MESH_CAPI_LOG_FILE`, and its level.
    file: Mutex<Option<(std::fs::File, u8)>>,
    queue: Mutex<VecDeque<Message>>,
    /// Where drains go: the callback thread of the library running now,
    /// with its runtime's address.
    callbacks: Mutex<Option<(usize, crate::runtime::CallbackSender)>>,
    /// A drain of the queue is posted to the callback thread.
    draining: AtomicBool,
    /// Messages dropped on a full queue and not yet reported.
    unreported: AtomicU64,
    environment: Once,
}

static LOG: LazyLock<Log> = LazyLock::new(|| Log {
    max_level: AtomicU8::new(0),
    callback: Mutex::new(CallbackState::default()),
    callback_idle: Condvar::new(),
    file: Mutex::new(None),
    queue: Mutex::new(VecDeque::new()),
    callbacks: Mutex::new(None),
    draining: AtomicBool::new(false),
    unreported: AtomicU64::new(0),
    environment: Once::new(),
});

static DISPATCH: LazyLock<tracing::Dispatch> = LazyLock::new(|| tracing::Dispatch::new(Collector));

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl Log {
    fn update_max_level(&self) {
        let callback = lock(&self.callback).callback.map_or(0, |c| c.level);
        let file = lock(&self.file).as_ref().map_or(0, |(_, level)| *level);
        self.max_level.store(callback.max(file), Relaxed);
    }

    /// Queues a message, or counts it dropped when the queue is full.
    fn push(&self, level: u8, target: &'static str, text: String) {
        {
            let mut queue = lock(&self.queue);
            if queue.len() >= QUEUE_CAPACITY {
                drop(queue);
                self.unreported.fetch_add(1, Relaxed);
                return;
            }
            queue.push_back(Message {
                level,
                target,
                text,
                at_ms: now_ms(),
            });
        }
        self.schedule();
    }

    /// Posts a drain to the callback thread unless one is posted.
    fn schedule(&self) {
        if self.draining.swap(true, Relaxed) {
            return;
        }
        match lock(&self.callbacks).as_ref() {
            Some((_, callbacks)) => callbacks.post(Box::new(|| LOG.drain())),
            // Delivered once the library runs again (see `runtime_started`).
            None => self.draining.store(false, Relaxed),
        }
    }

    /// On the callback thread: delivers what is queued.
    fn drain(&self) {
        if self.deliver_batch() {
            // More may wait: the next batch goes behind the callbacks
            // queued meanwhile (an operation's completion waits for one
            // batch at most).
            if let Some((_, callbacks)) = lock(&self.callbacks).as_ref() {
                callbacks.post(Box::new(|| LOG.drain()));
                return;
            }
        }
        self.draining.store(false, Relaxed);
        // A message pushed after the queue was seen empty, and before the
        // flag fell, posted no drain of its own.
        if !lock(&self.queue).is_empty() {
            self.schedule();
        }
    }

    /// Delivers the report of dropped messages, if any, and one batch of the
    /// queue. True if the batch held messages (more may wait).
    fn deliver_batch(&self) -> bool {
        // A few at a time: what waits stays in the queue, which is what
        // its bound counts.
        let batch: Vec<Message> = {
            let mut queue = lock(&self.queue);
            let n = queue.len().min(DRAIN_BATCH);
            queue.drain(..n).collect()
        };
        let unreported = self.unreported.swap(0, Relaxed);
        if unreported > 0 {
            self.deliver(&Message {
                level: WARNING,
                target: "mesh_capi::log",
                text: format!(
                    "{unreported} log messages were dropped: more than {QUEUE_CAPACITY} waited for the log callback or file"
                ),
                at_ms: now_ms(),
            });
        }
        for message in &batch {
            self.deliver(message);
        }
        !batch.is_empty()
    }

    fn deliver(&self, message: &Message) {
        if let Some((file, level)) = lock(&self.file).as_mut() {
            if message.level <= *level {
                let line = format!(
                    "{} {:5} {}: {}\n",
                    utc_text(message.at_ms),
                    level_name(message.level),
                    message.target,
                    message.text
                );
                let _ = file.write_all(line.as_bytes());
            }
        }
        let callback = {
            let mut state = lock(&self.callback);
            match state.callback {
                Some(callback) if message.level <= callback.level => {
                    state.running_on = Some(std::thread::current().id());
                    callback
                }
                _ => return,
            }
        };
        let target = CString::new(message.target).unwrap_or_default();
        let text = CString::new(message.text.replace('\0', " ")).unwrap_or_default();
        // SAFETY: the host's function, called as its contract says; the
        // strings live through the call.
        unsafe {
            (callback.function)(
                i32::from(message.level),
                target.as_ptr(),
                text.as_ptr(),
                std::ptr::with_exposed_provenance_mut(callback.user_data),
            )
        };
        lock(&self.callback).running_on = None;
        self.callback_idle.notify_all();
    }

    /// Reads `MESH_CAPI_LOG` and `MESH_CAPI_LOG_FILE`, once.
    fn read_environment(&self) {
        self.environment.call_once(|| {
            let level_text = std::env::var("MESH_CAPI_LOG").ok();
            let parsed = level_text.as_deref().map(parse_level);
            let level = match parsed {
                Some(Some(level)) => level,
                _ => INFO,
            };
            let mut said = Vec::new();
            if let (Some(text), Some(None)) = (&level_text, parsed) {
                said.push(format!(
                    "MESH_CAPI_LOG={text:?} is not a level (error, warning, info, debug, trace, off): logging at info"
                ));
            }
            if let Some(path) = std::env::var_os("MESH_CAPI_LOG_FILE").filter(|p| !p.is_empty()) {
                match std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                {
                    Ok(file) if level > 0 => *lock(&self.file) = Some((file, level)),
                    Ok(_) => {}
                    Err(e) => said.push(format!(
                        "MESH_CAPI_LOG_FILE={path:?} cannot be opened for appending ({e}): no log file"
                    )),
                }
            }
            self.update_max_level();
            for text in said {
                self.push(WARNING, "mesh_capi::log", text);
            }
        });
    }
}

/// `2026-12-07T19:40:01.123Z` for ms since the Unix epoch.
fn utc_text(ms: u64) -> String {
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (year, month, day) = crate::client::calc::expression::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms % 1000
    )
}

/// The subscriber a C host's log goes through.
struct Collector;

/// Formats an event's fields: its message, then `name=value` for the rest.
#[derive(Default)]
struct Text {
    message: String,
    fields: String,
}

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }
}

impl Subscriber for Collector {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if metadata.target().starts_with(OWN_TARGET) {
            // Levels change at run time: ask each time.
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with(OWN_TARGET)
            && level_number(metadata.level()) <= LOG.max_level.load(Relaxed)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let metadata = event.metadata();
        let mut text = Text::default();
        event.record(&mut text);
        text.message.push_str(&text.fields);
        LOG.push(
            level_number(metadata.level()),
            metadata.target(),
            text.message,
        );
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// At the start of every C call: reads the environment the first time, and
/// while anything is logged makes the collector this thread's dispatcher
/// until the guard is dropped.
pub(crate) fn enter() -> Option<tracing::dispatcher::DefaultGuard> {
    LOG.read_environment();
    (LOG.max_level.load(Relaxed) > 0).then(|| tracing::dispatcher::set_default(&DISPATCH))
}

/// On every thread the library owns, for its life.
pub(crate) fn library_thread() {
    std::mem::forget(tracing::dispatcher::set_default(&DISPATCH));
}

/// A new callback thread: delivers what waited for one, and what comes.
pub(crate) fn runtime_started(rt: &std::sync::Arc<crate::runtime::Runtime>) {
    *lock(&LOG.callbacks) = Some((std::sync::Arc::as_ptr(rt).addr(), rt.callbacks()));
    LOG.draining.store(false, Relaxed);
    if !lock(&LOG.queue).is_empty() {
        LOG.schedule();
    }
}

/// On the callback thread, told to stop: delivers everything queued, since
/// a drain posted after the stop (by a drain running meanwhile) would not
/// run, and shutdown's own last messages would be lost with it.
/// Bounded by [`LAST_DRAIN`], so that a slow callback cannot make shutdown
/// time out: what is left then stays queued, for the library's next start.
pub(crate) fn drain_before_stop() {
    let began = std::time::Instant::now();
    while began.elapsed() < LAST_DRAIN && LOG.deliver_batch() {}
}

/// The callback thread of `rt` stopped: a drain posted to it will not run.
pub(crate) fn runtime_stopped(rt: &crate::runtime::Runtime) {
    let mut callbacks = lock(&LOG.callbacks);
    if callbacks
        .as_ref()
        .is_some_and(|(of, _)| *of == std::ptr::from_ref(rt).addr())
    {
        *callbacks = None;
        LOG.draining.store(false, Relaxed);
    }
}

/// Sets (or with `None` clears) the host's callback. When this returns, the
/// callback set before is not running (unless this is called from inside
/// it) and will not run.
pub(crate) fn set_callback(
    function: Option<unsafe extern "C" fn(i32, *const c_char, *const c_char, *mut c_void)>,
    level: u8,
    user_data: *mut c_void,
) {
    let mut state = lock(&LOG.callback);
    state.callback = function.map(|function| Callback {
        function,
        user_data: user_data.expose_provenance(),
        level,
    });
    drop(crate::sync::wait_until_not_running_elsewhere(
        state,
        &LOG.callback_idle,
        |s| s.running_on,
    ));
    LOG.update_max_level();
    // A callsite first reached on a host's thread while nothing was logged
    // (no collector set there, see `enter`) cached "never": with a single
    // dispatcher in the process, tracing asks the current thread's default.
    // Ask again with the collector as the default, or the library's connects
    // and calls would stay silent for a callback set after them.
    tracing::dispatcher::with_default(&DISPATCH, tracing::callsite::rebuild_interest_cache);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_text_is_iso_8601() {
        assert_eq!(utc_text(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(utc_text(1_704_067_200_123), "2024-01-01T00:00:00.123Z");
        assert_eq!(utc_text(1_709_210_096_789), "2024-02-29T12:34:56.789Z");
    }

    #[test]
    fn levels_parse_by_name_and_number() {
        assert_eq!(parse_level("Warning"), Some(WARNING));
        assert_eq!(parse_level("warn"), Some(WARNING));
        assert_eq!(parse_level(" trace "), Some(TRACE));
        assert_eq!(parse_level("3"), Some(INFO));
        assert_eq!(parse_level("off"), Some(0));
        assert_eq!(parse_level("loud"), None);
    }
}
