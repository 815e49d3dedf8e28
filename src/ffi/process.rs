//! The process the library's state belongs to, and `fork()`.
//!
//! After `fork()` a child has a copy of the library's memory but none of its
//! threads: the runtime's workers, the callback thread and the connections'
//! I/O are gone, locks may be held forever by threads that do not exist, and
//! the epoll instance and sockets are shared with the parent, so using them
//! from the child can disturb the parent's connections. So the library
//! records the process that first calls it, and every later call from
//! another process (a fork child) fails at once with `MESH_ERROR_FORKED`
//! before touching any of that state; the parent goes on as before.
//!
//! A process id check at every call rather than a `pthread_atfork` handler:
//! it costs one `getpid()`, needs nothing registered with the C library (an
//! atfork handler cannot be unregistered, which matters to hosts that
//! unload the library), and sees every way a child can come about.

use std::sync::atomic::{AtomicU32, Ordering};

use super::{mesh_status, Failure, FfiResult};

/// The process that uses the library; 0 until its first call.
static OWNER: AtomicU32 = AtomicU32::new(0);

/// Fails in a process other than the one the library's state belongs to.
pub(crate) fn check() -> FfiResult {
    let pid = std::process::id();
    match OWNER.compare_exchange(0, pid, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => Ok(()),
        Err(owner) if owner == pid => Ok(()),
        Err(owner) => Err(Failure::new(
            mesh_status::MESH_ERROR_FORKED,
            format!(
                "this process ({pid}) is a fork() child of process {owner}, which was using the library: \
                 the library's threads and connections do not exist here, so no call can work; \
                 use the library in the parent, or in a program the child starts with exec"
            ),
        )),
    }
}
