"""Golden vectors for segcore's churn module, from scikit-learn.

Run with: /work/venv-ref/bin/python segcore/tests/golden/churn/make_golden.py
Writes, next to this script:
  logistic_data.csv   features x0..x5, y (0/1), w (sample weight)
  logistic.json       coefficients (standardised and original scale), intercepts, probabilities
  metrics.json        y, scores (with ties), probabilities and sklearn's metric values
  gbt_train.csv / gbt_test.csv   make_classification data (x0..x9, y), some NaN in x0, x3
  gbt.json            HistGradientBoostingClassifier test AUCs
"""
import json
import os

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    log_loss,
    roc_auc_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))


def fmt(v):
    return repr(float(v))


def write_csv(path, X, y, extra=None):
    cols = [f"x{j}" for j in range(X.shape[1])] + ["y"] + ([extra[0]] if extra else [])
    with open(path, "w") as f:
        f.write(",".join(cols) + "\n")
        for i in range(X.shape[0]):
            row = ["" if np.isnan(v) else fmt(v) for v in X[i]] + [str(int(y[i]))]
            if extra:
                row.append(fmt(extra[1][i]))
            f.write(",".join(row) + "\n")


# ---------------------------------------------------------------- logistic
X, y = make_classification(
    n_samples=400, n_features=6, n_informative=4, n_redundant=1,
    weights=[0.75, 0.25], flip_y=0.05, random_state=42,
)
# features on very different scales, as behavioural features are
X = X * np.array([1.0, 10.0, 0.1, 250.0, 3.0, 1.0]) + np.array([0.0, 50.0, -2.0, 1000.0, 0.0, 7.0])
rng = np.random.default_rng(7)
w = rng.uniform(0.5, 2.0, size=len(y))
write_csv(os.path.join(HERE, "logistic_data.csv"), X, y, ("w", w))

cases = []
for name, C, cw, sw in [
    ("c1", 1.0, None, None),
    ("c0.05_balanced", 0.05, "balanced", None),
    ("c10_weighted", 10.0, None, w),
    ("c0.5_given", 0.5, {0: 1.0, 1: 3.0}, None),
]:
    pipe = make_pipeline(
        StandardScaler(),
        LogisticRegression(C=C, class_weight=cw, solver="newton-cholesky", tol=1e-14, max_iter=10000),
    )
    # the weights standardise too (a row of weight 2 is two copies of it), as segcore does
    pipe.fit(X, y, standardscaler__sample_weight=sw, logisticregression__sample_weight=sw)
    sc, lr = pipe[0], pipe[1]
    coef = lr.coef_[0]
    cases.append({
        "name": name,
        "C": C,
        "class_weight": cw if not isinstance(cw, dict) else {"neg": cw[0], "pos": cw[1]},
        "sample_weight": sw is not None,
        "coef": coef.tolist(),
        "intercept": float(lr.intercept_[0]),
        "coef_original": (coef / sc.scale_).tolist(),
        "intercept_original": float(lr.intercept_[0] - np.sum(coef * sc.mean_ / sc.scale_)),
        "mean": sc.mean_.tolist(),
        "scale": sc.scale_.tolist(),
        "proba": pipe.predict_proba(X)[:, 1].tolist(),
    })
with open(os.path.join(HERE, "logistic.json"), "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f, indent=1)

# ---------------------------------------------------------------- metrics
rng = np.random.default_rng(3)
n = 300
ym = rng.random(n) < 0.3
# scores rounded to one decimal: many ties
scores = np.round(np.clip(0.3 * ym + rng.normal(0.4, 0.2, n), 0, 1), 1)
proba = np.clip(0.25 * ym + rng.beta(2, 4, n), 0, 1)
proba[:3] = [0.0, 1.0, 1.0]  # exercises clipping in log loss
ym[:3] = [True, False, True]
metrics = {
    "y": ym.astype(int).tolist(),
    "scores": scores.tolist(),
    "proba": proba.tolist(),
    "roc_auc_scores": roc_auc_score(ym, scores),
    "average_precision_scores": average_precision_score(ym, scores),
    "roc_auc_proba": roc_auc_score(ym, proba),
    "average_precision_proba": average_precision_score(ym, proba),
    "log_loss": log_loss(ym, proba),
    "brier_score": brier_score_loss(ym, proba),
}
with open(os.path.join(HERE, "metrics.json"), "w") as f:
    json.dump(metrics, f, indent=1)

# ---------------------------------------------------------------- gbt
X, y = make_classification(
    n_samples=6000, n_features=10, n_informative=6, n_redundant=2,
    flip_y=0.03, class_sep=0.8, random_state=0,
)
X = np.vectorize(lambda v: float(f"{v:.6g}"))(X)  # 6 significant digits: smaller CSVs, same data for both
Xtr, Xte, ytr, yte = X[:4000], X[4000:], y[:4000], y[4000:]
out = {"sklearn": sklearn.__version__}
settings = dict(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20,
                l2_regularization=0.0, max_bins=255, early_stopping=False, random_state=0)
out["settings"] = settings
m = HistGradientBoostingClassifier(**settings).fit(Xtr, ytr)
out["test_auc"] = roc_auc_score(yte, m.predict_proba(Xte)[:, 1])
# same data with missing values in two features (not at random: more missing among churners)
rng = np.random.default_rng(11)
Xm = X.copy()
Xm[rng.random(len(y)) < 0.15 + 0.2 * y, 0] = np.nan
Xm[rng.random(len(y)) < 0.10, 3] = np.nan
Xmtr, Xmte = Xm[:4000], Xm[4000:]
m = HistGradientBoostingClassifier(**settings).fit(Xmtr, ytr)
out["test_auc_missing"] = roc_auc_score(yte, m.predict_proba(Xmte)[:, 1])
write_csv(os.path.join(HERE, "gbt_train.csv"), Xmtr, ytr)
write_csv(os.path.join(HERE, "gbt_test.csv"), Xmte, yte)
write_csv(os.path.join(HERE, "gbt_train_full.csv"), Xtr, ytr)
write_csv(os.path.join(HERE, "gbt_test_full.csv"), Xte, yte)
with open(os.path.join(HERE, "gbt.json"), "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps({k: v for k, v in out.items()}, indent=1))
print("logistic", [c["coef"][:2] for c in cases])
