//! Analytics (`segcore::analytics`): cohort retention. Results are passed to Python as the
//! core's own serialised form (JSON) and shaped into DataFrames there.

use pyo3::prelude::*;
use segcore::analytics::cohorts::Cohorts;
use segcore::SegError;

use crate::data::PyLogs;
use crate::error::{to_pyerr, PyResultExt};

/// Cohort retention of the logs' transactions; returns the `CohortTable` as JSON.
#[pyfunction]
#[pyo3(signature = (logs, as_of=None, flag_months=3, z_threshold=1.96, min_group=10))]
pub fn _cohorts(
    py: Python<'_>,
    logs: &PyLogs,
    as_of: Option<i64>,
    flag_months: usize,
    z_threshold: f64,
    min_group: usize,
) -> PyResult<String> {
    let mut p = Cohorts::params()
        .flag_months(flag_months)
        .z_threshold(z_threshold)
        .min_group(min_group);
    if let Some(t) = as_of {
        p = p.as_of(t);
    }
    let inner = logs.inner.clone();
    let table = py.detach(move || p.fit(inner.transactions())).py()?;
    serde_json::to_string(&table).map_err(|e| {
        to_pyerr(SegError::Numerical {
            context: "cohort table".into(),
            reason: e.to_string(),
        })
    })
}
