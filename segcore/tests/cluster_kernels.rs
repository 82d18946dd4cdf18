//! The blocked nearest-centre kernel shared by k-means and mini-batch k-means: labels and
//! inertia equal a plain sequential argmin written here, for any number of centres (whole and
//! partial blocks of 8) and with exact ties; mini-batch k-means checks finite values after the
//! fit and treats unit weights exactly like no weights.

use ndarray::{Array1, Array2};
use rand::{RngExt, SeedableRng};
use segcore::cluster::kmeans::{KMeans, KMeansAlgorithm, MiniBatchKMeans};

fn random(n: usize, d: usize, seed: u64) -> Array2<f64> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    Array2::from_shape_fn((n, d), |_| (rng.random::<f64>() * 8.0).round() / 2.0)
}

/// First centre with the smallest squared distance, each distance summed in coordinate order.
fn brute(x: &Array2<f64>, c: &Array2<f64>) -> (Vec<usize>, f64) {
    let mut labels = vec![];
    let mut inertia = 0.0;
    for r in x.outer_iter() {
        let (mut best, mut best_d) = (0, f64::INFINITY);
        for (j, cj) in c.outer_iter().enumerate() {
            let mut s = 0.0;
            for (a, b) in r.iter().zip(cj.iter()) {
                s += (a - b) * (a - b);
            }
            if s < best_d {
                best = j;
                best_d = s;
            }
        }
        labels.push(best);
        inertia += best_d;
    }
    (labels, inertia)
}

#[test]
fn blocked_argmin_equals_sequential_argmin_with_ties() {
    // coordinates on a half-integer grid: many rows are exactly equidistant from two centres,
    // and some centres are duplicated, so the first-index rule is exercised
    for k in [1, 3, 7, 8, 9, 16, 19] {
        for d in [1, 2, 5, 8] {
            let x = random(1500, d, (k * 100 + d) as u64);
            let mut c = random(k, d, (k * 7 + d) as u64 + 1);
            if k > 2 {
                let first = c.row(0).to_owned();
                c.row_mut(k - 1).assign(&first);
            }
            let km = KMeans {
                centroids: c.clone(),
                labels: Array1::zeros(0),
                inertia: 0.0,
                n_iter: 0,
                algorithm: KMeansAlgorithm::Lloyd,
            };
            let (labels, inertia) = brute(&x, &c);
            assert_eq!(
                km.predict(x.view()).unwrap().to_vec(),
                labels,
                "k {k} d {d}"
            );
            // one chunk (n <= 2048): the same additions in the same order
            let got = km.inertia_of(x.view(), None).unwrap();
            assert_eq!(got.to_bits(), inertia.to_bits(), "k {k} d {d}");
            let ties = labels
                .iter()
                .zip(x.outer_iter())
                .filter(|(_, r)| {
                    let ds: Vec<f64> = c
                        .outer_iter()
                        .map(|cj| r.iter().zip(cj).map(|(a, b)| (a - b) * (a - b)).sum())
                        .collect();
                    let m = ds.iter().copied().fold(f64::INFINITY, f64::min);
                    ds.iter().filter(|&&v| v == m).count() > 1
                })
                .count();
            if k > 2 {
                assert!(ties > 0, "k {k} d {d}: the data must contain ties");
            }
        }
    }
}

#[test]
fn kmeans_with_two_blocks_of_centres_matches_lloyd_and_threads() {
    let x = random(6000, 4, 5);
    let fit = |threads: usize, algo: KMeansAlgorithm| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                KMeans::params(11)
                    .seed(3)
                    .algorithm(algo)
                    .fit(x.view(), None)
                    .unwrap()
            })
    };
    let h1 = fit(1, KMeansAlgorithm::Hamerly);
    let h2 = fit(2, KMeansAlgorithm::Hamerly);
    let l1 = fit(1, KMeansAlgorithm::Lloyd);
    assert_eq!(h1, h2);
    assert_eq!(h1.labels, l1.labels);
    assert!((h1.inertia - l1.inertia).abs() <= 1e-9 * l1.inertia);
    // the final labels are the nearest centres
    let (labels, _) = brute(&x, &h1.centroids);
    assert_eq!(h1.labels.to_vec(), labels);
    // predict with the fitted centres gives the training labels
    assert_eq!(h1.predict(x.view()).unwrap(), h1.labels);
}

#[test]
fn minibatch_reports_the_first_non_finite_cell() {
    let mut x = random(3000, 3, 9);
    x[[1234, 2]] = f64::NAN;
    let e = MiniBatchKMeans::params(4)
        .batch_size(100)
        .fit(x.view(), None)
        .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("1234") && msg.contains("x[:, 2]"), "{msg}");
    x[[1234, 2]] = 0.0;
    x[[17, 0]] = f64::INFINITY;
    let e = MiniBatchKMeans::params(4).fit(x.view(), None).unwrap_err();
    assert!(e.to_string().contains("17"), "{e}");
}

#[test]
fn minibatch_unit_weights_equal_no_weights() {
    let x = random(5000, 3, 11);
    let a = MiniBatchKMeans::params(5)
        .batch_size(256)
        .seed(4)
        .fit(x.view(), None)
        .unwrap();
    let ones = Array1::ones(5000);
    let b = MiniBatchKMeans::params(5)
        .batch_size(256)
        .seed(4)
        .fit(x.view(), Some(ones.view()))
        .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.inertia.to_bits(), b.inertia.to_bits());
    // the reported inertia is that of the final centres over all rows
    let (labels, inertia) = brute(&x, &a.centroids);
    assert_eq!(a.labels.to_vec(), labels);
    assert!((a.inertia - inertia).abs() <= 1e-12 * inertia);
}
