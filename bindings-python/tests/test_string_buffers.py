"""String ids and categories passed as Arrow buffers: same logs as the per-row path,
same errors (column and row), dictionary columns interned once, sliced / chunked arrays."""

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import segcore
from segcore import _frames, _segcore

RNG_IDS = [f"C{(i * 7919) % 97:05d}" for i in range(400)]
CATS = [None if i % 11 == 0 else ["web", "app", "ümlaut", ""][i % 4] for i in range(400)]
T = np.arange(400, dtype=np.int64) * 3600 + 1_700_000_000
AMOUNT = np.arange(400, dtype=np.float64) % 13
TS = T.astype("datetime64[s]").astype("datetime64[ms]")


def expected():
    """Sorted distinct ids and per-row codes, as numpy computes them from Python strs."""
    uniq, codes = np.unique(np.array(RNG_IDS, dtype=object), return_inverse=True)
    levels = sorted({c for c in CATS if c})
    cat_codes = [levels.index(c) if c else -1 for c in CATS]
    return list(uniq), codes, levels, cat_codes


def frames():
    base = {"customer_id": RNG_IDS, "timestamp": TS, "amount": AMOUNT, "category": CATS}
    pdf = pd.DataFrame(base)
    big = pa.table({"customer_id": pa.array(RNG_IDS, pa.large_string()), "timestamp": pa.array(TS),
                    "amount": AMOUNT, "category": pa.array(CATS, pa.large_string())})
    chunked = pa.concat_tables([big.slice(0, 150), big.slice(150, 100), big.slice(250)])
    return {
        "pandas_object": pdf.astype({"customer_id": object, "category": object}),
        "pandas_pyarrow": pdf.astype({"customer_id": "string[pyarrow]", "category": "string[pyarrow]"}),
        "pandas_python_string": pdf.astype({"customer_id": "string[python]", "category": "string[python]"}),
        "pandas_categorical": pdf.astype({"customer_id": "category", "category": "category"}),
        "polars": pl.DataFrame({**base, "customer_id": pl.Series(RNG_IDS, dtype=pl.String)}),
        "polars_categorical": pl.DataFrame(base).with_columns(pl.col("customer_id").cast(pl.Categorical),
                                                               pl.col("category").cast(pl.Categorical)),
        "arrow_large_chunked": chunked,
        "arrow_dictionary_chunked": pa.concat_tables([
            pa.table({"customer_id": pa.array(RNG_IDS[:200]).dictionary_encode(), "timestamp": TS[:200],
                      "amount": AMOUNT[:200], "category": pa.array(CATS[:200]).dictionary_encode()}),
            pa.table({"customer_id": pa.array(RNG_IDS[200:]).dictionary_encode(), "timestamp": TS[200:],
                      "amount": AMOUNT[200:], "category": pa.array(CATS[200:]).dictionary_encode()}),
        ]),
        "arrow_sliced": pa.table({"customer_id": pa.array(["zz"] + RNG_IDS)[1:], "timestamp": TS,
                                  "amount": AMOUNT, "category": pa.array([None, "x"] + CATS)[2:]}),
        "dict_lists": dict(base),
    }


@pytest.mark.parametrize("name", list(frames()))
def test_buffers_give_the_per_row_result(name):
    data = frames()[name]
    kind = _frames.frame_kind(data)
    bufs = _frames.arrow_strings(data, kind, "customer_id")
    assert bufs is not None and bufs[0] in ("utf8", "dict")
    lg = segcore.logs(data)
    ids, codes, levels, cat_codes = expected()
    assert lg.customer_ids() == ids
    cols = lg.transactions_columns()
    np.testing.assert_array_equal(cols["customer"], codes)
    np.testing.assert_array_equal(cols["timestamp"], T)
    got_codes, got_levels = cols["category"]
    assert got_levels == levels
    np.testing.assert_array_equal(got_codes, cat_codes)


def test_unused_categories_are_not_customers():
    s = pd.Categorical(["b", "a", "b"], categories=["a", "b", "zzz"])
    lg = segcore.logs(pd.DataFrame({"customer_id": s, "timestamp": TS[:3], "amount": AMOUNT[:3]}))
    assert lg.customer_ids() == ["a", "b"]
    np.testing.assert_array_equal(lg.transactions_columns()["customer"], [1, 0, 1])


def test_non_string_columns_keep_the_numpy_path():
    assert _frames.arrow_strings({"x": np.arange(3)}, "dict", "x") is None
    assert _frames.arrow_strings(pd.DataFrame({"x": [1, 2, 3]}, dtype=object), "pandas", "x") is None
    assert _frames.arrow_strings(pd.DataFrame({"x": ["a", 1]}), "pandas", "x") is None
    lg = segcore.logs(pd.DataFrame({"customer_id": pd.Series([5, 3, 5], dtype=object), "timestamp": TS[:3],
                                    "amount": AMOUNT[:3]}))
    np.testing.assert_array_equal(lg.customer_ids(), [3, 5])


MISSING_IDS = ["a", "b", None, "c"]


@pytest.mark.parametrize("make", [
    lambda: pd.DataFrame({"cid": pd.Series(MISSING_IDS, dtype=object)}),
    lambda: pd.DataFrame({"cid": pd.Series(MISSING_IDS, dtype="string[pyarrow]")}),
    lambda: pd.DataFrame({"cid": pd.Series(MISSING_IDS, dtype="category")}),
    lambda: pl.DataFrame({"cid": pl.Series(MISSING_IDS, dtype=pl.String)}),
    lambda: pl.DataFrame({"cid": pl.Series(MISSING_IDS, dtype=pl.Categorical)}),
    lambda: pa.table({"cid": pa.array(MISSING_IDS).dictionary_encode()}),
], ids=["object", "pyarrow", "categorical", "polars", "polars_categorical", "arrow_dictionary"])
def test_missing_id_names_column_and_row(make):
    df = make()
    extra = {"timestamp": TS[:4], "amount": AMOUNT[:4]}
    if isinstance(df, pa.Table):
        df = df.append_column("timestamp", pa.array(extra["timestamp"])).append_column("amount", pa.array(extra["amount"]))
    elif isinstance(df, pl.DataFrame):
        df = df.with_columns(**{k: pl.Series(v) for k, v in extra.items()})
    else:
        df = df.assign(**extra)
    with pytest.raises(segcore.InvalidValueError) as e:
        segcore.logs(df, customer_id="cid")
    assert str(e.value) == "column `cid`, row 2: missing customer id"


def test_blank_id_names_column_and_row():
    df = pd.DataFrame({"cid": pd.Series(["a", "  ", "b"], dtype="string[pyarrow]"), "timestamp": TS[:3],
                       "amount": AMOUNT[:3]})
    with pytest.raises(segcore.InvalidValueError, match=r"^column `cid`, row 1: empty customer id$"):
        segcore.logs(df, customer_id="cid")


def test_invalid_utf8_names_column_and_row():
    data = np.frombuffer(b"ab\xc3(c", dtype=np.uint8)
    ids = ("utf8", data, np.array([0, 2, 4, 5], dtype=np.int64), None, None)
    tx = {"customer_id": ids, "timestamp": T[:3], "amount": AMOUNT[:3]}
    with pytest.raises(segcore.InvalidValueError, match=r"^column `cust`, row 1: invalid UTF-8$"):
        _segcore._build_logs(tx, {"customer_id": "cust"})
    good = np.frombuffer(b"abc", dtype=np.uint8)
    tx = {"customer_id": ("utf8", good, np.array([0, 1, 2, 3], dtype=np.int32), None, None),
          "timestamp": T[:3], "amount": AMOUNT[:3], "product": ids}
    with pytest.raises(segcore.InvalidValueError, match=r"^column `sku`, row 1: invalid UTF-8$"):
        _segcore._build_logs(tx, {"product": "sku"})


def test_events_and_feedback_take_buffers():
    ev = pl.DataFrame({"customer_id": ["b", "a", "b"], "timestamp": TS[:3], "kind": ["view", "cart", "view"]})
    fb = pd.DataFrame({"customer_id": pd.Series(["c", "a"], dtype="category"), "timestamp": TS[:2],
                       "score": [4.0, 5.0], "scale": ["stars", "stars"], "topic": pd.Series(["ship", None], dtype="string[pyarrow]")})
    tx = pd.DataFrame({"customer_id": ["a", "d"], "timestamp": TS[:2], "amount": [1.0, 2.0]})
    lg = segcore.logs(tx, events=ev, feedback=fb)
    assert lg.customer_ids() == ["a", "b", "c", "d"]
    e = lg.events_columns()
    np.testing.assert_array_equal(e["customer"], [1, 0, 1])
    assert [e["kind"][1][k] for k in e["kind"][0]] == ["view", "cart", "view"]
    f = lg.feedback_columns()
    np.testing.assert_array_equal(f["customer"], [2, 0])
    codes, levels = f["topic"]
    assert levels == ["ship"] and list(codes) == [0, -1]
