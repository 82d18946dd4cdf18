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


# ----------------------------------------------------------------------------------------------
# Cart funnel, anomalies, follow-up list, channel value, experiments, recommendations, next best
# action and privacy. Thin wrappers: reading columns, aligning per-customer inputs by customer id
# and shaping the core's outputs into DataFrames; every number comes from the Rust core.

from typing import Mapping, Sequence, Union  # noqa: E402

#: The default checkout stages (the core's default funnel).
DEFAULT_STAGES = ("product_view", "add_to_cart", "checkout_start", "shipping", "payment", "purchase")

__all__ += [
    "DEFAULT_STAGES",
    "cart_funnel",
    "funnel_anomalies",
    "funnel_loops",
    "abandoned_carts",
    "cohort_retention",
    "channel_value",
    "ChannelValue",
    "ab_test",
    "experiment_by_segment",
    "CoPurchase",
    "co_purchase",
    "recommend",
    "popular_by_segment",
    "default_rules",
    "next_best_action",
    "pseudonymise",
    "suppress_small",
]

#: Alias of :func:`cohorts` under the issue's name.
cohort_retention = cohorts


def _stages_arg(stages: Any, cart_stage: Any):
    """``stages`` as ``[(stage, [event kinds])]`` (None = the core default) and the cart
    stage index.

    Accepted forms: a mapping ``{event: stage}`` (stages in order of first appearance), a
    mapping ``{stage: [events]}``, a list of stage names (each its own event kind) or a list
    of ``(stage, events)`` pairs.
    """
    if stages is None:
        names = list(DEFAULT_STAGES)
        spec = None
    elif isinstance(stages, Mapping):
        vals = list(stages.values())
        if vals and all(isinstance(v, str) for v in vals):
            order: list = []
            kinds: dict = {}
            for ev, st in stages.items():
                if st not in kinds:
                    order.append(st)
                    kinds[st] = []
                kinds[st].append(str(ev))
            spec = [(st, kinds[st]) for st in order]
        else:
            spec = [(str(st), [ev] if isinstance(ev, str) else [str(e) for e in ev]) for st, ev in stages.items()]
        names = [s for s, _ in spec]
    elif isinstance(stages, (list, tuple)):
        spec = []
        for s in stages:
            if isinstance(s, str):
                spec.append((s, [s]))
            else:
                st, ev = s
                spec.append((str(st), [ev] if isinstance(ev, str) else [str(e) for e in ev]))
        names = [s for s, _ in spec]
    else:
        raise _segcore._invalid_parameter(
            "stages", "expected a mapping {event: stage}, {stage: [events]} or a list of stages")
    if cart_stage is None:
        cart = 1
    elif isinstance(cart_stage, str):
        if cart_stage not in names:
            raise _segcore._invalid_parameter("cart_stage", f"`{cart_stage}` is not one of the stages {names}")
        cart = names.index(cart_stage)
    else:
        cart = int(cart_stage)
    return spec, cart, names


def _pick(data: Any, given: Optional[str], candidates: Sequence[str]) -> Optional[str]:
    """The column to use: ``given``, else the first of ``candidates`` present."""
    if given is not None:
        return given
    kind = _frames.frame_kind(_frames.prepare(data))
    for c in candidates:
        if _frames.has_column(_frames.prepare(data), kind, c):
            return c
    return candidates[0]


def _read_events(events: Any, customer_id: str, timestamp: str, event: Optional[str], session_id: Optional[str],
                 time_format: str, extra: Mapping[str, Optional[str]]):
    from ._logs import _EV_OPTIONAL, _read

    overrides = dict(extra)
    if session_id is not None:
        overrides["session"] = session_id
    else:
        sid = _pick(events, None, ("session", "session_id"))
        data = _frames.prepare(events)
        overrides.setdefault("session", sid if _frames.has_column(data, _frames.frame_kind(data), sid) else None)
    kind_col = _pick(events, event, ("kind", "event", "event_type", "event_name"))
    return _read(
        events, "events",
        {"customer_id": (customer_id, "ids", "customer_id"), "timestamp": (timestamp, "times", "timestamp"),
         "kind": (kind_col, "str", "event")},
        _EV_OPTIONAL, overrides, time_format,
    )


def _ids_text(ids: Any) -> list:
    out = []
    for v in ids:
        if isinstance(v, (bool, np.bool_)):
            out.append(str(v))
        elif isinstance(v, (int, np.integer)):
            out.append(str(int(v)))
        elif isinstance(v, (float, np.floating)) and float(v).is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v))
    return out


def _by_customer(x: Any, name: str, as_str: bool = False):
    """Per-customer input as ``(ids as text or None, values)``: a pandas / polars Series
    indexed by customer id, a dict ``{customer: value}``, or an array in the logs' customer
    order (``Logs.customer_ids()``)."""
    if isinstance(x, Mapping):
        ids, vals = _ids_text(list(x.keys())), list(x.values())
    elif (type(x).__module__ or "").startswith("pandas") and hasattr(x, "index") and not hasattr(x, "columns"):
        ids, vals = _ids_text(x.index.tolist()), x.tolist()
    else:
        ids, vals = None, list(_frames.to_numpy(x)) if not isinstance(x, list) else x
    if as_str:
        vals = ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in vals]
    else:
        vals = [float("nan") if v is None else float(v) for v in vals]
    return ids, vals


def _dt(seconds: Any):
    return _frames.seconds_to_datetime64([int(seconds)])[0]


def cart_funnel(events: Any, *, stages: Any = None, customer_id: str = "customer_id", session_id: Optional[str] = None,
                timestamp: str = "timestamp", event: Optional[str] = None, by: Any = None, period: Optional[str] = None,
                segments: Any = None, cart_stage: Any = None, session_gap_secs: int = 1800, min_group: int = 10,
                time_format: str = "auto", **columns: Optional[str]):
    """Reach and drop-off at each checkout stage, per session and per customer.

    ``events`` is an events log (pandas, polars, pyarrow or a dict of columns) with a
    customer id, a timestamp and an event name column (``event``; by default the first of
    ``kind``, ``event``, ``event_type``, ``event_name``), and optionally a session column
    (``session_id``; default ``session`` / ``session_id`` when present, else sessions are cut at
    ``session_gap_secs`` of inactivity), ``platform``, ``channel`` and ``value``.

    ``stages`` maps event names to stages (default: product_view → add_to_cart →
    checkout_start → shipping → payment → purchase, where shipping also takes
    ``shipping_details`` and payment ``payment_details``): ``{"view": "product_view",
    "basket": "add_to_cart", ...}`` (stages in order of first appearance), ``{stage: [events]}``
    or a list of stage names.

    ``by`` groups the funnel: None (overall), ``"platform"``, ``"channel"``, another events
    column (e.g. ``"device"``), ``"segment"`` with ``segments=``, or a per-customer Series /
    dict of segment labels. ``period="day"`` or ``"week"`` gives the funnel per period
    (overall only). Groups with fewer than ``min_group`` customers are suppressed (NaN,
    ``suppressed=True``).

    Returns a pandas DataFrame, one row per (group, stage): ``stage``, ``sessions``,
    ``customers``, ``session_reach``, ``customer_reach``, ``step_conversion``, ``drop_off``,
    ``loops_back``, ``suppressed``, after a group column (``segment``, the ``by`` column or
    ``period``) when grouped. Counts never increase along the stages.

    >>> import segcore
    >>> ev = {"customer_id": [1, 1, 2], "timestamp": [0, 60, 0],
    ...       "event": ["product_view", "add_to_cart", "product_view"]}
    >>> segcore.cart_funnel(ev, min_group=1)["sessions"].tolist()[:3]
    [2, 1, 0]
    """
    import pandas as pd

    spec, cart, names = _stages_arg(stages, cart_stage)
    group_col = None
    seg_ids = seg_labels = None
    mode = "all"
    extra: dict = {k: v for k, v in columns.items()}
    if by is None or (isinstance(by, str) and by == "all"):
        pass
    elif isinstance(by, str) and by == "segment":
        if segments is None:
            raise _segcore._invalid_parameter("segments", "by='segment' needs segments= (labels by customer)")
        seg_ids, seg_labels = _by_customer(segments, "segments", as_str=True)
        mode, group_col = "segment", "segment"
    elif isinstance(by, str) and by in ("platform", "channel"):
        mode, group_col = by, by
        extra.setdefault(by, by)
    elif isinstance(by, str):
        mode, group_col = "platform", by
        extra["platform"] = by
    else:
        seg_ids, seg_labels = _by_customer(by, "by", as_str=True)
        mode, group_col = "segment", "segment"
    if period is not None:
        group_col = "period"
    cols, nm = _read_events(events, customer_id, timestamp, event, session_id, time_format, extra)
    tables = json.loads(_segcore._cart_funnel(cols, nm, spec, cart, mode, period, seg_ids, seg_labels,
                                              int(session_gap_secs), int(min_group)))
    rows = []
    for t in tables:
        base = {}
        if group_col == "period":
            base["period"] = _dt(t["period_start"])
        elif group_col is not None:
            base[group_col] = t["group"]
        if t["stages"]:
            for s in t["stages"]:
                rows.append({**base, **s, "suppressed": False})
        else:
            for st in names:
                rows.append({**base, "stage": st, "suppressed": True})
    cols_out = ([group_col] if group_col else []) + [
        "stage", "sessions", "customers", "session_reach", "customer_reach", "step_conversion", "drop_off",
        "loops_back", "suppressed"]
    df = pd.DataFrame(rows, columns=cols_out)
    for c in ("step_conversion", "drop_off", "session_reach", "customer_reach"):
        df[c] = df[c].astype(float)
    return df


def funnel_anomalies(events: Any, *, stages: Any = None, customer_id: str = "customer_id",
                     session_id: Optional[str] = None, timestamp: str = "timestamp", event: Optional[str] = None,
                     period: str = "week", baseline_periods: int = 7, z_threshold: float = 3.0,
                     min_change: float = 0.05, min_sessions: int = 30, cart_stage: Any = None,
                     session_gap_secs: int = 1800, min_group: int = 10, time_format: str = "auto",
                     **columns: Optional[str]):
    """Stages whose drop-off in one period rose significantly above their trailing baseline.

    For each stage and ``period`` (``"day"`` or ``"week"``), the drop-off (share of sessions at
    the stage that did not reach the next) is compared with the pooled previous
    ``baseline_periods`` periods by a one-sided two-proportion z-test; a flag needs
    ``statistic >= z_threshold``, a rise of at least ``min_change`` and ``min_sessions``
    sessions in the period and the baseline. Columns and stages as in :func:`cart_funnel`.

    Returns a DataFrame with one row per flag: ``stage``, ``next_stage``, ``period`` (period
    start), ``drop_off``, ``baseline``, ``change``, ``statistic`` (z), ``p_value``,
    ``sessions``, ``baseline_sessions``. Empty when nothing is flagged.
    """
    import pandas as pd

    spec, cart, _ = _stages_arg(stages, cart_stage)
    cols, nm = _read_events(events, customer_id, timestamp, event, session_id, time_format, columns)
    flags = json.loads(_segcore._funnel_anomalies(cols, nm, spec, cart, period, int(session_gap_secs), int(min_group),
                                                  int(baseline_periods), float(z_threshold), float(min_change),
                                                  int(min_sessions)))
    out = pd.DataFrame(
        [{"stage": f["stage"], "next_stage": f["next_stage"], "period": _dt(f["period_start"]),
          "drop_off": f["drop_off"], "baseline": f["baseline_drop_off"], "change": f["change"], "statistic": f["z"],
          "p_value": f["p_value"], "sessions": f["sessions"], "baseline_sessions": f["baseline_sessions"]}
         for f in flags],
        columns=["stage", "next_stage", "period", "drop_off", "baseline", "change", "statistic", "p_value",
                 "sessions", "baseline_sessions"],
    )
    return out


def funnel_loops(events: Any, **kwargs: Any):
    """Loops per stage: how often sessions went back to a stage from a later one (e.g. from
    shipping back to the cart), with the sessions that reached the stage. Arguments as in
    :func:`cart_funnel` (overall). Returns a DataFrame indexed by stage with ``loops_back``,
    ``sessions`` and ``loops_per_session``."""
    if "by" in kwargs or "period" in kwargs:
        raise TypeError("funnel_loops() counts loops over the whole funnel: use cart_funnel(by=...) for groups")
    df = cart_funnel(events, **kwargs)
    out = df.set_index("stage")[["loops_back", "sessions"]].copy()
    out["loops_per_session"] = out["loops_back"] / out["sessions"].where(out["sessions"] > 0)
    return out


def abandoned_carts(events: Any, *, as_of: Any = None, window_days: Optional[float] = 7.0, segments: Any = None,
                    key: Union[str, bytes, None] = None, hex_len: Optional[int] = None, stages: Any = None,
                    customer_id: str = "customer_id", session_id: Optional[str] = None, timestamp: str = "timestamp",
                    event: Optional[str] = None, cart_stage: Any = None, session_gap_secs: int = 1800,
                    time_format: str = "auto", **columns: Optional[str]):
    """The follow-up list for a cart-reminder campaign.

    Each customer whose most recent session that reached the cart stage ended without a
    purchase (and who bought nothing since), abandoned within ``window_days`` before
    ``as_of`` (default: the last event; ``window_days=None`` = any time), highest cart value
    first. ``segments`` (Series / dict by customer) adds each customer's segment; ``key``
    replaces customer ids by keyed pseudonyms (HMAC-SHA256, see :func:`pseudonymise`).

    Returns a DataFrame: ``customer_id``, ``abandoned_at``, ``stage`` (deepest stage reached),
    ``value`` (last cart value in the session's ``value`` column, NaN if unknown),
    ``days_since`` and ``segment`` when segments are given.
    """
    import pandas as pd

    spec, cart, _ = _stages_arg(stages, cart_stage)
    cols, nm = _read_events(events, customer_id, timestamp, event, session_id, time_format, columns)
    seg_ids = seg_labels = None
    if segments is not None:
        seg_ids, seg_labels = _by_customer(segments, "segments", as_str=True)
    win = None if window_days is None else int(round(float(window_days) * 86400))
    if isinstance(key, str):
        key = key.encode()
    as_of_s, rows = json.loads(_segcore._abandoned_carts(
        cols, nm, spec, cart, int(session_gap_secs), time_seconds(as_of, "as_of"), win, seg_ids, seg_labels,
        key, hex_len))
    out = pd.DataFrame({
        "customer_id": [r["customer"] for r in rows],
        "abandoned_at": _frames.seconds_to_datetime64([r["abandoned_at"] for r in rows]),
        "stage": [r["stage"] for r in rows],
        "value": np.asarray([np.nan if r["value"] is None else r["value"] for r in rows], dtype=float),
        "days_since": np.asarray([(as_of_s - r["abandoned_at"]) / 86400.0 for r in rows], dtype=float),
    })
    if segments is not None:
        out["segment"] = [r["segment"] for r in rows]
    out.attrs["as_of"] = _dt(as_of_s)
    return out


class ChannelValue(NamedTuple):
    """Channel value tables indexed by channel: by acquisition channel (first order's
    channel) and by engagement channel (the events' channel a customer uses most)."""

    acquisition: Any
    engagement: Any


def channel_value(transactions: Any, *, events: Any = None, clv: Any = None, churn_probability: Any = None,
                  cac: Optional[Mapping[str, float]] = None, min_group: int = 10, customer_id: str = "customer_id",
                  timestamp: str = "timestamp", amount: str = "amount", time_format: str = "auto",
                  **columns: Optional[str]) -> ChannelValue:
    """Customers, repeat-purchase rate (``retention``), mean CLV and mean churn probability per
    acquisition channel and per engagement channel, with ``clv_to_cac`` where ``cac`` (cost per
    acquired customer, ``{channel: cost}``) is given.

    ``transactions`` (or a :class:`segcore.Logs`) needs a ``channel`` column; ``events`` with a
    channel column give the engagement table. ``clv`` and ``churn_probability`` are per
    customer: Series / dict by customer id, or arrays in ``Logs.customer_ids()`` order; when
    left out, their columns are dropped. Channels with fewer than ``min_group`` customers are
    suppressed. Returns :class:`ChannelValue` of DataFrames.
    """
    import pandas as pd

    lg = build_logs(transactions, customer_id=customer_id, timestamp=timestamp, amount=amount, events=events,
                    time_format=time_format, columns=columns, func="channel_value")
    clv_ids = clv_v = ch_ids = ch_v = None
    if clv is not None:
        clv_ids, clv_v = _by_customer(clv, "clv")
    if churn_probability is not None:
        ch_ids, ch_v = _by_customer(churn_probability, "churn_probability")
    cac_l = None if cac is None else [(str(k), float(v)) for k, v in cac.items()]
    v = json.loads(_segcore._channel_value(lg, clv_v, clv_ids, ch_v, ch_ids, cac_l, int(min_group)))

    def frame(rows):
        df = pd.DataFrame(rows, columns=["channel", "suppressed", "customers", "retention", "mean_clv", "mean_churn",
                                         "cac", "clv_to_cac"]).set_index("channel")
        for c in ("customers", "retention", "mean_clv", "mean_churn", "cac", "clv_to_cac"):
            df[c] = df[c].astype(float)
        if clv is None:
            df = df.drop(columns=["mean_clv", "clv_to_cac"])
        if churn_probability is None:
            df = df.drop(columns=["mean_churn"])
        return df

    return ChannelValue(frame(v["acquisition"]), frame(v["engagement"]))


def ab_test(data: Any, *, variant: str = "variant", outcome: str = "converted", segment: Optional[str] = None,
            control: Any = "control", treatment: Any = "treatment", metric: str = "auto", alpha: float = 0.05,
            power: float = 0.8, min_effect: Optional[float] = None, min_group: int = 10):
    """A/B test effects overall and per segment.

    ``data`` (DataFrame or dict of columns) has one row per customer: the ``variant`` (rows
    neither ``control`` nor ``treatment`` are ignored), the ``outcome`` and optionally a
    ``segment``. ``metric="auto"`` reads a boolean outcome as conversion (two-proportion
    z-test, Wald interval) and a numeric one as revenue (Welch's t-test and interval);
    ``"conversion"`` / ``"revenue"`` force it. Segment p-values are Holm-adjusted; a segment
    whose smaller arm is below the customers needed to detect ``min_effect`` (default: the
    overall observed effect) at ``alpha`` with ``power`` is ``underpowered`` with a
    ``warning``; arms below ``min_group`` customers are suppressed.

    Returns a DataFrame indexed by ``segment`` (``all`` first): ``suppressed``, ``test``
    (``z`` or ``welch``), ``n_control``, ``n_treatment``, ``mean_control``,
    ``mean_treatment``, ``effect``, ``ci_low``, ``ci_high``, ``statistic``, ``df``,
    ``p_value``, ``p_adjusted``, ``significant``, ``min_detectable_effect``,
    ``required_per_arm``, ``underpowered``, ``warning``.
    """
    import pandas as pd

    d = _frames.prepare(data)
    kind = _frames.frame_kind(d)
    var = _frames.get_column(d, kind, variant, "variant", "experiment")
    out = _frames.get_column(d, kind, outcome, "outcome", "experiment")
    var_s = np.asarray(_frames.strings(var, variant), dtype=object)
    arms = np.full(len(var_s), -1, dtype=np.int64)
    arms[var_s == str(control)] = 0
    arms[var_s == str(treatment)] = 1
    if metric == "auto":
        metric = "conversion" if out.dtype.kind == "b" else "revenue"
    conv = rev = None
    if metric == "conversion":
        vals = _frames.floats(out.astype(float) if out.dtype.kind == "b" else out, outcome)
        bad = ~np.isin(vals, [0.0, 1.0])
        if bad.any():
            row = int(np.argmax(bad))
            raise _segcore._invalid_value(outcome, row, f"conversion outcome {vals[row]!r} is not 0/1 or a bool")
        conv = (vals == 1.0).tolist()
    elif metric == "revenue":
        rev = _frames.floats(out, outcome).tolist()
    else:
        raise _segcore._invalid_parameter("metric", f"unknown metric `{metric}` (use auto, conversion or revenue)")
    segs = None
    if segment is not None:
        segs = _frames.strings(_frames.get_column(d, kind, segment, "segment", "experiment"), segment)
    r = json.loads(_segcore._ab_test(arms.tolist(), conv, rev, segs, float(alpha), float(power),
                                     None if min_effect is None else float(min_effect), int(min_group)))
    fields = ["n_control", "n_treatment", "mean_control", "mean_treatment", "effect", "ci_low", "ci_high",
              "statistic", "df", "p_value", "p_adjusted", "significant", "min_detectable_effect", "required_per_arm",
              "underpowered", "warning"]
    test = "z" if r["metric"] == "conversion" else "welch"
    rows = []
    for row in [r["overall"], *r["segments"]]:
        e = row["estimate"] or {}
        rows.append({"segment": row["segment"], "suppressed": row["suppressed"], "test": test,
                     **{f: e.get(f) for f in fields}})
    df = pd.DataFrame(rows, columns=["segment", "suppressed", "test", *fields]).set_index("segment")
    for c in ("n_control", "n_treatment", "mean_control", "mean_treatment", "effect", "ci_low", "ci_high",
              "statistic", "df", "p_value", "p_adjusted", "min_detectable_effect", "required_per_arm"):
        df[c] = df[c].astype(float)
    df.attrs["metric"] = r["metric"]
    return df


#: Alias of :func:`ab_test` (per-segment effects are always reported when ``segment`` is given).
experiment_by_segment = ab_test


def _item_frame(items: list):
    import pandas as pd

    return pd.DataFrame({"item": [i["item"] for i in items], "score": np.asarray([i["score"] for i in items], float),
                         "support": np.asarray([i["support"] for i in items], np.int64)})


class CoPurchase:
    """Item-to-item co-purchase model: cosine (``n_ij / sqrt(n_i n_j)``) or lift
    (``n_ij N / (n_i n_j)``) between items bought in the same basket (a customer's purchases,
    or one order with ``basket="order"``), pairs seen in fewer than ``min_support`` baskets
    dropped, ``max_neighbours`` kept per item.

    >>> import segcore
    >>> tx = {"customer_id": [1, 1, 2, 2], "timestamp": [0] * 4, "amount": [1.0] * 4,
    ...       "product": ["tent", "stove", "tent", "stove"]}
    >>> segcore.analytics.CoPurchase().fit(tx).similar("tent")["item"].tolist()
    ['stove']
    """

    def __init__(self, *, similarity: str = "cosine", basket: str = "customer", min_support: int = 2,
                 max_neighbours: int = 50):
        self.similarity = similarity
        self.basket = basket
        self.min_support = min_support
        self.max_neighbours = max_neighbours
        self._m = None

    def fit(self, transactions: Any, *, customer_id: str = "customer_id", timestamp: str = "timestamp",
            amount: str = "amount", time_format: str = "auto", **columns: Optional[str]) -> "CoPurchase":
        """Fits on transactions (or a :class:`segcore.Logs`) with a ``product`` column
        (``order_id`` for order baskets); returns (negative amounts) are ignored."""
        lg = build_logs(transactions, customer_id=customer_id, timestamp=timestamp, amount=amount,
                        time_format=time_format, columns=columns, func="CoPurchase.fit")
        self._m = _segcore._co_purchase(lg, self.similarity, self.basket, int(self.min_support),
                                        int(self.max_neighbours))
        return self

    def _model(self):
        if self._m is None:
            from ._base import NotFittedError

            raise NotFittedError("CoPurchase is not fitted: call fit() first")
        return self._m

    def similar(self, item: str, n: int = 10):
        """The ``n`` items most co-purchased with ``item``: DataFrame ``item``, ``score``,
        ``support`` (baskets with both)."""
        return _item_frame(json.loads(self._model().similar(str(item), int(n))))

    def recommend(self, owned: Sequence[str], n: int = 10):
        """Complementary items for a set of owned items (scores summed over the owned items,
        owned items excluded): DataFrame ``item``, ``score``, ``support``."""
        return _item_frame(json.loads(self._model().recommend([str(o) for o in owned], int(n))))

    def recommend_customers(self, transactions: Any, customers: Any = None, *, n: int = 10,
                            customer_id: str = "customer_id", timestamp: str = "timestamp", amount: str = "amount",
                            time_format: str = "auto", **columns: Optional[str]):
        """Complementary items for customers of ``transactions`` (default: all), excluding
        what each already bought: DataFrame ``customer_id``, ``rank``, ``item``, ``score``,
        ``support``."""
        import pandas as pd

        lg = build_logs(transactions, customer_id=customer_id, timestamp=timestamp, amount=amount,
                        time_format=time_format, columns=columns, func="recommend")
        ids = None if customers is None else _ids_text(list(customers))
        res = json.loads(self._model().recommend_customers(lg, ids, int(n)))
        rows = [{"customer_id": cid, "rank": k + 1, **it} for cid, items in res for k, it in enumerate(items)]
        return pd.DataFrame(rows, columns=["customer_id", "rank", "item", "score", "support"])

    def pairs(self):
        """Every kept item pair (both directions): DataFrame ``item``, ``other``, ``score``,
        ``support``, best first per item."""
        import pandas as pd

        st = json.loads(self._model()._state())
        items = st["items"]
        rows = [{"item": items[i], "other": items[nb["item"]], "score": nb["score"], "support": nb["support"]}
                for i, nbs in enumerate(st["neighbours"]) for nb in nbs]
        return pd.DataFrame(rows, columns=["item", "other", "score", "support"])

    def to_json(self) -> str:
        """The model file (items and scores only, no customer ids)."""
        return self._model().to_json()

    @classmethod
    def from_json(cls, text: str) -> "CoPurchase":
        """Reads a model file written by any segcore binding."""
        m = _segcore._CoPurchase.from_json(text)
        p = json.loads(m._state())["params"]
        obj = cls(similarity=p["similarity"].lower(), basket=p["basket"].lower(), min_support=p["min_support"],
                  max_neighbours=p["max_neighbours"])
        obj._m = m
        return obj


def co_purchase(transactions: Any, *, similarity: str = "cosine", basket: str = "customer", min_support: int = 2,
                max_neighbours: int = 50, **kwargs: Any):
    """Item-to-item co-purchase scores (see :class:`CoPurchase`): DataFrame ``item``,
    ``other``, ``score``, ``support``."""
    return CoPurchase(similarity=similarity, basket=basket, min_support=min_support,
                      max_neighbours=max_neighbours).fit(transactions, **kwargs).pairs()


def recommend(transactions: Any, customers: Any = None, *, n: int = 10, similarity: str = "cosine",
              basket: str = "customer", min_support: int = 2, max_neighbours: int = 50, **kwargs: Any):
    """Complementary products per customer from co-purchases, excluding what they already
    bought (fits :class:`CoPurchase` on ``transactions``): DataFrame ``customer_id``,
    ``rank``, ``item``, ``score``, ``support``."""
    m = CoPurchase(similarity=similarity, basket=basket, min_support=min_support,
                   max_neighbours=max_neighbours).fit(transactions, **kwargs)
    return m.recommend_customers(transactions, customers, n=n, **kwargs)


def popular_by_segment(transactions: Any, segments: Any, *, n: int = 10, min_group: int = 10,
                       customer_id: str = "customer_id", timestamp: str = "timestamp", amount: str = "amount",
                       time_format: str = "auto", **columns: Optional[str]):
    """The ``n`` products bought by the most customers of each segment. ``segments``: labels
    by customer (Series / dict, or an array in ``Logs.customer_ids()`` order). Segments and
    items with fewer than ``min_group`` customers are left out (segments listed as
    suppressed). Returns a DataFrame ``segment``, ``rank``, ``item``, ``customers``, ``share``,
    ``segment_customers``, ``suppressed``."""
    import pandas as pd

    lg = build_logs(transactions, customer_id=customer_id, timestamp=timestamp, amount=amount,
                    time_format=time_format, columns=columns, func="popular_by_segment")
    ids, labels = _by_customer(segments, "segments", as_str=True)
    res = json.loads(_segcore._popular_by_segment(lg, labels, ids, int(n), int(min_group)))
    rows = []
    for s in res:
        if s["suppressed"]:
            rows.append({"segment": s["segment"], "suppressed": True})
            continue
        for k, it in enumerate(s["items"]):
            rows.append({"segment": s["segment"], "rank": k + 1, **it, "segment_customers": s["customers"],
                         "suppressed": False})
    return pd.DataFrame(rows, columns=["segment", "rank", "item", "customers", "share", "segment_customers",
                                       "suppressed"])


_FACTS = ("clv", "churn_probability", "p_alive", "satisfaction", "cart_value", "days_since_cart_abandoned",
          "tenure_days", "orders", "days_since_last_order")


def default_rules() -> dict:
    """The default next-best-action rule table (``{"rules": [...], "fallback_action": ...}``),
    to copy and edit: each rule has ``action``, ``reason``, optional ``segments`` and
    ``conditions`` (``{"field": ..., "op": ">=" | ">" | "<=" | "<", "value": ...}``)."""
    return json.loads(_segcore._default_rules())


def next_best_action(facts: Any = None, *, transactions: Any = None, events: Any = None, as_of: Any = None,
                     rules: Any = None, fallback_action: Optional[str] = None, segments: Any = None,
                     key: Union[str, bytes, None] = None, hex_len: Optional[int] = None,
                     customer_id: str = "customer_id", timestamp: str = "timestamp", amount: str = "amount",
                     session_gap_secs: int = 1800, time_format: str = "auto", **columns: Optional[str]):
    """One next best action per customer from an ordered rule table (first match wins).

    ``facts``: a DataFrame indexed by customer id (or with a ``customer_id`` column) holding
    any of ``segment``, ``clv``, ``churn_probability``, ``p_alive``, ``satisfaction`` (0..1),
    ``cart_value``, ``days_since_cart_abandoned``, ``tenure_days``, ``orders``,
    ``days_since_last_order`` (NaN = unknown). With ``transactions`` (and ``events``),
    tenure, orders, days since the last order and the abandoned-cart facts are computed as of
    ``as_of`` for every customer of the logs, and ``facts`` columns are added by customer id.
    ``rules``: a rule table (see :func:`default_rules`), or a list of rules; default the
    core's table (service recovery, cart reminder, win-back, welcome offer, referral ask,
    loyalty reward, cross-sell/upsell, else nurture). ``key`` pseudonymises the ids.

    Returns a DataFrame indexed by ``customer_id``: ``action``, ``rule`` (index of the rule,
    -1 for the fallback), ``reason``.
    """
    import pandas as pd

    cols: dict = {}
    seg: Optional[list] = None
    if transactions is not None:
        lg = build_logs(transactions, customer_id=customer_id, timestamp=timestamp, amount=amount, events=events,
                        time_format=time_format, columns=columns, func="next_best_action")
        f = json.loads(_segcore._logs_facts(lg, time_seconds(as_of, "as_of"), int(session_gap_secs)))
        ids = _ids_text(_frames.customer_column(lg.customer_ids()).tolist())
        for k in _FACTS:
            if k in f:
                cols[k] = [np.nan if v is None else float(v) for v in f[k]]
    elif facts is None:
        raise _segcore._invalid_parameter("facts", "give facts (a DataFrame by customer) and/or transactions")
    else:
        ids = None
    if facts is not None:
        fdf = facts if hasattr(facts, "columns") else pd.DataFrame(facts)
        if (type(fdf).__module__ or "").startswith("polars"):
            fdf = fdf.to_pandas()
        if customer_id in fdf.columns:
            fdf = fdf.set_index(customer_id)
        unknown = [c for c in fdf.columns if c not in _FACTS and c != "segment"]
        if unknown:
            raise _segcore._invalid_parameter("facts", f"unknown columns {unknown} (known: segment, {', '.join(_FACTS)})")
        fids = _ids_text(fdf.index.tolist())
        if ids is None:
            ids = fids
            for c in fdf.columns:
                if c == "segment":
                    seg = ["" if pd.isna(v) else str(v) for v in fdf[c].tolist()]
                else:
                    cols[c] = fdf[c].astype(float).tolist()
        else:
            pos = {i: k for k, i in enumerate(fids)}
            take = [pos.get(i) for i in ids]
            for c in fdf.columns:
                vals = fdf[c].tolist()
                if c == "segment":
                    seg = ["" if t is None or pd.isna(vals[t]) else str(vals[t]) for t in take]
                else:
                    cols[c] = [np.nan if t is None else float(vals[t]) for t in take]
    if segments is not None:
        sids, slab = _by_customer(segments, "segments", as_str=True)
        if sids is None:
            seg = slab
        else:
            m = dict(zip(sids, slab))
            seg = [m.get(i, "") for i in ids]
    table = None
    if rules is not None or fallback_action is not None:
        base = default_rules()
        if rules is None:
            t = base
        elif isinstance(rules, Mapping):
            t = {"fallback_action": base["fallback_action"], **rules}
        else:
            t = {"rules": list(rules), "fallback_action": base["fallback_action"]}
        t = {**t, "rules": [{"segments": None, **r} for r in t["rules"]]}
        if fallback_action is not None:
            t["fallback_action"] = fallback_action
        table = json.dumps(t)
    if not cols and seg is None:
        raise _segcore._invalid_parameter("facts", "no customer facts given")
    acts = json.loads(_segcore._next_best_action(cols, seg, table))
    out_ids = ids if key is None else pseudonymise(ids, key, hex_len=hex_len)
    return pd.DataFrame({
        "action": [a["action"] for a in acts],
        "rule": np.asarray([-1 if a["rule"] is None else a["rule"] for a in acts], dtype=np.int64),
        "reason": [a["reason"] for a in acts],
    }, index=pd.Index([out_ids[a["customer_code"]] for a in acts], name="customer_id"))


def pseudonymise(ids: Any, key: Union[str, bytes], *, hex_len: Optional[int] = None):
    """Keyed pseudonyms of customer ids: HMAC-SHA256(key, id) in lower-case hex (64
    characters, or the first ``hex_len``, 8..64). Same key, same pseudonym in every run and
    binding; without the key they cannot be recomputed from a list of ids. Integer ids are
    hashed as their decimal text. Returns a list of str (a Series with the same index for a
    pandas Series input).

    >>> import segcore
    >>> segcore.pseudonymise(["c1"], "secret", hex_len=12)[0] == segcore.pseudonymise([b"c1".decode()], b"secret")[0][:12]
    True
    """
    if isinstance(key, str):
        key = key.encode()
    if (type(ids).__module__ or "").startswith("pandas") and hasattr(ids, "index"):
        import pandas as pd

        return pd.Series(_segcore._pseudonymise(_ids_text(ids.tolist()), key, hex_len), index=ids.index,
                         name=ids.name)
    return _segcore._pseudonymise(_ids_text(list(ids)), key, hex_len)


def suppress_small(df: Any, k: int = 10, *, count: str = "customers"):
    """Hides statistics of groups with fewer than ``k`` customers (the core's rule): rows of
    a pandas DataFrame whose ``count`` column is below ``k`` get NaN in every numeric column
    (including the count) and ``suppressed=True``. Returns a new DataFrame."""
    out = df.copy()
    counts = out[count].fillna(0).astype(np.int64).clip(lower=0).tolist()
    mask = np.asarray(_segcore._suppressed(counts, int(k)), dtype=bool)
    num = [c for c in out.columns if out[c].dtype.kind in "iufb" and c != "suppressed"]
    for c in num:
        out[c] = out[c].astype(float) if out[c].dtype.kind != "f" else out[c]
        out.loc[mask, c] = np.nan
    prev = out["suppressed"].astype(bool).to_numpy() if "suppressed" in out.columns else np.zeros(len(out), bool)
    out["suppressed"] = prev | mask
    return out
