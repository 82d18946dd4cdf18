//! The shop's logs as columnar data: customer ids, transactions, events and feedback.
//!
//! Raw ids (strings or integers) are mapped once to dense `u32` codes by a
//! [`CustomerIndex`]; every log stores contiguous columns of those codes, UTC timestamps in
//! seconds since the Unix epoch, and values.

pub mod time;

pub use time::TimeUnit;
