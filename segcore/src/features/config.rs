//! Settings of a feature computation: the cutoff, windows and which families to compute.

use serde::{Deserialize, Serialize};

use crate::{Result, SegError};

/// One family of features (one file each under `features/`).
///
/// ```
/// use segcore::features::Family;
/// assert_eq!(Family::ALL.len(), 6);
/// assert_eq!(Family::Purchase.as_str(), "purchase");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Recency, frequency, spend, gaps, windows, trend, returns ([`super::rfm`]).
    Purchase,
    /// Category spend shares, entropy, favourite category ([`super::preferences`]).
    Preferences,
    /// Campaign channels, app and social use, sales channels ([`super::channels`]).
    Channels,
    /// Product views by category, weekday, hour and month ([`super::browsing`]).
    Browsing,
    /// Carts started and abandoned, checkout stages ([`super::carts`]).
    Carts,
    /// Survey scores and satisfaction bands ([`super::feedback`]).
    Feedback,
}

impl Family {
    /// Every family, in the order their columns appear in the matrix.
    pub const ALL: [Family; 6] = [
        Family::Purchase,
        Family::Preferences,
        Family::Channels,
        Family::Browsing,
        Family::Carts,
        Family::Feedback,
    ];

    /// Snake-case name.
    ///
    /// ```
    /// assert_eq!(segcore::features::Family::Carts.as_str(), "carts");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Purchase => "purchase",
            Family::Preferences => "preferences",
            Family::Channels => "channels",
            Family::Browsing => "browsing",
            Family::Carts => "carts",
            Family::Feedback => "feedback",
        }
    }
}

/// Settings of [`compute`](super::compute). Plain data with chained setters; checked when
/// the features are computed.
///
/// Durations shorter than a day are in seconds (`*_secs`), longer ones in days (`*_days`).
///
/// * `as_of` — the cutoff (UTC seconds). Rows with a timestamp `<= as_of` are used, later rows
///   are excluded and counted. Default `None`: the start of the UTC day after the latest
///   timestamp in any of the logs (`floor(latest / 86400) * 86400 + 86400`), so the last day
///   of data is complete and nothing is excluded.
/// * `merge_period_secs` — purchases of one customer falling in the same UTC period of this
///   length form one purchase occasion (default `Some(86_400)`: same-day orders are one
///   occasion, as in the buy-till-you-die literature). `None`: every order is an occasion.
/// * `top_n` — how many category spend shares (`share_top1..N`), default 3.
/// * `windows_days` — windows for `purchases_{w}d`, default `[30, 90, 365]`.
/// * `trend_window_days` — the trend compares the last window with the one before, default 90.
/// * `cart_window_secs` — a cart is abandoned when no purchase follows in the same session or
///   within this time after the session's last event, default 86,400 (1 day).
/// * `session_gap_secs` — without session ids, a customer's site events are split into
///   sessions at gaps longer than this, default 1,800 (30 minutes).
/// * `recent_window_days` — window for recent browsing and app use, default 30.
/// * `families` — which families to compute, default all, in [`Family::ALL`] order.
///
/// ```
/// use segcore::features::{FeatureConfig, Family};
/// let cfg = FeatureConfig::default()
///     .as_of(Some(899_251_200))
///     .top_n(2)
///     .families(vec![Family::Purchase, Family::Preferences]);
/// assert_eq!(cfg.top_n, 2);
/// assert_eq!(cfg.windows_days, vec![30, 90, 365]);
/// let json = serde_json::to_string(&cfg).unwrap();
/// let back: FeatureConfig = serde_json::from_str(&json).unwrap();
/// assert_eq!(back, cfg);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeatureConfig {
    /// Cutoff in UTC seconds; `None` = start of the day after the latest timestamp.
    pub as_of: Option<i64>,
    /// Length of the period whose purchases form one occasion; `None` = one occasion per order.
    pub merge_period_secs: Option<i64>,
    /// Number of top-category spend shares.
    pub top_n: usize,
    /// Windows (days) for purchase counts.
    pub windows_days: Vec<u32>,
    /// Window (days) of the purchase trend.
    pub trend_window_days: u32,
    /// Time (seconds) after a cart session within which a purchase converts the cart.
    pub cart_window_secs: i64,
    /// Inactivity gap (seconds) that ends a session when events have no session id.
    pub session_gap_secs: i64,
    /// Window (days) for recent browsing and app use.
    pub recent_window_days: u32,
    /// Families to compute.
    pub families: Vec<Family>,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            as_of: None,
            merge_period_secs: Some(86_400),
            top_n: 3,
            windows_days: vec![30, 90, 365],
            trend_window_days: 90,
            cart_window_secs: 86_400,
            session_gap_secs: 1_800,
            recent_window_days: 30,
            families: Family::ALL.to_vec(),
        }
    }
}

impl FeatureConfig {
    /// Sets the cutoff (UTC seconds), or `None` for the default.
    ///
    /// ```
    /// assert_eq!(segcore::features::FeatureConfig::default().as_of(Some(0)).as_of, Some(0));
    /// ```
    pub fn as_of(mut self, as_of: Option<i64>) -> Self {
        self.as_of = as_of;
        self
    }

    /// Sets the occasion period in seconds (`None`: one occasion per order).
    ///
    /// ```
    /// let c = segcore::features::FeatureConfig::default().merge_period_secs(None);
    /// assert_eq!(c.merge_period_secs, None);
    /// ```
    pub fn merge_period_secs(mut self, period: Option<i64>) -> Self {
        self.merge_period_secs = period;
        self
    }

    /// Sets the number of top-category shares.
    ///
    /// ```
    /// assert_eq!(segcore::features::FeatureConfig::default().top_n(5).top_n, 5);
    /// ```
    pub fn top_n(mut self, n: usize) -> Self {
        self.top_n = n;
        self
    }

    /// Sets the purchase-count windows in days.
    ///
    /// ```
    /// let c = segcore::features::FeatureConfig::default().windows_days(vec![7]);
    /// assert_eq!(c.windows_days, vec![7]);
    /// ```
    pub fn windows_days(mut self, w: Vec<u32>) -> Self {
        self.windows_days = w;
        self
    }

    /// Sets the trend window in days.
    ///
    /// ```
    /// assert_eq!(segcore::features::FeatureConfig::default().trend_window_days(60).trend_window_days, 60);
    /// ```
    pub fn trend_window_days(mut self, d: u32) -> Self {
        self.trend_window_days = d;
        self
    }

    /// Sets the cart abandonment window in seconds.
    ///
    /// ```
    /// assert_eq!(segcore::features::FeatureConfig::default().cart_window_secs(3600).cart_window_secs, 3600);
    /// ```
    pub fn cart_window_secs(mut self, s: i64) -> Self {
        self.cart_window_secs = s;
        self
    }

    /// Sets the session inactivity gap in seconds.
    ///
    /// ```
    /// assert_eq!(segcore::features::FeatureConfig::default().session_gap_secs(600).session_gap_secs, 600);
    /// ```
    pub fn session_gap_secs(mut self, s: i64) -> Self {
        self.session_gap_secs = s;
        self
    }

    /// Sets the recent browsing window in days.
    ///
    /// ```
    /// assert_eq!(segcore::features::FeatureConfig::default().recent_window_days(7).recent_window_days, 7);
    /// ```
    pub fn recent_window_days(mut self, d: u32) -> Self {
        self.recent_window_days = d;
        self
    }

    /// Sets the families to compute (duplicates are ignored; columns follow [`Family::ALL`]).
    ///
    /// ```
    /// use segcore::features::{FeatureConfig, Family};
    /// let c = FeatureConfig::default().families(vec![Family::Carts]);
    /// assert_eq!(c.families, vec![Family::Carts]);
    /// ```
    pub fn families(mut self, f: Vec<Family>) -> Self {
        self.families = f;
        self
    }

    /// True if `family` is selected.
    ///
    /// ```
    /// use segcore::features::{FeatureConfig, Family};
    /// assert!(FeatureConfig::default().has(Family::Feedback));
    /// ```
    pub fn has(&self, family: Family) -> bool {
        self.families.contains(&family)
    }

    /// Checks every setting; the error names the parameter.
    ///
    /// ```
    /// use segcore::features::FeatureConfig;
    /// assert!(FeatureConfig::default().validate().is_ok());
    /// let e = FeatureConfig::default().windows_days(vec![0]).validate().unwrap_err();
    /// assert_eq!(e.code(), "INVALID_PARAMETER");
    /// ```
    pub fn validate(&self) -> Result<()> {
        if let Some(t) = self.as_of {
            crate::data::time::check_time(t, "as_of", 0)
                .map_err(|_| SegError::param("as_of", format!("{t} s is outside 1900..2199")))?;
        }
        if let Some(p) = self.merge_period_secs {
            if p <= 0 {
                return Err(SegError::param("merge_period_secs", "must be positive"));
            }
        }
        if self.top_n == 0 || self.top_n > 100 {
            return Err(SegError::param("top_n", "must be between 1 and 100"));
        }
        if self.windows_days.contains(&0) {
            return Err(SegError::param("windows_days", "windows must be >= 1 day"));
        }
        let mut w = self.windows_days.clone();
        w.sort_unstable();
        w.dedup();
        if w.len() != self.windows_days.len() {
            return Err(SegError::param("windows_days", "duplicate window"));
        }
        if self.trend_window_days == 0 {
            return Err(SegError::param("trend_window_days", "must be >= 1"));
        }
        if self.recent_window_days == 0 {
            return Err(SegError::param("recent_window_days", "must be >= 1"));
        }
        if self.cart_window_secs < 0 {
            return Err(SegError::param("cart_window_secs", "must be >= 0"));
        }
        if self.session_gap_secs <= 0 {
            return Err(SegError::param("session_gap_secs", "must be positive"));
        }
        if self.families.is_empty() {
            return Err(SegError::param("families", "select at least one family"));
        }
        Ok(())
    }
}
