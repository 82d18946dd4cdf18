"""Golden vectors for segcore's CLV models from lifetimes 0.11.3.

Run with the lifetimes venv:  /work/venv-lifetimes/bin/python make_golden.py
Writes lifetimes_golden.json next to this script. Parameters are fixed (not fitted) so the
vectors test the prediction formulas only.
"""
import json
import os
import warnings

import numpy as np
import pandas as pd
import lifetimes
from lifetimes import (BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter,
                       BetaGeoBetaBinomFitter, GammaGammaFitter)

warnings.simplefilter("ignore")

ROWS = [  # (x, t_x, T) in weeks, including heavy buyers
    (0.0, 0.0, 38.86), (1.0, 1.71, 38.86), (2.0, 30.43, 38.86), (7.0, 29.43, 38.86),
    (26.0, 30.86, 31.0), (3.0, 5.0, 36.0), (15.0, 35.0, 36.5), (40.0, 50.0, 52.0),
    (221.0, 103.43, 103.57), (120.0, 60.0, 104.0),
]
TIMES = [0.5, 1.0, 10.0, 39.0, 78.0]
NS = [0, 1, 2, 5]

def setp(f, **kw):
    f.params_ = pd.Series(kw)
    if hasattr(f, "conditional_expected_number_of_purchases_up_to_time"):
        f.predict = f.conditional_expected_number_of_purchases_up_to_time  # as fit() does
    return f

def arr(v):
    return [float(a) for a in np.atleast_1d(np.asarray(v, dtype=float))]

x = np.array([r[0] for r in ROWS]); tx = np.array([r[1] for r in ROWS]); T = np.array([r[2] for r in ROWS])
out = {"lifetimes_version": lifetimes.__version__, "rows": [list(r) for r in ROWS], "times": TIMES, "ns": NS}

def transaction_model(f, name, params, pn_conditional=False):
    d = {"params": params}
    d["expected_purchases"] = [float(f.expected_number_of_purchases_up_to_time(t)) for t in TIMES]
    d["conditional_expected_purchases"] = {str(t): arr(f.conditional_expected_number_of_purchases_up_to_time(t, x, tx, T)) for t in TIMES}
    d["p_alive"] = arr(f.conditional_probability_alive(x, tx, T))
    if hasattr(f, "probability_of_n_purchases_up_to_time"):
        d["probability_of_n_purchases"] = {str(n): [float(f.probability_of_n_purchases_up_to_time(t, n)) for t in TIMES] for n in NS}
    if pn_conditional:
        # row by row: lifetimes' vector form breaks when alpha < beta is mixed with arrays
        d["conditional_probability_of_n_purchases"] = {
            str(n): [float(f.conditional_probability_of_n_purchases_up_to_time(n, 10.0, a, b, c)) for (a, b, c) in ROWS[:8]]
            for n in NS}
    out[name] = d
    return f

bg_p = dict(r=0.2426, alpha=4.4137, a=0.7930, b=2.4262)
bg = transaction_model(setp(BetaGeoFitter(), **bg_p), "BetaGeo", bg_p)
mbg_p = dict(r=0.525, alpha=6.183, a=0.891, b=1.614)
transaction_model(setp(ModifiedBetaGeoFitter(), **mbg_p), "ModifiedBetaGeo", mbg_p)
pn_p = dict(r=0.553, alpha=10.578, s=0.606, beta=11.669)
pn = transaction_model(setp(ParetoNBDFitter(), **pn_p), "ParetoNbd", pn_p, pn_conditional=True)
# a Pareto/NBD with alpha < beta exercises the other branch of A0
pn2_p = dict(r=0.8, alpha=5.0, s=0.9, beta=20.0)
transaction_model(setp(ParetoNBDFitter(), **pn2_p), "ParetoNbdAlphaBelowBeta", pn2_p, pn_conditional=True)

bb_p = dict(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
bb = setp(BetaGeoBetaBinomFitter(), **bb_p)
bx = np.array([0.0, 1.0, 3.0, 5.0, 6.0, 2.0]); btx = np.array([0.0, 1.0, 4.0, 6.0, 6.0, 2.0]); bn = np.array([6.0] * 6)
out["BetaGeoBetaBinom"] = {
    "params": bb_p, "frequency": arr(bx), "recency": arr(btx), "n_periods": arr(bn),
    "conditional_expected_purchases": {str(m): arr(bb.conditional_expected_number_of_purchases_up_to_time(m, bx, btx, bn)) for m in [1, 5, 10]},
    "p_alive": {str(m): arr(bb.conditional_probability_alive(m, bx, btx, bn)) for m in [0, 1, 5]},
}

gg_p = dict(p=6.25, q=3.74, v=15.44)
gg = setp(GammaGammaFitter(), **gg_p)
m = np.array([0.0, 11.77, 22.35, 40.0, 45.0, 10.0, 33.0, 70.0, 18.5, 25.0])
out["GammaGamma"] = {
    "params": gg_p, "monetary": arr(m),
    "conditional_expected_average_profit": arr(gg.conditional_expected_average_profit(pd.Series(x), pd.Series(m))),
    # lifetimes' monthly CLV: 12 months, freq W (4.345 weeks a month), 1% a month
    "clv_bg_12_months_weekly": arr(gg.customer_lifetime_value(bg, pd.Series(x), pd.Series(tx), pd.Series(T), pd.Series(m), time=12, discount_rate=0.01, freq="W")),
    "clv_pareto_6_months_weekly": arr(gg.customer_lifetime_value(pn, pd.Series(x), pd.Series(tx), pd.Series(T), pd.Series(m), time=6, discount_rate=0.02, freq="W")),
}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lifetimes_golden.json")
with open(path, "w") as fh:
    json.dump(out, fh, indent=1)
print("wrote", path)
