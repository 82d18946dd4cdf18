//! Times live scoring: one `LiveScorer::score` call per customer state, on a `Segmenter`
//! fitted on the CDNOW sample (4 segments), states replayed from its transactions.
//!
//! Usage: `cargo run --release -p segcore --example bench_live -- [calls]` (default 100000).
//!
//! Prints one JSON object: per-call median and p99 (ns) of `score`, of `CustomerState::add`
//! (one in-order order appended), and of `score_many` per customer over all states.

use std::time::Instant;

use segcore::data::{Logs, datasets};
use segcore::pipeline::Segmenter;
use segcore::pipeline::live::{CustomerState, LiveScorer, OrderEvent};

fn quantile(sorted: &[u64], q: f64) -> u64 {
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let calls: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let tx = datasets::cdnow_sample()?;
    let logs = Logs::new(tx.clone(), None, None)?;
    let model = Segmenter::params().n_segments(Some(4)).fit(&logs)?.model;
    let scorer = LiveScorer::new(&model)?;
    let period = model.params.features.merge_period_secs;
    let mut rows: Vec<usize> = (0..tx.len()).collect();
    rows.sort_by_key(|&r| (tx.timestamp()[r], r));
    let mut states = vec![CustomerState::new(period)?; tx.customers().len()];
    for r in rows {
        let e = OrderEvent::new(tx.timestamp()[r], tx.amount()[r]);
        let e = match tx.quantity() {
            Some(q) => e.quantity(q[r]),
            None => e,
        };
        states[tx.customer()[r] as usize].add(e)?;
    }
    let as_of = model.as_of;
    // warm-up
    let mut sink = 0.0;
    for s in states.iter().take(2000) {
        sink += scorer.score(s, as_of)?.clv.unwrap_or(0.0);
    }
    let mut times = Vec::with_capacity(calls);
    for i in 0..calls {
        let s = &states[i % states.len()];
        let t0 = Instant::now();
        let out = scorer.score(s, as_of)?;
        times.push(t0.elapsed().as_nanos() as u64);
        sink += out.clv.unwrap_or(0.0);
    }
    times.sort_unstable();

    // appending one order (in time order) to a copy of each state
    let mut add_times = Vec::with_capacity(calls);
    let mut copies = states.clone();
    for i in 0..calls {
        let c = i % copies.len();
        let e = OrderEvent::new(as_of + (i / copies.len()) as i64 * 86_400, 12.5).quantity(1.0);
        let t0 = Instant::now();
        copies[c].add(e)?;
        add_times.push(t0.elapsed().as_nanos() as u64);
    }
    add_times.sort_unstable();

    // batch scoring
    let t0 = Instant::now();
    let all = scorer.score_many(&states, as_of)?;
    let batch_ns = t0.elapsed().as_nanos() as f64 / all.len() as f64;

    println!(
        "{}",
        serde_json::json!({
            "customers": states.len(),
            "calls": calls,
            "score_median_ns": quantile(&times, 0.5),
            "score_p99_ns": quantile(&times, 0.99),
            "add_median_ns": quantile(&add_times, 0.5),
            "add_p99_ns": quantile(&add_times, 0.99),
            "score_many_ns_per_customer": batch_ns,
            "threads": rayon::current_num_threads(),
            "checksum": sink,
        })
    );
    Ok(())
}
