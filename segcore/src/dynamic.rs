//! Dynamic segmentation: segment snapshots over time, stable segment ids and transitions.
