//! Maps [`SegError`] to Python exceptions.
//!
//! Every error raised by segcore derives from `segcore.SegcoreError` and also from the
//! built-in exception a Python user would catch: `ValueError` for bad values, lengths,
//! empty inputs, parameters, shapes, unit mismatches and model files, `OSError` for I/O,
//! `RuntimeError` for a fit that did not converge, `ArithmeticError` for numerical failures
//! and `KeyError` for unknown customer ids. Each class carries the stable `code` of
//! [`SegError::code`]; instances also carry the fields of the error (`column`, `row`,
//! `reason`, ...), so code can react to them without parsing messages.

use pyo3::exceptions::PyBaseException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use segcore::SegError;

/// The exception classes, created once per interpreter.
pub struct Classes {
    /// `segcore.SegcoreError`, the base class.
    pub base: Py<PyType>,
    /// `(class name, code, class)` for every subclass.
    pub by_code: Vec<(&'static str, &'static str, Py<PyType>)>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

/// `(name, code, builtin base, doc)` of every subclass.
const SPECS: &[(&str, &str, &str, &str)] = &[
    (
        "InvalidValueError",
        "INVALID_VALUE",
        "ValueError",
        "A value in an input column is invalid; `column`, `row` (0-based position) and `reason` say which and why.",
    ),
    (
        "LengthMismatchError",
        "LENGTH_MISMATCH",
        "ValueError",
        "A column does not have as many rows as the others (`column`, `expected`, `found`).",
    ),
    (
        "EmptyInputError",
        "EMPTY_INPUT",
        "ValueError",
        "An input that must hold data is empty.",
    ),
    (
        "CsvError",
        "CSV_ERROR",
        "ValueError",
        "A row of a CSV file could not be read (`path`, `line`, `column`, `reason`).",
    ),
    (
        "SegcoreIOError",
        "IO_ERROR",
        "OSError",
        "Reading or writing a file failed (`path`).",
    ),
    (
        "InvalidParameterError",
        "INVALID_PARAMETER",
        "ValueError",
        "A parameter is out of its domain (`name`, `reason`).",
    ),
    (
        "ShapeError",
        "SHAPE_MISMATCH",
        "ValueError",
        "Array shapes do not agree.",
    ),
    (
        "ConvergenceError",
        "NOT_CONVERGED",
        "RuntimeError",
        "A fit did not converge (`model`, `iterations`, `grad_norm`).",
    ),
    (
        "NumericalError",
        "NUMERICAL_ERROR",
        "ArithmeticError",
        "A computation produced a non-finite number where a finite one was required.",
    ),
    (
        "UnitMismatchError",
        "UNIT_MISMATCH",
        "ValueError",
        "Data in one time unit was given to a model fitted in another (`expected`, `found`).",
    ),
    (
        "ModelFileError",
        "MODEL_FILE",
        "ValueError",
        "A model file is malformed, of an unknown version or of another kind.",
    ),
    (
        "UnknownCustomerError",
        "UNKNOWN_CUSTOMER",
        "KeyError",
        "A customer id was not found (`customer_id`).",
    ),
    (
        "ModelVersionError",
        "MODEL_VERSION",
        "ValueError",
        "A model file of a format version this build does not read (`found`, `supported`).",
    ),
    (
        "CancelledError",
        "CANCELLED",
        "RuntimeError",
        "A long fit was cancelled (`stage`); Ctrl-C raises KeyboardInterrupt instead.",
    ),
];

fn make_class<'py>(
    py: Python<'py>,
    name: &str,
    bases: Bound<'py, PyTuple>,
    code: Option<&str>,
    doc: &str,
    plain_str: bool,
) -> PyResult<Py<PyType>> {
    let dict = PyDict::new(py);
    dict.set_item("__module__", "segcore")?;
    dict.set_item("__doc__", doc)?;
    dict.set_item("code", code)?;
    if plain_str {
        // KeyError quotes its message; keep the plain message of other segcore errors.
        let exc = py.get_type::<pyo3::exceptions::PyException>();
        dict.set_item("__str__", exc.getattr("__str__")?)?;
    }
    let ty = py.get_type::<PyType>().call1((name, bases, dict))?;
    Ok(ty.cast_into::<PyType>()?.unbind())
}

/// The exception classes (created on first use).
pub fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let builtins = py.import("builtins")?;
        let exception = builtins.getattr("Exception")?;
        let base = make_class(
            py,
            "SegcoreError",
            PyTuple::new(py, [exception])?,
            None,
            "Base class of every error raised by segcore; `code` is a stable machine-readable code.",
            false,
        )?;
        let mut by_code = Vec::with_capacity(SPECS.len());
        for &(name, code, builtin, doc) in SPECS {
            let bases = PyTuple::new(
                py,
                [base.bind(py).clone().into_any(), builtins.getattr(builtin)?],
            )?;
            let cls = make_class(py, name, bases, Some(code), doc, builtin == "KeyError")?;
            by_code.push((name, code, cls));
        }
        Ok(Classes { base, by_code })
    })
}

/// Adds `SegcoreError` and its subclasses to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let c = classes(py)?;
    m.add("SegcoreError", c.base.bind(py))?;
    for (name, _, cls) in &c.by_code {
        m.add(*name, cls.bind(py))?;
    }
    Ok(())
}

fn class_for<'py>(py: Python<'py>, code: &str) -> PyResult<Bound<'py, PyType>> {
    let c = classes(py)?;
    Ok(c.by_code
        .iter()
        .find(|(_, k, _)| *k == code)
        .map(|(_, _, cls)| cls.bind(py).clone())
        .unwrap_or_else(|| c.base.bind(py).clone()))
}

fn build(py: Python<'_>, e: &SegError) -> PyResult<PyErr> {
    let cls = class_for(py, e.code())?;
    let err = PyErr::from_type(cls, e.to_string());
    let value = err.value(py);
    match e {
        SegError::InvalidValue {
            column,
            row,
            reason,
        } => {
            value.setattr("column", column)?;
            value.setattr("row", row)?;
            value.setattr("reason", reason)?;
        }
        SegError::LengthMismatch {
            column,
            expected,
            found,
        } => {
            value.setattr("column", column)?;
            value.setattr("expected", expected)?;
            value.setattr("found", found)?;
        }
        SegError::Csv {
            path,
            line,
            column,
            reason,
        } => {
            value.setattr("path", path)?;
            value.setattr("line", line)?;
            value.setattr("column", column)?;
            value.setattr("reason", reason)?;
        }
        SegError::Io { path, .. } => value.setattr("path", path)?,
        SegError::InvalidParameter { name, reason } => {
            value.setattr("name", name)?;
            value.setattr("reason", reason)?;
        }
        SegError::NotConverged {
            model,
            iterations,
            grad_norm,
            reason,
        } => {
            value.setattr("model", model)?;
            value.setattr("iterations", iterations)?;
            value.setattr("grad_norm", grad_norm)?;
            value.setattr("reason", reason)?;
        }
        SegError::UnitMismatch { expected, found } => {
            value.setattr("expected", expected)?;
            value.setattr("found", found)?;
        }
        SegError::UnknownCustomer { id } => value.setattr("customer_id", id)?,
        SegError::Cancelled { stage } => value.setattr("stage", stage)?,
        SegError::ModelVersion { found, supported } => {
            value.setattr("found", found)?;
            value.setattr("supported", supported)?;
        }
        _ => {}
    }
    Ok(err)
}

/// Converts a [`SegError`] into the matching Python exception.
pub fn to_pyerr(e: SegError) -> PyErr {
    Python::attach(|py| build(py, &e).unwrap_or_else(|inner| inner))
}

/// `.py()` on a segcore result: map the error into a Python exception.
pub trait PyResultExt<T> {
    /// Converts the error with [`to_pyerr`].
    fn py(self) -> PyResult<T>;
}

impl<T> PyResultExt<T> for segcore::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_pyerr)
    }
}

/// Rewrites the column names of an input error with `rename` (canonical name → the name
/// the user knows), so messages point at the user's own columns.
pub fn rename_columns(e: SegError, rename: impl Fn(&str) -> String) -> SegError {
    match e {
        SegError::InvalidValue {
            column,
            row,
            reason,
        } => SegError::InvalidValue {
            column: rename(&column),
            row,
            reason,
        },
        SegError::LengthMismatch {
            column,
            expected,
            found,
        } => SegError::LengthMismatch {
            column: rename(&column),
            expected,
            found,
        },
        other => other,
    }
}

/// An `InvalidParameterError` raised by the binding itself.
pub fn param_error(name: &str, reason: impl Into<String>) -> PyErr {
    to_pyerr(SegError::param(name, reason))
}

/// Returns the Python exception that matches a [`SegError`] built from its parts; used by the
/// pure-Python layer so that its own checks raise exactly what the core would.
#[pyfunction]
#[pyo3(signature = (column, row, reason))]
pub fn _invalid_value(
    py: Python<'_>,
    column: String,
    row: usize,
    reason: String,
) -> Py<PyBaseException> {
    to_pyerr(SegError::invalid(column, row, reason)).into_value(py)
}

/// Same as [`_invalid_value`] for an invalid parameter.
#[pyfunction]
#[pyo3(signature = (name, reason))]
pub fn _invalid_parameter(py: Python<'_>, name: String, reason: String) -> Py<PyBaseException> {
    to_pyerr(SegError::param(name, reason)).into_value(py)
}

/// Same as [`_invalid_value`] for a length mismatch.
#[pyfunction]
#[pyo3(signature = (column, expected, found))]
pub fn _length_mismatch(
    py: Python<'_>,
    column: String,
    expected: usize,
    found: usize,
) -> Py<PyBaseException> {
    to_pyerr(SegError::LengthMismatch {
        column,
        expected,
        found,
    })
    .into_value(py)
}

/// Same as [`_invalid_value`] for a model file error.
#[pyfunction]
pub fn _model_file_error(py: Python<'_>, reason: String) -> Py<PyBaseException> {
    to_pyerr(SegError::ModelFile { reason }).into_value(py)
}

/// Same as [`_invalid_value`] for an I/O error on `path`.
#[pyfunction]
pub fn _io_error(py: Python<'_>, path: String, reason: String) -> Py<PyBaseException> {
    to_pyerr(SegError::Io {
        path,
        source: std::io::Error::other(reason),
    })
    .into_value(py)
}
