"""The conversion layer: every input kind gives the same logs and the same features."""

import datetime as dt
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import segcore

IDS = ["b", "a", "b", "c", "a"]
TIMES = ["2024-01-01T10:00:00", "2024-01-03T00:00:00", "2024-02-01T12:30:00", "2024-02-10T08:00:00", "2024-03-01T23:59:59"]
AMOUNTS = [10.0, 25.5, 30.0, -5.0, 12.25]
QTY = [1, 2, 1, 1, 3]
CATS = ["books", "toys", None, "books", "toys"]
EXPECTED_SECONDS = np.array([np.datetime64(t, "s").astype(np.int64) for t in TIMES])


def pandas_frame():
    return pd.DataFrame({"customer_id": IDS, "timestamp": pd.to_datetime(TIMES), "amount": AMOUNTS, "quantity": QTY, "category": CATS})


def inputs():
    pdf = pandas_frame()
    return {
        "pandas": pdf,
        "pandas_categorical": pdf.assign(customer_id=pdf["customer_id"].astype("category"), category=pdf["category"].astype("category")),
        "pandas_tz": pdf.assign(timestamp=pdf["timestamp"].dt.tz_localize("UTC").dt.tz_convert("America/New_York")),
        "pandas_strings": pdf.assign(timestamp=TIMES),
        "pandas_ms": pdf.assign(timestamp=pdf["timestamp"].astype("datetime64[ms]")),
        "polars": pl.from_pandas(pdf),
        "polars_categorical": pl.from_pandas(pdf).with_columns(pl.col("customer_id").cast(pl.Categorical)),
        "polars_tz": pl.from_pandas(pdf).with_columns(pl.col("timestamp").dt.replace_time_zone("UTC").dt.convert_time_zone("Asia/Tokyo")),
        "arrow": pa.Table.from_pandas(pdf, preserve_index=False),
        "arrow_dictionary": pa.table({
            "customer_id": pa.array(IDS).dictionary_encode(),
            "timestamp": pa.array(pd.to_datetime(TIMES)).cast(pa.timestamp("us", tz="Europe/Paris")),
            "amount": AMOUNTS, "quantity": QTY, "category": pa.array(CATS).dictionary_encode(),
        }),
        "dict_numpy": {"customer_id": np.array(IDS, dtype=object), "timestamp": np.array(TIMES, dtype="datetime64[ns]"),
                       "amount": np.array(AMOUNTS), "quantity": np.array(QTY), "category": np.array(CATS, dtype=object)},
        "dict_lists": {"customer_id": IDS, "timestamp": [dt.datetime.fromisoformat(t) for t in TIMES], "amount": AMOUNTS,
                       "quantity": QTY, "category": CATS},
        "dict_aware_datetimes": {"customer_id": IDS,
                                 "timestamp": [dt.datetime.fromisoformat(t).replace(tzinfo=dt.timezone.utc).astimezone(dt.timezone(dt.timedelta(hours=-3))) for t in TIMES],
                                 "amount": AMOUNTS, "quantity": QTY, "category": CATS},
    }


@pytest.mark.parametrize("name", list(inputs()))
def test_every_input_kind_gives_the_same_logs(name):
    lg = segcore.logs(inputs()[name])
    assert (lg.n_customers, lg.n_transactions, lg.n_events, lg.n_feedback) == (3, 5, 0, 0)
    assert lg.customer_ids() == ["a", "b", "c"]
    cols = lg.transactions_columns()
    np.testing.assert_array_equal(cols["customer"], [1, 0, 1, 2, 0])
    np.testing.assert_array_equal(cols["timestamp"], EXPECTED_SECONDS)
    np.testing.assert_array_equal(cols["amount"], AMOUNTS)
    np.testing.assert_array_equal(cols["quantity"], QTY)
    codes, levels = cols["category"]
    assert levels == ["books", "toys"]
    np.testing.assert_array_equal(codes, [0, 1, -1, 0, 1])
    np.testing.assert_array_equal(lg.transaction_counts(), [2, 2, 1])


@pytest.mark.parametrize("name", list(inputs()))
def test_every_input_kind_gives_the_same_features(name):
    ref = segcore.features(pandas_frame(), as_of="2024-03-02")
    got = segcore.features(inputs()[name], as_of="2024-03-02")
    if isinstance(got, pl.DataFrame):
        assert got.columns[0] == "customer_id"
        got = got.to_pandas().set_index("customer_id")
    assert list(got.index) == ["a", "b", "c"]
    assert list(got.columns) == list(ref.columns)
    np.testing.assert_array_equal(got.to_numpy(), ref.to_numpy())


def test_known_feature_values():
    f = segcore.features(pandas_frame(), as_of="2024-03-02", families="purchase")
    # customer a: purchases 2024-01-03 and 2024-03-01 (23:59:59) -> recency 1 day (occasion time)
    assert f.loc["a", "n_occasions"] == 2
    assert f.loc["a", "frequency"] == 1
    assert f.loc["a", "total_spend"] == pytest.approx(37.75)
    # c only has a return (negative amount): no purchase occasion
    assert f.loc["c", "n_occasions"] == 0
    assert f.loc["c", "total_spend"] == -5.0
    assert f.attrs["as_of"] == np.datetime64("2024-03-02T00:00:00")


def test_integer_ids_and_epoch_seconds():
    d = {"customer_id": np.array([30, 10, 30], dtype=np.uint16), "timestamp": np.array([0, 86_400, 2 * 86_400]), "amount": [1.0, 2.0, 3.0]}
    lg = segcore.logs(d)
    ids = lg.customer_ids()
    assert ids.dtype == np.int64 and list(ids) == [10, 30]
    np.testing.assert_array_equal(lg.transactions_columns()["timestamp"], [0, 86_400, 172_800])
    f = segcore.features(d, as_of=3 * 86_400, families=["purchase"])
    assert list(f.index) == [10, 30] and f.index.dtype == np.int64


def test_nullable_integer_ids_with_float_storage():
    df = pd.DataFrame({"customer_id": pd.array([5, 7, 5], dtype="Int64"), "timestamp": ["2024-01-01"] * 3, "amount": [1.0, 2.0, 3.0]})
    assert list(segcore.logs(df).customer_ids()) == [5, 7]
    pdf = pl.DataFrame({"customer_id": [5, None, 5], "timestamp": ["2024-01-01"] * 3, "amount": [1.0, 2.0, 3.0]})
    with pytest.raises(segcore.InvalidValueError) as ei:
        segcore.logs(pdf)
    assert ei.value.row == 1 and ei.value.column == "customer_id"


def test_polars_in_polars_out_and_output_override():
    pdf = pandas_frame()
    assert isinstance(segcore.features(pl.from_pandas(pdf)), pl.DataFrame)
    assert isinstance(segcore.features(pdf), pd.DataFrame)
    assert isinstance(segcore.features(pdf, output="polars"), pl.DataFrame)
    assert isinstance(segcore.features(pa.Table.from_pandas(pdf)), pd.DataFrame)
    assert isinstance(segcore.features(pl.from_pandas(pdf).lazy()), pl.DataFrame)


def test_optional_columns_rename_and_ignore():
    pdf = pandas_frame().rename(columns={"quantity": "qty"})
    assert "quantity" not in segcore.logs(pdf).transactions_columns()
    assert list(segcore.logs(pdf, quantity="qty").transactions_columns()["quantity"]) == QTY
    assert "category" not in segcore.logs(pdf, category=None).transactions_columns()


def test_events_and_feedback_with_renamed_columns():
    ev = pd.DataFrame({"cid": ["a", "d"], "ts": ["2024-01-02", "2024-01-04"], "type": ["Page View", "add-to-cart"]})
    fb = pd.DataFrame({"cid": ["b"], "ts": ["2024-01-05"], "rating": [4.0]})
    lg = segcore.logs(pandas_frame(), events=ev, feedback=fb, event_customer_id="cid", event_timestamp="ts", event_kind="type",
                      feedback_customer_id="cid", feedback_timestamp="ts", feedback_score="rating", feedback_scale="stars")
    assert (lg.n_customers, lg.n_events, lg.n_feedback) == (4, 2, 1)
    assert lg.customer_ids() == ["a", "b", "c", "d"]
    tx, events, feedback = lg.to_frames()
    assert list(events["kind"]) == ["page_view", "add_to_cart"]
    assert list(events["customer_id"]) == ["a", "d"]
    assert list(feedback["scale"]) == ["stars"] and feedback["score"].tolist() == [4.0]
    assert list(tx["customer_id"]) == IDS


def test_round_trip_of_frames():
    lg = segcore.logs(pandas_frame())
    tx, ev, fb = lg.to_frames()
    assert ev is None and fb is None
    assert tx["timestamp"].tolist() == list(pd.to_datetime(TIMES))
    assert tx["category"].isna().tolist() == [c is None for c in CATS]
    assert tx["category"].dropna().tolist() == [c for c in CATS if c is not None]
    lg2 = segcore.logs(tx)
    np.testing.assert_array_equal(lg2.transactions_columns()["timestamp"], EXPECTED_SECONDS)


def test_time_format_option():
    d = {"customer_id": [1, 2], "timestamp": ["19970101", "19970102"], "amount": [1.0, 2.0]}
    lg = segcore.logs(d, time_format="yyyymmdd")
    np.testing.assert_array_equal(lg.transactions_columns()["timestamp"], [852_076_800, 852_163_200])


def test_import_from_another_directory_is_light(tmp_path):
    code = "import sys, segcore; assert 'pandas' not in sys.modules and 'polars' not in sys.modules and 'pyarrow' not in sys.modules; print(segcore.__version__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == segcore.__version__


def test_gil_released_features_in_threads():
    from concurrent.futures import ThreadPoolExecutor

    pdf = pandas_frame()
    ref = segcore.features(pdf, as_of="2024-03-02")
    with ThreadPoolExecutor(4) as ex:
        outs = list(ex.map(lambda _: segcore.features(pdf, as_of="2024-03-02"), range(8)))
    for o in outs:
        np.testing.assert_array_equal(o.to_numpy(), ref.to_numpy())


def test_csv_readers(tmp_path):
    p = tmp_path / "tx.csv"
    p.write_text("cust;when;value;qty\n1;2024-01-01;10.5;1\n2;2024-01-02;3;2\n1;2024-02-01;7;1\n")
    tx = segcore.read_transactions(p, delimiter=";", columns={"customer_id": "cust", "timestamp": "when", "amount": "value", "quantity": "qty"})
    assert list(tx.columns) == ["customer_id", "timestamp", "quantity", "amount"]
    assert tx["customer_id"].tolist() == [1, 2, 1]
    assert tx["amount"].tolist() == [10.5, 3.0, 7.0]
    assert tx["timestamp"].tolist() == list(pd.to_datetime(["2024-01-01", "2024-01-02", "2024-02-01"]))
    assert tx.attrs["read_report"]["rows_read"] == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("customer_id,timestamp,amount\n1,2024-01-01,1\n2,2024-01-02,abc\n")
    with pytest.raises(segcore.CsvError) as ei:
        segcore.read_transactions(bad)
    assert ei.value.line == 3 and ei.value.column == "amount" and isinstance(ei.value, ValueError)
    skipped = segcore.read_transactions(bad, skip_bad_rows=True)
    assert len(skipped) == 1 and skipped.attrs["read_report"]["rows_skipped"] == 1
    with pytest.raises(segcore.SegcoreIOError) as ei:
        segcore.read_transactions(tmp_path / "missing.csv")
    assert isinstance(ei.value, OSError) and ei.value.code == "IO_ERROR"
    ev = tmp_path / "ev.csv"
    ev.write_text("customer_id,timestamp,kind\na,2024-01-01T10:00:00Z,page_view\nb,2024-01-01T11:00:00+01:00,add_to_cart\n")
    e = segcore.read_events(ev, output="polars")
    assert isinstance(e, pl.DataFrame) and e["kind"].to_list() == ["page_view", "add_to_cart"]
    fb = tmp_path / "fb.csv"
    fb.write_text("customer_id,timestamp,score\na,2024-01-01,4\n")
    f = segcore.read_feedback(fb, default_scale="csat")
    assert f["scale"].tolist() == ["csat"] and f["score"].tolist() == [4.0]
