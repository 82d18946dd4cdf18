"""pickle and joblib round-trip every fitted model (predictions equal after the trip), and
fitted models have a notebook HTML view."""

import pickle

import numpy as np
import pytest

import segcore
from typed_helpers import binary_problem, round_trips


@pytest.fixture(scope="module")
def summary():
    return segcore.datasets.cdnow_summary()


X, Y = binary_problem()
XPOS = np.abs(X) * 3.0


def _transaction_model(cls):
    def make(s):
        m = cls(unit="W").fit(s["x"], s["t_x"], s["T"])
        return m, lambda m: np.concatenate([
            np.asarray(m.conditional_expected_purchases(10.0, s["x"], s["t_x"], s["T"])),
            np.asarray(m.p_alive(s["x"], s["t_x"], s["T"])),
            np.atleast_1d(m.expected_purchases(39.0)),
        ])
    return make


def _gamma_gamma(s):
    rep = s[s["x"] > 0]
    m = segcore.GammaGamma().fit(rep["x"], rep["zbar"])
    return m, lambda m: np.asarray(m.conditional_expected_average_profit(rep["x"], rep["zbar"]))


def _bgbb(s):
    d = segcore.datasets.donations()
    m = segcore.BetaGeoBetaBinom().fit(d["frequency"], d["recency"], d["periods"], d["weights"])
    return m, lambda m: np.asarray(m.p_alive(d["frequency"], d["recency"], d["periods"]))


def _matrix(est, fit_X, method, y=None):
    def make(s):
        m = est.fit(fit_X) if y is None else est.fit(fit_X, y)
        return m, lambda m: np.asarray(getattr(m, method)(fit_X), dtype=np.float64)
    return make


MODELS = {
    "BetaGeo": _transaction_model(segcore.BetaGeo),
    "ModifiedBetaGeo": _transaction_model(segcore.ModifiedBetaGeo),
    "ParetoNBD": _transaction_model(segcore.ParetoNBD),
    "GammaGamma": _gamma_gamma,
    "BetaGeoBetaBinom": _bgbb,
    "StandardScaler": _matrix(segcore.StandardScaler(), X, "transform"),
    "RobustScaler": _matrix(segcore.RobustScaler(), X, "transform"),
    "MinMaxScaler": _matrix(segcore.MinMaxScaler(), X, "transform"),
    "Log1p": _matrix(segcore.Log1p(columns=[0, 2]), XPOS, "transform"),
    "KMeans": _matrix(segcore.KMeans(3, random_state=0), X, "transform"),
    "MiniBatchKMeans": _matrix(segcore.MiniBatchKMeans(3, batch_size=100, random_state=0), X, "transform"),
    "GaussianMixture": _matrix(segcore.GaussianMixture(3, random_state=0), X, "predict_proba"),
    "LogisticChurn": _matrix(segcore.LogisticChurn(), X, "predict_proba", Y),
    "GradientBoostingChurn": _matrix(segcore.GradientBoostingChurn(max_iter=20, random_state=0), X, "predict_proba", Y),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_fitted_models_round_trip_through_pickle_and_joblib(name, summary):
    model, predict = MODELS[name](summary)
    before = predict(model)
    assert before.size > 0 and np.all(np.isfinite(before))
    fitted = {k: v for k, v in vars(model).items() if k.endswith("_") and not k.startswith("_")}
    assert fitted, "no fitted attributes"
    for how, back in round_trips(model):
        assert type(back) is type(model)
        assert back.get_params() == model.get_params()
        np.testing.assert_array_equal(predict(back), before, err_msg=how)
        assert back.to_json() == model.to_json(), how
        for k, v in fitted.items():
            np.testing.assert_equal(getattr(back, k), v, err_msg=f"{how}: {k}")


def test_unfitted_estimators_pickle_as_parameters_only():
    km = pickle.loads(pickle.dumps(segcore.KMeans(4, tol=0.5)))
    assert km.get_params()["tol"] == 0.5
    with pytest.raises(segcore.NotFittedError):
        km.predict(X)


def test_repr_html_shows_parameters_and_fitted_summary():
    est = segcore.KMeans(3, random_state=0)
    page = est._repr_html_()
    assert "KMeans" in page and "n_clusters" in page and "not fitted" in page
    est.fit(X)
    page = est._repr_html_()
    assert "not fitted" not in page
    assert "inertia_" in page and f"{est.inertia_:.6g}" in page
    assert "cluster_centers_" in page and "array(3, 4)" in page
    bg = segcore.BetaGeo(unit="W").fit(*(segcore.datasets.cdnow_summary()[c] for c in ("x", "t_x", "T")))
    page = bg._repr_html_()
    assert "params_" in page and f"r: {bg.params_['r']:.6g}" in page
    assert "<script" not in page
