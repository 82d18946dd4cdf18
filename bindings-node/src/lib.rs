//! Node bindings for segcore.
use napi_derive::napi;

/// The segcore version.
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
