//! `mesh_options`: connection settings, grown through setter functions so
//! that no struct layout is part of the ABI.

use crate::sync::lock;
use std::ffi::{c_char, c_void};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::client::{
    ConnectOptions, Error, ErrorKind, KerberosOptions, RootCertificate, TokenProvider,
};
use crate::ffi::args::{c_str, out_ptr, write_out};
use crate::ffi::handles::{HandleKind, Registry};
use crate::ffi::{guard, mesh_status, mesh_status_code, status_from_int, Failure, FfiResult};

/// Connection settings (`mesh_options_new` / `mesh_options_free`).
pub struct mesh_options {
    _private: [u8; 0],
}

static OPTIONS: Registry<Mutex<ConnectOptions>> = Registry::new(HandleKind::Options, "options");

/// The settings behind a handle, copied.
pub(crate) fn resolve(options: *const mesh_options) -> FfiResult<ConnectOptions> {
    let options = OPTIONS.get(options)?;
    let copy = lock(&options).clone();
    Ok(copy)
}

fn update(options: *mut mesh_options, change: impl FnOnce(&mut ConnectOptions)) -> FfiResult {
    let options = OPTIONS.get(options)?;
    change(&mut lock(&options));
    Ok(())
}

fn positive_ms(ms: u32, what: &str) -> FfiResult<Duration> {
    if ms == 0 {
        return Err(Failure::invalid_argument(format!(
            "{what} must be more than 0 ms"
        )));
    }
    Ok(Duration::from_millis(ms.into()))
}

/// Creates options with the defaults: connect timeout 10 s, call timeout
/// 30 s, automatic keep-alive interval, receive limit 4 MiB, dead
/// connection timeout 20 s. Free with `mesh_options_free`.
///
/// @param out Receives the new options handle on success (free with
///   `mesh_options_free`); untouched on failure.
/// @return `MESH_OK`, or `MESH_ERROR_INVALID_ARGUMENT` for a NULL `out`.
#[no_mangle]
pub unsafe extern "C" fn mesh_options_new(out: *mut *mut mesh_options) -> mesh_status {
    guard("mesh_options_new", || {
        let out = out_ptr(out, "out")?;
        write_out(out, OPTIONS.insert(Mutex::new(ConnectOptions::default()))?);
        Ok(())
    })
}

/// Frees options. Connections made with them keep their own copy. NULL is a
/// no-op that returns `MESH_OK` and leaves the last error alone.
///
/// @param options The options to free; NULL is a no-op.
/// @return `MESH_OK`, or `MESH_ERROR_INVALID_HANDLE` for a handle already
///   freed or made up.
#[no_mangle]
pub extern "C" fn mesh_options_free(options: *mut mesh_options) -> mesh_status {
    if options.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_options_free", || OPTIONS.remove(options).map(drop))
}

/// How long `mesh_connection_open` waits for the server to accept the connection
/// and answer its version check. 0 is invalid.
///
/// @param options The options to change.
/// @param ms The connect timeout in milliseconds; more than 0.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `options` or
///   `ms` 0; or `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub extern "C" fn mesh_options_set_connect_timeout_ms(
    options: *mut mesh_options,
    ms: u32,
) -> mesh_status {
    guard("mesh_options_set_connect_timeout_ms", || {
        let timeout = positive_ms(ms, "connect timeout")?;
        update(options, |o| o.connect_timeout = timeout)
    })
}

/// The deadline of each C call that talks to the server (default 30 s): the
/// whole call, however many requests it takes (a chunked write or a split
/// read included), returns within it, with `MESH_ERROR_TIMEOUT` if the
/// server has not answered by then. 0 is invalid.
///
/// @param options The options to change.
/// @param ms The call timeout in milliseconds; more than 0.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `options` or
///   `ms` 0; or `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub extern "C" fn mesh_options_set_call_timeout_ms(
    options: *mut mesh_options,
    ms: u32,
) -> mesh_status {
    guard("mesh_options_set_call_timeout_ms", || {
        let timeout = positive_ms(ms, "call timeout")?;
        update(options, |o| o.call_timeout = timeout)
    })
}

/// Extend an idle session after it has been idle this long. 0 (the default)
/// means automatic: half the server's inactivity timeout, learned from the
/// server. A value above 90% of the server's timeout is lowered to that, so
/// an idle session cannot expire between two extensions.
///
/// @param options The options to change.
/// @param ms The keep-alive interval in milliseconds, or 0 for automatic.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `options`; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub extern "C" fn mesh_options_set_keepalive_interval_ms(
    options: *mut mesh_options,
    ms: u32,
) -> mesh_status {
    guard("mesh_options_set_keepalive_interval_ms", || {
        let interval = (ms > 0).then(|| Duration::from_millis(ms.into()));
        update(options, |o| o.keepalive_interval = interval)
    })
}

/// How long a connection may stay silent while calls wait on it before the
/// library gives it up for dead (default 20000 ms): after half of it the
/// library sends the server an HTTP/2 ping, and if the ping is not answered
/// within the other half the connection is closed, the calls waiting on it
/// fail with `MESH_ERROR_UNAVAILABLE`, and the next call makes a new
/// connection by itself. So a connection that a NAT or firewall silently
/// dropped is noticed within this time of the first call that needs it,
/// instead of the many minutes the operating system keeps retrying. Pings
/// are sent only while calls wait, as gRPC servers expect. 0 sends none.
///
/// @param options The options to change.
/// @param ms The dead connection timeout in milliseconds, or 0 to send no
///   pings.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `options`; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub extern "C" fn mesh_options_set_dead_connection_timeout_ms(
    options: *mut mesh_options,
    ms: u32,
) -> mesh_status {
    guard("mesh_options_set_dead_connection_timeout_ms", || {
        let timeout = (ms > 0).then(|| Duration::from_millis(ms.into()));
        update(options, |o| o.dead_connection_timeout = timeout)
    })
}

/// Optional text from C: NULL means "none".
///
/// # Safety
/// `p` is NULL or a NUL-terminated string.
unsafe fn optional_text(p: *const c_char, what: &str) -> FfiResult<Option<String>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, NUL-terminated by the caller's promise.
    let text = unsafe { c_str(p, what) }?;
    if text.is_empty() {
        return Err(Failure::invalid_argument(format!(
            "{what} is empty (pass NULL to clear it)"
        )));
    }
    Ok(Some(text.to_string()))
}

/// Trust this root certificate (PEM text, one or more certificates) for TLS
/// instead of the operating system's trusted roots, as a server with a
/// self-signed certificate needs. NULL goes back to the system's roots.
/// Setting it makes a bare `host:port` address use TLS.
///
/// @param options The options to change.
/// @param pem The root certificate(s) as PEM text (NUL-terminated, not
///   empty), or NULL for the system's roots.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `options`, or
///   a `pem` that is empty or not UTF-8; or `MESH_ERROR_INVALID_HANDLE` for a
///   freed or made-up handle. The PEM is checked when connecting.
#[no_mangle]
pub unsafe extern "C" fn mesh_options_set_tls_root_certificate_pem(
    options: *mut mesh_options,
    pem: *const c_char,
) -> mesh_status {
    guard("mesh_options_set_tls_root_certificate_pem", || {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let pem = unsafe { optional_text(pem, "pem") }?;
        update(options, |o| {
            o.tls_root_certificate = pem.map(RootCertificate::Pem)
        })
    })
}

/// Like `mesh_options_set_tls_root_certificate_pem`, with the PEM read from
/// the file at `path` when connecting. NULL goes back to the system's roots.
///
/// @param options The options to change.
/// @param path The path of the PEM file (UTF-8, NUL-terminated, not empty),
///   or NULL for the system's roots.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `options`, or
///   a `path` that is empty or not UTF-8; or `MESH_ERROR_INVALID_HANDLE` for a
///   freed or made-up handle. The file is read when connecting.
#[no_mangle]
pub unsafe extern "C" fn mesh_options_set_tls_root_certificate_file(
    options: *mut mesh_options,
    path: *const c_char,
) -> mesh_status {
    guard("mesh_options_set_tls_root_certificate_file", || {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let path = unsafe { optional_text(path, "path") }?;
        update(options, |o| {
            o.tls_root_certificate = path.map(|p| RootCertificate::File(p.into()))
        })
    })
}

/// Check the server's certificate for `name` instead of the host in the
/// address (for example when connecting by IP address). NULL clears it.
/// Setting it makes a bare `host:port` address use TLS.
///
/// @param options The options to change.
/// @param name The name to check the server's certificate for (UTF-8,
///   NUL-terminated, not empty), or NULL to clear it.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `options`, or
///   a `name` that is empty or not UTF-8; or `MESH_ERROR_INVALID_HANDLE` for a
///   freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_options_set_tls_server_name(
    options: *mut mesh_options,
    name: *const c_char,
) -> mesh_status {
    guard("mesh_options_set_tls_server_name", || {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let name = unsafe { optional_text(name, "name") }?;
        update(options, |o| o.tls_server_name = name)
    })
}

/// The access token to send as `authorization: Bearer <token>` on every
/// call, keep-alive included (without the `Bearer ` prefix). NULL clears
/// it. Tokens travel only over TLS: `mesh_connection_open` refuses a plain address
/// with `MESH_ERROR_INVALID_ARGUMENT`. Replace it on a live connection with
/// `mesh_connection_set_access_token`. The token never appears in messages.
///
/// @param options The options to change.
/// @param token The access token, without the `Bearer ` prefix (UTF-8,
///   NUL-terminated, not empty), or NULL to clear it.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `options`, or
///   a `token` that is empty or not UTF-8; or `MESH_ERROR_INVALID_HANDLE` for
///   a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_options_set_access_token(
    options: *mut mesh_options,
    token: *const c_char,
) -> mesh_status {
    guard("mesh_options_set_access_token", || {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let token = unsafe { optional_text(token, "token") }?;
        update(options, |o| o.access_token = token)
    })
}

/// `mesh_options_set_kerberos` flag: require the server to prove its
/// identity too (Kerberos mutual authentication, one more exchange). The
/// official Python client does not ask for it; a server that does not
/// prove itself is then refused with `MESH_ERROR_UNAUTHENTICATED`.
pub const MESH_KERBEROS_MUTUAL: u32 = 1;

/// Sign in with Kerberos: `mesh_connection_open` gets a Kerberos ticket for
/// `service_principal` from the platform (SSPI on Windows, GSSAPI on
/// Linux), trades it for a Mesh access token (`AuthenticateKerberos`) and
/// sends that on every call. The token is renewed in the background after
/// half its lifetime (Mesh's is one hour), at the latest when it expires,
/// and once when the server refuses it; a call never waits on a renewal
/// longer than its own timeout. `mesh_connection_revoke_access_token` with
/// a NULL token revokes it. TLS only (an `https://` address); not together
/// with an access token or a token provider. See docs/kerberos.md.
///
/// @param options The options to change.
/// @param service_principal The Mesh server's service principal (UTF-8,
///   NUL-terminated) in any form the official client takes:
///   `HOST/host.domain`, `service@host`, or `DOMAIN\account` for a server
///   running as a user account without a service principal name; or NULL
///   to stop signing in with Kerberos.
/// @param user_principal Whose credentials to use (`user@REALM` or
///   `DOMAIN\user`), or NULL for the default: the logged-in Windows user,
///   or on Linux the default credential cache (`kinit`, `KRB5CCNAME`).
/// @param flags 0, or `MESH_KERBEROS_MUTUAL`.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `options`, a
///   malformed or empty principal, unknown flags, or a build of the library
///   without Kerberos (see `mesh_library_has_kerberos`); or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_options_set_kerberos(
    options: *mut mesh_options,
    service_principal: *const c_char,
    user_principal: *const c_char,
    flags: u32,
) -> mesh_status {
    guard("mesh_options_set_kerberos", || {
        if flags & !MESH_KERBEROS_MUTUAL != 0 {
            return Err(Failure::invalid_argument(format!(
                "unknown Kerberos flags {flags:#x}: pass 0 or MESH_KERBEROS_MUTUAL"
            )));
        }
        // SAFETY: the caller passes NULL or NUL-terminated strings.
        let service = unsafe { optional_text(service_principal, "service_principal") }?;
        // SAFETY: as above.
        let user = unsafe { optional_text(user_principal, "user_principal") }?;
        let kerberos = match service {
            None => None,
            Some(service_principal) => {
                let kerberos = KerberosOptions {
                    service_principal,
                    user_principal: user,
                    mutual: flags & MESH_KERBEROS_MUTUAL != 0,
                };
                // Malformed names, and a build without Kerberos, fail here
                // rather than at connect.
                kerberos.resolve()?;
                Some(kerberos)
            }
        };
        update(options, |o| o.kerberos = kerberos)
    })
}

/// Supplies an access token on request. Write the token (without `Bearer `)
/// and a NUL into `buf` (room for `cap` bytes), its length into `*len_out`,
/// and return `MESH_OK`; if `cap` is too small, set `*len_out` to the length
/// and return `MESH_ERROR_BUFFER_TOO_SMALL` to be called again with a buffer
/// that fits. Tokens are at most `MESH_ACCESS_TOKEN_MAX_BYTES` long; a longer one,
/// and any other status, means no token (`MESH_ERROR_UNAUTHENTICATED`).
/// Runs on a library-owned thread that may block (for a Kerberos or OAuth
/// round trip), within the timeout of the call that needed the token, and
/// may call `mesh_*` functions. It must return normally (no exception or
/// `longjmp` through the library).
///
/// @param user_data The `user_data` given to `mesh_options_set_token_provider`
///   with this provider.
/// @param buf The library's buffer for the token and a NUL.
/// @param cap The size of buf in bytes.
/// @param len_out Where to write the token's length without the NUL (also
///   with `MESH_ERROR_BUFFER_TOO_SMALL`, then the length needed); never NULL.
/// @return `MESH_OK` with the token written; `MESH_ERROR_BUFFER_TOO_SMALL`
///   with the length needed in `*len_out`; any other status for no token.
pub type mesh_token_provider = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        buf: *mut c_char,
        cap: usize,
        len_out: *mut usize,
    ) -> mesh_status_code,
>;

/// A C token provider as the client's `TokenProvider`.
struct CTokenProvider {
    function: unsafe extern "C" fn(*mut c_void, *mut c_char, usize, *mut usize) -> mesh_status_code,
    /// The C pointer, kept as an address: it is only handed back to C.
    user_data: usize,
}

const FIRST_TOKEN_BUFFER: usize = 4096;

/// The longest access token a token provider may give, in bytes (without
/// the NUL): far above what Kerberos or OAuth tokens take, and a bound on
/// what a faulty provider can make the library allocate.
pub const MESH_ACCESS_TOKEN_MAX_BYTES: usize = 65536;

impl TokenProvider for CTokenProvider {
    fn token(&self) -> crate::client::Result<String> {
        let failed = |why: String| {
            Error::new(
                ErrorKind::Unauthenticated,
                format!("the token provider gave no token: {why}"),
            )
        };
        let mut cap = FIRST_TOKEN_BUFFER;
        for _ in 0..2 {
            let mut buf = vec![0u8; cap];
            let mut len = usize::MAX;
            // SAFETY: the provider was given for this purpose; buf has `cap` bytes.
            let status = crate::quiet::outside(|| unsafe {
                (self.function)(
                    std::ptr::with_exposed_provenance_mut(self.user_data),
                    buf.as_mut_ptr().cast(),
                    cap,
                    &mut len,
                )
            });
            match status_from_int(status) {
                Some(mesh_status::MESH_OK) if len < cap => {
                    buf.truncate(len);
                    return String::from_utf8(buf)
                        .map_err(|_| failed("the token is not UTF-8".into()));
                }
                Some(mesh_status::MESH_OK) => {
                    return Err(failed("*len_out was not set to the token's length".into()))
                }
                Some(mesh_status::MESH_ERROR_BUFFER_TOO_SMALL) if len == usize::MAX => {
                    return Err(failed(
                        "it returned MESH_ERROR_BUFFER_TOO_SMALL without a length in *len_out"
                            .into(),
                    ))
                }
                Some(mesh_status::MESH_ERROR_BUFFER_TOO_SMALL) if len > MESH_ACCESS_TOKEN_MAX_BYTES => {
                    return Err(failed(format!(
                        "it asked for a buffer for {len} bytes; tokens are at most {MESH_ACCESS_TOKEN_MAX_BYTES} bytes"
                    )))
                }
                Some(mesh_status::MESH_ERROR_BUFFER_TOO_SMALL) if len >= cap => cap = len + 1,
                _ => return Err(failed(format!("it returned status {status}"))),
            }
        }
        Err(failed("it asked for a larger buffer twice".into()))
    }
}

/// Sets (or with NULL clears) the token provider: the library calls it when
/// connecting without a token, and when the server answers UNAUTHENTICATED,
/// after which it retries the rejected call once with the new token. So a
/// host that gets tokens from Kerberos or OAuth plugs in without the library
/// knowing how. Tokens travel only over TLS.
///
/// It runs on a library thread of its own for each call and may block; the
/// call waiting for it gives up at its timeout (the connect timeout for
/// `mesh_connection_open`), and a provider that is still running then keeps its
/// thread until it returns, holding up nothing else.
///
/// @param options The options to change.
/// @param provider The function that supplies tokens, or NULL to clear it.
/// @param user_data Passed back to `provider` as it is; may be NULL.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `options`; or
///   `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub extern "C" fn mesh_options_set_token_provider(
    options: *mut mesh_options,
    provider: mesh_token_provider,
    user_data: *mut c_void,
) -> mesh_status {
    guard("mesh_options_set_token_provider", || {
        let provider = provider.map(|function| {
            Arc::new(CTokenProvider {
                function,
                user_data: user_data.expose_provenance(),
            }) as Arc<dyn TokenProvider>
        });
        update(options, |o| o.token_provider = provider)
    })
}

/// The largest message the client takes from the server, in bytes (default
/// 4 MiB, as gRPC's). Reads whose answer would be larger are split by time
/// and merged, so raising it only saves requests. 0 is invalid.
///
/// @param options The options to change.
/// @param bytes The receive limit in bytes; more than 0.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL `options` or
///   `bytes` 0; or `MESH_ERROR_INVALID_HANDLE` for a freed or made-up handle.
#[no_mangle]
pub extern "C" fn mesh_options_set_max_receive_message_bytes(
    options: *mut mesh_options,
    bytes: u32,
) -> mesh_status {
    guard("mesh_options_set_max_receive_message_bytes", || {
        if bytes == 0 {
            return Err(Failure::invalid_argument(
                "max receive message size must be more than 0 bytes",
            ));
        }
        let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        update(options, |o| o.max_receive_message_bytes = bytes)
    })
}
