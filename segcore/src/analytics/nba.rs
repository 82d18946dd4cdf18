//! Next best action: one action per customer from a configurable, serde-serialisable rule table.
//!
//! Rules are tried in order and the first whose conditions all hold wins; a customer no rule
//! matches gets `fallback_action`. A condition compares one per-customer fact with a threshold;
//! an unknown fact (column not given, or NaN for that customer) makes the condition false. A
//! rule may also be limited to some segments.
//!
//! Default rules, in priority order (the order is the point: fix a bad experience before
//! selling, recover a cart while it is warm, save valuable customers before rewarding others):
//! 1. `service_recovery` — satisfaction <= 0.4 (satisfaction on 0..1, e.g. normalised survey scores);
//! 2. `cart_reminder` — cart abandoned <= 3 days ago;
//! 3. `win_back` — churn probability >= 0.5 and CLV percentile >= 0.7 (lapsing high-value);
//! 4. `welcome_offer` — tenure <= 30 days (new customers);
//! 5. `referral_ask` — satisfaction >= 0.8 and CLV percentile >= 0.7;
//! 6. `loyalty_reward` — at least 5 orders (frequent buyers);
//! 7. `cross_sell_upsell` — CLV percentile >= 0.8;
//!
//! and `nurture` otherwise. The CLV percentile of a customer is the share of customers (with a
//! known CLV) whose CLV is at most theirs.
//!
//! ```
//! use segcore::analytics::nba::{CustomerFacts, RuleTable};
//! let facts = CustomerFacts {
//!     satisfaction: Some(&[0.2, 0.9, f64::NAN]),
//!     tenure_days: Some(&[400.0, 400.0, 10.0]),
//!     ..Default::default()
//! };
//! let actions = RuleTable::default().decide(&facts).unwrap();
//! let names: Vec<&str> = actions.iter().map(|a| a.action.as_str()).collect();
//! assert_eq!(names, ["service_recovery", "nurture", "welcome_offer"]);
//! assert_eq!(actions[0].reason, "dissatisfied customer: recover the relationship (satisfaction 0.2 <= 0.4)");
//! ```

use serde::{Deserialize, Serialize};

use super::funnel::AbandonedCart;
use crate::data::{Groups, Transactions};
use crate::{Result, SegError};

/// A per-customer fact a condition can test.
///
/// ```
/// assert_eq!(segcore::analytics::nba::Field::ClvPercentile.name(), "clv_percentile");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Customer lifetime value.
    Clv,
    /// Share of customers whose CLV is at most this one's (0..1).
    ClvPercentile,
    /// Churn probability (0..1).
    ChurnProbability,
    /// Probability the customer is still active (0..1).
    PAlive,
    /// Satisfaction on 0..1.
    Satisfaction,
    /// Value of the abandoned cart.
    CartValue,
    /// Days since the cart was abandoned.
    DaysSinceCartAbandoned,
    /// Days since the first purchase.
    TenureDays,
    /// Number of orders (purchase days).
    Orders,
    /// Days since the last purchase.
    DaysSinceLastOrder,
}

impl Field {
    /// Snake-case name.
    ///
    /// ```
    /// assert_eq!(segcore::analytics::nba::Field::Orders.name(), "orders");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Field::Clv => "clv",
            Field::ClvPercentile => "clv_percentile",
            Field::ChurnProbability => "churn_probability",
            Field::PAlive => "p_alive",
            Field::Satisfaction => "satisfaction",
            Field::CartValue => "cart_value",
            Field::DaysSinceCartAbandoned => "days_since_cart_abandoned",
            Field::TenureDays => "tenure_days",
            Field::Orders => "orders",
            Field::DaysSinceLastOrder => "days_since_last_order",
        }
    }
}

/// Comparison of a condition.
///
/// ```
/// assert!(segcore::analytics::nba::Op::Ge.holds(1.0, 1.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `<`
    #[serde(rename = "<")]
    Lt,
}

impl Op {
    /// Whether `x op threshold` holds (false for NaN).
    ///
    /// ```
    /// assert!(!segcore::analytics::nba::Op::Lt.holds(f64::NAN, 1.0));
    /// ```
    pub fn holds(self, x: f64, threshold: f64) -> bool {
        match self {
            Op::Ge => x >= threshold,
            Op::Gt => x > threshold,
            Op::Le => x <= threshold,
            Op::Lt => x < threshold,
        }
    }
    fn symbol(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
        }
    }
}

/// One condition: `field op value`.
///
/// ```
/// use segcore::analytics::nba::{Condition, Field, Op};
/// let c = Condition::new(Field::Orders, Op::Ge, 5.0);
/// assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"field":"orders","op":">=","value":5.0}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// The fact tested.
    pub field: Field,
    /// The comparison.
    pub op: Op,
    /// The threshold.
    pub value: f64,
}

impl Condition {
    /// A condition.
    ///
    /// ```
    /// use segcore::analytics::nba::{Condition, Field, Op};
    /// assert_eq!(Condition::new(Field::Clv, Op::Gt, 1.0).value, 1.0);
    /// ```
    pub fn new(field: Field, op: Op, value: f64) -> Condition {
        Condition { field, op, value }
    }
}

/// One rule: an action, a reason, optional segments and conditions that must all hold.
///
/// ```
/// use segcore::analytics::nba::{Condition, Field, Op, Rule};
/// let r = Rule::new("vip_call", "top customer", vec![Condition::new(Field::ClvPercentile, Op::Ge, 0.99)]);
/// assert!(r.segments.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Action name.
    pub action: String,
    /// Why, in words (the matched values are appended).
    pub reason: String,
    /// Only customers in these segments (any segment when `None`).
    #[serde(default)]
    pub segments: Option<Vec<String>>,
    /// Conditions that must all hold.
    pub conditions: Vec<Condition>,
}

impl Rule {
    /// A rule for every segment.
    ///
    /// ```
    /// let r = segcore::analytics::nba::Rule::new("a", "b", vec![]);
    /// assert_eq!(r.action, "a");
    /// ```
    pub fn new(action: &str, reason: &str, conditions: Vec<Condition>) -> Rule {
        Rule {
            action: action.into(),
            reason: reason.into(),
            segments: None,
            conditions,
        }
    }

    /// Limits the rule to some segments.
    ///
    /// ```
    /// let r = segcore::analytics::nba::Rule::new("a", "b", vec![]).in_segments(&["vip"]);
    /// assert_eq!(r.segments, Some(vec!["vip".to_string()]));
    /// ```
    pub fn in_segments(mut self, segments: &[&str]) -> Rule {
        self.segments = Some(segments.iter().map(|s| s.to_string()).collect());
        self
    }
}

/// The ordered rule table (see the module docs for the defaults).
///
/// ```
/// let t = segcore::analytics::nba::RuleTable::default();
/// let json = serde_json::to_string(&t).unwrap();
/// let back: segcore::analytics::nba::RuleTable = serde_json::from_str(&json).unwrap();
/// assert_eq!(back, t);
/// assert_eq!(t.rules[0].action, "service_recovery");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleTable {
    /// Rules in priority order.
    pub rules: Vec<Rule>,
    /// Action when no rule matches.
    pub fallback_action: String,
}

impl Default for RuleTable {
    fn default() -> Self {
        use Field::*;
        use Op::*;
        let c = Condition::new;
        RuleTable {
            rules: vec![
                Rule::new(
                    "service_recovery",
                    "dissatisfied customer: recover the relationship",
                    vec![c(Satisfaction, Le, 0.4)],
                ),
                Rule::new(
                    "cart_reminder",
                    "recently abandoned cart",
                    vec![c(DaysSinceCartAbandoned, Le, 3.0)],
                ),
                Rule::new(
                    "win_back",
                    "high-value customer likely lapsing",
                    vec![c(ChurnProbability, Ge, 0.5), c(ClvPercentile, Ge, 0.7)],
                ),
                Rule::new(
                    "welcome_offer",
                    "new customer",
                    vec![c(TenureDays, Le, 30.0)],
                ),
                Rule::new(
                    "referral_ask",
                    "satisfied high-value customer",
                    vec![c(Satisfaction, Ge, 0.8), c(ClvPercentile, Ge, 0.7)],
                ),
                Rule::new("loyalty_reward", "frequent buyer", vec![c(Orders, Ge, 5.0)]),
                Rule::new(
                    "cross_sell_upsell",
                    "high expected value",
                    vec![c(ClvPercentile, Ge, 0.8)],
                ),
            ],
            fallback_action: "nurture".into(),
        }
    }
}

/// Per-customer facts, each an optional slice indexed by customer code (all given slices must
/// have the same length; NaN = unknown for that customer).
///
/// ```
/// let f = segcore::analytics::nba::CustomerFacts { orders: Some(&[1.0, 7.0]), ..Default::default() };
/// assert_eq!(f.len().unwrap(), 2);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct CustomerFacts<'a> {
    /// Segment label per customer.
    pub segment: Option<&'a [String]>,
    /// CLV.
    pub clv: Option<&'a [f64]>,
    /// Churn probability.
    pub churn_probability: Option<&'a [f64]>,
    /// P(alive).
    pub p_alive: Option<&'a [f64]>,
    /// Satisfaction on 0..1.
    pub satisfaction: Option<&'a [f64]>,
    /// Abandoned cart value.
    pub cart_value: Option<&'a [f64]>,
    /// Days since the cart was abandoned.
    pub days_since_cart_abandoned: Option<&'a [f64]>,
    /// Days since the first purchase.
    pub tenure_days: Option<&'a [f64]>,
    /// Number of orders.
    pub orders: Option<&'a [f64]>,
    /// Days since the last purchase.
    pub days_since_last_order: Option<&'a [f64]>,
}

impl CustomerFacts<'_> {
    fn columns(&self) -> [(&'static str, Option<&[f64]>); 9] {
        [
            ("clv", self.clv),
            ("churn_probability", self.churn_probability),
            ("p_alive", self.p_alive),
            ("satisfaction", self.satisfaction),
            ("cart_value", self.cart_value),
            ("days_since_cart_abandoned", self.days_since_cart_abandoned),
            ("tenure_days", self.tenure_days),
            ("orders", self.orders),
            ("days_since_last_order", self.days_since_last_order),
        ]
    }

    /// Number of customers (checks that every given column has it).
    ///
    /// ```
    /// let f = segcore::analytics::nba::CustomerFacts { clv: Some(&[1.0]), orders: Some(&[1.0, 2.0]), ..Default::default() };
    /// assert!(f.len().is_err());
    /// ```
    pub fn len(&self) -> Result<usize> {
        let mut n: Option<(&str, usize)> = self.segment.map(|s| ("segment", s.len()));
        for (name, col) in self.columns() {
            if let Some(c) = col {
                match n {
                    None => n = Some((name, c.len())),
                    Some((_, m)) => super::check_slice_len(name, m, c.len())?,
                }
            }
        }
        match n {
            Some((_, m)) if m > 0 => Ok(m),
            _ => Err(SegError::Empty {
                what: "customer facts".into(),
            }),
        }
    }

    /// Always false for valid facts (kept for clippy's `len` convention).
    ///
    /// ```
    /// assert!(segcore::analytics::nba::CustomerFacts::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len().is_err()
    }
}

/// The action chosen for one customer.
///
/// ```
/// # use segcore::analytics::nba::*;
/// let f = CustomerFacts { orders: Some(&[9.0]), ..Default::default() };
/// let a = &RuleTable::default().decide(&f).unwrap()[0];
/// assert_eq!((a.action.as_str(), a.rule), ("loyalty_reward", Some(5)));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// Customer code.
    pub customer_code: u32,
    /// Action name.
    pub action: String,
    /// Index of the matching rule (`None` = fallback).
    pub rule: Option<usize>,
    /// Why: the rule's reason and the values that matched.
    pub reason: String,
}

fn percentile_ranks(clv: &[f64]) -> Vec<f64> {
    let mut known: Vec<f64> = clv.iter().copied().filter(|x| !x.is_nan()).collect();
    known.sort_by(f64::total_cmp);
    let n = known.len() as f64;
    clv.iter()
        .map(|&x| {
            if x.is_nan() {
                f64::NAN
            } else {
                known.partition_point(|&v| v <= x) as f64 / n
            }
        })
        .collect()
}

fn fmt_num(x: f64) -> String {
    let r = (x * 1000.0).round() / 1000.0;
    format!("{r}")
}

impl RuleTable {
    /// Checks the table: finite thresholds, non-empty action names.
    ///
    /// ```
    /// use segcore::analytics::nba::*;
    /// let mut t = RuleTable::default();
    /// t.rules[0].conditions[0].value = f64::NAN;
    /// assert!(t.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        if self.fallback_action.trim().is_empty() {
            return Err(SegError::param("fallback_action", "must not be empty"));
        }
        for (i, r) in self.rules.iter().enumerate() {
            if r.action.trim().is_empty() {
                return Err(SegError::param("rules", format!("rule {i} has no action")));
            }
            if r.conditions.iter().any(|c| !c.value.is_finite()) {
                return Err(SegError::param(
                    "rules",
                    format!("rule {i} (`{}`) has a non-finite threshold", r.action),
                ));
            }
        }
        Ok(())
    }

    /// One action per customer (see the module docs).
    ///
    /// ```
    /// # use segcore::analytics::nba::*;
    /// let f = CustomerFacts { clv: Some(&[1.0, 2.0, 3.0, 4.0, 100.0]), ..Default::default() };
    /// let a = RuleTable::default().decide(&f).unwrap();
    /// assert_eq!(a[4].action, "cross_sell_upsell");
    /// assert_eq!(a[0].action, "nurture");
    /// ```
    pub fn decide(&self, facts: &CustomerFacts<'_>) -> Result<Vec<Action>> {
        self.validate()?;
        let n = facts.len()?;
        let pct = facts.clv.map(percentile_ranks);
        let get = |f: Field, c: usize| -> f64 {
            let col = match f {
                Field::Clv => facts.clv,
                Field::ClvPercentile => pct.as_deref(),
                Field::ChurnProbability => facts.churn_probability,
                Field::PAlive => facts.p_alive,
                Field::Satisfaction => facts.satisfaction,
                Field::CartValue => facts.cart_value,
                Field::DaysSinceCartAbandoned => facts.days_since_cart_abandoned,
                Field::TenureDays => facts.tenure_days,
                Field::Orders => facts.orders,
                Field::DaysSinceLastOrder => facts.days_since_last_order,
            };
            col.map_or(f64::NAN, |v| v[c])
        };
        Ok((0..n)
            .map(|c| {
                for (i, r) in self.rules.iter().enumerate() {
                    if let Some(segs) = &r.segments {
                        let Some(s) = facts.segment.map(|s| &s[c]) else {
                            continue;
                        };
                        if !segs.iter().any(|x| x == s) {
                            continue;
                        }
                    }
                    if r.conditions
                        .iter()
                        .all(|k| k.op.holds(get(k.field, c), k.value))
                    {
                        let detail: Vec<String> = r
                            .conditions
                            .iter()
                            .map(|k| {
                                format!(
                                    "{} {} {} {}",
                                    k.field.name(),
                                    fmt_num(get(k.field, c)),
                                    k.op.symbol(),
                                    fmt_num(k.value)
                                )
                            })
                            .collect();
                        let reason = if detail.is_empty() {
                            r.reason.clone()
                        } else {
                            format!("{} ({})", r.reason, detail.join(", "))
                        };
                        return Action {
                            customer_code: c as u32,
                            action: r.action.clone(),
                            rule: Some(i),
                            reason,
                        };
                    }
                }
                Action {
                    customer_code: c as u32,
                    action: self.fallback_action.clone(),
                    rule: None,
                    reason: "no rule matched".into(),
                }
            })
            .collect())
    }
}

/// Order facts from transactions, per customer code: tenure (days since the first purchase),
/// orders (distinct purchase days) and days since the last purchase, as of `as_of`
/// (purchases = rows with amount >= 0 up to `as_of`; NaN for customers without one).
///
/// ```
/// use segcore::analytics::nba::order_facts;
/// let tx = segcore::data::Transactions::builder(vec![1_i64, 1], vec![0_i64, 86_400 * 10], vec![5.0, 5.0]).build().unwrap();
/// let f = order_facts(&tx, 86_400 * 20);
/// assert_eq!((f.tenure_days[0], f.orders[0], f.days_since_last_order[0]), (20.0, 2.0, 10.0));
/// ```
pub fn order_facts(tx: &Transactions, as_of: i64) -> OrderFacts {
    let n = tx.customers().len();
    let g = Groups::of_valid(tx.customer(), tx.timestamp(), n);
    let mut out = OrderFacts {
        tenure_days: vec![f64::NAN; n],
        orders: vec![f64::NAN; n],
        days_since_last_order: vec![f64::NAN; n],
    };
    for c in 0..n {
        let mut first = None;
        let mut last = None;
        let mut days = 0u64;
        let mut last_day = i64::MIN;
        for &r in g.rows_of(c) {
            let r = r as usize;
            let t = tx.timestamp()[r];
            if t > as_of || tx.amount()[r] < 0.0 {
                continue;
            }
            first.get_or_insert(t);
            last = Some(t);
            let d = t.div_euclid(86_400);
            if d != last_day {
                days += 1;
                last_day = d;
            }
        }
        if let (Some(f), Some(l)) = (first, last) {
            out.tenure_days[c] = (as_of - f) as f64 / 86_400.0;
            out.orders[c] = days as f64;
            out.days_since_last_order[c] = (as_of - l) as f64 / 86_400.0;
        }
    }
    out
}

/// Output of [`order_facts`].
///
/// ```
/// let f = segcore::analytics::nba::OrderFacts { tenure_days: vec![], orders: vec![], days_since_last_order: vec![] };
/// assert!(f.orders.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderFacts {
    /// Days since the first purchase.
    pub tenure_days: Vec<f64>,
    /// Distinct purchase days.
    pub orders: Vec<f64>,
    /// Days since the last purchase.
    pub days_since_last_order: Vec<f64>,
}

/// Cart facts from [`crate::analytics::funnel::FunnelAnalysis::abandoned_carts`]: cart value and
/// days since abandonment per customer (NaN when none or unknown).
///
/// ```
/// use segcore::analytics::nba::cart_facts;
/// let (v, d) = cart_facts(&[None], 0);
/// assert!(v[0].is_nan() && d[0].is_nan());
/// ```
pub fn cart_facts(carts: &[Option<AbandonedCart>], as_of: i64) -> (Vec<f64>, Vec<f64>) {
    carts
        .iter()
        .map(|c| match c {
            Some(c) => (
                c.value.unwrap_or(f64::NAN),
                (as_of - c.abandoned_at) as f64 / 86_400.0,
            ),
            None => (f64::NAN, f64::NAN),
        })
        .unzip()
}
