//! Builder inputs that may come already interned: a text column as strings or as a
//! [`Categorical`], and a customer column as ids or as [`InternedIds`] (index + codes).
//!
//! Bindings intern string columns straight from Arrow buffers (see
//! [`super::ids_buffers`]); handing the result to a builder as is skips a second interning
//! and one `String` per row. Interned input is checked (codes in range, levels sorted and
//! distinct) and gives the same log as the strings it came from.

use super::columns::{Categorical, MISSING};
use super::ids::{CustomerIndex, IdColumn};
use super::ids_buffers::InternedIds;
use crate::{Result, SegError};

/// A text column of a log builder: one string per row (empty = missing) or a categorical
/// column (sorted distinct levels + one code per row).
///
/// ```
/// use segcore::data::{Categorical, Transactions, MISSING};
/// use segcore::data::coded::TextColumn;
/// let c = Categorical { levels: vec!["jazz".into(), "rock".into()], codes: vec![1, MISSING] };
/// let a = Transactions::builder(vec![1_i64, 2], vec![0_i64, 0], vec![1.0, 2.0])
///     .category(TextColumn::Coded(c)).build().unwrap();
/// let b = Transactions::builder(vec![1_i64, 2], vec![0_i64, 0], vec![1.0, 2.0])
///     .category(vec!["rock", ""]).build().unwrap();
/// assert_eq!(a, b);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum TextColumn {
    /// One string per row.
    Text(Vec<String>),
    /// Already interned.
    Coded(Categorical),
}

impl<S: Into<String>> From<Vec<S>> for TextColumn {
    fn from(v: Vec<S>) -> Self {
        TextColumn::Text(v.into_iter().map(Into::into).collect())
    }
}

impl From<Categorical> for TextColumn {
    fn from(c: Categorical) -> Self {
        TextColumn::Coded(c)
    }
}

impl TextColumn {
    /// Number of rows.
    ///
    /// ```
    /// assert_eq!(segcore::data::coded::TextColumn::from(vec!["a", "b"]).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            TextColumn::Text(v) => v.len(),
            TextColumn::Coded(c) => c.codes.len(),
        }
    }

    /// True when there are no rows.
    ///
    /// ```
    /// assert!(segcore::data::coded::TextColumn::from(Vec::<String>::new()).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The categorical column, without levels no row uses; errors ([`SegError::InvalidValue`] naming `column`) when a
    /// coded column's levels are not sorted, distinct and non-empty, or a code is neither
    /// a level nor [`MISSING`].
    ///
    /// ```
    /// use segcore::data::Categorical;
    /// use segcore::data::coded::TextColumn;
    /// let bad = TextColumn::Coded(Categorical { levels: vec!["a".into()], codes: vec![0, 1] });
    /// assert_eq!(
    ///     bad.into_categorical("category").unwrap_err().to_string(),
    ///     "column `category`, row 1: code 1 out of range (1 levels)"
    /// );
    /// ```
    pub fn into_categorical(self, column: &str) -> Result<Categorical> {
        match self {
            TextColumn::Text(v) => Ok(Categorical::from_strings_par(&v)),
            TextColumn::Coded(c) => {
                if let Some(k) = c
                    .levels
                    .iter()
                    .enumerate()
                    .position(|(k, l)| l.is_empty() || (k > 0 && c.levels[k - 1] >= *l))
                {
                    return Err(SegError::invalid(
                        column,
                        0,
                        format!("level {k} is empty, out of order or repeated"),
                    ));
                }
                let n = c.levels.len();
                if let Some(row) = c
                    .codes
                    .iter()
                    .position(|&k| k != MISSING && k as usize >= n)
                {
                    return Err(SegError::invalid(
                        column,
                        row,
                        format!("code {} out of range ({n} levels)", c.codes[row]),
                    ));
                }
                Ok(drop_unused_levels(c))
            }
        }
    }
}

/// Removes levels no row uses (as a pandas categorical's unused categories), so a coded
/// column gives the same [`Categorical`] as the strings it stands for.
fn drop_unused_levels(c: Categorical) -> Categorical {
    let mut used = vec![false; c.levels.len()];
    for &k in &c.codes {
        if k != MISSING {
            used[k as usize] = true;
        }
    }
    if used.iter().all(|&u| u) {
        return c;
    }
    let mut remap = vec![MISSING; used.len()];
    let mut levels = Vec::with_capacity(used.len());
    for (k, level) in c.levels.into_iter().enumerate() {
        if used[k] {
            remap[k] = levels.len() as u32;
            levels.push(level);
        }
    }
    let codes = c
        .codes
        .iter()
        .map(|&k| {
            if k == MISSING {
                MISSING
            } else {
                remap[k as usize]
            }
        })
        .collect();
    Categorical { levels, codes }
}

/// The customer column of a log builder: ids, or ids already interned.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CustomerColumn {
    Ids(IdColumn),
    Interned(InternedIds),
}

impl CustomerColumn {
    pub(crate) fn len(&self) -> usize {
        match self {
            CustomerColumn::Ids(v) => v.len(),
            CustomerColumn::Interned(i) => i.codes.len(),
        }
    }

    /// Validates the column and returns the index and every row's code.
    pub(crate) fn index(self) -> Result<(CustomerIndex, Vec<u32>)> {
        match self {
            CustomerColumn::Ids(ids) => {
                ids.validate("customer_id")?;
                Ok(CustomerIndex::build(&ids))
            }
            CustomerColumn::Interned(i) => {
                let n = i.index.len();
                if let Some(row) = i.codes.iter().position(|&c| c as usize >= n) {
                    return Err(SegError::invalid(
                        "customer_id",
                        row,
                        format!("code {} out of range ({n} customers)", i.codes[row]),
                    ));
                }
                Ok((i.index, i.codes))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Transactions;

    #[test]
    fn interned_input_is_checked() {
        let ids = InternedIds {
            index: CustomerIndex::from_sorted_strs(vec!["a".into()]),
            codes: vec![0, 1],
        };
        let e = Transactions::builder_interned(ids, vec![0_i64; 2], vec![1.0; 2])
            .build()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "column `customer_id`, row 1: code 1 out of range (1 customers)"
        );
        let unsorted = Categorical {
            levels: vec!["b".into(), "a".into()],
            codes: vec![0, 1],
        };
        let e = Transactions::builder(vec![1_i64, 2], vec![0_i64; 2], vec![1.0; 2])
            .channel(unsorted)
            .build()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "column `channel`, row 0: level 1 is empty, out of order or repeated"
        );
    }

    #[test]
    fn unused_levels_are_dropped() {
        let c = Categorical {
            levels: vec!["a".into(), "b".into(), "c".into(), "d".into()],
            codes: vec![3, MISSING, 1, 3],
        };
        let got = TextColumn::Coded(c).into_categorical("category").unwrap();
        assert_eq!(got.levels, vec!["b".to_string(), "d".to_string()]);
        assert_eq!(got.codes, vec![1, MISSING, 0, 1]);
        let text = TextColumn::from(vec!["d", "", "b", "d"]);
        assert_eq!(text.into_categorical("category").unwrap(), got);
    }
}
