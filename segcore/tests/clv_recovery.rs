//! Parameter recovery: simulate 100,000 BG/NBD and Pareto/NBD customers from known
//! parameters (seeded) and recover them within three standard errors.

use segcore::clv::simulate::{SimulationOptions, simulate_beta_geo, simulate_pareto_nbd};
use segcore::clv::{BetaGeo, GammaGamma, ParetoNbd};
use segcore::data::TimeUnit;

fn ages(n: usize) -> Vec<f64> {
    // ages spread over 20..60 weeks
    (0..n)
        .map(|i| 20.0 + 40.0 * ((i * 7919) % n) as f64 / n as f64)
        .collect()
}

fn within(name: &str, got: &[f64], truth: &[f64], se: &[f64]) {
    for k in 0..truth.len() {
        let z = (got[k] - truth[k]) / se[k];
        assert!(
            z.abs() < 3.0,
            "{name} param {k}: got {} truth {} se {} (z = {z:.2})",
            got[k],
            truth[k],
            se[k]
        );
    }
}

#[test]
fn recovers_bg_nbd_parameters() {
    let truth = BetaGeo::from_params(0.25, 4.0, 0.8, 2.5, TimeUnit::Weeks).unwrap();
    let opts = SimulationOptions {
        seed: 42,
        whole_units: false,
        spend: Some(GammaGamma::from_params(6.0, 4.0, 15.0).unwrap()),
    };
    let s = simulate_beta_geo(&truth, &ages(100_000), &opts).unwrap();
    assert_eq!(s.len(), 100_000);
    let fit = BetaGeo::params().fit(&s).unwrap();
    let se = fit.standard_errors.clone().unwrap();
    within("BG/NBD", &fit.to_vec(), &truth.to_vec(), &se);
    // the simulated spend recovers the Gamma-Gamma parameters too
    let gg = GammaGamma::params().fit(&s).unwrap();
    within(
        "Gamma-Gamma",
        &[gg.p, gg.q, gg.gamma],
        &[6.0, 4.0, 15.0],
        &gg.standard_errors.unwrap(),
    );
}

#[test]
fn recovers_pareto_nbd_parameters() {
    let truth = ParetoNbd::from_params(0.55, 10.5, 0.6, 11.5, TimeUnit::Weeks).unwrap();
    let s = simulate_pareto_nbd(
        &truth,
        &ages(100_000),
        &SimulationOptions {
            seed: 7,
            ..Default::default()
        },
    )
    .unwrap();
    let fit = ParetoNbd::params().fit(&s).unwrap();
    within(
        "Pareto/NBD",
        &fit.to_vec(),
        &truth.to_vec(),
        &fit.standard_errors.clone().unwrap(),
    );
}

#[test]
fn simulation_is_reproducible_and_thread_independent() {
    let truth = BetaGeo::from_params(0.25, 4.0, 0.8, 2.5, TimeUnit::Days).unwrap();
    let opts = SimulationOptions {
        seed: 3,
        whole_units: true,
        spend: None,
    };
    let a = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| simulate_beta_geo(&truth, &ages(10_000), &opts).unwrap());
    let b = simulate_beta_geo(&truth, &ages(10_000), &opts).unwrap();
    assert_eq!(a, b);
    let c = simulate_beta_geo(
        &truth,
        &ages(10_000),
        &SimulationOptions {
            seed: 4,
            ..opts.clone()
        },
    )
    .unwrap();
    assert_ne!(a, c);
}
