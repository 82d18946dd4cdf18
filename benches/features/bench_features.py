"""segcore features vs polars lazy group_by: purchase pattern + category shares.

    /work/venv-ref/bin/python benches/features/bench_features.py [--rows 10000000]
        [--customers 1000000] [--reps 5] [--threads 2]

Generates seeded synthetic transactions (numpy default_rng(42)), writes the columns as raw
little-endian files under benches/out/features/ (both sides read them; I/O is not timed),
then, for integer ids and for string ids, alternates one polars run and one segcore run
(cargo example `bench_features`, driven over stdin) after a warm-up of each, and prints the
median times and the ratio. segcore's time includes id interning (CustomerIndex::build) plus
features::compute; polars' time is the lazy plan's collect from an in-memory DataFrame
(its group_by hashes the ids itself). Peak memory: each side resets its peak RSS
(/proc/self/clear_refs) before a run and reads VmHWM after it.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "benches", "out", "features")  # + /<rows>_<customers>
AS_OF = 1_700_000_000
DAY = 86_400
N_CATS = 20


def data_dir(rows, customers):
    return os.path.join(OUT, f"{rows}_{customers}")


def generate(rows, customers):
    global OUT
    OUT = data_dir(rows, customers)
    os.makedirs(OUT, exist_ok=True)
    stamp = os.path.join(OUT, "complete")
    if os.path.exists(stamp):
        return
    rng = np.random.default_rng(42)
    cust = rng.integers(0, customers, rows)
    ids = cust * 7 + 1_000_003
    ids.astype("<i8").tofile(os.path.join(OUT, "customer_int.i64"))
    with open(os.path.join(OUT, "customer_str.txt"), "w") as f:
        f.write("\n".join(f"C{c:08d}" for c in cust.tolist()))
        f.write("\n")
    # three years before the cutoff, 1% of rows after it
    ts = AS_OF - rng.integers(0, 3 * 365 * DAY, rows)
    late = rng.random(rows) < 0.01
    ts[late] = AS_OF + rng.integers(1, 30 * DAY, late.sum())
    ts.astype("<i8").tofile(os.path.join(OUT, "timestamp.i64"))
    amount = np.round(rng.lognormal(3.0, 1.0, rows), 2)
    ret = rng.random(rows) < 0.03
    amount[ret] = -amount[ret]
    amount.astype("<f8").tofile(os.path.join(OUT, "amount.f64"))
    rng.integers(1, 6, rows).astype("<f8").tofile(os.path.join(OUT, "quantity.f64"))
    p = 1.0 / np.arange(1, N_CATS + 1)
    rng.choice(N_CATS, rows, p=p / p.sum()).astype("<u4").tofile(
        os.path.join(OUT, "category.u32")
    )
    open(stamp, "w").close()


def load_polars(kind):
    import polars as pl

    if kind == "int":
        cust = pl.Series("customer", np.fromfile(os.path.join(OUT, "customer_int.i64"), "<i8"))
    else:
        with open(os.path.join(OUT, "customer_str.txt")) as f:
            cust = pl.Series("customer", f.read().splitlines(), dtype=pl.String)
    return pl.DataFrame(
        {
            "customer": cust,
            "ts": np.fromfile(os.path.join(OUT, "timestamp.i64"), "<i8"),
            "amount": np.fromfile(os.path.join(OUT, "amount.f64"), "<f8"),
            "qty": np.fromfile(os.path.join(OUT, "quantity.f64"), "<f8"),
            "cat": np.fromfile(os.path.join(OUT, "category.u32"), "<u4"),
        }
    )


def polars_plan(df):
    """The same columns as segcore's Purchase + Preferences families."""
    import polars as pl

    c = pl.col
    lf = df.lazy().filter(c("ts") <= AS_OF)
    buy = lf.filter(c("amount") >= 0)
    orders = buy.group_by("customer", "ts").agg(value=c("amount").sum(), qty=c("qty").sum())
    occ = orders.group_by("customer", (c("ts") // DAY).alias("day")).agg(
        time=c("ts").min(), value=c("value").sum()
    )
    t = c("time").sort()
    gaps = t.diff().drop_nulls() / DAY
    windows = {
        f"purchases_{w}d": (c("time") > AS_OF - w * DAY).sum() for w in (30, 90, 365)
    }
    occ_f = occ.group_by("customer").agg(
        n_occasions=pl.len(),
        first=c("time").min(),
        last=c("time").max(),
        gap_mean=gaps.mean(),
        gap_std=gaps.std(ddof=0),
        trend_last=(c("time") > AS_OF - 90 * DAY).sum(),
        trend_prev=((c("time") > AS_OF - 180 * DAY) & (c("time") <= AS_OF - 90 * DAY)).sum(),
        mean_repeat_spend=c("value").sort_by("time").slice(1).mean(),
        **windows,
    )
    ord_f = orders.group_by("customer").agg(n_orders=pl.len(), qty=c("qty").sum())
    row_f = lf.group_by("customer").agg(
        total_spend=c("amount").sum(),
        gross=c("amount").filter(c("amount") >= 0).sum(),
        returned=-c("amount").filter(c("amount") < 0).sum(),
    )
    spend = buy.group_by("customer", "cat").agg(spend=c("amount").sum())
    p = c("spend") / c("spend").sum()
    top = c("spend").sort(descending=True).head(3)
    cat_f = spend.group_by("customer").agg(
        cat_total=c("spend").sum(),
        top=top,
        category_entropy=-(p * p.log()).filter(c("spend") > 0).sum(),
        distinct_categories=pl.len(),
        favourite_category=c("cat").sort_by(["spend", "cat"], descending=[True, False]).first(),
    )
    out = (
        row_f.join(occ_f, on="customer", how="left")
        .join(ord_f, on="customer", how="left")
        .join(cat_f, on="customer", how="left")
        .with_columns(
            recency=(AS_OF - c("last")) / DAY,
            frequency=c("n_occasions") - 1,
            tenure=(AS_OF - c("first")) / DAY,
            active_span=(c("last") - c("first")) / DAY,
            mean_spend=c("gross") / c("n_occasions"),
            avg_order_value=c("gross") / c("n_orders"),
            items_per_order=c("qty") / c("n_orders"),
            gap_cv=c("gap_std") / c("gap_mean"),
            purchase_trend=c("trend_last") - c("trend_prev"),
            return_rate=pl.when(c("gross") > 0).then(c("returned") / c("gross")),
            share_top1=c("top").list.get(0, null_on_oob=True) / c("cat_total"),
            share_top2=c("top").list.get(1, null_on_oob=True) / c("cat_total"),
            share_top3=c("top").list.get(2, null_on_oob=True) / c("cat_total"),
        )
        .drop("top", "trend_last", "trend_prev", "first", "last", "qty", "returned")
    )
    return out


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def run_polars(df):
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    base = status_kb("VmRSS:")
    t0 = time.perf_counter()
    res = polars_plan(df).collect()
    dt = time.perf_counter() - t0
    extra = (status_kb("VmHWM:") - base) * 1024
    n = res.height
    del res
    return dt, extra, n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    os.environ["POLARS_MAX_THREADS"] = str(a.threads)
    os.environ["RAYON_NUM_THREADS"] = str(a.threads)
    import polars as pl

    generate(a.rows, a.customers)
    subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "segcore", "--example", "bench_features"],
        cwd=ROOT,
        check=True,
    )
    exe = os.path.join(ROOT, "target", "release", "examples", "bench_features")
    print(f"polars {pl.__version__}, threads {a.threads} (POLARS_MAX_THREADS / RAYON_NUM_THREADS), "
          f"{a.rows} rows, {a.customers} customers, load avg {os.getloadavg()[0]:.2f}")
    results = {}
    for kind in ("int", "str"):
        # fixed mmap threshold: large buffers are returned to the OS when freed, so the
        # peak RSS of a run measures that run's allocations
        env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="65536")
        proc = subprocess.Popen([exe, OUT, kind], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True, env=env)

        def seg():
            proc.stdin.write("run\n")
            proc.stdin.flush()
            return json.loads(proc.stdout.readline())

        df = load_polars(kind)
        run_polars(df)  # warm-up
        seg()
        pt, st, pmem = [], [], []
        for _ in range(a.reps):
            dt, extra, n = run_polars(df)
            pt.append(dt)
            pmem.append(extra)
            st.append(seg())
        if kind == "int":
            proc.stdin.write("check\n")
            proc.stdin.flush()
            check = json.loads(proc.stdout.readline())
            res_pl = polars_plan(df).collect()
            for name, v in check.items():
                w = res_pl[name].fill_nan(None).sum()
                ok = abs(v - w) <= 1e-6 * max(abs(v), abs(w), 1.0)  # False for inf/NaN
                print(f"check {name}: segcore {v:.6f} polars {w:.6f} {'ok' if ok else 'MISMATCH'}")
            del res_pl
        proc.stdin.write("mem\n")
        proc.stdin.flush()
        mem = json.loads(proc.stdout.readline())
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        proc.wait()
        del df
        p_med = statistics.median(pt)
        s_med = statistics.median(r["total_s"] for r in st)
        res = {
            "polars_s": p_med,
            "segcore_s": s_med,
            "segcore_intern_s": statistics.median(r["intern_s"] for r in st),
            "segcore_features_s": statistics.median(r["features_s"] for r in st),
            "ratio": p_med / s_med,
            "polars_rows_out": n,
            "polars_peak_extra_bytes": max(pmem),
            **mem,
        }
        results[kind] = res
        print(
            f"{kind:>3} ids: polars {p_med:.3f} s, segcore {s_med:.3f} s "
            f"(interning {res['segcore_intern_s']:.3f} + features {res['segcore_features_s']:.3f}), "
            f"ratio {res['ratio']:.2f}x; peak extra memory segcore {mem['peak_extra_bytes'] / 2**20:.0f} MiB "
            f"= {mem['peak_extra_bytes'] / mem['input_column_bytes']:.2f}x the {mem['input_column_bytes'] / 2**20:.0f} MiB "
            f"input columns, polars {max(pmem) / 2**20:.0f} MiB"
        )
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    sys.exit(main())
