//! The end-to-end pipeline: logs in, one customer table, segment profiles and fitted models out.

pub mod table;

pub use table::{Column, CustomerTable};
