//! Logs (transactions, events, feedback) from JavaScript rows or columns.

use std::sync::Arc;

use napi::bindgen_prelude::{AsyncTask, ClassInstance, Either, Float64Array, Object, Unknown};
use napi_derive::napi;
use segcore::data::{Categorical, CustomerIndex, IdColumn, TimeColumn, TransactionsBuilder};
use segcore::data::{Events, EventsBuilder, Feedback, FeedbackBuilder, Transactions};

use crate::convert::{opt_prop, read_table, Col, Field, Kind, Table};
use crate::error::{param, Result};
use crate::task::{Job, Work};

/// One transaction (an order or an order line).
#[napi(object)]
#[allow(dead_code)]
pub struct TransactionRow {
    /// Customer id (integer or string).
    #[napi(ts_type = "string | number")]
    pub customer_id: String,
    /// When: a `Date`, epoch milliseconds, or text (`1997-01-01`, ISO date-time, `19970101`).
    #[napi(ts_type = "Date | number | string")]
    pub timestamp: String,
    /// Amount; negative amounts are returns, zero is allowed, NaN/Infinity are errors.
    pub amount: f64,
    /// Order id.
    pub order_id: Option<String>,
    /// Item quantity (finite, >= 0).
    pub quantity: Option<f64>,
    /// Product id.
    pub product: Option<String>,
    /// Product category.
    pub category: Option<String>,
    /// Sales channel (web, app, email, ...).
    pub channel: Option<String>,
    /// Whether a discount was used.
    pub discount: Option<bool>,
}

/// Transactions as columns (all of the same length).
#[napi(object)]
#[allow(dead_code)]
pub struct TransactionColumns {
    /// Customer ids.
    #[napi(ts_type = "Array<string | number> | Int32Array | Uint32Array | Float64Array")]
    pub customer_id: Vec<String>,
    /// Epoch milliseconds, `Date`s or text.
    #[napi(ts_type = "Array<Date | number | string> | Float64Array")]
    pub timestamp: Vec<String>,
    /// Amounts.
    #[napi(ts_type = "Float64Array | number[]")]
    pub amount: Vec<f64>,
    /// Order ids.
    pub order_id: Option<Vec<String>>,
    /// Quantities.
    #[napi(ts_type = "Float64Array | number[]")]
    pub quantity: Option<Vec<f64>>,
    /// Product ids.
    pub product: Option<Vec<String>>,
    /// Product categories.
    pub category: Option<Vec<String>>,
    /// Sales channels.
    pub channel: Option<Vec<String>>,
    /// Discount flags.
    pub discount: Option<Vec<bool>>,
}

/// One site, app or campaign event.
#[napi(object)]
#[allow(dead_code)]
pub struct EventRow {
    /// Customer id.
    #[napi(ts_type = "string | number")]
    pub customer_id: String,
    /// When.
    #[napi(ts_type = "Date | number | string")]
    pub timestamp: String,
    /// Event kind: `page_view`, `product_view`, `search`, `add_to_cart`, `checkout_start`,
    /// `shipping`, `payment`, `purchase`, `email_sent`, `email_open`, `email_click`,
    /// `push_open`, `sms_click`, `social_visit`, `app_session`, or any other name.
    pub kind: String,
    /// Product category.
    pub category: Option<String>,
    /// Channel.
    pub channel: Option<String>,
    /// Session id.
    pub session: Option<String>,
    /// Platform (web, ios, android, ...).
    pub platform: Option<String>,
    /// A value attached to the event (missing = unknown).
    pub value: Option<f64>,
}

/// Events as columns.
#[napi(object)]
#[allow(dead_code)]
pub struct EventColumns {
    /// Customer ids.
    #[napi(ts_type = "Array<string | number> | Int32Array | Uint32Array | Float64Array")]
    pub customer_id: Vec<String>,
    /// Epoch milliseconds, `Date`s or text.
    #[napi(ts_type = "Array<Date | number | string> | Float64Array")]
    pub timestamp: Vec<String>,
    /// Event kinds.
    pub kind: Vec<String>,
    /// Categories.
    pub category: Option<Vec<String>>,
    /// Channels.
    pub channel: Option<Vec<String>>,
    /// Session ids.
    pub session: Option<Vec<String>>,
    /// Platforms.
    pub platform: Option<Vec<String>>,
    /// Values.
    #[napi(ts_type = "Float64Array | number[]")]
    pub value: Option<Vec<f64>>,
}

/// One survey answer.
#[napi(object)]
#[allow(dead_code)]
pub struct FeedbackRow {
    /// Customer id.
    #[napi(ts_type = "string | number")]
    pub customer_id: String,
    /// When.
    #[napi(ts_type = "Date | number | string")]
    pub timestamp: String,
    /// The score, within its scale's range.
    pub score: f64,
    /// `csat` (1-5), `nps` (0-10) or `stars` (1-5).
    pub scale: String,
    /// Topic of the survey.
    pub topic: Option<String>,
}

/// Feedback as columns.
#[napi(object)]
#[allow(dead_code)]
pub struct FeedbackColumns {
    /// Customer ids.
    #[napi(ts_type = "Array<string | number> | Int32Array | Uint32Array | Float64Array")]
    pub customer_id: Vec<String>,
    /// Epoch milliseconds, `Date`s or text.
    #[napi(ts_type = "Array<Date | number | string> | Float64Array")]
    pub timestamp: Vec<String>,
    /// Scores.
    #[napi(ts_type = "Float64Array | number[]")]
    pub score: Vec<f64>,
    /// Scales.
    pub scale: Vec<String>,
    /// Topics.
    pub topic: Option<Vec<String>>,
}

const fn field(name: &'static str, kind: Kind, required: bool) -> Field {
    Field {
        name,
        kind,
        required,
    }
}

const TX_FIELDS: [Field; 9] = [
    field("customerId", Kind::Id, true),
    field("timestamp", Kind::Time, true),
    field("amount", Kind::Num, true),
    field("orderId", Kind::Str, false),
    field("quantity", Kind::Num, false),
    field("product", Kind::Str, false),
    field("category", Kind::Str, false),
    field("channel", Kind::Str, false),
    field("discount", Kind::Bool, false),
];

const EV_FIELDS: [Field; 8] = [
    field("customerId", Kind::Id, true),
    field("timestamp", Kind::Time, true),
    field("kind", Kind::Str, true),
    field("category", Kind::Str, false),
    field("channel", Kind::Str, false),
    field("session", Kind::Str, false),
    field("platform", Kind::Str, false),
    field("value", Kind::NumOrNaN, false),
];

const FB_FIELDS: [Field; 5] = [
    field("customerId", Kind::Id, true),
    field("timestamp", Kind::Time, true),
    field("score", Kind::Num, true),
    field("scale", Kind::Str, true),
    field("topic", Kind::Str, false),
];

fn id(t: &mut Table) -> IdColumn {
    match t.take("customerId") {
        Some(Col::Id(v)) => v,
        _ => IdColumn::Int(Vec::new()),
    }
}

fn time(t: &mut Table) -> TimeColumn {
    match t.take("timestamp") {
        Some(Col::Time(v)) => v,
        _ => TimeColumn::Millis(Vec::new()),
    }
}

fn num(t: &mut Table, name: &str) -> Option<Vec<f64>> {
    match t.take(name) {
        Some(Col::Num(v)) => Some(v),
        _ => None,
    }
}

fn text(t: &mut Table, name: &str) -> Option<Vec<String>> {
    match t.take(name) {
        Some(Col::Str(v)) => Some(v),
        _ => None,
    }
}

fn flags(t: &mut Table, name: &str) -> Option<Vec<bool>> {
    match t.take(name) {
        Some(Col::Bool(v)) => Some(v),
        _ => None,
    }
}

/// Transactions builder from JavaScript rows or columns.
pub fn transactions(value: &Unknown) -> Result<TransactionsBuilder> {
    let mut t = read_table(value, "transactions", &TX_FIELDS)?;
    let mut b = Transactions::builder(
        id(&mut t),
        time(&mut t),
        num(&mut t, "amount").unwrap_or_default(),
    );
    if let Some(v) = text(&mut t, "orderId") {
        b = b.order_id(v);
    }
    if let Some(v) = num(&mut t, "quantity") {
        b = b.quantity(v);
    }
    if let Some(v) = text(&mut t, "product") {
        b = b.product(v);
    }
    if let Some(v) = text(&mut t, "category") {
        b = b.category(v);
    }
    if let Some(v) = text(&mut t, "channel") {
        b = b.channel(v);
    }
    if let Some(v) = flags(&mut t, "discount") {
        b = b.discount(v);
    }
    Ok(b)
}

/// Events builder from JavaScript rows or columns.
pub fn events(value: &Unknown) -> Result<EventsBuilder> {
    let mut t = read_table(value, "events", &EV_FIELDS)?;
    let kind = text(&mut t, "kind").unwrap_or_default();
    let mut b = Events::builder(id(&mut t), time(&mut t), kind);
    if let Some(v) = text(&mut t, "category") {
        b = b.category(v);
    }
    if let Some(v) = text(&mut t, "channel") {
        b = b.channel(v);
    }
    if let Some(v) = text(&mut t, "session") {
        b = b.session(v);
    }
    if let Some(v) = text(&mut t, "platform") {
        b = b.platform(v);
    }
    if let Some(v) = num(&mut t, "value") {
        b = b.value(v);
    }
    Ok(b)
}

/// Feedback builder from JavaScript rows or columns.
pub fn feedback(value: &Unknown) -> Result<FeedbackBuilder> {
    let mut t = read_table(value, "feedback", &FB_FIELDS)?;
    let score = num(&mut t, "score").unwrap_or_default();
    let scale = text(&mut t, "scale").unwrap_or_default();
    let mut b = Feedback::builder(id(&mut t), time(&mut t), score, scale);
    if let Some(v) = text(&mut t, "topic") {
        b = b.topic(v);
    }
    Ok(b)
}

/// Unvalidated logs converted from JavaScript; validated and indexed by [`RawLogs::build`]
/// (which can run on a worker thread).
#[derive(Debug, Clone)]
pub struct RawLogs {
    tx: TransactionsBuilder,
    ev: Option<EventsBuilder>,
    fb: Option<FeedbackBuilder>,
}

impl RawLogs {
    /// Reads transactions plus the optional `events` and `feedback` of an options object.
    pub fn read(transactions_value: &Unknown, options: Option<&Object>) -> Result<RawLogs> {
        let tx = transactions(transactions_value)?;
        let ev = match opt_prop(options, "events")? {
            Some(u) => Some(events(&u)?),
            None => None,
        };
        let fb = match opt_prop(options, "feedback")? {
            Some(u) => Some(feedback(&u)?),
            None => None,
        };
        Ok(RawLogs { tx, ev, fb })
    }

    /// Validates every log and puts them on one customer index.
    pub fn build(self) -> segcore::Result<segcore::data::Logs> {
        let tx = self.tx.build()?;
        let ev = self.ev.map(EventsBuilder::build).transpose()?;
        let fb = self.fb.map(FeedbackBuilder::build).transpose()?;
        segcore::data::Logs::new(tx, ev, fb)
    }
}

/// Counts describing validated logs.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct LogsSummary {
    /// Distinct customers over all logs.
    pub n_customers: u32,
    /// Transaction rows.
    pub n_transactions: u32,
    /// Event rows (0 without events).
    pub n_events: u32,
    /// Feedback rows (0 without feedback).
    pub n_feedback: u32,
    /// Transaction rows that exactly repeat an earlier row (kept, reported).
    pub duplicate_transactions: u32,
    /// Earliest transaction time, epoch milliseconds.
    pub first_transaction: f64,
    /// Latest transaction time, epoch milliseconds.
    pub last_transaction: f64,
    /// Sum of transaction amounts (returns are negative).
    pub total_amount: f64,
}

fn summarise(logs: segcore::data::Logs) -> segcore::Result<LogsSummary> {
    let tx = logs.transactions();
    let first = tx.timestamp().iter().copied().min().unwrap_or(0);
    let last = tx.timestamp().iter().copied().max().unwrap_or(0);
    Ok(LogsSummary {
        n_customers: logs.customers().len() as u32,
        n_transactions: tx.len() as u32,
        n_events: logs.events().map_or(0, |e| e.len() as u32),
        n_feedback: logs.feedback().map_or(0, |f| f.len() as u32),
        duplicate_transactions: tx.duplicate_rows() as u32,
        first_transaction: first as f64 * 1000.0,
        last_transaction: last as f64 * 1000.0,
        total_amount: tx.amount().iter().sum(),
    })
}

/// Reads an optional options argument as an object.
pub fn options_arg<'e>(options: Option<Unknown<'e>>) -> Result<Option<Object<'e>>> {
    match options {
        None => Ok(None),
        Some(u) => {
            use crate::error::IntoJs;
            use napi::JsValue;
            match u.get_type().js()? {
                napi::ValueType::Undefined | napi::ValueType::Null => Ok(None),
                napi::ValueType::Object => Ok(Some(u.coerce_to_object().js()?)),
                _ => Err(param("options", "expected an object")),
            }
        }
    }
}

/// Validates logs and counts what they hold: customers, rows per log, duplicate
/// transactions, the time span and the total amount. Throws the same coded errors as every
/// other function taking logs (e.g. `INVALID_VALUE` for a NaN amount, naming `amount` and the
/// row).
///
/// ```js
/// describeLogs([{ customerId: 'a', timestamp: '2024-01-01', amount: 10 }])
/// // { nCustomers: 1, nTransactions: 1, ... }
/// ```
#[napi]
pub fn describe_logs(
    #[napi(ts_arg_type = "TransactionRow[] | TransactionColumns")] transactions: Unknown,
    #[napi(
        ts_arg_type = "{ events?: EventRow[] | EventColumns, feedback?: FeedbackRow[] | FeedbackColumns }"
    )]
    options: Option<Unknown>,
) -> Result<LogsSummary> {
    let opts = options_arg(options)?;
    let raw = RawLogs::read(&transactions, opts.as_ref())?;
    crate::error::run(|| summarise(raw.build()?))
}

/// Async twin of `describeLogs`: conversion on the main thread, validation on the pool.
#[napi(ts_return_type = "Promise<LogsSummary>")]
pub fn describe_logs_async(
    #[napi(ts_arg_type = "TransactionRow[] | TransactionColumns")] transactions: Unknown,
    #[napi(
        ts_arg_type = "{ events?: EventRow[] | EventColumns, feedback?: FeedbackRow[] | FeedbackColumns }"
    )]
    options: Option<Unknown>,
) -> Result<AsyncTask<Job<LogsSummary, LogsSummary>>> {
    let opts = options_arg(options)?;
    let raw = RawLogs::read(&transactions, opts.as_ref())?;
    let work: Work<LogsSummary> = Box::new(move || summarise(raw.build()?));
    Ok(AsyncTask::new(Job::new(work, Ok)))
}

/// Transactions as columns, as returned by [`Logs.transactions`]; accepted back as input.
#[napi(object)]
pub struct TransactionTable {
    /// Customer id of every row (numbers when the ids are integers).
    pub customer_id: Either<Vec<String>, Vec<i64>>,
    /// Epoch milliseconds (UTC).
    pub timestamp: Float64Array,
    /// Amounts.
    pub amount: Float64Array,
    /// Order ids ('' = missing).
    pub order_id: Option<Vec<String>>,
    /// Quantities.
    pub quantity: Option<Float64Array>,
    /// Product ids.
    pub product: Option<Vec<String>>,
    /// Categories.
    pub category: Option<Vec<String>>,
    /// Sales channels.
    pub channel: Option<Vec<String>>,
    /// Discount flags.
    pub discount: Option<Vec<bool>>,
}

/// Events as columns, as returned by [`Logs.events`]; accepted back as input.
#[napi(object)]
pub struct EventTable {
    /// Customer id of every row.
    pub customer_id: Either<Vec<String>, Vec<i64>>,
    /// Epoch milliseconds (UTC).
    pub timestamp: Float64Array,
    /// Event kinds.
    pub kind: Vec<String>,
    /// Categories.
    pub category: Option<Vec<String>>,
    /// Channels.
    pub channel: Option<Vec<String>>,
    /// Session ids.
    pub session: Option<Vec<String>>,
    /// Platforms.
    pub platform: Option<Vec<String>>,
    /// Values (NaN = unknown).
    pub value: Option<Float64Array>,
}

/// Feedback as columns, as returned by [`Logs.feedback`]; accepted back as input.
#[napi(object)]
pub struct FeedbackTable {
    /// Customer id of every row.
    pub customer_id: Either<Vec<String>, Vec<i64>>,
    /// Epoch milliseconds (UTC).
    pub timestamp: Float64Array,
    /// Scores.
    pub score: Float64Array,
    /// Scales (`csat`, `nps`, `stars`).
    pub scale: Vec<String>,
    /// Topics.
    pub topic: Option<Vec<String>>,
}

fn ids_of(index: &CustomerIndex, codes: &[u32]) -> Either<Vec<String>, Vec<i64>> {
    match index.ints() {
        Some(ints) => Either::B(codes.iter().map(|&c| ints[c as usize]).collect()),
        None => Either::A(codes.iter().map(|&c| index.label(c)).collect()),
    }
}

fn ms(ts: &[i64]) -> Float64Array {
    Float64Array::new(ts.iter().map(|&t| t as f64 * 1000.0).collect())
}

fn cat(c: Option<&Categorical>) -> Option<Vec<String>> {
    c.map(|c| {
        (0..c.len())
            .map(|i| c.get(i).unwrap_or("").to_string())
            .collect()
    })
}

/// Columns of validated transactions.
pub fn transaction_table(index: &CustomerIndex, tx: &Transactions) -> TransactionTable {
    TransactionTable {
        customer_id: ids_of(index, tx.customer()),
        timestamp: ms(tx.timestamp()),
        amount: Float64Array::new(tx.amount().to_vec()),
        order_id: cat(tx.order_id()),
        quantity: tx.quantity().map(|q| Float64Array::new(q.to_vec())),
        product: cat(tx.product()),
        category: cat(tx.category()),
        channel: cat(tx.channel()),
        discount: tx.discount().map(<[bool]>::to_vec),
    }
}

/// Validated logs on one customer index: build once, then pass to [`features`] (and friends)
/// as often as needed without converting the JavaScript input again.
///
/// ```js
/// const logs = new Logs(transactions, { events, feedback })
/// logs.nCustomers
/// ```
#[napi]
pub struct Logs {
    pub(crate) inner: Arc<segcore::data::Logs>,
}

impl Logs {
    /// Wraps core logs.
    pub fn wrap(logs: segcore::data::Logs) -> Logs {
        Logs {
            inner: Arc::new(logs),
        }
    }
}

#[napi]
impl Logs {
    /// Validates the logs (same input and errors as [`describeLogs`]).
    #[napi(constructor)]
    pub fn new(
        #[napi(ts_arg_type = "TransactionRow[] | TransactionColumns")] transactions: Unknown,
        #[napi(
            ts_arg_type = "{ events?: EventRow[] | EventColumns, feedback?: FeedbackRow[] | FeedbackColumns }"
        )]
        options: Option<Unknown>,
    ) -> Result<Self> {
        let opts = options_arg(options)?;
        let raw = RawLogs::read(&transactions, opts.as_ref())?;
        Ok(Logs::wrap(crate::error::run(|| raw.build())?))
    }

    /// Distinct customers over all logs.
    #[napi(getter)]
    pub fn n_customers(&self) -> u32 {
        self.inner.customers().len() as u32
    }

    /// Customer ids in index order (the row order of feature tables), as text.
    #[napi]
    pub fn customer_ids(&self) -> Vec<String> {
        let c = self.inner.customers();
        (0..c.len() as u32).map(|i| c.label(i)).collect()
    }

    /// Counts describing the logs.
    #[napi]
    pub fn summary(&self) -> Result<LogsSummary> {
        let logs = (*self.inner).clone();
        crate::error::run(|| summarise(logs))
    }

    /// The transactions as columns.
    #[napi]
    pub fn transactions(&self) -> TransactionTable {
        transaction_table(self.inner.customers(), self.inner.transactions())
    }

    /// The events as columns, or `null` without events.
    #[napi]
    pub fn events(&self) -> Option<EventTable> {
        let ev = self.inner.events()?;
        Some(EventTable {
            customer_id: ids_of(self.inner.customers(), ev.customer()),
            timestamp: ms(ev.timestamp()),
            kind: (0..ev.len())
                .map(|i| ev.kind(i).as_str().to_string())
                .collect(),
            category: cat(ev.category()),
            channel: cat(ev.channel()),
            session: cat(ev.session()),
            platform: cat(ev.platform()),
            value: ev.value().map(|v| Float64Array::new(v.to_vec())),
        })
    }

    /// The feedback as columns, or `null` without feedback.
    #[napi]
    pub fn feedback(&self) -> Option<FeedbackTable> {
        let fb = self.inner.feedback()?;
        Some(FeedbackTable {
            customer_id: ids_of(self.inner.customers(), fb.customer()),
            timestamp: ms(fb.timestamp()),
            score: Float64Array::new(fb.score().to_vec()),
            scale: fb.scale().iter().map(|s| s.as_str().to_string()).collect(),
            topic: cat(fb.topic()),
        })
    }
}

/// Logs given either as a [`Logs`] object or as raw JavaScript input (converted now).
pub enum LogsInput {
    /// Already validated.
    Built(Arc<segcore::data::Logs>),
    /// Converted, validated later (possibly on a worker thread).
    Raw(Box<RawLogs>),
}

impl LogsInput {
    /// Reads `value` (a `Logs` or transactions) plus the options' `events` / `feedback`.
    pub fn read(
        value: Either<ClassInstance<Logs>, Unknown>,
        options: Option<&Object>,
    ) -> Result<Self> {
        match value {
            Either::A(logs) => Ok(LogsInput::Built(logs.inner.clone())),
            Either::B(u) => Ok(LogsInput::Raw(Box::new(RawLogs::read(&u, options)?))),
        }
    }

    /// The validated logs.
    pub fn build(self) -> segcore::Result<Arc<segcore::data::Logs>> {
        match self {
            LogsInput::Built(l) => Ok(l),
            LogsInput::Raw(r) => Ok(Arc::new(r.build()?)),
        }
    }
}
