//! Discounted CLV: conventions, DERT closed form against numerical integration, units.

use segcore::Result;
use segcore::clv::value::{
    DiscountConvention, customer_lifetime_value, customer_lifetime_value_for,
};
use segcore::clv::{BetaGeo, GammaGamma, ParetoNbd, RfmSummary, TransactionModel};
use segcore::data::TimeUnit;

/// Pareto/NBD without its closed-form DERT, to force the numerical integral.
struct Numeric(ParetoNbd);

impl TransactionModel for Numeric {
    fn unit(&self) -> TimeUnit {
        self.0.unit
    }
    fn name(&self) -> &'static str {
        "numeric"
    }
    fn expected_purchases_one(&self, t: f64) -> Result<f64> {
        self.0.expected_purchases_one(t)
    }
    fn conditional_expected_purchases_one(&self, t: f64, x: f64, tx: f64, tt: f64) -> Result<f64> {
        self.0.conditional_expected_purchases_one(t, x, tx, tt)
    }
    fn p_alive_one(&self, x: f64, tx: f64, tt: f64) -> Result<f64> {
        self.0.p_alive_one(x, tx, tt)
    }
    fn probability_of_n_purchases_one(&self, t: f64, n: u32) -> Result<f64> {
        self.0.probability_of_n_purchases_one(t, n)
    }
    fn expected_time_to_next_purchase_one(&self, x: f64, tx: f64, tt: f64) -> Result<f64> {
        self.0.expected_time_to_next_purchase_one(x, tx, tt)
    }
}

fn gg() -> GammaGamma {
    GammaGamma::from_params(6.25, 3.74, 15.44).unwrap()
}

const X: [f64; 5] = [0.0, 2.0, 7.0, 26.0, 221.0];
const TX: [f64; 5] = [0.0, 30.43, 29.43, 30.86, 103.43];
const T: [f64; 5] = [38.86, 38.86, 38.86, 31.0, 103.57];
const M: [f64; 5] = [0.0, 22.35, 40.0, 45.0, 30.0];

#[test]
fn pareto_dert_closed_form_matches_numerical_integral() {
    let pn = ParetoNbd::from_params(0.553, 10.578, 0.606, 11.669, TimeUnit::Weeks).unwrap();
    let delta = 0.15 / 52.0 * 5.0; // a fast rate keeps the Laguerre integral accurate
    let closed = customer_lifetime_value(
        &pn,
        &gg(),
        &X,
        &TX,
        &T,
        &M,
        f64::INFINITY,
        delta,
        DiscountConvention::Continuous,
    )
    .unwrap();
    let numeric = customer_lifetime_value(
        &Numeric(pn.clone()),
        &gg(),
        &X,
        &TX,
        &T,
        &M,
        f64::INFINITY,
        delta,
        DiscountConvention::Continuous,
    )
    .unwrap();
    for (c, n) in closed.iter().zip(&numeric) {
        assert!(
            (c - n).abs() <= 1e-4 * c.abs() + 1e-12,
            "closed {c} numeric {n}"
        );
    }
    // a long finite horizon (Gauss-Legendre) approaches the infinite one
    let long = customer_lifetime_value(
        &pn,
        &gg(),
        &X[..4],
        &TX[..4],
        &T[..4],
        &M[..4],
        2000.0,
        delta,
        DiscountConvention::Continuous,
    )
    .unwrap();
    for (c, l) in closed.iter().zip(&long) {
        assert!((c - l).abs() <= 1e-3 * c.abs(), "infinite {c} finite {l}");
    }
}

#[test]
fn continuous_without_discount_is_expected_purchases_times_spend() {
    let bg = BetaGeo::from_params(0.2426, 4.4137, 0.7930, 2.4262, TimeUnit::Weeks).unwrap();
    let v = customer_lifetime_value(
        &bg,
        &gg(),
        &X,
        &TX,
        &T,
        &M,
        52.0,
        0.0,
        DiscountConvention::Continuous,
    )
    .unwrap();
    let e = bg
        .conditional_expected_purchases(52.0, &X, &TX, &T)
        .unwrap();
    let s = gg().conditional_expected_average_profit(&X, &M).unwrap();
    for i in 0..5 {
        assert!((v[i] - e[i] * s[i]).abs() < 1e-9 * v[i].abs().max(1.0));
    }
    // discounting lowers value; with a monthly step undiscounted, the two conventions agree
    let d = customer_lifetime_value(
        &bg,
        &gg(),
        &X,
        &TX,
        &T,
        &M,
        52.0,
        0.01,
        DiscountConvention::Continuous,
    )
    .unwrap();
    let m0 = customer_lifetime_value(
        &bg,
        &gg(),
        &X,
        &TX,
        &T,
        &M,
        52.0,
        0.0,
        DiscountConvention::LifetimesMonthly,
    )
    .unwrap();
    for i in 0..5 {
        assert!(d[i] < v[i] || v[i] == 0.0);
        assert!((m0[i] - v[i]).abs() < 1e-9 * v[i].abs().max(1.0));
    }
    assert!(v.iter().all(|x| x.is_finite()));
}

#[test]
fn units_and_arguments_are_checked() {
    let bg = BetaGeo::from_params(0.2426, 4.4137, 0.7930, 2.4262, TimeUnit::Days).unwrap();
    let s = RfmSummary::new(
        X.to_vec(),
        TX.to_vec(),
        T.to_vec(),
        M.to_vec(),
        TimeUnit::Weeks,
    )
    .unwrap();
    let err = customer_lifetime_value_for(
        &bg,
        &gg(),
        &s,
        52.0,
        0.01,
        DiscountConvention::LifetimesMonthly,
    )
    .unwrap_err();
    assert_eq!(err.code(), "UNIT_MISMATCH");
    assert!(
        err.to_string()
            .contains("model uses days, data is in weeks")
    );
    let err = customer_lifetime_value(
        &bg,
        &gg(),
        &X,
        &TX,
        &T,
        &M,
        f64::INFINITY,
        0.01,
        DiscountConvention::LifetimesMonthly,
    )
    .unwrap_err();
    assert_eq!(err.code(), "INVALID_PARAMETER");
    let err = customer_lifetime_value(
        &bg,
        &gg(),
        &X,
        &TX,
        &T,
        &M[..2],
        10.0,
        0.01,
        DiscountConvention::Continuous,
    )
    .unwrap_err();
    assert_eq!(err.code(), "LENGTH_MISMATCH");
}

#[test]
fn expected_time_to_next_purchase_is_posterior_mean_gap() {
    let bg = BetaGeo::from_params(0.2426, 4.4137, 0.7930, 2.4262, TimeUnit::Weeks).unwrap();
    let v = bg
        .expected_time_to_next_purchase(&[26.0, 0.0], &[30.86, 0.0], &[31.0, 38.86])
        .unwrap();
    assert!((v[0] - (4.4137 + 31.0) / (0.2426 + 25.0)).abs() < 1e-12);
    assert!(v[1].is_infinite());
}

#[test]
fn a_customer_whose_first_purchase_is_at_the_cutoff_is_scored_as_the_limit_t_to_zero() {
    // T = 0 (first purchase exactly at the cutoff): P(alive) = 1 and the conditional
    // expectation is the T -> 0+ limit of the same formula
    let bg = BetaGeo::from_params(0.2426, 4.4137, 0.7930, 2.4262, TimeUnit::Weeks).unwrap();
    let at0 = bg.p_alive(&[0.0], &[0.0], &[0.0]).unwrap();
    assert_eq!(at0[0], 1.0);
    let e0 = bg
        .conditional_expected_purchases(39.0, &[0.0], &[0.0], &[0.0])
        .unwrap()[0];
    let eps = bg
        .conditional_expected_purchases(39.0, &[0.0], &[0.0], &[1e-9])
        .unwrap()[0];
    assert!(e0.is_finite() && (e0 - eps).abs() < 1e-9, "{e0} vs {eps}");
    let pn = ParetoNbd::from_params(0.553, 10.578, 0.606, 11.669, TimeUnit::Weeks).unwrap();
    let p0 = pn
        .conditional_expected_purchases(39.0, &[0.0], &[0.0], &[0.0])
        .unwrap()[0];
    let pe = pn
        .conditional_expected_purchases(39.0, &[0.0], &[0.0], &[1e-9])
        .unwrap()[0];
    assert!(p0.is_finite() && (p0 - pe).abs() < 1e-8, "{p0} vs {pe}");
    // a repeat purchase needs time: x > 0 with T = 0 is refused
    let e = bg.p_alive(&[1.0], &[0.0], &[0.0]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "column `T`, row 0: T = 0 needs frequency 0 (no time for repeat purchases), got 1"
    );
}
