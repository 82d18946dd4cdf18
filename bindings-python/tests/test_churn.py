"""Churn: logistic regression vs scikit-learn goldens, boosted trees vs sklearn's AUC,
metrics vs sklearn, explanations, sklearn protocol and model files."""

import json
import os

import numpy as np
import pandas as pd
import pytest

import segcore
from segcore import churn


@pytest.fixture(scope="module")
def gdir(golden_dir):
    return os.path.join(golden_dir, "churn")


def load_json(gdir, name):
    with open(os.path.join(gdir, name)) as f:
        return json.load(f)


@pytest.mark.parametrize("case", range(4))
def test_logistic_matches_sklearn(gdir, case):
    c = load_json(gdir, "logistic.json")["cases"][case]
    data = pd.read_csv(os.path.join(gdir, "logistic_data.csv"))
    X, y = data[[f"x{i}" for i in range(6)]], data["y"]
    cw = c["class_weight"]
    if isinstance(cw, dict):
        cw = {0: cw["neg"], 1: cw["pos"]}
    m = segcore.LogisticChurn(C=c["C"], class_weight=cw)
    m.fit(X, y, sample_weight=data["w"] if c["sample_weight"] else None)
    np.testing.assert_allclose(m.coef_[0], c["coef_original"], rtol=1e-5, atol=1e-8)
    assert m.intercept_[0] == pytest.approx(c["intercept_original"], rel=1e-5)
    np.testing.assert_allclose(m.churn_probability(X), c["proba"], rtol=1e-5, atol=1e-8)
    proba = m.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(m.classes_) == [0, 1]
    assert set(np.unique(m.predict(X))) <= {0, 1}
    assert list(m.feature_names_in_) == [f"x{i}" for i in range(6)]


@pytest.mark.parametrize("train, test, key", [("gbt_train_full.csv", "gbt_test_full.csv", "test_auc"),
                                              ("gbt_train.csv", "gbt_test.csv", "test_auc_missing")])
def test_gradient_boosting_auc_matches_sklearn(gdir, train, test, key):
    g = load_json(gdir, "gbt.json")
    tr = pd.read_csv(os.path.join(gdir, train))
    te = pd.read_csv(os.path.join(gdir, test))
    feats = [c for c in tr.columns if c != "y"]
    m = segcore.GradientBoostingChurn(max_iter=100, early_stopping=False, validation_fraction=None,
                                      calibration="none", random_state=0)
    m.fit(tr[feats], tr["y"].astype(bool))
    assert m.n_iter_ == 100
    auc = churn.roc_auc_score(te["y"], m.churn_probability(te[feats]))
    assert abs(auc - g[key]) < 0.01
    imp = m.feature_importances_
    assert imp.shape == (len(feats),) and imp.sum() == pytest.approx(1.0)
    shap = m.shap_values(te[feats].head(20))
    np.testing.assert_allclose(shap.sum(axis=1) + m.expected_value_, m.decision_function(te[feats].head(20)), atol=1e-9)


def test_metrics_match_sklearn_golden(gdir):
    d = load_json(gdir, "metrics.json")
    y, s, p = np.array(d["y"]), np.array(d["scores"]), np.array(d["proba"])
    assert churn.roc_auc_score(y, s) == pytest.approx(d["roc_auc_scores"], rel=1e-12)
    assert churn.average_precision_score(y, s) == pytest.approx(d["average_precision_scores"], rel=1e-12)
    assert churn.roc_auc_score(y, p) == pytest.approx(d["roc_auc_proba"], rel=1e-12)
    assert churn.log_loss(y, p) == pytest.approx(d["log_loss"], rel=1e-12)
    assert churn.brier_score_loss(y, p) == pytest.approx(d["brier_score"], rel=1e-12)
    lift = churn.lift_at(y, s, 0.1)
    assert lift["n_selected"] == 30 and lift["lift"] == pytest.approx(lift["churn_rate"] / y.mean())
    table = churn.calibration_table(y, p)
    assert table["count"].sum() == 300


def test_explanations_and_protocol(gdir, tmp_path):
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score

    data = pd.read_csv(os.path.join(gdir, "logistic_data.csv"))
    X, y = data[[f"x{i}" for i in range(6)]], data["y"]
    m = segcore.LogisticChurn(C=0.5).fit(X, y)
    ex = m.explain(X.head(5), top_k=2)
    assert list(ex.index) == list(X.index[:5])
    np.testing.assert_allclose(ex["churn_probability"], m.churn_probability(X.head(5)))
    assert set(ex["risk_band"]) <= {"low", "medium", "high"}
    assert set(ex["driver_1"]) <= set(X.columns)
    assert (ex["driver_1_contribution"].abs() >= ex["driver_2_contribution"].abs()).all()
    c = clone(m)
    assert c.get_params() == m.get_params() and "coef_" not in c.__dict__
    scores = cross_val_score(segcore.LogisticChurn(), X, y, cv=3, scoring="roc_auc")
    assert scores.shape == (3,) and (scores > 0.6).all()
    m.save(tmp_path / "lr.json")
    back = segcore.load(tmp_path / "lr.json")
    assert type(back) is segcore.LogisticChurn
    np.testing.assert_array_equal(back.churn_probability(X), m.churn_probability(X))
    gb = segcore.GradientBoostingChurn(max_iter=20, random_state=0).fit(X, y)
    gb.save(tmp_path / "gb.json")
    np.testing.assert_array_equal(segcore.load(tmp_path / "gb.json").churn_probability(X), gb.churn_probability(X))


def test_churn_errors():
    X = np.array([[0.0], [1.0], [2.0]])
    with pytest.raises(segcore.InvalidParameterError) as ei:
        segcore.LogisticChurn().fit(X, [0, 1, 2])
    assert ei.value.name == "y"
    with pytest.raises(segcore.InvalidParameterError) as ei:
        segcore.LogisticChurn(C=-1.0).fit(X, [0, 1, 1])
    assert ei.value.code == "INVALID_PARAMETER"
    with pytest.raises(segcore.NotFittedError):
        segcore.GradientBoostingChurn().predict(X)
