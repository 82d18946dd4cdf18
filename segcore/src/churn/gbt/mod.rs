//! Histogram gradient-boosted trees for churn (binary log loss), in the manner of
//! scikit-learn's `HistGradientBoostingClassifier`.
//!
//! * Features are binned to at most 255 quantile bins plus a bin for missing values (NaN);
//!   see [`GradientBoostingChurnParams::max_bins`].
//! * Trees grow leaf-wise (best first) under `max_leaf_nodes`, `max_depth` and
//!   `min_samples_leaf`; at every split, missing values go to the side that lowers the loss
//!   most (or, for a feature without missing values in training, to the larger child).
//! * Leaves are `-learning_rate * G / (H + l2_regularization)`.
//! * Early stopping watches the log loss on a seeded validation split (stratified by
//!   default), with scikit-learn's `n_iter_no_change` / `tol` rule.
//! * Probabilities are calibrated on the validation split (Platt scaling by default, or
//!   isotonic); [`GradientBoostingChurn::predict_proba_uncalibrated`] gives `sigmoid(raw)`.
//! * Each iteration's gradient pairs are quantised with stochastic rounding (to 2^-11 and
//!   2^-14, as in LightGBM's quantised training) and summed as integers, so sums are exact
//!   and independent of their order, and a bin is one 8-byte lane.
//! * Each training row is kept as one record (its bins and its current packed gradient
//!   pair), so a node's histograms of all features are built from one cache line per row;
//!   only the smaller child of a split is built, its sibling by subtraction. Large nodes are summed in
//!   row chunks fixed by the node's size and merged in order, so a fit is identical on any
//!   thread count.
//! * Explanations use exact TreeSHAP on the raw score.
//!
//! ```
//! use ndarray::Array2;
//! use segcore::churn::GradientBoostingChurn;
//! let x = Array2::from_shape_fn((200, 2), |(i, j)| ((i * (j + 3)) % 17) as f64);
//! let y: Vec<bool> = (0..200).map(|i| (i * 3) % 17 > 8).collect();
//! let m = GradientBoostingChurn::params().max_iter(20).early_stopping(false)
//!     .validation_fraction(None).calibration(segcore::churn::gbt::Calibration::None)
//!     .fit(x.view(), &y).unwrap();
//! let p = m.predict_proba(x.view()).unwrap();
//! assert!(p[0] >= 0.0 && p[0] <= 1.0);
//! ```

mod binning;
mod calibration;
mod grower;
mod histogram;
mod model;
mod params;
mod shap;
mod split;
mod tree;

pub use calibration::{Calibration, Calibrator};
pub use model::GradientBoostingChurn;
pub use params::GradientBoostingChurnParams;
pub use tree::{Node, Tree};
