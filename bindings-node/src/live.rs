//! Live scoring: `CustomerState` (one customer's purchase state, updated by each order in
//! O(1)) and `Segmenter.scoreCustomer` / `scoreCustomers` (one customer scored in
//! microseconds against a fitted or loaded segmenter model).
//!
//! Conversion only: the state, its features and the scores are the core's
//! (`segcore::pipeline::live`). A segmenter's `LiveScorer` (its column maps) is built on the
//! first live call and cached for that fitted model.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::{Arc, Weak};

use napi::bindgen_prelude::{
    AsyncTask, ClassInstance, Either, FromNapiValue, JsObjectValue, Object, This, Unknown,
};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use segcore::features::FeatureConfig;
use segcore::pipeline::live::{
    purchase_feature_names, CustomerScore as CoreScore, CustomerState as CoreState, LiveScorer,
    LiveSummary as CoreSummary, OrderEvent,
};
use segcore::SegError;

use crate::churn::Driver;
use crate::convert::time_seconds;
use crate::error::{invalid, param, run, seg, IntoJs, Result};
use crate::pipeline::{SegFitted, Segmenter};
use crate::task::{Job, Work};

/// One order (or order line) of a live customer, as given to `CustomerState.add` and
/// `scoreCustomer`. Other properties (such as `customerId`) are ignored.
#[napi(object)]
#[allow(dead_code)]
pub struct OrderRow {
    /// When: a `Date`, epoch milliseconds, or text (`1997-01-01`, ISO date-time).
    #[napi(ts_type = "Date | number | string")]
    pub timestamp: String,
    /// Amount; negative for a return or refund, zero for a free item.
    pub amount: f64,
    /// Number of items (finite, >= 0).
    pub quantity: Option<f64>,
    /// Whether the row was discounted.
    pub discount: Option<bool>,
    /// Order id: rows sharing it form one order; without it, rows sharing a timestamp do.
    #[napi(ts_type = "string | number")]
    pub order_id: Option<String>,
    /// Product category (kept, not used by the live features yet).
    pub category: Option<String>,
    /// Sales channel (kept, not used by the live features yet).
    pub channel: Option<String>,
}

/// An order as kept by a `CustomerState` (time as epoch milliseconds).
#[napi(object)]
pub struct Order {
    /// Epoch milliseconds (whole seconds).
    pub timestamp: f64,
    /// Amount.
    pub amount: f64,
    /// Number of items.
    pub quantity: Option<f64>,
    /// Whether the row was discounted.
    pub discount: Option<bool>,
    /// Order id.
    pub order_id: Option<String>,
    /// Product category.
    pub category: Option<String>,
    /// Sales channel.
    pub channel: Option<String>,
}

/// The CLV summary of a live customer, in days.
#[napi(object)]
pub struct LiveSummary {
    /// Repeat purchase occasions.
    pub x: f64,
    /// First to last occasion (days).
    pub t_x: f64,
    /// First occasion to the cutoff (days).
    #[napi(js_name = "T")]
    pub t: f64,
    /// Mean value of the occasions after the first (0 without repeats).
    pub mean_repeat_spend: f64,
}

fn summary_js(s: CoreSummary) -> LiveSummary {
    LiveSummary {
        x: s.x,
        t_x: s.t_x,
        t: s.t,
        mean_repeat_spend: s.mean_repeat_spend,
    }
}

/// The scores of one live customer. Values a non-purchaser does not have are `null`.
#[napi(object, use_nullable = true)]
pub struct CustomerScore {
    /// The cutoff scored at, epoch milliseconds.
    pub as_of: f64,
    /// True when the customer made a purchase by the cutoff.
    pub purchaser: bool,
    /// Behavioural segment (index of the nearest centroid).
    pub segment: u32,
    /// Plain-language name of the segment.
    pub segment_name: String,
    /// RFM score such as `"545"` (purchasers only).
    pub rfm_score: Option<String>,
    /// RFM segment name (purchasers only).
    pub rfm_segment: Option<String>,
    /// Probability that the customer is still active (BG/NBD).
    pub p_alive: Option<f64>,
    /// Expected purchases over the model's CLV horizon.
    pub expected_purchases: Option<f64>,
    /// Discounted customer lifetime value over the model's CLV horizon.
    pub clv: Option<f64>,
    /// Churn probability over the model's churn horizon.
    pub churn_probability: Option<f64>,
    /// Risk band of the churn probability.
    #[napi(ts_type = "'low' | 'medium' | 'high' | null")]
    pub risk_band: Option<String>,
    /// Top churn drivers, largest |contribution| first (empty for non-purchasers).
    pub drivers: Vec<Driver>,
}

fn score_js(s: CoreScore) -> CustomerScore {
    CustomerScore {
        as_of: s.as_of as f64 * 1000.0,
        purchaser: s.purchaser,
        segment: s.segment as u32,
        segment_name: s.segment_name,
        rfm_score: s.rfm_score,
        rfm_segment: s.rfm_segment,
        p_alive: s.p_alive,
        expected_purchases: s.expected_purchases,
        clv: s.clv,
        churn_probability: s.churn_probability,
        risk_band: s.risk_band.map(|b| format!("{b:?}").to_lowercase()),
        drivers: s
            .drivers
            .into_iter()
            .map(|d| Driver {
                feature: d.feature,
                value: d.value,
                contribution: d.contribution,
            })
            .collect(),
    }
}

// ---- reading orders -------------------------------------------------------------------

fn kind(u: &Unknown) -> Result<ValueType> {
    u.get_type().js()
}

fn what(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Object => "an object",
        ValueType::Function => "a function",
        _ => "an unsupported value",
    }
}

fn missing(t: ValueType) -> bool {
    matches!(t, ValueType::Undefined | ValueType::Null)
}

fn opt_number(o: &Object, name: &str, row: usize) -> Result<Option<f64>> {
    let u: Unknown = o.get_named_property(name).js()?;
    match kind(&u)? {
        t if missing(t) => Ok(None),
        ValueType::Number => Ok(Some(u.coerce_to_number().js()?.get_double().js()?)),
        t => Err(invalid(
            name,
            row,
            format!("expected a number, got {}", what(t)),
        )),
    }
}

fn opt_text(o: &Object, name: &str, row: usize, numbers: bool) -> Result<Option<String>> {
    let u: Unknown = o.get_named_property(name).js()?;
    match kind(&u)? {
        t if missing(t) => Ok(None),
        ValueType::String => {
            let s = u
                .coerce_to_string()
                .js()?
                .into_utf8()
                .js()?
                .into_owned()
                .js()?;
            Ok(if s.is_empty() { None } else { Some(s) })
        }
        ValueType::Number if numbers => {
            let x = u.coerce_to_number().js()?.get_double().js()?;
            if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 {
                Ok(Some(format!("{}", x as i64)))
            } else {
                Err(invalid(name, row, format!("{x} is not an integer id")))
            }
        }
        t => Err(invalid(
            name,
            row,
            format!(
                "expected a string{}, got {}",
                if numbers { " or an integer" } else { "" },
                what(t)
            ),
        )),
    }
}

/// Reads one order object (row `row` in error messages).
fn read_order(u: &Unknown, row: usize) -> Result<OrderEvent> {
    let t = kind(u)?;
    if t != ValueType::Object || u.is_array().js()? {
        return Err(invalid(
            "order",
            row,
            format!("expected an order object, got {}", what(t)),
        ));
    }
    let o = u.coerce_to_object().js()?;
    let ts: Unknown = o.get_named_property("timestamp").js()?;
    if missing(kind(&ts)?) {
        return Err(invalid("timestamp", row, "missing time"));
    }
    let timestamp = time_seconds(&ts, "timestamp").map_err(|e| {
        // name the row of the history rather than row 0 of a one-value column
        napi::Error::new(
            e.status,
            e.reason.replacen("row 0", &format!("row {row}"), 1),
        )
    })?;
    let amount =
        opt_number(&o, "amount", row)?.ok_or_else(|| invalid("amount", row, "missing value"))?;
    let discount = {
        let u: Unknown = o.get_named_property("discount").js()?;
        match kind(&u)? {
            t if missing(t) => None,
            ValueType::Boolean => Some(u.coerce_to_bool().js()?),
            t => {
                return Err(invalid(
                    "discount",
                    row,
                    format!("expected a boolean, got {}", what(t)),
                ))
            }
        }
    };
    Ok(OrderEvent {
        timestamp,
        amount,
        quantity: opt_number(&o, "quantity", row)?,
        discount,
        order_id: opt_text(&o, "orderId", row, true)?,
        category: opt_text(&o, "category", row, false)?,
        channel: opt_text(&o, "channel", row, false)?,
    })
}

/// Reads an array of order objects.
fn read_orders(u: &Unknown) -> Result<Vec<OrderEvent>> {
    if kind(u)? != ValueType::Object || !u.is_array().js()? {
        return Err(param(
            "orders",
            format!(
                "expected an array of order objects or a CustomerState, got {}",
                what(kind(u)?)
            ),
        ));
    }
    let arr = u.coerce_to_object().js()?;
    let n = arr.get_array_length().js()?;
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        let e: Unknown = arr.get_element(i).js()?;
        out.push(read_order(&e, i as usize)?);
    }
    Ok(out)
}

fn order_js(o: &OrderEvent) -> Order {
    Order {
        timestamp: o.timestamp as f64 * 1000.0,
        amount: o.amount,
        quantity: o.quantity,
        discount: o.discount,
        order_id: o.order_id.clone(),
        category: o.category.clone(),
        channel: o.channel.clone(),
    }
}

/// `mergePeriodSecs` of an options object: absent → one day, `null` → none.
fn merge_period(options: Option<Unknown>) -> Result<Option<i64>> {
    let day = Some(86_400);
    let Some(u) = options else { return Ok(day) };
    match kind(&u)? {
        t if missing(t) => Ok(day),
        ValueType::Object => {
            let o = u.coerce_to_object().js()?;
            let p: Unknown = o.get_named_property("mergePeriodSecs").js()?;
            match kind(&p)? {
                ValueType::Undefined => Ok(day),
                ValueType::Null => Ok(None),
                ValueType::Number => {
                    let x = p.coerce_to_number().js()?.get_double().js()?;
                    if x.is_finite() && x.fract() == 0.0 && x > 0.0 && x < 1e15 {
                        Ok(Some(x as i64))
                    } else {
                        Err(param(
                            "mergePeriodSecs",
                            format!("{x} is not a positive whole number of seconds"),
                        ))
                    }
                }
                t => Err(param(
                    "mergePeriodSecs",
                    format!("expected a number or null, got {}", what(t)),
                )),
            }
        }
        t => Err(param(
            "options",
            format!("expected an object, got {}", what(t)),
        )),
    }
}

fn opt_time(u: Option<Unknown>, name: &'static str) -> Result<Option<i64>> {
    match u {
        None => Ok(None),
        Some(u) if missing(kind(&u)?) => Ok(None),
        Some(u) => Ok(Some(time_seconds(&u, name)?)),
    }
}

// ---- CustomerState ----------------------------------------------------------------------

/// One customer's incremental state: the order history and running aggregates giving the
/// purchase-pattern features and the CLV summary without recomputing over the history.
///
/// Orders in time order update it in O(1); an earlier order is inserted at its place (the
/// aggregates are then rebuilt, O(n) for that customer), so the features always equal a full
/// recompute. Create it with `model.customerState()` to get the model's occasion period.
///
/// ```js
/// const state = model.customerState()
/// state.add({ timestamp: '2026-03-01T10:00:00Z', amount: 42.5, orderId: 'A-17' })
/// model.scoreCustomer(state).clv
/// ```
#[napi]
pub struct CustomerState {
    inner: CoreState,
}

#[napi]
impl CustomerState {
    /// A state holding `orders` (any order), merging the orders of one UTC period of
    /// `options.mergePeriodSecs` into one purchase occasion (default one day, `null`: one
    /// occasion per order). The period must match the model's (see `model.customerState`).
    #[napi(
        constructor,
        ts_args_type = "orders?: OrderRow[] | null, options?: { mergePeriodSecs?: number | null }"
    )]
    pub fn new(orders: Option<Unknown>, options: Option<Unknown>) -> Result<Self> {
        let period = merge_period(options)?;
        let rows = match orders {
            Some(u) if !missing(kind(&u)?) => read_orders(&u)?,
            _ => Vec::new(),
        };
        Ok(CustomerState {
            inner: run(|| CoreState::from_orders(period, rows))?,
        })
    }

    /// Adds one order (or order line, or return with a negative amount); returns `this`.
    /// On an invalid order the state is unchanged and an `INVALID_VALUE` error is thrown.
    #[napi(ts_args_type = "order: OrderRow", ts_return_type = "this")]
    pub fn add<'e>(&mut self, this: This<'e>, order: Unknown) -> Result<Object<'e>> {
        let o = read_order(&order, self.inner.len())?;
        self.inner.add(o).js()?;
        Ok(this.object)
    }

    /// Adds several orders (all are checked first: on an error nothing is added); returns
    /// `this`.
    #[napi(ts_args_type = "orders: OrderRow[]", ts_return_type = "this")]
    pub fn add_many<'e>(&mut self, this: This<'e>, orders: Unknown) -> Result<Object<'e>> {
        let rows = read_orders(&orders)?;
        // validate with the rows' own indices first, so that nothing is added on an error
        run(|| CoreState::from_orders(self.inner.merge_period_secs(), rows.iter().cloned()))?;
        for r in rows {
            self.inner.add(r).js()?;
        }
        Ok(this.object)
    }

    /// Number of rows kept.
    #[napi(getter)]
    pub fn length(&self) -> u32 {
        self.inner.len() as u32
    }

    /// Time of the latest row (epoch milliseconds), or null.
    #[napi(getter)]
    pub fn last_timestamp(&self) -> Option<f64> {
        self.inner.last_timestamp().map(|t| t as f64 * 1000.0)
    }

    /// The occasion period in seconds (null: one occasion per order).
    #[napi(getter)]
    pub fn merge_period_secs(&self) -> Option<f64> {
        self.inner.merge_period_secs().map(|p| p as f64)
    }

    /// The kept history, in time order.
    #[napi]
    pub fn orders(&self) -> Vec<Order> {
        self.inner.orders().iter().map(order_js).collect()
    }

    /// The CLV summary as of `asOf` (rows after it are ignored), in days; null without a
    /// purchase.
    #[napi(ts_args_type = "asOf: Date | number | string")]
    pub fn summary(&self, as_of: Unknown) -> Result<Option<LiveSummary>> {
        let t = time_seconds(&as_of, "asOf")?;
        Ok(self.inner.summary(t).js()?.map(summary_js))
    }

    /// The purchase-pattern features as of `asOf` (rows after it ignored), by name, with the
    /// windows of `model` (default feature settings without one). Undefined values are NaN.
    #[napi(
        ts_args_type = "asOf: Date | number | string, model?: Segmenter | null",
        ts_return_type = "Record<string, number>"
    )]
    pub fn features<'e>(
        &self,
        env: &'e Env,
        as_of: Unknown,
        model: Option<Unknown>,
    ) -> Result<Object<'e>> {
        let t = time_seconds(&as_of, "asOf")?;
        let cfg = match model {
            Some(u) if !missing(kind(&u)?) => {
                let m = ClassInstance::<Segmenter>::from_unknown(u)
                    .map_err(|_| param("model", "expected a Segmenter"))?;
                m.state()?.model.params.features.clone()
            }
            _ => FeatureConfig::default(),
        };
        features_object(env, &self.inner, &cfg, t)
    }

    /// The state as JSON-ready data (the occasion period and the orders, times in UTC
    /// seconds); `CustomerState.fromJSON` reads it back.
    #[napi(js_name = "toJSON", ts_return_type = "any")]
    pub fn to_json(&self) -> Result<serde_json::Value> {
        serde_json::to_value(&self.inner).map_err(|e| {
            seg(SegError::Numerical {
                context: "customer state".into(),
                reason: e.to_string(),
            })
        })
    }

    /// Reads a state written by `toJSON` (JSON text or the parsed object).
    #[napi(factory, js_name = "fromJSON", ts_args_type = "json: string | object")]
    pub fn from_json(json: serde_json::Value) -> Result<Self> {
        let r = match json {
            serde_json::Value::String(s) => serde_json::from_str::<CoreState>(&s),
            v => serde_json::from_value::<CoreState>(v),
        };
        let inner = r.map_err(|e| {
            seg(SegError::ModelFile {
                reason: format!("not a customer state: {e}"),
            })
        })?;
        Ok(CustomerState { inner })
    }

    /// An independent copy.
    #[napi(js_name = "clone")]
    pub fn copy(&self) -> CustomerState {
        CustomerState {
            inner: self.inner.clone(),
        }
    }
}

fn features_object<'e>(
    env: &'e Env,
    state: &CoreState,
    cfg: &FeatureConfig,
    as_of: i64,
) -> Result<Object<'e>> {
    let names = purchase_feature_names(cfg).js()?;
    let values = state.purchase_features(cfg, as_of).js()?;
    let mut o = Object::new(env).js()?;
    for (n, v) in names.iter().zip(values) {
        o.set(n, v).js()?;
    }
    Ok(o)
}

// ---- scoring ----------------------------------------------------------------------------

thread_local! {
    /// Live scorers of fitted segmenters, by fitted state (a `Weak` keeps the address unique).
    static SCORERS: RefCell<Vec<(Weak<SegFitted>, Arc<LiveScorer>)>> = const { RefCell::new(Vec::new()) };
}

/// The cached live scorer of a fitted segmenter.
fn scorer(st: &Arc<SegFitted>) -> Result<Arc<LiveScorer>> {
    let ptr = Arc::as_ptr(st);
    if let Some(s) = SCORERS.with(|c| {
        c.borrow()
            .iter()
            .find(|(w, _)| std::ptr::eq(w.as_ptr(), ptr))
            .map(|(_, s)| s.clone())
    }) {
        return Ok(s);
    }
    let s = Arc::new(run(|| LiveScorer::new(&st.model))?);
    SCORERS.with(|c| {
        let mut c = c.borrow_mut();
        c.retain(|(w, _)| w.strong_count() > 0);
        c.push((Arc::downgrade(st), s.clone()));
    });
    Ok(s)
}

/// A customer to score, as passed from JavaScript.
type Customer<'a> = Either<ClassInstance<'a, CustomerState>, Unknown<'a>>;

/// A customer ready to score: a `CustomerState` (borrowed) or an order history read into a
/// state with the model's occasion period (owned).
type Input<'a> = Cow<'a, CoreState>;

fn read_input<'a>(
    value: &'a Customer<'_>,
    model: &segcore::pipeline::Segmenter,
    index: Option<usize>,
) -> Result<Input<'a>> {
    match value {
        Either::A(s) => Ok(Cow::Borrowed(&s.inner)),
        Either::B(u) => {
            let rows = read_orders(u).map_err(|err| match index {
                Some(i) => napi::Error::new(err.status, format!("customer {i}: {}", err.reason)),
                None => err,
            })?;
            Ok(Cow::Owned(run(|| {
                CoreState::from_orders(model.params.features.merge_period_secs, rows)
            })?))
        }
    }
}

/// The elements of an array of customers.
fn customer_list<'a>(list: &Unknown<'a>) -> Result<Vec<Customer<'a>>> {
    if kind(list)? != ValueType::Object || !list.is_array().js()? {
        return Err(param(
            "customers",
            format!(
                "expected an array of CustomerState objects or order arrays, got {}",
                what(kind(list)?)
            ),
        ));
    }
    let arr = list.coerce_to_object().js()?;
    let n = arr.get_array_length().js()?;
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        let e: Unknown<'a> = arr.get_element(i).js()?;
        out.push(Customer::from_unknown(e).js()?);
    }
    Ok(out)
}

fn read_inputs<'a>(
    list: &'a [Customer<'_>],
    model: &segcore::pipeline::Segmenter,
) -> Result<Vec<Input<'a>>> {
    list.iter()
        .enumerate()
        .map(|(i, c)| read_input(c, model, Some(i)))
        .collect()
}

/// Live-scoring methods of the `Segmenter` (also a model read by `loadModel`).
#[napi]
impl Segmenter {
    /// Scores one customer — a `CustomerState` or an array of its orders — against the fitted
    /// models as of `asOf` (default: the model's cutoff; rows after it are ignored): segment,
    /// RFM, P(alive), expected purchases and CLV over the CLV horizon, churn probability, risk
    /// band and the top drivers. A customer without a purchase by `asOf` gets a segment and
    /// `null` for the rest.
    ///
    /// Only the purchase-pattern features are computed live; other feature families take
    /// the model's fill values (exact for transaction-only models such as CDNOW).
    #[napi(
        ts_args_type = "customer: CustomerState | OrderRow[], asOf?: Date | number | string | null"
    )]
    pub fn score_customer(
        &self,
        customer: Customer,
        as_of: Option<Unknown>,
    ) -> Result<CustomerScore> {
        let st = self.state()?;
        let sc = scorer(&st)?;
        let t = opt_time(as_of, "asOf")?.unwrap_or(st.model.as_of);
        let input = read_input(&customer, &st.model, None)?;
        Ok(score_js(run(|| sc.score(&input, t))?))
    }

    /// Scores many customers (each a `CustomerState` or an order array); results in the
    /// input order, equal to `scoreCustomer` one by one.
    #[napi(
        ts_args_type = "customers: Array<CustomerState | OrderRow[]>, asOf?: Date | number | string | null"
    )]
    pub fn score_customers(
        &self,
        customers: Unknown,
        as_of: Option<Unknown>,
    ) -> Result<Vec<CustomerScore>> {
        let st = self.state()?;
        let sc = scorer(&st)?;
        let t = opt_time(as_of, "asOf")?.unwrap_or(st.model.as_of);
        let list = customer_list(&customers)?;
        let inputs = read_inputs(&list, &st.model)?;
        let out = run(|| {
            inputs
                .iter()
                .map(|i| sc.score(i, t))
                .collect::<segcore::Result<Vec<_>>>()
        })?;
        Ok(out.into_iter().map(score_js).collect())
    }

    /// Async twin of `scoreCustomers`: the states are copied, then scored in parallel off the
    /// main thread.
    #[napi(
        ts_args_type = "customers: Array<CustomerState | OrderRow[]>, asOf?: Date | number | string | null",
        ts_return_type = "Promise<CustomerScore[]>"
    )]
    pub fn score_customers_async(
        &self,
        customers: Unknown,
        as_of: Option<Unknown>,
    ) -> Result<AsyncTask<Job<Vec<CoreScore>, Vec<CustomerScore>>>> {
        let st = self.state()?;
        let sc = scorer(&st)?;
        let t = opt_time(as_of, "asOf")?.unwrap_or(st.model.as_of);
        let list = customer_list(&customers)?;
        let states: Vec<CoreState> = read_inputs(&list, &st.model)?
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        let work: Work<Vec<CoreScore>> = Box::new(move || sc.score_many(&states, t));
        Ok(AsyncTask::new(Job::new(work, |v| {
            Ok(v.into_iter().map(score_js).collect())
        })))
    }

    /// An empty `CustomerState` with the model's occasion period, holding `orders` if given.
    #[napi(ts_args_type = "orders?: OrderRow[] | null")]
    pub fn customer_state(&self, orders: Option<Unknown>) -> Result<CustomerState> {
        let st = self.state()?;
        let period = st.model.params.features.merge_period_secs;
        let rows = match orders {
            Some(u) if !missing(kind(&u)?) => read_orders(&u)?,
            _ => Vec::new(),
        };
        Ok(CustomerState {
            inner: run(|| CoreState::from_orders(period, rows))?,
        })
    }

    /// The purchase-pattern features of one customer (a `CustomerState` or its orders) as of
    /// `asOf` (default the model's cutoff), with the model's feature settings.
    #[napi(
        ts_args_type = "customer: CustomerState | OrderRow[], asOf?: Date | number | string | null",
        ts_return_type = "Record<string, number>"
    )]
    pub fn customer_features<'e>(
        &self,
        env: &'e Env,
        customer: Customer,
        as_of: Option<Unknown>,
    ) -> Result<Object<'e>> {
        let st = self.state()?;
        let t = opt_time(as_of, "asOf")?.unwrap_or(st.model.as_of);
        let input = read_input(&customer, &st.model, None)?;
        features_object(env, &input, &st.model.params.features, t)
    }

    /// The cutoff of the fit, epoch milliseconds (the default `asOf` of live scoring).
    #[napi(getter)]
    pub fn as_of(&self) -> Result<f64> {
        Ok(self.state()?.model.as_of as f64 * 1000.0)
    }

    /// CLV horizon in days (of `expectedPurchases` and `clv`).
    #[napi(getter)]
    pub fn clv_horizon_days(&self) -> Result<f64> {
        Ok(self.state()?.model.params.clv_horizon_days)
    }

    /// Churn horizon in days (of `churnProbability`).
    #[napi(getter)]
    pub fn churn_horizon_days(&self) -> Result<f64> {
        Ok(self.state()?.model.params.churn_horizon_days)
    }
}
