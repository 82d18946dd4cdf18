"""Churn: logistic regression and gradient-boosted trees as scikit-learn classifiers, churn
metrics and per-customer explanations.

Labels are binary (bool or 0/1); the second class of ``classes_`` is "churned".
``predict_proba`` returns two columns as scikit-learn does; ``churn_probability`` returns
the churned column alone.
"""

from __future__ import annotations

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


def _binary(y: Any, name: str = "y"):
    arr = _frames.to_numpy(y)
    if arr.dtype.kind == "b":
        return arr.astype(bool), np.array([False, True])
    row = _frames._first_missing(arr)
    if row is not None:
        raise _segcore._invalid_value(name, row, "missing label")
    classes = np.unique(arr)
    if len(classes) > 2:
        raise _segcore._invalid_parameter(name, f"expected binary labels, got {len(classes)} classes {list(classes[:5])}")
    if len(classes) == 1:
        # a single class: keep it as the negative class when it is 0/False-like
        positive = classes[0] if classes[0] not in (0, False) else None
        full = np.array([0, 1], dtype=arr.dtype) if arr.dtype.kind in "iuf" else classes
        return (arr == positive) if positive is not None else np.zeros(len(arr), dtype=bool), full
    return arr == classes[1], classes


class _ChurnClassifier(_MatrixEstimator):
    _estimator_type = "classifier"

    def _fit_labels(self, y):
        yb, classes = _binary(y)
        self.classes_ = classes
        return yb

    def churn_probability(self, X) -> np.ndarray:
        """Probability of the churned class for each row."""
        return self._check_fitted().predict_proba(self._validate(X, fit=False))

    def predict_proba(self, X) -> np.ndarray:
        """``[P(retained), P(churned)]`` for each row (scikit-learn's layout)."""
        p = self.churn_probability(X)
        return np.column_stack([1.0 - p, p])

    def decision_function(self, X) -> np.ndarray:
        return self._check_fitted().decision_function(self._validate(X, fit=False))

    def predict(self, X) -> np.ndarray:
        yb = self._check_fitted().predict(self._validate(X, fit=False))
        return self.classes_[yb.astype(np.int64)] if len(self.classes_) == 2 else yb

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy, as scikit-learn classifiers."""
        pred = self.predict(X)
        ok = (pred == _frames.to_numpy(y)).astype(np.float64)
        if sample_weight is None:
            return float(ok.mean())
        w = np.asarray(sample_weight, dtype=np.float64)
        return float(np.sum(w * ok) / np.sum(w))

    def explain(self, X, *, feature_names: Optional[Sequence[str]] = None, top_k: int = 3,
                bands=(0.3, 0.6), output: Optional[str] = None):
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
    on internally standardised features by default; Newton or L-BFGS."""

    _native = _segcore._LogisticChurn

    def __init__(self, C: float = 1.0, *, class_weight: Any = None, standardize: bool = True, solver: str = "auto",
                 max_iter: int = 100, tol: float = 1e-10):
        self.C = C
        self.class_weight = class_weight
        self.standardize = standardize
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y, sample_weight=None) -> "LogisticChurn":
        arr = self._validate(X, fit=True)
        yb = self._fit_labels(y)
        cw = self.class_weight
        if isinstance(cw, dict):
            neg, pos = self.classes_[0], self.classes_[-1]
            cw = (float(cw.get(neg, 1.0)), float(cw.get(pos, 1.0)))
        w = None if sample_weight is None else _frames.floats(_frames.to_numpy(sample_weight), "sample_weight")
        m = self._native.fit(arr, yb, w, float(self.C), cw, bool(self.standardize), self.solver,
                             int(self.max_iter), float(self.tol))
        self._set_model(m)
        return self

    def _read_model(self, m) -> None:
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
    NaN in X is allowed (missing values)."""

    _native = _segcore._GradientBoostingChurn

    def __init__(self, *, learning_rate: float = 0.1, max_iter: int = 100, max_leaf_nodes: Optional[int] = 31,
                 max_depth: Optional[int] = None, min_samples_leaf: int = 20, l2_regularization: float = 0.0,
                 max_bins: int = 255, early_stopping: bool = True, validation_fraction: Optional[float] = 0.1,
                 n_iter_no_change: int = 10, tol: float = 1e-7, calibration: str = "platt",
                 random_state: Optional[int] = None):
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

    def fit(self, X, y) -> "GradientBoostingChurn":
        arr = self._validate(X, fit=True)
        yb = self._fit_labels(y)
        m = self._native.fit(arr, yb, float(self.learning_rate), int(self.max_iter), self.max_leaf_nodes,
                             self.max_depth, int(self.min_samples_leaf), float(self.l2_regularization),
                             int(self.max_bins), bool(self.early_stopping), self.validation_fraction,
                             int(self.n_iter_no_change), float(self.tol), self.calibration, _seed(self.random_state))
        self._set_model(m)
        return self

    def _read_model(self, m) -> None:
        self.n_iter_ = m.n_iter
        self.feature_importances_ = m.feature_importances
        self.validation_loss_ = np.asarray(m.validation_loss)
        self.__dict__.setdefault("n_features_in_", m.n_features)
        self.__dict__.setdefault("classes_", np.array([False, True]))

    def shap_values(self, X) -> np.ndarray:
        """TreeSHAP contributions of each feature to the raw score (rows sum to
        ``decision_function(X) - expected_value_``)."""
        return self._check_fitted().shap_values(self._validate(X, fit=False))

    @property
    def expected_value_(self) -> float:
        return self._check_fitted().expected_value


# ---------------------------------------------------------------------------- metrics


def _ys(y_true, y_score):
    yb, _ = _binary(y_true, "y_true")
    return yb, _frames.floats(_frames.to_numpy(y_score), "y_score")


def roc_auc_score(y_true, y_score) -> float:
    """Area under the ROC curve (ties counted half)."""
    return _segcore._churn_metric("roc_auc", *_ys(y_true, y_score))


def average_precision_score(y_true, y_score) -> float:
    """Average precision (scikit-learn's step-wise definition)."""
    return _segcore._churn_metric("average_precision", *_ys(y_true, y_score))


def log_loss(y_true, y_prob) -> float:
    """Mean binary cross-entropy of the churn probabilities."""
    return _segcore._churn_metric("log_loss", *_ys(y_true, y_prob))


def brier_score_loss(y_true, y_prob) -> float:
    """Mean squared error of the churn probabilities."""
    return _segcore._churn_metric("brier", *_ys(y_true, y_prob))


def lift_at(y_true, y_score, fraction: float = 0.1) -> dict:
    """Churn rate, lift and capture rate among the top ``fraction`` of scores."""
    return dict(_segcore._lift_at(*_ys(y_true, y_score), float(fraction)))


def calibration_table(y_true, y_prob, output: str = "pandas"):
    """Mean predicted probability vs observed churn rate per probability decile."""
    rows = _segcore._calibration_table(*_ys(y_true, y_prob))
    cols = {
        "bin": np.asarray([r[0] for r in rows], dtype=np.int64),
        "mean_predicted": np.asarray([r[1] for r in rows]),
        "observed_rate": np.asarray([r[2] for r in rows]),
        "count": np.asarray([r[3] for r in rows], dtype=np.int64),
    }
    return _frames.make_frame(output, cols)
