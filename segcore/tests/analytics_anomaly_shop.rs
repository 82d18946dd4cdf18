//! Funnel drop-off anomalies on the synthetic shop: a payment outage planted in one week is
//! flagged at exactly that stage and week, and the same shop without the outage raises no
//! flag, overall and per customer type (the segment column), for several seeds.

use segcore::analytics::anomaly::{AnomalyParams, DropOffAnomaly};
use segcore::analytics::funnel::{FunnelAnalysis, Period};
use segcore::data::Events;
use segcore::data::columns::{Categorical, MISSING};
use segcore::data::synthetic::{CustomerType, Outage, SyntheticShop};

const START: i64 = 1_672_531_200; // 2023-01-01, a Sunday
const DAY: i64 = 86_400;
/// Monday 2023-06-05, week 23 of the shop.
const OUTAGE_WEEK: i64 = START + 155 * DAY;

fn shop(seed: u64, outage: Option<Outage>) -> (Events, Vec<CustomerType>) {
    let mut p = SyntheticShop::params()
        .n_customers(2500)
        .days(364)
        .seed(seed)
        .feedback(false);
    if let Some(o) = outage {
        p = p.outage(o);
    }
    let (logs, truth) = p.generate_with_truth().unwrap();
    let ev = logs.events().unwrap().clone();
    (ev, truth.iter().map(|t| t.kind).collect())
}

/// The events of the customers of one type (rebuilt through the public builder).
fn events_of(ev: &Events, kinds: &[CustomerType], kind: CustomerType) -> Events {
    let rows: Vec<usize> = (0..ev.len())
        .filter(|&r| kinds[ev.customer()[r] as usize] == kind)
        .collect();
    let ids: Vec<String> = rows
        .iter()
        .map(|&r| ev.customers().label(ev.customer()[r]))
        .collect();
    let ts: Vec<i64> = rows.iter().map(|&r| ev.timestamp()[r]).collect();
    let names: Vec<String> = rows
        .iter()
        .map(|&r| ev.kind(r).as_str().to_string())
        .collect();
    let col = |c: &Categorical| -> Vec<String> {
        rows.iter()
            .map(|&r| match c.codes[r] {
                MISSING => String::new(),
                k => c.levels[k as usize].clone(),
            })
            .collect()
    };
    Events::builder(ids, ts, names)
        .session(col(ev.session().unwrap()))
        .build()
        .unwrap()
}

fn weekly_flags(ev: &Events) -> Vec<DropOffAnomaly> {
    FunnelAnalysis::params()
        .fit(ev)
        .unwrap()
        .anomalies(Period::Week, &AnomalyParams::default())
        .unwrap()
}

#[test]
fn planted_payment_outage_is_flagged_at_its_stage_and_week() {
    for seed in [1, 2, 3] {
        let outage = Outage::new("payment", OUTAGE_WEEK, 7, 0.25).unwrap();
        let (ev, _) = shop(seed, Some(outage));
        let flags = weekly_flags(&ev);
        assert_eq!(flags.len(), 1, "seed {seed}: {flags:#?}");
        let f = &flags[0];
        assert_eq!(
            (f.stage.as_str(), f.next_stage.as_str(), f.period.as_str()),
            ("payment", "purchase", "2023-06-05"),
            "seed {seed}"
        );
        assert_eq!(f.period_start, OUTAGE_WEEK);
        // every session reaching payment that would have bought stops with probability 0.25:
        // the rise is 0.25·(1 − p_b) up to sampling noise (4 standard errors)
        let expected = 0.25 * (1.0 - f.baseline_drop_off);
        let (pt, pb) = (f.drop_off, f.baseline_drop_off);
        let se = (pt * (1.0 - pt) / f.sessions as f64
            + pb * (1.0 - pb) / f.baseline_sessions as f64)
            .sqrt();
        assert!(
            (f.change - expected).abs() < 4.0 * se,
            "seed {seed}: change {} vs {expected} (se {se})",
            f.change
        );
        assert!(f.dispersion >= 1.0 && f.p_adjusted <= 0.01 && f.z >= 3.0);
    }
    // per customer type: a flag, if any, is the outage; the types with most purchases see it
    let outage = Outage::new("payment", OUTAGE_WEEK, 7, 0.25).unwrap();
    let (ev, kinds) = shop(1, Some(outage));
    let mut flagged = Vec::new();
    for kind in CustomerType::ALL {
        for f in weekly_flags(&events_of(&ev, &kinds, kind)) {
            assert_eq!(
                (f.stage.as_str(), f.period_start),
                ("payment", OUTAGE_WEEK),
                "{kind}"
            );
            flagged.push(kind);
        }
    }
    assert!(flagged.contains(&CustomerType::Loyal), "{flagged:?}");
}

#[test]
fn outage_only_changes_the_stopped_sessions() {
    let outage = Outage::new("payment", OUTAGE_WEEK, 7, 0.25).unwrap();
    let (with, _) = shop(4, Some(outage));
    let (without, _) = shop(4, None);
    let in_week = |t: i64| (OUTAGE_WEEK..OUTAGE_WEEK + 7 * DAY).contains(&t);
    let count = |ev: &Events, kind: &str, inside: bool| {
        (0..ev.len())
            .filter(|&r| ev.kind(r).as_str() == kind && in_week(ev.timestamp()[r]) == inside)
            .count()
    };
    // outside the week nothing changes; inside, payments stay and purchases drop by ~25%
    for kind in ["product_view", "add_to_cart", "payment", "purchase"] {
        assert_eq!(
            count(&with, kind, false),
            count(&without, kind, false),
            "{kind}"
        );
    }
    assert_eq!(
        count(&with, "payment", true),
        count(&without, "payment", true)
    );
    let (p1, p0) = (
        count(&with, "purchase", true) as f64,
        count(&without, "purchase", true) as f64,
    );
    assert!(p0 > 100.0, "{p0}");
    assert!((1.0 - p1 / p0 - 0.25).abs() < 0.08, "{p1} / {p0}");
}

#[test]
fn no_flag_without_an_outage_overall_and_per_type() {
    for seed in [1, 2, 3] {
        let (ev, kinds) = shop(seed, None);
        let flags = weekly_flags(&ev);
        assert!(flags.is_empty(), "seed {seed}: {flags:#?}");
        for kind in CustomerType::ALL {
            let sub = events_of(&ev, &kinds, kind);
            let flags = weekly_flags(&sub);
            assert!(flags.is_empty(), "seed {seed}, {kind}: {flags:#?}");
        }
    }
}

#[test]
fn over_dispersed_series_needs_a_real_jump() {
    use segcore::analytics::anomaly::{PeriodCounts, detect_dropoff_anomalies};
    // 1000 sessions a week whose drop-off alternates 20% / 30%: far more week-to-week variation
    // than binomial (the raw z of a 30% week against its baseline is about 3.9)
    let stages = vec!["payment".to_string(), "purchase".to_string()];
    let mut periods: Vec<PeriodCounts> = (0..40)
        .map(|w| PeriodCounts {
            period_start: w * 7 * DAY,
            customers: 900,
            reached: vec![1000, if w % 2 == 0 { 800 } else { 700 }],
        })
        .collect();
    let params = AnomalyParams::default();
    assert!(
        detect_dropoff_anomalies(&stages, &periods, &params)
            .unwrap()
            .is_empty()
    );
    // week 30 at 60% drop-off stands out even against that variation
    periods[30].reached[1] = 400;
    let flags = detect_dropoff_anomalies(&stages, &periods, &params).unwrap();
    assert_eq!(flags.len(), 1, "{flags:#?}");
    let f = &flags[0];
    assert_eq!(f.period_start, 30 * 7 * DAY);
    // the dispersion is the median squared raw z over the 33 tested weeks / 0.4549
    assert!(f.dispersion > 20.0, "{}", f.dispersion);
    // baseline weeks 23..=29: four at 30%, three at 20%
    let (pt, pb) = (0.6, (3.0 * 0.2 + 4.0 * 0.3) / 7.0);
    let p = (600.0 + 7000.0 * pb) / 8000.0;
    let raw = (pt - pb) / (p * (1.0 - p) * (1.0 / 1000.0 + 1.0 / 7000.0_f64)).sqrt();
    assert!((f.z - raw / f.dispersion.sqrt()).abs() < 1e-9);
    assert!((f.baseline_drop_off - pb).abs() < 1e-12);
    assert!(f.p_adjusted >= f.p_value && f.p_adjusted <= 0.01);
}
