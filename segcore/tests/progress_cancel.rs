//! Monitors: a monitored fit equals the plain fit, reports its steps, and stops when cancelled
//! from its own callback (as a Ctrl-C or an AbortSignal would) or from another thread.

use ndarray::Array2;
use segcore::SegError;
use segcore::cluster::gmm::GaussianMixture;
use segcore::cluster::kmeans::KMeans;
use segcore::data::{Logs, datasets};
use segcore::pipeline::Segmenter;
use segcore::progress::Monitor;
use std::sync::{Arc, Mutex};

/// Deterministic two-dimensional data with some structure (no RNG crate needed).
fn data(n: usize) -> Array2<f64> {
    Array2::from_shape_fn((n, 2), |(i, j)| {
        let c = (i % 4) as f64 * 3.0;
        let t = ((i * 7919 + j * 104_729) % 1000) as f64 / 1000.0;
        c + t + j as f64 * (i % 3) as f64
    })
}

#[test]
fn monitored_kmeans_equals_plain_and_reports_iterations() {
    let x = data(2000);
    let p = KMeans::params(4).n_init(2).seed(3);
    let plain = p.fit(x.view(), None).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let m = Monitor::with_callback(move |pr| s.lock().unwrap().push((pr.done, pr.total)));
    let watched = p.fit_with(x.view(), None, &m).unwrap();
    assert_eq!(plain.labels, watched.labels);
    assert_eq!(plain.centroids, watched.centroids);
    assert_eq!(plain.inertia, watched.inertia);
    let seen = seen.lock().unwrap();
    // each of the two runs reports iteration 0 first, against max_iter = 300
    assert_eq!(seen.iter().filter(|s| s.0 == 0).count(), 2);
    assert!(seen.iter().all(|s| s.1 == 300));
}

#[test]
fn kmeans_cancelled_from_its_callback_stops_with_cancelled() {
    let x = data(2000);
    let calls = Arc::new(Mutex::new(0u64));
    let c = calls.clone();
    let m = Monitor::new();
    let handle = m.clone();
    let m2 = Monitor::with_callback(move |_| {
        let mut n = c.lock().unwrap();
        *n += 1;
        if *n == 2 {
            handle.cancel();
        }
    });
    // the callback cancels `m`, not `m2`: m2 is never cancelled, so the fit finishes
    KMeans::params(4).fit_with(x.view(), None, &m2).unwrap();
    assert!(m.is_cancelled());
    // a monitor that cancels itself on the second report stops the fit there
    let own: Arc<Mutex<Option<Monitor>>> = Arc::new(Mutex::new(None));
    let o = own.clone();
    let me = Monitor::with_callback(move |p| {
        if p.done == 1 {
            if let Some(m) = o.lock().unwrap().as_ref() {
                m.cancel();
            }
        }
    });
    *own.lock().unwrap() = Some(me.clone());
    let err = KMeans::params(4)
        .max_iter(50)
        .tol(0.0)
        .fit_with(x.view(), None, &me)
        .unwrap_err();
    assert!(matches!(err, SegError::Cancelled { ref stage } if stage == "kmeans"));
    assert_eq!(me.latest().unwrap().done, 1);
}

#[test]
fn gaussian_mixture_monitored_equals_plain() {
    let x = data(600);
    let p = GaussianMixture::params(3).seed(1);
    let plain = p.fit(x.view()).unwrap();
    let m = Monitor::new();
    let watched = p.fit_with(x.view(), &m).unwrap();
    assert_eq!(plain.means, watched.means);
    assert_eq!(plain.lower_bound, watched.lower_bound);
    let last = m.latest().unwrap();
    assert_eq!(last.stage, "gaussian mixture");
    assert_eq!(last.done as usize, plain.n_iter);
}

#[test]
fn segmenter_reports_every_stage_and_cancels_between_them() {
    let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
    let stages = Arc::new(Mutex::new(Vec::<String>::new()));
    let s = stages.clone();
    let m = Monitor::with_callback(move |p| {
        if p.stage.starts_with("segmenter") {
            s.lock().unwrap().push(p.stage.clone());
        }
    });
    let p = Segmenter::params().n_segments(Some(3));
    let out = p.fit_with(&logs, &m).unwrap();
    let plain = p.fit(&logs).unwrap();
    assert_eq!(out.churn_validation_auc, plain.churn_validation_auc);
    assert_eq!(
        *stages.lock().unwrap(),
        [
            "segmenter: features",
            "segmenter: clv",
            "segmenter: rfm",
            "segmenter: choose k",
            "segmenter: kmeans",
            "segmenter: churn",
            "segmenter: scoring",
            "segmenter: done",
        ]
    );
    // cancelled when the k-means stage starts: the fit stops there
    let own: Arc<Mutex<Option<Monitor>>> = Arc::new(Mutex::new(None));
    let o = own.clone();
    let m = Monitor::with_callback(move |p| {
        if p.stage == "segmenter: kmeans" {
            if let Some(m) = o.lock().unwrap().as_ref() {
                m.cancel();
            }
        }
    });
    *own.lock().unwrap() = Some(m.clone());
    let err = p.fit_with(&logs, &m).unwrap_err();
    assert_eq!(err.to_string(), "segmenter: kmeans was cancelled");
    assert_eq!(err.code(), "CANCELLED");
}
