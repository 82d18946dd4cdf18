//! `Segmenter`: the main job, from logs to one customer table, segment profiles and the
//! fitted models.
//!
//! Steps, all as of one cutoff `as_of` (default: the day after the latest row):
//! 1. **Features**: every family the logs allow ([`crate::features`]).
//! 2. **Customer lifetime value**: BG/NBD on the purchasers' summary (in days) gives
//!    `p_alive` and `expected_purchases` over the CLV horizon; Gamma-Gamma on the repeat
//!    buyers gives the expected spend; `clv` is discounted with lifetimes' monthly-step
//!    convention at the monthly equivalent of `annual_discount_rate`.
//! 3. **RFM segments**: quintiles of recency (reversed), purchase occasions and total spend,
//!    named with [`RfmSegmentTable::standard`]; the quintile edges are stored so new
//!    customers are scored on the same scale.
//! 4. **Behavioural segments**: the cluster features (undefined values filled: recency-like
//!    columns with their maximum, the rest with 0), `log1p` on counts, money and days,
//!    standard scaling, k-means (k chosen by silhouette over `k_min..=k_max` unless given),
//!    and plain-language names from [`crate::cluster::profile`].
//! 5. **Churn**: logistic regression trained out of time — features at `as_of − H`, labels
//!    from `(as_of − H, as_of]` — and, when the data reach back far enough, validated on a
//!    model trained at `as_of − 2H` and tested at `as_of − H` (the ROC AUC is reported).
//!    Current customers are scored at `as_of` with their top 3 drivers.
//!
//! Customers who never purchased (browsers) get no P(alive), CLV, RFM score or churn
//! probability: those cells are NaN / empty.
//!
//! ```
//! use segcore::data::synthetic::SyntheticShop;
//! use segcore::pipeline::Segmenter;
//! let logs = SyntheticShop::params().n_customers(600).seed(3).generate().unwrap();
//! let out = Segmenter::params().n_segments(Some(4)).fit(&logs).unwrap();
//! assert_eq!(out.customers.n_rows(), logs.customers().len());
//! assert_eq!(out.profiles.segments.len(), 4);
//! assert!(out.customers.get("churn_probability").is_some());
//! ```

use crate::progress::Monitor;
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::table::{Column, CustomerTable};
use crate::churn::LogisticChurn;
use crate::churn::dataset::ChurnDataset;
use crate::churn::explain::{ExplainOptions, explain};
use crate::churn::metrics::roc_auc;
use crate::cluster::choose_k::{ChooseK, choose_k};
use crate::cluster::kmeans::KMeans;
use crate::cluster::profile::{ProfileExtras, Profiles, Vocabulary, profile_segments};
use crate::cluster::rfm::{RfmSegmentTable, rfm_segments};
use crate::cluster::scale::{Log1p, StandardScaler, Transform};
use crate::clv::from_logs::from_purchase_summary;
use crate::clv::value::{DiscountConvention, customer_lifetime_value};
use crate::clv::{BetaGeo, GammaGamma, TransactionModel};
use crate::data::{Logs, TimeUnit};
use crate::features::{FeatureConfig, FeatureSet, compute, default_as_of};
use crate::model::ModelKind;
use crate::{Result, SegError};

/// Behaviours clustered by default, in this order, when the logs have them.
pub const DEFAULT_CLUSTER_FEATURES: [&str; 12] = [
    "recency",
    "frequency",
    "avg_order_value",
    "tenure",
    "return_rate",
    "discount_share",
    "category_entropy",
    "email_open_rate",
    "app_sessions_per_week",
    "views_recent",
    "cart_abandonment_rate",
    "score_mean",
];

/// Columns filled with their maximum when undefined (a customer without the event is "long ago").
const FILL_WITH_MAX: [&str; 3] = ["recency", "tenure", "days_since_last_abandonment"];

/// Settings of the main job. Build with [`Segmenter::params`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmenterParams {
    /// Feature settings (`as_of` included).
    pub features: FeatureConfig,
    /// Number of behavioural segments; `None` chooses k by silhouette.
    pub n_segments: Option<usize>,
    /// Smallest k tried when choosing.
    pub k_min: usize,
    /// Largest k tried when choosing.
    pub k_max: usize,
    /// Features to cluster on; `None` uses [`DEFAULT_CLUSTER_FEATURES`] present in the data.
    pub cluster_features: Option<Vec<String>>,
    /// Seed of every random choice.
    pub seed: u64,
    /// CLV horizon in days.
    pub clv_horizon_days: f64,
    /// Annual discount rate of the CLV.
    pub annual_discount_rate: f64,
    /// Churn horizon H in days.
    pub churn_horizon_days: f64,
    /// Rows sampled for the silhouette when choosing k.
    pub silhouette_sample: usize,
}

impl Default for SegmenterParams {
    fn default() -> Self {
        SegmenterParams {
            features: FeatureConfig::default(),
            n_segments: None,
            k_min: 3,
            k_max: 8,
            cluster_features: None,
            seed: 0,
            clv_horizon_days: 365.0,
            annual_discount_rate: 0.10,
            churn_horizon_days: 90.0,
            silhouette_sample: 5000,
        }
    }
}

impl SegmenterParams {
    /// Sets the feature settings.
    ///
    /// ```
    /// use segcore::{features::FeatureConfig, pipeline::Segmenter};
    /// let p = Segmenter::params().features(FeatureConfig::default().as_of(Some(0)));
    /// assert_eq!(p.features.as_of, Some(0));
    /// ```
    pub fn features(mut self, config: FeatureConfig) -> Self {
        self.features = config;
        self
    }

    /// Sets the cutoff (UTC seconds).
    ///
    /// ```
    /// assert_eq!(segcore::pipeline::Segmenter::params().as_of(Some(9)).features.as_of, Some(9));
    /// ```
    pub fn as_of(mut self, as_of: Option<i64>) -> Self {
        self.features = self.features.as_of(as_of);
        self
    }

    /// Fixes the number of segments (`None` = choose).
    ///
    /// ```
    /// assert_eq!(segcore::pipeline::Segmenter::params().n_segments(Some(5)).n_segments, Some(5));
    /// ```
    pub fn n_segments(mut self, k: Option<usize>) -> Self {
        self.n_segments = k;
        self
    }

    /// Range of k tried when choosing.
    ///
    /// ```
    /// assert_eq!(segcore::pipeline::Segmenter::params().k_range(2, 6).k_max, 6);
    /// ```
    pub fn k_range(mut self, min: usize, max: usize) -> Self {
        self.k_min = min;
        self.k_max = max;
        self
    }

    /// Features to cluster on.
    ///
    /// ```
    /// let p = segcore::pipeline::Segmenter::params().cluster_features(Some(vec!["recency".into()]));
    /// assert_eq!(p.cluster_features.unwrap().len(), 1);
    /// ```
    pub fn cluster_features(mut self, names: Option<Vec<String>>) -> Self {
        self.cluster_features = names;
        self
    }

    /// Seed.
    ///
    /// ```
    /// assert_eq!(segcore::pipeline::Segmenter::params().seed(4).seed, 4);
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// CLV horizon in days.
    ///
    /// ```
    /// assert_eq!(segcore::pipeline::Segmenter::params().clv_horizon_days(730.0).clv_horizon_days, 730.0);
    /// ```
    pub fn clv_horizon_days(mut self, days: f64) -> Self {
        self.clv_horizon_days = days;
        self
    }

    /// Annual discount rate.
    ///
    /// ```
    /// assert_eq!(segcore::pipeline::Segmenter::params().annual_discount_rate(0.05).annual_discount_rate, 0.05);
    /// ```
    pub fn annual_discount_rate(mut self, rate: f64) -> Self {
        self.annual_discount_rate = rate;
        self
    }

    /// Churn horizon in days.
    ///
    /// ```
    /// assert_eq!(segcore::pipeline::Segmenter::params().churn_horizon_days(60.0).churn_horizon_days, 60.0);
    /// ```
    pub fn churn_horizon_days(mut self, days: f64) -> Self {
        self.churn_horizon_days = days;
        self
    }

    fn validate(&self) -> Result<()> {
        if let Some(k) = self.n_segments {
            if k < 1 {
                return Err(SegError::param("n_segments", "must be at least 1"));
            }
        }
        if self.k_min < 2 || self.k_max < self.k_min {
            return Err(SegError::param(
                "k_range",
                format!(
                    "need 2 <= k_min <= k_max, got {}..{}",
                    self.k_min, self.k_max
                ),
            ));
        }
        for (name, v) in [
            ("clv_horizon_days", self.clv_horizon_days),
            ("churn_horizon_days", self.churn_horizon_days),
        ] {
            if !v.is_finite() || v <= 0.0 {
                return Err(SegError::param(name, format!("must be > 0, got {v}")));
            }
        }
        if !(0.0..1.0).contains(&self.annual_discount_rate) {
            return Err(SegError::param(
                "annual_discount_rate",
                format!("must be in [0, 1), got {}", self.annual_discount_rate),
            ));
        }
        Ok(())
    }

    /// Runs the main job on `logs`.
    ///
    /// ```
    /// use segcore::data::{datasets, Logs};
    /// let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
    /// let out = segcore::pipeline::Segmenter::params().n_segments(Some(3)).fit(&logs).unwrap();
    /// assert_eq!(out.customers.n_rows(), 2357);
    /// assert!(out.churn_validation_auc.unwrap() > 0.7);
    /// ```
    pub fn fit(&self, logs: &Logs) -> Result<Segmentation> {
        self.fit_with(logs, &Monitor::new())
    }

    /// [`fit`](Self::fit) reporting its stages (and the inner k-means and logistic fits) to
    /// `monitor`, and stopping with [`SegError::Cancelled`] when it is cancelled.
    ///
    /// ```
    /// use segcore::data::{datasets, Logs};
    /// use segcore::progress::Monitor;
    /// let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
    /// let m = Monitor::new();
    /// m.cancel();
    /// let e = segcore::pipeline::Segmenter::params().fit_with(&logs, &m).unwrap_err();
    /// assert_eq!(e.to_string(), "segmenter: features was cancelled");
    /// ```
    pub fn fit_with(&self, logs: &Logs, monitor: &Monitor) -> Result<Segmentation> {
        const STAGES: u64 = 7;
        let stage = |name: &str, i: u64| monitor.step(&format!("segmenter: {name}"), i, STAGES);
        stage("features", 0)?;
        self.validate()?;
        let as_of = self.features.as_of.unwrap_or_else(|| default_as_of(logs));
        let cfg = self.features.clone().as_of(Some(as_of));
        let set = compute(logs, &cfg)?;

        // CLV models on the purchasers' summary
        stage("clv", 1)?;
        let rfm = from_purchase_summary(&set.summary, TimeUnit::Days)?;
        let bg_nbd = BetaGeo::params().fit(&rfm.summary)?;
        // Gamma-Gamma on repeat buyers with a positive mean repeat spend (zero-value
        // occasions, such as CDNOW's free items, carry no spend information)
        let (gx, gm): (Vec<f64>, Vec<f64>) = rfm
            .summary
            .frequency
            .iter()
            .zip(&rfm.summary.monetary)
            .filter(|(x, m)| **x > 0.0 && **m > 0.0)
            .map(|(&x, &m)| (x, m))
            .unzip();
        let gamma_gamma = GammaGamma::params().fit_spend(&gx, &gm)?;

        // RFM quintile edges from the purchasers
        stage("rfm", 2)?;
        let col = |name: &str| -> Result<Vec<f64>> {
            let c = set
                .matrix
                .column(name)
                .ok_or_else(|| SegError::param("features", format!("missing `{name}`")))?;
            Ok(rfm.customers.iter().map(|&i| c[i as usize]).collect())
        };
        let (r, f, m) = (col("recency")?, col("n_occasions")?, col("total_spend")?);
        let rfm_scores = rfm_segments(&r, &f, &m, &RfmSegmentTable::standard())?;
        let rfm_edges = [
            edges(&r, &rfm_scores.recency_score, true),
            edges(&f, &rfm_scores.frequency_score, false),
            edges(&m, &rfm_scores.monetary_score, false),
        ];

        // behavioural segments
        stage("choose k", 3)?;
        let names: Vec<String> = match &self.cluster_features {
            Some(v) => v.clone(),
            None => DEFAULT_CLUSTER_FEATURES
                .iter()
                .filter(|n| usable(&set, n))
                .map(|n| n.to_string())
                .collect(),
        };
        if names.is_empty() {
            return Err(SegError::param("cluster_features", "no usable feature"));
        }
        let raw = set.matrix.select(&names)?.values;
        let fill: Vec<f64> = names
            .iter()
            .enumerate()
            .map(|(j, n)| {
                let col = raw.column(j);
                if FILL_WITH_MAX.contains(&n.as_str()) {
                    col.iter()
                        .copied()
                        .filter(|v| v.is_finite())
                        .fold(0.0, f64::max)
                } else {
                    0.0
                }
            })
            .collect();
        let filled = apply_fill(&raw, &fill);
        let log_cols: Vec<usize> = names
            .iter()
            .enumerate()
            .filter(|(j, n)| {
                !(n.contains("rate")
                    || n.contains("share")
                    || n.contains("entropy")
                    || n.contains("score"))
                    && filled.column(*j).iter().all(|&v| v >= 0.0)
            })
            .map(|(j, _)| j)
            .collect();
        let log1p = if log_cols.is_empty() {
            None
        } else {
            Some(Log1p::params().columns(log_cols).fit(filled.view())?)
        };
        let logged = match &log1p {
            Some(l) => l.transform(filled.view())?,
            None => filled.clone(),
        };
        let scaler = StandardScaler::params().fit(logged.view())?;
        let z = scaler.transform(logged.view())?;
        let (k, k_table) = match self.n_segments {
            Some(k) => (k, None),
            None => {
                let ks: Vec<usize> = (self.k_min..=self.k_max).collect();
                let t = choose_k(
                    z.view(),
                    &ks,
                    &KMeans::params(self.k_min).n_init(2).seed(self.seed),
                    Some(self.silhouette_sample),
                )?;
                (t.k, Some(t))
            }
        };
        stage("kmeans", 4)?;
        let kmeans =
            KMeans::params(k)
                .n_init(4)
                .seed(self.seed)
                .fit_with(z.view(), None, monitor)?;

        // churn: train at as_of - H (validated at as_of - 2H when possible)
        stage("churn", 5)?;
        let h = self.churn_horizon_days;
        let h_secs = (h * 86_400.0).round() as i64;
        let mut train = ChurnDataset::build_with(logs, as_of - h_secs, h, &self.features)?;
        let churn_validation_auc =
            match ChurnDataset::build_with(logs, as_of - 2 * h_secs, h, &self.features) {
                Ok(mut early) if early.names == train.names => {
                    let fill = early.fill_missing();
                    let mut test = train.clone();
                    test.apply_fill(&fill)?;
                    let model = LogisticChurn::params().fit(
                        early.x.view(),
                        early.y.as_deref().unwrap_or(&[]),
                        None,
                    )?;
                    let p = model.predict_proba(test.x.view())?;
                    roc_auc(
                        test.y.as_deref().unwrap_or(&[]),
                        p.as_slice().unwrap_or(&[]),
                    )
                    .ok()
                }
                _ => None,
            };
        let churn_fill = train.fill_missing();
        let churn = LogisticChurn::params().fit_with(
            train.x.view(),
            train.y.as_deref().unwrap_or(&[]),
            None,
            monitor,
        )?;
        stage("scoring", 6)?;

        let mut model = Segmenter {
            params: self.clone(),
            as_of,
            cluster_features: names,
            fill,
            log1p,
            scaler,
            kmeans,
            segment_names: Vec::new(),
            rfm_edges,
            rfm_table: RfmSegmentTable::standard(),
            bg_nbd,
            gamma_gamma,
            churn,
            churn_features: train.names.clone(),
            churn_fill,
            explain: ExplainOptions::default(),
        };
        // RFM scores come from the quintile edges at fit time too, so that customers with equal
        // values get equal scores and rescoring the training data reproduces the fit exactly
        // (`cluster::rfm::rfm_segments` keeps pandas' rank-first tie-breaking for itself).
        let scored = model.score_set(logs, &set)?;
        // name the segments from their profiles
        let labels = scored.labels.clone();
        let profiles = profile_segments(
            &model.cluster_features,
            filled.view(),
            &labels,
            &ProfileExtras {
                clv: Some(&zero_nan(&scored.clv)),
                churn_probability: Some(&zero_nan(&scored.churn)),
            },
            &Vocabulary::default(),
        )?;
        // CLV and churn means over the customers that have them (purchasers)
        let mut profiles = profiles;
        for p in profiles.segments.iter_mut() {
            let mean_of = |v: &[f64]| {
                let d: Vec<f64> = labels
                    .iter()
                    .zip(v)
                    .filter(|(l, x)| **l == p.segment && x.is_finite())
                    .map(|(_, &x)| x)
                    .collect();
                (!d.is_empty()).then(|| d.iter().sum::<f64>() / d.len() as f64)
            };
            p.clv_mean = mean_of(&scored.clv);
            p.churn_mean = mean_of(&scored.churn);
        }
        let mut segment_names = vec![String::new(); k];
        for p in &profiles.segments {
            if p.segment < k {
                segment_names[p.segment] = p.name.clone();
            }
        }
        for (i, n) in segment_names.iter_mut().enumerate() {
            if n.is_empty() {
                *n = format!("segment {i}");
            }
        }
        model.segment_names = segment_names;
        let mut customers = scored.table;
        customers.push(
            "segment_name",
            Column::Text(
                labels
                    .iter()
                    .map(|&l| model.segment_names[l].clone())
                    .collect(),
            ),
        )?;
        monitor.step("segmenter: done", STAGES, STAGES)?;
        Ok(Segmentation {
            customers,
            profiles,
            choose_k: k_table,
            churn_validation_auc,
            churn_training_rows: train.x.nrows(),
            features: set,
            model,
        })
    }
}

fn usable(set: &FeatureSet, name: &str) -> bool {
    match set.matrix.column(name) {
        None => false,
        Some(c) => {
            let mut d = c.iter().copied().filter(|v| v.is_finite());
            match d.next() {
                None => false,
                Some(first) => d.any(|v| v != first),
            }
        }
    }
}

fn zero_nan(v: &[f64]) -> Vec<f64> {
    v.iter()
        .map(|&x| if x.is_finite() { x } else { 0.0 })
        .collect()
}

fn apply_fill(x: &Array2<f64>, fill: &[f64]) -> Array2<f64> {
    let mut out = x.clone();
    for (mut col, &f) in out.columns_mut().into_iter().zip(fill) {
        col.mapv_inplace(|v| if v.is_finite() { v } else { f });
    }
    out
}

/// Upper edges of quintile scores: for score s (1..5, reversed for recency) the largest value
/// seen with that score, so new values are scored on the training scale.
fn edges(values: &[f64], scores: &[u8], reversed: bool) -> Vec<f64> {
    // edge[i] = max value with ascending-rank bucket i+1 (i = 0..3)
    let mut e = vec![f64::NEG_INFINITY; 4];
    for (&v, &s) in values.iter().zip(scores) {
        let bucket = if reversed { 6 - s } else { s } as usize; // 1..5 ascending in value
        if bucket <= 4 && v > e[bucket - 1] {
            e[bucket - 1] = v;
        }
    }
    for i in 1..4 {
        if e[i] < e[i - 1] {
            e[i] = e[i - 1];
        }
    }
    e
}

pub(crate) fn score_on_edges(v: f64, e: &[f64], reversed: bool) -> u8 {
    let bucket = 1 + e.iter().filter(|&&edge| v > edge).count() as u8;
    if reversed { 6 - bucket } else { bucket }
}

/// The fitted main job: every model needed to score customers again, serialisable as one
/// model file of kind `Segmenter` (no raw customer ids inside).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segmenter {
    /// The settings it was fitted with.
    pub params: SegmenterParams,
    /// The cutoff of the fit (UTC seconds).
    pub as_of: i64,
    /// Features the segments are built on.
    pub cluster_features: Vec<String>,
    /// Fill value of each cluster feature for undefined cells.
    pub fill: Vec<f64>,
    /// log1p step on counts, money and days (`None` when no column qualifies).
    pub log1p: Option<Log1p>,
    /// Scaling step.
    pub scaler: StandardScaler,
    /// The segments.
    pub kmeans: KMeans,
    /// Plain-language name of each segment.
    pub segment_names: Vec<String>,
    /// Quintile edges of recency, frequency and monetary value.
    pub rfm_edges: [Vec<f64>; 3],
    /// RFM segment names.
    pub rfm_table: RfmSegmentTable,
    /// Purchase model (days).
    pub bg_nbd: BetaGeo,
    /// Spend model.
    pub gamma_gamma: GammaGamma,
    /// Churn model.
    pub churn: LogisticChurn,
    /// Churn model's feature names.
    pub churn_features: Vec<String>,
    /// Churn model's fill values.
    pub churn_fill: Vec<f64>,
    /// Risk bands and number of drivers.
    pub explain: ExplainOptions,
}

impl ModelKind for Segmenter {
    const KIND: &'static str = "Segmenter";
    fn time_unit(&self) -> Option<String> {
        Some(TimeUnit::Days.to_string())
    }
}

/// What [`SegmenterParams::fit`] returns.
#[derive(Debug, Clone)]
pub struct Segmentation {
    /// One row per customer: features, segment, RFM, CLV, churn.
    pub customers: CustomerTable,
    /// Segment profiles (on the cluster features), with CLV and churn per segment.
    pub profiles: Profiles,
    /// The k table, when k was chosen.
    pub choose_k: Option<ChooseK>,
    /// Out-of-time ROC AUC of the churn model (trained at as_of − 2H, tested at as_of − H).
    pub churn_validation_auc: Option<f64>,
    /// Rows the final churn model was trained on.
    pub churn_training_rows: usize,
    /// The feature pass as of the cutoff.
    pub features: FeatureSet,
    /// The fitted models.
    pub model: Segmenter,
}

struct Scored {
    table: CustomerTable,
    labels: Vec<usize>,
    clv: Vec<f64>,
    churn: Vec<f64>,
}

impl Segmenter {
    /// Default settings; `.fit(&logs)` runs the job.
    ///
    /// ```
    /// assert_eq!(segcore::pipeline::Segmenter::params().k_min, 3);
    /// ```
    pub fn params() -> SegmenterParams {
        SegmenterParams::default()
    }

    /// Scores the customers of `logs` with the fitted models, as of `as_of` (default: the
    /// fit's cutoff), without refitting anything. Segments are assigned to the nearest
    /// fitted centroid; RFM scores use the fitted quintile edges.
    ///
    /// ```
    /// use segcore::data::synthetic::SyntheticShop;
    /// use segcore::pipeline::Segmenter;
    /// let logs = SyntheticShop::params().n_customers(400).seed(5).generate().unwrap();
    /// let out = Segmenter::params().n_segments(Some(3)).fit(&logs).unwrap();
    /// let again = out.model.score(&logs, None).unwrap();
    /// assert_eq!(again.get("segment"), out.customers.get("segment"));
    /// ```
    pub fn score(&self, logs: &Logs, as_of: Option<i64>) -> Result<CustomerTable> {
        let cfg = self
            .params
            .features
            .clone()
            .as_of(Some(as_of.unwrap_or(self.as_of)));
        let set = compute(logs, &cfg)?;
        let mut t = self.score_set(logs, &set)?.table;
        let labels: Vec<String> = match t.get("segment") {
            Some(Column::Num(v)) => v
                .iter()
                .map(|&l| {
                    self.segment_names
                        .get(l as usize)
                        .cloned()
                        .unwrap_or_default()
                })
                .collect(),
            _ => Vec::new(),
        };
        t.push("segment_name", Column::Text(labels))?;
        Ok(t)
    }

    fn score_set(&self, logs: &Logs, set: &FeatureSet) -> Result<Scored> {
        let n = set.matrix.values.nrows();
        let mut table = CustomerTable::new(set.matrix.customers.clone());
        for (j, name) in set.matrix.names.iter().enumerate() {
            table.push(
                name.clone(),
                Column::Num(set.matrix.values.column(j).to_vec()),
            )?;
        }
        // segments
        let raw = set.matrix.select(&self.cluster_features)?.values;
        let filled = apply_fill(&raw, &self.fill);
        let logged = match &self.log1p {
            Some(l) => l.transform(filled.view())?,
            None => filled,
        };
        let z = self.scaler.transform(logged.view())?;
        let labels: Vec<usize> = self.kmeans.predict(z.view())?.to_vec();
        table.push(
            "segment",
            Column::Num(labels.iter().map(|&l| l as f64).collect()),
        )?;

        // CLV and RFM for purchasers
        let rfm = from_purchase_summary(&set.summary, TimeUnit::Days)?;
        let s = &rfm.summary;
        let horizon = self.params.clv_horizon_days;
        let p_alive = self.bg_nbd.p_alive(&s.frequency, &s.recency, &s.t)?;
        let expected =
            self.bg_nbd
                .conditional_expected_purchases(horizon, &s.frequency, &s.recency, &s.t)?;
        let monthly = (1.0 + self.params.annual_discount_rate).powf(1.0 / 12.0) - 1.0;
        let clv = customer_lifetime_value(
            &self.bg_nbd,
            &self.gamma_gamma,
            &s.frequency,
            &s.recency,
            &s.t,
            &s.monetary,
            horizon,
            monthly,
            DiscountConvention::LifetimesMonthly,
        )?;
        let full = |v: &[f64]| {
            let mut out = vec![f64::NAN; n];
            for (&c, &x) in rfm.customers.iter().zip(v) {
                out[c as usize] = x;
            }
            out
        };
        let p_alive_full = full(&p_alive);
        let expected_full = full(&expected);
        let clv_full = full(&clv);
        table.push("p_alive", Column::Num(p_alive_full))?;
        table.push("expected_purchases", Column::Num(expected_full))?;
        table.push("clv", Column::Num(clv_full.clone()))?;

        let col = |name: &str| set.matrix.column(name);
        let mut rfm_score = vec![String::new(); n];
        let mut rfm_segment = vec![String::new(); n];
        if let (Some(r), Some(f), Some(m)) =
            (col("recency"), col("n_occasions"), col("total_spend"))
        {
            for &c in rfm.customers.iter() {
                let c = c as usize;
                let (rs, fs, ms) = (
                    score_on_edges(r[c], &self.rfm_edges[0], true),
                    score_on_edges(f[c], &self.rfm_edges[1], false),
                    score_on_edges(m[c], &self.rfm_edges[2], false),
                );
                rfm_score[c] = format!("{rs}{fs}{ms}");
                rfm_segment[c] = self.rfm_table.segment(rs, fs, ms).to_string();
            }
        }
        table.push("rfm_score", Column::Text(rfm_score))?;
        table.push("rfm_segment", Column::Text(rfm_segment))?;

        // churn at the cutoff, aligned to the training columns by name
        let h = self.params.churn_horizon_days;
        let ds = ChurnDataset::features_at(logs, set.as_of, h, &self.params.features)?;
        let mut x = Array2::<f64>::from_elem((ds.x.nrows(), self.churn_features.len()), f64::NAN);
        for (j, name) in self.churn_features.iter().enumerate() {
            if let Some(src) = ds.names.iter().position(|n| n == name) {
                x.column_mut(j).assign(&ds.x.column(src));
            }
            let fj = self.churn_fill.get(j).copied().unwrap_or(0.0);
            x.column_mut(j)
                .mapv_inplace(|v| if v.is_nan() { fj } else { v });
        }
        let ex = explain(&self.churn, x.view(), &self.churn_features, &self.explain)?;
        let mut churn = vec![f64::NAN; n];
        let mut band = vec![String::new(); n];
        let mut drivers: Vec<Vec<String>> = vec![vec![String::new(); n]; self.explain.top_k];
        for (e, &c) in ex.iter().zip(&ds.customers) {
            let c = c as usize;
            churn[c] = e.churn_probability;
            band[c] = format!("{:?}", e.risk_band).to_lowercase();
            for (k, d) in e.drivers.iter().enumerate().take(self.explain.top_k) {
                drivers[k][c] = format!("{} ({:+.2})", d.feature, d.contribution);
            }
        }
        table.push("churn_probability", Column::Num(churn.clone()))?;
        table.push("risk_band", Column::Text(band))?;
        for (k, d) in drivers.into_iter().enumerate() {
            table.push(format!("driver_{}", k + 1), Column::Text(d))?;
        }
        Ok(Scored {
            table,
            labels,
            clv: clv_full,
            churn,
        })
    }
}
