//! A/B test evaluation, overall and per segment.
//!
//! * **Conversion** (yes/no outcome): effect = treatment rate − control rate; two-sided
//!   two-proportion z-test with the pooled variance; Wald interval with the unpooled variance.
//! * **Revenue** (numeric outcome): effect = treatment mean − control mean; Welch's t-test
//!   (unequal variances, Welch–Satterthwaite degrees of freedom) and its t interval.
//! * Segment p-values are Holm-adjusted across the reported (non-suppressed) segments; the
//!   overall test is reported on its own (`p_adjusted = p_value`). `significant` compares the
//!   adjusted p-value with `alpha`.
//! * **Power warning.** For the effect asked about (`min_effect`; absolute difference in rate
//!   or in mean revenue; when not given, the overall observed effect), the customers needed per
//!   arm for a two-sided test at `alpha` with `power` are
//!   `(z_{1-α/2} √(2 p̄ q̄) + z_{power} √(p₀q₀ + p₁q₁))² / δ²` for conversion (`p₀` = the
//!   segment's control rate, `p₁ = p₀ + δ`, `p̄` their mean) and `2 σ² (z_{1-α/2} + z_{power})² / δ²`
//!   for revenue (`σ²` = the segment's pooled variance). A segment whose smaller arm is below
//!   that is `underpowered` and gets a warning: a non-significant result there says little.
//! * An arm with fewer than `min_group` customers suppresses the segment (privacy).
//!
//! ```
//! use segcore::analytics::experiments::{Arm, Experiment, Outcome};
//! let arms: Vec<Arm> = (0..400).map(|i| if i % 2 == 0 { Arm::Control } else { Arm::Treatment }).collect();
//! let conv: Vec<bool> = (0..400).map(|i| if i % 2 == 0 { i % 10 == 0 } else { i % 4 == 1 }).collect();
//! let r = Experiment::params().evaluate(&arms, Outcome::Conversion(&conv), None::<&[String]>).unwrap();
//! let e = r.overall.estimate.unwrap();
//! assert!((e.mean_control - 0.2).abs() < 1e-12 && (e.mean_treatment - 0.5).abs() < 1e-12);
//! assert!(e.p_value < 1e-9);
//! ```

use serde::{Deserialize, Serialize};

use super::privacy::{DEFAULT_MIN_GROUP, check_min_group};
use super::stats::{normal_quantile, normal_sf, student_t_quantile, student_t_sf};
use crate::{Result, SegError};

/// The arm a customer was assigned to.
///
/// ```
/// assert_ne!(segcore::analytics::experiments::Arm::Control, segcore::analytics::experiments::Arm::Treatment);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Arm {
    /// Control group.
    Control,
    /// Treatment group.
    Treatment,
    /// Not in the experiment (ignored).
    Excluded,
}

/// The outcome per customer.
///
/// ```
/// let o = segcore::analytics::experiments::Outcome::Revenue(&[1.0, 2.0]);
/// assert!(matches!(o, segcore::analytics::experiments::Outcome::Revenue(_)));
/// ```
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// Converted or not: two-proportion z-test.
    Conversion(&'a [bool]),
    /// A numeric outcome such as revenue: Welch's t-test.
    Revenue(&'a [f64]),
}

/// Entry point: `Experiment::params()` returns [`ExperimentParams`].
///
/// ```
/// assert_eq!(segcore::analytics::experiments::Experiment::params().alpha, 0.05);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Experiment;

impl Experiment {
    /// Default parameters.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::experiments::Experiment::params().power, 0.8);
    /// ```
    pub fn params() -> ExperimentParams {
        ExperimentParams::default()
    }
}

/// Settings of the evaluation (see the module docs).
///
/// ```
/// let p = segcore::analytics::experiments::Experiment::params().alpha(0.01).min_effect(0.02);
/// assert_eq!((p.alpha, p.min_effect), (0.01, Some(0.02)));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperimentParams {
    /// Significance level (default 0.05); intervals are at `1 - alpha`.
    pub alpha: f64,
    /// Power for the sample-size warning (default 0.8).
    pub power: f64,
    /// Effect of interest (absolute); `None` = the overall observed effect.
    pub min_effect: Option<f64>,
    /// Minimum customers per arm before a segment is reported (default 10).
    pub min_group: usize,
}

impl Default for ExperimentParams {
    fn default() -> Self {
        ExperimentParams {
            alpha: 0.05,
            power: 0.8,
            min_effect: None,
            min_group: DEFAULT_MIN_GROUP,
        }
    }
}

/// Effect estimate and test of one group.
///
/// ```
/// # use segcore::analytics::experiments::*;
/// # let arms = vec![Arm::Control, Arm::Control, Arm::Treatment, Arm::Treatment];
/// let r = Experiment::params().min_group(1)
///     .evaluate(&arms, Outcome::Revenue(&[1.0, 3.0, 4.0, 6.0]), None::<&[String]>).unwrap();
/// let e = r.overall.estimate.unwrap();
/// assert_eq!(e.effect, 3.0);
/// assert_eq!(e.df, Some(2.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectEstimate {
    /// Customers in control.
    pub n_control: u64,
    /// Customers in treatment.
    pub n_treatment: u64,
    /// Control conversion rate or mean.
    pub mean_control: f64,
    /// Treatment conversion rate or mean.
    pub mean_treatment: f64,
    /// `mean_treatment - mean_control`.
    pub effect: f64,
    /// Lower end of the `1 - alpha` interval of the effect.
    pub ci_low: f64,
    /// Upper end of the interval.
    pub ci_high: f64,
    /// z (conversion) or t (revenue) statistic.
    pub statistic: f64,
    /// Welch degrees of freedom (revenue only).
    pub df: Option<f64>,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Holm-adjusted p-value across segments (the raw one for the overall row).
    pub p_adjusted: f64,
    /// `p_adjusted < alpha`.
    pub significant: bool,
    /// Smallest effect this group's sizes can detect at `alpha` with `power`:
    /// `(z_{1-α/2} + z_{power}) · √(σ² (1/n₀ + 1/n₁))`, with `σ²` the pooled rate's `p(1-p)`
    /// (conversion) or the pooled variance (revenue); none when that variance is 0.
    pub min_detectable_effect: Option<f64>,
    /// Customers per arm needed for the effect of interest (none when that effect is 0).
    pub required_per_arm: Option<f64>,
    /// The smaller arm is below `required_per_arm`.
    pub underpowered: bool,
    /// Human-readable warning when underpowered.
    pub warning: Option<String>,
}

/// One row of the report: a segment (or `all`) and its estimate unless suppressed.
///
/// ```
/// # use segcore::analytics::experiments::*;
/// # let arms = vec![Arm::Control, Arm::Treatment];
/// let r = Experiment::params().evaluate(&arms, Outcome::Revenue(&[1.0, 2.0]), None::<&[String]>).unwrap();
/// assert!(r.overall.suppressed && r.overall.estimate.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectRow {
    /// Segment label, or `all`.
    pub segment: String,
    /// An arm has fewer than `min_group` customers.
    pub suppressed: bool,
    /// The estimate (none when suppressed).
    pub estimate: Option<EffectEstimate>,
}

/// The evaluation: overall and per segment (segments in sorted order).
///
/// ```
/// # use segcore::analytics::experiments::*;
/// # let arms = vec![Arm::Control, Arm::Treatment];
/// let r = Experiment::params().evaluate(&arms, Outcome::Conversion(&[false, true]), None::<&[String]>).unwrap();
/// assert_eq!(r.metric, "conversion");
/// assert!(r.segments.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperimentReport {
    /// `conversion` or `revenue`.
    pub metric: String,
    /// The whole experiment.
    pub overall: EffectRow,
    /// One row per segment.
    pub segments: Vec<EffectRow>,
}

/// Holm step-down adjustment of p-values (returned in input order).
///
/// ```
/// let a = segcore::analytics::experiments::holm(&[0.01, 0.04, 0.03]).unwrap();
/// assert_eq!(a, vec![0.03, 0.06, 0.06]);
/// ```
pub fn holm(p: &[f64]) -> Result<Vec<f64>> {
    if let Some(i) = p.iter().position(|x| !(0.0..=1.0).contains(x)) {
        return Err(SegError::invalid("p_values", i, "not a probability"));
    }
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut out = vec![0.0; m];
    let mut run = 0.0_f64;
    for (i, &j) in order.iter().enumerate() {
        run = run.max(((m - i) as f64 * p[j]).min(1.0));
        out[j] = run;
    }
    Ok(out)
}

#[derive(Default, Clone, Copy)]
struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }
    fn var(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            self.m2 / (self.n - 1) as f64
        }
    }
}

impl ExperimentParams {
    /// Sets alpha.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::experiments::Experiment::params().alpha(0.1).alpha, 0.1);
    /// ```
    pub fn alpha(mut self, a: f64) -> Self {
        self.alpha = a;
        self
    }
    /// Sets the power.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::experiments::Experiment::params().power(0.9).power, 0.9);
    /// ```
    pub fn power(mut self, p: f64) -> Self {
        self.power = p;
        self
    }
    /// Sets the effect of interest.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::experiments::Experiment::params().min_effect(5.0).min_effect, Some(5.0));
    /// ```
    pub fn min_effect(mut self, d: f64) -> Self {
        self.min_effect = Some(d);
        self
    }
    /// Sets the minimum arm size.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::experiments::Experiment::params().min_group(1).min_group, 1);
    /// ```
    pub fn min_group(mut self, k: usize) -> Self {
        self.min_group = k;
        self
    }

    /// Evaluates the experiment. `arms`, the outcome and `segments` are indexed by customer
    /// code and must have the same length.
    ///
    /// ```
    /// use segcore::analytics::experiments::*;
    /// let e = Experiment::params().evaluate(&[Arm::Control], Outcome::Revenue(&[]), None::<&[String]>);
    /// assert!(e.is_err());
    /// ```
    pub fn evaluate<S: AsRef<str>>(
        &self,
        arms: &[Arm],
        outcome: Outcome<'_>,
        segments: Option<&[S]>,
    ) -> Result<ExperimentReport> {
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(SegError::param("alpha", "must be in (0, 1)"));
        }
        if !(self.power > 0.0 && self.power < 1.0) {
            return Err(SegError::param("power", "must be in (0, 1)"));
        }
        if let Some(d) = self.min_effect {
            if !d.is_finite() || d == 0.0 {
                return Err(SegError::param("min_effect", "must be finite and non-zero"));
            }
        }
        check_min_group(self.min_group)?;
        let n = arms.len();
        if n == 0 {
            return Err(SegError::Empty {
                what: "arms".into(),
            });
        }
        let (values, metric): (Vec<f64>, &str) = match outcome {
            Outcome::Conversion(c) => {
                super::check_slice_len("outcome", n, c.len())?;
                (
                    c.iter().map(|&b| if b { 1.0 } else { 0.0 }).collect(),
                    "conversion",
                )
            }
            Outcome::Revenue(v) => {
                super::check_slice_len("outcome", n, v.len())?;
                crate::data::columns::check_finite("outcome", v)?;
                (v.to_vec(), "revenue")
            }
        };
        let conversion = metric == "conversion";
        let (seg_names, seg_code) = match segments {
            Some(s) => {
                super::check_slice_len("segments", n, s.len())?;
                super::intern_labels(s)
            }
            None => (Vec::new(), Vec::new()),
        };
        let mut all = [Moments::default(); 2];
        let mut per = vec![[Moments::default(); 2]; seg_names.len()];
        for i in 0..n {
            let a = match arms[i] {
                Arm::Control => 0,
                Arm::Treatment => 1,
                Arm::Excluded => continue,
            };
            all[a].push(values[i]);
            if let Some(&c) = seg_code.get(i) {
                per[c as usize][a].push(values[i]);
            }
        }
        let mut overall = self.estimate("all", &all, conversion)?;
        let effect_of_interest = match self.min_effect {
            Some(d) => d.abs(),
            None => overall.estimate.as_ref().map_or(0.0, |e| e.effect.abs()),
        };
        let control_rate = all[0].mean;
        self.power_check(
            &mut overall,
            &all,
            conversion,
            effect_of_interest,
            control_rate,
        )?;
        let mut rows = Vec::with_capacity(seg_names.len());
        for (name, m) in seg_names.iter().zip(&per) {
            let mut row = self.estimate(name, m, conversion)?;
            self.power_check(&mut row, m, conversion, effect_of_interest, control_rate)?;
            rows.push(row);
        }
        let raw: Vec<f64> = rows
            .iter()
            .filter_map(|r| r.estimate.as_ref().map(|e| e.p_value))
            .collect();
        let adj = holm(&raw)?;
        let mut it = adj.into_iter();
        for r in rows.iter_mut() {
            if let Some(e) = r.estimate.as_mut() {
                if let Some(a) = it.next() {
                    e.p_adjusted = a;
                    e.significant = a < self.alpha;
                }
            }
        }
        Ok(ExperimentReport {
            metric: metric.to_string(),
            overall,
            segments: rows,
        })
    }

    fn estimate(&self, name: &str, m: &[Moments; 2], conversion: bool) -> Result<EffectRow> {
        let (c, t) = (m[0], m[1]);
        if c.n.min(t.n) < self.min_group as u64 || c.n.min(t.n) < 2 {
            return Ok(EffectRow {
                segment: name.to_string(),
                suppressed: true,
                estimate: None,
            });
        }
        let (n0, n1) = (c.n as f64, t.n as f64);
        let effect = t.mean - c.mean;
        let (stat, df, p, half) = if conversion {
            let pooled = (c.mean * n0 + t.mean * n1) / (n0 + n1);
            let se0 = (pooled * (1.0 - pooled) * (1.0 / n0 + 1.0 / n1)).sqrt();
            let z = if se0 > 0.0 { effect / se0 } else { 0.0 };
            let se = (c.mean * (1.0 - c.mean) / n0 + t.mean * (1.0 - t.mean) / n1).sqrt();
            let zq = normal_quantile(1.0 - self.alpha / 2.0)?;
            (z, None, (2.0 * normal_sf(z.abs())).min(1.0), zq * se)
        } else {
            let (a, b) = (t.var() / n1, c.var() / n0);
            let se = (a + b).sqrt();
            if se > 0.0 {
                let df = (a + b).powi(2) / (a * a / (n1 - 1.0) + b * b / (n0 - 1.0));
                let tt = effect / se;
                let q = student_t_quantile(1.0 - self.alpha / 2.0, df)?;
                (
                    tt,
                    Some(df),
                    (2.0 * student_t_sf(tt.abs(), df)).min(1.0),
                    q * se,
                )
            } else {
                // both arms constant: the difference is exact
                let (tt, p) = if effect == 0.0 {
                    (0.0, 1.0)
                } else {
                    (effect.signum() * f64::INFINITY, 0.0)
                };
                (tt, Some(n0 + n1 - 2.0), p, 0.0)
            }
        };
        let var = if conversion {
            let pooled = (c.mean * n0 + t.mean * n1) / (n0 + n1);
            pooled * (1.0 - pooled)
        } else {
            ((n0 - 1.0) * c.var() + (n1 - 1.0) * t.var()) / (n0 + n1 - 2.0)
        };
        let zsum = normal_quantile(1.0 - self.alpha / 2.0)? + normal_quantile(self.power)?;
        let mde = (var > 0.0).then(|| zsum * (var * (1.0 / n0 + 1.0 / n1)).sqrt());
        if p.is_nan() || half.is_nan() {
            return Err(SegError::Numerical {
                context: format!("experiment test for `{name}`"),
                reason: "non-finite p-value or interval".into(),
            });
        }
        Ok(EffectRow {
            segment: name.to_string(),
            suppressed: false,
            estimate: Some(EffectEstimate {
                n_control: c.n,
                n_treatment: t.n,
                mean_control: c.mean,
                mean_treatment: t.mean,
                effect,
                ci_low: effect - half,
                ci_high: effect + half,
                statistic: stat,
                df,
                p_value: p,
                p_adjusted: p,
                significant: p < self.alpha,
                min_detectable_effect: mde,
                required_per_arm: None,
                underpowered: false,
                warning: None,
            }),
        })
    }

    fn power_check(
        &self,
        row: &mut EffectRow,
        m: &[Moments; 2],
        conversion: bool,
        delta: f64,
        overall_control_rate: f64,
    ) -> Result<()> {
        let Some(e) = row.estimate.as_mut() else {
            return Ok(());
        };
        if delta <= 0.0 || !delta.is_finite() {
            return Ok(());
        }
        let za = normal_quantile(1.0 - self.alpha / 2.0)?;
        let zb = normal_quantile(self.power)?;
        let required = if conversion {
            let mut p0 = m[0].mean;
            if p0 <= 0.0 || p0 >= 1.0 {
                p0 = overall_control_rate;
            }
            if p0 <= 0.0 || p0 >= 1.0 {
                p0 = 0.5;
            }
            let p1 = (p0 + delta).min(1.0 - 1e-9);
            let d = p1 - p0;
            if d <= 0.0 {
                return Ok(());
            }
            let pb = 0.5 * (p0 + p1);
            (za * (2.0 * pb * (1.0 - pb)).sqrt() + zb * (p0 * (1.0 - p0) + p1 * (1.0 - p1)).sqrt())
                .powi(2)
                / (d * d)
        } else {
            let (c, t) = (m[0], m[1]);
            let dof = (c.n + t.n) as f64 - 2.0;
            let var = ((c.n as f64 - 1.0) * c.var() + (t.n as f64 - 1.0) * t.var()) / dof;
            2.0 * var * (za + zb).powi(2) / (delta * delta)
        };
        e.required_per_arm = Some(required);
        let smaller = e.n_control.min(e.n_treatment);
        if (smaller as f64) < required {
            e.underpowered = true;
            e.warning = Some(format!(
                "segment `{}` has {} control and {} treatment customers; detecting an effect of {} \
                 with power {} at alpha {} needs about {} per arm",
                row.segment,
                e.n_control,
                e.n_treatment,
                delta,
                self.power,
                self.alpha,
                required.ceil()
            ));
        }
        Ok(())
    }
}
