//! Per-customer behavioural features (`segcore::features::compute`).

use numpy::{PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use segcore::features::{compute, default_as_of, Family, FeatureConfig};

use crate::data::{ids_to_py_index, PyLogs};
use crate::error::{param_error, PyResultExt};

fn family(name: &str) -> PyResult<Family> {
    Family::ALL
        .iter()
        .copied()
        .find(|f| f.as_str() == name.trim().to_ascii_lowercase())
        .ok_or_else(|| {
            let all: Vec<&str> = Family::ALL.iter().map(|f| f.as_str()).collect();
            param_error(
                "families",
                format!("unknown family `{name}` (use {})", all.join(", ")),
            )
        })
}

/// Computes the features of every customer of `logs`.
///
/// Returns a dict: `customer_ids` (see `ids_to_py_index`), `names`, `columns` (2-D float64,
/// one row per feature, one column per customer),
/// `info` (list of `(name, unit, description, undefined)`), `levels` (dict of level lists of
/// the categorical code columns), `as_of` (UTC seconds), `excluded` (rows after `as_of` per
/// log) and `summary` (x, t_x, T, mean repeat spend, purchaser; in days).
#[pyfunction]
#[pyo3(signature = (logs, as_of=None, families=None, windows_days=None, top_n=3,
    trend_window_days=90, cart_window_secs=86_400, session_gap_secs=1_800,
    recent_window_days=30, merge_period_secs=Some(86_400)))]
#[allow(clippy::too_many_arguments)]
pub fn _features<'py>(
    py: Python<'py>,
    logs: &PyLogs,
    as_of: Option<i64>,
    families: Option<Vec<String>>,
    windows_days: Option<Vec<u32>>,
    top_n: usize,
    trend_window_days: u32,
    cart_window_secs: i64,
    session_gap_secs: i64,
    recent_window_days: u32,
    merge_period_secs: Option<i64>,
) -> PyResult<Bound<'py, PyDict>> {
    let mut cfg = FeatureConfig::default()
        .as_of(as_of)
        .top_n(top_n)
        .trend_window_days(trend_window_days)
        .cart_window_secs(cart_window_secs)
        .session_gap_secs(session_gap_secs)
        .recent_window_days(recent_window_days)
        .merge_period_secs(merge_period_secs);
    if let Some(f) = families {
        cfg = cfg.families(f.iter().map(|s| family(s)).collect::<PyResult<Vec<_>>>()?);
    }
    if let Some(w) = windows_days {
        cfg = cfg.windows_days(w);
    }
    let inner = logs.inner.clone();
    let (fs, columns) = py
        .detach(move || {
            compute(&inner, &cfg).map(|fs| {
                let columns = fs.matrix.column_major();
                (fs, columns)
            })
        })
        .py()?;
    let d = PyDict::new(py);
    d.set_item("customer_ids", ids_to_py_index(py, &fs.matrix.customers)?)?;
    d.set_item("names", PyList::new(py, &fs.matrix.names)?)?;
    d.set_item("columns", PyArray2::from_owned_array(py, columns))?;
    let info = PyList::empty(py);
    for i in &fs.info {
        info.append((&i.name, &i.unit, &i.description, &i.undefined))?;
    }
    d.set_item("info", info)?;
    let levels = PyDict::new(py);
    for (k, v) in &fs.levels {
        levels.set_item(k, PyList::new(py, v)?)?;
    }
    d.set_item("levels", levels)?;
    d.set_item("as_of", fs.as_of)?;
    let ex = PyDict::new(py);
    ex.set_item("transactions", fs.excluded.transactions)?;
    ex.set_item("events", fs.excluded.events)?;
    ex.set_item("feedback", fs.excluded.feedback)?;
    d.set_item("excluded", ex)?;
    let s = fs.summary;
    let sd = PyDict::new(py);
    sd.set_item("frequency", PyArray1::from_vec(py, s.x))?;
    sd.set_item("recency", PyArray1::from_vec(py, s.t_x))?;
    sd.set_item("T", PyArray1::from_vec(py, s.t))?;
    sd.set_item(
        "monetary_value",
        PyArray1::from_vec(py, s.mean_repeat_spend),
    )?;
    sd.set_item("purchaser", PyArray1::from_vec(py, s.purchaser))?;
    sd.set_item("unit", s.unit.to_string())?;
    d.set_item("summary", sd)?;
    Ok(d)
}

/// The default cutoff of `logs`: the start of the UTC day after the latest timestamp.
#[pyfunction]
pub fn _default_as_of(logs: &PyLogs) -> i64 {
    default_as_of(&logs.inner)
}
