//! Predictions at fixed parameters against lifetimes 0.11.3 (golden/clv/make_golden.py).

use segcore::clv::value::{DiscountConvention, customer_lifetime_value};
use segcore::clv::{
    BetaGeo, BetaGeoBetaBinom, GammaGamma, ModifiedBetaGeo, ParetoNbd, TransactionModel,
};
use segcore::data::TimeUnit;
use serde_json::Value;

fn golden() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/clv/lifetimes_golden.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn vecf(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-6 * w.abs() + 1e-12,
            "{what}[{i}]: got {g}, lifetimes {w}"
        );
    }
}

fn columns(g: &Value) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let rows = g["rows"].as_array().unwrap();
    let col = |k: usize| {
        rows.iter()
            .map(|r| r[k].as_f64().unwrap())
            .collect::<Vec<_>>()
    };
    (col(0), col(1), col(2))
}

fn check_transaction_model<M: TransactionModel>(m: &M, g: &Value, name: &str) {
    let d = &g[name];
    let (x, tx, t) = columns(g);
    let times = vecf(&g["times"]);
    close(
        &m.expected_purchases(&times).unwrap(),
        &vecf(&d["expected_purchases"]),
        &format!("{name} expected_purchases"),
    );
    for &h in &times {
        let key = format!("{h:?}");
        let got = m.conditional_expected_purchases(h, &x, &tx, &t).unwrap();
        close(
            &got,
            &vecf(&d["conditional_expected_purchases"][&key]),
            &format!("{name} conditional t={h}"),
        );
    }
    close(
        &m.p_alive(&x, &tx, &t).unwrap(),
        &vecf(&d["p_alive"]),
        &format!("{name} p_alive"),
    );
    if let Some(p) = d.get("probability_of_n_purchases") {
        for n in [0u32, 1, 2, 5] {
            let got = m.probability_of_n_purchases(&times, n).unwrap();
            close(&got, &vecf(&p[n.to_string()]), &format!("{name} P(n={n})"));
        }
    }
}

fn p(d: &Value, k: &str) -> f64 {
    d["params"][k].as_f64().unwrap()
}

#[test]
fn beta_geo_matches_lifetimes() {
    let g = golden();
    let d = &g["BetaGeo"];
    let m = BetaGeo::from_params(
        p(d, "r"),
        p(d, "alpha"),
        p(d, "a"),
        p(d, "b"),
        TimeUnit::Weeks,
    )
    .unwrap();
    check_transaction_model(&m, &g, "BetaGeo");
}

#[test]
fn modified_beta_geo_matches_lifetimes() {
    let g = golden();
    let d = &g["ModifiedBetaGeo"];
    let m = ModifiedBetaGeo::from_params(
        p(d, "r"),
        p(d, "alpha"),
        p(d, "a"),
        p(d, "b"),
        TimeUnit::Weeks,
    )
    .unwrap();
    check_transaction_model(&m, &g, "ModifiedBetaGeo");
}

#[test]
fn pareto_nbd_matches_lifetimes_both_branches() {
    let g = golden();
    let (x, tx, t) = columns(&g);
    for name in ["ParetoNbd", "ParetoNbdAlphaBelowBeta"] {
        let d = &g[name];
        let m = ParetoNbd::from_params(
            p(d, "r"),
            p(d, "alpha"),
            p(d, "s"),
            p(d, "beta"),
            TimeUnit::Weeks,
        )
        .unwrap();
        check_transaction_model(&m, &g, name);
        for n in [0u32, 1, 2, 5] {
            let got: Vec<f64> = (0..8)
                .map(|i| {
                    m.conditional_probability_of_n_purchases_one(n, 10.0, x[i], tx[i], t[i])
                        .unwrap()
                })
                .collect();
            close(
                &got,
                &vecf(&d["conditional_probability_of_n_purchases"][n.to_string()]),
                &format!("{name} conditional P(n={n})"),
            );
        }
    }
}

#[test]
fn bg_bb_matches_lifetimes() {
    let g = golden();
    let d = &g["BetaGeoBetaBinom"];
    let m =
        BetaGeoBetaBinom::from_params(p(d, "alpha"), p(d, "beta"), p(d, "gamma"), p(d, "delta"))
            .unwrap();
    let (x, tx, n) = (
        vecf(&d["frequency"]),
        vecf(&d["recency"]),
        vecf(&d["n_periods"]),
    );
    for k in [1u32, 5, 10] {
        let got = m.conditional_expected_purchases(k, &x, &tx, &n).unwrap();
        close(
            &got,
            &vecf(&d["conditional_expected_purchases"][k.to_string()]),
            &format!("BG/BB conditional m={k}"),
        );
    }
    for k in [0u32, 1, 5] {
        let got = m.p_alive(&x, &tx, &n, k).unwrap();
        close(
            &got,
            &vecf(&d["p_alive"][k.to_string()]),
            &format!("BG/BB p_alive m={k}"),
        );
    }
}

#[test]
fn gamma_gamma_and_clv_match_lifetimes() {
    let g = golden();
    let d = &g["GammaGamma"];
    let gg = GammaGamma::from_params(p(d, "p"), p(d, "q"), p(d, "v")).unwrap();
    let (x, tx, t) = columns(&g);
    let m = vecf(&d["monetary"]);
    close(
        &gg.conditional_expected_average_profit(&x, &m).unwrap(),
        &vecf(&d["conditional_expected_average_profit"]),
        "spend",
    );

    let b = &g["BetaGeo"];
    let bg = BetaGeo::from_params(
        p(b, "r"),
        p(b, "alpha"),
        p(b, "a"),
        p(b, "b"),
        TimeUnit::Weeks,
    )
    .unwrap();
    let v = customer_lifetime_value(
        &bg,
        &gg,
        &x,
        &tx,
        &t,
        &m,
        12.0 * 4.345,
        0.01,
        DiscountConvention::LifetimesMonthly,
    )
    .unwrap();
    close(&v, &vecf(&d["clv_bg_12_months_weekly"]), "BG/NBD CLV");

    let q = &g["ParetoNbd"];
    let pn = ParetoNbd::from_params(
        p(q, "r"),
        p(q, "alpha"),
        p(q, "s"),
        p(q, "beta"),
        TimeUnit::Weeks,
    )
    .unwrap();
    let v = customer_lifetime_value(
        &pn,
        &gg,
        &x,
        &tx,
        &t,
        &m,
        6.0 * 4.345,
        0.02,
        DiscountConvention::LifetimesMonthly,
    )
    .unwrap();
    close(
        &v,
        &vecf(&d["clv_pareto_6_months_weekly"]),
        "Pareto/NBD CLV",
    );
}
