//! `mesh_connection`: one checked HTTP/2 channel to a Mesh server.

use std::ffi::c_char;
use std::future::Future;
use std::sync::{Arc, LazyLock};

use super::args::{c_str, out_ptr, write_out, write_text};
use super::handles::Registry;
use super::mesh_options;
use super::{guard, mesh_status, options, FfiResult};
use crate::client::{ConnectOptions, Connection, UserIdentity};
use crate::runtime::{self, Runtime};

/// A connection to one Mesh server (`mesh_connect` / `mesh_connection_close`).
pub struct mesh_connection {
    _private: [u8; 0],
}

pub(crate) struct ConnectionHandle {
    pub(crate) conn: Connection,
    /// The runtime the connection's channel lives on.
    pub(crate) rt: Arc<Runtime>,
}

impl ConnectionHandle {
    /// Runs one C call's `operation` through this connection: bounded as a
    /// whole by the call timeout, cancelled by `mesh_shutdown`.
    pub(crate) fn run<T: Send>(
        &self,
        operation: impl Future<Output = crate::client::Result<T>> + Send,
    ) -> crate::client::Result<T> {
        self.rt.call(self.conn.options().call_timeout, operation)
    }
}

static CONNECTIONS: LazyLock<Registry<ConnectionHandle>> =
    LazyLock::new(|| Registry::new(2, "connection"));

pub(crate) fn resolve(connection: *const mesh_connection) -> FfiResult<Arc<ConnectionHandle>> {
    CONNECTIONS.get(connection)
}

/// Frees every connection handle made on runtime `rt` (for `mesh_shutdown`).
pub(crate) fn free_all(rt: &Arc<Runtime>) {
    CONNECTIONS.drain_where(|h| Arc::ptr_eq(&h.rt, rt));
}

/// Connects to a Mesh server at `address` (`host:port`, `http://host:port`
/// or `https://host:port`) and checks it with `GetVersion` before returning.
/// `https://` uses TLS, as does a bare `host:port` when a TLS option is set.
/// `options` may be NULL for the defaults. One connection serves any number
/// of sessions from any number of threads.
///
/// The connect timeout bounds the whole call (a token provider asked for the
/// first token included). Fails with `MESH_ERROR_UNAVAILABLE` when the
/// server cannot be reached, or is reached but does not answer, within the
/// connect timeout, `MESH_ERROR_INCOMPATIBLE_SERVER` when it is
/// older than 2.21.0, `MESH_ERROR_TLS` when the TLS handshake fails (the
/// message says why: unknown issuer, name mismatch, expired),
/// `MESH_ERROR_UNAUTHENTICATED` when the server rejects the token, and
/// `MESH_ERROR_INVALID_ARGUMENT` for a malformed address or a token over
/// plain HTTP/2.
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
        let limit = options.connect_timeout;
        let conn = rt.call(limit, Connection::connect(address, options))?;
        let handle = ConnectionHandle {
            conn,
            rt: rt.clone(),
        };
        write_out(out, rt.admit(|| CONNECTIONS.insert(handle))?);
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
        unsafe { write_text(connection.conn.server_version(), buf, cap, len_out) }
    })
}

/// Frees the connection handle. Sessions opened through it stay open and
/// keep working until each is closed or detached; the channel to the server
/// goes when the last of them does (as `sqlite3_close_v2` does). NULL is a
/// no-op that returns `MESH_OK` and leaves the last error alone.
#[no_mangle]
pub extern "C" fn mesh_connection_close(connection: *mut mesh_connection) -> mesh_status {
    if connection.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_connection_close", || {
        CONNECTIONS.remove(connection).map(drop)
    })
}

/// Replaces the access token of a live connection (NULL stops sending one):
/// every later call through it and its sessions, keep-alive included, sends
/// the new token, so sessions outlive a token's expiry. Refused with
/// `MESH_ERROR_INVALID_ARGUMENT` on a plain HTTP/2 connection.
#[no_mangle]
pub unsafe extern "C" fn mesh_connection_set_access_token(
    connection: *mut mesh_connection,
    token: *const c_char,
) -> mesh_status {
    guard("mesh_connection_set_access_token", || {
        let connection = resolve(connection)?;
        let token = if token.is_null() {
            None
        } else {
            // SAFETY: the caller passes NULL or a NUL-terminated string.
            Some(unsafe { c_str(token, "token") }?)
        };
        Ok(connection.conn.set_access_token(token)?)
    })
}

/// Asks the server to revoke `token` (for example the one being replaced):
/// calls with it are refused from then on.
#[no_mangle]
pub unsafe extern "C" fn mesh_connection_revoke_access_token(
    connection: *mut mesh_connection,
    token: *const c_char,
) -> mesh_status {
    guard("mesh_connection_revoke_access_token", || {
        let connection = resolve(connection)?;
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let token = unsafe { c_str(token, "token") }?;
        Ok(connection.run(connection.conn.revoke_access_token(token))?)
    })
}

/// Who the server says the caller is (`mesh_connection_user_identity`);
/// read with `mesh_identity_display_name`, `_source`, `_identifier`; free
/// with `mesh_identity_free`.
pub struct mesh_identity {
    _private: [u8; 0],
}

static IDENTITIES: LazyLock<Registry<UserIdentity>> =
    LazyLock::new(|| Registry::new(5, "identity"));

/// Asks the server who the caller is (by the access token, if any).
#[no_mangle]
pub unsafe extern "C" fn mesh_connection_user_identity(
    connection: *mut mesh_connection,
    out: *mut *mut mesh_identity,
) -> mesh_status {
    guard("mesh_connection_user_identity", || {
        let connection = resolve(connection)?;
        let out = out_ptr(out, "out")?;
        let identity = connection.run(connection.conn.user_identity())?;
        write_out(out, IDENTITIES.insert(identity));
        Ok(())
    })
}

fn identity_text(
    identity: *const mesh_identity,
    field: impl FnOnce(&UserIdentity) -> &str,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> FfiResult {
    let identity = IDENTITIES.get(identity)?;
    // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
    unsafe { write_text(field(&identity), buf, cap, len_out) }
}

/// The identity's display name. See the buffer convention.
#[no_mangle]
pub unsafe extern "C" fn mesh_identity_display_name(
    identity: *const mesh_identity,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_identity_display_name", || {
        identity_text(identity, |i| &i.display_name, buf, cap, len_out)
    })
}

/// Where the identity comes from. See the buffer convention.
#[no_mangle]
pub unsafe extern "C" fn mesh_identity_source(
    identity: *const mesh_identity,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_identity_source", || {
        identity_text(identity, |i| &i.source, buf, cap, len_out)
    })
}

/// The identity's identifier at its source. See the buffer convention.
#[no_mangle]
pub unsafe extern "C" fn mesh_identity_identifier(
    identity: *const mesh_identity,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_identity_identifier", || {
        identity_text(identity, |i| &i.identifier, buf, cap, len_out)
    })
}

/// Frees an identity. NULL is a no-op that returns `MESH_OK` and leaves the
/// last error alone.
#[no_mangle]
pub extern "C" fn mesh_identity_free(identity: *mut mesh_identity) -> mesh_status {
    if identity.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_identity_free", || {
        IDENTITIES.remove(identity).map(drop)
    })
}
