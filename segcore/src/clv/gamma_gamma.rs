//! Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang 1999):
//! a customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers.
//! Fitted on repeat buyers (`x > 0`) from their number of repeat purchases and mean repeat
//! spend.
//!
//! Log-likelihood convention: the full density of the observed mean spend `m` of `x`
//! transactions, constant terms included, as in lifetimes `GammaGammaFitter`:
//! `ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(xm+γ)`.
//!
//! ```
//! use segcore::clv::GammaGamma;
//! let m = GammaGamma::from_params(6.25, 3.74, 15.44).unwrap();
//! let v = m.conditional_expected_average_profit(&[0.0, 10.0], &[0.0, 30.0]).unwrap();
//! assert!((v[0] - 6.25 * 15.44 / 2.74).abs() < 1e-9);
//! ```

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::optim::{FitReport, LogLikStats, fit_mle, sum_ranges};
use super::special::{digamma, ln_gamma};
use super::summary::RfmSummary;
use crate::{Result, SegError};

mle_params! {
    /// Builder for a Gamma-Gamma fit.
    ///
    /// ```
    /// let p = segcore::clv::GammaGamma::params().l2(0.0);
    /// assert_eq!(p.settings.l2, 0.0);
    /// ```
    GammaGammaParams for GammaGamma, 3, "[1.0, 1.0, 1.0]",
    initial: " Starting values `[p, q, gamma]`."
}

/// Checks spend columns: equal lengths, `x > 0` finite, `m > 0` finite.
fn validate_spend(frequency: &[f64], monetary: &[f64]) -> Result<()> {
    if monetary.len() != frequency.len() {
        return Err(SegError::LengthMismatch {
            column: "monetary_value".into(),
            expected: frequency.len(),
            found: monetary.len(),
        });
    }
    for (i, (&x, &m)) in frequency.iter().zip(monetary).enumerate() {
        if !(x.is_finite() && x > 0.0) {
            return Err(SegError::invalid(
                "frequency",
                i,
                format!("the Gamma-Gamma model needs repeat buyers (frequency > 0), got {x}"),
            ));
        }
        if !(m.is_finite() && m > 0.0) {
            return Err(SegError::invalid(
                "monetary_value",
                i,
                format!("mean repeat spend must be finite and > 0, got {m}"),
            ));
        }
    }
    Ok(())
}

impl GammaGammaParams {
    /// Fits on the repeat buyers (`x > 0`) of a summary.
    ///
    /// ```
    /// # use segcore::clv::{GammaGamma, RfmSummary}; use segcore::data::TimeUnit;
    /// let s = RfmSummary::new(vec![1.0, 2.0, 3.0, 1.0, 0.0], vec![1.0; 5], vec![9.0; 5],
    ///                         vec![10.0, 20.0, 15.0, 30.0, 0.0], TimeUnit::Days).unwrap();
    /// let m = GammaGamma::params().fit(&s).unwrap();
    /// assert!(m.report.converged);
    /// ```
    pub fn fit(&self, summary: &RfmSummary) -> Result<GammaGamma> {
        let (x, m) = summary.repeat_buyers();
        self.fit_spend(&x, &m)
    }

    /// Fits on columns of repeat purchases (`> 0`) and mean repeat spend (`> 0`).
    ///
    /// ```
    /// # use segcore::clv::GammaGamma;
    /// let err = segcore::clv::GammaGamma::params().fit_spend(&[1.0], &[0.0]).unwrap_err();
    /// assert!(err.to_string().contains("monetary_value"));
    /// ```
    pub fn fit_spend(&self, frequency: &[f64], monetary: &[f64]) -> Result<GammaGamma> {
        validate_spend(frequency, monetary)?;
        if frequency.is_empty() {
            return Err(SegError::Empty {
                what: "repeat buyers".into(),
            });
        }
        let init = self.initial.unwrap_or_else(|| {
            let mean = monetary.iter().sum::<f64>() / monetary.len() as f64;
            [1.0, 2.0, mean.clamp(1e-6, 1e12)]
        });
        let n = frequency.len();
        let fit = fit_mle("GammaGamma", &init, &self.settings, |th| {
            Ok(sum_ranges(n, 3, |rg| {
                GammaGamma::partial(th, &frequency[rg.clone()], &monetary[rg])
            }))
        })?;
        GammaGamma::from_fit(fit)
    }
}

/// A fitted Gamma-Gamma spend model.
///
/// ```
/// use segcore::clv::GammaGamma;
/// let m = GammaGamma::from_params(6.25, 3.74, 15.44).unwrap();
/// assert!(m.population_mean_spend().unwrap() > 0.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GammaGamma {
    /// Shape of the gamma distribution of a customer's transaction values.
    pub p: f64,
    /// Shape of the gamma distribution of the scale ν across customers.
    pub q: f64,
    /// Rate of the gamma distribution of ν across customers (`v` in lifetimes).
    pub gamma: f64,
    /// Total log-likelihood at the optimum (0 for a model built from parameters).
    pub log_likelihood: f64,
    /// Standard errors of `[p, q, gamma]` (`None` if unavailable).
    pub standard_errors: Option<Vec<f64>>,
    /// How the optimiser ended.
    pub report: FitReport,
}

fitted_model!(GammaGamma, GammaGammaParams, [p, q, gamma], "1.0, 0.0, 1.0");

impl GammaGamma {
    /// Log-likelihood statistics of a batch of repeat buyers at `theta = [p, q, gamma]`.
    ///
    /// ```
    /// let s = segcore::clv::GammaGamma::partial(&[1.0, 2.0, 3.0], &[1.0], &[2.0]);
    /// // x = 1, p = 1: m ~ Exp(nu), nu ~ Gamma(2, 3): density 2 * 9 / (2 + 3)^3
    /// assert!((s.loglik - (18.0f64 / 125.0).ln()).abs() < 1e-12);
    /// ```
    pub fn partial(theta: &[f64], frequency: &[f64], monetary: &[f64]) -> LogLikStats {
        let (p, q, v) = (theta[0], theta[1], theta[2]);
        let mut out = LogLikStats::zero(3);
        let (lg_q, dg_q, ln_v) = (ln_gamma(q), digamma(q), v.ln());
        for (&x, &m) in frequency.iter().zip(monetary) {
            let px = p * x;
            let (ln_m, ln_x, ln_xmv) = (m.ln(), x.ln(), (x * m + v).ln());
            let (lg_pxq, dg_pxq) = (ln_gamma(px + q), digamma(px + q));
            let ll = lg_pxq - ln_gamma(px) - lg_q + q * ln_v + (px - 1.0) * ln_m + px * ln_x
                - (px + q) * ln_xmv;
            let g = [
                x * (dg_pxq - digamma(px) + ln_m + ln_x - ln_xmv),
                dg_pxq - dg_q + ln_v - ln_xmv,
                q / v - (px + q) / (x * m + v),
            ];
            out.add_row(1.0, ll, &g);
        }
        out
    }

    /// Mean transaction value in the population, `p γ / (q − 1)` (needs `q > 1`).
    ///
    /// ```
    /// let m = segcore::clv::GammaGamma::from_params(2.0, 3.0, 4.0).unwrap();
    /// assert_eq!(m.population_mean_spend().unwrap(), 4.0);
    /// ```
    pub fn population_mean_spend(&self) -> Result<f64> {
        if self.q <= 1.0 {
            return Err(SegError::param(
                "q",
                format!("the mean spend exists only for q > 1, got {}", self.q),
            ));
        }
        Ok(self.p * self.gamma / (self.q - 1.0))
    }

    /// Expected mean transaction value of each customer given `x` repeat purchases with mean
    /// value `m`: `(1 − w) p γ/(q − 1) + w m` with `w = p x / (p x + q − 1)`; customers with
    /// `x = 0` get the population mean.
    ///
    /// ```
    /// let m = segcore::clv::GammaGamma::from_params(6.25, 3.74, 15.44).unwrap();
    /// let v = m.conditional_expected_average_profit(&[100.0], &[50.0]).unwrap();
    /// assert!((v[0] - 50.0).abs() < 1.0);
    /// ```
    pub fn conditional_expected_average_profit(
        &self,
        frequency: &[f64],
        monetary: &[f64],
    ) -> Result<Vec<f64>> {
        let pop = self.population_mean_spend()?;
        if monetary.len() != frequency.len() {
            return Err(SegError::LengthMismatch {
                column: "monetary_value".into(),
                expected: frequency.len(),
                found: monetary.len(),
            });
        }
        (0..frequency.len())
            .into_par_iter()
            .with_min_len(1024)
            .map(|i| self.expected_spend_one(frequency[i], monetary[i], i, pop))
            .collect()
    }

    pub(crate) fn expected_spend_one(&self, x: f64, m: f64, row: usize, pop: f64) -> Result<f64> {
        if !(x.is_finite() && x >= 0.0) {
            return Err(SegError::invalid(
                "frequency",
                row,
                format!("frequency must be a finite number >= 0, got {x}"),
            ));
        }
        if !(m.is_finite() && m >= 0.0) {
            return Err(SegError::invalid(
                "monetary_value",
                row,
                format!("monetary value must be a finite number >= 0, got {m}"),
            ));
        }
        let w = self.p * x / (self.p * x + self.q - 1.0);
        Ok((1.0 - w) * pop + w * m)
    }

    /// Total log-likelihood of repeat buyers' spend.
    ///
    /// ```
    /// let m = segcore::clv::GammaGamma::from_params(1.0, 2.0, 3.0).unwrap();
    /// assert!((m.log_likelihood_of(&[1.0], &[2.0]).unwrap() - (18.0f64 / 125.0).ln()).abs() < 1e-12);
    /// ```
    pub fn log_likelihood_of(&self, frequency: &[f64], monetary: &[f64]) -> Result<f64> {
        validate_spend(frequency, monetary)?;
        let th = [self.p, self.q, self.gamma];
        Ok(sum_ranges(frequency.len(), 3, |rg| {
            GammaGamma::partial(&th, &frequency[rg.clone()], &monetary[rg])
        })
        .loglik)
    }
}
