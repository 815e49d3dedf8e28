//! The calculation measurement: a year of hourly points (8,760) summed per
//! day by the server, through the C API and through grpcio, as a
//! transformed read (`ReadTransformedTimeseries`) and as a calculation
//! (`RunCalculation` of `@TRANSFORM`), with the answer decoded and its
//! values read by the client.

use std::fmt::Write as _;

use crate::clients::result;
use crate::harness::Harness;
use crate::Result;

/// The hourly series of the emulator's demo catalog that gets the year.
const KEY: i64 = 101;
const PATH: &str = "Resource/Demo/Inflow";
/// 2026-01-01T00:00Z: a year clear of the demo week (2025-01-01).
pub(super) const YEAR_START: i64 = 1_767_225_600_000;
pub(super) const HOURS: i64 = 8_760;
pub(super) const HOUR_MS: i64 = 3_600_000;

/// Writes a year of hourly values to series `key` through the Rust client,
/// as any client could, and commits them; returns their sum.
pub(super) fn write_year(address: &str, key: i64) -> Result<f64> {
    use mesh_capi::client::{ConnectOptions, Connection, Points, TimeseriesId};
    let times: Vec<i64> = (0..HOURS).map(|h| YEAR_START + h * HOUR_MS).collect();
    // Exact in binary, so every client's sums agree to the last bit.
    let values: Vec<f64> = (0..HOURS)
        .map(|h| (h % 24) as f64 + (h / 24 % 7) as f64 * 0.5)
        .collect();
    let total = values.iter().sum();
    let points = Points::new(times, vec![0; HOURS as usize], values).map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let conn = Connection::connect(address, ConnectOptions::default()).await?;
        let session = conn.open_session().await?;
        let end = YEAR_START + HOURS * HOUR_MS;
        session
            .write_timeseries(&TimeseriesId::Key(key), YEAR_START, end, &points)
            .await?;
        session.commit().await?;
        session.close().await
    })
    .map_err(|e| format!("writing a year of hourly points: {e}"))?;
    Ok(total)
}

impl Harness {
    pub(super) fn calculations(&mut self, address: &str) -> Result<String> {
        let total = write_year(address, KEY)?;
        let repeats = self.counts.calc_repeats;
        let end = YEAR_START + HOURS * HOUR_MS;
        let mut s = format!(
            "## 6. Calculations\n\nA year of hourly points ({HOURS}, written and committed first) summed per UTC day by the server: 365 points back, decoded and their values read by the client. Two ways: a transformed read (`ReadTransformedTimeseries` by key; the C API's `mesh_timeseries_read_transformed_by_key`) and a calculation (`RunCalculation` of `@TRANSFORM(@t(), 'DAY', 'SUM', 'UTC')` relative to the series' path; the C API's `mesh_calc_run_transform`, which builds that expression). Time per call is the median of {repeats}; hourly points per second is {HOURS} over it. Ratio: time relative to grpcio with pyarrow doing the same (lower is better).\n\n| client | call | ms per call | hourly points/s | ratio | emulator CPU |\n|---|---|---:|---:|---:|---:|\n"
        );
        let mut clients = vec![self.c_api.clone()];
        clients.extend(self.python.clone());
        let mut rows = Vec::new();
        for client in clients {
            let args = [
                "calc".to_string(),
                repeats.to_string(),
                KEY.to_string(),
                PATH.to_string(),
                YEAR_START.to_string(),
                end.to_string(),
            ];
            let (r, emu_share) = client.measure(address, &args)?;
            for call in ["read", "calc"] {
                let days = result(&r, &format!("{call}_days"))?;
                let sum = result(&r, &format!("{call}_total"))?;
                if days != 365.0 || (sum - total).abs() > 1e-6 * total {
                    return Err(format!(
                        "{} {call}: {days} days summing to {sum}, expected 365 summing to {total}",
                        client.name
                    ));
                }
                let seconds = result(&r, &format!("{call}_s"))?;
                eprintln!("calculations {} {call}: {seconds:.6} s", client.name);
                rows.push((client.name, call, seconds, emu_share));
            }
        }
        let python_name = self.python.as_ref().map(|p| p.name);
        for (name, call, seconds, emu) in &rows {
            let base = rows
                .iter()
                .find(|(n2, c2, ..)| Some(*n2) == python_name && c2 == call)
                .map(|r| r.2);
            let ratio = base
                .map(|b| format!("{:.2}×", seconds / b))
                .unwrap_or_else(|| "n/a".into());
            let call = if *call == "read" {
                "transformed read"
            } else {
                "calculation (`@TRANSFORM`)"
            };
            let _ = writeln!(
                s,
                "| {name} | {call} | {:.2} | {:.0} | {ratio} | {:.0}% |",
                seconds * 1e3,
                HOURS as f64 / seconds,
                emu * 100.0
            );
        }
        s.push('\n');
        Ok(s)
    }
}
