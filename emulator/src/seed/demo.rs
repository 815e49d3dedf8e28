//! The demo catalog: series outside the official tests' model, for demos
//! and the library's own tests, and the `--catalog FILE` format that
//! replaces them.

use super::builder::Builder;
use super::thermal::id_for_key;
use crate::store::catalog::{curve, resolution, CURVE_NAMES, RESOLUTION_NAMES};
use crate::store::{Point, Resource};

/// A series of the demo catalog (`--catalog` files hold these).
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesSpec {
    /// The time series key.
    pub key: i64,
    /// Full path, e.g. `Resource/Demo/Inflow`; the name is its last part.
    pub path: String,
    /// `Curve.CurveType` number (3 = STAIRCASE).
    pub curve: i32,
    /// `Resolution.ResolutionType` number (3 = HOUR).
    pub resolution: i32,
    /// Name of the unit of measurement, e.g. `m3/s`.
    pub unit: String,
    /// Seed hourly demo points (a week from 2025-01-01T00:00Z) at start.
    pub demo_points: bool,
}

/// The default demo catalog: `Resource/Demo/Readings` (key 1), a
/// breakpoint series that starts empty, where any timestamps may be
/// written; and three hourly series with a week of committed points from
/// 2025-01-01T00:00Z, `Resource/Demo/Inflow`, `Price` and `Production`
/// (keys 101 to 103).
pub fn default_catalog() -> Vec<SeriesSpec> {
    let spec = |key, path: &str, resolution, unit: &str, demo_points| SeriesSpec {
        key,
        path: path.to_string(),
        curve: curve::STAIRCASE,
        resolution,
        unit: unit.to_string(),
        demo_points,
    };
    vec![
        spec(
            1,
            "Resource/Demo/Readings",
            resolution::BREAKPOINT,
            "m3/s",
            false,
        ),
        spec(101, "Resource/Demo/Inflow", resolution::HOUR, "m3/s", true),
        spec(
            102,
            "Resource/Demo/Price",
            resolution::HOUR,
            "EUR/MWh",
            true,
        ),
        spec(
            103,
            "Resource/Demo/Production",
            resolution::HOUR,
            "MW",
            true,
        ),
    ]
}

/// Parses a catalog file: one series a line, `KEY PATH CURVE RESOLUTION
/// UNIT [demo]`, separated by blanks; `#` starts a comment. CURVE and
/// RESOLUTION are names as in the protocol (`STAIRCASE`, `HOUR`); a trailing
/// `demo` seeds a week of hourly points.
pub fn parse_catalog(text: &str) -> Result<Vec<SeriesSpec>, String> {
    let mut specs: Vec<SeriesSpec> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let at = |e: String| format!("line {}: {e}", n + 1);
        let words: Vec<&str> = line.split_whitespace().collect();
        if !(5..=6).contains(&words.len()) {
            return Err(at("expected KEY PATH CURVE RESOLUTION UNIT [demo]".into()));
        }
        let key: i64 = words[0]
            .parse()
            .ok()
            .filter(|k| *k > 0)
            .ok_or_else(|| at(format!("{:?} is not a key (a positive number)", words[0])))?;
        let lookup = |names: &[(&str, i32)], word: &str, what: &str| {
            names
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(word))
                .map(|(_, v)| *v)
                .ok_or_else(|| at(format!("unknown {what} {word:?}")))
        };
        let path = words[1].to_string();
        if !path.starts_with("Resource/") || path.ends_with('/') {
            return Err(at(format!(
                "path {path:?} must look like Resource/Folder/Name"
            )));
        }
        let demo = match words.get(5) {
            None => false,
            Some(w) if *w == "demo" => true,
            Some(w) => return Err(at(format!("unexpected {w:?}"))),
        };
        if specs.iter().any(|s| s.key == key || s.path == path) {
            return Err(at(format!("key {key} or path {path} given twice")));
        }
        specs.push(SeriesSpec {
            key,
            path,
            curve: lookup(CURVE_NAMES, words[2], "curve type")?,
            resolution: lookup(RESOLUTION_NAMES, words[3], "resolution")?,
            unit: words[4].to_string(),
            demo_points: demo,
        });
    }
    Ok(specs)
}

/// 2025-01-01T00:00:00Z in ms.
const DEMO_START: i64 = 1_735_689_600_000;
const HOUR_MS: i64 = 3_600_000;

/// A week of hourly points around a level set by the key's last two
/// digits (100 for keys 1 and 101, 200 for 102, ...), with a daily wave.
fn demo_points(key: i64) -> Vec<Point> {
    let level = (key.rem_euclid(100) * 100) as f64;
    (0..24 * 7)
        .map(|h| Point {
            time: DEMO_START + h * HOUR_MS,
            flags: 0,
            value: level + ((h % 24) as f64 * std::f64::consts::PI / 12.0).sin() * 10.0,
        })
        .collect()
}

/// Adds `specs` to the catalog.
pub(crate) fn seed(b: &mut Builder, specs: &[SeriesSpec]) -> Result<(), String> {
    for spec in specs {
        let unit = b.unit(&spec.unit);
        let name = spec.path.rsplit('/').next().unwrap_or("").to_string();
        let resource = Resource {
            id: id_for_key(spec.key),
            key: spec.key,
            path: spec.path.clone(),
            name,
            curve: spec.curve,
            resolution: spec.resolution,
            unit: Some(unit),
            time_zone: None,
            expression: None,
        };
        let points = if spec.demo_points {
            demo_points(spec.key)
        } else {
            Vec::new()
        };
        b.resource(resource, points)
            .map_err(|e| format!("series {} ({}): {e}", spec.key, spec.path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogs_parse() {
        let specs = parse_catalog("# demo\n7 Resource/A/B staircase hour MW demo\n").unwrap();
        assert_eq!(specs.len(), 1);
        assert_eq!((specs[0].key, specs[0].resolution), (7, 3));
        assert!(parse_catalog("7 Resource/A/B staircase fortnight MW").is_err());
        assert!(parse_catalog("x Resource/A/B staircase hour MW").is_err());
        assert!(parse_catalog("0 Resource/A/B staircase hour MW").is_err());
    }

    #[test]
    fn the_demo_levels_are_those_of_the_old_keys() {
        assert_eq!(demo_points(101)[0].value, 100.0);
        assert_eq!(demo_points(103)[0].value, 300.0);
        assert_eq!(demo_points(101).len(), 168);
    }
}
