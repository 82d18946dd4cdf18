//! Time: UTC timestamps as seconds since the Unix epoch, time units and parsing.

use serde::{Deserialize, Serialize};

use crate::{Result, SegError};

/// Seconds in one day.
pub const SECONDS_PER_DAY: f64 = 86_400.0;

/// The unit in which durations (recency, tenure, horizons) are expressed.
///
/// ```
/// use segcore::data::TimeUnit;
/// assert_eq!(TimeUnit::Weeks.seconds(), 7.0 * 86_400.0);
/// assert_eq!(TimeUnit::parse("W").unwrap(), TimeUnit::Weeks);
/// assert_eq!(TimeUnit::Days.to_string(), "days");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// 86,400 seconds.
    #[default]
    Days,
    /// 7 days.
    Weeks,
    /// 365.25 / 12 days (30.4375), as an average calendar month.
    Months,
}

impl TimeUnit {
    /// Length of one unit in seconds.
    ///
    /// ```
    /// assert_eq!(segcore::data::TimeUnit::Days.seconds(), 86_400.0);
    /// ```
    pub fn seconds(self) -> f64 {
        match self {
            TimeUnit::Days => SECONDS_PER_DAY,
            TimeUnit::Weeks => 7.0 * SECONDS_PER_DAY,
            TimeUnit::Months => 30.4375 * SECONDS_PER_DAY,
        }
    }

    /// Length of one unit in days.
    ///
    /// ```
    /// assert_eq!(segcore::data::TimeUnit::Weeks.days(), 7.0);
    /// ```
    pub fn days(self) -> f64 {
        self.seconds() / SECONDS_PER_DAY
    }

    /// Parses `"D"`, `"days"`, `"W"`, `"weeks"`, `"M"`, `"months"` (case-insensitive).
    ///
    /// ```
    /// assert!(segcore::data::TimeUnit::parse("fortnights").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "d" | "day" | "days" => Ok(TimeUnit::Days),
            "w" | "week" | "weeks" => Ok(TimeUnit::Weeks),
            "m" | "month" | "months" => Ok(TimeUnit::Months),
            other => Err(SegError::param(
                "unit",
                format!("unknown time unit `{other}` (use D, W or M)"),
            )),
        }
    }
}

impl std::fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TimeUnit::Days => "days",
            TimeUnit::Weeks => "weeks",
            TimeUnit::Months => "months",
        })
    }
}

/// Earliest accepted timestamp: 1900-01-01T00:00:00Z.
pub const MIN_TIMESTAMP: i64 = -2_208_988_800;
/// Latest accepted timestamp: 2199-12-31T23:59:59Z.
pub const MAX_TIMESTAMP: i64 = 7_258_118_399;

/// How timestamps are written in text columns.
///
/// ```
/// use segcore::data::time::{TimeFormat, parse_time};
/// assert_eq!(parse_time("19970101", TimeFormat::Yyyymmdd), Some(852_076_800));
/// assert_eq!(parse_time("1997-01-01", TimeFormat::Auto), Some(852_076_800));
/// assert_eq!(parse_time("1997-01-01T01:00:00+01:00", TimeFormat::Auto), Some(852_076_800));
/// assert_eq!(parse_time("852076800", TimeFormat::EpochSeconds), Some(852_076_800));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeFormat {
    /// Try ISO date/datetime, then `YYYYMMDD`, then epoch seconds.
    #[default]
    Auto,
    /// `YYYY-MM-DD`.
    IsoDate,
    /// `YYYY-MM-DD[T ]HH:MM[:SS[.fff]]` with optional `Z` or `±HH[:]MM` offset (UTC if none).
    IsoDateTime,
    /// `YYYYMMDD`.
    Yyyymmdd,
    /// Seconds since the Unix epoch (integer or decimal).
    EpochSeconds,
}

impl TimeFormat {
    /// Parses `auto`, `iso_date`, `iso_datetime`, `yyyymmdd`, `epoch_seconds`.
    ///
    /// ```
    /// use segcore::data::time::TimeFormat;
    /// assert_eq!(TimeFormat::parse("yyyymmdd").unwrap(), TimeFormat::Yyyymmdd);
    /// ```
    pub fn parse(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(TimeFormat::Auto),
            "iso_date" | "date" | "%y-%m-%d" => Ok(TimeFormat::IsoDate),
            "iso_datetime" | "iso" | "datetime" => Ok(TimeFormat::IsoDateTime),
            "yyyymmdd" | "%y%m%d" => Ok(TimeFormat::Yyyymmdd),
            "epoch_seconds" | "epoch" | "unix" | "s" => Ok(TimeFormat::EpochSeconds),
            other => Err(SegError::param(
                "time_format",
                format!(
                    "unknown time format `{other}` (use auto, iso_date, iso_datetime, yyyymmdd or epoch_seconds)"
                ),
            )),
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
///
/// ```
/// assert_eq!(segcore::data::time::days_from_civil(1970, 1, 1), 0);
/// assert_eq!(segcore::data::time::days_from_civil(2000, 3, 1), 11_017);
/// ```
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number since 1970-01-01.
///
/// ```
/// assert_eq!(segcore::data::time::civil_from_days(11_017), (2000, 3, 1));
/// ```
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

fn digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0i64, |a, &c| a * 10 + (c - b'0') as i64))
}

fn date_secs(y: i64, m: i64, d: i64) -> Option<i64> {
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m as u32) as i64 {
        return None;
    }
    Some(days_from_civil(y, m as u32, d as u32) * 86_400)
}

fn parse_iso_date(b: &[u8]) -> Option<i64> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    date_secs(digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?)
}

fn parse_offset(b: &[u8]) -> Option<i64> {
    // b starts with + or -
    let sign = if b[0] == b'-' { -1 } else { 1 };
    let rest = &b[1..];
    let (h, m) = match rest.len() {
        2 => (digits(rest)?, 0),
        4 => (digits(&rest[0..2])?, digits(&rest[2..4])?),
        5 if rest[2] == b':' => (digits(&rest[0..2])?, digits(&rest[3..5])?),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

fn parse_iso_datetime(b: &[u8]) -> Option<i64> {
    if b.len() < 16 || (b[10] != b'T' && b[10] != b' ') {
        return None;
    }
    let day = parse_iso_date(&b[0..10])?;
    let rest = &b[11..];
    if rest.len() < 5 || rest[2] != b':' {
        return None;
    }
    let h = digits(&rest[0..2])?;
    let mi = digits(&rest[3..5])?;
    let mut i = 5;
    let mut s = 0;
    if rest.len() >= 8 && rest[5] == b':' {
        s = digits(&rest[6..8])?;
        i = 8;
        if i < rest.len() && (rest[i] == b'.' || rest[i] == b',') {
            i += 1;
            let start = i;
            while i < rest.len() && rest[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let tail = &rest[i..];
    let offset = match tail {
        [] | [b'Z'] | [b'z'] => 0,
        [b'+' | b'-', ..] => parse_offset(tail)?,
        _ => return None,
    };
    Some(day + h * 3600 + mi * 60 + s.min(59) - offset)
}

fn parse_epoch(s: &str) -> Option<i64> {
    if let Ok(i) = s.parse::<i64>() {
        return Some(i);
    }
    let f = s.parse::<f64>().ok()?;
    if f.is_finite() {
        Some(f.floor() as i64)
    } else {
        None
    }
}

fn in_range(t: i64) -> Option<i64> {
    (MIN_TIMESTAMP..=MAX_TIMESTAMP).contains(&t).then_some(t)
}

/// Parses one timestamp to UTC seconds since the epoch; `None` if it does not parse or is
/// outside 1900-01-01..2199-12-31.
///
/// ```
/// use segcore::data::time::{parse_time, TimeFormat};
/// assert_eq!(parse_time("1970-01-02 00:00:01Z", TimeFormat::IsoDateTime), Some(86_401));
/// assert_eq!(parse_time("1997-02-30", TimeFormat::Auto), None);
/// assert_eq!(parse_time("3000-01-01", TimeFormat::Auto), None);
/// assert_eq!(parse_time("86400000", TimeFormat::Auto), Some(86_400_000)); // not a date: epoch
/// ```
pub fn parse_time(s: &str, format: TimeFormat) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    let t = match format {
        TimeFormat::IsoDate => parse_iso_date(b),
        TimeFormat::IsoDateTime => parse_iso_datetime(b).or_else(|| parse_iso_date(b)),
        TimeFormat::Yyyymmdd => {
            if b.len() == 8 {
                date_secs(digits(&b[0..4])?, digits(&b[4..6])?, digits(&b[6..8])?)
            } else {
                None
            }
        }
        TimeFormat::EpochSeconds => parse_epoch(s),
        TimeFormat::Auto => {
            if b.len() == 10 && b.get(4) == Some(&b'-') {
                parse_iso_date(b)
            } else if b.len() > 10 && b.get(4) == Some(&b'-') {
                parse_iso_datetime(b)
            } else if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
                parse_time(s, TimeFormat::Yyyymmdd).or_else(|| parse_epoch(s))
            } else {
                parse_epoch(s)
            }
        }
    }?;
    in_range(t)
}

/// Checks that a timestamp in seconds lies in the accepted range.
///
/// ```
/// use segcore::data::time::check_time;
/// assert!(check_time(0, "timestamp", 0).is_ok());
/// assert!(check_time(i64::MAX, "timestamp", 4).unwrap_err().to_string().contains("row 4"));
/// ```
pub fn check_time(t: i64, column: &str, row: usize) -> Result<i64> {
    in_range(t).ok_or_else(|| {
        SegError::invalid(
            column,
            row,
            format!("timestamp {t} s is outside 1900-01-01..2199-12-31"),
        )
    })
}

/// Formats UTC seconds as `YYYY-MM-DD`.
///
/// ```
/// assert_eq!(segcore::data::time::format_date(852_076_800), "1997-01-01");
/// ```
pub fn format_date(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Formats UTC seconds as `YYYY-MM-DDTHH:MM:SSZ`.
///
/// ```
/// assert_eq!(segcore::data::time::format_datetime(86_401), "1970-01-02T00:00:01Z");
/// ```
pub fn format_datetime(t: i64) -> String {
    let s = t.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        format_date(t),
        s / 3600,
        (s / 60) % 60,
        s % 60
    )
}
