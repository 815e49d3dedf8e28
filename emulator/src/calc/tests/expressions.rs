//! Expressions through `evaluate` and the in-memory host: the texts the
//! official client builds (checked against the official tests'
//! expectations, worked out here), the calculated attributes of the
//! official tests' model, arithmetic, IF, and every refusal.

use super::support::*;
use crate::calc::parser::MAX_HEIGHT;
use crate::calc::{flags, CalcError, CalcResult, Curve, Interval, Point, Resolution, Series};

/// The official tests' calculation interval, 2016-01-01 `[01:00, 09:00)`.
fn sdk_interval() -> Interval {
    Interval::new(utc(2016, 1, 1, 1), utc(2016, 1, 1, 9))
}

/// A host holding the plant series as `raw` (also found by `.TsRawAtt`).
fn plant_host() -> MemHost {
    MemHost::new()
        .with_series("raw", plant_raw())
        .with_query(".TsRawAtt", &["raw"])
}

const METHODS: [&str; 8] = ["SUM", "SUMI", "AVG", "AVGI", "FIRST", "LAST", "MIN", "MAX"];
const ZONES: [Option<&str>; 4] = [None, Some("LOCAL"), Some("STANDARD"), Some("UTC")];

/// The expression the official client builds for a transformation.
fn transform_text(search: &str, resolution: &str, method: &str, zone: Option<&str>) -> String {
    let zone = zone.map(|z| format!(", '{z}'")).unwrap_or_default();
    format!("## = @TRANSFORM(@t({search}), '{resolution}', '{method}'{zone})\n")
}

#[test]
fn calc_sdk_transformations_to_finer_resolutions() {
    let host = plant_host();
    let iv = sdk_interval();
    for (resolution, count) in [("MIN15", 33usize), ("MIN30", 17)] {
        let step = (iv.end - iv.start) / (count as i64 - 1);
        for method in METHODS {
            for zone in ZONES {
                for search in ["", "'.TsRawAtt'"] {
                    let text = transform_text(search, resolution, method, zone);
                    let out = host.run_series(&text, iv, "raw");
                    assert_eq!(out.points.len(), count, "{text}");
                    for (i, p) in out.points.iter().enumerate() {
                        let t = iv.start + i as i64 * step;
                        assert_eq!(p.utc_ms, t, "{text}");
                        let (three, four, five) =
                            (utc(2016, 1, 1, 3), utc(2016, 1, 1, 4), utc(2016, 1, 1, 5));
                        if t > three && t < four {
                            assert_eq!(p.flags, flags::MISSING, "{text} at {i}");
                            assert!(p.value.is_nan());
                        } else if (four..five).contains(&t) {
                            assert_eq!(p.flags, flags::NOT_OK | flags::MISSING, "{text} at {i}");
                            assert!(p.value.is_nan());
                        } else {
                            assert_eq!(p.flags, flags::OK, "{text} at {i}");
                            if method == "AVG" && resolution == "MIN15" {
                                assert_eq!(p.value, 1.0 + i as f64 * 0.25, "{text} at {i}");
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn calc_sdk_transformations_to_coarser_resolutions() {
    let host = plant_host();
    let iv = sdk_interval();
    for (resolution, count) in [
        ("HOUR", 8usize),
        ("DAY", 1),
        ("WEEK", 1),
        ("MONTH", 1),
        ("YEAR", 1),
    ] {
        for method in METHODS {
            for zone in ZONES {
                let text = transform_text("", resolution, method, zone);
                let out = host.run_series(&text, iv, "raw");
                assert_eq!(out.points.len(), count, "{text}");
            }
        }
    }
    // Hour periods of the plant series keep its values: SUM of one point.
    let out = host.run_series(
        &transform_text("", "HOUR", "SUM", Some("STANDARD")),
        iv,
        "raw",
    );
    let values: Vec<f64> = out.points.iter().map(|p| p.value).collect();
    assert_eq!(&values[..3], &[1.0, 2.0, 3.0]);
    assert!(values[3].is_nan());
    assert_eq!(&values[4..], &[5.0, 6.0, 7.0, 8.0]);
}

#[test]
fn calc_sum_of_a_single_series_counts_the_point_after_the_interval() {
    let host = plant_host();
    for text in ["## = @SUM(@t())\n", "## = @SUM(@t('.TsRawAtt'))\n"] {
        let out = host.run(text, sdk_interval(), "raw");
        assert_eq!(
            out,
            Ok(CalcResult::Numbers(vec![
                1.0 + 2.0 + 3.0 + 5.0 + 6.0 + 7.0 + 8.0 + 9.0
            ]))
        );
    }
}

#[test]
fn calc_calculated_attribute_of_the_official_model() {
    let host = plant_host()
        .with_numbers(".DblAtt", &[1000.0])
        .with_calculated(
            "calc",
            "@PDLOG(12004, 'TEST') \n##= @d('.DblAtt') + @t('.TsRawAtt') + @SUM(@D('PlantToPlantRef.DblAtt'))\n\n",
        );
    let out = host.run_series("## = @t()\n", sdk_interval(), "calc");
    assert_eq!(out.points.len(), 9);
    for (i, p) in out.points.iter().enumerate() {
        let h = i as u32 + 1;
        assert_eq!(p.utc_ms, utc(2016, 1, 1, h));
        let want = if h == 4 {
            1000.0
        } else {
            f64::from(h) + 1000.0
        };
        assert_eq!(p.value, want, "at {h}:00");
        assert_eq!(p.flags, flags::SUSPECT, "at {h}:00");
    }
}

#[test]
fn calc_calculated_template_with_if_on_a_series() {
    let host = plant_host().with_calculated(
        "calc4",
        "temp=@t('.TsRawAtt')\ngt2 = @ABS(temp) > 2\n## = temp - 1000\nIF (gt2) THEN\n## = temp + 1000\nENDIF\n",
    );
    let out = host.run_series("## = @t()\n", sdk_interval(), "calc4");
    assert_eq!(out.points.len(), 9);
    for (i, p) in out.points.iter().enumerate() {
        let h = (i + 1) as f64;
        match i + 1 {
            4 => {
                assert!(p.value.is_nan());
                assert_eq!(p.flags, flags::NOT_OK | flags::MISSING);
            }
            1 | 2 => assert_eq!((p.value, p.flags), (h - 1000.0, flags::OK)),
            _ => assert_eq!((p.value, p.flags), (h + 1000.0, flags::OK)),
        }
    }
}

#[test]
fn calc_constant_series() {
    let host = MemHost::new();
    let iv = Interval::new(utc(2025, 1, 1, 0), utc(2025, 1, 1, 4));
    let out = host.run_series("## = @TS('HOUR', 137.0)\n\n", iv, "none");
    let want: Vec<Point> = (0..4)
        .map(|h| Point::new(utc(2025, 1, 1, h), flags::OK, 137.0))
        .collect();
    assert_eq!(out.points, want);
    assert_eq!(out.resolution, Resolution::Hour);
    let out = host.run_series("## = @TS('VARINT')", iv, "none");
    assert_eq!(out.points.len(), 1);
    assert_eq!(
        (out.points[0].utc_ms, out.points[0].flags),
        (iv.start, flags::MISSING)
    );
    let out = host.run_series("## = @TS('HOUR', 'LINEAR', 2)", iv, "none");
    assert_eq!(out.points.len(), 5);
    assert_eq!(out.curve, Curve::PiecewiseLinear);
}

#[test]
fn calc_forecast_and_history_functions_without_forecasts_or_history() {
    let host = plant_host();
    let iv = sdk_interval();
    let empty_list = [
        "## = @GetAllForecasts(@t())\n",
        "## = @GetAllForecasts(@t('.TsRawAtt'))\n",
        "## = @GetTsHistoricalVersions(@t(),1)\n",
        "## = @GetTsHistoricalVersions(@t(),5)\n",
    ];
    for text in empty_list {
        assert_eq!(
            host.run(text, iv, "raw"),
            Ok(CalcResult::Series(Vec::new())),
            "{text}"
        );
    }
    let nan_forecasts = [
        "## = @GetForecast(@t())\n",
        "## = @GetForecast(@t(),'UTC20160105174811123')\n",
        "## = @GetForecast(@t(),'UTC20160102000000000','UTC20160108000000000')\n",
        "## = @GetForecast(@t(),'UTC20160102000000000','UTC20160108000000000','UTC20160105174811123')\n",
    ];
    for text in nan_forecasts {
        let out = host.run_series(text, iv, "raw");
        let times: Vec<i64> = out.points.iter().map(|p| p.utc_ms).collect();
        assert_eq!(
            times,
            (1..=9).map(|h| utc(2016, 1, 1, h)).collect::<Vec<_>>(),
            "{text}"
        );
        assert!(
            out.points
                .iter()
                .all(|p| p.value.is_nan() && p.flags == flags::MISSING),
            "{text}"
        );
    }
    let current = host.run_series("## = @t()", iv, "raw");
    for text in [
        "## = @GetTsAsOfTime(@t(),'UTC20160105174811123')\n",
        "## = @GetTsAsOfTime(@t(), UTC20160105174811123)\n",
        "## = @GetTsAsOfTime(@t(), '20121201000000000')\n",
        "## = @GetTsAsOfTime(@t(), 635872032000000000)\n",
    ] {
        assert!(
            same_series(&host.run_series(text, iv, "raw"), &current),
            "{text}"
        );
    }
    let out = host.run(
        "## = @GetTsAsOfTime(@t(), {'20121201', '20121101'})",
        iv,
        "raw",
    );
    assert_series_result(out, &[current.clone(), current], "as of two times");
}

#[test]
fn calc_sum_of_series_lists() {
    let from = utc(2016, 3, 1, 0);
    let a = hourly(from, 3, Curve::Staircase, |i| i as f64);
    let mut b = hourly(from, 3, Curve::Staircase, |i| 10.0 * i as f64);
    b.points[1] = nan_point(from + HOUR);
    let host = MemHost::new()
        .with_series("a", a)
        .with_series("b", b)
        .with_query(".pair", &["a", "b"]);
    let iv = Interval::new(from, from + 3 * HOUR);
    let out = host.run_series("## = @SUM(@T('.pair'))\n", iv, "a");
    assert_eq!(
        out.points,
        vec![
            Point::new(from, flags::OK, 0.0),
            Point::new(from + HOUR, flags::SUSPECT, 1.0),
            Point::new(from + 2 * HOUR, flags::OK, 22.0),
        ]
    );
    // A search that finds nothing sums to Mesh's empty series.
    let out = host.run("## = @SUM(@T('some_query'))\n", iv, "a");
    assert_series_result(out, &[Series::empty_at(iv.start)], "sum of nothing");
    // No search: the series the calculation is relative to.
    let alone = host.run_series("## = @SUM(@T())\n", iv, "a");
    assert_eq!(alone, host.run_series("## = @t()\n", iv, "a"));
}

#[test]
fn calc_catalog_references_read_the_series_at_a_path() {
    let iv = sdk_interval();
    let host = plant_host().with_catalog_path("/Catalog/raw", "raw");
    // The virtual series of the official tests' catalog: the plant's raw
    // series plus 3, read as the raw series is (with its point after the end).
    let got = host.run_series("##= %'/Catalog/raw' + 3\n", iv, "raw");
    assert_eq!(got.points.len(), 9);
    for (i, p) in got.points.iter().enumerate() {
        let h = i as u32 + 1;
        assert_eq!(p.utc_ms, utc(2016, 1, 1, h));
        // `+` leaves a missing operand out and says so.
        if h == 4 {
            assert_close(p.value, 3.0, "missing + 3");
            assert_eq!(p.flags, flags::SUSPECT);
        } else {
            assert_close(p.value, f64::from(h) + 3.0, "raw + 3");
            assert_eq!(p.flags, flags::OK);
        }
    }
    let err = host.run("## = %'/Catalog/none'", iv, "raw").unwrap_err();
    assert!(
        matches!(&err, CalcError::Host(m) if m.contains("not found") && m.contains("/Catalog/none")),
        "{err:?}"
    );
}

#[test]
fn calc_numbers_and_strings() {
    let host = MemHost::new()
        .with_numbers(".two", &[1.0, 2.0])
        .with_strings(".name", &["Plant"])
        .with_strings(".names", &["A", "B"]);
    let iv = Interval::new(0, HOUR);
    let numbers: &[(&str, &[f64])] = &[
        ("## = 2 + 3 * 4", &[14.0]),
        ("## = (2 + 3) * 4", &[20.0]),
        ("## = -2 * -3", &[6.0]),
        ("## = 10 / 4 - 1", &[1.5]),
        ("x = 3\ny = x * x\n## = y - x", &[6.0]),
        ("## = 5 > 3", &[1.0]),
        ("## = 2 == 3", &[0.0]),
        ("## = 2 <> 3", &[1.0]),
        ("## = 1e3 + .5", &[1000.5]),
        ("## = @SUM({1, 2, 3})", &[6.0]),
        ("## = {1, 2} * 2", &[2.0, 4.0]),
        ("## = @ABS(-4)", &[4.0]),
        ("## = @D('.two')", &[1.0, 2.0]),
        ("## = @D('.none')", &[]),
        ("## = @d('.none', 7)", &[7.0]),
        ("## = @SUM(@D('.two')) + 0.5", &[3.5]),
        ("x = 1\nIF 2 > 1 THEN\nx = 5\nENDIF\n## = x", &[5.0]),
        (
            "x = 1\nIF 0 THEN\nx = 5\nELSE\nx = 6\nENDIF\n## = x",
            &[6.0],
        ),
        ("IF 0 THEN ## = 1 ELSE ## = 2 ENDIF", &[2.0]),
        ("## = 1; ## = ## + 1", &[2.0]),
    ];
    for (text, want) in numbers {
        assert_eq!(
            host.run(text, iv, "none"),
            Ok(CalcResult::Numbers(want.to_vec())),
            "{text}"
        );
    }
    for text in ["## = 1 / 0", "## = @d('.none')", "## = @SUM(@D('.none'))"] {
        match host.run(text, iv, "none") {
            Ok(CalcResult::Numbers(v)) => assert!(v.len() == 1 && v[0].is_nan(), "{text}: {v:?}"),
            other => panic!("{text}: {other:?}"),
        }
    }
    let strings: &[(&str, &[&str])] = &[
        ("## = @s('.name')", &["Plant"]),
        ("## = @S('.names')", &["A", "B"]),
        ("## = 'it''s'", &["it's"]),
        ("## = @s('.none', 'fallback')", &["fallback"]),
    ];
    for (text, want) in strings {
        let want = want.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            host.run(text, iv, "none"),
            Ok(CalcResult::Strings(want)),
            "{text}"
        );
    }
}

/// What a point-wise operation gives for one valid input value.
type PointRule = fn(f64) -> (f64, u32);

#[test]
fn calc_series_arithmetic_point_by_point() {
    let from = utc(2016, 3, 1, 0);
    let mut steps = hourly(from, 4, Curve::Staircase, |i| (i + 1) as f64);
    steps.points[2] = nan_point(from + 2 * HOUR);
    let host = MemHost::new().with_series("steps", steps.clone());
    let iv = Interval::new(from, from + 4 * HOUR);
    let table: &[(&str, PointRule)] = &[
        ("## = @t() * 2 + 1", |v| (v * 2.0 + 1.0, flags::OK)),
        ("## = 10 - @t()", |v| (10.0 - v, flags::OK)),
        ("## = -@t()", |v| (-v, flags::OK)),
        ("## = @t() / 2", |v| (v / 2.0, flags::OK)),
        ("## = @t() / 0", |_| (f64::NAN, flags::MISSING)),
        ("## = @t() > 2", |v| {
            (if v > 2.0 { 1.0 } else { 0.0 }, flags::OK)
        }),
    ];
    for (text, f) in table {
        let out = host.run_series(text, iv, "steps");
        assert_eq!(out.points.len(), 4, "{text}");
        for (p, src) in out.points.iter().zip(&steps.points) {
            assert_eq!(p.utc_ms, src.utc_ms);
            if src.is_valid() {
                let (value, fl) = f(src.value);
                assert_close(p.value, value, text);
                assert_eq!(p.flags, fl, "{text}");
            } else if text.contains('-') && !text.contains("-@") {
                // `10 - missing` leaves the missing operand out.
                assert_eq!((p.value, p.flags), (10.0, flags::SUSPECT), "{text}");
            } else if text.contains("* 2 + 1") {
                // `missing * 2` is missing; `+ 1` then leaves it out.
                assert_eq!((p.value, p.flags), (1.0, flags::SUSPECT), "{text}");
            } else {
                assert!(p.value.is_nan(), "{text}");
                assert_ne!(p.flags & flags::MISSING, 0, "{text}");
            }
        }
    }
}

#[test]
fn calc_transform_reads_whole_periods_of_a_computed_argument() {
    let from = utc(2016, 1, 1, 0);
    let host = MemHost::new()
        .with_series("steps", hourly(from, 48, Curve::Staircase, |i| i as f64))
        .with_query(".steps", &["steps"]);
    let iv = Interval::new(from + 5 * HOUR, from + 7 * HOUR);
    let out = host.run_series(
        "## = @TRANSFORM(@t('.steps') * 2, 'DAY', 'SUM', 'UTC')",
        iv,
        "steps",
    );
    let day_sum: f64 = (0..24).map(f64::from).sum();
    assert_eq!(out.points, vec![Point::new(from, flags::OK, 2.0 * day_sum)]);
    let reads = host.reads.borrow();
    assert!(
        reads
            .iter()
            .any(|(_, r)| *r == Interval::new(from, from + 24 * HOUR)),
        "{reads:?}"
    );
}

#[test]
fn calc_variables_are_computed_once_per_interval() {
    let from = utc(2016, 1, 1, 0);
    let host = MemHost::new()
        .with_series("steps", hourly(from, 4, Curve::Staircase, |i| i as f64))
        .with_query(".steps", &["steps"]);
    let iv = Interval::new(from, from + 4 * HOUR);
    let out = host.run_series(
        "temp = @t('.steps')\n## = temp + temp + temp\n",
        iv,
        "steps",
    );
    assert_eq!(out.points[3].value, 9.0);
    assert_eq!(host.reads.borrow().len(), 1);
}

/// What kind of error a text must give, and a piece of its message.
enum Want {
    Syntax(usize, &'static str),
    Unsupported(&'static str),
    Type(&'static str),
    Invalid(&'static str),
    TooDeep,
}

#[test]
fn calc_refusals_name_what_is_wrong() {
    let from = utc(2016, 1, 1, 0);
    let host = plant_host()
        .with_series("steps", hourly(from, 24, Curve::Staircase, |i| i as f64))
        .with_query(".steps", &["steps"])
        .with_query(".two", &["raw", "steps"])
        .with_query(".loop", &["loop"])
        .with_calculated("loop", "## = @t('.loop') + 1");
    let deep = format!("## = {}1{}", "(".repeat(100), ")".repeat(100));
    let table: Vec<(&str, Want)> = vec![
        ("##=@Restriction('ProductionMin[MW]', 'Proposed|Recommended', @t('.TsRawAtt'), 'Minimum')\n", Want::Unsupported("@Restriction")),
        ("## = @MEDIAN(@t())", Want::Unsupported("@MEDIAN")),
        ("## = %", Want::Syntax(1, "quoted catalog path")),
        ("## = %x", Want::Syntax(1, "quoted catalog path")),
        ("## = 1 +", Want::Syntax(1, "expected a value")),
        ("x = 1\n## = y", Want::Syntax(2, "'y' is not set")),
        ("x = 1\n", Want::Invalid("does not set its result")),
        ("## = @t('.two')", Want::Invalid("found 2 time series")),
        ("## = @TRANSFORM(@t(), 'FORTNIGHT', 'SUM')", Want::Invalid("'FORTNIGHT' is not a resolution")),
        ("## = @TRANSFORM(@t(), 'DAY', 'MEDIAN')", Want::Invalid("'MEDIAN' is not a transformation method")),
        ("## = @TRANSFORM(@t(), 'VARINT', 'SUM')", Want::Unsupported("VARINT")),
        ("## = @TRANSFORM(@t(), 3600, 'SUM')", Want::Unsupported("seconds")),
        ("## = @TRANSFORM(@t(), 'DAY')", Want::Syntax(1, "takes 3 to 4 arguments")),
        ("## = @GetTsAsOfTime(@t(), 'DAY+2h')", Want::Unsupported("time point macros")),
        ("## = @GetTsAsOfTime(@t(), 'UTC2016')", Want::Invalid("not a time point")),
        ("## = @GetTsAsOfTime(@t(), 'UTC20161301')", Want::Invalid("not a time point")),
        ("## = @GetTsAsOfTime(@t(), 'UTC20160101', 'Delta')", Want::Unsupported("third argument")),
        ("## = @GetTsHistoricalVersions(@t(), 1.5)", Want::Invalid("whole number")),
        ("## = @GetTsAsOfTime(@t(), -5)", Want::Invalid("not a time point in ticks")),
        ("## = @t() + @t('.steps')", Want::Unsupported("different shapes")),
        ("## = 'a' + 1", Want::Type("a string and a number")),
        ("## = @SUM(1)", Want::Type("@SUM takes")),
        ("## = @GetAllForecasts(1)", Want::Type("must be a time series")),
        ("## = @PDLOG(1)", Want::Type("no value")),
        ("## = UTC20160101000000000", Want::Type("a time point")),
        ("IF 1 THEN\n## = 1\n", Want::Syntax(2, "IF without ENDIF")),
        ("## = 1\nENDIF", Want::Syntax(2, "ENDIF without IF")),
        ("## = 'open", Want::Syntax(1, "not closed")),
        ("# = 1", Want::Syntax(1, "single '#'")),
        ("## = 1 $ 2", Want::Syntax(1, "unexpected character '$'")),
        ("## = 1 2", Want::Syntax(1, "end of the statement")),
        ("1 + 2", Want::Syntax(1, "a statement is")),
        (deep.as_str(), Want::Syntax(1, "nested more than")),
        ("IF 0 THEN\nx = 1\nENDIF\n## = x", Want::Type("'x' has no value when the IF condition is false")),
        ("## = @t('.loop')", Want::TooDeep),
    ];
    for (text, want) in table {
        let err = host
            .run(text, Interval::new(from, from + 2 * HOUR), "raw")
            .expect_err(text);
        let message = err.to_string();
        let ok = match (&err, &want) {
            (CalcError::Syntax { line, message }, Want::Syntax(l, m)) => {
                line == l && message.contains(m)
            }
            (CalcError::Unsupported(m), Want::Unsupported(w)) => m.contains(w),
            (CalcError::Type(m), Want::Type(w)) => m.contains(w),
            (CalcError::InvalidArgument(m), Want::Invalid(w)) => m.contains(w),
            (CalcError::TooDeep(_), Want::TooDeep) => true,
            _ => false,
        };
        assert!(ok, "{text:?} gave {err:?} ({message})");
    }
    let err = host.run(
        "## = @t()",
        Interval::new(from, from + HOUR),
        "not-a-series",
    );
    assert!(
        matches!(err, Err(CalcError::Host(ref m)) if m.contains("not a time series")),
        "{err:?}"
    );
    let err = host.run("## = 1", Interval::new(from + HOUR, from), "raw");
    assert!(matches!(err, Err(CalcError::InvalidArgument(_))), "{err:?}");
}

/// Runs `text` relative to `base` on a thread with a 2 MB stack, as tokio's
/// worker threads have.
fn run_on_small_stack(host: MemHost, text: String) -> Result<CalcResult, CalcError> {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            host.run(
                &text,
                Interval::new(utc(2016, 1, 1, 0), utc(2016, 1, 1, 2)),
                "base",
            )
        })
        .expect("a thread")
        .join()
        .expect("no stack overflow")
}

/// A host with `base` and calculated series `c0` .. `c{n-1}`, each adding a
/// chain of `links` ones to the one before.
fn chained_host(n: usize, links: usize) -> MemHost {
    let chain = " + 1".repeat(links);
    let mut host = MemHost::new()
        .with_series(
            "base",
            hourly(utc(2016, 1, 1, 0), 2, Curve::Staircase, |_| 1.0),
        )
        .with_query(".base", &["base"]);
    let mut prev = "base".to_string();
    for k in 0..n {
        let name = format!("c{k}");
        host = host
            // The lookup is the deepest leaf of the chain.
            .with_calculated(&name, &format!("## = @t('.{prev}'){chain}"))
            .with_query(&format!(".{name}"), &[&name]);
        prev = name;
    }
    host
}

#[test]
fn calc_deep_expressions_are_refused_not_overflowed() {
    // The tallest expression allowed evaluates on a small stack.
    let tallest = format!("## = {}1", "1 + ".repeat(MAX_HEIGHT - 1));
    assert_eq!(
        run_on_small_stack(MemHost::new(), tallest),
        Ok(CalcResult::Numbers(vec![MAX_HEIGHT as f64]))
    );
    let too_tall = format!("## = {}1", "1 + ".repeat(MAX_HEIGHT));
    assert!(matches!(
        run_on_small_stack(MemHost::new(), too_tall),
        Err(CalcError::Syntax { .. })
    ));
    // Variables count: each use is a level.
    let statements = format!("x = 1\n{}## = x", "x = x + 1\n".repeat(MAX_HEIGHT));
    assert!(matches!(
        run_on_small_stack(MemHost::new(), statements),
        Err(CalcError::Syntax { .. })
    ));
    // Calculated series within calculated series share one budget.
    let out = run_on_small_stack(chained_host(2, 20), "## = @t('.c1')".to_string());
    match out {
        Ok(CalcResult::Series(list)) => assert_eq!(list[0].points[0].value, 41.0),
        other => panic!("{other:?}"),
    }
    let out = run_on_small_stack(
        chained_host(8, MAX_HEIGHT - 10),
        "## = @t('.c7')".to_string(),
    );
    assert!(matches!(out, Err(CalcError::TooLarge(_))), "{out:?}");
}
