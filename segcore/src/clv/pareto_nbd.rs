//! Pareto/NBD (Schmittlein, Morrison & Colombo 1987; likelihood as in Fader, Hardie & Lee
//! 2005, "A note on deriving the Pareto/NBD model"): Poisson purchases with Gamma(r, α)
//! rates, exponential lifetimes with Gamma(s, β) dropout rates.
//!
//! ```
//! use segcore::clv::{ParetoNbd, TransactionModel};
//! use segcore::data::TimeUnit;
//! let m = ParetoNbd::from_params(0.553, 10.578, 0.606, 11.669, TimeUnit::Weeks).unwrap();
//! let p = m.p_alive_one(26.0, 30.857, 31.0).unwrap();
//! assert!((p - 0.9979).abs() < 1e-3);
//! ```

use serde::{Deserialize, Serialize};

use super::beta_geo::{WARM_START_ROWS, check_nonempty, default_rate_init, start_point};
use super::optim::{FitReport, LogLikStats, TimeTable, fit_mle_from, sum_ranges, sum_stats};
use super::special::{
    A1Series, digamma, ln_beta, ln_gamma, ln_hyp2f1, log_add_exp, log_sub_exp, log_sum_exp,
    upper_gamma_cf,
};
use super::summary::{RfmSummary, SummaryBatch, WeightedSummary};
use super::transaction::{TransactionModel, check_time, finite, posterior_mean_wait};
use crate::data::TimeUnit;
use crate::{Result, SegError};

mle_params! {
    /// Builder for a Pareto/NBD fit.
    ///
    /// ```
    /// let p = segcore::clv::ParetoNbd::params().max_iter(300);
    /// assert_eq!(p.settings.max_iter, 300);
    /// ```
    ParetoNbdParams for ParetoNbd, 4, "[0.5, 10.0, 0.5, 10.0]",
    initial: " Starting values `[r, alpha, s, beta]`."
}

impl ParetoNbdParams {
    /// Fits the model by maximum likelihood on the compressed summary.
    ///
    /// ```
    /// use segcore::clv::ParetoNbd;
    /// use segcore::clv::simulate::simulate_pareto_nbd;
    /// use segcore::data::TimeUnit;
    /// let truth = ParetoNbd::from_params(0.55, 10.6, 0.61, 11.7, TimeUnit::Weeks).unwrap();
    /// let s = simulate_pareto_nbd(&truth, &[39.0; 1000], &Default::default()).unwrap();
    /// let m = ParetoNbd::params().fit(&s).unwrap();
    /// assert!(m.report.converged && m.unit == TimeUnit::Weeks);
    /// ```
    pub fn fit(&self, summary: &RfmSummary) -> Result<ParetoNbd> {
        self.fit_weighted(&summary.compress())
    }

    /// Fits the model on an already weighted summary.
    ///
    /// ```
    /// use segcore::clv::ParetoNbd;
    /// use segcore::clv::simulate::{simulate_pareto_nbd, SimulationOptions};
    /// use segcore::data::TimeUnit;
    /// let truth = ParetoNbd::from_params(0.55, 10.6, 0.61, 11.7, TimeUnit::Days).unwrap();
    /// let opts = SimulationOptions { whole_units: true, ..Default::default() };
    /// let w = simulate_pareto_nbd(&truth, &[100.0; 1000], &opts).unwrap().compress();
    /// assert!(w.len() < 1000);
    /// assert!(ParetoNbd::params().fit_weighted(&w).is_ok());
    /// ```
    pub fn fit_weighted(&self, data: &WeightedSummary) -> Result<ParetoNbd> {
        check_nonempty(data)?;
        let (init, warm) = start_point(
            self.initial,
            || {
                let [_, alpha] = default_rate_init(data);
                [1.0, alpha, 1.0, alpha]
            },
            data,
            WARM_START_ROWS / 2,
            &self.settings,
            |sub, settings, init| {
                let rough = ParetoNbdParams {
                    settings,
                    initial: Some(init),
                };
                rough.fit_weighted(sub).map(|m| m.to_vec())
            },
        );
        let table = TimeTable::build(data);
        let fit = fit_mle_from(
            "ParetoNbd",
            &init,
            &self.settings,
            |th| ParetoNbd::stats(th, data, table.as_ref()),
            warm,
        )?;
        ParetoNbd::from_fit(fit, data.unit)
    }
}

fn sum_stats_result(data: &WeightedSummary, th: &[f64]) -> Result<LogLikStats> {
    let s = sum_stats(data, 4, |b| {
        ParetoNbd::partial(th, b).unwrap_or_else(|_| LogLikStats {
            weight: f64::NAN,
            loglik: f64::NAN,
            grad: vec![f64::NAN; 4],
        })
    });
    if s.loglik.is_nan() {
        return Err(SegError::Numerical {
            context: "ParetoNbd log-likelihood".into(),
            reason: "hypergeometric series failed".into(),
        });
    }
    Ok(s)
}

/// A fitted Pareto/NBD model.
///
/// ```
/// use segcore::clv::{ParetoNbd, TransactionModel};
/// use segcore::data::TimeUnit;
/// let m = ParetoNbd::from_params(0.553, 10.578, 0.606, 11.669, TimeUnit::Weeks).unwrap();
/// let e = m.conditional_expected_purchases_one(52.0, 26.0, 30.857, 31.0).unwrap();
/// assert!((e - 25.46).abs() < 0.02);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParetoNbd {
    /// Shape of the gamma distribution of purchase rates.
    pub r: f64,
    /// Rate parameter of the gamma distribution of purchase rates.
    pub alpha: f64,
    /// Shape of the gamma distribution of dropout rates.
    pub s: f64,
    /// Rate parameter of the gamma distribution of dropout rates.
    pub beta: f64,
    /// Time unit of the fit.
    pub unit: TimeUnit,
    /// Total log-likelihood at the optimum (0 for a model built from parameters).
    pub log_likelihood: f64,
    /// Standard errors of `[r, alpha, s, beta]` (`None` if unavailable).
    pub standard_errors: Option<Vec<f64>>,
    /// How the optimiser ended.
    pub report: FitReport,
}

fitted_model!(
    ParetoNbd,
    ParetoNbdParams,
    [r, alpha, s, beta],
    "0.0, 1.0, 1.0, 1.0, TimeUnit::Days",
    unit
);

/// The 2F1 series of the A0 term for frequency `x` (shared by all rows with that `x`).
fn a0_series(th: &[f64], x: f64) -> Result<A1Series> {
    let (r, al, s, be) = (th[0], th[1], th[2], th[3]);
    let bb = if al >= be { s + 1.0 } else { r + x };
    A1Series::new(r + s + x, bb)
}

/// `ln A0` of the Pareto/NBD likelihood and the gradient of `s/(r+s+x) * A0` pieces:
/// returns `(l1, l2, g1, g2)` where `A0 = e^{l1} - e^{l2}` and `g_k` are the gradients of
/// `l_k` with respect to `(r, alpha, s, beta)`.
#[allow(clippy::type_complexity)]
fn a0_terms(
    th: &[f64],
    x: f64,
    tm: &[f64; 8],
    series: &mut A1Series,
) -> Result<(f64, f64, [f64; 4], [f64; 4])> {
    let (r, al, s, be) = (th[0], th[1], th[2], th[3]);
    let a = r + s + x;
    let alpha_ge = al >= be;
    // the series must be the one of a0_series(th, x): b = s + 1 or r + x by branch;
    // m = max(alpha, beta); (ln(m + tau), 1/(m + tau)) for tau = t_x and T
    let d = (al - be).abs();
    let (m_tx, m_t) = if alpha_ge {
        ((tm[4], tm[5]), (tm[0], tm[1]))
    } else {
        ((tm[6], tm[7]), (tm[2], tm[3]))
    };
    let mut term = |(ln_mt, inv): (f64, f64)| -> Result<(f64, [f64; 4])> {
        let z = d * inv;
        let (lf, fa, fb, fz) = series.eval(z)?;
        let l = lf - a * ln_mt;
        let mut g = [fa - ln_mt, 0.0, fa - ln_mt, 0.0];
        // (min + tau) / (m + tau)^2 = (1 - z) / (m + tau)
        if alpha_ge {
            g[2] += fb;
            g[1] += fz * (1.0 - z) * inv - a * inv;
            g[3] -= fz * inv;
        } else {
            g[0] += fb;
            g[3] += fz * (1.0 - z) * inv - a * inv;
            g[1] -= fz * inv;
        }
        Ok((l, g))
    };
    let (l1, g1) = term(m_tx)?;
    let (l2, g2) = term(m_t)?;
    Ok((l1, l2, g1, g2))
}

/// `[ln(α+T), 1/(α+T), ln(β+T), 1/(β+T), ln(α+t_x), 1/(α+t_x), ln(β+t_x), 1/(β+t_x)]`.
fn direct_times(al: f64, be: f64, tx: f64, tt: f64) -> [f64; 8] {
    [
        (al + tt).ln(),
        1.0 / (al + tt),
        (be + tt).ln(),
        1.0 / (be + tt),
        (al + tx).ln(),
        1.0 / (al + tx),
        (be + tx).ln(),
        1.0 / (be + tx),
    ]
}

impl ParetoNbd {
    /// Parameters as `[r, alpha, s, beta]`.
    ///
    /// ```
    /// # use segcore::clv::ParetoNbd; use segcore::data::TimeUnit;
    /// let m = ParetoNbd::from_params(1.0, 2.0, 3.0, 4.0, TimeUnit::Days).unwrap();
    /// assert_eq!(m.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
    /// ```
    pub fn to_vec(&self) -> Vec<f64> {
        vec![self.r, self.alpha, self.s, self.beta]
    }

    /// Log-likelihood statistics of a batch at `theta = [r, alpha, s, beta]` (weighted sums of
    /// per-customer log-likelihoods and analytic gradients).
    ///
    /// ```
    /// use segcore::clv::{ParetoNbd, WeightedSummary};
    /// use segcore::data::TimeUnit;
    /// let w = WeightedSummary::new(vec![0.0], vec![0.0], vec![1.0], vec![1.0], TimeUnit::Days).unwrap();
    /// let s = ParetoNbd::partial(&[1.0, 1.0, 1.0, 1.0], w.as_batch()).unwrap();
    /// assert!(s.loglik < 0.0);
    /// ```
    pub fn partial(theta: &[f64], batch: SummaryBatch<'_>) -> Result<LogLikStats> {
        let (al, be) = (theta[1], theta[3]);
        Self::partial_impl(theta, batch, |i| {
            direct_times(al, be, batch.t_x[i], batch.t[i])
        })
    }

    /// The batch likelihood with the per-row logs of `α + t`, `β + t` supplied by `times`
    /// (looked up in a per-evaluation table during fits).
    #[inline]
    fn partial_impl<F>(theta: &[f64], batch: SummaryBatch<'_>, times: F) -> Result<LogLikStats>
    where
        F: Fn(usize) -> [f64; 8],
    {
        let (r, al, s, be) = (theta[0], theta[1], theta[2], theta[3]);
        let mut out = LogLikStats::zero(4);
        let (lg_r, dg_r) = (ln_gamma(r), digamma(r));
        let (ln_al, ln_be, ln_s) = (al.ln(), be.ln(), s.ln());
        let mut last_x = f64::NAN;
        let (mut a_part, mut da_r, mut pre, mut rsx) = (0.0, 0.0, 0.0, 0.0);
        let mut series = a0_series(theta, 0.0)?;
        for i in 0..batch.len() {
            let (x, w) = (batch.x[i], batch.weight[i]);
            if x != last_x {
                last_x = x;
                a_part = ln_gamma(r + x) - lg_r + r * ln_al + s * ln_be;
                da_r = digamma(r + x) - dg_r + ln_al;
                series = a0_series(theta, x)?;
                rsx = r + s + x;
                pre = ln_s - rsx.ln();
            }
            let tm = times(i);
            let (ln_at, inv_at, ln_bt, inv_bt) = (tm[0], tm[1], tm[2], tm[3]);
            let b1 = -(r + x) * ln_at - s * ln_bt;
            let (l1, l2, g1, g2) = a0_terms(theta, x, &tm, &mut series)?;
            let ln_a0 = log_sub_exp(l1, l2);
            let b2 = pre + ln_a0;
            let lse = log_add_exp(b1, b2);
            let w1 = (b1 - lse).exp();
            let w2 = (b2 - lse).exp();
            let mut g = [
                da_r - w1 * ln_at - w2 / rsx,
                r / al - w1 * (r + x) * inv_at,
                ln_be - w1 * ln_bt + w2 * (1.0 / s - 1.0 / rsx),
                s / be - w1 * s * inv_bt,
            ];
            if ln_a0 > f64::NEG_INFINITY {
                let (c1, c2) = ((pre + l1 - lse).exp(), (pre + l2 - lse).exp());
                for k in 0..4 {
                    g[k] += c1 * g1[k] - c2 * g2[k];
                }
            }
            out.add_row(w, a_part + lse, &g);
        }
        Ok(out)
    }

    /// Batch statistics over a whole summary, with a table of the distinct times when there
    /// are few of them.
    fn stats(
        theta: &[f64],
        data: &WeightedSummary,
        table: Option<&TimeTable>,
    ) -> Result<LogLikStats> {
        let Some(tab) = table else {
            return sum_stats_result(data, theta);
        };
        let (al, be) = (theta[1], theta[3]);
        let per: Vec<[f64; 4]> = tab
            .values
            .iter()
            .map(|v| [(al + v).ln(), 1.0 / (al + v), (be + v).ln(), 1.0 / (be + v)])
            .collect();
        let failed = std::sync::atomic::AtomicBool::new(false);
        let s = sum_ranges(data.len(), 4, |rg| {
            let (it, itx) = (&tab.idx_t[rg.clone()], &tab.idx_tx[rg.clone()]);
            let res = ParetoNbd::partial_impl(theta, data.slice(rg), |i| {
                let (p, q) = (&per[it[i] as usize], &per[itx[i] as usize]);
                [p[0], p[1], p[2], p[3], q[0], q[1], q[2], q[3]]
            });
            res.unwrap_or_else(|_| {
                failed.store(true, std::sync::atomic::Ordering::Relaxed);
                LogLikStats::zero(4)
            })
        });
        if failed.load(std::sync::atomic::Ordering::Relaxed) || !s.loglik.is_finite() {
            return Err(SegError::Numerical {
                context: "ParetoNbd log-likelihood".into(),
                reason: "hypergeometric series failed".into(),
            });
        }
        Ok(s)
    }

    /// Per-customer log-likelihood (also valid at `T = 0`, where it is 0).
    fn ln_lik(&self, x: f64, tx: f64, tt: f64) -> Result<f64> {
        let (r, al, s, be) = (self.r, self.alpha, self.s, self.beta);
        let th = self.to_vec();
        let a_part = ln_gamma(r + x) - ln_gamma(r) + r * al.ln() + s * be.ln();
        let b1 = -(r + x) * (al + tt).ln() - s * (be + tt).ln();
        let tm = direct_times(al, be, tx, tt);
        let (l1, l2, _, _) = a0_terms(&th, x, &tm, &mut a0_series(&th, x)?)?;
        let b2 = s.ln() - (r + s + x).ln() + log_sub_exp(l1, l2);
        Ok(a_part + log_add_exp(b1, b2))
    }

    /// Total log-likelihood of a summary (in the model's unit).
    ///
    /// ```
    /// # use segcore::clv::{ParetoNbd, RfmSummary}; use segcore::data::TimeUnit;
    /// let m = ParetoNbd::from_params(1.0, 1.0, 1.0, 1.0, TimeUnit::Days).unwrap();
    /// let s = RfmSummary::new(vec![0.0], vec![0.0], vec![1.0], vec![0.0], TimeUnit::Days).unwrap();
    /// assert!(m.log_likelihood_of(&s).unwrap() < 0.0);
    /// ```
    pub fn log_likelihood_of(&self, summary: &RfmSummary) -> Result<f64> {
        super::transaction::check_unit(self.unit, summary)?;
        sum_stats_result(&summary.compress(), &self.to_vec()).map(|s| s.loglik)
    }

    /// Probability of exactly `n` purchases in the next `t` time units for a customer with
    /// history `(x, t_x, T)` (Fader, Hardie & Shang 2010 note 028, equation 16; same form as
    /// lifetimes).
    ///
    /// ```
    /// # use segcore::clv::ParetoNbd; use segcore::data::TimeUnit;
    /// let m = ParetoNbd::from_params(0.553, 10.578, 0.606, 11.669, TimeUnit::Weeks).unwrap();
    /// let p: f64 = (0..200).map(|n| m.conditional_probability_of_n_purchases_one(n, 10.0, 2.0, 20.0, 30.0).unwrap()).sum();
    /// assert!((p - 1.0).abs() < 1e-6);
    /// ```
    pub fn conditional_probability_of_n_purchases_one(
        &self,
        n: u32,
        t: f64,
        x: f64,
        t_x: f64,
        big_t: f64,
    ) -> Result<f64> {
        check_time("t", t)?;
        if t == 0.0 {
            return Ok(if n == 0 { 1.0 } else { 0.0 });
        }
        let (r, al, s, be) = (self.r, self.alpha, self.s, self.beta);
        let nf = n as f64;
        let (mn, mx, p) = if al < be {
            (al, be, r + x + nf)
        } else {
            (be, al, s + 1.0)
        };
        let d = mx - mn;
        let log_l = self.ln_lik(x, t_x, big_t)?;
        let base = r * al.ln() + s * be.ln();
        let log_p_zero = ln_gamma(r + x) + base
            - (ln_gamma(r) + (r + x) * (al + big_t).ln() + s * (be + big_t).ln() + log_l);
        let log_b_one = ln_gamma(r + x + nf) + base
            - (ln_gamma(r) + (r + x + nf) * (al + big_t + t).ln() + s * (be + big_t + t).ln());
        let rsx = r + s + x;
        let c = rsx + nf + 1.0;
        let lb = ln_beta(r + x + nf, s + 1.0);
        let (h2, _) = ln_hyp2f1(rsx, p, c, d / (mx + big_t))?;
        let log_b_two =
            base + ln_gamma(rsx) + lb + h2 - (ln_gamma(r) + ln_gamma(s) + rsx * (mx + big_t).ln());
        let mut thirds = Vec::with_capacity(n as usize + 1);
        for i in 0..=n {
            let fi = i as f64;
            let (h3, _) = ln_hyp2f1(rsx + fi, p, c, d / (mx + big_t + t))?;
            let lb3 = base + ln_gamma(rsx + fi) + lb + h3
                - (ln_gamma(r) + ln_gamma(s) + (rsx + fi) * (mx + big_t + t).ln());
            thirds.push(fi * t.ln() - ln_gamma(fi + 1.0) + lb3 - log_l);
        }
        let zeroth = if n == 0 { -log_p_zero.exp_m1() } else { 0.0 };
        let first = nf * t.ln() - ln_gamma(nf + 1.0) + log_b_one - log_l;
        let second = log_b_two - log_l;
        let third = log_sum_exp(&thirds);
        let v = zeroth + first.exp() + second.exp() - third.exp();
        finite("ParetoNbd probability of n purchases", v)
    }
}

impl TransactionModel for ParetoNbd {
    fn unit(&self) -> TimeUnit {
        self.unit
    }

    fn name(&self) -> &'static str {
        "ParetoNbd"
    }

    fn expected_purchases_one(&self, t: f64) -> Result<f64> {
        check_time("t", t)?;
        let (r, al, s, be) = (self.r, self.alpha, self.s, self.beta);
        let v = if (s - 1.0).abs() < 1e-10 {
            r * be / al * ((be + t) / be).ln()
        } else {
            r * be / al / (s - 1.0) * -((s - 1.0) * (be / (be + t)).ln()).exp_m1()
        };
        finite("ParetoNbd expected purchases", v)
    }

    fn conditional_expected_purchases_one(
        &self,
        t: f64,
        x: f64,
        t_x: f64,
        big_t: f64,
    ) -> Result<f64> {
        check_time("t", t)?;
        if t == 0.0 {
            return Ok(0.0);
        }
        let (r, al, s, be) = (self.r, self.alpha, self.s, self.beta);
        let ll = self.ln_lik(x, t_x, big_t)?;
        let first = ln_gamma(r + x) - ln_gamma(r) + r * al.ln() + s * be.ln()
            - (r + x) * (al + big_t).ln()
            - s * (be + big_t).ln();
        let second = (r + x).ln() + (be + big_t).ln() - (al + big_t).ln();
        let lq = ((be + big_t) / (be + big_t + t)).ln();
        let third = if (s - 1.0).abs() < 1e-10 {
            (-lq).ln()
        } else {
            (-((s - 1.0) * lq).exp_m1() / (s - 1.0)).ln()
        };
        finite(
            "ParetoNbd conditional expected purchases",
            (first + second + third - ll).exp(),
        )
    }

    fn p_alive_one(&self, x: f64, t_x: f64, big_t: f64) -> Result<f64> {
        let (r, al, s, be) = (self.r, self.alpha, self.s, self.beta);
        let th = self.to_vec();
        let tm = direct_times(al, be, t_x, big_t);
        let (l1, l2, _, _) = a0_terms(&th, x, &tm, &mut a0_series(&th, x)?)?;
        let ln_a0 = log_sub_exp(l1, l2);
        let z =
            s.ln() - (r + s + x).ln() + (r + x) * (al + big_t).ln() + s * (be + big_t).ln() + ln_a0;
        finite("ParetoNbd p_alive", (-log_add_exp(0.0, z)).exp())
    }

    fn probability_of_n_purchases_one(&self, t: f64, n: u32) -> Result<f64> {
        // a new customer: no history, age 0
        self.conditional_probability_of_n_purchases_one(n, t, 0.0, 0.0, 0.0)
    }

    fn expected_time_to_next_purchase_one(&self, x: f64, _t_x: f64, big_t: f64) -> Result<f64> {
        Ok(posterior_mean_wait(self.r, self.alpha, x, big_t))
    }

    fn dert_closed_form(&self, delta: f64, x: f64, t_x: f64, big_t: f64) -> Option<Result<f64>> {
        Some(self.dert(delta, x, t_x, big_t))
    }
}

impl ParetoNbd {
    /// Discounted expected residual transactions (Fader, Hardie & Lee 2005, "RFM and CLV",
    /// equation 2) with continuous discount rate `delta` per model time unit, infinite
    /// horizon: `α^r β^s δ^{s−1} Γ(r+x+1) Ψ(s, s; δ(β+T)) / (Γ(r) (α+T)^{r+x+1} L)`, with
    /// `Ψ(s, s; z) = e^z Γ(1−s, z)`.
    ///
    /// ```
    /// # use segcore::clv::ParetoNbd; use segcore::data::TimeUnit;
    /// let m = ParetoNbd::from_params(0.553, 10.578, 0.606, 11.669, TimeUnit::Weeks).unwrap();
    /// let d = m.dert(0.15 / 52.0, 26.0, 30.857, 31.0).unwrap();
    /// assert!(d > 25.0);
    /// ```
    pub fn dert(&self, delta: f64, x: f64, t_x: f64, big_t: f64) -> Result<f64> {
        if !(delta.is_finite() && delta > 0.0) {
            return Err(SegError::param("discount_rate", "must be finite and > 0"));
        }
        let (r, al, s, be) = (self.r, self.alpha, self.s, self.beta);
        let z = delta * (be + big_t);
        let ln_psi = z + ln_upper_gamma(1.0 - s, z)?;
        let ll = self.ln_lik(x, t_x, big_t)?;
        let v = r * al.ln() + s * be.ln() + (s - 1.0) * delta.ln() + ln_gamma(r + x + 1.0) + ln_psi
            - ln_gamma(r)
            - (r + x + 1.0) * (al + big_t).ln()
            - ll;
        finite("ParetoNbd DERT", v.exp())
    }
}

/// `ln Γ(a, z)`, the upper incomplete gamma function, for `z > 0` and any real `a` that is
/// not a non-positive integer when `z` is small.
fn ln_upper_gamma(a: f64, z: f64) -> Result<f64> {
    if z >= 1.0 {
        // the continued fraction is valid for all real a when z > 0
        if let Some(h) = upper_gamma_cf(a, z) {
            return Ok(-z + a * z.ln() + h.ln());
        }
        return Err(SegError::Numerical {
            context: "incomplete gamma".into(),
            reason: format!("continued fraction did not converge (a={a}, z={z})"),
        });
    }
    if a > 0.0 {
        // Γ(a) - γ(a, z), γ by its power series
        let mut term = 1.0 / a;
        let mut sum = term;
        for k in 1..1000 {
            term *= z / (a + k as f64);
            sum += term;
            if term.abs() < 1e-17 * sum.abs() {
                break;
            }
        }
        let lower = (a * z.ln() - z).exp() * sum;
        let full = ln_gamma(a).exp();
        let v = full - lower;
        if v > 0.0 {
            return Ok(v.ln());
        }
        return Err(SegError::Numerical {
            context: "incomplete gamma".into(),
            reason: format!("cancellation for a={a}, z={z}"),
        });
    }
    if a == a.floor() {
        return Err(SegError::Numerical {
            context: "incomplete gamma".into(),
            reason: format!("a = {a} is a non-positive integer"),
        });
    }
    // Γ(a, z) = (Γ(a+1, z) - z^a e^{-z}) / a, upward to a > 0
    let up = ln_upper_gamma(a + 1.0, z)?.exp();
    let v = (up - (a * z.ln() - z).exp()) / a;
    if v > 0.0 {
        Ok(v.ln())
    } else {
        Err(SegError::Numerical {
            context: "incomplete gamma".into(),
            reason: format!("non-positive value for a={a}, z={z}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_gamma_known_values() {
        // Γ(1, z) = e^{-z}
        for &z in &[0.3, 1.0, 4.0] {
            assert!((ln_upper_gamma(1.0, z).unwrap() + z).abs() < 1e-12);
        }
        // Γ(0.5, z) = sqrt(pi) erfc(sqrt z); erfc(1) = 0.157299207050285
        let v = ln_upper_gamma(0.5, 1.0).unwrap().exp();
        assert!((v - std::f64::consts::PI.sqrt() * 0.157_299_207_050_285_1).abs() < 1e-12);
        let w = ln_upper_gamma(0.5, 0.999_999_999).unwrap().exp();
        assert!((v - w).abs() < 1e-8);
        // recurrence for negative a agrees across the z = 1 switch
        let lo = ln_upper_gamma(-0.4, 0.999_999_999).unwrap();
        let hi = ln_upper_gamma(-0.4, 1.0).unwrap();
        assert!((lo - hi).abs() < 1e-8);
    }
}
