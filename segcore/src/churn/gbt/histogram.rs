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
    /// Sum of gradients and sum of hessians.
    pub gh: [f64; 2],
    pub n: u32,
}

/// Histograms of all features of one node: `hist[f * N_BINS + b]`.
pub(crate) type Hist = Vec<Bin>;

/// Rows below which a histogram is built on the current thread only.
const PAR_MIN_ROWS: usize = 2048;

/// Builds the histograms of the rows `rows` (all rows when `None`) from interleaved
/// (gradient, hessian) pairs.
pub(crate) fn build(binned: &Binned, rows: Option<&[u32]>, gh: &[[f64; 2]]) -> Hist {
    let d = binned.bins.len() / binned.n.max(1);
    let mut hist = vec![Bin::default(); d * N_BINS];
    // gradient pairs in node order, gathered once for all features
    let gathered: Option<Vec<[f64; 2]>> = rows.map(|r| r.iter().map(|&i| gh[i as usize]).collect());
    let n_rows = rows.map_or(binned.n, |r| r.len());
    let add = |e: &mut Bin, p: &[f64; 2]| {
        e.gh[0] += p[0];
        e.gh[1] += p[1];
        e.n += 1;
    };
    let one = |f: usize, out: &mut [Bin]| {
        let col = binned.col(f);
        let out: &mut [Bin; N_BINS] = match out.try_into() {
            Ok(o) => o,
            Err(_) => return,
        };
        match (rows, &gathered) {
            (Some(r), Some(og)) => {
                for (&i, p) in r.iter().zip(og) {
                    add(&mut out[col[i as usize] as usize], p);
                }
            }
            _ => {
                for (&b, p) in col.iter().zip(gh) {
                    add(&mut out[b as usize], p);
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
            gh: [p.gh[0] - c.gh[0], p.gh[1] - c.gh[1]],
            n: p.n - c.n,
        })
        .collect()
}
