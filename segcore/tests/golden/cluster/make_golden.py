"""Golden vectors for segcore's cluster tests, computed with scikit-learn.

Run from this folder:  /work/venv-ref/bin/python make_golden.py
Writes scalers.json, kmeans.json, quality.json and gmm.json next to this script.
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

HERE = pathlib.Path(__file__).parent


def dump(name, obj):
    obj["sklearn_version"] = sklearn.__version__
    (HERE / name).write_text(json.dumps(obj, indent=None, separators=(",", ":")))


def tolist(a):
    return np.asarray(a).tolist()


# ---------------------------------------------------------------- scalers
rng = np.random.default_rng(7)
xs = np.column_stack([
    rng.normal(3.0, 2.0, 40),
    rng.lognormal(2.0, 1.0, 40),      # skewed money
    np.full(40, 5.0),                 # constant column
    rng.poisson(2.0, 40).astype(float),
])
dump("scalers.json", {
    "x": tolist(xs),
    "standard": tolist(StandardScaler().fit_transform(xs)),
    "standard_mean": tolist(StandardScaler().fit(xs).mean_),
    "standard_scale": tolist(StandardScaler().fit(xs).scale_),
    "robust": tolist(RobustScaler().fit_transform(xs)),
    "robust_10_90": tolist(RobustScaler(quantile_range=(10.0, 90.0)).fit_transform(xs)),
    "minmax": tolist(MinMaxScaler().fit_transform(xs)),
    "minmax_m1_1": tolist(MinMaxScaler(feature_range=(-1.0, 1.0)).fit_transform(xs)),
})

# ---------------------------------------------------------------- k-means
rng = np.random.default_rng(11)
centres_true = np.array([[0.0, 0.0, 0.0], [3.0, 3.0, 0.0], [0.0, 3.0, 3.0], [3.0, 0.0, 3.0]])
xk = np.vstack([c + rng.normal(0, 1.2, (100, 3)) for c in centres_true])
wk = rng.uniform(0.1, 3.0, len(xk))
init = xk[rng.choice(len(xk), 4, replace=False)]
cases = []
for weighted in (False, True):
    for algo in ("lloyd", "elkan"):
        for tol, max_iter in ((1e-4, 300), (0.0, 3)):
            km = KMeans(n_clusters=4, init=init, n_init=1, algorithm=algo, tol=tol, max_iter=max_iter)
            km.fit(xk, sample_weight=wk if weighted else None)
            cases.append({
                "algorithm": algo,
                "weighted": weighted,
                "tol": tol,
                "max_iter": max_iter,
                "labels": tolist(km.labels_),
                "centers": tolist(km.cluster_centers_),
                "inertia": float(km.inertia_),
                "n_iter": int(km.n_iter_),
                "predict_first10": tolist(km.predict(xk[:10])),
                "transform_first5": tolist(km.transform(xk[:5])),
            })
dump("kmeans.json", {"x": tolist(xk), "weights": tolist(wk), "init": tolist(init), "cases": cases})

# ---------------------------------------------------------------- quality
rng = np.random.default_rng(5)
xq = np.vstack([rng.normal(m, 1.0, (n, 4)) for m, n in ((0, 60), (2.5, 45), (5, 30))])
labels_a = np.repeat([0, 1, 2], [60, 45, 30])
labels_b = rng.integers(0, 4, len(xq))      # poor labels, 4 clusters
labels_b[0] = 4                              # plus a singleton cluster
qcases = []
for lab in (labels_a, labels_b):
    qcases.append({
        "labels": tolist(lab),
        "silhouette": float(silhouette_score(xq, lab)),
        "davies_bouldin": float(davies_bouldin_score(xq, lab)),
        "calinski_harabasz": float(calinski_harabasz_score(xq, lab)),
    })
dump("quality.json", {"x": tolist(xq), "cases": qcases})

# ---------------------------------------------------------------- Gaussian mixture
rng = np.random.default_rng(3)
xg = np.vstack([
    rng.multivariate_normal([0, 0], [[1.0, 0.6], [0.6, 1.0]], 70),
    rng.multivariate_normal([4, 1], [[0.5, -0.2], [-0.2, 0.8]], 50),
    rng.multivariate_normal([1, 5], [[1.5, 0.0], [0.0, 0.3]], 40),
])
means0 = np.array([[0.5, 0.5], [3.0, 0.0], [0.0, 4.0]])
weights0 = np.array([0.4, 0.3, 0.3])
gcases = []
for cov_type in ("full", "diag"):
    if cov_type == "full":
        covs0 = np.array([np.eye(2) * s for s in (1.0, 0.7, 1.3)])
        prec0 = np.array([np.linalg.inv(c) for c in covs0])
    else:
        covs0 = np.array([[1.0, 1.0], [0.7, 0.7], [1.3, 1.3]])
        prec0 = 1.0 / covs0
    gm = GaussianMixture(n_components=3, covariance_type=cov_type, tol=1e-10, max_iter=500,
                         reg_covar=1e-6, weights_init=weights0, means_init=means0,
                         precisions_init=prec0)
    gm.fit(xg)
    gcases.append({
        "covariance_type": cov_type,
        "init_covariances": tolist(covs0),
        "weights": tolist(gm.weights_),
        "means": tolist(gm.means_),
        "covariances": tolist(gm.covariances_),
        "converged": bool(gm.converged_),
        "n_iter": int(gm.n_iter_),
        "lower_bound": float(gm.lower_bound_),
        "score": float(gm.score(xg)),
        "bic": float(gm.bic(xg)),
        "aic": float(gm.aic(xg)),
        "predict": tolist(gm.predict(xg)),
        "predict_proba_first10": tolist(gm.predict_proba(xg[:10])),
    })
dump("gmm.json", {"x": tolist(xg), "init_weights": tolist(weights0), "init_means": tolist(means0),
                  "tol": 1e-10, "max_iter": 500, "reg_covar": 1e-6, "cases": gcases})
print("ok")
