//! MBG/NBD (Batislam, Denizel & Filiztekin 2007; Wagner & Hoppe 2008): the BG/NBD with a
//! possible dropout also at the first purchase, so customers with no repeat purchase can be
//! inactive. Likelihood and predictions as in lifetimes' `ModifiedBetaGeoFitter`.
//!
//! ```
//! use segcore::clv::{ModifiedBetaGeo, RfmSummary, TransactionModel};
//! use segcore::data::TimeUnit;
//! let s = RfmSummary::new(vec![0.0, 1.0, 4.0, 2.0, 0.0, 7.0], vec![0.0, 3.0, 20.0, 9.0, 0.0, 30.0],
//!                         vec![30.0, 25.0, 31.0, 33.0, 20.0, 32.0], vec![0.0; 6], TimeUnit::Weeks).unwrap();
//! let m = ModifiedBetaGeo::params().fit(&s).unwrap();
//! assert!(m.report.converged && m.r > 0.0);
//! ```

use serde::{Deserialize, Serialize};

use super::beta_geo::{
    bg_conditional_path, bg_expected_purchases, check_nonempty, default_rate_init, ln_odds_inactive,
};
use super::optim::{FitReport, LogLikStats, fit_mle, sum_stats};
use super::special::{digamma, ln_beta, ln_gamma, log_add_exp, log_sum_exp};
use super::summary::{RfmSummary, SummaryBatch, WeightedSummary};
use super::transaction::{TransactionModel, check_time, finite, posterior_mean_wait};
use crate::data::TimeUnit;
use crate::{Result, SegError};

mle_params! {
    /// Builder for an MBG/NBD fit.
    ///
    /// ```
    /// let p = segcore::clv::ModifiedBetaGeo::params().l2(0.001).max_iter(200).tol(1e-8);
    /// assert_eq!(p.settings.max_iter, 200);
    /// ```
    ModifiedBetaGeoParams for ModifiedBetaGeo, 4, "[0.5, 5.0, 1.0, 2.0]",
    initial: " Starting values `[r, alpha, a, b]`; default `[1, mean(T)/max(mean(x), 0.1)... , 1, 1]`."
}

impl ModifiedBetaGeoParams {
    /// Fits the model by maximum likelihood on the compressed summary.
    ///
    /// ```
    /// # use segcore::clv::{ModifiedBetaGeo, RfmSummary}; use segcore::data::TimeUnit;
    /// let s = RfmSummary::new(vec![], vec![], vec![], vec![], TimeUnit::Days).unwrap();
    /// assert_eq!(ModifiedBetaGeo::params().fit(&s).unwrap_err().code(), "EMPTY_INPUT");
    /// ```
    pub fn fit(&self, summary: &RfmSummary) -> Result<ModifiedBetaGeo> {
        self.fit_weighted(&summary.compress())
    }

    /// Fits the model on an already weighted summary.
    ///
    /// ```
    /// use segcore::clv::{BetaGeo, ModifiedBetaGeo};
    /// use segcore::clv::simulate::{simulate_beta_geo, SimulationOptions};
    /// use segcore::data::TimeUnit;
    /// let truth = BetaGeo::from_params(0.25, 4.0, 0.8, 2.5, TimeUnit::Weeks).unwrap();
    /// let opts = SimulationOptions { whole_units: true, ..Default::default() };
    /// let w = simulate_beta_geo(&truth, &[52.0; 2000], &opts).unwrap().compress();
    /// assert!(ModifiedBetaGeo::params().fit_weighted(&w).is_ok());
    /// ```
    pub fn fit_weighted(&self, data: &WeightedSummary) -> Result<ModifiedBetaGeo> {
        check_nonempty(data)?;
        let init = self.initial.unwrap_or_else(|| {
            let [_, alpha] = default_rate_init(data);
            [1.0, alpha, 1.0, 1.0]
        });
        let fit = fit_mle("ModifiedBetaGeo", &init, &self.settings, |th| {
            Ok(sum_stats(data, 4, |b| ModifiedBetaGeo::partial(th, b)))
        })?;
        ModifiedBetaGeo::from_fit(fit, data.unit)
    }
}

/// A fitted MBG/NBD model.
///
/// ```
/// use segcore::clv::{ModifiedBetaGeo, TransactionModel};
/// use segcore::data::TimeUnit;
/// let m = ModifiedBetaGeo::from_params(0.525, 6.183, 0.891, 1.614, TimeUnit::Weeks).unwrap();
/// let p = m.p_alive_one(0.0, 0.0, 38.86).unwrap();
/// assert!(p < 1.0); // unlike BG/NBD, a customer without repeat purchases may be inactive
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModifiedBetaGeo {
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
    ModifiedBetaGeo,
    ModifiedBetaGeoParams,
    [r, alpha, a, b],
    "0.0, 1.0, 1.0, 1.0, TimeUnit::Days",
    unit
);

impl ModifiedBetaGeo {
    /// Parameters as `[r, alpha, a, b]`.
    ///
    /// ```
    /// # use segcore::clv::ModifiedBetaGeo; use segcore::data::TimeUnit;
    /// let m = ModifiedBetaGeo::from_params(1.0, 2.0, 3.0, 4.0, TimeUnit::Days).unwrap();
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
    /// use segcore::clv::{ModifiedBetaGeo, WeightedSummary};
    /// use segcore::data::TimeUnit;
    /// let w = WeightedSummary::new(vec![0.0], vec![0.0], vec![1.0], vec![1.0], TimeUnit::Days).unwrap();
    /// let s = ModifiedBetaGeo::partial(&[1.0, 1.0, 1.0, 1.0], w.as_batch());
    /// // 3/4, above BG/NBD's 1/2: the customer may also have dropped out at the first purchase
    /// assert!((s.loglik - 0.75f64.ln()).abs() < 1e-12);
    /// ```
    pub fn partial(theta: &[f64], batch: SummaryBatch<'_>) -> LogLikStats {
        let (r, al, a, b) = (theta[0], theta[1], theta[2], theta[3]);
        let mut out = LogLikStats::zero(4);
        let (lg_r, dg_r) = (ln_gamma(r), digamma(r));
        let (lg_ab, dg_ab) = (ln_gamma(a + b), digamma(a + b));
        let (lg_b, dg_b) = (ln_gamma(b), digamma(b));
        let (ln_al, ln_a) = (al.ln(), a.ln());
        let mut last_x = f64::NAN;
        let (mut a12, mut d1r, mut d2a, mut d2b) = (0.0, 0.0, 0.0, 0.0);
        for i in 0..batch.len() {
            let (x, tx, tt, w) = (batch.x[i], batch.t_x[i], batch.t[i], batch.weight[i]);
            if x != last_x {
                last_x = x;
                let (lg_abx, dg_abx) = (ln_gamma(a + b + x + 1.0), digamma(a + b + x + 1.0));
                a12 = ln_gamma(r + x) - lg_r + r * ln_al + lg_ab + ln_gamma(b + x + 1.0)
                    - lg_b
                    - lg_abx;
                d1r = digamma(r + x) - dg_r + ln_al;
                d2a = dg_ab - dg_abx;
                d2b = dg_ab + digamma(b + x + 1.0) - dg_b - dg_abx;
            }
            let (ln_at, ln_atx) = ((al + tt).ln(), (al + tx).ln());
            let a3 = -(r + x) * ln_at;
            let a4 = ln_a - (b + x).ln() + (r + x) * (ln_at - ln_atx);
            let l4 = log_add_exp(a4, 0.0);
            let sig = (a4 - l4).exp();
            let g = [
                d1r - ln_at + sig * (ln_at - ln_atx),
                r / al - (r + x) / (al + tt) + sig * (r + x) * (1.0 / (al + tt) - 1.0 / (al + tx)),
                d2a + sig / a,
                d2b - sig / (b + x),
            ];
            out.add_row(w, a12 + a3 + l4, &g);
        }
        out
    }

    /// Total log-likelihood of a summary (in the model's unit) at the fitted parameters.
    ///
    /// ```
    /// # use segcore::clv::{ModifiedBetaGeo, RfmSummary}; use segcore::data::TimeUnit;
    /// let m = ModifiedBetaGeo::from_params(1.0, 1.0, 1.0, 1.0, TimeUnit::Days).unwrap();
    /// let s = RfmSummary::new(vec![0.0], vec![0.0], vec![1.0], vec![0.0], TimeUnit::Days).unwrap();
    /// assert!(m.log_likelihood_of(&s).unwrap() < 0.0);
    /// ```
    pub fn log_likelihood_of(&self, summary: &RfmSummary) -> Result<f64> {
        super::transaction::check_unit(self.unit, summary)?;
        let th = self.to_vec();
        let w = summary.compress();
        Ok(sum_stats(&w, 4, |b| ModifiedBetaGeo::partial(&th, b)).loglik)
    }
}

impl TransactionModel for ModifiedBetaGeo {
    fn unit(&self) -> TimeUnit {
        self.unit
    }

    fn name(&self) -> &'static str {
        "ModifiedBetaGeo"
    }

    fn expected_purchases_one(&self, t: f64) -> Result<f64> {
        let p = [self.r, self.alpha, self.a, self.b];
        bg_expected_purchases("ModifiedBetaGeo", p, 1.0, self.b, t)
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
        bg_conditional_path("ModifiedBetaGeo", p, 1.0, ts, x, t_x, big_t)
    }

    fn p_alive_one(&self, x: f64, t_x: f64, big_t: f64) -> Result<f64> {
        let p = [self.r, self.alpha, self.a, self.b];
        let log_div = ln_odds_inactive(p, 1.0, x, t_x, big_t);
        finite(
            "ModifiedBetaGeo p_alive",
            (-log_add_exp(0.0, log_div)).exp(),
        )
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
            ln_beta(a, b + nf + 1.0) - lb_ab + ln_gamma(r + nf) - ln_gamma(r) - ln_gamma(nf + 1.0)
                + r * lp
                + nf * lq;
        let terms: Vec<f64> = (0..n)
            .map(|j| {
                let jf = j as f64;
                ln_gamma(r + jf) - ln_gamma(r) - ln_gamma(jf + 1.0) + jf * lq
            })
            .collect();
        // with n = 0 the finite sum is empty: 1 - 0
        let one_minus = if n == 0 {
            1.0
        } else {
            -(log_sum_exp(&terms) + r * lp).exp_m1()
        };
        let second = (ln_beta(a + 1.0, b + nf) - lb_ab).exp() * one_minus;
        finite(
            "ModifiedBetaGeo probability of n purchases",
            first.exp() + second,
        )
    }

    fn expected_time_to_next_purchase_one(&self, x: f64, _t_x: f64, big_t: f64) -> Result<f64> {
        Ok(posterior_mean_wait(self.r, self.alpha, x, big_t))
    }
}
