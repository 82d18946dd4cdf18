//! k-means clustering: greedy k-means++ seeding, Lloyd and Hamerly iterations, sample weights,
//! several restarts, and mini-batch k-means.
//!
//! Semantics follow scikit-learn's `KMeans`: the tolerance is relative to the data
//! (`tol * mean of the per-feature variances`, compared with the total squared centre shift),
//! iterations stop early when no label changes, empty clusters are re-seeded from the points
//! farthest from their centres, and with the same initial centres the labels, centres and
//! inertia equal scikit-learn's (see `tests/cluster_kmeans.rs`). All passes over the data run
//! on fixed row chunks whose partial sums are merged in chunk order, so results do not depend
//! on the number of threads.
//!
//! ```
//! use ndarray::array;
//! use segcore::cluster::kmeans::KMeans;
//! let x = array![[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]];
//! let km = KMeans::params(2).seed(7).fit(x.view(), None).unwrap();
//! assert_eq!(km.labels[0], km.labels[1]);
//! assert_ne!(km.labels[0], km.labels[2]);
//! assert!((km.inertia - 0.01).abs() < 1e-12);
//! ```

mod hamerly;
mod init;
mod lloyd;
pub mod minibatch;
mod stats;

pub use minibatch::{MiniBatchKMeans, MiniBatchKMeansParams};
pub use stats::KMeansStats;

use crate::progress::Monitor;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cluster::util::{
    CHUNK, CentreBlocks, assign_all, check_cols, check_matrix, column_variances, flat, sq_dist,
    standard, to_array2, weights,
};
use crate::model::ModelKind;
use crate::{Result, SegError};

/// The data of one fit: flat row-major rows and their weights.
pub(crate) struct Data<'a> {
    pub x: &'a [f64],
    pub w: &'a [f64],
    pub n: usize,
    pub d: usize,
}

/// Result of one run from one set of initial centres.
pub(crate) struct RunOut {
    pub centres: Vec<f64>,
    pub labels: Vec<usize>,
    pub inertia: f64,
    pub n_iter: usize,
}

/// Which iteration to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum KMeansAlgorithm {
    /// Hamerly when there are at most 50 features, Lloyd otherwise (bounds prune well in low
    /// dimension and cost one extra pass over the centres per iteration).
    #[default]
    Auto,
    /// Full assignment at every iteration.
    Lloyd,
    /// Bound-based assignment (Hamerly 2010); same iterates as Lloyd.
    Hamerly,
}

/// How the initial centres are chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub enum KMeansInit {
    /// Greedy k-means++ (scikit-learn's: `2 + floor(ln k)` candidates per step).
    #[default]
    KMeansPlusPlus,
    /// These centres (`k x d`); `n_init` is then 1.
    Given(Array2<f64>),
}

/// Parameters of a k-means fit; build with [`KMeans::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeansParams {
    /// Number of clusters.
    pub k: usize,
    /// Number of k-means++ restarts; the run with the lowest inertia is kept (default 1, as
    /// scikit-learn's `n_init="auto"` with k-means++).
    pub n_init: usize,
    /// Maximum iterations per run (default 300).
    pub max_iter: usize,
    /// Relative tolerance (default 1e-4), scaled by the mean per-feature variance.
    pub tol: f64,
    /// Seed of the ChaCha8 stream used by k-means++ (default 0).
    pub seed: u64,
    /// Iteration algorithm (default [`KMeansAlgorithm::Auto`]).
    pub algorithm: KMeansAlgorithm,
    /// Initialisation (default k-means++).
    pub init: KMeansInit,
}

impl KMeansParams {
    /// Sets the number of restarts.
    ///
    /// ```
    /// assert_eq!(segcore::cluster::kmeans::KMeans::params(3).n_init(4).n_init, 4);
    /// ```
    pub fn n_init(mut self, n: usize) -> Self {
        self.n_init = n;
        self
    }
    /// Sets the maximum number of iterations.
    ///
    /// ```
    /// assert_eq!(segcore::cluster::kmeans::KMeans::params(3).max_iter(10).max_iter, 10);
    /// ```
    pub fn max_iter(mut self, n: usize) -> Self {
        self.max_iter = n;
        self
    }
    /// Sets the relative tolerance.
    ///
    /// ```
    /// assert_eq!(segcore::cluster::kmeans::KMeans::params(3).tol(0.0).tol, 0.0);
    /// ```
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
    /// Sets the seed.
    ///
    /// ```
    /// assert_eq!(segcore::cluster::kmeans::KMeans::params(3).seed(9).seed, 9);
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Sets the algorithm.
    ///
    /// ```
    /// use segcore::cluster::kmeans::{KMeans, KMeansAlgorithm};
    /// let p = KMeans::params(3).algorithm(KMeansAlgorithm::Lloyd);
    /// assert_eq!(p.algorithm, KMeansAlgorithm::Lloyd);
    /// ```
    pub fn algorithm(mut self, a: KMeansAlgorithm) -> Self {
        self.algorithm = a;
        self
    }
    /// Sets the initialisation.
    ///
    /// ```
    /// use segcore::cluster::kmeans::{KMeans, KMeansInit};
    /// let p = KMeans::params(1).init(KMeansInit::Given(ndarray::array![[0.0, 0.0]]));
    /// assert!(matches!(p.init, KMeansInit::Given(_)));
    /// ```
    pub fn init(mut self, init: KMeansInit) -> Self {
        self.init = init;
        self
    }

    fn validate(&self, n: usize, d: usize) -> Result<()> {
        if self.k == 0 {
            return Err(SegError::param("k", "must be at least 1"));
        }
        if self.k > n {
            return Err(SegError::param(
                "k",
                format!("{} clusters but only {n} rows", self.k),
            ));
        }
        if self.n_init == 0 {
            return Err(SegError::param("n_init", "must be at least 1"));
        }
        if self.max_iter == 0 {
            return Err(SegError::param("max_iter", "must be at least 1"));
        }
        if !self.tol.is_finite() || self.tol < 0.0 {
            return Err(SegError::param("tol", "must be finite and >= 0"));
        }
        if let KMeansInit::Given(c) = &self.init {
            if c.nrows() != self.k || c.ncols() != d {
                return Err(SegError::shape(format!(
                    "initial centres are {} x {}, expected {} x {d}",
                    c.nrows(),
                    c.ncols(),
                    self.k
                )));
            }
            check_matrix(&c.view(), "init")?;
        }
        Ok(())
    }

    /// Fits k-means on the rows of `x` (customers) with optional sample weights.
    ///
    /// ```
    /// use segcore::cluster::kmeans::{KMeans, KMeansInit};
    /// let x = ndarray::array![[0.0], [1.0], [10.0], [11.0]];
    /// let km = KMeans::params(2)
    ///     .init(KMeansInit::Given(ndarray::array![[0.0], [10.0]]))
    ///     .fit(x.view(), None)
    ///     .unwrap();
    /// assert_eq!(km.centroids, ndarray::array![[0.5], [10.5]]);
    /// ```
    pub fn fit(
        &self,
        x: ArrayView2<f64>,
        sample_weight: Option<ArrayView1<f64>>,
    ) -> Result<KMeans> {
        self.fit_with(x, sample_weight, &Monitor::new())
    }

    /// [`fit`](Self::fit) reporting progress to `monitor` and stopping with
    /// [`SegError::Cancelled`] when it is cancelled.
    ///
    /// ```
    /// use segcore::cluster::kmeans::KMeans;
    /// use segcore::progress::Monitor;
    /// let x = ndarray::array![[0.0], [1.0], [10.0], [11.0]];
    /// let m = Monitor::new();
    /// let km = KMeans::params(2).fit_with(x.view(), None, &m).unwrap();
    /// assert_eq!(km.inertia, 1.0);
    /// m.cancel();
    /// let err = KMeans::params(2).fit_with(x.view(), None, &m).unwrap_err();
    /// assert_eq!(err.code(), "CANCELLED");
    /// ```
    pub fn fit_with(
        &self,
        x: ArrayView2<f64>,
        sample_weight: Option<ArrayView1<f64>>,
        monitor: &Monitor,
    ) -> Result<KMeans> {
        monitor.check("kmeans")?;
        check_matrix(&x, "x")?;
        let (n, d) = x.dim();
        self.validate(n, d)?;
        let w = weights(sample_weight, n)?;
        let xs = standard(x);
        let data = Data {
            x: flat(&xs)?,
            w: w.as_slice()
                .ok_or_else(|| SegError::shape("weights not contiguous"))?,
            n,
            d,
        };
        let tol = self.tol * column_variances(&x).mean().unwrap_or(0.0);
        let algorithm = match self.algorithm {
            KMeansAlgorithm::Auto if d <= 50 => KMeansAlgorithm::Hamerly,
            KMeansAlgorithm::Auto => KMeansAlgorithm::Lloyd,
            a => a,
        };
        let run = |init: Vec<f64>| match algorithm {
            KMeansAlgorithm::Hamerly => {
                hamerly::run(&data, init, self.k, self.max_iter, tol, monitor)
            }
            _ => lloyd::run(&data, init, self.k, self.max_iter, tol, monitor),
        };
        let mut best: Option<RunOut> = None;
        match &self.init {
            KMeansInit::Given(c) => {
                best = Some(run(c.iter().copied().collect()));
                monitor.check("kmeans")?;
            }
            KMeansInit::KMeansPlusPlus => {
                let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
                for _ in 0..self.n_init {
                    let init = init::kmeans_plus_plus(&data, self.k, &mut rng);
                    let out = run(init);
                    monitor.check("kmeans")?;
                    if best.as_ref().is_none_or(|b| out.inertia < b.inertia) {
                        best = Some(out);
                    }
                }
            }
        }
        let best = best.ok_or_else(|| SegError::param("n_init", "no run was made"))?;
        if !best.inertia.is_finite() {
            return Err(SegError::Numerical {
                context: "KMeans".into(),
                reason: format!("inertia is {}", best.inertia),
            });
        }
        Ok(KMeans {
            centroids: to_array2(best.centres, self.k, d)?,
            labels: Array1::from(best.labels),
            inertia: best.inertia,
            n_iter: best.n_iter,
            algorithm,
        })
    }
}

/// Re-seeds empty clusters (zero weight) from the points farthest from their current centre,
/// as scikit-learn does; works on the merged sums before division. Labels are not changed.
pub(crate) fn relocate_empty(
    data: &Data,
    acc: &mut lloyd::Acc,
    labels: &[usize],
    old: &[f64],
    k: usize,
) {
    let d = data.d;
    let empty: Vec<usize> = (0..k).filter(|&j| acc.wsum[j] == 0.0).collect();
    if empty.is_empty() {
        return;
    }
    let dist: Vec<f64> = data
        .x
        .par_chunks(d)
        .zip(labels.par_iter())
        .map(|(r, &l)| sq_dist(r, &old[l * d..(l + 1) * d]))
        .collect();
    let mut order: Vec<usize> = (0..data.n).collect();
    // farthest first; ties to the lower index
    order.sort_by(|&a, &b| dist[b].total_cmp(&dist[a]).then(a.cmp(&b)));
    for (&j, &far) in empty.iter().zip(&order) {
        let wi = data.w[far];
        let old_j = labels[far];
        let r = &data.x[far * d..(far + 1) * d];
        for (t, v) in r.iter().enumerate() {
            acc.sums[old_j * d + t] -= v * wi;
            acc.sums[j * d + t] = v * wi;
        }
        acc.wsum[j] = wi;
        acc.wsum[old_j] -= wi;
    }
}

/// Final assignment with the final centres and the inertia of that assignment. When
/// `consistent` (the last iteration changed no label, so the centres are the means of the
/// current labels and each row is already at its nearest centre) only the inertia is computed.
pub(crate) fn finish(
    data: &Data,
    centres: Vec<f64>,
    mut labels: Vec<usize>,
    consistent: bool,
    n_iter: usize,
) -> RunOut {
    let d = data.d;
    if consistent {
        let parts: Vec<f64> = labels
            .par_chunks(CHUNK)
            .zip(data.x.par_chunks(CHUNK * d))
            .zip(data.w.par_chunks(CHUNK))
            .map(|((lab, xc), wc)| {
                lab.iter()
                    .zip(xc.chunks_exact(d))
                    .zip(wc)
                    .map(|((&l, r), wi)| wi * sq_dist(r, &centres[l * d..(l + 1) * d]))
                    .sum::<f64>()
            })
            .collect();
        return RunOut {
            inertia: parts.iter().sum(),
            centres,
            labels,
            n_iter,
        };
    }
    let cb = CentreBlocks::new(&centres, centres.len() / d, d);
    let inertia = assign_all(data.x, Some(data.w), &cb, &mut labels);
    RunOut {
        inertia,
        centres,
        labels,
        n_iter,
    }
}

/// A fitted k-means model.
///
/// Model files hold the centroids, inertia, iteration count and algorithm; the training
/// `labels` are not written (they are per-customer output, not model state).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeans {
    /// Cluster centres, `k x d`.
    pub centroids: Array2<f64>,
    /// Label of each training row.
    #[serde(skip)]
    pub labels: Array1<usize>,
    /// Weighted sum of squared distances of the training rows to their centre.
    pub inertia: f64,
    /// Iterations run by the kept run.
    pub n_iter: usize,
    /// Algorithm actually used (never `Auto`).
    pub algorithm: KMeansAlgorithm,
}

impl KMeans {
    /// Default parameters for `k` clusters.
    ///
    /// ```
    /// let p = segcore::cluster::kmeans::KMeans::params(8);
    /// assert_eq!((p.k, p.n_init, p.max_iter), (8, 1, 300));
    /// ```
    pub fn params(k: usize) -> KMeansParams {
        KMeansParams {
            k,
            n_init: 1,
            max_iter: 300,
            tol: 1e-4,
            seed: 0,
            algorithm: KMeansAlgorithm::Auto,
            init: KMeansInit::KMeansPlusPlus,
        }
    }

    /// Number of clusters.
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [1.0]];
    /// let km = segcore::cluster::kmeans::KMeans::params(2).fit(x.view(), None).unwrap();
    /// assert_eq!(km.k(), 2);
    /// ```
    pub fn k(&self) -> usize {
        self.centroids.nrows()
    }

    /// Nearest centre of each row of `x` (first centre on ties).
    ///
    /// ```
    /// use segcore::cluster::kmeans::{KMeans, KMeansInit};
    /// let x = ndarray::array![[0.0], [10.0]];
    /// let km = KMeans::params(2).init(KMeansInit::Given(x.clone())).fit(x.view(), None).unwrap();
    /// assert_eq!(km.predict(ndarray::array![[9.0]].view()).unwrap()[0], 1);
    /// ```
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<usize>> {
        check_matrix(&x, "x")?;
        check_cols(&x, self.centroids.ncols(), "x")?;
        let d = x.ncols();
        let xs = standard(x);
        let c = standard(self.centroids.view());
        let cf = flat(&c)?;
        let cb = CentreBlocks::new(cf, self.k(), d);
        let labels: Vec<usize> = flat(&xs)?.par_chunks(d).map(|r| cb.nearest(r).0).collect();
        Ok(Array1::from(labels))
    }

    /// Euclidean distance of each row of `x` to each centre (`n x k`).
    ///
    /// ```
    /// use segcore::cluster::kmeans::{KMeans, KMeansInit};
    /// let x = ndarray::array![[0.0], [10.0]];
    /// let km = KMeans::params(2).init(KMeansInit::Given(x.clone())).fit(x.view(), None).unwrap();
    /// assert_eq!(km.transform(ndarray::array![[4.0]].view()).unwrap(), ndarray::array![[4.0, 6.0]]);
    /// ```
    pub fn transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_matrix(&x, "x")?;
        check_cols(&x, self.centroids.ncols(), "x")?;
        let (n, d) = x.dim();
        let k = self.k();
        let xs = standard(x);
        let c = standard(self.centroids.view());
        let cf = flat(&c)?;
        let out: Vec<f64> = flat(&xs)?
            .par_chunks(d)
            .flat_map_iter(|r| cf.chunks_exact(d).map(move |cj| sq_dist(r, cj).sqrt()))
            .collect();
        to_array2(out, n, k)
    }

    /// Weighted sum of squared distances of the rows of `x` to their nearest centre.
    ///
    /// ```
    /// use segcore::cluster::kmeans::{KMeans, KMeansInit};
    /// let x = ndarray::array![[0.0], [10.0]];
    /// let km = KMeans::params(2).init(KMeansInit::Given(x.clone())).fit(x.view(), None).unwrap();
    /// assert_eq!(km.inertia_of(ndarray::array![[1.0], [12.0]].view(), None).unwrap(), 5.0);
    /// ```
    pub fn inertia_of(
        &self,
        x: ArrayView2<f64>,
        sample_weight: Option<ArrayView1<f64>>,
    ) -> Result<f64> {
        check_matrix(&x, "x")?;
        check_cols(&x, self.centroids.ncols(), "x")?;
        let (n, d) = x.dim();
        let w = weights(sample_weight, n)?;
        let xs = standard(x);
        let c = standard(self.centroids.view());
        let cf = flat(&c)?;
        let ws = w
            .as_slice()
            .ok_or_else(|| SegError::shape("weights not contiguous"))?;
        let cb = CentreBlocks::new(cf, self.k(), d);
        let parts: Vec<f64> = flat(&xs)?
            .par_chunks(CHUNK * d)
            .zip(ws.par_chunks(CHUNK))
            .map(|(xc, wc)| {
                xc.chunks_exact(d)
                    .zip(wc)
                    .map(|(r, wi)| wi * cb.nearest(r).1)
                    .sum::<f64>()
            })
            .collect();
        Ok(parts.iter().sum())
    }
}

impl ModelKind for KMeans {
    const KIND: &'static str = "KMeans";
}
