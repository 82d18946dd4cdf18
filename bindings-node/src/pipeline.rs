//! The Segmenter pipeline: logs in, one customer table (features, segment, CLV, churn risk)
//! plus segment profiles and fitted models out.

use std::collections::HashMap;
use std::sync::Arc;

use napi::bindgen_prelude::{
    AsyncTask, ClassInstance, Either, Float64Array, Object, This, Unknown,
};
use napi_derive::napi;
use segcore::model;
use segcore::pipeline::segmenter::{Segmenter as CoreSegmenter, SegmenterParams};
use segcore::pipeline::table::{Column, CustomerTable as CoreTable};

use crate::convert::{opt_prop, time_seconds};
use crate::data::{options_arg, Logs, LogsInput};
use crate::error::{run, Result};
use crate::task::{fitted, slot, store, FitJob, Job, Slot, Work};

/// Options of `Segmenter`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct SegmenterOptions {
    /// Fixed number of segments (default: chosen by silhouette between kMin and kMax).
    pub n_segments: Option<u32>,
    /// Smallest k tried (default 3).
    pub k_min: Option<u32>,
    /// Largest k tried (default 8).
    pub k_max: Option<u32>,
    /// Feature names to cluster on (default: the segmenter's choice).
    pub cluster_features: Option<Vec<String>>,
    /// Seed (default 0).
    pub seed: Option<u32>,
    /// CLV horizon in days (default 365).
    pub clv_horizon_days: Option<f64>,
    /// Annual discount rate of CLV (default 0.10).
    pub annual_discount_rate: Option<f64>,
    /// Churn horizon in days (default 90).
    pub churn_horizon_days: Option<f64>,
}

fn params(o: SegmenterOptions) -> Result<SegmenterParams> {
    let mut p = CoreSegmenter::params();
    if let Some(k) = o.n_segments {
        p = p.n_segments(Some(k as usize));
    }
    if o.k_min.is_some() || o.k_max.is_some() {
        let (lo, hi) = (
            o.k_min.map_or(p.k_min, |v| v as usize),
            o.k_max.map_or(p.k_max, |v| v as usize),
        );
        p = p.k_range(lo, hi);
    }
    if let Some(v) = o.cluster_features {
        p = p.cluster_features(Some(v));
    }
    if let Some(v) = o.seed {
        p = p.seed(v as u64);
    }
    if let Some(v) = o.clv_horizon_days {
        p = p.clv_horizon_days(v);
    }
    if let Some(v) = o.annual_discount_rate {
        p = p.annual_discount_rate(v);
    }
    if let Some(v) = o.churn_horizon_days {
        p = p.churn_horizon_days(v);
    }
    Ok(p)
}

/// One row per customer: `customerIds`, column `names` in order, and `columns` by name
/// (numbers as `Float64Array`, text as `string[]`).
#[napi(object)]
pub struct CustomerTable {
    /// Customer ids (text), one per row.
    pub customer_ids: Vec<String>,
    /// Column names in order.
    pub names: Vec<String>,
    /// Columns by name.
    pub columns: HashMap<String, Either<Float64Array, Vec<String>>>,
}

fn table(t: &CoreTable) -> CustomerTable {
    let c = &t.customers;
    CustomerTable {
        customer_ids: (0..c.len() as u32).map(|i| c.label(i)).collect(),
        names: t.names.clone(),
        columns: t
            .names
            .iter()
            .zip(&t.columns)
            .map(|(n, col)| {
                let v = match col {
                    Column::Num(v) => Either::A(Float64Array::new(v.clone())),
                    Column::Text(v) => Either::B(v.clone()),
                };
                (n.clone(), v)
            })
            .collect(),
    }
}

/// What a fit produced.
pub struct SegFitted {
    pub(crate) model: CoreSegmenter,
    customers: Option<CoreTable>,
    profiles: Option<serde_json::Value>,
    churn_validation_auc: Option<f64>,
}

fn fit_logs(
    p: &SegmenterParams,
    logs: &segcore::data::Logs,
    monitor: &segcore::progress::Monitor,
) -> segcore::Result<SegFitted> {
    let s = p.fit_with(logs, monitor)?;
    let profiles = serde_json::to_value(&s.profiles).map_err(|e| segcore::SegError::Numerical {
        context: "segment profiles".into(),
        reason: e.to_string(),
    })?;
    Ok(SegFitted {
        model: s.model,
        customers: Some(s.customers),
        profiles: Some(profiles),
        churn_validation_auc: s.churn_validation_auc,
    })
}

/// The whole job in one estimator: features, segments (k chosen by silhouette unless
/// `nSegments`), BG/NBD + Gamma-Gamma CLV, a churn model with explanations, segment profiles.
///
/// ```js
/// const seg = await new Segmenter({ seed: 0 }).fitAsync(logs)
/// seg.customers().columns.segment
/// ```
#[napi]
pub struct Segmenter {
    params: SegmenterParams,
    fitted: Slot<SegFitted>,
}

impl Segmenter {
    pub(crate) fn wrap(m: CoreSegmenter) -> Segmenter {
        let s = slot();
        let params = m.params.clone();
        store(
            &s,
            SegFitted {
                model: m,
                customers: None,
                profiles: None,
                churn_validation_auc: None,
            },
        );
        Segmenter { params, fitted: s }
    }

    pub(crate) fn state(&self) -> Result<Arc<SegFitted>> {
        fitted(&self.fitted, "Segmenter")
    }
}

fn read_logs(
    logs: Either<ClassInstance<Logs>, Unknown>,
    options: Option<Unknown>,
) -> Result<(LogsInput, Option<i64>)> {
    let opts = options_arg(options)?;
    let as_of = match opt_prop(opts.as_ref(), "asOf")? {
        Some(u) => Some(time_seconds(&u, "asOf")?),
        None => None,
    };
    Ok((LogsInput::read(logs, opts.as_ref())?, as_of))
}

#[napi]
impl Segmenter {
    /// A new, unfitted segmenter.
    #[napi(constructor)]
    pub fn new(options: Option<SegmenterOptions>) -> Result<Self> {
        Ok(Segmenter {
            params: params(options.unwrap_or_default())?,
            fitted: slot(),
        })
    }

    /// Fits everything on the logs (a `Logs` or transactions plus `options.events` /
    /// `options.feedback`; `options.asOf` is the cutoff); returns `this`.
    #[napi(
        ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: { asOf?: Date | number | string, events?: EventRow[] | EventColumns, feedback?: FeedbackRow[] | FeedbackColumns }",
        ts_return_type = "this"
    )]
    pub fn fit<'e>(
        &self,
        this: This<'e>,
        logs: Either<ClassInstance<Logs>, Unknown>,
        options: Option<Unknown>,
    ) -> Result<Object<'e>> {
        let (input, as_of) = read_logs(logs, options)?;
        let p = match as_of {
            Some(t) => self.params.clone().as_of(Some(t)),
            None => self.params.clone(),
        };
        store(
            &self.fitted,
            run(|| fit_logs(&p, &*input.build()?, &segcore::progress::Monitor::new()))?,
        );
        Ok(this.object)
    }

    /// Async twin of `fit`; resolves with `this`. `control.signal` (an `AbortSignal`) stops
    /// the fit between stages and iterations (the promise rejects with an `AbortError`, code
    /// `SEGCORE_CANCELLED`); `control.onProgress` receives `{ stage, done, total }`.
    #[napi(
        ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: { asOf?: Date | number | string, events?: EventRow[] | EventColumns, feedback?: FeedbackRow[] | FeedbackColumns }, control?: FitControl",
        ts_return_type = "Promise<this>"
    )]
    pub fn fit_async(
        &self,
        env: &napi::Env,
        this: This,
        logs: Either<ClassInstance<Logs>, Unknown>,
        options: Option<Unknown>,
        control: Option<Object>,
    ) -> Result<AsyncTask<FitJob<SegFitted>>> {
        let (input, as_of) = read_logs(logs, options)?;
        let p = match as_of {
            Some(t) => self.params.clone().as_of(Some(t)),
            None => self.params.clone(),
        };
        let monitor = crate::control::monitor(env, control)?;
        let work: Work<SegFitted> = Box::new(move || fit_logs(&p, &*input.build()?, &monitor));
        Ok(AsyncTask::new(FitJob::new(
            work,
            self.fitted.clone(),
            &this.object,
        )?))
    }

    /// Whether the segmenter is fitted.
    #[napi(getter)]
    pub fn is_fitted(&self) -> bool {
        self.state().is_ok()
    }

    /// The customer table of the fit (null for a segmenter read from a file).
    #[napi]
    pub fn customers(&self) -> Result<Option<CustomerTable>> {
        Ok(self.state()?.customers.as_ref().map(table))
    }

    /// Segment profiles of the fit (null for a segmenter read from a file).
    #[napi(ts_return_type = "any")]
    pub fn profiles(&self) -> Result<Option<serde_json::Value>> {
        Ok(self.state()?.profiles.clone())
    }

    /// Names of the segments, by segment label.
    #[napi(getter)]
    pub fn segment_names(&self) -> Result<Vec<String>> {
        Ok(self.state()?.model.segment_names.clone())
    }

    /// Validation AUC of the churn model (null when there was no validation split).
    #[napi(getter)]
    pub fn churn_validation_auc(&self) -> Result<Option<f64>> {
        Ok(self.state()?.churn_validation_auc)
    }

    /// Scores new logs with the fitted models (cutoff `options.asOf`, default the fit's).
    #[napi(
        ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: { asOf?: Date | number | string, events?: EventRow[] | EventColumns, feedback?: FeedbackRow[] | FeedbackColumns }"
    )]
    pub fn score(
        &self,
        logs: Either<ClassInstance<Logs>, Unknown>,
        options: Option<Unknown>,
    ) -> Result<CustomerTable> {
        let st = self.state()?;
        let (input, as_of) = read_logs(logs, options)?;
        Ok(table(&run(|| st.model.score(&*input.build()?, as_of))?))
    }

    /// Async twin of `score`.
    #[napi(
        ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options?: { asOf?: Date | number | string, events?: EventRow[] | EventColumns, feedback?: FeedbackRow[] | FeedbackColumns }",
        ts_return_type = "Promise<CustomerTable>"
    )]
    pub fn score_async(
        &self,
        logs: Either<ClassInstance<Logs>, Unknown>,
        options: Option<Unknown>,
    ) -> Result<AsyncTask<Job<CoreTable, CustomerTable>>> {
        let st = self.state()?;
        let (input, as_of) = read_logs(logs, options)?;
        let work: Work<CoreTable> = Box::new(move || st.model.score(&*input.build()?, as_of));
        Ok(AsyncTask::new(Job::new(work, |t| Ok(table(&t)))))
    }

    /// The model file (JSON text) shared with Rust and Python.
    #[napi]
    pub fn to_json(&self) -> Result<String> {
        let st = self.state()?;
        run(|| model::to_json(&st.model))
    }

    /// The model file as an object (used by `JSON.stringify`).
    #[napi(js_name = "toJSON")]
    pub fn to_json_value(&self) -> Result<serde_json::Value> {
        crate::model::parse_json(&self.to_json()?)
    }

    /// Reads a model file.
    #[napi(factory)]
    pub fn from_json(json: String) -> Result<Self> {
        Ok(Self::wrap(run(|| {
            model::from_json::<CoreSegmenter>(&json)
        })?))
    }
}
