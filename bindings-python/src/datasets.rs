//! Bundled data sets (CDNOW, donations) and the seeded synthetic shop.

use std::sync::Arc;

use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use segcore::data::{datasets, synthetic::SyntheticShop, Logs};

use crate::data::PyLogs;
use crate::error::PyResultExt;

fn logs_of(tx: segcore::data::Transactions) -> PyResult<PyLogs> {
    Ok(PyLogs {
        inner: Arc::new(Logs::new(tx, None, None).py()?),
    })
}

/// The full CDNOW purchase log (69,659 rows, 23,570 customers).
#[pyfunction]
pub fn _cdnow_master(py: Python<'_>) -> PyResult<PyLogs> {
    let tx = py.detach(datasets::cdnow_master).py()?;
    logs_of(tx)
}

/// The 1/10 CDNOW sample (6,919 rows, 2,357 customers; ids are the sample ids).
#[pyfunction]
pub fn _cdnow_sample(py: Python<'_>) -> PyResult<PyLogs> {
    let tx = py.detach(datasets::cdnow_sample).py()?;
    logs_of(tx)
}

/// The CDNOW sample summarised in weeks: dict of `ID`, `x`, `t_x`, `T`, `zbar`.
#[pyfunction]
pub fn _cdnow_summary(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let s = py.detach(datasets::cdnow_summary).py()?;
    let d = PyDict::new(py);
    d.set_item("ID", PyArray1::from_vec(py, s.id))?;
    d.set_item("x", PyArray1::from_vec(py, s.x))?;
    d.set_item("t_x", PyArray1::from_vec(py, s.t_x))?;
    d.set_item("T", PyArray1::from_vec(py, s.t))?;
    d.set_item("zbar", PyArray1::from_vec(py, s.zbar))?;
    Ok(d)
}

/// The donations data in weighted form: dict of `frequency`, `recency`, `periods`, `weights`.
#[pyfunction]
pub fn _donations(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let s = py.detach(datasets::donations).py()?;
    let d = PyDict::new(py);
    d.set_item("frequency", PyArray1::from_vec(py, s.frequency))?;
    d.set_item("recency", PyArray1::from_vec(py, s.recency))?;
    d.set_item("periods", PyArray1::from_vec(py, s.periods))?;
    d.set_item("weights", PyArray1::from_vec(py, s.weights))?;
    Ok(d)
}

/// The seeded synthetic shop's logs.
#[pyfunction]
#[pyo3(signature = (n_customers=1000, seed=0, start=None, days=None, events=true, feedback=true))]
pub fn _synthetic_shop(
    py: Python<'_>,
    n_customers: usize,
    seed: u64,
    start: Option<i64>,
    days: Option<u32>,
    events: bool,
    feedback: bool,
) -> PyResult<PyLogs> {
    let mut p = SyntheticShop::params()
        .n_customers(n_customers)
        .seed(seed)
        .events(events)
        .feedback(feedback);
    if let Some(s) = start {
        p = p.start(s);
    }
    if let Some(d) = days {
        p = p.days(d);
    }
    let logs = py.detach(move || p.generate()).py()?;
    Ok(PyLogs {
        inner: Arc::new(logs),
    })
}
