"""Customer lifetime value: RFM summaries and buy-till-you-die models.

The models follow lifetimes' argument names (``frequency``, ``recency``, ``T``,
``monetary_value``, ``penalizer_coef``) and segcore's method names
(``conditional_expected_purchases``, ``p_alive``, ``expected_purchases``,
``customer_lifetime_value``); lifetimes' long names are kept as aliases. Times are in the
model's ``unit`` (``"D"`` days, ``"W"`` weeks as in the papers, ``"M"`` months; by default the
unit :func:`rfm_summary` recorded in its output, else days), which is saved in the model file.

>>> import segcore
>>> s = segcore.datasets.cdnow_summary()
>>> bg = segcore.BetaGeo(unit="W").fit(s["x"], s["t_x"], s["T"])
>>> round(bg.params_["r"], 4)
0.2426
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import _frames, _segcore
from ._base import SegcoreEstimator, register
from ._logs import build_logs, time_seconds

__all__ = [
    "rfm_summary",
    "BetaGeo",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "BetaGeoBetaBinom",
    "GammaGamma",
]


def _col(x: Any, name: str) -> np.ndarray:
    arr = _frames.to_numpy(x) if not isinstance(x, np.ndarray) else x
    if np.ndim(arr) == 0:
        arr = np.asarray([arr])
    return _frames.floats(np.asarray(arr), name)


def _like(template: Any, values: np.ndarray, name: Optional[str] = None) -> Any:
    """A pandas Series with the template's index when the template is one."""
    mod = type(template).__module__ or ""
    if mod.startswith("pandas") and hasattr(template, "index"):
        import pandas as pd

        return pd.Series(values, index=template.index, name=name)
    if mod.startswith("polars") and hasattr(template, "dtype"):
        import polars as pl

        return pl.Series(name or "", values)
    return values


def _unpack_summary(frequency: Any, recency: Any, T: Any, cols: Any = ("frequency", "recency", "T")) -> Any:
    """Lets ``fit(summary_df)`` stand for ``fit(df.frequency, df.recency, df.T)``."""
    if recency is None and T is None and hasattr(frequency, "columns"):
        df = frequency
        return df[cols[0]], df[cols[1]], df[cols[2]]
    if recency is None or T is None:
        raise TypeError("expected frequency, recency and T (or one summary DataFrame)")
    return frequency, recency, T


# ---------------------------------------------------------------------------- summary


def rfm_summary(
    transactions: Any,
    *,
    customer_id: str = "customer_id",
    timestamp: str = "timestamp",
    amount: str = "amount",
    observation_end: Any = None,
    calibration_end: Any = None,
    unit: str = "D",
    time_format: str = "auto",
    output: Optional[str] = None,
) -> Any:
    """The per-customer RFM summary the CLV models fit on (lifetimes' column names).

    Purchase occasions are UTC days with a non-negative amount; ``frequency`` = occasions
    - 1, ``recency`` = last - first occasion, ``T`` = ``observation_end`` - first occasion
    (in ``unit``: ``"D"``, ``"W"`` or ``"M"``), ``monetary_value`` = mean value of the
    repeat occasions. ``observation_end`` defaults to the latest transaction (as lifetimes'
    ``observation_period_end``). With ``calibration_end`` the summary is as of that time and
    ``frequency_holdout``, ``monetary_value_holdout`` and ``duration_holdout`` cover
    ``(calibration_end, observation_end]``.

    Returns a DataFrame indexed by ``customer_id`` (pandas) or with a ``customer_id`` column
    (polars in, polars out), one row per customer with a purchase by the cutoff.

    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...                    "timestamp": ["2024-01-01", "2024-01-11", "2024-01-31", "2024-01-21"],
    ...                    "amount": [10.0, 20.0, 40.0, 5.0]})
    >>> rfm_summary(tx).loc["a"].tolist()
    [2.0, 30.0, 30.0, 30.0]
    """
    kind = output or _frames.output_kind(transactions)
    lg = build_logs(
        transactions,
        customer_id=customer_id,
        timestamp=timestamp,
        amount=amount,
        time_format=time_format,
        func="rfm_summary",
    )
    end = time_seconds(observation_end, "observation_end")
    if end is None:
        end = _segcore._latest_transaction(lg)
    res = _segcore._rfm_summary(lg, end, time_seconds(calibration_end, "calibration_end"), unit)
    ids = _frames.customer_column(res["customer_ids"], res["codes"])
    cols = {k: res[k] for k in ("frequency", "recency", "T", "monetary_value")}
    if "frequency_holdout" in res:
        n = len(ids)
        cols["frequency_holdout"] = res["frequency_holdout"]
        cols["monetary_value_holdout"] = res["monetary_value_holdout"]
        cols["duration_holdout"] = np.full(n, res["duration_holdout"])
    df = _frames.make_frame(kind, cols, index=("customer_id", ids))
    if kind == "pandas":
        df.attrs["unit"] = res["unit"]
    return df


# ---------------------------------------------------------------------------- models

_UNITS = {"d": "days", "day": "days", "days": "days", "w": "weeks", "week": "weeks", "weeks": "weeks",
          "m": "months", "month": "months", "months": "months"}


def _fit_unit(unit: Optional[str], data: Any) -> str:
    """The time unit of a fit: as given, else the unit ``rfm_summary`` recorded in the data's
    ``attrs``, else days. A given unit that contradicts the data's is an error."""
    recorded = getattr(data, "attrs", {}).get("unit") if hasattr(data, "attrs") else None
    if unit is None:
        return recorded or "D"
    if recorded is not None and _UNITS.get(str(unit).lower()) not in (None, recorded):
        err = _segcore.UnitMismatchError(
            f"time unit mismatch: model uses {_UNITS[str(unit).lower()]}, data is in {recorded}")
        err.expected, err.found = _UNITS[str(unit).lower()], recorded
        raise err
    return unit


class _TransactionModel(SegcoreEstimator):
    """Shared code of BG/NBD, MBG/NBD and Pareto/NBD."""

    _native: Any = None
    _names: tuple = ()

    def __init__(self, penalizer_coef: float = 0.0, unit: Optional[str] = None, max_iter: int = 500, tol: float = 1e-8) -> None:
        self.penalizer_coef = penalizer_coef
        self.unit = unit
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, frequency: Any, recency: Any = None, T: Any = None, weights: Any = None, initial_params: Any = None) -> Any:
        """Fits by maximum likelihood on per-customer ``frequency``, ``recency`` and ``T``
        (arrays, Series, or one summary DataFrame); ``weights`` counts identical customers.
        Returns self."""
        frequency, recency, T = _unpack_summary(frequency, recency, T)
        unit = _fit_unit(self.unit, frequency)
        model = self._native.fit(
            _col(frequency, "frequency"),
            _col(recency, "recency"),
            _col(T, "T"),
            None if weights is None else _col(weights, "weights"),
            unit,
            float(self.penalizer_coef),
            int(self.max_iter),
            float(self.tol),
            None if initial_params is None else [float(v) for v in initial_params],
        )
        self._set_model(model)
        self.n_customers_ = len(_col(frequency, "frequency")) if weights is None else float(np.sum(_col(weights, "weights")))
        return self

    def _read_model(self, model: Any) -> None:
        self.params_ = dict(model.params)
        self.log_likelihood_ = model.log_likelihood
        se = model.standard_errors
        self.standard_errors_ = None if se is None else dict(zip(self._names, se))
        rep = model.report
        self.n_iter_ = rep["iterations"]
        self.converged_ = rep["converged"]
        self.unit_ = model.unit

    @classmethod
    def from_params(cls, *args: float, unit: str = "D", **kwargs: float) -> Any:
        """A fitted model with known parameters (e.g. published values)."""
        est = cls(unit=unit)
        values = list(args) + [kwargs.pop(n) for n in cls._names[len(args):] if n in kwargs]
        if kwargs or len(values) != len(cls._names):
            raise TypeError(f"{cls.__name__}.from_params expects {', '.join(cls._names)}")
        est._set_model(cls._native.from_params(*map(float, values), unit))
        return est

    def conditional_expected_purchases(self, t: Any, frequency: Any, recency: Any, T: Any) -> Any:
        """Expected purchases in the next ``t`` time units of each customer."""
        m = self._check_fitted()
        v = m.conditional_expected_purchases(float(t), _col(frequency, "frequency"), _col(recency, "recency"), _col(T, "T"))
        return _like(frequency, v, "conditional_expected_purchases")

    def p_alive(self, frequency: Any, recency: Any, T: Any) -> Any:
        """Probability that each customer is still alive at the end of observation."""
        m = self._check_fitted()
        v = m.p_alive(_col(frequency, "frequency"), _col(recency, "recency"), _col(T, "T"))
        return _like(frequency, v, "p_alive")

    def expected_purchases(self, t: Any) -> Any:
        """Expected purchases of a new customer within ``t`` (scalar or array)."""
        m = self._check_fitted()
        scalar = np.ndim(t) == 0
        v = m.expected_purchases(_col(t, "t"))
        return float(v[0]) if scalar else _like(t, v, "expected_purchases")

    def probability_of_n_purchases(self, t: Any, n: int) -> Any:
        """P(exactly ``n`` purchases in ``(0, t]``) for a new customer."""
        m = self._check_fitted()
        scalar = np.ndim(t) == 0
        v = m.probability_of_n_purchases(_col(t, "t"), int(n))
        return float(v[0]) if scalar else v

    def expected_time_to_next_purchase(self, frequency: Any, recency: Any, T: Any) -> Any:
        """Expected time until each customer's next purchase."""
        m = self._check_fitted()
        v = m.expected_time_to_next_purchase(_col(frequency, "frequency"), _col(recency, "recency"), _col(T, "T"))
        return _like(frequency, v, "expected_time_to_next_purchase")

    def customer_lifetime_value(self, gamma_gamma: Any, frequency: Any, recency: Any, T: Any, monetary_value: Any, time: Any = 12, discount_rate: Any = 0.01, discount: Any = "lifetimes") -> Any:
        """Discounted value over ``time`` months with a fitted :class:`GammaGamma`
        (``discount="lifetimes"``: monthly steps, ``discount_rate`` per month, as lifetimes;
        ``"continuous"``: continuous rate per model time unit, ``time`` in model units)."""
        m = self._check_fitted()
        gg = gamma_gamma._check_fitted() if isinstance(gamma_gamma, GammaGamma) else gamma_gamma
        v = m.customer_lifetime_value(
            gg, _col(frequency, "frequency"), _col(recency, "recency"), _col(T, "T"),
            _col(monetary_value, "monetary_value"), float(time), float(discount_rate), discount,
        )
        return _like(frequency, v, "clv")

    # lifetimes' names
    def conditional_expected_number_of_purchases_up_to_time(self, t: Any, frequency: Any, recency: Any, T: Any) -> Any:
        """Alias of :meth:`conditional_expected_purchases` (lifetimes' name)."""
        return self.conditional_expected_purchases(t, frequency, recency, T)

    def conditional_probability_alive(self, frequency: Any, recency: Any, T: Any) -> Any:
        """Alias of :meth:`p_alive` (lifetimes' name)."""
        return self.p_alive(frequency, recency, T)

    def expected_number_of_purchases_up_to_time(self, t: Any) -> Any:
        """Alias of :meth:`expected_purchases` (lifetimes' name)."""
        return self.expected_purchases(t)


@register("BetaGeo")
class BetaGeo(_TransactionModel):
    """BG/NBD (Fader, Hardie and Lee 2005). Parameters ``r``, ``alpha``, ``a``, ``b``.

    With the paper's CDNOW estimates (weeks), customer 1516 (x = 26, t_x = 30.86, T = 31)
    expects 25.76 purchases in the next 52 weeks and is alive with probability 0.969, as
    published:

    >>> bg = BetaGeo.from_params(0.2426, 4.4137, 0.7930, 2.4262, unit="W")
    >>> round(float(bg.conditional_expected_purchases(52, 26, 30.857, 31)[0]), 2)
    25.76
    >>> round(float(bg.p_alive(26, 30.857, 31)[0]), 3)
    0.969
    """

    _native = _segcore._BetaGeo
    _names = ("r", "alpha", "a", "b")


@register("ModifiedBetaGeo")
class ModifiedBetaGeo(_TransactionModel):
    """MBG/NBD (Batislam et al. 2007). Parameters ``r``, ``alpha``, ``a``, ``b``.

    Unlike BG/NBD, a customer without repeat purchases may also have dropped out:

    >>> m = ModifiedBetaGeo.from_params(0.2426, 4.4137, 0.7930, 2.4262, unit="W")
    >>> bool(m.p_alive(0, 0, 30)[0] < 1.0)
    True
    """

    _native = _segcore._ModifiedBetaGeo
    _names = ("r", "alpha", "a", "b")


@register("ParetoNbd")
class ParetoNBD(_TransactionModel):
    """Pareto/NBD (Schmittlein, Morrison and Colombo 1987). Parameters ``r``, ``alpha``,
    ``s``, ``beta``.

    >>> pn = ParetoNBD.from_params(0.5533, 10.5776, 0.6061, 11.6650, unit="W")
    >>> 0.0 < float(pn.p_alive(2, 30.0, 38.0)[0]) < 1.0
    True
    """

    _native = _segcore._ParetoNbd
    _names = ("r", "alpha", "s", "beta")


@register("GammaGamma")
class GammaGamma(SegcoreEstimator):
    """Gamma-Gamma spend model (Fader, Hardie and Lee 2005b). Parameters ``p``, ``q``, ``v``.
    Fit on repeat customers (frequency > 0) with their mean repeat spend.

    With the published CDNOW estimates the population mean spend is ``p v / (q - 1)``:

    >>> gg = GammaGamma.from_params(6.25, 3.74, 15.44)
    >>> round(gg.population_mean_spend(), 2)
    35.22
    """

    _native = _segcore._GammaGamma
    _names = ("p", "q", "v")

    def __init__(self, penalizer_coef: float = 0.0, max_iter: int = 500, tol: float = 1e-8) -> None:
        self.penalizer_coef = penalizer_coef
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, frequency: Any, monetary_value: Any = None, weights: Any = None, initial_params: Any = None) -> Any:
        """Fits on ``frequency`` and ``monetary_value`` (or one summary DataFrame). Returns self."""
        if monetary_value is None and hasattr(frequency, "columns"):
            frequency, monetary_value = frequency["frequency"], frequency["monetary_value"]
        if weights is not None:
            raise _segcore._invalid_parameter("weights", "GammaGamma does not take weights")
        model = self._native.fit(
            _col(frequency, "frequency"),
            _col(monetary_value, "monetary_value"),
            float(self.penalizer_coef),
            int(self.max_iter),
            float(self.tol),
            None if initial_params is None else [float(v) for v in initial_params],
        )
        self._set_model(model)
        return self

    def _read_model(self, model: Any) -> None:
        self.params_ = dict(model.params)
        self.log_likelihood_ = model.log_likelihood
        se = model.standard_errors
        self.standard_errors_ = None if se is None else dict(zip(self._names, se))
        rep = model.report
        self.n_iter_ = rep["iterations"]
        self.converged_ = rep["converged"]

    @classmethod
    def from_params(cls, p: float, q: float, v: float) -> Any:
        """A fitted model with known parameters."""
        est = cls()
        est._set_model(cls._native.from_params(float(p), float(q), float(v)))
        return est

    def conditional_expected_average_profit(self, frequency: Any, monetary_value: Any) -> Any:
        """Expected mean spend per transaction of each customer."""
        m = self._check_fitted()
        v = m.conditional_expected_average_profit(_col(frequency, "frequency"), _col(monetary_value, "monetary_value"))
        return _like(frequency, v, "expected_spend")

    def population_mean_spend(self) -> float:
        """Mean spend of the population, ``p v / (q - 1)``."""
        return self._check_fitted().population_mean_spend()

    def customer_lifetime_value(self, transaction_prediction_model: Any, frequency: Any, recency: Any, T: Any, monetary_value: Any, time: Any = 12, discount_rate: Any = 0.01, discount: Any = "lifetimes") -> Any:
        """Discounted customer lifetime value (lifetimes' argument order)."""
        return transaction_prediction_model.customer_lifetime_value(
            self, frequency, recency, T, monetary_value, time=time, discount_rate=discount_rate, discount=discount
        )


@register("BetaGeoBetaBinom")
class BetaGeoBetaBinom(SegcoreEstimator):
    """BG/BB for discrete purchase opportunities (Fader, Hardie and Shang 2010).
    Parameters ``alpha``, ``beta``, ``gamma``, ``delta``.

    >>> bb = BetaGeoBetaBinom.from_params(1.204, 0.750, 0.657, 2.783)
    >>> float(bb.p_alive(6, 6, 6)[0])
    1.0
    """

    _native = _segcore._BetaGeoBetaBinom
    _names = ("alpha", "beta", "gamma", "delta")

    def __init__(self, penalizer_coef: float = 0.0, max_iter: int = 500, tol: float = 1e-8) -> None:
        self.penalizer_coef = penalizer_coef
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, frequency: Any, recency: Any = None, n_periods: Any = None, weights: Any = None, initial_params: Any = None) -> Any:
        """Fits on ``frequency``, ``recency`` and ``n_periods`` with ``weights`` (customers
        per row). Returns self."""
        if recency is None and n_periods is None and hasattr(frequency, "columns"):
            df = frequency
            frequency, recency = df["frequency"], df["recency"]
            n_periods = df["n_periods"] if "n_periods" in df.columns else df["periods"]
            if weights is None and "weights" in df.columns:
                weights = df["weights"]
        model = self._native.fit(
            _col(frequency, "frequency"),
            _col(recency, "recency"),
            _col(n_periods, "n_periods"),
            None if weights is None else _col(weights, "weights"),
            float(self.penalizer_coef),
            int(self.max_iter),
            float(self.tol),
            None if initial_params is None else [float(v) for v in initial_params],
        )
        self._set_model(model)
        return self

    _read_model = GammaGamma._read_model

    @classmethod
    def from_params(cls, alpha: float, beta: float, gamma: float, delta: float) -> Any:
        """A fitted model with known parameters."""
        est = cls()
        est._set_model(cls._native.from_params(float(alpha), float(beta), float(gamma), float(delta)))
        return est

    def conditional_expected_purchases(self, m_periods: int, frequency: Any, recency: Any, n_periods: Any) -> Any:
        """Expected purchases in the next ``m_periods`` opportunities."""
        m = self._check_fitted()
        v = m.conditional_expected_purchases(int(m_periods), _col(frequency, "frequency"), _col(recency, "recency"), _col(n_periods, "n_periods"))
        return _like(frequency, v, "conditional_expected_purchases")

    def p_alive(self, frequency: Any, recency: Any, n_periods: Any, m_periods: int = 0) -> Any:
        """Probability of being alive ``m_periods`` after the observation period."""
        m = self._check_fitted()
        v = m.p_alive(_col(frequency, "frequency"), _col(recency, "recency"), _col(n_periods, "n_periods"), int(m_periods))
        return _like(frequency, v, "p_alive")

    def expected_purchases(self, n: Any) -> Any:
        """Expected purchases of a new customer in the first ``n`` opportunities."""
        m = self._check_fitted()
        scalar = np.ndim(n) == 0
        v = m.expected_purchases([int(k) for k in np.atleast_1d(n)])
        return float(v[0]) if scalar else v
