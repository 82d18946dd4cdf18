//! Shared input checks for the churn models and metrics (crate-internal).

use ndarray::{ArrayView1, ArrayView2};

use crate::{Result, SegError};

/// Checks that `y` and `scores` have the same, non-zero length and that every score is finite.
pub(crate) fn check_scores(y: &[bool], scores: &[f64], what: &str) -> Result<()> {
    if y.is_empty() {
        return Err(SegError::Empty {
            what: "labels".into(),
        });
    }
    if scores.len() != y.len() {
        return Err(SegError::LengthMismatch {
            column: what.into(),
            expected: y.len(),
            found: scores.len(),
        });
    }
    if let Some(row) = scores.iter().position(|s| !s.is_finite()) {
        return Err(SegError::invalid(what, row, "scores must be finite"));
    }
    Ok(())
}

/// Checks that a feature matrix matches the labels and optional sample weights.
///
/// With `allow_nan` the matrix may hold NaN (missing) but never infinities.
pub(crate) fn check_xy(
    x: ArrayView2<f64>,
    y: &[bool],
    sample_weight: Option<ArrayView1<f64>>,
    allow_nan: bool,
) -> Result<()> {
    if x.nrows() == 0 {
        return Err(SegError::Empty {
            what: "feature matrix".into(),
        });
    }
    if x.ncols() == 0 {
        return Err(SegError::shape("feature matrix has no columns"));
    }
    if y.len() != x.nrows() {
        return Err(SegError::LengthMismatch {
            column: "y".into(),
            expected: x.nrows(),
            found: y.len(),
        });
    }
    check_features(x, allow_nan)?;
    if let Some(w) = sample_weight {
        if w.len() != x.nrows() {
            return Err(SegError::LengthMismatch {
                column: "sample_weight".into(),
                expected: x.nrows(),
                found: w.len(),
            });
        }
        if let Some(row) = w.iter().position(|v| !v.is_finite() || *v < 0.0) {
            return Err(SegError::invalid(
                "sample_weight",
                row,
                "sample weights must be finite and non-negative",
            ));
        }
    }
    Ok(())
}

/// Checks feature values: finite, or NaN when `allow_nan`.
pub(crate) fn check_features(x: ArrayView2<f64>, allow_nan: bool) -> Result<()> {
    for (row, r) in x.outer_iter().enumerate() {
        for (col, v) in r.iter().enumerate() {
            let bad = if allow_nan {
                v.is_infinite()
            } else {
                !v.is_finite()
            };
            if bad {
                let reason = if allow_nan {
                    "features must not be infinite (NaN means missing)"
                } else {
                    "features must be finite (this model does not accept missing values)"
                };
                return Err(SegError::invalid(format!("x[:, {col}]"), row, reason));
            }
        }
    }
    Ok(())
}

/// Checks the column count of a matrix given to a fitted model.
pub(crate) fn check_ncols(x: ArrayView2<f64>, expected: usize) -> Result<()> {
    if x.ncols() != expected {
        return Err(SegError::shape(format!(
            "X has {} columns, the model was fitted on {expected}",
            x.ncols()
        )));
    }
    Ok(())
}

/// Logistic function, stable for large |z|.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `log(1 + exp(z))` without overflow.
pub(crate) fn log1pexp(z: f64) -> f64 {
    if z > 35.0 {
        z
    } else if z < -35.0 {
        z.exp()
    } else {
        z.exp().ln_1p()
    }
}
