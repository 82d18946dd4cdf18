//! Parallel interning of a large column: the distinct values in sorted order and each row's
//! position in that order, exactly as [`super::ids::try_intern_sorted`] returns them.
//!
//! Rows are split into one chunk per thread; each chunk interns its rows in first-seen
//! order with its own hash map; the chunks' distinct values are merged (chunk order), sorted
//! once, and every row's local code is mapped to its rank. The result is a function of the
//! values only (sorted distinct values, ranks), so it does not depend on the thread count;
//! the error returned is the one of the first failing row, as in the sequential version.

use std::hash::Hash;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::columns::MISSING;
use super::ids::{intern_first_seen, try_intern_sorted};

/// Rows below which interning runs on the calling thread.
const PAR_MIN_ROWS: usize = 1 << 17;

/// One chunk's first-seen distinct values and local codes.
type Local<'a, K> = (Vec<&'a K>, Vec<u32>);

/// [`try_intern_sorted`] over `n` rows read by `value(row)`, in parallel for large `n`.
pub(crate) fn par_try_intern_sorted<'a, K, E>(
    n: usize,
    value: impl Fn(usize) -> Result<Option<&'a K>, E> + Sync,
) -> Result<(Vec<&'a K>, Vec<u32>), E>
where
    K: Hash + Eq + Ord + Sync + ?Sized + 'a,
    E: Send,
{
    let threads = rayon::current_num_threads();
    if n < PAR_MIN_ROWS || threads < 2 {
        return try_intern_sorted(n, value);
    }
    let len = n.div_ceil(threads);
    let locals: Vec<Result<Local<'a, K>, E>> = (0..threads)
        .into_par_iter()
        .map(|c| intern_first_seen((c * len).min(n), ((c + 1) * len).min(n), &value))
        .collect();
    let mut parts = Vec::with_capacity(locals.len());
    for l in locals {
        parts.push(l?);
    }
    // merge the chunks' distinct values: global first-seen ids, one table per chunk
    let mut map: FxHashMap<&K, u32> = FxHashMap::default();
    map.reserve(parts.iter().map(|p| p.0.len()).max().unwrap_or(0));
    let mut uniq: Vec<&K> = Vec::new();
    let tables: Vec<Vec<u32>> = parts
        .iter()
        .map(|(local, _)| {
            local
                .iter()
                .map(|&v| {
                    let next = uniq.len() as u32;
                    *map.entry(v).or_insert_with(|| {
                        uniq.push(v);
                        next
                    })
                })
                .collect()
        })
        .collect();
    drop(map);
    let mut order: Vec<u32> = (0..uniq.len() as u32).collect();
    order.par_sort_unstable_by(|&a, &b| uniq[a as usize].cmp(uniq[b as usize]));
    let mut rank = vec![0u32; uniq.len()];
    for (new, &old) in order.iter().enumerate() {
        rank[old as usize] = new as u32;
    }
    let mut codes = vec![MISSING; n];
    codes
        .par_chunks_mut(len)
        .zip(parts.par_iter().zip(tables.par_iter()))
        .for_each(|(out, ((_, local), table))| {
            for (o, &c) in out.iter_mut().zip(local) {
                if c != MISSING {
                    *o = rank[table[c as usize] as usize];
                }
            }
        });
    Ok((order.iter().map(|&o| uniq[o as usize]).collect(), codes))
}

/// [`par_try_intern_sorted`] for values that cannot fail.
pub(crate) fn par_intern_sorted<'a, K>(
    n: usize,
    value: impl Fn(usize) -> Option<&'a K> + Sync,
) -> (Vec<&'a K>, Vec<u32>)
where
    K: Hash + Eq + Ord + Sync + ?Sized + 'a,
{
    let out: Result<_, std::convert::Infallible> = par_try_intern_sorted(n, |r| Ok(value(r)));
    match out {
        Ok(v) => v,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map(|p| p.install(f))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn equals_the_sequential_interning_on_any_thread_count() {
        let n = 3 * PAR_MIN_ROWS + 11;
        let vals: Vec<String> = (0..n)
            .map(|i| format!("c{}", (i * 7919) % 50_021))
            .collect();
        let value = |r: usize| -> Result<Option<&str>, String> {
            Ok((r % 97 != 5).then(|| vals[r].as_str()))
        };
        let want = try_intern_sorted(n, value).unwrap_or_else(|e| panic!("{e}"));
        assert!(want.1.contains(&MISSING));
        for t in [1, 2, 3, 4] {
            let got =
                in_pool(t, || par_try_intern_sorted(n, value)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(got, want, "{t} threads");
        }
    }

    #[test]
    fn the_first_failing_row_is_reported() {
        let n = 4 * PAR_MIN_ROWS;
        let bad = [3 * PAR_MIN_ROWS + 5, 2 * PAR_MIN_ROWS + 1];
        let value = |r: usize| -> Result<Option<&str>, usize> {
            if bad.contains(&r) {
                Err(r)
            } else {
                Ok(Some("x"))
            }
        };
        for t in [1, 2, 4] {
            assert_eq!(
                in_pool(t, || par_try_intern_sorted(n, value)),
                Err(bad[1]),
                "{t} threads"
            );
        }
    }
}
