//! Maximum-likelihood machinery shared by the CLV models: sufficient statistics of a batch
//! (`LogLikStats`, merged in a fixed order), a BFGS quasi-Newton minimiser on log-parameters
//! with a backtracking Armijo line search, and standard errors from the Hessian.
//!
//! ```
//! use segcore::clv::optim::LogLikStats;
//! let mut a = LogLikStats::zero(2);
//! a.merge(&LogLikStats { weight: 1.0, loglik: -2.0, grad: vec![0.5, 1.0] });
//! assert_eq!(a.loglik, -2.0);
//! ```

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::summary::{SummaryBatch, WeightedSummary};
use crate::{Result, SegError};

/// Rows per chunk in parallel likelihood evaluations; fixed so results do not depend on the
/// number of threads.
pub const CHUNK_ROWS: usize = 2048;

/// Weighted log-likelihood and its gradient (natural-scale parameters) over a batch of
/// customers. Statistics of disjoint batches add up with [`LogLikStats::merge`].
///
/// ```
/// use segcore::clv::optim::LogLikStats;
/// let s = LogLikStats::zero(3);
/// assert_eq!(s.grad.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogLikStats {
    /// Total weight (customers) in the batch.
    pub weight: f64,
    /// Weighted sum of log-likelihoods.
    pub loglik: f64,
    /// Weighted sum of the gradients with respect to the natural-scale parameters.
    pub grad: Vec<f64>,
}

impl LogLikStats {
    /// Empty statistics for `n_params` parameters.
    ///
    /// ```
    /// assert_eq!(segcore::clv::optim::LogLikStats::zero(4).weight, 0.0);
    /// ```
    pub fn zero(n_params: usize) -> Self {
        LogLikStats {
            weight: 0.0,
            loglik: 0.0,
            grad: vec![0.0; n_params],
        }
    }

    /// Adds the statistics of another batch.
    ///
    /// ```
    /// use segcore::clv::optim::LogLikStats;
    /// let mut a = LogLikStats { weight: 1.0, loglik: -1.0, grad: vec![1.0] };
    /// a.merge(&a.clone());
    /// assert_eq!(a.grad, vec![2.0]);
    /// ```
    pub fn merge(&mut self, other: &LogLikStats) {
        self.weight += other.weight;
        self.loglik += other.loglik;
        for (g, o) in self.grad.iter_mut().zip(&other.grad) {
            *g += o;
        }
    }

    /// Adds one row's log-likelihood and gradient with weight `w`.
    pub(crate) fn add_row(&mut self, w: f64, ll: f64, grad: &[f64]) {
        self.weight += w;
        self.loglik += w * ll;
        for (g, d) in self.grad.iter_mut().zip(grad) {
            *g += w * d;
        }
    }
}

/// Evaluates `partial` on fixed-size chunks in parallel and merges them in chunk order.
pub(crate) fn sum_stats<F>(data: &WeightedSummary, n_params: usize, partial: F) -> LogLikStats
where
    F: Fn(SummaryBatch<'_>) -> LogLikStats + Sync,
{
    let batches: Vec<SummaryBatch<'_>> = data.batches(CHUNK_ROWS).collect();
    let parts: Vec<LogLikStats> = batches.into_par_iter().map(&partial).collect();
    let mut total = LogLikStats::zero(n_params);
    for p in &parts {
        total.merge(p);
    }
    total
}

/// Evaluates `partial` on fixed-size index ranges `[lo, hi)` of `0..n` in parallel and
/// merges them in range order.
pub(crate) fn sum_ranges<F>(n: usize, n_params: usize, partial: F) -> LogLikStats
where
    F: Fn(std::ops::Range<usize>) -> LogLikStats + Sync,
{
    let parts: Vec<LogLikStats> = (0..n.div_ceil(CHUNK_ROWS))
        .into_par_iter()
        .map(|k| partial(k * CHUNK_ROWS..((k + 1) * CHUNK_ROWS).min(n)))
        .collect();
    let mut total = LogLikStats::zero(n_params);
    for p in &parts {
        total.merge(p);
    }
    total
}

/// Distinct values of the `t` and `t_x` columns of a weighted summary with, per row, the
/// index of its values; lets a likelihood evaluate `ln(α + t)` once per distinct time.
pub(crate) struct TimeTable {
    pub values: Vec<f64>,
    pub idx_t: Vec<u32>,
    pub idx_tx: Vec<u32>,
}

impl TimeTable {
    /// `None` when the times are nearly all distinct (a table would not pay off).
    pub(crate) fn build(data: &WeightedSummary) -> Option<TimeTable> {
        let mut seen: rustc_hash::FxHashMap<u64, u32> = rustc_hash::FxHashMap::default();
        let mut values = Vec::new();
        let limit = data.len() / 4 + 16;
        let mut idx = |v: f64| -> Option<u32> {
            let n = seen.len() as u32;
            let j = *seen.entry((v + 0.0).to_bits()).or_insert(n);
            if j == n {
                values.push(v);
            }
            (values.len() <= limit).then_some(j)
        };
        let mut idx_t = Vec::with_capacity(data.len());
        let mut idx_tx = Vec::with_capacity(data.len());
        for i in 0..data.len() {
            idx_t.push(idx(data.t[i])?);
            idx_tx.push(idx(data.t_x[i])?);
        }
        Some(TimeTable {
            values,
            idx_t,
            idx_tx,
        })
    }
}

/// Settings of the optimiser, shared by the model builders.
///
/// ```
/// let s = segcore::clv::optim::OptimSettings::default();
/// assert_eq!(s.max_iter, 500);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimSettings {
    /// Maximum number of BFGS iterations.
    pub max_iter: usize,
    /// Convergence threshold on the largest absolute gradient component of the objective
    /// (mean negative log-likelihood per customer plus penalty) with respect to the
    /// log-parameters.
    pub tol: f64,
    /// L2 penalty on the natural-scale parameters (`penalizer_coef` in lifetimes).
    pub l2: f64,
}

impl Default for OptimSettings {
    fn default() -> Self {
        OptimSettings {
            max_iter: 500,
            tol: 1e-8,
            l2: 0.0,
        }
    }
}

impl OptimSettings {
    pub(crate) fn validate(&self) -> Result<()> {
        if self.max_iter == 0 {
            return Err(SegError::param("max_iter", "must be at least 1"));
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(SegError::param("tol", "must be finite and > 0"));
        }
        if !(self.l2.is_finite() && self.l2 >= 0.0) {
            return Err(SegError::param("l2", "must be finite and >= 0"));
        }
        Ok(())
    }
}

/// How an optimisation ended.
///
/// ```
/// let r = segcore::clv::optim::FitReport { iterations: 3, grad_norm: 1e-10, converged: true,
///                                          message: "ok".into() };
/// assert!(r.converged);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitReport {
    /// BFGS iterations run.
    pub iterations: usize,
    /// Largest absolute gradient component (log-parameters, per-customer objective) at the end.
    pub grad_norm: f64,
    /// Whether the convergence test passed.
    pub converged: bool,
    /// Human-readable reason for stopping.
    pub message: String,
}

/// Result of a maximum-likelihood fit.
#[derive(Debug, Clone)]
pub(crate) struct MleFit {
    pub params: Vec<f64>,
    pub log_likelihood: f64,
    pub standard_errors: Option<Vec<f64>>,
    pub report: FitReport,
}

fn inf_norm(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Maximises the weighted log-likelihood given by `eval` (natural-scale parameters →
/// statistics) starting from `init` (natural scale, all > 0).
pub(crate) fn fit_mle<F>(
    model: &str,
    init: &[f64],
    settings: &OptimSettings,
    eval: F,
) -> Result<MleFit>
where
    F: Fn(&[f64]) -> Result<LogLikStats>,
{
    fit_mle_from(model, init, settings, eval, false)
}

/// [`fit_mle`]; with `hessian_start` (for a start near the optimum, e.g. from a subsample
/// fit) the BFGS inverse-Hessian approximation starts from the inverse of a
/// finite-difference Hessian at the start (identity if that is not positive definite).
pub(crate) fn fit_mle_from<F>(
    model: &str,
    init: &[f64],
    settings: &OptimSettings,
    eval: F,
    hessian_start: bool,
) -> Result<MleFit>
where
    F: Fn(&[f64]) -> Result<LogLikStats>,
{
    settings.validate()?;
    let p = init.len();
    if let Some(v) = init.iter().find(|v| !(v.is_finite() && **v > 0.0)) {
        return Err(SegError::param(
            "initial",
            format!("initial parameter values must be finite and > 0, got {v}"),
        ));
    }
    // Objective on u = ln(theta): mean negative log-likelihood + l2 * sum theta^2.
    let objective = |u: &[f64]| -> Result<Option<(f64, Vec<f64>)>> {
        let theta: Vec<f64> = u.iter().map(|v| v.exp()).collect();
        if theta.iter().any(|t| !(t.is_finite() && *t > 0.0)) {
            return Ok(None);
        }
        let s = match eval(&theta) {
            Ok(s) => s,
            Err(SegError::Numerical { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        if s.weight <= 0.0 {
            return Err(SegError::Empty {
                what: "summary".into(),
            });
        }
        let f = -s.loglik / s.weight + settings.l2 * theta.iter().map(|t| t * t).sum::<f64>();
        let g: Vec<f64> = (0..p)
            .map(|j| -s.grad[j] / s.weight * theta[j] + 2.0 * settings.l2 * theta[j] * theta[j])
            .collect();
        if f.is_finite() && g.iter().all(|v| v.is_finite()) {
            Ok(Some((f, g)))
        } else {
            Ok(None)
        }
    };
    let mut u: Vec<f64> = init.iter().map(|v| v.ln()).collect();
    let (mut f, mut g) = objective(&u)?.ok_or_else(|| SegError::Numerical {
        context: format!("{model} fit"),
        reason: "log-likelihood is not finite at the initial parameters".into(),
    })?;
    // inverse Hessian approximation, row-major
    let mut h = vec![0.0; p * p];
    for i in 0..p {
        h[i * p + i] = 1.0;
    }
    let mut first = true;
    if hessian_start {
        let hstep = 1e-5;
        let mut hess = vec![0.0; p * p];
        let mut ok = true;
        for j in 0..p {
            let mut uj = u.clone();
            uj[j] += hstep;
            match objective(&uj)? {
                Some((_, gj)) => {
                    for i in 0..p {
                        hess[i * p + j] = (gj[i] - g[i]) / hstep;
                    }
                }
                None => ok = false,
            }
        }
        for i in 0..p {
            for j in 0..i {
                let m = 0.5 * (hess[i * p + j] + hess[j * p + i]);
                hess[i * p + j] = m;
                hess[j * p + i] = m;
            }
        }
        if let Some(inv) = ok.then(|| invert_spd(&hess, p)).flatten() {
            h = inv;
            first = false;
        }
    }
    let mut iterations = 0;
    let mut converged = inf_norm(&g) < settings.tol;
    let mut message = String::from("gradient below tolerance");
    let mut stalled = 0;
    while !converged && iterations < settings.max_iter {
        iterations += 1;
        let mut d: Vec<f64> = (0..p)
            .map(|i| -(0..p).map(|j| h[i * p + j] * g[j]).sum::<f64>())
            .collect();
        let mut slope = dot(&g, &d);
        if slope >= 0.0 {
            // not a descent direction: reset to steepest descent
            for i in 0..p {
                for j in 0..p {
                    h[i * p + j] = if i == j { 1.0 } else { 0.0 };
                }
            }
            d = g.iter().map(|v| -v).collect();
            slope = dot(&g, &d);
        }
        let dmax = inf_norm(&d);
        let mut step = if dmax > 2.0 { 2.0 / dmax } else { 1.0 };
        let mut accepted = None;
        for _ in 0..60 {
            let un: Vec<f64> = u.iter().zip(&d).map(|(a, b)| a + step * b).collect();
            if let Some((fn_, gn)) = objective(&un)? {
                if fn_ <= f + 1e-4 * step * slope {
                    accepted = Some((un, fn_, gn));
                    break;
                }
            }
            step *= 0.5;
        }
        let Some((un, fn_, gn)) = accepted else {
            let gnorm = inf_norm(&g);
            if gnorm < settings.tol.sqrt().max(1e-6) {
                converged = true;
                message = "line search made no further progress at machine precision".into();
            } else {
                return Err(SegError::NotConverged {
                    model: model.into(),
                    iterations,
                    grad_norm: gnorm,
                    reason: "line search failed to decrease the negative log-likelihood".into(),
                });
            }
            break;
        };
        let s: Vec<f64> = un.iter().zip(&u).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = gn.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        if sy > 1e-12 * dot(&s, &s).sqrt() * dot(&y, &y).sqrt() {
            if first {
                let scale = sy / dot(&y, &y);
                for v in h.iter_mut() {
                    *v *= scale;
                }
                first = false;
            }
            // BFGS inverse update: H = (I - rho s y^T) H (I - rho y s^T) + rho s s^T
            let rho = 1.0 / sy;
            let hy: Vec<f64> = (0..p)
                .map(|i| (0..p).map(|j| h[i * p + j] * y[j]).sum())
                .collect();
            let yhy = dot(&y, &hy);
            for i in 0..p {
                for j in 0..p {
                    h[i * p + j] += -rho * (hy[i] * s[j] + s[i] * hy[j])
                        + (rho * rho * yhy + rho) * s[i] * s[j];
                }
            }
        }
        if f - fn_ <= 8.0 * f64::EPSILON * f.abs().max(1.0) {
            stalled += 1;
        } else {
            stalled = 0;
        }
        u = un;
        f = fn_;
        g = gn;
        converged = inf_norm(&g) < settings.tol;
        if !converged && stalled >= 3 && inf_norm(&g) < settings.tol.sqrt().max(1e-6) {
            converged = true;
            message = "objective stopped decreasing at machine precision".into();
        }
    }
    let grad_norm = inf_norm(&g);
    if !converged {
        return Err(SegError::NotConverged {
            model: model.into(),
            iterations,
            grad_norm,
            reason: format!(
                "maximum number of iterations ({}) reached",
                settings.max_iter
            ),
        });
    }
    let params: Vec<f64> = u.iter().map(|v| v.exp()).collect();
    if params.iter().any(|v| !v.is_finite()) {
        return Err(SegError::NotConverged {
            model: model.into(),
            iterations,
            grad_norm,
            reason: "parameters diverged".into(),
        });
    }
    let stats = eval(&params)?;
    let standard_errors = standard_errors(&params, &stats.grad, &eval);
    let _ = f;
    Ok(MleFit {
        params,
        log_likelihood: stats.loglik,
        standard_errors,
        report: FitReport {
            iterations,
            grad_norm,
            converged: true,
            message,
        },
    })
}

/// Standard errors from the inverse of the Hessian of the total negative log-likelihood
/// (natural scale), the Hessian taken by forward differences of the analytic gradient `g0`
/// at the optimum (then symmetrised). `None` when the Hessian is not positive definite.
fn standard_errors<F>(theta: &[f64], g0: &[f64], eval: &F) -> Option<Vec<f64>>
where
    F: Fn(&[f64]) -> Result<LogLikStats>,
{
    let p = theta.len();
    let mut hess = vec![0.0; p * p];
    for j in 0..p {
        let hj = 1e-6 * theta[j];
        let mut up = theta.to_vec();
        up[j] += hj;
        let gu = eval(&up).ok()?;
        for i in 0..p {
            hess[i * p + j] = -(gu.grad[i] - g0[i]) / hj;
        }
    }
    for i in 0..p {
        for j in 0..i {
            let m = 0.5 * (hess[i * p + j] + hess[j * p + i]);
            hess[i * p + j] = m;
            hess[j * p + i] = m;
        }
    }
    let inv = invert_spd(&hess, p)?;
    let se: Vec<f64> = (0..p).map(|i| inv[i * p + i].sqrt()).collect();
    se.iter().all(|v| v.is_finite()).then_some(se)
}

/// Inverse of a symmetric positive-definite matrix by Cholesky; `None` if not SPD.
fn invert_spd(a: &[f64], p: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * p + k] * l[j * p + k]).sum();
            if i == j {
                let d = a[i * p + i] - s;
                if d.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                    return None;
                }
                l[i * p + i] = d.sqrt();
            } else {
                l[i * p + j] = (a[i * p + j] - s) / l[j * p + j];
            }
        }
    }
    let mut inv = vec![0.0; p * p];
    for c in 0..p {
        // solve L z = e_c, then L^T x = z
        let mut z = vec![0.0; p];
        for i in 0..p {
            let e = if i == c { 1.0 } else { 0.0 };
            let s: f64 = (0..i).map(|k| l[i * p + k] * z[k]).sum();
            z[i] = (e - s) / l[i * p + i];
        }
        for i in (0..p).rev() {
            let s: f64 = (i + 1..p).map(|k| l[k * p + i] * inv[k * p + c]).sum();
            inv[i * p + c] = (z[i] - s) / l[i * p + i];
        }
    }
    Some(inv)
}

/// Central finite-difference gradient of the total log-likelihood, for checking analytic
/// gradients in tests.
///
/// ```
/// use segcore::clv::optim::{finite_difference_gradient, LogLikStats};
/// let g = finite_difference_gradient(&[2.0], |t| Ok(LogLikStats { weight: 1.0,
///     loglik: -t[0] * t[0], grad: vec![-2.0 * t[0]] })).unwrap();
/// assert!((g[0] + 4.0).abs() < 1e-6);
/// ```
pub fn finite_difference_gradient<F>(theta: &[f64], eval: F) -> Result<Vec<f64>>
where
    F: Fn(&[f64]) -> Result<LogLikStats>,
{
    let mut out = Vec::with_capacity(theta.len());
    for j in 0..theta.len() {
        let h = 1e-5 * theta[j].abs().max(1e-3);
        let mut up = theta.to_vec();
        let mut dn = theta.to_vec();
        up[j] += h;
        dn[j] -= h;
        out.push((eval(&up)?.loglik - eval(&dn)?.loglik) / (2.0 * h));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_spd() {
        let a = [4.0, 1.0, 1.0, 3.0];
        let inv = invert_spd(&a, 2).unwrap();
        let det = 11.0;
        let want = [3.0 / det, -1.0 / det, -1.0 / det, 4.0 / det];
        for (x, y) in inv.iter().zip(want) {
            assert!((x - y).abs() < 1e-14);
        }
        assert!(invert_spd(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
    }

    #[test]
    fn bfgs_finds_gaussian_mle() {
        // loglik of a "model" with maximum at theta = (2, 5): -(ln t0 - ln 2)^2 - (ln t1 - ln 5)^2
        let eval = |t: &[f64]| -> Result<LogLikStats> {
            let (a, b) = (t[0].ln() - 2f64.ln(), t[1].ln() - 5f64.ln());
            Ok(LogLikStats {
                weight: 1.0,
                loglik: -a * a - 3.0 * b * b,
                grad: vec![-2.0 * a / t[0], -6.0 * b / t[1]],
            })
        };
        let fit = fit_mle("toy", &[1.0, 1.0], &OptimSettings::default(), eval).unwrap();
        assert!((fit.params[0] - 2.0).abs() < 1e-8);
        assert!((fit.params[1] - 5.0).abs() < 1e-8);
        let err = fit_mle(
            "toy",
            &[1.0, 1.0],
            &OptimSettings {
                max_iter: 1,
                ..Default::default()
            },
            eval,
        )
        .unwrap_err();
        assert_eq!(err.code(), "NOT_CONVERGED");
    }
}
