//! Small shared helpers: input checks, squared distances, fixed row chunking.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, CowArray, Ix2};

use rayon::prelude::*;

use crate::{Result, SegError};

/// Rows per parallel chunk. Fixed (never derived from the thread count) so that per-chunk
/// partial sums, merged in chunk order, give the same floats on any number of threads.
pub(crate) const CHUNK: usize = 2048;

/// Checks that `x` has rows and columns.
pub(crate) fn check_not_empty(x: &ArrayView2<f64>, what: &str) -> Result<()> {
    if x.nrows() == 0 || x.ncols() == 0 {
        return Err(SegError::Empty {
            what: format!("{what} ({} x {})", x.nrows(), x.ncols()),
        });
    }
    Ok(())
}

/// Checks that `x` has rows and columns and only finite values.
///
/// A contiguous matrix is scanned in parallel first; the (sequential) row-by-row scan that
/// names the first bad cell only runs when that finds a non-finite value.
pub(crate) fn check_matrix(x: &ArrayView2<f64>, what: &str) -> Result<()> {
    check_not_empty(x, what)?;
    if let Some(s) = x.as_slice()
        && s.par_chunks(CHUNK * 8)
            .all(|c| c.iter().all(|v| v.is_finite()))
    {
        return Ok(());
    }
    for (i, row) in x.outer_iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if !v.is_finite() {
                return Err(SegError::invalid(
                    format!("{what}[:, {j}]"),
                    i,
                    format!("{v} is not a finite number"),
                ));
            }
        }
    }
    Ok(())
}

/// Returns `x` in standard (row-major, contiguous) layout, copying only if needed.
pub(crate) fn standard(x: ArrayView2<'_, f64>) -> CowArray<'_, f64, Ix2> {
    if x.is_standard_layout() {
        CowArray::from(x)
    } else {
        CowArray::from(x.as_standard_layout().into_owned())
    }
}

/// Flat row-major slice of a standard-layout array.
pub(crate) fn flat<'a>(x: &'a CowArray<'_, f64, Ix2>) -> Result<&'a [f64]> {
    x.as_slice().ok_or_else(|| SegError::Numerical {
        context: "matrix layout".into(),
        reason: "expected a contiguous matrix".into(),
    })
}

/// Validates optional sample weights: length `n`, finite, non-negative, positive total.
pub(crate) fn weights(w: Option<ArrayView1<f64>>, n: usize) -> Result<Array1<f64>> {
    match w {
        None => Ok(Array1::ones(n)),
        Some(w) => {
            if w.len() != n {
                return Err(SegError::LengthMismatch {
                    column: "sample_weight".into(),
                    expected: n,
                    found: w.len(),
                });
            }
            for (i, v) in w.iter().enumerate() {
                if !v.is_finite() || *v < 0.0 {
                    return Err(SegError::invalid(
                        "sample_weight",
                        i,
                        format!("{v} is not a finite non-negative weight"),
                    ));
                }
            }
            if w.sum() <= 0.0 {
                return Err(SegError::param("sample_weight", "weights sum to zero"));
            }
            Ok(w.to_owned())
        }
    }
}

/// Squared Euclidean distance of two equal-length slices.
#[inline]
pub(crate) fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for (x, y) in a.iter().zip(b) {
        let d = x - y;
        s += d * d;
    }
    s
}

/// Index and squared distance of the nearest centre (first index on ties).
#[inline]
pub(crate) fn nearest(row: &[f64], centres: &[f64], d: usize) -> (usize, f64) {
    let mut best = 0;
    let mut best_d = f64::INFINITY;
    for (j, c) in centres.chunks_exact(d).enumerate() {
        let dist = sq_dist(row, c);
        if dist < best_d {
            best_d = dist;
            best = j;
        }
    }
    (best, best_d)
}

/// Centres in blocks of [`LANES`] centres, coordinate-major inside a block, for
/// [`CentreBlocks::nearest`]: a row's squared distances to all the centres of a block are
/// computed together, lane by lane, which the compiler turns into SIMD arithmetic.
///
/// Each distance is summed over the coordinates in order from 0.0, exactly as [`sq_dist`]
/// does, and the nearest centre is the first one with the smallest distance, as in
/// [`nearest`]: the results are bit-identical to `nearest(row, centres, d)`.
pub(crate) struct CentreBlocks {
    k: usize,
    d: usize,
    /// `ceil(k / LANES) * d` lanes: block `b`, coordinate `t` is `blocks[b * d + t]`.
    blocks: Vec<Lanes>,
}

/// One coordinate of a block's centres, aligned so that SSE arithmetic can read it directly.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Lanes([f64; LANES]);

/// Centres per block of [`CentreBlocks`].
pub(crate) const LANES: usize = 8;

impl CentreBlocks {
    /// Lays out `k * d` row-major centres.
    pub(crate) fn new(centres: &[f64], k: usize, d: usize) -> Self {
        let mut cb = CentreBlocks {
            k,
            d,
            blocks: vec![Lanes([0.0; LANES]); k.div_ceil(LANES) * d],
        };
        cb.set(centres);
        cb
    }

    /// Replaces the centres (same `k` and `d`).
    pub(crate) fn set(&mut self, centres: &[f64]) {
        let d = self.d;
        for (j, c) in centres.chunks_exact(d).take(self.k).enumerate() {
            let (b, l) = (j / LANES, j % LANES);
            for (t, &v) in c.iter().enumerate() {
                self.blocks[b * d + t].0[l] = v;
            }
        }
    }

    /// Number of coordinates.
    pub(crate) fn dim(&self) -> usize {
        self.d
    }

    /// Index and squared distance of the nearest centre to `row` (first index on ties).
    #[inline]
    pub(crate) fn nearest(&self, row: &[f64]) -> (usize, f64) {
        let d = self.d;
        let mut best = 0;
        let mut best_d = f64::INFINITY;
        let mut base = 0;
        while base < self.k {
            let b = base / LANES;
            let mut acc = [0.0f64; LANES];
            for (&xv, c) in row.iter().zip(&self.blocks[b * d..(b + 1) * d]) {
                for (a, &cl) in acc.iter_mut().zip(&c.0) {
                    let e = xv - cl;
                    *a += e * e;
                }
            }
            // branch-free argmin of the block: NaN lanes (ignored by the `<` of a sequential
            // scan) and padding lanes become +inf, a min tree gives the smallest distance, and
            // the first lane holding it is the label; `if a < b { a } else { b }` is a single
            // SSE `min` instruction
            let lanes = (self.k - base).min(LANES);
            let mut v = [f64::INFINITY; LANES];
            for (vl, &a) in v.iter_mut().zip(&acc).take(lanes) {
                *vl = if a < f64::INFINITY { a } else { f64::INFINITY };
            }
            let mut width = LANES;
            while width > 1 {
                width /= 2;
                for l in 0..width {
                    let (a, b) = (v[l], v[l + width]);
                    v[l] = if a < b { a } else { b };
                }
            }
            let m = v[0];
            if m < best_d {
                let mut mask = 0u32;
                for (l, &a) in acc.iter().enumerate() {
                    mask |= u32::from(a == m) << l;
                }
                best_d = m;
                best = base + mask.trailing_zeros() as usize;
            }
            base += LANES;
        }
        (best, best_d)
    }
}

impl CentreBlocks {
    /// Nearest centre and the squared distances to the nearest and second-nearest centres,
    /// scanning the centres in order exactly as a sequential loop over [`sq_dist`] does.
    #[inline]
    pub(crate) fn two_nearest(&self, row: &[f64]) -> (usize, f64, f64) {
        let d = self.d;
        let mut best = 0;
        let mut b1 = f64::INFINITY;
        let mut b2 = f64::INFINITY;
        let mut base = 0;
        while base < self.k {
            let b = base / LANES;
            let mut acc = [0.0f64; LANES];
            for (&xv, c) in row.iter().zip(&self.blocks[b * d..(b + 1) * d]) {
                for (a, &cl) in acc.iter_mut().zip(&c.0) {
                    let e = xv - cl;
                    *a += e * e;
                }
            }
            let lanes = (self.k - base).min(LANES);
            for (l, &dist) in acc.iter().enumerate().take(lanes) {
                if dist < b1 {
                    b2 = b1;
                    b1 = dist;
                    best = base + l;
                } else if dist < b2 {
                    b2 = dist;
                }
            }
            base += LANES;
        }
        (best, b1, b2)
    }
}

/// Assigns every row of `x` (`n * d`, row-major) to its nearest centre, writing `labels`,
/// and returns the weighted inertia (`w` = `None`: unit weights). Runs on fixed row chunks
/// whose partial sums are added in chunk order, so the result does not depend on the number
/// of threads; the floats equal those of a sequential loop over [`nearest`] per chunk.
pub(crate) fn assign_all(
    x: &[f64],
    w: Option<&[f64]>,
    cb: &CentreBlocks,
    labels: &mut [usize],
) -> f64 {
    let d = cb.d;
    let parts: Vec<f64> = labels
        .par_chunks_mut(CHUNK)
        .zip(x.par_chunks(CHUNK * d))
        .enumerate()
        .map(|(c, (lab, xc))| {
            let mut s = 0.0;
            match w {
                None => {
                    for (l, r) in lab.iter_mut().zip(xc.chunks_exact(d)) {
                        let (j, dist) = cb.nearest(r);
                        *l = j;
                        s += dist;
                    }
                }
                Some(w) => {
                    let wc = &w[c * CHUNK..(c * CHUNK + lab.len()).min(w.len())];
                    for ((l, r), wi) in lab.iter_mut().zip(xc.chunks_exact(d)).zip(wc) {
                        let (j, dist) = cb.nearest(r);
                        *l = j;
                        s += wi * dist;
                    }
                }
            }
            s
        })
        .collect();
    parts.iter().sum()
}

/// Checks that `x` has `d` columns.
pub(crate) fn check_cols(x: &ArrayView2<f64>, d: usize, what: &str) -> Result<()> {
    if x.ncols() != d {
        return Err(SegError::shape(format!(
            "{what} has {} columns, the model was fitted on {d}",
            x.ncols()
        )));
    }
    Ok(())
}

/// Per-feature population variance (ddof = 0), as numpy's `var(axis=0)`.
pub(crate) fn column_variances(x: &ArrayView2<f64>) -> Array1<f64> {
    let n = x.nrows() as f64;
    let mean = x.sum_axis(ndarray::Axis(0)) / n;
    let d = x.ncols();
    let mut var = Array1::zeros(d);
    if let (Some(xs), Some(m), Some(v)) = (x.as_slice(), mean.as_slice(), var.as_slice_mut()) {
        // same additions in the same order as below, without per-element indexing
        for row in xs.chunks_exact(d) {
            for ((vj, &xj), &mj) in v.iter_mut().zip(row).zip(m) {
                let dlt = xj - mj;
                *vj += dlt * dlt;
            }
        }
        return var / n;
    }
    for row in x.outer_iter() {
        for j in 0..d {
            let dlt = row[j] - mean[j];
            var[j] += dlt * dlt;
        }
    }
    var / n
}

/// Converts a row-major flat vector to an `Array2`.
pub(crate) fn to_array2(v: Vec<f64>, rows: usize, cols: usize) -> Result<Array2<f64>> {
    Array2::from_shape_vec((rows, cols), v).map_err(|e| SegError::shape(e.to_string()))
}

/// Linear-interpolated quantile of sorted data (numpy's default `linear` method).
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let v = (n - 1) as f64 * q;
    let lo = v.floor();
    let g = v - lo;
    let lo = (lo as usize).min(n - 1);
    let hi = (lo + 1).min(n - 1);
    lerp(sorted[lo], sorted[hi], g)
}

/// numpy's `_lerp`: `a + (b-a) t`, computed from `b` when `t >= 0.5`.
#[inline]
pub(crate) fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}
