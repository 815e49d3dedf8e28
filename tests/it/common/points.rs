//! Time series helpers shared by the time series and catalog tests: an
//! emulator with series of their own, points as plain columns, and the C
//! read and write calls wrapped the way a C program makes them.

use std::ptr;
use std::time::Duration;

use mesh_emulator::{default_catalog, SeriesSpec};

use super::*;

pub const MINUTES_5: Duration = Duration::from_secs(300);
/// 2025-01-01T00:00:00Z in ms.
pub const T0: i64 = 1_735_689_600_000;
pub const HOUR: i64 = 3_600_000;
pub const DAY_END: i64 = T0 + 24 * HOUR;

/// Series the tests write to; they start empty. Their keys and paths are
/// clear of the emulator's own data (its demo series and the official
/// tests' catalog).
pub const KEY: i64 = 900;
pub const PATH: &str = "Resource/Test/Series";
pub const OTHER_KEY: i64 = 901;
/// A PIECEWISELINEAR breakpoint series.
pub const LINEAR_KEY: i64 = 902;
/// A STAIRCASE series of HOUR resolution.
pub const HOURLY_KEY: i64 = 903;
/// A STAIRCASE series of DAY resolution (time zones are for DAY or coarser).
pub const DAILY_KEY: i64 = 904;
/// The unit of every test series.
pub const UNIT: &str = "MW";

pub const MISSING: u32 = MESH_POINT_FLAG_MISSING;
pub const SUSPECT: u32 = MESH_POINT_FLAG_SUSPECT;
pub const NOT_OK: u32 = MESH_POINT_FLAG_NOT_OK;

/// The emulator's default series plus the tests' own.
pub fn catalog() -> Vec<SeriesSpec> {
    let mut specs = default_catalog();
    let series = [
        (
            KEY,
            PATH,
            MESH_CURVE_TYPE_STAIRCASE,
            MESH_RESOLUTION_BREAKPOINT,
        ),
        (
            OTHER_KEY,
            "Resource/Test/Other",
            MESH_CURVE_TYPE_STAIRCASE,
            MESH_RESOLUTION_BREAKPOINT,
        ),
        (
            LINEAR_KEY,
            "Resource/Test/Linear",
            MESH_CURVE_TYPE_PIECEWISE_LINEAR,
            MESH_RESOLUTION_BREAKPOINT,
        ),
        (
            HOURLY_KEY,
            "Resource/Test/Hourly",
            MESH_CURVE_TYPE_STAIRCASE,
            MESH_RESOLUTION_HOUR,
        ),
        (
            DAILY_KEY,
            "Resource/Test/Daily",
            MESH_CURVE_TYPE_STAIRCASE,
            MESH_RESOLUTION_DAY,
        ),
    ];
    for (key, path, curve, resolution) in series {
        specs.push(SeriesSpec {
            key,
            path: path.to_string(),
            curve,
            resolution,
            unit: UNIT.to_string(),
            demo_points: false,
        });
    }
    specs
}

/// The key of a series of the emulator's default catalog, by path.
pub fn default_key(path: &str) -> i64 {
    default_catalog()
        .iter()
        .find(|s| s.path == path)
        .map(|s| s.key)
        .unwrap_or_else(|| panic!("{path} is not in the default catalog"))
}

pub fn ts_emulator(session_timeout: Duration) -> Emulator {
    Emulator::start_local(Config {
        session_timeout,
        catalog: catalog(),
        ..Config::default()
    })
    .expect("start emulator")
}

/// Points as plain columns, values as bits so NaN compares exactly.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cols {
    pub t: Vec<i64>,
    pub f: Vec<u32>,
    pub v: Vec<u64>,
}

impl Cols {
    pub fn new(t: Vec<i64>, f: Vec<u32>, v: Vec<f64>) -> Cols {
        Cols {
            t,
            f,
            v: v.iter().map(|x| x.to_bits()).collect(),
        }
    }

    pub fn values(&self) -> Vec<f64> {
        self.v.iter().map(|b| f64::from_bits(*b)).collect()
    }

    /// `n` points from `start`, `step` ms apart, with distinct values.
    pub fn series(start: i64, step: i64, n: usize, base: f64) -> Cols {
        Cols::new(
            (0..n as i64).map(|i| start + i * step).collect(),
            (0..n)
                .map(|i| if i % 7 == 3 { SUSPECT } else { 0 })
                .collect(),
            (0..n).map(|i| base + i as f64 * 0.25).collect(),
        )
    }

    pub fn len(&self) -> usize {
        self.t.len()
    }

    /// The points whose indexes are `idx`, in that order.
    pub fn pick(&self, idx: &[usize]) -> Cols {
        Cols {
            t: idx.iter().map(|&i| self.t[i]).collect(),
            f: idx.iter().map(|&i| self.f[i]).collect(),
            v: idx.iter().map(|&i| self.v[i]).collect(),
        }
    }
}

/// A day of hourly points from T0.
pub fn day(base: f64) -> Cols {
    Cols::series(T0, HOUR, 24, base)
}

/// Reads the points of a `mesh_point_list` handle and frees it.
pub fn take_points(points: *mut mesh_point_list) -> Cols {
    let mut n = usize::MAX;
    check(unsafe { mesh_point_list_count(points, &mut n) }, MESH_OK);
    let (mut t, mut f, mut v) = (ptr::null(), ptr::null(), ptr::null());
    check(
        unsafe { mesh_point_list_timestamps(points, &mut t) },
        MESH_OK,
    );
    check(unsafe { mesh_point_list_flags(points, &mut f) }, MESH_OK);
    check(unsafe { mesh_point_list_values(points, &mut v) }, MESH_OK);
    assert!(!t.is_null() && !f.is_null() && !v.is_null());
    let cols = if n == 0 {
        Cols::default()
    } else {
        unsafe {
            Cols::new(
                std::slice::from_raw_parts(t, n).to_vec(),
                std::slice::from_raw_parts(f, n).to_vec(),
                std::slice::from_raw_parts(v, n).to_vec(),
            )
        }
    };
    check(mesh_point_list_free(points), MESH_OK);
    cols
}

pub fn read(
    session: *mut mesh_session,
    key: i64,
    start: i64,
    end: i64,
) -> Result<Cols, mesh_status> {
    let mut points = ptr::null_mut();
    match unsafe { mesh_timeseries_read_by_key(session, key, start, end, &mut points) } {
        MESH_OK => Ok(take_points(points)),
        status => {
            assert!(points.is_null(), "out written on failure");
            Err(status)
        }
    }
}

#[track_caller]
pub fn read_ok(session: *mut mesh_session, key: i64, start: i64, end: i64) -> Cols {
    read(session, key, start, end).unwrap_or_else(|s| panic!("read: {s:?}: {}", last_error()))
}

#[track_caller]
pub fn read_path_ok(session: *mut mesh_session, path: &str, start: i64, end: i64) -> Cols {
    let mut points = ptr::null_mut();
    let path = c(path);
    check(
        unsafe { mesh_timeseries_read_by_path(session, path.as_ptr(), start, end, &mut points) },
        MESH_OK,
    );
    take_points(points)
}

pub fn write(
    session: *mut mesh_session,
    key: i64,
    start: i64,
    end: i64,
    cols: &Cols,
) -> mesh_status {
    let values = cols.values();
    unsafe {
        mesh_timeseries_write_by_key(
            session,
            key,
            start,
            end,
            cols.t.as_ptr(),
            cols.f.as_ptr(),
            values.as_ptr(),
            cols.len(),
        )
    }
}

#[track_caller]
pub fn write_ok(session: *mut mesh_session, key: i64, start: i64, end: i64, cols: &Cols) {
    check(write(session, key, start, end, cols), MESH_OK);
}
