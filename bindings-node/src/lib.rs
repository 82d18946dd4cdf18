//! Node bindings for segcore: thin napi-rs wrappers, one file per core module.
//!
//! Conversion and error mapping only; all computation is in the core. Every error is a
//! JavaScript `Error` with a stable `code` (see [`error`]); no panic crosses the boundary.
//! Calls that can take more than a few milliseconds have an `...Async` twin that runs on the
//! libuv thread pool and returns a `Promise`.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// napi registers exports only outside `cfg(test)`, so the unit-test build sees them as unused.
#![cfg_attr(test, allow(dead_code))]

mod analytics;
mod churn;
mod cluster;
mod clv;
mod control;
mod convert;
mod csv;
mod data;
mod datasets;
mod dynamic;
mod error;
mod features;
mod model;
mod pipeline;
mod task;

// After `pipeline`: its `#[napi] impl Segmenter` needs the class to be parsed first.
mod live;

use napi_derive::napi;

/// The segcore version.
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
