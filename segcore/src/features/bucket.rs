//! Rows bucketed by customer with a parallel, stable counting sort (row order within each
//! customer, whatever the number of threads). Time order is restored later, per block of
//! customers, on gathered contiguous columns.

use rayon::prelude::*;

/// `rows[offsets[c]..offsets[c + 1]]` are the rows of customer `c`, in row order.
pub(crate) struct Buckets {
    pub offsets: Vec<usize>,
    pub rows: Vec<u32>,
}

/// Rows per counting chunk: a fixed size, so the chunking never depends on the thread count
/// (the result does not either: the sort is stable).
const CHUNK: usize = 1 << 21;

/// Buckets `customer` codes (each `< n`).
pub(crate) fn bucket(customer: &[u32], n: usize) -> Buckets {
    bucket_with(customer, n, CHUNK)
}

fn bucket_with(customer: &[u32], n: usize, chunk: usize) -> Buckets {
    let chunks: Vec<&[u32]> = customer.chunks(chunk).collect();
    // per-chunk histograms (chunks are few: 5 for 10M rows)
    let mut counts: Vec<Vec<u32>> = chunks
        .par_iter()
        .map(|ch| {
            let mut h = vec![0u32; n];
            for &c in *ch {
                h[c as usize] += 1;
            }
            h
        })
        .collect();
    // offsets[c] = rows of customers < c; chunk k of customer c starts after chunks < k
    let mut offsets = vec![0usize; n + 1];
    let mut total = 0usize;
    for c in 0..n {
        offsets[c] = total;
        for h in counts.iter_mut() {
            let k = h[c] as usize;
            h[c] = total as u32;
            total += k;
        }
    }
    offsets[n] = total;
    // Scatter in parallel over fixed customer ranges: each task scans the customer column
    // and writes the rows of its own range only, so writes stay within one small region.
    let mut rows = vec![0u32; total];
    let parts = rayon::current_num_threads().clamp(1, 64) * 4;
    let per = n.div_ceil(parts.max(1)).max(1);
    let mut views: Vec<(usize, &mut [u32])> = Vec::with_capacity(parts);
    let mut rest: &mut [u32] = &mut rows;
    let mut start_c = 0;
    while start_c < n {
        let end_c = (start_c + per).min(n);
        let len = offsets[end_c] - offsets[start_c];
        let (head, tail) = rest.split_at_mut(len);
        views.push((start_c, head));
        rest = tail;
        start_c = end_c;
    }
    let counts = &counts;
    let offsets_ref = &offsets;
    views.into_par_iter().for_each(|(c0, out)| {
        let c1 = (c0 + per).min(n);
        let base = offsets_ref[c0];
        let mut next: Vec<Vec<u32>> = counts.iter().map(|h| h[c0..c1].to_vec()).collect();
        for (k, ch) in chunks.iter().enumerate() {
            let first_row = k * chunk;
            let nk = &mut next[k];
            for (i, &c) in ch.iter().enumerate() {
                let c = c as usize;
                if c >= c0 && c < c1 {
                    let slot = &mut nk[c - c0];
                    out[*slot as usize - base] = (first_row + i) as u32;
                    *slot += 1;
                }
            }
        }
    });
    Buckets { offsets, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_buckets_for_any_chunking() {
        let mut x: u64 = 12345;
        let customer: Vec<u32> = (0..5_000)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((x >> 33) % 97) as u32
            })
            .collect();
        let n = 100;
        let want = crate::data::Groups::of_valid(&customer, &vec![0; customer.len()], n);
        for chunk in [1, 7, 1000, 1 << 21] {
            let b = bucket_with(&customer, n, chunk);
            assert_eq!(b.offsets, want.offsets);
            assert_eq!(b.rows, want.rows);
        }
    }
}
