//! Lock helpers. A panic is caught at the C boundary while a lock may be
//! held; the data behind our locks stays consistent across such a panic
//! (each critical section is a single read or replace), so a poisoned lock
//! is used as it is rather than turning every later call into a failure.

use std::sync::{Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::thread::ThreadId;

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}

pub(crate) fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

/// Waits on `idle` until the callback `running_on` says is running (on the
/// thread it names) is not running on another thread: what makes "when this
/// returns, the callback is not running" hold, except for a call from inside
/// the callback itself, which must not wait for itself.
pub(crate) fn wait_until_not_running_elsewhere<'a, T>(
    mut guard: MutexGuard<'a, T>,
    idle: &Condvar,
    running_on: impl Fn(&T) -> Option<ThreadId>,
) -> MutexGuard<'a, T> {
    let me = std::thread::current().id();
    while running_on(&guard).is_some_and(|thread| thread != me) {
        guard = idle.wait(guard).unwrap_or_else(|p| p.into_inner());
    }
    guard
}
