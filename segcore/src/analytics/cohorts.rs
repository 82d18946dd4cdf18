//! Cohort retention: acquisition month × months since first purchase.
//!
//! A customer's cohort is the calendar month (UTC) of their first purchase (first row with an
//! amount `>= 0`; returns are not purchases). They are *active* in month offset `m` when they
//! have a purchase in calendar month `cohort + m`; retention is active customers / cohort size,
//! so month 0 is always 1. Revenue is the net amount (returns included) of the cohort's
//! customers in that calendar month. Offsets after the month of `as_of` (default: the last
//! transaction) are not observed (`None`). Rows after `as_of` are ignored.
//!
//! **Worse-retaining cohorts.** For each cohort and each offset `m` in `1..=flag_months`
//! (default 3) that is a *complete* month (before the month of `as_of`), its retention is
//! compared with the pooled retention at `m` of all earlier, non-suppressed cohorts observed
//! there, by a one-sided two-proportion z-test with pooled variance. The cohort is flagged at
//! the first `m` where `z <= -z_threshold` (default 1.96).
//!
//! Cohorts with fewer than `min_group` customers (default 10) are suppressed and excluded from
//! every baseline.
//!
//! ```
//! use segcore::analytics::cohorts::Cohorts;
//! use segcore::data::Transactions;
//! let day = 86_400_i64;
//! // customer 1: Jan and Feb 1970; customer 2: Jan only
//! let tx = Transactions::builder(vec![1_i64, 1, 2], vec![0, 40 * day, 5 * day], vec![10.0, 5.0, 7.0]).build().unwrap();
//! let t = Cohorts::params().min_group(1).fit(&tx).unwrap();
//! let jan = &t.cohorts[0];
//! assert_eq!(jan.cohort, "1970-01");
//! assert_eq!(jan.retention.as_ref().unwrap()[..2], [Some(1.0), Some(0.5)]);
//! assert_eq!(jan.revenue.as_ref().unwrap()[..2], [Some(17.0), Some(5.0)]);
//! ```

use serde::{Deserialize, Serialize};

use super::privacy::{DEFAULT_MIN_GROUP, check_min_group, is_suppressed};
use crate::data::time::{civil_from_days, days_from_civil};
use crate::data::{Groups, Transactions};
use crate::{Result, SegError};

/// Entry point: `Cohorts::params()` returns [`CohortParams`].
///
/// ```
/// assert_eq!(segcore::analytics::cohorts::Cohorts::params().flag_months, 3);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Cohorts;

impl Cohorts {
    /// Default parameters.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::cohorts::Cohorts::params().min_group, 10);
    /// ```
    pub fn params() -> CohortParams {
        CohortParams::default()
    }
}

/// Settings (see the module docs).
///
/// ```
/// let p = segcore::analytics::cohorts::Cohorts::params().as_of(0).z_threshold(2.5);
/// assert_eq!((p.as_of, p.z_threshold), (Some(0), 2.5));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortParams {
    /// End of observation, UTC seconds (default: the last transaction).
    pub as_of: Option<i64>,
    /// Offsets checked for the worse-retention flag (default 3).
    pub flag_months: usize,
    /// One-sided z threshold of the flag (default 1.96).
    pub z_threshold: f64,
    /// Minimum cohort size reported (default 10).
    pub min_group: usize,
}

impl Default for CohortParams {
    fn default() -> Self {
        CohortParams {
            as_of: None,
            flag_months: 3,
            z_threshold: 1.96,
            min_group: DEFAULT_MIN_GROUP,
        }
    }
}

/// A cohort flagged as retaining worse than the cohorts before it.
///
/// ```
/// let f = segcore::analytics::cohorts::CohortFlag { month: 1, retention: 0.1, baseline: 0.3, z: -3.0 };
/// assert!(f.retention < f.baseline);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortFlag {
    /// Months since first purchase where the drop was found.
    pub month: usize,
    /// The cohort's retention there.
    pub retention: f64,
    /// Pooled retention of the earlier cohorts there.
    pub baseline: f64,
    /// z statistic (negative).
    pub z: f64,
}

/// One acquisition cohort.
///
/// ```
/// # use segcore::analytics::cohorts::Cohorts;
/// # let tx = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![1.0]).build().unwrap();
/// let t = Cohorts::params().fit(&tx).unwrap();
/// assert!(t.cohorts[0].suppressed);
/// assert_eq!(t.cohorts[0].customers, None);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortRow {
    /// Acquisition month, `YYYY-MM`.
    pub cohort: String,
    /// First second of the acquisition month, UTC.
    pub cohort_start: i64,
    /// Fewer than `min_group` customers: numbers hidden.
    pub suppressed: bool,
    /// Cohort size.
    pub customers: Option<u64>,
    /// Active customers per month offset (`None` = not observed yet).
    pub active: Option<Vec<Option<u64>>>,
    /// Retention per month offset.
    pub retention: Option<Vec<Option<f64>>>,
    /// Net revenue per month offset.
    pub revenue: Option<Vec<Option<f64>>>,
    /// Net revenue per cohort customer per month offset.
    pub revenue_per_customer: Option<Vec<Option<f64>>>,
    /// Set when the cohort retains worse than earlier ones.
    pub worse_than_earlier: Option<CohortFlag>,
}

/// The cohort table: one row per acquisition month with customers (in order), `months`
/// offsets each.
///
/// ```
/// # use segcore::analytics::cohorts::Cohorts;
/// # let tx = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![1.0]).build().unwrap();
/// assert_eq!(Cohorts::params().fit(&tx).unwrap().months, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortTable {
    /// Number of month offsets (columns).
    pub months: usize,
    /// Cohorts, oldest first.
    pub cohorts: Vec<CohortRow>,
}

fn month_index(t: i64) -> i64 {
    let (y, m, _) = civil_from_days(t.div_euclid(86_400));
    y * 12 + m as i64 - 1
}

fn month_start(idx: i64) -> i64 {
    days_from_civil(idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32, 1) * 86_400
}

impl CohortParams {
    /// Sets `as_of`.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::cohorts::Cohorts::params().as_of(5).as_of, Some(5));
    /// ```
    pub fn as_of(mut self, t: i64) -> Self {
        self.as_of = Some(t);
        self
    }
    /// Sets the number of offsets checked by the flag.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::cohorts::Cohorts::params().flag_months(6).flag_months, 6);
    /// ```
    pub fn flag_months(mut self, m: usize) -> Self {
        self.flag_months = m;
        self
    }
    /// Sets the z threshold.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::cohorts::Cohorts::params().z_threshold(3.0).z_threshold, 3.0);
    /// ```
    pub fn z_threshold(mut self, z: f64) -> Self {
        self.z_threshold = z;
        self
    }
    /// Sets the minimum cohort size.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::cohorts::Cohorts::params().min_group(2).min_group, 2);
    /// ```
    pub fn min_group(mut self, k: usize) -> Self {
        self.min_group = k;
        self
    }

    /// Builds the cohort table.
    ///
    /// ```
    /// # use segcore::analytics::cohorts::Cohorts;
    /// let tx = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![-1.0]).build().unwrap();
    /// assert!(Cohorts::params().fit(&tx).is_err()); // no purchases, only a return
    /// ```
    pub fn fit(&self, tx: &Transactions) -> Result<CohortTable> {
        check_min_group(self.min_group)?;
        if !(self.z_threshold.is_finite() && self.z_threshold > 0.0) {
            return Err(SegError::param("z_threshold", "must be finite and > 0"));
        }
        let as_of = match self.as_of {
            Some(t) => t,
            None => tx.timestamp().iter().copied().max().unwrap_or(0),
        };
        let last_month = month_index(as_of);
        let n_cust = tx.customers().len();
        let groups = Groups::of_valid(tx.customer(), tx.timestamp(), n_cust);
        // per customer: acquisition month
        let mut acq: Vec<Option<i64>> = vec![None; n_cust];
        for (c, a) in acq.iter_mut().enumerate() {
            *a = groups
                .rows_of(c)
                .iter()
                .map(|&r| r as usize)
                .find(|&r| tx.amount()[r] >= 0.0 && tx.timestamp()[r] <= as_of)
                .map(|r| month_index(tx.timestamp()[r]));
        }
        let (Some(first), Some(_)) = (acq.iter().flatten().min(), acq.iter().flatten().max())
        else {
            return Err(SegError::Empty {
                what: "purchases (rows with amount >= 0) up to as_of".into(),
            });
        };
        let first = *first;
        let n_cohorts = (last_month - first + 1).max(1) as usize;
        let months = n_cohorts;
        let mut size = vec![0u64; n_cohorts];
        let mut active = vec![vec![0u64; months]; n_cohorts];
        let mut revenue = vec![vec![0.0f64; months]; n_cohorts];
        for (c, a) in acq.iter().enumerate() {
            let Some(a) = *a else { continue };
            let ci = (a - first) as usize;
            size[ci] += 1;
            let mut last_active: i64 = -1;
            for &r in groups.rows_of(c) {
                let r = r as usize;
                let t = tx.timestamp()[r];
                if t > as_of {
                    continue;
                }
                let off = month_index(t) - a;
                if off < 0 {
                    continue;
                }
                revenue[ci][off as usize] += tx.amount()[r];
                if tx.amount()[r] >= 0.0 && off > last_active {
                    // rows are in time order, so offsets never decrease
                    active[ci][off as usize] += 1;
                    last_active = off;
                }
            }
        }
        let k = self.min_group;
        let mut rows = Vec::with_capacity(n_cohorts);
        for ci in 0..n_cohorts {
            if size[ci] == 0 {
                continue; // no customer acquired that month: no row
            }
            let start_idx = first + ci as i64;
            let observed = (last_month - start_idx + 1).max(0) as usize;
            let (y, m) = (start_idx.div_euclid(12), start_idx.rem_euclid(12) + 1);
            let label = format!("{y:04}-{m:02}");
            if is_suppressed(size[ci], k) {
                rows.push(CohortRow {
                    cohort: label,
                    cohort_start: month_start(start_idx),
                    suppressed: true,
                    customers: None,
                    active: None,
                    retention: None,
                    revenue: None,
                    revenue_per_customer: None,
                    worse_than_earlier: None,
                });
                continue;
            }
            let obs = |m: usize| m < observed;
            let n = size[ci] as f64;
            // flag against earlier cohorts, complete months only (offset < observed - 1)
            let mut flag = None;
            #[allow(clippy::needless_range_loop)]
            for m in 1..=self.flag_months.min(months.saturating_sub(1)) {
                if m + 1 >= observed {
                    break;
                }
                let (mut a_b, mut n_b) = (0u64, 0u64);
                for (act, &sz) in active.iter().zip(&size).take(ci) {
                    if !is_suppressed(sz, k) {
                        a_b += act[m];
                        n_b += sz;
                    }
                }
                if n_b == 0 {
                    continue;
                }
                let r_c = active[ci][m] as f64 / n;
                let r_b = a_b as f64 / n_b as f64;
                let p = (active[ci][m] + a_b) as f64 / (size[ci] + n_b) as f64;
                if p <= 0.0 || p >= 1.0 {
                    continue;
                }
                let z = (r_c - r_b) / (p * (1.0 - p) * (1.0 / n + 1.0 / n_b as f64)).sqrt();
                if z <= -self.z_threshold {
                    flag = Some(CohortFlag {
                        month: m,
                        retention: r_c,
                        baseline: r_b,
                        z,
                    });
                    break;
                }
            }
            rows.push(CohortRow {
                cohort: label,
                cohort_start: month_start(start_idx),
                suppressed: false,
                customers: Some(size[ci]),
                active: Some(
                    (0..months)
                        .map(|m| obs(m).then_some(active[ci][m]))
                        .collect(),
                ),
                retention: Some(
                    (0..months)
                        .map(|m| obs(m).then(|| active[ci][m] as f64 / n))
                        .collect(),
                ),
                revenue: Some(
                    (0..months)
                        .map(|m| obs(m).then_some(revenue[ci][m]))
                        .collect(),
                ),
                revenue_per_customer: Some(
                    (0..months)
                        .map(|m| obs(m).then(|| revenue[ci][m] / n))
                        .collect(),
                ),
                worse_than_earlier: flag,
            });
        }
        Ok(CohortTable {
            months,
            cohorts: rows,
        })
    }
}
