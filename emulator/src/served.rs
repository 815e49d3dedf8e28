//! Data-serving mode ([`Config::served`](crate::Config::served)): a server
//! that is not the bottleneck, for benchmarks of clients' bulk reads and
//! writes. Reads of one series are answered from points held in memory,
//! each distinct interval's answer encoded once and kept, so that a read
//! asked again costs the server a lookup; writes to that series are checked
//! for their session and size, then accepted and dropped. Every client
//! meets the same server.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::store::Point;
use crate::sync::lock;

/// Encoded answers kept at most; a full cache starts afresh.
const MOST_ANSWERS: usize = 64;

/// The points served for one series key, and the answers made of them.
pub struct Served {
    key: i64,
    points: Vec<Point>,
    answers: Mutex<HashMap<(i64, i64), prost::bytes::Bytes>>,
}

impl std::fmt::Debug for Served {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Served")
            .field("key", &self.key)
            .field("points", &self.points.len())
            .finish()
    }
}

impl Served {
    /// Serves these points (timestamps in ms, strictly increasing) as the
    /// series with `key` (a breakpoint series: a read gives the points in
    /// its interval).
    pub fn new(
        key: i64,
        timestamps: &[i64],
        flags: &[u32],
        values: &[f64],
    ) -> Result<Served, String> {
        if timestamps.len() != flags.len() || timestamps.len() != values.len() {
            return Err("timestamps, flags and values differ in length".into());
        }
        if timestamps.windows(2).any(|w| w[1] <= w[0]) {
            return Err("timestamps are not strictly increasing".into());
        }
        let points = timestamps
            .iter()
            .zip(flags)
            .zip(values)
            .map(|((&time, &flags), &value)| Point { time, flags, value })
            .collect();
        Ok(Served {
            key,
            points,
            answers: Mutex::new(HashMap::new()),
        })
    }

    pub(crate) fn key(&self) -> i64 {
        self.key
    }

    /// The Arrow IPC stream of the points in `[start, end)`, and whether
    /// there are none.
    pub(crate) fn answer(
        &self,
        start: i64,
        end: i64,
    ) -> Result<(prost::bytes::Bytes, bool), String> {
        let from = self.points.partition_point(|p| p.time < start);
        let to = self.points.partition_point(|p| p.time < end);
        let empty = from >= to;
        if let Some(data) = lock(&self.answers).get(&(start, end)) {
            return Ok((data.clone(), empty));
        }
        let data =
            prost::bytes::Bytes::from(crate::arrow::encode(&self.points[from..to.max(from)])?);
        let mut answers = lock(&self.answers);
        if answers.len() >= MOST_ANSWERS {
            answers.clear();
        }
        answers.insert((start, end), data.clone());
        Ok((data, empty))
    }
}
