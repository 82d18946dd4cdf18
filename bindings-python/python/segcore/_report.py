"""``segcore.segment``: the whole job in one call, and the :class:`Report` it returns.

>>> import segcore
>>> shop = segcore.datasets.synthetic_shop(300, seed=1)
>>> rep = segcore.segment(shop.transactions, n_segments=3, verbose=False)
>>> len(rep.customers) == shop.transactions["customer_id"].nunique()
True
>>> int(rep.segments["size"].sum()) == len(rep.customers)
True
>>> sorted(rep.models)
['bg_nbd', 'churn', 'gamma_gamma', 'kmeans', 'log1p', 'rfm_table', 'scaler']
"""

from __future__ import annotations

import os
from typing import Any, Optional, Tuple, Union

import numpy as np

from . import _frames, _segcore
from ._html import _STYLE, frame_html, table_html
from ._logs import build_logs

__all__ = ["Report", "segment"]


def _column(df: Any, name: str) -> np.ndarray:
    return np.asarray(df[name].to_numpy())


class Report:
    """What :func:`segcore.segment` returns.

    Attributes
    ----------
    customers
        One row per customer, indexed by customer id (pandas; polars in gives a polars
        DataFrame with a ``customer_id`` column): every feature, ``segment`` and
        ``segment_name`` (behavioural segment), ``p_alive``, ``expected_purchases`` (over
        the CLV horizon) and ``clv`` from BG/NBD + Gamma-Gamma, ``rfm_score`` and
        ``rfm_segment``, ``churn_probability``, ``risk_band`` and ``driver_1..3`` (top churn
        drivers with their signed contributions). Customers who never purchased have NaN /
        empty CLV, RFM and churn cells.
    segments
        The profile table: one row per segment with its name, size, share, CLV total and
        mean, mean churn probability, and the mean / median of each cluster feature.
    models
        The fitted models (``bg_nbd``, ``gamma_gamma``, ``scaler``, ``kmeans``, ``churn`` as
        segcore estimators; ``log1p`` and ``rfm_table`` as model-file JSON).
    segmenter
        The fitted :class:`segcore.Segmenter` (``score`` new logs with it).
    k_scores
        The table of k candidates when k was chosen (``n_segments="auto"``), else None.
    churn_validation_auc
        Out-of-time ROC AUC of the churn model (None when the logs are too short).

    ``save(path)`` writes the shared model file (kind ``Segmenter``), which
    :func:`segcore.load` reads back (in Python, Rust or Node) to score new logs.

    >>> import segcore
    >>> rep = segcore.segment(segcore.datasets.cdnow_sample(), n_segments=3, verbose=False)
    >>> rep.models["bg_nbd"].params_ == rep.segmenter.bg_nbd_params_
    True
    >>> "segcore Report" in rep._repr_html_()
    True
    """

    def __init__(self, segmenter: Any, customers: Any, segments: Any, k_scores: Any = None,
                 churn_validation_auc: Optional[float] = None):
        self.segmenter = segmenter
        self.customers = customers
        self.segments = segments
        self.k_scores = k_scores
        self.churn_validation_auc = churn_validation_auc

    # ------------------------------------------------------------------ construction

    @classmethod
    def _from_scored(cls, segmenter: Any, customers: Any) -> "Report":
        """A report on customers scored by a fitted segmenter: the profile table is computed
        on them with :func:`segcore.segment_profiles` (cluster features filled as in the fit)."""
        from .cluster import segment_profiles

        m = segmenter._check_fitted()
        kind = "polars" if (type(customers).__module__ or "").startswith("polars") else "pandas"
        feats = list(segmenter.cluster_features_)
        fill = np.asarray(m.fill, dtype=np.float64)
        x = np.column_stack([_column(customers, f).astype(np.float64) for f in feats])
        x = np.where(np.isfinite(x), x, fill[None, :])
        labels = _column(customers, "segment").astype(np.int64)
        clv = _column(customers, "clv").astype(np.float64)
        churn = _column(customers, "churn_probability").astype(np.float64)
        zero = lambda v: np.where(np.isfinite(v), v, 0.0)  # noqa: E731
        prof = segment_profiles(x, labels, clv=zero(clv), churn_probability=zero(churn), feature_names=feats)
        seg = prof["segment"].to_numpy()
        names = list(segmenter.segment_names_)

        def finite_mean(v: np.ndarray, s: int) -> float:
            d = v[(labels == s) & np.isfinite(v)]
            return float(d.mean()) if len(d) else np.nan

        prof["name"] = [names[s] if s < len(names) else f"segment {s}" for s in seg]
        prof["clv_mean"] = [finite_mean(clv, s) for s in seg]
        prof["churn_mean"] = [finite_mean(churn, s) for s in seg]
        prof = prof[[c for c in prof.columns if not c.startswith("z_")]]
        if kind == "polars":
            import polars as pl

            prof = pl.DataFrame({c: (prof[c].tolist() if prof[c].dtype == object else prof[c].to_numpy())
                                 for c in prof.columns})
        return cls(segmenter, customers, prof, None, None)

    # ------------------------------------------------------------------ API

    @property
    def models(self) -> dict:
        """The fitted models (see the class docs)."""
        return self.segmenter.models

    @property
    def as_of(self) -> Any:
        """The cutoff of the fit (``datetime64``)."""
        return self.segmenter.as_of_

    @property
    def segment_names(self) -> list:
        """Plain-language name of each segment, by segment number."""
        return list(self.segmenter.segment_names_)

    def private(self, key: Union[str, bytes], *, k: int = 10, hex_len: Optional[int] = None) -> "Report":
        """A privacy-safe copy for sharing: customer ids replaced by keyed pseudonyms
        (HMAC-SHA256 with ``key``, the core's :func:`segcore.pseudonymise`; ``hex_len`` keeps
        the first characters) and every statistic of a segment with fewer than ``k`` customers
        suppressed (NaN, ``suppressed=True``; :func:`segcore.suppress_small`). The model file
        holds no customer ids, so :meth:`save` needs no change.

        >>> import segcore
        >>> rep = segcore.segment(segcore.datasets.cdnow_sample(), n_segments=3, verbose=False)
        >>> safe = rep.private("secret", k=10, hex_len=16)
        >>> safe.customers.index[0] == segcore.pseudonymise([rep.customers.index[0]], "secret", hex_len=16)[0]
        True
        >>> bool(safe.segments["suppressed"].any()) == bool((rep.segments["size"] < 10).any())
        True
        """
        import pandas as pd

        from .analytics import pseudonymise, suppress_small

        customers, segments = self.customers, self.segments
        polars = (type(customers).__module__ or "").startswith("polars")
        if polars:
            customers, segments = customers.to_pandas(), segments.to_pandas()
            id_col = customers.columns[0]
            customers = customers.set_index(id_col)
        customers = customers.copy()
        customers.index = pd.Index(pseudonymise(list(customers.index), key, hex_len=hex_len),
                                   name="customer_pseudonym")
        segments = suppress_small(segments, k=k, count="size")
        if polars:
            import polars as pl

            customers = pl.from_pandas(customers.reset_index())
            segments = pl.from_pandas(segments)
        return Report(self.segmenter, customers, segments, self.k_scores, self.churn_validation_auc)

    def to_json(self) -> str:
        """The fitted job as a segcore model file (JSON text, kind ``Segmenter``)."""
        return self.segmenter.to_json()

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the shared model file (kind ``Segmenter``) to ``path``; read it back with
        :func:`segcore.load`."""
        self.segmenter.save(path)

    def score(self, transactions: Any, **kwargs: Any) -> Any:
        """Scores new logs with the fitted models (no refit); see :meth:`Segmenter.score`."""
        return self.segmenter.score(transactions, **kwargs)

    def __len__(self) -> int:
        return len(self.customers)

    def __repr__(self) -> str:
        return (f"Report({len(self.customers)} customers, {len(self.segment_names)} segments: "
                f"{', '.join(self.segment_names)})")

    def _repr_html_(self) -> str:
        auc = self.churn_validation_auc
        rows = [
            ("customers", len(self.customers)),
            ("as of", str(self.as_of)),
            ("segments", len(self.segment_names)),
            ("churn validation AUC (out of time)", "n/a" if auc is None else f"{auc:.3f}"),
        ]
        shown = [c for c in ("segment", "name", "size", "share", "clv_total", "clv_mean", "churn_mean")
                 if c in list(self.segments.columns)]
        seg = self.segments[shown]
        models = [(k, "model file (JSON)" if isinstance(v, str) else type(v).__name__) for k, v in self.models.items()]
        return "".join([
            _STYLE, "<div class='segcore-repr'><h4>segcore Report</h4>", table_html(rows, ("", "")),
            "<b>Segments</b>", frame_html(seg), "<b>Models</b>", table_html(models, ("name", "model")), "</div>",
        ])


def segment(transactions: Any, *, customer_id: str = "customer_id", timestamp: str = "timestamp",
            amount: str = "amount", as_of: Any = None, events: Any = None, feedback: Any = None,
            n_segments: Union[int, str] = "auto", random_state: Optional[int] = 0, verbose: bool = True,
            k_range: Tuple[int, int] = (3, 8), clv_horizon_days: float = 365.0, annual_discount_rate: float = 0.10,
            churn_horizon_days: float = 90.0, time_format: str = "auto", output: Optional[str] = None,
            **columns: Optional[str]) -> Report:
    """Segments a shop's customers, end to end (the core's ``pipeline::Segmenter``).

    Reads the logs as :func:`segcore.logs` (``transactions`` plus optional ``events`` and
    ``feedback``; ``customer_id``, ``timestamp``, ``amount`` and ``**columns`` name their
    columns), then, as of ``as_of`` (default: the day after the latest row): computes the
    features, fits BG/NBD and Gamma-Gamma (P(alive), expected purchases and CLV over
    ``clv_horizon_days`` discounted at ``annual_discount_rate``), scores RFM segments,
    clusters customers into ``n_segments`` behavioural segments (``"auto"``: k chosen by
    silhouette in ``k_range``) named in plain language, and trains an out-of-time logistic
    churn model over ``churn_horizon_days`` with per-customer drivers.

    ``random_state`` seeds every random choice (same seed, same result on any thread count).
    ``verbose`` shows a progress bar when tqdm is installed. Outputs are pandas DataFrames
    (polars in, polars out; or ``output="pandas"|"polars"``).

    Returns a :class:`Report`.

    >>> import segcore
    >>> shop = segcore.datasets.synthetic_shop(300, seed=2)
    >>> rep = segcore.segment(shop.transactions, events=shop.events, n_segments=3, verbose=False)
    >>> int(rep.segments["size"].sum()) == len(rep.customers)
    True
    >>> set(rep.customers["risk_band"].dropna()) <= {"low", "medium", "high", ""}
    True
    """
    from .pipeline import Segmenter

    if isinstance(n_segments, str):
        if n_segments != "auto":
            raise _segcore._invalid_parameter("n_segments", f"expected \"auto\" or a positive integer, got {n_segments!r}")
        k: Optional[int] = None
    elif isinstance(n_segments, (int, np.integer)) and not isinstance(n_segments, bool) and n_segments >= 1:
        k = int(n_segments)
    else:
        raise _segcore._invalid_parameter("n_segments", f"expected \"auto\" or a positive integer, got {n_segments!r}")
    kind = output or _frames.output_kind(transactions)
    if kind not in ("pandas", "polars"):
        raise _segcore._invalid_parameter("output", f"unknown output `{kind}` (use pandas or polars)")
    lg = build_logs(transactions, customer_id=customer_id, timestamp=timestamp, amount=amount, events=events,
                    feedback=feedback, time_format=time_format, columns=columns, func="segment")
    sg = Segmenter(n_segments=k, k_range=k_range, as_of=as_of, clv_horizon_days=clv_horizon_days,
                   annual_discount_rate=annual_discount_rate, churn_horizon_days=churn_horizon_days,
                   random_state=random_state).fit(lg, output=kind, verbose=verbose)
    return Report(sg, sg.customers_, sg.profiles_, getattr(sg, "k_scores_", None), sg.churn_validation_auc_)
