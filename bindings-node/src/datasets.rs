//! Bundled data sets: CDNOW (Fader, Hardie and Lee 2005) and a seeded synthetic shop.

use napi::bindgen_prelude::{AsyncTask, Float64Array};
use napi_derive::napi;
use segcore::data::datasets;
use segcore::data::synthetic::SyntheticShop;

use crate::data::{transaction_table, Logs, TransactionTable};
use crate::error::{param, run, Result};
use crate::task::{Job, Work};

/// The full CDNOW purchase log (69,659 rows, 23,570 customers; integer ids, dates at
/// midnight UTC, `quantity` = CDs bought, `amount` = dollars).
#[napi(namespace = "datasets")]
pub fn cdnow() -> Result<TransactionTable> {
    let tx = run(datasets::cdnow_master)?;
    Ok(transaction_table(tx.customers(), &tx))
}

/// The published CDNOW calibration summary (2,357 customers of the 1/10th sample, time in
/// weeks): the data of the BG/NBD paper.
#[napi(object)]
pub struct CdnowSummary {
    /// Customer ids.
    pub id: Vec<i64>,
    /// Repeat purchases `x`.
    pub frequency: Float64Array,
    /// Recency `t_x` (weeks).
    pub recency: Float64Array,
    /// Age `T` (weeks).
    #[napi(js_name = "T")]
    pub t: Float64Array,
    /// Mean repeat spend.
    pub monetary: Float64Array,
}

/// The CDNOW summary used to fit the BG/NBD model in Fader, Hardie and Lee (2005).
#[napi(namespace = "datasets")]
pub fn cdnow_summary() -> Result<CdnowSummary> {
    let s = run(datasets::cdnow_summary)?;
    Ok(CdnowSummary {
        id: s.id,
        frequency: Float64Array::new(s.x),
        recency: Float64Array::new(s.t_x),
        t: Float64Array::new(s.t),
        monetary: Float64Array::new(s.zbar),
    })
}

fn shop(
    n_customers: u32,
    seed: Option<f64>,
) -> Result<segcore::data::synthetic::SyntheticShopParams> {
    let seed = seed.unwrap_or(0.0);
    if !(seed.is_finite() && seed >= 0.0 && seed.fract() == 0.0 && seed <= 9.007_199_254_740_992e15)
    {
        return Err(param(
            "seed",
            format!("{seed} is not a non-negative integer"),
        ));
    }
    Ok(SyntheticShop::params()
        .n_customers(n_customers as usize)
        .seed(seed as u64))
}

fn wrap(logs: segcore::data::Logs) -> Result<Logs> {
    Ok(Logs::wrap(logs))
}

/// A seeded synthetic shop: transactions, events and feedback of `nCustomers` customers of
/// several behavioural types over two years from 2023-01-01. Same seed, same logs.
#[napi(namespace = "datasets")]
pub fn synthetic_shop(n_customers: u32, seed: Option<f64>) -> Result<Logs> {
    let p = shop(n_customers, seed)?;
    Ok(Logs::wrap(run(|| p.generate())?))
}

/// Async twin of `syntheticShop`.
#[napi(namespace = "datasets", ts_return_type = "Promise<Logs>")]
pub fn synthetic_shop_async(
    n_customers: u32,
    seed: Option<f64>,
) -> Result<AsyncTask<Job<segcore::data::Logs, Logs>>> {
    let p = shop(n_customers, seed)?;
    let work: Work<segcore::data::Logs> = Box::new(move || p.generate());
    Ok(AsyncTask::new(Job::new(work, wrap)))
}

/// The donations data of Fader, Hardie and Shang (2010): repeat donations over 6 yearly
/// opportunities, as counts of identical (frequency, recency, periods) rows.
#[napi(object)]
pub struct Donations {
    /// Repeat donations x.
    pub frequency: Float64Array,
    /// Period of the last donation t_x.
    pub recency: Float64Array,
    /// Opportunities n.
    pub periods: Float64Array,
    /// Number of donors with this row.
    pub weights: Float64Array,
}

/// The BG/BB donations data (11,104 donors in 22 distinct rows).
#[napi(namespace = "datasets")]
pub fn donations() -> Result<Donations> {
    let d = run(datasets::donations)?;
    Ok(Donations {
        frequency: Float64Array::new(d.frequency),
        recency: Float64Array::new(d.recency),
        periods: Float64Array::new(d.periods),
        weights: Float64Array::new(d.weights),
    })
}
