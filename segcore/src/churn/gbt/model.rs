//! The fitted booster: prediction, importances, TreeSHAP explanations.

use ndarray::{Array1, Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::calibration::Calibrator;
use super::params::{GradientBoostingChurnParams, predict_view_row};
use super::shap::tree_shap;
use super::tree::Tree;
use crate::Result;
use crate::churn::explain::ExplainableChurn;
use crate::churn::input::{check_features, check_ncols, sigmoid};
use crate::model::ModelKind;

/// A fitted gradient-boosted churn model (see the [module](super) docs).
///
/// ```
/// use ndarray::Array2;
/// use segcore::churn::GradientBoostingChurn;
/// let x = Array2::from_shape_fn((200, 1), |(i, _)| (i % 10) as f64);
/// let y: Vec<bool> = (0..200).map(|i| i % 10 >= 5).collect();
/// let m = GradientBoostingChurn::params().max_iter(10).fit(x.view(), &y).unwrap();
/// let json = segcore::model::to_json(&m).unwrap();
/// let back: GradientBoostingChurn = segcore::model::from_json(&json).unwrap();
/// assert_eq!(back.predict_proba(x.view()).unwrap(), m.predict_proba(x.view()).unwrap());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradientBoostingChurn {
    baseline: f64,
    trees: Vec<Tree>,
    n_features: usize,
    calibrator: Option<Calibrator>,
    validation_loss: Vec<f64>,
    params: GradientBoostingChurnParams,
}

impl ModelKind for GradientBoostingChurn {
    const KIND: &'static str = "GradientBoostingChurn";
}

impl GradientBoostingChurn {
    /// Default settings (see [`GradientBoostingChurnParams`]).
    ///
    /// ```
    /// assert_eq!(segcore::churn::GradientBoostingChurn::params().max_iter, 100);
    /// ```
    pub fn params() -> GradientBoostingChurnParams {
        GradientBoostingChurnParams::default()
    }

    pub(crate) fn new(
        baseline: f64,
        trees: Vec<Tree>,
        n_features: usize,
        calibrator: Option<Calibrator>,
        validation_loss: Vec<f64>,
        params: GradientBoostingChurnParams,
    ) -> Self {
        GradientBoostingChurn {
            baseline,
            trees,
            n_features,
            calibrator,
            validation_loss,
            params,
        }
    }

    /// Number of trees (boosting iterations run).
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
    /// let y: Vec<bool> = (0..100).map(|i| i > 50).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(5).early_stopping(false)
    ///     .fit(x.view(), &y).unwrap();
    /// assert_eq!(m.n_iter(), 5);
    /// ```
    pub fn n_iter(&self) -> usize {
        self.trees.len()
    }

    /// The trees.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
    /// let y: Vec<bool> = (0..100).map(|i| i > 50).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(3).early_stopping(false)
    ///     .fit(x.view(), &y).unwrap();
    /// assert!(!m.trees()[0].nodes[0].leaf);
    /// ```
    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    /// Raw score before any tree: the log-odds of the training churn rate.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
    /// let y: Vec<bool> = (0..100).map(|i| i >= 50).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(2).early_stopping(false)
    ///     .validation_fraction(None).calibration(segcore::churn::gbt::Calibration::None)
    ///     .fit(x.view(), &y).unwrap();
    /// assert_eq!(m.baseline(), 0.0);
    /// ```
    pub fn baseline(&self) -> f64 {
        self.baseline
    }

    /// Number of features.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((100, 3), |(i, j)| (i * j) as f64);
    /// let y: Vec<bool> = (0..100).map(|i| i > 50).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(2).fit(x.view(), &y).unwrap();
    /// assert_eq!(m.n_features(), 3);
    /// ```
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The calibration map, if one was fitted.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((200, 1), |(i, _)| (i % 13) as f64);
    /// let y: Vec<bool> = (0..200).map(|i| i % 13 > 6).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(3).fit(x.view(), &y).unwrap();
    /// assert!(matches!(m.calibrator(), Some(segcore::churn::gbt::Calibrator::Platt { .. })));
    /// ```
    pub fn calibrator(&self) -> Option<&Calibrator> {
        self.calibrator.as_ref()
    }

    /// Validation log loss before the first tree and after each tree (empty without early
    /// stopping).
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((200, 1), |(i, _)| (i % 13) as f64);
    /// let y: Vec<bool> = (0..200).map(|i| i % 13 > 6).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(3).fit(x.view(), &y).unwrap();
    /// assert_eq!(m.validation_loss().len(), m.n_iter() + 1);
    /// ```
    pub fn validation_loss(&self) -> &[f64] {
        &self.validation_loss
    }

    /// The settings the model was fitted with.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
    /// let y: Vec<bool> = (0..100).map(|i| i > 50).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(2).fit(x.view(), &y).unwrap();
    /// assert_eq!(m.fitted_params().max_iter, 2);
    /// ```
    pub fn fitted_params(&self) -> &GradientBoostingChurnParams {
        &self.params
    }

    fn check(&self, x: ArrayView2<f64>) -> Result<()> {
        check_ncols(x, self.n_features)?;
        check_features(x, true)
    }

    /// Raw scores (log-odds of churn before calibration), `baseline + sum of trees`.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
    /// let y: Vec<bool> = (0..100).map(|i| i > 50).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(10).fit(x.view(), &y).unwrap();
    /// let z = m.decision_function(x.view()).unwrap();
    /// assert!(z[99] > 0.0 && z[0] < 0.0);
    /// ```
    pub fn decision_function(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        self.check(x)?;
        let z: Vec<f64> = (0..x.nrows())
            .into_par_iter()
            .map(|i| {
                let r = x.row(i);
                self.trees
                    .iter()
                    .fold(self.baseline, |s, t| s + predict_view_row(t, r))
            })
            .collect();
        Ok(Array1::from(z))
    }

    /// Churn probabilities, calibrated when a calibrator was fitted.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((200, 1), |(i, _)| (i % 13) as f64);
    /// let y: Vec<bool> = (0..200).map(|i| i % 13 > 6).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(10).fit(x.view(), &y).unwrap();
    /// let p = m.predict_proba(x.view()).unwrap();
    /// assert!(p[12] > p[0]);
    /// ```
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        let z = self.decision_function(x)?;
        Ok(match &self.calibrator {
            Some(c) => z.mapv(|v| c.apply(v)),
            None => z.mapv(sigmoid),
        })
    }

    /// The booster's own probabilities `sigmoid(raw)`, ignoring any calibration.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((200, 1), |(i, _)| (i % 13) as f64);
    /// let y: Vec<bool> = (0..200).map(|i| i % 13 > 6).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(10).fit(x.view(), &y).unwrap();
    /// let p = m.predict_proba_uncalibrated(x.view()).unwrap();
    /// let z = m.decision_function(x.view()).unwrap();
    /// assert!((p[3] - 1.0 / (1.0 + (-z[3]).exp())).abs() < 1e-15);
    /// ```
    pub fn predict_proba_uncalibrated(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        Ok(self.decision_function(x)?.mapv(sigmoid))
    }

    /// Predicted churn: probability >= 0.5.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((200, 1), |(i, _)| (i % 13) as f64);
    /// let y: Vec<bool> = (0..200).map(|i| i % 13 > 6).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(10).fit(x.view(), &y).unwrap();
    /// assert_eq!(m.predict(x.view()).unwrap()[12], true);
    /// ```
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Vec<bool>> {
        Ok(self.predict_proba(x)?.iter().map(|p| *p >= 0.5).collect())
    }

    /// Gain-based feature importances: total loss reduction of each feature's splits over
    /// all trees, normalised to sum to 1 (all zeros when no tree split).
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((200, 2), |(i, j)| if j == 0 { (i % 13) as f64 } else { (i % 5) as f64 });
    /// let y: Vec<bool> = (0..200).map(|i| i % 13 > 6).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(10).fit(x.view(), &y).unwrap();
    /// let imp = m.feature_importances();
    /// assert!(imp[0] > imp[1]);
    /// assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    /// ```
    pub fn feature_importances(&self) -> Vec<f64> {
        let mut imp = vec![0.0; self.n_features];
        for t in &self.trees {
            for n in t.nodes.iter().filter(|n| !n.leaf) {
                imp[n.feature as usize] += n.gain;
            }
        }
        let total: f64 = imp.iter().sum();
        if total > 0.0 {
            imp.iter_mut().for_each(|v| *v /= total);
        }
        imp
    }

    /// Expected raw score over the training rows: baseline plus each tree's cover-weighted
    /// mean leaf value. This is the base value of [`shap_values`](Self::shap_values).
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
    /// let y: Vec<bool> = (0..100).map(|i| i > 70).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(5).fit(x.view(), &y).unwrap();
    /// let z = m.decision_function(x.view()).unwrap();
    /// assert!(m.expected_value() > z[0] && m.expected_value() < z[99]);
    /// ```
    pub fn expected_value(&self) -> f64 {
        self.trees
            .iter()
            .fold(self.baseline, |s, t| s + t.expected_value())
    }

    /// Exact TreeSHAP values of the raw score (`n x d`); each row plus
    /// [`expected_value`](Self::expected_value) equals the row's raw score.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// let x = Array2::from_shape_fn((200, 2), |(i, j)| ((i * (j + 2)) % 11) as f64);
    /// let y: Vec<bool> = (0..200).map(|i| (i * 2) % 11 > 5).collect();
    /// let m = segcore::churn::GradientBoostingChurn::params().max_iter(5).fit(x.view(), &y).unwrap();
    /// let phi = m.shap_values(x.view()).unwrap();
    /// let z = m.decision_function(x.view()).unwrap();
    /// assert!((m.expected_value() + phi.row(4).sum() - z[4]).abs() < 1e-10);
    /// ```
    pub fn shap_values(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        self.check(x)?;
        let d = self.n_features;
        let rows: Vec<Vec<f64>> = (0..x.nrows())
            .into_par_iter()
            .map(|i| {
                let r = x.row(i).to_vec();
                let mut phi = vec![0.0; d];
                for t in &self.trees {
                    tree_shap(t, &r, &mut phi);
                }
                phi
            })
            .collect();
        let flat: Vec<f64> = rows.into_iter().flatten().collect();
        Array2::from_shape_vec((x.nrows(), d), flat)
            .map_err(|e| crate::SegError::shape(e.to_string()))
    }
}

impl ExplainableChurn for GradientBoostingChurn {
    fn n_features(&self) -> usize {
        self.n_features
    }
    fn churn_probability(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        self.predict_proba(x)
    }
    fn raw_score(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        self.decision_function(x)
    }
    fn contributions(&self, x: ArrayView2<f64>) -> Result<(Array2<f64>, Array1<f64>)> {
        let phi = self.shap_values(x)?;
        Ok((phi, Array1::from_elem(x.nrows(), self.expected_value())))
    }
}
