//! Lloyd's algorithm: full assignment then weighted means, on fixed row chunks.

use crate::progress::Monitor;
use rayon::prelude::*;

use super::{Data, RunOut, relocate_empty};
use crate::cluster::util::{CHUNK, CentreBlocks};

/// Per-chunk sums: weighted coordinate sums, weights, label changes and inertia.
pub(crate) struct Acc {
    pub sums: Vec<f64>,
    pub wsum: Vec<f64>,
    pub changed: usize,
    pub inertia: f64,
}

impl Acc {
    pub(crate) fn new(k: usize, d: usize) -> Self {
        Acc {
            sums: vec![0.0; k * d],
            wsum: vec![0.0; k],
            changed: 0,
            inertia: 0.0,
        }
    }
    /// Adds `other` into `self` (called in chunk order).
    pub(crate) fn merge(&mut self, other: &Acc) {
        for (a, b) in self.sums.iter_mut().zip(&other.sums) {
            *a += b;
        }
        for (a, b) in self.wsum.iter_mut().zip(&other.wsum) {
            *a += b;
        }
        self.changed += other.changed;
        self.inertia += other.inertia;
    }
}

/// Merges per-chunk accumulators in chunk order.
pub(crate) fn merge_all(parts: &[Acc], k: usize, d: usize) -> Acc {
    let mut acc = Acc::new(k, d);
    for p in parts {
        acc.merge(p);
    }
    acc
}

/// Assigns every row to its nearest centre and accumulates the sums for the next centres.
pub(crate) fn assign_accumulate(
    data: &Data,
    centres: &[f64],
    k: usize,
    labels: &mut [usize],
) -> Acc {
    let d = data.d;
    let cb = CentreBlocks::new(centres, k, d);
    let parts: Vec<Acc> = labels
        .par_chunks_mut(CHUNK)
        .zip(data.x.par_chunks(CHUNK * d))
        .zip(data.w.par_chunks(CHUNK))
        .map(|((lab, xc), wc)| {
            let mut acc = Acc::new(k, d);
            for ((l, r), &wi) in lab.iter_mut().zip(xc.chunks_exact(d)).zip(wc) {
                let (j, dist) = cb.nearest(r);
                if *l != j {
                    acc.changed += 1;
                    *l = j;
                }
                acc.inertia += wi * dist;
                acc.wsum[j] += wi;
                for (s, v) in acc.sums[j * d..(j + 1) * d].iter_mut().zip(r) {
                    *s += wi * v;
                }
            }
            acc
        })
        .collect();
    merge_all(&parts, k, d)
}

/// Turns merged sums into new centres (re-seeding empty clusters) and returns the total squared
/// centre shift.
pub(crate) fn update_centres(
    data: &Data,
    acc: &mut Acc,
    labels: &[usize],
    old: &[f64],
    k: usize,
) -> (Vec<f64>, f64) {
    let d = data.d;
    relocate_empty(data, acc, labels, old, k);
    let mut new = vec![0.0; k * d];
    for j in 0..k {
        for t in 0..d {
            new[j * d + t] = if acc.wsum[j] > 0.0 {
                acc.sums[j * d + t] / acc.wsum[j]
            } else {
                old[j * d + t]
            };
        }
    }
    let shift: f64 = new.iter().zip(old).map(|(a, b)| (a - b) * (a - b)).sum();
    (new, shift)
}

/// Lloyd iterations from `init` (scikit-learn's loop: stop when labels do not change or when
/// the squared centre shift is at most `tol`).
/// Stops early (returning the current state) once `monitor` is cancelled; the caller checks it.
pub(crate) fn run(
    data: &Data,
    init: Vec<f64>,
    k: usize,
    max_iter: usize,
    tol: f64,
    monitor: &Monitor,
) -> RunOut {
    let mut centres = init;
    let mut labels = vec![usize::MAX; data.n];
    let mut n_iter = 0;
    let mut strict = false;
    for it in 0..max_iter {
        if monitor.step("kmeans", it as u64, max_iter as u64).is_err() {
            break;
        }
        let mut acc = assign_accumulate(data, &centres, k, &mut labels);
        let (new, shift) = update_centres(data, &mut acc, &labels, &centres, k);
        centres = new;
        n_iter = it + 1;
        // no label changed: the new centres equal the old ones and the labels are final
        strict = acc.changed == 0 && shift == 0.0;
        if acc.changed == 0 || shift <= tol {
            break;
        }
    }
    super::finish(data, centres, labels, strict, n_iter)
}
