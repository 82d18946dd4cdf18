//! BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): Poisson
//! purchases with Gamma(r, α) rates, dropout with Beta(a, b) probability after each repeat
//! purchase.
//!
//! ```
//! use segcore::clv::{BetaGeo, RfmSummary, TransactionModel};
//! use segcore::data::TimeUnit;
//! let s = RfmSummary::new(vec![0.0, 1.0, 4.0, 2.0, 0.0, 7.0], vec![0.0, 3.0, 20.0, 9.0, 0.0, 30.0],
//!                         vec![30.0, 25.0, 31.0, 33.0, 20.0, 32.0], vec![0.0; 6], TimeUnit::Weeks).unwrap();
//! let m = BetaGeo::params().fit(&s).unwrap();
//! assert!(m.report.converged && m.r > 0.0);
//! ```

use serde::{Deserialize, Serialize};

use super::optim::{
    FitReport, LogLikStats, OptimSettings, TimeTable, fit_mle_from, sum_ranges, sum_stats,
};
use super::special::{
    digamma, ln_beta, ln_gamma, ln_hyp2f1, ln_hyp2f1_many, log_add_exp, log_sum_exp,
};
use super::summary::{RfmSummary, SummaryBatch, WeightedSummary};
use super::transaction::{TransactionModel, check_time, finite, posterior_mean_wait};
use crate::data::TimeUnit;
use crate::{Result, SegError};

mle_params! {
    /// Builder for a BG/NBD fit.
    ///
    /// ```
    /// let p = segcore::clv::BetaGeo::params().l2(0.001).max_iter(200).tol(1e-8);
    /// assert_eq!(p.settings.max_iter, 200);
    /// ```
    BetaGeoParams for BetaGeo, 4, "[0.5, 5.0, 1.0, 2.0]",
    initial: " Starting values `[r, alpha, a, b]`; default `[1, mean(T)/max(mean(x), 0.1)... , 1, 1]`."
}

impl BetaGeoParams {
    /// Fits the model by maximum likelihood on the compressed summary.
    ///
    /// ```
    /// # use segcore::clv::{BetaGeo, RfmSummary}; use segcore::data::TimeUnit;
    /// let s = RfmSummary::new(vec![], vec![], vec![], vec![], TimeUnit::Days).unwrap();
    /// assert_eq!(BetaGeo::params().fit(&s).unwrap_err().code(), "EMPTY_INPUT");
    /// ```
    pub fn fit(&self, summary: &RfmSummary) -> Result<BetaGeo> {
        self.fit_weighted(&summary.compress())
    }

    /// Fits the model on an already weighted summary.
    ///
    /// ```
    /// use segcore::clv::BetaGeo;
    /// use segcore::clv::simulate::{simulate_beta_geo, SimulationOptions};
    /// use segcore::data::TimeUnit;
    /// let truth = BetaGeo::from_params(0.25, 4.0, 0.8, 2.5, TimeUnit::Weeks).unwrap();
    /// let opts = SimulationOptions { whole_units: true, ..Default::default() };
    /// let w = simulate_beta_geo(&truth, &[52.0; 2000], &opts).unwrap().compress();
    /// assert!(w.len() < 2000);
    /// assert!(BetaGeo::params().fit_weighted(&w).is_ok());
    /// ```
    pub fn fit_weighted(&self, data: &WeightedSummary) -> Result<BetaGeo> {
        check_nonempty(data)?;
        let (init, warm) = start_point(
            self.initial,
            || {
                let [_, alpha] = default_rate_init(data);
                [1.0, alpha, 1.0, 1.0]
            },
            data,
            WARM_START_ROWS,
            &self.settings,
            |sub, settings, init| {
                let rough = BetaGeoParams {
                    settings,
                    initial: Some(init),
                };
                rough.fit_weighted(sub).map(|m| m.to_vec())
            },
        );
        let table = TimeTable::build(data);
        let fit = fit_mle_from(
            "BetaGeo",
            &init,
            &self.settings,
            |th| Ok(BetaGeo::stats(th, data, table.as_ref())),
            warm,
        )?;
        BetaGeo::from_fit(fit, data.unit)
    }
}

/// Every k-th row of a large weighted summary (about `target` rows), for a cheap warm start;
/// `None` for small data.
pub(crate) fn subsample(data: &WeightedSummary, target: usize) -> Option<WeightedSummary> {
    if data.len() < 4 * target {
        return None;
    }
    let k = data.len() / target;
    let pick = |v: &[f64]| v.iter().step_by(k).copied().collect::<Vec<f64>>();
    Some(WeightedSummary {
        unit: data.unit,
        x: pick(&data.x),
        t_x: pick(&data.t_x),
        t: pick(&data.t),
        weight: pick(&data.weight),
    })
}

/// The start of a four-parameter fit and whether it is warm: `initial` when given, else
/// `default()`; on large data the parameters of `rough(subsample, settings with tolerance
/// 1e-5, default())`, a rough fit on about `rows` rows, when it succeeds.
pub(crate) fn start_point(
    initial: Option<[f64; 4]>,
    default: impl FnOnce() -> [f64; 4],
    data: &WeightedSummary,
    rows: usize,
    settings: &OptimSettings,
    rough: impl FnOnce(&WeightedSummary, OptimSettings, [f64; 4]) -> Result<Vec<f64>>,
) -> ([f64; 4], bool) {
    if let Some(init) = initial {
        return (init, false);
    }
    let init = default();
    // large data: start from a rough fit on a systematic subsample
    let Some(sub) = subsample(data, rows) else {
        return (init, false);
    };
    let settings = OptimSettings {
        tol: 1e-5,
        ..settings.clone()
    };
    match rough(&sub, settings, init)
        .ok()
        .and_then(|v| <[f64; 4]>::try_from(v.as_slice()).ok())
    {
        Some(warm) => (warm, true),
        None => (init, false),
    }
}

/// Refuses a summary without rows.
pub(crate) fn check_nonempty(data: &WeightedSummary) -> Result<()> {
    if data.is_empty() {
        return Err(SegError::Empty {
            what: "summary".into(),
        });
    }
    Ok(())
}

/// Rows of the warm-start subsample.
pub(crate) const WARM_START_ROWS: usize = 10_000;

/// A default starting point `[r, alpha]` for gamma-distributed purchase rates: r = 1 and
/// alpha matching the mean observed rate `sum(x) / sum(T)`.
pub(crate) fn default_rate_init(data: &WeightedSummary) -> [f64; 2] {
    let (mut sx, mut st) = (0.0, 0.0);
    for i in 0..data.len() {
        sx += data.weight[i] * data.x[i];
        st += data.weight[i] * data.t[i];
    }
    let alpha = if sx > 0.0 { st / sx } else { st.max(1.0) };
    [1.0, alpha.clamp(1e-3, 1e6)]
}

/// A fitted BG/NBD model.
///
/// ```
/// use segcore::clv::{BetaGeo, TransactionModel};
/// use segcore::data::TimeUnit;
/// let m = BetaGeo::from_params(0.2426, 4.4137, 0.7930, 2.4262, TimeUnit::Weeks).unwrap();
/// let e = m.conditional_expected_purchases_one(39.0, 2.0, 30.43, 38.86).unwrap();
/// assert!((e - 1.226).abs() < 1e-3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BetaGeo {
    /// Shape of the gamma distribution of purchase rates.
    pub r: f64,
    /// Scale (rate parameter) of the gamma distribution of purchase rates, in the model unit.
    pub alpha: f64,
    /// First shape of the beta distribution of dropout probabilities.
    pub a: f64,
    /// Second shape of the beta distribution of dropout probabilities.
    pub b: f64,
    /// Time unit of the fit.
    pub unit: TimeUnit,
    /// Total log-likelihood at the optimum (0 for a model built from parameters).
    pub log_likelihood: f64,
    /// Standard errors of `[r, alpha, a, b]` from the inverse Hessian of the negative
    /// log-likelihood (`None` if it was not positive definite or the model was not fitted).
    pub standard_errors: Option<Vec<f64>>,
    /// How the optimiser ended.
    pub report: FitReport,
}

fitted_model!(
    BetaGeo,
    BetaGeoParams,
    [r, alpha, a, b],
    "0.0, 1.0, 1.0, 1.0, TimeUnit::Days",
    unit
);

pub(crate) fn check_positive(names: &[&str], values: &[f64]) -> Result<()> {
    for (n, v) in names.iter().zip(values) {
        if !(v.is_finite() && *v > 0.0) {
            return Err(SegError::param(
                *n,
                format!("must be finite and > 0, got {v}"),
            ));
        }
    }
    Ok(())
}

pub(crate) fn unfitted_report() -> FitReport {
    FitReport {
        iterations: 0,
        grad_norm: 0.0,
        converged: true,
        message: "built from given parameters".into(),
    }
}

impl BetaGeo {
    /// Parameters as `[r, alpha, a, b]`.
    ///
    /// ```
    /// # use segcore::clv::BetaGeo; use segcore::data::TimeUnit;
    /// let m = BetaGeo::from_params(1.0, 2.0, 3.0, 4.0, TimeUnit::Days).unwrap();
    /// assert_eq!(m.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
    /// ```
    pub fn to_vec(&self) -> Vec<f64> {
        vec![self.r, self.alpha, self.a, self.b]
    }

    /// Log-likelihood statistics of a batch at parameters `theta = [r, alpha, a, b]`: the
    /// weighted sum of per-customer log-likelihoods and of their gradients. Rows sorted by
    /// `x` (as [`WeightedSummary`] keeps them) reuse the x-dependent gamma terms.
    ///
    /// ```
    /// use segcore::clv::{BetaGeo, WeightedSummary};
    /// use segcore::data::TimeUnit;
    /// let w = WeightedSummary::new(vec![0.0], vec![0.0], vec![1.0], vec![1.0], TimeUnit::Days).unwrap();
    /// let s = BetaGeo::partial(&[1.0, 1.0, 1.0, 1.0], w.as_batch());
    /// assert!((s.loglik - 0.5f64.ln()).abs() < 1e-12); // (alpha / (alpha + T))^r
    /// ```
    pub fn partial(theta: &[f64], batch: SummaryBatch<'_>) -> LogLikStats {
        let al = theta[1];
        Self::partial_impl(theta, batch, |i| {
            let (at, atx) = (al + batch.t[i], al + batch.t_x[i]);
            (at.ln(), 1.0 / at, atx.ln(), 1.0 / atx)
        })
    }

    /// The batch likelihood with `times(i) = (ln(α+T), 1/(α+T), ln(α+t_x), 1/(α+t_x))` of row
    /// `i` supplied by the caller (looked up in a per-evaluation table during fits).
    #[inline]
    fn partial_impl<F>(theta: &[f64], batch: SummaryBatch<'_>, times: F) -> LogLikStats
    where
        F: Fn(usize) -> (f64, f64, f64, f64),
    {
        let (r, al, a, b) = (theta[0], theta[1], theta[2], theta[3]);
        let mut out = LogLikStats::zero(4);
        let (lg_r, dg_r) = (ln_gamma(r), digamma(r));
        let (lg_ab, dg_ab) = (ln_gamma(a + b), digamma(a + b));
        let (lg_b, dg_b) = (ln_gamma(b), digamma(b));
        let (ln_al, ln_a) = (al.ln(), a.ln());
        let mut last_x = f64::NAN;
        let (mut a12, mut d1r, mut d2a, mut d2b) = (0.0, 0.0, 0.0, 0.0);
        let (mut c4, mut inv_bx) = (0.0, 0.0);
        for i in 0..batch.len() {
            let (x, w) = (batch.x[i], batch.weight[i]);
            if x != last_x {
                last_x = x;
                let (lg_abx, dg_abx) = (ln_gamma(a + b + x), digamma(a + b + x));
                a12 = ln_gamma(r + x) - lg_r + r * ln_al + lg_ab + ln_gamma(b + x) - lg_b - lg_abx;
                d1r = digamma(r + x) - dg_r + ln_al;
                d2a = dg_ab - dg_abx;
                d2b = dg_ab + digamma(b + x) - dg_b - dg_abx;
                c4 = ln_a - (b + x - 1.0).ln();
                inv_bx = 1.0 / (b + x - 1.0);
            }
            let (ln_at, inv_at, ln_atx, inv_atx) = times(i);
            let a3 = -(r + x) * ln_at;
            if x > 0.0 {
                let a4 = c4 - (r + x) * ln_atx;
                // log-sum-exp of (a3, a4) and the two weights with one exp
                let d = a4 - a3;
                let e = (-d.abs()).exp();
                let lse = a3.max(a4) + e.ln_1p();
                let big = 1.0 / (1.0 + e);
                let (w3, w4) = if d > 0.0 {
                    (e * big, big)
                } else {
                    (big, e * big)
                };
                let g = [
                    d1r - w3 * ln_at - w4 * ln_atx,
                    r / al - (r + x) * (w3 * inv_at + w4 * inv_atx),
                    d2a + w4 / a,
                    d2b - w4 * inv_bx,
                ];
                out.add_row(w, a12 + lse, &g);
            } else {
                let g = [d1r - ln_at, r / al - (r + x) * inv_at, d2a, d2b];
                out.add_row(w, a12 + a3, &g);
            }
        }
        out
    }

    /// Sum of the batch statistics over a whole summary, with the `ln(α + t)` terms taken from
    /// a table of the distinct times when there are few of them (whole days or weeks).
    fn stats(theta: &[f64], data: &WeightedSummary, table: Option<&TimeTable>) -> LogLikStats {
        let Some(tab) = table else {
            return sum_stats(data, 4, |b| BetaGeo::partial(theta, b));
        };
        let al = theta[1];
        let ln_t: Vec<f64> = tab.values.iter().map(|v| (al + v).ln()).collect();
        let inv_t: Vec<f64> = tab.values.iter().map(|v| 1.0 / (al + v)).collect();
        sum_ranges(data.len(), 4, |rg| {
            let (it, itx) = (&tab.idx_t[rg.clone()], &tab.idx_tx[rg.clone()]);
            BetaGeo::partial_impl(theta, data.slice(rg), |i| {
                let (j, k) = (it[i] as usize, itx[i] as usize);
                (ln_t[j], inv_t[j], ln_t[k], inv_t[k])
            })
        })
    }

    /// Total log-likelihood of a summary (in the model's unit) at the fitted parameters.
    ///
    /// ```
    /// # use segcore::clv::{BetaGeo, RfmSummary}; use segcore::data::TimeUnit;
    /// let m = BetaGeo::from_params(1.0, 1.0, 1.0, 1.0, TimeUnit::Days).unwrap();
    /// let s = RfmSummary::new(vec![0.0], vec![0.0], vec![1.0], vec![0.0], TimeUnit::Days).unwrap();
    /// assert!((m.log_likelihood_of(&s).unwrap() - 0.5f64.ln()).abs() < 1e-12);
    /// ```
    pub fn log_likelihood_of(&self, summary: &RfmSummary) -> Result<f64> {
        super::transaction::check_unit(self.unit, summary)?;
        let th = self.to_vec();
        let w = summary.compress();
        Ok(sum_stats(&w, 4, |b| BetaGeo::partial(&th, b)).loglik)
    }
}

impl TransactionModel for BetaGeo {
    fn unit(&self) -> TimeUnit {
        self.unit
    }

    fn name(&self) -> &'static str {
        "BetaGeo"
    }

    fn expected_purchases_one(&self, t: f64) -> Result<f64> {
        let p = [self.r, self.alpha, self.a, self.b];
        bg_expected_purchases("BetaGeo", p, 0.0, self.a + self.b - 1.0, t)
    }

    fn conditional_expected_purchases_one(
        &self,
        t: f64,
        x: f64,
        t_x: f64,
        big_t: f64,
    ) -> Result<f64> {
        Ok(self.conditional_expected_purchases_path(&[t], x, t_x, big_t)?[0])
    }

    fn conditional_expected_purchases_path(
        &self,
        ts: &[f64],
        x: f64,
        t_x: f64,
        big_t: f64,
    ) -> Result<Vec<f64>> {
        let p = [self.r, self.alpha, self.a, self.b];
        bg_conditional_path("BetaGeo", p, 0.0, ts, x, t_x, big_t)
    }

    fn p_alive_one(&self, x: f64, t_x: f64, big_t: f64) -> Result<f64> {
        if x == 0.0 {
            return Ok(1.0);
        }
        let p = [self.r, self.alpha, self.a, self.b];
        let log_div = ln_odds_inactive(p, 0.0, x, t_x, big_t);
        finite("BetaGeo p_alive", (-log_add_exp(0.0, log_div)).exp())
    }

    fn probability_of_n_purchases_one(&self, t: f64, n: u32) -> Result<f64> {
        check_time("t", t)?;
        let (r, al, a, b) = (self.r, self.alpha, self.a, self.b);
        let nf = n as f64;
        if t == 0.0 {
            return Ok(if n == 0 { 1.0 } else { 0.0 });
        }
        let lp = (al / (al + t)).ln();
        let lq = (t / (al + t)).ln();
        let lb_ab = ln_beta(a, b);
        let first =
            ln_beta(a, b + nf) - lb_ab + ln_gamma(r + nf) - ln_gamma(r) - ln_gamma(nf + 1.0)
                + r * lp
                + nf * lq;
        let mut v = first.exp();
        if n > 0 {
            let terms: Vec<f64> = (0..n)
                .map(|j| {
                    let jf = j as f64;
                    ln_gamma(r + jf) - ln_gamma(r) - ln_gamma(jf + 1.0) + jf * lq
                })
                .collect();
            let ln_sum = log_sum_exp(&terms) + r * lp;
            let second = (ln_beta(a + 1.0, b + nf - 1.0) - lb_ab).exp() * (-ln_sum.exp_m1());
            v += second;
        }
        finite("BetaGeo probability of n purchases", v)
    }

    fn expected_time_to_next_purchase_one(&self, x: f64, _t_x: f64, big_t: f64) -> Result<f64> {
        Ok(posterior_mean_wait(self.r, self.alpha, x, big_t))
    }
}

/// `ln` of the odds that a customer with history `(x, t_x, T)` is inactive in the BG/NBD
/// family: `m = 0` for BG/NBD (for `x > 0`), `m = 1` for MBG/NBD (dropout also possible at
/// the first purchase). `p = [r, alpha, a, b]`.
pub(crate) fn ln_odds_inactive(p: [f64; 4], m: f64, x: f64, t_x: f64, big_t: f64) -> f64 {
    let [r, al, a, b] = p;
    (r + x) * ((al + big_t) / (al + t_x)).ln() + (a / (b + x + (m - 1.0))).ln()
}

/// Refuses `a = 1`, where the closed forms of the BG/NBD family are singular.
fn check_a_not_one(context: &str, a: f64) -> Result<()> {
    if (a - 1.0).abs() < 1e-12 {
        return Err(SegError::Numerical {
            context: context.into(),
            reason: "a = 1 makes the closed form singular".into(),
        });
    }
    Ok(())
}

/// Expected repeat purchases in `(0, t]` of a new customer in the BG/NBD family (`m` as in
/// [`ln_odds_inactive`]): `c / (a - 1) * (1 - 2F1(r, b + m; a + b + m - 1; t/(α+t)) (α/(α+t))^r)`
/// with `c = a + b - 1` for BG/NBD and `c = b` for MBG/NBD.
pub(crate) fn bg_expected_purchases(
    model: &str,
    p: [f64; 4],
    m: f64,
    c: f64,
    t: f64,
) -> Result<f64> {
    check_time("t", t)?;
    let [r, al, a, b] = p;
    if t == 0.0 {
        return Ok(0.0);
    }
    let context = format!("{model} expected purchases");
    check_a_not_one(&context, a)?;
    let (lh, sh) = ln_hyp2f1(r, b + m, a + b + (m - 1.0), t / (al + t))?;
    let e = lh + r * (al / (al + t)).ln();
    let v = c / (a - 1.0) * (1.0 - sh * e.exp());
    finite(&context, v)
}

/// Conditional expected purchases at horizons `ts` in the BG/NBD family (`m` as in
/// [`ln_odds_inactive`]; `model` names it in errors).
pub(crate) fn bg_conditional_path(
    model: &str,
    p: [f64; 4],
    m: f64,
    ts: &[f64],
    x: f64,
    t_x: f64,
    big_t: f64,
) -> Result<Vec<f64>> {
    let [r, al, a, b] = p;
    let context = format!("{model} conditional expected purchases");
    for &t in ts {
        check_time("t", t)?;
    }
    check_a_not_one(&context, a)?;
    let zs: Vec<f64> = ts.iter().map(|t| t / (al + big_t + t)).collect();
    let hyps = ln_hyp2f1_many(r + x, b + x + m, a + b + x + (m - 1.0), &zs)?;
    // BG/NBD: a customer without repeat purchases cannot have dropped out
    let ln_den = if x > 0.0 || m > 0.0 {
        log_add_exp(0.0, ln_odds_inactive(p, m, x, t_x, big_t))
    } else {
        0.0
    };
    ts.iter()
        .zip(hyps)
        .map(|(&t, (lh, sh))| {
            if t == 0.0 {
                return Ok(0.0);
            }
            let e = lh + (r + x) * ((al + big_t) / (al + t + big_t)).ln();
            let second = if sh > 0.0 { -e.exp_m1() } else { 1.0 + e.exp() };
            let numerator = (a + b + x + (m - 1.0)) / (a - 1.0) * second;
            finite(&context, numerator * (-ln_den).exp())
        })
        .collect()
}
