//! Per-customer churn explanations: probability, risk band and the top drivers.
//!
//! A driver's contribution is its signed share of the model's raw score (log-odds of churn):
//! for [`LogisticChurn`](super::LogisticChurn) it is `coef_j * (x_j - mean_j) / std_j` and the
//! base value is the intercept; for [`GradientBoostingChurn`](super::GradientBoostingChurn) it
//! is the exact TreeSHAP value and the base value is the expected raw score over the training
//! data. In both cases `base_value + sum of all contributions = raw_score`. The drivers shown
//! are the `top_k` features with the largest |contribution| (ties: lower feature index first).
//! Positive contributions push towards churn.
//!
//! Risk bands (configurable through [`RiskBands`]): `Low` below 0.3, `Medium` from 0.3 up to
//! (not including) 0.6, `High` from 0.6.
//!
//! ```
//! use ndarray::array;
//! use segcore::churn::{explain, LogisticChurn};
//! let x = array![[1.0, 5.0], [2.0, 3.0], [3.0, 4.0], [4.0, 1.0]];
//! let m = LogisticChurn::params().fit(x.view(), &[false, false, true, true], None).unwrap();
//! let ex = explain::explain(&m, x.view(), &["days_since_order", "orders"],
//!     &explain::ExplainOptions::default()).unwrap();
//! assert_eq!(ex[3].drivers.len(), 2);
//! assert!(ex[3].churn_probability > ex[0].churn_probability);
//! ```

use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::input::check_ncols;
use crate::{Result, SegError};

/// How likely a customer is to churn, in three bands.
///
/// ```
/// use segcore::churn::explain::{RiskBand, RiskBands};
/// assert_eq!(RiskBands::default().band(0.75), RiskBand::High);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RiskBand {
    /// Probability below [`RiskBands::medium`].
    Low,
    /// Probability in `[medium, high)`.
    Medium,
    /// Probability at or above [`RiskBands::high`].
    High,
}

/// Probability thresholds of the risk bands (defaults 0.3 and 0.6).
///
/// ```
/// use segcore::churn::explain::{RiskBand, RiskBands};
/// let b = RiskBands { medium: 0.2, high: 0.5 };
/// assert_eq!(b.band(0.25), RiskBand::Medium);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RiskBands {
    /// Lowest probability of the `Medium` band.
    pub medium: f64,
    /// Lowest probability of the `High` band.
    pub high: f64,
}

impl Default for RiskBands {
    fn default() -> Self {
        RiskBands {
            medium: 0.3,
            high: 0.6,
        }
    }
}

impl RiskBands {
    /// The band of a churn probability.
    ///
    /// ```
    /// use segcore::churn::explain::{RiskBand, RiskBands};
    /// let b = RiskBands::default();
    /// assert_eq!(b.band(0.29), RiskBand::Low);
    /// assert_eq!(b.band(0.3), RiskBand::Medium);
    /// assert_eq!(b.band(0.6), RiskBand::High);
    /// ```
    pub fn band(&self, p: f64) -> RiskBand {
        if p >= self.high {
            RiskBand::High
        } else if p >= self.medium {
            RiskBand::Medium
        } else {
            RiskBand::Low
        }
    }

    fn validate(&self) -> Result<()> {
        if !(0.0 < self.medium && self.medium < self.high && self.high <= 1.0) {
            return Err(SegError::param("bands", "need 0 < medium < high <= 1"));
        }
        Ok(())
    }
}

/// Options of [`explain`].
///
/// ```
/// let o = segcore::churn::explain::ExplainOptions { top_k: 5, ..Default::default() };
/// assert_eq!(o.bands.high, 0.6);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplainOptions {
    /// Risk band thresholds.
    pub bands: RiskBands,
    /// Number of drivers reported per customer (default 3).
    pub top_k: usize,
}

impl Default for ExplainOptions {
    fn default() -> Self {
        ExplainOptions {
            bands: RiskBands::default(),
            top_k: 3,
        }
    }
}

/// One feature's push towards (positive) or away from (negative) churn for one customer.
///
/// ```
/// let d = segcore::churn::Driver { feature: "recency".into(), value: 90.0, contribution: 0.8 };
/// assert!(d.contribution > 0.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    /// Feature name.
    pub feature: String,
    /// The customer's value of the feature (NaN = missing).
    pub value: f64,
    /// Signed contribution to the raw score (log-odds).
    pub contribution: f64,
}

/// Why one customer is at risk (built by [`explain`]).
///
/// ```
/// use ndarray::array;
/// use segcore::churn::{explain, LogisticChurn};
/// let x = array![[0.0], [1.0], [2.0], [3.0]];
/// let m = LogisticChurn::params().fit(x.view(), &[false, true, false, true], None).unwrap();
/// let e = &explain::explain(&m, x.view(), &["recency"], &Default::default()).unwrap()[0];
/// assert_eq!(e.risk_band, explain::RiskBands::default().band(e.churn_probability));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Churn probability (calibrated when the model is).
    pub churn_probability: f64,
    /// Risk band of the probability.
    pub risk_band: RiskBand,
    /// Raw score (log-odds) that the contributions add up to.
    pub raw_score: f64,
    /// Model's base value (raw score before any feature is known).
    pub base_value: f64,
    /// Top drivers by |contribution|, largest first.
    pub drivers: Vec<Driver>,
}

/// A churn model whose raw score splits into per-feature contributions.
///
/// ```
/// use ndarray::array;
/// use segcore::churn::{ExplainableChurn, LogisticChurn};
/// let x = array![[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]];
/// let m = LogisticChurn::params().fit(x.view(), &[false, true, false, true], None).unwrap();
/// let (c, base) = m.contributions(x.view()).unwrap();
/// let z = m.raw_score(x.view()).unwrap();
/// assert!((base[1] + c.row(1).sum() - z[1]).abs() < 1e-12);
/// ```
pub trait ExplainableChurn {
    /// Number of features.
    fn n_features(&self) -> usize;
    /// Churn probabilities for the rows of `x`.
    fn churn_probability(&self, x: ArrayView2<f64>) -> Result<Array1<f64>>;
    /// Raw scores (log-odds of churn, before any calibration) for the rows of `x`.
    fn raw_score(&self, x: ArrayView2<f64>) -> Result<Array1<f64>>;
    /// Per-row contributions (`n x d`) and per-row base values; each row's contributions
    /// plus its base value equal its raw score.
    fn contributions(&self, x: ArrayView2<f64>) -> Result<(Array2<f64>, Array1<f64>)>;
}

impl ExplainableChurn for super::LogisticChurn {
    fn n_features(&self) -> usize {
        self.n_features()
    }
    fn churn_probability(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        self.predict_proba(x)
    }
    fn raw_score(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        self.decision_function(x)
    }
    fn contributions(&self, x: ArrayView2<f64>) -> Result<(Array2<f64>, Array1<f64>)> {
        check_ncols(x, self.n_features())?;
        super::input::check_features(x, false)?;
        let coef = self.coef();
        let mut c = Array2::zeros(x.raw_dim());
        for ((i, j), v) in x.indexed_iter() {
            c[[i, j]] = coef[j] * self.standardized(j, *v);
        }
        Ok((c, Array1::from_elem(x.nrows(), self.intercept())))
    }
}

/// Explains every row of `x`: probability, risk band and top drivers.
///
/// `feature_names` must have one name per column.
///
/// ```
/// use ndarray::array;
/// use segcore::churn::{explain, LogisticChurn};
/// let x = array![[0.0], [1.0], [2.0], [3.0]];
/// let m = LogisticChurn::params().fit(x.view(), &[false, true, false, true], None).unwrap();
/// let opts = explain::ExplainOptions { top_k: 1, ..Default::default() };
/// let ex = explain::explain(&m, x.view(), &["recency"], &opts).unwrap();
/// let d = &ex[0].drivers[0];
/// assert_eq!(d.feature, "recency");
/// assert!((ex[0].base_value + d.contribution - ex[0].raw_score).abs() < 1e-12);
/// ```
pub fn explain<M: ExplainableChurn, S: AsRef<str>>(
    model: &M,
    x: ArrayView2<f64>,
    feature_names: &[S],
    options: &ExplainOptions,
) -> Result<Vec<Explanation>> {
    options.bands.validate()?;
    check_ncols(x, model.n_features())?;
    if feature_names.len() != model.n_features() {
        return Err(SegError::LengthMismatch {
            column: "feature_names".into(),
            expected: model.n_features(),
            found: feature_names.len(),
        });
    }
    let proba = model.churn_probability(x)?;
    let raw = model.raw_score(x)?;
    let (contrib, base) = model.contributions(x)?;
    let d = x.ncols();
    let mut out = Vec::with_capacity(x.nrows());
    for i in 0..x.nrows() {
        let row = contrib.row(i);
        let mut order: Vec<usize> = (0..d).collect();
        order.sort_by(|&a, &b| row[b].abs().total_cmp(&row[a].abs()).then(a.cmp(&b)));
        let drivers = order
            .iter()
            .take(options.top_k)
            .map(|&j| Driver {
                feature: feature_names[j].as_ref().to_string(),
                value: x[[i, j]],
                contribution: row[j],
            })
            .collect();
        let p = proba[i];
        out.push(Explanation {
            churn_probability: p,
            risk_band: options.bands.band(p),
            raw_score: raw[i],
            base_value: base[i],
            drivers,
        });
    }
    Ok(out)
}
