//! Behavioural features, one file per family, computed as of a cutoff.
