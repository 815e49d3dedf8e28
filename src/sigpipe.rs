//! Keeping SIGPIPE from the host.
//!
//! Writing to a connection the server has closed raises SIGPIPE in the
//! writing thread on Unix, and its default action ends the process: a C host
//! that has not ignored SIGPIPE (Rust, Python and .NET programs do; C
//! programs usually do not) would die when a server restarts. tokio writes
//! with `writev`, which cannot be told not to signal, so the library blocks
//! SIGPIPE in its own threads (the write then just fails with EPIPE) and
//! does all its socket I/O there: connecting included, which otherwise
//! would run on the caller's thread. The host's signal disposition and its
//! own threads are left alone.

/// Blocks SIGPIPE in the calling thread, one the library owns.
#[cfg(unix)]
pub(crate) fn block_in_this_thread() {
    // SAFETY: plain libc calls on a local, initialised signal set; they
    // change only the calling thread's signal mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

/// No SIGPIPE elsewhere.
#[cfg(not(unix))]
pub(crate) fn block_in_this_thread() {}
