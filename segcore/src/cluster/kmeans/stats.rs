//! k-means as `partial → merge → step`, for fitting across partitions (Spark, Ray, Dask).
//!
//! Each partition computes [`KMeansStats`] of its rows against the current centres
//! ([`KMeans::partial`]); the statistics are merged (in a fixed partition order for
//! reproducible floats) and one Lloyd update is taken with [`KMeans::step`]. Repeating this is
//! Lloyd's algorithm on the union of the partitions.
//!
//! ```
//! use segcore::cluster::kmeans::{KMeans, KMeansInit};
//! let x = ndarray::array![[0.0], [1.0], [9.0], [11.0]];
//! let km = KMeans::params(2).init(KMeansInit::Given(ndarray::array![[0.0], [9.0]]))
//!     .max_iter(1).fit(x.view(), None).unwrap();
//! let mut s = km.partial(x.slice(ndarray::s![..2, ..]), None).unwrap();
//! s.merge(&km.partial(x.slice(ndarray::s![2.., ..]), None).unwrap()).unwrap();
//! let next = km.step(&s).unwrap();
//! assert_eq!(next.centroids, ndarray::array![[0.5], [10.0]]);
//! ```

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::KMeans;
use crate::cluster::util::{check_cols, check_matrix, flat, nearest, standard, weights};
use crate::{Result, SegError};

/// Sufficient statistics of one Lloyd step over a batch of rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KMeansStats {
    /// Weighted coordinate sums of the rows nearest each centre, `k x d`.
    pub sums: Array2<f64>,
    /// Total weight of the rows nearest each centre.
    pub weights: Array1<f64>,
    /// Weighted squared distance of the rows to their nearest centre.
    pub inertia: f64,
    /// Rows seen.
    pub n_rows: usize,
}

impl KMeansStats {
    /// Adds another partition's statistics.
    ///
    /// ```
    /// use segcore::cluster::kmeans::KMeansStats;
    /// let mut a = KMeansStats { sums: ndarray::array![[1.0]], weights: ndarray::array![1.0], inertia: 0.5, n_rows: 1 };
    /// let b = a.clone();
    /// a.merge(&b).unwrap();
    /// assert_eq!((a.sums[[0, 0]], a.weights[0], a.inertia, a.n_rows), (2.0, 2.0, 1.0, 2));
    /// ```
    pub fn merge(&mut self, other: &KMeansStats) -> Result<()> {
        if self.sums.dim() != other.sums.dim() {
            return Err(SegError::shape(format!(
                "statistics of shape {:?} and {:?} cannot be merged",
                self.sums.dim(),
                other.sums.dim()
            )));
        }
        self.sums += &other.sums;
        self.weights += &other.weights;
        self.inertia += other.inertia;
        self.n_rows += other.n_rows;
        Ok(())
    }
}

impl KMeans {
    /// Statistics of the rows of `x` (optionally weighted) against the current centres.
    ///
    /// ```
    /// use segcore::cluster::kmeans::{KMeans, KMeansInit};
    /// let x = ndarray::array![[0.0], [10.0]];
    /// let km = KMeans::params(2).init(KMeansInit::Given(x.clone())).fit(x.view(), None).unwrap();
    /// let s = km.partial(ndarray::array![[1.0], [3.0]].view(), None).unwrap();
    /// assert_eq!(s.sums[[0, 0]], 4.0);
    /// assert_eq!(s.inertia, 10.0);
    /// ```
    pub fn partial(
        &self,
        x: ArrayView2<f64>,
        sample_weight: Option<ArrayView1<f64>>,
    ) -> Result<KMeansStats> {
        check_matrix(&x, "x")?;
        check_cols(&x, self.centroids.ncols(), "x")?;
        let (n, d) = x.dim();
        let k = self.k();
        let w = weights(sample_weight, n)?;
        let xs = standard(x);
        let c = standard(self.centroids.view());
        let cf = flat(&c)?;
        let mut sums = Array2::zeros((k, d));
        let mut wsum = Array1::zeros(k);
        let mut inertia = 0.0;
        for (r, &wi) in flat(&xs)?.chunks_exact(d).zip(w.iter()) {
            let (j, dist) = nearest(r, cf, d);
            inertia += wi * dist;
            wsum[j] += wi;
            for t in 0..d {
                sums[[j, t]] += wi * r[t];
            }
        }
        Ok(KMeansStats {
            sums,
            weights: wsum,
            inertia,
            n_rows: n,
        })
    }

    /// One Lloyd update from merged statistics: centres become the weighted means; a centre
    /// with no weight stays where it is. `inertia` is the merged inertia (of the old centres).
    ///
    /// ```
    /// use segcore::cluster::kmeans::{KMeans, KMeansInit, KMeansStats};
    /// let x = ndarray::array![[0.0], [10.0]];
    /// let km = KMeans::params(2).init(KMeansInit::Given(x.clone())).fit(x.view(), None).unwrap();
    /// let s = KMeansStats { sums: ndarray::array![[6.0], [0.0]], weights: ndarray::array![3.0, 0.0], inertia: 1.0, n_rows: 3 };
    /// assert_eq!(km.step(&s).unwrap().centroids, ndarray::array![[2.0], [10.0]]);
    /// ```
    pub fn step(&self, stats: &KMeansStats) -> Result<KMeans> {
        if stats.sums.dim() != self.centroids.dim() {
            return Err(SegError::shape(format!(
                "statistics are {:?}, model centres are {:?}",
                stats.sums.dim(),
                self.centroids.dim()
            )));
        }
        let mut centroids = self.centroids.clone();
        for (j, mut row) in centroids.outer_iter_mut().enumerate() {
            if stats.weights[j] > 0.0 {
                row.assign(&(&stats.sums.row(j) / stats.weights[j]));
            }
        }
        Ok(KMeans {
            centroids,
            labels: Array1::zeros(0),
            inertia: stats.inertia,
            n_iter: self.n_iter + 1,
            algorithm: self.algorithm,
        })
    }
}
