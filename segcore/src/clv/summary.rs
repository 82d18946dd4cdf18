//! The RFM summary the buy-till-you-die models are fitted on, and its compressed (weighted
//! unique rows) form.
//!
//! ```
//! use segcore::clv::RfmSummary;
//! use segcore::data::TimeUnit;
//! let s = RfmSummary::new(vec![0.0, 2.0, 2.0], vec![0.0, 5.0, 5.0], vec![10.0, 10.0, 10.0],
//!                         vec![0.0, 12.5, 7.5], TimeUnit::Weeks).unwrap();
//! assert_eq!(s.len(), 3);
//! assert_eq!(s.compress().len(), 2);
//! ```

use serde::{Deserialize, Serialize};

use crate::data::TimeUnit;
use crate::{Result, SegError};

/// One row per customer: repeat purchases, recency, age and mean repeat spend, in one time unit.
///
/// ```
/// use segcore::clv::RfmSummary;
/// use segcore::data::TimeUnit;
/// let err = RfmSummary::new(vec![1.0], vec![5.0], vec![4.0], vec![1.0], TimeUnit::Days).unwrap_err();
/// assert!(err.to_string().contains("`recency`, row 0"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmSummary {
    /// Time unit of `recency` and `t`.
    pub unit: TimeUnit,
    /// x: number of repeat purchase occasions.
    pub frequency: Vec<f64>,
    /// t_x: time from the first to the last purchase.
    pub recency: Vec<f64>,
    /// T: time from the first purchase to the end of the observation period.
    pub t: Vec<f64>,
    /// Mean spend of the repeat purchases (0 when x == 0).
    pub monetary: Vec<f64>,
}

/// Checks RFM columns: equal lengths, finite, `x >= 0`, `0 <= t_x <= T`, `T >= 0`, and
/// `T = 0` only for a customer with no repeat purchase (`x = 0`, `t_x = 0`): one whose first
/// purchase is exactly at the cutoff, as when a live service scores a customer the moment
/// they buy.
///
/// ```
/// use segcore::clv::summary::validate_rfm;
/// assert!(validate_rfm(&[1.0], &[2.0], &[3.0]).is_ok());
/// assert!(validate_rfm(&[-1.0], &[2.0], &[3.0]).is_err());
/// assert!(validate_rfm(&[0.0], &[0.0], &[0.0]).is_ok());
/// assert!(validate_rfm(&[1.0], &[0.0], &[0.0]).is_err());
/// ```
pub fn validate_rfm(frequency: &[f64], recency: &[f64], t: &[f64]) -> Result<()> {
    let n = frequency.len();
    for (name, len) in [("recency", recency.len()), ("T", t.len())] {
        if len != n {
            return Err(SegError::LengthMismatch {
                column: name.into(),
                expected: n,
                found: len,
            });
        }
    }
    for i in 0..n {
        let (x, tx, tt) = (frequency[i], recency[i], t[i]);
        if !x.is_finite() || x < 0.0 {
            return Err(SegError::invalid(
                "frequency",
                i,
                format!("frequency must be a finite number >= 0, got {x}"),
            ));
        }
        if !tt.is_finite() || tt < 0.0 {
            return Err(SegError::invalid(
                "T",
                i,
                format!("T must be a finite number >= 0, got {tt}"),
            ));
        }
        if tt == 0.0 && x != 0.0 {
            return Err(SegError::invalid(
                "T",
                i,
                format!("T = 0 needs frequency 0 (no time for repeat purchases), got {x}"),
            ));
        }
        if !tx.is_finite() || tx < 0.0 || tx > tt {
            return Err(SegError::invalid(
                "recency",
                i,
                format!("recency must be finite and within [0, T = {tt}], got {tx}"),
            ));
        }
    }
    Ok(())
}

impl RfmSummary {
    /// Builds a validated summary (all columns the same length, finite values, `x >= 0`,
    /// `0 <= t_x <= T`, `T >= 0` with `T = 0` only when `x = 0`, `monetary >= 0`). Errors name the column and row.
    ///
    /// ```
    /// use segcore::clv::RfmSummary;
    /// use segcore::data::TimeUnit;
    /// let s = RfmSummary::new(vec![1.0], vec![2.0], vec![3.0], vec![10.0], TimeUnit::Weeks).unwrap();
    /// assert_eq!(s.unit, TimeUnit::Weeks);
    /// ```
    pub fn new(
        frequency: Vec<f64>,
        recency: Vec<f64>,
        t: Vec<f64>,
        monetary: Vec<f64>,
        unit: TimeUnit,
    ) -> Result<Self> {
        validate_rfm(&frequency, &recency, &t)?;
        if monetary.len() != frequency.len() {
            return Err(SegError::LengthMismatch {
                column: "monetary_value".into(),
                expected: frequency.len(),
                found: monetary.len(),
            });
        }
        if let Some((i, m)) = monetary
            .iter()
            .enumerate()
            .find(|(_, m)| !m.is_finite() || **m < 0.0)
        {
            return Err(SegError::invalid(
                "monetary_value",
                i,
                format!("monetary value must be a finite number >= 0, got {m}"),
            ));
        }
        Ok(RfmSummary {
            unit,
            frequency,
            recency,
            t,
            monetary,
        })
    }

    /// Number of customers.
    ///
    /// ```
    /// # use segcore::clv::RfmSummary; use segcore::data::TimeUnit;
    /// let s = RfmSummary::new(vec![], vec![], vec![], vec![], TimeUnit::Days).unwrap();
    /// assert_eq!(s.len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.frequency.len()
    }

    /// True when the summary holds no customer.
    ///
    /// ```
    /// # use segcore::clv::RfmSummary; use segcore::data::TimeUnit;
    /// let s = RfmSummary::new(vec![], vec![], vec![], vec![], TimeUnit::Days).unwrap();
    /// assert!(s.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.frequency.is_empty()
    }

    /// Compresses identical `(x, t_x, T)` rows into weighted unique rows, sorted by
    /// `(x, t_x, T)`. Fitting uses this form automatically.
    ///
    /// ```
    /// # use segcore::clv::RfmSummary; use segcore::data::TimeUnit;
    /// let s = RfmSummary::new(vec![0.0, 0.0], vec![0.0, 0.0], vec![5.0, 5.0], vec![0.0, 0.0],
    ///                         TimeUnit::Days).unwrap();
    /// let w = s.compress();
    /// assert_eq!(w.weight, vec![2.0]);
    /// ```
    pub fn compress(&self) -> WeightedSummary {
        WeightedSummary::from_rows(&self.frequency, &self.recency, &self.t, None, self.unit)
    }

    /// The summary restricted to repeat buyers (`x > 0`), as `(frequency, monetary)` — the
    /// data of the Gamma-Gamma spend model.
    ///
    /// ```
    /// # use segcore::clv::RfmSummary; use segcore::data::TimeUnit;
    /// let s = RfmSummary::new(vec![0.0, 3.0], vec![0.0, 2.0], vec![5.0, 5.0], vec![0.0, 9.0],
    ///                         TimeUnit::Days).unwrap();
    /// assert_eq!(s.repeat_buyers(), (vec![3.0], vec![9.0]));
    /// ```
    pub fn repeat_buyers(&self) -> (Vec<f64>, Vec<f64>) {
        self.frequency
            .iter()
            .zip(&self.monetary)
            .filter(|(x, _)| **x > 0.0)
            .map(|(x, m)| (*x, *m))
            .unzip()
    }
}

/// Unique `(x, t_x, T)` rows with the number (or total weight) of customers sharing them.
/// Rows are sorted by `(x, t_x, T)` so that consecutive rows share `x`.
///
/// ```
/// use segcore::clv::WeightedSummary;
/// use segcore::data::TimeUnit;
/// let w = WeightedSummary::new(vec![1.0], vec![1.0], vec![6.0], vec![1091.0], TimeUnit::Days).unwrap();
/// assert_eq!(w.total_weight(), 1091.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightedSummary {
    /// Time unit of `t_x` and `t`.
    pub unit: TimeUnit,
    /// Repeat purchases.
    pub x: Vec<f64>,
    /// Recency.
    pub t_x: Vec<f64>,
    /// Age (or number of periods for discrete-time models).
    pub t: Vec<f64>,
    /// Number of customers (or weight) per row.
    pub weight: Vec<f64>,
}

/// A borrowed slice of a [`WeightedSummary`]: the unit of work of the likelihoods' `partial`.
///
/// ```
/// use segcore::clv::WeightedSummary;
/// use segcore::data::TimeUnit;
/// let w = WeightedSummary::new(vec![1.0, 2.0], vec![1.0, 2.0], vec![6.0, 6.0], vec![3.0, 4.0],
///                              TimeUnit::Days).unwrap();
/// let parts: Vec<_> = w.batches(1).collect();
/// assert_eq!(parts.len(), 2);
/// assert_eq!(parts[1].weight, &[4.0]);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SummaryBatch<'a> {
    /// Repeat purchases.
    pub x: &'a [f64],
    /// Recency.
    pub t_x: &'a [f64],
    /// Age.
    pub t: &'a [f64],
    /// Weights.
    pub weight: &'a [f64],
}

impl SummaryBatch<'_> {
    /// Number of rows in the batch.
    ///
    /// ```
    /// # use segcore::clv::WeightedSummary; use segcore::data::TimeUnit;
    /// let w = WeightedSummary::new(vec![1.0], vec![1.0], vec![6.0], vec![3.0], TimeUnit::Days).unwrap();
    /// assert_eq!(w.as_batch().len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True when the batch has no row.
    ///
    /// ```
    /// # use segcore::clv::WeightedSummary; use segcore::data::TimeUnit;
    /// let w = WeightedSummary::new(vec![1.0], vec![1.0], vec![6.0], vec![3.0], TimeUnit::Days).unwrap();
    /// assert!(!w.as_batch().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

impl WeightedSummary {
    /// Builds a weighted summary from rows that may repeat (they are merged), checking
    /// values like [`RfmSummary::new`] and that weights are finite and `> 0`.
    ///
    /// ```
    /// use segcore::clv::WeightedSummary;
    /// use segcore::data::TimeUnit;
    /// let w = WeightedSummary::new(vec![0.0, 0.0], vec![0.0, 0.0], vec![6.0, 6.0], vec![1.0, 2.0],
    ///                              TimeUnit::Days).unwrap();
    /// assert_eq!(w.weight, vec![3.0]);
    /// ```
    pub fn new(
        x: Vec<f64>,
        t_x: Vec<f64>,
        t: Vec<f64>,
        weight: Vec<f64>,
        unit: TimeUnit,
    ) -> Result<Self> {
        validate_rfm(&x, &t_x, &t)?;
        if weight.len() != x.len() {
            return Err(SegError::LengthMismatch {
                column: "weights".into(),
                expected: x.len(),
                found: weight.len(),
            });
        }
        if let Some((i, w)) = weight
            .iter()
            .enumerate()
            .find(|(_, w)| !w.is_finite() || **w <= 0.0)
        {
            return Err(SegError::invalid(
                "weights",
                i,
                format!("weight must be finite and > 0, got {w}"),
            ));
        }
        Ok(Self::from_rows(&x, &t_x, &t, Some(&weight), unit))
    }

    fn from_rows(x: &[f64], t_x: &[f64], t: &[f64], w: Option<&[f64]>, unit: TimeUnit) -> Self {
        if let Some(out) = Self::from_integer_rows(x, t_x, t, w, unit) {
            return out;
        }
        // hash to unique rows (weights summed in row order), then sort only the unique rows
        let mut seen: rustc_hash::FxHashMap<[u64; 3], u32> = rustc_hash::FxHashMap::default();
        let mut first: Vec<usize> = Vec::new();
        let mut weight: Vec<f64> = Vec::new();
        for i in 0..x.len() {
            let key = [
                (x[i] + 0.0).to_bits(),
                (t_x[i] + 0.0).to_bits(),
                (t[i] + 0.0).to_bits(),
            ];
            let wi = w.map_or(1.0, |w| w[i]);
            match seen.entry(key) {
                std::collections::hash_map::Entry::Occupied(e) => weight[*e.get() as usize] += wi,
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(first.len() as u32);
                    first.push(i);
                    weight.push(wi);
                }
            }
        }
        let mut order: Vec<usize> = (0..first.len()).collect();
        order.sort_unstable_by(|&p, &q| {
            let (i, j) = (first[p], first[q]);
            x[i].total_cmp(&x[j])
                .then(t_x[i].total_cmp(&t_x[j]))
                .then(t[i].total_cmp(&t[j]))
        });
        WeightedSummary {
            unit,
            x: order.iter().map(|&p| x[first[p]] + 0.0).collect(),
            t_x: order.iter().map(|&p| t_x[first[p]] + 0.0).collect(),
            t: order.iter().map(|&p| t[first[p]] + 0.0).collect(),
            weight: order.iter().map(|&p| weight[p]).collect(),
        }
    }

    /// Fast path for whole-number rows (below 2^21 each, as in summaries in whole days or
    /// weeks): pack `(x, t_x, T)` into one `u64`, sort in parallel, merge runs.
    fn from_integer_rows(
        x: &[f64],
        t_x: &[f64],
        t: &[f64],
        w: Option<&[f64]>,
        unit: TimeUnit,
    ) -> Option<Self> {
        use rayon::prelude::*;
        const LIM: f64 = (1u64 << 21) as f64;
        let ok = |v: f64| (0.0..LIM).contains(&v) && v == v.floor();
        if x.len() > u32::MAX as usize {
            return None;
        }
        let key_of = |i: usize| -> Option<u64> {
            let (a, b, c) = (x[i], t_x[i], t[i]);
            let key = ((a as u64) << 42) | ((b as u64) << 21) | c as u64;
            (ok(a) && ok(b) && ok(c)).then_some(key)
        };
        // with unit weights the keys alone suffice; otherwise the row index orders the
        // weights of equal keys so that their sum does not depend on the sort
        let mut out = WeightedSummary {
            unit,
            x: Vec::new(),
            t_x: Vec::new(),
            t: Vec::new(),
            weight: Vec::new(),
        };
        let mut last = None;
        let mut push = |k: u64, wi: f64| {
            if last == Some(k) {
                if let Some(v) = out.weight.last_mut() {
                    *v += wi;
                }
            } else {
                last = Some(k);
                out.x.push((k >> 42) as f64);
                out.t_x.push(((k >> 21) & ((1 << 21) - 1)) as f64);
                out.t.push((k & ((1 << 21) - 1)) as f64);
                out.weight.push(wi);
            }
        };
        if let Some(w) = w {
            let mut keys = (0..x.len())
                .into_par_iter()
                .map(|i| key_of(i).map(|k| (k, i as u32)))
                .collect::<Option<Vec<_>>>()?;
            keys.par_sort_unstable();
            for (k, i) in keys {
                push(k, w[i as usize]);
            }
        } else {
            let mut keys = (0..x.len())
                .into_par_iter()
                .map(key_of)
                .collect::<Option<Vec<u64>>>()?;
            keys.par_sort_unstable();
            for k in keys {
                push(k, 1.0);
            }
        }
        Some(out)
    }

    /// Number of unique rows.
    ///
    /// ```
    /// # use segcore::clv::WeightedSummary; use segcore::data::TimeUnit;
    /// let w = WeightedSummary::new(vec![1.0], vec![1.0], vec![6.0], vec![3.0], TimeUnit::Days).unwrap();
    /// assert_eq!(w.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True when there is no row.
    ///
    /// ```
    /// # use segcore::clv::WeightedSummary; use segcore::data::TimeUnit;
    /// let w = WeightedSummary::new(vec![], vec![], vec![], vec![], TimeUnit::Days).unwrap();
    /// assert!(w.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Sum of the weights (the number of customers).
    ///
    /// ```
    /// # use segcore::clv::WeightedSummary; use segcore::data::TimeUnit;
    /// let w = WeightedSummary::new(vec![1.0, 2.0], vec![1.0, 1.0], vec![6.0, 6.0], vec![3.0, 1.0], TimeUnit::Days).unwrap();
    /// assert_eq!(w.total_weight(), 4.0);
    /// ```
    pub fn total_weight(&self) -> f64 {
        self.weight.iter().sum()
    }

    /// The whole summary as one batch.
    ///
    /// ```
    /// # use segcore::clv::WeightedSummary; use segcore::data::TimeUnit;
    /// let w = WeightedSummary::new(vec![1.0], vec![1.0], vec![6.0], vec![3.0], TimeUnit::Days).unwrap();
    /// assert_eq!(w.as_batch().t, &[6.0]);
    /// ```
    pub fn as_batch(&self) -> SummaryBatch<'_> {
        SummaryBatch {
            x: &self.x,
            t_x: &self.t_x,
            t: &self.t,
            weight: &self.weight,
        }
    }

    /// Rows `range` as a batch.
    ///
    /// ```
    /// # use segcore::clv::WeightedSummary; use segcore::data::TimeUnit;
    /// let w = WeightedSummary::new(vec![1.0, 2.0], vec![1.0; 2], vec![6.0; 2], vec![1.0; 2], TimeUnit::Days).unwrap();
    /// assert_eq!(w.slice(1..2).x, &[2.0]);
    /// ```
    pub fn slice(&self, range: std::ops::Range<usize>) -> SummaryBatch<'_> {
        SummaryBatch {
            x: &self.x[range.clone()],
            t_x: &self.t_x[range.clone()],
            t: &self.t[range.clone()],
            weight: &self.weight[range],
        }
    }

    /// Consecutive batches of at most `size` rows (at least 1), in row order.
    ///
    /// ```
    /// # use segcore::clv::WeightedSummary; use segcore::data::TimeUnit;
    /// let w = WeightedSummary::new(vec![1.0, 2.0, 3.0], vec![1.0; 3], vec![6.0; 3], vec![1.0; 3], TimeUnit::Days).unwrap();
    /// assert_eq!(w.batches(2).count(), 2);
    /// ```
    pub fn batches(&self, size: usize) -> impl Iterator<Item = SummaryBatch<'_>> + '_ {
        let size = size.max(1);
        let n = self.len();
        (0..n.div_ceil(size)).map(move |k| {
            let (lo, hi) = (k * size, ((k + 1) * size).min(n));
            SummaryBatch {
                x: &self.x[lo..hi],
                t_x: &self.t_x[lo..hi],
                t: &self.t[lo..hi],
                weight: &self.weight[lo..hi],
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_and_general_compression_agree() {
        let x = [2.0, 0.0, 2.0, 1.0, 0.0, 2.0, 1.0];
        let tx = [5.0, 0.0, 5.0, 3.0, 0.0, 4.0, 3.0];
        let t = [9.0, 9.0, 9.0, 9.0, 8.0, 9.0, 9.0];
        let w = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
        let fast =
            WeightedSummary::from_integer_rows(&x, &tx, &t, Some(&w), TimeUnit::Days).unwrap();
        // shift by a non-integer to force the hashed path, then shift back
        let h = 0.5;
        let xs: Vec<f64> = x.iter().map(|v| v + h).collect();
        let slow = WeightedSummary::from_rows(&xs, &tx, &t, Some(&w), TimeUnit::Days);
        assert!(
            WeightedSummary::from_integer_rows(&xs, &tx, &t, Some(&w), TimeUnit::Days).is_none()
        );
        assert_eq!(fast.x, vec![0.0, 0.0, 1.0, 2.0, 2.0]);
        assert_eq!(fast.t_x, vec![0.0, 0.0, 3.0, 4.0, 5.0]);
        assert_eq!(fast.t, vec![8.0, 9.0, 9.0, 9.0, 9.0]);
        assert_eq!(fast.weight, vec![5.0, 2.0, 11.0, 6.0, 4.0]);
        assert_eq!(slow.x.iter().map(|v| v - h).collect::<Vec<_>>(), fast.x);
        assert_eq!(slow.t_x, fast.t_x);
        assert_eq!(slow.t, fast.t);
        assert_eq!(slow.weight, fast.weight);
        // unit weights (the RfmSummary path) agree with explicit weights of 1
        let r = RfmSummary::new(
            x.to_vec(),
            tx.to_vec(),
            t.to_vec(),
            vec![0.0; 7],
            TimeUnit::Days,
        )
        .unwrap();
        let ones = WeightedSummary::new(
            x.to_vec(),
            tx.to_vec(),
            t.to_vec(),
            vec![1.0; 7],
            TimeUnit::Days,
        )
        .unwrap();
        assert_eq!(r.compress(), ones);
        assert_eq!(ones.weight, vec![1.0, 1.0, 2.0, 1.0, 2.0]);
    }

    #[test]
    fn errors_name_column_and_row() {
        let e = RfmSummary::new(
            vec![1.0, f64::NAN],
            vec![0.0; 2],
            vec![1.0; 2],
            vec![0.0; 2],
            TimeUnit::Days,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "column `frequency`, row 1: frequency must be a finite number >= 0, got NaN"
        );
        let e = RfmSummary::new(vec![1.0], vec![0.0], vec![0.0], vec![0.0], TimeUnit::Days)
            .unwrap_err();
        assert!(e.to_string().starts_with("column `T`, row 0"));
        let e = RfmSummary::new(vec![1.0], vec![0.0], vec![1.0], vec![-1.0], TimeUnit::Days)
            .unwrap_err();
        assert!(e.to_string().starts_with("column `monetary_value`, row 0"));
        let e = RfmSummary::new(
            vec![1.0],
            vec![0.0],
            vec![1.0, 2.0],
            vec![1.0],
            TimeUnit::Days,
        )
        .unwrap_err();
        assert_eq!(e.code(), "LENGTH_MISMATCH");
    }
}
