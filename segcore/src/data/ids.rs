//! Customer ids: external ids (integers or strings) to dense `u32` codes and back.

use rustc_hash::FxHashMap;

use super::columns::MISSING;
use crate::{Result, SegError};

/// A column of external customer ids as the user gave them.
///
/// ```
/// use segcore::data::IdColumn;
/// let ids: IdColumn = vec![3_i64, 1, 3].into();
/// assert_eq!(ids.len(), 3);
/// let ids: IdColumn = vec!["a".to_string(), "b".to_string()].into();
/// assert!(!ids.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum IdColumn {
    /// Integer ids.
    Int(Vec<i64>),
    /// String ids.
    Str(Vec<String>),
}

impl IdColumn {
    /// Checks that no string id is empty (or only white space).
    ///
    /// ```
    /// use segcore::data::IdColumn;
    /// let e = IdColumn::from(vec!["a", " "]).validate("customer_id").unwrap_err();
    /// assert_eq!(e.to_string(), "column `customer_id`, row 1: empty customer id");
    /// ```
    pub fn validate(&self, column: &str) -> Result<()> {
        if let IdColumn::Str(v) = self {
            if let Some(row) = v.iter().position(|s| s.trim().is_empty()) {
                return Err(SegError::invalid(column, row, "empty customer id"));
            }
        }
        Ok(())
    }

    /// Number of rows.
    ///
    /// ```
    /// assert_eq!(segcore::data::IdColumn::Int(vec![1, 2]).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            IdColumn::Int(v) => v.len(),
            IdColumn::Str(v) => v.len(),
        }
    }

    /// True when there are no rows.
    ///
    /// ```
    /// assert!(segcore::data::IdColumn::Int(vec![]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<Vec<i64>> for IdColumn {
    fn from(v: Vec<i64>) -> Self {
        IdColumn::Int(v)
    }
}

impl From<Vec<String>> for IdColumn {
    fn from(v: Vec<String>) -> Self {
        IdColumn::Str(v)
    }
}

impl From<Vec<&str>> for IdColumn {
    fn from(v: Vec<&str>) -> Self {
        IdColumn::Str(v.into_iter().map(str::to_string).collect())
    }
}

/// One external customer id, borrowed from a [`CustomerIndex`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerKey<'a> {
    /// An integer id.
    Int(i64),
    /// A string id.
    Str(&'a str),
}

impl std::fmt::Display for CustomerKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CustomerKey::Int(i) => write!(f, "{i}"),
            CustomerKey::Str(s) => f.write_str(s),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Keys {
    Int(Vec<i64>),
    Str(Vec<String>),
}

/// Maps external customer ids to dense codes `0..len()` and back.
///
/// Codes follow the sorted order of the ids (numeric for integers, byte order for strings),
/// so the same set of ids always gets the same codes whatever the row order.
///
/// ```
/// use segcore::data::{CustomerIndex, CustomerKey, IdColumn};
/// let (index, codes) = CustomerIndex::build(&IdColumn::Int(vec![30, 10, 30, 20]));
/// assert_eq!(codes, vec![2, 0, 2, 1]);
/// assert_eq!(index.len(), 3);
/// assert_eq!(index.key(0), CustomerKey::Int(10));
/// assert_eq!(index.find_int(30), Some(2));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerIndex {
    keys: Keys,
}

impl Default for CustomerIndex {
    fn default() -> Self {
        CustomerIndex {
            keys: Keys::Int(Vec::new()),
        }
    }
}

/// Interns `values` (`None` = missing): the distinct values in sorted order and, per row,
/// the position of its value in that order ([`MISSING`] for `None`).
pub(crate) fn intern_sorted<'a, K>(
    values: impl ExactSizeIterator<Item = Option<&'a K>>,
) -> (Vec<&'a K>, Vec<u32>)
where
    K: std::hash::Hash + Eq + Ord + ?Sized + 'a,
{
    let mut values = values;
    let n = values.len();
    let out: Result<_, std::convert::Infallible> =
        try_intern_sorted(n, |_| Ok(values.next().flatten()));
    match out {
        Ok(v) => v,
        Err(never) => match never {},
    }
}

/// Interns rows `lo..hi` read by `value` in first-seen order (distinct values, per-row
/// codes, [`MISSING`] for `None`); stops at the first error.
pub(crate) fn intern_first_seen<'a, K, E>(
    lo: usize,
    hi: usize,
    mut value: impl FnMut(usize) -> Result<Option<&'a K>, E>,
) -> Result<(Vec<&'a K>, Vec<u32>), E>
where
    K: std::hash::Hash + Eq + ?Sized + 'a,
{
    let mut map: FxHashMap<&K, u32> = FxHashMap::default();
    let mut uniq: Vec<&K> = Vec::new();
    let mut codes = Vec::with_capacity(hi - lo);
    for row in lo..hi {
        let Some(v) = value(row)? else {
            codes.push(MISSING);
            continue;
        };
        let next = uniq.len() as u32;
        codes.push(*map.entry(v).or_insert_with(|| {
            uniq.push(v);
            next
        }));
    }
    Ok((uniq, codes))
}

/// [`intern_sorted`] over `n` rows read by `value(row)`, which may fail (the first error is
/// returned): one routine for ids and categories from any source.
pub(crate) fn try_intern_sorted<'a, K, E>(
    n: usize,
    mut value: impl FnMut(usize) -> Result<Option<&'a K>, E>,
) -> Result<(Vec<&'a K>, Vec<u32>), E>
where
    K: std::hash::Hash + Eq + Ord + ?Sized + 'a,
{
    // first-seen codes, then renumber in sorted order
    let (uniq, mut codes) = intern_first_seen(0, n, &mut value)?;
    let mut order: Vec<u32> = (0..uniq.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| uniq[a as usize].cmp(uniq[b as usize]));
    let mut rank = vec![0u32; uniq.len()];
    for (new, &old) in order.iter().enumerate() {
        rank[old as usize] = new as u32;
    }
    for c in codes.iter_mut() {
        if *c != MISSING {
            *c = rank[*c as usize];
        }
    }
    Ok((order.iter().map(|&o| uniq[o as usize]).collect(), codes))
}

/// Interns a slice with no missing values (in parallel when large).
fn intern_slice<K: std::hash::Hash + Eq + Ord + Sync>(v: &[K]) -> (Vec<&K>, Vec<u32>) {
    super::intern_par::par_intern_sorted(v.len(), |r| Some(&v[r]))
}

impl CustomerIndex {
    /// The index of string ids already sorted and distinct (from an interning).
    pub(crate) fn from_sorted_strs(keys: Vec<String>) -> Self {
        debug_assert!(keys.windows(2).all(|w| w[0] < w[1]));
        CustomerIndex {
            keys: Keys::Str(keys),
        }
    }

    /// Builds the index of a column of ids and returns the code of every row.
    ///
    /// ```
    /// use segcore::data::{CustomerIndex, IdColumn};
    /// let (index, codes) = CustomerIndex::build(&IdColumn::from(vec!["b", "a", "b"]));
    /// assert_eq!(codes, vec![1, 0, 1]);
    /// assert_eq!(index.label(1), "b");
    /// ```
    pub fn build(ids: &IdColumn) -> (Self, Vec<u32>) {
        match ids {
            IdColumn::Int(v) => {
                let (keys, codes) = intern_slice(v);
                let keys = keys.into_iter().copied().collect();
                (
                    CustomerIndex {
                        keys: Keys::Int(keys),
                    },
                    codes,
                )
            }
            IdColumn::Str(v) => {
                // keyed by `&str` (pointer and length in the table) rather than `&String`,
                // so a probe compares without first reading the row's String header
                let (keys, codes) =
                    super::intern_par::par_intern_sorted(v.len(), |r| Some(v[r].as_str()));
                let keys = keys.into_iter().map(str::to_string).collect();
                (
                    CustomerIndex {
                        keys: Keys::Str(keys),
                    },
                    codes,
                )
            }
        }
    }

    /// Number of distinct customers.
    ///
    /// ```
    /// assert_eq!(segcore::data::CustomerIndex::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        match &self.keys {
            Keys::Int(v) => v.len(),
            Keys::Str(v) => v.len(),
        }
    }

    /// True when the index holds no customer.
    ///
    /// ```
    /// assert!(segcore::data::CustomerIndex::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The external id of code `code`. Panics if `code >= len()` (codes come from the index).
    ///
    /// ```
    /// use segcore::data::{CustomerIndex, CustomerKey, IdColumn};
    /// let (index, _) = CustomerIndex::build(&IdColumn::from(vec!["x"]));
    /// assert_eq!(index.key(0), CustomerKey::Str("x"));
    /// ```
    pub fn key(&self, code: u32) -> CustomerKey<'_> {
        match &self.keys {
            Keys::Int(v) => CustomerKey::Int(v[code as usize]),
            Keys::Str(v) => CustomerKey::Str(&v[code as usize]),
        }
    }

    /// The external id of `code` as text.
    ///
    /// ```
    /// use segcore::data::{CustomerIndex, IdColumn};
    /// let (index, _) = CustomerIndex::build(&IdColumn::Int(vec![42]));
    /// assert_eq!(index.label(0), "42");
    /// ```
    pub fn label(&self, code: u32) -> String {
        self.key(code).to_string()
    }

    /// The integer ids in code order, if the ids are integers.
    ///
    /// ```
    /// use segcore::data::{CustomerIndex, IdColumn};
    /// let (index, _) = CustomerIndex::build(&IdColumn::Int(vec![5, 2]));
    /// assert_eq!(index.ints(), Some(&[2_i64, 5][..]));
    /// ```
    pub fn ints(&self) -> Option<&[i64]> {
        match &self.keys {
            Keys::Int(v) => Some(v),
            Keys::Str(_) => None,
        }
    }

    /// The string ids in code order, if the ids are strings.
    ///
    /// ```
    /// use segcore::data::{CustomerIndex, IdColumn};
    /// let (index, _) = CustomerIndex::build(&IdColumn::from(vec!["b", "a"]));
    /// assert_eq!(index.strs().unwrap()[0], "a");
    /// ```
    pub fn strs(&self) -> Option<&[String]> {
        match &self.keys {
            Keys::Str(v) => Some(v),
            Keys::Int(_) => None,
        }
    }

    /// The string ids in code order as Arrow `large_utf8` buffers: the concatenated UTF-8
    /// bytes and `len() + 1` offsets into them (id `k` is `bytes[offsets[k]..offsets[k + 1]]`),
    /// or `None` for integer ids. Bindings hand these to pyarrow / polars so that an output
    /// index of a million ids costs two copies, not a million strings.
    ///
    /// ```
    /// use segcore::data::{CustomerIndex, IdColumn};
    /// let (index, _) = CustomerIndex::build(&IdColumn::from(vec!["bb", "a", "bb"]));
    /// let (bytes, offsets) = index.utf8_buffers().unwrap();
    /// assert_eq!(bytes, b"abb");
    /// assert_eq!(offsets, vec![0, 1, 3]);
    /// assert!(CustomerIndex::build(&IdColumn::Int(vec![1])).0.utf8_buffers().is_none());
    /// ```
    pub fn utf8_buffers(&self) -> Option<(Vec<u8>, Vec<i64>)> {
        let strs = self.strs()?;
        let total: usize = strs.iter().map(String::len).sum();
        let mut bytes = Vec::with_capacity(total);
        let mut offsets = Vec::with_capacity(strs.len() + 1);
        offsets.push(0i64);
        for s in strs {
            bytes.extend_from_slice(s.as_bytes());
            // at most isize::MAX bytes in one Vec, so the length fits an i64
            offsets.push(bytes.len() as i64);
        }
        Some((bytes, offsets))
    }

    /// All ids as an [`IdColumn`] in code order.
    ///
    /// ```
    /// use segcore::data::{CustomerIndex, IdColumn};
    /// let (index, _) = CustomerIndex::build(&IdColumn::Int(vec![9, 7]));
    /// assert_eq!(index.to_column(), IdColumn::Int(vec![7, 9]));
    /// ```
    pub fn to_column(&self) -> IdColumn {
        match &self.keys {
            Keys::Int(v) => IdColumn::Int(v.clone()),
            Keys::Str(v) => IdColumn::Str(v.clone()),
        }
    }

    /// Code of an integer id (binary search).
    ///
    /// ```
    /// use segcore::data::{CustomerIndex, IdColumn};
    /// let (index, _) = CustomerIndex::build(&IdColumn::Int(vec![9, 7]));
    /// assert_eq!(index.find_int(9), Some(1));
    /// assert_eq!(index.find_int(8), None);
    /// ```
    pub fn find_int(&self, id: i64) -> Option<u32> {
        match &self.keys {
            Keys::Int(v) => v.binary_search(&id).ok().map(|i| i as u32),
            Keys::Str(v) => {
                let s = id.to_string();
                v.binary_search(&s).ok().map(|i| i as u32)
            }
        }
    }

    /// Code of a string id (binary search); integer indexes parse the string.
    ///
    /// ```
    /// use segcore::data::{CustomerIndex, IdColumn};
    /// let (index, _) = CustomerIndex::build(&IdColumn::from(vec!["b", "a"]));
    /// assert_eq!(index.find_str("b"), Some(1));
    /// ```
    pub fn find_str(&self, id: &str) -> Option<u32> {
        match &self.keys {
            Keys::Str(v) => v
                .binary_search_by(|k| k.as_str().cmp(id))
                .ok()
                .map(|i| i as u32),
            Keys::Int(v) => id
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|i| v.binary_search(&i).ok().map(|i| i as u32)),
        }
    }

    /// Code of an id, or [`SegError::UnknownCustomer`].
    ///
    /// ```
    /// use segcore::data::{CustomerIndex, IdColumn};
    /// let (index, _) = CustomerIndex::build(&IdColumn::Int(vec![1]));
    /// assert_eq!(index.code_of("1").unwrap(), 0);
    /// assert_eq!(index.code_of("2").unwrap_err().code(), "UNKNOWN_CUSTOMER");
    /// ```
    pub fn code_of(&self, id: &str) -> Result<u32> {
        self.find_str(id)
            .ok_or_else(|| SegError::UnknownCustomer { id: id.to_string() })
    }

    /// The union of two indexes, with the remapping of each one's codes into the union.
    /// Integer and string indexes combine into a string index.
    ///
    /// ```
    /// use segcore::data::{CustomerIndex, IdColumn};
    /// let (a, _) = CustomerIndex::build(&IdColumn::Int(vec![1, 3]));
    /// let (b, _) = CustomerIndex::build(&IdColumn::Int(vec![2, 3]));
    /// let (u, ra, rb) = a.union(&b);
    /// assert_eq!(u.ints(), Some(&[1_i64, 2, 3][..]));
    /// assert_eq!((ra, rb), (vec![0, 2], vec![1, 2]));
    /// ```
    pub fn union(&self, other: &CustomerIndex) -> (CustomerIndex, Vec<u32>, Vec<u32>) {
        let both = match (&self.keys, &other.keys) {
            (Keys::Int(a), Keys::Int(b)) => IdColumn::Int(a.iter().chain(b).copied().collect()),
            _ => IdColumn::Str(
                (0..self.len() as u32)
                    .map(|c| self.label(c))
                    .chain((0..other.len() as u32).map(|c| other.label(c)))
                    .collect(),
            ),
        };
        let (u, codes) = CustomerIndex::build(&both);
        let rb = codes[self.len()..].to_vec();
        let mut ra = codes;
        ra.truncate(self.len());
        (u, ra, rb)
    }
}
