"""segcore.plotting: the data drawn equal the models' own numbers (Agg backend)."""

import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import segcore  # noqa: E402
from segcore import plotting  # noqa: E402

# published BG/NBD parameters on CDNOW, in weeks (Fader, Hardie and Lee 2005)
BG = segcore.BetaGeo.from_params(0.2426, 4.4137, 0.7930, 2.4262, unit="W")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_probability_alive_matrix_values():
    ax = plotting.plot_probability_alive_matrix(BG, max_frequency=12, max_recency=20)
    z = np.asarray(ax.images[0].get_array())
    assert z.shape == (21, 13)
    for i in range(21):
        for j in range(13):
            want = BG.conditional_probability_alive(np.array([float(j)]), np.array([float(i)]), np.array([20.0]))[0]
            assert z[i, j] == want
    assert z[0, 0] == 1.0 and z[0, 5] < z[20, 5]  # a recent buyer is more likely alive
    assert ax.get_xlabel() == "Customer's Historical Frequency"


def test_frequency_recency_matrix_values_and_data_defaults():
    s = segcore.datasets.cdnow_summary()
    summ = pd.DataFrame({"frequency": s["x"], "recency": s["t_x"], "T": s["T"]})
    ax = plotting.plot_frequency_recency_matrix(BG, T=4, data=summ)
    z = np.asarray(ax.images[0].get_array())
    fmax, tmax = int(summ["frequency"].max()), int(summ["T"].max())
    assert z.shape == (tmax + 1, fmax + 1)
    f, r = np.meshgrid(np.arange(fmax + 1.0), np.arange(tmax + 1.0))
    want = [BG.conditional_expected_number_of_purchases_up_to_time(4, [fj], [ri], [float(tmax)])[0]
            for fj, ri in zip(f.ravel(), r.ravel())]
    np.testing.assert_array_equal(z.ravel(), want)
    with pytest.raises(segcore.InvalidParameterError):
        plotting.plot_frequency_recency_matrix(BG)


def test_calibration_vs_holdout_lines():
    tx = segcore.datasets.cdnow_sample()
    ch = segcore.rfm_summary(tx, calibration_end="1997-09-30", observation_end="1998-06-30", unit="W")
    bg = segcore.BetaGeo().fit(ch["frequency"], ch["recency"], ch["T"])
    ax = plotting.plot_calibration_purchases_vs_holdout_purchases(bg, ch, n=5)
    actual, model = ax.lines[0], ax.lines[1]
    dur = ch["duration_holdout"].iloc[0]
    pred = bg.conditional_expected_purchases(dur, ch["frequency"], ch["recency"], ch["T"])
    by = pd.DataFrame({"f": ch["frequency"], "h": ch["frequency_holdout"], "p": np.asarray(pred)}).groupby("f").mean()
    np.testing.assert_array_equal(actual.get_xdata(), by.index[:5])
    np.testing.assert_allclose(actual.get_ydata(), by["h"].iloc[:5], rtol=1e-12)
    np.testing.assert_allclose(model.get_ydata(), by["p"].iloc[:5], rtol=1e-12)
    # lifetimes' column names work too
    lt = ch.rename(columns={"frequency": "frequency_cal", "recency": "recency_cal", "T": "T_cal"})
    ax2 = plotting.plot_calibration_purchases_vs_holdout_purchases(bg, lt, n=5)
    np.testing.assert_array_equal(ax2.lines[1].get_ydata(), model.get_ydata())


def _scores():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=2000)
    y = rng.uniform(size=2000) < p
    return y, p


def test_churn_calibration_and_lift():
    y, p = _scores()
    ax = plotting.plot_churn_calibration(y, p)
    t = segcore.churn.calibration_table(y, p)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), t["mean_predicted"])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), t["observed_rate"])
    # independently: deciles of the (distinct) scores
    order = np.argsort(p)
    for b, idx in enumerate(np.array_split(order, 10)):
        assert t["mean_predicted"][b] == pytest.approx(p[idx].mean(), rel=1e-12)
        assert t["observed_rate"][b] == pytest.approx(y[idx].mean(), rel=1e-12)

    ax = plotting.plot_lift(y, p, fractions=[0.1, 0.2, 0.5, 1.0])
    top = np.argsort(-p)
    for frac, lift, cap in zip([0.1, 0.2, 0.5, 1.0], ax.lines[0].get_ydata(), ax.segcore_twin.lines[0].get_ydata()):
        sel = top[: int(round(frac * len(p)))]
        assert lift == pytest.approx(y[sel].mean() / y.mean(), rel=1e-12)
        assert cap == pytest.approx(y[sel].sum() / y.sum(), rel=1e-12)


def test_segments_plot():
    rep = segcore.segment(segcore.datasets.cdnow_sample(), n_segments=3, verbose=False)
    ax = plotting.plot_segments(rep)
    np.testing.assert_array_equal([b.get_height() for b in ax.patches], rep.segments["size"])
    np.testing.assert_array_equal(ax.segcore_twin.lines[0].get_ydata(), rep.segments["clv_mean"])
    assert [t.get_text() for t in ax.get_xticklabels()] == rep.segment_names
    ax = plotting.plot_segments(rep.segments, clv="clv_total")
    np.testing.assert_array_equal(ax.segcore_twin.lines[0].get_ydata(), rep.segments["clv_total"])


def test_segment_transitions_heatmap():
    prev = pd.Series([0, 0, 1, 1, 2, 2], index=list("abcdef"))
    cur = pd.Series([0, 1, 1, 1, 2, 0], index=list("abcdef"))
    t = segcore.segment_transitions(prev, cur)
    ax = plotting.plot_segment_transitions(t)
    np.testing.assert_array_equal(np.asarray(ax.images[0].get_array()), [[0.5, 0.5, 0], [0, 1, 0], [0.5, 0, 0.5]])
    assert "1.00\n(2)" in [x.get_text() for x in ax.texts]


def test_missing_matplotlib_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        plotting.plot_probability_alive_matrix(BG, max_frequency=2, max_recency=2)
