//! Category preferences from the transactions' `category` column.
//!
//! Category spend is the sum of the amounts of a customer's purchase rows (amount >= 0) in
//! that category, up to the cutoff; rows without a category are ignored.
//!
//! | column | unit | meaning | undefined |
//! | --- | --- | --- | --- |
//! | `share_top1` .. `share_topN` | share | spend of the k-th largest category / spend over all categories | 0 when there is no categorised spend or fewer than k categories |
//! | `category_entropy` | nats | Shannon entropy −Σ p ln p of the category spend shares | 0 without categorised spend |
//! | `distinct_categories` | count | categories with at least one purchase row | 0 |
//! | `favourite_category` | code | index into the levels of `favourite_category` (the category column's levels) of the category with the largest spend; ties go to the lower code | −1 without a categorised purchase row |
//!
//! Without a category column every customer gets 0 shares, entropy 0, 0 categories and −1.

use super::matrix::FeatureInfo;
use super::pass::Customer;
use crate::data::{MISSING, Transactions};

/// The preferences family.
pub(crate) struct Preferences {
    top_n: usize,
    n_levels: usize,
}

/// Per-block working memory.
#[derive(Default)]
pub(crate) struct Scratch {
    spend: Vec<f64>,
    rows: Vec<u32>,
    touched: Vec<u32>,
    ranked: Vec<(f64, u32)>,
}

impl Preferences {
    pub(crate) fn new(tx: &Transactions, top_n: usize) -> Self {
        Preferences {
            top_n,
            n_levels: tx.category.as_ref().map_or(0, |c| c.levels.len()),
        }
    }

    /// Levels of `favourite_category`.
    pub(crate) fn levels(tx: &Transactions) -> Vec<String> {
        tx.category
            .as_ref()
            .map_or_else(Vec::new, |c| c.levels.clone())
    }

    pub(crate) fn info(&self) -> Vec<FeatureInfo> {
        let mut v: Vec<FeatureInfo> = (1..=self.top_n)
            .map(|k| {
                FeatureInfo::new(
                    format!("share_top{k}"),
                    "share",
                    format!("spend share of the customer's number-{k} category"),
                    "0 without categorised spend or fewer categories",
                )
            })
            .collect();
        v.extend([
            FeatureInfo::new(
                "category_entropy",
                "nats",
                "entropy of the category spend shares",
                "0 without categorised spend",
            ),
            FeatureInfo::new(
                "distinct_categories",
                "count",
                "categories with a purchase row",
                "0",
            ),
            FeatureInfo::new(
                "favourite_category",
                "code",
                "category with the largest spend (see levels)",
                "-1 without a categorised purchase",
            ),
        ]);
        v
    }

    pub(crate) fn scratch(&self) -> Scratch {
        Scratch {
            spend: vec![0.0; self.n_levels],
            rows: vec![0; self.n_levels],
            ..Scratch::default()
        }
    }

    pub(crate) fn fill(&self, cu: &Customer<'_>, out: &mut [f64], s: &mut Scratch) {
        out.fill(0.0);
        let k = self.top_n;
        out[k + 2] = -1.0;
        let Some(cat) = cu.tx.category else {
            return;
        };
        s.touched.clear();
        for (&a, &c) in cu.tx.amount.iter().zip(cat) {
            if a < 0.0 || c == MISSING {
                continue;
            }
            if s.rows[c as usize] == 0 {
                s.touched.push(c);
            }
            s.rows[c as usize] += 1;
            s.spend[c as usize] += a;
        }
        if s.touched.is_empty() {
            return;
        }
        s.ranked.clear();
        s.ranked
            .extend(s.touched.iter().map(|&c| (s.spend[c as usize], c)));
        // largest spend first, ties to the lower code
        s.ranked
            .sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let total: f64 = s.ranked.iter().map(|x| x.0).sum();
        if total > 0.0 {
            for (j, &(v, _)) in s.ranked.iter().take(k).enumerate() {
                out[j] = v / total;
            }
            out[k] = 0.0
                - s.ranked
                    .iter()
                    .filter(|x| x.0 > 0.0)
                    .map(|x| {
                        let p = x.0 / total;
                        p * p.ln()
                    })
                    .sum::<f64>();
        }
        out[k + 1] = s.touched.len() as f64;
        out[k + 2] = s.ranked[0].1 as f64;
        for &c in &s.touched {
            s.spend[c as usize] = 0.0;
            s.rows[c as usize] = 0;
        }
    }
}
