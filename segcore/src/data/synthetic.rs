//! A seeded synthetic shop: transactions, events and feedback of customers with known
//! latent types, for demos, tests and benchmarks.
//!
//! # Generative model
//!
//! Every customer `i` is simulated from its own ChaCha8 stream (the key derived from the
//! seed, stream number `i`), so the shop is the same for a seed on every machine and any
//! number of threads, and customers are generated in parallel. Customer ids are
//! `C` + the zero-padded index (`C000123`), so code `i` of the index is customer `i`.
//! Times are UTC; the period is `days` days from `start` (floored to midnight).
//!
//! 1. **Type** from the mix (default loyal 0.15, bargain hunter 0.15, browser 0.15,
//!    one-timer 0.25, lapsing 0.15, new 0.08, seasonal 0.07). Each type has its own
//!    parameters (the table below and `synthetic/spec.rs`).
//! 2. **Acquisition**: a day uniform in the type's window of the period (new customers in
//!    the last quarter; one-timers in the first 90%; others in the first 50–70%), an hour
//!    from the hour-of-day pattern, and an acquisition channel (affiliate, direct, email,
//!    organic_search, paid_search, referral, social) from type-specific weights.
//! 3. **Purchases (BG/NBD-like)**: purchase rate λ ~ Gamma(shape r, mean m) per day, capped at
//!    2; dropout probability p ~ Beta(a, b) (one-timers: p = 1). The first purchase is at
//!    acquisition (browsers buy at all with probability 0.6), then purchases follow a
//!    Poisson process of rate λ · s(month) (thinning; s is a monthly demand profile with mean
//!    1 peaking in November–December; seasonal customers use a sharper profile), and after
//!    each purchase the customer drops out with probability p.
//! 4. **Orders**: amount ~ Gamma(6, ν/6) with the customer's mean spend ν ~ Gamma(4, μ/4)
//!    (Gamma-Gamma-like); a discount with a type-dependent probability (bargain hunters
//!    0.75) takes 20% off; quantity 1 + Poisson(0.6); the category from the customer's
//!    preferences (base popularity × 3 for the type's three favourite categories ×
//!    Gamma(2, 1/2) noise) times the category's month profile (toys and electronics peak in
//!    December, garden in spring...); a product `<category>-NNN` skewed to low numbers; a
//!    sales channel (app, email, sms, social, web) from the customer's channel preferences
//!    among the channels they use (app users, email and SMS subscribers). A return (negative
//!    amount, full with probability 0.7, else 30–90%) follows 3–30 days later with a
//!    type-dependent probability. One row per order.
//! 5. **Sessions**: each order comes with its session (entry event for the channel —
//!    `app_session`, `social_visit`, `email_click`, `sms_click` or a `page_view` — then
//!    1 + Poisson(1) views, then `add_to_cart` → `checkout_start` → `shipping` → `payment` →
//!    `purchase`, the cart value in the `value` column). Browsing sessions follow a Poisson
//!    process whose rate is the type's active rate until dropout and a lower rate after,
//!    times the weekday pattern (weekends higher) and, for seasonal customers, the season;
//!    each has Poisson(type mean) extra product views (category), searches (category) and
//!    page views 5 s + Exp(45 s) apart. With a type-dependent probability (bargain hunters
//!    0.35) a browsing session ends in an **abandoned cart**: the cart stops at stage k of
//!    add_to_cart, checkout_start, shipping, payment with probability proportional to
//!    c₁⋯c_{k−1}(1 − c_k), continue probabilities c = (0.45, 0.6, 0.7, 0.7), so abandonment
//!    decreases along the funnel.
//! 6. **Campaigns** on a shop-wide schedule: an email every 14 days to subscribers
//!    (`email_sent`; `email_open` with the type's open rate, ×0.3 after dropout;
//!    `email_click` with the click rate, starting a short session; 1% unsubscribe after each
//!    send), a push every 10 days to app users (`push_open` starting an app session), an SMS
//!    every 30 days to SMS subscribers (`sms_click` starting a session).
//! 7. **Feedback**: latent satisfaction z ~ N(type mean, 0.8²) (loyal 1.0 ... lapsing −0.7);
//!    after each order with probability 0.25 a CSAT score round(3.3 + z + 0.7ε) in 1..5
//!    1–10 days later; once per customer with probability 0.35 an NPS score
//!    round(7 + 1.8z + 1.2ε) in 0..10, 30–180 days after acquisition; topics (delivery,
//!    price, product, support, website) depend on the score.
//! 8. **Outages** (none by default): [`SyntheticShopParams::outage`] plants an [`Outage`] —
//!    a cart stage, a start day, a length in days and an extra drop-off probability — during
//!    which sessions reaching the stage stop there with that probability (seeded hash draws,
//!    so the rest of the shop is unchanged). Used to test the funnel anomaly flags.
//!
//! | type | λ mean /day (shape) | dropout Beta(a,b) | mean spend | discount | browse rate /day | cart prob |
//! | --- | --- | --- | --- | --- | --- | --- |
//! | loyal | 1/28 (6) | (1, 60) | 75 | 0.10 | 1/25 | 0.12 |
//! | bargain_hunter | 1/35 (4) | (2, 30) | 32 | 0.75 | 1/18 | 0.35 |
//! | browser | 1/150 (3) | (2, 18) | 45 | 0.15 | 1/12 | 0.20 |
//! | one_timer | 1/60 (2) | p = 1 | 45 | 0.20 | 1/60 | 0.10 |
//! | lapsing | 1/25 (4) | (3, 9) | 55 | 0.20 | 1/18 | 0.15 |
//! | new | 1/30 (4) | (1, 20) | 50 | 0.30 | 1/12 | 0.20 |
//! | seasonal | 1/90 (4), Nov–Dec ×~4 | (1, 30) | 85 | 0.20 | 1/30 | 0.15 |
//!
//! Transcendental functions (`ln`, `exp`) come from the platform's libm, which may differ in
//! the last bit between platforms; on one platform the output is bit-identical for a seed.
//!
//! ```
//! use segcore::data::synthetic::SyntheticShop;
//! let logs = SyntheticShop::params().n_customers(50).seed(7).generate().unwrap();
//! assert_eq!(logs.customers().len(), 50);
//! assert_eq!(logs.customers().label(0), "C000000");
//! ```

mod sim;
mod spec;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use spec::{
    ACQUISITION_CHANNELS, CATEGORIES, CHANNELS, CustomerType, DEFAULT_MIX, OUTAGE_STAGES, Outage,
    PLATFORMS, TOPICS,
};

use self::sim::{Calendar, Chunk, NO_SESSION, simulate};
use self::spec::PRODUCTS_PER_CATEGORY;
use super::columns::{Categorical, MISSING};
use super::events::Events;
use super::feedback::Feedback;
use super::ids::{CustomerIndex, IdColumn};
use super::logs::Logs;
use super::time::{MAX_TIMESTAMP, MIN_TIMESTAMP};
use super::transactions::Transactions;
use crate::{Result, SegError};

/// Customers simulated per parallel task (fixed, so chunking never depends on threads).
const CHUNK: usize = 512;

/// Entry point of the synthetic shop generator; see the module docs.
///
/// ```
/// let p = segcore::data::synthetic::SyntheticShop::params();
/// assert_eq!(p.n_customers, 1000);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SyntheticShop;

impl SyntheticShop {
    /// Default parameters: 1,000 customers, seed 0, two years from 2023-01-01.
    ///
    /// ```
    /// let p = segcore::data::synthetic::SyntheticShop::params().n_customers(10).days(90);
    /// assert_eq!((p.n_customers, p.days), (10, 90));
    /// ```
    pub fn params() -> SyntheticShopParams {
        SyntheticShopParams::default()
    }
}

/// Parameters of the synthetic shop (plain data; validated by `generate`).
///
/// ```
/// use segcore::data::synthetic::SyntheticShopParams;
/// let p = SyntheticShopParams::default().seed(3).start(1_600_000_000);
/// assert_eq!(p.seed, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyntheticShopParams {
    /// Number of customers (1..=9,999,999).
    pub n_customers: usize,
    /// Seed of the random streams.
    pub seed: u64,
    /// Start of the period, UTC seconds (floored to midnight). Default 2023-01-01.
    pub start: i64,
    /// Length of the period in days (1..=36,500). Default 730.
    pub days: u32,
    /// Share of each customer type, in the order of [`CustomerType::ALL`] (normalised).
    pub type_mix: [f64; 7],
    /// Whether to return events (default true).
    pub events: bool,
    /// Whether to return feedback (default true).
    pub feedback: bool,
    /// Planted funnel outages (default none; see [`Outage`]).
    #[serde(default)]
    pub outages: Vec<Outage>,
}

impl Default for SyntheticShopParams {
    fn default() -> Self {
        SyntheticShopParams {
            n_customers: 1000,
            seed: 0,
            start: 1_672_531_200, // 2023-01-01
            days: 730,
            type_mix: DEFAULT_MIX,
            events: true,
            feedback: true,
            outages: Vec::new(),
        }
    }
}

/// The true latent traits of one synthetic customer.
///
/// ```
/// use segcore::data::synthetic::SyntheticShop;
/// let (_, truth) = SyntheticShop::params().n_customers(3).generate_with_truth().unwrap();
/// assert_eq!(truth[2].id, "C000002");
/// assert!(truth[0].dropout_probability >= 0.0 && truth[0].dropout_probability <= 1.0);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerTruth {
    /// Customer id (`C` + zero-padded index).
    pub id: String,
    /// Latent type.
    pub kind: CustomerType,
    /// How the customer first arrived (one of [`ACQUISITION_CHANNELS`]).
    pub acquisition_channel: String,
    /// Acquisition time, UTC seconds.
    pub joined: i64,
    /// Purchase rate λ per day while active.
    pub purchase_rate: f64,
    /// Dropout probability after each purchase.
    pub dropout_probability: f64,
    /// Mean order value ν.
    pub mean_spend: f64,
    /// Latent satisfaction (standard-normal scale).
    pub satisfaction: f64,
    /// Whether the customer made the first purchase at acquisition (false only for some
    /// browsers, who never buy).
    pub buyer: bool,
    /// Time of the purchase after which the customer dropped out, if they did.
    pub dropped_out: Option<i64>,
    /// Subscribed to the email newsletter.
    pub email_subscriber: bool,
    /// Uses the app.
    pub app_user: bool,
    /// Subscribed to SMS.
    pub sms_subscriber: bool,
}

impl SyntheticShopParams {
    /// Sets the number of customers.
    ///
    /// ```
    /// assert_eq!(segcore::data::synthetic::SyntheticShop::params().n_customers(5).n_customers, 5);
    /// ```
    pub fn n_customers(mut self, n: usize) -> Self {
        self.n_customers = n;
        self
    }

    /// Sets the seed.
    ///
    /// ```
    /// assert_eq!(segcore::data::synthetic::SyntheticShop::params().seed(9).seed, 9);
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the start of the period (UTC seconds; floored to midnight).
    ///
    /// ```
    /// use segcore::data::time::{parse_time, TimeFormat};
    /// let t = parse_time("2024-01-01", TimeFormat::IsoDate).unwrap();
    /// assert_eq!(segcore::data::synthetic::SyntheticShop::params().start(t).start, t);
    /// ```
    pub fn start(mut self, t: i64) -> Self {
        self.start = t;
        self
    }

    /// Sets the length of the period in days.
    ///
    /// ```
    /// assert_eq!(segcore::data::synthetic::SyntheticShop::params().days(365).days, 365);
    /// ```
    pub fn days(mut self, days: u32) -> Self {
        self.days = days;
        self
    }

    /// Sets the share of each type (order of [`CustomerType::ALL`]; normalised).
    ///
    /// ```
    /// let p = segcore::data::synthetic::SyntheticShop::params().type_mix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]);
    /// assert_eq!(p.type_mix[3], 1.0);
    /// ```
    pub fn type_mix(mut self, mix: [f64; 7]) -> Self {
        self.type_mix = mix;
        self
    }

    /// Whether to generate events.
    ///
    /// ```
    /// let logs = segcore::data::synthetic::SyntheticShop::params().n_customers(5).events(false).generate().unwrap();
    /// assert!(logs.events().is_none());
    /// ```
    pub fn events(mut self, yes: bool) -> Self {
        self.events = yes;
        self
    }

    /// Whether to generate feedback.
    ///
    /// ```
    /// let logs = segcore::data::synthetic::SyntheticShop::params().n_customers(5).feedback(false).generate().unwrap();
    /// assert!(logs.feedback().is_none());
    /// ```
    pub fn feedback(mut self, yes: bool) -> Self {
        self.feedback = yes;
        self
    }

    /// Plants an outage (see [`Outage`]); can be called several times.
    ///
    /// ```
    /// use segcore::data::synthetic::{Outage, SyntheticShop};
    /// let o = Outage::new("payment", 1_672_531_200, 7, 0.3).unwrap();
    /// assert_eq!(SyntheticShop::params().outage(o.clone()).outages, vec![o]);
    /// ```
    pub fn outage(mut self, outage: Outage) -> Self {
        self.outages.push(outage);
        self
    }

    fn validate(&self) -> Result<()> {
        for o in &self.outages {
            o.validate()?;
        }
        if self.n_customers == 0 || self.n_customers > 9_999_999 {
            return Err(SegError::param(
                "n_customers",
                format!("{} is outside 1..=9999999", self.n_customers),
            ));
        }
        if self.days == 0 || self.days > 36_500 {
            return Err(SegError::param(
                "days",
                format!("{} is outside 1..=36500", self.days),
            ));
        }
        let end = self.start.saturating_add(self.days as i64 * 86_400);
        if self.start < MIN_TIMESTAMP || end > MAX_TIMESTAMP {
            return Err(SegError::param(
                "start",
                "the period must lie within 1900-01-01..2199-12-31",
            ));
        }
        if self.type_mix.iter().any(|w| !w.is_finite() || *w < 0.0)
            || self.type_mix.iter().sum::<f64>() <= 0.0
        {
            return Err(SegError::param(
                "type_mix",
                "shares must be finite, >= 0 and not all 0",
            ));
        }
        Ok(())
    }

    /// Generates the shop's logs.
    ///
    /// Errors: [`SegError::InvalidParameter`] for parameters out of range,
    /// [`SegError::Empty`] if no customer bought anything (only possible for tiny shops).
    ///
    /// ```
    /// let logs = segcore::data::synthetic::SyntheticShop::params().n_customers(20).seed(1).generate().unwrap();
    /// assert!(logs.transactions().len() >= 12);
    /// ```
    pub fn generate(&self) -> Result<Logs> {
        Ok(self.generate_with_truth()?.0)
    }

    /// Generates the logs and the true traits of every customer, in customer-code order
    /// (`truth[c]` is customer `c` of `logs.customers()`).
    ///
    /// ```
    /// use segcore::data::synthetic::{SyntheticShop, CustomerType};
    /// let (logs, truth) = SyntheticShop::params().n_customers(200).generate_with_truth().unwrap();
    /// assert_eq!(truth.len(), logs.customers().len());
    /// assert!(truth.iter().any(|t| t.kind == CustomerType::OneTimer));
    /// ```
    pub fn generate_with_truth(&self) -> Result<(Logs, Vec<CustomerTruth>)> {
        self.validate()?;
        let n = self.n_customers;
        let width = (n.saturating_sub(1)).to_string().len().max(6);
        let start_day = self.start.div_euclid(86_400);
        let cal =
            Calendar::new(start_day, self.days as usize).with_outages(&self.outages, self.seed);
        let total: f64 = self.type_mix.iter().sum();
        let mix = self.type_mix.map(|w| w / total);
        let key = ChaCha8Rng::seed_from_u64(self.seed).get_seed();
        let n_chunks = n.div_ceil(CHUNK);
        let chunks: Vec<Chunk> = (0..n_chunks)
            .into_par_iter()
            .map(|k| {
                let mut out = Chunk::default();
                for i in k * CHUNK..((k + 1) * CHUNK).min(n) {
                    let mut rng = ChaCha8Rng::from_seed(key);
                    rng.set_stream(i as u64);
                    let id = format!("C{i:0width$}");
                    simulate(i as u32, id, &mix, &cal, &mut rng, &mut out);
                }
                for (t, (&no, &ns)) in out
                    .truth
                    .iter()
                    .zip(out.n_orders.iter().zip(&out.n_sessions))
                {
                    let digits = &t.id[1..];
                    out.order_levels
                        .extend((0..no).map(|k| format!("O{digits}-{k:04}")));
                    if self.events {
                        out.session_levels
                            .extend((0..ns).map(|k| format!("S{digits}-{k:04}")));
                    }
                }
                out
            })
            .collect();
        assemble(chunks, n, width, self.events, self.feedback)
    }
}

/// Drops unused levels and renumbers the codes.
fn compact(levels: Vec<String>, mut codes: Vec<u32>) -> Categorical {
    let mut used = vec![false; levels.len()];
    for &c in &codes {
        if c != MISSING {
            used[c as usize] = true;
        }
    }
    if used.iter().all(|&u| u) {
        return Categorical { levels, codes };
    }
    let mut remap = vec![MISSING; levels.len()];
    let mut kept = Vec::new();
    for (i, l) in levels.into_iter().enumerate() {
        if used[i] {
            remap[i] = kept.len() as u32;
            kept.push(l);
        }
    }
    for c in codes.iter_mut() {
        if *c != MISSING {
            *c = remap[*c as usize];
        }
    }
    Categorical {
        levels: kept,
        codes,
    }
}

fn fixed(names: &[&str], codes: Vec<u32>) -> Categorical {
    compact(names.iter().map(|s| s.to_string()).collect(), codes)
}

/// One column taken out of every chunk and concatenated; the pieces are copied in parallel
/// into a zero-initialised (lazily mapped) buffer and freed as they are copied.
fn gather<T, F>(chunks: &mut [Chunk], take: F) -> Vec<T>
where
    T: Copy + Default + Send + Sync,
    F: Fn(&mut Chunk) -> Vec<T>,
{
    let pieces: Vec<Vec<T>> = chunks.iter_mut().map(take).collect();
    let total = pieces.iter().map(Vec::len).sum();
    let mut out = vec![T::default(); total];
    let mut parts = Vec::with_capacity(pieces.len());
    let mut rest = out.as_mut_slice();
    for p in &pieces {
        let (head, tail) = rest.split_at_mut(p.len());
        parts.push(head);
        rest = tail;
    }
    parts
        .into_par_iter()
        .zip(pieces.into_par_iter())
        .for_each(|(dst, src)| dst.copy_from_slice(&src));
    out
}

/// Concatenates the chunks (in customer order) into the three logs.
fn assemble(
    chunks: Vec<Chunk>,
    n: usize,
    width: usize,
    want_events: bool,
    want_feedback: bool,
) -> Result<(Logs, Vec<CustomerTruth>)> {
    let ids: Vec<String> = (0..n).map(|i| format!("C{i:0width$}")).collect();
    let (index, codes) = CustomerIndex::build(&IdColumn::Str(ids));
    debug_assert!(codes.iter().enumerate().all(|(i, &c)| i as u32 == c));

    let mut chunks = chunks;
    // chunk-local order and session numbers become global codes
    let mut offsets = Vec::with_capacity(chunks.len());
    let (mut order_off, mut session_off) = (0u32, 0u32);
    for ch in &chunks {
        offsets.push((order_off, session_off));
        order_off += ch.n_orders.iter().sum::<u32>();
        session_off += ch.n_sessions.iter().sum::<u32>();
    }
    chunks
        .par_iter_mut()
        .zip(offsets.par_iter())
        .for_each(|(ch, &(o, s))| {
            ch.tx_order.iter_mut().for_each(|x| *x += o);
            ch.ev_session
                .iter_mut()
                .filter(|x| **x != NO_SESSION)
                .for_each(|x| *x += s);
        });
    let mut all = Chunk {
        tx_customer: gather(&mut chunks, |c| std::mem::take(&mut c.tx_customer)),
        tx_time: gather(&mut chunks, |c| std::mem::take(&mut c.tx_time)),
        tx_amount: gather(&mut chunks, |c| std::mem::take(&mut c.tx_amount)),
        tx_order: gather(&mut chunks, |c| std::mem::take(&mut c.tx_order)),
        tx_quantity: gather(&mut chunks, |c| std::mem::take(&mut c.tx_quantity)),
        tx_product: gather(&mut chunks, |c| std::mem::take(&mut c.tx_product)),
        tx_category: gather(&mut chunks, |c| std::mem::take(&mut c.tx_category)),
        tx_channel: gather(&mut chunks, |c| std::mem::take(&mut c.tx_channel)),
        tx_discount: gather(&mut chunks, |c| std::mem::take(&mut c.tx_discount)),
        dup_tx: chunks.iter().map(|c| c.dup_tx).sum(),
        ..Chunk::default()
    };
    if want_events {
        all.ev_customer = gather(&mut chunks, |c| std::mem::take(&mut c.ev_customer));
        all.ev_time = gather(&mut chunks, |c| std::mem::take(&mut c.ev_time));
        all.ev_kind = gather(&mut chunks, |c| std::mem::take(&mut c.ev_kind));
        all.ev_category = gather(&mut chunks, |c| std::mem::take(&mut c.ev_category));
        all.ev_channel = gather(&mut chunks, |c| std::mem::take(&mut c.ev_channel));
        // NO_SESSION is MISSING
        all.ev_session = gather(&mut chunks, |c| std::mem::take(&mut c.ev_session));
        all.ev_platform = gather(&mut chunks, |c| std::mem::take(&mut c.ev_platform));
        all.ev_value = gather(&mut chunks, |c| std::mem::take(&mut c.ev_value));
        all.dup_ev = chunks.iter().map(|c| c.dup_ev).sum();
    }
    if want_feedback {
        all.fb_customer = gather(&mut chunks, |c| std::mem::take(&mut c.fb_customer));
        all.fb_time = gather(&mut chunks, |c| std::mem::take(&mut c.fb_time));
        all.fb_score = gather(&mut chunks, |c| std::mem::take(&mut c.fb_score));
        all.fb_scale = chunks
            .iter()
            .flat_map(|c| c.fb_scale.iter().copied())
            .collect();
        all.fb_topic = gather(&mut chunks, |c| std::mem::take(&mut c.fb_topic));
        all.dup_fb = chunks.iter().map(|c| c.dup_fb).sum();
    }
    let mut order_levels = Vec::with_capacity(order_off as usize);
    let mut session_levels = Vec::with_capacity(if want_events { session_off as usize } else { 0 });
    let mut truth = Vec::with_capacity(n);
    for ch in chunks {
        order_levels.extend(ch.order_levels);
        if want_events {
            session_levels.extend(ch.session_levels);
        }
        truth.extend(ch.truth);
    }
    if all.tx_customer.is_empty() {
        return Err(SegError::Empty {
            what: "synthetic transactions (no customer bought anything; use more customers)".into(),
        });
    }
    let products: Vec<String> = CATEGORIES
        .iter()
        .flat_map(|c| (0..PRODUCTS_PER_CATEGORY).map(move |k| format!("{c}-{k:03}")))
        .collect();
    let transactions = Transactions {
        customers: index.clone(),
        customer: all.tx_customer,
        timestamp: all.tx_time,
        amount: all.tx_amount,
        order_id: Some(compact(order_levels, all.tx_order)),
        quantity: Some(all.tx_quantity),
        product: Some(compact(products, all.tx_product)),
        category: Some(fixed(&CATEGORIES, all.tx_category)),
        channel: Some(fixed(&CHANNELS, all.tx_channel)),
        discount: Some(all.tx_discount),
        duplicate_rows: all.dup_tx,
    };
    let events = (want_events && !all.ev_customer.is_empty()).then(|| Events {
        customers: index.clone(),
        customer: all.ev_customer,
        timestamp: all.ev_time,
        kind: all.ev_kind,
        other_kinds: Vec::new(),
        category: Some(fixed(&CATEGORIES, all.ev_category)),
        channel: Some(fixed(&CHANNELS, all.ev_channel)),
        session: Some(compact(session_levels, all.ev_session)),
        platform: Some(fixed(&PLATFORMS, all.ev_platform)),
        value: Some(all.ev_value),
        duplicate_rows: all.dup_ev,
    });
    let feedback = (want_feedback && !all.fb_customer.is_empty()).then(|| Feedback {
        customers: index.clone(),
        customer: all.fb_customer,
        timestamp: all.fb_time,
        score: all.fb_score,
        scale: all.fb_scale,
        topic: Some(fixed(&TOPICS, all.fb_topic)),
        duplicate_rows: all.dup_fb,
    });
    Ok((Logs::new(transactions, events, feedback)?, truth))
}
