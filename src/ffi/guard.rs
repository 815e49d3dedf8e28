//! The panic boundary: every exported function runs its body inside
//! [`guard`], which refuses calls in a fork child, catches panics (without a
//! word to the host's stderr) and records the failure as the thread's last
//! error.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::ffi::last_error::set_last_error;
use crate::ffi::mesh_status::{self, *};
use crate::ffi::{process, Failure, FfiResult};

fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "unknown panic"
    }
}

/// Runs the body of exported function `name`: in a fork child it fails at
/// once (`MESH_ERROR_FORKED`), a panic becomes `MESH_ERROR_INTERNAL`
/// without a word to stderr, a failure sets this thread's last error
/// message.
pub(crate) fn guard(name: &str, body: impl FnOnce() -> FfiResult) -> mesh_status {
    let _log = crate::log::enter();
    let outcome = process::check().and_then(|()| {
        crate::quiet::install();
        crate::quiet::scope(|| catch_unwind(AssertUnwindSafe(body))).unwrap_or_else(|panic| {
            Err(Failure::new(
                MESH_ERROR_INTERNAL,
                format!(
                    "internal error (a bug in mesh-capi): panic: {}",
                    panic_text(&*panic)
                ),
            ))
        })
    });
    let failure = match outcome {
        Ok(()) => return MESH_OK,
        Err(failure) => failure,
    };
    set_last_error(format!("{name}: {}", failure.message));
    failure.status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::mesh_last_error_message;
    use std::ffi::c_char;

    #[test]
    fn a_panic_is_caught_and_reported() {
        let status = guard("mesh_test", || panic!("boom {}", 42));
        assert_eq!(status, MESH_ERROR_INTERNAL);
        let mut buf = [0 as c_char; 128];
        let n = unsafe { mesh_last_error_message(buf.as_mut_ptr(), buf.len()) };
        let text = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
        assert_eq!(n, text.to_bytes().len());
        assert!(text
            .to_str()
            .unwrap()
            .starts_with("mesh_test: internal error"));
        assert!(text.to_str().unwrap().ends_with("panic: boom 42"));
    }
}
