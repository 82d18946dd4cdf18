//! Segmentation: feature scaling, k-means (+ mini-batch), Gaussian mixtures, quality metrics,
//! choosing k, RFM segments, segment profiles and the Hungarian matching used to keep segment
//! ids stable over time.
//!
//! ```
//! use ndarray::array;
//! use segcore::cluster::{kmeans::KMeans, quality::silhouette_score};
//! let x = array![[0.0, 0.0], [0.0, 1.0], [9.0, 9.0], [9.0, 10.0]];
//! let km = KMeans::params(2).seed(1).fit(x.view(), None).unwrap();
//! let s = silhouette_score(x.view(), km.labels.as_slice().unwrap(), None, 0).unwrap();
//! assert!(s > 0.8);
//! ```

pub mod choose_k;
pub mod hungarian;
pub mod kmeans;
pub mod quality;
pub mod rfm;
pub mod scale;
pub(crate) mod util;
