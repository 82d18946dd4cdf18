//! Analytics (`segcore::analytics`): cohort retention and the checkout funnel. Results are passed to Python as the
//! core's own serialised form (JSON) and shaped into DataFrames there.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use segcore::analytics::cohorts::Cohorts;
use segcore::analytics::funnel::{FunnelAnalysis, Period};
use segcore::SegError;

use crate::data::{build_events_only, PyLogs};
use crate::error::{param_error, to_pyerr, PyResultExt};

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

/// The checkout funnel of events; `by` is "all", "platform", "channel", "day" or "week".
/// Returns the list of `FunnelTable`s as JSON.
#[pyfunction]
#[pyo3(signature = (events, names=None, by="all", session_gap_secs=1800, min_group=10))]
pub fn _funnel(
    py: Python<'_>,
    events: &Bound<'_, PyDict>,
    names: Option<&Bound<'_, PyDict>>,
    by: &str,
    session_gap_secs: i64,
    min_group: usize,
) -> PyResult<String> {
    let ev = build_events_only(py, events, names)?;
    let p = FunnelAnalysis::params()
        .session_gap_secs(session_gap_secs)
        .min_group(min_group);
    let by = by.to_ascii_lowercase();
    if !["all", "platform", "channel", "day", "week"].contains(&by.as_str()) {
        return Err(param_error(
            "by",
            format!("unknown grouping `{by}` (use all, platform, channel, day or week)"),
        ));
    }
    let tables = py
        .detach(move || {
            let f = p.fit(&ev)?;
            Ok::<_, SegError>(match by.as_str() {
                "platform" => f.by_platform(),
                "channel" => f.by_channel(),
                "day" => f.over_time(Period::Day),
                "week" => f.over_time(Period::Week),
                _ => vec![f.overall()],
            })
        })
        .py()?;
    serde_json::to_string(&tables).map_err(|e| {
        to_pyerr(SegError::Numerical {
            context: "funnel table".into(),
            reason: e.to_string(),
        })
    })
}
