//! The feature table: named columns over customers, and filling undefined values.
//!
//! Undefined values are `NaN` (see each column's [`FeatureInfo::undefined`]). Models that
//! need finite input (k-means, logistic regression) call [`FeatureMatrix::fill_undefined`]
//! first, or [`FeatureMatrix::select`] columns that are always defined.

use ndarray::{Array2, ArrayView1, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::CustomerIndex;
use crate::{Result, SegError};

/// What a column means: name, unit, and the value used when it is not defined.
///
/// ```
/// use segcore::features::FeatureInfo;
/// let i = FeatureInfo::new("recency", "days", "days since the last purchase occasion", "NaN without purchases");
/// assert_eq!(i.unit, "days");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureInfo {
    /// Column name.
    pub name: String,
    /// Unit (`days`, `count`, `currency`, `share`, `code`, ...).
    pub unit: String,
    /// What the column measures.
    pub description: String,
    /// The value written when the feature is not defined for a customer, and when.
    pub undefined: String,
}

impl FeatureInfo {
    /// Builds an info record.
    ///
    /// ```
    /// let i = segcore::features::FeatureInfo::new("n_orders", "count", "orders", "0");
    /// assert_eq!(i.name, "n_orders");
    /// ```
    pub fn new(
        name: impl Into<String>,
        unit: impl Into<String>,
        description: impl Into<String>,
        undefined: impl Into<String>,
    ) -> Self {
        FeatureInfo {
            name: name.into(),
            unit: unit.into(),
            description: description.into(),
            undefined: undefined.into(),
        }
    }
}

/// How [`FeatureMatrix::fill_undefined`] replaces `NaN`.
///
/// ```
/// use segcore::features::Fill;
/// let f = Fill::Constant(0.0);
/// assert_eq!(f, Fill::Constant(0.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fill {
    /// One value for every undefined cell.
    Constant(f64),
    /// The column's mean over defined values (0 if none is defined).
    Mean,
    /// The column's median over defined values (0 if none is defined).
    Median,
}

/// Features of every customer: `values[[customer code, feature]]`, columns named by `names`.
///
/// ```
/// use ndarray::array;
/// use segcore::data::{CustomerIndex, IdColumn};
/// use segcore::features::FeatureMatrix;
/// let (customers, _) = CustomerIndex::build(&IdColumn::Int(vec![1, 2]));
/// let m = FeatureMatrix::new(vec!["a".into(), "b".into()], array![[1.0, 2.0], [3.0, 4.0]], customers).unwrap();
/// assert_eq!(m.column("b").unwrap().to_vec(), vec![2.0, 4.0]);
/// assert!(m.column("c").is_none());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureMatrix {
    /// Column names, unique.
    pub names: Vec<String>,
    /// Customers (rows, in code order) × features (columns).
    pub values: Array2<f64>,
    /// The customers of the rows.
    pub customers: CustomerIndex,
}

impl FeatureMatrix {
    /// Checks shapes and name uniqueness and builds a matrix.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use segcore::features::FeatureMatrix;
    /// let e = FeatureMatrix::new(vec!["a".into()], Array2::zeros((0, 2)), Default::default());
    /// assert_eq!(e.unwrap_err().code(), "SHAPE_MISMATCH");
    /// ```
    pub fn new(names: Vec<String>, values: Array2<f64>, customers: CustomerIndex) -> Result<Self> {
        if values.ncols() != names.len() || values.nrows() != customers.len() {
            return Err(SegError::shape(format!(
                "values are {}x{}, expected {} customers x {} names",
                values.nrows(),
                values.ncols(),
                customers.len(),
                names.len()
            )));
        }
        let mut sorted: Vec<&String> = names.iter().collect();
        sorted.sort();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(SegError::param(
                "names",
                format!("duplicate column `{}`", w[0]),
            ));
        }
        Ok(FeatureMatrix {
            names,
            values,
            customers,
        })
    }

    /// Position of a column.
    ///
    /// ```
    /// # use segcore::features::FeatureMatrix;
    /// # let m = FeatureMatrix::new(vec!["a".into()], ndarray::Array2::zeros((0, 1)), Default::default()).unwrap();
    /// assert_eq!(m.position("a"), Some(0));
    /// ```
    pub fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// A column by name.
    ///
    /// ```
    /// # use segcore::features::FeatureMatrix;
    /// # let m = FeatureMatrix::new(vec!["a".into()], ndarray::Array2::zeros((0, 1)), Default::default()).unwrap();
    /// assert_eq!(m.column("a").unwrap().len(), 0);
    /// ```
    pub fn column(&self, name: &str) -> Option<ArrayView1<'_, f64>> {
        self.position(name).map(|j| self.values.column(j))
    }

    /// A new matrix with the named columns, in the order given; unknown names are an error.
    ///
    /// ```
    /// use ndarray::array;
    /// use segcore::features::FeatureMatrix;
    /// let (ix, _) = segcore::data::CustomerIndex::build(&vec![7_i64].into());
    /// let m = FeatureMatrix::new(vec!["a".into(), "b".into()], array![[1.0, 2.0]], ix).unwrap();
    /// let s = m.select(&["b"]).unwrap();
    /// assert_eq!(s.values, array![[2.0]]);
    /// assert!(m.select(&["z"]).is_err());
    /// ```
    pub fn select<S: AsRef<str>>(&self, names: &[S]) -> Result<FeatureMatrix> {
        let idx: Vec<usize> = names
            .iter()
            .map(|n| {
                self.position(n.as_ref())
                    .ok_or_else(|| SegError::param("names", format!("no column `{}`", n.as_ref())))
            })
            .collect::<Result<_>>()?;
        FeatureMatrix::new(
            names.iter().map(|n| n.as_ref().to_string()).collect(),
            self.values.select(Axis(1), &idx),
            self.customers.clone(),
        )
    }

    /// The values transposed: shape (features, customers) in row-major order, so that
    /// feature `j` is the contiguous row `j`. This is the layout of a DataFrame's column
    /// block (pandas) or of separate columns (polars, Arrow), which the bindings then take
    /// without another copy. Built in parallel over fixed blocks of customers; the result
    /// does not depend on the thread count.
    ///
    /// ```
    /// use ndarray::array;
    /// use segcore::features::FeatureMatrix;
    /// let (ix, _) = segcore::data::CustomerIndex::build(&vec![1_i64, 2].into());
    /// let m = FeatureMatrix::new(vec!["a".into(), "b".into()], array![[1.0, 2.0], [3.0, 4.0]], ix).unwrap();
    /// let t = m.column_major();
    /// assert_eq!(t, array![[1.0, 3.0], [2.0, 4.0]]);
    /// assert!(t.is_standard_layout());
    /// ```
    pub fn column_major(&self) -> Array2<f64> {
        transpose_par(&self.values)
    }

    /// Number of undefined (`NaN`) cells per column.
    ///
    /// ```
    /// use ndarray::array;
    /// use segcore::features::FeatureMatrix;
    /// let (ix, _) = segcore::data::CustomerIndex::build(&vec![1_i64, 2].into());
    /// let m = FeatureMatrix::new(vec!["a".into()], array![[f64::NAN], [1.0]], ix).unwrap();
    /// assert_eq!(m.undefined_counts(), vec![1]);
    /// ```
    pub fn undefined_counts(&self) -> Vec<usize> {
        self.values
            .columns()
            .into_iter()
            .map(|c| c.iter().filter(|v| v.is_nan()).count())
            .collect()
    }

    /// Replaces every `NaN` by `fill` (computed per column for `Mean`/`Median`) and returns
    /// the value used for each column. A non-finite `Constant` is refused.
    ///
    /// ```
    /// use ndarray::array;
    /// use segcore::features::{FeatureMatrix, Fill};
    /// let (ix, _) = segcore::data::CustomerIndex::build(&vec![1_i64, 2, 3].into());
    /// let mut m = FeatureMatrix::new(vec!["a".into()], array![[f64::NAN], [1.0], [4.0]], ix).unwrap();
    /// assert_eq!(m.fill_undefined(Fill::Median).unwrap(), vec![2.5]);
    /// assert_eq!(m.values, array![[2.5], [1.0], [4.0]]);
    /// ```
    pub fn fill_undefined(&mut self, fill: Fill) -> Result<Vec<f64>> {
        if let Fill::Constant(v) = fill {
            if !v.is_finite() {
                return Err(SegError::param("fill", "the constant must be finite"));
            }
        }
        let mut used = Vec::with_capacity(self.names.len());
        for mut col in self.values.columns_mut() {
            let value = match fill {
                Fill::Constant(v) => v,
                Fill::Mean => {
                    let (s, n) = col
                        .iter()
                        .filter(|v| !v.is_nan())
                        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
                    if n == 0 { 0.0 } else { s / n as f64 }
                }
                Fill::Median => {
                    let mut d: Vec<f64> = col.iter().copied().filter(|v| !v.is_nan()).collect();
                    d.sort_unstable_by(f64::total_cmp);
                    match d.len() {
                        0 => 0.0,
                        n if n % 2 == 1 => d[n / 2],
                        n => 0.5 * (d[n / 2 - 1] + d[n / 2]),
                    }
                }
            };
            col.mapv_inplace(|v| if v.is_nan() { value } else { v });
            used.push(value);
        }
        Ok(used)
    }
}

/// Customers per parallel block of [`FeatureMatrix::column_major`].
const TRANSPOSE_BLOCK: usize = 4096;

/// `values` transposed into a new row-major array, in parallel over fixed row blocks.
fn transpose_par(values: &Array2<f64>) -> Array2<f64> {
    let (n, d) = values.dim();
    let mut out = Array2::<f64>::zeros((d, n));
    if n == 0 || d == 0 {
        return out;
    }
    out.axis_chunks_iter_mut(Axis(1), TRANSPOSE_BLOCK)
        .into_par_iter()
        .zip(
            values
                .axis_chunks_iter(Axis(0), TRANSPOSE_BLOCK)
                .into_par_iter(),
        )
        .for_each(|(mut o, v)| o.assign(&v.t()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_major_spans_blocks() {
        let n = 2 * TRANSPOSE_BLOCK + 3;
        let v = Array2::from_shape_fn((n, 3), |(i, j)| (i * 10 + j) as f64);
        let t = transpose_par(&v);
        assert_eq!(t.dim(), (3, n));
        assert!(t.is_standard_layout());
        assert_eq!(t, v.t());
        assert_eq!(transpose_par(&Array2::zeros((0, 4))).dim(), (4, 0));
    }
}
