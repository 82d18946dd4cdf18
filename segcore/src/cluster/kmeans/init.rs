//! Greedy k-means++ seeding with scikit-learn's semantics.
//!
//! The first centre is drawn with probability proportional to the sample weight. Each next
//! centre: draw `2 + floor(ln k)` candidates with probability proportional to
//! `weight * D(x)^2` (D = distance to the closest centre so far) and keep the candidate whose
//! addition gives the smallest potential `sum weight * min(D^2, d(x, candidate)^2)`.
//! All passes over the data run on fixed row chunks merged in chunk order.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::Data;
use crate::cluster::util::{CHUNK, sq_dist};

/// Index of the first position whose running sum reaches `target` (numpy `searchsorted`, left),
/// clipped to the last index.
fn search_cumsum(chunk_sums: &[f64], vals: &[f64], w: &[f64], target: f64) -> usize {
    let n = vals.len();
    let mut acc = 0.0;
    for (c, s) in chunk_sums.iter().enumerate() {
        if acc + s >= target {
            let start = c * CHUNK;
            let end = (start + CHUNK).min(n);
            for i in start..end {
                acc += w[i] * vals[i];
                if acc >= target {
                    return i;
                }
            }
            // rounding differences between the chunk sum and the running sum
            return end - 1;
        }
        acc += s;
    }
    n - 1
}

/// Squared distances of `row` to the candidates laid out by groups of 4 in `lanes` (group
/// `g`, coordinate `u` at `lanes[g * d + u]`), written to `out`; each is summed over the
/// coordinates in order from 0.0, so it equals `sq_dist(row, candidate)` bit for bit, and the
/// 4 lanes of a group are independent chains the compiler keeps in SIMD registers.
#[inline]
fn cand_distances(row: &[f64], lanes: &[[f64; 4]], d: usize, out: &mut [f64]) {
    for (g, o) in out.chunks_mut(4).enumerate() {
        let mut acc = [0.0f64; 4];
        for (&xv, c) in row.iter().zip(&lanes[g * d..(g + 1) * d]) {
            for (a, &cl) in acc.iter_mut().zip(c) {
                let e = xv - cl;
                *a += e * e;
            }
        }
        o.copy_from_slice(&acc[..o.len()]);
    }
}

/// Runs greedy k-means++ and returns `k * d` centres (row-major).
pub(crate) fn kmeans_plus_plus(data: &Data, k: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let (n, d, x, w) = (data.n, data.d, data.x, data.w);
    let mut centres = Vec::with_capacity(k * d);
    let total_w: f64 = w.iter().sum();
    let first = {
        let target = rng.random::<f64>() * total_w;
        let mut acc = 0.0;
        let mut idx = n - 1;
        for (i, wi) in w.iter().enumerate() {
            acc += wi;
            if acc > target {
                idx = i;
                break;
            }
        }
        idx
    };
    centres.extend_from_slice(&x[first * d..(first + 1) * d]);
    let c0 = centres.clone();
    let mut closest = vec![f64::INFINITY; n];
    // distances to the newest centre, folded into `closest`, and the per-chunk potentials
    let update = |closest: &mut [f64], cand: &[f64]| -> Vec<f64> {
        closest
            .par_chunks_mut(CHUNK)
            .zip(x.par_chunks(CHUNK * d))
            .zip(w.par_chunks(CHUNK))
            .map(|((cc, xc), wc)| {
                let mut s = 0.0;
                for ((cl, r), wi) in cc.iter_mut().zip(xc.chunks_exact(d)).zip(wc) {
                    let dist = sq_dist(r, cand);
                    if dist < *cl {
                        *cl = dist;
                    }
                    s += wi * *cl;
                }
                s
            })
            .collect()
    };
    let mut chunk_sums = update(&mut closest, &c0);
    let n_trials = 2 + (k as f64).ln().floor() as usize;
    // min(closest, distance to candidate t) of row i at `trial[i * n_trials + t]`: the chosen
    // candidate's column becomes the new `closest` without another pass over the data
    let mut trial = vec![0.0; n * n_trials];
    let mut cand_lanes = vec![[0.0f64; 4]; n_trials.div_ceil(4) * d];
    for _ in 1..k {
        let pot: f64 = chunk_sums.iter().sum();
        let cands: Vec<usize> = (0..n_trials)
            .map(|_| {
                let target = rng.random::<f64>() * pot;
                search_cumsum(&chunk_sums, &closest, w, target)
            })
            .collect();
        // candidates in groups of 4, coordinate-major inside a group (padding lanes hold 0.0)
        cand_lanes.fill([0.0; 4]);
        for (t, &ci) in cands.iter().enumerate() {
            for (u, &v) in x[ci * d..(ci + 1) * d].iter().enumerate() {
                cand_lanes[(t / 4) * d + u][t % 4] = v;
            }
        }
        let parts: Vec<Vec<f64>> = trial
            .par_chunks_mut(CHUNK * n_trials)
            .zip(x.par_chunks(CHUNK * d))
            .zip(closest.par_chunks(CHUNK))
            .zip(w.par_chunks(CHUNK))
            .map(|(((tc, xc), cc), wc)| {
                let mut pots = vec![0.0; n_trials];
                for (((tr, r), &cl), &wi) in tc
                    .chunks_exact_mut(n_trials)
                    .zip(xc.chunks_exact(d))
                    .zip(cc)
                    .zip(wc)
                {
                    cand_distances(r, &cand_lanes, d, tr);
                    for (p, v) in pots.iter_mut().zip(tr.iter_mut()) {
                        *v = cl.min(*v);
                        *p += wi * *v;
                    }
                }
                pots
            })
            .collect();
        let mut pots = vec![0.0; n_trials];
        for p in &parts {
            for (a, b) in pots.iter_mut().zip(p) {
                *a += b;
            }
        }
        let mut best = 0;
        for t in 1..n_trials {
            if pots[t] < pots[best] {
                best = t;
            }
        }
        closest
            .par_chunks_mut(CHUNK)
            .zip(trial.par_chunks(CHUNK * n_trials))
            .for_each(|(cc, tc)| {
                for (cl, tr) in cc.iter_mut().zip(tc.chunks_exact(n_trials)) {
                    *cl = tr[best];
                }
            });
        chunk_sums = parts.iter().map(|p| p[best]).collect();
        let bi = cands[best];
        centres.extend_from_slice(&x[bi * d..(bi + 1) * d]);
    }
    centres
}
