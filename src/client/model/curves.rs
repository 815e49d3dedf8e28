//! XY sets and rating curves: attributes whose values have calls of their
//! own. Versioned XY sets and rating curves are read and replaced over an
//! interval; an unversioned XY set attribute holds exactly one set with no
//! time, read and replaced without an interval.

use super::types::{RatingCurveVersion, XySet};
use super::update::optional_interval;
use super::{classify, decode, Target};
use crate::client::error::{Error, Result};
use crate::client::session::Session;
use crate::client::timeseries::timestamp;
use crate::proto::model as pm;

fn xy_set_to_proto(set: &XySet) -> Result<pm::XySet> {
    let curves = set
        .curves
        .iter()
        .map(|c| {
            if c.x.len() != c.y.len() {
                return Err(Error::invalid_argument(format!(
                    "XY curve with reference value {} has {} x values and {} y values",
                    c.reference_value,
                    c.x.len(),
                    c.y.len()
                )));
            }
            Ok(pm::XyCurve {
                reference_value: c.reference_value,
                x_values: c.x.clone(),
                y_values: c.y.clone(),
            })
        })
        .collect::<Result<_>>()?;
    Ok(pm::XySet {
        valid_from_time: set.valid_from_ms.map(timestamp),
        xy_curves: curves,
    })
}

fn rating_curve_version_to_proto(v: &RatingCurveVersion) -> pm::RatingCurveVersion {
    pm::RatingCurveVersion {
        from: Some(timestamp(v.valid_from_ms)),
        x_range_from: v.x_range_from,
        x_value_segments: v
            .segments
            .iter()
            .map(|s| pm::RatingCurveSegment {
                x_range_until: s.x_range_until,
                factor_a: s.factor_a,
                factor_b: s.factor_b,
                factor_c: s.factor_c,
            })
            .collect(),
    }
}

impl Session {
    /// The XY sets of an attribute: for a versioned one those valid in
    /// `interval` (`[start_ms, end_ms)`), for an unversioned one (`None`)
    /// its one set. With `versions_only` the sets come without curves.
    pub async fn get_xy_sets(
        &self,
        target: &Target,
        interval: Option<(i64, i64)>,
        versions_only: bool,
    ) -> Result<Vec<XySet>> {
        let wire_interval = optional_interval(interval)?;
        let id = target.to_proto();
        let response = self
            .shared()
            .call("GetXySets", |channel, guid| {
                let request = pm::GetXySetsRequest {
                    session_id: Some(guid),
                    interval: wire_interval,
                    versions_only,
                    attribute: Some(id.clone()),
                };
                async move { self.model_client(channel).get_xy_sets(request).await }
            })
            .await
            .map_err(classify)?;
        Ok(response.xy_sets.into_iter().map(decode::xy_set).collect())
    }

    /// Replaces the XY sets of an attribute in `interval` with `sets` (for
    /// an unversioned attribute: no interval and zero or one set, zero
    /// making it empty). Each curve must have as many x as y values.
    pub async fn update_xy_sets(
        &self,
        target: &Target,
        interval: Option<(i64, i64)>,
        sets: &[XySet],
    ) -> Result<()> {
        let wire_interval = optional_interval(interval)?;
        let sets = sets
            .iter()
            .map(xy_set_to_proto)
            .collect::<Result<Vec<_>>>()?;
        let id = target.to_proto();
        self.shared()
            .call("UpdateXySets", |channel, guid| {
                let request = pm::UpdateXySetsRequest {
                    session_id: Some(guid),
                    interval: wire_interval,
                    attribute: Some(id.clone()),
                    xy_sets: sets.clone(),
                };
                async move { self.model_client(channel).update_xy_sets(request).await }
            })
            .await
            .map_err(classify)
            .map(drop)
    }

    /// The rating curve versions of an attribute valid in
    /// `[start_ms, end_ms)`; with `versions_only`, without segments.
    pub async fn get_rating_curve_versions(
        &self,
        target: &Target,
        start_ms: i64,
        end_ms: i64,
        versions_only: bool,
    ) -> Result<Vec<RatingCurveVersion>> {
        let wire_interval = optional_interval(Some((start_ms, end_ms)))?;
        let id = target.to_proto();
        let response = self
            .shared()
            .call("GetRatingCurveVersions", |channel, guid| {
                let request = pm::GetRatingCurveVersionsRequest {
                    session_id: Some(guid),
                    interval: wire_interval,
                    versions_only,
                    attribute: Some(id.clone()),
                };
                async move {
                    self.model_client(channel)
                        .get_rating_curve_versions(request)
                        .await
                }
            })
            .await
            .map_err(classify)?;
        Ok(response
            .versions
            .into_iter()
            .map(decode::rating_curve_version)
            .collect())
    }

    /// Replaces the rating curve versions of an attribute in
    /// `[start_ms, end_ms)` with `versions` (in time order, each valid from
    /// a time inside the interval).
    pub async fn update_rating_curve_versions(
        &self,
        target: &Target,
        start_ms: i64,
        end_ms: i64,
        versions: &[RatingCurveVersion],
    ) -> Result<()> {
        let wire_interval = optional_interval(Some((start_ms, end_ms)))?;
        let versions: Vec<_> = versions.iter().map(rating_curve_version_to_proto).collect();
        let id = target.to_proto();
        self.shared()
            .call("UpdateRatingCurveVersions", |channel, guid| {
                let request = pm::UpdateRatingCurveVersionsRequest {
                    session_id: Some(guid),
                    interval: wire_interval,
                    attribute: Some(id.clone()),
                    versions: versions.clone(),
                };
                async move {
                    self.model_client(channel)
                        .update_rating_curve_versions(request)
                        .await
                }
            })
            .await
            .map_err(classify)
            .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::model::{RatingCurveSegment, XyCurve};

    #[test]
    fn curves_round_trip_through_their_wire_form() {
        let set = XySet {
            valid_from_ms: Some(86_400_000),
            curves: vec![XyCurve {
                reference_value: 2.0,
                x: vec![1.0, 2.0],
                y: vec![-1.0, -2.0],
            }],
        };
        assert_eq!(decode::xy_set(xy_set_to_proto(&set).unwrap()), set);
        let unversioned = XySet {
            valid_from_ms: None,
            curves: vec![],
        };
        assert_eq!(
            decode::xy_set(xy_set_to_proto(&unversioned).unwrap()),
            unversioned
        );
        let version = RatingCurveVersion {
            valid_from_ms: 946_684_800_000,
            x_range_from: 2.0,
            segments: vec![RatingCurveSegment {
                x_range_until: 10.0,
                factor_a: 1.0,
                factor_b: 2.0,
                factor_c: 3.0,
            }],
        };
        assert_eq!(
            decode::rating_curve_version(rating_curve_version_to_proto(&version)),
            version
        );
    }

    #[test]
    fn uneven_curves_are_refused() {
        let set = XySet {
            valid_from_ms: None,
            curves: vec![XyCurve {
                reference_value: 1.0,
                x: vec![1.0],
                y: vec![],
            }],
        };
        let e = xy_set_to_proto(&set).unwrap_err();
        assert!(e.message().contains("1 x values and 0 y values"), "{e}");
    }
}
