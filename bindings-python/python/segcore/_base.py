"""The scikit-learn protocol without scikit-learn: get_params / set_params / clone / repr,
pickling, ``_repr_html_`` for notebooks, progress bars for long fits, plus model files
(``save`` / :func:`segcore.load`).

>>> import numpy as np, pickle
>>> from segcore import KMeans
>>> km = KMeans(2, random_state=0).fit(np.array([[0.0], [1.0], [10.0], [11.0]]))
>>> km.get_params()["n_clusters"]
2
>>> km2 = pickle.loads(pickle.dumps(km))
>>> km2.predict(np.array([[0.4], [10.6]])).tolist() == km.predict(np.array([[0.4], [10.6]])).tolist()
True
>>> "inertia_" in km._repr_html_()
True
"""

from __future__ import annotations

import html
import inspect
import json
import os
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import _segcore


class NotFittedError(_segcore.SegcoreError, ValueError, AttributeError):
    """The estimator is used before ``fit`` (also a ValueError and an AttributeError, like
    scikit-learn's)."""

    code = "NOT_FITTED"


NotFittedError.__module__ = "segcore"

_SKLEARN_NOT_FITTED: Dict[type, type] = {}


def _not_fitted_class() -> type:
    """segcore's NotFittedError, also scikit-learn's when scikit-learn is already imported
    (so its checks and ``check_is_fitted`` users catch it) — without importing scikit-learn."""
    skl = sys.modules.get("sklearn.exceptions")
    base = getattr(skl, "NotFittedError", None) if skl is not None else None
    if not isinstance(base, type) or issubclass(NotFittedError, base):
        return NotFittedError
    cls = _SKLEARN_NOT_FITTED.get(base)
    if cls is None:
        cls = type("NotFittedError", (NotFittedError, base), {"__module__": "segcore"})
        _SKLEARN_NOT_FITTED[base] = cls
    return cls

# kind in the model file -> Python class, filled by the modules that define estimators
_KINDS: Dict[str, type] = {}


def register(kind: str) -> Any:
    def deco(cls) -> Any:
        _KINDS[kind] = cls
        cls._kind = kind
        return cls

    return deco


# --------------------------------------------------------------------------- progress bars


class _ProgressBar:
    """Moves a tqdm bar to the progress reports of a native fit (see ``src/monitor.rs``).

    The native side calls :meth:`update` every ~50 ms with the latest report and
    :meth:`close` at the end; a new stage (or a restart of the same stage, as k-means does
    for each ``n_init``) resets the bar.

    >>> class Fake:
    ...     def __init__(self, **kw): self.n, self.total, self.desc = 0, kw.get("total"), kw.get("desc")
    ...     def update(self, k): self.n += k
    ...     def reset(self, total=None): self.n, self.total = 0, total
    ...     def set_description(self, d, refresh=True): self.desc = d
    ...     def close(self): pass
    >>> b = _ProgressBar(Fake, "fit")
    >>> b.update("kmeans", 1, 10); b.bar is None   # too early: short fits make no bar
    True
    >>> b._t0 -= _PROGRESS_DELAY
    >>> b.update("kmeans", 3, 10); b.update("kmeans", 7, 10)
    >>> (b.bar.n, b.bar.total, b.bar.desc)
    (7, 10, 'kmeans')
    """

    def __init__(self, factory: Callable[..., Any], desc: str) -> None:
        self._factory = factory
        self._desc = desc
        self.bar: Any = None
        self._stage: Optional[str] = None
        self._off = False
        self._t0 = time.perf_counter()

    def update(self, stage: str, done: int, total: int) -> None:
        """Shows ``done`` of ``total`` for ``stage``."""
        if self._off:
            return
        if self.bar is None:
            # short fits make no bar (and never import tqdm): the bar is made after half the
            # delay and tqdm's own ``delay=`` waits the other half before drawing it
            if time.perf_counter() - self._t0 < _PROGRESS_DELAY / 2:
                return
            try:
                self.bar = self._factory(total=total, desc=stage, delay=_PROGRESS_DELAY / 2, leave=False)
            except ImportError:  # no tqdm: no bar
                self._off = True
                return
            self._stage = stage
        elif stage != self._stage or done < self.bar.n or total != self.bar.total:
            self.bar.reset(total=total)
            self.bar.set_description(stage, refresh=False)
            self._stage = stage
        if done > self.bar.n:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        """Closes the bar (a bar never shown prints nothing)."""
        if self.bar is not None:
            self.bar.close()


#: seconds before a bar appears: fits shorter than this print nothing (tqdm's ``delay=``)
_PROGRESS_DELAY = 1.0


def _tqdm(**kwargs: Any) -> Any:
    from tqdm.auto import tqdm  # imported at the first report, so short fits never import it

    return tqdm(**kwargs)


def _progress_bar(desc: str) -> Optional[_ProgressBar]:
    """A progress bar for a long fit, called by the native module: tqdm (``tqdm.auto``,
    widgets in Jupyter) when it is installed, else nothing is shown. tqdm is imported only
    when the fit runs long enough to report (about 50 ms).

    >>> b = _progress_bar("kmeans")
    >>> b.bar is None
    True
    """
    return _ProgressBar(_tqdm, desc)


# --------------------------------------------------------------------------- HTML


def _value_html(v: Any, max_items: int = 6) -> str:
    shape = getattr(v, "shape", None)
    if shape is not None and hasattr(v, "ravel") and len(shape) > 0:
        flat = [f"{x:.6g}" if isinstance(x, float) else str(x) for x in v.ravel()[:max_items].tolist()]
        more = ", …" if v.size > max_items else ""
        return html.escape(f"array{tuple(shape)} [{', '.join(flat)}{more}]")
    if isinstance(v, float):
        return html.escape(f"{v:.6g}")
    if isinstance(v, dict):
        items = list(v.items())[:max_items]
        text = ", ".join(f"{k}: {x:.6g}" if isinstance(x, float) else f"{k}: {x}" for k, x in items)
        return html.escape("{" + text + (", …" if len(v) > max_items else "") + "}")
    s = repr(v)
    return html.escape(s if len(s) <= 80 else s[:77] + "...")


def _table_html(title: str, rows: List[Tuple[str, Any]]) -> str:
    body = "".join(
        f"<tr><td style='text-align:left'><code>{html.escape(k)}</code></td>"
        f"<td style='text-align:left'>{_value_html(v)}</td></tr>"
        for k, v in rows
    )
    return f"<b>{html.escape(title)}</b><table>{body}</table>"


class SegcoreEstimator:
    """Base class: the constructor stores parameters only; fitted attributes end in ``_``.

    Gives ``get_params`` / ``set_params`` (so scikit-learn's ``clone``, ``Pipeline`` and
    ``GridSearchCV`` work), a scikit-learn-like ``repr``, ``_repr_html_`` (parameters and
    fitted attributes), pickling through the model file format, and ``to_json`` / ``save``.

    >>> from segcore import StandardScaler
    >>> s = StandardScaler(with_mean=False)
    >>> s
    StandardScaler(with_mean=False)
    >>> s.set_params(with_std=False).get_params()
    {'with_mean': False, 'with_std': False}
    """

    _kind: str = ""
    _native: Any = None

    @classmethod
    def _get_param_names(cls) -> list:
        init = cls.__init__
        if init is object.__init__:
            return []
        sig = inspect.signature(init)
        names = []
        for p in sig.parameters.values():
            if p.name == "self" or p.kind == p.VAR_KEYWORD:
                continue
            if p.kind == p.VAR_POSITIONAL:
                raise TypeError(f"{cls.__name__}.__init__ must not take *args")
            names.append(p.name)
        return sorted(names)

    def get_params(self, deep: bool = True) -> Dict[str, Any]:
        """Parameters of this estimator (and of nested estimators with ``deep``)."""
        out: Dict[str, Any] = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                for k, v in value.get_params(deep=True).items():
                    out[f"{name}__{k}"] = v
            out[name] = value
        return out

    def set_params(self, **params: Any) -> "SegcoreEstimator":
        """Sets parameters (``nested__param`` for nested estimators); returns self."""
        valid = self.get_params(deep=True)
        nested: Dict[str, Dict[str, Any]] = {}
        for key, value in params.items():
            name, sep, sub = key.partition("__")
            if name not in valid:
                raise _segcore._invalid_parameter(
                    name,
                    f"invalid parameter for {type(self).__name__}; valid parameters are {sorted(self._get_param_names())}",
                )
            if sep:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub in nested.items():
            valid[name].set_params(**sub)
        return self

    def __repr__(self) -> str:
        defaults = {
            p.name: p.default
            for p in inspect.signature(type(self).__init__).parameters.values()
            if p.default is not p.empty
        }
        shown = []
        for k in self._get_param_names():
            v = getattr(self, k, None)
            d = defaults.get(k, inspect.Parameter.empty)
            try:
                same = v is d or (type(v) is type(d) and v == d)
            except Exception:
                same = False
            if not same:
                shown.append(f"{k}={v!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    _allow_nan: bool = False
    _positive_only: bool = False

    def __sklearn_tags__(self) -> Any:  # only called by scikit-learn
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags, TransformerTags

        est_type = getattr(self, "_estimator_type", None)
        tags = Tags(
            estimator_type=est_type,
            target_tags=TargetTags(required=est_type == "classifier"),
            input_tags=InputTags(allow_nan=self._allow_nan, positive_only=self._positive_only),
        )
        if est_type == "classifier":
            # binary churn labels only
            tags.classifier_tags = ClassifierTags(multi_class=False)
        if hasattr(self, "transform"):
            tags.transformer_tags = TransformerTags()
        return tags

    # ------------------------------------------------------------------ notebooks, pickle

    def _repr_html_(self) -> str:
        """Class name, parameters and (once fitted) fitted attributes, as HTML."""
        params = sorted(self.get_params(deep=False).items())
        fitted = sorted((k, v) for k, v in vars(self).items() if k.endswith("_") and not k.startswith("_"))
        parts = [f"<div class='segcore-repr'><h4>{html.escape(type(self).__name__)}</h4>",
                 _table_html("Parameters", params)]
        parts.append(_table_html("Fitted", fitted) if fitted else "<p><i>not fitted</i></p>")
        parts.append("</div>")
        return "".join(parts)

    def __getstate__(self) -> Dict[str, Any]:
        # the native model is kept as its model file (JSON, floats written exactly)
        state = dict(self.__dict__)
        model = state.pop("_model", None)
        if model is not None:
            state["_model_json"] = model.to_json()
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        state = dict(state)
        text = state.pop("_model_json", None)
        self.__dict__.update(state)
        if text is not None:
            self._model = type(self)._native.from_json(text)

    # ------------------------------------------------------------------ fitted state

    def _check_fitted(self) -> Any:
        model = self.__dict__.get("_model")
        if model is None:
            raise _not_fitted_class()(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )
        return model

    def _set_model(self, model: Any) -> None:
        self._model = model
        self._read_model(model)

    def _read_model(self, model: Any) -> None:  # overridden
        pass

    # ------------------------------------------------------------------ model files

    def to_json(self) -> str:
        """The fitted model as a segcore model file (JSON), readable from Rust and Node."""
        return self._check_fitted().to_json()

    def save(self, path: "str | os.PathLike") -> None:
        """Writes the fitted model to ``path`` as a segcore model file (JSON)."""
        data = self.to_json()
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(data)
        except OSError as e:
            raise _segcore._io_error(os.fspath(path), str(e)) from e

    @classmethod
    def from_json(cls, text: str) -> "SegcoreEstimator":
        """The model of a segcore model file (JSON string)."""
        est = cls()
        est._set_model(cls._native.from_json(text))
        return est


def loads(text: str) -> SegcoreEstimator:
    """A fitted estimator from a segcore model file's text (any kind this build knows)."""
    try:
        env = json.loads(text)
        kind = env["kind"]
    except (ValueError, KeyError, TypeError) as e:
        raise _segcore._model_file_error(f"not a segcore model file: {e}") from None
    cls = _KINDS.get(kind)
    if cls is None:
        raise _segcore._model_file_error(
            f"unknown model kind `{kind}` (this build reads {', '.join(sorted(_KINDS))})"
        )
    return cls.from_json(text)


def load(path: "str | os.PathLike") -> SegcoreEstimator:
    """Reads a segcore model file written by ``save`` (or by Rust or Node)."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise _segcore._io_error(os.fspath(path), str(e)) from e
    return loads(text)
