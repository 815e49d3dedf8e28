//! SIGPIPE in the library's own threads.
//!
//! The connections' writes never raise SIGPIPE (`client::transport` sends
//! with `MSG_NOSIGNAL`), on the library's threads or the host's. As a second
//! line, the library's own threads block SIGPIPE for good, so that no other
//! write there (a token provider's, say) can end a host that left SIGPIPE at
//! its default. The host's threads, signal mask and disposition are left
//! alone.

/// Blocks SIGPIPE in the calling thread, one the library owns.
#[cfg(unix)]
pub(crate) fn block_in_this_thread() {
    // SAFETY: sigemptyset initialises the zeroed local set, sigaddset adds
    // a valid signal number to it; pthread_sigmask changes only the calling
    // thread's signal mask.
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
