//! `mesh_connection`: one checked HTTP/2 channel to a Mesh server.

use std::ffi::c_char;
use std::future::Future;
use std::sync::Arc;

use crate::client::{ConnectOptions, Connection, UserIdentity};
use crate::ffi::args::{c_str, write_text};
use crate::ffi::handles::{HandleKind, Registry};
use crate::ffi::interrupt::{interrupted_by_either, Interrupt};
use crate::ffi::mesh_options;
use crate::ffi::request::{nothing, Request};
use crate::ffi::{guard, mesh_status, options, FfiResult};
use crate::runtime::{self, Runtime};

/// A connection to one Mesh server (`mesh_connection_open` / `mesh_connection_close`).
pub struct mesh_connection {
    _private: [u8; 0],
}

pub(crate) struct ConnectionHandle {
    pub(crate) conn: Connection,
    /// The runtime the connection's channel lives on.
    pub(crate) rt: Arc<Runtime>,
    /// `mesh_connection_interrupt`: its calls', and its sessions' calls.
    pub(crate) interrupt: Arc<Interrupt>,
    /// Fired by `mesh_connection_close`: its own calls' (its sessions go on).
    closed: Arc<Interrupt>,
}

impl ConnectionHandle {
    /// A call through this connection of `work`, given the handle: bounded
    /// as a whole by the call timeout (from now), given up by
    /// `mesh_connection_interrupt`, `mesh_connection_close` and
    /// `mesh_library_shutdown`; `deliver` makes the out-parameter's value
    /// of its answer.
    pub(crate) fn request<T, F, O>(
        self: &Arc<Self>,
        work: impl FnOnce(Arc<ConnectionHandle>) -> F,
        deliver: impl FnOnce(T) -> FfiResult<O> + Send + 'static,
    ) -> Request<O>
    where
        T: Send + 'static,
        F: Future<Output = crate::client::Result<T>> + Send + 'static,
        O: 'static,
    {
        Request::new(
            self.rt.clone(),
            self.conn.options().call_timeout,
            interrupted_by_either(&self.interrupt, &self.closed),
            work(self.clone()),
            deliver,
        )
    }
}

static CONNECTIONS: Registry<ConnectionHandle> =
    Registry::new(HandleKind::Connection, "connection");

pub(crate) fn resolve(connection: *const mesh_connection) -> FfiResult<Arc<ConnectionHandle>> {
    CONNECTIONS.get(connection)
}

/// Frees every connection handle made on runtime `rt` (for `mesh_library_shutdown`).
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
///
/// @param address The server's address, `host:port`, `http://host:port` or
///   `https://host:port` (UTF-8, NUL-terminated); not NULL.
/// @param options The connection settings (copied), or NULL for the defaults.
/// @param out Receives the new connection handle on success (free with
///   `mesh_connection_close`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `address` or
///   `out`, a malformed address or a token over plain HTTP/2;
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up `options`;
///   `MESH_ERROR_UNAVAILABLE`, `MESH_ERROR_INCOMPATIBLE_SERVER`,
///   `MESH_ERROR_TLS` or `MESH_ERROR_UNAUTHENTICATED` as above; or
///   `MESH_ERROR_SHUTDOWN` when `mesh_library_shutdown` runs meanwhile.
#[no_mangle]
pub unsafe extern "C" fn mesh_connection_open(
    address: *const c_char,
    options: *const mesh_options,
    out: *mut *mut mesh_connection,
) -> mesh_status {
    guard("mesh_connection_open", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_connection_open_request(address, options) }?.wait(out, "out")
    })
}

pub(crate) unsafe fn mesh_connection_open_request(
    address: *const c_char,
    options: *const mesh_options,
) -> FfiResult<Request<*mut mesh_connection>> {
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let address = unsafe { c_str(address, "address") }?.to_string();
    let options = if options.is_null() {
        ConnectOptions::default()
    } else {
        options::resolve(options)?
    };
    let rt = runtime::get()?;
    let limit = options.connect_timeout;
    let registering = rt.clone();
    Ok(Request::new(
        rt,
        limit,
        std::future::pending(),
        async move { Connection::connect(&address, options).await },
        move |conn| {
            let handle = ConnectionHandle {
                conn,
                rt: registering.clone(),
                interrupt: Interrupt::new("connection"),
                closed: Interrupt::new("connection"),
            };
            registering.admit(|| CONNECTIONS.insert(handle))?
        },
    ))
}

/// Writes the version the server reported (e.g. `"2.21.0"`) into `buf`.
/// See the buffer convention in the header's introduction.
///
/// @param connection The connection to the server.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may
///   be NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `connection`
///   (or a NULL `buf` with `cap` above 0); `MESH_ERROR_INVALID_HANDLE` for a
///   closed or made-up handle; or `MESH_ERROR_BUFFER_TOO_SMALL`. Makes no
///   request: the version is the one read when connecting.
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

/// Writes the name the server gave itself when connecting (e.g.
/// `"Volue Mesh Server"`) into `buf`: the `name` beside the version in the
/// server's version answer; "" when it sent none. It is what the server
/// calls itself, not the host name its TLS certificate is checked for (see
/// `mesh_options_set_tls_server_name`). See the buffer convention in the
/// header's introduction.
///
/// @param connection The connection to the server.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may
///   be NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `connection`
///   (or a NULL `buf` with `cap` above 0); `MESH_ERROR_INVALID_HANDLE` for a
///   closed or made-up handle; or `MESH_ERROR_BUFFER_TOO_SMALL`. Makes no
///   request: the name is the one read when connecting.
#[no_mangle]
pub unsafe extern "C" fn mesh_connection_server_name(
    connection: *mut mesh_connection,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_connection_server_name", || {
        let connection = resolve(connection)?;
        // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
        unsafe { write_text(connection.conn.server_name(), buf, cap, len_out) }
    })
}

/// Makes the calls in flight through this connection give up at once with
/// `MESH_ERROR_CANCELLED`: its own (such as `mesh_session_open` or
/// `mesh_identity_read`) and those of every session opened or attached
/// through it, as `mesh_session_interrupt` does for one session (see there
/// for what an interrupted call may have done on the server). Calls that
/// start after it are not affected; the connection and its sessions stay
/// usable. Safe from any thread, a callback included; makes no request.
///
/// @param connection The connection whose calls to interrupt.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for NULL; or
///   `MESH_ERROR_INVALID_HANDLE` for a closed or made-up handle.
#[no_mangle]
pub extern "C" fn mesh_connection_interrupt(connection: *const mesh_connection) -> mesh_status {
    guard("mesh_connection_interrupt", || {
        resolve(connection)?.interrupt.fire();
        Ok(())
    })
}

/// Frees the connection handle. Sessions opened through it stay open and
/// keep working until each is closed or detached; the channel to the server
/// goes when the last of them does (as `sqlite3_close_v2` does). NULL is a
/// no-op that returns `MESH_OK` and leaves the last error alone.
///
/// @param connection The connection handle to free; NULL is a no-op.
/// @return `MESH_OK`, or `MESH_ERROR_INVALID_HANDLE` for a handle already
///   closed or made up.
#[no_mangle]
pub extern "C" fn mesh_connection_close(connection: *mut mesh_connection) -> mesh_status {
    if connection.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_connection_close", || {
        let handle = CONNECTIONS.remove(connection)?;
        handle.closed.fire_because(
            "the connection was closed (mesh_connection_close) before the answer came",
        );
        Ok(())
    })
}

/// Replaces the access token of a live connection (NULL stops sending one):
/// every later call through it and its sessions, keep-alive included, sends
/// the new token, so sessions outlive a token's expiry. Refused with
/// `MESH_ERROR_INVALID_ARGUMENT` on a plain HTTP/2 connection.
///
/// @param connection The connection whose token to replace.
/// @param token The new access token, without the `Bearer ` prefix (UTF-8,
///   NUL-terminated), or NULL to send none.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `connection`,
///   a token that is not UTF-8 or a plain HTTP/2 connection;
///   `MESH_ERROR_INVALID_HANDLE` for a closed or made-up handle. Makes no
///   request.
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
/// calls with it are refused from then on. With NULL, revokes the token the
/// connection sends (the one Kerberos sign-in or a token provider got, or
/// one set) and stops sending it: with Kerberos or a provider the next call
/// gets a new one, otherwise calls go without a token until one is set.
///
/// @param connection The connection to send the request through.
/// @param token The access token to revoke (UTF-8, NUL-terminated), or NULL
///   for the connection's own.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `connection`,
///   a malformed token, or NULL when the connection sends no token;
///   `MESH_ERROR_INVALID_HANDLE` for a closed or made-up handle; or a status
///   of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_connection_revoke_access_token(
    connection: *mut mesh_connection,
    token: *const c_char,
) -> mesh_status {
    guard("mesh_connection_revoke_access_token", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_connection_revoke_access_token_request(connection, token) }?.wait_done()
    })
}

pub(crate) unsafe fn mesh_connection_revoke_access_token_request(
    connection: *mut mesh_connection,
    token: *const c_char,
) -> FfiResult<Request<()>> {
    let connection = resolve(connection)?;
    if token.is_null() {
        return Ok(connection.request(
            |c| async move { c.conn.revoke_own_access_token().await },
            nothing,
        ));
    }
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let token = unsafe { c_str(token, "token") }?.to_string();
    Ok(connection.request(
        move |c| async move { c.conn.revoke_access_token(&token).await },
        nothing,
    ))
}

/// Who the server says the caller is (`mesh_identity_read`);
/// read with `mesh_identity_display_name`, `_source`, `_identifier`; free
/// with `mesh_identity_free`.
pub struct mesh_identity {
    _private: [u8; 0],
}

static IDENTITIES: Registry<UserIdentity> = Registry::new(HandleKind::Identity, "identity");

/// Asks the server who the caller is (by the access token, if any).
///
/// @param connection The connection to ask through.
/// @param out Receives the new identity handle on success (free with
///   `mesh_identity_free`); untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument;
///   `MESH_ERROR_INVALID_HANDLE` for a closed or made-up handle; or a status
///   of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_identity_read(
    connection: *mut mesh_connection,
    out: *mut *mut mesh_identity,
) -> mesh_status {
    guard("mesh_identity_read", || {
        mesh_identity_read_request(connection)?.wait(out, "out")
    })
}

pub(crate) fn mesh_identity_read_request(
    connection: *mut mesh_connection,
) -> FfiResult<Request<*mut mesh_identity>> {
    Ok(resolve(connection)?.request(
        |c| async move { c.conn.user_identity().await },
        |identity| IDENTITIES.insert(identity),
    ))
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
///
/// @param identity The identity, from `mesh_identity_read`.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may
///   be NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `identity`
///   (or a NULL `buf` with `cap` above 0); `MESH_ERROR_INVALID_HANDLE` for a
///   freed or made-up handle; or `MESH_ERROR_BUFFER_TOO_SMALL`.
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
///
/// @param identity The identity, from `mesh_identity_read`.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may
///   be NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `identity`
///   (or a NULL `buf` with `cap` above 0); `MESH_ERROR_INVALID_HANDLE` for a
///   freed or made-up handle; or `MESH_ERROR_BUFFER_TOO_SMALL`.
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
///
/// @param identity The identity, from `mesh_identity_read`.
/// @param buf The caller's buffer for the text (UTF-8, NUL-terminated); may
///   be NULL when cap is 0.
/// @param cap The size of buf in bytes.
/// @param len_out Receives the text's length without the NUL (also on
///   `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `identity`
///   (or a NULL `buf` with `cap` above 0); `MESH_ERROR_INVALID_HANDLE` for a
///   freed or made-up handle; or `MESH_ERROR_BUFFER_TOO_SMALL`.
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
///
/// @param identity The identity to free; NULL is a no-op.
/// @return `MESH_OK`, or `MESH_ERROR_INVALID_HANDLE` for a handle already
///   freed or made up.
#[no_mangle]
pub extern "C" fn mesh_identity_free(identity: *mut mesh_identity) -> mesh_status {
    if identity.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_identity_free", || {
        IDENTITIES.remove(identity).map(drop)
    })
}
