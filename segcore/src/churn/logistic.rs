//! L2-penalised logistic regression for churn, with the objective of scikit-learn's
//! `LogisticRegression` solved by Newton's method.
//!
//! The objective over customers `i` with weights `s_i` (sample weight × class weight) is
//!
//! `sum_i s_i [log(1 + exp(z_i)) - y_i z_i] + 0.5 / C * ||w||^2`, with `z_i = b + w·x̃_i`,
//!
//! the intercept `b` unpenalised and `x̃` the standardised features (`(x - mean) / std`,
//! population std, a zero std replaced by 1 — as scikit-learn's `StandardScaler`; the
//! scaling statistics are weighted by the sample weights, so a weight of 2 is two copies of a row). It is minimised by damped Newton steps on the
//! `(d+1) x (d+1)` Hessian with a Cholesky solve (near the optimum the last Hessian factor is
//! kept while it gives fast progress; beyond 262,144 rows the Hessian is summed over an evenly
//! spread subset of 32+ row chunks — the gradient is always exact, so the optimum is the same),
//! or — for wide data, see [`Solver`] — by L-BFGS. Gradient and Hessian are sums over fixed
//! chunks of rows (`partial stats`) merged in chunk order, so the fit is identical on any
//! thread count.
//!
//! ```
//! use ndarray::array;
//! use segcore::churn::{ClassWeight, LogisticChurn};
//! let x = array![[1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0], [5.0, 0.0], [6.0, 1.0]];
//! let y = [false, false, true, false, true, true];
//! let m = LogisticChurn::params().c(1.0).class_weight(ClassWeight::Balanced)
//!     .fit(x.view(), &y, None).unwrap();
//! let p = m.predict_proba(x.view()).unwrap();
//! assert!(p[5] > p[0]);
//! ```

use crate::progress::Monitor;
use ndarray::{Array1, ArrayView1, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::input::{check_features, check_ncols, check_xy, log1pexp, sigmoid};
use super::linalg::{cholesky, cholesky_solve_factored, dot};
use crate::model::ModelKind;
use crate::{Result, SegError};

/// Rows per chunk of the partial statistics (fixed, so results do not depend on threads).
const CHUNK: usize = 4096;
/// Below this scaled gradient norm, Newton steps reuse the last Hessian factor.
const LAZY_HESSIAN_BELOW: f64 = 1e-4;
/// Chunks the Hessian is summed over at least; beyond `2 * HESSIAN_CHUNKS` chunks of data it
/// is sub-sampled (every `stride`-th chunk).
const HESSIAN_CHUNKS: usize = 32;

/// Per-class weights multiplied into the sample weights.
///
/// ```
/// let w = segcore::churn::ClassWeight::Given { neg: 1.0, pos: 3.0 };
/// assert_ne!(w, segcore::churn::ClassWeight::default());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub enum ClassWeight {
    /// Every customer weighs 1 (times its sample weight).
    #[default]
    None,
    /// scikit-learn's `"balanced"`: class `c` weighs `n / (2 n_c)` (counts ignore sample weights).
    Balanced,
    /// Explicit weights for the retained (`neg`) and churned (`pos`) classes.
    Given {
        /// Weight of retained customers (`y = false`).
        neg: f64,
        /// Weight of churned customers (`y = true`).
        pos: f64,
    },
}

/// Optimiser of [`LogisticChurn`].
///
/// ```
/// assert_eq!(segcore::churn::Solver::default(), segcore::churn::Solver::Auto);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Solver {
    /// Newton up to 256 features, L-BFGS above (default).
    #[default]
    Auto,
    /// Damped Newton with the exact `(d+1) x (d+1)` Hessian (Cholesky).
    Newton,
    /// L-BFGS (memory 10), gradients only: for wide data.
    Lbfgs,
}

/// Above this many features, [`Solver::Auto`] uses L-BFGS.
const AUTO_LBFGS_ABOVE: usize = 256;

/// Settings of [`LogisticChurn`] (builder; validated at fit).
///
/// ```
/// let p = segcore::churn::LogisticChurn::params().c(0.1).max_iter(50);
/// assert_eq!((p.c, p.max_iter, p.standardize), (0.1, 50, true));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticChurnParams {
    /// Inverse L2 strength, scikit-learn's `C` (default 1.0).
    pub c: f64,
    /// Class weights (default none).
    pub class_weight: ClassWeight,
    /// Standardise features internally (default true).
    pub standardize: bool,
    /// Optimiser (default [`Solver::Auto`]).
    pub solver: Solver,
    /// Maximum Newton iterations (default 100; L-BFGS may run 10 times as many).
    pub max_iter: usize,
    /// Stop when `max_j |grad_j| / sum_i s_i <= tol` (default 1e-10).
    pub tol: f64,
}

impl Default for LogisticChurnParams {
    fn default() -> Self {
        LogisticChurnParams {
            c: 1.0,
            class_weight: ClassWeight::None,
            standardize: true,
            solver: Solver::Auto,
            max_iter: 100,
            tol: 1e-10,
        }
    }
}

impl LogisticChurnParams {
    /// Sets `C`, the inverse regularisation strength (> 0).
    ///
    /// ```
    /// assert_eq!(segcore::churn::LogisticChurn::params().c(0.5).c, 0.5);
    /// ```
    pub fn c(mut self, c: f64) -> Self {
        self.c = c;
        self
    }
    /// Sets the class weights.
    ///
    /// ```
    /// use segcore::churn::{ClassWeight, LogisticChurn};
    /// let p = LogisticChurn::params().class_weight(ClassWeight::Balanced);
    /// assert_eq!(p.class_weight, ClassWeight::Balanced);
    /// ```
    pub fn class_weight(mut self, w: ClassWeight) -> Self {
        self.class_weight = w;
        self
    }
    /// Turns internal standardisation on or off.
    ///
    /// ```
    /// assert!(!segcore::churn::LogisticChurn::params().standardize(false).standardize);
    /// ```
    pub fn standardize(mut self, on: bool) -> Self {
        self.standardize = on;
        self
    }
    /// Sets the optimiser.
    ///
    /// ```
    /// use segcore::churn::logistic::{LogisticChurn, Solver};
    /// assert_eq!(LogisticChurn::params().solver(Solver::Lbfgs).solver, Solver::Lbfgs);
    /// ```
    pub fn solver(mut self, solver: Solver) -> Self {
        self.solver = solver;
        self
    }
    /// Sets the maximum number of Newton iterations (>= 1).
    ///
    /// ```
    /// assert_eq!(segcore::churn::LogisticChurn::params().max_iter(20).max_iter, 20);
    /// ```
    pub fn max_iter(mut self, n: usize) -> Self {
        self.max_iter = n;
        self
    }
    /// Sets the gradient tolerance (> 0).
    ///
    /// ```
    /// assert_eq!(segcore::churn::LogisticChurn::params().tol(1e-6).tol, 1e-6);
    /// ```
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    fn validate(&self) -> Result<()> {
        if !(self.c > 0.0 && self.c.is_finite()) {
            return Err(SegError::param("c", "must be positive and finite"));
        }
        if self.max_iter == 0 {
            return Err(SegError::param("max_iter", "must be at least 1"));
        }
        if !(self.tol > 0.0 && self.tol.is_finite()) {
            return Err(SegError::param("tol", "must be positive and finite"));
        }
        if let ClassWeight::Given { neg, pos } = self.class_weight {
            if !(neg > 0.0 && pos > 0.0 && neg.is_finite() && pos.is_finite()) {
                return Err(SegError::param(
                    "class_weight",
                    "given weights must be positive and finite",
                ));
            }
        }
        Ok(())
    }

    /// Fits the model on features `x` (customers × features, all finite), labels `y`
    /// (`true` = churned) and optional non-negative sample weights.
    ///
    /// Errors: shape/length mismatches, non-finite features, a single class in `y`, invalid
    /// parameters, and `NotConverged` when the solver does not reach `tol`.
    ///
    /// ```
    /// use ndarray::{array, Array1};
    /// let x = array![[0.0], [1.0], [2.0], [3.0]];
    /// let w = Array1::from(vec![1.0, 2.0, 1.0, 2.0]);
    /// let m = segcore::churn::LogisticChurn::params()
    ///     .fit(x.view(), &[false, true, false, true], Some(w.view())).unwrap();
    /// assert!(m.coef()[0] > 0.0);
    /// ```
    pub fn fit(
        &self,
        x: ArrayView2<f64>,
        y: &[bool],
        sample_weight: Option<ArrayView1<f64>>,
    ) -> Result<LogisticChurn> {
        self.fit_with(x, y, sample_weight, &Monitor::new())
    }

    /// [`fit`](Self::fit) reporting solver iterations to `monitor` and stopping with
    /// [`SegError::Cancelled`] when it is cancelled.
    ///
    /// ```
    /// use ndarray::array;
    /// let x = array![[0.0], [1.0], [2.0], [3.0]];
    /// let m = segcore::progress::Monitor::new();
    /// m.cancel();
    /// let e = segcore::churn::LogisticChurn::params()
    ///     .fit_with(x.view(), &[false, true, false, true], None, &m).unwrap_err();
    /// assert_eq!(e.code(), "CANCELLED");
    /// ```
    pub fn fit_with(
        &self,
        x: ArrayView2<f64>,
        y: &[bool],
        sample_weight: Option<ArrayView1<f64>>,
        monitor: &Monitor,
    ) -> Result<LogisticChurn> {
        monitor.check("logistic")?;
        self.validate()?;
        check_xy(x, y, sample_weight, false)?;
        let n = x.nrows();
        let d = x.ncols();
        let n_pos = y.iter().filter(|&&v| v).count();
        if n_pos == 0 || n_pos == n {
            return Err(SegError::param(
                "y",
                "needs both churned and retained customers",
            ));
        }
        let (cw_neg, cw_pos) = match self.class_weight {
            ClassWeight::None => (1.0, 1.0),
            ClassWeight::Balanced => (
                n as f64 / (2.0 * (n - n_pos) as f64),
                n as f64 / (2.0 * n_pos as f64),
            ),
            ClassWeight::Given { neg, pos } => (neg, pos),
        };
        let weights: Vec<f64> = (0..n)
            .map(|i| {
                let sw = sample_weight.map_or(1.0, |w| w[i]);
                sw * if y[i] { cw_pos } else { cw_neg }
            })
            .collect();
        let (mean, scale) = if self.standardize {
            column_scaling(x, sample_weight)
        } else {
            (vec![0.0; d], vec![1.0; d])
        };
        let inv_scale: Vec<f64> = scale.iter().map(|s| 1.0 / s).collect();
        let data = Data {
            x,
            y,
            w: &weights,
            mean: &mean,
            inv_scale: &inv_scale,
        };
        let sum_w = chunked(n, |lo, hi| weights[lo..hi].iter().sum::<f64>())
            .into_iter()
            .sum::<f64>();
        if sum_w.is_nan() || sum_w <= 0.0 {
            return Err(SegError::param("sample_weight", "all weights are zero"));
        }
        let lambda = 1.0 / self.c;
        let d1 = d + 1;
        // start from the intercept-only optimum of the unpenalised intercept
        let sum_pos: f64 = (0..n).filter(|&i| y[i]).map(|i| weights[i]).sum();
        let mut beta = vec![0.0; d1];
        if sum_pos > 0.0 && sum_pos < sum_w {
            beta[d] = (sum_pos / (sum_w - sum_pos)).ln();
        }
        let use_lbfgs = match self.solver {
            Solver::Newton => false,
            Solver::Lbfgs => true,
            Solver::Auto => d > AUTO_LBFGS_ABOVE,
        };
        let (beta, iter) = if use_lbfgs {
            self.lbfgs(&data, beta, lambda, sum_w, monitor)?
        } else {
            self.newton(&data, beta, lambda, sum_w, monitor)?
        };
        Ok(LogisticChurn {
            coef: beta[..d].to_vec(),
            intercept: beta[d],
            mean,
            scale,
            n_iter: iter,
            params: self.clone(),
        })
    }

    /// Damped Newton iterations from `beta`; returns the solution and the iteration count.
    fn newton(
        &self,
        data: &Data<'_>,
        mut beta: Vec<f64>,
        lambda: f64,
        sum_w: f64,
        monitor: &Monitor,
    ) -> Result<(Vec<f64>, usize)> {
        let d1 = beta.len();
        let mut st = data.stats(&beta, lambda, true);
        let mut factor: Vec<f64> = Vec::new();
        let mut lazy_gmax = f64::INFINITY;
        let mut iter = 0;
        loop {
            monitor.step("logistic", iter as u64, self.max_iter as u64)?;
            let gmax = st.grad.iter().fold(0.0f64, |m, g| m.max(g.abs())) / sum_w;
            if gmax <= self.tol {
                break;
            }
            if iter >= self.max_iter {
                return Err(SegError::NotConverged {
                    model: "LogisticChurn".into(),
                    iterations: iter,
                    grad_norm: gmax,
                    reason: "maximum number of Newton iterations reached".into(),
                });
            }
            if !st.has_hessian && gmax > 0.1 * lazy_gmax {
                // the kept Hessian no longer gives fast progress: refresh it here
                st = data.stats(&beta, lambda, true);
            }
            iter += 1;
            if st.has_hessian {
                factor = cholesky(&st.hess, d1)?;
            }
            // Near the optimum the Hessian barely changes: keep its factor and evaluate only
            // gradients (a chord step); refreshed above when progress slows.
            let lazy = gmax <= LAZY_HESSIAN_BELOW;
            lazy_gmax = gmax;
            let step = cholesky_solve_factored(&factor, &st.grad, d1);
            let slope = -dot(&st.grad, &step);
            let mut t = 1.0;
            let mut accepted = None;
            for _ in 0..40 {
                let trial: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b - t * s).collect();
                let ts = data.stats(&trial, lambda, !lazy);
                // Armijo condition, with slack for rounding in the objective near the optimum
                let slack = 16.0 * f64::EPSILON * st.loss.abs();
                if ts.loss.is_finite() && ts.loss <= st.loss + 1e-4 * t * slope + slack {
                    accepted = Some((trial, ts));
                    break;
                }
                t *= 0.5;
            }
            match accepted {
                Some((b, s)) => {
                    beta = b;
                    st = s;
                }
                None if !st.has_hessian => {
                    // the kept Hessian was too stale: recompute it and try again
                    st = data.stats(&beta, lambda, true);
                }
                None => {
                    // No decrease is possible at floating-point precision: accept when the
                    // gradient is already negligible, otherwise report.
                    if gmax <= self.tol.sqrt() {
                        break;
                    }
                    return Err(SegError::NotConverged {
                        model: "LogisticChurn".into(),
                        iterations: iter,
                        grad_norm: gmax,
                        reason: "line search failed to decrease the objective".into(),
                    });
                }
            }
        }
        Ok((beta, iter))
    }

    /// L-BFGS (memory 10, backtracking Armijo line search) from `beta`, for wide data: only
    /// gradients are evaluated. Runs at most `10 * max_iter` iterations.
    fn lbfgs(
        &self,
        data: &Data<'_>,
        mut beta: Vec<f64>,
        lambda: f64,
        sum_w: f64,
        monitor: &Monitor,
    ) -> Result<(Vec<f64>, usize)> {
        const MEMORY: usize = 10;
        let max_iter = self.max_iter.saturating_mul(10);
        let mut st = data.stats(&beta, lambda, false);
        let mut hist: std::collections::VecDeque<(Vec<f64>, Vec<f64>, f64)> =
            std::collections::VecDeque::new();
        let mut iter = 0;
        loop {
            monitor.step("logistic", iter as u64, max_iter as u64)?;
            let gmax = st.grad.iter().fold(0.0f64, |m, g| m.max(g.abs())) / sum_w;
            if gmax <= self.tol {
                return Ok((beta, iter));
            }
            if iter >= max_iter {
                return Err(SegError::NotConverged {
                    model: "LogisticChurn".into(),
                    iterations: iter,
                    grad_norm: gmax,
                    reason: "maximum number of L-BFGS iterations reached".into(),
                });
            }
            iter += 1;
            // two-loop recursion: dir = -H g
            let mut q = st.grad.clone();
            let mut alphas = Vec::with_capacity(hist.len());
            for (sv, yv, rho) in hist.iter().rev() {
                let a = rho * dot(sv, &q);
                for (qi, yi) in q.iter_mut().zip(yv) {
                    *qi -= a * yi;
                }
                alphas.push(a);
            }
            let gamma = match hist.back() {
                Some((sv, yv, _)) => dot(sv, yv) / dot(yv, yv),
                None => 1.0 / dot(&st.grad, &st.grad).sqrt().max(f64::MIN_POSITIVE),
            };
            q.iter_mut().for_each(|v| *v *= gamma);
            for ((sv, yv, rho), a) in hist.iter().zip(alphas.iter().rev()) {
                let b = rho * dot(yv, &q);
                for (qi, si) in q.iter_mut().zip(sv) {
                    *qi += (a - b) * si;
                }
            }
            let dir: Vec<f64> = q.iter().map(|v| -v).collect();
            let slope = dot(&st.grad, &dir);
            let mut t = 1.0;
            let mut accepted = None;
            for _ in 0..50 {
                let trial: Vec<f64> = beta.iter().zip(&dir).map(|(b, s)| b + t * s).collect();
                let ts = data.stats(&trial, lambda, false);
                let slack = 16.0 * f64::EPSILON * st.loss.abs();
                if ts.loss.is_finite() && ts.loss <= st.loss + 1e-4 * t * slope + slack {
                    accepted = Some((trial, ts));
                    break;
                }
                t *= 0.5;
            }
            let Some((nb, ns)) = accepted else {
                if gmax <= self.tol.sqrt() {
                    return Ok((beta, iter));
                }
                return Err(SegError::NotConverged {
                    model: "LogisticChurn".into(),
                    iterations: iter,
                    grad_norm: gmax,
                    reason: "line search failed to decrease the objective".into(),
                });
            };
            let sv: Vec<f64> = nb.iter().zip(&beta).map(|(a, b)| a - b).collect();
            let yv: Vec<f64> = ns.grad.iter().zip(&st.grad).map(|(a, b)| a - b).collect();
            let sy = dot(&sv, &yv);
            if sy > f64::EPSILON * dot(&yv, &yv) {
                if hist.len() == MEMORY {
                    hist.pop_front();
                }
                hist.push_back((sv, yv, 1.0 / sy));
            }
            beta = nb;
            st = ns;
        }
    }
}

/// Column means and population standard deviations (constant columns → 1), weighted by the
/// sample weights (so a row of weight 2 standardises as two copies of it, as scikit-learn's
/// `StandardScaler(sample_weight=...)` does), chunked and merged in order.
fn column_scaling(
    x: ArrayView2<f64>,
    sample_weight: Option<ArrayView1<f64>>,
) -> (Vec<f64>, Vec<f64>) {
    let n = x.nrows();
    let d = x.ncols();
    let w = |i: usize| sample_weight.map_or(1.0, |w| w[i]);
    let total: f64 = chunked(n, |lo, hi| (lo..hi).map(w).sum::<f64>())
        .into_iter()
        .sum();
    let sums = chunked(n, |lo, hi| {
        let mut s = vec![0.0; d];
        for (i, r) in (lo..hi).zip(x.slice_axis(ndarray::Axis(0), (lo..hi).into()).outer_iter()) {
            let wi = w(i);
            for (a, v) in s.iter_mut().zip(r.iter()) {
                *a += wi * v;
            }
        }
        s
    });
    let mut mean = vec![0.0; d];
    for s in &sums {
        for (m, v) in mean.iter_mut().zip(s) {
            *m += v;
        }
    }
    mean.iter_mut().for_each(|m| *m /= total);
    let sq = chunked(n, |lo, hi| {
        let mut s = vec![0.0; d];
        for (i, r) in (lo..hi).zip(x.slice_axis(ndarray::Axis(0), (lo..hi).into()).outer_iter()) {
            let wi = w(i);
            for ((a, v), m) in s.iter_mut().zip(r.iter()).zip(&mean) {
                *a += wi * (v - m) * (v - m);
            }
        }
        s
    });
    let mut var = vec![0.0; d];
    for s in &sq {
        for (m, v) in var.iter_mut().zip(s) {
            *m += v;
        }
    }
    // constant features (variance within rounding of zero, scikit-learn's rule) keep scale 1
    let nf = total;
    let scale = var
        .iter()
        .zip(&mean)
        .map(|(v, m)| {
            let var = v / nf;
            let bound = (nf * m.abs() * f64::EPSILON).powi(2);
            if var > bound && var > 0.0 {
                var.sqrt()
            } else {
                1.0
            }
        })
        .collect();
    (mean, scale)
}

/// Runs `f(lo, hi)` on fixed row chunks in parallel and returns the results in chunk order.
fn chunked<T: Send>(n: usize, f: impl Fn(usize, usize) -> T + Sync) -> Vec<T> {
    chunked_indexed(n, |_, lo, hi| f(lo, hi))
}

/// As [`chunked`], also passing the chunk index.
fn chunked_indexed<T: Send>(n: usize, f: impl Fn(usize, usize, usize) -> T + Sync) -> Vec<T> {
    let n_chunks = n.div_ceil(CHUNK);
    (0..n_chunks)
        .into_par_iter()
        .map(|c| f(c, c * CHUNK, ((c + 1) * CHUNK).min(n)))
        .collect()
}

/// Sufficient statistics of the objective over a batch of rows: loss, gradient and Hessian
/// (row-major, `(d+1) x (d+1)`, intercept last).
#[derive(Debug, Clone)]
struct Stats {
    has_hessian: bool,
    /// Total weight of the rows.
    w: f64,
    /// Weight of the rows summed into the Hessian.
    hess_w: f64,
    loss: f64,
    grad: Vec<f64>,
    hess: Vec<f64>,
}

impl Stats {
    fn zeros(d1: usize, has_hessian: bool) -> Self {
        Stats {
            has_hessian,
            w: 0.0,
            hess_w: 0.0,
            loss: 0.0,
            grad: vec![0.0; d1],
            hess: vec![0.0; d1 * d1],
        }
    }
    fn merge(&mut self, other: &Stats) {
        self.loss += other.loss;
        self.w += other.w;
        self.hess_w += other.hess_w;
        for (a, b) in self.grad.iter_mut().zip(&other.grad) {
            *a += b;
        }
        for (a, b) in self.hess.iter_mut().zip(&other.hess) {
            *a += b;
        }
    }
}

struct Data<'a> {
    x: ArrayView2<'a, f64>,
    y: &'a [bool],
    w: &'a [f64],
    mean: &'a [f64],
    inv_scale: &'a [f64],
}

impl Data<'_> {
    /// Partial statistics of rows `lo..hi` at `beta`. Each row adds to the gradient and to the
    /// lower triangle of the Hessian by axpy updates (rows in order: deterministic and
    /// vectorisable); the upper triangle is filled in by [`Data::stats`].
    fn partial(&self, lo: usize, hi: usize, beta: &[f64], hessian: bool) -> Stats {
        let d = self.x.ncols();
        let d1 = d + 1;
        let mut st = Stats::zeros(d1, hessian);
        let mut v = vec![0.0; d1];
        v[d] = 1.0;
        for (k, r) in self
            .x
            .slice_axis(ndarray::Axis(0), (lo..hi).into())
            .outer_iter()
            .enumerate()
        {
            let row = lo + k;
            for (j, x) in r.iter().enumerate() {
                v[j] = (x - self.mean[j]) * self.inv_scale[j];
            }
            let e = beta[d] + dot(&v[..d], &beta[..d]);
            let s = self.w[row];
            st.w += s;
            let yi = if self.y[row] { 1.0 } else { 0.0 };
            st.loss += s * (log1pexp(e) - yi * e);
            let p = sigmoid(e);
            let resid = s * (p - yi);
            for (g, x) in st.grad.iter_mut().zip(&v) {
                *g += resid * x;
            }
            if hessian {
                st.hess_w += s;
                let hw = s * p * (1.0 - p);
                for a in 0..d1 {
                    let c = hw * v[a];
                    let hrow = &mut st.hess[a * d1..a * d1 + a + 1];
                    for (h, x) in hrow.iter_mut().zip(&v[..=a]) {
                        *h += c * x;
                    }
                }
            }
        }
        st
    }

    /// Full objective, gradient and Hessian at `beta` including the penalty.
    ///
    /// On large data the Hessian is summed over every `stride`-th chunk only (at least
    /// [`HESSIAN_CHUNKS`] chunks) and rescaled by the weight it covers — a sub-sampled Newton
    /// step with the exact gradient, so the solution is the same.
    fn stats(&self, beta: &[f64], lambda: f64, hessian: bool) -> Stats {
        let d1 = beta.len();
        let n = self.x.nrows();
        let stride = (n.div_ceil(CHUNK) / HESSIAN_CHUNKS).max(1);
        let parts = chunked_indexed(n, |c, lo, hi| {
            self.partial(lo, hi, beta, hessian && c % stride == 0)
        });
        let mut st = Stats::zeros(d1, hessian);
        for p in &parts {
            st.merge(p);
        }
        if hessian {
            if stride > 1 && st.hess_w > 0.0 {
                let total: f64 = parts.iter().map(|p| p.w).sum();
                let scale = total / st.hess_w;
                st.hess.iter_mut().for_each(|h| *h *= scale);
            }
            for a in 0..d1 {
                for b in 0..a {
                    st.hess[b * d1 + a] = st.hess[a * d1 + b];
                }
            }
        }
        #[allow(clippy::needless_range_loop)]
        for j in 0..d1 - 1 {
            st.loss += 0.5 * lambda * beta[j] * beta[j];
            st.grad[j] += lambda * beta[j];
            st.hess[j * d1 + j] += lambda;
        }
        st
    }
}

/// A fitted logistic churn model.
///
/// ```
/// use ndarray::array;
/// use segcore::churn::LogisticChurn;
/// let x = array![[0.0], [1.0], [2.0], [3.0]];
/// let m = LogisticChurn::params().fit(x.view(), &[false, true, false, true], None).unwrap();
/// let back: LogisticChurn = segcore::model::from_json(&segcore::model::to_json(&m).unwrap()).unwrap();
/// assert_eq!(back, m);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticChurn {
    coef: Vec<f64>,
    intercept: f64,
    mean: Vec<f64>,
    scale: Vec<f64>,
    n_iter: usize,
    params: LogisticChurnParams,
}

impl ModelKind for LogisticChurn {
    const KIND: &'static str = "LogisticChurn";
}

impl LogisticChurn {
    /// Default settings (`C = 1`, no class weights, standardised, Newton to `tol = 1e-10`).
    ///
    /// ```
    /// assert_eq!(segcore::churn::LogisticChurn::params().c, 1.0);
    /// ```
    pub fn params() -> LogisticChurnParams {
        LogisticChurnParams::default()
    }

    /// Coefficients on the standardised scale (one per feature).
    ///
    /// ```
    /// # use ndarray::array;
    /// let m = segcore::churn::LogisticChurn::params()
    ///     .fit(array![[0.0], [1.0], [2.0]].view(), &[false, true, true], None).unwrap();
    /// assert_eq!(m.coef().len(), 1);
    /// ```
    pub fn coef(&self) -> &[f64] {
        &self.coef
    }

    /// Intercept on the standardised scale.
    ///
    /// ```
    /// # use ndarray::array;
    /// let m = segcore::churn::LogisticChurn::params()
    ///     .fit(array![[0.0], [1.0], [2.0]].view(), &[false, true, true], None).unwrap();
    /// assert!(m.intercept() > 0.0);
    /// ```
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// Coefficients on the original feature scale (`coef_j / std_j`).
    ///
    /// ```
    /// # use ndarray::array;
    /// let m = segcore::churn::LogisticChurn::params()
    ///     .fit(array![[0.0], [10.0], [20.0]].view(), &[false, true, true], None).unwrap();
    /// assert!((m.coef_original()[0] - m.coef()[0] / m.scale()[0]).abs() < 1e-15);
    /// ```
    pub fn coef_original(&self) -> Vec<f64> {
        self.coef
            .iter()
            .zip(&self.scale)
            .map(|(c, s)| c / s)
            .collect()
    }

    /// Intercept on the original feature scale (`b - sum_j coef_j mean_j / std_j`).
    ///
    /// ```
    /// # use ndarray::array;
    /// let m = segcore::churn::LogisticChurn::params()
    ///     .fit(array![[0.0], [10.0], [20.0]].view(), &[false, true, true], None).unwrap();
    /// let z = m.decision_function(array![[0.0]].view()).unwrap()[0];
    /// assert!((z - m.intercept_original()).abs() < 1e-12);
    /// ```
    pub fn intercept_original(&self) -> f64 {
        self.intercept
            - self
                .coef
                .iter()
                .zip(&self.mean)
                .zip(&self.scale)
                .map(|((c, m), s)| c * m / s)
                .sum::<f64>()
    }

    /// Feature means used for standardisation (zeros when standardisation is off).
    ///
    /// ```
    /// # use ndarray::array;
    /// let m = segcore::churn::LogisticChurn::params()
    ///     .fit(array![[0.0], [1.0], [2.0]].view(), &[false, true, true], None).unwrap();
    /// assert_eq!(m.mean(), &[1.0]);
    /// ```
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// Feature standard deviations used for standardisation (population std; 1 for constant
    /// features or when standardisation is off).
    ///
    /// ```
    /// # use ndarray::array;
    /// let m = segcore::churn::LogisticChurn::params()
    ///     .fit(array![[0.0], [2.0]].view(), &[false, true], None).unwrap();
    /// assert_eq!(m.scale(), &[1.0]);
    /// ```
    pub fn scale(&self) -> &[f64] {
        &self.scale
    }

    /// Newton iterations used by the fit.
    ///
    /// ```
    /// # use ndarray::array;
    /// let m = segcore::churn::LogisticChurn::params()
    ///     .fit(array![[0.0], [1.0], [2.0]].view(), &[false, true, true], None).unwrap();
    /// assert!(m.n_iter() >= 1);
    /// ```
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Number of features the model was fitted on.
    ///
    /// ```
    /// # use ndarray::array;
    /// let m = segcore::churn::LogisticChurn::params()
    ///     .fit(array![[0.0, 1.0], [1.0, 0.0]].view(), &[false, true], None).unwrap();
    /// assert_eq!(m.n_features(), 2);
    /// ```
    pub fn n_features(&self) -> usize {
        self.coef.len()
    }

    /// The settings the model was fitted with.
    ///
    /// ```
    /// # use ndarray::array;
    /// let m = segcore::churn::LogisticChurn::params().c(2.0)
    ///     .fit(array![[0.0], [1.0]].view(), &[false, true], None).unwrap();
    /// assert_eq!(m.fitted_params().c, 2.0);
    /// ```
    pub fn fitted_params(&self) -> &LogisticChurnParams {
        &self.params
    }

    /// Standardised value of feature `j` for raw value `v`.
    pub(crate) fn standardized(&self, j: usize, v: f64) -> f64 {
        (v - self.mean[j]) / self.scale[j]
    }

    /// Log-odds of churn for each row.
    ///
    /// ```
    /// # use ndarray::array;
    /// let x = array![[0.0], [1.0], [2.0]];
    /// let m = segcore::churn::LogisticChurn::params().fit(x.view(), &[false, true, true], None).unwrap();
    /// let z = m.decision_function(x.view()).unwrap();
    /// assert!(z[2] > z[0]);
    /// ```
    pub fn decision_function(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        check_ncols(x, self.coef.len())?;
        check_features(x, false)?;
        let z: Vec<f64> = (0..x.nrows())
            .into_par_iter()
            .map(|i| {
                let r = x.row(i);
                let mut s = self.intercept;
                for (j, v) in r.iter().enumerate() {
                    s += self.coef[j] * self.standardized(j, *v);
                }
                s
            })
            .collect();
        Ok(Array1::from(z))
    }

    /// Churn probability for each row.
    ///
    /// ```
    /// # use ndarray::array;
    /// let x = array![[0.0], [1.0], [2.0]];
    /// let m = segcore::churn::LogisticChurn::params().fit(x.view(), &[false, true, true], None).unwrap();
    /// let p = m.predict_proba(x.view()).unwrap();
    /// assert!(p.iter().all(|v| *v > 0.0 && *v < 1.0));
    /// ```
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        Ok(self.decision_function(x)?.mapv(sigmoid))
    }

    /// Predicted churn (`probability >= 0.5`, i.e. log-odds >= 0) for each row.
    ///
    /// ```
    /// # use ndarray::array;
    /// let x = array![[0.0], [1.0], [2.0], [3.0]];
    /// let m = segcore::churn::LogisticChurn::params().c(100.0)
    ///     .fit(x.view(), &[false, false, true, true], None).unwrap();
    /// assert_eq!(m.predict(x.view()).unwrap(), vec![false, false, true, true]);
    /// ```
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Vec<bool>> {
        Ok(self
            .decision_function(x)?
            .iter()
            .map(|z| *z >= 0.0)
            .collect())
    }
}
