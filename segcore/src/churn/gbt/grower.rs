//! Grows one tree leaf-wise (best first) from gradients and hessians (scikit-learn's
//! `TreeGrower`): the leaf whose best split has the largest gain is split next, until
//! `max_leaf_nodes` leaves exist or no leaf can be split. Children deeper than `max_depth`,
//! with fewer than `2 * min_samples_leaf` rows or too little hessian become leaves. Only the
//! smaller child's histogram is built; the sibling's is the parent's minus it.

use rayon::prelude::*;

use super::binning::{BinMapper, Binned, MISSING_BIN};
use super::histogram::{self, Hist};
use super::split::{MIN_HESSIAN_TO_SPLIT, SplitContext, SplitInfo, best_split, node_value};
use super::tree::{Node, Tree};

/// Rows per chunk when partitioning a node (fixed: the result is independent of threads).
const PARTITION_CHUNK: usize = 16_384;

/// Tree-shape settings.
pub(crate) struct GrowParams {
    pub max_leaf_nodes: Option<usize>,
    pub max_depth: Option<usize>,
    pub min_samples_leaf: u32,
    pub l2: f64,
    pub learning_rate: f64,
}

struct Candidate {
    node: usize,
    start: usize,
    end: usize,
    depth: usize,
    g: f64,
    h: f64,
    n: u32,
    hist: Hist,
    split: SplitInfo,
}

/// Grows a tree; adds each training row's leaf value to `raw`.
pub(crate) struct Grower<'a> {
    pub has_missing: &'a [bool],
    pub mapper: &'a BinMapper,
    pub n_bins_non_missing: &'a [usize],
    pub params: &'a GrowParams,
}

fn totals(hist: &Hist) -> (f64, f64, u32) {
    // feature 0 holds every row of the node once
    hist[0].iter().fold((0.0, 0.0, 0), |(g, h, n), b| {
        (g + b.gh[0], h + b.gh[1], n + b.n)
    })
}

/// Stable partition of `rows` into (goes left, goes right), in place, in fixed chunks
/// (`scratch` holds each chunk's right rows); returns the number of left rows. A stable
/// partition is unique, so the result does not depend on the chunking or the thread count.
fn partition(rows: &mut [u32], scratch: &mut [u32], col: &[u8], split: &SplitInfo) -> usize {
    let goes_left =
        |b: u8| (b <= split.bin) & (b != MISSING_BIN) | (b == MISSING_BIN) & split.missing_left;
    let scratch = &mut scratch[..rows.len()];
    // branch-free: left rows move down in place (never past the read position), right rows
    // go to scratch; both writes happen, only one cursor advances
    let chunk = |(r, s): (&mut [u32], &mut [u32])| -> usize {
        let (mut nl, mut nr) = (0usize, 0usize);
        for k in 0..r.len() {
            let i = r[k];
            let left = goes_left(col[i as usize]);
            r[nl] = i;
            s[nr] = i;
            nl += usize::from(left);
            nr += usize::from(!left);
        }
        nl
    };
    let n_left: Vec<usize> = if rows.len() > PARTITION_CHUNK {
        rows.par_chunks_mut(PARTITION_CHUNK)
            .zip(scratch.par_chunks_mut(PARTITION_CHUNK))
            .map(chunk)
            .collect()
    } else {
        vec![chunk((rows, scratch))]
    };
    let mut k = 0;
    for (c, &nl) in n_left.iter().enumerate() {
        let start = c * PARTITION_CHUNK;
        rows.copy_within(start..start + nl, k);
        k += nl;
    }
    let total_left = k;
    for (c, &nl) in n_left.iter().enumerate() {
        let start = c * PARTITION_CHUNK;
        let len = PARTITION_CHUNK.min(rows.len() - start);
        let nr = len - nl;
        rows[k..k + nr].copy_from_slice(&scratch[start..start + nr]);
        k += nr;
    }
    total_left
}

/// Adds each leaf's value to the raw scores of its rows (`leaves`: value and ascending row
/// indices). Fixed chunks of `raw` run in parallel, each taking its share of every leaf; every
/// row gets exactly one addition, so the result does not depend on the thread count.
fn add_leaf_values(raw: &mut [f64], leaves: &[(f64, &[u32])]) {
    raw.par_chunks_mut(PARTITION_CHUNK)
        .enumerate()
        .for_each(|(c, out)| {
            let lo = c * PARTITION_CHUNK;
            let hi = lo + out.len();
            for &(v, rows) in leaves {
                let a = rows.partition_point(|&r| (r as usize) < lo);
                let z = rows.partition_point(|&r| (r as usize) < hi);
                for &r in &rows[a..z] {
                    out[r as usize - lo] += v;
                }
            }
        });
}

impl Grower<'_> {
    fn ctx(&self) -> SplitContext<'_> {
        SplitContext {
            n_bins_non_missing: self.n_bins_non_missing,
            has_missing: self.has_missing,
            min_samples_leaf: self.params.min_samples_leaf,
            l2: self.params.l2,
        }
    }

    fn splittable(&self, depth: usize, n: u32, h: f64) -> bool {
        self.params.max_depth.is_none_or(|m| depth < m)
            && n >= 2 * self.params.min_samples_leaf
            && h >= 2.0 * MIN_HESSIAN_TO_SPLIT
    }

    fn leaf(&self, g: f64, h: f64, n: u32) -> Node {
        Node {
            leaf: true,
            feature: 0,
            threshold: 0.0,
            missing_left: false,
            left: 0,
            right: 0,
            value: self.params.learning_rate * node_value(g, h, self.params.l2),
            count: n,
            gain: 0.0,
        }
    }

    /// Grows one tree on the (gradient, hessian) pairs stored in `binned`'s records, from
    /// the root's histograms; `rows` and `scratch` are scratch space of length n.
    pub fn grow(
        &self,
        binned: &Binned,
        root_hist: Hist,
        rows: &mut [u32],
        scratch: &mut [u32],
        raw: &mut [f64],
    ) -> Tree {
        for (i, r) in rows.iter_mut().enumerate() {
            *r = i as u32;
        }
        let max_leaves = self.params.max_leaf_nodes.unwrap_or(usize::MAX);
        let ctx = self.ctx();
        let (rg, rh, rn) = totals(&root_hist);
        let mut nodes = vec![self.leaf(rg, rh, rn)];
        let mut leaves: Vec<(usize, usize, usize)> = Vec::new();
        let mut cands: Vec<Candidate> = Vec::new();
        let root_split = if self.splittable(0, rn, rh) && max_leaves > 1 {
            best_split(&root_hist, rg, rh, rn, &ctx)
        } else {
            None
        };
        match root_split {
            Some(split) => cands.push(Candidate {
                node: 0,
                start: 0,
                end: rows.len(),
                depth: 0,
                g: rg,
                h: rh,
                n: rn,
                hist: root_hist,
                split,
            }),
            None => leaves.push((0, 0, rows.len())),
        }
        let mut n_leaves = 1;
        while !cands.is_empty() {
            if n_leaves >= max_leaves {
                break;
            }
            // largest gain first; ties: the node created first
            let mut k = 0;
            for (j, c) in cands.iter().enumerate() {
                let b = &cands[k];
                if c.split.gain > b.split.gain || (c.split.gain == b.split.gain && c.node < b.node)
                {
                    k = j;
                }
            }
            let c = cands.swap_remove(k);
            let s = c.split;
            let n_left = partition(
                &mut rows[c.start..c.end],
                scratch,
                binned.col(s.feature),
                &s,
            );
            debug_assert_eq!(n_left, s.n_left as usize);
            let mid = c.start + s.n_left as usize;
            let (gl, hl, nl) = (s.g_left, s.h_left, s.n_left);
            let (gr, hr, nr) = (c.g - gl, c.h - hl, c.n - nl);
            let li = nodes.len();
            nodes.push(self.leaf(gl, hl, nl));
            nodes.push(self.leaf(gr, hr, nr));
            let thresholds = &self.mapper.thresholds[s.feature];
            let missing_left = if binned.has_missing[s.feature] {
                s.missing_left
            } else {
                nl > nr
            };
            let parent = &mut nodes[c.node];
            parent.leaf = false;
            parent.feature = s.feature as u32;
            parent.threshold = thresholds.get(s.bin as usize).copied().unwrap_or(f64::MAX);
            parent.missing_left = missing_left;
            parent.left = li as u32;
            parent.right = li as u32 + 1;
            parent.value = 0.0;
            parent.gain = s.gain;
            n_leaves += 1;
            let depth = c.depth + 1;
            let room = n_leaves < max_leaves;
            let left_ok = room && self.splittable(depth, nl, hl);
            let right_ok = room && self.splittable(depth, nr, hr);
            let (lh, rh_) = if left_ok || right_ok {
                if nl <= nr {
                    let lh = histogram::build(binned, Some(&rows[c.start..mid]));
                    let rh_ = histogram::subtract(&c.hist, &lh);
                    (Some(lh), Some(rh_))
                } else {
                    let rh_ = histogram::build(binned, Some(&rows[mid..c.end]));
                    let lh = histogram::subtract(&c.hist, &rh_);
                    (Some(lh), Some(rh_))
                }
            } else {
                (None, None)
            };
            for (node, start, end, ok, hist, (cg, ch, cn)) in [
                (li, c.start, mid, left_ok, lh, (gl, hl, nl)),
                (li + 1, mid, c.end, right_ok, rh_, (gr, hr, nr)),
            ] {
                let split = match (ok, &hist) {
                    (true, Some(hh)) => best_split(hh, cg, ch, cn, &ctx),
                    _ => None,
                };
                match (split, hist) {
                    (Some(split), Some(hist)) => cands.push(Candidate {
                        node,
                        start,
                        end,
                        depth,
                        g: cg,
                        h: ch,
                        n: cn,
                        hist,
                        split,
                    }),
                    _ => leaves.push((node, start, end)),
                }
            }
        }
        for c in cands {
            leaves.push((c.node, c.start, c.end));
        }
        let leaves: Vec<(f64, &[u32])> = leaves
            .into_iter()
            .map(|(node, start, end)| (nodes[node].value, &rows[start..end]))
            .collect();
        add_leaf_values(raw, &leaves);
        Tree { nodes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_is_stable_across_chunks() {
        let n = 3 * PARTITION_CHUNK + 123;
        let col: Vec<u8> = (0..n).map(|i| ((i * 7919) % 256) as u8).collect();
        for missing_left in [false, true] {
            let split = SplitInfo {
                gain: 1.0,
                feature: 0,
                bin: 100,
                missing_left,
                g_left: 0.0,
                h_left: 0.0,
                n_left: 0,
            };
            // every third row, ascending, as in a node
            let mut rows: Vec<u32> = (0..n as u32).filter(|i| i % 3 != 1).collect();
            let goes_left = |i: &u32| {
                let b = col[*i as usize];
                if b == MISSING_BIN {
                    missing_left
                } else {
                    b <= 100
                }
            };
            let mut want: Vec<u32> = rows.iter().copied().filter(goes_left).collect();
            let n_left = want.len();
            want.extend(rows.iter().copied().filter(|i| !goes_left(i)));
            let mut scratch = vec![0u32; n];
            assert_eq!(partition(&mut rows, &mut scratch, &col, &split), n_left);
            assert_eq!(rows, want);
        }
    }

    #[test]
    fn leaf_values_reach_every_row_once() {
        let n = 2 * PARTITION_CHUNK + 5;
        let a: Vec<u32> = (0..n as u32).filter(|i| i % 2 == 0).collect();
        let b: Vec<u32> = (0..n as u32).filter(|i| i % 2 == 1).collect();
        let mut raw = vec![1.0; n];
        add_leaf_values(&mut raw, &[(0.5, &a), (-2.0, &b)]);
        for (i, r) in raw.iter().enumerate() {
            assert_eq!(*r, if i % 2 == 0 { 1.5 } else { -1.0 }, "row {i}");
        }
    }
}
