//! Segment profiles: size, share, mean and median of every feature, optional CLV and churn
//! summaries, and a short plain-language name.
//!
//! # Naming rules
//!
//! 1. For every feature, `z = (segment mean − population mean) / population std` (population
//!    std with ddof = 0; a constant feature has z = 0).
//! 2. Each feature is matched to the first [`Vocabulary`] family with a pattern contained in
//!    its lower-cased name; a family is represented by its matching feature with the largest
//!    |z|.
//! 3. Candidate words: a family whose z ≥ `threshold` offers its `high` word, one whose
//!    z ≤ −`threshold` its `low` word; the strength of a word is |z|. Words are adjectives
//!    ("frequent", "lapsed", "discount-driven", "email-engaged", …) or nouns ("high spenders",
//!    "browsers"). Special nouns from the `frequency` family: **one-timers** when the segment's
//!    median frequency is at most 1 (strength |z| + 1, which beats the other nouns), and
//!    **regulars** when |z| < `threshold` and the median is above 1 (strength 0).
//!    **browsers** (the `browse` family's high word) only applies when the segment's frequency
//!    z is ≤ 0 (many views, few purchases). A family that gave the noun gives no adjective.
//! 4. Name = the `max_adjectives` strongest adjectives (default 1) followed by the strongest
//!    noun, or "customers" when there is none; "typical customers" when nothing stands out.
//! 5. Names are unique within a run: segments are named from largest to smallest; a repeated
//!    name first takes its next strongest unused adjective, and if still taken gets " (2)",
//!    " (3)", ….
//!
//! ```
//! use segcore::cluster::profile::{profile_segments, ProfileExtras, Vocabulary};
//! let names: Vec<String> = ["recency", "frequency", "monetary"].iter().map(|s| s.to_string()).collect();
//! let x = ndarray::array![
//!     [10.0, 9.0, 900.0], [12.0, 11.0, 1100.0],
//!     [300.0, 1.0, 20.0], [320.0, 1.0, 25.0],
//!     [60.0, 3.0, 100.0], [70.0, 3.0, 120.0],
//! ];
//! let p = profile_segments(&names, x.view(), &[0, 0, 1, 1, 2, 2], &ProfileExtras::default(),
//!     &Vocabulary::default()).unwrap();
//! assert_eq!(p.segments[0].name, "frequent high spenders");
//! assert_eq!(p.segments[1].name, "lapsed one-timers");
//! assert!((p.segments[0].share - 1.0 / 3.0).abs() < 1e-12);
//! ```

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use super::util::{check_matrix, quantile_sorted};
use crate::{Result, SegError};

/// Whether a word is an adjective (goes first) or a noun (ends the name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Goes before the noun, e.g. "lapsed".
    Adjective,
    /// Ends the name, e.g. "high spenders".
    Noun,
}

/// A family of features (matched by name patterns) and its words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VocabFamily {
    /// Family key; `frequency` and `browse` get the special rules in the module docs.
    pub family: String,
    /// Lower-case substrings matched against feature names.
    pub patterns: Vec<String>,
    /// Word when the segment is high on this family.
    pub high: Option<(String, Role)>,
    /// Word when the segment is low on this family.
    pub low: Option<(String, Role)>,
}

/// The word list used to name segments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vocabulary {
    /// Families, tried in order for each feature.
    pub families: Vec<VocabFamily>,
    /// |z| from which a family is distinctive (default 0.5).
    pub threshold: f64,
    /// Adjectives per name (default 1).
    pub max_adjectives: usize,
}

impl Default for Vocabulary {
    /// recency (lapsed / recent), frequency (frequent / occasional), monetary (high spenders /
    /// low-value), discount (discount-driven), browse (browsers), email (email-engaged), tenure
    /// (long-standing / new), returns (return-prone).
    fn default() -> Self {
        use Role::{Adjective as A, Noun as N};
        let fam =
            |family: &str, pats: &[&str], high: Option<(&str, Role)>, low: Option<(&str, Role)>| {
                VocabFamily {
                    family: family.into(),
                    patterns: pats.iter().map(|s| s.to_string()).collect(),
                    high: high.map(|(w, r)| (w.to_string(), r)),
                    low: low.map(|(w, r)| (w.to_string(), r)),
                }
            };
        Vocabulary {
            families: vec![
                fam(
                    "recency",
                    &["recency", "days_since", "since_last"],
                    Some(("lapsed", A)),
                    Some(("recent", A)),
                ),
                fam(
                    "email",
                    &["email", "newsletter", "open", "click"],
                    Some(("email-engaged", A)),
                    None,
                ),
                fam(
                    "discount",
                    &["discount", "coupon", "promo"],
                    Some(("discount-driven", A)),
                    None,
                ),
                fam(
                    "returns",
                    &["return", "refund"],
                    Some(("return-prone", A)),
                    None,
                ),
                fam(
                    "tenure",
                    &["tenure", "first_purchase", "age_days"],
                    Some(("long-standing", A)),
                    Some(("new", A)),
                ),
                fam(
                    "frequency",
                    &["frequency", "orders", "purchases", "transactions"],
                    Some(("frequent", A)),
                    Some(("occasional", A)),
                ),
                fam(
                    "monetary",
                    &["monetary", "spend", "revenue", "amount", "basket", "aov"],
                    Some(("high spenders", N)),
                    Some(("low-value", A)),
                ),
                fam(
                    "browse",
                    &["view", "browse", "session", "visit"],
                    Some(("browsers", N)),
                    None,
                ),
            ],
            threshold: 0.5,
            max_adjectives: 1,
        }
    }
}

/// Optional per-customer columns summarised per segment.
#[derive(Debug, Clone, Default)]
pub struct ProfileExtras<'a> {
    /// Customer lifetime value.
    pub clv: Option<&'a [f64]>,
    /// Churn probability.
    pub churn_probability: Option<&'a [f64]>,
}

/// Profile of one segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentProfile {
    /// Segment label.
    pub segment: usize,
    /// Plain-language name (unique within the run).
    pub name: String,
    /// Customers in the segment.
    pub size: usize,
    /// Share of all customers.
    pub share: f64,
    /// Mean of each feature.
    pub mean: Vec<f64>,
    /// Median of each feature.
    pub median: Vec<f64>,
    /// z-score of the segment mean against the population.
    pub z: Vec<f64>,
    /// Total CLV, when given.
    pub clv_total: Option<f64>,
    /// Mean CLV, when given.
    pub clv_mean: Option<f64>,
    /// Mean churn probability, when given.
    pub churn_mean: Option<f64>,
}

/// Profiles of all segments, ordered by segment label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profiles {
    /// Feature names.
    pub features: Vec<String>,
    /// Population mean of each feature.
    pub population_mean: Vec<f64>,
    /// Population standard deviation (ddof = 0) of each feature.
    pub population_std: Vec<f64>,
    /// One profile per segment label present.
    pub segments: Vec<SegmentProfile>,
}

fn check_extra(v: Option<&[f64]>, n: usize, column: &str) -> Result<()> {
    if let Some(v) = v {
        if v.len() != n {
            return Err(SegError::LengthMismatch {
                column: column.into(),
                expected: n,
                found: v.len(),
            });
        }
        if let Some(i) = v.iter().position(|x| !x.is_finite()) {
            return Err(SegError::invalid(
                column,
                i,
                format!("{} is not finite", v[i]),
            ));
        }
    }
    Ok(())
}

/// Profiles the segments given by `labels` over the features `names` / `x`, and names them.
///
/// ```
/// use segcore::cluster::profile::{profile_segments, ProfileExtras, Vocabulary};
/// let names = vec!["frequency".to_string()];
/// let x = ndarray::array![[1.0], [1.0], [5.0], [7.0]];
/// let clv = [10.0, 20.0, 300.0, 500.0];
/// let extras = ProfileExtras { clv: Some(&clv), churn_probability: None };
/// let p = profile_segments(&names, x.view(), &[0, 0, 1, 1], &extras, &Vocabulary::default()).unwrap();
/// assert_eq!(p.segments[1].clv_total, Some(800.0));
/// assert_eq!(p.segments[1].median, vec![6.0]);
/// assert_eq!(p.segments[0].name, "one-timers");
/// ```
pub fn profile_segments(
    names: &[String],
    x: ArrayView2<f64>,
    labels: &[usize],
    extras: &ProfileExtras,
    vocab: &Vocabulary,
) -> Result<Profiles> {
    check_matrix(&x, "x")?;
    let (n, d) = x.dim();
    if names.len() != d {
        return Err(SegError::LengthMismatch {
            column: "names".into(),
            expected: d,
            found: names.len(),
        });
    }
    if labels.len() != n {
        return Err(SegError::LengthMismatch {
            column: "labels".into(),
            expected: n,
            found: labels.len(),
        });
    }
    check_extra(extras.clv, n, "clv")?;
    check_extra(extras.churn_probability, n, "churn_probability")?;
    let pop_mean: Vec<f64> = (0..d).map(|j| x.column(j).sum() / n as f64).collect();
    let pop_std: Vec<f64> = (0..d)
        .map(|j| {
            (x.column(j)
                .iter()
                .map(|v| (v - pop_mean[j]).powi(2))
                .sum::<f64>()
                / n as f64)
                .sqrt()
        })
        .collect();
    let mut segs: Vec<usize> = labels.to_vec();
    segs.sort_unstable();
    segs.dedup();
    let mut out = Vec::with_capacity(segs.len());
    for &s in &segs {
        let rows: Vec<usize> = (0..n).filter(|&i| labels[i] == s).collect();
        let size = rows.len();
        let mut mean = vec![0.0; d];
        let mut median = vec![0.0; d];
        let mut z = vec![0.0; d];
        for j in 0..d {
            let mut col: Vec<f64> = rows.iter().map(|&i| x[[i, j]]).collect();
            mean[j] = col.iter().sum::<f64>() / size as f64;
            col.sort_by(f64::total_cmp);
            median[j] = quantile_sorted(&col, 0.5);
            z[j] = if pop_std[j] > 0.0 {
                (mean[j] - pop_mean[j]) / pop_std[j]
            } else {
                0.0
            };
        }
        let sum_of = |v: Option<&[f64]>| v.map(|v| rows.iter().map(|&i| v[i]).sum::<f64>());
        let clv_total = sum_of(extras.clv);
        out.push(SegmentProfile {
            segment: s,
            name: String::new(),
            size,
            share: size as f64 / n as f64,
            mean,
            median,
            z,
            clv_total,
            clv_mean: clv_total.map(|t| t / size as f64),
            churn_mean: sum_of(extras.churn_probability).map(|t| t / size as f64),
        });
    }
    name_segments(names, &mut out, vocab);
    Ok(Profiles {
        features: names.to_vec(),
        population_mean: pop_mean,
        population_std: pop_std,
        segments: out,
    })
}

/// (word, strength) lists for one segment: adjectives and nouns, strongest first.
type Words = (Vec<(String, f64)>, Vec<(String, f64)>);

fn candidate_words(names: &[String], p: &SegmentProfile, vocab: &Vocabulary) -> Words {
    let t = vocab.threshold;
    // representative feature (largest |z|) of each family
    let mut rep: Vec<Option<usize>> = vec![None; vocab.families.len()];
    for (j, name) in names.iter().enumerate() {
        let lname = name.to_lowercase();
        if let Some(fi) = vocab
            .families
            .iter()
            .position(|f| f.patterns.iter().any(|pat| lname.contains(pat.as_str())))
        {
            if rep[fi].is_none_or(|k| p.z[j].abs() > p.z[k].abs()) {
                rep[fi] = Some(j);
            }
        }
    }
    let family_z = |key: &str| {
        vocab
            .families
            .iter()
            .position(|f| f.family == key)
            .and_then(|fi| rep[fi])
            .map(|j| (j, p.z[j]))
    };
    let freq = family_z("frequency");
    let mut adjs = Vec::new();
    let mut nouns = Vec::new();
    let mut noun_family: Option<&str> = None;
    if let Some((j, zf)) = freq {
        if p.median[j] <= 1.0 {
            nouns.push(("one-timers".to_string(), zf.abs() + 1.0));
            noun_family = Some("frequency");
        } else if zf.abs() < t {
            nouns.push(("regulars".to_string(), 0.0));
        }
    }
    for (fi, fam) in vocab.families.iter().enumerate() {
        let Some(j) = rep[fi] else { continue };
        let zj = p.z[j];
        let word = if zj >= t {
            fam.high.as_ref()
        } else if zj <= -t {
            fam.low.as_ref()
        } else {
            None
        };
        let Some((w, role)) = word else { continue };
        if fam.family == "browse" && freq.is_some_and(|(_, zf)| zf > 0.0) {
            continue;
        }
        match role {
            Role::Noun => nouns.push((w.clone(), zj.abs())),
            Role::Adjective => {
                if noun_family != Some(fam.family.as_str()) {
                    adjs.push((w.clone(), zj.abs()))
                }
            }
        }
    }
    let by_strength = |a: &(String, f64), b: &(String, f64)| b.1.total_cmp(&a.1);
    adjs.sort_by(by_strength);
    nouns.sort_by(by_strength);
    // the frequency adjective is redundant next to a frequency noun
    if nouns
        .first()
        .is_some_and(|(w, _)| w == "one-timers" || w == "regulars")
    {
        adjs.retain(|(w, _)| w != "frequent" && w != "occasional");
    }
    (adjs, nouns)
}

fn name_segments(names: &[String], profiles: &mut [SegmentProfile], vocab: &Vocabulary) {
    let mut order: Vec<usize> = (0..profiles.len()).collect();
    order.sort_by(|&a, &b| {
        profiles[b]
            .size
            .cmp(&profiles[a].size)
            .then(profiles[a].segment.cmp(&profiles[b].segment))
    });
    let mut used: Vec<String> = Vec::new();
    for idx in order {
        let (adjs, nouns) = candidate_words(names, &profiles[idx], vocab);
        let noun = nouns
            .first()
            .map(|n| n.0.clone())
            .unwrap_or_else(|| "customers".to_string());
        let k = vocab.max_adjectives.min(adjs.len());
        let build = |count: usize| {
            let mut parts: Vec<String> = adjs.iter().take(count).map(|a| a.0.clone()).collect();
            if parts.is_empty() && noun == "customers" {
                parts.push("typical".into());
            }
            parts.push(noun.clone());
            parts.join(" ")
        };
        let mut name = build(k);
        let mut extra = k;
        while used.contains(&name) && extra < adjs.len() {
            extra += 1;
            name = build(extra);
        }
        if used.contains(&name) {
            let base = name.clone();
            let mut i = 2;
            while used.contains(&name) {
                name = format!("{base} ({i})");
                i += 1;
            }
        }
        used.push(name.clone());
        profiles[idx].name = name;
    }
}
