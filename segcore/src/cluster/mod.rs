//! Segmentation: feature scaling, k-means (+ mini-batch), Gaussian mixtures, quality metrics,
//! choosing k, RFM segments, segment profiles and the Hungarian matching used to keep segment
//! ids stable over time.
//!
//! | module | what it does |
//! |---|---|
//! | [`scale`] | `StandardScaler`, `RobustScaler`, `MinMaxScaler`, `Log1p`, `select_columns` |
//! | [`kmeans`] | `KMeans` (k-means++, Lloyd / Hamerly, weights, restarts), `MiniBatchKMeans`, partial statistics |
//! | [`gmm`] | `GaussianMixture` (EM, full or diagonal covariances, BIC / AIC) |
//! | [`quality`] | silhouette (exact or sampled), Davies–Bouldin, Calinski–Harabasz |
//! | [`choose_k`] | score table over k and the chosen k |
//! | [`rfm`] | RFM quintile scores and named segments |
//! | [`profile`] | per-segment summaries and plain-language names |
//! | [`hungarian`] | minimum-cost assignment |
//!
//! All estimators take an `ndarray::ArrayView2<f64>` with one row per customer. Every pass over
//! the rows runs on fixed chunks whose partial results are merged in chunk order, so a seed gives
//! the same result on any number of threads.
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
pub mod gmm;
pub mod hungarian;
pub mod kmeans;
pub mod profile;
pub mod quality;
pub mod rfm;
pub mod scale;
pub(crate) mod util;
