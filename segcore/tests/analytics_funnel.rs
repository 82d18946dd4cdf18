//! Cart funnel: a hand-checked case, monotone counts on generated events, loops, custom stage
//! names, the follow-up list and drop-off anomalies planted in seeded events.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use segcore::analytics::anomaly::AnomalyParams;
use segcore::analytics::funnel::{FunnelAnalysis, FunnelStages, FunnelTable, Period};
use segcore::data::Events;

/// Customer A: session s1 goes all the way with a loop from shipping back to the cart, using
/// the `shipping_details` / `payment_details` names; session s2 (later) abandons a cart worth 30.
/// Customer B: no session ids; one session to checkout, then 2 hours later a product view and a
/// payment event that skips stages (not counted). Customer C: only an add_to_cart (never enters).
fn hand_events() -> Events {
    let rows: Vec<(&str, i64, &str, &str, &str, f64)> = vec![
        ("A", 0, "product_view", "s1", "web", f64::NAN),
        ("A", 10, "add_to_cart", "s1", "web", 20.0),
        ("A", 20, "checkout_start", "s1", "web", 20.0),
        ("A", 30, "shipping_details", "s1", "web", 20.0),
        ("A", 40, "add_to_cart", "s1", "web", 35.0),
        ("A", 50, "checkout_start", "s1", "web", 35.0),
        ("A", 60, "Shipping", "s1", "web", 35.0),
        ("A", 70, "payment_details", "s1", "web", 35.0),
        ("A", 80, "purchase", "s1", "web", 35.0),
        ("A", 1000, "product_view", "s2", "web", f64::NAN),
        ("A", 1010, "add_to_cart", "s2", "web", 30.0),
        ("B", 0, "product_view", "", "ios", f64::NAN),
        ("B", 60, "add_to_cart", "", "ios", f64::NAN),
        ("B", 120, "checkout_start", "", "ios", f64::NAN),
        ("B", 7320, "product_view", "", "ios", f64::NAN),
        ("B", 7380, "payment", "", "ios", f64::NAN),
        ("C", 50, "add_to_cart", "", "ios", 9.0),
    ];
    Events::builder(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        rows.iter().map(|r| r.2).collect::<Vec<_>>(),
    )
    .session(rows.iter().map(|r| r.3).collect::<Vec<_>>())
    .platform(rows.iter().map(|r| r.4).collect::<Vec<_>>())
    .value(rows.iter().map(|r| r.5).collect())
    .build()
    .unwrap()
}

fn counts(t: &FunnelTable) -> (Vec<u64>, Vec<u64>) {
    let s = t.stages.as_ref().unwrap();
    (
        s.iter().map(|r| r.sessions).collect(),
        s.iter().map(|r| r.customers).collect(),
    )
}

#[test]
fn hand_checked_funnel() {
    let f = FunnelAnalysis::params()
        .min_group(1)
        .fit(&hand_events())
        .unwrap();
    assert_eq!(f.n_sessions(), 5); // A1, A2, B1, B2, C1
    let all = f.overall();
    assert_eq!((all.sessions, all.customers), (Some(4), Some(2)));
    let (s, c) = counts(&all);
    assert_eq!(s, [4, 3, 2, 1, 1, 1]);
    assert_eq!(c, [2, 2, 2, 1, 1, 1]);
    let st = all.stages.unwrap();
    assert_eq!(st[0].drop_off, Some(0.25));
    assert!((st[1].drop_off.unwrap() - 1.0 / 3.0).abs() < 1e-15);
    assert_eq!(st[2].drop_off, Some(0.5));
    assert_eq!(st[5].drop_off, None);
    assert_eq!(st[0].step_conversion, None);
    assert_eq!(st[1].step_conversion, Some(0.75));
    assert_eq!(st[5].session_reach, 0.25);
    assert_eq!(st[5].customer_reach, 0.5);
    // one loop back to the cart (add_to_cart after shipping); none elsewhere
    let loops: Vec<u64> = st.iter().map(|r| r.loops_back).collect();
    assert_eq!(loops, [0, 1, 0, 0, 0, 0]);

    // by platform: web = A's two sessions, ios = B's two (C never entered)
    let p = f.by_platform();
    assert_eq!(
        p.iter().map(|t| t.group.as_str()).collect::<Vec<_>>(),
        ["ios", "web"]
    );
    assert_eq!(counts(&p[0]).0, [2, 1, 1, 0, 0, 0]);
    assert_eq!(counts(&p[1]).0, [2, 2, 1, 1, 1, 1]);

    // by segment, codes A=0, B=1, C=2
    let seg = f.by_segment(&["vip", "new", "new"]).unwrap();
    assert_eq!(seg[0].group, "new");
    assert_eq!(counts(&seg[0]).0, [2, 1, 1, 0, 0, 0]);
    assert_eq!(counts(&seg[1]).0, [2, 2, 1, 1, 1, 1]);

    // all sessions start on 1970-01-01
    let days = f.over_time(Period::Day);
    assert_eq!(days.len(), 1);
    assert_eq!(days[0].group, "1970-01-01");
    assert_eq!(counts(&days[0]).0, [4, 3, 2, 1, 1, 1]);
}

#[test]
fn follow_up_list() {
    let f = FunnelAnalysis::params().fit(&hand_events()).unwrap();
    let list = f
        .follow_up(10_000, 86_400, Some(&["vip", "new", "new"]))
        .unwrap();
    // A's later session abandoned the cart at 30 (their purchase came before it);
    // B reached checkout without a value; C never had a funnel session
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].customer, "A");
    assert_eq!(list[0].value, Some(30.0));
    assert_eq!(list[0].stage, "add_to_cart");
    assert_eq!(list[0].abandoned_at, 1010);
    assert_eq!(list[0].segment.as_deref(), Some("vip"));
    assert_eq!(list[1].customer, "B");
    assert_eq!(list[1].stage, "checkout_start");
    assert_eq!(list[1].value, None);
    assert_eq!(list[1].abandoned_at, 120);
    // as of 500 A's cart does not exist yet and its only session was completed
    let early = f.follow_up(500, 86_400, None::<&[String]>).unwrap();
    assert_eq!(early.len(), 1);
    assert_eq!(early[0].customer, "B");
    // a window of 100 s before 1100 keeps only A
    let narrow = f.follow_up(1100, 100, None::<&[String]>).unwrap();
    assert_eq!(narrow.len(), 1);
    assert_eq!(narrow[0].customer, "A");
}

#[test]
fn custom_stages_and_session_gap() {
    let ev = hand_events();
    let stages = FunnelStages::from_kinds(&["product_view", "add_to_cart", "purchase"], 1).unwrap();
    let f = FunnelAnalysis::params()
        .stages(stages)
        .min_group(1)
        .fit(&ev)
        .unwrap();
    assert_eq!(counts(&f.overall()).0, [4, 3, 1]);
    // a 3-hour gap merges B's two sessions: B then has 1 session, so 3 entered sessions
    let g = FunnelAnalysis::params()
        .session_gap_secs(3 * 3600)
        .min_group(1)
        .fit(&ev)
        .unwrap();
    assert_eq!(g.overall().sessions, Some(3));
    assert!(FunnelStages::from_kinds(&["a", "a"], 0).is_err());
    assert!(
        FunnelAnalysis::params()
            .session_gap_secs(0)
            .fit(&ev)
            .is_err()
    );
}

/// Seeded synthetic events: `days` days, `per_day` sessions a day by customers drawn from a pool,
/// stage-to-stage continuation probabilities `cont`, except on `plant_day` where the continuation
/// out of stage `plant_stage` becomes `plant_p`.
fn generate(seed: u64, days: i64, per_day: usize, plant: Option<(i64, usize, f64)>) -> Events {
    let kinds = [
        "product_view",
        "add_to_cart",
        "checkout_start",
        "shipping_details",
        "payment_details",
        "purchase",
    ];
    let cont = [0.6, 0.7, 0.8, 0.9, 0.85];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut cust, mut time, mut kind, mut sess, mut plat) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut sid = 0u64;
    for d in 0..days {
        for _ in 0..per_day {
            sid += 1;
            let c: i64 = rng.random_range(0..3000);
            let mut t = d * 86_400 + rng.random_range(0..80_000);
            let platform = if rng.random_bool(0.5) { "web" } else { "app" };
            let mut stage = 0;
            loop {
                cust.push(c);
                time.push(t);
                kind.push(kinds[stage]);
                sess.push(format!("s{sid}"));
                plat.push(platform);
                if stage == 5 {
                    break;
                }
                let mut p = cont[stage];
                if let Some((pd, ps, pp)) = plant {
                    if pd == d && ps == stage {
                        p = pp;
                    }
                }
                if !rng.random_bool(p) {
                    break;
                }
                // sometimes go back from shipping to the cart and come again
                if stage == 3 && rng.random_bool(0.1) {
                    t += 30;
                    cust.push(c);
                    time.push(t);
                    kind.push("add_to_cart");
                    sess.push(format!("s{sid}"));
                    plat.push(platform);
                }
                stage += 1;
                t += 60;
            }
        }
    }
    Events::builder(cust, time, kind)
        .session(sess)
        .platform(plat)
        .build()
        .unwrap()
}

fn assert_monotone(t: &FunnelTable) {
    if let Some(st) = &t.stages {
        for w in st.windows(2) {
            assert!(
                w[1].sessions <= w[0].sessions,
                "{}: sessions increase",
                t.group
            );
            assert!(
                w[1].customers <= w[0].customers,
                "{}: customers increase",
                t.group
            );
        }
    }
}

#[test]
fn counts_never_increase_along_the_stages() {
    let ev = generate(11, 20, 150, None);
    let f = FunnelAnalysis::params().fit(&ev).unwrap();
    assert_monotone(&f.overall());
    f.by_platform().iter().for_each(assert_monotone);
    f.over_time(Period::Day).iter().for_each(assert_monotone);
    f.over_time(Period::Week).iter().for_each(assert_monotone);
    let labels: Vec<String> = (0..ev.customers().len())
        .map(|c| format!("seg{}", c % 4))
        .collect();
    f.by_segment(&labels)
        .unwrap()
        .iter()
        .for_each(assert_monotone);
    // the generator's loops are seen at the cart stage only
    let st = f.overall().stages.unwrap();
    assert!(st[1].loops_back > 0);
    assert!(
        st.iter()
            .enumerate()
            .all(|(i, r)| i == 1 || r.loops_back == 0)
    );
    // 20 days from Thursday 1970-01-01: weeks starting Mon 12-29, 01-05, 01-12, 01-19
    assert_eq!(f.over_time(Period::Week).len(), 4);
}

#[test]
fn planted_payment_failure_is_flagged() {
    // day 30: continuation out of payment (stage 4) drops from 0.85 to 0.5
    let ev = generate(2024, 40, 300, Some((30, 4, 0.5)));
    let f = FunnelAnalysis::params().fit(&ev).unwrap();
    let flags = f.anomalies(Period::Day, &AnomalyParams::default()).unwrap();
    assert_eq!(flags.len(), 1, "{flags:#?}");
    let a = &flags[0];
    assert_eq!(
        (a.stage.as_str(), a.next_stage.as_str()),
        ("payment", "purchase")
    );
    assert_eq!(a.period, "1970-01-31");
    assert!(a.change > 0.2 && a.z > 3.0 && a.p_value < 1e-3);
    assert!((a.drop_off - a.baseline_drop_off - a.change).abs() < 1e-15);
}

#[test]
fn no_flag_without_a_change() {
    let ev = generate(2024, 40, 300, None);
    let f = FunnelAnalysis::params().fit(&ev).unwrap();
    assert!(
        f.anomalies(Period::Day, &AnomalyParams::default())
            .unwrap()
            .is_empty()
    );
    assert!(
        f.anomalies(Period::Week, &AnomalyParams::default().baseline_periods(2))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn same_result_on_any_thread_count() {
    let ev = generate(5, 10, 200, None);
    let fit = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| FunnelAnalysis::params().fit(&ev).unwrap())
    };
    let (one, many) = (fit(1), fit(4));
    assert_eq!(one, many);
    assert_eq!(one.over_time(Period::Day), many.over_time(Period::Day));
}
