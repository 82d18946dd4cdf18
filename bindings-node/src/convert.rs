//! JavaScript values to core columns: arrays of row objects or objects of column arrays.
//!
//! Conversion only: every value is checked for its JavaScript type here (the error names the
//! column and the row); every check on the values themselves (NaN amounts, times out of range,
//! unknown scales, lengths) is the core builders' job.

use napi::bindgen_prelude::{
    Float32Array, Float64Array, Int32Array, JsObjectValue, Object, Uint32Array, Unknown,
};
use napi::{JsValue, ValueType};
use segcore::data::time::{parse_time, TimeFormat};
use segcore::data::{IdColumn, TimeColumn};

use crate::error::{invalid, param, IntoJs, Result};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Customer ids: integers or strings.
    Id,
    /// Times: `Date`, epoch milliseconds or text.
    Time,
    /// Numbers; a missing value is an error.
    Num,
    /// Numbers; a missing value becomes NaN ("unknown").
    NumOrNaN,
    /// Text; a missing value is the empty string (missing level).
    Str,
    /// Booleans; a missing value is an error.
    Bool,
}

/// One column of a log: its JavaScript name, kind and whether it is required.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Property name in row objects and in the columns object.
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Whether the log needs it.
    pub required: bool,
}

/// A converted column.
#[derive(Debug, Clone)]
pub enum Col {
    /// Customer ids.
    Id(IdColumn),
    /// Times.
    Time(TimeColumn),
    /// Numbers.
    Num(Vec<f64>),
    /// Text.
    Str(Vec<String>),
    /// Booleans.
    Bool(Vec<bool>),
}

/// One JavaScript value, classified.
#[derive(Debug, Clone)]
enum Cell {
    Missing,
    Num(f64),
    Str(String),
    Bool(bool),
    Date(f64),
    Other(&'static str),
}

fn type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        ValueType::Object => "an object",
        ValueType::Function => "a function",
        ValueType::External => "an external",
        _ => "an unknown value",
    }
}

fn cell(u: &Unknown) -> Result<Cell> {
    let t = u.get_type().js()?;
    Ok(match t {
        ValueType::Undefined | ValueType::Null => Cell::Missing,
        ValueType::Number => Cell::Num(u.coerce_to_number().js()?.get_double().js()?),
        ValueType::String => Cell::Str(
            u.coerce_to_string()
                .js()?
                .into_utf8()
                .js()?
                .into_owned()
                .js()?,
        ),
        ValueType::Boolean => Cell::Bool(u.coerce_to_bool().js()?),
        ValueType::Object if u.is_date().js()? => {
            Cell::Date(u.coerce_to_number().js()?.get_double().js()?)
        }
        ValueType::Object if u.is_array().js()? => Cell::Other("an array"),
        other => Cell::Other(type_name(other)),
    })
}

fn describe(c: &Cell) -> &'static str {
    match c {
        Cell::Missing => "missing",
        Cell::Num(_) => "a number",
        Cell::Str(_) => "a string",
        Cell::Bool(_) => "a boolean",
        Cell::Date(_) => "a Date",
        Cell::Other(t) => t,
    }
}

/// Text of a number used as a label: integers without a fraction.
fn num_label(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Epoch milliseconds of a time value (floored to whole milliseconds).
fn millis(column: &str, row: usize, ms: f64, what: &str) -> Result<i64> {
    if !ms.is_finite() {
        return Err(invalid(column, row, format!("{what} is not a valid time")));
    }
    if ms.abs() > 9.0e15 {
        return Err(invalid(column, row, format!("{ms} ms is out of range")));
    }
    Ok(ms.floor() as i64)
}

fn to_col(f: &Field, cells: Vec<Cell>) -> Result<Col> {
    let name = f.name;
    let wrong = |row: usize, c: &Cell, expected: &str| {
        invalid(
            name,
            row,
            format!("expected {expected}, got {}", describe(c)),
        )
    };
    match f.kind {
        Kind::Num | Kind::NumOrNaN => {
            let mut out = Vec::with_capacity(cells.len());
            for (row, c) in cells.iter().enumerate() {
                out.push(match c {
                    Cell::Num(x) => *x,
                    Cell::Missing if f.kind == Kind::NumOrNaN => f64::NAN,
                    Cell::Missing => return Err(invalid(name, row, "missing value")),
                    c => return Err(wrong(row, c, "a number")),
                });
            }
            Ok(Col::Num(out))
        }
        Kind::Str => {
            let mut out = Vec::with_capacity(cells.len());
            for (row, c) in cells.into_iter().enumerate() {
                out.push(match c {
                    Cell::Str(s) => s,
                    Cell::Num(x) if x.is_finite() => num_label(x),
                    Cell::Missing => String::new(),
                    c => return Err(wrong(row, &c, "a string")),
                });
            }
            Ok(Col::Str(out))
        }
        Kind::Bool => {
            let mut out = Vec::with_capacity(cells.len());
            for (row, c) in cells.iter().enumerate() {
                out.push(match c {
                    Cell::Bool(b) => *b,
                    Cell::Missing => return Err(invalid(name, row, "missing value")),
                    c => return Err(wrong(row, c, "a boolean")),
                });
            }
            Ok(Col::Bool(out))
        }
        Kind::Id => {
            let any_str = cells.iter().any(|c| matches!(c, Cell::Str(_)));
            let mut ints = Vec::new();
            let mut strs = Vec::new();
            for (row, c) in cells.into_iter().enumerate() {
                match c {
                    Cell::Num(x) if x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 => {
                        if any_str {
                            strs.push(num_label(x));
                        } else {
                            ints.push(x as i64);
                        }
                    }
                    Cell::Num(x) => {
                        return Err(invalid(
                            name,
                            row,
                            format!("customer id {x} is not an integer (use integers or strings)"),
                        ))
                    }
                    Cell::Str(s) if !s.is_empty() => strs.push(s),
                    Cell::Str(_) | Cell::Missing => {
                        return Err(invalid(name, row, "missing customer id"))
                    }
                    c => return Err(wrong(row, &c, "an integer or a string")),
                }
            }
            Ok(Col::Id(if any_str {
                IdColumn::Str(strs)
            } else {
                IdColumn::Int(ints)
            }))
        }
        Kind::Time => {
            let all_text = !cells.is_empty() && cells.iter().all(|c| matches!(c, Cell::Str(_)));
            if all_text {
                let text = cells
                    .into_iter()
                    .map(|c| match c {
                        Cell::Str(s) => s,
                        _ => String::new(),
                    })
                    .collect();
                return Ok(Col::Time(TimeColumn::Text(text, TimeFormat::Auto)));
            }
            let mut out = Vec::with_capacity(cells.len());
            for (row, c) in cells.iter().enumerate() {
                out.push(match c {
                    Cell::Num(x) => millis(name, row, *x, &num_label(*x))?,
                    Cell::Date(x) => millis(name, row, *x, "an invalid Date")?,
                    Cell::Str(s) => match parse_time(s, TimeFormat::Auto) {
                        Some(secs) => secs.saturating_mul(1000),
                        None => return Err(invalid(name, row, format!("unparseable time `{s}`"))),
                    },
                    Cell::Missing => return Err(invalid(name, row, "missing time")),
                    c => return Err(wrong(row, c, "a Date, epoch milliseconds or a string")),
                });
            }
            Ok(Col::Time(TimeColumn::Millis(out)))
        }
    }
}

/// Numbers of a typed array column, if `name` holds one of the supported typed arrays.
fn typed_numbers(obj: &Object, name: &str) -> Result<Vec<f64>> {
    if let Ok(a) = obj.get_named_property::<Float64Array>(name) {
        return Ok(a.to_vec());
    }
    if let Ok(a) = obj.get_named_property::<Int32Array>(name) {
        return Ok(a.iter().map(|&v| v as f64).collect());
    }
    if let Ok(a) = obj.get_named_property::<Uint32Array>(name) {
        return Ok(a.iter().map(|&v| v as f64).collect());
    }
    if let Ok(a) = obj.get_named_property::<Float32Array>(name) {
        return Ok(a.iter().map(|&v| v as f64).collect());
    }
    Err(invalid(
        name,
        0,
        "unsupported typed array (use Float64Array, Float32Array, Int32Array, Uint32Array or an array)",
    ))
}

fn nullish(u: &Unknown) -> Result<bool> {
    Ok(matches!(
        u.get_type().js()?,
        ValueType::Undefined | ValueType::Null
    ))
}

/// A log read from JavaScript: its columns by field name and its number of rows.
#[derive(Debug, Default)]
pub struct Table {
    cols: Vec<(&'static str, Col)>,
}

impl Table {
    /// Takes a column out, if it was given.
    pub fn take(&mut self, name: &str) -> Option<Col> {
        let pos = self.cols.iter().position(|(n, _)| *n == name)?;
        Some(self.cols.swap_remove(pos).1)
    }
}

/// Reads `value` (an array of row objects, or an object of column arrays) as the log `what`
/// with the given fields. Required fields that are absent are an `INVALID_PARAMETER` error.
pub fn read_table(value: &Unknown, what: &str, fields: &[Field]) -> Result<Table> {
    if value.get_type().js()? != ValueType::Object {
        return Err(param(
            what,
            "expected an array of row objects or an object of column arrays",
        ));
    }
    let obj = value.coerce_to_object().js()?;
    let mut table = Table::default();
    if value.is_array().js()? {
        let n = obj.get_array_length().js()?;
        let mut rows: Vec<Object> = Vec::with_capacity(n as usize);
        for i in 0..n {
            let u: Unknown = obj.get_element(i).js()?;
            if u.get_type().js()? != ValueType::Object || u.is_array().js()? {
                return Err(param(
                    what,
                    format!("row {i} is {}, expected an object", describe(&cell(&u)?)),
                ));
            }
            rows.push(u.coerce_to_object().js()?);
        }
        for f in fields {
            let mut cells = Vec::with_capacity(rows.len());
            for r in &rows {
                let u: Unknown = r.get_named_property(f.name).js()?;
                cells.push(cell(&u)?);
            }
            let present = cells.iter().any(|c| !matches!(c, Cell::Missing));
            if !present {
                if f.required && !rows.is_empty() {
                    return Err(invalid(f.name, 0, "missing value"));
                }
                if !f.required {
                    continue;
                }
            }
            table.cols.push((f.name, to_col(f, cells)?));
        }
    } else {
        for f in fields {
            let u: Unknown = obj.get_named_property(f.name).js()?;
            if nullish(&u)? {
                if f.required {
                    return Err(param(what, format!("missing column `{}`", f.name)));
                }
                continue;
            }
            let cells: Vec<Cell> = if u.is_typedarray().js()? {
                typed_numbers(&obj, f.name)?
                    .into_iter()
                    .map(Cell::Num)
                    .collect()
            } else if u.is_array().js()? {
                let arr = u.coerce_to_object().js()?;
                let n = arr.get_array_length().js()?;
                let mut cells = Vec::with_capacity(n as usize);
                for i in 0..n {
                    let e: Unknown = arr.get_element(i).js()?;
                    cells.push(cell(&e)?);
                }
                cells
            } else {
                return Err(param(
                    what,
                    format!("column `{}` must be an array or a typed array", f.name),
                ));
            };
            table.cols.push((f.name, to_col(f, cells)?));
        }
    }
    Ok(table)
}

/// A single time value (`Date`, epoch milliseconds or text) as UTC seconds.
pub fn time_seconds(u: &Unknown, name: &'static str) -> Result<i64> {
    let f = Field {
        name,
        kind: Kind::Time,
        required: true,
    };
    match to_col(&f, vec![cell(u)?])? {
        Col::Time(t) => t
            .to_seconds(name)
            .js()?
            .first()
            .copied()
            .ok_or_else(|| param(name, "expected a time")),
        _ => Err(param(name, "expected a time")),
    }
}

/// Reads an optional property of an options object.
pub fn opt_prop<'e>(options: Option<&Object<'e>>, name: &str) -> Result<Option<Unknown<'e>>> {
    match options {
        None => Ok(None),
        Some(o) => {
            let u: Unknown = o.get_named_property(name).js()?;
            if nullish(&u)? {
                Ok(None)
            } else {
                Ok(Some(u))
            }
        }
    }
}
