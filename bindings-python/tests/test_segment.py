"""segcore.segment() and the Report: numbers checked against the fitted models and an
independent pandas computation of the RFM summary."""

import json

import numpy as np
import pandas as pd
import polars as pl
import pytest

import segcore


@pytest.fixture(scope="module")
def tx():
    return segcore.datasets.cdnow_sample()


@pytest.fixture(scope="module")
def rep(tx):
    return segcore.segment(tx, n_segments=3, random_state=0, verbose=False)


def _summary_by_hand(tx, as_of):
    """frequency / recency / T in days from the purchases (amount >= 0) before ``as_of``."""
    p = tx[(tx["amount"] >= 0) & (tx["timestamp"] < as_of)].copy()
    p["day"] = p["timestamp"].dt.floor("D")
    g = p.groupby("customer_id")["day"]
    first, last = g.min(), g.max()
    day = pd.Timedelta(days=1)
    return pd.DataFrame({
        "frequency": (g.nunique() - 1).astype(float),
        "recency": ((last - first) / day).astype(float),
        "T": ((pd.Timestamp(as_of) - first) / day).astype(float),
    })


def test_customers_table_shape_and_columns(tx, rep):
    c = rep.customers
    assert isinstance(c, pd.DataFrame) and c.index.name == "customer_id"
    assert list(c.index) == sorted(tx["customer_id"].unique())
    for col in ["recency", "frequency", "total_spend", "segment", "segment_name", "rfm_segment", "p_alive",
                "expected_purchases", "clv", "churn_probability", "risk_band", "driver_1", "driver_2", "driver_3"]:
        assert col in c.columns, col
    cols = list(c.columns)
    assert cols.index("segment_name") == cols.index("segment") + 1
    assert c["segment"].dtype == np.int64 and set(c["segment"]) == {0, 1, 2}
    assert [rep.segment_names[s] for s in c["segment"]] == list(c["segment_name"])
    assert len(rep) == len(c) == 2357
    assert "2357 customers" in repr(rep)


def test_p_alive_expected_purchases_and_clv_equal_the_models(tx, rep):
    c = rep.customers
    s = _summary_by_hand(tx, rep.as_of)
    bg, gg = rep.models["bg_nbd"], rep.models["gamma_gamma"]
    assert isinstance(bg, segcore.BetaGeo) and isinstance(gg, segcore.GammaGamma)
    f, r, t = s["frequency"].to_numpy(), s["recency"].to_numpy(), s["T"].to_numpy()
    np.testing.assert_allclose(c.loc[s.index, "p_alive"], bg.p_alive(f, r, t), rtol=1e-12)
    np.testing.assert_allclose(c.loc[s.index, "p_alive"], bg.conditional_probability_alive(f, r, t), rtol=1e-12)
    np.testing.assert_allclose(c.loc[s.index, "expected_purchases"],
                               bg.conditional_expected_purchases(365.0, f, r, t), rtol=1e-12)
    # CLV: 365 days in lifetimes' 30-day months at the monthly equivalent of 10 % a year
    summ = segcore.rfm_summary(tx, observation_end=rep.as_of, unit="D")
    clv = bg.customer_lifetime_value(gg, summ["frequency"], summ["recency"], summ["T"], summ["monetary_value"],
                                     time=365 / 30, discount_rate=1.1 ** (1 / 12) - 1)
    np.testing.assert_allclose(c.loc[summ.index, "clv"], clv, rtol=1e-10, atol=1e-12)
    # the BG/NBD was fitted on this summary: refitting it gives the same parameters
    refit = segcore.BetaGeo(unit="D").fit(f, r, t)
    for k in ("r", "alpha", "a", "b"):
        assert refit.params_[k] == pytest.approx(bg.params_[k], rel=1e-5)


def test_segments_come_from_the_fitted_scaler_and_kmeans(rep):
    c, m = rep.customers, rep.models
    feats = rep.segmenter.cluster_features_
    fill = np.asarray(rep.segmenter._model.fill)
    x = c[feats].to_numpy(dtype=np.float64)
    x = np.where(np.isfinite(x), x, fill)
    log_cols = json.loads(m["log1p"])["params"]["columns"]
    x[:, log_cols] = np.log1p(x[:, log_cols])
    z = m["scaler"].transform(x)
    np.testing.assert_array_equal(m["kmeans"].predict(z), c["segment"].to_numpy())


def test_rfm_and_risk_bands(rep):
    c = rep.customers
    p = c["churn_probability"].to_numpy()
    band = np.where(p >= 0.6, "high", np.where(p >= 0.3, "medium", "low"))
    np.testing.assert_array_equal(c["risk_band"].to_numpy(dtype=str), band)
    first = c["driver_1"].str.extract(r"^(\w+) \(")[0]
    assert first.isin(rep.models["churn"].feature_names_in_).all()
    # the Segmenter scores RFM on the upper edges of the rank-first quintiles, so equal values
    # get equal scores (and rescoring the fit data reproduces it); computed here independently
    r, f, m = (c[k].to_numpy(dtype=float) for k in ("recency", "n_occasions", "total_spend"))
    rfm = segcore.rfm_segments(r, f, m)

    def on_edges(v, exact, reversed_):
        asc = 6 - exact if reversed_ else exact
        edges = np.maximum.accumulate([v[asc == b].max() for b in range(1, 5)])
        s = 1 + (v[:, None] > edges[None, :]).sum(axis=1)
        return 6 - s if reversed_ else s

    rs = on_edges(r, rfm["recency_score"].to_numpy(), True)
    fs = on_edges(f, rfm["frequency_score"].to_numpy(), False)
    ms = on_edges(m, rfm["monetary_score"].to_numpy(), False)
    expected = [f"{a}{b}{d}" for a, b, d in zip(rs, fs, ms)]
    assert list(c["rfm_score"]) == expected
    # ties: customers with equal (recency, frequency, spend) share one score
    assert c.groupby(["recency", "n_occasions", "total_spend"])["rfm_score"].nunique().max() == 1
    # the rank-first scores of rfm_segments differ only where values are tied
    assert (rfm["segment"].to_numpy() == c["rfm_segment"].to_numpy()).mean() > 0.5


def test_segments_profile_table(rep):
    c, seg = rep.customers, rep.segments
    assert list(seg["segment"]) == [0, 1, 2]
    counts = c["segment"].value_counts().sort_index()
    np.testing.assert_array_equal(seg["size"], counts.to_numpy())
    np.testing.assert_allclose(seg["share"], counts.to_numpy() / len(c))
    assert list(seg["name"]) == rep.segment_names
    means = c.groupby("segment")["clv"].mean()
    np.testing.assert_allclose(seg["clv_mean"], means.to_numpy(), rtol=1e-12)
    churn = c.groupby("segment")["churn_probability"].mean()
    np.testing.assert_allclose(seg["churn_mean"], churn.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(seg["mean_recency"], c.groupby("segment")["recency"].mean().to_numpy(), rtol=1e-12)


def test_save_load_score_equal(tmp_path, tx, rep):
    path = tmp_path / "segmenter.json"
    rep.save(path)
    env = json.loads(path.read_text())
    assert env["format"] == "segcore-model" and env["kind"] == "Segmenter"
    back = segcore.load(path)
    assert isinstance(back, segcore.Segmenter) and back.segment_names_ == rep.segment_names
    scored = back.score(tx)
    for col in ["segment", "segment_name", "p_alive", "expected_purchases", "clv", "churn_probability", "risk_band",
                "driver_1"]:
        pd.testing.assert_series_equal(scored[col], rep.customers[col], check_exact=True)
    again = back.report(tx)
    assert isinstance(again, segcore.Report)
    pd.testing.assert_frame_equal(again.segments, rep.segments, rtol=1e-12)
    assert set(back.models) == set(rep.models)
    # the component models loaded from the file score as the originals
    np.testing.assert_array_equal(back.models["kmeans"].cluster_centers_, rep.models["kmeans"].cluster_centers_)
    assert back.models["bg_nbd"].params_ == rep.models["bg_nbd"].params_


def test_seeded_and_auto_k(tx, rep):
    again = segcore.segment(tx, n_segments=3, random_state=0, verbose=False)
    pd.testing.assert_frame_equal(again.customers, rep.customers)
    auto = segcore.segment(tx, random_state=0, verbose=False, k_range=(2, 4))
    assert list(auto.k_scores["k"]) == [2, 3, 4]
    best = auto.k_scores["k"][auto.k_scores["silhouette"].idxmax()]
    assert len(auto.segment_names) == best
    assert rep.k_scores is None


def test_polars_in_polars_out(tx, rep):
    out = segcore.segment(pl.from_pandas(tx), n_segments=3, random_state=0, verbose=False)
    assert isinstance(out.customers, pl.DataFrame) and isinstance(out.segments, pl.DataFrame)
    assert out.customers.columns[0] == "customer_id"
    np.testing.assert_array_equal(out.customers["p_alive"].to_numpy(), rep.customers["p_alive"].to_numpy())
    np.testing.assert_array_equal(out.segments["size"].to_numpy(), rep.segments["size"].to_numpy())


def test_bad_n_segments(tx):
    for bad in ("many", 0, 2.5, True):
        with pytest.raises(segcore.InvalidParameterError) as ei:
            segcore.segment(tx, n_segments=bad, verbose=False)
        assert ei.value.name == "n_segments"


def test_html_reprs(rep):
    h = rep._repr_html_()
    assert "2357" in h
    for name in rep.segment_names:
        assert name in h
    for k in ("bg_nbd", "BetaGeo", "kmeans", "KMeans", "churn", "LogisticChurn"):
        assert k in h
    sh = rep.segmenter._repr_html_()
    assert "n_segments" in sh and "bg_nbd_params_" in sh and "not fitted" not in sh
    assert "not fitted" in segcore.Segmenter()._repr_html_()


def test_html_mixin_shows_params_and_fitted_values():
    from segcore._html import HtmlReprMixin

    class Toy(HtmlReprMixin):
        def __init__(self, k=3):
            self.k = k

        def get_params(self, deep=True):
            return {"k": self.k}

    t = Toy(5)
    assert "<td>k</td><td>5</td>" in t._repr_html_() and "not fitted" in t._repr_html_()
    t.centers_ = np.array([[1.0, 2.0], [3.0, 4.0]])
    t.params_ = {"r": 0.25}
    h = t._repr_html_()
    assert "array(2, 2) [1, 2, 3, 4]" in h and "{r: 0.25}" in h and "not fitted" not in h


def test_pickle_round_trip(tx, rep):
    import pickle

    back = pickle.loads(pickle.dumps(rep))
    assert isinstance(back, segcore.Report) and back.segment_names == rep.segment_names
    pd.testing.assert_frame_equal(back.customers, rep.customers)
    scored = back.score(tx)
    pd.testing.assert_series_equal(scored["churn_probability"], rep.customers["churn_probability"], check_exact=True)
    assert back.models["churn"].coef_.tolist() == rep.models["churn"].coef_.tolist()


def test_arrow_and_dict_inputs(tx, rep):
    import pyarrow as pa

    for data in (pa.Table.from_pandas(tx, preserve_index=False), {c: tx[c].to_numpy() for c in tx.columns}):
        out = segcore.segment(data, n_segments=3, random_state=0, verbose=False)
        assert isinstance(out.customers, pd.DataFrame)
        pd.testing.assert_frame_equal(out.customers, rep.customers)


def test_progress_bar_follows_the_segmenter_stages(tx, monkeypatch):
    """segment() reports the core Segmenter's stages to the tqdm bar (src/monitor.rs)."""
    from segcore import _base

    bars = []

    class FakeBar:
        def __init__(self, total, desc, delay, leave):
            self.n, self.total, self.desc, self.descs = 0, total, desc, [desc]
            bars.append(self)

        def update(self, k):
            self.n += k

        def reset(self, total=None):
            self.n, self.total = 0, total

        def set_description(self, d, refresh=True):
            self.desc = d
            self.descs.append(d)

        def close(self):
            self.closed = True

    monkeypatch.setattr(_base, "_tqdm", FakeBar)
    monkeypatch.setattr(_base, "_PROGRESS_DELAY", 0.0)
    segcore.segment(tx, n_segments=3, verbose=False)
    assert bars == []
    segcore.segment(tx, n_segments=3)
    assert len(bars) == 1 and bars[0].closed
    seen = [d for d in bars[0].descs if d.startswith("segmenter")]
    assert seen[0].startswith("segmenter: ") and seen[-1] == "segmenter: done"
    assert seen == sorted(set(seen), key=seen.index)  # each stage once, in order


def test_html_mixin_on_the_estimators():
    """What the estimator classes get once SegcoreEstimator takes the mixin as a base."""
    from segcore._base import SegcoreEstimator
    from segcore._html import HtmlReprMixin

    # once SegcoreEstimator derives from the mixin, Segmenter's bases must still linearise
    wired_base = type("WiredEstimator", (HtmlReprMixin,), {})
    bases = tuple(wired_base if b is SegcoreEstimator else b for b in segcore.Segmenter.__bases__)
    assert wired_base in bases
    type("WiredSegmenter", bases, {})  # TypeError if the MRO were inconsistent

    class HtmlKMeans(segcore.KMeans, HtmlReprMixin):
        pass

    x = np.array([[0.0, 0.0], [0.0, 1.0], [9.0, 9.0], [9.0, 10.0]])
    km = HtmlKMeans(n_clusters=2, random_state=0)
    assert "n_clusters" in km._repr_html_() and "not fitted" in km._repr_html_()
    km.fit(x)
    h = km._repr_html_()
    assert "cluster_centers_" in h and "array(2, 2)" in h and f"{km.inertia_:.6g}" in h
    bg = type("HtmlBetaGeo", (segcore.BetaGeo, HtmlReprMixin), {}).from_params(0.2426, 4.4137, 0.793, 2.4262, unit="W")
    assert "r: 0.2426" in bg._repr_html_() and "unit_" in bg._repr_html_()


def test_private_report_pseudonymises_ids_and_suppresses_small_segments(rep):
    import hashlib
    import hmac

    k = int(sorted(rep.segments["size"])[1])  # the middle size: smaller segments are suppressed
    safe = rep.private("retention-team-key", k=k)
    ids = [str(i) for i in rep.customers.index]
    expected = [hmac.new(b"retention-team-key", i.encode(), hashlib.sha256).hexdigest() for i in ids]
    assert list(safe.customers.index) == expected
    assert safe.customers.index.name == "customer_pseudonym"
    # every other column is untouched
    np.testing.assert_array_equal(safe.customers["clv"].to_numpy(), rep.customers["clv"].to_numpy())
    small = (rep.segments["size"] < k).to_numpy()
    assert small.any() and not small.all()
    np.testing.assert_array_equal(safe.segments["suppressed"].to_numpy(), small)
    assert safe.segments.loc[small, "size"].isna().all()
    assert (safe.segments.loc[~small, "size"].to_numpy() == rep.segments.loc[~small, "size"].to_numpy()).all()
    # no raw id is left in the customer table's id column
    assert set(map(str, safe.customers.index)).isdisjoint(ids)
    assert all(len(p) == 64 for p in safe.customers.index)
