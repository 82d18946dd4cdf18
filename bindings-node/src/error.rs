//! segcore errors as JavaScript errors.
//!
//! Every error thrown (or every rejected promise) is an `Error` whose `code` property is a
//! stable code prefixed `SEGCORE_` (so it never collides with Node's own `ERR_*` codes) and
//! whose message is the core's, naming the column and the row. From the core:
//! `SEGCORE_INVALID_VALUE`, `SEGCORE_LENGTH_MISMATCH`, `SEGCORE_EMPTY_INPUT`,
//! `SEGCORE_INVALID_PARAMETER`, `SEGCORE_SHAPE_MISMATCH`, `SEGCORE_NOT_CONVERGED`,
//! `SEGCORE_NUMERICAL_ERROR`, `SEGCORE_UNIT_MISMATCH`, `SEGCORE_MODEL_FILE`,
//! `SEGCORE_MODEL_VERSION`, `SEGCORE_UNKNOWN_CUSTOMER`, `SEGCORE_CSV_ERROR`,
//! `SEGCORE_IO_ERROR`, `SEGCORE_CANCELLED` (an aborted fit; its `name` is `AbortError`).
//! Column and parameter names are given in the camelCase spelling a JavaScript caller uses
//! (`orderId`, `nClusters`). Three codes come from the binding itself:
//! `SEGCORE_INVALID_ARGUMENT` (a JavaScript value of the wrong type that napi itself
//! rejected), `SEGCORE_NOT_FITTED` (a model used before `fit`) and `SEGCORE_INTERNAL_ERROR`
//! (a bug: the core panicked; the panic is caught and never crosses the boundary).

use std::panic::{catch_unwind, AssertUnwindSafe};

use segcore::SegError;

/// The `code` property of a thrown error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code(pub &'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// A JavaScript error with a stable code.
pub type JsError = napi::Error<Code>;

/// Result of every binding function.
pub type Result<T> = std::result::Result<T, JsError>;

/// Code of errors raised by napi's own argument conversion.
pub const INVALID_ARGUMENT: &str = "SEGCORE_INVALID_ARGUMENT";
/// Code of a model used before it was fitted.
pub const NOT_FITTED: &str = "SEGCORE_NOT_FITTED";
/// Code of a caught panic.
pub const INTERNAL_ERROR: &str = "SEGCORE_INTERNAL_ERROR";

/// The JavaScript code of a core error: its [`SegError::code`] prefixed `SEGCORE_`.
pub fn js_code(e: &SegError) -> &'static str {
    match e.code() {
        "INVALID_VALUE" => "SEGCORE_INVALID_VALUE",
        "LENGTH_MISMATCH" => "SEGCORE_LENGTH_MISMATCH",
        "EMPTY_INPUT" => "SEGCORE_EMPTY_INPUT",
        "CSV_ERROR" => "SEGCORE_CSV_ERROR",
        "IO_ERROR" => "SEGCORE_IO_ERROR",
        "INVALID_PARAMETER" => "SEGCORE_INVALID_PARAMETER",
        "SHAPE_MISMATCH" => "SEGCORE_SHAPE_MISMATCH",
        "NOT_CONVERGED" => "SEGCORE_NOT_CONVERGED",
        "NUMERICAL_ERROR" => "SEGCORE_NUMERICAL_ERROR",
        "UNIT_MISMATCH" => "SEGCORE_UNIT_MISMATCH",
        "MODEL_FILE" => "SEGCORE_MODEL_FILE",
        "MODEL_VERSION" => "SEGCORE_MODEL_VERSION",
        "UNKNOWN_CUSTOMER" => "SEGCORE_UNKNOWN_CUSTOMER",
        "CANCELLED" => "SEGCORE_CANCELLED",
        _ => "SEGCORE_ERROR",
    }
}

/// Code of an aborted fit.
pub const CANCELLED: &str = "SEGCORE_CANCELLED";

/// A `SEGCORE_NOT_FITTED` error: `what` was used before `fit`.
pub fn not_fitted(what: &str) -> JsError {
    napi::Error::new(
        Code(NOT_FITTED),
        format!("{what} is not fitted: call fit() first"),
    )
}

/// `order_id` -> `orderId`; names without underscores are unchanged.
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for ch in name.chars() {
        if ch == '_' && !out.is_empty() {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// Renames the column / parameter of a core error to its JavaScript spelling.
fn rename(e: SegError) -> SegError {
    match e {
        SegError::InvalidValue {
            column,
            row,
            reason,
        } => SegError::InvalidValue {
            column: camel(&column),
            row,
            reason,
        },
        SegError::LengthMismatch {
            column,
            expected,
            found,
        } => SegError::LengthMismatch {
            column: camel(&column),
            expected,
            found,
        },
        SegError::InvalidParameter { name, reason } => SegError::InvalidParameter {
            name: camel(&name),
            reason,
        },
        other => other,
    }
}

/// Converts a core error into a JavaScript error with its stable code.
pub fn seg(e: SegError) -> JsError {
    let e = rename(e);
    napi::Error::new(Code(js_code(&e)), e.to_string())
}

/// Converts an error of napi's own (wrong JavaScript type) into an `INVALID_ARGUMENT` error.
pub fn napi_err(e: napi::Error) -> JsError {
    napi::Error::new(Code(INVALID_ARGUMENT), e.reason.clone())
}

/// Shorthand: an `INVALID_VALUE` error naming `column` and `row`.
pub fn invalid(column: &str, row: usize, reason: impl Into<String>) -> JsError {
    seg(SegError::invalid(column, row, reason))
}

/// Shorthand: an `INVALID_PARAMETER` error.
pub fn param(name: &str, reason: impl Into<String>) -> JsError {
    seg(SegError::param(name, reason))
}

/// Converts either kind of error result into a binding result.
pub trait IntoJs<T> {
    /// Maps the error.
    fn js(self) -> Result<T>;
}

impl<T> IntoJs<T> for segcore::Result<T> {
    fn js(self) -> Result<T> {
        self.map_err(seg)
    }
}

impl<T> IntoJs<T> for napi::Result<T> {
    fn js(self) -> Result<T> {
        self.map_err(napi_err)
    }
}

/// Message of a caught panic.
fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// A core error or a caught panic, carried from a worker thread back to JavaScript.
#[derive(Debug)]
pub enum Failure {
    /// The core returned an error.
    Seg(SegError),
    /// The core panicked (a bug); the message of the panic.
    Panic(String),
}

impl Failure {
    /// The JavaScript error.
    pub fn into_js(self) -> JsError {
        match self {
            Failure::Seg(e) => seg(e),
            Failure::Panic(m) => napi::Error::new(
                Code(INTERNAL_ERROR),
                format!("segcore panicked (this is a bug): {m}"),
            ),
        }
    }
}

/// Runs core code, catching panics so that none crosses into JavaScript.
pub fn guard<T>(f: impl FnOnce() -> segcore::Result<T>) -> std::result::Result<T, Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Failure::Seg(e)),
        Err(p) => Err(Failure::Panic(panic_message(p))),
    }
}

/// [`guard`] for synchronous calls: the JavaScript error directly.
pub fn run<T>(f: impl FnOnce() -> segcore::Result<T>) -> Result<T> {
    guard(f).map_err(Failure::into_js)
}
