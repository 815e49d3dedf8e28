//! The thread's last error message: set by the panic boundary when a
//! function fails, copied out snprintf-style by `mesh_last_error_message`.

use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::catch_unwind;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

pub(crate) fn set_last_error(message: String) {
    // A message must fit a C string: no interior NUL.
    let message = message.replace('\0', "\\0");
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = message);
}

/// Copies this thread's last error message into `buf` (at most `cap` bytes,
/// always NUL-terminated when `cap > 0`) and returns its full length without
/// the NUL, like `snprintf`: a return value `>= cap` means it was cut short.
/// `buf` may be NULL when `cap` is 0, to ask for the length. The message
/// stays until the next failure on this thread; successes do not clear it.
/// It says which function failed and why, with the server's message and
/// gRPC code where there was one. Returns 0 when nothing has failed yet.
///
/// @param buf The caller's buffer for the message (UTF-8, NUL-terminated);
///   may be NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @return The message's full length in bytes without the NUL (`>= cap` when
///   it was cut short); 0 when nothing has failed yet on this thread.
#[no_mangle]
pub unsafe extern "C" fn mesh_last_error_message(buf: *mut c_char, cap: usize) -> usize {
    catch_unwind(|| {
        LAST_ERROR
            .try_with(|last| {
                let last = last.borrow();
                let bytes = last.as_bytes();
                if !buf.is_null() && cap > 0 {
                    let n = bytes.len().min(cap - 1);
                    // SAFETY: the caller promises `buf` has room for `cap` bytes.
                    unsafe {
                        std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.cast::<u8>(), n);
                        *buf.add(n) = 0;
                    }
                }
                bytes.len()
            })
            .unwrap_or(0)
    })
    .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::mesh_status::MESH_OK;
    use crate::ffi::{guard, Failure};

    #[test]
    fn last_error_is_snprintf_like() {
        let _ = guard("mesh_x", || Err(Failure::invalid_argument("0123456789")));
        let full = "mesh_x: 0123456789";
        assert_eq!(
            unsafe { mesh_last_error_message(std::ptr::null_mut(), 0) },
            full.len()
        );
        let mut small = [1 as c_char; 5];
        assert_eq!(
            unsafe { mesh_last_error_message(small.as_mut_ptr(), 5) },
            full.len()
        );
        let text = unsafe { std::ffi::CStr::from_ptr(small.as_ptr()) };
        assert_eq!(text.to_str().unwrap(), "mesh");
        // A success does not clear it.
        assert_eq!(guard("mesh_y", || Ok(())), MESH_OK);
        assert_eq!(
            unsafe { mesh_last_error_message(std::ptr::null_mut(), 0) },
            full.len()
        );
        // Each thread has its own.
        let other =
            std::thread::spawn(|| unsafe { mesh_last_error_message(std::ptr::null_mut(), 0) });
        assert_eq!(other.join().unwrap(), 0);
    }
}
