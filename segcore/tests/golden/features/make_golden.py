"""Golden purchase-pattern features for CDNOW master, computed independently with pandas.

Run from the repository root:
    /work/venv-ref/bin/python segcore/tests/golden/features/make_golden.py

Reads segcore/data/cdnow/CDNOW_master.txt and writes cdnow_purchase_features.csv next to
this script. Definitions follow segcore/src/features/rfm.rs (as of 1998-07-01T00:00:00Z,
same-day orders merged into one occasion, durations in days, population std of gaps).
"""
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SRC = os.path.join(ROOT, "data", "cdnow", "CDNOW_master.txt")
OUT = os.path.join(HERE, "cdnow_purchase_features.csv")

AS_OF = pd.Timestamp("1998-07-01T00:00:00")
DAY = pd.Timedelta(days=1)
WINDOWS = [30, 90, 365]
TREND = 90

df = pd.read_csv(SRC, sep=r"\s+", dtype={"customer_id": np.int64, "date": str})
df["t"] = pd.to_datetime(df["date"], format="%Y%m%d")
df = df[df["t"] <= AS_OF]
df = df.rename(columns={"number_of_cds": "qty", "dollar_value": "amount"})

# all rows are purchases (amount >= 0) in CDNOW; keep the general definition anyway
buy = df[df["amount"] >= 0]
ret = df[df["amount"] < 0]

# orders: rows sharing a timestamp (no order id column)
orders = buy.groupby(["customer_id", "t"], as_index=False).agg(
    value=("amount", "sum"), qty=("qty", "sum")
)
# occasions: orders on the same UTC day
orders["day"] = orders["t"].dt.floor("D")
occ = (
    orders.groupby(["customer_id", "day"], as_index=False)
    .agg(time=("t", "min"), value=("value", "sum"))
    .sort_values(["customer_id", "time"])
)

g = occ.groupby("customer_id")
first = g["time"].min()
last = g["time"].max()
n_occ = g.size()
out = pd.DataFrame(index=first.index)
out["recency"] = (AS_OF - last) / DAY
out["frequency"] = n_occ - 1
out["n_occasions"] = n_occ
out["n_orders"] = orders.groupby("customer_id").size()
out["tenure"] = (AS_OF - first) / DAY
out["active_span"] = (last - first) / DAY
out["total_spend"] = df.groupby("customer_id")["amount"].sum()
gross = buy.groupby("customer_id")["amount"].sum()
out["mean_spend"] = gross / n_occ
out["avg_order_value"] = gross / out["n_orders"]
out["items_per_order"] = orders.groupby("customer_id")["qty"].sum() / out["n_orders"]

occ["gap"] = occ.groupby("customer_id")["time"].diff() / DAY
gaps = occ.dropna(subset=["gap"]).groupby("customer_id")["gap"]
out["gap_mean"] = gaps.mean()
out["gap_std"] = gaps.std(ddof=0)
out["gap_cv"] = out["gap_std"] / out["gap_mean"].where(out["gap_mean"] > 0)

for w in WINDOWS:
    recent = occ[occ["time"] > AS_OF - w * DAY]
    out[f"purchases_{w}d"] = recent.groupby("customer_id").size()
last_w = occ[occ["time"] > AS_OF - TREND * DAY].groupby("customer_id").size()
prev_w = (
    occ[(occ["time"] > AS_OF - 2 * TREND * DAY) & (occ["time"] <= AS_OF - TREND * DAY)]
    .groupby("customer_id")
    .size()
)
out["purchase_trend"] = last_w.reindex(out.index, fill_value=0) - prev_w.reindex(
    out.index, fill_value=0
)
returned = -ret.groupby("customer_id")["amount"].sum()
out["return_rate"] = returned.reindex(out.index, fill_value=0.0) / gross.where(gross > 0)
out["discount_share"] = np.nan  # CDNOW has no discount column
repeat = occ[occ.groupby("customer_id").cumcount() > 0]
out["mean_repeat_spend"] = repeat.groupby("customer_id")["value"].mean()

counts = [f"purchases_{w}d" for w in WINDOWS] + ["mean_repeat_spend"]
out[counts] = out[counts].fillna(0)
out = out.reset_index().rename(columns={"index": "customer_id"})
out.to_csv(OUT, index=False, float_format="%.17g", na_rep="nan")
print(f"wrote {OUT}: {len(out)} customers x {out.shape[1] - 1} features")
