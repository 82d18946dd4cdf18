//! RFM segments: quintile scores for recency, frequency and monetary value, the score string
//! and the standard named segments.
//!
//! # Scores
//!
//! Each of the three inputs is scored 1–5 by quintile of its rank, exactly as
//! `pandas.qcut(x.rank(method="first"), 5, labels=[1, 2, 3, 4, 5])` does: ties are broken by
//! position (the first occurrence gets the lower rank), the bin edges are numpy's linear
//! quantiles of the ranks, and bins are closed on the right. Recency is reversed (labels
//! `[5, 4, 3, 2, 1]`): the most recent customers (fewest days since their last purchase) score 5.
//! The score string is the three digits, e.g. `"555"`.
//!
//! # Segments
//!
//! An [`RfmSegmentTable`] is a list of rules, each a name and an inclusive range of R, F and M
//! scores. Rules are tried **in order and the first match wins**, which is how the R package
//! rfm 0.3 applies its table (`rfm_segment` only assigns rows whose segment is still unset);
//! a score matched by no rule gets the fallback name (`"Others"`).
//!
//! The default table, [`RfmSegmentTable::standard`], starts from rfm's segment table
//! (Champions R 4–5 F 4–5 M 4–5; Loyal Customers R 2–5 F 3–5 M 3–5; Potential Loyalist R 3–5
//! F 1–3 M 1–3; New Customers R 4–5 F 1 M 1; Promising R 3–4 F 1 M 1; Need Attention R 2–3
//! F 2–3 M 2–3; About To Sleep R 2–3 F 1–2 M 1–2; At Risk R 1–2 F 2–5 M 2–5; Can't Lose Them
//! R 1 F 4–5 M 4–5; Hibernating R 1–2 F 1–2 M 1–2; Lost R 1–2 F 1–2 M 1–2). Under first-match
//! in the package's order several names could never be reached (Potential Loyalist swallows
//! New Customers and Promising, At Risk swallows Can't Lose Them, Hibernating and Lost are the
//! same box), and 36 of the 125 combinations matched no rule. The default therefore orders the
//! rules from narrow to broad, narrows Hibernating to R 2, and adds three gap-filling rules:
//!
//! | # | segment | R | F | M |
//! |---|---|---|---|---|
//! | 1 | Champions | 4–5 | 4–5 | 4–5 |
//! | 2 | Can't Lose Them | 1 | 4–5 | 4–5 |
//! | 3 | Loyal Customers | 2–5 | 3–5 | 3–5 |
//! | 4 | New Customers | 4–5 | 1 | 1 |
//! | 5 | Promising | 3–4 | 1 | 1 |
//! | 6 | Hibernating | 2 | 1–2 | 1–2 |
//! | 7 | About To Sleep | 2–3 | 1–2 | 1–2 |
//! | 8 | Need Attention | 2–3 | 2–3 | 2–3 |
//! | 9 | Potential Loyalist | 3–5 | 1–3 | 1–3 |
//! | 10 | Lost | 1–2 | 1–2 | 1–2 |
//! | 11 | At Risk | 1–2 | 2–5 | 2–5 |
//! | 12 | At Risk (gap fill: lapsed, one of F/M high) | 1–2 | 1–5 | 1–5 |
//! | 13 | Need Attention (gap fill: middle recency, mixed F/M) | 3 | 1–5 | 1–5 |
//! | 14 | Potential Loyalist (gap fill: recent, mixed F/M) | 4–5 | 1–5 | 1–5 |
//!
//! The resulting 125-cell table (CH Champions, LC Loyal Customers, PL Potential Loyalist,
//! NC New Customers, PR Promising, NA Need Attention, AS About To Sleep, AR At Risk,
//! CL Can't Lose Them, HI Hibernating, LO Lost):
//!
//! | R | F \ M | 1 | 2 | 3 | 4 | 5 |
//! |---|---|---|---|---|---|---|
//! | 5 | 5 | PL | PL | LC | CH | CH |
//! |  | 4 | PL | PL | LC | CH | CH |
//! |  | 3 | PL | PL | LC | LC | LC |
//! |  | 2 | PL | PL | PL | PL | PL |
//! |  | 1 | NC | PL | PL | PL | PL |
//! | 4 | 5 | PL | PL | LC | CH | CH |
//! |  | 4 | PL | PL | LC | CH | CH |
//! |  | 3 | PL | PL | LC | LC | LC |
//! |  | 2 | PL | PL | PL | PL | PL |
//! |  | 1 | NC | PL | PL | PL | PL |
//! | 3 | 5 | NA | NA | LC | LC | LC |
//! |  | 4 | NA | NA | LC | LC | LC |
//! |  | 3 | PL | NA | LC | LC | LC |
//! |  | 2 | AS | AS | NA | NA | NA |
//! |  | 1 | PR | AS | PL | NA | NA |
//! | 2 | 5 | AR | AR | LC | LC | LC |
//! |  | 4 | AR | AR | LC | LC | LC |
//! |  | 3 | AR | NA | LC | LC | LC |
//! |  | 2 | HI | HI | NA | AR | AR |
//! |  | 1 | HI | HI | AR | AR | AR |
//! | 1 | 5 | AR | AR | AR | CL | CL |
//! |  | 4 | AR | AR | AR | CL | CL |
//! |  | 3 | AR | AR | AR | AR | AR |
//! |  | 2 | LO | LO | AR | AR | AR |
//! |  | 1 | LO | LO | AR | AR | AR |
//!
//! [`RfmSegmentTable::rfm_package`] gives the package's own ten-rule example table, unchanged.
//!
//! ```
//! use segcore::cluster::rfm::{rfm_segments, RfmSegmentTable};
//! let recency = [1.0, 200.0, 30.0, 400.0, 5.0];
//! let frequency = [12.0, 1.0, 3.0, 1.0, 8.0];
//! let monetary = [900.0, 20.0, 150.0, 10.0, 600.0];
//! let s = rfm_segments(&recency, &frequency, &monetary, &RfmSegmentTable::standard()).unwrap();
//! assert_eq!(s.score[0], "555");
//! assert_eq!(s.segment[0], "Champions");
//! assert_eq!(s.segment[3], "Lost");
//! ```

use serde::{Deserialize, Serialize};

use crate::model::ModelKind;
use crate::{Result, SegError};

/// One rule: a segment name and inclusive score ranges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfmRule {
    /// Segment name.
    pub name: String,
    /// Inclusive recency score range.
    pub recency: (u8, u8),
    /// Inclusive frequency score range.
    pub frequency: (u8, u8),
    /// Inclusive monetary score range.
    pub monetary: (u8, u8),
}

impl RfmRule {
    /// A rule from a name and `(lo, hi)` ranges.
    ///
    /// ```
    /// let r = segcore::cluster::rfm::RfmRule::new("VIP", (5, 5), (5, 5), (5, 5));
    /// assert!(r.matches(5, 5, 5) && !r.matches(4, 5, 5));
    /// ```
    pub fn new(name: &str, recency: (u8, u8), frequency: (u8, u8), monetary: (u8, u8)) -> Self {
        RfmRule {
            name: name.to_string(),
            recency,
            frequency,
            monetary,
        }
    }

    /// Whether the scores fall in all three ranges.
    ///
    /// ```
    /// let r = segcore::cluster::rfm::RfmRule::new("x", (1, 2), (1, 5), (1, 5));
    /// assert!(r.matches(2, 3, 4));
    /// ```
    pub fn matches(&self, r: u8, f: u8, m: u8) -> bool {
        let within = |v: u8, (lo, hi): (u8, u8)| lo <= v && v <= hi;
        within(r, self.recency) && within(f, self.frequency) && within(m, self.monetary)
    }
}

/// A configurable RFM segment table: rules tried in order, first match wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfmSegmentTable {
    /// Rules in priority order.
    pub rules: Vec<RfmRule>,
    /// Name for scores no rule matches.
    pub fallback: String,
}

impl Default for RfmSegmentTable {
    fn default() -> Self {
        Self::standard()
    }
}

impl RfmSegmentTable {
    /// Builds a table, checking that every range lies in 1..=5 with `lo <= hi`.
    ///
    /// ```
    /// use segcore::cluster::rfm::{RfmRule, RfmSegmentTable};
    /// let t = RfmSegmentTable::new(vec![RfmRule::new("Top", (5, 5), (1, 5), (1, 5))], "Rest").unwrap();
    /// assert_eq!(t.segment(5, 1, 1), "Top");
    /// assert_eq!(t.segment(4, 1, 1), "Rest");
    /// assert!(RfmSegmentTable::new(vec![RfmRule::new("Bad", (0, 9), (1, 5), (1, 5))], "x").is_err());
    /// ```
    pub fn new(rules: Vec<RfmRule>, fallback: &str) -> Result<Self> {
        for (i, r) in rules.iter().enumerate() {
            for (what, (lo, hi)) in [
                ("recency", r.recency),
                ("frequency", r.frequency),
                ("monetary", r.monetary),
            ] {
                if lo < 1 || hi > 5 || lo > hi {
                    return Err(SegError::param(
                        format!("rules[{i}].{what}"),
                        format!(
                            "range ({lo}, {hi}) of `{}` must satisfy 1 <= lo <= hi <= 5",
                            r.name
                        ),
                    ));
                }
            }
        }
        Ok(RfmSegmentTable {
            rules,
            fallback: fallback.to_string(),
        })
    }

    /// The default table documented in the module docs (every one of the 125 scores named).
    ///
    /// ```
    /// let t = segcore::cluster::rfm::RfmSegmentTable::standard();
    /// assert_eq!(t.segment(1, 5, 5), "Can't Lose Them");
    /// assert!(t.grid().iter().all(|(_, _, _, s)| s != "Others"));
    /// ```
    pub fn standard() -> Self {
        let r = RfmRule::new;
        RfmSegmentTable {
            rules: vec![
                r("Champions", (4, 5), (4, 5), (4, 5)),
                r("Can't Lose Them", (1, 1), (4, 5), (4, 5)),
                r("Loyal Customers", (2, 5), (3, 5), (3, 5)),
                r("New Customers", (4, 5), (1, 1), (1, 1)),
                r("Promising", (3, 4), (1, 1), (1, 1)),
                r("Hibernating", (2, 2), (1, 2), (1, 2)),
                r("About To Sleep", (2, 3), (1, 2), (1, 2)),
                r("Need Attention", (2, 3), (2, 3), (2, 3)),
                r("Potential Loyalist", (3, 5), (1, 3), (1, 3)),
                r("Lost", (1, 2), (1, 2), (1, 2)),
                r("At Risk", (1, 2), (2, 5), (2, 5)),
                r("At Risk", (1, 2), (1, 5), (1, 5)),
                r("Need Attention", (3, 3), (1, 5), (1, 5)),
                r("Potential Loyalist", (4, 5), (1, 5), (1, 5)),
            ],
            fallback: "Others".into(),
        }
    }

    /// The R package rfm 0.3's example table, in its order (first match wins; gaps are
    /// `"Others"`).
    ///
    /// ```
    /// let t = segcore::cluster::rfm::RfmSegmentTable::rfm_package();
    /// assert_eq!(t.segment(5, 5, 5), "Champions");
    /// assert_eq!(t.segment(1, 1, 5), "Others");
    /// ```
    pub fn rfm_package() -> Self {
        let r = RfmRule::new;
        RfmSegmentTable {
            rules: vec![
                r("Champions", (4, 5), (4, 5), (4, 5)),
                r("Loyal Customers", (2, 5), (3, 5), (3, 5)),
                r("Potential Loyalist", (3, 5), (1, 3), (1, 3)),
                r("New Customers", (4, 5), (1, 1), (1, 1)),
                r("Promising", (3, 4), (1, 1), (1, 1)),
                r("Need Attention", (2, 3), (2, 3), (2, 3)),
                r("About To Sleep", (2, 3), (1, 2), (1, 2)),
                r("At Risk", (1, 2), (2, 5), (2, 5)),
                r("Can't Lose Them", (1, 1), (4, 5), (4, 5)),
                r("Lost", (1, 2), (1, 2), (1, 2)),
            ],
            fallback: "Others".into(),
        }
    }

    /// Segment name of one score triple (first matching rule, else the fallback).
    ///
    /// ```
    /// let t = segcore::cluster::rfm::RfmSegmentTable::standard();
    /// assert_eq!(t.segment(5, 1, 1), "New Customers");
    /// ```
    pub fn segment(&self, r: u8, f: u8, m: u8) -> &str {
        self.rules
            .iter()
            .find(|rule| rule.matches(r, f, m))
            .map(|rule| rule.name.as_str())
            .unwrap_or(&self.fallback)
    }

    /// All 125 score triples with their segment, R then F then M ascending.
    ///
    /// ```
    /// let g = segcore::cluster::rfm::RfmSegmentTable::standard().grid();
    /// assert_eq!(g.len(), 125);
    /// assert_eq!(g[124], (5, 5, 5, "Champions".to_string()));
    /// ```
    pub fn grid(&self) -> Vec<(u8, u8, u8, String)> {
        let mut out = Vec::with_capacity(125);
        for r in 1..=5 {
            for f in 1..=5 {
                for m in 1..=5 {
                    out.push((r, f, m, self.segment(r, f, m).to_string()));
                }
            }
        }
        out
    }
}

impl ModelKind for RfmSegmentTable {
    const KIND: &'static str = "RfmSegmentTable";
}

/// Per-customer RFM scores and segments (columns, in input order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmScores {
    /// Recency score 1–5 (5 = most recent).
    pub recency_score: Vec<u8>,
    /// Frequency score 1–5.
    pub frequency_score: Vec<u8>,
    /// Monetary score 1–5.
    pub monetary_score: Vec<u8>,
    /// `"RFM"` digits, e.g. `"543"`.
    pub score: Vec<String>,
    /// Segment name.
    pub segment: Vec<String>,
}

/// Quintile scores 1–5 of `values`, as `pandas.qcut(x.rank(method="first"), 5, labels=[1..5])`.
///
/// A single value scores 1. NaN and infinite values are errors naming `column` and the row.
///
/// ```
/// let s = segcore::cluster::rfm::quintile_scores(&[3.0, 1.0, 2.0, 5.0, 4.0], "x").unwrap();
/// assert_eq!(s, vec![3, 1, 2, 5, 4]);
/// // ties broken by position
/// assert_eq!(segcore::cluster::rfm::quintile_scores(&[7.0; 5], "x").unwrap(), vec![1, 2, 3, 4, 5]);
/// ```
pub fn quintile_scores(values: &[f64], column: &str) -> Result<Vec<u8>> {
    let n = values.len();
    if n == 0 {
        return Err(SegError::Empty {
            what: column.to_string(),
        });
    }
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return Err(SegError::invalid(
            column,
            i,
            format!("{} is not a finite number", values[i]),
        ));
    }
    // rank(method="first"): stable sort by value
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut rank = vec![0.0f64; n];
    for (pos, &i) in order.iter().enumerate() {
        rank[i] = (pos + 1) as f64;
    }
    if n == 1 {
        return Ok(vec![1]);
    }
    // numpy.linspace(0, 1, 6) and numpy's linear quantile of the ranks 1..n
    let qs = [0.2, 0.4, 3.0 * 0.2, 0.8];
    let edges: Vec<f64> = qs
        .iter()
        .map(|&q| {
            let v = (n - 1) as f64 * q;
            let lo = v.floor();
            let g = v - lo;
            let lo_i = lo as usize;
            let hi_i = (lo_i + 1).min(n - 1);
            super::util::lerp((lo_i + 1) as f64, (hi_i + 1) as f64, g)
        })
        .collect();
    Ok(rank
        .iter()
        .map(|&r| 1 + edges.iter().filter(|&&e| e < r).count() as u8)
        .collect())
}

/// Scores recency (days since the last purchase, lower is better), frequency and monetary
/// value, and names each customer's segment with `table`.
///
/// ```
/// use segcore::cluster::rfm::{rfm_segments, RfmSegmentTable};
/// let s = rfm_segments(&[1.0, 2.0], &[1.0, 2.0], &[1.0, 2.0], &RfmSegmentTable::standard()).unwrap();
/// assert_eq!(s.score, vec!["511".to_string(), "155".to_string()]);
/// assert!(rfm_segments(&[1.0], &[1.0, 2.0], &[1.0], &RfmSegmentTable::standard()).is_err());
/// ```
pub fn rfm_segments(
    recency: &[f64],
    frequency: &[f64],
    monetary: &[f64],
    table: &RfmSegmentTable,
) -> Result<RfmScores> {
    let n = recency.len();
    for (name, len) in [("frequency", frequency.len()), ("monetary", monetary.len())] {
        if len != n {
            return Err(SegError::LengthMismatch {
                column: name.into(),
                expected: n,
                found: len,
            });
        }
    }
    let r: Vec<u8> = quintile_scores(recency, "recency")?
        .into_iter()
        .map(|q| 6 - q)
        .collect();
    let f = quintile_scores(frequency, "frequency")?;
    let m = quintile_scores(monetary, "monetary")?;
    let score = (0..n)
        .map(|i| format!("{}{}{}", r[i], f[i], m[i]))
        .collect();
    let segment = (0..n)
        .map(|i| table.segment(r[i], f[i], m[i]).to_string())
        .collect();
    Ok(RfmScores {
        recency_score: r,
        frequency_score: f,
        monetary_score: m,
        score,
        segment,
    })
}
