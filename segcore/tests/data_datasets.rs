//! Bundled data sets: counts and totals checked against values computed independently from
//! the files with awk (commands in each comment), and the CDNOW summary re-derived from the
//! sample log.

use std::collections::BTreeMap;

use segcore::data::datasets::{cdnow_master, cdnow_sample, cdnow_summary, donations};
use segcore::data::time::{TimeFormat, format_date, parse_time};

fn sum(v: &[f64]) -> f64 {
    // Kahan summation so the total does not depend on rounding order
    let (mut s, mut c) = (0.0, 0.0);
    for &x in v {
        let y = x - c;
        let t = s + y;
        c = (t - s) - y;
        s = t;
    }
    s
}

#[test]
fn cdnow_master_counts_and_totals() {
    let tx = cdnow_master().unwrap();
    // awk 'NR>1{n++; if(!($1 in c)){c[$1]=1;k++}} END{print n,k}' CDNOW_master.txt -> 69659 23570
    assert_eq!(tx.len(), 69_659);
    assert_eq!(tx.customers().len(), 23_570);
    let ids = tx.customers().ints().unwrap();
    assert_eq!((ids[0], ids[ids.len() - 1]), (1, 23_570));
    // awk 'NR>1{s+=$4} END{printf "%.2f", s}' CDNOW_master.txt -> 2500315.63
    assert!((sum(tx.amount()) - 2_500_315.63).abs() < 1e-6);
    // awk 'NR>1{q+=$3} END{print q}' CDNOW_master.txt -> 167881
    assert_eq!(sum(tx.quantity().unwrap()), 167_881.0);
    // awk 'NR>1 && $4+0==0' CDNOW_master.txt | wc -l -> 80
    assert_eq!(tx.amount().iter().filter(|&&a| a == 0.0).count(), 80);
    let min = *tx.timestamp().iter().min().unwrap();
    let max = *tx.timestamp().iter().max().unwrap();
    assert_eq!(
        (format_date(min), format_date(max)),
        ("1997-01-01".into(), "1998-06-30".into())
    );
    // first row: 00001 19970101 1 11.77
    assert_eq!(
        (tx.customer()[0], tx.timestamp()[0], tx.amount()[0]),
        (0, 852_076_800, 11.77)
    );
}

#[test]
fn cdnow_sample_counts_and_totals() {
    let tx = cdnow_sample().unwrap();
    // awk '{n++; if(!($2 in c)){c[$2]=1;k++}} END{print n,k}' CDNOW_sample.txt -> 6919 2357
    assert_eq!((tx.len(), tx.customers().len()), (6_919, 2_357));
    // customer ids are the sample ids 1..2357
    let ids = tx.customers().ints().unwrap();
    assert!(ids.iter().enumerate().all(|(i, &id)| id == i as i64 + 1));
    // awk '{s+=$5} END{printf "%.2f", s}' CDNOW_sample.txt -> 244091.94
    assert!((sum(tx.amount()) - 244_091.94).abs() < 1e-6);
    // awk '{q+=$4} END{print q}' CDNOW_sample.txt -> 16479
    assert_eq!(sum(tx.quantity().unwrap()), 16_479.0);
    // awk '$3<=19970930{s+=$5; n++} END{printf "%d %.2f", n, s}' CDNOW_sample.txt -> 4960 173115.55
    let end = parse_time("1997-09-30", TimeFormat::IsoDate).unwrap();
    let cal: Vec<usize> = (0..tx.len())
        .filter(|&r| tx.timestamp()[r] <= end)
        .collect();
    assert_eq!(cal.len(), 4_960);
    let cal_amount: Vec<f64> = cal.iter().map(|&r| tx.amount()[r]).collect();
    assert!((sum(&cal_amount) - 173_115.55).abs() < 1e-6);
}

#[test]
fn cdnow_summary_columns() {
    let s = cdnow_summary().unwrap();
    assert_eq!(s.len(), 2_357);
    // awk -F, 'NR>1{x+=$2; tx+=$3; T+=$4; z+=$5} END{printf "%.2f %.2f %.2f %.2f", x,tx,T,z}'
    //   -> 2457.00 16135.52 77111.21 33184.31
    assert_eq!(sum(&s.x), 2_457.0);
    assert!((sum(&s.t_x) - 16_135.52).abs() < 1e-6);
    assert!((sum(&s.t) - 77_111.21).abs() < 1e-6);
    assert!((sum(&s.zbar) - 33_184.31).abs() < 1e-6);
    // awk -F, 'NR>1 && $2>0{n++} END{print n}' -> 946 repeat buyers (the Gamma-Gamma sample)
    assert_eq!(s.x.iter().filter(|&&x| x > 0.0).count(), 946);
    assert!(s.id.iter().enumerate().all(|(i, &id)| id == i as i64 + 1));
}

/// Re-derives x, t_x, T (weeks, 39-week calibration ending 1997-09-30) and zbar from the
/// sample log, merging same-day purchases, and compares every customer with the summary
/// file: this pins down that the summary's ID is the sample id.
#[test]
fn cdnow_summary_matches_the_sample_log() {
    let tx = cdnow_sample().unwrap();
    let s = cdnow_summary().unwrap();
    let end_day = parse_time("1997-09-30", TimeFormat::IsoDate).unwrap() / 86_400;
    // customer -> day -> spend
    let mut days: Vec<BTreeMap<i64, f64>> = vec![BTreeMap::new(); tx.customers().len()];
    for r in 0..tx.len() {
        let d = tx.timestamp()[r] / 86_400;
        *days[tx.customer()[r] as usize].entry(d).or_insert(0.0) += tx.amount()[r];
    }
    for (c, purchases) in days.iter().enumerate() {
        let first = *purchases.keys().next().unwrap();
        let repeats: Vec<(i64, f64)> = purchases
            .iter()
            .skip(1)
            .filter(|(d, _)| **d <= end_day)
            .map(|(&d, &v)| (d, v))
            .collect();
        let x = repeats.len() as f64;
        let t_x = repeats
            .last()
            .map_or(0.0, |&(d, _)| (d - first) as f64 / 7.0);
        let big_t = (end_day - first) as f64 / 7.0;
        let zbar = if repeats.is_empty() {
            0.0
        } else {
            repeats.iter().map(|r| r.1).sum::<f64>() / x
        };
        assert_eq!(s.x[c], x, "customer {}", c + 1);
        assert!((s.t_x[c] - t_x).abs() < 0.0051, "customer {}", c + 1);
        assert!((s.t[c] - big_t).abs() < 0.0051, "customer {}", c + 1);
        assert!((s.zbar[c] - zbar).abs() < 0.0051, "customer {}", c + 1);
    }
}

#[test]
fn donations_columns() {
    let d = donations().unwrap();
    // 22 patterns; awk -F, 'NR>1{f+=$1*$4; r+=$2*$4; w+=$4} END{print f, r, w}' -> 24615 32263 11104
    assert_eq!(d.frequency.len(), 22);
    assert_eq!(d.weights.iter().sum::<f64>(), 11_104.0);
    let wf: f64 = d.frequency.iter().zip(&d.weights).map(|(f, w)| f * w).sum();
    let wr: f64 = d.recency.iter().zip(&d.weights).map(|(r, w)| r * w).sum();
    assert_eq!((wf, wr), (24_615.0, 32_263.0));
    assert!(d.periods.iter().all(|&n| n == 6.0));
    assert!(
        d.frequency
            .iter()
            .zip(&d.recency)
            .all(|(&f, &r)| f <= r && (f > 0.0 || r == 0.0))
    );
}
