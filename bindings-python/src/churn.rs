//! Churn (`segcore::churn`): logistic regression, gradient-boosted trees, metrics and
//! per-customer explanations. Labels are booleans, `True` = churned; probabilities are for
//! the churned class.

use ndarray::ArrayView2;
use numpy::{PyArray1, PyArray2, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use segcore::churn::explain::{explain, ExplainOptions, RiskBand, RiskBands};
use segcore::churn::gbt::Calibration;
use segcore::churn::metrics;
use segcore::churn::{ClassWeight, ExplainableChurn, GradientBoostingChurn, LogisticChurn, Solver};
use segcore::model::{from_json, to_json};

use crate::clv::vec_f64;
use crate::error::{param_error, PyResultExt};
use crate::monitor::monitored;

fn bools(obj: &Bound<'_, PyAny>) -> PyResult<Vec<bool>> {
    if let Ok(a) = obj.extract::<PyReadonlyArray1<'_, bool>>() {
        return Ok(a.as_array().to_vec());
    }
    obj.extract::<Vec<bool>>()
}

fn bool_array<'py>(py: Python<'py>, v: Vec<bool>) -> Bound<'py, PyArray1<bool>> {
    PyArray1::from_vec(py, v)
}

/// Scores of the rows of `x` by `f`, run without the GIL, as a numpy array.
fn scores_py<'py>(
    py: Python<'py>,
    x: &PyReadonlyArray2<'py, f64>,
    f: impl FnOnce(ArrayView2<'_, f64>) -> segcore::Result<ndarray::Array1<f64>> + Send,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let xv = x.as_array();
    Ok(PyArray1::from_owned_array(py, py.detach(|| f(xv)).py()?))
}

/// Labels of the rows of `x` by `f`, run without the GIL, as a numpy array.
fn labels_py<'py>(
    py: Python<'py>,
    x: &PyReadonlyArray2<'py, f64>,
    f: impl FnOnce(ArrayView2<'_, f64>) -> segcore::Result<Vec<bool>> + Send,
) -> PyResult<Bound<'py, PyArray1<bool>>> {
    let xv = x.as_array();
    Ok(bool_array(py, py.detach(|| f(xv)).py()?))
}

fn explain_py<'py, M: ExplainableChurn + Sync>(
    py: Python<'py>,
    model: &M,
    x: ArrayView2<'_, f64>,
    names: Vec<String>,
    top_k: usize,
    bands: (f64, f64),
) -> PyResult<Bound<'py, PyList>> {
    let opts = ExplainOptions {
        bands: RiskBands {
            medium: bands.0,
            high: bands.1,
        },
        top_k,
    };
    let ex = py.detach(|| explain(model, x, &names, &opts)).py()?;
    let out = PyList::empty(py);
    for e in ex {
        let d = PyDict::new(py);
        d.set_item("churn_probability", e.churn_probability)?;
        d.set_item(
            "risk_band",
            match e.risk_band {
                RiskBand::Low => "low",
                RiskBand::Medium => "medium",
                RiskBand::High => "high",
            },
        )?;
        d.set_item("raw_score", e.raw_score)?;
        d.set_item("base_value", e.base_value)?;
        let drivers = PyList::empty(py);
        for dr in e.drivers {
            drivers.append((dr.feature, dr.value, dr.contribution))?;
        }
        d.set_item("drivers", drivers)?;
        out.append(d)?;
    }
    Ok(out)
}

/// A fitted logistic churn model.
#[pyclass(name = "_LogisticChurn", module = "segcore._segcore", frozen)]
pub struct PyLogisticChurn {
    /// The core model.
    pub inner: LogisticChurn,
}

#[pymethods]
impl PyLogisticChurn {
    /// Fits an L2-penalised logistic regression (scikit-learn's objective with `C`).
    #[staticmethod]
    #[pyo3(signature = (x, y, sample_weight=None, c=1.0, class_weight=None, standardize=true, solver="auto", max_iter=100, tol=1e-10, verbose=false))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        x: PyReadonlyArray2<'_, f64>,
        y: &Bound<'_, PyAny>,
        sample_weight: Option<&Bound<'_, PyAny>>,
        c: f64,
        class_weight: Option<&Bound<'_, PyAny>>,
        standardize: bool,
        solver: &str,
        max_iter: usize,
        tol: f64,
        verbose: bool,
    ) -> PyResult<Self> {
        let cw = match class_weight {
            None => ClassWeight::None,
            Some(v) if v.extract::<String>().is_ok_and(|s| s == "balanced") => {
                ClassWeight::Balanced
            }
            Some(v) => {
                let (neg, pos): (f64, f64) = v.extract().map_err(|_| {
                    param_error(
                        "class_weight",
                        "use None, \"balanced\" or {False: w0, True: w1}",
                    )
                })?;
                ClassWeight::Given { neg, pos }
            }
        };
        let solver = match solver.to_ascii_lowercase().as_str() {
            "auto" => Solver::Auto,
            "newton" | "newton-cholesky" => Solver::Newton,
            "lbfgs" => Solver::Lbfgs,
            other => {
                return Err(param_error(
                    "solver",
                    format!("unknown solver `{other}` (use auto, newton or lbfgs)"),
                ))
            }
        };
        let p = LogisticChurn::params()
            .c(c)
            .class_weight(cw)
            .standardize(standardize)
            .solver(solver)
            .max_iter(max_iter)
            .tol(tol);
        let y = bools(y)?;
        let w = sample_weight.map(vec_f64).transpose()?;
        let xv = x.as_array();
        let wv = w.as_deref().map(ndarray::ArrayView1::from);
        let inner = monitored(py, verbose, "logistic churn", |m| p.fit_with(xv, &y, wv, m))?;
        Ok(Self { inner })
    }

    /// Reads a segcore model file.
    #[staticmethod]
    fn from_json(s: &str) -> PyResult<Self> {
        Ok(Self {
            inner: from_json::<LogisticChurn>(s).py()?,
        })
    }

    /// Writes a segcore model file.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.inner).py()
    }

    /// Coefficients on the original feature scale.
    #[getter]
    fn coef<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_vec(py, self.inner.coef_original())
    }

    /// Intercept on the original feature scale.
    #[getter]
    fn intercept(&self) -> f64 {
        self.inner.intercept_original()
    }

    /// Solver iterations.
    #[getter]
    fn n_iter(&self) -> usize {
        self.inner.n_iter()
    }

    /// Number of features.
    #[getter]
    fn n_features(&self) -> usize {
        self.inner.n_features()
    }

    /// Linear scores.
    fn decision_function<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let m = &self.inner;
        scores_py(py, &x, |xv| m.decision_function(xv))
    }

    /// Churn probabilities.
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let m = &self.inner;
        scores_py(py, &x, |xv| m.predict_proba(xv))
    }

    /// Predicted churn (probability >= 0.5).
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<bool>>> {
        let m = &self.inner;
        labels_py(py, &x, |xv| m.predict(xv))
    }

    /// Per-customer explanations: probability, risk band and top drivers.
    #[pyo3(signature = (x, feature_names, top_k=3, bands=(0.3, 0.6)))]
    fn explain<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
        feature_names: Vec<String>,
        top_k: usize,
        bands: (f64, f64),
    ) -> PyResult<Bound<'py, PyList>> {
        explain_py(py, &self.inner, x.as_array(), feature_names, top_k, bands)
    }
}

/// A fitted gradient-boosted churn model.
#[pyclass(name = "_GradientBoostingChurn", module = "segcore._segcore", frozen)]
pub struct PyGradientBoostingChurn {
    /// The core model.
    pub inner: GradientBoostingChurn,
}

#[pymethods]
impl PyGradientBoostingChurn {
    /// Fits histogram gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier
    /// design) with optional calibration.
    #[staticmethod]
    #[pyo3(signature = (x, y, learning_rate=0.1, max_iter=100, max_leaf_nodes=Some(31), max_depth=None, min_samples_leaf=20, l2_regularization=0.0, max_bins=255, early_stopping=true, validation_fraction=Some(0.1), n_iter_no_change=10, tol=1e-7, calibration="platt", seed=0, verbose=false))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        x: PyReadonlyArray2<'_, f64>,
        y: &Bound<'_, PyAny>,
        learning_rate: f64,
        max_iter: usize,
        max_leaf_nodes: Option<usize>,
        max_depth: Option<usize>,
        min_samples_leaf: usize,
        l2_regularization: f64,
        max_bins: usize,
        early_stopping: bool,
        validation_fraction: Option<f64>,
        n_iter_no_change: usize,
        tol: f64,
        calibration: &str,
        seed: u64,
        verbose: bool,
    ) -> PyResult<Self> {
        let cal = match calibration.to_ascii_lowercase().as_str() {
            "none" => Calibration::None,
            "platt" | "sigmoid" => Calibration::Platt,
            "isotonic" => Calibration::Isotonic,
            other => {
                return Err(param_error(
                    "calibration",
                    format!("unknown calibration `{other}` (use none, platt or isotonic)"),
                ))
            }
        };
        let mut p = GradientBoostingChurn::params();
        p.learning_rate = learning_rate;
        p.max_iter = max_iter;
        p.max_leaf_nodes = max_leaf_nodes;
        p.max_depth = max_depth;
        p.min_samples_leaf = min_samples_leaf;
        p.l2_regularization = l2_regularization;
        p.max_bins = max_bins;
        p.early_stopping = early_stopping;
        p.validation_fraction = validation_fraction;
        p.n_iter_no_change = n_iter_no_change;
        p.tol = tol;
        p.calibration = cal;
        p.seed = seed;
        let y = bools(y)?;
        let xv = x.as_array();
        let inner = monitored(py, verbose, "gradient boosting churn", |m| {
            p.fit_with(xv, &y, m)
        })?;
        Ok(Self { inner })
    }

    /// Reads a segcore model file.
    #[staticmethod]
    fn from_json(s: &str) -> PyResult<Self> {
        Ok(Self {
            inner: from_json::<GradientBoostingChurn>(s).py()?,
        })
    }

    /// Writes a segcore model file.
    fn to_json(&self) -> PyResult<String> {
        to_json(&self.inner).py()
    }

    /// Boosting iterations kept.
    #[getter]
    fn n_iter(&self) -> usize {
        self.inner.n_iter()
    }

    /// Number of features.
    #[getter]
    fn n_features(&self) -> usize {
        self.inner.n_features()
    }

    /// Gain-based feature importances (sum to 1).
    #[getter]
    fn feature_importances<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_vec(py, self.inner.feature_importances())
    }

    /// Validation loss per iteration (empty without early stopping).
    #[getter]
    fn validation_loss(&self) -> Vec<f64> {
        self.inner.validation_loss().to_vec()
    }

    /// Raw scores (log-odds before calibration).
    fn decision_function<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let m = &self.inner;
        scores_py(py, &x, |xv| m.decision_function(xv))
    }

    /// Calibrated churn probabilities.
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let m = &self.inner;
        scores_py(py, &x, |xv| m.predict_proba(xv))
    }

    /// Predicted churn (probability >= 0.5).
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<bool>>> {
        let m = &self.inner;
        labels_py(py, &x, |xv| m.predict(xv))
    }

    /// TreeSHAP values of the raw score, `n x d`.
    fn shap_values<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let (xv, m) = (x.as_array(), &self.inner);
        Ok(PyArray2::from_owned_array(
            py,
            py.detach(|| m.shap_values(xv)).py()?,
        ))
    }

    /// Expected raw score (the SHAP base value).
    #[getter]
    fn expected_value(&self) -> f64 {
        self.inner.expected_value()
    }

    /// Per-customer explanations: probability, risk band and top drivers.
    #[pyo3(signature = (x, feature_names, top_k=3, bands=(0.3, 0.6)))]
    fn explain<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray2<'py, f64>,
        feature_names: Vec<String>,
        top_k: usize,
        bands: (f64, f64),
    ) -> PyResult<Bound<'py, PyList>> {
        explain_py(py, &self.inner, x.as_array(), feature_names, top_k, bands)
    }
}

/// Churn metrics by name: `roc_auc`, `average_precision`, `pr_auc`, `log_loss`, `brier`.
#[pyfunction]
pub fn _churn_metric(
    py: Python<'_>,
    name: &str,
    y: &Bound<'_, PyAny>,
    scores: &Bound<'_, PyAny>,
) -> PyResult<f64> {
    let (y, s) = (bools(y)?, vec_f64(scores)?);
    let f = match name {
        "roc_auc" => metrics::roc_auc,
        "average_precision" => metrics::average_precision,
        "pr_auc" => metrics::pr_auc,
        "log_loss" => metrics::log_loss,
        "brier" => metrics::brier_score,
        other => return Err(param_error("metric", format!("unknown metric `{other}`"))),
    };
    py.detach(|| f(&y, &s)).py()
}

/// Lift at the top `fraction` of scores: dict of `fraction`, `n_selected`, `churn_rate`,
/// `lift`, `capture_rate`.
#[pyfunction]
pub fn _lift_at<'py>(
    py: Python<'py>,
    y: &Bound<'py, PyAny>,
    scores: &Bound<'py, PyAny>,
    fraction: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let (y, s) = (bools(y)?, vec_f64(scores)?);
    let l = py.detach(|| metrics::lift_at(&y, &s, fraction)).py()?;
    let d = PyDict::new(py);
    d.set_item("fraction", l.fraction)?;
    d.set_item("n_selected", l.n_selected)?;
    d.set_item("churn_rate", l.churn_rate)?;
    d.set_item("lift", l.lift)?;
    d.set_item("capture_rate", l.capture_rate)?;
    Ok(d)
}

/// Calibration table: list of `(bin, mean_predicted, observed_rate, count)`.
#[pyfunction]
pub fn _calibration_table(
    py: Python<'_>,
    y: &Bound<'_, PyAny>,
    proba: &Bound<'_, PyAny>,
) -> PyResult<Vec<(usize, f64, f64, usize)>> {
    let (y, p) = (bools(y)?, vec_f64(proba)?);
    let t = py.detach(|| metrics::calibration_table(&y, &p)).py()?;
    Ok(t.into_iter()
        .map(|b| (b.bin, b.mean_predicted, b.observed_rate, b.count))
        .collect())
}
