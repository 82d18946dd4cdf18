"""Cost of the Python layer: ``segcore.features(df)`` from pandas / polars with string ids,
end to end, against the core's own time on the same data.

Data: the features benchmark's synthetic shop (benches/features/bench_features.py: numpy
default_rng(42), 10M transactions of 1M customers, ids "C00000042", category codes as
strings "cat7"), families purchase + preferences.

Per input kind, each run times
  * ``logs``: ``segcore.logs(df, category="category")`` — DataFrame -> native Logs: reading
    the columns (Arrow/numpy buffers), the core's Transactions::build (id interning,
    validation, category interning);
  * ``from_logs``: ``segcore.features(lg, ...)`` on those Logs — the core's feature pass plus
    the output DataFrame;
  * ``end_to_end``: ``segcore.features(df, ...)``;
and, with ``--rust`` (after ``cargo build --release -p segcore --example bench_features``),
the core alone on the same columns, as a Rust user runs it, two ways: from string ids and
category labels in memory (``Transactions::builder(..).build()`` + ``Logs::new`` +
``features::compute``, the ``build`` command of segcore/examples/bench_features.rs), and
from the same text as Arrow-style buffers (bytes + offsets: ``intern_ids``,
``categorical``, ``Transactions::builder_interned``, the ``buf`` command), no Python. The
core time is the faster of the two in each round (the buffers path since session 7).

Conversion = end_to_end - core (Rust) when --rust is given, else end_to_end - from_logs
(which charges the core's interning to the conversion: an upper bound). Runs alternate
pandas / polars (/ rust), one warm-up each, median of --reps.

    .venv/bin/python benches/python/bench_conversion.py --rows 10000000 --customers 1000000 --reps 5 --rust
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "benches", "features"))
import bench_features as bf  # noqa: E402  (data generator shared with the features bench)

import segcore  # noqa: E402

FAMILIES = ["purchase", "preferences"]


DATA_DIR = ""
KINDS: List[str] = []


def load(rows: int, customers: int) -> Dict[str, np.ndarray]:
    global DATA_DIR
    bf.generate(rows, customers)  # sets bf.OUT to the data's directory
    d = DATA_DIR = bf.OUT
    with open(os.path.join(d, "customer_str.txt")) as f:
        ids = np.asarray(f.read().split("\n")[:rows], dtype=object)
    return {
        "customer_id": ids,
        "timestamp": np.fromfile(os.path.join(d, "timestamp.i64"), "<i8").astype("datetime64[s]"),
        "amount": np.fromfile(os.path.join(d, "amount.f64"), "<f8"),
        "quantity": np.fromfile(os.path.join(d, "quantity.f64"), "<f8"),
        "category": np.fromfile(os.path.join(d, "category.u32"), "<u4"),
    }


def frames(cols: Dict[str, np.ndarray]) -> Dict[str, Any]:
    import pandas as pd
    import polars as pl

    names = np.asarray([f"cat{i}" for i in range(bf.N_CATS)], dtype=object)
    cat = names[cols["category"]]
    def pdf(dtype: str) -> Any:
        return pd.DataFrame({
            "customer_id": pd.Series(cols["customer_id"], dtype=dtype),
            "timestamp": cols["timestamp"],
            "amount": cols["amount"],
            "quantity": cols["quantity"],
            "category": pd.Series(cat, dtype=dtype),
        })

    plf = pl.DataFrame({
        "customer_id": pl.Series(cols["customer_id"].tolist(), dtype=pl.String),
        "timestamp": pl.Series(cols["timestamp"].astype("datetime64[ms]")),
        "amount": cols["amount"],
        "quantity": cols["quantity"],
        "category": pl.Series(cat.tolist(), dtype=pl.String),
    })
    out = {"pandas_object": pdf("object"), "pandas_pyarrow": pdf("string[pyarrow]"), "polars": plf}
    return {k: v for k, v in out.items() if not KINDS or k in KINDS}


def timed(f: Callable[[], Any]) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def run_python(df: Any) -> Dict[str, float]:
    out: Dict[str, float] = {}
    holder: Dict[str, Any] = {}
    as_of = np.datetime64(bf.AS_OF, "s")

    def mk_logs() -> None:
        holder["lg"] = segcore.logs(df)

    out["logs"] = timed(mk_logs)
    out["from_logs"] = timed(lambda: segcore.features(holder["lg"], as_of=as_of, families=FAMILIES))
    del holder["lg"]
    out["end_to_end"] = timed(lambda: segcore.features(df, as_of=as_of, families=FAMILIES))
    return out


class Rust:
    def __init__(self, rows: int, customers: int) -> None:
        exe = os.path.join(ROOT, "target", "release", "examples", "bench_features")
        self.p = subprocess.Popen([exe, DATA_DIR, "str"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)

    def _ask(self, cmd: str) -> Dict[str, Any]:
        assert self.p.stdin is not None and self.p.stdout is not None
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def run(self) -> Dict[str, float]:
        s = self._ask("build")
        b = self._ask("buf")
        # the core's time is the faster of the two Rust paths: from String columns, and from
        # Arrow-style buffers (bytes + offsets, what the binding hands over)
        return {"core": min(float(s["total_s"]), float(b["total_s"])),
                "core_strings": float(s["total_s"]), "core_buffers": float(b["total_s"]),
                "build": float(s["build_s"]), "build_buffers": float(b["build_s"]),
                "features": float(s["features_s"])}

    def close(self) -> None:
        assert self.p.stdin is not None
        self.p.stdin.write("quit\n")
        self.p.stdin.flush()
        self.p.wait()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--rust", action="store_true", help="also time the core alone (Rust example)")
    ap.add_argument("--kinds", default="", help="comma-separated subset of pandas_object,pandas_pyarrow,polars")
    a = ap.parse_args()
    KINDS[:] = [k for k in a.kinds.split(",") if k]
    print(f"load average at start: {os.getloadavg()}", flush=True)
    cols = load(a.rows, a.customers)
    dfs = frames(cols)
    del cols
    rust = Rust(a.rows, a.customers) if a.rust else None
    samples: Dict[str, List[Dict[str, float]]] = {k: [] for k in [*dfs, *(["rust"] if rust else [])]}
    for rep in range(a.reps + 1):  # the first round is the warm-up
        for kind, df in dfs.items():
            r = run_python(df)
            if rep:
                samples[kind].append(r)
            print(f"round {rep} {kind}: " + ", ".join(f"{k}={v:.3f}s" for k, v in r.items()), flush=True)
        if rust is not None:
            r = rust.run()
            if rep:
                samples["rust"].append(r)
            print(f"round {rep} rust: " + ", ".join(f"{k}={v:.3f}s" for k, v in r.items()), flush=True)
    if rust is not None:
        rust.close()
    med = {k: {m: statistics.median(s[m] for s in v) for m in v[0]} for k, v in samples.items()}
    print(f"\nmedians of {a.reps} runs, {a.rows:,} rows, {a.customers:,} customers, string ids")
    for kind in dfs:
        m = med[kind]
        core = med["rust"]["core"] if rust is not None else m["from_logs"]
        conv = m["end_to_end"] - core
        print(f"{kind:14s} end_to_end {m['end_to_end']:.3f}s  logs {m['logs']:.3f}s  from_logs {m['from_logs']:.3f}s"
              f"  core {core:.3f}s ({'rust' if rust else 'from_logs'})  conversion {conv:.3f}s = {100 * conv / core:.0f}% of core")
    print(f"load average at end: {os.getloadavg()}")
    print(json.dumps(med))


if __name__ == "__main__":
    main()
