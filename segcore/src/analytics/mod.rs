//! Retention analytics on top of segments, CLV and churn: cart funnel, cohorts, channel value,
//! experiments, recommendations, next best action and privacy-safe outputs.
//!
//! Per-customer inputs produced elsewhere (segment labels, CLV, churn probability,
//! satisfaction, P(alive)) are plain slices indexed by customer code of the log they go with
//! (use [`crate::data::Logs`] so every log shares one index). Every group statistic is
//! suppressed below a minimum group size `k` ([`privacy::DEFAULT_MIN_GROUP`]).
//!
//! ```
//! use segcore::analytics::privacy::suppress;
//! assert_eq!(suppress(12, 10, 1.0), Some(1.0));
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
