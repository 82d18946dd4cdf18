//! Segments over time: stable segment ids across snapshots and transition matrices.

use napi::bindgen_prelude::{AsyncTask, Either, Float64Array, Uint32Array};
use napi_derive::napi;
use segcore::cluster::kmeans::KMeans as CoreKMeans;
use segcore::dynamic::{DynamicSegmentation as CoreDynamic, Snapshot as CoreSnapshot, UpdateMode};

use crate::cluster::{kmeans_params, matrix, KMeansOptions};
use crate::clv::{values, Numbers};
use crate::error::{param, run, Result};
use crate::task::{Job, Work};

/// One snapshot: a row-major feature matrix at one date, and optionally the customer code of
/// each row (so customers can come and go between snapshots; default: row i is customer i).
#[napi(object)]
pub struct Snapshot {
    /// Row-major `nRows x nCols` values.
    #[napi(ts_type = "Float64Array | number[]")]
    pub x: Numbers,
    /// Rows.
    pub n_rows: u32,
    /// Columns.
    pub n_cols: u32,
    /// Integer customer key of each row.
    pub customers: Option<Vec<u32>>,
}

/// Options of `dynamicSegmentation`: the k-means options plus the update mode.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct DynamicOptions {
    /// k-means settings (nClusters, seed, ...).
    pub kmeans: Option<KMeansOptions>,
    /// `refit` (default: refit each snapshot, match segments to the previous centres) or
    /// `assign` (assign later snapshots to the first snapshot's centres).
    pub mode: Option<String>,
}

/// Segment moves between two consecutive snapshots.
#[napi(object)]
pub struct Transition {
    /// `counts[from * k + to]`: customers in both snapshots moving from `from` to `to`.
    pub counts: Float64Array,
    /// Row-normalised counts (NaN for an empty source segment).
    pub rates: Float64Array,
}

/// Stable segments over time.
#[napi(object)]
pub struct DynamicResult {
    /// Number of segments.
    pub k: u32,
    /// Stable segment id of each row, per snapshot.
    pub labels: Vec<Uint32Array>,
    /// Centres per snapshot, row-major `k x nCols`, in stable segment order.
    pub centroids: Vec<Float64Array>,
    /// Transitions between snapshot t and t+1.
    pub transitions: Vec<Transition>,
    /// The k-means model of the last snapshot, as a model file (JSON text).
    pub model: String,
}

/// One snapshot's values, shape and customer keys, converted.
type RawSnapshot = (Vec<f64>, u32, u32, Option<Vec<u32>>);

struct Input {
    xs: Vec<RawSnapshot>,
    params: segcore::dynamic::DynamicParams,
}

fn read(snapshots: Vec<Snapshot>, options: Option<DynamicOptions>) -> Result<Input> {
    let o = options.unwrap_or_default();
    let km = kmeans_params(&o.kmeans.unwrap_or_default())?;
    let mode = match o.mode.as_deref() {
        None | Some("refit") => UpdateMode::Refit,
        Some("assign") => UpdateMode::Assign,
        Some(other) => {
            return Err(param(
                "mode",
                format!("unknown mode `{other}` (use refit or assign)"),
            ))
        }
    };
    Ok(Input {
        xs: snapshots
            .into_iter()
            .map(|s| (values(s.x), s.n_rows, s.n_cols, s.customers))
            .collect(),
        params: CoreDynamic::params(km).mode(mode),
    })
}

fn compute(input: Input) -> segcore::Result<CoreDynamic> {
    let mats = input
        .xs
        .into_iter()
        .map(|(x, r, c, cust)| Ok((matrix(Either::B(x), r, c)?, cust)))
        .collect::<segcore::Result<Vec<_>>>()?;
    let snaps = mats
        .iter()
        .map(|(m, cust)| match cust {
            Some(c) => CoreSnapshot::with_customers(m.view(), c),
            None => Ok(CoreSnapshot::new(m.view())),
        })
        .collect::<segcore::Result<Vec<_>>>()?;
    input.params.fit(&snaps)
}

fn finish(d: CoreDynamic) -> Result<DynamicResult> {
    let model: &CoreKMeans = &d.model;
    Ok(DynamicResult {
        k: model.k() as u32,
        labels: d
            .labels
            .iter()
            .map(|l| Uint32Array::new(l.iter().map(|&v| v as u32).collect()))
            .collect(),
        centroids: d
            .centroids
            .iter()
            .map(|c| Float64Array::new(c.iter().copied().collect()))
            .collect(),
        transitions: d
            .transitions
            .iter()
            .map(|t| Transition {
                counts: Float64Array::new(t.counts.iter().map(|&v| v as f64).collect()),
                rates: Float64Array::new(t.rates.iter().copied().collect()),
            })
            .collect(),
        model: run(|| segcore::model::to_json(model))?,
    })
}

/// Segments each snapshot with k-means, keeps segment ids stable over time (Hungarian
/// matching of centres) and counts moves between consecutive snapshots.
#[napi]
pub fn dynamic_segmentation(
    snapshots: Vec<Snapshot>,
    options: Option<DynamicOptions>,
) -> Result<DynamicResult> {
    let input = read(snapshots, options)?;
    finish(run(|| compute(input))?)
}

/// Async twin of `dynamicSegmentation`.
#[napi(ts_return_type = "Promise<DynamicResult>")]
pub fn dynamic_segmentation_async(
    snapshots: Vec<Snapshot>,
    options: Option<DynamicOptions>,
) -> Result<AsyncTask<Job<CoreDynamic, DynamicResult>>> {
    let input = read(snapshots, options)?;
    let work: Work<CoreDynamic> = Box::new(move || compute(input));
    Ok(AsyncTask::new(Job::new(work, finish)))
}
