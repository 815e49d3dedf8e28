//! What the calculation tests share: the calculation and model clients,
//! a catalog of series the tests fill themselves, and the expected answers
//! worked out here with chrono and plain arithmetic, never with the
//! emulator's calculation engine.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use mesh_emulator::proto::calc::calculation_response::CalculationResultOneof;
use mesh_emulator::proto::calc::calculation_service_client::CalculationServiceClient;
use mesh_emulator::proto::calc::CalculationRequest;
use mesh_emulator::proto::model::model_service_client::ModelServiceClient;
use mesh_emulator::proto::model::UpdateTimeseriesAttributeRequest;
use mesh_emulator::proto::types::{Guid, MeshId};
use mesh_emulator::{Config, Emulator, SeriesSpec};
use tonic::transport::Channel;

use crate::common::{decode, interval, Mesh, P};

pub const SUSPECT: u32 = 0x0200_0000;

/// The plant and its attributes in the official tests' model.
pub const PLANT_ID: uuid::Uuid = uuid::Uuid::from_u128(0x0000000a_0001_0000_0000_000000000000);
pub const PLANT: &str = "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1";

/// Series of the tests' own catalog, empty until a test writes them.
pub const HOURLY_STEPS: i64 = 600;
pub const BREAKPOINTS: i64 = 601;

/// An emulator with the tests' catalog and `zone` as its own zone.
pub fn emulator_in(zone: Tz) -> Emulator {
    let spec = |key, path: &str, curve, resolution| SeriesSpec {
        key,
        path: path.to_string(),
        curve,
        resolution,
        unit: "MW".to_string(),
        demo_points: false,
    };
    Emulator::start_local(Config {
        catalog: vec![
            spec(HOURLY_STEPS, "Resource/Calc/HourlySteps", 3, 3),
            spec(BREAKPOINTS, "Resource/Calc/Breakpoints", 3, 1),
        ],
        time_zone: zone,
        ..Config::default()
    })
    .expect("start emulator")
}

/// An emulator with the tests' catalog in the default zone.
pub fn calc_emulator() -> Emulator {
    emulator_in(mesh_emulator::DEFAULT_TIME_ZONE)
}

/// The calculation and model clients besides the common ones.
pub struct Calc {
    pub mesh: Mesh,
    pub calc: CalculationServiceClient<Channel>,
    pub model: ModelServiceClient<Channel>,
}

impl Calc {
    pub async fn connect(emu: &Emulator) -> Calc {
        let channel = Channel::from_shared(emu.url())
            .expect("url")
            .connect()
            .await
            .expect("connect");
        Calc {
            mesh: Mesh::connect(emu).await,
            calc: CalculationServiceClient::new(channel.clone()),
            model: ModelServiceClient::new(channel),
        }
    }

    pub async fn run(
        &mut self,
        session: &Guid,
        expression: &str,
        (start, end): (i64, i64),
        relative_to: Option<MeshId>,
    ) -> Result<Answer, tonic::Status> {
        let reply = self
            .calc
            .run_calculation(CalculationRequest {
                session_id: Some(session.clone()),
                expression: expression.to_string(),
                interval: Some(interval(start, end)),
                relative_to,
            })
            .await?
            .into_inner();
        Ok(match reply.calculation_result_oneof {
            Some(CalculationResultOneof::TimeseriesResults(r)) => Answer::Series(
                r.timeseries
                    .into_iter()
                    .map(|t| Calculated {
                        has_id: t.id.is_some(),
                        resolution: t.resolution.map_or(0, |r| r.r#type),
                        points: decode(&t.data).0,
                    })
                    .collect(),
            ),
            Some(CalculationResultOneof::NumericResults(r)) => Answer::Numbers(r.value),
            Some(CalculationResultOneof::StringResults(r)) => Answer::Strings(r.value),
            None => panic!("a calculation answered nothing"),
        })
    }

    /// Runs `expression`, which must give one series.
    pub async fn series(
        &mut self,
        session: &Guid,
        expression: &str,
        iv: (i64, i64),
        relative_to: Option<MeshId>,
    ) -> Calculated {
        match self.run(session, expression, iv, relative_to).await {
            Ok(Answer::Series(mut list)) if list.len() == 1 => list.remove(0),
            other => panic!("{expression}: expected one series, got {other:?}"),
        }
    }

    /// Sets (or with `""` clears) the local expression of attribute `path`.
    pub async fn set_local_expression(&mut self, session: &Guid, path: &str, expression: &str) {
        self.model
            .update_timeseries_attribute(UpdateTimeseriesAttributeRequest {
                session_id: Some(session.clone()),
                attribute_id: Some(crate::common::by_path(path)),
                field_mask: Some(prost_types::FieldMask {
                    paths: vec!["new_local_expression".to_string()],
                }),
                new_timeseries_resource_key: 0,
                new_local_expression: expression.to_string(),
            })
            .await
            .expect("update the local expression");
    }
}

#[derive(Debug)]
pub struct Calculated {
    pub has_id: bool,
    pub resolution: i32,
    pub points: Vec<P>,
}

#[derive(Debug)]
pub enum Answer {
    Series(Vec<Calculated>),
    Numbers(Vec<f64>),
    Strings(Vec<String>),
}

/// UTC ms of a UTC wall-clock time.
pub fn utc(y: i32, m: u32, d: u32, h: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
        .expect("a valid date")
}

/// UTC ms of local midnight of a date in `zone`.
pub fn midnight(zone: Tz, y: i32, m: u32, d: u32) -> i64 {
    let naive = NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("a valid date");
    zone.from_local_datetime(&naive)
        .earliest()
        .expect("midnight exists")
        .timestamp_millis()
}

/// Asserts `points` have these times, values (NaN equal to NaN, within
/// 1e-9) and flags.
pub fn assert_points(points: &[P], expected: &[(i64, f64, u32)], what: &str) {
    let got: Vec<(i64, f64, u32)> = points.iter().map(|p| (p.t, p.value(), p.flags)).collect();
    assert_eq!(
        got.len(),
        expected.len(),
        "{what}: {got:?} is not {expected:?}"
    );
    for (g, e) in got.iter().zip(expected) {
        let same_value = (g.1.is_nan() && e.1.is_nan()) || (g.1 - e.1).abs() <= 1e-9;
        assert!(
            g.0 == e.0 && same_value && g.2 == e.2,
            "{what}: {g:?} is not {e:?} (all: {got:?})"
        );
    }
}
