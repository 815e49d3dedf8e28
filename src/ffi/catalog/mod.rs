//! Catalog calls in the C API: a time series resource by key, creating a
//! physical series, updating a resource (only what the caller sets), and
//! the server's units of measurement (`mesh_units`).

use std::ffi::c_char;
use std::sync::LazyLock;

use super::args::{c_str, optional_str, out_ptr, write_out, write_text};
use super::handles::Registry;
use super::resource::{self, mesh_timeseries_resource, MESH_CURVE_UNCHANGED};
use super::session::{self, mesh_session};
use super::{guard, mesh_status, Failure, FfiResult};
use crate::client::{
    parse_id, CurveType, NewPhysicalTimeseries, Resolution, ResourceUpdate, UnitOfMeasurement,
};

/// A curve type from C: one of the `MESH_CURVE_*` numbers 0 to 3.
fn curve_type(n: i32) -> FfiResult<CurveType> {
    match CurveType::from_number(n) {
        CurveType::Other(_) => Err(Failure::invalid_argument(format!(
            "curve type {n} is not one of the MESH_CURVE_* numbers"
        ))),
        known => Ok(known),
    }
}

/// A resolution from C: one of the `MESH_RESOLUTION_*` numbers 0 to 12.
fn resolution(n: i32) -> FfiResult<Resolution> {
    match Resolution::from_number(n) {
        Resolution::Other(_) => Err(Failure::invalid_argument(format!(
            "resolution {n} is not one of the MESH_RESOLUTION_* numbers"
        ))),
        known => Ok(known),
    }
}

/// Reads the catalog entry of the time series with key `key` into a new
/// `*out` (free with `mesh_timeseries_resource_free`). Physical and virtual
/// series alike. Fails with `MESH_ERROR_NOT_FOUND` for an unknown key.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_get(
    session: *mut mesh_session,
    key: i64,
    out: *mut *mut mesh_timeseries_resource,
) -> mesh_status {
    guard("mesh_timeseries_resource_get", || {
        let handle = session::resolve(session)?;
        let out = out_ptr(out, "out")?;
        let found = handle.run(handle.session.timeseries_resource(key))?;
        write_out(out, resource::register(found));
        Ok(())
    })
}

/// Creates a physical time series in this session (other sessions see it
/// after `mesh_session_commit`) and writes what the server made of it to a
/// new `*out`.
///
/// `path` is the catalog folder, beginning and ending with `/` (e.g.
/// `"/Plant/Levels/"`; missing folders are created); the full path of the
/// new series is `"Resource" + path + name`. **Mesh assigns the key at
/// commit, so the key in `*out` is 0**: address the new series by its path
/// (`mesh_timeseries_resource_path`). Mesh does not support reading the
/// points of a new series before the session that created it commits.
/// `curve_type` is a `MESH_CURVE_*` number, `resolution` a
/// `MESH_RESOLUTION_*` number, `unit_id` the id of a unit from
/// `mesh_units_list` (canonical or braced form), `time_zone` an IANA name
/// (only for DAY or coarser resolution) or NULL for none.
///
/// Fails with `MESH_ERROR_INVALID_ARGUMENT` for NULL strings, numbers out of
/// range or a malformed unit id (without a request); the server's refusals
/// (a path that exists, an unknown unit or time zone) come with its message.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_create_physical(
    session: *mut mesh_session,
    path: *const c_char,
    name: *const c_char,
    curve_type: i32,
    resolution: i32,
    unit_id: *const c_char,
    time_zone: *const c_char,
    out: *mut *mut mesh_timeseries_resource,
) -> mesh_status {
    guard("mesh_timeseries_resource_create_physical", || {
        let handle = session::resolve(session)?;
        // SAFETY (each string below): the caller passes NULL or a
        // NUL-terminated string.
        let path = unsafe { c_str(path, "path") }?;
        let name = unsafe { c_str(name, "name") }?;
        let unit_id = unsafe { c_str(unit_id, "unit_id") }?;
        let time_zone = unsafe { optional_str(time_zone, "time_zone") }?;
        let new = NewPhysicalTimeseries {
            path: path.to_string(),
            name: name.to_string(),
            curve_type: self::curve_type(curve_type)?,
            resolution: self::resolution(resolution)?,
            unit_id: parse_id(unit_id, "unit id")?,
            time_zone: time_zone.map(str::to_string),
        };
        let out = out_ptr(out, "out")?;
        let created = handle.run(handle.session.create_physical_timeseries(&new))?;
        write_out(out, resource::register(created));
        Ok(())
    })
}

/// Updates the resource with key `key` in this session (others see it after
/// commit). Only what is set is sent and changed:
/// - `curve_type`: a `MESH_CURVE_*` number, or `MESH_CURVE_UNCHANGED` (-1);
/// - `unit_id`: a unit id from `mesh_units_list`, or NULL to leave it;
/// - `time_zone`: an IANA name (only for DAY or coarser resolution), `""`
///   to remove the time zone, or NULL to leave it.
///
/// Fails with `MESH_ERROR_INVALID_ARGUMENT` when nothing is set, a number
/// is out of range or the unit id is malformed (without a request);
/// `MESH_ERROR_NOT_FOUND` for an unknown key; the server's refusals (an
/// unknown unit or time zone, a time zone on a finer resolution) come with
/// its message.
#[no_mangle]
pub unsafe extern "C" fn mesh_timeseries_resource_update(
    session: *mut mesh_session,
    key: i64,
    curve_type: i32,
    unit_id: *const c_char,
    time_zone: *const c_char,
) -> mesh_status {
    guard("mesh_timeseries_resource_update", || {
        let handle = session::resolve(session)?;
        // SAFETY (both strings): the caller passes NULL or a NUL-terminated string.
        let unit_id = unsafe { optional_str(unit_id, "unit_id") }?;
        let time_zone = unsafe { optional_str(time_zone, "time_zone") }?;
        let update = ResourceUpdate {
            curve_type: if curve_type == MESH_CURVE_UNCHANGED {
                None
            } else {
                Some(self::curve_type(curve_type)?)
            },
            unit_id: unit_id.map(|id| parse_id(id, "unit id")).transpose()?,
            time_zone: time_zone.map(str::to_string),
        };
        handle.run(handle.session.update_timeseries_resource(key, &update))?;
        Ok(())
    })
}

/// The units of measurement a server knows (`mesh_units_list`): count, id
/// and name by index, lookup by name. Free with `mesh_units_free`.
pub struct mesh_units {
    _private: [u8; 0],
}

static UNITS: LazyLock<Registry<Vec<UnitOfMeasurement>>> =
    LazyLock::new(|| Registry::new(7, "units"));

/// Reads the units of measurement the server knows into a new `*out`.
#[no_mangle]
pub unsafe extern "C" fn mesh_units_list(
    session: *mut mesh_session,
    out: *mut *mut mesh_units,
) -> mesh_status {
    guard("mesh_units_list", || {
        let handle = session::resolve(session)?;
        let out = out_ptr(out, "out")?;
        let units = handle.run(handle.session.units_of_measurement())?;
        write_out(out, UNITS.insert(units));
        Ok(())
    })
}

/// Writes the number of units to `*out_count`.
#[no_mangle]
pub unsafe extern "C" fn mesh_units_count(
    units: *const mesh_units,
    out_count: *mut usize,
) -> mesh_status {
    guard("mesh_units_count", || {
        let units = UNITS.get(units)?;
        let out = out_ptr(out_count, "out_count")?;
        write_out(out, units.len());
        Ok(())
    })
}

fn unit_text(
    units: *const mesh_units,
    index: usize,
    field: impl FnOnce(&UnitOfMeasurement) -> String,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> FfiResult {
    let units = UNITS.get(units)?;
    let unit = units.get(index).ok_or_else(|| {
        Failure::invalid_argument(format!(
            "index {index} is out of range: there are {} units",
            units.len()
        ))
    })?;
    // SAFETY: the caller passes a buffer of `cap` bytes and a valid or NULL len_out.
    unsafe { write_text(&field(unit), buf, cap, len_out) }
}

/// The id of unit `index` (0 to count - 1), canonical lower-case form (36
/// characters), for `mesh_timeseries_resource_create_physical` and
/// `_update`. See the buffer convention. An index out of range gives
/// `MESH_ERROR_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn mesh_units_id(
    units: *const mesh_units,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_units_id", || {
        unit_text(units, index, |u| u.id.to_string(), buf, cap, len_out)
    })
}

/// The name of unit `index` (0 to count - 1), e.g. `MW`. See the buffer
/// convention. An index out of range gives `MESH_ERROR_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn mesh_units_name(
    units: *const mesh_units,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mesh_status {
    guard("mesh_units_name", || {
        unit_text(units, index, |u| u.name.clone(), buf, cap, len_out)
    })
}

/// Writes the index of the unit named exactly `name` (case matters) to
/// `*out_index`; `MESH_ERROR_NOT_FOUND` when there is none.
#[no_mangle]
pub unsafe extern "C" fn mesh_units_find(
    units: *const mesh_units,
    name: *const c_char,
    out_index: *mut usize,
) -> mesh_status {
    guard("mesh_units_find", || {
        let units = UNITS.get(units)?;
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let name = unsafe { c_str(name, "name") }?;
        let out = out_ptr(out_index, "out_index")?;
        let index = units.iter().position(|u| u.name == name).ok_or_else(|| {
            Failure::new(
                mesh_status::MESH_ERROR_NOT_FOUND,
                format!("no unit named {name:?}"),
            )
        })?;
        write_out(out, index);
        Ok(())
    })
}

/// Frees units. Freeing twice gives `MESH_ERROR_INVALID_HANDLE`; NULL is a
/// no-op that returns `MESH_OK` and leaves the last error alone.
#[no_mangle]
pub extern "C" fn mesh_units_free(units: *mut mesh_units) -> mesh_status {
    if units.is_null() {
        return mesh_status::MESH_OK;
    }
    guard("mesh_units_free", || UNITS.remove(units).map(drop))
}
