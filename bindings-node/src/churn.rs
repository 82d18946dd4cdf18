//! Churn: logistic regression and gradient-boosted trees with probabilities, explanations
//! (top drivers, risk bands) and metrics.
//!
//! `x` is a flat row-major `nRows x nCols` matrix (e.g. `FeatureTable.values`); `y` is a
//! `boolean[]` (true = churned).

use napi::bindgen_prelude::{AsyncTask, Either, Float64Array, Object, This};
use napi_derive::napi;
use ndarray::ArrayView1;
use segcore::churn::explain::{explain as core_explain, ExplainOptions as CoreExplainOptions};
use segcore::churn::gbt::Calibration;
use segcore::churn::{
    metrics, ClassWeight, GradientBoostingChurn as CoreGbt, GradientBoostingChurnParams,
    LogisticChurn as CoreLogistic, LogisticChurnParams, RiskBand, RiskBands, Solver,
};
use segcore::model;

use crate::cluster::matrix;
use crate::clv::{values, Numbers};
use crate::error::{param, run, Result};
use crate::task::{fitted, slot, store, FitJob, Slot, Work};

/// Options of `explain`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ExplainOptions {
    /// Number of drivers per customer (default 3).
    pub top_k: Option<u32>,
    /// Probability from which the risk band is `medium` (default 0.3).
    pub medium: Option<f64>,
    /// Probability from which the risk band is `high` (default 0.6).
    pub high: Option<f64>,
}

/// One feature's push on a customer's churn score.
#[napi(object)]
pub struct Driver {
    /// Feature name.
    pub feature: String,
    /// The customer's value of the feature.
    pub value: f64,
    /// Contribution to the raw score (log-odds); positive raises churn risk.
    pub contribution: f64,
}

/// Why a customer got their churn probability.
#[napi(object)]
pub struct Explanation {
    /// Churn probability.
    pub churn_probability: f64,
    /// `low`, `medium` or `high`.
    #[napi(ts_type = "'low' | 'medium' | 'high'")]
    pub risk_band: String,
    /// Raw score (log-odds).
    pub raw_score: f64,
    /// Score of an average customer; contributions sum to `rawScore - baseValue`.
    pub base_value: f64,
    /// Strongest drivers, largest absolute contribution first.
    pub drivers: Vec<Driver>,
}

fn explain_options(o: Option<ExplainOptions>) -> CoreExplainOptions {
    let o = o.unwrap_or_default();
    let d = CoreExplainOptions::default();
    CoreExplainOptions {
        bands: RiskBands {
            medium: o.medium.unwrap_or(d.bands.medium),
            high: o.high.unwrap_or(d.bands.high),
        },
        top_k: o.top_k.map_or(d.top_k, |k| k as usize),
    }
}

fn band(b: RiskBand) -> String {
    match b {
        RiskBand::Low => "low",
        RiskBand::Medium => "medium",
        RiskBand::High => "high",
    }
    .to_string()
}

fn explanations(v: Vec<segcore::churn::Explanation>) -> Vec<Explanation> {
    v.into_iter()
        .map(|e| Explanation {
            churn_probability: e.churn_probability,
            risk_band: band(e.risk_band),
            raw_score: e.raw_score,
            base_value: e.base_value,
            drivers: e
                .drivers
                .into_iter()
                .map(|d| Driver {
                    feature: d.feature,
                    value: d.value,
                    contribution: d.contribution,
                })
                .collect(),
        })
        .collect()
}

/// Options of `LogisticChurn`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct LogisticOptions {
    /// Inverse L2 strength, as scikit-learn's `C` (default 1).
    pub c: Option<f64>,
    /// `balanced` or `none` (default).
    pub class_weight: Option<String>,
    /// Standardise features before fitting (default true).
    pub standardize: Option<bool>,
    /// `auto` (default), `newton` or `lbfgs`.
    pub solver: Option<String>,
    /// Maximum iterations.
    pub max_iter: Option<u32>,
    /// Tolerance.
    pub tol: Option<f64>,
}

fn logistic_params(o: LogisticOptions) -> Result<LogisticChurnParams> {
    let mut p = CoreLogistic::params();
    if let Some(v) = o.c {
        p = p.c(v);
    }
    if let Some(v) = o.class_weight.as_deref() {
        p = p.class_weight(match v {
            "none" => ClassWeight::None,
            "balanced" => ClassWeight::Balanced,
            other => {
                return Err(param(
                    "classWeight",
                    format!("unknown class weight `{other}` (use none or balanced)"),
                ))
            }
        });
    }
    if let Some(v) = o.standardize {
        p = p.standardize(v);
    }
    if let Some(v) = o.solver.as_deref() {
        p = p.solver(match v {
            "auto" => Solver::Auto,
            "newton" => Solver::Newton,
            "lbfgs" => Solver::Lbfgs,
            other => {
                return Err(param(
                    "solver",
                    format!("unknown solver `{other}` (use auto, newton or lbfgs)"),
                ))
            }
        });
    }
    if let Some(v) = o.max_iter {
        p = p.max_iter(v as usize);
    }
    if let Some(v) = o.tol {
        p = p.tol(v);
    }
    Ok(p)
}

/// Options of `GradientBoostingChurn` (scikit-learn HistGradientBoostingClassifier names).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct GradientBoostingOptions {
    /// Shrinkage (default 0.1).
    pub learning_rate: Option<f64>,
    /// Boosting iterations (default 100).
    pub max_iter: Option<u32>,
    /// Leaves per tree (default 31).
    pub max_leaf_nodes: Option<u32>,
    /// Maximum tree depth (default none).
    pub max_depth: Option<u32>,
    /// Minimum rows per leaf (default 20).
    pub min_samples_leaf: Option<u32>,
    /// L2 regularisation of leaf values.
    pub l2_regularization: Option<f64>,
    /// Histogram bins (<= 255).
    pub max_bins: Option<u32>,
    /// Early stopping on a validation split.
    pub early_stopping: Option<bool>,
    /// Validation fraction for early stopping (0 = none).
    pub validation_fraction: Option<f64>,
    /// `platt` (default), `isotonic` or `none`.
    pub calibration: Option<String>,
    /// Seed (binning sample, validation split).
    pub seed: Option<u32>,
}

fn gbt_params(o: GradientBoostingOptions) -> Result<GradientBoostingChurnParams> {
    let mut p = CoreGbt::params();
    if let Some(v) = o.learning_rate {
        p.learning_rate = v;
    }
    if let Some(v) = o.max_iter {
        p.max_iter = v as usize;
    }
    if let Some(v) = o.max_leaf_nodes {
        p.max_leaf_nodes = Some(v as usize);
    }
    if let Some(v) = o.max_depth {
        p.max_depth = Some(v as usize);
    }
    if let Some(v) = o.min_samples_leaf {
        p.min_samples_leaf = v as usize;
    }
    if let Some(v) = o.l2_regularization {
        p.l2_regularization = v;
    }
    if let Some(v) = o.max_bins {
        p.max_bins = v as usize;
    }
    if let Some(v) = o.early_stopping {
        p.early_stopping = v;
    }
    if let Some(v) = o.validation_fraction {
        p.validation_fraction = if v > 0.0 { Some(v) } else { None };
    }
    if let Some(v) = o.calibration.as_deref() {
        p.calibration = match v {
            "platt" => Calibration::Platt,
            "isotonic" => Calibration::Isotonic,
            "none" => Calibration::None,
            other => {
                return Err(param(
                    "calibration",
                    format!("unknown calibration `{other}` (use platt, isotonic or none)"),
                ))
            }
        };
    }
    if let Some(v) = o.seed {
        p.seed = v as u64;
    }
    Ok(p)
}

macro_rules! churn_model {
    ($(#[doc = $doc:literal])* $js:ident, $core:ident, $params:ident, $options:ident, $make:ident, $kind:literal,
     |$p:ident, $x:ident, $y:ident, $w:ident, $m:ident| $fit:expr) => {
        $(#[doc = $doc])*
        #[napi]
        pub struct $js {
            params: $params,
            fitted: Slot<$core>,
        }

        impl $js {
            pub(crate) fn wrap(m: $core) -> $js {
                let s = slot();
                store(&s, m);
                $js { params: $core::params(), fitted: s }
            }

            fn model(&self) -> Result<std::sync::Arc<$core>> {
                fitted(&self.fitted, $kind)
            }
        }

        #[napi]
        impl $js {
            /// A new, unfitted model.
            #[napi(constructor)]
            pub fn new(options: Option<$options>) -> Result<Self> {
                Ok($js { params: $make(options.unwrap_or_default())?, fitted: slot() })
            }

            /// Fits on the row-major matrix `x` and labels `y` (true = churned), optional
            /// per-row weights; returns `this`.
            #[napi(ts_return_type = "this")]
            pub fn fit<'e>(&self, this: This<'e>, x: Numbers, n_rows: u32, n_cols: u32, y: Vec<bool>, sample_weight: Option<Numbers>) -> Result<Object<'e>> {
                let $p = self.params.clone();
                let $w = sample_weight.map(values);
                let $y = y;
                let $m = &segcore::progress::Monitor::new();
                let m = run(|| {
                    let $x = matrix(x, n_rows, n_cols)?;
                    $fit
                })?;
                store(&self.fitted, m);
                Ok(this.object)
            }

            /// Async twin of `fit`; resolves with `this`. `control.signal` (an `AbortSignal`)
            /// stops the fit (the promise rejects with an `AbortError`, code
            /// `SEGCORE_CANCELLED`); `control.onProgress` receives `{ stage, done, total }`.
            #[napi(
                ts_args_type = "x: Numbers, nRows: number, nCols: number, y: Array<boolean>, sampleWeight?: Numbers | undefined | null, control?: FitControl",
                ts_return_type = "Promise<this>"
            )]
            #[allow(clippy::too_many_arguments)]
            pub fn fit_async(&self, env: &napi::Env, this: This, x: Numbers, n_rows: u32, n_cols: u32, y: Vec<bool>, sample_weight: Option<Numbers>, control: Option<Object>) -> Result<AsyncTask<FitJob<$core>>> {
                let $p = self.params.clone();
                let $w = sample_weight.map(values);
                let $y = y;
                let xv = values(x);
                let monitor = crate::control::monitor(env, control)?;
                let work: Work<$core> = Box::new(move || {
                    let $m = &monitor;
                    let $x = matrix(Either::B(xv), n_rows, n_cols)?;
                    $fit
                });
                Ok(AsyncTask::new(FitJob::new(work, self.fitted.clone(), &this.object)?))
            }

            /// Whether the model is fitted.
            #[napi(getter)]
            pub fn is_fitted(&self) -> bool {
                self.model().is_ok()
            }

            /// Number of features the model was fitted on.
            #[napi(getter)]
            pub fn n_features(&self) -> Result<u32> {
                Ok(self.model()?.n_features() as u32)
            }

            /// Churn probability of each row.
            #[napi]
            pub fn predict_proba(&self, x: Numbers, n_rows: u32, n_cols: u32) -> Result<Float64Array> {
                let m = self.model()?;
                Ok(Float64Array::new(run(|| m.predict_proba(matrix(x, n_rows, n_cols)?.view()))?.to_vec()))
            }

            /// Raw score (log-odds) of each row.
            #[napi]
            pub fn decision_function(&self, x: Numbers, n_rows: u32, n_cols: u32) -> Result<Float64Array> {
                let m = self.model()?;
                Ok(Float64Array::new(run(|| m.decision_function(matrix(x, n_rows, n_cols)?.view()))?.to_vec()))
            }

            /// Predicted churn (probability >= 0.5) of each row.
            #[napi]
            pub fn predict(&self, x: Numbers, n_rows: u32, n_cols: u32) -> Result<Vec<bool>> {
                let m = self.model()?;
                run(|| m.predict(matrix(x, n_rows, n_cols)?.view()))
            }

            /// Per-customer explanation: probability, risk band and top drivers.
            #[napi]
            pub fn explain(&self, x: Numbers, n_rows: u32, n_cols: u32, feature_names: Vec<String>, options: Option<ExplainOptions>) -> Result<Vec<Explanation>> {
                let m = self.model()?;
                let o = explain_options(options);
                Ok(explanations(run(|| core_explain(&*m, matrix(x, n_rows, n_cols)?.view(), &feature_names, &o))?))
            }

            /// The model file (JSON text).
            #[napi]
            pub fn to_json(&self) -> Result<String> {
                let m = self.model()?;
                run(|| model::to_json(&*m))
            }

            /// The model file as an object (used by `JSON.stringify`).
            #[napi(js_name = "toJSON")]
            pub fn to_json_value(&self) -> Result<serde_json::Value> {
                crate::model::parse_json(&self.to_json()?)
            }

            /// Reads a model file.
            #[napi(factory)]
            pub fn from_json(json: String) -> Result<Self> {
                Ok(Self::wrap(run(|| model::from_json::<$core>(&json))?))
            }
        }
    };
}

churn_model!(
    #[doc = " L2-regularised logistic regression (scikit-learn's LogisticRegression objective), with"]
    #[doc = " exact per-feature contributions for `explain`."]
    LogisticChurn,
    CoreLogistic,
    LogisticChurnParams,
    LogisticOptions,
    logistic_params,
    "LogisticChurn",
    |p, x, y, w, m| p.fit_with(
        x.view(),
        &y,
        w.as_ref().map(|w| ArrayView1::from(w.as_slice())),
        m
    )
);

churn_model!(
    #[doc = " Histogram gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier"]
    #[doc = " algorithm) with calibrated probabilities and TreeSHAP contributions for `explain`."]
    #[doc = " Sample weights are not supported (passing them is an `INVALID_PARAMETER` error)."]
    GradientBoostingChurn,
    CoreGbt,
    GradientBoostingChurnParams,
    GradientBoostingOptions,
    gbt_params,
    "GradientBoostingChurn",
    |p, x, y, w, m| match w {
        None => p.fit_with(x.view(), &y, m),
        Some(_) => Err(segcore::SegError::param(
            "sample_weight",
            "not supported by GradientBoostingChurn"
        )),
    }
);

#[napi]
impl GradientBoostingChurn {
    /// Mean absolute SHAP value of each feature over the training data order (importance).
    #[napi]
    pub fn feature_importances(&self) -> Result<Float64Array> {
        Ok(Float64Array::new(self.model()?.feature_importances()))
    }

    /// Boosting iterations run.
    #[napi(getter)]
    pub fn n_iter(&self) -> Result<u32> {
        Ok(self.model()?.n_iter() as u32)
    }
}

#[napi]
impl LogisticChurn {
    /// Coefficients on the original feature scale.
    #[napi(getter)]
    pub fn coef(&self) -> Result<Float64Array> {
        Ok(Float64Array::new(self.model()?.coef_original()))
    }

    /// Intercept on the original feature scale.
    #[napi(getter)]
    pub fn intercept(&self) -> Result<f64> {
        Ok(self.model()?.intercept_original())
    }
}

/// Area under the ROC curve.
#[napi]
pub fn roc_auc(y: Vec<bool>, scores: Numbers) -> Result<f64> {
    let s = values(scores);
    run(|| metrics::roc_auc(&y, &s))
}

/// Average precision (area under the precision-recall curve, step-wise).
#[napi]
pub fn average_precision(y: Vec<bool>, scores: Numbers) -> Result<f64> {
    let s = values(scores);
    run(|| metrics::average_precision(&y, &s))
}

/// Mean log loss of probabilities.
#[napi]
pub fn log_loss(y: Vec<bool>, proba: Numbers) -> Result<f64> {
    let p = values(proba);
    run(|| metrics::log_loss(&y, &p))
}

/// Brier score of probabilities.
#[napi]
pub fn brier_score(y: Vec<bool>, proba: Numbers) -> Result<f64> {
    let p = values(proba);
    run(|| metrics::brier_score(&y, &p))
}

/// A churn training or test set: features at a cutoff and whether each customer churned in
/// the horizon after it.
#[napi(object)]
pub struct ChurnDataset {
    /// Feature names (columns of `x`).
    pub names: Vec<String>,
    /// Row-major features.
    pub x: Float64Array,
    /// Rows.
    pub n_rows: u32,
    /// Columns.
    pub n_cols: u32,
    /// Churn labels (true = no purchase in the horizon), when known.
    pub y: Option<Vec<bool>>,
    /// Customer id of each row.
    pub customer_ids: Vec<String>,
    /// The cutoff, epoch milliseconds.
    pub cutoff: f64,
}

/// Out-of-time training and test sets.
#[napi(object)]
pub struct ChurnDatasets {
    /// Built at `trainCutoff`.
    pub train: ChurnDataset,
    /// Built at `testCutoff`.
    pub test: ChurnDataset,
}

fn churn_dataset(
    d: segcore::churn::dataset::ChurnDataset,
    logs: &segcore::data::Logs,
) -> ChurnDataset {
    let c = logs.customers();
    ChurnDataset {
        names: d.names,
        n_rows: d.x.nrows() as u32,
        n_cols: d.x.ncols() as u32,
        x: Float64Array::new(d.x.iter().copied().collect()),
        y: d.y,
        customer_ids: d.customers.iter().map(|&k| c.label(k)).collect(),
        cutoff: d.cutoff as f64 * 1000.0,
    }
}

type BuiltSets = (
    segcore::churn::dataset::ChurnDataset,
    segcore::churn::dataset::ChurnDataset,
    std::sync::Arc<segcore::data::Logs>,
);

struct SetsInput {
    logs: crate::data::LogsInput,
    train: i64,
    test: i64,
    horizon: f64,
    cfg: segcore::features::FeatureConfig,
}

fn sets_input(
    logs: Either<
        napi::bindgen_prelude::ClassInstance<crate::data::Logs>,
        napi::bindgen_prelude::Unknown,
    >,
    options: napi::bindgen_prelude::Unknown,
) -> Result<SetsInput> {
    let opts = crate::data::options_arg(Some(options))?;
    let o = opts.as_ref();
    let time = |name: &'static str| -> Result<i64> {
        match crate::convert::opt_prop(o, name)? {
            Some(u) => crate::convert::time_seconds(&u, name),
            None => Err(param(name, "is required")),
        }
    };
    let (train, test) = (time("trainCutoff")?, time("testCutoff")?);
    let horizon = match crate::convert::opt_prop(o, "horizonDays")? {
        Some(u) => {
            use napi::JsValue;
            u.coerce_to_number()
                .and_then(|n| n.get_double())
                .map_err(crate::error::napi_err)?
        }
        None => 90.0,
    };
    Ok(SetsInput {
        logs: crate::data::LogsInput::read(logs, o)?,
        train,
        test,
        horizon,
        cfg: crate::features::config(o)?,
    })
}

fn build_sets(i: SetsInput) -> segcore::Result<BuiltSets> {
    let logs = i.logs.build()?;
    let (a, b) = segcore::churn::dataset::out_of_time(&logs, i.train, i.test, i.horizon, &i.cfg)?;
    Ok((a, b, logs))
}

fn finish_sets(b: BuiltSets) -> Result<ChurnDatasets> {
    Ok(ChurnDatasets {
        train: churn_dataset(b.0, &b.2),
        test: churn_dataset(b.1, &b.2),
    })
}

/// Out-of-time churn sets: features at `trainCutoff` labelled by the `horizonDays` (default
/// 90) after it, and the same at `testCutoff` (at least one horizon later). Feature options
/// as in `features`.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options: { trainCutoff: Date | number | string, testCutoff: Date | number | string, horizonDays?: number } & FeaturesOptions"
)]
pub fn churn_datasets(
    logs: Either<
        napi::bindgen_prelude::ClassInstance<crate::data::Logs>,
        napi::bindgen_prelude::Unknown,
    >,
    options: napi::bindgen_prelude::Unknown,
) -> Result<ChurnDatasets> {
    let i = sets_input(logs, options)?;
    finish_sets(run(|| build_sets(i))?)
}

/// Async twin of `churnDatasets`.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, options: { trainCutoff: Date | number | string, testCutoff: Date | number | string, horizonDays?: number } & FeaturesOptions",
    ts_return_type = "Promise<ChurnDatasets>"
)]
pub fn churn_datasets_async(
    logs: Either<
        napi::bindgen_prelude::ClassInstance<crate::data::Logs>,
        napi::bindgen_prelude::Unknown,
    >,
    options: napi::bindgen_prelude::Unknown,
) -> Result<AsyncTask<crate::task::Job<BuiltSets, ChurnDatasets>>> {
    let i = sets_input(logs, options)?;
    let work: Work<BuiltSets> = Box::new(move || build_sets(i));
    Ok(AsyncTask::new(crate::task::Job::new(work, finish_sets)))
}
