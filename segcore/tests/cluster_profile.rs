//! Segment profiles and their plain-language names.

use ndarray::Array2;
use segcore::cluster::profile::{ProfileExtras, Vocabulary, profile_segments};

fn names() -> Vec<String> {
    [
        "recency",
        "frequency",
        "monetary",
        "discount_share",
        "page_views",
        "email_clicks",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Four designed segments, three identical customers each.
fn data() -> (Array2<f64>, Vec<usize>) {
    let seg = [
        [20.0, 12.0, 1500.0, 0.1, 30.0, 2.0],
        [400.0, 1.0, 40.0, 0.1, 10.0, 0.0],
        [90.0, 2.0, 120.0, 0.7, 150.0, 1.0],
        [60.0, 4.0, 300.0, 0.15, 25.0, 20.0],
    ];
    let x = Array2::from_shape_fn((12, 6), |(i, j)| seg[i / 3][j]);
    (x, (0..12).map(|i| i / 3).collect())
}

#[test]
fn names_follow_the_documented_rules() {
    let (x, labels) = data();
    let p = profile_segments(
        &names(),
        x.view(),
        &labels,
        &ProfileExtras::default(),
        &Vocabulary::default(),
    )
    .unwrap();
    let got: Vec<&str> = p.segments.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        got,
        vec![
            "frequent high spenders",
            "lapsed one-timers",
            "discount-driven browsers",
            "email-engaged regulars"
        ]
    );
    // z of segment 0's frequency: (12 - 4.75) / sqrt(18.6875)
    assert!((p.segments[0].z[1] - 7.25 / 18.6875f64.sqrt()).abs() < 1e-12);
    assert_eq!(p.segments[2].mean[4], 150.0);
    assert_eq!(p.segments[3].share, 0.25);
}

#[test]
fn extras_are_summarised() {
    let (x, labels) = data();
    let clv: Vec<f64> = (0..12).map(|i| i as f64).collect();
    let churn: Vec<f64> = (0..12).map(|i| if i < 6 { 0.2 } else { 0.6 }).collect();
    let extras = ProfileExtras {
        clv: Some(&clv),
        churn_probability: Some(&churn),
    };
    let p = profile_segments(&names(), x.view(), &labels, &extras, &Vocabulary::default()).unwrap();
    assert_eq!(p.segments[1].clv_total, Some(3.0 + 4.0 + 5.0));
    assert_eq!(p.segments[1].clv_mean, Some(4.0));
    assert!((p.segments[3].churn_mean.unwrap() - 0.6).abs() < 1e-15);
    let short = [1.0];
    let bad = ProfileExtras {
        clv: Some(&short),
        churn_probability: None,
    };
    assert!(profile_segments(&names(), x.view(), &labels, &bad, &Vocabulary::default()).is_err());
}

#[test]
fn names_are_unique_within_a_run() {
    let names: Vec<String> = ["recency", "monetary"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    // segments 0 and 1 are both lapsed; 1 is also low-value; 2 and 3 are identical
    let x = ndarray::array![
        [300.0, 50.0],
        [300.0, 10.0],
        [10.0, 100.0],
        [10.0, 100.0],
        [155.0, 65.0],
        [155.0, 65.0]
    ];
    let labels = [0, 1, 2, 3, 4, 4];
    let p = profile_segments(
        &names,
        x.view(),
        &labels,
        &ProfileExtras::default(),
        &Vocabulary::default(),
    )
    .unwrap();
    let got: Vec<&str> = p.segments.iter().map(|s| s.name.as_str()).collect();
    let mut uniq = got.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), got.len(), "{got:?}");
    // segment 4 (largest, named first) sits at the population mean
    assert_eq!(got[4], "typical customers");
    // recency z = +-145 / sqrt(84100 / 6), monetary z of segment 1 = -55 / sqrt(950)
    assert_eq!(got[0], "lapsed customers");
    assert_eq!(got[1], "low-value customers");
    assert_eq!(got[2], "recent high spenders");
    assert_eq!(got[3], "recent high spenders (2)");
}

#[test]
fn repeated_names_take_the_next_adjective() {
    let names: Vec<String> = ["recency", "discount_share"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    // segment 2: ten recent customers with discount shares 0 and 1; segments 0 and 1: five
    // lapsed customers each, segment 1 slightly discount-driven (z = 0.225 / 0.3767 = 0.60)
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    for i in 0..10 {
        rows.push([20.0, (i % 2) as f64]);
        labels.push(2);
    }
    for _ in 0..5 {
        rows.push([300.0, 0.5]);
        labels.push(0);
        rows.push([300.0, 0.8]);
        labels.push(1);
    }
    let x = Array2::from_shape_fn((20, 2), |(i, j)| rows[i][j]);
    let p = profile_segments(
        &names,
        x.view(),
        &labels,
        &ProfileExtras::default(),
        &Vocabulary::default(),
    )
    .unwrap();
    let got: Vec<&str> = p.segments.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        got,
        vec![
            "lapsed customers",
            "lapsed discount-driven customers",
            "recent customers"
        ]
    );
}
