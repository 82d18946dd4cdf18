//! # segcore
//!
//! Behavioural segmentation for e-commerce: a shop's logs in, what a retention team acts on
//! out — behavioural features, segments, customer lifetime value and churn risk.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod analytics;
pub mod churn;
pub mod cluster;
pub mod clv;
pub mod data;
pub mod dynamic;
pub mod error;
pub mod features;
pub mod model;
pub mod pipeline;
pub mod progress;
pub mod report;

pub use error::{Result, SegError};
