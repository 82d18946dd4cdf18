"""Bundled data sets and the seeded synthetic shop, as DataFrames.

* :func:`cdnow` – the full CDNOW purchase log (Fader, Hardie and Lee 2005): 69,659 rows,
  23,570 customers, columns ``customer_id``, ``timestamp``, ``quantity``, ``amount``.
* :func:`cdnow_sample` – its 1/10 sample (6,919 rows, 2,357 customers, sample ids).
* :func:`cdnow_summary` – that sample summarised in weeks (``ID``, ``x``, ``t_x``, ``T``,
  ``zbar``), the data of the BG/NBD paper.
* :func:`donations` – the BG/BB donations data in weighted form.
* :func:`synthetic_shop` – a seeded synthetic shop's transactions, events and feedback.

``output="polars"`` returns polars DataFrames instead of pandas.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional

from . import _frames, _segcore
from ._logs import logs_to_frames, time_seconds

__all__ = ["cdnow", "cdnow_sample", "cdnow_summary", "donations", "synthetic_shop", "ShopLogs"]


class ShopLogs(NamedTuple):
    """The logs of a shop as DataFrames (``events``/``feedback`` may be None)."""

    transactions: Any
    events: Any
    feedback: Any


def _kind(output: str) -> str:
    if output not in ("pandas", "polars"):
        raise _segcore._invalid_parameter("output", f"unknown output `{output}` (use pandas or polars)")
    return output


def cdnow(output: str = "pandas"):
    """The full CDNOW purchase log: ``customer_id``, ``timestamp`` (datetime64, UTC
    midnight), ``quantity`` (number of CDs) and ``amount`` (dollars)."""
    return logs_to_frames(_segcore._cdnow_master(), _kind(output))[0]


def cdnow_sample(output: str = "pandas"):
    """The 1/10 CDNOW sample used in the BTYD papers (ids are the sample ids 1..2,357)."""
    return logs_to_frames(_segcore._cdnow_sample(), _kind(output))[0]


def cdnow_summary(output: str = "pandas"):
    """The CDNOW sample summarised in weeks over the 39-week calibration period: ``ID``,
    ``x`` (repeat purchases), ``t_x`` (recency), ``T`` (age) and ``zbar`` (mean repeat spend)."""
    return _frames.make_frame(_kind(output), _segcore._cdnow_summary())


def donations(output: str = "pandas"):
    """Discrete-time donations (BG/BB): ``frequency``, ``recency``, ``periods``, ``weights``."""
    return _frames.make_frame(_kind(output), _segcore._donations())


def synthetic_shop(
    n_customers: int = 1000,
    seed: int = 0,
    *,
    start: Any = None,
    days: Optional[int] = None,
    events: bool = True,
    feedback: bool = True,
    output: str = "pandas",
) -> ShopLogs:
    """A seeded synthetic shop (same seed, same shop on every machine and thread count).

    Returns :class:`ShopLogs` of DataFrames: transactions (``customer_id``, ``timestamp``,
    ``amount``, ``order_id``, ``quantity``, ``product``, ``category``, ``channel``,
    ``discount``), events (``customer_id``, ``timestamp``, ``kind``, ...) and feedback
    (``customer_id``, ``timestamp``, ``score``, ``scale``, ``topic``). ``start`` (default
    2023-01-01) and ``days`` (default 730) set the period.
    """
    kind = _kind(output)
    if isinstance(n_customers, bool) or int(n_customers) != n_customers or n_customers < 0:
        raise _segcore._invalid_parameter("n_customers", f"must be a positive integer, got {n_customers!r}")
    if isinstance(seed, bool) or int(seed) != seed or seed < 0:
        raise _segcore._invalid_parameter("seed", f"must be a non-negative integer, got {seed!r}")
    lg = _segcore._synthetic_shop(
        int(n_customers), int(seed), time_seconds(start, "start"), days, bool(events), bool(feedback)
    )
    return ShopLogs(*logs_to_frames(lg, kind))
