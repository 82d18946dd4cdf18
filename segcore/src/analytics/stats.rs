//! Distribution functions used by the analyses, written from scratch: log-gamma and the
//! incomplete gamma continued fraction (shared with the CLV models, `clv::special`), `erfc`
//! (through the regularised incomplete gamma function), the regularised incomplete beta
//! function (continued fraction, modified Lentz), the normal and Student-t CDFs and their
//! quantiles.
//!
//! ```
//! use segcore::analytics::stats::{normal_cdf, student_t_sf};
//! assert!((normal_cdf(1.959963984540054) - 0.975).abs() < 1e-12);
//! // P(T > 2.228138851986) with 10 degrees of freedom is 0.025
//! assert!((student_t_sf(2.228138851986, 10.0) - 0.025).abs() < 1e-10);
//! ```

use crate::{Result, SegError};

/// Natural log of the gamma function: the CLV models' own routine (Lanczos, ~1e-15
/// relative), re-exported so every analysis uses the same one.
///
/// ```
/// let v = segcore::analytics::stats::ln_gamma(5.0);
/// assert!((v - 24f64.ln()).abs() < 1e-13);
/// ```
pub use crate::clv::special::ln_gamma;

/// Regularised upper incomplete gamma `Q(a, x)` for `a > 0`, `x >= 0` (series below `a + 1`,
/// continued fraction above; NaN if it fails to converge).
///
/// ```
/// // Q(1, x) = exp(-x)
/// let q = segcore::analytics::stats::gamma_q(1.0, 2.0);
/// assert!((q - (-2f64).exp()).abs() < 1e-15);
/// ```
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if x.is_nan() || a.is_nan() || a <= 0.0 || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return 1.0;
    }
    let lead = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        // series for P
        let mut ap = a;
        let mut sum = 1.0 / a;
        let mut del = sum;
        for _ in 0..10_000 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * 1e-17 {
                return 1.0 - sum * lead.exp();
            }
        }
        f64::NAN
    } else {
        // continued fraction for Q
        match crate::clv::special::upper_gamma_cf(a, x) {
            Some(h) => lead.exp() * h,
            None => f64::NAN,
        }
    }
}

/// Complementary error function, `erfc(x) = Q(1/2, x²)` for `x >= 0` and `2 - erfc(-x)` below.
///
/// ```
/// let v = segcore::analytics::stats::erfc(1.0);
/// assert!((v - 0.157_299_207_050_285_13).abs() < 1e-15);
/// ```
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x >= 0.0 {
        gamma_q(0.5, x * x)
    } else {
        2.0 - gamma_q(0.5, x * x)
    }
}

/// Standard normal CDF `Φ(z)`.
///
/// ```
/// assert_eq!(segcore::analytics::stats::normal_cdf(0.0), 0.5);
/// ```
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// Standard normal survival function `1 - Φ(z)`, accurate in the upper tail.
///
/// ```
/// let p = segcore::analytics::stats::normal_sf(5.0);
/// assert!((p / 2.866_515_718_791_939e-7 - 1.0).abs() < 1e-12);
/// ```
pub fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// Standard normal quantile `Φ⁻¹(p)` for `0 < p < 1` (Acklam's approximation and one Halley
/// step; error below 1e-13).
///
/// ```
/// let z = segcore::analytics::stats::normal_quantile(0.975).unwrap();
/// assert!((z - 1.959_963_984_540_054).abs() < 1e-12);
/// ```
pub fn normal_quantile(p: f64) -> Result<f64> {
    if !(p > 0.0 && p < 1.0) {
        return Err(SegError::param("p", format!("{p} is not in (0, 1)")));
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let lo = 0.024_25;
    let x = if p < lo {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - lo {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // Halley refinement on Φ(x) - p
    let mut x = x;
    for _ in 0..2 {
        let e = normal_cdf(x) - p;
        let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
        x -= u / (1.0 + x * u / 2.0);
    }
    Ok(x)
}

fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    let tiny = 1e-300;
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..100_000 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = 1.0 + aa / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            return h;
        }
    }
    f64::NAN
}

/// Regularised incomplete beta function `I_x(a, b)` for `a, b > 0`, `0 <= x <= 1`
/// (continued fraction, evaluated on the side where it converges fast; NaN outside the domain).
///
/// ```
/// // I_x(1, 1) = x
/// let v = segcore::analytics::stats::inc_beta(1.0, 1.0, 0.3);
/// assert!((v - 0.3).abs() < 1e-15);
/// ```
pub fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if !(a > 0.0 && b > 0.0 && (0.0..=1.0).contains(&x)) {
        return f64::NAN;
    }
    if x == 0.0 || x == 1.0 {
        return x;
    }
    let ln_bt = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let bt = ln_bt.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        bt * beta_cf(a, b, x) / a
    } else {
        1.0 - bt * beta_cf(b, a, 1.0 - x) / b
    }
}

/// Upper tail `P(T > t)` of Student's t with `df > 0` degrees of freedom (from
/// `I_{df/(df+t²)}(df/2, 1/2)`, so small tails keep their precision).
///
/// ```
/// assert_eq!(segcore::analytics::stats::student_t_sf(0.0, 3.0), 0.5);
/// ```
pub fn student_t_sf(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if t.is_infinite() {
        return if t > 0.0 { 0.0 } else { 1.0 };
    }
    let x = df / (df + t * t);
    let tail = 0.5 * inc_beta(df / 2.0, 0.5, x);
    if t >= 0.0 { tail } else { 1.0 - tail }
}

/// Student-t CDF `P(T <= t)`.
///
/// ```
/// let p = segcore::analytics::stats::student_t_cdf(-2.228138851986, 10.0);
/// assert!((p - 0.025).abs() < 1e-10);
/// ```
pub fn student_t_cdf(t: f64, df: f64) -> f64 {
    student_t_sf(-t, df)
}

/// Student-t quantile for `0 < p < 1` and `df > 0` (bisection on the CDF to 1e-13).
///
/// ```
/// let t = segcore::analytics::stats::student_t_quantile(0.975, 10.0).unwrap();
/// assert!((t - 2.228_138_851_986).abs() < 1e-9);
/// ```
pub fn student_t_quantile(p: f64, df: f64) -> Result<f64> {
    if !(p > 0.0 && p < 1.0) {
        return Err(SegError::param("p", format!("{p} is not in (0, 1)")));
    }
    if df.is_nan() || df <= 0.0 || !df.is_finite() {
        return Err(SegError::param("df", format!("{df} must be positive")));
    }
    let mut hi = 1.0_f64;
    while student_t_cdf(hi, df) < p {
        hi *= 2.0;
        if hi > 1e300 {
            return Err(SegError::Numerical {
                context: "student_t_quantile".into(),
                reason: "no bracket found".into(),
            });
        }
    }
    let mut lo = -1.0_f64;
    while student_t_cdf(lo, df) > p {
        lo *= 2.0;
        if lo < -1e300 {
            return Err(SegError::Numerical {
                context: "student_t_quantile".into(),
                reason: "no bracket found".into(),
            });
        }
    }
    for _ in 0..2000 {
        let mid = 0.5 * (lo + hi);
        if student_t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-13 * (1.0 + mid.abs()) {
            break;
        }
    }
    Ok(0.5 * (lo + hi))
}
