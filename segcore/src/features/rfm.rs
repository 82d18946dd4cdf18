//! Purchase pattern (recency, frequency, monetary and more) and the CLV summary.
//!
//! Definitions (all as of the cutoff; durations in days = seconds / 86,400):
//!
//! * A **purchase row** has `amount >= 0` (zero is a free item); a **return row** has
//!   `amount < 0`. Returns never create orders or occasions.
//! * An **order** is the purchase rows sharing an order id, or, for rows without one, sharing
//!   a timestamp. Its time is its earliest row; its value the sum of its amounts.
//! * A **purchase occasion** is the orders falling in one UTC period of
//!   [`merge_period_secs`](super::FeatureConfig::merge_period_secs) (default one day), or
//!   one order when merging is off. Its time is its earliest order; its value the sum.
//!
//! | column | unit | meaning | without purchases / undefined |
//! | --- | --- | --- | --- |
//! | `recency` | days | as_of − time of the last occasion | NaN |
//! | `frequency` | count | repeat occasions = occasions − 1 (the CLV `x`) | 0 |
//! | `n_occasions` | count | purchase occasions | 0 |
//! | `n_orders` | count | orders | 0 |
//! | `tenure` | days | as_of − time of the first occasion (the CLV `T`) | NaN |
//! | `active_span` | days | last occasion − first occasion (the CLV `t_x`) | NaN |
//! | `total_spend` | currency | sum of all amounts, returns included (net) | 0 |
//! | `mean_spend` | currency | gross purchase value / occasions | NaN |
//! | `avg_order_value` | currency | gross purchase value / orders | NaN |
//! | `items_per_order` | items | sum of quantities of purchase rows / orders | NaN (also without a quantity column) |
//! | `gap_mean` | days | mean time between consecutive occasions | NaN with < 2 occasions |
//! | `gap_std` | days | population standard deviation (ddof 0) of those gaps | NaN with < 2 occasions |
//! | `gap_cv` | ratio | gap_std / gap_mean | NaN with < 2 occasions or gap_mean 0 |
//! | `purchases_{w}d` | count | occasions with time in (as_of − w days, as_of] | 0 |
//! | `purchase_trend` | count | occasions in the last trend window minus occasions in the window before it | 0 |
//! | `return_rate` | share | returned value (sum of −amount over return rows) / gross purchase value | NaN when gross value is 0 |
//! | `discount_share` | share | purchase rows flagged as discounted / purchase rows | NaN without purchase rows or discount column |
//! | `mean_repeat_spend` | currency | mean value of the occasions after the first | 0 when frequency is 0 |
//!
//! "Gross purchase value" is the sum of the amounts of purchase rows. The CLV summary
//! ([`PurchaseSummary`]) is written by the same pass.

use serde::{Deserialize, Serialize};

use super::config::FeatureConfig;
use super::matrix::FeatureInfo;
use super::pass::{Customer, DAY, days};
use crate::Result;
use crate::data::TimeUnit;

/// What the buy-till-you-die models need per customer, in code order, in `unit`
/// (days from [`compute`](super::compute)).
///
/// Customers without a purchase before the cutoff (browsers) have `purchaser = false` and
/// `x = t_x = t = mean_repeat_spend = 0`; leave them out when fitting a CLV model.
///
/// ```
/// use segcore::data::TimeUnit;
/// use segcore::features::PurchaseSummary;
/// let s = PurchaseSummary {
///     x: vec![2.0], t_x: vec![14.0], t: vec![28.0], mean_repeat_spend: vec![10.0],
///     purchaser: vec![true], unit: TimeUnit::Days,
/// };
/// let w = s.in_unit(TimeUnit::Weeks);
/// assert_eq!((w.t_x[0], w.t[0]), (2.0, 4.0));
/// assert_eq!(w.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurchaseSummary {
    /// Repeat purchase occasions (occasions − 1).
    pub x: Vec<f64>,
    /// Time from the first to the last occasion.
    pub t_x: Vec<f64>,
    /// Time from the first occasion to the cutoff.
    pub t: Vec<f64>,
    /// Mean value of the occasions after the first (0 when `x` is 0).
    pub mean_repeat_spend: Vec<f64>,
    /// True for customers with at least one purchase before the cutoff.
    pub purchaser: Vec<bool>,
    /// Unit of `t_x` and `t`.
    pub unit: TimeUnit,
}

impl PurchaseSummary {
    /// Number of customers.
    ///
    /// ```
    /// # use segcore::features::PurchaseSummary;
    /// let s = PurchaseSummary { x: vec![], t_x: vec![], t: vec![], mean_repeat_spend: vec![],
    ///     purchaser: vec![], unit: Default::default() };
    /// assert!(s.is_empty());
    /// ```
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True when there is no customer.
    ///
    /// ```
    /// # use segcore::features::PurchaseSummary;
    /// let s = PurchaseSummary { x: vec![0.0], t_x: vec![0.0], t: vec![1.0], mean_repeat_spend: vec![0.0],
    ///     purchaser: vec![true], unit: Default::default() };
    /// assert!(!s.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// The same summary with `t_x` and `t` expressed in `unit`.
    ///
    /// ```
    /// # use segcore::features::PurchaseSummary;
    /// # use segcore::data::TimeUnit;
    /// let s = PurchaseSummary { x: vec![1.0], t_x: vec![7.0], t: vec![14.0], mean_repeat_spend: vec![3.0],
    ///     purchaser: vec![true], unit: TimeUnit::Days };
    /// assert_eq!(s.in_unit(TimeUnit::Weeks).t, vec![2.0]);
    /// ```
    pub fn in_unit(&self, unit: TimeUnit) -> PurchaseSummary {
        let f = self.unit.seconds() / unit.seconds();
        PurchaseSummary {
            x: self.x.clone(),
            t_x: self.t_x.iter().map(|v| v * f).collect(),
            t: self.t.iter().map(|v| v * f).collect(),
            mean_repeat_spend: self.mean_repeat_spend.clone(),
            purchaser: self.purchaser.clone(),
            unit,
        }
    }
}

/// The purchase-pattern family.
pub(crate) struct Purchase {
    windows: Vec<(i64, u32)>,
    trend: i64,
}

impl Purchase {
    pub(crate) fn new(cfg: &FeatureConfig) -> Result<Self> {
        Ok(Purchase {
            windows: cfg
                .windows_days
                .iter()
                .map(|&w| (w as i64 * DAY as i64, w))
                .collect(),
            trend: cfg.trend_window_days as i64 * DAY as i64,
        })
    }

    pub(crate) fn info(&self) -> Vec<FeatureInfo> {
        let nan = "NaN without purchases";
        let mut v = vec![
            FeatureInfo::new(
                "recency",
                "days",
                "as_of minus the time of the last purchase occasion",
                nan,
            ),
            FeatureInfo::new(
                "frequency",
                "count",
                "repeat purchase occasions (occasions - 1)",
                "0 without purchases",
            ),
            FeatureInfo::new(
                "n_occasions",
                "count",
                "purchase occasions (orders merged per period)",
                "0 without purchases",
            ),
            FeatureInfo::new(
                "n_orders",
                "count",
                "orders (rows sharing an order id, else a timestamp)",
                "0 without purchases",
            ),
            FeatureInfo::new(
                "tenure",
                "days",
                "as_of minus the time of the first purchase occasion",
                nan,
            ),
            FeatureInfo::new(
                "active_span",
                "days",
                "time from the first to the last purchase occasion",
                nan,
            ),
            FeatureInfo::new(
                "total_spend",
                "currency",
                "sum of all amounts, returns included",
                "0 without transactions",
            ),
            FeatureInfo::new(
                "mean_spend",
                "currency",
                "gross purchase value per occasion",
                nan,
            ),
            FeatureInfo::new(
                "avg_order_value",
                "currency",
                "gross purchase value per order",
                nan,
            ),
            FeatureInfo::new(
                "items_per_order",
                "items",
                "quantity of purchase rows per order",
                "NaN without purchases or quantity column",
            ),
            FeatureInfo::new(
                "gap_mean",
                "days",
                "mean time between consecutive occasions",
                "NaN with fewer than 2 occasions",
            ),
            FeatureInfo::new(
                "gap_std",
                "days",
                "population standard deviation of the gaps",
                "NaN with fewer than 2 occasions",
            ),
            FeatureInfo::new(
                "gap_cv",
                "ratio",
                "gap_std / gap_mean",
                "NaN with fewer than 2 occasions or a zero mean gap",
            ),
        ];
        for &(_, w) in &self.windows {
            v.push(FeatureInfo::new(
                format!("purchases_{w}d"),
                "count",
                format!("purchase occasions in the last {w} days"),
                "0 without purchases",
            ));
        }
        v.extend([
            FeatureInfo::new(
                "purchase_trend",
                "count",
                "occasions in the last trend window minus occasions in the window before",
                "0 without purchases",
            ),
            FeatureInfo::new(
                "return_rate",
                "share",
                "returned value / gross purchase value",
                "NaN when the gross purchase value is 0",
            ),
            FeatureInfo::new(
                "discount_share",
                "share",
                "share of purchase rows with a discount",
                "NaN without purchase rows or discount column",
            ),
            FeatureInfo::new(
                "mean_repeat_spend",
                "currency",
                "mean value of the occasions after the first",
                "0 when frequency is 0",
            ),
        ]);
        v
    }

    pub(crate) fn fill(&self, cu: &Customer<'_>, out: &mut [f64]) {
        let s = cu.summary;
        let occ = cu.occasions;
        let n_occ = occ.len();
        let n_orders = cu.orders.len();
        let mut net = 0.0;
        let mut gross = 0.0;
        let mut returned = 0.0;
        let mut purchase_rows = 0usize;
        let mut discounted = 0usize;
        let disc = cu.tx.discount;
        for (i, &a) in cu.tx.amount.iter().enumerate() {
            net += a;
            if a < 0.0 {
                returned -= a;
            } else {
                gross += a;
                purchase_rows += 1;
                if disc.is_some_and(|d| d[i]) {
                    discounted += 1;
                }
            }
        }
        let (gap_mean, gap_std, gap_cv) = if n_occ >= 2 {
            let k = (n_occ - 1) as f64;
            let mean = occ
                .windows(2)
                .map(|w| days(w[1].time - w[0].time))
                .sum::<f64>()
                / k;
            let var = occ
                .windows(2)
                .map(|w| {
                    let d = days(w[1].time - w[0].time) - mean;
                    d * d
                })
                .sum::<f64>()
                / k;
            let sd = var.sqrt();
            (mean, sd, if mean > 0.0 { sd / mean } else { f64::NAN })
        } else {
            (f64::NAN, f64::NAN, f64::NAN)
        };
        let per = |v: f64, n: usize| if n > 0 { v / n as f64 } else { f64::NAN };
        let items = if cu.tx.quantity.is_some() {
            per(cu.orders.iter().map(|o| o.quantity).sum(), n_orders)
        } else {
            f64::NAN
        };
        let nan_if = |ok: bool, v: f64| if ok { v } else { f64::NAN };
        let head = [
            occ.last().map_or(f64::NAN, |o| days(cu.as_of - o.time)),
            s.x,
            n_occ as f64,
            n_orders as f64,
            nan_if(s.purchaser, s.t),
            nan_if(s.purchaser, s.t_x),
            net,
            per(gross, n_occ),
            per(gross, n_orders),
            items,
            gap_mean,
            gap_std,
            gap_cv,
        ];
        out[..head.len()].copy_from_slice(&head);
        let mut j = head.len();
        // occasions newer than as_of - w: count from the end (occasions are time-ordered)
        let since = |start: i64| occ.len() - occ.partition_point(|o| o.time <= start);
        for &(w, _) in &self.windows {
            out[j] = since(cu.as_of - w) as f64;
            j += 1;
        }
        let last = since(cu.as_of - self.trend);
        let before = since(cu.as_of - 2 * self.trend) - last;
        out[j] = last as f64 - before as f64;
        out[j + 1] = if gross > 0.0 {
            returned / gross
        } else {
            f64::NAN
        };
        out[j + 2] = if disc.is_some() && purchase_rows > 0 {
            discounted as f64 / purchase_rows as f64
        } else {
            f64::NAN
        };
        out[j + 3] = s.mean_repeat_spend;
    }
}
