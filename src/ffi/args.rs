//! Checking what C passes in, and writing what goes out: strings, out
//! pointers, caller buffers.

use std::ffi::{c_char, CStr};

use crate::ffi::{mesh_status, Failure, FfiResult};

/// "No time": for an optional time or interval, pass it to mean none (both
/// ends of an interval); as a time read back, the item has none.
pub const MESH_TIME_NONE: i64 = i64::MIN;

/// A NUL-terminated UTF-8 string from C.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn c_str<'a>(p: *const c_char, what: &str) -> FfiResult<&'a str> {
    if p.is_null() {
        return Err(Failure::invalid_argument(format!("{what} is NULL")));
    }
    // SAFETY: non-NULL and, by the caller's promise, NUL-terminated.
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .map_err(|e| Failure::invalid_argument(format!("{what} is not valid UTF-8: {e}")))
}

/// An optional string from C: NULL is `None`.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string that outlives `'a`.
pub(crate) unsafe fn optional_str<'a>(p: *const c_char, what: &str) -> FfiResult<Option<&'a str>> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: non-NULL, and NUL-terminated by the caller's promise.
        unsafe { c_str(p, what) }.map(Some)
    }
}

/// Checks that an out-pointer is not NULL.
pub(crate) fn out_ptr<T>(p: *mut T, what: &str) -> FfiResult<*mut T> {
    if p.is_null() {
        Err(Failure::invalid_argument(format!("{what} is NULL")))
    } else {
        Ok(p)
    }
}

/// Writes `value` through an out-pointer already checked by [`out_ptr`].
pub(crate) fn write_out<T>(p: *mut T, value: T) {
    // SAFETY: checked non-NULL; the caller promises it points to a T.
    unsafe { p.write(value) }
}

/// Writes `text` and a NUL into the caller's buffer `(buf, cap)` and its
/// length (without the NUL) to `*len_out` (which may be NULL). When `cap` is
/// too small nothing is written to `buf`, `*len_out` gets the length, and the
/// result is `MESH_ERROR_BUFFER_TOO_SMALL`; `buf` may be NULL with `cap` 0 to
/// ask for the length.
///
/// # Safety
/// `buf` is NULL or has room for `cap` bytes; `len_out` is NULL or valid.
pub(crate) unsafe fn write_text(
    text: &str,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> FfiResult {
    if buf.is_null() && cap > 0 {
        return Err(Failure::invalid_argument("buf is NULL but cap is not 0"));
    }
    let len = text.len();
    if !len_out.is_null() {
        write_out(len_out, len);
    }
    if cap <= len {
        return Err(Failure::new(
            mesh_status::MESH_ERROR_BUFFER_TOO_SMALL,
            format!("buffer of {cap} bytes is too small: {} needed", len + 1),
        ));
    }
    // SAFETY: `buf` has room for `cap > len` bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), len);
        *buf.add(len) = 0;
    }
    Ok(())
}

/// A caller's array of `count` items, or an empty one for `count` 0.
///
/// # Safety
/// `p` is NULL or points to `count` readable items.
pub(crate) unsafe fn array<'a, T>(p: *const T, count: usize, what: &str) -> FfiResult<&'a [T]> {
    if count == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Failure::invalid_argument(format!(
            "{what} is NULL but count is {count}"
        )));
    }
    if !p.is_aligned() {
        return Err(Failure::invalid_argument(format!("{what} is misaligned")));
    }
    if count > isize::MAX as usize / std::mem::size_of::<T>() {
        return Err(Failure::invalid_argument(format!(
            "count {count} is too large"
        )));
    }
    // SAFETY: non-NULL, aligned, and by the caller's promise `count` items.
    Ok(unsafe { std::slice::from_raw_parts(p, count) })
}
