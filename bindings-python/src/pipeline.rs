//! The main job (`segcore::pipeline::Segmenter`) and segment transitions
//! (`segcore::dynamic`).

use numpy::{PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use segcore::dynamic::transition_matrix;
use segcore::features::FeatureConfig;
use segcore::model::{from_json, to_json};
use segcore::pipeline::{table::Column, CustomerTable, Segmenter};

use crate::data::{ids_to_py, PyLogs};
use crate::error::{param_error, PyResultExt};

/// A customer table as a dict: `customer_ids`, `names`, `columns` (float64 arrays or lists
/// of `str`).
fn table_py<'py>(py: Python<'py>, t: &CustomerTable) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("customer_ids", ids_to_py(py, &t.customers)?)?;
    d.set_item("names", PyList::new(py, &t.names)?)?;
    let cols = PyList::empty(py);
    for c in &t.columns {
        match c {
            Column::Num(v) => cols.append(PyArray1::from_slice(py, v))?,
            Column::Text(v) => cols.append(PyList::new(py, v)?)?,
        }
    }
    d.set_item("columns", cols)?;
    Ok(d)
}

/// A fitted Segmenter (features → CLV → RFM → behavioural segments → churn).
#[pyclass(name = "_Segmenter", module = "segcore._segcore", frozen)]
pub struct PySegmenter {
    /// The core model.
    pub inner: Segmenter,
}

#[pymethods]
impl PySegmenter {
    /// Runs the main job on `logs`. Returns `(model, result)` where `result` is a dict with
    /// `customers` (table dict), `profiles`, `choose_k`, `churn_validation_auc`,
    /// `churn_training_rows`.
    #[staticmethod]
    #[pyo3(signature = (logs, as_of=None, n_segments=None, k_min=3, k_max=8, cluster_features=None, seed=0, clv_horizon_days=365.0, annual_discount_rate=0.10, churn_horizon_days=90.0, silhouette_sample=5000))]
    #[allow(clippy::too_many_arguments)]
    fn fit<'py>(
        py: Python<'py>,
        logs: &PyLogs,
        as_of: Option<i64>,
        n_segments: Option<usize>,
        k_min: usize,
        k_max: usize,
        cluster_features: Option<Vec<String>>,
        seed: u64,
        clv_horizon_days: f64,
        annual_discount_rate: f64,
        churn_horizon_days: f64,
        silhouette_sample: usize,
    ) -> PyResult<(Self, Bound<'py, PyDict>)> {
        let mut p = Segmenter::params()
            .features(FeatureConfig::default().as_of(as_of))
            .n_segments(n_segments)
            .k_range(k_min, k_max)
            .cluster_features(cluster_features)
            .seed(seed)
            .clv_horizon_days(clv_horizon_days)
            .annual_discount_rate(annual_discount_rate)
            .churn_horizon_days(churn_horizon_days);
        p.silhouette_sample = silhouette_sample;
        let inner_logs = logs.inner.clone();
        let out = py.detach(move || p.fit(&inner_logs)).py()?;
        let d = PyDict::new(py);
        d.set_item("customers", table_py(py, &out.customers)?)?;
        let prof = PyList::empty(py);
        for s in &out.profiles.segments {
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
            prof.append(row)?;
        }
        d.set_item("profiles", prof)?;
        d.set_item("profile_features", PyList::new(py, &out.profiles.features)?)?;
        if let Some(ck) = &out.choose_k {
            let rows = PyList::empty(py);
            for s in &ck.scores {
                rows.append((
                    s.k,
                    s.inertia,
                    s.silhouette,
                    s.calinski_harabasz,
                    s.davies_bouldin,
                ))?;
            }
            d.set_item("choose_k", rows)?;
        }
        d.set_item("churn_validation_auc", out.churn_validation_auc)?;
        d.set_item("churn_training_rows", out.churn_training_rows)?;
        Ok((Self { inner: out.model }, d))
    }

    /// Scores the customers of `logs` with the fitted models (no refit).
    #[pyo3(signature = (logs, as_of=None))]
    fn score<'py>(
        &self,
        py: Python<'py>,
        logs: &PyLogs,
        as_of: Option<i64>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let (m, l) = (&self.inner, logs.inner.clone());
        let t = py.detach(move || m.score(&l, as_of)).py()?;
        table_py(py, &t)
    }

    /// Reads a segcore model file.
    #[staticmethod]
    fn from_json(s: &str) -> PyResult<Self> {
        Ok(Self {
            inner: from_json::<Segmenter>(s).py()?,
        })
    }

    /// Writes a segcore model file.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.inner).py()
    }

    /// The cutoff of the fit (UTC seconds).
    #[getter]
    fn as_of(&self) -> i64 {
        self.inner.as_of
    }

    /// Names of the behavioural segments.
    #[getter]
    fn segment_names(&self) -> Vec<String> {
        self.inner.segment_names.clone()
    }

    /// Features used for clustering.
    #[getter]
    fn cluster_features(&self) -> Vec<String> {
        self.inner.cluster_features.clone()
    }

    /// Segment centroids in the scaled feature space.
    #[getter]
    fn centroids<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<f64>> {
        PyArray2::from_array(py, &self.inner.kmeans.centroids)
    }

    /// Fitted BG/NBD parameters (days).
    #[getter]
    fn bg_nbd<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let b = &self.inner.bg_nbd;
        d.set_item("r", b.r)?;
        d.set_item("alpha", b.alpha)?;
        d.set_item("a", b.a)?;
        d.set_item("b", b.b)?;
        Ok(d)
    }
}

/// Counts (`k x k`, u64) and rates (`k x k`, f64) of a transition matrix.
type TransitionArrays<'py> = (Bound<'py, PyArray2<u64>>, Bound<'py, PyArray2<f64>>);

/// Transition counts and rates between two labelings of (partly) the same customers.
#[pyfunction]
pub fn _transition_matrix<'py>(
    py: Python<'py>,
    prev_customers: Vec<u32>,
    prev_labels: Vec<usize>,
    next_customers: Vec<u32>,
    next_labels: Vec<usize>,
    k: usize,
) -> PyResult<TransitionArrays<'py>> {
    if k == 0 {
        return Err(param_error("k", "must be at least 1"));
    }
    let t = transition_matrix(
        &prev_customers,
        &prev_labels,
        &next_customers,
        &next_labels,
        k,
    )
    .py()?;
    Ok((
        PyArray2::from_owned_array(py, t.counts),
        PyArray2::from_owned_array(py, t.rates),
    ))
}
