//! Probability calibration of the booster's raw scores on the validation split.
//!
//! * Platt scaling: `p = sigmoid(a * raw + b)` with `(a, b)` minimising the log loss on the
//!   validation rows (a logistic regression on the raw score with `C = 1e4`, i.e. a
//!   negligible penalty).
//! * Isotonic: a non-decreasing step function of the raw score fitted by pool-adjacent-
//!   violators (tied scores pooled first), linearly interpolated between fitted points and
//!   clipped outside them, as scikit-learn's `IsotonicRegression(out_of_bounds="clip")`.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::super::LogisticChurn;
use super::super::input::sigmoid;
use crate::Result;

/// How raw scores become probabilities.
///
/// ```
/// use segcore::churn::gbt::Calibration;
/// assert_eq!(Calibration::default(), Calibration::Platt);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Calibration {
    /// `sigmoid(raw)` — the booster's own probabilities.
    None,
    /// Platt scaling on the validation split (default).
    #[default]
    Platt,
    /// Isotonic regression on the validation split.
    Isotonic,
}

/// A fitted calibration map (read it from
/// [`GradientBoostingChurn::calibrator`](super::GradientBoostingChurn::calibrator)).
///
/// ```
/// let c = segcore::churn::gbt::Calibrator::Platt { a: 1.0, b: 0.0 };
/// assert!(matches!(c, segcore::churn::gbt::Calibrator::Platt { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Calibrator {
    /// `sigmoid(a * raw + b)`.
    Platt {
        /// Slope.
        a: f64,
        /// Intercept.
        b: f64,
    },
    /// Piecewise-linear non-decreasing map through `(x[k], y[k])`.
    Isotonic {
        /// Raw scores, increasing.
        x: Vec<f64>,
        /// Probabilities, non-decreasing.
        y: Vec<f64>,
    },
}

impl Calibrator {
    /// Fits `kind` on raw scores and outcomes; `None` for [`Calibration::None`].
    pub(crate) fn fit(kind: Calibration, raw: &[f64], y: &[bool]) -> Result<Option<Calibrator>> {
        match kind {
            Calibration::None => Ok(None),
            Calibration::Platt => {
                let x = Array2::from_shape_vec((raw.len(), 1), raw.to_vec())
                    .map_err(|e| crate::SegError::shape(e.to_string()))?;
                let m = LogisticChurn::params()
                    .standardize(false)
                    .c(1e4)
                    .tol(1e-9)
                    .fit(x.view(), y, None)?;
                Ok(Some(Calibrator::Platt {
                    a: m.coef()[0],
                    b: m.intercept(),
                }))
            }
            Calibration::Isotonic => Ok(Some(isotonic(raw, y))),
        }
    }

    /// Calibrated probability of a raw score.
    pub(crate) fn apply(&self, raw: f64) -> f64 {
        match self {
            Calibrator::Platt { a, b } => sigmoid(a * raw + b),
            Calibrator::Isotonic { x, y } => {
                if raw <= x[0] {
                    return y[0];
                }
                let last = x.len() - 1;
                if raw >= x[last] {
                    return y[last];
                }
                let k = x.partition_point(|v| *v <= raw); // x[k-1] <= raw < x[k]
                let t = (raw - x[k - 1]) / (x[k] - x[k - 1]);
                y[k - 1] + t * (y[k] - y[k - 1])
            }
        }
    }
}

fn isotonic(raw: &[f64], y: &[bool]) -> Calibrator {
    let mut order: Vec<usize> = (0..raw.len()).collect();
    order.sort_by(|&a, &b| raw[a].total_cmp(&raw[b]).then(a.cmp(&b)));
    // pool ties: (x, sum y, weight)
    let mut pts: Vec<(f64, f64, f64)> = Vec::new();
    for &i in &order {
        let yi = f64::from(u8::from(y[i]));
        match pts.last_mut() {
            Some(p) if p.0 == raw[i] => {
                p.1 += yi;
                p.2 += 1.0;
            }
            _ => pts.push((raw[i], yi, 1.0)),
        }
    }
    // pool adjacent violators: blocks of (mean, weight, n points)
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for &(_, s, w) in &pts {
        blocks.push((s / w, w, 1));
        while blocks.len() >= 2 {
            let k = blocks.len();
            if blocks[k - 2].0 <= blocks[k - 1].0 {
                break;
            }
            let (m2, w2, n2) = blocks[k - 1];
            let (m1, w1, n1) = blocks[k - 2];
            blocks.truncate(k - 2);
            blocks.push(((m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, n1 + n2));
        }
    }
    let mut ys = Vec::with_capacity(pts.len());
    for &(m, _, n) in &blocks {
        ys.extend(std::iter::repeat_n(m, n));
    }
    Calibrator::Isotonic {
        x: pts.iter().map(|p| p.0).collect(),
        y: ys,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_pools_violators() {
        let c = isotonic(&[1.0, 2.0, 3.0, 4.0], &[false, true, false, true]);
        // 0, 1, 0, 1 -> 0, 0.5, 0.5, 1
        assert_eq!(
            c,
            Calibrator::Isotonic {
                x: vec![1.0, 2.0, 3.0, 4.0],
                y: vec![0.0, 0.5, 0.5, 1.0]
            }
        );
        assert_eq!(c.apply(0.0), 0.0);
        assert_eq!(c.apply(3.5), 0.75);
        assert_eq!(c.apply(9.0), 1.0);
    }
}
