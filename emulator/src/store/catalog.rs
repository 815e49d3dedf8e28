//! The resource catalog: physical and virtual time series with their key,
//! path, curve type, resolution, unit and time zone, and the units of
//! measurement. A resource's identity is its id; its key is what clients
//! use, and is 0 for a resource created in a session until that session
//! commits (and for resources that never had one).

use std::collections::HashMap;

use uuid::Uuid;

/// `Curve.CurveType` numbers.
pub(crate) mod curve {
    pub(crate) const UNKNOWN: i32 = 0;
    pub(crate) const STAIRCASESTARTOFSTEP: i32 = 1;
    pub(crate) const PIECEWISELINEAR: i32 = 2;
    pub(crate) const STAIRCASE: i32 = 3;
}

/// `Resolution.ResolutionType` numbers.
pub(crate) mod resolution {
    pub(crate) const BREAKPOINT: i32 = 1;
    pub(crate) const MIN15: i32 = 2;
    pub(crate) const HOUR: i32 = 3;
    pub(crate) const DAY: i32 = 4;
    pub(crate) const WEEK: i32 = 5;
    pub(crate) const MONTH: i32 = 6;
    pub(crate) const YEAR: i32 = 7;
    pub(crate) const MIN30: i32 = 8;
    pub(crate) const UNDEFINED: i32 = 9;
    pub(crate) const MIN: i32 = 10;
    pub(crate) const MIN5: i32 = 11;
    pub(crate) const MIN10: i32 = 12;
}

pub(crate) const CURVE_NAMES: &[(&str, i32)] = &[
    ("UNKNOWN", curve::UNKNOWN),
    ("STAIRCASESTARTOFSTEP", curve::STAIRCASESTARTOFSTEP),
    ("PIECEWISELINEAR", curve::PIECEWISELINEAR),
    ("STAIRCASE", curve::STAIRCASE),
];

pub(crate) const RESOLUTION_NAMES: &[(&str, i32)] = &[
    ("BREAKPOINT", resolution::BREAKPOINT),
    ("MIN15", resolution::MIN15),
    ("HOUR", resolution::HOUR),
    ("DAY", resolution::DAY),
    ("WEEK", resolution::WEEK),
    ("MONTH", resolution::MONTH),
    ("YEAR", resolution::YEAR),
    ("MIN30", resolution::MIN30),
    ("UNDEFINED", resolution::UNDEFINED),
    ("MIN", resolution::MIN),
    ("MIN5", resolution::MIN5),
    ("MIN10", resolution::MIN10),
];

/// Whether a time zone may be set on a series of this resolution.
pub(crate) fn takes_time_zone(resolution: i32) -> bool {
    matches!(
        resolution,
        resolution::DAY | resolution::WEEK | resolution::MONTH | resolution::YEAR
    )
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Unit {
    pub(crate) id: Uuid,
    pub(crate) name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Resource {
    pub(crate) id: Uuid,
    /// 0: no key (yet).
    pub(crate) key: i64,
    /// Full path, `Resource/<catalog levels>/<name>`.
    pub(crate) path: String,
    pub(crate) name: String,
    pub(crate) curve: i32,
    pub(crate) resolution: i32,
    pub(crate) unit: Option<Uuid>,
    /// IANA name, for DAY or coarser only.
    pub(crate) time_zone: Option<String>,
    /// Set for a virtual series, whose points are calculated.
    pub(crate) expression: Option<String>,
}

/// The resources, indexed by id, key and path.
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    resources: HashMap<Uuid, Resource>,
    by_key: HashMap<i64, Uuid>,
    by_path: HashMap<String, Uuid>,
    next_key: i64,
}

impl Catalog {
    /// Adds a resource; its id, path and (non-zero) key must be new.
    pub(crate) fn insert(&mut self, resource: Resource) -> Result<(), String> {
        if resource.key != 0 && self.by_key.contains_key(&resource.key) {
            return Err(format!("time series key {} is taken", resource.key));
        }
        if self.by_path.contains_key(&resource.path) {
            return Err(format!(
                "Timeseries with path '{}' already exists.",
                resource.path
            ));
        }
        if self.resources.contains_key(&resource.id) {
            return Err(format!("time series id {} is taken", resource.id));
        }
        if resource.key != 0 {
            self.by_key.insert(resource.key, resource.id);
            self.next_key = self.next_key.max(resource.key.saturating_add(1));
        }
        self.by_path.insert(resource.path.clone(), resource.id);
        self.resources.insert(resource.id, resource);
        Ok(())
    }

    pub(crate) fn get(&self, id: Uuid) -> Option<&Resource> {
        self.resources.get(&id)
    }

    pub(crate) fn by_key(&self, key: i64) -> Option<&Resource> {
        self.by_key.get(&key).and_then(|id| self.resources.get(id))
    }

    pub(crate) fn by_path(&self, path: &str) -> Option<&Resource> {
        self.by_path.get(path).and_then(|id| self.resources.get(id))
    }

    /// A key no resource has, for a resource being committed.
    pub(crate) fn new_key(&mut self) -> i64 {
        let key = self.next_key.max(1);
        self.next_key = key + 1;
        key
    }

    /// Changes a resource in place; id, key and path stay.
    pub(crate) fn update(&mut self, id: Uuid, change: impl FnOnce(&mut Resource)) -> bool {
        match self.resources.get_mut(&id) {
            Some(resource) => {
                let (key, path) = (resource.key, resource.path.clone());
                change(resource);
                resource.key = key;
                resource.path = path;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(key: i64, path: &str) -> Resource {
        Resource {
            id: Uuid::new_v4(),
            key,
            path: path.to_string(),
            name: path.rsplit('/').next().unwrap().to_string(),
            curve: curve::STAIRCASE,
            resolution: resolution::HOUR,
            unit: None,
            time_zone: None,
            expression: None,
        }
    }

    #[test]
    fn keys_and_paths_are_unique_and_key_zero_is_no_key() {
        let mut catalog = Catalog::default();
        catalog.insert(resource(3, "Resource/A/b")).unwrap();
        assert!(catalog.insert(resource(3, "Resource/A/c")).is_err());
        assert!(catalog.insert(resource(4, "Resource/A/b")).is_err());
        catalog.insert(resource(0, "Resource/A/d")).unwrap();
        catalog.insert(resource(0, "Resource/A/e")).unwrap();
        assert!(catalog.by_key(0).is_none());
        assert_eq!(catalog.by_path("Resource/A/d").unwrap().key, 0);
        assert_eq!(catalog.new_key(), 4);
        assert_eq!(catalog.new_key(), 5);
    }
}
