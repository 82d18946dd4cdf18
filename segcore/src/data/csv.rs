//! Reading the three logs from delimited text files.
//!
//! Each reader maps the file's columns onto a log's fields by name (configurable with
//! [`CsvOptions::column`]), parses and validates every row, and reports a bad value with
//! the file, the 1-based line (the header is line 1), the column and the reason
//! ([`SegError::Csv`]). With [`CsvOptions::skip_bad_rows`] bad rows are counted by reason in
//! the [`ReadReport`] instead.
//!
//! Default column names:
//!
//! | log | required | optional |
//! | --- | --- | --- |
//! | transactions | `customer_id`, `timestamp`, `amount` | `order_id`, `quantity`, `product_id`, `category`, `channel`, `discount` |
//! | events | `customer_id`, `timestamp`, `kind` | `category`, `channel`, `session_id`, `platform`, `value` |
//! | feedback | `customer_id`, `timestamp`, `score`, `scale` | `topic` |
//!
//! Delimited files (comma by default, any single byte with [`Delimiter::Byte`]) are read
//! with the `csv` crate (quoting, embedded delimiters). Files whose fields are separated by
//! runs of spaces or tabs, such as `CDNOW_master.txt`, are read with
//! [`Delimiter::Whitespace`] (no quoting).
//!
//! ```
//! use segcore::data::csv::{read_transactions_from_reader, CsvOptions};
//! let text = "customer_id,timestamp,amount\nc1,2024-01-05,19.90\nc2,2024-01-06,5\n";
//! let (tx, report) = read_transactions_from_reader(text.as_bytes(), "orders.csv", &CsvOptions::default()).unwrap();
//! assert_eq!((tx.len(), report.rows_read), (2, 2));
//! ```

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::coded::{CustomerColumn, TextColumn};
use super::columns::TimeColumn;
use super::events::{Events, EventsBuilder};
use super::feedback::{Feedback, FeedbackBuilder, ScoreScale};
use super::ids::IdColumn;
use super::time::{MAX_TIMESTAMP, MIN_TIMESTAMP, TimeFormat, parse_time};
use super::transactions::{Transactions, TransactionsBuilder};
use crate::{Result, SegError};

/// How fields are separated.
///
/// ```
/// use segcore::data::csv::Delimiter;
/// assert_eq!(Delimiter::default(), Delimiter::Byte(b','));
/// assert_eq!(Delimiter::parse("whitespace").unwrap(), Delimiter::Whitespace);
/// assert_eq!(Delimiter::parse("\t").unwrap(), Delimiter::Byte(b'\t'));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    /// One byte (`,`, `;`, `\t`, `|`...), with CSV quoting rules.
    Byte(u8),
    /// Runs of spaces and tabs; leading and trailing blanks ignored; no quoting.
    Whitespace,
}

impl Default for Delimiter {
    fn default() -> Self {
        Delimiter::Byte(b',')
    }
}

impl Delimiter {
    /// Parses a one-character delimiter, `tab`, or `whitespace` / `space` / `ws`.
    ///
    /// ```
    /// assert!(segcore::data::csv::Delimiter::parse("ab").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "whitespace" | "space" | "spaces" | "ws" => Ok(Delimiter::Whitespace),
            "tab" | "\\t" => Ok(Delimiter::Byte(b'\t')),
            _ if s.len() == 1 && s.is_ascii() => Ok(Delimiter::Byte(s.as_bytes()[0])),
            _ => Err(SegError::param(
                "delimiter",
                format!("`{s}` is not one ASCII character, `tab` or `whitespace`"),
            )),
        }
    }
}

/// How customer ids are read.
///
/// ```
/// use segcore::data::csv::IdType;
/// assert_eq!(IdType::default(), IdType::Auto);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// Integer ids if every id parses as an integer (`00042` is 42), else string ids.
    #[default]
    Auto,
    /// Integer ids; a non-integer id is a bad row.
    Int,
    /// String ids, as written (trimmed).
    Str,
}

/// Options of the CSV readers; plain data with chained setters.
///
/// ```
/// use segcore::data::csv::{CsvOptions, Delimiter};
/// use segcore::data::TimeFormat;
/// let opts = CsvOptions::default()
///     .delimiter(Delimiter::Whitespace)
///     .column("timestamp", "date")
///     .column("amount", "dollar_value")
///     .time_format(TimeFormat::Yyyymmdd)
///     .skip_bad_rows(true);
/// assert_eq!(opts.file_column("amount"), "dollar_value");
/// assert_eq!(opts.file_column("quantity"), "quantity");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvOptions {
    /// Field separator.
    pub delimiter: Delimiter,
    /// Whether the first row is a header (default true).
    pub has_header: bool,
    /// Column names in file order for files without a header. When empty (and there is no
    /// header) the file's columns are taken to be the log's fields in the order of the
    /// module table, required first.
    pub names: Vec<String>,
    /// Field → file column renames (field names are the defaults of the module table).
    pub columns: BTreeMap<String, String>,
    /// Customer id type.
    pub id_type: IdType,
    /// Format of the time column.
    pub time_format: TimeFormat,
    /// Skip and count bad rows instead of failing on the first one.
    pub skip_bad_rows: bool,
    /// Scale of every feedback row when the file has no scale column.
    pub default_scale: Option<ScoreScale>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: Delimiter::default(),
            has_header: true,
            names: Vec::new(),
            columns: BTreeMap::new(),
            id_type: IdType::Auto,
            time_format: TimeFormat::Auto,
            skip_bad_rows: false,
            default_scale: None,
        }
    }
}

impl CsvOptions {
    /// Sets the delimiter.
    ///
    /// ```
    /// let o = segcore::data::csv::CsvOptions::default().delimiter(segcore::data::csv::Delimiter::Byte(b';'));
    /// assert_eq!(o.delimiter, segcore::data::csv::Delimiter::Byte(b';'));
    /// ```
    pub fn delimiter(mut self, d: Delimiter) -> Self {
        self.delimiter = d;
        self
    }

    /// Sets whether the first row is a header.
    ///
    /// ```
    /// assert!(!segcore::data::csv::CsvOptions::default().has_header(false).has_header);
    /// ```
    pub fn has_header(mut self, yes: bool) -> Self {
        self.has_header = yes;
        self
    }

    /// Names the file's columns in order (for files without a header; also sets
    /// `has_header(false)`).
    ///
    /// ```
    /// let o = segcore::data::csv::CsvOptions::default().names(&["customer_id", "timestamp", "amount"]);
    /// assert!(!o.has_header);
    /// ```
    pub fn names<S: AsRef<str>>(mut self, names: &[S]) -> Self {
        self.names = names.iter().map(|s| s.as_ref().to_string()).collect();
        self.has_header = false;
        self
    }

    /// Reads field `field` (e.g. `"amount"`) from the file column `file_column`.
    /// Field names of any of the three logs are accepted (so one set of options can serve
    /// every reader); other names are refused when reading.
    ///
    /// ```
    /// let o = segcore::data::csv::CsvOptions::default().column("customer_id", "user");
    /// assert_eq!(o.file_column("customer_id"), "user");
    /// ```
    pub fn column(mut self, field: &str, file_column: &str) -> Self {
        self.columns
            .insert(field.to_string(), file_column.to_string());
        self
    }

    /// Sets the customer id type.
    ///
    /// ```
    /// use segcore::data::csv::{CsvOptions, IdType};
    /// assert_eq!(CsvOptions::default().id_type(IdType::Str).id_type, IdType::Str);
    /// ```
    pub fn id_type(mut self, t: IdType) -> Self {
        self.id_type = t;
        self
    }

    /// Sets the time format.
    ///
    /// ```
    /// use segcore::data::{csv::CsvOptions, TimeFormat};
    /// assert_eq!(CsvOptions::default().time_format(TimeFormat::IsoDate).time_format, TimeFormat::IsoDate);
    /// ```
    pub fn time_format(mut self, f: TimeFormat) -> Self {
        self.time_format = f;
        self
    }

    /// Skips and counts bad rows instead of failing.
    ///
    /// ```
    /// assert!(segcore::data::csv::CsvOptions::default().skip_bad_rows(true).skip_bad_rows);
    /// ```
    pub fn skip_bad_rows(mut self, yes: bool) -> Self {
        self.skip_bad_rows = yes;
        self
    }

    /// Scale of every feedback row when the file has no scale column.
    ///
    /// ```
    /// use segcore::data::{csv::CsvOptions, ScoreScale};
    /// assert_eq!(CsvOptions::default().default_scale(ScoreScale::Nps).default_scale, Some(ScoreScale::Nps));
    /// ```
    pub fn default_scale(mut self, s: ScoreScale) -> Self {
        self.default_scale = Some(s);
        self
    }

    /// The file column read for `field` (the rename, or the field name itself).
    ///
    /// ```
    /// assert_eq!(segcore::data::csv::CsvOptions::default().file_column("kind"), "kind");
    /// ```
    pub fn file_column<'a>(&'a self, field: &'a str) -> &'a str {
        self.columns.get(field).map_or(field, String::as_str)
    }
}

/// One skipped row, kept as an example in the [`ReadReport`].
///
/// ```
/// let s = segcore::data::csv::SkippedRow { line: 3, column: "amount".into(), reason: "x".into() };
/// assert_eq!(s.line, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRow {
    /// 1-based line of the file.
    pub line: u64,
    /// File column (`*` for the whole row).
    pub column: String,
    /// What was wrong.
    pub reason: String,
}

/// What a reader did.
///
/// ```
/// let r = segcore::data::csv::ReadReport::default();
/// assert_eq!((r.rows_read, r.rows_skipped, r.duplicate_rows), (0, 0, 0));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReadReport {
    /// Rows kept.
    pub rows_read: usize,
    /// Rows skipped (only with `skip_bad_rows`).
    pub rows_skipped: usize,
    /// Skipped rows per reason category (e.g. `unparseable time`, `non-finite number`).
    pub skipped_by_reason: BTreeMap<String, usize>,
    /// Kept rows that exactly repeat an earlier kept row.
    pub duplicate_rows: usize,
    /// The first few skipped rows (at most [`ReadReport::MAX_EXAMPLES`]).
    pub examples: Vec<SkippedRow>,
}

impl ReadReport {
    /// How many skipped rows are kept as examples.
    pub const MAX_EXAMPLES: usize = 10;
}

// ---------------------------------------------------------------------------------------
// record sources

/// A bad row: which field (index into the log's field list, or None for the whole row),
/// the reason category and the message.
struct RowErr {
    field: Option<usize>,
    kind: &'static str,
    reason: String,
}

impl RowErr {
    fn new(field: usize, kind: &'static str, reason: impl Into<String>) -> Self {
        RowErr {
            field: Some(field),
            kind,
            reason: reason.into(),
        }
    }
}

/// Receives `(line, fields)` per record; `None` fields for a line that is not UTF-8.
type RecordFn<'f> = dyn FnMut(u64, Option<&[&str]>) -> Result<()> + 'f;
/// Parses one data row into the column buffers.
type RowFn<'f> = dyn FnMut(&Layout, &[&str]) -> std::result::Result<(), RowErr> + 'f;

/// Calls `f(line, fields)` for every non-blank record, header included.
fn for_each_record<R: Read>(
    rdr: R,
    path: &str,
    delimiter: Delimiter,
    f: &mut RecordFn<'_>,
) -> Result<()> {
    let io_err = |e: std::io::Error| SegError::Io {
        path: path.to_string(),
        source: e,
    };
    match delimiter {
        Delimiter::Whitespace => {
            let mut br = BufReader::with_capacity(1 << 16, rdr);
            let mut buf = Vec::new();
            let mut line = 0u64;
            loop {
                buf.clear();
                if br.read_until(b'\n', &mut buf).map_err(io_err)? == 0 {
                    return Ok(());
                }
                line += 1;
                let text = match std::str::from_utf8(&buf) {
                    Ok(t) => t,
                    Err(_) => {
                        f(line, None)?;
                        continue;
                    }
                };
                let text = if line == 1 {
                    text.trim_start_matches('\u{feff}')
                } else {
                    text
                };
                let fields: Vec<&str> = text.split_ascii_whitespace().collect();
                if fields.is_empty() {
                    continue;
                }
                f(line, Some(&fields))?;
            }
        }
        Delimiter::Byte(d) => {
            let mut reader = ::csv::ReaderBuilder::new()
                .delimiter(d)
                .has_headers(false)
                .flexible(true)
                .from_reader(rdr);
            let mut rec = ::csv::ByteRecord::new();
            let mut first = true;
            loop {
                let more = reader.read_byte_record(&mut rec).map_err(|e| {
                    let line = e.position().map_or(0, |p| p.line());
                    match e.into_kind() {
                        ::csv::ErrorKind::Io(io) => io_err(io),
                        other => SegError::Csv {
                            path: path.to_string(),
                            line,
                            column: "*".into(),
                            reason: format!("{other:?}"),
                        },
                    }
                })?;
                if !more {
                    return Ok(());
                }
                let line = rec.position().map_or(0, |p| p.line());
                let mut strs: Vec<&str> = Vec::with_capacity(rec.len());
                let mut bad_utf8 = false;
                for field in rec.iter() {
                    match std::str::from_utf8(field) {
                        Ok(s) => strs.push(s.trim()),
                        Err(_) => {
                            bad_utf8 = true;
                            break;
                        }
                    }
                }
                if bad_utf8 {
                    f(line, None)?;
                    first = false;
                    continue;
                }
                if first {
                    if let Some(s) = strs.first_mut() {
                        *s = s.trim_start_matches('\u{feff}');
                    }
                    first = false;
                }
                if strs.len() == 1 && strs[0].is_empty() {
                    continue;
                }
                f(line, Some(&strs))?;
            }
        }
    }
}

/// A field of a log: name and whether it is required.
type FieldSpec = (&'static str, bool);

const TX_FIELDS: [FieldSpec; 9] = [
    ("customer_id", true),
    ("timestamp", true),
    ("amount", true),
    ("order_id", false),
    ("quantity", false),
    ("product_id", false),
    ("category", false),
    ("channel", false),
    ("discount", false),
];

const EV_FIELDS: [FieldSpec; 8] = [
    ("customer_id", true),
    ("timestamp", true),
    ("kind", true),
    ("category", false),
    ("channel", false),
    ("session_id", false),
    ("platform", false),
    ("value", false),
];

const FB_FIELDS: [FieldSpec; 5] = [
    ("customer_id", true),
    ("timestamp", true),
    ("score", true),
    ("scale", true),
    ("topic", false),
];

/// The parsed header: file column name and position of every field.
struct Layout {
    names: Vec<String>,
    idx: Vec<Option<usize>>,
    width: usize,
}

/// Everything the drivers share.
struct Reading<'a> {
    path: &'a str,
    opts: &'a CsvOptions,
    fields: &'a [FieldSpec],
    layout: Option<Layout>,
    report: ReadReport,
    lines: Vec<u64>,
    saw_record: bool,
}

impl<'a> Reading<'a> {
    fn new(path: &'a str, opts: &'a CsvOptions, fields: &'a [FieldSpec]) -> Result<Self> {
        // one set of options can serve all three readers: fields of the other logs are fine
        let mut known: Vec<&str> = TX_FIELDS
            .iter()
            .chain(&EV_FIELDS)
            .chain(&FB_FIELDS)
            .map(|(f, _)| *f)
            .collect();
        known.sort_unstable();
        known.dedup();
        for key in opts.columns.keys() {
            if !known.contains(&key.as_str()) {
                return Err(SegError::param(
                    "columns",
                    format!("unknown field `{key}` (known: {})", known.join(", ")),
                ));
            }
        }
        Ok(Reading {
            path,
            opts,
            fields,
            layout: None,
            report: ReadReport::default(),
            lines: Vec::new(),
            saw_record: false,
        })
    }

    fn csv_err(&self, line: u64, column: &str, reason: impl Into<String>) -> SegError {
        SegError::Csv {
            path: self.path.to_string(),
            line,
            column: column.to_string(),
            reason: reason.into(),
        }
    }

    /// Maps fields to positions; `line` is the header's line, or `None` when the names come
    /// from the options (no header row).
    fn make_layout(&self, header: &[&str], line: Option<u64>) -> Result<Layout> {
        let mut names = Vec::with_capacity(self.fields.len());
        let mut idx = Vec::with_capacity(self.fields.len());
        for &(field, required) in self.fields {
            let name = self.opts.file_column(field);
            let pos = header.iter().position(|h| *h == name);
            if pos.is_none() && required {
                let scale_default = field == "scale" && self.opts.default_scale.is_some();
                if !scale_default {
                    let found = header.join(", ");
                    return Err(match line {
                        Some(line) => self.csv_err(
                            line,
                            name,
                            format!(
                                "missing required column `{name}` in the header (found: {found})"
                            ),
                        ),
                        None => SegError::param(
                            "names",
                            format!("missing required column `{name}` (names: {found})"),
                        ),
                    });
                }
            }
            names.push(name.to_string());
            idx.push(pos);
        }
        Ok(Layout {
            names,
            idx,
            width: header.len(),
        })
    }

    /// Handles one record: header detection, width check, then the row parser.
    fn record(&mut self, line: u64, rec: Option<&[&str]>, parse: &mut RowFn<'_>) -> Result<()> {
        self.saw_record = true;
        if self.layout.is_none() {
            let Some(rec) = rec else {
                return Err(self.csv_err(line, "*", "the header is not valid UTF-8"));
            };
            if self.opts.has_header {
                self.layout = Some(self.make_layout(rec, Some(line))?);
                return Ok(());
            }
            let names: Vec<String> = if self.opts.names.is_empty() {
                self.fields
                    .iter()
                    .map(|(f, _)| self.opts.file_column(f).to_string())
                    .chain((self.fields.len()..).map(|i| format!("column_{}", i + 1)))
                    .take(rec.len())
                    .collect()
            } else {
                self.opts.names.clone()
            };
            let header: Vec<&str> = names.iter().map(String::as_str).collect();
            self.layout = Some(self.make_layout(&header, None)?);
        }
        let Some(layout) = self.layout.as_ref() else {
            return Ok(());
        };
        let result = match rec {
            None => Err(RowErr {
                field: None,
                kind: "invalid utf-8",
                reason: "the line is not valid UTF-8".into(),
            }),
            Some(rec) if rec.len() != layout.width => Err(RowErr {
                field: None,
                kind: "wrong number of fields",
                reason: format!("{} fields, expected {}", rec.len(), layout.width),
            }),
            Some(rec) => parse(layout, rec),
        };
        match result {
            Ok(()) => {
                self.lines.push(line);
                self.report.rows_read += 1;
                Ok(())
            }
            Err(e) => {
                let column = e
                    .field
                    .map_or_else(|| "*".to_string(), |f| layout.names[f].clone());
                if !self.opts.skip_bad_rows {
                    return Err(self.csv_err(line, &column, e.reason));
                }
                self.report.rows_skipped += 1;
                *self
                    .report
                    .skipped_by_reason
                    .entry(e.kind.to_string())
                    .or_insert(0) += 1;
                if self.report.examples.len() < ReadReport::MAX_EXAMPLES {
                    self.report.examples.push(SkippedRow {
                        line,
                        column,
                        reason: e.reason,
                    });
                }
                Ok(())
            }
        }
    }

    /// Errors for a file without data rows.
    fn check_nonempty(&self) -> Result<()> {
        if self.report.rows_read > 0 {
            return Ok(());
        }
        let what = if !self.saw_record {
            format!("file `{}`", self.path)
        } else if self.report.rows_skipped > 0 {
            format!(
                "file `{}` after skipping {} bad rows",
                self.path, self.report.rows_skipped
            )
        } else {
            format!("file `{}` (no data rows)", self.path)
        };
        Err(SegError::Empty { what })
    }

    /// Maps a builder error on kept row `row` to a file line.
    fn map_build_err(&self, e: SegError) -> SegError {
        match e {
            SegError::InvalidValue {
                column,
                row,
                reason,
            } => {
                let field = match column.as_str() {
                    "product" => "product_id",
                    "session" => "session_id",
                    c => c,
                };
                let name = self
                    .layout
                    .as_ref()
                    .and_then(|l| {
                        self.fields
                            .iter()
                            .position(|(f, _)| *f == field)
                            .map(|i| l.names[i].clone())
                    })
                    .unwrap_or(column.clone());
                let line = self.lines.get(row).copied().unwrap_or(0);
                self.csv_err(line, &name, reason)
            }
            other => other,
        }
    }
}

// ---------------------------------------------------------------------------------------
// value parsers

fn get<'r>(layout: &Layout, rec: &[&'r str], field: usize) -> Option<&'r str> {
    layout.idx[field].and_then(|i| rec.get(i).copied())
}

fn time_error(s: &str, format: TimeFormat, field: usize) -> RowErr {
    let out_of_range = RowErr::new(
        field,
        "time out of range",
        format!("time `{s}` is outside 1900-01-01..2199-12-31"),
    );
    // epoch values that parse but fall outside the accepted range
    if matches!(format, TimeFormat::EpochSeconds | TimeFormat::Auto) {
        if let Ok(v) = s.parse::<f64>() {
            if v.is_finite()
                && (v < MIN_TIMESTAMP as f64 || v > MAX_TIMESTAMP as f64)
                && (format == TimeFormat::EpochSeconds || s.len() != 8 || s.contains('.'))
            {
                return out_of_range;
            }
        }
    }
    // dates whose year alone is out of range
    let b = s.as_bytes();
    if b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) {
        let year: i64 = s[..4].parse().unwrap_or(2000);
        if !(1900..=2199).contains(&year) {
            let probe = format!("2000{}", &s[4..]);
            if parse_time(&probe, format).is_some() {
                return out_of_range;
            }
        }
    }
    RowErr::new(field, "unparseable time", format!("unparseable time `{s}`"))
}

fn parse_ts(
    layout: &Layout,
    rec: &[&str],
    field: usize,
    format: TimeFormat,
) -> std::result::Result<i64, RowErr> {
    let s = required(layout, rec, field)?;
    parse_time(s, format).ok_or_else(|| time_error(s, format, field))
}

fn required<'r>(
    layout: &Layout,
    rec: &[&'r str],
    field: usize,
) -> std::result::Result<&'r str, RowErr> {
    match get(layout, rec, field) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(RowErr::new(field, "missing value", "empty value")),
    }
}

fn parse_num(s: &str, field: usize) -> std::result::Result<f64, RowErr> {
    let v: f64 = s.parse().map_err(|_| {
        RowErr::new(
            field,
            "unparseable number",
            format!("`{s}` is not a number"),
        )
    })?;
    if !v.is_finite() {
        return Err(RowErr::new(
            field,
            "non-finite number",
            format!("{s} is not a finite number"),
        ));
    }
    Ok(v)
}

fn parse_flag(s: &str, field: usize) -> std::result::Result<bool, RowErr> {
    match s.to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "f" | "no" | "n" => Ok(false),
        "1" | "true" | "t" | "yes" | "y" => Ok(true),
        _ => Err(RowErr::new(
            field,
            "unparseable flag",
            format!("`{s}` is not a flag (use 1/0, true/false or yes/no)"),
        )),
    }
}

fn id_value(s: &str, id_type: IdType, field: usize) -> std::result::Result<(), RowErr> {
    if s.is_empty() {
        return Err(RowErr::new(field, "missing value", "empty customer id"));
    }
    if id_type == IdType::Int && s.parse::<i64>().is_err() {
        return Err(RowErr::new(
            field,
            "bad customer id",
            format!("`{s}` is not an integer id"),
        ));
    }
    Ok(())
}

fn id_column(raw: Vec<String>, id_type: IdType) -> IdColumn {
    match id_type {
        IdType::Str => IdColumn::Str(raw),
        IdType::Int | IdType::Auto => {
            let ints: std::result::Result<Vec<i64>, _> =
                raw.iter().map(|s| s.parse::<i64>()).collect();
            match ints {
                Ok(v) => IdColumn::Int(v),
                Err(_) => IdColumn::Str(raw),
            }
        }
    }
}

fn open(path: &Path) -> Result<(std::fs::File, String)> {
    let name = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| SegError::Io {
        path: name.clone(),
        source: e,
    })?;
    Ok((f, name))
}

fn opt_push<T>(col: &mut Option<Vec<T>>, present: bool, v: T) {
    if present {
        col.get_or_insert_with(Vec::new).push(v);
    }
}

// ---------------------------------------------------------------------------------------
// the driver shared by the three readers

/// The columns a reader collects besides the customer id and the time (fields 0 and 1 of
/// every log), and how they become the log.
trait LogColumns {
    /// The log read.
    type Log;
    /// The log's fields, in the order of the module table.
    const FIELDS: &'static [FieldSpec];
    /// Parses the other fields of a row whose id and time are valid; appends them only when
    /// every one is valid.
    fn push(&mut self, l: &Layout, r: &[&str]) -> std::result::Result<(), RowErr>;
    /// Builds (and validates) the log.
    fn build(self, customer: IdColumn, timestamp: TimeColumn) -> Result<Self::Log>;
    /// The log's count of repeated rows.
    fn duplicate_rows(log: &Self::Log) -> usize;
}

/// Reads a log: every row's id and time, the other fields by `cols`, then the build.
fn read_log<R: Read, C: LogColumns>(
    rdr: R,
    name: &str,
    opts: &CsvOptions,
    mut cols: C,
) -> Result<(C::Log, ReadReport)> {
    let mut rd = Reading::new(name, opts, C::FIELDS)?;
    let mut ids: Vec<String> = Vec::new();
    let mut ts: Vec<i64> = Vec::new();
    let (id_type, fmt) = (opts.id_type, opts.time_format);
    let mut parse = |l: &Layout, r: &[&str]| -> std::result::Result<(), RowErr> {
        let id = get(l, r, 0).unwrap_or("");
        id_value(id, id_type, 0)?;
        let t = parse_ts(l, r, 1, fmt)?;
        cols.push(l, r)?;
        ids.push(id.to_string());
        ts.push(t);
        Ok(())
    };
    for_each_record(rdr, name, opts.delimiter, &mut |line, rec| {
        rd.record(line, rec, &mut parse)
    })?;
    rd.check_nonempty()?;
    let log = cols
        .build(id_column(ids, id_type), TimeColumn::Seconds(ts))
        .map_err(|e| rd.map_build_err(e))?;
    rd.report.duplicate_rows = C::duplicate_rows(&log);
    Ok((log, rd.report))
}

/// Text of field `f` of a row ("" when absent).
fn text(l: &Layout, r: &[&str], f: usize) -> String {
    get(l, r, f).unwrap_or("").to_string()
}

// ---------------------------------------------------------------------------------------
// transactions

/// Reads transactions from a file; see the module docs for the columns.
///
/// ```no_run
/// use segcore::data::csv::{read_transactions, CsvOptions};
/// let (tx, report) = read_transactions("orders.csv", &CsvOptions::default())?;
/// println!("{} rows, {} skipped", report.rows_read, report.rows_skipped);
/// # Ok::<(), segcore::SegError>(())
/// ```
pub fn read_transactions(
    path: impl AsRef<Path>,
    opts: &CsvOptions,
) -> Result<(Transactions, ReadReport)> {
    let (f, name) = open(path.as_ref())?;
    read_transactions_from_reader(f, &name, opts)
}

/// Reads transactions from any reader; `name` stands for the path in errors.
///
/// ```
/// use segcore::data::csv::{read_transactions_from_reader, CsvOptions};
/// let text = "customer_id,timestamp,amount\n1,2024-01-05,oops\n";
/// let e = read_transactions_from_reader(text.as_bytes(), "orders.csv", &CsvOptions::default()).unwrap_err();
/// assert_eq!(e.to_string(), "orders.csv, line 2, column `amount`: `oops` is not a number");
/// ```
pub fn read_transactions_from_reader<R: Read>(
    rdr: R,
    name: &str,
    opts: &CsvOptions,
) -> Result<(Transactions, ReadReport)> {
    read_log(rdr, name, opts, TxColumns::default())
}

#[derive(Default)]
struct TxColumns {
    amount: Vec<f64>,
    order_id: Option<Vec<String>>,
    quantity: Option<Vec<f64>>,
    product: Option<Vec<String>>,
    category: Option<Vec<String>>,
    channel: Option<Vec<String>>,
    discount: Option<Vec<bool>>,
}

impl LogColumns for TxColumns {
    type Log = Transactions;
    const FIELDS: &'static [FieldSpec] = &TX_FIELDS;

    fn push(&mut self, l: &Layout, r: &[&str]) -> std::result::Result<(), RowErr> {
        let a = parse_num(required(l, r, 2)?, 2)?;
        let q = match get(l, r, 4) {
            Some(s) => {
                let q = parse_num(if s.is_empty() { "?" } else { s }, 4)?;
                if q < 0.0 {
                    return Err(RowErr::new(
                        4,
                        "negative quantity",
                        format!("{q} is not a valid quantity (finite and >= 0)"),
                    ));
                }
                q
            }
            None => 0.0,
        };
        let d = match get(l, r, 8) {
            Some(s) => parse_flag(s, 8)?,
            None => false,
        };
        self.amount.push(a);
        opt_push(&mut self.order_id, l.idx[3].is_some(), text(l, r, 3));
        opt_push(&mut self.quantity, l.idx[4].is_some(), q);
        opt_push(&mut self.product, l.idx[5].is_some(), text(l, r, 5));
        opt_push(&mut self.category, l.idx[6].is_some(), text(l, r, 6));
        opt_push(&mut self.channel, l.idx[7].is_some(), text(l, r, 7));
        opt_push(&mut self.discount, l.idx[8].is_some(), d);
        Ok(())
    }

    fn build(self, customer: IdColumn, timestamp: TimeColumn) -> Result<Transactions> {
        TransactionsBuilder {
            customer: CustomerColumn::Ids(customer),
            timestamp,
            amount: self.amount,
            order_id: self.order_id.map(TextColumn::Text),
            quantity: self.quantity,
            product: self.product.map(TextColumn::Text),
            category: self.category.map(TextColumn::Text),
            channel: self.channel.map(TextColumn::Text),
            discount: self.discount,
        }
        .build()
    }

    fn duplicate_rows(log: &Transactions) -> usize {
        log.duplicate_rows()
    }
}

// ---------------------------------------------------------------------------------------
// events

/// Reads events from a file; see the module docs for the columns.
///
/// ```no_run
/// use segcore::data::csv::{read_events, CsvOptions};
/// let (ev, _report) = read_events("events.csv", &CsvOptions::default().column("session_id", "sid"))?;
/// # Ok::<(), segcore::SegError>(())
/// ```
pub fn read_events(path: impl AsRef<Path>, opts: &CsvOptions) -> Result<(Events, ReadReport)> {
    let (f, name) = open(path.as_ref())?;
    read_events_from_reader(f, &name, opts)
}

/// Reads events from any reader; an empty `value` is read as NaN (unknown).
///
/// ```
/// use segcore::data::csv::{read_events_from_reader, CsvOptions};
/// let text = "customer_id,timestamp,kind,value\nu1,1700000000,add_to_cart,25.5\nu1,1700000060,page_view,\n";
/// let (ev, _) = read_events_from_reader(text.as_bytes(), "events.csv", &CsvOptions::default()).unwrap();
/// assert_eq!(ev.kind_code(), &[3, 0]);
/// assert!(ev.value().unwrap()[1].is_nan());
/// ```
pub fn read_events_from_reader<R: Read>(
    rdr: R,
    name: &str,
    opts: &CsvOptions,
) -> Result<(Events, ReadReport)> {
    read_log(rdr, name, opts, EvColumns::default())
}

#[derive(Default)]
struct EvColumns {
    kind: Vec<String>,
    category: Option<Vec<String>>,
    channel: Option<Vec<String>>,
    session: Option<Vec<String>>,
    platform: Option<Vec<String>>,
    value: Option<Vec<f64>>,
}

impl LogColumns for EvColumns {
    type Log = Events;
    const FIELDS: &'static [FieldSpec] = &EV_FIELDS;

    fn push(&mut self, l: &Layout, r: &[&str]) -> std::result::Result<(), RowErr> {
        let k = get(l, r, 2).unwrap_or("");
        if k.is_empty() {
            return Err(RowErr::new(2, "missing value", "empty event kind"));
        }
        let v = match get(l, r, 7) {
            Some("") | None => f64::NAN,
            Some(s) => {
                let v: f64 = s.parse().map_err(|_| {
                    RowErr::new(7, "unparseable number", format!("`{s}` is not a number"))
                })?;
                if v.is_infinite() {
                    return Err(RowErr::new(
                        7,
                        "non-finite number",
                        "infinite value (leave empty for unknown)",
                    ));
                }
                v
            }
        };
        self.kind.push(k.to_string());
        opt_push(&mut self.category, l.idx[3].is_some(), text(l, r, 3));
        opt_push(&mut self.channel, l.idx[4].is_some(), text(l, r, 4));
        opt_push(&mut self.session, l.idx[5].is_some(), text(l, r, 5));
        opt_push(&mut self.platform, l.idx[6].is_some(), text(l, r, 6));
        opt_push(&mut self.value, l.idx[7].is_some(), v);
        Ok(())
    }

    fn build(self, customer: IdColumn, timestamp: TimeColumn) -> Result<Events> {
        EventsBuilder {
            customer: CustomerColumn::Ids(customer),
            timestamp,
            kind: self.kind,
            category: self.category.map(TextColumn::Text),
            channel: self.channel.map(TextColumn::Text),
            session: self.session.map(TextColumn::Text),
            platform: self.platform.map(TextColumn::Text),
            value: self.value,
        }
        .build()
    }

    fn duplicate_rows(log: &Events) -> usize {
        log.duplicate_rows()
    }
}

// ---------------------------------------------------------------------------------------
// feedback

/// Reads survey feedback from a file; see the module docs for the columns.
///
/// ```no_run
/// use segcore::data::{csv::{read_feedback, CsvOptions}, ScoreScale};
/// let opts = CsvOptions::default().default_scale(ScoreScale::Nps);
/// let (fb, _report) = read_feedback("nps.csv", &opts)?;
/// # Ok::<(), segcore::SegError>(())
/// ```
pub fn read_feedback(path: impl AsRef<Path>, opts: &CsvOptions) -> Result<(Feedback, ReadReport)> {
    let (f, name) = open(path.as_ref())?;
    read_feedback_from_reader(f, &name, opts)
}

/// Reads survey feedback from any reader.
///
/// ```
/// use segcore::data::csv::{read_feedback_from_reader, CsvOptions};
/// let text = "customer_id,timestamp,score,scale\n7,2024-03-01,9,nps\n7,2024-03-02,6,likert\n";
/// let e = read_feedback_from_reader(text.as_bytes(), "fb.csv", &CsvOptions::default()).unwrap_err();
/// assert_eq!(e.to_string(), "fb.csv, line 3, column `scale`: unknown score scale `likert` (use csat, nps or stars)");
/// ```
pub fn read_feedback_from_reader<R: Read>(
    rdr: R,
    name: &str,
    opts: &CsvOptions,
) -> Result<(Feedback, ReadReport)> {
    let cols = FbColumns {
        default_scale: opts.default_scale,
        ..FbColumns::default()
    };
    read_log(rdr, name, opts, cols)
}

#[derive(Default)]
struct FbColumns {
    default_scale: Option<ScoreScale>,
    score: Vec<f64>,
    scale: Vec<String>,
    topic: Option<Vec<String>>,
}

impl LogColumns for FbColumns {
    type Log = Feedback;
    const FIELDS: &'static [FieldSpec] = &FB_FIELDS;

    fn push(&mut self, l: &Layout, r: &[&str]) -> std::result::Result<(), RowErr> {
        let s = parse_num(required(l, r, 2)?, 2)?;
        let sc = match (get(l, r, 3), self.default_scale) {
            (Some(text), d) if !text.is_empty() || d.is_none() => {
                ScoreScale::parse(text).map_err(|_| {
                    RowErr::new(
                        3,
                        "unknown scale",
                        format!(
                            "unknown score scale `{}` (use csat, nps or stars)",
                            text.to_ascii_lowercase()
                        ),
                    )
                })?
            }
            (_, Some(d)) => d,
            (_, None) => return Err(RowErr::new(3, "missing value", "empty value")),
        };
        let (lo, hi) = sc.range();
        if s < lo || s > hi {
            return Err(RowErr::new(
                2,
                "score out of range",
                format!("{s} is outside the {} range {lo}..{hi}", sc.as_str()),
            ));
        }
        self.score.push(s);
        self.scale.push(sc.as_str().to_string());
        opt_push(&mut self.topic, l.idx[4].is_some(), text(l, r, 4));
        Ok(())
    }

    fn build(self, customer: IdColumn, timestamp: TimeColumn) -> Result<Feedback> {
        FeedbackBuilder {
            customer: CustomerColumn::Ids(customer),
            timestamp,
            score: self.score,
            scale: self.scale,
            topic: self.topic.map(TextColumn::Text),
        }
        .build()
    }

    fn duplicate_rows(log: &Feedback) -> usize {
        log.duplicate_rows()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_finds_renamed_columns() {
        let opts = CsvOptions::default().column("amount", "dollars");
        let rd = Reading::new("x", &opts, &TX_FIELDS).unwrap();
        let l = rd
            .make_layout(&["dollars", "customer_id", "timestamp"], Some(1))
            .unwrap();
        assert_eq!(l.width, 3);
        assert_eq!(&l.idx[..4], &[Some(1), Some(2), Some(0), None]);
        assert!(rd.check_nonempty().is_err());
    }
}
