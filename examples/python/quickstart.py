"""segcore quickstart: CLV, segments and churn on the bundled CDNOW data (typed; checked
with ``mypy --strict`` and run by ``make test``).

Run: ``python examples/python/quickstart.py``
"""

from __future__ import annotations

import pickle

import numpy as np
import numpy.typing as npt
import pandas as pd

import segcore


def clv_table(summary: pd.DataFrame) -> pd.DataFrame:
    """BG/NBD + Gamma-Gamma on a lifetimes-style RFM summary (weeks)."""
    bg = segcore.BetaGeo(unit="W").fit(summary["x"], summary["t_x"], summary["T"])
    out = pd.DataFrame(index=summary.index)
    out["p_alive"] = bg.p_alive(summary["x"], summary["t_x"], summary["T"])
    out["expected_39w"] = bg.conditional_expected_purchases(39.0, summary["x"], summary["t_x"], summary["T"])
    print(f"BG/NBD params: { {k: round(v, 4) for k, v in bg.params_.items()} }")
    return out


def segments(X: npt.NDArray[np.float64], k: int = 4) -> npt.NDArray[np.int64]:
    """Standardise, cluster with k-means and report the silhouette."""
    Xs = segcore.StandardScaler().fit_transform(X)
    km = segcore.KMeans(k, n_init=3, random_state=0).fit(Xs)
    labels: npt.NDArray[np.int64] = km.labels_
    print(f"k-means: k={k}, inertia={km.inertia_:.1f}, "
          f"silhouette={segcore.silhouette_score(Xs, labels, sample_size=1000, random_state=0):.3f}")
    return labels


def churn(X: npt.NDArray[np.float64], y: npt.NDArray[np.bool_]) -> float:
    """Logistic churn model; its AUC on the training rows, after a pickle round trip."""
    model = segcore.LogisticChurn(C=1.0).fit(X, y)
    again: segcore.LogisticChurn = pickle.loads(pickle.dumps(model))
    proba = again.churn_probability(X)
    assert np.array_equal(proba, model.churn_probability(X))
    return segcore.churn.roc_auc_score(y, proba)


def main() -> None:
    summary = segcore.datasets.cdnow_summary()
    table = clv_table(summary)
    print(table.describe().loc[["mean", "max"]].round(3).to_string())
    X = np.column_stack([summary["x"], summary["t_x"], summary["T"]]).astype(np.float64)
    labels = segments(X)
    print("segment sizes:", np.bincount(labels).tolist())
    # "churned": no repeat purchase in the last 13 weeks of observation
    y = (summary["T"] - summary["t_x"] > 13.0).to_numpy()
    auc = churn(X[:, :1], y)
    print(f"churn AUC from frequency alone: {auc:.3f}")


if __name__ == "__main__":
    main()
