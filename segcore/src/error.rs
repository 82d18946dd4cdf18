//! The one error type of segcore.
//!
//! Every public function returns [`Result<T>`](crate::Result). Errors about input data name
//! the column, the row (0-based position in the columns given, or the 1-based line of a
//! file) and the reason, so a user can find the bad value. [`SegError::code`] gives a stable
//! machine-readable code that the Python and Node bindings expose.
//!
//! ```
//! use segcore::SegError;
//! let e = SegError::invalid("amount", 3, "NaN is not a valid amount");
//! assert_eq!(e.to_string(), "column `amount`, row 3: NaN is not a valid amount");
//! assert_eq!(e.code(), "INVALID_VALUE");
//! ```

use thiserror::Error;

/// Result alias used across segcore.
pub type Result<T, E = SegError> = std::result::Result<T, E>;

/// Everything that can go wrong in segcore.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SegError {
    /// A value in an input column is invalid (NaN amount, unparseable time, unknown scale...).
    #[error("column `{column}`, row {row}: {reason}")]
    InvalidValue {
        /// Column name as the user gave it.
        column: String,
        /// 0-based row in the columns passed in.
        row: usize,
        /// What is wrong.
        reason: String,
    },
    /// A column does not have the same length as the others.
    #[error("column `{column}` has {found} rows, expected {expected}")]
    LengthMismatch {
        /// Column name.
        column: String,
        /// Length of the reference column.
        expected: usize,
        /// Length found.
        found: usize,
    },
    /// An input that must hold data is empty.
    #[error("{what} is empty")]
    Empty {
        /// What was empty.
        what: String,
    },
    /// A row of a CSV file could not be read.
    #[error("{path}, line {line}, column `{column}`: {reason}")]
    Csv {
        /// The file.
        path: String,
        /// 1-based line number in the file (the header is line 1).
        line: u64,
        /// Column name (as mapped) or `*` for the whole row.
        column: String,
        /// What is wrong.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A parameter of an estimator or function is out of its domain.
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter {
        /// Parameter name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// Array shapes do not agree.
    #[error("shape mismatch: {reason}")]
    Shape {
        /// Which shapes and why.
        reason: String,
    },
    /// An optimiser or iterative fit failed to converge.
    #[error(
        "{model} did not converge after {iterations} iterations (gradient norm {grad_norm:.3e}): {reason}"
    )]
    NotConverged {
        /// Model name.
        model: String,
        /// Iterations run.
        iterations: usize,
        /// Norm of the gradient at the last iterate.
        grad_norm: f64,
        /// Why it stopped.
        reason: String,
    },
    /// A computation produced a non-finite number where a finite one was required.
    #[error("numerical failure in {context}: {reason}")]
    Numerical {
        /// Where it happened.
        context: String,
        /// What happened.
        reason: String,
    },
    /// Data in one time unit was given to a model fitted in another.
    #[error("time unit mismatch: model uses {expected}, data is in {found}")]
    UnitMismatch {
        /// The model's unit.
        expected: String,
        /// The data's unit.
        found: String,
    },
    /// A model file is malformed, of an unknown version or of another kind.
    #[error("model file: {reason}")]
    ModelFile {
        /// What is wrong.
        reason: String,
    },
    /// A customer id was not found in an index.
    #[error("unknown customer id `{id}`")]
    UnknownCustomer {
        /// The id as text.
        id: String,
    },
    /// A model file was written in a format version this build does not read.
    #[error("model file version {found} is not supported (this build reads version {supported})")]
    ModelVersion {
        /// Version in the file.
        found: u32,
        /// Version this build reads and writes.
        supported: u32,
    },
    /// A long fit was stopped through its [`Monitor`](crate::progress::Monitor)
    /// (Ctrl-C in Python, an `AbortSignal` in Node).
    #[error("{stage} was cancelled")]
    Cancelled {
        /// What was running when the cancellation was seen.
        stage: String,
    },
}

impl SegError {
    /// Shorthand for [`SegError::InvalidValue`].
    ///
    /// ```
    /// let e = segcore::SegError::invalid("timestamp", 0, "unparseable time `x`");
    /// assert!(e.to_string().contains("row 0"));
    /// ```
    pub fn invalid(column: impl Into<String>, row: usize, reason: impl Into<String>) -> Self {
        SegError::InvalidValue {
            column: column.into(),
            row,
            reason: reason.into(),
        }
    }

    /// Shorthand for [`SegError::InvalidParameter`].
    ///
    /// ```
    /// let e = segcore::SegError::param("n_clusters", "must be at least 1");
    /// assert_eq!(e.code(), "INVALID_PARAMETER");
    /// ```
    pub fn param(name: impl Into<String>, reason: impl Into<String>) -> Self {
        SegError::InvalidParameter {
            name: name.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`SegError::Shape`].
    ///
    /// ```
    /// let e = segcore::SegError::shape("X has 3 columns, model has 4");
    /// assert_eq!(e.code(), "SHAPE_MISMATCH");
    /// ```
    pub fn shape(reason: impl Into<String>) -> Self {
        SegError::Shape {
            reason: reason.into(),
        }
    }

    /// A stable upper-case code for this kind of error, used by the bindings.
    ///
    /// ```
    /// let e = segcore::SegError::Empty { what: "transactions".into() };
    /// assert_eq!(e.code(), "EMPTY_INPUT");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            SegError::InvalidValue { .. } => "INVALID_VALUE",
            SegError::LengthMismatch { .. } => "LENGTH_MISMATCH",
            SegError::Empty { .. } => "EMPTY_INPUT",
            SegError::Csv { .. } => "CSV_ERROR",
            SegError::Io { .. } => "IO_ERROR",
            SegError::InvalidParameter { .. } => "INVALID_PARAMETER",
            SegError::Shape { .. } => "SHAPE_MISMATCH",
            SegError::NotConverged { .. } => "NOT_CONVERGED",
            SegError::Numerical { .. } => "NUMERICAL_ERROR",
            SegError::UnitMismatch { .. } => "UNIT_MISMATCH",
            SegError::ModelFile { .. } => "MODEL_FILE",
            SegError::UnknownCustomer { .. } => "UNKNOWN_CUSTOMER",
            SegError::ModelVersion { .. } => "MODEL_VERSION",
            SegError::Cancelled { .. } => "CANCELLED",
        }
    }
}
