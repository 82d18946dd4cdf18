//! Discounted customer lifetime value: expected purchases from a transaction model times
//! expected spend from a Gamma-Gamma model, discounted.
//!
//! Two conventions ([`DiscountConvention`]):
//! - `LifetimesMonthly` — lifetimes' `_customer_lifetime_value`: steps of one month (30
//!   days, 4.345 weeks or 1 month, lifetimes' factors), `Σ_i spend · (E(i) − E(i−1)) /
//!   (1 + d)^i` with `d` the monthly discount rate and `E` the conditional expected purchases.
//! - `Continuous` — continuous discounting as in CLVTools' DERT:
//!   `spend · ∫_0^H e^{−δt} dE(t)` with `δ` a continuous rate per model time unit. For an
//!   infinite horizon the Pareto/NBD uses its closed form (Fader, Hardie & Lee 2005); other
//!   models integrate numerically `δ ∫_0^∞ e^{−δt} E(t) dt` by 32-point Gauss–Laguerre. For a
//!   finite horizon every model integrates by parts, `e^{−δH} E(H) + δ ∫_0^H e^{−δt} E(t) dt`,
//!   the integral by 32-point Gauss–Legendre.
//!
//! ```
//! use segcore::clv::{BetaGeo, GammaGamma};
//! use segcore::clv::value::{customer_lifetime_value, DiscountConvention};
//! use segcore::data::TimeUnit;
//! let bg = BetaGeo::from_params(0.2426, 4.4137, 0.7930, 2.4262, TimeUnit::Weeks).unwrap();
//! let gg = GammaGamma::from_params(6.25, 3.74, 15.44).unwrap();
//! let v = customer_lifetime_value(&bg, &gg, &[26.0], &[30.857], &[31.0], &[45.0], 52.14, 0.01,
//!                                 DiscountConvention::LifetimesMonthly).unwrap();
//! assert!(v[0] > 500.0);
//! ```

use std::sync::OnceLock;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::gamma_gamma::GammaGamma;
use super::special::ln_gamma;
use super::summary::RfmSummary;
use super::summary::validate_rfm;
use super::transaction::{TransactionModel, check_unit, dedupe, finite};
use crate::data::TimeUnit;
use crate::{Result, SegError};

/// How future purchases are discounted.
///
/// ```
/// let c = segcore::clv::value::DiscountConvention::Continuous;
/// assert_ne!(c, segcore::clv::value::DiscountConvention::LifetimesMonthly);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiscountConvention {
    /// Monthly steps discounted by `(1 + d)^i` (lifetimes); `d` is a monthly rate.
    LifetimesMonthly,
    /// Continuous discounting `e^{−δt}` (CLVTools DERT); `δ` is a rate per model time unit.
    Continuous,
}

/// Length of one month in a model time unit, with lifetimes' factors (30 days, 4.345 weeks).
///
/// ```
/// use segcore::data::TimeUnit;
/// assert_eq!(segcore::clv::value::month_in(TimeUnit::Weeks), 4.345);
/// ```
pub fn month_in(unit: TimeUnit) -> f64 {
    match unit {
        TimeUnit::Days => 30.0,
        TimeUnit::Weeks => 4.345,
        TimeUnit::Months => 1.0,
    }
}

/// Customer lifetime value of each customer over `horizon` (model time units; may be
/// `f64::INFINITY` with the continuous convention).
///
/// `monetary` is the observed mean repeat spend; the spend used is the Gamma-Gamma
/// conditional expectation. With `LifetimesMonthly` the horizon is cut into months of
/// [`month_in`] units; a trailing partial month is counted up to the horizon and discounted
/// as a whole month, so `horizon = k · month_in(unit)` reproduces lifetimes with `time = k`.
///
/// ```
/// use segcore::clv::{GammaGamma, ParetoNbd};
/// use segcore::clv::value::{customer_lifetime_value, DiscountConvention};
/// use segcore::data::TimeUnit;
/// let m = ParetoNbd::from_params(0.553, 10.578, 0.606, 11.669, TimeUnit::Weeks).unwrap();
/// let gg = GammaGamma::from_params(6.25, 3.74, 15.44).unwrap();
/// let v = customer_lifetime_value(&m, &gg, &[2.0], &[30.43], &[38.86], &[22.35],
///                                 f64::INFINITY, 0.15 / 52.0, DiscountConvention::Continuous).unwrap();
/// assert!(v[0] > 0.0);
/// ```
#[allow(clippy::too_many_arguments)]
pub fn customer_lifetime_value<M: TransactionModel + ?Sized>(
    model: &M,
    gamma_gamma: &GammaGamma,
    frequency: &[f64],
    recency: &[f64],
    t: &[f64],
    monetary: &[f64],
    horizon: f64,
    discount_rate: f64,
    convention: DiscountConvention,
) -> Result<Vec<f64>> {
    if monetary.len() != frequency.len() {
        return Err(SegError::LengthMismatch {
            column: "monetary_value".into(),
            expected: frequency.len(),
            found: monetary.len(),
        });
    }
    if horizon.is_nan() || horizon < 0.0 {
        return Err(SegError::param(
            "horizon",
            format!("must be >= 0, got {horizon}"),
        ));
    }
    let pop = gamma_gamma.population_mean_spend()?;
    match convention {
        DiscountConvention::LifetimesMonthly => {
            if !horizon.is_finite() {
                return Err(SegError::param(
                    "horizon",
                    "the monthly convention needs a finite horizon",
                ));
            }
            if !(discount_rate.is_finite() && discount_rate > -1.0) {
                return Err(SegError::param("discount_rate", "must be finite and > -1"));
            }
        }
        DiscountConvention::Continuous => {
            if !(discount_rate.is_finite() && discount_rate >= 0.0) {
                return Err(SegError::param("discount_rate", "must be finite and >= 0"));
            }
            if !horizon.is_finite() && discount_rate == 0.0 {
                return Err(SegError::param(
                    "discount_rate",
                    "an infinite horizon needs a discount rate > 0",
                ));
            }
        }
    }
    validate_rfm(frequency, recency, t)?;
    // discounted expected purchases, once per unique (x, t_x, T)
    let (first, map) = dedupe(frequency, recency, t);
    let month = month_in(model.unit());
    let month_ends: Vec<f64> = if convention == DiscountConvention::LifetimesMonthly {
        let steps = (horizon / month - 1e-9).ceil().max(0.0) as usize;
        (1..=steps)
            .map(|i| (i as f64 * month).min(horizon))
            .collect()
    } else {
        Vec::new()
    };
    let discounted: Vec<f64> = first
        .par_iter()
        .with_min_len(64)
        .map(|&i| {
            let (x, tx, tt) = (frequency[i], recency[i], t[i]);
            match convention {
                DiscountConvention::LifetimesMonthly => {
                    let e = model.conditional_expected_purchases_path(&month_ends, x, tx, tt)?;
                    Ok(monthly(&e, discount_rate))
                }
                DiscountConvention::Continuous => {
                    let e = |h: f64| model.conditional_expected_purchases_one(h, x, tx, tt);
                    continuous(model, &e, x, tx, tt, horizon, discount_rate)
                }
            }
        })
        .collect::<Result<_>>()?;
    (0..frequency.len())
        .into_par_iter()
        .with_min_len(4096)
        .map(|i| {
            let spend = gamma_gamma.expected_spend_one(frequency[i], monetary[i], i, pop)?;
            finite(
                "customer lifetime value",
                spend * discounted[map[i] as usize],
            )
        })
        .collect()
}

/// [`customer_lifetime_value`] on a summary, which must be in the model's unit.
///
/// ```
/// use segcore::clv::{BetaGeo, GammaGamma, RfmSummary};
/// use segcore::clv::value::{customer_lifetime_value_for, DiscountConvention};
/// use segcore::data::TimeUnit;
/// let bg = BetaGeo::from_params(0.2426, 4.4137, 0.7930, 2.4262, TimeUnit::Weeks).unwrap();
/// let gg = GammaGamma::from_params(6.25, 3.74, 15.44).unwrap();
/// let s = RfmSummary::new(vec![2.0], vec![30.0], vec![38.0], vec![20.0], TimeUnit::Days).unwrap();
/// let err = customer_lifetime_value_for(&bg, &gg, &s, 52.0, 0.01,
///                                       DiscountConvention::LifetimesMonthly).unwrap_err();
/// assert_eq!(err.code(), "UNIT_MISMATCH");
/// ```
pub fn customer_lifetime_value_for<M: TransactionModel + ?Sized>(
    model: &M,
    gamma_gamma: &GammaGamma,
    summary: &RfmSummary,
    horizon: f64,
    discount_rate: f64,
    convention: DiscountConvention,
) -> Result<Vec<f64>> {
    check_unit(model.unit(), summary)?;
    customer_lifetime_value(
        model,
        gamma_gamma,
        &summary.frequency,
        &summary.recency,
        &summary.t,
        &summary.monetary,
        horizon,
        discount_rate,
        convention,
    )
}

/// `Σ_i (E_i − E_{i−1}) / (1 + d)^i` over cumulative expectations at the month ends.
fn monthly(e: &[f64], d: f64) -> f64 {
    let mut prev = 0.0;
    let mut total = 0.0;
    for (i, &cur) in e.iter().enumerate() {
        total += (cur - prev) / (1.0 + d).powi(i as i32 + 1);
        prev = cur;
    }
    total
}

fn continuous<M: TransactionModel + ?Sized, E: Fn(f64) -> Result<f64>>(
    model: &M,
    e: &E,
    x: f64,
    tx: f64,
    tt: f64,
    horizon: f64,
    delta: f64,
) -> Result<f64> {
    if horizon == 0.0 {
        return Ok(0.0);
    }
    if !horizon.is_finite() {
        if let Some(v) = model.dert_closed_form(delta, x, tx, tt) {
            return v;
        }
        let (nodes, weights) = gauss_laguerre();
        let mut s = 0.0;
        for (y, w) in nodes.iter().zip(weights) {
            s += w * e(y / delta)?;
        }
        return Ok(s);
    }
    if delta == 0.0 {
        return e(horizon);
    }
    let (nodes, weights) = gauss_legendre();
    let half = 0.5 * horizon;
    let mut s = 0.0;
    for (z, w) in nodes.iter().zip(weights) {
        let t = half * (z + 1.0);
        s += w * (-delta * t).exp() * e(t)?;
    }
    Ok((-delta * horizon).exp() * e(horizon)? + delta * half * s)
}

const QUAD_N: usize = 32;

/// 32-point Gauss–Legendre nodes and weights on [-1, 1].
fn gauss_legendre() -> &'static (Vec<f64>, Vec<f64>) {
    static CELL: OnceLock<(Vec<f64>, Vec<f64>)> = OnceLock::new();
    CELL.get_or_init(|| {
        let n = QUAD_N;
        let mut x = vec![0.0; n];
        let mut w = vec![0.0; n];
        for i in 1..=n.div_ceil(2) {
            let mut z = (std::f64::consts::PI * (i as f64 - 0.25) / (n as f64 + 0.5)).cos();
            let mut pp = 1.0;
            for _ in 0..100 {
                let (mut p1, mut p2) = (1.0, 0.0);
                for j in 1..=n {
                    let p3 = p2;
                    p2 = p1;
                    p1 = ((2.0 * j as f64 - 1.0) * z * p2 - (j as f64 - 1.0) * p3) / j as f64;
                }
                pp = n as f64 * (z * p1 - p2) / (z * z - 1.0);
                let z1 = z;
                z = z1 - p1 / pp;
                if (z - z1).abs() < 1e-15 {
                    break;
                }
            }
            x[i - 1] = -z;
            x[n - i] = z;
            w[i - 1] = 2.0 / ((1.0 - z * z) * pp * pp);
            w[n - i] = w[i - 1];
        }
        (x, w)
    })
}

/// 32-point Gauss–Laguerre nodes and weights for `∫_0^∞ e^{-y} f(y) dy`.
fn gauss_laguerre() -> &'static (Vec<f64>, Vec<f64>) {
    static CELL: OnceLock<(Vec<f64>, Vec<f64>)> = OnceLock::new();
    CELL.get_or_init(|| {
        let n = QUAD_N;
        let nf = n as f64;
        let mut x = vec![0.0; n];
        let mut w = vec![0.0; n];
        let mut z = 0.0;
        for i in 0..n {
            if i == 0 {
                z = 3.0 / (1.0 + 2.4 * nf);
            } else if i == 1 {
                z += 15.0 / (1.0 + 2.5 * nf);
            } else {
                let ai = (i - 1) as f64;
                z += (1.0 + 2.55 * ai) / (1.9 * ai) * (z - x[i - 2]);
            }
            let (mut pp, mut p2) = (1.0, 0.0);
            for _ in 0..200 {
                let mut p1 = 1.0;
                p2 = 0.0;
                for j in 0..n {
                    let p3 = p2;
                    p2 = p1;
                    p1 = ((2.0 * j as f64 + 1.0 - z) * p2 - j as f64 * p3) / (j as f64 + 1.0);
                }
                pp = (nf * p1 - nf * p2) / z;
                let z1 = z;
                z = z1 - p1 / pp;
                if (z - z1).abs() <= 1e-14 * z.abs().max(1.0) {
                    break;
                }
            }
            x[i] = z;
            w[i] = -(ln_gamma(nf) - ln_gamma(nf)).exp() / (pp * nf * p2);
        }
        (x, w)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadrature_rules_integrate_polynomials() {
        let (x, w) = gauss_legendre();
        let s: f64 = x.iter().zip(w).map(|(x, w)| w * x.powi(10)).sum();
        assert!((s - 2.0 / 11.0).abs() < 1e-13);
        let (x, w) = gauss_laguerre();
        let s0: f64 = w.iter().sum();
        let s3: f64 = x.iter().zip(w).map(|(x, w)| w * x.powi(3)).sum();
        assert!((s0 - 1.0).abs() < 1e-12, "{s0}");
        assert!((s3 - 6.0).abs() < 1e-10, "{s3}");
    }
}
