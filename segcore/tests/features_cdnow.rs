//! Purchase-pattern features on CDNOW master against a pandas golden file
//! (tests/golden/features/make_golden.py).

use segcore::data::time::days_from_civil;
use segcore::data::{Logs, Transactions};
use segcore::features::{Family, FeatureConfig, compute};

const MASTER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/cdnow/CDNOW_master.txt");
const GOLDEN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/golden/features/cdnow_purchase_features.csv"
);

fn cdnow() -> Transactions {
    let text = std::fs::read_to_string(MASTER).expect("CDNOW master is bundled");
    let (mut id, mut ts, mut qty, mut amount) = (vec![], vec![], vec![], vec![]);
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.is_empty() {
            continue;
        }
        assert_eq!(f.len(), 4, "line `{line}`");
        id.push(f[0].parse::<i64>().unwrap());
        let d = f[1];
        let (y, m, dd) = (
            d[0..4].parse::<i64>().unwrap(),
            d[4..6].parse::<u32>().unwrap(),
            d[6..8].parse::<u32>().unwrap(),
        );
        ts.push(days_from_civil(y, m, dd) * 86_400);
        qty.push(f[2].parse::<f64>().unwrap());
        amount.push(f[3].parse::<f64>().unwrap());
    }
    Transactions::builder(id, ts, amount)
        .quantity(qty)
        .build()
        .unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) + 1e-12
}

#[test]
fn cdnow_purchase_features_match_pandas() {
    let logs = Logs::new(cdnow(), None, None).unwrap();
    let as_of = days_from_civil(1998, 7, 1) * 86_400;
    let cfg = FeatureConfig::default()
        .as_of(Some(as_of))
        .families(vec![Family::Purchase]);
    let fs = compute(&logs, &cfg).unwrap();
    assert_eq!(fs.excluded_future_rows, 0);
    // the default cutoff is the day after the last purchase (1998-06-30): the same
    let default = compute(
        &logs,
        &FeatureConfig::default().families(vec![Family::Purchase]),
    )
    .unwrap();
    assert_eq!(default.as_of, as_of);

    let golden = std::fs::read_to_string(GOLDEN).unwrap();
    let mut lines = golden.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "customer_id");
    // every purchase-pattern column is in the golden file and vice versa
    assert_eq!(
        &header[1..],
        &fs.matrix
            .names
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()[..]
    );
    let cols: Vec<_> = header[1..]
        .iter()
        .map(|h| fs.matrix.column(h).unwrap())
        .collect();
    let mut rows = 0;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let id: i64 = f[0].parse().unwrap();
        let code = fs.matrix.customers.find_int(id).unwrap() as usize;
        for (j, v) in f[1..].iter().enumerate() {
            let want: f64 = v.parse().unwrap();
            let got = cols[j][code];
            assert!(
                close(got, want),
                "customer {id}, {}: got {got}, want {want}",
                header[j + 1]
            );
        }
        rows += 1;
    }
    assert_eq!(rows, 23_570);
    assert_eq!(fs.matrix.values.nrows(), 23_570);

    // the CLV summary comes from the same pass and agrees with the columns
    let s = &fs.summary;
    let freq = fs.matrix.column("frequency").unwrap();
    let tenure = fs.matrix.column("tenure").unwrap();
    let span = fs.matrix.column("active_span").unwrap();
    let mrs = fs.matrix.column("mean_repeat_spend").unwrap();
    for c in 0..s.len() {
        assert!(s.purchaser[c]);
        assert_eq!(s.x[c], freq[c]);
        assert_eq!(s.t[c], tenure[c]);
        assert_eq!(s.t_x[c], span[c]);
        assert_eq!(s.mean_repeat_spend[c], mrs[c]);
    }
}
