//! XY sets and rating curves from C. One handle type each serves both ways:
//! `mesh_xy_set_list_read` fills one from the server, `mesh_xy_set_list_new` and
//! `_add_*` build one up, and `mesh_xy_set_list_update` sends one; likewise
//! `mesh_rating_curve`. Points and segments go in and out as flat caller
//! arrays with a count, copied both ways.

use std::ffi::c_char;
use std::sync::Mutex;

use crate::client::model::{RatingCurveSegment, RatingCurveVersion, XyCurve, XySet};
use crate::ffi::args::array;
use crate::ffi::args::MESH_TIME_NONE;
use crate::ffi::args::{out_ptr, write_out};
use crate::ffi::handles::{HandleKind, Registry};
use crate::ffi::model::args::{optional_interval, target};
use crate::ffi::request::{nothing, Request};
use crate::ffi::session::{self, mesh_session};
use crate::ffi::{guard, mesh_status, Failure, FfiResult};
use crate::sync::lock;

/// XY sets: read (`mesh_xy_set_list_read`) or built (`mesh_xy_set_list_new`), freed
/// with `mesh_xy_set_list_free`; valid after `mesh_library_shutdown` too. Set `i` holds curves; curve `j` of set `i`
/// holds a reference value (z) and points (x, y).
pub struct mesh_xy_set_list {
    _private: [u8; 0],
}

/// Rating curve versions: read (`mesh_rating_curve_read`) or built
/// (`mesh_rating_curve_new`), freed with `mesh_rating_curve_free`; valid
/// after `mesh_library_shutdown` too.
pub struct mesh_rating_curve {
    _private: [u8; 0],
}

static XY_SETS: Registry<Mutex<Vec<XySet>>> = Registry::new(HandleKind::XySetList, "xy set list");
static RATING_CURVES: Registry<Mutex<Vec<RatingCurveVersion>>> =
    Registry::new(HandleKind::RatingCurve, "rating curve");

fn out_of_range(what: &str, index: usize, count: usize) -> Failure {
    Failure::invalid_argument(format!(
        "{what} index {index} is out of range: there are {count}"
    ))
}

fn with_set<T>(
    sets: *const mesh_xy_set_list,
    index: usize,
    f: impl FnOnce(&XySet) -> FfiResult<T>,
) -> FfiResult<T> {
    let sets = XY_SETS.get(sets)?;
    let sets = lock(&sets);
    let set = sets
        .get(index)
        .ok_or_else(|| out_of_range("set", index, sets.len()))?;
    f(set)
}

fn with_curve<T>(
    sets: *const mesh_xy_set_list,
    set: usize,
    curve: usize,
    f: impl FnOnce(&XyCurve) -> FfiResult<T>,
) -> FfiResult<T> {
    with_set(sets, set, |s| {
        let c = s
            .curves
            .get(curve)
            .ok_or_else(|| out_of_range("curve", curve, s.curves.len()))?;
        f(c)
    })
}

/// Reads the XY sets of an XY set attribute (`target`: id or path) into a
/// new `*out_sets`: for a versioned attribute those valid in
/// `[start_ms, end_ms)`, for an unversioned one (both `MESH_TIME_NONE`) its
/// one set. With `versions_only` 1 the sets come without curves.
///
/// @param session The session to work in.
/// @param target The XY set attribute: its id (canonical or braced) or path.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC; MESH_TIME_NONE for an unversioned attribute.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   MESH_TIME_NONE for an unversioned attribute.
/// @param versions_only 1 to read the sets without their curves (only when each
///   starts), 0 to read them whole.
/// @param out_sets Receives the new XY sets (free with `mesh_xy_set_list_free`)
///   on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, only one of the times MESH_TIME_NONE, end_ms
///   before start_ms, or a target that is no XY set attribute;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no attribute has that id or path; or a status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_set_list_read(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    versions_only: i32,
    out_sets: *mut *mut mesh_xy_set_list,
) -> mesh_status {
    guard("mesh_xy_set_list_read", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_xy_set_list_read_request(session, target, start_ms, end_ms, versions_only) }?
            .wait(out_sets, "out_sets")
    })
}

pub(crate) unsafe fn mesh_xy_set_list_read_request(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    versions_only: i32,
) -> FfiResult<Request<*mut mesh_xy_set_list>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    let interval = optional_interval(start_ms, end_ms)?;
    let versions_only = versions_only != 0;
    Ok(handle.request(
        move |h| async move {
            h.session
                .get_xy_sets(&target, interval, versions_only)
                .await
        },
        |sets| XY_SETS.insert(Mutex::new(sets)),
    ))
}

/// Makes an empty `*out_sets` to build up with `mesh_xy_set_list_add_set` and
/// `mesh_xy_set_list_add_curve` and send with `mesh_xy_set_list_update`.
///
/// @param out_sets Receives the new, empty XY sets (free with
///   `mesh_xy_set_list_free`) on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL out_sets;
///   MESH_ERROR_RESOURCE_EXHAUSTED when no more handles can be made.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_set_list_new(out_sets: *mut *mut mesh_xy_set_list) -> mesh_status {
    guard("mesh_xy_set_list_new", || {
        let out = out_ptr(out_sets, "out_sets")?;
        write_out(out, XY_SETS.insert(Mutex::new(Vec::new()))?);
        Ok(())
    })
}

/// Adds an empty set valid from `valid_from_ms` (ms since the Unix epoch;
/// `MESH_TIME_NONE` for the one set of an unversioned attribute).
///
/// @param sets The XY sets to add to.
/// @param valid_from_ms When the set starts, ms since the Unix epoch, UTC; or
///   MESH_TIME_NONE.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for freed or made-up sets.
#[no_mangle]
pub extern "C" fn mesh_xy_set_list_add_set(
    sets: *mut mesh_xy_set_list,
    valid_from_ms: i64,
) -> mesh_status {
    guard("mesh_xy_set_list_add_set", || {
        let sets = XY_SETS.get(sets)?;
        lock(&sets).push(XySet {
            valid_from_ms: (valid_from_ms != MESH_TIME_NONE).then_some(valid_from_ms),
            curves: Vec::new(),
        });
        Ok(())
    })
}

/// Adds a curve with reference value `reference_value` and the `count`
/// points `(x[i], y[i])` to the last set added (copied; NULL arrays allowed
/// when `count` is 0). Without a set yet it gives
/// `MESH_ERROR_INVALID_ARGUMENT`.
///
/// @param sets The XY sets whose last set gets the curve.
/// @param reference_value The curve's reference value (z).
/// @param x The x values of the points: count items; may be NULL when count
///   is 0.
/// @param y The y values of the points: count items; may be NULL when count
///   is 0.
/// @param count The number of points.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a NULL or
///   misaligned array when count is not 0, or sets without a set yet;
///   MESH_ERROR_INVALID_HANDLE for freed or made-up sets.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_set_list_add_curve(
    sets: *mut mesh_xy_set_list,
    reference_value: f64,
    x: *const f64,
    y: *const f64,
    count: usize,
) -> mesh_status {
    guard("mesh_xy_set_list_add_curve", || {
        let sets = XY_SETS.get(sets)?;
        // SAFETY: the caller's arrays of `count` items.
        let (x, y) = unsafe { (array(x, count, "x")?, array(y, count, "y")?) };
        let mut sets = lock(&sets);
        let last = sets.last_mut().ok_or_else(|| {
            Failure::invalid_argument(
                "no set to add the curve to: call mesh_xy_set_list_add_set first",
            )
        })?;
        last.curves.push(XyCurve {
            reference_value,
            x: x.to_vec(),
            y: y.to_vec(),
        });
        Ok(())
    })
}

/// Writes the number of sets to `*out_count`.
///
/// @param sets The XY sets.
/// @param out_count Receives the number of sets on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for freed or made-up sets.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_set_list_count(
    sets: *const mesh_xy_set_list,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_xy_set_list_count", || {
        let sets = XY_SETS.get(sets)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, lock(&sets).len());
        Ok(())
    })
}

/// Writes when set `set` starts to `*out_ms` (ms since the Unix epoch), or
/// `MESH_TIME_NONE` for the set of an unversioned attribute.
///
/// @param sets The XY sets.
/// @param set The set's index, from 0, below the set count.
/// @param out_ms Receives when the set starts, ms since the Unix epoch, UTC, or
///   MESH_TIME_NONE, on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or a set
///   index past the end; MESH_ERROR_INVALID_HANDLE for freed or made-up sets.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_set_list_valid_from_at(
    sets: *const mesh_xy_set_list,
    set: usize,
    out_ms: *mut i64,
) -> mesh_status {
    guard("mesh_xy_set_list_valid_from_at", || {
        let out = out_ptr(out_ms, "out_ms")?;
        let ms = with_set(sets, set, |s| Ok(s.valid_from_ms.unwrap_or(MESH_TIME_NONE)))?;
        write_out(out, ms);
        Ok(())
    })
}

/// Writes the number of curves of set `set` to `*out_count`.
///
/// @param sets The XY sets.
/// @param set The set's index, from 0, below the set count.
/// @param out_count Receives the number of curves on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or a set
///   index past the end; MESH_ERROR_INVALID_HANDLE for freed or made-up sets.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_set_list_curve_count_at(
    sets: *const mesh_xy_set_list,
    set: usize,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_xy_set_list_curve_count_at", || {
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, with_set(sets, set, |s| Ok(s.curves.len()))?);
        Ok(())
    })
}

/// Writes the reference value (z) of curve `curve` of set `set` to `*out`.
///
/// @param sets The XY sets.
/// @param set The set's index, from 0, below the set count.
/// @param curve The curve's index in the set, from 0, below the set's curve
///   count.
/// @param out Receives the reference value on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or a set or
///   curve index past the end; MESH_ERROR_INVALID_HANDLE for freed or made-up
///   sets.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_set_list_curve_reference_value_at(
    sets: *const mesh_xy_set_list,
    set: usize,
    curve: usize,
    out: *mut f64,
) -> mesh_status {
    guard("mesh_xy_set_list_curve_reference_value_at", || {
        let out = out_ptr(out, "out")?;
        write_out(
            out,
            with_curve(sets, set, curve, |c| Ok(c.reference_value))?,
        );
        Ok(())
    })
}

/// Writes the number of points of curve `curve` of set `set` to `*out_count`.
///
/// @param sets The XY sets.
/// @param set The set's index, from 0, below the set count.
/// @param curve The curve's index in the set, from 0, below the set's curve
///   count.
/// @param out_count Receives the number of points on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or a set or
///   curve index past the end; MESH_ERROR_INVALID_HANDLE for freed or made-up
///   sets.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_set_list_curve_point_count_at(
    sets: *const mesh_xy_set_list,
    set: usize,
    curve: usize,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_xy_set_list_curve_point_count_at", || {
        let out = out_ptr(out_count, "out_count")?;
        write_out(
            out,
            with_curve(sets, set, curve, |c| Ok(c.x.len().min(c.y.len())))?,
        );
        Ok(())
    })
}

/// Copies the points of curve `curve` of set `set` into the caller's arrays
/// `x` and `y` of `cap` items each (either may be NULL to skip it). When
/// `cap` is less than the number of points nothing is copied and
/// `MESH_ERROR_BUFFER_TOO_SMALL` is returned.
///
/// @param sets The XY sets.
/// @param set The set's index, from 0, below the set count.
/// @param curve The curve's index in the set, from 0, below the set's curve
///   count.
/// @param x The caller's array of cap items for the x values; may be NULL to
///   skip them.
/// @param y The caller's array of cap items for the y values; may be NULL to
///   skip them.
/// @param cap The number of items each of x and y has room for.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL sets, a set or curve
///   index past the end, or a misaligned array; MESH_ERROR_INVALID_HANDLE for
///   freed or made-up sets; MESH_ERROR_BUFFER_TOO_SMALL when cap is less than
///   the number of points (nothing is copied).
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_set_list_curve_points_at(
    sets: *const mesh_xy_set_list,
    set: usize,
    curve: usize,
    x: *mut f64,
    y: *mut f64,
    cap: usize,
) -> mesh_status {
    guard("mesh_xy_set_list_curve_points_at", || {
        with_curve(sets, set, curve, |c| {
            let n = c.x.len().min(c.y.len());
            // SAFETY: the caller's arrays of `cap` items.
            unsafe { copy_columns(&[(x, &c.x[..n]), (y, &c.y[..n])], cap) }
        })
    })
}

/// Copies each column into its destination (skipping NULL ones), all or
/// nothing.
///
/// # Safety
/// Each non-NULL destination has room for `cap` items.
unsafe fn copy_columns(columns: &[(*mut f64, &[f64])], cap: usize) -> FfiResult {
    let n = columns.first().map_or(0, |(_, c)| c.len());
    if cap < n {
        return Err(Failure::new(
            mesh_status::MESH_ERROR_BUFFER_TOO_SMALL,
            format!("arrays of {cap} items are too small: {n} needed"),
        ));
    }
    if columns.iter().any(|(p, _)| !p.is_aligned()) {
        return Err(Failure::invalid_argument("an array is misaligned"));
    }
    for (dest, column) in columns {
        if !dest.is_null() {
            // SAFETY: room for `cap >= n` items by the caller's promise;
            // our buffers do not overlap the caller's.
            unsafe { std::ptr::copy_nonoverlapping(column.as_ptr(), *dest, column.len()) };
        }
    }
    Ok(())
}

/// Replaces the XY sets of an XY set attribute in `[start_ms, end_ms)` with
/// `sets` (a versioned attribute; each set valid from a time inside the
/// interval), or, with both times `MESH_TIME_NONE`, sets an unversioned
/// attribute to the one set in `sets` (none empties it).
///
/// @param session The session to work in.
/// @param target The XY set attribute: its id (canonical or braced) or path.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC; MESH_TIME_NONE for an unversioned attribute.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC;
///   MESH_TIME_NONE for an unversioned attribute.
/// @param sets The XY sets to write (copied; still the caller's to free).
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, only one of the times MESH_TIME_NONE, end_ms
///   before start_ms, or a target that is no XY set attribute;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session or freed or
///   made-up sets; MESH_ERROR_NOT_FOUND when no attribute has that id or path;
///   or a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_set_list_update(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    sets: *const mesh_xy_set_list,
) -> mesh_status {
    guard("mesh_xy_set_list_update", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_xy_set_list_update_request(session, target, start_ms, end_ms, sets) }?
            .wait_done()
    })
}

pub(crate) unsafe fn mesh_xy_set_list_update_request(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    sets: *const mesh_xy_set_list,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    let interval = optional_interval(start_ms, end_ms)?;
    let sets = XY_SETS.get(sets)?;
    let sets = lock(&sets).clone();
    Ok(handle.request(
        move |h| async move { h.session.update_xy_sets(&target, interval, &sets).await },
        nothing,
    ))
}

/// Frees XY sets. NULL is a no-op.
///
/// @param sets The XY sets to free; may be NULL.
/// @return MESH_OK, also for NULL; MESH_ERROR_INVALID_HANDLE for a handle
///   already freed or made up.
#[no_mangle]
pub extern "C" fn mesh_xy_set_list_free(sets: *mut mesh_xy_set_list) -> mesh_status {
    guard("mesh_xy_set_list_free", || {
        if sets.is_null() {
            return Ok(());
        }
        XY_SETS.remove(sets).map(drop)
    })
}

fn with_version<T>(
    curve: *const mesh_rating_curve,
    index: usize,
    f: impl FnOnce(&RatingCurveVersion) -> FfiResult<T>,
) -> FfiResult<T> {
    let versions = RATING_CURVES.get(curve)?;
    let versions = lock(&versions);
    let v = versions
        .get(index)
        .ok_or_else(|| out_of_range("version", index, versions.len()))?;
    f(v)
}

/// Reads the rating curve versions of a rating curve attribute (`target`:
/// id or path) valid in `[start_ms, end_ms)` into a new `*out_curve`. With
/// `versions_only` 1 the versions come without segments.
///
/// @param session The session to work in.
/// @param target The rating curve attribute: its id (canonical or braced) or
///   path.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC.
/// @param versions_only 1 to read the versions without their segments, 0 to
///   read them whole.
/// @param out_curve Receives the new rating curve versions (free with
///   `mesh_rating_curve_free`) on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, end_ms before start_ms, or a target that is
///   no rating curve attribute; MESH_ERROR_INVALID_HANDLE for a closed or
///   made-up session; MESH_ERROR_NOT_FOUND when no attribute has that id or
///   path; or a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_read(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    versions_only: i32,
    out_curve: *mut *mut mesh_rating_curve,
) -> mesh_status {
    guard("mesh_rating_curve_read", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_rating_curve_read_request(session, target, start_ms, end_ms, versions_only) }?
            .wait(out_curve, "out_curve")
    })
}

pub(crate) unsafe fn mesh_rating_curve_read_request(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    versions_only: i32,
) -> FfiResult<Request<*mut mesh_rating_curve>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    let versions_only = versions_only != 0;
    Ok(handle.request(
        move |h| async move {
            h.session
                .get_rating_curve_versions(&target, start_ms, end_ms, versions_only)
                .await
        },
        |versions| RATING_CURVES.insert(Mutex::new(versions)),
    ))
}

/// Makes an empty `*out_curve` to build up with
/// `mesh_rating_curve_add_version` and send with `mesh_rating_curve_update`.
///
/// @param out_curve Receives the new, empty rating curve (free with
///   `mesh_rating_curve_free`) on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL out_curve;
///   MESH_ERROR_RESOURCE_EXHAUSTED when no more handles can be made.
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_new(
    out_curve: *mut *mut mesh_rating_curve,
) -> mesh_status {
    guard("mesh_rating_curve_new", || {
        let out = out_ptr(out_curve, "out_curve")?;
        write_out(out, RATING_CURVES.insert(Mutex::new(Vec::new()))?);
        Ok(())
    })
}

/// Adds a version valid from `valid_from_ms` (ms since the Unix epoch),
/// defined from `x_range_from` on, with `count` segments: segment `i` covers
/// x up to `x_range_until[i]` with factors `factor_a[i]`, `factor_b[i]`,
/// `factor_c[i]` (arrays copied).
///
/// @param curve The rating curve to add to.
/// @param valid_from_ms When the version starts, ms since the Unix epoch, UTC.
/// @param x_range_from The x from which the version is defined.
/// @param x_range_until The upper x of each segment: count items; may be NULL
///   when count is 0.
/// @param factor_a The factor a of each segment: count items; may be NULL when
///   count is 0.
/// @param factor_b The factor b of each segment: count items; may be NULL when
///   count is 0.
/// @param factor_c The factor c of each segment: count items; may be NULL when
///   count is 0.
/// @param count The number of segments.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or a NULL
///   or misaligned array when count is not 0; MESH_ERROR_INVALID_HANDLE for a
///   freed or made-up rating curve.
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_add_version(
    curve: *mut mesh_rating_curve,
    valid_from_ms: i64,
    x_range_from: f64,
    x_range_until: *const f64,
    factor_a: *const f64,
    factor_b: *const f64,
    factor_c: *const f64,
    count: usize,
) -> mesh_status {
    guard("mesh_rating_curve_add_version", || {
        let versions = RATING_CURVES.get(curve)?;
        // SAFETY: the caller's arrays of `count` items.
        let (until, a, b, c) = unsafe {
            (
                array(x_range_until, count, "x_range_until")?,
                array(factor_a, count, "factor_a")?,
                array(factor_b, count, "factor_b")?,
                array(factor_c, count, "factor_c")?,
            )
        };
        let segments = (0..count)
            .map(|i| RatingCurveSegment {
                x_range_until: until[i],
                factor_a: a[i],
                factor_b: b[i],
                factor_c: c[i],
            })
            .collect();
        lock(&versions).push(RatingCurveVersion {
            valid_from_ms,
            x_range_from,
            segments,
        });
        Ok(())
    })
}

/// Writes the number of versions to `*out_count`.
///
/// @param curve The rating curve.
/// @param out_count Receives the number of versions on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a freed or made-up rating curve.
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_version_count(
    curve: *const mesh_rating_curve,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_rating_curve_version_count", || {
        let versions = RATING_CURVES.get(curve)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, lock(&versions).len());
        Ok(())
    })
}

/// Writes when version `version` starts to `*out_ms` (ms since the Unix epoch).
///
/// @param curve The rating curve.
/// @param version The version's index, from 0, below the version count.
/// @param out_ms Receives when the version starts, ms since the Unix epoch,
///   UTC, on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or a
///   version index past the end; MESH_ERROR_INVALID_HANDLE for a freed or
///   made-up rating curve.
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_valid_from_at(
    curve: *const mesh_rating_curve,
    version: usize,
    out_ms: *mut i64,
) -> mesh_status {
    guard("mesh_rating_curve_valid_from_at", || {
        let out = out_ptr(out_ms, "out_ms")?;
        write_out(out, with_version(curve, version, |v| Ok(v.valid_from_ms))?);
        Ok(())
    })
}

/// Writes the x from which version `version` is defined to `*out`.
///
/// @param curve The rating curve.
/// @param version The version's index, from 0, below the version count.
/// @param out Receives the x from which the version is defined on success;
///   untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or a
///   version index past the end; MESH_ERROR_INVALID_HANDLE for a freed or
///   made-up rating curve.
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_x_range_from_at(
    curve: *const mesh_rating_curve,
    version: usize,
    out: *mut f64,
) -> mesh_status {
    guard("mesh_rating_curve_x_range_from_at", || {
        let out = out_ptr(out, "out")?;
        write_out(out, with_version(curve, version, |v| Ok(v.x_range_from))?);
        Ok(())
    })
}

/// Writes the number of segments of version `version` to `*out_count`.
///
/// @param curve The rating curve.
/// @param version The version's index, from 0, below the version count.
/// @param out_count Receives the number of segments on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or a
///   version index past the end; MESH_ERROR_INVALID_HANDLE for a freed or
///   made-up rating curve.
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_segment_count_at(
    curve: *const mesh_rating_curve,
    version: usize,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_rating_curve_segment_count_at", || {
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, with_version(curve, version, |v| Ok(v.segments.len()))?);
        Ok(())
    })
}

/// Copies the segments of version `version` into the caller's arrays of
/// `cap` items each (any may be NULL to skip it), as
/// `mesh_rating_curve_add_version` takes them. When `cap` is less than the
/// number of segments nothing is copied and `MESH_ERROR_BUFFER_TOO_SMALL`
/// is returned.
///
/// @param curve The rating curve.
/// @param version The version's index, from 0, below the version count.
/// @param x_range_until The caller's array of cap items for the upper x of each
///   segment; may be NULL to skip it.
/// @param factor_a The caller's array of cap items for the factors a; may be
///   NULL to skip it.
/// @param factor_b The caller's array of cap items for the factors b; may be
///   NULL to skip it.
/// @param factor_c The caller's array of cap items for the factors c; may be
///   NULL to skip it.
/// @param cap The number of items each array has room for.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL curve, a version
///   index past the end, or a misaligned array; MESH_ERROR_INVALID_HANDLE for a
///   freed or made-up rating curve; MESH_ERROR_BUFFER_TOO_SMALL when cap is
///   less than the number of segments (nothing is copied).
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_segments_at(
    curve: *const mesh_rating_curve,
    version: usize,
    x_range_until: *mut f64,
    factor_a: *mut f64,
    factor_b: *mut f64,
    factor_c: *mut f64,
    cap: usize,
) -> mesh_status {
    guard("mesh_rating_curve_segments_at", || {
        with_version(curve, version, |v| {
            let column =
                |f: fn(&RatingCurveSegment) -> f64| v.segments.iter().map(f).collect::<Vec<_>>();
            let (until, a, b, c) = (
                column(|s| s.x_range_until),
                column(|s| s.factor_a),
                column(|s| s.factor_b),
                column(|s| s.factor_c),
            );
            // SAFETY: the caller's arrays of `cap` items.
            unsafe {
                copy_columns(
                    &[
                        (x_range_until, &until),
                        (factor_a, &a),
                        (factor_b, &b),
                        (factor_c, &c),
                    ],
                    cap,
                )
            }
        })
    })
}

/// Replaces the rating curve versions of an attribute in
/// `[start_ms, end_ms)` with those in `curve` (in time order, each valid
/// from a time inside the interval; none removes them).
///
/// @param session The session to work in.
/// @param target The rating curve attribute: its id (canonical or braced) or
///   path.
/// @param start_ms Start (inclusive) of the interval, ms since the Unix epoch,
///   UTC.
/// @param end_ms End (exclusive) of the interval, ms since the Unix epoch, UTC.
/// @param curve The versions to write (copied; still the caller's to free).
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, end_ms before start_ms, or a target that is
///   no rating curve attribute; MESH_ERROR_INVALID_HANDLE for a closed or
///   made-up session or a freed or made-up rating curve; MESH_ERROR_NOT_FOUND
///   when no attribute has that id or path; or a status of the call to the
///   server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_update(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    curve: *const mesh_rating_curve,
) -> mesh_status {
    guard("mesh_rating_curve_update", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_rating_curve_update_request(session, target, start_ms, end_ms, curve) }?
            .wait_done()
    })
}

pub(crate) unsafe fn mesh_rating_curve_update_request(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    curve: *const mesh_rating_curve,
) -> FfiResult<Request<()>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    let versions = RATING_CURVES.get(curve)?;
    let versions = lock(&versions).clone();
    Ok(handle.request(
        move |h| async move {
            h.session
                .update_rating_curve_versions(&target, start_ms, end_ms, &versions)
                .await
        },
        nothing,
    ))
}

/// Frees rating curve versions. NULL is a no-op.
///
/// @param curve The rating curve to free; may be NULL.
/// @return MESH_OK, also for NULL; MESH_ERROR_INVALID_HANDLE for a handle
///   already freed or made up.
#[no_mangle]
pub extern "C" fn mesh_rating_curve_free(curve: *mut mesh_rating_curve) -> mesh_status {
    guard("mesh_rating_curve_free", || {
        if curve.is_null() {
            return Ok(());
        }
        RATING_CURVES.remove(curve).map(drop)
    })
}
