"""The Segmenter main job and segment transitions."""

import numpy as np
import pandas as pd
import polars as pl
import pytest

import segcore


@pytest.fixture(scope="module")
def shop():
    return segcore.datasets.synthetic_shop(600, seed=3)


@pytest.fixture(scope="module")
def fitted(shop):
    return segcore.Segmenter(n_segments=4, random_state=0).fit(shop.transactions, events=shop.events, feedback=shop.feedback)


def test_segmenter_customer_table(shop, fitted):
    c = fitted.customers_
    ids = set(shop.transactions["customer_id"]) | set(shop.events["customer_id"]) | set(shop.feedback["customer_id"])
    assert len(c) == len(ids) == 600
    assert list(c.index) == sorted(ids)
    assert c.index.name == "customer_id"
    for col in ["recency", "segment", "segment_name", "p_alive", "clv", "rfm_segment", "churn_probability", "risk_band", "driver_1"]:
        assert col in c.columns
    assert set(c["segment"].dropna().astype(int)) == {0, 1, 2, 3}
    assert fitted.n_segments_ == 4 and len(fitted.segment_names_) == 4
    assert set(c["segment_name"]) == set(fitted.segment_names_)
    buyers = c["p_alive"].notna()
    assert ((c.loc[buyers, "p_alive"] >= 0) & (c.loc[buyers, "p_alive"] <= 1)).all()
    assert fitted.profiles_["size"].sum() == len(c)
    assert fitted.churn_validation_auc_ is None or fitted.churn_validation_auc_ > 0.6


def test_segmenter_is_seeded_and_scores_without_refit(shop, fitted, tmp_path):
    again = segcore.Segmenter(n_segments=4, random_state=0).fit(shop.transactions, events=shop.events, feedback=shop.feedback)
    pd.testing.assert_frame_equal(again.customers_, fitted.customers_)
    scored = fitted.score(shop.transactions, events=shop.events, feedback=shop.feedback)
    np.testing.assert_array_equal(scored["segment"], fitted.customers_["segment"])
    fitted.save(tmp_path / "seg.json")
    back = segcore.load(tmp_path / "seg.json")
    assert type(back) is segcore.Segmenter and back.segment_names_ == fitted.segment_names_
    rescored = back.score(shop.transactions, events=shop.events, feedback=shop.feedback)
    pd.testing.assert_frame_equal(rescored, scored)


def test_segmenter_choose_k_and_polars(shop):
    tx = pl.from_pandas(shop.transactions)
    sg = segcore.Segmenter(k_range=(2, 4), random_state=0).fit(tx)
    assert isinstance(sg.customers_, pl.DataFrame) and sg.customers_.columns[0] == "customer_id"
    assert list(sg.k_scores_["k"]) == [2, 3, 4]
    assert sg.n_segments_ in (2, 3, 4)


def test_segmenter_parameter_errors(shop):
    with pytest.raises(segcore.InvalidParameterError) as ei:
        segcore.Segmenter(annual_discount_rate=1.5).fit(shop.transactions)
    assert ei.value.name == "annual_discount_rate"


def test_segment_transitions():
    prev = pd.Series([0, 0, 1, 1, 2], index=["a", "b", "c", "d", "e"])
    cur = pd.Series([0, 1, 1, 2, 1], index=["a", "b", "c", "d", "f"])
    t = segcore.segment_transitions(prev, cur)
    assert t.counts.to_numpy().tolist() == [[1, 1, 0], [0, 1, 1], [0, 0, 0]]
    np.testing.assert_allclose(t.rates.to_numpy(), [[0.5, 0.5, 0.0], [0.0, 0.5, 0.5], [0.0, 0.0, 0.0]])
    named = segcore.segment_transitions({"a": "vip", "b": "new"}, {"a": "vip", "b": "vip"})
    assert list(named.counts.index) == ["new", "vip"]
    assert named.counts.loc["new", "vip"] == 1 and named.counts.loc["vip", "vip"] == 1
