//! CSV readers (`segcore::data::csv`): transactions, events and feedback files with the
//! core's validation, line-numbered errors and skipped-row reports.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use segcore::data::csv::{
    read_events, read_feedback, read_transactions, CsvOptions, Delimiter, IdType, ReadReport,
};
use segcore::data::{ScoreScale, TimeFormat};

use crate::data::{events_columns, feedback_columns, transactions_columns};
use crate::error::{param_error, PyResultExt};

fn report_py<'py>(py: Python<'py>, r: &ReadReport) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("rows_read", r.rows_read)?;
    d.set_item("rows_skipped", r.rows_skipped)?;
    let by = PyDict::new(py);
    for (k, v) in &r.skipped_by_reason {
        by.set_item(k, v)?;
    }
    d.set_item("skipped_by_reason", by)?;
    d.set_item("duplicate_rows", r.duplicate_rows)?;
    let ex = PyList::empty(py);
    for s in &r.examples {
        ex.append((s.line, &s.column, &s.reason))?;
    }
    d.set_item("examples", ex)?;
    Ok(d)
}

/// Reads a CSV log. `kind` is "transactions", "events" or "feedback"; `columns` maps
/// segcore's field names to the file's column names. Returns `(columns dict, report dict)`.
#[pyfunction]
#[pyo3(signature = (kind, path, columns=None, delimiter=",", has_header=true, names=None, id_type="auto", time_format="auto", skip_bad_rows=false, default_scale=None))]
#[allow(clippy::too_many_arguments)]
pub fn _read_csv<'py>(
    py: Python<'py>,
    kind: &str,
    path: std::path::PathBuf,
    columns: Option<std::collections::BTreeMap<String, String>>,
    delimiter: &str,
    has_header: bool,
    names: Option<Vec<String>>,
    id_type: &str,
    time_format: &str,
    skip_bad_rows: bool,
    default_scale: Option<&str>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    let mut opts = CsvOptions::default()
        .delimiter(Delimiter::parse(delimiter).py()?)
        .has_header(has_header)
        .time_format(TimeFormat::parse(time_format).py()?)
        .skip_bad_rows(skip_bad_rows)
        .id_type(match id_type {
            "auto" => IdType::Auto,
            "int" => IdType::Int,
            "str" | "string" => IdType::Str,
            other => {
                return Err(param_error(
                    "id_type",
                    format!("unknown id type `{other}` (use auto, int or str)"),
                ))
            }
        });
    if let Some(n) = names {
        opts = opts.names(&n);
    }
    for (field, col) in columns.unwrap_or_default() {
        opts = opts.column(&field, &col);
    }
    if let Some(s) = default_scale {
        opts = opts.default_scale(ScoreScale::parse(s).py()?);
    }
    match kind {
        "transactions" => {
            let (t, r) = py.detach(|| read_transactions(&path, &opts)).py()?;
            Ok((transactions_columns(py, &t)?, report_py(py, &r)?))
        }
        "events" => {
            let (e, r) = py.detach(|| read_events(&path, &opts)).py()?;
            Ok((events_columns(py, &e)?, report_py(py, &r)?))
        }
        "feedback" => {
            let (f, r) = py.detach(|| read_feedback(&path, &opts)).py()?;
            Ok((feedback_columns(py, &f)?, report_py(py, &r)?))
        }
        other => Err(param_error(
            "kind",
            format!("unknown log `{other}` (use transactions, events or feedback)"),
        )),
    }
}
