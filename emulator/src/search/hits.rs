//! What a search step outputs: objects (or attributes) in the order found,
//! each once, each with the time it is reached for. Only a versioned link
//! limits that time; everything else is reached always.

use std::collections::HashMap;

use uuid::Uuid;

/// When something is reached: sorted, disjoint, non-empty half-open
/// intervals of UTC ms; `[i64::MIN, i64::MAX)` stands for always.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Validity(Vec<(i64, i64)>);

impl Validity {
    pub(crate) fn always() -> Validity {
        Validity(vec![(i64::MIN, i64::MAX)])
    }

    /// `[from, until)`; nothing when it is empty.
    pub(crate) fn between(from: i64, until: i64) -> Validity {
        if from < until {
            Validity(vec![(from, until)])
        } else {
            Validity(Vec::new())
        }
    }

    pub(crate) fn is_always(&self) -> bool {
        self.0 == [(i64::MIN, i64::MAX)]
    }

    pub(crate) fn is_never(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether time `t` is inside.
    pub(crate) fn contains(&self, t: i64) -> bool {
        let i = self.0.partition_point(|(_, until)| *until <= t);
        self.0.get(i).is_some_and(|(from, _)| *from <= t)
    }

    /// The intervals, in order.
    #[cfg(test)]
    pub(crate) fn intervals(&self) -> &[(i64, i64)] {
        &self.0
    }

    pub(crate) fn intersect(&self, other: &Validity) -> Validity {
        if self.is_always() {
            return other.clone();
        }
        if other.is_always() {
            return self.clone();
        }
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < self.0.len() && j < other.0.len() {
            let (a, b) = (self.0[i], other.0[j]);
            let from = a.0.max(b.0);
            let until = a.1.min(b.1);
            if from < until {
                out.push((from, until));
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        Validity(out)
    }

    pub(crate) fn union(&self, other: &Validity) -> Validity {
        let mut all: Vec<(i64, i64)> = self.0.iter().chain(&other.0).copied().collect();
        all.sort_unstable();
        let mut out: Vec<(i64, i64)> = Vec::with_capacity(all.len());
        for (from, until) in all {
            match out.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(until),
                _ => out.push((from, until)),
            }
        }
        Validity(out)
    }
}

/// Found items in the order first found; finding one again widens its
/// validity.
#[derive(Clone, Debug, Default)]
pub(crate) struct Hits {
    items: Vec<(Uuid, Validity)>,
    index: HashMap<Uuid, usize>,
}

impl Hits {
    pub(crate) fn new() -> Hits {
        Hits::default()
    }

    pub(crate) fn one(id: Uuid, validity: Validity) -> Hits {
        let mut hits = Hits::new();
        hits.push(id, validity);
        hits
    }

    /// Adds `id` for `validity` (nothing when that is never).
    pub(crate) fn push(&mut self, id: Uuid, validity: Validity) {
        if validity.is_never() {
            return;
        }
        match self.index.get(&id) {
            Some(&i) => {
                let widened = self.items[i].1.union(&validity);
                self.items[i].1 = widened;
            }
            None => {
                self.index.insert(id, self.items.len());
                self.items.push((id, validity));
            }
        }
    }

    pub(crate) fn extend(&mut self, other: Hits) {
        for (id, validity) in other.items {
            self.push(id, validity);
        }
    }

    pub(crate) fn get(&self, id: Uuid) -> Option<&Validity> {
        self.index.get(&id).map(|&i| &self.items[i].1)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &(Uuid, Validity)> {
        self.items.iter()
    }

    pub(crate) fn into_vec(self) -> Vec<(Uuid, Validity)> {
        self.items
    }
}
