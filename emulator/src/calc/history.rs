//! What the engine knows about the past of the series it reads, and the
//! refusals that follow. The host keeps only the current points of each
//! series, plus when they last changed; points that never changed while
//! it ran are taken as having always been as they are. So
//! `@GetTsAsOfTime` can answer the current series only for an as-of time
//! no earlier than the last change, and `@GetTsHistoricalVersions` can
//! answer "no versions" only for series that never changed. Anything else
//! would be a wrong answer given as a right one, so it is refused.

use super::error::CalcError;

/// When the points read for a value last changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// The last commit (UTC ms) that wrote points of a series read; `None`
    /// when none did.
    pub committed: Option<i64>,
    /// Set when what was read includes the calculating session's own
    /// uncommitted writes: the time of that read (UTC ms), as the version
    /// those writes make is that new.
    pub uncommitted: Option<i64>,
}

impl Changes {
    /// The changes of both.
    pub fn merge(self, other: Changes) -> Changes {
        Changes {
            committed: self.committed.max(other.committed),
            uncommitted: self.uncommitted.max(other.uncommitted),
        }
    }
}

/// UTC ms as an ISO 8601 time, for messages.
fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(
        || format!("{ms} ms"),
        |t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    )
}

/// Refuses `@GetTsAsOfTime` at `as_of` (UTC ms) of a series whose points
/// changed after that time.
pub fn check_as_of(changes: Changes, as_of: i64) -> Result<(), CalcError> {
    let why = match (changes.committed, changes.uncommitted) {
        (Some(at), _) if at > as_of => format!(
            "a commit changed the series at {}, after the as-of time {}",
            iso(at),
            iso(as_of)
        ),
        (_, Some(at)) if at > as_of => format!(
            "the session's uncommitted writes changed the series, after the as-of time {}",
            iso(as_of)
        ),
        _ => return Ok(()),
    };
    Err(CalcError::Unsupported(format!(
        "@GetTsAsOfTime: the emulator keeps no history of time series, and {why}"
    )))
}

/// Refuses `@GetTsHistoricalVersions` of a series a commit changed: Mesh
/// would list the versions before it, which are not kept.
pub fn check_versions(changes: Changes) -> Result<(), CalcError> {
    match changes.committed {
        Some(at) => Err(CalcError::Unsupported(format!(
            "@GetTsHistoricalVersions: the emulator keeps no history of time series, and a commit changed the series at {}, so it has versions that cannot be listed",
            iso(at)
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_as_of_time_at_or_after_the_last_change_sees_the_current_points() {
        let committed = Changes {
            committed: Some(1_000),
            uncommitted: None,
        };
        assert!(check_as_of(committed, 1_000).is_ok());
        assert!(check_as_of(committed, 5_000).is_ok());
        assert!(matches!(
            check_as_of(committed, 999),
            Err(CalcError::Unsupported(_))
        ));
        let pending = Changes {
            committed: None,
            uncommitted: Some(2_000),
        };
        assert!(check_as_of(pending, 2_000).is_ok());
        assert!(check_as_of(pending, 1_999).is_err());
        assert!(check_as_of(Changes::default(), i64::MIN).is_ok());
        // Merged, the newer change of each kind counts.
        let both = committed.merge(pending).merge(Changes {
            committed: Some(500),
            uncommitted: None,
        });
        assert_eq!(
            both,
            Changes {
                committed: Some(1_000),
                uncommitted: Some(2_000)
            }
        );
        // Only a commit makes versions.
        assert!(check_versions(pending).is_ok());
        assert!(check_versions(committed).is_err());
    }
}
