//! Simulating customers from BG/NBD and Pareto/NBD models (parameter-recovery tests,
//! benchmarks, synthetic data). Seeded ChaCha8 streams, one per fixed block of customers, so
//! the output depends only on the seed — never on the number of threads.
//!
//! ```
//! use segcore::clv::simulate::{simulate_beta_geo, SimulationOptions};
//! use segcore::clv::BetaGeo;
//! use segcore::data::TimeUnit;
//! let m = BetaGeo::from_params(0.25, 4.0, 0.8, 2.4, TimeUnit::Weeks).unwrap();
//! let s = simulate_beta_geo(&m, &[39.0; 100], &SimulationOptions::default()).unwrap();
//! assert_eq!(s.len(), 100);
//! assert_eq!(s, simulate_beta_geo(&m, &[39.0; 100], &SimulationOptions::default()).unwrap());
//! ```

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Exp, Gamma};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::beta_geo::BetaGeo;
use super::gamma_gamma::GammaGamma;
use super::pareto_nbd::ParetoNbd;
use super::summary::RfmSummary;
use crate::{Result, SegError};

/// Customers per random stream.
const BLOCK: usize = 4096;

/// Options of a simulation.
///
/// ```
/// let o = segcore::clv::simulate::SimulationOptions { seed: 7, ..Default::default() };
/// assert!(!o.whole_units);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SimulationOptions {
    /// Seed of the random streams.
    pub seed: u64,
    /// Floor purchase times to whole time units (as in a summary built from dated
    /// transactions); ages should then be whole numbers too.
    pub whole_units: bool,
    /// Draw spend from this Gamma-Gamma model (mean repeat spend in `monetary`); zero spend
    /// otherwise.
    pub spend: Option<GammaGamma>,
}

fn dist_err(what: &str, e: impl std::fmt::Display) -> SegError {
    SegError::param(what, format!("cannot sample: {e}"))
}

/// Shared driver: `draw(rng, age) -> (x, t_x)`.
fn simulate<F>(
    ages: &[f64],
    opts: &SimulationOptions,
    unit: crate::data::TimeUnit,
    draw: F,
) -> Result<RfmSummary>
where
    F: Fn(&mut ChaCha8Rng, f64) -> (f64, f64) + Sync,
{
    if let Some((i, t)) = ages
        .iter()
        .enumerate()
        .find(|(_, t)| !(t.is_finite() && **t > 0.0))
    {
        return Err(SegError::invalid(
            "T",
            i,
            format!("age must be finite and > 0, got {t}"),
        ));
    }
    let spend = match &opts.spend {
        Some(gg) => Some((
            gg.p,
            Gamma::new(gg.q, 1.0 / gg.gamma).map_err(|e| dist_err("q", e))?,
        )),
        None => None,
    };
    let blocks: Vec<Vec<(f64, f64, f64)>> = ages
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(k, chunk)| {
            let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
            rng.set_stream(k as u64);
            chunk
                .iter()
                .map(|&age| {
                    let (x, tx) = draw(&mut rng, age);
                    let m = match &spend {
                        Some((p, nu_dist)) if x > 0.0 => {
                            let nu: f64 = nu_dist.sample(&mut rng);
                            // mean of x Gamma(p, rate nu) values ~ Gamma(p x, rate x nu)
                            Gamma::new(p * x, 1.0 / (x * nu))
                                .map(|g| g.sample(&mut rng))
                                .unwrap_or(0.0)
                        }
                        _ => 0.0,
                    };
                    (x, tx, m)
                })
                .collect()
        })
        .collect();
    let n = ages.len();
    let (mut x, mut tx, mut mv) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (a, b, c) in blocks.into_iter().flatten() {
        x.push(a);
        tx.push(b);
        mv.push(c);
    }
    RfmSummary::new(x, tx, ages.to_vec(), mv, unit)
}

fn floor_if(v: f64, whole: bool) -> f64 {
    if whole { v.floor() } else { v }
}

/// Simulates one customer per age from a BG/NBD model: rate λ ~ Gamma(r, α), dropout
/// probability p ~ Beta(a, b), exponential inter-purchase times, dropout with probability p
/// after each repeat purchase.
///
/// ```
/// use segcore::clv::simulate::{simulate_beta_geo, SimulationOptions};
/// use segcore::clv::BetaGeo;
/// use segcore::data::TimeUnit;
/// let m = BetaGeo::from_params(0.25, 4.0, 0.8, 2.4, TimeUnit::Days).unwrap();
/// let o = SimulationOptions { whole_units: true, ..Default::default() };
/// let s = simulate_beta_geo(&m, &[300.0; 10], &o).unwrap();
/// assert!(s.recency.iter().all(|v| v.fract() == 0.0));
/// ```
pub fn simulate_beta_geo(
    model: &BetaGeo,
    ages: &[f64],
    opts: &SimulationOptions,
) -> Result<RfmSummary> {
    let lam = Gamma::new(model.r, 1.0 / model.alpha).map_err(|e| dist_err("r", e))?;
    let pd = Beta::new(model.a, model.b).map_err(|e| dist_err("a", e))?;
    let whole = opts.whole_units;
    simulate(ages, opts, model.unit, |rng, age| {
        let l: f64 = lam.sample(rng);
        let p: f64 = pd.sample(rng);
        let wait = Exp::new(l.max(1e-300)).ok();
        let (mut t, mut x, mut tx) = (0.0, 0.0, 0.0);
        if let Some(wait) = wait {
            loop {
                t += wait.sample(rng);
                if floor_if(t, whole) > age || !t.is_finite() {
                    break;
                }
                x += 1.0;
                tx = floor_if(t, whole);
                if rng.random::<f64>() < p {
                    break;
                }
            }
        }
        (x, tx)
    })
}

/// Simulates one customer per age from a Pareto/NBD model: rate λ ~ Gamma(r, α), dropout
/// rate μ ~ Gamma(s, β), exponential lifetime, Poisson purchases while alive.
///
/// ```
/// use segcore::clv::simulate::{simulate_pareto_nbd, SimulationOptions};
/// use segcore::clv::ParetoNbd;
/// use segcore::data::TimeUnit;
/// let m = ParetoNbd::from_params(0.55, 10.6, 0.61, 11.7, TimeUnit::Weeks).unwrap();
/// let s = simulate_pareto_nbd(&m, &[39.0; 10], &Default::default()).unwrap();
/// assert!(s.frequency.iter().all(|x| *x >= 0.0));
/// ```
pub fn simulate_pareto_nbd(
    model: &ParetoNbd,
    ages: &[f64],
    opts: &SimulationOptions,
) -> Result<RfmSummary> {
    let lam = Gamma::new(model.r, 1.0 / model.alpha).map_err(|e| dist_err("r", e))?;
    let mu = Gamma::new(model.s, 1.0 / model.beta).map_err(|e| dist_err("s", e))?;
    let whole = opts.whole_units;
    simulate(ages, opts, model.unit, |rng, age| {
        let l: f64 = lam.sample(rng);
        let m: f64 = mu.sample(rng);
        let life = Exp::new(m.max(1e-300))
            .map(|d| d.sample(rng))
            .unwrap_or(f64::INFINITY);
        let end = life.min(age);
        let (mut t, mut x, mut tx) = (0.0, 0.0, 0.0);
        if let Ok(wait) = Exp::new(l.max(1e-300)) {
            loop {
                t += wait.sample(rng);
                if t > end || floor_if(t, whole) > age || !t.is_finite() {
                    break;
                }
                x += 1.0;
                tx = floor_if(t, whole);
            }
        }
        (x, tx)
    })
}
