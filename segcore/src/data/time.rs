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
