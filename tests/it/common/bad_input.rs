//! The table runner the bad-input tests share: each row is one C call with
//! bad input and the exact status it must return.

use std::ptr;

use super::*;

/// A sentinel an out-pointer starts with, to see it was not written.
pub const UNTOUCHED: usize = 0xdead_beef;

pub fn sentinel<T>() -> *mut T {
    ptr::without_provenance_mut(UNTOUCHED)
}

/// One row: a name for the report, the call, the status it must return.
pub type Row<'a> = (&'a str, Box<dyn Fn() -> mesh_status + 'a>, mesh_status);

/// Runs every row and fails with all wrong rows listed. Before each call a
/// distinct failure is provoked on `conn`, so a row that fails must leave a
/// message of its own, and a row that succeeds (a destructor given NULL)
/// must leave the last error alone: cleanup code never hides the real
/// failure.
pub fn check_rows(conn: *mut mesh_connection, rows: &[Row]) {
    let prime = c("primed");
    let mut failures = Vec::new();
    for (name, call, expected) in rows {
        let _ = unsafe { mesh_session_attach(conn, prime.as_ptr(), &mut sentinel()) };
        let status = call();
        if status != *expected {
            failures.push(format!(
                "{name}: got {status:?}, expected {expected:?} ({})",
                last_error()
            ));
        } else if status != MESH_OK && last_error().contains("primed") {
            failures.push(format!("{name}: no message of its own"));
        } else if status == MESH_OK && !last_error().contains("primed") {
            failures.push(format!("{name}: succeeded but changed the last error"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows wrong:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
