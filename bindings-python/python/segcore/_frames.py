"""DataFrame conversion: pandas / polars / pyarrow / dict of arrays in, plain columns out.

Inputs are read column by column into numpy (no per-row Python loop for numeric or
datetime data), then shaped for the core:

* ids: int64 array (integer ids, integral floats) or a list of ``str``;
* times: int64 UTC seconds (from ``datetime64`` of any unit, tz-aware converted to UTC,
  ``datetime.date``/``datetime`` objects, or integer epoch seconds) or a list of ``str``
  that the core parses (ISO 8601, ``YYYYMMDD``, epoch seconds);
* values: float64 arrays; flags: bool arrays; categories: lists of ``str`` (``""`` = missing).

String ids and categories (pandas ``str`` / ``string`` / object / categorical columns,
polars ``String`` / ``Categorical`` / ``Enum``, Arrow (large) string and dictionary arrays)
skip all of that: :func:`arrow_strings` hands their Arrow buffers (UTF-8 bytes, offsets,
null flags, dictionary codes) to the native module as numpy views, and the core interns
them without a Python ``str`` per row.

Outputs are DataFrames of the input's kind: polars in, polars out; anything else gives
pandas. pandas, polars and pyarrow are imported only when used.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, Optional

import numpy as np

from . import _segcore

__all__ = ["frame_kind", "get_column", "arrow_strings", "ids", "times", "floats", "bools", "strings"]

_EPOCH = _dt.datetime(1970, 1, 1)
_EPOCH_DATE = _dt.date(1970, 1, 1)
_SECOND = _dt.timedelta(seconds=1)


# --------------------------------------------------------------------------- kinds


def frame_kind(data: Any) -> str:
    """``"pandas"``, ``"polars"``, ``"arrow"`` or ``"dict"``; TypeError for anything else."""
    mod = type(data).__module__ or ""
    if mod.startswith("polars"):
        return "polars"
    if mod.startswith("pandas") and hasattr(data, "columns"):
        return "pandas"
    if mod.startswith("pyarrow") and hasattr(data, "column_names"):
        return "arrow"
    if isinstance(data, Mapping):
        return "dict"
    raise TypeError(
        "expected a pandas DataFrame, a polars DataFrame, a pyarrow Table or a dict of "
        f"arrays, got {type(data).__name__}"
    )


def prepare(data: Any) -> Any:
    """Collects a polars LazyFrame; other inputs are returned as they are."""
    mod = type(data).__module__ or ""
    if mod.startswith("polars") and type(data).__name__ == "LazyFrame":
        return data.collect()
    return data


def column_names(data: Any, kind: str) -> list:
    if kind == "arrow":
        return list(data.column_names)
    if kind == "dict":
        return list(data.keys())
    return [str(c) for c in data.columns]


def has_column(data: Any, kind: str, name: str) -> bool:
    return name in column_names(data, kind)


def get_column(data: Any, kind: str, name: str, param: str, log: str) -> np.ndarray:
    """The column ``name`` as a numpy array; missing values are NaN / NaT / None."""
    if not has_column(data, kind, name):
        cols = ", ".join(map(str, column_names(data, kind)))
        raise _segcore._invalid_parameter(
            param, f"column `{name}` not found in {log} (columns: {cols})"
        )
    if kind == "arrow":
        return _arrow_to_numpy(data.column(name))
    return to_numpy(data[name])


def length(data: Any, kind: str) -> int:
    if kind == "arrow":
        return data.num_rows
    if kind == "dict":
        for v in data.values():
            return len(v)
        return 0
    return len(data)


# --------------------------------------------------------------------------- string buffers


def arrow_strings(data: Any, kind: str, name: str) -> Optional[tuple]:
    """The column ``name`` as Arrow string buffers for the native module, or None when it
    is not a string column (then the numpy path below applies).

    Returns ``("utf8", data, offsets, missing, None)`` (uint8 bytes, int32/int64 offsets
    with one more entry than rows, bool null flags or None) or, for dictionary-encoded
    columns, ``("dict", data, offsets, missing, codes)`` where the first four describe the
    dictionary and ``codes`` is int64 per row (-1 = null). Views, not copies, when the
    column is Arrow-backed.

    >>> import pyarrow as pa
    >>> t = arrow_strings({"id": pa.array(["ab", None, "c"])}, "dict", "id")
    >>> t[0], t[1].tobytes(), t[2].tolist(), t[3].tolist()
    ('utf8', b'abc', [0, 2, 2, 3], [False, True, False])
    """
    if not has_column(data, kind, name):
        return None
    col = data.column(name) if kind == "arrow" else data[name]
    try:
        arr = _to_arrow_strings(col)
    except Exception:  # not convertible (mixed objects, bytes, ...): the numpy path decides
        return None
    if arr is None:
        return None
    return _buffers_of(arr)


def check_buffer_ids(bufs: tuple, column: str) -> None:
    """Raises the missing-id error (column, first null row) for buffers from
    :func:`arrow_strings`, vectorised, so it comes before any other column's error as on
    the per-row path. Blank ids are checked by the core."""
    if bufs[0] == "dict":
        bad = bufs[4] < 0
        if bufs[3] is not None and bufs[3].any():
            bad = bad | bufs[3][np.where(bad, 0, bufs[4])] & ~bad
    elif bufs[3] is not None:
        bad = bufs[3]
    else:
        return
    if bad.size and bad.any():
        raise _missing_error(column, int(np.argmax(bad)), "customer id")


def _to_arrow_strings(col: Any) -> Any:
    """An Arrow string or dictionary-of-string Array for a string-like column, else None."""
    mod = type(col).__module__ or ""
    if mod.startswith("polars"):
        import polars as pl

        if not (col.dtype == pl.String or col.dtype == pl.Categorical or isinstance(col.dtype, pl.Enum)):
            return None
        try:
            arr = col.to_arrow(compat_level=pl.CompatLevel.oldest())
        except (AttributeError, TypeError):
            arr = col.to_arrow()
    elif mod.startswith("pandas"):
        import pandas as pd

        dtype = col.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            if col.cat.categories.dtype.kind not in "OUST":
                return None
        elif isinstance(dtype, np.dtype):
            if dtype.kind not in "OU":
                return None
        elif getattr(dtype, "kind", "O") not in "OUS":
            return None
        import pyarrow as pa

        arr = pa.array(col, from_pandas=True)
    elif mod.startswith("pyarrow"):
        arr = col
    else:
        a = col if isinstance(col, np.ndarray) else None
        if a is None:
            if not isinstance(col, (list, tuple)):
                return None
        elif a.dtype.kind not in "OU" or a.ndim != 1:
            return None
        import pyarrow as pa

        arr = pa.array(col, from_pandas=True)
    return _normalise_arrow(arr)


def _normalise_arrow(arr: Any) -> Any:
    import pyarrow as pa

    if isinstance(arr, pa.ChunkedArray):
        if arr.num_chunks == 1:
            arr = arr.chunk(0)
        elif pa.types.is_dictionary(arr.type):
            try:
                arr = arr.unify_dictionaries().combine_chunks()
            except (pa.ArrowException, NotImplementedError):
                arr = arr.cast(pa.large_string()).combine_chunks()
        elif arr.num_chunks == 0:
            arr = pa.array([], type=pa.large_string())
        else:
            if not pa.types.is_large_string(arr.type):
                arr = arr.cast(pa.large_string())
            arr = arr.combine_chunks()
    t = arr.type
    if pa.types.is_dictionary(t):
        if not _is_text(t.value_type):
            return None
        return arr
    if not _is_text(t):
        return None
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        arr = arr.cast(pa.large_string())
    return arr


def _is_text(t: Any) -> bool:
    import pyarrow as pa

    return bool(
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or (hasattr(pa.types, "is_string_view") and pa.types.is_string_view(t))
    )


def _utf8_parts(arr: Any) -> tuple:
    import pyarrow as pa

    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.large_string())
    odt = np.int32 if pa.types.is_string(arr.type) else np.int64
    n = len(arr)
    _, obuf, dbuf = arr.buffers()[:3]
    if obuf is None:
        offsets = np.zeros(n + 1, dtype=odt)
    else:
        offsets = np.frombuffer(obuf, dtype=odt)[arr.offset : arr.offset + n + 1]
    data = np.zeros(0, dtype=np.uint8) if dbuf is None or dbuf.size == 0 else np.frombuffer(dbuf, dtype=np.uint8)
    missing = None
    if arr.null_count:
        missing = np.ascontiguousarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    return data, offsets, missing


def _buffers_of(arr: Any) -> tuple:
    import pyarrow as pa

    if pa.types.is_dictionary(arr.type):
        import pyarrow.compute as pc

        codes = pc.fill_null(arr.indices.cast(pa.int64()), -1).to_numpy(zero_copy_only=False)
        data, offsets, missing = _utf8_parts(_normalise_arrow(arr.dictionary))
        return ("dict", data, offsets, missing, np.ascontiguousarray(codes, dtype=np.int64))
    data, offsets, missing = _utf8_parts(arr)
    return ("utf8", data, offsets, missing, None)


# --------------------------------------------------------------------------- to numpy


def to_numpy(col: Any) -> np.ndarray:
    """Any column-like object as a 1-D numpy array with NaN / NaT / None for missing."""
    mod = type(col).__module__ or ""
    if mod.startswith("pandas"):
        return _pandas_to_numpy(col)
    if mod.startswith("polars"):
        return _polars_to_numpy(col)
    if mod.startswith("pyarrow"):
        return _arrow_to_numpy(col)
    arr = np.asarray(col)
    if arr.ndim != 1:
        arr = arr.reshape(-1) if arr.ndim == 0 else arr
    if arr.ndim != 1:
        raise _segcore._invalid_parameter("column", f"expected a 1-D column, got shape {arr.shape}")
    return arr


def _pandas_to_numpy(s: Any) -> np.ndarray:
    import pandas as pd

    if isinstance(s, pd.Index):
        s = pd.Series(s)
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = np.asarray(s.cat.codes.to_numpy(), dtype=np.int64)
        cats = _pandas_to_numpy(pd.Series(s.cat.categories))
        if (codes < 0).any():
            out = cats.astype(object)[np.where(codes < 0, 0, codes)]
            out[codes < 0] = None
            return out
        return cats[codes]
    if isinstance(dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert(None).to_numpy()
    if isinstance(dtype, np.dtype):
        return s.to_numpy()
    # extension dtypes: nullable ints / floats / booleans, strings, arrow-backed
    kind = getattr(dtype, "kind", "O")
    has_na = bool(s.isna().any())
    if kind in "iu":
        return s.to_numpy(dtype=np.float64, na_value=np.nan) if has_na else s.to_numpy(np.int64)
    if kind == "f":
        return s.to_numpy(dtype=np.float64, na_value=np.nan)
    if kind == "b":
        return s.to_numpy(dtype=object, na_value=None) if has_na else s.to_numpy(bool)
    if kind == "M":
        return s.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))
    return s.to_numpy(dtype=object, na_value=None)


def _polars_to_numpy(s: Any) -> np.ndarray:
    import polars as pl

    dtype = s.dtype
    if dtype == pl.Categorical or isinstance(dtype, pl.Enum):
        s = s.cast(pl.String)
    if s.dtype == pl.Boolean and s.null_count() > 0:
        return np.asarray(s.to_list(), dtype=object)
    return s.to_numpy()


def _arrow_to_numpy(col: Any) -> np.ndarray:
    import pyarrow as pa

    if isinstance(col, pa.ChunkedArray):
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        if col.num_chunks == 1:
            col = col.chunk(0)
        else:
            col = col.combine_chunks()
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    if pa.types.is_boolean(col.type) and col.null_count > 0:
        return np.asarray(col.to_pylist(), dtype=object)
    return col.to_numpy(zero_copy_only=False)


# --------------------------------------------------------------------------- missing values


def _is_missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return bool(x != x)  # NaN, NaT
    except (TypeError, ValueError):
        return False


def _first_missing(arr: np.ndarray) -> Optional[int]:
    k = arr.dtype.kind
    if k == "f":
        bad = np.isnan(arr)
    elif k in "Mm":
        bad = np.isnat(arr)
    elif k == "O":
        bad = np.fromiter((_is_missing(x) for x in arr), dtype=bool, count=len(arr))
    else:
        return None
    if bad.any():
        return int(np.argmax(bad))
    return None


def _missing_error(column: str, row: int, what: str) -> Exception:
    return _segcore._invalid_value(column, row, f"missing {what}")


# --------------------------------------------------------------------------- roles


def ids(arr: np.ndarray, column: str):
    """Customer ids: int64 array or list of str."""
    k = arr.dtype.kind
    if k in "iu":
        if k == "u" and arr.size and arr.max() > np.iinfo(np.int64).max:
            row = int(np.argmax(arr > np.iinfo(np.int64).max))
            raise _segcore._invalid_value(column, row, f"id {arr[row]} does not fit in int64")
        return np.ascontiguousarray(arr, dtype=np.int64)
    row = _first_missing(arr)
    if row is not None:
        raise _missing_error(column, row, "customer id")
    if k == "f":
        frac = arr != np.floor(arr)
        if frac.any():
            row = int(np.argmax(frac))
            raise _segcore._invalid_value(column, row, f"id {arr[row]!r} is not an integer")
        return arr.astype(np.int64)
    if k in "US":
        return arr.astype(str).tolist()
    if k == "O":
        values = arr.tolist()
        if all(type(v) is int for v in values):
            return np.asarray(values, dtype=np.int64)
        return [v if type(v) is str else str(v) for v in values]
    if k == "b":
        raise _segcore._invalid_parameter(column, "boolean customer ids are not supported")
    return arr.astype(str).tolist()


def _seconds_of(x: Any, column: str, row: int) -> int:
    if isinstance(x, _dt.datetime):
        if x.tzinfo is not None and x.utcoffset() is not None:
            x = x.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        else:
            x = x.replace(tzinfo=None)
        return (x - _EPOCH) // _SECOND
    if isinstance(x, _dt.date):
        return (x - _EPOCH_DATE).days * 86_400
    if isinstance(x, np.datetime64):
        return int(x.astype("datetime64[s]").astype(np.int64))
    raise _segcore._invalid_value(column, row, f"unsupported time value {x!r} ({type(x).__name__})")


def times(arr: np.ndarray, column: str):
    """Timestamps: int64 UTC seconds or a list of str for the core's parser."""
    k = arr.dtype.kind
    if k == "M":
        row = _first_missing(arr)
        if row is not None:
            raise _missing_error(column, row, "timestamp")
        return arr.astype("datetime64[s]").view(np.int64)
    if k in "iu":
        return np.ascontiguousarray(arr, dtype=np.int64)
    if k == "f":
        row = _first_missing(arr)
        if row is not None:
            raise _missing_error(column, row, "timestamp")
        return np.floor(arr).astype(np.int64)
    if k in "US":
        return arr.astype(str).tolist()
    if k == "O":
        row = _first_missing(arr)
        if row is not None:
            raise _missing_error(column, row, "timestamp")
        values = arr.tolist()
        if all(type(v) is str for v in values):
            return values
        out = np.empty(len(values), dtype=np.int64)
        for i, v in enumerate(values):
            out[i] = _seconds_of(v, column, i)
        return out
    raise _segcore._invalid_parameter(column, f"cannot read times of dtype {arr.dtype}")


def floats(arr: np.ndarray, column: str) -> np.ndarray:
    """Float64 values; missing values become NaN (the core decides whether NaN is allowed)."""
    k = arr.dtype.kind
    if k in "fiub":
        return np.ascontiguousarray(arr, dtype=np.float64)
    if k == "O":
        out = np.empty(len(arr), dtype=np.float64)
        for i, v in enumerate(arr.tolist()):
            if _is_missing(v):
                out[i] = np.nan
                continue
            try:
                out[i] = float(v)
            except (TypeError, ValueError):
                raise _segcore._invalid_value(column, i, f"{v!r} is not a number") from None
        return out
    if k in "US":
        try:
            return arr.astype(np.float64)
        except ValueError:
            for i, v in enumerate(arr.tolist()):
                try:
                    float(v)
                except ValueError:
                    raise _segcore._invalid_value(column, i, f"{v!r} is not a number") from None
    raise _segcore._invalid_parameter(column, f"cannot read numbers of dtype {arr.dtype}")


def bools(arr: np.ndarray, column: str) -> np.ndarray:
    """Booleans; numbers must be 0 or 1."""
    k = arr.dtype.kind
    if k == "b":
        return np.ascontiguousarray(arr)
    if k in "fiuO":
        row = _first_missing(arr)
        if row is not None:
            raise _missing_error(column, row, "flag")
        if k == "O":
            arr = np.asarray(arr.tolist())
            if arr.dtype.kind == "b":
                return arr
        ok = (arr == 0) | (arr == 1)
        if not ok.all():
            row = int(np.argmax(~ok))
            raise _segcore._invalid_value(column, row, f"{arr[row]!r} is not a flag (use true/false or 0/1)")
        return arr.astype(bool)
    raise _segcore._invalid_parameter(column, f"cannot read flags of dtype {arr.dtype}")


def strings(arr: np.ndarray, column: str) -> list:
    """Category labels as str; missing values become ``""``."""
    k = arr.dtype.kind
    if k in "US":
        return arr.astype(str).tolist()
    if k in "iub":
        return arr.astype(str).tolist()
    if k == "f":
        out = arr.astype(str).astype(object)
        out[np.isnan(arr)] = ""
        return out.tolist()
    return ["" if _is_missing(v) else (v if type(v) is str else str(v)) for v in arr.tolist()]


# --------------------------------------------------------------------------- outputs


def seconds_to_datetime64(seconds: np.ndarray) -> np.ndarray:
    """UTC seconds as ``datetime64[ns]``."""
    return np.asarray(seconds, dtype=np.int64).astype("datetime64[s]").astype("datetime64[ns]")


def customer_column(ids_in_order: Any, codes: Optional[np.ndarray] = None) -> Any:
    """The customer id column: ids (int64 array, list of str, or the native module's
    ``("utf8", bytes, offsets)`` buffers) taken at ``codes``. Buffers become a pyarrow
    ``large_string`` array when pyarrow is installed (no Python ``str`` per customer; see
    :func:`make_frame`), else an object array.

    >>> customer_column(("utf8", np.frombuffer(b"abb", np.uint8), np.array([0, 1, 3])), np.array([1, 0])).tolist()
    ['bb', 'a']
    """
    if isinstance(ids_in_order, tuple):
        return _utf8_ids(ids_in_order[1], ids_in_order[2], codes)
    if isinstance(ids_in_order, np.ndarray):
        arr = ids_in_order
    else:
        arr = np.asarray(ids_in_order, dtype=object)
    return arr if codes is None else arr[codes]


def _utf8_ids(data: np.ndarray, offsets: np.ndarray, codes: Optional[np.ndarray]) -> Any:
    try:
        import pyarrow as pa
    except ImportError:
        raw = data.tobytes()
        o = offsets.tolist()
        arr = np.asarray([raw[o[k]:o[k + 1]].decode("utf-8") for k in range(len(o) - 1)], dtype=object)
        return arr if codes is None else arr[codes]
    out = pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data))
    return out if codes is None else out.take(pa.array(np.asarray(codes, dtype=np.int64)))


def _is_arrow(v: Any) -> bool:
    return (type(v).__module__ or "").startswith("pyarrow")


def _str_dtype() -> Any:
    """The dtype pandas gives a list of ``str`` (``str`` in pandas 3 or with
    ``future.infer_string``, object before), asked each time so that a changed option applies."""
    import pandas as pd

    return pd.Index(["a"]).dtype


def decode(codes: np.ndarray, levels: list) -> np.ndarray:
    """``(codes, levels)`` of a categorical column as an object array, None for missing."""
    lv = np.asarray(list(levels) + [None], dtype=object)
    return lv[np.where(codes < 0, len(levels), codes)]


def make_frame(kind: str, columns: Mapping, index: Optional[tuple] = None):
    """A DataFrame of ``kind`` ("pandas" or "polars"). ``index`` is ``(name, values)``:
    the pandas index, or the first column in polars."""
    if kind == "polars":
        import polars as pl

        data = {}
        if index is not None:
            data[index[0]] = _polars_values(index[1])
        for k, v in columns.items():
            data[k] = _polars_values(v)
        return pl.DataFrame(data)
    import pandas as pd

    idx = None
    if index is not None:
        idx = pd.Index(_pandas_values(index[1]), name=index[0])
    return pd.DataFrame({k: _pandas_values(v) for k, v in columns.items()}, index=idx)


def matrix_frame(kind: str, columns: np.ndarray, names: list, index: tuple):
    """A DataFrame of ``kind`` from a (features, customers) float64 array whose rows are the
    columns ``names``: pandas takes the array as its block without a copy, polars gets
    contiguous columns. ``index`` as in :func:`make_frame`.

    >>> matrix_frame("pandas", np.array([[1.0, 2.0], [3.0, 4.0]]), ["a", "b"], ("id", np.array([7, 9]))).loc[9, "b"]
    np.float64(4.0)
    """
    if kind == "polars":
        return make_frame(kind, {n: columns[j] for j, n in enumerate(names)}, index=index)
    import pandas as pd

    idx = pd.Index(_pandas_values(index[1]), name=index[0])
    return pd.DataFrame(columns.T, columns=list(names), index=idx, copy=False)


def _pandas_values(v: Any) -> Any:
    if _is_arrow(v):
        dtype = _str_dtype()
        if dtype == object:
            return v.to_numpy(zero_copy_only=False)
        import pandas as pd

        return pd.array(v, dtype=dtype)
    return v


def _polars_values(v: Any) -> Any:
    if _is_arrow(v):
        import polars as pl

        return pl.from_arrow(v)
    if isinstance(v, np.ndarray) and v.dtype == object:
        return v.tolist()
    return v


def output_kind(data: Any) -> str:
    """The output kind for an input: polars for polars, otherwise pandas."""
    mod = type(data).__module__ or ""
    return "polars" if mod.startswith("polars") else "pandas"
