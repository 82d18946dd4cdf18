//! Gradient/hessian histograms per feature and bin, and the subtraction trick
//! (sibling = parent - child).
//!
//! Gradients and hessians are summed as integers, quantised as in LightGBM's quantised
//! training (Shi et al., "Quantized Training of Gradient Boosting Decision Trees",
//! NeurIPS 2022): each iteration, every row's pair is rounded stochastically to a multiple of
//! 2^-11 (gradient, |g| <= 1) and 2^-14 (hessian, h <= 1/4), see [`quantise`]. Stochastic
//! rounding keeps every sum unbiased, and its error on a node of m rows is at most about
//! 2^-12 sqrt(m) per sum; the random draw is a hash of the seed, the iteration and the row,
//! so a fit is reproducible. The pair and a row count are packed into one `u64` lane (see
//! [`lane`]): gradient in the top 24 bits (two's complement), hessian in the next 24, rows
//! in the low 16, so a row costs one integer add per feature into an 8-byte bin, and the 20
//! features' bins of a typical model take 40 KB instead of 80 KB. Every [`FLUSH_ROWS`] rows
//! the lanes are decoded into 64-bit sums, before any field can overflow. Integer sums do
//! not depend on their order, so a histogram is the same however its rows are chunked or
//! threaded, and a sibling's histogram by subtraction is exact; the final `f64` bins handed
//! to the split finder are exact multiples of the resolution.
//!
//! Each row is one record (its bins and its packed lane, see [`Binned`]). A node's rows are
//! read a batch at a time: a short loop copies the batch's records into a contiguous buffer
//! (keeping many cache misses in flight), then every row's lane is added to the bin of every
//! feature. Large nodes are split into row chunks (two per thread at most), medium nodes into
//! two halves of the features; neither changes a sum.

use rayon::prelude::*;

use super::binning::{Binned, get_lane, put_lane};

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

/// One bin while adding rows: a sum of [`lane`]s.
type PackedFeature = [u64; N_BINS];
/// One bin's exact sums: gradient, hessian (fixed point) and rows.
type Wide = (i64, u64, u64);
type WideFeature = [Wide; N_BINS];

/// Fixed-point scale of gradients: |g| <= 1, so |g| * 2^11 <= 2^11.
const G_SHIFT: i32 = 11;
/// Fixed-point scale of hessians: h <= 1/4, so h * 2^14 <= 2^12.
const H_SHIFT: i32 = 14;
/// Bit offset of the hessian field in a lane (the row count is below it).
const H_AT: u32 = 16;
/// Bit offset of the gradient field (the top 24 bits).
const G_AT: u32 = 40;
/// Rows added between two decodings: the count stays below 2^16, the hessian field below
/// 4000 * 2^12 < 2^24 and the gradient field within 4000 * 2^11 < 2^23 in magnitude, so
/// no field carries into the next one (a negative gradient field only wraps the top bits).
const FLUSH_ROWS: usize = 4000;

/// Rows below which a histogram is built on the current thread only.
const PAR_MIN_ROWS: usize = 2048;
/// Minimum rows per chunk; nodes with fewer than twice as many rows are one chunk.
const CHUNK_MIN_ROWS: usize = 8192;
/// Most chunks per node.
const MAX_CHUNKS: usize = 16;
/// Rows per gather batch.
const BATCH: usize = 128;
/// Rows whose gradient pairs are computed together (a loop the compiler vectorises).
const GRAD_BATCH: usize = 64;

/// A row's gradient and hessian in fixed point, `g * 2^11` and `h * 2^14` rounded down after
/// adding `u` and `v` (uniform in [0, 1)): stochastic rounding, unbiased over the draws.
#[inline(always)]
pub(crate) fn quantise(g: f32, h: f32, u: f64, v: f64) -> (i32, u32) {
    // exact in f64: g and h have 24-bit mantissas, u and v 24 random bits
    let gs = f64::from(g) * f64::from(1u16 << G_SHIFT) + u;
    let hs = f64::from(h) * f64::from(1u16 << H_SHIFT) + v;
    // in range by construction: |g| <= 1 and 0 <= h <= 1/4 (float casts saturate anyway);
    // a truncating cast of a non-negative value is its floor (no libm call)
    let off = f64::from(1u16 << (G_SHIFT + 1));
    ((gs + off) as i32 - (1 << (G_SHIFT + 1)), hs as u32)
}

/// The lane of a quantised pair: gradient field, hessian field and a row count of one.
#[inline(always)]
pub(crate) fn lane(g: i32, h: u32) -> u64 {
    ((i64::from(g) as u64) << G_AT).wrapping_add(u64::from(h) << H_AT | 1)
}

/// Two uniform draws in [0, 1) for row `i` under the iteration key `key` (SplitMix64).
#[inline(always)]
fn draws(key: u64, i: u64) -> (f64, f64) {
    let mut z = key.wrapping_add(i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    // 24 random bits each
    let scale = (-24f64).exp2();
    (
        (z >> 40) as f64 * scale,
        ((z >> 8) & 0xFF_FFFF) as f64 * scale,
    )
}

/// The iteration key of the draws of boosting iteration `it` under `seed`.
pub(crate) fn iteration_key(seed: u64, it: usize) -> u64 {
    let mut z = seed ^ (it as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    z ^ (z >> 33)
}

/// Histograms of the features `lo..lo + d` being accumulated.
struct Acc {
    packed: Vec<PackedFeature>,
    wide: Vec<WideFeature>,
}

impl Acc {
    fn new(d: usize) -> Acc {
        Acc {
            packed: vec![[0; N_BINS]; d],
            wide: vec![[(0, 0, 0); N_BINS]; d],
        }
    }

    /// Adds a row's lane to the bins `bins` (one per feature).
    #[inline(always)]
    fn add(&mut self, bins: &[u8], lane: u64) {
        for (hf, &b) in self.packed.iter_mut().zip(bins) {
            let e = &mut hf[usize::from(b)];
            *e = e.wrapping_add(lane);
        }
    }

    /// Moves the packed sums into the wide ones.
    fn flush(&mut self) {
        for (pf, wf) in self.packed.iter_mut().zip(self.wide.iter_mut()) {
            for (p, w) in pf.iter_mut().zip(wf.iter_mut()) {
                if *p != 0 {
                    w.0 += (*p as i64) >> G_AT;
                    w.1 += (*p >> H_AT) & ((1 << (G_AT - H_AT)) - 1);
                    w.2 += *p & ((1 << H_AT) - 1);
                    *p = 0;
                }
            }
        }
    }

    fn finish(mut self) -> Vec<WideFeature> {
        self.flush();
        self.wide
    }
}

/// Number of row chunks of a node of `m` rows: two per thread at most, as the sums are exact
/// integers whatever the chunking.
fn n_chunks(m: usize) -> usize {
    let most = (2 * rayon::current_num_threads()).clamp(1, MAX_CHUNKS);
    (m / CHUNK_MIN_ROWS).clamp(1, most)
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

/// `e^x` in `f32` for `x <= 0` (`x` below -87 is taken as -87, whose exponential, 1.6e-38,
/// is 0 next to 1), to within 3e-7 relative: `2^n e^r` with `n` the nearest integer to
/// `x / ln 2`, `r = x - n ln 2` in two parts (Cody and Waite) and the degree-6 Taylor
/// polynomial of `e^r` on `|r| <= ln 2 / 2`. Branch-free, so a loop of it vectorises.
#[inline(always)]
fn exp_nonpos(x: f32) -> f32 {
    // 1.5 * 2^23: adding and subtracting it rounds to the nearest integer
    const ROUND: f32 = 12_582_912.0;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    let x = x.max(-87.0);
    let n = (x * std::f32::consts::LOG2_E + ROUND) - ROUND;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r / 720.0)))));
    // n in -126..=0, so 2^n is a normal float
    p * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// Gradient and hessian of the binary log loss at raw score `z` for label `y`, as `f32`:
/// `(p - y, p (1 - p))` with `p = sigmoid(z)`, from `e = exp(-|z|)` so that both stay
/// accurate in relative terms far from 0.
#[inline(always)]
pub(crate) fn grad_hess(z: f64, y: bool) -> (f32, f32) {
    let z = z as f32;
    let e = exp_nonpos(-z.abs());
    let big = 1.0 / (1.0 + e);
    let small = e * big;
    let (p, q) = if z >= 0.0 { (big, small) } else { (small, big) };
    (if y { -q } else { p }, big * small)
}

/// Computes every row's gradient pair from the raw scores `raw` and labels `y`, quantises
/// it with the draws of iteration key `key` (see [`iteration_key`]), stores its lane in the
/// records and returns the root's histograms (chunks as in [`build`]).
pub(crate) fn gradients_and_root(binned: &mut Binned, raw: &[f64], y: &[bool], key: u64) -> Hist {
    let (n, d, st) = (binned.n, binned.d, binned.stride);
    let len = n.div_ceil(n_chunks(n)).max(1);
    let partials: Vec<Vec<WideFeature>> = binned
        .records_mut()
        .par_chunks_mut(len * st)
        .zip(raw.par_chunks(len))
        .zip(y.par_chunks(len))
        .enumerate()
        .map(|(c, ((recs, r), yc))| {
            let mut acc = Acc::new(d);
            let mut i = (c * len) as u64;
            for ((recs, r), yc) in recs
                .chunks_mut(FLUSH_ROWS * st)
                .zip(r.chunks(FLUSH_ROWS))
                .zip(yc.chunks(FLUSH_ROWS))
            {
                let batches = recs
                    .chunks_mut(GRAD_BATCH * st)
                    .zip(r.chunks(GRAD_BATCH))
                    .zip(yc.chunks(GRAD_BATCH));
                for ((recs, r), yc) in batches {
                    // the pairs first, in a loop the compiler vectorises
                    let mut gh = [(0f32, 0f32); GRAD_BATCH];
                    for ((o, &z), &yi) in gh.iter_mut().zip(r).zip(yc) {
                        *o = grad_hess(z, yi);
                    }
                    for (rec, &(g, hh)) in recs.chunks_exact_mut(st).zip(&gh) {
                        let (u, v) = draws(key, i);
                        let (gq, hq) = quantise(g, hh, u, v);
                        let l = lane(gq, hq);
                        put_lane(rec, l);
                        acc.add(rec, l);
                        i += 1;
                    }
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
    let add = |acc: &mut Acc, rec: &[u8]| acc.add(&rec[lo..], get_lane(rec));
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
        let key = iteration_key(7, 3);
        let root = gradients_and_root(&mut b, &raw, &y, key);
        let rows: Vec<u32> = (0..n as u32).filter(|i| i % 4 != 0).collect();
        let node = build(&b, Some(&rows));
        let (gs, hs) = (2f64.powi(-G_SHIFT), 2f64.powi(-H_SHIFT));
        for (hist, keep) in [(&root, 1), (&node, 4)] {
            // exact sums of the rows' fixed-point pairs, in f64 (exact below 2^53)
            let mut want = vec![[(0i64, 0u64, 0u32); N_BINS]; 3];
            for i in (0..n).filter(|i| keep == 1 || i % 4 != 0) {
                let (g, h) = grad_hess(raw[i], y[i]);
                let (u, v) = draws(key, i as u64);
                let (gq, hq) = quantise(g, h, u, v);
                // one step of the resolution at most, below or above
                assert!((f64::from(gq) * gs - f64::from(g)).abs() < gs);
                assert!((f64::from(hq) * hs - f64::from(h)).abs() < hs);
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
                    assert_eq!(e.gh[0], w.0 as f64 * gs);
                    assert_eq!(e.gh[1], w.1 as f64 * hs);
                }
            }
        }
        assert_eq!(root[1][255].n as usize, n.div_ceil(13));
    }

    #[test]
    fn stochastic_rounding_is_unbiased() {
        // one value a third of the way between two grid points, over 300,000 rows' draws
        let key = iteration_key(0, 1);
        let (g, h) = (-(1.0 + 1.0 / 3.0) / 2048.0, (5.0 + 0.25) / 16384.0);
        let m = 300_000u64;
        let (mut sg, mut sh) = (0i64, 0u64);
        for i in 0..m {
            let (u, v) = draws(key, i);
            let (gq, hq) = quantise(g as f32, h as f32, u, v);
            assert!(gq == -2 || gq == -1, "{gq}");
            assert!(hq == 5 || hq == 6, "{hq}");
            sg += i64::from(gq);
            sh += u64::from(hq);
        }
        // binomial: the mean's standard deviation is about 0.0009; 0.004 is over 4 of them
        let (mg, mh) = (sg as f64 / m as f64, sh as f64 / m as f64);
        assert!((mg - g as f32 as f64 * 2048.0).abs() < 0.004, "{mg}");
        assert!((mh - h as f32 as f64 * 16384.0).abs() < 0.004, "{mh}");
        // another iteration draws differently; the same one repeats
        assert_ne!(draws(iteration_key(0, 2), 5), draws(key, 5));
        assert_eq!(draws(iteration_key(0, 1), 5), draws(key, 5));
    }

    #[test]
    fn packed_lanes_stay_exact_between_flushes() {
        // the extreme pairs: |g| = 1 and h = 1/4 on every row between two flushes
        assert_eq!(quantise(-1.0, 0.25, 0.0, 0.0), (-(1 << 11), 1 << 12));
        assert_eq!(quantise(1.0, 0.0, 0.999, 0.999), (1 << 11, 0));
        assert_eq!(quantise(-1.5e-9, 1.8e-8, 0.0, 0.5), (-1, 0));
        assert!((FLUSH_ROWS as u64) << 12 < 1 << (G_AT - H_AT));
        assert!((FLUSH_ROWS as u64) << 11 < 1 << (63 - G_AT));
        for (g, h) in [(-(1 << 11), 1 << 12), (1 << 11, 1 << 12), (0, 0), (-1, 3)] {
            let mut acc = Acc::new(1);
            for _ in 0..FLUSH_ROWS {
                acc.add(&[7], lane(g, h));
            }
            acc.flush();
            acc.add(&[7], lane(5, 3));
            acc.add(&[9], lane(-5, 2));
            let w = acc.finish();
            let m = FLUSH_ROWS as i64;
            assert_eq!(
                w[0][7],
                (
                    m * i64::from(g) + 5,
                    (m * i64::from(h)) as u64 + 3,
                    m as u64 + 1
                )
            );
            assert_eq!(w[0][9], (-5, 2, 1));
        }
    }

    #[test]
    fn branch_free_exp_is_within_3e7_relative() {
        let mut worst = 0f64;
        for k in 0..=870_000 {
            let x = -(k as f32) * 1e-4;
            let want = f64::from(x).exp();
            let got = f64::from(exp_nonpos(x));
            worst = worst.max((got - want).abs() / want);
        }
        assert!(worst < 3e-7, "{worst}");
        // below -87 the value is e^-87, not 0 and not a NaN
        assert_eq!(exp_nonpos(-200.0), exp_nonpos(-87.0));
        assert!(exp_nonpos(f32::NEG_INFINITY) > 0.0);
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
