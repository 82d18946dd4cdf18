//! The end-to-end pipeline: logs in, one customer table, segment profiles and fitted models out.

pub mod live;
pub mod segmenter;
pub mod table;

pub use live::{CustomerScore, CustomerState, LiveScorer, OrderEvent};
pub use segmenter::{Segmentation, Segmenter, SegmenterParams};
pub use table::{Column, CustomerTable};
