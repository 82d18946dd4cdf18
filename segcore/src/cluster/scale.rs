//! Preparing features: fitted, serialisable transforms and selection by name.
//!
//! Every scaler follows the estimator shape: `Scaler::params()` → builder → `.fit(x)` → a fitted
//! value with [`Transform::transform`] and [`Transform::inverse_transform`]. Results equal
//! scikit-learn's `StandardScaler`, `RobustScaler` and `MinMaxScaler` (constant columns are
//! left unscaled: their scale is 1, as in scikit-learn). [`Log1p`] applies `ln(1 + x)` to the
//! chosen columns (counts and money are usually right-skewed).
//!
//! ```
//! use ndarray::array;
//! use segcore::cluster::scale::{StandardScaler, Transform};
//! let x = array![[1.0, 10.0], [3.0, 10.0]];
//! let s = StandardScaler::params().fit(x.view()).unwrap();
//! let z = s.transform(x.view()).unwrap();
//! assert_eq!(z, array![[-1.0, 0.0], [1.0, 0.0]]);
//! ```

use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::util::{check_cols, check_matrix, column_variances, quantile_sorted};
use crate::model::ModelKind;
use crate::{Result, SegError};

/// A fitted column-wise transform.
pub trait Transform {
    /// Applies the transform to `x` (same columns as at fit).
    ///
    /// ```
    /// use segcore::cluster::scale::{MinMaxScaler, Transform};
    /// let x = ndarray::array![[0.0], [4.0]];
    /// let m = MinMaxScaler::params().fit(x.view()).unwrap();
    /// assert_eq!(m.transform(x.view()).unwrap(), ndarray::array![[0.0], [1.0]]);
    /// ```
    fn transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>>;
    /// Undoes the transform.
    ///
    /// ```
    /// use segcore::cluster::scale::{MinMaxScaler, Transform};
    /// let x = ndarray::array![[0.0], [4.0]];
    /// let m = MinMaxScaler::params().fit(x.view()).unwrap();
    /// assert_eq!(m.inverse_transform(ndarray::array![[0.5]].view()).unwrap()[[0, 0]], 2.0);
    /// ```
    fn inverse_transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>>;
}

/// Replaces zero (or non-finite) scales with 1, as scikit-learn's `_handle_zeros_in_scale`.
fn handle_zeros(s: f64) -> f64 {
    if s == 0.0 || !s.is_finite() || s.abs() < 10.0 * f64::EPSILON {
        1.0
    } else {
        s
    }
}

fn affine(x: ArrayView2<f64>, centre: &Array1<f64>, scale: &Array1<f64>) -> Array2<f64> {
    let mut out = x.to_owned();
    for mut row in out.outer_iter_mut() {
        for j in 0..row.len() {
            row[j] = (row[j] - centre[j]) / scale[j];
        }
    }
    out
}

fn affine_inv(x: ArrayView2<f64>, centre: &Array1<f64>, scale: &Array1<f64>) -> Array2<f64> {
    let mut out = x.to_owned();
    for mut row in out.outer_iter_mut() {
        for j in 0..row.len() {
            row[j] = row[j] * scale[j] + centre[j];
        }
    }
    out
}

/// Parameters of a [`StandardScaler`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardScalerParams {
    /// Subtract the column mean (default true).
    pub with_mean: bool,
    /// Divide by the column standard deviation, ddof = 0 (default true).
    pub with_std: bool,
}

impl Default for StandardScalerParams {
    fn default() -> Self {
        Self {
            with_mean: true,
            with_std: true,
        }
    }
}

impl StandardScalerParams {
    /// Whether to centre.
    ///
    /// ```
    /// let p = segcore::cluster::scale::StandardScaler::params().with_mean(false);
    /// assert!(!p.with_mean);
    /// ```
    pub fn with_mean(mut self, yes: bool) -> Self {
        self.with_mean = yes;
        self
    }
    /// Whether to scale.
    ///
    /// ```
    /// let p = segcore::cluster::scale::StandardScaler::params().with_std(false);
    /// assert!(!p.with_std);
    /// ```
    pub fn with_std(mut self, yes: bool) -> Self {
        self.with_std = yes;
        self
    }
    /// Fits the column means and standard deviations.
    ///
    /// ```
    /// let x = ndarray::array![[1.0], [3.0]];
    /// let s = segcore::cluster::scale::StandardScaler::params().fit(x.view()).unwrap();
    /// assert_eq!(s.mean[0], 2.0);
    /// ```
    pub fn fit(&self, x: ArrayView2<f64>) -> Result<StandardScaler> {
        check_matrix(&x, "x")?;
        let n = x.nrows() as f64;
        let d = x.ncols();
        let mean = if self.with_mean {
            x.sum_axis(Axis(0)) / n
        } else {
            Array1::zeros(d)
        };
        let scale = if self.with_std {
            column_variances(&x).mapv(|v| handle_zeros(v.sqrt()))
        } else {
            Array1::ones(d)
        };
        Ok(StandardScaler { mean, scale })
    }
}

/// Fitted standardisation `(x - mean) / scale`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardScaler {
    /// Column means (zeros when not centring).
    pub mean: Array1<f64>,
    /// Column standard deviations (1 for constant columns or when not scaling).
    pub scale: Array1<f64>,
}

impl StandardScaler {
    /// Default parameters (centre and scale).
    ///
    /// ```
    /// let p = segcore::cluster::scale::StandardScaler::params();
    /// assert!(p.with_mean && p.with_std);
    /// ```
    pub fn params() -> StandardScalerParams {
        StandardScalerParams::default()
    }
}

impl Transform for StandardScaler {
    fn transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_cols(&x, self.mean.len(), "x")?;
        Ok(affine(x, &self.mean, &self.scale))
    }
    fn inverse_transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_cols(&x, self.mean.len(), "x")?;
        Ok(affine_inv(x, &self.mean, &self.scale))
    }
}

impl ModelKind for StandardScaler {
    const KIND: &'static str = "StandardScaler";
}

/// Parameters of a [`RobustScaler`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RobustScalerParams {
    /// Subtract the median (default true).
    pub with_centering: bool,
    /// Divide by the inter-quantile range (default true).
    pub with_scaling: bool,
    /// Quantile range in percent (default 25, 75).
    pub quantile_range: (f64, f64),
}

impl Default for RobustScalerParams {
    fn default() -> Self {
        Self {
            with_centering: true,
            with_scaling: true,
            quantile_range: (25.0, 75.0),
        }
    }
}

impl RobustScalerParams {
    /// Sets the quantile range in percent, `0 <= lo < hi <= 100`.
    ///
    /// ```
    /// let p = segcore::cluster::scale::RobustScaler::params().quantile_range(10.0, 90.0);
    /// assert_eq!(p.quantile_range, (10.0, 90.0));
    /// ```
    pub fn quantile_range(mut self, lo: f64, hi: f64) -> Self {
        self.quantile_range = (lo, hi);
        self
    }
    /// Whether to centre on the median.
    ///
    /// ```
    /// let p = segcore::cluster::scale::RobustScaler::params().with_centering(false);
    /// assert!(!p.with_centering);
    /// ```
    pub fn with_centering(mut self, yes: bool) -> Self {
        self.with_centering = yes;
        self
    }
    /// Whether to divide by the inter-quantile range.
    ///
    /// ```
    /// let p = segcore::cluster::scale::RobustScaler::params().with_scaling(false);
    /// assert!(!p.with_scaling);
    /// ```
    pub fn with_scaling(mut self, yes: bool) -> Self {
        self.with_scaling = yes;
        self
    }
    /// Fits medians and inter-quantile ranges (numpy's linear quantiles).
    ///
    /// ```
    /// let x = ndarray::array![[1.0], [2.0], [3.0], [100.0]];
    /// let s = segcore::cluster::scale::RobustScaler::params().fit(x.view()).unwrap();
    /// assert_eq!(s.center[0], 2.5);
    /// ```
    pub fn fit(&self, x: ArrayView2<f64>) -> Result<RobustScaler> {
        check_matrix(&x, "x")?;
        let (lo, hi) = self.quantile_range;
        if !(0.0..=100.0).contains(&lo) || !(0.0..=100.0).contains(&hi) || lo >= hi {
            return Err(SegError::param(
                "quantile_range",
                format!("need 0 <= lo < hi <= 100, got ({lo}, {hi})"),
            ));
        }
        let d = x.ncols();
        let mut center = Array1::zeros(d);
        let mut scale = Array1::ones(d);
        for j in 0..d {
            let mut col: Vec<f64> = x.column(j).to_vec();
            col.sort_by(f64::total_cmp);
            if self.with_centering {
                center[j] = quantile_sorted(&col, 0.5);
            }
            if self.with_scaling {
                let q = quantile_sorted(&col, hi / 100.0) - quantile_sorted(&col, lo / 100.0);
                scale[j] = handle_zeros(q);
            }
        }
        Ok(RobustScaler { center, scale })
    }
}

/// Fitted robust scaling `(x - median) / IQR`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RobustScaler {
    /// Column medians (zeros when not centring).
    pub center: Array1<f64>,
    /// Inter-quantile ranges (1 for constant columns or when not scaling).
    pub scale: Array1<f64>,
}

impl RobustScaler {
    /// Default parameters (median, 25–75 % range).
    ///
    /// ```
    /// assert_eq!(segcore::cluster::scale::RobustScaler::params().quantile_range, (25.0, 75.0));
    /// ```
    pub fn params() -> RobustScalerParams {
        RobustScalerParams::default()
    }
}

impl Transform for RobustScaler {
    fn transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_cols(&x, self.center.len(), "x")?;
        Ok(affine(x, &self.center, &self.scale))
    }
    fn inverse_transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_cols(&x, self.center.len(), "x")?;
        Ok(affine_inv(x, &self.center, &self.scale))
    }
}

impl ModelKind for RobustScaler {
    const KIND: &'static str = "RobustScaler";
}

/// Parameters of a [`MinMaxScaler`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinMaxScalerParams {
    /// Target range (default 0, 1).
    pub feature_range: (f64, f64),
}

impl Default for MinMaxScalerParams {
    fn default() -> Self {
        Self {
            feature_range: (0.0, 1.0),
        }
    }
}

impl MinMaxScalerParams {
    /// Sets the target range, `lo < hi`.
    ///
    /// ```
    /// let p = segcore::cluster::scale::MinMaxScaler::params().feature_range(-1.0, 1.0);
    /// assert_eq!(p.feature_range, (-1.0, 1.0));
    /// ```
    pub fn feature_range(mut self, lo: f64, hi: f64) -> Self {
        self.feature_range = (lo, hi);
        self
    }
    /// Fits column minima and maxima.
    ///
    /// ```
    /// let x = ndarray::array![[2.0], [6.0]];
    /// let m = segcore::cluster::scale::MinMaxScaler::params().fit(x.view()).unwrap();
    /// assert_eq!(m.data_min[0], 2.0);
    /// ```
    pub fn fit(&self, x: ArrayView2<f64>) -> Result<MinMaxScaler> {
        check_matrix(&x, "x")?;
        let (lo, hi) = self.feature_range;
        if !lo.is_finite() || !hi.is_finite() || lo >= hi {
            return Err(SegError::param(
                "feature_range",
                format!("need finite lo < hi, got ({lo}, {hi})"),
            ));
        }
        let d = x.ncols();
        let mut data_min = Array1::from_elem(d, f64::INFINITY);
        let mut data_max = Array1::from_elem(d, f64::NEG_INFINITY);
        for row in x.outer_iter() {
            for j in 0..d {
                data_min[j] = f64::min(data_min[j], row[j]);
                data_max[j] = f64::max(data_max[j], row[j]);
            }
        }
        let scale: Array1<f64> =
            Array1::from_shape_fn(d, |j| (hi - lo) / handle_zeros(data_max[j] - data_min[j]));
        let min = Array1::from_shape_fn(d, |j| lo - data_min[j] * scale[j]);
        Ok(MinMaxScaler {
            data_min,
            data_max,
            scale,
            min,
        })
    }
}

/// Fitted min-max scaling `x * scale + min` (scikit-learn's `scale_` and `min_`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinMaxScaler {
    /// Column minima seen at fit.
    pub data_min: Array1<f64>,
    /// Column maxima seen at fit.
    pub data_max: Array1<f64>,
    /// Multiplier per column.
    pub scale: Array1<f64>,
    /// Offset per column.
    pub min: Array1<f64>,
}

impl MinMaxScaler {
    /// Default parameters (range 0..1).
    ///
    /// ```
    /// assert_eq!(segcore::cluster::scale::MinMaxScaler::params().feature_range, (0.0, 1.0));
    /// ```
    pub fn params() -> MinMaxScalerParams {
        MinMaxScalerParams::default()
    }
}

impl Transform for MinMaxScaler {
    fn transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_cols(&x, self.scale.len(), "x")?;
        let mut out = x.to_owned();
        for mut row in out.outer_iter_mut() {
            for j in 0..row.len() {
                row[j] = row[j] * self.scale[j] + self.min[j];
            }
        }
        Ok(out)
    }
    fn inverse_transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_cols(&x, self.scale.len(), "x")?;
        let mut out = x.to_owned();
        for mut row in out.outer_iter_mut() {
            for j in 0..row.len() {
                row[j] = (row[j] - self.min[j]) / self.scale[j];
            }
        }
        Ok(out)
    }
}

impl ModelKind for MinMaxScaler {
    const KIND: &'static str = "MinMaxScaler";
}

/// Parameters of [`Log1p`]: which columns (by position) to transform.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Log1pParams {
    /// Column positions to transform; empty means all columns.
    pub columns: Vec<usize>,
}

impl Log1pParams {
    /// Chooses columns by position.
    ///
    /// ```
    /// let p = segcore::cluster::scale::Log1p::params().columns(vec![0, 2]);
    /// assert_eq!(p.columns, vec![0, 2]);
    /// ```
    pub fn columns(mut self, columns: Vec<usize>) -> Self {
        self.columns = columns;
        self
    }
    /// Chooses columns by name; an unknown name is an error that names it.
    ///
    /// ```
    /// let names = vec!["frequency".to_string(), "monetary".to_string()];
    /// let p = segcore::cluster::scale::Log1p::params().names(&names, &["monetary"]).unwrap();
    /// assert_eq!(p.columns, vec![1]);
    /// ```
    pub fn names<S: AsRef<str>>(mut self, names: &[String], wanted: &[S]) -> Result<Self> {
        self.columns = column_positions(names, wanted)?;
        Ok(self)
    }
    /// Checks the columns against `x` (values must be > -1) and returns the transform.
    ///
    /// ```
    /// let x = ndarray::array![[0.0, 5.0]];
    /// let t = segcore::cluster::scale::Log1p::params().columns(vec![1]).fit(x.view()).unwrap();
    /// assert_eq!(t.columns, vec![1]);
    /// ```
    pub fn fit(&self, x: ArrayView2<f64>) -> Result<Log1p> {
        check_matrix(&x, "x")?;
        let d = x.ncols();
        let columns: Vec<usize> = if self.columns.is_empty() {
            (0..d).collect()
        } else {
            self.columns.clone()
        };
        if let Some(&c) = columns.iter().find(|&&c| c >= d) {
            return Err(SegError::param(
                "columns",
                format!("column {c} is out of range for {d} columns"),
            ));
        }
        let t = Log1p {
            n_features: d,
            columns,
        };
        t.transform(x)?;
        Ok(t)
    }
}

/// `ln(1 + x)` on chosen columns; other columns pass through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Log1p {
    /// Number of columns seen at fit.
    pub n_features: usize,
    /// Transformed columns.
    pub columns: Vec<usize>,
}

impl Log1p {
    /// Default parameters (all columns).
    ///
    /// ```
    /// assert!(segcore::cluster::scale::Log1p::params().columns.is_empty());
    /// ```
    pub fn params() -> Log1pParams {
        Log1pParams::default()
    }
}

impl Transform for Log1p {
    fn transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_cols(&x, self.n_features, "x")?;
        let mut out = x.to_owned();
        for (i, mut row) in out.outer_iter_mut().enumerate() {
            for &j in &self.columns {
                let v = row[j];
                if !v.is_finite() || v <= -1.0 {
                    return Err(SegError::invalid(
                        format!("x[:, {j}]"),
                        i,
                        format!("log1p needs a finite value > -1, got {v}"),
                    ));
                }
                row[j] = v.ln_1p();
            }
        }
        Ok(out)
    }
    fn inverse_transform(&self, x: ArrayView2<f64>) -> Result<Array2<f64>> {
        check_cols(&x, self.n_features, "x")?;
        let mut out = x.to_owned();
        for mut row in out.outer_iter_mut() {
            for &j in &self.columns {
                row[j] = row[j].exp_m1();
            }
        }
        Ok(out)
    }
}

impl ModelKind for Log1p {
    const KIND: &'static str = "Log1p";
}

fn column_positions<S: AsRef<str>>(names: &[String], wanted: &[S]) -> Result<Vec<usize>> {
    wanted
        .iter()
        .map(|w| {
            let w = w.as_ref();
            names.iter().position(|n| n == w).ok_or_else(|| {
                SegError::param(
                    "columns",
                    format!("unknown feature `{w}` (known: {})", names.join(", ")),
                )
            })
        })
        .collect()
}

/// Keeps the `wanted` columns of `x`, in the order asked; an unknown name is an error naming it.
///
/// ```
/// use segcore::cluster::scale::select_columns;
/// let names = vec!["recency".to_string(), "frequency".to_string()];
/// let x = ndarray::array![[1.0, 2.0], [3.0, 4.0]];
/// let (n, y) = select_columns(&names, x.view(), &["frequency"]).unwrap();
/// assert_eq!(n, vec!["frequency".to_string()]);
/// assert_eq!(y, ndarray::array![[2.0], [4.0]]);
/// assert!(select_columns(&names, x.view(), &["age"]).unwrap_err().to_string().contains("`age`"));
/// ```
pub fn select_columns<S: AsRef<str>>(
    names: &[String],
    x: ArrayView2<f64>,
    wanted: &[S],
) -> Result<(Vec<String>, Array2<f64>)> {
    if names.len() != x.ncols() {
        return Err(SegError::LengthMismatch {
            column: "names".into(),
            expected: x.ncols(),
            found: names.len(),
        });
    }
    let pos = column_positions(names, wanted)?;
    let out = x.select(Axis(1), &pos);
    Ok((pos.iter().map(|&p| names[p].clone()).collect(), out))
}
