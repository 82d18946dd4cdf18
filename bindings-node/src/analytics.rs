//! Retention analytics (`segcore::analytics`): the cart funnel with configurable stages,
//! drop-off anomalies, the follow-up list, cohort retention, channel value, A/B tests,
//! co-purchase recommendations, popular items per segment, next best action, pseudonymisation
//! and small-group suppression.
//!
//! Conversion only: options are read from a plain object, the core computes, and its
//! serialised output is handed back as plain objects and arrays with camelCase keys. Times in
//! outputs (`periodStart`, `abandonedAt`, `cohortStart`, `asOf`) are epoch milliseconds, like
//! every other time this binding returns. Per-customer inputs (segments, CLV, churn
//! probability) are either a `Record<customerId, value>` or an array in the order of
//! `Logs.customerIds()`. Everything that walks a whole log has an `...Async` twin.

use std::collections::BTreeMap;

use napi::bindgen_prelude::{AsyncTask, ClassInstance, Either, JsObjectValue, Object, Unknown};
use napi::JsValue;
use napi_derive::napi;
use segcore::analytics::{
    anomaly::AnomalyParams,
    channels::channel_value as core_channel_value,
    cohorts::Cohorts,
    experiments::{Arm, Experiment, Outcome},
    funnel::{FunnelParams, FunnelStage, FunnelStages, Period},
    nba::{CustomerFacts, RuleTable},
    privacy::{
        check_min_group, is_suppressed, pseudonymise as core_pseudonymise, pseudonymise_one,
    },
    recommend::{popular_by_segment as core_popular, Basket, CoPurchase, Similarity},
};
use segcore::data::{CustomerIndex, EventsBuilder};
use segcore::SegError;
use serde_json::{Map, Value};

use crate::convert::{opt_prop, time_seconds};
use crate::data::{options_arg, Logs, LogsInput};
use crate::error::{camel, param, run, IntoJs, Result};
use crate::task::{Job, Work};

/// A JavaScript object built from JSON.
type Obj = BTreeMap<String, Value>;
/// Logs argument: a `Logs` or raw transactions.
type LogsArg<'a> = Either<ClassInstance<'a, Logs>, Unknown<'a>>;

/// Serialises a core output (a `Numerical` error if that ever fails).
macro_rules! json {
    ($v:expr) => {
        serde_json::to_value($v).map_err(|e| SegError::Numerical {
            context: "analytics output".into(),
            reason: e.to_string(),
        })
    };
}

const TIME_KEYS: [&str; 4] = ["period_start", "abandoned_at", "cohort_start", "as_of"];

/// snake_case keys to camelCase, times from seconds to milliseconds.
fn js_value(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let v = if TIME_KEYS.contains(&k.as_str()) {
                        match v.as_i64() {
                            Some(s) => Value::from(s as f64 * 1000.0),
                            None => v,
                        }
                    } else {
                        js_value(v)
                    };
                    (camel(&k), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(js_value).collect()),
        other => other,
    }
}

fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for ch in name.chars() {
        if ch.is_ascii_uppercase() {
            out.push('_');
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// camelCase keys (and `field` values) of a JavaScript rule table to the core's snake_case.
fn core_value(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("field", Value::String(s)) => Value::String(snake(&s)),
                        (_, v) => core_value(v),
                    };
                    (snake(&k), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(core_value).collect()),
        other => other,
    }
}

fn array(v: Value) -> Result<Vec<Value>> {
    match js_value(v) {
        Value::Array(a) => Ok(a),
        _ => Err(param("output", "expected an array")),
    }
}

fn object(v: Value) -> Result<Obj> {
    match js_value(v) {
        Value::Object(m) => Ok(m.into_iter().collect()),
        _ => Err(param("output", "expected an object")),
    }
}

// ------------------------------------------------------------------------------- options

fn get(o: Option<&Object>, name: &str) -> Result<Option<Value>> {
    match o {
        None => Ok(None),
        Some(o) => match o.get::<Value>(name).js()? {
            None | Some(Value::Null) => Ok(None),
            Some(v) => Ok(Some(v)),
        },
    }
}

fn num(o: Option<&Object>, name: &str) -> Result<Option<f64>> {
    match get(o, name)? {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(_) => Err(param(name, "expected a number")),
    }
}

fn count(o: Option<&Object>, name: &str) -> Result<Option<u64>> {
    match num(o, name)? {
        None => Ok(None),
        Some(x) if x.is_finite() && x >= 0.0 && x.fract() == 0.0 => Ok(Some(x as u64)),
        Some(x) => Err(param(name, format!("{x} is not a non-negative integer"))),
    }
}

fn text(o: Option<&Object>, name: &str) -> Result<Option<String>> {
    match get(o, name)? {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(param(name, "expected a string")),
    }
}

fn min_group(o: Option<&Object>) -> Result<usize> {
    Ok(count(o, "minGroup")?.unwrap_or(10) as usize)
}

fn as_of(o: Option<&Object>) -> Result<Option<i64>> {
    opt_prop(o, "asOf")?
        .map(|u| time_seconds(&u, "asOf"))
        .transpose()
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Per-customer input: `(ids or None for index order, values)`.
fn per_customer(v: Value, name: &str) -> Result<(Option<Vec<String>>, Vec<Value>)> {
    match v {
        Value::Array(a) => Ok((None, a)),
        Value::Object(m) => {
            let (ids, vals) = m.into_iter().unzip();
            Ok((Some(ids), vals))
        }
        _ => Err(param(
            name,
            "expected a Record<customerId, value> or an array in customer order",
        )),
    }
}

fn numbers(vals: Vec<Value>, name: &str) -> Result<Vec<f64>> {
    vals.iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Number(n) => n
                .as_f64()
                .ok_or_else(|| crate::error::invalid(name, i, "not a number")),
            Value::Null => Ok(f64::NAN),
            _ => Err(crate::error::invalid(name, i, "expected a number")),
        })
        .collect()
}

/// Per-customer labels, resolved against the index on the worker.
#[derive(Debug, Clone)]
struct Labels {
    ids: Option<Vec<String>>,
    labels: Vec<String>,
}

impl Labels {
    fn read(v: Value, name: &str) -> Result<Labels> {
        let (ids, vals) = per_customer(v, name)?;
        Ok(Labels {
            ids,
            labels: vals.iter().map(value_text).collect(),
        })
    }
    fn resolve(self, index: &CustomerIndex) -> Vec<String> {
        match self.ids {
            None => self.labels,
            Some(ids) => {
                let mut out = vec![String::new(); index.len()];
                for (id, l) in ids.iter().zip(self.labels) {
                    if let Ok(c) = index.code_of(id) {
                        out[c as usize] = l;
                    }
                }
                out
            }
        }
    }
}

/// Per-customer numbers, resolved against the index on the worker (NaN where missing).
#[derive(Debug, Clone)]
struct Values {
    ids: Option<Vec<String>>,
    values: Vec<f64>,
}

impl Values {
    fn read(v: Value, name: &str) -> Result<Values> {
        let (ids, vals) = per_customer(v, name)?;
        Ok(Values {
            ids,
            values: numbers(vals, name)?,
        })
    }
    fn resolve(self, index: &CustomerIndex) -> Vec<f64> {
        match self.ids {
            None => self.values,
            Some(ids) => {
                let mut out = vec![f64::NAN; index.len()];
                for (id, v) in ids.iter().zip(self.values) {
                    if let Ok(c) = index.code_of(id) {
                        out[c as usize] = v;
                    }
                }
                out
            }
        }
    }
}

fn kinds_of(v: &Value, name: &str) -> Result<Vec<String>> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(a) => a
            .iter()
            .map(|k| match k {
                Value::String(s) => Ok(s.clone()),
                _ => Err(param(name, "event names must be strings")),
            })
            .collect(),
        _ => Err(param(name, "expected an event name or a list of them")),
    }
}

/// An options value whose object keys keep their order.
enum Ordered {
    /// An object's entries in JavaScript order.
    Map(Vec<(String, Value)>),
    /// Anything else.
    Other(Value),
}

/// Funnel stages from `{event: stage}`, `{stage: [events]}`, `[stage, ...]` or
/// `[[stage, [events]], ...]`; `cartStage` an index or a stage name.
fn funnel_params(o: Option<&Object>) -> Result<FunnelParams> {
    let mut p = FunnelParams::default();
    if let Some(g) = count(o, "sessionGapSecs")? {
        p = p.session_gap_secs(g as i64);
    }
    p = p.min_group(min_group(o)?);
    // objects keep their JavaScript key order (a JSON map would sort the stages)
    let stages_value = match opt_prop(o, "stages")? {
        Some(u) if !u.is_array().js()? && u.get_type().js()? == napi::ValueType::Object => {
            let obj = u.coerce_to_object().js()?;
            let keys = obj.get_property_names().js()?;
            let n = keys.get_array_length().js()?;
            let mut m: Vec<(String, Value)> = Vec::with_capacity(n as usize);
            for i in 0..n {
                let k: String = keys.get_element(i).js()?;
                let v = obj.get::<Value>(&k).js()?.unwrap_or(Value::Null);
                m.push((k, v));
            }
            Some(Ordered::Map(m))
        }
        _ => get(o, "stages")?.map(Ordered::Other),
    };
    let stages: Option<Vec<FunnelStage>> = match stages_value {
        None => None,
        Some(Ordered::Map(m)) => {
            if m.iter().all(|(_, v)| v.is_string()) {
                let mut out: Vec<FunnelStage> = Vec::new();
                for (ev, st) in m {
                    let st = value_text(&st);
                    match out.iter_mut().find(|s| s.name == st) {
                        Some(s) => s.kinds.push(ev),
                        None => out.push(FunnelStage {
                            name: st,
                            kinds: vec![ev],
                        }),
                    }
                }
                Some(out)
            } else {
                Some(
                    m.iter()
                        .map(|(st, ev)| {
                            Ok(FunnelStage {
                                name: st.clone(),
                                kinds: kinds_of(ev, "stages")?,
                            })
                        })
                        .collect::<Result<_>>()?,
                )
            }
        }
        Some(Ordered::Other(Value::Array(a))) => Some(
            a.iter()
                .map(|s| match s {
                    Value::String(n) => Ok(FunnelStage {
                        name: n.clone(),
                        kinds: vec![n.clone()],
                    }),
                    Value::Array(pair) if pair.len() == 2 => Ok(FunnelStage {
                        name: value_text(&pair[0]),
                        kinds: kinds_of(&pair[1], "stages")?,
                    }),
                    _ => Err(param("stages", "expected a stage name or [stage, events]")),
                })
                .collect::<Result<_>>()?,
        ),
        Some(_) => Err(param(
            "stages",
            "expected {event: stage}, {stage: events[]} or a list of stages",
        ))?,
    };
    if let Some(st) = stages {
        p.stages = FunnelStages {
            stages: st,
            cart_stage: 1,
        };
    }
    match get(o, "cartStage")? {
        None => {}
        Some(Value::String(s)) => {
            p.stages.cart_stage = p
                .stages
                .stages
                .iter()
                .position(|x| x.name == s)
                .ok_or_else(|| param("cartStage", format!("`{s}` is not one of the stages")))?;
        }
        Some(_) => p.stages.cart_stage = count(o, "cartStage")?.unwrap_or(1) as usize,
    }
    Ok(p)
}

fn period(o: Option<&Object>, default: Option<&str>) -> Result<Option<Period>> {
    match text(o, "period")?.as_deref().or(default) {
        None => Ok(None),
        Some("day") => Ok(Some(Period::Day)),
        Some("week") => Ok(Some(Period::Week)),
        Some(other) => Err(param(
            "period",
            format!("unknown period `{other}` (use day or week)"),
        )),
    }
}

// ------------------------------------------------------------------------------- funnel

/// Converted input of `cartFunnel`.
struct FunnelIn {
    events: EventsBuilder,
    params: FunnelParams,
    by: String,
    period: Option<Period>,
    segments: Option<Labels>,
}

fn funnel_in(events: Unknown, options: Option<Unknown>) -> Result<FunnelIn> {
    let o = options_arg(options)?;
    let o = o.as_ref();
    let segments = get(o, "segments")?
        .map(|v| Labels::read(v, "segments"))
        .transpose()?;
    let by = text(o, "by")?.unwrap_or_else(|| {
        if segments.is_some() {
            "segment".into()
        } else {
            "all".into()
        }
    });
    if !["all", "platform", "channel", "segment"].contains(&by.as_str()) {
        return Err(param(
            "by",
            format!("unknown grouping `{by}` (use all, platform, channel or segment)"),
        ));
    }
    if by == "segment" && segments.is_none() {
        return Err(param("segments", "by: 'segment' needs segments"));
    }
    let period = period(o, None)?;
    if period.is_some() && by != "all" {
        return Err(param("period", "a trend over time is for the whole funnel"));
    }
    Ok(FunnelIn {
        events: crate::data::events(&events)?,
        params: funnel_params(o)?,
        by,
        period,
        segments,
    })
}

fn funnel_run(i: FunnelIn) -> segcore::Result<Value> {
    let ev = i.events.build()?;
    let f = i.params.fit(&ev)?;
    let tables = match (i.period, i.by.as_str(), i.segments) {
        (Some(p), _, _) => f.over_time(p),
        (None, "platform", _) => f.by_platform(),
        (None, "channel", _) => f.by_channel(),
        (None, "segment", Some(l)) => f.by_segment(&l.resolve(ev.customers()))?,
        _ => vec![f.overall()],
    };
    json!(&tables)
}

/// The checkout funnel: reach and drop-off at each stage, per session and per customer.
///
/// Options: `stages` (`{event: stage}`, `{stage: events[]}` or a list of stage names; default
/// product_view → add_to_cart → checkout_start → shipping (or shipping_details) → payment (or
/// payment_details) → purchase), `cartStage`, `by` (`'platform' | 'channel' | 'segment'`),
/// `segments` (labels by customer; implies `by: 'segment'`), `period` (`'day' | 'week'`, whole
/// funnel per period), `sessionGapSecs` (1800), `minGroup` (10: smaller groups are
/// `suppressed` with null numbers). One table per group; counts never increase along stages.
///
/// ```js
/// cartFunnel(events, { minGroup: 1 })[0].stages.map((s) => s.sessions)
/// ```
#[napi(
    ts_args_type = "events: EventRow[] | EventColumns, options?: { stages?: Record<string, string | string[]> | Array<string | [string, string[]]>, cartStage?: number | string, by?: 'all' | 'platform' | 'channel' | 'segment', segments?: Record<string, string> | string[], period?: 'day' | 'week', sessionGapSecs?: number, minGroup?: number }",
    ts_return_type = "Array<{ group: string, periodStart: number | null, suppressed: boolean, customers: number | null, sessions: number | null, stages: Array<{ stage: string, sessions: number, customers: number, sessionReach: number, customerReach: number, stepConversion: number | null, dropOff: number | null, loopsBack: number }> | null }>"
)]
pub fn cart_funnel(events: Unknown, options: Option<Unknown>) -> Result<Vec<Value>> {
    let i = funnel_in(events, options)?;
    array(run(|| funnel_run(i))?)
}

/// Async twin of `cartFunnel`.
#[napi(
    ts_args_type = "events: EventRow[] | EventColumns, options?: { stages?: Record<string, string | string[]> | Array<string | [string, string[]]>, cartStage?: number | string, by?: 'all' | 'platform' | 'channel' | 'segment', segments?: Record<string, string> | string[], period?: 'day' | 'week', sessionGapSecs?: number, minGroup?: number }",
    ts_return_type = "Promise<Array<{ group: string, periodStart: number | null, suppressed: boolean, customers: number | null, sessions: number | null, stages: Array<{ stage: string, sessions: number, customers: number, sessionReach: number, customerReach: number, stepConversion: number | null, dropOff: number | null, loopsBack: number }> | null }>>"
)]
pub fn cart_funnel_async(
    events: Unknown,
    options: Option<Unknown>,
) -> Result<AsyncTask<Job<Value, Vec<Value>>>> {
    let i = funnel_in(events, options)?;
    let work: Work<Value> = Box::new(move || funnel_run(i));
    Ok(AsyncTask::new(Job::new(work, array)))
}

/// Converted input of `funnelAnomalies`.
struct AnomalyIn {
    events: EventsBuilder,
    params: FunnelParams,
    period: Period,
    anomaly: AnomalyParams,
}

fn anomaly_in(events: Unknown, options: Option<Unknown>) -> Result<AnomalyIn> {
    let o = options_arg(options)?;
    let o = o.as_ref();
    let mut a = AnomalyParams::default().min_group(min_group(o)?);
    if let Some(k) = count(o, "baselinePeriods")? {
        a = a.baseline_periods(k as usize);
    }
    if let Some(z) = num(o, "zThreshold")? {
        a = a.z_threshold(z);
    }
    if let Some(d) = num(o, "minChange")? {
        a = a.min_change(d);
    }
    if let Some(n) = count(o, "minSessions")? {
        a = a.min_sessions(n);
    }
    Ok(AnomalyIn {
        events: crate::data::events(&events)?,
        params: funnel_params(o)?,
        period: period(o, Some("week"))?.unwrap_or(Period::Week),
        anomaly: a,
    })
}

fn anomaly_run(i: AnomalyIn) -> segcore::Result<Value> {
    let ev = i.events.build()?;
    let flags = i.params.fit(&ev)?.anomalies(i.period, &i.anomaly)?;
    let v: Vec<Value> = flags
        .iter()
        .map(|f| {
            serde_json::json!({
                "stage": f.stage, "next_stage": f.next_stage, "period_start": f.period_start,
                "period": f.period, "drop_off": f.drop_off, "baseline": f.baseline_drop_off,
                "change": f.change, "statistic": f.z, "p_value": f.p_value,
                "sessions": f.sessions, "baseline_sessions": f.baseline_sessions,
            })
        })
        .collect();
    Ok(Value::Array(v))
}

/// Stages whose drop-off in one period (`period`: `'week'` by default, or `'day'`) rose
/// significantly above the pooled previous `baselinePeriods` (7) periods: one-sided
/// two-proportion z-test, flagged when `statistic >= zThreshold` (3), the rise is at least
/// `minChange` (0.05) and there are `minSessions` (30) sessions in the period and baseline.
/// Stage options as in `cartFunnel`. One object per flag.
///
/// ```js
/// funnelAnomalies(events, { period: 'day' }) // [{ stage: 'payment', period: '2024-03-08', ... }]
/// ```
#[napi(
    ts_args_type = "events: EventRow[] | EventColumns, options?: { stages?: Record<string, string | string[]> | Array<string | [string, string[]]>, cartStage?: number | string, period?: 'day' | 'week', baselinePeriods?: number, zThreshold?: number, minChange?: number, minSessions?: number, sessionGapSecs?: number, minGroup?: number }",
    ts_return_type = "Array<{ stage: string, nextStage: string, periodStart: number, period: string, dropOff: number, baseline: number, change: number, statistic: number, pValue: number, sessions: number, baselineSessions: number }>"
)]
pub fn funnel_anomalies(events: Unknown, options: Option<Unknown>) -> Result<Vec<Value>> {
    let i = anomaly_in(events, options)?;
    array(run(|| anomaly_run(i))?)
}

/// Async twin of `funnelAnomalies`.
#[napi(
    ts_args_type = "events: EventRow[] | EventColumns, options?: { stages?: Record<string, string | string[]> | Array<string | [string, string[]]>, cartStage?: number | string, period?: 'day' | 'week', baselinePeriods?: number, zThreshold?: number, minChange?: number, minSessions?: number, sessionGapSecs?: number, minGroup?: number }",
    ts_return_type = "Promise<Array<{ stage: string, nextStage: string, periodStart: number, period: string, dropOff: number, baseline: number, change: number, statistic: number, pValue: number, sessions: number, baselineSessions: number }>>"
)]
pub fn funnel_anomalies_async(
    events: Unknown,
    options: Option<Unknown>,
) -> Result<AsyncTask<Job<Value, Vec<Value>>>> {
    let i = anomaly_in(events, options)?;
    let work: Work<Value> = Box::new(move || anomaly_run(i));
    Ok(AsyncTask::new(Job::new(work, array)))
}

/// Converted input of `abandonedCarts`.
struct CartsIn {
    events: EventsBuilder,
    params: FunnelParams,
    as_of: Option<i64>,
    window_secs: Option<i64>,
    segments: Option<Labels>,
    key: Option<Vec<u8>>,
    hex_len: Option<usize>,
}

fn carts_in(events: Unknown, options: Option<Unknown>) -> Result<CartsIn> {
    let o = options_arg(options)?;
    let o = o.as_ref();
    let window_secs = match get(o, "windowDays")? {
        None => Some(7 * 86_400),
        Some(Value::Bool(false)) => None,
        Some(Value::Number(n)) => {
            let d = n.as_f64().unwrap_or(f64::NAN);
            if !(d.is_finite() && d >= 0.0) {
                return Err(param("windowDays", "must be a finite number >= 0"));
            }
            Some((d * 86_400.0).round() as i64)
        }
        Some(_) => return Err(param("windowDays", "expected a number of days or false")),
    };
    Ok(CartsIn {
        events: crate::data::events(&events)?,
        params: funnel_params(o)?.min_group(1),
        as_of: as_of(o)?,
        window_secs,
        segments: get(o, "segments")?
            .map(|v| Labels::read(v, "segments"))
            .transpose()?,
        key: text(o, "key")?.map(String::into_bytes),
        hex_len: count(o, "hexLen")?.map(|n| n as usize),
    })
}

fn carts_run(i: CartsIn) -> segcore::Result<Value> {
    let ev = i.events.build()?;
    let ts = ev.timestamp();
    let as_of = i
        .as_of
        .unwrap_or_else(|| ts.iter().copied().max().unwrap_or(0));
    let first = ts.iter().copied().min().unwrap_or(0);
    let window = i
        .window_secs
        .unwrap_or_else(|| as_of.saturating_sub(first).max(0));
    let labels = i.segments.map(|l| l.resolve(ev.customers()));
    let f = i.params.fit(&ev)?;
    let mut list = f.follow_up(as_of, window, labels.as_deref())?;
    if let Some(k) = &i.key {
        for c in list.iter_mut() {
            c.customer = pseudonymise_one(k, &c.customer, i.hex_len)?;
        }
    }
    let v: Vec<Value> = list
        .iter()
        .map(|c| {
            serde_json::json!({
                "customer_id": c.customer, "abandoned_at": c.abandoned_at, "stage": c.stage,
                "value": c.value, "segment": c.segment,
                "days_since": (as_of - c.abandoned_at) as f64 / 86_400.0,
            })
        })
        .collect();
    Ok(Value::Array(v))
}

/// The follow-up list for a cart reminder: customers whose latest cart-stage session ended
/// without a purchase (and nothing bought since), abandoned within `windowDays` (7; `false` =
/// any time) before `asOf` (default: the last event), highest cart value first. `segments`
/// adds each customer's segment; `key` replaces ids by HMAC-SHA256 pseudonyms (`hexLen`
/// characters).
#[napi(
    ts_args_type = "events: EventRow[] | EventColumns, options?: { asOf?: Date | number | string, windowDays?: number | false, segments?: Record<string, string> | string[], key?: string, hexLen?: number, stages?: Record<string, string | string[]> | Array<string | [string, string[]]>, cartStage?: number | string, sessionGapSecs?: number }",
    ts_return_type = "Array<{ customerId: string, abandonedAt: number, stage: string, value: number | null, segment: string | null, daysSince: number }>"
)]
pub fn abandoned_carts(events: Unknown, options: Option<Unknown>) -> Result<Vec<Value>> {
    let i = carts_in(events, options)?;
    array(run(|| carts_run(i))?)
}

/// Async twin of `abandonedCarts`.
#[napi(
    ts_args_type = "events: EventRow[] | EventColumns, options?: { asOf?: Date | number | string, windowDays?: number | false, segments?: Record<string, string> | string[], key?: string, hexLen?: number, stages?: Record<string, string | string[]> | Array<string | [string, string[]]>, cartStage?: number | string, sessionGapSecs?: number }",
    ts_return_type = "Promise<Array<{ customerId: string, abandonedAt: number, stage: string, value: number | null, segment: string | null, daysSince: number }>>"
)]
pub fn abandoned_carts_async(
    events: Unknown,
    options: Option<Unknown>,
) -> Result<AsyncTask<Job<Value, Vec<Value>>>> {
    let i = carts_in(events, options)?;
    let work: Work<Value> = Box::new(move || carts_run(i));
    Ok(AsyncTask::new(Job::new(work, array)))
}

// ------------------------------------------------------------------------------- cohorts

/// Converted input of `cohortRetention`.
struct CohortIn {
    logs: LogsInput,
    params: segcore::analytics::cohorts::CohortParams,
}

fn cohort_in(logs: LogsArg, options: Option<Unknown>) -> Result<CohortIn> {
    let o = options_arg(options)?;
    let o = o.as_ref();
    let mut p = Cohorts::params().min_group(min_group(o)?);
    if let Some(t) = as_of(o)? {
        p = p.as_of(t);
    }
    if let Some(m) = count(o, "flagMonths")? {
        p = p.flag_months(m as usize);
    }
    if let Some(z) = num(o, "zThreshold")? {
        p = p.z_threshold(z);
    }
    Ok(CohortIn {
        logs: LogsInput::read(logs, o)?,
        params: p,
    })
}

fn cohort_run(i: CohortIn) -> segcore::Result<Value> {
    let logs = i.logs.build()?;
    json!(&i.params.fit(logs.transactions())?)
}

/// Cohort retention: acquisition month (UTC month of the first purchase) × months since, as
/// retention rate and revenue; `worseThanEarlier` flags a cohort retaining worse than the
/// pooled earlier ones (one-sided z-test at one of the first `flagMonths` offsets). Options:
/// `asOf`, `flagMonths` (3), `zThreshold` (1.96), `minGroup` (10), `events`, `feedback`.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: { asOf?: Date | number | string, flagMonths?: number, zThreshold?: number, minGroup?: number }",
    ts_return_type = "{ months: number, cohorts: Array<{ cohort: string, cohortStart: number, suppressed: boolean, customers: number | null, active: Array<number | null> | null, retention: Array<number | null> | null, revenue: Array<number | null> | null, revenuePerCustomer: Array<number | null> | null, worseThanEarlier: { month: number, retention: number, baseline: number, z: number } | null }> }"
)]
pub fn cohort_retention(logs: LogsArg, options: Option<Unknown>) -> Result<Obj> {
    let i = cohort_in(logs, options)?;
    object(run(|| cohort_run(i))?)
}

/// Async twin of `cohortRetention`.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: { asOf?: Date | number | string, flagMonths?: number, zThreshold?: number, minGroup?: number }",
    ts_return_type = "Promise<{ months: number, cohorts: Array<{ cohort: string, cohortStart: number, suppressed: boolean, customers: number | null, active: Array<number | null> | null, retention: Array<number | null> | null, revenue: Array<number | null> | null, revenuePerCustomer: Array<number | null> | null, worseThanEarlier: { month: number, retention: number, baseline: number, z: number } | null }> }>"
)]
pub fn cohort_retention_async(
    logs: LogsArg,
    options: Option<Unknown>,
) -> Result<AsyncTask<Job<Value, Obj>>> {
    let i = cohort_in(logs, options)?;
    let work: Work<Value> = Box::new(move || cohort_run(i));
    Ok(AsyncTask::new(Job::new(work, object)))
}

// ------------------------------------------------------------------------------- channels

/// Converted input of `channelValue`.
struct ChannelIn {
    logs: LogsInput,
    clv: Option<Values>,
    churn: Option<Values>,
    cac: Vec<(String, f64)>,
    min_group: usize,
}

fn channel_in(logs: LogsArg, options: Option<Unknown>) -> Result<ChannelIn> {
    let o = options_arg(options)?;
    let o = o.as_ref();
    let cac = match get(o, "cac")? {
        None => Vec::new(),
        Some(Value::Object(m)) => m
            .into_iter()
            .map(|(k, v)| match v.as_f64() {
                Some(x) => Ok((k, x)),
                None => Err(param("cac", format!("cost of `{k}` is not a number"))),
            })
            .collect::<Result<_>>()?,
        Some(_) => return Err(param("cac", "expected a Record<channel, cost>")),
    };
    Ok(ChannelIn {
        logs: LogsInput::read(logs, o)?,
        clv: get(o, "clv")?.map(|v| Values::read(v, "clv")).transpose()?,
        churn: get(o, "churnProbability")?
            .map(|v| Values::read(v, "churnProbability"))
            .transpose()?,
        cac,
        min_group: min_group(o)?,
    })
}

fn channel_run(i: ChannelIn) -> segcore::Result<Value> {
    let logs = i.logs.build()?;
    let idx = logs.customers();
    let n = idx.len();
    let has_clv = i.clv.is_some();
    let has_churn = i.churn.is_some();
    let clv = i.clv.map_or_else(|| vec![0.0; n], |v| v.resolve(idx));
    let churn = i.churn.map_or_else(|| vec![0.0; n], |v| v.resolve(idx));
    for (name, col) in [("clv", &clv), ("churn_probability", &churn)] {
        if let Some(c) = col.iter().position(|x| x.is_nan()) {
            return Err(SegError::invalid(
                name,
                c,
                format!("no value for customer `{}`", idx.label(c as u32)),
            ));
        }
    }
    let mut v = json!(&core_channel_value(
        &logs,
        &clv,
        &churn,
        &i.cac,
        i.min_group
    )?)?;
    // columns that were not given are dropped rather than reported as zeros
    if let Value::Object(m) = &mut v {
        for table in m.values_mut() {
            if let Value::Array(rows) = table {
                for r in rows.iter_mut() {
                    if let Value::Object(r) = r {
                        if !has_clv {
                            r.remove("mean_clv");
                            r.remove("clv_to_cac");
                        }
                        if !has_churn {
                            r.remove("mean_churn");
                        }
                    }
                }
            }
        }
    }
    Ok(v)
}

/// Channel value: customers, repeat-purchase rate (`retention`), mean CLV and mean churn by
/// acquisition channel (first order's channel; the transactions need a `channel`) and by
/// engagement channel (events' channel used most; give `events`), and `clvToCac` per
/// acquisition channel where `cac` (`{channel: cost}`) is given. `clv` / `churnProbability`
/// are per customer (left out: their columns are dropped). Small channels are suppressed.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: { events?: EventRow[] | EventColumns, clv?: Record<string, number> | number[], churnProbability?: Record<string, number> | number[], cac?: Record<string, number>, minGroup?: number }",
    ts_return_type = "{ acquisition: Array<{ channel: string, suppressed: boolean, customers: number | null, retention: number | null, meanClv?: number | null, meanChurn?: number | null, cac?: number | null, clvToCac?: number | null }>, engagement: Array<{ channel: string, suppressed: boolean, customers: number | null, retention: number | null, meanClv?: number | null, meanChurn?: number | null, cac?: number | null, clvToCac?: number | null }> }"
)]
pub fn channel_value(logs: LogsArg, options: Option<Unknown>) -> Result<Obj> {
    let i = channel_in(logs, options)?;
    object(run(|| channel_run(i))?)
}

/// Async twin of `channelValue`.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: { events?: EventRow[] | EventColumns, clv?: Record<string, number> | number[], churnProbability?: Record<string, number> | number[], cac?: Record<string, number>, minGroup?: number }",
    ts_return_type = "Promise<{ acquisition: Array<{ channel: string, suppressed: boolean, customers: number | null, retention: number | null, meanClv?: number | null, meanChurn?: number | null, cac?: number | null, clvToCac?: number | null }>, engagement: Array<{ channel: string, suppressed: boolean, customers: number | null, retention: number | null, meanClv?: number | null, meanChurn?: number | null, cac?: number | null, clvToCac?: number | null }> }>"
)]
pub fn channel_value_async(
    logs: LogsArg,
    options: Option<Unknown>,
) -> Result<AsyncTask<Job<Value, Obj>>> {
    let i = channel_in(logs, options)?;
    let work: Work<Value> = Box::new(move || channel_run(i));
    Ok(AsyncTask::new(Job::new(work, object)))
}

// ------------------------------------------------------------------------------- experiments

/// Converted input of `abTest`.
struct AbIn {
    arms: Vec<Arm>,
    converted: Option<Vec<bool>>,
    revenue: Option<Vec<f64>>,
    segments: Option<Vec<String>>,
    params: segcore::analytics::experiments::ExperimentParams,
}

fn ab_in(data: Value, options: Option<Unknown>) -> Result<AbIn> {
    let o = options_arg(options)?;
    let o = o.as_ref();
    let Value::Object(mut d) = data else {
        return Err(param(
            "data",
            "expected { variant: string[], outcome: boolean[] | number[], segment?: string[] }",
        ));
    };
    let control = text(o, "control")?.unwrap_or_else(|| "control".into());
    let treatment = text(o, "treatment")?.unwrap_or_else(|| "treatment".into());
    let col = |d: &mut Map<String, Value>, k: &str| -> Result<Option<Vec<Value>>> {
        match d.remove(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(_) => Err(param(k, "expected an array")),
        }
    };
    let variant = col(&mut d, "variant")?.ok_or_else(|| param("variant", "missing"))?;
    let outcome = col(&mut d, "outcome")?.ok_or_else(|| param("outcome", "missing"))?;
    let arms = variant
        .iter()
        .map(|v| {
            let s = value_text(v);
            if s == control {
                Arm::Control
            } else if s == treatment {
                Arm::Treatment
            } else {
                Arm::Excluded
            }
        })
        .collect();
    let metric = text(o, "metric")?.unwrap_or_else(|| "auto".into());
    let is_bool = outcome.iter().all(Value::is_boolean);
    let (converted, revenue) = match (metric.as_str(), is_bool) {
        ("auto", true) | ("conversion", true) => (
            Some(outcome.iter().map(|v| v.as_bool() == Some(true)).collect()),
            None,
        ),
        ("conversion", false) => (
            Some(
                outcome
                    .iter()
                    .enumerate()
                    .map(|(i, v)| match v.as_f64() {
                        Some(x) if x == 0.0 || x == 1.0 => Ok(x == 1.0),
                        _ => Err(crate::error::invalid("outcome", i, "not 0/1 or a boolean")),
                    })
                    .collect::<Result<Vec<bool>>>()?,
            ),
            None,
        ),
        ("auto", false) | ("revenue", _) => (None, Some(numbers(outcome, "outcome")?)),
        (other, _) => {
            return Err(param(
                "metric",
                format!("unknown metric `{other}` (use auto, conversion or revenue)"),
            ))
        }
    };
    let segments = col(&mut d, "segment")?.map(|a| a.iter().map(value_text).collect());
    let mut p = Experiment::params().min_group(min_group(o)?);
    if let Some(a) = num(o, "alpha")? {
        p = p.alpha(a);
    }
    if let Some(pw) = num(o, "power")? {
        p = p.power(pw);
    }
    if let Some(e) = num(o, "minEffect")? {
        p = p.min_effect(e);
    }
    Ok(AbIn {
        arms,
        converted,
        revenue,
        segments,
        params: p,
    })
}

fn ab_run(i: AbIn) -> segcore::Result<Value> {
    let outcome = match (&i.converted, &i.revenue) {
        (Some(c), _) => Outcome::Conversion(c),
        (None, Some(r)) => Outcome::Revenue(r),
        (None, None) => return Err(SegError::param("outcome", "missing")),
    };
    json!(&i.params.evaluate(&i.arms, outcome, i.segments.as_deref())?)
}

/// A/B test effects overall and per segment: `data` holds one entry per customer in
/// `variant` (entries neither `control` nor `treatment` are ignored), `outcome` (booleans:
/// conversion, two-proportion z-test; numbers: revenue, Welch's t-test; `metric` forces one)
/// and optionally `segment`. Segment p-values are Holm-adjusted; `underpowered` segments get
/// a `warning`; arms below `minGroup` are suppressed.
#[napi(
    ts_args_type = "data: { variant: Array<string | number>, outcome: boolean[] | number[], segment?: Array<string | number> }, options?: { control?: string, treatment?: string, metric?: 'auto' | 'conversion' | 'revenue', alpha?: number, power?: number, minEffect?: number, minGroup?: number }",
    ts_return_type = "{ metric: 'conversion' | 'revenue', overall: { segment: string, suppressed: boolean, estimate: { nControl: number, nTreatment: number, meanControl: number, meanTreatment: number, effect: number, ciLow: number, ciHigh: number, statistic: number, df: number | null, pValue: number, pAdjusted: number, significant: boolean, minDetectableEffect: number | null, requiredPerArm: number | null, underpowered: boolean, warning: string | null } | null }, segments: Array<{ segment: string, suppressed: boolean, estimate: { nControl: number, nTreatment: number, meanControl: number, meanTreatment: number, effect: number, ciLow: number, ciHigh: number, statistic: number, df: number | null, pValue: number, pAdjusted: number, significant: boolean, minDetectableEffect: number | null, requiredPerArm: number | null, underpowered: boolean, warning: string | null } | null }> }"
)]
pub fn ab_test(data: Value, options: Option<Unknown>) -> Result<Obj> {
    let i = ab_in(data, options)?;
    object(run(|| ab_run(i))?)
}

/// Async twin of `abTest`.
#[napi(
    ts_args_type = "data: { variant: Array<string | number>, outcome: boolean[] | number[], segment?: Array<string | number> }, options?: { control?: string, treatment?: string, metric?: 'auto' | 'conversion' | 'revenue', alpha?: number, power?: number, minEffect?: number, minGroup?: number }",
    ts_return_type = "Promise<{ metric: 'conversion' | 'revenue', overall: { segment: string, suppressed: boolean, estimate: { nControl: number, nTreatment: number, meanControl: number, meanTreatment: number, effect: number, ciLow: number, ciHigh: number, statistic: number, df: number | null, pValue: number, pAdjusted: number, significant: boolean, minDetectableEffect: number | null, requiredPerArm: number | null, underpowered: boolean, warning: string | null } | null }, segments: Array<{ segment: string, suppressed: boolean, estimate: { nControl: number, nTreatment: number, meanControl: number, meanTreatment: number, effect: number, ciLow: number, ciHigh: number, statistic: number, df: number | null, pValue: number, pAdjusted: number, significant: boolean, minDetectableEffect: number | null, requiredPerArm: number | null, underpowered: boolean, warning: string | null } | null }> }>"
)]
pub fn ab_test_async(data: Value, options: Option<Unknown>) -> Result<AsyncTask<Job<Value, Obj>>> {
    let i = ab_in(data, options)?;
    let work: Work<Value> = Box::new(move || ab_run(i));
    Ok(AsyncTask::new(Job::new(work, object)))
}

// ------------------------------------------------------------------------------- recommendations

/// Converted input of the co-purchase functions.
struct CoIn {
    logs: LogsInput,
    params: segcore::analytics::recommend::CoPurchaseParams,
    customers: Option<Vec<String>>,
    n: usize,
}

fn co_in(logs: LogsArg, options: Option<Unknown>) -> Result<CoIn> {
    let o = options_arg(options)?;
    let o = o.as_ref();
    let mut p = CoPurchase::params();
    match text(o, "similarity")?.as_deref() {
        None | Some("cosine") => {}
        Some("lift") => p = p.similarity(Similarity::Lift),
        Some(s) => return Err(param("similarity", format!("unknown similarity `{s}`"))),
    }
    match text(o, "basket")?.as_deref() {
        None | Some("customer") => {}
        Some("order") => p = p.basket(Basket::Order),
        Some(s) => return Err(param("basket", format!("unknown basket `{s}`"))),
    }
    if let Some(s) = count(o, "minSupport")? {
        p = p.min_support(s);
    }
    if let Some(m) = count(o, "maxNeighbours")? {
        p = p.max_neighbours(m as usize);
    }
    let customers = match get(o, "customers")? {
        None => None,
        Some(Value::Array(a)) => Some(a.iter().map(value_text).collect()),
        Some(_) => return Err(param("customers", "expected an array of customer ids")),
    };
    Ok(CoIn {
        logs: LogsInput::read(logs, o)?,
        params: p,
        customers,
        n: count(o, "n")?.unwrap_or(10) as usize,
    })
}

fn co_run(i: CoIn) -> segcore::Result<Value> {
    let logs = i.logs.build()?;
    let m = i.params.fit(logs.transactions())?;
    let pairs: Vec<Value> = m
        .neighbours
        .iter()
        .enumerate()
        .flat_map(|(a, nbs)| {
            let items = &m.items;
            nbs.iter().map(move |nb| {
                serde_json::json!({
                    "item": items.get(a), "other": items.get(nb.item as usize),
                    "score": nb.score, "support": nb.support,
                })
            })
        })
        .collect();
    Ok(serde_json::json!({
        "items": m.items, "item_baskets": m.item_baskets, "n_baskets": m.n_baskets,
        "pairs": pairs, "model": segcore::model::to_json(&m)?,
    }))
}

/// Item-to-item co-purchase scores: cosine (default) or lift between products bought in the
/// same basket (`basket`: a customer's purchases, or `'order'`), pairs in fewer than
/// `minSupport` (2) baskets dropped, `maxNeighbours` (50) kept per item. Transactions need a
/// `product`. `model` is the model file (JSON, no customer ids) for `recommendItems`.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: { similarity?: 'cosine' | 'lift', basket?: 'customer' | 'order', minSupport?: number, maxNeighbours?: number }",
    ts_return_type = "{ items: string[], itemBaskets: number[], nBaskets: number, pairs: Array<{ item: string, other: string, score: number, support: number }>, model: string }"
)]
pub fn co_purchase(logs: LogsArg, options: Option<Unknown>) -> Result<Obj> {
    let i = co_in(logs, options)?;
    object(run(|| co_run(i))?)
}

/// Async twin of `coPurchase`.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: { similarity?: 'cosine' | 'lift', basket?: 'customer' | 'order', minSupport?: number, maxNeighbours?: number }",
    ts_return_type = "Promise<{ items: string[], itemBaskets: number[], nBaskets: number, pairs: Array<{ item: string, other: string, score: number, support: number }>, model: string }>"
)]
pub fn co_purchase_async(
    logs: LogsArg,
    options: Option<Unknown>,
) -> Result<AsyncTask<Job<Value, Obj>>> {
    let i = co_in(logs, options)?;
    let work: Work<Value> = Box::new(move || co_run(i));
    Ok(AsyncTask::new(Job::new(work, object)))
}

fn rec_run(i: CoIn) -> segcore::Result<Value> {
    let logs = i.logs.build()?;
    let tx = logs.transactions();
    let m = i.params.fit(tx)?;
    let idx = logs.customers();
    let codes: Vec<u32> = match &i.customers {
        Some(ids) => ids
            .iter()
            .map(|id| idx.code_of(id))
            .collect::<segcore::Result<_>>()?,
        None => (0..idx.len() as u32).collect(),
    };
    let recs = m.recommend_for_customers(tx, &codes, i.n)?;
    let out: Vec<Value> = codes
        .iter()
        .zip(recs)
        .map(|(&c, r)| Ok(serde_json::json!({ "customer_id": idx.label(c), "items": json!(&r)? })))
        .collect::<segcore::Result<_>>()?;
    Ok(Value::Array(out))
}

/// Complementary products per customer (all, or `customers`): the `n` (10) items with the
/// highest summed co-purchase score with what the customer bought, excluding what they
/// already have. Co-purchase options as in `coPurchase`.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: { customers?: Array<string | number>, n?: number, similarity?: 'cosine' | 'lift', basket?: 'customer' | 'order', minSupport?: number, maxNeighbours?: number }",
    ts_return_type = "Array<{ customerId: string, items: Array<{ item: string, score: number, support: number }> }>"
)]
pub fn recommend(logs: LogsArg, options: Option<Unknown>) -> Result<Vec<Value>> {
    let i = co_in(logs, options)?;
    array(run(|| rec_run(i))?)
}

/// Async twin of `recommend`.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: { customers?: Array<string | number>, n?: number, similarity?: 'cosine' | 'lift', basket?: 'customer' | 'order', minSupport?: number, maxNeighbours?: number }",
    ts_return_type = "Promise<Array<{ customerId: string, items: Array<{ item: string, score: number, support: number }> }>>"
)]
pub fn recommend_async(
    logs: LogsArg,
    options: Option<Unknown>,
) -> Result<AsyncTask<Job<Value, Vec<Value>>>> {
    let i = co_in(logs, options)?;
    let work: Work<Value> = Box::new(move || rec_run(i));
    Ok(AsyncTask::new(Job::new(work, array)))
}

/// Complementary items for a set of owned items from a co-purchase model file (`model` of
/// `coPurchase`): scores summed over the owned items, owned items excluded, best `n` first.
#[napi(ts_return_type = "Array<{ item: string, score: number, support: number }>")]
pub fn recommend_items(model: String, owned: Vec<String>, n: Option<u32>) -> Result<Vec<Value>> {
    let v = run(|| {
        let m: CoPurchase = segcore::model::from_json(&model)?;
        json!(&m.recommend(&owned, n.unwrap_or(10) as usize))
    })?;
    array(v)
}

/// Converted input of `popularBySegment`.
struct PopIn {
    logs: LogsInput,
    segments: Labels,
    n: usize,
    min_group: usize,
}

fn pop_in(logs: LogsArg, segments: Value, options: Option<Unknown>) -> Result<PopIn> {
    let o = options_arg(options)?;
    let o = o.as_ref();
    Ok(PopIn {
        logs: LogsInput::read(logs, o)?,
        segments: Labels::read(segments, "segments")?,
        n: count(o, "n")?.unwrap_or(10) as usize,
        min_group: min_group(o)?,
    })
}

fn pop_run(i: PopIn) -> segcore::Result<Value> {
    let logs = i.logs.build()?;
    let labels = i.segments.resolve(logs.customers());
    json!(&core_popular(
        logs.transactions(),
        &labels,
        i.n,
        i.min_group
    )?)
}

/// The `n` (10) products bought by the most customers of each segment (`segments`: labels by
/// customer); segments and items below `minGroup` (10) customers are left out.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, segments: Record<string, string> | string[], options?: { n?: number, minGroup?: number }",
    ts_return_type = "Array<{ segment: string, suppressed: boolean, customers: number | null, items: Array<{ item: string, customers: number, share: number }> | null }>"
)]
pub fn popular_by_segment(
    logs: LogsArg,
    segments: Value,
    options: Option<Unknown>,
) -> Result<Vec<Value>> {
    let i = pop_in(logs, segments, options)?;
    array(run(|| pop_run(i))?)
}

/// Async twin of `popularBySegment`.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, segments: Record<string, string> | string[], options?: { n?: number, minGroup?: number }",
    ts_return_type = "Promise<Array<{ segment: string, suppressed: boolean, customers: number | null, items: Array<{ item: string, customers: number, share: number }> | null }>>"
)]
pub fn popular_by_segment_async(
    logs: LogsArg,
    segments: Value,
    options: Option<Unknown>,
) -> Result<AsyncTask<Job<Value, Vec<Value>>>> {
    let i = pop_in(logs, segments, options)?;
    let work: Work<Value> = Box::new(move || pop_run(i));
    Ok(AsyncTask::new(Job::new(work, array)))
}

// ------------------------------------------------------------------------------- next best action

/// The default next-best-action rule table (`{ rules, fallbackAction }`), to copy and edit.
#[napi(
    ts_return_type = "{ rules: Array<{ action: string, reason: string, segments: string[] | null, conditions: Array<{ field: string, op: '>=' | '>' | '<=' | '<', value: number }> }>, fallbackAction: string }"
)]
pub fn default_rules() -> Result<Obj> {
    object(run(|| json!(&RuleTable::default()))?)
}

const FACTS: [&str; 9] = [
    "clv",
    "churnProbability",
    "pAlive",
    "satisfaction",
    "cartValue",
    "daysSinceCartAbandoned",
    "tenureDays",
    "orders",
    "daysSinceLastOrder",
];

/// One next best action per customer: the first rule of the table whose conditions all hold
/// (a missing fact makes a condition false), else the fallback. `facts` holds equal-length
/// arrays (one entry per customer): `customerId` (optional, echoed back), `segment`, `clv`,
/// `churnProbability`, `pAlive`, `satisfaction` (0..1), `cartValue`,
/// `daysSinceCartAbandoned`, `tenureDays`, `orders`, `daysSinceLastOrder` (null = unknown).
/// `options.rules` replaces the default table (see `defaultRules`; `rules` alone or
/// `{ rules, fallbackAction }`).
#[napi(
    ts_args_type = "facts: { customerId?: Array<string | number>, segment?: string[], clv?: Array<number | null>, churnProbability?: Array<number | null>, pAlive?: Array<number | null>, satisfaction?: Array<number | null>, cartValue?: Array<number | null>, daysSinceCartAbandoned?: Array<number | null>, tenureDays?: Array<number | null>, orders?: Array<number | null>, daysSinceLastOrder?: Array<number | null> }, options?: { rules?: object, fallbackAction?: string }",
    ts_return_type = "Array<{ customerId: string | null, action: string, rule: number | null, reason: string }>"
)]
pub fn next_best_action(facts: Value, options: Option<Unknown>) -> Result<Vec<Value>> {
    let i = nba_in(facts, options)?;
    array(run(|| nba_run(i))?)
}

/// Async twin of `nextBestAction`.
#[napi(
    ts_args_type = "facts: { customerId?: Array<string | number>, segment?: string[], clv?: Array<number | null>, churnProbability?: Array<number | null>, pAlive?: Array<number | null>, satisfaction?: Array<number | null>, cartValue?: Array<number | null>, daysSinceCartAbandoned?: Array<number | null>, tenureDays?: Array<number | null>, orders?: Array<number | null>, daysSinceLastOrder?: Array<number | null> }, options?: { rules?: object, fallbackAction?: string }",
    ts_return_type = "Promise<Array<{ customerId: string | null, action: string, rule: number | null, reason: string }>>"
)]
pub fn next_best_action_async(
    facts: Value,
    options: Option<Unknown>,
) -> Result<AsyncTask<Job<Value, Vec<Value>>>> {
    let i = nba_in(facts, options)?;
    let work: Work<Value> = Box::new(move || nba_run(i));
    Ok(AsyncTask::new(Job::new(work, array)))
}

/// Converted input of `nextBestAction`.
struct NbaIn {
    table: RuleTable,
    ids: Option<Vec<String>>,
    segment: Option<Vec<String>>,
    cols: BTreeMap<&'static str, Vec<f64>>,
}

fn nba_in(facts: Value, options: Option<Unknown>) -> Result<NbaIn> {
    let o = options_arg(options)?;
    let o = o.as_ref();
    let Value::Object(mut f) = facts else {
        return Err(param("facts", "expected an object of per-customer arrays"));
    };
    let mut table = RuleTable::default();
    if let Some(r) = get(o, "rules")? {
        let r = core_value(r);
        let r = match r {
            Value::Array(rules) => serde_json::json!({
                "rules": rules, "fallback_action": table.fallback_action,
            }),
            Value::Object(mut m) => {
                m.entry("fallback_action")
                    .or_insert_with(|| Value::from(table.fallback_action.clone()));
                Value::Object(m)
            }
            _ => return Err(param("rules", "expected a rule table or an array of rules")),
        };
        table = serde_json::from_value(r)
            .map_err(|e| param("rules", format!("not a valid rule table: {e}")))?;
    }
    if let Some(fb) = text(o, "fallbackAction")? {
        table.fallback_action = fb;
    }
    let ids: Option<Vec<String>> = match f.remove("customerId") {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) => Some(a.iter().map(value_text).collect()),
        Some(_) => return Err(param("customerId", "expected an array")),
    };
    let segment: Option<Vec<String>> = match f.remove("segment") {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) => Some(a.iter().map(value_text).collect()),
        Some(_) => return Err(param("segment", "expected an array")),
    };
    let mut cols: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (k, v) in f {
        let Some(&name) = FACTS.iter().find(|n| **n == k) else {
            return Err(param(
                "facts",
                format!(
                    "unknown fact `{k}` (known: customerId, segment, {})",
                    FACTS.join(", ")
                ),
            ));
        };
        match v {
            Value::Array(a) => {
                cols.insert(name, numbers(a, name)?);
            }
            Value::Null => {}
            _ => return Err(param(name, "expected an array")),
        }
    }
    Ok(NbaIn {
        table,
        ids,
        segment,
        cols,
    })
}

fn nba_run(i: NbaIn) -> segcore::Result<Value> {
    let NbaIn {
        table,
        ids,
        segment,
        cols,
    } = i;
    let acts = {
        let g = |k: &str| cols.get(k).map(Vec::as_slice);
        let facts = CustomerFacts {
            segment: segment.as_deref(),
            clv: g("clv"),
            churn_probability: g("churnProbability"),
            p_alive: g("pAlive"),
            satisfaction: g("satisfaction"),
            cart_value: g("cartValue"),
            days_since_cart_abandoned: g("daysSinceCartAbandoned"),
            tenure_days: g("tenureDays"),
            orders: g("orders"),
            days_since_last_order: g("daysSinceLastOrder"),
        };
        let n = facts.len()?;
        if let Some(ids) = &ids {
            if ids.len() != n {
                return Err(SegError::LengthMismatch {
                    column: "customer_id".into(),
                    expected: n,
                    found: ids.len(),
                });
            }
        }
        table.decide(&facts)?
    };
    Ok(Value::Array(
        acts.iter()
            .map(|a| {
                serde_json::json!({
                    "customerId": ids.as_ref().and_then(|v| v.get(a.customer_code as usize)),
                    "action": a.action, "rule": a.rule, "reason": a.reason,
                })
            })
            .collect(),
    ))
}

// ------------------------------------------------------------------------------- privacy

/// Keyed pseudonyms of customer ids: HMAC-SHA256(key, id) in lower-case hex (64 characters,
/// or the first `hexLen`, 8..64). The same key gives the same pseudonym in every run and
/// binding (Python's `segcore.pseudonymise` included); without the key they cannot be
/// recomputed from a list of ids.
///
/// ```js
/// pseudonymise(['c1', 'c2'], 'secret', 16) // two 16-character hex strings
/// ```
#[napi]
pub fn pseudonymise(
    ids: Vec<Either<String, f64>>,
    key: Either<String, napi::bindgen_prelude::Buffer>,
    hex_len: Option<u32>,
) -> Result<Vec<String>> {
    let (ids, key, hex_len) = pseudo_in(ids, key, hex_len);
    run(|| core_pseudonymise(&key, &ids, hex_len))
}

/// Async twin of `pseudonymise` (about a microsecond per id: use it for millions of ids).
#[napi(ts_return_type = "Promise<string[]>")]
pub fn pseudonymise_async(
    ids: Vec<Either<String, f64>>,
    key: Either<String, napi::bindgen_prelude::Buffer>,
    hex_len: Option<u32>,
) -> Result<AsyncTask<Job<Vec<String>, Vec<String>>>> {
    let (ids, key, hex_len) = pseudo_in(ids, key, hex_len);
    let work: Work<Vec<String>> = Box::new(move || core_pseudonymise(&key, &ids, hex_len));
    Ok(AsyncTask::new(Job::new(work, Ok)))
}

/// Ids as text (integers without a fraction), the key as bytes.
fn pseudo_in(
    ids: Vec<Either<String, f64>>,
    key: Either<String, napi::bindgen_prelude::Buffer>,
    hex_len: Option<u32>,
) -> (Vec<String>, Vec<u8>, Option<usize>) {
    let key: Vec<u8> = match key {
        Either::A(s) => s.into_bytes(),
        Either::B(b) => b.to_vec(),
    };
    let ids: Vec<String> = ids
        .into_iter()
        .map(|i| match i {
            Either::A(s) => s,
            Either::B(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => format!("{}", x as i64),
            Either::B(x) => format!("{x}"),
        })
        .collect();
    (ids, key, hex_len.map(|n| n as usize))
}

/// Hides statistics of small groups (the core's rule): in each row whose `count` property
/// (default `customers`) is below `k` (default 10), every number becomes `null` and
/// `suppressed` is set to `true`. Returns new row objects.
#[napi(
    ts_args_type = "rows: Array<Record<string, unknown>>, k?: number, count?: string",
    ts_return_type = "Array<Record<string, unknown>>"
)]
pub fn suppress_small(
    rows: Vec<Value>,
    k: Option<u32>,
    count: Option<String>,
) -> Result<Vec<Value>> {
    let k = k.unwrap_or(10) as usize;
    run(|| check_min_group(k))?;
    let key = count.unwrap_or_else(|| "customers".into());
    rows.into_iter()
        .enumerate()
        .map(|(i, r)| {
            let Value::Object(mut m) = r else {
                return Err(crate::error::invalid("rows", i, "expected an object"));
            };
            let n = m.get(&key).and_then(Value::as_f64).unwrap_or(0.0).max(0.0) as u64;
            let hide = is_suppressed(n, k);
            if hide {
                for v in m.values_mut() {
                    if v.is_number() {
                        *v = Value::Null;
                    }
                }
            }
            let before = m
                .get("suppressed")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            m.insert("suppressed".into(), Value::Bool(before || hide));
            Ok(Value::Object(m))
        })
        .collect()
}
