//! [`LiveScorer`]: a fitted [`Segmenter`] with its column maps resolved once, scoring one
//! [`CustomerState`] at a time in microseconds.
//!
//! Per customer, as [`Segmenter::score`] does for a row of the batch table:
//! * **segment** — the cluster features (purchase family from the state, every other feature
//!   undefined), undefined values replaced by the model's fill values, `log1p`, scaling and
//!   the nearest centroid (first on ties);
//! * **RFM** — recency, occasions and total spend scored on the stored quintile edges;
//! * **CLV** — `p_alive` and `expected_purchases` over the CLV horizon from the fitted
//!   BG/NBD (days), `clv` with the Gamma-Gamma spend and lifetimes' monthly discounting;
//! * **churn** — the churn model's features by name: purchase family from the state,
//!   `p_alive` and `expected_purchases_h` (churn horizon) from the fitted BG/NBD, every other
//!   feature NaN, then NaN replaced by the model's fill values; probability, risk band and
//!   the top drivers by |contribution| (ties: lower feature index first).
//!
//! One difference with the batch path: [`Segmenter::score`] refits a BG/NBD at the scoring
//! cutoff for the churn features, while a live scorer uses the BG/NBD fitted at the model's
//! cutoff (a single customer cannot refit it). Both are the same model when scoring at the
//! fit's cutoff.
//!
//! Customers without a purchase by the cutoff get a segment but no RFM score, CLV or churn
//! probability (`None`).

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::state::{CustomerState, Windows};
use crate::churn::Driver;
use crate::churn::explain::RiskBand;
use crate::clv::TransactionModel;
use crate::clv::value::{DiscountConvention, customer_lifetime_value};
use crate::pipeline::Segmenter;
use crate::pipeline::segmenter::score_on_edges;
use crate::{Result, SegError};

/// The scores of one customer.
///
/// ```
/// use segcore::pipeline::live::CustomerScore;
/// let s = CustomerScore { as_of: 0, purchaser: false, segment: 1, segment_name: "new".into(),
///     rfm_score: None, rfm_segment: None, p_alive: None, expected_purchases: None, clv: None,
///     churn_probability: None, risk_band: None, drivers: vec![] };
/// let back: CustomerScore = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
/// assert_eq!(back, s);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerScore {
    /// The cutoff scored at (UTC seconds).
    pub as_of: i64,
    /// True when the customer made a purchase by the cutoff.
    pub purchaser: bool,
    /// Behavioural segment (index of the nearest centroid).
    pub segment: usize,
    /// Plain-language name of the segment.
    pub segment_name: String,
    /// RFM score, e.g. `"545"` (purchasers only).
    pub rfm_score: Option<String>,
    /// RFM segment name (purchasers only).
    pub rfm_segment: Option<String>,
    /// Probability that the customer is still active (BG/NBD).
    pub p_alive: Option<f64>,
    /// Expected purchases over the CLV horizon.
    pub expected_purchases: Option<f64>,
    /// Discounted customer lifetime value over the CLV horizon.
    pub clv: Option<f64>,
    /// Churn probability over the churn horizon.
    pub churn_probability: Option<f64>,
    /// Risk band of the churn probability.
    pub risk_band: Option<RiskBand>,
    /// Top churn drivers, largest |contribution| first (empty for non-purchasers).
    pub drivers: Vec<Driver>,
}

/// Where a churn feature comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Src {
    Purchase(usize),
    PAlive,
    ExpectedH,
    Missing,
}

/// A fitted [`Segmenter`] ready to score live customers: the column maps between the
/// purchase family and the model's cluster and churn features are resolved once.
///
/// ```
/// use segcore::data::{datasets, Logs};
/// use segcore::pipeline::Segmenter;
/// use segcore::pipeline::live::{CustomerState, LiveScorer, OrderEvent};
/// let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
/// let model = Segmenter::params().n_segments(Some(3)).fit(&logs).unwrap().model;
/// let scorer = LiveScorer::new(&model).unwrap();
/// let mut s = CustomerState::for_config(&model.params.features).unwrap();
/// s.add(OrderEvent::new(model.as_of - 40 * 86_400, 30.0)).unwrap();
/// s.add(OrderEvent::new(model.as_of - 10 * 86_400, 20.0)).unwrap();
/// let score = scorer.score(&s, model.as_of).unwrap();
/// assert!(score.segment < 3);
/// assert!(score.p_alive.unwrap() > 0.0 && score.clv.unwrap() > 0.0);
/// assert_eq!(score.drivers.len(), 3);
/// ```
#[derive(Debug, Clone)]
pub struct LiveScorer {
    model: Segmenter,
    windows: Windows,
    cluster_src: Vec<Option<usize>>,
    log_col: Vec<bool>,
    churn_src: Vec<Src>,
    rfm_idx: [usize; 3],
    monthly_rate: f64,
}

impl LiveScorer {
    /// Resolves the column maps of `model` (cloned into the scorer).
    ///
    /// Errors: [`SegError::InvalidParameter`] when the model's settings are invalid or its
    /// parts disagree in size (a damaged model file).
    ///
    /// ```
    /// use segcore::data::synthetic::SyntheticShop;
    /// use segcore::pipeline::{live::LiveScorer, Segmenter};
    /// let logs = SyntheticShop::params().n_customers(300).seed(1).generate().unwrap();
    /// let model = Segmenter::params().n_segments(Some(3)).fit(&logs).unwrap().model;
    /// assert_eq!(LiveScorer::new(&model).unwrap().model().as_of, model.as_of);
    /// ```
    pub fn new(model: &Segmenter) -> Result<Self> {
        let cfg = &model.params.features;
        let windows = Windows::new(cfg)?;
        let names = super::state::purchase_feature_names(cfg)?;
        let pos = |n: &str| names.iter().position(|m| m == n);
        let d = model.cluster_features.len();
        let bad = |what: &str, found: usize, expected: usize| {
            SegError::param(
                "model",
                format!("{what} has {found} entries, expected {expected}"),
            )
        };
        if model.fill.len() != d {
            return Err(bad("fill", model.fill.len(), d));
        }
        if model.scaler.mean.len() != d || model.scaler.scale.len() != d {
            return Err(bad("scaler", model.scaler.mean.len(), d));
        }
        if model.kmeans.centroids.ncols() != d {
            return Err(bad("centroids", model.kmeans.centroids.ncols(), d));
        }
        if model.kmeans.centroids.nrows() == 0 {
            return Err(SegError::param("model", "no centroid"));
        }
        if model.segment_names.len() < model.kmeans.centroids.nrows() {
            return Err(bad(
                "segment_names",
                model.segment_names.len(),
                model.kmeans.centroids.nrows(),
            ));
        }
        let mut log_col = vec![false; d];
        if let Some(l) = &model.log1p {
            if l.n_features != d {
                return Err(bad("log1p", l.n_features, d));
            }
            for &j in &l.columns {
                *log_col
                    .get_mut(j)
                    .ok_or_else(|| SegError::param("model", "log1p column out of range"))? = true;
            }
        }
        let cluster_src = model.cluster_features.iter().map(|n| pos(n)).collect();
        let k = model.churn_features.len();
        if model.churn.n_features() != k {
            return Err(bad("churn model", model.churn.n_features(), k));
        }
        if model.churn_fill.len() != k {
            return Err(bad("churn_fill", model.churn_fill.len(), k));
        }
        let churn_src = model
            .churn_features
            .iter()
            .map(|n| match n.as_str() {
                "p_alive" => Src::PAlive,
                "expected_purchases_h" => Src::ExpectedH,
                other => pos(other).map_or(Src::Missing, Src::Purchase),
            })
            .collect();
        let need = |n: &str| {
            pos(n).ok_or_else(|| SegError::param("model", format!("no purchase feature `{n}`")))
        };
        let rfm_idx = [need("recency")?, need("n_occasions")?, need("total_spend")?];
        for e in &model.rfm_edges {
            if e.len() != 4 {
                return Err(bad("rfm_edges", e.len(), 4));
            }
        }
        let b = model.explain.bands;
        if !(0.0 < b.medium && b.medium < b.high && b.high <= 1.0) {
            return Err(SegError::param("bands", "need 0 < medium < high <= 1"));
        }
        let monthly_rate = (1.0 + model.params.annual_discount_rate).powf(1.0 / 12.0) - 1.0;
        Ok(LiveScorer {
            model: model.clone(),
            windows,
            cluster_src,
            log_col,
            churn_src,
            rfm_idx,
            monthly_rate,
        })
    }

    /// The model scored with.
    ///
    /// ```
    /// # use segcore::data::synthetic::SyntheticShop;
    /// # use segcore::pipeline::{live::LiveScorer, Segmenter};
    /// # let logs = SyntheticShop::params().n_customers(300).seed(1).generate().unwrap();
    /// # let model = Segmenter::params().n_segments(Some(3)).fit(&logs).unwrap().model;
    /// let scorer = LiveScorer::new(&model).unwrap();
    /// assert_eq!(scorer.model().segment_names.len(), 3);
    /// ```
    pub fn model(&self) -> &Segmenter {
        &self.model
    }

    /// Scores one customer as of `as_of` (rows after it are ignored). With no row after
    /// `as_of` this reads the running aggregates (O(1), windows O(log n)); with rows after
    /// it the state's aggregates are rebuilt up to `as_of` first (O(n) for that customer).
    ///
    /// Errors: [`SegError::InvalidParameter`] for an `as_of` outside 1900..2199 or a state
    /// whose occasion period differs from the model's; [`SegError::Numerical`] when a model
    /// output is not finite.
    ///
    /// ```
    /// # use segcore::data::synthetic::SyntheticShop;
    /// # use segcore::pipeline::{live::{CustomerState, LiveScorer}, Segmenter};
    /// # let logs = SyntheticShop::params().n_customers(300).seed(1).generate().unwrap();
    /// # let model = Segmenter::params().n_segments(Some(3)).fit(&logs).unwrap().model;
    /// let scorer = LiveScorer::new(&model).unwrap();
    /// // a customer without purchases: a segment, nothing else
    /// let s = scorer.score(&CustomerState::default(), model.as_of).unwrap();
    /// assert!(!s.purchaser && s.clv.is_none() && s.rfm_score.is_none());
    /// ```
    pub fn score(&self, state: &CustomerState, as_of: i64) -> Result<CustomerScore> {
        let m = &self.model;
        let mut feats = [0.0_f64; 64];
        let mut heap;
        let feats: &mut [f64] = if self.windows.width <= feats.len() {
            &mut feats[..self.windows.width]
        } else {
            heap = vec![0.0; self.windows.width];
            &mut heap
        };
        let summary = state.fill(&self.windows, as_of, feats)?;

        // segment: nearest centroid on the filled, logged, scaled cluster features
        let mut best = (0usize, f64::INFINITY);
        let z: Vec<f64> = self
            .cluster_src
            .iter()
            .enumerate()
            .map(|(j, src)| {
                let mut v = src.map_or(f64::NAN, |i| feats[i]);
                if !v.is_finite() {
                    v = m.fill[j];
                }
                if self.log_col[j] {
                    if !v.is_finite() || v <= -1.0 {
                        return Err(SegError::invalid(
                            m.cluster_features[j].clone(),
                            0,
                            format!("log1p needs a finite value > -1, got {v}"),
                        ));
                    }
                    v = v.ln_1p();
                }
                Ok((v - m.scaler.mean[j]) / m.scaler.scale[j])
            })
            .collect::<Result<_>>()?;
        for (c, row) in m.kmeans.centroids.outer_iter().enumerate() {
            let mut s = 0.0;
            for (x, y) in z.iter().zip(row.iter()) {
                let d = x - y;
                s += d * d;
            }
            if s < best.1 {
                best = (c, s);
            }
        }
        let segment = best.0;
        let segment_name = m.segment_names[segment].clone();

        let Some(s) = summary else {
            return Ok(CustomerScore {
                as_of,
                purchaser: false,
                segment,
                segment_name,
                rfm_score: None,
                rfm_segment: None,
                p_alive: None,
                expected_purchases: None,
                clv: None,
                churn_probability: None,
                risk_band: None,
                drivers: Vec::new(),
            });
        };

        // RFM on the stored edges
        let [ri, fi, mi] = self.rfm_idx;
        let rs = score_on_edges(feats[ri], &m.rfm_edges[0], true);
        let fs = score_on_edges(feats[fi], &m.rfm_edges[1], false);
        let ms = score_on_edges(feats[mi], &m.rfm_edges[2], false);

        // CLV
        let bg = &m.bg_nbd;
        let p_alive = bg.p_alive_one(s.x, s.t_x, s.t)?;
        let expected =
            bg.conditional_expected_purchases_one(m.params.clv_horizon_days, s.x, s.t_x, s.t)?;
        let clv = customer_lifetime_value(
            bg,
            &m.gamma_gamma,
            &[s.x],
            &[s.t_x],
            &[s.t],
            &[s.mean_repeat_spend],
            m.params.clv_horizon_days,
            self.monthly_rate,
            DiscountConvention::LifetimesMonthly,
        )?
        .first()
        .copied()
        .unwrap_or(f64::NAN);

        // churn: logistic raw score and contributions
        let churn = &m.churn;
        let coef = churn.coef();
        let mut expected_h = None;
        let mut raw = churn.intercept();
        let top_k = m.explain.top_k;
        // (index, contribution, value) of the top drivers, largest |contribution| first
        let mut top: Vec<(usize, f64, f64)> = Vec::with_capacity(top_k + 1);
        for (j, src) in self.churn_src.iter().enumerate() {
            let v = match *src {
                Src::Purchase(i) => feats[i],
                Src::PAlive => p_alive,
                Src::ExpectedH => match expected_h {
                    Some(e) => e,
                    None => {
                        let e = bg.conditional_expected_purchases_one(
                            m.params.churn_horizon_days,
                            s.x,
                            s.t_x,
                            s.t,
                        )?;
                        expected_h = Some(e);
                        e
                    }
                },
                Src::Missing => f64::NAN,
            };
            let v = if v.is_nan() { m.churn_fill[j] } else { v };
            if !v.is_finite() {
                return Err(SegError::Numerical {
                    context: "live churn features".into(),
                    reason: format!("`{}` is {v}", m.churn_features[j]),
                });
            }
            let c = coef[j] * churn.standardized(j, v);
            raw += c;
            if top_k > 0 {
                let at = top
                    .iter()
                    .position(|&(_, tc, _)| c.abs() > tc.abs())
                    .unwrap_or(top.len());
                if at < top_k {
                    top.insert(at, (j, c, v));
                    top.truncate(top_k);
                }
            }
        }
        let p = sigmoid(raw);
        let drivers = top
            .into_iter()
            .map(|(j, c, v)| Driver {
                feature: m.churn_features[j].clone(),
                value: v,
                contribution: c,
            })
            .collect();
        Ok(CustomerScore {
            as_of,
            purchaser: true,
            segment,
            segment_name,
            rfm_score: Some(format!("{rs}{fs}{ms}")),
            rfm_segment: Some(m.rfm_table.segment(rs, fs, ms).to_string()),
            p_alive: Some(p_alive),
            expected_purchases: Some(expected),
            clv: Some(clv),
            churn_probability: Some(p),
            risk_band: Some(m.explain.bands.band(p)),
            drivers,
        })
    }

    /// Scores many customers in parallel (results in the input order; each customer is
    /// scored independently, so the result does not depend on the number of threads).
    ///
    /// ```
    /// # use segcore::data::synthetic::SyntheticShop;
    /// # use segcore::pipeline::{live::{CustomerState, LiveScorer}, Segmenter};
    /// # let logs = SyntheticShop::params().n_customers(300).seed(1).generate().unwrap();
    /// # let model = Segmenter::params().n_segments(Some(3)).fit(&logs).unwrap().model;
    /// let scorer = LiveScorer::new(&model).unwrap();
    /// let states = vec![CustomerState::default(); 3];
    /// assert_eq!(scorer.score_many(&states, model.as_of).unwrap().len(), 3);
    /// ```
    pub fn score_many(&self, states: &[CustomerState], as_of: i64) -> Result<Vec<CustomerScore>> {
        states
            .par_iter()
            .with_min_len(64)
            .map(|s| self.score(s, as_of))
            .collect()
    }
}

/// Logistic function, as the churn models compute it.
fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

impl Segmenter {
    /// Scores one live customer: [`LiveScorer::new`] then [`LiveScorer::score`]. Build a
    /// [`LiveScorer`] once when scoring many times.
    ///
    /// ```
    /// # use segcore::data::synthetic::SyntheticShop;
    /// # use segcore::pipeline::{live::{CustomerState, OrderEvent}, Segmenter};
    /// # let logs = SyntheticShop::params().n_customers(300).seed(1).generate().unwrap();
    /// # let model = Segmenter::params().n_segments(Some(3)).fit(&logs).unwrap().model;
    /// let mut s = CustomerState::default();
    /// s.add(OrderEvent::new(model.as_of - 86_400, 40.0)).unwrap();
    /// let score = model.score_customer(&s, model.as_of).unwrap();
    /// assert!(score.purchaser);
    /// ```
    pub fn score_customer(&self, state: &CustomerState, as_of: i64) -> Result<CustomerScore> {
        LiveScorer::new(self)?.score(state, as_of)
    }

    /// Scores many live customers in parallel ([`LiveScorer::score_many`]).
    ///
    /// ```
    /// # use segcore::data::synthetic::SyntheticShop;
    /// # use segcore::pipeline::{live::CustomerState, Segmenter};
    /// # let logs = SyntheticShop::params().n_customers(300).seed(1).generate().unwrap();
    /// # let model = Segmenter::params().n_segments(Some(3)).fit(&logs).unwrap().model;
    /// let out = model.score_customers(&[CustomerState::default()], model.as_of).unwrap();
    /// assert_eq!(out.len(), 1);
    /// ```
    pub fn score_customers(
        &self,
        states: &[CustomerState],
        as_of: i64,
    ) -> Result<Vec<CustomerScore>> {
        LiveScorer::new(self)?.score_many(states, as_of)
    }
}
