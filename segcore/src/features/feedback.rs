//! Feedback: survey scores normalised to 0..1 and satisfaction bands.
//!
//! Scores are mapped onto 0..1 by their scale ([`ScoreScale::normalise`]: lowest = 0,
//! highest = 1), so NPS, CSAT and star ratings can be averaged together.
//!
//! **Satisfaction band** of a response, from its raw score:
//! NPS (0–10): detractor 0–6 → −1, passive 7–8 → 0, promoter 9–10 → +1;
//! CSAT and stars (1–5): dissatisfied 1–2 → −1, neutral 3 → 0, satisfied 4–5 → +1.
//! Non-integer scores fall in the band whose range contains them when ranges are read as
//! NPS `<= 6`, `< 9`, else; CSAT/stars `<= 2`, `< 4`, else.
//!
//! | column | unit | meaning | undefined |
//! | --- | --- | --- | --- |
//! | `responses` | count | survey responses | 0 |
//! | `score_mean` | 0..1 | mean normalised score | NaN without responses |
//! | `score_last` | 0..1 | normalised score of the latest response | NaN without responses |
//! | `satisfaction_band` | band | band (−1, 0, +1) of the latest response | NaN without responses |
//! | `score_trend` | 0..1 | latest normalised score minus the mean of the earlier ones | NaN with fewer than 2 responses |
//!
//! Responses at the same time keep their row order; the last row is the latest.

use super::matrix::FeatureInfo;
use super::pass::Customer;
use crate::data::ScoreScale;

/// The band (−1 dissatisfied/detractor, 0 neutral/passive, +1 satisfied/promoter) of a score.
///
/// ```
/// use segcore::data::ScoreScale;
/// use segcore::features::feedback::satisfaction_band;
/// assert_eq!(satisfaction_band(6.0, ScoreScale::Nps), -1.0);
/// assert_eq!(satisfaction_band(8.0, ScoreScale::Nps), 0.0);
/// assert_eq!(satisfaction_band(9.0, ScoreScale::Nps), 1.0);
/// assert_eq!(satisfaction_band(3.0, ScoreScale::Csat), 0.0);
/// assert_eq!(satisfaction_band(2.0, ScoreScale::Stars), -1.0);
/// ```
pub fn satisfaction_band(score: f64, scale: ScoreScale) -> f64 {
    let (low, high) = match scale {
        ScoreScale::Nps => (6.0, 9.0),
        ScoreScale::Csat | ScoreScale::Stars => (2.0, 4.0),
    };
    if score <= low {
        -1.0
    } else if score < high {
        0.0
    } else {
        1.0
    }
}

/// The feedback family.
pub(crate) struct FeedbackFamily;

impl FeedbackFamily {
    pub(crate) fn info(&self) -> Vec<FeatureInfo> {
        vec![
            FeatureInfo::new("responses", "count", "survey responses", "0"),
            FeatureInfo::new(
                "score_mean",
                "0..1",
                "mean normalised score",
                "NaN without responses",
            ),
            FeatureInfo::new(
                "score_last",
                "0..1",
                "normalised score of the latest response",
                "NaN without responses",
            ),
            FeatureInfo::new(
                "satisfaction_band",
                "band",
                "-1 detractor/dissatisfied, 0 passive/neutral, +1 promoter/satisfied (latest response)",
                "NaN without responses",
            ),
            FeatureInfo::new(
                "score_trend",
                "0..1",
                "latest normalised score minus the mean of the earlier ones",
                "NaN with fewer than 2 responses",
            ),
        ]
    }

    pub(crate) fn fill(&self, cu: &Customer<'_>, out: &mut [f64]) {
        out.copy_from_slice(&[0.0, f64::NAN, f64::NAN, f64::NAN, f64::NAN]);
        let (Some(fb), Some(&last)) = (cu.fb, cu.fb_rows.last()) else {
            return;
        };
        let norm = |r: u32| fb.scale[r as usize].normalise(fb.score[r as usize]);
        let n = cu.fb_rows.len();
        let sum: f64 = cu.fb_rows.iter().map(|&r| norm(r)).sum();
        let last_score = norm(last);
        out[0] = n as f64;
        out[1] = sum / n as f64;
        out[2] = last_score;
        out[3] = satisfaction_band(fb.score[last as usize], fb.scale[last as usize]);
        if n >= 2 {
            let earlier: f64 = cu.fb_rows[..n - 1].iter().map(|&r| norm(r)).sum();
            out[4] = last_score - earlier / (n - 1) as f64;
        }
    }
}
