//! The README's Rust quick start: CDNOW purchases in, segments, CLV and churn risk out.
use segcore::data::{datasets, Logs};
use segcore::pipeline::{Column, Segmenter};

fn main() -> segcore::Result<()> {
    let logs = Logs::new(datasets::cdnow_master()?, None, None)?;
    let out = Segmenter::params().n_segments(Some(4)).seed(0).fit(&logs)?;
    for p in &out.profiles.segments {
        println!(
            "{:<28} {:>6} customers, mean CLV {:>7.2}",
            out.model.segment_names[p.segment],
            p.size,
            p.clv_mean.unwrap_or(0.0)
        );
    }
    if let Some(Column::Num(p)) = out.customers.get("churn_probability") {
        let high = p.iter().filter(|&&v| v >= 0.6).count();
        println!(
            "{high} customers at high churn risk; model file: {} bytes",
            segcore::model::to_json(&out.model)?.len()
        );
    }
    Ok(())
}
