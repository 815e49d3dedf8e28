//! Searching the model (section 5): plants (ten thousand in the full run)
//! added to the emulator's test model, then found by one `SearchObjects`
//! and every object's and attribute's fields read, through the C API and
//! through grpcio, with and without attribute definitions.

use std::fmt::Write as _;

use crate::clients::result;
use crate::harness::Harness;
use crate::Result;

/// One run of the model search: objects, attributes, wall s, client CPU s,
/// resident bytes per object, emulator CPU share.
type ModelRun = (f64, f64, f64, f64, f64, f64);

/// Where the model benchmark puts its plants, and how it finds them.
const PLANT_OWNER: &str = "Model/SimpleThermalTestModel/ThermalComponent.ThermalPowerToPlantRef";
const PLANT_SEARCH_START: &str = "Model/SimpleThermalTestModel/ThermalComponent";
const PLANT_QUERY: &str = "*[.Type=PlantElementType]";

/// Adds `n` plants (objects of about 30 attributes each, with their
/// definitions' defaults) to the emulator's test model through the Rust
/// client, as any client could do to a Mesh server, and commits them.
fn add_plants(address: &str, n: usize) -> Result<()> {
    use mesh_capi::client::model::Target;
    use mesh_capi::client::{ConnectOptions, Connection};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let conn = Connection::connect(address, ConnectOptions::default()).await?;
        let session = conn.open_session().await?;
        let owner = Target::Path(PLANT_OWNER.to_string());
        for i in 0..n {
            session
                .create_object(&owner, &format!("BenchPlant{i:06}"), None)
                .await?;
        }
        session.commit().await?;
        session.close().await
    })
    .map_err(|e| format!("adding {n} plants: {e}"))
}

impl Harness {
    pub(super) fn model_search(&mut self, address: &str) -> Result<String> {
        let n = self.counts.model_objects;
        add_plants(address, n)?;
        let repeats = self.counts.model_repeats;
        let rounds = self.counts.model_rounds;
        let mut s = format!(
            "## 5. Searching the model\n\n{n} plants added to the test model (objects of about 30 attributes each), then `SearchObjects` with `{PLANT_QUERY}` from `{PLANT_SEARCH_START}`, which streams them all back (and the model's own plant); the client reads every object's name and every attribute's name, value type and first value (through the C API: a call per item read, one borrowed handle per object and attribute). Each client runs {repeats} search(es) and reports their medians, in {rounds} round(s) alternating the clients; a row is the client's median round. Times run from the request to the last attribute read: wall time, which the emulator's speed bounds for every client alike, and the client process's CPU time (all its threads), which is what decoding and reading cost the client. Memory is what the client's resident size grew by over the first search, while holding its results, per object found: for the C API the decoded result, for grpcio the list of protobuf messages. Views: attributes without definitions (the official client's default) and with them. Ratios: objects per wall second and per client CPU second relative to grpcio in the same view (higher is better).\n\n| client | view | objects | attributes | wall s | client CPU s | wall ratio | CPU ratio | memory per object | emulator CPU |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        );
        // Rounds that alternate the clients, so that the machine's load
        // changing over the run hits them alike; each row is the median
        // round of its client and view.
        let mut rows = Vec::new();
        for view in ["nodefs", "full"] {
            let mut clients = vec![self.c_api.clone()];
            clients.extend(self.python.clone());
            let mut runs: Vec<Vec<ModelRun>> = vec![Vec::new(); clients.len()];
            for _ in 0..rounds {
                for (client, runs) in clients.iter().zip(runs.iter_mut()) {
                    let args = [
                        "model".to_string(),
                        repeats.to_string(),
                        PLANT_SEARCH_START.to_string(),
                        PLANT_QUERY.to_string(),
                        view.to_string(),
                    ];
                    let (r, emu_share) = client.measure(address, &args)?;
                    let run = (
                        result(&r, "objects")?,
                        result(&r, "attributes")?,
                        result(&r, "seconds")?,
                        result(&r, "cpu_seconds")?,
                        result(&r, "rss_per_object")?,
                        emu_share,
                    );
                    eprintln!("model {} {view}: {run:?}", client.name);
                    if run.0 < n as f64 {
                        return Err(format!(
                            "{} found {} objects, expected at least {n}",
                            client.name, run.0
                        ));
                    }
                    runs.push(run);
                }
            }
            for (client, mut runs) in clients.iter().zip(runs) {
                runs.sort_by(|a, b| a.2.total_cmp(&b.2));
                rows.push((client.name, view, runs[runs.len() / 2]));
            }
        }
        let python_name = self.python.as_ref().map(|p| p.name);
        for (name, view, (objects, attributes, seconds, cpu, rss, emu)) in &rows {
            let base = rows
                .iter()
                .find(|(n2, v2, _)| Some(*n2) == python_name && v2 == view)
                .map(|(_, _, b)| (b.2, b.3));
            // Same objects, so rates compare as inverse times.
            let ratio = |ours: f64, theirs: Option<f64>| {
                theirs
                    .map(|t| format!("{:.2}×", t / ours))
                    .unwrap_or_else(|| "n/a".into())
            };
            let view = if *view == "full" {
                "with definitions"
            } else {
                "without definitions"
            };
            let _ = writeln!(
                s,
                "| {name} | {view} | {objects:.0} | {attributes:.0} | {seconds:.3} | {cpu:.3} | {} | {} | {:.1} KiB | {:.0}% |",
                ratio(*seconds, base.map(|b| b.0)),
                ratio(*cpu, base.map(|b| b.1)),
                rss / 1024.0,
                emu * 100.0
            );
        }
        s.push('\n');
        Ok(s)
    }
}
