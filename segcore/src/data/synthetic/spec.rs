//! The fixed tables of the synthetic shop: customer types and their parameters, categories,
//! channels, seasonality and time-of-day patterns.

use serde::{Deserialize, Serialize};

use crate::{Result, SegError};

/// The latent behavioural type of a synthetic customer.
///
/// ```
/// use segcore::data::synthetic::CustomerType;
/// assert_eq!(CustomerType::parse("bargain_hunter").unwrap(), CustomerType::BargainHunter);
/// assert_eq!(CustomerType::OneTimer.as_str(), "one_timer");
/// assert_eq!(CustomerType::ALL.len(), 7);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerType {
    /// Frequent, high-spend, long-lived buyers who read campaigns.
    Loyal,
    /// Discount-driven buyers: low basket, many abandoned carts, email and SMS responsive.
    BargainHunter,
    /// Many sessions, few purchases (40% never buy).
    Browser,
    /// Buy exactly once, then leave.
    OneTimer,
    /// Start like regulars but drop out quickly (high dropout probability), unhappy.
    Lapsing,
    /// Acquired in the last quarter of the period.
    New,
    /// Buy mostly in November and December (gifts).
    Seasonal,
}

impl CustomerType {
    /// Every type, in code order.
    pub const ALL: [CustomerType; 7] = [
        CustomerType::Loyal,
        CustomerType::BargainHunter,
        CustomerType::Browser,
        CustomerType::OneTimer,
        CustomerType::Lapsing,
        CustomerType::New,
        CustomerType::Seasonal,
    ];

    /// Snake-case name.
    ///
    /// ```
    /// assert_eq!(segcore::data::synthetic::CustomerType::Loyal.as_str(), "loyal");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerType::Loyal => "loyal",
            CustomerType::BargainHunter => "bargain_hunter",
            CustomerType::Browser => "browser",
            CustomerType::OneTimer => "one_timer",
            CustomerType::Lapsing => "lapsing",
            CustomerType::New => "new",
            CustomerType::Seasonal => "seasonal",
        }
    }

    /// Parses a snake-case name.
    ///
    /// ```
    /// assert!(segcore::data::synthetic::CustomerType::parse("whale").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self> {
        CustomerType::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| SegError::param("customer_type", format!("unknown customer type `{s}`")))
    }

    /// Position in [`CustomerType::ALL`].
    ///
    /// ```
    /// assert_eq!(segcore::data::synthetic::CustomerType::Seasonal.index(), 6);
    /// ```
    pub fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn spec(self) -> &'static TypeSpec {
        &TYPES[self.index()]
    }
}

impl std::fmt::Display for CustomerType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Default share of each type (same order as [`CustomerType::ALL`]).
pub const DEFAULT_MIX: [f64; 7] = [0.15, 0.15, 0.15, 0.25, 0.15, 0.08, 0.07];

/// Product categories (sorted; the code of a category is its position).
pub const CATEGORIES: [&str; 10] = [
    "beauty",
    "books",
    "electronics",
    "fashion",
    "garden",
    "grocery",
    "home",
    "jewelry",
    "sports",
    "toys",
];

/// Overall popularity of each category.
pub(crate) const CATEGORY_BASE: [f64; 10] =
    [0.10, 0.10, 0.12, 0.16, 0.05, 0.12, 0.12, 0.04, 0.08, 0.07];

/// Month (Jan..Dec) multipliers of each category's popularity.
pub(crate) const CATEGORY_MONTH: [[f64; 12]; 10] = [
    [1.0, 1.3, 1.0, 1.0, 1.3, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.4], // beauty
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 1.3, 1.0, 1.0, 1.3], // books
    [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.0, 1.6, 2.0], // electronics
    [0.9, 1.0, 1.3, 1.3, 1.1, 1.0, 0.9, 1.0, 1.3, 1.2, 1.0, 1.0], // fashion
    [0.4, 0.6, 1.5, 2.0, 2.0, 1.6, 1.2, 1.0, 0.8, 0.6, 0.5, 0.4], // garden
    [1.0; 12],                                                    // grocery
    [1.2, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1, 1.1], // home
    [0.8, 1.8, 0.8, 0.8, 1.3, 0.8, 0.8, 0.8, 0.8, 0.8, 1.0, 2.2], // jewelry
    [1.5, 1.0, 1.0, 1.1, 1.1, 1.3, 1.3, 1.0, 0.9, 0.9, 0.9, 1.0], // sports
    [0.7, 0.7, 0.7, 0.7, 0.7, 0.8, 0.8, 0.8, 0.8, 1.0, 1.8, 3.0], // toys
];

/// Products per category (`<category>-000`..).
pub(crate) const PRODUCTS_PER_CATEGORY: usize = 40;

/// Sales and engagement channels (sorted; code = position).
pub const CHANNELS: [&str; 5] = ["app", "email", "sms", "social", "web"];
pub(crate) const CH_APP: u32 = 0;
pub(crate) const CH_EMAIL: u32 = 1;
pub(crate) const CH_SMS: u32 = 2;
pub(crate) const CH_SOCIAL: u32 = 3;
pub(crate) const CH_WEB: u32 = 4;

/// Acquisition channels (how a customer first arrived).
pub const ACQUISITION_CHANNELS: [&str; 7] = [
    "affiliate",
    "direct",
    "email",
    "organic_search",
    "paid_search",
    "referral",
    "social",
];

/// Platforms (sorted; code = position).
pub const PLATFORMS: [&str; 3] = ["android", "ios", "web"];

/// Survey topics (sorted; code = position).
pub const TOPICS: [&str; 5] = ["delivery", "price", "product", "support", "website"];

/// Overall purchase seasonality by month (Jan..Dec), before normalising to mean 1.
pub(crate) const MONTH_DEMAND: [f64; 12] = [
    0.9, 0.8, 0.95, 0.95, 1.0, 0.95, 0.9, 0.95, 1.0, 1.05, 1.4, 1.6,
];
/// Purchase seasonality of the seasonal type, before normalising to mean 1.
pub(crate) const MONTH_SEASONAL: [f64; 12] =
    [0.5, 0.4, 0.5, 0.5, 0.6, 0.6, 0.6, 0.6, 0.7, 0.9, 3.5, 4.5];

/// Relative activity by hour of day (UTC).
pub(crate) const HOUR_WEIGHTS: [f64; 24] = [
    0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.6, 0.9, 1.0, 1.0, 1.1, 1.3, 1.3, 1.1, 1.0, 1.0, 1.1,
    1.3, 1.6, 1.8, 1.7, 1.2, 0.6,
];
/// Relative browsing activity by weekday, Monday..Sunday (sessions are thinned by it).
pub(crate) const WEEKDAY_WEIGHTS: [f64; 7] = [0.9, 0.9, 0.95, 0.95, 1.0, 1.2, 1.25];

/// Continue probabilities of a cart: add_to_cart → checkout_start → shipping → payment →
/// purchase.
pub(crate) const FUNNEL_CONTINUE: [f64; 4] = [0.45, 0.6, 0.7, 0.7];

/// Parameters of one customer type (rates per day, money in currency units).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TypeSpec {
    /// Window of the acquisition time, as fractions of the period.
    pub join: (f64, f64),
    /// Probability of making the first purchase at acquisition.
    pub buy_prob: f64,
    /// Gamma shape and mean of the purchase rate λ (per day).
    pub rate_shape: f64,
    pub rate_mean: f64,
    /// Beta(a, b) of the dropout probability after each purchase (a = 0: always 1).
    pub drop_a: f64,
    pub drop_b: f64,
    /// Mean order value (Gamma shape 4 across customers, shape 6 within a customer).
    pub spend_mean: f64,
    pub discount_prob: f64,
    pub return_prob: f64,
    /// Browsing session rate while active and after dropout (per day).
    pub session_rate: f64,
    pub session_rate_after: f64,
    /// Mean number of extra page/product views per session.
    pub views_per_session: f64,
    /// Probability that a browsing session puts something in the cart (then abandoned).
    pub cart_prob: f64,
    pub email_sub: f64,
    pub email_open: f64,
    pub email_click: f64,
    pub app_user: f64,
    pub push_open: f64,
    pub sms_sub: f64,
    pub sms_click: f64,
    /// Channel preference for sessions and purchases: app, email, sms, social, web.
    pub channel_pref: [f64; 5],
    /// Categories whose preference is tripled.
    pub boosted: [usize; 3],
    /// Mean latent satisfaction (standard normal scale).
    pub satisfaction: f64,
    /// Uses [`MONTH_SEASONAL`] instead of [`MONTH_DEMAND`] for purchases and sessions.
    pub seasonal: bool,
    /// Acquisition channel weights (order of [`ACQUISITION_CHANNELS`]).
    pub acquisition: [f64; 7],
}

pub(crate) const TYPES: [TypeSpec; 7] = [
    // loyal
    TypeSpec {
        join: (0.0, 0.6),
        buy_prob: 1.0,
        rate_shape: 6.0,
        rate_mean: 1.0 / 28.0,
        drop_a: 1.0,
        drop_b: 60.0,
        spend_mean: 75.0,
        discount_prob: 0.1,
        return_prob: 0.04,
        session_rate: 1.0 / 25.0,
        session_rate_after: 1.0 / 90.0,
        views_per_session: 1.5,
        cart_prob: 0.12,
        email_sub: 0.8,
        email_open: 0.4,
        email_click: 0.3,
        app_user: 0.6,
        push_open: 0.3,
        sms_sub: 0.2,
        sms_click: 0.15,
        channel_pref: [0.4, 0.15, 0.05, 0.05, 0.35],
        boosted: [1, 2, 6],
        satisfaction: 1.0,
        seasonal: false,
        acquisition: [0.05, 0.25, 0.1, 0.3, 0.1, 0.15, 0.05],
    },
    // bargain hunter
    TypeSpec {
        join: (0.0, 0.6),
        buy_prob: 1.0,
        rate_shape: 4.0,
        rate_mean: 1.0 / 35.0,
        drop_a: 2.0,
        drop_b: 30.0,
        spend_mean: 32.0,
        discount_prob: 0.75,
        return_prob: 0.1,
        session_rate: 1.0 / 18.0,
        session_rate_after: 1.0 / 60.0,
        views_per_session: 2.0,
        cart_prob: 0.35,
        email_sub: 0.9,
        email_open: 0.5,
        email_click: 0.45,
        app_user: 0.4,
        push_open: 0.35,
        sms_sub: 0.6,
        sms_click: 0.25,
        channel_pref: [0.15, 0.3, 0.2, 0.05, 0.3],
        boosted: [0, 3, 5],
        satisfaction: 0.1,
        seasonal: false,
        acquisition: [0.3, 0.05, 0.15, 0.1, 0.3, 0.05, 0.05],
    },
    // browser
    TypeSpec {
        join: (0.0, 0.7),
        buy_prob: 0.6,
        rate_shape: 3.0,
        rate_mean: 1.0 / 150.0,
        drop_a: 2.0,
        drop_b: 18.0,
        spend_mean: 45.0,
        discount_prob: 0.15,
        return_prob: 0.06,
        session_rate: 1.0 / 12.0,
        session_rate_after: 1.0 / 25.0,
        views_per_session: 2.5,
        cart_prob: 0.2,
        email_sub: 0.5,
        email_open: 0.15,
        email_click: 0.2,
        app_user: 0.5,
        push_open: 0.15,
        sms_sub: 0.1,
        sms_click: 0.05,
        channel_pref: [0.2, 0.05, 0.02, 0.28, 0.45],
        boosted: [2, 3, 8],
        satisfaction: 0.0,
        seasonal: false,
        acquisition: [0.05, 0.1, 0.0, 0.25, 0.2, 0.05, 0.35],
    },
    // one-timer
    TypeSpec {
        join: (0.0, 0.9),
        buy_prob: 1.0,
        rate_shape: 2.0,
        rate_mean: 1.0 / 60.0,
        drop_a: 0.0,
        drop_b: 0.0,
        spend_mean: 45.0,
        discount_prob: 0.2,
        return_prob: 0.08,
        session_rate: 1.0 / 60.0,
        session_rate_after: 1.0 / 200.0,
        views_per_session: 2.0,
        cart_prob: 0.1,
        email_sub: 0.4,
        email_open: 0.08,
        email_click: 0.1,
        app_user: 0.1,
        push_open: 0.05,
        sms_sub: 0.1,
        sms_click: 0.05,
        channel_pref: [0.05, 0.05, 0.05, 0.25, 0.6],
        boosted: [4, 6, 9],
        satisfaction: -0.5,
        seasonal: false,
        acquisition: [0.2, 0.05, 0.0, 0.25, 0.35, 0.05, 0.1],
    },
    // lapsing
    TypeSpec {
        join: (0.0, 0.5),
        buy_prob: 1.0,
        rate_shape: 4.0,
        rate_mean: 1.0 / 25.0,
        drop_a: 3.0,
        drop_b: 9.0,
        spend_mean: 55.0,
        discount_prob: 0.2,
        return_prob: 0.07,
        session_rate: 1.0 / 18.0,
        session_rate_after: 1.0 / 120.0,
        views_per_session: 2.0,
        cart_prob: 0.15,
        email_sub: 0.8,
        email_open: 0.3,
        email_click: 0.25,
        app_user: 0.4,
        push_open: 0.2,
        sms_sub: 0.2,
        sms_click: 0.1,
        channel_pref: [0.3, 0.15, 0.05, 0.1, 0.4],
        boosted: [3, 5, 6],
        satisfaction: -0.7,
        seasonal: false,
        acquisition: [0.1, 0.15, 0.1, 0.25, 0.2, 0.1, 0.1],
    },
    // new
    TypeSpec {
        join: (0.75, 1.0),
        buy_prob: 1.0,
        rate_shape: 4.0,
        rate_mean: 1.0 / 30.0,
        drop_a: 1.0,
        drop_b: 20.0,
        spend_mean: 50.0,
        discount_prob: 0.3,
        return_prob: 0.05,
        session_rate: 1.0 / 12.0,
        session_rate_after: 1.0 / 60.0,
        views_per_session: 2.0,
        cart_prob: 0.2,
        email_sub: 0.7,
        email_open: 0.35,
        email_click: 0.3,
        app_user: 0.5,
        push_open: 0.25,
        sms_sub: 0.2,
        sms_click: 0.1,
        channel_pref: [0.3, 0.1, 0.05, 0.2, 0.35],
        boosted: [0, 3, 8],
        satisfaction: 0.4,
        seasonal: false,
        acquisition: [0.1, 0.05, 0.05, 0.2, 0.3, 0.1, 0.2],
    },
    // seasonal
    TypeSpec {
        join: (0.0, 0.6),
        buy_prob: 1.0,
        rate_shape: 4.0,
        rate_mean: 1.0 / 90.0,
        drop_a: 1.0,
        drop_b: 30.0,
        spend_mean: 85.0,
        discount_prob: 0.2,
        return_prob: 0.06,
        session_rate: 1.0 / 30.0,
        session_rate_after: 1.0 / 120.0,
        views_per_session: 2.0,
        cart_prob: 0.15,
        email_sub: 0.6,
        email_open: 0.25,
        email_click: 0.25,
        app_user: 0.2,
        push_open: 0.15,
        sms_sub: 0.1,
        sms_click: 0.1,
        channel_pref: [0.1, 0.2, 0.05, 0.1, 0.55],
        boosted: [2, 7, 9],
        satisfaction: 0.5,
        seasonal: true,
        acquisition: [0.1, 0.2, 0.1, 0.3, 0.15, 0.1, 0.05],
    },
];

/// Cart stages an [`Outage`] can hit: a session that reached the stage fails to go on to the
/// next one (`add_to_cart` → `checkout_start` … `payment` → `purchase`).
pub const OUTAGE_STAGES: [&str; 4] = ["add_to_cart", "checkout_start", "shipping", "payment"];

/// A planted outage of the synthetic shop: during `days` days from `start` (UTC seconds,
/// floored to midnight), every session that reaches `stage` stops there with the extra
/// probability `extra_drop_off` (on top of the shop's normal abandonment), e.g. a payment
/// provider failing. A stopped purchase session loses its later cart events and its
/// `purchase` event; the order itself is kept in the transactions (the customer completed it
/// another way), so customer histories, CLV and churn are those of the shop without the
/// outage. Whether a session is hit is decided by a hash of the shop seed, the customer
/// and the session, independent of the customer's random stream: apart from the stopped
/// sessions the shop is identical with and without the outage, for any thread count.
///
/// ```
/// use segcore::data::synthetic::{Outage, SyntheticShop};
/// let week = 1_672_531_200 + 14 * 86_400; // 2023-01-15
/// let o = Outage::new("payment", week, 7, 0.5).unwrap();
/// assert_eq!((o.stage.as_str(), o.days), ("payment", 7));
/// assert!(Outage::new("checkout", week, 7, 0.5).is_err());
/// let shop = SyntheticShop::params().n_customers(20).outage(o);
/// assert_eq!(shop.outages.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outage {
    /// The stage where sessions stop (one of [`OUTAGE_STAGES`]).
    pub stage: String,
    /// First day of the outage, UTC seconds (floored to midnight).
    pub start: i64,
    /// Length in days (at least 1).
    pub days: u32,
    /// Extra probability that a session reaching `stage` stops there, in `[0, 1]`.
    pub extra_drop_off: f64,
}

impl Outage {
    /// A validated outage (see the type docs).
    ///
    /// ```
    /// let o = segcore::data::synthetic::Outage::new("shipping", 0, 3, 1.0).unwrap();
    /// assert_eq!(o.extra_drop_off, 1.0);
    /// ```
    pub fn new(stage: &str, start: i64, days: u32, extra_drop_off: f64) -> Result<Outage> {
        let o = Outage {
            stage: stage.to_string(),
            start,
            days,
            extra_drop_off,
        };
        o.validate()?;
        Ok(o)
    }

    /// Checks the stage name, the length and the probability.
    ///
    /// ```
    /// let mut o = segcore::data::synthetic::Outage::new("payment", 0, 1, 0.2).unwrap();
    /// o.extra_drop_off = 1.5;
    /// assert!(o.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        if self.stage_offset().is_none() {
            return Err(SegError::param(
                "outage.stage",
                format!(
                    "unknown stage `{}` (expected one of {})",
                    self.stage,
                    OUTAGE_STAGES.join(", ")
                ),
            ));
        }
        if self.days == 0 {
            return Err(SegError::param("outage.days", "must be at least 1"));
        }
        if !(0.0..=1.0).contains(&self.extra_drop_off) {
            return Err(SegError::param(
                "outage.extra_drop_off",
                "must be a probability in [0, 1]",
            ));
        }
        Ok(())
    }

    /// Position of the stage in [`OUTAGE_STAGES`].
    pub(crate) fn stage_offset(&self) -> Option<usize> {
        OUTAGE_STAGES.iter().position(|s| *s == self.stage)
    }
}
