//! Retention analytics on top of segments, CLV and churn: cart funnel, cohorts, channel value,
//! experiments, recommendations, next best action and privacy-safe outputs.
//!
//! | module | what it answers |
//! |---|---|
//! | [`funnel`] | where carts are abandoned: reach and drop-off per checkout stage, per session and customer, overall / by segment / platform / channel / day / week, loops, and the reminder list |
//! | [`anomaly`] | which stage's drop-off suddenly rose above its trailing baseline, and when |
//! | [`cohorts`] | acquisition month × months since first purchase: retention and revenue, worse-retaining cohorts |
//! | [`channels`] | customers, repeat rate, mean CLV and churn by acquisition and engagement channel; CLV / CAC |
//! | [`experiments`] | A/B effects overall and per segment with intervals, z / Welch tests, Holm, power warnings |
//! | [`recommend`] | co-purchase neighbours (cosine or lift), complements for a customer, popular items per segment |
//! | [`nba`] | one next best action per customer from an ordered, serialisable rule table |
//! | [`privacy`] | HMAC-SHA256 pseudonyms; suppression of groups below `k` customers |
//! | [`stats`] | normal and Student-t distribution functions written from scratch |
//!
//! Per-customer inputs produced elsewhere (segment labels, CLV, churn probability,
//! satisfaction, P(alive)) are plain slices indexed by customer code of the log they go with
//! (use [`crate::data::Logs`] so every log shares one index). Every group statistic is
//! suppressed below a minimum group size `k` ([`privacy::DEFAULT_MIN_GROUP`] = 10): the group is
//! listed with `suppressed = true` and `None` in place of its numbers. All outputs are plain
//! `serde::Serialize` structs.
//!
//! ```
//! use segcore::analytics::{funnel::FunnelAnalysis, nba::{cart_facts, CustomerFacts, RuleTable}};
//! use segcore::data::Events;
//! let ev = Events::builder(vec![1_i64, 1], vec![0_i64, 60], vec!["product_view", "add_to_cart"])
//!     .value(vec![f64::NAN, 42.0]).build().unwrap();
//! let carts = FunnelAnalysis::params().fit(&ev).unwrap().abandoned_carts(3_600, None::<&[String]>).unwrap();
//! let (value, days) = cart_facts(&carts, 3_600);
//! let facts = CustomerFacts { cart_value: Some(&value), days_since_cart_abandoned: Some(&days), ..Default::default() };
//! assert_eq!(RuleTable::default().decide(&facts).unwrap()[0].action, "cart_reminder");
//! ```

pub mod anomaly;
pub mod channels;
pub mod cohorts;
pub mod experiments;
pub mod funnel;
pub mod nba;
pub mod privacy;
pub mod recommend;
pub mod stats;

pub(crate) fn check_slice_len(name: &str, expected: usize, found: usize) -> crate::Result<()> {
    crate::data::columns::check_len(name, expected, found)
}

/// Distinct labels in sorted order and the code of each entry.
pub(crate) fn intern_labels<S: AsRef<str>>(labels: &[S]) -> (Vec<String>, Vec<u32>) {
    let cat = crate::data::Categorical::from_strings(labels);
    let n = cat.levels.len() as u32;
    // empty labels become their own "(none)" group after the named ones
    let mut levels = cat.levels;
    let codes: Vec<u32> = cat
        .codes
        .iter()
        .map(|&c| if c == crate::data::MISSING { n } else { c })
        .collect();
    if codes.contains(&n) {
        levels.push("(none)".to_string());
    }
    (levels, codes)
}
