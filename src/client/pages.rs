//! Memory for points: blocks that Arrow buffers then own without a copy.
//!
//! A million points are 20 MB that the kernel hands out a 4 KiB page at a
//! time, and each page's first touch (a fault, then zeroing) cost more than
//! copying its bytes: page faults were most of a one-call read's CPU. So a
//! block meant to be large and used once (the merged result of a split
//! read, the encoded chunks of a write) is, on Linux, a mapping of its own
//! on a 2 MiB boundary with transparent huge pages asked for (a fault per 2
//! MiB, where the system grants them on request:
//! `/sys/kernel/mm/transparent_hugepage/enabled` set to `madvise` or
//! `always`). Every other block comes from the allocator, which hands the
//! memory of a block freed before to the next (reads of 200,000 points one
//! after another touch no new page).

use std::alloc::Layout;
use std::ptr::NonNull;
use std::sync::Arc;

use arrow_buffer::Buffer;

/// Blocks meant to be large get their own mapping from this size on.
const LARGE: usize = 4 << 20;

/// A transparent huge page on x86-64 and aarch64 with 4 KiB pages.
#[cfg(target_os = "linux")]
const HUGE: usize = 2 << 20;

/// Alignment of allocated blocks: what Arrow's own buffers use.
const ALIGN: usize = 64;

/// A block of bytes, uninitialised until written, freed when dropped.
pub(super) struct Block {
    ptr: NonNull<u8>,
    size: usize,
    kind: Kind,
}

enum Kind {
    /// No memory (a block of no bytes).
    Empty,
    /// From the allocator, with this layout.
    Allocated(Layout),
    /// A mapping of its own (`size` bytes).
    #[cfg(target_os = "linux")]
    Mapped,
}

// SAFETY: a Block is plain memory with no thread affinity; it is written
// only through `&mut`, and Arrow only reads it once it owns it.
unsafe impl Send for Block {}
unsafe impl Sync for Block {}
impl std::panic::RefUnwindSafe for Block {}

impl Block {
    /// At least `bytes` bytes, 64-byte aligned; `large` asks for a mapping
    /// in huge pages where the block is large enough to gain from it.
    pub(super) fn new(bytes: usize, large: bool) -> Block {
        if bytes == 0 {
            return Block {
                ptr: NonNull::<u64>::dangling().cast(),
                size: 0,
                kind: Kind::Empty,
            };
        }
        if let Some(spare) = Spare::take(bytes) {
            return spare;
        }
        let large = large && bytes >= LARGE;
        #[cfg(target_os = "linux")]
        if large {
            if let Some(block) = Block::mapped(bytes) {
                return block;
            }
        }
        let _ = large; // elsewhere a large block is an allocated one
        let layout = Layout::from_size_align(bytes, ALIGN).expect("block layout");
        // SAFETY: the layout's size is not zero.
        let ptr = NonNull::new(unsafe { std::alloc::alloc(layout) })
            .unwrap_or_else(|| std::alloc::handle_alloc_error(layout));
        Block {
            ptr,
            size: bytes,
            kind: Kind::Allocated(layout),
        }
    }

    /// A mapping of whole huge pages on a huge page boundary, asked to be
    /// backed by huge pages; `None` if the system refuses the mapping.
    #[cfg(target_os = "linux")]
    fn mapped(bytes: usize) -> Option<Block> {
        let size = bytes.checked_next_multiple_of(HUGE)?;
        let total = size.checked_add(HUGE)?;
        // SAFETY: a new private anonymous mapping, then unmapping the parts
        // of it outside the aligned block, which nothing else refers to.
        unsafe {
            let start = libc::mmap(
                std::ptr::null_mut(),
                total,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if start == libc::MAP_FAILED {
                return None;
            }
            let start = start as usize;
            let aligned = start.next_multiple_of(HUGE);
            if aligned > start {
                libc::munmap(start as *mut libc::c_void, aligned - start);
            }
            let tail = start + total - (aligned + size);
            if tail > 0 {
                libc::munmap((aligned + size) as *mut libc::c_void, tail);
            }
            // A refusal (an old kernel, THP off) leaves ordinary pages.
            libc::madvise(aligned as *mut libc::c_void, size, libc::MADV_HUGEPAGE);
            Some(Block {
                ptr: NonNull::new(aligned as *mut u8)?,
                size,
                kind: Kind::Mapped,
            })
        }
    }

    /// Its size in bytes (at least what was asked for).
    pub(super) fn size(&self) -> usize {
        self.size
    }

    /// Copies `bytes` to `offset`, which with them must lie inside the
    /// block.
    pub(super) fn write(&mut self, offset: usize, bytes: &[u8]) {
        assert!(
            offset <= self.size && bytes.len() <= self.size - offset,
            "inside the block"
        );
        // SAFETY: checked to lie inside the block, which `&mut` holds alone
        // (so `bytes` cannot overlap it).
        unsafe {
            std::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                self.ptr.as_ptr().add(offset),
                bytes.len(),
            )
        }
    }

    /// Writes `count` zero bytes at `offset`, inside the block.
    pub(super) fn zero(&mut self, offset: usize, count: usize) {
        assert!(
            offset <= self.size && count <= self.size - offset,
            "inside the block"
        );
        // SAFETY: as in `write`.
        unsafe { std::ptr::write_bytes(self.ptr.as_ptr().add(offset), 0, count) }
    }

    /// The bytes `range`, written before.
    pub(super) fn bytes(&self, range: std::ops::Range<usize>) -> &[u8] {
        assert!(
            range.start <= range.end && range.end <= self.size,
            "inside the block"
        );
        // SAFETY: inside the block; the caller wrote them.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().add(range.start), range.len()) }
    }

    /// The first `used` bytes, all written, as an Arrow buffer that owns
    /// the block.
    pub(super) fn into_buffer(self, used: usize) -> Buffer {
        assert!(used <= self.size, "inside the block");
        if let Kind::Empty = self.kind {
            return Buffer::from(Vec::<u8>::new());
        }
        let ptr = self.ptr;
        // SAFETY: `used` bytes at `ptr` are written and stay valid until
        // the last clone of the buffer drops the block.
        unsafe { Buffer::from_custom_allocation(ptr, used, Arc::new(self)) }
    }
}

/// Blocks from this size to `KEEP_UP_TO` are kept for the next block of
/// about their size when freed, one at a time: reads of the same size one
/// after another (a caller's loop over slices, a host reading a year of
/// data again) then reuse memory already touched, where the allocator
/// would often give fresh pages each time (the same size keeps meeting its
/// mapping threshold).
const KEEP_FROM: usize = 1 << 20;
const KEEP_UP_TO: usize = 64 << 20;

/// The block kept for reuse, as its parts (a `Block` there would free
/// itself through this very slot).
struct Spare {
    ptr: NonNull<u8>,
    size: usize,
    kind: Kind,
}

// SAFETY: as for Block: plain memory nothing refers to.
unsafe impl Send for Spare {}

static SPARE: std::sync::Mutex<Option<Spare>> = std::sync::Mutex::new(None);

impl Spare {
    /// The kept block, if it holds `bytes` and is at most twice as large.
    fn take(bytes: usize) -> Option<Block> {
        if !(KEEP_FROM..=KEEP_UP_TO).contains(&bytes) {
            return None;
        }
        let mut slot = crate::sync::lock(&SPARE);
        let fits = slot
            .as_ref()
            .is_some_and(|s| s.size >= bytes && s.size / 2 <= bytes);
        if !fits {
            return None;
        }
        let Spare { ptr, size, kind } = slot.take()?;
        Some(Block { ptr, size, kind })
    }

    /// Keeps `block` (freeing the one kept before), or gives it back when
    /// it is not of a size kept.
    fn keep(block: &mut Block) -> bool {
        if !(KEEP_FROM..=KEEP_UP_TO).contains(&block.size) || matches!(block.kind, Kind::Empty) {
            return false;
        }
        let kept = Spare {
            ptr: block.ptr,
            size: block.size,
            kind: std::mem::replace(&mut block.kind, Kind::Empty),
        };
        let old = crate::sync::lock(&SPARE).replace(kept);
        if let Some(old) = old {
            old.free();
        }
        true
    }

    fn free(self) {
        free(self.ptr, self.size, &self.kind);
    }
}

/// Frees the block kept for reuse (at the library's shutdown).
pub(crate) fn release_spare() {
    let old = crate::sync::lock(&SPARE).take();
    if let Some(old) = old {
        old.free();
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        if !Spare::keep(self) {
            free(self.ptr, self.size, &self.kind);
        }
    }
}

/// Frees a block's memory, once.
fn free(ptr: NonNull<u8>, size: usize, kind: &Kind) {
    match kind {
        Kind::Empty => {}
        // SAFETY: allocated in `Block::new` with this layout, freed once.
        Kind::Allocated(layout) => unsafe { std::alloc::dealloc(ptr.as_ptr(), *layout) },
        // SAFETY: mapped in `Block::mapped` with this size, unmapped once.
        #[cfg(target_os = "linux")]
        Kind::Mapped => unsafe {
            libc::munmap(ptr.as_ptr().cast(), size);
        },
    }
    let _ = size;
}

/// Bytes appended to a block (the encoded chunks of a write).
pub(super) struct ByteColumn {
    block: Block,
    len: usize,
}

impl ByteColumn {
    /// Room for `capacity` bytes, in a block meant to be large.
    pub(super) fn with_capacity(capacity: usize) -> ByteColumn {
        ByteColumn {
            block: Block::new(capacity, true),
            len: 0,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Appends `bytes`, moving to a block twice as large where they do not
    /// fit.
    pub(super) fn put(&mut self, bytes: &[u8]) {
        self.reserve(bytes.len());
        self.block.write(self.len, bytes);
        self.len += bytes.len();
    }

    /// Appends `count` zero bytes.
    pub(super) fn zeros(&mut self, count: usize) {
        self.reserve(count);
        self.block.zero(self.len, count);
        self.len += count;
    }

    fn reserve(&mut self, more: usize) {
        let needed = self.len.checked_add(more).expect("column length");
        if needed > self.block.size() {
            let mut larger = Block::new(needed.max(self.block.size().saturating_mul(2)), true);
            larger.write(0, self.block.bytes(0..self.len));
            self.block = larger;
        }
    }

    /// The bytes, as an Arrow buffer that owns their block.
    pub(super) fn into_buffer(self) -> Buffer {
        self.block.into_buffer(self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_hold_what_is_written_and_large_ones_are_mapped_on_huge_page_boundaries() {
        let mut column = ByteColumn::with_capacity(3);
        column.put(&[1, 2]);
        column.zeros(2);
        column.put(&[3, 4, 5]);
        assert_eq!(&column.into_buffer()[..], &[1, 2, 0, 0, 3, 4, 5]);

        let mut large = Block::new(LARGE + 1, true);
        large.write(LARGE - 1, &[7, 8]);
        assert_eq!(large.bytes(LARGE - 1..LARGE + 1), &[7, 8]);
        #[cfg(target_os = "linux")]
        assert_eq!(large.ptr.as_ptr() as usize % HUGE, 0);
        let small = Block::new(LARGE + 1, false);
        assert_eq!(small.ptr.as_ptr() as usize % ALIGN, 0);
        assert!(matches!(small.kind, Kind::Allocated(_)));
        assert!(Block::new(0, true).into_buffer(0).is_empty());
    }

    #[test]
    fn a_freed_block_of_a_kept_size_serves_the_next_of_about_its_size() {
        // Tests in parallel free blocks too, and one may take the slot
        // between a drop and the next block here: a few tries settle it.
        let size = KEEP_FROM * 3 + 4096;
        let reused = (0..20).any(|_| {
            let first = Block::new(size, false);
            let at = first.ptr;
            drop(first);
            Block::new(size - 100, false).ptr == at
        });
        assert!(reused, "the kept block is reused");
        // A block under half its size does not take it.
        let mut kept = Block::new(size, false);
        kept.write(0, &[1]);
        let at = kept.ptr;
        drop(kept);
        assert_ne!(Block::new(size / 2 - 1, false).ptr, at);
        release_spare();
    }
}
