//! Churn metrics against scikit-learn 1.9 (golden values from tests/golden/churn/make_golden.py).

#[path = "churn_util.rs"]
mod util;

use segcore::churn::metrics;

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} vs {b}");
}

#[test]
fn ranking_metrics_match_sklearn_with_ties() {
    let g = util::read_json("metrics.json");
    let y: Vec<bool> = g["y"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64() == Some(1))
        .collect();
    let scores = util::f64s(&g["scores"]);
    let proba = util::f64s(&g["proba"]);
    // the score vector really has ties
    let mut distinct = scores.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    assert!(distinct.len() < 15);
    close(
        metrics::roc_auc(&y, &scores).unwrap(),
        g["roc_auc_scores"].as_f64().unwrap(),
        1e-12,
    );
    close(
        metrics::average_precision(&y, &scores).unwrap(),
        g["average_precision_scores"].as_f64().unwrap(),
        1e-12,
    );
    close(
        metrics::roc_auc(&y, &proba).unwrap(),
        g["roc_auc_proba"].as_f64().unwrap(),
        1e-12,
    );
    close(
        metrics::pr_auc(&y, &proba).unwrap(),
        g["average_precision_proba"].as_f64().unwrap(),
        1e-12,
    );
}

#[test]
fn probability_metrics_match_sklearn() {
    let g = util::read_json("metrics.json");
    let y: Vec<bool> = g["y"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64() == Some(1))
        .collect();
    let proba = util::f64s(&g["proba"]);
    close(
        metrics::log_loss(&y, &proba).unwrap(),
        g["log_loss"].as_f64().unwrap(),
        1e-12,
    );
    close(
        metrics::brier_score(&y, &proba).unwrap(),
        g["brier_score"].as_f64().unwrap(),
        1e-12,
    );
}

#[test]
fn calibration_and_lift_by_hand() {
    // 20 customers, probabilities 0.00..0.95; the top 4 and customer 0 churned
    let p: Vec<f64> = (0..20).map(|i| i as f64 / 20.0).collect();
    let mut y = vec![false; 20];
    for i in [0, 16, 17, 18, 19] {
        y[i] = true;
    }
    let t = metrics::calibration_table(&y, &p).unwrap();
    assert_eq!(t.len(), 10);
    assert_eq!(t[0].count, 2);
    close(t[0].mean_predicted, 0.025, 1e-15);
    assert_eq!(t[0].observed_rate, 0.5);
    assert_eq!(t[9].observed_rate, 1.0);
    assert_eq!(t[5].observed_rate, 0.0);
    let l10 = metrics::lift_at(&y, &p, 0.1).unwrap();
    assert_eq!(l10.n_selected, 2);
    assert_eq!(l10.capture_rate, 0.4);
    assert_eq!(l10.lift, 4.0); // rate 1.0 over base 0.25
    let l20 = metrics::lift_at(&y, &p, 0.2).unwrap();
    assert_eq!(l20.capture_rate, 0.8);
    assert_eq!(l20.lift, 4.0);
    let r = metrics::report(&y, &p).unwrap();
    assert_eq!(r.top_20, l20);
}

#[test]
fn bad_inputs_are_errors() {
    assert!(metrics::roc_auc(&[true, true], &[0.1, 0.2]).is_err());
    assert!(metrics::roc_auc(&[true, false], &[0.1]).is_err());
    assert!(metrics::roc_auc(&[true, false], &[0.1, f64::NAN]).is_err());
    assert!(metrics::log_loss(&[true, false], &[0.1, 1.5]).is_err());
    assert!(metrics::lift_at(&[true, false], &[0.1, 0.2], 0.0).is_err());
    assert!(metrics::lift_at(&[false, false], &[0.1, 0.2], 0.5).is_err());
}
