//! Timing harness for benches/cluster/bench_cluster.py.
//!
//! `cargo run --release -p segcore --example bench_cluster -- <task> <data.f64> <n> <d> [args]`
//!
//! `data.f64` holds `n * d` little-endian f64 values, row-major. Tasks:
//! - `kmeans <k> <seed> [reps]`: KMeans(k, n_init = 1) fit;
//! - `minibatch <k> <seed> [reps]`: MiniBatchKMeans(k) fit (batch 1024);
//!
//! (`reps`, default 1, repeats the fit in the same process and reports the fastest run.)
//! - `silhouette <labels.u32> <sample> <seed>`: sampled silhouette with the given labels.
//!
//! Prints one JSON object: the task, the wall time of the fit/score alone in seconds, the
//! inertia or score, and the rayon thread count.
//!
//! `cdnow-matrix <out.f64>` writes the CDNOW feature matrix used by the CDNOW k-means bench
//! and prints its shape and column names: the purchase-pattern features of the bundled CDNOW
//! master as of 1998-07-01, columns that are all undefined or constant dropped, undefined
//! cells filled with the column median, `log1p` on the columns that are never negative, then
//! standard-scaled.

use std::time::Instant;

use ndarray::Array2;
use segcore::cluster::kmeans::{KMeans, MiniBatchKMeans};
use segcore::cluster::quality::silhouette_score;

fn read_f64(path: &str) -> Vec<f64> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    bytes
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
        .collect()
}

/// The CDNOW feature matrix (see the module docs): column names and row-major values.
fn cdnow_matrix() -> segcore::Result<(Vec<String>, Array2<f64>)> {
    use segcore::cluster::scale::{Log1p, StandardScaler, Transform};
    use segcore::data::{Logs, datasets};
    use segcore::features::{Family, FeatureConfig, Fill, compute};
    let logs = Logs::new(datasets::cdnow_master()?, None, None)?;
    let as_of = segcore::data::time::days_from_civil(1998, 7, 1) * 86_400;
    let cfg = FeatureConfig::default()
        .as_of(Some(as_of))
        .families(vec![Family::Purchase]);
    let fs = compute(&logs, &cfg)?;
    let keep: Vec<String> = fs
        .matrix
        .names
        .iter()
        .filter(|name| {
            let c = fs
                .matrix
                .column(name)
                .map(|c| c.to_vec())
                .unwrap_or_default();
            let v: Vec<f64> = c.into_iter().filter(|v| !v.is_nan()).collect();
            v.iter().any(|&a| a != v[0])
        })
        .cloned()
        .collect();
    let mut m = fs.matrix.select(&keep)?;
    m.fill_undefined(Fill::Median)?;
    let logs_cols: Vec<usize> = (0..keep.len())
        .filter(|&j| m.values.column(j).iter().all(|&v| v >= 0.0))
        .collect();
    let logged = Log1p::params()
        .columns(logs_cols)
        .fit(m.values.view())?
        .transform(m.values.view())?;
    let z = StandardScaler::params()
        .fit(logged.view())?
        .transform(logged.view())?;
    Ok((keep, z.as_standard_layout().into_owned()))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "cdnow-matrix" {
        let (names, z) = cdnow_matrix().expect("CDNOW feature matrix");
        let bytes: Vec<u8> = z.iter().flat_map(|v| v.to_le_bytes()).collect();
        std::fs::write(&args[2], bytes).unwrap_or_else(|e| panic!("{}: {e}", args[2]));
        let names: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        println!(
            "{{\"n\":{},\"d\":{},\"names\":[{}]}}",
            z.nrows(),
            z.ncols(),
            names.join(",")
        );
        return;
    }
    if args.len() < 5 {
        eprintln!("usage: bench_cluster <kmeans|minibatch|silhouette> <data.f64> <n> <d> [args]");
        std::process::exit(2);
    }
    let task = args[1].as_str();
    let n: usize = args[3].parse().expect("n");
    let d: usize = args[4].parse().expect("d");
    let x = Array2::from_shape_vec((n, d), read_f64(&args[2])).expect("shape");
    let threads = rayon::current_num_threads();
    match task {
        "kmeans" | "minibatch" => {
            let k: usize = args[5].parse().expect("k");
            let seed: u64 = args[6].parse().expect("seed");
            // optional repeat count (profiling): the fastest of `reps` fits is reported
            let reps: usize = args.get(7).map_or(1, |r| r.parse().expect("reps"));
            let mut secs = f64::INFINITY;
            let (mut inertia, mut n_iter) = (0.0, 0);
            // one untimed fit with another seed first, in this process (the thread pool and
            // the allocator warm up), as scikit-learn gets its warm-up fit in its process
            if task == "kmeans" {
                KMeans::params(k)
                    .seed(seed.wrapping_add(1000))
                    .fit(x.view(), None)
                    .expect("warm-up fit");
            } else {
                MiniBatchKMeans::params(k)
                    .seed(seed.wrapping_add(1000))
                    .fit(x.view(), None)
                    .expect("warm-up fit");
            }
            for _ in 0..reps.max(1) {
                let t = Instant::now();
                (inertia, n_iter) = if task == "kmeans" {
                    let m = KMeans::params(k)
                        .seed(seed)
                        .fit(x.view(), None)
                        .expect("fit");
                    (m.inertia, m.n_iter)
                } else {
                    let m = MiniBatchKMeans::params(k)
                        .seed(seed)
                        .fit(x.view(), None)
                        .expect("fit");
                    (m.inertia, m.n_steps)
                };
                secs = secs.min(t.elapsed().as_secs_f64());
            }
            println!(
                "{{\"task\":\"{task}\",\"seconds\":{secs},\"inertia\":{inertia},\"n_iter\":{n_iter},\"threads\":{threads}}}"
            );
        }
        "silhouette" => {
            let bytes = std::fs::read(&args[5]).expect("labels");
            let labels: Vec<usize> = bytes
                .chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
                .collect();
            let sample: usize = args[6].parse().expect("sample");
            let seed: u64 = args[7].parse().expect("seed");
            let t = Instant::now();
            let s = silhouette_score(x.view(), &labels, Some(sample), seed).expect("silhouette");
            let secs = t.elapsed().as_secs_f64();
            println!(
                "{{\"task\":\"silhouette\",\"seconds\":{secs},\"score\":{s},\"threads\":{threads}}}"
            );
        }
        other => {
            eprintln!("unknown task {other}");
            std::process::exit(2);
        }
    }
}
