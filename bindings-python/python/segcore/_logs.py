"""Building :class:`segcore.Logs` from DataFrames."""

from __future__ import annotations

from typing import Any, Mapping, Optional

import numpy as np

from . import _frames, _segcore

# Optional columns of each log: segcore name -> role.
_TX_OPTIONAL = {
    "order_id": "str",
    "quantity": "float",
    "product": "str",
    "category": "str",
    "channel": "str",
    "discount": "bool",
}
_EV_OPTIONAL = {
    "category": "str",
    "channel": "str",
    "session": "str",
    "platform": "str",
    "value": "float",
}
_FB_OPTIONAL = {"topic": "str"}
_SCALES = ("csat", "nps", "stars")

#: Keyword arguments accepted as ``**columns`` by :func:`logs` and :func:`features`.
COLUMN_KEYS = (
    set(_TX_OPTIONAL)
    | {f"event_{k}" for k in ["customer_id", "timestamp", "kind", *_EV_OPTIONAL]}
    | {f"feedback_{k}" for k in ["customer_id", "timestamp", "score", "scale", *_FB_OPTIONAL]}
)

_ROLE = {
    "str": _frames.strings,
    "float": _frames.floats,
    "bool": _frames.bools,
}


def _check_keys(columns: Mapping[str, Any], func: str) -> None:
    for k, v in columns.items():
        if k not in COLUMN_KEYS:
            raise TypeError(f"{func}() got an unexpected keyword argument '{k}'")
        if v is not None and not isinstance(v, str):
            raise TypeError(f"{func}(): column name `{k}` must be a str or None, got {type(v).__name__}")


def _read(
    data: Any,
    log: str,
    required: Mapping[str, tuple],
    optional: Mapping[str, str],
    overrides: Mapping[str, Optional[str]],
    time_format: str,
):
    """Reads one log into (columns, names) dicts keyed by segcore's names."""
    data = _frames.prepare(data)
    kind = _frames.frame_kind(data)
    cols: dict = {"time_format": time_format}
    names: dict = {}
    for key, (user, role, param) in required.items():
        if role == "scale" and not _frames.has_column(data, kind, user) and user.lower() in _SCALES:
            cols[key] = [user.lower()] * _frames.length(data, kind)
            names[key] = key
            continue
        if role in ("ids", "str"):
            bufs = _frames.arrow_strings(data, kind, user)
            if bufs is not None:
                if role == "ids":
                    _frames.check_buffer_ids(bufs, user)
                cols[key] = bufs
                names[key] = user
                continue
        arr = _frames.get_column(data, kind, user, param, log)
        if role == "ids":
            cols[key] = _frames.ids(arr, user)
        elif role == "times":
            cols[key] = _frames.times(arr, user)
        elif role == "float":
            cols[key] = _frames.floats(arr, user)
        else:
            cols[key] = _frames.strings(arr, user)
        names[key] = user
    for key, role in optional.items():
        if key in overrides:
            user = overrides[key]
            if user is None:
                continue
        else:
            user = key
            if not _frames.has_column(data, kind, user):
                continue
        bufs = _frames.arrow_strings(data, kind, user) if role == "str" else None
        if bufs is not None:
            cols[key] = bufs
            names[key] = user
            continue
        arr = _frames.get_column(data, kind, user, key, log)
        cols[key] = _ROLE[role](arr, user)
        names[key] = user
    return cols, names


def build_logs(
    transactions: Any,
    *,
    customer_id: str = "customer_id",
    timestamp: str = "timestamp",
    amount: str = "amount",
    events: Any = None,
    feedback: Any = None,
    time_format: str = "auto",
    columns: Optional[Mapping[str, Optional[str]]] = None,
    func: str = "logs",
) -> "_segcore.Logs":
    columns = dict(columns or {})
    _check_keys(columns, func)
    if isinstance(transactions, _segcore.Logs):
        if events is not None or feedback is not None:
            raise _segcore._invalid_parameter(
                "events", "pass events and feedback when building the Logs, not with a Logs"
            )
        return transactions
    tx_over = {k: v for k, v in columns.items() if k in _TX_OPTIONAL}
    tx_cols, tx_names = _read(
        transactions,
        "transactions",
        {
            "customer_id": (customer_id, "ids", "customer_id"),
            "timestamp": (timestamp, "times", "timestamp"),
            "amount": (amount, "float", "amount"),
        },
        _TX_OPTIONAL,
        tx_over,
        time_format,
    )
    ev_cols = ev_names = None
    if events is not None:
        over = {k[6:]: v for k, v in columns.items() if k.startswith("event_")}
        ev_cols, ev_names = _read(
            events,
            "events",
            {
                "customer_id": (_default_key(events, over.get("customer_id"), customer_id, "customer_id"), "ids", "event_customer_id"),
                "timestamp": (_default_key(events, over.get("timestamp"), timestamp, "timestamp"), "times", "event_timestamp"),
                "kind": (over.get("kind") or "kind", "str", "event_kind"),
            },
            _EV_OPTIONAL,
            {k: v for k, v in over.items() if k in _EV_OPTIONAL},
            time_format,
        )
    fb_cols = fb_names = None
    if feedback is not None:
        over = {k[9:]: v for k, v in columns.items() if k.startswith("feedback_")}
        fb_cols, fb_names = _read(
            feedback,
            "feedback",
            {
                "customer_id": (_default_key(feedback, over.get("customer_id"), customer_id, "customer_id"), "ids", "feedback_customer_id"),
                "timestamp": (_default_key(feedback, over.get("timestamp"), timestamp, "timestamp"), "times", "feedback_timestamp"),
                "score": (over.get("score") or "score", "float", "feedback_score"),
                "scale": (over.get("scale") or "scale", "scale", "feedback_scale"),
            },
            _FB_OPTIONAL,
            {k: v for k, v in over.items() if k in _FB_OPTIONAL},
            time_format,
        )
    return _segcore._build_logs(tx_cols, tx_names, ev_cols, ev_names, fb_cols, fb_names)


def _default_key(data: Any, given: Optional[str], tx_name: str, canonical: str) -> str:
    """The column of a secondary log: as given, else the transactions' name if present,
    else segcore's name."""
    if given is not None:
        return given
    data = _frames.prepare(data)
    kind = _frames.frame_kind(data)
    if _frames.has_column(data, kind, tx_name):
        return tx_name
    return canonical


def logs(
    transactions: Any,
    *,
    customer_id: str = "customer_id",
    timestamp: str = "timestamp",
    amount: str = "amount",
    events: Any = None,
    feedback: Any = None,
    time_format: str = "auto",
    **columns: Optional[str],
) -> "_segcore.Logs":
    """Reads a shop's logs into a :class:`segcore.Logs` (validated, on one customer index).

    ``transactions`` is a pandas or polars DataFrame, a pyarrow Table or a dict of arrays
    with one row per order (or order line); ``customer_id``, ``timestamp`` and ``amount``
    name its columns. Optional transaction columns ``order_id``, ``quantity``, ``product``,
    ``category``, ``channel`` and ``discount`` are used when present; rename them with
    ``quantity="qty"`` etc., or ignore one with ``quantity=None``.

    ``events`` (columns ``customer_id``, ``timestamp``, ``kind`` and optionally
    ``category``, ``channel``, ``session``, ``platform``, ``value``) and ``feedback``
    (``customer_id``, ``timestamp``, ``score``, ``scale`` and optionally ``topic``) are read
    the same way; rename their columns with ``event_kind="type"``,
    ``feedback_score="rating"`` and so on. ``feedback_scale`` may also be one of ``"csat"``,
    ``"nps"``, ``"stars"`` when every score is on that scale.

    Times may be ``datetime64`` of any unit (tz-aware converted to UTC), ``date`` /
    ``datetime`` objects, integer epoch seconds, or strings parsed with ``time_format``
    (``"auto"``, ``"iso_date"``, ``"iso_datetime"``, ``"yyyymmdd"``, ``"epoch_seconds"``).
    Ids may be integers, strings or categoricals.

    Bad values raise :class:`segcore.InvalidValueError` naming the column and the row
    (0-based position).
    """
    return build_logs(
        transactions,
        customer_id=customer_id,
        timestamp=timestamp,
        amount=amount,
        events=events,
        feedback=feedback,
        time_format=time_format,
        columns=columns,
        func="logs",
    )


def logs_to_frames(lg: "_segcore.Logs", kind: str = "pandas"):
    """``(transactions, events, feedback)`` DataFrames of a Logs (events/feedback may be None)."""
    return (
        columns_to_frame(lg.transactions_columns(), kind),
        columns_to_frame(lg.events_columns(), kind),
        columns_to_frame(lg.feedback_columns(), kind),
    )


def columns_to_frame(d: Optional[dict], kind: str = "pandas"):
    """A log's columns (as exported by the native module) as a DataFrame."""
    if d is None:
        return None
    ids = d.pop("customer_ids")
    out: dict = {}
    out["customer_id"] = _frames.customer_column(ids, d.pop("customer"))
    out["timestamp"] = _frames.seconds_to_datetime64(d.pop("timestamp"))
    order = ["order_id", "kind", "quantity", "amount", "score", "scale"]
    keys = sorted(d, key=lambda k: order.index(k) if k in order else len(order))
    for k in keys:
        v = d[k]
        out[k] = _frames.decode(v[0], v[1]) if isinstance(v, tuple) else v
    return _frames.make_frame(kind, out)


def time_seconds(value: Any, name: str) -> Optional[int]:
    """A single time (str, date, datetime, numpy/pandas timestamp, epoch int) as UTC seconds."""
    if value is None:
        return None
    if isinstance(value, str):
        return _segcore._parse_time(value, name)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise _segcore._invalid_parameter(name, "NaT is not a valid time")
        return int(value.astype("datetime64[s]").astype(np.int64))
    mod = type(value).__module__ or ""
    if mod.startswith("pandas") and hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    try:
        return int(_frames._seconds_of(value, name, 0))
    except Exception:
        raise _segcore._invalid_parameter(
            name, f"expected a date, datetime, datetime64, epoch seconds or ISO string, got {value!r}"
        ) from None


def _read_file(kind: str, path, columns, delimiter, has_header, names, id_type, time_format, skip_bad_rows,
          default_scale, output):
    import os

    if output not in ("pandas", "polars"):
        raise _segcore._invalid_parameter("output", f"unknown output `{output}` (use pandas or polars)")
    cols, report = _segcore._read_csv(
        kind, os.fspath(path), None if columns is None else {str(k): str(v) for k, v in columns.items()},
        delimiter, bool(has_header), None if names is None else [str(n) for n in names], id_type, time_format,
        bool(skip_bad_rows), default_scale,
    )
    df = columns_to_frame(cols, output)
    if output == "pandas":
        df.attrs["read_report"] = report
    return df


_READ_DOC = """Reads a {kind} CSV file with segcore's reader (validated, errors name the file,
    the 1-based line and the column).

    ``columns`` maps segcore's names ({fields}) to the file's column names; ``names`` gives
    column names to a file without header (``has_header=False``). ``delimiter`` is one
    character, ``"tab"`` or ``"whitespace"``; ``id_type`` is ``"auto"``, ``"int"`` or
    ``"str"``; ``time_format`` as in :func:`segcore.logs`. With ``skip_bad_rows`` bad rows are
    skipped and counted instead of raising; the pandas result's ``attrs["read_report"]``
    says how many and why. Returns a DataFrame with ``customer_id``, ``timestamp``
    (datetime64, UTC) and the other columns.
    """


def read_transactions(path, *, columns=None, delimiter=",", has_header=True, names=None, id_type="auto",
                      time_format="auto", skip_bad_rows=False, output="pandas"):
    return _read_file("transactions", path, columns, delimiter, has_header, names, id_type, time_format, skip_bad_rows,
                 None, output)


def read_events(path, *, columns=None, delimiter=",", has_header=True, names=None, id_type="auto",
                time_format="auto", skip_bad_rows=False, output="pandas"):
    return _read_file("events", path, columns, delimiter, has_header, names, id_type, time_format, skip_bad_rows,
                 None, output)


def read_feedback(path, *, columns=None, delimiter=",", has_header=True, names=None, id_type="auto",
                  time_format="auto", skip_bad_rows=False, default_scale=None, output="pandas"):
    return _read_file("feedback", path, columns, delimiter, has_header, names, id_type, time_format, skip_bad_rows,
                 default_scale, output)


read_transactions.__doc__ = _READ_DOC.format(
    kind="transactions", fields="customer_id, timestamp, amount, order_id, quantity, product, category, channel, discount")
read_events.__doc__ = _READ_DOC.format(
    kind="events", fields="customer_id, timestamp, kind, category, channel, session, platform, value")
read_feedback.__doc__ = _READ_DOC.format(
    kind="feedback", fields="customer_id, timestamp, score, scale, topic") + "``default_scale`` is used when the file has no scale column.\n"
