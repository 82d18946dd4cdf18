"""Analytics on the logs: cohort retention."""

from __future__ import annotations

import json
from typing import Any, NamedTuple, Optional

import numpy as np

from . import _frames, _segcore
from ._logs import build_logs, time_seconds

__all__ = ["cohorts", "CohortTables"]


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
