//! Quantile binning of features into at most 255 bins plus one bin for missing values
//! (scikit-learn's `_BinMapper`).
//!
//! For a feature with at most `max_bins` distinct non-missing values the thresholds are the
//! midpoints between consecutive distinct values; otherwise they are the `max_bins - 1`
//! inner percentiles (numpy's `midpoint` method) of a seeded subsample of at most 200,000
//! rows. A value `v` falls in bin `#{thresholds < v}`, so `bin(v) <= b` exactly when
//! `v <= thresholds[b]` — which is what lets fitted trees split on raw values. NaN goes to
//! bin [`MISSING_BIN`].

use ndarray::ArrayView2;
use rand::SeedableRng;
use rand::seq::index;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Bin index of missing values.
pub(crate) const MISSING_BIN: u8 = 255;
/// Rows used to find the thresholds (as scikit-learn's `subsample=2e5`).
const SUBSAMPLE: usize = 200_000;

/// Bin thresholds per feature.
#[derive(Debug, Clone)]
pub(crate) struct BinMapper {
    /// Sorted thresholds of each feature (`len + 1` non-missing bins).
    pub thresholds: Vec<Vec<f64>>,
}

/// Binned training data, feature-major: `bins[f * n + i]`.
pub(crate) struct Binned {
    pub n: usize,
    pub bins: Vec<u8>,
    /// Whether each feature had missing values in the binned rows.
    pub has_missing: Vec<bool>,
}

impl Binned {
    /// The bins of feature `f`.
    pub fn col(&self, f: usize) -> &[u8] {
        &self.bins[f * self.n..(f + 1) * self.n]
    }
}

fn percentile_midpoint(sorted: &[f64], q: f64) -> f64 {
    let idx = q * (sorted.len() - 1) as f64;
    let lo = idx.floor();
    let i = lo as usize;
    if idx == lo || i + 1 >= sorted.len() {
        sorted[i.min(sorted.len() - 1)]
    } else {
        0.5 * (sorted[i] + sorted[i + 1])
    }
}

fn thresholds_of(mut col: Vec<f64>, max_bins: usize) -> Vec<f64> {
    col.retain(|v| !v.is_nan());
    if col.is_empty() {
        return Vec::new();
    }
    col.sort_by(f64::total_cmp);
    let mut distinct = col.clone();
    distinct.dedup();
    if distinct.len() <= max_bins {
        distinct.windows(2).map(|w| 0.5 * (w[0] + w[1])).collect()
    } else {
        (1..max_bins)
            .map(|k| percentile_midpoint(&col, k as f64 / max_bins as f64))
            .collect()
    }
}

impl BinMapper {
    /// Finds the thresholds of every column (`max_bins` in 2..=255).
    pub fn fit(x: ArrayView2<f64>, max_bins: usize, seed: u64) -> BinMapper {
        let n = x.nrows();
        let rows: Option<Vec<usize>> = (n > SUBSAMPLE).then(|| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut r = index::sample(&mut rng, n, SUBSAMPLE).into_vec();
            r.sort_unstable();
            r
        });
        let thresholds = (0..x.ncols())
            .into_par_iter()
            .map(|f| {
                let col = x.column(f);
                let vals: Vec<f64> = match &rows {
                    Some(r) => r.iter().map(|&i| col[i]).collect(),
                    None => col.to_vec(),
                };
                thresholds_of(vals, max_bins)
            })
            .collect();
        BinMapper { thresholds }
    }

    /// Bins `x` (feature-major).
    pub fn transform(&self, x: ArrayView2<f64>) -> Binned {
        let n = x.nrows();
        let d = x.ncols();
        let mut bins = vec![0u8; n * d];
        let has_missing = bins
            .par_chunks_mut(n.max(1))
            .enumerate()
            .map(|(f, out)| {
                let t = &self.thresholds[f];
                let mut missing = false;
                for (o, v) in out.iter_mut().zip(x.column(f).iter()) {
                    *o = if v.is_nan() {
                        missing = true;
                        MISSING_BIN
                    } else {
                        t.partition_point(|th| th < v) as u8
                    };
                }
                missing
            })
            .collect();
        Binned {
            n,
            bins,
            has_missing,
        }
    }

    /// Number of non-missing bins of feature `f`.
    pub fn n_bins_non_missing(&self, f: usize) -> usize {
        self.thresholds[f].len() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn few_values_get_midpoints_and_nan_the_missing_bin() {
        let x = array![[1.0], [2.0], [2.0], [4.0], [f64::NAN]];
        let m = BinMapper::fit(x.view(), 255, 0);
        assert_eq!(m.thresholds[0], vec![1.5, 3.0]);
        let b = m.transform(x.view());
        assert_eq!(b.col(0), &[0, 1, 1, 2, MISSING_BIN]);
        assert!(b.has_missing[0]);
    }

    #[test]
    fn many_values_get_percentiles() {
        let v: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let t = thresholds_of(v, 10);
        assert_eq!(t.len(), 9);
        // 10th percentile of 0..999 by numpy's midpoint method: index 99.9 -> (99 + 100) / 2
        assert_eq!(t[0], 99.5);
    }
}
