//! The `Privacy` settings applied to every kind of output: the customer table, the follow-up
//! list, the segment profiles, cohorts, channels, experiments and the funnel.

use segcore::analytics::channels::channel_value;
use segcore::analytics::cohorts::Cohorts;
use segcore::analytics::experiments::{Arm, Experiment, Outcome};
use segcore::analytics::funnel::FunnelAnalysis;
use segcore::analytics::privacy::{Privacy, WithPrivacy, hmac_sha256, pseudonymise_one, to_hex};
use segcore::cluster::profile::{ProfileExtras, Vocabulary, profile_segments};
use segcore::data::{CustomerIndex, Events, IdColumn, Logs, Transactions};
use segcore::pipeline::{Column, CustomerTable};

#[test]
fn settings_validate_and_hide_the_key() {
    let p = Privacy::default();
    assert_eq!((p.key.as_deref(), p.k, p.hex_len), (None, 10, None));
    assert!(p.validate().is_ok());
    assert!(Privacy::default().k(0).validate().is_err());
    assert!(Privacy::with_key("").validate().is_err());
    assert!(Privacy::with_key("k").hex_len(Some(7)).validate().is_err());
    assert!(Privacy::with_key("k").hex_len(Some(65)).validate().is_err());
    assert!(Privacy::with_key("k").id("x").is_ok());
    assert!(Privacy::with_key("").id("x").is_err());
    let dbg = format!("{:?}", Privacy::with_key("top-secret-key"));
    assert!(!dbg.contains("top-secret") && dbg.contains("redacted"));
    // the output id is the HMAC of the id under the key, cut to hex_len
    let p = Privacy::with_key("retention").hex_len(Some(20));
    let full = to_hex(&hmac_sha256(b"retention", b"c-17").unwrap());
    assert_eq!(p.id("c-17").unwrap(), full[..20]);
    assert_eq!(Privacy::default().id("c-17").unwrap(), "c-17");
}

#[test]
fn customer_table_csv_is_pseudonymised() {
    let (index, _) = CustomerIndex::build(&IdColumn::Str(vec!["ann".into(), "bob".into()]));
    let mut t = CustomerTable::new(index);
    t.push("clv", Column::Num(vec![1.5, f64::NAN])).unwrap();
    t.push("segment", Column::Text(vec!["a".into(), "b".into()]))
        .unwrap();
    let key = Privacy::with_key("k1");
    let mut out = Vec::new();
    t.write_csv_private(&mut out, &key).unwrap();
    let csv = String::from_utf8(out).unwrap();
    let (a, b) = (
        pseudonymise_one(b"k1", "ann", None).unwrap(),
        pseudonymise_one(b"k1", "bob", None).unwrap(),
    );
    assert_eq!(
        csv,
        format!("customer_pseudonym,clv,segment\n{a},1.5,a\n{b},,b\n")
    );
    assert!(!csv.contains("ann") && !csv.contains("bob"));
    // another key gives other pseudonyms; no key gives the raw table
    let mut other = Vec::new();
    t.write_csv_private(&mut other, &Privacy::with_key("k2"))
        .unwrap();
    assert!(!String::from_utf8(other).unwrap().contains(&a));
    let (mut plain, mut raw) = (Vec::new(), Vec::new());
    t.write_csv_private(&mut plain, &Privacy::default())
        .unwrap();
    t.write_csv(&mut raw).unwrap();
    assert_eq!(plain, raw);
    assert!(
        String::from_utf8(raw)
            .unwrap()
            .starts_with("customer_id,clv")
    );
    // a bad key is an error, not a raw-id file
    assert!(
        t.write_csv_private(Vec::new(), &Privacy::with_key(""))
            .is_err()
    );
}

#[test]
fn follow_up_list_is_pseudonymised() {
    let ev = Events::builder(
        vec!["zed", "zed", "amy", "amy"],
        vec![0_i64, 10, 20, 30],
        vec!["product_view", "add_to_cart", "product_view", "add_to_cart"],
    )
    .value(vec![f64::NAN, 30.0, f64::NAN, 12.0])
    .build()
    .unwrap();
    let f = FunnelAnalysis::params().fit(&ev).unwrap();
    let mut list = f.follow_up(1_000, 3_600, None::<&[String]>).unwrap();
    assert_eq!(list.len(), 2);
    let raw: Vec<String> = list.iter().map(|c| c.customer.clone()).collect();
    Privacy::with_key("s")
        .hex_len(Some(12))
        .pseudonymise_carts(&mut list)
        .unwrap();
    for (c, r) in list.iter().zip(&raw) {
        assert_eq!(c.customer, pseudonymise_one(b"s", r, Some(12)).unwrap());
    }
    // values, stages and codes are untouched
    assert_eq!(list.iter().filter_map(|c| c.value).sum::<f64>(), 42.0);
}

#[test]
fn segment_profiles_below_k_are_suppressed_not_zero() {
    // 12 customers in segment 0, 4 in segment 1
    let n = 16;
    let x = ndarray::Array2::from_shape_fn((n, 1), |(i, _)| i as f64);
    let labels: Vec<usize> = (0..n).map(|i| usize::from(i >= 12)).collect();
    let clv: Vec<f64> = (0..n).map(|i| 10.0 * i as f64).collect();
    let extras = ProfileExtras {
        clv: Some(&clv),
        churn_probability: None,
    };
    let p = profile_segments(
        &["frequency".to_string()],
        x.view(),
        &labels,
        &extras,
        &Vocabulary::default(),
    )
    .unwrap();
    let safe = Privacy::default().profiles(&p).unwrap();
    assert_eq!(safe.k, 10);
    let (a, b) = (&safe.segments[0], &safe.segments[1]);
    assert!(!a.suppressed);
    assert_eq!(a.size, Some(12));
    assert_eq!(a.mean.as_deref(), Some(&[5.5][..]));
    assert_eq!(a.clv_total, Some(660.0));
    assert!(b.suppressed);
    assert_eq!(
        (b.size, b.share, &b.mean, b.clv_total, b.clv_mean),
        (None, None, &None, None, None)
    );
    assert_eq!(b.name, p.segments[1].name);
    // k = 4 reports both
    let all = Privacy::default().k(4).profiles(&p).unwrap();
    assert!(all.segments.iter().all(|s| !s.suppressed));
    assert_eq!(
        all.segments[1].clv_total,
        Some(10.0 * (12 + 13 + 14 + 15) as f64)
    );
    // serialised, a suppressed number is null, not 0
    let json = serde_json::to_value(&safe).unwrap();
    assert!(json["segments"][1]["size"].is_null());
    assert_eq!(json["segments"][1]["suppressed"], true);
}

/// 15 customers first buying in January (channel web), 5 in February (channel email).
fn two_cohorts() -> Logs {
    let (mut ids, mut ts, mut amt, mut ch) = (vec![], vec![], vec![], vec![]);
    let jan = 1_704_067_200_i64; // 2024-01-01
    let feb = jan + 31 * 86_400;
    for i in 0..20_i64 {
        let (start, c) = if i < 15 { (jan, "web") } else { (feb, "email") };
        ids.push(i);
        ts.push(start + i * 3_600);
        amt.push(10.0);
        ch.push(c);
        if i % 3 == 0 {
            ids.push(i);
            ts.push(start + 40 * 86_400);
            amt.push(5.0);
            ch.push(c);
        }
    }
    let tx = Transactions::builder(ids, ts, amt)
        .channel(ch)
        .build()
        .unwrap();
    Logs::new(tx, None, None).unwrap()
}

#[test]
fn cohorts_and_channels_follow_k() {
    let logs = two_cohorts();
    let p = Privacy::default();
    let c = Cohorts::params()
        .with_privacy(&p)
        .fit(logs.transactions())
        .unwrap();
    assert_eq!(c.cohorts.len(), 2);
    assert!(!c.cohorts[0].suppressed);
    assert_eq!(c.cohorts[0].customers, Some(15));
    assert_eq!(c.cohorts[0].retention.as_ref().unwrap()[0], Some(1.0));
    assert!(c.cohorts[1].suppressed && c.cohorts[1].retention.is_none());
    let c4 = Cohorts::params()
        .with_privacy(&p.clone().k(5))
        .fit(logs.transactions())
        .unwrap();
    assert!(!c4.cohorts[1].suppressed);

    let n = logs.customers().len();
    let v = channel_value(&logs, &vec![100.0; n], &vec![0.2; n], &[], p.k).unwrap();
    let web = v.acquisition.iter().find(|r| r.channel == "web").unwrap();
    let email = v.acquisition.iter().find(|r| r.channel == "email").unwrap();
    assert_eq!(web.customers, Some(15));
    // 5 of the 15 (i = 0, 3, 6, 9, 12) bought again
    assert_eq!(web.retention, Some(5.0 / 15.0));
    assert!(email.suppressed && email.customers.is_none() && email.mean_clv.is_none());
}

#[test]
fn experiments_and_funnel_follow_k() {
    // 24 customers: segment "big" has 10 per arm, "small" 2 per arm
    let n = 24;
    let arms: Vec<Arm> = (0..n)
        .map(|i| {
            if i % 2 == 0 {
                Arm::Control
            } else {
                Arm::Treatment
            }
        })
        .collect();
    let seg: Vec<String> = (0..n)
        .map(|i| if i < 20 { "big".into() } else { "small".into() })
        .collect();
    let conv: Vec<bool> = (0..n).map(|i| i % 3 == 0).collect();
    let p = Privacy::default();
    let r = Experiment::params()
        .with_privacy(&p)
        .evaluate(&arms, Outcome::Conversion(&conv), Some(&seg[..]))
        .unwrap();
    let big = r.segments.iter().find(|s| s.segment == "big").unwrap();
    let small = r.segments.iter().find(|s| s.segment == "small").unwrap();
    assert!(!big.suppressed && big.estimate.is_some());
    assert!(small.suppressed && small.estimate.is_none());

    // funnel by segment: 9 customers in "a", 10 in "b"
    let ids: Vec<i64> = (0..19).collect();
    let ev = Events::builder(ids, vec![0_i64; 19], vec!["product_view"; 19])
        .build()
        .unwrap();
    let labels: Vec<String> = (0..19)
        .map(|i| if i < 9 { "a".into() } else { "b".into() })
        .collect();
    let f = FunnelAnalysis::params().with_privacy(&p).fit(&ev).unwrap();
    let t = f.by_segment(&labels).unwrap();
    assert!(t[0].suppressed && t[0].customers.is_none());
    assert_eq!(t[1].customers, Some(10));
    let f9 = FunnelAnalysis::params()
        .with_privacy(&p.clone().k(9))
        .fit(&ev)
        .unwrap();
    assert!(
        f9.by_segment(&labels)
            .unwrap()
            .iter()
            .all(|t| !t.suppressed)
    );
}
