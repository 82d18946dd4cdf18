//! Python bindings for segcore (module `segcore._segcore`).
//!
//! Thin wrappers only: conversion between Python objects and the core's types, error mapping
//! ([`error`]) and releasing the GIL around heavy work. All logic lives in the `segcore`
//! crate; the pure-Python package `segcore` (python/segcore) adds DataFrame handling and the
//! scikit-learn protocol on top.
#![forbid(unsafe_code)]

use pyo3::prelude::*;

pub mod analytics;
pub mod churn;
pub mod churn_data;
pub mod cluster;
pub mod clv;
pub mod csv;
pub mod data;
pub mod datasets;
pub mod error;
pub mod features;
pub mod monitor;
pub mod pipeline;

/// The native module.
#[pymodule]
fn _segcore(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    error::register(m)?;
    m.add_function(wrap_pyfunction!(error::_invalid_value, m)?)?;
    m.add_function(wrap_pyfunction!(error::_invalid_parameter, m)?)?;
    m.add_function(wrap_pyfunction!(error::_length_mismatch, m)?)?;
    m.add_function(wrap_pyfunction!(error::_model_file_error, m)?)?;
    m.add_function(wrap_pyfunction!(error::_io_error, m)?)?;
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
    m.add_class::<clv::PyBetaGeo>()?;
    m.add_class::<clv::PyModifiedBetaGeo>()?;
    m.add_class::<clv::PyParetoNbd>()?;
    m.add_class::<clv::PyGammaGamma>()?;
    m.add_class::<clv::PyBetaGeoBetaBinom>()?;
    m.add_function(wrap_pyfunction!(clv::_rfm_summary, m)?)?;
    m.add_function(wrap_pyfunction!(clv::_latest_transaction, m)?)?;
    m.add_class::<cluster::PyKMeans>()?;
    m.add_class::<cluster::PyMiniBatchKMeans>()?;
    m.add_class::<cluster::PyGaussianMixture>()?;
    m.add_class::<cluster::PyScaler>()?;
    m.add_function(wrap_pyfunction!(cluster::_silhouette_score, m)?)?;
    m.add_function(wrap_pyfunction!(cluster::_silhouette_samples, m)?)?;
    m.add_function(wrap_pyfunction!(cluster::_davies_bouldin_score, m)?)?;
    m.add_function(wrap_pyfunction!(cluster::_calinski_harabasz_score, m)?)?;
    m.add_function(wrap_pyfunction!(cluster::_choose_k, m)?)?;
    m.add_function(wrap_pyfunction!(cluster::_rfm_segments, m)?)?;
    m.add_function(wrap_pyfunction!(cluster::_segment_profiles, m)?)?;
    m.add_class::<churn::PyLogisticChurn>()?;
    m.add_class::<churn::PyGradientBoostingChurn>()?;
    m.add_function(wrap_pyfunction!(churn::_churn_metric, m)?)?;
    m.add_function(wrap_pyfunction!(churn::_lift_at, m)?)?;
    m.add_function(wrap_pyfunction!(churn::_calibration_table, m)?)?;
    m.add_function(wrap_pyfunction!(churn_data::_churn_dataset, m)?)?;
    m.add_function(wrap_pyfunction!(churn_data::_churn_datasets, m)?)?;
    m.add_class::<pipeline::PySegmenter>()?;
    m.add_class::<pipeline::PyDynamicSegmentation>()?;
    m.add_function(wrap_pyfunction!(pipeline::_transition_matrix, m)?)?;
    m.add_function(wrap_pyfunction!(csv::_read_csv, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_cohorts, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_funnel, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_cart_funnel, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_funnel_anomalies, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_abandoned_carts, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_channel_value, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_ab_test, m)?)?;
    m.add_class::<analytics::PyCoPurchase>()?;
    m.add_function(wrap_pyfunction!(analytics::_co_purchase, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_popular_by_segment, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_default_rules, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_next_best_action, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_logs_facts, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_pseudonymise, m)?)?;
    m.add_function(wrap_pyfunction!(analytics::_suppressed, m)?)?;
    Ok(())
}
