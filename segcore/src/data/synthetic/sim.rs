//! Simulation of one customer from its own random stream.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Gamma, StandardNormal};

use super::CustomerTruth;
use super::spec::{
    CATEGORY_BASE, CATEGORY_MONTH, CH_APP, CH_EMAIL, CH_SMS, CH_SOCIAL, CH_WEB, CustomerType,
    FUNNEL_CONTINUE, HOUR_WEIGHTS, MONTH_DEMAND, MONTH_SEASONAL, Outage, PRODUCTS_PER_CATEGORY,
    TypeSpec, WEEKDAY_WEIGHTS,
};
use crate::data::columns::MISSING;
use crate::data::feedback::ScoreScale;
use crate::data::time::civil_from_days;

const DAY: f64 = 86_400.0;
/// Most orders or sessions simulated per customer (ids have four digits).
pub(crate) const MAX_PER_CUSTOMER: u32 = 9_999;
/// "No session" in the chunk-local session column.
pub(crate) const NO_SESSION: u32 = MISSING;

// event kind codes (see data::events::STANDARD_KINDS)
const PAGE_VIEW: u16 = 0;
const PRODUCT_VIEW: u16 = 1;
const SEARCH: u16 = 2;
const ADD_TO_CART: u16 = 3;
const PURCHASE: u16 = 7;
const EMAIL_SENT: u16 = 8;
const EMAIL_OPEN: u16 = 9;
const EMAIL_CLICK: u16 = 10;
const PUSH_OPEN: u16 = 11;
const SMS_CLICK: u16 = 12;
const SOCIAL_VISIT: u16 = 13;
const APP_SESSION: u16 = 14;

const PLATFORM_WEB: u32 = 2;

/// The simulated period and its per-day calendar.
pub(crate) struct Calendar {
    pub start: i64,
    pub end: i64,
    pub days: usize,
    month: Vec<u8>,
    weekday: Vec<u8>,
    demand: [f64; 12],
    demand_max: f64,
    seasonal: [f64; 12],
    seasonal_max: f64,
    weekday_w: [f64; 7],
    weekday_max: f64,
    hour_cdf: [f64; 24],
    pub email_every: i64,
    /// Planted outages (see [`Outage`]) and the key of their hash.
    outages: Vec<OutageWindow>,
    outage_key: u64,
}

/// An [`Outage`] resolved to an event kind and a time window.
struct OutageWindow {
    kind: u16,
    from: i64,
    to: i64,
    p: f64,
}

/// SplitMix64 finaliser.
fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn normalise<const N: usize>(w: [f64; N]) -> ([f64; N], f64) {
    let mean = w.iter().sum::<f64>() / N as f64;
    let out = w.map(|x| x / mean);
    let max = out.iter().cloned().fold(0.0, f64::max);
    (out, max)
}

impl Calendar {
    pub fn new(start_day: i64, days: usize) -> Calendar {
        let mut month = Vec::with_capacity(days);
        let mut weekday = Vec::with_capacity(days);
        for d in 0..days as i64 {
            let day = start_day + d;
            month.push((civil_from_days(day).1 - 1) as u8);
            // 1970-01-01 was a Thursday; Monday = 0
            weekday.push((day + 3).rem_euclid(7) as u8);
        }
        let (demand, demand_max) = normalise(MONTH_DEMAND);
        let (seasonal, seasonal_max) = normalise(MONTH_SEASONAL);
        let (weekday_w, weekday_max) = normalise(WEEKDAY_WEIGHTS);
        let total: f64 = HOUR_WEIGHTS.iter().sum();
        let mut hour_cdf = [0.0; 24];
        let mut acc = 0.0;
        for (h, w) in HOUR_WEIGHTS.iter().enumerate() {
            acc += w / total;
            hour_cdf[h] = acc;
        }
        Calendar {
            start: start_day * 86_400,
            end: (start_day + days as i64) * 86_400,
            days,
            month,
            weekday,
            demand,
            demand_max,
            seasonal,
            seasonal_max,
            weekday_w,
            weekday_max,
            hour_cdf,
            email_every: 14,
            outages: Vec::new(),
            outage_key: 0,
        }
    }

    /// Plants validated outages; `seed` keys the per-session draws.
    pub fn with_outages(mut self, outages: &[Outage], seed: u64) -> Calendar {
        self.outage_key = mix64(seed ^ 0x6F75_7461_6765_2121);
        self.outages = outages
            .iter()
            .filter_map(|o| {
                let from = o.start.div_euclid(86_400) * 86_400;
                Some(OutageWindow {
                    kind: ADD_TO_CART + o.stage_offset()? as u16,
                    from,
                    to: from.saturating_add(o.days as i64 * 86_400),
                    p: o.extra_drop_off,
                })
            })
            .collect();
        self
    }

    /// Whether session `session` of customer `customer`, at time `t`, stops at cart stage
    /// `kind` because of an outage (a hash draw, independent of the customer's stream).
    fn outage_stops(&self, customer: u32, session: u32, t: i64, kind: u16) -> bool {
        self.outages.iter().enumerate().any(|(j, o)| {
            if o.kind != kind || t < o.from || t >= o.to {
                return false;
            }
            let h = mix64(
                self.outage_key ^ mix64(((customer as u64) << 32) | session as u64) ^ j as u64,
            );
            ((h >> 11) as f64 / (1u64 << 53) as f64) < o.p
        })
    }

    fn day_index(&self, t: i64) -> usize {
        (((t - self.start).div_euclid(86_400)).max(0) as usize).min(self.days - 1)
    }

    fn month_of(&self, t: i64) -> usize {
        self.month[self.day_index(t)] as usize
    }

    /// Moves `t` to a random time of its own day drawn from the hour-of-day pattern.
    fn at_hour(&self, rng: &mut ChaCha8Rng, t: i64) -> i64 {
        let day = t.div_euclid(86_400) * 86_400;
        let u: f64 = rng.random();
        let h = self.hour_cdf.iter().position(|&c| u < c).unwrap_or(23) as i64;
        day + h * 3600 + (rng.random::<f64>() * 3600.0) as i64
    }
}

/// Column buffers for a range of customers; session and order codes are chunk-local.
#[derive(Default)]
pub(crate) struct Chunk {
    pub tx_customer: Vec<u32>,
    pub tx_time: Vec<i64>,
    pub tx_amount: Vec<f64>,
    pub tx_order: Vec<u32>,
    pub tx_quantity: Vec<f64>,
    pub tx_product: Vec<u32>,
    pub tx_category: Vec<u32>,
    pub tx_channel: Vec<u32>,
    pub tx_discount: Vec<bool>,
    pub n_orders: Vec<u32>,
    pub ev_customer: Vec<u32>,
    pub ev_time: Vec<i64>,
    pub ev_kind: Vec<u16>,
    pub ev_category: Vec<u32>,
    pub ev_channel: Vec<u32>,
    pub ev_session: Vec<u32>,
    pub ev_platform: Vec<u32>,
    pub ev_value: Vec<f64>,
    pub n_sessions: Vec<u32>,
    pub fb_customer: Vec<u32>,
    pub fb_time: Vec<i64>,
    pub fb_score: Vec<f64>,
    pub fb_scale: Vec<ScoreScale>,
    pub fb_topic: Vec<u32>,
    pub truth: Vec<CustomerTruth>,
    pub order_levels: Vec<String>,
    pub session_levels: Vec<String>,
    pub dup_tx: usize,
    pub dup_ev: usize,
    pub dup_fb: usize,
}

#[derive(Clone, Copy)]
struct Tx {
    t: i64,
    amount: f64,
    order: u32,
    quantity: f64,
    product: u32,
    category: u32,
    channel: u32,
    discount: bool,
}

#[derive(Clone, Copy)]
struct Ev {
    t: i64,
    kind: u16,
    category: u32,
    channel: u32,
    session: u32,
    platform: u32,
    value: f64,
}

// ---------------------------------------------------------------------------------------
// small samplers (no panics: parameters are ours, and fall back to the mean)

fn unif(rng: &mut ChaCha8Rng) -> f64 {
    rng.random::<f64>()
}

fn bern(rng: &mut ChaCha8Rng, p: f64) -> bool {
    unif(rng) < p
}

fn exp_gap(rng: &mut ChaCha8Rng, rate: f64) -> f64 {
    -(1.0 - unif(rng)).ln() / rate
}

fn gamma(rng: &mut ChaCha8Rng, shape: f64, scale: f64) -> f64 {
    Gamma::new(shape, scale).map_or(shape * scale, |g| g.sample(rng))
}

fn beta(rng: &mut ChaCha8Rng, a: f64, b: f64) -> f64 {
    Beta::new(a, b).map_or(a / (a + b), |d| d.sample(rng))
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    StandardNormal.sample(rng)
}

/// Poisson by inversion (small means only).
fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    let limit = (-mean).exp();
    let mut k = 0;
    let mut p = unif(rng);
    while p > limit && k < 1000 {
        p *= unif(rng);
        k += 1;
    }
    k
}

fn weighted(rng: &mut ChaCha8Rng, w: &[f64]) -> usize {
    let total: f64 = w.iter().sum();
    let mut u = unif(rng) * total;
    for (i, &x) in w.iter().enumerate() {
        if u < x {
            return i;
        }
        u -= x;
    }
    w.iter().rposition(|&x| x > 0.0).unwrap_or(0)
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

// ---------------------------------------------------------------------------------------

/// Per-customer state shared by the parts of the simulation.
struct Customer<'a> {
    index: u32,
    spec: &'a TypeSpec,
    cal: &'a Calendar,
    /// Cumulative category weights per month (preference × month profile).
    cat_cum: [[f64; 10]; 12],
    chan_pref: [f64; 5],
    app_platform: u32,
    email_sub: bool,
    app_user: bool,
    sms_sub: bool,
    satisfaction: f64,
    mean_spend: f64,
    /// Time after which the customer is no longer an active buyer.
    engaged_until: i64,
    sessions: u32,
    txs: Vec<Tx>,
    evs: Vec<Ev>,
    fb: Vec<(i64, f64, ScoreScale, u32)>,
}

impl Customer<'_> {
    fn category(&self, rng: &mut ChaCha8Rng, t: i64) -> u32 {
        let cum = &self.cat_cum[self.cal.month_of(t)];
        let u = unif(rng) * cum[9];
        cum.iter().position(|&c| u < c).unwrap_or(9) as u32
    }

    fn new_session(&mut self) -> Option<u32> {
        if self.sessions >= MAX_PER_CUSTOMER {
            return None;
        }
        self.sessions += 1;
        Some(self.sessions - 1)
    }

    #[allow(clippy::too_many_arguments)]
    fn push_ev(
        &mut self,
        t: i64,
        kind: u16,
        category: u32,
        channel: u32,
        session: u32,
        platform: u32,
        value: f64,
    ) {
        self.evs.push(Ev {
            t,
            kind,
            category,
            channel,
            session,
            platform,
            value,
        });
    }

    /// A session starting at `t`: an entry event for the channel, then views and searches.
    /// Returns the session, the time of its last event and the last category viewed.
    fn session(
        &mut self,
        rng: &mut ChaCha8Rng,
        t: i64,
        channel: u32,
        entry: Option<u16>,
        extra_views: u32,
    ) -> Option<(u32, i64, u32, u32)> {
        let s = self.new_session()?;
        let platform = if channel == CH_APP {
            self.app_platform
        } else {
            PLATFORM_WEB
        };
        let mut now = t;
        match entry {
            Some(k) => self.push_ev(now, k, MISSING, channel, s, platform, f64::NAN),
            None => self.push_ev(now, PAGE_VIEW, MISSING, channel, s, platform, f64::NAN),
        }
        let mut last_cat = self.category(rng, t);
        for _ in 0..extra_views {
            now += 5 + exp_gap(rng, 1.0 / 45.0) as i64;
            let u = unif(rng);
            if u < 0.55 {
                if unif(rng) < 0.3 {
                    last_cat = self.category(rng, now);
                }
                self.push_ev(now, PRODUCT_VIEW, last_cat, channel, s, platform, f64::NAN);
            } else if u < 0.7 {
                last_cat = self.category(rng, now);
                self.push_ev(now, SEARCH, last_cat, channel, s, platform, f64::NAN);
            } else {
                self.push_ev(now, PAGE_VIEW, MISSING, channel, s, platform, f64::NAN);
            }
        }
        Some((s, now, last_cat, platform))
    }

    /// Cart stages from add_to_cart up to `last` (3 = add_to_cart .. 7 = purchase), cut short
    /// by a planted outage active at `when`. Returns the time of the last event and whether
    /// an outage stopped the session.
    #[allow(clippy::too_many_arguments)]
    fn funnel(
        &mut self,
        rng: &mut ChaCha8Rng,
        when: i64,
        mut now: i64,
        last: u16,
        category: u32,
        channel: u32,
        session: u32,
        platform: u32,
        value: f64,
    ) -> (i64, bool) {
        for kind in ADD_TO_CART..=last {
            now += 10 + exp_gap(rng, 1.0 / 60.0) as i64;
            let cat = if kind == ADD_TO_CART {
                category
            } else {
                MISSING
            };
            self.push_ev(now, kind, cat, channel, session, platform, value);
            if self.cal.outage_stops(self.index, session, when, kind) {
                return (now, true);
            }
        }
        (now, false)
    }

    fn entry_event(channel: u32) -> Option<u16> {
        match channel {
            CH_APP => Some(APP_SESSION),
            CH_SOCIAL => Some(SOCIAL_VISIT),
            CH_EMAIL => Some(EMAIL_CLICK),
            CH_SMS => Some(SMS_CLICK),
            _ => None,
        }
    }

    /// Channel weights restricted to what the customer can use.
    fn usable_channels(&self, browse: bool) -> [f64; 5] {
        let mut w = self.chan_pref;
        if !self.app_user {
            w[CH_APP as usize] = 0.0;
        }
        if browse || !self.email_sub {
            w[CH_EMAIL as usize] = 0.0;
        }
        if browse || !self.sms_sub {
            w[CH_SMS as usize] = 0.0;
        }
        if w.iter().sum::<f64>() <= 0.0 {
            w[CH_WEB as usize] = 1.0;
        }
        w
    }

    fn csat_topic(rng: &mut ChaCha8Rng, normalised: f64) -> u32 {
        // delivery, price, product, support, website
        let w = if normalised < 0.4 {
            [0.3, 0.2, 0.2, 0.25, 0.05]
        } else {
            [0.15, 0.1, 0.55, 0.1, 0.1]
        };
        weighted(rng, &w) as u32
    }

    fn order(&mut self, rng: &mut ChaCha8Rng, t: i64, order: u32) {
        let spec = self.spec;
        let cal = self.cal;
        let mut amount = gamma(rng, 6.0, self.mean_spend / 6.0).max(1.0);
        let discount = bern(rng, spec.discount_prob);
        if discount {
            amount *= 0.8;
        }
        let amount = cents(amount);
        let quantity = 1.0 + poisson(rng, 0.6) as f64;
        let category = self.category(rng, t);
        let u = unif(rng);
        let product = category * PRODUCTS_PER_CATEGORY as u32
            + ((u * u) * PRODUCTS_PER_CATEGORY as f64) as u32;
        let channel = weighted(rng, &self.usable_channels(false)) as u32;
        let row = Tx {
            t,
            amount,
            order,
            quantity,
            product,
            category,
            channel,
            discount,
        };
        self.txs.push(row);
        // the purchase session, shifted so that it ends with the purchase at time t
        let views = 1 + poisson(rng, 1.0);
        let first = self.evs.len();
        if let Some((s, now, _, platform)) =
            self.session(rng, t, channel, Self::entry_event(channel), views)
        {
            let (now, stopped) = self.funnel(
                rng,
                t,
                now,
                PURCHASE - 1,
                category,
                channel,
                s,
                platform,
                amount,
            );
            let shift = t - (now + 10 + (unif(rng) * 50.0) as i64);
            for e in &mut self.evs[first..] {
                e.t += shift;
            }
            if !stopped {
                self.push_ev(t, PURCHASE, MISSING, channel, s, platform, amount);
            }
        }
        if bern(rng, spec.return_prob) {
            let tr = t + ((3.0 + 27.0 * unif(rng)) * DAY) as i64;
            if tr < cal.end {
                let full = bern(rng, 0.7);
                let back = if full {
                    amount
                } else {
                    cents(amount * (0.3 + 0.6 * unif(rng)))
                };
                self.txs.push(Tx {
                    t: tr,
                    amount: -back,
                    quantity: if full { quantity } else { 1.0 },
                    ..row
                });
            }
        }
        if bern(rng, 0.25) {
            let tf = t + ((1.0 + 9.0 * unif(rng)) * DAY) as i64;
            if tf < cal.end {
                let score = (3.3 + self.satisfaction + 0.7 * normal(rng))
                    .round()
                    .clamp(1.0, 5.0);
                let topic = Self::csat_topic(rng, (score - 1.0) / 4.0);
                self.fb.push((tf, score, ScoreScale::Csat, topic));
            }
        }
    }
}

/// Simulates customer `index` of the shop into `out`.
pub(crate) fn simulate(
    index: u32,
    id: String,
    mix: &[f64; 7],
    cal: &Calendar,
    rng: &mut ChaCha8Rng,
    out: &mut Chunk,
) {
    let kind = CustomerType::ALL[weighted(rng, mix)];
    let spec = kind.spec();
    let days = cal.days as f64;
    // acquisition
    let join_day = ((spec.join.0 + (spec.join.1 - spec.join.0) * unif(rng)) * days) as i64;
    let join_day = join_day.clamp(0, cal.days as i64 - 1);
    let join = cal.at_hour(rng, cal.start + join_day * 86_400);
    let acquisition = weighted(rng, &spec.acquisition);
    // latent traits
    let rate = gamma(rng, spec.rate_shape, spec.rate_mean / spec.rate_shape).min(2.0);
    let dropout = if spec.drop_a <= 0.0 {
        1.0
    } else {
        beta(rng, spec.drop_a, spec.drop_b)
    };
    let mean_spend = gamma(rng, 4.0, spec.spend_mean / 4.0);
    let satisfaction = spec.satisfaction + 0.8 * normal(rng);
    let mut cat_pref = CATEGORY_BASE;
    for (c, w) in cat_pref.iter_mut().enumerate() {
        let boost = if spec.boosted.contains(&c) { 3.0 } else { 1.0 };
        *w *= boost * gamma(rng, 2.0, 0.5);
    }
    let mut chan_pref = spec.channel_pref;
    for w in chan_pref.iter_mut() {
        *w *= gamma(rng, 2.0, 0.5);
    }
    let email_sub = bern(rng, spec.email_sub);
    let app_user = bern(rng, spec.app_user);
    let sms_sub = bern(rng, spec.sms_sub);
    let app_platform = if bern(rng, 0.5) { 0 } else { 1 };

    // purchases: first at acquisition, then a thinned Poisson process with dropout after each
    let (season, season_max) = if spec.seasonal {
        (&cal.seasonal, cal.seasonal_max)
    } else {
        (&cal.demand, cal.demand_max)
    };
    let mut purchases: Vec<i64> = Vec::new();
    let mut dropped_out = None;
    let buys = bern(rng, spec.buy_prob);
    if buys {
        purchases.push(join);
        let mut t = join as f64;
        let mut alive = !bern(rng, dropout);
        if !alive {
            dropped_out = Some(join);
        }
        while alive && (purchases.len() as u32) < MAX_PER_CUSTOMER {
            t += exp_gap(rng, rate * season_max) * DAY;
            if t >= cal.end as f64 {
                break;
            }
            let ti = t as i64;
            if unif(rng) * season_max >= season[cal.month_of(ti)] {
                continue;
            }
            let ti = cal.at_hour(rng, ti).max(join + 1);
            purchases.push(ti);
            if bern(rng, dropout) {
                alive = false;
                dropped_out = Some(ti);
            }
        }
    }
    let engaged_until = match (buys, dropped_out) {
        (true, Some(t)) => t,
        (true, None) => cal.end,
        (false, _) => join + (exp_gap(rng, 1.0 / 200.0) * DAY) as i64,
    };

    let mut cat_cum = [[0.0; 10]; 12];
    for (m, row) in cat_cum.iter_mut().enumerate() {
        let mut acc = 0.0;
        for (c, x) in row.iter_mut().enumerate() {
            acc += cat_pref[c] * CATEGORY_MONTH[c][m];
            *x = acc;
        }
    }
    let mut c = Customer {
        index,
        spec,
        cal,
        cat_cum,
        chan_pref,
        app_platform,
        email_sub,
        app_user,
        sms_sub,
        satisfaction,
        mean_spend,
        engaged_until,
        sessions: 0,
        txs: Vec::new(),
        evs: Vec::new(),
        fb: Vec::new(),
    };

    for (k, &t) in purchases.iter().enumerate() {
        c.order(rng, t, k as u32);
    }
    let n_orders = purchases.len() as u32;

    // browsing sessions: thinned Poisson process (activity level, season, weekday)
    if !buys {
        let views = poisson(rng, spec.views_per_session);
        let ch = weighted(rng, &c.usable_channels(true)) as u32;
        c.session(rng, join, ch, Customer::entry_event(ch), views);
    }
    let active = spec.session_rate.max(spec.session_rate_after);
    let s_max = if spec.seasonal { cal.seasonal_max } else { 1.0 };
    let cand = active * s_max * cal.weekday_max;
    let mut t = join as f64;
    loop {
        t += exp_gap(rng, cand) * DAY;
        if t >= cal.end as f64 || c.sessions >= MAX_PER_CUSTOMER {
            break;
        }
        let ti = t as i64;
        let d = cal.day_index(ti);
        let level = if ti < c.engaged_until {
            spec.session_rate
        } else {
            spec.session_rate_after
        };
        let s = if spec.seasonal {
            cal.seasonal[cal.month[d] as usize]
        } else {
            1.0
        };
        let r = level * s * cal.weekday_w[cal.weekday[d] as usize];
        if unif(rng) * cand >= r {
            continue;
        }
        let ts = cal.at_hour(rng, ti).max(join);
        let views = poisson(rng, spec.views_per_session);
        let ch = weighted(rng, &c.usable_channels(true)) as u32;
        let Some((s, now, cat, platform)) =
            c.session(rng, ts, ch, Customer::entry_event(ch), views)
        else {
            break;
        };
        if bern(rng, spec.cart_prob) {
            // abandoned cart: the last stage reached, given that no purchase follows
            let f = FUNNEL_CONTINUE;
            let w = [
                1.0 - f[0],
                f[0] * (1.0 - f[1]),
                f[0] * f[1] * (1.0 - f[2]),
                f[0] * f[1] * f[2] * (1.0 - f[3]),
            ];
            let last = ADD_TO_CART + weighted(rng, &w) as u16;
            let value = cents(gamma(rng, 6.0, c.mean_spend / 6.0).max(1.0));
            c.funnel(rng, ts, now, last, cat, ch, s, platform, value);
        }
    }

    // campaigns on a fixed shop-wide schedule
    let campaigns = |every: i64, offset_days: i64, hour: i64| {
        let first = cal.start + offset_days * 86_400 + hour * 3600;
        (0..)
            .map(move |k| first + k * every * 86_400)
            .take_while(move |&t| t < cal.end)
    };
    if c.email_sub {
        for t in campaigns(cal.email_every, 1, 10) {
            if t < join {
                continue;
            }
            let t = t + (unif(rng) * 1800.0) as i64;
            c.push_ev(
                t,
                EMAIL_SENT,
                MISSING,
                CH_EMAIL,
                NO_SESSION,
                PLATFORM_WEB,
                f64::NAN,
            );
            let engaged = if t < c.engaged_until { 1.0 } else { 0.3 };
            if bern(rng, spec.email_open * engaged) {
                let to = t + (exp_gap(rng, 1.0 / 5.0) * 3600.0) as i64;
                c.push_ev(
                    to,
                    EMAIL_OPEN,
                    MISSING,
                    CH_EMAIL,
                    NO_SESSION,
                    PLATFORM_WEB,
                    f64::NAN,
                );
                if bern(rng, spec.email_click) {
                    let tc = to + 30 + (exp_gap(rng, 1.0 / 3.0) * 60.0) as i64;
                    let views = 1 + poisson(rng, 1.5);
                    c.session(rng, tc, CH_EMAIL, Some(EMAIL_CLICK), views);
                }
            }
            if bern(rng, 0.01) {
                break; // unsubscribed
            }
        }
    }
    if c.app_user {
        for t in campaigns(10, 3, 18) {
            let engaged = if t < c.engaged_until { 1.0 } else { 0.3 };
            if t >= join && bern(rng, spec.push_open * engaged) {
                let to = t + (exp_gap(rng, 1.0) * 3600.0) as i64;
                let views = 1 + poisson(rng, 1.0);
                c.session(rng, to, CH_APP, Some(PUSH_OPEN), views);
            }
        }
    }
    if c.sms_sub {
        for t in campaigns(30, 5, 12) {
            let engaged = if t < c.engaged_until { 1.0 } else { 0.3 };
            if t >= join && bern(rng, spec.sms_click * engaged) {
                let tc = t + (exp_gap(rng, 3.0) * 3600.0) as i64;
                let views = poisson(rng, 1.5);
                c.session(rng, tc, CH_SMS, Some(SMS_CLICK), views);
            }
        }
    }

    // NPS survey
    if bern(rng, 0.35) {
        let tf = join + ((30.0 + 150.0 * unif(rng)) * DAY) as i64;
        if tf < cal.end {
            let score = (7.0 + 1.8 * satisfaction + 1.2 * normal(rng))
                .round()
                .clamp(0.0, 10.0);
            let topic = Customer::csat_topic(rng, score / 10.0);
            c.fb.push((tf, score, ScoreScale::Nps, topic));
        }
    }

    // write out in time order, within the period
    let in_period = |t: i64| t >= cal.start && t < cal.end;
    c.txs.retain(|r| in_period(r.t));
    c.txs.sort_by_key(|r| r.t);
    c.evs.retain(|r| in_period(r.t));
    c.evs.sort_by_key(|r| r.t);
    c.fb.sort_by_key(|r| r.0);
    let order_base = out.n_orders.iter().sum::<u32>();
    let session_base = out.n_sessions.iter().sum::<u32>();
    out.dup_tx += count_dups(
        &c.txs,
        |r| r.t,
        |a, b| {
            a.amount.to_bits() == b.amount.to_bits()
                && a.order == b.order
                && a.quantity.to_bits() == b.quantity.to_bits()
                && a.product == b.product
                && a.category == b.category
                && a.channel == b.channel
                && a.discount == b.discount
        },
    );
    for r in &c.txs {
        out.tx_customer.push(index);
        out.tx_time.push(r.t);
        out.tx_amount.push(r.amount);
        out.tx_order.push(order_base + r.order);
        out.tx_quantity.push(r.quantity);
        out.tx_product.push(r.product);
        out.tx_category.push(r.category);
        out.tx_channel.push(r.channel);
        out.tx_discount.push(r.discount);
    }
    out.dup_ev += count_dups(
        &c.evs,
        |r| r.t,
        |a, b| {
            a.kind == b.kind
                && a.category == b.category
                && a.channel == b.channel
                && a.session == b.session
                && a.platform == b.platform
                && a.value.to_bits() == b.value.to_bits()
        },
    );
    for r in &c.evs {
        out.ev_customer.push(index);
        out.ev_time.push(r.t);
        out.ev_kind.push(r.kind);
        out.ev_category.push(r.category);
        out.ev_channel.push(r.channel);
        out.ev_session.push(if r.session == NO_SESSION {
            NO_SESSION
        } else {
            session_base + r.session
        });
        out.ev_platform.push(r.platform);
        out.ev_value.push(r.value);
    }
    out.dup_fb += count_dups(
        &c.fb,
        |r| r.0,
        |a, b| a.1.to_bits() == b.1.to_bits() && a.2 == b.2 && a.3 == b.3,
    );
    for r in &c.fb {
        out.fb_customer.push(index);
        out.fb_time.push(r.0);
        out.fb_score.push(r.1);
        out.fb_scale.push(r.2);
        out.fb_topic.push(r.3);
    }
    out.n_orders.push(n_orders);
    out.n_sessions.push(c.sessions);
    out.truth.push(CustomerTruth {
        id,
        kind,
        acquisition_channel: super::spec::ACQUISITION_CHANNELS[acquisition].to_string(),
        joined: join,
        purchase_rate: rate,
        dropout_probability: dropout,
        mean_spend,
        satisfaction,
        buyer: buys,
        dropped_out,
        email_subscriber: email_sub,
        app_user,
        sms_subscriber: sms_sub,
    });
}

/// Rows equal to an earlier row, for rows sorted by time (equal rows share a time).
fn count_dups<T>(rows: &[T], time: impl Fn(&T) -> i64, same: impl Fn(&T, &T) -> bool) -> usize {
    let mut dups = 0;
    let mut run = 0;
    for i in 0..rows.len() {
        if i > 0 && time(&rows[i]) == time(&rows[i - 1]) {
            run += 1;
        } else {
            run = 0;
        }
        if (i - run..i).any(|j| same(&rows[j], &rows[i])) {
            dups += 1;
        }
    }
    dups
}
