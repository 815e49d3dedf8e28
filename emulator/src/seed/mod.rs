//! What the emulator starts with: the units of measurement, the official
//! tests' model with its resource catalog (`thermal`), and the demo
//! catalog (`demo`, replaced by `Config::catalog`); and the statuses and
//! categories of availability events (`availability`).

pub(crate) mod availability;
pub(crate) mod builder;
pub(crate) mod demo;
pub(crate) mod thermal;

use uuid::Uuid;

use crate::store::Seed;
pub(crate) use builder::stable_id;
use builder::Builder;
pub use demo::{default_catalog, parse_catalog, SeriesSpec};

/// Units every emulator knows, with fixed ids so tests can name them.
const UNITS: &[(u128, &str)] = &[
    (0x6d2a_0001_0000_4000_8000_0000_0000_0001, "m3/s"),
    (0x6d2a_0001_0000_4000_8000_0000_0000_0002, "EUR/MWh"),
    (0x6d2a_0001_0000_4000_8000_0000_0000_0003, "MW"),
    (0x6d2a_0001_0000_4000_8000_0000_0000_0004, "MWh"),
    (0x6d2a_0001_0000_4000_8000_0000_0000_0005, "m"),
    (0x6d2a_0001_0000_4000_8000_0000_0000_0006, "Mm3"),
    (0x6d2a_0001_0000_4000_8000_0000_0000_0007, "cm"),
];

/// The seed: the official tests' model and catalog, and `catalog` (whose
/// keys and paths must not clash with the model's series).
pub(crate) fn build(catalog: &[SeriesSpec]) -> Result<Seed, String> {
    let mut b = Builder::default();
    for (id, name) in UNITS {
        b.add_unit(Uuid::from_u128(*id), name);
    }
    thermal::seed(&mut b).map_err(|e| format!("the tests' model: {e}"))?;
    demo::seed(&mut b, catalog)?;
    Ok(b.finish())
}
