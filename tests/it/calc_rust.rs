//! Calculations through the Rust client API, inside the caller's own tokio
//! runtime: runs relative to a key, an id and a path; transformed reads of
//! several series in one request, answered in order; the expression
//! builders' text as the server reads it.

use crate::common::calc::*;
use crate::common::points::*;
use mesh_capi::client::calc::{
    expression, CalcResult, RelativeTo, TransformMethod, TransformZone, TransformedRead,
};
use mesh_capi::client::{ConnectOptions, Connection, ErrorKind, Points, Resolution, TimeseriesId};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Three days of hourly values with a shape per day, exact in binary.
fn hours() -> Points {
    let n = 72;
    Points::new(
        (0..n).map(|i| T0 + i * HOUR).collect(),
        vec![0; n as usize],
        (0..n)
            .map(|i| (i % 24) as f64 * 0.75 + (i / 24) as f64 * 10.0 - 4.0)
            .collect(),
    )
    .unwrap()
}

#[test]
fn transformed_reads_come_back_in_the_order_asked() {
    let emu = ts_emulator(MINUTES_5);
    runtime().block_on(async {
        let conn = Connection::connect(&emu.url(), ConnectOptions::default())
            .await
            .unwrap();
        let session = conn.open_session().await.unwrap();
        let id = TimeseriesId::Key(HOURLY_KEY);
        let points = hours();
        let end = T0 + 72 * HOUR;
        session
            .write_timeseries(&id, T0, end, &points)
            .await
            .unwrap();
        let days: Vec<&[f64]> = points.values().chunks(24).collect();
        let read = |method, start_ms| TransformedRead {
            id: id.clone(),
            start_ms,
            end_ms: end,
            resolution: Resolution::Day,
            method,
            zone: Some(TransformZone::Utc),
        };
        let reads = vec![
            read(TransformMethod::Sum, T0),
            read(TransformMethod::Max, T0 + 24 * HOUR),
            read(TransformMethod::First, T0),
            TransformedRead {
                id: TimeseriesId::Path("Resource/Test/Hourly".into()),
                ..read(TransformMethod::Min, T0 + 48 * HOUR)
            },
        ];
        let series = session.read_transformed_timeseries(&reads).await.unwrap();
        assert_eq!(series.len(), 4);
        let sums: Vec<f64> = days.iter().map(|d| d.iter().sum()).collect();
        let maxes: Vec<f64> = days[1..]
            .iter()
            .map(|d| d.iter().copied().fold(f64::MIN, f64::max))
            .collect();
        let firsts: Vec<f64> = days.iter().map(|d| d[0]).collect();
        let mins = vec![days[2].iter().copied().fold(f64::MAX, f64::min)];
        for (i, (got, expected)) in series.iter().zip([sums, maxes, firsts, mins]).enumerate() {
            assert_eq!(got.resolution, Resolution::Day, "read {i}");
            assert_eq!(got.points.values(), expected.as_slice(), "read {i}");
            let starts: Vec<i64> = (0..expected.len() as i64)
                .map(|d| reads[i].start_ms + d * 24 * HOUR)
                .collect();
            assert_eq!(got.points.timestamps(), starts.as_slice(), "read {i}");
        }
        assert_eq!(emu.calls("ReadTransformedTimeseries"), 1);

        // No reads send nothing; a bad one among good ones sends nothing.
        assert!(session
            .read_transformed_timeseries(&[])
            .await
            .unwrap()
            .is_empty());
        let mut bad = reads.clone();
        bad[2].resolution = Resolution::Breakpoint;
        let e = session.read_transformed_timeseries(&bad).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert!(e.message().starts_with("read 2 "), "{e}");
        assert_eq!(emu.calls("ReadTransformedTimeseries"), 1);
        session.close().await.unwrap();
    });
}

#[test]
fn runs_relative_to_a_key_an_id_and_a_path() {
    let emu = ts_emulator(MINUTES_5);
    runtime().block_on(async {
        let conn = Connection::connect(&emu.url(), ConnectOptions::default())
            .await
            .unwrap();
        let session = conn.open_session().await.unwrap();
        let raw = session
            .read_timeseries(&TimeseriesId::Path(RAW.into()), START_2016, END_2016)
            .await
            .unwrap();
        let raw_sum: f64 = raw.values().iter().filter(|v| !v.is_nan()).sum();
        let chimney = session
            .read_timeseries(&TimeseriesId::Key(CHIMNEY2_RAW_KEY), START_2016, END_2016)
            .await
            .unwrap();
        let chimney_sum: f64 = chimney.values().iter().filter(|v| !v.is_nan()).sum();
        assert_ne!(raw_sum, chimney_sum);

        let rows = [
            (RelativeTo::Key(CHIMNEY2_RAW_KEY), None, chimney_sum),
            (
                RelativeTo::parse(PLANT_ID).unwrap(),
                Some(".TsRawAtt"),
                raw_sum,
            ),
            (
                RelativeTo::parse(PLANT).unwrap(),
                Some(".TsRawAtt"),
                raw_sum,
            ),
            (RelativeTo::Path(RAW.into()), None, raw_sum),
        ];
        for (target, search, expected) in rows {
            let text = expression::sum(search).unwrap();
            let result = session
                .run_calculation(&target, &text, START_2016, END_2016)
                .await
                .unwrap();
            assert_eq!(result.into_number().unwrap(), expected, "{target}");
        }

        // Series, with the resolution the server gives.
        let text = expression::transform(
            Some(".TsRawAtt"),
            Resolution::Hour,
            TransformMethod::Avg,
            Some(TransformZone::Utc),
        )
        .unwrap();
        let series = session
            .run_calculation(
                &RelativeTo::parse(PLANT).unwrap(),
                &text,
                START_2016,
                END_2016,
            )
            .await
            .unwrap()
            .into_series()
            .unwrap();
        assert_eq!(series.resolution, Resolution::Hour);
        assert!(!series.points.is_empty());

        // Strings, quoted by the library and read back whole by the server.
        let text = format!("## = {}\n", expression::quote("O'Neil's 'plant'").unwrap());
        let result = session
            .run_calculation(
                &RelativeTo::Key(CHIMNEY2_RAW_KEY),
                &text,
                START_2016,
                END_2016,
            )
            .await
            .unwrap();
        assert_eq!(result, CalcResult::Strings(vec!["O'Neil's 'plant'".into()]));

        // A time literal as the server reads it: @GetTsAsOfTime at any
        // time of a series without history is the series.
        let text = expression::as_of_time(None, START_2016 + 123).unwrap();
        let as_of = session
            .run_calculation(&RelativeTo::Path(RAW.into()), &text, START_2016, END_2016)
            .await
            .unwrap()
            .into_series()
            .unwrap();
        assert_eq!(as_of.points.timestamps(), raw.timestamps());

        // An interval backwards is refused before any request.
        let before = emu.calls("RunCalculation");
        let e = session
            .run_calculation(&RelativeTo::Key(3), "## = 1\n", END_2016, START_2016)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        assert_eq!(emu.calls("RunCalculation"), before);
        session.close().await.unwrap();
    });
}
