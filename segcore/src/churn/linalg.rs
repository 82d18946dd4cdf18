//! Small dense linear algebra for the Newton solver (crate-internal): dot products with a
//! fixed summation order and a Cholesky solve of a symmetric positive-definite system.

use crate::{Result, SegError};

/// Dot product with eight fixed-order partial sums (deterministic, vectorisable).
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail
}

/// Cholesky factor `L` (row-major, lower) of a symmetric positive-definite `n x n` matrix `a`
/// (only the lower triangle is read). Returns a `Numerical` error when `a` is not positive
/// definite.
pub(crate) fn cholesky(a: &[f64], n: usize) -> Result<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if s.is_nan() || s <= 0.0 || !s.is_finite() {
                    return Err(SegError::Numerical {
                        context: "Cholesky factorisation".into(),
                        reason: format!("matrix is not positive definite (pivot {i} = {s:e})"),
                    });
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    Ok(l)
}

/// Solves `L L^T x = b` for a factor from [`cholesky`].
pub(crate) fn cholesky_solve_factored(l: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    // forward: L y = b
    let mut y = b.to_vec();
    for i in 0..n {
        let mut s = y[i];
        for k in 0..i {
            s -= l[i * n + k] * y[k];
        }
        y[i] = s / l[i * n + i];
    }
    // backward: L^T x = y
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in i + 1..n {
            s -= l[k * n + i] * y[k];
        }
        y[i] = s / l[i * n + i];
    }
    y
}

/// Solves `A x = b` for a symmetric positive-definite `a` (see [`cholesky`]).
#[cfg(test)]
pub(crate) fn cholesky_solve(a: &[f64], b: &[f64], n: usize) -> Result<Vec<f64>> {
    Ok(cholesky_solve_factored(&cholesky(a, n)?, b, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_spd_system() {
        // A = [[4, 2], [2, 3]], x = [1, -1] -> b = [2, -1]
        let x = cholesky_solve(&[4.0, 2.0, 2.0, 3.0], &[2.0, -1.0], 2).unwrap();
        assert!((x[0] - 1.0).abs() < 1e-14 && (x[1] + 1.0).abs() < 1e-14);
        assert!(cholesky_solve(&[1.0, 2.0, 2.0, 1.0], &[1.0, 1.0], 2).is_err());
    }
}
