//! XY sets and rating curves from C. One handle type each serves both ways:
//! `mesh_xy_sets_get` fills one from the server, `mesh_xy_sets_new` and
//! `_add_*` build one up, and `mesh_xy_sets_update` sends one; likewise
//! `mesh_rating_curve`. Points and segments go in and out as flat caller
//! arrays with a count, copied both ways.

use std::ffi::c_char;
use std::sync::{LazyLock, Mutex};

use super::args::MESH_NO_TIME;
use super::args::{out_ptr, write_out};
use super::handles::Registry;
use super::model_args::{optional_interval, target};
use super::session::{self, mesh_session};
use super::timeseries::array;
use super::{guard, mesh_status, Failure, FfiResult};
use crate::client::model::{RatingCurveSegment, RatingCurveVersion, XyCurve, XySet};
use crate::sync::lock;

/// XY sets: read (`mesh_xy_sets_get`) or built (`mesh_xy_sets_new`), freed
/// with `mesh_xy_sets_free`; valid after `mesh_shutdown` too. Set `i` holds curves; curve `j` of set `i`
/// holds a reference value (z) and points (x, y).
pub struct mesh_xy_sets {
    _private: [u8; 0],
}

/// Rating curve versions: read (`mesh_rating_curve_get`) or built
/// (`mesh_rating_curve_new`), freed with `mesh_rating_curve_free`; valid
/// after `mesh_shutdown` too.
pub struct mesh_rating_curve {
    _private: [u8; 0],
}

static XY_SETS: LazyLock<Registry<Mutex<Vec<XySet>>>> =
    LazyLock::new(|| Registry::new(10, "xy sets"));
static RATING_CURVES: LazyLock<Registry<Mutex<Vec<RatingCurveVersion>>>> =
    LazyLock::new(|| Registry::new(9, "rating curve"));

fn out_of_range(what: &str, index: usize, count: usize) -> Failure {
    Failure::invalid_argument(format!(
        "{what} index {index} is out of range: there are {count}"
    ))
}

fn with_set<T>(
    sets: *const mesh_xy_sets,
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
    sets: *const mesh_xy_sets,
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
/// `[start_ms, end_ms)`, for an unversioned one (both `MESH_NO_TIME`) its
/// one set. With `versions_only` 1 the sets come without curves.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_sets_get(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    versions_only: i32,
    out_sets: *mut *mut mesh_xy_sets,
) -> mesh_status {
    guard("mesh_xy_sets_get", || {
        let handle = session::resolve(session)?;
        let target = self::target(target, "target")?;
        let interval = optional_interval(start_ms, end_ms)?;
        let out = out_ptr(out_sets, "out_sets")?;
        let sets = handle.run(
            handle
                .session
                .get_xy_sets(&target, interval, versions_only != 0),
        )?;
        write_out(out, XY_SETS.insert(Mutex::new(sets)));
        Ok(())
    })
}

/// Makes an empty `*out_sets` to build up with `mesh_xy_sets_add_set` and
/// `mesh_xy_sets_add_curve` and send with `mesh_xy_sets_update`.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_sets_new(out_sets: *mut *mut mesh_xy_sets) -> mesh_status {
    guard("mesh_xy_sets_new", || {
        let out = out_ptr(out_sets, "out_sets")?;
        write_out(out, XY_SETS.insert(Mutex::new(Vec::new())));
        Ok(())
    })
}

/// Adds an empty set valid from `valid_from_ms` (ms since the Unix epoch;
/// `MESH_NO_TIME` for the one set of an unversioned attribute).
#[no_mangle]
pub extern "C" fn mesh_xy_sets_add_set(sets: *mut mesh_xy_sets, valid_from_ms: i64) -> mesh_status {
    guard("mesh_xy_sets_add_set", || {
        let sets = XY_SETS.get(sets)?;
        lock(&sets).push(XySet {
            valid_from_ms: (valid_from_ms != MESH_NO_TIME).then_some(valid_from_ms),
            curves: Vec::new(),
        });
        Ok(())
    })
}

/// Adds a curve with reference value `reference_value` and the `count`
/// points `(x[i], y[i])` to the last set added (copied; NULL arrays allowed
/// when `count` is 0). Without a set yet it gives
/// `MESH_ERROR_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_sets_add_curve(
    sets: *mut mesh_xy_sets,
    reference_value: f64,
    x: *const f64,
    y: *const f64,
    count: usize,
) -> mesh_status {
    guard("mesh_xy_sets_add_curve", || {
        let sets = XY_SETS.get(sets)?;
        // SAFETY: the caller's arrays of `count` items.
        let (x, y) = unsafe { (array(x, count, "x")?, array(y, count, "y")?) };
        let mut sets = lock(&sets);
        let last = sets.last_mut().ok_or_else(|| {
            Failure::invalid_argument("no set to add the curve to: call mesh_xy_sets_add_set first")
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
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_sets_count(
    sets: *const mesh_xy_sets,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_xy_sets_count", || {
        let sets = XY_SETS.get(sets)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, lock(&sets).len());
        Ok(())
    })
}

/// Writes when set `set` starts to `*out_ms` (ms since the Unix epoch), or
/// `MESH_NO_TIME` for the set of an unversioned attribute.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_sets_valid_from(
    sets: *const mesh_xy_sets,
    set: usize,
    out_ms: *mut i64,
) -> mesh_status {
    guard("mesh_xy_sets_valid_from", || {
        let out = out_ptr(out_ms, "out_ms")?;
        let ms = with_set(sets, set, |s| Ok(s.valid_from_ms.unwrap_or(MESH_NO_TIME)))?;
        write_out(out, ms);
        Ok(())
    })
}

/// Writes the number of curves of set `set` to `*out_count`.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_sets_curve_count(
    sets: *const mesh_xy_sets,
    set: usize,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_xy_sets_curve_count", || {
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, with_set(sets, set, |s| Ok(s.curves.len()))?);
        Ok(())
    })
}

/// Writes the reference value (z) of curve `curve` of set `set` to `*out`.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_sets_curve_reference_value(
    sets: *const mesh_xy_sets,
    set: usize,
    curve: usize,
    out: *mut f64,
) -> mesh_status {
    guard("mesh_xy_sets_curve_reference_value", || {
        let out = out_ptr(out, "out")?;
        write_out(
            out,
            with_curve(sets, set, curve, |c| Ok(c.reference_value))?,
        );
        Ok(())
    })
}

/// Writes the number of points of curve `curve` of set `set` to `*out_count`.
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_sets_curve_point_count(
    sets: *const mesh_xy_sets,
    set: usize,
    curve: usize,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_xy_sets_curve_point_count", || {
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
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_sets_curve_points(
    sets: *const mesh_xy_sets,
    set: usize,
    curve: usize,
    x: *mut f64,
    y: *mut f64,
    cap: usize,
) -> mesh_status {
    guard("mesh_xy_sets_curve_points", || {
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
/// interval), or, with both times `MESH_NO_TIME`, sets an unversioned
/// attribute to the one set in `sets` (none empties it).
#[no_mangle]
pub unsafe extern "C" fn mesh_xy_sets_update(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    sets: *const mesh_xy_sets,
) -> mesh_status {
    guard("mesh_xy_sets_update", || {
        let handle = session::resolve(session)?;
        let target = self::target(target, "target")?;
        let interval = optional_interval(start_ms, end_ms)?;
        let sets = XY_SETS.get(sets)?;
        let sets = lock(&sets).clone();
        handle.run(handle.session.update_xy_sets(&target, interval, &sets))?;
        Ok(())
    })
}

/// Frees XY sets. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mesh_xy_sets_free(sets: *mut mesh_xy_sets) -> mesh_status {
    guard("mesh_xy_sets_free", || {
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
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_get(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    versions_only: i32,
    out_curve: *mut *mut mesh_rating_curve,
) -> mesh_status {
    guard("mesh_rating_curve_get", || {
        let handle = session::resolve(session)?;
        let target = self::target(target, "target")?;
        let out = out_ptr(out_curve, "out_curve")?;
        let versions = handle.run(handle.session.get_rating_curve_versions(
            &target,
            start_ms,
            end_ms,
            versions_only != 0,
        ))?;
        write_out(out, RATING_CURVES.insert(Mutex::new(versions)));
        Ok(())
    })
}

/// Makes an empty `*out_curve` to build up with
/// `mesh_rating_curve_add_version` and send with `mesh_rating_curve_update`.
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_new(
    out_curve: *mut *mut mesh_rating_curve,
) -> mesh_status {
    guard("mesh_rating_curve_new", || {
        let out = out_ptr(out_curve, "out_curve")?;
        write_out(out, RATING_CURVES.insert(Mutex::new(Vec::new())));
        Ok(())
    })
}

/// Adds a version valid from `valid_from_ms` (ms since the Unix epoch),
/// defined from `x_range_from` on, with `count` segments: segment `i` covers
/// x up to `x_range_until[i]` with factors `factor_a[i]`, `factor_b[i]`,
/// `factor_c[i]` (arrays copied).
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
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_valid_from(
    curve: *const mesh_rating_curve,
    version: usize,
    out_ms: *mut i64,
) -> mesh_status {
    guard("mesh_rating_curve_valid_from", || {
        let out = out_ptr(out_ms, "out_ms")?;
        write_out(out, with_version(curve, version, |v| Ok(v.valid_from_ms))?);
        Ok(())
    })
}

/// Writes the x from which version `version` is defined to `*out`.
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_x_range_from(
    curve: *const mesh_rating_curve,
    version: usize,
    out: *mut f64,
) -> mesh_status {
    guard("mesh_rating_curve_x_range_from", || {
        let out = out_ptr(out, "out")?;
        write_out(out, with_version(curve, version, |v| Ok(v.x_range_from))?);
        Ok(())
    })
}

/// Writes the number of segments of version `version` to `*out_count`.
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_segment_count(
    curve: *const mesh_rating_curve,
    version: usize,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_rating_curve_segment_count", || {
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
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_segments(
    curve: *const mesh_rating_curve,
    version: usize,
    x_range_until: *mut f64,
    factor_a: *mut f64,
    factor_b: *mut f64,
    factor_c: *mut f64,
    cap: usize,
) -> mesh_status {
    guard("mesh_rating_curve_segments", || {
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
#[no_mangle]
pub unsafe extern "C" fn mesh_rating_curve_update(
    session: *mut mesh_session,
    target: *const c_char,
    start_ms: i64,
    end_ms: i64,
    curve: *const mesh_rating_curve,
) -> mesh_status {
    guard("mesh_rating_curve_update", || {
        let handle = session::resolve(session)?;
        let target = self::target(target, "target")?;
        let versions = RATING_CURVES.get(curve)?;
        let versions = lock(&versions).clone();
        handle.run(
            handle
                .session
                .update_rating_curve_versions(&target, start_ms, end_ms, &versions),
        )?;
        Ok(())
    })
}

/// Frees rating curve versions. NULL is a no-op.
#[no_mangle]
pub extern "C" fn mesh_rating_curve_free(curve: *mut mesh_rating_curve) -> mesh_status {
    guard("mesh_rating_curve_free", || {
        if curve.is_null() {
            return Ok(());
        }
        RATING_CURVES.remove(curve).map(drop)
    })
}
