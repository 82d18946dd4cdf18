//! Metrics for churn scores: ranking (ROC AUC, average precision), probability quality
//! (log loss, Brier score, calibration by decile) and targeting (lift and capture rate).
//!
//! Labels are `&[bool]` with `true` = churned (the positive class); scores are any finite
//! numbers where higher means more likely to churn (probabilities for the probability metrics).
//! The ranking metrics follow scikit-learn exactly: ties share one threshold.
//!
//! ```
//! use segcore::churn::metrics;
//! let y = [false, false, true, true];
//! let p = [0.1, 0.4, 0.35, 0.8];
//! assert_eq!(metrics::roc_auc(&y, &p).unwrap(), 0.75);
//! ```

use serde::{Deserialize, Serialize};

use super::input::check_scores;
use crate::{Result, SegError};

/// Cumulative true/false positive counts at each distinct score, from the highest score down
/// (scikit-learn's `_binary_clf_curve`).
fn clf_curve(y: &[bool], scores: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut order: Vec<usize> = (0..y.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut tps = Vec::new();
    let mut fps = Vec::new();
    let (mut tp, mut fp) = (0.0, 0.0);
    for (k, &i) in order.iter().enumerate() {
        if y[i] {
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        let last = k + 1 == order.len() || scores[order[k + 1]] != scores[i];
        if last {
            tps.push(tp);
            fps.push(fp);
        }
    }
    (tps, fps)
}

fn check_both_classes(y: &[bool], metric: &str) -> Result<(usize, usize)> {
    let pos = y.iter().filter(|&&v| v).count();
    let neg = y.len() - pos;
    if pos == 0 || neg == 0 {
        return Err(SegError::param(
            "y",
            format!("{metric} needs both churned and retained customers in y"),
        ));
    }
    Ok((pos, neg))
}

/// Area under the ROC curve, identical to scikit-learn's `roc_auc_score`: the trapezoid
/// rule over the curve's points at each distinct score, so tied scores count one half.
///
/// Errors if `y` holds only one class or a score is not finite.
///
/// ```
/// let auc = segcore::churn::metrics::roc_auc(&[true, false, true], &[0.5, 0.5, 0.9]).unwrap();
/// assert_eq!(auc, 0.75);
/// ```
pub fn roc_auc(y: &[bool], scores: &[f64]) -> Result<f64> {
    check_scores(y, scores, "scores")?;
    check_both_classes(y, "roc_auc")?;
    let (tps, fps) = clf_curve(y, scores);
    let tp_tot = tps[tps.len() - 1];
    let fp_tot = fps[fps.len() - 1];
    let (mut area, mut prev_f, mut prev_t) = (0.0, 0.0, 0.0);
    for (tp, fp) in tps.iter().zip(&fps) {
        let f = fp / fp_tot;
        let t = tp / tp_tot;
        area += (f - prev_f) * (t + prev_t) / 2.0;
        prev_f = f;
        prev_t = t;
    }
    Ok(area)
}

/// Average precision, identical to scikit-learn's `average_precision_score`:
/// `sum_k (R_k - R_{k-1}) P_k` over the distinct score thresholds (no interpolation).
///
/// ```
/// let ap = segcore::churn::metrics::average_precision(&[false, true], &[0.1, 0.9]).unwrap();
/// assert_eq!(ap, 1.0);
/// ```
pub fn average_precision(y: &[bool], scores: &[f64]) -> Result<f64> {
    check_scores(y, scores, "scores")?;
    check_both_classes(y, "average_precision")?;
    let (tps, fps) = clf_curve(y, scores);
    let tp_tot = tps[tps.len() - 1];
    let (mut ap, mut prev_r) = (0.0, 0.0);
    for (tp, fp) in tps.iter().zip(&fps) {
        let r = tp / tp_tot;
        let p = tp / (tp + fp);
        ap += (r - prev_r) * p;
        prev_r = r;
    }
    Ok(ap)
}

/// The area under the precision-recall curve as average precision (alias of
/// [`average_precision`]).
///
/// ```
/// let ap = segcore::churn::metrics::pr_auc(&[false, true, true], &[0.2, 0.9, 0.1]).unwrap();
/// assert!((ap - (0.5 + 0.5 * 2.0 / 3.0)).abs() < 1e-15);
/// ```
pub fn pr_auc(y: &[bool], scores: &[f64]) -> Result<f64> {
    average_precision(y, scores)
}

fn check_proba(y: &[bool], p: &[f64]) -> Result<()> {
    check_scores(y, p, "probabilities")?;
    if let Some(row) = p.iter().position(|v| !(0.0..=1.0).contains(v)) {
        return Err(SegError::invalid(
            "probabilities",
            row,
            "probabilities must lie in [0, 1]",
        ));
    }
    Ok(())
}

/// Mean log loss (cross-entropy), as scikit-learn's `log_loss`: probabilities are clipped to
/// `[eps, 1 - eps]` with `eps = f64::EPSILON`.
///
/// ```
/// let l = segcore::churn::metrics::log_loss(&[true, false], &[0.8, 0.2]).unwrap();
/// assert!((l - (-(0.8f64).ln())).abs() < 1e-15);
/// ```
pub fn log_loss(y: &[bool], proba: &[f64]) -> Result<f64> {
    check_proba(y, proba)?;
    let eps = f64::EPSILON;
    let mut total = 0.0;
    for (&yi, &p) in y.iter().zip(proba) {
        let q = if yi { p } else { 1.0 - p };
        total -= q.clamp(eps, 1.0 - eps).ln();
    }
    Ok(total / y.len() as f64)
}

/// Brier score: mean squared difference between the churn probability and the outcome.
///
/// ```
/// let b = segcore::churn::metrics::brier_score(&[true, false], &[0.75, 0.5]).unwrap();
/// assert_eq!(b, (0.0625 + 0.25) / 2.0);
/// ```
pub fn brier_score(y: &[bool], proba: &[f64]) -> Result<f64> {
    check_proba(y, proba)?;
    let s: f64 = y
        .iter()
        .zip(proba)
        .map(|(&yi, &p)| {
            let d = f64::from(u8::from(yi)) - p;
            d * d
        })
        .sum();
    Ok(s / y.len() as f64)
}

/// One row of a calibration table (see [`calibration_table`]).
///
/// ```
/// let t = segcore::churn::metrics::calibration_table(&[true; 10], &[0.9; 10]).unwrap();
/// assert_eq!(t[0].observed_rate, 1.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// 0-based bin, from the lowest predicted probabilities (0) to the highest.
    pub bin: usize,
    /// Mean predicted churn probability in the bin.
    pub mean_predicted: f64,
    /// Share of churned customers in the bin.
    pub observed_rate: f64,
    /// Customers in the bin.
    pub count: usize,
}

/// Calibration table by decile of predicted probability.
///
/// Customers are sorted by probability (ties by position) and cut into 10 bins of equal size
/// (bin `k` holds sorted positions `k*n/10 .. (k+1)*n/10`); empty bins (n < 10) are left out.
/// A well-calibrated model has `mean_predicted ≈ observed_rate` in every bin.
///
/// ```
/// let y: Vec<bool> = (0..20).map(|i| i % 2 == 0).collect();
/// let p = vec![0.5; 20];
/// let t = segcore::churn::metrics::calibration_table(&y, &p).unwrap();
/// assert_eq!(t.len(), 10);
/// assert_eq!(t[0].count, 2);
/// assert_eq!(t[0].observed_rate, 0.5);
/// ```
pub fn calibration_table(y: &[bool], proba: &[f64]) -> Result<Vec<CalibrationBin>> {
    check_proba(y, proba)?;
    let n = y.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| proba[a].total_cmp(&proba[b]).then(a.cmp(&b)));
    let mut out = Vec::with_capacity(10);
    for bin in 0..10 {
        let (lo, hi) = (bin * n / 10, (bin + 1) * n / 10);
        if hi == lo {
            continue;
        }
        let idx = &order[lo..hi];
        let count = idx.len();
        let sp: f64 = idx.iter().map(|&i| proba[i]).sum();
        let pos = idx.iter().filter(|&&i| y[i]).count();
        out.push(CalibrationBin {
            bin,
            mean_predicted: sp / count as f64,
            observed_rate: pos as f64 / count as f64,
            count,
        });
    }
    Ok(out)
}

/// Targeting quality of the customers with the highest scores (see [`lift_at`]).
///
/// ```
/// let l = segcore::churn::metrics::lift_at(&[true, false], &[0.9, 0.1], 0.5).unwrap();
/// assert_eq!((l.n_selected, l.lift), (1, 2.0));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lift {
    /// Fraction of customers targeted, e.g. 0.1 for the top 10%.
    pub fraction: f64,
    /// Customers targeted: `ceil(fraction * n)`.
    pub n_selected: usize,
    /// Churn rate among the targeted customers.
    pub churn_rate: f64,
    /// `churn_rate` divided by the overall churn rate.
    pub lift: f64,
    /// Share of all churners that are among the targeted customers.
    pub capture_rate: f64,
}

/// Lift and capture rate when targeting the top `fraction` of customers by score.
///
/// The top `ceil(fraction * n)` customers are taken in descending score order, ties broken
/// by position (earlier rows first). Errors if no customer churned.
///
/// ```
/// let y = [true, false, false, false, true, false, false, false, false, false];
/// let s = [0.9, 0.1, 0.2, 0.3, 0.4, 0.1, 0.1, 0.1, 0.1, 0.1];
/// let l = segcore::churn::metrics::lift_at(&y, &s, 0.2).unwrap();
/// assert_eq!(l.n_selected, 2);
/// assert_eq!(l.capture_rate, 1.0);
/// assert_eq!(l.lift, 5.0);
/// ```
pub fn lift_at(y: &[bool], scores: &[f64], fraction: f64) -> Result<Lift> {
    check_scores(y, scores, "scores")?;
    if !(fraction > 0.0 && fraction <= 1.0) {
        return Err(SegError::param("fraction", "must lie in (0, 1]"));
    }
    let n = y.len();
    let total_pos = y.iter().filter(|&&v| v).count();
    if total_pos == 0 {
        return Err(SegError::param(
            "y",
            "lift needs at least one churned customer",
        ));
    }
    let k = ((fraction * n as f64).ceil() as usize).clamp(1, n);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let pos = order[..k].iter().filter(|&&i| y[i]).count();
    let churn_rate = pos as f64 / k as f64;
    let base = total_pos as f64 / n as f64;
    Ok(Lift {
        fraction,
        n_selected: k,
        churn_rate,
        lift: churn_rate / base,
        capture_rate: pos as f64 / total_pos as f64,
    })
}

/// All churn metrics for one set of probabilities (see [`report`]).
///
/// ```
/// let r = segcore::churn::metrics::report(&[true, false], &[0.9, 0.1]).unwrap();
/// assert_eq!(r.pr_auc, 1.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnReport {
    /// ROC AUC.
    pub roc_auc: f64,
    /// Average precision (PR AUC).
    pub pr_auc: f64,
    /// Mean log loss.
    pub log_loss: f64,
    /// Brier score.
    pub brier_score: f64,
    /// Lift and capture in the top 10%.
    pub top_10: Lift,
    /// Lift and capture in the top 20%.
    pub top_20: Lift,
    /// Calibration by decile.
    pub calibration: Vec<CalibrationBin>,
}

/// Computes every metric of this module for churn probabilities.
///
/// ```
/// let y = [false, true, false, true];
/// let r = segcore::churn::metrics::report(&y, &[0.2, 0.7, 0.4, 0.9]).unwrap();
/// assert_eq!(r.roc_auc, 1.0);
/// assert_eq!(r.top_20.capture_rate, 0.5);
/// ```
pub fn report(y: &[bool], proba: &[f64]) -> Result<ChurnReport> {
    Ok(ChurnReport {
        roc_auc: roc_auc(y, proba)?,
        pr_auc: average_precision(y, proba)?,
        log_loss: log_loss(y, proba)?,
        brier_score: brier_score(y, proba)?,
        top_10: lift_at(y, proba, 0.1)?,
        top_20: lift_at(y, proba, 0.2)?,
        calibration: calibration_table(y, proba)?,
    })
}
