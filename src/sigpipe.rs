//! Keeping SIGPIPE from the host.
//!
//! Writing to a connection the server has closed raises SIGPIPE in the
//! writing thread on Unix, and its default action ends the process: a C host
//! that has not ignored SIGPIPE (Rust, Python and .NET programs do; C
//! programs usually do not) would die when a server restarts. tokio writes
//! with `writev`, which cannot be told not to signal. So the library blocks
//! SIGPIPE for good in its own threads, and on a host's thread for as long
//! as a C call drives the runtime there ([`HostThread`]): a write then just
//! fails with EPIPE, and a SIGPIPE it raised is taken back before the
//! host's signal mask is restored. The host's signal disposition, and its
//! own SIGPIPEs, are left alone.

/// Blocks SIGPIPE in the calling thread, one the library owns.
#[cfg(unix)]
pub(crate) fn block_in_this_thread() {
    // SAFETY: plain libc calls on a local, initialised signal set; they
    // change only the calling thread's signal mask.
    unsafe {
        let set = sigpipe_set();
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

/// No SIGPIPE elsewhere.
#[cfg(not(unix))]
pub(crate) fn block_in_this_thread() {}

/// The set holding SIGPIPE alone.
#[cfg(unix)]
fn sigpipe_set() -> libc::sigset_t {
    // SAFETY: sigemptyset initialises the zeroed set; sigaddset adds a
    // valid signal number to it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        set
    }
}

/// Whether a SIGPIPE is pending for the calling thread.
#[cfg(unix)]
fn pending() -> bool {
    // SAFETY: sigpending writes the zeroed, local set; sigismember reads it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigpending(&mut set) == 0 && libc::sigismember(&set, libc::SIGPIPE) == 1
    }
}

/// SIGPIPE blocked on a host's thread until dropped. A SIGPIPE raised
/// meanwhile (by a write of the library's) is consumed then, unless one was
/// already pending before (the host's own, blocked by the host), which is
/// left for the host.
#[cfg(unix)]
pub(crate) struct HostThread {
    was_blocked: bool,
    was_pending: bool,
}

#[cfg(unix)]
impl HostThread {
    pub(crate) fn enter() -> HostThread {
        let set = sigpipe_set();
        // SAFETY: changes only the calling thread's mask; `old` is a local
        // set that pthread_sigmask fills in.
        let was_blocked = unsafe {
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old) == 0
                && libc::sigismember(&old, libc::SIGPIPE) == 1
        };
        // A SIGPIPE pending while unblocked would have been delivered.
        let was_pending = was_blocked && pending();
        HostThread {
            was_blocked,
            was_pending,
        }
    }
}

#[cfg(unix)]
impl Drop for HostThread {
    fn drop(&mut self) {
        let set = sigpipe_set();
        if !self.was_pending && pending() {
            let zero = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            // SAFETY: SIGPIPE is blocked here, so sigtimedwait takes the
            // pending one without waiting; the info pointer may be NULL.
            unsafe {
                libc::sigtimedwait(&set, std::ptr::null_mut(), &zero);
            }
        }
        if !self.was_blocked {
            // SAFETY: changes only the calling thread's mask, back to what
            // the host had.
            unsafe {
                libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            }
        }
    }
}

/// No SIGPIPE elsewhere.
#[cfg(not(unix))]
pub(crate) struct HostThread;

#[cfg(not(unix))]
impl HostThread {
    pub(crate) fn enter() -> HostThread {
        HostThread
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Whether SIGPIPE is in the calling thread's mask.
    fn blocked() -> bool {
        // SAFETY: queries the calling thread's mask into a local set.
        unsafe {
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), &mut old);
            libc::sigismember(&old, libc::SIGPIPE) == 1
        }
    }

    fn raise_in_this_thread() {
        // SAFETY: sends SIGPIPE to the calling thread, where it is blocked.
        unsafe {
            libc::pthread_kill(libc::pthread_self(), libc::SIGPIPE);
        }
    }

    #[test]
    fn a_sigpipe_raised_inside_is_taken_back_and_the_mask_restored() {
        std::thread::spawn(|| {
            assert!(!blocked());
            {
                let _inside = HostThread::enter();
                assert!(blocked());
                raise_in_this_thread();
                assert!(pending());
            }
            assert!(!pending());
            assert!(!blocked());
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_hosts_own_pending_sigpipe_is_left_alone() {
        std::thread::spawn(|| {
            block_in_this_thread();
            raise_in_this_thread();
            {
                let _inside = HostThread::enter();
                raise_in_this_thread();
            }
            assert!(blocked());
            assert!(pending());
            // Take it back so that nothing is left for the test process.
            let set = sigpipe_set();
            let zero = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            // SAFETY: SIGPIPE is blocked and pending; this takes it.
            unsafe {
                libc::sigtimedwait(&set, std::ptr::null_mut(), &zero);
            }
            assert!(!pending());
        })
        .join()
        .unwrap();
    }
}
