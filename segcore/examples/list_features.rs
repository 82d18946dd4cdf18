//! Prints the feature columns computed on a small synthetic shop (a quick way to see them).
fn main() -> segcore::Result<()> {
    let logs = segcore::data::synthetic::SyntheticShop::params()
        .n_customers(500)
        .seed(1)
        .generate()?;
    let set = segcore::features::compute(&logs, &segcore::features::FeatureConfig::default())?;
    for (name, info) in set.matrix.names.iter().zip(&set.info) {
        println!("{name:32} {:10} {}", info.unit, info.description);
    }
    Ok(())
}
