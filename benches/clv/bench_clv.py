"""Side-by-side CLV benchmark: lifetimes 0.11.3 vs segcore (Rust, release build).

Usage (from the repository root):
    cargo build --release -p segcore --example bench_clv
    /work/venv-lifetimes/bin/python benches/clv/bench_clv.py [--reps 5] [--lifetimes-reps 3]

Data: simulated with segcore's seeded simulator (bench_clv simulate), whole days:
  BG/NBD 1,000,000 customers (ages 30..365 days) and Pareto/NBD 100,000 customers, with
  Gamma-Gamma spend. Both tools read the same CSV; timings exclude reading it.
Each round runs lifetimes once, then segcore (one warm-up + reps timed runs in one process);
medians are reported. segcore uses rayon with all cores; lifetimes/numpy single-threaded.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "target", "release", "examples", "bench_clv")
OUT = os.path.join(ROOT, "benches", "out", "clv")

BG = dict(r=0.2426, alpha=4.4137 * 7.0, a=0.7930, b=2.4262)
GG = dict(p=6.25, q=3.74, v=15.44)


def run(*args):
    res = subprocess.run([BIN, *map(str, args)], check=True, capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def lifetimes_fit(kind, df):
    from lifetimes import BetaGeoFitter, ParetoNBDFitter
    t0 = time.perf_counter()
    if kind == "bg":
        f = BetaGeoFitter().fit(df["frequency"], df["recency"], df["T"])
        params = [f.params_[k] for k in ("r", "alpha", "a", "b")]
    else:
        f = ParetoNBDFitter().fit(df["frequency"], df["recency"], df["T"])
        params = [f.params_[k] for k in ("r", "alpha", "s", "beta")]
    return time.perf_counter() - t0, params


def lifetimes_score(df):
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    bg = BetaGeoFitter()
    bg.params_ = pd.Series(BG)
    bg.predict = bg.conditional_expected_number_of_purchases_up_to_time
    gg = GammaGammaFitter()
    gg.params_ = pd.Series(GG)
    x, tx, T, m = df["frequency"], df["recency"], df["T"], df["monetary_value"]
    t0 = time.perf_counter()
    p = bg.conditional_probability_alive(x, tx, T)
    e = bg.conditional_expected_number_of_purchases_up_to_time(30.0, x, tx, T)
    v = gg.customer_lifetime_value(bg, x, tx, T, m, time=12, discount_rate=0.01, freq="D")
    dt = time.perf_counter() - t0
    return dt, [float(np.sum(p)), float(np.sum(e)), float(np.sum(v))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5, help="segcore timed runs per round")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    ap.add_argument("--only", default="fit_bg,fit_pareto,score")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    bg_csv, pn_csv = os.path.join(OUT, "bg_1m.csv"), os.path.join(OUT, "pn_100k.csv")
    if not os.path.exists(bg_csv):
        print("simulate", run("simulate", "bg", 1_000_000, bg_csv, 1), flush=True)
    if not os.path.exists(pn_csv):
        print("simulate", run("simulate", "pareto", 100_000, pn_csv, 2), flush=True)
    data = {"bg": pd.read_csv(bg_csv), "pareto": pd.read_csv(pn_csv)}
    print("load average", os.getloadavg(), "cores", os.cpu_count(), flush=True)
    results = {}
    for task in args.only.split(","):
        lt, sc, extra = [], [], {}
        for _ in range(args.rounds):
            if task == "score":
                dt, sums = lifetimes_score(data["bg"])
                r = run("score", bg_csv, args.reps)
                extra = {"lifetimes_sums": sums, "segcore_sums": r["sums"]}
            else:
                kind = task.split("_")[1]
                dt, params = lifetimes_fit(kind, data[kind])
                r = run("fit", kind, bg_csv if kind == "bg" else pn_csv, args.reps)
                rel = [abs(a - b) / abs(b) for a, b in zip(r["params"], params)]
                extra = {"lifetimes_params": params, "segcore_params": r["params"], "max_rel_diff": max(rel)}
            lt.append(dt)
            sc.append(r["median_s"])
            print(task, "lifetimes %.3fs" % dt, "segcore %.4fs" % r["median_s"], flush=True)
        res = {"lifetimes_median_s": statistics.median(lt), "segcore_median_s": statistics.median(sc),
               "lifetimes_runs": len(lt), "speedup": statistics.median(lt) / statistics.median(sc), **extra}
        results[task] = res
        print(task, json.dumps(res), flush=True)
    print("load average", os.getloadavg(), flush=True)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    sys.exit(main())
