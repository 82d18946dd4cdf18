//! Hamerly's bound-based k-means: same iterates as Lloyd, most distance computations skipped.
//!
//! Each row keeps an upper bound on the distance to its centre and a lower bound on the
//! distance to any other centre; a row is rescanned only when the bounds cannot rule out a
//! change of label (Hamerly 2010, "Making k-means even faster").

use crate::progress::Monitor;
use rayon::prelude::*;

use super::lloyd::{Acc, merge_all, update_centres};
use super::{Data, RunOut};
use crate::cluster::util::{CHUNK, CentreBlocks, sq_dist};

/// Hamerly iterations from `init`; the stopping rule is Lloyd's.
/// Stops early (returning the current state) once `monitor` is cancelled; the caller checks it.
pub(crate) fn run(
    data: &Data,
    init: Vec<f64>,
    k: usize,
    max_iter: usize,
    tol: f64,
    monitor: &Monitor,
) -> RunOut {
    let (n, d) = (data.n, data.d);
    let mut centres = init;
    let mut labels = vec![usize::MAX; n];
    let mut upper = vec![f64::INFINITY; n];
    let mut lower = vec![0.0f64; n];
    let mut n_iter = 0;
    let mut strict = false;
    for it in 0..max_iter {
        if monitor.step("kmeans", it as u64, max_iter as u64).is_err() {
            break;
        }
        // half the distance from each centre to its nearest other centre
        let mut s = vec![f64::INFINITY; k];
        for a in 0..k {
            for b in 0..k {
                if a != b {
                    let dd = sq_dist(&centres[a * d..(a + 1) * d], &centres[b * d..(b + 1) * d]);
                    s[a] = s[a].min(0.5 * dd.sqrt());
                }
            }
        }
        let first = it == 0;
        let cref = &centres;
        let cb = CentreBlocks::new(&centres, k, d);
        let parts: Vec<Acc> = (
            labels.par_chunks_mut(CHUNK),
            upper.par_chunks_mut(CHUNK),
            lower.par_chunks_mut(CHUNK),
            data.x.par_chunks(CHUNK * d),
            data.w.par_chunks(CHUNK),
        )
            .into_par_iter()
            .map(|(lab, up, lo, xc, wc)| {
                let mut acc = Acc::new(k, d);
                for i in 0..lab.len() {
                    let r = &xc[i * d..(i + 1) * d];
                    if first {
                        let (j, d1, d2) = cb.two_nearest(r);
                        lab[i] = j;
                        up[i] = d1.sqrt();
                        lo[i] = d2.sqrt();
                        acc.changed += 1;
                    } else {
                        let a = lab[i];
                        let m = s[a].max(lo[i]);
                        if up[i] > m {
                            up[i] = sq_dist(r, &cref[a * d..(a + 1) * d]).sqrt();
                            if up[i] > m {
                                let (j, d1, d2) = cb.two_nearest(r);
                                if j != a {
                                    acc.changed += 1;
                                    lab[i] = j;
                                }
                                up[i] = d1.sqrt();
                                lo[i] = d2.sqrt();
                            }
                        }
                    }
                    let j = lab[i];
                    let wi = wc[i];
                    acc.wsum[j] += wi;
                    for (sv, v) in acc.sums[j * d..(j + 1) * d].iter_mut().zip(r) {
                        *sv += wi * v;
                    }
                }
                acc
            })
            .collect();
        let mut acc = merge_all(&parts, k, d);
        let (new, shift) = update_centres(data, &mut acc, &labels, &centres, k);
        // move the bounds by how far the centres moved
        let p: Vec<f64> = (0..k)
            .map(|j| sq_dist(&new[j * d..(j + 1) * d], &centres[j * d..(j + 1) * d]).sqrt())
            .collect();
        let mut m1 = 0usize;
        for j in 1..k {
            if p[j] > p[m1] {
                m1 = j;
            }
        }
        let p2 = (0..k)
            .filter(|&j| j != m1)
            .map(|j| p[j])
            .fold(0.0f64, f64::max);
        let p1 = p[m1];
        upper
            .par_chunks_mut(CHUNK)
            .zip(lower.par_chunks_mut(CHUNK))
            .zip(labels.par_chunks(CHUNK))
            .for_each(|((up, lo), lab)| {
                for i in 0..lab.len() {
                    up[i] += p[lab[i]];
                    lo[i] -= if lab[i] == m1 { p2 } else { p1 };
                }
            });
        centres = new;
        n_iter = it + 1;
        strict = !first && acc.changed == 0 && shift == 0.0;
        if (!first && acc.changed == 0) || shift <= tol {
            break;
        }
    }
    super::finish(data, centres, labels, strict, n_iter)
}
