//! Minimum-cost assignment (the Hungarian method, in the shortest-augmenting-path form of
//! Jonker–Volgenant), used to keep segment ids stable across refits.
//!
//! ```
//! use segcore::cluster::hungarian::linear_assignment;
//! let cost = ndarray::array![[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]];
//! assert_eq!(linear_assignment(cost.view()).unwrap(), vec![(0, 1), (1, 0), (2, 2)]);
//! ```

use ndarray::ArrayView2;

use crate::{Result, SegError};

/// Pairs `(row, column)` of a minimum-cost matching of size `min(rows, cols)`, sorted by row
/// (as scipy's `linear_sum_assignment`). Costs must be finite. O(n² m).
///
/// ```
/// use segcore::cluster::hungarian::linear_assignment;
/// // more columns than rows: each row takes its cheapest distinct column
/// let cost = ndarray::array![[5.0, 9.0, 1.0], [10.0, 3.0, 2.0]];
/// assert_eq!(linear_assignment(cost.view()).unwrap(), vec![(0, 2), (1, 1)]);
/// ```
pub fn linear_assignment(cost: ArrayView2<f64>) -> Result<Vec<(usize, usize)>> {
    let (rows, cols) = cost.dim();
    if rows == 0 || cols == 0 {
        return Ok(Vec::new());
    }
    for ((i, j), v) in cost.indexed_iter() {
        if !v.is_finite() {
            return Err(SegError::invalid(
                format!("cost[:, {j}]"),
                i,
                format!("{v} is not a finite cost"),
            ));
        }
    }
    if rows > cols {
        let mut t = linear_assignment(cost.t())?;
        for p in t.iter_mut() {
            *p = (p.1, p.0);
        }
        t.sort_unstable();
        return Ok(t);
    }
    let (n, m) = (rows, cols);
    let a = |i: usize, j: usize| cost[[i - 1, j - 1]];
    let mut u = vec![0.0f64; n + 1];
    let mut v = vec![0.0f64; m + 1];
    let mut p = vec![0usize; m + 1];
    let mut way = vec![0usize; m + 1];
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0usize;
        let mut minv = vec![f64::INFINITY; m + 1];
        let mut used = vec![false; m + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = f64::INFINITY;
            let mut j1 = 0usize;
            for j in 1..=m {
                if !used[j] {
                    let cur = a(i0, j) - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=m {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut out: Vec<(usize, usize)> = (1..=m)
        .filter(|&j| p[j] != 0)
        .map(|j| (p[j] - 1, j - 1))
        .collect();
    out.sort_unstable();
    Ok(out)
}
