"""Bundled data sets and the synthetic shop, and features on CDNOW against the Rust golden file."""

import os

import numpy as np
import pandas as pd
import polars as pl
import pytest

import segcore


def test_cdnow_master(cdnow):
    assert list(cdnow.columns) == ["customer_id", "timestamp", "quantity", "amount"]
    assert cdnow.shape == (69_659, 4)
    assert cdnow["customer_id"].nunique() == 23_570
    assert cdnow["timestamp"].dtype == np.dtype("datetime64[ns]")
    assert cdnow["timestamp"].min() == pd.Timestamp("1997-01-01")
    assert cdnow["timestamp"].max() == pd.Timestamp("1998-06-30")
    assert (cdnow["amount"] == 0).sum() == 80
    assert cdnow["amount"].sum() == pytest.approx(2_500_315.63, abs=0.01)


def test_cdnow_sample_and_summary():
    s = segcore.datasets.cdnow_sample()
    assert s.shape == (6_919, 4) and s["customer_id"].nunique() == 2_357
    summ = segcore.datasets.cdnow_summary()
    assert list(summ.columns) == ["ID", "x", "t_x", "T", "zbar"]
    assert len(summ) == 2_357
    assert summ.iloc[0].tolist() == [1, 2.0, 30.43, 38.86, 22.35]
    assert (summ["x"] > 0).sum() == 946
    d = segcore.datasets.donations()
    assert list(d.columns) == ["frequency", "recency", "periods", "weights"]
    assert d["weights"].sum() == 11_104


def test_polars_output():
    s = segcore.datasets.cdnow_sample(output="polars")
    assert isinstance(s, pl.DataFrame) and s.shape == (6_919, 4)
    assert s.schema["timestamp"] == pl.Datetime("ns")


def test_synthetic_shop_is_seeded():
    a = segcore.datasets.synthetic_shop(100, seed=7)
    b = segcore.datasets.synthetic_shop(100, seed=7)
    c = segcore.datasets.synthetic_shop(100, seed=8)
    for x, y in zip(a, b):
        pd.testing.assert_frame_equal(x, y)
    assert not a.transactions.equals(c.transactions)
    assert a.transactions["customer_id"].str.match(r"^C\d{6}$").all()
    assert {"kind", "value", "session"} <= set(a.events.columns)
    assert set(a.feedback["scale"]) <= {"csat", "nps"}
    assert a.transactions["timestamp"].min() >= pd.Timestamp("2023-01-01")
    no_ev = segcore.datasets.synthetic_shop(20, seed=1, events=False, feedback=False, days=90, start="2020-01-01")
    assert no_ev.events is None and no_ev.feedback is None
    assert no_ev.transactions["timestamp"].min() >= pd.Timestamp("2020-01-01")
    assert no_ev.transactions["timestamp"].max() < pd.Timestamp("2020-03-31")


def test_synthetic_shop_features_with_all_logs():
    shop = segcore.datasets.synthetic_shop(200, seed=3)
    f = segcore.features(shop.transactions, events=shop.events, feedback=shop.feedback)
    assert len(f) == 200
    for col in ["recency", "email_open_rate", "carts_abandoned", "favourite_category"]:
        assert col in f.columns
    assert f.attrs["levels"]["favourite_category"]
    assert f.attrs["info"]["recency"]["unit"]


def test_features_equal_rust_golden(cdnow, golden_dir):
    path = os.path.join(golden_dir, "features", "cdnow_purchase_features.csv")
    golden = pd.read_csv(path, index_col="customer_id")
    f = segcore.features(cdnow, as_of="1998-07-01", families=["purchase"])
    assert len(f) == len(golden) == 23_570
    assert list(f.columns) == list(golden.columns)
    np.testing.assert_allclose(f.to_numpy(), golden.loc[f.index].to_numpy(), rtol=1e-12, atol=1e-9, equal_nan=True)
    # a few customers by hand
    assert f.loc[3, "frequency"] == 5 and f.loc[3, "recency"] == 34 and f.loc[3, "total_spend"] == pytest.approx(156.46)
