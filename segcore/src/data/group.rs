//! Grouping rows by customer: a counting sort by dense code, then time order within each
//! customer. Every per-customer pass in segcore walks these groups.

use rayon::prelude::*;

use super::columns::check_len;
use crate::{Result, SegError};

/// Row positions grouped by customer code, each group in time order (ties keep row order).
///
/// `rows[offsets[c]..offsets[c + 1]]` are the rows of customer `c`.
///
/// ```
/// use segcore::data::Groups;
/// let g = Groups::build(&[1, 0, 1, 1], &[30, 5, 10, 20], 3).unwrap();
/// assert_eq!(g.rows_of(1), &[2, 3, 0]);
/// assert_eq!(g.rows_of(0), &[1]);
/// assert!(g.rows_of(2).is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Groups {
    /// `n_customers + 1` offsets into `rows`.
    pub offsets: Vec<usize>,
    /// Row positions, grouped by customer and sorted by time within each group.
    pub rows: Vec<u32>,
}

impl Groups {
    /// Groups `customer` codes (each `< n_customers`) ordered by `timestamp`.
    ///
    /// ```
    /// let g = segcore::data::Groups::build(&[0, 0], &[2, 1], 1).unwrap();
    /// assert_eq!(g.rows, vec![1, 0]);
    /// let e = segcore::data::Groups::build(&[0, 3], &[2, 1], 2).unwrap_err();
    /// assert_eq!(e.to_string(), "column `customer`, row 1: code 3 is not below the 2 customers");
    /// ```
    pub fn build(customer: &[u32], timestamp: &[i64], n_customers: usize) -> Result<Groups> {
        check_len("timestamp", customer.len(), timestamp.len())?;
        if let Some(row) = customer.iter().position(|&c| c as usize >= n_customers) {
            return Err(SegError::invalid(
                "customer",
                row,
                format!(
                    "code {} is not below the {n_customers} customers",
                    customer[row]
                ),
            ));
        }
        Ok(Self::of_valid(customer, timestamp, n_customers))
    }

    /// [`Groups::build`] for columns known to be valid (from a log's own builder).
    pub(crate) fn of_valid(customer: &[u32], timestamp: &[i64], n_customers: usize) -> Groups {
        let mut offsets = vec![0usize; n_customers + 1];
        for &c in customer {
            offsets[c as usize + 1] += 1;
        }
        for i in 0..n_customers {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut rows = vec![0u32; customer.len()];
        for (r, &c) in customer.iter().enumerate() {
            let slot = &mut next[c as usize];
            rows[*slot] = r as u32;
            *slot += 1;
        }
        // sort each group by time; stable so equal times keep row order
        let mut slices: Vec<&mut [u32]> = Vec::with_capacity(n_customers);
        let mut rest: &mut [u32] = &mut rows;
        for c in 0..n_customers {
            let (head, tail) = rest.split_at_mut(offsets[c + 1] - offsets[c]);
            slices.push(head);
            rest = tail;
        }
        slices.par_iter_mut().with_min_len(1024).for_each(|g| {
            if g.windows(2)
                .any(|w| timestamp[w[0] as usize] > timestamp[w[1] as usize])
            {
                g.sort_by_key(|&r| timestamp[r as usize]);
            }
        });
        Groups { offsets, rows }
    }

    /// Number of customers.
    ///
    /// ```
    /// assert_eq!(segcore::data::Groups::build(&[0], &[0], 4).unwrap().n_customers(), 4);
    /// ```
    pub fn n_customers(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// The rows of customer `c` in time order (empty if `c` is out of range).
    ///
    /// ```
    /// assert_eq!(segcore::data::Groups::build(&[0], &[0], 1).unwrap().rows_of(5), &[] as &[u32]);
    /// ```
    pub fn rows_of(&self, c: usize) -> &[u32] {
        if c + 1 >= self.offsets.len() {
            return &[];
        }
        &self.rows[self.offsets[c]..self.offsets[c + 1]]
    }
}
