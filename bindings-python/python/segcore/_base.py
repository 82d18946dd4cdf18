"""The scikit-learn protocol without scikit-learn: get_params / set_params / clone / repr,
plus model files (``save`` / :func:`segcore.load`)."""

from __future__ import annotations

import inspect
import json
import os
from typing import Any, Dict

from . import _segcore


class NotFittedError(_segcore.SegcoreError, ValueError, AttributeError):
    """The estimator is used before ``fit`` (also a ValueError and an AttributeError, like
    scikit-learn's)."""

    code = "NOT_FITTED"


NotFittedError.__module__ = "segcore"

# kind in the model file -> Python class, filled by the modules that define estimators
_KINDS: Dict[str, type] = {}


def register(kind: str):
    def deco(cls):
        _KINDS[kind] = cls
        cls._kind = kind
        return cls

    return deco


class SegcoreEstimator:
    """Base class: the constructor stores parameters only; fitted attributes end in ``_``."""

    _kind: str = ""

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

    def __sklearn_tags__(self):  # pragma: no cover - only with scikit-learn
        from sklearn.utils import Tags, TargetTags

        est_type = getattr(self, "_estimator_type", None)
        return Tags(estimator_type=est_type, target_tags=TargetTags(required=est_type == "classifier"))

    # ------------------------------------------------------------------ fitted state

    def _check_fitted(self) -> Any:
        model = self.__dict__.get("_model")
        if model is None:
            raise NotFittedError(
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
