//! Customer lifetime value models: BetaGeo, ModifiedBetaGeo, ParetoNbd, BetaGeoBetaBinom,
//! GammaGamma, and discounted lifetime value.
//!
//! Every estimator follows one shape: `new Model(options)` → `fit(...)` (returns `this`) or
//! `fitAsync(...)` (resolves with `this`) → predictions on `Float64Array | number[]` columns
//! returning `Float64Array`; `toJson()` / `Model.fromJson(text)` / `loadModel(text)` read and
//! write the segcore model files shared with Rust and Python.

use napi::bindgen_prelude::{AsyncTask, Either, Float64Array, Object, This};
use napi_derive::napi;
use segcore::clv::value::{customer_lifetime_value, DiscountConvention};
use segcore::clv::{self as core, RfmSummary, TransactionModel};
use segcore::data::TimeUnit;
use segcore::model;

use crate::error::{param, run, Result};
use crate::task::{fitted, slot, store, FitJob, Slot, Work};

/// A numeric column from JavaScript.
pub type Numbers = Either<Float64Array, Vec<f64>>;

/// The values of a numeric column.
pub fn values(x: Numbers) -> Vec<f64> {
    match x {
        Either::A(a) => a.to_vec(),
        Either::B(v) => v,
    }
}

/// Settings of a maximum-likelihood fit (all optional).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct FitOptions {
    /// L2 penalty on the natural-scale parameters (default 0).
    pub l2: Option<f64>,
    /// Maximum optimiser iterations.
    pub max_iter: Option<u32>,
    /// Gradient tolerance.
    pub tol: Option<f64>,
    /// Starting values (natural scale, all > 0), one per parameter.
    pub initial: Option<Vec<f64>>,
    /// Time unit of recency and T: `days` (default), `weeks` or `months`.
    pub unit: Option<String>,
}

fn unit_of(o: &FitOptions) -> Result<TimeUnit> {
    match &o.unit {
        None => Ok(TimeUnit::Days),
        Some(u) => run(|| TimeUnit::parse(u)),
    }
}

fn initial<const N: usize>(o: &FitOptions) -> Result<Option<[f64; N]>> {
    match &o.initial {
        None => Ok(None),
        Some(v) => <[f64; N]>::try_from(v.as_slice())
            .map(Some)
            .map_err(|_| param("initial", format!("expected {N} values, got {}", v.len()))),
    }
}

/// How the optimiser ended.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct FitSummary {
    /// Total log-likelihood at the optimum.
    pub log_likelihood: f64,
    /// Standard errors of the parameters (in `params` order), or null.
    pub standard_errors: Option<Vec<f64>>,
    /// Iterations run.
    pub iterations: u32,
    /// Gradient norm at the end.
    pub grad_norm: f64,
    /// Whether the optimiser converged.
    pub converged: bool,
    /// Optimiser message.
    pub message: String,
}

fn fit_summary(ll: f64, se: &Option<Vec<f64>>, r: &core::FitReport) -> FitSummary {
    FitSummary {
        log_likelihood: ll,
        standard_errors: se.clone(),
        iterations: r.iterations as u32,
        grad_norm: r.grad_norm,
        converged: r.converged,
        message: r.message.clone(),
    }
}

/// Options of `customerLifetimeValue`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ClvOptions {
    /// Horizon in the model's time unit (default: 12 months in that unit). `Infinity` is
    /// allowed with the continuous convention.
    pub horizon: Option<f64>,
    /// Discount rate: monthly with `lifetimes` (default 0.01), per model time unit with
    /// `continuous`.
    pub discount_rate: Option<f64>,
    /// `lifetimes` (monthly steps, default) or `continuous` (CLVTools DERT).
    pub convention: Option<String>,
}

fn convention(o: &ClvOptions) -> Result<DiscountConvention> {
    match o.convention.as_deref() {
        None | Some("lifetimes") => Ok(DiscountConvention::LifetimesMonthly),
        Some("continuous") => Ok(DiscountConvention::Continuous),
        Some(other) => Err(param(
            "convention",
            format!("unknown convention `{other}` (use lifetimes or continuous)"),
        )),
    }
}

fn rfm(f: Numbers, r: Numbers, t: Numbers, unit: TimeUnit) -> segcore::Result<RfmSummary> {
    let f = values(f);
    let n = f.len();
    RfmSummary::new(f, values(r), values(t), vec![0.0; n], unit)
}

/// Named parameter values as a JS record.
fn params_map(items: &[(&str, f64)]) -> std::collections::HashMap<String, f64> {
    items.iter().map(|&(k, v)| (k.to_string(), v)).collect()
}

fn model_json<M: model::ModelKind>(m: &M) -> Result<String> {
    run(|| model::to_json(m))
}

use crate::model::parse_json;

/// A napi class wrapping a fitted core model: the struct, its constructor (fit settings
/// from `FitOptions`), `isFitted`, `fitSummary` and the model-file methods, around the
/// class's own methods in `head` (factories and fits), `mid` (parameter getters) and `tail`
/// (predictions), in that order. `unit` adds the time-unit field of continuous-time models.
///
/// Docs inside an invocation are written `#[doc = " ..."]`: a `///` comment passed on by a
/// macro becomes a raw string, which napi would copy into index.d.ts as `r" ...`.
macro_rules! model_class {
    (
        $(#[doc = $doc:literal])*
        $js:ident($core:ty, $params:ty, $kind:literal $(, $unit:ident)?),
        new: $new_doc:literal,
        json: ($to_doc:literal, $from_doc:literal),
        head { $($head:tt)* }
        mid { $($mid:tt)* }
        tail { $($tail:tt)* }
    ) => {
        $(#[doc = $doc])*
        #[napi]
        pub struct $js {
            params: $params,
            $($unit: TimeUnit,)?
            fitted: Slot<$core>,
        }

        impl $js {
            pub(crate) fn wrap(m: $core) -> $js {
                $(let $unit = m.$unit;)?
                let s = slot();
                store(&s, m);
                $js {
                    params: Default::default(),
                    $($unit,)?
                    fitted: s,
                }
            }

            fn model(&self) -> Result<std::sync::Arc<$core>> {
                fitted(&self.fitted, $kind)
            }

            /// The async task of a fit that stores its model here and resolves with `this`.
            fn fit_job(&self, this: &Object, work: Work<$core>) -> Result<AsyncTask<FitJob<$core>>> {
                Ok(AsyncTask::new(FitJob::new(work, self.fitted.clone(), this)?))
            }
        }

        #[napi]
        #[allow(non_snake_case)]
        impl $js {
            #[doc = $new_doc]
            #[napi(constructor)]
            pub fn new(options: Option<FitOptions>) -> Result<Self> {
                let o = options.unwrap_or_default();
                let mut p = <$core>::params();
                if let Some(v) = o.l2 {
                    p = p.l2(v);
                }
                if let Some(v) = o.max_iter {
                    p = p.max_iter(v as usize);
                }
                if let Some(v) = o.tol {
                    p = p.tol(v);
                }
                if let Some(v) = initial(&o)? {
                    p = p.initial(v);
                }
                Ok($js {
                    params: p,
                    $($unit: unit_of(&o)?,)?
                    fitted: slot(),
                })
            }

            $($head)*

            /// Whether the model is fitted.
            #[napi(getter)]
            pub fn is_fitted(&self) -> bool {
                self.model().is_ok()
            }

            $($mid)*

            /// Log-likelihood, standard errors and how the optimiser ended.
            #[napi]
            pub fn fit_summary(&self) -> Result<FitSummary> {
                let m = self.model()?;
                Ok(fit_summary(m.log_likelihood, &m.standard_errors, &m.report))
            }

            $($tail)*

            #[doc = $to_doc]
            #[napi]
            pub fn to_json(&self) -> Result<String> {
                model_json(&*self.model()?)
            }

            /// The model file as an object (used by `JSON.stringify`).
            #[napi(js_name = "toJSON")]
            pub fn to_json_value(&self) -> Result<serde_json::Value> {
                parse_json(&self.to_json()?)
            }

            #[doc = $from_doc]
            #[napi(factory)]
            pub fn from_json(json: String) -> Result<Self> {
                Ok(Self::wrap(run(|| model::from_json::<$core>(&json))?))
            }
        }
    };
}

macro_rules! transaction_model {
    (
        $(#[doc = $doc:literal])*
        $js:ident, $core:ident, $params:ident, $kind:literal, [$($p:ident),+], $ts_params:literal
    ) => {
        model_class! {
            $(#[doc = $doc])*
            $js(core::$core, core::$params, $kind, unit),
            new: " A new, unfitted model with optional fit settings.",
            json: (
                " The model file (JSON text) shared with Rust and Python.",
                " Reads a model file written by any segcore binding."
            ),
            head {
                #[doc = " A model with given parameters (no fit)."]
                #[napi(factory, ts_args_type = $ts_params)]
                pub fn from_params($($p: f64),+, unit: Option<String>) -> Result<Self> {
                    let unit = match unit { None => TimeUnit::Days, Some(u) => run(|| TimeUnit::parse(&u))? };
                    Ok(Self::wrap(run(|| core::$core::from_params($($p),+, unit))?))
                }

                #[doc = " Fits by maximum likelihood on per-customer `frequency` (repeat purchases),"]
                #[doc = " `recency` and `T` (in the model unit); returns `this`."]
                #[napi(ts_args_type = "frequency: Numbers, recency: Numbers, T: Numbers", ts_return_type = "this")]
                pub fn fit<'e>(&self, this: This<'e>, frequency: Numbers, recency: Numbers, T: Numbers) -> Result<Object<'e>> {
                    let (p, unit) = (self.params.clone(), self.unit);
                    let m = run(|| p.fit(&rfm(frequency, recency, T, unit)?))?;
                    store(&self.fitted, m);
                    Ok(this.object)
                }

                #[doc = " Async twin of `fit` (libuv pool); resolves with `this`."]
                #[napi(ts_args_type = "frequency: Numbers, recency: Numbers, T: Numbers", ts_return_type = "Promise<this>")]
                pub fn fit_async(&self, this: This, frequency: Numbers, recency: Numbers, T: Numbers) -> Result<AsyncTask<FitJob<core::$core>>> {
                    let (p, unit) = (self.params.clone(), self.unit);
                    let (f, r, t) = (values(frequency), values(recency), values(T));
                    let work: Work<core::$core> = Box::new(move || {
                        let n = f.len();
                        p.fit(&RfmSummary::new(f, r, t, vec![0.0; n], unit)?)
                    });
                    self.fit_job(&this.object, work)
                }
            }
            mid {
                #[doc = " Fitted parameters by name."]
                #[napi(getter, ts_return_type = "Record<string, number>")]
                pub fn params(&self) -> Result<std::collections::HashMap<String, f64>> {
                    let m = self.model()?;
                    Ok(params_map(&[$((stringify!($p), m.$p)),+]))
                }

                #[doc = " Time unit of the fit."]
                #[napi(getter)]
                pub fn unit(&self) -> Result<String> {
                    Ok(self.model()?.unit.to_string())
                }
            }
            tail {
                #[doc = " Probability that each customer is still alive."]
                #[napi(ts_args_type = "frequency: Numbers, recency: Numbers, T: Numbers")]
                pub fn p_alive(&self, frequency: Numbers, recency: Numbers, T: Numbers) -> Result<Float64Array> {
                    let m = self.model()?;
                    let (f, r, t) = (values(frequency), values(recency), values(T));
                    Ok(Float64Array::new(run(|| m.p_alive(&f, &r, &t))?))
                }

                #[doc = " Expected purchases of each customer in the next `t` time units."]
                #[napi(ts_args_type = "t: number, frequency: Numbers, recency: Numbers, T: Numbers")]
                pub fn conditional_expected_purchases(&self, t: f64, frequency: Numbers, recency: Numbers, T: Numbers) -> Result<Float64Array> {
                    let m = self.model()?;
                    let (f, r, tt) = (values(frequency), values(recency), values(T));
                    Ok(Float64Array::new(run(|| m.conditional_expected_purchases(t, &f, &r, &tt))?))
                }

                #[doc = " Expected repeat purchases of a new customer in `(0, t]`, for each `t`."]
                #[napi]
                pub fn expected_purchases(&self, t: Numbers) -> Result<Float64Array> {
                    let m = self.model()?;
                    let t = values(t);
                    Ok(Float64Array::new(run(|| m.expected_purchases(&t))?))
                }

                #[doc = " Probability of exactly `n` purchases in `(0, t]`, for each `t`."]
                #[napi]
                pub fn probability_of_n_purchases(&self, t: Numbers, n: u32) -> Result<Float64Array> {
                    let m = self.model()?;
                    let t = values(t);
                    Ok(Float64Array::new(run(|| m.probability_of_n_purchases(&t, n))?))
                }

                #[doc = " Discounted lifetime value of each customer, with spend from a fitted GammaGamma."]
                #[napi(ts_args_type = "gammaGamma: GammaGamma, frequency: Numbers, recency: Numbers, T: Numbers, monetary: Numbers, options?: ClvOptions")]
                pub fn customer_lifetime_value(
                    &self,
                    gamma_gamma: &GammaGamma,
                    frequency: Numbers,
                    recency: Numbers,
                    T: Numbers,
                    monetary: Numbers,
                    options: Option<ClvOptions>,
                ) -> Result<Float64Array> {
                    let m = self.model()?;
                    let gg = gamma_gamma.model()?;
                    let o = options.unwrap_or_default();
                    let conv = convention(&o)?;
                    let horizon = o.horizon.unwrap_or(12.0 * core::value::month_in(m.unit));
                    let rate = o.discount_rate.unwrap_or(0.01);
                    let (f, r, t, mv) = (values(frequency), values(recency), values(T), values(monetary));
                    Ok(Float64Array::new(run(|| {
                        customer_lifetime_value(&*m, &gg, &f, &r, &t, &mv, horizon, rate, conv)
                    })?))
                }
            }
        }
    };
}

transaction_model!(
    #[doc = " BG/NBD (Fader, Hardie and Lee 2005): Poisson purchases while alive, geometric"]
    #[doc = " dropout after each purchase."]
    #[doc = " "]
    #[doc = " ```js"]
    #[doc = " const m = new BetaGeo({ unit: 'weeks' }).fit(frequency, recency, T)"]
    #[doc = " m.params // { r, alpha, a, b }"]
    #[doc = " ```"]
    BetaGeo,
    BetaGeo,
    BetaGeoParams,
    "BetaGeo",
    [r, alpha, a, b],
    "r: number, alpha: number, a: number, b: number, unit?: 'days' | 'weeks' | 'months'"
);

transaction_model!(
    #[doc = " MBG/NBD (Batislam et al. 2007): BG/NBD with a possible dropout at time 0."]
    ModifiedBetaGeo,
    ModifiedBetaGeo,
    ModifiedBetaGeoParams,
    "ModifiedBetaGeo",
    [r, alpha, a, b],
    "r: number, alpha: number, a: number, b: number, unit?: 'days' | 'weeks' | 'months'"
);

transaction_model!(
    #[doc = " Pareto/NBD (Schmittlein, Morrison and Colombo 1987): Poisson purchases, exponential"]
    #[doc = " lifetimes."]
    ParetoNbd,
    ParetoNbd,
    ParetoNbdParams,
    "ParetoNbd",
    [r, alpha, s, beta],
    "r: number, alpha: number, s: number, beta: number, unit?: 'days' | 'weeks' | 'months'"
);

model_class! {
    #[doc = " Gamma-Gamma spend model (Fader, Hardie and Lee 2005): expected mean spend per customer."]
    #[doc = ""]
    #[doc = " ```js"]
    #[doc = " const gg = new GammaGamma().fit(frequency, monetary)  // repeat buyers only"]
    #[doc = " gg.conditionalExpectedAverageProfit(frequency, monetary)"]
    #[doc = " ```"]
    GammaGamma(core::GammaGamma, core::GammaGammaParams, "GammaGamma"),
    new: " A new, unfitted model (`unit` is ignored: spend has no time unit).",
    json: (" The model file (JSON text).", " Reads a model file."),
    head {
        #[doc = " A model with given parameters."]
        #[napi(factory)]
        pub fn from_params(p: f64, q: f64, gamma: f64) -> Result<Self> {
            Ok(Self::wrap(run(|| {
                core::GammaGamma::from_params(p, q, gamma)
            })?))
        }

        #[doc = " Fits on repeat buyers' `frequency` (> 0) and mean repeat spend `monetary`; returns `this`."]
        #[napi(ts_return_type = "this")]
        pub fn fit<'e>(
            &self,
            this: This<'e>,
            frequency: Numbers,
            monetary: Numbers,
        ) -> Result<Object<'e>> {
            let p = self.params.clone();
            let (f, m) = (values(frequency), values(monetary));
            store(&self.fitted, run(|| p.fit_spend(&f, &m))?);
            Ok(this.object)
        }

        #[doc = " Async twin of `fit`; resolves with `this`."]
        #[napi(ts_return_type = "Promise<this>")]
        pub fn fit_async(
            &self,
            this: This,
            frequency: Numbers,
            monetary: Numbers,
        ) -> Result<AsyncTask<FitJob<core::GammaGamma>>> {
            let p = self.params.clone();
            let (f, m) = (values(frequency), values(monetary));
            let work: Work<core::GammaGamma> = Box::new(move || p.fit_spend(&f, &m));
            self.fit_job(&this.object, work)
        }
    }
    mid {
        #[doc = " Fitted parameters `{ p, q, gamma }`."]
        #[napi(getter, ts_return_type = "Record<string, number>")]
        pub fn params(&self) -> Result<std::collections::HashMap<String, f64>> {
            let m = self.model()?;
            Ok(params_map(&[("p", m.p), ("q", m.q), ("gamma", m.gamma)]))
        }
    }
    tail {
        #[doc = " Expected mean spend of each customer."]
        #[napi]
        pub fn conditional_expected_average_profit(
            &self,
            frequency: Numbers,
            monetary: Numbers,
        ) -> Result<Float64Array> {
            let m = self.model()?;
            let (f, mv) = (values(frequency), values(monetary));
            Ok(Float64Array::new(run(|| {
                m.conditional_expected_average_profit(&f, &mv)
            })?))
        }

        #[doc = " Mean spend of the population."]
        #[napi]
        pub fn population_mean_spend(&self) -> Result<f64> {
            let m = self.model()?;
            run(|| m.population_mean_spend())
        }
    }
}

model_class! {
    #[doc = " BG/BB (Fader, Hardie and Shang 2010): discrete-time purchase opportunities (e.g. yearly"]
    #[doc = " donations). Data are whole numbers: `frequency` x, `recency` t_x, `nPeriods` n, with"]
    #[doc = " optional `weights` (counts of identical rows)."]
    BetaGeoBetaBinom(Bgbb, core::BetaGeoBetaBinomParams, "BetaGeoBetaBinom"),
    new: " A new, unfitted model.",
    json: (" The model file (JSON text).", " Reads a model file."),
    head {
        #[doc = " A model with given parameters."]
        #[napi(factory)]
        pub fn from_params(alpha: f64, beta: f64, gamma: f64, delta: f64) -> Result<Self> {
            Ok(Self::wrap(run(|| {
                Bgbb::from_params(alpha, beta, gamma, delta)
            })?))
        }

        #[doc = " Fits; returns `this`."]
        #[napi(ts_return_type = "this")]
        pub fn fit<'e>(
            &self,
            this: This<'e>,
            frequency: Numbers,
            recency: Numbers,
            n_periods: Numbers,
            weights_: Option<Numbers>,
        ) -> Result<Object<'e>> {
            let p = self.params.clone();
            let (f, r, n) = (values(frequency), values(recency), values(n_periods));
            let w = weights(weights_, f.len());
            store(&self.fitted, run(|| p.fit_columns(&f, &r, &n, &w))?);
            Ok(this.object)
        }

        #[doc = " Async twin of `fit`; resolves with `this`."]
        #[napi(ts_return_type = "Promise<this>")]
        pub fn fit_async(
            &self,
            this: This,
            frequency: Numbers,
            recency: Numbers,
            n_periods: Numbers,
            weights_: Option<Numbers>,
        ) -> Result<AsyncTask<FitJob<Bgbb>>> {
            let p = self.params.clone();
            let (f, r, n) = (values(frequency), values(recency), values(n_periods));
            let w = weights(weights_, f.len());
            let work: Work<Bgbb> = Box::new(move || p.fit_columns(&f, &r, &n, &w));
            self.fit_job(&this.object, work)
        }
    }
    mid {
        #[doc = " Fitted parameters `{ alpha, beta, gamma, delta }`."]
        #[napi(getter, ts_return_type = "Record<string, number>")]
        pub fn params(&self) -> Result<std::collections::HashMap<String, f64>> {
            let m = self.model()?;
            Ok(params_map(&[
                ("alpha", m.alpha),
                ("beta", m.beta),
                ("gamma", m.gamma),
                ("delta", m.delta),
            ]))
        }
    }
    tail {
        #[doc = " Probability of being alive at period `n + mPeriods`."]
        #[napi]
        pub fn p_alive(
            &self,
            frequency: Numbers,
            recency: Numbers,
            n_periods: Numbers,
            m_periods: Option<u32>,
        ) -> Result<Float64Array> {
            let m = self.model()?;
            let (f, r, n) = (values(frequency), values(recency), values(n_periods));
            Ok(Float64Array::new(run(|| {
                m.p_alive(&f, &r, &n, m_periods.unwrap_or(0))
            })?))
        }

        #[doc = " Expected purchases in the next `mPeriods` periods."]
        #[napi]
        pub fn conditional_expected_purchases(
            &self,
            m_periods: u32,
            frequency: Numbers,
            recency: Numbers,
            n_periods: Numbers,
        ) -> Result<Float64Array> {
            let m = self.model()?;
            let (f, r, n) = (values(frequency), values(recency), values(n_periods));
            Ok(Float64Array::new(run(|| {
                m.conditional_expected_purchases(m_periods, &f, &r, &n)
            })?))
        }

        #[doc = " Expected purchases of a new customer in the first `n` periods, for each `n`."]
        #[napi]
        pub fn expected_purchases(&self, n: Vec<u32>) -> Result<Float64Array> {
            let m = self.model()?;
            Ok(Float64Array::new(run(|| m.expected_purchases(&n))?))
        }
    }
}

type Bgbb = core::BetaGeoBetaBinom;

fn weights(w: Option<Numbers>, n: usize) -> Vec<f64> {
    w.map(values).unwrap_or_else(|| vec![1.0; n])
}

/// Calibration-period summary and holdout-period outcomes of every customer who bought
/// before the calibration end (lifetimes' `calibration_and_holdout_data`).
#[napi(object)]
pub struct CalibrationHoldout {
    /// Customer id of each row.
    pub customer_ids: Vec<String>,
    /// Calibration repeat purchases.
    pub frequency: Float64Array,
    /// Calibration recency.
    pub recency: Float64Array,
    /// Calibration age.
    #[napi(js_name = "T")]
    pub t: Float64Array,
    /// Calibration mean repeat spend.
    pub monetary: Float64Array,
    /// Purchase occasions in the holdout period.
    pub frequency_holdout: Float64Array,
    /// Mean spend per holdout occasion (0 without one).
    pub monetary_holdout: Float64Array,
    /// Holdout length in the unit.
    pub duration_holdout: f64,
    /// Time unit.
    pub unit: String,
}

type HoldoutOut = (
    core::from_logs::CalibrationHoldout,
    std::sync::Arc<segcore::data::Logs>,
);

struct HoldoutIn {
    logs: crate::data::LogsInput,
    cal: i64,
    obs: i64,
    unit: TimeUnit,
}

fn holdout_in(
    logs: Either<
        napi::bindgen_prelude::ClassInstance<crate::data::Logs>,
        napi::bindgen_prelude::Unknown,
    >,
    calibration_end: napi::bindgen_prelude::Unknown,
    observation_end: napi::bindgen_prelude::Unknown,
    unit: Option<String>,
) -> Result<HoldoutIn> {
    let unit = match unit {
        None => TimeUnit::Days,
        Some(u) => run(|| TimeUnit::parse(&u))?,
    };
    Ok(HoldoutIn {
        logs: crate::data::LogsInput::read(logs, None)?,
        cal: crate::convert::time_seconds(&calibration_end, "calibrationEnd")?,
        obs: crate::convert::time_seconds(&observation_end, "observationEnd")?,
        unit,
    })
}

fn holdout_run(i: HoldoutIn) -> segcore::Result<HoldoutOut> {
    let logs = i.logs.build()?;
    let ch = core::from_logs::calibration_and_holdout(logs.transactions(), i.cal, i.obs, i.unit)?;
    Ok((ch, logs))
}

fn holdout_finish(o: HoldoutOut) -> Result<CalibrationHoldout> {
    let (ch, logs) = o;
    let c = logs.customers();
    Ok(CalibrationHoldout {
        customer_ids: ch.customers.iter().map(|&k| c.label(k)).collect(),
        frequency: Float64Array::new(ch.calibration.frequency.clone()),
        recency: Float64Array::new(ch.calibration.recency.clone()),
        t: Float64Array::new(ch.calibration.t.clone()),
        monetary: Float64Array::new(ch.calibration.monetary.clone()),
        frequency_holdout: Float64Array::new(ch.frequency_holdout),
        monetary_holdout: Float64Array::new(ch.monetary_holdout),
        duration_holdout: ch.duration_holdout,
        unit: ch.calibration.unit.to_string(),
    })
}

/// Splits transactions at `calibrationEnd`: the RFM summary up to it and what each customer
/// did until `observationEnd` (times as `Date`, epoch ms or text; `unit` days by default).
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, calibrationEnd: Date | number | string, observationEnd: Date | number | string, unit?: 'days' | 'weeks' | 'months'"
)]
pub fn calibration_and_holdout(
    logs: Either<
        napi::bindgen_prelude::ClassInstance<crate::data::Logs>,
        napi::bindgen_prelude::Unknown,
    >,
    calibration_end: napi::bindgen_prelude::Unknown,
    observation_end: napi::bindgen_prelude::Unknown,
    unit: Option<String>,
) -> Result<CalibrationHoldout> {
    let i = holdout_in(logs, calibration_end, observation_end, unit)?;
    holdout_finish(run(|| holdout_run(i))?)
}

/// Async twin of `calibrationAndHoldout`.
#[napi(
    ts_args_type = "logs: Logs | TransactionRow[] | TransactionColumns, calibrationEnd: Date | number | string, observationEnd: Date | number | string, unit?: 'days' | 'weeks' | 'months'",
    ts_return_type = "Promise<CalibrationHoldout>"
)]
pub fn calibration_and_holdout_async(
    logs: Either<
        napi::bindgen_prelude::ClassInstance<crate::data::Logs>,
        napi::bindgen_prelude::Unknown,
    >,
    calibration_end: napi::bindgen_prelude::Unknown,
    observation_end: napi::bindgen_prelude::Unknown,
    unit: Option<String>,
) -> Result<AsyncTask<crate::task::Job<HoldoutOut, CalibrationHoldout>>> {
    let i = holdout_in(logs, calibration_end, observation_end, unit)?;
    let work: Work<HoldoutOut> = Box::new(move || holdout_run(i));
    Ok(AsyncTask::new(crate::task::Job::new(work, holdout_finish)))
}
