//! Cart abandonment: the checkout funnel from events, by session and by customer.
//!
//! **Stages.** [`FunnelStages`] maps event kinds to ordered stages; the default is
//! `product_view → add_to_cart → checkout_start → shipping → payment → purchase`, where the
//! shipping stage also accepts `shipping_details` and the payment stage `payment_details`
//! (logs that name their events that way arrive as [`crate::data::EventKind::Other`]; names
//! are matched case-insensitively with spaces and dashes read as `_`).
//!
//! **Sessions.** With a session column, a session is a (customer, session id) pair. Rows with
//! an empty session id, and every row when there is no session column, are cut into sessions
//! per customer at gaps of more than `session_gap_secs` (default 30 minutes) between
//! consecutive events.
//!
//! **Reaching a stage** (a closed, ordered funnel). A session enters the funnel at its first
//! event of stage 0. It reaches stage `s` when, having reached `s - 1`, it has an event of stage
//! `s`; an event that skips a stage does not count. So counts never increase along the stages.
//! A *loop* is a funnel event of a stage earlier than the previous funnel event of the session
//! (going back from shipping to the cart): it is counted for the stage gone back to and does not
//! undo progress. A customer reaches a stage when any of their sessions does.
//!
//! **Rates.** `session_reach = sessions at s / sessions at stage 0`; `step_conversion` is the
//! share of sessions at `s - 1` reaching `s`; `drop_off` is the share of sessions at `s` that do
//! not reach `s + 1` (none for the last stage). Groups (segments, platforms, channels,
//! periods) with fewer than `min_group` customers are suppressed.
//!
//! ```
//! use segcore::analytics::funnel::FunnelAnalysis;
//! use segcore::data::Events;
//! let ev = Events::builder(
//!     vec![1_i64, 1, 1, 2, 2],
//!     vec![0_i64, 60, 120, 0, 60],
//!     vec!["product_view", "add_to_cart", "checkout_start", "product_view", "add_to_cart"],
//! ).build().unwrap();
//! let f = FunnelAnalysis::params().min_group(1).fit(&ev).unwrap();
//! let all = f.overall();
//! let st = all.stages.as_ref().unwrap();
//! assert_eq!((st[0].sessions, st[1].sessions, st[2].sessions), (2, 2, 1));
//! assert_eq!(st[1].drop_off, Some(0.5));
//! ```

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::anomaly::{AnomalyParams, DropOffAnomaly, PeriodCounts, detect_dropoff_anomalies};
use super::privacy::{DEFAULT_MIN_GROUP, check_min_group, is_suppressed};
use crate::data::time::format_date;
use crate::data::{Events, Groups, MISSING, STANDARD_KINDS};
use crate::{Result, SegError};

const NO_STAGE: u8 = u8::MAX;

/// One funnel stage: a name and the event kinds that count as reaching it.
///
/// ```
/// let s = segcore::analytics::funnel::FunnelStage::new("payment", &["payment", "payment_details"]);
/// assert_eq!(s.kinds.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelStage {
    /// Stage name used in the outputs.
    pub name: String,
    /// Event kind names that count as this stage.
    pub kinds: Vec<String>,
}

impl FunnelStage {
    /// A stage from a name and its kinds.
    ///
    /// ```
    /// let s = segcore::analytics::funnel::FunnelStage::new("cart", &["add_to_cart"]);
    /// assert_eq!(s.name, "cart");
    /// ```
    pub fn new(name: &str, kinds: &[&str]) -> FunnelStage {
        FunnelStage {
            name: name.to_string(),
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
        }
    }
}

/// The ordered stages of the funnel and which stage means "has a cart".
///
/// ```
/// use segcore::analytics::funnel::FunnelStages;
/// let s = FunnelStages::default();
/// assert_eq!(s.names(), vec!["product_view", "add_to_cart", "checkout_start", "shipping", "payment", "purchase"]);
/// assert_eq!(s.cart_stage, 1);
/// let custom = FunnelStages::from_kinds(&["product_view", "add_to_cart", "purchase"], 1).unwrap();
/// assert_eq!(custom.stages.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelStages {
    /// Stages in funnel order (at least 2, at most 32).
    pub stages: Vec<FunnelStage>,
    /// Index of the first stage at which the customer has a cart (abandonment starts here).
    pub cart_stage: usize,
}

impl Default for FunnelStages {
    fn default() -> Self {
        FunnelStages {
            stages: vec![
                FunnelStage::new("product_view", &["product_view"]),
                FunnelStage::new("add_to_cart", &["add_to_cart"]),
                FunnelStage::new("checkout_start", &["checkout_start"]),
                FunnelStage::new("shipping", &["shipping", "shipping_details"]),
                FunnelStage::new("payment", &["payment", "payment_details"]),
                FunnelStage::new("purchase", &["purchase"]),
            ],
            cart_stage: 1,
        }
    }
}

fn norm_kind(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

impl FunnelStages {
    /// One stage per kind name (the stage is named after the kind).
    ///
    /// ```
    /// let s = segcore::analytics::funnel::FunnelStages::from_kinds(&["a", "b"], 0).unwrap();
    /// assert_eq!(s.names(), vec!["a", "b"]);
    /// ```
    pub fn from_kinds(kinds: &[&str], cart_stage: usize) -> Result<FunnelStages> {
        let s = FunnelStages {
            stages: kinds.iter().map(|k| FunnelStage::new(k, &[k])).collect(),
            cart_stage,
        };
        s.validate()?;
        Ok(s)
    }

    /// Stage names in order.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::funnel::FunnelStages::default().names()[5], "purchase");
    /// ```
    pub fn names(&self) -> Vec<String> {
        self.stages.iter().map(|s| s.name.clone()).collect()
    }

    /// Checks: 2..=32 stages, non-empty names and kinds, no kind in two stages, and a cart
    /// stage before the last stage.
    ///
    /// ```
    /// use segcore::analytics::funnel::FunnelStages;
    /// let bad = FunnelStages { stages: FunnelStages::default().stages, cart_stage: 5 };
    /// assert!(bad.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        let n = self.stages.len();
        if !(2..=32).contains(&n) {
            return Err(SegError::param(
                "stages",
                format!("{n} stages; need 2..=32"),
            ));
        }
        if self.cart_stage + 1 >= n {
            return Err(SegError::param(
                "cart_stage",
                "must come before the last stage",
            ));
        }
        let mut seen: FxHashMap<String, usize> = FxHashMap::default();
        for (i, s) in self.stages.iter().enumerate() {
            if s.name.trim().is_empty() || s.kinds.is_empty() {
                return Err(SegError::param(
                    "stages",
                    format!("stage {i} needs a name and at least one kind"),
                ));
            }
            for k in &s.kinds {
                if let Some(j) = seen.insert(norm_kind(k), i) {
                    if j != i {
                        return Err(SegError::param(
                            "stages",
                            format!("kind `{k}` is in stages {j} and {i}"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Stage of every kind code of `events` (`u8::MAX` = not a funnel event).
    fn resolve(&self, events: &Events) -> Vec<u8> {
        let others = events.other_kinds();
        let mut map = vec![NO_STAGE; STANDARD_KINDS.len() + others.len()];
        for (si, s) in self.stages.iter().enumerate() {
            for k in &s.kinds {
                let nk = norm_kind(k);
                if let Some(c) = STANDARD_KINDS.iter().position(|x| *x == nk) {
                    map[c] = si as u8;
                }
                for (j, o) in others.iter().enumerate() {
                    if norm_kind(o) == nk {
                        map[STANDARD_KINDS.len() + j] = si as u8;
                    }
                }
            }
        }
        map
    }
}

/// Time periods for trends.
///
/// ```
/// use segcore::analytics::funnel::Period;
/// assert_eq!(Period::Day.start_of(86_400 + 5), 86_400);
/// // 1970-01-05 was a Monday
/// assert_eq!(Period::Week.start_of(6 * 86_400), 4 * 86_400);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    /// UTC calendar days.
    Day,
    /// ISO weeks, Monday to Sunday, UTC.
    Week,
}

impl Period {
    fn index(self, t: i64) -> i64 {
        let day = t.div_euclid(86_400);
        match self {
            Period::Day => day,
            Period::Week => (day + 3).div_euclid(7),
        }
    }
    fn start(self, idx: i64) -> i64 {
        match self {
            Period::Day => idx * 86_400,
            Period::Week => (idx * 7 - 3) * 86_400,
        }
    }
    /// Start (UTC seconds) of the period holding `t`.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::funnel::Period::Day.start_of(-1), -86_400);
    /// ```
    pub fn start_of(self, t: i64) -> i64 {
        self.start(self.index(t))
    }
}

/// Builder for [`FunnelAnalysis`]; see [`FunnelAnalysis::params`].
///
/// ```
/// let p = segcore::analytics::funnel::FunnelAnalysis::params().session_gap_secs(600).min_group(5);
/// assert_eq!(p.session_gap_secs, 600);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelParams {
    /// The stages.
    pub stages: FunnelStages,
    /// Inactivity gap that ends a session when there is no session id (default 1800 s).
    pub session_gap_secs: i64,
    /// Minimum customers behind any reported group (default 10).
    pub min_group: usize,
}

impl Default for FunnelParams {
    fn default() -> Self {
        FunnelParams {
            stages: FunnelStages::default(),
            session_gap_secs: 1800,
            min_group: DEFAULT_MIN_GROUP,
        }
    }
}

impl FunnelParams {
    /// Sets the stages.
    ///
    /// ```
    /// use segcore::analytics::funnel::{FunnelAnalysis, FunnelStages};
    /// let p = FunnelAnalysis::params().stages(FunnelStages::from_kinds(&["a", "b"], 0).unwrap());
    /// assert_eq!(p.stages.stages.len(), 2);
    /// ```
    pub fn stages(mut self, stages: FunnelStages) -> Self {
        self.stages = stages;
        self
    }
    /// Sets the session inactivity gap in seconds.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::funnel::FunnelAnalysis::params().session_gap_secs(60).session_gap_secs, 60);
    /// ```
    pub fn session_gap_secs(mut self, secs: i64) -> Self {
        self.session_gap_secs = secs;
        self
    }
    /// Sets the minimum group size for reporting.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::funnel::FunnelAnalysis::params().min_group(3).min_group, 3);
    /// ```
    pub fn min_group(mut self, k: usize) -> Self {
        self.min_group = k;
        self
    }

    /// Splits events into sessions and walks each through the funnel.
    ///
    /// ```
    /// use segcore::analytics::funnel::FunnelAnalysis;
    /// let ev = segcore::data::Events::builder(vec![1_i64], vec![0_i64], vec!["product_view"]).build().unwrap();
    /// assert_eq!(FunnelAnalysis::params().fit(&ev).unwrap().n_sessions(), 1);
    /// ```
    pub fn fit(&self, events: &Events) -> Result<FunnelAnalysis> {
        self.stages.validate()?;
        check_min_group(self.min_group)?;
        if self.session_gap_secs <= 0 {
            return Err(SegError::param("session_gap_secs", "must be positive"));
        }
        let n_stages = self.stages.stages.len();
        let stage_of = self.stages.resolve(events);
        let n_customers = events.customers().len();
        let groups = Groups::of_valid(events.customer(), events.timestamp(), n_customers);
        let last = (n_stages - 1) as u8;
        let per_customer: Vec<(Vec<Session>, i64)> = (0..n_customers)
            .into_par_iter()
            .with_min_len(256)
            .map(|c| {
                let rows = groups.rows_of(c);
                let last_purchase = rows
                    .iter()
                    .filter(|&&r| stage_of[events.kind_code()[r as usize] as usize] == last)
                    .map(|&r| events.timestamp()[r as usize])
                    .max()
                    .unwrap_or(i64::MIN);
                (
                    sessions_of(
                        c as u32,
                        rows,
                        events,
                        &stage_of,
                        n_stages,
                        self.stages.cart_stage,
                        self.session_gap_secs,
                    ),
                    last_purchase,
                )
            })
            .collect();
        let mut sessions = Vec::new();
        let mut last_purchase = Vec::with_capacity(n_customers);
        for (s, lp) in per_customer {
            sessions.extend(s);
            last_purchase.push(lp);
        }
        Ok(FunnelAnalysis {
            stage_names: self.stages.names(),
            cart_stage: self.stages.cart_stage,
            min_group: self.min_group,
            customer_ids: (0..n_customers as u32)
                .map(|c| events.customers().label(c))
                .collect(),
            platforms: events
                .platform()
                .map(|p| p.levels.clone())
                .unwrap_or_default(),
            channels: events
                .channel()
                .map(|p| p.levels.clone())
                .unwrap_or_default(),
            sessions,
            last_purchase,
        })
    }
}

/// One session as it went through the funnel.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Session {
    customer: u32,
    start: i64,
    end: i64,
    /// Deepest stage reached, -1 if the session never entered the funnel.
    depth: i8,
    /// Loops back to each stage.
    loops: Vec<u32>,
    platform: u32,
    channel: u32,
    /// Last known cart value at or after the cart stage.
    value: Option<f64>,
}

fn sessions_of(
    customer: u32,
    rows: &[u32],
    events: &Events,
    stage_of: &[u8],
    n_stages: usize,
    cart_stage: usize,
    gap: i64,
) -> Vec<Session> {
    // assign each row to a session: by session id, or by inactivity gap for missing ids
    let sess_col = events.session();
    let mut keyed: FxHashMap<u32, usize> = FxHashMap::default();
    let mut members: Vec<Vec<u32>> = Vec::new();
    let mut open_gap: Option<(usize, i64)> = None;
    for &r in rows {
        let r_us = r as usize;
        let t = events.timestamp()[r_us];
        let code = sess_col.map_or(MISSING, |s| s.codes[r_us]);
        let idx = if code != MISSING {
            *keyed.entry(code).or_insert_with(|| {
                members.push(Vec::new());
                members.len() - 1
            })
        } else {
            match open_gap {
                Some((i, last_t)) if t - last_t <= gap => i,
                _ => {
                    members.push(Vec::new());
                    members.len() - 1
                }
            }
        };
        if code == MISSING {
            open_gap = Some((idx, t));
        }
        members[idx].push(r);
    }
    let cat = |c: Option<&crate::data::Categorical>, r: usize| c.map_or(MISSING, |c| c.codes[r]);
    members
        .into_iter()
        .map(|m| {
            let mut s = Session {
                customer,
                start: events.timestamp()[m[0] as usize],
                end: events.timestamp()[m[m.len() - 1] as usize],
                depth: -1,
                loops: vec![0; n_stages],
                platform: MISSING,
                channel: MISSING,
                value: None,
            };
            let mut prev: i32 = -1;
            for &r in &m {
                let r = r as usize;
                if s.platform == MISSING {
                    s.platform = cat(events.platform(), r);
                }
                if s.channel == MISSING {
                    s.channel = cat(events.channel(), r);
                }
                let st = stage_of[events.kind_code()[r] as usize];
                if st == NO_STAGE {
                    continue;
                }
                let st = st as i32;
                if st > s.depth as i32 + 1 {
                    continue; // skipped a stage: not counted
                }
                if st < prev {
                    s.loops[st as usize] += 1;
                }
                prev = st;
                s.depth = s.depth.max(st as i8);
                if st as usize >= cart_stage {
                    if let Some(v) = events.value().map(|v| v[r]) {
                        if !v.is_nan() {
                            s.value = Some(v);
                        }
                    }
                }
            }
            s
        })
        .collect()
}

/// Counts at one funnel stage of one group.
///
/// ```
/// # use segcore::analytics::funnel::FunnelAnalysis;
/// # let ev = segcore::data::Events::builder(vec![1_i64], vec![0_i64], vec!["product_view"]).build().unwrap();
/// let t = FunnelAnalysis::params().min_group(1).fit(&ev).unwrap().overall();
/// let row = &t.stages.unwrap()[0];
/// assert_eq!((row.stage.as_str(), row.sessions, row.session_reach), ("product_view", 1, 1.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageRow {
    /// Stage name.
    pub stage: String,
    /// Sessions that reached the stage.
    pub sessions: u64,
    /// Customers with at least one session that reached the stage.
    pub customers: u64,
    /// `sessions / sessions at the first stage`.
    pub session_reach: f64,
    /// `customers / customers at the first stage`.
    pub customer_reach: f64,
    /// Share of sessions at the previous stage that reached this one (none for the first).
    pub step_conversion: Option<f64>,
    /// Share of sessions at this stage that did not reach the next (none for the last, or
    /// when no session reached this stage).
    pub drop_off: Option<f64>,
    /// Times sessions went back to this stage from a later one.
    pub loops_back: u64,
}

/// The funnel of one group (everyone, a segment, a platform, a channel or a period).
///
/// ```
/// # use segcore::analytics::funnel::FunnelAnalysis;
/// # let ev = segcore::data::Events::builder(vec![1_i64], vec![0_i64], vec!["product_view"]).build().unwrap();
/// let t = FunnelAnalysis::params().fit(&ev).unwrap().overall();
/// assert!(t.suppressed); // 1 customer < 10
/// assert_eq!(t.stages, None);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelTable {
    /// Group label (`all`, a segment, platform, channel or `YYYY-MM-DD` period start).
    pub group: String,
    /// Period start in UTC seconds for trend tables.
    pub period_start: Option<i64>,
    /// True when the group has fewer than `min_group` customers; its numbers are then `None`.
    pub suppressed: bool,
    /// Customers with a funnel session.
    pub customers: Option<u64>,
    /// Sessions that entered the funnel.
    pub sessions: Option<u64>,
    /// Per-stage counts.
    pub stages: Option<Vec<StageRow>>,
}

/// A customer's most recent abandoned cart.
///
/// ```
/// # use segcore::analytics::funnel::FunnelAnalysis;
/// # let ev = segcore::data::Events::builder(vec![1_i64, 1], vec![0_i64, 10], vec!["product_view", "add_to_cart"]).value(vec![f64::NAN, 25.0]).build().unwrap();
/// let f = FunnelAnalysis::params().fit(&ev).unwrap();
/// let list = f.follow_up(100, 3600, None::<&[String]>).unwrap();
/// assert_eq!((list[0].customer.as_str(), list[0].stage.as_str(), list[0].value), ("1", "add_to_cart", Some(25.0)));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AbandonedCart {
    /// External customer id.
    pub customer: String,
    /// Dense customer code.
    pub customer_code: u32,
    /// Time of the session's last event, UTC seconds.
    pub abandoned_at: i64,
    /// Deepest stage the session reached.
    pub stage: String,
    /// Last known cart value in the session (events' value column), if any.
    pub value: Option<f64>,
    /// The customer's segment, when labels were given.
    pub segment: Option<String>,
}

/// Sessions walked through the funnel; ask it for tables, trends, anomalies and the follow-up list.
/// (Serialisable for export; it holds customer ids, so it is not a model file.)
///
/// ```
/// use segcore::analytics::funnel::{FunnelAnalysis, Period};
/// let ev = segcore::data::Events::builder(vec![1_i64, 1], vec![0_i64, 10], vec!["product_view", "purchase"]).build().unwrap();
/// let f = FunnelAnalysis::params().min_group(1).fit(&ev).unwrap();
/// assert_eq!(f.over_time(Period::Day).len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelAnalysis {
    stage_names: Vec<String>,
    cart_stage: usize,
    min_group: usize,
    customer_ids: Vec<String>,
    platforms: Vec<String>,
    channels: Vec<String>,
    sessions: Vec<Session>,
    last_purchase: Vec<i64>,
}

#[derive(Clone)]
struct Counts {
    reached: Vec<u64>,
    customers_at: Vec<u64>,
    last_customer_at: Vec<u32>,
    loops: Vec<u64>,
    sessions: u64,
    customers: u64,
    last_customer: u32,
}

impl Counts {
    fn new(n: usize) -> Counts {
        Counts {
            reached: vec![0; n],
            customers_at: vec![0; n],
            last_customer_at: vec![MISSING; n],
            loops: vec![0; n],
            sessions: 0,
            customers: 0,
            last_customer: MISSING,
        }
    }
    fn add(&mut self, s: &Session) {
        self.sessions += 1;
        if self.last_customer != s.customer {
            self.last_customer = s.customer;
            self.customers += 1;
        }
        for st in 0..=(s.depth as usize) {
            self.reached[st] += 1;
            if self.last_customer_at[st] != s.customer {
                self.last_customer_at[st] = s.customer;
                self.customers_at[st] += 1;
            }
        }
        for (l, &x) in self.loops.iter_mut().zip(&s.loops) {
            *l += x as u64;
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

impl FunnelAnalysis {
    /// Default parameters (see [`FunnelParams`]).
    ///
    /// ```
    /// assert_eq!(segcore::analytics::funnel::FunnelAnalysis::params().min_group, 10);
    /// ```
    pub fn params() -> FunnelParams {
        FunnelParams::default()
    }

    /// Stage names in order.
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec![1_i64], vec![0_i64], vec!["search"]).build().unwrap();
    /// let f = segcore::analytics::funnel::FunnelAnalysis::params().fit(&ev).unwrap();
    /// assert_eq!(f.stage_names().len(), 6);
    /// ```
    pub fn stage_names(&self) -> &[String] {
        &self.stage_names
    }

    /// Number of sessions found (including those that never entered the funnel).
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec![1_i64, 1], vec![0_i64, 7200], vec!["search", "search"]).build().unwrap();
    /// let f = segcore::analytics::funnel::FunnelAnalysis::params().fit(&ev).unwrap();
    /// assert_eq!(f.n_sessions(), 2); // 2 hours apart: two sessions
    /// ```
    pub fn n_sessions(&self) -> usize {
        self.sessions.len()
    }

    fn aggregate(&self, n_keys: usize, key: impl Fn(&Session) -> Option<usize>) -> Vec<Counts> {
        let n = self.stage_names.len();
        let mut out = vec![Counts::new(n); n_keys];
        for s in self.sessions.iter().filter(|s| s.depth >= 0) {
            if let Some(k) = key(s) {
                if let Some(c) = out.get_mut(k) {
                    c.add(s);
                }
            }
        }
        out
    }

    fn table(&self, group: String, period_start: Option<i64>, c: &Counts) -> FunnelTable {
        if is_suppressed(c.customers, self.min_group) {
            return FunnelTable {
                group,
                period_start,
                suppressed: true,
                customers: None,
                sessions: None,
                stages: None,
            };
        }
        let n = self.stage_names.len();
        let stages = (0..n)
            .map(|s| StageRow {
                stage: self.stage_names[s].clone(),
                sessions: c.reached[s],
                customers: c.customers_at[s],
                session_reach: ratio(c.reached[s], c.reached[0]),
                customer_reach: ratio(c.customers_at[s], c.customers_at[0]),
                step_conversion: (s > 0 && c.reached[s - 1] > 0)
                    .then(|| ratio(c.reached[s], c.reached[s - 1])),
                drop_off: (s + 1 < n && c.reached[s] > 0)
                    .then(|| 1.0 - ratio(c.reached[s + 1], c.reached[s])),
                loops_back: c.loops[s],
            })
            .collect();
        FunnelTable {
            group,
            period_start,
            suppressed: false,
            customers: Some(c.customers),
            sessions: Some(c.sessions),
            stages: Some(stages),
        }
    }

    /// The funnel over every session (group `all`).
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec![1_i64], vec![0_i64], vec!["product_view"]).build().unwrap();
    /// let f = segcore::analytics::funnel::FunnelAnalysis::params().min_group(1).fit(&ev).unwrap();
    /// assert_eq!(f.overall().sessions, Some(1));
    /// ```
    pub fn overall(&self) -> FunnelTable {
        let c = self.aggregate(1, |_| Some(0));
        self.table("all".into(), None, &c[0])
    }

    /// One funnel per segment; `labels[c]` is the segment of customer code `c` (the events'
    /// customer index). Segments are in sorted order.
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec![1_i64, 2], vec![0_i64, 0], vec!["product_view", "product_view"]).build().unwrap();
    /// let f = segcore::analytics::funnel::FunnelAnalysis::params().min_group(1).fit(&ev).unwrap();
    /// let t = f.by_segment(&["vip", "new"]).unwrap();
    /// assert_eq!((t[0].group.as_str(), t[1].group.as_str()), ("new", "vip"));
    /// ```
    pub fn by_segment<S: AsRef<str>>(&self, labels: &[S]) -> Result<Vec<FunnelTable>> {
        super::check_slice_len("labels", self.customer_ids.len(), labels.len())?;
        let (names, code) = super::intern_labels(labels);
        let c = self.aggregate(names.len(), |s| Some(code[s.customer as usize] as usize));
        Ok(names
            .into_iter()
            .zip(&c)
            .map(|(n, c)| self.table(n, None, c))
            .collect())
    }

    fn by_category(&self, levels: &[String], get: impl Fn(&Session) -> u32) -> Vec<FunnelTable> {
        let n = levels.len();
        let c = self.aggregate(n + 1, |s| {
            let v = get(s);
            Some(if v == MISSING { n } else { v as usize })
        });
        let mut out: Vec<FunnelTable> = levels
            .iter()
            .zip(&c)
            .map(|(l, c)| self.table(l.clone(), None, c))
            .collect();
        if c[n].sessions > 0 {
            out.push(self.table("(unknown)".into(), None, &c[n]));
        }
        out
    }

    /// One funnel per platform (the first platform seen in the session; `(unknown)` when none).
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec![1_i64], vec![0_i64], vec!["product_view"]).platform(vec!["ios"]).build().unwrap();
    /// let f = segcore::analytics::funnel::FunnelAnalysis::params().min_group(1).fit(&ev).unwrap();
    /// assert_eq!(f.by_platform()[0].group, "ios");
    /// ```
    pub fn by_platform(&self) -> Vec<FunnelTable> {
        self.by_category(&self.platforms, |s| s.platform)
    }

    /// One funnel per channel (the first channel seen in the session; `(unknown)` when none).
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec![1_i64], vec![0_i64], vec!["product_view"]).build().unwrap();
    /// let f = segcore::analytics::funnel::FunnelAnalysis::params().min_group(1).fit(&ev).unwrap();
    /// assert_eq!(f.by_channel()[0].group, "(unknown)");
    /// ```
    pub fn by_channel(&self) -> Vec<FunnelTable> {
        self.by_category(&self.channels, |s| s.channel)
    }

    fn period_counts(&self, period: Period) -> Vec<(i64, Counts)> {
        let entered = || self.sessions.iter().filter(|s| s.depth >= 0);
        let (Some(lo), Some(hi)) = (
            entered().map(|s| period.index(s.start)).min(),
            entered().map(|s| period.index(s.start)).max(),
        ) else {
            return Vec::new();
        };
        let n = (hi - lo + 1) as usize;
        let c = self.aggregate(n, |s| Some((period.index(s.start) - lo) as usize));
        c.into_iter()
            .enumerate()
            .map(|(i, c)| (period.start(lo + i as i64), c))
            .collect()
    }

    /// One funnel per day or week (by session start), every period from the first to the last.
    ///
    /// ```
    /// use segcore::analytics::funnel::{FunnelAnalysis, Period};
    /// # let ev = segcore::data::Events::builder(vec![1_i64, 1], vec![0_i64, 2 * 86_400], vec!["product_view", "product_view"]).build().unwrap();
    /// let f = FunnelAnalysis::params().min_group(1).fit(&ev).unwrap();
    /// let t = f.over_time(Period::Day);
    /// assert_eq!(t.len(), 3);
    /// assert_eq!(t[1].group, "1970-01-02");
    /// assert!(t[1].suppressed); // nobody that day
    /// ```
    pub fn over_time(&self, period: Period) -> Vec<FunnelTable> {
        self.period_counts(period)
            .iter()
            .map(|(start, c)| self.table(format_date(*start), Some(*start), c))
            .collect()
    }

    /// Drop-off anomalies per stage and period (see [`crate::analytics::anomaly`]). Periods
    /// need at least the larger of `params.min_group` and this analysis' `min_group` customers.
    ///
    /// ```
    /// use segcore::analytics::{anomaly::AnomalyParams, funnel::{FunnelAnalysis, Period}};
    /// # let ev = segcore::data::Events::builder(vec![1_i64], vec![0_i64], vec!["product_view"]).build().unwrap();
    /// let f = FunnelAnalysis::params().fit(&ev).unwrap();
    /// assert!(f.anomalies(Period::Day, &AnomalyParams::default()).unwrap().is_empty());
    /// ```
    pub fn anomalies(&self, period: Period, params: &AnomalyParams) -> Result<Vec<DropOffAnomaly>> {
        let periods: Vec<PeriodCounts> = self
            .period_counts(period)
            .into_iter()
            .map(|(start, c)| PeriodCounts {
                period_start: start,
                customers: c.customers,
                reached: c.reached,
            })
            .collect();
        let params = AnomalyParams {
            min_group: params.min_group.max(self.min_group),
            ..params.clone()
        };
        detect_dropoff_anomalies(&self.stage_names, &periods, &params)
    }

    /// The most recent abandoned cart of every customer (by customer code), as of `as_of`:
    /// the customer's last session ending at or before `as_of` that reached the cart stage but
    /// not the last stage, provided the customer has no last-stage event (purchase) at or after
    /// that session's start. `None` for customers without one.
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec![1_i64, 1], vec![0_i64, 10], vec!["product_view", "add_to_cart"]).build().unwrap();
    /// let f = segcore::analytics::funnel::FunnelAnalysis::params().fit(&ev).unwrap();
    /// let carts = f.abandoned_carts(100, None::<&[String]>).unwrap();
    /// assert_eq!(carts[0].as_ref().map(|c| c.abandoned_at), Some(10));
    /// ```
    pub fn abandoned_carts<S: AsRef<str>>(
        &self,
        as_of: i64,
        labels: Option<&[S]>,
    ) -> Result<Vec<Option<AbandonedCart>>> {
        let n = self.customer_ids.len();
        if let Some(l) = labels {
            super::check_slice_len("labels", n, l.len())?;
        }
        let last = self.stage_names.len() - 1;
        let mut best: Vec<Option<&Session>> = vec![None; n];
        for s in &self.sessions {
            if s.depth < 0
                || (s.depth as usize) < self.cart_stage
                || s.depth as usize == last
                || s.end > as_of
            {
                continue;
            }
            let slot = &mut best[s.customer as usize];
            if slot.is_none_or(|b| (b.end, b.start) < (s.end, s.start)) {
                *slot = Some(s);
            }
        }
        Ok(best
            .into_iter()
            .enumerate()
            .map(|(c, s)| {
                let s = s?;
                if self.last_purchase[c] >= s.start && self.last_purchase[c] <= as_of {
                    return None;
                }
                Some(AbandonedCart {
                    customer: self.customer_ids[c].clone(),
                    customer_code: c as u32,
                    abandoned_at: s.end,
                    stage: self.stage_names[s.depth as usize].clone(),
                    value: s.value,
                    segment: labels.map(|l| l[c].as_ref().to_string()),
                })
            })
            .collect())
    }

    /// The reminder-campaign list: customers whose most recent abandoned cart (see
    /// [`FunnelAnalysis::abandoned_carts`]) was abandoned in `[as_of - window_secs, as_of]`,
    /// highest cart value first (unknown values last), then most recent first.
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec![1_i64, 1], vec![0_i64, 10], vec!["product_view", "add_to_cart"]).build().unwrap();
    /// let f = segcore::analytics::funnel::FunnelAnalysis::params().fit(&ev).unwrap();
    /// assert!(f.follow_up(1_000_000, 3600, None::<&[String]>).unwrap().is_empty()); // too old
    /// ```
    pub fn follow_up<S: AsRef<str>>(
        &self,
        as_of: i64,
        window_secs: i64,
        labels: Option<&[S]>,
    ) -> Result<Vec<AbandonedCart>> {
        if window_secs < 0 {
            return Err(SegError::param("window_secs", "must be >= 0"));
        }
        let mut list: Vec<AbandonedCart> = self
            .abandoned_carts(as_of, labels)?
            .into_iter()
            .flatten()
            .filter(|a| a.abandoned_at >= as_of - window_secs)
            .collect();
        list.sort_by(|a, b| {
            let va = a.value.unwrap_or(f64::NEG_INFINITY);
            let vb = b.value.unwrap_or(f64::NEG_INFINITY);
            vb.total_cmp(&va)
                .then(b.abandoned_at.cmp(&a.abandoned_at))
                .then(a.customer_code.cmp(&b.customer_code))
        });
        Ok(list)
    }
}
