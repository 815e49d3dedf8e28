//! Conversions between the wire messages and the emulator's own types:
//! GUIDs, timestamps, intervals, field masks, and how a `MeshId` names
//! something. Every check of a request's shape that more than one service
//! needs lives here, with the error it gives.

use prost_types::Timestamp;
use tonic::Status;
use uuid::Uuid;

use crate::proto::types::{Guid, MeshId, UtcInterval};

pub(crate) fn guid_to_uuid(guid: &Guid) -> Result<Uuid, Status> {
    let bytes: [u8; 16] = guid.bytes_le.as_slice().try_into().map_err(|_| {
        Status::invalid_argument(format!(
            "Guid must be 16 bytes, got {}",
            guid.bytes_le.len()
        ))
    })?;
    Ok(Uuid::from_bytes_le(bytes))
}

pub(crate) fn uuid_to_guid(id: Uuid) -> Guid {
    Guid {
        bytes_le: id.to_bytes_le().to_vec(),
    }
}

/// `{123E4567-...}`: how Mesh writes ids in its messages.
pub(crate) fn braced(id: Uuid) -> String {
    format!("{{{}}}", id.hyphenated().to_string().to_uppercase())
}

/// The session id of a request, which every session call must carry.
pub(crate) fn session_id(guid: Option<&Guid>) -> Result<Uuid, Status> {
    guid_to_uuid(guid.ok_or_else(|| Status::invalid_argument("Session id is missing."))?)
}

/// Milliseconds since the epoch; sub-millisecond parts are cut towards the
/// past, as Arrow's millisecond timestamps do.
pub(crate) fn ms_of(t: &Timestamp) -> i64 {
    t.seconds
        .saturating_mul(1000)
        .saturating_add(i64::from(t.nanos.div_euclid(1_000_000)))
}

/// The timestamp of `ms` milliseconds since the epoch.
pub(crate) fn timestamp_of(ms: i64) -> Timestamp {
    Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    }
}

/// Nanoseconds since the epoch, in full: Mesh's intervals reach from year
/// 1 to year 9999, beyond an `i64` of nanoseconds.
pub(crate) fn nanos_of(t: &Timestamp) -> i128 {
    i128::from(t.seconds) * 1_000_000_000 + i128::from(t.nanos)
}

/// `[start, end)` of an interval in ns, if there is one; an end before
/// the start is refused in Mesh's words.
pub(crate) fn interval_ns(interval: Option<&UtcInterval>) -> Result<Option<(i128, i128)>, Status> {
    let Some(interval) = interval else {
        return Ok(None);
    };
    let (Some(start), Some(end)) = (&interval.start_time, &interval.end_time) else {
        return Err(Status::invalid_argument(
            "UtcInterval must have both start_time and end_time",
        ));
    };
    if nanos_of(end) < nanos_of(start) {
        return Err(Status::invalid_argument(format!(
            "UtcInterval [{}, {}) is invalid, start_time > end_time",
            iso(start),
            iso(end)
        )));
    }
    Ok(Some((nanos_of(start), nanos_of(end))))
}

/// A timestamp as ISO 8601 UTC, for messages.
pub(crate) fn iso(t: &Timestamp) -> String {
    chrono::DateTime::from_timestamp(t.seconds, t.nanos.clamp(0, 999_999_999) as u32)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string())
        .unwrap_or_else(|| format!("{}s{}ns", t.seconds, t.nanos))
}

/// `[start, end)` of an interval in ms, if there is one.
pub(crate) fn interval_ms(interval: Option<&UtcInterval>) -> Result<Option<(i64, i64)>, Status> {
    let Some(interval) = interval else {
        return Ok(None);
    };
    let (Some(start), Some(end)) = (&interval.start_time, &interval.end_time) else {
        return Err(Status::invalid_argument(
            "Interval must have both start_time and end_time.",
        ));
    };
    let (start, end) = (ms_of(start), ms_of(end));
    if end < start {
        return Err(Status::invalid_argument(format!(
            "Invalid interval: end time {end} is before start time {start}."
        )));
    }
    Ok(Some((start, end)))
}

/// What a `MeshId` names: any of id, path and key, all of which must agree
/// on one thing (clients send id and path together routinely).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Target {
    pub(crate) id: Option<Uuid>,
    pub(crate) path: Option<String>,
    pub(crate) key: Option<i64>,
}

impl Target {
    /// `what` names the field in the error, e.g. "Time series id".
    pub(crate) fn from_mesh_id(id: Option<&MeshId>, what: &str) -> Result<Target, Status> {
        let id = id.ok_or_else(|| Status::invalid_argument(format!("{what} is missing.")))?;
        let target = Target {
            id: id.id.as_ref().map(guid_to_uuid).transpose()?,
            path: id.path.clone(),
            key: id.timeseries_key,
        };
        if target == Target::default() {
            return Err(Status::invalid_argument(format!(
                "{what} has none of id, path and timeseries_key set."
            )));
        }
        Ok(target)
    }

    /// The target as the client wrote it, for messages.
    pub(crate) fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(id) = self.id {
            parts.push(format!("id {}", braced(id)));
        }
        if let Some(path) = &self.path {
            parts.push(format!("path '{path}'"));
        }
        if let Some(key) = self.key {
            parts.push(format!("key {key}"));
        }
        parts.join(" and ")
    }
}

/// The paths of a field mask, or none when it is absent.
pub(crate) fn mask_paths(mask: Option<&prost_types::FieldMask>) -> Vec<&str> {
    mask.map(|m| m.paths.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_travel_little_endian() {
        let id = Uuid::parse_str("123e4567-e89b-12d3-a456-556642440000").unwrap();
        assert_eq!(
            uuid_to_guid(id).bytes_le,
            [
                0x67, 0x45, 0x3e, 0x12, 0x9b, 0xe8, 0xd3, 0x12, 0xa4, 0x56, 0x55, 0x66, 0x42, 0x44,
                0, 0
            ]
        );
        assert_eq!(guid_to_uuid(&uuid_to_guid(id)).unwrap(), id);
        assert!(guid_to_uuid(&Guid { bytes_le: vec![1] }).is_err());
    }

    #[test]
    fn sub_millisecond_times_are_cut_towards_the_past() {
        let t = |seconds, nanos| ms_of(&Timestamp { seconds, nanos });
        assert_eq!(t(1, 999_999), 1000);
        assert_eq!(t(-1, 999_999), -1000);
        assert_eq!(t(-1, 999_999_999), -1);
        assert_eq!(t(1_451_610_000, 123_000_000), 1_451_610_000_123);
    }
}
