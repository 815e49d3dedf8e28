//! The statuses and categories availability events may have. A Mesh
//! server has its own lists (clients read them with
//! `ListRevisionStatuses`, `ListRestrictionStatuses` and
//! `ListAvailabilityCategories`); these are the emulator's, with the
//! names the official tests use among them.

/// Statuses of a revision's recurrences.
pub(crate) const REVISION_STATUSES: &[&str] = &["Planned", "Confirmed", "Cancelled"];

/// Statuses of a restriction's recurrence.
pub(crate) const RESTRICTION_STATUSES: &[&str] =
    &["SelfImposed", "Planned", "Confirmed", "Cancelled"];

/// What a restriction limits, with the unit of its values.
pub(crate) const CATEGORIES: &[&str] = &[
    "DischargeMin[m3/s]",
    "DischargeMax[m3/s]",
    "ProductionMin[MW]",
    "ProductionMax[MW]",
    "ReservoirMin[Mm3]",
    "ReservoirMax[Mm3]",
];
