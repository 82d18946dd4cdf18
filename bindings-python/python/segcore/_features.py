"""``segcore.features``: per-customer behavioural features as a DataFrame."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from . import _frames, _segcore
from ._logs import build_logs, time_seconds


def features(
    transactions: Any,
    *,
    customer_id: str = "customer_id",
    timestamp: str = "timestamp",
    amount: str = "amount",
    as_of: Any = None,
    events: Any = None,
    feedback: Any = None,
    families: Optional[Sequence[str]] = None,
    windows_days: Optional[Sequence[int]] = None,
    top_n: int = 3,
    trend_window_days: int = 90,
    cart_window_secs: int = 86_400,
    session_gap_secs: int = 1_800,
    recent_window_days: int = 30,
    merge_period_secs: Optional[int] = 86_400,
    time_format: str = "auto",
    output: Optional[str] = None,
    **columns: Optional[str],
):
    """Per-customer behavioural features as of a cutoff.

    ``transactions`` is a pandas / polars DataFrame, a pyarrow Table, a dict of arrays or a
    :class:`segcore.Logs`; columns are read as in :func:`segcore.logs` (``**columns``
    renames optional columns, e.g. ``quantity="qty"``, ``event_kind="type"``).

    ``as_of`` (str, date, datetime, datetime64 or epoch seconds; default: the start of the
    UTC day after the latest timestamp) is the cutoff: later rows are excluded and counted.
    ``families`` selects among ``"purchase"``, ``"preferences"``, ``"channels"``,
    ``"browsing"``, ``"carts"``, ``"feedback"`` (default all). Durations are in days.

    Returns one row per customer: a pandas DataFrame indexed by ``customer_id`` (with
    ``attrs`` holding ``as_of``, ``excluded_future_rows``, ``levels`` and ``info``), or a
    polars DataFrame with a ``customer_id`` column when the input is polars (or
    ``output="polars"``). Undefined values are NaN (ratios with a zero denominator, times
    since something that never happened); categorical code columns use -1 for "none" and
    their level names are in ``levels``.
    """
    kind = output or _frames.output_kind(transactions)
    if kind not in ("pandas", "polars"):
        raise _segcore._invalid_parameter("output", f"unknown output `{kind}` (use pandas or polars)")
    lg = build_logs(
        transactions,
        customer_id=customer_id,
        timestamp=timestamp,
        amount=amount,
        events=events,
        feedback=feedback,
        time_format=time_format,
        columns=columns,
        func="features",
    )
    if isinstance(families, str):
        families = [families]
    res = _segcore._features(
        lg,
        time_seconds(as_of, "as_of"),
        None if families is None else list(families),
        None if windows_days is None else [int(w) for w in windows_days],
        top_n,
        trend_window_days,
        cart_window_secs,
        session_gap_secs,
        recent_window_days,
        merge_period_secs,
    )
    df = _frames.matrix_frame(
        kind, res["columns"], res["names"], ("customer_id", _frames.customer_column(res["customer_ids"]))
    )
    if kind == "pandas":
        df.attrs["as_of"] = _frames.seconds_to_datetime64([res["as_of"]])[0]
        df.attrs["excluded_future_rows"] = dict(res["excluded"])
        df.attrs["levels"] = dict(res["levels"])
        df.attrs["info"] = {
            name: {"unit": unit, "description": desc, "undefined": undef}
            for name, unit, desc, undef in res["info"]
        }
    return df
