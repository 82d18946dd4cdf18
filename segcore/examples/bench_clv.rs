//! Timing harness for the CLV models, called by benches/clv/bench_clv.py.
//!
//! ```text
//! bench_clv simulate <bg|pareto> <n> <out.csv> [seed]   write a simulated summary in days
//! bench_clv fit <bg|pareto> <in.csv> <repeats>          fit, print JSON timings + parameters
//! bench_clv score <in.csv> <repeats>                    P(alive) + conditional expected
//!                                                        purchases + 12-month CLV (BG/NBD)
//! ```
//! Timings exclude reading the CSV; each mode runs once to warm up, then `repeats` times.

use std::time::Instant;

use segcore::Result;
use segcore::clv::simulate::{SimulationOptions, simulate_beta_geo, simulate_pareto_nbd};
use segcore::clv::value::{DiscountConvention, customer_lifetime_value};
use segcore::clv::{BetaGeo, GammaGamma, ParetoNbd, RfmSummary, TransactionModel};
use segcore::data::TimeUnit;

/// BG/NBD used for simulation and scoring (CDNOW estimates, alpha converted to days).
const BG: [f64; 4] = [0.2426, 4.4137 * 7.0, 0.7930, 2.4262];
/// Pareto/NBD used for simulation (CDNOW estimates, rates converted to days).
const PN: [f64; 4] = [0.553, 10.578 * 7.0, 0.606, 11.669 * 7.0];
/// Gamma-Gamma used for simulated spend and scoring.
const GG: [f64; 3] = [6.25, 3.74, 15.44];

fn ages(n: usize) -> Vec<f64> {
    (0..n).map(|i| 30.0 + ((i * 7919) % 336) as f64).collect()
}

fn read(path: &str) -> Result<RfmSummary> {
    let mut rdr =
        csv::Reader::from_path(path).map_err(|e| segcore::SegError::param("csv", e.to_string()))?;
    let (mut x, mut tx, mut t, mut m) = (vec![], vec![], vec![], vec![]);
    for rec in rdr.records() {
        let rec = rec.map_err(|e| segcore::SegError::param("csv", e.to_string()))?;
        let f = |i: usize| rec[i].parse::<f64>().unwrap_or(f64::NAN);
        x.push(f(0));
        tx.push(f(1));
        t.push(f(2));
        m.push(f(3));
    }
    RfmSummary::new(x, tx, t, m, TimeUnit::Days)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn timed<T>(repeats: usize, mut f: impl FnMut() -> Result<T>) -> Result<(T, Vec<f64>)> {
    let mut out = f()?; // warm-up
    let mut times = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let t0 = Instant::now();
        out = f()?;
        times.push(t0.elapsed().as_secs_f64());
    }
    Ok((out, times))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let threads = rayon::current_num_threads();
    match arg(1).as_str() {
        "simulate" => {
            let n: usize = arg(3).parse().unwrap_or(1000);
            let seed: u64 = arg(5).parse().unwrap_or(1);
            let opts = SimulationOptions {
                seed,
                whole_units: true,
                spend: Some(GammaGamma::from_params(GG[0], GG[1], GG[2])?),
            };
            let s = if arg(2) == "bg" {
                let m = BetaGeo::from_params(BG[0], BG[1], BG[2], BG[3], TimeUnit::Days)?;
                simulate_beta_geo(&m, &ages(n), &opts)?
            } else {
                let m = ParetoNbd::from_params(PN[0], PN[1], PN[2], PN[3], TimeUnit::Days)?;
                simulate_pareto_nbd(&m, &ages(n), &opts)?
            };
            let mut w = csv::Writer::from_path(arg(4))
                .map_err(|e| segcore::SegError::param("csv", e.to_string()))?;
            let io = |e: csv::Error| segcore::SegError::param("csv", e.to_string());
            w.write_record(["frequency", "recency", "T", "monetary_value"])
                .map_err(io)?;
            for i in 0..s.len() {
                w.write_record(&[
                    s.frequency[i].to_string(),
                    s.recency[i].to_string(),
                    s.t[i].to_string(),
                    format!("{:.4}", s.monetary[i]),
                ])
                .map_err(io)?;
            }
            w.flush()
                .map_err(|e| segcore::SegError::param("csv", e.to_string()))?;
            println!(
                "{{\"rows\": {}, \"unique_rows\": {}}}",
                s.len(),
                s.compress().len()
            );
        }
        "fit" => {
            let s = read(&arg(3))?;
            let repeats: usize = arg(4).parse().unwrap_or(5);
            if std::env::var("CLV_BREAKDOWN").is_ok() {
                let t0 = Instant::now();
                let w = s.compress();
                let tc = t0.elapsed().as_secs_f64();
                let t0 = Instant::now();
                let (it, ll) = if arg(2) == "bg" {
                    let m = BetaGeo::params().fit_weighted(&w)?;
                    (m.report.iterations, m.log_likelihood)
                } else {
                    let m = ParetoNbd::params().fit_weighted(&w)?;
                    (m.report.iterations, m.log_likelihood)
                };
                eprintln!(
                    "compress {tc:.3}s fit_weighted {:.3}s iterations {it} loglik {ll}",
                    t0.elapsed().as_secs_f64()
                );
            }
            let (params, times) = if arg(2) == "bg" {
                let (m, t) = timed(repeats, || BetaGeo::params().fit(&s))?;
                (m.to_vec(), t)
            } else {
                let (m, t) = timed(repeats, || ParetoNbd::params().fit(&s))?;
                (m.to_vec(), t)
            };
            println!(
                "{{\"threads\": {threads}, \"rows\": {}, \"unique_rows\": {}, \"median_s\": {}, \"times_s\": {:?}, \"params\": {:?}}}",
                s.len(),
                s.compress().len(),
                median(times.clone()),
                times,
                params
            );
        }
        "score" => {
            let s = read(&arg(2))?;
            let repeats: usize = arg(3).parse().unwrap_or(5);
            let bg = BetaGeo::from_params(BG[0], BG[1], BG[2], BG[3], TimeUnit::Days)?;
            let gg = GammaGamma::from_params(GG[0], GG[1], GG[2])?;
            if std::env::var("CLV_BREAKDOWN").is_ok() {
                for _ in 0..2 {
                    let t0 = Instant::now();
                    bg.p_alive(&s.frequency, &s.recency, &s.t)?;
                    let t1 = Instant::now();
                    bg.conditional_expected_purchases(30.0, &s.frequency, &s.recency, &s.t)?;
                    let t2 = Instant::now();
                    customer_lifetime_value(
                        &bg,
                        &gg,
                        &s.frequency,
                        &s.recency,
                        &s.t,
                        &s.monetary,
                        12.0 * 30.0,
                        0.01,
                        DiscountConvention::LifetimesMonthly,
                    )?;
                    eprintln!(
                        "p_alive {:.3}s conditional {:.3}s clv {:.3}s",
                        (t1 - t0).as_secs_f64(),
                        (t2 - t1).as_secs_f64(),
                        t2.elapsed().as_secs_f64()
                    );
                }
            }
            let (out, times) = timed(repeats, || {
                let p = bg.p_alive(&s.frequency, &s.recency, &s.t)?;
                let e = bg.conditional_expected_purchases(30.0, &s.frequency, &s.recency, &s.t)?;
                let v = customer_lifetime_value(
                    &bg,
                    &gg,
                    &s.frequency,
                    &s.recency,
                    &s.t,
                    &s.monetary,
                    12.0 * 30.0,
                    0.01,
                    DiscountConvention::LifetimesMonthly,
                )?;
                Ok((p, e, v))
            })?;
            let sums = [
                out.0.iter().sum::<f64>(),
                out.1.iter().sum::<f64>(),
                out.2.iter().sum::<f64>(),
            ];
            println!(
                "{{\"threads\": {threads}, \"rows\": {}, \"median_s\": {}, \"times_s\": {:?}, \"sums\": {:?}}}",
                s.len(),
                median(times.clone()),
                times,
                sums
            );
        }
        _ => {
            eprintln!("usage: bench_clv simulate|fit|score ...");
            std::process::exit(2);
        }
    }
    Ok(())
}
