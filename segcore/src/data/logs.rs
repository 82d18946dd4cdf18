//! All of a shop's logs under one customer index.

use super::events::Events;
use super::feedback::Feedback;
use super::ids::CustomerIndex;
use super::transactions::Transactions;
use crate::Result;

/// Transactions plus optional events and feedback, re-indexed onto one [`CustomerIndex`]
/// (the union of the customers in every log), so customer code `c` means the same person in
/// every log. Customers who only browse or only answer surveys are included.
///
/// ```
/// use segcore::data::{Events, Logs, Transactions};
/// let tx = Transactions::builder(vec![2_i64], vec![0_i64], vec![5.0]).build().unwrap();
/// let ev = Events::builder(vec![1_i64, 2], vec![0_i64, 0], vec!["page_view", "page_view"]).build().unwrap();
/// let logs = Logs::new(tx, Some(ev), None).unwrap();
/// assert_eq!(logs.customers().len(), 2);
/// assert_eq!(logs.transactions().customer(), &[1]);
/// assert_eq!(logs.events().unwrap().customer(), &[0, 1]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Logs {
    customers: CustomerIndex,
    transactions: Transactions,
    events: Option<Events>,
    feedback: Option<Feedback>,
}

impl Logs {
    /// Combines the logs and re-indexes them onto the union of their customers.
    ///
    /// ```
    /// # use segcore::data::{Logs, Transactions};
    /// let tx = Transactions::builder(vec![1_i64], vec![0_i64], vec![5.0]).build().unwrap();
    /// assert_eq!(Logs::new(tx, None, None).unwrap().customers().len(), 1);
    /// ```
    pub fn new(
        mut transactions: Transactions,
        mut events: Option<Events>,
        mut feedback: Option<Feedback>,
    ) -> Result<Logs> {
        let mut index = transactions.customers.clone();
        if let Some(ev) = &events {
            let (u, ra, rb) = index.union(&ev.customers);
            transactions.reindex(u.clone(), &ra);
            if let Some(ev) = events.as_mut() {
                ev.reindex(u.clone(), &rb);
            }
            index = u;
        }
        if let Some(fb) = &feedback {
            let (u, ra, rb) = index.union(&fb.customers);
            transactions.reindex(u.clone(), &ra);
            if let Some(ev) = events.as_mut() {
                ev.reindex(u.clone(), &ra);
            }
            if let Some(fb) = feedback.as_mut() {
                fb.reindex(u.clone(), &rb);
            }
            index = u;
        }
        Ok(Logs {
            customers: index,
            transactions,
            events,
            feedback,
        })
    }

    /// The shared customer index.
    ///
    /// ```
    /// # use segcore::data::{Logs, Transactions};
    /// # let tx = Transactions::builder(vec![1_i64], vec![0_i64], vec![5.0]).build().unwrap();
    /// let logs = Logs::new(tx, None, None).unwrap();
    /// assert_eq!(logs.customers().label(0), "1");
    /// ```
    pub fn customers(&self) -> &CustomerIndex {
        &self.customers
    }

    /// The transactions.
    ///
    /// ```
    /// # use segcore::data::{Logs, Transactions};
    /// # let tx = Transactions::builder(vec![1_i64], vec![0_i64], vec![5.0]).build().unwrap();
    /// let logs = Logs::new(tx, None, None).unwrap();
    /// assert_eq!(logs.transactions().len(), 1);
    /// ```
    pub fn transactions(&self) -> &Transactions {
        &self.transactions
    }

    /// The events, if any.
    ///
    /// ```
    /// # use segcore::data::{Logs, Transactions};
    /// # let tx = Transactions::builder(vec![1_i64], vec![0_i64], vec![5.0]).build().unwrap();
    /// assert!(Logs::new(tx, None, None).unwrap().events().is_none());
    /// ```
    pub fn events(&self) -> Option<&Events> {
        self.events.as_ref()
    }

    /// The feedback, if any.
    ///
    /// ```
    /// # use segcore::data::{Logs, Transactions};
    /// # let tx = Transactions::builder(vec![1_i64], vec![0_i64], vec![5.0]).build().unwrap();
    /// assert!(Logs::new(tx, None, None).unwrap().feedback().is_none());
    /// ```
    pub fn feedback(&self) -> Option<&Feedback> {
        self.feedback.as_ref()
    }

    /// Takes the logs apart.
    ///
    /// ```
    /// # use segcore::data::{Logs, Transactions};
    /// # let tx = Transactions::builder(vec![1_i64], vec![0_i64], vec![5.0]).build().unwrap();
    /// let (index, tx, ev, fb) = Logs::new(tx, None, None).unwrap().into_parts();
    /// assert_eq!((index.len(), tx.len(), ev.is_none(), fb.is_none()), (1, 1, true, true));
    /// ```
    pub fn into_parts(
        self,
    ) -> (
        CustomerIndex,
        Transactions,
        Option<Events>,
        Option<Feedback>,
    ) {
        (
            self.customers,
            self.transactions,
            self.events,
            self.feedback,
        )
    }
}
