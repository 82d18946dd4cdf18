//! Per-customer explanations: additivity of contributions, driver order, risk bands.

#[path = "churn_util.rs"]
mod util;

use segcore::churn::LogisticChurn;
use segcore::churn::explain::{self, ExplainOptions, ExplainableChurn, RiskBand, RiskBands};

fn names(d: usize) -> Vec<String> {
    (0..d).map(|j| format!("f{j}")).collect()
}

#[test]
fn logistic_contributions_add_up_to_the_log_odds() {
    let t = util::read_csv("logistic_data.csv");
    let m = LogisticChurn::params().fit(t.x.view(), &t.y, None).unwrap();
    let (c, base) = m.contributions(t.x.view()).unwrap();
    let z = m.decision_function(t.x.view()).unwrap();
    for i in 0..t.x.nrows() {
        assert!((base[i] + c.row(i).sum() - z[i]).abs() < 1e-12);
        // coefficient x standardised value
        let v = (t.x[[i, 2]] - m.mean()[2]) / m.scale()[2];
        assert!((c[[i, 2]] - m.coef()[2] * v).abs() < 1e-12);
    }
    let ex = explain::explain(&m, t.x.view(), &names(6), &ExplainOptions::default()).unwrap();
    let p = m.predict_proba(t.x.view()).unwrap();
    for (i, e) in ex.iter().enumerate() {
        assert_eq!(e.churn_probability, p[i]);
        assert_eq!(e.raw_score, z[i]);
        assert_eq!(e.drivers.len(), 3);
        // largest |contribution| first, and no feature outside the top 3 is larger
        let mut abs: Vec<f64> = c.row(i).iter().map(|v| v.abs()).collect();
        abs.sort_by(|a, b| b.total_cmp(a));
        for (k, d) in e.drivers.iter().enumerate() {
            assert_eq!(d.contribution.abs(), abs[k]);
            let j: usize = d.feature[1..].parse().unwrap();
            assert_eq!(d.value, t.x[[i, j]]);
            assert_eq!(d.contribution, c[[i, j]]);
        }
        let want = if p[i] >= 0.6 {
            RiskBand::High
        } else if p[i] >= 0.3 {
            RiskBand::Medium
        } else {
            RiskBand::Low
        };
        assert_eq!(e.risk_band, want);
    }
    assert!(ex.iter().any(|e| e.risk_band == RiskBand::High));
    assert!(ex.iter().any(|e| e.risk_band == RiskBand::Low));
}

#[test]
fn custom_bands_and_bad_input() {
    let t = util::read_csv("logistic_data.csv");
    let m = LogisticChurn::params().fit(t.x.view(), &t.y, None).unwrap();
    let opts = ExplainOptions {
        bands: RiskBands {
            medium: 0.1,
            high: 0.2,
        },
        top_k: 10,
    };
    let ex = explain::explain(&m, t.x.view(), &names(6), &opts).unwrap();
    for e in &ex {
        assert_eq!(e.drivers.len(), 6);
        assert_eq!(e.risk_band == RiskBand::High, e.churn_probability >= 0.2);
    }
    assert!(explain::explain(&m, t.x.view(), &names(5), &opts).is_err());
    let bad = ExplainOptions {
        bands: RiskBands {
            medium: 0.7,
            high: 0.6,
        },
        top_k: 3,
    };
    assert!(explain::explain(&m, t.x.view(), &names(6), &bad).is_err());
}
