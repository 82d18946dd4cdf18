//! Customer lifetime value: RFM summaries and the BTYD models (`segcore::clv`).
//!
//! Each fitted core model is wrapped as-is (`_BetaGeo`, `_ModifiedBetaGeo`, `_ParetoNbd`,
//! `_BetaGeoBetaBinom`, `_GammaGamma`); the Python classes in `segcore.clv` add the
//! scikit-learn manners on top.

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use segcore::clv::from_logs::{calibration_and_holdout, rfm_summary};
use segcore::clv::value::{customer_lifetime_value, month_in, DiscountConvention};
use segcore::clv::{
    BetaGeo, BetaGeoBetaBinom, FitReport, GammaGamma, ModifiedBetaGeo, OptimSettings, ParetoNbd,
    RfmSummary, TransactionModel, WeightedSummary,
};
use segcore::data::TimeUnit;
use segcore::model::{from_json, to_json};

use crate::data::{ids_to_py_index, PyLogs};
use crate::error::{param_error, PyResultExt};

/// A float64 column: a numpy array (fast path) or any sequence of numbers.
pub fn vec_f64(obj: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    if let Ok(a) = obj.extract::<PyReadonlyArray1<'_, f64>>() {
        return Ok(a.as_array().to_vec());
    }
    obj.extract::<Vec<f64>>()
}

fn settings(l2: f64, max_iter: usize, tol: f64) -> OptimSettings {
    OptimSettings { max_iter, tol, l2 }
}

fn report_dict<'py>(py: Python<'py>, r: &FitReport) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("iterations", r.iterations)?;
    d.set_item("grad_norm", r.grad_norm)?;
    d.set_item("converged", r.converged)?;
    d.set_item("message", &r.message)?;
    Ok(d)
}

/// A dict of named parameter values, in the order given.
fn params_dict<'py>(py: Python<'py>, items: &[(&str, f64)]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for &(name, value) in items {
        d.set_item(name, value)?;
    }
    Ok(d)
}

/// Converts three per-customer columns and applies `f` to them without the GIL.
fn per_customer<'py, F>(
    py: Python<'py>,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    c: &Bound<'py, PyAny>,
    f: F,
) -> PyResult<Bound<'py, PyArray1<f64>>>
where
    F: FnOnce(&[f64], &[f64], &[f64]) -> segcore::Result<Vec<f64>> + Send,
{
    let (a, b, c) = (vec_f64(a)?, vec_f64(b)?, vec_f64(c)?);
    Ok(arr(py, py.detach(|| f(&a, &b, &c)).py()?))
}

fn arr(py: Python<'_>, v: Vec<f64>) -> Bound<'_, PyArray1<f64>> {
    PyArray1::from_vec(py, v)
}

fn convention(name: &str) -> PyResult<DiscountConvention> {
    match name.to_ascii_lowercase().as_str() {
        "lifetimes" | "monthly" | "lifetimes_monthly" => Ok(DiscountConvention::LifetimesMonthly),
        "continuous" => Ok(DiscountConvention::Continuous),
        other => Err(param_error(
            "discount",
            format!("unknown discount convention `{other}` (use lifetimes or continuous)"),
        )),
    }
}

fn n_purchases(n: i64) -> PyResult<u32> {
    u32::try_from(n).map_err(|_| param_error("n", format!("must be an integer >= 0, got {n}")))
}

/// A `#[pyclass]` wrapping a fitted core model: `$methods`, then the methods every fitted
/// model has (`from_json`, `to_json`, `log_likelihood`, `report`).
macro_rules! model_class {
    (
        doc: [$($doc:tt)+],
        $py_name:ident, $name:literal, $model:ident,
        { $($methods:tt)* }
    ) => {
        #[doc = $($doc)+]
        #[pyclass(name = $name, module = "segcore._segcore", frozen)]
        pub struct $py_name {
            /// The core model.
            pub inner: $model,
        }

        #[pymethods]
        impl $py_name {
            $($methods)*

            /// Reads a segcore model file (JSON string).
            #[staticmethod]
            fn from_json(s: &str) -> PyResult<Self> {
                Ok(Self {
                    inner: from_json::<$model>(s).py()?,
                })
            }

            /// Writes the model as a segcore model file (JSON string).
            fn to_json(&self) -> PyResult<String> {
                to_json(&self.inner).py()
            }

            /// Log-likelihood at the fitted parameters.
            #[getter]
            fn log_likelihood(&self) -> f64 {
                self.inner.log_likelihood
            }

            /// How the optimisation ended.
            #[getter]
            fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                report_dict(py, &self.inner.report)
            }
        }
    };
}

/// The wrapper of a continuous-time purchase model (BG/NBD, MBG/NBD, Pareto/NBD).
macro_rules! transaction_model {
    ($py_name:ident, $name:literal, $model:ident, [$p0:ident, $p1:ident, $p2:ident, $p3:ident]) => {
        model_class! {
            doc: [concat!("A fitted `", stringify!($model), "` model.")],
            $py_name, $name, $model,
            {
                /// Fits by maximum likelihood; `weights` counts identical customers.
                #[staticmethod]
                #[pyo3(signature = (frequency, recency, t, weights=None, unit="D", l2=0.0, max_iter=500, tol=1e-8, initial=None))]
                #[allow(clippy::too_many_arguments)]
                fn fit(
                    py: Python<'_>,
                    frequency: &Bound<'_, PyAny>,
                    recency: &Bound<'_, PyAny>,
                    t: &Bound<'_, PyAny>,
                    weights: Option<&Bound<'_, PyAny>>,
                    unit: &str,
                    l2: f64,
                    max_iter: usize,
                    tol: f64,
                    initial: Option<[f64; 4]>,
                ) -> PyResult<Self> {
                    let unit = TimeUnit::parse(unit).py()?;
                    let (x, tx, tt) = (vec_f64(frequency)?, vec_f64(recency)?, vec_f64(t)?);
                    let w = weights.map(vec_f64).transpose()?;
                    let mut params = $model::params();
                    params.settings = settings(l2, max_iter, tol);
                    params.initial = initial;
                    let inner = py
                        .detach(move || match w {
                            Some(w) => params.fit_weighted(&WeightedSummary::new(x, tx, tt, w, unit)?),
                            None => {
                                let n = x.len();
                                params.fit(&RfmSummary::new(x, tx, tt, vec![0.0; n], unit)?)
                            }
                        })
                        .py()?;
                    Ok(Self { inner })
                }

                /// A model with the given parameters.
                #[staticmethod]
                #[pyo3(signature = ($p0, $p1, $p2, $p3, unit="D"))]
                fn from_params($p0: f64, $p1: f64, $p2: f64, $p3: f64, unit: &str) -> PyResult<Self> {
                    let unit = TimeUnit::parse(unit).py()?;
                    Ok(Self {
                        inner: $model::from_params($p0, $p1, $p2, $p3, unit).py()?,
                    })
                }

                /// Fitted parameters by name.
                #[getter]
                fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                    let m = &self.inner;
                    params_dict(py, &[
                        (stringify!($p0), m.$p0),
                        (stringify!($p1), m.$p1),
                        (stringify!($p2), m.$p2),
                        (stringify!($p3), m.$p3),
                    ])
                }

                /// Standard errors of the parameters (same order as `params`), if available.
                #[getter]
                fn standard_errors(&self) -> Option<Vec<f64>> {
                    self.inner.standard_errors.clone()
                }

                /// Time unit of the model ("days", "weeks", "months").
                #[getter]
                fn unit(&self) -> String {
                    self.inner.unit.to_string()
                }

                /// Expected purchases of a new customer in `(0, t]`, for each `t`.
                fn expected_purchases<'py>(
                    &self,
                    py: Python<'py>,
                    t: &Bound<'py, PyAny>,
                ) -> PyResult<Bound<'py, PyArray1<f64>>> {
                    let t = vec_f64(t)?;
                    let m = &self.inner;
                    Ok(arr(py, py.detach(|| m.expected_purchases(&t)).py()?))
                }

                /// Expected purchases in the next `t` periods of customers (frequency, recency, T).
                fn conditional_expected_purchases<'py>(
                    &self,
                    py: Python<'py>,
                    t: f64,
                    frequency: &Bound<'py, PyAny>,
                    recency: &Bound<'py, PyAny>,
                    big_t: &Bound<'py, PyAny>,
                ) -> PyResult<Bound<'py, PyArray1<f64>>> {
                    let m = &self.inner;
                    per_customer(py, frequency, recency, big_t, |x, tx, tt| {
                        m.conditional_expected_purchases(t, x, tx, tt)
                    })
                }

                /// Probability that each customer is still alive.
                fn p_alive<'py>(
                    &self,
                    py: Python<'py>,
                    frequency: &Bound<'py, PyAny>,
                    recency: &Bound<'py, PyAny>,
                    big_t: &Bound<'py, PyAny>,
                ) -> PyResult<Bound<'py, PyArray1<f64>>> {
                    let m = &self.inner;
                    per_customer(py, frequency, recency, big_t, |x, tx, tt| m.p_alive(x, tx, tt))
                }

                /// P(N(t) = n) for a new customer, for each `t`.
                fn probability_of_n_purchases<'py>(
                    &self,
                    py: Python<'py>,
                    t: &Bound<'py, PyAny>,
                    n: i64,
                ) -> PyResult<Bound<'py, PyArray1<f64>>> {
                    let (t, n) = (vec_f64(t)?, n_purchases(n)?);
                    let m = &self.inner;
                    Ok(arr(
                        py,
                        py.detach(|| m.probability_of_n_purchases(&t, n)).py()?,
                    ))
                }

                /// Expected time to the next purchase of each customer.
                fn expected_time_to_next_purchase<'py>(
                    &self,
                    py: Python<'py>,
                    frequency: &Bound<'py, PyAny>,
                    recency: &Bound<'py, PyAny>,
                    big_t: &Bound<'py, PyAny>,
                ) -> PyResult<Bound<'py, PyArray1<f64>>> {
                    let m = &self.inner;
                    per_customer(py, frequency, recency, big_t, |x, tx, tt| {
                        m.expected_time_to_next_purchase(x, tx, tt)
                    })
                }

                /// Discounted customer lifetime value with a Gamma-Gamma spend model. With the
                /// `lifetimes` convention `time` is in months (as lifetimes); with `continuous` it
                /// is in model units.
                #[pyo3(signature = (gamma_gamma, frequency, recency, big_t, monetary_value, time=12.0, discount_rate=0.01, discount="lifetimes"))]
                #[allow(clippy::too_many_arguments)]
                fn customer_lifetime_value<'py>(
                    &self,
                    py: Python<'py>,
                    gamma_gamma: PyRef<'py, PyGammaGamma>,
                    frequency: &Bound<'py, PyAny>,
                    recency: &Bound<'py, PyAny>,
                    big_t: &Bound<'py, PyAny>,
                    monetary_value: &Bound<'py, PyAny>,
                    time: f64,
                    discount_rate: f64,
                    discount: &str,
                ) -> PyResult<Bound<'py, PyArray1<f64>>> {
                    let conv = convention(discount)?;
                    let (x, tx, tt) = (vec_f64(frequency)?, vec_f64(recency)?, vec_f64(big_t)?);
                    let mv = vec_f64(monetary_value)?;
                    let (m, gg) = (&self.inner, &gamma_gamma.inner);
                    // lifetimes' `time` is in months; the core's horizon is in model units
                    let time = match conv {
                        DiscountConvention::LifetimesMonthly => time * month_in(m.unit),
                        DiscountConvention::Continuous => time,
                    };
                    let v = py
                        .detach(|| {
                            customer_lifetime_value(m, gg, &x, &tx, &tt, &mv, time, discount_rate, conv)
                        })
                        .py()?;
                    Ok(arr(py, v))
                }
            }
        }
    };
}

transaction_model!(PyBetaGeo, "_BetaGeo", BetaGeo, [r, alpha, a, b]);
transaction_model!(
    PyModifiedBetaGeo,
    "_ModifiedBetaGeo",
    ModifiedBetaGeo,
    [r, alpha, a, b]
);
transaction_model!(PyParetoNbd, "_ParetoNbd", ParetoNbd, [r, alpha, s, beta]);

model_class! {
    doc: ["A fitted Gamma-Gamma spend model."],
    PyGammaGamma, "_GammaGamma", GammaGamma,
    {
        /// Fits on repeat customers' frequency and mean repeat spend.
        #[staticmethod]
        #[pyo3(signature = (frequency, monetary_value, l2=0.0, max_iter=500, tol=1e-8, initial=None))]
        fn fit(
            py: Python<'_>,
            frequency: &Bound<'_, PyAny>,
            monetary_value: &Bound<'_, PyAny>,
            l2: f64,
            max_iter: usize,
            tol: f64,
            initial: Option<[f64; 3]>,
        ) -> PyResult<Self> {
            let (x, m) = (vec_f64(frequency)?, vec_f64(monetary_value)?);
            let mut params = GammaGamma::params();
            params.settings = settings(l2, max_iter, tol);
            params.initial = initial;
            let inner = py.detach(move || params.fit_spend(&x, &m)).py()?;
            Ok(Self { inner })
        }

        /// A model with the given parameters.
        #[staticmethod]
        fn from_params(p: f64, q: f64, v: f64) -> PyResult<Self> {
            Ok(Self {
                inner: GammaGamma::from_params(p, q, v).py()?,
            })
        }

        /// Fitted parameters `p`, `q`, `v` (lifetimes' names; `v` is segcore's `gamma`).
        #[getter]
        fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
            let m = &self.inner;
            params_dict(py, &[("p", m.p), ("q", m.q), ("v", m.gamma)])
        }

        /// Standard errors of `p`, `q`, `v`, if available.
        #[getter]
        fn standard_errors(&self) -> Option<Vec<f64>> {
            self.inner.standard_errors.clone()
        }

        /// Mean spend of the population, `p v / (q - 1)`.
        fn population_mean_spend(&self) -> PyResult<f64> {
            self.inner.population_mean_spend().py()
        }

        /// Expected mean spend per transaction of each customer.
        fn conditional_expected_average_profit<'py>(
            &self,
            py: Python<'py>,
            frequency: &Bound<'py, PyAny>,
            monetary_value: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyArray1<f64>>> {
            let (x, m) = (vec_f64(frequency)?, vec_f64(monetary_value)?);
            let g = &self.inner;
            Ok(arr(
                py,
                py.detach(|| g.conditional_expected_average_profit(&x, &m))
                    .py()?,
            ))
        }
    }
}

model_class! {
    doc: ["A fitted BG/BB model (discrete time)."],
    PyBetaGeoBetaBinom, "_BetaGeoBetaBinom", BetaGeoBetaBinom,
    {
        /// Fits on (frequency, recency, n_periods) with weights (number of customers per row).
        #[staticmethod]
        #[pyo3(signature = (frequency, recency, n_periods, weights=None, l2=0.0, max_iter=500, tol=1e-8, initial=None))]
        #[allow(clippy::too_many_arguments)]
        fn fit(
            py: Python<'_>,
            frequency: &Bound<'_, PyAny>,
            recency: &Bound<'_, PyAny>,
            n_periods: &Bound<'_, PyAny>,
            weights: Option<&Bound<'_, PyAny>>,
            l2: f64,
            max_iter: usize,
            tol: f64,
            initial: Option<[f64; 4]>,
        ) -> PyResult<Self> {
            let (x, tx, n) = (vec_f64(frequency)?, vec_f64(recency)?, vec_f64(n_periods)?);
            let w = match weights {
                Some(w) => vec_f64(w)?,
                None => vec![1.0; x.len()],
            };
            let mut params = BetaGeoBetaBinom::params();
            params.settings = settings(l2, max_iter, tol);
            params.initial = initial;
            let inner = py
                .detach(move || params.fit_columns(&x, &tx, &n, &w))
                .py()?;
            Ok(Self { inner })
        }

        /// A model with the given parameters.
        #[staticmethod]
        fn from_params(alpha: f64, beta: f64, gamma: f64, delta: f64) -> PyResult<Self> {
            Ok(Self {
                inner: BetaGeoBetaBinom::from_params(alpha, beta, gamma, delta).py()?,
            })
        }

        /// Fitted parameters.
        #[getter]
        fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
            let m = &self.inner;
            params_dict(
                py,
                &[("alpha", m.alpha), ("beta", m.beta), ("gamma", m.gamma), ("delta", m.delta)],
            )
        }

        /// Standard errors, if available.
        #[getter]
        fn standard_errors(&self) -> Option<Vec<f64>> {
            self.inner.standard_errors.clone()
        }

        /// Expected purchases in the next `m_periods` opportunities.
        fn conditional_expected_purchases<'py>(
            &self,
            py: Python<'py>,
            m_periods: i64,
            frequency: &Bound<'py, PyAny>,
            recency: &Bound<'py, PyAny>,
            n_periods: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyArray1<f64>>> {
            let m = u32::try_from(m_periods)
                .map_err(|_| param_error("m_periods", "must be an integer >= 0"))?;
            let g = &self.inner;
            per_customer(py, frequency, recency, n_periods, |x, tx, n| {
                g.conditional_expected_purchases(m, x, tx, n)
            })
        }

        /// Probability of being alive `m_periods` after the observation period.
        #[pyo3(signature = (frequency, recency, n_periods, m_periods=0))]
        fn p_alive<'py>(
            &self,
            py: Python<'py>,
            frequency: &Bound<'py, PyAny>,
            recency: &Bound<'py, PyAny>,
            n_periods: &Bound<'py, PyAny>,
            m_periods: i64,
        ) -> PyResult<Bound<'py, PyArray1<f64>>> {
            let m = u32::try_from(m_periods)
                .map_err(|_| param_error("m_periods", "must be an integer >= 0"))?;
            let g = &self.inner;
            per_customer(py, frequency, recency, n_periods, |x, tx, n| {
                g.p_alive(x, tx, n, m)
            })
        }

        /// Expected purchases of a new customer in the first `n` opportunities, for each `n`.
        fn expected_purchases<'py>(
            &self,
            py: Python<'py>,
            n: Vec<i64>,
        ) -> PyResult<Bound<'py, PyArray1<f64>>> {
            let n = n
                .into_iter()
                .map(n_purchases)
                .collect::<PyResult<Vec<u32>>>()?;
            let g = &self.inner;
            Ok(arr(py, py.detach(|| g.expected_purchases(&n)).py()?))
        }
    }
}

/// The RFM summary of the logs' transactions (lifetimes' names), optionally with a holdout.
///
/// Returns a dict with `customer_ids` (the summarised customers), `frequency`, `recency`,
/// `T`, `monetary_value`, and with `calibration_end` also `frequency_holdout`,
/// `monetary_value_holdout`, `duration_holdout`.
#[pyfunction]
#[pyo3(signature = (logs, observation_end, calibration_end=None, unit="D"))]
pub fn _rfm_summary<'py>(
    py: Python<'py>,
    logs: &PyLogs,
    observation_end: i64,
    calibration_end: Option<i64>,
    unit: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let unit = TimeUnit::parse(unit).py()?;
    let inner = logs.inner.clone();
    let tx = inner.transactions();
    let d = PyDict::new(py);
    let (customers, s) = match calibration_end {
        None => {
            let r = py.detach(|| rfm_summary(tx, observation_end, unit)).py()?;
            (r.customers, r.summary)
        }
        Some(cal) => {
            let r = py
                .detach(|| calibration_and_holdout(tx, cal, observation_end, unit))
                .py()?;
            d.set_item("frequency_holdout", arr(py, r.frequency_holdout))?;
            d.set_item("monetary_value_holdout", arr(py, r.monetary_holdout))?;
            d.set_item("duration_holdout", r.duration_holdout)?;
            (r.customers, r.calibration)
        }
    };
    let codes: Vec<i64> = customers.iter().map(|&c| c as i64).collect();
    d.set_item("customer_ids", ids_to_py_index(py, tx.customers())?)?;
    d.set_item("codes", PyArray1::from_vec(py, codes))?;
    d.set_item("frequency", arr(py, s.frequency))?;
    d.set_item("recency", arr(py, s.recency))?;
    d.set_item("T", arr(py, s.t))?;
    d.set_item("monetary_value", arr(py, s.monetary))?;
    d.set_item("unit", s.unit.to_string())?;
    Ok(d)
}

/// The latest transaction time of the logs (UTC seconds).
#[pyfunction]
pub fn _latest_transaction(logs: &PyLogs) -> Option<i64> {
    logs.inner.transactions().timestamp().iter().copied().max()
}
