//! AvailabilityService over TCP with the generated client: revisions and
//! restrictions through their lives, who and when they record, search
//! order and type filters, session isolation and commit conflicts, events
//! going with their object, advanced restrictions, and the lists of
//! statuses and categories.

use std::collections::HashMap;

use mesh_emulator::proto::availability::*;
use mesh_emulator::Identity;
use tonic::Code;

use crate::availability_common::*;
use crate::common::model::*;
use crate::common::*;

#[test]
fn a_revision_lives_through_its_calls() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let s = av.open().await;
        let created = at(2023, 1, 1, 0);
        let revision = av
            .create_revision(CreateRevisionRequest {
                created_author: Some("creator".into()),
                created_timestamp: Some(timestamp(created)),
                last_changed_author: Some("changer".into()),
                ..revision_request(&s, by_path(COMPONENT), "overhaul")
            })
            .await
            .unwrap();
        assert_eq!(revision.event_id, "overhaul");
        assert_eq!(revision.local_id, "overhaul-local");
        assert_eq!(revision.reason, "overhaul reason");
        assert_eq!(record(&revision.created), ("creator".into(), created));
        assert_eq!(record(&revision.last_changed), ("changer".into(), created));
        assert!(revision.recurrences.is_empty());
        let owner = revision.owner_id.expect("an owner");
        assert_eq!(uuid(&owner.id), COMPONENT_ID);
        assert_eq!(owner.path.as_deref(), Some(COMPONENT));

        // By id this time: the same object.
        let component = by_id(COMPONENT_ID);
        let first = av
            .add(AddRevisionRecurrenceRequest {
                author: Some("adder".into()),
                ..add_request(
                    &s,
                    component.clone(),
                    "overhaul",
                    once("Planned"),
                    at(2023, 1, 1, 0),
                    at(2023, 1, 2, 0),
                )
            })
            .await
            .unwrap();
        let before = now_ms();
        let second = av
            .add(add_request(
                &s,
                component.clone(),
                "overhaul",
                recurrence(
                    "Confirmed",
                    RecurrenceType::Weekly,
                    Some(2),
                    Some(at(2023, 3, 1, 0)),
                ),
                at(2023, 2, 1, 6),
                at(2023, 2, 1, 18),
            ))
            .await
            .unwrap();
        assert_eq!((first, second), (0, 1));

        let got = av.revision(&s, component.clone(), "overhaul").await;
        assert_eq!(record(&got.created), ("creator".into(), created));
        // No author given: the caller's name, empty without a token.
        let (author, when) = record(&got.last_changed);
        assert_eq!(author, "");
        assert!(when >= before && when <= now_ms(), "{when}");
        let recurrences: Vec<_> = got
            .recurrences
            .iter()
            .map(|r| {
                let rec = r.recurrence.as_ref().expect("a recurrence");
                (
                    r.recurrence_id,
                    rec.status.clone(),
                    rec.recurrence_type,
                    rec.recur_every,
                    rec.recur_until.as_ref().map(|t| ms(Some(t))),
                    span(r.period.as_ref()),
                )
            })
            .collect();
        assert_eq!(
            recurrences,
            [
                (
                    0,
                    "Planned".to_string(),
                    RecurrenceType::None as i32,
                    None,
                    None,
                    (at(2023, 1, 1, 0), at(2023, 1, 2, 0))
                ),
                (
                    1,
                    "Confirmed".to_string(),
                    RecurrenceType::Weekly as i32,
                    Some(2),
                    Some(at(2023, 3, 1, 0)),
                    (at(2023, 2, 1, 6), at(2023, 2, 1, 18))
                ),
            ]
        );
        // Both in the past: nothing active, nothing next.
        assert!(got.recurrences.iter().all(|r| r.active_instance.is_none()));

        av.update_revision(UpdateRevisionRequest {
            session_id: Some(s.clone()),
            owner_id: Some(component.clone()),
            event_id: "overhaul".into(),
            field_mask: mask(&["new_reason"]),
            new_local_id: "ignored: not in the mask".into(),
            new_reason: "new reason".into(),
            author: Some("updater".into()),
        })
        .await
        .unwrap();
        let got = av.revision(&s, component.clone(), "overhaul").await;
        assert_eq!(
            (got.local_id.as_str(), got.reason.as_str()),
            ("overhaul-local", "new reason")
        );
        assert_eq!(record(&got.last_changed).0, "updater");
        assert_eq!(record(&got.created), ("creator".into(), created));

        av.client
            .delete_revision_recurrence(DeleteRevisionRecurrenceRequest {
                session_id: Some(s.clone()),
                owner_id: Some(component.clone()),
                event_id: "overhaul".into(),
                recurrence_id: 0,
                author: Some("deleter".into()),
            })
            .await
            .unwrap();
        let got = av.revision(&s, component.clone(), "overhaul").await;
        let ids: Vec<u32> = got.recurrences.iter().map(|r| r.recurrence_id).collect();
        assert_eq!(ids, [1]);
        assert_eq!(record(&got.last_changed).0, "deleter");
        // Ids are not reused.
        let third = av
            .add(add_request(
                &s,
                component.clone(),
                "overhaul",
                once("Planned"),
                at(2023, 5, 1, 0),
                at(2023, 5, 2, 0),
            ))
            .await
            .unwrap();
        assert_eq!(third, 2);

        av.delete_by_id(&s, component.clone(), &["overhaul"])
            .await
            .unwrap();
        let left = av
            .search(&s, EventType::All, vec![component.clone()])
            .await
            .unwrap();
        assert!(left.is_empty(), "{left:?}");
        assert_refused(
            av.get(&s, component, "overhaul").await,
            Code::NotFound,
            "event with event id 'overhaul' not found",
        );
    });
}

#[test]
fn authors_default_to_the_authenticated_caller_and_times_to_now() {
    let plain = emulator();
    let guarded = Emulator::start_local(Config {
        tokens: Some(HashMap::from([(
            "secret".to_string(),
            Identity::named("Ada Lovelace"),
        )])),
        ..Config::default()
    })
    .unwrap();
    run(async {
        for (emu, token, name) in [
            (&plain, None, ""),
            (&guarded, Some("secret"), "Ada Lovelace"),
        ] {
            let mut av = Av::connect(emu).await;
            av.token = token;
            let s = av.open().await;
            let before = now_ms();
            let revision = av
                .create_revision(revision_request(&s, by_path(COMPONENT), "r"))
                .await
                .unwrap();
            let after = now_ms();
            let (author, when) = record(&revision.created);
            assert_eq!(author, name);
            assert!(before <= when && when <= after, "{before} {when} {after}");
            assert_eq!(revision.last_changed, revision.created);

            // An author given, even empty, is taken as it is.
            let restriction = av
                .create_restriction(CreateRestrictionRequest {
                    created_author: Some(String::new()),
                    ..restriction_request(
                        &s,
                        by_path(COMPONENT),
                        "x",
                        basic(
                            once("SelfImposed"),
                            at(2023, 1, 1, 0),
                            at(2023, 1, 2, 0),
                            1.0,
                        ),
                    )
                })
                .await
                .unwrap();
            assert_eq!(record(&restriction.created).0, "");
            assert_eq!(record(&restriction.last_changed).0, "");

            av.update_restriction(UpdateRestrictionRequest {
                session_id: Some(s.clone()),
                owner_id: Some(by_path(COMPONENT)),
                event_id: "x".into(),
                field_mask: mask(&["new_local_id"]),
                new_local_id: "y".into(),
                ..UpdateRestrictionRequest::default()
            })
            .await
            .unwrap();
            let got = av.restriction(&s, by_path(COMPONENT), "x").await;
            assert_eq!(got.local_id, "y");
            assert_eq!(record(&got.last_changed).0, name);
            assert!(record(&got.last_changed).1 >= record(&got.created).1);
        }
    });
}

/// `first` plus `n` months, on the same day or the month's last: worked
/// out here without the emulator's calendar code.
#[test]
fn search_filters_by_type_and_keeps_the_order_asked() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let s = av.open().await;
        for id in ["b", "a"] {
            av.create_revision(revision_request(&s, by_path(COMPONENT), id))
                .await
                .unwrap();
        }
        let limit = basic(
            once("SelfImposed"),
            at(2023, 1, 1, 0),
            at(2023, 1, 2, 0),
            1.0,
        );
        av.create_restriction(restriction_request(
            &s,
            by_path(COMPONENT),
            "c",
            limit.clone(),
        ))
        .await
        .unwrap();
        av.create_restriction(restriction_request(&s, by_path(PLANT), "p", limit))
            .await
            .unwrap();
        // The same id on another object is another event.
        av.create_revision(revision_request(&s, by_path(PLANT), "a"))
            .await
            .unwrap();
        let both = vec![by_path(PLANT), by_id(COMPONENT_ID), by_path(PLANT_SHORT)];
        let cases = [
            (EventType::All, vec!["p", "a", "b", "a", "c"]),
            (EventType::Revision, vec!["a", "b", "a"]),
            (EventType::Restriction, vec!["p", "c"]),
        ];
        for (kind, expected) in cases {
            let found = av.search(&s, kind, both.clone()).await.unwrap();
            assert_eq!(event_ids(&found), expected, "{kind:?}");
        }
        let found = av
            .search(&s, EventType::Revision, vec![by_path(CHIMNEY_1_PATH)])
            .await
            .unwrap();
        assert!(found.is_empty());

        av.client
            .delete_availability_events(DeleteAvailabilityEventsRequest {
                session_id: Some(s.clone()),
                owner_id: Some(by_path(COMPONENT)),
                event_type: EventType::Restriction as i32,
            })
            .await
            .unwrap();
        let found = av.search(&s, EventType::All, both.clone()).await.unwrap();
        assert_eq!(event_ids(&found), ["p", "a", "b", "a"]);
        av.client
            .delete_availability_events(DeleteAvailabilityEventsRequest {
                session_id: Some(s.clone()),
                owner_id: Some(by_path(PLANT)),
                event_type: EventType::All as i32,
            })
            .await
            .unwrap();
        let found = av.search(&s, EventType::All, both).await.unwrap();
        assert_eq!(event_ids(&found), ["b", "a"]);
    });
}

#[test]
fn events_are_private_to_a_session_until_it_commits() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let (a, b) = (av.open().await, av.open().await);
        av.create_revision(revision_request(&a, by_path(COMPONENT), "r"))
            .await
            .unwrap();
        assert_refused(
            av.get(&b, by_path(COMPONENT), "r").await,
            Code::NotFound,
            "not found",
        );
        av.mesh.commit(&a).await.unwrap();
        av.revision(&b, by_path(COMPONENT), "r").await;

        // B's recurrence is B's until it commits; a rolled back one is gone.
        av.add(add_request(
            &b,
            by_path(COMPONENT),
            "r",
            once("Planned"),
            0,
            DAY,
        ))
        .await
        .unwrap();
        assert_eq!(
            av.revision(&a, by_path(COMPONENT), "r")
                .await
                .recurrences
                .len(),
            0
        );
        av.mesh.rollback(&b).await;
        assert_eq!(
            av.revision(&b, by_path(COMPONENT), "r")
                .await
                .recurrences
                .len(),
            0
        );
        av.add(add_request(
            &b,
            by_path(COMPONENT),
            "r",
            once("Planned"),
            0,
            DAY,
        ))
        .await
        .unwrap();
        av.mesh.commit(&b).await.unwrap();
        let seen = av.revision(&a, by_path(COMPONENT), "r").await;
        assert_eq!(seen.recurrences.len(), 1);

        // A session that ends uncommitted leaves nothing.
        let c = av.open().await;
        av.delete_by_id(&c, by_path(COMPONENT), &["r"])
            .await
            .unwrap();
        av.mesh.session.end_session(c).await.unwrap();
        av.revision(&a, by_path(COMPONENT), "r").await;
    });
}

#[test]
fn conflicting_commits_fail_and_the_first_wins() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let (a, b) = (av.open().await, av.open().await);
        for s in [&a, &b] {
            av.create_revision(revision_request(s, by_path(COMPONENT), "same"))
                .await
                .unwrap();
        }
        av.mesh.commit(&a).await.unwrap();
        assert_refused(av.mesh.commit(&b).await, Code::FailedPrecondition, CORRUPT);
        av.mesh.rollback(&b).await;

        // Both add a recurrence to the committed revision: both are told id
        // 0, so the second commit cannot keep its word.
        for s in [&a, &b] {
            let id = av
                .add(add_request(
                    s,
                    by_path(COMPONENT),
                    "same",
                    once("Planned"),
                    0,
                    DAY,
                ))
                .await
                .unwrap();
            assert_eq!(id, 0);
        }
        av.mesh.commit(&b).await.unwrap();
        assert_refused(av.mesh.commit(&a).await, Code::FailedPrecondition, CORRUPT);
        av.mesh.rollback(&a).await;
        let seen = av.revision(&a, by_path(COMPONENT), "same").await;
        assert_eq!(seen.recurrences.len(), 1);
    });
}

#[test]
fn an_objects_events_go_with_it() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let s = av.open().await;
        av.create_revision(revision_request(&s, by_id(CHIMNEY_1), "r"))
            .await
            .unwrap();
        av.mesh.commit(&s).await.unwrap();
        av.mesh
            .delete_object(&s, by_id(CHIMNEY_1), true)
            .await
            .unwrap();
        assert_refused(
            av.get(&s, by_id(CHIMNEY_1), "r").await,
            Code::NotFound,
            "object not found",
        );
        // A new object of the same name is another object, without events.
        av.mesh
            .create_object(&s, by_path(CHIMNEYS), "SomePowerPlantChimney1")
            .await
            .unwrap();
        let found = av
            .search(&s, EventType::All, vec![by_path(CHIMNEY_1_PATH)])
            .await
            .unwrap();
        assert!(found.is_empty(), "{found:?}");
        av.mesh.commit(&s).await.unwrap();
    });
}

#[test]
fn advanced_restrictions_name_a_calculation_of_their_object() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let s = av.open().await;
        let create = |category: &str, calculation: &str| CreateAdvancedRestrictionRequest {
            session_id: Some(s.clone()),
            owner_id: Some(by_path(PLANT)),
            category: category.to_string(),
            calculation_id: Some(by_path(calculation)),
            created_author: Some("me".into()),
            created_timestamp: Some(timestamp(at(2023, 1, 1, 0))),
        };
        let made = av
            .client
            .create_advanced_restriction(create("ProductionMax[MW]", &plant_attribute("TsCalcAtt")))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(made.category, "ProductionMax[MW]");
        assert_eq!(
            uuid(&made.owner_id.as_ref().expect("an owner").id),
            PLANT_ID
        );
        assert_eq!(
            made.calculation_id.as_ref().and_then(|c| c.path.as_deref()),
            Some(plant_attribute("TsCalcAtt").as_str())
        );
        assert_eq!(record(&made.created), ("me".into(), at(2023, 1, 1, 0)));

        let refused = [
            (
                create("ProductionMax[MW]", &plant_attribute("TsRawAtt")),
                Code::InvalidArgument,
                "already exists",
            ),
            (
                create("ProductionMin[MW]", &plant_attribute("DblAtt")),
                Code::InvalidArgument,
                "is not a time series attribute of object",
            ),
            (
                create("ProductionMin[MW]", &format!("{CHIMNEY_1_PATH}.TsRawAtt")),
                Code::InvalidArgument,
                "is not a time series attribute of object",
            ),
            (
                create("Capacity", &plant_attribute("TsRawAtt")),
                Code::InvalidArgument,
                "invalid category 'Capacity'",
            ),
            (
                create("ProductionMin[MW]", &plant_attribute("NoSuchAtt")),
                Code::NotFound,
                "attribute not found",
            ),
        ];
        for (request, code, text) in refused {
            assert_refused(
                av.client.create_advanced_restriction(request).await,
                code,
                text,
            );
        }

        let get = |category: &str| GetAdvancedRestrictionRequest {
            session_id: Some(s.clone()),
            owner_id: Some(by_id(PLANT_ID)),
            category: category.to_string(),
        };
        let got = av
            .client
            .get_advanced_restriction(get("ProductionMax[MW]"))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(got, made);
        assert_refused(
            av.client
                .get_advanced_restriction(get("ProductionMin[MW]"))
                .await,
            Code::NotFound,
            "advanced restriction with category 'ProductionMin[MW]' not found",
        );
        let mut found = av
            .client
            .search_advanced_restrictions(SearchAdvancedRestrictionsRequest {
                session_id: Some(s.clone()),
                owner_ids: vec![by_path(COMPONENT), by_path(PLANT)],
            })
            .await
            .unwrap()
            .into_inner();
        let mut all = Vec::new();
        while let Some(a) = found.message().await.unwrap() {
            all.push(a);
        }
        assert_eq!(all, [made]);

        let delete = |categories: &[&str]| DeleteAdvancedRestrictionsRequest {
            session_id: Some(s.clone()),
            owner_id: Some(by_path(PLANT)),
            categories: categories.iter().map(|c| c.to_string()).collect(),
        };
        assert_refused(
            av.client
                .delete_advanced_restrictions(delete(&["ProductionMax[MW]", "ReservoirMin[Mm3]"]))
                .await,
            Code::NotFound,
            "'ReservoirMin[Mm3]' not found",
        );
        av.client
            .delete_advanced_restrictions(delete(&["ProductionMax[MW]"]))
            .await
            .unwrap();
        assert_refused(
            av.client
                .get_advanced_restriction(get("ProductionMax[MW]"))
                .await,
            Code::NotFound,
            "not found",
        );
    });
}

#[test]
fn the_lists_name_what_events_may_use() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let s = av.open().await;
        let revision_statuses = av
            .client
            .list_revision_statuses(ListRevisionStatusesRequest {
                session_id: Some(s.clone()),
            })
            .await
            .unwrap()
            .into_inner()
            .statuses;
        let restriction_statuses = av
            .client
            .list_restriction_statuses(ListRestrictionStatusesRequest {
                session_id: Some(s.clone()),
            })
            .await
            .unwrap()
            .into_inner()
            .statuses;
        let categories = av
            .client
            .list_availability_categories(ListAvailabilityCategoriesRequest {
                session_id: Some(s.clone()),
            })
            .await
            .unwrap()
            .into_inner()
            .categories;
        // The names the official tests use are among them.
        assert!(revision_statuses.contains(&"Planned".to_string()));
        assert!(restriction_statuses.contains(&"SelfImposed".to_string()));
        for c in ["DischargeMin[m3/s]", "DischargeMax[m3/s]"] {
            assert!(categories.contains(&c.to_string()), "{c}");
        }

        av.create_revision(revision_request(&s, by_path(COMPONENT), "r"))
            .await
            .unwrap();
        for status in &revision_statuses {
            av.add(add_request(
                &s,
                by_path(COMPONENT),
                "r",
                once(status),
                0,
                DAY,
            ))
            .await
            .unwrap();
        }
        for (i, category) in categories.iter().enumerate() {
            for status in &restriction_statuses {
                let id = format!("{i}-{status}");
                av.create_restriction(CreateRestrictionRequest {
                    category: category.clone(),
                    ..restriction_request(
                        &s,
                        by_path(COMPONENT),
                        &id,
                        basic(once(status), 0, DAY, 1.0),
                    )
                })
                .await
                .unwrap();
            }
        }
        let found = av
            .search(&s, EventType::Restriction, vec![by_path(COMPONENT)])
            .await
            .unwrap();
        assert_eq!(found.len(), categories.len() * restriction_statuses.len());
        // A status that is not a revision's.
        let not_a_revision_status = restriction_statuses
            .iter()
            .find(|s| !revision_statuses.contains(s))
            .expect("the lists differ");
        assert_refused(
            av.add(add_request(
                &s,
                by_path(COMPONENT),
                "r",
                once(not_a_revision_status),
                0,
                DAY,
            ))
            .await,
            Code::InvalidArgument,
            "invalid revision status",
        );
    });
}
