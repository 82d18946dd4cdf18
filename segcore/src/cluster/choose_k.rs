//! Choosing the number of clusters from a score table.
//!
//! [`choose_k`] fits k-means for every k asked (same parameters otherwise) and records
//! inertia, silhouette (exact, or on a seeded sample), Calinski–Harabasz and Davies–Bouldin.
//! **Rule:** the chosen k has the highest silhouette; scores within `1e-12` of the best are
//! ties, and ties go to the smaller k (fewer segments are easier to act on).
//!
//! ```
//! use segcore::cluster::{choose_k::choose_k, kmeans::KMeans};
//! let x = ndarray::array![[0.0], [0.5], [10.0], [10.5], [20.0], [20.5]];
//! let c = choose_k(x.view(), &[2, 3, 4], &KMeans::params(2).n_init(3), None).unwrap();
//! assert_eq!(c.k, 3);
//! assert_eq!(c.scores.len(), 3);
//! ```

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use super::kmeans::KMeansParams;
use super::quality::{calinski_harabasz_score, davies_bouldin_score, silhouette_score};
use crate::{Result, SegError};

/// Scores of one k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KScore {
    /// Number of clusters.
    pub k: usize,
    /// k-means inertia.
    pub inertia: f64,
    /// Mean silhouette (higher is better).
    pub silhouette: f64,
    /// Calinski–Harabasz index (higher is better).
    pub calinski_harabasz: f64,
    /// Davies–Bouldin index (lower is better).
    pub davies_bouldin: f64,
}

/// The score table and the chosen k.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChooseK {
    /// One row per k, in the order asked.
    pub scores: Vec<KScore>,
    /// The chosen k.
    pub k: usize,
    /// The rule used, in words.
    pub rule: String,
}

/// Fits k-means for each k in `ks` and chooses k by the best silhouette (ties to smaller k).
///
/// `kmeans` supplies every parameter but k (its own k is ignored); `silhouette_sample` scores
/// a seeded sample of that many rows (seed = `kmeans.seed`).
///
/// ```
/// use segcore::cluster::{choose_k::choose_k, kmeans::KMeans};
/// let x = ndarray::array![[0.0], [1.0], [9.0], [10.0]];
/// assert!(choose_k(x.view(), &[1], &KMeans::params(2), None).is_err());
/// ```
pub fn choose_k(
    x: ArrayView2<f64>,
    ks: &[usize],
    kmeans: &KMeansParams,
    silhouette_sample: Option<usize>,
) -> Result<ChooseK> {
    if ks.is_empty() {
        return Err(SegError::Empty {
            what: "k range".into(),
        });
    }
    let mut scores = Vec::with_capacity(ks.len());
    for &k in ks {
        if k < 2 {
            return Err(SegError::param("k_range", "every k must be at least 2"));
        }
        let mut p = kmeans.clone();
        p.k = k;
        if let super::kmeans::KMeansInit::Given(_) = p.init {
            p.init = super::kmeans::KMeansInit::KMeansPlusPlus;
        }
        let km = p.fit(x, None)?;
        let labels = km.labels.to_vec();
        scores.push(KScore {
            k,
            inertia: km.inertia,
            silhouette: silhouette_score(x, &labels, silhouette_sample, kmeans.seed)?,
            calinski_harabasz: calinski_harabasz_score(x, &labels)?,
            davies_bouldin: davies_bouldin_score(x, &labels)?,
        });
    }
    let best = scores
        .iter()
        .map(|s| s.silhouette)
        .fold(f64::NEG_INFINITY, f64::max);
    let k = scores
        .iter()
        .filter(|s| s.silhouette >= best - 1e-12)
        .map(|s| s.k)
        .min()
        .unwrap_or(ks[0]);
    Ok(ChooseK {
        scores,
        k,
        rule:
            "highest mean silhouette; scores within 1e-12 of the best tie, ties go to the smaller k"
                .into(),
    })
}
