//! Behavioural features, one file per family, computed as of a cutoff.
//!
//! [`compute`] turns [`Logs`] into a [`FeatureSet`]: one row per customer of the logs' index
//! (in code order), one named column per feature, plus the CLV [`PurchaseSummary`] from the
//! same pass. Rows after the cutoff `as_of` are excluded and counted; rows exactly at
//! `as_of` are used. Each family documents its columns, units and the value written when a
//! feature is not defined ([`rfm`], [`preferences`], [`channels`], [`browsing`], [`carts`],
//! [`feedback`]); every column's [`FeatureInfo`] says the same at run time.
//!
//! **Undefined values.** Counts are 0 and profile shares are 0 when there is nothing to
//! count; ratios whose denominator is 0 and times since something that never happened are
//! `NaN`; categorical codes use −1 for "none". Call [`FeatureMatrix::fill_undefined`] (or
//! [`FeatureMatrix::select`] always-defined columns) before a model that needs finite input.
//!
//! **Levels.** Per-level columns (`views_recent_{category}`, `order_share_{channel}`) and the
//! level lists of code columns come from the whole columns passed in, not only the rows
//! before the cutoff, so one schema serves several cutoffs; a level first seen after the
//! cutoff gets an all-zero column. Compare codes across feature sets by level name.
//!
//! **How it runs.** Each log is grouped by customer once (a counting sort, time order
//! within); customers are then processed in parallel in fixed blocks, each writing its own
//! rows of one row-major buffer. Every value depends only on that customer's rows in time
//! order, so results are identical for any number of threads.
//!
//! ```
//! use segcore::data::{Logs, Transactions};
//! use segcore::features::{compute, FeatureConfig, Family};
//! let day = 86_400_i64;
//! let tx = Transactions::builder(vec![1_i64, 1, 2], vec![0, 10 * day, 5 * day], vec![10.0, 30.0, 5.0])
//!     .build()
//!     .unwrap();
//! let logs = Logs::new(tx, None, None).unwrap();
//! let cfg = FeatureConfig::default().as_of(Some(20 * day)).families(vec![Family::Purchase]);
//! let fs = compute(&logs, &cfg).unwrap();
//! assert_eq!(fs.matrix.column("recency").unwrap().to_vec(), vec![10.0, 15.0]);
//! assert_eq!(fs.matrix.column("frequency").unwrap().to_vec(), vec![1.0, 0.0]);
//! assert_eq!(fs.summary.t, vec![20.0, 15.0]);
//! assert_eq!(fs.summary.mean_repeat_spend, vec![30.0, 0.0]);
//! ```

pub mod browsing;
mod bucket;
pub mod carts;
pub mod channels;
pub mod config;
pub mod feedback;
pub mod matrix;
mod pass;
pub mod preferences;
pub mod rfm;

use std::collections::BTreeMap;

use ndarray::Array2;
use rayon::prelude::*;

pub use config::{Family, FeatureConfig};
pub use matrix::{FeatureInfo, FeatureMatrix, Fill};
pub use rfm::PurchaseSummary;

use crate::data::{Groups, Logs};
use crate::{Result, SegError};

/// Rows left out because they are after the cutoff, per log.
///
/// ```
/// let e = segcore::features::ExcludedRows { transactions: 2, events: 1, feedback: 0 };
/// assert_eq!(e.total(), 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ExcludedRows {
    /// Transaction rows after `as_of`.
    pub transactions: usize,
    /// Event rows after `as_of`.
    pub events: usize,
    /// Feedback rows after `as_of`.
    pub feedback: usize,
}

impl ExcludedRows {
    /// All excluded rows.
    ///
    /// ```
    /// assert_eq!(segcore::features::ExcludedRows::default().total(), 0);
    /// ```
    pub fn total(&self) -> usize {
        self.transactions + self.events + self.feedback
    }
}

/// The result of [`compute`].
///
/// ```
/// use segcore::data::{Logs, Transactions};
/// let tx = Transactions::builder(vec!["a", "b"], vec![0_i64, 200_000], vec![1.0, 2.0])
///     .category(vec!["jazz", "rock"])
///     .build().unwrap();
/// let logs = Logs::new(tx, None, None).unwrap();
/// let cfg = segcore::features::FeatureConfig::default().as_of(Some(100_000));
/// let fs = segcore::features::compute(&logs, &cfg).unwrap();
/// assert_eq!(fs.excluded_future_rows, 1);
/// assert_eq!(fs.levels["favourite_category"], vec!["jazz", "rock"]);
/// assert_eq!(fs.matrix.column("favourite_category").unwrap().to_vec(), vec![0.0, -1.0]);
/// assert_eq!(fs.info.len(), fs.matrix.names.len());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureSet {
    /// The features, one row per customer in code order.
    pub matrix: FeatureMatrix,
    /// What each column means (same order as `matrix.names`).
    pub info: Vec<FeatureInfo>,
    /// x, t_x, T, mean repeat spend per customer (days), from the same pass.
    pub summary: PurchaseSummary,
    /// Level names of the categorical code columns (`favourite_category`,
    /// `acquisition_channel`) when those columns are computed.
    pub levels: BTreeMap<String, Vec<String>>,
    /// The cutoff used (UTC seconds).
    pub as_of: i64,
    /// Rows after `as_of` over all logs.
    pub excluded_future_rows: usize,
    /// The same, per log.
    pub excluded: ExcludedRows,
}

/// The default cutoff: the start of the UTC day after the latest timestamp of any log.
///
/// ```
/// use segcore::data::{Logs, Transactions};
/// let tx = Transactions::builder(vec![1_i64], vec![90_000_i64], vec![1.0]).build().unwrap();
/// let logs = Logs::new(tx, None, None).unwrap();
/// assert_eq!(segcore::features::default_as_of(&logs), 2 * 86_400);
/// ```
pub fn default_as_of(logs: &Logs) -> i64 {
    let max = |v: &[i64]| v.par_iter().copied().max().unwrap_or(i64::MIN);
    let mut latest = max(logs.transactions().timestamp());
    if let Some(ev) = logs.events() {
        latest = latest.max(max(ev.timestamp()));
    }
    if let Some(fb) = logs.feedback() {
        latest = latest.max(max(fb.timestamp()));
    }
    latest.div_euclid(86_400) * 86_400 + 86_400
}

fn count_after(ts: &[i64], as_of: i64) -> usize {
    ts.par_iter().filter(|&&t| t > as_of).count()
}

/// Computes the selected feature families for every customer of `logs` as of the cutoff.
///
/// Errors: [`SegError::InvalidParameter`] for a bad setting (see
/// [`FeatureConfig::validate`]), [`SegError::Shape`] if the logs hold more than `u32::MAX`
/// rows per log.
///
/// ```
/// use segcore::data::{Events, Logs, Transactions};
/// use segcore::features::{compute, FeatureConfig, Family};
/// let tx = Transactions::builder(vec![1_i64], vec![0_i64], vec![20.0]).build().unwrap();
/// let ev = Events::builder(vec![1_i64, 1], vec![0_i64, 60], vec!["add_to_cart", "checkout_start"])
///     .build().unwrap();
/// let logs = Logs::new(tx, Some(ev), None).unwrap();
/// let cfg = FeatureConfig::default().families(vec![Family::Carts]);
/// let fs = compute(&logs, &cfg).unwrap();
/// // the purchase at time 0 is within a day of the cart: converted
/// assert_eq!(fs.matrix.column("carts_abandoned").unwrap()[0], 0.0);
/// ```
pub fn compute(logs: &Logs, config: &FeatureConfig) -> Result<FeatureSet> {
    config.validate()?;
    let n = logs.customers().len();
    let tx = logs.transactions();
    let ev = logs.events();
    let fb = logs.feedback();
    for (what, len) in [
        ("transactions", tx.len()),
        ("events", ev.map_or(0, |e| e.len())),
        ("feedback", fb.map_or(0, |f| f.len())),
    ] {
        if len > u32::MAX as usize {
            return Err(SegError::shape(format!(
                "{what} have {len} rows; at most {} are supported",
                u32::MAX
            )));
        }
    }
    let as_of = config.as_of.unwrap_or_else(|| default_as_of(logs));
    let excluded = ExcludedRows {
        transactions: count_after(&tx.timestamp, as_of),
        events: ev.map_or(0, |e| count_after(&e.timestamp, as_of)),
        feedback: fb.map_or(0, |f| count_after(&f.timestamp, as_of)),
    };

    let want = |f: Family| config.has(f);
    let needs_events = want(Family::Channels) || want(Family::Browsing) || want(Family::Carts);
    let tx_buckets = bucket::bucket(&tx.customer, n);
    let ev_groups = match ev {
        Some(e) if needs_events => Some((e, Groups::of_valid(&e.customer, &e.timestamp, n))),
        _ => None,
    };
    let fb_groups = match fb {
        Some(f) if want(Family::Feedback) => {
            Some((f, Groups::of_valid(&f.customer, &f.timestamp, n)))
        }
        _ => None,
    };

    let purchase = want(Family::Purchase)
        .then(|| rfm::Purchase::new(config))
        .transpose()?;
    let prefs = want(Family::Preferences).then(|| preferences::Preferences::new(tx, config.top_n));
    let chans =
        want(Family::Channels).then(|| channels::Channels::new(tx, ev, config.recent_window_days));
    let browse =
        want(Family::Browsing).then(|| browsing::Browsing::new(ev, config.recent_window_days));
    let carts = want(Family::Carts)
        .then(|| carts::Carts::new(config.session_gap_secs, config.cart_window_secs));
    let fback = want(Family::Feedback).then_some(feedback::FeedbackFamily);

    let mut info = Vec::new();
    let mut levels = BTreeMap::new();
    let mut widths = [0usize; 6];
    let mut push = |k: usize, v: Vec<FeatureInfo>, info: &mut Vec<FeatureInfo>| {
        widths[k] = v.len();
        info.extend(v);
    };
    if let Some(f) = &purchase {
        push(0, f.info(), &mut info);
    }
    if let Some(f) = &prefs {
        push(1, f.info(), &mut info);
        levels.insert(
            "favourite_category".to_string(),
            preferences::Preferences::levels(tx),
        );
    }
    if let Some(f) = &chans {
        push(2, f.info(tx), &mut info);
        levels.insert(
            "acquisition_channel".to_string(),
            channels::Channels::levels(tx),
        );
    }
    if let Some(f) = &browse {
        push(3, f.info(), &mut info);
    }
    if let Some(f) = &carts {
        push(4, f.info(), &mut info);
    }
    if let Some(f) = &fback {
        push(5, f.info(), &mut info);
    }
    let width = info.len();
    if width == 0 {
        return Err(SegError::param(
            "families",
            "the selected families have no columns",
        ));
    }
    let grouped = pass::Grouped {
        as_of,
        period: config.merge_period_secs,
        tx,
        tx_buckets: &tx_buckets,
        needs: pass::Needs {
            quantity: want(Family::Purchase),
            category: want(Family::Preferences),
            channel: want(Family::Channels),
            discount: want(Family::Purchase),
        },
        ev: ev_groups.as_ref().map(|(e, g)| (*e, g)),
        fb: fb_groups.as_ref().map(|(f, g)| (*f, g)),
    };
    let (values, summary) = pass::run(
        &grouped,
        n,
        width,
        || {
            (
                prefs.as_ref().map(|p| p.scratch()),
                carts::Scratch::default(),
            )
        },
        |cu, row, (pref_scratch, cart_scratch)| {
            let mut j = 0;
            let mut next = |k: usize| {
                let r = j..j + widths[k];
                j += widths[k];
                r
            };
            if let Some(f) = &purchase {
                f.fill(cu, &mut row[next(0)]);
            }
            if let (Some(f), Some(s)) = (&prefs, pref_scratch.as_mut()) {
                f.fill(cu, &mut row[next(1)], s);
            }
            if let Some(f) = &chans {
                f.fill(cu, &mut row[next(2)]);
            }
            if let Some(f) = &browse {
                f.fill(cu, &mut row[next(3)]);
            }
            if let Some(f) = &carts {
                f.fill(cu, &mut row[next(4)], cart_scratch);
            }
            if let Some(f) = &fback {
                f.fill(cu, &mut row[next(5)]);
            }
        },
    );
    let values = Array2::from_shape_vec((n, width), values)
        .map_err(|e| SegError::shape(format!("feature buffer: {e}")))?;
    let names = info.iter().map(|i| i.name.clone()).collect();
    let matrix = FeatureMatrix::new(names, values, logs.customers().clone())?;
    Ok(FeatureSet {
        matrix,
        info,
        summary,
        levels,
        as_of,
        excluded_future_rows: excluded.total(),
        excluded,
    })
}
