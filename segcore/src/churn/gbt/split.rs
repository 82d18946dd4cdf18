//! Best split of a node from its histograms (scikit-learn's `Splitter` for numerical
//! features, without monotonic or interaction constraints).
//!
//! For each feature the bins are scanned left to right with missing values sent right, and —
//! when the feature had missing values in training — right to left with missing values sent
//! left. The gain of a split is the loss reduction
//! `G_L^2 / (H_L + l2) + G_R^2 / (H_R + l2) - G^2 / (H + l2)`; a split must leave at least
//! `min_samples_leaf` rows and `min_hessian_to_split` hessian on each side and have positive
//! gain. Ties keep the first split found (lowest feature, then scan order).

use super::binning::MISSING_BIN;
use super::histogram::Hist;

/// Smallest hessian sum allowed in a child (scikit-learn's `min_hessian_to_split`).
pub(crate) const MIN_HESSIAN_TO_SPLIT: f64 = 1e-3;

/// Leaf value `-G / (H + l2)` (before shrinkage).
pub(crate) fn node_value(g: f64, h: f64, l2: f64) -> f64 {
    -g / (h + l2 + 1e-15)
}

/// The best split of a node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SplitInfo {
    pub gain: f64,
    pub feature: usize,
    /// Rows with `bin <= bin` go left.
    pub bin: u8,
    pub missing_left: bool,
    pub g_left: f64,
    pub h_left: f64,
    pub n_left: u32,
}

/// Node totals and the constraints a split must meet.
pub(crate) struct SplitContext<'a> {
    pub n_bins_non_missing: &'a [usize],
    pub has_missing: &'a [bool],
    pub min_samples_leaf: u32,
    pub l2: f64,
}

/// Finds the best split of a node with totals `(g, h, n)`, or `None`.
pub(crate) fn best_split(
    hist: &Hist,
    g: f64,
    h: f64,
    n: u32,
    ctx: &SplitContext<'_>,
) -> Option<SplitInfo> {
    let l2 = ctx.l2;
    let loss = |gs: f64, hs: f64| gs * node_value(gs, hs, l2);
    let parent_loss = loss(g, h);
    let mut best: Option<SplitInfo> = None;
    let mut best_gain = -1.0;
    for (f, &nb) in ctx.n_bins_non_missing.iter().enumerate() {
        let fh = &hist[f];
        let has_missing = ctx.has_missing[f];
        // left to right, missing values go right
        let end = nb - 1 + usize::from(has_missing);
        let (mut gl, mut hl, mut nl) = (0.0, 0.0, 0u32);
        for (b, e) in fh.iter().enumerate().take(end) {
            gl += e.gh[0];
            hl += e.gh[1];
            nl += e.n;
            let nr = n - nl;
            if nl < ctx.min_samples_leaf {
                continue;
            }
            if nr < ctx.min_samples_leaf {
                break;
            }
            let hr = h - hl;
            if hl < MIN_HESSIAN_TO_SPLIT {
                continue;
            }
            if hr < MIN_HESSIAN_TO_SPLIT {
                break;
            }
            let gr = g - gl;
            let gain = parent_loss - loss(gl, hl) - loss(gr, hr);
            if gain > best_gain && gain > 0.0 {
                best_gain = gain;
                best = Some(SplitInfo {
                    gain,
                    feature: f,
                    bin: b as u8,
                    missing_left: false,
                    g_left: gl,
                    h_left: hl,
                    n_left: nl,
                });
            }
        }
        if has_missing && nb >= 2 {
            // right to left, missing values go left
            let (mut gr, mut hr, mut nr) = (0.0, 0.0, 0u32);
            for b in (0..nb - 1).rev() {
                let e = &fh[b + 1];
                gr += e.gh[0];
                hr += e.gh[1];
                nr += e.n;
                let nl = n - nr;
                if nr < ctx.min_samples_leaf {
                    continue;
                }
                if nl < ctx.min_samples_leaf {
                    break;
                }
                let hl = h - hr;
                if hr < MIN_HESSIAN_TO_SPLIT {
                    continue;
                }
                if hl < MIN_HESSIAN_TO_SPLIT {
                    break;
                }
                let gl = g - gr;
                let gain = parent_loss - loss(gl, hl) - loss(gr, hr);
                if gain > best_gain && gain > 0.0 {
                    best_gain = gain;
                    best = Some(SplitInfo {
                        gain,
                        feature: f,
                        bin: b as u8,
                        missing_left: true,
                        g_left: gl,
                        h_left: hl,
                        n_left: nl,
                    });
                }
            }
        }
    }
    debug_assert!(best.is_none_or(|s| s.bin != MISSING_BIN));
    best
}
