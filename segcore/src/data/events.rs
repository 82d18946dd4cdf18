//! Site, app and campaign events: browsing, carts and checkout stages, campaign engagement.

use super::coded::{CustomerColumn, TextColumn};
use super::columns::{
    Categorical, TimeColumn, categorical, check_rows, code_at, count_repeats, strings,
};
use super::ids::{CustomerIndex, IdColumn};
use super::ids_buffers::InternedIds;
use crate::{Result, SegError};

/// What happened in an event. Unknown kinds are kept as [`EventKind::Other`].
///
/// ```
/// use segcore::data::EventKind;
/// assert_eq!(EventKind::parse("add_to_cart"), EventKind::AddToCart);
/// assert_eq!(EventKind::parse("Email Open"), EventKind::EmailOpen);
/// assert_eq!(EventKind::parse("Wishlist"), EventKind::Other("wishlist".into()));
/// assert_eq!(EventKind::Shipping.as_str(), "shipping");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A page view.
    PageView,
    /// A product detail view.
    ProductView,
    /// A site search.
    Search,
    /// A product added to the cart.
    AddToCart,
    /// Checkout started.
    CheckoutStart,
    /// Shipping step of checkout.
    Shipping,
    /// Payment step of checkout.
    Payment,
    /// Purchase completed.
    Purchase,
    /// Campaign email sent.
    EmailSent,
    /// Campaign email opened.
    EmailOpen,
    /// Campaign email link clicked.
    EmailClick,
    /// Push notification opened.
    PushOpen,
    /// SMS link clicked.
    SmsClick,
    /// Visit from a social network.
    SocialVisit,
    /// App session.
    AppSession,
    /// Any other kind, by name.
    Other(String),
}

/// The standard kinds in code order (code = position).
pub const STANDARD_KINDS: [&str; 15] = [
    "page_view",
    "product_view",
    "search",
    "add_to_cart",
    "checkout_start",
    "shipping",
    "payment",
    "purchase",
    "email_sent",
    "email_open",
    "email_click",
    "push_open",
    "sms_click",
    "social_visit",
    "app_session",
];

impl EventKind {
    /// Parses a kind name; case, spaces and dashes are normalised to snake_case.
    ///
    /// ```
    /// assert_eq!(segcore::data::EventKind::parse("checkout-start"), segcore::data::EventKind::CheckoutStart);
    /// ```
    pub fn parse(s: &str) -> EventKind {
        let norm: String = s
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        match STANDARD_KINDS.iter().position(|k| *k == norm) {
            Some(i) => Self::from_code(i as u16, &[]).unwrap_or(EventKind::Other(norm)),
            None => EventKind::Other(norm),
        }
    }

    /// Snake-case name.
    ///
    /// ```
    /// assert_eq!(segcore::data::EventKind::Other("x".into()).as_str(), "x");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            EventKind::Other(s) => s,
            k => STANDARD_KINDS[k.standard_code().unwrap_or(0) as usize],
        }
    }

    /// Code of a standard kind (0..15), `None` for `Other`.
    ///
    /// ```
    /// assert_eq!(segcore::data::EventKind::PageView.standard_code(), Some(0));
    /// ```
    pub fn standard_code(&self) -> Option<u16> {
        Some(match self {
            EventKind::PageView => 0,
            EventKind::ProductView => 1,
            EventKind::Search => 2,
            EventKind::AddToCart => 3,
            EventKind::CheckoutStart => 4,
            EventKind::Shipping => 5,
            EventKind::Payment => 6,
            EventKind::Purchase => 7,
            EventKind::EmailSent => 8,
            EventKind::EmailOpen => 9,
            EventKind::EmailClick => 10,
            EventKind::PushOpen => 11,
            EventKind::SmsClick => 12,
            EventKind::SocialVisit => 13,
            EventKind::AppSession => 14,
            EventKind::Other(_) => return None,
        })
    }

    /// The kind of a stored code: standard codes first, then `others[code - 15]`.
    ///
    /// ```
    /// use segcore::data::EventKind;
    /// assert_eq!(EventKind::from_code(3, &[]), Some(EventKind::AddToCart));
    /// assert_eq!(EventKind::from_code(15, &["wish".into()]), Some(EventKind::Other("wish".into())));
    /// ```
    pub fn from_code(code: u16, others: &[String]) -> Option<EventKind> {
        Some(match code {
            0 => EventKind::PageView,
            1 => EventKind::ProductView,
            2 => EventKind::Search,
            3 => EventKind::AddToCart,
            4 => EventKind::CheckoutStart,
            5 => EventKind::Shipping,
            6 => EventKind::Payment,
            7 => EventKind::Purchase,
            8 => EventKind::EmailSent,
            9 => EventKind::EmailOpen,
            10 => EventKind::EmailClick,
            11 => EventKind::PushOpen,
            12 => EventKind::SmsClick,
            13 => EventKind::SocialVisit,
            14 => EventKind::AppSession,
            c => EventKind::Other(others.get(c as usize - 15)?.clone()),
        })
    }
}

/// Validated, columnar events. Build with [`Events::builder`].
///
/// Kinds are stored as `u16` codes: the 15 standard kinds are codes 0..15 in the order of
/// [`STANDARD_KINDS`]; other kinds get codes from 15 on, named by [`Events::other_kinds`].
///
/// ```
/// use segcore::data::{Events, EventKind};
/// let ev = Events::builder(vec![1_i64, 1], vec![0_i64, 60], vec!["product_view", "add_to_cart"])
///     .session(vec!["s1", "s1"])
///     .build()
///     .unwrap();
/// assert_eq!(ev.kind(1), EventKind::AddToCart);
/// assert_eq!(ev.kind_code(), &[1, 3]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Events {
    pub(crate) customers: CustomerIndex,
    pub(crate) customer: Vec<u32>,
    pub(crate) timestamp: Vec<i64>,
    pub(crate) kind: Vec<u16>,
    pub(crate) other_kinds: Vec<String>,
    pub(crate) category: Option<Categorical>,
    pub(crate) channel: Option<Categorical>,
    pub(crate) session: Option<Categorical>,
    pub(crate) platform: Option<Categorical>,
    pub(crate) value: Option<Vec<f64>>,
    pub(crate) duplicate_rows: usize,
}

/// Builder for [`Events`]; see [`Events::builder`].
#[derive(Debug, Clone)]
pub struct EventsBuilder {
    pub(super) customer: CustomerColumn,
    pub(super) timestamp: TimeColumn,
    pub(super) kind: Vec<String>,
    pub(super) category: Option<TextColumn>,
    pub(super) channel: Option<TextColumn>,
    pub(super) session: Option<TextColumn>,
    pub(super) platform: Option<TextColumn>,
    pub(super) value: Option<Vec<f64>>,
}

impl Events {
    /// Starts a builder from the required columns: customer, timestamp, kind.
    ///
    /// ```
    /// let ev = segcore::data::Events::builder(vec!["c1"], vec![0_i64], vec!["email_open"]).build().unwrap();
    /// assert_eq!(ev.len(), 1);
    /// ```
    pub fn builder<S: Into<String>>(
        customer: impl Into<IdColumn>,
        timestamp: impl Into<TimeColumn>,
        kind: Vec<S>,
    ) -> EventsBuilder {
        EventsBuilder {
            customer: CustomerColumn::Ids(customer.into()),
            timestamp: timestamp.into(),
            kind: strings(kind),
            category: None,
            channel: None,
            session: None,
            platform: None,
            value: None,
        }
    }

    /// A builder whose customer column is already interned (see
    /// [`super::ids_buffers::intern_ids`]): no second interning; codes are checked.
    ///
    /// ```
    /// use segcore::data::Events;
    /// use segcore::data::ids_buffers::{intern_ids, Offsets, Utf8Buffers};
    /// let ids = intern_ids("customer_id", &Utf8Buffers::new(b"x", Offsets::I32(&[0, 1]), None)).unwrap();
    /// let ev = Events::builder_interned(ids, vec![0_i64], vec!["view"]).build().unwrap();
    /// assert_eq!(ev.customers().label(0), "x");
    /// ```
    pub fn builder_interned<S: Into<String>>(
        ids: InternedIds,
        timestamp: impl Into<TimeColumn>,
        kind: Vec<S>,
    ) -> EventsBuilder {
        let mut b = Self::builder(IdColumn::Int(Vec::new()), timestamp, kind);
        b.customer = CustomerColumn::Interned(ids);
        b
    }

    log_accessors!(
        "segcore::data::Events::builder(vec![\"c1\"], vec![9_i64], vec![\"search\"])",
        "c1",
        9
    );

    /// Kind code per row (see the type docs).
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec!["c1"], vec![9_i64], vec!["search"]).build().unwrap();
    /// assert_eq!(ev.kind_code(), &[2]);
    /// ```
    pub fn kind_code(&self) -> &[u16] {
        &self.kind
    }

    /// Names of the non-standard kinds (code 15 + position).
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec!["c1"], vec![9_i64], vec!["wishlist"]).build().unwrap();
    /// assert_eq!(ev.other_kinds(), &["wishlist".to_string()]);
    /// ```
    pub fn other_kinds(&self) -> &[String] {
        &self.other_kinds
    }

    /// The kind of row `row` (`Other("?")` if out of range).
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec!["c1"], vec![9_i64], vec!["wishlist"]).build().unwrap();
    /// assert_eq!(ev.kind(0).as_str(), "wishlist");
    /// ```
    pub fn kind(&self, row: usize) -> EventKind {
        self.kind
            .get(row)
            .and_then(|&c| EventKind::from_code(c, &self.other_kinds))
            .unwrap_or_else(|| EventKind::Other("?".into()))
    }

    /// Product categories, if given.
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec!["c1"], vec![9_i64], vec!["product_view"]).category(vec!["rock"]).build().unwrap();
    /// assert_eq!(ev.category().unwrap().get(0), Some("rock"));
    /// ```
    pub fn category(&self) -> Option<&Categorical> {
        self.category.as_ref()
    }

    /// Channels (email, social, app, ...), if given.
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec!["c1"], vec![9_i64], vec!["email_open"]).channel(vec!["email"]).build().unwrap();
    /// assert_eq!(ev.channel().unwrap().get(0), Some("email"));
    /// ```
    pub fn channel(&self) -> Option<&Categorical> {
        self.channel.as_ref()
    }

    /// Session ids, if given.
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec!["c1"], vec![9_i64], vec!["search"]).session(vec!["s"]).build().unwrap();
    /// assert_eq!(ev.session().unwrap().get(0), Some("s"));
    /// ```
    pub fn session(&self) -> Option<&Categorical> {
        self.session.as_ref()
    }

    /// Platforms (web, ios, android, ...), if given.
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec!["c1"], vec![9_i64], vec!["search"]).platform(vec!["ios"]).build().unwrap();
    /// assert_eq!(ev.platform().unwrap().get(0), Some("ios"));
    /// ```
    pub fn platform(&self) -> Option<&Categorical> {
        self.platform.as_ref()
    }

    /// Monetary value per row (cart value for cart and checkout events; NaN = unknown), if given.
    ///
    /// ```
    /// # let ev = segcore::data::Events::builder(vec!["c1"], vec![9_i64], vec!["add_to_cart"]).value(vec![19.9]).build().unwrap();
    /// assert_eq!(ev.value(), Some(&[19.9][..]));
    /// ```
    pub fn value(&self) -> Option<&[f64]> {
        self.value.as_deref()
    }

    /// Number of rows that exactly repeat an earlier row. They are kept.
    ///
    /// ```
    /// let ev = segcore::data::Events::builder(vec![1_i64, 1], vec![0_i64, 0], vec!["search", "search"]).build().unwrap();
    /// assert_eq!(ev.duplicate_rows(), 1);
    /// ```
    pub fn duplicate_rows(&self) -> usize {
        self.duplicate_rows
    }

    fn count_duplicates(&self) -> usize {
        count_repeats(self.len(), |i| {
            (
                self.customer[i],
                self.timestamp[i],
                self.kind[i],
                code_at(&self.category, i),
                code_at(&self.channel, i),
                code_at(&self.session, i),
                code_at(&self.platform, i),
                self.value.as_ref().map_or(0, |v| v[i].to_bits()),
            )
        })
    }
}

impl EventsBuilder {
    column_setters! {
        /// Product categories (for views and carts).
        ///
        /// ```
        /// # let b = segcore::data::Events::builder(vec!["c1"], vec![0_i64], vec!["product_view"]);
        /// assert!(b.category(vec!["jazz"]).build().is_ok());
        /// ```
        category: text,

        /// Channels.
        ///
        /// ```
        /// # let b = segcore::data::Events::builder(vec!["c1"], vec![0_i64], vec!["email_sent"]);
        /// assert!(b.channel(vec!["email"]).build().is_ok());
        /// ```
        channel: text,

        /// Session ids.
        ///
        /// ```
        /// # let b = segcore::data::Events::builder(vec!["c1"], vec![0_i64], vec!["page_view"]);
        /// assert!(b.session(vec!["s1"]).build().is_ok());
        /// ```
        session: text,

        /// Platforms.
        ///
        /// ```
        /// # let b = segcore::data::Events::builder(vec!["c1"], vec![0_i64], vec!["page_view"]);
        /// assert!(b.platform(vec!["web"]).build().is_ok());
        /// ```
        platform: text,

        /// Monetary values (NaN = unknown; infinities are refused).
        ///
        /// ```
        /// # let b = segcore::data::Events::builder(vec!["c1"], vec![0_i64], vec!["add_to_cart"]);
        /// assert!(b.value(vec![f64::INFINITY]).build().is_err());
        /// ```
        value: f64,
    }

    /// Validates and builds.
    ///
    /// ```
    /// use segcore::data::Events;
    /// let e = Events::builder(vec![1_i64], vec![0_i64], vec![""]).build().unwrap_err();
    /// assert_eq!(e.to_string(), "column `kind`, row 0: empty event kind");
    /// ```
    pub fn build(self) -> Result<Events> {
        let n = self.customer.len();
        check_rows(
            "events",
            n,
            &[
                ("timestamp", Some(self.timestamp.len())),
                ("kind", Some(self.kind.len())),
                ("category", self.category.as_ref().map(TextColumn::len)),
                ("channel", self.channel.as_ref().map(TextColumn::len)),
                ("session", self.session.as_ref().map(TextColumn::len)),
                ("platform", self.platform.as_ref().map(TextColumn::len)),
                ("value", self.value.as_ref().map(Vec::len)),
            ],
        )?;
        if let Some(v) = &self.value {
            if let Some(row) = v.iter().position(|x| x.is_infinite()) {
                return Err(SegError::invalid(
                    "value",
                    row,
                    "infinite value (use NaN for unknown)",
                ));
            }
        }
        let timestamp = self.timestamp.to_seconds("timestamp")?;
        let mut other_kinds: Vec<String> = Vec::new();
        let mut kind = Vec::with_capacity(n);
        for (row, k) in self.kind.iter().enumerate() {
            if k.trim().is_empty() {
                return Err(SegError::invalid("kind", row, "empty event kind"));
            }
            let parsed = EventKind::parse(k);
            let code = match parsed.standard_code() {
                Some(c) => c,
                None => {
                    let name = parsed.as_str();
                    let pos = match other_kinds.iter().position(|o| o == name) {
                        Some(p) => p,
                        None => {
                            if other_kinds.len() >= (u16::MAX as usize - 15) {
                                return Err(SegError::invalid(
                                    "kind",
                                    row,
                                    "too many distinct event kinds",
                                ));
                            }
                            other_kinds.push(name.to_string());
                            other_kinds.len() - 1
                        }
                    };
                    (pos + 15) as u16
                }
            };
            kind.push(code);
        }
        let (customers, customer) = self.customer.index()?;
        let mut ev = Events {
            customers,
            customer,
            timestamp,
            kind,
            other_kinds,
            category: categorical("category", self.category)?,
            channel: categorical("channel", self.channel)?,
            session: categorical("session", self.session)?,
            platform: categorical("platform", self.platform)?,
            value: self.value,
            duplicate_rows: 0,
        };
        ev.duplicate_rows = ev.count_duplicates();
        Ok(ev)
    }
}
