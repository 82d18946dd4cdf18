//! Gradient/hessian histograms per feature and bin, built in parallel over features (each
//! feature summed in row order, so the result does not depend on the thread count), and
//! the subtraction trick (sibling = parent - child).

use rayon::prelude::*;

use super::binning::Binned;

/// Bins per feature histogram (255 value bins + the missing bin).
pub(crate) const N_BINS: usize = 256;

/// Sums of gradients, hessians and rows in one bin.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Bin {
    pub g: f64,
    pub h: f64,
    pub n: u32,
}

/// Histograms of all features of one node: `hist[f * N_BINS + b]`.
pub(crate) type Hist = Vec<Bin>;

/// Rows below which a histogram is built on the current thread only.
const PAR_MIN_ROWS: usize = 2048;

/// Builds the histograms of the rows `rows` (all rows when `None`).
pub(crate) fn build(binned: &Binned, rows: Option<&[u32]>, g: &[f64], h: &[f64]) -> Hist {
    let d = binned.bins.len() / binned.n.max(1);
    let mut hist = vec![Bin::default(); d * N_BINS];
    // gradients in node order, gathered once for all features
    let gathered: Option<(Vec<f64>, Vec<f64>)> = rows.map(|r| {
        (
            r.iter().map(|&i| g[i as usize]).collect(),
            r.iter().map(|&i| h[i as usize]).collect(),
        )
    });
    let n_rows = rows.map_or(binned.n, |r| r.len());
    let one = |f: usize, out: &mut [Bin]| {
        let col = binned.col(f);
        match (rows, &gathered) {
            (Some(r), Some((og, oh))) => {
                for ((&i, gv), hv) in r.iter().zip(og).zip(oh) {
                    let e = &mut out[col[i as usize] as usize];
                    e.g += gv;
                    e.h += hv;
                    e.n += 1;
                }
            }
            _ => {
                for ((&b, gv), hv) in col.iter().zip(g).zip(h) {
                    let e = &mut out[b as usize];
                    e.g += gv;
                    e.h += hv;
                    e.n += 1;
                }
            }
        }
    };
    if n_rows >= PAR_MIN_ROWS {
        hist.par_chunks_mut(N_BINS)
            .enumerate()
            .for_each(|(f, out)| one(f, out));
    } else {
        hist.chunks_mut(N_BINS)
            .enumerate()
            .for_each(|(f, out)| one(f, out));
    }
    hist
}

/// `parent - child`, bin by bin.
pub(crate) fn subtract(parent: &Hist, child: &Hist) -> Hist {
    parent
        .iter()
        .zip(child)
        .map(|(p, c)| Bin {
            g: p.g - c.g,
            h: p.h - c.h,
            n: p.n - c.n,
        })
        .collect()
}
