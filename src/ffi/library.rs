//! Library-level functions: the version and its check against the header
//! a host was compiled with, and shutdown.

use std::ffi::c_char;

use crate::ffi::{connection, guard, mesh_status, operation, session, Failure};

/// Whether this build of the library can sign in with Kerberos
/// (`mesh_options_set_kerberos`): always on Windows (SSPI); on Linux when it
/// was built with the `kerberos` feature (GSSAPI), as the packages are.
///
/// @return 1 when Kerberos sign-in is built in, else 0.
#[no_mangle]
pub extern "C" fn mesh_library_has_kerberos() -> i32 {
    i32::from(crate::client::KERBEROS_AVAILABLE)
}

/// The library's version, e.g. `"0.1.0"`. A static string; never NULL.
///
/// @return The library's version as a static NUL-terminated string; never
///   NULL.
#[no_mangle]
pub extern "C" fn mesh_library_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Whether this library can serve a program compiled with the header whose
/// `MESH_CAPI_VERSION_NUMBER` is `header_version` (pass that macro, or call
/// `MESH_LIBRARY_CHECK_VERSION()`), as a host does once at start, before
/// trusting the declarations it was compiled with.
///
/// From 1.0 on, a library serves every header of its major version up to
/// its own minor version (functions are added in minor versions, never
/// removed or changed; see docs/compatibility.md). Before 1.0, minor
/// versions may change the API, so the major and minor versions must be
/// the same.
///
/// @param header_version `MESH_CAPI_VERSION_NUMBER` of the header the
///   program was compiled with (`MAJOR * 1000000 + MINOR * 1000 + PATCH`).
/// @return `MESH_OK` when they fit; `MESH_ERROR_VERSION_MISMATCH` when not,
///   with a last error message naming both versions.
#[no_mangle]
pub extern "C" fn mesh_library_check_version(header_version: u32) -> mesh_status {
    guard("mesh_library_check_version", || {
        let library = (
            env!("CARGO_PKG_VERSION_MAJOR").parse::<u32>().unwrap_or(0),
            env!("CARGO_PKG_VERSION_MINOR").parse::<u32>().unwrap_or(0),
            env!("CARGO_PKG_VERSION_PATCH").parse::<u32>().unwrap_or(0),
        );
        let header = (
            header_version / 1_000_000,
            header_version / 1000 % 1000,
            header_version % 1000,
        );
        let serves = if library.0 == 0 {
            header.0 == 0 && header.1 == library.1
        } else {
            header.0 == library.0 && header.1 <= library.1
        };
        if serves {
            return Ok(());
        }
        Err(Failure::new(
            mesh_status::MESH_ERROR_VERSION_MISMATCH,
            format!(
                "the program was compiled with mesh_capi.h {}.{}.{}, but the library loaded is {}.{}.{}",
                header.0, header.1, header.2, library.0, library.1, library.2
            ),
        ))
    })
}

/// Ends every session still open through the C API (best effort, about two
/// seconds at most), stops keep-alive, frees every connection and session
/// handle, and joins the library's threads, so that a host can unload the
/// library. Connection and session handles from before become invalid;
/// the others (options, points, resources, model results) stay valid. Any
/// later call starts the library afresh. Idempotent.
///
/// It is bounded in time whatever other threads and callbacks do: 6.5 s at
/// the very most (0.5 s for calls in progress to give up, 2 s to end open
/// sessions, 1 s for a running callback or token provider, 3 s for the
/// library's threads to stop), milliseconds when nothing is stuck. Calls in
/// progress on other threads are cancelled and give `MESH_ERROR_SHUTDOWN`;
/// a connection or session such a call was making is not handed out (a
/// session it was opening or closing is left to the server's inactivity
/// timeout). Expired callbacks queued are dropped; a callback or token
/// provider running is waited for about a second: if one is still running
/// then (say it waits for the thread calling this), this returns
/// `MESH_ERROR_TIMEOUT` naming which, and its thread is left to finish it,
/// so its `user_data` must stay valid and the library loaded until it
/// returns. It may be called from an expired callback.
///
/// After `fork()`, the child cannot use the library the parent was using:
/// every call there, this one included, fails at once with
/// `MESH_ERROR_FORKED` (the parent goes on unaffected). A child that needs
/// Mesh should `exec` a program that loads the library afresh.
///
/// @return `MESH_OK`; `MESH_ERROR_TIMEOUT` when a callback or token provider
///   was still running after about a second (the message names which); or
///   `MESH_ERROR_FORKED` in a `fork()` child.
#[no_mangle]
pub extern "C" fn mesh_library_shutdown() -> mesh_status {
    guard("mesh_library_shutdown", || {
        let Some(rt) = crate::runtime::take() else {
            return Ok(());
        };
        let began = std::time::Instant::now();
        tracing::info!("shutdown: cancelling calls in progress, ending open sessions");
        rt.cancel_calls();
        operation::cancel_all(&rt);
        session::close_all(&rt);
        connection::free_all(&rt);
        // Said before the callback thread stops, so that the log has it.
        tracing::info!(
            "shutdown: stopping the library's threads ({} ms so far)",
            began.elapsed().as_millis()
        );
        rt.stop()?;
        crate::client::pages::release_spare();
        Ok(())
    })
}
