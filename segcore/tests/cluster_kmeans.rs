//! k-means against scikit-learn with the same initial centres (golden vectors from
//! tests/golden/cluster/make_golden.py), thread-count independence and model files.

use ndarray::{Array1, Array2};
use segcore::cluster::kmeans::{KMeans, KMeansAlgorithm, KMeansInit, MiniBatchKMeans};
use segcore::model;
use serde_json::Value;

fn golden() -> Value {
    let s = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/cluster/kmeans.json"
    ))
    .unwrap();
    serde_json::from_str(&s).unwrap()
}

fn mat(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).unwrap();
    let (n, d) = (rows.len(), rows[0].len());
    Array2::from_shape_vec((n, d), rows.into_iter().flatten().collect()).unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn kmeans_equals_sklearn_with_given_centres() {
    let g = golden();
    let x = mat(&g["x"]);
    let w: Vec<f64> = serde_json::from_value(g["weights"].clone()).unwrap();
    let w = Array1::from(w);
    let init = mat(&g["init"]);
    let cases = g["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    for case in cases {
        let algo = match case["algorithm"].as_str().unwrap() {
            "lloyd" => KMeansAlgorithm::Lloyd,
            _ => KMeansAlgorithm::Hamerly,
        };
        // both of our algorithms must reproduce both of scikit-learn's
        for ours in [algo, KMeansAlgorithm::Lloyd, KMeansAlgorithm::Hamerly] {
            let weighted = case["weighted"].as_bool().unwrap();
            let km = KMeans::params(4)
                .init(KMeansInit::Given(init.clone()))
                .algorithm(ours)
                .tol(case["tol"].as_f64().unwrap())
                .max_iter(case["max_iter"].as_u64().unwrap() as usize)
                .fit(x.view(), weighted.then(|| w.view()))
                .unwrap();
            let labels: Vec<usize> = serde_json::from_value(case["labels"].clone()).unwrap();
            assert_eq!(km.labels.to_vec(), labels, "{case:?}");
            let centers = mat(&case["centers"]);
            for (a, b) in km.centroids.iter().zip(centers.iter()) {
                assert!(rel(*a, *b) < 1e-9, "centre {a} vs {b}");
            }
            assert!(rel(km.inertia, case["inertia"].as_f64().unwrap()) < 1e-9);
            assert_eq!(km.n_iter as u64, case["n_iter"].as_u64().unwrap());
            let p: Vec<usize> = serde_json::from_value(case["predict_first10"].clone()).unwrap();
            let x10 = x.slice(ndarray::s![..10, ..]);
            assert_eq!(km.predict(x10).unwrap().to_vec(), p);
            let t = mat(&case["transform_first5"]);
            let ours_t = km.transform(x.slice(ndarray::s![..5, ..])).unwrap();
            for (a, b) in ours_t.iter().zip(t.iter()) {
                assert!(rel(*a, *b) < 1e-9);
            }
        }
    }
}

fn blobs(n: usize, seed: u64) -> Array2<f64> {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    Array2::from_shape_fn((n, 3), |(i, j)| {
        let c = (i % 5) as f64 * 3.0 * if j == 1 { -1.0 } else { 1.0 };
        c + rng.random::<f64>() * 2.0
    })
}

#[test]
fn same_result_on_one_and_two_threads() {
    let x = blobs(9000, 3);
    let fit = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let a = KMeans::params(6)
                .n_init(2)
                .seed(42)
                .fit(x.view(), None)
                .unwrap();
            let b = KMeans::params(6)
                .algorithm(KMeansAlgorithm::Lloyd)
                .seed(42)
                .fit(x.view(), None)
                .unwrap();
            let m = MiniBatchKMeans::params(6)
                .batch_size(256)
                .seed(42)
                .fit(x.view(), None)
                .unwrap();
            (a, b, m)
        })
    };
    let (a1, b1, m1) = fit(1);
    let (a2, b2, m2) = fit(2);
    assert_eq!(a1, a2);
    assert_eq!(a1.inertia.to_bits(), a2.inertia.to_bits());
    assert_eq!(b1, b2);
    assert_eq!(m1, m2);
    // Hamerly and Lloyd reach the same optimum from the same seed
    assert_eq!(a1.labels, b1.labels);
}

#[test]
fn kmeans_plus_plus_finds_separated_blobs() {
    let x = blobs(5000, 9);
    let km = KMeans::params(5)
        .seed(1)
        .n_init(3)
        .fit(x.view(), None)
        .unwrap();
    // every blob is a 2x2x2 uniform cube: within-cluster variance 1/3 per feature
    let per_row = km.inertia / 5000.0;
    assert!((per_row - 1.0).abs() < 0.1, "{per_row}");
}

#[test]
fn empty_clusters_are_reseeded() {
    // two far-away initial centres get no points: they must be re-seeded from far points
    let x = ndarray::array![[0.0], [0.1], [0.2], [5.0], [5.1], [9.0]];
    let init = ndarray::array![[0.1], [100.0], [200.0]];
    let km = KMeans::params(3)
        .init(KMeansInit::Given(init))
        .algorithm(KMeansAlgorithm::Lloyd)
        .fit(x.view(), None)
        .unwrap();
    let mut c: Vec<f64> = km.centroids.iter().copied().collect();
    c.sort_by(f64::total_cmp);
    assert!(
        (c[0] - 0.1).abs() < 1e-12 && (c[1] - 5.05).abs() < 1e-12 && c[2] == 9.0,
        "{c:?}"
    );
    assert!((km.inertia - 0.025).abs() < 1e-12);
}

#[test]
fn bad_input_is_reported() {
    let x = ndarray::array![[0.0], [f64::NAN]];
    let e = KMeans::params(1).fit(x.view(), None).unwrap_err();
    assert!(e.to_string().contains("row 1"), "{e}");
    let x = ndarray::array![[0.0], [1.0]];
    assert!(KMeans::params(3).fit(x.view(), None).is_err());
    let w = ndarray::array![1.0];
    assert!(KMeans::params(1).fit(x.view(), Some(w.view())).is_err());
}

#[test]
fn minibatch_close_to_full_kmeans() {
    let x = blobs(20000, 5);
    let full = KMeans::params(5)
        .seed(2)
        .n_init(3)
        .fit(x.view(), None)
        .unwrap();
    let mb = MiniBatchKMeans::params(5)
        .seed(2)
        .n_init(3)
        .fit(x.view(), None)
        .unwrap();
    assert!(
        mb.inertia < full.inertia * 1.02,
        "{} vs {}",
        mb.inertia,
        full.inertia
    );
    assert_eq!(mb.labels, mb.predict(x.view()).unwrap());
}

#[test]
fn kmeans_model_files_round_trip() {
    let x = blobs(500, 1);
    let km = KMeans::params(4).seed(3).fit(x.view(), None).unwrap();
    let back: KMeans = model::from_json(&model::to_json(&km).unwrap()).unwrap();
    assert_eq!(back.centroids, km.centroids);
    assert_eq!(back.inertia.to_bits(), km.inertia.to_bits());
    assert_eq!(back.predict(x.view()).unwrap(), km.labels);
    let mb = MiniBatchKMeans::params(4)
        .batch_size(100)
        .fit(x.view(), None)
        .unwrap();
    let back: MiniBatchKMeans = model::from_json(&model::to_json(&mb).unwrap()).unwrap();
    assert_eq!(back.centroids, mb.centroids);
    assert_eq!(back.predict(x.view()).unwrap(), mb.labels);
}

#[test]
fn partial_merge_step_equals_one_lloyd_iteration() {
    let g = golden();
    let x = mat(&g["x"]);
    let init = mat(&g["init"]);
    let start = KMeans::params(4)
        .init(KMeansInit::Given(init.clone()))
        .max_iter(1)
        .algorithm(KMeansAlgorithm::Lloyd)
        .fit(x.view(), None)
        .unwrap();
    // a model sitting at the initial centres
    let mut at_init = start.clone();
    at_init.centroids = init.clone();
    let mut stats = at_init
        .partial(x.slice(ndarray::s![..150, ..]), None)
        .unwrap();
    stats
        .merge(
            &at_init
                .partial(x.slice(ndarray::s![150.., ..]), None)
                .unwrap(),
        )
        .unwrap();
    assert_eq!(stats.n_rows, 400);
    let next = at_init.step(&stats).unwrap();
    for (a, b) in next.centroids.iter().zip(start.centroids.iter()) {
        assert!(rel(*a, *b) < 1e-12, "{a} vs {b}");
    }
}
