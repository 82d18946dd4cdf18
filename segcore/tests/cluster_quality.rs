//! Quality metrics against scikit-learn (golden vectors from tests/golden/cluster/make_golden.py).

use ndarray::Array2;
use segcore::cluster::choose_k::choose_k;
use segcore::cluster::kmeans::KMeans;
use segcore::cluster::quality::{
    calinski_harabasz_score, davies_bouldin_score, silhouette_samples, silhouette_score,
};
use serde_json::Value;

fn golden() -> Value {
    let s = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/cluster/quality.json"
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
    (a - b).abs() / b.abs()
}

#[test]
fn metrics_equal_sklearn() {
    let g = golden();
    let x = mat(&g["x"]);
    for case in g["cases"].as_array().unwrap() {
        let labels: Vec<usize> = serde_json::from_value(case["labels"].clone()).unwrap();
        let s = silhouette_score(x.view(), &labels, None, 0).unwrap();
        assert!(
            rel(s, case["silhouette"].as_f64().unwrap()) < 1e-9,
            "{s} {case}"
        );
        let db = davies_bouldin_score(x.view(), &labels).unwrap();
        assert!(rel(db, case["davies_bouldin"].as_f64().unwrap()) < 1e-9);
        let ch = calinski_harabasz_score(x.view(), &labels).unwrap();
        assert!(rel(ch, case["calinski_harabasz"].as_f64().unwrap()) < 1e-9);
    }
}

#[test]
fn sampled_silhouette_is_seeded_and_thread_independent() {
    let g = golden();
    let x = mat(&g["x"]);
    let labels: Vec<usize> = serde_json::from_value(g["cases"][0]["labels"].clone()).unwrap();
    let run = |threads: usize, seed: u64| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| silhouette_score(x.view(), &labels, Some(60), seed).unwrap())
    };
    let a = run(1, 3);
    assert_eq!(a.to_bits(), run(2, 3).to_bits());
    let full = silhouette_score(x.view(), &labels, None, 0).unwrap();
    assert!((a - full).abs() < 0.1, "{a} vs {full}");
    assert_ne!(a.to_bits(), run(1, 4).to_bits());
    let per_row = silhouette_samples(x.view(), &labels).unwrap();
    assert!((per_row.mean().unwrap() - full).abs() < 1e-12);
}

#[test]
fn one_cluster_is_an_error() {
    let x = ndarray::array![[0.0], [1.0], [2.0]];
    assert!(silhouette_score(x.view(), &[0, 0, 0], None, 0).is_err());
    assert!(davies_bouldin_score(x.view(), &[0, 0]).is_err());
}

#[test]
fn choose_k_finds_three_blobs() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(8);
    // three unit-square blobs 8 apart
    let x = Array2::from_shape_fn((300, 2), |(i, j)| {
        (i % 3) as f64 * 8.0 * (j as f64 + 1.0) + rng.random::<f64>()
    });
    let c = choose_k(
        x.view(),
        &[2, 3, 4, 5],
        &KMeans::params(2).n_init(4).seed(1),
        None,
    )
    .unwrap();
    assert_eq!(
        c.scores.iter().map(|s| s.k).collect::<Vec<_>>(),
        vec![2, 3, 4, 5]
    );
    let best = c
        .scores
        .iter()
        .map(|s| s.silhouette)
        .fold(f64::MIN, f64::max);
    let chosen = c.scores.iter().find(|s| s.k == c.k).unwrap();
    assert_eq!(chosen.silhouette, best);
    assert_eq!(c.k, 3, "{:?}", c.scores);
    // inertia decreases with k
    assert!(c.scores.windows(2).all(|w| w[1].inertia < w[0].inertia));
}
