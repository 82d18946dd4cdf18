"""The main job: :class:`Segmenter` turns a shop's logs into one customer table (features,
CLV, RFM segment, behavioural segment, churn risk and drivers), segment profiles and fitted
models; :func:`segment_transitions` tracks how customers move between segments."""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Sequence

import numpy as np

from . import _frames, _segcore
from ._base import SegcoreEstimator, register
from ._logs import build_logs, time_seconds

__all__ = ["Segmenter", "segment_transitions", "Transitions"]


def _table_frame(t: dict, kind: str):
    cols = {}
    for name, col in zip(t["names"], t["columns"]):
        cols[name] = col if isinstance(col, np.ndarray) else np.asarray(col, dtype=object)
    return _frames.make_frame(kind, cols, index=("customer_id", _frames.customer_column(t["customer_ids"])))


@register("Segmenter")
class Segmenter(SegcoreEstimator):
    """Logs in, one customer table out.

    Steps, as of one cutoff ``as_of`` (default: the day after the latest row): features;
    BG/NBD + Gamma-Gamma CLV over ``clv_horizon_days`` discounted at
    ``annual_discount_rate``; RFM segments; behavioural segments (k-means on log-scaled,
    standardised ``cluster_features``, k chosen by silhouette in ``k_range`` unless
    ``n_segments``); out-of-time logistic churn over ``churn_horizon_days`` with top drivers.

    ``fit(transactions, events=None, feedback=None, **columns)`` reads the logs as
    :func:`segcore.logs`. After fit: ``customers_`` (one row per customer), ``profiles_``
    (one row per segment), ``k_scores_`` (when k was chosen), ``n_segments_``,
    ``segment_names_``, ``churn_validation_auc_``, ``as_of_``. ``score(...)`` scores new
    logs with the fitted models; ``save``/``segcore.load`` use the shared model file.
    """

    def __init__(self, *, n_segments: Optional[int] = None, k_range=(3, 8), cluster_features: Optional[Sequence[str]] = None,
                 as_of: Any = None, clv_horizon_days: float = 365.0, annual_discount_rate: float = 0.10,
                 churn_horizon_days: float = 90.0, silhouette_sample: int = 5000, random_state: Optional[int] = None):
        self.n_segments = n_segments
        self.k_range = k_range
        self.cluster_features = cluster_features
        self.as_of = as_of
        self.clv_horizon_days = clv_horizon_days
        self.annual_discount_rate = annual_discount_rate
        self.churn_horizon_days = churn_horizon_days
        self.silhouette_sample = silhouette_sample
        self.random_state = random_state

    def fit(self, transactions, *, customer_id: str = "customer_id", timestamp: str = "timestamp", amount: str = "amount",
            events=None, feedback=None, time_format: str = "auto", output: Optional[str] = None, **columns):
        """Runs the main job. Returns self."""
        from .cluster import _seed

        kind = output or _frames.output_kind(transactions)
        lg = build_logs(transactions, customer_id=customer_id, timestamp=timestamp, amount=amount, events=events,
                        feedback=feedback, time_format=time_format, columns=columns, func="fit")
        k_min, k_max = self.k_range
        model, res = _segcore._Segmenter.fit(
            lg, time_seconds(self.as_of, "as_of"), self.n_segments, int(k_min), int(k_max),
            None if self.cluster_features is None else [str(c) for c in self.cluster_features],
            _seed(self.random_state), float(self.clv_horizon_days), float(self.annual_discount_rate),
            float(self.churn_horizon_days), int(self.silhouette_sample),
        )
        self._set_model(model)
        self.customers_ = _table_frame(res["customers"], kind)
        segs = res["profiles"]
        feats = res["profile_features"]
        cols = {
            "segment": np.asarray([s["segment"] for s in segs], dtype=np.int64),
            "name": np.asarray([s["name"] for s in segs], dtype=object),
            "size": np.asarray([s["size"] for s in segs], dtype=np.int64),
            "share": np.asarray([s["share"] for s in segs]),
        }
        for key in ("clv_total", "clv_mean", "churn_mean"):
            cols[key] = np.asarray([np.nan if s[key] is None else s[key] for s in segs])
        for j, f in enumerate(feats):
            cols[f"mean_{f}"] = np.asarray([s["mean"][j] for s in segs])
        for j, f in enumerate(feats):
            cols[f"median_{f}"] = np.asarray([s["median"][j] for s in segs])
        self.profiles_ = _frames.make_frame(kind, cols)
        if "choose_k" in res:
            rows = res["choose_k"]
            names = ("k", "inertia", "silhouette", "calinski_harabasz", "davies_bouldin")
            self.k_scores_ = _frames.make_frame(kind, {n: np.asarray([r[i] for r in rows]) for i, n in enumerate(names)})
        else:
            self.__dict__.pop("k_scores_", None)
        self.churn_validation_auc_ = res["churn_validation_auc"]
        self.churn_training_rows_ = res["churn_training_rows"]
        return self

    def _read_model(self, m) -> None:
        self.as_of_ = _frames.seconds_to_datetime64([m.as_of])[0]
        self.segment_names_ = list(m.segment_names)
        self.n_segments_ = len(self.segment_names_)
        self.cluster_features_ = list(m.cluster_features)
        self.cluster_centers_ = m.centroids
        self.bg_nbd_params_ = dict(m.bg_nbd)

    def fit_predict(self, transactions, **kwargs):
        """Fits and returns the customer table."""
        return self.fit(transactions, **kwargs).customers_

    def score(self, transactions, *, as_of: Any = None, customer_id: str = "customer_id", timestamp: str = "timestamp",
              amount: str = "amount", events=None, feedback=None, time_format: str = "auto", output: Optional[str] = None,
              **columns):
        """Scores the customers of new logs with the fitted models (no refit), as of
        ``as_of`` (default: the fit's cutoff). Returns the customer table."""
        m = self._check_fitted()
        kind = output or _frames.output_kind(transactions)
        lg = build_logs(transactions, customer_id=customer_id, timestamp=timestamp, amount=amount, events=events,
                        feedback=feedback, time_format=time_format, columns=columns, func="score")
        return _table_frame(m.score(lg, time_seconds(as_of, "as_of")), kind)

    predict = score


Segmenter._native = _segcore._Segmenter


class Transitions(NamedTuple):
    """Transition counts and row-normalised rates (index: previous segment, columns: next)."""

    counts: Any
    rates: Any


def _assignments(x: Any, customer_id: Optional[str], segment: Optional[str]):
    if isinstance(x, dict):
        ids = np.asarray(list(x.keys()), dtype=object)
        labels = np.asarray(list(x.values()))
        return ids, labels
    mod = type(x).__module__ or ""
    if hasattr(x, "columns"):
        kind = _frames.frame_kind(x)
        cid, seg = customer_id or "customer_id", segment or "segment"
        ids = _frames.get_column(x, kind, cid, "customer_id", "segments")
        labels = _frames.get_column(x, kind, seg, "segment", "segments")
        return ids, labels
    if mod.startswith("pandas") and hasattr(x, "index"):
        return x.index.to_numpy(), x.to_numpy()
    raise TypeError("expected a pandas Series indexed by customer, a dict {customer: segment} or a DataFrame")


def segment_transitions(previous: Any, current: Any, *, customer_id: Optional[str] = None,
                        segment: Optional[str] = None, output: str = "pandas") -> Transitions:
    """How customers moved between segments from one snapshot to the next.

    ``previous`` and ``current`` assign customers to segments: pandas Series indexed by
    customer id, dicts ``{customer: segment}`` or DataFrames with ``customer_id`` and
    ``segment`` columns. Customers present in both count. Segments may be integers or names.
    Returns :class:`Transitions` (``counts``, ``rates``) as DataFrames indexed by the
    previous segment with one column per next segment.
    """
    pid, plab = _assignments(previous, customer_id, segment)
    nid, nlab = _assignments(current, customer_id, segment)
    all_ids = np.concatenate([np.asarray(pid, dtype=object), np.asarray(nid, dtype=object)])
    try:
        _, codes = np.unique(all_ids.astype(str) if any(isinstance(i, str) for i in all_ids[:1]) else all_ids,
                             return_inverse=True)
    except TypeError:
        _, codes = np.unique(all_ids.astype(str), return_inverse=True)
    codes = codes.astype(np.int64)
    pc, nc = codes[: len(pid)], codes[len(pid):]
    labels = np.concatenate([np.asarray(plab, dtype=object), np.asarray(nlab, dtype=object)])
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in labels):
        lab = labels.astype(np.int64)
        if (lab < 0).any():
            raise _segcore._invalid_parameter("segment", "segment numbers must be >= 0")
        k = int(lab.max()) + 1 if len(lab) else 1
        names = list(range(k))
    else:
        names, lab = np.unique(labels.astype(str), return_inverse=True)
        names = list(names)
        k = len(names)
    pl_, nl_ = lab[: len(pid)], lab[len(pid):]
    counts, rates = _segcore._transition_matrix(pc.tolist(), [int(v) for v in pl_], nc.tolist(),
                                               [int(v) for v in nl_], k)
    if output == "polars":
        import polars as pl

        mk = lambda m: pl.DataFrame({"from": [str(n) for n in names], **{str(n): m[:, j] for j, n in enumerate(names)}})  # noqa: E731
        return Transitions(mk(counts), mk(rates))
    import pandas as pd

    idx = pd.Index(names, name="from")
    col = pd.Index(names, name="to")
    return Transitions(pd.DataFrame(counts.astype(np.int64), index=idx, columns=col), pd.DataFrame(rates, index=idx, columns=col))
