"""Side-by-side timings: segcore vs scikit-learn for k-means (Gaussian blobs and the CDNOW
feature matrix), sampled silhouette and mini-batch k-means.

Usage (from the repository root):
    cargo build --release -p segcore --example bench_cluster
    OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2 RAYON_NUM_THREADS=2 \
        /work/venv-ref/bin/python benches/cluster/bench_cluster.py [--reps 5]

Each task: one warm-up run of each tool, then `reps` rounds alternating scikit-learn and
segcore on the same data; the median wall time of the fit/score call alone is reported (data
generation and file loading are excluded on both sides). k-means and mini-batch k-means use a
different seed per round, and inertia is averaged over the rounds.

The CDNOW feature matrix (23,570 customers) is built by segcore (`bench_cluster cdnow-matrix`:
purchase-pattern features as of 1998-07-01, constant columns dropped, median fill, log1p on
non-negative columns, standard scaling) and written as float64 for scikit-learn to read, so
both tools cluster the very same matrix. `--tasks` picks a subset (kmeans, cdnow, silhouette,
minibatch).
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import tempfile
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_score

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = ROOT / "target" / "release" / "examples" / "bench_cluster"


def segcore(*args):
    out = subprocess.run([str(BIN), *map(str, args)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def sk_time(fn):
    t = time.perf_counter()
    r = fn()
    return time.perf_counter() - t, r


def kmeans_task(x, path, reps, k, tag):
    n, d = x.shape
    rows = []
    # warm-up
    KMeans(n_clusters=k, n_init=1, random_state=999).fit(x)
    segcore("kmeans", path, n, d, k, 999)
    for seed in range(reps):
        ts, km = sk_time(lambda: KMeans(n_clusters=k, n_init=1, random_state=seed).fit(x))
        r = segcore("kmeans", path, n, d, k, seed)
        rows.append((ts, km.inertia_, r["seconds"], r["inertia"]))
    return summarise(tag, rows)


def minibatch_task(x, path, reps, k, tag):
    n, d = x.shape
    rows = []
    MiniBatchKMeans(n_clusters=k, random_state=999).fit(x)
    segcore("minibatch", path, n, d, k, 999)
    for seed in range(reps):
        ts, km = sk_time(lambda: MiniBatchKMeans(n_clusters=k, random_state=seed).fit(x))
        r = segcore("minibatch", path, n, d, k, seed)
        rows.append((ts, km.inertia_, r["seconds"], r["inertia"]))
    return summarise(tag, rows)


def silhouette_task(x, path, labels, lpath, reps, sample, tag):
    n, d = x.shape
    rows = []
    silhouette_score(x, labels, sample_size=sample, random_state=999)
    segcore("silhouette", path, n, d, lpath, sample, 999)
    for seed in range(reps):
        ts, s = sk_time(lambda: silhouette_score(x, labels, sample_size=sample, random_state=seed))
        r = segcore("silhouette", path, n, d, lpath, sample, seed)
        rows.append((ts, s, r["seconds"], r["score"]))
    return summarise(tag, rows, value="score")


def summarise(tag, rows, value="inertia"):
    sk_t = statistics.median(r[0] for r in rows)
    sc_t = statistics.median(r[2] for r in rows)
    sk_v = statistics.mean(r[1] for r in rows)
    sc_v = statistics.mean(r[3] for r in rows)
    res = {
        "task": tag,
        "sklearn_median_s": round(sk_t, 4),
        "segcore_median_s": round(sc_t, 4),
        "speedup": round(sk_t / sc_t, 2),
        f"sklearn_mean_{value}": sk_v,
        f"segcore_mean_{value}": sc_v,
        f"{value}_ratio_segcore_over_sklearn": sc_v / sk_v,
    }
    print(json.dumps(res))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--tasks", default="kmeans,cdnow,silhouette,minibatch")
    args = ap.parse_args()
    tasks = set(args.tasks.split(","))
    if not BIN.exists():
        raise SystemExit(f"build first: cargo build --release -p segcore --example bench_cluster ({BIN})")
    print(json.dumps({
        "sklearn": sklearn.__version__, "numpy": np.__version__, "cpus": os.cpu_count(),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "RAYON_NUM_THREADS": os.environ.get("RAYON_NUM_THREADS"),
        "loadavg": os.getloadavg(),
    }))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        if tasks & {"kmeans", "silhouette"}:
            x8, _ = make_blobs(n_samples=args.n, n_features=8, centers=8, random_state=0)
            p8 = tmp / "x8.f64"
            np.ascontiguousarray(x8, dtype="<f8").tofile(p8)
        if "kmeans" in tasks:
            kmeans_task(x8, p8, args.reps, 8, "KMeans k=8 n_init=1, 1M x 8, 8 blobs")
        if "cdnow" in tasks:
            pc = tmp / "cdnow.f64"
            meta = json.loads(subprocess.run([str(BIN), "cdnow-matrix", str(pc)], check=True,
                                             capture_output=True, text=True).stdout)
            xc = np.fromfile(pc, dtype="<f8").reshape(meta["n"], meta["d"])
            print(json.dumps({"cdnow_matrix": [meta["n"], meta["d"]], "columns": meta["names"]}))
            kmeans_task(xc, pc, args.reps, 8,
                        f"KMeans k=8 n_init=1, CDNOW features {meta['n']} x {meta['d']}")
        if "silhouette" in tasks:
            labels = KMeans(n_clusters=8, n_init=1, random_state=0).fit(x8).labels_
            lp = tmp / "labels.u32"
            labels.astype("<u4").tofile(lp)
            silhouette_task(x8, p8, labels, lp, args.reps, 10_000, "silhouette, sample 10k of 1M x 8")
        if "minibatch" in tasks:
            x3, _ = make_blobs(n_samples=args.n, n_features=8, centers=3, random_state=1)
            p3 = tmp / "x3.f64"
            np.ascontiguousarray(x3, dtype="<f8").tofile(p3)
            minibatch_task(x3, p3, args.reps, 8, "MiniBatchKMeans k=8, 1M x 8, 3 blobs")

if __name__ == "__main__":
    main()
