//! BG/NBD against Fader, Hardie & Lee (2005) on the CDNOW sample (weeks).

#[path = "clv_common.rs"]
mod common;

use common::{assert_close, cdnow, cdnow_row};
use segcore::clv::{BetaGeo, TransactionModel};
use segcore::data::TimeUnit;
use segcore::model;

#[test]
fn reproduces_published_fit() {
    let s = cdnow();
    assert_eq!(s.len(), 2357);
    let m = BetaGeo::params().fit(&s).unwrap();
    assert_close(m.r, 0.2426, 5e-4, "r");
    assert_close(m.alpha, 4.4137, 5e-4, "alpha");
    assert_close(m.a, 0.7930, 5e-4, "a");
    assert_close(m.b, 2.4262, 5e-4, "b");
    assert_close(m.log_likelihood, -9582.43, 0.01, "loglik");
    assert!(m.report.converged);
    assert_eq!(m.unit, TimeUnit::Weeks);
    let se = m.standard_errors.clone().unwrap();
    assert!(se.iter().all(|v| *v > 0.0 && v.is_finite()));

    // customer 1516
    let (x, tx, t) = cdnow_row(&s, 1516);
    assert_eq!((x, tx, t), (26.0, 30.86, 31.0));
    let e = m
        .conditional_expected_purchases_one(52.0, 26.0, 30.857, 31.0)
        .unwrap();
    assert_close(e, 25.757, 0.01, "customer 1516 over 52 weeks");
    let p = m.p_alive_one(26.0, 30.857, 31.0).unwrap();
    assert_close(p, 0.9689, 0.001, "customer 1516 p_alive");

    // model file round trip gives identical predictions
    let json = model::to_json(&m).unwrap();
    let back: BetaGeo = model::from_json(&json).unwrap();
    assert_eq!(back, m);
    let a = m.p_alive_for(&s).unwrap();
    let b = back.p_alive_for(&s).unwrap();
    assert_eq!(a, b);
    assert!(json.contains("\"time_unit\":\"weeks\""));
}

#[test]
fn published_predictions_at_published_params() {
    let m = BetaGeo::from_params(0.2426, 4.4137, 0.7930, 2.4262, TimeUnit::Weeks).unwrap();
    let e = m
        .conditional_expected_purchases_one(39.0, 2.0, 30.43, 38.86)
        .unwrap();
    assert_close(e, 1.226, 0.001, "conditional expected purchases");
    let ts = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0];
    let want = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    let got = m.expected_purchases(&ts).unwrap();
    for ((g, w), t) in got.iter().zip(want).zip(ts) {
        assert_close(*g, w, 5e-4, &format!("expected purchases up to {t}"));
    }
    // probabilities of n purchases sum to one
    let total: f64 = (0..400)
        .map(|n| m.probability_of_n_purchases_one(39.0, n).unwrap())
        .sum();
    assert_close(total, 1.0, 1e-6, "sum of P(X(t) = n)");
    let mean: f64 = (0..400)
        .map(|n| n as f64 * m.probability_of_n_purchases_one(39.0, n).unwrap())
        .sum();
    assert_close(
        mean,
        m.expected_purchases_one(39.0).unwrap(),
        1e-6,
        "mean of P(X(t) = n)",
    );
}

#[test]
fn heavy_buyers_stay_finite() {
    let m = BetaGeo::from_params(10.465, 0.00798565181, 3.0516, 2.820, TimeUnit::Weeks).unwrap();
    let p = m.p_alive_one(221.0, 103.43, 103.57).unwrap();
    assert!(p.is_finite() && (0.0..=1.0).contains(&p), "{p}");
    let e = m
        .conditional_expected_purchases_one(52.0, 221.0, 103.43, 103.57)
        .unwrap();
    assert!(e.is_finite() && e >= 0.0, "{e}");
}

#[test]
fn refuses_other_units_and_bad_rows() {
    let s = cdnow();
    let m = BetaGeo::from_params(0.2426, 4.4137, 0.7930, 2.4262, TimeUnit::Days).unwrap();
    let err = m.p_alive_for(&s).unwrap_err();
    assert_eq!(err.code(), "UNIT_MISMATCH");
    let err = m
        .p_alive(&[1.0, 2.0], &[0.5, 3.0], &[1.0, 2.0])
        .unwrap_err();
    assert!(err.to_string().contains("`recency`, row 1"), "{err}");
}

#[test]
fn not_converged_names_iterations() {
    let s = cdnow();
    let err = BetaGeo::params().max_iter(1).fit(&s).unwrap_err();
    assert_eq!(err.code(), "NOT_CONVERGED");
    let msg = err.to_string();
    assert!(msg.contains("after 1 iterations"), "{msg}");
    assert!(msg.contains("gradient norm"), "{msg}");
}
