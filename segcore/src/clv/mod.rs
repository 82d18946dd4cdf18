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

pub mod beta_geo;
pub mod optim;
pub mod special;
pub mod summary;
pub mod transaction;

pub use beta_geo::{BetaGeo, BetaGeoParams};
pub use optim::{FitReport, LogLikStats, OptimSettings};
pub use summary::{RfmSummary, SummaryBatch, WeightedSummary};
pub use transaction::TransactionModel;
