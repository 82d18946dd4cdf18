//! Drop-off anomalies: a funnel stage whose drop-off in one period rises significantly above
//! its own trailing baseline (payment suddenly failing, a broken shipping form).
//!
//! Rule (per stage `s` that has a next stage, per period `t`):
//! * drop-off of `s` in `t` is `d_t / n_t`, where `n_t` sessions reached `s` and `d_t` of them
//!   did not reach `s + 1`;
//! * the baseline pools the `baseline_periods` periods just before `t` (`n_b`, `d_b`); the first
//!   `baseline_periods` periods are never tested; a period is tested when it has at least
//!   `min_sessions` sessions (default 30) at the stage, as has its baseline, and at least
//!   `min_group` customers (privacy; default 10);
//! * raw statistic: the one-sided two-proportion z-test with pooled variance,
//!   `z₀ = (p_t - p_b) / sqrt(p (1 - p) (1/n_t + 1/n_b))`, `p = (d_t + d_b) / (n_t + n_b)`;
//! * **over-dispersion**: sessions are not independent Bernoulli trials (one customer has
//!   several sessions; the mix of customers, campaigns and seasons moves the drop-off from
//!   week to week), so the binomial variance is too small on real logs. Each stage gets a
//!   dispersion factor `φ_s = max(1, median(z₀²) / 0.4549)` over all its tested periods
//!   (0.4549 is the median of χ²₁, so `φ = 1` for binomial data; the median is not moved by a
//!   few anomalous periods; fewer than 8 tested periods: `φ = 1`), and the statistic is
//!   `z = z₀ / sqrt(φ_s)` with one-sided p-value `1 - Φ(z)`;
//! * **multiple testing**: Holm's step-down correction over every stage × period tested in the
//!   call controls the family-wise error rate at `alpha` (default 0.01);
//! * a flag needs a Holm-adjusted p-value `<= alpha`, `z >= z_threshold` (default 3.0) and an
//!   absolute rise `p_t - p_b >= min_change` (default 0.05).
//!
//! Per-segment analyses are separate calls (one family each): with `g` segments the chance of
//! any false flag is at most about `g · alpha`. Weekly periods are the recommended grain (daily
//! counts are small and follow the weekday pattern).
//!
//! A lasting change keeps being flagged until it enters the baseline (after `baseline_periods`
//! periods). On the synthetic shop (`segcore/tests/analytics_anomaly_shop.rs`) a payment
//! outage planted in one week is flagged at exactly that stage and week, and the shop without
//! it raises no flag, overall and per customer type.
//!
//! ```
//! use segcore::analytics::anomaly::{detect_dropoff_anomalies, AnomalyParams, PeriodCounts};
//! let stages = vec!["payment".to_string(), "purchase".to_string()];
//! let mut periods: Vec<PeriodCounts> = (0..8)
//!     .map(|d| PeriodCounts { period_start: d * 86_400, customers: 100, reached: vec![100, 90] })
//!     .collect();
//! periods[7].reached[1] = 50; // payment drop-off jumps from 10% to 50%
//! let flags = detect_dropoff_anomalies(&stages, &periods, &AnomalyParams::default()).unwrap();
//! assert_eq!(flags.len(), 1);
//! assert_eq!((flags[0].stage.as_str(), flags[0].period.as_str()), ("payment", "1970-01-08"));
//! ```

use serde::{Deserialize, Serialize};

use super::stats::normal_sf;
use crate::data::time::format_date;
use crate::{Result, SegError};

/// Median of the chi-square distribution with one degree of freedom.
const CHI2_1_MEDIAN: f64 = 0.454_936_423_119_572_7;
/// Fewest tested periods of a stage for estimating its dispersion (else 1).
const MIN_DISPERSION_PERIODS: usize = 8;

/// Settings of the drop-off anomaly rule (see the module docs).
///
/// ```
/// let p = segcore::analytics::anomaly::AnomalyParams::default().z_threshold(2.5);
/// assert_eq!(p.z_threshold, 2.5);
/// assert_eq!(p.baseline_periods, 7);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnomalyParams {
    /// Number of trailing periods pooled into the baseline (default 7).
    pub baseline_periods: usize,
    /// Minimum one-sided (dispersion-adjusted) z statistic (default 3.0).
    pub z_threshold: f64,
    /// Family-wise error rate of Holm's correction over all stage × period tests (default 0.01).
    pub alpha: f64,
    /// Minimum absolute rise of the drop-off rate (default 0.05).
    pub min_change: f64,
    /// Minimum sessions at the stage in the period and in the baseline (default 30).
    pub min_sessions: u64,
    /// Minimum customers in the period (privacy, default 10).
    pub min_group: usize,
}

impl Default for AnomalyParams {
    fn default() -> Self {
        AnomalyParams {
            baseline_periods: 7,
            z_threshold: 3.0,
            alpha: 0.01,
            min_change: 0.05,
            min_sessions: 30,
            min_group: super::privacy::DEFAULT_MIN_GROUP,
        }
    }
}

impl AnomalyParams {
    /// Sets the number of baseline periods.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::anomaly::AnomalyParams::default().baseline_periods(4).baseline_periods, 4);
    /// ```
    pub fn baseline_periods(mut self, k: usize) -> Self {
        self.baseline_periods = k;
        self
    }
    /// Sets the z threshold.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::anomaly::AnomalyParams::default().z_threshold(4.0).z_threshold, 4.0);
    /// ```
    pub fn z_threshold(mut self, z: f64) -> Self {
        self.z_threshold = z;
        self
    }
    /// Sets the family-wise error rate of Holm's correction.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::anomaly::AnomalyParams::default().alpha(0.05).alpha, 0.05);
    /// ```
    pub fn alpha(mut self, a: f64) -> Self {
        self.alpha = a;
        self
    }
    /// Sets the minimum absolute rise.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::anomaly::AnomalyParams::default().min_change(0.1).min_change, 0.1);
    /// ```
    pub fn min_change(mut self, d: f64) -> Self {
        self.min_change = d;
        self
    }
    /// Sets the minimum session count.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::anomaly::AnomalyParams::default().min_sessions(50).min_sessions, 50);
    /// ```
    pub fn min_sessions(mut self, n: u64) -> Self {
        self.min_sessions = n;
        self
    }
    /// Sets the minimum number of customers in a period.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::anomaly::AnomalyParams::default().min_group(20).min_group, 20);
    /// ```
    pub fn min_group(mut self, k: usize) -> Self {
        self.min_group = k;
        self
    }

    fn validate(&self) -> Result<()> {
        if self.baseline_periods == 0 {
            return Err(SegError::param("baseline_periods", "must be at least 1"));
        }
        if !self.z_threshold.is_finite() || self.z_threshold <= 0.0 {
            return Err(SegError::param("z_threshold", "must be finite and > 0"));
        }
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(SegError::param("alpha", "must be in (0, 1)"));
        }
        if !(0.0..1.0).contains(&self.min_change) {
            return Err(SegError::param("min_change", "must be in [0, 1)"));
        }
        if self.min_sessions == 0 {
            return Err(SegError::param("min_sessions", "must be at least 1"));
        }
        super::privacy::check_min_group(self.min_group)?;
        Ok(())
    }
}

/// Sessions reaching each stage in one period.
///
/// ```
/// let p = segcore::analytics::anomaly::PeriodCounts { period_start: 0, customers: 12, reached: vec![10, 4] };
/// assert_eq!(p.reached[1], 4);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodCounts {
    /// Start of the period, UTC seconds.
    pub period_start: i64,
    /// Distinct customers with a funnel session in the period.
    pub customers: u64,
    /// Sessions that reached each stage (non-increasing along the stages).
    pub reached: Vec<u64>,
}

/// One flagged rise in drop-off.
///
/// ```
/// # use segcore::analytics::anomaly::*;
/// # let stages = vec!["a".to_string(), "b".to_string()];
/// # let mut periods: Vec<PeriodCounts> = (0..3).map(|d| PeriodCounts { period_start: d * 86_400, customers: 50, reached: vec![200, 190] }).collect();
/// # periods[2].reached[1] = 100;
/// let f = &detect_dropoff_anomalies(&stages, &periods, &AnomalyParams::default().baseline_periods(2)).unwrap()[0];
/// assert!((f.change - 0.45).abs() < 1e-12);
/// assert_eq!(f.next_stage, "b");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DropOffAnomaly {
    /// The stage whose drop-off rose (sessions stopped here).
    pub stage: String,
    /// The stage they failed to reach.
    pub next_stage: String,
    /// Period start, UTC seconds.
    pub period_start: i64,
    /// Period start as `YYYY-MM-DD`.
    pub period: String,
    /// Drop-off rate in the period.
    pub drop_off: f64,
    /// Pooled drop-off rate of the baseline periods.
    pub baseline_drop_off: f64,
    /// `drop_off - baseline_drop_off`.
    pub change: f64,
    /// Two-proportion z statistic divided by `sqrt(dispersion)`.
    pub z: f64,
    /// One-sided p-value of `z`.
    pub p_value: f64,
    /// Holm-adjusted p-value over every stage × period tested in the call.
    pub p_adjusted: f64,
    /// Over-dispersion factor of the stage (≥ 1) that divided the variance.
    pub dispersion: f64,
    /// Sessions at the stage in the period.
    pub sessions: u64,
    /// Sessions at the stage in the baseline.
    pub baseline_sessions: u64,
}

/// Flags drop-off rises (see the module docs). Periods must be in time order and every
/// `reached` must have one count per stage and never increase along the stages.
///
/// ```
/// use segcore::analytics::anomaly::*;
/// let stages = vec!["a".to_string(), "b".to_string()];
/// let flat: Vec<PeriodCounts> = (0..10).map(|d| PeriodCounts { period_start: d, customers: 99, reached: vec![100, 80] }).collect();
/// assert!(detect_dropoff_anomalies(&stages, &flat, &AnomalyParams::default()).unwrap().is_empty());
/// ```
pub fn detect_dropoff_anomalies(
    stages: &[String],
    periods: &[PeriodCounts],
    params: &AnomalyParams,
) -> Result<Vec<DropOffAnomaly>> {
    params.validate()?;
    for (i, p) in periods.iter().enumerate() {
        if p.reached.len() != stages.len() {
            return Err(SegError::shape(format!(
                "period {i} has {} stage counts, expected {}",
                p.reached.len(),
                stages.len()
            )));
        }
        if p.reached.windows(2).any(|w| w[1] > w[0]) {
            return Err(SegError::invalid(
                "reached",
                i,
                "stage counts increase along the funnel",
            ));
        }
        if i > 0 && periods[i - 1].period_start >= p.period_start {
            return Err(SegError::invalid(
                "period_start",
                i,
                "periods are not in increasing time order",
            ));
        }
    }
    let k = params.baseline_periods;
    let n_stages = stages.len().saturating_sub(1);
    // every eligible (stage, period): its counts and raw z
    struct Test {
        s: usize,
        t: usize,
        n_t: u64,
        n_b: u64,
        p_t: f64,
        p_b: f64,
        raw_z: f64,
    }
    let mut tests: Vec<Test> = Vec::new();
    for s in 0..n_stages {
        for t in k..periods.len() {
            let cur = &periods[t];
            if cur.customers < params.min_group as u64 {
                continue;
            }
            let n_t = cur.reached[s];
            let d_t = n_t - cur.reached[s + 1];
            let (mut n_b, mut d_b) = (0u64, 0u64);
            for b in &periods[t - k..t] {
                n_b += b.reached[s];
                d_b += b.reached[s] - b.reached[s + 1];
            }
            if n_t < params.min_sessions || n_b < params.min_sessions {
                continue;
            }
            let p_t = d_t as f64 / n_t as f64;
            let p_b = d_b as f64 / n_b as f64;
            let pooled = (d_t + d_b) as f64 / (n_t + n_b) as f64;
            if pooled <= 0.0 || pooled >= 1.0 {
                continue;
            }
            let se = (pooled * (1.0 - pooled) * (1.0 / n_t as f64 + 1.0 / n_b as f64)).sqrt();
            tests.push(Test {
                s,
                t,
                n_t,
                n_b,
                p_t,
                p_b,
                raw_z: (p_t - p_b) / se,
            });
        }
    }
    // dispersion of each stage: median squared raw z over its periods / median of chi2(1)
    let mut phi = vec![1.0; n_stages];
    for (s, f) in phi.iter_mut().enumerate() {
        let mut sq: Vec<f64> = tests
            .iter()
            .filter(|x| x.s == s)
            .map(|x| x.raw_z * x.raw_z)
            .collect();
        if sq.len() >= MIN_DISPERSION_PERIODS {
            sq.sort_by(f64::total_cmp);
            let m = sq.len();
            let med = if m % 2 == 1 {
                sq[m / 2]
            } else {
                0.5 * (sq[m / 2 - 1] + sq[m / 2])
            };
            *f = (med / CHI2_1_MEDIAN).max(1.0);
        }
    }
    // adjusted statistics, then Holm's step-down over all tests of the call
    let z: Vec<f64> = tests.iter().map(|x| x.raw_z / phi[x.s].sqrt()).collect();
    let p: Vec<f64> = z.iter().map(|&z| normal_sf(z)).collect();
    let m = tests.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut p_holm = vec![1.0; m];
    let mut running = 0.0_f64;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        p_holm[i] = running;
    }
    let mut out = Vec::new();
    for (i, x) in tests.iter().enumerate() {
        let change = x.p_t - x.p_b;
        if p_holm[i] <= params.alpha && z[i] >= params.z_threshold && change >= params.min_change {
            let cur = &periods[x.t];
            out.push(DropOffAnomaly {
                stage: stages[x.s].clone(),
                next_stage: stages[x.s + 1].clone(),
                period_start: cur.period_start,
                period: format_date(cur.period_start),
                drop_off: x.p_t,
                baseline_drop_off: x.p_b,
                change,
                z: z[i],
                p_value: p[i],
                p_adjusted: p_holm[i],
                dispersion: phi[x.s],
                sessions: x.n_t,
                baseline_sessions: x.n_b,
            });
        }
    }
    out.sort_by_key(|a| a.period_start);
    Ok(out)
}
