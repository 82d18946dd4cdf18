//! The synthetic shop: determinism (seed, thread count) and sanity of the generative model.
#![allow(clippy::needless_range_loop)]

use std::collections::{BTreeMap, BTreeSet};

use segcore::SegError;
use segcore::data::synthetic::{CATEGORIES, CustomerTruth, CustomerType, SyntheticShop};
use segcore::data::{Categorical, Logs, ScoreScale, Transactions};

fn shop(n: usize, seed: u64) -> (Logs, Vec<CustomerTruth>) {
    SyntheticShop::params()
        .n_customers(n)
        .seed(seed)
        .generate_with_truth()
        .unwrap()
}

/// Equality of two logs, comparing floats by their bits (event values hold NaN).
fn same_logs(a: &Logs, b: &Logs) -> bool {
    let (ea, eb) = (a.events().unwrap(), b.events().unwrap());
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    a.customers() == b.customers()
        && a.transactions() == b.transactions()
        && a.feedback() == b.feedback()
        && ea.customer() == eb.customer()
        && ea.timestamp() == eb.timestamp()
        && ea.kind_code() == eb.kind_code()
        && ea.category() == eb.category()
        && ea.channel() == eb.channel()
        && ea.session() == eb.session()
        && ea.platform() == eb.platform()
        && bits(ea.value().unwrap()) == bits(eb.value().unwrap())
}

#[test]
fn same_seed_same_shop_different_seed_different_shop() {
    let (a, ta) = shop(700, 11);
    let (b, tb) = shop(700, 11);
    assert!(same_logs(&a, &b));
    assert_eq!(ta, tb);
    let (c, tc) = shop(700, 12);
    assert!(!same_logs(&a, &c));
    assert_ne!(ta, tc);
    // a customer's rows do not depend on how many customers there are
    let (small, ts) = shop(300, 11);
    assert_eq!(ts[..], ta[..300]);
    let rows = |l: &Logs, c: u32| -> Vec<(i64, u64)> {
        let t = l.transactions();
        (0..t.len())
            .filter(|&r| t.customer()[r] == c)
            .map(|r| (t.timestamp()[r], t.amount()[r].to_bits()))
            .collect()
    };
    for c in [0, 17, 299] {
        assert_eq!(rows(&small, c), rows(&a, c));
    }
}

#[test]
fn same_shop_on_one_and_two_threads() {
    // more than one chunk of 512 customers, so the work is really split
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| shop(1_300, 5))
    };
    let (a, ta) = run(1);
    let (b, tb) = run(2);
    assert!(same_logs(&a, &b));
    assert_eq!(ta, tb);
}

#[test]
fn ids_truth_and_period() {
    let start = 1_700_000_000; // 2023-11-14T22:13:20Z, floored to 2023-11-14
    let days = 400;
    let (logs, truth) = SyntheticShop::params()
        .n_customers(1_000)
        .seed(3)
        .start(start)
        .days(days)
        .generate_with_truth()
        .unwrap();
    let idx = logs.customers();
    assert_eq!((idx.len(), truth.len()), (1_000, 1_000));
    for (c, t) in truth.iter().enumerate() {
        assert_eq!(idx.label(c as u32), format!("C{c:06}"));
        assert_eq!(t.id, idx.label(c as u32));
    }
    let lo = 1_699_920_000; // 2023-11-14T00:00:00Z
    let hi = lo + days as i64 * 86_400;
    let inside = |ts: &[i64]| ts.iter().all(|&t| (lo..hi).contains(&t));
    assert!(inside(logs.transactions().timestamp()));
    assert!(inside(logs.events().unwrap().timestamp()));
    assert!(inside(logs.feedback().unwrap().timestamp()));
    assert!(truth.iter().all(|t| (lo..hi).contains(&t.joined)));
    // categorical levels are sorted (codes index them by binary search)
    let sorted = |c: &Categorical| c.levels.windows(2).all(|w| w[0] < w[1]);
    let tx = logs.transactions();
    for c in [tx.order_id(), tx.product(), tx.category(), tx.channel()] {
        assert!(sorted(c.unwrap()));
    }
    let ev = logs.events().unwrap();
    for c in [ev.category(), ev.channel(), ev.session(), ev.platform()] {
        assert!(sorted(c.unwrap()));
    }
    assert!(
        tx.category()
            .unwrap()
            .levels
            .iter()
            .all(|l| CATEGORIES.contains(&l.as_str()))
    );
}

/// Orders per customer: distinct order ids with a positive amount.
fn orders_per_customer(tx: &Transactions, n: usize) -> Vec<usize> {
    let mut orders: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); n];
    let codes = &tx.order_id().unwrap().codes;
    for r in 0..tx.len() {
        if tx.amount()[r] > 0.0 {
            orders[tx.customer()[r] as usize].insert(codes[r]);
        }
    }
    orders.iter().map(BTreeSet::len).collect()
}

#[test]
fn generative_model_sanity() {
    let n = 4_000;
    let (logs, truth) = shop(n, 2024);
    let tx = logs.transactions();
    let orders = orders_per_customer(tx, n);
    let of = |k: CustomerType| -> Vec<usize> { (0..n).filter(|&c| truth[c].kind == k).collect() };

    // type shares follow the default mix (0.25 one-timers; binomial sd 0.007)
    let one = of(CustomerType::OneTimer);
    let share = one.len() as f64 / n as f64;
    assert!((share - 0.25).abs() < 0.03, "one-timer share {share}");
    // one-timers buy exactly once and drop out at acquisition
    assert!(one.iter().all(|&c| orders[c] == 1));
    assert!(
        one.iter()
            .all(|&c| truth[c].dropped_out == Some(truth[c].joined))
    );
    // customers with exactly one order include every one-timer, but not most loyal ones
    let singles = (0..n).filter(|&c| orders[c] == 1).count();
    assert!(singles >= one.len());
    let mean = |cs: &[usize]| cs.iter().map(|&c| orders[c] as f64).sum::<f64>() / cs.len() as f64;
    let loyal = of(CustomerType::Loyal);
    let lapsing = of(CustomerType::Lapsing);
    assert!(
        mean(&loyal) > 2.0 * mean(&lapsing),
        "{} {}",
        mean(&loyal),
        mean(&lapsing)
    );
    assert!(mean(&lapsing) > 2.0, "lapsing {}", mean(&lapsing));
    // browsers: 60% buy at all
    let browsers = of(CustomerType::Browser);
    let buyers =
        browsers.iter().filter(|&&c| truth[c].buyer).count() as f64 / browsers.len() as f64;
    assert!((buyers - 0.6).abs() < 0.08, "browser buyers {buyers}");
    assert!(browsers.iter().all(|&c| truth[c].buyer == (orders[c] > 0)));

    // discounts: bargain hunters use them (p = 0.75), loyal customers rarely (0.10)
    let disc = tx.discount().unwrap();
    let disc_share = |cs: &[usize]| {
        let set: BTreeSet<u32> = cs.iter().map(|&c| c as u32).collect();
        let rows: Vec<usize> = (0..tx.len())
            .filter(|&r| tx.amount()[r] > 0.0 && set.contains(&tx.customer()[r]))
            .collect();
        rows.iter().filter(|&&r| disc[r]).count() as f64 / rows.len() as f64
    };
    let bargain = of(CustomerType::BargainHunter);
    assert!(
        (disc_share(&bargain) - 0.75).abs() < 0.05,
        "{}",
        disc_share(&bargain)
    );
    assert!(
        (disc_share(&loyal) - 0.10).abs() < 0.04,
        "{}",
        disc_share(&loyal)
    );

    // returns are negative rows of an earlier order of the same customer, never above it
    let codes = &tx.order_id().unwrap().codes;
    let mut paid: BTreeMap<u32, (u32, i64, f64)> = BTreeMap::new();
    for r in 0..tx.len() {
        if tx.amount()[r] > 0.0 {
            paid.insert(
                codes[r],
                (tx.customer()[r], tx.timestamp()[r], tx.amount()[r]),
            );
        }
    }
    let returns: Vec<usize> = (0..tx.len()).filter(|&r| tx.amount()[r] < 0.0).collect();
    assert!(returns.len() > 50, "{} returns", returns.len());
    for &r in &returns {
        let (c, t, a) = paid[&codes[r]];
        assert_eq!(c, tx.customer()[r]);
        assert!(tx.timestamp()[r] > t && -tx.amount()[r] <= a);
    }

    // events: one purchase event per order, with the order's amount as value
    let ev = logs.events().unwrap();
    let kinds = ev.kind_code();
    let count = |k: u16| kinds.iter().filter(|&&x| x == k).count();
    let n_orders: usize = orders.iter().sum();
    assert_eq!(count(7), n_orders);
    // the funnel narrows: add_to_cart >= checkout_start >= shipping >= payment >= purchase
    let funnel: Vec<usize> = (3..=7).map(count).collect();
    assert!(funnel.windows(2).all(|w| w[0] > w[1]), "{funnel:?}");
}

#[test]
fn abandonment_decreases_by_stage() {
    let (logs, truth) = shop(3_000, 8);
    let ev = logs.events().unwrap();
    let session = &ev.session().unwrap().codes;
    // last cart stage reached per session, for sessions without a purchase
    let mut last: BTreeMap<u32, (u16, u32)> = BTreeMap::new();
    let mut bought: BTreeSet<u32> = BTreeSet::new();
    for r in 0..ev.len() {
        let k = ev.kind_code()[r];
        if (3..=6).contains(&k) {
            let e = last.entry(session[r]).or_insert((k, ev.customer()[r]));
            e.0 = e.0.max(k);
        }
        if k == 7 {
            bought.insert(session[r]);
        }
    }
    let mut by_stage = [0usize; 4];
    let mut by_stage_bargain = [0usize; 4];
    let mut abandoned_by_type = [0usize; 7];
    for (s, (k, c)) in &last {
        if !bought.contains(s) {
            by_stage[(k - 3) as usize] += 1;
            let t = truth[*c as usize].kind;
            abandoned_by_type[t.index()] += 1;
            if t == CustomerType::BargainHunter {
                by_stage_bargain[(k - 3) as usize] += 1;
            }
        }
    }
    assert!(by_stage.windows(2).all(|w| w[0] > w[1]), "{by_stage:?}");
    // expected shares ∝ (0.55, 0.18, 0.081, 0.0567): the first stage holds about 63%
    let total: usize = by_stage.iter().sum();
    let first = by_stage[0] as f64 / total as f64;
    assert!((first - 0.55 / 0.8677).abs() < 0.03, "{first}");
    // bargain hunters abandon more carts per customer than loyal customers
    let per = |t: CustomerType| {
        abandoned_by_type[t.index()] as f64 / truth.iter().filter(|x| x.kind == t).count() as f64
    };
    assert!(per(CustomerType::BargainHunter) > 2.0 * per(CustomerType::Loyal));
    assert!(by_stage_bargain.iter().sum::<usize>() > 0);
}

#[test]
fn survey_scores_follow_satisfaction() {
    let (logs, truth) = shop(4_000, 99);
    let fb = logs.feedback().unwrap();
    let mut nps: BTreeMap<CustomerType, (f64, usize)> = BTreeMap::new();
    let mut csat: BTreeMap<CustomerType, (f64, usize)> = BTreeMap::new();
    for r in 0..fb.len() {
        let t = truth[fb.customer()[r] as usize].kind;
        let m = match fb.scale()[r] {
            ScoreScale::Nps => &mut nps,
            _ => &mut csat,
        };
        let e = m.entry(t).or_insert((0.0, 0));
        e.0 += fb.score()[r];
        e.1 += 1;
    }
    let avg = |m: &BTreeMap<CustomerType, (f64, usize)>, t| m[&t].0 / m[&t].1 as f64;
    use CustomerType::*;
    assert!(avg(&nps, Loyal) > avg(&nps, Lapsing) + 2.0);
    assert!(avg(&csat, Loyal) > avg(&csat, OneTimer) + 0.8);
    assert!(fb.score().iter().zip(fb.scale()).all(|(&s, sc)| {
        let (lo, hi) = sc.range();
        s >= lo && s <= hi && s.fract() == 0.0
    }));
}

#[test]
fn duplicate_counts_agree_with_the_builder() {
    let (logs, _) = shop(400, 4);
    let tx = logs.transactions();
    let labels = |c: &Categorical| {
        (0..c.len())
            .map(|r| c.get(r).unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    let ids: Vec<String> = tx
        .customer()
        .iter()
        .map(|&c| logs.customers().label(c))
        .collect();
    let rebuilt = Transactions::builder(ids, tx.timestamp().to_vec(), tx.amount().to_vec())
        .order_id(labels(tx.order_id().unwrap()))
        .quantity(tx.quantity().unwrap().to_vec())
        .product(labels(tx.product().unwrap()))
        .category(labels(tx.category().unwrap()))
        .channel(labels(tx.channel().unwrap()))
        .discount(tx.discount().unwrap().to_vec())
        .build()
        .unwrap();
    assert_eq!(rebuilt.duplicate_rows(), tx.duplicate_rows());
    assert_eq!(rebuilt.category(), tx.category());
}

#[test]
fn options_and_parameter_errors() {
    let logs = SyntheticShop::params()
        .n_customers(50)
        .events(false)
        .feedback(false)
        .generate()
        .unwrap();
    assert!(logs.events().is_none() && logs.feedback().is_none());
    // only one-timers: every buyer buys once
    let (logs, truth) = SyntheticShop::params()
        .n_customers(200)
        .type_mix([0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0])
        .generate_with_truth()
        .unwrap();
    assert!(truth.iter().all(|t| t.kind == CustomerType::OneTimer));
    assert!(
        orders_per_customer(logs.transactions(), 200)
            .iter()
            .all(|&k| k == 1)
    );

    let bad = |p: segcore::data::synthetic::SyntheticShopParams, name: &str| match p
        .generate()
        .unwrap_err()
    {
        SegError::InvalidParameter { name: got, .. } => assert_eq!(got, name),
        other => panic!("{other:?}"),
    };
    let p = SyntheticShop::params;
    bad(p().n_customers(0), "n_customers");
    bad(p().days(0), "days");
    bad(p().days(40_000), "days");
    bad(p().start(7_258_118_399), "start");
    bad(p().type_mix([0.0; 7]), "type_mix");
    bad(
        p().type_mix([1.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        "type_mix",
    );
    bad(
        p().type_mix([f64::NAN, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        "type_mix",
    );
}

#[test]
fn calendar_patterns() {
    use segcore::data::time::civil_from_days;
    // two whole years from Monday 2024-01-01
    let (logs, truth) = SyntheticShop::params()
        .n_customers(3_000)
        .seed(21)
        .start(1_704_067_200)
        .days(731)
        .generate_with_truth()
        .unwrap();
    let ev = logs.events().unwrap();
    // browsing: product views by weekday (Monday = 0) and hour, in sessions not started by a
    // campaign (emails go out on Tuesdays, which would make Tuesday the busiest day)
    let session = &ev.session().unwrap().codes;
    let mut entry: BTreeMap<u32, u16> = BTreeMap::new();
    for r in 0..ev.len() {
        entry.entry(session[r]).or_insert(ev.kind_code()[r]);
    }
    let mut weekday = [0usize; 7];
    let mut hour = [0usize; 24];
    for r in 0..ev.len() {
        let campaign = matches!(entry.get(&session[r]), Some(10..=12));
        if ev.kind_code()[r] == 1 && !campaign {
            let t = ev.timestamp()[r];
            weekday[((t.div_euclid(86_400) + 3) % 7) as usize] += 1;
            hour[(t.rem_euclid(86_400) / 3600) as usize] += 1;
        }
    }
    assert!(
        weekday[5] + weekday[6] > weekday[0] + weekday[1],
        "{weekday:?}"
    );
    assert!(hour[20] > 5 * hour[3], "{hour:?}");
    // seasonal customers buy far more in December than in February; others less so
    let tx = logs.transactions();
    let mut dec_feb = [[0usize; 2]; 2];
    for r in 0..tx.len() {
        if tx.amount()[r] <= 0.0 {
            continue;
        }
        let (_, m, _) = civil_from_days(tx.timestamp()[r].div_euclid(86_400));
        let seasonal = truth[tx.customer()[r] as usize].kind == CustomerType::Seasonal;
        match m {
            12 => dec_feb[seasonal as usize][0] += 1,
            2 => dec_feb[seasonal as usize][1] += 1,
            _ => {}
        }
    }
    let ratio = |x: [usize; 2]| x[0] as f64 / x[1].max(1) as f64;
    assert!(ratio(dec_feb[1]) > 5.0, "{dec_feb:?}");
    assert!(
        ratio(dec_feb[0]) > 1.2 && ratio(dec_feb[0]) < ratio(dec_feb[1]),
        "{dec_feb:?}"
    );
}
