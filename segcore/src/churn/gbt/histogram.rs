//! Gradient/hessian histograms per feature and bin, and the subtraction trick
//! (sibling = parent - child).
//!
//! Each row is one record (its bins and gradient pair, see [`Binned`]). A node's rows are
//! read a batch at a time: a short loop copies the batch's records into a contiguous buffer
//! (keeping many cache misses in flight), then every row's pair is added to the bin of every
//! feature. Large nodes are split into a number of row chunks that depends only on the
//! node's size; the chunks' histograms are summed in chunk order. Medium nodes are split
//! between two halves of the features instead, which does not change any sum. So a fit is
//! identical on any number of threads.

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

/// Rows below which a histogram is built on the current thread only.
const PAR_MIN_ROWS: usize = 2048;
/// Minimum rows per chunk; nodes with fewer than twice as many rows are one chunk.
const CHUNK_MIN_ROWS: usize = 8192;
/// Most chunks per node.
const MAX_CHUNKS: usize = 16;
/// Rows per gather batch.
const BATCH: usize = 128;

fn zeros(d: usize) -> Hist {
    vec![[Bin::default(); N_BINS]; d]
}

/// Adds a pair to the bins `bins` of the histograms `out`.
#[inline(always)]
fn add_pair(out: &mut [FeatureHist], bins: &[u8], g: f32, h: f32) {
    let (g, h) = (f64::from(g), f64::from(h));
    for (hf, &b) in out.iter_mut().zip(bins) {
        let e = &mut hf[usize::from(b)];
        e.gh[0] += g;
        e.gh[1] += h;
        e.n += 1;
    }
}

/// Adds one record to the histograms `out` of features `lo..lo + out.len()`.
#[inline(always)]
fn add_record(out: &mut [FeatureHist], lo: usize, rec: &[u8]) {
    let [g, h] = get_gh(rec);
    add_pair(out, &rec[lo..], g, h);
}

/// Number of row chunks of a node of `m` rows (a function of `m` only).
fn n_chunks(m: usize) -> usize {
    (m / CHUNK_MIN_ROWS).clamp(1, MAX_CHUNKS)
}

/// Sums chunk histograms bin by bin, in chunk order.
fn merge(d: usize, partials: &[Hist]) -> Hist {
    let mut hist = zeros(d);
    hist.par_iter_mut().enumerate().for_each(|(f, hf)| {
        for p in partials {
            for (o, e) in hf.iter_mut().zip(&p[f]) {
                o.gh[0] += e.gh[0];
                o.gh[1] += e.gh[1];
                o.n += e.n;
            }
        }
    });
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
    let partials: Vec<Hist> = binned
        .records_mut()
        .par_chunks_mut(len * st)
        .zip(raw.par_chunks(len))
        .zip(y.par_chunks(len))
        .map(|((recs, r), yc)| {
            let mut h = zeros(d);
            for ((rec, &z), &yi) in recs.chunks_exact_mut(st).zip(r).zip(yc) {
                let (g, hh) = grad_hess(z, yi);
                put_gh(rec, g, hh);
                add_pair(&mut h, rec, g, hh);
            }
            h
        })
        .collect();
    merge(d, &partials)
}

/// Adds the rows `rows` (all rows when `None`, in order) to the histograms `out` of features
/// `lo..lo + out.len()`. `S` is the record size when known at compile time (0: `stride`).
fn accumulate<const S: usize>(
    recs: &[u8],
    stride: usize,
    rows: Option<&[u32]>,
    out: &mut [FeatureHist],
    lo: usize,
) {
    let st = if S > 0 { S } else { stride };
    match rows {
        None => {
            for rec in recs.chunks_exact(st) {
                add_record(out, lo, rec);
            }
        }
        Some(rows) => {
            let mut buf = vec![0u8; BATCH * st];
            for rc in rows.chunks(BATCH) {
                for (b, &i) in buf.chunks_exact_mut(st).zip(rc) {
                    let i = i as usize;
                    b.copy_from_slice(&recs[i * st..(i + 1) * st]);
                }
                for rec in buf.chunks_exact(st).take(rc.len()) {
                    add_record(out, lo, rec);
                }
            }
        }
    }
}

fn accumulate_any(b: &Binned, rows: Option<&[u32]>, out: &mut [FeatureHist], lo: usize) {
    let recs = b.records();
    match b.stride {
        16 => accumulate::<16>(recs, 16, rows, out, lo),
        32 => accumulate::<32>(recs, 32, rows, out, lo),
        64 => accumulate::<64>(recs, 64, rows, out, lo),
        s => accumulate::<0>(recs, s, rows, out, lo),
    }
}

/// Builds the histograms of the rows `rows` (all rows when `None`) from the gradient pairs
/// stored in the records.
pub(crate) fn build(binned: &Binned, rows: Option<&[u32]>) -> Hist {
    let d = binned.d;
    let m = rows.map_or(binned.n, <[u32]>::len);
    let n_chunks = n_chunks(m);
    if n_chunks > 1 {
        let len = m.div_ceil(n_chunks);
        let partials: Vec<Hist> = (0..n_chunks)
            .into_par_iter()
            .map(|c| {
                let (a, z) = (c * len, ((c + 1) * len).min(m));
                let mut h = zeros(d);
                match rows {
                    Some(r) => accumulate_any(binned, Some(&r[a..z]), &mut h, 0),
                    None => {
                        let st = binned.stride;
                        let recs = &binned.records()[a * st..z * st];
                        match st {
                            16 => accumulate::<16>(recs, 16, None, &mut h, 0),
                            32 => accumulate::<32>(recs, 32, None, &mut h, 0),
                            64 => accumulate::<64>(recs, 64, None, &mut h, 0),
                            s => accumulate::<0>(recs, s, None, &mut h, 0),
                        }
                    }
                }
                h
            })
            .collect();
        return merge(d, &partials);
    }
    let mut hist = zeros(d);
    if m >= PAR_MIN_ROWS && d >= 2 {
        let mid = d / 2;
        let (a, b) = hist.split_at_mut(mid);
        rayon::join(
            || accumulate_any(binned, rows, a, 0),
            || accumulate_any(binned, rows, b, mid),
        );
    } else {
        accumulate_any(binned, rows, &mut hist, 0);
    }
    hist
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
            let mut want = zeros(3);
            for i in (0..n).filter(|i| keep == 1 || i % 4 != 0) {
                let (g, h) = grad_hess(raw[i], y[i]);
                for f in 0..3 {
                    let e = &mut want[f][usize::from(b.col(f)[i])];
                    e.gh[0] += f64::from(g);
                    e.gh[1] += f64::from(h);
                    e.n += 1;
                }
            }
            for (hf, wf) in hist.iter().zip(&want) {
                for (e, w) in hf.iter().zip(wf) {
                    assert_eq!(e.n, w.n);
                    assert!((e.gh[0] - w.gh[0]).abs() < 1e-9 && (e.gh[1] - w.gh[1]).abs() < 1e-9);
                }
            }
        }
        assert_eq!(root[1][255].n as usize, n.div_ceil(13));
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
