//! Keeping the library's panics off the host's stderr.
//!
//! Every panic inside the library is caught (`catch_unwind` in the C
//! boundary's guard, on the callback thread, in the Arrow decoder, by tokio
//! in tasks) and reported as a status, but Rust's panic hook runs before any
//! catching and prints the message and a backtrace note to stderr, where a
//! host (Excel, a service, a .NET program) does not expect the library to
//! write.
//!
//! So the library installs a hook, once, on first use of the C API, that
//! stays silent for panics in the library's scope (a thread inside a
//! `mesh_*` call, or one of the library's own threads) and hands every
//! other panic to the hook that was there before, unchanged. In the shared
//! library the hook belongs to the library's own copy of the Rust standard
//! library, so a host never sees it; a Rust program that links the crate
//! and calls the C functions keeps its own hook for its own panics.

use std::cell::Cell;
use std::sync::Once;

thread_local! {
    /// Greater than 0 while this thread is in the library's scope.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

fn in_scope() -> bool {
    DEPTH.try_with(|d| d.get() > 0).unwrap_or(false)
}

type Hook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync + 'static>;

/// A hook silent in the library's scope that hands other panics to `previous`.
fn quiet_hook(previous: Hook) -> Hook {
    Box::new(move |info| {
        if !in_scope() {
            previous(info);
        }
    })
}

/// Installs the hook (once). A no-op on a panicking thread, where the
/// standard library refuses to change hooks.
pub(crate) fn install() {
    static INSTALL: Once = Once::new();
    if std::thread::panicking() {
        return;
    }
    INSTALL.call_once(|| std::panic::set_hook(quiet_hook(std::panic::take_hook())));
}

/// Runs `f` in the library's scope: a panic inside stays quiet.
pub(crate) fn scope<R>(f: impl FnOnce() -> R) -> R {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            let _ = DEPTH.try_with(|d| d.set(d.get().saturating_sub(1)));
        }
    }
    let _ = DEPTH.try_with(|d| d.set(d.get().saturating_add(1)));
    let _leave = Leave;
    f()
}

/// Runs `f`, the host's code (a callback, a token provider), outside the
/// library's scope, so that a panic of the host's own is the host's hook's
/// business, even on a thread of the library.
pub(crate) fn outside<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(u32);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = DEPTH.try_with(|d| d.set(self.0));
        }
    }
    let _restore = Restore(DEPTH.try_with(|d| d.replace(0)).unwrap_or(0));
    f()
}

/// Marks the calling thread, one the library owns, as in its scope for
/// good.
pub(crate) fn library_thread() {
    let _ = DEPTH.try_with(|d| d.set(d.get().saturating_add(1)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn panics_in_scope_are_silent_and_others_reach_the_previous_hook() {
        // Other tests of this binary may panic meanwhile: count only ours.
        const MARK: &str = "quiet-test-marker";
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = seen.clone();
        let original = std::panic::take_hook();
        std::panic::set_hook(quiet_hook(Box::new(move |info| {
            if info.payload_as_str().is_some_and(|m| m.contains(MARK)) {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        })));
        let run = |f: fn()| std::thread::spawn(move || std::panic::catch_unwind(f).is_err());
        assert!(run(|| scope(|| panic!("{MARK} inside a call")))
            .join()
            .unwrap());
        assert_eq!(
            seen.load(Ordering::SeqCst),
            0,
            "a panic in scope reached the hook"
        );
        assert!(run(|| {
            library_thread();
            panic!("{MARK} on a library thread")
        })
        .join()
        .unwrap());
        assert_eq!(seen.load(Ordering::SeqCst), 0);
        assert!(run(|| panic!("{MARK} outside")).join().unwrap());
        assert_eq!(
            seen.load(Ordering::SeqCst),
            1,
            "the previous hook was not called"
        );
        // The scope ends with the call, panic or not.
        let after = std::thread::spawn(|| {
            let _ = std::panic::catch_unwind(|| scope(|| panic!("{MARK} inside")));
            in_scope()
        });
        assert!(!after.join().unwrap());
        assert_eq!(seen.load(Ordering::SeqCst), 1);
        // The host's code called from the library is the host's business.
        assert!(run(|| {
            library_thread();
            scope(|| outside(|| panic!("{MARK} in a host callback")))
        })
        .join()
        .unwrap());
        assert_eq!(seen.load(Ordering::SeqCst), 2);
        std::panic::set_hook(original);
    }
}
