//! Segmentation (`segcore::cluster`): scalers, k-means, mini-batch k-means, Gaussian
//! mixtures, quality metrics, choosing k and RFM segments.

use ndarray::{Array1, ArrayView2};
use numpy::{PyArray1, PyArray2, PyArray3, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use segcore::cluster::choose_k::choose_k;
use segcore::cluster::gmm::{CovarianceType, Covariances, GaussianMixture};
use segcore::cluster::kmeans::{KMeans, KMeansAlgorithm, KMeansInit, MiniBatchKMeans};
use segcore::cluster::profile::{profile_segments, ProfileExtras, Vocabulary};
use segcore::cluster::quality::{
    calinski_harabasz_score, davies_bouldin_score, silhouette_samples, silhouette_score,
};
use segcore::cluster::rfm::{rfm_segments, RfmSegmentTable};
use segcore::cluster::scale::{Log1p, MinMaxScaler, RobustScaler, StandardScaler, Transform};
use segcore::model::{from_json, to_json};

use crate::clv::vec_f64;
use crate::error::{param_error, PyResultExt};
use crate::monitor::monitored;

fn labels_vec(labels: &Bound<'_, PyAny>) -> PyResult<Vec<usize>> {
    let v: Vec<i64> = match labels.extract::<PyReadonlyArray1<'_, i64>>() {
        Ok(a) => a.as_array().to_vec(),
        Err(_) => labels.extract()?,
    };
    v.iter()
        .enumerate()
        .map(|(i, &l)| {
            usize::try_from(l)
                .map_err(|_| param_error("labels", format!("label {l} at row {i} is negative")))
        })
        .collect()
}

fn labels_py<'py>(py: Python<'py>, l: &Array1<usize>) -> Bound<'py, PyArray1<i64>> {
    PyArray1::from_iter(py, l.iter().map(|&v| v as i64))
}

fn weights_vec(w: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<f64>>> {
    w.map(vec_f64).transpose()
}

fn algorithm(name: &str) -> PyResult<KMeansAlgorithm> {
    match name.to_ascii_lowercase().as_str() {
        "auto" => Ok(KMeansAlgorithm::Auto),
        "lloyd" => Ok(KMeansAlgorithm::Lloyd),
        "hamerly" | "elkan" => Ok(KMeansAlgorithm::Hamerly),
        other => Err(param_error(
            "algorithm",
            format!("unknown algorithm `{other}` (use auto, lloyd or hamerly)"),
        )),
    }
}

/// A fitted k-means model.
#[pyclass(name = "_KMeans", module = "segcore._segcore", frozen)]
pub struct PyKMeans {
    /// The core model.
    pub inner: KMeans,
}

#[pymethods]
impl PyKMeans {
    /// Fits k-means (k-means++ restarts or given initial centres).
    #[staticmethod]
    #[pyo3(signature = (x, k, sample_weight=None, n_init=1, max_iter=300, tol=1e-4, seed=0, algorithm="auto", init=None, verbose=false))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        x: PyReadonlyArray2<'_, f64>,
        k: usize,
        sample_weight: Option<&Bound<'_, PyAny>>,
        n_init: usize,
        max_iter: usize,
        tol: f64,
        seed: u64,
        algorithm: &str,
        init: Option<PyReadonlyArray2<'_, f64>>,
        verbose: bool,
    ) -> PyResult<Self> {
        let mut p = KMeans::params(k)
            .n_init(n_init)
            .max_iter(max_iter)
            .tol(tol)
            .seed(seed)
            .algorithm(self::algorithm(algorithm)?);
        if let Some(c) = init {
            p = p.init(KMeansInit::Given(c.as_array().to_owned()));
        }
        let w = weights_vec(sample_weight)?;
        let xv = x.as_array();
        let wv = w.as_deref().map(ndarray::ArrayView1::from);
        let inner = monitored(py, verbose, "kmeans", |m| p.fit_with(xv, wv, m))?;
        Ok(Self { inner })
    }

    /// Reads a segcore model file.
    #[staticmethod]
    fn from_json(s: &str) -> PyResult<Self> {
        Ok(Self {
            inner: from_json::<KMeans>(s).py()?,
        })
    }

    /// Writes a segcore model file.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.inner).py()
    }

    /// Centres, `k x d`.
    #[getter]
    fn centroids<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        PyArray2::from_array(py, &self.inner.centroids)
    }

    /// Labels of the training rows.
    #[getter]
    fn labels<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        labels_py(py, &self.inner.labels)
    }

    /// Sum of weighted squared distances to the closest centre.
    #[getter]
    fn inertia(&self) -> f64 {
        self.inner.inertia
    }

    /// Iterations of the kept run.
    #[getter]
    fn n_iter(&self) -> usize {
        self.inner.n_iter
    }

    /// Closest centre of each row.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let xv = x.as_array();
        let m = &self.inner;
        Ok(labels_py(py, &py.detach(|| m.predict(xv)).py()?))
    }

    /// Distances of each row to every centre.
    fn transform<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let xv = x.as_array();
        let m = &self.inner;
        Ok(PyArray2::from_owned_array(
            py,
            py.detach(|| m.transform(xv)).py()?,
        ))
    }
}

/// A fitted mini-batch k-means model.
#[pyclass(name = "_MiniBatchKMeans", module = "segcore._segcore", frozen)]
pub struct PyMiniBatchKMeans {
    /// The core model.
    pub inner: MiniBatchKMeans,
}

#[pymethods]
impl PyMiniBatchKMeans {
    /// Fits mini-batch k-means.
    #[staticmethod]
    #[pyo3(signature = (x, k, sample_weight=None, batch_size=1024, max_iter=100, tol=0.0, max_no_improvement=Some(10), init_size=None, n_init=3, reassignment_ratio=0.01, seed=0, verbose=false))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        x: PyReadonlyArray2<'_, f64>,
        k: usize,
        sample_weight: Option<&Bound<'_, PyAny>>,
        batch_size: usize,
        max_iter: usize,
        tol: f64,
        max_no_improvement: Option<usize>,
        init_size: Option<usize>,
        n_init: usize,
        reassignment_ratio: f64,
        seed: u64,
        verbose: bool,
    ) -> PyResult<Self> {
        let mut p = MiniBatchKMeans::params(k);
        p.batch_size = batch_size;
        p.max_iter = max_iter;
        p.tol = tol;
        p.max_no_improvement = max_no_improvement;
        p.init_size = init_size;
        p.n_init = n_init;
        p.reassignment_ratio = reassignment_ratio;
        p.seed = seed;
        let w = weights_vec(sample_weight)?;
        let xv = x.as_array();
        let wv = w.as_deref().map(ndarray::ArrayView1::from);
        let inner = monitored(py, verbose, "mini-batch kmeans", |m| p.fit_with(xv, wv, m))?;
        Ok(Self { inner })
    }

    /// Reads a segcore model file.
    #[staticmethod]
    fn from_json(s: &str) -> PyResult<Self> {
        Ok(Self {
            inner: from_json::<MiniBatchKMeans>(s).py()?,
        })
    }

    /// Writes a segcore model file.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.inner).py()
    }

    /// Centres, `k x d`.
    #[getter]
    fn centroids<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        PyArray2::from_array(py, &self.inner.centroids)
    }

    /// Labels of the training rows.
    #[getter]
    fn labels<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        labels_py(py, &self.inner.labels)
    }

    /// Inertia of the training rows.
    #[getter]
    fn inertia(&self) -> f64 {
        self.inner.inertia
    }

    /// Passes over the data.
    #[getter]
    fn n_iter(&self) -> usize {
        self.inner.n_iter
    }

    /// Mini-batch steps.
    #[getter]
    fn n_steps(&self) -> usize {
        self.inner.n_steps
    }

    /// Closest centre of each row.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let xv = x.as_array();
        let m = &self.inner;
        Ok(labels_py(py, &py.detach(|| m.predict(xv)).py()?))
    }

    /// Distances of each row to every centre.
    fn transform<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let xv = x.as_array();
        let km = self.inner.as_kmeans();
        Ok(PyArray2::from_owned_array(
            py,
            py.detach(|| km.transform(xv)).py()?,
        ))
    }
}

/// A fitted Gaussian mixture.
#[pyclass(name = "_GaussianMixture", module = "segcore._segcore", frozen)]
pub struct PyGaussianMixture {
    /// The core model.
    pub inner: GaussianMixture,
}

#[pymethods]
impl PyGaussianMixture {
    /// Fits by EM from a k-means start.
    #[staticmethod]
    #[pyo3(signature = (x, k, covariance_type="full", tol=1e-3, reg_covar=1e-6, max_iter=100, n_init=1, seed=0, verbose=false))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        x: PyReadonlyArray2<'_, f64>,
        k: usize,
        covariance_type: &str,
        tol: f64,
        reg_covar: f64,
        max_iter: usize,
        n_init: usize,
        seed: u64,
        verbose: bool,
    ) -> PyResult<Self> {
        let ct = match covariance_type.to_ascii_lowercase().as_str() {
            "full" => CovarianceType::Full,
            "diag" => CovarianceType::Diag,
            other => {
                return Err(param_error(
                    "covariance_type",
                    format!("unknown covariance type `{other}` (use full or diag)"),
                ))
            }
        };
        let mut p = GaussianMixture::params(k);
        p.covariance_type = ct;
        p.tol = tol;
        p.reg_covar = reg_covar;
        p.max_iter = max_iter;
        p.n_init = n_init;
        p.seed = seed;
        let xv = x.as_array();
        let inner = monitored(py, verbose, "gaussian mixture", |m| p.fit_with(xv, m))?;
        Ok(Self { inner })
    }

    /// Reads a segcore model file.
    #[staticmethod]
    fn from_json(s: &str) -> PyResult<Self> {
        Ok(Self {
            inner: from_json::<GaussianMixture>(s).py()?,
        })
    }

    /// Writes a segcore model file.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.inner).py()
    }

    /// Mixture weights.
    #[getter]
    fn weights<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, self.inner.weights.as_slice().unwrap_or(&[]))
    }

    /// Component means, `k x d`.
    #[getter]
    fn means<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        PyArray2::from_array(py, &self.inner.means)
    }

    /// Covariances: `k x d x d` (full) or `k x d` (diag).
    #[getter]
    fn covariances<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        match &self.inner.covariances {
            Covariances::Full(c) => PyArray3::from_array(py, c).into_any(),
            Covariances::Diag(c) => PyArray2::from_array(py, c).into_any(),
        }
    }

    /// Whether EM converged.
    #[getter]
    fn converged(&self) -> bool {
        self.inner.converged
    }

    /// EM iterations of the kept run.
    #[getter]
    fn n_iter(&self) -> usize {
        self.inner.n_iter
    }

    /// Lower bound of the log-likelihood per sample.
    #[getter]
    fn lower_bound(&self) -> f64 {
        self.inner.lower_bound
    }

    /// Most likely component of each row.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let xv = x.as_array();
        let m = &self.inner;
        Ok(labels_py(py, &py.detach(|| m.predict(xv)).py()?))
    }

    /// Posterior probabilities of the components, `n x k`.
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let xv = x.as_array();
        let m = &self.inner;
        Ok(PyArray2::from_owned_array(
            py,
            py.detach(|| m.predict_proba(xv)).py()?,
        ))
    }

    /// Log-density of each row.
    fn score_samples<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let xv = x.as_array();
        let m = &self.inner;
        Ok(PyArray1::from_owned_array(
            py,
            py.detach(|| m.score_samples(xv)).py()?,
        ))
    }

    /// Mean log-density.
    fn score(&self, py: Python<'_>, x: PyReadonlyArray2<'_, f64>) -> PyResult<f64> {
        let xv = x.as_array();
        let m = &self.inner;
        py.detach(|| m.score(xv)).py()
    }

    /// Bayesian information criterion.
    fn bic(&self, py: Python<'_>, x: PyReadonlyArray2<'_, f64>) -> PyResult<f64> {
        let xv = x.as_array();
        let m = &self.inner;
        py.detach(|| m.bic(xv)).py()
    }

    /// Akaike information criterion.
    fn aic(&self, py: Python<'_>, x: PyReadonlyArray2<'_, f64>) -> PyResult<f64> {
        let xv = x.as_array();
        let m = &self.inner;
        py.detach(|| m.aic(xv)).py()
    }
}

fn transform_py<'py, T: Transform + Sync>(
    py: Python<'py>,
    t: &T,
    x: ArrayView2<'_, f64>,
    inverse: bool,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let out = py
        .detach(|| {
            if inverse {
                t.inverse_transform(x)
            } else {
                t.transform(x)
            }
        })
        .py()?;
    Ok(PyArray2::from_owned_array(py, out))
}

/// A fitted scaler (standard, robust, min-max or log1p).
#[pyclass(name = "_Scaler", module = "segcore._segcore", frozen)]
pub struct PyScaler {
    inner: Scaler,
}

enum Scaler {
    Standard(StandardScaler),
    Robust(RobustScaler),
    MinMax(MinMaxScaler),
    Log1p(Log1p),
}

#[pymethods]
impl PyScaler {
    /// Fits a `StandardScaler`.
    #[staticmethod]
    #[pyo3(signature = (x, with_mean=true, with_std=true))]
    fn fit_standard(
        x: PyReadonlyArray2<'_, f64>,
        with_mean: bool,
        with_std: bool,
    ) -> PyResult<Self> {
        let s = StandardScaler::params()
            .with_mean(with_mean)
            .with_std(with_std)
            .fit(x.as_array())
            .py()?;
        Ok(Self {
            inner: Scaler::Standard(s),
        })
    }

    /// Fits a `RobustScaler` (quantile range in percent).
    #[staticmethod]
    #[pyo3(signature = (x, with_centering=true, with_scaling=true, quantile_range=(25.0, 75.0)))]
    fn fit_robust(
        x: PyReadonlyArray2<'_, f64>,
        with_centering: bool,
        with_scaling: bool,
        quantile_range: (f64, f64),
    ) -> PyResult<Self> {
        let s = RobustScaler::params()
            .with_centering(with_centering)
            .with_scaling(with_scaling)
            .quantile_range(quantile_range.0, quantile_range.1)
            .fit(x.as_array())
            .py()?;
        Ok(Self {
            inner: Scaler::Robust(s),
        })
    }

    /// Fits a `MinMaxScaler`.
    #[staticmethod]
    #[pyo3(signature = (x, feature_range=(0.0, 1.0)))]
    fn fit_minmax(x: PyReadonlyArray2<'_, f64>, feature_range: (f64, f64)) -> PyResult<Self> {
        let s = MinMaxScaler::params()
            .feature_range(feature_range.0, feature_range.1)
            .fit(x.as_array())
            .py()?;
        Ok(Self {
            inner: Scaler::MinMax(s),
        })
    }

    /// Fits a `Log1p` transform on the given column positions (empty = all columns).
    #[staticmethod]
    #[pyo3(signature = (x, columns=Vec::new()))]
    fn fit_log1p(x: PyReadonlyArray2<'_, f64>, columns: Vec<usize>) -> PyResult<Self> {
        let s = Log1p::params().columns(columns).fit(x.as_array()).py()?;
        Ok(Self {
            inner: Scaler::Log1p(s),
        })
    }

    /// Reads a segcore model file of any scaler kind.
    #[staticmethod]
    fn from_json(s: &str) -> PyResult<Self> {
        let env = segcore::model::read_envelope(s).py()?;
        let inner = match env.kind.as_str() {
            "RobustScaler" => Scaler::Robust(from_json(s).py()?),
            "MinMaxScaler" => Scaler::MinMax(from_json(s).py()?),
            "Log1p" => Scaler::Log1p(from_json(s).py()?),
            _ => Scaler::Standard(from_json(s).py()?),
        };
        Ok(Self { inner })
    }

    /// Writes a segcore model file.
    fn to_json(&self) -> PyResult<String> {
        match &self.inner {
            Scaler::Standard(s) => to_json(s),
            Scaler::Robust(s) => to_json(s),
            Scaler::MinMax(s) => to_json(s),
            Scaler::Log1p(s) => to_json(s),
        }
        .py()
    }

    /// The fitted vectors by name (`mean`/`scale`, `center`/`scale`, or
    /// `data_min`/`data_max`/`scale`/`min`).
    #[getter]
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let a = |v: &Array1<f64>| PyArray1::from_iter(py, v.iter().copied());
        match &self.inner {
            Scaler::Standard(s) => {
                d.set_item("mean", a(&s.mean))?;
                d.set_item("scale", a(&s.scale))?;
            }
            Scaler::Robust(s) => {
                d.set_item("center", a(&s.center))?;
                d.set_item("scale", a(&s.scale))?;
            }
            Scaler::MinMax(s) => {
                d.set_item("data_min", a(&s.data_min))?;
                d.set_item("data_max", a(&s.data_max))?;
                d.set_item("scale", a(&s.scale))?;
                d.set_item("min", a(&s.min))?;
            }
            Scaler::Log1p(s) => {
                let cols = s.columns.iter().map(|&c| c as i64);
                d.set_item("columns", PyArray1::from_iter(py, cols))?;
                d.set_item("n_features", s.n_features)?;
            }
        }
        Ok(d)
    }

    /// Scales `x`.
    fn transform<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        self.apply(py, x.as_array(), false)
    }

    /// Undoes the scaling.
    fn inverse_transform<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        self.apply(py, x.as_array(), true)
    }
}

impl PyScaler {
    fn apply<'py>(
        &self,
        py: Python<'py>,
        x: ArrayView2<'_, f64>,
        inverse: bool,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        match &self.inner {
            Scaler::Standard(s) => transform_py(py, s, x, inverse),
            Scaler::Robust(s) => transform_py(py, s, x, inverse),
            Scaler::MinMax(s) => transform_py(py, s, x, inverse),
            Scaler::Log1p(s) => transform_py(py, s, x, inverse),
        }
    }
}

/// Mean silhouette (sampled with `sample_size`).
#[pyfunction]
#[pyo3(signature = (x, labels, sample_size=None, seed=0))]
pub fn _silhouette_score(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    labels: &Bound<'_, PyAny>,
    sample_size: Option<usize>,
    seed: u64,
) -> PyResult<f64> {
    let l = labels_vec(labels)?;
    let xv = x.as_array();
    py.detach(|| silhouette_score(xv, &l, sample_size, seed))
        .py()
}

/// Silhouette of every row.
#[pyfunction]
pub fn _silhouette_samples<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    labels: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let l = labels_vec(labels)?;
    let xv = x.as_array();
    Ok(PyArray1::from_owned_array(
        py,
        py.detach(|| silhouette_samples(xv, &l)).py()?,
    ))
}

/// Davies–Bouldin index.
#[pyfunction]
pub fn _davies_bouldin_score(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    labels: &Bound<'_, PyAny>,
) -> PyResult<f64> {
    let l = labels_vec(labels)?;
    let xv = x.as_array();
    py.detach(|| davies_bouldin_score(xv, &l)).py()
}

/// Calinski–Harabasz index.
#[pyfunction]
pub fn _calinski_harabasz_score(
    py: Python<'_>,
    x: PyReadonlyArray2<'_, f64>,
    labels: &Bound<'_, PyAny>,
) -> PyResult<f64> {
    let l = labels_vec(labels)?;
    let xv = x.as_array();
    py.detach(|| calinski_harabasz_score(xv, &l)).py()
}

/// Score table over `ks` and the chosen k: dict with `scores` (list of dicts), `k`, `rule`.
#[pyfunction]
#[pyo3(signature = (x, ks, n_init=1, max_iter=300, tol=1e-4, seed=0, silhouette_sample=None))]
#[allow(clippy::too_many_arguments)]
pub fn _choose_k<'py>(
    py: Python<'py>,
    x: PyReadonlyArray2<'py, f64>,
    ks: Vec<usize>,
    n_init: usize,
    max_iter: usize,
    tol: f64,
    seed: u64,
    silhouette_sample: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let p = KMeans::params(2)
        .n_init(n_init)
        .max_iter(max_iter)
        .tol(tol)
        .seed(seed);
    let xv = x.as_array();
    let r = py
        .detach(|| choose_k(xv, &ks, &p, silhouette_sample))
        .py()?;
    let d = PyDict::new(py);
    let rows = PyList::empty(py);
    for s in &r.scores {
        let row = PyDict::new(py);
        row.set_item("k", s.k)?;
        row.set_item("inertia", s.inertia)?;
        row.set_item("silhouette", s.silhouette)?;
        row.set_item("calinski_harabasz", s.calinski_harabasz)?;
        row.set_item("davies_bouldin", s.davies_bouldin)?;
        rows.append(row)?;
    }
    d.set_item("scores", rows)?;
    d.set_item("k", r.k)?;
    d.set_item("rule", r.rule)?;
    Ok(d)
}

/// RFM quintile scores and segments: dict of `recency_score`, `frequency_score`,
/// `monetary_score` (int arrays), `score`, `segment` (lists of str).
#[pyfunction]
#[pyo3(signature = (recency, frequency, monetary, table="standard"))]
pub fn _rfm_segments<'py>(
    py: Python<'py>,
    recency: &Bound<'py, PyAny>,
    frequency: &Bound<'py, PyAny>,
    monetary: &Bound<'py, PyAny>,
    table: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let t = match table {
        "standard" => RfmSegmentTable::standard(),
        "rfm_package" | "rfm" => RfmSegmentTable::rfm_package(),
        json => from_json::<RfmSegmentTable>(json).py()?,
    };
    let (r, f, m) = (vec_f64(recency)?, vec_f64(frequency)?, vec_f64(monetary)?);
    let s = py.detach(|| rfm_segments(&r, &f, &m, &t)).py()?;
    let d = PyDict::new(py);
    let ints = |v: &[u8]| PyArray1::from_iter(py, v.iter().map(|&x| x as i64));
    d.set_item("recency_score", ints(&s.recency_score))?;
    d.set_item("frequency_score", ints(&s.frequency_score))?;
    d.set_item("monetary_score", ints(&s.monetary_score))?;
    d.set_item("score", PyList::new(py, &s.score)?)?;
    d.set_item("segment", PyList::new(py, &s.segment)?)?;
    Ok(d)
}

/// Per-segment profiles: dict with `features`, `population_mean`, `population_std` and
/// `segments` (list of dicts: segment, name, size, share, mean, median, z, clv_total,
/// clv_mean, churn_mean).
#[pyfunction]
#[pyo3(signature = (names, x, labels, clv=None, churn_probability=None))]
pub fn _segment_profiles<'py>(
    py: Python<'py>,
    names: Vec<String>,
    x: PyReadonlyArray2<'py, f64>,
    labels: &Bound<'py, PyAny>,
    clv: Option<&Bound<'py, PyAny>>,
    churn_probability: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let l = labels_vec(labels)?;
    let clv = clv.map(vec_f64).transpose()?;
    let churn = churn_probability.map(vec_f64).transpose()?;
    let xv = x.as_array();
    let p = py
        .detach(|| {
            let extras = ProfileExtras {
                clv: clv.as_deref(),
                churn_probability: churn.as_deref(),
            };
            profile_segments(&names, xv, &l, &extras, &Vocabulary::default())
        })
        .py()?;
    let d = PyDict::new(py);
    d.set_item("features", PyList::new(py, &p.features)?)?;
    d.set_item("population_mean", p.population_mean.clone())?;
    d.set_item("population_std", p.population_std.clone())?;
    let segs = PyList::empty(py);
    for s in &p.segments {
        let row = PyDict::new(py);
        row.set_item("segment", s.segment)?;
        row.set_item("name", &s.name)?;
        row.set_item("size", s.size)?;
        row.set_item("share", s.share)?;
        row.set_item("mean", s.mean.clone())?;
        row.set_item("median", s.median.clone())?;
        row.set_item("z", s.z.clone())?;
        row.set_item("clv_total", s.clv_total)?;
        row.set_item("clv_mean", s.clv_mean)?;
        row.set_item("churn_mean", s.churn_mean)?;
        segs.append(row)?;
    }
    d.set_item("segments", segs)?;
    Ok(d)
}
