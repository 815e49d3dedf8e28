//! AvailabilityService over TCP with the generated client: revisions and
//! restrictions through their lives, who and when they record, their
//! recurrences expanded into instances (expected lists worked out here,
//! day by day or month by month, independently of the emulator), session
//! isolation and commit conflicts, advanced restrictions, the lists of
//! statuses and categories, and bad requests refused in Mesh's words.

mod common;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use common::model::*;
use common::*;
use mesh_emulator::proto::availability::availability_service_client::AvailabilityServiceClient;
use mesh_emulator::proto::availability::{
    availability_event::EventOneof, instance::InstanceOneof,
    restriction_recurrence::RecurrenceOneof, *,
};
use mesh_emulator::proto::types::{Guid, MeshId};
use mesh_emulator::Identity;
use prost_types::{FieldMask, Timestamp};
use tonic::transport::Channel;
use tonic::{Code, Request, Status};

const DAY: i64 = 24 * HOUR;
const CORRUPT: &str = "is corrupt due to changes done by some other session";

/// The generated clients, with the token every request carries (if any).
struct Av {
    mesh: Mesh,
    client: AvailabilityServiceClient<Channel>,
    token: Option<&'static str>,
}

impl Av {
    async fn connect(emu: &Emulator) -> Av {
        let mesh = Mesh::connect(emu).await;
        let channel = Channel::from_shared(emu.url())
            .expect("url")
            .connect()
            .await
            .expect("connect");
        Av {
            mesh,
            client: AvailabilityServiceClient::new(channel),
            token: None,
        }
    }

    fn request<T>(&self, message: T) -> Request<T> {
        let mut request = Request::new(message);
        if let Some(token) = self.token {
            let value = format!("Bearer {token}").parse().expect("a header value");
            request.metadata_mut().insert("authorization", value);
        }
        request
    }

    async fn open(&mut self) -> Guid {
        let request = self.request(());
        self.mesh
            .session
            .start_session(request)
            .await
            .expect("start session")
            .into_inner()
            .session_id
            .expect("session id")
    }

    async fn create_revision(&mut self, r: CreateRevisionRequest) -> Result<Revision, Status> {
        let request = self.request(r);
        Ok(self.client.create_revision(request).await?.into_inner())
    }

    async fn create_restriction(
        &mut self,
        r: CreateRestrictionRequest,
    ) -> Result<Restriction, Status> {
        let request = self.request(r);
        Ok(self.client.create_restriction(request).await?.into_inner())
    }

    async fn add(&mut self, r: AddRevisionRecurrenceRequest) -> Result<u32, Status> {
        let request = self.request(r);
        Ok(self
            .client
            .add_revision_recurrence(request)
            .await?
            .into_inner()
            .recurrence_id)
    }

    async fn get(&mut self, s: &Guid, owner: MeshId, id: &str) -> Result<EventOneof, Status> {
        let request = self.request(GetAvailabilityEventRequest {
            session_id: Some(s.clone()),
            owner_id: Some(owner),
            event_id: id.to_string(),
        });
        let event = self
            .client
            .get_availability_event(request)
            .await?
            .into_inner();
        Ok(event.event_oneof.expect("an event of a kind"))
    }

    async fn revision(&mut self, s: &Guid, owner: MeshId, id: &str) -> Revision {
        match self.get(s, owner, id).await {
            Ok(EventOneof::Revision(r)) => r,
            other => panic!("not a revision: {other:?}"),
        }
    }

    async fn restriction(&mut self, s: &Guid, owner: MeshId, id: &str) -> Restriction {
        match self.get(s, owner, id).await {
            Ok(EventOneof::Restriction(r)) => r,
            other => panic!("not a restriction: {other:?}"),
        }
    }

    async fn search(
        &mut self,
        s: &Guid,
        kind: EventType,
        owners: Vec<MeshId>,
    ) -> Result<Vec<EventOneof>, Status> {
        let request = self.request(SearchAvailabilityEventsRequest {
            session_id: Some(s.clone()),
            event_type: kind as i32,
            owner_ids: owners,
        });
        let mut stream = self
            .client
            .search_availability_events(request)
            .await?
            .into_inner();
        let mut out = Vec::new();
        while let Some(event) = stream.message().await? {
            out.push(event.event_oneof.expect("an event of a kind"));
        }
        Ok(out)
    }

    /// `(start, end, value)` of an event's instances in `[from, to)`.
    async fn instances(
        &mut self,
        s: &Guid,
        owner: MeshId,
        id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(i64, i64, Option<f64>)>, Status> {
        let request = self.request(SearchInstancesRequest {
            session_id: Some(s.clone()),
            owner_id: Some(owner),
            event_id: id.to_string(),
            interval: Some(interval(from, to)),
        });
        let mut stream = self.client.search_instances(request).await?.into_inner();
        let mut out = Vec::new();
        while let Some(instance) = stream.message().await? {
            out.push(
                match instance.instance_oneof.expect("an instance of a kind") {
                    InstanceOneof::RevisionInstance(i) => {
                        let (a, b) = span(i.period.as_ref());
                        (a, b, None)
                    }
                    InstanceOneof::RestrictionInstance(i) => {
                        let (a, b) = span(i.period.as_ref());
                        (a, b, Some(i.value))
                    }
                },
            );
        }
        Ok(out)
    }

    async fn update_revision(&mut self, r: UpdateRevisionRequest) -> Result<(), Status> {
        let request = self.request(r);
        self.client.update_revision(request).await.map(drop)
    }

    async fn update_restriction(&mut self, r: UpdateRestrictionRequest) -> Result<(), Status> {
        let request = self.request(r);
        self.client.update_restriction(request).await.map(drop)
    }

    async fn delete_by_id(&mut self, s: &Guid, owner: MeshId, ids: &[&str]) -> Result<(), Status> {
        let request = self.request(DeleteAvailabilityEventsByIdRequest {
            session_id: Some(s.clone()),
            owner_id: Some(owner),
            event_ids: ids.iter().map(|i| i.to_string()).collect(),
        });
        self.client
            .delete_availability_events_by_id(request)
            .await
            .map(drop)
    }
}

fn ms(t: Option<&Timestamp>) -> i64 {
    let t = t.expect("a timestamp");
    t.seconds * 1000 + i64::from(t.nanos) / 1_000_000
}

fn span(i: Option<&mesh_emulator::proto::types::UtcInterval>) -> (i64, i64) {
    let i = i.expect("an interval");
    (ms(i.start_time.as_ref()), ms(i.end_time.as_ref()))
}

fn at(y: i32, m: u32, d: u32, h: u32) -> i64 {
    date(y, m, d) + i64::from(h) * HOUR
}

fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(since.as_millis()).expect("before 2262")
}

fn recurrence(
    status: &str,
    kind: RecurrenceType,
    every: Option<u32>,
    until: Option<i64>,
) -> Recurrence {
    Recurrence {
        status: status.to_string(),
        description: format!("{kind:?}"),
        recurrence_type: kind as i32,
        recur_every: every,
        recur_until: until.map(timestamp),
    }
}

fn once(status: &str) -> Recurrence {
    recurrence(status, RecurrenceType::None, None, None)
}

fn revision_request(s: &Guid, owner: MeshId, id: &str) -> CreateRevisionRequest {
    CreateRevisionRequest {
        session_id: Some(s.clone()),
        owner_id: Some(owner),
        event_id: id.to_string(),
        local_id: format!("{id}-local"),
        reason: format!("{id} reason"),
        created_author: None,
        created_timestamp: None,
        last_changed_author: None,
    }
}

fn add_request(
    s: &Guid,
    owner: MeshId,
    id: &str,
    r: Recurrence,
    from: i64,
    to: i64,
) -> AddRevisionRecurrenceRequest {
    AddRevisionRecurrenceRequest {
        session_id: Some(s.clone()),
        owner_id: Some(owner),
        event_id: id.to_string(),
        revision_recurrence: Some(RevisionRecurrence {
            recurrence_id: 0,
            recurrence: Some(r),
            period: Some(interval(from, to)),
            active_instance: None,
        }),
        author: None,
    }
}

fn basic(r: Recurrence, from: i64, to: i64, value: f64) -> RestrictionRecurrence {
    RestrictionRecurrence {
        recurrence_oneof: Some(RecurrenceOneof::BasicRecurrence(
            RestrictionBasicRecurrence {
                recurrence: Some(r),
                period: Some(interval(from, to)),
                value,
            },
        )),
    }
}

fn complex(r: Recurrence, points: &[(i64, f64)]) -> RestrictionRecurrence {
    RestrictionRecurrence {
        recurrence_oneof: Some(RecurrenceOneof::ComplexRecurrence(
            RestrictionComplexRecurrence {
                recurrence: Some(r),
                values: points
                    .iter()
                    .map(|(t, value)| TimePoint {
                        value: *value,
                        timestamp: Some(timestamp(*t)),
                    })
                    .collect(),
            },
        )),
    }
}

fn restriction_request(
    s: &Guid,
    owner: MeshId,
    id: &str,
    recurrence: RestrictionRecurrence,
) -> CreateRestrictionRequest {
    CreateRestrictionRequest {
        session_id: Some(s.clone()),
        owner_id: Some(owner),
        event_id: id.to_string(),
        category: "DischargeMin[m3/s]".to_string(),
        local_id: format!("{id}-local"),
        reason: format!("{id} reason"),
        restriction_recurrence: Some(recurrence),
        created_author: None,
        created_timestamp: None,
        last_changed_author: None,
    }
}

fn mask(paths: &[&str]) -> Option<FieldMask> {
    Some(FieldMask {
        paths: paths.iter().map(|p| p.to_string()).collect(),
    })
}

fn event_ids(events: &[EventOneof]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            EventOneof::Revision(r) => r.event_id.clone(),
            EventOneof::Restriction(r) => r.event_id.clone(),
        })
        .collect()
}

fn record(r: &Option<RecordInfo>) -> (String, i64) {
    let r = r.as_ref().expect("a record");
    (r.author.clone(), ms(r.timestamp.as_ref()))
}

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
fn plus_months(first: i64, n: u32) -> i64 {
    let t = Utc.timestamp_millis_opt(first).single().expect("a time");
    let months = t.year() * 12 + t.month0() as i32 + n as i32;
    let (year, month) = (months.div_euclid(12), months.rem_euclid(12) as u32 + 1);
    let mut day = t.day();
    while NaiveDate::from_ymd_opt(year, month, day).is_none() {
        day -= 1;
    }
    date(year, month, day) + first.rem_euclid(DAY)
}

/// The starts of a recurrence's instances that overlap `[from, to)`,
/// stepping one repetition at a time from the first.
fn expected_starts(
    kind: RecurrenceType,
    every: u32,
    until: i64,
    first: i64,
    length: i64,
    (from, to): (i64, i64),
) -> Vec<i64> {
    let mut out = Vec::new();
    for k in 0u32.. {
        let start = match kind {
            RecurrenceType::None if k > 0 => break,
            RecurrenceType::None => first,
            RecurrenceType::Daily => first + i64::from(k * every) * DAY,
            RecurrenceType::Weekly => first + i64::from(k * every) * 7 * DAY,
            RecurrenceType::Monthly => plus_months(first, k * every),
            RecurrenceType::Yearly => plus_months(first, 12 * k * every),
        };
        if (k > 0 && start >= until) || start >= to {
            break;
        }
        if start + length > from {
            out.push(start);
        }
    }
    out
}

#[test]
fn recurrences_expand_into_the_instances_that_overlap_a_search() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let s = av.open().await;
        // (kind, every, until, first start, length, searched interval)
        let table = [
            (
                RecurrenceType::None,
                0,
                0,
                at(2023, 1, 1, 8),
                8 * HOUR,
                (at(2023, 1, 1, 0), at(2023, 1, 2, 0)),
            ),
            (
                RecurrenceType::None,
                0,
                0,
                at(2023, 1, 1, 8),
                8 * HOUR,
                (at(2023, 1, 1, 16), at(2023, 1, 2, 0)),
            ),
            (
                RecurrenceType::Daily,
                1,
                at(2023, 1, 5, 23),
                at(2023, 1, 1, 8),
                8 * HOUR,
                (at(2023, 1, 2, 0), at(2023, 1, 4, 23)),
            ),
            (
                RecurrenceType::Daily,
                3,
                at(2023, 6, 1, 0),
                at(2023, 1, 1, 22),
                4 * HOUR,
                (at(2023, 2, 1, 0), at(2023, 3, 1, 0)),
            ),
            (
                RecurrenceType::Weekly,
                1,
                at(2023, 2, 15, 0),
                at(2023, 1, 5, 0),
                DAY,
                (at(2023, 1, 1, 0), at(2023, 1, 31, 0)),
            ),
            (
                RecurrenceType::Weekly,
                2,
                at(2024, 1, 1, 0),
                at(2023, 1, 2, 0),
                10 * DAY,
                (at(2023, 3, 1, 0), at(2023, 5, 1, 0)),
            ),
            (
                RecurrenceType::Monthly,
                1,
                at(2025, 1, 1, 0),
                at(2024, 1, 31, 6),
                HOUR,
                (at(2024, 1, 1, 0), at(2024, 12, 31, 0)),
            ),
            (
                RecurrenceType::Monthly,
                5,
                at(2040, 1, 1, 0),
                at(2020, 3, 31, 0),
                2 * DAY,
                (at(2031, 1, 1, 0), at(2033, 1, 1, 0)),
            ),
            (
                RecurrenceType::Yearly,
                1,
                at(2033, 1, 1, 0),
                at(2020, 2, 29, 12),
                DAY,
                (at(2019, 1, 1, 0), at(2030, 1, 1, 0)),
            ),
            // A search past `until` finds nothing.
            (
                RecurrenceType::Daily,
                1,
                at(2023, 1, 10, 0),
                at(2023, 1, 1, 0),
                HOUR,
                (at(2023, 1, 10, 0), at(2023, 2, 1, 0)),
            ),
        ];
        for (i, (kind, every, until, first, length, searched)) in table.into_iter().enumerate() {
            let id = format!("r{i}");
            av.create_revision(revision_request(&s, by_path(COMPONENT), &id))
                .await
                .unwrap();
            let repeats = kind != RecurrenceType::None;
            let r = recurrence(
                "Planned",
                kind,
                repeats.then_some(every),
                repeats.then_some(until),
            );
            av.add(add_request(
                &s,
                by_path(COMPONENT),
                &id,
                r,
                first,
                first + length,
            ))
            .await
            .unwrap();
            let expected: Vec<(i64, i64, Option<f64>)> =
                expected_starts(kind, every, until, first, length, searched)
                    .into_iter()
                    .map(|start| (start, start + length, None))
                    .collect();
            let found = av
                .instances(&s, by_path(COMPONENT), &id, searched.0, searched.1)
                .await
                .unwrap();
            assert_eq!(found, expected, "row {i}: {kind:?} every {every}");
        }
        // The table means something: most rows find several instances.
        let counts: Vec<usize> = {
            let mut counts = Vec::new();
            for (i, (.., searched)) in table.into_iter().enumerate() {
                let found = av
                    .instances(
                        &s,
                        by_path(COMPONENT),
                        &format!("r{i}"),
                        searched.0,
                        searched.1,
                    )
                    .await
                    .unwrap();
                counts.push(found.len());
            }
            counts
        };
        assert_eq!(counts, [1, 0, 3, 10, 4, 5, 11, 5, 10, 0]);
    });
}

#[test]
fn restriction_instances_carry_their_values() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let s = av.open().await;
        let weekly = recurrence(
            "SelfImposed",
            RecurrenceType::Weekly,
            Some(1),
            Some(at(2023, 1, 31, 0)),
        );
        av.create_restriction(restriction_request(
            &s,
            by_path(COMPONENT),
            "basic",
            basic(weekly, at(2023, 1, 2, 0), at(2023, 1, 3, 0), 75.5),
        ))
        .await
        .unwrap();
        let found = av
            .instances(
                &s,
                by_path(COMPONENT),
                "basic",
                at(2023, 1, 1, 0),
                at(2023, 2, 1, 0),
            )
            .await
            .unwrap();
        let expected: Vec<_> = [2, 9, 16, 23, 30]
            .iter()
            .map(|d| (at(2023, 1, *d, 0), at(2023, 1, d + 1, 0), Some(75.5)))
            .collect();
        assert_eq!(found, expected);

        // A step curve repeated daily: each value from its point to the next.
        let daily = recurrence(
            "SelfImposed",
            RecurrenceType::Daily,
            Some(1),
            Some(at(2023, 1, 3, 0)),
        );
        let points = [
            (at(2023, 1, 1, 8), 80.0),
            (at(2023, 1, 1, 12), 60.0),
            (at(2023, 1, 1, 16), 70.0),
            (at(2023, 1, 1, 20), 90.0),
        ];
        let created = av
            .create_restriction(restriction_request(
                &s,
                by_path(COMPONENT),
                "curve",
                complex(daily, &points),
            ))
            .await
            .unwrap();
        match created
            .restriction_recurrence
            .and_then(|r| r.recurrence_oneof)
        {
            Some(RecurrenceOneof::ComplexRecurrence(c)) => {
                let back: Vec<(i64, f64)> = c
                    .values
                    .iter()
                    .map(|p| (ms(p.timestamp.as_ref()), p.value))
                    .collect();
                assert_eq!(back, points);
            }
            other => panic!("not a complex recurrence: {other:?}"),
        }
        let found = av
            .instances(
                &s,
                by_path(COMPONENT),
                "curve",
                at(2023, 1, 1, 10),
                at(2023, 1, 2, 14),
            )
            .await
            .unwrap();
        assert_eq!(
            found,
            [
                (at(2023, 1, 1, 8), at(2023, 1, 1, 12), Some(80.0)),
                (at(2023, 1, 1, 12), at(2023, 1, 1, 16), Some(60.0)),
                (at(2023, 1, 1, 16), at(2023, 1, 1, 20), Some(70.0)),
                (at(2023, 1, 2, 8), at(2023, 1, 2, 12), Some(80.0)),
                (at(2023, 1, 2, 12), at(2023, 1, 2, 16), Some(60.0)),
            ]
        );

        // Changing the recurrence changes the instances.
        av.update_restriction(UpdateRestrictionRequest {
            session_id: Some(s.clone()),
            owner_id: Some(by_path(COMPONENT)),
            event_id: "curve".into(),
            field_mask: mask(&["new_restriction_recurrence", "new_category"]),
            new_category: "DischargeMax[m3/s]".into(),
            new_restriction_recurrence: Some(basic(
                once("Planned"),
                at(2023, 2, 1, 0),
                at(2023, 2, 10, 0),
                50.0,
            )),
            ..UpdateRestrictionRequest::default()
        })
        .await
        .unwrap();
        let got = av.restriction(&s, by_path(COMPONENT), "curve").await;
        assert_eq!(got.category, "DischargeMax[m3/s]");
        let found = av
            .instances(
                &s,
                by_path(COMPONENT),
                "curve",
                at(2023, 1, 1, 0),
                at(2024, 1, 1, 0),
            )
            .await
            .unwrap();
        assert_eq!(found, [(at(2023, 2, 1, 0), at(2023, 2, 10, 0), Some(50.0))]);
    });
}

#[test]
fn the_active_instance_is_the_one_in_force_else_the_next() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let s = av.open().await;
        // Whole seconds, so the times round-trip exactly.
        let now = now_ms() / 1000 * 1000;
        av.create_revision(revision_request(&s, by_path(COMPONENT), "r"))
            .await
            .unwrap();
        let daily = recurrence("Planned", RecurrenceType::Daily, Some(1), None);
        let first = now - 10 * DAY + 2 * HOUR;
        let cases = [
            (
                once("Planned"),
                now - HOUR,
                now + HOUR,
                Some((now - HOUR, now + HOUR)),
            ),
            (once("Planned"), now - 2 * DAY, now - DAY, None),
            (
                once("Planned"),
                now + DAY,
                now + 2 * DAY,
                Some((now + DAY, now + 2 * DAY)),
            ),
            // Yesterday's ended; today's starts in two hours.
            (
                daily,
                first,
                first + HOUR,
                Some((now + 2 * HOUR, now + 3 * HOUR)),
            ),
        ];
        for (r, from, to, _) in cases.clone() {
            av.add(add_request(&s, by_path(COMPONENT), "r", r, from, to))
                .await
                .unwrap();
        }
        let got = av.revision(&s, by_path(COMPONENT), "r").await;
        let active: Vec<Option<(i64, i64)>> = got
            .recurrences
            .iter()
            .map(|r| r.active_instance.as_ref().map(|i| span(i.period.as_ref())))
            .collect();
        let expected: Vec<_> = cases.iter().map(|c| c.3).collect();
        assert_eq!(active, expected);

        let weekly = recurrence("SelfImposed", RecurrenceType::Weekly, Some(1), None);
        let start = now - 7 * DAY - HOUR;
        let restriction = av
            .create_restriction(restriction_request(
                &s,
                by_path(COMPONENT),
                "x",
                basic(weekly, start, start + 2 * HOUR, 4.5),
            ))
            .await
            .unwrap();
        let active = restriction.active_instance.expect("in force now");
        assert_eq!(span(active.period.as_ref()), (now - HOUR, now + HOUR));
        assert_eq!(active.value, 4.5);
    });
}

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

#[test]
fn bad_requests_are_refused_in_mesh_words() {
    let emu = emulator();
    run(async {
        let mut av = Av::connect(&emu).await;
        let s = av.open().await;
        let component = || by_path(COMPONENT);
        av.create_revision(revision_request(&s, component(), "rev"))
            .await
            .unwrap();
        let limit = basic(
            once("SelfImposed"),
            at(2023, 1, 1, 0),
            at(2023, 1, 2, 0),
            1.0,
        );
        av.create_restriction(restriction_request(&s, component(), "res", limit.clone()))
            .await
            .unwrap();
        let daily = |every, until| recurrence("SelfImposed", RecurrenceType::Daily, every, until);
        let unknown_session = Guid {
            bytes_le: uuid::Uuid::new_v4().to_bytes_le().to_vec(),
        };

        let cases: Vec<(&str, Result<(), Status>, Code, &str)> = vec![
            (
                "revision on a path that names nothing",
                av.create_revision(revision_request(&s, by_path("Invalid/Path"), "x")).await.map(drop),
                Code::NotFound,
                "object not found",
            ),
            (
                "restriction on a path that names nothing",
                av.create_restriction(restriction_request(&s, by_path("Invalid/Path"), "x", limit.clone())).await.map(drop),
                Code::NotFound,
                "object not found",
            ),
            (
                "revision on an attribute",
                av.create_revision(revision_request(&s, by_path(&plant_attribute("DblAtt")), "x")).await.map(drop),
                Code::InvalidArgument,
                "invalid type",
            ),
            (
                "no owner",
                av.create_revision(CreateRevisionRequest { owner_id: None, ..revision_request(&s, component(), "x") }).await.map(drop),
                Code::InvalidArgument,
                "owner_id is missing",
            ),
            (
                "no event id",
                av.create_revision(revision_request(&s, component(), "")).await.map(drop),
                Code::InvalidArgument,
                "no event id provided",
            ),
            (
                "an event id taken by a revision",
                av.create_restriction(restriction_request(&s, component(), "rev", limit.clone())).await.map(drop),
                Code::InvalidArgument,
                "event with event id 'rev' already exists",
            ),
            (
                "an unknown session",
                av.create_revision(revision_request(&unknown_session, component(), "x")).await.map(drop),
                Code::Internal,
                "not found.",
            ),
            (
                "a category not listed",
                av.create_restriction(CreateRestrictionRequest { category: "Capacity".into(), ..restriction_request(&s, component(), "x", limit.clone()) }).await.map(drop),
                Code::InvalidArgument,
                "invalid category 'Capacity'",
            ),
            (
                "a status not listed",
                av.create_restriction(restriction_request(&s, component(), "x", basic(once("Active"), 0, DAY, 1.0))).await.map(drop),
                Code::InvalidArgument,
                "invalid restriction status 'Active'",
            ),
            (
                "no recurrence",
                av.create_restriction(CreateRestrictionRequest { restriction_recurrence: None, ..restriction_request(&s, component(), "x", limit.clone()) }).await.map(drop),
                Code::InvalidArgument,
                "restriction_recurrence must be a basic or a complex recurrence",
            ),
            (
                "a period that ends before it starts",
                av.create_restriction(restriction_request(&s, component(), "x", basic(once("SelfImposed"), DAY, 0, 1.0))).await.map(drop),
                Code::InvalidArgument,
                "it must start before it ends",
            ),
            (
                "an empty period",
                av.add(add_request(&s, component(), "rev", once("Planned"), DAY, DAY)).await.map(drop),
                Code::InvalidArgument,
                "it must start before it ends",
            ),
            (
                "repeating without recur_every",
                av.create_restriction(restriction_request(&s, component(), "x", basic(daily(None, None), 0, DAY, 1.0))).await.map(drop),
                Code::InvalidArgument,
                "recur_every must be greater than 0",
            ),
            (
                "repeating every 0 days",
                av.create_restriction(restriction_request(&s, component(), "x", basic(daily(Some(0), None), 0, DAY, 1.0))).await.map(drop),
                Code::InvalidArgument,
                "recur_every must be greater than 0",
            ),
            (
                "repeating until before the start",
                av.create_restriction(restriction_request(&s, component(), "x", basic(daily(Some(1), Some(0)), DAY, 2 * DAY, 1.0))).await.map(drop),
                Code::InvalidArgument,
                "is before the first period starts",
            ),
            (
                "an unknown recurrence type",
                av.create_restriction(restriction_request(&s, component(), "x", basic(Recurrence { recurrence_type: 9, ..once("SelfImposed") }, 0, DAY, 1.0))).await.map(drop),
                Code::InvalidArgument,
                "invalid recurrence_type 9",
            ),
            (
                "a value that is not a number",
                av.create_restriction(restriction_request(&s, component(), "x", basic(once("SelfImposed"), 0, DAY, f64::NAN))).await.map(drop),
                Code::InvalidArgument,
                "must be a finite number",
            ),
            (
                "a curve of one point",
                av.create_restriction(restriction_request(&s, component(), "x", complex(once("SelfImposed"), &[(0, 1.0)]))).await.map(drop),
                Code::InvalidArgument,
                "at least two time points",
            ),
            (
                "a curve going back in time",
                av.create_restriction(restriction_request(&s, component(), "x", complex(once("SelfImposed"), &[(HOUR, 1.0), (0, 2.0)]))).await.map(drop),
                Code::InvalidArgument,
                "increasing time order",
            ),
            (
                "a recurrence for an event that does not exist",
                av.add(add_request(&s, component(), "nope", once("Planned"), 0, DAY)).await.map(drop),
                Code::NotFound,
                "event with event id 'nope' not found for object Model/SimpleThermalTestModel/ThermalComponent",
            ),
            (
                "a recurrence added to a restriction",
                av.add(add_request(&s, component(), "res", once("Planned"), 0, DAY)).await.map(drop),
                Code::InvalidArgument,
                "is a restriction",
            ),
            (
                "an update of nothing",
                av.update_revision(UpdateRevisionRequest { session_id: Some(s.clone()), owner_id: Some(component()), event_id: "rev".into(), ..UpdateRevisionRequest::default() }).await,
                Code::InvalidArgument,
                "nothing is set to be updated",
            ),
            (
                "an update of a field a revision lacks",
                av.update_revision(UpdateRevisionRequest { session_id: Some(s.clone()), owner_id: Some(component()), event_id: "rev".into(), field_mask: mask(&["new_category"]), ..UpdateRevisionRequest::default() }).await,
                Code::InvalidArgument,
                "field_mask: unknown field 'new_category'",
            ),
            (
                "a revision updated as a restriction",
                av.update_restriction(UpdateRestrictionRequest { session_id: Some(s.clone()), owner_id: Some(component()), event_id: "rev".into(), field_mask: mask(&["new_reason"]), ..UpdateRestrictionRequest::default() }).await,
                Code::InvalidArgument,
                "is a revision, not a restriction",
            ),
            (
                "a restriction updated as a revision",
                av.update_revision(UpdateRevisionRequest { session_id: Some(s.clone()), owner_id: Some(component()), event_id: "res".into(), field_mask: mask(&["new_reason"]), ..UpdateRevisionRequest::default() }).await,
                Code::InvalidArgument,
                "is a restriction, not a revision",
            ),
            (
                "a recurrence that does not exist",
                av.client.delete_revision_recurrence(DeleteRevisionRecurrenceRequest { session_id: Some(s.clone()), owner_id: Some(component()), event_id: "rev".into(), recurrence_id: 7, author: None }).await.map(drop),
                Code::NotFound,
                "recurrence 7 not found",
            ),
            (
                "deleting an event that does not exist",
                av.delete_by_id(&s, component(), &["rev", "nope"]).await,
                Code::NotFound,
                "event with event id 'nope' not found",
            ),
            (
                "a search of no objects",
                av.search(&s, EventType::All, Vec::new()).await.map(drop),
                Code::InvalidArgument,
                "owner_ids is empty",
            ),
            (
                "a search of an unknown event type",
                av.client.search_availability_events(SearchAvailabilityEventsRequest { session_id: Some(s.clone()), event_type: 3, owner_ids: vec![component()] }).await.map(drop),
                Code::InvalidArgument,
                "invalid event_type 3",
            ),
            (
                "instances without an interval",
                av.client.search_instances(SearchInstancesRequest { session_id: Some(s.clone()), owner_id: Some(component()), event_id: "rev".into(), interval: None }).await.map(drop),
                Code::InvalidArgument,
                "interval must have both start_time and end_time",
            ),
        ];
        for (name, result, code, text) in cases {
            let e = result.expect_err(name);
            assert_eq!(e.code(), code, "{name}: {}", e.message());
            assert!(
                e.message().contains(text),
                "{name}: '{}' lacks '{text}'",
                e.message()
            );
        }
        // None of the refused requests changed anything.
        let found = av
            .search(&s, EventType::All, vec![component()])
            .await
            .unwrap();
        assert_eq!(event_ids(&found), ["rev", "res"]);
        assert!(av
            .revision(&s, component(), "rev")
            .await
            .recurrences
            .is_empty());
    });
}
