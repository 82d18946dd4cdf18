//! Segments: scalers, k-means, cluster quality scores and RFM segments.
//!
//! Matrices are passed flat and row-major with their shape: `(x, nRows, nCols)` where `x` is
//! a `Float64Array` or `number[]` (e.g. `FeatureTable.values`, `nRows`, `nCols`).

use napi::bindgen_prelude::{AsyncTask, Either, Float64Array, Object, This, Uint32Array};
use napi_derive::napi;
use ndarray::Array2;
use segcore::cluster::kmeans::{KMeans as CoreKMeans, KMeansAlgorithm, KMeansParams};
use segcore::cluster::quality;
use segcore::cluster::rfm::{rfm_segments as core_rfm_segments, RfmSegmentTable};
use segcore::cluster::scale::{self, Transform};
use segcore::model;
use segcore::SegError;

use crate::clv::{values, Numbers};
use crate::error::{param, run, Result};
use crate::task::{fitted, slot, store, FitJob, Slot, Work};

/// A row-major matrix from a flat column and its shape.
pub fn matrix(x: Numbers, n_rows: u32, n_cols: u32) -> segcore::Result<Array2<f64>> {
    let v = values(x);
    let (r, c) = (n_rows as usize, n_cols as usize);
    if r.checked_mul(c) != Some(v.len()) {
        return Err(SegError::shape(format!(
            "x has {} values, expected nRows * nCols = {r} * {c}",
            v.len()
        )));
    }
    Array2::from_shape_vec((r, c), v).map_err(|e| SegError::shape(e.to_string()))
}

fn flat(a: Array2<f64>) -> Float64Array {
    Float64Array::new(a.iter().copied().collect())
}

fn labels_of(l: Numbers) -> Result<Vec<usize>> {
    values(l)
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            if v.is_finite() && v >= 0.0 && v.fract() == 0.0 {
                Ok(v as usize)
            } else {
                Err(crate::error::invalid(
                    "labels",
                    i,
                    format!("{v} is not a cluster label"),
                ))
            }
        })
        .collect()
}

/// Options of `KMeans`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct KMeansOptions {
    /// Number of clusters (default 8).
    pub n_clusters: Option<u32>,
    /// Independent k-means++ starts; the best (lowest inertia) is kept (default 1).
    pub n_init: Option<u32>,
    /// Maximum iterations per start (default 300).
    pub max_iter: Option<u32>,
    /// Relative tolerance on centroid movement (default 1e-4).
    pub tol: Option<f64>,
    /// Seed: same seed, same clusters on any thread count (default 0).
    pub seed: Option<f64>,
    /// `auto` (default), `lloyd` or `hamerly`.
    pub algorithm: Option<String>,
}

pub(crate) fn kmeans_params(o: &KMeansOptions) -> Result<KMeansParams> {
    let mut p = CoreKMeans::params(o.n_clusters.unwrap_or(8) as usize);
    if let Some(v) = o.n_init {
        p = p.n_init(v as usize);
    }
    if let Some(v) = o.max_iter {
        p = p.max_iter(v as usize);
    }
    if let Some(v) = o.tol {
        p = p.tol(v);
    }
    if let Some(s) = o.seed {
        if !(s.is_finite() && s >= 0.0 && s.fract() == 0.0) {
            return Err(param("seed", format!("{s} is not a non-negative integer")));
        }
        p = p.seed(s as u64);
    }
    if let Some(a) = &o.algorithm {
        p = p.algorithm(match a.as_str() {
            "auto" => KMeansAlgorithm::Auto,
            "lloyd" => KMeansAlgorithm::Lloyd,
            "hamerly" => KMeansAlgorithm::Hamerly,
            other => {
                return Err(param(
                    "algorithm",
                    format!("unknown algorithm `{other}` (use auto, lloyd or hamerly)"),
                ))
            }
        });
    }
    Ok(p)
}

/// k-means (k-means++ starts, Lloyd or Hamerly iterations), seeded and thread-count
/// independent.
///
/// ```js
/// const km = new KMeans({ nClusters: 4, seed: 0 }).fit(x, nRows, nCols)
/// km.predict(x, nRows, nCols) // Uint32Array of cluster ids
/// ```
#[napi]
pub struct KMeans {
    params: KMeansParams,
    fitted: Slot<CoreKMeans>,
}

impl KMeans {
    pub(crate) fn wrap(m: CoreKMeans) -> KMeans {
        let s = slot();
        let k = m.k();
        store(&s, m);
        KMeans {
            params: CoreKMeans::params(k),
            fitted: s,
        }
    }

    fn model(&self) -> Result<std::sync::Arc<CoreKMeans>> {
        fitted(&self.fitted, "KMeans")
    }
}

#[napi]
impl KMeans {
    /// A new, unfitted estimator.
    #[napi(constructor)]
    pub fn new(options: Option<KMeansOptions>) -> Result<Self> {
        Ok(KMeans {
            params: kmeans_params(&options.unwrap_or_default())?,
            fitted: slot(),
        })
    }

    /// Fits on the `nRows x nCols` row-major matrix `x` (optional per-row weights); returns
    /// `this`.
    #[napi(ts_return_type = "this")]
    pub fn fit<'e>(
        &self,
        this: This<'e>,
        x: Numbers,
        n_rows: u32,
        n_cols: u32,
        sample_weight: Option<Numbers>,
    ) -> Result<Object<'e>> {
        let p = self.params.clone();
        let w = sample_weight.map(values);
        let m = run(|| {
            let x = matrix(x, n_rows, n_cols)?;
            p.fit(
                x.view(),
                w.as_ref().map(|w| ndarray::ArrayView1::from(w.as_slice())),
            )
        })?;
        store(&self.fitted, m);
        Ok(this.object)
    }

    /// Async twin of `fit`; resolves with `this`. `control.signal` (an `AbortSignal`) stops
    /// the fit (the promise rejects with an `AbortError`, code `SEGCORE_CANCELLED`);
    /// `control.onProgress` receives `{ stage, done, total }`.
    #[napi(
        ts_args_type = "x: Numbers, nRows: number, nCols: number, sampleWeight?: Numbers | undefined | null, control?: FitControl",
        ts_return_type = "Promise<this>"
    )]
    #[allow(clippy::too_many_arguments)]
    pub fn fit_async(
        &self,
        env: &napi::Env,
        this: This,
        x: Numbers,
        n_rows: u32,
        n_cols: u32,
        sample_weight: Option<Numbers>,
        control: Option<Object>,
    ) -> Result<AsyncTask<FitJob<CoreKMeans>>> {
        let p = self.params.clone();
        let w = sample_weight.map(values);
        let x = values(x);
        let monitor = crate::control::monitor(env, control)?;
        let work: Work<CoreKMeans> = Box::new(move || {
            let x = matrix(Either::B(x), n_rows, n_cols)?;
            p.fit_with(
                x.view(),
                w.as_ref().map(|w| ndarray::ArrayView1::from(w.as_slice())),
                &monitor,
            )
        });
        Ok(AsyncTask::new(FitJob::new(
            work,
            self.fitted.clone(),
            &this.object,
        )?))
    }

    /// Whether the estimator is fitted.
    #[napi(getter)]
    pub fn is_fitted(&self) -> bool {
        self.model().is_ok()
    }

    /// Number of clusters.
    #[napi(getter)]
    pub fn n_clusters(&self) -> u32 {
        match self.model() {
            Ok(m) => m.k() as u32,
            Err(_) => self.params.k as u32,
        }
    }

    /// Centroids, row-major `nClusters x nCols`.
    #[napi(getter)]
    pub fn centroids(&self) -> Result<Float64Array> {
        Ok(flat(self.model()?.centroids.clone()))
    }

    /// Cluster of each training row (empty for a model read from a file).
    #[napi(getter)]
    pub fn labels(&self) -> Result<Uint32Array> {
        Ok(Uint32Array::new(
            self.model()?.labels.iter().map(|&l| l as u32).collect(),
        ))
    }

    /// Sum of squared distances of the training rows to their centroids.
    #[napi(getter)]
    pub fn inertia(&self) -> Result<f64> {
        Ok(self.model()?.inertia)
    }

    /// Iterations run by the kept start.
    #[napi(getter)]
    pub fn n_iter(&self) -> Result<u32> {
        Ok(self.model()?.n_iter as u32)
    }

    /// Nearest centroid of each row.
    #[napi]
    pub fn predict(&self, x: Numbers, n_rows: u32, n_cols: u32) -> Result<Uint32Array> {
        let m = self.model()?;
        let l = run(|| m.predict(matrix(x, n_rows, n_cols)?.view()))?;
        Ok(Uint32Array::new(l.iter().map(|&v| v as u32).collect()))
    }

    /// Distance of each row to each centroid, row-major `nRows x nClusters`.
    #[napi]
    pub fn transform(&self, x: Numbers, n_rows: u32, n_cols: u32) -> Result<Float64Array> {
        let m = self.model()?;
        Ok(flat(run(|| {
            m.transform(matrix(x, n_rows, n_cols)?.view())
        })?))
    }

    /// The model file (JSON text).
    #[napi]
    pub fn to_json(&self) -> Result<String> {
        let m = self.model()?;
        run(|| model::to_json(&*m))
    }

    /// The model file as an object (used by `JSON.stringify`).
    #[napi(js_name = "toJSON")]
    pub fn to_json_value(&self) -> Result<serde_json::Value> {
        crate::model::parse_json(&self.to_json()?)
    }

    /// Reads a model file.
    #[napi(factory)]
    pub fn from_json(json: String) -> Result<Self> {
        Ok(Self::wrap(run(|| model::from_json::<CoreKMeans>(&json))?))
    }
}

/// Options of the scalers (each reads the ones it knows).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ScalerOptions {
    /// StandardScaler: subtract the mean (default true).
    pub with_mean: Option<bool>,
    /// StandardScaler: divide by the standard deviation (default true).
    pub with_std: Option<bool>,
    /// MinMaxScaler: target range `[lo, hi]` (default `[0, 1]`).
    pub feature_range: Option<Vec<f64>>,
    /// RobustScaler: quantile range in percent `[lo, hi]` (default `[25, 75]`).
    pub quantile_range: Option<Vec<f64>>,
    /// RobustScaler: subtract the median (default true).
    pub with_centering: Option<bool>,
    /// RobustScaler: divide by the quantile range (default true).
    pub with_scaling: Option<bool>,
}

fn pair(v: &Option<Vec<f64>>, name: &str) -> Result<Option<(f64, f64)>> {
    match v {
        None => Ok(None),
        Some(v) if v.len() == 2 => Ok(Some((v[0], v[1]))),
        Some(v) => Err(param(
            name,
            format!("expected [lo, hi], got {} values", v.len()),
        )),
    }
}

macro_rules! scaler {
    ($(#[doc = $doc:literal])* $js:ident, $core:ident, $params:ident, $kind:literal, |$o:ident| $build:expr) => {
        $(#[doc = $doc])*
        #[napi]
        pub struct $js {
            params: scale::$params,
            fitted: Slot<scale::$core>,
        }

        impl $js {
            pub(crate) fn wrap(m: scale::$core) -> $js {
                let s = slot();
                store(&s, m);
                $js { params: scale::$core::params(), fitted: s }
            }

            fn model(&self) -> Result<std::sync::Arc<scale::$core>> {
                fitted(&self.fitted, $kind)
            }
        }

        #[napi]
        impl $js {
            /// A new, unfitted scaler.
            #[napi(constructor)]
            pub fn new(options: Option<ScalerOptions>) -> Result<Self> {
                let $o = options.unwrap_or_default();
                Ok($js { params: $build, fitted: slot() })
            }

            /// Learns the per-column statistics of the row-major matrix `x`; returns `this`.
            #[napi(ts_return_type = "this")]
            pub fn fit<'e>(&self, this: This<'e>, x: Numbers, n_rows: u32, n_cols: u32) -> Result<Object<'e>> {
                let p = self.params.clone();
                store(&self.fitted, run(|| p.fit(matrix(x, n_rows, n_cols)?.view()))?);
                Ok(this.object)
            }

            /// Scales `x` (same columns as at fit); row-major result.
            #[napi]
            pub fn transform(&self, x: Numbers, n_rows: u32, n_cols: u32) -> Result<Float64Array> {
                let m = self.model()?;
                Ok(flat(run(|| m.transform(matrix(x, n_rows, n_cols)?.view()))?))
            }

            /// `fit` then `transform` on the same matrix.
            #[napi]
            pub fn fit_transform(&self, x: Numbers, n_rows: u32, n_cols: u32) -> Result<Float64Array> {
                let p = self.params.clone();
                let x = matrix(x, n_rows, n_cols).map_err(crate::error::seg)?;
                let m = run(|| p.fit(x.view()))?;
                let out = run(|| m.transform(x.view()))?;
                store(&self.fitted, m);
                Ok(flat(out))
            }

            /// Undoes `transform`.
            #[napi]
            pub fn inverse_transform(&self, x: Numbers, n_rows: u32, n_cols: u32) -> Result<Float64Array> {
                let m = self.model()?;
                Ok(flat(run(|| m.inverse_transform(matrix(x, n_rows, n_cols)?.view()))?))
            }

            /// The model file (JSON text).
            #[napi]
            pub fn to_json(&self) -> Result<String> {
                let m = self.model()?;
                run(|| model::to_json(&*m))
            }

            /// The model file as an object (used by `JSON.stringify`).
            #[napi(js_name = "toJSON")]
            pub fn to_json_value(&self) -> Result<serde_json::Value> {
                crate::model::parse_json(&self.to_json()?)
            }

            /// Reads a model file.
            #[napi(factory)]
            pub fn from_json(json: String) -> Result<Self> {
                Ok(Self::wrap(run(|| model::from_json::<scale::$core>(&json))?))
            }
        }
    };
}

scaler!(
    #[doc = " Standardises columns to zero mean and unit variance (population std; constant columns"]
    #[doc = " are left unscaled), as scikit-learn's StandardScaler."]
    StandardScaler,
    StandardScaler,
    StandardScalerParams,
    "StandardScaler",
    |o| {
        let mut p = scale::StandardScaler::params();
        if let Some(v) = o.with_mean {
            p = p.with_mean(v);
        }
        if let Some(v) = o.with_std {
            p = p.with_std(v);
        }
        p
    }
);

scaler!(
    #[doc = " Scales columns to a range (default [0, 1]), as scikit-learn's MinMaxScaler."]
    MinMaxScaler,
    MinMaxScaler,
    MinMaxScalerParams,
    "MinMaxScaler",
    |o| {
        let mut p = scale::MinMaxScaler::params();
        if let Some((lo, hi)) = pair(&o.feature_range, "featureRange")? {
            p = p.feature_range(lo, hi);
        }
        p
    }
);

scaler!(
    #[doc = " Centres on the median and scales by a quantile range, as scikit-learn's RobustScaler."]
    RobustScaler,
    RobustScaler,
    RobustScalerParams,
    "RobustScaler",
    |o| {
        let mut p = scale::RobustScaler::params();
        if let Some((lo, hi)) = pair(&o.quantile_range, "quantileRange")? {
            p = p.quantile_range(lo, hi);
        }
        if let Some(v) = o.with_centering {
            p = p.with_centering(v);
        }
        if let Some(v) = o.with_scaling {
            p = p.with_scaling(v);
        }
        p
    }
);

/// Mean silhouette coefficient of a clustering (exact, or on a seeded sample of
/// `sampleSize` rows), as scikit-learn's `silhouette_score`.
#[napi]
pub fn silhouette_score(
    x: Numbers,
    n_rows: u32,
    n_cols: u32,
    labels: Numbers,
    sample_size: Option<u32>,
    seed: Option<u32>,
) -> Result<f64> {
    let l = labels_of(labels)?;
    run(|| {
        quality::silhouette_score(
            matrix(x, n_rows, n_cols)?.view(),
            &l,
            sample_size.map(|s| s as usize),
            seed.unwrap_or(0) as u64,
        )
    })
}

/// Async twin of `silhouetteScore` (the exact score is quadratic in the rows).
#[napi(ts_return_type = "Promise<number>")]
pub fn silhouette_score_async(
    x: Numbers,
    n_rows: u32,
    n_cols: u32,
    labels: Numbers,
    sample_size: Option<u32>,
    seed: Option<u32>,
) -> Result<AsyncTask<crate::task::Job<f64, f64>>> {
    let l = labels_of(labels)?;
    let x = values(x);
    let work: Work<f64> = Box::new(move || {
        quality::silhouette_score(
            matrix(Either::B(x), n_rows, n_cols)?.view(),
            &l,
            sample_size.map(|s| s as usize),
            seed.unwrap_or(0) as u64,
        )
    });
    Ok(AsyncTask::new(crate::task::Job::new(work, Ok)))
}

/// Silhouette coefficient of each row.
#[napi]
pub fn silhouette_samples(
    x: Numbers,
    n_rows: u32,
    n_cols: u32,
    labels: Numbers,
) -> Result<Float64Array> {
    let l = labels_of(labels)?;
    let s = run(|| quality::silhouette_samples(matrix(x, n_rows, n_cols)?.view(), &l))?;
    Ok(Float64Array::new(s.to_vec()))
}

/// Davies-Bouldin index (lower is better).
#[napi]
pub fn davies_bouldin_score(x: Numbers, n_rows: u32, n_cols: u32, labels: Numbers) -> Result<f64> {
    let l = labels_of(labels)?;
    run(|| quality::davies_bouldin_score(matrix(x, n_rows, n_cols)?.view(), &l))
}

/// Calinski-Harabasz index (higher is better).
#[napi]
pub fn calinski_harabasz_score(
    x: Numbers,
    n_rows: u32,
    n_cols: u32,
    labels: Numbers,
) -> Result<f64> {
    let l = labels_of(labels)?;
    run(|| quality::calinski_harabasz_score(matrix(x, n_rows, n_cols)?.view(), &l))
}

/// RFM scores and segments of every customer.
#[napi(object)]
pub struct RfmSegments {
    /// Recency score 1-5 (5 = most recent).
    pub recency_score: Vec<u32>,
    /// Frequency score 1-5.
    pub frequency_score: Vec<u32>,
    /// Monetary score 1-5.
    pub monetary_score: Vec<u32>,
    /// `"RFM"` digits, e.g. `"543"`.
    pub score: Vec<String>,
    /// Segment name.
    pub segment: Vec<String>,
}

/// Quintile RFM scores (pandas `qcut` of ranks) and named segments. `table` is `standard`
/// (default) or `rfm_package` (the R rfm package's segments).
#[napi]
pub fn rfm_segments(
    recency: Numbers,
    frequency: Numbers,
    monetary: Numbers,
    #[napi(ts_arg_type = "'standard' | 'rfm_package'")] table: Option<String>,
) -> Result<RfmSegments> {
    let t = match table.as_deref() {
        None | Some("standard") => RfmSegmentTable::standard(),
        Some("rfm_package") => RfmSegmentTable::rfm_package(),
        Some(other) => {
            return Err(param(
                "table",
                format!("unknown table `{other}` (use standard or rfm_package)"),
            ))
        }
    };
    let (r, f, m) = (values(recency), values(frequency), values(monetary));
    let s = run(|| core_rfm_segments(&r, &f, &m, &t))?;
    let u = |v: Vec<u8>| v.into_iter().map(u32::from).collect();
    Ok(RfmSegments {
        recency_score: u(s.recency_score),
        frequency_score: u(s.frequency_score),
        monetary_score: u(s.monetary_score),
        score: s.score,
        segment: s.segment,
    })
}

/// Options of `GaussianMixture`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct GaussianMixtureOptions {
    /// Number of components (default 1).
    pub n_components: Option<u32>,
    /// `full` (default) or `diag`.
    pub covariance_type: Option<String>,
    /// Convergence tolerance on the lower bound (default 1e-3).
    pub tol: Option<f64>,
    /// Added to covariance diagonals (default 1e-6).
    pub reg_covar: Option<f64>,
    /// Maximum EM iterations (default 100).
    pub max_iter: Option<u32>,
    /// Initialisations; the best is kept (default 1).
    pub n_init: Option<u32>,
    /// Seed (default 0).
    pub seed: Option<u32>,
}

type CoreGmm = segcore::cluster::gmm::GaussianMixture;

/// Gaussian mixture (EM, k-means initialisation), as scikit-learn's GaussianMixture: soft
/// segments with membership probabilities.
#[napi]
pub struct GaussianMixture {
    params: segcore::cluster::gmm::GaussianMixtureParams,
    fitted: Slot<CoreGmm>,
}

impl GaussianMixture {
    pub(crate) fn wrap(m: CoreGmm) -> GaussianMixture {
        let s = slot();
        let k = m.k();
        store(&s, m);
        GaussianMixture {
            params: CoreGmm::params(k),
            fitted: s,
        }
    }

    fn model(&self) -> Result<std::sync::Arc<CoreGmm>> {
        fitted(&self.fitted, "GaussianMixture")
    }
}

#[napi]
impl GaussianMixture {
    /// A new, unfitted mixture.
    #[napi(constructor)]
    pub fn new(options: Option<GaussianMixtureOptions>) -> Result<Self> {
        let o = options.unwrap_or_default();
        let mut p = CoreGmm::params(o.n_components.unwrap_or(1) as usize);
        if let Some(c) = o.covariance_type.as_deref() {
            p.covariance_type = match c {
                "full" => segcore::cluster::gmm::CovarianceType::Full,
                "diag" => segcore::cluster::gmm::CovarianceType::Diag,
                other => {
                    return Err(param(
                        "covarianceType",
                        format!("unknown covariance type `{other}` (use full or diag)"),
                    ))
                }
            };
        }
        if let Some(v) = o.tol {
            p.tol = v;
        }
        if let Some(v) = o.reg_covar {
            p.reg_covar = v;
        }
        if let Some(v) = o.max_iter {
            p.max_iter = v as usize;
        }
        if let Some(v) = o.n_init {
            p.n_init = v as usize;
        }
        if let Some(v) = o.seed {
            p.seed = v as u64;
        }
        Ok(GaussianMixture {
            params: p,
            fitted: slot(),
        })
    }

    /// Fits on the row-major matrix `x`; returns `this`.
    #[napi(ts_return_type = "this")]
    pub fn fit<'e>(
        &self,
        this: This<'e>,
        x: Numbers,
        n_rows: u32,
        n_cols: u32,
    ) -> Result<Object<'e>> {
        let p = self.params.clone();
        store(
            &self.fitted,
            run(|| p.fit(matrix(x, n_rows, n_cols)?.view()))?,
        );
        Ok(this.object)
    }

    /// Async twin of `fit`; resolves with `this`. `control.signal` (an `AbortSignal`) stops
    /// the fit (the promise rejects with an `AbortError`, code `SEGCORE_CANCELLED`);
    /// `control.onProgress` receives `{ stage, done, total }`.
    #[napi(
        ts_args_type = "x: Numbers, nRows: number, nCols: number, control?: FitControl",
        ts_return_type = "Promise<this>"
    )]
    pub fn fit_async(
        &self,
        env: &napi::Env,
        this: This,
        x: Numbers,
        n_rows: u32,
        n_cols: u32,
        control: Option<Object>,
    ) -> Result<AsyncTask<FitJob<CoreGmm>>> {
        let p = self.params.clone();
        let x = values(x);
        let monitor = crate::control::monitor(env, control)?;
        let work: Work<CoreGmm> =
            Box::new(move || p.fit_with(matrix(Either::B(x), n_rows, n_cols)?.view(), &monitor));
        Ok(AsyncTask::new(FitJob::new(
            work,
            self.fitted.clone(),
            &this.object,
        )?))
    }

    /// Component weights.
    #[napi(getter)]
    pub fn weights(&self) -> Result<Float64Array> {
        Ok(Float64Array::new(self.model()?.weights.to_vec()))
    }

    /// Component means, row-major `nComponents x nCols`.
    #[napi(getter)]
    pub fn means(&self) -> Result<Float64Array> {
        Ok(flat(self.model()?.means.clone()))
    }

    /// Whether EM converged.
    #[napi(getter)]
    pub fn converged(&self) -> Result<bool> {
        Ok(self.model()?.converged)
    }

    /// Most likely component of each row.
    #[napi]
    pub fn predict(&self, x: Numbers, n_rows: u32, n_cols: u32) -> Result<Uint32Array> {
        let m = self.model()?;
        let l = run(|| m.predict(matrix(x, n_rows, n_cols)?.view()))?;
        Ok(Uint32Array::new(l.iter().map(|&v| v as u32).collect()))
    }

    /// Membership probabilities, row-major `nRows x nComponents`.
    #[napi]
    pub fn predict_proba(&self, x: Numbers, n_rows: u32, n_cols: u32) -> Result<Float64Array> {
        let m = self.model()?;
        Ok(flat(run(|| {
            m.predict_proba(matrix(x, n_rows, n_cols)?.view())
        })?))
    }

    /// Mean log-likelihood per row.
    #[napi]
    pub fn score(&self, x: Numbers, n_rows: u32, n_cols: u32) -> Result<f64> {
        let m = self.model()?;
        run(|| m.score(matrix(x, n_rows, n_cols)?.view()))
    }

    /// Bayesian information criterion on `x` (lower is better).
    #[napi]
    pub fn bic(&self, x: Numbers, n_rows: u32, n_cols: u32) -> Result<f64> {
        let m = self.model()?;
        run(|| m.bic(matrix(x, n_rows, n_cols)?.view()))
    }

    /// The model file (JSON text).
    #[napi]
    pub fn to_json(&self) -> Result<String> {
        let m = self.model()?;
        run(|| model::to_json(&*m))
    }

    /// The model file as an object (used by `JSON.stringify`).
    #[napi(js_name = "toJSON")]
    pub fn to_json_value(&self) -> Result<serde_json::Value> {
        crate::model::parse_json(&self.to_json()?)
    }

    /// Reads a model file.
    #[napi(factory)]
    pub fn from_json(json: String) -> Result<Self> {
        Ok(Self::wrap(run(|| model::from_json::<CoreGmm>(&json))?))
    }
}

/// Options of `MiniBatchKMeans`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct MiniBatchKMeansOptions {
    /// Number of clusters (default 8).
    pub n_clusters: Option<u32>,
    /// Rows per mini-batch (default 1024).
    pub batch_size: Option<u32>,
    /// Passes over the data (default 100).
    pub max_iter: Option<u32>,
    /// Seed (default 0).
    pub seed: Option<u32>,
}

type CoreMiniBatch = segcore::cluster::kmeans::MiniBatchKMeans;

/// Mini-batch k-means (scikit-learn's MiniBatchKMeans) for many customers; seeded.
#[napi]
pub struct MiniBatchKMeans {
    params: segcore::cluster::kmeans::MiniBatchKMeansParams,
    fitted: Slot<CoreMiniBatch>,
}

impl MiniBatchKMeans {
    fn model(&self) -> Result<std::sync::Arc<CoreMiniBatch>> {
        fitted(&self.fitted, "MiniBatchKMeans")
    }
}

#[napi]
impl MiniBatchKMeans {
    /// A new, unfitted estimator.
    #[napi(constructor)]
    pub fn new(options: Option<MiniBatchKMeansOptions>) -> Result<Self> {
        let o = options.unwrap_or_default();
        let mut p = CoreMiniBatch::params(o.n_clusters.unwrap_or(8) as usize);
        if let Some(v) = o.batch_size {
            p.batch_size = v as usize;
        }
        if let Some(v) = o.max_iter {
            p.max_iter = v as usize;
        }
        if let Some(v) = o.seed {
            p.seed = v as u64;
        }
        Ok(MiniBatchKMeans {
            params: p,
            fitted: slot(),
        })
    }

    /// Fits on the row-major matrix `x`; returns `this`.
    #[napi(ts_return_type = "this")]
    pub fn fit<'e>(
        &self,
        this: This<'e>,
        x: Numbers,
        n_rows: u32,
        n_cols: u32,
    ) -> Result<Object<'e>> {
        let p = self.params.clone();
        store(
            &self.fitted,
            run(|| p.fit(matrix(x, n_rows, n_cols)?.view(), None))?,
        );
        Ok(this.object)
    }

    /// Async twin of `fit`; resolves with `this`. `control.signal` (an `AbortSignal`) stops
    /// the fit (the promise rejects with an `AbortError`, code `SEGCORE_CANCELLED`);
    /// `control.onProgress` receives `{ stage, done, total }`.
    #[napi(
        ts_args_type = "x: Numbers, nRows: number, nCols: number, control?: FitControl",
        ts_return_type = "Promise<this>"
    )]
    pub fn fit_async(
        &self,
        env: &napi::Env,
        this: This,
        x: Numbers,
        n_rows: u32,
        n_cols: u32,
        control: Option<Object>,
    ) -> Result<AsyncTask<FitJob<CoreMiniBatch>>> {
        let p = self.params.clone();
        let x = values(x);
        let monitor = crate::control::monitor(env, control)?;
        let work: Work<CoreMiniBatch> = Box::new(move || {
            p.fit_with(matrix(Either::B(x), n_rows, n_cols)?.view(), None, &monitor)
        });
        Ok(AsyncTask::new(FitJob::new(
            work,
            self.fitted.clone(),
            &this.object,
        )?))
    }

    /// Centroids, row-major `nClusters x nCols`.
    #[napi(getter)]
    pub fn centroids(&self) -> Result<Float64Array> {
        Ok(flat(self.model()?.centroids.clone()))
    }

    /// Cluster of each training row.
    #[napi(getter)]
    pub fn labels(&self) -> Result<Uint32Array> {
        Ok(Uint32Array::new(
            self.model()?.labels.iter().map(|&l| l as u32).collect(),
        ))
    }

    /// Sum of squared distances of the training rows to their centroids.
    #[napi(getter)]
    pub fn inertia(&self) -> Result<f64> {
        Ok(self.model()?.inertia)
    }

    /// Nearest centroid of each row.
    #[napi]
    pub fn predict(&self, x: Numbers, n_rows: u32, n_cols: u32) -> Result<Uint32Array> {
        let m = self.model()?;
        let l = run(|| m.predict(matrix(x, n_rows, n_cols)?.view()))?;
        Ok(Uint32Array::new(l.iter().map(|&v| v as u32).collect()))
    }

    /// The fitted centres as a `KMeans` (same predictions; its model file is a KMeans file).
    #[napi(js_name = "toKMeans")]
    pub fn to_kmeans(&self) -> Result<KMeans> {
        Ok(KMeans::wrap(self.model()?.as_kmeans()))
    }
}
