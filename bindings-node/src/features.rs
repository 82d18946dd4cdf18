//! Behavioural features: `features(logs, options)` and its async twin.

use std::sync::Arc;

use napi::bindgen_prelude::{
    AsyncTask, ClassInstance, Either, Float64Array, JsObjectValue, Object, Unknown,
};
use napi::{Env, JsValue};
use napi_derive::napi;
use segcore::features::{compute, Family, FeatureConfig, FeatureSet};

use crate::convert::{opt_prop, time_seconds};
use crate::data::{options_arg, Logs, LogsInput};
use crate::error::{param, IntoJs, Result};
use crate::task::{Job, Work};

/// Features of every customer, one row per customer (in the order of `customerIds`), one
/// named column per feature. `values` is row-major: `values[row * nCols + col]`.
///
/// Undefined values (ratios with a zero denominator, times since something that never
/// happened) are `NaN`; `info()` says per column what is written when undefined.
#[napi]
pub struct FeatureTable {
    set: Arc<FeatureSet>,
}

/// What one feature column means.
#[napi(object)]
pub struct FeatureInfo {
    /// Column name.
    pub name: String,
    /// Unit (`days`, `count`, `currency`, `share`, ...).
    pub unit: String,
    /// What it measures.
    pub description: String,
    /// The value written when it is not defined for a customer.
    pub undefined: String,
}

/// The per-customer purchase summary the CLV models take (same pass as the features).
#[napi(object)]
pub struct PurchaseSummary {
    /// Repeat purchase occasions (occasions - 1).
    pub frequency: Float64Array,
    /// Time from the first to the last occasion.
    pub recency: Float64Array,
    /// Time from the first occasion to the cutoff (`T`).
    #[napi(js_name = "T")]
    pub t: Float64Array,
    /// Mean amount of the repeat occasions (0 without repeats).
    pub monetary: Float64Array,
    /// Whether the customer bought at all before the cutoff.
    pub purchaser: Vec<bool>,
    /// Time unit of recency and T (`days`).
    pub unit: String,
}

#[napi]
impl FeatureTable {
    /// Customer ids (as text), one per row.
    #[napi(getter)]
    pub fn customer_ids(&self) -> Vec<String> {
        let c = &self.set.matrix.customers;
        (0..c.len() as u32).map(|i| c.label(i)).collect()
    }

    /// Feature names, one per column.
    #[napi(getter)]
    pub fn names(&self) -> Vec<String> {
        self.set.matrix.names.clone()
    }

    /// All values, row-major (a new copy at each access).
    #[napi(getter)]
    pub fn values(&self) -> Float64Array {
        Float64Array::new(self.set.matrix.values.iter().copied().collect())
    }

    /// Number of rows (customers).
    #[napi(getter)]
    pub fn n_rows(&self) -> u32 {
        self.set.matrix.values.nrows() as u32
    }

    /// Number of columns (features).
    #[napi(getter)]
    pub fn n_cols(&self) -> u32 {
        self.set.matrix.values.ncols() as u32
    }

    /// The cutoff used, epoch milliseconds.
    #[napi(getter)]
    pub fn as_of(&self) -> f64 {
        self.set.as_of as f64 * 1000.0
    }

    /// Rows after the cutoff that were excluded (all logs).
    #[napi(getter)]
    pub fn excluded_future_rows(&self) -> u32 {
        self.set.excluded_future_rows as u32
    }

    /// One column by name.
    #[napi]
    pub fn column(&self, name: String) -> Result<Float64Array> {
        match self.set.matrix.column(&name) {
            Some(c) => Ok(Float64Array::new(c.to_vec())),
            None => Err(param("name", format!("no feature named `{name}`"))),
        }
    }

    /// What each column means.
    #[napi]
    pub fn info(&self) -> Vec<FeatureInfo> {
        self.set
            .info
            .iter()
            .map(|i| FeatureInfo {
                name: i.name.clone(),
                unit: i.unit.clone(),
                description: i.description.clone(),
                undefined: i.undefined.clone(),
            })
            .collect()
    }

    /// The purchase summary (frequency, recency, T, monetary) for the CLV models.
    #[napi]
    pub fn summary(&self) -> PurchaseSummary {
        let s = &self.set.summary;
        PurchaseSummary {
            frequency: Float64Array::new(s.x.clone()),
            recency: Float64Array::new(s.t_x.clone()),
            t: Float64Array::new(s.t.clone()),
            monetary: Float64Array::new(s.mean_repeat_spend.clone()),
            purchaser: s.purchaser.clone(),
            unit: s.unit.to_string(),
        }
    }

    /// The table as row objects: `{ customerId, <feature>: value, ... }`.
    #[napi(ts_return_type = "Array<Record<string, number | string>>")]
    pub fn rows<'e>(&self, env: &'e Env) -> Result<Vec<Object<'e>>> {
        let m = &self.set.matrix;
        let mut out = Vec::with_capacity(m.values.nrows());
        for (r, row) in m.values.rows().into_iter().enumerate() {
            let mut o = Object::new(env).js()?;
            o.set("customerId", m.customers.label(r as u32)).js()?;
            for (name, v) in m.names.iter().zip(row.iter()) {
                o.set(name, *v).js()?;
            }
            out.push(o);
        }
        Ok(out)
    }
}

fn family(name: &str) -> Result<Family> {
    Family::ALL
        .into_iter()
        .find(|f| f.as_str() == name)
        .ok_or_else(|| {
            param(
                "families",
                format!(
                    "unknown family `{name}` (use purchase, preferences, channels, browsing, carts, feedback)"
                ),
            )
        })
}

fn u32_opt(options: Option<&Object>, name: &str) -> Result<Option<u32>> {
    match opt_prop(options, name)? {
        None => Ok(None),
        Some(u) => {
            let x = u.coerce_to_number().js()?.get_double().js()?;
            if !(x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= u32::MAX as f64) {
                return Err(param(name, format!("{x} is not a non-negative integer")));
            }
            Ok(Some(x as u32))
        }
    }
}

/// Options of `features` as a core config.
pub(crate) fn config(options: Option<&Object>) -> Result<FeatureConfig> {
    let mut cfg = FeatureConfig::default();
    if let Some(u) = opt_prop(options, "asOf")? {
        cfg = cfg.as_of(Some(time_seconds(&u, "asOf")?));
    }
    if let Some(u) = opt_prop(options, "families")? {
        let names: Vec<String> = {
            let o = u.coerce_to_object().js()?;
            if !u.is_array().js()? {
                return Err(param("families", "expected an array of family names"));
            }
            let n = o.get_array_length().js()?;
            let mut v = Vec::with_capacity(n as usize);
            for i in 0..n {
                v.push(o.get_element::<String>(i).js()?);
            }
            v
        };
        cfg = cfg.families(names.iter().map(|n| family(n)).collect::<Result<_>>()?);
    }
    if let Some(n) = u32_opt(options, "topN")? {
        cfg = cfg.top_n(n as usize);
    }
    if let Some(n) = u32_opt(options, "recentWindowDays")? {
        cfg = cfg.recent_window_days(n);
    }
    if let Some(n) = u32_opt(options, "trendWindowDays")? {
        cfg = cfg.trend_window_days(n);
    }
    if let Some(u) = opt_prop(options, "windowsDays")? {
        let o = u.coerce_to_object().js()?;
        let n = o.get_array_length().js()?;
        let mut v = Vec::with_capacity(n as usize);
        for i in 0..n {
            v.push(o.get_element::<u32>(i).js()?);
        }
        cfg = cfg.windows_days(v);
    }
    if let Some(u) = opt_prop(options, "mergePeriodSecs")? {
        let x = u.coerce_to_number().js()?.get_double().js()?;
        cfg = cfg.merge_period_secs(if x > 0.0 { Some(x as i64) } else { None });
    }
    Ok(cfg)
}

fn prepare(
    logs: Either<ClassInstance<Logs>, Unknown>,
    options: Option<Unknown>,
) -> Result<(LogsInput, FeatureConfig)> {
    let opts = options_arg(options)?;
    let cfg = config(opts.as_ref())?;
    Ok((LogsInput::read(logs, opts.as_ref())?, cfg))
}

fn finish(set: FeatureSet) -> Result<FeatureTable> {
    Ok(FeatureTable { set: Arc::new(set) })
}

/// Computes every customer's behavioural features as of a cutoff.
///
/// `logs` is a `Logs` object or transactions (rows or columns, with `options.events` /
/// `options.feedback`). Options: `asOf` (a `Date`, epoch ms or text; default the start of the
/// day after the latest row; later rows are excluded and counted), `families`, `topN`,
/// `windowsDays`, `trendWindowDays`, `recentWindowDays`, `mergePeriodSecs` (0 = every order
/// is its own occasion).
///
/// ```js
/// const f = features(transactions, { asOf: new Date('1998-07-01') })
/// f.column('frequency')
/// ```
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: FeaturesOptions"
)]
pub fn features(
    logs: Either<ClassInstance<Logs>, Unknown>,
    options: Option<Unknown>,
) -> Result<FeatureTable> {
    let (input, cfg) = prepare(logs, options)?;
    let set = crate::error::run(|| compute(&*input.build()?, &cfg))?;
    finish(set)
}

/// Async twin of `features`: conversion on the main thread, validation and computation on
/// the libuv pool.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: FeaturesOptions",
    ts_return_type = "Promise<FeatureTable>"
)]
pub fn features_async(
    logs: Either<ClassInstance<Logs>, Unknown>,
    options: Option<Unknown>,
) -> Result<AsyncTask<Job<FeatureSet, FeatureTable>>> {
    let (input, cfg) = prepare(logs, options)?;
    let work: Work<FeatureSet> = Box::new(move || compute(&*input.build()?, &cfg));
    Ok(AsyncTask::new(Job::new(work, finish)))
}

/// Options of `features` (declared for TypeScript).
#[napi(object, js_name = "FeaturesOptions")]
#[allow(dead_code)]
pub struct FeaturesOptionsTs {
    /// Cutoff: a `Date`, epoch milliseconds or text.
    #[napi(ts_type = "Date | number | string")]
    pub as_of: Option<String>,
    /// Events (rows or columns).
    #[napi(ts_type = "EventRow[] | EventColumns")]
    pub events: Option<String>,
    /// Feedback (rows or columns).
    #[napi(ts_type = "FeedbackRow[] | FeedbackColumns")]
    pub feedback: Option<String>,
    /// Families to compute (default all).
    #[napi(
        ts_type = "Array<'purchase' | 'preferences' | 'channels' | 'browsing' | 'carts' | 'feedback'>"
    )]
    pub families: Option<Vec<String>>,
    /// Number of favourite categories to report.
    pub top_n: Option<u32>,
    /// Window lengths (days) of windowed counts and spend.
    pub windows_days: Option<Vec<u32>>,
    /// Trend window (days).
    pub trend_window_days: Option<u32>,
    /// "Recent" window (days) for browsing and channels.
    pub recent_window_days: Option<u32>,
    /// Purchases within one period of this many seconds are one occasion (default 86400).
    pub merge_period_secs: Option<f64>,
}
