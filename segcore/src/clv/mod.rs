//! Customer lifetime value: buy-till-you-die models (BG/NBD, MBG/NBD, Pareto/NBD, BG/BB,
//! Gamma-Gamma), their summaries and discounted value.
//!
//! Fit a purchase model on an [`RfmSummary`] (one row per customer: repeat purchases `x`,
//! recency `t_x`, age `T`, mean repeat spend), then score customers:
//!
//! ```
//! use segcore::clv::{BetaGeo, RfmSummary, TransactionModel};
//! use segcore::data::TimeUnit;
//! let s = RfmSummary::new(vec![0.0, 1.0, 4.0, 2.0, 0.0, 7.0], vec![0.0, 3.0, 20.0, 9.0, 0.0, 30.0],
//!                         vec![30.0, 25.0, 31.0, 33.0, 20.0, 32.0], vec![0.0; 6], TimeUnit::Weeks).unwrap();
//! let model = BetaGeo::params().fit(&s).unwrap();
//! let p = model.p_alive_for(&s).unwrap();
//! assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
//! ```

/// Generates the builder of a maximum-likelihood model: the struct (optimiser settings and
/// optional starting values, `$initial` documenting them) and its chained setters.
macro_rules! mle_params {
    (
        $(#[doc = $doc:literal])*
        $params:ident for $model:ident, $n:literal, $example:literal, initial: $initial:literal
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $params {
            /// Optimiser settings (penalty, iterations, tolerance).
            pub settings: super::optim::OptimSettings,
            #[doc = $initial]
            pub initial: Option<[f64; $n]>,
        }

        impl $params {
            #[doc = concat!("Sets the L2 penalty on the natural-scale parameters.\n\n```\nlet p = segcore::clv::",
                stringify!($model), "::params().l2(0.5);\nassert_eq!(p.settings.l2, 0.5);\n```")]
            pub fn l2(mut self, l2: f64) -> Self {
                self.settings.l2 = l2;
                self
            }

            #[doc = concat!("Sets the maximum number of iterations.\n\n```\nlet p = segcore::clv::",
                stringify!($model), "::params().max_iter(9);\nassert_eq!(p.settings.max_iter, 9);\n```")]
            pub fn max_iter(mut self, n: usize) -> Self {
                self.settings.max_iter = n;
                self
            }

            #[doc = concat!("Sets the gradient tolerance.\n\n```\nlet p = segcore::clv::",
                stringify!($model), "::params().tol(1e-6);\nassert_eq!(p.settings.tol, 1e-6);\n```")]
            pub fn tol(mut self, tol: f64) -> Self {
                self.settings.tol = tol;
                self
            }

            #[doc = concat!("Sets the starting values (natural scale, all > 0).\n\n```\nlet p = segcore::clv::",
                stringify!($model), "::params().initial(", $example, ");\nassert!(p.initial.is_some());\n```")]
            pub fn initial(mut self, v: [f64; $n]) -> Self {
                self.initial = Some(v);
                self
            }
        }
    };
}

/// Generates what every fitted model has besides its formulas: its [`ModelKind`](crate::model::ModelKind),
/// `params()`, `from_params` (every parameter finite and > 0; `$bad` is a doc example that
/// fails) and `from_fit`, the model of an optimiser result. `$unit` names the time-unit
/// field of the continuous-time models.
macro_rules! fitted_model {
    ($model:ident, $params:ident, [$($p:ident),+], $bad:literal $(, $unit:ident)?) => {
        impl crate::model::ModelKind for $model {
            const KIND: &'static str = stringify!($model);
            $(fn time_unit(&self) -> Option<String> {
                Some(self.$unit.to_string())
            })?
        }

        impl $model {
            #[doc = concat!("A builder with default settings.\n\n```\nlet p = segcore::clv::",
                stringify!($model), "::params();\nassert_eq!((p.settings.max_iter, p.initial), (500, None));\n```")]
            pub fn params() -> $params {
                $params::default()
            }

            #[doc = concat!("A model with given parameters (all finite and > 0).\n\n```\n",
                "# use segcore::data::TimeUnit;\nassert!(segcore::clv::", stringify!($model),
                "::from_params(", $bad, ").is_err());\n```")]
            pub fn from_params($($p: f64),+ $(, $unit: crate::data::TimeUnit)?) -> Result<Self> {
                super::beta_geo::check_positive(&[$(stringify!($p)),+], &[$($p),+])?;
                Ok($model {
                    $($p,)+
                    $($unit,)?
                    log_likelihood: 0.0,
                    standard_errors: None,
                    report: super::beta_geo::unfitted_report(),
                })
            }

            /// The model at the optimum of a fit.
            pub(crate) fn from_fit(
                fit: super::optim::MleFit
                $(, $unit: crate::data::TimeUnit)?
            ) -> Result<Self> {
                let &[$($p),+] = fit.params.as_slice() else {
                    return Err(SegError::Numerical {
                        context: concat!(stringify!($model), " fit").into(),
                        reason: format!("{} parameters from the optimiser", fit.params.len()),
                    });
                };
                Ok($model {
                    $($p,)+
                    $($unit,)?
                    log_likelihood: fit.log_likelihood,
                    standard_errors: fit.standard_errors,
                    report: fit.report,
                })
            }
        }
    };
}

pub mod beta_geo;
pub mod beta_geo_beta_binom;
pub mod from_logs;
pub mod gamma_gamma;
pub mod modified_beta_geo;
pub mod optim;
pub mod pareto_nbd;
pub mod simulate;
pub mod special;
pub mod summary;
pub mod transaction;
pub mod value;

pub use beta_geo::{BetaGeo, BetaGeoParams};
pub use beta_geo_beta_binom::{BetaGeoBetaBinom, BetaGeoBetaBinomParams};
pub use gamma_gamma::{GammaGamma, GammaGammaParams};
pub use modified_beta_geo::{ModifiedBetaGeo, ModifiedBetaGeoParams};
pub use optim::{FitReport, LogLikStats, OptimSettings};
pub use pareto_nbd::{ParetoNbd, ParetoNbdParams};
pub use summary::{RfmSummary, SummaryBatch, WeightedSummary};
pub use transaction::TransactionModel;
pub use value::{DiscountConvention, customer_lifetime_value, customer_lifetime_value_for};
