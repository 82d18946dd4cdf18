//! [`CustomerState`]: one customer's purchase history and the running aggregates that give
//! the purchase-pattern features in O(1) (windows in O(log n)).
//!
//! The aggregates follow the definitions of [`crate::features::rfm`] exactly: returns
//! (`amount < 0`) never create orders or occasions; an order is the purchase rows sharing an
//! order id, or, without one, sharing a timestamp; a purchase occasion is the orders falling
//! in one UTC period of `merge_period_secs` (one order per occasion when `None`).
//!
//! **Updates.** An order at or after the latest one seen (the normal case) updates the
//! aggregates in O(1) amortised (one hash look-up for an order id). An order *before* the
//! latest one is inserted at its place in the kept history and the aggregates are rebuilt
//! from that history (O(n) for that customer), so the result is the same as in time order.
//!
//! **History.** Every order is kept (in time order, ties in arrival order), so that
//! out-of-order orders and scoring at a cutoff before the latest order stay exact. Memory is
//! O(orders) per customer. Serialisation writes only the merge period and the orders; the
//! aggregates are rebuilt when a state is read back.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::features::FeatureConfig;
use crate::{Result, SegError};

const DAY: f64 = 86_400.0;

fn days(secs: i64) -> f64 {
    secs as f64 / DAY
}

/// One transaction row of a live customer: time (UTC seconds), amount (negative = return)
/// and optional details.
///
/// `category` and `channel` are kept in the history but not used yet (only the purchase
/// family is computed live).
///
/// ```
/// use segcore::pipeline::live::OrderEvent;
/// let o = OrderEvent::new(86_400, 25.0).quantity(2.0).order_id("A-1");
/// assert_eq!(o.order_id.as_deref(), Some("A-1"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderEvent {
    /// Time in UTC seconds.
    pub timestamp: i64,
    /// Amount; negative for a return or refund, zero for a free item.
    pub amount: f64,
    /// Number of items (finite, `>= 0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    /// Whether the row was discounted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<bool>,
    /// Order id: rows sharing it form one order; without it, rows sharing a timestamp do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// Product category (kept, not used yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Sales channel (kept, not used yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
}

impl OrderEvent {
    /// A row with only a time and an amount.
    ///
    /// ```
    /// let o = segcore::pipeline::live::OrderEvent::new(0, 9.5);
    /// assert_eq!((o.timestamp, o.amount, o.quantity), (0, 9.5, None));
    /// ```
    pub fn new(timestamp: i64, amount: f64) -> Self {
        OrderEvent {
            timestamp,
            amount,
            quantity: None,
            discount: None,
            order_id: None,
            category: None,
            channel: None,
        }
    }

    /// Sets the quantity.
    ///
    /// ```
    /// assert_eq!(segcore::pipeline::live::OrderEvent::new(0, 1.0).quantity(3.0).quantity, Some(3.0));
    /// ```
    pub fn quantity(mut self, q: f64) -> Self {
        self.quantity = Some(q);
        self
    }

    /// Sets the discount flag.
    ///
    /// ```
    /// assert_eq!(segcore::pipeline::live::OrderEvent::new(0, 1.0).discount(true).discount, Some(true));
    /// ```
    pub fn discount(mut self, d: bool) -> Self {
        self.discount = Some(d);
        self
    }

    /// Sets the order id.
    ///
    /// ```
    /// assert!(segcore::pipeline::live::OrderEvent::new(0, 1.0).order_id("7").order_id.is_some());
    /// ```
    pub fn order_id(mut self, id: impl Into<String>) -> Self {
        self.order_id = Some(id.into());
        self
    }

    /// Sets the category.
    ///
    /// ```
    /// assert!(segcore::pipeline::live::OrderEvent::new(0, 1.0).category("jazz").category.is_some());
    /// ```
    pub fn category(mut self, c: impl Into<String>) -> Self {
        self.category = Some(c.into());
        self
    }

    /// Sets the sales channel.
    ///
    /// ```
    /// assert!(segcore::pipeline::live::OrderEvent::new(0, 1.0).channel("web").channel.is_some());
    /// ```
    pub fn channel(mut self, c: impl Into<String>) -> Self {
        self.channel = Some(c.into());
        self
    }

    fn validate(&self, row: usize) -> Result<()> {
        crate::data::time::check_time(self.timestamp, "timestamp", row)?;
        if !self.amount.is_finite() {
            return Err(SegError::invalid(
                "amount",
                row,
                format!("{} is not a valid value", self.amount),
            ));
        }
        if let Some(q) = self.quantity {
            if !q.is_finite() || q < 0.0 {
                return Err(SegError::invalid(
                    "quantity",
                    row,
                    format!("{q} is not a valid quantity (finite and >= 0)"),
                ));
            }
        }
        Ok(())
    }
}

/// The CLV summary of a live customer (days), as [`crate::features::PurchaseSummary`].
///
/// ```
/// use segcore::pipeline::live::{CustomerState, OrderEvent};
/// let mut s = CustomerState::default();
/// s.add(OrderEvent::new(0, 10.0)).unwrap();
/// s.add(OrderEvent::new(7 * 86_400, 30.0)).unwrap();
/// let sum = s.summary(14 * 86_400).unwrap().unwrap();
/// assert_eq!((sum.x, sum.t_x, sum.t, sum.mean_repeat_spend), (1.0, 7.0, 14.0, 30.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LiveSummary {
    /// Repeat purchase occasions.
    pub x: f64,
    /// First to last occasion (days).
    pub t_x: f64,
    /// First occasion to the cutoff (days).
    pub t: f64,
    /// Mean value of the occasions after the first (0 when `x` is 0).
    pub mean_repeat_spend: f64,
}

/// Running aggregates over the history (rebuilt, never serialised).
#[derive(Debug, Clone, Default, PartialEq)]
struct Agg {
    /// Occasion times in time order.
    occ_times: Vec<i64>,
    /// Value of the first occasion.
    first_value: f64,
    /// Value of the later occasions.
    repeat_value: f64,
    n_orders: u64,
    net: f64,
    gross: f64,
    returned: f64,
    purchase_rows: u64,
    discounted: u64,
    has_discount: bool,
    quantity: f64,
    has_quantity: bool,
    /// Sum and sum of squares of the gaps between occasions (seconds, exact).
    gap_sum: i128,
    gap_sq: i128,
    /// Order id -> occasion index.
    order_occ: FxHashMap<String, u32>,
    /// (time, occasion index) of the latest order without an id.
    noid: Option<(i64, u32)>,
}

impl Agg {
    /// Adds one row that is not before any row already added.
    fn apply(&mut self, r: &OrderEvent, period: Option<i64>) {
        let a = r.amount;
        self.net += a;
        self.has_quantity |= r.quantity.is_some();
        self.has_discount |= r.discount.is_some();
        if a < 0.0 {
            self.returned -= a;
            return;
        }
        self.gross += a;
        self.purchase_rows += 1;
        if r.discount == Some(true) {
            self.discounted += 1;
        }
        self.quantity += r.quantity.unwrap_or(0.0);
        let t = r.timestamp;
        let existing = match &r.order_id {
            Some(id) => self.order_occ.get(id).copied(),
            None => match self.noid {
                Some((nt, o)) if nt == t => Some(o),
                _ => None,
            },
        };
        let occ = match existing {
            Some(o) => o,
            None => {
                self.n_orders += 1;
                let last = self.occ_times.last().copied();
                let merge = match (period, last) {
                    (Some(p), Some(l)) => l.div_euclid(p) == t.div_euclid(p),
                    _ => false,
                };
                if !merge {
                    if let Some(l) = last {
                        let g = (t - l) as i128;
                        self.gap_sum += g;
                        self.gap_sq += g * g;
                    }
                    self.occ_times.push(t);
                }
                let o = (self.occ_times.len() - 1) as u32;
                match &r.order_id {
                    Some(id) => {
                        self.order_occ.insert(id.clone(), o);
                    }
                    None => self.noid = Some((t, o)),
                }
                o
            }
        };
        if occ == 0 {
            self.first_value += a;
        } else {
            self.repeat_value += a;
        }
    }

    fn build(rows: &[OrderEvent], period: Option<i64>) -> Agg {
        let mut agg = Agg::default();
        for r in rows {
            agg.apply(r, period);
        }
        agg
    }

    fn summary(&self, as_of: i64) -> Option<LiveSummary> {
        let (first, last) = (*self.occ_times.first()?, *self.occ_times.last()?);
        let x = self.occ_times.len() - 1;
        Some(LiveSummary {
            x: x as f64,
            t_x: days(last - first),
            t: days(as_of - first),
            mean_repeat_spend: if x == 0 {
                0.0
            } else {
                self.repeat_value / x as f64
            },
        })
    }

    /// Writes the purchase family (column order of [`crate::features::rfm`]).
    fn fill(&self, w: &Windows, as_of: i64, out: &mut [f64]) -> Option<LiveSummary> {
        let occ = &self.occ_times;
        let n_occ = occ.len();
        let n_orders = self.n_orders as usize;
        let s = self.summary(as_of);
        let per = |v: f64, n: usize| if n > 0 { v / n as f64 } else { f64::NAN };
        let (gap_mean, gap_std, gap_cv) = if n_occ >= 2 {
            let k = (n_occ - 1) as i128;
            let mean = (self.gap_sum as f64 / DAY) / k as f64;
            let num = k * self.gap_sq - self.gap_sum * self.gap_sum;
            let var = (num as f64 / (k * k) as f64) / (DAY * DAY);
            let sd = var.max(0.0).sqrt();
            (mean, sd, if mean > 0.0 { sd / mean } else { f64::NAN })
        } else {
            (f64::NAN, f64::NAN, f64::NAN)
        };
        let head = [
            occ.last().map_or(f64::NAN, |&l| days(as_of - l)),
            s.map_or(0.0, |s| s.x),
            n_occ as f64,
            n_orders as f64,
            s.map_or(f64::NAN, |s| s.t),
            s.map_or(f64::NAN, |s| s.t_x),
            self.net,
            per(self.gross, n_occ),
            per(self.gross, n_orders),
            if self.has_quantity {
                per(self.quantity, n_orders)
            } else {
                f64::NAN
            },
            gap_mean,
            gap_std,
            gap_cv,
        ];
        out[..head.len()].copy_from_slice(&head);
        let mut j = head.len();
        let since = |start: i64| n_occ - occ.partition_point(|&t| t <= start);
        for &secs in &w.windows {
            out[j] = since(as_of - secs) as f64;
            j += 1;
        }
        let last = since(as_of - w.trend);
        let before = since(as_of - 2 * w.trend) - last;
        out[j] = last as f64 - before as f64;
        out[j + 1] = if self.gross > 0.0 {
            self.returned / self.gross
        } else {
            f64::NAN
        };
        out[j + 2] = if self.has_discount && self.purchase_rows > 0 {
            self.discounted as f64 / self.purchase_rows as f64
        } else {
            f64::NAN
        };
        out[j + 3] = s.map_or(0.0, |s| s.mean_repeat_spend);
        s
    }
}

/// Window lengths of the purchase family in seconds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Windows {
    pub windows: Vec<i64>,
    pub trend: i64,
    /// Width of the purchase family.
    pub width: usize,
    pub period: Option<i64>,
}

impl Windows {
    pub(crate) fn new(cfg: &FeatureConfig) -> Result<Self> {
        cfg.validate()?;
        Ok(Windows {
            windows: cfg
                .windows_days
                .iter()
                .map(|&w| w as i64 * 86_400)
                .collect(),
            trend: cfg.trend_window_days as i64 * 86_400,
            width: 13 + cfg.windows_days.len() + 4,
            period: cfg.merge_period_secs,
        })
    }
}

/// Names of the purchase-family columns for `config`, in the order of
/// [`CustomerState::purchase_features`] (the same as [`crate::features::compute`]).
///
/// ```
/// use segcore::features::FeatureConfig;
/// let names = segcore::pipeline::live::purchase_feature_names(&FeatureConfig::default()).unwrap();
/// assert_eq!(names[0], "recency");
/// assert!(names.iter().any(|n| n == "purchases_90d"));
/// ```
pub fn purchase_feature_names(config: &FeatureConfig) -> Result<Vec<String>> {
    config.validate()?;
    Ok(crate::features::rfm::Purchase::new(config)?
        .info()
        .into_iter()
        .map(|i| i.name)
        .collect())
}

#[derive(Serialize, Deserialize)]
struct StateRepr {
    merge_period_secs: Option<i64>,
    orders: Vec<OrderEvent>,
}

/// One customer's incremental state: the order history and running aggregates that give the
/// purchase-pattern features and the CLV summary without recomputing over the history.
///
/// Incremental: the whole purchase family of [`crate::features::rfm`] (recency, frequency,
/// occasions, orders, tenure, active span, spend, order value, items per order, gap mean /
/// std / cv, purchases per window, trend, return rate, discount share, mean repeat spend) and
/// the CLV summary (x, t_x, T). Other families (preferences, channels, browsing, carts,
/// feedback) are not computed live: a scorer fills them with the model's fill values, as
/// [`crate::pipeline::Segmenter::score`] does for undefined values.
///
/// `discount_share` is NaN until some order carries a discount flag, and `items_per_order`
/// until some order carries a quantity (a batch pass decides by the presence of the column).
///
/// ```
/// use segcore::pipeline::live::{CustomerState, OrderEvent};
/// use segcore::features::FeatureConfig;
/// let day = 86_400;
/// let mut s = CustomerState::default();
/// s.add(OrderEvent::new(0, 10.0)).unwrap();
/// s.add(OrderEvent::new(10 * day, 30.0)).unwrap();
/// let f = s.purchase_features(&FeatureConfig::default(), 20 * day).unwrap();
/// assert_eq!((f[0], f[1], f[6]), (10.0, 1.0, 40.0)); // recency, frequency, total_spend
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "StateRepr", try_from = "StateRepr")]
pub struct CustomerState {
    period: Option<i64>,
    rows: Vec<OrderEvent>,
    agg: Agg,
}

impl Default for CustomerState {
    /// An empty state with the default occasion period (one UTC day).
    fn default() -> Self {
        CustomerState {
            period: Some(86_400),
            rows: Vec::new(),
            agg: Agg::default(),
        }
    }
}

impl From<CustomerState> for StateRepr {
    fn from(s: CustomerState) -> Self {
        StateRepr {
            merge_period_secs: s.period,
            orders: s.rows,
        }
    }
}

impl TryFrom<StateRepr> for CustomerState {
    type Error = SegError;
    fn try_from(r: StateRepr) -> Result<Self> {
        CustomerState::from_orders(r.merge_period_secs, r.orders)
    }
}

impl CustomerState {
    /// An empty state whose purchase occasions merge the orders of one UTC period of
    /// `merge_period_secs` (`None`: one occasion per order). Must match the model's
    /// feature settings ([`FeatureConfig::merge_period_secs`]).
    ///
    /// ```
    /// let s = segcore::pipeline::live::CustomerState::new(None).unwrap();
    /// assert!(s.is_empty());
    /// assert!(segcore::pipeline::live::CustomerState::new(Some(0)).is_err());
    /// ```
    pub fn new(merge_period_secs: Option<i64>) -> Result<Self> {
        if let Some(p) = merge_period_secs {
            if p <= 0 {
                return Err(SegError::param("merge_period_secs", "must be positive"));
            }
        }
        Ok(CustomerState {
            period: merge_period_secs,
            ..Default::default()
        })
    }

    /// An empty state with the occasion period of `config`.
    ///
    /// ```
    /// use segcore::features::FeatureConfig;
    /// let s = segcore::pipeline::live::CustomerState::for_config(&FeatureConfig::default()).unwrap();
    /// assert_eq!(s.merge_period_secs(), Some(86_400));
    /// ```
    pub fn for_config(config: &FeatureConfig) -> Result<Self> {
        Self::new(config.merge_period_secs)
    }

    /// A state holding `orders` (any order; sorted by time, ties kept in the given order).
    ///
    /// ```
    /// use segcore::pipeline::live::{CustomerState, OrderEvent};
    /// let s = CustomerState::from_orders(Some(86_400), vec![OrderEvent::new(5, 1.0), OrderEvent::new(0, 2.0)]).unwrap();
    /// assert_eq!(s.orders()[0].timestamp, 0);
    /// ```
    pub fn from_orders(
        merge_period_secs: Option<i64>,
        orders: impl IntoIterator<Item = OrderEvent>,
    ) -> Result<Self> {
        let mut s = Self::new(merge_period_secs)?;
        let mut rows: Vec<OrderEvent> = orders.into_iter().collect();
        for (i, r) in rows.iter().enumerate() {
            r.validate(i)?;
        }
        rows.sort_by_key(|r| r.timestamp); // stable: ties keep their order
        s.agg = Agg::build(&rows, s.period);
        s.rows = rows;
        Ok(s)
    }

    /// Adds one transaction row. In time order (not before the latest row) this is O(1)
    /// amortised; an earlier row is inserted at its place and the aggregates are rebuilt
    /// from the kept history (O(n)), giving the same state as in time order.
    ///
    /// Errors: [`SegError::InvalidValue`] for a time outside 1900..2199, a non-finite amount
    /// or a negative / non-finite quantity (the state is then unchanged).
    ///
    /// ```
    /// use segcore::pipeline::live::{CustomerState, OrderEvent};
    /// let mut s = CustomerState::default();
    /// s.add(OrderEvent::new(86_400, 5.0)).unwrap();
    /// s.add(OrderEvent::new(0, 5.0)).unwrap(); // out of order: rebuilt
    /// assert_eq!(s.summary(2 * 86_400).unwrap().unwrap().x, 1.0);
    /// assert!(s.add(OrderEvent::new(0, f64::NAN)).is_err());
    /// ```
    pub fn add(&mut self, order: OrderEvent) -> Result<()> {
        order.validate(self.rows.len())?;
        let in_order = self
            .rows
            .last()
            .is_none_or(|l| l.timestamp <= order.timestamp);
        if in_order {
            self.agg.apply(&order, self.period);
            self.rows.push(order);
        } else {
            let pos = self
                .rows
                .partition_point(|r| r.timestamp <= order.timestamp);
            self.rows.insert(pos, order);
            self.agg = Agg::build(&self.rows, self.period);
        }
        Ok(())
    }

    /// The kept history, in time order.
    ///
    /// ```
    /// assert!(segcore::pipeline::live::CustomerState::default().orders().is_empty());
    /// ```
    pub fn orders(&self) -> &[OrderEvent] {
        &self.rows
    }

    /// Number of rows kept.
    ///
    /// ```
    /// assert_eq!(segcore::pipeline::live::CustomerState::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True without any row.
    ///
    /// ```
    /// assert!(segcore::pipeline::live::CustomerState::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Time of the latest row.
    ///
    /// ```
    /// use segcore::pipeline::live::{CustomerState, OrderEvent};
    /// let s = CustomerState::from_orders(None, vec![OrderEvent::new(9, 1.0)]).unwrap();
    /// assert_eq!(s.last_timestamp(), Some(9));
    /// ```
    pub fn last_timestamp(&self) -> Option<i64> {
        self.rows.last().map(|r| r.timestamp)
    }

    /// The occasion period the state merges orders with.
    ///
    /// ```
    /// assert_eq!(segcore::pipeline::live::CustomerState::default().merge_period_secs(), Some(86_400));
    /// ```
    pub fn merge_period_secs(&self) -> Option<i64> {
        self.period
    }

    /// Aggregates as of `as_of`: the running ones when no row is after it, else rebuilt from
    /// the rows up to it (slow path).
    fn at(&self, as_of: i64) -> std::borrow::Cow<'_, Agg> {
        match self.rows.last() {
            Some(l) if l.timestamp > as_of => {
                let end = self.rows.partition_point(|r| r.timestamp <= as_of);
                std::borrow::Cow::Owned(Agg::build(&self.rows[..end], self.period))
            }
            _ => std::borrow::Cow::Borrowed(&self.agg),
        }
    }

    /// The CLV summary as of `as_of` (rows after it are ignored); `None` without a purchase.
    ///
    /// ```
    /// use segcore::pipeline::live::{CustomerState, OrderEvent};
    /// let s = CustomerState::from_orders(Some(86_400), vec![OrderEvent::new(0, -3.0)]).unwrap();
    /// assert!(s.summary(86_400).unwrap().is_none()); // a return is not a purchase
    /// ```
    pub fn summary(&self, as_of: i64) -> Result<Option<LiveSummary>> {
        check_as_of(as_of)?;
        Ok(self.at(as_of).summary(as_of))
    }

    /// The purchase-family features as of `as_of`, in the order of
    /// [`purchase_feature_names`]; rows after `as_of` are ignored. `config` gives the windows
    /// and must have the state's occasion period.
    ///
    /// ```
    /// use segcore::pipeline::live::{purchase_feature_names, CustomerState, OrderEvent};
    /// use segcore::features::FeatureConfig;
    /// let cfg = FeatureConfig::default();
    /// let s = CustomerState::from_orders(Some(86_400), vec![OrderEvent::new(0, 4.0)]).unwrap();
    /// let f = s.purchase_features(&cfg, 30 * 86_400).unwrap();
    /// assert_eq!(f.len(), purchase_feature_names(&cfg).unwrap().len());
    /// ```
    pub fn purchase_features(&self, config: &FeatureConfig, as_of: i64) -> Result<Vec<f64>> {
        let w = Windows::new(config)?;
        let mut out = vec![0.0; w.width];
        self.fill(&w, as_of, &mut out)?;
        Ok(out)
    }

    /// Writes the purchase family into `out` (length `w.width`) and returns the summary.
    pub(crate) fn fill(
        &self,
        w: &Windows,
        as_of: i64,
        out: &mut [f64],
    ) -> Result<Option<LiveSummary>> {
        check_as_of(as_of)?;
        if w.period != self.period {
            return Err(SegError::param(
                "merge_period_secs",
                format!(
                    "the state merges occasions over {:?} s, the settings over {:?} s",
                    self.period, w.period
                ),
            ));
        }
        if out.len() != w.width {
            return Err(SegError::shape(format!(
                "{} output slots for {} purchase features",
                out.len(),
                w.width
            )));
        }
        Ok(self.at(as_of).fill(w, as_of, out))
    }
}

fn check_as_of(as_of: i64) -> Result<()> {
    crate::data::time::check_time(as_of, "as_of", 0)
        .map(|_| ())
        .map_err(|_| SegError::param("as_of", format!("{as_of} s is outside 1900..2199")))
}
