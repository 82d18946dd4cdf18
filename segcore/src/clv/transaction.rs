//! The prediction interface shared by the continuous-time purchase models (BG/NBD, MBG/NBD,
//! Pareto/NBD): per-customer formulas, and their parallel vector forms provided on top.
//!
//! Times (`t`, recency, `T`, horizons) are in the model's [`TimeUnit`]; the `*_for` methods
//! take an [`RfmSummary`] and refuse one in another unit with [`SegError::UnitMismatch`].
//!
//! ```
//! use segcore::clv::{BetaGeo, TransactionModel};
//! use segcore::data::TimeUnit;
//! let m = BetaGeo::from_params(0.2426, 4.4137, 0.7930, 2.4262, TimeUnit::Weeks).unwrap();
//! let p = m.p_alive(&[26.0], &[30.857], &[31.0]).unwrap();
//! assert!((p[0] - 0.9689).abs() < 1e-3);
//! ```

use rayon::prelude::*;

use super::summary::{RfmSummary, validate_rfm};
use crate::data::TimeUnit;
use crate::{Result, SegError};

/// Checks that `summary` is in `unit`.
pub(crate) fn check_unit(unit: TimeUnit, summary: &RfmSummary) -> Result<()> {
    if summary.unit != unit {
        return Err(SegError::UnitMismatch {
            expected: unit.to_string(),
            found: summary.unit.to_string(),
        });
    }
    Ok(())
}

/// Checks a horizon / time argument.
pub(crate) fn check_time(name: &str, t: f64) -> Result<()> {
    if !(t.is_finite() && t >= 0.0) {
        return Err(SegError::param(
            name,
            format!("must be finite and >= 0, got {t}"),
        ));
    }
    Ok(())
}

/// Validates RFM columns and maps `f` over customers in parallel (order preserved).
pub(crate) fn map_rfm<F>(frequency: &[f64], recency: &[f64], t: &[f64], f: F) -> Result<Vec<f64>>
where
    F: Fn(f64, f64, f64) -> Result<f64> + Sync,
{
    validate_rfm(frequency, recency, t)?;
    (0..frequency.len())
        .into_par_iter()
        .with_min_len(1024)
        .map(|i| f(frequency[i], recency[i], t[i]))
        .collect()
}

/// Unique `(x, t_x, T)` rows: the first row index of each unique row and, for every row,
/// the position of its unique row. Scoring evaluates each unique row once.
pub(crate) fn dedupe(frequency: &[f64], recency: &[f64], t: &[f64]) -> (Vec<usize>, Vec<u32>) {
    let mut seen: rustc_hash::FxHashMap<[u64; 3], u32> = rustc_hash::FxHashMap::default();
    let mut first = Vec::new();
    let map = (0..frequency.len())
        .map(|i| {
            let key = [
                (frequency[i] + 0.0).to_bits(),
                (recency[i] + 0.0).to_bits(),
                (t[i] + 0.0).to_bits(),
            ];
            *seen.entry(key).or_insert_with(|| {
                first.push(i);
                (first.len() - 1) as u32
            })
        })
        .collect();
    (first, map)
}

/// Like [`map_rfm`] but evaluates `f` once per unique `(x, t_x, T)` row.
pub(crate) fn map_rfm_unique<F>(
    frequency: &[f64],
    recency: &[f64],
    t: &[f64],
    f: F,
) -> Result<Vec<f64>>
where
    F: Fn(f64, f64, f64) -> Result<f64> + Sync,
{
    validate_rfm(frequency, recency, t)?;
    let (first, map) = dedupe(frequency, recency, t);
    let vals: Vec<f64> = first
        .par_iter()
        .with_min_len(256)
        .map(|&i| f(frequency[i], recency[i], t[i]))
        .collect::<Result<_>>()?;
    Ok(map.iter().map(|&u| vals[u as usize]).collect())
}

/// Turns a non-finite prediction into an error instead of letting NaN through.
pub(crate) fn finite(context: &str, v: f64) -> Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(SegError::Numerical {
            context: context.into(),
            reason: format!("result is {v}"),
        })
    }
}

/// The posterior mean `E[1/λ | alive] = (α + T) / (r + x − 1)` of the time between purchases
/// of an alive customer with `x` repeat purchases at age `T`, whose purchase rate λ is
/// Gamma(r + x, α + T) a posteriori; infinite when `r + x ≤ 1`.
pub(crate) fn posterior_mean_wait(r: f64, alpha: f64, x: f64, big_t: f64) -> f64 {
    let k = r + x - 1.0;
    if k > 0.0 {
        (alpha + big_t) / k
    } else {
        f64::INFINITY
    }
}

/// A fitted continuous-time purchase (transaction) model.
///
/// Implementors give the per-customer formulas; the vector forms (validated, parallel) come
/// for free.
///
/// ```
/// use segcore::clv::{ParetoNbd, TransactionModel};
/// use segcore::data::TimeUnit;
/// let m = ParetoNbd::from_params(0.553, 10.578, 0.606, 11.669, TimeUnit::Weeks).unwrap();
/// let e = m.expected_purchases(&[1.0]).unwrap();
/// assert!((e[0] - 0.0508).abs() < 1e-3);
/// ```
pub trait TransactionModel: Sync {
    /// The time unit the model was fitted in.
    fn unit(&self) -> TimeUnit;

    /// Model name as in error messages (`"BetaGeo"`, ...).
    fn name(&self) -> &'static str;

    /// Expected repeat purchases in `(0, t]` of a new customer.
    fn expected_purchases_one(&self, t: f64) -> Result<f64>;

    /// Expected purchases in the next `t` time units of a customer with history
    /// `(x, t_x, T)`.
    fn conditional_expected_purchases_one(
        &self,
        t: f64,
        x: f64,
        t_x: f64,
        big_t: f64,
    ) -> Result<f64>;

    /// Probability that a customer with history `(x, t_x, T)` is still alive.
    fn p_alive_one(&self, x: f64, t_x: f64, big_t: f64) -> Result<f64>;

    /// Probability that a new customer makes exactly `n` repeat purchases in `(0, t]`.
    fn probability_of_n_purchases_one(&self, t: f64, n: u32) -> Result<f64>;

    /// Expected time to the next purchase of a customer with history `(x, t_x, T)`, defined
    /// as the posterior mean inter-purchase time of a customer who is still alive, ignoring
    /// future dropout: `E[1/λ | alive, x, T] = (α + T) / (r + x − 1)` (the posterior of the
    /// purchase rate λ of an alive customer is Gamma(r + x, α + T) in all three models).
    /// Infinite when `r + x ≤ 1` (the posterior mean does not exist).
    fn expected_time_to_next_purchase_one(&self, x: f64, t_x: f64, big_t: f64) -> Result<f64>;

    /// [`Self::conditional_expected_purchases_one`] at several horizons `ts` for one
    /// customer (models may share work across horizons).
    fn conditional_expected_purchases_path(
        &self,
        ts: &[f64],
        x: f64,
        t_x: f64,
        big_t: f64,
    ) -> Result<Vec<f64>> {
        ts.iter()
            .map(|&t| self.conditional_expected_purchases_one(t, x, t_x, big_t))
            .collect()
    }

    /// Discounted expected residual transactions with continuous discount rate `delta` over
    /// an infinite horizon in closed form, when the model has one (Pareto/NBD).
    fn dert_closed_form(
        &self,
        _delta: f64,
        _x: f64,
        _t_x: f64,
        _big_t: f64,
    ) -> Option<Result<f64>> {
        None
    }

    /// [`Self::expected_purchases_one`] for each `t`.
    fn expected_purchases(&self, t: &[f64]) -> Result<Vec<f64>> {
        t.iter()
            .map(|&ti| {
                check_time("t", ti)?;
                self.expected_purchases_one(ti)
            })
            .collect()
    }

    /// [`Self::conditional_expected_purchases_one`] for every customer, same `t` for all
    /// (identical `(x, t_x, T)` rows are evaluated once).
    fn conditional_expected_purchases(
        &self,
        t: f64,
        frequency: &[f64],
        recency: &[f64],
        big_t: &[f64],
    ) -> Result<Vec<f64>> {
        check_time("t", t)?;
        map_rfm_unique(frequency, recency, big_t, |x, tx, tt| {
            self.conditional_expected_purchases_one(t, x, tx, tt)
        })
    }

    /// [`Self::p_alive_one`] for every customer.
    fn p_alive(&self, frequency: &[f64], recency: &[f64], big_t: &[f64]) -> Result<Vec<f64>> {
        map_rfm(frequency, recency, big_t, |x, tx, tt| {
            self.p_alive_one(x, tx, tt)
        })
    }

    /// [`Self::probability_of_n_purchases_one`] for each `t`.
    fn probability_of_n_purchases(&self, t: &[f64], n: u32) -> Result<Vec<f64>> {
        t.iter()
            .map(|&ti| {
                check_time("t", ti)?;
                self.probability_of_n_purchases_one(ti, n)
            })
            .collect()
    }

    /// [`Self::expected_time_to_next_purchase_one`] for every customer.
    fn expected_time_to_next_purchase(
        &self,
        frequency: &[f64],
        recency: &[f64],
        big_t: &[f64],
    ) -> Result<Vec<f64>> {
        map_rfm(frequency, recency, big_t, |x, tx, tt| {
            self.expected_time_to_next_purchase_one(x, tx, tt)
        })
    }

    /// [`Self::p_alive`] on a summary, which must be in the model's unit.
    fn p_alive_for(&self, summary: &RfmSummary) -> Result<Vec<f64>> {
        check_unit(self.unit(), summary)?;
        self.p_alive(&summary.frequency, &summary.recency, &summary.t)
    }

    /// [`Self::conditional_expected_purchases`] on a summary in the model's unit.
    fn conditional_expected_purchases_for(&self, t: f64, summary: &RfmSummary) -> Result<Vec<f64>> {
        check_unit(self.unit(), summary)?;
        self.conditional_expected_purchases(t, &summary.frequency, &summary.recency, &summary.t)
    }
}
