//! Live scoring against the batch path: a `LiveScorer` on replayed CDNOW states gives the
//! row of `Segmenter::score` for every customer (CDNOW has only transactions, so the purchase
//! family is every defined feature and the comparison is exact).

#[path = "live_util.rs"]
mod live_util;

use live_util::{close, replay};
use segcore::data::{Logs, datasets};
use segcore::pipeline::live::{CustomerScore, CustomerState, LiveScorer};
use segcore::pipeline::{Column, CustomerTable, Segmenter};

fn num<'a>(t: &'a CustomerTable, name: &str) -> &'a [f64] {
    match t.get(name) {
        Some(Column::Num(v)) => v,
        _ => panic!("no numeric column {name}"),
    }
}

fn text<'a>(t: &'a CustomerTable, name: &str) -> &'a [String] {
    match t.get(name) {
        Some(Column::Text(v)) => v,
        _ => panic!("no text column {name}"),
    }
}

fn opt(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

struct Fixture {
    model: Segmenter,
    states: Vec<CustomerState>,
    logs: Logs,
}

fn fixture() -> Fixture {
    let tx = datasets::cdnow_sample().unwrap();
    let logs = Logs::new(tx.clone(), None, None).unwrap();
    assert_eq!(logs.customers(), tx.customers());
    let out = Segmenter::params().n_segments(Some(4)).fit(&logs).unwrap();
    let states = replay(&tx, out.model.params.features.merge_period_secs);
    Fixture {
        model: out.model,
        states,
        logs,
    }
}

/// Compares the live scores with the batch table; `churn` also compares the churn columns.
fn compare(table: &CustomerTable, scores: &[CustomerScore], churn: bool) {
    let seg = num(table, "segment");
    let seg_name = text(table, "segment_name");
    let rfm_score = text(table, "rfm_score");
    let rfm_segment = text(table, "rfm_segment");
    let p_alive = num(table, "p_alive");
    let expected = num(table, "expected_purchases");
    let clv = num(table, "clv");
    let churn_p = num(table, "churn_probability");
    let band = text(table, "risk_band");
    let drivers: Vec<&[String]> = (1..=3)
        .map(|k| text(table, &format!("driver_{k}")))
        .collect();
    assert_eq!(scores.len(), seg.len());
    for (c, s) in scores.iter().enumerate() {
        assert_eq!(s.segment as f64, seg[c], "customer {c} segment");
        assert_eq!(s.segment_name, seg_name[c]);
        assert_eq!(s.rfm_score.clone().unwrap_or_default(), rfm_score[c]);
        assert_eq!(s.rfm_segment.clone().unwrap_or_default(), rfm_segment[c]);
        assert_eq!(s.purchaser, p_alive[c].is_finite());
        for (what, a, b) in [
            ("p_alive", opt(s.p_alive), p_alive[c]),
            ("expected_purchases", opt(s.expected_purchases), expected[c]),
            ("clv", opt(s.clv), clv[c]),
        ] {
            assert!(close(a, b), "customer {c} {what}: live {a} vs batch {b}");
        }
        if churn {
            let p = opt(s.churn_probability);
            assert!(
                close(p, churn_p[c]),
                "customer {c} churn: live {p} vs batch {}",
                churn_p[c]
            );
            let b = s
                .risk_band
                .map(|b| format!("{b:?}").to_lowercase())
                .unwrap_or_default();
            assert_eq!(b, band[c]);
            for (k, col) in drivers.iter().enumerate() {
                let live = s
                    .drivers
                    .get(k)
                    .map(|d| format!("{} ({:+.2})", d.feature, d.contribution))
                    .unwrap_or_default();
                assert_eq!(live, col[c], "customer {c} driver {}", k + 1);
            }
        }
    }
}

#[test]
fn live_scores_equal_batch_scores_on_cdnow() {
    let f = fixture();
    let table = f.model.score(&f.logs, None).unwrap();
    let scorer = LiveScorer::new(&f.model).unwrap();
    let scores: Vec<CustomerScore> = f
        .states
        .iter()
        .map(|s| scorer.score(s, f.model.as_of).unwrap())
        .collect();
    compare(&table, &scores, true);
    // all four segments and several RFM segments occur; every customer is a purchaser
    let mut segs: Vec<usize> = scores.iter().map(|s| s.segment).collect();
    segs.sort_unstable();
    segs.dedup();
    assert_eq!(segs, vec![0, 1, 2, 3]);
    assert!(scores.iter().all(|s| s.purchaser && s.drivers.len() == 3));
    // the batch form and the convenience methods agree with one-by-one scoring
    assert_eq!(scorer.score_many(&f.states, f.model.as_of).unwrap(), scores);
    assert_eq!(
        f.model
            .score_customers(&f.states[..50], f.model.as_of)
            .unwrap(),
        scores[..50]
    );
    assert_eq!(
        f.model.score_customer(&f.states[7], f.model.as_of).unwrap(),
        scores[7]
    );
}

#[test]
fn later_cutoff_matches_batch_except_refitted_churn() {
    // Segmenter::score refits the churn features' BG/NBD at its cutoff; segments, RFM and
    // CLV use the fitted models in both paths and must still agree.
    let f = fixture();
    let later = f.model.as_of + 45 * 86_400;
    let table = f.model.score(&f.logs, Some(later)).unwrap();
    let scorer = LiveScorer::new(&f.model).unwrap();
    let scores = scorer.score_many(&f.states, later).unwrap();
    compare(&table, &scores, false);
    // and an earlier cutoff (rows after it ignored)
    let earlier = f.model.as_of - 200 * 86_400;
    let table = f.model.score(&f.logs, Some(earlier)).unwrap();
    let scores = scorer.score_many(&f.states, earlier).unwrap();
    compare(&table, &scores, false);
}

#[test]
fn model_file_and_score_round_trip() {
    let f = fixture();
    let json = segcore::model::to_json(&f.model).unwrap();
    let back: Segmenter = segcore::model::from_json(&json).unwrap();
    let a = LiveScorer::new(&f.model).unwrap();
    let b = LiveScorer::new(&back).unwrap();
    for s in f.states.iter().step_by(97) {
        let sa = a.score(s, f.model.as_of).unwrap();
        assert_eq!(b.score(s, f.model.as_of).unwrap(), sa);
        let text = serde_json::to_string(&sa).unwrap();
        let again: CustomerScore = serde_json::from_str(&text).unwrap();
        assert_eq!(again, sa);
        // and a persisted state scores the same
        let st: CustomerState = serde_json::from_str(&serde_json::to_string(s).unwrap()).unwrap();
        assert_eq!(a.score(&st, f.model.as_of).unwrap(), sa);
    }
    // a browser (no purchase) gets a segment and nothing else
    let empty = a.score(&CustomerState::default(), f.model.as_of).unwrap();
    assert!(!empty.purchaser && empty.clv.is_none() && empty.drivers.is_empty());
    let v: serde_json::Value = serde_json::to_value(&empty).unwrap();
    assert!(v["clv"].is_null());
}

#[test]
fn state_with_another_period_is_refused() {
    let f = fixture();
    let scorer = LiveScorer::new(&f.model).unwrap();
    let s = CustomerState::new(None).unwrap();
    let e = scorer.score(&s, f.model.as_of).unwrap_err();
    assert_eq!(e.code(), "INVALID_PARAMETER");
    let e = scorer.score(&f.states[0], i64::MAX).unwrap_err();
    assert_eq!(e.code(), "INVALID_PARAMETER");
}
