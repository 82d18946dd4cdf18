//! Gradient/hessian histograms per feature and bin, and the subtraction trick
//! (sibling = parent - child).
//!
//! Gradients and hessians are summed in fixed point (as XGBoost's GPU histograms do): each
//! row's pair is rounded once to a multiple of 2^-30 (gradient) and 2^-23 (hessian), see
//! [`quantise`]. While rows are added a bin is two `f64` lanes holding integers: the gradient
//! sum, and `hessian sum * 2^16 + rows`, so a row costs one two-lane add per feature instead
//! of two float adds and a separate counter. Every [`FLUSH_ROWS`] rows the lanes are decoded
//! into 64-bit integer sums, before either lane can leave the range where `f64` integers are
//! exact. Integer sums do not depend on their order, so a histogram is the same however its
//! rows are chunked or threaded, and a sibling's histogram by subtraction is exact; the final
//! `f64` bins handed to the split finder are exact multiples of the resolution.
//!
//! Each row is one record (its bins and gradient pair, see [`Binned`]). A node's rows are
//! read a batch at a time: a short loop copies the batch's records into a contiguous buffer
//! (keeping many cache misses in flight), then every row's pair is added to the bin of every
//! feature. Large nodes are split into a number of row chunks that depends only on the
//! node's size; medium nodes into two halves of the features.

use rayon::prelude::*;

use super::binning::{Binned, get_gh, put_gh};

/// Bins per feature histogram (255 value bins + the missing bin).
pub(crate) const N_BINS: usize = 256;

/// Sums of gradients, hessians and rows in one bin.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Bin {
    /// Sum of gradients and sum of hessians.
    pub gh: [f64; 2],
    pub n: u32,
}

/// The histogram of one feature.
pub(crate) type FeatureHist = [Bin; N_BINS];

/// Histograms of all features of one node: `hist[f][b]`.
pub(crate) type Hist = Vec<FeatureHist>;

/// One bin while adding rows: `[gradient sum, hessian sum * 2^COUNT_BITS + rows]`, both
/// integers held exactly in `f64`.
type Packed = [f64; 2];
type PackedFeature = [Packed; N_BINS];
/// One bin's exact sums: gradient, hessian (fixed point) and rows.
type Wide = (i64, u64, u64);
type WideFeature = [Wide; N_BINS];

/// Fixed-point scale of gradients: |g| <= 1, so |g| * 2^30 fits an `i32`.
const G_SHIFT: i32 = 30;
/// Fixed-point scale of hessians: h <= 1/4, so h * 2^23 <= 2^21.
const H_SHIFT: i32 = 23;
/// Bits of the hessian lane below the hessian sum, counting rows.
const COUNT_BITS: u32 = 16;
/// Rows added between two decodings: the count stays below 2^16, the hessian lane below
/// 2^15 * (2^21 * 2^16 + 1) < 2^53 and the gradient lane below 2^45, so both are exact.
const FLUSH_ROWS: usize = 1 << 15;

/// Rows below which a histogram is built on the current thread only.
const PAR_MIN_ROWS: usize = 2048;
/// Minimum rows per chunk; nodes with fewer than twice as many rows are one chunk.
const CHUNK_MIN_ROWS: usize = 8192;
/// Most chunks per node.
const MAX_CHUNKS: usize = 16;
/// Rows per gather batch.
const BATCH: usize = 128;

/// A row's gradient and hessian in fixed point: `g * 2^30` and `h * 2^23`, rounded half
/// away from zero (by truncating casts, which need no libm call).
#[inline(always)]
pub(crate) fn quantise(g: f32, h: f32) -> (i32, u32) {
    let gs = f64::from(g) * f64::from(1u32 << G_SHIFT);
    let hs = f64::from(h) * f64::from(1u32 << H_SHIFT);
    // in range by construction: |g| <= 1 and 0 <= h <= 1/4 (float casts saturate anyway)
    ((gs + 0.5f64.copysign(gs)) as i32, (hs + 0.5) as u32)
}

/// Histograms of the features `lo..lo + d` being accumulated.
struct Acc {
    packed: Vec<PackedFeature>,
    wide: Vec<WideFeature>,
}

impl Acc {
    fn new(d: usize) -> Acc {
        Acc {
            packed: vec![[[0.0; 2]; N_BINS]; d],
            wide: vec![[(0, 0, 0); N_BINS]; d],
        }
    }

    /// Adds a quantised pair to the bins `bins` (one per feature).
    #[inline(always)]
    fn add(&mut self, bins: &[u8], g: i32, h: u32) {
        let a = [
            f64::from(g),
            (u64::from(h) << COUNT_BITS | 1) as f64, // < 2^38: exact
        ];
        for (hf, &b) in self.packed.iter_mut().zip(bins) {
            let e = &mut hf[usize::from(b)];
            e[0] += a[0];
            e[1] += a[1];
        }
    }

    /// Moves the packed sums into the wide ones.
    fn flush(&mut self) {
        let mask = (1u64 << COUNT_BITS) - 1;
        for (pf, wf) in self.packed.iter_mut().zip(self.wide.iter_mut()) {
            for (p, w) in pf.iter_mut().zip(wf.iter_mut()) {
                if p[1] != 0.0 {
                    let l = p[1] as u64;
                    w.0 += p[0] as i64;
                    w.1 += l >> COUNT_BITS;
                    w.2 += l & mask;
                    *p = [0.0; 2];
                }
            }
        }
    }

    fn finish(mut self) -> Vec<WideFeature> {
        self.flush();
        self.wide
    }
}

/// Number of row chunks of a node of `m` rows (a function of `m` only).
fn n_chunks(m: usize) -> usize {
    (m / CHUNK_MIN_ROWS).clamp(1, MAX_CHUNKS)
}

/// Sums chunk histograms bin by bin (exact integers) and scales them to `f64` bins.
fn merge(d: usize, partials: &[Vec<WideFeature>]) -> Hist {
    let mut hist = vec![[Bin::default(); N_BINS]; d];
    let (gs, hs) = ((-f64::from(G_SHIFT)).exp2(), (-f64::from(H_SHIFT)).exp2());
    let decode = |f: usize, hf: &mut FeatureHist| {
        for (b, o) in hf.iter_mut().enumerate() {
            let (mut g, mut h, mut n) = (0i64, 0u64, 0u64);
            for p in partials {
                let (pg, ph, pn) = p[f][b];
                g += pg;
                h += ph;
                n += pn;
            }
            // a node has fewer than 2^32 rows (row indices are u32)
            *o = Bin {
                gh: [g as f64 * gs, h as f64 * hs],
                n: n as u32,
            };
        }
    };
    if partials.len() > 1 {
        hist.par_iter_mut()
            .enumerate()
            .for_each(|(f, hf)| decode(f, hf));
    } else {
        for (f, hf) in hist.iter_mut().enumerate() {
            decode(f, hf);
        }
    }
    hist
}

/// Gradient and hessian of the binary log loss at raw score `z` for label `y`, as `f32`:
/// `(p - y, p (1 - p))` with `p = sigmoid(z)`, from `e = exp(-|z|)` so that both stay
/// accurate in relative terms far from 0 (the f32 `exp` is as exact as the stored pair).
#[inline(always)]
pub(crate) fn grad_hess(z: f64, y: bool) -> (f32, f32) {
    let z = z as f32;
    let e = (-z.abs()).exp();
    let big = 1.0 / (1.0 + e);
    let small = e * big;
    let (p, q) = if z >= 0.0 { (big, small) } else { (small, big) };
    (if y { -q } else { p }, big * small)
}

/// Computes every row's gradient pair from the raw scores `raw` and labels `y`, stores it
/// in the records and returns the root's histograms (chunks as in [`build`]).
pub(crate) fn gradients_and_root(binned: &mut Binned, raw: &[f64], y: &[bool]) -> Hist {
    let (n, d, st) = (binned.n, binned.d, binned.stride);
    let len = n.div_ceil(n_chunks(n)).max(1);
    let partials: Vec<Vec<WideFeature>> = binned
        .records_mut()
        .par_chunks_mut(len * st)
        .zip(raw.par_chunks(len))
        .zip(y.par_chunks(len))
        .map(|((recs, r), yc)| {
            let mut acc = Acc::new(d);
            for ((recs, r), yc) in recs
                .chunks_mut(FLUSH_ROWS * st)
                .zip(r.chunks(FLUSH_ROWS))
                .zip(yc.chunks(FLUSH_ROWS))
            {
                for ((rec, &z), &yi) in recs.chunks_exact_mut(st).zip(r).zip(yc) {
                    let (g, hh) = grad_hess(z, yi);
                    let (gq, hq) = quantise(g, hh);
                    put_gh(rec, gq, hq);
                    acc.add(rec, gq, hq);
                }
                acc.flush();
            }
            acc.finish()
        })
        .collect();
    merge(d, &partials)
}

/// Adds the rows `rows` (all records when `None`, in order) to `acc`, which holds features
/// `lo..`. `S` is the record size when known at compile time (0: `stride`).
fn accumulate<const S: usize>(
    recs: &[u8],
    stride: usize,
    rows: Option<&[u32]>,
    acc: &mut Acc,
    lo: usize,
) {
    let st = if S > 0 { S } else { stride };
    let add = |acc: &mut Acc, rec: &[u8]| {
        let (g, h) = get_gh(rec);
        acc.add(&rec[lo..], g, h);
    };
    match rows {
        None => {
            for block in recs.chunks(FLUSH_ROWS * st) {
                for rec in block.chunks_exact(st) {
                    add(acc, rec);
                }
                acc.flush();
            }
        }
        Some(rows) => {
            let mut buf = vec![0u8; BATCH * st];
            for block in rows.chunks(FLUSH_ROWS) {
                for rc in block.chunks(BATCH) {
                    for (b, &i) in buf.chunks_exact_mut(st).zip(rc) {
                        let i = i as usize;
                        b.copy_from_slice(&recs[i * st..(i + 1) * st]);
                    }
                    for rec in buf.chunks_exact(st).take(rc.len()) {
                        add(acc, rec);
                    }
                }
                acc.flush();
            }
        }
    }
}

/// The histograms of features `lo..lo + d` of the rows `rows` (or the records `a..z` when
/// `None`) of `b`.
fn accumulate_any(
    b: &Binned,
    rows: Option<&[u32]>,
    (a, z): (usize, usize),
    lo: usize,
    d: usize,
) -> Vec<WideFeature> {
    let st = b.stride;
    let recs = match rows {
        Some(_) => b.records(),
        None => &b.records()[a * st..z * st],
    };
    let mut acc = Acc::new(d);
    match st {
        16 => accumulate::<16>(recs, 16, rows, &mut acc, lo),
        32 => accumulate::<32>(recs, 32, rows, &mut acc, lo),
        64 => accumulate::<64>(recs, 64, rows, &mut acc, lo),
        s => accumulate::<0>(recs, s, rows, &mut acc, lo),
    }
    acc.finish()
}

/// Builds the histograms of the rows `rows` (all rows when `None`) from the gradient pairs
/// stored in the records.
pub(crate) fn build(binned: &Binned, rows: Option<&[u32]>) -> Hist {
    let d = binned.d;
    let m = rows.map_or(binned.n, <[u32]>::len);
    let n_chunks = n_chunks(m);
    if n_chunks > 1 {
        let len = m.div_ceil(n_chunks);
        let partials: Vec<Vec<WideFeature>> = (0..n_chunks)
            .into_par_iter()
            .map(|c| {
                let (a, z) = (c * len, ((c + 1) * len).min(m));
                accumulate_any(binned, rows.map(|r| &r[a..z]), (a, z), 0, d)
            })
            .collect();
        return merge(d, &partials);
    }
    let wide = if m >= PAR_MIN_ROWS && d >= 2 {
        let mid = d / 2;
        let (mut a, b) = rayon::join(
            || accumulate_any(binned, rows, (0, m), 0, mid),
            || accumulate_any(binned, rows, (0, m), mid, d - mid),
        );
        a.extend(b);
        a
    } else {
        accumulate_any(binned, rows, (0, m), 0, d)
    };
    merge(d, std::slice::from_ref(&wide))
}

/// `parent - child`, bin by bin.
pub(crate) fn subtract(parent: &Hist, child: &Hist) -> Hist {
    parent
        .iter()
        .zip(child)
        .map(|(pf, cf)| {
            let mut out = [Bin::default(); N_BINS];
            for ((o, p), c) in out.iter_mut().zip(pf).zip(cf) {
                *o = Bin {
                    gh: [p.gh[0] - c.gh[0], p.gh[1] - c.gh[1]],
                    n: p.n - c.n,
                };
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::binning::BinMapper;
    use super::*;

    #[test]
    fn chunked_histograms_equal_plain_sums() {
        let n = 3 * CHUNK_MIN_ROWS + 77;
        let x = ndarray::Array2::from_shape_fn((n, 3), |(i, j)| {
            if j == 1 && i % 13 == 0 {
                f64::NAN
            } else {
                ((i * (2 * j + 3)) % 301) as f64
            }
        });
        let y: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
        let raw: Vec<f64> = (0..n).map(|i| (i % 17) as f64 / 4.0 - 2.0).collect();
        let mut b = BinMapper::fit(x.view(), 255, 0).transform(x.view());
        let root = gradients_and_root(&mut b, &raw, &y);
        let rows: Vec<u32> = (0..n as u32).filter(|i| i % 4 != 0).collect();
        let node = build(&b, Some(&rows));
        for (hist, keep) in [(&root, 1), (&node, 4)] {
            // exact sums of the rows' fixed-point pairs, in f64 (exact below 2^53)
            let mut want = vec![[(0i64, 0u64, 0u32); N_BINS]; 3];
            for i in (0..n).filter(|i| keep == 1 || i % 4 != 0) {
                let (g, h) = grad_hess(raw[i], y[i]);
                let (gq, hq) = quantise(g, h);
                assert!((f64::from(gq) * 2f64.powi(-30) - f64::from(g)).abs() <= 2f64.powi(-31));
                assert!((f64::from(hq) * 2f64.powi(-23) - f64::from(h)).abs() <= 2f64.powi(-24));
                for f in 0..3 {
                    let e = &mut want[f][usize::from(b.col(f)[i])];
                    e.0 += i64::from(gq);
                    e.1 += u64::from(hq);
                    e.2 += 1;
                }
            }
            for (hf, wf) in hist.iter().zip(&want) {
                for (e, w) in hf.iter().zip(wf) {
                    assert_eq!(e.n, w.2);
                    assert_eq!(e.gh[0], w.0 as f64 * 2f64.powi(-30));
                    assert_eq!(e.gh[1], w.1 as f64 * 2f64.powi(-23));
                }
            }
        }
        assert_eq!(root[1][255].n as usize, n.div_ceil(13));
    }

    #[test]
    fn packed_lanes_stay_exact_between_flushes() {
        // the extreme pairs: |g| = 1 and h = 1/4 on every row between two flushes
        assert_eq!(quantise(-1.0, 0.25), (-(1 << 30), 1 << 21));
        assert_eq!(quantise(1.0, 0.0), (1 << 30, 0));
        assert_eq!(quantise(-1.5e-9, 1.8e-8), (-2, 0));
        let lane = ((1u64 << 21) << COUNT_BITS | 1) * FLUSH_ROWS as u64;
        assert!(lane < 1 << 53);
        assert_eq!(lane & ((1 << COUNT_BITS) - 1), FLUSH_ROWS as u64);
        let mut acc = Acc::new(1);
        for _ in 0..FLUSH_ROWS {
            acc.add(&[7], -(1 << 30), 1 << 21);
        }
        acc.flush();
        acc.add(&[7], 5, 3);
        let w = acc.finish();
        assert_eq!(
            w[0][7],
            (-(1i64 << 45) + 5, (1u64 << 36) + 3, FLUSH_ROWS as u64 + 1)
        );
    }

    #[test]
    fn log_loss_gradients_match_f64_in_relative_terms() {
        for z in [-30.0f64, -8.0, -1.5, -1e-3, 0.0, 0.7, 5.0, 25.0] {
            // p and 1 - p, each accurate in f64
            let (p, q) = (1.0 / (1.0 + (-z).exp()), 1.0 / (1.0 + z.exp()));
            for y in [false, true] {
                let (g, h) = grad_hess(z, y);
                let want_g = if y { -q } else { p };
                let want_h = p * q;
                assert!(
                    (f64::from(g) - want_g).abs() <= 1e-6 * want_g.abs(),
                    "z {z} y {y}"
                );
                assert!((f64::from(h) - want_h).abs() <= 1e-6 * want_h, "z {z}");
            }
        }
    }
}
