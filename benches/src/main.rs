//! Benchmarks driver.
fn main() {}
