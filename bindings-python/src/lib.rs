//! Python bindings for segcore (module `segcore._segcore`).
//!
//! Thin wrappers only: conversion between Python objects and the core's types, error mapping
//! ([`error`]) and releasing the GIL around heavy work. All logic lives in the `segcore`
//! crate; the pure-Python package `segcore` (python/segcore) adds DataFrame handling and the
//! scikit-learn protocol on top.
#![forbid(unsafe_code)]

use pyo3::prelude::*;

pub mod data;
pub mod datasets;
pub mod error;
pub mod features;

/// The native module.
#[pymodule]
fn _segcore(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    error::register(m)?;
    m.add_function(wrap_pyfunction!(error::_invalid_value, m)?)?;
    m.add_function(wrap_pyfunction!(error::_invalid_parameter, m)?)?;
    m.add_function(wrap_pyfunction!(error::_length_mismatch, m)?)?;
    m.add_class::<data::PyLogs>()?;
    m.add_function(wrap_pyfunction!(data::_build_logs, m)?)?;
    m.add_function(wrap_pyfunction!(data::_parse_time, m)?)?;
    m.add_function(wrap_pyfunction!(datasets::_cdnow_master, m)?)?;
    m.add_function(wrap_pyfunction!(datasets::_cdnow_sample, m)?)?;
    m.add_function(wrap_pyfunction!(datasets::_cdnow_summary, m)?)?;
    m.add_function(wrap_pyfunction!(datasets::_donations, m)?)?;
    m.add_function(wrap_pyfunction!(datasets::_synthetic_shop, m)?)?;
    m.add_function(wrap_pyfunction!(features::_features, m)?)?;
    m.add_function(wrap_pyfunction!(features::_default_as_of, m)?)?;
    Ok(())
}
