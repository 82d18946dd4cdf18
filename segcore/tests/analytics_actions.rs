//! Channel value, co-purchase recommendations and next best action: hand-checked cases.

use segcore::analytics::channels::channel_value;
use segcore::analytics::funnel::FunnelAnalysis;
use segcore::analytics::nba::{
    Condition, CustomerFacts, Field, Op, Rule, RuleTable, cart_facts, order_facts,
};
use segcore::analytics::recommend::{Basket, CoPurchase, Similarity, popular_by_segment};
use segcore::data::{Events, Logs, Transactions};

const DAY: i64 = 86_400;

#[test]
fn channel_value_hand_checked() {
    // acquisition: c1 email (repeat), c2 email (one day only, two orders), c3 social (repeat),
    // c4 first order without channel; c5 only browses (events)
    let tx = Transactions::builder(
        vec!["c1", "c1", "c2", "c2", "c3", "c3", "c4"],
        vec![0, 5 * DAY, DAY, DAY + 60, 2 * DAY, 9 * DAY, 0],
        vec![10.0, 10.0, 5.0, 5.0, 8.0, 8.0, 3.0],
    )
    .channel(vec![
        "email", "web", "email", "email", "social", "email", "",
    ])
    .build()
    .unwrap();
    let ev = Events::builder(
        vec!["c1", "c1", "c2", "c5", "c5", "c5"],
        vec![0_i64, 1, 2, 3, 4, 5],
        vec![
            "email_open",
            "push_open",
            "email_open",
            "push_open",
            "push_open",
            "email_open",
        ],
    )
    .channel(vec!["email", "push", "email", "push", "push", "email"])
    .build()
    .unwrap();
    let logs = Logs::new(tx, Some(ev), None).unwrap();
    // codes: c1..c5 = 0..4
    let clv = [100.0, 20.0, 60.0, 5.0, 0.0];
    let churn = [0.1, 0.7, 0.3, 0.9, 0.5];
    let cac = vec![("email".to_string(), 30.0), ("social".to_string(), 0.0)];
    let v = channel_value(&logs, &clv, &churn, &cac, 1).unwrap();
    let names: Vec<&str> = v.acquisition.iter().map(|r| r.channel.as_str()).collect();
    assert_eq!(names, ["email", "social", "(unknown)"]);
    let email = &v.acquisition[0];
    assert_eq!(email.customers, Some(2));
    assert_eq!(email.retention, Some(0.5));
    assert_eq!(email.mean_clv, Some(60.0));
    assert!((email.mean_churn.unwrap() - 0.4).abs() < 1e-15);
    assert_eq!(email.cac, Some(30.0));
    assert_eq!(email.clv_to_cac, Some(2.0));
    let social = &v.acquisition[1];
    assert_eq!((social.cac, social.clv_to_cac), (Some(0.0), None));
    assert_eq!(v.acquisition[2].cac, None);
    // engagement: c1 tie email/push -> email (first in order), c2 email, c5 push
    let e: Vec<(&str, Option<u64>)> = v
        .engagement
        .iter()
        .map(|r| (r.channel.as_str(), r.customers))
        .collect();
    assert_eq!(e, [("email", Some(2)), ("push", Some(1))]);
    assert_eq!(v.engagement[0].mean_clv, Some(60.0));
    assert_eq!(v.engagement[0].clv_to_cac, None);
    // suppression and validation
    let s = channel_value(&logs, &clv, &churn, &cac, 2).unwrap();
    assert!(s.acquisition[1].suppressed && s.acquisition[1].mean_clv.is_none());
    assert!(!s.acquisition[0].suppressed);
    assert!(channel_value(&logs, &clv[..4], &churn, &cac, 1).is_err());
    assert!(channel_value(&logs, &clv, &[0.1, 0.2, 0.3, 1.5, 0.0], &cac, 1).is_err());
}

fn basket_tx() -> Transactions {
    // c1 {tent, stove, mat}, c2 {tent, stove}, c3 {tent, lamp}, c4 {stove, mat}, c4 returns a lamp
    let rows = vec![
        ("c1", "tent", "o1", 1.0),
        ("c1", "stove", "o1", 1.0),
        ("c1", "mat", "o2", 1.0),
        ("c2", "tent", "o3", 1.0),
        ("c2", "stove", "o3", 1.0),
        ("c3", "tent", "o4", 1.0),
        ("c3", "lamp", "o4", 1.0),
        ("c4", "stove", "o5", 1.0),
        ("c4", "mat", "o5", 1.0),
        ("c4", "lamp", "o6", -1.0),
    ];
    Transactions::builder(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![0_i64; rows.len()],
        rows.iter().map(|r| r.3).collect(),
    )
    .product(rows.iter().map(|r| r.1).collect::<Vec<_>>())
    .order_id(rows.iter().map(|r| r.2).collect::<Vec<_>>())
    .build()
    .unwrap()
}

#[test]
fn co_purchase_hand_checked() {
    let tx = basket_tx();
    // N = 4 baskets; n(tent) = 3, n(stove) = 3, n(mat) = 2, n(lamp) = 1;
    // pairs: tent-stove 2, stove-mat 2, tent-mat 1, tent-lamp 1
    let m = CoPurchase::params().fit(&tx).unwrap();
    assert_eq!(m.n_baskets, 4);
    assert_eq!(m.item_baskets, vec![1, 2, 3, 3]); // lamp, mat, stove, tent
    let s = m.similar("stove", 5).unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].item, "mat");
    assert!((s[0].score - 2.0 / 6f64.sqrt()).abs() < 1e-15);
    assert_eq!(s[1].item, "tent");
    assert!((s[1].score - 2.0 / 3.0).abs() < 1e-15);
    let lift = CoPurchase::params()
        .similarity(Similarity::Lift)
        .fit(&tx)
        .unwrap();
    let s = lift.similar("stove", 5).unwrap();
    assert!((s[0].score - 8.0 / 6.0).abs() < 1e-15);
    assert!((s[1].score - 8.0 / 9.0).abs() < 1e-15);
    // customers: c2 owns tent + stove -> mat (via stove); c3 owns tent + lamp -> stove
    let r = m.recommend_for_customer(&tx, 1, 5).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].item, "mat");
    let r = m.recommend_for_customer(&tx, 2, 5).unwrap();
    assert_eq!(r[0].item, "stove");
    assert!(r.iter().all(|x| x.item != "tent" && x.item != "lamp"));
    // min_support 1 adds tent-mat and tent-lamp; c4 (stove, mat; the lamp was returned) gets
    // tent = cos(stove,tent) + cos(mat,tent) = 2/3 + 1/sqrt(6)
    let m1 = CoPurchase::params().min_support(1).fit(&tx).unwrap();
    let r = m1.recommend_for_customer(&tx, 3, 5).unwrap();
    assert_eq!(
        r.iter().map(|x| x.item.as_str()).collect::<Vec<_>>(),
        ["tent"]
    );
    assert!((r[0].score - (2.0 / 3.0 + 1.0 / 6f64.sqrt())).abs() < 1e-15);
    // order baskets: o1 {tent, stove}, o3 {tent, stove}, o5 {stove, mat}, ...
    let o = CoPurchase::params().basket(Basket::Order).fit(&tx).unwrap();
    assert_eq!(o.n_baskets, 5);
    let s = o.similar("tent", 5).unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].item.as_str(), s[0].support), ("stove", 2));
    // model file round trip
    let json = segcore::model::to_json(&m).unwrap();
    assert_eq!(segcore::model::from_json::<CoPurchase>(&json).unwrap(), m);
}

#[test]
fn popular_items_per_segment() {
    let tx = basket_tx();
    let labels = ["outdoor", "outdoor", "outdoor", "home"];
    let p = popular_by_segment(&tx, &labels, 2, 1).unwrap();
    assert_eq!(p[0].segment, "home");
    let out = p[1].items.as_ref().unwrap();
    // outdoor (c1..c3): tent 3, stove 2, then mat 1 / lamp 1 cut by n = 2
    assert_eq!(
        out.iter()
            .map(|i| (i.item.as_str(), i.customers))
            .collect::<Vec<_>>(),
        [("tent", 3), ("stove", 2)]
    );
    assert_eq!(out[0].share, 1.0);
    // k = 2: "home" (1 customer) is suppressed; items bought by one outdoor customer are hidden
    let p = popular_by_segment(&tx, &labels, 10, 2).unwrap();
    assert!(p[0].suppressed);
    assert_eq!(p[1].items.as_ref().unwrap().len(), 2);
}

#[test]
fn next_best_action_priorities_and_reasons() {
    // 8 customers, CLV percentiles (1..8)/8
    let clv = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0];
    let churn = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9, 0.1];
    let sat = [0.3, f64::NAN, 0.5, 0.5, 0.5, 0.9, 0.5, 0.5];
    let cart_days = [
        1.0,
        2.0,
        f64::NAN,
        f64::NAN,
        f64::NAN,
        f64::NAN,
        f64::NAN,
        f64::NAN,
    ];
    let tenure = [5.0, 400.0, 10.0, 400.0, 400.0, 400.0, 400.0, 400.0];
    let orders = [1.0, 2.0, 1.0, 7.0, 2.0, 3.0, 9.0, 2.0];
    let facts = CustomerFacts {
        clv: Some(&clv),
        churn_probability: Some(&churn),
        satisfaction: Some(&sat),
        days_since_cart_abandoned: Some(&cart_days),
        tenure_days: Some(&tenure),
        orders: Some(&orders),
        ..Default::default()
    };
    let a = RuleTable::default().decide(&facts).unwrap();
    let got: Vec<&str> = a.iter().map(|x| x.action.as_str()).collect();
    assert_eq!(
        got,
        [
            "service_recovery", // dissatisfied beats the cart and being new
            "cart_reminder",
            "welcome_offer",
            "loyalty_reward",
            "nurture",
            "referral_ask",      // satisfied, percentile 0.75
            "win_back",          // churn 0.9, percentile 0.875 (before loyalty)
            "cross_sell_upsell", // percentile 1.0
        ]
    );
    assert_eq!(
        a[6].reason,
        "high-value customer likely lapsing (churn_probability 0.9 >= 0.5, clv_percentile 0.875 >= 0.7)"
    );
    assert_eq!(a[4].rule, None);
    // a custom serialised table with a segment rule
    let json = r#"{"rules":[{"action":"vip_call","reason":"VIP at risk","segments":["vip"],
        "conditions":[{"field":"churn_probability","op":">=","value":0.5}]}],"fallback_action":"none"}"#;
    let t: RuleTable = serde_json::from_str(json).unwrap();
    let seg: Vec<String> = ["vip", "vip", "std", "vip", "std", "vip", "std", "vip"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let f2 = CustomerFacts {
        segment: Some(&seg),
        ..facts
    };
    let a = t.decide(&f2).unwrap();
    let vip: Vec<usize> = (0..8).filter(|&i| a[i].action == "vip_call").collect();
    assert!(vip.is_empty()); // customer 6 is at risk but not vip
    let churn2 = [0.6; 8];
    let f3 = CustomerFacts {
        churn_probability: Some(&churn2),
        ..f2
    };
    let a = t.decide(&f3).unwrap();
    let vip: Vec<usize> = (0..8).filter(|&i| a[i].action == "vip_call").collect();
    assert_eq!(vip, [0, 1, 3, 5, 7]);
    // validation
    let bad = RuleTable {
        rules: vec![Rule::new(
            "x",
            "y",
            vec![Condition::new(Field::Clv, Op::Ge, f64::INFINITY)],
        )],
        fallback_action: "n".into(),
    };
    assert!(bad.decide(&facts).is_err());
    let mismatch = CustomerFacts {
        clv: Some(&clv[..3]),
        ..facts
    };
    assert!(RuleTable::default().decide(&mismatch).is_err());
}

#[test]
fn facts_from_logs_feed_the_rules() {
    let tx = Transactions::builder(
        vec!["a", "a", "b"],
        vec![0, 10 * DAY, 95 * DAY],
        vec![10.0, 10.0, 5.0],
    )
    .build()
    .unwrap();
    let as_of = 100 * DAY;
    let of = order_facts(&tx, as_of);
    assert_eq!(of.tenure_days, vec![100.0, 5.0]);
    assert_eq!(of.orders, vec![2.0, 1.0]);
    assert_eq!(of.days_since_last_order, vec![90.0, 5.0]);
    let ev = Events::builder(
        vec!["a", "a"],
        vec![99 * DAY, 99 * DAY + 60],
        vec!["product_view", "add_to_cart"],
    )
    .value(vec![f64::NAN, 40.0])
    .build()
    .unwrap();
    let logs = Logs::new(tx, Some(ev), None).unwrap();
    let carts = FunnelAnalysis::params()
        .fit(logs.events().unwrap())
        .unwrap()
        .abandoned_carts(as_of, None::<&[String]>)
        .unwrap();
    let (value, days) = cart_facts(&carts, as_of);
    assert_eq!(value[0], 40.0);
    assert!((days[0] - (DAY - 60) as f64 / DAY as f64).abs() < 1e-12);
    assert!(value[1].is_nan());
    let facts = CustomerFacts {
        cart_value: Some(&value),
        days_since_cart_abandoned: Some(&days),
        tenure_days: Some(&of.tenure_days),
        orders: Some(&of.orders),
        ..Default::default()
    };
    let a = RuleTable::default().decide(&facts).unwrap();
    assert_eq!(a[0].action, "cart_reminder");
    assert_eq!(a[1].action, "welcome_offer");
}
