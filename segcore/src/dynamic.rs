//! Dynamic segmentation: segments per snapshot, stable segment ids across refits, transition
//! matrices and the customers who moved.
//!
//! A [`DynamicSegmentation`] is fitted on a sequence of [`Snapshot`]s (one feature matrix per
//! period, rows = customers, in one feature space). The first snapshot is clustered with
//! k-means. Each later snapshot is either
//! - **refitted** ([`UpdateMode::Refit`]): k-means is fitted afresh, then its centres are
//!   matched to the previous snapshot's centres by the Hungarian method on squared Euclidean
//!   distance, and relabelled so that a segment keeps its id; or
//! - **assigned** ([`UpdateMode::Assign`]): rows go to the nearest centre of the current model,
//!   without refitting.
//!
//! Between consecutive snapshots the transition matrix counts customers present in both
//! (by customer code; without codes, row `i` is the same customer in every snapshot).
//!
//! ```
//! use segcore::cluster::kmeans::KMeans;
//! use segcore::dynamic::{DynamicSegmentation, Snapshot, UpdateMode};
//! let t0 = ndarray::array![[0.0], [0.2], [10.0], [10.2]];
//! let t1 = ndarray::array![[0.1], [10.1], [10.3], [0.3]];
//! let fit = DynamicSegmentation::params(KMeans::params(2).seed(3))
//!     .mode(UpdateMode::Refit)
//!     .fit(&[Snapshot::new(t0.view()), Snapshot::new(t1.view())])
//!     .unwrap();
//! // customer 1 moved from the low segment to the high one; ids are stable
//! let low = fit.labels[0][0];
//! let high = fit.labels[0][2];
//! assert_eq!(fit.labels[1].to_vec(), vec![low, high, high, low]);
//! assert_eq!(fit.transitions[0].counts[[low, high]], 1);
//! ```

use ndarray::{Array1, Array2, ArrayView2};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::cluster::hungarian::linear_assignment;
use crate::cluster::kmeans::{KMeans, KMeansParams};
use crate::model::ModelKind;
use crate::{Result, SegError};

/// One period's feature matrix, with optional per-row customer codes.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    /// Features, rows = customers.
    pub x: ArrayView2<'a, f64>,
    /// Customer code of each row; `None` means row `i` is customer `i`.
    pub customers: Option<&'a [u32]>,
}

impl<'a> Snapshot<'a> {
    /// A snapshot whose rows are customers `0..n` in every period.
    ///
    /// ```
    /// let x = ndarray::array![[1.0]];
    /// assert!(segcore::dynamic::Snapshot::new(x.view()).customers.is_none());
    /// ```
    pub fn new(x: ArrayView2<'a, f64>) -> Self {
        Snapshot { x, customers: None }
    }

    /// A snapshot with customer codes (e.g. from a customer index).
    ///
    /// ```
    /// let x = ndarray::array![[1.0], [2.0]];
    /// let s = segcore::dynamic::Snapshot::with_customers(x.view(), &[7, 9]).unwrap();
    /// assert_eq!(s.customers, Some(&[7u32, 9][..]));
    /// ```
    pub fn with_customers(x: ArrayView2<'a, f64>, customers: &'a [u32]) -> Result<Self> {
        if customers.len() != x.nrows() {
            return Err(SegError::LengthMismatch {
                column: "customers".into(),
                expected: x.nrows(),
                found: customers.len(),
            });
        }
        Ok(Snapshot {
            x,
            customers: Some(customers),
        })
    }

    fn ids(&self) -> Vec<u32> {
        match self.customers {
            Some(c) => c.to_vec(),
            None => (0..self.x.nrows() as u32).collect(),
        }
    }
}

/// How snapshots after the first are segmented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum UpdateMode {
    /// Refit k-means on each snapshot and match centres to the previous ones (default).
    #[default]
    Refit,
    /// Assign to the nearest centre of the current model, without refitting.
    Assign,
}

/// Parameters of a dynamic segmentation; build with [`DynamicSegmentation::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DynamicParams {
    /// k-means parameters used for every fit.
    pub kmeans: KMeansParams,
    /// Refit or assign after the first snapshot.
    pub mode: UpdateMode,
}

impl DynamicParams {
    /// Sets the update mode.
    ///
    /// ```
    /// use segcore::dynamic::{DynamicSegmentation, UpdateMode};
    /// let p = DynamicSegmentation::params(segcore::cluster::kmeans::KMeans::params(3)).mode(UpdateMode::Assign);
    /// assert_eq!(p.mode, UpdateMode::Assign);
    /// ```
    pub fn mode(mut self, mode: UpdateMode) -> Self {
        self.mode = mode;
        self
    }

    /// Segments every snapshot, keeping ids stable, and computes the transitions.
    ///
    /// ```
    /// use segcore::dynamic::{DynamicSegmentation, Snapshot};
    /// let p = DynamicSegmentation::params(segcore::cluster::kmeans::KMeans::params(2));
    /// assert!(p.fit(&[]).is_err());
    /// ```
    pub fn fit(&self, snapshots: &[Snapshot]) -> Result<DynamicSegmentation> {
        let first = snapshots.first().ok_or_else(|| SegError::Empty {
            what: "snapshots".into(),
        })?;
        let km = self.kmeans.fit(first.x, None)?;
        let mut fit = DynamicSegmentation {
            model: km.clone(),
            centroids: vec![km.centroids.clone()],
            labels: vec![km.labels.clone()],
            customers: vec![first.ids()],
            transitions: Vec::new(),
        };
        for s in &snapshots[1..] {
            fit.push(s, self)?;
        }
        Ok(fit)
    }
}

/// Counts and row-normalised rates of moves between segments from one snapshot to the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    /// `counts[[a, b]]`: customers in segment `a` before and `b` after.
    pub counts: Array2<u64>,
    /// `counts` divided by its row sums (rows with no customers are 0).
    pub rates: Array2<f64>,
}

/// A fitted dynamic segmentation.
///
/// Model files hold the current model and the centres of each snapshot; per-customer labels,
/// customer codes and transitions are run output and are not written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DynamicSegmentation {
    /// The current model (centres in stable ids) used by [`DynamicSegmentation::assign`].
    pub model: KMeans,
    /// Centres of each snapshot, rows in stable segment ids.
    pub centroids: Vec<Array2<f64>>,
    /// Stable segment id of each row, per snapshot.
    #[serde(skip)]
    pub labels: Vec<Array1<usize>>,
    /// Customer codes of each snapshot's rows.
    #[serde(skip)]
    pub customers: Vec<Vec<u32>>,
    /// Transition between snapshot `t` and `t + 1`, for each `t`.
    #[serde(skip)]
    pub transitions: Vec<Transition>,
}

impl DynamicSegmentation {
    /// Parameters with the given k-means settings and [`UpdateMode::Refit`].
    ///
    /// ```
    /// let p = segcore::dynamic::DynamicSegmentation::params(segcore::cluster::kmeans::KMeans::params(4));
    /// assert_eq!(p.kmeans.k, 4);
    /// ```
    pub fn params(kmeans: KMeansParams) -> DynamicParams {
        DynamicParams {
            kmeans,
            mode: UpdateMode::Refit,
        }
    }

    /// Segments of a new snapshot with the current model, without refitting.
    ///
    /// ```
    /// use segcore::dynamic::{DynamicSegmentation, Snapshot};
    /// let x = ndarray::array![[0.0], [10.0]];
    /// let fit = DynamicSegmentation::params(segcore::cluster::kmeans::KMeans::params(2))
    ///     .fit(&[Snapshot::new(x.view())]).unwrap();
    /// let y = ndarray::array![[9.0]];
    /// assert_eq!(fit.assign(&Snapshot::new(y.view())).unwrap()[0], fit.labels[0][1]);
    /// ```
    pub fn assign(&self, snapshot: &Snapshot) -> Result<Array1<usize>> {
        self.model.predict(snapshot.x)
    }

    /// Adds a snapshot: refits (and matches ids) or assigns, per `params.mode`, and appends the
    /// transition from the previous snapshot.
    ///
    /// ```
    /// use segcore::dynamic::{DynamicSegmentation, Snapshot, UpdateMode};
    /// let x = ndarray::array![[0.0], [10.0]];
    /// let p = DynamicSegmentation::params(segcore::cluster::kmeans::KMeans::params(2)).mode(UpdateMode::Assign);
    /// let mut fit = p.fit(&[Snapshot::new(x.view())]).unwrap();
    /// fit.push(&Snapshot::new(x.view()), &p).unwrap();
    /// assert_eq!(fit.transitions[0].counts.sum(), 2);
    /// ```
    pub fn push(&mut self, snapshot: &Snapshot, params: &DynamicParams) -> Result<()> {
        let labels = match params.mode {
            UpdateMode::Assign => self.model.predict(snapshot.x)?,
            UpdateMode::Refit => {
                let km = params.kmeans.fit(snapshot.x, None)?;
                let perm = match_segments(self.model.centroids.view(), km.centroids.view())?;
                let k = km.k();
                let d = km.centroids.ncols();
                let mut centroids = Array2::zeros((k, d));
                for (new_id, &stable) in perm.iter().enumerate() {
                    centroids.row_mut(stable).assign(&km.centroids.row(new_id));
                }
                let labels = km.labels.mapv(|l| perm[l]);
                self.model = KMeans {
                    centroids,
                    labels: labels.clone(),
                    inertia: km.inertia,
                    n_iter: km.n_iter,
                    algorithm: km.algorithm,
                };
                labels
            }
        };
        let ids = snapshot.ids();
        let (prev_ids, prev_labels) = match (self.customers.last(), self.labels.last()) {
            (Some(a), Some(b)) => (a, b),
            _ => {
                return Err(SegError::Empty {
                    what: "previous snapshot".into(),
                });
            }
        };
        let k = self.model.k();
        let tr = transition_matrix(
            prev_ids,
            prev_labels.as_slice().unwrap_or(&prev_labels.to_vec()),
            &ids,
            labels.as_slice().unwrap_or(&labels.to_vec()),
            k,
        )?;
        self.transitions.push(tr);
        self.centroids.push(self.model.centroids.clone());
        self.labels.push(labels);
        self.customers.push(ids);
        Ok(())
    }

    /// Customers in segment `from` at snapshot `t` and in segment `to` at snapshot `t + 1`.
    ///
    /// ```
    /// use segcore::dynamic::{DynamicSegmentation, Snapshot, UpdateMode};
    /// let a = ndarray::array![[0.0], [10.0], [0.1]];
    /// let b = ndarray::array![[0.0], [10.0], [9.9]];
    /// let p = DynamicSegmentation::params(segcore::cluster::kmeans::KMeans::params(2)).mode(UpdateMode::Assign);
    /// let fit = p.fit(&[Snapshot::new(a.view()), Snapshot::new(b.view())]).unwrap();
    /// let (lo, hi) = (fit.labels[0][0], fit.labels[0][1]);
    /// assert_eq!(fit.movers(0, lo, hi).unwrap(), vec![2]);
    /// ```
    pub fn movers(&self, t: usize, from: usize, to: usize) -> Result<Vec<u32>> {
        if t + 1 >= self.labels.len() {
            return Err(SegError::param(
                "t",
                format!("need t + 1 < {} snapshots, got t = {t}", self.labels.len()),
            ));
        }
        movers(
            &self.customers[t],
            &self.labels[t].to_vec(),
            &self.customers[t + 1],
            &self.labels[t + 1].to_vec(),
            from,
            to,
        )
    }
}

impl ModelKind for DynamicSegmentation {
    const KIND: &'static str = "DynamicSegmentation";
}

/// For each new centre, the id of the reference centre it is matched to (minimum total
/// squared distance, Hungarian method). Both must be `k x d`.
///
/// ```
/// let old = ndarray::array![[0.0], [10.0], [20.0]];
/// let new = ndarray::array![[19.0], [1.0], [11.0]];
/// assert_eq!(segcore::dynamic::match_segments(old.view(), new.view()).unwrap(), vec![2, 0, 1]);
/// ```
pub fn match_segments(reference: ArrayView2<f64>, new: ArrayView2<f64>) -> Result<Vec<usize>> {
    if reference.dim() != new.dim() {
        return Err(SegError::shape(format!(
            "reference centres are {:?}, new centres are {:?}",
            reference.dim(),
            new.dim()
        )));
    }
    let k = new.nrows();
    let cost = Array2::from_shape_fn((k, k), |(i, j)| {
        new.row(i)
            .iter()
            .zip(reference.row(j).iter())
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
    });
    let pairs = linear_assignment(cost.view())?;
    let mut perm = vec![0; k];
    for (i, j) in pairs {
        perm[i] = j;
    }
    Ok(perm)
}

fn index_of(ids: &[u32], what: &str) -> Result<FxHashMap<u32, usize>> {
    let mut map = FxHashMap::default();
    map.reserve(ids.len());
    for (i, &c) in ids.iter().enumerate() {
        if map.insert(c, i).is_some() {
            return Err(SegError::invalid(
                what,
                i,
                format!("customer {c} appears twice"),
            ));
        }
    }
    Ok(map)
}

fn check_labels(labels: &[usize], ids: &[u32], k: usize, what: &str) -> Result<()> {
    if labels.len() != ids.len() {
        return Err(SegError::LengthMismatch {
            column: what.into(),
            expected: ids.len(),
            found: labels.len(),
        });
    }
    if let Some(i) = labels.iter().position(|&l| l >= k) {
        return Err(SegError::invalid(
            what,
            i,
            format!("segment {} is not below k = {k}", labels[i]),
        ));
    }
    Ok(())
}

/// Transition counts and rates between two labelled snapshots, over customers present in both.
///
/// ```
/// let t = segcore::dynamic::transition_matrix(&[1, 2, 3], &[0, 0, 1], &[3, 2, 9], &[1, 1, 0], 2).unwrap();
/// assert_eq!(t.counts, ndarray::array![[0, 1], [0, 1]]);
/// assert_eq!(t.rates, ndarray::array![[0.0, 1.0], [0.0, 1.0]]);
/// ```
pub fn transition_matrix(
    prev_customers: &[u32],
    prev_labels: &[usize],
    next_customers: &[u32],
    next_labels: &[usize],
    k: usize,
) -> Result<Transition> {
    check_labels(prev_labels, prev_customers, k, "prev_labels")?;
    check_labels(next_labels, next_customers, k, "next_labels")?;
    let next = index_of(next_customers, "next_customers")?;
    index_of(prev_customers, "prev_customers")?;
    let mut counts = Array2::<u64>::zeros((k, k));
    for (c, &a) in prev_customers.iter().zip(prev_labels) {
        if let Some(&j) = next.get(c) {
            counts[[a, next_labels[j]]] += 1;
        }
    }
    let mut rates = Array2::<f64>::zeros((k, k));
    for a in 0..k {
        let total: u64 = counts.row(a).sum();
        if total > 0 {
            for b in 0..k {
                rates[[a, b]] = counts[[a, b]] as f64 / total as f64;
            }
        }
    }
    Ok(Transition { counts, rates })
}

/// Customers (codes, in `prev_customers` order) in segment `from` before and `to` after.
///
/// ```
/// let m = segcore::dynamic::movers(&[1, 2, 3], &[0, 0, 1], &[3, 2, 1], &[1, 1, 0], 0, 1).unwrap();
/// assert_eq!(m, vec![2]);
/// ```
pub fn movers(
    prev_customers: &[u32],
    prev_labels: &[usize],
    next_customers: &[u32],
    next_labels: &[usize],
    from: usize,
    to: usize,
) -> Result<Vec<u32>> {
    let k = prev_labels
        .iter()
        .chain(next_labels)
        .copied()
        .max()
        .map_or(0, |m| m + 1)
        .max(from + 1)
        .max(to + 1);
    check_labels(prev_labels, prev_customers, k, "prev_labels")?;
    check_labels(next_labels, next_customers, k, "next_labels")?;
    let next = index_of(next_customers, "next_customers")?;
    Ok(prev_customers
        .iter()
        .zip(prev_labels)
        .filter(|&(c, &a)| a == from && next.get(c).is_some_and(|&j| next_labels[j] == to))
        .map(|(&c, _)| c)
        .collect())
}
