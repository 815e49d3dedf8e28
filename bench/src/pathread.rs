//! Reading a series by attribute path: a year of hourly points behind a
//! model attribute (a chimney's `TsRawAtt`, connected to a catalog series),
//! read by the attribute's path, decoded and its values summed by the
//! client, through the C API and through grpcio.

use std::fmt::Write as _;

use crate::calc::{write_year, HOURS, HOUR_MS, YEAR_START};
use crate::clients::result;
use crate::harness::Harness;
use crate::Result;

/// The series `TsRawAtt` of chimney 1 is connected to.
const KEY: i64 = 2;
const PATH: &str = "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef/SomePowerPlant1.PlantToChimneyRef/SomePowerPlantChimney1.TsRawAtt";

impl Harness {
    pub(super) fn path_read(&mut self, address: &str) -> Result<String> {
        let total = write_year(address, KEY)?;
        let repeats = self.counts.calc_repeats;
        let end = YEAR_START + HOURS * HOUR_MS;
        let mut s = format!(
            "## 7. Reading a series by attribute path\n\nA year of hourly points ({HOURS}, written and committed first) read through the attribute `{PATH}` (`ReadTimeseries` with the attribute's path; the C API's `mesh_timeseries_read_by_path`), decoded, and its values summed by the client (the series is linear, so the answer also holds a NaN point at the interval's end). Times are the median of {repeats} reads: wall time, and the client process's CPU time (all its threads). Ratio: relative to grpcio with pyarrow doing the same (lower is better).\n\n| client | ms per read | client CPU ms per read | wall ratio | CPU ratio | emulator CPU |\n|---|---:|---:|---:|---:|---:|\n"
        );
        let mut clients = vec![self.c_api.clone()];
        clients.extend(self.python.clone());
        let mut rows = Vec::new();
        for client in clients {
            let args = [
                "pathread".to_string(),
                repeats.to_string(),
                PATH.to_string(),
                YEAR_START.to_string(),
                end.to_string(),
            ];
            let (r, emu_share) = client.measure(address, &args)?;
            let points = result(&r, "points")?;
            let sum = result(&r, "total")?;
            // The series is linear: it may end with a point at the end of
            // the interval (NaN, as nothing follows).
            let whole = points == HOURS as f64 || points == HOURS as f64 + 1.0;
            if !whole || (sum - total).abs() > 1e-6 * total {
                return Err(format!(
                    "{} read {points} points summing to {sum}, expected {HOURS} (and one at the end) summing to {total}",
                    client.name
                ));
            }
            let seconds = result(&r, "seconds")?;
            let cpu = result(&r, "cpu_seconds")?;
            eprintln!("pathread {}: {seconds:.6} s, {cpu:.6} CPU s", client.name);
            rows.push((client.name, seconds, cpu, emu_share));
        }
        let python_name = self.python.as_ref().map(|p| p.name);
        let base = rows
            .iter()
            .find(|r| Some(r.0) == python_name)
            .map(|r| (r.1, r.2));
        for (name, seconds, cpu, emu) in &rows {
            let ratio = |ours: f64, theirs: Option<f64>| {
                theirs
                    .map(|t| format!("{:.2}×", ours / t))
                    .unwrap_or_else(|| "n/a".into())
            };
            let _ = writeln!(
                s,
                "| {name} | {:.3} | {:.3} | {} | {} | {:.0}% |",
                seconds * 1e3,
                cpu * 1e3,
                ratio(*seconds, base.map(|b| b.0)),
                ratio(*cpu, base.map(|b| b.1)),
                emu * 100.0
            );
        }
        s.push('\n');
        Ok(s)
    }
}
