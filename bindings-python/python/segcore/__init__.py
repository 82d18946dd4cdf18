"""segcore: behavioural segmentation for e-commerce on a Rust engine.

Shop logs in (pandas, polars, pyarrow or dicts of arrays), per-customer features, segments,
customer lifetime value and churn risk out. Importing segcore is cheap: pandas, polars and
pyarrow are imported only when a function needs them.

>>> import segcore
>>> tx = segcore.datasets.cdnow_sample()               # doctest: +SKIP
>>> lg = segcore.logs(tx)                               # doctest: +SKIP
"""

from __future__ import annotations

from . import _segcore
from ._segcore import (
    ConvergenceError,
    CsvError,
    EmptyInputError,
    InvalidParameterError,
    InvalidValueError,
    LengthMismatchError,
    Logs,
    ModelFileError,
    NumericalError,
    SegcoreError,
    SegcoreIOError,
    ShapeError,
    UnitMismatchError,
    UnknownCustomerError,
)
from ._logs import logs
from ._features import features
from . import datasets

__version__: str = _segcore.__version__

__all__ = [
    "__version__",
    "datasets",
    "logs",
    "features",
    "Logs",
    "SegcoreError",
    "InvalidValueError",
    "LengthMismatchError",
    "EmptyInputError",
    "CsvError",
    "SegcoreIOError",
    "InvalidParameterError",
    "ShapeError",
    "ConvergenceError",
    "NumericalError",
    "UnitMismatchError",
    "ModelFileError",
    "UnknownCustomerError",
]
