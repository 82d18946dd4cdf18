//! Pareto/NBD against Fader, Hardie & Lee (2005) on the CDNOW sample (weeks).

#[path = "clv_common.rs"]
mod common;

use common::{assert_close, cdnow};
use segcore::clv::{ParetoNbd, TransactionModel};
use segcore::data::TimeUnit;
use segcore::model;

#[test]
fn reproduces_published_fit() {
    let s = cdnow();
    let m = ParetoNbd::params().fit(&s).unwrap();
    assert_close(m.r, 0.553, 5e-3, "r");
    assert_close(m.alpha, 10.578, 5e-3, "alpha");
    assert_close(m.s, 0.606, 5e-3, "s");
    assert_close(m.beta, 11.669, 5e-3, "beta");
    assert_close(m.log_likelihood, -9594.98, 0.05, "loglik");
    assert!(m.standard_errors.as_ref().unwrap().iter().all(|v| *v > 0.0));

    let e = m
        .conditional_expected_purchases_one(52.0, 26.0, 30.857, 31.0)
        .unwrap();
    assert_close(e, 25.46, 0.01, "customer 1516 over 52 weeks");
    let p = m.p_alive_one(26.0, 30.857, 31.0).unwrap();
    assert_close(p, 0.9979, 0.001, "customer 1516 p_alive");

    let ts: Vec<f64> = (0..10).map(f64::from).collect();
    let want = [
        0.0, 0.0508, 0.0992, 0.1454, 0.1898, 0.2325, 0.2736, 0.3134, 0.3518, 0.3891,
    ];
    for (g, w) in m.expected_purchases(&ts).unwrap().iter().zip(want) {
        assert_close(*g, w, 0.01, "expected purchases");
    }

    let json = model::to_json(&m).unwrap();
    let back: ParetoNbd = model::from_json(&json).unwrap();
    assert_eq!(back, m);
    assert_eq!(
        m.conditional_expected_purchases_for(52.0, &s).unwrap(),
        back.conditional_expected_purchases_for(52.0, &s).unwrap()
    );
}

#[test]
fn heavy_buyers_and_probabilities() {
    let m = ParetoNbd::from_params(10.465, 0.00798565181, 3.0516, 2.820, TimeUnit::Weeks).unwrap();
    let p = m.p_alive_one(221.0, 103.43, 103.57).unwrap();
    assert!(p.is_finite() && (0.0..=1.0).contains(&p), "{p}");
    let m = ParetoNbd::from_params(0.553, 10.578, 0.606, 11.669, TimeUnit::Weeks).unwrap();
    let p = m.p_alive_one(221.0, 103.43, 103.57).unwrap();
    assert!(p.is_finite() && (0.0..=1.0).contains(&p), "{p}");
    // unconditional probabilities sum to one and their mean is the expected purchases
    let probs: Vec<f64> = (0..300)
        .map(|n| m.probability_of_n_purchases_one(20.0, n).unwrap())
        .collect();
    assert_close(probs.iter().sum(), 1.0, 1e-6, "sum of P(X(t) = n)");
    let mean: f64 = probs.iter().enumerate().map(|(n, p)| n as f64 * p).sum();
    assert_close(mean, m.expected_purchases_one(20.0).unwrap(), 1e-5, "mean");
}
