//! Shared loaders for the CLV integration tests (also compiled as its own empty test crate).
#![allow(dead_code)]

use segcore::clv::{RfmSummary, WeightedSummary};
use segcore::data::TimeUnit;

/// The CDNOW sample summary (2,357 customers, 39-week calibration, weeks).
pub fn cdnow() -> RfmSummary {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/cdnow/cdnow_customers_summary_with_transactions.csv"
    );
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let (mut x, mut tx, mut t, mut m) = (vec![], vec![], vec![], vec![]);
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let f = |i: usize| rec[i].trim().parse::<f64>().unwrap();
        x.push(f(1));
        tx.push(f(2));
        t.push(f(3));
        m.push(f(4));
    }
    RfmSummary::new(x, tx, t, m, TimeUnit::Weeks).unwrap()
}

/// The donations data in weighted form (frequency, recency, periods, weights).
pub fn donations() -> WeightedSummary {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/cdnow/donations.csv");
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let (mut x, mut tx, mut n, mut w) = (vec![], vec![], vec![], vec![]);
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let f = |i: usize| rec[i].trim().parse::<f64>().unwrap();
        x.push(f(0));
        tx.push(f(1));
        n.push(f(2));
        w.push(f(3));
    }
    WeightedSummary::new(x, tx, n, w, TimeUnit::Days).unwrap()
}

/// Row of customer `id` (1-based ID column) in the CDNOW summary.
pub fn cdnow_row(s: &RfmSummary, id: usize) -> (f64, f64, f64) {
    (s.frequency[id - 1], s.recency[id - 1], s.t[id - 1])
}

pub fn assert_close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} (tol {tol})"
    );
}
