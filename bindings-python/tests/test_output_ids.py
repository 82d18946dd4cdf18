"""String customer ids reach output frames as Arrow buffers (no Python str per customer):
the index must equal what pandas / polars make from the same ids as a list."""

import builtins
import sys

import numpy as np
import pandas as pd
import polars as pl

import segcore
from segcore import _frames

TX = {
    "customer_id": ["b", "é-ü", "a", "b", "a"],
    "timestamp": np.array(["2024-01-01", "2024-01-03", "2024-01-02", "2024-02-01", "2024-03-01"], dtype="datetime64[ms]"),
    "amount": [1.0, 2.0, 3.0, 4.0, 5.0],
}


def test_pandas_index_is_the_str_index_pandas_makes():
    f = segcore.features(pd.DataFrame(TX), families=["purchase"])
    want = pd.Index(["a", "b", "é-ü"], name="customer_id")
    assert f.index.equals(want)
    assert f.index.dtype == want.dtype
    assert f.loc["é-ü", "frequency"] == 0.0
    assert f.loc["a", "total_spend"] == 8.0
    # columns are contiguous numpy float64 columns
    assert f["total_spend"].to_numpy().flags["C_CONTIGUOUS"]


def test_polars_output_has_the_id_column_first():
    f = segcore.features(pl.DataFrame(TX), families=["purchase"])
    assert f.columns[0] == "customer_id"
    assert f["customer_id"].dtype == pl.String
    assert f["customer_id"].to_list() == ["a", "b", "é-ü"]
    assert f.filter(pl.col("customer_id") == "b")["total_spend"].item() == 5.0


def test_buffers_decode_without_pyarrow(monkeypatch):
    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name == "pyarrow" or name.startswith("pyarrow."):
            raise ImportError("no pyarrow")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "pyarrow", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    data = np.frombuffer("abé-ü".encode(), dtype=np.uint8)
    offsets = np.array([0, 1, 2, len(data)], dtype=np.int64)
    out = _frames.customer_column(("utf8", data, offsets))
    assert isinstance(out, np.ndarray) and out.dtype == object
    assert out.tolist() == ["a", "b", "é-ü"]
    assert _frames.customer_column(("utf8", data, offsets), np.array([2, 2, 0])).tolist() == ["é-ü", "é-ü", "a"]
