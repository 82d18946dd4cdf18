"""HTML summaries for notebooks (``_repr_html_``).

:class:`HtmlReprMixin` gives any estimator with ``get_params`` a Jupyter representation:
its parameters and, once fitted, a summary of its fitted attributes (the public attributes
ending in ``_``). Nothing here imports pandas, polars or matplotlib.

>>> from segcore._html import HtmlReprMixin
>>> class Toy(HtmlReprMixin):
...     def get_params(self, deep=True):
...         return {"k": 3}
>>> t = Toy()
>>> "not fitted" in t._repr_html_()
True
>>> t.inertia_ = 1.5
>>> "inertia_" in t._repr_html_() and "1.5" in t._repr_html_()
True
"""

from __future__ import annotations

import html
from typing import Any, Iterable, Mapping, Sequence, Tuple

__all__ = ["HtmlReprMixin", "table_html", "value_html", "frame_html"]

_STYLE = (
    "<style>.segcore-repr table{border-collapse:collapse;margin:2px 0 8px 0}"
    ".segcore-repr td,.segcore-repr th{padding:2px 8px;text-align:left;border-bottom:1px solid #ddd;"
    "font-family:monospace;font-size:90%}.segcore-repr h4{margin:6px 0 2px 0}</style>"
)


def value_html(v: Any, max_items: int = 6) -> str:
    """A short, escaped description of a value: numbers and strings as they are, arrays by
    shape and first values, dicts and lists by their first items."""
    shape = getattr(v, "shape", None)
    if shape is not None and hasattr(v, "columns"):
        return html.escape(f"{type(v).__name__} {' x '.join(map(str, shape))}")
    if shape is not None and hasattr(v, "dtype") and len(shape) > 0:
        flat = list(getattr(v, "ravel", lambda: v)()[:max_items])
        more = ", …" if getattr(v, "size", len(flat)) > max_items else ""
        body = ", ".join(_scalar(x) for x in flat)
        return html.escape(f"array{tuple(shape)} [{body}{more}]")
    if isinstance(v, Mapping):
        items = list(v.items())
        body = ", ".join(f"{k}: {_scalar(x)}" for k, x in items[:max_items])
        more = ", …" if len(items) > max_items else ""
        return html.escape(f"{{{body}{more}}}")
    if isinstance(v, (list, tuple)):
        body = ", ".join(_scalar(x) for x in v[:max_items])
        more = ", …" if len(v) > max_items else ""
        return html.escape(f"[{body}{more}]" if isinstance(v, list) else f"({body}{more})")
    return html.escape(_scalar(v))


def _scalar(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.6g}"
    try:
        import numpy as np

        if isinstance(x, np.floating):
            return f"{float(x):.6g}"
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    s = str(x) if not isinstance(x, str) else repr(x)
    return s if len(s) <= 80 else s[:77] + "..."


def table_html(rows: Iterable[Tuple[Any, Any]], header: Sequence[str] = ("name", "value")) -> str:
    """A two-column HTML table of ``(name, value)`` rows (values through :func:`value_html`)."""
    out = ["<table><tr>", *(f"<th>{html.escape(h)}</th>" for h in header), "</tr>"]
    for k, v in rows:
        out.append(f"<tr><td>{html.escape(str(k))}</td><td>{value_html(v)}</td></tr>")
    out.append("</table>")
    return "".join(out)


def frame_html(df: Any, max_rows: int = 20) -> str:
    """A DataFrame (pandas or polars) as HTML, at most ``max_rows`` rows."""
    if df is None:
        return "<p>(none)</p>"
    rh = getattr(df, "_repr_html_", None)
    mod = type(df).__module__ or ""
    if mod.startswith("pandas") and hasattr(df, "to_html"):
        return df.to_html(max_rows=max_rows)
    if rh is not None:
        return rh()
    return f"<pre>{html.escape(str(df))}</pre>"


def fitted_attributes(obj: Any) -> list:
    """``(name, value)`` of the public fitted attributes (names ending in ``_``)."""
    return sorted(
        (k, v) for k, v in vars(obj).items() if k.endswith("_") and not k.startswith("_")
    )


class HtmlReprMixin:
    """Adds ``_repr_html_`` to an estimator: the class name, its parameters
    (``get_params(deep=False)``) and, once fitted, its fitted attributes."""

    def _repr_html_(self) -> str:
        name = html.escape(type(self).__name__)
        get = getattr(self, "get_params", None)
        params = sorted(get(deep=False).items()) if get is not None else []
        fitted = fitted_attributes(self)
        parts = [_STYLE, f"<div class='segcore-repr'><h4>{name}</h4>"]
        parts.append("<b>Parameters</b>" + (table_html(params) if params else "<p>(none)</p>"))
        if fitted:
            parts.append("<b>Fitted</b>" + table_html(fitted))
        else:
            parts.append("<p><i>not fitted</i></p>")
        parts.append("</div>")
        return "".join(parts)
