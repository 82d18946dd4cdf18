//! Mini-batch k-means (Sculley 2010) with scikit-learn's update rules.
//!
//! Each step draws `batch_size` rows with replacement, assigns them to the nearest centre and
//! moves each centre towards the mean of its batch rows with a per-centre learning rate
//! `batch weight / total weight seen` (the centre is the running weighted mean of every row it
//! was given). A step costs O(batch_size · k · d), independent of n. Optionally, centres whose
//! weight falls below `reassignment_ratio × the largest` are moved to random batch rows.
//! Stops after `max_iter` epochs, when the total squared centre shift is at most the scaled
//! `tol` (off by default), or when the exponentially weighted average of the batch inertia has
//! not improved for `max_no_improvement` steps. Labels and inertia are computed once at the end
//! over all rows.
//!
//! **Cost.** Everything before that final pass touches only sampled rows: the steps copy their
//! batch rows into one reused buffer and assign them with a blocked kernel (8 centres at a
//! time, SIMD-friendly, bit-identical to a plain loop), nothing is allocated per step, unit
//! weights are never materialised, and the per-feature variances are computed only when `tol`
//! is on. Non-finite values are not looked for up front: any NaN or infinity in `x` makes the
//! final inertia non-finite, and only then is `x` scanned to report the first bad cell (the
//! same error an up-front check gives). The final pass runs on fixed row chunks, so results do
//! not depend on the number of threads.
//!
//! ```
//! use segcore::cluster::kmeans::MiniBatchKMeans;
//! let x = ndarray::Array2::from_shape_fn((200, 1), |(i, _)| if i % 2 == 0 { 0.0 } else { 10.0 });
//! let m = MiniBatchKMeans::params(2).batch_size(32).seed(1).fit(x.view(), None).unwrap();
//! assert_ne!(m.labels[0], m.labels[1]);
//! assert!(m.inertia < 1e-9);
//! ```

use crate::progress::Monitor;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::{Data, KMeans, KMeansAlgorithm, init};
use crate::cluster::util::{
    CentreBlocks, assign_all, check_matrix, check_not_empty, column_variances, flat, standard,
    to_array2, weights,
};
use crate::model::ModelKind;
use crate::{Result, SegError};

/// Parameters of a mini-batch k-means fit; build with [`MiniBatchKMeans::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MiniBatchKMeansParams {
    /// Number of clusters.
    pub k: usize,
    /// Rows per step (default 1024).
    pub batch_size: usize,
    /// Maximum number of passes over the data (default 100).
    pub max_iter: usize,
    /// Relative tolerance on the squared centre shift (default 0: off).
    pub tol: f64,
    /// Steps without improvement of the smoothed batch inertia before stopping (default 10;
    /// `None` disables).
    pub max_no_improvement: Option<usize>,
    /// Rows used by k-means++ (default `3 * batch_size`, at least `3 k`, at most n).
    pub init_size: Option<usize>,
    /// Number of k-means++ seedings; the best on a validation batch is kept (default 1).
    pub n_init: usize,
    /// Relative weight below which a centre is re-seeded (default 0.01; 0 disables).
    pub reassignment_ratio: f64,
    /// Seed (default 0).
    pub seed: u64,
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

impl MiniBatchKMeansParams {
    setter!(
        /// Sets the batch size.
        ///
        /// ```
        /// assert_eq!(segcore::cluster::kmeans::MiniBatchKMeans::params(2).batch_size(64).batch_size, 64);
        /// ```
        batch_size: usize
    );
    setter!(
        /// Sets the maximum number of epochs.
        ///
        /// ```
        /// assert_eq!(segcore::cluster::kmeans::MiniBatchKMeans::params(2).max_iter(5).max_iter, 5);
        /// ```
        max_iter: usize
    );
    setter!(
        /// Sets the relative tolerance.
        ///
        /// ```
        /// assert_eq!(segcore::cluster::kmeans::MiniBatchKMeans::params(2).tol(1e-3).tol, 1e-3);
        /// ```
        tol: f64
    );
    setter!(
        /// Sets early stopping on the smoothed inertia.
        ///
        /// ```
        /// let p = segcore::cluster::kmeans::MiniBatchKMeans::params(2).max_no_improvement(None);
        /// assert!(p.max_no_improvement.is_none());
        /// ```
        max_no_improvement: Option<usize>
    );
    setter!(
        /// Sets the number of rows used for seeding.
        ///
        /// ```
        /// let p = segcore::cluster::kmeans::MiniBatchKMeans::params(2).init_size(Some(100));
        /// assert_eq!(p.init_size, Some(100));
        /// ```
        init_size: Option<usize>
    );
    setter!(
        /// Sets the number of seedings.
        ///
        /// ```
        /// assert_eq!(segcore::cluster::kmeans::MiniBatchKMeans::params(2).n_init(3).n_init, 3);
        /// ```
        n_init: usize
    );
    setter!(
        /// Sets the reassignment ratio.
        ///
        /// ```
        /// let p = segcore::cluster::kmeans::MiniBatchKMeans::params(2).reassignment_ratio(0.0);
        /// assert_eq!(p.reassignment_ratio, 0.0);
        /// ```
        reassignment_ratio: f64
    );
    setter!(
        /// Sets the seed.
        ///
        /// ```
        /// assert_eq!(segcore::cluster::kmeans::MiniBatchKMeans::params(2).seed(3).seed, 3);
        /// ```
        seed: u64
    );

    /// Fits mini-batch k-means on the rows of `x` with optional sample weights.
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [0.2], [9.0], [9.2]];
    /// let m = segcore::cluster::kmeans::MiniBatchKMeans::params(2).fit(x.view(), None).unwrap();
    /// assert_eq!(m.centroids.nrows(), 2);
    /// ```
    pub fn fit(
        &self,
        x: ArrayView2<f64>,
        sample_weight: Option<ArrayView1<f64>>,
    ) -> Result<MiniBatchKMeans> {
        self.fit_with(x, sample_weight, &Monitor::new())
    }

    /// [`fit`](Self::fit) reporting its steps to `monitor` (every 16 steps) and stopping with
    /// [`SegError::Cancelled`] when it is cancelled.
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [0.2], [9.0], [9.2]];
    /// let m = segcore::progress::Monitor::new();
    /// let p = segcore::cluster::kmeans::MiniBatchKMeans::params(2);
    /// assert_eq!(p.fit_with(x.view(), None, &m).unwrap(), p.fit(x.view(), None).unwrap());
    /// m.cancel();
    /// assert_eq!(p.fit_with(x.view(), None, &m).unwrap_err().code(), "CANCELLED");
    /// ```
    pub fn fit_with(
        &self,
        x: ArrayView2<f64>,
        sample_weight: Option<ArrayView1<f64>>,
        monitor: &Monitor,
    ) -> Result<MiniBatchKMeans> {
        monitor.check("minibatch kmeans")?;
        // Finite values are checked after the fit, from the final inertia (see below): that
        // saves a full pass over the data, and non-finite values cannot make the steps fail.
        check_not_empty(&x, "x")?;
        let (n, d) = x.dim();
        let k = self.k;
        if k == 0 || k > n {
            return Err(SegError::param("k", format!("need 1 <= k <= {n}, got {k}")));
        }
        if self.batch_size == 0 || self.n_init == 0 || self.max_iter == 0 {
            return Err(SegError::param(
                "batch_size/n_init/max_iter",
                "must be at least 1",
            ));
        }
        if self.tol.is_nan()
            || self.tol < 0.0
            || self.reassignment_ratio.is_nan()
            || self.reassignment_ratio < 0.0
        {
            return Err(SegError::param("tol/reassignment_ratio", "must be >= 0"));
        }
        // unit weights are not materialised
        let w = match sample_weight {
            Some(_) => Some(weights(sample_weight, n)?),
            None => None,
        };
        let ws: Option<&[f64]> = match &w {
            Some(w) => Some(w.as_slice().ok_or_else(|| SegError::shape("weights"))?),
            None => None,
        };
        let wt = |i: usize| ws.map_or(1.0, |w| w[i]);
        let xs = standard(x);
        let xf = flat(&xs)?;
        let tol = if self.tol > 0.0 {
            self.tol * column_variances(&x).mean().unwrap_or(0.0)
        } else {
            0.0
        };
        let bs = self.batch_size.min(n);
        let mut init_size = self.init_size.unwrap_or(3 * bs);
        if init_size < k {
            init_size = 3 * k;
        }
        let init_size = init_size.min(n);
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let sample = |rng: &mut ChaCha8Rng, idx: &mut Vec<usize>, m: usize| {
            idx.clear();
            idx.extend((0..m).map(|_| rng.random_range(0..n)));
        };
        // copies the rows `idx` into `bx` (contiguous, so the assignment below runs on cached
        // rows) and their weights into `bw`
        let gather = |idx: &[usize], bx: &mut Vec<f64>, bw: &mut Vec<f64>| {
            bx.clear();
            bw.clear();
            for &i in idx {
                bx.extend_from_slice(&xf[i * d..(i + 1) * d]);
                bw.push(wt(i));
            }
        };
        let mut idx: Vec<usize> = Vec::with_capacity(bs.max(init_size));
        let (mut vx, mut vw) = (Vec::new(), Vec::new());
        sample(&mut rng, &mut idx, bs);
        gather(&idx, &mut vx, &mut vw);
        let mut centres: Vec<f64> = Vec::new();
        let mut best_inertia = f64::INFINITY;
        for _ in 0..self.n_init {
            sample(&mut rng, &mut idx, init_size);
            let (mut ix, mut iw) = (Vec::new(), Vec::new());
            gather(&idx, &mut ix, &mut iw);
            let sub = Data {
                x: &ix,
                w: &iw,
                n: idx.len(),
                d,
            };
            let c = if iw.iter().sum::<f64>() > 0.0 {
                init::kmeans_plus_plus(&sub, k, &mut rng)
            } else {
                // all-zero weights in the subsample (only possible with sample weights)
                let w = ws.ok_or_else(|| SegError::param("sample_weight", "all zero"))?;
                init::kmeans_plus_plus(&Data { x: xf, w, n, d }, k, &mut rng)
            };
            let cb = CentreBlocks::new(&c, k, d);
            let inertia: f64 = vx
                .chunks_exact(d)
                .zip(&vw)
                .map(|(r, wi)| wi * cb.nearest(r).1)
                .sum();
            if centres.is_empty() || inertia < best_inertia {
                best_inertia = inertia;
                centres = c;
            }
        }
        let mut cb = CentreBlocks::new(&centres, k, d);
        let mut counts = vec![0.0f64; k];
        let n_steps = (self.max_iter * n) / bs;
        let mut ewa: Option<f64> = None;
        let mut ewa_min: Option<f64> = None;
        let mut no_improvement = 0usize;
        let mut since_reassign = 0usize;
        let mut bsum = vec![0.0f64; k * d];
        let mut bw_c = vec![0.0f64; k];
        let mut old = vec![0.0f64; k * d];
        let (mut bx, mut bw) = (vec![0.0f64; bs * d], vec![0.0f64; bs]);
        let mut halves = [BatchPart::new(k, d), BatchPart::new(k, d)];
        // the steps run inside the pool so that the two halves of each batch are joined
        // cheaply (a join from outside the pool would block on an injected job every step)
        let steps = rayon::scope(|_| {
            let mut steps = 0usize;
            for step in 0..n_steps {
                if step % 16 == 0
                    && monitor
                        .step("minibatch kmeans", step as u64, n_steps as u64)
                        .is_err()
                {
                    break;
                }
                sample(&mut rng, &mut idx, bs);
                since_reassign += bs;
                let reassign = counts.contains(&0.0) || since_reassign >= 10 * k;
                if reassign {
                    since_reassign = 0;
                }
                // gather and assign the batch in two fixed halves (in parallel when a thread is
                // free), added half 0 then half 1: the same floats for any number of threads
                let h = bs / 2;
                let (i0, i1) = idx.split_at(h);
                let (x0, x1) = bx.split_at_mut(h * d);
                let (w0, w1) = bw.split_at_mut(h);
                let [p0, p1] = &mut halves;
                let cbr = &cb;
                rayon::join(
                    || p0.assign(i0, x0, w0, xf, &wt, cbr),
                    || p1.assign(i1, x1, w1, xf, &wt, cbr),
                );
                let batch_inertia = halves[0].inertia + halves[1].inertia;
                for ((s, a), b) in bsum.iter_mut().zip(&halves[0].sums).zip(&halves[1].sums) {
                    *s = a + b;
                }
                for ((s, a), b) in bw_c.iter_mut().zip(&halves[0].w).zip(&halves[1].w) {
                    *s = a + b;
                }
                if tol > 0.0 {
                    old.copy_from_slice(&centres);
                }
                for j in 0..k {
                    if bw_c[j] > 0.0 {
                        let total = counts[j] + bw_c[j];
                        for t in 0..d {
                            let c = &mut centres[j * d + t];
                            *c = (*c * counts[j] + bsum[j * d + t]) / total;
                        }
                        counts[j] = total;
                    }
                }
                if reassign && self.reassignment_ratio > 0.0 {
                    self.reassign(&mut centres, &mut counts, &idx, xf, &bw, d, &mut rng);
                }
                cb.set(&centres);
                steps = step + 1;
                let shift: f64 = if tol > 0.0 {
                    centres
                        .iter()
                        .zip(&old)
                        .map(|(a, b)| (a - b) * (a - b))
                        .sum()
                } else {
                    0.0
                };
                // convergence on the smoothed batch inertia (skipped at the first step)
                let bi = batch_inertia / bs as f64;
                if step == 0 {
                    continue;
                }
                ewa = Some(match ewa {
                    None => bi,
                    Some(e) => {
                        let alpha = (bs as f64 * 2.0 / (n as f64 + 1.0)).min(1.0);
                        e * (1.0 - alpha) + bi * alpha
                    }
                });
                if tol > 0.0 && shift <= tol {
                    break;
                }
                let e = ewa.unwrap_or(bi);
                if ewa_min.is_none_or(|m| e < m) {
                    no_improvement = 0;
                    ewa_min = Some(e);
                } else {
                    no_improvement += 1;
                }
                if self.max_no_improvement.is_some_and(|m| no_improvement >= m) {
                    break;
                }
            }
            steps
        });
        monitor.check("minibatch kmeans")?;
        // labels and inertia: one parallel pass over all rows
        let mut labels = vec![0usize; n];
        let inertia = assign_all(xf, ws, &cb, &mut labels);
        if !inertia.is_finite() {
            // a non-finite value anywhere in `x` makes the inertia non-finite: name it
            check_matrix(&x, "x")?;
            return Err(SegError::Numerical {
                context: "MiniBatchKMeans".into(),
                reason: format!("inertia is {inertia}"),
            });
        }
        Ok(MiniBatchKMeans {
            centroids: to_array2(centres, k, d)?,
            labels: Array1::from(labels),
            inertia,
            n_steps: steps,
            n_iter: (steps * bs).div_ceil(n),
            counts: Array1::from(counts),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn reassign(
        &self,
        centres: &mut [f64],
        counts: &mut [f64],
        idx: &[usize],
        xf: &[f64],
        batch_w: &[f64],
        d: usize,
        rng: &mut ChaCha8Rng,
    ) {
        let k = counts.len();
        let max = counts.iter().copied().fold(0.0f64, f64::max);
        let mut to: Vec<bool> = counts
            .iter()
            .map(|&c| c < self.reassignment_ratio * max)
            .collect();
        let half = idx.len() / 2;
        if to.iter().filter(|&&b| b).count() > half {
            let mut order: Vec<usize> = (0..k).collect();
            order.sort_by(|&a, &b| counts[a].total_cmp(&counts[b]).then(a.cmp(&b)));
            for &j in order.iter().skip(half) {
                to[j] = false;
            }
        }
        let targets: Vec<usize> = (0..k).filter(|&j| to[j]).collect();
        if targets.is_empty() {
            return;
        }
        // weighted draws without replacement among the batch rows
        let mut bw: Vec<f64> = batch_w.to_vec();
        for &j in &targets {
            let total: f64 = bw.iter().sum();
            if total <= 0.0 {
                break;
            }
            let u = rng.random::<f64>() * total;
            let mut acc = 0.0;
            let mut pick = bw.len() - 1;
            for (b, wv) in bw.iter().enumerate() {
                acc += wv;
                if acc > u && *wv > 0.0 {
                    pick = b;
                    break;
                }
            }
            bw[pick] = 0.0;
            let i = idx[pick];
            centres[j * d..(j + 1) * d].copy_from_slice(&xf[i * d..(i + 1) * d]);
        }
        let min_kept = (0..k)
            .filter(|&j| !to[j])
            .map(|j| counts[j])
            .fold(f64::INFINITY, f64::min);
        if min_kept.is_finite() {
            for &j in &targets {
                counts[j] = min_kept;
            }
        }
    }
}

/// Per-half sums of one batch: weighted coordinate sums and weights per centre, inertia.
struct BatchPart {
    sums: Vec<f64>,
    w: Vec<f64>,
    inertia: f64,
}

impl BatchPart {
    fn new(k: usize, d: usize) -> Self {
        BatchPart {
            sums: vec![0.0; k * d],
            w: vec![0.0; k],
            inertia: 0.0,
        }
    }

    /// Copies rows `idx` of `xf` into `bx` (and their weights into `bw`), then assigns them.
    fn assign(
        &mut self,
        idx: &[usize],
        bx: &mut [f64],
        bw: &mut [f64],
        xf: &[f64],
        wt: &(impl Fn(usize) -> f64 + Sync),
        cb: &CentreBlocks,
    ) {
        let d = cb.dim();
        for ((&i, r), wv) in idx.iter().zip(bx.chunks_exact_mut(d)).zip(bw.iter_mut()) {
            r.copy_from_slice(&xf[i * d..(i + 1) * d]);
            *wv = wt(i);
        }
        self.sums.iter_mut().for_each(|v| *v = 0.0);
        self.w.iter_mut().for_each(|v| *v = 0.0);
        let mut inertia = 0.0;
        for (r, &wi) in bx.chunks_exact(d).zip(bw.iter()) {
            let (j, dist) = cb.nearest(r);
            inertia += wi * dist;
            self.w[j] += wi;
            for (s, v) in self.sums[j * d..(j + 1) * d].iter_mut().zip(r) {
                *s += wi * v;
            }
        }
        self.inertia = inertia;
    }
}

/// A fitted mini-batch k-means model.
///
/// Model files hold the centroids, inertia, step counts and per-centre weights; training
/// `labels` are not written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MiniBatchKMeans {
    /// Cluster centres, `k x d`.
    pub centroids: Array2<f64>,
    /// Label of each training row (computed once, after the last step).
    #[serde(skip)]
    pub labels: Array1<usize>,
    /// Inertia of all training rows with the final centres.
    pub inertia: f64,
    /// Mini-batch steps run.
    pub n_steps: usize,
    /// Passes over the data, `ceil(n_steps * batch_size / n)`.
    pub n_iter: usize,
    /// Total weight each centre has absorbed.
    pub counts: Array1<f64>,
}

impl MiniBatchKMeans {
    /// Default parameters for `k` clusters.
    ///
    /// ```
    /// let p = segcore::cluster::kmeans::MiniBatchKMeans::params(8);
    /// assert_eq!((p.batch_size, p.max_iter, p.max_no_improvement), (1024, 100, Some(10)));
    /// ```
    pub fn params(k: usize) -> MiniBatchKMeansParams {
        MiniBatchKMeansParams {
            k,
            batch_size: 1024,
            max_iter: 100,
            tol: 0.0,
            max_no_improvement: Some(10),
            init_size: None,
            n_init: 1,
            reassignment_ratio: 0.01,
            seed: 0,
        }
    }

    /// Views the fitted centres as a [`KMeans`] model (for `predict`, `transform`, model files).
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [10.0]];
    /// let m = segcore::cluster::kmeans::MiniBatchKMeans::params(2).fit(x.view(), None).unwrap();
    /// let km = m.as_kmeans();
    /// assert_eq!(km.predict(x.view()).unwrap(), m.labels);
    /// ```
    pub fn as_kmeans(&self) -> KMeans {
        KMeans {
            centroids: self.centroids.clone(),
            labels: self.labels.clone(),
            inertia: self.inertia,
            n_iter: self.n_iter,
            algorithm: KMeansAlgorithm::Lloyd,
        }
    }

    /// Nearest centre of each row of `x`.
    ///
    /// ```
    /// let x = ndarray::array![[0.0], [10.0]];
    /// let m = segcore::cluster::kmeans::MiniBatchKMeans::params(2).fit(x.view(), None).unwrap();
    /// assert_eq!(m.predict(x.view()).unwrap(), m.labels);
    /// ```
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<usize>> {
        self.as_kmeans().predict(x)
    }
}

impl ModelKind for MiniBatchKMeans {
    const KIND: &'static str = "MiniBatchKMeans";
}
