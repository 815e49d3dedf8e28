//! The restriction recurrence builder: what a restriction does (one value
//! over a period, or a step curve), with how it repeats, made and checked
//! locally, then passed to `mesh_restriction_create` and
//! `mesh_restriction_update`. Built once and never changed, so one handle
//! may be passed to any number of calls, from any thread.

use std::ffi::c_char;
use std::sync::Arc;

use crate::client::availability::{RestrictionRecurrence, TimePoint};
use crate::ffi::args::{array, out_ptr, write_out, MESH_TIME_NONE};
use crate::ffi::handles::{HandleKind, Registry};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};

use super::{make_recurrence, period};

/// What a restriction does, built with `mesh_restriction_recurrence_new_basic`
/// or `mesh_restriction_recurrence_new_complex` and freed with
/// `mesh_restriction_recurrence_free`. Calls copy what they need from it:
/// it may be freed right after them.
pub struct mesh_restriction_recurrence {
    _private: [u8; 0],
}

static RECURRENCES: Registry<RestrictionRecurrence> =
    Registry::new(HandleKind::RestrictionRecurrence, "restriction recurrence");

/// The recurrence behind a handle.
pub(crate) fn resolve(
    handle: *const mesh_restriction_recurrence,
) -> FfiResult<Arc<RestrictionRecurrence>> {
    RECURRENCES.get(handle)
}

/// Checks a built recurrence and registers it.
fn register(built: RestrictionRecurrence, out: *mut *mut mesh_restriction_recurrence) -> FfiResult {
    built.check()?;
    write_out(out, RECURRENCES.insert(built)?);
    Ok(())
}

/// Makes a basic restriction recurrence: the limit `value` over
/// `[start_ms, end_ms)`, repeated as `recurrence_type`, `recur_every` and
/// `recur_until_ms` say. Checked here as Mesh would check it, so a
/// restriction made with it is not refused for its shape (the server still
/// checks `status` against its list of restriction statuses, and that a
/// repeating type has `recur_every` set).
///
/// @param status One of the server's restriction statuses (UTF-8); NULL for
///   empty.
/// @param description Free text (UTF-8); NULL for empty.
/// @param recurrence_type How the period repeats: one of
///   `MESH_RECURRENCE_TYPE_*` (`MESH_RECURRENCE_TYPE_NONE` for once).
/// @param recur_every Repeat every this many days, weeks, months or years
///   (by recurrence_type); 0 for not set.
/// @param recur_until_ms Repeat until this time, ms since the Unix epoch,
///   UTC; MESH_TIME_NONE for not set (no end).
/// @param start_ms Start (inclusive) of the first period, ms since the Unix
///   epoch, UTC.
/// @param end_ms End (exclusive) of the first period, after start_ms.
/// @param value The limit during each period: a finite number.
/// @param out Receives the new recurrence (free with
///   `mesh_restriction_recurrence_free`) on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL out, text that is
///   not UTF-8, an unknown recurrence_type, start_ms or end_ms
///   MESH_TIME_NONE, end_ms not after start_ms, or a value that is not a
///   finite number; MESH_ERROR_RESOURCE_EXHAUSTED when too many handles are
///   alive.
#[no_mangle]
pub unsafe extern "C" fn mesh_restriction_recurrence_new_basic(
    status: *const c_char,
    description: *const c_char,
    recurrence_type: i32,
    recur_every: u32,
    recur_until_ms: i64,
    start_ms: i64,
    end_ms: i64,
    value: f64,
    out: *mut *mut mesh_restriction_recurrence,
) -> mesh_status {
    guard("mesh_restriction_recurrence_new_basic", || {
        // SAFETY: the caller passes NULL or NUL-terminated strings.
        let recurrence = unsafe {
            make_recurrence(
                status,
                description,
                recurrence_type,
                recur_every,
                recur_until_ms,
            )
        }?;
        let period = period(start_ms, end_ms)?;
        let out = out_ptr(out, "out")?;
        register(
            RestrictionRecurrence::Basic {
                recurrence,
                period,
                value,
            },
            out,
        )
    })
}

/// Makes a complex restriction recurrence: a step curve of `count` points,
/// each value in force from its time to the next point's, the last point
/// ending the curve (its value is never in force), repeated as a whole as
/// `recurrence_type`, `recur_every` and `recur_until_ms` say. The arrays
/// are copied. Checked here as Mesh would check it (see
/// `mesh_restriction_recurrence_new_basic`).
///
/// @param status One of the server's restriction statuses (UTF-8); NULL for
///   empty.
/// @param description Free text (UTF-8); NULL for empty.
/// @param recurrence_type How the curve repeats: one of
///   `MESH_RECURRENCE_TYPE_*` (`MESH_RECURRENCE_TYPE_NONE` for once).
/// @param recur_every Repeat every this many days, weeks, months or years
///   (by recurrence_type); 0 for not set.
/// @param recur_until_ms Repeat until this time, ms since the Unix epoch,
///   UTC; MESH_TIME_NONE for not set (no end).
/// @param timestamps The points' times, ms since the Unix epoch, UTC:
///   count items, strictly increasing, none MESH_TIME_NONE.
/// @param values The points' values: count finite numbers.
/// @param count The number of points: at least 2.
/// @param out Receives the new recurrence (free with
///   `mesh_restriction_recurrence_free`) on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL out, text that is
///   not UTF-8, an unknown recurrence_type, count below 2, a NULL or
///   misaligned array, times not strictly increasing or MESH_TIME_NONE, or a
///   value that is not a finite number; MESH_ERROR_RESOURCE_EXHAUSTED when
///   too many handles are alive.
#[no_mangle]
pub unsafe extern "C" fn mesh_restriction_recurrence_new_complex(
    status: *const c_char,
    description: *const c_char,
    recurrence_type: i32,
    recur_every: u32,
    recur_until_ms: i64,
    timestamps: *const i64,
    values: *const f64,
    count: usize,
    out: *mut *mut mesh_restriction_recurrence,
) -> mesh_status {
    guard("mesh_restriction_recurrence_new_complex", || {
        // SAFETY: the caller passes NULL or NUL-terminated strings.
        let recurrence = unsafe {
            make_recurrence(
                status,
                description,
                recurrence_type,
                recur_every,
                recur_until_ms,
            )
        }?;
        if count < 2 {
            return Err(Failure::invalid_argument(format!(
                "count is {count}: a complex restriction needs at least 2 points (the last one ends it)"
            )));
        }
        // SAFETY: the caller's arrays of `count` items.
        let timestamps = unsafe { array(timestamps, count, "timestamps") }?;
        // SAFETY: as above.
        let values = unsafe { array(values, count, "values") }?;
        if let Some(i) = timestamps.iter().position(|t| *t == MESH_TIME_NONE) {
            return Err(Failure::invalid_argument(format!(
                "timestamps[{i}] is MESH_TIME_NONE: every point needs a time"
            )));
        }
        let out = out_ptr(out, "out")?;
        let points = timestamps
            .iter()
            .zip(values)
            .map(|(&timestamp_ms, &value)| TimePoint {
                timestamp_ms,
                value,
            })
            .collect();
        register(RestrictionRecurrence::Complex { recurrence, points }, out)
    })
}

/// Frees a restriction recurrence. NULL is a no-op. Events made with it
/// are not affected.
///
/// @param recurrence The recurrence to free; may be NULL.
/// @return MESH_OK, also for NULL; MESH_ERROR_INVALID_HANDLE for a handle
///   already freed or made up.
#[no_mangle]
pub extern "C" fn mesh_restriction_recurrence_free(
    recurrence: *mut mesh_restriction_recurrence,
) -> mesh_status {
    guard("mesh_restriction_recurrence_free", || {
        if recurrence.is_null() {
            return Ok(());
        }
        RECURRENCES.remove(recurrence).map(drop)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::availability::{MESH_RECURRENCE_TYPE_DAILY, MESH_RECURRENCE_TYPE_NONE};
    use mesh_status::*;
    use std::ptr::{null, null_mut};

    fn complex(
        recurrence_type: i32,
        timestamps: &[i64],
        values: &[f64],
        count: usize,
    ) -> (mesh_status, *mut mesh_restriction_recurrence) {
        let mut out = null_mut();
        let status = unsafe {
            mesh_restriction_recurrence_new_complex(
                c"SelfImposed".as_ptr(),
                null(),
                recurrence_type,
                0,
                MESH_TIME_NONE,
                if timestamps.is_empty() {
                    null()
                } else {
                    timestamps.as_ptr()
                },
                if values.is_empty() {
                    null()
                } else {
                    values.as_ptr()
                },
                count,
                &mut out,
            )
        };
        (status, out)
    }

    #[test]
    fn the_builder_refuses_what_mesh_would() {
        let nan = f64::NAN;
        // recurrence type, timestamps, values, count, the status expected
        type Row<'a> = (i32, &'a [i64], &'a [f64], usize, mesh_status);
        let rows: &[Row] = &[
            (MESH_RECURRENCE_TYPE_NONE, &[0, 10], &[1.0, 0.0], 2, MESH_OK),
            (
                MESH_RECURRENCE_TYPE_DAILY,
                &[0, 10, 20],
                &[1.0, 2.0, 0.0],
                3,
                MESH_OK,
            ),
            (7, &[0, 10], &[1.0, 0.0], 2, MESH_ERROR_INVALID_ARGUMENT),
            (0, &[0], &[1.0], 1, MESH_ERROR_INVALID_ARGUMENT),
            (0, &[], &[], 0, MESH_ERROR_INVALID_ARGUMENT),
            (0, &[], &[1.0, 0.0], 2, MESH_ERROR_INVALID_ARGUMENT),
            (0, &[0, 10], &[], 2, MESH_ERROR_INVALID_ARGUMENT),
            (0, &[10, 10], &[1.0, 0.0], 2, MESH_ERROR_INVALID_ARGUMENT),
            (0, &[10, 0], &[1.0, 0.0], 2, MESH_ERROR_INVALID_ARGUMENT),
            (0, &[0, 10], &[nan, 0.0], 2, MESH_ERROR_INVALID_ARGUMENT),
            (
                0,
                &[MESH_TIME_NONE, 0],
                &[1.0, 0.0],
                2,
                MESH_ERROR_INVALID_ARGUMENT,
            ),
        ];
        for (i, &(kind, timestamps, values, count, expected)) in rows.iter().enumerate() {
            let (status, out) = complex(kind, timestamps, values, count);
            assert_eq!(status, expected, "row {i}");
            if status == MESH_OK {
                assert!(resolve(out).unwrap().is_complex());
                assert_eq!(mesh_restriction_recurrence_free(out), MESH_OK);
                assert_eq!(
                    mesh_restriction_recurrence_free(out),
                    MESH_ERROR_INVALID_HANDLE
                );
            } else {
                assert!(out.is_null(), "row {i}: out written on failure");
            }
        }
        let mut out = null_mut();
        let basic = |start, end, value, out: *mut *mut mesh_restriction_recurrence| unsafe {
            mesh_restriction_recurrence_new_basic(
                null(),
                null(),
                MESH_RECURRENCE_TYPE_NONE,
                0,
                MESH_TIME_NONE,
                start,
                end,
                value,
                out,
            )
        };
        assert_eq!(basic(0, 0, 1.0, &mut out), MESH_ERROR_INVALID_ARGUMENT);
        assert_eq!(
            basic(0, MESH_TIME_NONE, 1.0, &mut out),
            MESH_ERROR_INVALID_ARGUMENT
        );
        assert_eq!(
            basic(0, 1, f64::INFINITY, &mut out),
            MESH_ERROR_INVALID_ARGUMENT
        );
        assert_eq!(basic(0, 1, 1.0, null_mut()), MESH_ERROR_INVALID_ARGUMENT);
        assert!(out.is_null());
        assert_eq!(basic(0, 1, 1.0, &mut out), MESH_OK);
        assert!(!resolve(out).unwrap().is_complex());
        assert_eq!(mesh_restriction_recurrence_free(out), MESH_OK);
        assert_eq!(mesh_restriction_recurrence_free(null_mut()), MESH_OK);
    }
}
