"""Golden values for segcore's analytics tests (segcore/tests/analytics_*.rs).

Run with the reference venv (scipy 1.17, numpy 2.4):
    /work/venv-ref/bin/python segcore/tests/golden/analytics/make_golden.py
Writes golden.json next to this script. Reference implementations:
  * Welch's t-test: scipy.stats.ttest_ind(treatment, control, equal_var=False), its statistic,
    df and p-value, and confidence_interval(0.95);
  * two-proportion z-test: pooled-variance z, p = 2 * scipy.stats.norm.sf(|z|); Wald interval
    with scipy.stats.norm.ppf(0.975) and the unpooled variance;
  * distribution functions: scipy.stats.norm.cdf/sf/ppf, scipy.stats.t.cdf/sf/ppf,
    scipy.special.erfc, scipy.special.betainc;
  * HMAC-SHA256: Python's hmac module on the RFC 4231 test-case inputs (cases 1-4, 6, 7 and the
    128-bit truncation of case 5).
"""
import hashlib
import hmac
import json
import os

import numpy as np
from scipy import special, stats

rng = np.random.default_rng(20261124)
out = {}

welch = []
for n1, n0, kind in [(12, 15, "normal"), (40, 33, "normal"), (200, 180, "lognormal"),
                     (25, 60, "normal"), (8, 9, "lognormal"), (500, 520, "lognormal")]:
    if kind == "normal":
        a = rng.normal(10.5, 3.0, n1)
        b = rng.normal(9.0, 1.5, n0)
    else:
        a = rng.lognormal(3.1, 0.8, n1)
        b = rng.lognormal(3.0, 0.9, n0)
    a = np.round(a, 4)
    b = np.round(b, 4)
    res = stats.ttest_ind(a, b, equal_var=False)
    ci = res.confidence_interval(0.95)
    welch.append(dict(treatment=a.tolist(), control=b.tolist(), t=float(res.statistic),
                      df=float(res.df), p=float(res.pvalue), ci_low=float(ci.low),
                      ci_high=float(ci.high)))
out["welch"] = welch

ztests = []
for x1, n1, x0, n0 in [(120, 1000, 100, 1000), (45, 300, 30, 310), (8, 50, 15, 52),
                       (530, 5000, 480, 5100), (33, 40, 20, 40)]:
    p1, p0 = x1 / n1, x0 / n0
    pp = (x1 + x0) / (n1 + n0)
    z = (p1 - p0) / np.sqrt(pp * (1 - pp) * (1 / n1 + 1 / n0))
    p = 2 * stats.norm.sf(abs(z))
    half = stats.norm.ppf(0.975) * np.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    ztests.append(dict(x1=x1, n1=n1, x0=x0, n0=n0, z=float(z), p=float(p),
                       ci_low=float(p1 - p0 - half), ci_high=float(p1 - p0 + half)))
out["ztest"] = ztests

zs = [-8.0, -5.0, -2.5, -1.0, -0.3, 0.0, 0.4, 1.2, 1.959963984540054, 3.3, 6.0, 9.0]
out["normal"] = [dict(z=z, cdf=float(stats.norm.cdf(z)), sf=float(stats.norm.sf(z)),
                      erfc=float(special.erfc(z))) for z in zs]
ps = [1e-10, 1e-4, 0.01, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999, 1 - 1e-9]
out["normal_ppf"] = [dict(p=p, z=float(stats.norm.ppf(p))) for p in ps]
tpts = [(-4.0, 3.0), (-1.5, 7.5), (0.7, 1.0), (2.0, 2.5), (2.228, 10.0), (3.9, 25.0),
        (1.0, 150.0), (5.0, 48.3), (12.0, 4.0), (0.05, 1000.0)]
out["t"] = [dict(t=t, df=df, cdf=float(stats.t.cdf(t, df)), sf=float(stats.t.sf(t, df)))
            for t, df in tpts]
out["t_ppf"] = [dict(p=p, df=df, t=float(stats.t.ppf(p, df)))
                for p, df in [(0.975, 3.0), (0.975, 17.3), (0.995, 1.0), (0.9, 250.0), (0.025, 6.0)]]
bpts = [(0.5, 0.5, 0.3), (2.0, 3.0, 0.4), (10.0, 0.5, 0.9), (50.0, 0.5, 0.95), (1.5, 20.0, 0.02)]
out["betainc"] = [dict(a=a, b=b, x=x, v=float(special.betainc(a, b, x))) for a, b, x in bpts]

# required customers per arm, two-sided alpha = 0.05, power = 0.8
za, zb = stats.norm.ppf(0.975), stats.norm.ppf(0.8)
power = []
for p0, d in [(0.1, 0.05), (0.3, 0.02), (0.5, 0.1)]:
    p1 = p0 + d
    pb = (p0 + p1) / 2
    n = (za * np.sqrt(2 * pb * (1 - pb)) + zb * np.sqrt(p0 * (1 - p0) + p1 * (1 - p1))) ** 2 / d**2
    power.append(dict(p0=p0, delta=d, n=float(n)))
out["power_conversion"] = power

cases = [
    (b"\x0b" * 20, b"Hi There", None),
    (b"Jefe", b"what do ya want for nothing?", None),
    (b"\xaa" * 20, b"\xdd" * 50, None),
    (bytes(range(1, 26)), b"\xcd" * 50, None),
    (b"\x0c" * 20, b"Test With Truncation", 32),
    (b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First", None),
    (b"\xaa" * 131, b"This is a test using a larger than block-size key and a larger than "
     b"block-size data. The key needs to be hashed before being used by the HMAC algorithm.", None),
]
out["hmac"] = [dict(key=k.hex(), data=d.hex(), hex_len=t,
                    mac=hmac.new(k, d, hashlib.sha256).hexdigest()[: t or 64]) for k, d, t in cases]

# cohort table of the CDNOW sample with pandas: cohort = month of the first purchase,
# active = distinct customers buying in month cohort + m, revenue = sum of dollar_value
import pandas as pd

here = os.path.dirname(os.path.abspath(__file__))
cd = pd.read_csv(os.path.join(here, "../../../data/cdnow/CDNOW_sample.txt"), sep=r"\s+",
                 header=None, names=["master", "id", "date", "cds", "value"])
cd["month"] = pd.to_datetime(cd["date"].astype(str), format="%Y%m%d").dt.to_period("M")
cd["cohort"] = cd.groupby("id")["month"].transform("min")
cd["offset"] = (cd["month"] - cd["cohort"]).apply(lambda d: d.n)
sizes = cd.groupby("cohort")["id"].nunique()
active = cd.groupby(["cohort", "offset"])["id"].nunique()
revenue = cd.groupby(["cohort", "offset"])["value"].sum()
cohorts = []
for c in sizes.index:
    offs = sorted(active.loc[c].index)
    cohorts.append(dict(cohort=str(c), size=int(sizes[c]),
                        active={str(o): int(active.loc[(c, o)]) for o in offs},
                        revenue={str(o): float(revenue.loc[(c, o)]) for o in offs}))
out["cdnow_cohorts"] = cohorts

path = os.path.join(here, "golden.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
