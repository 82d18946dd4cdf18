//! Survey feedback: satisfaction scores on their scales.

use serde::{Deserialize, Serialize};

use super::coded::{CustomerColumn, TextColumn};
use super::columns::{
    Categorical, TimeColumn, categorical, check_rows, code_at, count_repeats, strings,
};
use super::ids::{CustomerIndex, IdColumn};
use super::ids_buffers::InternedIds;
use crate::{Result, SegError};

/// The scale a score was given on.
///
/// ```
/// use segcore::data::ScoreScale;
/// assert_eq!(ScoreScale::parse("NPS").unwrap(), ScoreScale::Nps);
/// assert_eq!(ScoreScale::Nps.normalise(9.0), 0.9);
/// assert_eq!(ScoreScale::Csat.normalise(5.0), 1.0);
/// assert_eq!(ScoreScale::Stars.range(), (1.0, 5.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScoreScale {
    /// Customer satisfaction, 1 (very dissatisfied) to 5 (very satisfied).
    Csat,
    /// Net promoter score question, 0 to 10.
    Nps,
    /// Product or service rating, 1 to 5 stars.
    Stars,
}

impl ScoreScale {
    /// Parses `csat`, `nps`, `stars` (case-insensitive).
    ///
    /// ```
    /// assert!(segcore::data::ScoreScale::parse("likert7").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csat" => Ok(ScoreScale::Csat),
            "nps" => Ok(ScoreScale::Nps),
            "stars" | "star" | "rating" => Ok(ScoreScale::Stars),
            other => Err(SegError::param(
                "scale",
                format!("unknown score scale `{other}` (use csat, nps or stars)"),
            )),
        }
    }

    /// Lowest and highest valid score.
    ///
    /// ```
    /// assert_eq!(segcore::data::ScoreScale::Nps.range(), (0.0, 10.0));
    /// ```
    pub fn range(self) -> (f64, f64) {
        match self {
            ScoreScale::Csat | ScoreScale::Stars => (1.0, 5.0),
            ScoreScale::Nps => (0.0, 10.0),
        }
    }

    /// Maps a score linearly onto 0..1 (lowest = 0, highest = 1).
    ///
    /// ```
    /// assert_eq!(segcore::data::ScoreScale::Stars.normalise(3.0), 0.5);
    /// ```
    pub fn normalise(self, score: f64) -> f64 {
        let (lo, hi) = self.range();
        (score - lo) / (hi - lo)
    }

    /// Lower-case name.
    ///
    /// ```
    /// assert_eq!(segcore::data::ScoreScale::Csat.as_str(), "csat");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ScoreScale::Csat => "csat",
            ScoreScale::Nps => "nps",
            ScoreScale::Stars => "stars",
        }
    }
}

/// Validated, columnar feedback. Build with [`Feedback::builder`].
///
/// ```
/// use segcore::data::{Feedback, ScoreScale};
/// let fb = Feedback::builder(vec![1_i64, 2], vec![0_i64, 0], vec![9.0, 2.0], vec!["nps", "csat"])
///     .build()
///     .unwrap();
/// assert_eq!(fb.scale(), &[ScoreScale::Nps, ScoreScale::Csat]);
/// assert_eq!(fb.normalised(), vec![0.9, 0.25]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub(crate) customers: CustomerIndex,
    pub(crate) customer: Vec<u32>,
    pub(crate) timestamp: Vec<i64>,
    pub(crate) score: Vec<f64>,
    pub(crate) scale: Vec<ScoreScale>,
    pub(crate) topic: Option<Categorical>,
    pub(crate) duplicate_rows: usize,
}

/// Builder for [`Feedback`]; see [`Feedback::builder`].
#[derive(Debug, Clone)]
pub struct FeedbackBuilder {
    pub(super) customer: CustomerColumn,
    pub(super) timestamp: TimeColumn,
    pub(super) score: Vec<f64>,
    pub(super) scale: Vec<String>,
    pub(super) topic: Option<TextColumn>,
}

impl Feedback {
    /// Starts a builder: customer, timestamp, score, and the scale name per row.
    ///
    /// ```
    /// let fb = segcore::data::Feedback::builder(vec!["a"], vec![0_i64], vec![4.0], vec!["stars"]).build().unwrap();
    /// assert_eq!(fb.len(), 1);
    /// ```
    pub fn builder<S: Into<String>>(
        customer: impl Into<IdColumn>,
        timestamp: impl Into<TimeColumn>,
        score: Vec<f64>,
        scale: Vec<S>,
    ) -> FeedbackBuilder {
        FeedbackBuilder {
            customer: CustomerColumn::Ids(customer.into()),
            timestamp: timestamp.into(),
            score,
            scale: strings(scale),
            topic: None,
        }
    }

    /// A builder whose customer column is already interned (see
    /// [`super::ids_buffers::intern_ids`]): no second interning; codes are checked.
    ///
    /// ```
    /// use segcore::data::Feedback;
    /// use segcore::data::ids_buffers::{intern_ids, Offsets, Utf8Buffers};
    /// let ids = intern_ids("customer_id", &Utf8Buffers::new(b"x", Offsets::I32(&[0, 1]), None)).unwrap();
    /// let fb = Feedback::builder_interned(ids, vec![0_i64], vec![5.0], vec!["stars"]).build().unwrap();
    /// assert_eq!(fb.customers().label(0), "x");
    /// ```
    pub fn builder_interned<S: Into<String>>(
        ids: InternedIds,
        timestamp: impl Into<TimeColumn>,
        score: Vec<f64>,
        scale: Vec<S>,
    ) -> FeedbackBuilder {
        let mut b = Self::builder(IdColumn::Int(Vec::new()), timestamp, score, scale);
        b.customer = CustomerColumn::Interned(ids);
        b
    }

    log_accessors!(
        "segcore::data::Feedback::builder(vec![\"a\"], vec![3_i64], vec![4.0], vec![\"stars\"])",
        "a",
        3
    );

    /// Raw scores.
    ///
    /// ```
    /// # let fb = segcore::data::Feedback::builder(vec!["a"], vec![3_i64], vec![4.0], vec!["stars"]).build().unwrap();
    /// assert_eq!(fb.score(), &[4.0]);
    /// ```
    pub fn score(&self) -> &[f64] {
        &self.score
    }

    /// Scale per row.
    ///
    /// ```
    /// # let fb = segcore::data::Feedback::builder(vec!["a"], vec![3_i64], vec![4.0], vec!["stars"]).build().unwrap();
    /// assert_eq!(fb.scale()[0].as_str(), "stars");
    /// ```
    pub fn scale(&self) -> &[ScoreScale] {
        &self.scale
    }

    /// Scores mapped onto 0..1 by their scale.
    ///
    /// ```
    /// # let fb = segcore::data::Feedback::builder(vec!["a"], vec![3_i64], vec![5.0], vec!["csat"]).build().unwrap();
    /// assert_eq!(fb.normalised(), vec![1.0]);
    /// ```
    pub fn normalised(&self) -> Vec<f64> {
        self.score
            .iter()
            .zip(&self.scale)
            .map(|(&s, sc)| sc.normalise(s))
            .collect()
    }

    /// Topics, if given.
    ///
    /// ```
    /// # let fb = segcore::data::Feedback::builder(vec!["a"], vec![3_i64], vec![5.0], vec!["csat"]).topic(vec!["delivery"]).build().unwrap();
    /// assert_eq!(fb.topic().unwrap().get(0), Some("delivery"));
    /// ```
    pub fn topic(&self) -> Option<&Categorical> {
        self.topic.as_ref()
    }

    /// Number of rows that exactly repeat an earlier row. They are kept.
    ///
    /// ```
    /// # let fb = segcore::data::Feedback::builder(vec!["a"], vec![3_i64], vec![5.0], vec!["csat"]).build().unwrap();
    /// assert_eq!(fb.duplicate_rows(), 0);
    /// ```
    pub fn duplicate_rows(&self) -> usize {
        self.duplicate_rows
    }
}

impl FeedbackBuilder {
    /// Topics (delivery, product, support, ...).
    ///
    /// ```
    /// # let b = segcore::data::Feedback::builder(vec!["a"], vec![0_i64], vec![4.0], vec!["stars"]);
    /// assert!(b.topic(vec!["support"]).build().is_ok());
    /// ```
    pub fn topic(mut self, v: impl Into<TextColumn>) -> Self {
        self.topic = Some(v.into());
        self
    }

    /// Validates and builds: every score finite and within its scale's range.
    ///
    /// ```
    /// use segcore::data::Feedback;
    /// let e = Feedback::builder(vec!["a"], vec![0_i64], vec![11.0], vec!["nps"]).build().unwrap_err();
    /// assert_eq!(e.to_string(), "column `score`, row 0: 11 is outside the nps range 0..10");
    /// let e = Feedback::builder(vec!["a"], vec![0_i64], vec![1.0], vec!["likert"]).build().unwrap_err();
    /// assert_eq!(e.to_string(), "column `scale`, row 0: unknown score scale `likert` (use csat, nps or stars)");
    /// ```
    pub fn build(self) -> Result<Feedback> {
        let n = self.customer.len();
        check_rows(
            "feedback",
            n,
            &[
                ("timestamp", Some(self.timestamp.len())),
                ("score", Some(self.score.len())),
                ("scale", Some(self.scale.len())),
                ("topic", self.topic.as_ref().map(TextColumn::len)),
            ],
        )?;
        let mut scale = Vec::with_capacity(n);
        for (row, s) in self.scale.iter().enumerate() {
            let sc = ScoreScale::parse(s).map_err(|_| {
                SegError::invalid(
                    "scale",
                    row,
                    format!(
                        "unknown score scale `{}` (use csat, nps or stars)",
                        s.trim().to_ascii_lowercase()
                    ),
                )
            })?;
            let v = self.score[row];
            let (lo, hi) = sc.range();
            if !v.is_finite() || v < lo || v > hi {
                return Err(SegError::invalid(
                    "score",
                    row,
                    format!("{v} is outside the {} range {lo}..{hi}", sc.as_str()),
                ));
            }
            scale.push(sc);
        }
        let timestamp = self.timestamp.to_seconds("timestamp")?;
        let (customers, customer) = self.customer.index()?;
        let topic = categorical("topic", self.topic)?;
        let duplicate_rows = count_repeats(n, |i| {
            (
                customer[i],
                timestamp[i],
                self.score[i].to_bits(),
                scale[i],
                code_at(&topic, i),
            )
        });
        Ok(Feedback {
            customers,
            customer,
            timestamp,
            score: self.score,
            scale,
            topic,
            duplicate_rows,
        })
    }
}
