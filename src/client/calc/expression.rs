//! Building Mesh calculation expressions safely: the common expressions a
//! client sends (transform, sum, forecasts, history), string literals with
//! their quotes escaped, and time literals. Nothing here talks to a server.
//!
//! Every expression is one statement, `## = ...`, ended by a line break, as
//! Mesh's calculator takes them. A search string becomes a single-quoted
//! literal with each `'` in it doubled, so text a user typed cannot end the
//! literal early and inject more expression; a line break, which would end
//! the statement, is refused instead.

use super::super::catalog::Resolution;
use super::super::error::{Error, Result};

/// How `@TRANSFORM` and `ReadTransformedTimeseries` turn the values of one
/// resolution into another. The numbers are Mesh's, as in
/// `ReadTransformedTimeseries`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TransformMethod {
    /// Mesh's default for the series' curve type and the direction of the
    /// transformation (`ReadTransformedTimeseries` only; `@TRANSFORM` has
    /// no such method).
    Implicit,
    /// The sum of the values in each period, unweighted.
    Sum,
    /// The integral of the curve over each period, in value × seconds.
    SumI,
    /// The mean of the values in each period, unweighted.
    Avg,
    /// The mean of the curve over each period, weighted by time.
    AvgI,
    /// The first value in each period.
    First,
    /// The last value in each period.
    Last,
    /// The smallest value in each period.
    Min,
    /// The largest value in each period.
    Max,
}

/// Methods in wire-number order, 1 to 9.
const METHODS: [TransformMethod; 9] = [
    TransformMethod::Implicit,
    TransformMethod::Sum,
    TransformMethod::SumI,
    TransformMethod::Avg,
    TransformMethod::AvgI,
    TransformMethod::First,
    TransformMethod::Last,
    TransformMethod::Min,
    TransformMethod::Max,
];

impl TransformMethod {
    /// The method a wire number (1 to 9) stands for.
    pub fn from_number(n: i32) -> Option<TransformMethod> {
        usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| METHODS.get(i).copied())
    }

    /// The wire number (1 to 9).
    pub fn number(self) -> i32 {
        METHODS
            .iter()
            .position(|m| *m == self)
            .map_or(0, |i| i as i32 + 1)
    }

    /// The name in an expression, e.g. `SUMI`.
    pub fn name(self) -> &'static str {
        match self {
            TransformMethod::Implicit => "IMPLICIT",
            TransformMethod::Sum => "SUM",
            TransformMethod::SumI => "SUMI",
            TransformMethod::Avg => "AVG",
            TransformMethod::AvgI => "AVGI",
            TransformMethod::First => "FIRST",
            TransformMethod::Last => "LAST",
            TransformMethod::Min => "MIN",
            TransformMethod::Max => "MAX",
        }
    }
}

/// The time zone whose calendar a transformation's periods (days, weeks,
/// months, years) follow. The numbers are Mesh's, as in
/// `ReadTransformedTimeseries`; "none" (number 0, `Option::None`) means the
/// default: a time-zone-aware series' own zone, else the server's default
/// calculation zone in an expression, UTC in a transformed read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TransformZone {
    /// UTC.
    Utc,
    /// The Mesh server's local zone, with daylight saving time.
    Local,
    /// The Mesh server's local zone without daylight saving time.
    Standard,
}

impl TransformZone {
    /// The zone a wire number stands for: 1 UTC, 2 LOCAL, 3 STANDARD.
    pub fn from_number(n: i32) -> Option<TransformZone> {
        match n {
            1 => Some(TransformZone::Utc),
            2 => Some(TransformZone::Local),
            3 => Some(TransformZone::Standard),
            _ => None,
        }
    }

    /// The wire number.
    pub fn number(self) -> i32 {
        match self {
            TransformZone::Utc => 1,
            TransformZone::Local => 2,
            TransformZone::Standard => 3,
        }
    }

    /// The name in an expression.
    pub fn name(self) -> &'static str {
        match self {
            TransformZone::Utc => "UTC",
            TransformZone::Local => "LOCAL",
            TransformZone::Standard => "STANDARD",
        }
    }
}

/// The name of a resolution a series can be transformed to, as an
/// expression writes it; BREAKPOINT, UNDEFINED, UNSPECIFIED and unknown
/// numbers are refused.
pub(crate) fn target_resolution_name(resolution: Resolution) -> Result<&'static str> {
    Ok(match resolution {
        Resolution::Min => "MIN",
        Resolution::Min5 => "MIN5",
        Resolution::Min10 => "MIN10",
        Resolution::Min15 => "MIN15",
        Resolution::Min30 => "MIN30",
        Resolution::Hour => "HOUR",
        Resolution::Day => "DAY",
        Resolution::Week => "WEEK",
        Resolution::Month => "MONTH",
        Resolution::Year => "YEAR",
        other => {
            return Err(Error::invalid_argument(format!(
                "a series cannot be transformed to resolution {other:?}: only to a fixed one (MIN to YEAR)"
            )))
        }
    })
}

/// `text` as a string literal of an expression: in single quotes, each
/// `'` doubled. A line break is refused (`InvalidArgument`): it would end
/// the statement.
pub fn quote(text: &str) -> Result<String> {
    if text.contains(['\n', '\r']) {
        let shown: String = text.chars().take(64).collect();
        return Err(Error::invalid_argument(format!(
            "{shown:?} has a line break, which cannot be part of a string in a Mesh expression"
        )));
    }
    Ok(format!("'{}'", text.replace('\'', "''")))
}

/// The earliest and latest instants a time literal can write: years 0000
/// to 9999.
const FIRST_LITERAL_MS: i64 = -62_167_219_200_000;
const LAST_LITERAL_MS: i64 = 253_402_300_799_999;

/// A time literal of Mesh's calculator for the instant `ms` (milliseconds
/// since the Unix epoch): `UTC` followed by `yyyyMMddHHmmssfff` in UTC,
/// e.g. `UTC20160105174811123`. Instants outside the years 0000 to 9999
/// are refused (`InvalidArgument`).
pub fn time_literal(ms: i64) -> Result<String> {
    if !(FIRST_LITERAL_MS..=LAST_LITERAL_MS).contains(&ms) {
        return Err(Error::invalid_argument(format!(
            "time {ms} ms is outside the years 0000 to 9999 that a Mesh time literal can write"
        )));
    }
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    Ok(format!(
        "UTC{year:04}{month:02}{day:02}{:02}{:02}{:02}{:03}",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    ))
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `@t(...)` or `@T(...)` of a search: no argument (the series the
/// calculation is relative to) when `search` is `None` or empty.
fn lookup(function: &str, search: Option<&str>) -> Result<String> {
    match search.filter(|s| !s.is_empty()) {
        Some(search) => Ok(format!("@{function}({})", quote(search)?)),
        None => Ok(format!("@{function}()")),
    }
}

fn statement(body: String) -> String {
    format!("## = {body}\n")
}

/// `@TRANSFORM` of the series `search` finds (or of the series the
/// calculation is relative to, for `None`) to `resolution` with `method`,
/// in `zone` (`None`: the default, see [`TransformZone`]). Gives one series.
/// Refuses a resolution that is not fixed and the method `Implicit`.
pub fn transform(
    search: Option<&str>,
    resolution: Resolution,
    method: TransformMethod,
    zone: Option<TransformZone>,
) -> Result<String> {
    let resolution = target_resolution_name(resolution)?;
    if method == TransformMethod::Implicit {
        return Err(Error::invalid_argument(
            "@TRANSFORM takes an explicit method (SUM to MAX), not IMPLICIT (which only transformed reads know)",
        ));
    }
    let zone = zone.map_or(String::new(), |z| format!(", '{}'", z.name()));
    Ok(statement(format!(
        "@TRANSFORM({}, '{resolution}', '{}'{zone})",
        lookup("t", search)?,
        method.name()
    )))
}

/// `@SUM` of one series: the sum of its values over the interval, one
/// number.
pub fn sum(search: Option<&str>) -> Result<String> {
    Ok(statement(format!("@SUM({})", lookup("t", search)?)))
}

/// `@SUM` of a list of series (all that `search` finds): their point-wise
/// sum, one series.
pub fn sum_list(search: Option<&str>) -> Result<String> {
    Ok(statement(format!("@SUM({})", lookup("T", search)?)))
}

/// `@GetAllForecasts`: every forecast of the series, a list of series.
pub fn all_forecasts(search: Option<&str>) -> Result<String> {
    Ok(statement(format!(
        "@GetAllForecasts({})",
        lookup("t", search)?
    )))
}

/// `@GetForecast`: one forecast of the series, one series. With `window`
/// `(t0_min, t0_max)`, the forecast whose start lies in that window instead
/// of the one for the interval's start; with `available_at`, only forecasts
/// written by then.
pub fn forecast(
    search: Option<&str>,
    window: Option<(i64, i64)>,
    available_at: Option<i64>,
) -> Result<String> {
    let mut args = lookup("t", search)?;
    if let Some((t0_min, t0_max)) = window {
        if t0_max < t0_min {
            return Err(Error::invalid_argument(format!(
                "bad forecast window: its end {t0_max} is before its start {t0_min}"
            )));
        }
        args.push_str(&format!(
            ", '{}', '{}'",
            time_literal(t0_min)?,
            time_literal(t0_max)?
        ));
    }
    if let Some(at) = available_at {
        args.push_str(&format!(", '{}'", time_literal(at)?));
    }
    Ok(statement(format!("@GetForecast({args})")))
}

/// `@GetTsHistoricalVersions`: up to `max_versions` earlier versions of the
/// series, a list of series. `max_versions` must be at least 1.
pub fn historical_versions(search: Option<&str>, max_versions: u32) -> Result<String> {
    if max_versions == 0 {
        return Err(Error::invalid_argument("max_versions must be at least 1"));
    }
    Ok(statement(format!(
        "@GetTsHistoricalVersions({}, {max_versions})",
        lookup("t", search)?
    )))
}

/// `@GetTsAsOfTime`: the series as it was at `available_at`, one series.
pub fn as_of_time(search: Option<&str>, available_at: i64) -> Result<String> {
    Ok(statement(format!(
        "@GetTsAsOfTime({}, '{}')",
        lookup("t", search)?,
        time_literal(available_at)?
    )))
}

#[cfg(test)]
mod tests {
    use super::super::super::error::ErrorKind;
    use super::*;

    /// Milliseconds of a UTC date and time, computed the slow way (counting
    /// days year by year), to check the fast conversion against.
    fn ms_of(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, f: i64) -> i64 {
        let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let mut days = 0i64;
        if y >= 1970 {
            for year in 1970..y {
                days += if leap(year) { 366 } else { 365 };
            }
        } else {
            for year in y..1970 {
                days -= if leap(year) { 366 } else { 365 };
            }
        }
        let lengths = [
            31,
            if leap(y) { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        days += lengths[..(mo - 1) as usize].iter().sum::<i64>() + d - 1;
        ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + f
    }

    #[test]
    fn time_literals_write_the_utc_instant() {
        let rows = [
            ((1970, 1, 1, 0, 0, 0, 0), "UTC19700101000000000"),
            ((2016, 1, 5, 17, 48, 11, 123), "UTC20160105174811123"),
            ((2016, 2, 29, 23, 59, 59, 999), "UTC20160229235959999"),
            ((2000, 3, 1, 0, 0, 0, 1), "UTC20000301000000001"),
            ((1969, 12, 31, 23, 59, 59, 999), "UTC19691231235959999"),
            ((1900, 3, 1, 12, 0, 0, 0), "UTC19000301120000000"),
            ((0, 1, 1, 0, 0, 0, 0), "UTC00000101000000000"),
            ((9999, 12, 31, 23, 59, 59, 999), "UTC99991231235959999"),
        ];
        for ((y, mo, d, h, mi, s, f), text) in rows {
            let ms = ms_of(y, mo, d, h, mi, s, f);
            assert_eq!(time_literal(ms).unwrap(), text, "{ms}");
        }
        assert_eq!(ms_of(0, 1, 1, 0, 0, 0, 0), FIRST_LITERAL_MS);
        assert_eq!(ms_of(9999, 12, 31, 23, 59, 59, 999), LAST_LITERAL_MS);
        for ms in [
            FIRST_LITERAL_MS - 1,
            LAST_LITERAL_MS + 1,
            i64::MIN,
            i64::MAX,
        ] {
            assert_eq!(
                time_literal(ms).unwrap_err().kind(),
                ErrorKind::InvalidArgument
            );
        }
        // Every day of four centuries round-trips through the slow count.
        for days in (-150_000i64..150_000).step_by(37) {
            let text = time_literal(days * 86_400_000).unwrap();
            let n = |a: usize, b: usize| text[a..b].parse::<i64>().unwrap();
            assert_eq!(
                ms_of(n(3, 7), n(7, 9), n(9, 11), 0, 0, 0, 0),
                days * 86_400_000
            );
        }
    }

    #[test]
    fn quotes_are_doubled_and_line_breaks_refused() {
        assert_eq!(quote("").unwrap(), "''");
        assert_eq!(quote(".TsRawAtt").unwrap(), "'.TsRawAtt'");
        assert_eq!(quote("[.Name='A']").unwrap(), "'[.Name=''A'']'");
        assert_eq!(quote("'").unwrap(), "''''");
        assert_eq!(
            quote("x')\n## = 1").unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            quote("a\rb").unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
    }

    /// A string literal read back the way Mesh's calculator reads one:
    /// from the opening quote, `''` standing for `'`, to the closing quote.
    fn unquote(literal: &str) -> (String, &str) {
        let mut chars = literal.char_indices().peekable();
        assert_eq!(chars.next(), Some((0, '\'')));
        let mut text = String::new();
        while let Some((i, c)) = chars.next() {
            if c == '\'' {
                if chars.peek().map(|(_, c)| *c) == Some('\'') {
                    chars.next();
                    text.push('\'');
                } else {
                    return (text, &literal[i + 1..]);
                }
            } else {
                text.push(c);
            }
        }
        panic!("literal not closed: {literal}");
    }

    #[test]
    fn a_quoted_search_reads_back_whole() {
        for search in [
            "",
            "'",
            "''",
            "x')) + @t('y",
            "To_Plant/@[.Name='O''Neil']/.Level",
            "ÆØÅ 'quoted' \"double\" ; ## = 1",
        ] {
            let literal = quote(search).unwrap();
            let (text, rest) = unquote(&literal);
            assert_eq!(text, search);
            assert_eq!(rest, "", "{literal}");
        }
    }

    #[test]
    fn common_expressions() {
        assert_eq!(
            transform(None, Resolution::Day, TransformMethod::Sum, None).unwrap(),
            "## = @TRANSFORM(@t(), 'DAY', 'SUM')\n"
        );
        assert_eq!(
            transform(
                Some(".TsRawAtt"),
                Resolution::Min15,
                TransformMethod::AvgI,
                Some(TransformZone::Standard)
            )
            .unwrap(),
            "## = @TRANSFORM(@t('.TsRawAtt'), 'MIN15', 'AVGI', 'STANDARD')\n"
        );
        assert_eq!(
            transform(
                Some(""),
                Resolution::Hour,
                TransformMethod::Max,
                Some(TransformZone::Utc)
            )
            .unwrap(),
            "## = @TRANSFORM(@t(), 'HOUR', 'MAX', 'UTC')\n"
        );
        assert_eq!(sum(None).unwrap(), "## = @SUM(@t())\n");
        assert_eq!(
            sum_list(Some("*[.Type=Chimney].TsRawAtt")).unwrap(),
            "## = @SUM(@T('*[.Type=Chimney].TsRawAtt'))\n"
        );
        assert_eq!(
            all_forecasts(None).unwrap(),
            "## = @GetAllForecasts(@t())\n"
        );
        let t = ms_of(2016, 1, 2, 0, 0, 0, 0);
        let u = ms_of(2016, 1, 8, 0, 0, 0, 0);
        let a = ms_of(2016, 1, 5, 17, 48, 11, 123);
        assert_eq!(
            forecast(None, None, None).unwrap(),
            "## = @GetForecast(@t())\n"
        );
        assert_eq!(
            forecast(None, Some((t, u)), None).unwrap(),
            "## = @GetForecast(@t(), 'UTC20160102000000000', 'UTC20160108000000000')\n"
        );
        assert_eq!(
            forecast(Some("a'b"), Some((t, u)), Some(a)).unwrap(),
            "## = @GetForecast(@t('a''b'), 'UTC20160102000000000', 'UTC20160108000000000', 'UTC20160105174811123')\n"
        );
        assert_eq!(
            forecast(None, None, Some(a)).unwrap(),
            "## = @GetForecast(@t(), 'UTC20160105174811123')\n"
        );
        assert_eq!(
            forecast(None, Some((u, t)), None).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            historical_versions(None, 5).unwrap(),
            "## = @GetTsHistoricalVersions(@t(), 5)\n"
        );
        assert_eq!(
            historical_versions(None, 0).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            as_of_time(Some(".TsRawAtt"), a).unwrap(),
            "## = @GetTsAsOfTime(@t('.TsRawAtt'), 'UTC20160105174811123')\n"
        );
    }

    #[test]
    fn transforms_refuse_what_mesh_cannot_do() {
        for resolution in [
            Resolution::Breakpoint,
            Resolution::Undefined,
            Resolution::Unspecified,
            Resolution::Other(42),
        ] {
            let e = transform(None, resolution, TransformMethod::Sum, None).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{resolution:?}");
        }
        let e = transform(None, Resolution::Day, TransformMethod::Implicit, None).unwrap_err();
        assert!(e.message().contains("IMPLICIT"), "{e}");
        let e = transform(Some("a\nb"), Resolution::Day, TransformMethod::Sum, None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn method_and_zone_numbers_are_meshs() {
        for n in -1..12 {
            match TransformMethod::from_number(n) {
                Some(m) => assert_eq!(m.number(), n),
                None => assert!(!(1..=9).contains(&n), "{n}"),
            }
            match TransformZone::from_number(n) {
                Some(z) => assert_eq!(z.number(), n),
                None => assert!(!(1..=3).contains(&n), "{n}"),
            }
        }
        assert_eq!(TransformMethod::from_number(2), Some(TransformMethod::Sum));
        assert_eq!(TransformMethod::from_number(9), Some(TransformMethod::Max));
        assert_eq!(TransformZone::from_number(2), Some(TransformZone::Local));
    }
}
