"""Churn: logistic regression and gradient-boosted trees as scikit-learn classifiers, churn
metrics and per-customer explanations.

Labels are binary (bool or 0/1); the second class of ``classes_`` is "churned".
``predict_proba`` returns two columns as scikit-learn does; ``churn_probability`` returns
the churned column alone.

>>> import numpy as np, segcore
>>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
>>> y = np.array([False, False, True, False, True, True])
>>> m = segcore.LogisticChurn().fit(X, y)
>>> m.predict(np.array([[0.0], [5.0]])).tolist()
[False, True]
"""

from __future__ import annotations

import sys
import warnings
from typing import Any, Optional, Sequence

import numpy as np

from . import _frames, _segcore
from ._base import SegcoreEstimator, register
from .cluster import _MatrixEstimator, _names_of, _seed, as_matrix

__all__ = [
    "LogisticChurn",
    "GradientBoostingChurn",
    "roc_auc_score",
    "average_precision_score",
    "log_loss",
    "brier_score_loss",
    "lift_at",
    "calibration_table",
]


def _binary(y: Any, name: str = "y") -> Any:
    if y is None:
        raise _segcore._invalid_parameter(name, "this estimator requires y to be passed, but the target y is None")
    arr = np.asarray(y) if isinstance(y, (list, tuple, np.ndarray)) else _frames.to_numpy(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        skl = sys.modules.get("sklearn.exceptions")
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected; y is raveled",
            getattr(skl, "DataConversionWarning", UserWarning) if skl is not None else UserWarning,
            stacklevel=3,
        )
        arr = arr.ravel()
    if arr.dtype.kind == "b":
        return arr.astype(bool), np.array([False, True])
    row = _frames._first_missing(arr)
    if row is not None:
        raise _segcore._invalid_value(name, row, "missing label")
    if arr.dtype.kind == "f" and not np.all(arr == np.round(arr)):
        raise _segcore._invalid_parameter(
            name, "Unknown label type: continuous; churn labels are binary (bool or two classes)")
    classes = np.unique(arr)
    if len(classes) > 2:
        raise _segcore._invalid_parameter(
            name, f"Only binary classification is supported; got {len(classes)} classes {list(classes[:5])}")
    if len(classes) == 1:
        # a single class: keep it as the negative class when it is 0/False-like
        positive = classes[0] if classes[0] not in (0, False) else None
        full = np.array([0, 1], dtype=arr.dtype) if arr.dtype.kind in "iuf" else classes
        return (arr == positive) if positive is not None else np.zeros(len(arr), dtype=bool), full
    return arr == classes[1], classes


class _ChurnClassifier(_MatrixEstimator):
    _estimator_type = "classifier"

    def _fit_labels(self, y: Any) -> Any:
        yb, classes = _binary(y)
        if len(yb) and (yb.all() or not yb.any()):
            raise _segcore._invalid_parameter(
                "y", "only one class is present; churn models need both churned and retained customers")
        self.classes_ = classes
        return yb

    def churn_probability(self, X: Any) -> np.ndarray:
        """Probability of the churned class for each row."""
        return self._check_fitted().predict_proba(self._validate(X, fit=False))

    def predict_proba(self, X: Any) -> np.ndarray:
        """``[P(retained), P(churned)]`` for each row (scikit-learn's layout)."""
        p = self.churn_probability(X)
        return np.column_stack([1.0 - p, p])

    def decision_function(self, X: Any) -> np.ndarray:
        return self._check_fitted().decision_function(self._validate(X, fit=False))

    def predict(self, X: Any) -> np.ndarray:
        yb = self._check_fitted().predict(self._validate(X, fit=False))
        return self.classes_[yb.astype(np.int64)] if len(self.classes_) == 2 else yb

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy, as scikit-learn classifiers."""
        pred = self.predict(X)
        ok = (pred == _frames.to_numpy(y)).astype(np.float64)
        if sample_weight is None:
            return float(ok.mean())
        w = np.asarray(sample_weight, dtype=np.float64)
        return float(np.sum(w * ok) / np.sum(w))

    def explain(self, X: Any, *, feature_names: Optional[Sequence[str]] = None, top_k: int = 3,
                bands: Any = (0.3, 0.6), output: Optional[str] = None) -> Any:
        """Per-customer explanations: churn probability, risk band (low / medium / high, by
        ``bands``), raw score, base value and the ``top_k`` drivers (feature, value and
        contribution to the raw score). Returns a DataFrame (indexed like X when X is pandas)."""
        m = self._check_fitted()
        arr = self._validate(X, fit=False)
        names = list(feature_names) if feature_names is not None else (
            list(self.feature_names_in_) if getattr(self, "feature_names_in_", None) is not None
            else [f"x{i}" for i in range(arr.shape[1])])
        ex = m.explain(arr, [str(n) for n in names], int(top_k), (float(bands[0]), float(bands[1])))
        cols = {
            "churn_probability": np.asarray([e["churn_probability"] for e in ex]),
            "risk_band": np.asarray([e["risk_band"] for e in ex], dtype=object),
            "raw_score": np.asarray([e["raw_score"] for e in ex]),
            "base_value": np.asarray([e["base_value"] for e in ex]),
        }
        for i in range(int(top_k)):
            get = lambda e, j: e["drivers"][i][j] if i < len(e["drivers"]) else None  # noqa: E731
            cols[f"driver_{i + 1}"] = np.asarray([get(e, 0) for e in ex], dtype=object)
            cols[f"driver_{i + 1}_value"] = np.asarray([np.nan if get(e, 1) is None else get(e, 1) for e in ex])
            cols[f"driver_{i + 1}_contribution"] = np.asarray([np.nan if get(e, 2) is None else get(e, 2) for e in ex])
        kind = output or _frames.output_kind(X)
        df = _frames.make_frame(kind, cols)
        if kind == "pandas" and (type(X).__module__ or "").startswith("pandas") and hasattr(X, "index"):
            df.index = X.index
        return df


@register("LogisticChurn")
class LogisticChurn(_ChurnClassifier):
    """L2-penalised logistic regression (scikit-learn's objective: ``C``, ``class_weight``),
    on internally standardised features by default; Newton or L-BFGS. The fit releases the
    GIL, stops on Ctrl-C and shows a tqdm bar when it runs long (``verbose=False`` silences it).

    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> m = LogisticChurn(C=1e6).fit(X, [False, True, False, True])
    >>> m.classes_.tolist(), m.coef_.shape, m.predict_proba(X).shape
    ([False, True], (1, 1), (4, 2))
    """

    _native = _segcore._LogisticChurn

    def __init__(self, C: float = 1.0, *, class_weight: Any = None, standardize: bool = True, solver: str = "auto",
                 max_iter: int = 100, tol: float = 1e-10, verbose: bool = True) -> None:
        self.C = C
        self.class_weight = class_weight
        self.standardize = standardize
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> "LogisticChurn":
        arr = self._validate(X, fit=True)
        yb = self._fit_labels(y)
        cw = self.class_weight
        if isinstance(cw, dict):
            neg, pos = self.classes_[0], self.classes_[-1]
            cw = (float(cw.get(neg, 1.0)), float(cw.get(pos, 1.0)))
        w = None if sample_weight is None else _frames.floats(_frames.to_numpy(sample_weight), "sample_weight")
        m = self._native.fit(arr, yb, w, float(self.C), cw, bool(self.standardize), self.solver,
                             int(self.max_iter), float(self.tol), verbose=bool(self.verbose))
        self._set_model(m)
        return self

    def _read_model(self, m: Any) -> None:
        self.coef_ = m.coef.reshape(1, -1)
        self.intercept_ = np.array([m.intercept])
        self.n_iter_ = np.array([m.n_iter])
        self.__dict__.setdefault("n_features_in_", m.n_features)
        self.__dict__.setdefault("classes_", np.array([False, True]))


@register("GradientBoostingChurn")
class GradientBoostingChurn(_ChurnClassifier):
    """Histogram gradient-boosted trees (the design of scikit-learn's
    ``HistGradientBoostingClassifier``: quantile bins with a missing-value bin, leaf-wise
    growth, early stopping) with Platt or isotonic calibration and TreeSHAP explanations.
    NaN in X is allowed (missing values). ``early_stopping="auto"`` (the default, as in
    scikit-learn) stops early on a validation split only above 10 000 rows.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 2))
    >>> y = X[:, 0] > 0
    >>> m = GradientBoostingChurn(max_iter=20, random_state=0).fit(X, y)
    >>> m.score(X, y) > 0.95, m.n_features_in_
    (True, 2)
    """

    _native = _segcore._GradientBoostingChurn
    _allow_nan = True

    def __init__(self, *, learning_rate: float = 0.1, max_iter: int = 100, max_leaf_nodes: Optional[int] = 31,
                 max_depth: Optional[int] = None, min_samples_leaf: int = 20, l2_regularization: float = 0.0,
                 max_bins: int = 255, early_stopping: Any = "auto", validation_fraction: Optional[float] = 0.1,
                 n_iter_no_change: int = 10, tol: float = 1e-7, calibration: str = "platt",
                 random_state: Optional[int] = None, verbose: bool = True) -> None:
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.max_bins = max_bins
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.calibration = calibration
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X: Any, y: Any) -> "GradientBoostingChurn":
        arr = self._validate(X, fit=True)
        yb = self._fit_labels(y)
        m = self._native.fit(arr, yb, float(self.learning_rate), int(self.max_iter), self.max_leaf_nodes,
                             self.max_depth, int(self.min_samples_leaf), float(self.l2_regularization),
                             int(self.max_bins), self._early_stopping(arr.shape[0]), self.validation_fraction,
                             int(self.n_iter_no_change), float(self.tol), self.calibration, _seed(self.random_state),
                             verbose=bool(self.verbose))
        self._set_model(m)
        return self

    def _early_stopping(self, n_samples: int) -> bool:
        # scikit-learn's HistGradientBoostingClassifier: "auto" = on above 10 000 rows
        if isinstance(self.early_stopping, str):
            if self.early_stopping != "auto":
                raise _segcore._invalid_parameter(
                    "early_stopping", f"use True, False or 'auto', got {self.early_stopping!r}")
            return n_samples > 10_000
        return bool(self.early_stopping)

    def _read_model(self, m: Any) -> None:
        self.n_iter_ = m.n_iter
        self.feature_importances_ = m.feature_importances
        self.validation_loss_ = np.asarray(m.validation_loss)
        self.__dict__.setdefault("n_features_in_", m.n_features)
        self.__dict__.setdefault("classes_", np.array([False, True]))

    def shap_values(self, X: Any) -> np.ndarray:
        """TreeSHAP contributions of each feature to the raw score (rows sum to
        ``decision_function(X) - expected_value_``)."""
        return self._check_fitted().shap_values(self._validate(X, fit=False))

    @property
    def expected_value_(self) -> float:
        return self._check_fitted().expected_value


# ---------------------------------------------------------------------------- metrics


def _ys(y_true: Any, y_score: Any) -> Any:
    yb, _ = _binary(y_true, "y_true")
    return yb, _frames.floats(_frames.to_numpy(y_score), "y_score")


def roc_auc_score(y_true: Any, y_score: Any) -> float:
    """Area under the ROC curve (ties counted half).

    >>> roc_auc_score([False, True, False, True], [0.1, 0.8, 0.4, 0.35])
    0.75
    """
    return _segcore._churn_metric("roc_auc", *_ys(y_true, y_score))


def average_precision_score(y_true: Any, y_score: Any) -> float:
    """Average precision (scikit-learn's step-wise definition).

    >>> round(average_precision_score([False, True, False, True], [0.1, 0.8, 0.4, 0.35]), 4)
    0.8333
    """
    return _segcore._churn_metric("average_precision", *_ys(y_true, y_score))


def log_loss(y_true: Any, y_prob: Any) -> float:
    """Mean binary cross-entropy of the churn probabilities.

    >>> round(log_loss([False, True], [0.2, 0.9]), 4)
    0.1643
    """
    return _segcore._churn_metric("log_loss", *_ys(y_true, y_prob))


def brier_score_loss(y_true: Any, y_prob: Any) -> float:
    """Mean squared error of the churn probabilities.

    >>> round(brier_score_loss([False, True], [0.2, 0.9]), 4)
    0.025
    """
    return _segcore._churn_metric("brier", *_ys(y_true, y_prob))


def lift_at(y_true: Any, y_score: Any, fraction: float = 0.1) -> dict:
    """Churn rate, lift and capture rate among the top ``fraction`` of scores.

    >>> r = lift_at([True, False, False, False], [0.9, 0.1, 0.2, 0.3], 0.25)
    >>> r["n_selected"], r["lift"], r["capture_rate"]
    (1, 4.0, 1.0)
    """
    return dict(_segcore._lift_at(*_ys(y_true, y_score), float(fraction)))


def calibration_table(y_true: Any, y_prob: Any, output: str = "pandas") -> Any:
    """Mean predicted probability vs observed churn rate per probability decile.

    >>> t = calibration_table([False, True, True], [0.05, 0.95, 0.85])
    >>> t["mean_predicted"].tolist(), t["observed_rate"].tolist()
    ([0.05, 0.85, 0.95], [0.0, 1.0, 1.0])
    """
    rows = _segcore._calibration_table(*_ys(y_true, y_prob))
    cols = {
        "bin": np.asarray([r[0] for r in rows], dtype=np.int64),
        "mean_predicted": np.asarray([r[1] for r in rows]),
        "observed_rate": np.asarray([r[2] for r in rows]),
        "count": np.asarray([r[3] for r in rows], dtype=np.int64),
    }
    return _frames.make_frame(output, cols)
