//! Channels: campaign engagement (email, push, SMS), social and app use, and sales channels.
//!
//! Each event is read as a (channel, action) pair:
//!
//! * standard kinds: `email_sent` (email, send), `email_open` (email, open), `email_click`
//!   (email, click), `push_open` (push, open), `sms_click` (sms, click), `social_visit`
//!   (social, visit), `app_session` (app, session);
//! * other kinds named `<channel>_<action>` (e.g. `push_sent`, `sms_delivered`, `push_click`),
//!   or named only by an action (`sent`, `open`, `click`, `visit`, `session`, ...) with the
//!   channel taken from the events' `channel` column (`email`, `push`, `sms`, `social`, `app`,
//!   case-insensitive). Action words: sent/send/delivered → send, open/opened → open,
//!   click/clicked → click, visit → visit, session → session. Anything else is ignored.
//!
//! | column | unit | meaning | undefined |
//! | --- | --- | --- | --- |
//! | `{email,push,sms}_sends` | count | messages sent | 0 |
//! | `{email,push,sms}_opens` | count | messages opened | 0 |
//! | `{email,push,sms}_clicks` | count | message links clicked | 0 |
//! | `{email,push,sms}_open_rate` | ratio | opens / sends | NaN when nothing was sent |
//! | `{email,push,sms}_click_rate` | ratio | clicks / sends | NaN when nothing was sent |
//! | `social_visits` | count | visits from social networks | 0 |
//! | `app_sessions` | count | app sessions | 0 |
//! | `app_sessions_per_week` | per week | app sessions in the recent window / (window days / 7) | 0 |
//! | `order_share_{level}` | share | orders whose first row has this sales channel / all orders (one column per level of the transactions' `channel` column) | 0 without orders |
//! | `acquisition_channel` | code | sales channel of the first order, index into the levels of `acquisition_channel` | −1 without orders or channel |
//!
//! Counts cover all events up to the cutoff. Orders are defined in [`super::rfm`].

use super::matrix::FeatureInfo;
use super::pass::Customer;
use crate::data::{Events, MISSING, Transactions};

/// Campaign and engagement channels, in column order.
///
/// ```
/// assert_eq!(segcore::features::channels::CHANNELS[0], "email");
/// ```
pub const CHANNELS: [&str; 5] = ["email", "push", "sms", "social", "app"];
const SEND: usize = 0;
const OPEN: usize = 1;
const CLICK: usize = 2;
const VISIT: usize = 3;
const SESSION: usize = 4;
const NONE: u8 = u8::MAX;

fn action_of(word: &str) -> Option<usize> {
    Some(match word {
        "sent" | "send" | "sends" | "delivered" | "delivery" => SEND,
        "open" | "opened" | "opens" => OPEN,
        "click" | "clicked" | "clicks" => CLICK,
        "visit" | "visits" => VISIT,
        "session" | "sessions" => SESSION,
        _ => return None,
    })
}

fn channel_of(word: &str) -> Option<usize> {
    let w = word.trim().to_ascii_lowercase();
    CHANNELS.iter().position(|c| *c == w)
}

/// How one kind code is read: fixed channel (or `NONE` = from the channel column) and action.
#[derive(Clone, Copy)]
struct KindRule {
    channel: u8,
    action: u8,
}

/// The channels family.
pub(crate) struct Channels {
    rules: Vec<KindRule>,
    /// channel index of each level of the events' channel column
    event_channel: Vec<u8>,
    sales_levels: usize,
    recent_secs: i64,
    recent_weeks: f64,
}

impl Channels {
    pub(crate) fn new(tx: &Transactions, ev: Option<&Events>, recent_days: u32) -> Self {
        let skip = KindRule {
            channel: NONE,
            action: NONE,
        };
        let fixed = |channel: u8, action: usize| KindRule {
            channel,
            action: action as u8,
        };
        let mut rules = vec![skip; 15];
        rules[8] = fixed(0, SEND);
        rules[9] = fixed(0, OPEN);
        rules[10] = fixed(0, CLICK);
        rules[11] = fixed(1, OPEN);
        rules[12] = fixed(2, CLICK);
        rules[13] = fixed(3, VISIT);
        rules[14] = fixed(4, SESSION);
        let mut event_channel = Vec::new();
        if let Some(ev) = ev {
            for name in &ev.other_kinds {
                let norm: String = name
                    .trim()
                    .chars()
                    .map(|c| match c {
                        ' ' | '-' => '_',
                        c => c.to_ascii_lowercase(),
                    })
                    .collect();
                let rule = match norm.split_once('_') {
                    Some((ch, act)) if channel_of(ch).is_some() => match action_of(act) {
                        Some(a) => fixed(channel_of(ch).map_or(NONE, |c| c as u8), a),
                        None => skip,
                    },
                    _ => match action_of(&norm) {
                        Some(a) => fixed(NONE, a),
                        None => skip,
                    },
                };
                rules.push(rule);
            }
            if let Some(ch) = ev.channel.as_ref() {
                event_channel = ch
                    .levels
                    .iter()
                    .map(|l| channel_of(l).map_or(NONE, |c| c as u8))
                    .collect();
            }
        }
        Channels {
            rules,
            event_channel,
            sales_levels: tx.channel.as_ref().map_or(0, |c| c.levels.len()),
            recent_secs: recent_days as i64 * 86_400,
            recent_weeks: recent_days as f64 / 7.0,
        }
    }

    /// Levels of `acquisition_channel` (and the `order_share_*` columns).
    pub(crate) fn levels(tx: &Transactions) -> Vec<String> {
        tx.channel
            .as_ref()
            .map_or_else(Vec::new, |c| c.levels.clone())
    }

    pub(crate) fn info(&self, tx: &Transactions) -> Vec<FeatureInfo> {
        let mut v = Vec::new();
        for ch in &CHANNELS[..3] {
            v.extend([
                FeatureInfo::new(
                    format!("{ch}_sends"),
                    "count",
                    format!("{ch} messages sent"),
                    "0",
                ),
                FeatureInfo::new(
                    format!("{ch}_opens"),
                    "count",
                    format!("{ch} messages opened"),
                    "0",
                ),
                FeatureInfo::new(
                    format!("{ch}_clicks"),
                    "count",
                    format!("{ch} links clicked"),
                    "0",
                ),
                FeatureInfo::new(
                    format!("{ch}_open_rate"),
                    "ratio",
                    format!("{ch} opens / sends"),
                    "NaN when nothing was sent",
                ),
                FeatureInfo::new(
                    format!("{ch}_click_rate"),
                    "ratio",
                    format!("{ch} clicks / sends"),
                    "NaN when nothing was sent",
                ),
            ]);
        }
        v.extend([
            FeatureInfo::new("social_visits", "count", "visits from social networks", "0"),
            FeatureInfo::new("app_sessions", "count", "app sessions", "0"),
            FeatureInfo::new(
                "app_sessions_per_week",
                "per week",
                "app sessions per week in the recent window",
                "0",
            ),
        ]);
        for l in Self::levels(tx) {
            v.push(FeatureInfo::new(
                format!("order_share_{l}"),
                "share",
                format!("share of orders placed through sales channel `{l}`"),
                "0 without orders",
            ));
        }
        v.push(FeatureInfo::new(
            "acquisition_channel",
            "code",
            "sales channel of the first order (see levels)",
            "-1 without orders or channel",
        ));
        v
    }

    pub(crate) fn fill(&self, cu: &Customer<'_>, out: &mut [f64]) {
        out.fill(0.0);
        let mut counts = [[0u64; 5]; 5];
        let mut recent_app = 0u64;
        if let Some(ev) = cu.ev {
            let start = cu.as_of - self.recent_secs;
            for &r in cu.ev_rows {
                let r = r as usize;
                let Some(rule) = self.rules.get(ev.kind[r] as usize) else {
                    continue;
                };
                if rule.action == NONE {
                    continue;
                }
                let ch = if rule.channel != NONE {
                    rule.channel
                } else {
                    match ev.channel.as_ref().map(|c| c.codes[r]) {
                        Some(code) if code != MISSING => self.event_channel[code as usize],
                        _ => NONE,
                    }
                };
                if ch == NONE {
                    continue;
                }
                counts[ch as usize][rule.action as usize] += 1;
                if ch == 4 && rule.action as usize == SESSION && ev.timestamp[r] > start {
                    recent_app += 1;
                }
            }
        }
        let mut j = 0;
        for c in &counts[..3] {
            let sends = c[SEND] as f64;
            let rate = |x: u64| {
                if sends > 0.0 {
                    x as f64 / sends
                } else {
                    f64::NAN
                }
            };
            out[j..j + 5].copy_from_slice(&[
                sends,
                c[OPEN] as f64,
                c[CLICK] as f64,
                rate(c[OPEN]),
                rate(c[CLICK]),
            ]);
            j += 5;
        }
        out[j] = counts[3][VISIT] as f64;
        out[j + 1] = counts[4][SESSION] as f64;
        out[j + 2] = recent_app as f64 / self.recent_weeks;
        j += 3;
        let acq = out.len() - 1;
        out[acq] = -1.0;
        if let Some(ch) = cu.tx.channel {
            let n = cu.orders.len();
            if n > 0 {
                for o in cu.orders {
                    let code = ch[o.first_row as usize];
                    if code != MISSING {
                        out[j + code as usize] += 1.0;
                    }
                }
                for v in &mut out[j..j + self.sales_levels] {
                    *v /= n as f64;
                }
                let first = ch[cu.orders[0].first_row as usize];
                if first != MISSING {
                    out[acq] = first as f64;
                }
            }
        }
    }
}
