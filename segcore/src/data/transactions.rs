//! Transactions: one row per order line or order (customer, time, amount, optional details).

use super::coded::{CustomerColumn, TextColumn};
use super::columns::{
    Categorical, TimeColumn, categorical, check_finite, check_rows, code_at, count_repeats,
};
use super::ids::{CustomerIndex, IdColumn};
use super::ids_buffers::InternedIds;
use crate::{Result, SegError};

/// Validated, columnar transactions. Build with [`Transactions::builder`].
///
/// Negative amounts are returns or refunds; zero amounts are allowed. Rows need not be sorted.
///
/// ```
/// use segcore::data::Transactions;
/// let tx = Transactions::builder(vec![1_i64, 2, 1], vec![0_i64, 86_400, 172_800], vec![10.0, 5.0, -2.5])
///     .category(vec!["rock", "jazz", "rock"])
///     .build()
///     .unwrap();
/// assert_eq!(tx.len(), 3);
/// assert_eq!(tx.customers().len(), 2);
/// assert_eq!(tx.customer(), &[0, 1, 0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Transactions {
    pub(crate) customers: CustomerIndex,
    pub(crate) customer: Vec<u32>,
    pub(crate) timestamp: Vec<i64>,
    pub(crate) amount: Vec<f64>,
    pub(crate) order_id: Option<Categorical>,
    pub(crate) quantity: Option<Vec<f64>>,
    pub(crate) product: Option<Categorical>,
    pub(crate) category: Option<Categorical>,
    pub(crate) channel: Option<Categorical>,
    pub(crate) discount: Option<Vec<bool>>,
    pub(crate) duplicate_rows: usize,
}

/// Builder for [`Transactions`]; see [`Transactions::builder`].
#[derive(Debug, Clone)]
pub struct TransactionsBuilder {
    pub(super) customer: CustomerColumn,
    pub(super) timestamp: TimeColumn,
    pub(super) amount: Vec<f64>,
    pub(super) order_id: Option<TextColumn>,
    pub(super) quantity: Option<Vec<f64>>,
    pub(super) product: Option<TextColumn>,
    pub(super) category: Option<TextColumn>,
    pub(super) channel: Option<TextColumn>,
    pub(super) discount: Option<Vec<bool>>,
}

impl Transactions {
    /// Starts a builder from the three required columns.
    ///
    /// ```
    /// let tx = segcore::data::Transactions::builder(vec!["a"], vec![0_i64], vec![1.0]).build().unwrap();
    /// assert_eq!(tx.amount(), &[1.0]);
    /// ```
    pub fn builder(
        customer: impl Into<IdColumn>,
        timestamp: impl Into<TimeColumn>,
        amount: Vec<f64>,
    ) -> TransactionsBuilder {
        TransactionsBuilder {
            customer: CustomerColumn::Ids(customer.into()),
            timestamp: timestamp.into(),
            amount,
            order_id: None,
            quantity: None,
            product: None,
            category: None,
            channel: None,
            discount: None,
        }
    }

    /// A builder whose customer column is already interned (see
    /// [`super::ids_buffers::intern_ids`]): no second interning; codes are checked.
    ///
    /// ```
    /// use segcore::data::Transactions;
    /// use segcore::data::ids_buffers::{intern_ids, Offsets, Utf8Buffers};
    /// let ids = intern_ids("customer_id", &Utf8Buffers::new(b"ba", Offsets::I32(&[0, 1, 2]), None)).unwrap();
    /// let a = Transactions::builder_interned(ids, vec![0_i64; 2], vec![1.0, 2.0]).build().unwrap();
    /// let b = Transactions::builder(vec!["b", "a"], vec![0_i64; 2], vec![1.0, 2.0]).build().unwrap();
    /// assert_eq!(a, b);
    /// ```
    pub fn builder_interned(
        ids: InternedIds,
        timestamp: impl Into<TimeColumn>,
        amount: Vec<f64>,
    ) -> TransactionsBuilder {
        let mut b = Self::builder(IdColumn::Int(Vec::new()), timestamp, amount);
        b.customer = CustomerColumn::Interned(ids);
        b
    }

    log_accessors!(
        "segcore::data::Transactions::builder(vec![7_i64], vec![5_i64], vec![1.0])",
        "7",
        5
    );

    /// Amount per row (negative = return or refund).
    ///
    /// ```
    /// # let tx = segcore::data::Transactions::builder(vec![7_i64], vec![5_i64], vec![-1.0]).build().unwrap();
    /// assert_eq!(tx.amount(), &[-1.0]);
    /// ```
    pub fn amount(&self) -> &[f64] {
        &self.amount
    }

    /// Order ids, if given.
    ///
    /// ```
    /// # let tx = segcore::data::Transactions::builder(vec![7_i64], vec![5_i64], vec![1.0]).order_id(vec!["o1"]).build().unwrap();
    /// assert_eq!(tx.order_id().unwrap().get(0), Some("o1"));
    /// ```
    pub fn order_id(&self) -> Option<&Categorical> {
        self.order_id.as_ref()
    }

    /// Quantities, if given.
    ///
    /// ```
    /// # let tx = segcore::data::Transactions::builder(vec![7_i64], vec![5_i64], vec![1.0]).quantity(vec![2.0]).build().unwrap();
    /// assert_eq!(tx.quantity(), Some(&[2.0][..]));
    /// ```
    pub fn quantity(&self) -> Option<&[f64]> {
        self.quantity.as_deref()
    }

    /// Product ids, if given.
    ///
    /// ```
    /// # let tx = segcore::data::Transactions::builder(vec![7_i64], vec![5_i64], vec![1.0]).product(vec!["sku1"]).build().unwrap();
    /// assert_eq!(tx.product().unwrap().levels, vec!["sku1"]);
    /// ```
    pub fn product(&self) -> Option<&Categorical> {
        self.product.as_ref()
    }

    /// Product categories, if given.
    ///
    /// ```
    /// # let tx = segcore::data::Transactions::builder(vec![7_i64], vec![5_i64], vec![1.0]).category(vec!["rock"]).build().unwrap();
    /// assert_eq!(tx.category().unwrap().get(0), Some("rock"));
    /// ```
    pub fn category(&self) -> Option<&Categorical> {
        self.category.as_ref()
    }

    /// Sales channels, if given.
    ///
    /// ```
    /// # let tx = segcore::data::Transactions::builder(vec![7_i64], vec![5_i64], vec![1.0]).channel(vec!["email"]).build().unwrap();
    /// assert_eq!(tx.channel().unwrap().get(0), Some("email"));
    /// ```
    pub fn channel(&self) -> Option<&Categorical> {
        self.channel.as_ref()
    }

    /// Discount flags, if given.
    ///
    /// ```
    /// # let tx = segcore::data::Transactions::builder(vec![7_i64], vec![5_i64], vec![1.0]).discount(vec![true]).build().unwrap();
    /// assert_eq!(tx.discount(), Some(&[true][..]));
    /// ```
    pub fn discount(&self) -> Option<&[bool]> {
        self.discount.as_deref()
    }

    /// Number of rows that exactly repeat an earlier row (all columns equal). They are kept.
    ///
    /// ```
    /// let tx = segcore::data::Transactions::builder(vec![1_i64, 1], vec![0_i64, 0], vec![2.0, 2.0]).build().unwrap();
    /// assert_eq!(tx.duplicate_rows(), 1);
    /// ```
    pub fn duplicate_rows(&self) -> usize {
        self.duplicate_rows
    }

    /// The rows whose positions are in `rows`, in that order (same customer index).
    ///
    /// ```
    /// let tx = segcore::data::Transactions::builder(vec![1_i64, 2], vec![0_i64, 9], vec![2.0, 3.0]).build().unwrap();
    /// let sub = tx.select(&[1]);
    /// assert_eq!(sub.amount(), &[3.0]);
    /// assert_eq!(sub.customers().len(), 2);
    /// ```
    pub fn select(&self, rows: &[usize]) -> Transactions {
        Transactions {
            customers: self.customers.clone(),
            customer: rows.iter().map(|&r| self.customer[r]).collect(),
            timestamp: rows.iter().map(|&r| self.timestamp[r]).collect(),
            amount: rows.iter().map(|&r| self.amount[r]).collect(),
            order_id: self.order_id.as_ref().map(|c| c.select(rows)),
            quantity: self
                .quantity
                .as_ref()
                .map(|q| rows.iter().map(|&r| q[r]).collect()),
            product: self.product.as_ref().map(|c| c.select(rows)),
            category: self.category.as_ref().map(|c| c.select(rows)),
            channel: self.channel.as_ref().map(|c| c.select(rows)),
            discount: self
                .discount
                .as_ref()
                .map(|q| rows.iter().map(|&r| q[r]).collect()),
            duplicate_rows: 0,
        }
    }

    fn count_duplicates(&self) -> usize {
        count_repeats(self.len(), |i| {
            (
                self.customer[i],
                self.timestamp[i],
                self.amount[i].to_bits(),
                code_at(&self.order_id, i),
                self.quantity.as_ref().map_or(0, |q| q[i].to_bits()),
                code_at(&self.product, i),
                code_at(&self.category, i),
                code_at(&self.channel, i),
                self.discount.as_ref().map_or(2, |d| d[i] as u8),
            )
        })
    }
}

impl TransactionsBuilder {
    column_setters! {
        /// Order ids (strings; empty = missing).
        ///
        /// ```
        /// # let b = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![1.0]);
        /// assert!(b.order_id(vec!["A-1"]).build().is_ok());
        /// ```
        order_id: text,

        /// Item quantities (finite, >= 0).
        ///
        /// ```
        /// # let b = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![1.0]);
        /// assert!(b.quantity(vec![-1.0]).build().is_err());
        /// ```
        quantity: f64,

        /// Product ids.
        ///
        /// ```
        /// # let b = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![1.0]);
        /// assert!(b.product(vec!["sku"]).build().is_ok());
        /// ```
        product: text,

        /// Product categories.
        ///
        /// ```
        /// # let b = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![1.0]);
        /// assert!(b.category(vec!["jazz"]).build().is_ok());
        /// ```
        category: text,

        /// Sales channels (e.g. web, app, email, social).
        ///
        /// ```
        /// # let b = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![1.0]);
        /// assert!(b.channel(vec!["app"]).build().is_ok());
        /// ```
        channel: text,

        /// Whether each row used a discount.
        ///
        /// ```
        /// # let b = segcore::data::Transactions::builder(vec![1_i64], vec![0_i64], vec![1.0]);
        /// assert!(b.discount(vec![false]).build().is_ok());
        /// ```
        discount: bool,
    }

    /// Validates and builds.
    ///
    /// Errors: [`SegError::Empty`] without rows, [`SegError::LengthMismatch`] for a column of
    /// another length, [`SegError::InvalidValue`] for a non-finite amount, a negative or
    /// non-finite quantity, or a bad time.
    ///
    /// ```
    /// use segcore::data::Transactions;
    /// let e = Transactions::builder(vec![1_i64, 2], vec![0_i64, 0], vec![1.0, f64::INFINITY]).build().unwrap_err();
    /// assert_eq!(e.to_string(), "column `amount`, row 1: inf is not a valid value");
    /// let e = Transactions::builder(vec![1_i64, 2], vec![0_i64], vec![1.0, 2.0]).build().unwrap_err();
    /// assert_eq!(e.to_string(), "column `timestamp` has 1 rows, expected 2");
    /// ```
    pub fn build(self) -> Result<Transactions> {
        let n = self.customer.len();
        check_rows(
            "transactions",
            n,
            &[
                ("timestamp", Some(self.timestamp.len())),
                ("amount", Some(self.amount.len())),
                ("order_id", self.order_id.as_ref().map(TextColumn::len)),
                ("quantity", self.quantity.as_ref().map(Vec::len)),
                ("product", self.product.as_ref().map(TextColumn::len)),
                ("category", self.category.as_ref().map(TextColumn::len)),
                ("channel", self.channel.as_ref().map(TextColumn::len)),
                ("discount", self.discount.as_ref().map(Vec::len)),
            ],
        )?;
        check_finite("amount", &self.amount)?;
        if let Some(q) = &self.quantity {
            if let Some((row, v)) = q
                .iter()
                .enumerate()
                .find(|(_, v)| !v.is_finite() || **v < 0.0)
            {
                return Err(SegError::invalid(
                    "quantity",
                    row,
                    format!("{v} is not a valid quantity (finite and >= 0)"),
                ));
            }
        }
        let timestamp = self.timestamp.to_seconds("timestamp")?;
        let (customers, customer) = self.customer.index()?;
        let mut tx = Transactions {
            customers,
            customer,
            timestamp,
            amount: self.amount,
            order_id: categorical("order_id", self.order_id)?,
            quantity: self.quantity,
            product: categorical("product", self.product)?,
            category: categorical("category", self.category)?,
            channel: categorical("channel", self.channel)?,
            discount: self.discount,
            duplicate_rows: 0,
        };
        tx.duplicate_rows = tx.count_duplicates();
        Ok(tx)
    }
}
