"""Independent pandas computation of RFM scores and segments on CDNOW (golden for
tests/cluster_rfm.rs).

Run from this folder:  /work/venv-ref/bin/python make_rfm_cdnow.py
Reads ../../../data/cdnow/CDNOW_master.txt and writes rfm_cdnow.csv.

As of 1998-06-30 end of day: recency = days since the last purchase, frequency = number of
distinct purchase days, monetary = total spend. Scores: pandas.qcut of rank(method="first")
into quintiles (recency reversed). Segments: the table documented in segcore/src/cluster/rfm.rs,
rules tried in order, first match wins.
"""
import pathlib

import pandas as pd

HERE = pathlib.Path(__file__).parent
SRC = HERE / "../../../data/cdnow/CDNOW_master.txt"

df = pd.read_csv(SRC, sep=r"\s+", dtype={"customer_id": str, "date": str})
df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
as_of = pd.Timestamp("1998-06-30")
g = df.groupby("customer_id")
rfm = pd.DataFrame({
    "recency": (as_of - g["date"].max()).dt.days,
    "frequency": g["date"].nunique(),
    "monetary": g["dollar_value"].sum(),
}).sort_index()

rfm["r"] = pd.qcut(rfm["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1]).astype(int)
rfm["f"] = pd.qcut(rfm["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
rfm["m"] = pd.qcut(rfm["monetary"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
rfm["score"] = rfm["r"].astype(str) + rfm["f"].astype(str) + rfm["m"].astype(str)

RULES = [  # name, (r lo, r hi), (f lo, f hi), (m lo, m hi); first match wins
    ("Champions", (4, 5), (4, 5), (4, 5)),
    ("Can't Lose Them", (1, 1), (4, 5), (4, 5)),
    ("Loyal Customers", (2, 5), (3, 5), (3, 5)),
    ("New Customers", (4, 5), (1, 1), (1, 1)),
    ("Promising", (3, 4), (1, 1), (1, 1)),
    ("Hibernating", (2, 2), (1, 2), (1, 2)),
    ("About To Sleep", (2, 3), (1, 2), (1, 2)),
    ("Need Attention", (2, 3), (2, 3), (2, 3)),
    ("Potential Loyalist", (3, 5), (1, 3), (1, 3)),
    ("Lost", (1, 2), (1, 2), (1, 2)),
    ("At Risk", (1, 2), (2, 5), (2, 5)),
    ("At Risk", (1, 2), (1, 5), (1, 5)),
    ("Need Attention", (3, 3), (1, 5), (1, 5)),
    ("Potential Loyalist", (4, 5), (1, 5), (1, 5)),
]

segment = pd.Series("Others", index=rfm.index)
assigned = pd.Series(False, index=rfm.index)
for name, (rl, rh), (fl, fh), (ml, mh) in RULES:
    hit = (~assigned & rfm["r"].between(rl, rh) & rfm["f"].between(fl, fh)
           & rfm["m"].between(ml, mh))
    segment[hit] = name
    assigned |= hit
rfm["segment"] = segment
rfm.to_csv(HERE / "rfm_cdnow.csv", float_format="%.17g")
print(rfm["segment"].value_counts())
