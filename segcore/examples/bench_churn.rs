//! Times segcore's churn models on data written by `benches/churn/bench_churn.py`.
//!
//! Usage: `cargo run --release -p segcore --example bench_churn -- <dir> <logistic|gbt> [repeats] [tol]`
//! (`tol`: the logistic model's gradient tolerance, default segcore's 1e-10)
//!
//! `<dir>` holds `x.f64` (row-major little-endian f64, `n x d`), `y.u8` (0/1) and `meta.json`
//! (`{"n_train": .., "n_test": .., "d": ..}`); the first `n_train` rows train, the rest test.
//! Prints one JSON object with the fit and predict times of each repeat, the process CPU
//! time (user + system, all threads, from `/proc/self/stat`; `null` elsewhere) spent in each
//! fit, and the test AUC.

use std::time::Instant;

use ndarray::{Array2, Axis};
use segcore::churn::gbt::Calibration;
use segcore::churn::{GradientBoostingChurn, LogisticChurn, metrics};

/// CPU seconds (user + system, all threads) used by this process so far, on Linux.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // fields after the parenthesised command name; utime and stime are fields 14 and 15
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return Err("usage: bench_churn <dir> <logistic|gbt> [repeats] [tol]".into());
    }
    let dir = std::path::Path::new(&args[1]);
    let which = args[2].as_str();
    let repeats: usize = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(1);
    let tol: Option<f64> = args.get(4).map(|s| s.parse()).transpose()?;
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("meta.json"))?)?;
    let get = |k: &str| -> Result<usize, Box<dyn std::error::Error>> {
        Ok(meta[k].as_u64().ok_or(format!("meta.json: missing {k}"))? as usize)
    };
    let (n_train, n_test, d) = (get("n_train")?, get("n_test")?, get("d")?);
    let n = n_train + n_test;
    let bytes = std::fs::read(dir.join("x.f64"))?;
    if bytes.len() != n * d * 8 {
        return Err("x.f64 has the wrong size".into());
    }
    let xs: Vec<f64> = bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect();
    let x = Array2::from_shape_vec((n, d), xs)?;
    let y: Vec<bool> = std::fs::read(dir.join("y.u8"))?
        .iter()
        .map(|&b| b == 1)
        .collect();
    let (xtr, xte) = x.view().split_at(Axis(0), n_train);
    let (ytr, yte) = y.split_at(n_train);

    let mut fit_s = Vec::new();
    let mut predict_s = Vec::new();
    let mut fit_cpu_s: Vec<Option<f64>> = Vec::new();
    let mut auc = f64::NAN;
    let mut n_iter = 0;
    for _ in 0..repeats {
        let t0 = Instant::now();
        let c0 = cpu_seconds();
        let fit_cpu = || cpu_seconds().zip(c0).map(|(a, b)| a - b);
        let p = match which {
            "logistic" => {
                let mut params = LogisticChurn::params().c(1.0);
                if let Some(t) = tol {
                    params = params.tol(t);
                }
                let m = params.fit(xtr, ytr, None)?;
                fit_s.push(t0.elapsed().as_secs_f64());
                fit_cpu_s.push(fit_cpu());
                n_iter = m.n_iter();
                let t1 = Instant::now();
                let p = m.predict_proba(xte)?;
                predict_s.push(t1.elapsed().as_secs_f64());
                p
            }
            "gbt" => {
                let m = GradientBoostingChurn::params()
                    .max_iter(100)
                    .learning_rate(0.1)
                    .max_leaf_nodes(Some(31))
                    .min_samples_leaf(20)
                    .early_stopping(false)
                    .validation_fraction(None)
                    .calibration(Calibration::None)
                    .fit(xtr, ytr)?;
                fit_s.push(t0.elapsed().as_secs_f64());
                fit_cpu_s.push(fit_cpu());
                n_iter = m.n_iter();
                let t1 = Instant::now();
                let p = m.predict_proba(xte)?;
                predict_s.push(t1.elapsed().as_secs_f64());
                p
            }
            other => return Err(format!("unknown model `{other}`").into()),
        };
        auc = metrics::roc_auc(yte, p.as_slice().ok_or("non-contiguous")?)?;
    }
    println!(
        "{}",
        serde_json::json!({
            "model": which,
            "threads": rayon::current_num_threads(),
            "n_train": n_train,
            "n_test": n_test,
            "d": d,
            "n_iter": n_iter,
            "fit_seconds": fit_s,
            "fit_cpu_seconds": fit_cpu_s,
            "predict_seconds": predict_s,
            "test_auc": auc,
        })
    );
    Ok(())
}
