//! The state every measurement shares: how much work each does, the
//! clients it runs, and the notes for the report. Each section of the report
//! is an `impl Harness` block in its own module; `main` runs them in order.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::clients::{self, Client};
use crate::Result;

/// How much work each measurement does.
pub(crate) struct Counts {
    pub(crate) rtt_calls: usize,
    pub(crate) rtt_repeats: usize,
    pub(crate) open_close: usize,
    pub(crate) idle_sessions: Vec<usize>,
    pub(crate) idle_timeout: Duration,
    pub(crate) python_threads: Vec<usize>,
    pub(crate) ts_points: usize,
    pub(crate) ts_chunk: usize,
    pub(crate) model_objects: usize,
    pub(crate) model_repeats: usize,
    pub(crate) model_rounds: usize,
    pub(crate) calc_repeats: usize,
    /// Series read in the many-reads section.
    pub(crate) many_series: usize,
    /// Rounds of the statistics section (each runs both builds).
    pub(crate) statistics_rounds: usize,
}

impl Counts {
    fn new(smoke: bool) -> Counts {
        if smoke {
            Counts {
                rtt_calls: 50,
                rtt_repeats: 1,
                open_close: 16,
                idle_sessions: vec![100],
                idle_timeout: Duration::from_secs(1),
                python_threads: vec![20],
                ts_points: 2_000,
                ts_chunk: 500,
                model_objects: 50,
                model_repeats: 1,
                model_rounds: 1,
                calc_repeats: 1,
                many_series: 20,
                statistics_rounds: 2,
            }
        } else {
            Counts {
                rtt_calls: 10_000,
                rtt_repeats: 5,
                open_close: 4_000,
                idle_sessions: vec![10_000, 100_000],
                idle_timeout: Duration::from_secs(20),
                python_threads: vec![1_000, 10_000],
                ts_points: 1_000_000,
                ts_chunk: 200_000,
                model_objects: 10_000,
                model_repeats: 3,
                model_rounds: 5,
                calc_repeats: 21,
                many_series: 1_000,
                statistics_rounds: 15,
            }
        }
    }
}

pub(crate) struct Harness {
    pub(crate) smoke: bool,
    /// Run only these sections (`--only`); all when `None`.
    pub(crate) only: Option<Vec<String>>,
    pub(crate) counts: Counts,
    /// Where files for the clients go (`target/bench`).
    pub(crate) work: PathBuf,
    /// Peers skipped and why, listed at the end of the report.
    pub(crate) notes: Vec<String>,
    pub(crate) c_api: Client,
    pub(crate) rust: Client,
    pub(crate) tonic: Client,
    pub(crate) cpp: Option<Client>,
    pub(crate) python: Option<Client>,
}

impl Harness {
    /// Builds the clients: the C API's and the in-Rust ones must build, the
    /// other peers are skipped with a note when they cannot.
    pub(crate) fn new(smoke: bool) -> Result<Harness> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let root = root.canonicalize().map_err(|e| e.to_string())?;
        let work = root.join("target/bench");
        std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
        let c_api = clients::c_api(&root, &work)?;
        let [rust, tonic] = clients::rust_peers()?;
        let mut notes = Vec::new();
        let mut optional = |client: Result<Client>| match client {
            Ok(client) => Some(client),
            Err(note) => {
                notes.push(note);
                None
            }
        };
        let cpp = optional(clients::cpp(&root, &work));
        let python = optional(clients::python(&root, &work));
        Ok(Harness {
            smoke,
            only: None,
            counts: Counts::new(smoke),
            work,
            notes,
            c_api,
            rust,
            tonic,
            cpp,
            python,
        })
    }

    /// Every client, in the order of the report's rows.
    pub(crate) fn clients(&self) -> Vec<Client> {
        let mut all = vec![self.c_api.clone(), self.rust.clone(), self.tonic.clone()];
        all.extend(self.cpp.clone());
        all.extend(self.python.clone());
        all
    }
}
