//! Gaussian mixture models fitted by EM, with full or diagonal covariances.
//!
//! Follows scikit-learn's `GaussianMixture`: responsibilities are initialised from k-means
//! labels (or weights, means and covariances are given), `reg_covar` is added to the
//! diagonal of every covariance, E-steps work in log space (log-sum-exp), and EM stops when the
//! mean log-likelihood changes by less than `tol`. With the same initial parameters the fitted
//! weights, means and covariances equal scikit-learn's (see `tests/cluster_gmm.rs`).
//! Per-row work runs on fixed row chunks merged in chunk order (thread-count independent).
//!
//! ```
//! use segcore::cluster::gmm::{CovarianceType, GaussianMixture};
//! let x = ndarray::array![[0.0, 0.1], [0.2, 0.0], [0.1, 0.2], [5.0, 5.1], [5.2, 5.0], [5.1, 5.2]];
//! let g = GaussianMixture::params(2).covariance_type(CovarianceType::Diag).seed(0)
//!     .fit(x.view()).unwrap();
//! let p = g.predict(x.view()).unwrap();
//! assert_eq!(p[0], p[1]);
//! assert_ne!(p[0], p[3]);
//! assert!(g.converged);
//! ```

use crate::progress::Monitor;
use ndarray::{Array1, Array2, Array3, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::kmeans::KMeans;
use super::util::{CHUNK, check_cols, check_matrix, flat, standard, to_array2};
use crate::model::ModelKind;
use crate::{Result, SegError};

/// Shape of the component covariances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum CovarianceType {
    /// One full `d x d` matrix per component (default).
    #[default]
    Full,
    /// One variance per feature per component.
    Diag,
}

/// Component covariances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Covariances {
    /// `k x d x d`.
    Full(Array3<f64>),
    /// `k x d`.
    Diag(Array2<f64>),
}

/// Initialisation of EM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub enum GmmInit {
    /// Responsibilities from the labels of one k-means run (default).
    #[default]
    KMeans,
    /// These weights (k), means (k x d) and covariances.
    Given {
        /// Mixing weights.
        weights: Array1<f64>,
        /// Means.
        means: Array2<f64>,
        /// Covariances (same type as the model's).
        covariances: Covariances,
    },
}

/// Parameters of a Gaussian mixture fit; build with [`GaussianMixture::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaussianMixtureParams {
    /// Number of components.
    pub k: usize,
    /// Covariance shape (default full).
    pub covariance_type: CovarianceType,
    /// Convergence threshold on the change of the mean log-likelihood (default 1e-3).
    pub tol: f64,
    /// Added to covariance diagonals (default 1e-6).
    pub reg_covar: f64,
    /// Maximum EM iterations per initialisation (default 100).
    pub max_iter: usize,
    /// Initialisations; the best lower bound is kept (default 1).
    pub n_init: usize,
    /// Seed of the k-means initialisation (default 0).
    pub seed: u64,
    /// Initialisation (default k-means).
    pub init: GmmInit,
}

macro_rules! setter {
    ($(#[$m:meta])* $name:ident: $t:ty) => {
        $(#[$m])*
        pub fn $name(mut self, v: $t) -> Self {
            self.$name = v;
            self
        }
    };
}

impl GaussianMixtureParams {
    setter!(
        /// Sets the covariance type.
        ///
        /// ```
        /// use segcore::cluster::gmm::{CovarianceType, GaussianMixture};
        /// let p = GaussianMixture::params(2).covariance_type(CovarianceType::Diag);
        /// assert_eq!(p.covariance_type, CovarianceType::Diag);
        /// ```
        covariance_type: CovarianceType
    );
    setter!(
        /// Sets the tolerance.
        ///
        /// ```
        /// assert_eq!(segcore::cluster::gmm::GaussianMixture::params(2).tol(1e-6).tol, 1e-6);
        /// ```
        tol: f64
    );
    setter!(
        /// Sets the covariance regularisation.
        ///
        /// ```
        /// assert_eq!(segcore::cluster::gmm::GaussianMixture::params(2).reg_covar(1e-4).reg_covar, 1e-4);
        /// ```
        reg_covar: f64
    );
    setter!(
        /// Sets the maximum number of EM iterations.
        ///
        /// ```
        /// assert_eq!(segcore::cluster::gmm::GaussianMixture::params(2).max_iter(9).max_iter, 9);
        /// ```
        max_iter: usize
    );
    setter!(
        /// Sets the number of initialisations.
        ///
        /// ```
        /// assert_eq!(segcore::cluster::gmm::GaussianMixture::params(2).n_init(3).n_init, 3);
        /// ```
        n_init: usize
    );
    setter!(
        /// Sets the seed.
        ///
        /// ```
        /// assert_eq!(segcore::cluster::gmm::GaussianMixture::params(2).seed(5).seed, 5);
        /// ```
        seed: u64
    );
    setter!(
        /// Sets the initialisation.
        ///
        /// ```
        /// use segcore::cluster::gmm::{GaussianMixture, GmmInit};
        /// assert_eq!(GaussianMixture::params(2).init(GmmInit::KMeans).init, GmmInit::KMeans);
        /// ```
        init: GmmInit
    );

    fn validate(&self, n: usize, d: usize) -> Result<()> {
        if self.k == 0 || self.k > n {
            return Err(SegError::param(
                "k",
                format!("need 1 <= k <= {n}, got {}", self.k),
            ));
        }
        if self.max_iter == 0 || self.n_init == 0 {
            return Err(SegError::param("max_iter/n_init", "must be at least 1"));
        }
        if !self.tol.is_finite() || self.tol < 0.0 {
            return Err(SegError::param("tol", "must be finite and >= 0"));
        }
        if !self.reg_covar.is_finite() || self.reg_covar < 0.0 {
            return Err(SegError::param("reg_covar", "must be finite and >= 0"));
        }
        if let GmmInit::Given {
            weights,
            means,
            covariances,
        } = &self.init
        {
            let k = self.k;
            let ok = weights.len() == k
                && means.dim() == (k, d)
                && match (covariances, self.covariance_type) {
                    (Covariances::Full(c), CovarianceType::Full) => c.dim() == (k, d, d),
                    (Covariances::Diag(c), CovarianceType::Diag) => c.dim() == (k, d),
                    _ => false,
                };
            if !ok {
                return Err(SegError::shape(format!(
                    "initial parameters do not match k = {k}, d = {d} and the covariance type"
                )));
            }
            if weights.iter().any(|w| !w.is_finite() || *w < 0.0)
                || (weights.sum() - 1.0).abs() > 1e-6
            {
                return Err(SegError::param(
                    "init.weights",
                    "must be non-negative and sum to 1",
                ));
            }
        }
        Ok(())
    }

    /// Fits the mixture by EM.
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [0.1], [0.2], [4.0], [4.1], [4.3]];
    /// let g = segcore::cluster::gmm::GaussianMixture::params(2).fit(x.view()).unwrap();
    /// assert!((g.weights.sum() - 1.0).abs() < 1e-12);
    /// ```
    pub fn fit(&self, x: ArrayView2<f64>) -> Result<GaussianMixture> {
        self.fit_with(x, &Monitor::new())
    }

    /// [`fit`](Self::fit) reporting EM iterations to `monitor` and stopping with
    /// [`SegError::Cancelled`] when it is cancelled.
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [0.1], [0.2], [4.0], [4.1], [4.3]];
    /// let m = segcore::progress::Monitor::new();
    /// let g = segcore::cluster::gmm::GaussianMixture::params(2).fit_with(x.view(), &m).unwrap();
    /// assert_eq!(m.latest().unwrap().stage, "gaussian mixture");
    /// assert!(g.converged);
    /// ```
    pub fn fit_with(&self, x: ArrayView2<f64>, monitor: &Monitor) -> Result<GaussianMixture> {
        monitor.check("gaussian mixture")?;
        check_matrix(&x, "x")?;
        let (n, d) = x.dim();
        self.validate(n, d)?;
        let xs = standard(x);
        let xf = flat(&xs)?;
        let mut best: Option<GaussianMixture> = None;
        for init in 0..self.n_init {
            let mut model = match &self.init {
                GmmInit::Given {
                    weights,
                    means,
                    covariances,
                } => GaussianMixture::from_parts(
                    weights.clone(),
                    means.clone(),
                    covariances.clone(),
                )?,
                GmmInit::KMeans => {
                    let km = KMeans::params(self.k)
                        .seed(self.seed.wrapping_add(init as u64))
                        .fit_with(x, None, monitor)?;
                    let mut resp = vec![0.0; n * self.k];
                    for (i, &l) in km.labels.iter().enumerate() {
                        resp[i * self.k + l] = 1.0;
                    }
                    m_step(
                        xf,
                        n,
                        d,
                        self.k,
                        &resp,
                        self.reg_covar,
                        self.covariance_type,
                    )?
                }
            };
            let mut lower = f64::NEG_INFINITY;
            let mut converged = false;
            let mut n_iter = 0;
            for it in 1..=self.max_iter {
                let done = (init * self.max_iter + it) as u64;
                monitor.step(
                    "gaussian mixture",
                    done,
                    (self.n_init * self.max_iter) as u64,
                )?;
                let prev = lower;
                let (ll, resp) = model.e_step(xf, n, d);
                model = m_step(
                    xf,
                    n,
                    d,
                    self.k,
                    &resp,
                    self.reg_covar,
                    self.covariance_type,
                )?;
                lower = ll;
                n_iter = it;
                if !lower.is_finite() {
                    return Err(SegError::Numerical {
                        context: "GaussianMixture EM".into(),
                        reason: format!("log-likelihood is {lower}"),
                    });
                }
                if (lower - prev).abs() < self.tol {
                    converged = true;
                    break;
                }
            }
            model.converged = converged;
            model.n_iter = n_iter;
            model.lower_bound = lower;
            if best.as_ref().is_none_or(|b| lower > b.lower_bound) {
                best = Some(model);
            }
        }
        best.ok_or_else(|| SegError::param("n_init", "no initialisation was run"))
    }
}

/// Lower Cholesky factor of a symmetric positive-definite matrix (row-major `d x d`).
fn cholesky(a: &[f64], d: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; d * d];
    for i in 0..d {
        for j in 0..=i {
            let mut s = a[i * d + j];
            for t in 0..j {
                s -= l[i * d + t] * l[j * d + t];
            }
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i * d + i] = s.sqrt();
            } else {
                l[i * d + j] = s / l[j * d + j];
            }
        }
    }
    Some(l)
}

fn log_sum_exp(v: &[f64]) -> f64 {
    let m = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// M-step: weights, means and covariances from responsibilities (`n x k`, row-major).
fn m_step(
    x: &[f64],
    n: usize,
    d: usize,
    k: usize,
    resp: &[f64],
    reg: f64,
    ct: CovarianceType,
) -> Result<GaussianMixture> {
    // weighted sums per chunk, merged in chunk order
    let parts: Vec<(Vec<f64>, Vec<f64>)> = x
        .par_chunks(CHUNK * d)
        .zip(resp.par_chunks(CHUNK * k))
        .map(|(xc, rc)| {
            let mut nk = vec![0.0; k];
            let mut sx = vec![0.0; k * d];
            for (r, rr) in xc.chunks_exact(d).zip(rc.chunks_exact(k)) {
                for c in 0..k {
                    nk[c] += rr[c];
                    for t in 0..d {
                        sx[c * d + t] += rr[c] * r[t];
                    }
                }
            }
            (nk, sx)
        })
        .collect();
    let mut nk = vec![10.0 * f64::EPSILON; k];
    let mut means = vec![0.0; k * d];
    for (a, b) in &parts {
        for c in 0..k {
            nk[c] += a[c];
        }
        for (m, v) in means.iter_mut().zip(b) {
            *m += v;
        }
    }
    for c in 0..k {
        for t in 0..d {
            means[c * d + t] /= nk[c];
        }
    }
    let width = match ct {
        CovarianceType::Full => d * d,
        CovarianceType::Diag => d,
    };
    let mref = &means;
    let parts: Vec<Vec<f64>> = x
        .par_chunks(CHUNK * d)
        .zip(resp.par_chunks(CHUNK * k))
        .map(|(xc, rc)| {
            let mut s = vec![0.0; k * width];
            let mut diff = vec![0.0; d];
            for (r, rr) in xc.chunks_exact(d).zip(rc.chunks_exact(k)) {
                for c in 0..k {
                    for t in 0..d {
                        diff[t] = r[t] - mref[c * d + t];
                    }
                    let w = rr[c];
                    let block = &mut s[c * width..(c + 1) * width];
                    match ct {
                        CovarianceType::Full => {
                            for a in 0..d {
                                let wa = w * diff[a];
                                for b in 0..d {
                                    block[a * d + b] += wa * diff[b];
                                }
                            }
                        }
                        CovarianceType::Diag => {
                            for a in 0..d {
                                block[a] += w * diff[a] * diff[a];
                            }
                        }
                    }
                }
            }
            s
        })
        .collect();
    let mut cov = vec![0.0; k * width];
    for p in &parts {
        for (a, b) in cov.iter_mut().zip(p) {
            *a += b;
        }
    }
    for c in 0..k {
        for v in cov[c * width..(c + 1) * width].iter_mut() {
            *v /= nk[c];
        }
        match ct {
            CovarianceType::Full => {
                for a in 0..d {
                    cov[c * width + a * d + a] += reg;
                }
            }
            CovarianceType::Diag => {
                for a in 0..d {
                    cov[c * width + a] += reg;
                }
            }
        }
    }
    let total: f64 = nk.iter().sum();
    let weights = Array1::from_iter(nk.iter().map(|v| v / total));
    let means = to_array2(means, k, d)?;
    let covariances = match ct {
        CovarianceType::Full => Covariances::Full(
            Array3::from_shape_vec((k, d, d), cov).map_err(|e| SegError::shape(e.to_string()))?,
        ),
        CovarianceType::Diag => Covariances::Diag(to_array2(cov, k, d)?),
    };
    let _ = n;
    GaussianMixture::from_parts(weights, means, covariances)
}

/// A fitted Gaussian mixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaussianMixture {
    /// Mixing weights (sum to 1).
    pub weights: Array1<f64>,
    /// Component means, `k x d`.
    pub means: Array2<f64>,
    /// Component covariances.
    pub covariances: Covariances,
    /// Whether EM met the tolerance before `max_iter`.
    pub converged: bool,
    /// EM iterations of the kept initialisation.
    pub n_iter: usize,
    /// Mean log-likelihood of the training data at the last E-step.
    pub lower_bound: f64,
    /// Lower Cholesky factors (full: `k x d x d` flattened) or standard deviations (diag).
    chol: Vec<f64>,
}

impl GaussianMixture {
    /// Default parameters for `k` components.
    ///
    /// ```
    /// let p = segcore::cluster::gmm::GaussianMixture::params(3);
    /// assert_eq!((p.k, p.max_iter, p.tol, p.reg_covar), (3, 100, 1e-3, 1e-6));
    /// ```
    pub fn params(k: usize) -> GaussianMixtureParams {
        GaussianMixtureParams {
            k,
            covariance_type: CovarianceType::Full,
            tol: 1e-3,
            reg_covar: 1e-6,
            max_iter: 100,
            n_init: 1,
            seed: 0,
            init: GmmInit::KMeans,
        }
    }

    fn from_parts(
        weights: Array1<f64>,
        means: Array2<f64>,
        covariances: Covariances,
    ) -> Result<Self> {
        let (k, d) = means.dim();
        let bad = || SegError::Numerical {
            context: "GaussianMixture".into(),
            reason:
                "a covariance is not positive definite; increase reg_covar or scale the features"
                    .into(),
        };
        let chol = match &covariances {
            Covariances::Full(c) => {
                let mut out = Vec::with_capacity(k * d * d);
                for comp in c.outer_iter() {
                    let a: Vec<f64> = comp.iter().copied().collect();
                    out.extend(cholesky(&a, d).ok_or_else(bad)?);
                }
                out
            }
            Covariances::Diag(c) => {
                if c.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
                    return Err(bad());
                }
                c.iter().map(|v| v.sqrt()).collect()
            }
        };
        Ok(GaussianMixture {
            weights,
            means,
            covariances,
            converged: false,
            n_iter: 0,
            lower_bound: f64::NEG_INFINITY,
            chol,
        })
    }

    /// Number of components.
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [1.0], [5.0], [6.0]];
    /// assert_eq!(segcore::cluster::gmm::GaussianMixture::params(2).fit(x.view()).unwrap().k(), 2);
    /// ```
    pub fn k(&self) -> usize {
        self.means.nrows()
    }

    /// `log(weight_c) + log N(x | c)` for every component of one row.
    fn weighted_log_prob(&self, r: &[f64], out: &mut [f64]) {
        let d = r.len();
        let ln2pi = (2.0 * std::f64::consts::PI).ln();
        let mut z = vec![0.0; d];
        for (c, o) in out.iter_mut().enumerate() {
            let mu = self.means.row(c);
            let (maha, log_det) = match &self.covariances {
                Covariances::Full(_) => {
                    let l = &self.chol[c * d * d..(c + 1) * d * d];
                    // forward substitution L z = x - mu
                    let mut logdet = 0.0;
                    for i in 0..d {
                        let mut s = r[i] - mu[i];
                        for t in 0..i {
                            s -= l[i * d + t] * z[t];
                        }
                        z[i] = s / l[i * d + i];
                        logdet += l[i * d + i].ln();
                    }
                    (z.iter().map(|v| v * v).sum::<f64>(), logdet)
                }
                Covariances::Diag(_) => {
                    let sd = &self.chol[c * d..(c + 1) * d];
                    let mut m = 0.0;
                    let mut logdet = 0.0;
                    for i in 0..d {
                        let v = (r[i] - mu[i]) / sd[i];
                        m += v * v;
                        logdet += sd[i].ln();
                    }
                    (m, logdet)
                }
            };
            *o = self.weights[c].ln() - 0.5 * (d as f64 * ln2pi + maha) - log_det;
        }
    }

    /// E-step: mean log-likelihood and responsibilities (`n x k`, row-major).
    fn e_step(&self, x: &[f64], n: usize, d: usize) -> (f64, Vec<f64>) {
        let k = self.k();
        let mut resp = vec![0.0; n * k];
        let parts: Vec<f64> = resp
            .par_chunks_mut(CHUNK * k)
            .zip(x.par_chunks(CHUNK * d))
            .map(|(rc, xc)| {
                let mut s = 0.0;
                for (rr, r) in rc.chunks_exact_mut(k).zip(xc.chunks_exact(d)) {
                    self.weighted_log_prob(r, rr);
                    let lse = log_sum_exp(rr);
                    s += lse;
                    for v in rr.iter_mut() {
                        *v = (*v - lse).exp();
                    }
                }
                s
            })
            .collect();
        (parts.iter().sum::<f64>() / n as f64, resp)
    }

    fn checked<'a>(
        &self,
        x: &'a ArrayView2<'a, f64>,
    ) -> Result<ndarray::CowArray<'a, f64, ndarray::Ix2>> {
        check_matrix(x, "x")?;
        check_cols(x, self.means.ncols(), "x")?;
        Ok(standard(x.view()))
    }

    /// Posterior probability of each component for each row (`n x k`).
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [0.1], [5.0], [5.1]];
    /// let g = segcore::cluster::gmm::GaussianMixture::params(2).fit(x.view()).unwrap();
    /// let p = g.predict_proba(x.view()).unwrap();
    /// assert!((p.row(0).sum() - 1.0).abs() < 1e-12);
    /// ```
    pub fn predict_proba(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        let xs = self.checked(&x)?;
        let (n, d) = x.dim();
        let (_, resp) = self.e_step(flat(&xs)?, n, d);
        to_array2(resp, n, self.k())
    }

    /// Most probable component of each row.
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [0.1], [5.0], [5.1]];
    /// let g = segcore::cluster::gmm::GaussianMixture::params(2).fit(x.view()).unwrap();
    /// let l = g.predict(x.view()).unwrap();
    /// assert_eq!(l[0], l[1]);
    /// ```
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<usize>> {
        let p = self.predict_proba(x)?;
        Ok(p.outer_iter()
            .map(|r| {
                let mut b = 0;
                for c in 1..r.len() {
                    if r[c] > r[b] {
                        b = c;
                    }
                }
                b
            })
            .collect())
    }

    /// Log-likelihood of each row.
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [0.1], [5.0], [5.1]];
    /// let g = segcore::cluster::gmm::GaussianMixture::params(2).fit(x.view()).unwrap();
    /// assert_eq!(g.score_samples(x.view()).unwrap().len(), 4);
    /// ```
    pub fn score_samples(&self, x: ArrayView2<f64>) -> Result<Array1<f64>> {
        let xs = self.checked(&x)?;
        let d = x.ncols();
        let k = self.k();
        Ok(flat(&xs)?
            .par_chunks(d)
            .map(|r| {
                let mut v = vec![0.0; k];
                self.weighted_log_prob(r, &mut v);
                log_sum_exp(&v)
            })
            .collect::<Vec<f64>>()
            .into())
    }

    /// Mean log-likelihood of the rows of `x`.
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [0.1], [5.0], [5.1]];
    /// let g = segcore::cluster::gmm::GaussianMixture::params(2).fit(x.view()).unwrap();
    /// assert!(g.score(x.view()).unwrap().is_finite());
    /// ```
    pub fn score(&self, x: ArrayView2<f64>) -> Result<f64> {
        let xs = self.checked(&x)?;
        let (n, d) = x.dim();
        Ok(self.e_step(flat(&xs)?, n, d).0)
    }

    /// Number of free parameters: `k d` means, covariances (`k d (d+1)/2` full, `k d` diag) and
    /// `k - 1` weights.
    ///
    /// ```
    /// let x = ndarray::array![[0.0, 1.0], [0.1, 0.0], [5.0, 5.0], [5.1, 4.0]];
    /// let g = segcore::cluster::gmm::GaussianMixture::params(2).fit(x.view()).unwrap();
    /// assert_eq!(g.n_parameters(), 2 * 2 + 2 * 3 + 1);
    /// ```
    pub fn n_parameters(&self) -> usize {
        let (k, d) = self.means.dim();
        let cov = match self.covariances {
            Covariances::Full(_) => k * d * (d + 1) / 2,
            Covariances::Diag(_) => k * d,
        };
        k * d + cov + k - 1
    }

    /// Bayesian information criterion on `x` (lower is better).
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [0.1], [5.0], [5.1]];
    /// let g = segcore::cluster::gmm::GaussianMixture::params(2).fit(x.view()).unwrap();
    /// assert!(g.bic(x.view()).unwrap() > g.aic(x.view()).unwrap() - 100.0);
    /// ```
    pub fn bic(&self, x: ArrayView2<f64>) -> Result<f64> {
        let n = x.nrows() as f64;
        Ok(-2.0 * self.score(x)? * n + self.n_parameters() as f64 * n.ln())
    }

    /// Akaike information criterion on `x` (lower is better).
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [0.1], [5.0], [5.1]];
    /// let g = segcore::cluster::gmm::GaussianMixture::params(2).fit(x.view()).unwrap();
    /// assert!(g.aic(x.view()).unwrap().is_finite());
    /// ```
    pub fn aic(&self, x: ArrayView2<f64>) -> Result<f64> {
        let n = x.nrows() as f64;
        Ok(-2.0 * self.score(x)? * n + 2.0 * self.n_parameters() as f64)
    }
}

impl ModelKind for GaussianMixture {
    const KIND: &'static str = "GaussianMixture";
}
