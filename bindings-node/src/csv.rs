//! Reading logs from CSV files (`readLogsCsv` and its async twin).

use std::collections::HashMap;

use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;
use segcore::data::csv::{self as core, CsvOptions as CoreCsvOptions, Delimiter, IdType};
use segcore::data::{ScoreScale, TimeFormat};

use crate::data::Logs;
use crate::error::{param, run, Result};
use crate::task::{Job, Work};

/// The files to read; `events` and `feedback` are optional.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct CsvPaths {
    /// Transactions file.
    pub transactions: String,
    /// Events file.
    pub events: Option<String>,
    /// Feedback file.
    pub feedback: Option<String>,
}

/// How the files are written (all optional).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    /// One character, `tab` or `whitespace` (default `,`).
    pub delimiter: Option<String>,
    /// Whether the first row is a header (default true).
    pub has_header: Option<bool>,
    /// Column names in file order, for files without a header.
    pub names: Option<Vec<String>>,
    /// Field -> file column renames, e.g. `{ timestamp: 'date', amount: 'dollar_value' }`
    /// (field names are the core's: `customer_id`, `timestamp`, `amount`, `order_id`, ...).
    pub columns: Option<HashMap<String, String>>,
    /// `auto` (default), `int` or `str`.
    pub id_type: Option<String>,
    /// `auto` (default), `iso_date`, `iso_datetime`, `yyyymmdd` or `epoch_seconds`.
    pub time_format: Option<String>,
    /// Skip bad rows and report them instead of failing (default false).
    pub skip_bad_rows: Option<bool>,
    /// Feedback scale when the file has no `scale` column: `csat`, `nps` or `stars`.
    pub default_scale: Option<String>,
}

fn core_options(o: CsvOptions) -> Result<CoreCsvOptions> {
    let mut c = CoreCsvOptions::default();
    if let Some(d) = o.delimiter {
        c = c.delimiter(run(|| Delimiter::parse(&d))?);
    }
    if let Some(v) = o.has_header {
        c = c.has_header(v);
    }
    if let Some(v) = o.names {
        c = c.names(&v);
    }
    if let Some(m) = o.columns {
        let mut m: Vec<_> = m.into_iter().collect();
        m.sort();
        for (field, file) in m {
            c = c.column(&field, &file);
        }
    }
    if let Some(v) = o.id_type {
        c = c.id_type(match v.as_str() {
            "auto" => IdType::Auto,
            "int" => IdType::Int,
            "str" => IdType::Str,
            other => {
                return Err(param(
                    "idType",
                    format!("unknown id type `{other}` (use auto, int or str)"),
                ))
            }
        });
    }
    if let Some(v) = o.time_format {
        c = c.time_format(run(|| TimeFormat::parse(&v))?);
    }
    if let Some(v) = o.skip_bad_rows {
        c = c.skip_bad_rows(v);
    }
    if let Some(v) = o.default_scale {
        c = c.default_scale(run(|| ScoreScale::parse(&v))?);
    }
    Ok(c)
}

/// What a reader did with one file.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct ReadReport {
    /// Rows read.
    pub rows_read: u32,
    /// Bad rows skipped (with `skipBadRows`).
    pub rows_skipped: u32,
    /// Skipped rows by reason.
    pub skipped_by_reason: HashMap<String, u32>,
    /// Rows repeating an earlier row exactly (kept).
    pub duplicate_rows: u32,
    /// Up to 10 skipped rows: `line` (1-based), `column`, `reason`.
    pub examples: Vec<SkippedRow>,
}

/// One skipped row.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct SkippedRow {
    /// 1-based line of the file.
    pub line: u32,
    /// Column.
    pub column: String,
    /// Why.
    pub reason: String,
}

fn report(r: core::ReadReport) -> ReadReport {
    ReadReport {
        rows_read: r.rows_read as u32,
        rows_skipped: r.rows_skipped as u32,
        skipped_by_reason: r
            .skipped_by_reason
            .into_iter()
            .map(|(k, v)| (k, v as u32))
            .collect(),
        duplicate_rows: r.duplicate_rows as u32,
        examples: r
            .examples
            .into_iter()
            .map(|e| SkippedRow {
                line: e.line as u32,
                column: e.column,
                reason: e.reason,
            })
            .collect(),
    }
}

/// Logs read from CSV files, with what the readers did per file.
#[napi(object, object_from_js = false)]
pub struct CsvLogs {
    /// The validated logs.
    pub logs: Logs,
    /// Transactions file report.
    pub transactions: ReadReport,
    /// Events file report.
    pub events: Option<ReadReport>,
    /// Feedback file report.
    pub feedback: Option<ReadReport>,
}

struct Read {
    logs: segcore::data::Logs,
    tx: core::ReadReport,
    ev: Option<core::ReadReport>,
    fb: Option<core::ReadReport>,
}

fn read(paths: &CsvPaths, o: &CoreCsvOptions) -> segcore::Result<Read> {
    let (tx, txr) = core::read_transactions(&paths.transactions, o)?;
    let (ev, evr) = match &paths.events {
        Some(p) => {
            let (e, r) = core::read_events(p, o)?;
            (Some(e), Some(r))
        }
        None => (None, None),
    };
    let (fb, fbr) = match &paths.feedback {
        Some(p) => {
            let (f, r) = core::read_feedback(p, o)?;
            (Some(f), Some(r))
        }
        None => (None, None),
    };
    Ok(Read {
        logs: segcore::data::Logs::new(tx, ev, fb)?,
        tx: txr,
        ev: evr,
        fb: fbr,
    })
}

fn finish(r: Read) -> Result<CsvLogs> {
    Ok(CsvLogs {
        logs: Logs::wrap(r.logs),
        transactions: report(r.tx),
        events: r.ev.map(report),
        feedback: r.fb.map(report),
    })
}

/// Reads transactions (and optional events / feedback) from CSV files. Bad rows are
/// `CSV_ERROR`s naming the file, line and column, or skipped and reported with
/// `skipBadRows`.
#[napi]
pub fn read_logs_csv(paths: CsvPaths, options: Option<CsvOptions>) -> Result<CsvLogs> {
    let o = core_options(options.unwrap_or_default())?;
    finish(run(|| read(&paths, &o))?)
}

/// Async twin of `readLogsCsv` (reading and validation on the libuv pool).
#[napi(ts_return_type = "Promise<CsvLogs>")]
pub fn read_logs_csv_async(
    paths: CsvPaths,
    options: Option<CsvOptions>,
) -> Result<AsyncTask<Job<ReadBox, CsvLogs>>> {
    let o = core_options(options.unwrap_or_default())?;
    let work: Work<ReadBox> = Box::new(move || read(&paths, &o).map(|r| ReadBox(Box::new(r))));
    Ok(AsyncTask::new(Job::new(work, |b| finish(*b.0))))
}

/// Read logs in transit from a worker thread.
pub struct ReadBox(Box<Read>);
