"""Segmentation: scalers, k-means, mini-batch k-means, Gaussian mixtures, quality metrics,
choosing k, RFM segments and segment profiles — scikit-learn style estimators.

``X`` may be a numpy array, a pandas or polars DataFrame (column names are kept in
``feature_names_in_``) or a pyarrow Table. ``random_state`` is an integer seed (None = 0):
the same seed gives the same result on any number of threads.

>>> import numpy as np, segcore
>>> X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 11.0]])
>>> km = segcore.KMeans(2, random_state=0).fit(segcore.StandardScaler().fit_transform(X))
>>> sorted(np.bincount(km.labels_).tolist())
[2, 2]
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from . import _frames, _segcore
from ._base import SegcoreEstimator, register

__all__ = [
    "KMeans",
    "MiniBatchKMeans",
    "GaussianMixture",
    "StandardScaler",
    "RobustScaler",
    "MinMaxScaler",
    "Log1p",
    "silhouette_score",
    "silhouette_samples",
    "davies_bouldin_score",
    "calinski_harabasz_score",
    "choose_k",
    "rfm_segments",
    "segment_profiles",
]


def _names_of(X: Any) -> Optional[np.ndarray]:
    mod = type(X).__module__ or ""
    if mod.startswith("pyarrow") and hasattr(X, "column_names"):
        return np.asarray([str(c) for c in X.column_names], dtype=object)
    if (mod.startswith("pandas") or mod.startswith("polars")) and hasattr(X, "columns"):
        cols = list(X.columns)
        if all(isinstance(c, str) for c in cols):
            return np.asarray(cols, dtype=object)
    return None


def as_matrix(X: Any, name: str = "X") -> np.ndarray:
    """X as a C-contiguous float64 2-D array.

    >>> as_matrix([[1, 2], [3, 4]]).dtype
    dtype('float64')
    """
    mod = type(X).__module__ or ""
    if mod.startswith("scipy.sparse") or (hasattr(X, "tocsr") and hasattr(X, "nnz")):
        raise _segcore._invalid_parameter(name, "sparse input is not supported; pass a dense array (X.toarray())")
    if mod.startswith("pyarrow") and hasattr(X, "column_names"):
        cols = [_frames.floats(_frames.to_numpy(X.column(c)), str(c)) for c in X.column_names]
        arr = np.ascontiguousarray(np.column_stack(cols)) if cols else np.empty((X.num_rows, 0))
        return _check_size(arr, name)
    if mod.startswith("polars") and hasattr(X, "columns"):
        X = X.to_numpy()
    elif mod.startswith("pandas") and hasattr(X, "columns"):
        if any(getattr(dt, "kind", "") == "c" for dt in X.dtypes):
            raise _segcore._invalid_parameter(name, "Complex data not supported")
        X = X.to_numpy(dtype=np.float64, na_value=np.nan)
    if getattr(X, "dtype", None) is None or getattr(X, "dtype", None) == object:
        raw = np.asarray(X)
        if raw.dtype.kind == "c":
            raise _segcore._invalid_parameter(name, "Complex data not supported")
    elif X.dtype.kind == "c":
        raise _segcore._invalid_parameter(name, "Complex data not supported")
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim == 1:
        raise _segcore._invalid_parameter(
            name, f"expected a 2-D array, got a 1-D array of {arr.shape[0]} values. "
                  "Reshape your data with X.reshape(-1, 1) (one feature) or X.reshape(1, -1) (one sample)"
        )
    if arr.ndim != 2:
        raise _segcore._invalid_parameter(name, f"expected a 2-D array, got shape {arr.shape}")
    return _check_size(np.ascontiguousarray(arr), name)


def _check_size(arr: np.ndarray, name: str) -> np.ndarray:
    if arr.shape[1] == 0:
        raise _segcore._invalid_parameter(
            name, f"0 feature(s) (shape={arr.shape}) while a minimum of 1 is required.")
    if arr.shape[0] == 0:
        raise _segcore._invalid_parameter(
            name, f"0 sample(s) (shape={arr.shape}) while a minimum of 1 is required.")
    return arr


def _check_finite(arr: np.ndarray) -> None:
    """NaN or inf in X is an error that names the first bad cell (models without missing values)."""
    if np.isfinite(arr).all():
        return
    i, j = (int(v) for v in np.argwhere(~np.isfinite(arr))[0])
    v = arr[i, j]
    raise _segcore._invalid_value(
        f"X[:, {j}]", i, f"{'NaN' if np.isnan(v) else 'inf'} is not allowed (input contains NaN or inf; "
                         "this model does not accept missing values)")


def _seed(random_state: Any) -> int:
    if random_state is None:
        return 0
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool) and random_state >= 0:
        return int(random_state)
    raise _segcore._invalid_parameter(
        "random_state", f"must be None or a non-negative integer seed, got {random_state!r}"
    )


def _labels(labels: Any) -> np.ndarray:
    return np.ascontiguousarray(_frames.to_numpy(labels), dtype=np.int64)


class _MatrixEstimator(SegcoreEstimator):
    """Records ``n_features_in_`` / ``feature_names_in_`` and checks them at predict time."""

    def _validate(self, X: Any, fit: bool) -> np.ndarray:
        arr = as_matrix(X)
        if not self._allow_nan:
            _check_finite(arr)
        names = _names_of(X)
        if fit:
            self.n_features_in_ = arr.shape[1]
            if names is not None:
                self.feature_names_in_ = names
            else:
                self.__dict__.pop("feature_names_in_", None)
        else:
            n = getattr(self, "n_features_in_", None)
            if n is not None and arr.shape[1] != n:
                raise _shape_error(
                    f"X has {arr.shape[1]} features, but {type(self).__name__} is expecting {n} features as input"
                )
            fitted_names = getattr(self, "feature_names_in_", None)
            if fitted_names is not None and names is not None and list(names) != list(fitted_names):
                raise _shape_error(
                    f"feature names differ from those seen at fit: {list(names)} vs {list(fitted_names)}"
                )
        return arr


def _shape_error(reason: str) -> Exception:
    err = _segcore.ShapeError(f"shape mismatch: {reason}")
    err.reason = reason
    return err


# ---------------------------------------------------------------------------- k-means


class _KMeansBase(_MatrixEstimator):
    _estimator_type = "clusterer"

    def fit_predict(self, X: Any, y: Any = None, sample_weight: Any = None) -> np.ndarray:
        """Fits and returns the labels of the training rows."""
        return self.fit(X, y, sample_weight=sample_weight).labels_

    def predict(self, X: Any, sample_weight: Any = None) -> np.ndarray:
        """Index of the closest centre of each row."""
        m = self._check_fitted()
        return m.predict(self._validate(X, fit=False))

    def transform(self, X: Any) -> np.ndarray:
        """Distances of each row to every centre."""
        m = self._check_fitted()
        return m.transform(self._validate(X, fit=False))

    def fit_transform(self, X: Any, y: Any = None, sample_weight: Any = None) -> np.ndarray:
        return self.fit(X, y, sample_weight=sample_weight).transform(X)

    def score(self, X: Any, y: Any = None, sample_weight: Any = None) -> float:
        """Opposite of the inertia of X (scikit-learn's convention)."""
        d = self.transform(X).min(axis=1) ** 2
        w = np.ones(len(d)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        return -float(np.sum(w * d))

    def _read_model(self, m: Any) -> None:
        self.cluster_centers_ = m.centroids
        self.labels_ = m.labels
        self.inertia_ = m.inertia
        self.n_iter_ = m.n_iter
        if "n_features_in_" not in self.__dict__:
            self.n_features_in_ = self.cluster_centers_.shape[1]


@register("KMeans")
class KMeans(_KMeansBase):
    """k-means with k-means++ restarts (Lloyd or Hamerly iterations), as scikit-learn's
    ``KMeans`` (``init`` may also be an array of initial centres). The fit releases the GIL,
    stops on Ctrl-C and shows a tqdm bar when it runs long (``verbose=False`` silences it).

    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [10.0], [11.0]])
    >>> km = KMeans(2, random_state=0).fit(X)
    >>> sorted(km.cluster_centers_.ravel().tolist()), km.inertia_
    ([0.5, 10.5], 1.0)
    >>> bool(km.predict(np.array([[0.2]]))[0] == km.labels_[0])
    True
    """

    _native = _segcore._KMeans

    def __init__(self, n_clusters: int = 8, *, init: Any = "k-means++", n_init: Any = "auto", max_iter: int = 300,
                 tol: float = 1e-4, random_state: Optional[int] = None, algorithm: str = "auto", verbose: bool = True) -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.algorithm = algorithm
        self.verbose = verbose

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> "KMeans":
        """Fits on the rows of X (optionally weighted). Returns self."""
        arr = self._validate(X, fit=True)
        init = None
        if not (isinstance(self.init, str) and self.init == "k-means++"):
            if isinstance(self.init, str):
                raise _segcore._invalid_parameter("init", f"unknown init `{self.init}` (use 'k-means++' or an array)")
            init = as_matrix(self.init, "init")
        n_init = 1 if self.n_init == "auto" else int(self.n_init)
        w = None if sample_weight is None else _frames.floats(_frames.to_numpy(sample_weight), "sample_weight")
        m = self._native.fit(arr, int(self.n_clusters), w, n_init, int(self.max_iter), float(self.tol),
                             _seed(self.random_state), self.algorithm, init, verbose=bool(self.verbose))
        self._set_model(m)
        return self


@register("MiniBatchKMeans")
class MiniBatchKMeans(_KMeansBase):
    """Mini-batch k-means (scikit-learn's ``MiniBatchKMeans``).

    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [10.0], [11.0]] * 50)
    >>> mbk = MiniBatchKMeans(2, batch_size=64, random_state=0).fit(X)
    >>> sorted(np.round(mbk.cluster_centers_.ravel(), 1).tolist())
    [0.5, 10.5]
    """

    _native = _segcore._MiniBatchKMeans

    def __init__(self, n_clusters: int = 8, *, max_iter: int = 100, batch_size: int = 1024, tol: float = 0.0,
                 max_no_improvement: Optional[int] = 10, init_size: Optional[int] = None, n_init: int = 3,
                 reassignment_ratio: float = 0.01, random_state: Optional[int] = None, verbose: bool = True) -> None:
        self.n_clusters = n_clusters
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.reassignment_ratio = reassignment_ratio
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> "MiniBatchKMeans":
        """Fits on the rows of X. Returns self."""
        arr = self._validate(X, fit=True)
        w = None if sample_weight is None else _frames.floats(_frames.to_numpy(sample_weight), "sample_weight")
        m = self._native.fit(arr, int(self.n_clusters), w, int(self.batch_size), int(self.max_iter), float(self.tol),
                             self.max_no_improvement, self.init_size, int(self.n_init), float(self.reassignment_ratio),
                             _seed(self.random_state), verbose=bool(self.verbose))
        self._set_model(m)
        return self

    def _read_model(self, m: Any) -> None:
        super()._read_model(m)
        self.n_steps_ = m.n_steps


# ---------------------------------------------------------------------------- mixtures


@register("GaussianMixture")
class GaussianMixture(_MatrixEstimator):
    """Gaussian mixture fitted by EM from a k-means start (``covariance_type`` "full" or
    "diag"). The fit releases the GIL, stops on Ctrl-C and shows a tqdm bar when it runs long.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(0, 1, (200, 1)), rng.normal(8, 1, (200, 1))])
    >>> gm = GaussianMixture(2, random_state=0).fit(X)
    >>> sorted(np.round(gm.means_.ravel()).tolist()), np.round(gm.weights_, 1).tolist()
    ([0.0, 8.0], [0.5, 0.5])
    """

    _native = _segcore._GaussianMixture
    _estimator_type = "density_estimator"

    def __init__(self, n_components: int = 1, *, covariance_type: str = "full", tol: float = 1e-3,
                 reg_covar: float = 1e-6, max_iter: int = 100, n_init: int = 1, random_state: Optional[int] = None,
                 verbose: bool = True) -> None:
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.random_state = random_state
        self.verbose = verbose

    def fit(self, X: Any, y: Any = None) -> "GaussianMixture":
        arr = self._validate(X, fit=True)
        m = self._native.fit(arr, int(self.n_components), self.covariance_type, float(self.tol), float(self.reg_covar),
                             int(self.max_iter), int(self.n_init), _seed(self.random_state),
                             verbose=bool(self.verbose))
        self._set_model(m)
        return self

    def _read_model(self, m: Any) -> None:
        self.weights_ = m.weights
        self.means_ = m.means
        self.covariances_ = m.covariances
        self.converged_ = m.converged
        self.n_iter_ = m.n_iter
        self.lower_bound_ = m.lower_bound
        if "n_features_in_" not in self.__dict__:
            self.n_features_in_ = self.means_.shape[1]

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        return self.fit(X).predict(X)

    def predict(self, X: Any) -> np.ndarray:
        return self._check_fitted().predict(self._validate(X, fit=False))

    def predict_proba(self, X: Any) -> np.ndarray:
        return self._check_fitted().predict_proba(self._validate(X, fit=False))

    def score_samples(self, X: Any) -> np.ndarray:
        return self._check_fitted().score_samples(self._validate(X, fit=False))

    def score(self, X: Any, y: Any = None) -> float:
        return self._check_fitted().score(self._validate(X, fit=False))

    def bic(self, X: Any) -> float:
        return self._check_fitted().bic(self._validate(X, fit=False))

    def aic(self, X: Any) -> float:
        return self._check_fitted().aic(self._validate(X, fit=False))


# ---------------------------------------------------------------------------- scalers


class _Scaler(_MatrixEstimator):
    _native = _segcore._Scaler

    def transform(self, X: Any) -> np.ndarray:
        return self._check_fitted().transform(self._validate(X, fit=False))

    def inverse_transform(self, X: Any) -> np.ndarray:
        return self._check_fitted().inverse_transform(self._validate(X, fit=False))

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        return self.fit(X).transform(X)

    def get_feature_names_out(self, input_features: Any = None) -> Any:
        names = getattr(self, "feature_names_in_", None)
        if input_features is not None:
            return np.asarray(input_features, dtype=object)
        if names is not None:
            return names
        return np.asarray([f"x{i}" for i in range(self.n_features_in_)], dtype=object)

    def _read_model(self, m: Any) -> None:
        for k, v in m.state.items():
            setattr(self, f"{k}_", v)
        if "n_features_in_" not in self.__dict__:
            self.n_features_in_ = len(next(iter(m.state.values())))


@register("StandardScaler")
class StandardScaler(_Scaler):
    """Centre and scale to unit variance (constant columns keep scale 1).

    >>> import numpy as np
    >>> StandardScaler().fit_transform(np.array([[1.0, 5.0], [3.0, 5.0]])).tolist()
    [[-1.0, 0.0], [1.0, 0.0]]
    """

    def __init__(self, *, with_mean: bool = True, with_std: bool = True) -> None:
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X: Any, y: Any = None) -> "StandardScaler":
        self._set_model(self._native.fit_standard(self._validate(X, fit=True), bool(self.with_mean), bool(self.with_std)))
        return self


@register("RobustScaler")
class RobustScaler(_Scaler):
    """Centre on the median and scale by the inter-quantile range.

    >>> import numpy as np
    >>> RobustScaler().fit_transform(np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])).ravel().tolist()
    [-1.0, -0.5, 0.0, 0.5, 1.0]
    """

    def __init__(self, *, with_centering: bool = True, with_scaling: bool = True, quantile_range: Any = (25.0, 75.0)) -> None:
        self.with_centering = with_centering
        self.with_scaling = with_scaling
        self.quantile_range = quantile_range

    def fit(self, X: Any, y: Any = None) -> "RobustScaler":
        lo, hi = self.quantile_range
        self._set_model(self._native.fit_robust(self._validate(X, fit=True), bool(self.with_centering),
                                                bool(self.with_scaling), (float(lo), float(hi))))
        return self


@register("MinMaxScaler")
class MinMaxScaler(_Scaler):
    """Scale each column to ``feature_range``.

    >>> import numpy as np
    >>> MinMaxScaler().fit_transform(np.array([[2.0], [4.0], [6.0]])).ravel().tolist()
    [0.0, 0.5, 1.0]
    """

    def __init__(self, feature_range: Any = (0.0, 1.0)) -> None:
        self.feature_range = feature_range

    def fit(self, X: Any, y: Any = None) -> "MinMaxScaler":
        lo, hi = self.feature_range
        self._set_model(self._native.fit_minmax(self._validate(X, fit=True), (float(lo), float(hi))))
        return self


@register("Log1p")
class Log1p(_Scaler):
    """``ln(1 + x)`` on the chosen ``columns`` (positions, or names of a DataFrame's
    columns; None = all columns); the other columns pass through. Values must be > -1.

    >>> import numpy as np
    >>> t = Log1p(columns=[1]).fit(np.array([[5.0, 0.0], [7.0, np.e - 1.0]]))
    >>> t.transform(np.array([[5.0, np.e - 1.0]])).tolist()
    [[5.0, 1.0]]
    >>> t.columns_.tolist()
    [1]
    """

    _positive_only = True

    def __init__(self, *, columns: Optional[Sequence[Any]] = None) -> None:
        self.columns = columns

    def fit(self, X: Any, y: Any = None) -> "Log1p":
        """Checks the columns against X. Returns self."""
        arr = self._validate(X, fit=True)
        cols: list = []
        names = getattr(self, "feature_names_in_", None)
        for c in ([] if self.columns is None else list(self.columns)):
            if isinstance(c, str):
                hits = [] if names is None else [i for i, n in enumerate(names) if n == c]
                if not hits:
                    raise _segcore._invalid_parameter("columns", f"unknown column `{c}`")
                cols.append(hits[0])
            else:
                cols.append(int(c))
        self._set_model(self._native.fit_log1p(arr, cols))
        return self

    def _read_model(self, m: Any) -> None:
        st = m.state
        self.columns_ = st["columns"]
        if "n_features_in_" not in self.__dict__:
            self.n_features_in_ = int(st["n_features"])


# ---------------------------------------------------------------------------- metrics


def silhouette_score(X: Any, labels: Any, *, sample_size: Optional[int] = None, random_state: Optional[int] = None) -> float:
    """Mean silhouette coefficient (Euclidean); ``sample_size`` scores a seeded sample.

    >>> round(silhouette_score([[0.0], [1.0], [10.0], [11.0]], [0, 0, 1, 1]), 4)
    0.8997
    """
    return _segcore._silhouette_score(as_matrix(X), _labels(labels), sample_size, _seed(random_state))


def silhouette_samples(X: Any, labels: Any) -> np.ndarray:
    """Silhouette coefficient of every row.

    >>> silhouette_samples([[0.0], [1.0], [10.0], [11.0]], [0, 0, 1, 1]).round(4).tolist()
    [0.9048, 0.8947, 0.8947, 0.9048]
    """
    return _segcore._silhouette_samples(as_matrix(X), _labels(labels))


def davies_bouldin_score(X: Any, labels: Any) -> float:
    """Davies–Bouldin index (lower is better).

    >>> round(davies_bouldin_score([[0.0], [1.0], [10.0], [11.0]], [0, 0, 1, 1]), 4)
    0.1
    """
    return _segcore._davies_bouldin_score(as_matrix(X), _labels(labels))


def calinski_harabasz_score(X: Any, labels: Any) -> float:
    """Calinski–Harabasz index (higher is better).

    >>> calinski_harabasz_score([[0.0], [1.0], [10.0], [11.0]], [0, 0, 1, 1])
    200.0
    """
    return _segcore._calinski_harabasz_score(as_matrix(X), _labels(labels))


def choose_k(X: Any, k_range: Sequence[int] = range(2, 11), *, n_init: int = 1, max_iter: int = 300, tol: float = 1e-4,
             random_state: Optional[int] = None, silhouette_sample: Optional[int] = None, output: str = "pandas") -> Any:
    """Fits k-means for each k and scores it (inertia, silhouette, Calinski–Harabasz,
    Davies–Bouldin). Returns ``(table, k)``: a DataFrame with one row per k and the chosen k
    (``table.attrs["rule"]`` says how it was chosen).

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(c, 0.3, (50, 2)) for c in (0.0, 5.0, 10.0)])
    >>> table, k = choose_k(X, range(2, 6), random_state=0)
    >>> k, table["k"].tolist()
    (3, [2, 3, 4, 5])
    """
    res = _segcore._choose_k(as_matrix(X), [int(k) for k in k_range], int(n_init), int(max_iter), float(tol),
                             _seed(random_state), silhouette_sample)
    cols = {key: np.asarray([row[key] for row in res["scores"]]) for key in
            ("k", "inertia", "silhouette", "calinski_harabasz", "davies_bouldin")}
    table = _frames.make_frame(output, cols)
    if output == "pandas":
        table.attrs["rule"] = res["rule"]
    return table, res["k"]


def rfm_segments(recency: Any, frequency: Any, monetary: Any, *, table: str = "standard", index: Any = None, output: Optional[str] = None) -> Any:
    """RFM quintile scores (1–5, 5 = best; recency scored so that recent is high) and named
    segments. ``table`` is ``"standard"``, ``"rfm_package"`` or an ``RfmSegmentTable`` model
    file. Returns a DataFrame with ``recency_score``, ``frequency_score``,
    ``monetary_score``, ``rfm_score`` and ``segment`` (indexed like ``recency`` when it is a
    pandas Series).

    >>> df = rfm_segments([1, 50, 300, 5, 120], [9, 4, 1, 7, 2], [500, 80, 10, 300, 40])
    >>> df["recency_score"].tolist(), df["segment"].tolist()[0]
    ([5, 3, 1, 4, 2], 'Champions')
    """
    kind = output or _frames.output_kind(recency)
    r = _frames.floats(_frames.to_numpy(recency), "recency")
    f = _frames.floats(_frames.to_numpy(frequency), "frequency")
    m = _frames.floats(_frames.to_numpy(monetary), "monetary")
    res = _segcore._rfm_segments(r, f, m, table)
    cols = {
        "recency_score": res["recency_score"],
        "frequency_score": res["frequency_score"],
        "monetary_score": res["monetary_score"],
        "rfm_score": np.asarray(res["score"], dtype=object),
        "segment": np.asarray(res["segment"], dtype=object),
    }
    if index is None and hasattr(recency, "index") and (type(recency).__module__ or "").startswith("pandas"):
        index = recency.index
    df = _frames.make_frame(kind, cols)
    if index is not None and kind == "pandas":
        df.index = index
    return df


def segment_profiles(X: Any, labels: Any, *, clv: Any = None, churn_probability: Any = None, feature_names: Optional[Sequence[str]] = None,
                     output: str = "pandas") -> Any:
    """Per-segment summaries: size, share, mean / median / z-score of every feature, a
    plain-language name, and CLV / churn aggregates when given. Returns a DataFrame with one
    row per segment.

    >>> p = segment_profiles([[1.0], [2.0], [10.0], [12.0]], [0, 0, 1, 1], feature_names=["spend"])
    >>> p["size"].tolist(), p["mean_spend"].tolist()
    ([2, 2], [1.5, 11.0])
    """
    arr = as_matrix(X)
    names = list(feature_names) if feature_names is not None else (
        list(_names_of(X)) if _names_of(X) is not None else [f"x{i}" for i in range(arr.shape[1])])
    res = _segcore._segment_profiles(
        names, arr, _labels(labels),
        None if clv is None else _frames.floats(_frames.to_numpy(clv), "clv"),
        None if churn_probability is None else _frames.floats(_frames.to_numpy(churn_probability), "churn_probability"),
    )
    segs = res["segments"]
    cols = {
        "segment": np.asarray([s["segment"] for s in segs], dtype=np.int64),
        "name": np.asarray([s["name"] for s in segs], dtype=object),
        "size": np.asarray([s["size"] for s in segs], dtype=np.int64),
        "share": np.asarray([s["share"] for s in segs]),
    }
    for key in ("clv_total", "clv_mean", "churn_mean"):
        if any(s[key] is not None for s in segs):
            cols[key] = np.asarray([np.nan if s[key] is None else s[key] for s in segs])
    for j, n in enumerate(res["features"]):
        cols[f"mean_{n}"] = np.asarray([s["mean"][j] for s in segs])
    for j, n in enumerate(res["features"]):
        cols[f"median_{n}"] = np.asarray([s["median"][j] for s in segs])
    for j, n in enumerate(res["features"]):
        cols[f"z_{n}"] = np.asarray([s["z"][j] for s in segs])
    return _frames.make_frame(output, cols)
