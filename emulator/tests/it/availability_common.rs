//! What the availability tests share: the availability client (with the
//! token a request carries, if any) and the model clients, and builders of
//! the requests and readers of the answers they use most.

use mesh_emulator::proto::availability::availability_service_client::AvailabilityServiceClient;
use mesh_emulator::proto::availability::{
    availability_event::EventOneof, instance::InstanceOneof,
    restriction_recurrence::RecurrenceOneof, *,
};
use mesh_emulator::proto::types::{Guid, MeshId};
use prost_types::{FieldMask, Timestamp};
use tonic::transport::Channel;
use tonic::{Request, Status};

use crate::common::model::{date, timestamp};
use crate::common::{interval, Emulator, Mesh, HOUR};

pub const DAY: i64 = 24 * HOUR;
pub const CORRUPT: &str = "is corrupt due to changes done by some other session";

/// The generated clients, with the token every request carries (if any).
pub struct Av {
    pub mesh: Mesh,
    pub client: AvailabilityServiceClient<Channel>,
    pub token: Option<&'static str>,
}

impl Av {
    pub async fn connect(emu: &Emulator) -> Av {
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

    pub fn request<T>(&self, message: T) -> Request<T> {
        let mut request = Request::new(message);
        if let Some(token) = self.token {
            let value = format!("Bearer {token}").parse().expect("a header value");
            request.metadata_mut().insert("authorization", value);
        }
        request
    }

    pub async fn open(&mut self) -> Guid {
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

    pub async fn create_revision(&mut self, r: CreateRevisionRequest) -> Result<Revision, Status> {
        let request = self.request(r);
        Ok(self.client.create_revision(request).await?.into_inner())
    }

    pub async fn create_restriction(
        &mut self,
        r: CreateRestrictionRequest,
    ) -> Result<Restriction, Status> {
        let request = self.request(r);
        Ok(self.client.create_restriction(request).await?.into_inner())
    }

    pub async fn add(&mut self, r: AddRevisionRecurrenceRequest) -> Result<u32, Status> {
        let request = self.request(r);
        Ok(self
            .client
            .add_revision_recurrence(request)
            .await?
            .into_inner()
            .recurrence_id)
    }

    pub async fn get(&mut self, s: &Guid, owner: MeshId, id: &str) -> Result<EventOneof, Status> {
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

    pub async fn revision(&mut self, s: &Guid, owner: MeshId, id: &str) -> Revision {
        match self.get(s, owner, id).await {
            Ok(EventOneof::Revision(r)) => r,
            other => panic!("not a revision: {other:?}"),
        }
    }

    pub async fn restriction(&mut self, s: &Guid, owner: MeshId, id: &str) -> Restriction {
        match self.get(s, owner, id).await {
            Ok(EventOneof::Restriction(r)) => r,
            other => panic!("not a restriction: {other:?}"),
        }
    }

    pub async fn search(
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
    pub async fn instances(
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

    pub async fn update_revision(&mut self, r: UpdateRevisionRequest) -> Result<(), Status> {
        let request = self.request(r);
        self.client.update_revision(request).await.map(drop)
    }

    pub async fn update_restriction(&mut self, r: UpdateRestrictionRequest) -> Result<(), Status> {
        let request = self.request(r);
        self.client.update_restriction(request).await.map(drop)
    }

    pub async fn delete_by_id(
        &mut self,
        s: &Guid,
        owner: MeshId,
        ids: &[&str],
    ) -> Result<(), Status> {
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

pub fn ms(t: Option<&Timestamp>) -> i64 {
    let t = t.expect("a timestamp");
    t.seconds * 1000 + i64::from(t.nanos) / 1_000_000
}

pub fn span(i: Option<&mesh_emulator::proto::types::UtcInterval>) -> (i64, i64) {
    let i = i.expect("an interval");
    (ms(i.start_time.as_ref()), ms(i.end_time.as_ref()))
}

pub fn at(y: i32, m: u32, d: u32, h: u32) -> i64 {
    date(y, m, d) + i64::from(h) * HOUR
}

pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(since.as_millis()).expect("before 2262")
}

pub fn recurrence(
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

pub fn once(status: &str) -> Recurrence {
    recurrence(status, RecurrenceType::None, None, None)
}

pub fn revision_request(s: &Guid, owner: MeshId, id: &str) -> CreateRevisionRequest {
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

pub fn add_request(
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

pub fn basic(r: Recurrence, from: i64, to: i64, value: f64) -> RestrictionRecurrence {
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

pub fn complex(r: Recurrence, points: &[(i64, f64)]) -> RestrictionRecurrence {
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

pub fn restriction_request(
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

pub fn mask(paths: &[&str]) -> Option<FieldMask> {
    Some(FieldMask {
        paths: paths.iter().map(|p| p.to_string()).collect(),
    })
}

pub fn event_ids(events: &[EventOneof]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            EventOneof::Revision(r) => r.event_id.clone(),
            EventOneof::Restriction(r) => r.event_id.clone(),
        })
        .collect()
}

pub fn record(r: &Option<RecordInfo>) -> (String, i64) {
    let r = r.as_ref().expect("a record");
    (r.author.clone(), ms(r.timestamp.as_ref()))
}
