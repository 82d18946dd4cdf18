//! Synthetic shop.
