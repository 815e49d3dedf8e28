//! Handles. A handle given to C is a number, never a pointer we
//! dereference: it names a slot of one table, so a closed, freed or made-up
//! handle is simply not found.
//!
//! A handle's bits are, from the top: the slot's generation, the slot's
//! index, and its kind ([`HandleKind`]). A slot freed is reused only after
//! many others have been freed (a first-in, first-out queue that is never
//! drawn from while short), and each reuse bumps its generation, so a stale
//! handle finds a slot of another generation and is refused. Handles are
//! therefore never used up, however long a host runs, and on a 32-bit host
//! they fit its 32-bit pointers: what is bounded is how many are alive at
//! once ([`Layout`]).

use std::any::Any;
use std::collections::VecDeque;
use std::sync::{Arc, LazyLock, OnceLock, RwLock};

use crate::ffi::mesh_status::MESH_ERROR_RESOURCE_EXHAUSTED;
use crate::ffi::{Failure, FfiResult};
use crate::sync::{read, write};

/// What a handle is a handle of. The numbers are private to the library
/// (a handle is opaque to the host), but they stay distinct, and 0 is never
/// used, so that no handle is 0 (NULL).
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HandleKind {
    Options = 1,
    Connection = 2,
    Session = 3,
    PointList = 4,
    TimeseriesResource = 5,
    Identity = 6,
    UnitList = 7,
    CalcResult = 8,
    RatingCurve = 9,
    XySetList = 10,
    IdList = 11,
    Attribute = 12,
    AttributeList = 13,
    Object = 14,
    ObjectList = 15,
    AvailabilityEvent = 16,
    AvailabilityEventList = 17,
    AvailabilityInstanceList = 18,
    RestrictionRecurrence = 19,
    Operation = 20,
}

/// Every kind, for the test that they stay distinct and fit their bits.
#[cfg(test)]
const ALL_KINDS: [HandleKind; 20] = [
    HandleKind::Options,
    HandleKind::Connection,
    HandleKind::Session,
    HandleKind::PointList,
    HandleKind::TimeseriesResource,
    HandleKind::Identity,
    HandleKind::UnitList,
    HandleKind::CalcResult,
    HandleKind::RatingCurve,
    HandleKind::XySetList,
    HandleKind::IdList,
    HandleKind::Attribute,
    HandleKind::AttributeList,
    HandleKind::Object,
    HandleKind::ObjectList,
    HandleKind::AvailabilityEvent,
    HandleKind::AvailabilityEventList,
    HandleKind::AvailabilityInstanceList,
    HandleKind::RestrictionRecurrence,
    HandleKind::Operation,
];

/// How a handle's bits are shared out. Kinds take 6 bits (63 kinds, 19 used
/// today); a pointer's remaining bits go to the slot index and generation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    kind_bits: u32,
    index_bits: u32,
    generation_bits: u32,
    /// Freed slots waiting before one is reused.
    quarantine: usize,
}

impl Layout {
    /// For `pointer_bits`-bit hosts: on 64 bits, 2^32 live handles and
    /// 2^26 generations a slot; on 32 bits, 2^22 (about 4 million) live
    /// handles and 16 generations a slot, a slot being reused only after
    /// 2^16 others were freed (so a stale handle could come back only after
    /// about a million frees in between).
    pub(crate) const fn for_pointer_bits(pointer_bits: u32) -> Layout {
        let kind_bits = 6;
        let index_bits = if pointer_bits >= 64 { 32 } else { 22 };
        Layout {
            kind_bits,
            index_bits,
            generation_bits: pointer_bits - kind_bits - index_bits,
            quarantine: 1 << 16,
        }
    }

    fn encode(&self, generation: u32, index: u32, kind: HandleKind) -> usize {
        let generation = generation as usize & ((1usize << self.generation_bits) - 1);
        (((generation << self.index_bits) | index as usize) << self.kind_bits) | kind as usize
    }

    /// The slot index and generation bits of a handle of kind `kind`.
    fn decode(&self, handle: usize, kind: HandleKind) -> Option<(usize, usize)> {
        if handle & ((1 << self.kind_bits) - 1) != kind as usize {
            return None;
        }
        let number = handle >> self.kind_bits;
        Some((
            number & ((1 << self.index_bits) - 1),
            number >> self.index_bits,
        ))
    }
}

/// What a slot holds: the value (shared by the slots of a model result,
/// told apart by `item`) and the kind it was registered as.
struct Entry {
    kind: HandleKind,
    value: Arc<dyn Any + Send + Sync>,
    item: u32,
}

struct Slot {
    generation: u32,
    entry: Option<Entry>,
}

/// The table of slots behind every handle of the process.
pub(crate) struct Table {
    layout: Layout,
    slots: Vec<Slot>,
    free: VecDeque<u32>,
}

fn exhausted() -> Failure {
    Failure::new(
        MESH_ERROR_RESOURCE_EXHAUSTED,
        "too many handles alive at once: free some (points, lists, results) first",
    )
}

impl Table {
    pub(crate) const fn new(layout: Layout) -> Table {
        Table {
            layout,
            slots: Vec::new(),
            free: VecDeque::new(),
        }
    }

    /// A slot for `entry`, and its handle.
    fn insert(&mut self, entry: Entry) -> FfiResult<usize> {
        let kind = entry.kind;
        let reuse = self.free.len() >= self.layout.quarantine
            || self.slots.len() >= 1usize << self.layout.index_bits;
        let index = if reuse {
            self.free.pop_front().ok_or_else(exhausted)?
        } else {
            self.slots.push(Slot {
                generation: 0,
                entry: None,
            });
            (self.slots.len() - 1) as u32
        };
        let slot = &mut self.slots[index as usize];
        slot.entry = Some(entry);
        Ok(self.layout.encode(slot.generation, index, kind))
    }

    fn slot(&self, handle: usize, kind: HandleKind) -> Option<&Entry> {
        let (index, generation) = self.layout.decode(handle, kind)?;
        let slot = self.slots.get(index)?;
        let mask = (1usize << self.layout.generation_bits) - 1;
        (slot.generation as usize & mask == generation)
            .then_some(slot.entry.as_ref())
            .flatten()
            .filter(|entry| entry.kind == kind)
    }

    /// The value and item behind a handle of kind `kind`.
    fn get(&self, handle: usize, kind: HandleKind) -> Option<(Arc<dyn Any + Send + Sync>, u32)> {
        self.slot(handle, kind)
            .map(|entry| (entry.value.clone(), entry.item))
    }

    /// Frees a handle's slot; its value, if it was there.
    fn remove(&mut self, handle: usize, kind: HandleKind) -> Option<Entry> {
        self.slot(handle, kind)?;
        let (index, _) = self.layout.decode(handle, kind)?;
        let slot = &mut self.slots[index];
        let entry = slot.entry.take();
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push_back(index as u32);
        entry
    }

    /// Frees every handle of kind `kind` whose value passes `pick`.
    fn drain_where(
        &mut self,
        kind: HandleKind,
        mut pick: impl FnMut(&Arc<dyn Any + Send + Sync>) -> bool,
    ) -> Vec<Arc<dyn Any + Send + Sync>> {
        let picked: Vec<usize> = self
            .slots
            .iter()
            .enumerate()
            .filter(|(_, slot)| {
                slot.entry
                    .as_ref()
                    .is_some_and(|e| e.kind == kind && pick(&e.value))
            })
            .map(|(index, slot)| self.layout.encode(slot.generation, index as u32, kind))
            .collect();
        picked
            .into_iter()
            .filter_map(|handle| self.remove(handle, kind))
            .map(|entry| entry.value)
            .collect()
    }

    fn all_where(
        &self,
        kind: HandleKind,
        mut pick: impl FnMut(&Arc<dyn Any + Send + Sync>) -> bool,
    ) -> Vec<Arc<dyn Any + Send + Sync>> {
        self.slots
            .iter()
            .filter_map(|slot| slot.entry.as_ref())
            .filter(|e| e.kind == kind && pick(&e.value))
            .map(|e| e.value.clone())
            .collect()
    }
}

static TABLE: LazyLock<RwLock<Table>> =
    LazyLock::new(|| RwLock::new(Table::new(Layout::for_pointer_bits(usize::BITS))));

fn to_pointer<H>(handle: usize) -> *mut H {
    std::ptr::without_provenance_mut(handle)
}

/// Registers the items of one shared value: item `i` gets a handle of
/// kind `kinds[i]` (all or none).
fn insert_items(value: Arc<dyn Any + Send + Sync>, kinds: &[HandleKind]) -> FfiResult<Vec<usize>> {
    let mut table = write(&TABLE);
    let mut handles = Vec::with_capacity(kinds.len());
    for (item, kind) in kinds.iter().enumerate() {
        let inserted = u32::try_from(item)
            .map_err(|_| exhausted())
            .and_then(|item| {
                table.insert(Entry {
                    kind: *kind,
                    value: value.clone(),
                    item,
                })
            });
        match inserted {
            Ok(handle) => handles.push(handle),
            Err(failure) => {
                for (handle, kind) in handles.iter().zip(kinds) {
                    table.remove(*handle, *kind);
                }
                return Err(failure);
            }
        }
    }
    Ok(handles)
}

/// The shared value and item behind a handle of kind `kind`.
fn get_item<T: Send + Sync + 'static>(handle: usize, kind: HandleKind) -> Option<(Arc<T>, u32)> {
    let (value, item) = read(&TABLE).get(handle, kind)?;
    value.downcast::<T>().ok().map(|value| (value, item))
}

/// Frees the handles of one value's items; false when the first was
/// already free (the value was freed before).
fn remove_items(handles: &[usize], kinds: &[HandleKind]) -> bool {
    let mut table = write(&TABLE);
    let mut all = true;
    for (handle, kind) in handles.iter().zip(kinds) {
        all &= table.remove(*handle, *kind).is_some();
    }
    all
}

/// A value whose items each have a handle (a model result, a list of
/// availability events): made all at once when it is registered, so handing
/// an item out allocates nothing, and freed all at once with it. By
/// convention offset 0 is the value itself (a list) and the rest its items;
/// items are borrows, refused like any freed handle once it is freed.
pub(crate) trait WithItemHandles: Send + Sync + Sized + 'static {
    /// The kind of each handle, by offset.
    fn kinds(&self) -> Vec<HandleKind>;
    /// Where the value keeps its handles.
    fn handles(&self) -> &ItemHandles;
}

/// The handles of an [`WithItemHandles`] value, set when it is registered.
#[derive(Default)]
pub(crate) struct ItemHandles(OnceLock<Vec<usize>>);

impl ItemHandles {
    fn all(&self) -> &[usize] {
        self.0.get().map_or(&[][..], Vec::as_slice)
    }

    /// The handle at `offset` (NULL past the end, which callers check).
    pub(crate) fn at<H>(&self, offset: usize) -> *mut H {
        to_pointer(self.all().get(offset).copied().unwrap_or(0))
    }
}

/// Registers `value` with a handle for each of its items.
pub(crate) fn register_items<T: WithItemHandles>(value: T) -> FfiResult<Arc<T>> {
    let value = Arc::new(value);
    let handles = insert_items(value.clone(), &value.kinds())?;
    let _ = value.handles().0.set(handles);
    Ok(value)
}

/// The value behind an item handle of kind `kind`, and the handle's offset
/// in it; `what` names the kind in errors.
pub(crate) fn item_of<T: WithItemHandles, H>(
    handle: *const H,
    kind: HandleKind,
    what: &str,
) -> FfiResult<(Arc<T>, usize)> {
    if handle.is_null() {
        return Err(Failure::invalid_argument(format!("{what} is NULL")));
    }
    get_item::<T>(handle.addr(), kind)
        .map(|(value, offset)| (value, offset as usize))
        .ok_or_else(|| Failure::invalid_handle(what))
}

/// Frees every handle of `value`; an invalid handle when it was freed before.
pub(crate) fn free_items<T: WithItemHandles>(value: &T, what: &str) -> FfiResult {
    if remove_items(value.handles().all(), &value.kinds()) {
        Ok(())
    } else {
        Err(Failure::invalid_handle(what))
    }
}

/// A typed view of the table for one kind of handle.
pub(crate) struct Registry<T> {
    kind: HandleKind,
    what: &'static str,
    _value: std::marker::PhantomData<fn() -> T>,
}

impl<T: Send + Sync + 'static> Registry<T> {
    /// `what` names the kind in errors.
    pub(crate) const fn new(kind: HandleKind, what: &'static str) -> Self {
        Registry {
            kind,
            what,
            _value: std::marker::PhantomData,
        }
    }

    /// Registers `value` and returns its handle.
    pub(crate) fn insert<H>(&self, value: T) -> FfiResult<*mut H> {
        self.insert_shared(Arc::new(value))
    }

    /// Registers a value the library keeps a reference to as well.
    pub(crate) fn insert_shared<H>(&self, value: Arc<T>) -> FfiResult<*mut H> {
        let handle = write(&TABLE).insert(Entry {
            kind: self.kind,
            value,
            item: 0,
        })?;
        Ok(to_pointer(handle))
    }

    fn null(&self) -> Failure {
        Failure::invalid_argument(format!("{} is NULL", self.what))
    }

    /// The value behind a handle.
    pub(crate) fn get<H>(&self, handle: *const H) -> FfiResult<Arc<T>> {
        if handle.is_null() {
            return Err(self.null());
        }
        get_item(handle.addr(), self.kind)
            .map(|(value, _)| value)
            .ok_or_else(|| Failure::invalid_handle(self.what))
    }

    /// Unregisters a handle; later uses of it are invalid.
    pub(crate) fn remove<H>(&self, handle: *const H) -> FfiResult<Arc<T>> {
        if handle.is_null() {
            return Err(self.null());
        }
        write(&TABLE)
            .remove(handle.addr(), self.kind)
            .and_then(|entry| entry.value.downcast::<T>().ok())
            .ok_or_else(|| Failure::invalid_handle(self.what))
    }

    /// The values of every handle whose value passes `pick`, left registered.
    pub(crate) fn all_where(&self, mut pick: impl FnMut(&T) -> bool) -> Vec<Arc<T>> {
        read(&TABLE)
            .all_where(self.kind, |value| {
                value.downcast_ref::<T>().is_some_and(&mut pick)
            })
            .into_iter()
            .filter_map(|value| value.downcast::<T>().ok())
            .collect()
    }

    /// Unregisters every handle whose value passes `pick`.
    pub(crate) fn drain_where(&self, mut pick: impl FnMut(&T) -> bool) -> Vec<Arc<T>> {
        write(&TABLE)
            .drain_where(self.kind, |value| {
                value.downcast_ref::<T>().is_some_and(&mut pick)
            })
            .into_iter()
            .filter_map(|value| value.downcast::<T>().ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: HandleKind) -> Entry {
        static VALUE: LazyLock<Arc<dyn Any + Send + Sync>> = LazyLock::new(|| Arc::new(()));
        Entry {
            kind,
            value: VALUE.clone(),
            item: 0,
        }
    }

    #[test]
    fn kinds_are_distinct_nonzero_and_fit_their_bits() {
        for layout in [Layout::for_pointer_bits(32), Layout::for_pointer_bits(64)] {
            for (i, a) in ALL_KINDS.iter().enumerate() {
                assert_ne!(*a as usize, 0);
                assert!((*a as usize) < 1 << layout.kind_bits);
                for b in &ALL_KINDS[i + 1..] {
                    assert_ne!(*a as usize, *b as usize, "{a:?} and {b:?}");
                }
            }
        }
    }

    #[test]
    fn a_handle_of_another_kind_or_generation_is_refused() {
        let mut table = Table::new(Layout::for_pointer_bits(64));
        let h = table.insert(entry(HandleKind::Session)).unwrap();
        assert!(table.get(h, HandleKind::Session).is_some());
        assert!(table.get(h, HandleKind::Connection).is_none());
        assert!(table.get(h ^ (1 << 40), HandleKind::Session).is_none());
        assert!(table.remove(h, HandleKind::Session).is_some());
        assert!(table.get(h, HandleKind::Session).is_none());
        assert!(table.remove(h, HandleKind::Session).is_none());
    }

    /// A 32-bit host's handles: more are made and freed than a 32-bit
    /// number can count (the old scheme, numbers never reused, ran out
    /// after 2^28), every one fits 32 bits, none is 0, and a handle freed
    /// is refused until its slot has gone round all its generations.
    #[test]
    fn a_32_bit_host_never_runs_out_of_handles() {
        let layout = Layout::for_pointer_bits(32);
        let mut table = Table::new(layout);
        let kind = HandleKind::PointList;
        let held: Vec<usize> = (0..1000)
            .map(|_| table.insert(entry(kind)).unwrap())
            .collect();
        let stale = table.insert(entry(kind)).unwrap();
        table.remove(stale, kind).unwrap();
        // Frees before the stale handle's slot could carry it again.
        let safe = layout.quarantine as u64 * ((1u64 << layout.generation_bits) - 1);
        let total = (1u64 << 28) + (1u64 << 20);
        for n in 0..total {
            let h = table.insert(entry(kind)).unwrap();
            assert!(h != 0 && h <= u32::MAX as usize);
            if n < safe {
                assert_ne!(h, stale, "a stale handle came back after {n} frees");
            }
            table.remove(h, kind).unwrap();
        }
        assert!(table.slots.len() <= layout.quarantine + 1002);
        for h in held {
            assert!(table.get(h, kind).is_some());
        }
    }

    #[test]
    fn a_full_table_is_resource_exhausted_not_a_reused_live_slot() {
        let layout = Layout {
            kind_bits: 6,
            index_bits: 4,
            generation_bits: 22,
            quarantine: 2,
        };
        let mut table = Table::new(layout);
        let live: Vec<usize> = (0..16)
            .map(|_| table.insert(entry(HandleKind::Object)).unwrap())
            .collect();
        assert!(table.insert(entry(HandleKind::Object)).is_err());
        table.remove(live[3], HandleKind::Object).unwrap();
        let again = table.insert(entry(HandleKind::Object)).unwrap();
        assert_ne!(again, live[3]);
        assert!(table.get(live[3], HandleKind::Object).is_none());
    }
}
