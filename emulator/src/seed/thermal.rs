//! The model the official SDK's server tests run against, as those tests
//! and the project's notes describe it: models `SimpleThermalTestModel`
//! and `Utility`; `ThermalComponent` owning the plant `SomePowerPlant1`,
//! which owns two chimneys; the plant's attributes of every kind with
//! their definitions; and the `SimpleThermalTestResourceCatalog` series
//! its time series attributes connect to.
//!
//! Where the tests only bound a fact (the plant has at least 32
//! attributes; a chimney has 7), the rest is filled in here with plain,
//! self-describing attributes, series whose content no test fixes (key 2)
//! start empty, and the Utility model owns one made-up object.

use chrono::NaiveDate;
use uuid::Uuid;

use super::builder::{def, stable_id, Builder};
use crate::store::catalog::{curve, resolution};
use crate::store::model::{Kind, LinkVersion, RatingCurveVersion, RatingSegment, Value};
use crate::store::points::flags;
use crate::store::{Point, Resource};

const NAMESPACE: &str = "SimpleThermalTestRepository";
const CATALOG: &str = "Resource/SimpleThermalTestResourceCatalog";

pub(crate) const THERMAL_COMPONENT: Uuid = Uuid::from_u128(0x0000000b_0001_0000_0000_000000000000);
pub(crate) const PLANT: Uuid = Uuid::from_u128(0x0000000a_0001_0000_0000_000000000000);
pub(crate) const CHIMNEY_1: Uuid = Uuid::from_u128(0x0000000a_0004_0000_0000_000000000000);
pub(crate) const CHIMNEY_2: Uuid = Uuid::from_u128(0x0000000a_0005_0000_0000_000000000000);
/// Chimney 2's `TsRawAtt`, an id the SDK's examples use.
pub(crate) const CHIMNEY_2_TS_RAW: Uuid = Uuid::from_u128(0xe5df77a9_8b60_4b0a_aa1b_3c3957c538a0);

/// ms since the epoch of a UTC date and time.
fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Result<i64, String> {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|day| day.and_hms_opt(h, mi, s))
        .map(|t| t.and_utc().timestamp_millis())
        .ok_or_else(|| format!("bad date {y}-{mo}-{d}"))
}

/// The hourly test data of 2016-01-01: `scale * h` at h:00 for h = 1..9,
/// except 04:00, stored as NaN flagged NOT_OK|MISSING.
fn test_day(scale: f64) -> Result<Vec<Point>, String> {
    (1..=9)
        .map(|h| {
            let time = utc(2016, 1, 1, h, 0, 0)?;
            Ok(if h == 4 {
                Point {
                    time,
                    flags: flags::NOT_OK | flags::MISSING,
                    value: f64::NAN,
                }
            } else {
                Point {
                    time,
                    flags: 0,
                    value: scale * f64::from(h),
                }
            })
        })
        .collect()
}

/// The id a series with a key has (as every series of the emulator's
/// catalog does), so that ids are stable across runs.
pub(crate) fn id_for_key(key: i64) -> Uuid {
    Uuid::from_u128(0x7a3e_0000_0000_4000_8000_0000_0000_0000 | u128::from(key as u64))
}

fn series(key: i64, name: &str, curve: i32, resolution: i32, unit: Option<Uuid>) -> Resource {
    let path = format!("{CATALOG}/{name}");
    Resource {
        id: if key == 0 {
            stable_id(&path)
        } else {
            id_for_key(key)
        },
        key,
        path,
        name: name.to_string(),
        curve,
        resolution,
        unit,
        time_zone: None,
        expression: None,
    }
}

/// The resources of `SimpleThermalTestResourceCatalog`; returns the ids of
/// the plant's raw series and of the chimneys' and the virtual one.
struct Resources {
    plant_raw: Uuid,
    chimney_1_raw: Uuid,
    chimney_2_raw: Uuid,
    virtual_series: Uuid,
}

fn resources(b: &mut Builder) -> Result<Resources, String> {
    use curve::PIECEWISELINEAR as LINEAR;
    let cm = Some(b.unit("cm"));
    // The plant's raw series has no key in the tests' model.
    let plant_raw = b.resource(
        series(0, "plantTimeSeriesRaw", LINEAR, resolution::HOUR, cm),
        test_day(1.0)?,
    )?;
    let chimney_1_raw = b.resource(
        series(2, "chimney1TimeSeriesRaw", LINEAR, resolution::HOUR, cm),
        Vec::new(),
    )?;
    let chimney_2_raw = b.resource(
        series(3, "chimney2TimeSeriesRaw", LINEAR, resolution::HOUR, cm),
        test_day(100.0)?,
    )?;
    let mut vts = series(4, "simpleVtsTimeseries", LINEAR, resolution::HOUR, None);
    vts.expression =
        Some("##= %'/SimpleThermalTestResourceCatalog/plantTimeSeriesRaw' + 3\n".to_string());
    let virtual_series = b.resource(vts, Vec::new())?;
    b.resource(
        series(9, "emptyTimeSeries", LINEAR, resolution::BREAKPOINT, None),
        Vec::new(),
    )?;
    let mut zoned = series(50, "zonedTimeSeries", LINEAR, resolution::DAY, cm);
    zoned.time_zone = Some("Europe/Oslo".to_string());
    b.resource(zoned, Vec::new())?;
    Ok(Resources {
        plant_raw,
        chimney_1_raw,
        chimney_2_raw,
        virtual_series,
    })
}

fn double(default: f64) -> Kind {
    Kind::Double {
        default,
        min: -f64::MAX,
        max: f64::MAX,
        unit: None,
    }
}

fn int(default: i64) -> Kind {
    Kind::Int {
        default,
        min: i64::MIN,
        max: i64::MAX,
        unit: None,
    }
}

fn template(text: &str) -> Kind {
    Kind::Timeseries {
        template: text.to_string(),
        unit: None,
    }
}

const TS_CALC: &str = "@PDLOG(12004, 'TEST') \n##= @d('.DblAtt') + @t('.TsRawAtt') + @SUM(@D('PlantToPlantRef.DblAtt'))\n\n";

/// Adds the official tests' models, objects and series.
pub(crate) fn seed(b: &mut Builder) -> Result<(), String> {
    let series = resources(b)?;
    let cm = b.unit("cm");
    let m = b.unit("m");

    let plant = b.object_type(NAMESPACE, "PlantElementType");
    let chimney = b.object_type(NAMESPACE, "ChimneyElementType");
    let component = b.object_type(NAMESPACE, "ThermalComponentType");
    let thermal_root = b.object_type(NAMESPACE, NAMESPACE);
    let utility_root = b.object_type("UtilityRepository", "UtilityRepository");

    b.define(
        thermal_root,
        vec![def("ThermalComponentRef", Kind::Ownership(component)).cardinality(0, 100)],
    )?;
    // The official tests name nothing in the Utility model, but their
    // model-traversal example walks down from it to an object owned by it,
    // so it owns one; the relation, its type and the object's name are
    // made up here.
    b.define(
        utility_root,
        vec![def("UtilityComponentRef", Kind::Ownership(component)).cardinality(0, 100)],
    )?;
    b.define(
        component,
        vec![def("ThermalPowerToPlantRef", Kind::Ownership(plant)).cardinality(0, 100)],
    )?;
    b.define(
        chimney,
        vec![
            def("DblAtt", double(1000.0)),
            def("Int64Att", int(64)),
            def("BoolAtt", Kind::Bool { default: true }),
            def(
                "StringAtt",
                Kind::Str {
                    default: "Default string value".into(),
                },
            ),
            def("TsRawAtt", template("")),
            def(
                "TsCalcAtt",
                template("##= @d('.DblAtt') + @t('.TsRawAtt')\n\n"),
            ),
            def("ChimneyToChimneyRef", Kind::Ownership(chimney)).cardinality(0, 100),
        ],
    )?;
    b.define(
        plant,
        vec![
            def("DblAtt", double(1000.0)).tags(&["Tag1", "Tag3"]),
            def("Int64Att", int(64)),
            def("BoolAtt", Kind::Bool { default: true }),
            def("StringAtt", Kind::Str { default: "Default string value".into() }),
            def(
                "UtcDateTimeAtt",
                Kind::UtcTime {
                    default: "UTC20220510072415".into(),
                    min: String::new(),
                    max: String::new(),
                },
            ),
            def("BoolArrayAtt", Kind::Bool { default: false })
                .cardinality(0, 10)
                .description("Array of bools"),
            def("Int64ArrayAtt", int(0)).cardinality(0, 10),
            def("DblArrayAtt", double(0.0)).cardinality(0, 10),
            def("StringArrayAtt", Kind::Str { default: String::new() }).cardinality(0, 10),
            def(
                "UtcDateTimeArrayAtt",
                Kind::UtcTime {
                    default: String::new(),
                    min: String::new(),
                    max: String::new(),
                },
            )
            .cardinality(0, 10),
            def(
                "DblAttWithLimits",
                Kind::Double {
                    default: 50.0,
                    min: 0.0,
                    max: 100.0,
                    unit: Some(m),
                },
            ),
            def(
                "Int64AttWithUnit",
                Kind::Int {
                    default: 10,
                    min: 0,
                    max: 1000,
                    unit: Some(cm),
                },
            ),
            def("TsRawAtt", template("")),
            def("TsCalcAtt", template(TS_CALC)),
            def(
                "TsCalcAtt2",
                template("##= @SUM(@T('ReferenceSeriesCollectionAtt.TsRawAtt'))\n\n"),
            ),
            def("TsCalcAtt3", template("##= @t('.TsRawAtt') * 2\n\n")),
            def(
                "TsCalcAtt4",
                template("temp=@t('.TsRawAtt')\ngt2 = @ABS(temp) > 2\n## = temp - 1000\nIF (gt2) THEN\n## = temp + 1000\nENDIF\n"),
            ),
            def("TsCalcAtt5", template("##= @t('SimpleReference.TsRawAtt')\n\n")),
            def("TsCalcAtt6", template("##= @t('.TsRawAtt') + @d('.Int64Att')\n\n")),
            def(
                "TsCalcAtt7",
                template("##=@Restriction('ProductionMin[MW]', 'Proposed|Recommended', @t('.TsRawAtt'), 'Minimum')\n"),
            ),
            def("TsAttWithoutResource", template("")),
            def("VtsAtt", template("")),
            def("XYSetAtt", Kind::XySet { versioned: false }),
            def("XYZSeriesAtt", Kind::XySet { versioned: true }),
            def("RatingCurveAtt", Kind::RatingCurve),
            def("SimpleOwnershipAtt", Kind::Ownership(chimney)),
            def("PlantToChimneyRef", Kind::Ownership(chimney)).cardinality(0, 100),
            def("SimpleReference", Kind::Link(chimney)),
            def("PlantToChimneyRefCollection", Kind::Link(chimney)).cardinality(0, 100),
            def("ReferenceSeriesAtt", Kind::VersionedLink(chimney)),
            def("ReferenceSeriesCollectionAtt", Kind::VersionedLink(chimney)).cardinality(0, 10),
            def("PlantToPlantRef", Kind::Link(plant)).cardinality(0, 100),
        ],
    )?;

    let thermal = b.model("SimpleThermalTestModel", thermal_root)?;
    let utility = b.model("Utility", utility_root)?;
    b.object(
        THERMAL_COMPONENT,
        "ThermalComponent",
        thermal,
        "ThermalComponentRef",
    )?;
    b.object(
        PLANT,
        "SomePowerPlant1",
        THERMAL_COMPONENT,
        "ThermalPowerToPlantRef",
    )?;
    b.object(
        CHIMNEY_1,
        "SomePowerPlantChimney1",
        PLANT,
        "PlantToChimneyRef",
    )?;
    b.object(
        CHIMNEY_2,
        "SomePowerPlantChimney2",
        PLANT,
        "PlantToChimneyRef",
    )?;
    b.attribute_id_is(CHIMNEY_2, "TsRawAtt", CHIMNEY_2_TS_RAW)?;
    b.object(
        stable_id("object/Utility/UtilityComponent"),
        "UtilityComponent",
        utility,
        "UtilityComponentRef",
    )?;

    let connected = |resource| Value::Timeseries {
        resource: Some(resource),
        local_expression: None,
    };
    b.set(PLANT, "TsRawAtt", connected(series.plant_raw))?;
    b.set(PLANT, "VtsAtt", connected(series.virtual_series))?;
    b.set(CHIMNEY_1, "TsRawAtt", connected(series.chimney_1_raw))?;
    b.set(CHIMNEY_2, "TsRawAtt", connected(series.chimney_2_raw))?;
    // The plant's calculation is local, the same text as its template.
    b.set(
        PLANT,
        "TsCalcAtt",
        Value::Timeseries {
            resource: None,
            local_expression: Some(TS_CALC.to_string()),
        },
    )?;
    b.set(
        PLANT,
        "UtcDateTimeAtt",
        Value::UtcTime(vec![utc(2022, 5, 10, 7, 24, 15)?]),
    )?;
    b.set(
        PLANT,
        "BoolArrayAtt",
        Value::Bool(vec![false, true, false, true, false]),
    )?;
    b.set(PLANT, "SimpleReference", Value::Link(vec![CHIMNEY_2]))?;
    b.set(
        PLANT,
        "PlantToChimneyRefCollection",
        Value::Link(vec![CHIMNEY_1, CHIMNEY_2]),
    )?;
    let version = |target, valid_from| LinkVersion {
        target: Some(target),
        valid_from,
    };
    b.set(
        PLANT,
        "ReferenceSeriesAtt",
        Value::VersionedLink(vec![vec![
            version(CHIMNEY_2, utc(2005, 3, 2, 0, 0, 0)?),
            version(CHIMNEY_1, utc(2015, 6, 3, 0, 0, 0)?),
            version(CHIMNEY_2, utc(2017, 2, 1, 0, 0, 0)?),
        ]]),
    )?;
    b.set(
        PLANT,
        "ReferenceSeriesCollectionAtt",
        Value::VersionedLink(vec![
            vec![version(CHIMNEY_1, utc(2020, 7, 8, 0, 0, 0)?)],
            vec![version(CHIMNEY_2, utc(2000, 1, 5, 0, 0, 0)?)],
        ]),
    )?;
    // Two versions; segment i ends at 10(i + 1) with factors 3i + 1, 3i + 2,
    // 3i + 3; the later version shifted by 10 and negated.
    let rating = |from, x_range_from: f64, shift: f64, sign: f64| RatingCurveVersion {
        valid_from: from,
        x_range_from,
        segments: (0..3)
            .map(|i| {
                let i = f64::from(i);
                RatingSegment {
                    x_range_until: (i + 1.0) * 10.0 + shift,
                    a: sign * (3.0 * i + 1.0),
                    b: sign * (3.0 * i + 2.0),
                    c: sign * (3.0 * i + 3.0),
                }
            })
            .collect(),
    };
    b.set(
        PLANT,
        "RatingCurveAtt",
        Value::RatingCurve(vec![
            rating(utc(2000, 1, 1, 0, 0, 0)?, 2.0, 0.0, 1.0),
            rating(utc(2010, 1, 1, 0, 0, 0)?, 4.0, 10.0, -1.0),
        ]),
    )?;
    Ok(())
}
