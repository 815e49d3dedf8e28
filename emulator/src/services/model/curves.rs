//! XY sets and rating curves: versioned values with their own calls.
//! Reads of an interval give the versions in effect during it (the one
//! in effect at its start, and those that begin inside it); updates
//! replace the versions that begin inside the interval. An unversioned XY
//! set attribute always holds exactly one set, possibly empty. Curves
//! come back sorted by reference value, segments by their upper bound.

use tonic::Status;

use super::{resolve, Call};
use crate::proto::model::{
    GetRatingCurveVersionsRequest, GetRatingCurveVersionsResponse, GetXySetsRequest,
    GetXySetsResponse, RatingCurveSegment as SegmentMessage, RatingCurveVersion as VersionMessage,
    UpdateRatingCurveVersionsRequest, UpdateXySetsRequest, XyCurve as CurveMessage,
    XySet as SetMessage,
};
use crate::proto::types::UtcInterval;
use crate::services::Svc;
use crate::store::model::{Kind, RatingCurveVersion, RatingSegment, Value, XyCurve, XySet};
use crate::store::values::{Edit, Span};
use crate::store::{Change, View};
use crate::wire::{interval_ns, iso, ms_of, nanos_of, timestamp_of};

/// The versions in effect during `span`, of a list in time order.
fn in_effect<T>(versions: &[T], span: Span, from: impl Fn(&T) -> i64) -> &[T] {
    let ns = |v: &T| i128::from(from(v)) * 1_000_000;
    // The last one to begin at or before the start, if any.
    let first = versions
        .partition_point(|v| ns(v) <= span.start)
        .saturating_sub(1);
    let last = versions.partition_point(|v| ns(v) < span.end);
    &versions[first.min(last)..last]
}

fn span_of(interval: Option<&UtcInterval>) -> Result<Option<Span>, Status> {
    Ok(interval_ns(interval)?.map(|(start, end)| Span { start, end }))
}

/// `[start, end)` as Mesh words it in messages.
fn interval_text(interval: Option<&UtcInterval>) -> String {
    let time = |t: Option<&prost_types::Timestamp>| t.map(iso).unwrap_or_default();
    format!(
        "[{}, {})",
        time(interval.and_then(|i| i.start_time.as_ref())),
        time(interval.and_then(|i| i.end_time.as_ref()))
    )
}

fn within(span: Span, t: &prost_types::Timestamp) -> bool {
    let ns = nanos_of(t);
    span.start <= ns && ns < span.end
}

fn xy_attribute(
    view: &View,
    r: Option<&crate::proto::types::MeshId>,
) -> Result<(uuid::Uuid, bool), Status> {
    let id = resolve::curve_attribute(view, r, "an XY set attribute", |k| {
        matches!(k, Kind::XySet { .. })
    })?;
    let versioned = matches!(
        view.model.definition_of(id).map(|d| &d.kind),
        Some(Kind::XySet { versioned: true })
    );
    Ok((id, versioned))
}

fn set_message(set: &XySet, versions_only: bool) -> SetMessage {
    SetMessage {
        valid_from_time: set.valid_from.map(timestamp_of),
        xy_curves: if versions_only {
            Vec::new()
        } else {
            set.curves
                .iter()
                .map(|c| CurveMessage {
                    reference_value: c.reference,
                    x_values: c.x.clone(),
                    y_values: c.y.clone(),
                })
                .collect()
        },
    }
}

pub(super) fn get_xy_sets(call: Call, r: GetXySetsRequest) -> Result<GetXySetsResponse, Status> {
    let view = &call.view;
    let (id, versioned) = xy_attribute(view, r.attribute.as_ref())?;
    let span = span_of(r.interval.as_ref())?;
    let sets = match view.model.attribute(id).map(|a| &a.value) {
        Some(Value::XySets(sets)) => sets.as_slice(),
        _ => &[],
    };
    let chosen = match (versioned, span) {
        (false, None) => sets,
        (true, Some(span)) => in_effect(sets, span, |s| s.valid_from.unwrap_or(i64::MIN)),
        (false, Some(_)) => {
            return Err(Status::invalid_argument(
                "interval must be empty when reading XYSetAttribute (it is unversioned)",
            ))
        }
        (true, None) => {
            return Err(Status::invalid_argument(
                "interval must have a value when reading XYZSeriesAttribute (it is versioned)",
            ))
        }
    };
    Ok(GetXySetsResponse {
        xy_sets: chosen
            .iter()
            .map(|s| set_message(s, r.versions_only))
            .collect(),
    })
}

/// One new set's curves, checked and sorted by reference value.
fn curves(set: &SetMessage) -> Result<Vec<XyCurve>, Status> {
    let mut curves: Vec<XyCurve> = Vec::with_capacity(set.xy_curves.len());
    for c in &set.xy_curves {
        if c.x_values.len() != c.y_values.len() {
            return Err(Status::invalid_argument(format!(
                "the curve with reference value {} has {} x values and {} y values",
                c.reference_value,
                c.x_values.len(),
                c.y_values.len()
            )));
        }
        if curves.iter().any(|o| o.reference == c.reference_value) {
            return Err(Status::invalid_argument(format!(
                "duplicate reference value {} in a new XY set",
                c.reference_value
            )));
        }
        curves.push(XyCurve {
            reference: c.reference_value,
            x: c.x_values.clone(),
            y: c.y_values.clone(),
        });
    }
    curves.sort_by(|a, b| a.reference.total_cmp(&b.reference));
    Ok(curves)
}

pub(super) fn update_xy_sets(svc: &Svc, call: Call, r: UpdateXySetsRequest) -> Result<(), Status> {
    let (id, versioned) = xy_attribute(&call.view, r.attribute.as_ref())?;
    let span = span_of(r.interval.as_ref())?;
    let mut sets = Vec::with_capacity(r.xy_sets.len());
    match (versioned, span) {
        (false, None) => {
            if r.xy_sets.len() > 1 {
                return Err(Status::invalid_argument(format!(
                    "xy_sets must have zero or one element when updating an unversioned XY set attribute, not {}",
                    r.xy_sets.len()
                )));
            }
            for set in &r.xy_sets {
                if set.valid_from_time.is_some() {
                    return Err(Status::invalid_argument(
                        "valid_from_time cannot be set when updating unversioned XY set attribute",
                    ));
                }
                sets.push(XySet {
                    valid_from: None,
                    curves: curves(set)?,
                });
            }
        }
        (true, Some(span)) => {
            for set in &r.xy_sets {
                let from = set.valid_from_time.as_ref().ok_or_else(|| {
                    Status::invalid_argument("each new XY set must have a valid_from_time")
                })?;
                if !within(span, from) {
                    return Err(Status::invalid_argument(format!(
                        "new XY sets must be within the update interval {}, and {} is not",
                        interval_text(r.interval.as_ref()),
                        iso(from)
                    )));
                }
                let valid_from = Some(ms_of(from));
                if sets.iter().any(|s: &XySet| s.valid_from == valid_from) {
                    return Err(Status::invalid_argument(format!(
                        "duplicate timestamps in new XY sets: {}",
                        iso(from)
                    )));
                }
                sets.push(XySet {
                    valid_from,
                    curves: curves(set)?,
                });
            }
        }
        (false, Some(_)) => {
            return Err(Status::invalid_argument(
                "interval must be empty when updating XYSetAttribute (it is unversioned)",
            ))
        }
        (true, None) => {
            return Err(Status::invalid_argument(
                "interval must have a value when updating XYZSeriesAttribute (it is versioned)",
            ))
        }
    }
    call.change(
        svc,
        Change::EditValue {
            attribute: id,
            edit: Edit::XySets { span, sets },
        },
    )?;
    Ok(())
}

fn rating_attribute(
    view: &View,
    r: Option<&crate::proto::types::MeshId>,
) -> Result<uuid::Uuid, Status> {
    resolve::curve_attribute(view, r, "a rating curve attribute", |k| {
        matches!(k, Kind::RatingCurve)
    })
}

fn required_span(interval: Option<&UtcInterval>) -> Result<Span, Status> {
    span_of(interval)?.ok_or_else(|| {
        Status::invalid_argument("interval must have a value for a rating curve attribute")
    })
}

pub(super) fn get_rating_curve(
    call: Call,
    r: GetRatingCurveVersionsRequest,
) -> Result<GetRatingCurveVersionsResponse, Status> {
    let view = &call.view;
    let id = rating_attribute(view, r.attribute.as_ref())?;
    let span = required_span(r.interval.as_ref())?;
    let versions = match view.model.attribute(id).map(|a| &a.value) {
        Some(Value::RatingCurve(versions)) => versions.as_slice(),
        _ => &[],
    };
    let versions = in_effect(versions, span, |v| v.valid_from)
        .iter()
        .map(|v| VersionMessage {
            from: Some(timestamp_of(v.valid_from)),
            x_range_from: if r.versions_only { 0.0 } else { v.x_range_from },
            x_value_segments: if r.versions_only {
                Vec::new()
            } else {
                v.segments
                    .iter()
                    .map(|s| SegmentMessage {
                        x_range_until: s.x_range_until,
                        factor_a: s.a,
                        factor_b: s.b,
                        factor_c: s.c,
                    })
                    .collect()
            },
        })
        .collect();
    Ok(GetRatingCurveVersionsResponse { versions })
}

/// One new version, checked, with its segments sorted by upper bound.
fn rating_version(
    v: &VersionMessage,
    span: Span,
    interval: Option<&UtcInterval>,
) -> Result<RatingCurveVersion, Status> {
    let from = v.from.as_ref().ok_or_else(|| {
        Status::invalid_argument("each new rating curve version must have a valid from time")
    })?;
    if v.x_value_segments.is_empty() {
        return Err(Status::invalid_argument(
            "each new rating curve version must have at least one segment",
        ));
    }
    let mut segments: Vec<RatingSegment> = v
        .x_value_segments
        .iter()
        .map(|s| RatingSegment {
            x_range_until: s.x_range_until,
            a: s.factor_a,
            b: s.factor_b,
            c: s.factor_c,
        })
        .collect();
    segments.sort_by(|a, b| a.x_range_until.total_cmp(&b.x_range_until));
    if let Some(w) = segments
        .windows(2)
        .find(|w| w[0].x_range_until == w[1].x_range_until)
    {
        return Err(Status::invalid_argument(format!(
            "duplicate x_range_until thresholds in segments of a new rating curve version (valid from {}): {}",
            iso(from),
            w[0].x_range_until
        )));
    }
    let lowest = segments[0].x_range_until;
    if v.x_range_from >= lowest {
        return Err(Status::invalid_argument(format!(
            "x_range_from {} of rating curve version valid from {} is not lesser than x_range_until {lowest} of its segments",
            v.x_range_from,
            iso(from)
        )));
    }
    if !within(span, from) {
        return Err(Status::invalid_argument(format!(
            "new rating curve versions must be within the update interval {}, and {} is not",
            interval_text(interval),
            iso(from)
        )));
    }
    Ok(RatingCurveVersion {
        valid_from: ms_of(from),
        x_range_from: v.x_range_from,
        segments,
    })
}

pub(super) fn update_rating_curve(
    svc: &Svc,
    call: Call,
    r: UpdateRatingCurveVersionsRequest,
) -> Result<(), Status> {
    let id = rating_attribute(&call.view, r.attribute.as_ref())?;
    let span = required_span(r.interval.as_ref())?;
    let versions = r
        .versions
        .iter()
        .map(|v| rating_version(v, span, r.interval.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut times: Vec<i64> = versions.iter().map(|v| v.valid_from).collect();
    times.sort_unstable();
    if let Some(t) = times.windows(2).find(|p| p[0] == p[1]) {
        return Err(Status::invalid_argument(format!(
            "duplicate valid_from_time timestamps in new rating curve versions: {}",
            iso(&timestamp_of(t[0]))
        )));
    }
    if versions
        .windows(2)
        .any(|p| p[1].valid_from < p[0].valid_from)
    {
        return Err(Status::invalid_argument(
            "new rating curve versions are not sorted by their valid from time",
        ));
    }
    call.change(
        svc,
        Change::EditValue {
            attribute: id,
            edit: Edit::RatingCurve { span, versions },
        },
    )?;
    Ok(())
}
