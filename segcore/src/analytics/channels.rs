//! Channel value: customers, retention, mean CLV and churn by acquisition channel and by
//! engagement channel, and CLV to CAC where a cost per acquisition is given.
//!
//! * **Acquisition channel**: the transactions' channel of the customer's first order (first
//!   row with amount `>= 0`; `(unknown)` when that row has no channel). Customers without a
//!   purchase are not counted.
//! * **Engagement channel**: the events' channel the customer has most events in (ties go to the
//!   first channel in sorted order). Customers without a channelled event are not counted.
//! * **Retention** is the repeat-purchase rate: the share of the channel's customers with
//!   purchases on at least two distinct days.
//! * `mean_clv` and `mean_churn` average the per-customer CLV and churn probability given
//!   (indexed by the logs' customer code). `clv_to_cac = mean_clv / cac` when a cost per
//!   acquisition is given for the channel (acquisition table only).
//! * Channels with fewer than `min_group` customers are suppressed.
//!
//! ```
//! use segcore::analytics::channels::channel_value;
//! use segcore::data::{Logs, Transactions};
//! let tx = Transactions::builder(vec![1_i64, 1, 2], vec![0_i64, 86_400, 0], vec![5.0, 5.0, 9.0])
//!     .channel(vec!["email", "web", "social"]).build().unwrap();
//! let logs = Logs::new(tx, None, None).unwrap();
//! let v = channel_value(&logs, &[100.0, 40.0], &[0.1, 0.5], &[("email".to_string(), 50.0)], 1).unwrap();
//! let email = &v.acquisition[0];
//! assert_eq!(email.channel, "email");
//! assert_eq!(email.retention, Some(1.0));
//! assert_eq!(email.clv_to_cac, Some(2.0));
//! ```

use serde::{Deserialize, Serialize};

use super::privacy::{check_min_group, is_suppressed};
use crate::data::{Categorical, Groups, Logs, MISSING};
use crate::{Result, SegError};

/// Value of one channel.
///
/// ```
/// # use segcore::analytics::channels::channel_value;
/// # let tx = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![5.0]).channel(vec!["web"]).build().unwrap();
/// # let logs = segcore::data::Logs::new(tx, None, None).unwrap();
/// let v = channel_value(&logs, &[1.0], &[0.5], &[], 10).unwrap();
/// assert!(v.acquisition[0].suppressed);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelRow {
    /// Channel name.
    pub channel: String,
    /// Fewer than `min_group` customers: numbers hidden.
    pub suppressed: bool,
    /// Customers attributed to the channel.
    pub customers: Option<u64>,
    /// Repeat-purchase rate.
    pub retention: Option<f64>,
    /// Mean CLV.
    pub mean_clv: Option<f64>,
    /// Mean churn probability.
    pub mean_churn: Option<f64>,
    /// Cost per acquisition, if given.
    pub cac: Option<f64>,
    /// `mean_clv / cac`, if a positive cost was given.
    pub clv_to_cac: Option<f64>,
}

/// Channel value tables.
///
/// ```
/// # use segcore::analytics::channels::channel_value;
/// # let tx = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![5.0]).channel(vec!["web"]).build().unwrap();
/// # let logs = segcore::data::Logs::new(tx, None, None).unwrap();
/// let v = channel_value(&logs, &[1.0], &[0.5], &[], 1).unwrap();
/// assert!(v.engagement.is_empty()); // no events
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelValue {
    /// By acquisition channel (sorted, `(unknown)` last).
    pub acquisition: Vec<ChannelRow>,
    /// By engagement channel (sorted).
    pub engagement: Vec<ChannelRow>,
}

#[derive(Default, Clone)]
struct Acc {
    n: u64,
    repeat: u64,
    clv: f64,
    churn: f64,
}

fn rows(
    levels: &[String],
    accs: &[Acc],
    cac: &[(String, f64)],
    k: usize,
    with_cac: bool,
) -> Vec<ChannelRow> {
    levels
        .iter()
        .zip(accs)
        .filter(|(_, a)| a.n > 0)
        .map(|(name, a)| {
            if is_suppressed(a.n, k) {
                return ChannelRow {
                    channel: name.clone(),
                    suppressed: true,
                    customers: None,
                    retention: None,
                    mean_clv: None,
                    mean_churn: None,
                    cac: None,
                    clv_to_cac: None,
                };
            }
            let n = a.n as f64;
            let mean_clv = a.clv / n;
            let cost = if with_cac {
                cac.iter().find(|(c, _)| c == name).map(|(_, v)| *v)
            } else {
                None
            };
            ChannelRow {
                channel: name.clone(),
                suppressed: false,
                customers: Some(a.n),
                retention: Some(a.repeat as f64 / n),
                mean_clv: Some(mean_clv),
                mean_churn: Some(a.churn / n),
                cac: cost,
                clv_to_cac: cost.filter(|c| *c > 0.0).map(|c| mean_clv / c),
            }
        })
        .collect()
}

/// Channel value by acquisition and engagement channel (see the module docs). `clv` and
/// `churn` are indexed by `logs.customers()` codes; `cac` pairs a channel name with its cost
/// per acquired customer (finite, `>= 0`); `min_group` is the suppression threshold.
///
/// ```
/// # use segcore::analytics::channels::channel_value;
/// # let tx = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![5.0]).build().unwrap();
/// # let logs = segcore::data::Logs::new(tx, None, None).unwrap();
/// assert!(channel_value(&logs, &[1.0], &[0.5], &[], 1).is_err()); // no channel column
/// ```
pub fn channel_value(
    logs: &Logs,
    clv: &[f64],
    churn: &[f64],
    cac: &[(String, f64)],
    min_group: usize,
) -> Result<ChannelValue> {
    check_min_group(min_group)?;
    let n = logs.customers().len();
    super::check_slice_len("clv", n, clv.len())?;
    super::check_slice_len("churn", n, churn.len())?;
    crate::data::columns::check_finite("clv", clv)?;
    if let Some(i) = churn.iter().position(|p| !(0.0..=1.0).contains(p)) {
        return Err(SegError::invalid(
            "churn",
            i,
            "churn probability not in [0, 1]",
        ));
    }
    if let Some(i) = cac.iter().position(|(_, c)| !c.is_finite() || *c < 0.0) {
        return Err(SegError::invalid("cac", i, "cost must be finite and >= 0"));
    }
    let tx = logs.transactions();
    let chan: &Categorical = tx.channel().ok_or_else(|| {
        SegError::param(
            "transactions",
            "a channel column is needed for acquisition channels",
        )
    })?;
    let groups = Groups::of_valid(tx.customer(), tx.timestamp(), n);
    let nl = chan.levels.len();
    let mut acq = vec![Acc::default(); nl + 1];
    let mut repeat = vec![false; n];
    for (c, rep) in repeat.iter_mut().enumerate() {
        let rows = groups.rows_of(c);
        let mut first_row = None;
        let mut first_day = None;
        for &r in rows {
            let r = r as usize;
            if tx.amount()[r] < 0.0 {
                continue;
            }
            let day = tx.timestamp()[r].div_euclid(86_400);
            match first_day {
                None => {
                    first_day = Some(day);
                    first_row = Some(r);
                }
                Some(d) if d != day => {
                    *rep = true;
                    break;
                }
                _ => {}
            }
        }
        let Some(r) = first_row else { continue };
        let code = chan.codes[r];
        let a = &mut acq[if code == MISSING { nl } else { code as usize }];
        a.n += 1;
        a.repeat += *rep as u64;
        a.clv += clv[c];
        a.churn += churn[c];
    }
    let mut levels = chan.levels.clone();
    levels.push("(unknown)".into());
    let acquisition = rows(&levels, &acq, cac, min_group, true);

    let mut engagement = Vec::new();
    if let Some(ev) = logs.events() {
        if let Some(ech) = ev.channel() {
            let m = ech.levels.len();
            let eg = Groups::of_valid(ev.customer(), ev.timestamp(), n);
            let mut accs = vec![Acc::default(); m];
            let mut counts = vec![0u64; m];
            for (c, &rep) in repeat.iter().enumerate() {
                counts.iter_mut().for_each(|x| *x = 0);
                let mut any = false;
                for &r in eg.rows_of(c) {
                    let code = ech.codes[r as usize];
                    if code != MISSING {
                        counts[code as usize] += 1;
                        any = true;
                    }
                }
                if !any {
                    continue;
                }
                let mut best = 0;
                for (j, &x) in counts.iter().enumerate() {
                    if x > counts[best] {
                        best = j;
                    }
                }
                let a = &mut accs[best];
                a.n += 1;
                a.repeat += rep as u64;
                a.clv += clv[c];
                a.churn += churn[c];
            }
            engagement = rows(&ech.levels, &accs, cac, min_group, false);
        }
    }
    Ok(ChannelValue {
        acquisition,
        engagement,
    })
}
