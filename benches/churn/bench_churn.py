"""Side-by-side timing of segcore's churn models against scikit-learn.

Data: make_classification(n_samples=1_000_000, n_features=20, random_state=0); the first
800,000 rows train, the last 200,000 test. Both tools get the same float64 data.

* logistic: sklearn Pipeline(StandardScaler, LogisticRegression(C=1, solver="lbfgs",
  max_iter=1000)) vs segcore LogisticChurn (internal standardisation, Newton, C=1).
* gbt: HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=31,
  min_samples_leaf=20, early_stopping=False) vs segcore GradientBoostingChurn with the same
  settings (no validation split, no calibration).

Runs alternate (sklearn, segcore), one warm-up round, then the median of --rounds (>= 5).
segcore runs as `cargo run --release -p segcore --example bench_churn` (built first); its fit
time is measured inside the process (data loading excluded), sklearn's around .fit(); segcore's
fit CPU time (all threads) is reported too, a steadier figure on a loaded machine.
Threads: OMP_NUM_THREADS / RAYON_NUM_THREADS = --threads (default: all cores).

Usage: /work/venv-ref/bin/python benches/churn/bench_churn.py [--rounds 5] [--threads 2]
       [--models logistic,gbt]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--rounds", type=int, default=5)
ap.add_argument("--threads", type=int, default=os.cpu_count())
ap.add_argument("--models", default="logistic,gbt")
ap.add_argument("--n", type=int, default=1_000_000)
ap.add_argument("--out", default=None, help="data folder (default benches/out/churn)")
ap.add_argument("--logistic-tol", default=None,
                help="segcore LogisticChurn tol (default: segcore's 1e-10; 1e-4 = sklearn's default tol)")
args = ap.parse_args()
os.environ["OMP_NUM_THREADS"] = str(args.threads)
os.environ["RAYON_NUM_THREADS"] = str(args.threads)

import numpy as np  # noqa: E402  (after OMP_NUM_THREADS)
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
import sklearn  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = args.out or os.path.join(ROOT, "benches", "out", "churn")
os.makedirs(OUT, exist_ok=True)

X, y = make_classification(n_samples=args.n, n_features=20, random_state=0)
n_train = int(args.n * 0.8)
Xtr, Xte, ytr, yte = X[:n_train], X[n_train:], y[:n_train], y[n_train:]
np.ascontiguousarray(X, dtype="<f8").tofile(os.path.join(OUT, "x.f64"))
y.astype(np.uint8).tofile(os.path.join(OUT, "y.u8"))
with open(os.path.join(OUT, "meta.json"), "w") as f:
    json.dump({"n_train": n_train, "n_test": args.n - n_train, "d": 20}, f)

subprocess.run(
    ["cargo", "build", "--release", "-p", "segcore", "--example", "bench_churn"],
    cwd=ROOT, check=True,
)
EXE = os.path.join(ROOT, "target", "release", "examples", "bench_churn")


def sk_model(which):
    if which == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000))
    return HistGradientBoostingClassifier(
        max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20,
        early_stopping=False, random_state=0,
    )


def run_sklearn(which):
    m = sk_model(which)
    t0 = time.perf_counter()
    m.fit(Xtr, ytr)
    fit = time.perf_counter() - t0
    auc = roc_auc_score(yte, m.predict_proba(Xte)[:, 1])
    return fit, auc


def run_segcore(which):
    cmd = [EXE, OUT, which, "1"] + ([args.logistic_tol] if args.logistic_tol else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    r = json.loads(out.stdout)
    return r["fit_seconds"][0], r["test_auc"], r


load = os.getloadavg()
results = {}
for which in args.models.split(","):
    sk_t, sc_t, sc_cpu = [], [], []
    sk_auc = sc_auc = None
    info = None
    for rnd in range(args.rounds + 1):  # round 0 is the warm-up
        t, sk_auc = run_sklearn(which)
        s, sc_auc, info = run_segcore(which)
        if rnd > 0:
            sk_t.append(t)
            sc_t.append(s)
            sc_cpu.append((info.get("fit_cpu_seconds") or [None])[0])
        print(f"{which} round {rnd}: sklearn {t:.3f}s  segcore {s:.3f}s", flush=True)
    sk_med, sc_med = statistics.median(sk_t), statistics.median(sc_t)
    results[which] = {
        "sklearn_fit_median_s": sk_med,
        "segcore_fit_median_s": sc_med,
        "speedup": sk_med / sc_med,
        "sklearn_test_auc": sk_auc,
        "segcore_test_auc": sc_auc,
        "auc_diff": sc_auc - sk_auc,
        "segcore_threads": info["threads"],
        "segcore_n_iter": info["n_iter"],
        "sklearn_fit_s": sk_t,
        "segcore_fit_s": sc_t,
        "segcore_fit_cpu_s": sc_cpu,
    }
print(json.dumps({
    "segcore_logistic_tol": args.logistic_tol or "1e-10 (default)",
    "sklearn": sklearn.__version__, "numpy": np.__version__, "threads": args.threads,
    "n_train": n_train, "n_test": args.n - n_train, "loadavg_before": load,
    "loadavg_after": os.getloadavg(), "results": results,
}, indent=1))
