//! String columns from Python: a list of `str` (the general path) or Arrow buffers made by
//! `segcore._frames.arrow_strings` (the fast path, no Python object per row):
//!
//! * `("utf8", data, offsets, missing, None)`: `data` a uint8 array of UTF-8 bytes,
//!   `offsets` an int32 or int64 array (one more than rows), `missing` a bool array
//!   (`True` = null) or `None`;
//! * `("dict", data, offsets, missing, codes)`: the same for the dictionary, and `codes`
//!   an int64 array per row (-1 = null).
//!
//! Arrays are borrowed read-only (`view`) and read by the core with the GIL released.

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use segcore::data::coded::TextColumn;
use segcore::data::ids_buffers::{
    categorical, categorical_dictionary, intern_id_dictionary, intern_ids, InternedIds, Offsets,
    Utf8Buffers,
};
use segcore::data::IdColumn;

use crate::error::param_error;

/// The numpy arrays of a buffer-passed string column.
pub struct Buffers<'py> {
    data: PyReadonlyArray1<'py, u8>,
    off32: Option<PyReadonlyArray1<'py, i32>>,
    off64: Option<PyReadonlyArray1<'py, i64>>,
    missing: Option<PyReadonlyArray1<'py, bool>>,
    codes: Option<PyReadonlyArray1<'py, i64>>,
}

/// `(tag, data, offsets, missing, codes)` as sent by `_frames.arrow_strings`.
type BuffersTuple<'py> = (
    String,
    PyReadonlyArray1<'py, u8>,
    Bound<'py, PyAny>,
    Option<PyReadonlyArray1<'py, bool>>,
    Option<PyReadonlyArray1<'py, i64>>,
);

/// Borrowed slices of [`Buffers`] (Send: read with the GIL released).
#[derive(Clone, Copy)]
pub struct BufView<'a> {
    col: Utf8Buffers<'a>,
    codes: Option<&'a [i64]>,
}

fn contiguous<'a, T: numpy::Element>(
    a: &'a PyReadonlyArray1<'_, T>,
    what: &str,
) -> PyResult<&'a [T]> {
    a.as_slice()
        .map_err(|_| param_error("column", format!("{what} buffer must be contiguous")))
}

impl<'py> Buffers<'py> {
    /// The buffers of a `("utf8" | "dict", ...)` tuple; `None` for anything else.
    fn extract(obj: &Bound<'py, PyAny>) -> PyResult<Option<Self>> {
        if !obj.is_instance_of::<PyTuple>() {
            return Ok(None);
        }
        let (tag, data, offsets, missing, codes): BuffersTuple<'py> = obj.extract()?;
        let (off32, off64) = match offsets.extract::<PyReadonlyArray1<'py, i32>>() {
            Ok(o) => (Some(o), None),
            Err(_) => (None, Some(offsets.extract::<PyReadonlyArray1<'py, i64>>()?)),
        };
        match (tag.as_str(), codes.is_some()) {
            ("utf8", false) | ("dict", true) => Ok(Some(Buffers {
                data,
                off32,
                off64,
                missing,
                codes,
            })),
            _ => Err(param_error(
                "column",
                format!("bad string buffers tag `{tag}`"),
            )),
        }
    }

    fn view(&self) -> PyResult<BufView<'_>> {
        let offsets = match (&self.off32, &self.off64) {
            (Some(o), _) => Offsets::I32(contiguous(o, "offsets")?),
            (None, Some(o)) => Offsets::I64(contiguous(o, "offsets")?),
            (None, None) => Offsets::I32(&[]),
        };
        let missing = self
            .missing
            .as_ref()
            .map(|m| contiguous(m, "null"))
            .transpose()?;
        Ok(BufView {
            col: Utf8Buffers::new(contiguous(&self.data, "data")?, offsets, missing),
            codes: self
                .codes
                .as_ref()
                .map(|c| contiguous(c, "codes"))
                .transpose()?,
        })
    }
}

impl BufView<'_> {
    fn ids(&self, column: &str) -> segcore::Result<InternedIds> {
        match self.codes {
            Some(codes) => intern_id_dictionary(column, &self.col, codes),
            None => intern_ids(column, &self.col),
        }
    }

    /// The column interned by the core, as a categorical.
    fn text(&self, column: &str) -> segcore::Result<TextColumn> {
        Ok(TextColumn::Coded(match self.codes {
            None => categorical(column, &self.col)?,
            Some(codes) => categorical_dictionary(column, &self.col, codes)?,
        }))
    }

    /// One `String` per row (`""` for null), as the log builders take them.
    fn strings(&self, column: &str) -> segcore::Result<Vec<String>> {
        match self.codes {
            None => self.col.to_strings(column),
            Some(codes) => {
                let c = categorical_dictionary(column, &self.col, codes)?;
                Ok(c.codes
                    .iter()
                    .map(|&k| c.levels.get(k as usize).cloned().unwrap_or_default())
                    .collect())
            }
        }
    }
}

/// A string column argument: a list of `str` or buffers.
pub enum StrArg<'py> {
    /// Python list of `str`.
    List(Vec<String>),
    /// Arrow buffers.
    Buf(Buffers<'py>),
}

/// A borrowed [`StrArg`], Send.
pub enum StrView<'a> {
    /// Python list of `str` (moved out of the argument).
    List(Vec<String>),
    /// Arrow buffers.
    Buf(BufView<'a>),
}

impl<'py> StrArg<'py> {
    /// Buffers tuple or sequence of `str`.
    pub fn extract(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Some(b) = Buffers::extract(obj)? {
            return Ok(StrArg::Buf(b));
        }
        Ok(StrArg::List(obj.extract::<Vec<String>>()?))
    }

    /// The column for the GIL-free part (moves a list out).
    pub fn view(&mut self) -> PyResult<StrView<'_>> {
        match self {
            StrArg::List(v) => Ok(StrView::List(std::mem::take(v))),
            StrArg::Buf(b) => Ok(StrView::Buf(b.view()?)),
        }
    }
}

impl StrView<'_> {
    /// An optional text column for a log builder: strings, or interned from the buffers.
    pub fn text(self, column: &str) -> segcore::Result<TextColumn> {
        match self {
            StrView::List(v) => Ok(TextColumn::Text(v)),
            StrView::Buf(b) => b.text(column),
        }
    }

    /// One `String` per row (`""` = missing); errors name `column` and the row.
    pub fn strings(self, column: &str) -> segcore::Result<Vec<String>> {
        match self {
            StrView::List(v) => Ok(v),
            StrView::Buf(b) => b.strings(column),
        }
    }
}

/// A customer column ready for a log builder: ids, or interned from buffers by the core.
pub enum Customers {
    /// Integer ids or strings (the builder interns them).
    Ids(IdColumn),
    /// Interned from buffers (`builder_interned`).
    Interned(InternedIds),
}

/// A customer id argument: int64 array, list of `str`, or string buffers.
pub enum IdArg<'py> {
    /// Integer ids or a list of `str`.
    Plain(Option<IdColumn>),
    /// Arrow buffers.
    Buf(Buffers<'py>),
}

/// A borrowed [`IdArg`], Send.
pub enum IdView<'a> {
    /// Integer ids or strings.
    Plain(IdColumn),
    /// Arrow buffers.
    Buf(BufView<'a>),
}

impl<'py> IdArg<'py> {
    /// int64 numpy array, buffers tuple, or sequence of `str`.
    pub fn extract(obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(a) = obj.extract::<PyReadonlyArray1<'_, i64>>() {
            return Ok(IdArg::Plain(Some(IdColumn::Int(a.as_array().to_vec()))));
        }
        if let Some(b) = Buffers::extract(obj)? {
            return Ok(IdArg::Buf(b));
        }
        Ok(IdArg::Plain(Some(IdColumn::Str(
            obj.extract::<Vec<String>>()?,
        ))))
    }

    /// The column for the GIL-free part (moves plain ids out).
    pub fn view(&mut self) -> PyResult<IdView<'_>> {
        match self {
            IdArg::Plain(v) => Ok(IdView::Plain(v.take().unwrap_or(IdColumn::Int(Vec::new())))),
            IdArg::Buf(b) => Ok(IdView::Buf(b.view()?)),
        }
    }
}

impl IdView<'_> {
    /// The id column for a log builder, and the interned ids to label the built log with
    /// (buffers only: the builder gets their codes).
    pub fn resolve(self, column: &str) -> segcore::Result<Customers> {
        match self {
            IdView::Plain(c) => Ok(Customers::Ids(c)),
            IdView::Buf(b) => Ok(Customers::Interned(b.ids(column)?)),
        }
    }
}
