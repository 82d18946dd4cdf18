"""Conservative CDNOW KMeans ratio: for each of 5 seeds, the fastest of `--reps` fits of each
tool (alternating), then the ratio of the summed minima. scikit-learn's time at this size
swings 5x between fits (its OpenMP threads' state), which the median in bench_cluster.py
keeps; the minimum takes scikit-learn's best case.

    cargo build --release -p segcore --example bench_cluster
    target/release/examples/bench_cluster cdnow-matrix /tmp/cdnow.f64
    OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 RAYON_NUM_THREADS=2 \
        python benches/cluster/bench_cdnow_min.py /tmp/cdnow.f64 --reps 5
"""

import argparse
import json
import subprocess
import time

import numpy as np
from sklearn.cluster import KMeans

ap = argparse.ArgumentParser()
ap.add_argument("matrix")
ap.add_argument("--reps", type=int, default=5)
ap.add_argument("--bin", default="target/release/examples/bench_cluster")
a = ap.parse_args()
n, d = 23570, 18
x = np.fromfile(a.matrix, dtype="<f8").reshape(n, d)
KMeans(8, n_init=1, random_state=9).fit(x)  # warm-up
sk = {s: [] for s in range(5)}
sg = {s: [] for s in range(5)}
for _ in range(a.reps):
    for s in range(5):
        t = time.perf_counter()
        KMeans(8, n_init=1, random_state=s).fit(x)
        sk[s].append(time.perf_counter() - t)
        cmd = [a.bin, "kmeans", a.matrix, str(n), str(d), "8", str(s)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        sg[s].append(json.loads(out)["seconds"])
ks, gs = (sum(min(v) for v in t.values()) for t in (sk, sg))
print(json.dumps({
    "task": "KMeans k=8 n_init=1, CDNOW, sum over seeds 0-4 of the fastest fit",
    "sklearn_s": round(ks, 4), "segcore_s": round(gs, 4), "speedup": round(ks / gs, 2),
    "sklearn_min_per_seed": [round(min(v), 4) for v in sk.values()],
    "segcore_min_per_seed": [round(min(v), 4) for v in sg.values()],
}))
