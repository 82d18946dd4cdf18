//! Analytic gradients of every log-likelihood against central finite differences, and the
//! thread-count independence of the chunked sums.

#[path = "clv_common.rs"]
mod common;

use common::{cdnow, donations};
use segcore::Result;
use segcore::clv::optim::{LogLikStats, finite_difference_gradient};
use segcore::clv::{BetaGeo, BetaGeoBetaBinom, GammaGamma, ModifiedBetaGeo, ParetoNbd};

fn check(name: &str, theta: &[f64], eval: impl Fn(&[f64]) -> Result<LogLikStats>) {
    let analytic = eval(theta).unwrap().grad;
    let fd = finite_difference_gradient(theta, &eval).unwrap();
    for (k, (a, f)) in analytic.iter().zip(&fd).enumerate() {
        assert!(
            (a - f).abs() <= 1e-5 * f.abs().max(1.0),
            "{name} d/dtheta[{k}]: analytic {a}, finite difference {f}"
        );
    }
}

#[test]
fn gradients_match_finite_differences() {
    let s = cdnow();
    let w = s.compress();
    for th in [[0.3, 5.0, 0.8, 2.5], [1.2, 2.0, 3.0, 0.7]] {
        check("BetaGeo", &th, |t| Ok(BetaGeo::partial(t, w.as_batch())));
        check("ModifiedBetaGeo", &th, |t| {
            Ok(ModifiedBetaGeo::partial(t, w.as_batch()))
        });
    }
    // both branches of the Pareto/NBD A0 term (alpha >= beta and alpha < beta)
    for th in [
        [0.55, 12.0, 0.6, 10.0],
        [0.5, 8.0, 0.7, 15.0],
        [2.0, 1.0, 1.5, 3.0],
    ] {
        check("ParetoNbd", &th, |t| ParetoNbd::partial(t, w.as_batch()));
    }
    let (x, m) = s.repeat_buyers();
    for th in [[6.0, 3.5, 15.0], [1.5, 8.0, 4.0]] {
        check("GammaGamma", &th, |t| Ok(GammaGamma::partial(t, &x, &m)));
    }
    let d = donations();
    for th in [[1.2, 0.75, 0.65, 2.8], [0.4, 2.0, 3.0, 0.5]] {
        check("BetaGeoBetaBinom", &th, |t| {
            Ok(BetaGeoBetaBinom::partial(t, d.as_batch()))
        });
    }
}

#[test]
fn fits_do_not_depend_on_thread_count() {
    let s = cdnow();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let three = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let a = one.install(|| ParetoNbd::params().fit(&s).unwrap());
    let b = three.install(|| ParetoNbd::params().fit(&s).unwrap());
    assert_eq!(a, b);
    // merged statistics of chunks equal the statistics of the whole, up to rounding
    let w = s.compress();
    let th = [0.3, 5.0, 0.8, 2.5];
    let whole = BetaGeo::partial(&th, w.as_batch());
    let mut merged = LogLikStats::zero(4);
    for b in w.batches(100) {
        merged.merge(&BetaGeo::partial(&th, b));
    }
    assert!((whole.loglik - merged.loglik).abs() < 1e-8 * whole.loglik.abs());
    assert_eq!(whole.weight, 2357.0);
}
