//! String columns straight from Arrow-layout buffers (UTF-8 bytes + offsets + null flags):
//! customer ids interned into a [`CustomerIndex`] and labels into a [`Categorical`] without
//! one `String` per row, plain or dictionary-encoded.
//!
//! Bindings (Python, Node) hand the buffers of an Arrow (large) string array here instead of
//! building one host-language string per row. The result equals interning the same strings
//! one by one ([`CustomerIndex::build`], [`Categorical::from_strings`]), with the same
//! validation: a missing (null) or empty id is an error naming the column and the row.

use super::columns::{Categorical, MISSING};
use super::events::Events;
use super::feedback::Feedback;
use super::ids::{CustomerIndex, IdColumn, try_intern_sorted};
use super::intern_par::{par_intern_sorted, par_try_intern_sorted};
use super::transactions::Transactions;
use crate::{Result, SegError};

use rayon::prelude::*;

/// Rows per task of the parallel checks.
const CHECK_MIN_ROWS: usize = 1 << 16;

/// Offsets of an Arrow string (`i32`) or large string (`i64`) array: row `i` is
/// `data[offsets[i]..offsets[i + 1]]`, so there is one more offset than rows.
///
/// ```
/// use segcore::data::ids_buffers::Offsets;
/// assert_eq!(Offsets::I32(&[0, 1, 3]).rows(), 2);
/// assert_eq!(Offsets::I64(&[]).rows(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Offsets<'a> {
    /// 32-bit offsets (Arrow `string`).
    I32(&'a [i32]),
    /// 64-bit offsets (Arrow `large_string`).
    I64(&'a [i64]),
}

impl Offsets<'_> {
    /// Number of rows (offsets minus one; 0 for no offsets).
    ///
    /// ```
    /// assert_eq!(segcore::data::ids_buffers::Offsets::I64(&[0, 0]).rows(), 1);
    /// ```
    pub fn rows(&self) -> usize {
        match self {
            Offsets::I32(o) => o.len().saturating_sub(1),
            Offsets::I64(o) => o.len().saturating_sub(1),
        }
    }

    fn bounds(&self, row: usize) -> (i64, i64) {
        match self {
            Offsets::I32(o) => (i64::from(o[row]), i64::from(o[row + 1])),
            Offsets::I64(o) => (o[row], o[row + 1]),
        }
    }
}

/// A borrowed string column in Arrow layout.
///
/// ```
/// use segcore::data::ids_buffers::{Offsets, Utf8Buffers};
/// let col = Utf8Buffers::new(b"abxyz", Offsets::I32(&[0, 2, 2, 5]), Some(&[false, true, false]));
/// assert_eq!(col.len(), 3);
/// assert_eq!(col.get("c", 0).unwrap(), Some("ab"));
/// assert_eq!(col.get("c", 1).unwrap(), None);
/// assert_eq!(col.get("c", 2).unwrap(), Some("xyz"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Utf8Buffers<'a> {
    /// The UTF-8 bytes of all rows, back to back.
    pub data: &'a [u8],
    /// Row boundaries in `data` (one more than rows).
    pub offsets: Offsets<'a>,
    /// Per-row null flags (`true` = missing), or `None` when no row is missing.
    pub missing: Option<&'a [bool]>,
}

impl<'a> Utf8Buffers<'a> {
    /// A column from its data buffer, offsets and optional null flags.
    ///
    /// ```
    /// use segcore::data::ids_buffers::{Offsets, Utf8Buffers};
    /// assert!(Utf8Buffers::new(b"", Offsets::I32(&[0]), None).is_empty());
    /// ```
    pub fn new(data: &'a [u8], offsets: Offsets<'a>, missing: Option<&'a [bool]>) -> Self {
        Utf8Buffers {
            data,
            offsets,
            missing,
        }
    }

    /// Number of rows.
    ///
    /// ```
    /// use segcore::data::ids_buffers::{Offsets, Utf8Buffers};
    /// assert_eq!(Utf8Buffers::new(b"a", Offsets::I32(&[0, 1]), None).len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.offsets.rows()
    }

    /// True when there are no rows.
    ///
    /// ```
    /// use segcore::data::ids_buffers::{Offsets, Utf8Buffers};
    /// assert!(!Utf8Buffers::new(b"a", Offsets::I32(&[0, 1]), None).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks the null flags' length; errors name `column`.
    fn check(&self, column: &str) -> Result<()> {
        if let Some(m) = self.missing {
            if m.len() != self.len() {
                return Err(SegError::LengthMismatch {
                    column: format!("{column} (null flags)"),
                    found: m.len(),
                    expected: self.len(),
                });
            }
        }
        Ok(())
    }

    /// Row `row` as text, `None` when null. Errors ([`SegError::InvalidValue`] naming
    /// `column` and `row`): offsets outside the data, invalid UTF-8. Panics if
    /// `row >= len()`.
    ///
    /// ```
    /// use segcore::data::ids_buffers::{Offsets, Utf8Buffers};
    /// let col = Utf8Buffers::new(&[b'a', 0xff], Offsets::I32(&[0, 1, 2]), None);
    /// assert_eq!(col.get("id", 0).unwrap(), Some("a"));
    /// let e = col.get("id", 1).unwrap_err();
    /// assert_eq!(e.to_string(), "column `id`, row 1: invalid UTF-8");
    /// ```
    pub fn get(&self, column: &str, row: usize) -> Result<Option<&'a str>> {
        if self
            .missing
            .is_some_and(|m| m.get(row).copied().unwrap_or(false))
        {
            return Ok(None);
        }
        let (a, b) = self.offsets.bounds(row);
        if a < 0 || b < a || b as u64 > self.data.len() as u64 {
            return Err(SegError::invalid(
                column,
                row,
                format!(
                    "string offsets {a}..{b} outside the data buffer ({} bytes)",
                    self.data.len()
                ),
            ));
        }
        let bytes = &self.data[a as usize..b as usize];
        std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| SegError::invalid(column, row, "invalid UTF-8"))
    }

    /// The rows as checked text, when every row's offsets are in order and inside the data,
    /// the bytes they span are valid UTF-8 and every offset falls on a character boundary:
    /// then no row can fail [`get`](Self::get), and rows are read without decoding each one.
    /// `None` otherwise (the row-by-row path then finds the first bad row).
    fn checked(&self) -> Option<CheckedText<'a>> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        let (lo, _) = self.offsets.bounds(0);
        let (_, hi) = self.offsets.bounds(n - 1);
        if lo < 0 || hi < lo || hi as u64 > self.data.len() as u64 {
            return None;
        }
        let text = std::str::from_utf8(&self.data[lo as usize..hi as usize]).ok()?;
        let at = |o: i64| o >= lo && o <= hi && text.is_char_boundary((o - lo) as usize);
        let ok = (0..n)
            .into_par_iter()
            .with_min_len(CHECK_MIN_ROWS)
            .all(|r| {
                let (a, b) = self.offsets.bounds(r);
                a <= b && at(a) && at(b)
            });
        ok.then_some(CheckedText {
            text,
            lo,
            offsets: self.offsets,
            missing: self.missing,
        })
    }

    /// Every row as an owned `String` (null as `""`, the builders' "missing"), for APIs
    /// that take `Vec<String>`.
    ///
    /// ```
    /// use segcore::data::ids_buffers::{Offsets, Utf8Buffers};
    /// let col = Utf8Buffers::new(b"ab", Offsets::I32(&[0, 1, 2, 2]), Some(&[false, false, true]));
    /// assert_eq!(col.to_strings("c").unwrap(), vec!["a", "b", ""]);
    /// ```
    pub fn to_strings(&self, column: &str) -> Result<Vec<String>> {
        self.check(column)?;
        (0..self.len())
            .map(|r| Ok(self.get(column, r)?.unwrap_or("").to_string()))
            .collect()
    }
}

/// A string column whose rows are known to be valid (see [`Utf8Buffers::checked`]).
struct CheckedText<'a> {
    /// The text of all rows, from the first row's start.
    text: &'a str,
    /// Offset of `text` in the data buffer.
    lo: i64,
    offsets: Offsets<'a>,
    missing: Option<&'a [bool]>,
}

impl<'a> CheckedText<'a> {
    /// Row `row` (`None` when null).
    #[inline]
    fn get(&self, row: usize) -> Option<&'a str> {
        if self
            .missing
            .is_some_and(|m| m.get(row).copied().unwrap_or(false))
        {
            return None;
        }
        let (a, b) = self.offsets.bounds(row);
        self.text
            .get((a - self.lo) as usize..(b - self.lo) as usize)
    }

    /// The first row, in row order, for which `bad` holds.
    fn first(&self, bad: impl Fn(Option<&'a str>) -> bool + Sync) -> Option<usize> {
        (0..self.offsets.rows())
            .into_par_iter()
            .with_min_len(CHECK_MIN_ROWS)
            .find_first(|&r| bad(self.get(r)))
    }
}

/// Customer ids interned from buffers: the index and one code per row.
///
/// Build the log with [`InternedIds::code_column`] as its id column, then put the real ids
/// back with [`InternedIds::label_transactions`] (or `label_events` / `label_feedback`).
///
/// ```
/// use segcore::data::Transactions;
/// use segcore::data::ids_buffers::{intern_ids, Offsets, Utf8Buffers};
/// let ids = intern_ids("customer_id", &Utf8Buffers::new(b"bab", Offsets::I32(&[0, 1, 2, 3]), None)).unwrap();
/// assert_eq!(ids.codes, vec![1, 0, 1]);
/// let tx = Transactions::builder(ids.code_column(), vec![0_i64; 3], vec![1.0; 3]).build().unwrap();
/// let tx = ids.label_transactions(tx).unwrap();
/// assert_eq!(tx.customers().strs().unwrap(), &["a".to_string(), "b".to_string()][..]);
/// assert_eq!(tx.customer(), &[1, 0, 1]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct InternedIds {
    /// The distinct ids (sorted, as [`CustomerIndex::build`] sorts them).
    pub index: CustomerIndex,
    /// Per-row code into `index`.
    pub codes: Vec<u32>,
}

impl InternedIds {
    /// The codes as integer ids, to give a log builder in place of the strings.
    ///
    /// ```
    /// use segcore::data::{CustomerIndex, IdColumn};
    /// use segcore::data::ids_buffers::InternedIds;
    /// let ids = InternedIds { index: CustomerIndex::default(), codes: vec![0, 0] };
    /// assert_eq!(ids.code_column(), IdColumn::Int(vec![0, 0]));
    /// ```
    pub fn code_column(&self) -> IdColumn {
        IdColumn::Int(self.codes.iter().map(|&c| i64::from(c)).collect())
    }

    /// Checks that a log built from [`InternedIds::code_column`] has exactly the codes
    /// `0..index.len()` as its integer ids (then its row codes equal `self.codes`).
    fn check_built(&self, built: &CustomerIndex) -> Result<()> {
        let n = self.index.len();
        let ok = built.len() == n
            && built.ints().is_some_and(|v| {
                v.first().is_none_or(|&f| f == 0) && v.last().is_none_or(|&l| l as usize + 1 == n)
            });
        if ok {
            Ok(())
        } else {
            Err(SegError::shape(
                "the log was not built from these interned ids' code_column()",
            ))
        }
    }

    /// Puts the interned ids on transactions built from [`InternedIds::code_column`].
    /// Errors ([`SegError::Shape`]) when they were built from other ids.
    ///
    /// ```
    /// use segcore::data::Transactions;
    /// use segcore::data::ids_buffers::{intern_ids, Offsets, Utf8Buffers};
    /// let ids = intern_ids("id", &Utf8Buffers::new(b"x", Offsets::I32(&[0, 1]), None)).unwrap();
    /// let other = Transactions::builder(vec![7_i64], vec![0_i64], vec![1.0]).build().unwrap();
    /// assert!(ids.label_transactions(other).is_err());
    /// ```
    pub fn label_transactions(self, mut tx: Transactions) -> Result<Transactions> {
        self.check_built(&tx.customers)?;
        tx.customers = self.index;
        Ok(tx)
    }

    /// Puts the interned ids on events built from [`InternedIds::code_column`].
    ///
    /// ```
    /// use segcore::data::Events;
    /// use segcore::data::ids_buffers::{intern_ids, Offsets, Utf8Buffers};
    /// let ids = intern_ids("id", &Utf8Buffers::new(b"x", Offsets::I32(&[0, 1]), None)).unwrap();
    /// let ev = Events::builder(ids.code_column(), vec![0_i64], vec!["view"]).build().unwrap();
    /// assert_eq!(ids.label_events(ev).unwrap().customers().label(0), "x");
    /// ```
    pub fn label_events(self, mut ev: Events) -> Result<Events> {
        self.check_built(&ev.customers)?;
        ev.customers = self.index;
        Ok(ev)
    }

    /// Puts the interned ids on feedback built from [`InternedIds::code_column`].
    ///
    /// ```
    /// use segcore::data::Feedback;
    /// use segcore::data::ids_buffers::{intern_ids, Offsets, Utf8Buffers};
    /// let ids = intern_ids("id", &Utf8Buffers::new(b"x", Offsets::I32(&[0, 1]), None)).unwrap();
    /// let fb = Feedback::builder(ids.code_column(), vec![0_i64], vec![5.0], vec!["stars"]).build().unwrap();
    /// assert_eq!(ids.label_feedback(fb).unwrap().customers().label(0), "x");
    /// ```
    pub fn label_feedback(self, mut fb: Feedback) -> Result<Feedback> {
        self.check_built(&fb.customers)?;
        fb.customers = self.index;
        Ok(fb)
    }
}

fn id_of<'a>(column: &str, row: usize, v: Option<&'a str>) -> Result<Option<&'a str>> {
    match v {
        None => Err(SegError::invalid(column, row, "missing customer id")),
        Some(s) if s.trim().is_empty() => Err(SegError::invalid(column, row, "empty customer id")),
        Some(s) => Ok(Some(s)),
    }
}

fn index_of(keys: Vec<&str>, codes: Vec<u32>) -> InternedIds {
    let index = CustomerIndex::from_sorted_strs(keys.into_iter().map(str::to_string).collect());
    InternedIds { index, codes }
}

/// Interns a column of string customer ids from its buffers; equals
/// [`CustomerIndex::build`] on the same strings. Errors ([`SegError::InvalidValue`] naming
/// `column` and the row): a null ("missing customer id"), an empty or blank id ("empty
/// customer id"), invalid UTF-8 or offsets outside the data.
///
/// ```
/// use segcore::data::ids_buffers::{intern_ids, Offsets, Utf8Buffers};
/// let ids = intern_ids("cid", &Utf8Buffers::new(b"C2C1C2", Offsets::I32(&[0, 2, 4, 6]), None)).unwrap();
/// assert_eq!((ids.index.label(0), ids.codes), ("C1".to_string(), vec![1, 0, 1]));
/// let e = intern_ids("cid", &Utf8Buffers::new(b"C1", Offsets::I32(&[0, 2, 2]), Some(&[false, true]))).unwrap_err();
/// assert_eq!(e.to_string(), "column `cid`, row 1: missing customer id");
/// ```
pub fn intern_ids(column: &str, ids: &Utf8Buffers<'_>) -> Result<InternedIds> {
    ids.check(column)?;
    if let Some(text) = ids.checked() {
        // the first missing or blank id, as the row-by-row path would report it
        if let Some(row) = text.first(|v| v.is_none_or(|s| s.trim().is_empty())) {
            id_of(column, row, text.get(row))?;
        }
        let (keys, codes) = par_intern_sorted(ids.len(), |r| text.get(r));
        return Ok(index_of(keys, codes));
    }
    let (keys, codes) =
        par_try_intern_sorted(ids.len(), |r| id_of(column, r, ids.get(column, r)?))?;
    Ok(index_of(keys, codes))
}

/// Decodes dictionary `codes` (negative = missing) against `dictionary`, checking range.
fn dict_value<'a>(
    column: &str,
    row: usize,
    code: i64,
    dictionary: &Utf8Buffers<'a>,
) -> Result<Option<&'a str>> {
    if code < 0 {
        return Ok(None);
    }
    if code as u64 >= dictionary.len() as u64 {
        return Err(SegError::invalid(
            column,
            row,
            format!(
                "dictionary code {code} out of range ({} values)",
                dictionary.len()
            ),
        ));
    }
    dictionary.get(column, code as usize)
}

/// Dictionary-encoded ids (Arrow dictionary array, pandas / polars categorical): interns
/// the dictionary once and maps the per-row `codes` (negative = missing). Only the values
/// that occur are in the index; the result equals [`intern_ids`] on the decoded strings,
/// with the same errors (the row is the data row, not the dictionary entry).
///
/// ```
/// use segcore::data::ids_buffers::{intern_id_dictionary, Offsets, Utf8Buffers};
/// let dict = Utf8Buffers::new(b"zab", Offsets::I32(&[0, 1, 2, 3]), None);
/// let ids = intern_id_dictionary("cid", &dict, &[2, 1, 2]).unwrap();
/// assert_eq!(ids.index.len(), 2); // "z" is unused
/// assert_eq!(ids.codes, vec![1, 0, 1]);
/// let e = intern_id_dictionary("cid", &dict, &[1, -1]).unwrap_err();
/// assert_eq!(e.to_string(), "column `cid`, row 1: missing customer id");
/// ```
pub fn intern_id_dictionary(
    column: &str,
    dictionary: &Utf8Buffers<'_>,
    codes: &[i64],
) -> Result<InternedIds> {
    dictionary.check(column)?;
    let (keys, dict_codes) = dictionary_codes(column, dictionary, codes, true)?;
    Ok(index_of(keys, dict_codes))
}

/// `(sorted distinct used values, code per row)` of a dictionary-encoded column; with
/// `ids` a missing or blank value is an error, else it is [`MISSING`] (as is `""`).
fn dictionary_codes<'a>(
    column: &str,
    dictionary: &Utf8Buffers<'a>,
    codes: &[i64],
    ids: bool,
) -> Result<(Vec<&'a str>, Vec<u32>)> {
    // intern the dictionary's entries (once each), then map rows through it
    let mut entry: Vec<Option<u32>> = vec![None; dictionary.len()];
    let mut first_row: Vec<usize> = vec![usize::MAX; dictionary.len()];
    let mut first_missing: Option<usize> = None;
    for (row, &c) in codes.iter().enumerate() {
        if c < 0 {
            if ids && first_missing.is_none() {
                first_missing = Some(row);
            }
            continue;
        }
        if let Some(f) = first_row.get_mut(c as usize) {
            if *f == usize::MAX {
                *f = row;
            }
        } else {
            dict_value(column, row, c, dictionary)?;
        }
    }
    // the used entries, each checked as at its first row
    let used: Vec<usize> = (0..dictionary.len())
        .filter(|&e| first_row[e] != usize::MAX)
        .collect();
    let mut bad: Option<(usize, SegError)> =
        first_missing.map(|row| (row, SegError::invalid(column, row, "missing customer id")));
    let mut values: Vec<Option<&'a str>> = Vec::with_capacity(used.len());
    for &e in &used {
        let row = first_row[e];
        // errors of the dictionary entry are reported at the data row using it
        let v = dictionary.get(column, e).map_err(|err| match err {
            SegError::InvalidValue { reason, .. } => SegError::invalid(column, row, reason),
            other => other,
        });
        let v = match (v, ids) {
            (Ok(v), true) => id_of(column, row, v),
            (Ok(v), false) => Ok(v.filter(|s| !s.is_empty())),
            (Err(e), _) => Err(e),
        };
        match v {
            Ok(v) => values.push(v),
            Err(err) => {
                if bad.as_ref().is_none_or(|(r, _)| row < *r) {
                    bad = Some((row, err));
                }
                values.push(None);
            }
        }
    }
    if let Some((_, err)) = bad {
        return Err(err);
    }
    let (keys, used_codes) = try_intern_sorted(used.len(), |i| Ok(values[i]))?;
    for (k, &e) in used.iter().enumerate() {
        entry[e] = Some(used_codes[k]);
    }
    let row_codes = codes
        .iter()
        .map(|&c| {
            if c < 0 {
                MISSING
            } else {
                entry[c as usize].unwrap_or(MISSING)
            }
        })
        .collect();
    Ok((keys, row_codes))
}

/// A categorical column from buffers; equals [`Categorical::from_strings`] on the same
/// strings with nulls as `""` (missing). Errors: invalid UTF-8 or bad offsets, naming
/// `column` and the row.
///
/// ```
/// use segcore::data::MISSING;
/// use segcore::data::ids_buffers::{categorical, Offsets, Utf8Buffers};
/// let c = categorical("cat", &Utf8Buffers::new(b"rockjazz", Offsets::I32(&[0, 4, 4, 8]), None)).unwrap();
/// assert_eq!(c.levels, vec!["jazz", "rock"]);
/// assert_eq!(c.codes, vec![1, MISSING, 0]);
/// ```
pub fn categorical(column: &str, values: &Utf8Buffers<'_>) -> Result<Categorical> {
    values.check(column)?;
    let (keys, codes) = match values.checked() {
        Some(text) => par_intern_sorted(values.len(), |r| text.get(r).filter(|s| !s.is_empty())),
        None => par_try_intern_sorted(values.len(), |r| {
            Ok(values.get(column, r)?.filter(|s| !s.is_empty()))
        })?,
    };
    Ok(Categorical {
        levels: keys.into_iter().map(str::to_string).collect(),
        codes,
    })
}

/// A categorical column from a dictionary and per-row codes (negative = missing): the
/// dictionary is read once; unused values are dropped. Equals [`categorical`] on the
/// decoded strings.
///
/// ```
/// use segcore::data::MISSING;
/// use segcore::data::ids_buffers::{categorical_dictionary, Offsets, Utf8Buffers};
/// let dict = Utf8Buffers::new(b"rockjazzpop", Offsets::I32(&[0, 4, 8, 11]), None);
/// let c = categorical_dictionary("cat", &dict, &[0, -1, 1, 0]).unwrap();
/// assert_eq!(c.levels, vec!["jazz", "rock"]);
/// assert_eq!(c.codes, vec![1, MISSING, 0, 1]);
/// ```
pub fn categorical_dictionary(
    column: &str,
    dictionary: &Utf8Buffers<'_>,
    codes: &[i64],
) -> Result<Categorical> {
    dictionary.check(column)?;
    let (keys, codes) = dictionary_codes(column, dictionary, codes, false)?;
    Ok(Categorical {
        levels: keys.into_iter().map(str::to_string).collect(),
        codes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arrow buffers (i32 and i64 offsets) of `values` (`None` = null).
    fn buffers(values: &[Option<&str>]) -> (Vec<u8>, Vec<i32>, Vec<i64>, Vec<bool>) {
        let mut data = Vec::new();
        let mut o32 = vec![0i32];
        let mut missing = Vec::new();
        for v in values {
            data.extend_from_slice(v.unwrap_or("").as_bytes());
            o32.push(data.len() as i32);
            missing.push(v.is_none());
        }
        let o64 = o32.iter().map(|&o| i64::from(o)).collect();
        (data, o32, o64, missing)
    }

    fn pseudo_ids(n: usize, k: u64) -> Vec<String> {
        // deterministic LCG so the test needs no RNG crate API
        let mut x: u64 = 12345;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                format!("C{:06}é", (x >> 33) % k)
            })
            .collect()
    }

    #[test]
    fn equals_interning_one_by_one() {
        let ids = pseudo_ids(5000, 700);
        let vals: Vec<Option<&str>> = ids.iter().map(|s| Some(s.as_str())).collect();
        let (data, o32, o64, _) = buffers(&vals);
        let (want_index, want_codes) = CustomerIndex::build(&IdColumn::Str(ids.clone()));
        for off in [Offsets::I32(&o32), Offsets::I64(&o64)] {
            let got = intern_ids("customer_id", &Utf8Buffers::new(&data, off, None)).unwrap();
            assert_eq!(got.index, want_index);
            assert_eq!(got.codes, want_codes);
        }
        // all-false null flags change nothing
        let none = vec![false; ids.len()];
        let got = intern_ids(
            "customer_id",
            &Utf8Buffers::new(&data, Offsets::I32(&o32), Some(&none)),
        )
        .unwrap();
        assert_eq!(got.codes, want_codes);
    }

    #[test]
    fn dictionary_equals_plain() {
        let dict_vals = ["b", "zz", "a", "c", "unused"];
        let vals: Vec<Option<&str>> = dict_vals.iter().map(|s| Some(*s)).collect();
        let (data, o32, _, _) = buffers(&vals);
        let dict = Utf8Buffers::new(&data, Offsets::I32(&o32), None);
        let codes = [3_i64, 0, 2, 1, 0, 3, 2];
        let decoded: Vec<String> = codes
            .iter()
            .map(|&c| dict_vals[c as usize].to_string())
            .collect();
        let (want_index, want_codes) = CustomerIndex::build(&IdColumn::Str(decoded.clone()));
        let got = intern_id_dictionary("id", &dict, &codes).unwrap();
        assert_eq!(got.index, want_index);
        assert_eq!(got.codes, want_codes);
        assert_eq!(got.index.len(), 4);
        let cat = categorical_dictionary("c", &dict, &codes).unwrap();
        assert_eq!(cat, Categorical::from_strings(&decoded));
    }

    #[test]
    fn categorical_equals_from_strings() {
        let vals = [
            Some("web"),
            None,
            Some("app"),
            Some(""),
            Some("web"),
            Some("ümlaut"),
        ];
        let (data, o32, o64, missing) = buffers(&vals);
        let strs: Vec<&str> = vals.iter().map(|v| v.unwrap_or("")).collect();
        let want = Categorical::from_strings(&strs);
        assert_eq!(want.codes[1], MISSING);
        for off in [Offsets::I32(&o32), Offsets::I64(&o64)] {
            let col = Utf8Buffers::new(&data, off, Some(&missing));
            assert_eq!(categorical("channel", &col).unwrap(), want);
            assert_eq!(col.to_strings("channel").unwrap(), strs);
        }
    }

    #[test]
    fn invalid_utf8_names_column_and_row() {
        let data = [b'a', b'b', 0xc3, 0x28, b'c'];
        let col = Utf8Buffers::new(&data, Offsets::I64(&[0, 2, 4, 5]), None);
        let e = intern_ids("customer_id", &col).unwrap_err();
        assert!(
            matches!(e, SegError::InvalidValue { ref column, row: 1, .. } if column == "customer_id")
        );
        assert_eq!(e.to_string(), "column `customer_id`, row 1: invalid UTF-8");
        let e = categorical("product", &col).unwrap_err();
        assert_eq!(e.to_string(), "column `product`, row 1: invalid UTF-8");
        // through a dictionary: the data row that first uses the bad entry
        let e = intern_id_dictionary("customer_id", &col, &[0, 0, 2, 1]).unwrap_err();
        assert_eq!(e.to_string(), "column `customer_id`, row 3: invalid UTF-8");
    }

    #[test]
    fn a_character_split_between_rows_is_invalid() {
        // "é" is 0xc3 0xa9: the buffer is valid UTF-8, but neither row is
        let data = [b'a', 0xc3, 0xa9, b'b'];
        let col = Utf8Buffers::new(&data, Offsets::I32(&[0, 2, 4]), None);
        assert!(col.checked().is_none());
        let e = intern_ids("customer_id", &col).unwrap_err();
        assert_eq!(e.to_string(), "column `customer_id`, row 0: invalid UTF-8");
        assert_eq!(
            categorical("sku", &col).unwrap_err().to_string(),
            "column `sku`, row 0: invalid UTF-8"
        );
        // on the boundaries, the same bytes are checked text
        let col = Utf8Buffers::new(&data, Offsets::I32(&[0, 1, 3, 4]), None);
        let t = col.checked().unwrap();
        assert_eq!(
            (t.get(0), t.get(1), t.get(2)),
            (Some("a"), Some("é"), Some("b"))
        );
    }

    #[test]
    fn large_columns_report_the_first_bad_row() {
        let n = 5 * CHECK_MIN_ROWS + 3;
        let ids = pseudo_ids(n, 9_000);
        let mut vals: Vec<Option<&str>> = ids.iter().map(|s| Some(s.as_str())).collect();
        let (data, _, o64, _) = buffers(&vals);
        let col = Utf8Buffers::new(&data, Offsets::I64(&o64), None);
        assert!(col.checked().is_some());
        let (want_index, want_codes) = CustomerIndex::build(&IdColumn::Str(ids.clone()));
        let got = intern_ids("cid", &col).unwrap();
        assert_eq!((got.index, got.codes), (want_index, want_codes));
        // a blank id late in the column and a null after it: the blank is reported
        let far = 4 * CHECK_MIN_ROWS + 17;
        vals[far] = Some("  ");
        vals[far + CHECK_MIN_ROWS / 2] = None;
        let (data, _, o64, missing) = buffers(&vals);
        let col = Utf8Buffers::new(&data, Offsets::I64(&o64), Some(&missing));
        assert!(col.checked().is_some());
        let e = intern_ids("cid", &col).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("column `cid`, row {far}: empty customer id")
        );
    }

    #[test]
    fn nulls_and_blanks_name_the_row() {
        let (data, o32, _, missing) = buffers(&[Some("a"), Some("b"), None, Some(" ")]);
        let col = Utf8Buffers::new(&data, Offsets::I32(&o32), Some(&missing));
        let e = intern_ids("cid", &col).unwrap_err();
        assert!(matches!(e, SegError::InvalidValue { row: 2, .. }));
        assert_eq!(e.to_string(), "column `cid`, row 2: missing customer id");
        let (data, o32, _, _) = buffers(&[Some("a"), Some(" \t")]);
        let e = intern_ids("cid", &Utf8Buffers::new(&data, Offsets::I32(&o32), None)).unwrap_err();
        assert_eq!(e.to_string(), "column `cid`, row 1: empty customer id");
        // the same as the one-by-one path's validation
        let one = IdColumn::from(vec!["a", " \t"])
            .validate("cid")
            .unwrap_err();
        assert_eq!(e.to_string(), one.to_string());
        // dictionary: blank entry reported at the first row using it
        let e = intern_id_dictionary(
            "cid",
            &Utf8Buffers::new(&data, Offsets::I32(&o32), None),
            &[0, 0, 1],
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "column `cid`, row 2: empty customer id");
    }

    #[test]
    fn bad_offsets_codes_and_flags_are_errors() {
        let col = Utf8Buffers::new(b"abc", Offsets::I32(&[0, 2, 9]), None);
        let e = intern_ids("cid", &col).unwrap_err();
        assert!(matches!(e, SegError::InvalidValue { row: 1, .. }));
        let col = Utf8Buffers::new(b"abc", Offsets::I32(&[0, 2, 1]), None);
        assert!(matches!(
            intern_ids("cid", &col).unwrap_err(),
            SegError::InvalidValue { row: 1, .. }
        ));
        let dict = Utf8Buffers::new(b"ab", Offsets::I32(&[0, 1, 2]), None);
        let e = intern_id_dictionary("cid", &dict, &[0, 5]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column `cid`, row 1: dictionary code 5 out of range (2 values)"
        );
        let e = categorical_dictionary("c", &dict, &[7]).unwrap_err();
        assert!(matches!(e, SegError::InvalidValue { row: 0, .. }));
        let col = Utf8Buffers::new(b"ab", Offsets::I32(&[0, 1, 2]), Some(&[false]));
        assert!(matches!(
            intern_ids("cid", &col).unwrap_err(),
            SegError::LengthMismatch { .. }
        ));
    }

    #[test]
    fn labelled_logs_equal_string_built_logs() {
        let ids = pseudo_ids(300, 40);
        let vals: Vec<Option<&str>> = ids.iter().map(|s| Some(s.as_str())).collect();
        let (data, o32, _, _) = buffers(&vals);
        let n = ids.len();
        let t: Vec<i64> = (0..n as i64).map(|i| i * 3600).collect();
        let amount: Vec<f64> = (0..n).map(|i| (i % 7) as f64).collect();
        let interned = intern_ids(
            "customer_id",
            &Utf8Buffers::new(&data, Offsets::I32(&o32), None),
        )
        .unwrap();
        let built = Transactions::builder(interned.code_column(), t.clone(), amount.clone())
            .build()
            .unwrap();
        let got = interned.clone().label_transactions(built).unwrap();
        let want = Transactions::builder(ids.clone(), t.clone(), amount)
            .build()
            .unwrap();
        assert_eq!(got, want);
        let ev = Events::builder(interned.code_column(), t.clone(), vec!["view"; n])
            .build()
            .unwrap();
        let want_ev = Events::builder(ids.clone(), t.clone(), vec!["view"; n])
            .build()
            .unwrap();
        assert_eq!(interned.clone().label_events(ev).unwrap(), want_ev);
        let fb = Feedback::builder(
            interned.code_column(),
            t.clone(),
            vec![4.0; n],
            vec!["stars"; n],
        )
        .build()
        .unwrap();
        let want_fb = Feedback::builder(ids, t, vec![4.0; n], vec!["stars"; n])
            .build()
            .unwrap();
        assert_eq!(interned.label_feedback(fb).unwrap(), want_fb);
    }
}
