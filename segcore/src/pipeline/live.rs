//! Live scoring: keep one [`CustomerState`] per customer, update it with each order in O(1),
//! and score it against a fitted [`Segmenter`](super::Segmenter) in microseconds with a
//! [`LiveScorer`] — segment, RFM, P(alive), CLV, churn probability and its drivers — without
//! recomputing features over the logs.
//!
//! The purchase family ([`crate::features::rfm`]) and the CLV summary are maintained
//! incrementally and equal a full [`crate::features::compute`] for that customer; the other
//! families are not computed live and take the model's fill values (see [`LiveScorer`]).
//!
//! ```
//! use segcore::data::{datasets, Logs};
//! use segcore::pipeline::Segmenter;
//! use segcore::pipeline::live::{CustomerState, LiveScorer, OrderEvent};
//! let logs = Logs::new(datasets::cdnow_sample().unwrap(), None, None).unwrap();
//! let model = Segmenter::params().n_segments(Some(4)).fit(&logs).unwrap().model;
//! let scorer = LiveScorer::new(&model).unwrap();
//! let mut state = CustomerState::for_config(&model.params.features).unwrap();
//! state.add(OrderEvent::new(model.as_of - 100 * 86_400, 45.0).quantity(3.0)).unwrap();
//! let score = scorer.score(&state, model.as_of).unwrap();
//! assert_eq!(score.rfm_score.as_ref().map(|s| s.len()), Some(3));
//! let json = serde_json::to_string(&state).unwrap();
//! let back: CustomerState = serde_json::from_str(&json).unwrap();
//! assert_eq!(back, state);
//! ```

mod score;
mod state;

pub use score::{CustomerScore, LiveScorer};
pub use state::{CustomerState, LiveSummary, OrderEvent, purchase_feature_names};
