//! Analytics (`segcore::analytics`): cohort retention and the checkout funnel. Results are passed to Python as the
//! core's own serialised form (JSON) and shaped into DataFrames there.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use segcore::analytics::cohorts::Cohorts;
use segcore::analytics::funnel::{FunnelAnalysis, Period};
use segcore::SegError;

use crate::data::{build_events_only, PyLogs};
use crate::error::{param_error, to_pyerr, PyResultExt};

/// Cohort retention of the logs' transactions; returns the `CohortTable` as JSON.
#[pyfunction]
#[pyo3(signature = (logs, as_of=None, flag_months=3, z_threshold=1.96, min_group=10))]
pub fn _cohorts(
    py: Python<'_>,
    logs: &PyLogs,
    as_of: Option<i64>,
    flag_months: usize,
    z_threshold: f64,
    min_group: usize,
) -> PyResult<String> {
    let mut p = Cohorts::params()
        .flag_months(flag_months)
        .z_threshold(z_threshold)
        .min_group(min_group);
    if let Some(t) = as_of {
        p = p.as_of(t);
    }
    let inner = logs.inner.clone();
    let table = py.detach(move || p.fit(inner.transactions())).py()?;
    serde_json::to_string(&table).map_err(|e| {
        to_pyerr(SegError::Numerical {
            context: "cohort table".into(),
            reason: e.to_string(),
        })
    })
}

/// The checkout funnel of events; `by` is "all", "platform", "channel", "day" or "week".
/// Returns the list of `FunnelTable`s as JSON.
#[pyfunction]
#[pyo3(signature = (events, names=None, by="all", session_gap_secs=1800, min_group=10))]
pub fn _funnel(
    py: Python<'_>,
    events: &Bound<'_, PyDict>,
    names: Option<&Bound<'_, PyDict>>,
    by: &str,
    session_gap_secs: i64,
    min_group: usize,
) -> PyResult<String> {
    let ev = build_events_only(py, events, names)?;
    let p = FunnelAnalysis::params()
        .session_gap_secs(session_gap_secs)
        .min_group(min_group);
    let by = by.to_ascii_lowercase();
    if !["all", "platform", "channel", "day", "week"].contains(&by.as_str()) {
        return Err(param_error(
            "by",
            format!("unknown grouping `{by}` (use all, platform, channel, day or week)"),
        ));
    }
    let tables = py
        .detach(move || {
            let f = p.fit(&ev)?;
            Ok::<_, SegError>(match by.as_str() {
                "platform" => f.by_platform(),
                "channel" => f.by_channel(),
                "day" => f.over_time(Period::Day),
                "week" => f.over_time(Period::Week),
                _ => vec![f.overall()],
            })
        })
        .py()?;
    serde_json::to_string(&tables).map_err(|e| {
        to_pyerr(SegError::Numerical {
            context: "funnel table".into(),
            reason: e.to_string(),
        })
    })
}

// ---------------------------------------------------------------------------------------------
// The rest of the analytics (issue 8 bindings): cart funnel with configurable stages, drop-off
// anomalies, the follow-up list, channel value, A/B tests, co-purchase recommendations, popular
// items per segment, next best action, pseudonymisation and small-group suppression.
// Every function converts its inputs, calls the core, and hands back the core's serialised
// output (JSON) for the pure-Python layer to shape into DataFrames.

use segcore::analytics::{
    anomaly::AnomalyParams,
    channels::channel_value,
    experiments::{Arm, Experiment, Outcome},
    funnel::{FunnelParams, FunnelStage, FunnelStages},
    nba::{cart_facts, order_facts, CustomerFacts, RuleTable},
    privacy::{check_min_group, is_suppressed, pseudonymise, pseudonymise_one},
    recommend::{popular_by_segment, Basket, CoPurchase, Similarity},
};
use segcore::data::CustomerIndex;

/// Serialises a core output to JSON (a `Numerical` error if that ever fails).
macro_rules! to_json {
    ($v:expr, $what:expr) => {
        serde_json::to_string($v).map_err(|e| {
            to_pyerr(SegError::Numerical {
                context: $what.into(),
                reason: e.to_string(),
            })
        })
    };
}

/// Funnel parameters from `(stage name, [event kinds])` pairs (None = the default funnel).
fn funnel_params(
    stages: Option<Vec<(String, Vec<String>)>>,
    cart_stage: usize,
    session_gap_secs: i64,
    min_group: usize,
) -> FunnelParams {
    let mut p = FunnelParams::default()
        .session_gap_secs(session_gap_secs)
        .min_group(min_group);
    if let Some(st) = stages {
        p = p.stages(FunnelStages {
            stages: st
                .into_iter()
                .map(|(name, kinds)| FunnelStage { name, kinds })
                .collect(),
            cart_stage,
        });
    } else if cart_stage != p.stages.cart_stage {
        p.stages.cart_stage = cart_stage;
    }
    p
}

/// Per-customer labels in index order from `(ids, labels)` pairs given by customer id
/// (ids as text; ids not in the index are ignored; customers without a label get "").
fn align_labels(
    index: &CustomerIndex,
    ids: Vec<String>,
    labels: Vec<String>,
    name: &str,
) -> PyResult<Vec<String>> {
    if ids.len() != labels.len() {
        return Err(to_pyerr(SegError::LengthMismatch {
            column: name.into(),
            expected: ids.len(),
            found: labels.len(),
        }));
    }
    let mut out = vec![String::new(); index.len()];
    for (id, l) in ids.iter().zip(labels) {
        if let Ok(c) = index.code_of(id) {
            out[c as usize] = l;
        }
    }
    Ok(out)
}

/// Per-customer values in index order from `(ids, values)` (NaN where not given).
fn align_values(
    index: &CustomerIndex,
    ids: Vec<String>,
    values: Vec<f64>,
    name: &str,
) -> PyResult<Vec<f64>> {
    if ids.len() != values.len() {
        return Err(to_pyerr(SegError::LengthMismatch {
            column: name.into(),
            expected: ids.len(),
            found: values.len(),
        }));
    }
    let mut out = vec![f64::NAN; index.len()];
    for (id, v) in ids.iter().zip(values) {
        if let Ok(c) = index.code_of(id) {
            out[c as usize] = v;
        }
    }
    Ok(out)
}

/// Values given either by id (`ids` not None) or in index order.
fn per_customer(
    index: &CustomerIndex,
    ids: Option<Vec<String>>,
    values: Vec<f64>,
    name: &str,
) -> PyResult<Vec<f64>> {
    match ids {
        Some(ids) => align_values(index, ids, values, name),
        None => Ok(values),
    }
}

fn labels_per_customer(
    index: &CustomerIndex,
    ids: Option<Vec<String>>,
    labels: Vec<String>,
    name: &str,
) -> PyResult<Vec<String>> {
    match ids {
        Some(ids) => align_labels(index, ids, labels, name),
        None => Ok(labels),
    }
}

fn period_of(period: &str) -> PyResult<Period> {
    match period.to_ascii_lowercase().as_str() {
        "day" | "d" | "daily" => Ok(Period::Day),
        "week" | "w" | "weekly" => Ok(Period::Week),
        other => Err(param_error(
            "period",
            format!("unknown period `{other}` (use day or week)"),
        )),
    }
}

/// The checkout funnel with configurable stages. `by`: "all", "platform", "channel" or
/// "segment" (labels by customer id in `seg_ids` / `seg_labels`); `period`: None, "day" or
/// "week". Returns the list of `FunnelTable`s as JSON.
#[pyfunction]
#[pyo3(signature = (events, names=None, stages=None, cart_stage=1, by="all", period=None,
    seg_ids=None, seg_labels=None, session_gap_secs=1800, min_group=10))]
#[allow(clippy::too_many_arguments)]
pub fn _cart_funnel(
    py: Python<'_>,
    events: &Bound<'_, PyDict>,
    names: Option<&Bound<'_, PyDict>>,
    stages: Option<Vec<(String, Vec<String>)>>,
    cart_stage: usize,
    by: &str,
    period: Option<&str>,
    seg_ids: Option<Vec<String>>,
    seg_labels: Option<Vec<String>>,
    session_gap_secs: i64,
    min_group: usize,
) -> PyResult<String> {
    let ev = build_events_only(py, events, names)?;
    let p = funnel_params(stages, cart_stage, session_gap_secs, min_group);
    let by = by.to_ascii_lowercase();
    if !["all", "platform", "channel", "segment"].contains(&by.as_str()) {
        return Err(param_error(
            "by",
            format!("unknown grouping `{by}` (use all, platform, channel or segment)"),
        ));
    }
    let period = period.map(period_of).transpose()?;
    if period.is_some() && by != "all" {
        return Err(param_error(
            "period",
            "a trend over time is for the whole funnel: leave `by` unset",
        ));
    }
    let labels = if by == "segment" {
        let l = seg_labels.ok_or_else(|| param_error("segments", "by segment needs segments"))?;
        Some(labels_per_customer(ev.customers(), seg_ids, l, "segments")?)
    } else {
        None
    };
    let tables = py
        .detach(move || {
            let f = p.fit(&ev)?;
            Ok::<_, SegError>(match (by.as_str(), period, labels) {
                (_, Some(per), _) => f.over_time(per),
                ("platform", _, _) => f.by_platform(),
                ("channel", _, _) => f.by_channel(),
                ("segment", _, Some(l)) => f.by_segment(&l)?,
                _ => vec![f.overall()],
            })
        })
        .py()?;
    to_json!(&tables, "funnel table")
}

/// Drop-off anomalies per stage and day/week; returns the list of `DropOffAnomaly` as JSON.
#[pyfunction]
#[pyo3(signature = (events, names=None, stages=None, cart_stage=1, period="week",
    session_gap_secs=1800, min_group=10, baseline_periods=7, z_threshold=3.0, min_change=0.05,
    min_sessions=30))]
#[allow(clippy::too_many_arguments)]
pub fn _funnel_anomalies(
    py: Python<'_>,
    events: &Bound<'_, PyDict>,
    names: Option<&Bound<'_, PyDict>>,
    stages: Option<Vec<(String, Vec<String>)>>,
    cart_stage: usize,
    period: &str,
    session_gap_secs: i64,
    min_group: usize,
    baseline_periods: usize,
    z_threshold: f64,
    min_change: f64,
    min_sessions: u64,
) -> PyResult<String> {
    let ev = build_events_only(py, events, names)?;
    let p = funnel_params(stages, cart_stage, session_gap_secs, min_group);
    let per = period_of(period)?;
    let ap = AnomalyParams::default()
        .baseline_periods(baseline_periods)
        .z_threshold(z_threshold)
        .min_change(min_change)
        .min_sessions(min_sessions)
        .min_group(min_group);
    let flags = py.detach(move || p.fit(&ev)?.anomalies(per, &ap)).py()?;
    to_json!(&flags, "funnel anomalies")
}

/// The follow-up list (most recent abandoned carts in `[as_of - window_secs, as_of]`, by
/// value). `as_of` defaults to the last event; `window_secs` None = every abandoned cart.
/// With `key`, customer ids are replaced by their HMAC-SHA256 pseudonyms.
#[pyfunction]
#[pyo3(signature = (events, names=None, stages=None, cart_stage=1, session_gap_secs=1800,
    as_of=None, window_secs=None, seg_ids=None, seg_labels=None, key=None, hex_len=None))]
#[allow(clippy::too_many_arguments)]
pub fn _abandoned_carts(
    py: Python<'_>,
    events: &Bound<'_, PyDict>,
    names: Option<&Bound<'_, PyDict>>,
    stages: Option<Vec<(String, Vec<String>)>>,
    cart_stage: usize,
    session_gap_secs: i64,
    as_of: Option<i64>,
    window_secs: Option<i64>,
    seg_ids: Option<Vec<String>>,
    seg_labels: Option<Vec<String>>,
    key: Option<Vec<u8>>,
    hex_len: Option<usize>,
) -> PyResult<String> {
    let ev = build_events_only(py, events, names)?;
    let p = funnel_params(stages, cart_stage, session_gap_secs, 1);
    let labels = match seg_labels {
        Some(l) => Some(labels_per_customer(ev.customers(), seg_ids, l, "segments")?),
        None => None,
    };
    let list = py
        .detach(move || {
            let ts = ev.timestamp();
            let last = ts.iter().copied().max().unwrap_or(0);
            let first = ts.iter().copied().min().unwrap_or(0);
            let as_of = as_of.unwrap_or(last);
            let window = window_secs.unwrap_or_else(|| as_of.saturating_sub(first).max(0));
            let f = p.fit(&ev)?;
            let mut list = f.follow_up(as_of, window, labels.as_deref())?;
            if let Some(k) = key {
                for c in list.iter_mut() {
                    c.customer = pseudonymise_one(&k, &c.customer, hex_len)?;
                }
            }
            Ok::<_, SegError>((as_of, list))
        })
        .py()?;
    to_json!(&list, "abandoned carts")
}

/// Channel value of the logs; `clv` / `churn` given by id (`*_ids`) or in index order
/// (None = zeros). `cac`: `(channel, cost)` pairs. Returns `ChannelValue` as JSON.
#[pyfunction]
#[pyo3(signature = (logs, clv=None, clv_ids=None, churn=None, churn_ids=None, cac=None, min_group=10))]
#[allow(clippy::too_many_arguments)]
pub fn _channel_value(
    py: Python<'_>,
    logs: &PyLogs,
    clv: Option<Vec<f64>>,
    clv_ids: Option<Vec<String>>,
    churn: Option<Vec<f64>>,
    churn_ids: Option<Vec<String>>,
    cac: Option<Vec<(String, f64)>>,
    min_group: usize,
) -> PyResult<String> {
    let inner = logs.inner.clone();
    let n = inner.customers().len();
    let clv = match clv {
        Some(v) => per_customer(inner.customers(), clv_ids, v, "clv")?,
        None => vec![0.0; n],
    };
    let churn = match churn {
        Some(v) => per_customer(inner.customers(), churn_ids, v, "churn_probability")?,
        None => vec![0.0; n],
    };
    for (name, col) in [("clv", &clv), ("churn_probability", &churn)] {
        if let Some(c) = col.iter().position(|x| x.is_nan()) {
            return Err(to_pyerr(SegError::invalid(
                name,
                c,
                format!(
                    "no value for customer `{}`",
                    inner.customers().label(c as u32)
                ),
            )));
        }
    }
    let cac = cac.unwrap_or_default();
    let v = py
        .detach(move || channel_value(&inner, &clv, &churn, &cac, min_group))
        .py()?;
    to_json!(&v, "channel value")
}

/// A/B test evaluation. `arms`: 0 control, 1 treatment, anything else excluded; exactly one
/// of `converted` / `revenue`. Returns `ExperimentReport` as JSON.
#[pyfunction]
#[pyo3(signature = (arms, converted=None, revenue=None, segments=None, alpha=0.05, power=0.8,
    min_effect=None, min_group=10))]
#[allow(clippy::too_many_arguments)]
pub fn _ab_test(
    py: Python<'_>,
    arms: Vec<i64>,
    converted: Option<Vec<bool>>,
    revenue: Option<Vec<f64>>,
    segments: Option<Vec<String>>,
    alpha: f64,
    power: f64,
    min_effect: Option<f64>,
    min_group: usize,
) -> PyResult<String> {
    let arms: Vec<Arm> = arms
        .into_iter()
        .map(|a| match a {
            0 => Arm::Control,
            1 => Arm::Treatment,
            _ => Arm::Excluded,
        })
        .collect();
    let mut p = Experiment::params()
        .alpha(alpha)
        .power(power)
        .min_group(min_group);
    if let Some(d) = min_effect {
        p = p.min_effect(d);
    }
    let r = py
        .detach(move || match (&converted, &revenue) {
            (Some(c), None) => p.evaluate(&arms, Outcome::Conversion(c), segments.as_deref()),
            (None, Some(v)) => p.evaluate(&arms, Outcome::Revenue(v), segments.as_deref()),
            _ => Err(SegError::param(
                "outcome",
                "give exactly one of a conversion (bool) or a revenue (number) outcome",
            )),
        })
        .py()?;
    to_json!(&r, "experiment report")
}

fn similarity_of(s: &str) -> PyResult<Similarity> {
    match s.to_ascii_lowercase().as_str() {
        "cosine" => Ok(Similarity::Cosine),
        "lift" => Ok(Similarity::Lift),
        other => Err(param_error(
            "similarity",
            format!("unknown similarity `{other}` (use cosine or lift)"),
        )),
    }
}

fn basket_of(s: &str) -> PyResult<Basket> {
    match s.to_ascii_lowercase().as_str() {
        "customer" => Ok(Basket::Customer),
        "order" => Ok(Basket::Order),
        other => Err(param_error(
            "basket",
            format!("unknown basket `{other}` (use customer or order)"),
        )),
    }
}

/// A fitted item-to-item co-purchase model (`segcore.analytics.CoPurchase` wraps it).
#[pyclass(name = "_CoPurchase", module = "segcore", frozen)]
pub struct PyCoPurchase {
    inner: std::sync::Arc<CoPurchase>,
}

/// Fits the co-purchase model on the logs' transactions (needs a product column).
#[pyfunction]
#[pyo3(signature = (logs, similarity="cosine", basket="customer", min_support=2, max_neighbours=50))]
pub fn _co_purchase(
    py: Python<'_>,
    logs: &PyLogs,
    similarity: &str,
    basket: &str,
    min_support: u64,
    max_neighbours: usize,
) -> PyResult<PyCoPurchase> {
    let p = CoPurchase::params()
        .similarity(similarity_of(similarity)?)
        .basket(basket_of(basket)?)
        .min_support(min_support)
        .max_neighbours(max_neighbours);
    let inner = logs.inner.clone();
    let m = py.detach(move || p.fit(inner.transactions())).py()?;
    Ok(PyCoPurchase {
        inner: std::sync::Arc::new(m),
    })
}

#[pymethods]
impl PyCoPurchase {
    /// Reads a model file.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<PyCoPurchase> {
        Ok(PyCoPurchase {
            inner: std::sync::Arc::new(segcore::model::from_json::<CoPurchase>(text).py()?),
        })
    }

    /// The model file (JSON; holds items and scores, no customer ids).
    fn to_json(&self) -> PyResult<String> {
        segcore::model::to_json(&*self.inner).py()
    }

    /// The fitted model's fields as JSON (items, item_baskets, n_baskets, neighbours).
    fn _state(&self) -> PyResult<String> {
        to_json!(&*self.inner, "co-purchase model")
    }

    /// The `n` items most co-purchased with `item` (JSON list of `ItemScore`).
    fn similar(&self, item: &str, n: usize) -> PyResult<String> {
        to_json!(&self.inner.similar(item, n).py()?, "similar items")
    }

    /// Complementary items for a set of owned items (JSON list of `ItemScore`).
    fn recommend(&self, owned: Vec<String>, n: usize) -> PyResult<String> {
        to_json!(&self.inner.recommend(&owned, n), "recommendations")
    }

    /// Complementary items for customers of `logs` (ids as text; None = every customer):
    /// JSON `[[id, [ItemScore...]], ...]` in index order.
    #[pyo3(signature = (logs, ids=None, n=10))]
    fn recommend_customers(
        &self,
        py: Python<'_>,
        logs: &PyLogs,
        ids: Option<Vec<String>>,
        n: usize,
    ) -> PyResult<String> {
        let inner = logs.inner.clone();
        let codes: Vec<u32> = match ids {
            Some(ids) => ids
                .iter()
                .map(|id| inner.customers().code_of(id))
                .collect::<segcore::Result<_>>()
                .py()?,
            None => (0..inner.customers().len() as u32).collect(),
        };
        let m = self.inner.clone();
        let out = py
            .detach(move || {
                let recs = m.recommend_for_customers(inner.transactions(), &codes, n)?;
                Ok::<_, SegError>(
                    codes
                        .iter()
                        .zip(recs)
                        .map(|(&c, r)| (inner.customers().label(c), r))
                        .collect::<Vec<_>>(),
                )
            })
            .py()?;
        to_json!(&out, "recommendations")
    }
}

/// Popular items per segment; labels by id (`seg_ids`) or in index order. JSON list of
/// `SegmentItems`.
#[pyfunction]
#[pyo3(signature = (logs, seg_labels, seg_ids=None, n=10, min_group=10))]
pub fn _popular_by_segment(
    py: Python<'_>,
    logs: &PyLogs,
    seg_labels: Vec<String>,
    seg_ids: Option<Vec<String>>,
    n: usize,
    min_group: usize,
) -> PyResult<String> {
    let inner = logs.inner.clone();
    let labels = labels_per_customer(inner.customers(), seg_ids, seg_labels, "segments")?;
    let r = py
        .detach(move || popular_by_segment(inner.transactions(), &labels, n, min_group))
        .py()?;
    to_json!(&r, "popular items")
}

/// The default next-best-action rule table as JSON.
#[pyfunction]
pub fn _default_rules() -> PyResult<String> {
    to_json!(&RuleTable::default(), "rule table")
}

/// Next best action: `rules` is a `RuleTable` as JSON (None = the defaults); `facts` maps
/// fact names (clv, churn_probability, p_alive, satisfaction, cart_value,
/// days_since_cart_abandoned, tenure_days, orders, days_since_last_order) to columns of equal
/// length; `segment` the labels. JSON list of `Action`.
#[pyfunction]
#[pyo3(signature = (facts, segment=None, rules=None))]
pub fn _next_best_action(
    py: Python<'_>,
    facts: std::collections::HashMap<String, Vec<f64>>,
    segment: Option<Vec<String>>,
    rules: Option<&str>,
) -> PyResult<String> {
    let table: RuleTable = match rules {
        Some(j) => serde_json::from_str(j)
            .map_err(|e| param_error("rules", format!("not a valid rule table: {e}")))?,
        None => RuleTable::default(),
    };
    const KNOWN: [&str; 9] = [
        "clv",
        "churn_probability",
        "p_alive",
        "satisfaction",
        "cart_value",
        "days_since_cart_abandoned",
        "tenure_days",
        "orders",
        "days_since_last_order",
    ];
    if let Some(k) = facts.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(param_error(
            "facts",
            format!("unknown fact `{k}` (known: {})", KNOWN.join(", ")),
        ));
    }
    let r = py
        .detach(move || {
            let get = |k: &str| facts.get(k).map(Vec::as_slice);
            let f = CustomerFacts {
                segment: segment.as_deref(),
                clv: get("clv"),
                churn_probability: get("churn_probability"),
                p_alive: get("p_alive"),
                satisfaction: get("satisfaction"),
                cart_value: get("cart_value"),
                days_since_cart_abandoned: get("days_since_cart_abandoned"),
                tenure_days: get("tenure_days"),
                orders: get("orders"),
                days_since_last_order: get("days_since_last_order"),
            };
            table.decide(&f)
        })
        .py()?;
    to_json!(&r, "actions")
}

/// Order facts (tenure, orders, days since the last order) of every customer of the logs as
/// of `as_of` (default: the last transaction), plus cart facts (cart value, days since the
/// abandoned cart) when the logs have events. JSON object of columns in index order.
#[pyfunction]
#[pyo3(signature = (logs, as_of=None, session_gap_secs=1800))]
pub fn _logs_facts(
    py: Python<'_>,
    logs: &PyLogs,
    as_of: Option<i64>,
    session_gap_secs: i64,
) -> PyResult<String> {
    let inner = logs.inner.clone();
    let out = py
        .detach(move || {
            let tx = inner.transactions();
            let as_of = as_of.unwrap_or_else(|| tx.timestamp().iter().copied().max().unwrap_or(0));
            let of = order_facts(tx, as_of);
            let mut m = serde_json::Map::new();
            m.insert("as_of".into(), as_of.into());
            let col = |v: Vec<f64>| -> serde_json::Value {
                v.into_iter()
                    .map(|x| {
                        serde_json::Number::from_f64(x).map_or(serde_json::Value::Null, Into::into)
                    })
                    .collect()
            };
            m.insert("tenure_days".into(), col(of.tenure_days));
            m.insert("orders".into(), col(of.orders));
            m.insert(
                "days_since_last_order".into(),
                col(of.days_since_last_order),
            );
            if let Some(ev) = inner.events() {
                let f = FunnelParams::default()
                    .session_gap_secs(session_gap_secs)
                    .min_group(1)
                    .fit(ev)?;
                let carts = f.abandoned_carts(as_of, None::<&[String]>)?;
                let (value, days) = cart_facts(&carts, as_of);
                m.insert("cart_value".into(), col(value));
                m.insert("days_since_cart_abandoned".into(), col(days));
            }
            Ok::<_, SegError>(serde_json::Value::Object(m))
        })
        .py()?;
    to_json!(&out, "customer facts")
}

/// Keyed pseudonyms (HMAC-SHA256, hex, optionally truncated to `hex_len`) of ids.
#[pyfunction]
#[pyo3(signature = (ids, key, hex_len=None))]
pub fn _pseudonymise(
    py: Python<'_>,
    ids: Vec<String>,
    key: Vec<u8>,
    hex_len: Option<usize>,
) -> PyResult<Vec<String>> {
    py.detach(move || pseudonymise(&key, &ids, hex_len)).py()
}

/// Which groups are below the minimum size `k` (the core's suppression rule).
#[pyfunction]
pub fn _suppressed(counts: Vec<u64>, k: usize) -> PyResult<Vec<bool>> {
    check_min_group(k).py()?;
    Ok(counts.iter().map(|&n| is_suppressed(n, k)).collect())
}
