//! `mesh_options`: connection settings, grown through setter functions so
//! that no struct layout is part of the ABI.

use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use super::args::{out_ptr, write_out};
use super::handles::Registry;
use super::{guard, mesh_status, Failure, FfiResult};
use crate::client::ConnectOptions;

/// Connection settings (`mesh_options_new` / `mesh_options_free`).
pub struct mesh_options {
    _private: [u8; 0],
}

static OPTIONS: LazyLock<Registry<Mutex<ConnectOptions>>> =
    LazyLock::new(|| Registry::new(1, "options"));

/// The settings behind a handle, copied.
pub(crate) fn resolve(options: *const mesh_options) -> FfiResult<ConnectOptions> {
    let options = OPTIONS.get(options)?;
    let copy = options.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Ok(copy)
}

fn update(options: *mut mesh_options, change: impl FnOnce(&mut ConnectOptions)) -> FfiResult {
    let options = OPTIONS.get(options)?;
    change(&mut options.lock().unwrap_or_else(|p| p.into_inner()));
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
/// 30 s, automatic keep-alive interval, receive limit 4 MiB. Free with
/// `mesh_options_free`.
#[no_mangle]
pub unsafe extern "C" fn mesh_options_new(out: *mut *mut mesh_options) -> mesh_status {
    guard("mesh_options_new", || {
        let out = out_ptr(out, "out")?;
        write_out(out, OPTIONS.insert(Mutex::new(ConnectOptions::default())));
        Ok(())
    })
}

/// Frees options. Connections made with them keep their own copy.
#[no_mangle]
pub extern "C" fn mesh_options_free(options: *mut mesh_options) -> mesh_status {
    guard("mesh_options_free", || OPTIONS.remove(options).map(drop))
}

/// How long `mesh_connect` waits for the server to accept the connection
/// and answer its version check. 0 is invalid.
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

/// The deadline of each call to the server; a call that takes longer gives
/// `MESH_ERROR_TIMEOUT`. 0 is invalid.
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

/// The largest message the client takes from the server, in bytes (default
/// 4 MiB, as gRPC's). Reads whose answer would be larger are split by time
/// and merged, so raising it only saves requests. 0 is invalid.
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
