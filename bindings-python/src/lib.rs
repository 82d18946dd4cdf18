//! Python bindings for segcore (module `segcore._segcore`).
use pyo3::prelude::*;

/// The native module.
#[pymodule]
fn _segcore(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
