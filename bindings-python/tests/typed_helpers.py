"""Typed helpers shared by the tests (checked with ``mypy --strict`` in ``make test``)."""

from __future__ import annotations

import io
import pickle
from typing import Any, Callable, Iterator, Tuple, TypeVar

import joblib  # type: ignore[import-untyped]
import numpy as np
import numpy.typing as npt

T = TypeVar("T")


def blobs(n: int, d: int = 4, seed: int = 0, n_centres: int = 6) -> npt.NDArray[np.float64]:
    """``n`` rows around ``n_centres`` well separated centres (seeded)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=5.0, size=(n_centres, d))
    out: npt.NDArray[np.float64] = centres[rng.integers(0, n_centres, n)] + rng.normal(size=(n, d))
    return out


def binary_problem(n: int = 600, d: int = 4, seed: int = 0) -> Tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """A noisy linear binary problem: ``X`` and boolean labels."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y: npt.NDArray[np.bool_] = X[:, 0] - 0.5 * X[:, 1] + rng.normal(scale=0.7, size=n) > 0
    return X, y


def round_trips(obj: T) -> Iterator[Tuple[str, T]]:
    """``obj`` after a pickle round trip and after a joblib round trip."""
    back: T = pickle.loads(pickle.dumps(obj))
    yield "pickle", back
    buf = io.BytesIO()
    joblib.dump(obj, buf)
    buf.seek(0)
    loaded: T = joblib.load(buf)
    yield "joblib", loaded


def same_predictions(a: Any, b: Any, predict: Callable[[Any], npt.NDArray[np.float64]]) -> bool:
    """Whether two models predict exactly the same values."""
    return bool(np.array_equal(predict(a), predict(b)))
