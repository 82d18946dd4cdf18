//! Churn labels and out-of-time data sets built from the logs.
//!
//! A customer **has churned** over a horizon `H` after a cutoff when it makes no purchase
//! (a transaction row with amount `>= 0`) in `(cutoff, cutoff + H]`. Only customers with at
//! least one purchase by the cutoff are in the data set (the others cannot churn).
//!
//! Features are computed **as of the cutoff** and nothing after it is read: the behavioural
//! feature families of [`crate::features`] (categorical codes such as `favourite_category`
//! are left out, they are not quantities), plus `p_alive` and `expected_purchases_h` (the
//! expected purchases in the next `H` days) from a BG/NBD model fitted on the summary as of
//! the cutoff. Undefined values stay NaN: gradient-boosted trees route them, and
//! [`ChurnDataset::fill_missing`] imputes them for logistic regression.
//!
//! Evaluation is out of time by default: build a training set at an earlier cutoff and a test
//! set at a later one ([`out_of_time`]); [`ChurnDataset::random_split`] exists but is not the
//! default, since it leaks the future into training.
//!
//! ```
//! use segcore::churn::dataset::ChurnDataset;
//! use segcore::data::{datasets, Logs, time::parse_time, TimeFormat};
//! let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
//! let cutoff = parse_time("1997-09-30", TimeFormat::IsoDate).unwrap();
//! let ds = ChurnDataset::build(&logs, cutoff, 90.0).unwrap();
//! assert_eq!(ds.x.nrows(), 2357);
//! assert!(ds.names.iter().any(|n| n == "p_alive"));
//! let churned = ds.y.as_ref().unwrap().iter().filter(|&&c| c).count();
//! assert!(churned > 1500);
//! ```

use ndarray::{Array2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::clv::from_logs::from_purchase_summary;
use crate::clv::{BetaGeo, TransactionModel};
use crate::data::{Logs, TimeUnit};
use crate::features::{FeatureConfig, compute};
use crate::{Result, SegError};

/// Feature columns that are category codes, not quantities; left out of churn models.
pub const CODE_COLUMNS: [&str; 3] = [
    "favourite_category",
    "acquisition_channel",
    "peak_view_month",
];

/// Features (as of a cutoff) and, when the horizon has been observed, churn labels.
#[derive(Debug, Clone, PartialEq)]
pub struct ChurnDataset {
    /// Feature names, one per column of `x`.
    pub names: Vec<String>,
    /// Features, one row per customer in `customers`.
    pub x: Array2<f64>,
    /// `true` = churned; `None` when built for scoring without labels.
    pub y: Option<Vec<bool>>,
    /// Dense customer codes (in the logs' index) of the rows.
    pub customers: Vec<u32>,
    /// The cutoff (UTC seconds).
    pub cutoff: i64,
    /// The horizon in days.
    pub horizon_days: f64,
    /// The BG/NBD model fitted on the summary as of the cutoff.
    pub bg_nbd: BetaGeo,
}

fn check_horizon(h: f64) -> Result<()> {
    if !h.is_finite() || h <= 0.0 {
        return Err(SegError::param(
            "horizon_days",
            format!("must be a positive number of days, got {h}"),
        ));
    }
    Ok(())
}

impl ChurnDataset {
    /// Features as of `cutoff` and labels over `(cutoff, cutoff + horizon_days]`, with the
    /// default feature settings.
    ///
    /// Fails when the logs end before the horizon does (labels would be wrong).
    ///
    /// ```
    /// use segcore::churn::dataset::ChurnDataset;
    /// use segcore::data::{datasets, Logs};
    /// let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
    /// let late = 899_251_200; // 1998-07-01
    /// let e = ChurnDataset::build(&logs, late, 90.0).unwrap_err();
    /// assert_eq!(e.code(), "INVALID_PARAMETER");
    /// ```
    pub fn build(logs: &Logs, cutoff: i64, horizon_days: f64) -> Result<Self> {
        Self::build_with(logs, cutoff, horizon_days, &FeatureConfig::default())
    }

    /// [`ChurnDataset::build`] with feature settings (their `as_of` is replaced by `cutoff`).
    ///
    /// ```
    /// use segcore::churn::dataset::ChurnDataset;
    /// use segcore::data::{datasets, Logs};
    /// use segcore::features::{Family, FeatureConfig};
    /// let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
    /// let cfg = FeatureConfig::default().families(vec![Family::Purchase]);
    /// let ds = ChurnDataset::build_with(&logs, 875_577_600, 60.0, &cfg).unwrap();
    /// assert!(ds.y.is_some());
    /// ```
    pub fn build_with(
        logs: &Logs,
        cutoff: i64,
        horizon_days: f64,
        config: &FeatureConfig,
    ) -> Result<Self> {
        check_horizon(horizon_days)?;
        let end = cutoff + (horizon_days * 86_400.0).round() as i64;
        let tx = logs.transactions();
        let last = tx.timestamp().iter().copied().max().unwrap_or(i64::MIN);
        // a window counts as observed when the data reaches its last day
        if last < end - 86_400 {
            return Err(SegError::param(
                "horizon_days",
                format!(
                    "the label window ends {} but the transactions end {}",
                    crate::data::time::format_date(end),
                    crate::data::time::format_date(last)
                ),
            ));
        }
        let mut ds = Self::features_at(logs, cutoff, horizon_days, config)?;
        let mut bought = vec![false; logs.customers().len()];
        for ((&c, &t), &a) in tx.customer().iter().zip(tx.timestamp()).zip(tx.amount()) {
            if t > cutoff && t <= end && a >= 0.0 {
                bought[c as usize] = true;
            }
        }
        ds.y = Some(ds.customers.iter().map(|&c| !bought[c as usize]).collect());
        Ok(ds)
    }

    /// Features as of `cutoff` without labels, for scoring current customers.
    ///
    /// ```
    /// use segcore::churn::dataset::ChurnDataset;
    /// use segcore::data::{datasets, Logs};
    /// let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
    /// let ds = ChurnDataset::features_at(&logs, 899_251_200, 90.0, &Default::default()).unwrap();
    /// assert!(ds.y.is_none());
    /// ```
    pub fn features_at(
        logs: &Logs,
        cutoff: i64,
        horizon_days: f64,
        config: &FeatureConfig,
    ) -> Result<Self> {
        check_horizon(horizon_days)?;
        let cfg = config.clone().as_of(Some(cutoff));
        let set = compute(logs, &cfg)?;
        let rfm = from_purchase_summary(&set.summary, TimeUnit::Days)?;
        let bg = BetaGeo::params().fit(&rfm.summary)?;
        let s = &rfm.summary;
        let p_alive = bg.p_alive(&s.frequency, &s.recency, &s.t)?;
        let expected =
            bg.conditional_expected_purchases(horizon_days, &s.frequency, &s.recency, &s.t)?;
        let keep: Vec<usize> = set
            .matrix
            .names
            .iter()
            .enumerate()
            .filter(|(_, n)| !CODE_COLUMNS.contains(&n.as_str()))
            .map(|(j, _)| j)
            .collect();
        let rows: Vec<usize> = rfm.customers.iter().map(|&c| c as usize).collect();
        let n = rows.len();
        let mut x = Array2::<f64>::zeros((n, keep.len() + 2));
        for (i, &r) in rows.iter().enumerate() {
            for (k, &j) in keep.iter().enumerate() {
                x[[i, k]] = set.matrix.values[[r, j]];
            }
            x[[i, keep.len()]] = p_alive[i];
            x[[i, keep.len() + 1]] = expected[i];
        }
        let mut names: Vec<String> = keep.iter().map(|&j| set.matrix.names[j].clone()).collect();
        names.push("p_alive".into());
        names.push("expected_purchases_h".into());
        Ok(ChurnDataset {
            names,
            x,
            y: None,
            customers: rfm.customers,
            cutoff,
            horizon_days,
            bg_nbd: bg,
        })
    }

    /// Share of churned customers (NaN without labels).
    ///
    /// ```
    /// # use segcore::churn::dataset::ChurnDataset;
    /// # use segcore::data::{datasets, Logs};
    /// # let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
    /// let ds = ChurnDataset::build(&logs, 875_577_600, 90.0).unwrap();
    /// assert!(ds.churn_rate() > 0.5 && ds.churn_rate() < 1.0);
    /// ```
    pub fn churn_rate(&self) -> f64 {
        match &self.y {
            Some(y) if !y.is_empty() => y.iter().filter(|&&c| c).count() as f64 / y.len() as f64,
            _ => f64::NAN,
        }
    }

    /// Replaces NaN in each column by the median of its defined values (0 when none is
    /// defined) and returns those fill values, to apply to other sets with [`Self::apply_fill`].
    ///
    /// ```
    /// # use segcore::churn::dataset::ChurnDataset;
    /// # use segcore::data::{datasets, Logs};
    /// # let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
    /// let mut ds = ChurnDataset::build(&logs, 875_577_600, 90.0).unwrap();
    /// let fill = ds.fill_missing();
    /// assert_eq!(fill.len(), ds.names.len());
    /// assert!(ds.x.iter().all(|v| v.is_finite()));
    /// ```
    pub fn fill_missing(&mut self) -> Vec<f64> {
        let fill: Vec<f64> = self
            .x
            .columns()
            .into_iter()
            .map(|col| {
                let mut d: Vec<f64> = col.iter().copied().filter(|v| v.is_finite()).collect();
                if d.is_empty() {
                    return 0.0;
                }
                d.sort_by(f64::total_cmp);
                let m = d.len() / 2;
                if d.len() % 2 == 1 {
                    d[m]
                } else {
                    0.5 * (d[m - 1] + d[m])
                }
            })
            .collect();
        // the fill values come from this set itself, so they fit its width
        let _ = self.apply_fill(&fill);
        fill
    }

    /// Replaces NaN in column `j` by `fill[j]`.
    ///
    /// ```
    /// # use segcore::churn::dataset::ChurnDataset;
    /// # use segcore::data::{datasets, Logs};
    /// # let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
    /// let mut ds = ChurnDataset::build(&logs, 875_577_600, 90.0).unwrap();
    /// assert!(ds.apply_fill(&[0.0]).is_err());
    /// ```
    pub fn apply_fill(&mut self, fill: &[f64]) -> Result<()> {
        if fill.len() != self.x.ncols() {
            return Err(SegError::shape(format!(
                "{} fill values for {} columns",
                fill.len(),
                self.x.ncols()
            )));
        }
        for (mut col, &f) in self.x.columns_mut().into_iter().zip(fill) {
            col.mapv_inplace(|v| if v.is_nan() { f } else { v });
        }
        Ok(())
    }

    /// A seeded random split into (train, test) with `test_fraction` of the rows in the test
    /// part. Not the default way to evaluate churn models: prefer [`out_of_time`].
    ///
    /// ```
    /// # use segcore::churn::dataset::ChurnDataset;
    /// # use segcore::data::{datasets, Logs};
    /// # let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
    /// let ds = ChurnDataset::build(&logs, 875_577_600, 90.0).unwrap();
    /// let (tr, te) = ds.random_split(0.25, 7).unwrap();
    /// assert_eq!(tr.x.nrows() + te.x.nrows(), ds.x.nrows());
    /// ```
    pub fn random_split(&self, test_fraction: f64, seed: u64) -> Result<(Self, Self)> {
        if !(test_fraction > 0.0 && test_fraction < 1.0) {
            return Err(SegError::param("test_fraction", "must be in (0, 1)"));
        }
        let n = self.x.nrows();
        let mut idx: Vec<usize> = (0..n).collect();
        idx.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        let n_test = ((n as f64) * test_fraction).round() as usize;
        let (te, tr) = idx.split_at(n_test);
        Ok((self.take(tr), self.take(te)))
    }

    fn take(&self, rows: &[usize]) -> Self {
        let x = self.x.select(Axis(0), rows);
        ChurnDataset {
            names: self.names.clone(),
            x,
            y: self
                .y
                .as_ref()
                .map(|y| rows.iter().map(|&r| y[r]).collect()),
            customers: rows.iter().map(|&r| self.customers[r]).collect(),
            cutoff: self.cutoff,
            horizon_days: self.horizon_days,
            bg_nbd: self.bg_nbd.clone(),
        }
    }
}

/// Out-of-time training and test sets: features and labels at `train_cutoff` and at
/// `test_cutoff`, same horizon and settings. The test cutoff must be at least one horizon
/// after the training cutoff, so no training label overlaps the test features' period.
///
/// ```
/// use segcore::churn::dataset::out_of_time;
/// use segcore::data::{datasets, Logs};
/// let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
/// let (train, test) = out_of_time(&logs, 875_577_600, 883_526_400, 90.0, &Default::default()).unwrap();
/// assert_eq!(train.names, test.names);
/// assert!(test.x.nrows() >= train.x.nrows());
/// ```
pub fn out_of_time(
    logs: &Logs,
    train_cutoff: i64,
    test_cutoff: i64,
    horizon_days: f64,
    config: &FeatureConfig,
) -> Result<(ChurnDataset, ChurnDataset)> {
    check_horizon(horizon_days)?;
    if (test_cutoff - train_cutoff) as f64 / 86_400.0 < horizon_days {
        return Err(SegError::param(
            "test_cutoff",
            "must be at least one horizon after the training cutoff",
        ));
    }
    let train = ChurnDataset::build_with(logs, train_cutoff, horizon_days, config)?;
    let test = ChurnDataset::build_with(logs, test_cutoff, horizon_days, config)?;
    if train.names != test.names {
        return Err(SegError::shape(
            "training and test sets have different feature columns",
        ));
    }
    Ok((train, test))
}
