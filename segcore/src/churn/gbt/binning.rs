//! Quantile binning of features into at most 255 bins plus one bin for missing values
//! (scikit-learn's `_BinMapper`).
//!
//! For a feature with at most `max_bins` distinct non-missing values the thresholds are the
//! midpoints between consecutive distinct values; otherwise they are the `max_bins - 1`
//! inner percentiles (numpy's `midpoint` method) of a seeded subsample of at most 200,000
//! rows. A value `v` falls in bin `#{thresholds < v}`, so `bin(v) <= b` exactly when
//! `v <= thresholds[b]` — which is what lets fitted trees split on raw values. NaN goes to
//! bin [`MISSING_BIN`].

use ndarray::{ArrayView2, Axis};
use rand::SeedableRng;
use rand::seq::index;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Bin index of missing values.
pub(crate) const MISSING_BIN: u8 = 255;
/// Rows per chunk when binning.
const ROW_CHUNK: usize = 4096;
/// Rows used to find the thresholds (as scikit-learn's `subsample=2e5`).
const SUBSAMPLE: usize = 200_000;

/// Bin thresholds per feature.
#[derive(Debug, Clone)]
pub(crate) struct BinMapper {
    /// Sorted thresholds of each feature (`len + 1` non-missing bins).
    pub thresholds: Vec<Vec<f64>>,
}

/// Binned training data, stored twice: feature-major (`bins[f * n + i]`, for partitioning
/// a node on one feature) and as one fixed-size record per row (`stride` bytes: the row's
/// `d` bins, then its current gradient pair quantised and packed into one histogram lane,
/// see [`super::histogram::lane`], as a little-endian `u64` in the last 8 bytes), so that
/// building a node's histograms touches one cache line per row.
pub(crate) struct Binned {
    pub n: usize,
    pub d: usize,
    pub bins: Vec<u8>,
    /// Bytes per row record (16, 32 or 64 when the bins fit, so records never straddle a
    /// cache line; `d + 8` rounded up to 8 otherwise).
    pub stride: usize,
    recs: Vec<u8>,
    /// Start of the records in `recs` (a 64-byte boundary).
    off: usize,
    /// Whether each feature had missing values in the binned rows.
    pub has_missing: Vec<bool>,
}

impl Binned {
    /// The bins of feature `f`.
    pub fn col(&self, f: usize) -> &[u8] {
        &self.bins[f * self.n..(f + 1) * self.n]
    }

    /// The row records (`n * stride` bytes).
    pub fn records(&self) -> &[u8] {
        &self.recs[self.off..self.off + self.n * self.stride]
    }

    /// The row records, to write gradients into.
    pub fn records_mut(&mut self) -> &mut [u8] {
        &mut self.recs[self.off..self.off + self.n * self.stride]
    }
}

/// Record size for `d` features (bins + 8 bytes of gradient pair).
pub(crate) fn record_stride(d: usize) -> usize {
    match d + 8 {
        0..=16 => 16,
        17..=32 => 32,
        33..=64 => 64,
        s => s.div_ceil(8) * 8,
    }
}

/// Writes a row's packed gradient lane into the last 8 bytes of a record.
#[inline(always)]
pub(crate) fn put_lane(rec: &mut [u8], lane: u64) {
    let s = rec.len();
    rec[s - 8..s].copy_from_slice(&lane.to_le_bytes());
}

/// Reads the packed gradient lane of a record.
#[inline(always)]
pub(crate) fn get_lane(rec: &[u8]) -> u64 {
    let s = rec.len();
    let mut w = [0u8; 8];
    w.copy_from_slice(&rec[s - 8..s]);
    u64::from_le_bytes(w)
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
    col.sort_unstable_by(f64::total_cmp);
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
        // feature-major copy of the (sub)sampled rows, read row by row
        let sample = match &rows {
            Some(r) => x.select(Axis(0), r),
            None => x.to_owned(),
        };
        let by_feature = sample.reversed_axes().as_standard_layout().into_owned();
        let thresholds = by_feature
            .outer_iter()
            .into_par_iter()
            .map(|col| thresholds_of(col.to_vec(), max_bins))
            .collect();
        BinMapper { thresholds }
    }

    /// Bins `x` (row records, then the feature-major copy).
    pub fn transform(&self, x: ArrayView2<f64>) -> Binned {
        let n = x.nrows();
        let d = x.ncols();
        let stride = record_stride(d);
        let mut recs = vec![0u8; n * stride + 64];
        let off = (64 - recs.as_ptr() as usize % 64) % 64;
        recs[off..off + n * stride]
            .par_chunks_mut(stride * ROW_CHUNK)
            .enumerate()
            .for_each(|(c, out)| {
                for (k, rec) in out.chunks_exact_mut(stride).enumerate() {
                    let row = x.row(c * ROW_CHUNK + k);
                    for ((r, v), t) in rec.iter_mut().zip(row.iter()).zip(&self.thresholds) {
                        *r = if v.is_nan() {
                            MISSING_BIN
                        } else {
                            t.partition_point(|th| th < v) as u8
                        };
                    }
                }
            });
        let mut bins = vec![0u8; n * d];
        let records = &recs[off..off + n * stride];
        let has_missing = bins
            .par_chunks_mut(n.max(1))
            .enumerate()
            .map(|(f, col)| {
                let mut missing = false;
                for (o, rec) in col.iter_mut().zip(records.chunks_exact(stride)) {
                    *o = rec[f];
                    missing |= rec[f] == MISSING_BIN;
                }
                missing
            })
            .collect();
        Binned {
            n,
            d,
            bins,
            stride,
            recs,
            off,
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
    fn records_hold_the_bins_and_the_gradient_pair() {
        assert_eq!(
            (
                record_stride(1),
                record_stride(8),
                record_stride(20),
                record_stride(24)
            ),
            (16, 16, 32, 32)
        );
        assert_eq!((record_stride(56), record_stride(57)), (64, 72));
        let x = ndarray::Array2::from_shape_fn((7, 11), |(i, j)| (i * 3 + j * 5) as f64 % 11.0);
        let m = BinMapper::fit(x.view(), 255, 0);
        let mut b = m.transform(x.view());
        assert_eq!(b.stride, 32);
        assert_eq!(b.records().as_ptr() as usize % 64, 0);
        for (i, rec) in b.records_mut().chunks_exact_mut(32).enumerate() {
            put_lane(rec, (i as u64) << 40 | 3);
        }
        let b = b;
        for (i, rec) in b.records().chunks_exact(32).enumerate() {
            for (f, &r) in rec[..11].iter().enumerate() {
                assert_eq!(r, b.col(f)[i], "row {i} feature {f}");
            }
            assert_eq!(get_lane(rec), (i as u64) << 40 | 3);
        }
    }
}
