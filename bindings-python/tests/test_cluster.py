"""Clustering: k-means vs scikit-learn goldens, scalers and metrics vs scikit-learn,
RFM segments vs the pandas golden, sklearn protocol and model files."""

import json
import os

import numpy as np
import pandas as pd
import polars as pl
import pytest

import segcore


@pytest.fixture(scope="module")
def km_golden(golden_dir):
    with open(os.path.join(golden_dir, "cluster", "kmeans.json")) as f:
        return json.load(f)


@pytest.mark.parametrize("case", range(8))
def test_kmeans_matches_sklearn_golden(km_golden, case):
    c = km_golden["cases"][case]
    x = np.array(km_golden["x"])
    init = np.array(km_golden["init"])
    w = np.array(km_golden["weights"]) if c["weighted"] else None
    algo = {"lloyd": "lloyd", "elkan": "hamerly"}[c["algorithm"]]
    km = segcore.KMeans(len(init), init=init, n_init=1, tol=c["tol"], max_iter=c["max_iter"], algorithm=algo)
    km.fit(x, sample_weight=w)
    np.testing.assert_array_equal(km.labels_, c["labels"])
    np.testing.assert_allclose(km.cluster_centers_, c["centers"], rtol=1e-10, atol=1e-12)
    assert km.inertia_ == pytest.approx(c["inertia"], rel=1e-10)
    assert km.n_iter_ == c["n_iter"]
    np.testing.assert_array_equal(km.predict(x[:10]), c["predict_first10"])
    np.testing.assert_allclose(km.transform(x[:5]), c["transform_first5"], rtol=1e-10)


def blobs(seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [6.0, 6.0], [0.0, 8.0]])
    return np.vstack([c + rng.normal(size=(60, 2)) for c in centres])


def test_kmeans_protocol_and_seeds():
    x = blobs()
    a = segcore.KMeans(3, random_state=4, n_init=3).fit(x)
    b = segcore.KMeans(3, random_state=4, n_init=3).fit(x)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    assert a.n_features_in_ == 2 and a.cluster_centers_.shape == (3, 2)
    assert sorted(np.bincount(a.labels_)) == [60, 60, 60]
    np.testing.assert_array_equal(segcore.KMeans(3, random_state=4, n_init=3).fit_predict(x), a.labels_)
    assert a.score(x) == pytest.approx(-a.inertia_, rel=1e-9)
    mb = segcore.MiniBatchKMeans(3, random_state=0, batch_size=64).fit(x)
    assert sorted(np.bincount(mb.labels_)) == [60, 60, 60]
    gm = segcore.GaussianMixture(3, random_state=0).fit(x)
    assert gm.converged_ and gm.weights_.sum() == pytest.approx(1.0)
    assert sorted(np.bincount(gm.predict(x))) == [60, 60, 60]
    np.testing.assert_allclose(gm.predict_proba(x).sum(axis=1), 1.0)
    assert gm.bic(x) > 0


def test_sklearn_clone_params_and_pipeline():
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline

    km = segcore.KMeans(n_clusters=3, random_state=0)
    params = km.get_params()
    assert params == {"algorithm": "auto", "init": "k-means++", "max_iter": 300, "n_clusters": 3, "n_init": "auto",
                      "random_state": 0, "tol": 1e-4, "verbose": True}
    c = clone(km)
    assert c.get_params() == params and c is not km
    pipe = make_pipeline(segcore.StandardScaler(), segcore.KMeans(3, random_state=0))
    labels = pipe.fit_predict(blobs())
    assert sorted(np.bincount(labels)) == [60, 60, 60]
    pipe.set_params(kmeans__n_clusters=2)
    assert pipe.named_steps["kmeans"].n_clusters == 2
    with pytest.raises(segcore.NotFittedError):
        segcore.KMeans(3).predict(blobs())


def test_feature_names_and_shape_checks():
    df = pd.DataFrame(blobs(), columns=["recency", "frequency"])
    km = segcore.KMeans(3, random_state=0).fit(df)
    assert list(km.feature_names_in_) == ["recency", "frequency"]
    with pytest.raises(segcore.ShapeError):
        km.predict(np.zeros((2, 3)))
    with pytest.raises(segcore.ShapeError):
        km.predict(df[["frequency", "recency"]])
    km_pl = segcore.KMeans(3, random_state=0).fit(pl.from_pandas(df))
    np.testing.assert_array_equal(km_pl.labels_, km.labels_)
    with pytest.raises(segcore.InvalidValueError) as ei:
        segcore.KMeans(2).fit(np.array([[0.0, 1.0], [np.nan, 2.0], [3.0, 4.0]]))
    assert ei.value.row == 1
    with pytest.raises(segcore.InvalidParameterError):
        segcore.KMeans(0).fit(blobs())
    with pytest.raises(segcore.InvalidParameterError):
        segcore.KMeans(2, random_state=-1).fit(blobs())


def test_scalers_match_sklearn():
    from sklearn import preprocessing as skp

    x = blobs() * [1.0, 10.0] + [5.0, -3.0]
    for ours, theirs in [
        (segcore.StandardScaler(), skp.StandardScaler()),
        (segcore.RobustScaler(quantile_range=(10.0, 90.0)), skp.RobustScaler(quantile_range=(10.0, 90.0))),
        (segcore.MinMaxScaler(feature_range=(-1.0, 1.0)), skp.MinMaxScaler(feature_range=(-1.0, 1.0))),
    ]:
        got = ours.fit_transform(x)
        np.testing.assert_allclose(got, theirs.fit_transform(x), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ours.inverse_transform(got), x, rtol=1e-12, atol=1e-9)
    s = segcore.StandardScaler().fit(x)
    np.testing.assert_allclose(s.mean_, x.mean(axis=0))
    np.testing.assert_allclose(s.scale_, x.std(axis=0))


def test_metrics_match_sklearn():
    from sklearn import metrics as skm

    x = blobs()
    labels = segcore.KMeans(3, random_state=0).fit_predict(x)
    assert segcore.silhouette_score(x, labels) == pytest.approx(skm.silhouette_score(x, labels), rel=1e-10)
    np.testing.assert_allclose(segcore.silhouette_samples(x, labels), skm.silhouette_samples(x, labels), rtol=1e-10)
    assert segcore.davies_bouldin_score(x, labels) == pytest.approx(skm.davies_bouldin_score(x, labels), rel=1e-10)
    assert segcore.calinski_harabasz_score(x, labels) == pytest.approx(skm.calinski_harabasz_score(x, labels), rel=1e-10)
    sampled = segcore.silhouette_score(x, labels, sample_size=50, random_state=1)
    assert sampled == segcore.silhouette_score(x, labels, sample_size=50, random_state=1)
    assert abs(sampled - skm.silhouette_score(x, labels)) < 0.1


def test_choose_k_finds_three_blobs():
    table, k = segcore.choose_k(blobs(), range(2, 7), random_state=0)
    assert k == 3
    assert list(table["k"]) == [2, 3, 4, 5, 6]
    assert table.loc[table["k"] == 3, "silhouette"].item() == table["silhouette"].max()
    assert table.attrs["rule"]


def test_rfm_segments_match_pandas_golden(golden_dir):
    g = pd.read_csv(os.path.join(golden_dir, "cluster", "rfm_cdnow.csv"), dtype={"customer_id": str, "score": str})
    s = segcore.rfm_segments(g["recency"], g["frequency"], g["monetary"])
    assert list(s.columns) == ["recency_score", "frequency_score", "monetary_score", "rfm_score", "segment"]
    np.testing.assert_array_equal(s["recency_score"], g["r"])
    np.testing.assert_array_equal(s["frequency_score"], g["f"])
    np.testing.assert_array_equal(s["monetary_score"], g["m"])
    assert s["rfm_score"].tolist() == g["score"].tolist()
    assert s["segment"].tolist() == g["segment"].tolist()


def test_segment_profiles():
    x = pd.DataFrame({"recency": [1.0, 2.0, 300.0, 320.0], "frequency": [10.0, 12.0, 0.0, 1.0]})
    p = segcore.segment_profiles(x, [0, 0, 1, 1], clv=[100.0, 300.0, 5.0, 5.0])
    assert p["size"].tolist() == [2, 2]
    assert p["clv_total"].tolist() == [400.0, 10.0]
    assert p["mean_recency"].tolist() == [1.5, 310.0]
    assert p["name"].map(bool).all()


def test_cluster_model_files_round_trip(tmp_path):
    x = blobs()
    for est in [segcore.KMeans(3, random_state=0), segcore.MiniBatchKMeans(3, random_state=0),
                segcore.GaussianMixture(3, random_state=0), segcore.StandardScaler(), segcore.RobustScaler(),
                segcore.MinMaxScaler()]:
        est.fit(x)
        path = tmp_path / f"{type(est).__name__}.json"
        est.save(path)
        back = segcore.load(path)
        assert type(back) is type(est)
        out = est.transform(x) if hasattr(est, "transform") else est.predict(x)
        np.testing.assert_array_equal(back.transform(x) if hasattr(back, "transform") else back.predict(x), out)
