//! BG/BB (Fader, Hardie & Shang 2010): the discrete-time buy-till-you-die model. In each of
//! `n` transaction opportunities an alive customer buys with probability p ~ Beta(α, β) and,
//! after each opportunity, drops out with probability θ ~ Beta(γ, δ).
//!
//! Data are `(x, t_x, n)` = (repeat transactions, opportunity of the last one, number of
//! opportunities) with weights, held in a [`WeightedSummary`] whose `t` column is `n`.
//!
//! ```
//! use segcore::clv::BetaGeoBetaBinom;
//! let m = BetaGeoBetaBinom::from_params(1.204, 0.750, 0.657, 2.783).unwrap();
//! let p = m.p_alive(&[6.0], &[6.0], &[6.0], 0).unwrap();
//! assert!(p[0] > 0.9);
//! ```

use serde::{Deserialize, Serialize};

use super::beta_geo::check_nonempty;
use super::optim::{FitReport, LogLikStats, fit_mle, sum_stats};
use super::special::{digamma, ln_beta, ln_gamma, log_sum_exp};
use super::summary::{SummaryBatch, WeightedSummary};
use super::transaction::map_rfm;
use crate::{Result, SegError};

mle_params! {
    /// Builder for a BG/BB fit.
    ///
    /// ```
    /// let p = segcore::clv::BetaGeoBetaBinom::params().tol(1e-7);
    /// assert_eq!(p.settings.tol, 1e-7);
    /// ```
    BetaGeoBetaBinomParams for BetaGeoBetaBinom, 4, "[1.0, 1.0, 1.0, 1.0]",
    initial: " Starting values `[alpha, beta, gamma, delta]`."
}

fn check_discrete(data: &WeightedSummary) -> Result<()> {
    for i in 0..data.len() {
        let (x, tx, n) = (data.x[i], data.t_x[i], data.t[i]);
        if n != n.floor() || tx != tx.floor() || x != x.floor() {
            return Err(SegError::invalid(
                "frequency",
                i,
                format!(
                    "BG/BB needs whole numbers of transactions and periods, got ({x}, {tx}, {n})"
                ),
            ));
        }
        if x > tx || (x > 0.0 && tx == 0.0) {
            return Err(SegError::invalid(
                "recency",
                i,
                format!("recency {tx} is not possible with frequency {x}"),
            ));
        }
    }
    Ok(())
}

impl BetaGeoBetaBinomParams {
    /// Fits the model on weighted `(frequency, recency, n_periods)` rows.
    ///
    /// ```
    /// use segcore::clv::{BetaGeoBetaBinom, WeightedSummary};
    /// use segcore::data::TimeUnit;
    /// let w = WeightedSummary::new(vec![0.0, 1.0, 3.0, 6.0], vec![0.0, 1.0, 5.0, 6.0], vec![6.0; 4],
    ///                              vec![300.0, 100.0, 80.0, 120.0], TimeUnit::Days).unwrap();
    /// let m = BetaGeoBetaBinom::params().fit(&w).unwrap();
    /// assert!(m.report.converged);
    /// ```
    pub fn fit(&self, data: &WeightedSummary) -> Result<BetaGeoBetaBinom> {
        check_nonempty(data)?;
        check_discrete(data)?;
        let init = self.initial.unwrap_or([1.0, 1.0, 1.0, 1.0]);
        let fit = fit_mle("BetaGeoBetaBinom", &init, &self.settings, |th| {
            Ok(sum_stats(data, 4, |b| BetaGeoBetaBinom::partial(th, b)))
        })?;
        BetaGeoBetaBinom::from_fit(fit)
    }

    /// Fits from columns `frequency`, `recency`, `n_periods`, `weights`.
    ///
    /// ```
    /// let m = segcore::clv::BetaGeoBetaBinom::params().fit_columns(
    ///     &[0.0, 1.0, 3.0, 6.0], &[0.0, 1.0, 5.0, 6.0], &[6.0; 4], &[300.0, 100.0, 80.0, 120.0]).unwrap();
    /// assert!(m.alpha > 0.0);
    /// ```
    pub fn fit_columns(
        &self,
        frequency: &[f64],
        recency: &[f64],
        n_periods: &[f64],
        weights: &[f64],
    ) -> Result<BetaGeoBetaBinom> {
        let w = WeightedSummary::new(
            frequency.to_vec(),
            recency.to_vec(),
            n_periods.to_vec(),
            weights.to_vec(),
            crate::data::TimeUnit::default(),
        )?;
        self.fit(&w)
    }
}

/// A fitted BG/BB model.
///
/// ```
/// use segcore::clv::BetaGeoBetaBinom;
/// let m = BetaGeoBetaBinom::from_params(1.204, 0.750, 0.657, 2.783).unwrap();
/// let e = m.expected_purchases(&[5]).unwrap();
/// assert!(e[0] > 0.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BetaGeoBetaBinom {
    /// First shape of the beta distribution of transaction probabilities.
    pub alpha: f64,
    /// Second shape of the beta distribution of transaction probabilities.
    pub beta: f64,
    /// First shape of the beta distribution of dropout probabilities.
    pub gamma: f64,
    /// Second shape of the beta distribution of dropout probabilities.
    pub delta: f64,
    /// Total log-likelihood at the optimum (0 for a model built from parameters).
    pub log_likelihood: f64,
    /// Standard errors of `[alpha, beta, gamma, delta]` (`None` if unavailable).
    pub standard_errors: Option<Vec<f64>>,
    /// How the optimiser ended.
    pub report: FitReport,
}

fitted_model!(
    BetaGeoBetaBinom,
    BetaGeoBetaBinomParams,
    [alpha, beta, gamma, delta],
    "1.0, 1.0, f64::NAN, 1.0"
);

impl BetaGeoBetaBinom {
    /// Log-likelihood statistics of a batch at `theta = [alpha, beta, gamma, delta]`.
    ///
    /// ```
    /// use segcore::clv::{BetaGeoBetaBinom, WeightedSummary};
    /// use segcore::data::TimeUnit;
    /// // one opportunity, no transaction, all parameters 1: 1/2 * 1/2 (alive, did not buy)
    /// // + 1/2 (dropped out right after the first purchase) = 3/4
    /// let w = WeightedSummary::new(vec![0.0], vec![0.0], vec![1.0], vec![1.0], TimeUnit::Days).unwrap();
    /// let s = BetaGeoBetaBinom::partial(&[1.0, 1.0, 1.0, 1.0], w.as_batch());
    /// assert!((s.loglik - 0.75f64.ln()).abs() < 1e-12);
    /// ```
    pub fn partial(theta: &[f64], batch: SummaryBatch<'_>) -> LogLikStats {
        let (al, be, ga, de) = (theta[0], theta[1], theta[2], theta[3]);
        let mut out = LogLikStats::zero(4);
        let lb_ab = ln_beta(al, be);
        let lb_gd = ln_beta(ga, de);
        let (dg_a, dg_b, dg_ab) = (digamma(al), digamma(be), digamma(al + be));
        let (dg_g, dg_d, dg_gd) = (digamma(ga), digamma(de), digamma(ga + de));
        let base = [dg_a - dg_ab, dg_b - dg_ab, dg_g - dg_gd, dg_d - dg_gd];
        let mut terms = Vec::new();
        let mut grads: Vec<[f64; 4]> = Vec::new();
        for i in 0..batch.len() {
            let (x, tx, n, w) = (batch.x[i], batch.t_x[i], batch.t[i], batch.weight[i]);
            terms.clear();
            grads.clear();
            let dg_axb = digamma(al + be + n);
            terms.push(ln_beta(al + x, be + n - x) - lb_ab + ln_beta(ga, de + n) - lb_gd);
            grads.push([
                digamma(al + x) - dg_axb - base[0],
                digamma(be + n - x) - dg_axb - base[1],
                dg_g - digamma(ga + de + n) - base[2],
                digamma(de + n) - digamma(ga + de + n) - base[3],
            ]);
            let dg_ax = digamma(al + x);
            let dg_g1 = digamma(ga + 1.0);
            let n_extra = (n - tx - 1.0).max(-1.0) as i64;
            for j in 0..=n_extra {
                let jf = j as f64;
                terms.push(
                    ln_beta(al + x, be + tx - x + jf) - lb_ab + ln_beta(ga + 1.0, de + tx + jf)
                        - lb_gd,
                );
                let dg_s1 = digamma(al + be + tx + jf);
                let dg_s2 = digamma(ga + de + 1.0 + tx + jf);
                grads.push([
                    dg_ax - dg_s1 - base[0],
                    digamma(be + tx - x + jf) - dg_s1 - base[1],
                    dg_g1 - dg_s2 - base[2],
                    digamma(de + tx + jf) - dg_s2 - base[3],
                ]);
            }
            let lse = log_sum_exp(&terms);
            let mut g = [0.0; 4];
            for (t, gr) in terms.iter().zip(&grads) {
                let wt = (t - lse).exp();
                for k in 0..4 {
                    g[k] += wt * gr[k];
                }
            }
            out.add_row(w, lse, &g);
        }
        out
    }

    /// Total log-likelihood of weighted `(x, t_x, n)` rows.
    ///
    /// ```
    /// use segcore::clv::{BetaGeoBetaBinom, WeightedSummary};
    /// use segcore::data::TimeUnit;
    /// let m = BetaGeoBetaBinom::from_params(1.0, 1.0, 1.0, 1.0).unwrap();
    /// let w = WeightedSummary::new(vec![0.0], vec![0.0], vec![1.0], vec![2.0], TimeUnit::Days).unwrap();
    /// assert!(m.log_likelihood_of(&w).unwrap() < 0.0);
    /// ```
    pub fn log_likelihood_of(&self, data: &WeightedSummary) -> Result<f64> {
        check_discrete(data)?;
        let th = [self.alpha, self.beta, self.gamma, self.delta];
        Ok(sum_stats(data, 4, |b| BetaGeoBetaBinom::partial(&th, b)).loglik)
    }

    fn ln_lik_one(&self, x: f64, tx: f64, n: f64) -> f64 {
        let th = [self.alpha, self.beta, self.gamma, self.delta];
        let b = SummaryBatch {
            x: &[x],
            t_x: &[tx],
            t: &[n],
            weight: &[1.0],
        };
        Self::partial(&th, b).loglik
    }

    /// Expected transactions in the next `m_periods` opportunities for customers with
    /// history `(x, t_x, n)` (Fader, Hardie & Shang 2010, equation 13; as lifetimes).
    ///
    /// ```
    /// let m = segcore::clv::BetaGeoBetaBinom::from_params(1.204, 0.750, 0.657, 2.783).unwrap();
    /// let e = m.conditional_expected_purchases(5, &[6.0, 0.0], &[6.0, 0.0], &[6.0, 6.0]).unwrap();
    /// assert!(e[0] > e[1]);
    /// ```
    pub fn conditional_expected_purchases(
        &self,
        m_periods: u32,
        frequency: &[f64],
        recency: &[f64],
        n_periods: &[f64],
    ) -> Result<Vec<f64>> {
        let (al, be, ga, de) = (self.alpha, self.beta, self.gamma, self.delta);
        let mf = m_periods as f64;
        map_rfm(frequency, recency, n_periods, |x, tx, n| {
            let l1 =
                -self.ln_lik_one(x, tx, n) + ln_beta(al + x + 1.0, be + n - x) - ln_beta(al, be);
            let l3 = (de / (ga - 1.0)).abs().ln() + ln_gamma(ga + de) - ln_gamma(1.0 + de);
            let sign = if ga > 1.0 { 1.0 } else { -1.0 };
            let p4 = (ln_gamma(1.0 + de + n) - ln_gamma(ga + de + n)).exp();
            let p5 = (ln_gamma(1.0 + de + n + mf) - ln_gamma(ga + de + n + mf)).exp();
            super::transaction::finite(
                "BetaGeoBetaBinom conditional expected purchases",
                sign * (l1 + l3).exp() * (p4 - p5),
            )
        })
    }

    /// Probability of being alive after `m_periods` more opportunities for customers with
    /// history `(x, t_x, n)` (`m_periods = 0`: alive now).
    ///
    /// ```
    /// let m = segcore::clv::BetaGeoBetaBinom::from_params(1.204, 0.750, 0.657, 2.783).unwrap();
    /// let p = m.p_alive(&[0.0], &[0.0], &[6.0], 0).unwrap();
    /// assert!(p[0] < 0.5);
    /// ```
    pub fn p_alive(
        &self,
        frequency: &[f64],
        recency: &[f64],
        n_periods: &[f64],
        m_periods: u32,
    ) -> Result<Vec<f64>> {
        let (al, be, ga, de) = (self.alpha, self.beta, self.gamma, self.delta);
        let mf = m_periods as f64;
        map_rfm(frequency, recency, n_periods, |x, tx, n| {
            let l = ln_beta(al + x, be + n - x) - ln_beta(al, be) + ln_beta(ga, de + n + mf)
                - ln_beta(ga, de)
                - self.ln_lik_one(x, tx, n);
            super::transaction::finite("BetaGeoBetaBinom p_alive", l.exp())
        })
    }

    /// Expected transactions of a new customer in the first `n` opportunities,
    /// `α/(α+β) · δ/(γ−1) · [1 − Γ(γ+δ) Γ(1+δ+n) / (Γ(1+δ) Γ(γ+δ+n))]`.
    ///
    /// ```
    /// let m = segcore::clv::BetaGeoBetaBinom::from_params(1.0, 1.0, 2.0, 1.0).unwrap();
    /// // alpha/(alpha+beta) = 1/2, delta/(gamma-1) = 1, 1 - Γ(3)Γ(3)/(Γ(2)Γ(4)) = 1/3
    /// assert!((m.expected_purchases(&[1]).unwrap()[0] - 1.0 / 6.0).abs() < 1e-12);
    /// ```
    pub fn expected_purchases(&self, n: &[u32]) -> Result<Vec<f64>> {
        let (al, be, ga, de) = (self.alpha, self.beta, self.gamma, self.delta);
        n.iter()
            .map(|&k| {
                let kf = k as f64;
                let ratio = (ln_gamma(ga + de) + ln_gamma(1.0 + de + kf)
                    - ln_gamma(1.0 + de)
                    - ln_gamma(ga + de + kf))
                .exp();
                let v = if (ga - 1.0).abs() < 1e-12 {
                    // limit γ → 1: δ Σ_{i=1..n} 1/(δ+i)
                    de * (1..=k).map(|i| 1.0 / (de + i as f64)).sum::<f64>()
                } else {
                    de / (ga - 1.0) * (1.0 - ratio)
                };
                super::transaction::finite(
                    "BetaGeoBetaBinom expected purchases",
                    al / (al + be) * v,
                )
            })
            .collect()
    }
}
