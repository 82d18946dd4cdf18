//! Logistic churn model against scikit-learn 1.9 (`StandardScaler` + `LogisticRegression`,
//! newton-cholesky, tol 1e-14); golden vectors from tests/golden/churn/make_golden.py.

#[path = "churn_util.rs"]
mod util;

use ndarray::Array1;
use segcore::churn::{ClassWeight, LogisticChurn, Solver};
use segcore::model;

fn fit_case(case: &serde_json::Value, t: &util::Table, solver: Solver) -> LogisticChurn {
    let cw = match &case["class_weight"] {
        serde_json::Value::Null => ClassWeight::None,
        serde_json::Value::String(s) if s == "balanced" => ClassWeight::Balanced,
        v => ClassWeight::Given {
            neg: v["neg"].as_f64().unwrap(),
            pos: v["pos"].as_f64().unwrap(),
        },
    };
    let w = t.w.clone().map(Array1::from);
    let sw = if case["sample_weight"].as_bool().unwrap() {
        w.as_ref().map(|a| a.view())
    } else {
        None
    };
    LogisticChurn::params()
        .c(case["C"].as_f64().unwrap())
        .class_weight(cw)
        .solver(solver)
        .fit(t.x.view(), &t.y, sw)
        .unwrap()
}

#[test]
fn coefficients_match_sklearn() {
    let g = util::read_json("logistic.json");
    let t = util::read_csv("logistic_data.csv");
    let cases = g["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for (case, solver) in cases
        .iter()
        .flat_map(|c| [(c, Solver::Newton), (c, Solver::Lbfgs)])
    {
        let m = fit_case(case, &t, solver);
        assert!(m.n_iter() >= 1);
        let name = format!("{} {:?}", case["name"].as_str().unwrap(), solver);
        let check = |ours: &[f64], theirs: &[f64], what: &str| {
            assert_eq!(ours.len(), theirs.len());
            for (a, b) in ours.iter().zip(theirs) {
                assert!(
                    (a - b).abs() <= 1e-5 * b.abs().max(1.0),
                    "{name} {what}: {a} vs {b}"
                );
            }
        };
        check(m.coef(), &util::f64s(&case["coef"]), "coef");
        check(
            &[m.intercept()],
            &[case["intercept"].as_f64().unwrap()],
            "intercept",
        );
        check(
            &m.coef_original(),
            &util::f64s(&case["coef_original"]),
            "coef_original",
        );
        check(
            &[m.intercept_original()],
            &[case["intercept_original"].as_f64().unwrap()],
            "intercept_original",
        );
        check(m.mean(), &util::f64s(&case["mean"]), "mean");
        check(m.scale(), &util::f64s(&case["scale"]), "scale");
        let p = m.predict_proba(t.x.view()).unwrap();
        check(p.as_slice().unwrap(), &util::f64s(&case["proba"]), "proba");
    }
}

#[test]
fn lbfgs_and_newton_agree_on_wide_data() {
    // 400 rows, 60 features: the golden features plus deterministic pseudo-random columns
    let t = util::read_csv("logistic_data.csv");
    let mut state = 12345u64;
    let x = ndarray::Array2::from_shape_fn((400, 60), |(i, j)| {
        if j < 6 {
            t.x[[i, j]]
        } else {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64 * j as f64
        }
    });
    let newton = LogisticChurn::params()
        .solver(Solver::Newton)
        .fit(x.view(), &t.y, None)
        .unwrap();
    let lbfgs = LogisticChurn::params()
        .solver(Solver::Lbfgs)
        .fit(x.view(), &t.y, None)
        .unwrap();
    assert!(lbfgs.n_iter() > newton.n_iter());
    for (a, b) in newton.coef().iter().zip(lbfgs.coef()) {
        assert!((a - b).abs() < 1e-7, "{a} vs {b}");
    }
    assert!((newton.intercept() - lbfgs.intercept()).abs() < 1e-7);
}

#[test]
fn large_data_with_subsampled_hessian_reaches_the_same_optimum() {
    // 700 stacked copies (280,000 rows: the Hessian is then summed over a subset of chunks)
    // have the objective of the base data with sample weight 700
    let t = util::read_csv("logistic_data.csv");
    let k = 700;
    let big = ndarray::concatenate(ndarray::Axis(0), &vec![t.x.view(); k]).unwrap();
    let y: Vec<bool> = (0..k).flat_map(|_| t.y.iter().copied()).collect();
    let stacked = LogisticChurn::params()
        .c(0.5)
        .fit(big.view(), &y, None)
        .unwrap();
    let w = Array1::from_elem(t.y.len(), k as f64);
    let weighted = LogisticChurn::params()
        .c(0.5)
        .fit(t.x.view(), &t.y, Some(w.view()))
        .unwrap();
    for (a, b) in stacked.coef().iter().zip(weighted.coef()) {
        assert!((a - b).abs() < 1e-8, "{a} vs {b}");
    }
    assert!((stacked.intercept() - weighted.intercept()).abs() < 1e-8);
}

#[test]
fn integer_sample_weights_equal_repeated_rows_with_standardisation() {
    // weight w_i (1..=3) must give the fit of the data with row i repeated w_i times, including
    // the internal standardisation (weighted means and standard deviations)
    let t = util::read_csv("logistic_data.csv");
    let w: Vec<f64> = (0..t.y.len()).map(|i| (1 + i % 3) as f64).collect();
    let mut rows = Vec::new();
    let mut y = Vec::new();
    for (i, &wi) in w.iter().enumerate() {
        for _ in 0..wi as usize {
            rows.push(t.x.row(i));
            y.push(t.y[i]);
        }
    }
    let repeated = ndarray::stack(ndarray::Axis(0), &rows).unwrap();
    let a = LogisticChurn::params()
        .fit(repeated.view(), &y, None)
        .unwrap();
    let wv = Array1::from(w);
    let b = LogisticChurn::params()
        .fit(t.x.view(), &t.y, Some(wv.view()))
        .unwrap();
    for (p, q) in a.coef().iter().zip(b.coef()) {
        assert!((p - q).abs() < 1e-8, "{p} vs {q}");
    }
    assert!((a.intercept() - b.intercept()).abs() < 1e-8);
    let pa = a.predict_proba(t.x.view()).unwrap();
    let pb = b.predict_proba(t.x.view()).unwrap();
    for (p, q) in pa.iter().zip(pb.iter()) {
        assert!((p - q).abs() < 1e-10);
    }
}

#[test]
fn same_fit_on_one_and_two_threads() {
    let t = util::read_csv("logistic_data.csv");
    // stack the data 30 times so that there are several row chunks
    let big = ndarray::concatenate(ndarray::Axis(0), &vec![t.x.view(); 30]).unwrap();
    let y: Vec<bool> = (0..30).flat_map(|_| t.y.iter().copied()).collect();
    let fit = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| LogisticChurn::params().fit(big.view(), &y, None).unwrap())
    };
    assert_eq!(fit(1), fit(2));
}

#[test]
fn model_file_round_trip() {
    let t = util::read_csv("logistic_data.csv");
    let m = LogisticChurn::params()
        .class_weight(ClassWeight::Balanced)
        .fit(t.x.view(), &t.y, None)
        .unwrap();
    let json = model::to_json(&m).unwrap();
    let back: LogisticChurn = model::from_json(&json).unwrap();
    assert_eq!(back, m);
    assert_eq!(
        back.predict_proba(t.x.view()).unwrap(),
        m.predict_proba(t.x.view()).unwrap()
    );
}

#[test]
fn reports_non_convergence_and_bad_input() {
    let t = util::read_csv("logistic_data.csv");
    let err = LogisticChurn::params()
        .max_iter(1)
        .fit(t.x.view(), &t.y, None)
        .unwrap_err();
    assert_eq!(err.code(), "NOT_CONVERGED");
    let mut x = t.x.clone();
    x[[3, 1]] = f64::NAN;
    let err = LogisticChurn::params()
        .fit(x.view(), &t.y, None)
        .unwrap_err();
    assert_eq!(err.code(), "INVALID_VALUE");
    assert!(
        LogisticChurn::params()
            .c(0.0)
            .fit(t.x.view(), &t.y, None)
            .is_err()
    );
    assert!(
        LogisticChurn::params()
            .fit(t.x.view(), &t.y[1..], None)
            .is_err()
    );
}
