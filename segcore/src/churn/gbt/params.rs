//! Settings of the booster and the fitting driver.

use crate::progress::Monitor;
use ndarray::{Array2, ArrayView2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::binning::BinMapper;
use super::calibration::{Calibration, Calibrator};
use super::grower::{GrowParams, Grower};
use super::model::GradientBoostingChurn;
use crate::churn::input::{check_xy, log1pexp};
use crate::{Result, SegError};

/// Settings of [`GradientBoostingChurn`] (builder; validated at fit). Defaults follow
/// scikit-learn's `HistGradientBoostingClassifier`, with early stopping on and Platt
/// calibration.
///
/// ```
/// let p = segcore::churn::GradientBoostingChurn::params().max_iter(200).learning_rate(0.05);
/// assert_eq!((p.max_iter, p.max_leaf_nodes, p.min_samples_leaf), (200, Some(31), 20));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradientBoostingChurnParams {
    /// Shrinkage of every leaf (default 0.1).
    pub learning_rate: f64,
    /// Maximum boosting iterations = trees (default 100).
    pub max_iter: usize,
    /// Maximum leaves per tree (default 31; `None` = unlimited).
    pub max_leaf_nodes: Option<usize>,
    /// Maximum depth, in edges from the root (default unlimited).
    pub max_depth: Option<usize>,
    /// Minimum training rows per leaf (default 20).
    pub min_samples_leaf: usize,
    /// L2 penalty on leaf values (default 0).
    pub l2_regularization: f64,
    /// Bins for non-missing values, 2..=255 (default 255). Thresholds are quantiles of at most
    /// 200,000 seeded rows, or midpoints between distinct values when there are few.
    pub max_bins: usize,
    /// Stop when the validation loss has not improved by `tol` for `n_iter_no_change`
    /// iterations (default true; needs a validation split).
    pub early_stopping: bool,
    /// Share of rows held out for early stopping and calibration (default 0.1; `None` = train
    /// on every row).
    pub validation_fraction: Option<f64>,
    /// Stratify the validation split by label (default true).
    pub stratify: bool,
    /// Patience of early stopping (default 10).
    pub n_iter_no_change: usize,
    /// Minimum improvement of the validation log loss that counts (default 1e-7).
    pub tol: f64,
    /// Calibration fitted on the validation split (default Platt; needs a validation split).
    pub calibration: Calibration,
    /// Seed of the validation split and binning subsample (default 0).
    pub seed: u64,
}

impl Default for GradientBoostingChurnParams {
    fn default() -> Self {
        GradientBoostingChurnParams {
            learning_rate: 0.1,
            max_iter: 100,
            max_leaf_nodes: Some(31),
            max_depth: None,
            min_samples_leaf: 20,
            l2_regularization: 0.0,
            max_bins: 255,
            early_stopping: true,
            validation_fraction: Some(0.1),
            stratify: true,
            n_iter_no_change: 10,
            tol: 1e-7,
            calibration: Calibration::Platt,
            seed: 0,
        }
    }
}

macro_rules! setter {
    ($(#[$doc:meta])* $name:ident: $ty:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, v: $ty) -> Self {
            self.$name = v;
            self
        }
    };
}

impl GradientBoostingChurnParams {
    setter!(
        /// Sets the learning rate.
        ///
        /// ```
        /// assert_eq!(segcore::churn::GradientBoostingChurn::params().learning_rate(0.05).learning_rate, 0.05);
        /// ```
        learning_rate: f64
    );
    setter!(
        /// Sets the number of boosting iterations.
        ///
        /// ```
        /// assert_eq!(segcore::churn::GradientBoostingChurn::params().max_iter(50).max_iter, 50);
        /// ```
        max_iter: usize
    );
    setter!(
        /// Sets the maximum number of leaves per tree.
        ///
        /// ```
        /// let p = segcore::churn::GradientBoostingChurn::params().max_leaf_nodes(Some(15));
        /// assert_eq!(p.max_leaf_nodes, Some(15));
        /// ```
        max_leaf_nodes: Option<usize>
    );
    setter!(
        /// Sets the maximum depth.
        ///
        /// ```
        /// let p = segcore::churn::GradientBoostingChurn::params().max_depth(Some(4));
        /// assert_eq!(p.max_depth, Some(4));
        /// ```
        max_depth: Option<usize>
    );
    setter!(
        /// Sets the minimum rows per leaf.
        ///
        /// ```
        /// assert_eq!(segcore::churn::GradientBoostingChurn::params().min_samples_leaf(5).min_samples_leaf, 5);
        /// ```
        min_samples_leaf: usize
    );
    setter!(
        /// Sets the L2 penalty on leaf values.
        ///
        /// ```
        /// assert_eq!(segcore::churn::GradientBoostingChurn::params().l2_regularization(1.0).l2_regularization, 1.0);
        /// ```
        l2_regularization: f64
    );
    setter!(
        /// Sets the number of bins for non-missing values (2..=255).
        ///
        /// ```
        /// assert_eq!(segcore::churn::GradientBoostingChurn::params().max_bins(63).max_bins, 63);
        /// ```
        max_bins: usize
    );
    setter!(
        /// Turns early stopping on or off.
        ///
        /// ```
        /// assert!(!segcore::churn::GradientBoostingChurn::params().early_stopping(false).early_stopping);
        /// ```
        early_stopping: bool
    );
    setter!(
        /// Sets the validation share (`None`: no validation split).
        ///
        /// ```
        /// let p = segcore::churn::GradientBoostingChurn::params().validation_fraction(Some(0.2));
        /// assert_eq!(p.validation_fraction, Some(0.2));
        /// ```
        validation_fraction: Option<f64>
    );
    setter!(
        /// Stratifies (or not) the validation split by label.
        ///
        /// ```
        /// assert!(!segcore::churn::GradientBoostingChurn::params().stratify(false).stratify);
        /// ```
        stratify: bool
    );
    setter!(
        /// Sets the early-stopping patience.
        ///
        /// ```
        /// assert_eq!(segcore::churn::GradientBoostingChurn::params().n_iter_no_change(5).n_iter_no_change, 5);
        /// ```
        n_iter_no_change: usize
    );
    setter!(
        /// Sets the early-stopping tolerance.
        ///
        /// ```
        /// assert_eq!(segcore::churn::GradientBoostingChurn::params().tol(1e-4).tol, 1e-4);
        /// ```
        tol: f64
    );
    setter!(
        /// Sets the calibration method.
        ///
        /// ```
        /// use segcore::churn::gbt::Calibration;
        /// let p = segcore::churn::GradientBoostingChurn::params().calibration(Calibration::Isotonic);
        /// assert_eq!(p.calibration, Calibration::Isotonic);
        /// ```
        calibration: Calibration
    );
    setter!(
        /// Sets the seed.
        ///
        /// ```
        /// assert_eq!(segcore::churn::GradientBoostingChurn::params().seed(7).seed, 7);
        /// ```
        seed: u64
    );

    fn validate(&self) -> Result<()> {
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(SegError::param(
                "learning_rate",
                "must be positive and finite",
            ));
        }
        if self.max_iter == 0 {
            return Err(SegError::param("max_iter", "must be at least 1"));
        }
        if self.max_leaf_nodes.is_some_and(|m| m < 2) {
            return Err(SegError::param("max_leaf_nodes", "must be at least 2"));
        }
        if self.max_depth == Some(0) {
            return Err(SegError::param("max_depth", "must be at least 1"));
        }
        if self.min_samples_leaf == 0 {
            return Err(SegError::param("min_samples_leaf", "must be at least 1"));
        }
        if !(self.l2_regularization >= 0.0 && self.l2_regularization.is_finite()) {
            return Err(SegError::param(
                "l2_regularization",
                "must be finite and >= 0",
            ));
        }
        if !(2..=255).contains(&self.max_bins) {
            return Err(SegError::param("max_bins", "must lie in 2..=255"));
        }
        if let Some(f) = self.validation_fraction {
            if !(f > 0.0 && f < 1.0) {
                return Err(SegError::param("validation_fraction", "must lie in (0, 1)"));
            }
        }
        if self.validation_fraction.is_none() && self.early_stopping {
            return Err(SegError::param(
                "early_stopping",
                "needs a validation split (set validation_fraction)",
            ));
        }
        if self.validation_fraction.is_none() && self.calibration != Calibration::None {
            return Err(SegError::param(
                "calibration",
                "needs a validation split (set validation_fraction or Calibration::None)",
            ));
        }
        if self.n_iter_no_change == 0 {
            return Err(SegError::param("n_iter_no_change", "must be at least 1"));
        }
        if !(self.tol >= 0.0 && self.tol.is_finite()) {
            return Err(SegError::param("tol", "must be finite and >= 0"));
        }
        Ok(())
    }

    /// Row indices of the (training, validation) split.
    fn split_rows(&self, y: &[bool]) -> (Vec<usize>, Vec<usize>) {
        let n = y.len();
        let Some(frac) = self.validation_fraction else {
            return ((0..n).collect(), Vec::new());
        };
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let mut val = Vec::new();
        if self.stratify {
            for class in [false, true] {
                let mut idx: Vec<usize> = (0..n).filter(|&i| y[i] == class).collect();
                idx.shuffle(&mut rng);
                let k = ((frac * idx.len() as f64).round() as usize).min(idx.len());
                val.extend_from_slice(&idx[..k]);
            }
        } else {
            let mut idx: Vec<usize> = (0..n).collect();
            idx.shuffle(&mut rng);
            let k = ((frac * n as f64).ceil() as usize).min(n);
            val.extend_from_slice(&idx[..k]);
        }
        val.sort_unstable();
        let mut is_val = vec![false; n];
        for &i in &val {
            is_val[i] = true;
        }
        ((0..n).filter(|&i| !is_val[i]).collect(), val)
    }

    /// Fits the booster on features `x` (NaN = missing) and labels `y` (`true` = churned).
    ///
    /// Errors: shape/length mismatches, infinite features, a single class in the training or
    /// validation rows, invalid parameters.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use segcore::churn::GradientBoostingChurn;
    /// let x = Array2::from_shape_fn((300, 1), |(i, _)| if i % 7 == 0 { f64::NAN } else { i as f64 });
    /// let y: Vec<bool> = (0..300).map(|i| i % 7 == 0 || i > 200).collect();
    /// let m = GradientBoostingChurn::params().max_iter(30).fit(x.view(), &y).unwrap();
    /// let p = m.predict_proba(x.view()).unwrap();
    /// assert!(p[7] > 0.5 && p[8] < 0.5);
    /// ```
    pub fn fit(&self, x: ArrayView2<f64>, y: &[bool]) -> Result<GradientBoostingChurn> {
        self.fit_with(x, y, &Monitor::new())
    }

    /// [`fit`](Self::fit) reporting its boosting iterations to `monitor` and stopping with
    /// [`SegError::Cancelled`] when it is cancelled.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use segcore::churn::GradientBoostingChurn;
    /// let x = Array2::from_shape_fn((200, 1), |(i, _)| i as f64);
    /// let y: Vec<bool> = (0..200).map(|i| i > 120).collect();
    /// let m = segcore::progress::Monitor::new();
    /// let p = GradientBoostingChurn::params().max_iter(5).early_stopping(false);
    /// let fitted = p.fit_with(x.view(), &y, &m).unwrap();
    /// assert_eq!(fitted, p.fit(x.view(), &y).unwrap());
    /// assert_eq!(m.latest().unwrap().done, 5);
    /// m.cancel();
    /// assert_eq!(p.fit_with(x.view(), &y, &m).unwrap_err().code(), "CANCELLED");
    /// ```
    pub fn fit_with(
        &self,
        x: ArrayView2<f64>,
        y: &[bool],
        monitor: &Monitor,
    ) -> Result<GradientBoostingChurn> {
        monitor.check("gbt")?;
        self.validate()?;
        check_xy(x, y, None, true)?;
        let (tr, va) = self.split_rows(y);
        let both = |rows: &[usize], what: &str| -> Result<()> {
            let pos = rows.iter().filter(|&&i| y[i]).count();
            if pos == 0 || pos == rows.len() {
                return Err(SegError::param(
                    "y",
                    format!("the {what} rows need both churned and retained customers"),
                ));
            }
            Ok(())
        };
        both(&tr, "training")?;
        if !va.is_empty() {
            both(&va, "validation")?;
        }
        let x_tr: Array2<f64>;
        let xt = if va.is_empty() {
            x
        } else {
            x_tr = x.select(Axis(0), &tr);
            x_tr.view()
        };
        let y_tr: Vec<bool> = tr.iter().map(|&i| y[i]).collect();
        let x_va = x.select(Axis(0), &va);
        let y_va: Vec<bool> = va.iter().map(|&i| y[i]).collect();

        let mapper = BinMapper::fit(xt, self.max_bins, self.seed);
        let mut binned = mapper.transform(xt);
        let n_bins_non_missing: Vec<usize> = (0..xt.ncols())
            .map(|f| mapper.n_bins_non_missing(f))
            .collect();
        let n = xt.nrows();
        let pos = y_tr.iter().filter(|&&v| v).count() as f64;
        let p0 = pos / n as f64;
        let baseline = (p0 / (1.0 - p0)).ln();
        let grow = GrowParams {
            max_leaf_nodes: self.max_leaf_nodes,
            max_depth: self.max_depth,
            min_samples_leaf: u32::try_from(self.min_samples_leaf).unwrap_or(u32::MAX),
            l2: self.l2_regularization,
            learning_rate: self.learning_rate,
        };
        let has_missing = binned.has_missing.clone();
        let grower = Grower {
            has_missing: &has_missing,
            mapper: &mapper,
            n_bins_non_missing: &n_bins_non_missing,
            params: &grow,
        };
        let mut raw = vec![baseline; n];
        let mut rows = vec![0u32; n];
        let mut scratch = vec![0u32; n];
        let mut raw_va = vec![baseline; x_va.nrows()];
        let mut val_scores = vec![-val_loss(&y_va, &raw_va)];
        let mut trees = Vec::new();
        for it in 0..self.max_iter {
            monitor.step("gbt", it as u64, self.max_iter as u64)?;
            let key = super::histogram::iteration_key(self.seed, it);
            let root = super::histogram::gradients_and_root(&mut binned, &raw, &y_tr, key);
            let tree = grower.grow(&binned, root, &mut rows, &mut scratch, &mut raw);
            if !va.is_empty() {
                raw_va
                    .par_iter_mut()
                    .enumerate()
                    .for_each(|(i, r)| *r += predict_view_row(&tree, x_va.row(i)));
            }
            trees.push(tree);
            if self.early_stopping {
                val_scores.push(-val_loss(&y_va, &raw_va));
                if should_stop(&val_scores, self.n_iter_no_change, self.tol) {
                    break;
                }
            }
        }
        monitor.step("gbt", trees.len() as u64, self.max_iter as u64)?;
        let calibrator = if va.is_empty() {
            None
        } else {
            Calibrator::fit(self.calibration, &raw_va, &y_va)?
        };
        Ok(GradientBoostingChurn::new(
            baseline,
            trees,
            x.ncols(),
            calibrator,
            if self.early_stopping {
                val_scores.iter().map(|s| -s).collect()
            } else {
                Vec::new()
            },
            self.clone(),
        ))
    }
}

/// Leaf value of one row given as an ndarray view.
pub(crate) fn predict_view_row(tree: &super::tree::Tree, row: ndarray::ArrayView1<f64>) -> f64 {
    let mut i = 0;
    loop {
        let n = &tree.nodes[i];
        if n.leaf {
            return n.value;
        }
        i = n.child(row[n.feature as usize]);
    }
}

fn val_loss(y: &[bool], raw: &[f64]) -> f64 {
    if y.is_empty() {
        return 0.0;
    }
    let s: f64 = y
        .iter()
        .zip(raw)
        .map(|(&yi, &r)| log1pexp(r) - if yi { r } else { 0.0 })
        .sum();
    s / y.len() as f64
}

/// scikit-learn's rule: stop when none of the last `n` scores beats the one before them by
/// more than `tol` (scores: higher is better).
fn should_stop(scores: &[f64], n: usize, tol: f64) -> bool {
    if scores.len() < n + 1 {
        return false;
    }
    let reference = scores[scores.len() - n - 1] + tol;
    !scores[scores.len() - n..].iter().any(|s| *s > reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_fit_is_identical_on_one_and_two_threads() {
        // enough rows for chunked histograms and parallel partitions
        let n = 40_000;
        let x = Array2::from_shape_fn((n, 3), |(i, j)| {
            let v = ((i * (j + 7) * 2_654_435_761) % 1_000_003) as f64 / 1e6;
            if j == 2 && i % 11 == 0 { f64::NAN } else { v }
        });
        let y: Vec<bool> = (0..n)
            .map(|i| x[[i, 0]] + 0.5 * x[[i, 1]] + if i % 11 == 0 { 0.3 } else { 0.0 } > 0.8)
            .collect();
        let params = GradientBoostingChurnParams::default()
            .max_iter(3)
            .early_stopping(false)
            .validation_fraction(None)
            .calibration(Calibration::None);
        let fit = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map(|p| p.install(|| params.fit(x.view(), &y)))
        };
        let one = fit(1).unwrap().unwrap();
        let two = fit(2).unwrap().unwrap();
        assert_eq!(one, two);
        assert_eq!(one.trees()[0].nodes[0].count, n as u32);
        assert!(
            one.trees()
                .iter()
                .all(|t| t.nodes.iter().filter(|n| n.leaf).count() == 31)
        );
    }
}
