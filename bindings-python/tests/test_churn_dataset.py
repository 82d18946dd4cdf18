"""segcore.churn_dataset: labels against an independent pandas computation, features as of
the cutoff only (no leakage), CDNOW out of time."""

import numpy as np
import pandas as pd
import polars as pl
import pytest

import segcore

CUTOFF = pd.Timestamp("1997-09-30")
H = 90


@pytest.fixture(scope="module")
def master():
    return segcore.datasets.cdnow()


@pytest.fixture(scope="module")
def data(master):
    return segcore.churn_dataset(master, cutoff="1997-09-30", horizon_days=H)


def _labels_by_hand(tx, cutoff, h):
    """Customers with a purchase (amount >= 0) by the cutoff (inclusive); churned = no purchase in
    (cutoff, cutoff + h]."""
    buys = tx[tx["amount"] >= 0]
    before = buys.loc[buys["timestamp"] <= cutoff, "customer_id"].unique()
    end = cutoff + pd.Timedelta(days=h)
    after = buys.loc[(buys["timestamp"] > cutoff) & (buys["timestamp"] <= end), "customer_id"].unique()
    ids = np.sort(before)
    return pd.Series(~np.isin(ids, after), index=pd.Index(ids, name="customer_id"), name="churned")


def test_labels_equal_pandas(master, data):
    X, y = data
    expected = _labels_by_hand(master, CUTOFF, H)
    assert X.index.name == "customer_id" and y.name == "churned" and y.dtype == bool
    pd.testing.assert_index_equal(X.index, y.index)
    pd.testing.assert_series_equal(y, expected)
    assert y.mean() == pytest.approx(expected.mean())


def test_features_as_of_the_cutoff(master, data):
    X, _ = data
    assert X.attrs["horizon_days"] == H and X.attrs["cutoff"] == np.datetime64(CUTOFF)
    assert "favourite_category" not in X.columns
    for col in ("recency", "frequency", "total_spend", "p_alive", "expected_purchases_h"):
        assert col in X.columns
    before = master[(master["timestamp"] <= CUTOFF) & (master["amount"] >= 0)]
    spend = before.groupby("customer_id")["amount"].sum()
    np.testing.assert_allclose(X["total_spend"], spend.loc[X.index], rtol=1e-9)
    # p_alive and expected purchases over H come from the BG/NBD fitted as of the cutoff
    bg = segcore.loads(X.attrs["bg_nbd"])
    s = segcore.rfm_summary(master, observation_end=CUTOFF, unit="D")
    s = s[s.index.isin(X.index)]
    np.testing.assert_allclose(X.loc[s.index, "p_alive"], bg.p_alive(s["frequency"], s["recency"], s["T"]), rtol=1e-12)
    np.testing.assert_allclose(X.loc[s.index, "expected_purchases_h"],
                               bg.conditional_expected_purchases(H, s["frequency"], s["recency"], s["T"]), rtol=1e-12)


def test_no_leakage(master, data):
    X, y = data
    # every customer buys again after the cutoff: labels change, features do not
    ids = X.index.to_numpy()
    extra = pd.DataFrame({"customer_id": ids, "timestamp": CUTOFF + pd.Timedelta(days=10),
                          "quantity": 1.0, "amount": 5.0})
    more = pd.concat([master, extra], ignore_index=True)
    X2, y2 = segcore.churn_dataset(more, cutoff=CUTOFF, horizon_days=H)
    pd.testing.assert_frame_equal(X2, X, check_exact=True, check_like=False)
    assert not y2.any() and y.any()


def test_out_of_time_auc_on_cdnow(master, data):
    X_train, y_train = data
    X_test, y_test = segcore.churn_dataset(master, cutoff="1997-12-31", horizon_days=H)
    cols = ["recency", "frequency", "total_spend", "p_alive", "expected_purchases_h"]
    med = X_train[cols].median()
    m = segcore.LogisticChurn().fit(X_train[cols].fillna(med), y_train)
    p = m.churn_probability(X_test[cols].fillna(med))
    auc = segcore.churn.roc_auc_score(y_test, p)
    assert auc > 0.78
    # the same AUC by the rank formula, ties counted half
    ranks = pd.Series(p).rank().to_numpy()
    pos = y_test.to_numpy()
    by_rank = (ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * (~pos).sum())
    assert auc == pytest.approx(by_rank, rel=1e-12)


def test_polars_and_arguments(master, data):
    X, y = data
    Xp, yp = segcore.churn_dataset(pl.from_pandas(master), cutoff=np.datetime64("1997-09-30"), horizon_days=H)
    assert isinstance(Xp, pl.DataFrame) and isinstance(yp, pl.Series) and Xp.columns[0] == "customer_id"
    np.testing.assert_array_equal(Xp["customer_id"].to_numpy(), X.index.to_numpy())
    np.testing.assert_array_equal(yp.to_numpy(), y.to_numpy())
    with pytest.raises(segcore.InvalidParameterError) as ei:
        segcore.churn_dataset(master, cutoff="1998-06-01", horizon_days=H)
    assert ei.value.name == "horizon_days"
    with pytest.raises(segcore.InvalidParameterError) as ei:
        segcore.churn_dataset(master, cutoff="1997-09-30", horizon_days=0)
    assert ei.value.name == "horizon_days"
    with pytest.raises(TypeError):
        segcore.churn_dataset(master)


def test_out_of_time_pair_equals_two_datasets(master, data):
    X_tr, y_tr, X_te, y_te = segcore.churn_datasets(master, train_cutoff="1997-09-30", test_cutoff="1997-12-31",
                                                    horizon_days=H)
    pd.testing.assert_frame_equal(X_tr, data[0])
    pd.testing.assert_series_equal(y_tr, data[1])
    X2, y2 = segcore.churn_dataset(master, cutoff="1997-12-31", horizon_days=H)
    pd.testing.assert_frame_equal(X_te, X2)
    pd.testing.assert_series_equal(y_te, _labels_by_hand(master, pd.Timestamp("1997-12-31"), H))
    # the test cutoff must be a whole horizon after the training cutoff
    with pytest.raises(segcore.InvalidParameterError) as ei:
        segcore.churn_datasets(master, train_cutoff="1997-09-30", test_cutoff="1997-11-30", horizon_days=H)
    assert ei.value.name == "test_cutoff"
