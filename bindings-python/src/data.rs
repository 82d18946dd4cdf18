//! `segcore.Logs`: the shop's logs (transactions, events, feedback) on one customer index.
//!
//! The pure-Python layer (`segcore._frames`) turns pandas / polars / pyarrow / dicts into
//! plain columns keyed by segcore's own names (`customer_id`, `timestamp`, `amount`, ...):
//! int64 numpy arrays or lists of `str` for ids, int64 seconds or lists of `str` for times,
//! float64 / bool numpy arrays for values and lists of `str` for categories (`""` = missing).
//! String ids and categories usually come as Arrow buffers instead (see `strbuf`):
//! no Python `str` per row, interned by the core (`segcore::data::ids_buffers`) with the
//! GIL released. This module hands them to the core builders, which do all validation.

use std::sync::Arc;

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use segcore::data::{
    time::{parse_time, TimeFormat},
    Categorical, CustomerIndex, Events, Feedback, Logs, ScoreScale, TimeColumn, Transactions,
    MISSING, STANDARD_KINDS,
};
use segcore::SegError;

use self::strbuf::{Customers, IdArg, StrArg};
use crate::error::{param_error, rename_columns, to_pyerr, PyResultExt};

mod strbuf;

/// The logs of one shop under one customer index, built by `segcore.logs(...)`.
#[pyclass(name = "Logs", module = "segcore", frozen)]
pub struct PyLogs {
    /// The core logs.
    pub inner: Arc<Logs>,
}

/// Column names as the user knows them, to rewrite the core's error messages.
struct Names {
    prefix: Option<String>,
    map: Vec<(String, String)>,
}

impl Names {
    fn from_dict(d: Option<&Bound<'_, PyDict>>, prefix: Option<&str>) -> PyResult<Names> {
        let mut map = Vec::new();
        if let Some(d) = d {
            for (k, v) in d.iter() {
                map.push((k.extract::<String>()?, v.extract::<String>()?));
            }
        }
        Ok(Names {
            prefix: prefix.map(str::to_string),
            map,
        })
    }

    fn rename(&self, canonical: &str) -> String {
        let user = self
            .map
            .iter()
            .find(|(k, _)| k == canonical)
            .map(|(_, v)| v.as_str())
            .unwrap_or(canonical);
        match &self.prefix {
            Some(p) => format!("{p}.{user}"),
            None => user.to_string(),
        }
    }

    fn wrap(&self, e: SegError) -> SegError {
        rename_columns(e, |c| self.rename(c))
    }
}

fn get<'py>(cols: &Bound<'py, PyDict>, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    match cols.get_item(key)? {
        Some(v) if !v.is_none() => Ok(Some(v)),
        _ => Ok(None),
    }
}

fn required<'py>(cols: &Bound<'py, PyDict>, key: &str, log: &str) -> PyResult<Bound<'py, PyAny>> {
    get(cols, key)?.ok_or_else(|| param_error(key, format!("the {log} need a `{key}` column")))
}

/// Times: int64 seconds since the epoch, or a sequence of `str` parsed by the core.
fn time_column(obj: &Bound<'_, PyAny>, format: TimeFormat) -> PyResult<TimeColumn> {
    if let Ok(a) = obj.extract::<PyReadonlyArray1<'_, i64>>() {
        return Ok(TimeColumn::Seconds(a.as_array().to_vec()));
    }
    Ok(TimeColumn::Text(obj.extract::<Vec<String>>()?, format))
}

fn f64_column(obj: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    Ok(obj
        .extract::<PyReadonlyArray1<'_, f64>>()?
        .as_array()
        .to_vec())
}

fn opt_f64(cols: &Bound<'_, PyDict>, key: &str) -> PyResult<Option<Vec<f64>>> {
    get(cols, key)?.map(|v| f64_column(&v)).transpose()
}

fn opt_str<'py>(cols: &Bound<'py, PyDict>, key: &str) -> PyResult<Option<StrArg<'py>>> {
    get(cols, key)?.map(|v| StrArg::extract(&v)).transpose()
}

fn opt_bool(cols: &Bound<'_, PyDict>, key: &str) -> PyResult<Option<Vec<bool>>> {
    get(cols, key)?
        .map(|v| {
            Ok(v.extract::<PyReadonlyArray1<'_, bool>>()?
                .as_array()
                .to_vec())
        })
        .transpose()
}

fn time_format(cols: &Bound<'_, PyDict>) -> PyResult<TimeFormat> {
    match get(cols, "time_format")? {
        Some(v) => TimeFormat::parse(&v.extract::<String>()?).py(),
        None => Ok(TimeFormat::Auto),
    }
}

fn build_transactions(
    py: Python<'_>,
    cols: &Bound<'_, PyDict>,
    names: &Names,
) -> PyResult<Transactions> {
    let fmt = time_format(cols)?;
    let mut customer = IdArg::extract(&required(cols, "customer_id", "transactions")?)?;
    let timestamp = time_column(&required(cols, "timestamp", "transactions")?, fmt)?;
    let amount = f64_column(&required(cols, "amount", "transactions")?)?;
    let mut order_id = opt_str(cols, "order_id")?;
    let quantity = opt_f64(cols, "quantity")?;
    let mut product = opt_str(cols, "product")?;
    let mut category = opt_str(cols, "category")?;
    let mut channel = opt_str(cols, "channel")?;
    let discount = opt_bool(cols, "discount")?;
    let customer = customer.view()?;
    let order_id = order_id.as_mut().map(StrArg::view).transpose()?;
    let product = product.as_mut().map(StrArg::view).transpose()?;
    let category = category.as_mut().map(StrArg::view).transpose()?;
    let channel = channel.as_mut().map(StrArg::view).transpose()?;
    py.detach(move || {
        let run = || -> segcore::Result<Transactions> {
            let mut b = match customer.resolve("customer_id")? {
                Customers::Ids(ids) => Transactions::builder(ids, timestamp, amount),
                Customers::Interned(i) => Transactions::builder_interned(i, timestamp, amount),
            };
            if let Some(v) = order_id {
                b = b.order_id(v.text("order_id")?);
            }
            if let Some(v) = quantity {
                b = b.quantity(v);
            }
            if let Some(v) = product {
                b = b.product(v.text("product")?);
            }
            if let Some(v) = category {
                b = b.category(v.text("category")?);
            }
            if let Some(v) = channel {
                b = b.channel(v.text("channel")?);
            }
            if let Some(v) = discount {
                b = b.discount(v);
            }
            b.build()
        };
        run().map_err(|e| names.wrap(e))
    })
    .py()
}

/// Builds [`Events`] alone from prepared columns (see the module docs).
pub fn build_events_only(
    py: Python<'_>,
    cols: &Bound<'_, PyDict>,
    names: Option<&Bound<'_, PyDict>>,
) -> PyResult<Events> {
    build_events(py, cols, &Names::from_dict(names, Some("events"))?)
}

fn build_events(py: Python<'_>, cols: &Bound<'_, PyDict>, names: &Names) -> PyResult<Events> {
    let fmt = time_format(cols)?;
    let mut customer = IdArg::extract(&required(cols, "customer_id", "events")?)?;
    let timestamp = time_column(&required(cols, "timestamp", "events")?, fmt)?;
    let mut kind = StrArg::extract(&required(cols, "kind", "events")?)?;
    let mut category = opt_str(cols, "category")?;
    let mut channel = opt_str(cols, "channel")?;
    let mut session = opt_str(cols, "session")?;
    let mut platform = opt_str(cols, "platform")?;
    let value = opt_f64(cols, "value")?;
    let customer = customer.view()?;
    let kind = kind.view()?;
    let category = category.as_mut().map(StrArg::view).transpose()?;
    let channel = channel.as_mut().map(StrArg::view).transpose()?;
    let session = session.as_mut().map(StrArg::view).transpose()?;
    let platform = platform.as_mut().map(StrArg::view).transpose()?;
    py.detach(move || {
        let run = || -> segcore::Result<Events> {
            let kind = kind.strings("kind")?;
            let mut b = match customer.resolve("customer_id")? {
                Customers::Ids(ids) => Events::builder(ids, timestamp, kind),
                Customers::Interned(i) => Events::builder_interned(i, timestamp, kind),
            };
            if let Some(v) = category {
                b = b.category(v.text("category")?);
            }
            if let Some(v) = channel {
                b = b.channel(v.text("channel")?);
            }
            if let Some(v) = session {
                b = b.session(v.text("session")?);
            }
            if let Some(v) = platform {
                b = b.platform(v.text("platform")?);
            }
            if let Some(v) = value {
                b = b.value(v);
            }
            b.build()
        };
        run().map_err(|e| names.wrap(e))
    })
    .py()
}

fn build_feedback(py: Python<'_>, cols: &Bound<'_, PyDict>, names: &Names) -> PyResult<Feedback> {
    let fmt = time_format(cols)?;
    let mut customer = IdArg::extract(&required(cols, "customer_id", "feedback")?)?;
    let timestamp = time_column(&required(cols, "timestamp", "feedback")?, fmt)?;
    let score = f64_column(&required(cols, "score", "feedback")?)?;
    let mut scale = StrArg::extract(&required(cols, "scale", "feedback")?)?;
    let mut topic = opt_str(cols, "topic")?;
    let customer = customer.view()?;
    let scale = scale.view()?;
    let topic = topic.as_mut().map(StrArg::view).transpose()?;
    py.detach(move || {
        let run = || -> segcore::Result<Feedback> {
            let scale = scale.strings("scale")?;
            let mut b = match customer.resolve("customer_id")? {
                Customers::Ids(ids) => Feedback::builder(ids, timestamp, score, scale),
                Customers::Interned(i) => Feedback::builder_interned(i, timestamp, score, scale),
            };
            if let Some(v) = topic {
                b = b.topic(v.text("topic")?);
            }
            b.build()
        };
        run().map_err(|e| names.wrap(e))
    })
    .py()
}

/// The customer ids of an index: an int64 numpy array or a list of `str`.
pub fn ids_to_py<'py>(py: Python<'py>, index: &CustomerIndex) -> PyResult<Bound<'py, PyAny>> {
    if let Some(ints) = index.ints() {
        return Ok(PyArray1::from_slice(py, ints).into_any());
    }
    let strs = index.strs().unwrap_or(&[]);
    Ok(PyList::new(py, strs)?.into_any())
}

/// Customer ids for an output index: an int64 array, or for string ids the tuple
/// `("utf8", bytes, offsets)` of Arrow `large_utf8` buffers
/// ([`CustomerIndex::utf8_buffers`]), which `_frames.customer_column` turns into a pyarrow
/// array (a pandas or polars index without one Python `str` per customer).
pub fn ids_to_py_index<'py>(py: Python<'py>, index: &CustomerIndex) -> PyResult<Bound<'py, PyAny>> {
    match py.detach(|| index.utf8_buffers()) {
        Some((bytes, offsets)) => Ok((
            "utf8",
            PyArray1::from_vec(py, bytes),
            PyArray1::from_vec(py, offsets),
        )
            .into_pyobject(py)?
            .into_any()),
        None => ids_to_py(py, index),
    }
}

fn codes_to_py<'py>(py: Python<'py>, codes: &[u32]) -> Bound<'py, PyArray1<i64>> {
    PyArray1::from_vec(py, codes.iter().map(|&c| c as i64).collect())
}

/// A categorical column as `(int64 codes with -1 for missing, list of levels)`.
fn categorical_to_py<'py>(
    py: Python<'py>,
    c: &Categorical,
) -> PyResult<(Bound<'py, PyArray1<i64>>, Bound<'py, PyList>)> {
    let codes: Vec<i64> = c
        .codes
        .iter()
        .map(|&k| if k == MISSING { -1 } else { k as i64 })
        .collect();
    Ok((PyArray1::from_vec(py, codes), PyList::new(py, &c.levels)?))
}

/// Builds [`Logs`] from prepared columns (see the module docs).
///
/// `tx`, `events` and `feedback` map segcore's column names to columns; the `names`
/// dicts map the same keys to the user's column names, used in error messages.
#[pyfunction]
#[pyo3(signature = (tx, tx_names=None, events=None, events_names=None, feedback=None, feedback_names=None))]
pub fn _build_logs(
    py: Python<'_>,
    tx: &Bound<'_, PyDict>,
    tx_names: Option<&Bound<'_, PyDict>>,
    events: Option<&Bound<'_, PyDict>>,
    events_names: Option<&Bound<'_, PyDict>>,
    feedback: Option<&Bound<'_, PyDict>>,
    feedback_names: Option<&Bound<'_, PyDict>>,
) -> PyResult<PyLogs> {
    let transactions = build_transactions(py, tx, &Names::from_dict(tx_names, None)?)?;
    let events = events
        .map(|e| build_events(py, e, &Names::from_dict(events_names, Some("events"))?))
        .transpose()?;
    let feedback = feedback
        .map(|f| build_feedback(py, f, &Names::from_dict(feedback_names, Some("feedback"))?))
        .transpose()?;
    let logs = py
        .detach(move || Logs::new(transactions, events, feedback))
        .py()?;
    Ok(PyLogs {
        inner: Arc::new(logs),
    })
}

/// Parses one timestamp with the core's parser; `name` is the parameter named in errors.
#[pyfunction]
#[pyo3(signature = (value, name="as_of", time_format="auto"))]
pub fn _parse_time(value: &str, name: &str, time_format: &str) -> PyResult<i64> {
    let fmt = TimeFormat::parse(time_format).py()?;
    parse_time(value, fmt).ok_or_else(|| {
        to_pyerr(SegError::param(
            name,
            format!("unparseable time `{value}` (use ISO 8601, YYYYMMDD or epoch seconds)"),
        ))
    })
}

/// The transactions as columns: `customer` (int64 codes into `customer_ids()`),
/// `timestamp` (int64 UTC seconds), `amount`, and the optional columns (categorical ones
/// as `(codes, levels)` with code -1 for missing).
pub fn transactions_columns<'py>(
    py: Python<'py>,
    tx: &Transactions,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("customer", codes_to_py(py, tx.customer()))?;
    d.set_item("customer_ids", ids_to_py(py, tx.customers())?)?;
    d.set_item("timestamp", PyArray1::from_slice(py, tx.timestamp()))?;
    d.set_item("amount", PyArray1::from_slice(py, tx.amount()))?;
    if let Some(c) = tx.order_id() {
        d.set_item("order_id", categorical_to_py(py, c)?)?;
    }
    if let Some(q) = tx.quantity() {
        d.set_item("quantity", PyArray1::from_slice(py, q))?;
    }
    if let Some(c) = tx.product() {
        d.set_item("product", categorical_to_py(py, c)?)?;
    }
    if let Some(c) = tx.category() {
        d.set_item("category", categorical_to_py(py, c)?)?;
    }
    if let Some(c) = tx.channel() {
        d.set_item("channel", categorical_to_py(py, c)?)?;
    }
    if let Some(v) = tx.discount() {
        d.set_item("discount", PyArray1::from_slice(py, v))?;
    }
    Ok(d)
}

/// The events as columns (see `transactions_columns`); `kind` is `(codes, levels)`.
/// `None` without events.
pub fn events_columns<'py>(py: Python<'py>, ev: &Events) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("customer", codes_to_py(py, ev.customer()))?;
    d.set_item("customer_ids", ids_to_py(py, ev.customers())?)?;
    d.set_item("timestamp", PyArray1::from_slice(py, ev.timestamp()))?;
    let levels: Vec<String> = STANDARD_KINDS
        .iter()
        .map(|s| s.to_string())
        .chain(ev.other_kinds().iter().cloned())
        .collect();
    let codes: Vec<i64> = ev.kind_code().iter().map(|&c| c as i64).collect();
    d.set_item(
        "kind",
        (PyArray1::from_vec(py, codes), PyList::new(py, levels)?),
    )?;
    for (name, c) in [
        ("category", ev.category()),
        ("channel", ev.channel()),
        ("session", ev.session()),
        ("platform", ev.platform()),
    ] {
        if let Some(c) = c {
            d.set_item(name, categorical_to_py(py, c)?)?;
        }
    }
    if let Some(v) = ev.value() {
        d.set_item("value", PyArray1::from_slice(py, v))?;
    }
    Ok(d)
}

/// The feedback as columns (see `transactions_columns`); `scale` is `(codes, levels)`.
/// `None` without feedback.
pub fn feedback_columns<'py>(py: Python<'py>, fb: &Feedback) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("customer", codes_to_py(py, fb.customer()))?;
    d.set_item("customer_ids", ids_to_py(py, fb.customers())?)?;
    d.set_item("timestamp", PyArray1::from_slice(py, fb.timestamp()))?;
    d.set_item("score", PyArray1::from_slice(py, fb.score()))?;
    let scales = [ScoreScale::Csat, ScoreScale::Nps, ScoreScale::Stars];
    let codes: Vec<i64> = fb
        .scale()
        .iter()
        .map(|s| scales.iter().position(|k| k == s).unwrap_or(0) as i64)
        .collect();
    let levels: Vec<&str> = scales.iter().map(|s| s.as_str()).collect();
    d.set_item(
        "scale",
        (PyArray1::from_vec(py, codes), PyList::new(py, levels)?),
    )?;
    if let Some(c) = fb.topic() {
        d.set_item("topic", categorical_to_py(py, c)?)?;
    }
    Ok(d)
}

#[pymethods]
impl PyLogs {
    /// Number of distinct customers over all logs.
    #[getter]
    fn n_customers(&self) -> usize {
        self.inner.customers().len()
    }

    /// Number of transaction rows.
    #[getter]
    fn n_transactions(&self) -> usize {
        self.inner.transactions().len()
    }

    /// Number of event rows (0 without events).
    #[getter]
    fn n_events(&self) -> usize {
        self.inner.events().map_or(0, Events::len)
    }

    /// Number of feedback rows (0 without feedback).
    #[getter]
    fn n_feedback(&self) -> usize {
        self.inner.feedback().map_or(0, Feedback::len)
    }

    /// Exact duplicate rows per log: `{"transactions": n, "events": n, "feedback": n}`.
    #[getter]
    fn duplicate_rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("transactions", self.inner.transactions().duplicate_rows())?;
        d.set_item(
            "events",
            self.inner.events().map_or(0, Events::duplicate_rows),
        )?;
        d.set_item(
            "feedback",
            self.inner.feedback().map_or(0, Feedback::duplicate_rows),
        )?;
        Ok(d)
    }

    /// The customer ids in index order (sorted): int64 array or list of `str`.
    fn customer_ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        ids_to_py(py, self.inner.customers())
    }

    /// Per-customer transaction counts in index order (int64 array), a quick check of the
    /// conversion.
    fn transaction_counts<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<i64>> {
        let mut counts = vec![0i64; self.inner.customers().len()];
        for &c in self.inner.transactions().customer() {
            if let Some(n) = counts.get_mut(c as usize) {
                *n += 1;
            }
        }
        PyArray1::from_vec(py, counts)
    }

    /// The transactions as columns: `customer` (int64 codes into `customer_ids`),
    /// `timestamp` (int64 UTC seconds), `amount`, and the optional columns (categorical ones
    /// as `(codes, levels)` with code -1 for missing).
    fn transactions_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        transactions_columns(py, self.inner.transactions())
    }

    /// The events as columns (see `transactions_columns`); `kind` is `(codes, levels)`.
    /// `None` without events.
    fn events_columns<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner
            .events()
            .map(|e| events_columns(py, e))
            .transpose()
    }

    /// The feedback as columns (see `transactions_columns`); `scale` is `(codes, levels)`.
    /// `None` without feedback.
    fn feedback_columns<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner
            .feedback()
            .map(|f| feedback_columns(py, f))
            .transpose()
    }

    /// The logs as DataFrames: `(transactions, events, feedback)`, with `events` /
    /// `feedback` None when absent. `output` is "pandas" or "polars".
    #[pyo3(signature = (output="pandas"))]
    fn to_frames<'py>(slf: Bound<'py, Self>, output: &str) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        py.import("segcore._logs")?
            .getattr("logs_to_frames")?
            .call1((slf, output))
    }

    fn __repr__(&self) -> String {
        format!(
            "Logs(customers={}, transactions={}, events={}, feedback={})",
            self.n_customers(),
            self.n_transactions(),
            self.n_events(),
            self.n_feedback()
        )
    }
}
