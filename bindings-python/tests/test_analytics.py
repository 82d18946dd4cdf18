"""Analytics bindings: funnel, anomalies, follow-up list, channels, experiments,
recommendations, next best action, privacy. Expected values are worked out by hand (or by an
independent formula / the standard library) in each test."""

import hashlib
import hmac
import math

import numpy as np
import pandas as pd
import pytest

import segcore
from segcore import analytics as an

DAY = 86_400
T0 = 1_704_067_200  # 2024-01-01T00:00:00Z, a Monday


def _session(cid, t, kinds, step=60, **extra):
    rows = []
    for k, kind in enumerate(kinds):
        row = {"customer_id": cid, "timestamp": t + k * step, "event": kind}
        for key, val in extra.items():
            row[key] = val[k] if isinstance(val, list) else val
        rows.append(row)
    return rows


def _frame(rows):
    return pd.DataFrame(rows)


FULL = ["product_view", "add_to_cart", "checkout_start", "shipping_details", "payment_details", "purchase"]


def _small_log():
    rows = (_session("c1", T0, FULL, device="ios")
            + _session("c2", T0 + 100, FULL[:3], device="web")
            + _session("c3", T0 + 200, FULL[:1], device="web"))
    return _frame(rows)


# --------------------------------------------------------------------------- cart funnel


def test_cart_funnel_hand_case_and_monotone():
    df = segcore.cart_funnel(_small_log(), min_group=1)
    assert df["stage"].tolist() == list(an.DEFAULT_STAGES)
    # shipping_details / payment_details count as shipping / payment through the default stages
    assert df["sessions"].tolist() == [3, 2, 2, 1, 1, 1]
    assert df["customers"].tolist() == [3, 2, 2, 1, 1, 1]
    assert np.all(np.diff(df["sessions"].to_numpy()) <= 0)
    drop = df["drop_off"].to_numpy()
    np.testing.assert_allclose(drop[:5], [1 / 3, 0.0, 0.5, 0.0, 0.0], rtol=0, atol=1e-15)
    assert math.isnan(drop[5])
    np.testing.assert_allclose(df["step_conversion"].to_numpy()[1:], [2 / 3, 1.0, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(df["session_reach"], [1, 2 / 3, 2 / 3, 1 / 3, 1 / 3, 1 / 3])
    assert not df["suppressed"].any()


def test_cart_funnel_stages_mapping():
    rows = (_session(1, T0, ["view", "basket", "paid"]) + _session(2, T0, ["view", "basket"])
            + _session(3, T0, ["view", "paid"]))  # skips the cart: the payment does not count
    ev = _frame(rows)
    df = segcore.cart_funnel(ev, stages={"view": "seen", "basket": "cart", "paid": "bought"}, min_group=1)
    assert df["stage"].tolist() == ["seen", "cart", "bought"]
    assert df["sessions"].tolist() == [3, 2, 1]
    np.testing.assert_allclose(df["drop_off"].to_numpy()[:2], [1 / 3, 0.5])
    # {stage: [events]} and a list of (stage, events) give the same funnel
    df2 = segcore.cart_funnel(ev, stages={"seen": ["view"], "cart": ["basket"], "bought": "paid"}, min_group=1)
    df3 = segcore.cart_funnel(ev, stages=[("seen", "view"), ("cart", ["basket"]), ("bought", ["paid"])], min_group=1)
    pd.testing.assert_frame_equal(df, df2)
    pd.testing.assert_frame_equal(df, df3)


def test_cart_funnel_groups_period_and_suppression():
    ev = _small_log()
    by_dev = segcore.cart_funnel(ev, by="device", min_group=1)
    ios = by_dev[by_dev["device"] == "ios"]
    web = by_dev[by_dev["device"] == "web"]
    assert ios["sessions"].tolist() == [1, 1, 1, 1, 1, 1]
    assert web["sessions"].tolist() == [2, 1, 1, 0, 0, 0]
    seg = segcore.cart_funnel(ev, by="segment", segments=pd.Series({"c1": "vip", "c2": "new", "c3": "new"}),
                              min_group=1)
    assert seg[seg["segment"] == "new"]["customers"].tolist() == [2, 1, 1, 0, 0, 0]
    # a second day: one session per day
    ev2 = pd.concat([ev, _frame(_session("c1", T0 + DAY, FULL[:2]))])
    per_day = segcore.cart_funnel(ev2, period="day", min_group=1)
    assert per_day["period"].nunique() == 2
    day2 = per_day[per_day["period"] == pd.Timestamp("2024-01-02")]
    assert day2["sessions"].tolist() == [1, 1, 0, 0, 0, 0]
    # 3 customers < 10: hidden
    hidden = segcore.cart_funnel(ev)
    assert hidden["suppressed"].all() and hidden["sessions"].isna().all()


def test_cart_funnel_session_column_splits_sessions():
    rows = _session("a", T0, FULL[:2], sid="s1") + _session("a", T0 + 300, FULL[2:], sid="s2")
    df = segcore.cart_funnel(_frame(rows), session_id="sid", min_group=1)
    # the second session starts at checkout_start without a product view: it never enters
    assert df["sessions"].tolist() == [1, 1, 0, 0, 0, 0]
    merged = segcore.cart_funnel(_frame(rows).drop(columns=["sid"]), min_group=1)
    assert merged["sessions"].tolist() == [1, 1, 1, 1, 1, 1]


def test_funnel_loops_counts_going_back():
    kinds = ["product_view", "add_to_cart", "checkout_start", "shipping", "add_to_cart", "shipping", "payment",
             "purchase"]
    loops = segcore.analytics.funnel_loops(_frame(_session(1, T0, kinds)), min_group=1)
    assert loops.loc["add_to_cart", "loops_back"] == 1
    assert loops["loops_back"].sum() == 1
    assert loops.loc["purchase", "sessions"] == 1  # the loop does not undo progress


# --------------------------------------------------------------------------- anomalies


def _weekly_shop(bad_week=None, weeks=10, per_week=50, buyers=45, bad_buyers=20):
    rows = []
    for w in range(weeks):
        n_buy = bad_buyers if w == bad_week else buyers
        for i in range(per_week):
            kinds = FULL if i < n_buy else FULL[:5]
            rows += _session(f"{w}-{i}", T0 + w * 7 * DAY + i * 600, kinds, step=10)
    return _frame(rows)


def test_funnel_anomalies_finds_the_planted_payment_failure():
    flags = segcore.funnel_anomalies(_weekly_shop(bad_week=9), period="week")
    assert len(flags) == 1
    f = flags.iloc[0]
    assert (f["stage"], f["next_stage"]) == ("payment", "purchase")
    assert f["period"] == pd.Timestamp("2024-03-04")  # week 9 starts on T0 + 63 days
    # hand computation: 30 of 50 dropped vs 35 of 350 in the 7 baseline weeks
    p_t, p_b, pooled = 30 / 50, 35 / 350, 65 / 400
    z = (p_t - p_b) / math.sqrt(pooled * (1 - pooled) * (1 / 50 + 1 / 350))
    assert f["drop_off"] == pytest.approx(0.6, abs=1e-15)
    assert f["baseline"] == pytest.approx(0.1, abs=1e-15)
    assert f["statistic"] == pytest.approx(z, rel=1e-12)
    assert f["p_value"] == pytest.approx(0.5 * math.erfc(z / math.sqrt(2)), rel=1e-9)
    assert (f["sessions"], f["baseline_sessions"]) == (50, 350)


def test_funnel_anomalies_quiet_shop_has_no_flags():
    flags = segcore.funnel_anomalies(_weekly_shop(bad_week=None), period="week")
    assert flags.empty
    assert list(flags.columns) == ["stage", "next_stage", "period", "drop_off", "baseline", "change", "statistic",
                                   "p_value", "sessions", "baseline_sessions"]


# --------------------------------------------------------------------------- follow-up list


def _carts_log():
    rows = (_session("c1", T0, ["product_view", "add_to_cart", "checkout_start", "shipping"],
                     value=[np.nan, 40.0, 42.0, 42.0])
            + _session("c2", T0, ["product_view", "add_to_cart", "purchase"], value=[np.nan, 10.0, 10.0])
            + _session("c3", T0 - 8 * DAY, ["product_view", "add_to_cart"], value=[np.nan, 99.0])
            + _session("c4", T0 + DAY, ["product_view", "add_to_cart"], value=[np.nan, np.nan]))
    return _frame(rows)


def test_abandoned_carts_follow_up_list():
    ev = _carts_log()
    as_of = pd.Timestamp("2024-01-03")
    fu = segcore.analytics.abandoned_carts(ev, as_of=as_of, window_days=7)
    # c2 bought, c3 abandoned 10 days before as_of; c1 by value before c4 (unknown value)
    assert fu["customer_id"].tolist() == ["c1", "c4"]
    assert fu["stage"].tolist() == ["shipping", "add_to_cart"]
    assert fu["value"].iloc[0] == 42.0 and math.isnan(fu["value"].iloc[1])
    assert fu["abandoned_at"].iloc[0] == pd.Timestamp(T0 + 180, unit="s")
    assert fu["days_since"].iloc[0] == pytest.approx((as_of.timestamp() - (T0 + 180)) / DAY)
    everyone = segcore.analytics.abandoned_carts(ev, as_of=as_of, window_days=None,
                                                 segments={"c1": "vip", "c3": "lapsed"})
    assert everyone["customer_id"].tolist() == ["c3", "c1", "c4"]
    assert everyone["segment"].tolist() == ["lapsed", "vip", ""]
    hidden = segcore.analytics.abandoned_carts(ev, as_of=as_of, key="k3y", hex_len=16)
    assert hidden["customer_id"].tolist() == [hmac.new(b"k3y", c.encode(), hashlib.sha256).hexdigest()[:16]
                                              for c in ["c1", "c4"]]


# --------------------------------------------------------------------------- cohorts / channels


def test_cohort_retention_is_cohorts():
    assert segcore.analytics.cohort_retention is segcore.cohorts
    tx = {"customer_id": [1, 1, 2], "timestamp": ["2024-01-05", "2024-02-05", "2024-01-10"], "amount": [1.0] * 3}
    t = segcore.analytics.cohort_retention(tx, min_group=1, as_of="2024-03-15")
    assert t.retention.loc["2024-01", 0] == 1.0
    assert t.retention.loc["2024-01", 1] == 0.5


def test_channel_value_hand_case():
    tx = {"customer_id": [1, 1, 2], "timestamp": [0, DAY, 0], "amount": [5.0, 5.0, 9.0],
          "channel": ["email", "web", "social"]}
    v = segcore.analytics.channel_value(tx, clv={1: 100.0, 2: 40.0}, churn_probability=pd.Series({1: 0.1, 2: 0.5}),
                                        cac={"email": 50.0}, min_group=1)
    acq = v.acquisition
    assert acq.index.tolist() == ["email", "social"]
    assert acq.loc["email", "retention"] == 1.0 and acq.loc["social", "retention"] == 0.0
    assert acq.loc["email", "mean_clv"] == 100.0 and acq.loc["email", "clv_to_cac"] == 2.0
    assert acq.loc["social", "mean_churn"] == 0.5 and math.isnan(acq.loc["social", "clv_to_cac"])
    assert v.engagement.empty
    bare = segcore.analytics.channel_value(tx, min_group=1)
    assert "mean_clv" not in bare.acquisition.columns
    with pytest.raises(segcore.InvalidValueError, match="no value for customer"):
        segcore.analytics.channel_value(tx, clv={1: 100.0}, min_group=1)


# --------------------------------------------------------------------------- experiments


def _phi_sf(z):
    return 0.5 * math.erfc(z / math.sqrt(2))


def test_ab_test_conversion_matches_the_formulas():
    n = 400
    variant = ["control" if i % 2 == 0 else "treatment" for i in range(n)]
    conv = [(i % 10 == 0) if i % 2 == 0 else (i % 4 == 1) for i in range(n)]
    r = segcore.analytics.ab_test({"variant": variant, "converted": np.asarray(conv)})
    e = r.loc["all"]
    assert r.attrs["metric"] == "conversion" and e["test"] == "z"
    assert e["mean_control"] == pytest.approx(0.2) and e["mean_treatment"] == pytest.approx(0.5)
    pooled = 0.35
    z = 0.3 / math.sqrt(pooled * (1 - pooled) * (2 / 200))
    half = 1.959963984540054 * math.sqrt(0.2 * 0.8 / 200 + 0.5 * 0.5 / 200)
    assert e["statistic"] == pytest.approx(z, rel=1e-12)
    assert e["p_value"] == pytest.approx(2 * _phi_sf(z), rel=1e-6)
    assert e["ci_low"] == pytest.approx(0.3 - half, rel=1e-9)
    assert e["ci_high"] == pytest.approx(0.3 + half, rel=1e-9)


def test_ab_test_welch_and_holm_per_segment():
    data = pd.DataFrame({"variant": ["A", "A", "B", "B"], "revenue": [1.0, 3.0, 4.0, 6.0]})
    r = segcore.analytics.ab_test(data, outcome="revenue", control="A", treatment="B", min_group=1)
    e = r.loc["all"]
    t = 3 / math.sqrt(2)  # both arms have variance 2, n = 2
    assert e["test"] == "welch" and e["effect"] == 3.0 and e["df"] == pytest.approx(2.0)
    assert e["statistic"] == pytest.approx(t)
    assert e["p_value"] == pytest.approx(1 - t / math.sqrt(2 + t * t), rel=1e-8)  # closed form for df = 2
    assert e["ci_high"] == pytest.approx(3 + 4.302652729911275 * math.sqrt(2), rel=1e-8)
    # two segments: Holm across them
    rng = np.random.default_rng(3)
    rows = []
    for seg, lift in (("north", 0.25), ("south", 0.0)):
        for i in range(300):
            arm = "control" if i % 2 == 0 else "treatment"
            p = 0.2 + (lift if arm == "treatment" else 0.0)
            rows.append({"variant": arm, "converted": bool(rng.random() < p), "segment": seg})
    df = pd.DataFrame(rows)
    r = segcore.experiment_by_segment(df, segment="segment", min_effect=0.05)
    p = r.loc[["north", "south"], "p_value"].to_numpy()
    order = np.argsort(p)
    holm = np.empty(2)
    holm[order[0]] = min(1.0, 2 * p[order[0]])
    holm[order[1]] = max(holm[order[0]], min(1.0, p[order[1]]))
    np.testing.assert_allclose(r.loc[["north", "south"], "p_adjusted"].to_numpy(), holm, rtol=1e-12)
    assert r.loc["north", "significant"]
    # 150 per arm cannot detect 5 points on a 20% base: underpowered with a warning
    assert r.loc["south", "underpowered"] and "per arm" in r.loc["south", "warning"]


# --------------------------------------------------------------------------- recommendations


def _baskets():
    return {"customer_id": [1, 1, 2, 2, 3, 3], "timestamp": [0] * 6, "amount": [1.0] * 6,
            "product": ["tent", "stove", "tent", "stove", "tent", "mat"]}


def test_co_purchase_scores_and_recommendations():
    pairs = segcore.analytics.co_purchase(_baskets())
    # tent in 3 baskets, stove in 2, together in 2; mat with tent only once (< min_support 2)
    assert sorted(pairs["item"]) == ["stove", "tent"]
    assert pairs["score"].tolist() == pytest.approx([2 / math.sqrt(6)] * 2)
    lift = segcore.analytics.co_purchase(_baskets(), similarity="lift")
    assert lift["score"].tolist() == pytest.approx([2 * 3 / (3 * 2)] * 2)
    rec = segcore.analytics.recommend(_baskets())
    assert rec["customer_id"].tolist() == ["3"]  # 1 and 2 own both items
    assert rec["item"].tolist() == ["stove"] and rec["score"].iloc[0] == pytest.approx(2 / math.sqrt(6))
    m = segcore.analytics.CoPurchase(min_support=1).fit(_baskets())
    assert m.similar("mat")["item"].tolist() == ["tent"]
    assert m.recommend(["mat"])["item"].tolist() == ["tent"]
    back = segcore.analytics.CoPurchase.from_json(m.to_json())
    assert back.min_support == 1
    pd.testing.assert_frame_equal(back.pairs(), m.pairs())


def test_popular_by_segment():
    tx = {"customer_id": [1, 2, 2, 3], "timestamp": [0] * 4, "amount": [1.0] * 4, "product": ["a", "a", "b", "c"]}
    p = segcore.analytics.popular_by_segment(tx, {1: "s", 2: "s", 3: "t"}, min_group=1)
    s = p[p["segment"] == "s"]
    assert s["item"].tolist() == ["a", "b"]
    assert s["customers"].tolist() == [2, 1] and s["share"].tolist() == [1.0, 0.5]
    hidden = segcore.analytics.popular_by_segment(tx, {1: "s", 2: "s", 3: "t"})
    assert hidden["suppressed"].all()


# --------------------------------------------------------------------------- next best action


def test_next_best_action_default_and_custom_rules():
    facts = pd.DataFrame({"satisfaction": [0.2, 0.9, np.nan], "tenure_days": [400.0, 400.0, 10.0]},
                         index=pd.Index(["a", "b", "c"], name="customer_id"))
    nba = segcore.analytics.next_best_action(facts)
    assert nba["action"].tolist() == ["service_recovery", "nurture", "welcome_offer"]
    assert nba.loc["a", "reason"] == "dissatisfied customer: recover the relationship (satisfaction 0.2 <= 0.4)"
    assert nba["rule"].tolist() == [0, -1, 3]
    rules = [{"action": "vip_call", "reason": "long-standing", "conditions": [
        {"field": "tenure_days", "op": ">=", "value": 365}]}]
    custom = segcore.analytics.next_best_action(facts, rules=rules, fallback_action="wait")
    assert custom["action"].tolist() == ["vip_call", "vip_call", "wait"]
    assert segcore.analytics.default_rules()["rules"][1]["action"] == "cart_reminder"


def test_next_best_action_from_logs():
    ts = [T0 + d * DAY for d in range(5)] + [T0 + 99 * DAY]
    tx = {"customer_id": ["loyal"] * 5 + ["new"], "timestamp": ts, "amount": [10.0] * 6}
    nba = segcore.analytics.next_best_action(transactions=tx, as_of=T0 + 100 * DAY)
    assert nba.loc["loyal", "action"] == "loyalty_reward"  # 5 orders, tenure 100 days
    assert nba.loc["new", "action"] == "welcome_offer"  # tenure 1 day
    keyed = segcore.analytics.next_best_action(transactions=tx, as_of=T0 + 100 * DAY, key=b"s")
    assert keyed.index.tolist() == segcore.pseudonymise(["loyal", "new"], b"s")


# --------------------------------------------------------------------------- privacy


def test_pseudonymise_is_hmac_sha256():
    ids = ["c1", "customer-42"]
    expect = [hmac.new(b"secret", i.encode(), hashlib.sha256).hexdigest() for i in ids]
    assert segcore.pseudonymise(ids, "secret") == expect
    assert segcore.pseudonymise([42], "secret", hex_len=12) == [expect_i[:12] for expect_i in
                                                                [hmac.new(b"secret", b"42", hashlib.sha256).hexdigest()]]
    s = segcore.pseudonymise(pd.Series(["c1"], index=[7]), b"secret")
    assert s.index.tolist() == [7] and s.iloc[0] == expect[0]
    with pytest.raises(segcore.InvalidParameterError):
        segcore.pseudonymise(ids, "")


def test_suppress_small():
    df = pd.DataFrame({"segment": ["a", "b"], "customers": [5, 12], "mean_clv": [10.0, 20.0]})
    out = segcore.analytics.suppress_small(df, k=10)
    assert out["suppressed"].tolist() == [True, False]
    assert math.isnan(out.loc[0, "mean_clv"]) and math.isnan(out.loc[0, "customers"])
    assert out.loc[1, "mean_clv"] == 20.0 and out.loc[1, "customers"] == 12
    assert df["mean_clv"].tolist() == [10.0, 20.0]  # input untouched
    with pytest.raises(segcore.InvalidParameterError):
        segcore.analytics.suppress_small(df, k=0)
