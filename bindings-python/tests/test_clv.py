"""CLV: published CDNOW/donations fits, lifetimes golden vectors, summaries, model files."""

import json
import os

import numpy as np
import pandas as pd
import polars as pl
import pytest

import segcore


@pytest.fixture(scope="module")
def golden(golden_dir):
    with open(os.path.join(golden_dir, "clv", "lifetimes_golden.json")) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def summary():
    return segcore.datasets.cdnow_summary()


def cols(golden):
    rows = np.array(golden["rows"])
    return rows[:, 0], rows[:, 1], rows[:, 2]


def test_bg_nbd_on_cdnow_reproduces_the_paper(summary):
    bg = segcore.BetaGeo(unit="W").fit(summary["x"], summary["t_x"], summary["T"])
    p = bg.params_
    assert p["r"] == pytest.approx(0.2426, abs=6e-4)
    assert p["alpha"] == pytest.approx(4.4137, abs=6e-4)
    assert p["a"] == pytest.approx(0.7930, abs=6e-4)
    assert p["b"] == pytest.approx(2.4262, abs=6e-4)
    assert bg.log_likelihood_ == pytest.approx(-9582.43, abs=0.01)
    assert bg.converged_ and bg.unit_ == "weeks"
    assert set(bg.standard_errors_) == {"r", "alpha", "a", "b"}
    # customer 1516 of the paper
    e = bg.conditional_expected_purchases(52, [26], [30.857], [31])
    assert e[0] == pytest.approx(25.757, abs=2e-3)
    assert bg.p_alive(26, 30.857, 31)[0] == pytest.approx(0.96885, abs=1e-4)


def test_fit_on_summary_frame_and_weights_agree(summary):
    df = summary.rename(columns={"x": "frequency", "t_x": "recency"})
    a = segcore.BetaGeo(unit="W").fit(df)
    g = df.groupby(["frequency", "recency", "T"]).size().reset_index(name="w")
    b = segcore.BetaGeo(unit="W").fit(g["frequency"], g["recency"], g["T"], weights=g["w"])
    for k in a.params_:
        assert a.params_[k] == pytest.approx(b.params_[k], rel=1e-6)


def test_pareto_gamma_gamma_and_bg_bb_published(summary):
    pn = segcore.ParetoNBD(unit="W").fit(summary["x"], summary["t_x"], summary["T"])
    for k, v in {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}.items():
        assert pn.params_[k] == pytest.approx(v, rel=2e-3)
    assert pn.log_likelihood_ == pytest.approx(-9594.98, abs=0.02)
    rep = summary[summary["x"] > 0]
    assert len(rep) == 946
    gg = segcore.GammaGamma().fit(rep["x"], rep["zbar"])
    for k, v in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert gg.params_[k] == pytest.approx(v, abs=0.01)
    d = segcore.datasets.donations()
    bb = segcore.BetaGeoBetaBinom().fit(d["frequency"], d["recency"], d["periods"], d["weights"])
    for k, v in {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}.items():
        assert bb.params_[k] == pytest.approx(v, abs=1e-3)
    assert bb.log_likelihood_ == pytest.approx(-33225.58, abs=0.01)


@pytest.mark.parametrize("kind, cls", [("BetaGeo", segcore.BetaGeo), ("ModifiedBetaGeo", segcore.ModifiedBetaGeo), ("ParetoNbd", segcore.ParetoNBD)])
def test_predictions_equal_lifetimes(golden, kind, cls):
    g = golden[kind]
    m = cls.from_params(**g["params"], unit="W")
    x, tx, T = cols(golden)
    np.testing.assert_allclose(m.expected_purchases(golden["times"]), g["expected_purchases"], rtol=1e-7)
    for t, expected in g["conditional_expected_purchases"].items():
        np.testing.assert_allclose(m.conditional_expected_purchases(float(t), x, tx, T), expected, rtol=1e-6)
    np.testing.assert_allclose(m.p_alive(x, tx, T), g["p_alive"], rtol=1e-7)
    if "probability_of_n_purchases" in g:
        for n, expected in g["probability_of_n_purchases"].items():
            np.testing.assert_allclose(m.probability_of_n_purchases(golden["times"], int(n)), expected, rtol=1e-6)
    # lifetimes' names are aliases
    np.testing.assert_array_equal(m.conditional_probability_alive(x, tx, T), m.p_alive(x, tx, T))


def test_gamma_gamma_and_clv_equal_lifetimes(golden):
    g = golden["GammaGamma"]
    gg = segcore.GammaGamma.from_params(**g["params"])
    x, tx, T = cols(golden)
    m = np.array(g["monetary"])
    np.testing.assert_allclose(gg.conditional_expected_average_profit(x, m), g["conditional_expected_average_profit"], rtol=1e-9)
    bg = segcore.BetaGeo.from_params(**golden["BetaGeo"]["params"], unit="W")
    pn = segcore.ParetoNBD.from_params(**golden["ParetoNbd"]["params"], unit="W")
    np.testing.assert_allclose(gg.customer_lifetime_value(bg, x, tx, T, m, time=12, discount_rate=0.01), g["clv_bg_12_months_weekly"], rtol=1e-6)
    np.testing.assert_allclose(pn.customer_lifetime_value(gg, x, tx, T, m, time=6, discount_rate=0.02), g["clv_pareto_6_months_weekly"], rtol=1e-6)


def test_bg_bb_predictions_equal_lifetimes(golden):
    g = golden["BetaGeoBetaBinom"]
    m = segcore.BetaGeoBetaBinom.from_params(**g["params"])
    for k, expected in g["conditional_expected_purchases"].items():
        np.testing.assert_allclose(m.conditional_expected_purchases(int(k), g["frequency"], g["recency"], g["n_periods"]), expected, rtol=1e-6)
    for k, expected in g["p_alive"].items():
        np.testing.assert_allclose(m.p_alive(g["frequency"], g["recency"], g["n_periods"], int(k)), expected, rtol=1e-6)


def test_series_in_series_out(summary):
    bg = segcore.BetaGeo.from_params(0.2426, 4.4137, 0.7930, 2.4262, unit="W")
    s = summary.set_index("ID")
    out = bg.p_alive(s["x"], s["t_x"], s["T"])
    assert isinstance(out, pd.Series) and out.index.equals(s.index)
    assert isinstance(bg.p_alive(s["x"].to_numpy(), s["t_x"].to_numpy(), s["T"].to_numpy()), np.ndarray)
    assert isinstance(bg.expected_purchases(39.0), float)


def test_rfm_summary_matches_the_bundled_summary(summary):
    tx = segcore.datasets.cdnow_sample()
    r = segcore.rfm_summary(tx, observation_end="1997-09-30", unit="W")
    assert list(r.columns) == ["frequency", "recency", "T", "monetary_value"]
    assert r.attrs["unit"] == "weeks"
    s = summary.set_index("ID").loc[r.index]
    np.testing.assert_array_equal(r["frequency"], s["x"])
    np.testing.assert_allclose(r["recency"], s["t_x"], atol=0.005)
    np.testing.assert_allclose(r["T"], s["T"], atol=0.005)
    np.testing.assert_allclose(r["monetary_value"], s["zbar"], atol=0.005)


def test_rfm_summary_holdout_and_polars():
    tx = segcore.datasets.cdnow_sample(output="polars")
    r = segcore.rfm_summary(tx, calibration_end="1997-09-30", observation_end="1998-06-30", unit="W")
    assert isinstance(r, pl.DataFrame)
    assert r.columns == ["customer_id", "frequency", "recency", "T", "monetary_value", "frequency_holdout", "monetary_value_holdout", "duration_holdout"]
    assert r.height == 2_357
    assert r["duration_holdout"][0] == pytest.approx(39.0)
    # customer 1 bought on 1997-12-12 in the holdout period
    row = r.filter(pl.col("customer_id") == 1)
    assert row["frequency_holdout"][0] == 1 and row["monetary_value_holdout"][0] == pytest.approx(26.48)


def test_default_observation_end_is_the_latest_transaction():
    d = {"customer_id": [1, 1, 2], "timestamp": ["2024-01-01", "2024-01-11", "2024-01-06"], "amount": [5.0, 7.0, 3.0]}
    r = segcore.rfm_summary(d)
    assert r.loc[1].tolist() == [1.0, 10.0, 10.0, 7.0]
    assert r.loc[2].tolist() == [0.0, 0.0, 5.0, 0.0]


def test_model_files_round_trip(tmp_path, summary):
    bg = segcore.BetaGeo(unit="W").fit(summary["x"], summary["t_x"], summary["T"])
    path = tmp_path / "bg.json"
    bg.save(path)
    env = json.loads(path.read_text())
    assert (env["format"], env["kind"], env["time_unit"]) == ("segcore-model", "BetaGeo", "weeks")
    back = segcore.load(path)
    assert type(back) is segcore.BetaGeo
    assert back.params_ == bg.params_ and back.unit_ == "weeks"
    x, tx, T = summary["x"], summary["t_x"], summary["T"]
    np.testing.assert_array_equal(back.p_alive(x, tx, T), bg.p_alive(x, tx, T))
    gg = segcore.GammaGamma.from_params(6.25, 3.74, 15.44)
    assert type(segcore.loads(gg.to_json())) is segcore.GammaGamma
    with pytest.raises(segcore.ModelFileError) as ei:
        segcore.GammaGamma.from_json(bg.to_json())
    assert "holds kind `BetaGeo`, expected `GammaGamma`" in str(ei.value)
    with pytest.raises(segcore.ModelFileError):
        segcore.loads("{}")
    with pytest.raises(segcore.SegcoreIOError) as ei:
        segcore.load(tmp_path / "missing.json")
    assert isinstance(ei.value, OSError) and ei.value.code == "IO_ERROR"


def test_errors_from_models():
    bg = segcore.BetaGeo()
    with pytest.raises(segcore.NotFittedError):
        bg.p_alive([1.0], [1.0], [2.0])
    with pytest.raises(segcore.InvalidValueError) as ei:
        bg.fit([1.0, 2.0], [1.0, 5.0], [2.0, 4.0])
    assert (ei.value.column, ei.value.row) == ("recency", 1)
    with pytest.raises(segcore.LengthMismatchError):
        bg.fit([1.0, 2.0], [1.0], [2.0, 4.0])
    with pytest.raises(segcore.InvalidParameterError) as ei:
        segcore.BetaGeo(penalizer_coef=-1).fit([1.0], [1.0], [2.0])
    assert ei.value.name == "l2"
    with pytest.raises(segcore.InvalidParameterError) as ei:
        segcore.BetaGeo(unit="fortnights").fit([1.0], [1.0], [2.0])
    assert ei.value.name == "unit"


def test_sklearn_protocol():
    from sklearn.base import clone

    m = segcore.BetaGeo(penalizer_coef=0.1, unit="W")
    assert m.get_params() == {"max_iter": 500, "penalizer_coef": 0.1, "tol": 1e-8, "unit": "W"}
    c = clone(m)
    assert c is not m and c.get_params() == m.get_params()
    assert m.set_params(max_iter=50) is m and m.max_iter == 50
    assert repr(m) == "BetaGeo(max_iter=50, penalizer_coef=0.1, unit='W')"
    with pytest.raises(segcore.InvalidParameterError):
        m.set_params(nope=1)
    s = segcore.datasets.cdnow_summary()
    fitted = segcore.BetaGeo(unit="W").fit(s["x"], s["t_x"], s["T"])
    assert "params_" in fitted.__dict__ and "params_" not in clone(fitted).__dict__


def test_non_convergence_raises_convergence_error():
    with pytest.raises(segcore.ConvergenceError) as ei:
        segcore.BetaGeo(max_iter=2).fit(*[segcore.datasets.cdnow_summary()[c] for c in ("x", "t_x", "T")])
    e = ei.value
    assert isinstance(e, RuntimeError) and e.code == "NOT_CONVERGED"
    assert (e.model, e.iterations) == ("BetaGeo", 2) and e.grad_norm > 0
