//! Carts: sessions with an `add_to_cart`, whether they were bought, how far checkout got.
//!
//! * **Site events** are the kinds `page_view`, `product_view`, `search`, `add_to_cart`,
//!   `checkout_start`, `shipping`, `payment` and `purchase`; other kinds are ignored here.
//! * **Sessions**: site events sharing a session id form a session. Events without a session
//!   id (or all events, when there is no session column) are split into sessions at gaps
//!   longer than [`session_gap_secs`](super::FeatureConfig::session_gap_secs) (30 minutes by
//!   default) between consecutive such events of the customer.
//! * A **cart** is a session with at least one `add_to_cart`. It is **converted** when the
//!   session holds a `purchase` event, or when a purchase — a `purchase` event or a purchase
//!   transaction (amount >= 0) — happens between the cart's first `add_to_cart` and
//!   [`cart_window_secs`](super::FeatureConfig::cart_window_secs) (1 day by default) after
//!   the session's last event. Otherwise it is **abandoned**. Only data up to the cutoff is
//!   used, so a cart still inside its window at the cutoff without a purchase counts as
//!   abandoned (it is one as far as anyone can know at that time).
//! * **Stage** of a cart: the furthest checkout step in its session: 1 `add_to_cart`,
//!   2 `checkout_start`, 3 `shipping`, 4 `payment`.
//!
//! | column | unit | meaning | undefined |
//! | --- | --- | --- | --- |
//! | `carts_started` | count | carts | 0 |
//! | `carts_abandoned` | count | abandoned carts | 0 |
//! | `cart_abandonment_rate` | share | carts_abandoned / carts_started | NaN without carts |
//! | `last_abandoned_stage` | stage | stage (1–4) of the abandoned cart whose session ended last | 0 without an abandoned cart |
//! | `days_since_last_abandonment` | days | as_of − last event of that cart's session | NaN without an abandoned cart |

use super::matrix::FeatureInfo;
use super::pass::{Customer, days};
use crate::data::MISSING;

const ADD_TO_CART: u16 = 3;
const PURCHASE: u16 = 7;

/// The carts family.
pub(crate) struct Carts {
    gap: i64,
    window: i64,
}

/// Per-block working memory.
#[derive(Default)]
pub(crate) struct Scratch {
    /// (session key, position in time order, time, kind)
    events: Vec<(u64, usize, i64, u16)>,
    purchases: Vec<i64>,
}

impl Carts {
    pub(crate) fn new(session_gap_secs: i64, cart_window_secs: i64) -> Self {
        Carts {
            gap: session_gap_secs,
            window: cart_window_secs,
        }
    }

    pub(crate) fn info(&self) -> Vec<FeatureInfo> {
        vec![
            FeatureInfo::new(
                "carts_started",
                "count",
                "sessions with an add_to_cart",
                "0",
            ),
            FeatureInfo::new(
                "carts_abandoned",
                "count",
                "carts without a purchase in the session or window",
                "0",
            ),
            FeatureInfo::new(
                "cart_abandonment_rate",
                "share",
                "carts_abandoned / carts_started",
                "NaN without carts",
            ),
            FeatureInfo::new(
                "last_abandoned_stage",
                "stage",
                "furthest step of the last abandoned cart: 1 add_to_cart, 2 checkout_start, 3 shipping, 4 payment",
                "0 without an abandoned cart",
            ),
            FeatureInfo::new(
                "days_since_last_abandonment",
                "days",
                "as_of minus the end of the last abandoned cart's session",
                "NaN without an abandoned cart",
            ),
        ]
    }

    pub(crate) fn fill(&self, cu: &Customer<'_>, out: &mut [f64], s: &mut Scratch) {
        out.copy_from_slice(&[0.0, 0.0, f64::NAN, 0.0, f64::NAN]);
        let Some(ev) = cu.ev else {
            return;
        };
        s.events.clear();
        s.purchases.clear();
        s.purchases.extend(cu.orders.iter().map(|o| o.time));
        let session = ev.session.as_ref();
        let mut inferred: u64 = 0;
        let mut last_t: Option<i64> = None;
        for (pos, &r) in cu.ev_rows.iter().enumerate() {
            let r = r as usize;
            let k = ev.kind[r];
            if k > PURCHASE {
                continue;
            }
            let t = ev.timestamp[r];
            if k == PURCHASE {
                s.purchases.push(t);
            }
            let key = match session.map(|c| c.codes[r]) {
                Some(code) if code != MISSING => code as u64,
                _ => {
                    if let Some(prev) = last_t {
                        if t - prev > self.gap {
                            inferred += 1;
                        }
                    }
                    last_t = Some(t);
                    (1u64 << 32) + inferred
                }
            };
            s.events.push((key, pos, t, k));
        }
        if s.events.is_empty() {
            return;
        }
        s.purchases.sort_unstable();
        s.events.sort_unstable_by_key(|e| (e.0, e.1));
        let (mut started, mut abandoned) = (0u32, 0u32);
        let mut last: Option<(i64, u8)> = None;
        let mut i = 0;
        while i < s.events.len() {
            let key = s.events[i].0;
            let mut first_cart: Option<i64> = None;
            let mut stage = 0u8;
            let mut end = i64::MIN;
            let mut bought = false;
            while i < s.events.len() && s.events[i].0 == key {
                let (_, _, t, k) = s.events[i];
                end = end.max(t);
                if k == PURCHASE {
                    bought = true;
                } else if k >= ADD_TO_CART {
                    stage = stage.max((k - ADD_TO_CART + 1) as u8);
                    if k == ADD_TO_CART && first_cart.is_none_or(|f| t < f) {
                        first_cart = Some(t);
                    }
                }
                i += 1;
            }
            let Some(start) = first_cart else {
                continue;
            };
            started += 1;
            if !bought {
                let from = s.purchases.partition_point(|&p| p < start);
                bought = s
                    .purchases
                    .get(from)
                    .is_some_and(|&p| p <= end.saturating_add(self.window));
            }
            if !bought {
                abandoned += 1;
                if last.is_none_or(|(e, _)| end >= e) {
                    last = Some((end, stage));
                }
            }
        }
        if started > 0 {
            out[0] = started as f64;
            out[1] = abandoned as f64;
            out[2] = abandoned as f64 / started as f64;
        }
        if let Some((end, stage)) = last {
            out[3] = stage as f64;
            out[4] = days(cu.as_of - end);
        }
    }
}
