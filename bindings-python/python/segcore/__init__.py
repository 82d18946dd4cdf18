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
    CancelledError,
    ConvergenceError,
    CsvError,
    EmptyInputError,
    InvalidParameterError,
    InvalidValueError,
    LengthMismatchError,
    Logs,
    ModelFileError,
    ModelVersionError,
    NumericalError,
    SegcoreError,
    SegcoreIOError,
    ShapeError,
    UnitMismatchError,
    UnknownCustomerError,
)
from ._logs import logs, read_events, read_feedback, read_transactions
from ._features import features
from . import analytics, datasets
from .analytics import cohorts, funnel
from .analytics import (
    ab_test,
    abandoned_carts,
    cart_funnel,
    channel_value,
    co_purchase,
    cohort_retention,
    experiment_by_segment,
    funnel_anomalies,
    funnel_loops,
    next_best_action,
    popular_by_segment,
    pseudonymise,
    recommend,
    suppress_small,
)
from ._base import NotFittedError, load, loads
from .cluster import (
    GaussianMixture,
    KMeans,
    MiniBatchKMeans,
    MinMaxScaler,
    RobustScaler,
    StandardScaler,
    calinski_harabasz_score,
    choose_k,
    davies_bouldin_score,
    rfm_segments,
    segment_profiles,
    silhouette_samples,
    silhouette_score,
)
from .churn import GradientBoostingChurn, LogisticChurn
from . import churn
from .pipeline import DynamicSegmentation, Segmenter, Transitions, segment_transitions
from .clv import BetaGeo, BetaGeoBetaBinom, GammaGamma, ModifiedBetaGeo, ParetoNBD, rfm_summary

__version__: str = _segcore.__version__

__all__ = [
    "__version__",
    "datasets",
    "analytics",
    "cohorts",
    "funnel",
    "cart_funnel",
    "funnel_anomalies",
    "funnel_loops",
    "abandoned_carts",
    "cohort_retention",
    "channel_value",
    "ab_test",
    "experiment_by_segment",
    "co_purchase",
    "recommend",
    "popular_by_segment",
    "next_best_action",
    "pseudonymise",
    "suppress_small",
    "logs",
    "read_transactions",
    "read_events",
    "read_feedback",
    "features",
    "Logs",
    "load",
    "loads",
    "rfm_summary",
    "BetaGeo",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "BetaGeoBetaBinom",
    "GammaGamma",
    "NotFittedError",
    "Segmenter",
    "DynamicSegmentation",
    "segment_transitions",
    "Transitions",
    "churn",
    "LogisticChurn",
    "GradientBoostingChurn",
    "KMeans",
    "MiniBatchKMeans",
    "GaussianMixture",
    "StandardScaler",
    "RobustScaler",
    "MinMaxScaler",
    "silhouette_score",
    "silhouette_samples",
    "davies_bouldin_score",
    "calinski_harabasz_score",
    "choose_k",
    "rfm_segments",
    "segment_profiles",
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
    "ModelVersionError",
    "UnknownCustomerError",
    "CancelledError",
]

from ._report import Report, segment
from ._churn_data import churn_dataset, churn_datasets
from . import plotting

__all__ += ["segment", "Report", "churn_dataset", "churn_datasets", "plotting"]

# --- pymanners: the Log1p transform (core cluster::scale::Log1p)
from .cluster import Log1p  # noqa: E402

__all__ += ["Log1p"]
