"""Plots of segcore's results (matplotlib, an optional dependency imported when a plot is
drawn). Every function draws on ``ax`` (a new figure's axes when None) and returns the
matplotlib ``Axes``; the numbers drawn are the models' own.

* :func:`plot_segments` — segment sizes (bars) and mean CLV (line, right axis);
* :func:`plot_frequency_recency_matrix` — expected purchases by frequency and recency;
* :func:`plot_probability_alive_matrix` — P(alive) by frequency and recency;
* :func:`plot_calibration_purchases_vs_holdout_purchases` — predicted vs actual holdout
  purchases by calibration-period frequency;
* :func:`plot_churn_calibration` — mean predicted churn probability vs observed churn
  rate per decile;
* :func:`plot_lift` — lift (and capture rate) of the churn score by the share targeted;
* :func:`plot_segment_transitions` — heatmap of segment transition rates.

The CLV plots keep lifetimes' names and arguments (``lifetimes.plotting``).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import segcore
>>> from segcore import plotting
>>> bg = segcore.BetaGeo.from_params(0.243, 4.414, 0.793, 2.426, unit="W")
>>> ax = plotting.plot_probability_alive_matrix(bg, max_frequency=10, max_recency=39)
>>> ax.images[0].get_array().shape
(40, 11)
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from . import _segcore

__all__ = [
    "plot_segments",
    "plot_frequency_recency_matrix",
    "plot_probability_alive_matrix",
    "plot_calibration_purchases_vs_holdout_purchases",
    "plot_churn_calibration",
    "plot_lift",
    "plot_segment_transitions",
]


def _plt() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - exercised without matplotlib only
        raise ImportError(
            "segcore.plotting needs matplotlib, which is not installed: pip install matplotlib"
        ) from e
    return plt


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    _, ax = _plt().subplots()
    return ax


def _values(df: Any, name: str) -> np.ndarray:
    return np.asarray(df[name].to_numpy() if hasattr(df[name], "to_numpy") else df[name])


# ---------------------------------------------------------------------------- segments


def plot_segments(report: Any, *, ax: Any = None, clv: str = "clv_mean") -> Any:
    """Segment sizes (bars, left axis) and CLV (``clv="clv_mean"`` or ``"clv_total"``,
    line on a right axis, reachable as ``ax.segcore_twin``), one bar per segment labelled
    with its name. ``report`` is a :class:`segcore.Report` or its ``segments`` table.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import segcore
    >>> from segcore import plotting
    >>> rep = segcore.segment(segcore.datasets.cdnow_sample(), n_segments=3, verbose=False)
    >>> ax = plotting.plot_segments(rep)
    >>> [int(b.get_height()) for b in ax.patches] == rep.segments["size"].tolist()
    True
    """
    seg = getattr(report, "segments", report)
    ax = _axes(ax)
    names = [str(n) for n in _values(seg, "name")]
    sizes = _values(seg, "size").astype(np.float64)
    x = np.arange(len(names))
    ax.bar(x, sizes, color="#4C72B0", label="customers")
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_ylabel("customers")
    ax.set_title("Segments: size and CLV")
    if clv not in ("clv_mean", "clv_total"):
        raise _segcore._invalid_parameter("clv", f"expected clv_mean or clv_total, got {clv!r}")
    twin = ax.twinx()
    twin.plot(x, _values(seg, clv).astype(np.float64), color="#C44E52", marker="o", label=clv)
    twin.set_ylabel("mean CLV" if clv == "clv_mean" else "total CLV")
    ax.segcore_twin = twin
    return ax


# ---------------------------------------------------------------------------- CLV


def _grid(max_frequency: Optional[int], max_recency: Optional[int], data: Any) -> tuple:
    if max_frequency is None:
        if data is None:
            raise _segcore._invalid_parameter("max_frequency", "give max_frequency (or data, a summary table)")
        max_frequency = int(np.nanmax(_values(data, "frequency")))
    if max_recency is None:
        if data is None:
            raise _segcore._invalid_parameter("max_recency", "give max_recency (or data, a summary table)")
        max_recency = int(np.nanmax(_values(data, "T")))
    if int(max_frequency) < 0 or int(max_recency) < 0:
        raise _segcore._invalid_parameter("max_frequency", "the grid bounds must be >= 0")
    f, r = np.meshgrid(np.arange(int(max_frequency) + 1, dtype=np.float64),
                       np.arange(int(max_recency) + 1, dtype=np.float64))
    return f, r, int(max_recency)


def frequency_recency_matrix(model: Any, T: float = 1, max_frequency: Optional[int] = None,
                             max_recency: Optional[int] = None, data: Any = None) -> np.ndarray:
    """Expected purchases in the next ``T`` time units for customers of age ``max_recency``:
    row = recency ``0..max_recency``, column = frequency ``0..max_frequency`` (lifetimes'
    layout). The bounds default to the maxima of ``data`` (a summary table).

    >>> import segcore
    >>> from segcore.plotting import frequency_recency_matrix
    >>> bg = segcore.BetaGeo.from_params(0.243, 4.414, 0.793, 2.426, unit="W")
    >>> frequency_recency_matrix(bg, T=1, max_frequency=3, max_recency=10).shape
    (11, 4)
    """
    f, r, age = _grid(max_frequency, max_recency, data)
    z = model.conditional_expected_purchases(float(T), f.ravel(), r.ravel(), np.full(f.size, float(age)))
    return np.asarray(z, dtype=np.float64).reshape(f.shape)


def probability_alive_matrix(model: Any, max_frequency: Optional[int] = None, max_recency: Optional[int] = None,
                             data: Any = None) -> np.ndarray:
    """P(alive) of customers of age ``max_recency``: row = recency, column = frequency.

    >>> import segcore
    >>> from segcore.plotting import probability_alive_matrix
    >>> bg = segcore.BetaGeo.from_params(0.243, 4.414, 0.793, 2.426, unit="W")
    >>> float(probability_alive_matrix(bg, max_frequency=3, max_recency=10)[0, 0])
    1.0
    """
    f, r, age = _grid(max_frequency, max_recency, data)
    z = model.p_alive(f.ravel(), r.ravel(), np.full(f.size, float(age)))
    return np.asarray(z, dtype=np.float64).reshape(f.shape)


def _matrix_plot(ax: Any, z: np.ndarray, title: str, xlabel: str, ylabel: str, kwargs: dict) -> Any:
    kwargs.setdefault("interpolation", "none")
    kwargs.setdefault("aspect", "auto")
    im = ax.imshow(z, **kwargs)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.figure.colorbar(im, ax=ax)
    return ax


def plot_frequency_recency_matrix(model: Any, T: float = 1, max_frequency: Optional[int] = None,
                                  max_recency: Optional[int] = None, title: Optional[str] = None,
                                  xlabel: str = "Customer's Historical Frequency", ylabel: str = "Customer's Recency",
                                  *, data: Any = None, ax: Any = None, **kwargs: Any) -> Any:
    """Heatmap of :func:`frequency_recency_matrix` (expected purchases in the next ``T``
    units by frequency and recency), as ``lifetimes.plotting.plot_frequency_recency_matrix``.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import segcore
    >>> from segcore import plotting
    >>> bg = segcore.BetaGeo.from_params(0.243, 4.414, 0.793, 2.426, unit="W")
    >>> ax = plotting.plot_frequency_recency_matrix(bg, T=4, max_frequency=20, max_recency=39)
    >>> ax.images[0].get_array().shape
    (40, 21)
    """
    z = frequency_recency_matrix(model, T, max_frequency, max_recency, data)
    if title is None:
        title = f"Expected Number of Future Purchases for {T:g} Unit of Time,\nby Frequency and Recency of a Customer"
    return _matrix_plot(_axes(ax), z, title, xlabel, ylabel, kwargs)


def plot_probability_alive_matrix(model: Any, max_frequency: Optional[int] = None, max_recency: Optional[int] = None,
                                  title: str = "Probability Customer is Alive,\nby Frequency and Recency of a Customer",
                                  xlabel: str = "Customer's Historical Frequency", ylabel: str = "Customer's Recency",
                                  *, data: Any = None, ax: Any = None, **kwargs: Any) -> Any:
    """Heatmap of :func:`probability_alive_matrix`, as
    ``lifetimes.plotting.plot_probability_alive_matrix``.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import segcore
    >>> from segcore import plotting
    >>> bg = segcore.BetaGeo.from_params(0.243, 4.414, 0.793, 2.426, unit="W")
    >>> ax = plotting.plot_probability_alive_matrix(bg, max_frequency=20, max_recency=39)
    >>> float(ax.images[0].get_array()[0, 0])
    1.0
    """
    z = probability_alive_matrix(model, max_frequency, max_recency, data)
    return _matrix_plot(_axes(ax), z, title, xlabel, ylabel, kwargs)


def calibration_purchases_vs_holdout(model: Any, calibration_holdout_matrix: Any, kind: str = "frequency_cal",
                                     n: int = 7):
    """The data of :func:`plot_calibration_purchases_vs_holdout_purchases`: a pandas
    DataFrame indexed by the ``kind`` value with the mean actual holdout purchases
    (``frequency_holdout``) and the model's prediction over the holdout duration
    (``model_predictions``), first ``n`` groups.

    >>> import segcore
    >>> from segcore.plotting import calibration_purchases_vs_holdout
    >>> tx = segcore.datasets.cdnow_sample()
    >>> ch = segcore.rfm_summary(tx, calibration_end="1997-09-30", observation_end="1998-06-30", unit="W")
    >>> bg = segcore.BetaGeo().fit(ch)
    >>> calibration_purchases_vs_holdout(bg, ch, n=3).columns.tolist()
    ['frequency_holdout', 'model_predictions']
    """
    import pandas as pd

    df = calibration_holdout_matrix
    if (type(df).__module__ or "").startswith("polars"):
        df = pd.DataFrame({c: df[c].to_numpy() for c in df.columns})

    def col(name: str) -> np.ndarray:
        # segcore's rfm_summary names the calibration columns without lifetimes' `_cal`
        for c in (name, name[:-4] if name.endswith("_cal") else name):
            if c in df.columns:
                return np.asarray(df[c].to_numpy(), dtype=np.float64)
        raise _segcore._invalid_parameter("calibration_holdout_matrix", f"missing column `{name}`")

    if kind not in ("frequency_cal", "recency_cal", "T_cal", "time_since_last_purchase"):
        raise _segcore._invalid_parameter("kind", f"unknown kind `{kind}`")
    f, r, t = col("frequency_cal"), col("recency_cal"), col("T_cal")
    duration = col("duration_holdout")[0]
    pred = np.asarray(model.conditional_expected_purchases(float(duration), f, r, t), dtype=np.float64)
    key = t - r if kind == "time_since_last_purchase" else {"frequency_cal": f, "recency_cal": r, "T_cal": t}[kind]
    out = pd.DataFrame({kind: key, "frequency_holdout": col("frequency_holdout"), "model_predictions": pred})
    return out.groupby(kind)[["frequency_holdout", "model_predictions"]].mean().iloc[: int(n)]


def plot_calibration_purchases_vs_holdout_purchases(model: Any, calibration_holdout_matrix: Any,
                                                    kind: str = "frequency_cal", n: int = 7, *, ax: Any = None) -> Any:
    """Mean actual vs predicted purchases in the holdout period, grouped by calibration
    frequency (or ``recency_cal``, ``T_cal``, ``time_since_last_purchase``), as lifetimes.
    ``calibration_holdout_matrix`` is :func:`segcore.rfm_summary` with ``calibration_end``
    (or lifetimes' ``*_cal`` columns). Line 0 is the actual, line 1 the model.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import segcore
    >>> from segcore import plotting
    >>> tx = segcore.datasets.cdnow_sample()
    >>> ch = segcore.rfm_summary(tx, calibration_end="1997-09-30", observation_end="1998-06-30", unit="W")
    >>> ax = plotting.plot_calibration_purchases_vs_holdout_purchases(segcore.BetaGeo().fit(ch), ch, n=7)
    >>> len(ax.lines[0].get_ydata())
    7
    """
    g = calibration_purchases_vs_holdout(model, calibration_holdout_matrix, kind, n)
    ax = _axes(ax)
    x = g.index.to_numpy(dtype=np.float64)
    ax.plot(x, g["frequency_holdout"].to_numpy(), marker="o", label="frequency_holdout")
    ax.plot(x, g["model_predictions"].to_numpy(), marker="s", label="model_predictions")
    ax.set_title("Actual Purchases in Holdout Period vs Predicted Purchases")
    ax.set_xlabel({"frequency_cal": "Purchases in calibration period", "recency_cal": "Age of customer at last purchase",
                   "T_cal": "Age of customer at the end of calibration period",
                   "time_since_last_purchase": "Time since user made last purchase"}[kind])
    ax.set_ylabel("Average of Purchases in Holdout Period")
    ax.legend()
    return ax


# ---------------------------------------------------------------------------- churn


def plot_churn_calibration(y_true: Any, y_prob: Any, *, ax: Any = None) -> Any:
    """Observed churn rate vs mean predicted probability per probability decile
    (:func:`segcore.churn.calibration_table`), with the diagonal. Line 0 is the model.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import segcore
    >>> from segcore import plotting
    >>> ax = plotting.plot_churn_calibration([0, 0, 1, 1] * 5, [0.1, 0.3, 0.6, 0.9] * 5)
    >>> len(ax.lines[0].get_xdata()) > 0
    True
    """
    from .churn import calibration_table

    t = calibration_table(y_true, y_prob)
    ax = _axes(ax)
    ax.plot(t["mean_predicted"].to_numpy(), t["observed_rate"].to_numpy(), marker="o", label="model")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean predicted churn probability")
    ax.set_ylabel("observed churn rate")
    ax.set_title("Churn calibration")
    ax.legend()
    return ax


def plot_lift(y_true: Any, y_score: Any, fractions: Sequence[float] = tuple(np.round(np.arange(0.1, 1.01, 0.1), 10)),
              *, ax: Any = None) -> Any:
    """Lift (line 0, left axis) and capture rate (line on ``ax.segcore_twin``) of the
    customers with the top ``fractions`` of churn scores (:func:`segcore.churn.lift_at`),
    with the no-skill lift of 1.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import segcore
    >>> from segcore import plotting
    >>> ax = plotting.plot_lift([1, 1, 0, 0], [0.9, 0.8, 0.2, 0.1], fractions=[0.5, 1.0])
    >>> [float(v) for v in ax.lines[0].get_ydata()]
    [2.0, 1.0]
    """
    from .churn import lift_at

    rows = [lift_at(y_true, y_score, float(f)) for f in fractions]
    x = np.asarray([r["fraction"] for r in rows], dtype=np.float64)
    ax = _axes(ax)
    ax.plot(x, [r["lift"] for r in rows], marker="o", label="lift")
    ax.axhline(1.0, linestyle="--", color="grey")
    ax.set_xlabel("share of customers targeted (highest churn scores first)")
    ax.set_ylabel("lift")
    ax.set_title("Churn lift and capture rate")
    twin = ax.twinx()
    twin.plot(x, [r["capture_rate"] for r in rows], marker="s", color="#C44E52", label="capture rate")
    twin.set_ylabel("capture rate")
    twin.set_ylim(0, 1.05)
    ax.segcore_twin = twin
    return ax


# ---------------------------------------------------------------------------- transitions


def plot_segment_transitions(transitions: Any, *, annotate: bool = True, ax: Any = None, **kwargs: Any) -> Any:
    """Heatmap of transition rates (row: previous segment, column: next) from
    :func:`segcore.segment_transitions` (a ``Transitions``) or a rates DataFrame; cells are
    annotated with the rate (and the count when known).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import segcore
    >>> from segcore import plotting
    >>> t = segcore.segment_transitions({"a": 0, "b": 1}, {"a": 1, "b": 1})
    >>> ax = plotting.plot_segment_transitions(t)
    >>> ax.images[0].get_array().tolist()
    [[0.0, 1.0], [0.0, 1.0]]
    """
    rates = getattr(transitions, "rates", transitions)
    counts = getattr(transitions, "counts", None)
    mod = type(rates).__module__ or ""
    if mod.startswith("polars"):
        labels_from = [str(v) for v in rates["from"].to_list()]
        labels_to = [c for c in rates.columns if c != "from"]
        r = np.asarray(rates.select(labels_to).to_numpy(), dtype=np.float64)
        c = None if counts is None else np.asarray(counts.select(labels_to).to_numpy())
    elif hasattr(rates, "index"):
        labels_from = [str(v) for v in rates.index]
        labels_to = [str(v) for v in rates.columns]
        r = np.asarray(rates.to_numpy(), dtype=np.float64)
        c = None if counts is None else np.asarray(counts.to_numpy())
    else:
        r = np.asarray(rates, dtype=np.float64)
        labels_from = labels_to = [str(i) for i in range(r.shape[0])]
        c = None if counts is None else np.asarray(counts)
    ax = _axes(ax)
    kwargs.setdefault("cmap", "Blues")
    kwargs.setdefault("vmin", 0.0)
    kwargs.setdefault("vmax", 1.0)
    im = ax.imshow(r, **kwargs)
    ax.set_xticks(np.arange(len(labels_to)))
    ax.set_xticklabels(labels_to, rotation=30, ha="right")
    ax.set_yticks(np.arange(len(labels_from)))
    ax.set_yticklabels(labels_from)
    ax.set_xlabel("to segment")
    ax.set_ylabel("from segment")
    ax.set_title("Segment transitions")
    if annotate:
        for i in range(r.shape[0]):
            for j in range(r.shape[1]):
                text = f"{r[i, j]:.2f}" + ("" if c is None else f"\n({int(c[i, j])})")
                ax.text(j, i, text, ha="center", va="center", fontsize=8,
                        color="white" if r[i, j] > 0.6 else "black")
    ax.figure.colorbar(im, ax=ax)
    return ax
