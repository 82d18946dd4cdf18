//! Scalers against scikit-learn (golden vectors from tests/golden/cluster/make_golden.py).

use ndarray::{Array2, ArrayView2};
use segcore::cluster::scale::{
    Log1p, MinMaxScaler, RobustScaler, StandardScaler, Transform, select_columns,
};
use segcore::model;
use serde_json::Value;

fn golden() -> Value {
    let s = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/cluster/scalers.json"
    ))
    .unwrap();
    serde_json::from_str(&s).unwrap()
}

fn mat(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).unwrap();
    let (n, d) = (rows.len(), rows[0].len());
    Array2::from_shape_vec((n, d), rows.into_iter().flatten().collect()).unwrap()
}

fn assert_close(a: ArrayView2<f64>, b: ArrayView2<f64>, tol: f64) {
    assert_eq!(a.dim(), b.dim());
    for (x, y) in a.iter().zip(b.iter()) {
        assert!((x - y).abs() <= tol * (1.0 + y.abs()), "{x} vs {y}");
    }
}

#[test]
fn standard_scaler_matches_sklearn() {
    let g = golden();
    let x = mat(&g["x"]);
    let s = StandardScaler::params().fit(x.view()).unwrap();
    assert_close(
        s.transform(x.view()).unwrap().view(),
        mat(&g["standard"]).view(),
        1e-12,
    );
    let scale: Vec<f64> = serde_json::from_value(g["standard_scale"].clone()).unwrap();
    assert_eq!(scale[2], 1.0);
    for (a, b) in s.scale.iter().zip(&scale) {
        assert!((a - b).abs() < 1e-12 * b.abs());
    }
    let back = s
        .inverse_transform(s.transform(x.view()).unwrap().view())
        .unwrap();
    assert_close(back.view(), x.view(), 1e-12);
}

#[test]
fn robust_scaler_matches_sklearn() {
    let g = golden();
    let x = mat(&g["x"]);
    let s = RobustScaler::params().fit(x.view()).unwrap();
    assert_close(
        s.transform(x.view()).unwrap().view(),
        mat(&g["robust"]).view(),
        1e-12,
    );
    let s = RobustScaler::params()
        .quantile_range(10.0, 90.0)
        .fit(x.view())
        .unwrap();
    assert_close(
        s.transform(x.view()).unwrap().view(),
        mat(&g["robust_10_90"]).view(),
        1e-12,
    );
    assert!(
        RobustScaler::params()
            .quantile_range(80.0, 20.0)
            .fit(x.view())
            .is_err()
    );
}

#[test]
fn minmax_scaler_matches_sklearn() {
    let g = golden();
    let x = mat(&g["x"]);
    let s = MinMaxScaler::params().fit(x.view()).unwrap();
    assert_close(
        s.transform(x.view()).unwrap().view(),
        mat(&g["minmax"]).view(),
        1e-12,
    );
    let s = MinMaxScaler::params()
        .feature_range(-1.0, 1.0)
        .fit(x.view())
        .unwrap();
    assert_close(
        s.transform(x.view()).unwrap().view(),
        mat(&g["minmax_m1_1"]).view(),
        1e-12,
    );
}

#[test]
fn log1p_on_named_columns() {
    let names: Vec<String> = ["recency", "monetary"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let x = ndarray::array![[3.0, 0.0], [1.0, (1.0f64).exp() - 1.0]];
    let t = Log1p::params()
        .names(&names, &["monetary"])
        .unwrap()
        .fit(x.view())
        .unwrap();
    let y = t.transform(x.view()).unwrap();
    assert_eq!(y[[0, 0]], 3.0);
    assert_eq!(y[[0, 1]], 0.0);
    assert!((y[[1, 1]] - 1.0).abs() < 1e-15);
    let err = Log1p::params().names(&names, &["spend"]).unwrap_err();
    assert!(err.to_string().contains("`spend`"));
    let bad = ndarray::array![[0.0, -2.0]];
    let err = t.transform(bad.view()).unwrap_err();
    assert!(err.to_string().contains("row 0"), "{err}");
}

#[test]
fn select_columns_orders_and_errors() {
    let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let x = ndarray::array![[1.0, 2.0, 3.0]];
    let (n, y) = select_columns(&names, x.view(), &["c", "a"]).unwrap();
    assert_eq!(n, vec!["c".to_string(), "a".to_string()]);
    assert_eq!(y, ndarray::array![[3.0, 1.0]]);
    let e = select_columns(&names, x.view(), &["zz"]).unwrap_err();
    assert!(e.to_string().contains("`zz`"));
}

#[test]
fn scaler_model_files_round_trip() {
    let g = golden();
    let x = mat(&g["x"]);
    let s = StandardScaler::params().fit(x.view()).unwrap();
    assert_eq!(
        model::from_json::<StandardScaler>(&model::to_json(&s).unwrap()).unwrap(),
        s
    );
    let r = RobustScaler::params().fit(x.view()).unwrap();
    assert_eq!(
        model::from_json::<RobustScaler>(&model::to_json(&r).unwrap()).unwrap(),
        r
    );
    let m = MinMaxScaler::params().fit(x.view()).unwrap();
    assert_eq!(
        model::from_json::<MinMaxScaler>(&model::to_json(&m).unwrap()).unwrap(),
        m
    );
    let l = Log1p::params().columns(vec![1]).fit(x.view()).unwrap();
    assert_eq!(
        model::from_json::<Log1p>(&model::to_json(&l).unwrap()).unwrap(),
        l
    );
}
