//! Handle registries. A handle given to C is a key into a registry, never a
//! pointer we dereference, so a closed, freed or made-up handle is simply
//! not found. Keys are never reused, and carry a tag per handle type so a
//! connection handle passed as a session is not found either.

use crate::sync::{read, write};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use super::{Failure, FfiResult};

static NEXT_KEY: AtomicUsize = AtomicUsize::new(1);

/// Reserves `count` consecutive handle numbers for handles that are not
/// registry entries but items of a block (see `model_handles`), and returns
/// the first; `None` when the numbers would no longer fit a handle.
pub(crate) fn reserve_numbers(count: usize) -> Option<usize> {
    let first = NEXT_KEY.fetch_add(count, Ordering::Relaxed);
    first
        .checked_add(count)
        .filter(|end| *end <= usize::MAX >> 4)
        .map(|_| first)
}

pub(crate) struct Registry<T> {
    tag: usize,
    what: &'static str,
    map: RwLock<HashMap<usize, Arc<T>>>,
}

impl<T> Registry<T> {
    /// `tag` (1..=15) tells handle types apart; `what` names them in errors.
    pub(crate) fn new(tag: usize, what: &'static str) -> Self {
        Registry {
            tag,
            what,
            map: RwLock::new(HashMap::new()),
        }
    }

    /// Registers `value` and returns its handle.
    pub(crate) fn insert<H>(&self, value: T) -> *mut H {
        let key = (NEXT_KEY.fetch_add(1, Ordering::Relaxed) << 4) | self.tag;
        write(&self.map).insert(key, Arc::new(value));
        std::ptr::without_provenance_mut(key)
    }

    /// The value behind a handle.
    pub(crate) fn get<H>(&self, handle: *const H) -> FfiResult<Arc<T>> {
        if handle.is_null() {
            return Err(Failure::invalid_argument(format!("{} is NULL", self.what)));
        }
        read(&self.map)
            .get(&handle.addr())
            .cloned()
            .ok_or_else(|| Failure::invalid_handle(self.what))
    }

    /// Unregisters a handle; later uses of it are invalid.
    pub(crate) fn remove<H>(&self, handle: *const H) -> FfiResult<Arc<T>> {
        if handle.is_null() {
            return Err(Failure::invalid_argument(format!("{} is NULL", self.what)));
        }
        write(&self.map)
            .remove(&handle.addr())
            .ok_or_else(|| Failure::invalid_handle(self.what))
    }

    /// Unregisters every handle whose value passes `pick`.
    pub(crate) fn drain_where(&self, mut pick: impl FnMut(&T) -> bool) -> Vec<Arc<T>> {
        write(&self.map)
            .extract_if(|_, v| pick(v))
            .map(|(_, v)| v)
            .collect()
    }
}
