//! `make demo`: the main job on bundled data.
fn main() {
    println!("segcore demo");
}
