//! RFM scores and segments on CDNOW against an independent pandas computation
//! (tests/golden/cluster/make_rfm_cdnow.py → rfm_cdnow.csv).

use std::collections::{BTreeMap, BTreeSet};

use segcore::cluster::rfm::{RfmSegmentTable, quintile_scores, rfm_segments};
use segcore::model;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn ymd(s: &str) -> i64 {
    let v: i64 = s.parse().unwrap();
    days_from_civil(v / 10000, (v / 100) % 100, v % 100)
}

#[test]
fn cdnow_scores_and_segments_equal_pandas() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/cdnow/CDNOW_master.txt"
    ))
    .unwrap();
    let as_of = ymd("19980630");
    // customer -> (distinct days, spend)
    let mut per: BTreeMap<String, (BTreeSet<i64>, f64)> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 4 {
            continue;
        }
        let e = per.entry(f[0].to_string()).or_default();
        e.0.insert(ymd(f[1]));
        e.1 += f[3].parse::<f64>().unwrap();
    }
    let ids: Vec<&String> = per.keys().collect();
    let recency: Vec<f64> = per
        .values()
        .map(|(d, _)| (as_of - d.iter().max().unwrap()) as f64)
        .collect();
    let frequency: Vec<f64> = per.values().map(|(d, _)| d.len() as f64).collect();
    let monetary: Vec<f64> = per.values().map(|(_, m)| *m).collect();
    assert_eq!(ids.len(), 23570);
    let s = rfm_segments(
        &recency,
        &frequency,
        &monetary,
        &RfmSegmentTable::standard(),
    )
    .unwrap();

    let mut rdr = csv::Reader::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/cluster/rfm_cdnow.csv"
    ))
    .unwrap();
    let mut n = 0;
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        assert_eq!(&rec[0], ids[i].as_str());
        assert_eq!(rec[1].parse::<f64>().unwrap(), recency[i]);
        assert_eq!(rec[2].parse::<f64>().unwrap(), frequency[i]);
        assert!((rec[3].parse::<f64>().unwrap() - monetary[i]).abs() < 1e-9);
        assert_eq!(rec[4].parse::<u8>().unwrap(), s.recency_score[i], "row {i}");
        assert_eq!(
            rec[5].parse::<u8>().unwrap(),
            s.frequency_score[i],
            "row {i}"
        );
        assert_eq!(
            rec[6].parse::<u8>().unwrap(),
            s.monetary_score[i],
            "row {i}"
        );
        assert_eq!(&rec[7], s.score[i].as_str());
        assert_eq!(&rec[8], s.segment[i].as_str(), "row {i}");
        n += 1;
    }
    assert_eq!(n, 23570);
}

#[test]
fn quintiles_follow_pandas_float_edges() {
    // pandas.qcut on ranks 1..6 gives bin counts [2, 1, 1, 1, 1] (its 60 % edge is
    // 4.000000000000001, so rank 4 falls in bin 3); 1..11 gives [3, 2, 2, 2, 2]
    let v: Vec<f64> = (1..=6).map(f64::from).collect();
    assert_eq!(quintile_scores(&v, "x").unwrap(), vec![1, 1, 2, 3, 4, 5]);
    let v: Vec<f64> = (1..=11).map(f64::from).collect();
    assert_eq!(
        quintile_scores(&v, "x").unwrap(),
        vec![1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    );
    let e = quintile_scores(&[1.0, f64::NAN], "monetary").unwrap_err();
    assert!(e.to_string().contains("monetary") && e.to_string().contains("row 1"));
}

#[test]
fn standard_table_names_every_cell_and_round_trips() {
    let t = RfmSegmentTable::standard();
    let grid = t.grid();
    let names: BTreeSet<&str> = grid.iter().map(|g| g.3.as_str()).collect();
    assert_eq!(names.len(), 11, "{names:?}");
    assert!(!names.contains("Others"));
    let pkg = RfmSegmentTable::rfm_package();
    assert_eq!(pkg.grid().iter().filter(|g| g.3 == "Others").count(), 36);
    let back: RfmSegmentTable = model::from_json(&model::to_json(&t).unwrap()).unwrap();
    assert_eq!(back, t);
}
