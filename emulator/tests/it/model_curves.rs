//! ModelService XY sets and rating curves over TCP: an unversioned XY set
//! attribute's one set, versioned sets and rating curve versions read for
//! an interval (the one in effect at its start and those beginning in it)
//! and replaced inside one, and Mesh's refusals.

use mesh_emulator::proto::model::{
    GetRatingCurveVersionsRequest, GetXySetsRequest, RatingCurveSegment, RatingCurveVersion,
    UpdateRatingCurveVersionsRequest, UpdateXySetsRequest, XyCurve, XySet,
};
use mesh_emulator::proto::types::{Guid, MeshId, UtcInterval};
use tonic::Code;

use crate::common::model::*;
use crate::common::*;

/// `[start, end)` in ms, or none.
type Span = Option<(i64, i64)>;
/// A refused XY set update: target, interval, sets, and what Mesh says.
type XyRefusal<'a> = (MeshId, Span, Vec<XySet>, Code, &'a str);
/// A refused read: target, interval, and what Mesh says.
type ReadRefusal<'a> = (MeshId, Span, Code, &'a str);
/// A refused rating curve update: interval, versions, and what Mesh says.
type RatingRefusal<'a> = (Span, Vec<RatingCurveVersion>, &'a str);

const XY: &str = "XYSetAtt";
const XYZ: &str = "XYZSeriesAtt";
const RATING: &str = "RatingCurveAtt";

fn span(interval: Option<(i64, i64)>) -> Option<UtcInterval> {
    interval.map(|(a, b)| UtcInterval {
        start_time: Some(timestamp(a)),
        end_time: Some(timestamp(b)),
    })
}

async fn get_sets(
    mesh: &mut Mesh,
    s: &Guid,
    target: MeshId,
    interval: Option<(i64, i64)>,
    versions_only: bool,
) -> Result<Vec<XySet>, tonic::Status> {
    mesh.model
        .get_xy_sets(GetXySetsRequest {
            session_id: Some(s.clone()),
            interval: span(interval),
            versions_only,
            attribute: Some(target),
        })
        .await
        .map(|r| r.into_inner().xy_sets)
}

async fn set_sets(
    mesh: &mut Mesh,
    s: &Guid,
    target: MeshId,
    interval: Option<(i64, i64)>,
    sets: Vec<XySet>,
) -> Result<(), tonic::Status> {
    mesh.model
        .update_xy_sets(UpdateXySetsRequest {
            session_id: Some(s.clone()),
            interval: span(interval),
            attribute: Some(target),
            xy_sets: sets,
        })
        .await
        .map(drop)
}

fn curve(z: f64, n: usize) -> XyCurve {
    XyCurve {
        reference_value: z,
        x_values: (0..n).map(|i| i as f64).collect(),
        y_values: (0..n).map(|i| -(i as f64) * z).collect(),
    }
}

fn set(from: Option<i64>, curves: Vec<XyCurve>) -> XySet {
    XySet {
        valid_from_time: from.map(timestamp),
        xy_curves: curves,
    }
}

#[test]
fn an_unversioned_xy_set_attribute_holds_one_set() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let target = by_path(&plant_attribute(XY));
        let empty = vec![set(None, vec![])];
        assert_eq!(
            get_sets(&mut mesh, &s, target.clone(), None, false)
                .await
                .unwrap(),
            empty
        );
        // Curves come back sorted by reference value.
        let given = set(None, vec![curve(14.5, 2), curve(-3.0, 0), curve(900.0, 3)]);
        set_sets(&mut mesh, &s, target.clone(), None, vec![given])
            .await
            .unwrap();
        let read = get_sets(&mut mesh, &s, target.clone(), None, false)
            .await
            .unwrap();
        assert_eq!(
            read,
            [set(
                None,
                vec![curve(-3.0, 0), curve(14.5, 2), curve(900.0, 3)]
            )]
        );
        assert_eq!(
            get_sets(&mut mesh, &s, target.clone(), None, true)
                .await
                .unwrap(),
            empty
        );
        // An empty update empties the one set.
        set_sets(&mut mesh, &s, target.clone(), None, vec![])
            .await
            .unwrap();
        assert_eq!(
            get_sets(&mut mesh, &s, target, None, false).await.unwrap(),
            empty
        );
    });
}

#[test]
fn versioned_xy_sets_are_read_and_replaced_for_an_interval() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let target = by_path(&plant_attribute(XYZ));
        let years: Vec<i64> = (1966..1971).map(|y| date(y, 1, 1)).collect();
        let all = (date(1960, 1, 1), date(1980, 1, 1));
        assert!(get_sets(&mut mesh, &s, target.clone(), Some(all), false)
            .await
            .unwrap()
            .is_empty());
        let sets: Vec<XySet> = years
            .iter()
            .enumerate()
            .map(|(i, y)| set(Some(*y), vec![curve(i as f64, i)]))
            .collect();
        set_sets(&mut mesh, &s, target.clone(), Some(all), sets.clone())
            .await
            .unwrap();
        assert_eq!(
            get_sets(&mut mesh, &s, target.clone(), Some(all), false)
                .await
                .unwrap(),
            sets
        );
        // The set in effect at the start comes along; those after the end do not.
        let inside = (date(1967, 6, 1), date(1969, 1, 1));
        assert_eq!(
            get_sets(&mut mesh, &s, target.clone(), Some(inside), false)
                .await
                .unwrap(),
            sets[1..3]
        );
        let only = get_sets(&mut mesh, &s, target.clone(), Some(inside), true)
            .await
            .unwrap();
        assert!(only
            .iter()
            .all(|s| s.xy_curves.is_empty() && s.valid_from_time.is_some()));
        // Replacing [1967, 1969) with one set keeps the others.
        let new = set(Some(date(1968, 6, 1)), vec![curve(7.0, 1)]);
        set_sets(
            &mut mesh,
            &s,
            target.clone(),
            Some((years[1], years[3])),
            vec![new.clone()],
        )
        .await
        .unwrap();
        let expected = vec![sets[0].clone(), new, sets[3].clone(), sets[4].clone()];
        assert_eq!(
            get_sets(&mut mesh, &s, target.clone(), Some(all), false)
                .await
                .unwrap(),
            expected
        );
        set_sets(&mut mesh, &s, target.clone(), Some(all), vec![])
            .await
            .unwrap();
        assert!(get_sets(&mut mesh, &s, target, Some(all), false)
            .await
            .unwrap()
            .is_empty());
    });
}

#[test]
fn xy_set_updates_are_refused_in_meshs_words() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let (xy, xyz) = (
            by_path(&plant_attribute(XY)),
            by_path(&plant_attribute(XYZ)),
        );
        let (a, b) = (date(2020, 1, 1), date(2021, 1, 1));
        let cases: Vec<XyRefusal> = vec![
            (
                by_path(""),
                None,
                vec![],
                Code::NotFound,
                "attribute not found",
            ),
            (
                by_id(uuid::Uuid::new_v4()),
                None,
                vec![],
                Code::NotFound,
                "attribute not found",
            ),
            (
                by_path(PLANT),
                None,
                vec![],
                Code::InvalidArgument,
                "unexpected kind",
            ),
            (
                by_path(&plant_attribute("DblAtt")),
                None,
                vec![],
                Code::InvalidArgument,
                "unexpected kind",
            ),
            (
                xy.clone(),
                Some((a, b)),
                vec![],
                Code::InvalidArgument,
                "interval must be empty when updating XYSetAttribute",
            ),
            (
                xy.clone(),
                None,
                vec![set(None, vec![]), set(None, vec![])],
                Code::InvalidArgument,
                "xy_sets must have zero or one element",
            ),
            (
                xy.clone(),
                None,
                vec![set(Some(a), vec![])],
                Code::InvalidArgument,
                "valid_from_time cannot be set when updating unversioned XY set attribute",
            ),
            (
                xy.clone(),
                None,
                vec![set(None, vec![curve(1.0, 1), curve(1.0, 2)])],
                Code::InvalidArgument,
                "duplicate reference value",
            ),
            (
                xy,
                None,
                vec![set(
                    None,
                    vec![XyCurve {
                        reference_value: 0.0,
                        x_values: vec![1.0],
                        y_values: vec![],
                    }],
                )],
                Code::InvalidArgument,
                "1 x values and 0 y values",
            ),
            (
                xyz.clone(),
                None,
                vec![],
                Code::InvalidArgument,
                "interval must have a value when updating XYZSeriesAttribute",
            ),
            (
                xyz.clone(),
                Some((b, a)),
                vec![],
                Code::InvalidArgument,
                "is invalid, start_time > end_time",
            ),
            (
                xyz.clone(),
                Some((a, b)),
                vec![set(None, vec![])],
                Code::InvalidArgument,
                "must have a valid_from_time",
            ),
            (
                xyz.clone(),
                Some((a, b)),
                vec![set(
                    Some(a),
                    vec![curve(0.0, 0), curve(1.0, 0), curve(0.0, 0)],
                )],
                Code::InvalidArgument,
                "duplicate reference value",
            ),
            (
                xyz.clone(),
                Some((a, b)),
                vec![set(Some(b), vec![])],
                Code::InvalidArgument,
                "within the update interval",
            ),
            (
                xyz,
                Some((a, b)),
                vec![set(Some(a), vec![]), set(Some(a), vec![])],
                Code::InvalidArgument,
                "duplicate timestamps",
            ),
        ];
        for (target, interval, sets, code, text) in cases {
            assert_refused(
                set_sets(&mut mesh, &s, target, interval, sets).await,
                code,
                text,
            );
        }
        let reads: Vec<ReadRefusal> = vec![
            (
                by_path(&plant_attribute(XY)),
                Some((a, b)),
                Code::InvalidArgument,
                "interval must be empty",
            ),
            (
                by_path(&plant_attribute(XYZ)),
                None,
                Code::InvalidArgument,
                "interval must have a value",
            ),
            (
                by_path(&plant_attribute(RATING)),
                None,
                Code::InvalidArgument,
                "unexpected kind",
            ),
        ];
        for (target, interval, code, text) in reads {
            assert_refused(
                get_sets(&mut mesh, &s, target, interval, false).await,
                code,
                text,
            );
        }
    });
}

async fn get_versions(
    mesh: &mut Mesh,
    s: &Guid,
    interval: Option<(i64, i64)>,
    versions_only: bool,
) -> Result<Vec<RatingCurveVersion>, tonic::Status> {
    mesh.model
        .get_rating_curve_versions(GetRatingCurveVersionsRequest {
            session_id: Some(s.clone()),
            interval: span(interval),
            versions_only,
            attribute: Some(by_path(&plant_attribute(RATING))),
        })
        .await
        .map(|r| r.into_inner().versions)
}

async fn set_versions(
    mesh: &mut Mesh,
    s: &Guid,
    interval: Option<(i64, i64)>,
    versions: Vec<RatingCurveVersion>,
) -> Result<(), tonic::Status> {
    mesh.model
        .update_rating_curve_versions(UpdateRatingCurveVersionsRequest {
            session_id: Some(s.clone()),
            interval: span(interval),
            attribute: Some(by_path(&plant_attribute(RATING))),
            versions,
        })
        .await
        .map(drop)
}

fn segment(until: f64, k: f64) -> RatingCurveSegment {
    RatingCurveSegment {
        x_range_until: until,
        factor_a: k,
        factor_b: k + 1.0,
        factor_c: k + 2.0,
    }
}

fn version(from: i64, x_from: f64, segments: Vec<RatingCurveSegment>) -> RatingCurveVersion {
    RatingCurveVersion {
        from: Some(timestamp(from)),
        x_range_from: x_from,
        x_value_segments: segments,
    }
}

fn froms(versions: &[RatingCurveVersion]) -> Vec<i64> {
    versions
        .iter()
        .map(|v| v.from.as_ref().map_or(0, |t| t.seconds * 1000))
        .collect()
}

#[test]
fn rating_curve_versions_are_read_and_replaced_for_an_interval() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let (v2000, v2010) = (date(2000, 1, 1), date(2010, 1, 1));
        let all = (date(1900, 1, 1), date(2100, 1, 1));
        let seeded = get_versions(&mut mesh, &s, Some(all), false).await.unwrap();
        assert_eq!(froms(&seeded), [v2000, v2010]);
        assert_eq!(seeded[0].x_range_from, 2.0);
        let bounds: Vec<f64> = seeded[0]
            .x_value_segments
            .iter()
            .map(|g| g.x_range_until)
            .collect();
        assert_eq!(bounds, [10.0, 20.0, 30.0]);
        assert_eq!(seeded[1].x_value_segments[0].factor_a, -1.0);
        // Which versions an interval reads.
        let reads = [
            ((date(2009, 12, 31), date(2010, 1, 2)), vec![v2000, v2010]),
            ((date(2005, 1, 1), v2010), vec![v2000]),
            ((date(1990, 1, 1), v2000), vec![]),
            ((date(2011, 1, 1), date(2012, 1, 1)), vec![v2010]),
        ];
        for (interval, expected) in reads {
            assert_eq!(
                froms(
                    &get_versions(&mut mesh, &s, Some(interval), false)
                        .await
                        .unwrap()
                ),
                expected,
                "{interval:?}"
            );
        }
        let only = get_versions(&mut mesh, &s, Some(all), true).await.unwrap();
        assert!(only
            .iter()
            .all(|v| v.x_value_segments.is_empty() && v.x_range_from == 0.0));

        // Segments come back sorted by their upper bound.
        let new = version(
            date(2005, 1, 1),
            1.0,
            vec![segment(9.0, 1.0), segment(3.0, 2.0)],
        );
        set_versions(
            &mut mesh,
            &s,
            Some((date(2004, 1, 1), date(2008, 1, 1))),
            vec![new],
        )
        .await
        .unwrap();
        let read = get_versions(&mut mesh, &s, Some(all), false).await.unwrap();
        assert_eq!(froms(&read), [v2000, date(2005, 1, 1), v2010]);
        assert_eq!(
            read[1].x_value_segments,
            [segment(3.0, 2.0), segment(9.0, 1.0)]
        );
        // The end need not reach past the last version to remove it.
        set_versions(
            &mut mesh,
            &s,
            Some((date(2004, 1, 1), date(2015, 1, 1))),
            vec![],
        )
        .await
        .unwrap();
        assert_eq!(
            froms(&get_versions(&mut mesh, &s, Some(all), false).await.unwrap()),
            [v2000]
        );
        mesh.rollback(&s).await;
        assert_eq!(
            get_versions(&mut mesh, &s, Some(all), false).await.unwrap(),
            seeded
        );
    });
}

#[test]
fn rating_curve_updates_are_refused_in_meshs_words() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let (a, b) = (date(2030, 1, 1), date(2031, 1, 1));
        let one = vec![segment(5.0, 1.0)];
        let cases: Vec<RatingRefusal> = vec![
            (None, vec![], "interval must have a value"),
            (Some((b, a)), vec![], "UtcInterval"),
            (
                Some((a, b)),
                vec![version(a, 2.0, vec![segment(5.0, 1.0), segment(5.0, 2.0)])],
                "duplicate x_range_until thresholds in segments of a new rating curve version",
            ),
            (
                Some((a, b)),
                vec![version(a, 1000.0, one.clone())],
                "is not lesser than",
            ),
            (
                Some((a, b)),
                vec![version(a, 3.0, vec![segment(20.0, 1.0), segment(1.0, 1.0)])],
                "is not lesser than",
            ),
            (
                Some((a, b)),
                vec![version(a, 2.0, vec![])],
                "each new rating curve version must have at least one segment",
            ),
            (
                Some((a, b)),
                vec![version(b, 2.0, one.clone())],
                "within the update interval",
            ),
            (
                Some((a, b)),
                vec![version(a, 2.0, one.clone()), version(a, 2.0, one.clone())],
                "duplicate valid_from_time timestamps in new rating curve versions",
            ),
            (
                Some((a, b)),
                vec![
                    version(date(2030, 6, 1), 2.0, one.clone()),
                    version(date(2030, 2, 1), 2.0, one.clone()),
                ],
                "new rating curve versions are not sorted",
            ),
            (
                Some((a, b)),
                vec![RatingCurveVersion {
                    from: None,
                    x_range_from: 2.0,
                    x_value_segments: one.clone(),
                }],
                "must have a valid from time",
            ),
        ];
        let before = get_versions(&mut mesh, &s, Some((0, b)), false)
            .await
            .unwrap();
        for (interval, versions, text) in cases {
            assert_refused(
                set_versions(&mut mesh, &s, interval, versions).await,
                Code::InvalidArgument,
                text,
            );
        }
        assert_eq!(
            get_versions(&mut mesh, &s, Some((0, b)), false)
                .await
                .unwrap(),
            before
        );
        assert_refused(
            get_versions(&mut mesh, &s, None, false).await,
            Code::InvalidArgument,
            "interval must have a value",
        );
        let wrong = mesh
            .model
            .get_rating_curve_versions(GetRatingCurveVersionsRequest {
                session_id: Some(s.clone()),
                interval: span(Some((a, b))),
                versions_only: false,
                attribute: Some(by_path(&plant_attribute(XY))),
            })
            .await;
        assert_refused(wrong, Code::InvalidArgument, "unexpected kind");
    });
}
