//! Cluster quality: silhouette, Davies–Bouldin and Calinski–Harabasz, as scikit-learn defines
//! them.
//!
//! Labels may be any `usize` values; they are renumbered densely in increasing order. The
//! silhouette is exact over all rows, or over a uniform sample of `sample_size` rows (drawn
//! without replacement from a seeded ChaCha8 stream) as scikit-learn's `sample_size` does: the
//! score is then the silhouette of the sample alone. It runs in parallel over fixed row chunks
//! with O(n) memory (each row keeps only `k` running sums), and is O(m² d) for m scored rows.
//!
//! ```
//! use segcore::cluster::quality::{calinski_harabasz_score, davies_bouldin_score, silhouette_score};
//! let x = ndarray::array![[0.0], [1.0], [10.0], [11.0]];
//! let labels = [0, 0, 1, 1];
//! let s = silhouette_score(x.view(), &labels, None, 0).unwrap();
//! assert!((s - (1.0 - 1.0 / 10.0 * 0.5 - 1.0 / 10.0 * 0.5 + 0.0)).abs() < 0.01);
//! assert!(davies_bouldin_score(x.view(), &labels).unwrap() < 0.2);
//! assert!(calinski_harabasz_score(x.view(), &labels).unwrap() > 100.0);
//! ```

use ndarray::{Array1, ArrayView2};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::util::{check_matrix, flat, sq_dist, standard};
use crate::{Result, SegError};

/// Dense 0-based relabelling (sorted distinct labels) and the number of clusters.
fn dense_labels(labels: &[usize], n: usize) -> Result<(Vec<usize>, usize)> {
    if labels.len() != n {
        return Err(SegError::LengthMismatch {
            column: "labels".into(),
            expected: n,
            found: labels.len(),
        });
    }
    let mut uniq: Vec<usize> = labels.to_vec();
    uniq.sort_unstable();
    uniq.dedup();
    let dense = labels
        .iter()
        .map(|l| uniq.binary_search(l).unwrap_or(0))
        .collect();
    Ok((dense, uniq.len()))
}

fn check_n_labels(k: usize, n: usize) -> Result<()> {
    if k < 2 || k > n.saturating_sub(1) {
        return Err(SegError::param(
            "labels",
            format!("need 2 <= number of clusters <= n - 1, got {k} clusters for {n} rows"),
        ));
    }
    Ok(())
}

/// Silhouette of each row: `(b - a) / max(a, b)`, 0 for rows alone in their cluster.
///
/// ```
/// let x = ndarray::array![[0.0], [2.0], [10.0]];
/// let s = segcore::cluster::quality::silhouette_samples(x.view(), &[0, 0, 1]).unwrap();
/// assert_eq!(s[2], 0.0);
/// assert!((s[0] - (10.0 - 2.0) / 10.0).abs() < 1e-12);
/// ```
pub fn silhouette_samples(x: ArrayView2<f64>, labels: &[usize]) -> Result<Array1<f64>> {
    check_matrix(&x, "x")?;
    let n = x.nrows();
    let (lab, k) = dense_labels(labels, n)?;
    check_n_labels(k, n)?;
    let xs = standard(x);
    Ok(Array1::from(silhouette_rows(
        flat(&xs)?,
        x.ncols(),
        &lab,
        k,
    )))
}

/// Sum of a slice in a fixed order with four interleaved accumulators (vectorises; the same
/// floats on every run).
fn sum4(v: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let chunks = v.chunks_exact(4);
    let rest = chunks.remainder();
    for c in chunks {
        acc[0] += c[0];
        acc[1] += c[1];
        acc[2] += c[2];
        acc[3] += c[3];
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for r in rest {
        s += r;
    }
    s
}

/// Per-row silhouettes. The rows are copied once into feature-major columns, grouped by
/// cluster, so each row's distances to all rows are computed in vectorisable loops and each
/// cluster's distance sum is a contiguous sum. Memory: O(n d) plus O(n) per worker.
fn silhouette_rows(x: &[f64], d: usize, lab: &[usize], k: usize) -> Vec<f64> {
    let m = lab.len();
    let mut counts = vec![0usize; k];
    for &l in lab {
        counts[l] += 1;
    }
    let mut start = vec![0usize; k + 1];
    for c in 0..k {
        start[c + 1] = start[c] + counts[c];
    }
    // feature-major copy, rows grouped by cluster (stable within a cluster)
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by_key(|&i| lab[i]);
    let cols: Vec<Vec<f64>> = (0..d)
        .map(|t| order.iter().map(|&i| x[i * d + t]).collect())
        .collect();
    // rows are independent: small fixed chunks balance the threads
    const ROWS: usize = 64;
    let rows: Vec<Vec<f64>> = x
        .par_chunks(ROWS * d)
        .zip(lab.par_chunks(ROWS))
        .map(|(xc, lc)| {
            let mut buf = vec![0.0; m];
            let mut sums = vec![0.0; k];
            xc.chunks_exact(d)
                .zip(lc)
                .map(|(r, &li)| {
                    buf.iter_mut().for_each(|b| *b = 0.0);
                    for (t, col) in cols.iter().enumerate() {
                        let v = r[t];
                        for (b, c) in buf.iter_mut().zip(col) {
                            let dlt = v - c;
                            *b += dlt * dlt;
                        }
                    }
                    buf.iter_mut().for_each(|b| *b = b.sqrt());
                    for c in 0..k {
                        sums[c] = sum4(&buf[start[c]..start[c + 1]]);
                    }
                    if counts[li] <= 1 {
                        return 0.0;
                    }
                    let a = sums[li] / (counts[li] - 1) as f64;
                    let b = (0..k)
                        .filter(|&c| c != li && counts[c] > 0)
                        .map(|c| sums[c] / counts[c] as f64)
                        .fold(f64::INFINITY, f64::min);
                    let mx = a.max(b);
                    if mx > 0.0 { (b - a) / mx } else { 0.0 }
                })
                .collect()
        })
        .collect();
    rows.into_iter().flatten().collect()
}

/// Mean silhouette; over all rows, or over a seeded sample of `sample_size` rows.
///
/// ```
/// let x = ndarray::array![[0.0], [1.0], [10.0], [11.0], [20.0], [21.0]];
/// let l = [0, 0, 1, 1, 2, 2];
/// let full = segcore::cluster::quality::silhouette_score(x.view(), &l, None, 0).unwrap();
/// let all = segcore::cluster::quality::silhouette_score(x.view(), &l, Some(6), 0).unwrap();
/// assert!((full - all).abs() < 1e-12);
/// ```
pub fn silhouette_score(
    x: ArrayView2<f64>,
    labels: &[usize],
    sample_size: Option<usize>,
    seed: u64,
) -> Result<f64> {
    check_matrix(&x, "x")?;
    let (n, d) = x.dim();
    let (lab, _) = dense_labels(labels, n)?;
    let xs = standard(x);
    let xf = flat(&xs)?;
    let (sx, sl): (Vec<f64>, Vec<usize>) = match sample_size {
        Some(m) if m < n => {
            if m < 3 {
                return Err(SegError::param("sample_size", "must be at least 3"));
            }
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut idx: Vec<usize> = (0..n).collect();
            for i in 0..m {
                let j = rng.random_range(i..n);
                idx.swap(i, j);
            }
            idx.truncate(m);
            let mut sx = Vec::with_capacity(m * d);
            for &i in &idx {
                sx.extend_from_slice(&xf[i * d..(i + 1) * d]);
            }
            (sx, idx.iter().map(|&i| lab[i]).collect())
        }
        _ => (xf.to_vec(), lab.clone()),
    };
    let (sl, k) = dense_labels(&sl, sl.len())?;
    check_n_labels(k, sl.len())?;
    let s = silhouette_rows(&sx, d, &sl, k);
    Ok(s.iter().sum::<f64>() / s.len() as f64)
}

/// Per-cluster means (dense labels) and counts.
fn centroids(x: &ArrayView2<f64>, lab: &[usize], k: usize) -> (Vec<Vec<f64>>, Vec<usize>) {
    let d = x.ncols();
    let mut c = vec![vec![0.0; d]; k];
    let mut cnt = vec![0usize; k];
    for (row, &l) in x.outer_iter().zip(lab) {
        cnt[l] += 1;
        for (s, v) in c[l].iter_mut().zip(row.iter()) {
            *s += v;
        }
    }
    for (cj, &m) in c.iter_mut().zip(&cnt) {
        cj.iter_mut().for_each(|v| *v /= m as f64);
    }
    (c, cnt)
}

/// Davies–Bouldin index (lower is better): mean over clusters of the worst ratio
/// `(s_i + s_j) / d(c_i, c_j)`, `s` = mean distance to the centroid.
///
/// ```
/// let x = ndarray::array![[0.0], [2.0], [10.0], [12.0]];
/// let db = segcore::cluster::quality::davies_bouldin_score(x.view(), &[0, 0, 1, 1]).unwrap();
/// assert!((db - 0.2).abs() < 1e-12);
/// ```
pub fn davies_bouldin_score(x: ArrayView2<f64>, labels: &[usize]) -> Result<f64> {
    check_matrix(&x, "x")?;
    let n = x.nrows();
    let (lab, k) = dense_labels(labels, n)?;
    check_n_labels(k, n)?;
    let (c, cnt) = centroids(&x, &lab, k);
    let mut intra = vec![0.0; k];
    for (row, &l) in x.outer_iter().zip(&lab) {
        let r: Vec<f64> = row.to_vec();
        intra[l] += sq_dist(&r, &c[l]).sqrt();
    }
    for (s, &m) in intra.iter_mut().zip(&cnt) {
        *s /= m as f64;
    }
    let cd = |a: usize, b: usize| sq_dist(&c[a], &c[b]).sqrt();
    let all_intra_zero = intra.iter().all(|&v| v.abs() < 1e-300);
    let all_cd_zero = (0..k).all(|a| (0..k).all(|b| cd(a, b) == 0.0));
    if all_intra_zero || all_cd_zero {
        return Ok(0.0);
    }
    let mut total = 0.0;
    for a in 0..k {
        let mut worst = f64::NEG_INFINITY;
        for b in 0..k {
            if a == b {
                continue;
            }
            let dist = cd(a, b);
            let v = if dist == 0.0 {
                0.0
            } else {
                (intra[a] + intra[b]) / dist
            };
            worst = worst.max(v);
        }
        total += worst;
    }
    Ok(total / k as f64)
}

/// Calinski–Harabasz index (higher is better): between- over within-cluster dispersion, each
/// divided by its degrees of freedom; 1 when the within dispersion is 0.
///
/// ```
/// let x = ndarray::array![[0.0], [2.0], [10.0], [12.0]];
/// let ch = segcore::cluster::quality::calinski_harabasz_score(x.view(), &[0, 0, 1, 1]).unwrap();
/// assert!((ch - 100.0 * 2.0 / 4.0).abs() < 1e-9);
/// ```
pub fn calinski_harabasz_score(x: ArrayView2<f64>, labels: &[usize]) -> Result<f64> {
    check_matrix(&x, "x")?;
    let n = x.nrows();
    let (lab, k) = dense_labels(labels, n)?;
    check_n_labels(k, n)?;
    let (c, cnt) = centroids(&x, &lab, k);
    let mean: Vec<f64> = (x.sum_axis(ndarray::Axis(0)) / n as f64).to_vec();
    let mut extra = 0.0;
    for (cj, &m) in c.iter().zip(&cnt) {
        extra += m as f64 * sq_dist(cj, &mean);
    }
    let mut intra = 0.0;
    for (row, &l) in x.outer_iter().zip(&lab) {
        let r: Vec<f64> = row.to_vec();
        intra += sq_dist(&r, &c[l]);
    }
    if intra == 0.0 {
        return Ok(1.0);
    }
    Ok(extra * (n - k) as f64 / (intra * (k - 1) as f64))
}
