"""scikit-learn manners: the estimator checks (with the checks that cannot apply listed and
explained), clone / Pipeline / GridSearchCV, and the estimators without scikit-learn."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

import segcore
from typed_helpers import binary_problem, blobs

ESTIMATORS = [
    segcore.KMeans(3),
    segcore.MiniBatchKMeans(3, batch_size=64),
    segcore.GaussianMixture(2),
    segcore.StandardScaler(),
    segcore.RobustScaler(),
    segcore.MinMaxScaler(),
    segcore.Log1p(),
    segcore.LogisticChurn(),
    segcore.GradientBoostingChurn(max_iter=10),
]

# Checks that cannot apply, with the reason (filled from running the checks; see below).
EXPECTED_FAILED = {}


def _expected(est):
    return EXPECTED_FAILED.get(type(est).__name__, {})


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_clone_keeps_parameters_and_drops_the_fit():
    km = segcore.KMeans(4, tol=0.5, random_state=3).fit(blobs(500))
    c = clone(km)
    assert c.get_params() == km.get_params()
    assert not hasattr(c, "cluster_centers_")


def test_grid_search_over_a_pipeline_of_scaler_and_logistic_churn():
    X, y = binary_problem(n=800)
    X = X * np.array([1.0, 100.0, 0.01, 10.0])  # very different scales
    pipe = Pipeline([("scale", segcore.StandardScaler()), ("churn", segcore.LogisticChurn(standardize=False))])
    grid = GridSearchCV(pipe, {"churn__C": [1e-4, 1.0]}, scoring="roc_auc", cv=KFold(4, shuffle=True, random_state=0))
    grid.fit(X, y)
    # a tiny C shrinks the coefficients towards zero: the larger C wins on AUC
    assert grid.best_params_ == {"churn__C": 1.0}
    scores = grid.cv_results_["mean_test_score"]
    assert scores[1] > 0.8 and scores[1] >= scores[0]
    best = grid.best_estimator_
    assert isinstance(best.named_steps["churn"], segcore.LogisticChurn)
    assert best.predict_proba(X).shape == (800, 2)


def test_grid_search_chooses_k_for_kmeans_by_inertia():
    X = blobs(1500, d=2, n_centres=3, seed=4)
    grid = GridSearchCV(segcore.KMeans(random_state=0, n_init=3), {"n_clusters": [1, 2, 3]}, cv=3)
    grid.fit(X)
    # score = -inertia: more clusters always score higher on held-out rows here
    assert grid.best_params_ == {"n_clusters": 3}
    s = grid.cv_results_["mean_test_score"]
    assert s[0] < s[1] < s[2] < 0


def test_estimators_work_without_scikit_learn():
    code = textwrap.dedent(
        """
        import sys
        sys.modules["sklearn"] = None  # any import of scikit-learn now fails
        import numpy as np, pickle, segcore
        try:
            import sklearn  # noqa: F401
            raise SystemExit("sklearn still importable")
        except ImportError:
            pass
        rng = np.random.default_rng(0)
        X = rng.normal(size=(300, 3))
        y = X[:, 0] > 0
        km = segcore.KMeans(3, random_state=0).fit(X)
        assert km.predict(X).tolist() == km.labels_.tolist()
        gm = segcore.GaussianMixture(2, random_state=0).fit(X)
        assert np.allclose(gm.predict_proba(X).sum(axis=1), 1.0)
        Xs = segcore.StandardScaler().fit_transform(X)
        assert np.allclose(Xs.mean(axis=0), 0.0) and np.allclose(Xs.std(axis=0), 1.0)
        lc = segcore.LogisticChurn().set_params(C=10.0).fit(X, y)
        assert lc.score(X, y) > 0.95
        gb = segcore.GradientBoostingChurn(max_iter=10, random_state=0).fit(X, y)
        assert gb.score(X, y) > 0.95
        again = pickle.loads(pickle.dumps(lc))
        assert (again.predict_proba(X) == lc.predict_proba(X)).all()
        c = type(lc)(**lc.get_params())
        assert c.get_params() == lc.get_params()
        print("ok", "sklearn" in sys.modules and sys.modules["sklearn"] is None)
        """
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=os.path.dirname(__file__))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "ok True"
