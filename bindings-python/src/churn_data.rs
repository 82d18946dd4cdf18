//! Churn data sets (`segcore::churn::dataset::ChurnDataset`): features as of a cutoff and
//! labels over the horizon after it.

use numpy::{PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use segcore::churn::dataset::{out_of_time, ChurnDataset};
use segcore::features::FeatureConfig;
use segcore::model::to_json;

use crate::data::{ids_to_py_index, PyLogs};
use crate::error::PyResultExt;

/// Features as of `cutoff` (UTC seconds) and churn labels over `(cutoff, cutoff + H]`.
///
/// Returns a dict: `names` (feature names), `x` (float64 `n x p`), `y` (bool, `True` =
/// churned), `codes` (int64 customer codes of the rows), `customer_ids` (the logs' ids, to
/// take at `codes`), `cutoff`, `horizon_days` and `bg_nbd` (the model file of the BG/NBD
/// model fitted as of the cutoff, in days).
#[pyfunction]
#[pyo3(signature = (logs, cutoff, horizon_days=90.0))]
pub fn _churn_dataset<'py>(
    py: Python<'py>,
    logs: &PyLogs,
    cutoff: i64,
    horizon_days: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let inner = logs.inner.clone();
    let ds = py
        .detach(move || ChurnDataset::build(&inner, cutoff, horizon_days))
        .py()?;
    dataset_py(py, logs, ds)
}

/// Out-of-time training and test sets (`churn::dataset::out_of_time`): the same as
/// [`_churn_dataset`] at `train_cutoff` and at `test_cutoff`, which must be at least one
/// horizon later. Returns `(train, test)` dicts.
#[pyfunction]
#[pyo3(signature = (logs, train_cutoff, test_cutoff, horizon_days=90.0))]
pub fn _churn_datasets<'py>(
    py: Python<'py>,
    logs: &PyLogs,
    train_cutoff: i64,
    test_cutoff: i64,
    horizon_days: f64,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    let inner = logs.inner.clone();
    let (train, test) = py
        .detach(move || {
            out_of_time(
                &inner,
                train_cutoff,
                test_cutoff,
                horizon_days,
                &FeatureConfig::default(),
            )
        })
        .py()?;
    Ok((dataset_py(py, logs, train)?, dataset_py(py, logs, test)?))
}

fn dataset_py<'py>(
    py: Python<'py>,
    logs: &PyLogs,
    ds: ChurnDataset,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("names", PyList::new(py, &ds.names)?)?;
    d.set_item("x", PyArray2::from_owned_array(py, ds.x))?;
    let y = ds.y.unwrap_or_default();
    d.set_item("y", PyArray1::from_vec(py, y))?;
    d.set_item(
        "codes",
        PyArray1::from_vec(py, ds.customers.iter().map(|&c| c as i64).collect()),
    )?;
    d.set_item("customer_ids", ids_to_py_index(py, logs.inner.customers())?)?;
    d.set_item("cutoff", ds.cutoff)?;
    d.set_item("horizon_days", ds.horizon_days)?;
    d.set_item("bg_nbd", to_json(&ds.bg_nbd).py()?)?;
    Ok(d)
}
