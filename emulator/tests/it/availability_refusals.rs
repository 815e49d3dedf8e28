//! Bad availability requests over TCP, one table: each refused with the
//! exact gRPC code and Mesh's words (or the emulator's, where Mesh's are
//! not known), and none of them changing anything.

use mesh_emulator::proto::availability::*;
use mesh_emulator::proto::types::Guid;
use tonic::{Code, Status};

use crate::availability_common::*;
use crate::common::model::*;
use crate::common::*;

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
                "a creation time out of protobuf's range",
                av.create_revision(CreateRevisionRequest {
                    created_timestamp: Some(prost_types::Timestamp {
                        seconds: 0,
                        nanos: 1_500_000_000,
                    }),
                    ..revision_request(&s, component(), "x")
                })
                .await
                .map(drop),
                Code::InvalidArgument,
                "created_timestamp is not a valid time",
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
