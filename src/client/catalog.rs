//! The time series catalog through a session: what a resource is (path,
//! curve type, resolution, unit, time zone), creating physical series,
//! updating a resource, and the server's units of measurement. See
//! `docs/PROTOCOL.md` ("Catalog calls") for what Mesh does with each.

use uuid::Uuid;

use super::error::{Error, ErrorKind, Result};
use super::id::{from_guid, to_guid};
use super::session::Session;
use crate::proto::model_definition::model_definition_service_client::ModelDefinitionServiceClient;
use crate::proto::model_definition::ListUnitsOfMeasurementRequest;
use crate::proto::time_series::{
    CreatePhysicalTimeseriesRequest, GetTimeseriesResourceRequest,
    TimeseriesResource as WireResource, UpdateTimeseriesResourceRequest,
};
use crate::proto::types::{Curve, Resolution as WireResolution};

/// How values between two points are read. The numbers are Mesh's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CurveType {
    /// Not set.
    Unknown,
    /// Each value holds from its point until the next (step at the start).
    StaircaseStartOfStep,
    /// Straight lines between points. Reads include one point at or after
    /// the interval end, so the last segment can be drawn.
    PiecewiseLinear,
    /// Each value holds until its point (step at the end).
    Staircase,
    /// A number this library does not know, as the server sent it.
    Other(i32),
}

impl CurveType {
    /// The curve type a wire number stands for; unknown numbers are kept.
    pub fn from_number(n: i32) -> CurveType {
        match n {
            0 => CurveType::Unknown,
            1 => CurveType::StaircaseStartOfStep,
            2 => CurveType::PiecewiseLinear,
            3 => CurveType::Staircase,
            other => CurveType::Other(other),
        }
    }

    /// The wire number.
    pub fn number(self) -> i32 {
        match self {
            CurveType::Unknown => 0,
            CurveType::StaircaseStartOfStep => 1,
            CurveType::PiecewiseLinear => 2,
            CurveType::Staircase => 3,
            CurveType::Other(n) => n,
        }
    }
}

/// The spacing of a series' points. The numbers are Mesh's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resolution {
    /// Not set.
    Unspecified,
    /// Points at any times.
    Breakpoint,
    /// 15 minutes.
    Min15,
    /// An hour.
    Hour,
    /// A day.
    Day,
    /// A week.
    Week,
    /// A month.
    Month,
    /// A year.
    Year,
    /// 30 minutes.
    Min30,
    /// Undefined.
    Undefined,
    /// A minute.
    Min,
    /// 5 minutes.
    Min5,
    /// 10 minutes.
    Min10,
    /// A number this library does not know, as the server sent it.
    Other(i32),
}

/// Resolutions in wire-number order, 0 to 12.
const RESOLUTIONS: [Resolution; 13] = [
    Resolution::Unspecified,
    Resolution::Breakpoint,
    Resolution::Min15,
    Resolution::Hour,
    Resolution::Day,
    Resolution::Week,
    Resolution::Month,
    Resolution::Year,
    Resolution::Min30,
    Resolution::Undefined,
    Resolution::Min,
    Resolution::Min5,
    Resolution::Min10,
];

impl Resolution {
    /// The resolution a wire number stands for; unknown numbers are kept.
    pub fn from_number(n: i32) -> Resolution {
        usize::try_from(n)
            .ok()
            .and_then(|i| RESOLUTIONS.get(i).copied())
            .unwrap_or(Resolution::Other(n))
    }

    /// The wire number.
    pub fn number(self) -> i32 {
        match self {
            Resolution::Other(n) => n,
            known => RESOLUTIONS
                .iter()
                .position(|r| *r == known)
                .map_or(-1, |i| i as i32),
        }
    }
}

/// A time series resource of the catalog, physical or virtual, as the
/// server describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimeseriesResource {
    /// The time series key; 0 for a series created in a session that has
    /// not committed yet.
    pub key: i64,
    /// Full path, e.g. `Resource/Demo/Inflow`.
    pub path: String,
    /// The last part of the path.
    pub name: String,
    /// How values between points are read.
    pub curve_type: CurveType,
    /// The spacing of points.
    pub resolution: Resolution,
    /// The unit's name, if it has one (virtual series often do not).
    pub unit_of_measurement: Option<String>,
    /// The IANA time zone of a series of DAY or coarser resolution, if any.
    pub time_zone: Option<String>,
    /// The expression of a virtual series; `None` for a physical one.
    pub virtual_expression: Option<String>,
    /// Whether the series is temporary.
    pub temporary: bool,
}

impl TimeseriesResource {
    pub(crate) fn from_wire(wire: WireResource) -> TimeseriesResource {
        let non_empty = |s: String| if s.is_empty() { None } else { Some(s) };
        TimeseriesResource {
            key: wire.timeseries_key,
            path: wire.path,
            name: wire.name,
            curve_type: CurveType::from_number(wire.curve_type.map_or(0, |c| c.r#type)),
            resolution: Resolution::from_number(wire.resolution.map_or(0, |r| r.r#type)),
            unit_of_measurement: wire.unit_of_measurement.map(|u| u.name).and_then(non_empty),
            time_zone: wire.time_zone.and_then(non_empty),
            virtual_expression: non_empty(wire.virtual_timeseries_expression),
            temporary: wire.temporary,
        }
    }
}

/// A unit of measurement: referred to by id in requests, named in answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitOfMeasurement {
    /// Its id, for creating and updating resources.
    pub id: Uuid,
    /// Its name, e.g. `MW`.
    pub name: String,
}

/// A new physical time series (`Session::create_physical_timeseries`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPhysicalTimeseries {
    /// Catalog folders, beginning and ending with `/`, e.g. `/Plant/Levels/`;
    /// missing folders are created.
    pub path: String,
    /// The series' name; the full path becomes `Resource` + path + name.
    pub name: String,
    /// How values between points are read.
    pub curve_type: CurveType,
    /// The spacing of points.
    pub resolution: Resolution,
    /// The unit's id (see `Session::units_of_measurement`).
    pub unit_id: Uuid,
    /// An IANA time zone, only for DAY or coarser resolution; `None` for a
    /// series without one.
    pub time_zone: Option<String>,
}

/// What `Session::update_timeseries_resource` changes: only what is set is
/// sent (and changed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceUpdate {
    /// A new curve type.
    pub curve_type: Option<CurveType>,
    /// A new unit, by id.
    pub unit_id: Option<Uuid>,
    /// A new IANA time zone; `Some("")` removes the time zone.
    pub time_zone: Option<String>,
}

impl Session {
    /// The catalog entry of the series with key `key`, as this session sees
    /// it. An unknown key gives `NotFound`.
    pub async fn timeseries_resource(&self, key: i64) -> Result<TimeseriesResource> {
        let wire = self
            .shared()
            .call("GetTimeseriesResource", |channel, guid| async move {
                self.timeseries_client(channel)
                    .get_timeseries_resource(GetTimeseriesResourceRequest {
                        session_id: Some(guid),
                        timeseries_resource_key: key,
                    })
                    .await
            })
            .await?;
        Ok(TimeseriesResource::from_wire(wire))
    }

    /// Creates a physical time series in this session (others see it after
    /// commit). Mesh assigns the key at commit: the answer has key 0, and
    /// the series is addressed by its path until then.
    pub async fn create_physical_timeseries(
        &self,
        new: &NewPhysicalTimeseries,
    ) -> Result<TimeseriesResource> {
        let wire = self
            .shared()
            .call("CreatePhysicalTimeseries", |channel, guid| async move {
                self.timeseries_client(channel)
                    .create_physical_timeseries(CreatePhysicalTimeseriesRequest {
                        session_id: Some(guid),
                        path: new.path.clone(),
                        name: new.name.clone(),
                        curve_type: Some(Curve {
                            r#type: new.curve_type.number(),
                        }),
                        resolution: Some(WireResolution {
                            r#type: new.resolution.number(),
                        }),
                        unit_of_measurement_id: Some(to_guid(new.unit_id)),
                        time_zone: new.time_zone.clone(),
                    })
                    .await
            })
            .await?;
        Ok(TimeseriesResource::from_wire(wire))
    }

    /// Changes what `update` sets of the resource with key `key`, in this
    /// session. Only the fields set are sent, named in the request's field
    /// mask, so the others stay as they are. An update that sets nothing
    /// is refused with `InvalidArgument` before any request.
    pub async fn update_timeseries_resource(
        &self,
        key: i64,
        update: &ResourceUpdate,
    ) -> Result<()> {
        let mut paths = Vec::new();
        if update.curve_type.is_some() {
            paths.push("new_curve_type".to_string());
        }
        if update.unit_id.is_some() {
            paths.push("new_unit_of_measurement_id".to_string());
        }
        if update.time_zone.is_some() {
            paths.push("new_time_zone".to_string());
        }
        if paths.is_empty() {
            return Err(Error::invalid_argument(
                "nothing to update: set a curve type, a unit or a time zone",
            ));
        }
        let request = UpdateTimeseriesResourceRequest {
            session_id: None,
            timeseries_resource_key: key,
            field_mask: Some(prost_types::FieldMask { paths }),
            new_curve_type: update.curve_type.map(|c| Curve { r#type: c.number() }),
            new_unit_of_measurement_id: update.unit_id.map(to_guid),
            new_time_zone: update.time_zone.clone().unwrap_or_default(),
        };
        self.shared()
            .call("UpdateTimeseriesResource", |channel, guid| {
                let request = UpdateTimeseriesResourceRequest {
                    session_id: Some(guid),
                    ..request.clone()
                };
                async move {
                    self.timeseries_client(channel)
                        .update_timeseries_resource(request)
                        .await
                }
            })
            .await
            .map(drop)
    }

    /// The units of measurement the server knows, in its order.
    pub async fn units_of_measurement(&self) -> Result<Vec<UnitOfMeasurement>> {
        let response = self
            .shared()
            .call("ListUnitsOfMeasurement", |channel, guid| async move {
                ModelDefinitionServiceClient::new(channel)
                    .max_decoding_message_size(self.shared().options().max_receive_message_bytes)
                    .list_units_of_measurement(ListUnitsOfMeasurementRequest {
                        session_id: Some(guid),
                    })
                    .await
            })
            .await?;
        response
            .units_of_measurement
            .into_iter()
            .map(|unit| {
                let guid = unit.id.ok_or_else(|| {
                    Error::new(
                        ErrorKind::Server,
                        format!("server sent unit {:?} without an id", unit.name),
                    )
                })?;
                Ok(UnitOfMeasurement {
                    id: from_guid(&guid)?,
                    name: unit.name,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_numbers_are_meshs_and_round_trip() {
        for n in -2..20 {
            assert_eq!(CurveType::from_number(n).number(), n);
            assert_eq!(Resolution::from_number(n).number(), n);
        }
        assert_eq!(CurveType::from_number(2), CurveType::PiecewiseLinear);
        assert_eq!(CurveType::from_number(9), CurveType::Other(9));
        assert_eq!(Resolution::from_number(3), Resolution::Hour);
        assert_eq!(Resolution::from_number(8), Resolution::Min30);
        assert_eq!(Resolution::from_number(12), Resolution::Min10);
        assert_eq!(Resolution::from_number(13), Resolution::Other(13));
    }

    #[test]
    fn empty_strings_from_the_wire_are_absent() {
        let wire = WireResource {
            timeseries_key: 3,
            path: "Resource/A/b".into(),
            name: "b".into(),
            temporary: false,
            curve_type: None,
            resolution: Some(WireResolution { r#type: 4 }),
            unit_of_measurement: None,
            virtual_timeseries_expression: String::new(),
            time_zone: Some(String::new()),
        };
        let r = TimeseriesResource::from_wire(wire);
        assert_eq!(r.curve_type, CurveType::Unknown);
        assert_eq!(r.resolution, Resolution::Day);
        assert_eq!(r.unit_of_measurement, None);
        assert_eq!(r.time_zone, None);
        assert_eq!(r.virtual_expression, None);
    }
}
