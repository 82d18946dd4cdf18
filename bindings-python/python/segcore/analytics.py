"""Analytics on the logs: cohort retention and the checkout funnel."""

from __future__ import annotations

import json
from typing import Any, NamedTuple, Optional

import numpy as np

from . import _frames, _segcore
from ._logs import build_logs, time_seconds

__all__ = ["cohorts", "funnel", "CohortTables"]


class CohortTables(NamedTuple):
    """Cohort tables indexed by acquisition month (``YYYY-MM``), one column per month
    offset; NaN where not observed yet or suppressed (cohorts smaller than ``min_group``)."""

    size: Any
    retention: Any
    active: Any
    revenue: Any
    revenue_per_customer: Any
    flags: Any


def cohorts(transactions: Any, *, customer_id: str = "customer_id", timestamp: str = "timestamp",
            amount: str = "amount", as_of: Any = None, flag_months: int = 3, z_threshold: float = 1.96,
            min_group: int = 10, time_format: str = "auto") -> CohortTables:
    """Retention by acquisition month (the UTC month of the first purchase) and months since.

    Month 0 retention is 1; revenue is net of returns. A cohort is flagged when, at one of the
    first ``flag_months`` complete offsets, it retains worse than the pooled earlier cohorts
    (one-sided two-proportion z-test, ``z <= -z_threshold``). Returns :class:`CohortTables`
    of pandas DataFrames (``flags``: one row per flagged cohort with ``month``,
    ``retention``, ``baseline``, ``z``).
    """
    import pandas as pd

    lg = build_logs(transactions, customer_id=customer_id, timestamp=timestamp, amount=amount,
                    time_format=time_format, func="cohorts")
    t = json.loads(_segcore._cohorts(lg, time_seconds(as_of, "as_of"), int(flag_months), float(z_threshold),
                                     int(min_group)))
    months = t["months"]
    rows = t["cohorts"]
    index = pd.Index([r["cohort"] for r in rows], name="cohort")
    cols = pd.Index(range(months), name="month")

    def table(key: str):
        data = np.full((len(rows), months), np.nan)
        for i, r in enumerate(rows):
            vals = r.get(key)
            if vals is None:
                continue
            for j, v in enumerate(vals[:months]):
                if v is not None:
                    data[i, j] = v
        return pd.DataFrame(data, index=index, columns=cols)

    size = pd.Series([np.nan if r["customers"] is None else r["customers"] for r in rows], index=index,
                     name="customers")
    flags = pd.DataFrame(
        [{"cohort": r["cohort"], **r["worse_than_earlier"]} for r in rows if r.get("worse_than_earlier")],
        columns=["cohort", "month", "retention", "baseline", "z"],
    ).set_index("cohort")
    return CohortTables(size, table("retention"), table("active"), table("revenue"), table("revenue_per_customer"),
                        flags)


def funnel(events: Any, *, customer_id: str = "customer_id", timestamp: str = "timestamp", kind: str = "kind",
           by: str = "all", session_gap_secs: int = 1800, min_group: int = 10, time_format: str = "auto",
           **columns: Optional[str]):
    """The checkout funnel (product_view → add_to_cart → checkout_start → shipping → payment
    → purchase) of an events log, by session and by customer.

    ``events`` is read as in :func:`segcore.logs` (``kind`` names the event kind column;
    optional ``session``, ``platform``, ``channel`` columns are used when present or named
    with ``session="sid"`` etc.). ``by`` groups the funnel: ``"all"``, ``"platform"``,
    ``"channel"``, ``"day"`` or ``"week"``. Returns a pandas DataFrame with one row per
    (group, stage): ``sessions``, ``customers``, ``session_reach``, ``customer_reach``,
    ``step_conversion``, ``drop_off``, ``loops_back``; groups smaller than ``min_group``
    customers are suppressed (NaN).
    """
    import pandas as pd

    from ._logs import _EV_OPTIONAL, _read

    for k in columns:
        if k not in _EV_OPTIONAL:
            raise TypeError(f"funnel() got an unexpected keyword argument '{k}'")
    cols, names = _read(
        events, "events",
        {"customer_id": (customer_id, "ids", "customer_id"), "timestamp": (timestamp, "times", "timestamp"),
         "kind": (kind, "str", "kind")},
        _EV_OPTIONAL, columns, time_format,
    )
    tables = json.loads(_segcore._funnel(cols, names, by, int(session_gap_secs), int(min_group)))
    rows = []
    for t in tables:
        base = {"group": t["group"],
                "period_start": None if t["period_start"] is None else _frames.seconds_to_datetime64([t["period_start"]])[0],
                "group_customers": t["customers"], "group_sessions": t["sessions"], "suppressed": t["suppressed"]}
        for s in t["stages"] or []:
            rows.append({**base, **s})
        if not t["stages"]:
            rows.append({**base, "stage": None})
    df = pd.DataFrame(rows)
    if by == "all" and len(df):
        df = df.drop(columns=["group", "period_start", "suppressed"]).set_index("stage")
    elif by in ("platform", "channel"):
        df = df.drop(columns=["period_start"])
    return df
