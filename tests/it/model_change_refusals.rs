//! Changes Mesh refuses, through the C API against the emulator: rating
//! curves and versioned link relations that break Mesh's rules. Each row
//! gives its exact status and a last error that quotes Mesh's words whole,
//! and a refused change leaves the value as it was.

use std::ffi::CString;
use std::ptr;

use crate::common::model::*;
use crate::common::*;
use mesh_status::*;

/// One refusal: a name for the report, the call, its status, and Mesh's
/// text, which the last error quotes whole between the library's
/// "<RPC> failed: " and " (gRPC status ...)".
type Refusal<'a> = (
    &'a str,
    Box<dyn Fn() -> mesh_status + 'a>,
    mesh_status,
    String,
);

/// Runs every row and fails with all wrong rows listed.
fn check_refusals(rows: &[Refusal]) {
    let mut wrong = Vec::new();
    for (name, call, status, text) in rows {
        let got = call();
        if got != *status || !last_error_quotes(text) {
            wrong.push(format!(
                "{name}: got {got:?} {:?}, expected {status:?} with {text:?}",
                last_error()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} rows wrong:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
}

/// A rating curve version: valid from, x range from, segments (x range
/// until, a, b, c).
type Version = (i64, f64, Vec<(f64, f64, f64, f64)>);

/// Sends `versions` as a rating curve update of `target` over `[start, end)`.
fn update_rating_curve(
    session: *mut mesh_session,
    target: &str,
    start: i64,
    end: i64,
    versions: &[Version],
) -> mesh_status {
    let mut curve = ptr::null_mut();
    check(unsafe { mesh_rating_curve_new(&mut curve) }, MESH_OK);
    for (from, x_range_from, segments) in versions {
        let column =
            |f: fn(&(f64, f64, f64, f64)) -> f64| segments.iter().map(f).collect::<Vec<_>>();
        let (until, a, b, cc) = (
            column(|s| s.0),
            column(|s| s.1),
            column(|s| s.2),
            column(|s| s.3),
        );
        check(
            unsafe {
                mesh_rating_curve_add_version(
                    curve,
                    *from,
                    *x_range_from,
                    until.as_ptr(),
                    a.as_ptr(),
                    b.as_ptr(),
                    cc.as_ptr(),
                    segments.len(),
                )
            },
            MESH_OK,
        );
    }
    let status =
        unsafe { mesh_rating_curve_update(session, c(target).as_ptr(), start, end, curve) };
    check(mesh_rating_curve_free(curve), MESH_OK);
    status
}

/// The valid-from times of the rating curve versions in effect over all
/// time, read with `versions_only`.
fn rating_curve_versions(session: *mut mesh_session) -> Vec<i64> {
    let mut curve = ptr::null_mut();
    check(
        unsafe {
            mesh_rating_curve_read(
                session,
                c(&plant_attr("RatingCurveAtt")).as_ptr(),
                utc_ms(1900, 1, 1, 0, 0, 0),
                utc_ms(2100, 1, 1, 0, 0, 0),
                1,
                &mut curve,
            )
        },
        MESH_OK,
    );
    let mut n = 0;
    check(
        unsafe { mesh_rating_curve_version_count(curve, &mut n) },
        MESH_OK,
    );
    let times = (0..n)
        .map(|i| {
            let mut from = 0;
            check(
                unsafe { mesh_rating_curve_valid_from_at(curve, i, &mut from) },
                MESH_OK,
            );
            from
        })
        .collect();
    check(mesh_rating_curve_free(curve), MESH_OK);
    times
}

#[test]
fn rating_curves_that_break_meshs_rules_are_refused_and_change_nothing() {
    let f = OneSession::new();
    let s = f.session;
    let target = plant_attr("RatingCurveAtt");
    let (start, end) = (utc_ms(1990, 1, 1, 0, 0, 0), utc_ms(2030, 1, 1, 0, 0, 0));
    let y2001 = utc_ms(2001, 1, 1, 0, 0, 0);
    let y2005 = utc_ms(2005, 1, 1, 0, 0, 0);
    let segments = || vec![(5.0, 1.0, 0.5, 1.5), (50.0, 2.0, 0.25, 1.25)];
    let update = |versions: Vec<Version>| {
        let target = target.clone();
        Box::new(move || update_rating_curve(s, &target, start, end, &versions))
            as Box<dyn Fn() -> mesh_status>
    };
    let rows: Vec<Refusal> = vec![
        (
            "a version outside the interval",
            update(vec![(utc_ms(2035, 1, 1, 0, 0, 0), 1.0, segments())]),
            MESH_ERROR_INVALID_ARGUMENT,
            "new rating curve versions must be within the update interval \
             [1990-01-01T00:00:00Z, 2030-01-01T00:00:00Z), and 2035-01-01T00:00:00Z is not"
                .into(),
        ),
        (
            "a version without segments",
            update(vec![(y2001, 1.0, vec![])]),
            MESH_ERROR_INVALID_ARGUMENT,
            "each new rating curve version must have at least one segment".into(),
        ),
        (
            "two segments ending at the same x",
            update(vec![(
                y2001,
                1.0,
                vec![(5.0, 1.0, 1.0, 1.0), (5.0, 2.0, 2.0, 2.0)],
            )]),
            MESH_ERROR_INVALID_ARGUMENT,
            "duplicate x_range_until thresholds in segments of a new rating curve version \
             (valid from 2001-01-01T00:00:00Z): 5"
                .into(),
        ),
        (
            "x range starting at the first segment's end",
            update(vec![(y2001, 5.0, segments())]),
            MESH_ERROR_INVALID_ARGUMENT,
            "x_range_from 5 of rating curve version valid from 2001-01-01T00:00:00Z \
             is not lesser than x_range_until 5 of its segments"
                .into(),
        ),
        (
            "two versions from the same time",
            update(vec![(y2001, 1.0, segments()), (y2001, 1.0, segments())]),
            MESH_ERROR_INVALID_ARGUMENT,
            "duplicate valid_from_time timestamps in new rating curve versions: \
             2001-01-01T00:00:00Z"
                .into(),
        ),
        (
            "versions out of time order",
            update(vec![(y2005, 1.0, segments()), (y2001, 1.0, segments())]),
            MESH_ERROR_INVALID_ARGUMENT,
            "new rating curve versions are not sorted by their valid from time".into(),
        ),
        (
            "an attribute of another kind",
            Box::new(|| {
                update_rating_curve(
                    s,
                    &plant_attr("DblAtt"),
                    start,
                    end,
                    &[(y2001, 1.0, segments())],
                )
            }),
            MESH_ERROR_INVALID_ARGUMENT,
            format!(
                "unexpected kind: {} is DoubleAttributeDefinition, not a rating curve attribute",
                plant_attr("DblAtt")
            ),
        ),
        (
            "an attribute that is not there",
            Box::new(|| {
                update_rating_curve(
                    s,
                    &plant_attr("NoSuchAtt"),
                    start,
                    end,
                    &[(y2001, 1.0, segments())],
                )
            }),
            MESH_ERROR_NOT_FOUND,
            format!("attribute not found: path '{}'", plant_attr("NoSuchAtt")),
        ),
    ];
    check_refusals(&rows);
    // The seeded versions of 2000 and 2010 are still all there is.
    assert_eq!(
        rating_curve_versions(s),
        [utc_ms(2000, 1, 1, 0, 0, 0), utc_ms(2010, 1, 1, 0, 0, 0)]
    );
}

/// Replaces the versions of one-to-one `target` in `[start, end)`.
fn set_versions(
    session: *mut mesh_session,
    target: &str,
    start: i64,
    end: i64,
    versions: &[(i64, &str)],
) -> mesh_status {
    let times: Vec<i64> = versions.iter().map(|v| v.0).collect();
    let ids: Vec<CString> = versions.iter().map(|v| c(v.1)).collect();
    let ptrs: Vec<_> = ids.iter().map(|i| i.as_ptr()).collect();
    unsafe {
        mesh_attribute_update_link_versions(
            session,
            c(target).as_ptr(),
            start,
            end,
            times.as_ptr(),
            ptrs.as_ptr(),
            versions.len(),
        )
    }
}

/// Replaces every entry of `target`, each of one version.
fn set_entries(session: *mut mesh_session, target: &str, versions: &[(i64, &str)]) -> mesh_status {
    let sizes = vec![1usize; versions.len()];
    let times: Vec<i64> = versions.iter().map(|v| v.0).collect();
    let ids: Vec<CString> = versions.iter().map(|v| c(v.1)).collect();
    let ptrs: Vec<_> = ids.iter().map(|i| i.as_ptr()).collect();
    unsafe {
        mesh_attribute_update_link_version_entries(
            session,
            c(target).as_ptr(),
            sizes.as_ptr(),
            sizes.len(),
            times.as_ptr(),
            ptrs.as_ptr(),
            versions.len(),
        )
    }
}

#[test]
fn versioned_links_that_break_meshs_rules_are_refused_and_change_nothing() {
    let f = OneSession::new();
    let s = f.session;
    let one = plant_attr("ReferenceSeriesAtt");
    let many = plant_attr("ReferenceSeriesCollectionAtt");
    let (start, end) = (utc_ms(2004, 1, 1, 0, 0, 0), utc_ms(2014, 1, 1, 0, 0, 0));
    let y2005 = utc_ms(2005, 1, 1, 0, 0, 0);
    let nowhere = "0000000a-0099-0000-0000-000000000000";
    let eleven: Vec<(i64, &str)> = (0..11)
        .map(|i| (utc_ms(2000 + i, 1, 1, 0, 0, 0), CHIMNEY1_ID))
        .collect();
    let rows: Vec<Refusal> = vec![
        (
            "a version outside the interval",
            Box::new(|| set_versions(s, &one, start, end, &[(utc_ms(2020, 1, 1, 0, 0, 0), CHIMNEY1_ID)])),
            MESH_ERROR_INVALID_ARGUMENT,
            "new link relations versions must be within the replacement interval \
             [2004-01-01T00:00:00Z, 2014-01-01T00:00:00Z), and 2020-01-01T00:00:00Z is not"
                .into(),
        ),
        (
            "two versions from the same time",
            Box::new(|| set_versions(s, &one, start, end, &[(y2005, CHIMNEY1_ID), (y2005, CHIMNEY2_ID)])),
            MESH_ERROR_INVALID_ARGUMENT,
            "duplicate valid_from_time 2005-01-01T00:00:00Z in one link relation entry".into(),
        ),
        (
            "a target that is not there",
            Box::new(|| set_versions(s, &one, start, end, &[(y2005, nowhere)])),
            MESH_ERROR_NOT_FOUND,
            "object not found: {0000000A-0099-0000-0000-000000000000} (a target of ReferenceSeriesAtt)"
                .into(),
        ),
        (
            "a target of another type",
            Box::new(|| set_versions(s, &one, start, end, &[(y2005, PLANT_ID)])),
            MESH_ERROR_INVALID_ARGUMENT,
            "Invalid type: ReferenceSeriesAtt links ChimneyElementType objects, \
             and SomePowerPlant1 is a PlantElementType"
                .into(),
        ),
        (
            "two entries for a one-to-one relation",
            Box::new(|| set_entries(s, &one, &[(y2005, CHIMNEY1_ID), (y2005, CHIMNEY2_ID)])),
            MESH_ERROR_INVALID_ARGUMENT,
            "ReferenceSeriesAtt is a one-to-one versioned link relation: it takes one entry, not 2"
                .into(),
        ),
        (
            "more entries than the relation takes",
            Box::new(|| set_entries(s, &many, &eleven)),
            MESH_ERROR_INVALID_ARGUMENT,
            "ReferenceSeriesCollectionAtt takes at most 10 entries, not 11".into(),
        ),
        (
            "a link relation that is not versioned",
            Box::new(|| set_versions(s, &plant_attr("SimpleReference"), start, end, &[(y2005, CHIMNEY1_ID)])),
            MESH_ERROR_INVALID_ARGUMENT,
            "Invalid type: SimpleReference is a ReferenceAttributeDefinition, \
             which this update does not change"
                .into(),
        ),
    ];
    check_refusals(&rows);
    // The seeded versions are all still there.
    let a = attribute(s, &one, MESH_MODEL_VIEW_NO_DEFINITIONS);
    assert_eq!(
        versions(a, 0),
        [
            (utc_ms(2005, 3, 2, 0, 0, 0), CHIMNEY2_ID.to_string()),
            (utc_ms(2015, 6, 3, 0, 0, 0), CHIMNEY1_ID.to_string()),
            (utc_ms(2017, 2, 1, 0, 0, 0), CHIMNEY2_ID.to_string()),
        ]
    );
    free_attribute(a);
    let a = attribute(s, &many, MESH_MODEL_VIEW_NO_DEFINITIONS);
    assert_eq!(
        versions(a, 0),
        [(utc_ms(2020, 7, 8, 0, 0, 0), CHIMNEY1_ID.to_string())]
    );
    assert_eq!(
        versions(a, 1),
        [(utc_ms(2000, 1, 5, 0, 0, 0), CHIMNEY2_ID.to_string())]
    );
    free_attribute(a);
}
