//! Column types shared by the logs: time columns, categorical columns and validation helpers.

use std::hash::Hash;

use rustc_hash::FxHashSet;

use super::ids::intern_sorted;
use super::time::{TimeFormat, check_time, parse_time};
use crate::{Result, SegError};

/// A column of timestamps as the user gave them.
///
/// ```
/// use segcore::data::TimeColumn;
/// let t = TimeColumn::Text(vec!["1997-01-01".into()], Default::default());
/// assert_eq!(t.to_seconds("timestamp").unwrap(), vec![852_076_800]);
/// let t = TimeColumn::Millis(vec![852_076_800_000]);
/// assert_eq!(t.to_seconds("timestamp").unwrap(), vec![852_076_800]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum TimeColumn {
    /// UTC seconds since the Unix epoch.
    Seconds(Vec<i64>),
    /// UTC milliseconds since the Unix epoch (JavaScript `Date` values); floored to seconds.
    Millis(Vec<i64>),
    /// Text in the given format.
    Text(Vec<String>, TimeFormat),
}

impl From<Vec<i64>> for TimeColumn {
    fn from(v: Vec<i64>) -> Self {
        TimeColumn::Seconds(v)
    }
}

impl TimeColumn {
    /// Number of rows.
    ///
    /// ```
    /// assert_eq!(segcore::data::TimeColumn::Seconds(vec![0, 1]).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            TimeColumn::Seconds(v) | TimeColumn::Millis(v) => v.len(),
            TimeColumn::Text(v, _) => v.len(),
        }
    }

    /// True when there are no rows.
    ///
    /// ```
    /// assert!(segcore::data::TimeColumn::Seconds(vec![]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Converts to validated UTC seconds; the error names `column` and the first bad row.
    ///
    /// ```
    /// use segcore::data::{TimeColumn, time::TimeFormat};
    /// let t = TimeColumn::Text(vec!["1997-01-01".into(), "soon".into()], TimeFormat::Auto);
    /// let e = t.to_seconds("date").unwrap_err();
    /// assert_eq!(e.to_string(), "column `date`, row 1: unparseable time `soon`");
    /// ```
    pub fn to_seconds(&self, column: &str) -> Result<Vec<i64>> {
        match self {
            TimeColumn::Seconds(v) => v
                .iter()
                .enumerate()
                .map(|(i, &t)| check_time(t, column, i))
                .collect(),
            TimeColumn::Millis(v) => v
                .iter()
                .enumerate()
                .map(|(i, &t)| check_time(t.div_euclid(1000), column, i))
                .collect(),
            TimeColumn::Text(v, fmt) => v
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    parse_time(s, *fmt).ok_or_else(|| {
                        SegError::invalid(column, i, format!("unparseable time `{s}`"))
                    })
                })
                .collect(),
        }
    }
}

/// Code used in a [`Categorical`] for a missing value.
pub const MISSING: u32 = u32::MAX;

/// A categorical column: distinct levels (sorted) and one code per row ([`MISSING`] when empty).
///
/// ```
/// use segcore::data::{Categorical, MISSING};
/// let c = Categorical::from_strings(&["rock", "", "jazz", "rock"]);
/// assert_eq!(c.levels, vec!["jazz", "rock"]);
/// assert_eq!(c.codes, vec![1, MISSING, 0, 1]);
/// assert_eq!(c.get(2), Some("jazz"));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Categorical {
    /// Distinct non-empty values in sorted order.
    pub levels: Vec<String>,
    /// Per-row index into `levels`, or [`MISSING`].
    pub codes: Vec<u32>,
}

impl Categorical {
    /// Builds from text values; empty strings are missing.
    ///
    /// ```
    /// let c = segcore::data::Categorical::from_strings(&["a"]);
    /// assert_eq!(c.len(), 1);
    /// ```
    pub fn from_strings<S: AsRef<str>>(values: &[S]) -> Self {
        let (levels, codes) = intern_sorted(values.iter().map(|v| {
            let v = v.as_ref();
            (!v.is_empty()).then_some(v)
        }));
        Categorical {
            levels: levels.into_iter().map(str::to_string).collect(),
            codes,
        }
    }

    /// [`Categorical::from_strings`] in parallel (for the log builders' large columns).
    pub(crate) fn from_strings_par(values: &[String]) -> Self {
        let (levels, codes) = super::intern_par::par_intern_sorted(values.len(), |r| {
            let v = values[r].as_str();
            (!v.is_empty()).then_some(v)
        });
        Categorical {
            levels: levels.into_iter().map(str::to_string).collect(),
            codes,
        }
    }

    /// Number of rows.
    ///
    /// ```
    /// assert!(segcore::data::Categorical::default().is_empty());
    /// ```
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True when there are no rows.
    ///
    /// ```
    /// assert_eq!(segcore::data::Categorical::default().len(), 0);
    /// ```
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The value of row `row`, or `None` when missing or out of range.
    ///
    /// ```
    /// let c = segcore::data::Categorical::from_strings(&["", "x"]);
    /// assert_eq!((c.get(0), c.get(1), c.get(9)), (None, Some("x"), None));
    /// ```
    pub fn get(&self, row: usize) -> Option<&str> {
        let c = *self.codes.get(row)?;
        self.levels.get(c as usize).map(String::as_str)
    }

    /// Code of a level, if present.
    ///
    /// ```
    /// let c = segcore::data::Categorical::from_strings(&["b", "a"]);
    /// assert_eq!(c.level_code("b"), Some(1));
    /// ```
    pub fn level_code(&self, level: &str) -> Option<u32> {
        self.levels
            .binary_search_by(|l| l.as_str().cmp(level))
            .ok()
            .map(|i| i as u32)
    }

    pub(crate) fn select(&self, rows: &[usize]) -> Categorical {
        Categorical {
            levels: self.levels.clone(),
            codes: rows.iter().map(|&r| self.codes[r]).collect(),
        }
    }
}

/// Checks that a column has `expected` rows.
///
/// ```
/// use segcore::data::columns::check_len;
/// assert!(check_len("amount", 3, 3).is_ok());
/// assert_eq!(check_len("amount", 3, 2).unwrap_err().to_string(), "column `amount` has 2 rows, expected 3");
/// ```
pub fn check_len(column: &str, expected: usize, found: usize) -> Result<()> {
    if expected != found {
        return Err(SegError::LengthMismatch {
            column: column.to_string(),
            expected,
            found,
        });
    }
    Ok(())
}

/// Checks that every value is finite; the error names the first bad row.
///
/// ```
/// use segcore::data::columns::check_finite;
/// let e = check_finite("amount", &[1.0, f64::NAN]).unwrap_err();
/// assert_eq!(e.to_string(), "column `amount`, row 1: NaN is not a valid value");
/// ```
pub fn check_finite(column: &str, values: &[f64]) -> Result<()> {
    if let Some((row, v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        let what = if v.is_nan() {
            "NaN".to_string()
        } else {
            format!("{v}")
        };
        return Err(SegError::invalid(
            column,
            row,
            format!("{what} is not a valid value"),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// helpers shared by the log builders

/// Text values of a builder column.
pub(crate) fn strings<S: Into<String>>(v: Vec<S>) -> Vec<String> {
    v.into_iter().map(Into::into).collect()
}

/// The categorical column of an optional text column named `column`.
pub(crate) fn categorical(
    column: &str,
    v: Option<super::coded::TextColumn>,
) -> Result<Option<Categorical>> {
    v.map(|v| v.into_categorical(column)).transpose()
}

/// The code of row `i` of an optional categorical column (0 when the column is absent).
pub(crate) fn code_at(c: &Option<Categorical>, i: usize) -> u32 {
    c.as_ref().map_or(0, |c| c.codes[i])
}

/// Refuses a log of `n = 0` rows (`what` names it), then checks that every given column
/// (`None` = an optional column that is absent) has `n` rows, in the order given.
pub(crate) fn check_rows(what: &str, n: usize, columns: &[(&str, Option<usize>)]) -> Result<()> {
    if n == 0 {
        return Err(SegError::Empty { what: what.into() });
    }
    for &(name, len) in columns {
        if let Some(len) = len {
            check_len(name, n, len)?;
        }
    }
    Ok(())
}

/// Number of rows `0..n` whose `key` repeats the key of an earlier row.
pub(crate) fn count_repeats<K: Hash + Eq>(n: usize, mut key: impl FnMut(usize) -> K) -> usize {
    let mut seen: FxHashSet<K> = FxHashSet::default();
    (0..n).filter(|&i| !seen.insert(key(i))).count()
}
