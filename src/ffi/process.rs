//! The process the library's state belongs to, and `fork()`.
//!
//! After `fork()` a child has a copy of the library's memory but none of its
//! threads: the runtime thread, the callback thread and the connections'
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
//!
//! On Linux the check is a load rather than a system call once the process
//! has passed it: a page advised `MADV_WIPEONFORK` (Linux 4.14 and later)
//! holds a mark that the kernel wipes in every child, so only a process
//! without the mark asks for its id. Accessors of large results are called
//! hundreds of thousands of times, where a `getpid()` per call would be
//! much of their cost. Elsewhere, or where the advice is refused, every
//! call asks for the process id as before.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::ffi::{mesh_status, Failure, FfiResult};

/// The process that uses the library; 0 until its first call.
static OWNER: AtomicU32 = AtomicU32::new(0);

/// Fails in a process other than the one the library's state belongs to.
pub(crate) fn check() -> FfiResult {
    if wipe_on_fork::marked() {
        return Ok(());
    }
    let checked = check_pid();
    if checked.is_ok() {
        wipe_on_fork::mark();
    }
    checked
}

fn check_pid() -> FfiResult {
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

/// The mark that a fork child loses (see the module notes).
#[cfg(target_os = "linux")]
mod wipe_on_fork {
    use std::sync::atomic::{AtomicU8, Ordering};
    use std::sync::OnceLock;

    /// The marked page, if the kernel took the advice. Never unmapped: a
    /// page for the life of the process.
    static PAGE: OnceLock<Option<&'static AtomicU8>> = OnceLock::new();

    fn page() -> Option<&'static AtomicU8> {
        // SAFETY: mmap of one private anonymous page, checked for failure,
        // then madvise on exactly that page; the page is zeroed memory that
        // stays mapped for the life of the process, so a `'static` atomic
        // byte at its start is valid.
        unsafe {
            let len = match libc::sysconf(libc::_SC_PAGESIZE) {
                n if n > 0 => n as usize,
                _ => 4096,
            };
            let p = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                return None;
            }
            if libc::madvise(p, len, libc::MADV_WIPEONFORK) != 0 {
                libc::munmap(p, len);
                return None;
            }
            Some(&*p.cast::<AtomicU8>())
        }
    }

    /// True in the process that set the mark, false in its fork children
    /// (and before the mark is set).
    pub(super) fn marked() -> bool {
        PAGE.get()
            .copied()
            .flatten()
            .is_some_and(|mark| mark.load(Ordering::Relaxed) == 1)
    }

    /// Sets the mark, after this process passed the process id check.
    pub(super) fn mark() {
        if let Some(mark) = PAGE.get_or_init(page) {
            mark.store(1, Ordering::Relaxed);
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod wipe_on_fork {
    pub(super) fn marked() -> bool {
        false
    }

    pub(super) fn mark() {}
}
