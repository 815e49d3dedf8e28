//! `mesh_connection`: one checked HTTP/2 channel to a Mesh server.

use std::ffi::c_char;
use std::sync::{Arc, LazyLock};

use super::args::{c_str, out_ptr, write_out, write_text};
use super::handles::Registry;
use super::mesh_options;
use super::{guard, mesh_status, options, FfiResult};
use crate::client::{ConnectOptions, Connection};
use crate::runtime;

/// A connection to one Mesh server (`mesh_connect` / `mesh_connection_close`).
pub struct mesh_connection {
    _private: [u8; 0],
}

static CONNECTIONS: LazyLock<Registry<Connection>> =
    LazyLock::new(|| Registry::new(2, "connection"));

pub(crate) fn resolve(connection: *const mesh_connection) -> FfiResult<Arc<Connection>> {
    CONNECTIONS.get(connection)
}

pub(crate) fn free_all() {
    CONNECTIONS.drain();
}

/// Connects to a Mesh server at `address` (`host:port` or
/// `http://host:port`) and checks it with `GetVersion` before returning.
/// `options` may be NULL for the defaults. One connection serves any number
/// of sessions from any number of threads.
///
/// Fails with `MESH_ERROR_UNAVAILABLE` when the server cannot be reached
/// within the connect timeout, `MESH_ERROR_INCOMPATIBLE_SERVER` when it is
/// older than 2.21.0, `MESH_ERROR_INVALID_ARGUMENT` for a malformed address.
#[no_mangle]
pub unsafe extern "C" fn mesh_connect(
    address: *const c_char,
    options: *const mesh_options,
    out: *mut *mut mesh_connection,
) -> mesh_status {
    guard("mesh_connect", || {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let address = unsafe { c_str(address, "address") }?;
        let out = out_ptr(out, "out")?;
        let options = if options.is_null() {
            ConnectOptions::default()
        } else {
            options::resolve(options)?
        };
        let rt = runtime::get()?;
        let connection = rt.block_on(Connection::connect(address, options))?;
        write_out(out, CONNECTIONS.insert(connection));
        Ok(())
    })
}

/// Writes the version the server reported (e.g. `"2.21.0"`) into `buf`.
/// See the buffer convention in the header's introduction.
#[no_mangle]
pub unsafe extern "C" fn mesh_connection_server_version(
    connection: *mut mesh_connection,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_connection_server_version", || {
        let connection = resolve(connection)?;
        // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
        unsafe { write_text(connection.server_version(), buf, cap, len_out) }
    })
}

/// Frees the connection handle. Sessions opened through it stay open and
/// keep working until each is closed or detached; the channel to the server
/// goes when the last of them does (as `sqlite3_close_v2` does).
#[no_mangle]
pub extern "C" fn mesh_connection_close(connection: *mut mesh_connection) -> mesh_status {
    guard("mesh_connection_close", || {
        CONNECTIONS.remove(connection).map(drop)
    })
}
