//! Predictive churn: logistic regression, gradient-boosted trees, metrics and per-customer
//! explanations.
//!
//! Conventions for every model here: features are an `ndarray::ArrayView2<f64>` with one row
//! per customer; labels are `&[bool]` with `true` = churned (did not come back); scores and
//! probabilities are for the churned class.
//!
//! ```
//! use ndarray::array;
//! use segcore::churn::LogisticChurn;
//! let x = array![[0.0], [1.0], [2.0], [3.0]];
//! let y = [false, true, false, true];
//! let m = LogisticChurn::params().fit(x.view(), &y, None).unwrap();
//! assert_eq!(m.predict_proba(x.view()).unwrap().len(), 4);
//! ```

pub mod dataset;
pub mod explain;
pub mod gbt;
mod input;
mod linalg;
pub mod logistic;
pub mod metrics;

pub use explain::{Driver, ExplainableChurn, Explanation, RiskBand, RiskBands};
pub use gbt::{GradientBoostingChurn, GradientBoostingChurnParams};
pub use logistic::{ClassWeight, LogisticChurn, LogisticChurnParams, Solver};
