//! Memory for the columns of reads that are merged from parts, and for the
//! encoded points of a write. A million
//! points are 20 MB that the kernel hands out a 4 KiB page at a time, and
//! each page's first touch (a fault, then zeroing) cost more than copying
//! its bytes: page faults were most of a one-call read's CPU. A column of at
//! least `LARGE` bytes starts on a 2 MiB boundary and asks Linux for
//! transparent huge pages (a fault per 2 MiB) where the system grants them
//! on request (`/sys/kernel/mm/transparent_hugepage/enabled` set to
//! `madvise` or `always`); elsewhere the hint does nothing and the column is
//! ordinary memory.

use std::alloc::Layout;
use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::Arc;

use arrow_buffer::{ArrowNativeType, Buffer, ScalarBuffer};

/// Columns this large or larger are aligned to `HUGE` and ask for huge
/// pages.
const LARGE: usize = 4 << 20;

/// A transparent huge page on x86-64 and aarch64 with 4 KiB pages.
const HUGE: usize = 2 << 20;

/// Alignment of smaller columns: what Arrow's own buffers use.
const SMALL_ALIGN: usize = 64;

/// A growable column of values in memory of its own, handed to Arrow
/// without a copy when finished.
pub(super) struct Column<T: ArrowNativeType> {
    memory: Option<Memory>,
    len: usize,
    capacity: usize,
    _values: PhantomData<T>,
}

impl<T: ArrowNativeType> Column<T> {
    /// An empty column with room for `capacity` values.
    pub(super) fn with_capacity(capacity: usize) -> Column<T> {
        let memory = Memory::new(capacity.saturating_mul(size_of::<T>()));
        Column {
            capacity: memory
                .as_ref()
                .map_or(0, |m| m.layout.size() / size_of::<T>()),
            memory,
            len: 0,
            _values: PhantomData,
        }
    }

    /// Appends `values`, moving to memory twice as large where they do not
    /// fit.
    pub(super) fn extend_from_slice(&mut self, values: &[T]) {
        let bytes = std::mem::size_of_val(values);
        // SAFETY: any initialised T is readable as its bytes.
        let raw = unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), bytes) };
        self.extend_from_raw(raw);
    }

    /// Appends values given as their little-endian bytes, a whole number of
    /// values (on a big-endian machine, each value's bytes are swapped).
    pub(super) fn extend_from_le_bytes(&mut self, bytes: &[u8]) {
        if cfg!(target_endian = "little") {
            self.extend_from_raw(bytes);
        } else {
            let mut swapped = bytes.to_vec();
            swapped
                .chunks_exact_mut(size_of::<T>())
                .for_each(<[u8]>::reverse);
            self.extend_from_raw(&swapped);
        }
    }

    /// Appends values given as their bytes in this machine's order.
    fn extend_from_raw(&mut self, bytes: &[u8]) {
        assert_eq!(bytes.len() % size_of::<T>(), 0, "whole values");
        let count = bytes.len() / size_of::<T>();
        let needed = self.len.checked_add(count).expect("column length");
        if needed > self.capacity {
            let mut larger = Column::with_capacity(needed.max(self.capacity.saturating_mul(2)));
            larger.extend_from_slice(self.as_slice());
            *self = larger;
        }
        if let Some(memory) = &self.memory {
            // SAFETY: the memory holds `capacity` values of T, `len` of them
            // written, and `bytes` (which cannot overlap memory this column
            // owns alone) fit after them; every bit pattern of the column
            // types is a valid value.
            unsafe {
                let end = memory.ptr.as_ptr().add(self.len * size_of::<T>());
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), end, bytes.len());
            }
        }
        self.len = needed;
    }

    /// Appends `count` zero values.
    pub(super) fn extend_zeros(&mut self, count: usize) {
        let needed = self.len.checked_add(count).expect("column length");
        if needed > self.capacity {
            self.extend_from_slice(&vec![T::default(); count]);
            return;
        }
        if let Some(memory) = &self.memory {
            // SAFETY: as in `extend_from_raw`; all-zero bytes are the value
            // 0 of every column type.
            unsafe {
                let end = memory.ptr.as_ptr().add(self.len * size_of::<T>());
                std::ptr::write_bytes(end, 0, count * size_of::<T>());
            }
        }
        self.len = needed;
    }

    /// The number of values appended.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    fn as_slice(&self) -> &[T] {
        match &self.memory {
            // SAFETY: the first `len` values are written.
            Some(m) => unsafe { std::slice::from_raw_parts(m.ptr.cast::<T>().as_ptr(), self.len) },
            None => &[],
        }
    }

    /// The column as an Arrow buffer that owns its memory.
    pub(super) fn finish(self) -> ScalarBuffer<T> {
        if self.memory.is_none() {
            // An empty Vec's dangling pointer is aligned for T.
            return ScalarBuffer::from(Vec::new());
        }
        let len = self.len;
        ScalarBuffer::new(self.into_buffer(), 0, len)
    }

    /// The column's bytes as an Arrow buffer that owns its memory.
    pub(super) fn into_buffer(self) -> Buffer {
        let Some(memory) = self.memory else {
            return Buffer::from(Vec::<u8>::new());
        };
        let (ptr, bytes) = (memory.ptr, self.len * size_of::<T>());
        // SAFETY: `bytes` bytes at `ptr` are written, aligned for T, and
        // stay valid until the last clone of the buffer drops `memory`.
        unsafe { Buffer::from_custom_allocation(ptr, bytes, Arc::new(memory)) }
    }
}

/// One allocation, freed when dropped.
struct Memory {
    ptr: NonNull<u8>,
    layout: Layout,
}

// SAFETY: Memory is a plain allocation with no thread affinity; the column
// writes it only while it owns it alone, and Arrow only reads it afterwards.
unsafe impl Send for Memory {}
unsafe impl Sync for Memory {}
impl std::panic::RefUnwindSafe for Memory {}

impl Memory {
    /// At least `bytes` bytes, untouched; `None` for none.
    fn new(bytes: usize) -> Option<Memory> {
        if bytes == 0 {
            return None;
        }
        let (size, align) = if bytes >= LARGE {
            (bytes.next_multiple_of(HUGE), HUGE)
        } else {
            (bytes, SMALL_ALIGN)
        };
        let layout = Layout::from_size_align(size, align).expect("column layout");
        // SAFETY: the layout's size is not zero.
        let ptr = NonNull::new(unsafe { std::alloc::alloc(layout) })
            .unwrap_or_else(|| std::alloc::handle_alloc_error(layout));
        if align == HUGE {
            advise_huge(ptr.as_ptr(), size);
        }
        Some(Memory { ptr, layout })
    }
}

impl Drop for Memory {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout, freed once.
        unsafe { std::alloc::dealloc(self.ptr.as_ptr(), self.layout) }
    }
}

/// Asks for huge pages over `[start, start + len)`, whole 2 MiB pages. A
/// refusal (an old kernel, THP off) leaves the memory as it was, so the
/// result is not needed.
#[cfg(target_os = "linux")]
fn advise_huge(start: *mut u8, len: usize) {
    // SAFETY: the range is one allocation this process owns; MADV_HUGEPAGE
    // changes how its pages are backed, never what they hold.
    unsafe {
        libc::madvise(start.cast(), len, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge(_start: *mut u8, _len: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_grow_keep_their_values_and_align_large_memory() {
        let mut small = Column::<i64>::with_capacity(3);
        small.extend_from_slice(&[1, 2]);
        small.extend_from_slice(&[3, 4, 5]);
        assert_eq!(&small.finish()[..], &[1, 2, 3, 4, 5]);

        let n = LARGE / 8 + 1;
        let values: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut large = Column::<f64>::with_capacity(n);
        large.extend_from_slice(&values[..10]);
        large.extend_from_slice(&values[10..]);
        let buffer = large.finish();
        assert_eq!(buffer.as_ptr() as usize % HUGE, 0);
        assert_eq!(&buffer[..], &values[..]);

        assert!(Column::<u32>::with_capacity(0).finish().is_empty());
    }
}
