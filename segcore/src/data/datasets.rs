//! Bundled data sets, compiled into the library so examples and tests need no files.
//!
//! CDNOW data: Fader, Hardie and Lee (2005), as distributed with the BTYD literature.
//!
//! - [`cdnow_master`]: the 69,659 purchases of the 23,570 customers who first bought at
//!   CDNOW in the first quarter of 1997, through 1998-06-30.
//! - [`cdnow_sample`]: the 1/10 sample (2,357 customers, 6,919 rows) used in the papers.
//! - [`cdnow_summary`]: that sample summarised in weeks over the 39-week calibration period
//!   (1997-01-01..1997-09-30), as used to fit BG/NBD, Pareto/NBD and Gamma-Gamma.
//! - [`donations`]: the discrete-time donation data used for BG/BB (11,104 donors, 6
//!   opportunities), in weighted form.
//!
//! ```
//! let tx = segcore::data::datasets::cdnow_sample().unwrap();
//! assert_eq!((tx.len(), tx.customers().len()), (6_919, 2_357));
//! ```

use super::csv::{CsvOptions, Delimiter, IdType, read_transactions_from_reader};
use super::time::TimeFormat;
use super::transactions::Transactions;
use crate::{Result, SegError};

const CDNOW_MASTER: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/cdnow/CDNOW_master.txt"
));
const CDNOW_SAMPLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/cdnow/CDNOW_sample.txt"
));
const CDNOW_SUMMARY: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/cdnow/cdnow_customers_summary_with_transactions.csv"
));
const DONATIONS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/cdnow/donations.csv"
));

/// The full CDNOW purchase log (whitespace-separated in the original file).
///
/// Columns: `customer_id` (integer), date (`YYYYMMDD`, as midnight UTC), `number_of_cds`
/// (→ quantity) and `dollar_value` (→ amount). 80 rows have amount 0.
///
/// ```
/// let tx = segcore::data::datasets::cdnow_master().unwrap();
/// assert_eq!((tx.len(), tx.customers().len()), (69_659, 23_570));
/// assert_eq!(tx.quantity().unwrap()[0], 1.0);
/// ```
pub fn cdnow_master() -> Result<Transactions> {
    let opts = CsvOptions::default()
        .delimiter(Delimiter::Whitespace)
        .column("timestamp", "date")
        .column("quantity", "number_of_cds")
        .column("amount", "dollar_value")
        .id_type(IdType::Int)
        .time_format(TimeFormat::Yyyymmdd);
    Ok(read_transactions_from_reader(CDNOW_MASTER.as_bytes(), "CDNOW_master.txt", &opts)?.0)
}

/// The 1/10 CDNOW sample used in Fader, Hardie and Lee (2005) and the BTYD walkthrough.
///
/// The file has no header; its columns are the master id, the sample id (1..2,357), the
/// date (`YYYYMMDD`), the number of CDs and the dollar value. The customer id is the
/// **sample id**, as in the literature: the R BTYD package reads this log with the sample
/// id as the customer (`cust.idx = 2`), and the `ID` column of [`cdnow_summary`] (and of
/// lifetimes' CDNOW summary) is the sample id — sample customer 1 (master 4) is the summary's
/// `ID 1` with x = 2, t_x = 30.43, T = 38.86.
///
/// ```
/// let tx = segcore::data::datasets::cdnow_sample().unwrap();
/// assert_eq!(tx.customers().ints().unwrap()[..3], [1, 2, 3]);
/// ```
pub fn cdnow_sample() -> Result<Transactions> {
    let opts = CsvOptions::default()
        .delimiter(Delimiter::Whitespace)
        .names(&[
            "master_id",
            "customer_id",
            "timestamp",
            "quantity",
            "amount",
        ])
        .id_type(IdType::Int)
        .time_format(TimeFormat::Yyyymmdd);
    Ok(read_transactions_from_reader(CDNOW_SAMPLE.as_bytes(), "CDNOW_sample.txt", &opts)?.0)
}

/// The CDNOW sample summarised per customer, in weeks, over the 39-week calibration period.
///
/// ```
/// let s = segcore::data::datasets::cdnow_summary().unwrap();
/// assert_eq!(s.len(), 2_357);
/// assert_eq!((s.id[0], s.x[0], s.t_x[0], s.t[0], s.zbar[0]), (1, 2.0, 30.43, 38.86, 22.35));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CdnowSummary {
    /// Customer id (the sample id, 1..2,357), column `ID`.
    pub id: Vec<i64>,
    /// Number of repeat purchases in the calibration period, column `x`.
    pub x: Vec<f64>,
    /// Time of the last purchase, in weeks after the first, column `t_x`.
    pub t_x: Vec<f64>,
    /// Time between the first purchase and the end of calibration, in weeks, column `T`.
    pub t: Vec<f64>,
    /// Mean spend of the repeat purchases (0 without repeats), column `zbar`.
    pub zbar: Vec<f64>,
}

impl CdnowSummary {
    /// Number of customers.
    ///
    /// ```
    /// assert!(!segcore::data::datasets::cdnow_summary().unwrap().is_empty());
    /// ```
    pub fn len(&self) -> usize {
        self.id.len()
    }

    /// True when there are no customers.
    ///
    /// ```
    /// assert!(!segcore::data::datasets::cdnow_summary().unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }
}

/// Reads the bundled `cdnow_customers_summary_with_transactions.csv`.
///
/// ```
/// let s = segcore::data::datasets::cdnow_summary().unwrap();
/// assert_eq!(s.x.iter().filter(|&&x| x > 0.0).count(), 946);
/// ```
pub fn cdnow_summary() -> Result<CdnowSummary> {
    let cols = numeric_table(
        CDNOW_SUMMARY,
        "cdnow_customers_summary_with_transactions.csv",
        &["ID", "x", "t_x", "T", "zbar"],
    )?;
    let mut it = cols.into_iter();
    let mut next = || it.next().unwrap_or_default();
    let id = next().into_iter().map(|v| v as i64).collect();
    Ok(CdnowSummary {
        id,
        x: next(),
        t_x: next(),
        t: next(),
        zbar: next(),
    })
}

/// Discrete-time donation data in weighted form: each row is one (frequency, recency,
/// periods) pattern and the number of donors who share it. Values are integers stored as
/// `f64`.
///
/// ```
/// let d = segcore::data::datasets::donations().unwrap();
/// assert_eq!(d.weights.iter().sum::<f64>(), 11_104.0);
/// assert!(d.periods.iter().all(|&n| n == 6.0));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Donations {
    /// Number of repeat donations (0..=periods).
    pub frequency: Vec<f64>,
    /// Period of the last repeat donation (0 if none).
    pub recency: Vec<f64>,
    /// Number of donation opportunities observed.
    pub periods: Vec<f64>,
    /// Number of donors with this pattern.
    pub weights: Vec<f64>,
}

/// Reads the bundled `donations.csv`.
///
/// ```
/// let d = segcore::data::datasets::donations().unwrap();
/// assert_eq!((d.frequency[0], d.recency[0], d.periods[0], d.weights[0]), (0.0, 0.0, 6.0, 3464.0));
/// ```
pub fn donations() -> Result<Donations> {
    let cols = numeric_table(
        DONATIONS,
        "donations.csv",
        &["frequency", "recency", "periods", "weights"],
    )?;
    let mut it = cols.into_iter();
    let mut next = || it.next().unwrap_or_default();
    Ok(Donations {
        frequency: next(),
        recency: next(),
        periods: next(),
        weights: next(),
    })
}

/// Parses a comma-separated numeric table with exactly the given header, column by column.
fn numeric_table(text: &str, name: &str, header: &[&str]) -> Result<Vec<Vec<f64>>> {
    let err = |line: u64, column: &str, reason: String| SegError::Csv {
        path: name.to_string(),
        line,
        column: column.to_string(),
        reason,
    };
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let found: Vec<&str> = lines
        .next()
        .map(|(_, l)| l.split(',').map(str::trim).collect())
        .unwrap_or_default();
    if found != header {
        return Err(err(
            1,
            "*",
            format!("header {found:?}, expected {header:?}"),
        ));
    }
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); header.len()];
    for (i, l) in lines {
        let line = i as u64 + 1;
        let fields: Vec<&str> = l.split(',').map(str::trim).collect();
        if fields.len() != header.len() {
            return Err(err(
                line,
                "*",
                format!("{} fields, expected {}", fields.len(), header.len()),
            ));
        }
        for ((col, f), h) in cols.iter_mut().zip(&fields).zip(header) {
            let v: f64 = f
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| err(line, h, format!("`{f}` is not a finite number")))?;
            col.push(v);
        }
    }
    Ok(cols)
}
