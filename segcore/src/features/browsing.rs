//! Browsing: product views (`product_view` events) by category, weekday, hour and month.
//!
//! Times are UTC. Hour buckets: night 00–06, morning 06–12, afternoon 12–18, evening 18–24.
//!
//! | column | unit | meaning | undefined |
//! | --- | --- | --- | --- |
//! | `views_recent` | count | product views in the recent window (as_of − window, as_of] | 0 |
//! | `views_recent_{level}` | count | the same per level of the events' `category` column | 0 |
//! | `view_share_{mon..sun}` | share | product views on that weekday / all product views | 0 without views |
//! | `view_share_{night,morning,afternoon,evening}` | share | product views in that hour bucket / all product views | 0 without views |
//! | `peak_view_month` | month | calendar month (1–12) with the most product views, ties to the earlier month | 0 without views |
//! | `peak_month_share` | share | share of product views in that month (seasonality concentration, 1/12 = flat) | 0 without views |
//! | `browse_to_buy` | ratio | product views / purchase occasions ([`super::rfm`]) | NaN without purchases |
//!
//! Weekday, hour and month profiles use every product view up to the cutoff.

use super::matrix::FeatureInfo;
use super::pass::Customer;
use crate::data::time::civil_from_days;
use crate::data::{Events, MISSING};

const PRODUCT_VIEW: u16 = 1;
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const BUCKETS: [&str; 4] = ["night", "morning", "afternoon", "evening"];

/// The browsing family.
pub(crate) struct Browsing {
    levels: Vec<String>,
    recent_secs: i64,
}

impl Browsing {
    pub(crate) fn new(ev: Option<&Events>, recent_days: u32) -> Self {
        Browsing {
            levels: ev
                .and_then(|e| e.category.as_ref())
                .map_or_else(Vec::new, |c| c.levels.clone()),
            recent_secs: recent_days as i64 * 86_400,
        }
    }

    pub(crate) fn info(&self) -> Vec<FeatureInfo> {
        let mut v = vec![FeatureInfo::new(
            "views_recent",
            "count",
            "product views in the recent window",
            "0",
        )];
        for l in &self.levels {
            v.push(FeatureInfo::new(
                format!("views_recent_{l}"),
                "count",
                format!("product views of category `{l}` in the recent window"),
                "0",
            ));
        }
        for d in WEEKDAYS {
            v.push(FeatureInfo::new(
                format!("view_share_{d}"),
                "share",
                format!("share of product views on {d} (UTC)"),
                "0 without views",
            ));
        }
        for b in BUCKETS {
            v.push(FeatureInfo::new(
                format!("view_share_{b}"),
                "share",
                format!("share of product views in the {b} (UTC)"),
                "0 without views",
            ));
        }
        v.extend([
            FeatureInfo::new(
                "peak_view_month",
                "month",
                "month (1-12) with the most product views",
                "0 without views",
            ),
            FeatureInfo::new(
                "peak_month_share",
                "share",
                "share of product views in the peak month",
                "0 without views",
            ),
            FeatureInfo::new(
                "browse_to_buy",
                "ratio",
                "product views per purchase occasion",
                "NaN without purchases",
            ),
        ]);
        v
    }

    pub(crate) fn fill(&self, cu: &Customer<'_>, out: &mut [f64]) {
        out.fill(0.0);
        let nl = self.levels.len();
        let mut total = 0u64;
        let mut weekday = [0u64; 7];
        let mut bucket = [0u64; 4];
        let mut month = [0u64; 12];
        if let Some(ev) = cu.ev {
            let start = cu.as_of - self.recent_secs;
            let cat = ev.category.as_ref();
            for &r in cu.ev_rows {
                let r = r as usize;
                if ev.kind[r] != PRODUCT_VIEW {
                    continue;
                }
                let t = ev.timestamp[r];
                total += 1;
                let day = t.div_euclid(86_400);
                weekday[(day + 3).rem_euclid(7) as usize] += 1;
                bucket[(t.rem_euclid(86_400) / 21_600) as usize] += 1;
                month[civil_from_days(day).1 as usize - 1] += 1;
                if t > start {
                    out[0] += 1.0;
                    if let Some(code) = cat.map(|c| c.codes[r]) {
                        if code != MISSING {
                            out[1 + code as usize] += 1.0;
                        }
                    }
                }
            }
        }
        let mut j = 1 + nl;
        if total > 0 {
            let n = total as f64;
            for (k, &w) in weekday.iter().chain(bucket.iter()).enumerate() {
                out[j + k] = w as f64 / n;
            }
            let mut peak = 0;
            for m in 1..12 {
                if month[m] > month[peak] {
                    peak = m;
                }
            }
            out[j + 11] = (peak + 1) as f64;
            out[j + 12] = month[peak] as f64 / n;
        }
        j += 13;
        let occ = cu.occasions.len();
        out[j] = if occ > 0 {
            total as f64 / occ as f64
        } else {
            f64::NAN
        };
    }
}
