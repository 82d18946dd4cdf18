//! Benchmark of segcore's purchase-pattern + category-share features (called by
//! benches/features/bench_features.py).
//!
//! `cargo run --release -p segcore --example bench_features -- DIR int|str`
//!
//! Reads the columns written by the Python script from DIR (`customer_int.i64` or
//! `customer_str.txt`, `timestamp.i64`, `amount.f64`, `quantity.f64`, `category.u32`), builds
//! the logs (not timed), then serves commands from stdin, one per line:
//! `run` times one `CustomerIndex::build` (id interning) + one `features::compute` and
//! prints `{"intern_s":..,"features_s":..,"total_s":..}`; `build` times a Rust user's whole
//! path from the same in-memory columns (`Transactions::builder(..).build()` with string ids
//! and category labels, `Logs::new`, `features::compute`) and prints
//! `{"build_s":..,"features_s":..,"total_s":..}`; `buf` times the same path from Arrow-style
//! UTF-8 buffers (bytes + offsets) of the ids and labels, as the Python binding hands them
//! over (`intern_ids`, `categorical`, `Transactions::builder_interned`), and prints the same
//! fields; `mem` prints peak memory figures;
//! `check` prints column sums (NaN skipped) for a cross-check; `quit` ends. Each answer is one JSON line on stdout.

use std::io::{BufRead, Write};
use std::time::Instant;

use segcore::data::ids_buffers::{Offsets, Utf8Buffers, categorical, intern_ids};
use segcore::data::{CustomerIndex, IdColumn, Logs, TimeColumn, Transactions, coded::TextColumn};
use segcore::features::{Family, FeatureConfig, compute};

fn read(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn i64s(b: &[u8]) -> Vec<i64> {
    b.chunks_exact(8)
        .map(|c| i64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect()
}

fn f64s(b: &[u8]) -> Vec<f64> {
    b.chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect()
}

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Times `build` (the transactions) + `Logs::new`, then `features::compute`, and prints
/// `{"build_s":..,"features_s":..,"total_s":..}`.
fn timed_path(
    out: &mut impl Write,
    cfg: &FeatureConfig,
    n_customers: usize,
    build: impl FnOnce() -> segcore::Result<Transactions>,
) {
    let t0 = Instant::now();
    let tx = build().unwrap_or_else(|e| panic!("{e}"));
    let lg = Logs::new(tx, None, None).unwrap_or_else(|e| panic!("{e}"));
    let t1 = Instant::now();
    let fs = compute(&lg, cfg).unwrap_or_else(|e| panic!("{e}"));
    let t2 = Instant::now();
    assert_eq!(fs.matrix.values.nrows(), n_customers);
    drop((lg, fs));
    let _ = writeln!(
        out,
        "{{\"build_s\":{:.6},\"features_s\":{:.6},\"total_s\":{:.6}}}",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t2 - t0).as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: bench_features DIR int|str");
        std::process::exit(2);
    }
    let dir = std::path::Path::new(&args[1]);
    let ids: IdColumn = match args[2].as_str() {
        "int" => IdColumn::Int(i64s(&read(&dir.join("customer_int.i64")))),
        _ => IdColumn::Str(
            String::from_utf8(read(&dir.join("customer_str.txt")))
                .unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect(),
        ),
    };
    let ts = i64s(&read(&dir.join("timestamp.i64")));
    let amount = f64s(&read(&dir.join("amount.f64")));
    let qty = f64s(&read(&dir.join("quantity.f64")));
    let cat_codes: Vec<u32> = read(&dir.join("category.u32"))
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap_or([0; 4])))
        .collect();
    let n_rows = ts.len();
    let names: Vec<String> = (0..=cat_codes.iter().copied().max().unwrap_or(0))
        .map(|c| format!("cat{c:03}"))
        .collect();
    let cats: Vec<String> = cat_codes
        .iter()
        .map(|&c| names[c as usize].clone())
        .collect();
    drop(cat_codes);
    let tx = Transactions::builder(ids.clone(), ts.clone(), amount.clone())
        .quantity(qty.clone())
        .category(cats.clone())
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let logs = Logs::new(tx, None, None).unwrap_or_else(|e| panic!("{e}"));
    let n_customers = logs.customers().len();
    // bytes of the input columns the computation reads: customer code u32, timestamp i64,
    // amount f64, quantity f64, category code u32
    let input_bytes = n_rows * (4 + 8 + 8 + 8 + 4);
    let cfg = FeatureConfig::default()
        .as_of(Some(1_700_000_000))
        .families(vec![Family::Purchase, Family::Preferences]);
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    let mut peak_extra_kb = 0u64;
    let mut baseline_kb = 0u64;
    for line in stdin.lock().lines() {
        let line = line.unwrap_or_default();
        match line.trim() {
            "run" => {
                // reset the peak RSS so VmHWM measures this run only
                let _ = std::fs::write("/proc/self/clear_refs", "5");
                let base = status_kb("VmRSS:");
                let t0 = Instant::now();
                let (index, codes) = CustomerIndex::build(&ids);
                let t1 = Instant::now();
                let fs = compute(&logs, &cfg).unwrap_or_else(|e| panic!("{e}"));
                let t2 = Instant::now();
                let peak = status_kb("VmHWM:");
                baseline_kb = base;
                peak_extra_kb = peak_extra_kb.max(peak.saturating_sub(base));
                assert_eq!(index.len(), n_customers);
                assert_eq!(fs.matrix.values.nrows(), n_customers);
                drop((index, codes, fs));
                let _ = writeln!(
                    out,
                    "{{\"intern_s\":{:.6},\"features_s\":{:.6},\"total_s\":{:.6}}}",
                    (t1 - t0).as_secs_f64(),
                    (t2 - t1).as_secs_f64(),
                    (t2 - t0).as_secs_f64()
                );
            }
            "build" => {
                // a Rust user's whole path from the same in-memory columns (string ids and
                // category labels): build the log (validation, interning, duplicate count),
                // then the features; the input copies are made before the clock starts
                let (i2, t2_, a2, q2, c2) = (
                    ids.clone(),
                    ts.clone(),
                    amount.clone(),
                    qty.clone(),
                    cats.clone(),
                );
                timed_path(&mut out, &cfg, n_customers, || {
                    Transactions::builder(i2, t2_, a2)
                        .quantity(q2)
                        .category(c2)
                        .build()
                });
            }
            "buf" => {
                // bytes + i64 offsets of the ids and labels (made before the clock)
                let pack = |v: &[String]| {
                    let mut data = Vec::new();
                    let mut off = vec![0i64];
                    for x in v {
                        data.extend_from_slice(x.as_bytes());
                        off.push(data.len() as i64);
                    }
                    (data, off)
                };
                let id_strs: Vec<String> = match &ids {
                    IdColumn::Str(v) => v.clone(),
                    IdColumn::Int(v) => v.iter().map(|x| x.to_string()).collect(),
                };
                let (idd, ido) = pack(&id_strs);
                let (cd, co) = pack(&cats);
                let (t2_, a2, q2) = (ts.clone(), amount.clone(), qty.clone());
                timed_path(&mut out, &cfg, n_customers, || {
                    let idb = Utf8Buffers::new(&idd, Offsets::I64(&ido), None);
                    let cb = Utf8Buffers::new(&cd, Offsets::I64(&co), None);
                    let interned = intern_ids("customer_id", &idb)?;
                    let cat = categorical("category", &cb)?;
                    Transactions::builder_interned(interned, TimeColumn::Seconds(t2_), a2)
                        .quantity(q2)
                        .category(TextColumn::Coded(cat))
                        .build()
                });
            }
            "check" => {
                // column sums (NaN skipped) to cross-check against the polars result
                let fs = compute(&logs, &cfg).unwrap_or_else(|e| panic!("{e}"));
                let sum = |name: &str| {
                    fs.matrix
                        .column(name)
                        .map_or(f64::NAN, |c| c.iter().filter(|v| !v.is_nan()).sum::<f64>())
                };
                let names = [
                    "frequency",
                    "total_spend",
                    "recency",
                    "gap_std",
                    "purchases_90d",
                    "mean_repeat_spend",
                    "return_rate",
                    "share_top1",
                    "share_top3",
                    "category_entropy",
                ];
                let parts: Vec<String> = names
                    .iter()
                    .map(|n| format!("\"{n}\":{:.10e}", sum(n)))
                    .collect();
                let _ = writeln!(out, "{{{}}}", parts.join(","));
            }
            "mem" => {
                let _ = writeln!(
                    out,
                    "{{\"rows\":{n_rows},\"customers\":{n_customers},\"input_column_bytes\":{input_bytes},\"rss_before_run_bytes\":{},\"peak_extra_bytes\":{},\"threads\":{}}}",
                    baseline_kb * 1024,
                    peak_extra_kb * 1024,
                    rayon::current_num_threads()
                );
            }
            _ => break,
        }
        let _ = out.flush();
    }
}
