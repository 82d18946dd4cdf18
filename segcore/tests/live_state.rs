//! Live customer states against the batch feature pass: replaying the logs order by order
//! gives the same purchase features and CLV summary as `features::compute`.

#[path = "live_util.rs"]
mod live_util;

use live_util::{close, event, replay, time_order};
use segcore::data::synthetic::SyntheticShop;
use segcore::data::{Logs, Transactions, datasets};
use segcore::features::{Family, FeatureConfig, compute};
use segcore::pipeline::live::{CustomerState, OrderEvent, purchase_feature_names};

const JULY_1998: i64 = 899_251_200; // 1998-07-01

fn purchase_config(as_of: i64, period: Option<i64>) -> FeatureConfig {
    FeatureConfig::default()
        .as_of(Some(as_of))
        .merge_period_secs(period)
        .families(vec![Family::Purchase])
}

/// Compares every purchase column and the CLV summary of every customer; returns the number
/// of purchasers compared.
fn check_against_compute(
    tx: &Transactions,
    states: &[CustomerState],
    cfg: &FeatureConfig,
) -> usize {
    let logs = Logs::new(tx.clone(), None, None).unwrap();
    assert_eq!(logs.customers(), tx.customers());
    let set = compute(&logs, cfg).unwrap();
    let as_of = cfg.as_of.unwrap();
    let names = purchase_feature_names(cfg).unwrap();
    assert_eq!(names, set.matrix.names);
    let mut purchasers = 0;
    for (c, state) in states.iter().enumerate() {
        let live = state.purchase_features(cfg, as_of).unwrap();
        for (j, name) in names.iter().enumerate() {
            let batch = set.matrix.values[[c, j]];
            assert!(
                close(live[j], batch),
                "customer {c}, {name}: live {} vs batch {batch}",
                live[j]
            );
        }
        let s = &set.summary;
        match state.summary(as_of).unwrap() {
            Some(l) => {
                assert!(s.purchaser[c], "customer {c} is not a purchaser in batch");
                purchasers += 1;
                for (what, a, b) in [
                    ("x", l.x, s.x[c]),
                    ("t_x", l.t_x, s.t_x[c]),
                    ("T", l.t, s.t[c]),
                    (
                        "mean_repeat_spend",
                        l.mean_repeat_spend,
                        s.mean_repeat_spend[c],
                    ),
                ] {
                    assert!(close(a, b), "customer {c}, {what}: live {a} vs batch {b}");
                }
            }
            None => assert!(!s.purchaser[c], "customer {c} is a purchaser in batch"),
        }
    }
    purchasers
}

#[test]
fn cdnow_master_replay_matches_compute() {
    let tx = datasets::cdnow_master().unwrap();
    let states = replay(&tx, Some(86_400));
    let n = check_against_compute(&tx, &states, &purchase_config(JULY_1998, Some(86_400)));
    assert_eq!(n, 23_570);
}

#[test]
fn cdnow_master_earlier_cutoff_ignores_later_rows() {
    // 1997-10-01: most customers have rows after the cutoff (the slow, rebuilt path)
    let tx = datasets::cdnow_master().unwrap();
    let states = replay(&tx, Some(86_400));
    let n = check_against_compute(&tx, &states, &purchase_config(875_664_000, Some(86_400)));
    assert_eq!(n, 23_570); // every customer's first purchase is in Q1 1997
}

#[test]
fn synthetic_replay_with_order_ids_returns_and_discounts() {
    let logs = SyntheticShop::params()
        .n_customers(1500)
        .seed(11)
        .generate()
        .unwrap();
    let tx = logs.transactions();
    assert!(tx.order_id().is_some() && tx.discount().is_some());
    assert!(tx.amount().iter().any(|&a| a < 0.0), "want returns");
    let last = *tx.timestamp().iter().max().unwrap();
    let as_of = last.div_euclid(86_400) * 86_400 + 86_400;
    for period in [Some(86_400), Some(7 * 86_400), None] {
        let states = replay(tx, period);
        let cfg = purchase_config(as_of, period);
        let n = check_against_compute(tx, &states, &cfg);
        assert!(n > 1000, "{n} purchasers");
        // and at a cutoff half-way (rows after it ignored)
        let mid = tx.timestamp().iter().min().unwrap() / 2 + last / 2;
        check_against_compute(tx, &states, &purchase_config(mid, period));
    }
}

/// A fixed permutation of `0..n` (multiplicative hashing), far from time order.
fn scrambled(rows: &[usize]) -> Vec<usize> {
    let mut v = rows.to_vec();
    v.sort_by_key(|&r| (r as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 7);
    v
}

#[test]
fn out_of_order_equals_in_order() {
    let logs = SyntheticShop::params()
        .n_customers(800)
        .seed(5)
        .generate()
        .unwrap();
    let tx = logs.transactions();
    let in_order = replay(tx, Some(86_400));
    let mut reversed = vec![CustomerState::default(); tx.customers().len()];
    let mut shuffled = reversed.clone();
    let rows = time_order(tx);
    for &r in rows.iter().rev() {
        reversed[tx.customer()[r] as usize]
            .add(event(tx, r))
            .unwrap();
    }
    for r in scrambled(&rows) {
        shuffled[tx.customer()[r] as usize]
            .add(event(tx, r))
            .unwrap();
    }
    let cfg = purchase_config(*tx.timestamp().iter().max().unwrap() + 1, Some(86_400));
    let as_of = cfg.as_of.unwrap();
    let mut compared = 0;
    for (c, a) in in_order.iter().enumerate() {
        let fa = a.purchase_features(&cfg, as_of).unwrap();
        for other in [&reversed[c], &shuffled[c]] {
            let fb = other.purchase_features(&cfg, as_of).unwrap();
            for (x, y) in fa.iter().zip(&fb) {
                assert!(close(*x, *y), "customer {c}: {fa:?} vs {fb:?}");
            }
            assert_eq!(
                a.summary(as_of).unwrap().is_some(),
                other.summary(as_of).unwrap().is_some()
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 2 * tx.customers().len());
    // and the scrambled replay still matches the batch pass
    check_against_compute(tx, &shuffled, &cfg);
}

#[test]
fn out_of_order_cdnow_matches_compute() {
    let tx = datasets::cdnow_master().unwrap();
    let mut states = vec![CustomerState::default(); tx.customers().len()];
    for r in time_order(&tx).into_iter().rev() {
        states[tx.customer()[r] as usize]
            .add(event(&tx, r))
            .unwrap();
    }
    check_against_compute(&tx, &states, &purchase_config(JULY_1998, Some(86_400)));
}

#[test]
fn state_serde_round_trip() {
    let logs = SyntheticShop::params()
        .n_customers(200)
        .seed(2)
        .generate()
        .unwrap();
    let tx = logs.transactions();
    let states = replay(tx, Some(86_400));
    let cfg = purchase_config(*tx.timestamp().iter().max().unwrap() + 1, Some(86_400));
    let busiest = states.iter().max_by_key(|s| s.len()).unwrap();
    assert!(busiest.len() > 5);
    assert!(busiest.orders().iter().any(|o| o.order_id.is_some()));
    let json = serde_json::to_string(busiest).unwrap();
    let back: CustomerState = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, busiest);
    assert_eq!(
        back.purchase_features(&cfg, cfg.as_of.unwrap()).unwrap(),
        busiest.purchase_features(&cfg, cfg.as_of.unwrap()).unwrap()
    );
    // the persisted form holds the orders, not the aggregates
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["orders"].as_array().unwrap().len(), busiest.len());
    assert_eq!(v["merge_period_secs"], 86_400);
    // a tampered file is refused
    let bad = r#"{"merge_period_secs":0,"orders":[]}"#;
    assert!(serde_json::from_str::<CustomerState>(bad).is_err());
}

#[test]
fn gaps_windows_and_trend_on_a_small_history() {
    let day = 86_400;
    let mut s = CustomerState::default();
    // occasions on days 0, 10, 30 (two orders on day 10 merge), a return on day 31
    for (d, a) in [(0, 10.0), (10, 5.0), (10, 5.0), (30, 20.0)] {
        s.add(OrderEvent::new(d * day + 3600 * (a as i64), a))
            .unwrap();
    }
    s.add(OrderEvent::new(31 * day, -4.0)).unwrap();
    let cfg = FeatureConfig::default()
        .windows_days(vec![7, 30])
        .trend_window_days(20);
    let names = purchase_feature_names(&cfg).unwrap();
    let f = s.purchase_features(&cfg, 40 * day).unwrap();
    let get = |n: &str| f[names.iter().position(|m| m == n).unwrap()];
    assert_eq!(get("n_occasions"), 3.0);
    assert_eq!(get("n_orders"), 3.0); // the two day-10 rows share a timestamp: one order
    assert_eq!(get("total_spend"), 36.0);
    assert_eq!(get("purchases_7d"), 0.0);
    assert_eq!(get("purchases_30d"), 2.0);
    // (20, 40] holds the day-30 occasion; (0, 20] holds those of day 0 (10 h) and day 10
    assert_eq!(get("purchase_trend"), 1.0 - 2.0);
    assert!((get("return_rate") - 0.1).abs() < 1e-15);
    // gaps (days) between the occasion times
    let t: Vec<f64> = [10.0 / 24.0, 10.0 + 5.0 / 24.0, 30.0 + 20.0 / 24.0].to_vec();
    let g = [t[1] - t[0], t[2] - t[1]];
    let mean = (g[0] + g[1]) / 2.0;
    let sd = (((g[0] - mean).powi(2) + (g[1] - mean).powi(2)) / 2.0).sqrt();
    assert!((get("gap_mean") - mean).abs() < 1e-12);
    assert!((get("gap_std") - sd).abs() < 1e-12);
    assert_eq!(get("mean_repeat_spend"), 15.0);
    assert!(get("discount_share").is_nan());
}

#[test]
fn mismatched_period_is_an_error() {
    let s = CustomerState::new(None).unwrap();
    let e = s
        .purchase_features(&FeatureConfig::default(), 0)
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_PARAMETER");
    let mut s = CustomerState::default();
    let e = s.add(OrderEvent::new(0, 1.0).quantity(-1.0)).unwrap_err();
    assert_eq!(e.code(), "INVALID_VALUE");
    assert!(s.is_empty());
}
