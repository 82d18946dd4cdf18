//! RFM summaries built from transactions, and the calibration/holdout split.
//!
//! The summary comes from the same per-customer pass as the purchase-pattern features
//! ([`crate::features`]): a purchase occasion is a UTC day with at least one row of amount
//! `>= 0` (returns never create occasions), `x` = occasions − 1, `t_x` = last − first
//! occasion, `T` = cutoff − first occasion, monetary value = mean value of the repeat
//! occasions. Rows exactly at the cutoff are included. Only customers with at least one
//! purchase by the cutoff are summarised; their dense codes are returned alongside.
//!
//! The split follows lifetimes' `calibration_and_holdout_data`: the calibration summary as of
//! `calibration_end`, plus, for the same customers, the number of purchase occasions and their
//! mean value in `(calibration_end, observation_end]`.
//!
//! ```
//! use segcore::clv::from_logs::rfm_summary;
//! use segcore::data::{time::parse_time, TimeFormat, TimeUnit, Transactions};
//! let d = |s: &str| parse_time(s, TimeFormat::IsoDate).unwrap();
//! let tx = Transactions::builder(
//!     vec![1_i64, 1, 1, 2],
//!     vec![d("2024-01-01"), d("2024-01-08"), d("2024-01-15"), d("2024-01-08")],
//!     vec![10.0, 20.0, 40.0, 5.0],
//! ).build().unwrap();
//! let s = rfm_summary(&tx, d("2024-01-29"), TimeUnit::Weeks).unwrap();
//! assert_eq!(s.summary.frequency, vec![2.0, 0.0]);
//! assert_eq!(s.summary.recency, vec![2.0, 0.0]);
//! assert_eq!(s.summary.t, vec![4.0, 3.0]);
//! assert_eq!(s.summary.monetary, vec![30.0, 0.0]);
//! ```

use crate::clv::RfmSummary;
use crate::data::{Logs, TimeUnit, Transactions};
use crate::features::{Family, FeatureConfig, PurchaseSummary, compute};
use crate::{Result, SegError};

/// An RFM summary of the purchasers, with their customer codes.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRfm {
    /// Dense customer code (in the transactions' index) of each summary row.
    pub customers: Vec<u32>,
    /// The summary, one row per purchaser.
    pub summary: RfmSummary,
}

/// Calibration summary plus holdout purchases, as lifetimes' `calibration_and_holdout_data`.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationHoldout {
    /// Customer codes of the rows (purchasers by `calibration_end`).
    pub customers: Vec<u32>,
    /// Summary as of `calibration_end`.
    pub calibration: RfmSummary,
    /// Purchase occasions in `(calibration_end, observation_end]`.
    pub frequency_holdout: Vec<f64>,
    /// Mean value of those occasions (0 when there is none).
    pub monetary_holdout: Vec<f64>,
    /// Length of the holdout period in the summary's unit.
    pub duration_holdout: f64,
}

/// Turns the feature pass's [`PurchaseSummary`] into an [`RfmSummary`] of the purchasers.
///
/// ```
/// use segcore::clv::from_logs::from_purchase_summary;
/// use segcore::data::TimeUnit;
/// use segcore::features::PurchaseSummary;
/// let p = PurchaseSummary {
///     x: vec![1.0, 0.0], t_x: vec![7.0, f64::NAN], t: vec![14.0, f64::NAN],
///     mean_repeat_spend: vec![5.0, 0.0], purchaser: vec![true, false], unit: TimeUnit::Days,
/// };
/// let s = from_purchase_summary(&p, TimeUnit::Weeks).unwrap();
/// assert_eq!(s.customers, vec![0]);
/// assert_eq!((s.summary.recency[0], s.summary.t[0]), (1.0, 2.0));
/// ```
pub fn from_purchase_summary(p: &PurchaseSummary, unit: TimeUnit) -> Result<CustomerRfm> {
    let p = p.in_unit(unit);
    let customers: Vec<u32> = (0..p.purchaser.len() as u32)
        .filter(|&c| p.purchaser[c as usize])
        .collect();
    if customers.is_empty() {
        return Err(SegError::Empty {
            what: "purchasers before the cutoff".into(),
        });
    }
    let pick = |v: &[f64]| customers.iter().map(|&c| v[c as usize]).collect::<Vec<_>>();
    let summary = RfmSummary::new(
        pick(&p.x),
        pick(&p.t_x),
        pick(&p.t),
        pick(&p.mean_repeat_spend),
        unit,
    )?;
    Ok(CustomerRfm { customers, summary })
}

fn purchase_config(cutoff: i64) -> FeatureConfig {
    FeatureConfig::default()
        .as_of(Some(cutoff))
        .families(vec![Family::Purchase])
}

/// RFM summary of every customer with a purchase by `observation_end` (inclusive).
///
/// ```
/// # use segcore::clv::from_logs::rfm_summary;
/// # use segcore::data::{TimeUnit, Transactions};
/// let tx = Transactions::builder(vec![1_i64], vec![0_i64], vec![1.0]).build().unwrap();
/// assert_eq!(rfm_summary(&tx, 86_400, TimeUnit::Days).unwrap().summary.t, vec![1.0]);
/// ```
pub fn rfm_summary(tx: &Transactions, observation_end: i64, unit: TimeUnit) -> Result<CustomerRfm> {
    let logs = Logs::new(tx.clone(), None, None)?;
    let set = compute(&logs, &purchase_config(observation_end))?;
    from_purchase_summary(&set.summary, unit)
}

/// Calibration summary as of `calibration_end` and holdout purchases up to `observation_end`.
///
/// ```
/// use segcore::clv::from_logs::calibration_and_holdout;
/// use segcore::data::{TimeUnit, Transactions};
/// let day = 86_400;
/// let tx = Transactions::builder(vec![1_i64, 1, 1], vec![0, 2 * day, 5 * day], vec![1.0, 2.0, 6.0])
///     .build().unwrap();
/// let ch = calibration_and_holdout(&tx, 3 * day, 7 * day, TimeUnit::Days).unwrap();
/// assert_eq!(ch.calibration.frequency, vec![1.0]);
/// assert_eq!((ch.frequency_holdout[0], ch.monetary_holdout[0], ch.duration_holdout), (1.0, 6.0, 4.0));
/// ```
pub fn calibration_and_holdout(
    tx: &Transactions,
    calibration_end: i64,
    observation_end: i64,
    unit: TimeUnit,
) -> Result<CalibrationHoldout> {
    if observation_end <= calibration_end {
        return Err(SegError::param(
            "observation_end",
            "must be later than calibration_end",
        ));
    }
    let cal = rfm_summary(tx, calibration_end, unit)?;
    let n = tx.customers().len();
    // holdout occasions: distinct UTC days with a purchase row in (cal_end, obs_end]
    let mut days: Vec<(u32, i64, f64)> = tx
        .customer()
        .iter()
        .zip(tx.timestamp())
        .zip(tx.amount())
        .filter(|((_, t), a)| **t > calibration_end && **t <= observation_end && **a >= 0.0)
        .map(|((&c, &t), &a)| (c, t.div_euclid(86_400), a))
        .collect();
    days.sort_by_key(|a| (a.0, a.1));
    let mut count = vec![0.0; n];
    let mut value = vec![0.0; n];
    let mut last: Option<(u32, i64)> = None;
    for (c, d, a) in days {
        if last != Some((c, d)) {
            count[c as usize] += 1.0;
            last = Some((c, d));
        }
        value[c as usize] += a;
    }
    let frequency_holdout: Vec<f64> = cal.customers.iter().map(|&c| count[c as usize]).collect();
    let monetary_holdout = cal
        .customers
        .iter()
        .map(|&c| {
            let k = count[c as usize];
            if k > 0.0 { value[c as usize] / k } else { 0.0 }
        })
        .collect();
    Ok(CalibrationHoldout {
        customers: cal.customers,
        calibration: cal.summary,
        frequency_holdout,
        monetary_holdout,
        duration_holdout: (observation_end - calibration_end) as f64 / unit.seconds(),
    })
}
