//! Timing harness for benches/cluster/bench_cluster.py.
//!
//! `cargo run --release -p segcore --example bench_cluster -- <task> <data.f64> <n> <d> [args]`
//!
//! `data.f64` holds `n * d` little-endian f64 values, row-major. Tasks:
//! - `kmeans <k> <seed>`: KMeans(k, n_init = 1) fit;
//! - `minibatch <k> <seed>`: MiniBatchKMeans(k) fit (batch 1024);
//! - `silhouette <labels.u32> <sample> <seed>`: sampled silhouette with the given labels.
//!
//! Prints one JSON object: the task, the wall time of the fit/score alone in seconds, the
//! inertia or score, and the rayon thread count.

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

fn main() {
    let args: Vec<String> = std::env::args().collect();
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
            let t = Instant::now();
            let (inertia, n_iter) = if task == "kmeans" {
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
            let secs = t.elapsed().as_secs_f64();
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
