//! The main job (`segcore::pipeline::Segmenter`) and segment transitions
//! (`segcore::dynamic`).

use numpy::PyReadonlyArray2;
use numpy::{PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use segcore::cluster::kmeans::KMeans;
use segcore::dynamic::{
    transition_matrix, DynamicParams, DynamicSegmentation, Snapshot, UpdateMode,
};
use segcore::features::FeatureConfig;
use segcore::model::{from_json, to_json};
use segcore::pipeline::{table::Column, CustomerTable, Segmenter};

use crate::data::{ids_to_py_index, PyLogs};
use crate::error::{param_error, PyResultExt};

/// A customer table as a dict: `customer_ids`, `names`, `columns` (float64 arrays or lists
/// of `str`).
fn table_py<'py>(py: Python<'py>, t: &CustomerTable) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("customer_ids", ids_to_py_index(py, &t.customers)?)?;
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
    #[pyo3(signature = (logs, as_of=None, n_segments=None, k_min=3, k_max=8, cluster_features=None, seed=0, clv_horizon_days=365.0, annual_discount_rate=0.10, churn_horizon_days=90.0, silhouette_sample=5000, verbose=false))]
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
        verbose: bool,
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
        // Ctrl-C stops the fit between stages and iterations; a tqdm bar when `verbose`
        let out = crate::monitor::monitored(py, verbose, "segcore.segment", move |m| {
            p.fit_with(&inner_logs, m)
        })?;
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

    /// The model file (JSON) of one fitted component: `bg_nbd`, `gamma_gamma`, `kmeans`,
    /// `scaler`, `churn`, `rfm_table` or `log1p` (`None` when the fit used no log step).
    fn component_json(&self, name: &str) -> PyResult<Option<String>> {
        let m = &self.inner;
        let s = match name {
            "bg_nbd" => to_json(&m.bg_nbd),
            "gamma_gamma" => to_json(&m.gamma_gamma),
            "kmeans" => to_json(&m.kmeans),
            "scaler" => to_json(&m.scaler),
            "churn" => to_json(&m.churn),
            "rfm_table" => to_json(&m.rfm_table),
            "log1p" => match &m.log1p {
                Some(l) => to_json(l),
                None => return Ok(None),
            },
            other => {
                return Err(param_error(
                    "name",
                    format!(
                        "unknown component `{other}` (use bg_nbd, gamma_gamma, kmeans, scaler, \
                         churn, rfm_table or log1p)"
                    ),
                ))
            }
        };
        s.py().map(Some)
    }

    /// Feature names of the churn model, in its column order.
    #[getter]
    fn churn_features(&self) -> Vec<String> {
        self.inner.churn_features.clone()
    }

    /// Fill values of the cluster features for undefined cells.
    #[getter]
    fn fill(&self) -> Vec<f64> {
        self.inner.fill.clone()
    }

    /// The settings of the fit: `n_segments` (None = chosen), `k_min`, `k_max`, `seed`,
    /// `clv_horizon_days`, `annual_discount_rate`, `churn_horizon_days`, `silhouette_sample`.
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = &self.inner.params;
        let d = PyDict::new(py);
        d.set_item("n_segments", p.n_segments)?;
        d.set_item("k_min", p.k_min)?;
        d.set_item("k_max", p.k_max)?;
        d.set_item("seed", p.seed)?;
        d.set_item("clv_horizon_days", p.clv_horizon_days)?;
        d.set_item("annual_discount_rate", p.annual_discount_rate)?;
        d.set_item("churn_horizon_days", p.churn_horizon_days)?;
        d.set_item("silhouette_sample", p.silhouette_sample)?;
        Ok(d)
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

/// A dynamic segmentation: k-means over successive snapshots with stable segment ids.
#[pyclass(name = "_DynamicSegmentation", module = "segcore._segcore", frozen)]
pub struct PyDynamicSegmentation {
    /// The core model.
    pub inner: DynamicSegmentation,
}

fn dynamic_params(
    k: usize,
    mode: &str,
    n_init: usize,
    max_iter: usize,
    tol: f64,
    seed: u64,
) -> PyResult<DynamicParams> {
    let mode = match mode.to_ascii_lowercase().as_str() {
        "refit" => UpdateMode::Refit,
        "assign" => UpdateMode::Assign,
        other => {
            return Err(param_error(
                "mode",
                format!("unknown mode `{other}` (use refit or assign)"),
            ))
        }
    };
    Ok(DynamicSegmentation::params(
        KMeans::params(k)
            .n_init(n_init)
            .max_iter(max_iter)
            .tol(tol)
            .seed(seed),
    )
    .mode(mode))
}

#[pymethods]
impl PyDynamicSegmentation {
    /// Segments every snapshot (`xs[i]` with customer codes `customers[i]`).
    #[staticmethod]
    #[pyo3(signature = (xs, customers, k, mode="refit", n_init=1, max_iter=300, tol=1e-4, seed=0))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        xs: Vec<PyReadonlyArray2<'_, f64>>,
        customers: Vec<Vec<u32>>,
        k: usize,
        mode: &str,
        n_init: usize,
        max_iter: usize,
        tol: f64,
        seed: u64,
    ) -> PyResult<Self> {
        let p = dynamic_params(k, mode, n_init, max_iter, tol, seed)?;
        if customers.len() != xs.len() {
            return Err(param_error(
                "customers",
                format!(
                    "{} snapshots but {} customer lists",
                    xs.len(),
                    customers.len()
                ),
            ));
        }
        let views: Vec<_> = xs.iter().map(|x| x.as_array()).collect();
        let snaps = views
            .iter()
            .zip(&customers)
            .map(|(x, c)| Snapshot::with_customers(*x, c))
            .collect::<segcore::Result<Vec<_>>>()
            .py()?;
        let inner = py.detach(|| p.fit(&snaps)).py()?;
        Ok(Self { inner })
    }

    /// Reads a segcore model file.
    #[staticmethod]
    fn from_json(s: &str) -> PyResult<Self> {
        Ok(Self {
            inner: from_json::<DynamicSegmentation>(s).py()?,
        })
    }

    /// Writes a segcore model file.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.inner).py()
    }

    /// Labels of each snapshot.
    #[getter]
    fn labels<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyArray1<i64>>> {
        self.inner
            .labels
            .iter()
            .map(|l| PyArray1::from_iter(py, l.iter().map(|&v| v as i64)))
            .collect()
    }

    /// Customer codes of each snapshot.
    #[getter]
    fn customers(&self) -> Vec<Vec<u32>> {
        self.inner.customers.clone()
    }

    /// Centres of each snapshot (in stable segment order).
    #[getter]
    fn centroids<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyArray2<f64>>> {
        self.inner
            .centroids
            .iter()
            .map(|c| PyArray2::from_array(py, c))
            .collect()
    }

    /// Transition `(counts, rates)` between consecutive snapshots.
    #[getter]
    fn transitions<'py>(&self, py: Python<'py>) -> Vec<TransitionArrays<'py>> {
        self.inner
            .transitions
            .iter()
            .map(|t| {
                (
                    PyArray2::from_array(py, &t.counts),
                    PyArray2::from_array(py, &t.rates),
                )
            })
            .collect()
    }

    /// Segments of a new snapshot with the current model (no refit).
    fn assign<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let xv = x.as_array();
        let m = &self.inner;
        let l = py.detach(|| m.assign(&Snapshot::new(xv))).py()?;
        Ok(PyArray1::from_iter(py, l.iter().map(|&v| v as i64)))
    }
}
