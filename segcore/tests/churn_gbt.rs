//! Gradient-boosted churn trees against scikit-learn 1.9's HistGradientBoostingClassifier
//! (same settings; golden AUCs from tests/golden/churn/make_golden.py), determinism across
//! thread counts, missing-value routing, TreeSHAP additivity and model-file round trips.

#[path = "churn_util.rs"]
mod util;

use ndarray::{Array2, Axis};
use segcore::churn::explain::{self, ExplainOptions, ExplainableChurn};
use segcore::churn::gbt::Calibration;
use segcore::churn::{GradientBoostingChurn, GradientBoostingChurnParams, metrics};
use segcore::model;

fn sklearn_like() -> GradientBoostingChurnParams {
    // HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=31,
    // min_samples_leaf=20, l2_regularization=0, max_bins=255, early_stopping=False)
    GradientBoostingChurn::params()
        .max_iter(100)
        .learning_rate(0.1)
        .max_leaf_nodes(Some(31))
        .min_samples_leaf(20)
        .l2_regularization(0.0)
        .max_bins(255)
        .early_stopping(false)
        .validation_fraction(None)
        .calibration(Calibration::None)
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn test_auc_matches_sklearn_and_is_thread_count_independent() {
    let g = util::read_json("gbt.json");
    for (train, test, key) in [
        ("gbt_train_full.csv", "gbt_test_full.csv", "test_auc"),
        ("gbt_train.csv", "gbt_test.csv", "test_auc_missing"),
    ] {
        let tr = util::read_csv(train);
        let te = util::read_csv(test);
        let m1 = in_pool(1, || sklearn_like().fit(tr.x.view(), &tr.y).unwrap());
        let m2 = in_pool(2, || sklearn_like().fit(tr.x.view(), &tr.y).unwrap());
        assert_eq!(m1, m2, "{key}: fits differ between 1 and 2 threads");
        assert_eq!(m1.n_iter(), 100);
        let p = m1.predict_proba(te.x.view()).unwrap();
        let auc = metrics::roc_auc(&te.y, p.as_slice().unwrap()).unwrap();
        let want = g[key].as_f64().unwrap();
        assert!(
            (auc - want).abs() < 0.01,
            "{key}: AUC {auc} vs sklearn {want}"
        );
    }
}

#[test]
fn missing_values_go_to_the_better_side() {
    // churners: feature 0 missing, or feature 0 <= 10. One split separates them perfectly,
    // but only if missing values join the low side (left), which the right-to-left scan finds.
    let n = 600;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| {
        if j == 0 {
            if i % 4 == 0 {
                f64::NAN
            } else {
                (i % 37) as f64
            }
        } else {
            (i % 11) as f64
        }
    });
    let y: Vec<bool> = (0..n).map(|i| i % 4 == 0 || i % 37 <= 10).collect();
    let m = sklearn_like().max_iter(20).fit(x.view(), &y).unwrap();
    let nodes = &m.trees()[0].nodes;
    let root = &nodes[0];
    assert!(!root.leaf);
    assert_eq!(root.feature, 0);
    assert!(root.missing_left);
    assert_eq!(root.threshold, 10.5);
    let churners = y.iter().filter(|&&v| v).count() as u32;
    assert_eq!(nodes[root.left as usize].count, churners);
    let p = m.predict_proba(x.view()).unwrap();
    for i in 0..n {
        if y[i] {
            assert!(p[i] > 0.9, "row {i}: {}", p[i]);
        } else {
            assert!(p[i] < 0.1, "row {i}: {}", p[i]);
        }
    }
    // a new customer with the feature missing is scored as a churner
    let new = ndarray::array![[f64::NAN, 3.0], [30.0, 3.0]];
    let pn = m.predict_proba(new.view()).unwrap();
    assert!(pn[0] > 0.9 && pn[1] < 0.1);
    // a feature without missing values in training sends NaN to the larger child
    let x2 = Array2::from_shape_fn((n, 1), |(i, _)| i as f64);
    let y2: Vec<bool> = (0..n).map(|i| i >= 450).collect();
    let m2 = sklearn_like().max_iter(1).fit(x2.view(), &y2).unwrap();
    let r = &m2.trees()[0].nodes[0];
    let (l, rr) = (
        &m2.trees()[0].nodes[r.left as usize],
        &m2.trees()[0].nodes[r.right as usize],
    );
    assert_eq!(r.missing_left, l.count > rr.count);
}

#[test]
fn shap_values_add_up_to_the_raw_score() {
    let tr = util::read_csv("gbt_train.csv");
    let te = util::read_csv("gbt_test.csv");
    let m = sklearn_like()
        .max_iter(30)
        .max_depth(Some(6))
        .fit(tr.x.view(), &tr.y)
        .unwrap();
    let xs = te.x.select(Axis(0), &(0..200).collect::<Vec<_>>());
    let phi = m.shap_values(xs.view()).unwrap();
    let z = m.decision_function(xs.view()).unwrap();
    let base = m.expected_value();
    let mut any_nan_row = false;
    for i in 0..xs.nrows() {
        assert!((base + phi.row(i).sum() - z[i]).abs() < 1e-9, "row {i}");
        any_nan_row |= xs.row(i).iter().any(|v| v.is_nan());
    }
    assert!(any_nan_row);
    // single-feature tree: SHAP equals the prediction minus the expectation
    let x1 = Array2::from_shape_fn((300, 2), |(i, j)| if j == 0 { i as f64 } else { 0.0 });
    let y1: Vec<bool> = (0..300).map(|i| i % 3 == 0 || i > 200).collect();
    let m1 = sklearn_like().max_iter(3).fit(x1.view(), &y1).unwrap();
    let phi1 = m1.shap_values(x1.view()).unwrap();
    let z1 = m1.decision_function(x1.view()).unwrap();
    for i in 0..300 {
        assert_eq!(phi1[[i, 1]], 0.0);
        assert!((phi1[[i, 0]] - (z1[i] - m1.expected_value())).abs() < 1e-12);
    }
    // explanations use the same values
    let names: Vec<String> = (0..10).map(|j| format!("x{j}")).collect();
    let ex = explain::explain(&m, xs.view(), &names, &ExplainOptions::default()).unwrap();
    let (c, b) = m.contributions(xs.view()).unwrap();
    assert_eq!(
        ex[5].drivers[0].contribution.abs(),
        c.row(5).iter().fold(0.0f64, |a, v| a.max(v.abs()))
    );
    assert_eq!(ex[5].base_value, b[5]);
    assert_eq!(ex[5].raw_score, z[5]);
}

#[test]
fn model_file_round_trip_and_calibration() {
    let tr = util::read_csv("gbt_train.csv");
    let te = util::read_csv("gbt_test.csv");
    for cal in [Calibration::Platt, Calibration::Isotonic] {
        let m = GradientBoostingChurn::params()
            .max_iter(40)
            .calibration(cal)
            .fit(tr.x.view(), &tr.y)
            .unwrap();
        assert!(m.calibrator().is_some());
        let back: GradientBoostingChurn = model::from_json(&model::to_json(&m).unwrap()).unwrap();
        assert_eq!(back, m);
        let p = m.predict_proba(te.x.view()).unwrap();
        assert_eq!(back.predict_proba(te.x.view()).unwrap(), p);
        // calibrated probabilities stay good rankers and are reasonably calibrated
        let auc = metrics::roc_auc(&te.y, p.as_slice().unwrap()).unwrap();
        assert!(auc > 0.93, "{auc}");
        let mean_p = p.mean().unwrap();
        let rate = te.y.iter().filter(|&&v| v).count() as f64 / te.y.len() as f64;
        assert!((mean_p - rate).abs() < 0.03, "{mean_p} vs {rate}");
        let imp = m.feature_importances();
        assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}

#[test]
fn early_stopping_follows_sklearns_rule() {
    let tr = util::read_csv("gbt_train.csv");
    let m = GradientBoostingChurn::params()
        .max_iter(500)
        .learning_rate(0.5)
        .n_iter_no_change(5)
        .fit(tr.x.view(), &tr.y)
        .unwrap();
    assert!(m.n_iter() < 500);
    let v = m.validation_loss();
    assert_eq!(v.len(), m.n_iter() + 1);
    // stopped: none of the last 5 scores improved on the one before them by tol
    let k = v.len();
    let reference = v[k - 6];
    assert!(v[k - 5..].iter().all(|l| *l >= reference - 1e-7));
    // and it would not have stopped one iteration earlier
    let reference_before = v[k - 7];
    assert!(v[k - 6..k - 1].iter().any(|l| *l < reference_before - 1e-7));
}

#[test]
fn bad_input_is_an_error() {
    let x = Array2::from_shape_fn((100, 2), |(i, _)| i as f64);
    let y: Vec<bool> = (0..100).map(|i| i > 50).collect();
    let mut xi = x.clone();
    xi[[3, 1]] = f64::INFINITY;
    assert_eq!(
        GradientBoostingChurn::params()
            .fit(xi.view(), &y)
            .unwrap_err()
            .code(),
        "INVALID_VALUE"
    );
    assert!(
        GradientBoostingChurn::params()
            .fit(x.view(), &y[1..])
            .is_err()
    );
    assert!(
        GradientBoostingChurn::params()
            .max_bins(256)
            .fit(x.view(), &y)
            .is_err()
    );
    assert!(
        GradientBoostingChurn::params()
            .validation_fraction(None)
            .fit(x.view(), &y)
            .is_err()
    );
    let m = GradientBoostingChurn::params()
        .max_iter(2)
        .fit(x.view(), &y)
        .unwrap();
    assert!(m.predict_proba(Array2::zeros((2, 3)).view()).is_err());
}
