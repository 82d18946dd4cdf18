//! Gaussian mixtures against scikit-learn with given initial parameters (golden vectors from
//! tests/golden/cluster/make_golden.py).

use ndarray::{Array1, Array2, Array3};
use segcore::cluster::gmm::{CovarianceType, Covariances, GaussianMixture, GmmInit};
use segcore::model;
use serde_json::Value;

fn golden() -> Value {
    let s = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/cluster/gmm.json"
    ))
    .unwrap();
    serde_json::from_str(&s).unwrap()
}

fn mat(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).unwrap();
    let (n, d) = (rows.len(), rows[0].len());
    Array2::from_shape_vec((n, d), rows.into_iter().flatten().collect()).unwrap()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

#[test]
fn gmm_equals_sklearn_from_given_parameters() {
    let g = golden();
    let x = mat(&g["x"]);
    let w0: Vec<f64> = serde_json::from_value(g["init_weights"].clone()).unwrap();
    let m0 = mat(&g["init_means"]);
    for case in g["cases"].as_array().unwrap() {
        let full = case["covariance_type"] == "full";
        let cov0 = if full {
            let c: Vec<Vec<Vec<f64>>> =
                serde_json::from_value(case["init_covariances"].clone()).unwrap();
            Covariances::Full(
                Array3::from_shape_vec((3, 2, 2), c.into_iter().flatten().flatten().collect())
                    .unwrap(),
            )
        } else {
            Covariances::Diag(mat(&case["init_covariances"]))
        };
        let gm = GaussianMixture::params(3)
            .covariance_type(if full {
                CovarianceType::Full
            } else {
                CovarianceType::Diag
            })
            .tol(g["tol"].as_f64().unwrap())
            .max_iter(g["max_iter"].as_u64().unwrap() as usize)
            .reg_covar(g["reg_covar"].as_f64().unwrap())
            .init(GmmInit::Given {
                weights: Array1::from(w0.clone()),
                means: m0.clone(),
                covariances: cov0,
            })
            .fit(x.view())
            .unwrap();
        let tol = 1e-6;
        let w: Vec<f64> = serde_json::from_value(case["weights"].clone()).unwrap();
        for (a, b) in gm.weights.iter().zip(&w) {
            assert!(close(*a, *b, tol), "{a} {b}");
        }
        for (a, b) in gm.means.iter().zip(mat(&case["means"]).iter()) {
            assert!(close(*a, *b, tol), "{a} {b}");
        }
        let cov_ref: Vec<f64> = if full {
            let c: Vec<Vec<Vec<f64>>> =
                serde_json::from_value(case["covariances"].clone()).unwrap();
            c.into_iter().flatten().flatten().collect()
        } else {
            mat(&case["covariances"]).iter().copied().collect()
        };
        let cov: Vec<f64> = match &gm.covariances {
            Covariances::Full(c) => c.iter().copied().collect(),
            Covariances::Diag(c) => c.iter().copied().collect(),
        };
        for (a, b) in cov.iter().zip(&cov_ref) {
            assert!(close(*a, *b, tol), "{a} {b}");
        }
        assert_eq!(gm.converged, case["converged"].as_bool().unwrap());
        assert_eq!(gm.n_iter as u64, case["n_iter"].as_u64().unwrap());
        assert!(close(
            gm.lower_bound,
            case["lower_bound"].as_f64().unwrap(),
            tol
        ));
        assert!(close(
            gm.score(x.view()).unwrap(),
            case["score"].as_f64().unwrap(),
            tol
        ));
        assert!(close(
            gm.bic(x.view()).unwrap(),
            case["bic"].as_f64().unwrap(),
            tol
        ));
        assert!(close(
            gm.aic(x.view()).unwrap(),
            case["aic"].as_f64().unwrap(),
            tol
        ));
        let p: Vec<usize> = serde_json::from_value(case["predict"].clone()).unwrap();
        assert_eq!(gm.predict(x.view()).unwrap().to_vec(), p);
        let pp = mat(&case["predict_proba_first10"]);
        let ours = gm.predict_proba(x.slice(ndarray::s![..10, ..])).unwrap();
        for (a, b) in ours.iter().zip(pp.iter()) {
            assert!((a - b).abs() < 1e-6, "{a} {b}");
        }
        let back: GaussianMixture = model::from_json(&model::to_json(&gm).unwrap()).unwrap();
        assert_eq!(back, gm);
    }
}

#[test]
fn kmeans_initialised_gmm_is_thread_independent() {
    let g = golden();
    let x = mat(&g["x"]);
    let fit = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| GaussianMixture::params(3).seed(4).fit(x.view()).unwrap())
    };
    let a = fit(1);
    assert_eq!(a, fit(2));
    assert!(a.converged);
    // the three generating components have 70, 50 and 40 points
    let mut w: Vec<f64> = a.weights.to_vec();
    w.sort_by(f64::total_cmp);
    assert!(
        (w[0] - 40.0 / 160.0).abs() < 0.05 && (w[2] - 70.0 / 160.0).abs() < 0.05,
        "{w:?}"
    );
}

#[test]
fn bad_initial_parameters_are_rejected() {
    let x = ndarray::array![[0.0], [1.0], [2.0]];
    let e = GaussianMixture::params(2)
        .covariance_type(CovarianceType::Diag)
        .init(GmmInit::Given {
            weights: ndarray::array![0.5, 0.5],
            means: ndarray::array![[0.0], [1.0]],
            covariances: Covariances::Diag(ndarray::array![[1.0], [-1.0]]),
        })
        .fit(x.view())
        .unwrap_err();
    assert_eq!(e.code(), "NUMERICAL_ERROR");
    assert!(GaussianMixture::params(4).fit(x.view()).is_err());
}
