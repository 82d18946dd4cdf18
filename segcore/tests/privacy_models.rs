//! Model files hold no raw customer ids: every model the Segmenter writes (and the other models
//! fitted on customer data in the demo) is serialised and searched for every id.

use segcore::analytics::privacy::Privacy;
use segcore::analytics::recommend::CoPurchase;
use segcore::churn::GradientBoostingChurn;
use segcore::churn::dataset::out_of_time;
use segcore::data::synthetic::SyntheticShop;
use segcore::data::{Logs, Transactions};
use segcore::model::to_json;
use segcore::pipeline::Segmenter;

/// The synthetic shop's transactions (with product, category and channel) under string ids
/// that cannot occur by chance in a model file.
fn shop_with_string_ids() -> Logs {
    let shop = SyntheticShop::params()
        .n_customers(400)
        .seed(11)
        .events(false)
        .feedback(false)
        .generate()
        .unwrap();
    let tx = shop.transactions();
    let ids: Vec<String> = tx
        .customer()
        .iter()
        .map(|&c| format!("cust-{}-qx", tx.customers().label(c)))
        .collect();
    let cat = |c: Option<&segcore::data::Categorical>| -> Vec<String> {
        let c = c.unwrap();
        c.codes
            .iter()
            .map(|&k| c.levels.get(k as usize).cloned().unwrap_or_default())
            .collect()
    };
    let rebuilt = Transactions::builder(ids, tx.timestamp().to_vec(), tx.amount().to_vec())
        .product(cat(tx.product()))
        .category(cat(tx.category()))
        .channel(cat(tx.channel()))
        .build()
        .unwrap();
    Logs::new(rebuilt, None, None).unwrap()
}

fn ids_in(json: &str, logs: &Logs) -> Vec<String> {
    let index = logs.customers();
    (0..index.len() as u32)
        .map(|c| index.label(c))
        .filter(|id| json.contains(id.as_str()))
        .collect()
}

#[test]
fn no_model_file_holds_a_raw_customer_id() {
    let logs = shop_with_string_ids();
    let n = logs.customers().len();
    assert!(n > 300, "{n} customers");
    let seg = Segmenter::params().seed(0).fit(&logs).unwrap();

    // the search finds ids where they are: the raw customer table has every one of them ...
    let mut raw = Vec::new();
    seg.customers.write_csv(&mut raw).unwrap();
    let raw = String::from_utf8(raw).unwrap();
    assert_eq!(ids_in(&raw, &logs).len(), n);
    // ... and the pseudonymised one none
    let mut private = Vec::new();
    seg.customers
        .write_csv_private(&mut private, &Privacy::with_key("model-test-key"))
        .unwrap();
    assert!(ids_in(&String::from_utf8(private).unwrap(), &logs).is_empty());

    let m = &seg.model;
    let files = [
        ("Segmenter", to_json(m).unwrap()),
        ("KMeans", to_json(&m.kmeans).unwrap()),
        ("StandardScaler", to_json(&m.scaler).unwrap()),
        ("RfmSegmentTable", to_json(&m.rfm_table).unwrap()),
        ("BetaGeo", to_json(&m.bg_nbd).unwrap()),
        ("GammaGamma", to_json(&m.gamma_gamma).unwrap()),
        ("LogisticChurn", to_json(&m.churn).unwrap()),
    ];
    for (kind, json) in &files {
        assert!(json.contains(&format!("\"{kind}\"")), "{kind}: kind tag");
        let found = ids_in(json, &logs);
        assert!(found.is_empty(), "{kind} holds raw ids: {found:?}");
        // and no id fragment with the distinctive prefix either
        assert!(!json.contains("cust-"), "{kind} holds an id fragment");
    }

    // models fitted on customer data outside the Segmenter (as in the demo)
    let tx = logs.transactions();
    let t = tx.timestamp();
    let (lo, hi) = (*t.iter().min().unwrap(), *t.iter().max().unwrap());
    let cut = lo + (hi - lo) / 2;
    let (train, _) = out_of_time(&logs, cut, cut + 90 * 86_400, 90.0, &Default::default()).unwrap();
    let gbt = GradientBoostingChurn::params()
        .max_iter(5)
        .fit(train.x.view(), train.y.as_deref().unwrap())
        .unwrap();
    let co = CoPurchase::params().min_support(2).fit(tx).unwrap();
    for (kind, json) in [
        ("GradientBoostingChurn", to_json(&gbt).unwrap()),
        ("CoPurchase", to_json(&co).unwrap()),
    ] {
        let found = ids_in(&json, &logs);
        assert!(found.is_empty(), "{kind} holds raw ids: {found:?}");
        assert!(!json.contains("cust-"), "{kind} holds an id fragment");
    }
}
