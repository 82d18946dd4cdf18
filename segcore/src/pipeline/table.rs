//! The customer table: one row per customer, named columns of numbers or text.

use std::io::Write;

use crate::analytics::privacy::Privacy;
use crate::data::CustomerIndex;
use crate::{Result, SegError};

/// One column of a [`CustomerTable`].
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers (NaN = not defined, written as an empty CSV cell).
    Num(Vec<f64>),
    /// Text (segment names, bands, drivers).
    Text(Vec<String>),
}

impl Column {
    /// Number of rows.
    ///
    /// ```
    /// assert_eq!(segcore::pipeline::Column::Num(vec![1.0]).len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            Column::Num(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }

    /// True when the column has no rows.
    ///
    /// ```
    /// assert!(segcore::pipeline::Column::Text(vec![]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell of row `row` as text (shortest round-trip form for numbers, empty for NaN).
    ///
    /// ```
    /// use segcore::pipeline::Column;
    /// assert_eq!(Column::Num(vec![0.1, f64::NAN]).cell(0), "0.1");
    /// assert_eq!(Column::Num(vec![0.1, f64::NAN]).cell(1), "");
    /// ```
    pub fn cell(&self, row: usize) -> String {
        match self {
            Column::Num(v) => match v.get(row) {
                Some(x) if x.is_finite() => format!("{x}"),
                _ => String::new(),
            },
            Column::Text(v) => v.get(row).cloned().unwrap_or_default(),
        }
    }
}

/// One row per customer (in [`CustomerIndex`] code order) and named columns.
///
/// ```
/// use segcore::data::{CustomerIndex, IdColumn};
/// use segcore::pipeline::{Column, CustomerTable};
/// let (index, _) = CustomerIndex::build(&IdColumn::Int(vec![7, 3]));
/// let mut t = CustomerTable::new(index);
/// t.push("recency", Column::Num(vec![1.5, 20.0])).unwrap();
/// t.push("segment", Column::Text(vec!["a".into(), "b".into()])).unwrap();
/// let mut csv = Vec::new();
/// t.write_csv(&mut csv).unwrap();
/// assert_eq!(String::from_utf8(csv).unwrap(), "customer_id,recency,segment\n3,1.5,a\n7,20,b\n");
/// assert!(t.push("bad", Column::Num(vec![1.0])).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerTable {
    /// The customers, one row each in code order.
    pub customers: CustomerIndex,
    /// Column names.
    pub names: Vec<String>,
    /// Columns, parallel to `names`.
    pub columns: Vec<Column>,
}

impl CustomerTable {
    /// An empty table over these customers.
    ///
    /// ```
    /// let t = segcore::pipeline::CustomerTable::new(Default::default());
    /// assert_eq!(t.n_rows(), 0);
    /// ```
    pub fn new(customers: CustomerIndex) -> Self {
        CustomerTable {
            customers,
            names: Vec::new(),
            columns: Vec::new(),
        }
    }

    /// Number of rows (customers).
    ///
    /// ```
    /// let t = segcore::pipeline::CustomerTable::new(Default::default());
    /// assert_eq!(t.n_rows(), 0);
    /// ```
    pub fn n_rows(&self) -> usize {
        self.customers.len()
    }

    /// Appends (or replaces) a column; its length must equal the number of customers.
    ///
    /// ```
    /// let mut t = segcore::pipeline::CustomerTable::new(Default::default());
    /// assert!(t.push("x", segcore::pipeline::Column::Num(vec![])).is_ok());
    /// ```
    pub fn push(&mut self, name: impl Into<String>, column: Column) -> Result<()> {
        let name = name.into();
        if column.len() != self.n_rows() {
            return Err(SegError::LengthMismatch {
                column: name,
                expected: self.n_rows(),
                found: column.len(),
            });
        }
        match self.names.iter().position(|n| *n == name) {
            Some(i) => self.columns[i] = column,
            None => {
                self.names.push(name);
                self.columns.push(column);
            }
        }
        Ok(())
    }

    /// The column called `name`.
    ///
    /// ```
    /// let mut t = segcore::pipeline::CustomerTable::new(Default::default());
    /// t.push("x", segcore::pipeline::Column::Num(vec![])).unwrap();
    /// assert!(t.get("x").is_some() && t.get("y").is_none());
    /// ```
    pub fn get(&self, name: &str) -> Option<&Column> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.columns[i])
    }

    /// Writes the table as CSV with a leading `customer_id` column (raw ids; see
    /// [`CustomerTable::write_csv_private`] for pseudonymised output).
    ///
    /// ```
    /// let t = segcore::pipeline::CustomerTable::new(Default::default());
    /// let mut out = Vec::new();
    /// t.write_csv(&mut out).unwrap();
    /// assert_eq!(out, b"customer_id\n");
    /// ```
    pub fn write_csv<W: Write>(&self, out: W) -> Result<()> {
        let ids: Vec<String> = (0..self.n_rows() as u32)
            .map(|c| self.customers.label(c))
            .collect();
        self.write_with_ids(out, "customer_id", &ids)
    }

    /// Writes the table as CSV under the privacy settings: with a key, the leading column is
    /// `customer_pseudonym` holding `HMAC-SHA256(key, id)` in hex and no raw id is written;
    /// without one it is the same as [`CustomerTable::write_csv`].
    ///
    /// ```
    /// use segcore::analytics::privacy::{pseudonymise_one, Privacy};
    /// use segcore::data::{CustomerIndex, IdColumn};
    /// use segcore::pipeline::{Column, CustomerTable};
    /// let (index, _) = CustomerIndex::build(&IdColumn::Int(vec![7]));
    /// let mut t = CustomerTable::new(index);
    /// t.push("clv", Column::Num(vec![12.5])).unwrap();
    /// let mut csv = Vec::new();
    /// t.write_csv_private(&mut csv, &Privacy::with_key("secret").hex_len(Some(16))).unwrap();
    /// let p = pseudonymise_one(b"secret", "7", Some(16)).unwrap();
    /// assert_eq!(String::from_utf8(csv).unwrap(), format!("customer_pseudonym,clv\n{p},12.5\n"));
    /// ```
    pub fn write_csv_private<W: Write>(&self, out: W, privacy: &Privacy) -> Result<()> {
        let ids = privacy.ids(&self.customers)?;
        self.write_with_ids(out, privacy.id_column(), &ids)
    }

    fn write_with_ids<W: Write>(&self, out: W, id_name: &str, ids: &[String]) -> Result<()> {
        let io = |e: csv::Error| SegError::Io {
            path: "customer table".into(),
            source: std::io::Error::other(e.to_string()),
        };
        let mut w = csv::Writer::from_writer(out);
        let mut header = vec![id_name.to_string()];
        header.extend(self.names.iter().cloned());
        w.write_record(&header).map_err(io)?;
        for (row, id) in ids.iter().enumerate().take(self.n_rows()) {
            let mut rec = Vec::with_capacity(self.columns.len() + 1);
            rec.push(id.clone());
            rec.extend(self.columns.iter().map(|c| c.cell(row)));
            w.write_record(&rec).map_err(io)?;
        }
        w.flush().map_err(|e| SegError::Io {
            path: "customer table".into(),
            source: e,
        })?;
        Ok(())
    }

    /// Writes the table as a CSV file under the privacy settings (see
    /// [`CustomerTable::write_csv_private`]).
    ///
    /// ```
    /// use segcore::analytics::privacy::Privacy;
    /// let t = segcore::pipeline::CustomerTable::new(Default::default());
    /// let p = std::env::temp_dir().join("segcore_doc_table_private.csv");
    /// t.save_csv_private(&p, &Privacy::with_key("k")).unwrap();
    /// assert_eq!(std::fs::read_to_string(&p).unwrap(), "customer_pseudonym\n");
    /// ```
    pub fn save_csv_private(
        &self,
        path: impl AsRef<std::path::Path>,
        privacy: &Privacy,
    ) -> Result<()> {
        let path = path.as_ref();
        let f = std::fs::File::create(path).map_err(|e| SegError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        self.write_csv_private(std::io::BufWriter::new(f), privacy)
    }

    /// Writes the table as a CSV file.
    ///
    /// ```
    /// let t = segcore::pipeline::CustomerTable::new(Default::default());
    /// let p = std::env::temp_dir().join("segcore_doc_table.csv");
    /// t.save_csv(&p).unwrap();
    /// assert!(p.exists());
    /// ```
    pub fn save_csv(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let path = path.as_ref();
        let f = std::fs::File::create(path).map_err(|e| SegError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        self.write_csv(std::io::BufWriter::new(f))
    }
}
