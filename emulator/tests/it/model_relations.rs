//! ModelService relations over TCP: link relation targets replaced,
//! appended and cleared; versioned link relations replaced in full or
//! inside an interval; Mesh's refusals; and the link relations that point
//! at an object.

use mesh_emulator::proto::model::{
    LinkRelationVersion, SearchLinkedFromRequest, UpdateLinkRelationAttributeRequest,
    UpdateVersionedLinkRelationAttributeRequest, VersionedLinkRelationAttributeValue,
};
use mesh_emulator::proto::types::{Guid, MeshId, UtcInterval};
use tonic::Code;
use uuid::Uuid;

use crate::common::model::*;
use crate::common::*;

async fn link(
    mesh: &mut Mesh,
    s: &Guid,
    name: &str,
    append: bool,
    to: &[Uuid],
) -> Result<(), tonic::Status> {
    mesh.model
        .update_link_relation_attribute(UpdateLinkRelationAttributeRequest {
            session_id: Some(s.clone()),
            attribute: Some(by_path(&plant_attribute(name))),
            append,
            target_object_ids: to.iter().map(|t| guid(*t)).collect(),
        })
        .await
        .map(drop)
}

#[test]
fn link_relations_are_replaced_appended_and_cleared() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        link(&mut mesh, &s, "SimpleReference", false, &[CHIMNEY_1])
            .await
            .unwrap();
        assert_eq!(
            targets(&mesh.plant_attribute(&s, "SimpleReference").await),
            [CHIMNEY_1]
        );
        link(&mut mesh, &s, "SimpleReference", false, &[])
            .await
            .unwrap();
        assert!(targets(&mesh.plant_attribute(&s, "SimpleReference").await).is_empty());

        let many = "PlantToChimneyRefCollection";
        link(&mut mesh, &s, many, false, &[]).await.unwrap();
        link(&mut mesh, &s, many, true, &[CHIMNEY_2]).await.unwrap();
        link(&mut mesh, &s, many, true, &[CHIMNEY_1]).await.unwrap();
        assert_eq!(
            targets(&mesh.plant_attribute(&s, many).await),
            [CHIMNEY_2, CHIMNEY_1]
        );
        link(&mut mesh, &s, many, false, &[CHIMNEY_1])
            .await
            .unwrap();
        assert_eq!(targets(&mesh.plant_attribute(&s, many).await), [CHIMNEY_1]);

        // A new object can be linked to at once, in the same session.
        let new = mesh
            .create_object(&s, by_path(CHIMNEYS), "Linked")
            .await
            .unwrap();
        link(&mut mesh, &s, many, true, &[uuid(&new.id)])
            .await
            .unwrap();
        assert_eq!(
            targets(&mesh.plant_attribute(&s, many).await),
            [CHIMNEY_1, uuid(&new.id)]
        );

        let refusals: Vec<(&str, bool, Vec<Uuid>, Code, &str)> = vec![
            (
                "SimpleReference",
                true,
                vec![],
                Code::InvalidArgument,
                "'append' must be false for one-to-one link relation",
            ),
            (
                "SimpleReference",
                true,
                vec![CHIMNEY_1],
                Code::InvalidArgument,
                "'append' must be false for one-to-one link relation",
            ),
            (
                "SimpleReference",
                false,
                vec![CHIMNEY_1, CHIMNEY_2],
                Code::InvalidArgument,
                "multiple target object IDs set",
            ),
            (
                many,
                true,
                vec![],
                Code::InvalidArgument,
                "'append' is set to true, but no target objects are set",
            ),
            (
                many,
                true,
                vec![CHIMNEY_1],
                Code::InvalidArgument,
                "linked twice",
            ),
            (
                many,
                false,
                vec![PLANT_ID],
                Code::InvalidArgument,
                "Invalid type",
            ),
            (
                many,
                false,
                vec![Uuid::new_v4()],
                Code::NotFound,
                "object not found:",
            ),
            (
                "PlantToChimneyRef",
                false,
                vec![CHIMNEY_1],
                Code::InvalidArgument,
                "Invalid type",
            ),
            (
                "ReferenceSeriesAtt",
                false,
                vec![CHIMNEY_1],
                Code::InvalidArgument,
                "Invalid type",
            ),
            (
                "DblAtt",
                false,
                vec![CHIMNEY_1],
                Code::InvalidArgument,
                "Invalid type",
            ),
        ];
        for (name, append, to, code, text) in refusals {
            assert_refused(link(&mut mesh, &s, name, append, &to).await, code, text);
        }
        assert_refused(
            mesh.model
                .update_link_relation_attribute(UpdateLinkRelationAttributeRequest {
                    session_id: Some(s.clone()),
                    attribute: Some(by_path(PLANT)),
                    append: false,
                    target_object_ids: vec![],
                })
                .await,
            Code::InvalidArgument,
            "Invalid type",
        );
    });
}

/// Per entry, each version's target and valid from time (ms).
type Entries = Vec<Vec<(Option<Uuid>, Option<i64>)>>;
/// A refused versioned link update: attribute name, interval, entries, and
/// what Mesh says.
type VersionRefusal<'a> = (&'a str, Option<(i64, i64)>, Entries, Code, &'a str);
/// An interval replaced: the interval, the new version's time and target
/// (if any), and the versions after.
type Replacement = (
    (i64, i64),
    Option<(i64, Option<Uuid>)>,
    Vec<(Option<Uuid>, i64)>,
);

fn ts(ms: i64) -> Option<prost_types::Timestamp> {
    Some(timestamp(ms))
}

/// Far past and far future, as clients send for "everything".
const YEAR_1: i64 = -62_135_596_800_000;
const YEAR_9999_END: i64 = 253_402_300_799_999;

async fn replace_versions(
    mesh: &mut Mesh,
    s: &Guid,
    name: &str,
    interval: Option<(i64, i64)>,
    entries: Vec<Vec<(Option<Uuid>, Option<i64>)>>,
) -> Result<(), tonic::Status> {
    mesh.model
        .update_versioned_link_relation_attribute(UpdateVersionedLinkRelationAttributeRequest {
            session_id: Some(s.clone()),
            interval: interval.map(|(a, b)| UtcInterval {
                start_time: ts(a),
                end_time: ts(b),
            }),
            attribute: Some(by_path(&plant_attribute(name))),
            entries: entries
                .into_iter()
                .map(|versions| VersionedLinkRelationAttributeValue {
                    versions: versions
                        .into_iter()
                        .map(|(target, from)| LinkRelationVersion {
                            target_object_id: target.map(guid),
                            valid_from_time: from.and_then(ts),
                        })
                        .collect(),
                })
                .collect(),
        })
        .await
        .map(drop)
}

#[test]
fn versioned_links_are_replaced_inside_an_interval() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let name = "ReferenceSeriesAtt";
        let seeded = versions(&mesh.plant_attribute(&s, name).await);
        let (y2005, y2015, y2017) = (date(2005, 3, 2), date(2015, 6, 3), date(2017, 2, 1));
        // A chimney that stays when the cases roll back.
        let new = uuid(
            &mesh
                .create_object(&s, by_path(CHIMNEYS), "New")
                .await
                .unwrap()
                .id,
        );
        mesh.commit(&s).await.unwrap();
        // (interval, new version's time and target, the versions after)
        let cases: Vec<Replacement> = vec![
            (
                (date(2004, 1, 1), date(2014, 1, 1)),
                None,
                vec![(Some(CHIMNEY_1), y2015), (Some(CHIMNEY_2), y2017)],
            ),
            (
                (date(2005, 1, 1), date(2016, 1, 1)),
                Some((date(2005, 1, 1), Some(new))),
                vec![(Some(new), date(2005, 1, 1)), (Some(CHIMNEY_2), y2017)],
            ),
            (
                (date(2015, 1, 1), date(2020, 1, 1)),
                Some((date(2015, 1, 1), None)),
                vec![(Some(CHIMNEY_2), y2005), (None, date(2015, 1, 1))],
            ),
            // One microsecond wide: nothing goes, one version comes.
            (
                (date(1990, 1, 1), date(1990, 1, 1)),
                Some((date(1990, 1, 1), Some(new))),
                vec![
                    (Some(new), date(1990, 1, 1)),
                    (Some(CHIMNEY_2), y2005),
                    (Some(CHIMNEY_1), y2015),
                    (Some(CHIMNEY_2), y2017),
                ],
            ),
            ((YEAR_1, YEAR_9999_END), None, vec![]),
        ];
        for (interval, version, expected) in cases {
            let entries = match version {
                Some((from, target)) => vec![vec![(target, Some(from))]],
                None => vec![],
            };
            let request = UpdateVersionedLinkRelationAttributeRequest {
                session_id: Some(s.clone()),
                interval: Some(UtcInterval {
                    start_time: ts(interval.0),
                    // A microsecond past the start when the case says so.
                    end_time: Some(if interval.0 == interval.1 {
                        prost_types::Timestamp {
                            nanos: 1000,
                            ..timestamp(interval.1)
                        }
                    } else {
                        timestamp(interval.1)
                    }),
                }),
                attribute: Some(by_path(&plant_attribute(name))),
                entries: entries
                    .into_iter()
                    .map(|versions| VersionedLinkRelationAttributeValue {
                        versions: versions
                            .into_iter()
                            .map(|(target, from)| LinkRelationVersion {
                                target_object_id: target.map(guid),
                                valid_from_time: from.and_then(ts),
                            })
                            .collect(),
                    })
                    .collect(),
            };
            mesh.model
                .update_versioned_link_relation_attribute(request)
                .await
                .unwrap();
            let after = versions(&mesh.plant_attribute(&s, name).await);
            let expected: Vec<Vec<_>> = if expected.is_empty() {
                vec![]
            } else {
                vec![expected]
            };
            assert_eq!(after, expected, "{interval:?}");
            mesh.rollback(&s).await;
            assert_eq!(versions(&mesh.plant_attribute(&s, name).await), seeded);
        }
    });
}

#[test]
fn versioned_one_to_many_links_are_replaced_whole() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let name = "ReferenceSeriesCollectionAtt";
        assert_eq!(
            versions(&mesh.plant_attribute(&s, name).await),
            [
                vec![(Some(CHIMNEY_1), date(2020, 7, 8))],
                vec![(Some(CHIMNEY_2), date(2000, 1, 5))]
            ]
        );
        let entries = vec![
            vec![
                (Some(CHIMNEY_2), Some(date(2022, 1, 1))),
                (None, Some(date(2025, 1, 1))),
            ],
            vec![(Some(CHIMNEY_1), Some(date(2000, 1, 1)))],
        ];
        replace_versions(&mut mesh, &s, name, None, entries)
            .await
            .unwrap();
        assert_eq!(
            versions(&mesh.plant_attribute(&s, name).await),
            [
                vec![
                    (Some(CHIMNEY_2), date(2022, 1, 1)),
                    (None, date(2025, 1, 1))
                ],
                vec![(Some(CHIMNEY_1), date(2000, 1, 1))]
            ]
        );
        replace_versions(&mut mesh, &s, name, None, vec![])
            .await
            .unwrap();
        assert!(versions(&mesh.plant_attribute(&s, name).await).is_empty());
    });
}

#[test]
fn versioned_link_updates_are_refused_in_meshs_words() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let one = "ReferenceSeriesAtt";
        let (a, b) = (date(2021, 1, 1), date(2022, 1, 1));
        let cases: Vec<VersionRefusal> = vec![
            (
                one,
                Some((b, a)),
                vec![vec![(Some(CHIMNEY_1), Some(b))]],
                Code::InvalidArgument,
                "Interval",
            ),
            (
                one,
                Some((a, b)),
                vec![vec![(Some(CHIMNEY_1), None)]],
                Code::InvalidArgument,
                "each new link relation version must have a 'valid_from_time' timestamp",
            ),
            (
                one,
                Some((a, b)),
                vec![vec![(Some(CHIMNEY_1), Some(b))]],
                Code::InvalidArgument,
                "new link relations versions must be within the replacement interval",
            ),
            (
                one,
                Some((a, b)),
                vec![vec![(Some(CHIMNEY_1), Some(date(2020, 1, 1)))]],
                Code::InvalidArgument,
                "new link relations versions must be within the replacement interval",
            ),
            (
                one,
                None,
                vec![vec![(Some(CHIMNEY_1), Some(a)), (Some(CHIMNEY_2), Some(a))]],
                Code::InvalidArgument,
                "duplicate valid_from_time",
            ),
            (
                one,
                Some((a, b)),
                vec![
                    vec![(Some(CHIMNEY_1), Some(a))],
                    vec![(Some(CHIMNEY_2), Some(a))],
                ],
                Code::InvalidArgument,
                "takes one entry",
            ),
            (
                one,
                Some((a, b)),
                vec![vec![(Some(PLANT_ID), Some(a))]],
                Code::InvalidArgument,
                "Invalid type",
            ),
            (
                "ReferenceSeriesCollectionAtt",
                Some((a, b)),
                vec![],
                Code::InvalidArgument,
                "one-to-many",
            ),
            (
                "SimpleReference",
                None,
                vec![],
                Code::InvalidArgument,
                "Invalid type",
            ),
        ];
        for (name, interval, entries, code, text) in cases {
            assert_refused(
                replace_versions(&mut mesh, &s, name, interval, entries).await,
                code,
                text,
            );
        }
    });
}

async fn linked_from(
    mesh: &mut Mesh,
    s: &Guid,
    target: MeshId,
) -> Result<Vec<String>, tonic::Status> {
    let mut stream = mesh
        .model
        .search_linked_from(SearchLinkedFromRequest {
            session_id: Some(s.clone()),
            target_object_id: Some(target),
        })
        .await?
        .into_inner();
    let mut out = Vec::new();
    while let Some(found) = stream.message().await? {
        let id = found.link_relation_id.expect("an id");
        assert!(id.id.is_some(), "with its id");
        out.push(id.path.expect("a path"));
    }
    Ok(out)
}

#[test]
fn the_link_relations_pointing_at_an_object_are_found() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let to_2: Vec<String> = [
            "PlantToChimneyRefCollection",
            "ReferenceSeriesAtt",
            "ReferenceSeriesCollectionAtt",
            "SimpleReference",
        ]
        .iter()
        .map(|n| plant_attribute(n))
        .collect();
        assert_eq!(
            linked_from(&mut mesh, &s, by_id(CHIMNEY_2)).await.unwrap(),
            to_2
        );
        // Ownership is not a link.
        assert!(linked_from(&mut mesh, &s, by_path(PLANT))
            .await
            .unwrap()
            .is_empty());
        link(&mut mesh, &s, "SimpleReference", false, &[])
            .await
            .unwrap();
        assert_eq!(
            linked_from(&mut mesh, &s, by_id(CHIMNEY_2))
                .await
                .unwrap()
                .len(),
            3
        );
        assert_refused(
            linked_from(&mut mesh, &s, by_id(Uuid::new_v4())).await,
            Code::NotFound,
            "object not found:",
        );
        assert_refused(
            linked_from(&mut mesh, &s, by_path(PLANTS)).await,
            Code::InvalidArgument,
            "invalid type",
        );
    });
}
