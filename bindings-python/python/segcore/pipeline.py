"""The main job: :class:`Segmenter` turns a shop's logs into one customer table (features,
CLV, RFM segment, behavioural segment, churn risk and drivers), segment profiles and fitted
models; :func:`segment_transitions` tracks how customers move between segments."""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Sequence

import numpy as np

from . import _frames, _segcore
from ._base import SegcoreEstimator, register
from ._html import HtmlReprMixin, table_html
from ._logs import build_logs, time_seconds

__all__ = ["Segmenter", "DynamicSegmentation", "segment_transitions", "Transitions"]


def _table_frame(t: dict, kind: str):
    cols = {}
    for name, col in zip(t["names"], t["columns"]):
        if name == "segment_name" and "segment" in cols:
            continue
        if name == "segment" and isinstance(col, np.ndarray) and np.isfinite(col).all():
            cols[name] = col.astype(np.int64)
            # the segment's name right after its number
            if "segment_name" in t["names"]:
                names_col = t["columns"][t["names"].index("segment_name")]
                cols["segment_name"] = np.asarray(names_col, dtype=object)
            continue
        cols[name] = col if isinstance(col, np.ndarray) else np.asarray(col, dtype=object)
    return _frames.make_frame(kind, cols, index=("customer_id", _frames.customer_column(t["customer_ids"])))


# components of a fitted Segmenter: name -> (module, class) of their Python model, or None
# when the component has no estimator class (its model file is returned as JSON text)
_COMPONENTS = (
    ("bg_nbd", "clv", "BetaGeo"),
    ("gamma_gamma", "clv", "GammaGamma"),
    ("log1p", None, None),
    ("scaler", "cluster", "StandardScaler"),
    ("kmeans", "cluster", "KMeans"),
    ("rfm_table", None, None),
    ("churn", "churn", "LogisticChurn"),
)


@register("Segmenter")
class Segmenter(SegcoreEstimator, HtmlReprMixin):
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
            events=None, feedback=None, time_format: str = "auto", output: Optional[str] = None,
            verbose: bool = True, **columns):
        """Runs the main job. Returns self.

        ``verbose`` shows a progress bar over the job's stages (tqdm, when installed, and only
        when the fit runs longer than about a second); Ctrl-C stops the fit within a second
        with ``KeyboardInterrupt``.
        """
        from .cluster import _seed

        kind = output or _frames.output_kind(transactions)
        lg = build_logs(transactions, customer_id=customer_id, timestamp=timestamp, amount=amount, events=events,
                        feedback=feedback, time_format=time_format, columns=columns, func="fit")
        k_min, k_max = self.k_range
        model, res = _segcore._Segmenter.fit(
            lg, time_seconds(self.as_of, "as_of"), self.n_segments, int(k_min), int(k_max),
            None if self.cluster_features is None else [str(c) for c in self.cluster_features],
            _seed(self.random_state), float(self.clv_horizon_days), float(self.annual_discount_rate),
            float(self.churn_horizon_days), int(self.silhouette_sample), bool(verbose),
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
        self.churn_features_ = list(m.churn_features)
        self.__dict__.pop("_models_cache", None)

    @property
    def models(self) -> dict:
        """The fitted components as Python models: ``bg_nbd`` (:class:`segcore.BetaGeo`, in
        days), ``gamma_gamma`` (:class:`segcore.GammaGamma`), ``scaler``
        (:class:`segcore.StandardScaler`), ``kmeans`` (:class:`segcore.KMeans`, on the
        scaled cluster features), ``churn`` (:class:`segcore.LogisticChurn`, with
        ``feature_names_in_``), and the model files (JSON text) of ``log1p`` and
        ``rfm_table``, which have no Python class.

        >>> import segcore
        >>> sg = segcore.Segmenter(n_segments=3).fit(segcore.datasets.cdnow_sample())
        >>> type(sg.models["bg_nbd"]).__name__, sg.models["bg_nbd"].unit_
        ('BetaGeo', 'days')
        """
        m = self._check_fitted()
        cached = self.__dict__.get("_models_cache")
        if cached is not None and cached[0] is m:
            return dict(cached[1])
        import importlib

        out: dict = {}
        for name, mod, cls in _COMPONENTS:
            text = m.component_json(name)
            if text is None:
                continue
            if mod is None:
                out[name] = text
                continue
            est = getattr(importlib.import_module(f"segcore.{mod}"), cls).from_json(text)
            if name == "churn":
                est.feature_names_in_ = np.asarray(m.churn_features, dtype=object)
                est.n_features_in_ = len(m.churn_features)
            out[name] = est
        self.__dict__["_models_cache"] = (m, out)
        return dict(out)

    def report(self, transactions, *, as_of: Any = None, customer_id: str = "customer_id", timestamp: str = "timestamp",
               amount: str = "amount", events=None, feedback=None, time_format: str = "auto",
               output: Optional[str] = None, **columns):
        """Scores new logs with the fitted models (no refit) and returns a
        :class:`segcore.Report`: the customer table of :meth:`score` and segment profiles
        recomputed on the scored customers.

        >>> import segcore
        >>> tx = segcore.datasets.cdnow_sample()
        >>> sg = segcore.loads(segcore.Segmenter(n_segments=3).fit(tx).to_json())
        >>> rep = sg.report(tx)
        >>> int(rep.segments["size"].sum()) == len(rep.customers) == 2357
        True
        """
        from ._report import Report

        customers = self.score(transactions, as_of=as_of, customer_id=customer_id, timestamp=timestamp, amount=amount,
                               events=events, feedback=feedback, time_format=time_format, output=output, **columns)
        return Report._from_scored(self, customers)

    def _repr_html_(self) -> str:
        if self.__dict__.get("_model") is None:
            return super()._repr_html_()
        rows = [("as_of", self.as_of_), ("segments", self.segment_names_), ("cluster_features", self.cluster_features_),
                ("BG/NBD (days)", self.bg_nbd_params_)]
        if getattr(self, "churn_validation_auc_", None) is not None:
            rows.append(("churn_validation_auc_", self.churn_validation_auc_))
        models = [(k, v if isinstance(v, str) else type(v).__name__) for k, v in self.models.items()]
        models = [(k, "model file (JSON)" if v.startswith("{") else v) for k, v in models]
        body = super()._repr_html_().replace("</div>", "")
        return body + "<b>Summary</b>" + table_html(rows) + "<b>Models</b>" + table_html(models, ("name", "model")) + "</div>"

    def __getstate__(self) -> dict:
        # the native model travels as its model file; the component cache is rebuilt on use
        state = {k: v for k, v in self.__dict__.items() if k not in ("_model", "_models_cache")}
        model = self.__dict__.get("_model")
        state["_model_json"] = None if model is None else model.to_json()
        return state

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        text = state.pop("_model_json", None)
        self.__dict__.update(state)
        if text is not None:
            self._model = self._native.from_json(text)

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


def _codes_for(customers_lists):
    """Dense u32 codes for the ids of several snapshots (shared across snapshots)."""
    arrays = [np.asarray(_frames.to_numpy(c)) for c in customers_lists]
    all_ids = np.concatenate(arrays) if arrays else np.array([])
    if all_ids.dtype.kind == "O":
        all_ids = all_ids.astype(str)
    uniq, inv = np.unique(all_ids, return_inverse=True)
    out, start = [], 0
    for a in arrays:
        out.append(inv[start:start + len(a)].astype(np.int64).tolist())
        start += len(a)
    return uniq, out


@register("DynamicSegmentation")
class DynamicSegmentation(SegcoreEstimator):
    """k-means over successive snapshots (e.g. monthly feature tables) with stable segment
    ids: each snapshot is refitted and its centres matched to the previous ones
    (``mode="refit"``), or assigned to the first model's centres (``mode="assign"``).

    ``fit(snapshots, customers=None)``: ``snapshots`` is a list of 2-D arrays / DataFrames
    with the same columns; ``customers`` the ids of their rows (default: the pandas index,
    else the row position). After fit: ``labels_`` (one array per snapshot),
    ``cluster_centers_`` (one per snapshot), ``transitions_`` (:class:`Transitions` between
    consecutive snapshots).
    """

    _native = _segcore._DynamicSegmentation

    def __init__(self, n_clusters: int = 4, *, mode: str = "refit", n_init: Any = "auto", max_iter: int = 300,
                 tol: float = 1e-4, random_state: Optional[int] = None):
        self.n_clusters = n_clusters
        self.mode = mode
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def fit(self, snapshots, customers=None, y=None) -> "DynamicSegmentation":
        from .cluster import _names_of, _seed, as_matrix

        snapshots = list(snapshots)
        if customers is None:
            customers = [
                s.index.to_numpy() if (type(s).__module__ or "").startswith("pandas") and hasattr(s, "index")
                else np.arange(len(s)) for s in snapshots
            ]
        xs = [as_matrix(s) for s in snapshots]
        names = _names_of(snapshots[0]) if snapshots else None
        if names is not None:
            self.feature_names_in_ = names
        self._ids, codes = _codes_for(customers)
        n_init = 1 if self.n_init == "auto" else int(self.n_init)
        m = self._native.fit(xs, codes, int(self.n_clusters), self.mode, n_init, int(self.max_iter), float(self.tol),
                             _seed(self.random_state))
        self._set_model(m)
        return self

    def _read_model(self, m) -> None:
        self.labels_ = list(m.labels)
        self.cluster_centers_ = list(m.centroids)
        self.n_features_in_ = self.cluster_centers_[0].shape[1] if self.cluster_centers_ else 0
        import pandas as pd

        trans = []
        for counts, rates in m.transitions:
            k = counts.shape[0]
            idx, col = pd.Index(range(k), name="from"), pd.Index(range(k), name="to")
            trans.append(Transitions(pd.DataFrame(counts.astype(np.int64), index=idx, columns=col),
                                     pd.DataFrame(rates, index=idx, columns=col)))
        self.transitions_ = trans

    def predict(self, X) -> np.ndarray:
        """Segments of a new snapshot with the current model (no refit)."""
        from .cluster import as_matrix

        return self._check_fitted().assign(as_matrix(X))
