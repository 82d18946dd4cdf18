"""``segcore.churn_dataset``: features as of a cutoff and churn labels after it (the core's
``churn::dataset::ChurnDataset``)."""

from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np

from . import _frames, _segcore
from ._logs import build_logs, time_seconds

__all__ = ["churn_dataset", "churn_datasets"]


def churn_dataset(transactions: Any, *, cutoff: Any, customer_id: str = "customer_id", timestamp: str = "timestamp",
                  amount: str = "amount", horizon_days: float = 90, events: Any = None, feedback: Any = None,
                  time_format: str = "auto", output: Optional[str] = None, **columns: Optional[str]) -> Tuple[Any, Any]:
    """Features as of ``cutoff`` and churn labels over ``(cutoff, cutoff + horizon_days]``.

    A customer **has churned** when it makes no purchase (a transaction with amount >= 0)
    in the window after the cutoff. Only customers with a purchase by the cutoff (inclusive)
    are rows.
    Features are the behavioural feature families as of the cutoff (category codes left
    out) plus ``p_alive`` and ``expected_purchases_h`` from a BG/NBD model fitted as of the
    cutoff; rows at the cutoff instant count as history, nothing after it is read. Undefined features stay NaN
    (:class:`segcore.GradientBoostingChurn` takes them; impute them for
    :class:`segcore.LogisticChurn`). The logs must reach the end of the window.

    For out-of-time evaluation, build a training set at an earlier cutoff and a test set at a
    later one (at least ``horizon_days`` apart).

    Returns ``(X, y)``: ``X`` a DataFrame indexed by customer id (polars in: polars out, with
    a ``customer_id`` column), ``y`` a bool Series named ``churned`` (True = churned) on the
    same customers. The pandas ``X.attrs`` hold ``cutoff``, ``horizon_days`` and ``bg_nbd``
    (the model file of the cutoff's BG/NBD, loadable with :func:`segcore.loads`).

    >>> import segcore
    >>> tx = segcore.datasets.cdnow_sample()
    >>> X, y = segcore.churn_dataset(tx, cutoff="1997-09-30", horizon_days=90)
    >>> X.shape[0] == len(y) == 2357
    True
    >>> bool(y.mean() > 0.5)
    True
    """
    kind = output or _frames.output_kind(transactions)
    if kind not in ("pandas", "polars"):
        raise _segcore._invalid_parameter("output", f"unknown output `{kind}` (use pandas or polars)")
    c = _cutoff(cutoff, "cutoff")
    lg = build_logs(transactions, customer_id=customer_id, timestamp=timestamp, amount=amount, events=events,
                    feedback=feedback, time_format=time_format, columns=columns, func="churn_dataset")
    h = _horizon(horizon_days)
    return _frame_pair(_segcore._churn_dataset(lg, c, h), kind)


def _horizon(horizon_days: Any) -> float:
    try:
        return float(horizon_days)
    except (TypeError, ValueError):
        raise _segcore._invalid_parameter("horizon_days", f"expected a number of days, got {horizon_days!r}") from None


def _cutoff(value: Any, name: str) -> int:
    c = time_seconds(value, name)
    if c is None:
        raise _segcore._invalid_parameter(name, "a cutoff time is required")
    return c


def churn_datasets(transactions: Any, *, train_cutoff: Any, test_cutoff: Any, customer_id: str = "customer_id",
                   timestamp: str = "timestamp", amount: str = "amount", horizon_days: float = 90, events: Any = None,
                   feedback: Any = None, time_format: str = "auto", output: Optional[str] = None,
                   **columns: Optional[str]) -> Tuple[Any, Any, Any, Any]:
    """Out-of-time training and test sets: :func:`churn_dataset` at ``train_cutoff`` and at
    ``test_cutoff``, which must be at least ``horizon_days`` later (so no training label
    overlaps the test period); both have the same feature columns.

    Returns ``(X_train, y_train, X_test, y_test)``.

    >>> import segcore
    >>> tx = segcore.datasets.cdnow_sample()
    >>> X_tr, y_tr, X_te, y_te = segcore.churn_datasets(tx, train_cutoff="1997-09-30", test_cutoff="1997-12-31")
    >>> list(X_tr.columns) == list(X_te.columns) and len(X_te) == len(y_te)
    True
    """
    kind = output or _frames.output_kind(transactions)
    if kind not in ("pandas", "polars"):
        raise _segcore._invalid_parameter("output", f"unknown output `{kind}` (use pandas or polars)")
    a, b = _cutoff(train_cutoff, "train_cutoff"), _cutoff(test_cutoff, "test_cutoff")
    lg = build_logs(transactions, customer_id=customer_id, timestamp=timestamp, amount=amount, events=events,
                    feedback=feedback, time_format=time_format, columns=columns, func="churn_datasets")
    train, test = _segcore._churn_datasets(lg, a, b, _horizon(horizon_days))
    return (*_frame_pair(train, kind), *_frame_pair(test, kind))


def _frame_pair(d: dict, kind: str) -> Tuple[Any, Any]:
    ids = _frames.customer_column(d["customer_ids"], d["codes"])
    x = d["x"]
    cols = {n: np.ascontiguousarray(x[:, j]) for j, n in enumerate(d["names"])}
    X = _frames.make_frame(kind, cols, index=("customer_id", ids))
    y = np.asarray(d["y"], dtype=bool)
    if kind == "polars":
        import polars as pl

        return X, pl.Series("churned", y)
    import pandas as pd

    X.attrs.update(cutoff=_frames.seconds_to_datetime64([d["cutoff"]])[0], horizon_days=d["horizon_days"],
                   bg_nbd=d["bg_nbd"])
    return X, pd.Series(y, index=X.index.copy(), name="churned")
