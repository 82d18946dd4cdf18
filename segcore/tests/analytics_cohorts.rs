//! Cohort retention: a hand-checked table, month-0 retention of 1, the worse-cohort flag and
//! suppression.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use segcore::analytics::cohorts::Cohorts;
use segcore::data::Transactions;
use segcore::data::time::days_from_civil;

fn at(y: i64, m: u32, d: u32) -> i64 {
    days_from_civil(y, m, d) * 86_400 + 3600
}

#[test]
fn hand_checked_table() {
    // Jan 2020 cohort: c1 (Jan, Feb, Mar), c2 (Jan, Mar), c3 (Jan), c4 (Jan, a return in Feb)
    // Feb 2020 cohort: c5 (Feb, Mar), c6 (Feb); c7 only returned something (no cohort)
    let rows = vec![
        ("c1", at(2020, 1, 5), 10.0),
        ("c1", at(2020, 1, 20), 5.0),
        ("c1", at(2020, 2, 3), 7.0),
        ("c1", at(2020, 3, 9), 4.0),
        ("c2", at(2020, 1, 9), 20.0),
        ("c2", at(2020, 3, 1), 8.0),
        ("c3", at(2020, 1, 31), 3.0),
        ("c4", at(2020, 1, 2), 12.0),
        ("c4", at(2020, 2, 2), -5.0),
        ("c5", at(2020, 2, 10), 6.0),
        ("c5", at(2020, 3, 30), 6.0),
        ("c6", at(2020, 2, 29), 9.0),
        ("c7", at(2020, 2, 1), -1.0),
    ];
    let tx = Transactions::builder(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        rows.iter().map(|r| r.2).collect(),
    )
    .build()
    .unwrap();
    let t = Cohorts::params().min_group(1).fit(&tx).unwrap();
    assert_eq!(t.months, 3);
    assert_eq!(t.cohorts.len(), 2);
    let jan = &t.cohorts[0];
    assert_eq!((jan.cohort.as_str(), jan.customers), ("2020-01", Some(4)));
    assert_eq!(jan.cohort_start, days_from_civil(2020, 1, 1) * 86_400);
    assert_eq!(jan.active.as_ref().unwrap(), &[Some(4), Some(1), Some(2)]);
    assert_eq!(
        jan.retention.as_ref().unwrap(),
        &[Some(1.0), Some(0.25), Some(0.5)]
    );
    // Jan: 10+5+20+3+12 = 50; Feb: 7-5 = 2; Mar: 4+8 = 12
    assert_eq!(
        jan.revenue.as_ref().unwrap(),
        &[Some(50.0), Some(2.0), Some(12.0)]
    );
    assert_eq!(jan.revenue_per_customer.as_ref().unwrap()[0], Some(12.5));
    let feb = &t.cohorts[1];
    assert_eq!(feb.customers, Some(2));
    assert_eq!(
        feb.retention.as_ref().unwrap(),
        &[Some(1.0), Some(0.5), None]
    );
    assert_eq!(
        feb.revenue.as_ref().unwrap(),
        &[Some(15.0), Some(6.0), None]
    );
    // as_of in February: March is not observed, and the March rows are ignored
    let t2 = Cohorts::params()
        .min_group(1)
        .as_of(at(2020, 2, 29))
        .fit(&tx)
        .unwrap();
    assert_eq!(t2.months, 2);
    assert_eq!(
        t2.cohorts[0].retention.as_ref().unwrap(),
        &[Some(1.0), Some(0.25)]
    );
    // default k = 10 suppresses both cohorts
    let t3 = Cohorts::params().fit(&tx).unwrap();
    assert!(
        t3.cohorts
            .iter()
            .all(|c| c.suppressed && c.retention.is_none())
    );
}

#[test]
fn month_zero_retention_is_one() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let n = 3000;
    let start = at(2021, 1, 1);
    let cust: Vec<i64> = (0..n).map(|_| rng.random_range(0..400)).collect();
    let time: Vec<i64> = (0..n)
        .map(|_| start + rng.random_range(0..(365 * 86_400)))
        .collect();
    let amount: Vec<f64> = (0..n)
        .map(|_| {
            if rng.random_bool(0.05) {
                -5.0
            } else {
                rng.random_range(1.0..100.0)
            }
        })
        .collect();
    let (tx_cust, tx_amount) = (cust.clone(), amount.clone());
    let tx = Transactions::builder(cust, time, amount).build().unwrap();
    let t = Cohorts::params().fit(&tx).unwrap();
    assert!(t.cohorts.iter().any(|c| !c.suppressed));
    for c in t.cohorts.iter().filter(|c| !c.suppressed) {
        let r = c.retention.as_ref().unwrap();
        assert_eq!(r[0], Some(1.0), "cohort {}", c.cohort);
        assert!(r.iter().flatten().all(|x| (0.0..=1.0).contains(x)));
        assert_eq!(r.len(), t.months);
    }
    // every customer with a purchase is in exactly one cohort
    let mut buyers: Vec<i64> = (0..n)
        .filter(|&i| tx_amount[i] >= 0.0)
        .map(|i| tx_cust[i])
        .collect();
    buyers.sort_unstable();
    buyers.dedup();
    let all = Cohorts::params().min_group(1).fit(&tx).unwrap();
    let total: u64 = all.cohorts.iter().map(|c| c.customers.unwrap()).sum();
    assert_eq!(total, buyers.len() as u64);
}

#[test]
fn worse_cohort_is_flagged() {
    // cohorts Jan..Apr 2022 of 20 customers; half of Jan-Mar buy again the next month,
    // only 2 of April's do. Observed until July, so month 1 of April (May) is complete.
    let (mut cust, mut time, mut amt) = (Vec::new(), Vec::new(), Vec::new());
    for (k, (m, repeaters)) in [(1u32, 10), (2, 10), (3, 10), (4, 2)].iter().enumerate() {
        for i in 0..20 {
            let id = format!("m{k}-{i}");
            cust.push(id.clone());
            time.push(at(2022, *m, 3));
            amt.push(10.0);
            if i < *repeaters {
                cust.push(id);
                time.push(at(2022, m + 1, 3));
                amt.push(10.0);
            }
        }
    }
    let tx = Transactions::builder(cust, time, amt).build().unwrap();
    let t = Cohorts::params().as_of(at(2022, 7, 15)).fit(&tx).unwrap();
    let flags: Vec<_> = t
        .cohorts
        .iter()
        .map(|c| c.worse_than_earlier.clone())
        .collect();
    assert!(flags[..3].iter().all(Option::is_none));
    let f = flags[3].as_ref().unwrap();
    assert_eq!(f.month, 1);
    assert_eq!((f.retention, f.baseline), (0.1, 0.5));
    // z = (0.1 - 0.5) / sqrt(0.4 * 0.6 * (1/20 + 1/60)), pooled 32/80 = 0.4
    let z = -0.4 / (0.24_f64 * (1.0 / 20.0 + 1.0 / 60.0)).sqrt();
    assert!((f.z - z).abs() < 1e-12);
    // with as_of in May, May is incomplete for April: no flag
    let early = Cohorts::params().as_of(at(2022, 5, 20)).fit(&tx).unwrap();
    assert!(early.cohorts.iter().all(|c| c.worse_than_earlier.is_none()));
}

#[test]
fn cdnow_sample_cohorts_match_pandas() {
    // golden: make_golden.py builds the same table with pandas (Period months, nunique, sum)
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/cdnow/CDNOW_sample.txt"
    ))
    .unwrap();
    let (mut cust, mut time, mut amt) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let d: i64 = f[2].parse().unwrap();
        cust.push(f[1].parse::<i64>().unwrap());
        time.push(at(d / 10_000, ((d / 100) % 100) as u32, (d % 100) as u32));
        amt.push(f[4].parse::<f64>().unwrap());
    }
    let tx = Transactions::builder(cust, time, amt).build().unwrap();
    let t = Cohorts::params().fit(&tx).unwrap();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/analytics/golden.json"
    );
    let g: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let want = g["cdnow_cohorts"].as_array().unwrap();
    // Q1 1997 acquisitions observed through June 1998: 3 cohorts, 18 months, 2,357 customers
    assert_eq!(t.cohorts.len(), 3);
    assert_eq!(t.months, 18);
    let total: u64 = t.cohorts.iter().map(|c| c.customers.unwrap()).sum();
    assert_eq!(total, 2357);
    for (row, w) in t.cohorts.iter().zip(want) {
        assert_eq!(row.cohort, w["cohort"].as_str().unwrap());
        assert_eq!(row.customers, w["size"].as_u64());
        let active = row.active.as_ref().unwrap();
        let revenue = row.revenue.as_ref().unwrap();
        let observed = active.iter().flatten().count();
        assert_eq!(observed, w["active"].as_object().unwrap().len());
        for m in 0..observed {
            let key = m.to_string();
            assert_eq!(active[m], w["active"][&key].as_u64(), "{} m{m}", row.cohort);
            let r = w["revenue"][&key].as_f64().unwrap();
            assert!((revenue[m].unwrap() - r).abs() < 1e-9 * r.max(1.0));
        }
        assert_eq!(row.retention.as_ref().unwrap()[0], Some(1.0));
    }
}
