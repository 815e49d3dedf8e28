//! `mesh_connection_statistic`: the counters of a connection, read at any
//! time without a request (see `client::Statistics` for where each is
//! counted).

use crate::client::Statistics;
use crate::ffi::args::{out_ptr, write_out};
use crate::ffi::connection::{self, mesh_connection};
use crate::ffi::status::{mesh_status_code, status_of};
use crate::ffi::{guard, mesh_status, status_from_int, Failure};

/// Statistic: calls to the server started through the connection and its
/// sessions, keep-alive's `ExtendSession` included (a retried request is
/// one call). Each ends counted in `MESH_STATISTIC_FAILURES` or not at all
/// (a success): calls minus failures are the calls that succeeded or are
/// still in flight.
pub const MESH_STATISTIC_CALLS: i32 = 1;
/// Statistic: calls that failed, whatever the status
/// (`mesh_connection_statistic_failures_by_status` tells them apart). A
/// call given up before its answer came (interrupted, cancelled, out of
/// time for its whole operation, the library shut down) counts as
/// `MESH_ERROR_CANCELLED`.
pub const MESH_STATISTIC_FAILURES: i32 = 2;
/// Statistic: requests sent a second time within one call: one never sent
/// because its connection closed first, or one the server refused as
/// unauthenticated, sent again after a token refresh.
pub const MESH_STATISTIC_RETRIES: i32 = 3;
/// Statistic: TCP connections the connection made after its first, each
/// time a lost connection (server restart, network failure, dead
/// connection) was replaced.
pub const MESH_STATISTIC_RECONNECTS: i32 = 4;
/// Statistic: `ExtendSession` calls (keep-alive, `mesh_session_extend`,
/// `mesh_session_attach`); counted in `MESH_STATISTIC_CALLS` too.
pub const MESH_STATISTIC_EXTEND_SESSION_CALLS: i32 = 5;
/// Statistic: gRPC message bytes sent: the request messages with their
/// 5-byte length prefixes, before TLS; HTTP/2 headers and framing are not
/// included.
pub const MESH_STATISTIC_BYTES_SENT: i32 = 6;
/// Statistic: gRPC message bytes received, counted as
/// `MESH_STATISTIC_BYTES_SENT`.
pub const MESH_STATISTIC_BYTES_RECEIVED: i32 = 7;
/// Statistic: sessions opened or attached through the connection and not
/// yet closed, detached or found expired (the only statistic that can go
/// down).
pub const MESH_STATISTIC_OPEN_SESSIONS: i32 = 8;
/// Statistic: HTTP/2 PING frames sent to find out whether the connection is
/// dead (`mesh_options_set_dead_connection_timeout_ms`): one goes out when
/// calls wait and nothing has been read for half that timeout. The
/// server's own pings, which the connection acknowledges, are not counted.
pub const MESH_STATISTIC_PINGS_SENT: i32 = 9;

/// The value of `statistic` in `stats`, if it is one.
fn value_of(stats: &Statistics, statistic: i32) -> Option<u64> {
    Some(match statistic {
        MESH_STATISTIC_CALLS => stats.calls,
        MESH_STATISTIC_FAILURES => stats.failures(),
        MESH_STATISTIC_RETRIES => stats.retries,
        MESH_STATISTIC_RECONNECTS => stats.reconnects,
        MESH_STATISTIC_EXTEND_SESSION_CALLS => stats.extend_session_calls,
        MESH_STATISTIC_BYTES_SENT => stats.bytes_sent,
        MESH_STATISTIC_BYTES_RECEIVED => stats.bytes_received,
        MESH_STATISTIC_OPEN_SESSIONS => stats.open_sessions,
        MESH_STATISTIC_PINGS_SENT => stats.pings_sent,
        _ => return None,
    })
}

/// Reads one statistic of the connection: a counter kept since it was
/// opened, for it and every session opened or attached through it. Cheap
/// enough to call at any time from any thread; makes no request. Each
/// statistic is read on its own: a call in progress may already show in
/// one and not yet in another.
///
/// @param connection The connection whose statistic to read.
/// @param statistic Which: `MESH_STATISTIC_CALLS`, `_FAILURES`, `_RETRIES`,
///   `_RECONNECTS`, `_EXTEND_SESSION_CALLS`, `_BYTES_SENT`,
///   `_BYTES_RECEIVED`, `_OPEN_SESSIONS` or `_PINGS_SENT`.
/// @param out_value Receives the value on success; untouched on failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument or
///   an unknown `statistic`; or `MESH_ERROR_INVALID_HANDLE` for a closed or
///   made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_connection_statistic(
    connection: *const mesh_connection,
    statistic: i32,
    out_value: *mut u64,
) -> mesh_status {
    guard("mesh_connection_statistic", || {
        let connection = connection::resolve(connection)?;
        let out_value = out_ptr(out_value, "out_value")?;
        let stats = connection.conn.statistics();
        let value = value_of(&stats, statistic).ok_or_else(|| {
            Failure::invalid_argument(format!(
                "unknown statistic {statistic}: pass one of MESH_STATISTIC_*"
            ))
        })?;
        write_out(out_value, value);
        Ok(())
    })
}

/// Reads how many calls through the connection and its sessions failed
/// with `status` (a part of `MESH_STATISTIC_FAILURES`). Each call counts
/// by its own answer: a session's call (keep-alive's included) that finds
/// the session gone on the server counts as `MESH_ERROR_SESSION_NOT_FOUND`,
/// even though the session's functions then report
/// `MESH_ERROR_SESSION_EXPIRED`. A call given up before its answer came
/// counts as `MESH_ERROR_CANCELLED`. A status that no call ends with
/// (`MESH_OK`, `MESH_ERROR_BUFFER_TOO_SMALL`, ...) reads 0. Makes no
/// request.
///
/// @param connection The connection whose failures to read.
/// @param status The status, as an integer (`MESH_OK` to
///   `MESH_ERROR_CANCELLED`).
/// @param out_count Receives the number of calls on success; untouched on
///   failure.
/// @return `MESH_OK`; `MESH_ERROR_INVALID_ARGUMENT` for a NULL argument or
///   a number that is no status; or `MESH_ERROR_INVALID_HANDLE` for a
///   closed or made-up handle.
#[no_mangle]
pub unsafe extern "C" fn mesh_connection_statistic_failures_by_status(
    connection: *const mesh_connection,
    status: mesh_status_code,
    out_count: *mut u64,
) -> mesh_status {
    guard("mesh_connection_statistic_failures_by_status", || {
        let connection = connection::resolve(connection)?;
        let out_count = out_ptr(out_count, "out_count")?;
        let wanted = status_from_int(status).ok_or_else(|| {
            Failure::invalid_argument(format!("{status} is no status: pass a MESH_ERROR_*"))
        })?;
        write_out(
            out_count,
            failures_with(&connection.conn.statistics(), wanted),
        );
        Ok(())
    })
}

/// The failed calls in `stats` whose error gives `status`.
fn failures_with(stats: &Statistics, status: mesh_status) -> u64 {
    stats
        .failures_by_kind()
        .filter(|(kind, _)| status_of(*kind) == status)
        .map(|(_, count)| count)
        .sum()
}
